//! RTM over real websockets: hello, sends with acks, delivery to other connections, typing,
//! ping/pong, Web API events, faults, garbage frames.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    call_with, closed_with, emulator, next_event, next_json, ok, post, rtm_connect, send_json,
};
use futures_util::SinkExt;
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn connect_shapes_and_single_use_urls() {
    let emu = emulator().await;
    let v = ok(&emu, "rtm.connect", json!({})).await;
    let url = v["url"].as_str().unwrap();
    assert!(
        url.starts_with(&format!("ws://{}/rtm/", emu.addr())),
        "{url}"
    );
    assert_eq!(v["self"]["id"], emu.bot_user_id().as_str());
    assert_eq!(v["self"]["name"], "emulator-bot");
    assert_eq!(v["team"]["id"], emu.team_id().as_str());
    let (mut ws, _) = tokio_tungstenite::connect_async(url).await.unwrap();
    assert_eq!(next_json(&mut ws).await, json!({"type": "hello"}));
    assert_eq!(emu.rtm().connections(), 1);
    // The same URL does not open a second connection.
    assert!(tokio_tungstenite::connect_async(url).await.is_err());
    // rtm.start adds users and channels.
    let v = ok(&emu, "rtm.start", json!({})).await;
    assert_eq!(v["users"].as_array().unwrap().len(), 4);
    assert!(v["channels"].as_array().unwrap().len() >= 6);
    let r = common::send(&emu, http::Method::GET, "/rtm/nope", &[], "")
        .await
        .unwrap();
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn send_ack_and_delivery_to_the_other_connections() {
    let emu = emulator().await;
    let mut bot = rtm_connect(&emu, &emu.bot_token()).await;
    let mut ada = rtm_connect(&emu, &emu.user_token()).await;
    let general = emu.channel_id("general").unwrap();
    send_json(
        &mut bot,
        json!({"id": 1, "type": "message", "channel": general, "text": "over rtm"}),
    )
    .await;
    let ack = next_json(&mut bot).await;
    assert_eq!(ack["ok"], true);
    assert_eq!(ack["reply_to"], 1);
    assert_eq!(ack["text"], "over rtm");
    let ts = ack["ts"].as_str().unwrap().to_owned();
    // Stored with the Web API's messages.
    let stored = emu.messages(&general);
    assert_eq!(stored[0]["ts"], ts.as_str());
    assert_eq!(stored[0]["user"], emu.bot_user_id().as_str());
    // Ada's connection gets the event.
    let ev = next_json(&mut ada).await;
    assert_eq!(ev["type"], "message");
    assert_eq!(ev["channel"], general.as_str());
    assert_eq!(ev["user"], emu.bot_user_id().as_str());
    assert_eq!(ev["text"], "over rtm");
    assert_eq!(ev["ts"], ts.as_str());
    assert_eq!(ev["team"], emu.team_id().as_str());
    // The sender gets no echo: the next thing it sees is a later Web API post.
    post(&emu, &general, "via web").await;
    let ev = next_json(&mut bot).await;
    assert_eq!(ev["text"], "via web");
    assert_eq!(next_json(&mut ada).await["text"], "via web");
    // Refusals are acks with ok:false.
    let outside = emu.channel_id("outside").unwrap();
    send_json(
        &mut bot,
        json!({"id": 2, "type": "message", "channel": outside, "text": "x"}),
    )
    .await;
    let nack = next_json(&mut bot).await;
    assert_eq!(nack["ok"], false);
    assert_eq!(nack["reply_to"], 2);
    assert_eq!(nack["error"]["msg"], "not_in_channel");
    send_json(
        &mut bot,
        json!({"id": 3, "type": "message", "channel": general}),
    )
    .await;
    assert_eq!(next_json(&mut bot).await["error"]["msg"], "no_text");
    send_json(
        &mut bot,
        json!({"id": 4, "type": "message", "channel": "C0NOPE", "text": "x"}),
    )
    .await;
    assert_eq!(
        next_json(&mut bot).await["error"]["msg"],
        "channel_not_found"
    );
    assert_eq!(emu.messages(&general).len(), 2);
}

#[tokio::test]
async fn typing_and_ping_pong() {
    let emu = emulator().await;
    let mut bot = rtm_connect(&emu, &emu.bot_token()).await;
    let mut ada = rtm_connect(&emu, &emu.user_token()).await;
    let general = emu.channel_id("general").unwrap();
    send_json(
        &mut bot,
        json!({"id": 5, "type": "typing", "channel": general}),
    )
    .await;
    let ev = next_json(&mut ada).await;
    assert_eq!(
        ev,
        json!({"type": "user_typing", "channel": general, "user": emu.bot_user_id()})
    );
    // Extra fields come back with the pong.
    send_json(
        &mut bot,
        json!({"id": 6, "type": "ping", "time": 1234, "note": "hi"}),
    )
    .await;
    let pong = next_json(&mut bot).await;
    assert_eq!(
        pong,
        json!({"type": "pong", "reply_to": 6, "time": 1234, "note": "hi"})
    );
}

#[tokio::test]
async fn web_api_changes_arrive_as_events() {
    let emu = emulator().await;
    let mut ada = rtm_connect(&emu, &emu.user_token()).await;
    let general = emu.channel_id("general").unwrap();
    let ts = post(&emu, &general, "hello rtm").await;
    let ev = next_json(&mut ada).await;
    assert_eq!(
        (ev["type"].clone(), ev["text"].clone(), ev["ts"].clone()),
        (json!("message"), json!("hello rtm"), json!(ts))
    );
    ok(
        &emu,
        "reactions.add",
        json!({"channel": general, "timestamp": ts, "name": "wave"}),
    )
    .await;
    let ev = next_json(&mut ada).await;
    assert_eq!(ev["type"], "reaction_added");
    assert_eq!(ev["reaction"], "wave");
    assert_eq!(
        ev["item"],
        json!({"type": "message", "channel": general, "ts": ts})
    );
    let outside = emu.channel_id("outside").unwrap();
    ok(&emu, "conversations.join", json!({"channel": outside})).await;
    let ev = next_json(&mut ada).await;
    assert_eq!(ev["type"], "member_joined_channel");
    assert_eq!(ev["user"], emu.bot_user_id().as_str());
    assert_eq!(ev["channel"], outside.as_str());
    let created = ok(&emu, "conversations.create", json!({"name": "brand-new"})).await;
    let ev = next_json(&mut ada).await;
    assert_eq!(ev["type"], "channel_created");
    assert_eq!(ev["channel"]["id"], created["channel"]["id"]);
    ok(
        &emu,
        "chat.update",
        json!({"channel": general, "ts": ts, "text": "edited"}),
    )
    .await;
    let ev = next_json(&mut ada).await;
    assert_eq!(
        (ev["subtype"].clone(), ev["message"]["text"].clone()),
        (json!("message_changed"), json!("edited"))
    );
    ok(&emu, "chat.delete", json!({"channel": general, "ts": ts})).await;
    let ev = next_json(&mut ada).await;
    assert_eq!(
        (ev["subtype"].clone(), ev["deleted_ts"].clone()),
        (json!("message_deleted"), json!(ts))
    );
    // Ephemeral messages reach only their user.
    let mut grace_ws = {
        emu.add_token("xoxp-grace", Some("grace"), &["chat:write"]);
        rtm_connect(&emu, "xoxp-grace").await
    };
    let ada_id = emu.user_id("ada").unwrap();
    ok(
        &emu,
        "chat.postEphemeral",
        json!({"channel": general, "user": ada_id, "text": "psst"}),
    )
    .await;
    post(&emu, &general, "public").await;
    let ev = next_json(&mut ada).await;
    assert_eq!(
        (ev["subtype"].clone(), ev["text"].clone()),
        (json!("ephemeral"), json!("psst"))
    );
    assert_eq!(
        next_json(&mut grace_ws).await["text"],
        "public",
        "no ephemeral for grace"
    );
    // A human posting from "the UI" reaches the bot.
    let mut bot = rtm_connect(&emu, &emu.bot_token()).await;
    emu.post_as("grace", "general", "hey bot").unwrap();
    let ev = next_json(&mut bot).await;
    assert_eq!(
        (ev["user"].clone(), ev["text"].clone()),
        (json!(emu.user_id("grace").unwrap()), json!("hey bot"))
    );
}

#[tokio::test]
async fn goodbye_then_close() {
    let emu = emulator().await;
    let mut ws = rtm_connect(&emu, &emu.bot_token()).await;
    emu.rtm().send_goodbye();
    assert_eq!(next_json(&mut ws).await["type"], "goodbye");
    closed_with(&mut ws).await;
    // Over the admin endpoint too.
    let mut ws = rtm_connect(&emu, &emu.bot_token()).await;
    let r = common::send(&emu, http::Method::POST, "/_emulator/rtm/goodbye", &[], "")
        .await
        .unwrap();
    assert_eq!(r.json()["ok"], true);
    assert_eq!(next_json(&mut ws).await["type"], "goodbye");
}

#[tokio::test]
async fn close_with_a_code() {
    let emu = emulator().await;
    let mut a = rtm_connect(&emu, &emu.bot_token()).await;
    let mut b = rtm_connect(&emu, &emu.user_token()).await;
    emu.rtm().close_all(4000);
    assert_eq!(closed_with(&mut a).await, Some(4000));
    assert_eq!(closed_with(&mut b).await, Some(4000));
    let mut c = rtm_connect(&emu, &emu.bot_token()).await;
    let r = common::send(
        &emu,
        http::Method::POST,
        "/_emulator/rtm/close",
        &[],
        r#"{"code":1011,"reason":"server error"}"#,
    )
    .await
    .unwrap();
    assert_eq!(r.json()["ok"], true);
    assert_eq!(closed_with(&mut c).await, Some(1011));
}

#[tokio::test]
async fn ping_silence_then_resume() {
    let emu = emulator().await;
    let mut ws = rtm_connect(&emu, &emu.bot_token()).await;
    emu.rtm().stop_answering_pings(true);
    send_json(&mut ws, json!({"id": 1, "type": "ping"})).await;
    // Frames are handled in order: had the ping been answered, its pong would come first.
    ws.send(Message::text("not json")).await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "error");
    emu.rtm().stop_answering_pings(false);
    send_json(&mut ws, json!({"id": 2, "type": "ping"})).await;
    assert_eq!(
        next_json(&mut ws).await,
        json!({"type": "pong", "reply_to": 2})
    );
    // Over the admin endpoint.
    common::send(
        &emu,
        http::Method::POST,
        "/_emulator/rtm/ping_silence",
        &[],
        r#"{"silent":true}"#,
    )
    .await
    .unwrap();
    send_json(&mut ws, json!({"id": 3, "type": "ping"})).await;
    ws.send(Message::text("{")).await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "error");
}

