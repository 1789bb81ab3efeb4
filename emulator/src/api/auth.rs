//! `api.test` and `auth.test`.

use serde_json::{json, Value};

use super::{err, ok, Ctx, Outcome};
use crate::state::Workspace;
use crate::wire::ApiRequest;

/// `api.test`: echoes its arguments (no token needed); `error=x` makes it fail with `x`.
pub(crate) fn api_test(req: &ApiRequest) -> Outcome {
    let args = Value::Object(req.args.clone());
    match req.nonempty("error") {
        Some(code) => Err(err(&code).with("args", args)),
        None if req.args.is_empty() => ok(json!({})),
        None => ok(json!({ "args": args })),
    }
}

/// `auth.test`: who the token is.
pub(crate) fn test(ws: &Workspace, ctx: &Ctx<'_>) -> Outcome {
    let user = ws.user(&ctx.user).ok_or_else(|| err("invalid_auth"))?;
    let mut body = json!({
        "url": format!("https://{}.slack.com/", ws.domain),
        "team": ws.team_name, "user": user.name, "team_id": ws.team_id, "user_id": user.id,
        "is_enterprise_install": false,
    });
    if let Some(b) = &user.bot_id {
        body["bot_id"] = json!(b);
    }
    ok(body)
}
