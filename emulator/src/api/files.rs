//! `files.*`: the v2 upload flow (upload URL served by the emulator) and remote files.

use serde_json::{json, Value};

use super::chat::store_message;
use super::{err, ok, page_args, paginate, visible_channel, Ctx, Outcome};
use crate::state::{PendingUpload, Workspace};
use crate::wire::ApiRequest;

pub(crate) fn get_upload_url(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let filename = req
        .nonempty("filename")
        .ok_or_else(|| err("invalid_arguments"))?;
    let length = match req.int("length") {
        Ok(Some(n)) if n >= 0 => n as u64,
        _ => return Err(err("invalid_length")),
    };
    let id = ws.next_id("F");
    ws.pending_uploads.insert(
        id.clone(),
        PendingUpload {
            filename,
            length,
            user: ctx.user.clone(),
            data: None,
            alt_text: req.nonempty("alt_text"),
            snippet_type: req.nonempty("snippet_type"),
        },
    );
    let base = ctx.base_url.trim_end_matches('/').trim_end_matches("/api");
    ok(json!({"upload_url": format!("{base}/upload/{id}"), "file_id": id}))
}

pub(crate) fn complete_upload(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let files = req
        .json("files")
        .map_err(|_| err("invalid_arguments"))?
        .ok_or_else(|| err("invalid_arguments"))?;
    let list = files.as_array().cloned().unwrap_or_default();
    if list.is_empty() {
        return Err(err("invalid_arguments"));
    }
    let channel = match req
        .nonempty("channel_id")
        .or_else(|| req.nonempty("channels"))
    {
        Some(_) => {
            let key = if req.has("channel_id") {
                "channel_id"
            } else {
                "channels"
            };
            let id = visible_channel(ws, &ctx.user, req, key)?;
            if ws.channel(&id).is_some_and(|c| c.archived) {
                return Err(err("is_archived"));
            }
            Some(id)
        }
        None => None,
    };
    // Validate every id before changing anything.
    for f in &list {
        let id = f["id"].as_str().unwrap_or("");
        match ws.pending_uploads.get(id) {
            Some(p) if p.data.is_some() => {}
            Some(_) => return Err(err("file_not_uploaded").with("file_id", id)),
            None if ws.files.contains_key(id) => {}
            None => return Err(err("file_not_found").with("file_id", id)),
        }
    }
    // Completing ids that are all already complete is a no-op (a client retrying after a
    // lost answer must not share the files twice).
    let all_done = list.iter().all(|f| {
        let id = f["id"].as_str().unwrap_or("");
        !ws.pending_uploads.contains_key(id) && ws.files.contains_key(id)
    });
    if all_done {
        let files: Vec<Value> = list
            .iter()
            .filter_map(|f| ws.files.get(f["id"].as_str().unwrap_or("")))
            .map(|f| json!({"id": f["id"], "title": f["title"]}))
            .collect();
        return ok(json!({"files": files}));
    }
    let mut done = Vec::new();
    for f in &list {
        let id = f["id"].as_str().unwrap_or("").to_owned();
        if let Some(p) = ws.pending_uploads.remove(&id) {
            let size = p.data.as_ref().map_or(0, |d| d.len());
            let title = f["title"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| p.filename.clone());
            let file = json!({
                "id": id, "created": 1_700_000_000, "timestamp": 1_700_000_000, "name": p.filename,
                "title": title, "mimetype": "application/octet-stream", "filetype": p.snippet_type.clone().unwrap_or_else(|| "binary".into()),
                "user": p.user, "size": size, "alt_txt": p.alt_text, "is_public": channel.is_some(),
                "url_private": format!("{}files/{id}", ctx.base_url.trim_end_matches("api/")),
                "channels": channel.iter().collect::<Vec<_>>(), "shares": {},
            });
            ws.files.insert(id.clone(), file);
        }
        if let Some(file) = ws.files.get(&id) {
            done.push(file.clone());
        }
    }
    if let Some(channel) = channel {
        let mut extra = serde_json::Map::new();
        extra.insert("subtype".into(), json!("file_share"));
        extra.insert("files".into(), json!(done));
        extra.insert("upload".into(), json!(true));
        let text = req.str("initial_comment");
        store_message(
            ws,
            ctx,
            &channel,
            text,
            extra,
            req.nonempty("thread_ts"),
            false,
        )?;
    }
    let files: Vec<Value> = done
        .iter()
        .map(|f| json!({"id": f["id"], "title": f["title"]}))
        .collect();
    ok(json!({"files": files}))
}

