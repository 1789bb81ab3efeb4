//! A seeded generator and mutator of decoder inputs: byte-level damage (truncation, flips,
//! insertions, deletions, duplication, splicing, invalid UTF-8) and JSON-aware damage (a
//! value swapped for one of another type, huge and odd numbers, deep nesting, odd
//! escapes). Deterministic for a given seed, so a failing input can be made again.

#![allow(dead_code)]

use serde_json::Value;

/// SplitMix64: small, fast, good enough to pick mutations; no dependency.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// True with probability 1/n.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Tokens that tend to break JSON decoders when dropped into a value's place.
const ODD_VALUES: &[&str] = &[
    "null",
    "true",
    "false",
    "0",
    "-0",
    "-1",
    "1e999999",
    "-1e999999",
    "1.7976931348623157e309",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775809",
    "99999999999999999999999999999999999999",
    "4.9e-325",
    "1e-400",
    "0.0000000000000000000000000001",
    "\"\"",
    "\"\\ud800\"",
    "\"\\udfff\\ud800\"",
    "\"\\u0000\"",
    "\"1e308\"",
    "\"18446744073709551616\"",
    "\"-1\"",
    "\"NaN\"",
    "\"9999999999.999999\"",
    "[]",
    "{}",
    "[null]",
    "{\"\":null}",
    "\"\u{202e}\u{1F600}\"",
];

/// Bytes that are not UTF-8, or only part of a character.
const BAD_UTF8: &[&[u8]] = &[
    b"\xff",
    b"\xc3",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xed\xa0\x80",
    b"\xc0\xaf",
    b"\xf8\x88\x80\x80\x80",
    b"\x00",
];

/// Byte strings that matter to the non-JSON formats (forms, multipart, headers, HTTP).
const FORMAT_TOKENS: &[&[u8]] = &[
    b"&",
    b"=",
    b"%",
    b"%zz",
    b"%ff",
    b"+",
    b"\r\n",
    b"\n\n",
    b"\r\n\r\n",
    b"--",
    b"--XyZ",
    b"--XyZ--",
    b"; boundary=",
    b"; charset=",
    b"Content-Disposition: form-data; name=",
    b"filename=",
    b"\"",
    b":",
    b"v0=",
    b"HTTP/1.1 ",
    b"\x05\x00",
    b"\x05\x02",
    b"\x01\x00",
    b"\x05\x00\x00\x03\xff",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b"\\",
    b"\\u",
];

/// A random JSON value of any type, small.
fn random_value(rng: &mut Rng, depth: usize) -> Value {
    match rng.below(if depth > 2 { 5 } else { 7 }) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => match rng.below(4) {
            0 => Value::from(rng.next_u64()),
            1 => Value::from(rng.next_u64() as i64),
            2 => serde_json::Number::from_f64(f64::from_bits(rng.next_u64()))
                .map(Value::Number)
                .unwrap_or(Value::Null),
            _ => Value::from(rng.below(3) as i64 - 1),
        },
        3 => Value::String(
            (0..rng.below(12))
                .map(|_| char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('x'))
                .collect(),
        ),
        4 => Value::String(String::new()),
        5 => Value::Array(
            (0..rng.below(4))
                .map(|_| random_value(rng, depth + 1))
                .collect(),
        ),
        _ => Value::Object(
            (0..rng.below(4))
                .map(|i| (format!("k{i}"), random_value(rng, depth + 1)))
                .collect(),
        ),
    }
}

/// Replace one node of `v`, chosen at random along a random path, by a value of another
/// type (or drop a key, or duplicate an array item).
fn swap_node(rng: &mut Rng, node: &mut Value) {
    if rng.below(4) != 0 {
        match node {
            Value::Object(m) if !m.is_empty() => {
                let k = rng.below(m.len());
                if let Some(child) = m.values_mut().nth(k) {
                    swap_node(rng, child);
                    return;
                }
            }
            Value::Array(a) if !a.is_empty() => {
                let k = rng.below(a.len());
                if let Some(child) = a.get_mut(k) {
                    swap_node(rng, child);
                    return;
                }
            }
            _ => {}
        }
    }
    match (rng.below(5), &mut *node) {
        (0, Value::Object(m)) if !m.is_empty() => {
            let k = rng.below(m.len());
            if let Some(key) = m.keys().nth(k).cloned() {
                m.remove(&key);
            }
        }
        (1, Value::Array(a)) if !a.is_empty() => {
            let item = a[rng.below(a.len())].clone();
            a.push(item);
        }
        (2, _) => {
            if let Ok(odd) = serde_json::from_str::<Value>(ODD_VALUES[rng.below(ODD_VALUES.len())])
            {
                *node = odd;
            }
        }
        _ => *node = random_value(rng, 0),
    }
}

/// Wrap `data` in `depth` levels of arrays or objects.
fn nest(rng: &mut Rng, data: &[u8], depth: usize) -> Vec<u8> {
    let (open, close): (&[u8], &[u8]) = if rng.one_in(2) {
        (b"[", b"]")
    } else {
        (b"{\"event\":", b"}")
    };
    let mut out = Vec::with_capacity(data.len() + depth * (open.len() + close.len()));
    for _ in 0..depth {
        out.extend_from_slice(open);
    }
    out.extend_from_slice(data);
    for _ in 0..depth {
        out.extend_from_slice(close);
    }
    out
}

/// Where the body starts (after a framing head, see `decoders::split`), so JSON-aware
/// mutations work on the JSON and keep the head.
fn body_start(data: &[u8]) -> usize {
    data.windows(2)
        .position(|w| w == b"\n\n")
        .map(|p| p + 2)
        .unwrap_or(0)
}

