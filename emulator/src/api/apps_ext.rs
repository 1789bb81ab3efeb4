//! `apps.*` beyond Socket Mode: the app's datastores (a real key-value store, with
//! DynamoDB-style query expressions), manifests, event authorizations, uninstall, icon,
//! activity log, external auth tokens, user connections and managed permissions.

use base64::Engine;
use serde_json::{json, Map, Value};

use super::helpers2::{invalid, json_arg, user_token_only};
use super::paging::{page_args, paginate};
use super::{err, ok, ApiError, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

// ===== datastores =====

/// The datastore named by `datastore` in the app's manifest: `(name, primary key, attributes)`.
fn datastore(ws: &Workspace, req: &ApiRequest) -> Result<(String, String, Vec<String>), ApiError> {
    if let Some(app) = req.nonempty("app_id") {
        if app != ws.app_id {
            return Err(err("invalid_app_id"));
        }
    }
    let app = ws
        .extras
        .apps
        .get(&ws.app_id)
        .ok_or_else(|| err("invalid_app_id"))?;
    if app["manifest"]["settings"]["function_runtime"] != "slack" {
        return Err(err("app_not_hosted"));
    }
    let name = req.nonempty("datastore").unwrap_or_default();
    let def = &app["manifest"]["datastores"][&name];
    if !def.is_object() {
        return Err(err("invalid_datastore"));
    }
    let key = def["primary_key"].as_str().unwrap_or("id").to_owned();
    let attrs = def["attributes"]
        .as_object()
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    Ok((name, key, attrs))
}

/// Check an item against the datastore's attributes; its primary key value.
fn item_key(item: &Value, key: &str, attrs: &[String]) -> Result<String, ApiError> {
    let obj = item
        .as_object()
        .ok_or_else(|| invalid("item", "must be an object"))?;
    if let Some(bad) = obj.keys().find(|k| !attrs.contains(k)) {
        return Err(invalid("item", &format!("unknown attribute {bad}")));
    }
    match obj.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Ok(s.clone()),
        Some(Value::Number(n)) => Ok(n.to_string()),
        _ => Err(invalid("item", &format!("missing primary key {key}"))),
    }
}

pub(crate) fn ds_put(ws: &mut Workspace, req: &ApiRequest, merge: bool) -> Outcome {
    let (name, key, attrs) = datastore(ws, req)?;
    let item = json_arg(req, "item")?;
    let id = item_key(&item, &key, &attrs)?;
    let store = ws.extras.datastores.entry(name.clone()).or_default();
    let stored = match (merge, store.get(&id)) {
        (true, Some(Value::Object(old))) => {
            let mut m = old.clone();
            if let Value::Object(new) = &item {
                m.extend(new.clone());
            }
            Value::Object(m)
        }
        _ => item,
    };
    store.insert(id, stored.clone());
    ok(json!({"datastore": name, "item": stored}))
}

pub(crate) fn ds_get(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (name, _, _) = datastore(ws, req)?;
    let id = req.str("id").unwrap_or_default();
    let item = ws
        .extras
        .datastores
        .get(&name)
        .and_then(|s| s.get(&id))
        .cloned()
        .unwrap_or_else(|| json!({}));
    ok(json!({"datastore": name, "item": item}))
}

pub(crate) fn ds_delete(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let (name, _, _) = datastore(ws, req)?;
    let id = req.str("id").unwrap_or_default();
    if let Some(s) = ws.extras.datastores.get_mut(&name) {
        s.remove(&id);
    }
    ok(json!({ "datastore": name }))
}

/// The `ids` of a bulk call (a JSON array or a comma list).
fn ids(req: &ApiRequest) -> Result<Vec<String>, ApiError> {
    let ids: Vec<String> = match req.json("ids") {
        Ok(Some(Value::Array(a))) => a
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect(),
        _ => req.list("ids"),
    };
    if ids.is_empty() || ids.len() > 25 {
        return Err(invalid("ids", "between 1 and 25 ids"));
    }
    Ok(ids)
}

