//! Running an [`App`] over Socket Mode.

use std::sync::Arc;
use std::time::Duration;

use serde_json::value::RawValue;
use slack_core::socket_mode::EnvelopeKind;
use slack_core::Token;
use slack_socket_mode::{
    AckFailed, Acker, Request, SocketModeClient, SocketModeError, SocketModeHandle,
    SocketModeOptions,
};

use crate::context::{AckError, AckSink, BoxFuture};
use crate::{App, Incoming, IncomingKind};

impl AckSink for Acker {
    fn ack(&self, payload: Option<Box<RawValue>>) -> BoxFuture<'_, Result<(), AckError>> {
        Box::pin(async move {
            let sent = match payload {
                Some(p) => Acker::ack_with(self, &p).await,
                None => Acker::ack(self).await,
            };
            sent.map(drop).map_err(|e| match e {
                AckFailed::Refused(slack_core::socket_mode::AckError::AlreadyAcked(_)) => {
                    AckError::AlreadyAcked
                }
                AckFailed::Payload(e) => AckError::Payload(e.to_string()),
                _ => AckError::Gone,
            })
        })
    }

    fn set_deadline(&self, after: Option<Duration>) {
        Acker::set_deadline(self, after);
    }
}

/// An [`App`] on Socket Mode; see [`App::socket_mode`].
#[derive(Debug)]
pub struct SocketModeApp {
    app: App,
    client: SocketModeClient,
}

impl SocketModeApp {
    /// A handle to stop the app from elsewhere.
    pub fn handle(&self) -> SocketModeHandle {
        self.client.handle()
    }

    /// Receive until stopped or a fatal error.
    pub async fn run(&self) -> Result<(), SocketModeError> {
        let app = self.app.clone();
        self.client
            .run(move |req: Request| {
                let app = app.clone();
                async move {
                    let kind = match &req.envelope.kind {
                        EnvelopeKind::EventsApi => IncomingKind::EventsApi,
                        EnvelopeKind::SlashCommands => IncomingKind::SlashCommand,
                        EnvelopeKind::Interactive => IncomingKind::Interactive,
                        other => IncomingKind::Other(other.as_str().to_owned()),
                    };
                    let incoming =
                        Incoming::new(kind, req.envelope.payload_str(), req.envelope.retry_attempt);
                    app.dispatch(incoming, Arc::new(req.acker)).await;
                }
            })
            .await
    }
}

impl App {
    /// Run this app over Socket Mode with the app-level token (`xapp-…`); the same
    /// listeners work over HTTP.
    pub fn socket_mode(
        &self,
        app_token: impl Into<Token>,
        options: SocketModeOptions,
    ) -> SocketModeApp {
        SocketModeApp {
            app: self.clone(),
            client: SocketModeClient::with_options(app_token, self.client().clone(), options),
        }
    }
}
