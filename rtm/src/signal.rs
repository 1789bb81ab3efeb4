//! Waiting for a termination signal on tokio.

/// Completes on SIGINT, SIGTERM or SIGHUP (Ctrl-C elsewhere).
pub(crate) async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut streams = Vec::new();
        for kind in [
            SignalKind::interrupt(),
            SignalKind::terminate(),
            SignalKind::hangup(),
        ] {
            match signal(kind) {
                Ok(s) => streams.push(s),
                Err(e) => tracing::warn!(%e, "cannot listen for a signal"),
            }
        }
        if streams.is_empty() {
            let _ = tokio::signal::ctrl_c().await;
            return;
        }
        let waits = streams.iter_mut().map(|s| {
            Box::pin(async move {
                s.recv().await;
            })
        });
        futures_util::future::select_all(waits).await;
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
