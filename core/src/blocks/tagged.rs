//! Decoding the `type`-tagged enums that keep what they do not know ([`Block`](super::Block),
//! [`Element`](super::Element), …).
//!
//! serde's derive would buffer each value, try the tagged variant on a copy, and fall back to
//! `Other` on the original: three copies of every block, repeated at every level of nesting,
//! which made blocks most of the cost of decoding a message. Here a value is taken whole as
//! JSON text (borrowed from the input, [`grab`]), its `type` is found by the byte scanner, and
//! the variant is decoded from that text; nested blocks do the same with their own slices.
//! Only when the variant does not fit is the text decoded a second time, as `Other`'s JSON.

use std::borrow::Cow;
use std::cell::Cell;

use serde::de::value::StrDeserializer;
use serde::de::{
    DeserializeOwned, DeserializeSeed, EnumAccess, Error as _, VariantAccess, Visitor,
};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use crate::types::de::{grab, Grabbed};

/// How many tagged values may be decoded one inside another. Each is decoded from its own
/// text, so serde_json's depth limit restarts at each; past this many a value is kept as JSON
/// (`Other`), where serde_json's own limit applies again.
const MAX_NESTING: u32 = 24;

thread_local! {
    static NESTING: Cell<u32> = const { Cell::new(0) };
}

/// One level of nesting, given back when dropped.
struct Nested;

impl Nested {
    fn enter() -> Option<Nested> {
        NESTING.with(|n| {
            let depth = n.get();
            (depth < MAX_NESTING).then(|| {
                n.set(depth + 1);
                Nested
            })
        })
    }
}

impl Drop for Nested {
    fn drop(&mut self) {
        NESTING.with(|n| n.set(n.get().saturating_sub(1)));
    }
}

/// `Deserialize` for a tagged enum: the variant `known(type, text)` gives, else `other`.
pub(crate) fn decode<'de, D, T>(
    d: D,
    known: fn(&str, &str) -> Option<T>,
    other: fn(Value) -> T,
) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
{
    from_grabbed(grab(d)?, known, other).map_err(D::Error::custom)
}

/// [`Lenient`](crate::types::de::Lenient) for a tagged enum: `None` for `null`.
pub(crate) fn lenient<'de, D, T>(
    d: D,
    known: fn(&str, &str) -> Option<T>,
    other: fn(Value) -> T,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = grab(d)?;
    if value.is_null() {
        return Ok(None);
    }
    Ok(from_grabbed(value, known, other).ok())
}

/// A value taken whole, decoded from its text (a `Value` is written out first).
fn from_grabbed<T>(
    value: Grabbed<'_>,
    known: fn(&str, &str) -> Option<T>,
    other: fn(Value) -> T,
) -> serde_json::Result<T> {
    match value {
        Grabbed::Text(text) => from_text(&text, known, other),
        Grabbed::Value(value) => from_text(&value.to_string(), known, other),
    }
}

fn from_text<T>(
    text: &str,
    known: fn(&str, &str) -> Option<T>,
    other: fn(Value) -> T,
) -> serde_json::Result<T> {
    if let Some(_level) = Nested::enter() {
        if let Some(variant) = tag(text).and_then(|kind| known(&kind, text)) {
            return Ok(variant);
        }
    }
    serde_json::from_str(text).map(other)
}

