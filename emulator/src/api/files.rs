//! `files.*`: the v2 upload flow (`files.getUploadURLExternal` → bytes POSTed to the upload
//! URL the emulator serves → `files.completeUploadExternal`), `files.info`, `files.list`,
//! `files.delete`.

use serde_json::{json, Map, Value};

use super::chat::{store_message, NewMessage};
use super::paging::paginate;
use super::{err, ok, visible_channel, ApiError, Ctx, Outcome};
use crate::state::{PendingUpload, Workspace};
use crate::wire::ApiRequest;

/// Largest file announced by `files.getUploadURLExternal` (Slack: 1 GB).
const MAX_FILE: i64 = 1 << 30;

/// `(mimetype, filetype, pretty_type)` from a file name.
fn file_kind(name: &str) -> (&'static str, String, String) {
    let ext = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let mime = match ext.as_str() {
        "txt" | "log" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    };
    let filetype = match ext.as_str() {
        "" => "binary".to_owned(),
        "txt" | "log" => "text".to_owned(),
        "jpeg" => "jpg".to_owned(),
        e => e.to_owned(),
    };
    let pretty = match filetype.as_str() {
        "text" => "Plain Text".to_owned(),
        "binary" => "Binary".to_owned(),
        other => other.to_ascii_uppercase(),
    };
    (mime, filetype, pretty)
}

pub(crate) fn get_upload_url(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let filename = req.nonempty("filename").unwrap_or_default();
    match req.int("length") {
        Ok(Some(n)) if (0..=MAX_FILE).contains(&n) => {}
        Ok(Some(n)) if n > MAX_FILE => return Err(err("file_upload_size_restricted")),
        _ => {
            return Err(ApiError::invalid_arguments(&[
                "[ERROR] length must be a non-negative integer".to_owned(),
            ]))
        }
    }
    // Slack's argument is `alt_txt`; `alt_text` is not one, and is refused with
    // `invalid_arguments` like any argument the method does not take.
    let alt_text = req.nonempty("alt_txt");
    if alt_text.as_ref().is_some_and(|a| a.chars().count() > 1000) {
        return Err(err("alt_txt_too_large"));
    }
    let id = ws.next_id("F");
    ws.pending_uploads.insert(
        id.clone(),
        PendingUpload {
            filename,
            user: ctx.user.clone(),
            data: None,
            received: 0,
            alt_text,
            snippet_type: req.nonempty("snippet_type"),
        },
    );
    let root = ctx.env.base_url.trim_end_matches("api/");
    ok(json!({"upload_url": format!("{root}upload/v1/{id}"), "file_id": id}))
}

/// The `files` argument of `files.completeUploadExternal`: `[(id, title)]`.
fn file_list(req: &ApiRequest) -> Result<Vec<(String, Option<String>)>, ApiError> {
    let bad = || {
        ApiError::invalid_arguments(&[
            "[ERROR] files must be a JSON array of objects with an id [json-pointer:/files]"
                .to_owned(),
        ])
    };
    let files = req.json("files").map_err(|()| bad())?.ok_or_else(bad)?;
    let list = files.as_array().filter(|l| !l.is_empty()).ok_or_else(bad)?;
    list.iter()
        .map(|f| {
            let id = f.get("id").and_then(Value::as_str).ok_or_else(bad)?;
            let title = f.get("title").and_then(Value::as_str).map(str::to_owned);
            Ok((id.to_owned(), title))
        })
        .collect()
}

