//! A fast path for reading an answer's envelope.
//!
//! Every answer is read twice: once here for its envelope (`ok`, `error`, warnings, the
//! cursor), and once into the typed answer the caller asked for. Decoding the envelope with
//! serde means walking every token of the body through the deserializer only to skip it,
//! which costs more than a third of the typed decode itself. This module finds the top-level
//! fields with a plain byte scanner instead, checking the JSON grammar as it goes, and hands
//! only the values of the envelope's own fields to serde.
//!
//! The scanner is conservative: anything it does not handle simply (an escaped key, a
//! repeated envelope field, nesting deeper than serde_json allows, any grammar error) makes it
//! give up, and the caller decodes the body with serde as before — so every error message
//! and every edge case stays serde's.

use serde::de::DeserializeOwned;

/// serde_json's default recursion limit: deeper bodies are left to serde, which refuses them.
const MAX_DEPTH: usize = 127;

/// The top-level fields of a JSON object body, as raw value slices. `visit(key, value)` is
/// called for each field, in order; it returns `false` to give up. `None` when the body is not
/// one well-formed JSON object the scanner handles (the caller then uses serde).
pub(crate) fn top_level_fields<'a>(
    body: &'a [u8],
    mut visit: impl FnMut(&'a [u8], &'a [u8]) -> bool,
) -> Option<()> {
    let mut s = Scanner { b: body, i: 0 };
    s.ws();
    s.eat(b'{')?;
    s.ws();
    if s.peek() == Some(b'}') {
        s.i += 1;
    } else {
        loop {
            let key = s.plain_key()?;
            s.ws();
            s.eat(b':')?;
            s.ws();
            let start = s.i;
            s.value(0)?;
            if !visit(key, body.get(start..s.i)?) {
                return None;
            }
            s.ws();
            match s.next()? {
                b',' => s.ws(),
                b'}' => break,
                _ => return None,
            }
        }
    }
    s.ws();
    (s.i == body.len()).then_some(())
}

/// Decode one field's raw value with serde (`None` if it does not fit `T`).
pub(super) fn field<T: DeserializeOwned>(raw: &[u8]) -> Option<T> {
    serde_json::from_slice(raw).ok()
}

