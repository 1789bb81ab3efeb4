//! Every fault the emulator can inject, for a read method and for `chat.postMessage`, through
//! the default retry handlers: each cell asserts what the caller gets and what the workspace
//! holds — exactly one message, or none and a typed error. Never two.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use slack_emulator::{Emulator, Fault, FaultRule};
use slack_sdk::api::{chat, conversations};
use slack_sdk::retry::{
    Backoff, ConnectionErrorRetryHandler, FatalErrorRetryHandler, RateLimitErrorRetryHandler,
    RetryPolicy, ServerErrorRetryHandler,
};
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::{Error, WebClient};

/// The default handlers with short intervals (`Retry-After` is still honoured in full).
fn policy() -> RetryPolicy {
    let fast = Backoff::new(Duration::from_millis(20)).max(Duration::from_millis(50));
    RetryPolicy::none()
        .with_handler(
            RateLimitErrorRetryHandler::default()
                .max_jitter(Duration::ZERO)
                .fallback(fast),
        )
        .with_handler(ConnectionErrorRetryHandler::default().interval(fast))
        .with_handler(ServerErrorRetryHandler::default().interval(fast))
        .with_handler(FatalErrorRetryHandler::default().interval(fast))
        .max_attempts(5)
}

fn client(emu: &Emulator) -> WebClient {
    WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .retry_policy(policy())
        .timeout(Duration::from_millis(500))
        .transport_with_ws(HyperTransport::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Success, exactly one message stored.
    Posted,
    /// A typed error and no message stored.
    Nothing(fn(&Error) -> bool),
    /// Outcome unknown, with this many messages stored.
    Unknown(usize),
}

async fn post_cell(fault: Fault, expect: Expect) {
    let emu = common::emulator().await;
    let general = emu.channel_id("general").unwrap();
    emu.inject(FaultRule::new("chat.postMessage", fault.clone()));
    let res = client(&emu)
        .call(chat::PostMessage::new(&general).text("once"))
        .await;
    if let Fault::Delay(d) = &fault {
        // Let the server finish the slow request before reading its state.
        tokio::time::sleep(*d + Duration::from_millis(200)).await;
    }
    let stored = emu.messages(&general).len();
    match expect {
        Expect::Posted => {
            assert!(res.is_ok(), "{fault:?}: {res:?}");
            assert_eq!(stored, 1, "{fault:?}");
        }
        Expect::Nothing(check) => {
            let e = res.unwrap_err();
            assert!(check(&e), "{fault:?}: {e:?}");
            assert_eq!(stored, 0, "{fault:?}");
        }
        Expect::Unknown(n) => {
            let e = res.unwrap_err();
            assert!(
                matches!(e, Error::OutcomeUnknown { .. }),
                "{fault:?}: {e:?}"
            );
            assert!(stored <= 1, "{fault:?}: never two messages");
            if n != usize::MAX {
                assert_eq!(stored, n, "{fault:?}");
            }
        }
    }
}

fn is_http(status: u16) -> fn(&Error) -> bool {
    match status {
        500 => |e| matches!(e, Error::Http(h) if h.status == 500),
        502 => |e| matches!(e, Error::Http(h) if h.status == 502),
        _ => |e| matches!(e, Error::Http(h) if h.status == 503),
    }
}

#[tokio::test]
async fn post_message_is_never_doubled() {
    use Expect::*;
    let cells = vec![
        (Fault::DropBeforeResponse, Unknown(0)),
        (Fault::DropAfterApply, Unknown(1)),
        (
            Fault::Status {
                status: 500,
                retry_after: None,
            },
            Nothing(is_http(500)),
        ),
        (
            Fault::Status {
                status: 502,
                retry_after: None,
            },
            Nothing(is_http(502)),
        ),
        (
            Fault::Status {
                status: 503,
                retry_after: None,
            },
            Nothing(is_http(503)),
        ),
        // 503 with Retry-After and 429 are refusals before processing: safe to retry.
        (
            Fault::Status {
                status: 503,
                retry_after: Some(1),
            },
            Posted,
        ),
        (
            Fault::RateLimited {
                retry_after: Some(1),
            },
            Posted,
        ),
        (Fault::RateLimited { retry_after: None }, Posted),
        (
            Fault::ApiError {
                code: "fatal_error".into(),
                retry_after: None,
            },
            Nothing(|e| e.api_code().is_some_and(|c| c == "fatal_error")),
        ),
        (
            Fault::HtmlErrorPage,
            Nothing(|e| matches!(e, Error::Decode(_))),
        ),
        // The slow answer arrives after the client gave up: the server may or may not finish.
        (
            Fault::Delay(Duration::from_millis(1500)),
            Unknown(usize::MAX),
        ),
    ];
    let runs = cells.into_iter().map(|(f, e)| post_cell(f, e));
    futures_util::future::join_all(runs).await;
}

async fn read_cell(fault: Fault) {
    let emu = common::emulator().await;
    emu.inject(FaultRule::new("conversations.list", fault.clone()));
    let c = client(&emu);
    let res = c.call(conversations::List::new()).await;
    assert!(res.is_ok(), "{fault:?}: {res:?}");
    assert_eq!(res.unwrap().channels.len(), 3, "{fault:?}");
}

#[tokio::test]
async fn reads_are_retried_through_every_fault() {
    let faults = vec![
        Fault::DropBeforeResponse,
        Fault::DropAfterApply,
        Fault::Status {
            status: 500,
            retry_after: None,
        },
        Fault::Status {
            status: 502,
            retry_after: None,
        },
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        Fault::RateLimited {
            retry_after: Some(1),
        },
        Fault::RateLimited { retry_after: None },
        Fault::ApiError {
            code: "fatal_error".into(),
            retry_after: None,
        },
        Fault::ApiError {
            code: "internal_error".into(),
            retry_after: None,
        },
        Fault::Delay(Duration::from_millis(1500)),
    ];
    futures_util::future::join_all(faults.into_iter().map(read_cell)).await;
}

#[tokio::test]
async fn truncated_json_is_a_typed_decode_error() {
    let emu = common::emulator().await;
    emu.inject(FaultRule::new("conversations.list", Fault::TruncatedJson));
    let e = common::one_shot(&emu)
        .call(conversations::List::new())
        .await
        .unwrap_err();
    let Error::Decode(d) = &e else {
        panic!("{e:?}")
    };
    assert!(d.excerpt().starts_with("{\"ok\":true"));
}

#[tokio::test]
async fn faults_over_the_admin_endpoint_for_any_client() {
    let emu = common::emulator().await;
    let body = r#"{"method":"*","fault":"status","status":502,"times":2}"#;
    let r = common::raw(&emu, http::Method::POST, "/_emulator/faults", &[], body)
        .await
        .unwrap();
    assert_eq!(common::json(&r)["ok"], true);
    let listed = common::raw(&emu, http::Method::GET, "/_emulator/faults", &[], "")
        .await
        .unwrap();
    assert_eq!(common::json(&listed)["faults"].as_array().unwrap().len(), 1);
    let c = common::one_shot(&emu);
    for _ in 0..2 {
        let e = c.call(conversations::List::new()).await.unwrap_err();
        assert!(matches!(e, Error::Http(ref h) if h.status == 502), "{e:?}");
    }
    assert!(c.call(conversations::List::new()).await.is_ok());
    let bad = common::raw(
        &emu,
        http::Method::POST,
        "/_emulator/faults",
        &[],
        r#"{"fault":"nope"}"#,
    )
    .await
    .unwrap();
    assert_eq!(bad.status, 400);
    common::raw(
        &emu,
        http::Method::POST,
        "/_emulator/faults",
        &[],
        r#"{"fault":"drop_before_response","always":true}"#,
    )
    .await
    .unwrap();
    assert!(c.call(conversations::List::new()).await.is_err());
    common::raw(&emu, http::Method::DELETE, "/_emulator/faults", &[], "")
        .await
        .unwrap();
    assert!(c.call(conversations::List::new()).await.is_ok());
}

/// `files.completeUploadExternal` failing transiently is retried with the same file ids:
/// the upload is neither lost nor shared twice.
#[tokio::test]
async fn completing_an_upload_survives_transient_failures() {
    use slack_sdk::files::{FilesUploadV2, UploadFile};
    let faults = vec![
        Fault::ApiError {
            code: "fatal_error".into(),
            retry_after: None,
        },
        Fault::DropAfterApply,
        Fault::Status {
            status: 503,
            retry_after: None,
        },
        Fault::DropBeforeResponse,
    ];
    for fault in faults {
        let emu = common::emulator().await;
        let general = emu.channel_id("general").unwrap();
        emu.inject(FaultRule::new(
            "files.completeUploadExternal",
            fault.clone(),
        ));
        let done = client(&emu)
            .files_upload_v2(
                FilesUploadV2::new(UploadFile::bytes("a.txt", "abc")).channel(&general),
            )
            .await;
        let done = done.unwrap_or_else(|e| panic!("{fault:?}: {e:?}"));
        assert_eq!(done.files.len(), 1, "{fault:?}");
        let shares = emu
            .messages(&general)
            .iter()
            .filter(|m| m["subtype"] == "file_share")
            .count();
        assert_eq!(shares, 1, "{fault:?}: shared exactly once");
    }
    // A failed POST to the upload URL is a typed error with status and body.
    let emu = common::emulator().await;
    let c = client(&emu);
    let target = c
        .api_call(
            "files.getUploadURLExternal",
            slack_sdk::Args::new().set("filename", "x").set("length", 1),
        )
        .await
        .unwrap();
    let bad_url = target
        .get("upload_url")
        .as_str()
        .unwrap()
        .replace("/upload/", "/upload/NOPE");
    let mut req = slack_sdk::core::transport::HttpRequest::new(http::Method::POST, bad_url);
    req.body = "x".into();
    let resp = slack_sdk::core::transport::HttpTransport::send(c.transport(), req)
        .await
        .unwrap();
    let e = slack_sdk::core::response::parse_plain("upload", resp).unwrap_err();
    assert!(
        matches!(&e, Error::Http(h) if h.status == 404 && &h.body[..] == b"file not found"),
        "{e:?}"
    );
}
