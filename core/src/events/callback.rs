//! The Events API: `event_callback` (and `url_verification`, `app_rate_limited`) and the
//! events inside.

use std::sync::Arc;

use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::Value;

use super::{type_of, PayloadError};
use crate::rtm::{ChannelEvent, MembershipEvent, MessageEvent, ReactionEvent};

/// What an Events API request body (or a Socket Mode `events_api` payload) carries.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum EventsApiPayload {
    /// An event.
    Callback(Box<EventCallback>),
    /// Slack checks the request URL: answer with the challenge.
    UrlVerification {
        /// Echo this back.
        challenge: String,
    },
    /// The app received more events than Slack allows (30,000 per workspace per hour);
    /// some are being dropped.
    AppRateLimited {
        /// The minute, as Unix seconds, when the limit was hit.
        minute_rate_limited: i64,
        /// The workspace.
        team_id: String,
    },
    /// A type this SDK does not know.
    Other {
        /// Its `type`.
        kind: String,
    },
}

/// Which installation an event is for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct Authorization {
    /// The enterprise, for an org-wide install.
    #[serde(default)]
    pub enterprise_id: Option<String>,
    /// The workspace.
    #[serde(default)]
    pub team_id: Option<String>,
    /// The installing user or the bot user.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Whether `user_id` is the bot.
    #[serde(default)]
    pub is_bot: bool,
    /// Whether the app is installed org-wide.
    #[serde(default)]
    pub is_enterprise_install: bool,
}

/// An `event_callback`: one event and where it comes from.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EventCallback {
    /// The workspace.
    pub team_id: Option<String>,
    /// The enterprise, on Enterprise Grid.
    pub enterprise_id: Option<String>,
    /// The app.
    pub api_app_id: Option<String>,
    /// Unique per event, kept across Slack's retries: the key to recognise a re-delivery.
    pub event_id: String,
    /// When the event happened, in Unix seconds.
    pub event_time: i64,
    /// Which installations the event is for.
    pub authorizations: Vec<Authorization>,
    /// Whether the channel is shared with another organisation.
    pub is_ext_shared_channel: bool,
    /// The event.
    pub event: Event,
}

/// The events a bot meets daily, typed; every other one as [`Event::Other`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// The bot was mentioned (`<@U…>`) in a channel it is in.
    AppMention(AppMention),
    /// A message (with its subtype, if any); shared so handlers get the same `Arc`.
    Message(Arc<MessageEvent>),
    /// A reaction was added.
    ReactionAdded(ReactionEvent),
    /// A reaction was removed.
    ReactionRemoved(ReactionEvent),
    /// A user joined a channel.
    MemberJoinedChannel(MembershipEvent),
    /// A user left a channel.
    MemberLeftChannel(MembershipEvent),
    /// A channel was created.
    ChannelCreated(ChannelEvent),
    /// A channel was renamed.
    ChannelRenamed(ChannelEvent),
    /// A channel was archived.
    ChannelArchived(ChannelEvent),
    /// A channel was unarchived.
    ChannelUnarchived(ChannelEvent),
    /// A user opened the app's Home, Messages or About tab.
    AppHomeOpened(AppHomeOpened),
    /// A new member joined the workspace.
    TeamJoin {
        /// The new user.
        user: Box<crate::types::User>,
    },
    /// A file was shared.
    FileShared(FileShared),
    /// A link to a domain the app unfurls was posted.
    LinkShared(LinkShared),
    /// The app was uninstalled.
    AppUninstalled,
    /// Tokens of the app were revoked: `{"oauth": [user ids], "bot": [bot user ids]}`.
    TokensRevoked {
        /// The revoked tokens' owners by kind.
        tokens: Value,
    },
    /// An event this SDK does not type; read it from the raw payload.
    Other {
        /// Its `type`.
        kind: String,
    },
}

