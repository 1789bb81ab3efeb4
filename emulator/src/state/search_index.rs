//! An inverted word index over the stored messages, for `search.messages`.
//!
//! Kept current as messages are stored, edited and removed ([`SearchIndex::add`],
//! [`SearchIndex::remove`]) from the seeded workspace on. It is derived data: a snapshot
//! leaves it out, and an index that is not current (restored from a snapshot, or after many
//! removals) is rebuilt from the messages on the next search ([`SearchIndex::ensure`]).
//!
//! Documents get increasing ids, so every posting list is sorted and an `AND` is a merge.
//! Removal only marks a document dead; its postings are skipped until the next rebuild.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::Message;

/// One indexed message.
#[derive(Debug, Clone)]
struct Doc {
    channel: u32,
    user: u32,
    /// The `ts` in microseconds, for sorting without touching the string.
    key: u64,
    ts: String,
    /// The message's words as vocabulary ids, in order (for phrases).
    seq: Box<[u32]>,
    live: bool,
}

/// A word of a query: the word itself, or every word that starts with it (`deploy*`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Term {
    Word(String),
    Prefix(String),
}

/// One match: the document, how many times the query's words occur in it, and its `ts` in
/// microseconds (so that sorting touches only the hits).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub(crate) doc: u32,
    pub(crate) score: u32,
    pub(crate) key: u64,
}

/// A message `ts` (`1700000000.000123`) in microseconds; 0 when it is not one.
pub(crate) fn ts_key(ts: &str) -> u64 {
    let (secs, frac) = ts.split_once('.').unwrap_or((ts, ""));
    let Ok(secs) = secs.parse::<u64>() else {
        return 0;
    };
    let mut micros = 0_u64;
    let mut digits = 0;
    for c in frac.chars().take(6) {
        let Some(d) = c.to_digit(10) else {
            return 0;
        };
        micros = micros * 10 + u64::from(d);
        digits += 1;
    }
    for _ in digits..6 {
        micros *= 10;
    }
    secs.saturating_mul(1_000_000).saturating_add(micros)
}

/// The inverted index (see the module docs).
#[derive(Debug, Default, Clone)]
pub(crate) struct SearchIndex {
    built: bool,
    channels: Vec<String>,
    channel_ids: HashMap<String, u32>,
    users: Vec<String>,
    user_ids: HashMap<String, u32>,
    docs: Vec<Doc>,
    /// Every word seen, numbered.
    vocab: HashMap<String, u32>,
    keys: HashMap<(u32, u64), u32>,
    /// Every word in order, for prefixes (grows only with new words).
    sorted: BTreeMap<String, u32>,
    /// Per word id: the documents holding it and how often, by document.
    postings: Vec<Vec<(u32, u32)>>,
    dead: usize,
}

/// The lower-case words of `text`: runs of letters and digits.
pub(crate) fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The text of a message that search looks at: its text and its attachments' text.
pub(crate) fn searchable_text(m: &Message) -> String {
    let mut out = m
        .get("text")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    if let Some(list) = m.get("attachments").and_then(Value::as_array) {
        for a in list {
            for key in ["pretext", "title", "text", "fallback"] {
                if let Some(t) = a.get(key).and_then(Value::as_str) {
                    out.push('\n');
                    out.push_str(t);
                }
            }
        }
    }
    out
}

fn str_field<'a>(m: &'a Message, key: &str) -> &'a str {
    m.get(key).and_then(Value::as_str).unwrap_or("")
}

fn intern(names: &mut Vec<String>, ids: &mut HashMap<String, u32>, name: &str) -> u32 {
    if let Some(id) = ids.get(name) {
        return *id;
    }
    let id = u32::try_from(names.len()).unwrap_or(u32::MAX);
    names.push(name.to_owned());
    ids.insert(name.to_owned(), id);
    id
}