/// The `type` of a JSON object: a string (`None` for anything else). The first `type` counts:
/// the scan stops there, and Slack puts `type` first. (serde's derive refuses an object with
/// two; a variant decoded here ignores the second, as it ignores any field it does not know.)
pub(crate) fn tag(text: &str) -> Option<Cow<'_, str>> {
    let mut found = None;
    let scanned = crate::response::scan::top_level_fields(text.as_bytes(), |key, value| {
        if key == b"type" {
            found = Some(value);
            return false;
        }
        true
    });
    let raw: &[u8] = match (found, scanned) {
        (Some(raw), _) => raw,
        // An object without `type`.
        (None, Some(())) => return None,
        // Something the scanner leaves to serde (an escaped key, …) before any `type`.
        (None, None) => {
            #[derive(Deserialize)]
            struct Tag {
                #[serde(rename = "type")]
                kind: String,
            }
            return serde_json::from_str::<Tag>(text)
                .ok()
                .map(|t| Cow::Owned(t.kind));
        }
    };
    let inner = raw.strip_prefix(b"\"")?.strip_suffix(b"\"")?;
    if inner.contains(&b'\\') {
        return serde_json::from_slice::<String>(raw).ok().map(Cow::Owned);
    }
    std::str::from_utf8(inner).ok().map(Cow::Borrowed)
}

/// Decode `text` (a JSON object) as the variant `kind` of the externally tagged enum `T`, as
/// if the JSON were `{kind: text}`: for tagged enums whose variants hold their fields inline
/// (`T` is a private twin without the catch-all). `None` if it does not fit.
pub(crate) fn inline_variant<T: DeserializeOwned>(kind: &str, text: &str) -> Option<T> {
    T::deserialize(Variant { kind, text }).ok()
}

/// The enum `{kind: text}`, without building it.
struct Variant<'de> {
    kind: &'de str,
    text: &'de str,
}

