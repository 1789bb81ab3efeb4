//! What is due at a time on the emulator's clock: scheduled messages, reminders, snoozes;
//! and the trigger ids handed out with interactions (they expire).

use serde::{Deserialize, Serialize};

use super::{Message, Workspace};

/// How long a trigger id may be used after it was issued, as Slack: 3 seconds.
pub(crate) const TRIGGER_TTL_MICROS: i64 = 3_000_000;

/// Trigger ids remembered at most (the oldest are forgotten first).
const MAX_TRIGGER_IDS: usize = 10_000;

/// A message waiting for its `post_at` (`chat.scheduleMessage`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct ScheduledMessage {
    /// `Q…`
    pub(crate) id: String,
    pub(crate) channel: String,
    /// Who scheduled it (and posts it).
    pub(crate) user: String,
    pub(crate) post_at: i64,
    pub(crate) date_created: i64,
    pub(crate) text: Option<String>,
    /// `blocks`, `attachments`, `metadata`, … as `chat.postMessage` stores them.
    pub(crate) extra: Message,
    pub(crate) thread_ts: Option<String>,
    pub(crate) broadcast: bool,
}

/// A reminder (`reminders.add`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Reminder {
    /// `Rm…`
    pub(crate) id: String,
    pub(crate) creator: String,
    pub(crate) user: String,
    pub(crate) text: String,
    /// When it goes off (Unix seconds).
    pub(crate) time: i64,
    /// When it was marked complete (0: not yet).
    pub(crate) complete_ts: i64,
    /// Whether Slackbot has delivered it.
    pub(crate) fired: bool,
}

/// A user's Do Not Disturb state (`dnd.*`): only snoozes are modelled (no schedule).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub(crate) struct Dnd {
    /// When the snooze ends (Unix seconds), while snoozing.
    pub(crate) snooze_endtime: Option<i64>,
}

impl Workspace {
    /// Remember a trigger id issued now.
    pub(crate) fn issue_trigger_id(&mut self, id: String) {
        let now = self.clock.now_micros();
        if self.trigger_ids.len() >= MAX_TRIGGER_IDS {
            if let Some(oldest) = self
                .trigger_ids
                .iter()
                .min_by_key(|(_, at)| **at)
                .map(|(k, _)| k.clone())
            {
                self.trigger_ids.remove(&oldest);
            }
        }
        self.trigger_ids.insert(id, now);
    }

    /// Use a trigger id (once): `invalid_trigger_id` when never issued or already used,
    /// `expired_trigger_id` more than 3 s after it was issued.
    pub(crate) fn take_trigger_id(&mut self, id: &str) -> Result<(), &'static str> {
        let issued = self.trigger_ids.remove(id).ok_or("invalid_trigger_id")?;
        if self.clock.now_micros().saturating_sub(issued) > TRIGGER_TTL_MICROS {
            return Err("expired_trigger_id");
        }
        Ok(())
    }

    /// The next time something is due (Unix seconds): a scheduled message, a reminder, the
    /// end of a snooze.
    pub(crate) fn next_due(&self) -> Option<i64> {
        let scheduled = self.scheduled.values().map(|s| s.post_at);
        let reminders = self
            .reminders
            .values()
            .filter(|r| !r.fired && r.complete_ts == 0)
            .map(|r| r.time);
        let snoozes = self.dnd.values().filter_map(|d| d.snooze_endtime);
        scheduled.chain(reminders).chain(snoozes).min()
    }
}
