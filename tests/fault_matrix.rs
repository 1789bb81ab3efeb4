//! The fault matrix, over real sockets against the emulator: every fault it can inject ×
//! {idempotent read, write, write with reconciliation, file upload}. Each cell asserts
//! exactly what the caller sees and how many times the server applied the request.
//!
//! | fault | read | write | write, reconciled | upload (completion) |
//! |---|---|---|---|---|
//! | drop before send / 5xx / `fatal_error` / `internal_error` / HTML 200 | ok | unknown, 0 | re-sent, 1 | re-sent, 1 |
//! | drop after apply / truncated 200 / slow body | ok (applied twice) | unknown, 1 | found, 1 | found, 1 |
//! | 429 ± `Retry-After`, `ratelimited` body | ok | ok, 1 | ok, 1 | ok, 1 |
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use slack_emulator::{Emulator, Fault, FaultRule};
use slack_sdk::api::{chat, conversations};
use slack_sdk::core::transport::TransportErrorKind;
use slack_sdk::files::{FilesUploadV2, UploadFile};
use slack_sdk::reconcile::{Reconcile, Reconciled};
use slack_sdk::retry::{
    Backoff, ConnectionErrorRetryHandler, FatalErrorRetryHandler, RateLimitErrorRetryHandler,
    RetryPolicy, ServerErrorRetryHandler,
};
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::{Error, SlackResponse, WebClient};

/// Per-attempt timeout of the matrix's clients. Generous: every cell of a column runs at
/// once, each with its own emulator, on one test thread, and a loaded 2-core CI machine once
/// took longer than half a second to answer one of them (a 5xx read as a timeout).
const TIMEOUT: Duration = Duration::from_secs(2);
/// How long a slow body stalls: well past [`TIMEOUT`].
const SLOW: Duration = Duration::from_secs(4);

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

fn client(emu: &Emulator, reconcile: Reconcile) -> WebClient {
    WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .retry_policy(policy())
        .timeout(TIMEOUT)
        .reconcile(reconcile)
        .transport_with_ws(HyperTransport::builder().no_proxy().build().unwrap())
        .build()
        .unwrap()
}

fn reconciling() -> Reconcile {
    Reconcile::on().settle(Duration::from_millis(20))
}