/// One mutation of `data`; `other` is another seed to splice from.
pub fn mutate_once(rng: &mut Rng, data: &mut Vec<u8>, other: &[u8]) {
    let len = data.len();
    match rng.below(16) {
        // Truncation.
        0 => data.truncate(rng.below(len + 1)),
        // Flip bits in a few bytes.
        1 => {
            for _ in 0..=rng.below(4) {
                if !data.is_empty() {
                    let i = rng.below(data.len());
                    data[i] ^= 1 << rng.below(8);
                }
            }
        }
        // Set a byte to anything.
        2 => {
            if !data.is_empty() {
                let i = rng.below(data.len());
                data[i] = rng.next_u64() as u8;
            }
        }
        // Insert random bytes.
        3 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.next_u64() as u8).collect();
            data.splice(at..at, bytes);
        }
        // Delete a range.
        4 => {
            if len > 0 {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(16)).min(len);
                data.drain(a..b);
            }
        }
        // Duplicate a range.
        5 => {
            if len > 0 {
                let a = rng.below(len);
                let b = (a + 1 + rng.below(64)).min(len);
                let chunk = data[a..b].to_vec();
                let at = rng.below(data.len() + 1);
                data.splice(at..at, chunk);
            }
        }
        // Splice: our head with another seed's tail.
        6 => {
            if !other.is_empty() {
                let a = rng.below(len + 1);
                let b = rng.below(other.len());
                data.truncate(a);
                data.extend_from_slice(&other[b..]);
            }
        }
        // Invalid UTF-8.
        7 => {
            let at = rng.below(len + 1);
            data.splice(at..at, rng.pick(BAD_UTF8).iter().copied());
        }
        // A token of the wire formats.
        8 => {
            let at = rng.below(len + 1);
            data.splice(at..at, rng.pick(FORMAT_TOKENS).iter().copied());
        }
        // An odd JSON value after a ':' (a value's place) in the text.
        9 => {
            let colons: Vec<usize> = data
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b':')
                .map(|(i, _)| i + 1)
                .collect();
            if !colons.is_empty() {
                let at = *rng.pick(&colons);
                let end = data[at..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']'))
                    .map_or(data.len(), |p| p + at);
                let odd = ODD_VALUES[rng.below(ODD_VALUES.len())];
                data.splice(at..end, odd.bytes());
            }
        }
        // Deep nesting around the body (rarely very deep).
        10 => {
            let start = body_start(data);
            let depth = if rng.one_in(8) {
                1_000 + rng.below(50_000)
            } else {
                1 + rng.below(200)
            };
            let nested = nest(rng, &data[start..], depth);
            data.truncate(start);
            data.extend_from_slice(&nested);
        }
        // Unbalanced deep opening (no closing).
        11 => {
            let at = rng.below(len + 1);
            let n = 1 + rng.below(5_000);
            let open = if rng.one_in(2) { b'[' } else { b'{' };
            data.splice(at..at, std::iter::repeat_n(open, n));
        }
        // JSON-aware: parse, swap a node's type, print back (compact or pretty).
        _ => {
            let start = body_start(data);
            let Ok(mut v) = serde_json::from_slice::<Value>(&data[start..]) else {
                // Not JSON (any more): damage it at byte level instead.
                data.truncate(rng.below(len + 1));
                return;
            };
            for _ in 0..=rng.below(3) {
                swap_node(rng, &mut v);
            }
            let printed = if rng.one_in(4) {
                serde_json::to_vec_pretty(&v)
            } else {
                serde_json::to_vec(&v)
            };
            if let Ok(printed) = printed {
                data.truncate(start);
                data.extend_from_slice(&printed);
            }
        }
    }
}

/// A fresh input: a seed with 1 to 4 stacked mutations (sometimes none, sometimes pure noise).
pub fn generate(rng: &mut Rng, seeds: &[Vec<u8>]) -> Vec<u8> {
    if seeds.is_empty() || rng.one_in(64) {
        let n = rng.below(256);
        return (0..n).map(|_| rng.next_u64() as u8).collect();
    }
    let mut data = rng.pick(seeds).clone();
    if rng.one_in(32) {
        return data;
    }
    let other = rng.pick(seeds).clone();
    for _ in 0..=rng.below(4) {
        mutate_once(rng, &mut data, &other);
    }
    // Keep inputs bounded (deep nesting aside) so a run stays fast.
    data.truncate(256 * 1024);
    data
}

/// A large JSON sample made small but alike: every array keeps its first two items and long
/// strings are cut, so a seed of 700 KiB (a page of history) becomes a few KiB of the same
/// shapes. Inputs that are not JSON, or small, come back as they are.
pub fn shrink_seed(data: &[u8], limit: usize) -> Vec<u8> {
    fn shrink(v: &mut Value) {
        match v {
            Value::Array(a) => {
                a.truncate(2);
                a.iter_mut().for_each(shrink);
            }
            Value::Object(m) => m.values_mut().for_each(shrink),
            Value::String(s) if s.len() > 256 => {
                let mut cut = 256;
                while !s.is_char_boundary(cut) {
                    cut -= 1;
                }
                s.truncate(cut);
            }
            _ => {}
        }
    }
    if data.len() <= limit {
        return data.to_vec();
    }
    match serde_json::from_slice::<Value>(data) {
        Ok(mut v) => {
            shrink(&mut v);
            serde_json::to_vec(&v).unwrap_or_else(|_| data.to_vec())
        }
        Err(_) => data.to_vec(),
    }
}
