//! The shared transport conformance suite, on tokio.
#![allow(clippy::unwrap_used)]

use slack_transport_conformance::{run_http, run_ws, Settings};
use slack_transport_hyper::HyperTransport;

fn make(s: Settings) -> HyperTransport {
    let mut b = HyperTransport::builder();
    b = match (s.env_proxies, s.proxy) {
        (Some(env), _) => b.env_proxies(env),
        (None, Some(p)) => b.proxy(p),
        (None, None) => b.no_proxy(),
    };
    if let Some(root) = s.root_certificate {
        b = b.tls_built_in_roots(false).add_root_certificate(root);
    }
    b.build().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_conformance() {
    run_http(&make).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websocket_conformance() {
    run_ws(&make).await;
}
