//! A modal server: receives interactions from Slack, verifies their signature, and answers a
//! `view_submission` with `response_action: errors` when the input is invalid.
//!
//! `cargo run --example modal_server` serves on 127.0.0.1:3000 when `SLACK_SIGNING_SECRET` is
//! set; otherwise it starts an emulator that sends it a signed submission.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use slack_sdk::signature::SignatureVerifier;

/// The answer to one interaction request: status and body.
pub fn answer(
    verifier: &SignatureVerifier,
    headers: &http::HeaderMap,
    body: &[u8],
) -> (u16, String) {
    if let Err(e) = verifier.verify_headers(body, headers) {
        return (401, format!("invalid request: {e}"));
    }
    let payload: Value = form_urlencoded::parse(body)
        .find(|(k, _)| k == "payload")
        .and_then(|(_, v)| serde_json::from_str(&v).ok())
        .unwrap_or(Value::Null);
    if payload["type"] != "view_submission" {
        return (200, String::new());
    }
    let email = payload["view"]["state"]["values"]["email"]["input"]["value"]
        .as_str()
        .unwrap_or("");
    if email.contains('@') {
        (200, String::new())
    } else {
        let errors = json!({"response_action": "errors", "errors": {"email": "Please enter an email address"}});
        (200, errors.to_string())
    }
}

/// Serve interactions on `addr` until the task is dropped; returns the bound address.
pub async fn serve(
    addr: &str,
    signing_secret: &str,
) -> Result<SocketAddr, Box<dyn std::error::Error>> {
    let verifier = Arc::new(SignatureVerifier::new(signing_secret)?);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let verifier = verifier.clone();
            tokio::spawn(async move {
                let svc = service_fn(move |req: hyper::Request<Incoming>| {
                    let verifier = verifier.clone();
                    async move {
                        let (parts, body) = req.into_parts();
                        let body = body
                            .collect()
                            .await
                            .map(|b| b.to_bytes())
                            .unwrap_or_default();
                        let (status, text) = answer(&verifier, &parts.headers, &body);
                        let mut resp = hyper::Response::new(Full::new(Bytes::from(text)));
                        *resp.status_mut() =
                            hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::OK);
                        resp.headers_mut().insert(
                            "content-type",
                            http::HeaderValue::from_static("application/json"),
                        );
                        Ok::<_, Infallible>(resp)
                    }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tcp), svc)
                    .await;
            });
        }
    });
    Ok(local)
}

/// Against the emulator: serve, then have the emulator send a signed submission.
pub async fn run_with_emulator() -> Result<String, Box<dyn std::error::Error>> {
    let secret = "example-signing-secret";
    let addr = serve("127.0.0.1:0", secret).await?;
    let emu = slack_emulator::Emulator::builder()
        .signing_secret(secret)
        .interaction_url(format!("http://{addr}/slack/interactions"))
        .start()
        .await?;
    let submission = json!({
        "type": "view_submission",
        "view": {"callback_id": "signup", "state": {"values": {"email": {"input": {"value": "not an email"}}}}}
    });
    let (status, body) = emu.send_interaction(&submission).await?;
    println!("the app answered {status}: {body}");
    Ok(body)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    match std::env::var("SLACK_SIGNING_SECRET") {
        Ok(secret) => {
            let addr = serve("127.0.0.1:3000", &secret).await?;
            println!("listening on http://{addr}/slack/interactions");
            tokio::signal::ctrl_c().await?;
        }
        Err(_) => {
            run_with_emulator().await?;
        }
    }
    Ok(())
}
