//! `users.*` beyond info/list/lookup: conversations, presence, profiles, identity, photos,
//! discoverable contacts. Profile changes emit `user_change`, presence changes
//! `presence_change` (and `manual_presence_change` to the user's own connections).

use serde_json::{json, Map, Value};

use super::paging::{page_args, paginate};
use super::{err, ok, ApiError, Ctx, Outcome};
use crate::state::{Kind, Workspace};
use crate::wire::ApiRequest;

/// Profile fields `users.profile.set` changes; anything else is ignored, as Slack does.
const SETTABLE: &[&str] = &[
    "first_name",
    "last_name",
    "real_name",
    "display_name",
    "title",
    "phone",
    "skype",
    "email",
    "pronouns",
    "start_date",
    "status_text",
    "status_emoji",
    "status_expiration",
    "fields",
];

/// Longest `status_text` Slack takes.
const MAX_STATUS: usize = 100;

/// The avatar URLs of `user` (the default avatar, or the photo with `hash`).
fn images(user: &str, hash: Option<&str>) -> Map<String, Value> {
    let mut m = Map::new();
    let base = match hash {
        Some(h) => format!("https://avatars.example.com/{user}/{h}"),
        None => format!("https://avatars.example.com/{user}"),
    };
    for size in [24, 32, 48, 72, 192, 512, 1024] {
        m.insert(format!("image_{size}"), json!(format!("{base}_{size}.png")));
    }
    if hash.is_some() {
        m.insert(
            "image_original".into(),
            json!(format!("{base}_original.png")),
        );
    }
    m.insert("avatar_hash".into(), json!(hash.unwrap_or("g0000000000a")));
    m.insert("is_custom_image".into(), json!(hash.is_some()));
    m
}

/// Slack's `profile` object for `user` as it is now (an expired status reads as cleared).
pub(crate) fn profile_json(ws: &Workspace, user: &str) -> Option<Value> {
    let u = ws.user(user)?;
    let person = ws.collab.people.get(user);
    let (first, last) = u.real_name.split_once(' ').unwrap_or((&u.real_name, ""));
    let mut p = Map::new();
    for (k, v) in [
        ("title", ""),
        ("phone", ""),
        ("skype", ""),
        ("pronouns", ""),
        ("real_name", &u.real_name),
        ("real_name_normalized", &u.real_name),
        ("display_name", &u.name),
        ("display_name_normalized", &u.name),
        ("first_name", first),
        ("last_name", last),
        ("status_text", ""),
        ("status_emoji", ""),
        ("team", &ws.team_id),
    ] {
        p.insert(k.into(), json!(v));
    }
    p.insert("fields".into(), json!({}));
    p.insert("status_expiration".into(), json!(0));
    p.insert(
        "email".into(),
        if u.email.is_empty() {
            Value::Null
        } else {
            json!(u.email)
        },
    );
    if let Some(b) = &u.bot_id {
        p.insert("bot_id".into(), json!(b));
        p.insert("api_app_id".into(), json!(ws.app_id));
        p.insert("always_active".into(), json!(true));
    }
    p.extend(images(user, person.and_then(|x| x.photo.as_deref())));
    if let Some(person) = person {
        for (k, v) in &person.profile {
            p.insert(k.clone(), v.clone());
        }
        for k in ["display_name", "real_name"] {
            if let Some(v) = person.profile.get(k) {
                p.insert(format!("{k}_normalized"), v.clone());
            }
        }
    }
    let expiry = p
        .get("status_expiration")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if expiry != 0 && expiry <= ws.now_secs() {
        p.insert("status_text".into(), json!(""));
        p.insert("status_emoji".into(), json!(""));
        p.insert("status_expiration".into(), json!(0));
    }
    Some(Value::Object(p))
}

/// Slack's `user` object with the current profile (`users.info`, `users.list`, events).
pub(crate) fn user_json(ws: &Workspace, user: &str, locale: bool) -> Option<Value> {
    let u = ws.user(user)?;
    let mut v = u.to_json(&ws.team_id, locale);
    v["profile"] = profile_json(ws, user)?;
    if let Some(p) = ws.collab.people.get(user).filter(|p| p.updated > 0) {
        v["updated"] = json!(p.updated);
    }
    Some(v)
}