struct Scanner<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.i += 1;
        Some(c)
    }

    fn eat(&mut self, c: u8) -> Option<()> {
        (self.next()? == c).then_some(())
    }

    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.peek() {
            self.i += 1;
        }
    }

    /// An object key without escapes, as its bytes (UTF-8 checked, as serde checks keys).
    fn plain_key(&mut self) -> Option<&'a [u8]> {
        self.eat(b'"')?;
        let start = self.i;
        loop {
            match self.next()? {
                b'"' => break,
                b'\\' => return None,
                c if c < 0x20 => return None,
                _ => {}
            }
        }
        let key = self.b.get(start..self.i - 1)?;
        std::str::from_utf8(key).ok()?;
        Some(key)
    }

    /// Skip one value, checking its grammar.
    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                self.string_rest()
            }
            b'{' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.i += 1;
                self.ws();
                if self.peek() == Some(b'}') {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.eat(b'"')?;
                    self.string_rest()?;
                    self.ws();
                    self.eat(b':')?;
                    self.ws();
                    self.value(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => self.ws(),
                        b'}' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b'[' => {
                if depth >= MAX_DEPTH {
                    return None;
                }
                self.i += 1;
                self.ws();
                if self.peek() == Some(b']') {
                    self.i += 1;
                    return Some(());
                }
                loop {
                    self.value(depth + 1)?;
                    self.ws();
                    match self.next()? {
                        b',' => self.ws(),
                        b']' => return Some(()),
                        _ => return None,
                    }
                }
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i.checked_add(word.len())?;
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// The rest of a string after its opening quote: escapes checked, control characters
    /// refused (as serde does; serde does not check the UTF-8 of strings it skips either).
    fn string_rest(&mut self) -> Option<()> {
        loop {
            self.i += plain_run(self.b.get(self.i..)?);
            match self.next()? {
                b'"' => return Some(()),
                b'\\' => match self.next()? {
                    b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => {}
                    b'u' => {
                        for _ in 0..4 {
                            if !self.next()?.is_ascii_hexdigit() {
                                return None;
                            }
                        }
                    }
                    _ => return None,
                },
                _ => return None,
            }
        }
    }

    /// `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`
    fn number(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.next()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.some_digits()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.some_digits()?;
        }
        Some(())
    }

    fn digits(&mut self) {
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
    }

    fn some_digits(&mut self) -> Option<()> {
        let start = self.i;
        self.digits();
        (self.i > start).then_some(())
    }
}

/// How many bytes at the start of `rest` are plain string bytes (not `"`, `\\` or a control
/// character), eight at a time: a string's text is most of an answer.
fn plain_run(rest: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut n = 0;
    let mut chunks = rest.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // A byte of `x` is zero ⇔ its bit 7 is set here (the lowest such byte is exact).
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        let quote = zero(w ^ (ONES * u64::from(b'"')));
        let slash = zero(w ^ (ONES * u64::from(b'\\')));
        let control = w.wrapping_sub(ONES * 0x20) & !w & HIGH;
        let hit = quote | slash | control;
        if hit != 0 {
            return n + (hit.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    n + chunks
        .remainder()
        .iter()
        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
        .unwrap_or(chunks.remainder().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Option<Vec<(String, String)>> {
        let mut out = Vec::new();
        top_level_fields(body.as_bytes(), |k, v| {
            out.push((
                String::from_utf8_lossy(k).into_owned(),
                String::from_utf8_lossy(v).into_owned(),
            ));
            true
        })?;
        Some(out)
    }

    #[test]
    fn plain_runs_stop_at_the_first_special_byte() {
        for (text, want) in [
            ("", 0),
            ("abc", 3),
            ("abcdefgh", 8),
            ("abcdefghij\"", 10),
            ("abcdefg\\h", 7),
            ("\"", 0),
            ("ab\u{1}cdefghijk", 2),
            ("abcdefgh\u{1f}", 8),
            (
                "é€ and more than eight bytes\"",
                "é€ and more than eight bytes".len(),
            ),
        ] {
            assert_eq!(plain_run(text.as_bytes()), want, "{text:?}");
        }
        // Every position, against the byte-at-a-time answer.
        let base: Vec<u8> = (0..40u8).map(|i| b'a' + i % 26).collect();
        for at in 0..base.len() {
            for special in [b'"', b'\\', 0x00, 0x1f, 0x7f, 0x80, 0xff] {
                let mut b = base.clone();
                b[at] = special;
                let want = b
                    .iter()
                    .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                    .unwrap_or(b.len());
                assert_eq!(plain_run(&b), want, "{at} {special}");
            }
        }
    }

    #[test]
    fn finds_top_level_fields_and_skips_nested_ones() {
        let body = r#" {"ok" : true, "message": {"ok": false, "t": "a\"b\\u00e9}"},
            "n": -1.5e+3, "list": [1, [], {}, null, "x"], "error":"e" } "#;
        assert_eq!(
            fields(body),
            Some(vec![
                ("ok".into(), "true".into()),
                (
                    "message".into(),
                    r#"{"ok": false, "t": "a\"b\\u00e9}"}"#.into()
                ),
                ("n".into(), "-1.5e+3".into()),
                ("list".into(), r#"[1, [], {}, null, "x"]"#.into()),
                ("error".into(), r#""e""#.into()),
            ])
        );
        assert_eq!(fields("{}"), Some(vec![]));
    }

    #[test]
    fn refuses_what_is_not_one_json_object() {
        for bad in [
            "",
            "[]",
            r#"{"ok":true"#,
            r#"{"ok":true,}"#,
            r#"{"ok":tru}"#,
            r#"{"ok":true} x"#,
            r#"{"a":"unterminated}"#,
            r#"{"a":"bad \x escape"}"#,
            "{\"a\":\"raw \u{1} control\"}",
            r#"{"a":01}"#,
            r#"{"a":1.}"#,
            r#"{"a":-}"#,
            r#"{"a":1e}"#,
            r#"{"a":[1,]}"#,
            r#"{"a" 1}"#,
            r#"{"a\u0041":1}"#, // escaped key: left to serde
        ] {
            assert_eq!(fields(bad), None, "{bad:?}");
        }
        let deep = format!("{{\"a\":{}{}}}", "[".repeat(200), "]".repeat(200));
        assert_eq!(fields(&deep), None);
    }

    #[test]
    fn every_body_it_accepts_is_json_serde_accepts() {
        use proptest::prelude::*;
        let json_ish = proptest::collection::vec(
            prop_oneof![
                Just("{".to_owned()),
                Just("}".to_owned()),
                Just("[".to_owned()),
                Just("]".to_owned()),
                Just(",".to_owned()),
                Just(":".to_owned()),
                Just("\"ok\"".to_owned()),
                Just("\"a\\\"b\"".to_owned()),
                Just("true".to_owned()),
                Just("null".to_owned()),
                Just("-0.5e3".to_owned()),
                Just("12".to_owned()),
                Just(" ".to_owned()),
            ],
            0..24,
        );
        proptest!(ProptestConfig::with_cases(4000), |(parts in json_ish)| {
            let body = parts.concat();
            if fields(&body).is_some() {
                prop_assert!(
                    serde_json::from_str::<serde::de::IgnoredAny>(&body).is_ok(),
                    "scanner accepted {body:?}"
                );
            }
        });
    }
}