/// The documents in both sorted lists, scores added.
fn intersect(a: &[(u32, u32)], b: &[(u32, u32)]) -> Vec<(u32, u32)> {
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(a.len().min(b.len()));
    while let (Some(x), Some(y)) = (a.get(i), b.get(j)) {
        match x.0.cmp(&y.0) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.push((x.0, x.1 + y.1));
                i += 1;
                j += 1;
            }
        }
    }
    out
}

impl SearchIndex {
    /// An index of no messages, current (for a new workspace, which has none).
    pub(crate) fn empty() -> Self {
        SearchIndex {
            built: true,
            ..SearchIndex::default()
        }
    }

    /// Whether the index reflects the stored messages.
    #[cfg(test)]
    pub(crate) fn is_built(&self) -> bool {
        self.built
    }

    /// Rebuild from every stored message if the index is not current.
    pub(crate) fn ensure(&mut self, messages: &HashMap<String, Vec<Message>>) {
        if self.built {
            return;
        }
        *self = SearchIndex {
            built: true,
            ..SearchIndex::default()
        };
        let mut all: Vec<(&str, &Message)> = messages
            .iter()
            .flat_map(|(c, list)| list.iter().map(move |m| (c.as_str(), m)))
            .collect();
        all.sort_by(|a, b| str_field(a.1, "ts").cmp(str_field(b.1, "ts")));
        for (channel, m) in all {
            self.add(channel, m);
        }
    }

    /// Index (or re-index) a stored message. A no-op until the index is built.
    pub(crate) fn add(&mut self, channel: &str, m: &Message) {
        if !self.built {
            return;
        }
        let ts = str_field(m, "ts");
        if ts.is_empty() {
            return;
        }
        self.remove(channel, ts);
        let ch = intern(&mut self.channels, &mut self.channel_ids, channel);
        let user = intern(&mut self.users, &mut self.user_ids, str_field(m, "user"));
        let Ok(id) = u32::try_from(self.docs.len()) else {
            // Past four billion documents: give up on indexing, search rebuilds.
            self.built = false;
            return;
        };
        let key = ts_key(ts);
        // A message has few words: a list beats a map.
        let mut counts: Vec<(u32, u32)> = Vec::new();
        let mut seq = Vec::new();
        for w in words(&searchable_text(m)) {
            let word = match self.vocab.get(&w) {
                Some(v) => *v,
                None => {
                    let Ok(next) = u32::try_from(self.postings.len()) else {
                        self.built = false;
                        return;
                    };
                    self.vocab.insert(w.clone(), next);
                    self.sorted.insert(w, next);
                    self.postings.push(Vec::new());
                    next
                }
            };
            seq.push(word);
            match counts.iter_mut().find(|(x, _)| *x == word) {
                Some((_, n)) => *n += 1,
                None => counts.push((word, 1)),
            }
        }
        self.docs.push(Doc {
            channel: ch,
            user,
            key,
            ts: ts.to_owned(),
            seq: seq.into_boxed_slice(),
            live: true,
        });
        self.keys.insert((ch, key), id);
        for (w, n) in counts {
            if let Some(list) = self.postings.get_mut(w as usize) {
                list.push((id, n));
            }
        }
    }

    /// Forget a message (deleted, or about to be re-indexed).
    pub(crate) fn remove(&mut self, channel: &str, ts: &str) {
        if !self.built {
            return;
        }
        let Some(ch) = self.channel_ids.get(channel).copied() else {
            return;
        };
        let key = (ch, ts_key(ts));
        let Some(id) = self.keys.get(&key).copied() else {
            return;
        };
        if let Some(d) = self.docs.get_mut(id as usize).filter(|d| d.ts == ts) {
            d.live = false;
            self.dead += 1;
            self.keys.remove(&key);
        }
        // Many dead documents slow every search: start over on the next one.
        if self.dead > 10_000 && self.dead * 2 > self.docs.len() {
            self.built = false;
        }
    }

    /// The channel and `ts` of a document.
    pub(crate) fn doc(&self, id: u32) -> Option<(&str, &str)> {
        let d = self.docs.get(id as usize)?;
        let ch = self.channels.get(d.channel as usize)?;
        Some((ch.as_str(), d.ts.as_str()))
    }

