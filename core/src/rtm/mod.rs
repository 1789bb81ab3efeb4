//! The sans-IO half of the RTM (real-time messaging) client: typed events, the state machine
//! of one websocket connection (pings, pongs, staleness, acks), and the reconnect machine
//! (backoff, `Retry-After`, fatal errors). The `slack-rtm` crate drives them over a
//! [`WsTransport`](crate::transport::WsTransport).

mod connection;
mod deadline;
mod event;
mod reconnect;
#[cfg(test)]
mod secret_debug;

pub use connection::{ConnEvent, Connection, ConnectionConfig, SendError};
pub use deadline::{send_within, write_within};
pub use event::{
    decode_event, Ack, ChannelEvent, Frame, FrameError, MembershipEvent, MessageEvent,
    MessageSubtype, ReactionEvent, RtmEvent,
};
pub use reconnect::{
    ConnectFailure, ReconnectAction, ReconnectConfig, Reconnector, MAX_RETRY_AFTER,
};
