//! Routing and acknowledging, with a recording ack sink and the mock transport.
#![allow(clippy::unwrap_used)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{json, value::RawValue, Value};
use slack_app::{
    AckError, AckMode, AckSink, App, AppError, BoxFuture, Incoming, IncomingKind, Listener, Regex,
};
use slack_core::WebClientBuilder;
use slack_transport_mock::MockTransport;

#[derive(Debug, Default)]
struct Recorder {
    acks: Mutex<Vec<Option<Value>>>,
    deadlines: Mutex<Vec<Option<Duration>>>,
}

impl AckSink for Recorder {
    fn ack(&self, payload: Option<Box<RawValue>>) -> BoxFuture<'_, Result<(), AckError>> {
        let mut acks = self.acks.lock().unwrap();
        let r = if acks.is_empty() {
            acks.push(payload.map(|p| serde_json::from_str(p.get()).unwrap()));
            Ok(())
        } else {
            Err(AckError::AlreadyAcked)
        };
        Box::pin(async move { r })
    }
    fn set_deadline(&self, after: Option<Duration>) {
        self.deadlines.lock().unwrap().push(after);
    }
}

fn mock() -> (MockTransport, slack_core::WebClient) {
    let mock = MockTransport::new();
    let web = WebClientBuilder::new()
        .token("xoxb-bot")
        .transport(mock.clone())
        .no_retries()
        .build()
        .unwrap();
    (mock, web)
}

fn callback(event: Value) -> Incoming {
    Incoming::new(
        IncomingKind::EventsApi,
        json!({"type": "event_callback", "event_id": "Ev1", "event_time": 1, "event": event})
            .to_string(),
        0,
    )
}

async fn dispatch(app: &App, incoming: Incoming) -> Arc<Recorder> {
    let rec = Arc::new(Recorder::default());
    app.dispatch(incoming, rec.clone()).await;
    rec
}

#[tokio::test]
async fn a_mention_is_answered_in_its_thread_and_acked_once() {
    let (mock, web) = mock();
    mock.on("chat.postMessage")
        .respond_json(json!({"ok": true, "channel": "C1", "ts": "2.0"}));
    let app = App::new(web).app_mention(|req| async move {
        req.ack().await?;
        req.say_in_thread(&format!(
            "hi <@{}>",
            req.payload.user.as_deref().unwrap_or("?")
        ))
        .await?;
        Ok(())
    });
    let rec = dispatch(
        &app,
        callback(json!({"type": "app_mention", "user": "U1", "text": "<@UBOT> hello", "channel": "C1", "ts": "1.0"})),
    )
    .await;
    assert_eq!(*rec.acks.lock().unwrap(), [None]);
    let sent = mock.requests_for("chat.postMessage");
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].arg("thread_ts").as_deref(), Some("1.0"));
    assert_eq!(sent[0].arg("text").as_deref(), Some("hi <@U1>"));
}

#[tokio::test]
async fn commands_reply_in_the_ack_and_the_first_match_wins() {
    let (_mock, web) = mock();
    let app = App::new(web)
        .command("/deploy", |req| async move {
            req.ack_with(&json!({"text": format!("deploying {}", req.payload.text)}))
                .await?;
            Ok(())
        })
        .command("/deploy", |_req| async move {
            panic!("never: the first listener matched")
        });
    let body = json!({"command": "/deploy", "text": "api", "user_id": "U1", "channel_id": "C1", "team_id": "T1",
                      "response_url": "https://hooks.slack.com/commands/1", "trigger_id": "t"});
    let rec = dispatch(
        &app,
        Incoming::new(IncomingKind::SlashCommand, body.to_string(), 0),
    )
    .await;
    assert_eq!(
        *rec.acks.lock().unwrap(),
        [Some(json!({"text": "deploying api"}))]
    );
}

