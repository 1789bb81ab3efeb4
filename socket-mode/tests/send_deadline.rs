//! A websocket write that never completes (Slack stopped reading) has a deadline: the
//! connection is given up, and a new one opens. On a manual virtual clock.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::json;
use slack_core::transport::{
    BoxFuture, TransportError, TransportErrorKind, WsConnection, WsMessage, WsSender, WsTransport,
};
use slack_core::WebClientBuilder;
use slack_socket_mode::{ErrorEvent, Request, SocketModeClient, SocketModeOptions};
use slack_transport_mock::{MockTransport, MockWsTransport, VirtualClock};

async fn settle() {
    for _ in 0..200 {
        tokio::task::yield_now().await;
    }
}

/// The mock websocket transport, whose connections' writes can be made to block for ever.
#[derive(Debug, Clone)]
struct Stalling {
    inner: MockWsTransport,
    /// One flag per connection made, in order.
    flags: Arc<Mutex<Vec<Arc<AtomicBool>>>>,
}

impl Stalling {
    /// From now on, every write on connection `n` (0: the first) blocks.
    fn stall(&self, n: usize) {
        self.flags.lock().unwrap()[n].store(true, Ordering::SeqCst);
    }
}

#[derive(Debug)]
struct StallingSender {
    inner: Box<dyn WsSender>,
    stalled: Arc<AtomicBool>,
}

impl WsSender for StallingSender {
    fn send(&mut self, message: WsMessage) -> BoxFuture<'_, Result<(), TransportError>> {
        if self.stalled.load(Ordering::SeqCst) {
            Box::pin(std::future::pending())
        } else {
            self.inner.send(message)
        }
    }
}

impl WsTransport for Stalling {
    fn connect(
        &self,
        url: &str,
        headers: &http::HeaderMap,
    ) -> BoxFuture<'_, Result<WsConnection, TransportError>> {
        let url = url.to_owned();
        let headers = headers.clone();
        Box::pin(async move {
            let conn = self.inner.connect(&url, &headers).await?;
            let stalled = Arc::new(AtomicBool::new(false));
            self.flags.lock().unwrap().push(stalled.clone());
            Ok(WsConnection {
                sender: Box::new(StallingSender {
                    inner: conn.sender,
                    stalled,
                }),
                receiver: conn.receiver,
            })
        })
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_blocked_ack_write_closes_the_connection_at_the_send_timeout_and_a_new_one_opens() {
    let clock = VirtualClock::manual();
    let mock = MockTransport::with_clock(clock.clone());
    mock.on("apps.connections.open")
        .always()
        .respond_json(json!({"ok": true, "url": "wss://mock.test/link/?ticket=t1"}));
    let ws = Stalling {
        inner: mock.ws().clone(),
        flags: Arc::default(),
    };
    let web = WebClientBuilder::new()
        .token("xoxb-bot")
        .transport(mock.clone())
        .websocket(Arc::new(ws.clone()))
        .build()
        .unwrap();
    let first = mock.ws().expect_connect();
    let second = mock.ws().expect_connect();
    let errors = Arc::new(Mutex::new(Vec::new()));
    let options = {
        let errors = errors.clone();
        SocketModeOptions::default()
            .seed(1)
            .ping_interval(Duration::from_secs(30))
            .stale_after(Duration::from_secs(300))
            .send_timeout(Duration::from_secs(5))
            .on_error(move |ev: &ErrorEvent| {
                if let ErrorEvent::Websocket(e) = ev {
                    errors.lock().unwrap().push(e.kind());
                }
            })
    };
    let client = Arc::new(SocketModeClient::with_options(
        "xapp-1-A111-1-secret",
        web,
        options,
    ));
    let run = {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .run(|req: Request| async move {
                    let _ = req.ack().await;
                })
                .await
        })
    };
    let envelope = |id: &str| {
        json!({"envelope_id": id, "type": "events_api", "accepts_response_payload": false,
               "payload": {"type": "event_callback", "event_id": id, "event": {}},
               "retry_attempt": 0, "retry_reason": ""})
        .to_string()
    };
    first.send_text(r#"{"type":"hello"}"#);
    settle().await;
    assert_eq!(client.handle().connections_ready(), 1);

    // Slack stops reading: the ack's write blocks.
    ws.stall(0);
    first.send_text(envelope("e1"));
    settle().await;
    clock.advance(Duration::from_millis(4_999));
    settle().await;
    assert_eq!(mock.ws().connect_count(), 1, "still waiting for the write");

    clock.advance(Duration::from_millis(1));
    settle().await;
    assert_eq!(*errors.lock().unwrap(), [TransportErrorKind::Timeout]);
    assert_eq!(mock.requests_for("apps.connections.open").len(), 2);
    assert!(second.is_connected(), "a new connection opened");
    // Slack delivers the unacknowledged envelope again, on the new connection.
    second.send_text(r#"{"type":"hello"}"#);
    second.send_text(envelope("e1"));
    settle().await;
    assert_eq!(client.handle().connections_ready(), 1);
    let acked: Vec<_> = second
        .received_json()
        .into_iter()
        .filter_map(|v| v["envelope_id"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(acked, ["e1"]);
    client.handle().stop();
    settle().await;
    assert_eq!(run.await.unwrap(), Ok(()));
}