pub(crate) fn ds_bulk_get(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (name, _, _) = datastore(ws, req)?;
    let store = ws.extras.datastores.get(&name);
    let items: Vec<Value> = ids(req)?
        .iter()
        .filter_map(|id| store.and_then(|s| s.get(id)).cloned())
        .collect();
    ok(json!({"datastore": name, "items": items, "failed_items": []}))
}

pub(crate) fn ds_bulk_put(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let (name, key, attrs) = datastore(ws, req)?;
    let items = match json_arg(req, "items")? {
        Value::Array(a) if !a.is_empty() && a.len() <= 25 => a,
        _ => return Err(invalid("items", "between 1 and 25 items")),
    };
    let mut good = Vec::new();
    for item in items {
        good.push((item_key(&item, &key, &attrs)?, item));
    }
    let store = ws.extras.datastores.entry(name.clone()).or_default();
    for (id, item) in good {
        store.insert(id, item);
    }
    ok(json!({"datastore": name, "failed_items": []}))
}

pub(crate) fn ds_bulk_delete(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let (name, _, _) = datastore(ws, req)?;
    let list = ids(req)?;
    if let Some(s) = ws.extras.datastores.get_mut(&name) {
        for id in list {
            s.remove(&id);
        }
    }
    ok(json!({"datastore": name, "failed_items": []}))
}

/// One comparison of a query expression.
#[derive(Debug, Clone, PartialEq)]
enum Cond {
    Cmp(String, String, Value),
    BeginsWith(String, String),
    Contains(String, Value),
    Between(String, Value, Value),
}

/// Parse `expression` (`#a = :v AND begins_with(#b, :w) AND #c BETWEEN :x AND :y`), with
/// names from `expression_attributes` and values from `expression_values`.
fn parse_expression(expr: &str, names: &Value, values: &Value) -> Result<Vec<Cond>, ApiError> {
    let bad = || invalid("expression", "could not parse the expression");
    let name = |t: &str| -> Result<String, ApiError> {
        let t = t.trim();
        if t.starts_with('#') {
            names[t].as_str().map(str::to_owned).ok_or_else(bad)
        } else if !t.is_empty() && t.chars().all(|c| c.is_alphanumeric() || c == '_') {
            Ok(t.to_owned())
        } else {
            Err(bad())
        }
    };
    let value = |t: &str| -> Result<Value, ApiError> {
        let t = t.trim();
        values
            .get(t)
            .cloned()
            .filter(|_| t.starts_with(':'))
            .ok_or_else(bad)
    };
    // Split on AND, keeping BETWEEN's own AND with its clause.
    let tokens: Vec<&str> = expr.split(" AND ").collect();
    let mut clauses: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let t = tokens[i];
        if t.contains(" BETWEEN ") {
            let next = tokens.get(i + 1).ok_or_else(bad)?;
            clauses.push(format!("{t} AND {next}"));
            i += 2;
        } else {
            clauses.push(t.to_owned());
            i += 1;
        }
    }
    let mut out = Vec::new();
    for c in clauses {
        let c = c.trim();
        if let Some(args) = c
            .strip_prefix("begins_with(")
            .and_then(|r| r.strip_suffix(')'))
        {
            let (a, v) = args.split_once(',').ok_or_else(bad)?;
            let v = value(v)?.as_str().ok_or_else(bad)?.to_owned();
            out.push(Cond::BeginsWith(name(a)?, v));
        } else if let Some(args) = c
            .strip_prefix("contains(")
            .and_then(|r| r.strip_suffix(')'))
        {
            let (a, v) = args.split_once(',').ok_or_else(bad)?;
            out.push(Cond::Contains(name(a)?, value(v)?));
        } else if let Some((a, rest)) = c.split_once(" BETWEEN ") {
            let (lo, hi) = rest.split_once(" AND ").ok_or_else(bad)?;
            out.push(Cond::Between(name(a)?, value(lo)?, value(hi)?));
        } else {
            let op = ["<>", "<=", ">=", "=", "<", ">"]
                .into_iter()
                .find(|op| c.contains(op))
                .ok_or_else(bad)?;
            let (a, v) = c.split_once(op).ok_or_else(bad)?;
            out.push(Cond::Cmp(name(a)?, op.to_owned(), value(v)?));
        }
    }
    Ok(out)
}

