//! `search.messages`, `search.files`, `search.all` over the emulator's messages and files.
//!
//! Query syntax (Slack's basics): words (all must match, case-insensitive), `"a phrase"`,
//! `word*` (prefix), `-word` (must not match), `in:#channel` / `in:<#C…>` / `in:@user`
//! (the caller's IM with them), `from:@user` / `from:<@U…>` / `from:me`, `before:`/`after:`/
//! `on:` a `YYYY-MM-DD` date, `has:link` / `has:reaction` / `has:pin`. Messages come from
//! the inverted index in [`crate::state::SearchIndex`]; only conversations the caller can
//! see are searched. Sorted by `score` (default; ties newest first) or `timestamp`, paged
//! with `count`/`page` (or `cursor`).

use serde_json::{json, Value};

use super::page_count;
use super::users_ext::user_token_only;
use super::{err, ok, Ctx, Outcome};
use crate::state::{words, Hit, Kind, Message, Term, Workspace};
use crate::wire::ApiRequest;

/// A parsed query.
#[derive(Debug, Default, Clone, PartialEq)]
struct Query {
    terms: Vec<Term>,
    exclude: Vec<String>,
    /// Quoted phrases of more than one word: their lower-case words.
    phrases: Vec<Vec<String>>,
    /// `in:` channel ids (`None`: anywhere). A name that resolves to nothing keeps an
    /// impossible id so nothing matches.
    channels: Option<Vec<String>>,
    from: Option<Vec<String>>,
    /// Unix seconds: `after`/`before` bounds (exclusive), as Slack's day granularity.
    after: Option<u64>,
    before: Option<u64>,
    has: Vec<String>,
}