/// What the caller saw, in the matrix's terms.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Sees {
    /// Success on the first outcome known.
    Ok,
    /// Success: the outcome was unknown, the lookup found the write applied.
    Found,
    /// Success: the outcome was unknown, the lookup found nothing, the write was re-sent.
    Resent,
    /// `Error::OutcomeUnknown` with this cause.
    Unknown(Cause),
    /// Anything else (always a failure of the cell).
    Other(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Cause {
    Dropped,
    TimedOut,
    Status(u16),
    Code(&'static str),
    Undecodable,
}

fn seen(res: Result<&SlackResponse, &Error>) -> Sees {
    match res {
        Ok(r) => match r.reconciled() {
            None => Sees::Ok,
            Some(Reconciled::Found) => Sees::Found,
            Some(Reconciled::Resent) => Sees::Resent,
            Some(other) => Sees::Other(format!("{other:?}")),
        },
        Err(e) => {
            // No query on an unknown outcome invites a blind re-send.
            if e.is_outcome_unknown() {
                assert!(!e.is_retryable() && e.retry_after().is_none() && e.api_code().is_none());
            }
            let Some(cause) = e.unknown_outcome_cause() else {
                return Sees::Other(e.to_string());
            };
            Sees::Unknown(match cause {
                Error::Transport { source, .. } if source.kind() == TransportErrorKind::Timeout => {
                    Cause::TimedOut
                }
                Error::Transport { .. } => Cause::Dropped,
                Error::Http(h) => Cause::Status(h.status.as_u16()),
                Error::Api(a) => match a.code.as_str() {
                    "fatal_error" => Cause::Code("fatal_error"),
                    "internal_error" => Cause::Code("internal_error"),
                    _ => return Sees::Other(e.to_string()),
                },
                Error::Decode(_) => Cause::Undecodable,
                _ => return Sees::Other(e.to_string()),
            })
        }
    }
}

/// One row: a fault and, per column, what the caller sees and how often the server applied
/// the request.
struct Row {
    fault: Fault,
    read: (Sees, u64),
    write: (Sees, u64),
    reconciled: (Sees, u64),
    upload: (Sees, u64),
}

fn rows() -> Vec<Row> {
    use Cause::*;
    use Sees::*;
    let status = |s: u16, retry_after: Option<u64>| Fault::Status {
        status: s,
        retry_after,
    };
    // Not applied by the server, outcome unknown to a writer.
    let lost = |fault: Fault, cause: Cause| Row {
        fault,
        read: (Ok, 1),
        write: (Unknown(cause), 0),
        reconciled: (Resent, 1),
        upload: (Resent, 1),
    };
    // Applied by the server, the answer lost.
    let applied = |fault: Fault, cause: Cause| Row {
        fault,
        read: (Ok, 2),
        write: (Unknown(cause), 1),
        reconciled: (Found, 1),
        upload: (Found, 1),
    };
    // Refused before processing: retried by everyone.
    let refused = |fault: Fault| Row {
        fault,
        read: (Ok, 1),
        write: (Ok, 1),
        reconciled: (Ok, 1),
        upload: (Ok, 1),
    };
    vec![
        lost(Fault::DropBeforeResponse, Dropped),
        applied(Fault::DropAfterApply, Dropped),
        lost(status(500, None), Status(500)),
        lost(status(502, None), Status(502)),
        lost(status(503, None), Status(503)),
        // Retry-After on a 503 says when to come back, not that nothing was done.
        lost(status(503, Some(1)), Status(503)),
        lost(status(504, None), Status(504)),
        refused(Fault::rate_limited(Some(1))),
        refused(Fault::rate_limited(None)),
        lost(Fault::api_error("fatal_error"), Code("fatal_error")),
        lost(Fault::api_error("internal_error"), Code("internal_error")),
        refused(Fault::api_error("ratelimited")),
        applied(Fault::TruncatedJson, Undecodable),
        lost(Fault::HtmlErrorPage, Undecodable),
        applied(Fault::SlowBody(SLOW), TimedOut),
    ]
}

/// Let a slow answer finish on the server side before reading its state.
async fn settle(fault: &Fault) {
    if let Fault::SlowBody(d) | Fault::Delay(d) = fault {
        tokio::time::sleep(*d + Duration::from_millis(100)).await;
    }
}

async fn read_cell(fault: Fault) -> (Sees, u64) {
    let emu = common::emulator().await;
    emu.inject(FaultRule::new("conversations.list", fault.clone()));
    let res = client(&emu, Reconcile::off())
        .call(conversations::List::new())
        .await;
    if let Ok(r) = &res {
        assert_eq!(r.channels.len(), 3, "{fault:?}");
    }
    settle(&fault).await;
    (
        seen(res.as_ref().map(|r| r.raw())),
        emu.applied("conversations.list"),
    )
}

async fn write_cell(fault: Fault, reconcile: Reconcile) -> (Sees, u64) {
    let emu = common::emulator().await;
    let general = emu.channel_id("general").unwrap();
    emu.inject(FaultRule::new("chat.postMessage", fault.clone()));
    let res = client(&emu, reconcile)
        .call(chat::PostMessage::new(&general).text("once"))
        .await;
    settle(&fault).await;
    let stored = emu.messages(&general);
    let applied = emu.applied("chat.postMessage");
    assert_eq!(
        stored.len() as u64,
        applied,
        "{fault:?}: one stored message per apply"
    );
    if let Ok(r) = &res {
        // The caller gets the message that is there, found or posted.
        assert_eq!(stored.len(), 1, "{fault:?}");
        assert_eq!(stored[0]["ts"], r.ts.as_str(), "{fault:?}");
    }
    (seen(res.as_ref().map(|r| r.raw())), applied)
}

async fn upload_cell(fault: Fault) -> (Sees, u64) {
    let emu = common::emulator().await;
    let general = emu.channel_id("general").unwrap();
    emu.inject(FaultRule::new(
        "files.completeUploadExternal",
        fault.clone(),
    ));
    let res = client(&emu, Reconcile::off())
        .files_upload_v2(FilesUploadV2::new(UploadFile::bytes("a.txt", "abc")).channel(&general))
        .await;
    settle(&fault).await;
    let shares = emu
        .messages(&general)
        .iter()
        .filter(|m| m["subtype"] == "file_share")
        .count();
    if let Ok(done) = &res {
        assert_eq!(done.files.len(), 1, "{fault:?}");
        assert_eq!(shares, 1, "{fault:?}: shared exactly once");
    }
    (
        seen(res.as_ref().map(|r| r.raw())),
        emu.applied("files.completeUploadExternal"),
    )
}

/// Runs one column: every row's cell at once, each on its own emulator.
async fn column<F, Fut>(name: &str, pick: fn(&Row) -> &(Sees, u64), cell: F)
where
    F: Fn(Fault) -> Fut,
    Fut: std::future::Future<Output = (Sees, u64)>,
{
    let rows = rows();
    let got = futures_util::future::join_all(rows.iter().map(|r| cell(r.fault.clone()))).await;
    let mut wrong = Vec::new();
    for (row, got) in rows.iter().zip(got) {
        if &got != pick(row) {
            wrong.push(format!(
                "{name} × {:?}: expected {:?}, got {got:?}",
                row.fault,
                pick(row)
            ));
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn matrix_idempotent_read() {
    column("read", |r| &r.read, read_cell).await;
}

#[tokio::test]
async fn matrix_write() {
    column("write", |r| &r.write, |f| write_cell(f, Reconcile::off())).await;
}

#[tokio::test]
async fn matrix_write_with_reconciliation() {
    column(
        "reconciled write",
        |r| &r.reconciled,
        |f| write_cell(f, reconciling()),
    )
    .await;
}

#[tokio::test]
async fn matrix_file_upload() {
    column("upload", |r| &r.upload, upload_cell).await;
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

/// A failed POST to the upload URL is a typed error with status and body.
#[tokio::test]
async fn a_failed_upload_post_is_a_typed_error() {
    let emu = common::emulator().await;
    let c = client(&emu, Reconcile::off());
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

// ===== reconciliation details =====

/// A thread reply is looked up with `conversations.replies`; the caller's own metadata is
/// kept (its event type, its payload plus the key).
#[tokio::test]
async fn reconciling_a_thread_reply_keeps_the_callers_metadata() {
    let emu = common::emulator().await;
    let general = emu.channel_id("general").unwrap();
    let c = client(&emu, reconciling());
    let root = c
        .call(chat::PostMessage::new(&general).text("root"))
        .await
        .unwrap();
    emu.inject(FaultRule::new("chat.postMessage", Fault::DropAfterApply));
    let md = serde_json::json!({"event_type": "order_shipped", "event_payload": {"order": 7}});
    let reply = c
        .call(
            chat::PostMessage::new(&general)
                .text("reply")
                .thread_ts(root.ts.as_str())
                .metadata(&md),
        )
        .await
        .unwrap();
    assert_eq!(reply.raw().reconciled(), Some(Reconciled::Found));
    assert_eq!(emu.applied("chat.postMessage"), 2);
    assert_eq!(emu.faults().hits("chat.postMessage"), 1);
    let stored = emu.messages(&general);
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[1]["ts"], reply.ts.as_str());
    assert_eq!(stored[1]["thread_ts"], root.ts.as_str());
    let stored_md = &stored[1]["metadata"];
    assert_eq!(stored_md["event_type"], "order_shipped");
    assert_eq!(stored_md["event_payload"]["order"], 7);
    assert!(stored_md["event_payload"][slack_sdk::reconcile::IDEMPOTENCY_KEY_FIELD].is_string());
    // History shows metadata only to a caller that asks for it.
    let plain = c
        .call(conversations::Replies::new(&general, root.ts.as_str()))
        .await
        .unwrap();
    assert!(plain.raw().get("messages")[1].get("metadata").is_none());
}

/// When the lookup cannot decide (it fails, or re-sending is turned off), the caller gets
/// the original unknown outcome, and nothing is sent twice.
#[tokio::test]
async fn an_inconclusive_lookup_keeps_the_outcome_unknown() {
    let emu = common::emulator().await;
    let general = emu.channel_id("general").unwrap();
    // A token that may post but not read history.
    emu.add_token("xoxb-post-only", None, &["chat:write"]);
    let c = WebClient::builder()
        .token("xoxb-post-only")
        .base_url(emu.base_url())
        .retry_policy(policy())
        .timeout(TIMEOUT)
        .reconcile(reconciling())
        .transport_with_ws(HyperTransport::builder().no_proxy().build().unwrap())
        .build()
        .unwrap();
    emu.inject(FaultRule::new("chat.postMessage", Fault::status(500)));
    let e = c
        .call(chat::PostMessage::new(&general).text("x"))
        .await
        .unwrap_err();
    assert!(
        matches!(e.unknown_outcome_cause(), Some(Error::Http(h)) if h.status == 500),
        "{e:?}"
    );
    assert_eq!(emu.applied("chat.postMessage"), 0);
    assert_eq!(
        emu.applied("conversations.history"),
        0,
        "the lookup was refused"
    );

    // Found nothing, but re-sending is off: still unknown, sent once.
    let c = client(&emu, reconciling().max_resends(0));
    emu.inject(FaultRule::new("chat.postMessage", Fault::status(502)));
    let e = c
        .call(chat::PostMessage::new(&general).text("y"))
        .await
        .unwrap_err();
    assert!(e.is_outcome_unknown(), "{e:?}");
    assert_eq!(emu.applied("chat.postMessage"), 0);
    assert_eq!(emu.applied("conversations.history"), 1);

    // Reconciliation per call, on a client without it.
    let c = client(&emu, Reconcile::off());
    emu.inject(FaultRule::new("chat.postMessage", Fault::DropAfterApply));
    let found = c
        .call_with(
            chat::PostMessage::new(&general).text("z"),
            slack_sdk::CallOptions::default().reconcile(reconciling()),
        )
        .await
        .unwrap();
    assert_eq!(found.raw().reconciled(), Some(Reconciled::Found));
    assert_eq!(emu.applied("chat.postMessage"), 1);
}