#[tokio::test]
async fn refused_rtm_connect() {
    let emu = emulator().await;
    emu.rtm().refuse_connect_ratelimited(Some(5));
    let r = call_with(&emu, &emu.bot_token(), "rtm.connect", json!({})).await;
    assert_eq!((r.status, r.header("retry-after")), (429, Some("5")));
    assert_eq!(r.json(), json!({"ok": false, "error": "ratelimited"}));
    // Next time it works.
    let r = call_with(&emu, &emu.bot_token(), "rtm.connect", json!({})).await;
    assert_eq!(r.json()["ok"], true);
    // Slack's ok:false variant, over the admin endpoint, for rtm.start too.
    common::send(
        &emu,
        http::Method::POST,
        "/_emulator/rtm/refuse_connect",
        &[],
        r#"{"retry_after":2,"ok_false":true,"times":2}"#,
    )
    .await
    .unwrap();
    let r = call_with(&emu, &emu.bot_token(), "rtm.start", json!({})).await;
    assert_eq!(
        (r.status, r.json()["error"].clone()),
        (200, json!("ratelimited"))
    );
    assert_eq!(r.header("retry-after"), Some("2"));
    let r = call_with(&emu, &emu.bot_token(), "rtm.connect", json!({})).await;
    assert_eq!(r.json()["error"], "ratelimited");
}