/// The user named by argument `arg`, the caller when absent; `user_not_found` if unknown.
fn target_user(
    ws: &Workspace,
    ctx: &Ctx<'_>,
    req: &ApiRequest,
    arg: &str,
) -> Result<String, ApiError> {
    let id = req.nonempty(arg).unwrap_or_else(|| ctx.user.clone());
    ws.user(&id)
        .map(|u| u.id.clone())
        .ok_or_else(|| err("user_not_found"))
}

pub(crate) fn conversations(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (limit, offset) = page_args(req, 100)?;
    let user = target_user(ws, ctx, req, "user")?;
    let types = super::conversations::conversation_types(req)?;
    let exclude_archived = req.bool("exclude_archived");
    let items = ws
        .channels
        .iter()
        .filter(|c| types.iter().any(|t| t == c.kind.type_name()))
        .filter(|c| c.has_member(&user))
        // Someone else's private conversations only where the caller is in them too.
        .filter(|c| c.kind == Kind::Public || c.has_member(&ctx.user))
        .filter(|c| !(exclude_archived && c.archived))
        .map(|c| c.to_json(&ctx.user, false, false));
    let (page, meta) = paginate(items, limit, offset);
    ok(json!({"channels": page, "response_metadata": meta}))
}

/// `active` unless the user set themselves away.
fn presence_of(ws: &Workspace, user: &str) -> &'static str {
    if ws.collab.people.get(user).is_some_and(|p| p.manual_away) {
        "away"
    } else {
        "active"
    }
}

pub(crate) fn get_presence(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let user = target_user(ws, ctx, req, "user")?;
    let presence = presence_of(ws, &user);
    if user != ctx.user {
        // Only the user themselves sees the details.
        return ok(json!({"presence": presence}));
    }
    let manual_away = presence == "away";
    ok(json!({
        "presence": presence, "online": !manual_away, "auto_away": false,
        "manual_away": manual_away, "connection_count": 1, "last_activity": ws.now_secs(),
    }))
}

pub(crate) fn set_presence(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let away = match req.nonempty("presence").as_deref() {
        Some("away") => true,
        Some("auto") => false,
        _ => return Err(err("invalid_presence")),
    };
    let user = ctx.user.clone();
    let person = ws.collab.person_mut(&user);
    let changed = person.manual_away != away;
    person.manual_away = away;
    if changed {
        let presence = if away { "away" } else { "active" };
        let manual = if away { "away" } else { "active" };
        ctx.emit_for(
            Some(user.clone()),
            || json!({"type": "manual_presence_change", "presence": manual}),
        );
        ctx.emit(|| json!({"type": "presence_change", "user": user, "presence": presence}));
    }
    ok(json!({}))
}

pub(crate) fn profile_get(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let user = target_user(ws, ctx, req, "user")?;
    let mut profile = profile_json(ws, &user).ok_or_else(|| err("user_not_found"))?;
    if req.bool("include_labels") {
        // Every custom field carries its label.
        if let Some(fields) = profile.get_mut("fields").and_then(Value::as_object_mut) {
            for (id, f) in fields.iter_mut() {
                if f.get("label").is_none() {
                    f["label"] = json!(super::team::field_label(id));
                }
            }
        }
    }
    ok(json!({"profile": profile}))
}

/// The changes a `users.profile.set` call asks for: `profile` (JSON), or `name` + `value`.
fn requested_changes(req: &ApiRequest) -> Result<Map<String, Value>, ApiError> {
    if let Some(p) = req.json("profile").map_err(|()| err("invalid_profile"))? {
        let Value::Object(m) = p else {
            return Err(err("invalid_profile"));
        };
        return Ok(m);
    }
    let mut m = Map::new();
    if let Some(name) = req.nonempty("name") {
        m.insert(name, json!(req.str("value").unwrap_or_default()));
        return Ok(m);
    }
    Err(err("invalid_profile"))
}

