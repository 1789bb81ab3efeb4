//! Typed RTM events, decoded straight from the frame's bytes.
//!
//! Decoding reads the `type` (and `subtype`) first with a borrowed, allocation-free pass,
//! then deserialises only the struct of that type. An event type we do not model — or a
//! modelled one whose shape changed — becomes [`RtmEvent::Unknown`] with the raw JSON, so a
//! new event never fails a connection.
//!
//! [`Frame`] keeps the text of the frame next to the typed event, so the raw JSON of *every*
//! event is one method away ([`Frame::raw`]) at no extra parse: the text is moved in, not
//! copied, and shared behind one `Arc` with the event.

use std::ops::Deref;
use std::sync::Arc;

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One event received over an RTM connection.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum RtmEvent {
    /// The connection is ready.
    Hello,
    /// The server is about to close the connection: reconnect to a fresh URL.
    Goodbye,
    /// A message (with its subtype, if any). Shared: handlers get the same `Arc`.
    Message(Arc<MessageEvent>),
    /// A reaction was added.
    ReactionAdded(ReactionEvent),
    /// A reaction was removed.
    ReactionRemoved(ReactionEvent),
    /// Someone is typing.
    UserTyping {
        /// The channel.
        channel: String,
        /// The user.
        user: String,
    },
    /// A user's presence changed.
    PresenceChange {
        /// The user (or the first of `users`).
        user: Option<String>,
        /// Users, for batched presence events.
        users: Vec<String>,
        /// `active` or `away`.
        presence: String,
    },
    /// A user joined a channel.
    MemberJoinedChannel(MembershipEvent),
    /// A user left a channel.
    MemberLeftChannel(MembershipEvent),
    /// A channel was created.
    ChannelCreated(ChannelEvent),
    /// A channel was renamed.
    ChannelRenamed(ChannelEvent),
    /// A channel was archived.
    ChannelArchived(ChannelEvent),
    /// A channel was unarchived.
    ChannelUnarchived(ChannelEvent),
    /// A direct message channel was opened.
    ImCreated(ChannelEvent),
    /// A user joined the team (the user object as JSON).
    TeamJoin {
        /// The new user.
        user: Value,
    },
    /// The answer to a `ping`.
    Pong {
        /// The ping's id.
        reply_to: Option<u64>,
        /// Any other fields the ping carried (echoed back).
        extra: Map<String, Value>,
    },
    /// A URL to reconnect to (sent by older servers).
    ReconnectUrl {
        /// The URL (it holds a session ticket: `Debug` shows only its host).
        url: crate::transport::SessionUrl,
    },
    /// The server reports an error (for example a malformed frame).
    Error {
        /// Error code.
        code: Option<i64>,
        /// Message.
        msg: Option<String>,
    },
    /// The server's answer to a message we sent (`reply_to` = our id).
    Ack(Ack),
    /// Any event not modelled above, with its raw JSON.
    Unknown {
        /// The `type` field (empty when absent).
        kind: String,
        /// The whole event.
        raw: Value,
    },
}

impl RtmEvent {
    /// The event's `type` as Slack names it (`message`, `reaction_added`, …; `ack` for acks).
    pub fn kind(&self) -> &str {
        match self {
            RtmEvent::Hello => "hello",
            RtmEvent::Goodbye => "goodbye",
            RtmEvent::Message(_) => "message",
            RtmEvent::ReactionAdded(_) => "reaction_added",
            RtmEvent::ReactionRemoved(_) => "reaction_removed",
            RtmEvent::UserTyping { .. } => "user_typing",
            RtmEvent::PresenceChange { .. } => "presence_change",
            RtmEvent::MemberJoinedChannel(_) => "member_joined_channel",
            RtmEvent::MemberLeftChannel(_) => "member_left_channel",
            RtmEvent::ChannelCreated(_) => "channel_created",
            RtmEvent::ChannelRenamed(_) => "channel_rename",
            RtmEvent::ChannelArchived(_) => "channel_archive",
            RtmEvent::ChannelUnarchived(_) => "channel_unarchive",
            RtmEvent::ImCreated(_) => "im_created",
            RtmEvent::TeamJoin { .. } => "team_join",
            RtmEvent::Pong { .. } => "pong",
            RtmEvent::ReconnectUrl { .. } => "reconnect_url",
            RtmEvent::Error { .. } => "error",
            RtmEvent::Ack(_) => "ack",
            RtmEvent::Unknown { kind, .. } => kind,
        }
    }
}

