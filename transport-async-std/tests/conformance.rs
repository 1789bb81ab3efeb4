//! The shared transport conformance suite, on smol's reactor (a bare `async_io::block_on`,
//! as smol runs it) and on async-std, with the default executor and with a custom spawner.
#![allow(clippy::unwrap_used)]

use slack_transport_async_std::{AsyncStdTransport, AsyncStdTransportBuilder};
use slack_transport_conformance::{run_http, run_ws, Settings};

fn configure(mut b: AsyncStdTransportBuilder, s: Settings) -> AsyncStdTransport {
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

fn make(s: Settings) -> AsyncStdTransport {
    configure(AsyncStdTransport::builder(), s)
}

fn make_on_async_std(s: Settings) -> AsyncStdTransport {
    let b = AsyncStdTransport::builder().spawner(|task| {
        async_std::task::spawn(task);
    });
    configure(b, s)
}

#[test]
fn http_conformance_on_async_io() {
    async_io::block_on(run_http(&make));
}

#[test]
fn websocket_conformance_on_async_io() {
    async_io::block_on(run_ws(&make));
}

#[test]
fn http_conformance_on_async_std() {
    async_std::task::block_on(run_http(&make_on_async_std));
}

#[test]
fn websocket_conformance_on_async_std() {
    async_std::task::block_on(run_ws(&make_on_async_std));
}
