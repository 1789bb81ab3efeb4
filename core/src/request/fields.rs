//! The named arguments of a call, and the serializer that makes them from a typed request.
//!
//! A call has a handful of arguments, so they are kept as a list in insertion order and looked
//! up by comparing names: no hashing, and a typed request's field names are kept as the
//! `&'static str`s its `Serialize` gives, not copied into `String`s.

use std::borrow::Cow;
use std::fmt;

use serde::ser::{self, Impossible, Serialize, Serializer};
use serde_json::{Map, Value};

/// The named arguments of an [`Args`](super::Args), in the order they were first set.
///
/// Setting a name again replaces its value in place (as a JSON object would). Equality does
/// not depend on the order.
///
/// ```
/// use slack_core::Args;
/// let args = Args::new().set("channel", "C123").set("text", "hi").set("channel", "C456");
/// let fields = args.fields();
/// assert_eq!(fields.len(), 2);
/// assert_eq!(fields.get("channel").and_then(|v| v.as_str()), Some("C456"));
/// assert_eq!(fields.keys().collect::<Vec<_>>(), ["channel", "text"]);
/// ```
#[derive(Clone, Default)]
pub struct Fields {
    entries: Vec<(Cow<'static, str>, Value)>,
}

impl Fields {
    /// How many arguments there are (nulls included).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.position(name)
            .and_then(|i| self.entries.get(i))
            .map(|(_, v)| v)
    }

    /// Whether `name` is set (even to `null`).
    pub fn contains_key(&self, name: &str) -> bool {
        self.position(name).is_some()
    }

    /// The names and values, in order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// The names, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &str> + ExactSizeIterator + '_ {
        self.entries.iter().map(|(k, _)| &**k)
    }

    /// The values, in order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &Value> + ExactSizeIterator + '_ {
        self.entries.iter().map(|(_, v)| v)
    }

    /// Set `name`, replacing (in place) a value it had; returns that value.
    pub(crate) fn insert(&mut self, name: Cow<'static, str>, value: Value) -> Option<Value> {
        match self.position(&name) {
            Some(i) => self
                .entries
                .get_mut(i)
                .map(|(_, v)| std::mem::replace(v, value)),
            None => {
                self.entries.push((name, value));
                None
            }
        }
    }

    /// Remove `name`, keeping the others' order.
    pub(crate) fn remove(&mut self, name: &str) -> Option<Value> {
        let i = self.position(name)?;
        Some(self.entries.remove(i).1)
    }

    fn position(&self, name: &str) -> Option<usize> {
        self.entries.iter().position(|(k, _)| k == name)
    }
}

impl PartialEq for Fields {
    fn eq(&self, other: &Self) -> bool {
        // Names are unique within each side, so equal lengths plus every pair found on the
        // other side means the same map.
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl fmt::Debug for Fields {
    /// Secret arguments ([`is_secret_arg`](super::is_secret_arg)) show as `<redacted>`, and so
    /// do secrets inside other arguments' values: a secret key of an object at any depth, and
    /// anything in a text that looks like a Slack token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        shown_map(f, self.iter())
    }
}

/// A map whose secret entries show as `<redacted>`.
fn shown_map<'a>(
    f: &mut fmt::Formatter<'_>,
    entries: impl Iterator<Item = (&'a str, &'a Value)>,
) -> fmt::Result {
    let mut m = f.debug_map();
    for (k, v) in entries {
        if super::is_secret_arg(k) && !v.is_null() {
            m.entry(&k, &format_args!("<redacted>"));
        } else {
            m.entry(&k, &Shown(v));
        }
    }
    m.finish()
}

/// A JSON value as its own `Debug` shows it, with the secrets in it redacted.
struct Shown<'a>(&'a Value);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Value::Object(map) => {
                f.write_str("Object ")?;
                shown_map(f, map.iter().map(|(k, v)| (k.as_str(), v)))
            }
            Value::Array(items) => {
                f.write_str("Array ")?;
                f.debug_list().entries(items.iter().map(Shown)).finish()
            }
            Value::String(text) => f
                .debug_tuple("String")
                .field(&crate::util::redact_secrets(text))
                .finish(),
            other => fmt::Debug::fmt(other, f),
        }
    }
}

impl From<Map<String, Value>> for Fields {
    fn from(map: Map<String, Value>) -> Self {
        Fields {
            entries: map.into_iter().map(|(k, v)| (Cow::Owned(k), v)).collect(),
        }
    }
}

impl<'a> IntoIterator for &'a Fields {
    type Item = (&'a str, &'a Value);
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The names and values of [`Fields`], in order.
#[derive(Clone, Debug)]
pub struct Iter<'a>(std::slice::Iter<'a, (Cow<'static, str>, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&**k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (&**k, v))
    }
}