/// Check one profile field the way Slack does.
fn check_field(ws: &Workspace, user: &str, key: &str, value: &Value) -> Result<(), ApiError> {
    let text = value.as_str().unwrap_or("");
    match key {
        "status_text" if text.chars().count() > MAX_STATUS => Err(err("too_long")),
        "status_emoji" if !text.is_empty() && !is_emoji_code(text) => {
            Err(err("invalid_emoji_not_allowed"))
        }
        "status_expiration" if !(value.is_u64() || text.parse::<u64>().is_ok()) => {
            Err(err("invalid_profile"))
        }
        "display_name" | "real_name" if text.starts_with('@') => Err(err("invalid_starts_with_at")),
        "display_name" | "real_name" | "first_name" | "last_name" | "title"
            if text.chars().count() > 80 =>
        {
            Err(err("too_long"))
        }
        "email" if !text.contains('@') => Err(err("invalid_profile")),
        "email"
            if ws
                .users
                .iter()
                .any(|u| u.id != user && u.email.eq_ignore_ascii_case(text)) =>
        {
            Err(err("email_taken"))
        }
        "fields" if !value.is_object() => Err(err("invalid_profile")),
        _ => Ok(()),
    }
}

/// `:name:` with a name of letters, digits, `_`, `-`, `+` or `'`.
fn is_emoji_code(s: &str) -> bool {
    s.len() > 2
        && s.starts_with(':')
        && s.ends_with(':')
        && s[1..s.len() - 1]
            .chars()
            .all(|c| c.is_alphanumeric() || "_-+'".contains(c))
}

pub(crate) fn profile_set(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, ctx, "users.profile.set")?;
    let user = req.nonempty("user").unwrap_or_else(|| ctx.user.clone());
    if ws.user(&user).is_none() {
        return Err(err("user_not_found"));
    }
    if user != ctx.user {
        // Only admins change other people's profiles; nobody in the emulator is one.
        return Err(err("not_admin"));
    }
    let changes = requested_changes(req)?;
    for (k, v) in &changes {
        check_field(ws, &user, k, v)?;
    }
    let text_cleared = changes
        .get("status_text")
        .is_some_and(|v| v.as_str() == Some(""));
    let emoji_set = changes
        .get("status_emoji")
        .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()));
    if text_cleared && emoji_set {
        return Err(err("must_clear_both_status_text_and_status_emoji"));
    }
    let now = ws.now_secs();
    for (k, v) in changes {
        if !SETTABLE.contains(&k.as_str()) {
            continue;
        }
        let v = match (k.as_str(), v) {
            ("status_expiration", Value::String(s)) => json!(s.parse::<u64>().unwrap_or(0)),
            ("fields", Value::Object(new)) => {
                // Fields merge; an empty value removes one.
                let person = ws.collab.person_mut(&user);
                let mut all = person
                    .profile
                    .get("fields")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                for (id, f) in new {
                    let value = f.get("value").and_then(Value::as_str).unwrap_or("");
                    if value.is_empty() {
                        all.remove(&id);
                    } else {
                        let alt = f.get("alt").cloned().unwrap_or(json!(""));
                        all.insert(id, json!({"value": value, "alt": alt}));
                    }
                }
                Value::Object(all)
            }
            (_, v) => v,
        };
        if k == "real_name" || k == "email" {
            let text = v.as_str().unwrap_or("").to_owned();
            if let Some(u) = ws.users.iter_mut().find(|u| u.id == user) {
                if k == "real_name" {
                    u.real_name = text;
                } else {
                    u.email = text.to_lowercase();
                }
            }
            continue;
        }
        ws.collab.person_mut(&user).profile.insert(k, v);
    }
    ws.collab.person_mut(&user).updated = now;
    emit_user_change(ws, ctx, &user);
    let profile = profile_json(ws, &user).ok_or_else(|| err("user_not_found"))?;
    let username = ws.user(&user).map(|u| u.name.clone()).unwrap_or_default();
    ok(json!({"profile": profile, "username": username}))
}

