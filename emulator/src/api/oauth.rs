//! The OAuth methods: `oauth.v2.access` and `oauth.v2.user.access` (code exchange and
//! `grant_type=refresh_token`), `oauth.access` (classic apps) and `oauth.v2.exchange`; the
//! authorization server's state is in [`crate::oauth`].

use super::{err, ok, ApiError, Outcome};
use crate::oauth::{self, OAuthError};
use crate::state::Workspace;
use crate::wire::ApiRequest;
use serde_json::Value;

/// Methods that authenticate the app by `client_id` and `client_secret`, not by a token.
pub(crate) const CLIENT_AUTHED: &[&str] = &[
    "oauth.access",
    "oauth.v2.access",
    "oauth.v2.exchange",
    "oauth.v2.user.access",
];

fn client(ws: &Workspace, req: &ApiRequest) -> Result<(), ApiError> {
    let id = req.nonempty("client_id");
    let secret = req.nonempty("client_secret");
    ws.oauth
        .check_client(id.as_deref(), secret.as_deref())
        .map_err(err)
}

/// A code exchange: `(workspace, code, redirect_uri)` to the answer.
type Exchange = fn(&mut Workspace, Option<&str>, Option<&str>) -> Result<Value, OAuthError>;

/// The code exchange `exchange`, or `grant_type=refresh_token`, after the client check.
fn code_or_refresh(ws: &mut Workspace, req: &ApiRequest, exchange: Exchange) -> Outcome {
    client(ws, req)?;
    let answer = match req.nonempty("grant_type").as_deref() {
        None | Some("authorization_code") => exchange(
            ws,
            req.nonempty("code").as_deref(),
            req.nonempty("redirect_uri").as_deref(),
        ),
        Some("refresh_token") => oauth::refresh(ws, req.nonempty("refresh_token").as_deref()),
        Some(_) => Err("invalid_grant_type"),
    };
    answer.map_err(err).and_then(ok)
}

/// `oauth.v2.access`.
pub(crate) fn access(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    code_or_refresh(ws, req, oauth::exchange_code)
}

/// `oauth.v2.user.access`: a user-token-only install (`grant_type=refresh_token` renews it).
/// The app authenticates with its secret: PKCE (`code_verifier` instead of the secret) is not
/// modelled.
pub(crate) fn user_access(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    code_or_refresh(ws, req, oauth::exchange_user_code)
}

/// `oauth.access`: the classic apps' code exchange.
pub(crate) fn classic_access(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    client(ws, req)?;
    oauth::exchange_classic(
        ws,
        req.nonempty("code").as_deref(),
        req.nonempty("redirect_uri").as_deref(),
    )
    .map_err(err)
    .and_then(ok)
}

/// `oauth.v2.exchange`: the long-lived token to swap is the call's token.
pub(crate) fn exchange(ws: &mut Workspace, req: &ApiRequest) -> Outcome {
    client(ws, req)?;
    oauth::exchange_legacy(ws, req.token.as_deref())
        .map_err(err)
        .and_then(ok)
}
