//! Blocking servers on 127.0.0.1:0, each on its own thread, so the suite needs no runtime of
//! its own and runs under any executor.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// How the HTTP server answers.
#[derive(Debug, Clone)]
pub(crate) enum Reply {
    /// `Content-Length` body.
    Length(Vec<u8>),
    /// Chunked body, in these chunks.
    Chunked(Vec<Vec<u8>>),
    /// Body delimited by closing the connection.
    CloseDelimited(Vec<u8>),
    /// Headers promising `len` bytes, then `sent` bytes, then a reset.
    ResetMidBody { len: usize, sent: usize },
    /// Read the request, never answer (until the client goes away).
    Silent,
}

/// Read one request (head and `Content-Length` body); `None` when the peer closed.
fn read_request(reader: &mut BufReader<TcpStream>) -> Option<(String, Vec<u8>)> {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let end = line == "\r\n";
        head.push_str(&line);
        if end {
            break;
        }
    }
    let len = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some((head, body))
}

fn answer(stream: &mut TcpStream, reply: &Reply) -> std::io::Result<bool> {
    match reply {
        Reply::Length(body) => {
            write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )?;
            stream.write_all(body)?;
            Ok(true)
        }
        Reply::Chunked(chunks) => {
            stream.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")?;
            for c in chunks {
                write!(stream, "{:x}\r\n", c.len())?;
                stream.write_all(c)?;
                stream.write_all(b"\r\n")?;
            }
            stream.write_all(b"0\r\n\r\n")?;
            Ok(true)
        }
        Reply::CloseDelimited(body) => {
            stream.write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n",
            )?;
            stream.write_all(body)?;
            Ok(false)
        }
        Reply::ResetMidBody { len, sent } => {
            write!(stream, "HTTP/1.1 200 OK\r\ncontent-length: {len}\r\n\r\n")?;
            stream.write_all(&vec![b'x'; *sent])?;
            stream.flush()?;
            let _ = stream.shutdown(std::net::Shutdown::Both);
            Ok(false)
        }
        Reply::Silent => {
            // Hold the connection until the client gives up.
            let mut sink = [0u8; 1];
            let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
            let _ = stream.read(&mut sink);
            Ok(false)
        }
    }
}

/// What the HTTP server saw: request heads and bodies.
pub(crate) type Seen = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// An HTTP/1.1 server answering every request with `reply` (keep-alive where the reply
/// allows). `tls`: a rustls server config to serve HTTPS.
pub(crate) fn http_server(
    reply: Reply,
    tls: Option<Arc<rustls::ServerConfig>>,
) -> (SocketAddr, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen: Seen = Arc::default();
    let s = seen.clone();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let reply = reply.clone();
            let seen = s.clone();
            let tls = tls.clone();
            thread::spawn(move || match tls {
                None => serve_plain(conn, &reply, &seen),
                Some(cfg) => serve_tls(conn, cfg, &reply, &seen),
            });
        }
    });
    (addr, seen)
}

fn serve_plain(conn: TcpStream, reply: &Reply, seen: &Seen) {
    let Ok(write_half) = conn.try_clone() else {
        return;
    };
    let mut writer = write_half;
    let mut reader = BufReader::new(conn);
    while let Some(req) = read_request(&mut reader) {
        if let Ok(mut s) = seen.lock() {
            s.push(req);
        }
        match answer(&mut writer, reply) {
            Ok(true) => continue,
            _ => break,
        }
    }
}

fn serve_tls(conn: TcpStream, cfg: Arc<rustls::ServerConfig>, reply: &Reply, seen: &Seen) {
    let Ok(server) = rustls::ServerConnection::new(cfg) else {
        return;
    };
    let mut tls = rustls::StreamOwned::new(server, conn);
    // Read the head byte by byte through TLS (small requests only).
    let mut buf = Vec::new();
    let mut b = [0u8; 1];
    while !buf.ends_with(b"\r\n\r\n") {
        match tls.read(&mut b) {
            Ok(1) => buf.push(b[0]),
            _ => return,
        }
    }
    if let Ok(mut s) = seen.lock() {
        s.push((String::from_utf8_lossy(&buf).into_owned(), Vec::new()));
    }
    if let Reply::Length(body) = reply {
        let _ = write!(
            tls,
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        );
        let _ = tls.write_all(body);
        let _ = tls.flush();
    }
}

/// A self-signed certificate for `names` and a rustls server config using it.
pub(crate) fn self_signed(names: &[&str]) -> (Vec<u8>, Arc<rustls::ServerConfig>) {
    let ck =
        rcgen::generate_simple_self_signed(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
            .expect("cert");
    let cert = ck.cert.der().to_vec();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(ck.key_pair.serialize_der().into());
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(cert.clone())],
            key,
        )
        .expect("server config");
    (cert, Arc::new(cfg))
}

/// A `CONNECT` proxy answering `status`; records each request head.
pub(crate) fn connect_proxy(status: u16) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let heads: Arc<Mutex<Vec<String>>> = Arc::default();
    let h = heads.clone();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let h = h.clone();
            thread::spawn(move || {
                let Ok(mut client) = conn.try_clone() else {
                    return;
                };
                let mut reader = BufReader::new(conn);
                let Some((head, _)) = read_request(&mut reader) else {
                    return;
                };
                if let Ok(mut hs) = h.lock() {
                    hs.push(head.clone());
                }
                if status != 200 {
                    let _ = write!(
                        client,
                        "HTTP/1.1 {status} Refused\r\ncontent-length: 0\r\n\r\n"
                    );
                    return;
                }
                let target = head.split_whitespace().nth(1).unwrap_or("").to_owned();
                let Ok(upstream) = TcpStream::connect(target) else {
                    return;
                };
                let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
                let (Ok(mut up_read), Ok(mut up_write)) =
                    (upstream.try_clone(), upstream.try_clone())
                else {
                    return;
                };
                let mut client_write = client;
                thread::spawn(move || {
                    let _ = std::io::copy(&mut up_read, &mut client_write);
                });
                let _ = std::io::copy(&mut reader, &mut up_write);
            });
        }
    });
    (addr, heads)
}

