//! `canvases.*` and `conversations.canvases.create`: canvases as markdown split into
//! sections (one per heading or paragraph), with per-user and per-channel access. A canvas
//! is also a file (`filetype` `quip`), as in Slack.

use serde_json::{json, Value};

use super::helpers2::{json_arg, known_channels, known_users, strings};
use super::{err, ok, visible_channel, ApiError, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// Split markdown into sections: a heading (`#`, `##`, `###`) starts an `h1`/`h2`/`h3`
/// section; other non-empty lines are `any` (paragraph) sections.
fn sections(ws: &mut Workspace, markdown: &str) -> Vec<Value> {
    markdown
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let kind = match line.split_whitespace().next() {
                Some("#") => "h1",
                Some("##") => "h2",
                Some("###") => "h3",
                _ => "any",
            };
            let n = ws.next_id("");
            json!({"id": format!("temp:C:{n}"), "type": kind, "markdown": line})
        })
        .collect()
}

/// The markdown of a `document_content` argument (`{"type":"markdown","markdown":…}`).
fn document(req: &ApiRequest, key: &str) -> Result<Option<String>, ApiError> {
    match req.json(key) {
        Ok(None) => Ok(None),
        Ok(Some(v)) => doc_markdown(&v).map(Some),
        Err(()) => Err(err("invalid_arguments")),
    }
}

fn doc_markdown(v: &Value) -> Result<String, ApiError> {
    if v["type"] != "markdown" {
        return Err(super::helpers2::invalid(
            "document_content/type",
            "must be markdown",
        ));
    }
    Ok(v["markdown"].as_str().unwrap_or_default().to_owned())
}

/// Create a canvas owned by `owner`; its id.
fn create_canvas(
    ws: &mut Workspace,
    owner: &str,
    title: String,
    markdown: Option<String>,
    channel: Option<String>,
) -> String {
    let id = ws.next_id("F");
    let secs = sections(ws, markdown.as_deref().unwrap_or(""));
    let now = ws.now_secs();
    let canvas = json!({
        "id": id, "title": title, "owner": owner, "channel_id": channel, "created": now,
        "updated": now, "sections": secs, "access": {"users": {}, "channels": {}},
    });
    if let Some(c) = &channel {
        ws.extras.channel_canvases.insert(c.clone(), id.clone());
    }
    let file = json!({
        "id": id, "created": now, "timestamp": now, "name": title, "title": title,
        "mimetype": "application/vnd.slack-docs", "filetype": "quip", "pretty_type": "canvas",
        "user": owner, "user_team": ws.team_id, "editable": true, "mode": "quip",
        "is_external": false, "external_type": "", "is_public": false,
        "public_url_shared": false, "display_as_bot": false, "username": "",
        "url_private": format!("https://{}.slack.com/docs/{}/{id}", ws.domain, ws.team_id),
        "permalink": format!("https://{}.slack.com/docs/{}/{id}", ws.domain, ws.team_id),
        "channels": channel.iter().collect::<Vec<_>>(), "groups": [], "ims": [],
        "comments_count": 0, "has_rich_preview": false, "file_access": "visible",
    });
    ws.files.insert(id.clone(), file);
    ws.extras.canvases.insert(id.clone(), canvas);
    id
}

pub(crate) fn create(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let markdown = document(req, "document_content")?;
    let channel = match req.nonempty("channel_id") {
        Some(_) => Some(visible_channel(ws, &ctx.user, req, "channel_id")?),
        None => None,
    };
    let title = req.str("title").unwrap_or_else(|| "Untitled".into());
    let owner = ctx.user.clone();
    let id = create_canvas(ws, &owner, title, markdown, channel);
    let event_ts = ws.next_ts();
    ctx.emit(|| json!({"type": "file_created", "file_id": id, "user_id": owner, "file": {"id": id}, "event_ts": event_ts}));
    ok(json!({ "canvas_id": id }))
}

pub(crate) fn conversation_canvas(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    req: &ApiRequest,
) -> Outcome {
    let channel = visible_channel(ws, &ctx.user, req, "channel_id")?;
    if ws.extras.channel_canvases.contains_key(&channel) {
        return Err(err("channel_canvas_already_exists"));
    }
    if ws.channel(&channel).is_some_and(|c| c.archived) {
        return Err(err("restricted_action"));
    }
    let markdown = document(req, "document_content")?;
    let title = req.str("title").unwrap_or_else(|| "Canvas".into());
    let owner = ctx.user.clone();
    let id = create_canvas(ws, &owner, title, markdown, Some(channel.clone()));
    let event_ts = ws.next_ts();
    ctx.emit(|| json!({"type": "file_created", "file_id": id, "user_id": owner, "file": {"id": id}, "event_ts": event_ts}));
    ctx.emit(|| json!({"type": "file_shared", "file_id": id, "user_id": owner, "file": {"id": id}, "channel_id": channel, "event_ts": event_ts}));
    ok(json!({ "canvas_id": id }))
}

