//! Socket Mode over real websockets, with tokio-tungstenite as the app: the app-level
//! token, `hello`, envelopes for workspace activity, acks with response payloads,
//! re-delivery, spreading over connections, `disconnect`, drops, and the admin endpoints.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use common::{call_with, closed_with, next_json, send, send_json, Ws, WAIT};
use futures_util::{SinkExt, StreamExt};
use http::Method;
use serde_json::{json, Value};
use slack_core::socket_mode::{decode_frame, DisconnectReason as CoreReason, EnvelopeKind, Frame};
use slack_emulator::{DisconnectReason, Emulator, EmulatorBuilder, Fault, FaultRule, RateLimits};

const SHAPES: &str = include_str!("fixtures/event_shapes.json");

fn shapes() -> Value {
    serde_json::from_str(SHAPES).unwrap()
}

/// Acks are sent at once in these tests: a long ack timeout keeps retries out of them even
/// on a loaded machine. Tests of re-delivery set a short one.
fn fast() -> EmulatorBuilder {
    Emulator::builder()
        .socket_mode_ack_timeout(Duration::from_secs(20))
        .socket_mode_disconnect_grace(Duration::from_millis(50))
}

fn retrying() -> EmulatorBuilder {
    fast().socket_mode_ack_timeout(Duration::from_millis(300))
}

/// `apps.connections.open` with the app token; the URL.
async fn open_url(emu: &Emulator) -> String {
    let r = call_with(emu, &emu.app_token(), "apps.connections.open", json!({})).await;
    let v = r.json();
    assert_eq!(v["ok"], true, "{v}");
    v["url"].as_str().unwrap().to_owned()
}

/// Open a connection; it and its `hello`.
async fn connect(emu: &Emulator) -> (Ws, Value) {
    let url = open_url(emu).await;
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    let hello = next_json(&mut ws).await;
    assert_eq!(hello["type"], "hello", "{hello}");
    (ws, hello)
}

/// The next envelope on `ws`, checked against the SDK's decoder.
async fn envelope(ws: &mut Ws) -> Value {
    let v = next_json(ws).await;
    match decode_frame(&v.to_string()) {
        Ok(Frame::Envelope(e)) => assert_eq!(e.envelope_id, v["envelope_id"].as_str().unwrap()),
        other => panic!("not an envelope: {other:?} {v}"),
    }
    v
}

async fn ack(ws: &mut Ws, envelope: &Value, payload: Option<Value>) {
    let mut a = json!({"envelope_id": envelope["envelope_id"]});
    if let Some(p) = payload {
        a["payload"] = p;
    }
    send_json(ws, a).await;
}

/// The next `events_api` envelope's event, acknowledged.
async fn next_event(ws: &mut Ws) -> (Value, Value) {
    let env = envelope(ws).await;
    assert_eq!(env["type"], "events_api", "{env}");
    ack(ws, &env, None).await;
    let event = env["payload"]["event"].clone();
    (env, event)
}

/// Wait (yielding to the server) until `cond` holds.
async fn until(mut cond: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while !cond() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "condition not met in time"
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Every key Slack's sample has but the emulator leaves out, for a single-workspace app.
const ENTERPRISE_ONLY: &[&str] = &["enterprise_id", "authed_users", "authed_teams"];

fn assert_shape(kind: &str, callback: &Value) {
    let shapes = shapes();
    let keys = |v: &Value| -> HashSet<String> { v.as_object().unwrap().keys().cloned().collect() };
    let names = |v: &Value| -> HashSet<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|s| s.as_str().unwrap().to_owned())
            .collect()
    };
    let sample_top = names(&shapes[kind]["callback"]);
    let ours = keys(callback);
    for k in &sample_top {
        assert!(
            ours.contains(k) || ENTERPRISE_ONLY.contains(&k.as_str()),
            "{kind}: missing {k} in {callback}"
        );
    }
    for k in &ours {
        assert!(
            sample_top.contains(k) || k.starts_with("context_"),
            "{kind}: unknown {k}"
        );
    }
    let sample_event = names(&shapes[kind]["event"]);
    for k in keys(&callback["event"]) {
        // `app_id` of bot messages is in Slack's message events though not in the sample.
        assert!(
            sample_event.contains(&k) || k == "app_id",
            "{kind}: event field {k} not in Slack's sample"
        );
    }
}

