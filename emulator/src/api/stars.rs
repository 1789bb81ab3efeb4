//! `stars.add`, `stars.remove`, `stars.list`: a user's saved messages and files, with
//! `star_added`/`star_removed` to that user's own connections.

use serde_json::{json, Value};

use super::users_ext::user_token_only;
use super::{err, ok, visible_channel, ApiError, Ctx, Outcome};
use crate::state::{Star, Workspace};
use crate::wire::ApiRequest;

/// The item a star call names: a message (`channel` + `timestamp`) or a file.
fn target(ws: &Workspace, user: &str, req: &ApiRequest) -> Result<Star, ApiError> {
    if req.has("file_comment") {
        return Err(err("file_comment_not_found"));
    }
    if let Some(file) = req.nonempty("file") {
        if !ws.files.contains_key(&file) {
            return Err(err("file_not_found"));
        }
        return Ok(Star {
            channel: None,
            ts: None,
            file: Some(file),
            date_create: 0,
        });
    }
    if !req.has("channel") {
        return Err(err("no_item_specified"));
    }
    let channel = visible_channel(ws, user, req, "channel")?;
    let Some(ts) = req.nonempty("timestamp") else {
        // A channel alone stars the channel.
        return Ok(Star {
            channel: Some(channel),
            ts: None,
            file: None,
            date_create: 0,
        });
    };
    if ts.parse::<f64>().is_err() {
        return Err(err("bad_timestamp"));
    }
    if ws.find_message(&channel, &ts).is_none() {
        return Err(err("message_not_found"));
    }
    Ok(Star {
        channel: Some(channel),
        ts: Some(ts),
        file: None,
        date_create: 0,
    })
}

fn same(a: &Star, b: &Star) -> bool {
    a.channel == b.channel && a.ts == b.ts && a.file == b.file
}

/// Slack's `item` object for a star.
fn item_json(ws: &Workspace, s: &Star) -> Value {
    match (&s.file, &s.channel, &s.ts) {
        (Some(f), _, _) => json!({
            "type": "file", "file": ws.files.get(f), "date_create": s.date_create,
        }),
        (None, Some(c), Some(ts)) => {
            let message = ws.find_message(c, ts).map(|m| {
                let mut m = m.clone();
                m.insert(
                    "permalink".into(),
                    json!(format!(
                        "https://{}.slack.com/archives/{c}/p{}",
                        ws.domain,
                        ts.replace('.', "")
                    )),
                );
                Value::Object(m)
            });
            json!({"type": "message", "channel": c, "message": message, "date_create": s.date_create})
        }
        (None, Some(c), None) => {
            let kind = ws.channel(c).map_or("channel", |ch| match ch.kind {
                crate::state::Kind::Im => "im",
                crate::state::Kind::Public => "channel",
                _ => "group",
            });
            json!({"type": kind, "channel": c, "date_create": s.date_create})
        }
        (None, None, _) => json!({"type": "message", "date_create": s.date_create}),
    }
}

/// `stars.add` (`add`) or `stars.remove`.
pub(crate) fn change(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    req: &ApiRequest,
    add: bool,
) -> Outcome {
    user_token_only(ws, ctx, if add { "stars.add" } else { "stars.remove" })?;
    let mut star = target(ws, &ctx.user, req)?;
    star.date_create = ws.now_secs();
    let user = ctx.user.clone();
    let list = ws.collab.stars.entry(user.clone()).or_default();
    let existing = list.iter().position(|s| same(s, &star));
    match (add, existing) {
        (true, Some(_)) => return Err(err("already_starred")),
        (false, None) => return Err(err("not_starred")),
        (true, None) => list.push(star.clone()),
        (false, Some(i)) => star = list.remove(i),
    }
    let item = item_json(ws, &star);
    let event_ts = ws.next_ts();
    let target = user.clone();
    ctx.emit_for(Some(target), || {
        json!({
            "type": if add { "star_added" } else { "star_removed" },
            "user": user, "item": item, "event_ts": event_ts,
        })
    });
    ok(json!({}))
}

pub(crate) fn list(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, ctx, "stars.list")?;
    let stars: Vec<&Star> = ws
        .collab
        .stars
        .get(&ctx.user)
        .map(|l| l.iter().rev().collect())
        .unwrap_or_default();
    let (items, paging, _) = super::page_count::page(req, stars.len(), 100, 1000, usize::MAX)?;
    let page: Vec<Value> = stars[items].iter().map(|s| item_json(ws, s)).collect();
    ok(json!({"items": page, "paging": paging}))
}