/// A SOCKS5 proxy (RFC 1928), requiring `creds` (RFC 1929) when given; records the target
/// `host:port` of each tunnel.
pub(crate) fn socks5_proxy(
    creds: Option<(&'static str, &'static str)>,
) -> (SocketAddr, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let targets: Arc<Mutex<Vec<String>>> = Arc::default();
    let t = targets.clone();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let t = t.clone();
            thread::spawn(move || {
                let _ = socks5_session(conn, creds, &t);
            });
        }
    });
    (addr, targets)
}

fn socks5_session(
    mut client: TcpStream,
    creds: Option<(&str, &str)>,
    targets: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let read = |c: &mut TcpStream, n: usize| -> std::io::Result<Vec<u8>> {
        let mut b = vec![0u8; n];
        c.read_exact(&mut b)?;
        Ok(b)
    };
    let head = read(&mut client, 2)?;
    let methods = read(&mut client, usize::from(head[1]))?;
    match creds {
        Some((user, pass)) => {
            if !methods.contains(&2) {
                return client.write_all(&[5, 0xFF]);
            }
            client.write_all(&[5, 2])?;
            let v = read(&mut client, 2)?;
            let u = read(&mut client, usize::from(v[1]))?;
            let plen = read(&mut client, 1)?;
            let p = read(&mut client, usize::from(plen[0]))?;
            if u != user.as_bytes() || p != pass.as_bytes() {
                return client.write_all(&[1, 1]);
            }
            client.write_all(&[1, 0])?;
        }
        None => client.write_all(&[5, 0])?,
    }
    let req = read(&mut client, 4)?;
    let host = match req[3] {
        1 => {
            let a = read(&mut client, 4)?;
            format!("{}.{}.{}.{}", a[0], a[1], a[2], a[3])
        }
        3 => {
            let n = read(&mut client, 1)?;
            String::from_utf8_lossy(&read(&mut client, usize::from(n[0]))?).into_owned()
        }
        _ => return client.write_all(&[5, 8, 0, 1, 0, 0, 0, 0, 0, 0]),
    };
    let port = read(&mut client, 2)?;
    let port = u16::from_be_bytes([port[0], port[1]]);
    let target = format!("{host}:{port}");
    if let Ok(mut t) = targets.lock() {
        t.push(target.clone());
    }
    let Ok(upstream) = TcpStream::connect(&target) else {
        return client.write_all(&[5, 5, 0, 1, 0, 0, 0, 0, 0, 0]);
    };
    client.write_all(&[5, 0, 0, 1, 127, 0, 0, 1, 0, 0])?;
    let (mut up_read, mut up_write) = (upstream.try_clone()?, upstream);
    let (mut client_read, mut client_write) = (client.try_clone()?, client);
    thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut client_write);
    });
    let _ = std::io::copy(&mut client_read, &mut up_write);
    Ok(())
}

/// A listener that counts the connections made to it and never answers.
pub(crate) fn silent_listener() -> (SocketAddr, Arc<Mutex<usize>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    let count: Arc<Mutex<usize>> = Arc::default();
    let c = count.clone();
    thread::spawn(move || {
        for conn in listener.incoming() {
            if let Ok(mut n) = c.lock() {
                *n += 1;
            }
            drop(conn);
        }
    });
    (addr, count)
}

/// How the websocket server behaves after the handshake.
#[derive(Debug, Clone, Copy)]
pub(crate) enum WsScript {
    /// Echo text; answer "close-me" with close 4000 "bye"; answer "fragment" with a message
    /// sent in three frames.
    Echo,
    /// Never send anything (and never answer pings).
    Silent,
}

/// A websocket server (tungstenite, blocking).
pub(crate) fn ws_server(script: WsScript) -> SocketAddr {
    use tungstenite::protocol::frame::coding::{CloseCode, Data, OpCode};
    use tungstenite::protocol::frame::Frame;
    use tungstenite::protocol::CloseFrame;
    use tungstenite::Message;
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("addr");
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            thread::spawn(move || {
                let Ok(mut ws) = tungstenite::accept(conn) else {
                    return;
                };
                if let WsScript::Silent = script {
                    thread::sleep(Duration::from_secs(10));
                    return;
                }
                while let Ok(msg) = ws.read() {
                    match msg {
                        Message::Text(t) if t.as_str() == "close-me" => {
                            let _ = ws.close(Some(CloseFrame {
                                code: CloseCode::from(4000),
                                reason: "bye".into(),
                            }));
                            let _ = ws.flush();
                        }
                        Message::Text(t) if t.as_str() == "fragment" => {
                            let parts: [(&str, OpCode, bool); 3] = [
                                ("frag", OpCode::Data(Data::Text), false),
                                ("men", OpCode::Data(Data::Continue), false),
                                ("ted", OpCode::Data(Data::Continue), true),
                            ];
                            for (text, op, fin) in parts {
                                let _ = ws.write(Message::Frame(Frame::message(
                                    text.as_bytes().to_vec(),
                                    op,
                                    fin,
                                )));
                            }
                            let _ = ws.flush();
                        }
                        Message::Text(t) => {
                            let _ = ws.send(Message::Text(t));
                        }
                        Message::Close(_) => break,
                        _ => {}
                    }
                }
            });
        }
    });
    addr
}