#[tokio::test]
async fn hello_and_single_use_urls() {
    let emu = fast().start().await.unwrap();
    assert!(emu.app_token().starts_with("xapp-1-A"));
    assert!(emu.app_id().starts_with('A'));
    let url = open_url(&emu).await;
    let prefix = format!("ws://{}/link/?ticket=", emu.addr());
    assert!(url.starts_with(&prefix), "{url}");
    assert!(url.ends_with(&format!("&app_id={}", emu.app_id())), "{url}");
    let (mut first, _) = tokio_tungstenite::connect_async(&url).await.unwrap();
    let hello = next_json(&mut first).await;
    assert_eq!(
        hello,
        json!({"type": "hello", "num_connections": 1,
               "debug_info": {"host": "emulator", "build_number": 1, "approximate_connection_time": 18060},
               "connection_info": {"app_id": emu.app_id()}})
    );
    let Ok(Frame::Hello(h)) = decode_frame(&hello.to_string()) else {
        panic!("hello")
    };
    assert_eq!(h.num_connections, 1);
    assert_eq!(h.app_id.as_deref(), Some(emu.app_id().as_str()));
    // Websocket pings are answered.
    first
        .send(tokio_tungstenite::tungstenite::Message::Ping(
            vec![7u8].into(),
        ))
        .await
        .unwrap();
    match tokio::time::timeout(WAIT, first.next()).await.unwrap() {
        Some(Ok(tokio_tungstenite::tungstenite::Message::Pong(p))) => assert_eq!(&p[..], [7u8]),
        other => panic!("no pong: {other:?}"),
    }
    // The same URL opens nothing more.
    assert!(tokio_tungstenite::connect_async(&url).await.is_err());
    let (_second, hello) = connect(&emu).await;
    assert_eq!(hello["num_connections"], 2);
    assert_eq!(emu.socket_mode().connections(), 2);
    assert_eq!(emu.socket_mode().connection_ids().len(), 2);
}

#[tokio::test]
async fn app_level_token_rules() {
    let emu = Emulator::start().await.unwrap();
    let app = emu.app_token();
    let err = |r: common::Reply| r.json()["error"].as_str().unwrap_or_default().to_owned();
    // The app token opens connections and does nothing else.
    let r = call_with(&emu, &app, "auth.test", json!({})).await;
    assert_eq!(err(r), "not_allowed_token_type");
    let r = call_with(
        &emu,
        &app,
        "chat.postMessage",
        json!({"channel": "general", "text": "x"}),
    )
    .await;
    assert_eq!(err(r), "not_allowed_token_type");
    // Other tokens cannot open connections.
    for token in [emu.bot_token(), emu.user_token()] {
        let r = call_with(&emu, &token, "apps.connections.open", json!({})).await;
        assert_eq!(err(r), "not_allowed_token_type");
    }
    let r = send(&emu, Method::POST, "/api/apps.connections.open", &[], "")
        .await
        .unwrap();
    assert_eq!(err(r), "not_authed");
    let r = call_with(&emu, "xapp-1-nope", "apps.connections.open", json!({})).await;
    assert_eq!(err(r), "invalid_auth");
    // Slack takes the app token in the Authorization header only.
    let r = common::form(&emu, "apps.connections.open", &[("token", app.as_str())]).await;
    assert_eq!(err(r), "invalid_auth");
}

#[tokio::test]
async fn connections_open_is_tier_1_and_takes_faults() {
    let emu = Emulator::builder()
        .rate_limits(RateLimits::SlackLike)
        .start()
        .await
        .unwrap();
    open_url(&emu).await;
    let r = call_with(&emu, &emu.app_token(), "apps.connections.open", json!({})).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.json()["error"], "ratelimited");
    assert!(r.header("retry-after").unwrap().parse::<u64>().unwrap() >= 1);
    emu.set_rate_limits(RateLimits::Off);
    emu.inject(FaultRule::new("apps.connections.open", Fault::status(503)));
    let r = call_with(&emu, &emu.app_token(), "apps.connections.open", json!({})).await;
    assert_eq!(r.status, 503);
    open_url(&emu).await;
}

