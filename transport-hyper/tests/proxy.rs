//! `CONNECT` proxies in front of local servers, environment-style settings, and credentials
//! kept out of `Debug`.
#![allow(clippy::unwrap_used)]

mod common;

use std::time::Duration;

use common::{post, ProxyMode};
use http::Uri;
use slack_core::transport::{HttpRequest, HttpTransport, TransportErrorKind};
use slack_transport_hyper::{EnvProxies, HyperTransport, NoProxy, Proxy};

fn through(proxy: Proxy) -> HyperTransport {
    HyperTransport::builder().proxy(proxy).build().unwrap()
}

/// An environment made of `vars`, instead of the process's.
fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    move |k| {
        vars.iter()
            .find(|(name, _)| name == k)
            .map(|(_, v)| v.clone())
    }
}

#[tokio::test]
async fn tunnel_to_plain_http_with_credentials() {
    let (origin, seen) = common::http_server().await;
    let (proxy_addr, heads) = common::connect_proxy(ProxyMode::Tunnel).await;
    let proxy = Proxy::parse(&format!("http://bot:s3cret@{proxy_addr}")).unwrap();
    let r = through(proxy)
        .send(post(format!("http://{origin}/api/auth.test"), "a=1"))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 1);
    // Through a tunnel the request is in origin form, as to the server itself.
    assert_eq!(seen[0].path, "/api/auth.test");
    assert_eq!(seen[0].header("proxy-authorization"), None);
    let head = heads.lock().unwrap()[0].clone();
    assert!(
        head.starts_with(&format!("CONNECT {origin} HTTP/1.1\r\n")),
        "{head}"
    );
    // base64("bot:s3cret")
    assert!(
        head.contains("Proxy-Authorization: Basic Ym90OnMzY3JldA==\r\n"),
        "{head}"
    );
    // The Slack token stays inside the tunnel.
    assert!(!head.contains("xoxb-test"), "{head}");
}

#[tokio::test]
async fn tunnel_to_tls_server_without_credentials() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let (origin, seen) = common::https_server(cert.clone(), key).await;
    let (proxy_addr, heads) = common::connect_proxy(ProxyMode::Tunnel).await;
    let t = HyperTransport::builder()
        .proxy(Proxy::parse(&proxy_addr.to_string()).unwrap())
        .tls_built_in_roots(false)
        .add_root_certificate(cert)
        .build()
        .unwrap();
    let r = t
        .send(post(format!("https://localhost:{}/x", origin.port()), ""))
        .await
        .unwrap();
    assert_eq!(r.status, 200);
    assert_eq!(seen.lock().unwrap()[0].version, "HTTP/2.0");
    let head = heads.lock().unwrap()[0].clone();
    assert!(
        head.starts_with(&format!("CONNECT localhost:{} HTTP/1.1\r\n", origin.port())),
        "{head}"
    );
    assert!(!head.contains("Proxy-Authorization"), "{head}");
}