/// The level of access `user` has to a canvas or list: `owner`, `write`, `read` or none.
pub(crate) fn access(ws: &Workspace, canvas: &Value, user: &str) -> Option<&'static str> {
    if canvas["owner"] == user {
        return Some("owner");
    }
    let mut best: Option<&'static str> = None;
    let mut consider = |level: &str| {
        let l = match level {
            "owner" => "owner",
            "write" => "write",
            _ => "read",
        };
        let rank = |x: &str| ["read", "write", "owner"].iter().position(|y| *y == x);
        if best.is_none_or(|b| rank(l) > rank(b)) {
            best = Some(l);
        }
    };
    if let Some(level) = canvas["access"]["users"][user].as_str() {
        consider(level);
    }
    if let Some(chans) = canvas["access"]["channels"].as_object() {
        for (c, level) in chans {
            if ws.channel(c).is_some_and(|ch| ch.has_member(user)) {
                consider(level.as_str().unwrap_or("read"));
            }
        }
    }
    if let Some(c) = canvas["channel_id"].as_str() {
        if ws.channel(c).is_some_and(|ch| ch.has_member(user)) {
            consider("write");
        }
    }
    best
}

/// The canvas named by `canvas_id`, which `user` may see; its id.
fn readable(ws: &Workspace, user: &str, req: &ApiRequest) -> Result<String, ApiError> {
    let id = req.nonempty("canvas_id").unwrap_or_default();
    let c = ws
        .extras
        .canvases
        .get(&id)
        .ok_or_else(|| err("canvas_not_found"))?;
    access(ws, c, user).ok_or_else(|| err("canvas_not_found"))?;
    Ok(id)
}

fn writable(
    ws: &Workspace,
    user: &str,
    req: &ApiRequest,
    need_owner: bool,
) -> Result<String, ApiError> {
    let id = readable(ws, user, req)?;
    let level = ws
        .extras
        .canvases
        .get(&id)
        .and_then(|c| access(ws, c, user));
    match level {
        Some("owner") => Ok(id),
        Some("write") if !need_owner => Ok(id),
        _ => Err(err("restricted_action")),
    }
}

pub(crate) fn delete(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = writable(ws, &ctx.user, req, true)?;
    if let Some(c) = ws.extras.canvases.remove(&id) {
        if let Some(ch) = c["channel_id"].as_str() {
            ws.extras.channel_canvases.remove(ch);
        }
    }
    ws.files.remove(&id);
    ctx.emit(|| json!({"type": "file_deleted", "file_id": id}));
    ok(json!({}))
}

/// Apply one change of `canvases.edit` to `sections` (and `title`).
fn apply(ws: &mut Workspace, canvas: &mut Value, change: &Value) -> Result<(), ApiError> {
    let failed = || err("canvas_editing_failed");
    let op = change["operation"].as_str().ok_or_else(failed)?;
    let mut secs = canvas["sections"].as_array().cloned().unwrap_or_default();
    let at = |secs: &[Value]| -> Result<usize, ApiError> {
        let sid = change["section_id"].as_str().ok_or_else(failed)?;
        secs.iter().position(|s| s["id"] == sid).ok_or_else(failed)
    };
    let content = || -> Result<String, ApiError> {
        change
            .get("document_content")
            .map(doc_markdown)
            .unwrap_or_else(|| Err(failed()))
    };
    match op {
        "insert_at_start" | "insert_at_end" | "insert_before" | "insert_after" => {
            let new = sections(ws, &content()?);
            let i = match op {
                "insert_at_start" => 0,
                "insert_at_end" => secs.len(),
                "insert_before" => at(&secs)?,
                _ => at(&secs)? + 1,
            };
            secs.splice(i..i, new);
        }
        "replace" => {
            let new = sections(ws, &content()?);
            if change.get("section_id").is_some() {
                let i = at(&secs)?;
                secs.splice(i..=i, new);
            } else {
                secs = new;
            }
        }
        "delete" => {
            let i = at(&secs)?;
            secs.remove(i);
        }
        "rename" => {
            let title = change["title_content"]["markdown"]
                .as_str()
                .ok_or_else(failed)?;
            canvas["title"] = json!(title);
        }
        _ => return Err(failed()),
    }
    canvas["sections"] = Value::Array(secs);
    Ok(())
}