/// `user_change` with the user as it is now.
fn emit_user_change(ws: &Workspace, ctx: &mut Ctx<'_>, user: &str) {
    let v = user_json(ws, user, false);
    let now = ws.now_secs();
    ctx.emit(|| json!({"type": "user_change", "user": v, "cache_ts": now, "event_ts": format!("{now}.000000")}));
}

pub(crate) fn identity(ws: &Workspace, ctx: &Ctx<'_>) -> Outcome {
    user_token_only(ws, ctx, "users.identity")?;
    let u = ws.user(&ctx.user).ok_or_else(|| err("invalid_user_id"))?;
    let hash = ws.collab.people.get(&u.id).and_then(|p| p.photo.as_deref());
    let mut user = images(&u.id, hash);
    user.retain(|k, _| k.starts_with("image_") && k != "image_original" && k != "image_1024");
    user.insert("name".into(), json!(u.real_name));
    user.insert("id".into(), json!(u.id));
    user.insert("email".into(), json!(u.email));
    ok(json!({
        "user": user,
        // As Slack's recorded answer: the team's `id` and `name`. (`domain` and the team's
        // images come only in the identity.team-only shape, where the user is just id and name.)
        "team": {"id": ws.team_id, "name": ws.team_name},
    }))
}

/// Whether `data` starts like a PNG, JPEG or GIF file.
fn is_image(data: &[u8]) -> bool {
    data.starts_with(b"\x89PNG\r\n\x1a\n")
        || data.starts_with(b"\xff\xd8\xff")
        || data.starts_with(b"GIF87a")
        || data.starts_with(b"GIF89a")
}

/// Slack's limit on a profile photo upload.
const MAX_PHOTO: usize = 100 * 1024 * 1024;

pub(crate) fn set_photo(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    user_token_only(ws, ctx, "users.setPhoto")?;
    let part = req
        .files
        .iter()
        .find(|p| p.field == "image")
        .ok_or_else(|| err("bad_image"))?;
    if part.data.len() > MAX_PHOTO {
        return Err(err("too_large"));
    }
    if !is_image(&part.data) {
        return Err(err("bad_image"));
    }
    for crop in ["crop_x", "crop_y", "crop_w"] {
        if req.int(crop).is_err() {
            return Err(err("bad_image"));
        }
    }
    // A content hash names the photo, as Slack's avatar hashes do.
    let hash = part.data.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    let hash = format!("{:012x}", hash & 0xffff_ffff_ffff);
    let user = ctx.user.clone();
    let now = ws.now_secs();
    let person = ws.collab.person_mut(&user);
    person.photo = Some(hash.clone());
    person.updated = now;
    emit_user_change(ws, ctx, &user);
    let mut profile = images(&user, Some(&hash));
    profile.remove("is_custom_image");
    ok(json!({"profile": profile}))
}

pub(crate) fn delete_photo(ws: &mut Workspace, ctx: &mut Ctx<'_>) -> Outcome {
    user_token_only(ws, ctx, "users.deletePhoto")?;
    let user = ctx.user.clone();
    let now = ws.now_secs();
    let person = ws.collab.person_mut(&user);
    if person.photo.take().is_some() {
        person.updated = now;
        emit_user_change(ws, ctx, &user);
    }
    ok(json!({}))
}

pub(crate) fn discoverable_lookup(ws: &Workspace, req: &ApiRequest) -> Outcome {
    let email = req.nonempty("email").unwrap_or_default().to_lowercase();
    let found = ws
        .users
        .iter()
        .any(|u| !u.email.is_empty() && u.email == email);
    ok(json!({"is_discoverable": found}))
}

/// `not_allowed_token_type` when a bot calls a method only user tokens may (its table entry
/// has user scopes and no bot scopes: search, stars, identity, profile changes).
pub(crate) fn user_token_only(ws: &Workspace, ctx: &Ctx<'_>, method: &str) -> Result<(), ApiError> {
    let user_only = slack_core::method::lookup(method)
        .is_some_and(|m| m.bot_scopes.is_empty() && !m.user_scopes.is_empty());
    if user_only && ws.user(&ctx.user).is_some_and(|u| u.is_bot) {
        return Err(err("not_allowed_token_type"));
    }
    Ok(())
}
