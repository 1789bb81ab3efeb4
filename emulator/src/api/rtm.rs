//! `rtm.connect` and `rtm.start`: a single-use `ws://` URL on the emulator.

use serde_json::json;

use super::{err, ok, Ctx, Outcome};
use crate::state::Workspace;

/// `rtm.connect` (or `rtm.start` with `start`, which adds users and channels).
pub(crate) fn connect(ws: &mut Workspace, ctx: &Ctx<'_>, start: bool) -> Outcome {
    let user = ws
        .user(&ctx.user)
        .cloned()
        .ok_or_else(|| err("invalid_auth"))?;
    let session = ws.next_id("S");
    // Good for one connection, as Slack's.
    ws.rtm_sessions.insert(session.clone(), user.id.clone());
    let mut body = json!({
        "url": format!("{}rtm/{session}", ctx.env.ws_base),
        "self": {"id": user.id, "name": user.name},
        "team": {"id": ws.team_id, "name": ws.team_name, "domain": ws.domain},
    });
    if start {
        body["users"] = json!(ws
            .users
            .iter()
            .map(|u| u.to_json(&ws.team_id, false))
            .collect::<Vec<_>>());
        body["channels"] = json!(ws
            .channels
            .iter()
            .map(|c| c.to_json(&user.id, false, false))
            .collect::<Vec<_>>());
    }
    ok(body)
}