/// A `message` event.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MessageEvent {
    /// The subtype (absent for a plain user message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subtype: Option<MessageSubtype>,
    /// The channel.
    #[serde(default)]
    pub channel: String,
    /// The author (absent for some bot messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The bot, for bot messages.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_id: Option<String>,
    /// The text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The message's timestamp.
    #[serde(default)]
    pub ts: String,
    /// The thread parent, for replies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub thread_ts: Option<String>,
    /// The team.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team: Option<String>,
    /// For `message_changed`: the new message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Box<crate::types::Message>>,
    /// For `message_changed` and `message_deleted`: the message before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous_message: Option<Box<crate::types::Message>>,
    /// For `message_deleted`: the deleted message's `ts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted_ts: Option<String>,
    /// Whether the message is hidden (changes and deletions).
    #[serde(default)]
    pub hidden: bool,
    /// Block Kit blocks, kept as JSON text and decoded on first read (they read like a
    /// `&[Block]`; see [`Blocks`](crate::blocks::Blocks)).
    #[serde(default, skip_serializing_if = "crate::blocks::Blocks::is_absent")]
    pub blocks: crate::blocks::Blocks,
    /// Legacy attachments, as JSON.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attachments: Option<crate::types::RawJson>,
    /// Shared files, as JSON (`file_share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub files: Option<crate::types::RawJson>,
    /// The edit marker (`{"user":…,"ts":…}`) of an edited message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edited: Option<crate::types::RawJson>,
    /// The client's id for the message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_msg_id: Option<String>,
    /// `channel`, `group`, `im` or `mpim`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<String>,
    /// The event's timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_ts: Option<String>,
}

/// A message subtype; unknown subtypes are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MessageSubtype {
    /// Posted by a bot.
    BotMessage,
    /// A message was edited.
    MessageChanged,
    /// A message was deleted.
    MessageDeleted,
    /// A thread reply also sent to the channel.
    ThreadBroadcast,
    /// A user joined the channel.
    ChannelJoin,
    /// A user left the channel.
    ChannelLeave,
    /// A file was shared.
    FileShare,
    /// A `/me` message.
    MeMessage,
    /// The channel topic changed.
    ChannelTopic,
    /// The channel purpose changed.
    ChannelPurpose,
    /// The channel was renamed.
    ChannelName,
    /// The channel was archived.
    ChannelArchive,
    /// The channel was unarchived.
    ChannelUnarchive,
    /// A message was replied to (legacy).
    MessageReplied,
    /// Any other subtype.
    #[serde(untagged)]
    Other(String),
}

/// `reaction_added` / `reaction_removed`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReactionEvent {
    /// Who reacted.
    #[serde(default)]
    pub user: String,
    /// Emoji name.
    #[serde(default)]
    pub reaction: String,
    /// The item (`{"type":"message","channel":…,"ts":…}`).
    #[serde(default)]
    pub item: Value,
    /// The item's author.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_user: Option<String>,
    /// Event timestamp.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_ts: Option<String>,
}

/// `member_joined_channel` / `member_left_channel`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MembershipEvent {
    /// The user.
    #[serde(default)]
    pub user: String,
    /// The channel.
    #[serde(default)]
    pub channel: String,
    /// `C` (public) or `G` (private).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel_type: Option<String>,
    /// Who invited them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inviter: Option<String>,
}

/// Channel lifecycle events. `channel` is an id or an object depending on the event; both
/// are accepted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChannelEvent {
    /// The channel: an id string, or an object with `id`, `name`, …
    #[serde(default)]
    pub channel: Value,
    /// The acting user, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
}

impl ChannelEvent {
    /// The channel id, whichever shape the event used.
    pub fn channel_id(&self) -> Option<&str> {
        match &self.channel {
            Value::String(s) => Some(s),
            Value::Object(o) => o.get("id").and_then(Value::as_str),
            _ => None,
        }
    }
}

/// The server's answer to a message we sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Ack {
    /// Our message's id.
    pub reply_to: u64,
    /// Whether it was accepted.
    #[serde(default)]
    pub ok: bool,
    /// The stored message's `ts`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<String>,
    /// The stored text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<Value>,
}