#[tokio::test]
async fn envelopes_for_messages_mentions_and_more() {
    let emu = fast().start().await.unwrap();
    let (mut ws, _) = connect(&emu).await;
    let general = emu.channel_id("general").unwrap();
    let ada = emu.user_id("ada").unwrap();

    let ts = emu.post_as("ada", "general", "hello app").unwrap();
    let (env, event) = next_event(&mut ws).await;
    assert_eq!(env["accepts_response_payload"], false);
    assert_eq!(env["retry_attempt"], 0);
    assert_eq!(env["retry_reason"], "");
    let cb = &env["payload"];
    assert_eq!(cb["type"], "event_callback");
    assert_eq!(cb["team_id"], emu.team_id().as_str());
    assert_eq!(cb["api_app_id"], emu.app_id().as_str());
    assert_eq!(cb["token"], emu.verification_token().as_str());
    assert!(cb["event_id"].as_str().unwrap().starts_with("Ev"));
    assert_eq!(
        cb["event_time"],
        ts.split('.').next().unwrap().parse::<i64>().unwrap()
    );
    assert_eq!(
        cb["authorizations"][0]["user_id"],
        emu.bot_user_id().as_str()
    );
    assert_eq!(cb["authorizations"][0]["is_bot"], true);
    assert_eq!(cb["is_ext_shared_channel"], false);
    assert_eq!(event["type"], "message");
    assert_eq!(event["text"], "hello app");
    assert_eq!(event["user"], ada.as_str());
    assert_eq!(event["channel"], general.as_str());
    assert_eq!(event["channel_type"], "channel");
    assert_eq!(event["ts"], ts.as_str());
    assert_shape("message", cb);

    // A mention: the message, then app_mention.
    let text = format!("<@{}> deploy please", emu.bot_user_id());
    emu.post_as("grace", "general", &text).unwrap();
    let (_, m) = next_event(&mut ws).await;
    assert_eq!(m["type"], "message");
    let (env, mention) = next_event(&mut ws).await;
    assert_eq!(mention["type"], "app_mention");
    assert_eq!(mention["text"], text.as_str());
    assert_eq!(mention["user"], emu.user_id("grace").unwrap().as_str());
    assert_eq!(mention["channel"], general.as_str());
    assert_shape("app_mention", &env["payload"]);

    // The bot's own messages come too, with bot_id: the app filters them.
    let r = call_with(
        &emu,
        &emu.bot_token(),
        "chat.postMessage",
        json!({"channel": general, "text": "mine"}),
    )
    .await;
    let bot_ts = r.json()["ts"].as_str().unwrap().to_owned();
    let (_, mine) = next_event(&mut ws).await;
    assert_eq!(mine["bot_id"], emu.bot_id().as_str());
    assert_eq!(mine["bot_profile"]["app_id"], emu.app_id().as_str());

    // Nothing from a channel the bot is not in: the next envelope is the reaction.
    emu.post_as("ada", "outside", "not for the bot").unwrap();
    let user = emu.user_token();
    call_with(
        &emu,
        &user,
        "reactions.add",
        json!({"channel": general, "timestamp": bot_ts, "name": "tada"}),
    )
    .await;
    let (env, reaction) = next_event(&mut ws).await;
    assert_eq!(reaction["type"], "reaction_added");
    assert_eq!(reaction["reaction"], "tada");
    assert_eq!(reaction["item"]["channel"], general.as_str());
    assert_shape("reaction_added", &env["payload"]);
    call_with(
        &emu,
        &user,
        "reactions.remove",
        json!({"channel": general, "timestamp": bot_ts, "name": "tada"}),
    )
    .await;
    let (env, removed) = next_event(&mut ws).await;
    assert_eq!(removed["type"], "reaction_removed");
    assert_shape("reaction_removed", &env["payload"]);

    // Edits and deletions of the bot's message.
    let bot = emu.bot_token();
    call_with(
        &emu,
        &bot,
        "chat.update",
        json!({"channel": general, "ts": bot_ts, "text": "edited"}),
    )
    .await;
    let (env, changed) = next_event(&mut ws).await;
    assert_eq!(changed["subtype"], "message_changed");
    assert_eq!(changed["message"]["text"], "edited");
    assert_shape("message_changed", &env["payload"]);
    call_with(
        &emu,
        &bot,
        "chat.delete",
        json!({"channel": general, "ts": bot_ts}),
    )
    .await;
    let (env, deleted) = next_event(&mut ws).await;
    assert_eq!(deleted["subtype"], "message_deleted");
    assert_eq!(deleted["deleted_ts"], bot_ts.as_str());
    assert_shape("message_deleted", &env["payload"]);

    // A new channel, and the bot joining one.
    call_with(
        &emu,
        &user,
        "conversations.create",
        json!({"name": "launch"}),
    )
    .await;
    let (env, created) = next_event(&mut ws).await;
    assert_eq!(created["type"], "channel_created");
    assert_eq!(created["channel"]["name"], "launch");
    assert_shape("channel_created", &env["payload"]);
    call_with(
        &emu,
        &bot,
        "conversations.join",
        json!({"channel": "launch"}),
    )
    .await;
    let (env, joined) = next_event(&mut ws).await;
    assert_eq!(joined["type"], "member_joined_channel");
    assert_eq!(joined["user"], emu.bot_user_id().as_str());
    assert_shape("member_joined_channel", &env["payload"]);
}

