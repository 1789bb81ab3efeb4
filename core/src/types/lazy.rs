//! An object of a response kept as its JSON text and decoded on first read.

use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;

use super::de::{grab, serialize_received, Grabbed, Lenient};
use serde::de::DeserializeOwned;
use serde::{Deserializer, Serialize, Serializer};

/// An object of a response that is decoded the first time it is read.
///
/// The message that `chat.postMessage`, `chat.update` and `chat.scheduleMessage` echo back
/// arrives as `Lazy<Message>`: most callers read the answer's `ts` and `channel` and never
/// look at the echo. Receiving it costs one scan and one copy of its JSON text; the typed
/// value is built when something reads it, once, and kept.
///
/// `Lazy<T>` dereferences to `T`, so its fields read as they would on `T`
/// (`posted.message.as_ref().and_then(|m| m.text.as_deref())`). Decoding is lenient like every
/// response field; text that `T` cannot take (which Slack does not send) reads as
/// `T::default()`. [`json`](Lazy::json) gives the text as received, and serialising writes
/// that text back unchanged.
///
/// ```
/// use slack_core::responses::chat::PostMessageResponse;
///
/// let posted: PostMessageResponse = serde_json::from_str(
///     r#"{"ok":true,"channel":"C1","ts":"1.2","message":{"type":"message","text":"hi","ts":"1.2"}}"#,
/// )?;
/// assert_eq!(posted.ts, "1.2");
/// let echo = posted.message.as_ref().expect("an echo");
/// assert_eq!(echo.json(), Some(r#"{"type":"message","text":"hi","ts":"1.2"}"#));
/// // Decoded here, on first read.
/// assert_eq!(echo.text.as_deref(), Some("hi"));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub struct Lazy<T> {
    /// The object's JSON text as received; `None` when the value was made in code.
    json: Option<Box<str>>,
    /// The typed value, once read (or as made in code). Boxed: an answer that holds a
    /// `Lazy` stays small however big `T` is, and moving it (up every future and `Result` on
    /// the way to the caller) copies a pointer, not the whole of `T`.
    decoded: OnceLock<Box<T>>,
}

impl<T> Lazy<T> {
    /// A value made in code (nothing to decode).
    pub fn new(value: T) -> Self {
        Lazy {
            json: None,
            decoded: OnceLock::from(Box::new(value)),
        }
    }

    /// The JSON text as received (`None` when the value was made in code).
    pub fn json(&self) -> Option<&str> {
        self.json.as_deref()
    }

    /// Whether the value has been decoded yet (for tests of laziness).
    #[cfg(test)]
    pub(crate) fn is_decoded(&self) -> bool {
        self.decoded.get().is_some()
    }
}

impl<T: DeserializeOwned + Default> Lazy<T> {
    /// The typed value, decoding it if it has not been read yet.
    pub fn get(&self) -> &T {
        self.decoded
            .get_or_init(|| Box::new(self.json.as_deref().map(decode).unwrap_or_default()))
    }

    /// The typed value, owned.
    pub fn into_inner(self) -> T {
        match self.decoded.into_inner() {
            Some(value) => *value,
            None => self.json.as_deref().map(decode).unwrap_or_default(),
        }
    }
}

fn decode<T: DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

impl<T: DeserializeOwned + Default> Deref for Lazy<T> {
    type Target = T;
    fn deref(&self) -> &T {
        self.get()
    }
}

impl<T: DeserializeOwned + Default> AsRef<T> for Lazy<T> {
    fn as_ref(&self) -> &T {
        self.get()
    }
}

impl<T> From<T> for Lazy<T> {
    fn from(value: T) -> Self {
        Lazy::new(value)
    }
}

impl<T: Default> Default for Lazy<T> {
    fn default() -> Self {
        Lazy::new(T::default())
    }
}

impl<T: Clone> Clone for Lazy<T> {
    fn clone(&self) -> Self {
        Lazy {
            json: self.json.clone(),
            decoded: self.decoded.clone(),
        }
    }
}

/// Shows the typed value (decoding it), as `T` would.
impl<T: DeserializeOwned + Default + fmt::Debug> fmt::Debug for Lazy<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.get(), f)
    }
}

/// Equal when the typed values are equal, however each side was made.
impl<T: DeserializeOwned + Default + PartialEq> PartialEq for Lazy<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

/// Writes the received text unchanged; a value made in code is encoded.
impl<T: DeserializeOwned + Default + Serialize> Serialize for Lazy<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_received(self.json(), serializer, |s| self.get().serialize(s))
    }
}