/// One received text frame: the typed event and the JSON text it was decoded from.
///
/// Cheap to clone (one `Arc`); derefs to the [`RtmEvent`], so `match &*frame { … }` reads the
/// typed event and [`raw`](Frame::raw) the text. Fields the typed event does not model can be
/// read with [`parse`](Frame::parse) (one parse, only when asked).
///
/// ```
/// use slack_core::rtm::{Frame, RtmEvent};
///
/// let frame = Frame::decode(r#"{"type":"message","channel":"C1","text":"hi","ts":"1.0","x_new":7}"#)?;
/// assert!(matches!(&*frame, RtmEvent::Message(m) if m.text.as_deref() == Some("hi")));
/// assert!(frame.raw().contains(r#""x_new":7"#));
/// let extra: serde_json::Value = frame.parse()?;
/// assert_eq!(extra["x_new"], 7);
/// # Ok::<(), slack_core::rtm::FrameError>(())
/// ```
#[derive(Clone, PartialEq)]
pub struct Frame {
    inner: Arc<FrameInner>,
}

#[derive(PartialEq)]
struct FrameInner {
    event: RtmEvent,
    raw: String,
}

impl Frame {
    /// Decode `text` (see [`decode_event`]) and keep it. A `String` is moved in, not copied.
    pub fn decode(text: impl Into<String>) -> Result<Frame, FrameError> {
        Frame::decode_or_return(text.into()).map_err(|(e, _)| e)
    }

    /// [`decode`](Frame::decode), handing the text back on failure.
    pub(crate) fn decode_or_return(raw: String) -> Result<Frame, (FrameError, String)> {
        match decode_event(&raw) {
            Ok(event) => Ok(Frame::new(event, raw)),
            Err(e) => Err((e, raw)),
        }
    }

    /// A frame from an already decoded `event` and its `raw` text (for tests and replays).
    pub fn new(event: RtmEvent, raw: impl Into<String>) -> Frame {
        Frame {
            inner: Arc::new(FrameInner {
                event,
                raw: raw.into(),
            }),
        }
    }

    /// The typed event.
    pub fn event(&self) -> &RtmEvent {
        &self.inner.event
    }

    /// The frame's JSON text, exactly as received.
    pub fn raw(&self) -> &str {
        &self.inner.raw
    }

    /// Deserialise the frame's JSON as `T` (a struct of the fields you need, or
    /// `serde_json::Value`). One parse per call.
    pub fn parse<'a, T: Deserialize<'a>>(&'a self) -> Result<T, FrameError> {
        serde_json::from_str(self.raw()).map_err(|e| FrameError {
            reason: e.to_string(),
        })
    }
}

impl Deref for Frame {
    type Target = RtmEvent;

    fn deref(&self) -> &RtmEvent {
        &self.inner.event
    }
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Frame")
            .field("event", &self.inner.event)
            .field("raw_len", &self.inner.raw.len())
            .finish()
    }
}

#[derive(Deserialize)]
struct Head<'a> {
    #[serde(default, rename = "type", borrow)]
    kind: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    reply_to: Option<u64>,
    #[serde(default)]
    ok: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct Typing {
    #[serde(default)]
    channel: String,
    #[serde(default)]
    user: String,
}

#[derive(Deserialize)]
struct Presence {
    #[serde(default)]
    user: Option<String>,
    #[serde(default)]
    users: Vec<String>,
    #[serde(default)]
    presence: String,
}

