//! The sans-IO half of Socket Mode, how every Slack app created since 2024 receives events
//! without a public URL: frames (`hello`, envelopes, `disconnect`, acks), the state machine of
//! one connection (each envelope acknowledged exactly once, by its handler or at a deadline
//! before Slack's 3 s; pings and staleness), and a bounded store that recognises
//! re-deliveries. The reconnect machine is [`rtm::Reconnector`](crate::rtm::Reconnector),
//! shared with RTM. The `slack-socket-mode` crate drives them over a
//! [`WsTransport`](crate::transport::WsTransport).

mod connection;
mod dedupe;
mod frame;

pub use connection::{AckError, AckSent, ConnEvent, Connection, ConnectionConfig, Transmit};
pub use dedupe::{event_key, DedupeStore, InMemoryDedupe};
pub use frame::{
    decode_frame, encode_ack, DisconnectReason, Envelope, EnvelopeKind, Frame, FrameError, Hello,
};
