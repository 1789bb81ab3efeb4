//! The `mockall` re-exports: expectation-style mocks of the transport traits.
#![cfg(feature = "mockall")]
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use futures_executor::block_on;
use http::{Method, StatusCode};
use slack_core::transport::{HttpRequest, HttpResponse, HttpTransport, Timer};
use slack_transport_mock::{MockHttpTransport, MockTimer};

#[test]
fn mock_http_transport_expectations() {
    let mut m = MockHttpTransport::new();
    m.expect_send()
        .withf(|req: &HttpRequest| req.url.ends_with("/auth.test"))
        .times(1)
        .returning(|_| Box::pin(async { Ok(HttpResponse::new(StatusCode::OK, r#"{"ok":true}"#)) }));
    let req = HttpRequest::new(Method::POST, "https://slack.com/api/auth.test");
    let r = block_on(m.send(req)).unwrap();
    assert_eq!(r.status, 200);
    m.checkpoint();
}

#[test]
fn mock_timer_expectations() {
    let mut t = MockTimer::new();
    t.expect_sleep()
        .withf(|d: &Duration| *d == Duration::from_secs(30))
        .times(1)
        .returning(|_| Box::pin(async {}));
    block_on(t.sleep(Duration::from_secs(30)));
    t.checkpoint();
}