fn order(a: &Value, b: &Value) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64()?.partial_cmp(&y.as_f64()?),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn matches(item: &Value, conds: &[Cond]) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    conds.iter().all(|c| match c {
        Cond::Cmp(a, op, v) => {
            let o = order(&item[a.as_str()], v);
            match op.as_str() {
                "=" => item[a.as_str()] == *v,
                "<>" => item[a.as_str()] != *v,
                "<" => o == Some(Less),
                ">" => o == Some(Greater),
                "<=" => matches!(o, Some(Less | Equal)),
                _ => matches!(o, Some(Greater | Equal)),
            }
        }
        Cond::BeginsWith(a, p) => item[a.as_str()]
            .as_str()
            .is_some_and(|s| s.starts_with(p.as_str())),
        Cond::Contains(a, v) => match (&item[a.as_str()], v) {
            (Value::String(s), Value::String(x)) => s.contains(x.as_str()),
            (Value::Array(l), x) => l.contains(x),
            _ => false,
        },
        Cond::Between(a, lo, hi) => {
            let x = &item[a.as_str()];
            matches!(order(x, lo), Some(Greater | Equal))
                && matches!(order(x, hi), Some(Less | Equal))
        }
    })
}

/// The items of the datastore that match the request's expression.
fn selected(ws: &Workspace, req: &ApiRequest) -> Result<(String, Vec<Value>), ApiError> {
    let (name, _, _) = datastore(ws, req)?;
    let conds = match req.nonempty("expression") {
        Some(e) => {
            let names = req
                .json("expression_attributes")
                .map_err(|()| invalid("expression_attributes", "must be JSON"))?
                .unwrap_or(json!({}));
            let values = req
                .json("expression_values")
                .map_err(|()| invalid("expression_values", "must be JSON"))?
                .unwrap_or(json!({}));
            parse_expression(&e, &names, &values)?
        }
        None => Vec::new(),
    };
    let items = ws
        .extras
        .datastores
        .get(&name)
        .map(|s| s.values().filter(|i| matches(i, &conds)).cloned().collect())
        .unwrap_or_default();
    Ok((name, items))
}

pub(crate) fn ds_query(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let (name, items) = selected(ws, req)?;
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"datastore": name, "items": page, "response_metadata": meta}))
}

pub(crate) fn ds_count(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let (name, items) = selected(ws, req)?;
    ok(json!({"datastore": name, "count": items.len()}))
}

// ===== manifests =====

/// Slack's checks on a manifest, as `errors` (`{code, message, pointer}`).
fn manifest_errors(m: &Value) -> Vec<Value> {
    let mut out = Vec::new();
    let mut fail = |pointer: &str, message: &str| {
        out.push(json!({"code": "invalid_manifest_field", "message": message, "pointer": pointer, "related_component": ""}));
    };
    if !m.is_object() {
        fail("/", "the manifest must be an object");
        return out;
    }
    match m["display_information"]["name"].as_str() {
        None => fail("/display_information/name", "is required"),
        Some(n) if n.is_empty() || n.chars().count() > 35 => {
            fail("/display_information/name", "must be 1 to 35 characters")
        }
        _ => {}
    }
    if let Some(d) = m["display_information"]["description"].as_str() {
        if d.chars().count() > 140 {
            fail(
                "/display_information/description",
                "must be at most 140 characters",
            );
        }
    }
    if let Some(bot) = m["features"]["bot_user"].as_object() {
        if bot
            .get("display_name")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            fail("/features/bot_user/display_name", "is required");
        }
    }
    if let Some(scopes) = m["oauth_config"]["scopes"]["bot"].as_array() {
        if scopes.iter().any(|s| !s.is_string()) {
            fail("/oauth_config/scopes/bot", "must be strings");
        }
    }
    if m["settings"]["socket_mode_enabled"] == false
        && m["settings"]["event_subscriptions"].is_object()
        && m["settings"]["event_subscriptions"]["request_url"]
            .as_str()
            .is_none()
    {
        fail(
            "/settings/event_subscriptions/request_url",
            "is required without Socket Mode",
        );
    }
    out
}