    /// The postings of one word (none for a word never seen).
    fn word_postings(&self, w: &str) -> &[(u32, u32)] {
        self.vocab
            .get(w)
            .and_then(|id| self.postings.get(*id as usize))
            .map_or(&[], Vec::as_slice)
    }

    /// The postings of one term, sorted by document.
    fn postings_of(&self, term: &Term) -> Vec<(u32, u32)> {
        match term {
            Term::Word(w) => self.word_postings(w).to_vec(),
            Term::Prefix(p) => {
                let mut all: Vec<(u32, u32)> = self
                    .sorted
                    .range(p.clone()..)
                    .take_while(|(k, _)| k.starts_with(p.as_str()))
                    .filter_map(|(_, id)| self.postings.get(*id as usize))
                    .flat_map(|v| v.iter().copied())
                    .collect();
                all.sort_unstable_by_key(|(d, _)| *d);
                all.dedup_by(|b, a| {
                    if a.0 == b.0 {
                        a.1 += b.1;
                        true
                    } else {
                        false
                    }
                });
                all
            }
        }
    }

    /// Whether document `id` holds the words of `phrase` one after another.
    fn has_phrase(&self, id: u32, phrase: &[u32]) -> bool {
        self.docs
            .get(id as usize)
            .is_some_and(|d| !phrase.is_empty() && d.seq.windows(phrase.len()).any(|w| w == phrase))
    }

    /// The live documents that hold every term of `all`, every phrase of `phrases` (each
    /// a list of lower-case words), and no word of `none`, in channels `channel_ok` accepts,
    /// by one of `from` (any user when `None`).
    pub(crate) fn search(
        &self,
        all: &[Term],
        phrases: &[Vec<String>],
        none: &[String],
        channel_ok: impl Fn(&str) -> bool,
        from: Option<&[String]>,
    ) -> Vec<Hit> {
        // A phrase with a word never seen matches nothing.
        let phrases: Option<Vec<Vec<u32>>> = phrases
            .iter()
            .map(|p| p.iter().map(|w| self.vocab.get(w).copied()).collect())
            .collect();
        let Some(phrases) = phrases else {
            return Vec::new();
        };
        let channels: Vec<bool> = self.channels.iter().map(|c| channel_ok(c)).collect();
        let users: Option<Vec<u32>> = from.map(|list| {
            list.iter()
                .filter_map(|u| self.user_ids.get(u))
                .copied()
                .collect()
        });
        let mut lists: Vec<Vec<(u32, u32)>> = all.iter().map(|t| self.postings_of(t)).collect();
        lists.sort_by_key(Vec::len);
        let mut lists = lists.into_iter();
        let mut found: Vec<(u32, u32)> = match lists.next() {
            Some(first) => lists.fold(first, |acc, l| intersect(&acc, &l)),
            None => (0..self.docs.len())
                .filter_map(|d| u32::try_from(d).ok())
                .map(|d| (d, 0))
                .collect(),
        };
        for w in none {
            let p = self.word_postings(w);
            if !p.is_empty() {
                found.retain(|(d, _)| p.binary_search_by_key(d, |(x, _)| *x).is_err());
            }
        }
        found
            .into_iter()
            .filter(|(d, _)| {
                self.docs.get(*d as usize).is_some_and(|doc| {
                    doc.live
                        && channels.get(doc.channel as usize).copied().unwrap_or(false)
                        && users.as_ref().is_none_or(|u| u.contains(&doc.user))
                }) && phrases.iter().all(|p| self.has_phrase(*d, p))
            })
            .map(|(doc, score)| Hit {
                doc,
                score,
                key: self.docs.get(doc as usize).map_or(0, |d| d.key),
            })
            .collect()
    }
}

// The index is rebuilt from the messages, so a snapshot holds nothing of it and a restored
// workspace starts with an unbuilt one.
impl serde::Serialize for SearchIndex {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_unit()
    }
}

