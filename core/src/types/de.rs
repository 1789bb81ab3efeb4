//! Lenient deserialisers: a field whose JSON has an unexpected type decodes to `None` (or an
//! empty list) instead of failing the whole response. The raw JSON keeps the value
//! ([`crate::Response::raw`]).
//!
//! The generated responses put every field through [`lenient`] or [`lenient_vec`]:
//!
//! ```
//! use serde::Deserialize;
//!
//! #[derive(Deserialize)]
//! struct Page {
//!     #[serde(default, deserialize_with = "slack_core::types::de::lenient")]
//!     total: Option<i64>,
//!     #[serde(default, deserialize_with = "slack_core::types::de::lenient_vec")]
//!     ids: Vec<String>,
//! }
//!
//! // `total` is a string and one id is a number: both are dropped, the rest decodes.
//! let page: Page = serde_json::from_str(r#"{"total": "many", "ids": ["U1", 2, "U3"]}"#).unwrap();
//! assert_eq!(page.total, None);
//! assert_eq!(page.ids, ["U1", "U3"]);
//! ```
//!
//! Scalars, generated structs and the shared types whose fields are all lenient
//! ([`Message`](crate::types::Message)) decode straight from the input. Types with a required
//! field ([`User`](crate::types::User)'s `id`, …) and blocks are taken whole first, as their
//! JSON text when the input is serde_json's (a slice of it, not a copy), so that a mismatch
//! inside them can be caught and the value decoded another way.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// An optional integer sent as `42` or `"42"` (anything else, or absent, is `None`).
pub fn opt_int<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match d.deserialize_any(ScalarVisitor)? {
        Scalar::I(n) => Some(n),
        Scalar::U(n) => i64::try_from(n).ok(),
        Scalar::Str(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// A type that can be decoded leniently: `Ok(None)` when the JSON has another shape. Errors
/// are left only for malformed JSON.
pub trait Lenient: Sized {
    /// Decode `d`, or `None` when its JSON type does not fit.
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error>;
}

/// `deserialize_with` for an `Option<T>` field: `None` when absent, `null` or of another
/// type.
pub fn lenient<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize_lenient(d)
}

/// `deserialize_with` for a `Vec<T>` field: empty when absent or not a list; elements of
/// another type are skipped.
pub fn lenient_vec<'de, D: Deserializer<'de>, T: Lenient>(d: D) -> Result<Vec<T>, D::Error> {
    Ok(Vec::<T>::deserialize_lenient(d)?.unwrap_or_default())
}

/// `deserialize_with` for a field with a default (`bool`, `String`, a struct): the default
/// when absent, `null` or of another type.
pub fn lenient_or_default<'de, D: Deserializer<'de>, T: Lenient + Default>(
    d: D,
) -> Result<T, D::Error> {
    Ok(T::deserialize_lenient(d)?.unwrap_or_default())
}

/// What a scalar visit saw.
enum Scalar {
    Str(String),
    Bool(bool),
    I(i64),
    U(u64),
    F(f64),
    Other,
}

/// Accepts any JSON value; keeps scalars, skips lists and objects.
struct ScalarVisitor;

impl<'de> de::Visitor<'de> for ScalarVisitor {
    type Value = Scalar;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::I(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::U(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::F(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Other)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Other)
    }
}

impl Lenient for String {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match d.deserialize_any(ScalarVisitor)? {
            Scalar::Str(s) => Some(s),
            _ => None,
        })
    }
}

impl Lenient for bool {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match d.deserialize_any(ScalarVisitor)? {
            Scalar::Bool(b) => Some(b),
            _ => None,
        })
    }
}

impl Lenient for i64 {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(match d.deserialize_any(ScalarVisitor)? {
            Scalar::I(n) => Some(n),
            Scalar::U(n) => i64::try_from(n).ok(),
            _ => None,
        })
    }
}