fn checked_manifest(req: &ApiRequest) -> Result<Value, ApiError> {
    let m = json_arg(req, "manifest").map_err(|_| err("invalid_manifest"))?;
    let errors = manifest_errors(&m);
    if errors.is_empty() {
        Ok(m)
    } else {
        Err(err("invalid_manifest").with("errors", errors))
    }
}

/// The app named by `app_id`, which `user` created (else `app_not_found` / `no_permission`).
fn own_app(ws: &Workspace, user: &str, req: &ApiRequest) -> Result<String, ApiError> {
    let id = req.nonempty("app_id").unwrap_or_default();
    let app = ws
        .extras
        .apps
        .get(&id)
        .ok_or_else(|| err("app_not_found"))?;
    if app["creator"] != user {
        return Err(err("no_permission"));
    }
    Ok(id)
}

pub(crate) fn manifest_validate(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, &ctx.user)?;
    if req.has("app_id") {
        own_app(ws, &ctx.user, req).map_err(|_| err("invalid_app_id"))?;
    }
    checked_manifest(req)?;
    ok(json!({}))
}

pub(crate) fn manifest_create(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, &ctx.user)?;
    if let Some(t) = req.nonempty("team_id") {
        if !ws.org.teams.contains_key(&t) {
            return Err(err("invalid_team_id"));
        }
    }
    let manifest = checked_manifest(req)?;
    let id = ws.next_id("A");
    let secret = ws.opaque_id().replace('-', "");
    let credentials = json!({
        "client_id": format!("{}.{}", ws.oauth.client_id.split('.').next().unwrap_or("1"), id),
        "client_secret": secret, "verification_token": format!("vt{secret}"),
        "signing_secret": format!("ss{secret}"),
    });
    ws.extras.apps.insert(
        id.clone(),
        json!({"app_id": id, "manifest": manifest, "creator": ctx.user, "credentials": credentials,
               "team_id": ws.team_id, "icon": null, "managed_permissions": null}),
    );
    ok(json!({
        "app_id": id, "credentials": credentials,
        "oauth_authorize_url": format!("https://slack.com/oauth/v2/authorize?client_id={}&scope=", credentials["client_id"].as_str().unwrap_or("")),
        "team_id": ws.team_id, "team_domain": ws.domain,
    }))
}

pub(crate) fn manifest_update(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, &ctx.user)?;
    let id = own_app(ws, &ctx.user, req)?;
    let manifest = checked_manifest(req)?;
    let app = ws
        .extras
        .apps
        .get_mut(&id)
        .ok_or_else(|| err("app_not_found"))?;
    let changed = app["manifest"]["oauth_config"] != manifest["oauth_config"];
    app["manifest"] = manifest;
    ok(json!({"app_id": id, "permissions_updated": changed}))
}

pub(crate) fn manifest_delete(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, &ctx.user)?;
    let id = own_app(ws, &ctx.user, req)?;
    ws.extras.apps.remove(&id);
    ok(json!({}))
}

pub(crate) fn manifest_export(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, &ctx.user)?;
    let id = own_app(ws, &ctx.user, req)?;
    ok(json!({"manifest": ws.extras.apps.get(&id).map(|a| a["manifest"].clone())}))
}

// ===== the rest =====

/// `apps.event.authorizations.list` (app-level token): who the event in `event_context`
/// is visible to.
pub(crate) fn event_authorizations(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let raw = req.nonempty("event_context").unwrap_or_default();
    let decoded = raw
        .strip_prefix("4-")
        .and_then(|b| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .decode(b)
                .ok()
        })
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .ok_or_else(|| err("invalid_event_context"))?;
    if decoded["tid"] != ws.team_id.as_str() || decoded["aid"] != ws.app_id.as_str() {
        return Err(err("invalid_event_context"));
    }
    let (limit, offset) = page_args(req, 100)?;
    let auths = vec![json!({
        "enterprise_id": null, "team_id": ws.team_id, "user_id": ws.bot_user_id,
        "is_bot": true, "is_enterprise_install": false,
    })];
    let (page, meta) = paginate(auths, limit, offset);
    ok(json!({"authorizations": page, "response_metadata": meta}))
}

