//! Reconciliation: making a retry of a write safe by looking before sending again.
//!
//! A write whose outcome is unknown ([`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown): the connection broke after
//! sending, Slack answered 5xx or `fatal_error`, the body was cut off) may or may not have
//! been applied. Re-sending it blindly may post twice; giving up may post never. With
//! reconciliation on, the client finds out:
//!
//! ```text
//! chat.postMessage  ── tag: metadata.event_payload.slack_sdk_idempotency_key = <fresh key>
//!    │ send (the client's retry policy: refusals are retried as usual)
//!    ├─ ok ──────────────────────────────────────────▶ Ok (reconciled() = None)
//!    ├─ any other error ─────────────────────────────▶ Err
//!    └─ OutcomeUnknown ─▶ wait `settle` ─▶ conversations.history (or .replies for a
//!         thread_ts), include_all_metadata=true, newest first, back to `window` before
//!         the first attempt
//!           ├─ a message carries the key ─▶ Ok (that message; reconciled() = Found)
//!           ├─ none does ─▶ send again, same key (at most `max_resends` times)
//!           │                  └─ ok ─▶ Ok (reconciled() = Resent)
//!           └─ the lookup failed ─▶ the original OutcomeUnknown
//! ```
//!
//! **Which methods.** `chat.postMessage` only, by choice:
//! - `chat.postEphemeral`: an ephemeral message is never stored, so no lookup can find it;
//!   re-sending risks showing it twice, not re-sending risks never. It stays
//!   [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
//! - `chat.update`: tagging would replace the message's own metadata, and an update cannot
//!   be told apart from a later edit by someone else. When your update sets the whole
//!   message, repeating it is harmless: mark it idempotent with
//!   [`RetryPolicy::idempotency`](crate::RetryPolicy::idempotency) instead.
//! - `files.completeUploadExternal` (inside
//!   [`WebClient::files_upload_v2`](crate::WebClient::files_upload_v2)) is always
//!   reconciled, opt-in or not: after an unknown outcome the client reads `files.info` of
//!   every file and completes again only if a file is not complete or not shared where it
//!   was asked to be.
//!
//! **Your own metadata.** A message carries one metadata object. If you set `metadata`, its
//! `event_type` is kept and the key is added to its `event_payload` as
//! `slack_sdk_idempotency_key`; otherwise the client sends
//! `{"event_type": "slack_sdk_idempotency", "event_payload": {"slack_sdk_idempotency_key": …}}`.
//! Metadata that is not a JSON object (or a string holding one) is left alone and the call
//! is not reconciled.
//!
//! **Limits.** The lookup needs `channels:history` (or the `groups:`/`im:`/`mpim:` scope of
//! the conversation) and a channel id (not a `#name`); without them the lookup fails and the
//! original [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown) is returned. A request that Slack is still
//! processing when the lookup runs is not found yet; `settle` (1 s by default) is the wait
//! that makes this unlikely. The window is measured on this machine's clock; its default of
//! 10 minutes absorbs ordinary clock skew. Each send and each lookup page is a call of its
//! own under the client's retry policy (attempt cap and time budget per call), so a
//! reconciled call may take up to `1 + max_resends` budgets plus the lookups.
//!
//! ```no_run
//! # async fn run(client: slack_core::WebClient) -> slack_core::Result<()> {
//! use slack_core::api::chat;
//! use slack_core::reconcile::{Reconcile, Reconciled};
//! use slack_core::CallOptions;
//!
//! let options = CallOptions::default().reconcile(Reconcile::on());
//! let posted = client
//!     .call_with(chat::PostMessage::new("C123").text("exactly once"), options)
//!     .await?;
//! match posted.raw().reconciled() {
//!     None => println!("posted at {}", posted.ts),
//!     Some(Reconciled::Found) => println!("the first attempt had posted it: {}", posted.ts),
//!     Some(Reconciled::Resent) => println!("not posted at first; sent again: {}", posted.ts),
//!     Some(_) => {}
//! }
//! # Ok(()) }
//! ```

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{json, Map, Value};

