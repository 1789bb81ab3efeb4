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

/// The loop that used to deadlock: the body calls the client while the pages (and items)
/// are being iterated. Run on a watchdog thread so a regression fails instead of hanging.
#[test]
fn the_loop_body_may_call_the_client() {
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
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    let c = client.clone();
    std::thread::spawn(move || {
        let mut pages = 0;
        let mut inner_calls = 0;
        for page in c.pages(conversations::List::new().limit(1)) {
            pages += 1;
            for channel in &page.unwrap().channels {
                c.call(conversations::Info::new(channel.id.clone()))
                    .unwrap();
                inner_calls += 1;
            }
        }
        let mut items = 0;
        for channel in c.items(conversations::List::new().limit(1)) {
            let channel = channel.unwrap();
            c.call(conversations::Info::new(channel.id.clone()))
                .unwrap();
            items += 1;
        }
        done_tx.send((pages, inner_calls, items)).unwrap();
    });
    // A watchdog, not a timing: the loop takes milliseconds; a deadlock never ends.
    let (pages, inner_calls, items) = done_rx
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("pages()/items() with client calls in the loop body deadlocked");
    assert!(pages >= 3, "{pages}");
    assert_eq!(inner_calls, pages);
    assert_eq!(items, pages);
}

#[test]
fn blocking_upload_and_call_with_options() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(slack_emulator::Emulator::start()).unwrap();
    let client = slack_sdk::blocking::WebClient::from_builder(
        slack_sdk::WebClient::builder().base_url(emu.base_url()),
    )
    .unwrap();
    // No client token: the per-call token is the one used.
    let me = client
        .api_call_with(
            "auth.test",
            slack_sdk::Args::new(),
            slack_sdk::CallOptions::default().token(emu.bot_token()),
        )
        .unwrap();
    assert_eq!(me.get("user_id"), emu.bot_user_id().as_str());
    let general = emu.channel_id("general").unwrap();
    let with_token = slack_sdk::blocking::WebClient::from_builder(
        slack_sdk::WebClient::builder()
            .token(emu.bot_token())
            .base_url(emu.base_url()),
    )
    .unwrap();
    let done = with_token
        .files_upload_v2(
            slack_sdk::files::FilesUploadV2::new(slack_sdk::files::UploadFile::bytes(
                "a.txt", "hello",
            ))
            .channel(&general),
        )
        .unwrap();
    assert_eq!(done.files.len(), 1);
}
