//! One conformance suite for every transport of the Slack SDK for Rust — ours or yours.
//!
//! The suite starts real servers on 127.0.0.1 (blocking, on threads of their own, so it
//! runs under any executor) and checks what a transport must get right: bodies framed by
//! `Content-Length`, chunked or closed connections; 50 MiB bodies; TLS with a custom root and
//! a wrong host name rejected; connection refused; timeouts; a reset mid-body; `CONNECT`
//! and SOCKS5 proxies with and without credentials, `https://` proxies refused; and, crucially for retries, whether a failure
//! *may have sent* the request. For websockets: text, ping/pong, close codes, fragmented
//! frames, and a silent server.
//!
//! ```text
//! // In a test of your transport, under your runtime:
//! let make = |s: Settings| MyTransport::builder()
//!     .roots_only(s.root_certificate)   // trust only this root when given
//!     .proxy(s.proxy)                    // this proxy, or none at all
//!     // (or .env_proxies(e) when s.env_proxies is Some(e))
//!     .build();
//! slack_transport_conformance::run_http(&make).await;
//! slack_transport_conformance::run_ws(&make).await;
//! ```
//!
//! The scripted mock transport has no sockets, so it cannot run this suite; its own tests
//! cover the same error kinds and `maybe_sent` answers by script.
//!
//! Each check panics with a message naming what failed, so a test calling the suite fails
//! at the first broken behaviour.
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod servers;

use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method};
use slack_core::proxy::{EnvProxies, Proxy};
use slack_core::transport::{
    HttpRequest, HttpTransport, TransportErrorKind, WsMessage, WsTransport,
};

use servers::{Reply, WsScript};

/// What a transport under test must be built with.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Settings {
    /// A DER root certificate to trust (the only one when set: built-in roots off).
    pub root_certificate: Option<Vec<u8>>,
    /// A proxy to use for every request (`None`: no proxy, whatever the environment says).
    pub proxy: Option<Proxy>,
    /// When set, proxies as from these environment values instead of `proxy`
    /// (`HTTPS_PROXY=https://…` must be refused, not dialled in plain TCP).
    pub env_proxies: Option<EnvProxies>,
}

fn post(url: String, body: &'static [u8]) -> HttpRequest {
    let mut r = HttpRequest::new(Method::POST, url);
    r.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/x-www-form-urlencoded"),
    );
    r.body = Bytes::from_static(body).into();
    r.timeout = Some(Duration::from_secs(10));
    r
}

/// Run every HTTP check against transports made by `make`.
pub async fn run_http<T: HttpTransport>(make: &dyn Fn(Settings) -> T) {
    framing(make).await;
    large_body(make).await;
    tls(make).await;
    failures(make).await;
    proxy(make).await;
}

