//! `apps.connections.open`: a single-use Socket Mode URL for the app-level token.

use serde_json::json;

use super::{err, ok, Ctx, Outcome};
use crate::state::Workspace;

/// `apps.connections.open`: `ws://127.0.0.1:PORT/link/?ticket=…&app_id=…`, good for one
/// connection. Refused with `link_disabled` while the app is not in Socket Mode or its link
/// was disabled (an emulator code: Slack's own answer for this case is not documented).
pub(crate) fn connections_open(ws: &mut Workspace, ctx: &Ctx<'_>) -> Outcome {
    if !ctx.env.socket_mode_open {
        return Err(err("link_disabled"));
    }
    let ticket = ws.opaque_id();
    ws.socket_tickets.insert(ticket.clone());
    ok(json!({
        "url": format!("{}link/?ticket={ticket}&app_id={}", ctx.env.ws_base, ws.app_id),
    }))
}
