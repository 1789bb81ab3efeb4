//! `reminders.add`, `reminders.complete`, `reminders.delete`, `reminders.info`,
//! `reminders.list`. A reminder whose time comes on the emulator's clock is delivered by
//! Slackbot: `Reminder: <text>.` in the user's DM with Slackbot (a `message` event).
//!
//! `time` is a Unix time, a number of seconds from now (below one day, as Slack reads it),
//! or simple English: `in 5 minutes`, `in an hour`, `2 days`, `in 90 seconds`. Other
//! phrasings (`tomorrow`, `every Thursday`) answer `cannot_parse`, never a guess.

use serde_json::{json, Value};

use super::chat::{open_im, store_message, NewMessage};
use super::{err, ok, ApiError, Ctx, Outcome};
use crate::state::{Reminder, Workspace};
use crate::wire::ApiRequest;

/// Slackbot's user id.
pub(crate) const SLACKBOT: &str = "USLACKBOT";

/// Reminders may be set up to five years ahead.
const MAX_AHEAD_SECS: i64 = 5 * 365 * 24 * 3600;

/// When `time` means, at `now` (Unix seconds); `None` when it cannot be read.
pub(crate) fn parse_time(time: &str, now: i64) -> Option<i64> {
    let t = time.trim().to_ascii_lowercase();
    if let Ok(n) = t.parse::<i64>() {
        // Slack: seconds from now below one day, else a Unix time.
        return Some(if (0..86_400).contains(&n) { now + n } else { n });
    }
    let rest = t.strip_prefix("in ").unwrap_or(&t).trim();
    let (count, unit) = rest.split_once(char::is_whitespace)?;
    let count: i64 = match count {
        "a" | "an" | "one" => 1,
        n => n.parse().ok().filter(|n| *n > 0)?,
    };
    let unit = unit.trim().trim_end_matches('.');
    let secs = match unit {
        "second" | "seconds" | "sec" | "secs" => 1,
        "minute" | "minutes" | "min" | "mins" => 60,
        "hour" | "hours" | "hr" | "hrs" => 3_600,
        "day" | "days" => 86_400,
        "week" | "weeks" => 7 * 86_400,
        _ => return None,
    };
    now.checked_add(count.checked_mul(secs)?)
}

fn now(ws: &Workspace) -> i64 {
    i64::try_from(ws.now_secs()).unwrap_or(i64::MAX)
}

/// Reminders are a user-token API: a bot token gets `not_allowed_token_type`.
fn human(ws: &Workspace, ctx: &Ctx<'_>) -> Result<(), ApiError> {
    if ws.user(&ctx.user).is_none_or(|u| u.is_bot) {
        return Err(err("not_allowed_token_type"));
    }
    Ok(())
}

fn to_json(r: &Reminder) -> Value {
    json!({
        "id": r.id, "creator": r.creator, "user": r.user, "text": r.text,
        "recurring": false, "time": r.time, "complete_ts": r.complete_ts,
    })
}

/// The reminder named by `reminder`, if the caller may see it (created it or gets it).
fn find<'w>(ws: &'w Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Result<&'w Reminder, ApiError> {
    let id = req.nonempty("reminder").unwrap_or_default();
    ws.reminders
        .get(&id)
        .filter(|r| r.creator == ctx.user || r.user == ctx.user)
        .ok_or_else(|| err("not_found"))
}

pub(crate) fn add(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    human(ws, ctx)?;
    let text = req
        .nonempty("text")
        .ok_or_else(|| err("missing_argument"))?;
    let user = req.nonempty("user").unwrap_or_else(|| ctx.user.clone());
    if user == SLACKBOT {
        return Err(err("cannot_add_slackbot"));
    }
    match ws.user(&user) {
        None => return Err(err("user_not_found")),
        Some(u) if u.is_bot => return Err(err("cannot_add_bot")),
        Some(_) => {}
    }
    if req.nonempty("recurrence").is_some() {
        // Recurring reminders are not modelled: refused rather than run once.
        return Err(err("cannot_parse"));
    }
    let time_arg = req.str("time").unwrap_or_default();
    let now = now(ws);
    let time = parse_time(&time_arg, now)
        .filter(|t| *t <= now.saturating_add(MAX_AHEAD_SECS))
        .ok_or_else(|| err("cannot_parse"))?;
    let id = ws.next_id("Rm");
    let r = Reminder {
        id: id.clone(),
        creator: ctx.user.clone(),
        user,
        text,
        time,
        complete_ts: 0,
        fired: false,
    };
    let out = to_json(&r);
    ws.reminders.insert(id, r);
    ws.clock.wake();
    ok(json!({"reminder": out}))
}

pub(crate) fn complete(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    human(ws, ctx)?;
    let r = find(ws, ctx, req)?;
    if r.user != ctx.user {
        return Err(err("cannot_complete_others"));
    }
    let id = r.id.clone();
    let now = now(ws);
    if let Some(r) = ws.reminders.get_mut(&id) {
        if r.complete_ts == 0 {
            r.complete_ts = now;
        }
    }
    ok(json!({}))
}

pub(crate) fn delete(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    human(ws, ctx)?;
    let id = find(ws, ctx, req)?.id.clone();
    ws.reminders.remove(&id);
    ok(json!({}))
}

pub(crate) fn info(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    human(ws, ctx)?;
    let r = find(ws, ctx, req)?;
    ok(json!({"reminder": to_json(r)}))
}

pub(crate) fn list(ws: &Workspace, ctx: &Ctx<'_>) -> Outcome {
    human(ws, ctx)?;
    let list: Vec<Value> = ws
        .reminders
        .values()
        .filter(|r| r.creator == ctx.user || r.user == ctx.user)
        .map(to_json)
        .collect();
    ok(json!({"reminders": list}))
}

/// Deliver every reminder whose time has come: Slackbot posts it in the user's DM.
pub(crate) fn fire_due(ws: &mut Workspace, ctx: &mut Ctx<'_>, now: i64) {
    let mut due: Vec<(i64, String)> = ws
        .reminders
        .values()
        .filter(|r| !r.fired && r.complete_ts == 0 && r.time <= now)
        .map(|r| (r.time, r.id.clone()))
        .collect();
    due.sort();
    for (_, id) in due {
        let Some(r) = ws.reminders.get_mut(&id) else {
            continue;
        };
        r.fired = true;
        let (user, text) = (r.user.clone(), r.text.clone());
        let dm = open_im(ws, SLACKBOT, &user);
        ctx.user = SLACKBOT.to_owned();
        let new = NewMessage {
            text: Some(format!("Reminder: {}.", text.trim_end_matches('.'))),
            ..NewMessage::default()
        };
        if let Err(e) = store_message(ws, ctx, &dm, new) {
            tracing::debug!(%id, error = %e.code, "reminder not delivered");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_read_honestly() {
        let now = 1_800_000_000;
        assert_eq!(parse_time("in 5 minutes", now), Some(now + 300));
        assert_eq!(parse_time("In an hour", now), Some(now + 3_600));
        assert_eq!(parse_time("2 days", now), Some(now + 172_800));
        assert_eq!(parse_time("90", now), Some(now + 90));
        assert_eq!(parse_time("1900000000", now), Some(1_900_000_000));
        assert_eq!(parse_time("tomorrow", now), None);
        assert_eq!(parse_time("in 0 minutes", now), None);
        assert_eq!(parse_time("in five fortnights", now), None);
        assert_eq!(parse_time("", now), None);
    }
}
