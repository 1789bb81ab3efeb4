//! `files.remote.*`: files hosted elsewhere, added (with an optional multipart
//! `preview_image`), updated, listed, shared into channels and removed.

use serde_json::{json, Map, Value};

use super::chat::{store_message, NewMessage};
use super::paging::{page_args, paginate};
use super::{err, ok, ApiError, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// The remote file named by `file` (id) or `external_id`.
fn key(ws: &Workspace, req: &ApiRequest) -> Result<String, ApiError> {
    if let Some(id) = req.nonempty("file") {
        return ws
            .remote_files
            .contains_key(&id)
            .then_some(id)
            .ok_or_else(|| err("file_not_found"));
    }
    let ext = req.nonempty("external_id").ok_or_else(|| {
        ApiError::invalid_arguments(&["[ERROR] one of file or external_id is required".to_owned()])
    })?;
    ws.remote_files
        .iter()
        .find(|(_, f)| f["external_id"] == ext.as_str())
        .map(|(k, _)| k.clone())
        .ok_or_else(|| err("file_not_found"))
}

fn preview(req: &ApiRequest) -> Option<(usize, String)> {
    req.files
        .iter()
        .find(|p| p.field == "preview_image")
        .map(|p| (p.data.len(), p.filename.clone()))
}

/// The text of the `indexable_file_contents` file part (a file, as Slack takes it).
fn indexable(req: &ApiRequest) -> Option<String> {
    req.files
        .iter()
        .find(|p| p.field == "indexable_file_contents")
        .map(|p| String::from_utf8_lossy(&p.data).into_owned())
}

pub(crate) fn add(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let ext = req.nonempty("external_id").unwrap_or_default();
    if ws
        .remote_files
        .values()
        .any(|f| f["external_id"] == ext.as_str())
    {
        return Err(err("already_exists"));
    }
    let id = ws.next_id("F");
    let created = ws.now_secs();
    let preview = preview(req);
    let file = json!({
        "id": id, "created": created, "timestamp": created, "name": req.str("title"),
        "title": req.str("title"), "external_id": ext, "external_url": req.str("external_url"),
        "url_private": req.str("external_url"),
        "filetype": req.str("filetype").unwrap_or_else(|| "remote".into()),
        "pretty_type": "Remote", "mimetype": "application/vnd.slack-remote", "mode": "external",
        "is_external": true, "external_type": "app", "user": ctx.user, "editable": false,
        "has_rich_preview": preview.is_some(),
        "preview_image_size": preview.as_ref().map(|p| p.0),
        "preview_image_name": preview.map(|p| p.1),
        "indexable_file_contents": indexable(req),
        "channels": [], "groups": [], "ims": [], "comments_count": 0,
    });
    ws.remote_files.insert(id, file.clone());
    ok(json!({"file": file}))
}

pub(crate) fn info(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let id = key(ws, req)?;
    ok(json!({"file": ws.remote_files.get(&id)}))
}

pub(crate) fn list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let channel = req.nonempty("channel");
    let items = ws
        .remote_files
        .values()
        .filter(|f| {
            channel.as_deref().is_none_or(|c| {
                f["channels"]
                    .as_array()
                    .is_some_and(|a| a.iter().any(|x| x == c))
            })
        })
        .cloned();
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"files": page, "response_metadata": meta}))
}

pub(crate) fn update(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let id = key(ws, req)?;
    let preview = preview(req);
    let f = ws
        .remote_files
        .get_mut(&id)
        .ok_or_else(|| err("file_not_found"))?;
    for k in ["title", "external_url", "filetype"] {
        if let Some(v) = req.str(k) {
            f[k] = json!(v);
        }
    }
    if let Some(text) = indexable(req) {
        f["indexable_file_contents"] = json!(text);
    }
    if let Some((size, name)) = preview {
        f["has_rich_preview"] = json!(true);
        f["preview_image_size"] = json!(size);
        f["preview_image_name"] = json!(name);
    }
    ok(json!({"file": f.clone()}))
}

pub(crate) fn remove(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let id = key(ws, req)?;
    ws.remote_files.remove(&id);
    ok(json!({}))
}

pub(crate) fn share(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = key(ws, req)?;
    let mut ids = Vec::new();
    for c in req.list("channels") {
        let cid = ws
            .resolve_channel(&c)
            .ok_or_else(|| err("channel_not_found"))?;
        let ch = ws.channel(&cid).ok_or_else(|| err("channel_not_found"))?;
        if !ch.has_member(&ctx.user) {
            return Err(err("not_in_channel"));
        }
        ids.push(cid);
    }
    if ids.is_empty() {
        return Err(err("channel_not_found"));
    }
    let file = ws.remote_files.get(&id).cloned().unwrap_or_default();
    for cid in &ids {
        let mut extra = Map::new();
        extra.insert("subtype".into(), json!("file_share"));
        extra.insert("files".into(), json!([file]));
        let new = NewMessage {
            extra,
            ..NewMessage::default()
        };
        store_message(ws, ctx, cid, new)?;
    }
    if let Some(f) = ws.remote_files.get_mut(&id) {
        let mut list: Vec<Value> = f["channels"].as_array().cloned().unwrap_or_default();
        for cid in ids {
            if !list.iter().any(|x| *x == cid.as_str()) {
                list.push(json!(cid));
            }
        }
        f["channels"] = Value::Array(list);
    }
    ok(json!({"file": ws.remote_files.get(&id)}))
}
