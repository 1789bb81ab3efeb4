//! `reminders.*` responses.
use serde::{Deserialize, Serialize};

/// A reminder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reminder {
    /// The id (`Rm…`).
    pub id: String,
    /// Who created it.
    #[serde(default)]
    pub creator: String,
    /// Who is reminded.
    #[serde(default)]
    pub user: String,
    /// What.
    #[serde(default)]
    pub text: String,
    /// Whether it repeats.
    #[serde(default)]
    pub recurring: bool,
    /// When (Unix seconds; one-off reminders).
    #[serde(default)]
    pub time: Option<i64>,
    /// Completion time (0 when pending).
    #[serde(default)]
    pub complete_ts: Option<i64>,
}

/// `reminders.add`, `reminders.info`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReminderResponse {
    /// The reminder.
    pub reminder: Reminder,
}

/// `reminders.list`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ListResponse {
    /// The reminders.
    #[serde(default)]
    pub reminders: Vec<Reminder>,
}