/// `apps.uninstall`: with the app's client id and secret, revokes every token of the app
/// and emits `tokens_revoked` and `app_uninstalled`.
pub(crate) fn uninstall(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    ws.oauth
        .check_client(
            req.nonempty("client_id").as_deref(),
            req.nonempty("client_secret").as_deref(),
        )
        .map_err(err)?;
    let bot = ws.bot_user_id.clone();
    let mut users: Vec<String> = Vec::new();
    let mut bots: Vec<String> = Vec::new();
    ws.tokens.retain(|_, t| {
        if t.user_id == bot {
            bots.push(t.user_id.clone());
        } else {
            users.push(t.user_id.clone());
        }
        false
    });
    // The refresh tokens of the install go with it, so nothing can mint new tokens.
    ws.oauth.refresh_tokens.clear();
    ws.oauth.expiry.clear();
    users.sort();
    users.dedup();
    bots.dedup();
    let event_ts = ws.next_ts();
    ctx.emit(|| json!({"type": "tokens_revoked", "tokens": {"oauth": users, "bot": bots}, "event_ts": event_ts}));
    ctx.emit(|| json!({"type": "app_uninstalled", "event_ts": event_ts}));
    ok(json!({}))
}

/// `apps.icon.set`: a `file` part (an image) or a `url`.
pub(crate) fn icon_set(ws: &mut Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("app_id").unwrap_or_default();
    let creator = ws
        .extras
        .apps
        .get(&id)
        .map(|a| a["creator"].clone())
        .ok_or_else(|| err("invalid_app_id"))?;
    if creator != ctx.user.as_str() && id != ws.app_id {
        return Err(err("no_permission"));
    }
    let icon = if let Some(part) = req.files.iter().find(|p| p.field == "file") {
        let png = part.data.starts_with(b"\x89PNG");
        let jpg = part.data.starts_with(&[0xff, 0xd8]);
        if !png && !jpg {
            return Err(err("error_bad_format"));
        }
        format!("data:{}", part.filename)
    } else if let Some(url) = req.nonempty("url") {
        if !url.starts_with("https://") && !url.starts_with("http://") {
            return Err(err("icon_not_accessible"));
        }
        url
    } else {
        return Err(err("missing_arguments"));
    };
    if let Some(a) = ws.extras.apps.get_mut(&id) {
        a["icon"] = json!(icon);
    }
    ok(json!({}))
}

pub(crate) fn activities_list(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let app = req.nonempty("app_id").unwrap_or_default();
    if !ws.extras.apps.contains_key(&app) {
        return Err(err("invalid_app_id"));
    }
    let (limit, offset) = page_args(req, 100)?;
    let min_level = req.nonempty("min_log_level");
    let rank = |l: &str| {
        ["trace", "debug", "info", "warn", "error", "fatal"]
            .iter()
            .position(|x| *x == l)
    };
    let kind = req.nonempty("log_event_type");
    let component = req.nonempty("component_id");
    let mut items: Vec<Value> = ws
        .extras
        .activities
        .iter()
        .filter(|a| a["app_id"] == app.as_str())
        .filter(|a| {
            min_level
                .as_deref()
                .is_none_or(|m| rank(a["level"].as_str().unwrap_or("info")) >= rank(m))
        })
        .filter(|a| kind.as_deref().is_none_or(|k| a["event_type"] == k))
        .filter(|a| component.as_deref().is_none_or(|c| a["component_id"] == c))
        .cloned()
        .collect();
    if req.str("sort_direction").as_deref() != Some("asc") {
        items.reverse();
    }
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"activities": page, "response_metadata": meta}))
}

pub(crate) fn external_get(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let id = req.nonempty("external_token_id").unwrap_or_default();
    let t = ws
        .extras
        .external_tokens
        .get(&id)
        .ok_or_else(|| err("token_not_found"))?;
    ok(json!({"external_token": t["token"], "provider_key": t["provider_key"]}))
}