async fn framing<T: HttpTransport>(make: &dyn Fn(Settings) -> T) {
    let t = make(Settings::default());
    let cases = [
        ("content-length", Reply::Length(br#"{"ok":true}"#.to_vec())),
        (
            "chunked",
            Reply::Chunked(vec![br#"{"ok":"#.to_vec(), b"true".to_vec(), b"}".to_vec()]),
        ),
        (
            "close-delimited",
            Reply::CloseDelimited(br#"{"ok":true}"#.to_vec()),
        ),
    ];
    for (name, reply) in cases {
        let (addr, seen) = servers::http_server(reply, None);
        for round in 0..2 {
            let r = t
                .send(post(format!("http://{addr}/api/auth.test"), b"a=1&b=2"))
                .await
                .unwrap_or_else(|e| panic!("{name} (round {round}): {e}"));
            assert_eq!(r.status, 200, "{name}");
            assert_eq!(&r.body[..], br#"{"ok":true}"#, "{name}: body");
        }
        let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(seen[0].1, b"a=1&b=2", "{name}: request body arrived");
        assert!(
            seen[0].0.starts_with("POST /api/auth.test HTTP/1.1"),
            "{name}: {}",
            seen[0].0
        );
    }
}

async fn large_body<T: HttpTransport>(make: &dyn Fn(Settings) -> T) {
    let t = make(Settings::default());
    let big = vec![b'z'; 50 * 1024 * 1024];
    let (addr, _) = servers::http_server(Reply::Length(big), None);
    let mut req = HttpRequest::new(Method::GET, format!("http://{addr}/big"));
    req.timeout = Some(Duration::from_secs(60));
    let r = t
        .send(req)
        .await
        .unwrap_or_else(|e| panic!("50 MiB body: {e}"));
    assert_eq!(r.body.len(), 50 * 1024 * 1024, "50 MiB body length");
}

async fn tls<T: HttpTransport>(make: &dyn Fn(Settings) -> T) {
    let (cert, cfg) = servers::self_signed(&["localhost"]);
    let (addr, _) =
        servers::http_server(Reply::Length(br#"{"ok":true}"#.to_vec()), Some(cfg.clone()));
    let trusting = make(Settings {
        root_certificate: Some(cert.clone()),
        proxy: None,
        env_proxies: None,
    });
    let url = format!("https://localhost:{}/api/auth.test", addr.port());
    let r = trusting
        .send(post(url.clone(), b""))
        .await
        .unwrap_or_else(|e| panic!("TLS with a custom root: {e}"));
    assert_eq!(&r.body[..], br#"{"ok":true}"#);
    let e = make(Settings::default())
        .send(post(url, b""))
        .await
        .expect_err("an unknown root must be rejected");
    assert_eq!(e.kind(), TransportErrorKind::Tls, "unknown root: {e}");
    assert!(!e.maybe_sent(), "a TLS failure sends nothing");
    let (other_cert, other_cfg) = servers::self_signed(&["not-localhost.example"]);
    let (addr, _) = servers::http_server(Reply::Length(b"{}".to_vec()), Some(other_cfg));
    let t = make(Settings {
        root_certificate: Some(other_cert),
        proxy: None,
        env_proxies: None,
    });
    let e = t
        .send(post(format!("https://localhost:{}/x", addr.port()), b""))
        .await
        .expect_err("a certificate for another host must be rejected");
    assert_eq!(e.kind(), TransportErrorKind::Tls, "wrong host name: {e}");
}

async fn failures<T: HttpTransport>(make: &dyn Fn(Settings) -> T) {
    let t = make(Settings::default());
    let free = std::net::TcpListener::bind("127.0.0.1:0").map(|l| l.local_addr());
    let Ok(Ok(addr)) = free else {
        panic!("cannot find a free port")
    };
    let e = t
        .send(post(format!("http://{addr}/x"), b""))
        .await
        .expect_err("refused");
    assert_eq!(e.kind(), TransportErrorKind::Connect, "refused: {e}");
    assert!(!e.maybe_sent(), "refused: nothing sent");

    let (addr, _) = servers::http_server(Reply::Silent, None);
    let mut req = post(format!("http://{addr}/x"), b"a=1");
    req.timeout = Some(Duration::from_millis(300));
    let e = t.send(req).await.expect_err("timeout");
    assert_eq!(e.kind(), TransportErrorKind::Timeout, "timeout: {e}");
    assert!(
        e.maybe_sent(),
        "a timeout after writing may have sent the request"
    );

    let (addr, _) = servers::http_server(
        Reply::ResetMidBody {
            len: 1000,
            sent: 10,
        },
        None,
    );
    let e = t
        .send(post(format!("http://{addr}/x"), b"a=1"))
        .await
        .expect_err("reset mid-body");
    assert_eq!(
        e.kind(),
        TransportErrorKind::ConnectionDropped,
        "reset mid-body: {e}"
    );
    assert!(
        e.maybe_sent(),
        "a reset after writing may have sent the request"
    );
}

async fn proxy<T: HttpTransport>(make: &dyn Fn(Settings) -> T) {
    let (origin, seen) = servers::http_server(Reply::Length(br#"{"ok":true}"#.to_vec()), None);
    for creds in [false, true] {
        let (proxy_addr, heads) = servers::connect_proxy(200);
        let url = if creds {
            format!("http://bot:s3cret@{proxy_addr}")
        } else {
            format!("http://{proxy_addr}")
        };
        let t = make(Settings {
            root_certificate: None,
            proxy: Proxy::parse(&url),
            env_proxies: None,
        });
        let r = t
            .send(post(format!("http://{origin}/api/auth.test"), b""))
            .await
            .unwrap_or_else(|e| panic!("proxy: {e}"));
        assert_eq!(r.status, 200);
        let head = heads
            .lock()
            .map(|h| h.first().cloned().unwrap_or_default())
            .unwrap_or_default();
        assert!(
            head.starts_with(&format!("CONNECT {origin} HTTP/1.1")),
            "proxy saw {head:?}"
        );
        assert_eq!(
            head.contains("Proxy-Authorization: Basic Ym90OnMzY3JldA=="),
            creds,
            "credentials: {head:?}"
        );
    }
    assert!(seen.lock().map(|s| s.len()).unwrap_or(0) >= 2);
    let (proxy_addr, _) = servers::connect_proxy(407);
    let t = make(Settings {
        root_certificate: None,
        proxy: Proxy::parse(&proxy_addr.to_string()),
        env_proxies: None,
    });
    let e = t
        .send(post(format!("http://{origin}/x"), b""))
        .await
        .expect_err("proxy refusal");
    assert_eq!(e.kind(), TransportErrorKind::Proxy, "proxy refusal: {e}");
    assert!(!e.maybe_sent(), "a refused tunnel sends nothing");
    socks5(make, &origin.to_string()).await;
    https_proxy_refused(make, &origin.to_string()).await;
}

/// SOCKS5 with and without a user/password, a wrong password refused.
async fn socks5<T: HttpTransport>(make: &dyn Fn(Settings) -> T, origin: &str) {
    for creds in [None, Some(("bot", "s3cret"))] {
        let (proxy_addr, targets) = servers::socks5_proxy(creds);
        let url = match creds {
            Some((u, p)) => format!("socks5://{u}:{p}@{proxy_addr}"),
            None => format!("socks5://{proxy_addr}"),
        };
        let t = make(Settings {
            proxy: Proxy::parse(&url),
            ..Settings::default()
        });
        let r = t
            .send(post(format!("http://{origin}/api/auth.test"), b""))
            .await
            .unwrap_or_else(|e| panic!("socks5 ({creds:?}): {e}"));
        assert_eq!(r.status, 200, "socks5");
        let seen = targets.lock().map(|t| t.clone()).unwrap_or_default();
        assert_eq!(
            seen.first().map(String::as_str),
            Some(origin),
            "socks5 target"
        );
    }
    let (proxy_addr, targets) = servers::socks5_proxy(Some(("bot", "s3cret")));
    let t = make(Settings {
        proxy: Proxy::parse(&format!("socks5://bot:wrong@{proxy_addr}")),
        ..Settings::default()
    });
    let e = t
        .send(post(format!("http://{origin}/x"), b""))
        .await
        .expect_err("wrong SOCKS5 password");
    assert_eq!(e.kind(), TransportErrorKind::Proxy, "socks5 refusal: {e}");
    assert!(!e.maybe_sent(), "a refused SOCKS5 tunnel sends nothing");
    assert!(targets.lock().map(|t| t.is_empty()).unwrap_or(false));
}

/// `https://` proxies from the environment are refused before a byte reaches them: no
/// request and no `Proxy-Authorization` in clear.
async fn https_proxy_refused<T: HttpTransport>(make: &dyn Fn(Settings) -> T, origin: &str) {
    let (listener, connections) = servers::silent_listener();
    let value = format!("https://bot:s3cret@{listener}");
    let env = EnvProxies::from_lookup(|k| {
        matches!(k, "HTTP_PROXY" | "HTTPS_PROXY").then(|| value.clone())
    });
    let t = make(Settings {
        env_proxies: Some(env),
        ..Settings::default()
    });
    let e = t
        .send(post(format!("http://{origin}/x"), b""))
        .await
        .expect_err("an https:// proxy must be refused");
    assert_eq!(e.kind(), TransportErrorKind::Proxy, "https proxy: {e}");
    assert!(!e.maybe_sent());
    assert!(e.to_string().contains("https://"), "{e}");
    assert!(!e.to_string().contains("s3cret"), "{e}");
    assert_eq!(
        connections.lock().map(|n| *n).unwrap_or(1),
        0,
        "the proxy was dialled"
    );
}

/// Run every websocket check against transports made by `make`.
pub async fn run_ws<T: WsTransport>(make: &dyn Fn(Settings) -> T) {
    let t = make(Settings::default());
    let addr = servers::ws_server(WsScript::Echo);
    let mut c = t
        .connect(&format!("ws://{addr}/rtm"), &HeaderMap::new())
        .await
        .unwrap_or_else(|e| panic!("websocket connect: {e}"));
    let send = |m: WsMessage| m;
    c.sender
        .send(send(WsMessage::Text("hello".into())))
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
    assert_eq!(
        c.receiver.recv().await.map(|r| r.ok()),
        Some(Some(WsMessage::Text("hello".into()))),
        "echo"
    );
    // Queued messages go out, in order, at the flush; a `send` after a `feed` writes both.
    for m in ["one", "two"] {
        c.sender
            .feed(WsMessage::Text(m.into()))
            .await
            .unwrap_or_else(|e| panic!("feed: {e}"));
    }
    c.sender
        .flush()
        .await
        .unwrap_or_else(|e| panic!("flush: {e}"));
    c.sender
        .feed(WsMessage::Text("three".into()))
        .await
        .unwrap_or_else(|e| panic!("feed: {e}"));
    c.sender
        .send(WsMessage::Text("four".into()))
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
    for m in ["one", "two", "three", "four"] {
        assert_eq!(
            c.receiver.recv().await.map(|r| r.ok()),
            Some(Some(WsMessage::Text(m.into()))),
            "fed and flushed"
        );
    }
    c.sender
        .send(WsMessage::Ping(Bytes::from_static(b"p")))
        .await
        .unwrap_or_else(|e| panic!("ping: {e}"));
    assert_eq!(
        c.receiver.recv().await.map(|r| r.ok()),
        Some(Some(WsMessage::Pong(Bytes::from_static(b"p")))),
        "pong"
    );
    c.sender
        .send(WsMessage::Text("fragment".into()))
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
    assert_eq!(
        c.receiver.recv().await.map(|r| r.ok()),
        Some(Some(WsMessage::Text("fragmented".into()))),
        "fragments joined"
    );
    c.sender
        .send(WsMessage::Text("close-me".into()))
        .await
        .unwrap_or_else(|e| panic!("send: {e}"));
    assert_eq!(
        c.receiver.recv().await.map(|r| r.ok()),
        Some(Some(WsMessage::Close(Some((4000, "bye".into()))))),
        "close code"
    );

    // A silent server: connecting works, nothing arrives; the transport must not invent
    // frames (staleness is the RTM client's job, bounded by its pings).
    let addr = servers::ws_server(WsScript::Silent);
    let mut c = t
        .connect(&format!("ws://{addr}/rtm"), &HeaderMap::new())
        .await
        .unwrap_or_else(|e| panic!("websocket connect: {e}"));
    c.sender
        .send(WsMessage::Ping(Bytes::from_static(b"?")))
        .await
        .unwrap_or_else(|e| panic!("ping: {e}"));
    let nothing = std::pin::pin!(c.receiver.recv());
    let timer = std::pin::pin!(sleep(Duration::from_millis(300)));
    match select(nothing, timer).await {
        Either::Left(got) => panic!("a silent server produced {got:?}"),
        Either::Right(()) => {}
    }
}

// Tiny runtime-free helpers: a thread-backed sleep and a two-way select.

async fn sleep(d: Duration) {
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let waker_slot: std::sync::Arc<std::sync::Mutex<Option<std::task::Waker>>> =
        std::sync::Arc::default();
    let (flag, slot) = (done.clone(), waker_slot.clone());
    std::thread::spawn(move || {
        std::thread::sleep(d);
        flag.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Ok(mut w) = slot.lock() {
            if let Some(w) = w.take() {
                w.wake();
            }
        }
    });
    std::future::poll_fn(|cx| {
        if let Ok(mut w) = waker_slot.lock() {
            *w = Some(cx.waker().clone());
        }
        if done.load(std::sync::atomic::Ordering::SeqCst) {
            std::task::Poll::Ready(())
        } else {
            std::task::Poll::Pending
        }
    })
    .await
}

enum Either<A, B> {
    Left(A),
    Right(B),
}

async fn select<A: std::future::Future, B: std::future::Future>(
    mut a: std::pin::Pin<&mut A>,
    mut b: std::pin::Pin<&mut B>,
) -> Either<A::Output, B::Output> {
    std::future::poll_fn(|cx| {
        if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) {
            return std::task::Poll::Ready(Either::Left(v));
        }
        if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) {
            return std::task::Poll::Ready(Either::Right(v));
        }
        std::task::Poll::Pending
    })
    .await
}