use crate::error::Result;
use crate::method::MethodInfo;
use crate::request::{Args, CallOptions};
use crate::response::SlackResponse;
use crate::transport::HttpResponse;
use crate::WebClient;

/// The `event_type` of the metadata the client adds when the message has none of its own.
pub const IDEMPOTENCY_EVENT_TYPE: &str = "slack_sdk_idempotency";

/// The `event_payload` field holding the idempotency key.
pub const IDEMPOTENCY_KEY_FIELD: &str = "slack_sdk_idempotency_key";

/// Whether and how the client reconciles a write whose outcome is unknown (see the
/// [module docs](self)). Off by default.
///
/// Set it for every call with
/// [`WebClientBuilder::reconcile`](crate::WebClientBuilder::reconcile) or for one call with
/// [`CallOptions::reconcile`].
///
/// ```
/// use std::time::Duration;
/// use slack_core::reconcile::Reconcile;
///
/// let r = Reconcile::on().settle(Duration::from_millis(500)).max_resends(1);
/// assert!(r.is_enabled());
/// assert!(!Reconcile::default().is_enabled());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Reconcile {
    enabled: bool,
    settle: Duration,
    window: Duration,
    max_resends: u32,
    max_pages: u32,
}

impl Default for Reconcile {
    /// [`Reconcile::off`].
    fn default() -> Self {
        Reconcile::off()
    }
}

impl Reconcile {
    /// No reconciliation: an unknown outcome is returned as [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
    pub fn off() -> Self {
        Reconcile {
            enabled: false,
            ..Reconcile::on()
        }
    }

    /// Reconcile `chat.postMessage`: settle 1 s, window 10 minutes, at most 2 re-sends, at
    /// most 10 pages of 200 messages per lookup.
    pub fn on() -> Self {
        Reconcile {
            enabled: true,
            settle: Duration::from_secs(1),
            window: Duration::from_secs(600),
            max_resends: 2,
            max_pages: 10,
        }
    }

    /// Whether reconciliation is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// How long to wait after an unknown outcome before looking (default 1 s): time for
    /// Slack to finish a request it was still processing when the connection broke.
    pub fn settle(mut self, settle: Duration) -> Self {
        self.settle = settle;
        self
    }

    /// How far before the first attempt the lookup reads (default 10 minutes, by this
    /// machine's clock).
    pub fn window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// How many times the write may be sent again after a lookup found nothing (default 2;
    /// 0 turns re-sending off, leaving only the lookup).
    pub fn max_resends(mut self, n: u32) -> Self {
        self.max_resends = n;
        self
    }

    /// Most pages of history one lookup reads (default 10 of 200 messages). A lookup that
    /// stops here without reaching the window's start is inconclusive: the call ends with
    /// the original [`Error::OutcomeUnknown`](crate::Error::OutcomeUnknown).
    pub fn max_pages(mut self, n: u32) -> Self {
        self.max_pages = n.max(1);
        self
    }
}

/// What reconciliation did for a call that ended well
/// ([`SlackResponse::reconciled`]; `None` when the first attempt's outcome was known).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reconciled {
    /// An attempt's outcome was unknown, and the lookup found it applied: nothing was sent
    /// again. The response is built from what was found (for a message: `channel`, `ts`,
    /// `message`).
    Found,
    /// An attempt's outcome was unknown, the lookup showed it was not applied, and the
    /// request was sent again; this is that attempt's answer.
    Resent,
}

// ===== tagging (pure) =====