#[derive(Deserialize)]
struct PongBody {
    #[serde(default)]
    reply_to: Option<u64>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

#[derive(Deserialize)]
struct UrlBody {
    #[serde(default)]
    url: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: ErrorInner,
}

#[derive(Deserialize, Default)]
struct ErrorInner {
    #[serde(default)]
    code: Option<i64>,
    #[serde(default)]
    msg: Option<String>,
}

#[derive(Deserialize)]
struct TeamJoinBody {
    #[serde(default)]
    user: Value,
}

/// Why a frame could not be decoded at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("undecodable RTM frame: {reason}")]
pub struct FrameError {
    /// The parser's message.
    pub reason: String,
}

/// Decode one text frame.
///
/// Invalid JSON (or JSON that is not an object) is a [`FrameError`]; a valid object always
/// decodes, at worst to [`RtmEvent::Unknown`].
pub fn decode_event(frame: &str) -> Result<RtmEvent, FrameError> {
    // Most frames open with their type: read it there and parse the frame once, into its
    // typed event. Otherwise a first pass finds the type (and tells an ack by its fields).
    let (kind, is_ack) = match leading_type(frame) {
        Some(kind) => (std::borrow::Cow::Borrowed(kind), false),
        None => {
            let head: Head<'_> = serde_json::from_str(frame).map_err(|e| FrameError {
                reason: e.to_string(),
            })?;
            let is_ack = head.reply_to.is_some() && head.ok.is_some();
            (head.kind.unwrap_or_default(), is_ack)
        }
    };
    let typed = match &*kind {
        "" if is_ack => typed::<Ack>(frame).map(RtmEvent::Ack),
        "hello" => Some(RtmEvent::Hello),
        "goodbye" => Some(RtmEvent::Goodbye),
        "message" => typed::<MessageEvent>(frame).map(|m| RtmEvent::Message(Arc::new(m))),
        "reaction_added" => typed(frame).map(RtmEvent::ReactionAdded),
        "reaction_removed" => typed(frame).map(RtmEvent::ReactionRemoved),
        "user_typing" => typed::<Typing>(frame).map(|t| RtmEvent::UserTyping {
            channel: t.channel,
            user: t.user,
        }),
        "presence_change" => typed::<Presence>(frame).map(|p| RtmEvent::PresenceChange {
            user: p.user.or_else(|| p.users.first().cloned()),
            users: p.users,
            presence: p.presence,
        }),
        "member_joined_channel" => typed(frame).map(RtmEvent::MemberJoinedChannel),
        "member_left_channel" => typed(frame).map(RtmEvent::MemberLeftChannel),
        "channel_created" => typed(frame).map(RtmEvent::ChannelCreated),
        "channel_rename" => typed(frame).map(RtmEvent::ChannelRenamed),
        "channel_archive" => typed(frame).map(RtmEvent::ChannelArchived),
        "channel_unarchive" => typed(frame).map(RtmEvent::ChannelUnarchived),
        "im_created" => typed(frame).map(RtmEvent::ImCreated),
        "team_join" => typed::<TeamJoinBody>(frame).map(|t| RtmEvent::TeamJoin { user: t.user }),
        "pong" => typed::<PongBody>(frame).map(|p| RtmEvent::Pong {
            reply_to: p.reply_to,
            extra: p.extra,
        }),
        "reconnect_url" => typed::<UrlBody>(frame).map(|u| RtmEvent::ReconnectUrl {
            url: crate::transport::SessionUrl::new(u.url),
        }),
        "error" => typed::<ErrorBody>(frame).map(|e| RtmEvent::Error {
            code: e.error.code,
            msg: e.error.msg,
        }),
        _ => None,
    };
    match typed {
        Some(ev) => Ok(ev),
        None => {
            let raw: Value = serde_json::from_str(frame).map_err(|e| FrameError {
                reason: e.to_string(),
            })?;
            if !raw.is_object() {
                return Err(FrameError {
                    reason: "an RTM frame must be a JSON object".into(),
                });
            }
            Ok(RtmEvent::Unknown {
                kind: kind.into_owned(),
                raw,
            })
        }
    }
}

/// The `type` of a frame that starts `{"type":"…"`, when it is a plain (unescaped) string.
/// The typed parse that follows checks the rest of the frame.
fn leading_type(frame: &str) -> Option<&str> {
    let rest = frame
        .trim_start()
        .strip_prefix('{')?
        .trim_start()
        .strip_prefix("\"type\"")?
        .trim_start()
        .strip_prefix(':')?
        .trim_start()
        .strip_prefix('"')?;
    let kind = &rest[..rest.find('"')?];
    (!kind.is_empty() && !kind.contains('\\')).then_some(kind)
}

