//! The blocks of a message Slack sent: kept as their JSON text, decoded on first read.

use std::fmt;
use std::ops::Deref;
use std::sync::OnceLock;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::Block;
use crate::types::de::{grab, lenient_vec, serialize_received, Grabbed};

/// The Block Kit blocks of a received message, decoded the first time they are read.
///
/// A message from the Web API (`chat.postMessage`, `conversations.history`, …) or an event
/// carries its blocks as JSON. Receiving them costs one scan and one copy of that text; the
/// typed [`Block`]s are built only when something reads them, once, and kept. Code that reads
/// a message's `text` and `ts` never pays for its blocks.
///
/// `Blocks` dereferences to `[Block]`, so it reads like the `Vec<Block>` it stands for:
/// index it, iterate it, take its `len()`. Decoding is lenient, as for every response field:
/// a block of an unknown type, or one that does not match its documented shape (a value that
/// is not an object among them), is [`Block::Other`] with its JSON; a `null` in the list is
/// skipped; blocks that are not a list read as none. [`json`](Blocks::json) gives the text as Slack sent it, and
/// serialising writes that text back unchanged.
///
/// ```
/// use slack_core::blocks::Block;
/// use slack_core::types::Message;
///
/// let message: Message = serde_json::from_str(
///     r#"{"ts":"1.2","text":"hi","blocks":[{"type":"divider"},{"type":"new_kind","x":1}]}"#,
/// )?;
/// assert_eq!(message.blocks.json(), Some(r#"[{"type":"divider"},{"type":"new_kind","x":1}]"#));
/// // Decoded here, on first read.
/// assert_eq!(message.blocks.len(), 2);
/// assert!(matches!(message.blocks[0], Block::Divider(_)));
/// assert!(matches!(message.blocks[1], Block::Other(_)));
/// for block in &message.blocks {
///     println!("{block:?}");
/// }
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct Blocks {
    /// The JSON text as received, without surrounding whitespace; `None` when the blocks were
    /// made in code (or absent).
    json: Option<Box<str>>,
    /// The typed blocks, once read (or as made in code).
    decoded: OnceLock<Vec<Block>>,
}

impl Blocks {
    /// The blocks' JSON text as Slack sent it (`None` when they were made in code or absent).
    pub fn json(&self) -> Option<&str> {
        self.json.as_deref()
    }

    /// The typed blocks, decoding them if they have not been read yet.
    pub fn as_slice(&self) -> &[Block] {
        self.decoded.get_or_init(|| match &self.json {
            Some(text) => decode(text),
            None => Vec::new(),
        })
    }

    /// The typed blocks, owned.
    pub fn into_vec(self) -> Vec<Block> {
        match self.decoded.into_inner() {
            Some(blocks) => blocks,
            None => self.json.as_deref().map(decode).unwrap_or_default(),
        }
    }

    /// Whether the blocks have been decoded yet (for tests of laziness).
    #[cfg(test)]
    pub(crate) fn is_decoded(&self) -> bool {
        self.decoded.get().is_some()
    }

    /// Absent: nothing was received and nothing made (what `skip_serializing_if` wants,
    /// without decoding).
    pub(crate) fn is_absent(&self) -> bool {
        self.json.is_none() && self.decoded.get().is_none_or(Vec::is_empty)
    }
}

/// The lenient decode of a message's `blocks` (see the type's docs); malformed text (which a
/// received value cannot be) reads as no blocks.
fn decode(text: &str) -> Vec<Block> {
    let mut de = serde_json::Deserializer::from_str(text);
    lenient_vec::<_, Block>(&mut de).unwrap_or_default()
}

impl Deref for Blocks {
    type Target = [Block];
    fn deref(&self) -> &[Block] {
        self.as_slice()
    }
}

impl AsRef<[Block]> for Blocks {
    fn as_ref(&self) -> &[Block] {
        self.as_slice()
    }
}

impl<'a> IntoIterator for &'a Blocks {
    type Item = &'a Block;
    type IntoIter = std::slice::Iter<'a, Block>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl From<Vec<Block>> for Blocks {
    fn from(blocks: Vec<Block>) -> Self {
        Blocks {
            json: None,
            decoded: OnceLock::from(blocks),
        }
    }
}

impl FromIterator<Block> for Blocks {
    fn from_iter<I: IntoIterator<Item = Block>>(iter: I) -> Self {
        Blocks::from(iter.into_iter().collect::<Vec<_>>())
    }
}

impl From<Blocks> for Vec<Block> {
    fn from(blocks: Blocks) -> Self {
        blocks.into_vec()
    }
}

/// Shows the typed blocks (decoding them), as a `Vec<Block>` would.
impl fmt::Debug for Blocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_slice(), f)
    }
}

