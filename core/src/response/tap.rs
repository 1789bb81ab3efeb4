//! The typed answer and its envelope in one pass over the body.
//!
//! A typed call used to read every answer twice: once with the envelope scanner (`ok`,
//! `error`, warnings, the cursor: what the retry machine decides on) and once into the typed
//! answer. Here the typed answer's own `Deserialize` reads the body, and the top-level object
//! it walks is tapped: the envelope's fields are read as they go by (and still handed on to
//! the typed answer, which may model them too). serde_json checks the grammar of every
//! value it reads or skips, so a body that decodes this way is well-formed JSON.
//!
//! Whenever the tap is not sure to give the answer the two-pass read would give (the typed
//! decode fails, the body is not one object, an envelope field is repeated or `ok` is not a
//! boolean), it reports nothing and the caller reads the body as before: every error and
//! every edge case stays the scanner's and serde's.

use std::any::Any;
use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{Envelope, Field};
use crate::types::de::CowStr;

/// A typed answer decoded by [`decode`], type-erased for the retry machine, which does not
/// know the type.
pub(crate) type Decoded = Box<dyn Any + Send>;

/// Decodes a body into a typed answer and its envelope ([`decode::<T>`](decode)).
pub(crate) type Decoder = fn(&str) -> Option<(Envelope, Decoded)>;

/// The typed answer `T` of `body` and its envelope, read in one pass; `None` whenever the
/// caller must read the body the usual way (see the module's documentation).
pub(crate) fn decode<T: DeserializeOwned + Send + 'static>(
    body: &str,
) -> Option<(Envelope, Decoded)> {
    let mut tap = Tap::default();
    let mut de = serde_json::Deserializer::from_str(body);
    let value = T::deserialize(Tapped {
        de: &mut de,
        tap: &mut tap,
    })
    .ok()?;
    de.end().ok()?;
    (tap.engaged && !tap.refused).then(|| (tap.env, Box::new(value) as Decoded))
}

#[derive(Default)]
struct Tap {
    env: Envelope,
    /// Envelope fields seen so far (a repeated one refuses).
    seen: u8,
    /// The top-level object was read through the tap.
    engaged: bool,
    /// Something the two-pass read would treat differently: do not use this decode.
    refused: bool,
}

impl Tap {
    /// Read an envelope field's value (its JSON text) into the envelope; a field the
    /// envelope cannot take this way (a repeat, an `ok` that is not a boolean) refuses the
    /// one-pass read.
    fn read(&mut self, field: Field, text: &str) {
        if !self.env.take(&mut self.seen, field, text.as_bytes()) {
            self.refused = true;
        }
    }
}

/// The body's deserializer, with its top-level object tapped.
struct Tapped<'a, 'de> {
    de: &'a mut serde_json::Deserializer<serde_json::de::StrRead<'de>>,
    tap: &'a mut Tap,
}

impl<'de> de::Deserializer<'de> for Tapped<'_, 'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.de.deserialize_any(TapVisitor {
            inner: visitor,
            tap: self.tap,
            fields: None,
        })
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.de.deserialize_map(TapVisitor {
            inner: visitor,
            tap: self.tap,
            fields: None,
        })
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.de.deserialize_struct(
            name,
            fields,
            TapVisitor {
                inner: visitor,
                tap: self.tap,
                fields: Some(fields),
            },
        )
    }

    // Any other shape is not an answer the tap reads: these go to `deserialize_any`, whose
    // visitor refuses anything but an object, and the caller then decodes the usual way.
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct enum identifier
        ignored_any
    }
}

/// The typed answer's visitor, handed a tapped map.
struct TapVisitor<'a, V> {
    inner: V,
    tap: &'a mut Tap,
    /// The struct's field names, when the answer is a struct (serde's derive lists every
    /// name and alias it reads).
    fields: Option<&'static [&'static str]>,
}

impl<'de, V: Visitor<'de>> Visitor<'de> for TapVisitor<'_, V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.expecting(f)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.tap.engaged = true;
        self.inner.visit_map(TapMap {
            map,
            tap: self.tap,
            pending: None,
            fields: self.fields,
        })
    }
}

