//! Work due at a time on the emulator's clock: scheduled messages are posted, reminders
//! delivered by Slackbot, snoozes ended.
//!
//! [`run`] does what is due now; it runs after every clock change (advance, set, resume)
//! and in [`task`], which sleeps until the next due time in real time and is woken early
//! when the clock changes or something new is scheduled (never a polling loop).

use std::sync::Arc;

use tokio::sync::watch;

use crate::api::{self, Ctx};
use crate::server::Shared;

/// Do everything due at the clock's current time, publish its events, persist.
pub(crate) fn run(shared: &Shared) {
    let events = {
        let mut ws = shared.lock_state();
        let now = i64::try_from(ws.now_secs()).unwrap_or(i64::MAX);
        if ws.next_due().is_none_or(|at| at > now) {
            return;
        }
        let mut ctx = Ctx::new(String::new(), shared.env(None));
        api::scheduled::fire_due(&mut ws, &mut ctx, now);
        api::reminders::fire_due(&mut ws, &mut ctx, now);
        api::dnd::fire_due(&mut ws, &mut ctx, now);
        ctx.events
    };
    shared.publish(events);
    shared.mark_changed();
}

/// Run due work whenever it comes due, until shutdown.
pub(crate) async fn task(shared: Arc<Shared>, mut shutdown: watch::Receiver<bool>) {
    loop {
        run(&shared);
        let next = shared.lock_state().next_due();
        let wait = next.and_then(|at| shared.clock.real_wait_until(at.saturating_mul(1_000_000)));
        let sleep = async {
            match wait {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = sleep => {}
            () = shared.clock.changed() => {}
            _ = shutdown.changed() => break,
        }
    }
}
