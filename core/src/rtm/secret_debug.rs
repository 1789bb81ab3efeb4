//! The typed answers that carry a websocket URL (`rtm.connect`, `rtm.start`,
//! `apps.connections.open`) never print it in `Debug`: its path or query is a session ticket.

use http::StatusCode;

use crate::api::SlackMethod;
use crate::response::{parse_response, Response};
use crate::transport::HttpResponse;

const TICKET: &str = "SeSsIoNtIcKeT";

fn decoded<M: SlackMethod>(method: &str, body: String) -> Response<M::Response>
where
    M::Response: std::fmt::Debug,
{
    let mut http = HttpResponse::new(StatusCode::OK, body);
    http.headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json; charset=utf-8"),
    );
    let raw = parse_response(method, http).unwrap();
    let data = raw.decode::<M::Response>().unwrap();
    Response::new(data, raw)
}

#[test]
#[allow(deprecated)] // `rtm.start` is retired but still answered
fn debug_of_decoded_session_answers_has_no_ticket() {
    let rtm_url = format!("wss://cerberus-xxxx.lb.slack-msgs.com/websocket/{TICKET}");
    let socket_url = format!("wss://wss-primary.slack.com/link/?ticket={TICKET}&app_id=A1");
    let connect = decoded::<crate::api::rtm::Connect>(
        "rtm.connect",
        serde_json::json!({"ok": true, "url": rtm_url,
            "self": {"id": "U1", "name": "bot"}, "team": {"id": "T1", "name": "t", "domain": "d"}})
        .to_string(),
    );
    let start = decoded::<crate::api::rtm::Start>(
        "rtm.start",
        serde_json::json!({"ok": true, "url": rtm_url, "self": {"id": "U1"}}).to_string(),
    );
    let open = decoded::<crate::api::apps::connections::Open>(
        "apps.connections.open",
        serde_json::json!({"ok": true, "url": socket_url}).to_string(),
    );
    // The URL is still there for the program.
    assert_eq!(connect.url, rtm_url);
    assert_eq!(start.url.as_deref(), Some(rtm_url.as_str()));
    assert_eq!(open.url.as_deref(), Some(socket_url.as_str()));
    let printed = [
        format!("{connect:?}"),
        format!("{:?}", *connect),
        format!("{start:?}"),
        format!("{:#?}", *start),
        format!("{open:?}"),
        format!("{:?}", *open),
    ];
    for p in &printed {
        assert!(!p.contains(TICKET), "a ticket in {p}");
        assert!(p.contains("<redacted>"), "{p}");
    }
    // Other fields still show.
    assert!(printed[1].contains("U1"), "{}", printed[1]);
}