/// Integer types besides `i64`: a number out of range is `None` too.
macro_rules! lenient_int {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            fn deserialize_lenient<'de, D: Deserializer<'de>>(
                d: D,
            ) -> Result<Option<Self>, D::Error> {
                Ok(match d.deserialize_any(ScalarVisitor)? {
                    Scalar::I(n) => <$t>::try_from(n).ok(),
                    Scalar::U(n) => <$t>::try_from(n).ok(),
                    _ => None,
                })
            }
        }
    )*};
}
lenient_int!(u64, u32, i32);

impl<T: DeserializeOwned> Lenient for std::collections::BTreeMap<String, T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        buffered(d)
    }
}

impl Lenient for f64 {
    #[allow(clippy::cast_precision_loss)]
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        // Integers are numbers too: the samples write `12345` where Slack may send `1.5`.
        Ok(match d.deserialize_any(ScalarVisitor)? {
            Scalar::F(n) => Some(n),
            Scalar::I(n) => Some(n as f64),
            Scalar::U(n) => Some(n as f64),
            _ => None,
        })
    }
}

impl Lenient for Value {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        Ok(Some(Value::deserialize(d)?).filter(|v| !v.is_null()))
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Self>, D::Error> {
        d.deserialize_any(SeqVisitor(PhantomData))
    }
}

