//! `reminders.*` responses.
use serde::{Deserialize, Serialize};

/// A reminder.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Reminder {
    /// The id (`Rm…`).
    pub id: String,
    /// Who created it.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub creator: String,
    /// Who is reminded.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub user: String,
    /// What.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub text: String,
    /// Whether it repeats.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub recurring: bool,
    /// When (Unix seconds; one-off reminders).
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub time: Option<i64>,
    /// Completion time (0 when pending).
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
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
    #[serde(default, deserialize_with = "crate::types::de::lenient_vec")]
    pub reminders: Vec<Reminder>,
}

crate::types::de::lenient_buffered!(Reminder);