/// `args` with the idempotency `key` in its message metadata, or `None` when the caller's
/// `metadata` is not a JSON object (nor a string holding one).
pub fn tag_message(args: &Args, key: &str) -> Option<Args> {
    let mut metadata = match args.get("metadata") {
        None | Some(Value::Null) => json!({"event_type": IDEMPOTENCY_EVENT_TYPE}),
        Some(Value::String(s)) if s.trim().is_empty() => {
            json!({"event_type": IDEMPOTENCY_EVENT_TYPE})
        }
        Some(Value::String(s)) => serde_json::from_str::<Value>(s).ok()?,
        Some(v) => v.clone(),
    };
    let object = metadata.as_object_mut()?;
    if !object.get("event_type").is_some_and(Value::is_string) {
        object.insert("event_type".into(), json!(IDEMPOTENCY_EVENT_TYPE));
    }
    let payload = object
        .entry("event_payload")
        .or_insert_with(|| Value::Object(Map::new()));
    if payload.is_null() {
        *payload = Value::Object(Map::new());
    }
    payload
        .as_object_mut()?
        .insert(IDEMPOTENCY_KEY_FIELD.into(), json!(key));
    let mut tagged = args.clone();
    // Sent as a JSON string: what Slack takes in both form and JSON bodies.
    tagged.insert("metadata", metadata.to_string());
    Some(tagged)
}

/// Whether `message` (from `conversations.history`/`replies` with `include_all_metadata`)
/// carries `key`.
pub fn carries_key(message: &Value, key: &str) -> bool {
    let payload = &message["metadata"]["event_payload"];
    payload[IDEMPOTENCY_KEY_FIELD].as_str() == Some(key)
}

/// A Slack `ts` (`"1700000000.000100"`) for a wall-clock time.
fn ts_of(t: SystemTime) -> String {
    let d = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    format!("{}.{:06}", d.as_secs(), d.subsec_micros())
}

/// A fresh key: 128 bits from the operating system's randomness (never the policy's
/// pinned seed: two processes with the same seed must not share keys), mixed with the
/// client's per-call stream.
fn fresh_key(call_seed: u64) -> String {
    let mut rng = crate::retry::Rng::new(crate::retry::random_seed() ^ call_seed);
    format!("{:016x}{:016x}", rng.next_u64(), rng.next_u64())
}

// ===== the driver =====

/// How a lookup ended.
enum Lookup {
    Found(Value),
    NotFound,
    Inconclusive,
}

impl WebClient {
    /// `chat.postMessage` with reconciliation (see the module docs).
    pub(crate) async fn post_message_reconciled(
        &self,
        info: &'static MethodInfo,
        args: &Args,
        options: &CallOptions,
        rc: &Reconcile,
    ) -> Result<SlackResponse> {
        let key = fresh_key(self.next_seed());
        let channel = args
            .get("channel")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let (Some(tagged), Some(channel)) = (tag_message(args, &key), channel) else {
            return self.call_args_once(info, args, options).await;
        };
        let thread_ts = args
            .get("thread_ts")
            .and_then(|v| crate::request::form_value(v).map(|c| c.into_owned()))
            .filter(|t| !t.is_empty());
        let oldest = ts_of(
            SystemTime::now()
                .checked_sub(rc.window)
                .unwrap_or(UNIX_EPOCH),
        );
        let mut resends = 0;
        loop {
            let unknown = match self.call_args_once(info, &tagged, options).await {
                Ok(r) if resends > 0 => return Ok(r.with_reconciled(Reconciled::Resent)),
                Err(e) if e.is_outcome_unknown() => e,
                other => return other,
            };
            tracing::debug!(%channel, resends, "outcome unknown: looking for the message");
            if !rc.settle.is_zero() {
                self.timer().sleep(rc.settle).await;
            }
            let lookup = self
                .find_tagged(&channel, thread_ts.as_deref(), &oldest, &key, rc, options)
                .await;
            match lookup {
                Ok(Lookup::Found(message)) => {
                    let ts = message["ts"].clone();
                    let body =
                        json!({"ok": true, "channel": channel, "ts": ts, "message": message});
                    let raw = crate::response::parse_response(
                        info.name,
                        HttpResponse::new(http::StatusCode::OK, body.to_string()),
                    )?;
                    return Ok(raw.with_reconciled(Reconciled::Found));
                }
                Ok(Lookup::NotFound) if resends < rc.max_resends => {
                    tracing::debug!(%channel, "not found: sending again with the same key");
                    resends += 1;
                }
                Ok(_) => return Err(unknown),
                Err(lookup) => {
                    tracing::debug!(error = %lookup, "the lookup failed; the outcome stays unknown");
                    return Err(unknown);
                }
            }
        }
    }

