//! `reactions.add`, `reactions.remove`, `reactions.get`.

use serde_json::{json, Value};

use super::{err, ok, visible_channel, ApiError, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// The message a reaction call targets (`channel` + `timestamp`).
fn target(ws: &Workspace, user: &str, req: &ApiRequest) -> Result<(String, String), ApiError> {
    if !req.has("channel") && !req.has("timestamp") {
        return Err(err("no_item_specified"));
    }
    let channel = visible_channel(ws, user, req, "channel")?;
    let ts = req
        .nonempty("timestamp")
        .ok_or_else(|| err("no_item_specified"))?;
    if ts.parse::<f64>().is_err() {
        return Err(err("bad_timestamp"));
    }
    if ws.find_message(&channel, &ts).is_none() {
        return Err(err("message_not_found"));
    }
    Ok((channel, ts))
}

/// `reactions.add` (`add`) or `reactions.remove`.
pub(crate) fn change(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    req: &ApiRequest,
    add: bool,
) -> Outcome {
    let (channel, ts) = target(ws, &ctx.user, req)?;
    let name = req
        .nonempty("name")
        .unwrap_or_default()
        .trim_matches(':')
        .to_owned();
    if name.is_empty() || name.contains(|c: char| c.is_whitespace() || c == ':') {
        return Err(err("invalid_name"));
    }
    if add && ws.channel(&channel).is_some_and(|c| c.archived) {
        return Err(err("is_archived"));
    }
    let user = ctx.user.clone();
    let msg = ws
        .find_message_mut(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    let item_user = msg.get("user").cloned().unwrap_or(Value::Null);
    let mut reactions: Vec<Value> = msg
        .get("reactions")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let idx = reactions.iter().position(|r| r["name"] == name.as_str());
    let mut users: Vec<Value> = idx
        .and_then(|i| reactions[i]["users"].as_array().cloned())
        .unwrap_or_default();
    let reacted = users.iter().any(|u| u == user.as_str());
    match (add, reacted) {
        (true, true) => return Err(err("already_reacted")),
        (false, false) => return Err(err("no_reaction")),
        (true, false) => users.push(json!(user)),
        (false, true) => users.retain(|u| u != user.as_str()),
    }
    let entry = json!({"name": name, "users": users, "count": users.len()});
    match idx {
        Some(i) if users.is_empty() => {
            reactions.remove(i);
        }
        Some(i) => reactions[i] = entry,
        None => reactions.push(entry),
    }
    if reactions.is_empty() {
        msg.remove("reactions");
    } else {
        msg.insert("reactions".into(), Value::Array(reactions));
    }
    let event_ts = ws.next_ts();
    ctx.emit(|| {
        json!({
            "type": if add { "reaction_added" } else { "reaction_removed" },
            "user": user, "reaction": name, "item_user": item_user,
            "item": {"type": "message", "channel": channel, "ts": ts}, "event_ts": event_ts,
        })
    });
    ok(json!({}))
}

pub(crate) fn get(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (channel, ts) = target(ws, &ctx.user, req)?;
    let msg = ws
        .find_message(&channel, &ts)
        .ok_or_else(|| err("message_not_found"))?;
    let mut message = msg.clone();
    message.insert(
        "permalink".into(),
        json!(format!(
            "https://{}.slack.com/archives/{channel}/p{}",
            ws.domain,
            ts.replace('.', "")
        )),
    );
    ok(json!({"type": "message", "channel": channel, "message": message}))
}

/// `reactions.list`: the messages `user` (the caller by default) reacted to, newest first,
/// in conversations the caller can see.
pub(crate) fn list(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let user = req.nonempty("user").unwrap_or_else(|| ctx.user.clone());
    if ws.user(&user).is_none() {
        return Err(err("user_not_found"));
    }
    let full = req.bool("full");
    let mut items: Vec<(String, Value)> = Vec::new();
    for ch in &ws.channels {
        if ch.kind != crate::state::Kind::Public && !ch.has_member(&ctx.user) {
            continue;
        }
        for m in ws.channel_messages(&ch.id) {
            let reacted = m
                .get("reactions")
                .and_then(Value::as_array)
                .is_some_and(|rs| {
                    rs.iter().any(|r| {
                        r["users"]
                            .as_array()
                            .is_some_and(|us| us.iter().any(|u| u == user.as_str()))
                    })
                });
            if !reacted {
                continue;
            }
            let ts = m.get("ts").and_then(Value::as_str).unwrap_or("").to_owned();
            let mut message = m.clone();
            if !full {
                // Without `full`, each reaction lists only the first users, as Slack's.
                if let Some(Value::Array(rs)) = message.get_mut("reactions") {
                    for r in rs.iter_mut() {
                        if let Some(Value::Array(us)) = r.get_mut("users") {
                            us.truncate(50);
                        }
                    }
                }
            }
            message.insert(
                "permalink".into(),
                json!(format!(
                    "https://{}.slack.com/archives/{}/p{}",
                    ws.domain,
                    ch.id,
                    ts.replace('.', "")
                )),
            );
            items.push((
                ts,
                json!({"type": "message", "channel": ch.id, "message": message}),
            ));
        }
    }
    items.sort_by(|a, b| b.0.cmp(&a.0));
    let (range, paging, meta) = super::page_count::page(req, items.len(), 100, 1000, usize::MAX)?;
    let page: Vec<Value> = items
        .get(range)
        .unwrap_or(&[])
        .iter()
        .map(|(_, v)| v.clone())
        .collect();
    ok(json!({"items": page, "paging": paging, "response_metadata": meta}))
}
