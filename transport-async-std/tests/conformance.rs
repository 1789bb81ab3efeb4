//! The shared transport conformance suite, on async-std.
#![allow(clippy::unwrap_used)]

use slack_transport_async_std::AsyncStdTransport;
use slack_transport_conformance::{run_http, run_ws, Settings};

fn make(s: Settings) -> AsyncStdTransport {
    let mut b = AsyncStdTransport::builder();
    b = match s.proxy {
        Some(p) => b.proxy(p),
        None => b.no_proxy(),
    };
    if let Some(root) = s.root_certificate {
        b = b.tls_built_in_roots(false).add_root_certificate(root);
    }
    b.build().unwrap()
}

#[test]
fn http_conformance() {
    async_std::task::block_on(run_http(&make));
}

#[test]
fn websocket_conformance() {
    async_std::task::block_on(run_ws(&make));
}
