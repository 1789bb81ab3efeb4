//! Local servers for the transport tests, all on 127.0.0.1:0, all on the test's runtime.
//!
//! Servers that must "never answer" hold their socket until the client goes away (they read
//! to EOF); nothing here sleeps.
#![allow(dead_code, clippy::unwrap_used)]

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http::Method;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use slack_core::transport::{Body, HttpRequest};
use slack_transport_hyper::HyperTransport;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A transport that ignores the environment's proxies.
pub fn plain() -> HyperTransport {
    HyperTransport::builder().no_proxy().build().unwrap()
}

/// A transport trusting only `cert`, with no proxy.
pub fn trusting(cert: &[u8]) -> HyperTransport {
    HyperTransport::builder()
        .no_proxy()
        .tls_built_in_roots(false)
        .add_root_certificate(cert.to_vec())
        .build()
        .unwrap()
}

/// A form POST carrying a bot token.
pub fn post(url: String, body: &'static str) -> HttpRequest {
    let mut r = HttpRequest::new(Method::POST, url);
    r.headers.insert(
        "content-type",
        "application/x-www-form-urlencoded".parse().unwrap(),
    );
    r.headers
        .insert("authorization", "Bearer xoxb-test".parse().unwrap());
    r.body = Body::from(body);
    r
}

// ===== hyper echo server =====

/// What the echo server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub version: String,
    /// The client's address: one per connection.
    pub peer: SocketAddr,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

pub type SeenLog = Arc<Mutex<Vec<Seen>>>;

async fn echo(
    req: Request<Incoming>,
    peer: SocketAddr,
    seen: SeenLog,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.to_string())
        .unwrap_or_default();
    let version = format!("{:?}", req.version());
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    let body = req
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes().to_vec());
    let failed = body.is_err();
    let body = body.unwrap_or_default();
    let reply = match path.as_str() {
        "/big" => vec![b'x'; 3 * 1024 * 1024],
        _ => format!(r#"{{"ok":true,"echo_len":{}}}"#, body.len()).into_bytes(),
    };
    if !failed {
        seen.lock().unwrap().push(Seen {
            method,
            path,
            headers,
            body,
            version,
            peer,
        });
    }
    Ok(Response::builder()
        .header("content-type", "application/json")
        .header("x-test", "yes")
        .body(Full::new(Bytes::from(reply)))
        .unwrap())
}

async fn serve<S>(io: S, peer: SocketAddr, seen: SeenLog)
where
    S: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let svc = service_fn(move |req| echo(req, peer, seen.clone()));
    let _ = auto::Builder::new(TokioExecutor::new())
        .serve_connection(TokioIo::new(io), svc)
        .await;
}

/// A plain HTTP server (HTTP/1.1 and h2c) recording what it sees. `/big` answers 3 MiB.
pub async fn http_server() -> (SocketAddr, SeenLog) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = SeenLog::default();
    let s = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, peer)) = listener.accept().await {
            tokio::spawn(serve(tcp, peer, s.clone()));
        }
    });
    (addr, seen)
}

// ===== TLS =====

/// A self-signed certificate for `names` (DER cert, DER PKCS#8 key).
pub fn self_signed(names: &[&str]) -> (Vec<u8>, Vec<u8>) {
    let ck =
        rcgen::generate_simple_self_signed(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .unwrap();
    (ck.cert.der().to_vec(), ck.key_pair.serialize_der())
}

/// A TLS acceptor with `cert` offering `alpn`.
pub fn acceptor(cert: Vec<u8>, key: Vec<u8>, alpn: &[&[u8]]) -> tokio_rustls::TlsAcceptor {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(cert)],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.into()),
        )
        .unwrap();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// An HTTPS echo server with `cert`; ALPN h2 and http/1.1.
pub async fn https_server(cert: Vec<u8>, key: Vec<u8>) -> (SocketAddr, SeenLog) {
    let acceptor = acceptor(cert, key, &[b"h2", b"http/1.1"]);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let seen = SeenLog::default();
    let s = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, peer)) = listener.accept().await {
            let s = s.clone();
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                if let Ok(tls) = acceptor.accept(tcp).await {
                    serve(tls, peer, s).await;
                }
            });
        }
    });
    (addr, seen)
}

// ===== raw servers =====

/// A raw TCP server: each connection reads the request head, then runs `script`.
pub async fn raw_server<F, Fut>(script: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let script = Arc::new(script);
    tokio::spawn(async move {
        while let Ok((mut tcp, _)) = listener.accept().await {
            let script = script.clone();
            tokio::spawn(async move {
                read_head(&mut tcp).await;
                script(tcp).await;
            });
        }
    });
    addr
}