    /// Read the channel (or thread) newest first back to `oldest`, looking for `key`.
    async fn find_tagged(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        oldest: &str,
        key: &str,
        rc: &Reconcile,
        options: &CallOptions,
    ) -> Result<Lookup> {
        let method = if thread_ts.is_some() {
            "conversations.replies"
        } else {
            "conversations.history"
        };
        let mut args = Args::new()
            .set("channel", channel)
            .set("oldest", oldest)
            .set("inclusive", true)
            .set("include_all_metadata", true)
            .set("limit", 200);
        if let Some(ts) = thread_ts {
            args.insert("ts", ts);
        }
        let lookup_options = CallOptions {
            token: options.token.clone(),
            timeout: options.timeout,
            ..CallOptions::default()
        };
        let Some(info) = crate::method::lookup(method) else {
            return Ok(Lookup::Inconclusive);
        };
        for _ in 0..rc.max_pages {
            let page = self.call_args_once(info, &args, &lookup_options).await?;
            let messages = page.get("messages").as_array().cloned().unwrap_or_default();
            if let Some(found) = messages.into_iter().find(|m| carries_key(m, key)) {
                return Ok(Lookup::Found(found));
            }
            match page.next_cursor() {
                Some(c) => args.insert("cursor", c.to_owned()),
                None => return Ok(Lookup::NotFound),
            }
        }
        Ok(Lookup::Inconclusive)
    }
}

// ===== files.completeUploadExternal =====

/// What `files.info` says about the files of a completion.
#[derive(Debug, PartialEq, Eq)]
pub enum Completion {
    /// Every file is complete (and shared into the channel, when one was asked for).
    Done,
    /// At least one file is not complete, or not shared where it was asked to be.
    NotDone,
}

/// Whether a `files.info` `file` object is complete and, when `channel` is given, shared
/// into it.
pub fn file_is_done(file: &Value, channel: Option<&str>) -> bool {
    if !file.is_object() {
        return false;
    }
    channel.is_none_or(|c| {
        ["channels", "groups", "ims"].iter().any(|k| {
            file[*k]
                .as_array()
                .is_some_and(|list| list.iter().any(|x| x == c))
        })
    })
}

impl WebClient {
    /// `files.completeUploadExternal`, reconciled: after an unknown outcome, `files.info` of
    /// every file decides between "done" and "complete again". Always on (the client's
    /// [`Reconcile`] settings when reconciliation is on, [`Reconcile::on`] otherwise).
    pub(crate) async fn complete_upload_reconciled(&self, args: &Args) -> Result<SlackResponse> {
        const METHOD: &str = "files.completeUploadExternal";
        let rc = if self.reconcile_setting().is_enabled() {
            self.reconcile_setting().clone()
        } else {
            Reconcile::on()
        };
        let info = crate::method::lookup(METHOD)
            .ok_or_else(|| crate::Error::validation("method", "files.completeUploadExternal"))?;
        let files: Vec<Value> = args
            .get("files")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let channel = args
            .get("channel_id")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let options = CallOptions::default();
        let mut resends = 0;
        loop {
            let unknown = match self.call_args_once(info, args, &options).await {
                Ok(r) if resends > 0 => return Ok(r.with_reconciled(Reconciled::Resent)),
                Err(e) if e.is_outcome_unknown() => e,
                other => return other,
            };
            tracing::debug!(resends, "completion outcome unknown: reading files.info");
            if !rc.settle.is_zero() {
                self.timer().sleep(rc.settle).await;
            }
            match self.completion_state(&files, channel.as_deref()).await {
                Ok(Completion::Done) => {
                    let listed: Vec<Value> = files
                        .iter()
                        .map(|f| json!({"id": f["id"], "title": f["title"]}))
                        .collect();
                    let body = json!({"ok": true, "files": listed});
                    let raw = crate::response::parse_response(
                        METHOD,
                        HttpResponse::new(http::StatusCode::OK, body.to_string()),
                    )?;
                    return Ok(raw.with_reconciled(Reconciled::Found));
                }
                Ok(Completion::NotDone) if resends < rc.max_resends => resends += 1,
                Ok(Completion::NotDone) => return Err(unknown),
                Err(lookup) => {
                    tracing::debug!(error = %lookup, "files.info failed; the outcome stays unknown");
                    return Err(unknown);
                }
            }
        }
    }