impl<'de> Deserializer<'de> for Variant<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> serde_json::Result<V::Value> {
        Err(serde_json::Error::custom("expected an enum"))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        visitor.visit_enum(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map
        struct identifier ignored_any
    }
}

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = serde_json::Error;
    type Variant = Self;

    fn variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> serde_json::Result<(S::Value, Self)> {
        let name = seed.deserialize(StrDeserializer::<serde_json::Error>::new(self.kind))?;
        Ok((name, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'de> {
    type Error = serde_json::Error;

    fn unit_variant(self) -> serde_json::Result<()> {
        Err(serde_json::Error::custom("expected a variant with fields"))
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(
        self,
        seed: S,
    ) -> serde_json::Result<S::Value> {
        let mut de = serde_json::Deserializer::from_str(self.text);
        let value = seed.deserialize(&mut de)?;
        de.end()?;
        Ok(value)
    }

    fn tuple_variant<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> serde_json::Result<V::Value> {
        Err(serde_json::Error::custom(
            "expected a variant with named fields",
        ))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> serde_json::Result<V::Value> {
        let mut de = serde_json::Deserializer::from_str(self.text);
        let value = Deserializer::deserialize_struct(&mut de, "", fields, visitor)?;
        de.end()?;
        Ok(value)
    }
}

/// `Deserialize` and `Lenient` for a tagged enum of newtype variants with an `Other(Value)`
/// catch-all: `tagged_enum!(Block { "section" => Section, … })`.
macro_rules! tagged_enum {
    ($name:ident { $($tag:literal => $variant:ident),* $(,)? }) => {
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Self, D::Error> {
                $crate::blocks::tagged::decode(d, $name::known_variant, $name::Other)
            }
        }

        impl $crate::types::de::Lenient for $name {
            fn deserialize_lenient<'de, D: ::serde::Deserializer<'de>>(
                d: D,
            ) -> ::std::result::Result<Option<Self>, D::Error> {
                $crate::blocks::tagged::lenient(d, $name::known_variant, $name::Other)
            }
        }

        impl $name {
            /// The variant for `kind`, decoded from `text`; `None` if unknown or not fitting.
            fn known_variant(kind: &str, text: &str) -> Option<Self> {
                match kind {
                    $($tag => ::serde_json::from_str(text).ok().map($name::$variant),)*
                    _ => None,
                }
            }
        }
    };
}
pub(crate) use tagged_enum;

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    //! The decoders above against serde's derive for the same enums, on every tagged object
    //! of the recorded samples and on variations of each.

    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Serialize};
    use serde_json::Value;

    use crate::blocks::*;

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum OldBlock {
        Section(SectionBlock),
        Actions(ActionsBlock),
        Context(ContextBlock),
        Divider(DividerBlock),
        Header(HeaderBlock),
        Image(ImageBlock),
        Input(InputBlock),
        RichText(RichTextBlock),
        Video(VideoBlock),
        File(FileBlock),
        Markdown(MarkdownBlock),
        #[serde(untagged)]
        Other(Value),
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum OldElement {
        Button(Button),
        Checkboxes(Checkboxes),
        #[serde(rename = "datepicker")]
        DatePicker(DatePicker),
        #[serde(rename = "datetimepicker")]
        DatetimePicker(DatetimePicker),
        EmailTextInput(EmailTextInput),
        FileInput(FileInput),
        Image(ImageElement),
        MultiStaticSelect(MultiStaticSelect),
        MultiExternalSelect(MultiExternalSelect),
        MultiUsersSelect(MultiUsersSelect),
        MultiConversationsSelect(MultiConversationsSelect),
        MultiChannelsSelect(MultiChannelsSelect),
        NumberInput(NumberInput),
        Overflow(Overflow),
        PlainTextInput(PlainTextInput),
        RadioButtons(RadioButtons),
        RichTextInput(RichTextInput),
        StaticSelect(StaticSelect),
        ExternalSelect(ExternalSelect),
        UsersSelect(UsersSelect),
        ConversationsSelect(ConversationsSelect),
        ChannelsSelect(ChannelsSelect),
        #[serde(rename = "timepicker")]
        TimePicker(TimePicker),
        UrlTextInput(UrlTextInput),
        WorkflowButton(WorkflowButton),
        #[serde(untagged)]
        Other(Value),
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum OldContextElement {
        Image(ImageElement),
        PlainText(PlainText),
        Mrkdwn(Mrkdwn),
        #[serde(untagged)]
        Other(Value),
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum OldRichTextElement {
        RichTextSection(RichTextSection),
        RichTextList(RichTextList),
        RichTextPreformatted(RichTextPreformatted),
        RichTextQuote(RichTextQuote),
        #[serde(untagged)]
        Other(Value),
    }

    #[derive(Debug, Serialize, Deserialize)]
    #[serde(tag = "type", rename_all = "snake_case")]
    enum OldRichTextInline {
        Text {
            text: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            style: Option<RichTextStyle>,
        },
        Link {
            url: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            text: Option<String>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            style: Option<RichTextStyle>,
        },
        Emoji {
            name: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            unicode: Option<String>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            url: Option<String>,
        },
        User {
            user_id: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            style: Option<RichTextStyle>,
        },
        Channel {
            channel_id: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            style: Option<RichTextStyle>,
        },
        Usergroup {
            usergroup_id: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            style: Option<RichTextStyle>,
        },
        Broadcast {
            range: BroadcastRange,
        },
        Date {
            timestamp: i64,
            format: String,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            url: Option<String>,
            #[serde(default, skip_serializing_if = "Option::is_none")]
            fallback: Option<String>,
        },
        Color {
            value: String,
        },
        #[serde(untagged)]
        Other(Value),
    }

    /// One object per `type` and set of keys, of those with a string `type` at any depth of
    /// `v` (small ones only: large objects, whole messages and views, repeat the small ones
    /// they hold).
    fn tagged_objects(
        v: &Value,
        out: &mut std::collections::BTreeMap<(String, Vec<String>), Value>,
    ) {
        match v {
            Value::Object(m) => {
                if let Some(kind) = m.get("type").and_then(Value::as_str) {
                    let shape = (kind.to_owned(), m.keys().cloned().collect());
                    if !out.contains_key(&shape) && v.to_string().len() <= 2048 {
                        out.insert(shape, v.clone());
                    }
                }
                m.values().for_each(|v| tagged_objects(v, out));
            }
            Value::Array(items) => items.iter().for_each(|v| tagged_objects(v, out)),
            _ => {}
        }
    }

    /// An object and variations of it, as JSON text: type unknown, missing, escaped, repeated
    /// or last (a number for `type` is left out: serde's derive reads it as a variant's index,
    /// which is no Slack type); each other field missing or of another type; other shapes.
    ///
    /// Each comes with the text serde's derive must agree with: the same, but for an object
    /// with two `type`s, where the first counts here and serde's derive refuses the object.
    fn variations(v: &Value) -> Vec<(String, String)> {
        let same = |t: String| (t.clone(), t);
        let mut out = vec![same(v.to_string())];
        let Value::Object(m) = v else { return out };
        let kind = m["type"].as_str().unwrap_or_default().to_owned();
        let with = |f: &dyn Fn(&mut serde_json::Map<String, Value>)| {
            let mut m = m.clone();
            f(&mut m);
            Value::Object(m).to_string()
        };
        out.push(same(with(&|m| {
            m.insert("type".into(), "not_a_kind".into());
        })));
        out.push(same(with(&|m| {
            m.shift_remove("type");
        })));
        out.push(same(with(&|m| {
            let t = m.shift_remove("type").unwrap();
            m.insert("type".into(), t);
        })));
        let plain = v.to_string();
        let quoted = format!("\"type\":\"{kind}\"");
        if let Some(first) = kind.chars().next() {
            let escaped = format!(
                "\"type\":\"\\u{:04x}{}\"",
                first as u32,
                &kind[first.len_utf8()..]
            );
            out.push(same(plain.replacen(&quoted, &escaped, 1)));
            let twice = plain.replacen(&quoted, &format!("{quoted},\"t\\u0079pe\":\"x\""), 1);
            out.push((twice, plain.clone()));
        }
        let divider_first = plain.replacen('{', "{\"type\":\"divider\",", 1);
        let as_divider = with(&|m| {
            m.insert("type".into(), "divider".into());
        });
        out.push((divider_first, as_divider));
        for key in m.keys().filter(|k| *k != "type") {
            out.push(same(with(&|m| {
                m.shift_remove(key);
            })));
            out.push(same(with(&|m| {
                m.insert(key.clone(), 12.into());
            })));
            out.push(same(with(&|m| {
                m.insert(key.clone(), Value::Null);
            })));
        }
        out.extend(["null", "\"section\"", "[\"section\"]", "{}", "7"].map(|t| same(t.into())));
        out
    }

    /// The same outcome from both decoders, from text and from a `Value`.
    fn agree<New, Old>(text: &str, old_text: &str)
    where
        New: DeserializeOwned + std::fmt::Debug,
        Old: DeserializeOwned + std::fmt::Debug,
    {
        let short = &text[..text.floor_char_boundary(300)];
        let new = serde_json::from_str::<New>(text).map(|v| format!("{v:?}"));
        let old = serde_json::from_str::<Old>(old_text).map(|v| format!("{v:?}"));
        if text.starts_with('[') {
            // serde's derive also takes `["kind", fields…]` for a tagged enum; Slack never
            // sends that, and here it is kept as JSON.
            assert!(new.is_ok_and(|n| n.starts_with("Other")), "{short}");
            return;
        }
        // Where the texts differ (two `type`s), an `Other` keeps the JSON it was given: only
        // the variants are compared.
        let variant = |d: &str| d.split(['(', ' ']).next().unwrap_or_default().to_owned();
        match (&new, &old) {
            (Ok(n), Ok(o)) if text != old_text => assert_eq!(variant(n), variant(o), "{short}"),
            (Ok(n), Ok(o)) => assert_eq!(n, o, "{short}"),
            (Err(_), Err(_)) => {}
            _ => panic!("{short}: new {new:?}, old {old:?}"),
        }
        let Ok(value) = serde_json::from_str::<Value>(old_text) else {
            return;
        };
        let new = New::deserialize(&value).map(|v| format!("{v:?}"));
        let old = Old::deserialize(&value).map(|v| format!("{v:?}"));
        if let (Ok(n), Ok(o)) = (&new, &old) {
            assert_eq!(n, o, "from a Value: {short}");
        } else {
            assert_eq!(new.is_ok(), old.is_ok(), "from a Value: {short}");
        }
    }

    #[test]
    fn tagged_enums_decode_as_serde_derive_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tools/codegen/data/json-samples");
        let mut objects = std::collections::BTreeMap::new();
        let mut dirs = vec![root];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                } else if path.extension().is_some_and(|e| e == "json") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    if let Ok(v) = serde_json::from_str::<Value>(&text) {
                        tagged_objects(&v, &mut objects);
                    }
                }
            }
        }
        assert!(
            objects.len() > 100,
            "only {} tagged objects in the samples",
            objects.len()
        );
        let mut checked = 0;
        for object in objects.values() {
            for (text, old) in variations(object) {
                agree::<Block, OldBlock>(&text, &old);
                agree::<Element, OldElement>(&text, &old);
                agree::<ContextElement, OldContextElement>(&text, &old);
                agree::<RichTextElement, OldRichTextElement>(&text, &old);
                agree::<RichTextInline, OldRichTextInline>(&text, &old);
                checked += 1;
            }
        }
        assert!(checked > 1000, "{checked}");
    }

    #[test]
    fn through_serde_buffers_and_lenient_lists() {
        // An internally tagged wrapper hands its fields over from serde's own buffer, which
        // has no JSON text to lend.
        #[derive(Deserialize)]
        #[serde(tag = "kind")]
        enum Wrapper {
            Holder { blocks: Vec<Block> },
        }
        let text = r#"{"kind":"Holder","blocks":[{"type":"divider"},{"type":"carousel","n":1},{"type":"header","text":{"type":"plain_text","text":"Hi"}}]}"#;
        let Wrapper::Holder { blocks } = serde_json::from_str(text).unwrap();
        assert_eq!(blocks.len(), 3);
        assert!(matches!(blocks[0], Block::Divider(_)));
        assert!(matches!(blocks[1], Block::Other(_)));
        assert!(matches!(blocks[2], Block::Header(_)));

        #[derive(Deserialize)]
        struct Lenient {
            #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
            blocks: Vec<Block>,
        }
        let l: Lenient = serde_json::from_str(
            r#"{"blocks":[null,{"type":"divider"},"x",{"type":"header","text":5}]}"#,
        )
        .unwrap();
        assert_eq!(l.blocks.len(), 3, "{:?}", l.blocks);
        assert!(matches!(l.blocks[0], Block::Divider(_)));
        assert_eq!(l.blocks[1], Block::Other(Value::from("x")));
        assert!(
            matches!(l.blocks[2], Block::Other(_)),
            "a header with a number for text is kept as JSON"
        );
    }

    #[test]
    fn deep_nesting_is_bounded() {
        // Lists inside quotes inside lists, far past the nesting limit: no stack overflow, and
        // the deep part is kept as JSON (or refused by serde_json's own depth limit).
        let mut v = serde_json::json!({"type": "rich_text_section", "elements": [{"type": "text", "text": "x"}]});
        for _ in 0..200 {
            v = serde_json::json!({"type": "rich_text_list", "style": "bullet", "elements": [v]});
        }
        let text = v.to_string();
        let _ = serde_json::from_str::<RichTextElement>(&text);
        let shallow = {
            let mut v = serde_json::json!({"type": "rich_text_section", "elements": []});
            for _ in 0..5 {
                v = serde_json::json!({"type": "rich_text_list", "style": "bullet", "elements": [v]});
            }
            v.to_string()
        };
        assert!(matches!(
            serde_json::from_str::<RichTextElement>(&shallow).unwrap(),
            RichTextElement::RichTextList(_)
        ));
    }
}
