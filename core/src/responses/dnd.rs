//! `dnd.*` responses.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `dnd.info`, and each user of `dnd.teamInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InfoResponse {
    /// Do Not Disturb is scheduled.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub dnd_enabled: bool,
    /// Next scheduled start (Unix seconds).
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub next_dnd_start_ts: Option<i64>,
    /// Next scheduled end.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub next_dnd_end_ts: Option<i64>,
    /// A snooze is on.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub snooze_enabled: Option<bool>,
    /// When the snooze ends.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub snooze_endtime: Option<i64>,
    /// Minutes of snooze left.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub snooze_remaining: Option<i64>,
}

/// `dnd.setSnooze`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SnoozeResponse {
    /// Snoozing.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub snooze_enabled: bool,
    /// Until.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub snooze_endtime: Option<i64>,
    /// Minutes left.
    #[serde(default, deserialize_with = "crate::types::de::lenient")]
    pub snooze_remaining: Option<i64>,
}

/// `dnd.teamInfo`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TeamInfoResponse {
    /// User id → status.
    #[serde(default, deserialize_with = "crate::types::de::lenient_or_default")]
    pub users: BTreeMap<String, InfoResponse>,
}