    async fn completion_state(&self, files: &[Value], channel: Option<&str>) -> Result<Completion> {
        let info = crate::method::lookup("files.info")
            .ok_or_else(|| crate::Error::validation("method", "files.info"))?;
        for f in files {
            let Some(id) = f["id"].as_str() else {
                return Ok(Completion::NotDone);
            };
            let args = Args::new().set("file", id);
            match self
                .call_args_once(info, &args, &CallOptions::default())
                .await
            {
                Ok(r) if file_is_done(r.get("file"), channel) => {}
                Ok(_) => return Ok(Completion::NotDone),
                // Not completed yet: files.info does not know it.
                Err(e) if e.api_code().is_some_and(|c| c == "file_not_found") => {
                    return Ok(Completion::NotDone)
                }
                Err(e) => return Err(e),
            }
        }
        Ok(Completion::Done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_without_and_with_caller_metadata() {
        let plain = tag_message(&Args::new().set("channel", "C1"), "k1").unwrap();
        let md: Value =
            serde_json::from_str(plain.get("metadata").unwrap().as_str().unwrap()).unwrap();
        assert_eq!(md["event_type"], IDEMPOTENCY_EVENT_TYPE);
        assert_eq!(md["event_payload"][IDEMPOTENCY_KEY_FIELD], "k1");
        assert!(carries_key(&json!({"metadata": md}), "k1"));
        assert!(!carries_key(&json!({"metadata": md}), "k2"));
        assert!(!carries_key(&json!({"text": "no metadata"}), "k1"));

        // The caller's own metadata, as an object or a JSON string, is kept.
        let own = json!({"event_type": "order_shipped", "event_payload": {"order": 7}});
        for given in [own.clone(), Value::String(own.to_string())] {
            let tagged = tag_message(&Args::new().set("metadata", given), "k").unwrap();
            let md: Value =
                serde_json::from_str(tagged.get("metadata").unwrap().as_str().unwrap()).unwrap();
            assert_eq!(md["event_type"], "order_shipped");
            assert_eq!(md["event_payload"]["order"], 7);
            assert_eq!(md["event_payload"][IDEMPOTENCY_KEY_FIELD], "k");
        }
        // Metadata that is not an object is left alone: no reconciliation.
        assert!(tag_message(&Args::new().set("metadata", "not json"), "k").is_none());
        assert!(tag_message(&Args::new().set("metadata", json!([1])), "k").is_none());
    }

    #[test]
    fn a_file_is_done_when_complete_and_shared_where_asked() {
        let f = json!({"id": "F1", "channels": ["C1"], "groups": [], "ims": []});
        assert!(file_is_done(&f, Some("C1")));
        assert!(file_is_done(&f, None));
        assert!(!file_is_done(&f, Some("C2")));
        assert!(file_is_done(
            &json!({"id": "F1", "groups": ["G1"]}),
            Some("G1")
        ));
        assert!(!file_is_done(&Value::Null, None));
    }

    #[test]
    fn keys_are_fresh_and_ts_is_slack_shaped() {
        assert_ne!(fresh_key(1), fresh_key(1));
        assert_eq!(fresh_key(1).len(), 32);
        let t = UNIX_EPOCH + Duration::from_micros(1_700_000_000_000_100);
        assert_eq!(ts_of(t), "1700000000.000100");
    }
}
