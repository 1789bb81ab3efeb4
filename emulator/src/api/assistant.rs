//! `assistant.threads.*`, `assistant.search.*` and `agents.sessions.*`: the AI-app
//! surfaces, kept per thread.

use serde_json::{json, Value};

use super::helpers2::{invalid, json_arg};
use super::paging::{page_args, paginate};
use super::{err, ok, visible_channel, ApiError, Ctx, Outcome};
use crate::state::{Kind, Workspace};
use crate::wire::ApiRequest;

/// `(channel, thread_ts)` of a thread call: the channel is visible, the thread exists
/// (`invalid_thread_ts` otherwise).
fn thread(
    ws: &Workspace,
    ctx: &Ctx<'_>,
    req: &ApiRequest,
    required: bool,
) -> Result<(String, Option<String>), ApiError> {
    let channel = visible_channel(ws, &ctx.user, req, "channel_id")?;
    let ts = req.nonempty("thread_ts");
    match &ts {
        Some(t) if ws.find_message(&channel, t).is_none() => return Err(err("invalid_thread_ts")),
        None if required => return Err(err("invalid_thread_ts")),
        _ => {}
    }
    Ok((channel, ts))
}

fn key(channel: &str, ts: Option<&str>) -> String {
    format!("{channel}/{}", ts.unwrap_or(""))
}

pub(crate) fn set_status(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (channel, ts) = thread(ws, ctx, req, true)?;
    if req
        .str("username")
        .is_some_and(|u| u.eq_ignore_ascii_case("slackbot"))
    {
        return Err(err("reserved_username"));
    }
    let status = req.str("status").unwrap_or_default();
    let loading = req.list("loading_messages");
    let t = ws
        .extras
        .assistant_threads
        .entry(key(&channel, ts.as_deref()))
        .or_insert_with(|| json!({}));
    t["status"] = json!(status);
    t["loading_messages"] = json!(loading);
    ok(json!({}))
}

pub(crate) fn set_title(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (channel, ts) = thread(ws, ctx, req, true)?;
    let title = req.str("title").unwrap_or_default();
    let t = ws
        .extras
        .assistant_threads
        .entry(key(&channel, ts.as_deref()))
        .or_insert_with(|| json!({}));
    t["title"] = json!(title);
    ok(json!({}))
}

pub(crate) fn set_prompts(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (channel, ts) = thread(ws, ctx, req, false)?;
    let prompts = json_arg(req, "prompts")?;
    let list = prompts
        .as_array()
        .filter(|a| (1..=4).contains(&a.len()))
        .ok_or_else(|| invalid("prompts", "between 1 and 4 prompts"))?;
    if list
        .iter()
        .any(|p| p["title"].as_str().is_none() || p["message"].as_str().is_none())
    {
        return Err(invalid(
            "prompts",
            "each prompt needs a title and a message",
        ));
    }
    let t = ws
        .extras
        .assistant_threads
        .entry(key(&channel, ts.as_deref()))
        .or_insert_with(|| json!({}));
    t["prompts"] = prompts.clone();
    t["prompts_title"] = json!(req.str("title"));
    ok(json!({}))
}

/// `assistant.search.context`: messages the caller can see that contain every word of
/// `query`, newest first.
pub(crate) fn search_context(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let query = req.nonempty("query").ok_or_else(|| err("missing_query"))?;
    if query.chars().count() > 1000 {
        return Err(err("query_too_long"));
    }
    let (limit, offset) = page_args(req, 20)?;
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let include_bots = req.bool("include_bots");
    let archived = req.bool("include_archived_channels");
    let mut hits: Vec<Value> = Vec::new();
    for ch in &ws.channels {
        if (ch.kind != Kind::Public && !ch.has_member(&ctx.user)) || (ch.archived && !archived) {
            continue;
        }
        for m in ws.channel_messages(&ch.id) {
            let text = m
                .get("text")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_lowercase();
            let bot = m.contains_key("bot_id");
            if (bot && !include_bots) || !words.iter().all(|w| text.contains(w.as_str())) {
                continue;
            }
            let ts = m.get("ts").and_then(Value::as_str).unwrap_or("");
            hits.push(json!({
                "author_user_id": m.get("user"), "team_id": ws.team_id, "channel_id": ch.id,
                "channel_name": ch.name, "message_ts": ts, "content": m.get("text"),
                "is_author_bot": bot,
                "permalink": format!("https://{}.slack.com/archives/{}/p{}", ws.domain, ch.id, ts.replace('.', "")),
            }));
        }
    }
    hits.sort_by(|a, b| b["message_ts"].as_str().cmp(&a["message_ts"].as_str()));
    let (page, meta) = paginate(hits, limit, offset);
    ok(json!({"results": {"messages": page}, "response_metadata": meta}))
}

pub(crate) fn search_info(_ws: &Workspace) -> Outcome {
    ok(json!({"is_ai_search_enabled": false}))
}

/// `agents.sessions.setStatus` / `agents.sessions.rename`: a thread in an IM needs
/// `thread_ts`; elsewhere it is refused.
fn session(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Result<String, ApiError> {
    let channel = visible_channel(ws, &ctx.user, req, "channel_id")?;
    let ch = ws
        .channel(&channel)
        .ok_or_else(|| err("channel_not_found"))?;
    if ch.archived {
        return Err(err("is_archived"));
    }
    let ts = req.nonempty("thread_ts");
    if let Some(t) = &ts {
        if ws.find_message(&channel, t).is_none() {
            return Err(err("session_not_found"));
        }
    }
    Ok(key(&channel, ts.as_deref()))
}

pub(crate) fn agent_status(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let k = session(ws, ctx, req)?;
    let status = req.str("status").unwrap_or_default();
    if status.chars().count() > 150 {
        return Err(err("invalid_status"));
    }
    if let Some(u) = req.nonempty("initiator_user_id") {
        if ws.user(&u).is_none() {
            return Err(err("user_not_found"));
        }
    }
    let s = ws
        .extras
        .agent_sessions
        .entry(k)
        .or_insert_with(|| json!({}));
    s["status"] = json!(status);
    if let Some(t) = req.str("title") {
        s["title"] = json!(t);
    }
    ok(json!({}))
}

pub(crate) fn agent_rename(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let k = session(ws, ctx, req)?;
    let title = req.str("title").unwrap_or_default();
    if title.trim().is_empty() || title.chars().count() > 255 {
        return Err(err("invalid_name"));
    }
    let s = ws
        .extras
        .agent_sessions
        .entry(k)
        .or_insert_with(|| json!({}));
    s["title"] = json!(title);
    ok(json!({}))
}
