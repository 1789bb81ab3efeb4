//! `files.sharedPublicURL`, `files.revokePublicURL`, `files.comments.delete`.

use serde_json::json;

use super::helpers2::user_token_only;
use super::{err, ok, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// `files.sharedPublicURL` (`share`) or `files.revokePublicURL`: only the file's owner, with
/// a user token; emits `file_public` / `file_unshared` and `file_change`.
pub(crate) fn public_url(
    ws: &mut Workspace,
    ctx: &mut Ctx<'_>,
    req: &ApiRequest,
    share: bool,
) -> Outcome {
    user_token_only(ws, &ctx.user)?;
    let id = req.nonempty("file").unwrap_or_default();
    let team = ws.team_id.clone();
    let f = ws.files.get_mut(&id).ok_or_else(|| err("file_not_found"))?;
    if f["user"] != ctx.user.as_str() {
        return Err(err("not_allowed"));
    }
    f["public_url_shared"] = json!(share);
    if share {
        let secret: String = id.chars().rev().collect::<String>().to_lowercase();
        let name = f["name"].as_str().unwrap_or("file").to_owned();
        f["permalink_public"] = json!(format!("https://slack-files.com/{team}-{id}-{secret}"));
        f["public_url"] = json!(format!(
            "https://slack-files.com/files-pub/{team}-{id}-{secret}/{name}"
        ));
    } else {
        if let Some(m) = f.as_object_mut() {
            m.remove("permalink_public");
            m.remove("public_url");
        }
    }
    let file = f.clone();
    let user = ctx.user.clone();
    let event_ts = ws.next_ts();
    let kind = if share {
        "file_public"
    } else {
        "file_unshared"
    };
    ctx.emit(|| json!({"type": kind, "file_id": id, "user_id": user, "file": {"id": id}, "event_ts": event_ts}));
    ctx.emit(
        || json!({"type": "file_change", "file_id": id, "file": {"id": id}, "event_ts": event_ts}),
    );
    ok(json!({ "file": file }))
}

/// `files.comments.delete`: comments are no longer created through the API (Slack retired
/// `files.comments.add`), so only comments present in restored state can be deleted; any
/// other id is `cant_delete`. Emits `file_comment_deleted`.
pub(crate) fn delete_comment(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let file = req.nonempty("file").unwrap_or_default();
    let id = req.nonempty("id").unwrap_or_default();
    if !ws.files.contains_key(&file) {
        return Err(err("file_not_found"));
    }
    let comments = ws.extras.file_comments.entry(file.clone()).or_default();
    let i = comments
        .iter()
        .position(|c| c["id"] == id.as_str())
        .ok_or_else(|| err("cant_delete"))?;
    if comments[i]["user"] != ctx.user.as_str() {
        return Err(err("cant_delete"));
    }
    comments.remove(i);
    let count = comments.len();
    if let Some(f) = ws.files.get_mut(&file) {
        f["comments_count"] = json!(count);
    }
    let event_ts = ws.next_ts();
    ctx.emit(|| json!({"type": "file_comment_deleted", "comment": id, "file_id": file, "file": {"id": file}, "event_ts": event_ts}));
    ok(json!({}))
}