/// Split a query into tokens, keeping quoted phrases (with their quotes) together.
fn tokens(q: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    for c in q.chars() {
        match c {
            '"' => {
                cur.push(c);
                quoted = !quoted;
                if !quoted {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c if c.is_whitespace() && !quoted => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
            c => cur.push(c),
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The Unix second a `YYYY-MM-DD` day starts at (UTC).
fn day_start(s: &str) -> Option<u64> {
    let mut it = s.splitn(3, '-').map(|p| p.parse::<i64>().ok());
    let (y, m, d) = (it.next()??, it.next()??, it.next()??);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    u64::try_from(days_from_civil(y, m, d) * 86_400).ok()
}

/// The id inside `<#C…|name>` / `<@U…>`, else the text without a leading `#`/`@`.
fn reference(raw: &str) -> String {
    let inner = raw
        .strip_prefix('<')
        .and_then(|r| r.strip_suffix('>'))
        .map(|r| r.split('|').next().unwrap_or(r))
        .unwrap_or(raw);
    inner.trim_start_matches(['#', '@']).to_owned()
}

fn resolve_user(ws: &Workspace, caller: &str, raw: &str) -> String {
    let r = reference(raw);
    if r == "me" {
        return caller.to_owned();
    }
    ws.users
        .iter()
        .find(|u| u.id == r || u.name.eq_ignore_ascii_case(&r))
        .map_or_else(|| format!("?{r}"), |u| u.id.clone())
}

fn parse(ws: &Workspace, caller: &str, q: &str) -> Query {
    let mut out = Query::default();
    for tok in tokens(q) {
        if let Some(p) = tok.strip_prefix('"') {
            let p = p.strip_suffix('"').unwrap_or(p);
            let ws_words: Vec<String> = words(p).collect();
            out.terms
                .extend(ws_words.iter().map(|w| Term::Word(w.clone())));
            if ws_words.len() > 1 {
                out.phrases.push(ws_words);
            }
            continue;
        }
        if let Some((key, value)) = tok.split_once(':') {
            let key = key.to_ascii_lowercase();
            match key.as_str() {
                "in" => {
                    let id = if value.starts_with('@') || value.starts_with("<@") {
                        let other = resolve_user(ws, caller, value);
                        ws.im_between(caller, &other).map(|c| c.id.clone())
                    } else {
                        ws.resolve_channel(&reference(value))
                    };
                    out.channels
                        .get_or_insert_with(Vec::new)
                        .push(id.unwrap_or_else(|| "?".into()));
                    continue;
                }
                "from" => {
                    let id = resolve_user(ws, caller, value);
                    out.from.get_or_insert_with(Vec::new).push(id);
                    continue;
                }
                "after" | "before" | "on" | "during" => {
                    if let Some(start) = day_start(value) {
                        match key.as_str() {
                            "after" => out.after = Some(start + 86_400 - 1),
                            "before" => out.before = Some(start),
                            _ => {
                                out.after = Some(start.saturating_sub(1));
                                out.before = Some(start + 86_400);
                            }
                        }
                        continue;
                    }
                }
                "has" => {
                    out.has.push(value.to_ascii_lowercase());
                    continue;
                }
                _ => {}
            }
        }
        if let Some(neg) = tok.strip_prefix('-').filter(|n| !n.is_empty()) {
            out.exclude.extend(words(neg));
            continue;
        }
        if let Some(prefix) = tok.strip_suffix('*') {
            let ws_words: Vec<String> = words(prefix).collect();
            if let Some((last, rest)) = ws_words.split_last() {
                out.terms.extend(rest.iter().map(|w| Term::Word(w.clone())));
                out.terms.push(Term::Prefix(last.clone()));
            }
            continue;
        }
        out.terms.extend(words(&tok).map(Term::Word));
    }
    out
}

/// Whether `user` may see conversation `channel` (public, or a member).
fn visible(ws: &Workspace, user: &str, channel: &str) -> bool {
    ws.channel(channel)
        .is_some_and(|c| c.kind == Kind::Public || c.has_member(user))
}

/// The checks only the stored message answers (`has:`).
fn keeps(q: &Query, m: &Message) -> bool {
    q.has.iter().all(|h| match h.as_str() {
        "link" => m
            .get("text")
            .and_then(Value::as_str)
            .is_some_and(|t| t.contains("http://") || t.contains("https://")),
        "reaction" => m.contains_key("reactions"),
        "pin" => m.contains_key("pinned_to"),
        "star" => false,
        _ => true,
    })
}

/// Sort order from `sort` and `sort_dir`: by timestamp, newest first unless `asc`.
fn by_timestamp(req: &ApiRequest) -> (bool, bool) {
    let ts = req.nonempty("sort").as_deref() == Some("timestamp");
    let asc = req.nonempty("sort_dir").as_deref() == Some("asc");
    (ts, asc)
}

/// The matching messages, unsorted (see [`sort_top`]).
fn message_hits(ws: &mut Workspace, user: &str, q: &Query) -> Vec<Hit> {
    ws.search_index.ensure(&ws.messages);
    let ws: &Workspace = ws;
    let allowed = |c: &str| {
        q.channels.as_ref().is_none_or(|l| l.iter().any(|x| x == c)) && visible(ws, user, c)
    };
    let ix = &ws.search_index;
    let mut hits = ix.search(&q.terms, &q.phrases, &q.exclude, allowed, q.from.as_deref());
    if q.after.is_some() || q.before.is_some() {
        hits.retain(|h| {
            let s = h.key / 1_000_000;
            q.after.is_none_or(|a| s > a) && q.before.is_none_or(|b| s < b)
        });
    }
    if !q.has.is_empty() {
        hits.retain(|h| {
            ix.doc(h.doc)
                .and_then(|(c, ts)| ws.find_message(c, ts))
                .is_some_and(|m| keeps(q, m))
        });
    }
    hits
}

/// Put the first `need` hits in answer order (the rest stay unordered behind them): by
/// score, ties newest first, or by timestamp (`sort=timestamp`, newest first unless
/// `sort_dir=asc`). Only the pages asked for are sorted, so a common word stays cheap.
fn sort_top(hits: &mut [Hit], need: usize, req: &ApiRequest) {
    let (by_ts, asc) = by_timestamp(req);
    let order = |a: &Hit, b: &Hit| {
        if by_ts {
            let o = a.key.cmp(&b.key).then(a.doc.cmp(&b.doc));
            if asc {
                o
            } else {
                o.reverse()
            }
        } else {
            b.score
                .cmp(&a.score)
                .then(b.key.cmp(&a.key))
                .then(b.doc.cmp(&a.doc))
        }
    };
    let need = need.min(hits.len());
    if need == 0 {
        return;
    }
    if need < hits.len() {
        hits.select_nth_unstable_by(need - 1, order);
    }
    if let Some(top) = hits.get_mut(..need) {
        top.sort_unstable_by(order);
    }
}

fn channel_json(ws: &Workspace, viewer: &str, id: &str) -> Value {
    let Some(c) = ws.channel(id) else {
        return json!({"id": id});
    };
    let name = if c.kind == Kind::Im {
        c.members
            .iter()
            .find(|m| *m != viewer)
            .cloned()
            .unwrap_or_default()
    } else {
        c.name.clone()
    };
    json!({
        "id": c.id, "name": name, "is_channel": c.kind == Kind::Public,
        "is_group": c.kind == Kind::Private, "is_im": c.kind == Kind::Im,
        "is_mpim": c.kind == Kind::Mpim, "is_private": c.kind != Kind::Public,
        "is_shared": false, "is_ext_shared": false, "is_org_shared": false,
        "is_pending_ext_shared": false, "pending_shared": [],
    })
}

fn match_json(ws: &Workspace, viewer: &str, hit: Hit, query_terms: usize) -> Option<Value> {
    let (channel, ts) = ws.search_index.doc(hit.doc)?;
    let m = ws.find_message(channel, ts)?;
    let user = m.get("user").and_then(Value::as_str).unwrap_or("");
    let username = ws.user(user).map(|u| u.name.clone()).unwrap_or_default();
    let mut v = json!({
        "iid": crate::state::opaque_id(u64::from(hit.doc), 0x005e_a4c4),
        "team": ws.team_id, "channel": channel_json(ws, viewer, channel),
        "type": "message", "user": user, "username": username, "ts": ts,
        "text": m.get("text").cloned().unwrap_or(json!("")),
        "permalink": format!(
            "https://{}.slack.com/archives/{channel}/p{}", ws.domain, ts.replace('.', "")
        ),
        "score": if query_terms == 0 { 0.0 } else { f64::from(hit.score) },
    });
    for key in ["blocks", "attachments", "files"] {
        if let Some(x) = m.get(key) {
            v[key] = x.clone();
        }
    }
    Some(v)
}

/// Slack's `{total, pagination, paging, matches}` block.
fn block(matches: Vec<Value>, total: usize, paging: &Value) -> Value {
    let count = paging["count"].as_u64().unwrap_or(20);
    let page = paging["page"].as_u64().unwrap_or(1);
    let total64 = u64::try_from(total).unwrap_or(u64::MAX);
    let first = if total == 0 {
        0
    } else {
        (page - 1) * count + 1
    };
    let last = (page * count).min(total64);
    json!({
        "total": total,
        "pagination": {
            "total_count": total, "page": page, "per_page": count,
            "page_count": paging["pages"], "first": first, "last": last,
        },
        "paging": paging,
        "matches": matches,
    })
}

/// The query argument: `no_query` when it is blank.
fn query_arg(req: &ApiRequest) -> Result<String, super::ApiError> {
    req.nonempty("query").ok_or_else(|| err("no_query"))
}

/// Most matches per page and highest page Slack serves.
const MAX_COUNT: usize = 100;
const MAX_PAGE: usize = 100;

fn messages_block(ws: &mut Workspace, user: &str, req: &ApiRequest, q: &Query) -> Outcome {
    let mut hits = message_hits(ws, user, q);
    let (range, paging, meta) = page_count::page(req, hits.len(), 20, MAX_COUNT, MAX_PAGE)?;
    sort_top(&mut hits, range.end, req);
    let terms = q.terms.len();
    let matches: Vec<Value> = hits
        .get(range)
        .unwrap_or(&[])
        .iter()
        .filter_map(|h| match_json(ws, user, *h, terms))
        .collect();
    let mut b = block(matches, hits.len(), &paging);
    if req.has("cursor") {
        b["response_metadata"] = meta;
    }
    Ok(b)
}

pub(crate) fn messages(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, ctx, "search.messages")?;
    let query = query_arg(req)?;
    let q = parse(ws, &ctx.user, &query);
    let block = messages_block(ws, &ctx.user, req, &q)?;
    ok(json!({"query": query, "messages": block}))
}

/// The files matching `q`: every word in the name or title, visible to `user`.
fn file_matches(ws: &Workspace, user: &str, req: &ApiRequest, q: &Query) -> Vec<Value> {
    let mut out: Vec<(u32, Value)> = ws
        .files
        .values()
        .filter(|f| {
            let shared: Vec<&str> = ["channels", "groups", "ims"]
                .iter()
                .filter_map(|k| f[*k].as_array())
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            let owner = f["user"].as_str() == Some(user);
            let seen = owner || shared.iter().any(|c| visible(ws, user, c));
            let in_ok = q
                .channels
                .as_ref()
                .is_none_or(|l| shared.iter().any(|c| l.iter().any(|x| x == c)));
            let from_ok = q
                .from
                .as_ref()
                .is_none_or(|l| l.iter().any(|u| f["user"].as_str() == Some(u.as_str())));
            seen && in_ok && from_ok
        })
        .filter_map(|f| {
            let text = format!(
                "{} {}",
                f["name"].as_str().unwrap_or(""),
                f["title"].as_str().unwrap_or("")
            );
            let have: Vec<String> = words(&text).collect();
            let mut score = 0_u32;
            for t in &q.terms {
                let n = have
                    .iter()
                    .filter(|w| match t {
                        Term::Word(x) => *w == x,
                        Term::Prefix(p) => w.starts_with(p.as_str()),
                    })
                    .count();
                if n == 0 {
                    return None;
                }
                score += u32::try_from(n).unwrap_or(u32::MAX);
            }
            if q.exclude.iter().any(|x| have.contains(x)) {
                return None;
            }
            if !q
                .phrases
                .iter()
                .all(|p| have.windows(p.len()).any(|w| w == p.as_slice()))
            {
                return None;
            }
            let created = f["created"].as_u64().unwrap_or(0);
            if q.after.is_some_and(|a| created <= a) || q.before.is_some_and(|b| created >= b) {
                return None;
            }
            Some((score, f.clone()))
        })
        .collect();
    let (by_ts, asc) = by_timestamp(req);
    out.sort_by(|a, b| {
        let ta = a.1["created"].as_u64().unwrap_or(0);
        let tb = b.1["created"].as_u64().unwrap_or(0);
        if by_ts {
            if asc {
                ta.cmp(&tb)
            } else {
                tb.cmp(&ta)
            }
        } else {
            b.0.cmp(&a.0).then(tb.cmp(&ta))
        }
    });
    out.into_iter().map(|(_, f)| f).collect()
}

fn files_block(ws: &Workspace, user: &str, req: &ApiRequest, q: &Query) -> Outcome {
    let all = file_matches(ws, user, req, q);
    let (range, paging, _) = page_count::page(req, all.len(), 20, MAX_COUNT, MAX_PAGE)?;
    let page = all.get(range).unwrap_or(&[]).to_vec();
    Ok(block(page, all.len(), &paging))
}

pub(crate) fn files(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, ctx, "search.files")?;
    let query = query_arg(req)?;
    let q = parse(ws, &ctx.user, &query);
    let block = files_block(ws, &ctx.user, req, &q)?;
    ok(json!({"query": query, "files": block}))
}

pub(crate) fn all(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, ctx, "search.all")?;
    let query = query_arg(req)?;
    let q = parse(ws, &ctx.user, &query);
    let messages = messages_block(ws, &ctx.user, req, &q)?;
    let files = files_block(ws, &ctx.user, req, &q)?;
    ok(
        json!({"query": query, "messages": messages, "files": files, "posts": {"total": 0, "matches": []}}),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_parse_into_terms_and_filters() {
        let ws = Workspace::seeded(7);
        let ada = ws.users[1].id.clone();
        let general = ws.resolve_channel("general").unwrap_or_default();
        let q = parse(
            &ws,
            &ada,
            r#"Deploy "the Build" in:#general from:@grace -flaky rel* after:2024-01-31"#,
        );
        assert_eq!(
            q.terms,
            vec![
                Term::Word("deploy".into()),
                Term::Word("the".into()),
                Term::Word("build".into()),
                Term::Prefix("rel".into()),
            ]
        );
        assert_eq!(q.phrases, vec![vec!["the".to_owned(), "build".to_owned()]]);
        assert_eq!(q.exclude, vec!["flaky".to_owned()]);
        assert_eq!(q.channels, Some(vec![general]));
        assert_eq!(q.from, Some(vec![ws.users[2].id.clone()]));
        assert_eq!(q.after, Some(1_706_745_599));
        let q = parse(&ws, &ada, "from:me in:#nowhere");
        assert_eq!(q.from, Some(vec![ada]));
        assert_eq!(q.channels, Some(vec!["?".to_owned()]));
    }

    #[test]
    fn only_the_pages_asked_for_are_sorted() {
        let hit = |doc, score, key| Hit { doc, score, key };
        let mut hits: Vec<Hit> = (0..100).map(|i| hit(i, i % 7, u64::from(i))).collect();
        sort_top(&mut hits, 3, &ApiRequest::default());
        assert_eq!(
            hits[..3].to_vec(),
            vec![hit(97, 6, 97), hit(90, 6, 90), hit(83, 6, 83)]
        );
        let mut req = ApiRequest::default();
        req.args.insert("sort".into(), json!("timestamp"));
        req.args.insert("sort_dir".into(), json!("asc"));
        sort_top(&mut hits, 2, &req);
        assert_eq!(hits[..2].to_vec(), vec![hit(0, 0, 0), hit(1, 1, 1)]);
    }

    #[test]
    fn civil_days() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(day_start("2000-03-01"), Some(951_868_800));
        assert_eq!(day_start("2000-13-01"), None);
    }
}