#[tokio::test]
async fn slash_command_ack_posts_in_channel_and_response_url_is_recorded() {
    let emu = fast().start().await.unwrap();
    let (mut ws, _) = connect(&emu).await;
    let id = emu
        .socket_mode()
        .slash_command("/deploy", "api", "ada")
        .unwrap();
    let env = envelope(&mut ws).await;
    assert_eq!(env["envelope_id"], id.as_str());
    assert_eq!(env["type"], "slash_commands");
    assert_eq!(env["accepts_response_payload"], true);
    let p = &env["payload"];
    let sample: Vec<String> = shapes()["slash_command"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_owned())
        .collect();
    for k in &sample {
        assert!(
            p.get(k).is_some() || k.starts_with("enterprise_"),
            "slash command without {k}: {p}"
        );
    }
    assert_eq!(p["command"], "/deploy");
    assert_eq!(p["text"], "api");
    assert_eq!(p["user_name"], "ada");
    assert_eq!(p["channel_name"], "general");
    assert_eq!(p["team_id"], emu.team_id().as_str());
    assert_eq!(p["api_app_id"], emu.app_id().as_str());
    let trigger = p["trigger_id"].as_str().unwrap();
    assert!(emu.trigger_ids().iter().any(|t| t == trigger));
    let response_url = p["response_url"].as_str().unwrap().to_owned();
    assert!(response_url.starts_with(&format!("http://{}/_emulator/response_url/", emu.addr())));

    // The ack's payload is the response: posted in the channel, as the bot.
    ack(
        &mut ws,
        &env,
        Some(json!({"text": "Deploying api", "response_type": "in_channel"})),
    )
    .await;
    let (_, posted) = next_event(&mut ws).await;
    assert_eq!(posted["text"], "Deploying api");
    assert_eq!(posted["user"], emu.bot_user_id().as_str());
    let general = emu.messages("general");
    assert_eq!(general.last().unwrap()["text"], "Deploying api");
    let r = emu.responses();
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].via, slack_emulator::ResponseVia::Ack);
    assert_eq!(r[0].outcome, "in_channel");
    assert_eq!(r[0].ts.as_deref(), posted["ts"].as_str());
    assert!(emu.socket_mode().acks()[0].known);

    // Later, the response URL: ephemeral by default, recorded.
    let path = response_url
        .split(&emu.addr().to_string())
        .nth(1)
        .unwrap()
        .to_owned();
    let r = send(
        &emu,
        Method::POST,
        &path,
        &[("content-type", "application/json")],
        json!({"text": "Done"}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["ok"], true);
    let r = emu.responses();
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].via, slack_emulator::ResponseVia::ResponseUrl);
    assert_eq!(r[1].outcome, "ephemeral");
    assert_eq!(r[1].body["text"], "Done");
    assert_eq!(
        emu.messages("general").len(),
        general.len(),
        "ephemeral: not stored"
    );
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/response_url/nope",
        &[],
        "{}",
    )
    .await
    .unwrap();
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn unacknowledged_envelopes_are_delivered_again() {
    let emu = retrying().start().await.unwrap();
    let (mut a, _) = connect(&emu).await;
    let (mut b, _) = connect(&emu).await;
    let id = emu
        .socket_mode()
        .event(json!({"type": "team_join", "user": {"id": "U9"}}))
        .unwrap();
    let first = tokio::select! {
        v = envelope(&mut a) => ("a", v),
        v = envelope(&mut b) => ("b", v),
    };
    assert_eq!(first.1["envelope_id"], id.as_str());
    assert_eq!(first.1["retry_attempt"], 0);
    // Not acknowledged: again, on the other connection, after the ack timeout.
    let retry = if first.0 == "a" {
        envelope(&mut b).await
    } else {
        envelope(&mut a).await
    };
    assert_eq!(retry["envelope_id"], id.as_str());
    assert_eq!(retry["retry_attempt"], 1);
    assert_eq!(retry["retry_reason"], "timeout");
    assert_eq!(retry["payload"], first.1["payload"]);
    let Ok(Frame::Envelope(e)) = decode_frame(&retry.to_string()) else {
        panic!()
    };
    assert!(e.is_retry());
    assert_eq!(e.kind, EnvelopeKind::EventsApi);
    // An ack on the connection that had the first delivery counts too.
    if first.0 == "a" {
        ack(&mut a, &retry, None).await
    } else {
        ack(&mut b, &retry, None).await
    }
    until(|| emu.socket_mode().pending() == 0).await;
    let d = emu.socket_mode().delivered();
    assert!(d.len() >= 2, "{d:?}");
    assert_ne!(d[0].connection, d[1].connection);
    assert!(emu.socket_mode().given_up().is_empty());
}

