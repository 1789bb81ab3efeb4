//! Sign in with Slack (OpenID Connect) over the emulator's users: the authorize step issues
//! a code for a user ([`issue_code`], driven by `POST /_emulator/openid/code`),
//! `openid.connect.token` trades it (or a refresh token) for a user token with the
//! `openid email profile` scopes and an ID token, and `openid.connect.userInfo` answers with
//! that token's user.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

use super::{err, ok, Ctx, Outcome};
use crate::state::{OidcCode, TokenInfo, Workspace};
use crate::wire::ApiRequest;

/// How long a code stays valid (Slack: 10 minutes).
const CODE_LIFETIME: u64 = 600;
/// How long an access token lives (`expires_in`).
const TOKEN_LIFETIME: u64 = 43_200;

/// Issue an authorization code for `user` (id or name) returning to `redirect_uri`; `None`
/// when there is no such human user.
pub(crate) fn issue_code(ws: &mut Workspace, user: &str, redirect_uri: &str) -> Option<String> {
    let id = ws
        .users
        .iter()
        .find(|u| (u.id == user || u.name == user) && !u.is_bot)
        .map(|u| u.id.clone())?;
    let secret = ws.opaque_id().replace('-', "");
    let code = format!("{}.{secret}", ws.team_id);
    let expires = ws.now_secs() + CODE_LIFETIME;
    ws.extras.oidc_codes.insert(
        code.clone(),
        OidcCode {
            user: id,
            redirect_uri: redirect_uri.to_owned(),
            expires,
        },
    );
    Some(code)
}

/// An unsigned-looking JWT (`alg` `none` is not what Slack uses, so the emulator signs with
/// a fixed `HS256` marker the client is not expected to verify against Slack's keys).
fn id_token(claims: &Value) -> String {
    let header = json!({"typ": "JWT", "alg": "HS256", "kid": "emulator"});
    let enc = |v: &Value| URL_SAFE_NO_PAD.encode(v.to_string());
    format!(
        "{}.{}.{}",
        enc(&header),
        enc(claims),
        URL_SAFE_NO_PAD.encode("emulator-signature")
    )
}

/// The claims of `user` (the ID token's and `userInfo`'s).
fn claims(ws: &Workspace, user: &str) -> Value {
    let u = ws.user(user);
    let name = u.map(|u| u.real_name.clone()).unwrap_or_default();
    let mut parts = name.splitn(2, ' ');
    let given = parts.next().unwrap_or("").to_owned();
    let family = parts.next().unwrap_or("").to_owned();
    let picture = format!("https://avatars.example.com/{user}_512.png");
    json!({
        "sub": user, "https://slack.com/user_id": user, "https://slack.com/team_id": ws.team_id,
        "https://slack.com/enterprise_id": ws.org.enterprise_id,
        "email": u.map(|u| u.email.clone()), "email_verified": true,
        "date_email_verified": 1_700_000_000, "name": name, "picture": picture,
        "given_name": given, "family_name": family, "locale": "en-US",
        "https://slack.com/team_name": ws.team_name, "https://slack.com/team_domain": ws.domain,
        "https://slack.com/enterprise_name": ws.org.enterprise_name,
        "https://slack.com/enterprise_domain": ws.org.domain,
        "https://slack.com/user_image_24": format!("https://avatars.example.com/{user}_24.png"),
        "https://slack.com/user_image_32": format!("https://avatars.example.com/{user}_32.png"),
        "https://slack.com/user_image_48": format!("https://avatars.example.com/{user}_48.png"),
        "https://slack.com/user_image_72": format!("https://avatars.example.com/{user}_72.png"),
        "https://slack.com/user_image_192": format!("https://avatars.example.com/{user}_192.png"),
        "https://slack.com/user_image_512": picture,
        "https://slack.com/team_image_default": true,
    })
}

/// `openid.connect.token`: no token; the client's credentials, then `authorization_code`
/// (default) or `refresh_token`.
pub(crate) fn token(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    // The app's one set of OAuth credentials (`ws.oauth`, as `oauth.v2.access` checks them).
    ws.oauth
        .check_client(
            req.nonempty("client_id").as_deref(),
            req.nonempty("client_secret").as_deref(),
        )
        .map_err(err)?;
    let grant = req
        .nonempty("grant_type")
        .unwrap_or_else(|| "authorization_code".into());
    let user = match grant.as_str() {
        "authorization_code" => {
            let code = req.nonempty("code").ok_or_else(|| err("invalid_code"))?;
            let c = ws
                .extras
                .oidc_codes
                .remove(&code)
                .ok_or_else(|| err("invalid_code"))?;
            if c.expires < ws.now_secs() {
                return Err(err("invalid_code"));
            }
            if !c.redirect_uri.is_empty()
                && req.nonempty("redirect_uri").unwrap_or_default() != c.redirect_uri
            {
                return Err(err("bad_redirect_uri"));
            }
            c.user
        }
        "refresh_token" => {
            let r = req
                .nonempty("refresh_token")
                .ok_or_else(|| err("invalid_refresh_token"))?;
            ws.extras
                .oidc_refresh
                .remove(&r)
                .ok_or_else(|| err("invalid_refresh_token"))?
        }
        _ => return Err(err("unsupported_grant_type")),
    };
    let access = format!("xoxp-oidc-{}", ws.opaque_id());
    let refresh = format!("xoxe-1-oidc-{}", ws.opaque_id());
    ws.tokens.insert(
        access.clone(),
        TokenInfo {
            user_id: user.clone(),
            scopes: ["openid", "email", "profile"]
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        },
    );
    ws.extras.oidc_refresh.insert(refresh.clone(), user.clone());
    let now = ws.now_secs();
    let mut c = claims(ws, &user);
    c["iss"] = json!("https://slack.com");
    c["aud"] = json!(ws.oauth.client_id);
    c["iat"] = json!(now);
    c["exp"] = json!(now + TOKEN_LIFETIME);
    c["auth_time"] = json!(now);
    c["nonce"] = json!("");
    ok(json!({
        "access_token": access, "token_type": "Bearer", "id_token": id_token(&c),
        "refresh_token": refresh, "expires_in": TOKEN_LIFETIME,
    }))
}

/// `openid.connect.userInfo`: the claims of the token's user.
pub(crate) fn user_info(ws: &Workspace, ctx: &Ctx<'_>) -> Outcome {
    if ws.user(&ctx.user).is_none_or(|u| u.is_bot) {
        return Err(err("not_allowed_token_type"));
    }
    ok(claims(ws, &ctx.user))
}