impl<'de> serde::Deserialize<'de> for SearchIndex {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(d)?;
        Ok(SearchIndex::default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn msg(ts: &str, user: &str, text: &str) -> Message {
        let Value::Object(m) = json!({"ts": ts, "user": user, "text": text}) else {
            return Message::new();
        };
        m
    }

    fn docs(ix: &SearchIndex, hits: &[Hit]) -> Vec<String> {
        hits.iter()
            .filter_map(|h| ix.doc(h.doc))
            .map(|(c, ts)| format!("{c}/{ts}"))
            .collect()
    }

    #[test]
    fn words_prefixes_exclusions_and_removal() {
        let mut messages: HashMap<String, Vec<Message>> = HashMap::new();
        messages.insert(
            "C1".into(),
            vec![
                msg("1.000001", "U1", "Deploy the build, deploy!"),
                msg("1.000003", "U2", "deployment done"),
            ],
        );
        messages.insert("C2".into(), vec![msg("1.000002", "U1", "build failed")]);
        let mut ix = SearchIndex::default();
        ix.add("C1", &msg("9.0", "U9", "ignored: not built yet"));
        assert_eq!(ts_key("1700000000.000123"), 1_700_000_000_000_123);
        assert_eq!(ts_key("1.5"), 1_500_000);
        assert_eq!(ts_key("x"), 0);
        ix.ensure(&messages);
        let any = |_: &str| true;
        let w = |s: &str| Term::Word(s.into());
        let hits = ix.search(&[w("deploy")], &[], &[], any, None);
        assert_eq!(docs(&ix, &hits), ["C1/1.000001"]);
        assert_eq!(hits[0].score, 2);
        let hits = ix.search(&[Term::Prefix("deploy".into())], &[], &[], any, None);
        assert_eq!(docs(&ix, &hits), ["C1/1.000001", "C1/1.000003"]);
        let hits = ix.search(&[w("build")], &[], &["failed".into()], any, None);
        assert_eq!(docs(&ix, &hits), ["C1/1.000001"]);
        let hits = ix.search(&[w("build")], &[], &[], |c| c == "C2", None);
        assert_eq!(docs(&ix, &hits), ["C2/1.000002"]);
        let hits = ix.search(&[w("build")], &[], &[], any, Some(&["U2".into()]));
        assert!(hits.is_empty());
        assert!(ix.search(&[w("ignored")], &[], &[], any, None).is_empty());
        // Edit, then delete.
        ix.add("C1", &msg("1.000001", "U1", "rolled back"));
        assert!(ix.search(&[w("deploy")], &[], &[], any, None).is_empty());
        assert_eq!(ix.search(&[w("rolled")], &[], &[], any, None).len(), 1);
        ix.remove("C1", "1.000001");
        assert!(ix.search(&[w("rolled")], &[], &[], any, None).is_empty());
        // Phrases: consecutive words only.
        let build_deploy = vec![vec!["build".to_owned(), "deploy".to_owned()]];
        assert!(ix.search(&[], &build_deploy, &[], any, None).is_empty());
        let done = vec![vec!["deployment".to_owned(), "done".to_owned()]];
        assert_eq!(ix.search(&[], &done, &[], any, None).len(), 1);
        let unseen = vec![vec!["never".to_owned(), "seen".to_owned()]];
        assert!(ix.search(&[], &unseen, &[], any, None).is_empty());
        // No words: everything the filters let through.
        assert_eq!(ix.search(&[], &[], &[], any, None).len(), 2);
    }

    #[test]
    fn snapshots_leave_the_index_out() {
        let mut ix = SearchIndex::default();
        ix.ensure(&HashMap::new());
        assert!(ix.is_built());
        let text = serde_json::to_string(&ix).unwrap_or_default();
        assert_eq!(text, "null");
        let back: SearchIndex = serde_json::from_str("{\"anything\": 1}").unwrap_or_default();
        assert!(!back.is_built());
    }
}