#[tokio::test]
async fn given_up_after_three_retries() {
    let emu = Emulator::builder()
        .socket_mode_ack_timeout(Duration::from_millis(20))
        .start()
        .await
        .unwrap();
    let (mut ws, _) = connect(&emu).await;
    let id = emu
        .socket_mode()
        .interaction(json!({"type": "shortcut", "callback_id": "x"}))
        .unwrap();
    for attempt in 0..=3 {
        let env = envelope(&mut ws).await;
        assert_eq!(env["envelope_id"], id.as_str());
        assert_eq!(env["retry_attempt"], attempt);
    }
    until(|| emu.socket_mode().given_up() == vec![id.clone()]).await;
    assert_eq!(emu.socket_mode().delivered().len(), 4);
}

#[tokio::test]
async fn three_connections_share_thirty_envelopes() {
    let emu = fast()
        .socket_mode_ack_timeout(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let mut conns = Vec::new();
    for _ in 0..3 {
        conns.push(connect(&emu).await.0);
    }
    let mut sent = HashSet::new();
    for i in 0..30 {
        sent.insert(
            emu.socket_mode()
                .event(json!({"type": "custom", "n": i}))
                .unwrap(),
        );
    }
    let mut seen = HashMap::new();
    for (n, ws) in conns.iter_mut().enumerate() {
        for _ in 0..10 {
            let env = envelope(ws).await;
            assert_eq!(env["retry_attempt"], 0);
            let id = env["envelope_id"].as_str().unwrap().to_owned();
            assert!(seen.insert(id, n).is_none(), "duplicated");
            ack(ws, &env, None).await;
        }
    }
    assert_eq!(seen.len(), 30);
    assert_eq!(seen.keys().cloned().collect::<HashSet<_>>(), sent);
    until(|| emu.socket_mode().pending() == 0).await;
    assert_eq!(emu.socket_mode().delivered().len(), 30);
}

#[tokio::test]
async fn disconnect_then_close_and_link_disabled() {
    let emu = fast().start().await.unwrap();
    let (mut ws, _) = connect(&emu).await;
    assert_eq!(
        emu.socket_mode()
            .disconnect(DisconnectReason::RefreshRequested),
        1
    );
    let msg = next_json(&mut ws).await;
    assert_eq!(
        msg,
        json!({"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "emulator"}})
    );
    assert!(matches!(
        decode_frame(&msg.to_string()),
        Ok(Frame::Disconnect(CoreReason::RefreshRequested))
    ));
    // Closed after the grace period.
    assert_eq!(closed_with(&mut ws).await, Some(1000));
    until(|| emu.socket_mode().connections() == 0).await;

    // link_disabled: no more URLs until enabled again.
    let (mut ws, _) = connect(&emu).await;
    emu.socket_mode().disconnect(DisconnectReason::LinkDisabled);
    assert_eq!(next_json(&mut ws).await["reason"], "link_disabled");
    let r = call_with(&emu, &emu.app_token(), "apps.connections.open", json!({})).await;
    assert_eq!(r.json()["error"], "link_disabled");
    emu.socket_mode().set_link_enabled(true);
    open_url(&emu).await;
}

#[tokio::test]
async fn silence_and_drops() {
    let emu = retrying().start().await.unwrap();
    let (mut a, _) = connect(&emu).await;
    emu.socket_mode().silence(true);
    let (mut b, _) = connect(&emu).await;
    // Sent to the silent connection first (round robin), swallowed, then re-delivered to b.
    let id = emu.socket_mode().event(json!({"type": "custom"})).unwrap();
    let got = envelope(&mut b).await;
    assert_eq!(got["envelope_id"], id.as_str());
    assert_eq!(got["retry_attempt"], 1);
    assert_eq!(
        emu.socket_mode().delivered()[0].connection,
        emu.socket_mode().connection_ids()[0]
    );
    // A websocket ping to a silent connection gets no pong; nothing arrives on it.
    a.send(tokio_tungstenite::tungstenite::Message::Ping(
        vec![1u8].into(),
    ))
    .await
    .unwrap();
    assert!(tokio::time::timeout(Duration::from_millis(100), a.next())
        .await
        .is_err());
    // Dropping: the socket ends without a close frame.
    emu.socket_mode().drop_connections();
    match tokio::time::timeout(WAIT, b.next()).await.unwrap() {
        None | Some(Err(_)) => {}
        Some(Ok(m)) => panic!("expected an abrupt end, got {m:?}"),
    }
    until(|| emu.socket_mode().connections() == 0).await;
}

#[tokio::test]
async fn view_submission_answers_update_the_view() {
    let emu = fast().start().await.unwrap();
    let (mut ws, _) = connect(&emu).await;
    let opened = call_with(&emu, &emu.bot_token(), "views.open", json!({
        "trigger_id": emu.issue_trigger_id(),
        "view": {"type": "modal", "title": {"type": "plain_text", "text": "Sign up"}, "blocks": []},
    })).await.json();
    let view_id = opened["view"]["id"].as_str().unwrap().to_owned();
    emu.socket_mode()
        .interaction(json!({"type": "view_submission", "user": "grace", "view": {"id": view_id, "state": {"values": {}}}}))
        .unwrap();
    let env = envelope(&mut ws).await;
    assert_eq!(env["type"], "interactive");
    assert_eq!(env["accepts_response_payload"], true);
    assert_eq!(env["payload"]["user"]["name"], "grace");
    assert!(env["payload"]["trigger_id"].as_str().is_some());
    ack(
        &mut ws,
        &env,
        Some(json!({"response_action": "update", "view": {
        "type": "modal", "title": {"type": "plain_text", "text": "Thanks"}, "blocks": []}})),
    )
    .await;
    until(|| !emu.responses().is_empty()).await;
    assert_eq!(emu.responses()[0].outcome, "view_updated");
    let views = emu.state()["views"].clone();
    let v = views
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == view_id.as_str())
        .unwrap()
        .clone();
    assert_eq!(v["title"]["text"], "Thanks");
    // Errors are recorded.
    emu.socket_mode()
        .interaction(json!({"type": "view_submission", "view": {"id": view_id}}))
        .unwrap();
    let env = envelope(&mut ws).await;
    ack(
        &mut ws,
        &env,
        Some(json!({"response_action": "errors", "errors": {"email": "Not an email"}})),
    )
    .await;
    until(|| emu.responses().len() == 2).await;
    assert_eq!(emu.responses()[1].outcome, "view_errors");
}

#[tokio::test]
async fn block_actions_response_url_replaces_the_message() {
    let emu = fast().start().await.unwrap();
    let (mut ws, _) = connect(&emu).await;
    let general = emu.channel_id("general").unwrap();
    let posted = call_with(
        &emu,
        &emu.bot_token(),
        "chat.postMessage",
        json!({"channel": general, "text": "Approve?"}),
    )
    .await
    .json();
    let ts = posted["ts"].as_str().unwrap().to_owned();
    next_event(&mut ws).await;
    emu.socket_mode()
        .interaction(json!({"type": "block_actions", "user": "ada",
            "container": {"type": "message", "channel_id": general, "message_ts": ts},
            "actions": [{"action_id": "approve", "type": "button", "value": "yes"}]}))
        .unwrap();
    let env = envelope(&mut ws).await;
    assert_eq!(env["accepts_response_payload"], false);
    ack(&mut ws, &env, None).await;
    let url = env["payload"]["response_url"].as_str().unwrap().to_owned();
    let path = url
        .split(&emu.addr().to_string())
        .nth(1)
        .unwrap()
        .to_owned();
    send(
        &emu,
        Method::POST,
        &path,
        &[],
        json!({"replace_original": true, "text": "Approved"}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(emu.messages("general").last().unwrap()["text"], "Approved");
    send(
        &emu,
        Method::POST,
        &path,
        &[],
        json!({"delete_original": "true"}).to_string(),
    )
    .await
    .unwrap();
    assert!(emu.messages("general").is_empty());
    let outcomes: Vec<String> = emu.responses().into_iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, ["replaced_original", "deleted_original"]);
}

#[tokio::test]
async fn injections_wait_for_a_connection_and_admin_endpoints_drive_it() {
    let emu = fast().start().await.unwrap();
    // Over HTTP, before any connection.
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/socket_mode/command",
        &[],
        json!({"command": "/deploy", "text": "web", "user": "linus", "channel": "random"})
            .to_string(),
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true, "{}", r.text());
    let id = r.json()["envelope_id"].as_str().unwrap().to_owned();
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/socket_mode/command",
        &[],
        json!({"command": "/x", "user": "nobody"}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 400);
    assert_eq!(r.json()["error"], "user_not_found");
    let (mut ws, _) = connect(&emu).await;
    let env = envelope(&mut ws).await;
    assert_eq!(env["envelope_id"], id.as_str());
    assert_eq!(env["payload"]["user_name"], "linus");
    assert_eq!(env["payload"]["channel_name"], "random");
    ack(&mut ws, &env, None).await;
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/socket_mode/event",
        &[],
        json!({"type": "team_join", "user": {"id": "U1"}}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true);
    let (_, ev) = next_event(&mut ws).await;
    assert_eq!(ev["type"], "team_join");
    let r = send(&emu, Method::GET, "/_emulator/socket_mode", &[], "")
        .await
        .unwrap();
    assert_eq!(r.json()["connections"].as_array().unwrap().len(), 1);
    let r = send(
        &emu,
        Method::GET,
        "/_emulator/socket_mode/delivered",
        &[],
        "",
    )
    .await
    .unwrap();
    assert_eq!(r.json()["delivered"].as_array().unwrap().len(), 2);
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/socket_mode/disconnect",
        &[],
        json!({"reason": "warning"}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(r.json()["told"], 1);
    assert_eq!(next_json(&mut ws).await["reason"], "warning");
    let r = send(
        &emu,
        Method::POST,
        "/_emulator/socket_mode/disconnect",
        &[],
        json!({"reason": "bye"}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(r.status, 400);
    let info = send(&emu, Method::GET, "/_emulator/info", &[], "")
        .await
        .unwrap()
        .json();
    assert_eq!(info["app_token"], emu.app_token().as_str());
}

#[tokio::test]
async fn no_events_while_no_connection_is_open() {
    let emu = fast().start().await.unwrap();
    emu.post_as("ada", "general", "nobody listens").unwrap();
    let (mut ws, _) = connect(&emu).await;
    emu.post_as("ada", "general", "now").unwrap();
    let (_, ev) = next_event(&mut ws).await;
    assert_eq!(ev["text"], "now");
}