pub(crate) fn complete_upload(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let list = file_list(req)?;
    // `channel_id` (one), or `channels`: a comma-separated list of channel or user ids.
    let targets: Vec<String> = if req.has("channel_id") || req.has("channel") {
        let key = if req.has("channel_id") {
            "channel_id"
        } else {
            "channel"
        };
        vec![shareable(
            ws,
            &ctx.user,
            visible_channel(ws, &ctx.user, req, key)?,
        )?]
    } else if let Some(list) = req.nonempty("channels") {
        let mut ids = Vec::new();
        for raw in list.split(',').map(str::trim).filter(|c| !c.is_empty()) {
            let id = ws
                .resolve_channel(raw)
                .ok_or_else(|| err("channel_not_found"))?;
            let id = shareable(ws, &ctx.user, id)?;
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    } else {
        Vec::new()
    };
    let channel = targets.first().cloned();
    let thread_ts = req.nonempty("thread_ts");
    if let (Some(c), Some(t)) = (&channel, &thread_ts) {
        if ws.find_message(c, t).is_none() {
            return Err(err("thread_not_found"));
        }
    }
    // Check every id before changing anything.
    for (id, _) in &list {
        match ws.pending_uploads.get(id) {
            Some(p) if p.data.is_some() => {}
            Some(_) => {
                return Err(err("file_not_found")
                    .with("detail", format!("nothing was uploaded for {id} yet")))
            }
            None if ws.files.contains_key(id) => {}
            None => return Err(err("file_not_found").with("detail", format!("unknown file {id}"))),
        }
    }
    // Completing files that are all complete already is a no-op: a client retrying after a
    // lost answer must not share them twice.
    if list.iter().all(|(id, _)| ws.files.contains_key(id)) {
        let files: Vec<Value> = list
            .iter()
            .filter_map(|(id, _)| ws.files.get(id))
            .map(|f| json!({"id": f["id"], "title": f["title"]}))
            .collect();
        return ok(json!({"files": files}));
    }
    let root = ctx.env.base_url.trim_end_matches("api/").to_owned();
    let created = ws.now_secs();
    let mut done = Vec::new();
    for (id, title) in &list {
        if let Some(p) = ws.pending_uploads.remove(id) {
            let (mime, filetype, pretty) = file_kind(&p.filename);
            let filetype = p.snippet_type.clone().unwrap_or(filetype);
            let title = title.clone().unwrap_or_else(|| p.filename.clone());
            let file = json!({
                "id": id, "created": created, "timestamp": created, "name": p.filename,
                "title": title, "mimetype": mime, "filetype": filetype, "pretty_type": pretty,
                "user": p.user, "user_team": ws.team_id, "editable": false,
                "size": p.received, "mode": "hosted", "is_external": false,
                "external_type": "", "is_public": false, "public_url_shared": false,
                "display_as_bot": false, "username": "", "alt_txt": p.alt_text,
                "url_private": format!("{root}files/{id}/{}", p.filename),
                "url_private_download": format!("{root}files/{id}/download/{}", p.filename),
                "permalink": format!("https://{}.slack.com/files/{}/{id}/{}", ws.domain, p.user, p.filename),
                "channels": [], "groups": [], "ims": [], "shares": {}, "comments_count": 0,
                "has_rich_preview": false, "file_access": "visible",
            });
            ws.files.insert(id.clone(), file);
            if let Some(bytes) = p.data {
                ws.file_data.insert(id.clone(), bytes);
            }
        }
        if let Some(file) = ws.files.get(id) {
            done.push(file.clone());
        }
    }
    if !targets.is_empty() {
        let thread_ts = if targets.len() == 1 { thread_ts } else { None };
        for target in &targets {
            share(
                ws,
                ctx,
                target,
                &done,
                req.str("initial_comment"),
                thread_ts.clone(),
            )?;
        }
        done = list
            .iter()
            .filter_map(|(id, _)| ws.files.get(id).cloned())
            .collect();
    }
    let files: Vec<Value> = done
        .iter()
        .map(|f| json!({"id": f["id"], "title": f["title"]}))
        .collect();
    ok(json!({"files": files}))
}

/// A channel the caller may share into: visible, not archived, a member.
fn shareable(ws: &Workspace, user: &str, id: String) -> Result<String, ApiError> {
    let ch = ws.channel(&id).ok_or_else(|| err("channel_not_found"))?;
    if ch.kind != crate::state::Kind::Public && !ch.has_member(user) {
        return Err(err("channel_not_found"));
    }
    if ch.archived {
        return Err(err("is_archived"));
    }
    if !ch.has_member(user) {
        return Err(err("not_in_channel"));
    }
    Ok(id)
}

/// Share completed files into a channel: one `file_share` message, and the files' `channels`
/// / `shares` updated.
fn share(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    channel: &str,
    files: &[Value],
    comment: Option<String>,
    thread_ts: Option<String>,
) -> Result<(), ApiError> {
    let mut extra = Map::new();
    extra.insert("subtype".into(), json!("file_share"));
    extra.insert("files".into(), json!(files));
    extra.insert("upload".into(), json!(true));
    extra.insert("display_as_bot".into(), json!(false));
    let new = NewMessage {
        text: comment,
        extra,
        thread_ts,
        broadcast: false,
    };
    let m = store_message(ws, ctx, channel, new)?;
    let ts = m.get("ts").cloned().unwrap_or(Value::Null);
    let (kind_key, share_key, name) = match ws.channel(channel) {
        Some(c) if c.kind == crate::state::Kind::Public => ("channels", "public", c.name.clone()),
        Some(c) if c.kind == crate::state::Kind::Im => ("ims", "private", String::new()),
        Some(c) => ("groups", "private", c.name.clone()),
        None => ("channels", "public", String::new()),
    };
    let team = ws.team_id.clone();
    for f in files {
        let Some(id) = f.get("id").and_then(Value::as_str) else {
            continue;
        };
        let Some(file) = ws.files.get_mut(id) else {
            continue;
        };
        if let Some(list) = file[kind_key].as_array_mut() {
            if !list.iter().any(|c| c == channel) {
                list.push(json!(channel));
            }
        }
        if share_key == "public" {
            file["is_public"] = json!(true);
        }
        let entry = json!({"ts": ts, "channel_name": name, "team_id": team, "share_user_id": ctx.user, "reply_count": 0});
        if !file["shares"].is_object() {
            file["shares"] = json!({});
        }
        let shares = &mut file["shares"][share_key][channel];
        match shares.as_array_mut() {
            Some(a) => a.push(entry),
            None => *shares = json!([entry]),
        }
    }
    Ok(())
}

pub(crate) fn info(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("file").unwrap_or_default();
    let f = ws.files.get(&id).ok_or_else(|| err("file_not_found"))?;
    ok(json!({
        "file": f, "comments": [], "response_metadata": {"next_cursor": ""},
        "paging": {"count": 100, "total": 0, "page": 1, "pages": 0},
    }))
}

/// `files.list` pages by `count` and `page` only (no cursor, so no `response_metadata`).
pub(crate) fn list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let limit = 100;
    let count = req
        .int("count")
        .ok()
        .flatten()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n > 0)
        .unwrap_or(limit);
    let page_no = req
        .int("page")
        .ok()
        .flatten()
        .and_then(|n| usize::try_from(n).ok())
        .filter(|n| *n > 0)
        .unwrap_or(1);
    let channel = req.nonempty("channel");
    let user = req.nonempty("user");
    let in_channel = |f: &Value, c: &str| {
        ["channels", "groups", "ims"]
            .iter()
            .any(|k| f[k].as_array().is_some_and(|a| a.iter().any(|x| x == c)))
    };
    let items: Vec<Value> = ws
        .files
        .values()
        .rev()
        .filter(|f| channel.as_deref().is_none_or(|c| in_channel(f, c)))
        .filter(|f| user.as_deref().is_none_or(|u| f["user"] == u))
        .cloned()
        .collect();
    let total = items.len();
    let offset = (page_no - 1).saturating_mul(count);
    let (page, _) = paginate(items, count, offset);
    ok(json!({
        "files": page,
        "paging": {"count": count, "total": total, "page": page_no, "pages": total.div_ceil(count.max(1))},
    }))
}

pub(crate) fn delete(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("file").unwrap_or_default();
    let f = ws.files.get(&id).ok_or_else(|| err("file_not_found"))?;
    if f["user"] != ctx.user.as_str() {
        return Err(err("cant_delete_file"));
    }
    ws.files.remove(&id);
    ws.file_data.remove(&id);
    ctx.emit(|| json!({"type": "file_deleted", "file_id": id}));
    ok(json!({}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_from_names() {
        assert_eq!(file_kind("a.txt").0, "text/plain");
        assert_eq!(file_kind("a.PNG").1, "png");
        assert_eq!(file_kind("noext").1, "binary");
        assert_eq!(file_kind("x.weird").0, "application/octet-stream");
    }
}
