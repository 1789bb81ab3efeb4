//! One delivery handed to the application, and the way to acknowledge it.

use std::fmt;
use std::time::Duration;

use futures_channel::{mpsc, oneshot};
use serde::Serialize;
use serde_json::value::RawValue;
use slack_core::socket_mode::{AckError, AckSent, Envelope};

/// A command from an [`Acker`] to the connection that delivered its envelope.
#[derive(Debug)]
pub(crate) enum ConnCommand {
    Ack {
        envelope_id: String,
        payload: Option<Box<RawValue>>,
        reply: oneshot::Sender<Result<AckSent, AckError>>,
    },
    SetDeadline {
        envelope_id: String,
        after: Option<Duration>,
    },
}

/// Why [`Acker::ack`] did not acknowledge.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AckFailed {
    /// The connection refused it: already acknowledged (at the deadline, or twice), or the
    /// connection closed first (Slack delivers the envelope again).
    #[error(transparent)]
    Refused(#[from] AckError),
    /// The response payload could not be turned into JSON.
    #[error("the response payload is not JSON: {0}")]
    Payload(#[from] serde_json::Error),
}

/// Acknowledges one envelope, exactly once, on the connection that delivered it.
///
/// Cloning shares the same envelope; the first ack wins and later ones fail with
/// [`AckError::AlreadyAcked`]. Dropped without an ack, the envelope is acknowledged at its
/// deadline.
#[derive(Clone)]
pub struct Acker {
    envelope_id: String,
    tx: mpsc::UnboundedSender<ConnCommand>,
}

impl fmt::Debug for Acker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Acker")
            .field("envelope_id", &self.envelope_id)
            .finish_non_exhaustive()
    }
}

impl Acker {
    pub(crate) fn new(envelope_id: String, tx: mpsc::UnboundedSender<ConnCommand>) -> Self {
        Acker { envelope_id, tx }
    }

    /// Acknowledge without a payload.
    pub async fn ack(&self) -> Result<AckSent, AckFailed> {
        self.send(None).await
    }

    /// Acknowledge with a response payload (a slash command's reply, a view submission's
    /// `response_action`, options for a select menu). Where the envelope does not accept one
    /// it is acknowledged without it ([`AckSent::PayloadDropped`]).
    pub async fn ack_with(&self, payload: &impl Serialize) -> Result<AckSent, AckFailed> {
        let raw = serde_json::value::to_raw_value(payload)?;
        self.send(Some(raw)).await
    }

    /// Acknowledge on the handler's behalf `after` this long from now instead of at the
    /// client's deadline; `None`: only the handler acknowledges (Slack delivers again after
    /// 3 s if it does not).
    pub fn set_deadline(&self, after: Option<Duration>) {
        let _ = self.tx.unbounded_send(ConnCommand::SetDeadline {
            envelope_id: self.envelope_id.clone(),
            after,
        });
    }

    async fn send(&self, payload: Option<Box<RawValue>>) -> Result<AckSent, AckFailed> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .unbounded_send(ConnCommand::Ack {
                envelope_id: self.envelope_id.clone(),
                payload,
                reply,
            })
            .map_err(|_| self.closed())?;
        match answer.await {
            Ok(result) => Ok(result?),
            Err(_) => Err(self.closed()),
        }
    }

    /// The connection that delivered the envelope is gone (closed, or the client stopped):
    /// Slack delivers the envelope again.
    fn closed(&self) -> AckFailed {
        AckFailed::Refused(AckError::Closed(self.envelope_id.clone()))
    }
}

/// One delivery: the envelope and its [`Acker`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Request {
    /// What Slack sent.
    pub envelope: Envelope,
    /// How to acknowledge it.
    pub acker: Acker,
}

impl Request {
    /// Acknowledge without a payload (see [`Acker::ack`]).
    pub async fn ack(&self) -> Result<AckSent, AckFailed> {
        self.acker.ack().await
    }

    /// Acknowledge with a response payload (see [`Acker::ack_with`]).
    pub async fn ack_with(&self, payload: &impl Serialize) -> Result<AckSent, AckFailed> {
        self.acker.ack_with(payload).await
    }

    /// The payload decoded as `T` (an Events API callback, a slash command, an interaction).
    pub fn payload<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(self.envelope.payload_str())
    }
}