/// Equal when the typed blocks are equal, however each side was made.
impl PartialEq for Blocks {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl PartialEq<[Block]> for Blocks {
    fn eq(&self, other: &[Block]) -> bool {
        self.as_slice() == other
    }
}

impl PartialEq<Vec<Block>> for Blocks {
    fn eq(&self, other: &Vec<Block>) -> bool {
        self.as_slice() == other.as_slice()
    }
}

/// Writes the received text unchanged; blocks made in code are encoded.
impl Serialize for Blocks {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serialize_received(self.json(), serializer, |s| self.as_slice().serialize(s))
    }
}

/// Takes the value's JSON text (any JSON value; `null` is no blocks). Fails only on malformed
/// JSON, which fails the enclosing value anyway.
impl<'de> Deserialize<'de> for Blocks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let json = match grab(d)? {
            value if value.is_null() => None,
            Grabbed::Text(text) => Some(text.into_owned().into_boxed_str()),
            // A deserializer that does not hand out JSON text (a `Value`'s, serde's buffer):
            // the value is written back as text, to be read the same way.
            Grabbed::Value(value) => Some(value.to_string().into_boxed_str()),
        };
        Ok(Blocks {
            json,
            decoded: OnceLock::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::blocks::{RichTextBlock, SectionBlock, Text};

    const SAMPLE: &str = r#"[{"type":"rich_text","block_id":"b1","elements":[{"type":"rich_text_section","elements":[{"type":"text","text":"hello"}]}]},{"type":"section","text":{"type":"mrkdwn","text":"*hi*"}},{"type":"brand_new","payload":[1,2]}]"#;

    #[test]
    fn received_blocks_are_decoded_on_first_read_only() {
        let blocks: Blocks = serde_json::from_str(&format!("  {SAMPLE}  ")).unwrap();
        assert!(!blocks.is_decoded());
        assert_eq!(blocks.json(), Some(SAMPLE));
        assert_eq!(blocks.len(), 3);
        assert!(blocks.is_decoded());
        assert!(matches!(&blocks[0], Block::RichText(RichTextBlock { .. })));
        assert!(matches!(&blocks[1], Block::Section(_)));
        match &blocks[2] {
            Block::Other(v) => assert_eq!(v["payload"][1], 2),
            other => panic!("{other:?}"),
        }
        // Read twice, decoded once: the same slice.
        assert!(std::ptr::eq(blocks.as_slice(), &*blocks));
    }

    #[test]
    fn decoding_matches_the_typed_vec() {
        let typed: Vec<Block> = serde_json::from_str(SAMPLE).unwrap();
        let lazy: Blocks = serde_json::from_str(SAMPLE).unwrap();
        assert_eq!(lazy, typed);
        assert_eq!(lazy.clone().into_vec(), typed);
        assert_eq!(format!("{lazy:?}"), format!("{typed:?}"));
        // Made in code, equal to the received ones.
        assert_eq!(Blocks::from(typed.clone()), lazy);
        assert_eq!(typed.into_iter().collect::<Blocks>(), lazy);
    }

    #[test]
    fn serialising_writes_the_received_text_back() {
        let with_spaces = r#"[ {"type": "divider", "block_id" :"d"} ]"#;
        let lazy: Blocks = serde_json::from_str(with_spaces).unwrap();
        assert_eq!(serde_json::to_string(&lazy).unwrap(), with_spaces);
        // Also after decoding.
        assert_eq!(lazy.len(), 1);
        assert_eq!(serde_json::to_string(&lazy).unwrap(), with_spaces);
        // Blocks made in code are encoded.
        let made = Blocks::from(vec![Block::from(SectionBlock::new(Text::plain("x")))]);
        let v = serde_json::to_value(&made).unwrap();
        assert_eq!(v[0]["type"], "section");
        assert_eq!(v[0]["text"]["text"], "x");
    }

    #[test]
    fn odd_shapes_read_leniently() {
        for (json, len) in [
            ("null", 0),
            ("{}", 0),
            ("\"blocks\"", 0),
            ("7", 0),
            ("[]", 0),
            (r#"[1, "x", null, {"type":"divider"}]"#, 3),
            (r#"[{"no_type":true}]"#, 1),
        ] {
            let blocks: Blocks = serde_json::from_str(json).unwrap();
            assert_eq!(blocks.len(), len, "{json}");
        }
        let null: Blocks = serde_json::from_str("null").unwrap();
        assert!(null.is_absent());
        assert_eq!(null.json(), None);
        // Malformed JSON is an error of the enclosing decode, as for any field.
        assert!(serde_json::from_str::<Blocks>("[{").is_err());
    }

    #[test]
    fn from_a_value_deserializer_too() {
        let value: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
        let lazy: Blocks = serde_json::from_value(value).unwrap();
        let typed: Vec<Block> = serde_json::from_str(SAMPLE).unwrap();
        assert_eq!(lazy, typed);
        assert!(lazy.json().is_some());
    }

    #[test]
    fn absent_only_when_nothing_was_received_or_made() {
        assert!(Blocks::default().is_absent());
        assert!(Blocks::from(Vec::new()).is_absent());
        assert!(!serde_json::from_str::<Blocks>("[]").unwrap().is_absent());
        assert!(!Blocks::from(vec![Block::divider()]).is_absent());
    }
}