/// A raw server answering every request with `response` (head and body as bytes), then
/// closing the connection.
pub async fn canned_server(response: &'static [u8]) -> SocketAddr {
    raw_server(move |mut tcp| async move {
        let _ = tcp.write_all(response).await;
        let _ = tcp.shutdown().await;
    })
    .await
}

/// A TCP server that accepts and never says anything; each connection is held until the
/// client closes it.
pub async fn silent_server() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            tokio::spawn(hold(tcp));
        }
    });
    addr
}

/// Read (and discard) until the peer closes.
pub async fn hold(mut tcp: TcpStream) {
    let mut buf = [0u8; 1024];
    while let Ok(n) = tcp.read(&mut buf).await {
        if n == 0 {
            break;
        }
    }
}

/// Read up to the end of an HTTP head.
pub async fn read_head(tcp: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match tcp.read(&mut b).await {
            Ok(1) => head.push(b[0]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&head).into_owned()
}

// ===== proxy =====

/// How the test proxy answers `CONNECT`.
#[derive(Debug, Clone, Copy)]
pub enum ProxyMode {
    /// 200, then copy bytes both ways.
    Tunnel,
    /// This status, then close.
    Refuse(u16),
    /// Never answer (hold the connection until the client goes away).
    Stall,
}

/// A `CONNECT` proxy recording each request head.
pub async fn connect_proxy(mode: ProxyMode) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let heads = Arc::new(Mutex::new(Vec::new()));
    let h = heads.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let h = h.clone();
            tokio::spawn(async move {
                let head = read_head(&mut client).await;
                h.lock().unwrap().push(head.clone());
                match mode {
                    ProxyMode::Refuse(status) => {
                        let answer = format!("HTTP/1.1 {status} Nope\r\ncontent-length: 0\r\n\r\n");
                        let _ = client.write_all(answer.as_bytes()).await;
                    }
                    ProxyMode::Stall => hold(client).await,
                    ProxyMode::Tunnel => {
                        let target = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                        let Ok(mut upstream) = TcpStream::connect(target).await else {
                            return;
                        };
                        let _ = client
                            .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                            .await;
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
                    }
                }
            });
        }
    });
    (addr, heads)
}

// ===== websocket =====

/// A websocket echo server (TLS with `tls`), recording each handshake's headers. Text is
/// echoed; the text "close-me" makes it close with 4000 "bye".
pub async fn ws_echo_server(
    tls: Option<tokio_rustls::TlsAcceptor>,
) -> (SocketAddr, Arc<Mutex<Vec<http::HeaderMap>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let handshakes = Arc::new(Mutex::new(Vec::new()));
    let h = handshakes.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let h = h.clone();
            let tls = tls.clone();
            tokio::spawn(async move {
                match tls {
                    Some(acceptor) => {
                        if let Ok(stream) = acceptor.accept(tcp).await {
                            ws_echo(stream, h).await;
                        }
                    }
                    None => ws_echo(tcp, h).await,
                }
            });
        }
    });
    (addr, handshakes)
}

// tungstenite's callback signature returns a large error type.
#[allow(clippy::result_large_err)]
async fn ws_echo<S>(stream: S, handshakes: Arc<Mutex<Vec<http::HeaderMap>>>)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    use futures_util::{SinkExt, StreamExt};
    use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
    use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
    use tokio_tungstenite::tungstenite::protocol::CloseFrame;
    use tokio_tungstenite::tungstenite::Message;
    let record = |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        handshakes.lock().unwrap().push(req.headers().clone());
        Ok(resp)
    };
    let Ok(mut ws) = tokio_tungstenite::accept_hdr_async(stream, record).await else {
        return;
    };
    while let Some(Ok(msg)) = ws.next().await {
        match msg {
            Message::Text(t) if t.as_str() == "close-me" => {
                let _ = ws
                    .send(Message::Close(Some(CloseFrame {
                        code: CloseCode::from(4000),
                        reason: "bye".into(),
                    })))
                    .await;
            }
            Message::Text(t) => {
                let _ = ws.send(Message::Text(t)).await;
            }
            Message::Binary(b) => {
                let _ = ws.send(Message::Binary(b)).await;
            }
            // tungstenite answers a close itself; the stream then ends.
            _ => {}
        }
    }
}