pub(crate) fn external_delete(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    if let Some(app) = req.nonempty("app_id") {
        if !ws.extras.apps.contains_key(&app) {
            return Err(err("app_not_found"));
        }
    }
    if let Some(id) = req.nonempty("external_token_id") {
        return match ws.extras.external_tokens.remove(&id) {
            Some(_) => ok(json!({})),
            None => Err(err("token_not_found")),
        };
    }
    let provider = req.nonempty("provider_key");
    let before = ws.extras.external_tokens.len();
    ws.extras
        .external_tokens
        .retain(|_, t| provider.as_deref().is_some_and(|p| t["provider_key"] != p));
    if ws.extras.external_tokens.len() == before {
        return Err(err(if provider.is_some() {
            "providers_not_found"
        } else {
            "no_tokens_found"
        }));
    }
    ok(json!({}))
}

pub(crate) fn user_connection_update(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    let user = req.nonempty("user_id").unwrap_or_default();
    if ws.user(&user).is_none() {
        return Err(err("user_not_found"));
    }
    let status = req.nonempty("status").unwrap_or_default();
    if !["connected", "disconnected"].contains(&status.as_str()) {
        return Err(invalid("status", "must be connected or disconnected"));
    }
    ws.extras.user_connections.insert(user, status);
    ok(json!({}))
}

pub(crate) fn managed_permissions_set(
    ws: &mut Workspace,
    ctx: &Ctx<'_>,
    req: &ApiRequest,
) -> Outcome {
    let id = req.nonempty("app_id").unwrap_or_default();
    let app = ws
        .extras
        .apps
        .get(&id)
        .ok_or_else(|| err("app_not_found"))?;
    if app["creator"] != ctx.user.as_str() {
        return Err(err("app_not_owned_by_manager_app"));
    }
    let perms = json_arg(req, "permissions")?;
    if !perms.is_object() {
        return Err(invalid("permissions", "must be an object"));
    }
    if let Some(a) = ws.extras.apps.get_mut(&id) {
        a["managed_permissions"] = perms;
    }
    ok(json!({}))
}

/// Record an activity-log entry for the app.
pub(crate) fn log_activity(ws: &mut Workspace, kind: &str, component: &str, payload: Value) {
    let created = ws.now_secs().saturating_mul(1_000_000);
    let mut m = Map::new();
    m.insert("event_type".into(), json!(kind));
    m.insert("source".into(), json!("slack"));
    m.insert("component_type".into(), json!("custom_function"));
    m.insert("component_id".into(), json!(component));
    m.insert("level".into(), json!("info"));
    m.insert("created".into(), json!(created));
    m.insert("trace_id".into(), json!(ws.next_id("Tr")));
    m.insert("app_id".into(), json!(ws.app_id));
    m.insert("payload".into(), payload);
    ws.extras.activities.push(Value::Object(m));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_parse_and_match() {
        let names = json!({"#t": "title", "#d": "done", "#n": "n"});
        let values = json!({":a": "Wr", ":b": false, ":lo": 2, ":hi": 4});
        let conds = parse_expression(
            "begins_with(#t, :a) AND #d = :b AND #n BETWEEN :lo AND :hi",
            &names,
            &values,
        )
        .unwrap_or_default();
        assert_eq!(conds.len(), 3);
        assert!(matches(
            &json!({"title": "Write", "done": false, "n": 3}),
            &conds
        ));
        assert!(!matches(
            &json!({"title": "Write", "done": false, "n": 5}),
            &conds
        ));
        assert!(!matches(
            &json!({"title": "Read", "done": false, "n": 3}),
            &conds
        ));
        assert!(parse_expression("#x = :nope", &names, &values).is_err());
        assert!(parse_expression("#t ~ :a", &names, &values).is_err());
    }

    #[test]
    fn manifests_are_checked() {
        assert!(manifest_errors(&json!({"display_information": {"name": "ok"}})).is_empty());
        assert_eq!(manifest_errors(&json!({})).len(), 1);
        let long = "x".repeat(36);
        assert_eq!(
            manifest_errors(&json!({"display_information": {"name": long}}))[0]["pointer"],
            "/display_information/name"
        );
    }
}
