//! The blocking client, from a plain thread, against the emulator.
#![allow(clippy::unwrap_used)]

use slack_sdk::api::{chat, conversations};

#[test]
fn blocking_calls_and_pages() {
    // The emulator needs a runtime of its own; the client under test must not.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(slack_emulator::Emulator::start()).unwrap();
    let client = slack_sdk::blocking::WebClient::from_builder(
        slack_sdk::WebClient::builder()
            .token(emu.bot_token())
            .base_url(emu.base_url()),
    )
    .unwrap();
    let general = emu.channel_id("general").unwrap();
    let posted = client
        .call(chat::PostMessage::new(&general).text("from a script"))
        .unwrap();
    assert_eq!(emu.messages(&general)[0]["ts"], posted.ts.as_str());
    let me = client
        .api_call("auth.test", slack_sdk::Args::new())
        .unwrap();
    assert_eq!(me.get("user_id"), emu.bot_user_id().as_str());
    let pages: Vec<_> = client.pages(conversations::List::new().limit(1)).collect();
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|p| p.is_ok()));
    let e = client
        .call(chat::PostMessage::new("nope").text("x"))
        .unwrap_err();
    assert_eq!(e.api_code().unwrap().as_str(), "channel_not_found");
    // Clones share the background thread.
    let c2 = client.clone();
    std::thread::spawn(move || c2.api_call("auth.test", slack_sdk::Args::new()).unwrap())
        .join()
        .unwrap();
}
