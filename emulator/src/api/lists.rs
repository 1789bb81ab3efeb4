//! `slackLists.*`: lists with a column schema, items (rows) with typed cells, access grants
//! and CSV downloads.

use serde_json::{json, Map, Value};

use super::canvases::{access, delete_access, set_access};
use super::helpers2::{json_arg, strings};
use super::paging::{page_args, paginate};
use super::{err, ok, ApiError, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

const COLUMN_TYPES: &[&str] = &[
    "text",
    "number",
    "select",
    "date",
    "user",
    "checkbox",
    "email",
    "phone",
    "channel",
    "rating",
    "link",
    "attachment",
    "message",
    "timestamp",
    "vote",
    "todo_assignee",
    "todo_due_date",
    "todo_completed",
    "rich_text",
];

/// The longest list name Slack takes.
const MAX_TITLE: usize = 255;

/// Check a schema and give each column an id; `(columns)`.
fn schema(ws: &mut Workspace, raw: &Value) -> Result<Vec<Value>, ApiError> {
    let cols = raw
        .as_array()
        .filter(|a| !a.is_empty())
        .ok_or_else(|| err("invalid_schema"))?;
    if cols.len() > 100 {
        return Err(err("over_column_maximum"));
    }
    let primaries = cols
        .iter()
        .filter(|c| c["is_primary_column"] == true)
        .count();
    if primaries != 1 {
        return Err(err("invalid_primary_column"));
    }
    let mut out = Vec::new();
    for c in cols {
        let key = c["key"]
            .as_str()
            .filter(|k| !k.is_empty())
            .ok_or_else(|| err("invalid_schema"))?;
        let kind = c["type"].as_str().unwrap_or("");
        if !COLUMN_TYPES.contains(&kind) {
            return Err(err("invalid_column_type"));
        }
        let mut col = c.clone();
        col["id"] = json!(ws.next_id("Col"));
        col["name"] = c.get("name").cloned().unwrap_or_else(|| json!(key));
        col["is_primary_column"] = json!(c["is_primary_column"] == true);
        out.push(col);
    }
    Ok(out)
}

fn metadata(list: &Value) -> Value {
    json!({
        "schema": list["schema"], "subtask_schema": [],
        "views": [{"id": format!("View{}", list["id"].as_str().unwrap_or("")), "name": "All items",
                   "type": "table", "is_locked": false, "position": "0"}],
        "integrations": [],
    })
}

pub(crate) fn create(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let name = req.str("name").unwrap_or_default();
    if name.chars().count() > MAX_TITLE {
        return Err(err("over_title_length_maximum"));
    }
    let copy_from = req.nonempty("copy_from_list_id");
    let has_schema = req.has("schema");
    if copy_from.is_some() && has_schema {
        return Err(err("invalid_copy_and_schema_args"));
    }
    if req.bool("include_copied_list_records") && copy_from.is_none() {
        return Err(err("missing_arg_copy_from_list_id"));
    }
    let (cols, items) = match &copy_from {
        Some(src) => {
            let l = ws
                .extras
                .lists
                .get(src)
                .ok_or_else(|| err("list_not_found"))?;
            if access(ws, l, &ctx.user).is_none() {
                return Err(err("list_not_found"));
            }
            let items = if req.bool("include_copied_list_records") {
                l["items"].as_array().cloned().unwrap_or_default()
            } else {
                Vec::new()
            };
            (l["schema"].as_array().cloned().unwrap_or_default(), items)
        }
        None if has_schema => (schema(ws, &json_arg(req, "schema")?)?, Vec::new()),
        None => {
            let default =
                json!([{"key": "name", "name": "Name", "type": "text", "is_primary_column": true}]);
            (schema(ws, &default)?, Vec::new())
        }
    };
    let id = ws.next_id("F");
    let now = ws.now_secs();
    let items: Vec<Value> = items
        .into_iter()
        .map(|mut it| {
            it["list_id"] = json!(id);
            it
        })
        .collect();
    let list = json!({
        "id": id, "name": name, "title": name, "owner": ctx.user, "created": now,
        "todo_mode": req.bool("todo_mode"), "schema": cols, "items": items,
        "description_blocks": req.json("description_blocks").ok().flatten(),
        "access": {"users": {}, "channels": {}},
    });
    let meta = metadata(&list);
    ws.files.insert(
        id.clone(),
        json!({
            "id": id, "created": now, "timestamp": now, "name": name, "title": name,
            "mimetype": "application/vnd.slack-list", "filetype": "list", "pretty_type": "List",
            "user": ctx.user, "user_team": ws.team_id, "editable": true, "size": 0, "mode": "list",
            "is_external": false, "external_type": "", "is_public": false,
            "public_url_shared": false, "display_as_bot": false, "username": "",
            "channels": [], "groups": [], "ims": [], "comments_count": 0,
        }),
    );
    ws.extras.lists.insert(id.clone(), list);
    let user = ctx.user.clone();
    let event_ts = ws.next_ts();
    ctx.emit(|| json!({"type": "file_created", "file_id": id, "user_id": user, "file": {"id": id}, "event_ts": event_ts}));
    ok(json!({"list_id": id, "list_metadata": meta}))
}

/// The list named by `key`, which the caller may see (`write`: may change).
fn list_id(
    ws: &Workspace,
    user: &str,
    req: &ApiRequest,
    key: &str,
    write: bool,
) -> Result<String, ApiError> {
    let id = req.nonempty(key).unwrap_or_default();
    let l = ws
        .extras
        .lists
        .get(&id)
        .ok_or_else(|| err("list_not_found"))?;
    match access(ws, l, user) {
        None => Err(err("list_not_found")),
        Some("read") if write => Err(err("permission_denied")),
        Some(_) => Ok(id),
    }
}

fn list_mut<'a>(ws: &'a mut Workspace, id: &str) -> Result<&'a mut Value, ApiError> {
    ws.extras
        .lists
        .get_mut(id)
        .ok_or_else(|| err("list_not_found"))
}

