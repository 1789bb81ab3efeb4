//! The WebClient and the RtmClient on async-std, against the emulator (which runs on its own
//! tokio runtime, as any server would).
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Duration;

use slack_core::api::{auth, chat, conversations};
use slack_core::transport::{HttpRequest, HttpTransport, TransportErrorKind};
use slack_core::{WebClient, WebClientBuilder};
use slack_emulator::Emulator;
use slack_rtm::{Event, RtmClient, RtmEvent, RtmOptions};
use slack_transport_async_std::AsyncStdTransport;

fn emulator() -> (tokio::runtime::Runtime, Emulator) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emu = rt.block_on(Emulator::start()).unwrap();
    (rt, emu)
}

fn client(emu: &Emulator) -> WebClient<AsyncStdTransport> {
    WebClientBuilder::new()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .build_with(AsyncStdTransport::builder().no_proxy().build().unwrap())
}

#[test]
fn web_client_on_async_std() {
    let (_rt, emu) = emulator();
    let general = emu.channel_id("general").unwrap();
    async_std::task::block_on(async {
        let c = client(&emu);
        let me = c.call(auth::Test::new()).await.unwrap();
        assert_eq!(me.user_id, emu.bot_user_id());
        let posted = c
            .call(chat::PostMessage::new(&general).text("from async-std"))
            .await
            .unwrap();
        c.call(
            chat::PostMessage::new(&general)
                .thread_ts(&posted.ts)
                .text("reply"),
        )
        .await
        .unwrap();
        use futures_util::StreamExt;
        let pages: Vec<_> = c.pages(conversations::List::new().limit(1)).collect().await;
        assert_eq!(pages.len(), 3);
        // Connections are reused: many sequential calls on one pool.
        for _ in 0..50 {
            c.call(auth::Test::new()).await.unwrap();
        }
    });
    assert_eq!(emu.messages(&general)[0]["reply_count"], 1);
}

#[test]
fn errors_say_whether_anything_was_sent() {
    async_std::task::block_on(async {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        drop(listener);
        let t = AsyncStdTransport::builder().no_proxy().build().unwrap();
        let e = t
            .send(HttpRequest::new(
                http::Method::POST,
                format!("http://{addr}/api/x"),
            ))
            .await
            .unwrap_err();
        assert_eq!(e.kind(), TransportErrorKind::Connect);
        assert!(!e.maybe_sent());

        // A server that reads the request and never answers: a timeout after sending.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = silent.local_addr().unwrap();
        let hold = std::thread::spawn(move || {
            let (conn, _) = silent.accept().unwrap();
            std::thread::sleep(Duration::from_secs(2));
            drop(conn);
        });
        let mut req = HttpRequest::new(http::Method::POST, format!("http://{addr}/api/x"));
        req.timeout = Some(Duration::from_millis(200));
        let e = t.send(req).await.unwrap_err();
        assert_eq!(e.kind(), TransportErrorKind::Timeout);
        assert!(e.maybe_sent());
        hold.join().unwrap();
    });
}

#[test]
fn rtm_client_on_async_std() {
    let (_rt, emu) = emulator();
    let general = emu.channel_id("general").unwrap();
    let ada = WebClientBuilder::new()
        .token(emu.user_token())
        .base_url(emu.base_url())
        .build_with(AsyncStdTransport::builder().no_proxy().build().unwrap());
    async_std::task::block_on(async {
        let mut opts = RtmOptions::default();
        opts.ping_interval = Duration::from_millis(200);
        let rtm = Arc::new(RtmClient::with_options(client(&emu), opts));
        let (tx, rx) = async_std::channel::unbounded::<String>();
        rtm.on("*", move |_ctx, ev| {
            let tx = tx.clone();
            async move {
                let label = match &ev {
                    Event::Rtm(e) => match &**e {
                        RtmEvent::Message(m) => {
                            format!("message:{}", m.text.clone().unwrap_or_default())
                        }
                        other => other.kind().to_owned(),
                    },
                    other => other.name().to_owned(),
                };
                let _ = tx.send(label).await;
            }
        });
        let r = rtm.clone();
        let run = async_std::task::spawn(async move { r.start().await });
        let wait_for = |want: &'static str| {
            let rx = rx.clone();
            async move {
                async_std::future::timeout(Duration::from_secs(10), async {
                    while let Ok(got) = rx.recv().await {
                        if got == want {
                            return;
                        }
                    }
                })
                .await
                .unwrap_or_else(|_| panic!("no {want}"));
            }
        };
        wait_for("hello").await;
        let ack = rtm
            .handle()
            .send_message(&general, "over async-std")
            .await
            .unwrap();
        assert!(ack.ok);
        ada.call(chat::PostMessage::new(&general).text("hi bot"))
            .await
            .unwrap();
        wait_for("message:hi bot").await;
        rtm.handle().stop();
        run.await.unwrap();
    });
}
