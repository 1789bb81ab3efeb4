//! Capturing what a test logs through `tracing` (no other helpers, so a test that needs
//! only this builds with any feature set).
#![allow(dead_code, clippy::unwrap_used)]

/// Every tracing event and span field, at every level, written as text while it is alive
/// (this thread's default subscriber). A test that reads it should be alone in its binary:
/// tracing's callsite cache is global, and a concurrent test without a subscriber could
/// hide events from it.
pub struct LogCapture {
    text: std::sync::Arc<std::sync::Mutex<String>>,
    _guard: tracing::subscriber::DefaultGuard,
}

#[derive(Clone)]
struct CaptureWriter(std::sync::Arc<std::sync::Mutex<String>>);

impl std::io::Write for CaptureWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap()
            .push_str(&String::from_utf8_lossy(buf));
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl LogCapture {
    pub fn start() -> LogCapture {
        let text = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
        let writer = CaptureWriter(text.clone());
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // Other tests in this process may have cached "no subscriber" for our callsites.
        tracing::callsite::rebuild_interest_cache();
        LogCapture {
            text,
            _guard: guard,
        }
    }

    /// Everything logged so far.
    pub fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }
}