pub(crate) fn update(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = list_id(ws, &ctx.user, req, "id", true)?;
    let name = req.str("name");
    if name.as_ref().is_some_and(|n| n.chars().count() > MAX_TITLE) {
        return Err(err("over_title_length_maximum"));
    }
    let blocks = req
        .json("description_blocks")
        .map_err(|()| err("unexpected_description_blocks_arg"))?;
    if name.is_none() && blocks.is_none() && !req.present("todo_mode") {
        return Err(err("missing_arguments"));
    }
    let todo = req.present("todo_mode").then(|| req.bool("todo_mode"));
    let l = list_mut(ws, &id)?;
    if let Some(n) = &name {
        l["name"] = json!(n);
        l["title"] = json!(n);
    }
    if let Some(b) = blocks {
        l["description_blocks"] = b;
    }
    if let Some(t) = todo {
        l["todo_mode"] = json!(t);
    }
    if let (Some(n), Some(f)) = (name, ws.files.get_mut(&id)) {
        f["name"] = json!(n);
        f["title"] = json!(n);
    }
    ok(json!({}))
}

/// One cell from a field object (`{column_id, text|rich_text|checkbox|number|…}`), checked
/// against the schema.
fn cell(schema: &[Value], field: &Value) -> Result<Value, ApiError> {
    let col_id = field["column_id"]
        .as_str()
        .ok_or_else(|| err("column_id_not_provided"))?;
    let col = schema
        .iter()
        .find(|c| c["id"] == col_id)
        .ok_or_else(|| err("invalid_column_id"))?;
    let kind = col["type"].as_str().unwrap_or("text");
    let mut out = json!({"key": col["key"], "column_id": col_id});
    let value_keys = [
        "text",
        "rich_text",
        "checkbox",
        "number",
        "select",
        "date",
        "user",
        "email",
        "phone",
        "channel",
        "rating",
        "link",
        "attachment",
        "message",
        "timestamp",
    ];
    let present: Vec<&str> = value_keys
        .iter()
        .copied()
        .filter(|k| field.get(*k).is_some())
        .collect();
    let Some(key) = present.first() else {
        return Err(err("invalid_input_type"));
    };
    let v = &field[*key];
    let fits = match (kind, *key) {
        ("checkbox" | "todo_completed", "checkbox") => v.is_boolean(),
        ("number" | "rating", "number" | "rating") => {
            v.is_number() || v.as_array().is_some_and(|a| a.iter().all(Value::is_number))
        }
        ("text", "text" | "rich_text") => true,
        ("email", "email") => strings_or(v).iter().all(|e| e.contains('@')),
        (k, f) => {
            k == f || (k == "todo_assignee" && f == "user") || (k == "todo_due_date" && f == "date")
        }
    };
    if !fits {
        return Err(err(if kind == "email" {
            "invalid_email"
        } else {
            "invalid_input_type"
        }));
    }
    out[*key] = v.clone();
    out["value"] = match *key {
        "text" => v.clone(),
        "rich_text" => json!(v.to_string()),
        _ => v.clone(),
    };
    if *key == "text" {
        out["rich_text"] = json!([{"type": "rich_text", "elements": [{"type": "rich_text_section",
            "elements": [{"type": "text", "text": v.as_str().unwrap_or("")}]}]}]);
    }
    Ok(out)
}

