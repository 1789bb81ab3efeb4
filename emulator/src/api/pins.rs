//! `pins.add`, `pins.remove`, `pins.list`: pinned messages per channel, with `pin_added` and
//! `pin_removed` events and the message's `pinned_to`.

use serde_json::{json, Value};

use super::{err, ok, visible_channel, ApiError, Ctx, Outcome};
use crate::state::{Pin, Workspace};
use crate::wire::ApiRequest;

/// Pins per channel Slack allows.
const MAX_PINS: usize = 100;

/// The channel and message `ts` a pin call names (a message must exist).
fn target(ws: &Workspace, user: &str, req: &ApiRequest) -> Result<(String, String), ApiError> {
    let channel = visible_channel(ws, user, req, "channel")?;
    let ts = req
        .nonempty("timestamp")
        .ok_or_else(|| err("no_item_specified"))?;
    if ts.parse::<f64>().is_err() {
        return Err(err("bad_timestamp"));
    }
    if ws.find_message(&channel, &ts).is_none() {
        return Err(err("message_not_found"));
    }
    Ok((channel, ts))
}

/// Keep the message's `pinned_to` list in step with the pins.
fn mark_message(ws: &mut Workspace, channel: &str, ts: &str, pinned: bool) {
    if let Some(m) = ws.find_message_mut(channel, ts) {
        if pinned {
            m.insert("pinned_to".into(), json!([channel]));
        } else {
            m.remove("pinned_to");
        }
    }
}

fn item_json(ws: &Workspace, channel: &str, pin: &Pin) -> Value {
    let message = pin
        .ts
        .as_deref()
        .and_then(|ts| ws.find_message(channel, ts))
        .map(|m| {
            let mut m = m.clone();
            if let Some(ts) = &pin.ts {
                m.insert(
                    "permalink".into(),
                    json!(format!(
                        "https://{}.slack.com/archives/{channel}/p{}",
                        ws.domain,
                        ts.replace('.', "")
                    )),
                );
            }
            Value::Object(m)
        });
    json!({
        "type": "message", "channel": channel, "created": pin.created,
        "created_by": pin.created_by, "message": message,
    })
}

pub(crate) fn add(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (channel, ts) = target(ws, &ctx.user, req)?;
    if !ws
        .channel(&channel)
        .is_some_and(|c| c.has_member(&ctx.user))
    {
        return Err(err("not_in_channel"));
    }
    let pins = ws.collab.pins.get(&channel).map_or(&[][..], Vec::as_slice);
    if pins.iter().any(|p| p.ts.as_deref() == Some(ts.as_str())) {
        return Err(err("already_pinned"));
    }
    if pins.len() >= MAX_PINS {
        return Err(err("too_many_pins"));
    }
    let pin = Pin {
        ts: Some(ts.clone()),
        file: None,
        created: ws.now_secs(),
        created_by: ctx.user.clone(),
    };
    ws.collab
        .pins
        .entry(channel.clone())
        .or_default()
        .push(pin.clone());
    mark_message(ws, &channel, &ts, true);
    let item = item_json(ws, &channel, &pin);
    let count = ws.collab.pins.get(&channel).map_or(0, Vec::len);
    let item_user = item["message"]["user"].clone();
    let event_ts = ws.next_ts();
    let user = ctx.user.clone();
    ctx.emit(|| {
        json!({
            "type": "pin_added", "user": user, "channel_id": channel, "item": item,
            "item_user": item_user, "pin_count": count,
            "pinned_info": {"channel": channel, "pinned_by": user, "pinned_ts": pin.created},
            "event_ts": event_ts,
        })
    });
    ok(json!({}))
}

pub(crate) fn remove(ws: &mut Workspace, ctx: &mut Ctx<'_>, req: &ApiRequest) -> Outcome {
    let (channel, ts) = target(ws, &ctx.user, req)?;
    let pins = ws.collab.pins.entry(channel.clone()).or_default();
    let i = pins
        .iter()
        .position(|p| p.ts.as_deref() == Some(ts.as_str()))
        .ok_or_else(|| err("no_pin"))?;
    let pin = pins.remove(i);
    let left = pins.len();
    if left == 0 {
        ws.collab.pins.remove(&channel);
    }
    mark_message(ws, &channel, &ts, false);
    let item = item_json(ws, &channel, &pin);
    let item_user = item["message"]["user"].clone();
    let event_ts = ws.next_ts();
    let user = ctx.user.clone();
    ctx.emit(|| {
        json!({
            "type": "pin_removed", "user": user, "channel_id": channel, "item": item,
            "item_user": item_user, "pin_count": left, "has_pins": left > 0,
            "pinned_info": {"channel": channel, "pinned_by": pin.created_by, "pinned_ts": pin.created},
            "event_ts": event_ts,
        })
    });
    ok(json!({}))
}

pub(crate) fn list(ws: &Workspace, ctx: &Ctx<'_>, req: &ApiRequest) -> Outcome {
    let channel = visible_channel(ws, &ctx.user, req, "channel")?;
    let items: Vec<Value> = ws
        .collab
        .pins
        .get(&channel)
        .map(|pins| {
            pins.iter()
                .rev()
                .map(|p| item_json(ws, &channel, p))
                .collect()
        })
        .unwrap_or_default();
    ok(json!({"items": items}))
}