/// The top-level object: keys are read here first, and an envelope field's value is taken
/// whole, read for the envelope and then given to the typed answer.
struct TapMap<'a, A> {
    map: A,
    tap: &'a mut Tap,
    /// The envelope field the key just handed on names.
    pending: Option<Field>,
    /// The struct's field names (see [`TapVisitor`]): an envelope field the struct does not
    /// have is read for the envelope only, not handed on to be skipped.
    fields: Option<&'static [&'static str]>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for TapMap<'_, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        // The key is read here (borrowed from the body when it has no escapes), then handed
        // to the typed answer's own key visitor.
        let key = loop {
            let Some(CowStr(key)) = self.map.next_key::<CowStr<'de>>()? else {
                return Ok(None);
            };
            let field = Field::of(key.as_bytes());
            match (field, self.fields) {
                // An envelope field the struct does not model (`ok`, `warning`,
                // `response_metadata` of most answers): read for the envelope alone.
                (Some(field), Some(fields)) if !fields.contains(&&*key) => {
                    let raw: &'de RawValue = self.map.next_value()?;
                    self.tap.read(field, raw.get());
                }
                _ => {
                    self.pending = field;
                    break key;
                }
            }
        };
        match key {
            Cow::Borrowed(k) => seed
                .deserialize(de::value::BorrowedStrDeserializer::new(k))
                .map(Some),
            Cow::Owned(k) => seed
                .deserialize(de::value::StringDeserializer::new(k))
                .map(Some),
        }
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, A::Error> {
        let Some(field) = self.pending.take() else {
            return self.map.next_value_seed(seed);
        };
        let raw: &'de RawValue = self.map.next_value()?;
        let text = raw.get();
        self.tap.read(field, text);
        seed.deserialize(&mut serde_json::Deserializer::from_str(text))
            .map_err(de::Error::custom)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

// How many answers the tap decoded in `same_as_two_passes` on this thread (so a test can
// tell that it compared something).
#[cfg(test)]
thread_local! {
    pub(crate) static TAPPED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// The differential check behind the generated response tests: `body` read as an answer of
/// type `T` in one pass ([`decode`]) and in two (the envelope, then the typed decode) gives
/// the same outcome, envelope and typed answer. `Err` when `T` does not decode `body`.
#[cfg(test)]
pub(crate) fn same_as_two_passes<T>(body: &[u8]) -> Result<(), String>
where
    T: DeserializeOwned + serde::Serialize + Send + 'static,
{
    use crate::transport::HttpResponse;
    let plain = serde_json::from_slice::<T>(body).map_err(|e| e.to_string())?;
    let answer = || HttpResponse::new(http::StatusCode::OK, bytes::Bytes::copy_from_slice(body));
    let two = super::parse_response("m", answer());
    let one = super::parse_response_with("m", answer(), Some(decode::<T>));
    let (two, mut one) = match (two, one) {
        (Ok(two), Ok(one)) => (two, one),
        (Err(a), Err(b)) if a.to_string() == b.to_string() => return Ok(()),
        (a, b) => return Err(format!("outcomes differ: {a:?} vs {b:?}")),
    };
    let seen = |r: &super::SlackResponse| {
        (
            r.warnings().to_vec(),
            r.next_cursor().map(str::to_owned),
            r.next_cursor_at(crate::method::CursorAt::TopLevel)
                .map(str::to_owned),
        )
    };
    if seen(&two) != seen(&one) {
        return Err(format!(
            "envelopes differ: {:?} vs {:?}",
            seen(&two),
            seen(&one)
        ));
    }
    if let Some(tapped) = one.take_typed::<T>() {
        TAPPED.with(|n| n.set(n.get() + 1));
        let (a, b) = (serde_json::to_value(&plain), serde_json::to_value(&tapped));
        if a.as_ref().ok() != b.as_ref().ok() {
            return Err(format!("typed answers differ: {a:?} vs {b:?}"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::responses::chat::PostMessageResponse;

    fn tapped<T: DeserializeOwned + Send + 'static>(body: &str) -> bool {
        decode::<T>(body).is_some()
    }

    #[test]
    fn one_pass_and_two_agree_on_edge_cases() {
        let bodies = [
            r#"{"ok":true,"channel":"C1","ts":"1.2"}"#,
            r#"{"channel":"C1","ts":"1.2","ok":true,"warning":"a,b","response_metadata":{"warnings":["b","c"],"next_cursor":"n"}}"#,
            r#"{"ok":false,"error":"channel_not_found","needed":"chat:write","provided":7}"#,
            r#"{"ok":false,"error":"ratelimited"}"#,
            r#"{"ok":true,"ok":true,"ts":"1"}"#,
            r#"{"ok":true,"warning":"a","warning":"b","ts":"1"}"#,
            r#"{"ok":"yes","ts":"1"}"#,
            r#"{"ok":null,"ts":"1"}"#,
            r#"{"ts":"1"}"#,
            r#"{"\u006fk":true,"ts":"1","\u0077arning":"w"}"#,
            r#"{"ok":true,"ts":"1","next_cursor":12}"#,
            r#"{"ok":true,"ts":"1","response_metadata":"odd"}"#,
            r#"{"ok":true,"ts":"1","response_metadata":{"next_cursor":""},"next_cursor":"top"}"#,
            r#"{"ok":true,"ts":"1"} x"#,
            r#"{"ok":true,"ts":"1""#,
            r#"[{"ok":true}]"#,
            r#"{"ok":true,"ts":7}"#,
            r#"{"ok":true,"ts":"1","message":{"blocks":[{"type":"divider"}]}}"#,
            "",
        ];
        for body in bodies {
            check::<PostMessageResponse>(body);
            check::<serde_json::Value>(body);
        }
    }

    /// One body, one type: the reads agree, or the type refuses the body and the tap does not
    /// claim it.
    fn check<T: DeserializeOwned + serde::Serialize + Send + 'static>(body: &str) {
        if serde_json::from_str::<T>(body).is_ok() {
            if let Err(e) = same_as_two_passes::<T>(body.as_bytes()) {
                panic!("{body}: {e}");
            }
        } else {
            assert!(!tapped::<T>(body), "{body}");
        }
    }

    #[test]
    fn the_tap_reads_what_it_can_and_leaves_the_rest() {
        assert!(tapped::<PostMessageResponse>(r#"{"ok":true,"ts":"1"}"#));
        assert!(tapped::<serde_json::Value>(r#"{"ok":true,"ts":"1"}"#));
        // Escaped keys are the envelope's fields too.
        let (env, _) = decode::<PostMessageResponse>(r#"{"\u006fk":false,"error":"e"}"#)
            .expect("read in one pass");
        assert_eq!(env.ok, Some(false));
        // A repeated envelope field, an `ok` that is not a boolean, a body that is not one
        // object, trailing bytes: left to the two-pass read.
        for body in [
            r#"{"ok":true,"ok":true,"ts":"1"}"#,
            r#"{"ok":true,"error":"a","error":"b","ts":"1"}"#,
            r#"{"ok":1,"ts":"1"}"#,
            r#"[]"#,
            r#"{"ok":true,"ts":"1"}{}"#,
        ] {
            assert!(!tapped::<PostMessageResponse>(body), "{body}");
            assert!(!tapped::<serde_json::Value>(body), "{body}");
        }
    }

    #[test]
    fn a_typed_call_gets_its_answer_from_the_one_pass_read() {
        use crate::transport::HttpResponse;
        let body = r#"{"ok":true,"channel":"C1","ts":"1.2","warning":"missing_charset"}"#;
        let mut raw = super::super::parse_response_with(
            "chat.postMessage",
            HttpResponse::new(http::StatusCode::OK, body),
            Some(decode::<PostMessageResponse>),
        )
        .expect("a success");
        assert_eq!(raw.warnings(), ["missing_charset"]);
        // A clone does not carry the decoded answer; asking for another type finds nothing
        // (and leaves the answer where it is).
        assert!(raw.clone().take_typed::<PostMessageResponse>().is_none());
        assert!(raw.take_typed::<serde_json::Value>().is_none());
        let answer = raw.take_typed::<PostMessageResponse>().expect("decoded");
        assert_eq!((answer.channel.as_str(), answer.ts.as_str()), ("C1", "1.2"));
        assert!(
            raw.take_typed::<PostMessageResponse>().is_none(),
            "taken once"
        );
    }
}