fn strings_or(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        other => strings(other),
    }
}

pub(crate) fn item_create(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = list_id(ws, &ctx.user, req, "list_id", true)?;
    let fields = match req.json("initial_fields") {
        Ok(Some(Value::Array(a))) => a,
        Ok(None) => Vec::new(),
        _ => return Err(err("invalid_args")),
    };
    let item_id = ws.next_id("Rec");
    let now = ws.now_secs();
    let ts = ws.next_ts();
    let l = list_mut(ws, &id)?;
    let schema = l["schema"].as_array().cloned().unwrap_or_default();
    let items = l["items"].as_array().cloned().unwrap_or_default();
    if items.len() >= 10_000 {
        return Err(err("over_row_maximum"));
    }
    let mut cells = Vec::new();
    if let Some(dup) = req.nonempty("duplicated_item_id") {
        let src = items
            .iter()
            .find(|i| i["id"] == dup.as_str())
            .ok_or_else(|| err("duplicated_item_not_found"))?;
        cells = src["fields"].as_array().cloned().unwrap_or_default();
    }
    for f in &fields {
        let c = cell(&schema, f)?;
        cells.retain(|x| x["column_id"] != c["column_id"]);
        cells.push(c);
    }
    let mut item = json!({
        "id": item_id, "list_id": id, "date_created": now, "created_by": ctx.user,
        "updated_by": ctx.user, "fields": cells, "updated_timestamp": ts,
    });
    if let Some(parent) = req.nonempty("parent_item_id") {
        if !items.iter().any(|i| i["id"] == parent.as_str()) {
            return Err(err("record_not_found"));
        }
        item["parent_record_id"] = json!(parent);
    }
    if let Some(a) = l["items"].as_array_mut() {
        a.push(item.clone());
    } else {
        l["items"] = json!([item]);
    }
    ok(json!({ "item": item }))
}

pub(crate) fn item_info(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = list_id(ws, &ctx.user, req, "list_id", false)?;
    let rid = req.nonempty("id").unwrap_or_default();
    let l = ws
        .extras
        .lists
        .get(&id)
        .ok_or_else(|| err("list_not_found"))?;
    let items = l["items"].as_array().cloned().unwrap_or_default();
    let record = items
        .iter()
        .find(|i| i["id"] == rid.as_str())
        .ok_or_else(|| err("record_not_found"))?;
    let subtasks: Vec<&Value> = items
        .iter()
        .filter(|i| i["parent_record_id"] == rid.as_str())
        .collect();
    let mut file = ws
        .files
        .get(&id)
        .cloned()
        .unwrap_or_else(|| json!({"id": id}));
    file["list_metadata"] = metadata(l);
    // The list as Slack answers it here: its file's sharing fields are files.info's.
    if let Some(f) = file.as_object_mut() {
        for k in ["channels", "groups", "ims", "comments_count"] {
            f.remove(k);
        }
    }
    let mut record = record.clone();
    if req.bool("include_is_subscribed") {
        record["is_subscribed"] = json!(false);
    }
    ok(json!({"list": file, "record": record, "subtasks": subtasks}))
}

pub(crate) fn item_list(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = list_id(ws, &ctx.user, req, "list_id", false)?;
    let (limit, offset) = page_args(req, 100)?;
    let l = ws
        .extras
        .lists
        .get(&id)
        .ok_or_else(|| err("list_not_found"))?;
    // Deleted items are gone, and the emulator archives none: `archived=true` lists nothing.
    let items: Vec<Value> = if req.bool("archived") {
        Vec::new()
    } else {
        l["items"].as_array().cloned().unwrap_or_default()
    };
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"items": page, "response_metadata": meta}))
}

pub(crate) fn item_update(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = list_id(ws, &ctx.user, req, "list_id", true)?;
    let cells = match req.json("cells") {
        Ok(Some(Value::Array(a))) if !a.is_empty() => a,
        _ => return Err(err("invalid_args")),
    };
    let ts = ws.next_ts();
    let user = ctx.user.clone();
    let l = list_mut(ws, &id)?;
    let schema = l["schema"].as_array().cloned().unwrap_or_default();
    let mut items = l["items"].as_array().cloned().unwrap_or_default();
    // Check everything first, then apply.
    let mut updates: Vec<(usize, Value)> = Vec::new();
    for c in &cells {
        let row = c["row_id"]
            .as_str()
            .ok_or_else(|| err("row_id_not_provided"))?;
        let i = items
            .iter()
            .position(|x| x["id"] == row)
            .ok_or_else(|| err("row_not_found"))?;
        updates.push((i, cell(&schema, c)?));
    }
    for (i, new) in updates {
        let item = &mut items[i];
        let mut fields = item["fields"].as_array().cloned().unwrap_or_default();
        fields.retain(|f| f["column_id"] != new["column_id"]);
        fields.push(new);
        item["fields"] = Value::Array(fields);
        item["updated_by"] = json!(user);
        item["updated_timestamp"] = json!(ts);
    }
    l["items"] = Value::Array(items);
    ok(json!({}))
}