impl Event {
    /// The event's `type` (`message`, `app_mention`, …).
    pub fn kind(&self) -> &str {
        match self {
            Event::AppMention(_) => "app_mention",
            Event::Message(_) => "message",
            Event::ReactionAdded(_) => "reaction_added",
            Event::ReactionRemoved(_) => "reaction_removed",
            Event::MemberJoinedChannel(_) => "member_joined_channel",
            Event::MemberLeftChannel(_) => "member_left_channel",
            Event::ChannelCreated(_) => "channel_created",
            Event::ChannelRenamed(_) => "channel_rename",
            Event::ChannelArchived(_) => "channel_archive",
            Event::ChannelUnarchived(_) => "channel_unarchive",
            Event::AppHomeOpened(_) => "app_home_opened",
            Event::TeamJoin { .. } => "team_join",
            Event::FileShared(_) => "file_shared",
            Event::LinkShared(_) => "link_shared",
            Event::AppUninstalled => "app_uninstalled",
            Event::TokensRevoked { .. } => "tokens_revoked",
            Event::Other { kind } => kind,
        }
    }

    /// Decode one event object (what is under `event`).
    pub fn decode(json: &str) -> Result<Event, PayloadError> {
        let kind = type_of(json)?;
        fn de<'a, T: Deserialize<'a>>(kind: &str, json: &'a str) -> Result<T, PayloadError> {
            serde_json::from_str(json).map_err(|e| PayloadError::new(kind, e))
        }
        Ok(match kind.as_str() {
            "app_mention" => Event::AppMention(de(&kind, json)?),
            "message" => Event::Message(Arc::new(de(&kind, json)?)),
            "reaction_added" => Event::ReactionAdded(de(&kind, json)?),
            "reaction_removed" => Event::ReactionRemoved(de(&kind, json)?),
            "member_joined_channel" => Event::MemberJoinedChannel(de(&kind, json)?),
            "member_left_channel" => Event::MemberLeftChannel(de(&kind, json)?),
            "channel_created" => Event::ChannelCreated(de(&kind, json)?),
            "channel_rename" => Event::ChannelRenamed(de(&kind, json)?),
            "channel_archive" => Event::ChannelArchived(de(&kind, json)?),
            "channel_unarchive" => Event::ChannelUnarchived(de(&kind, json)?),
            "app_home_opened" => Event::AppHomeOpened(de(&kind, json)?),
            "team_join" => {
                #[derive(Deserialize)]
                struct W {
                    user: Box<crate::types::User>,
                }
                Event::TeamJoin {
                    user: de::<W>(&kind, json)?.user,
                }
            }
            "file_shared" => Event::FileShared(de(&kind, json)?),
            "link_shared" => Event::LinkShared(de(&kind, json)?),
            "app_uninstalled" => Event::AppUninstalled,
            "tokens_revoked" => {
                #[derive(Deserialize)]
                struct W {
                    #[serde(default)]
                    tokens: Value,
                }
                Event::TokensRevoked {
                    tokens: de::<W>(&kind, json)?.tokens,
                }
            }
            _ => Event::Other { kind },
        })
    }
}

/// `app_mention`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AppMention {
    /// Who mentioned the app (absent for some bot posts).
    #[serde(default)]
    pub user: Option<String>,
    /// The message text, with the mention as `<@U…>`.
    #[serde(default)]
    pub text: String,
    /// Where.
    pub channel: String,
    /// The message's timestamp.
    pub ts: String,
    /// The thread, when the mention is a reply.
    #[serde(default)]
    pub thread_ts: Option<String>,
    /// The message's blocks (rich text), decoded on first read (see
    /// [`Blocks`](crate::blocks::Blocks)).
    #[serde(default)]
    pub blocks: crate::blocks::Blocks,
    /// The bot that posted, for mentions by bots.
    #[serde(default)]
    pub bot_id: Option<String>,
    /// The workspace of the author.
    #[serde(default)]
    pub team: Option<String>,
    /// When the event happened.
    #[serde(default)]
    pub event_ts: Option<String>,
}

impl AppMention {
    /// The timestamp to reply under: the thread's, else this message's.
    pub fn thread(&self) -> &str {
        self.thread_ts.as_deref().unwrap_or(&self.ts)
    }
}