#[tokio::test]
async fn garbage_frames_get_error_events_and_the_connection_lives() {
    let emu = emulator().await;
    let mut ws = rtm_connect(&emu, &emu.bot_token()).await;
    ws.send(Message::text("{{{")).await.unwrap();
    let e = next_json(&mut ws).await;
    assert_eq!(e["type"], "error");
    assert!(e["error"]["code"].is_number());
    assert!(e["error"]["msg"].is_string());
    ws.send(Message::binary(vec![0u8, 159, 146, 150]))
        .await
        .unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "error");
    ws.send(Message::text("[1,2,3]")).await.unwrap();
    assert_eq!(next_json(&mut ws).await["type"], "error");
    send_json(&mut ws, json!({"id": 9, "type": "teleport"})).await;
    let e = next_json(&mut ws).await;
    assert_eq!(
        (e["ok"].clone(), e["reply_to"].clone()),
        (json!(false), json!(9))
    );
    // Still alive.
    send_json(&mut ws, json!({"id": 10, "type": "ping"})).await;
    assert_eq!(next_event(&mut ws, &["error"]).await["reply_to"], 10);
    // Another connection and the Web API are unaffected.
    let mut other = rtm_connect(&emu, &emu.user_token()).await;
    post(&emu, "general", "still fine").await;
    assert_eq!(next_json(&mut other).await["text"], "still fine");
}

#[tokio::test]
async fn shutdown_closes_connections() {
    let emu = emulator().await;
    let mut ws = rtm_connect(&emu, &emu.bot_token()).await;
    emu.shutdown().await;
    assert_eq!(closed_with(&mut ws).await, Some(1001));
}