pub(crate) fn edit(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = writable(ws, &ctx.user, req, false)?;
    let changes = json_arg(req, "changes")?;
    let list = changes
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| err("invalid_arguments"))?;
    let mut canvas = ws.extras.canvases.get(&id).cloned().unwrap_or_default();
    for change in list {
        apply(ws, &mut canvas, change)?;
    }
    let markdown_size: usize = canvas["sections"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|s| s["markdown"].as_str().map_or(0, str::len))
                .sum()
        })
        .unwrap_or(0);
    if markdown_size > 1_000_000 {
        return Err(err("canvas_too_large"));
    }
    canvas["updated"] = json!(ws.now_secs());
    let title = canvas["title"].clone();
    ws.extras.canvases.insert(id.clone(), canvas);
    if let Some(f) = ws.files.get_mut(&id) {
        f["title"] = title;
    }
    let user = ctx.user.clone();
    let event_ts = ws.next_ts();
    ctx.emit(|| json!({"type": "file_change", "file_id": id, "user_id": user, "file": {"id": id}, "event_ts": event_ts}));
    ok(json!({}))
}

/// `channel_ids` / `user_ids` of an access call, checked (one of them is needed).
fn access_targets(
    ws: &Workspace,
    req: &ApiRequest,
) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let channels = req.list("channel_ids");
    let users = req.list("user_ids");
    if channels.is_empty() && users.is_empty() {
        return Err(err("invalid_parameters"));
    }
    known_channels(ws, &channels)?;
    known_users(ws, &users, "user_not_found")?;
    Ok((channels, users))
}

/// `canvases.access.set` or `slackLists.access.set` on the record at `record`.
pub(crate) fn set_access(
    ws: &Workspace,
    record: &mut Value,
    req: &ApiRequest,
) -> Result<(), ApiError> {
    let level = req.nonempty("access_level").unwrap_or_default();
    if !["read", "write", "owner"].contains(&level.as_str()) {
        return Err(err("invalid_parameters"));
    }
    let (channels, users) = access_targets(ws, req)?;
    if level == "owner" && (!channels.is_empty() || users.len() != 1) {
        return Err(err("invalid_parameters"));
    }
    for c in channels {
        record["access"]["channels"][c] = json!(level);
    }
    for u in users {
        if level == "owner" {
            let old = record["owner"].clone();
            if let Some(o) = old.as_str() {
                record["access"]["users"][o] = json!("write");
            }
            record["owner"] = json!(u);
        } else {
            record["access"]["users"][u] = json!(level);
        }
    }
    Ok(())
}

/// `canvases.access.delete` or `slackLists.access.delete` on the record.
pub(crate) fn delete_access(
    ws: &Workspace,
    record: &mut Value,
    req: &ApiRequest,
) -> Result<(), ApiError> {
    let (channels, users) = access_targets(ws, req)?;
    for (key, ids) in [("channels", channels), ("users", users)] {
        if let Some(m) = record["access"][key].as_object_mut() {
            for id in ids {
                m.remove(&id);
            }
        }
    }
    Ok(())
}

pub(crate) fn access_set(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = writable(ws, &ctx.user, req, true)?;
    let mut c = ws.extras.canvases.get(&id).cloned().unwrap_or_default();
    set_access(ws, &mut c, req)?;
    ws.extras.canvases.insert(id, c);
    ok(json!({}))
}

pub(crate) fn access_delete(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = writable(ws, &ctx.user, req, true)?;
    let mut c = ws.extras.canvases.get(&id).cloned().unwrap_or_default();
    delete_access(ws, &mut c, req)?;
    ws.extras.canvases.insert(id, c);
    ok(json!({}))
}

pub(crate) fn sections_lookup(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = readable(ws, &ctx.user, req)?;
    let criteria = json_arg(req, "criteria")?;
    let types = strings(&criteria["section_types"]);
    let text = criteria["contains_text"].as_str().map(str::to_lowercase);
    if types.is_empty() && text.is_none() {
        return Err(super::helpers2::invalid(
            "criteria",
            "section_types or contains_text is required",
        ));
    }
    let found: Vec<Value> = ws
        .extras
        .canvases
        .get(&id)
        .and_then(|c| c["sections"].as_array())
        .map(|a| {
            a.iter()
                .filter(|s| {
                    let t = s["type"].as_str().unwrap_or("any");
                    types.is_empty()
                        || types
                            .iter()
                            .any(|x| x == t || (x == "any_header" && t.starts_with('h')))
                })
                .filter(|s| {
                    text.as_deref().is_none_or(|q| {
                        s["markdown"]
                            .as_str()
                            .unwrap_or("")
                            .to_lowercase()
                            .contains(q)
                    })
                })
                .map(|s| json!({"id": s["id"]}))
                .collect()
        })
        .unwrap_or_default();
    ok(json!({ "sections": found }))
}