pub(crate) fn info(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("file").unwrap_or_default();
    let f = ws.files.get(&id).ok_or_else(|| err("file_not_found"))?;
    ok(json!({"file": f, "comments": [], "response_metadata": {"next_cursor": ""}}))
}

pub(crate) fn list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let channel = req.nonempty("channel");
    let items: Vec<Value> = ws
        .files
        .values()
        .filter(|f| {
            channel.as_ref().is_none_or(|c| {
                f["channels"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == c.as_str()))
            })
        })
        .cloned()
        .collect();
    let total = items.len();
    let (page, meta) = paginate(items, limit, offset);
    ok(
        json!({"files": page, "paging": {"count": limit, "total": total}, "response_metadata": meta}),
    )
}

pub(crate) fn delete(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("file").unwrap_or_default();
    ws.files.remove(&id).ok_or_else(|| err("file_not_found"))?;
    ok(json!({}))
}

fn remote_key(ws: &Workspace, req: &ApiRequest) -> Result<String, super::ApiError> {
    if let Some(id) = req.nonempty("file") {
        return ws
            .remote_files
            .contains_key(&id)
            .then_some(id)
            .ok_or_else(|| err("file_not_found"));
    }
    let ext = req
        .nonempty("external_id")
        .ok_or_else(|| err("invalid_arguments"))?;
    ws.remote_files
        .iter()
        .find(|(_, f)| f["external_id"] == ext.as_str())
        .map(|(k, _)| k.clone())
        .ok_or_else(|| err("file_not_found"))
}

pub(crate) fn remote_add(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let ext = req.nonempty("external_id").unwrap_or_default();
    if ws
        .remote_files
        .values()
        .any(|f| f["external_id"] == ext.as_str())
    {
        return Err(err("already_exists"));
    }
    let id = ws.next_id("F");
    let part = req.files.iter().find(|p| p.field == "preview_image");
    let preview = part.map(|p| p.data.len());
    let preview_name = part.map(|p| p.filename.clone());
    let file = json!({
        "id": id, "external_id": ext, "title": req.str("title"), "external_url": req.str("external_url"),
        "filetype": req.str("filetype").unwrap_or_else(|| "remote".into()), "is_external": true,
        "external_type": "app", "user": ctx.user, "has_rich_preview": preview.is_some(),
        "preview_image_size": preview, "preview_image_name": preview_name, "channels": [],
    });
    ws.remote_files.insert(id, file.clone());
    ok(json!({"file": file}))
}

pub(crate) fn remote_info(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let id = remote_key(ws, req)?;
    ok(json!({"file": ws.remote_files.get(&id)}))
}

pub(crate) fn remote_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let (page, meta) = paginate(ws.remote_files.values().cloned().collect(), limit, offset);
    ok(json!({"files": page, "response_metadata": meta}))
}

pub(crate) fn remote_update(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let id = remote_key(ws, req)?;
    let preview = req
        .files
        .iter()
        .find(|p| p.field == "preview_image")
        .map(|p| p.data.len());
    let f = ws
        .remote_files
        .get_mut(&id)
        .ok_or_else(|| err("file_not_found"))?;
    for key in ["title", "external_url", "filetype"] {
        if let Some(v) = req.str(key) {
            f[key] = json!(v);
        }
    }
    if preview.is_some() {
        f["has_rich_preview"] = json!(true);
        f["preview_image_size"] = json!(preview);
    }
    ok(json!({"file": f.clone()}))
}

pub(crate) fn remote_remove(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let id = remote_key(ws, req)?;
    ws.remote_files.remove(&id);
    ok(json!({}))
}

pub(crate) fn remote_share(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = remote_key(ws, req)?;
    let channels = req.list("channels");
    if channels.is_empty() {
        return Err(err("invalid_arguments"));
    }
    let mut ids = Vec::new();
    for c in &channels {
        let cid = ws
            .resolve_channel(c)
            .ok_or_else(|| err("channel_not_found"))?;
        ids.push(cid);
    }
    let file = ws.remote_files.get(&id).cloned().unwrap_or_default();
    for cid in &ids {
        let mut extra = serde_json::Map::new();
        extra.insert("subtype".into(), json!("file_share"));
        extra.insert("files".into(), json!([file]));
        store_message(ws, ctx, cid, None, extra, None, false)?;
    }
    if let Some(f) = ws.remote_files.get_mut(&id) {
        f["channels"] = json!(ids);
    }
    ok(json!({"file": ws.remote_files.get(&id)}))
}