/// An object is kept as its text; anything else (which a `T` decoded leniently from an
/// object would also refuse) is `None`.
impl<T: DeserializeOwned + Default> Lenient for Lazy<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match grab(d)? {
            Grabbed::Text(text) if text.starts_with('{') => Some(Lazy {
                json: Some(text.into_owned().into_boxed_str()),
                decoded: OnceLock::new(),
            }),
            Grabbed::Text(_) => None,
            // A deserializer that does not hand out JSON text (a `Value`'s, serde's buffer):
            // the object is decoded at once.
            Grabbed::Value(value) if value.is_object() => {
                Some(Lazy::new(T::deserialize(value).unwrap_or_default()))
            }
            Grabbed::Value(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::responses::chat::PostMessageResponse;
    use crate::types::Message;

    const ECHO: &str = r#"{"ok":true,"channel":"C1","ts":"1.2","message":{"type":"message","subtype":"bot_message","text":"hi \u00e9","ts":"1.2","blocks":[{"type":"divider"}],"unknown":{"x":[1,2]}}}"#;

    /// However big `T` is, a `Lazy<T>` is a few words: answers that hold one stay small.
    #[test]
    fn small_whatever_the_value() {
        let words = std::mem::size_of::<usize>();
        assert!(std::mem::size_of::<Message>() > 8 * words);
        assert!(std::mem::size_of::<Lazy<Message>>() <= 4 * words);
        assert!(std::mem::size_of::<Option<Lazy<Message>>>() <= 5 * words);
    }

    #[test]
    fn decoded_on_first_read_and_equal_to_the_eager_decode() {
        let posted: PostMessageResponse = serde_json::from_str(ECHO).unwrap();
        let echo = posted.message.as_ref().unwrap();
        assert!(!echo.is_decoded());
        assert_eq!(posted.ts, "1.2");
        assert!(
            !echo.is_decoded(),
            "reading the answer's own fields decodes nothing"
        );
        assert_eq!(echo.text.as_deref(), Some("hi é"));
        assert!(echo.is_decoded());
        let eager: Message = serde_json::from_str(echo.json().unwrap()).unwrap();
        assert_eq!(*echo.get(), eager);
        assert_eq!(echo.blocks.len(), 1);
        assert_eq!(posted.message.clone().unwrap().into_inner(), eager);
        // Equality is over the typed value, however each side was made.
        assert_eq!(echo, &Lazy::new(eager));
    }

    #[test]
    fn serialising_writes_the_text_back() {
        let posted: PostMessageResponse = serde_json::from_str(ECHO).unwrap();
        let out = serde_json::to_string(&posted.message).unwrap();
        let start = ECHO.find(r#"{"type""#).unwrap();
        assert_eq!(out, &ECHO[start..ECHO.len() - 1]);
        // Made in code: encoded.
        let made = Lazy::new(Message {
            text: Some("x".into()),
            ..Message::default()
        });
        assert_eq!(serde_json::to_string(&made).unwrap(), r#"{"text":"x"}"#);
    }

    #[test]
    fn odd_shapes() {
        for (body, some) in [
            (r#"{"ts":"1","message":null}"#, false),
            (r#"{"ts":"1","message":"text"}"#, false),
            (r#"{"ts":"1","message":[{"text":"x"}]}"#, false),
            (r#"{"ts":"1","message":7}"#, false),
            (r#"{"ts":"1"}"#, false),
            (r#"{"ts":"1","message":{}}"#, true),
            // Not what `Message` takes: read as the default.
            (r#"{"ts":"1","message":{"ts":"2","ts":"3"}}"#, true),
        ] {
            let posted: PostMessageResponse = serde_json::from_str(body).unwrap();
            assert_eq!(posted.message.is_some(), some, "{body}");
            if let Some(m) = &posted.message {
                assert_eq!(m.ts, None, "{body}");
            }
            // From a `Value` (no text to keep): the same answers.
            let value: serde_json::Value = serde_json::from_str(body).unwrap();
            let from_value: PostMessageResponse = serde_json::from_value(value).unwrap();
            assert_eq!(from_value.message.is_some(), some, "{body}");
        }
        // From a `Value` (serde_json writes it out as text for us): the same message.
        let value: serde_json::Value = serde_json::from_str(ECHO).unwrap();
        let posted: PostMessageResponse = serde_json::from_value(value).unwrap();
        let echo = posted.message.as_ref().unwrap();
        assert_eq!(echo.text.as_deref(), Some("hi é"));
        assert_eq!(echo.blocks.len(), 1);
    }
}