#[tokio::test]
async fn refusal_is_proxy_and_not_sent() {
    let (origin, seen) = common::http_server().await;
    let (proxy_addr, _) = common::connect_proxy(ProxyMode::Refuse(407)).await;
    let e = through(Proxy::parse(&proxy_addr.to_string()).unwrap())
        .send(post(format!("http://{origin}/x"), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Proxy, "{e}");
    assert!(e.to_string().contains("407"), "{e}");
    assert!(!e.maybe_sent());
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn silent_proxy_is_connect_timeout_and_not_sent() {
    let (origin, seen) = common::http_server().await;
    let (proxy_addr, heads) = common::connect_proxy(ProxyMode::Stall).await;
    let t = HyperTransport::builder()
        .proxy(Proxy::parse(&proxy_addr.to_string()).unwrap())
        .connect_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let e = t
        .send(post(format!("http://{origin}/x"), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::ConnectTimeout, "{e}");
    assert!(!e.maybe_sent());
    assert_eq!(heads.lock().unwrap().len(), 1);
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn unreachable_proxy_is_connect_and_not_sent() {
    // Bound but not listening: a connection is refused, and no other test's listener can
    // take the port meanwhile (a dropped listener's port could be handed out again).
    let holder = tokio::net::TcpSocket::new_v4().unwrap();
    holder.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let proxy_addr = holder.local_addr().unwrap();
    let e = through(Proxy::parse(&proxy_addr.to_string()).unwrap())
        .send(post("http://slack.invalid/x".into(), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Connect, "{e}");
    assert!(!e.maybe_sent());
}

#[tokio::test]
async fn env_style_settings_honour_no_proxy() {
    let (origin, seen) = common::http_server().await;
    let (proxy_addr, heads) = common::connect_proxy(ProxyMode::Tunnel).await;
    // `HTTP_PROXY` points at the test proxy; `localhost` bypasses it, 127.0.0.1 does not.
    let proxy_url = format!("http://{proxy_addr}");
    let vars = [
        ("http_proxy", proxy_url.as_str()),
        ("NO_PROXY", "localhost,.internal.example"),
    ];
    let t = HyperTransport::builder()
        .env_proxies(EnvProxies::from_lookup(lookup(&vars)))
        .build()
        .unwrap();

    t.send(HttpRequest::new(
        http::Method::GET,
        format!("http://localhost:{}/direct", origin.port()),
    ))
    .await
    .unwrap();
    assert!(heads.lock().unwrap().is_empty(), "localhost is excluded");

    t.send(HttpRequest::new(
        http::Method::GET,
        format!("http://{origin}/proxied"),
    ))
    .await
    .unwrap();
    assert_eq!(heads.lock().unwrap().len(), 1);
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[test]
fn env_parsing_from_given_values() {
    let uri = |s: &str| s.parse::<Uri>().unwrap();
    let env = EnvProxies::from_lookup(lookup(&[
        ("HTTPS_PROXY", "http://user:pw@secure.proxy:3128"),
        ("http_proxy", "plain.proxy:8080"),
        (
            "no_proxy",
            "localhost, .corp.example,10.1.2.3,slack.test:443",
        ),
    ]));
    let host = |u: &str| {
        env.for_uri(&uri(u))
            .map(|p| (p.host().to_owned(), p.port()))
    };
    assert_eq!(
        host("https://slack.com/api"),
        Some(("secure.proxy".into(), 3128))
    );
    assert_eq!(
        host("wss://wss-primary.slack.com/"),
        Some(("secure.proxy".into(), 3128))
    );
    assert_eq!(
        host("http://slack.com/api"),
        Some(("plain.proxy".into(), 8080))
    );
    for excluded in [
        "http://localhost:8080/",
        "https://LOCALHOST/",
        "https://a.b.corp.example/",
        "https://corp.example/",
        "http://10.1.2.3/",
        "https://slack.test/",
    ] {
        assert_eq!(host(excluded), None, "{excluded}");
    }
    for proxied in [
        "https://notcorp.example/",
        "http://10.1.2.30/",
        "https://slack.testing/",
    ] {
        assert!(host(proxied).is_some(), "{proxied}");
    }

    // ALL_PROXY is the fallback for both schemes.
    let all = EnvProxies::from_lookup(lookup(&[("ALL_PROXY", "http://fallback:1")]));
    assert_eq!(all.for_uri(&uri("https://x/")).unwrap().host(), "fallback");
    assert_eq!(all.for_uri(&uri("http://x/")).unwrap().host(), "fallback");

    // Nothing set, or blank: no proxy.
    assert!(EnvProxies::from_lookup(|_| None)
        .for_uri(&uri("https://x/"))
        .is_none());
    assert!(EnvProxies::from_lookup(lookup(&[("HTTPS_PROXY", "  ")]))
        .for_uri(&uri("https://x/"))
        .is_none());
}

#[test]
fn no_proxy_patterns() {
    let star = NoProxy::parse("*");
    assert!(star.matches("slack.com"));
    let n = NoProxy::parse(" example.com , .svc ,192.168.0.1");
    assert!(n.matches("example.com"));
    assert!(n.matches("api.example.com"));
    assert!(!n.matches("badexample.com"));
    assert!(n.matches("db.svc"));
    assert!(n.matches("192.168.0.1"));
    assert!(!n.matches("192.168.0.10"));
    assert!(!NoProxy::parse("").matches("anything"));
}

#[test]
fn debug_never_shows_credentials() {
    let proxy = Proxy::parse("http://bot:hunter2@proxy.internal:3128").unwrap();
    let p = format!("{proxy:?}");
    assert!(!p.contains("hunter2"), "{p}");
    assert!(p.contains("proxy.internal"), "{p}");

    let t = through(proxy);
    let s = format!("{t:?}");
    assert!(!s.contains("hunter2"), "{s}");
    let b = format!(
        "{:?}",
        HyperTransport::builder().proxy(Proxy::parse("http://u:hunter2@p:1").unwrap())
    );
    assert!(!b.contains("hunter2"), "{b}");

    let mut req = post("https://slack.com/api/chat.postMessage".into(), "a=1");
    req.headers
        .insert("proxy-authorization", "Basic c2VjcmV0".parse().unwrap());
    let r = format!("{req:?}");
    assert!(!r.contains("xoxb-test") && !r.contains("c2VjcmV0"), "{r}");
}
