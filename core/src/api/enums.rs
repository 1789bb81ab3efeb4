//! Arguments whose values the documentation gives as a closed set. Each keeps an `Other`
//! variant so a value newer than this SDK can still be sent.

use serde::{Serialize, Serializer};

macro_rules! arg_enum {
    ($(#[$doc:meta])* $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $text:literal ),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$vdoc])* $variant, )*
            /// A value without its own variant.
            Other(String),
        }

        impl $name {
            /// The value as Slack spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $text, )*
                    $name::Other(s) => s,
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl From<&str> for $name {
            fn from(v: &str) -> Self {
                match v {
                    $( $text => $name::$variant, )*
                    other => $name::Other(other.to_owned()),
                }
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}

arg_enum! {
    /// A conversation type (`types` of `conversations.list`, `users.conversations`).
    ConversationType {
        /// Public channels.
        PublicChannel = "public_channel",
        /// Private channels.
        PrivateChannel = "private_channel",
        /// Multi-person direct messages.
        Mpim = "mpim",
        /// Direct messages.
        Im = "im",
    }
}

arg_enum! {
    /// A presence to set (`users.setPresence`).
    Presence {
        /// Slack decides from activity.
        Auto = "auto",
        /// Away.
        Away = "away",
    }
}

arg_enum! {
    /// How message text is parsed (`parse` of `chat.*`).
    ParseMode {
        /// No parsing beyond mrkdwn.
        None = "none",
        /// Link names and URLs.
        Full = "full",
    }
}

arg_enum! {
    /// Sort direction (`sort_dir` of `search.*`).
    SortDirection {
        /// Ascending.
        Asc = "asc",
        /// Descending.
        Desc = "desc",
    }
}

arg_enum! {
    /// Sort key (`sort` of `search.*`).
    SearchSort {
        /// By relevance.
        Score = "score",
        /// By time.
        Timestamp = "timestamp",
    }
}
