//! The example bot (`examples/bot.rs`) against the emulator, over Socket Mode and over HTTP:
//! the same listeners, every envelope acknowledged once, nothing lost in a refresh.
#![cfg(all(feature = "socket-mode", feature = "events", feature = "hyper"))]
#![allow(clippy::unwrap_used, dead_code)]

#[path = "../examples/bot.rs"]
mod bot;

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{json, Value};
use slack_emulator::{DisconnectReason, Emulator, SlashCommand};
use slack_sdk::socket_mode::SocketModeOptions;
use slack_sdk::WebClient;

const SECRET: &str = "receiving-events-secret";

fn client(emu: &Emulator) -> WebClient {
    WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .build()
        .unwrap()
}

/// Wait (at most 20 s) until `done` holds.
async fn eventually(what: &str, done: impl Fn() -> bool) {
    for _ in 0..2000 {
        if done() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("not within 20 s: {what}");
}

fn replies(emu: &Emulator, channel: &str, thread: &str) -> Vec<Value> {
    emu.messages(channel)
        .into_iter()
        .filter(|m| m["thread_ts"] == thread && m["ts"] != thread)
        .collect()
}

async fn socket_mode_bot(
    emu: &Emulator,
    options: SocketModeOptions,
) -> slack_sdk::socket_mode::SocketModeHandle {
    let app = bot::bot(client(emu)).socket_mode(emu.app_token(), options);
    let handle = app.handle();
    tokio::spawn(async move { app.run().await });
    handle
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_bot_answers_mentions_commands_shortcuts_and_modals() {
    let emu = Emulator::builder().start().await.unwrap();
    let handle = socket_mode_bot(&emu, SocketModeOptions::default()).await;
    eventually("connected", || handle.connections_ready() == 1).await;

    // A mention → a reply in its thread, as the bot.
    let general = emu.channel_id("general").unwrap();
    let bot_user = emu.bot_user_id();
    let ts = emu
        .post_as("ada", "general", &format!("<@{bot_user}> hello"))
        .unwrap();
    eventually("a threaded reply", || {
        !replies(&emu, &general, &ts).is_empty()
    })
    .await;
    let reply = &replies(&emu, &general, &ts)[0];
    assert!(
        reply["text"].as_str().unwrap().contains("You said"),
        "{reply}"
    );
    assert_eq!(reply["user"], bot_user.as_str());

    // /deploy → the ack's payload, posted in the channel.
    let sm = emu.socket_mode();
    let id = sm
        .command(SlashCommand::new("/deploy").text("api"))
        .unwrap();
    eventually("the command acked", || {
        sm.acks().iter().any(|a| a.envelope_id == id)
    })
    .await;
    let ack = sm.acks().into_iter().find(|a| a.envelope_id == id).unwrap();
    assert_eq!(ack.payload.unwrap()["text"], "Deploying api :rocket:");
    eventually("posted in channel", || {
        emu.messages(&general)
            .iter()
            .any(|m| m["text"] == "Deploying api :rocket:")
    })
    .await;

    // The shortcut opens the modal with the trigger id the emulator issued.
    let id = sm
        .interaction(json!({"type": "shortcut", "callback_id": "signup"}))
        .unwrap();
    eventually("the modal opened", || {
        emu.state()["views"]
            .as_array()
            .is_some_and(|v| v.iter().any(|v| v["callback_id"] == "signup"))
    })
    .await;
    eventually("the shortcut acked", || {
        sm.acks().iter().any(|a| a.envelope_id == id)
    })
    .await;

    // An invalid submission → errors in the ack.
    let id = sm
        .interaction(json!({"type": "view_submission", "view": {"id": "V0", "type": "modal", "callback_id": "signup",
            "hash": "h", "state": {"values": {"email": {"input": {"type": "plain_text_input", "value": "not an email"}}}}}}))
        .unwrap();
    eventually("the submission acked", || {
        sm.acks().iter().any(|a| a.envelope_id == id)
    })
    .await;
    let ack = sm.acks().into_iter().find(|a| a.envelope_id == id).unwrap();
    assert_eq!(ack.payload.unwrap()["response_action"], "errors");

    // Every envelope acknowledged exactly once, none re-delivered.
    let acks = sm.acks();
    let mut per_envelope: HashMap<String, usize> = HashMap::new();
    for a in &acks {
        *per_envelope.entry(a.envelope_id.clone()).or_default() += 1;
    }
    assert!(per_envelope.values().all(|n| *n == 1), "{acks:?}");
    assert!(sm.delivered().iter().all(|d| d.retry_attempt == 0));
    handle.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_and_several_connections_lose_nothing() {
    let emu = Emulator::builder().start().await.unwrap();
    let handle = socket_mode_bot(&emu, SocketModeOptions::default().connections(3)).await;
    let sm = emu.socket_mode();
    eventually("three connections", || {
        handle.connections_ready() == 3 && sm.connections() == 3
    })
    .await;
    let mut ids = Vec::new();
    for i in 0..30 {
        ids.push(
            sm.command(SlashCommand::new("/deploy").text(format!("svc{i}")))
                .unwrap(),
        );
        if i == 10 {
            sm.disconnect(DisconnectReason::RefreshRequested);
        }
    }
    eventually("all 30 acked", || {
        let acks = sm.acks();
        ids.iter()
            .all(|id| acks.iter().any(|a| a.envelope_id == *id && a.known))
    })
    .await;
    let delivered = sm.delivered();
    let conns: std::collections::HashSet<u64> = delivered.iter().map(|d| d.connection).collect();
    assert!(conns.len() >= 3, "spread over the connections: {conns:?}");
    eventually("reconnected after the refresh", || {
        handle.connections_ready() == 3
    })
    .await;
    let general = emu.channel_id("general").unwrap();
    let posted = emu
        .messages(&general)
        .iter()
        .filter(|m| {
            m["text"]
                .as_str()
                .is_some_and(|t| t.starts_with("Deploying svc"))
        })
        .count();
    assert_eq!(posted, 30, "each command answered exactly once");
    handle.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_bot_over_http() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/slack", listener.local_addr().unwrap());
    let emu = Emulator::builder()
        .signing_secret(SECRET)
        .event_request_url(format!("{url}/events"))
        .command_url(format!("{url}/commands"))
        .interaction_url(format!("{url}/interactions"))
        .start()
        .await
        .unwrap();
    // The one line that differs from Socket Mode.
    let server = bot::bot(client(&emu)).http(SECRET).unwrap();
    tokio::spawn(server.serve_on(listener));
    let http = emu.events_api();
    assert!(
        http.verify_url().await.unwrap(),
        "url_verification answered"
    );

    let general = emu.channel_id("general").unwrap();
    let ts = emu
        .post_as(
            "ada",
            "general",
            &format!("<@{}> over http", emu.bot_user_id()),
        )
        .unwrap();
    eventually("a threaded reply", || {
        !replies(&emu, &general, &ts).is_empty()
    })
    .await;

    let (status, body) = http
        .slash_command(SlashCommand::new("/deploy").text("web"))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["text"],
        "Deploying web :rocket:"
    );

    let (status, body) = http
        .interaction(json!({"type": "view_submission", "view": {"id": "V0", "type": "modal", "callback_id": "signup",
            "hash": "h", "state": {"values": {"email": {"input": {"type": "plain_text_input", "value": "nope"}}}}}}))
        .await
        .unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap()["response_action"],
        "errors"
    );
    // Every event POST answered 2xx on the first attempt.
    assert!(
        http.deliveries()
            .iter()
            .all(|d| d.attempt == 0 && d.status == Some(200)),
        "{:?}",
        http.deliveries()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_requests_never_reach_the_bot() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/slack", listener.local_addr().unwrap());
    // The emulator signs with another secret than the app checks.
    let emu = Emulator::builder()
        .signing_secret("not-the-apps-secret")
        .command_url(format!("{url}/commands"))
        .event_request_url(format!("{url}/events"))
        .start()
        .await
        .unwrap();
    let server = bot::bot(client(&emu)).http(SECRET).unwrap();
    tokio::spawn(server.serve_on(listener));
    let (status, _) = emu
        .events_api()
        .slash_command(SlashCommand::new("/deploy").text("x"))
        .await
        .unwrap();
    assert_eq!(status, 401);
    let general = emu.channel_id("general").unwrap();
    assert!(!emu
        .messages(&general)
        .iter()
        .any(|m| m["text"].as_str().is_some_and(|t| t.contains("Deploying"))));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_silent_connection_is_replaced_and_delivery_goes_on() {
    let emu = Emulator::builder().start().await.unwrap();
    let options = SocketModeOptions::default()
        .ping_interval(Duration::from_millis(200))
        .stale_after(Duration::from_secs(1))
        .max_backoff(Duration::from_secs(2));
    let handle = socket_mode_bot(&emu, options).await;
    let sm = emu.socket_mode();
    eventually("connected", || {
        handle.connections_ready() == 1 && sm.connections() == 1
    })
    .await;
    let first = sm.connection_ids();
    // The server stops answering pings and sending anything: a zombie connection.
    sm.silence(true);
    eventually("a fresh connection", || {
        handle.connections_ready() == 1 && sm.connection_ids().iter().any(|id| !first.contains(id))
    })
    .await;
    let id = sm
        .command(SlashCommand::new("/deploy").text("after"))
        .unwrap();
    eventually("handled on the new connection", || {
        sm.acks().iter().any(|a| a.envelope_id == id && a.known)
    })
    .await;
    handle.stop();
}
