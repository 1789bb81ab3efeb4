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
//! ([`Message`](crate::types::Message)) decode straight from the input; types with a required
//! field ([`User`](crate::types::User)'s `id`, …) and blocks are buffered as JSON first, so
//! that a mismatch inside them can be caught.

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

/// [`Lenient::deserialize_lenient`] for a type that may reject an object (the shared types,
/// blocks): the value is buffered as JSON, then decoded; `None` when that fails.
pub fn buffered<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let value = Buf::deserialize(d)?;
    if matches!(value, Buf::Null) {
        return Ok(None);
    }
    Ok(T::deserialize(value).ok())
}

/// A value held for a second decoding attempt. Cheaper than a `serde_json::Value`: an
/// object is a plain list of its entries (no key index to build — nothing looks a key up
/// here), and each number keeps the exact form the input gave, so `T` sees what it would
/// have seen decoding in place.
#[derive(Debug)]
enum Buf {
    Null,
    Bool(bool),
    I(i64),
    U(u64),
    F(f64),
    Str(String),
    Seq(Vec<Buf>),
    Map(Vec<(String, Buf)>),
}

impl<'de> Deserialize<'de> for Buf {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BufVisitor)
    }
}

struct BufVisitor;

impl<'de> de::Visitor<'de> for BufVisitor {
    type Value = Buf;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Buf, E> {
        Ok(Buf::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Buf, E> {
        Ok(Buf::I(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Buf, E> {
        Ok(Buf::U(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Buf, E> {
        Ok(Buf::F(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Buf, E> {
        Ok(Buf::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Buf, E> {
        Ok(Buf::Str(v))
    }
    fn visit_unit<E>(self) -> Result<Buf, E> {
        Ok(Buf::Null)
    }
    fn visit_none<E>(self) -> Result<Buf, E> {
        Ok(Buf::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Buf, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Buf, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element()? {
            out.push(item);
        }
        Ok(Buf::Seq(out))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Buf, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while let Some(entry) = map.next_entry()? {
            out.push(entry);
        }
        Ok(Buf::Map(out))
    }
}

impl<'de> de::IntoDeserializer<'de, de::value::Error> for Buf {
    type Deserializer = Buf;
    fn into_deserializer(self) -> Buf {
        self
    }
}

impl<'de> Deserializer<'de> for Buf {
    type Error = de::value::Error;

    fn deserialize_any<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self {
            Buf::Null => visitor.visit_unit(),
            Buf::Bool(b) => visitor.visit_bool(b),
            Buf::I(n) => visitor.visit_i64(n),
            Buf::U(n) => visitor.visit_u64(n),
            Buf::F(n) => visitor.visit_f64(n),
            Buf::Str(s) => visitor.visit_string(s),
            Buf::Seq(items) => {
                let mut seq = de::value::SeqDeserializer::new(items.into_iter());
                let out = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(out)
            }
            Buf::Map(entries) => {
                let mut map = de::value::MapDeserializer::new(entries.into_iter());
                let out = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(out)
            }
        }
    }

    fn deserialize_option<V: de::Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self {
            Buf::Null => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_newtype_struct<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: de::Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self {
            // A unit variant, as JSON writes it.
            Buf::Str(s) => visitor.visit_enum(de::IntoDeserializer::into_deserializer(s)),
            // `{"variant": value}`.
            Buf::Map(entries) if entries.len() == 1 => {
                visitor.visit_enum(de::value::MapAccessDeserializer::new(
                    de::value::MapDeserializer::new(entries.into_iter()),
                ))
            }
            other => other.deserialize_any(visitor),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct identifier
        ignored_any
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

// These have a required field (`id`, a reaction's `name`) or, for blocks, a shape check: a
// mismatch inside must not fail the enclosing answer.
lenient_buffered!(
    crate::types::Reaction,
    crate::types::Conversation,
    crate::types::User,
    crate::types::File,
    crate::blocks::Block,
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
