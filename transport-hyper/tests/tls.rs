//! HTTPS with a self-signed root: custom roots, ALPN, pooling over HTTP/2, rejections.
#![allow(clippy::unwrap_used)]

mod common;

use common::{plain, post, trusting};
use slack_core::transport::{HttpTransport, TransportErrorKind};
use slack_transport_hyper::HyperTransport;

#[tokio::test]
async fn custom_root_only_succeeds_over_h2() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let (addr, seen) = common::https_server(cert.clone(), key).await;
    let url = format!("https://localhost:{}/api/auth.test", addr.port());
    let resp = trusting(&cert).send(post(url, "a=1")).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(&resp.body[..], br#"{"ok":true,"echo_len":3}"#);
    let s = seen.lock().unwrap()[0].clone();
    assert_eq!(s.version, "HTTP/2.0");
    assert_eq!(s.header("authorization"), Some("Bearer xoxb-test"));
    assert_eq!(s.body, b"a=1");
}

#[tokio::test]
async fn http2_off_negotiates_http1() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let (addr, seen) = common::https_server(cert.clone(), key).await;
    let t = HyperTransport::builder()
        .no_proxy()
        .tls_built_in_roots(false)
        .add_root_certificate(cert)
        .http2(false)
        .build()
        .unwrap();
    let url = format!("https://localhost:{}/x", addr.port());
    t.send(post(url, "")).await.unwrap();
    assert_eq!(seen.lock().unwrap()[0].version, "HTTP/1.1");
}

#[tokio::test]
async fn clones_share_the_h2_connection() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let (addr, seen) = common::https_server(cert.clone(), key).await;
    let t = trusting(&cert);
    let t2 = t.clone();
    let url = format!("https://localhost:{}/x", addr.port());
    for i in 0..6 {
        let tr = if i % 2 == 0 { &t } else { &t2 };
        assert_eq!(tr.send(post(url.clone(), "a=1")).await.unwrap().status, 200);
    }
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 6);
    assert!(
        seen.iter().all(|s| s.peer == seen[0].peer),
        "one pooled HTTP/2 connection for both clones: {:?}",
        seen.iter().map(|s| s.peer).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn unknown_root_is_tls_and_not_sent() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let (addr, seen) = common::https_server(cert, key).await;
    let e = plain()
        .send(post(format!("https://localhost:{}/x", addr.port()), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Tls, "{e}");
    assert!(!e.maybe_sent());
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn other_roots_do_not_vouch_for_the_server() {
    let (cert, key) = common::self_signed(&["localhost"]);
    let (other, _) = common::self_signed(&["localhost"]);
    let (addr, seen) = common::https_server(cert, key).await;
    let e = trusting(&other)
        .send(post(format!("https://localhost:{}/x", addr.port()), "a=1"))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Tls, "{e}");
    assert!(!e.maybe_sent());
    assert!(seen.lock().unwrap().is_empty());
}

#[tokio::test]
async fn wrong_host_name_is_tls_and_not_sent() {
    let (cert, key) = common::self_signed(&["not-localhost.example"]);
    let (addr, _) = common::https_server(cert.clone(), key).await;
    let e = trusting(&cert)
        .send(post(format!("https://localhost:{}/x", addr.port()), ""))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Tls, "{e}");
    assert!(!e.maybe_sent());
}

#[tokio::test]
async fn https_to_a_plain_server_is_tls_and_not_sent() {
    let (addr, seen) = common::http_server().await;
    let e = plain()
        .send(post(format!("https://localhost:{}/x", addr.port()), ""))
        .await
        .unwrap_err();
    assert_eq!(e.kind(), TransportErrorKind::Tls, "{e}");
    assert!(!e.maybe_sent());
    assert!(seen.lock().unwrap().is_empty());
}