/// Decodes a list element by element, skipping the ones of another type.
struct SeqVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> de::Visitor<'de> for SeqVisitor<T> {
    type Value = Option<Vec<T>>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element_seed(LenientSeed::<T>(PhantomData))? {
            out.extend(item);
        }
        Ok(Some(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        ScalarVisitor.visit_map(map).map(|_| None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// One lenient element.
struct LenientSeed<T>(PhantomData<T>);

impl<'de, T: Lenient> DeserializeSeed<'de> for LenientSeed<T> {
    type Value = Option<T>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<T>, D::Error> {
        T::deserialize_lenient(d)
    }
}

/// [`Lenient::deserialize_lenient`] for a struct whose fields are all lenient: an object
/// decodes in place (no buffering); anything else is `None`.
pub fn object<'de, D: Deserializer<'de>, T: DeserializeOwned>(d: D) -> Result<Option<T>, D::Error> {
    d.deserialize_any(ObjectVisitor(PhantomData))
}

struct ObjectVisitor<T>(PhantomData<T>);

impl<'de, T: DeserializeOwned> de::Visitor<'de> for ObjectVisitor<T> {
    type Value = Option<T>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        ScalarVisitor.visit_seq(seq).map(|_| None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// [`Lenient::deserialize_lenient`] for a type that may reject an object (the shared types):
/// the value's JSON is taken whole (its text, when the input is serde_json's), then decoded;
/// `None` when that fails.
pub fn buffered<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let value = grab(d)?;
    if value.is_null() {
        return Ok(None);
    }
    Ok(match value {
        Grabbed::Text(text) => serde_json::from_str(&text).ok(),
        Grabbed::Value(value) => T::deserialize(value).ok(),
    })
}

/// Serialise a value received as JSON: the text as received when there is one (`json`),
/// else what `made` writes (a value made in code).
pub(crate) fn serialize_received<S: serde::Serializer>(
    json: Option<&str>,
    serializer: S,
    made: impl FnOnce(S) -> Result<S::Ok, S::Error>,
) -> Result<S::Ok, S::Error> {
    use serde::Serialize;
    match json.and_then(|text| serde_json::from_str::<&serde_json::value::RawValue>(text).ok()) {
        Some(raw) => raw.serialize(serializer),
        None => made(serializer),
    }
}

/// serde_json's name for its raw values: a serde_json deserializer asked for a newtype struct
/// of this name hands over the value's JSON text (borrowed from the input when it can) instead
/// of decoding it. Any other deserializer sees an ordinary newtype struct.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// One JSON value, taken whole: its text when the deserializer is serde_json's (over a slice,
/// a string, a reader or a `Value`), otherwise the value decoded as a [`Value`].
pub(crate) enum Grabbed<'de> {
    /// The value's JSON text, checked by the deserializer, without surrounding whitespace.
    Text(std::borrow::Cow<'de, str>),
    /// The value, from a deserializer that does not hand out JSON text.
    Value(Value),
}

impl Grabbed<'_> {
    /// Whether the value is `null`.
    pub(crate) fn is_null(&self) -> bool {
        match self {
            Grabbed::Text(text) => &**text == "null",
            Grabbed::Value(value) => value.is_null(),
        }
    }
}

/// Take the next value whole, so that decoding it can be tried, and tried again another way.
/// From serde_json's deserializers this costs one pass over the value's bytes and no
/// allocation; the value is then decoded from its text, where nested values can do the same.
pub(crate) fn grab<'de, D: Deserializer<'de>>(d: D) -> Result<Grabbed<'de>, D::Error> {
    d.deserialize_newtype_struct(RAW_VALUE_TOKEN, GrabVisitor)
}

struct GrabVisitor;

impl<'de> de::Visitor<'de> for GrabVisitor {
    type Value = Grabbed<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Value::deserialize(d).map(Grabbed::Value)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        // serde_json answers with a one-entry map: its token, then the text. Anything else is
        // an object from a deserializer that took the newtype struct for its content.
        let mut object = serde_json::Map::new();
        match map.next_key::<FirstKey>()? {
            None => {}
            Some(FirstKey::Token) => {
                let text = map.next_value::<CowStr<'de>>()?;
                return Ok(Grabbed::Text(text.0));
            }
            Some(FirstKey::Other(key)) => {
                object.insert(key, map.next_value()?);
                while let Some((key, value)) = map.next_entry::<String, Value>()? {
                    object.insert(key, value);
                }
            }
        }
        Ok(Grabbed::Value(Value::Object(object)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Grabbed::Value(Value::Array(items)))
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Grabbed::Value(Value::Bool(v)))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Grabbed::Value(Value::from(v)))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Grabbed::Value(Value::from(v)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Grabbed::Value(Value::from(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Grabbed::Value(Value::from(v)))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Grabbed::Value(Value::String(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Grabbed::Value(Value::Null))
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Grabbed::Value(Value::Null))
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        Value::deserialize(d).map(Grabbed::Value)
    }
}

/// The first key of a map: serde_json's token, or a real key.
enum FirstKey {
    Token,
    Other(String),
}

impl<'de> Deserialize<'de> for FirstKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl de::Visitor<'_> for KeyVisitor {
            type Value = FirstKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E>(self, v: &str) -> Result<FirstKey, E> {
                Ok(if v == RAW_VALUE_TOKEN {
                    FirstKey::Token
                } else {
                    FirstKey::Other(v.to_owned())
                })
            }
            fn visit_string<E>(self, v: String) -> Result<FirstKey, E> {
                Ok(if v == RAW_VALUE_TOKEN {
                    FirstKey::Token
                } else {
                    FirstKey::Other(v)
                })
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// A string, borrowed from the input when the deserializer can lend it.
pub(crate) struct CowStr<'de>(pub(crate) std::borrow::Cow<'de, str>);

impl<'de> Deserialize<'de> for CowStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct StrVisitor;
        impl<'de> de::Visitor<'de> for StrVisitor {
            type Value = CowStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<CowStr<'de>, E> {
                Ok(CowStr(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<CowStr<'de>, E> {
                Ok(CowStr(std::borrow::Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<CowStr<'de>, E> {
                Ok(CowStr(std::borrow::Cow::Owned(v)))
            }
        }
        d.deserialize_str(StrVisitor)
    }
}

/// `impl Lenient` decoding in place, for structs whose fields are all lenient.
macro_rules! lenient_object {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::types::de::Lenient for $t {
            fn deserialize_lenient<'de, D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Option<Self>, D::Error> {
                $crate::types::de::object(d)
            }
        }
    )*};
}
pub(crate) use lenient_object;

/// `impl Lenient` through a JSON buffer, for types that may reject an object.
macro_rules! lenient_buffered {
    ($($t:ty),* $(,)?) => {$(
        impl $crate::types::de::Lenient for $t {
            fn deserialize_lenient<'de, D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Option<Self>, D::Error> {
                $crate::types::de::buffered(d)
            }
        }
    )*};
}