fn typed<T: serde::de::DeserializeOwned>(frame: &str) -> Option<T> {
    serde_json::from_str(frame).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_common_events() {
        assert_eq!(
            decode_event(r#"{"type":"hello"}"#).unwrap(),
            RtmEvent::Hello
        );
        assert_eq!(
            decode_event(r#"{"type":"goodbye","source":"gateway_server"}"#).unwrap(),
            RtmEvent::Goodbye
        );
        let RtmEvent::Message(m) = decode_event(r#"{"type":"message","channel":"C1","user":"U1","text":"hi","ts":"1.2","client_msg_id":"x"}"#).unwrap() else {
            panic!()
        };
        assert_eq!(m.text.as_deref(), Some("hi"));
        assert_eq!(m.subtype, None);
        assert_eq!(m.client_msg_id.as_deref(), Some("x"));
        let RtmEvent::Message(m) = decode_event(r#"{"type":"message","subtype":"message_changed","channel":"C1","hidden":true,"ts":"3","message":{"type":"message","text":"new","ts":"1"},"previous_message":{"type":"message","text":"old","ts":"1"}}"#).unwrap() else {
            panic!()
        };
        assert_eq!(m.subtype, Some(MessageSubtype::MessageChanged));
        assert_eq!(m.message.as_ref().unwrap().text.as_deref(), Some("new"));
        let RtmEvent::Message(m) =
            decode_event(r#"{"type":"message","subtype":"huddle_thread","channel":"C1","ts":"1"}"#)
                .unwrap()
        else {
            panic!()
        };
        assert_eq!(
            m.subtype,
            Some(MessageSubtype::Other("huddle_thread".into()))
        );
        assert!(matches!(
            decode_event(r#"{"type":"reaction_added","user":"U1","reaction":"tada","item":{"type":"message","channel":"C1","ts":"1"}}"#).unwrap(),
            RtmEvent::ReactionAdded(r) if r.reaction == "tada"
        ));
        assert_eq!(
            decode_event(r#"{"type":"user_typing","channel":"C1","user":"U1"}"#).unwrap(),
            RtmEvent::UserTyping {
                channel: "C1".into(),
                user: "U1".into()
            }
        );
        assert!(
            matches!(decode_event(r#"{"type":"pong","reply_to":3,"time":9}"#).unwrap(), RtmEvent::Pong { reply_to: Some(3), extra } if extra["time"] == 9)
        );
        assert!(
            matches!(decode_event(r#"{"ok":true,"reply_to":1,"ts":"1.1","text":"x"}"#).unwrap(), RtmEvent::Ack(a) if a.ok && a.reply_to == 1)
        );
        assert!(
            matches!(decode_event(r#"{"ok":false,"reply_to":2,"error":{"code":2,"msg":"bad"}}"#).unwrap(), RtmEvent::Ack(a) if !a.ok)
        );
        let ev = decode_event(r#"{"type":"channel_created","channel":{"id":"C9","name":"new"}}"#)
            .unwrap();
        assert!(matches!(&ev, RtmEvent::ChannelCreated(c) if c.channel_id() == Some("C9")));
        assert!(matches!(
            decode_event(r#"{"type":"error","error":{"code":1,"msg":"Socket URL has expired"}}"#)
                .unwrap(),
            RtmEvent::Error { code: Some(1), .. }
        ));
    }

    #[test]
    fn unknown_and_reshaped_events_never_fail() {
        let ev = decode_event(r#"{"type":"brand_new_event","x":1}"#).unwrap();
        assert_eq!(ev.kind(), "brand_new_event");
        // A known type whose shape changed (text is a number) falls back to Unknown.
        let ev = decode_event(r#"{"type":"message","channel":"C1","text":5}"#).unwrap();
        assert!(matches!(ev, RtmEvent::Unknown { ref kind, .. } if kind == "message"));
        assert!(decode_event("not json").is_err());
        assert!(decode_event("[1,2]").is_err());
        assert!(decode_event("").is_err());
    }

    #[test]
    fn frames_keep_the_raw_text_of_every_event() {
        let text =
            r#"{"type":"reaction_added","user":"U1","reaction":"tada","item":{},"extra":{"a":1}}"#;
        let frame = Frame::decode(text.to_owned()).unwrap();
        assert_eq!(frame.raw(), text);
        assert_eq!(frame.kind(), "reaction_added");
        assert!(matches!(frame.event(), RtmEvent::ReactionAdded(r) if r.reaction == "tada"));
        #[derive(Deserialize)]
        struct Extra<'a> {
            user: &'a str,
            extra: Value,
        }
        let extra: Extra<'_> = frame.parse().unwrap();
        assert_eq!((extra.user, extra.extra["a"].as_i64()), ("U1", Some(1)));
        let copy = frame.clone();
        assert!(
            std::ptr::eq(copy.raw(), frame.raw()),
            "clones share the text"
        );
        assert!(Frame::decode("nope").is_err());
        assert!(format!("{frame:?}").contains("raw_len"));
    }

    proptest::proptest! {
        #[test]
        fn any_frame_never_panics(s in "\\PC*") {
            let _ = decode_event(&s);
        }
    }
}
