//! Select menus: static, external, users, conversations and channels, single and multi.

use serde::{Deserialize, Serialize};

use super::text::{ConfirmDialog, ConversationFilter, OptionGroup, OptionObject, Text};

/// Declares a select struct: the fields every select has (`action_id`, `confirm`,
/// `focus_on_load`, `placeholder`) and its own, with setters for all of them.
macro_rules! select {
    (
        $(#[$doc:meta])*
        $name:ident {
            $( $(#[$fdoc:meta])* $field:ident : $ty:ty => $kind:ident $(<$t:ty>)? , )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
        #[non_exhaustive]
        pub struct $name {
            /// Identifies the action in the payload (up to 255 characters).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub action_id: Option<String>,
            $(
                $(#[$fdoc])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$ty>,
            )*
            /// A dialog to confirm a choice.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub confirm: Option<ConfirmDialog>,
            /// Focus the element when the view opens (one element per view).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub focus_on_load: Option<bool>,
            /// Shown before a choice (plain text, up to 150 characters).
            #[serde(default, skip_serializing_if = "Option::is_none")]
            pub placeholder: Option<Text>,
        }

        impl $name {
            setters! {
                /// Identifies the action in the payload.
                action_id: string;
                $( $(#[$fdoc])* $field: $kind $(<$t>)?; )*
                /// A dialog to confirm a choice.
                confirm: into<ConfirmDialog>;
                /// Focus the element when the view opens.
                focus_on_load: bool;
                /// Shown before a choice.
                placeholder: plain;
            }
        }
    };
}

// ===== Static =====

select! {
    /// `static_select`: one of a fixed list of options, or of option groups.
    ///
    /// ```
    /// use slack_core::blocks::{OptionObject, StaticSelect};
    ///
    /// let s = StaticSelect::new("env", [OptionObject::new("Staging", "staging")])
    ///     .placeholder("Environment");
    /// assert_eq!(serde_json::to_value(&s).unwrap()["options"][0]["value"], "staging");
    /// ```
    StaticSelect {
        /// The options (up to 100; or `option_groups`).
        options: Vec<OptionObject> => into<Vec<OptionObject>>,
        /// Groups of options (up to 100; or `options`).
        option_groups: Vec<OptionGroup> => into<Vec<OptionGroup>>,
        /// The option selected at first.
        initial_option: OptionObject => into<OptionObject>,
    }
}

impl StaticSelect {
    /// A select of `options`, identified by `action_id`.
    pub fn new(action_id: impl Into<String>, options: impl Into<Vec<OptionObject>>) -> Self {
        StaticSelect::default()
            .action_id(action_id)
            .options(options)
    }

    /// A select of option groups, identified by `action_id`.
    pub fn with_groups(action_id: impl Into<String>, groups: impl Into<Vec<OptionGroup>>) -> Self {
        StaticSelect::default()
            .action_id(action_id)
            .option_groups(groups)
    }
}

select! {
    /// `multi_static_select`: any of a fixed list of options, or of option groups.
    MultiStaticSelect {
        /// The options (up to 100; or `option_groups`).
        options: Vec<OptionObject> => into<Vec<OptionObject>>,
        /// Groups of options (up to 100; or `options`).
        option_groups: Vec<OptionGroup> => into<Vec<OptionGroup>>,
        /// The options selected at first.
        initial_options: Vec<OptionObject> => into<Vec<OptionObject>>,
        /// Most options the user may select.
        max_selected_items: u32 => into<u32>,
    }
}

impl MultiStaticSelect {
    /// A multi-select of `options`, identified by `action_id`.
    pub fn new(action_id: impl Into<String>, options: impl Into<Vec<OptionObject>>) -> Self {
        MultiStaticSelect::default()
            .action_id(action_id)
            .options(options)
    }

    /// A multi-select of option groups, identified by `action_id`.
    pub fn with_groups(action_id: impl Into<String>, groups: impl Into<Vec<OptionGroup>>) -> Self {
        MultiStaticSelect::default()
            .action_id(action_id)
            .option_groups(groups)
    }
}

// ===== External =====

select! {
    /// `external_select`: options loaded from the app's options load URL as the user types.
    ExternalSelect {
        /// The option selected at first.
        initial_option: OptionObject => into<OptionObject>,
        /// Characters typed before the app is asked (Slack's default: 3).
        min_query_length: u32 => into<u32>,
    }
}

select! {
    /// `multi_external_select`: several options loaded from the app as the user types.
    MultiExternalSelect {
        /// The options selected at first.
        initial_options: Vec<OptionObject> => into<Vec<OptionObject>>,
        /// Characters typed before the app is asked (Slack's default: 3).
        min_query_length: u32 => into<u32>,
        /// Most options the user may select.
        max_selected_items: u32 => into<u32>,
    }
}

// ===== Users =====

select! {
    /// `users_select`: one user of the workspace.
    UsersSelect {
        /// The user selected at first (`U…`).
        initial_user: String => string,
    }
}

select! {
    /// `multi_users_select`: several users of the workspace.
    MultiUsersSelect {
        /// The users selected at first.
        initial_users: Vec<String> => into<Vec<String>>,
        /// Most users the user may select.
        max_selected_items: u32 => into<u32>,
    }
}

// ===== Conversations =====

select! {
    /// `conversations_select`: one conversation (channel, DM or group DM).
    ///
    /// ```
    /// use slack_core::blocks::{ConversationFilter, ConversationKind, ConversationsSelect};
    ///
    /// let s = ConversationsSelect::new("where")
    ///     .default_to_current_conversation(true)
    ///     .response_url_enabled(true)
    ///     .filter(ConversationFilter::new().include([ConversationKind::Public]));
    /// assert_eq!(serde_json::to_value(&s).unwrap()["filter"]["include"][0], "public");
    /// ```
    ConversationsSelect {
        /// The conversation selected at first.
        initial_conversation: String => string,
        /// Select the conversation the view was opened from (overrides
        /// `initial_conversation`).
        default_to_current_conversation: bool => bool,
        /// Include a `response_url` for the selected conversation in the submission (modals
        /// with this select in an input block only).
        response_url_enabled: bool => bool,
        /// Which conversations are offered.
        filter: ConversationFilter => into<ConversationFilter>,
    }
}

select! {
    /// `multi_conversations_select`: several conversations.
    MultiConversationsSelect {
        /// The conversations selected at first.
        initial_conversations: Vec<String> => into<Vec<String>>,
        /// Select the conversation the view was opened from.
        default_to_current_conversation: bool => bool,
        /// Most conversations the user may select.
        max_selected_items: u32 => into<u32>,
        /// Which conversations are offered.
        filter: ConversationFilter => into<ConversationFilter>,
    }
}

// ===== Channels =====

select! {
    /// `channels_select`: one public channel.
    ChannelsSelect {
        /// The channel selected at first.
        initial_channel: String => string,
        /// Include a `response_url` for the selected channel in the submission (modals with
        /// this select in an input block only).
        response_url_enabled: bool => bool,
    }
}

select! {
    /// `multi_channels_select`: several public channels.
    MultiChannelsSelect {
        /// The channels selected at first.
        initial_channels: Vec<String> => into<Vec<String>>,
        /// Most channels the user may select.
        max_selected_items: u32 => into<u32>,
    }
}

/// `new(action_id)` for selects whose options come from Slack or the app.
macro_rules! new_with_action_id {
    ($($name:ident: $what:literal),* $(,)?) => {
        $(
            impl $name {
                #[doc = concat!("A ", $what, " identified by `action_id`.")]
                pub fn new(action_id: impl Into<String>) -> Self {
                    $name::default().action_id(action_id)
                }
            }
        )*
    };
}

new_with_action_id!(
    ExternalSelect: "select of external options",
    MultiExternalSelect: "multi-select of external options",
    UsersSelect: "user select",
    MultiUsersSelect: "multi-user select",
    ConversationsSelect: "conversation select",
    MultiConversationsSelect: "multi-conversation select",
    ChannelsSelect: "channel select",
    MultiChannelsSelect: "multi-channel select",
);