/// `app_home_opened`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct AppHomeOpened {
    /// Who opened it.
    pub user: String,
    /// The app's direct message channel with the user.
    #[serde(default)]
    pub channel: Option<String>,
    /// `home`, `messages` or `about`.
    #[serde(default)]
    pub tab: String,
    /// The Home view currently published, if any.
    #[serde(default)]
    pub view: Option<crate::responses::views::ViewInfo>,
    /// When.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// `file_shared`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct FileShared {
    /// The file.
    pub file_id: String,
    /// Who shared it.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Where.
    #[serde(default)]
    pub channel_id: Option<String>,
    /// When.
    #[serde(default)]
    pub event_ts: Option<String>,
}

/// One link of a [`LinkShared`] event.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct SharedLink {
    /// The domain the app registered.
    pub domain: String,
    /// The URL.
    pub url: String,
}

/// `link_shared`: answer with `chat.unfurl`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct LinkShared {
    /// Where (`COMPOSER` while the message is being written).
    #[serde(default)]
    pub channel: String,
    /// Who posted.
    #[serde(default)]
    pub user: Option<String>,
    /// The message's timestamp (for `chat.unfurl`).
    #[serde(default)]
    pub message_ts: String,
    /// The unfurl id, when the link is unfurled in the composer.
    #[serde(default)]
    pub unfurl_id: Option<String>,
    /// `composer` or `conversations_history`.
    #[serde(default)]
    pub source: Option<String>,
    /// The links.
    #[serde(default)]
    pub links: Vec<SharedLink>,
}

#[derive(Deserialize)]
struct CallbackWire<'a> {
    #[serde(default)]
    team_id: Option<String>,
    #[serde(default)]
    enterprise_id: Option<String>,
    #[serde(default)]
    api_app_id: Option<String>,
    #[serde(default)]
    event_id: String,
    #[serde(default, deserialize_with = "crate::types::de::opt_int")]
    event_time: Option<i64>,
    #[serde(default)]
    authorizations: Vec<Authorization>,
    #[serde(default)]
    is_ext_shared_channel: bool,
    #[serde(borrow)]
    event: &'a RawValue,
}

/// Decode an Events API body (or a Socket Mode `events_api` payload).
pub fn decode_events_api(json: &str) -> Result<EventsApiPayload, PayloadError> {
    let kind = type_of(json)?;
    match kind.as_str() {
        "event_callback" => {
            let w: CallbackWire<'_> =
                serde_json::from_str(json).map_err(|e| PayloadError::new(&kind, e))?;
            let event = Event::decode(w.event.get())?;
            Ok(EventsApiPayload::Callback(Box::new(EventCallback {
                team_id: w.team_id,
                enterprise_id: w.enterprise_id,
                api_app_id: w.api_app_id,
                event_id: w.event_id,
                event_time: w.event_time.unwrap_or(0),
                authorizations: w.authorizations,
                is_ext_shared_channel: w.is_ext_shared_channel,
                event,
            })))
        }
        "url_verification" => {
            #[derive(Deserialize)]
            struct W {
                challenge: String,
            }
            let w: W = serde_json::from_str(json).map_err(|e| PayloadError::new(&kind, e))?;
            Ok(EventsApiPayload::UrlVerification {
                challenge: w.challenge,
            })
        }
        "app_rate_limited" => {
            #[derive(Deserialize)]
            struct W {
                #[serde(default, deserialize_with = "crate::types::de::opt_int")]
                minute_rate_limited: Option<i64>,
                #[serde(default)]
                team_id: String,
            }
            let w: W = serde_json::from_str(json).map_err(|e| PayloadError::new(&kind, e))?;
            Ok(EventsApiPayload::AppRateLimited {
                minute_rate_limited: w.minute_rate_limited.unwrap_or(0),
                team_id: w.team_id,
            })
        }
        _ => Ok(EventsApiPayload::Other { kind }),
    }
}