#[tokio::test]
async fn view_submission_errors_actions_and_ack_modes() {
    let (_mock, web) = mock();
    let app = App::new(web)
        .view_submission("signup", |req| async move {
            if !req
                .payload
                .value("email", "input")
                .unwrap_or("")
                .contains('@')
            {
                req.ack_with(
                    &json!({"response_action": "errors", "errors": {"email": "Not an email"}}),
                )
                .await?;
            }
            Ok(())
        })
        .listen(
            Listener::action("approve", |_req| async move { Ok(()) })
                .ack_mode(AckMode::Deadline(Duration::from_millis(500))),
        )
        .listen(
            Listener::shortcut("long_job", |req| async move {
                // Acknowledged before this runs: a second ack is refused.
                assert_eq!(req.ack().await, Err(AckError::AlreadyAcked));
                Ok(())
            })
            .ack_mode(AckMode::Immediately),
        );
    let submission = json!({"type": "view_submission", "user": {"id": "U1"}, "trigger_id": "t",
        "view": {"id": "V1", "type": "modal", "callback_id": "signup", "hash": "h",
                 "state": {"values": {"email": {"input": {"type": "plain_text_input", "value": "nope"}}}}}});
    let rec = dispatch(
        &app,
        Incoming::new(IncomingKind::Interactive, submission.to_string(), 0),
    )
    .await;
    assert_eq!(
        *rec.acks.lock().unwrap(),
        [Some(
            json!({"response_action": "errors", "errors": {"email": "Not an email"}})
        )]
    );
    let action = json!({"type": "block_actions", "user": {"id": "U1"}, "trigger_id": "t",
        "actions": [{"action_id": "other", "block_id": "b"}, {"action_id": "approve", "block_id": "b", "type": "button", "value": "1"}]});
    let rec = dispatch(
        &app,
        Incoming::new(IncomingKind::Interactive, action.to_string(), 0),
    )
    .await;
    assert_eq!(
        *rec.deadlines.lock().unwrap(),
        [Some(Duration::from_millis(500))]
    );
    assert_eq!(*rec.acks.lock().unwrap(), [None]);
    let shortcut = json!({"type": "shortcut", "callback_id": "long_job", "trigger_id": "t", "user": {"id": "U1"}});
    let rec = dispatch(
        &app,
        Incoming::new(IncomingKind::Interactive, shortcut.to_string(), 0),
    )
    .await;
    assert_eq!(*rec.acks.lock().unwrap(), [None]);
}

#[tokio::test]
async fn messages_by_pattern_undecodable_and_unhandled_are_acked_and_reported() {
    let (_mock, web) = mock();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let errors = Arc::new(Mutex::new(Vec::new()));
    let (s1, s2, e1) = (seen.clone(), seen.clone(), errors.clone());
    let app = App::new(web)
        .message(Some(Regex::new(r"^deploy (\w+)").unwrap()), move |req| {
            let s = s1.clone();
            async move {
                s.lock().unwrap().push(format!(
                    "deploy:{}",
                    req.payload.text.as_deref().unwrap_or("")
                ));
                Err("the deploy failed".into())
            }
        })
        .unhandled(move |incoming, _cx| {
            let s = s2.clone();
            async move {
                s.lock()
                    .unwrap()
                    .push(format!("unhandled:{:?}", incoming.kind));
                Ok(())
            }
        })
        .on_error(move |e: &AppError| e1.lock().unwrap().push(e.to_string()));
    let msg = |text: &str| {
        callback(
            json!({"type": "message", "channel": "C1", "user": "U1", "text": text, "ts": "1.0"}),
        )
    };
    let r1 = dispatch(&app, msg("deploy api")).await;
    let r2 = dispatch(&app, msg("hello")).await;
    // A known event without a field it needs: reported, handed over raw, still acked.
    let r3 = dispatch(
        &app,
        callback(json!({"type": "app_mention", "text": "no channel"})),
    )
    .await;
    let r4 = dispatch(
        &app,
        Incoming::new(IncomingKind::Interactive, "{not json".to_owned(), 0),
    )
    .await;
    for r in [&r1, &r2, &r3, &r4] {
        assert_eq!(r.acks.lock().unwrap().len(), 1);
    }
    assert_eq!(
        *seen.lock().unwrap(),
        [
            "deploy:deploy api",
            "unhandled:EventsApi",
            "unhandled:EventsApi",
            "unhandled:Interactive"
        ]
    );
    let errors = errors.lock().unwrap();
    assert_eq!(errors.len(), 3, "{errors:?}");
    assert!(errors[0].contains("the deploy failed"));
}