/// `slackLists.items.delete` (one `id`) or `.deleteMultiple` (`ids`).
pub(crate) fn item_delete(
    ws: &mut Workspace,
    ctx: &Ctx<'_>,
    req: &ApiRequest,
    many: bool,
) -> Outcome {
    let id = list_id(ws, &ctx.user, req, "list_id", true)?;
    let ids = if many {
        req.list("ids")
    } else {
        req.nonempty("id").into_iter().collect()
    };
    let l = list_mut(ws, &id)?;
    let mut items = l["items"].as_array().cloned().unwrap_or_default();
    if !many
        && !ids
            .iter()
            .all(|r| items.iter().any(|i| i["id"] == r.as_str()))
    {
        return Err(err("record_not_found"));
    }
    items.retain(|i| {
        let own = i["id"].as_str().unwrap_or("");
        let parent = i["parent_record_id"].as_str().unwrap_or("");
        !ids.iter().any(|r| r == own || r == parent)
    });
    l["items"] = Value::Array(items);
    ok(json!({}))
}

pub(crate) fn access_set(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = owned(ws, &ctx.user, req)?;
    let mut l = ws.extras.lists.get(&id).cloned().unwrap_or_default();
    set_access(ws, &mut l, req)?;
    ws.extras.lists.insert(id, l);
    ok(json!({}))
}

pub(crate) fn access_delete(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = owned(ws, &ctx.user, req)?;
    let mut l = ws.extras.lists.get(&id).cloned().unwrap_or_default();
    delete_access(ws, &mut l, req)?;
    ws.extras.lists.insert(id, l);
    ok(json!({}))
}

fn owned(ws: &Workspace, user: &str, req: &ApiRequest) -> Result<String, ApiError> {
    let id = list_id(ws, user, req, "list_id", false)?;
    let l = ws
        .extras
        .lists
        .get(&id)
        .ok_or_else(|| err("list_not_found"))?;
    if access(ws, l, user) == Some("owner") {
        Ok(id)
    } else {
        Err(err("restricted_action"))
    }
}

/// A CSV cell.
fn csv(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub(crate) fn download_start(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = list_id(ws, &ctx.user, req, "list_id", false)?;
    let l = ws
        .extras
        .lists
        .get(&id)
        .ok_or_else(|| err("list_not_found"))?;
    let schema = l["schema"].as_array().cloned().unwrap_or_default();
    let mut out = String::new();
    let header: Vec<String> = schema
        .iter()
        .map(|c| csv(c["name"].as_str().unwrap_or("")))
        .collect();
    out.push_str(&header.join(","));
    out.push('\n');
    for item in l["items"].as_array().cloned().unwrap_or_default() {
        let row: Vec<String> = schema
            .iter()
            .map(|c| {
                let f = item["fields"]
                    .as_array()
                    .and_then(|fs| fs.iter().find(|f| f["column_id"] == c["id"]).cloned());
                let v = f.map(|f| f["value"].clone()).unwrap_or(Value::Null);
                csv(&match v {
                    Value::String(s) => s,
                    Value::Null => String::new(),
                    other => other.to_string(),
                })
            })
            .collect();
        out.push_str(&row.join(","));
        out.push('\n');
    }
    let name = l["name"].as_str().unwrap_or("list").to_owned();
    let job = ws.next_id("LdJ");
    let root = ctx.env.base_url.trim_end_matches("api/");
    ws.file_data.insert(id.clone(), bytes::Bytes::from(out));
    let mut rec = Map::new();
    rec.insert("list_id".into(), json!(id));
    rec.insert("status".into(), json!("COMPLETED"));
    rec.insert(
        "download_url".into(),
        json!(format!("{root}files/{id}/download/{name}.csv")),
    );
    ws.extras.list_jobs.insert(job.clone(), Value::Object(rec));
    ok(json!({ "job_id": job }))
}

pub(crate) fn download_get(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = list_id(ws, &ctx.user, req, "list_id", false)?;
    let job = req.nonempty("job_id").unwrap_or_default();
    let j = ws
        .extras
        .list_jobs
        .get(&job)
        .filter(|j| j["list_id"] == id.as_str())
        .ok_or_else(|| err("job_not_found"))?;
    ok(json!({"status": j["status"], "download_url": j["download_url"]}))
}
