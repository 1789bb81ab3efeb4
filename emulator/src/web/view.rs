//! `GET /_emulator/overview`: the workspace as the web page shows it, bounded whatever the
//! workspace's size: users, conversations (with counts), the newest files, and the newest
//! threads of one conversation with their replies.

use serde_json::{json, Value};

use super::redact;
use crate::state::{Kind, Message, Workspace};

/// Top-level messages shown for the selected conversation.
pub(crate) const MAX_THREADS: usize = 100;
/// Replies shown per thread (the newest).
pub(crate) const MAX_REPLIES: usize = 50;
/// Files listed (the newest).
pub(crate) const MAX_FILES: usize = 50;

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Public => "public",
        Kind::Private => "private",
        Kind::Im => "im",
        Kind::Mpim => "mpim",
    }
}

fn str_field<'a>(m: &'a Message, key: &str) -> &'a str {
    m.get(key).and_then(Value::as_str).unwrap_or("")
}

fn is_top_level(m: &Message) -> bool {
    let thread = str_field(m, "thread_ts");
    thread.is_empty() || thread == str_field(m, "ts")
}

/// The newest [`MAX_THREADS`] top-level messages of `channel`, oldest first, each with a
/// `replies` array (its newest [`MAX_REPLIES`] replies, oldest first).
fn threads(ws: &Workspace, channel: &str) -> Vec<Value> {
    let all = ws.channel_messages(channel);
    // Replies come after their parent, so the newest threads and all their replies lie in
    // the tail that starts at the MAX_THREADS-th top-level message from the end.
    let mut start = all.len();
    let mut found = 0;
    while start > 0 && found < MAX_THREADS {
        start -= 1;
        if is_top_level(&all[start]) {
            found += 1;
        }
    }
    let tail = &all[start..];
    let mut out: Vec<Value> = Vec::new();
    let mut replies: std::collections::HashMap<&str, Vec<&Message>> =
        std::collections::HashMap::new();
    for m in tail {
        if !is_top_level(m) {
            replies
                .entry(str_field(m, "thread_ts"))
                .or_default()
                .push(m);
        }
    }
    for m in tail.iter().filter(|m| is_top_level(m)) {
        let mut v = Value::Object(m.clone());
        let list = replies.remove(str_field(m, "ts")).unwrap_or_default();
        let skip = list.len().saturating_sub(MAX_REPLIES);
        v["replies"] = Value::Array(
            list[skip..]
                .iter()
                .map(|r| Value::Object((*r).clone()))
                .collect(),
        );
        out.push(v);
    }
    out
}

/// The overview, with the threads of `selected` (an id or name; default `#general`).
pub(crate) fn overview(ws: &Workspace, selected: Option<&str>) -> Value {
    let user_name = |id: &str| {
        ws.user(id)
            .map_or_else(|| id.to_owned(), |u| u.name.clone())
    };
    let channels: Vec<Value> = ws
        .channels
        .iter()
        .map(|c| {
            let name = if c.name.is_empty() {
                c.members
                    .iter()
                    .map(|m| user_name(m))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                c.name.clone()
            };
            json!({
                "id": c.id, "name": name, "kind": kind_name(c.kind), "archived": c.archived,
                "is_general": c.is_general, "topic": c.topic, "purpose": c.purpose,
                "members": c.members, "messages": ws.channel_messages(&c.id).len(),
            })
        })
        .collect();
    let users: Vec<Value> = ws
        .users
        .iter()
        .map(|u| json!({"id": u.id, "name": u.name, "real_name": u.real_name, "is_bot": u.is_bot}))
        .collect();
    let files: Vec<Value> = ws
        .files
        .values()
        .rev()
        .take(MAX_FILES)
        .map(|f| {
            let pick = |k: &str| f.get(k).cloned().unwrap_or(Value::Null);
            json!({
                "id": pick("id"), "name": pick("name"), "title": pick("title"),
                "size": pick("size"), "user": pick("user"), "created": pick("created"),
                "mimetype": pick("mimetype"), "channels": pick("channels"),
            })
        })
        .collect();
    let chosen = selected
        .and_then(|s| ws.resolve_channel(s))
        .or_else(|| {
            ws.channels
                .iter()
                .find(|c| c.is_general)
                .map(|c| c.id.clone())
        })
        .or_else(|| ws.channels.first().map(|c| c.id.clone()));
    let selected = chosen.map(|id| json!({"id": id, "threads": threads(ws, &id)}));
    redact::value(json!({
        "team": {"id": ws.team_id, "name": ws.team_name, "domain": ws.domain},
        "bot_user_id": ws.bot_user_id,
        "users": users,
        "channels": channels,
        "files": files,
        "file_count": ws.files.len(),
        "remote_file_count": ws.remote_files.len(),
        "view_count": ws.views.len(),
        "selected": selected,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn msg(ws: &mut Workspace, text: &str, thread: Option<&str>) -> String {
        let ts = ws.next_ts();
        let mut m = Map::new();
        m.insert("ts".into(), json!(ts));
        m.insert("text".into(), json!(text));
        if let Some(t) = thread {
            m.insert("thread_ts".into(), json!(t));
        }
        let general = ws.resolve_channel("general").unwrap_or_default();
        ws.push_message(&general, m);
        ts
    }

    #[test]
    fn threads_are_bounded_and_carry_their_replies() {
        let mut ws = Workspace::seeded(1);
        let general_id = ws.resolve_channel("general").unwrap_or_default();
        let before = ws.channel_messages(&general_id).len();
        let first = msg(&mut ws, "old thread", None);
        for i in 0..MAX_THREADS + 10 {
            msg(&mut ws, &format!("m{i}"), None);
        }
        let newest = msg(&mut ws, "newest", None);
        for i in 0..MAX_REPLIES + 3 {
            msg(&mut ws, &format!("r{i}"), Some(&newest));
        }
        // A late reply to a thread too old to show is left out.
        msg(&mut ws, "late", Some(&first));
        let v = overview(&ws, None);
        let threads = v["selected"]["threads"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(threads.len(), MAX_THREADS);
        let last = &threads[MAX_THREADS - 1];
        assert_eq!(last["text"], "newest");
        let replies = last["replies"].as_array().cloned().unwrap_or_default();
        assert_eq!(replies.len(), MAX_REPLIES);
        assert_eq!(
            replies[MAX_REPLIES - 1]["text"],
            format!("r{}", MAX_REPLIES + 2)
        );
        assert!(!v.to_string().contains("\"late\""));
        let general = v["channels"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["is_general"] == true).cloned())
            .unwrap_or_default();
        assert_eq!(
            general["messages"],
            json!(before + MAX_THREADS + 13 + MAX_REPLIES + 3)
        );
    }
}