impl ExactSizeIterator for Iter<'_> {}

// ===== From a `Serialize` =====

/// The arguments a value serialises to, as [`Args::from_serialize`](super::Args::from_serialize)
/// documents: a struct or map gives its fields, `null` gives none, anything else is an error
/// naming what it was.
///
/// Structs and maps (every typed request) are read field by field, each value made with
/// `serde_json::to_value`; other shapes go through `serde_json`'s own value serializer and
/// are then read as that value, so the answer is the same as serialising to a `Value` first.
pub(crate) fn from_serialize<T: Serialize + ?Sized>(value: &T) -> Result<Fields, String> {
    value.serialize(ToFields).map_err(|e| e.to_string())
}

/// Fields from a whole JSON value.
fn from_value(v: Value) -> Result<Fields, serde_json::Error> {
    match v {
        Value::Object(map) => Ok(Fields::from(map)),
        Value::Null => Ok(Fields::default()),
        other => Err(ser::Error::custom(format!(
            "arguments must serialise to a JSON object, not {}",
            json_kind(&other)
        ))),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

type ValueSer = serde_json::value::Serializer;
const VS: ValueSer = serde_json::value::Serializer;
type Error = serde_json::Error;

struct ToFields;

/// A compound of `serde_json`'s value serializer whose finished value is read as fields.
struct Via<S>(S);

/// A struct or map being read into fields.
struct Collect {
    fields: Fields,
    key: Option<Cow<'static, str>>,
}

impl Collect {
    fn new(len: Option<usize>) -> Self {
        Collect {
            fields: Fields {
                entries: Vec::with_capacity(len.unwrap_or(0).min(64)),
            },
            key: None,
        }
    }
}

/// Each scalar shape goes through the value serializer and is then refused (or, for `null`,
/// read as no fields) by `from_value`.
macro_rules! via_value {
    ($($name:ident($($arg:ident: $ty:ty),*);)*) => {
        $(fn $name(self, $($arg: $ty),*) -> Result<Fields, Error> {
            from_value(VS.$name($($arg),*)?)
        })*
    };
}

impl Serializer for ToFields {
    type Ok = Fields;
    type Error = Error;
    type SerializeSeq = Via<<ValueSer as Serializer>::SerializeSeq>;
    type SerializeTuple = Via<<ValueSer as Serializer>::SerializeTuple>;
    type SerializeTupleStruct = Via<<ValueSer as Serializer>::SerializeTupleStruct>;
    type SerializeTupleVariant = Via<<ValueSer as Serializer>::SerializeTupleVariant>;
    type SerializeMap = Collect;
    type SerializeStruct = Collect;
    type SerializeStructVariant = Via<<ValueSer as Serializer>::SerializeStructVariant>;

    via_value! {
        serialize_bool(v: bool);
        serialize_i8(v: i8);
        serialize_i16(v: i16);
        serialize_i32(v: i32);
        serialize_i64(v: i64);
        serialize_i128(v: i128);
        serialize_u8(v: u8);
        serialize_u16(v: u16);
        serialize_u32(v: u32);
        serialize_u64(v: u64);
        serialize_u128(v: u128);
        serialize_f32(v: f32);
        serialize_f64(v: f64);
        serialize_char(v: char);
        serialize_str(v: &str);
        serialize_bytes(v: &[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(name: &'static str);
        serialize_unit_variant(name: &'static str, index: u32, variant: &'static str);
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Fields, Error> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Fields, Error> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Fields, Error> {
        from_value(VS.serialize_newtype_variant(name, index, variant, value)?)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        VS.serialize_seq(len).map(Via)
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple, Error> {
        VS.serialize_tuple(len).map(Via)
    }

    fn serialize_tuple_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        VS.serialize_tuple_struct(name, len).map(Via)
    }

    fn serialize_tuple_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        VS.serialize_tuple_variant(name, index, variant, len)
            .map(Via)
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Collect, Error> {
        Ok(Collect::new(len))
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Collect, Error> {
        Ok(Collect::new(Some(len)))
    }

    fn serialize_struct_variant(
        self,
        name: &'static str,
        index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        VS.serialize_struct_variant(name, index, variant, len)
            .map(Via)
    }
}

impl ser::SerializeStruct for Collect {
    type Ok = Fields;
    type Error = Error;
    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), Error> {
        self.fields
            .insert(Cow::Borrowed(key), serde_json::to_value(value)?);
        Ok(())
    }
    fn end(self) -> Result<Fields, Error> {
        Ok(self.fields)
    }
}

impl ser::SerializeMap for Collect {
    type Ok = Fields;
    type Error = Error;
    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(Cow::Owned(key.serialize(KeyName)?));
        Ok(())
    }
    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| <Error as ser::Error>::custom("a map value came before its key"))?;
        self.fields.insert(key, serde_json::to_value(value)?);
        Ok(())
    }
    fn end(self) -> Result<Fields, Error> {
        Ok(self.fields)
    }
}

macro_rules! via_compound {
    ($($trait:ident { $($method:ident($($arg:ident: $ty:ty),*);)* })*) => {
        $(impl<S> ser::$trait for Via<S>
        where
            S: ser::$trait<Ok = Value, Error = Error>,
        {
            type Ok = Fields;
            type Error = Error;
            $(fn $method<T: Serialize + ?Sized>(&mut self, $($arg: $ty,)* value: &T) -> Result<(), Error> {
                self.0.$method($($arg,)* value)
            })*
            fn end(self) -> Result<Fields, Error> {
                from_value(self.0.end()?)
            }
        })*
    };
}

via_compound! {
    SerializeSeq { serialize_element(); }
    SerializeTuple { serialize_element(); }
    SerializeTupleStruct { serialize_field(); }
    SerializeTupleVariant { serialize_field(); }
    SerializeStructVariant { serialize_field(key: &'static str); }
}

/// A map key as text, with the rules of `serde_json`'s object keys: strings (and chars and
/// unit variants) as they are, integers, floats and booleans written out; anything else is an
/// error.
struct KeyName;

fn key_must_be_a_string() -> Error {
    ser::Error::custom("key must be a string")
}

macro_rules! key_written_out {
    ($($name:ident($ty:ty);)*) => {
        $(fn $name(self, v: $ty) -> Result<String, Error> {
            Ok(v.to_string())
        })*
    };
}

impl Serializer for KeyName {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = Impossible<String, Error>;
    type SerializeTuple = Impossible<String, Error>;
    type SerializeTupleStruct = Impossible<String, Error>;
    type SerializeTupleVariant = Impossible<String, Error>;
    type SerializeMap = Impossible<String, Error>;
    type SerializeStruct = Impossible<String, Error>;
    type SerializeStructVariant = Impossible<String, Error>;

    key_written_out! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_i128(i128);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_u128(u128);
        serialize_char(char);
        serialize_str(&str);
    }

    fn serialize_f32(self, v: f32) -> Result<String, Error> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<String, Error> {
        // A finite float is written as JSON writes it; NaN and infinities have no JSON form.
        match serde_json::Number::from_f64(v) {
            Some(n) => Ok(n.to_string()),
            None => Err(ser::Error::custom("float key must be finite")),
        }
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<String, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_none(self) -> Result<String, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, _: &T) -> Result<String, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit(self) -> Result<String, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<String, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_owned())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<String, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple(self, _: usize) -> Result<Self::SerializeTuple, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self::SerializeStruct, Error> {
        Err(key_must_be_a_string())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// What `from_serialize` answered before it read fields directly: the value through
    /// `serde_json::to_value`, then its object.
    fn reference<T: Serialize + ?Sized>(value: &T) -> Result<Fields, String> {
        let v = serde_json::to_value(value).map_err(|e| e.to_string())?;
        from_value(v).map_err(|e| e.to_string())
    }

    fn same<T: Serialize + ?Sized>(value: &T) {
        let (got, want) = (from_serialize(value), reference(value));
        match (&got, &want) {
            (Ok(g), Ok(w)) => {
                assert_eq!(g, w);
                // Same order too.
                assert_eq!(g.keys().collect::<Vec<_>>(), w.keys().collect::<Vec<_>>());
            }
            (Err(g), Err(w)) => assert_eq!(g, w),
            _ => panic!("{got:?} vs {want:?}"),
        }
    }

    #[derive(Serialize)]
    struct Request {
        channel: &'static str,
        #[serde(skip_serializing_if = "Option::is_none")]
        thread_ts: Option<String>,
        unfurl: Option<bool>,
        blocks: serde_json::Value,
        #[serde(flatten)]
        extra: BTreeMap<String, u32>,
    }

    #[derive(Serialize)]
    struct Plain {
        b: u8,
        a: &'static str,
    }

    #[derive(Serialize)]
    struct Wrapper(Plain);

    #[derive(Serialize)]
    enum Shapes {
        Unit,
        New(u8),
        Tuple(u8, u8),
        Struct { x: u8 },
    }

    #[test]
    fn the_same_fields_as_through_a_value() {
        same(&Plain { b: 1, a: "x" });
        same(&Wrapper(Plain { b: 2, a: "y" }));
        same(&Some(Plain { b: 3, a: "z" }));
        same(&Request {
            channel: "C1",
            thread_ts: None,
            unfurl: None,
            blocks: serde_json::json!([{"type": "divider"}]),
            extra: [("z".to_owned(), 1), ("channel".to_owned(), 2)].into(),
        });
        same(&serde_json::json!({"b": 1, "a": [1, 2], "c": null}));
        let mut keyed: BTreeMap<i64, &str> = BTreeMap::new();
        keyed.insert(-3, "minus three");
        keyed.insert(7, "seven");
        same(&keyed);
        same(&BTreeMap::from([(true, 1), (false, 0)]));
        same(&BTreeMap::from([('k', 1)]));
        // Shapes that are not objects: the same answer, or the same error.
        same(&());
        same(&None::<Plain>);
        same(&1u8);
        same(&-1i64);
        same(&1.5f64);
        same(&"text");
        same(&true);
        same(&[1, 2]);
        same(&(1, "a"));
        same(&Shapes::Unit);
        same(&Shapes::New(1));
        same(&Shapes::Tuple(1, 2));
        same(&Shapes::Struct { x: 1 });
        same(&BTreeMap::from([(vec![1u8], 1)]));
    }

    #[test]
    fn a_repeated_name_replaces_in_place() {
        let mut f = Fields::default();
        assert_eq!(f.insert(Cow::Borrowed("a"), Value::from(1)), None);
        f.insert(Cow::Borrowed("b"), Value::from(2));
        assert_eq!(
            f.insert(Cow::Owned("a".into()), Value::from(3)),
            Some(Value::from(1))
        );
        assert_eq!(f.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(f.get("a"), Some(&Value::from(3)));
        assert_eq!(f.remove("a"), Some(Value::from(3)));
        assert_eq!(f.remove("a"), None);
        assert_eq!(f.keys().collect::<Vec<_>>(), ["b"]);
        assert!(f.contains_key("b") && !f.contains_key("a"));
    }

    #[test]
    fn equality_ignores_order() {
        let mut x = Fields::default();
        x.insert(Cow::Borrowed("a"), Value::from(1));
        x.insert(Cow::Borrowed("b"), Value::from(2));
        let mut y = Fields::default();
        y.insert(Cow::Borrowed("b"), Value::from(2));
        y.insert(Cow::Borrowed("a"), Value::from(1));
        assert_eq!(x, y);
        y.insert(Cow::Borrowed("a"), Value::from(9));
        assert_ne!(x, y);
        y.remove("a");
        assert_ne!(x, y);
    }

    #[test]
    fn debug_redacts_secrets() {
        let mut f = Fields::default();
        f.insert(Cow::Borrowed("client_secret"), Value::from("s3cr3t"));
        f.insert(Cow::Borrowed("channel"), Value::from("C1"));
        let shown = format!("{f:?}");
        assert!(!shown.contains("s3cr3t") && shown.contains("C1"), "{shown}");
    }

    /// Secrets nested in an argument's value: an object's secret keys at any depth, and
    /// token-looking text anywhere; the rest shows as `Value`'s own `Debug` would.
    #[test]
    fn debug_redacts_nested_secrets() {
        let mut f = Fields::default();
        f.insert(
            Cow::Borrowed("metadata"),
            serde_json::json!({
                "event_type": "deploy",
                "event_payload": {"auth": [{"bot_token": "n3st3d", "user": "U1"}],
                                  "note": "use xoxb-77-l34k please", "n": 3, "none": null}
            }),
        );
        f.insert(Cow::Borrowed("text"), Value::from("xapp-1-A1-f00"));
        f.insert(
            Cow::Borrowed("blocks"),
            serde_json::json!([{"type": "divider"}]),
        );
        let shown = format!("{f:?}");
        for secret in ["n3st3d", "l34k", "f00"] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
        for kept in [
            r#""event_type": String("deploy")"#,
            r#""user": String("U1")"#,
            r#""n": Number(3)"#,
            r#""none": Null"#,
            r#""bot_token": <redacted>"#,
            r#"String("use xoxb-<redacted> please")"#,
            r#"Array [Object {"type": String("divider")}]"#,
        ] {
            assert!(shown.contains(kept), "{kept} not in {shown}");
        }
        // Without secrets, exactly `Value`'s own `Debug`.
        let plain = serde_json::json!({"a": [1, "two", {"b": false}], "c": 1.5});
        let mut g = Fields::default();
        g.insert(Cow::Borrowed("x"), plain.clone());
        assert_eq!(format!("{g:?}"), format!("{{\"x\": {plain:?}}}"));
    }
}