pub(crate) use lenient_buffered;

// Every field of these is lenient: they decode in place.
lenient_object!(
    crate::types::Message,
    crate::types::Purpose,
    crate::types::Profile
);

// These have a required field (`id`, a reaction's `name`): a mismatch inside must not fail
// the enclosing answer. (Blocks decode leniently through `blocks::tagged`.)
lenient_buffered!(
    crate::types::Reaction,
    crate::types::Conversation,
    crate::types::User,
    crate::types::File,
);

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Deserialize)]
    struct Inner {
        #[serde(default, deserialize_with = "lenient")]
        name: Option<String>,
    }
    lenient_object!(Inner);

    #[derive(Debug, Default, PartialEq, Deserialize)]
    struct Outer {
        #[serde(default, deserialize_with = "lenient")]
        n: Option<i64>,
        #[serde(default, deserialize_with = "lenient")]
        x: Option<f64>,
        #[serde(default, deserialize_with = "lenient")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "lenient")]
        inner: Option<Inner>,
        #[serde(default, deserialize_with = "lenient_vec")]
        list: Vec<Inner>,
        #[serde(default, deserialize_with = "lenient")]
        user: Option<crate::types::User>,
        #[serde(default, deserialize_with = "lenient")]
        any: Option<Value>,
    }

    fn decode(s: &str) -> Outer {
        match serde_json::from_str(s) {
            Ok(o) => o,
            Err(e) => panic!("{s}: {e}"),
        }
    }

    #[test]
    fn right_types_decode() {
        let o = decode(
            r#"{"n": 3, "x": 2, "b": true, "inner": {"name": "a"}, "list": [{"name": "b"}],
                "user": {"id": "U1"}, "any": [1]}"#,
        );
        assert_eq!(o.n, Some(3));
        assert_eq!(o.x, Some(2.0));
        assert_eq!(o.b, Some(true));
        assert_eq!(o.inner.and_then(|i| i.name).as_deref(), Some("a"));
        assert_eq!(o.list.len(), 1);
        assert_eq!(o.user.map(|u| u.id).as_deref(), Some("U1"));
        assert_eq!(o.any, Some(serde_json::json!([1])));
    }

    #[test]
    fn wrong_types_become_none_and_the_rest_decodes() {
        let wrong = [
            "\"s\"",
            "1",
            "-1",
            "1.5",
            "true",
            "null",
            "[1, {\"a\": [2]}]",
            "{\"a\": {\"b\": 1}}",
        ];
        for w in wrong {
            let s = format!(
                r#"{{"n": {w}, "x": {w}, "b": {w}, "inner": {w}, "list": {w}, "user": {w},
                    "any": {w}, "after": 1}}"#
            );
            let o = decode(&s);
            assert!(o.inner.is_none() || w.starts_with('{'), "{w}");
            assert!(o.user.is_none(), "{w}");
        }
        // One element of a list of the wrong type is skipped, not the list.
        let o = decode(r#"{"list": [{"name": "a"}, "x", {"name": 5}]}"#);
        assert_eq!(
            o.list,
            [
                Inner {
                    name: Some("a".into())
                },
                Inner { name: None }
            ]
        );
        assert_eq!(decode(r#"{"n": 18446744073709551615}"#).n, None);
    }

    #[test]
    fn opt_int_reads_numbers_and_numeric_strings() {
        #[derive(Deserialize)]
        struct T {
            #[serde(default, deserialize_with = "opt_int")]
            v: Option<i64>,
        }
        let v = |s: &str| serde_json::from_str::<T>(s).map(|t| t.v).ok().flatten();
        assert_eq!(v(r#"{"v": 4}"#), Some(4));
        assert_eq!(v(r#"{"v": " 5 "}"#), Some(5));
        assert_eq!(v(r#"{"v": "x"}"#), None);
        assert_eq!(v(r#"{"v": [1]}"#), None);
        assert_eq!(v(r#"{}"#), None);
    }
}
