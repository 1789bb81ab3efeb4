//! Round trips against Slack-shaped JSON fixtures, builders, unknown types and limits.

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};

use super::*;
use crate::Error;

/// Parse `sample` as `T` and serialise it back: the JSON must be unchanged.
fn round_trip<T: Serialize + DeserializeOwned + std::fmt::Debug>(sample: &str) -> T {
    let expected: Value = serde_json::from_str(sample).unwrap();
    let typed: T = serde_json::from_str(sample).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), expected, "{typed:?}");
    typed
}

/// The field of a validation error.
fn field_of(e: Error) -> String {
    match e {
        Error::Validation { field, .. } => field,
        other => panic!("not a validation error: {other:?}"),
    }
}

// ===== Fixtures: blocks =====

const SECTION: &str = r#"{
  "type": "section",
  "block_id": "section567",
  "text": {"type": "mrkdwn", "text": "<https://example.com|Overlook Hotel> \n :star: \n Doors had too many axe holes, guest in room 237 was far too rowdy, whole place felt stuck in the 1920s.", "verbatim": false},
  "accessory": {"type": "image", "image_url": "https://is5-ssl.mzstatic.com/image/thumb/Purple3/v4/d3/72/5c/d3725c8f-c642-5d69-1904-aa36e4297885/source/256x256bb.jpg", "alt_text": "Haunted hotel image"},
  "expand": true
}"#;

const SECTION_FIELDS: &str = r#"{
  "type": "section",
  "text": {"type": "plain_text", "text": "This is a plain text section block.", "emoji": true},
  "fields": [
    {"type": "plain_text", "text": "*this is plain_text text*", "emoji": true},
    {"type": "mrkdwn", "text": "*this is mrkdwn text*"}
  ]
}"#;

const ACTIONS: &str = r#"{
  "type": "actions",
  "block_id": "actionblock789",
  "elements": [
    {"type": "button", "text": {"type": "plain_text", "text": "Primary Button"}, "style": "primary", "value": "click_me_456"},
    {"type": "button", "text": {"type": "plain_text", "text": "Link Button"}, "url": "https://api.slack.com/block-kit/building"}
  ]
}"#;

const CONTEXT: &str = r#"{
  "type": "context",
  "elements": [
    {"type": "image", "image_url": "https://image.freepik.com/free-photo/red-drawing-pin_1156-445.jpg", "alt_text": "images"},
    {"type": "mrkdwn", "text": "Location: **Dogpatch**"},
    {"type": "plain_text", "text": "Author: K A Applegate", "emoji": true}
  ]
}"#;

const DIVIDER: &str = r#"{"type": "divider", "block_id": "d1"}"#;

const HEADER: &str = r#"{"type": "header", "text": {"type": "plain_text", "text": "A Heartfelt Header", "emoji": true}}"#;

const IMAGE: &str = r#"{
  "type": "image",
  "title": {"type": "plain_text", "text": "Please enjoy this photo of a kitten"},
  "block_id": "image4",
  "image_url": "http://placekitten.com/500/500",
  "alt_text": "An incredibly cute kitten."
}"#;

const IMAGE_SLACK_FILE: &str = r#"{
  "type": "image",
  "title": {"type": "plain_text", "text": "Please enjoy this photo of a kitten"},
  "block_id": "image4",
  "slack_file": {"url": "https://files.slack.com/files-pri/T0123456-F0123456/xyz.png"},
  "alt_text": "An incredibly cute kitten."
}"#;

const INPUT: &str = r#"{
  "type": "input",
  "block_id": "in1",
  "label": {"type": "plain_text", "text": "Label", "emoji": true},
  "element": {"type": "plain_text_input", "action_id": "plain_input", "placeholder": {"type": "plain_text", "text": "Enter some plain text"}},
  "hint": {"type": "plain_text", "text": "Hint text"},
  "optional": true,
  "dispatch_action": false
}"#;

const RICH_TEXT: &str = r##"{
  "type": "rich_text",
  "block_id": "rt1",
  "elements": [
    {"type": "rich_text_section", "elements": [
      {"type": "text", "text": "Hello there, "},
      {"type": "text", "text": "I am a bold rich text block!", "style": {"bold": true}},
      {"type": "text", "text": " and ", "style": {"italic": true, "strike": true, "code": true}},
      {"type": "link", "url": "https://slack.com", "text": "a link", "style": {"bold": true}},
      {"type": "emoji", "name": "basketball", "unicode": "1f3c0"},
      {"type": "user", "user_id": "U123ABC456", "style": {"highlight": true}},
      {"type": "channel", "channel_id": "C123ABC456"},
      {"type": "usergroup", "usergroup_id": "G123ABC456"},
      {"type": "broadcast", "range": "everyone"},
      {"type": "date", "timestamp": 1720710212, "format": "{date_num} at {time}", "fallback": "timey"},
      {"type": "color", "value": "#F405B3"}
    ]},
    {"type": "rich_text_list", "style": "ordered", "indent": 1, "offset": 2, "border": 1, "elements": [
      {"type": "rich_text_section", "elements": [{"type": "text", "text": "Huddles"}]},
      {"type": "rich_text_section", "elements": [{"type": "text", "text": "Canvas"}]}
    ]},
    {"type": "rich_text_preformatted", "border": 0, "elements": [{"type": "text", "text": "{\n  \"object\": {\n    \"description\": \"this is an example of a json object\"\n  }\n}"}]},
    {"type": "rich_text_quote", "elements": [{"type": "text", "text": "What we need is good examples in our documentation."}]}
  ]
}"##;

const VIDEO: &str = r#"{
  "type": "video",
  "title": {"type": "plain_text", "text": "How to use Slack.", "emoji": true},
  "title_url": "https://www.youtube.com/watch?v=RRxQQxiM7AA",
  "description": {"type": "plain_text", "text": "Slack is a new way to communicate with your team. It's faster, better organized and more secure than email.", "emoji": true},
  "video_url": "https://www.youtube.com/embed/RRxQQxiM7AA?feature=oembed&autoplay=1",
  "alt_text": "How to use Slack?",
  "thumbnail_url": "https://i.ytimg.com/vi/RRxQQxiM7AA/hqdefault.jpg",
  "author_name": "Arcado Buendia",
  "provider_name": "YouTube",
  "provider_icon_url": "https://a.slack-edge.com/80588/img/unfurl_icons/youtube.png"
}"#;

const FILE: &str = r#"{"type": "file", "external_id": "ABCD1", "source": "remote"}"#;

const MARKDOWN: &str =
    r#"{"type": "markdown", "text": "**Lots of information here!!**", "block_id": "md"}"#;

// ===== Fixtures: elements =====

const CONFIRM: &str = r#"{
  "title": {"type": "plain_text", "text": "Are you sure?"},
  "text": {"type": "mrkdwn", "text": "Wouldn't you prefer a good game of _chess_?"},
  "confirm": {"type": "plain_text", "text": "Do it"},
  "deny": {"type": "plain_text", "text": "Stop, I've changed my mind!"},
  "style": "danger"
}"#;

const BUTTON: &str = r#"{
  "type": "button",
  "text": {"type": "plain_text", "text": "Click Me"},
  "value": "click_me_123",
  "action_id": "button",
  "style": "danger",
  "accessibility_label": "Click to start",
  "confirm": {
    "title": {"type": "plain_text", "text": "Are you sure?"},
    "text": {"type": "mrkdwn", "text": "Wouldn't you prefer a good game of _chess_?"},
    "confirm": {"type": "plain_text", "text": "Do it"},
    "deny": {"type": "plain_text", "text": "Stop, I've changed my mind!"}
  }
}"#;

const CHECKBOXES: &str = r#"{
  "type": "checkboxes",
  "action_id": "this_is_an_action_id",
  "initial_options": [{"value": "A1", "text": {"type": "plain_text", "text": "Checkbox 1"}}],
  "options": [
    {"value": "A1", "text": {"type": "plain_text", "text": "Checkbox 1"}},
    {"value": "A2", "text": {"type": "mrkdwn", "text": "*Checkbox 2*"}, "description": {"type": "plain_text", "text": "A description"}}
  ],
  "focus_on_load": true
}"#;

const DATEPICKER: &str = r#"{
  "type": "datepicker",
  "action_id": "datepicker123",
  "initial_date": "1990-04-28",
  "placeholder": {"type": "plain_text", "text": "Select a date"}
}"#;

const DATETIMEPICKER: &str = r#"{"type": "datetimepicker", "action_id": "datetimepicker-action", "initial_date_time": 1628633820}"#;

const TIMEPICKER: &str = r#"{
  "type": "timepicker",
  "action_id": "timepicker123",
  "initial_time": "11:40",
  "timezone": "America/Los_Angeles",
  "placeholder": {"type": "plain_text", "text": "Select a time"}
}"#;

const EMAIL_INPUT: &str = r#"{
  "type": "email_text_input",
  "action_id": "email_text_input-action",
  "initial_value": "ada@example.com",
  "placeholder": {"type": "plain_text", "text": "Enter an email"},
  "dispatch_action_config": {"trigger_actions_on": ["on_enter_pressed"]}
}"#;

const NUMBER_INPUT: &str = r#"{
  "type": "number_input",
  "is_decimal_allowed": true,
  "action_id": "number_input-action",
  "initial_value": "0.5",
  "min_value": "0",
  "max_value": "10.5"
}"#;

const URL_INPUT: &str =
    r#"{"type": "url_text_input", "action_id": "url_text_input-action", "focus_on_load": false}"#;

const PLAIN_TEXT_INPUT: &str = r#"{
  "type": "plain_text_input",
  "action_id": "plain_text_input-action",
  "initial_value": "hello",
  "multiline": true,
  "min_length": 1,
  "max_length": 500,
  "dispatch_action_config": {"trigger_actions_on": ["on_character_entered", "on_enter_pressed"]}
}"#;

const RICH_TEXT_INPUT: &str = r#"{
  "type": "rich_text_input",
  "action_id": "rich_text_input-action",
  "initial_value": {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "Hi "}, {"type": "text", "text": "there", "style": {"bold": true}}]}]},
  "placeholder": {"type": "plain_text", "text": "Write something"}
}"#;

const FILE_INPUT: &str = r#"{"type": "file_input", "action_id": "file_input_action_id_1", "filetypes": ["jpg", "png"], "max_files": 5}"#;

const IMAGE_ELEMENT: &str = r#"{"type": "image", "image_url": "http://placekitten.com/700/500", "alt_text": "Multiple cute kittens"}"#;

const IMAGE_ELEMENT_FILE: &str =
    r#"{"type": "image", "slack_file": {"id": "F0123456"}, "alt_text": "A file"}"#;

const OVERFLOW: &str = r#"{
  "type": "overflow",
  "action_id": "overflow",
  "options": [
    {"text": {"type": "plain_text", "text": "*this is plain_text text*"}, "value": "value-0"},
    {"text": {"type": "plain_text", "text": "Docs"}, "value": "value-1", "url": "https://api.slack.com"}
  ]
}"#;

const RADIO_BUTTONS: &str = r#"{
  "type": "radio_buttons",
  "action_id": "this_is_an_action_id",
  "initial_option": {"value": "A1", "text": {"type": "plain_text", "text": "Radio 1"}},
  "options": [
    {"value": "A1", "text": {"type": "plain_text", "text": "Radio 1"}},
    {"value": "A2", "text": {"type": "plain_text", "text": "Radio 2"}}
  ]
}"#;

const STATIC_SELECT: &str = r#"{
  "type": "static_select",
  "action_id": "text1234",
  "placeholder": {"type": "plain_text", "text": "Select an item"},
  "options": [
    {"text": {"type": "plain_text", "text": "*this is plain_text text*"}, "value": "value-0"},
    {"text": {"type": "plain_text", "text": "*this is plain_text text*"}, "value": "value-1"}
  ],
  "initial_option": {"text": {"type": "plain_text", "text": "*this is plain_text text*"}, "value": "value-0"}
}"#;

const STATIC_SELECT_GROUPS: &str = r#"{
  "type": "static_select",
  "action_id": "groups",
  "option_groups": [
    {"label": {"type": "plain_text", "text": "Group 1"}, "options": [{"text": {"type": "plain_text", "text": "A"}, "value": "a"}]},
    {"label": {"type": "plain_text", "text": "Group 2"}, "options": [{"text": {"type": "plain_text", "text": "B"}, "value": "b"}]}
  ]
}"#;

const MULTI_STATIC_SELECT: &str = r#"{
  "type": "multi_static_select",
  "action_id": "text1234",
  "placeholder": {"type": "plain_text", "text": "Select items"},
  "options": [
    {"text": {"type": "plain_text", "text": "A"}, "value": "a"},
    {"text": {"type": "plain_text", "text": "B"}, "value": "b"}
  ],
  "initial_options": [{"text": {"type": "plain_text", "text": "A"}, "value": "a"}],
  "max_selected_items": 2
}"#;

const EXTERNAL_SELECT: &str = r#"{
  "type": "external_select",
  "action_id": "text1234",
  "placeholder": {"type": "plain_text", "text": "Select an item"},
  "min_query_length": 3,
  "initial_option": {"text": {"type": "plain_text", "text": "Loaded"}, "value": "l"}
}"#;

const MULTI_EXTERNAL_SELECT: &str = r#"{
  "type": "multi_external_select",
  "action_id": "text1234",
  "placeholder": {"type": "plain_text", "text": "Select items"},
  "min_query_length": 3,
  "max_selected_items": 4
}"#;

const USERS_SELECT: &str = r#"{
  "type": "users_select",
  "action_id": "text1234",
  "placeholder": {"type": "plain_text", "text": "Select an item"},
  "initial_user": "U0123456"
}"#;

const MULTI_USERS_SELECT: &str = r#"{
  "type": "multi_users_select",
  "action_id": "text1234",
  "initial_users": ["U0123456", "U6543210"],
  "max_selected_items": 3
}"#;

const CONVERSATIONS_SELECT: &str = r#"{
  "type": "conversations_select",
  "action_id": "text1234",
  "placeholder": {"type": "plain_text", "text": "Select an item"},
  "initial_conversation": "C0123456",
  "default_to_current_conversation": true,
  "response_url_enabled": true,
  "filter": {"include": ["public", "mpim"], "exclude_external_shared_channels": true, "exclude_bot_users": true}
}"#;

const MULTI_CONVERSATIONS_SELECT: &str = r#"{
  "type": "multi_conversations_select",
  "action_id": "text1234",
  "initial_conversations": ["C0123456"],
  "default_to_current_conversation": false,
  "max_selected_items": 5,
  "filter": {"include": ["im", "private"]}
}"#;

const CHANNELS_SELECT: &str = r#"{
  "type": "channels_select",
  "action_id": "text1234",
  "placeholder": {"type": "plain_text", "text": "Select an item"},
  "initial_channel": "C0123456",
  "response_url_enabled": true
}"#;

const MULTI_CHANNELS_SELECT: &str = r#"{
  "type": "multi_channels_select",
  "action_id": "text1234",
  "initial_channels": ["C0123456", "C6543210"],
  "max_selected_items": 2
}"#;

const WORKFLOW_BUTTON: &str = r#"{
  "type": "workflow_button",
  "text": {"type": "plain_text", "text": "Run Workflow"},
  "action_id": "workflowbutton123",
  "style": "primary",
  "accessibility_label": "Run the workflow",
  "workflow": {"trigger": {
    "url": "https://slack.com/shortcuts/Ft0123ABC456/321...zyx",
    "customizable_input_parameters": [
      {"name": "input_parameter_a", "value": "Value for input param A"},
      {"name": "input_parameter_b", "value": "Value for input param B"}
    ]
  }}
}"#;

// ===== Fixtures: views =====

const MODAL: &str = r#"{
  "type": "modal",
  "title": {"type": "plain_text", "text": "Modal title"},
  "blocks": [
    {"type": "section", "text": {"type": "mrkdwn", "text": "It's Block Kit...but _in a modal_"}, "block_id": "section1",
     "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Click me"}, "action_id": "button_abc", "value": "Button value", "style": "danger"}},
    {"type": "input", "label": {"type": "plain_text", "text": "Input label"},
     "element": {"type": "plain_text_input", "action_id": "input1", "placeholder": {"type": "plain_text", "text": "Type in here"}, "multiline": false},
     "optional": false}
  ],
  "close": {"type": "plain_text", "text": "Cancel"},
  "submit": {"type": "plain_text", "text": "Save"},
  "private_metadata": "Shhhhhhhh",
  "callback_id": "view_identifier_12",
  "clear_on_close": true,
  "notify_on_close": true,
  "external_id": "booking-42",
  "submit_disabled": false
}"#;

const HOME: &str = r#"{
  "type": "home",
  "blocks": [
    {"type": "header", "text": {"type": "plain_text", "text": "Welcome home"}},
    {"type": "divider"}
  ],
  "callback_id": "home",
  "private_metadata": "m"
}"#;

// ===== Round trips =====

#[test]
fn every_block_round_trips() {
    let cases: &[(&str, &str)] = &[
        (SECTION, "section"),
        (SECTION_FIELDS, "section"),
        (ACTIONS, "actions"),
        (CONTEXT, "context"),
        (DIVIDER, "divider"),
        (HEADER, "header"),
        (IMAGE, "image"),
        (IMAGE_SLACK_FILE, "image"),
        (INPUT, "input"),
        (RICH_TEXT, "rich_text"),
        (VIDEO, "video"),
        (FILE, "file"),
        (MARKDOWN, "markdown"),
    ];
    for (sample, kind) in cases {
        let b: Block = round_trip(sample);
        assert!(!matches!(b, Block::Other(_)), "{sample}");
        assert_eq!(b.kind(), *kind);
        b.validate().unwrap();
    }
}

#[test]
fn every_element_round_trips() {
    let cases: &[(&str, &str)] = &[
        (BUTTON, "button"),
        (CHECKBOXES, "checkboxes"),
        (DATEPICKER, "datepicker"),
        (DATETIMEPICKER, "datetimepicker"),
        (TIMEPICKER, "timepicker"),
        (EMAIL_INPUT, "email_text_input"),
        (NUMBER_INPUT, "number_input"),
        (URL_INPUT, "url_text_input"),
        (PLAIN_TEXT_INPUT, "plain_text_input"),
        (RICH_TEXT_INPUT, "rich_text_input"),
        (FILE_INPUT, "file_input"),
        (IMAGE_ELEMENT, "image"),
        (IMAGE_ELEMENT_FILE, "image"),
        (OVERFLOW, "overflow"),
        (RADIO_BUTTONS, "radio_buttons"),
        (STATIC_SELECT, "static_select"),
        (STATIC_SELECT_GROUPS, "static_select"),
        (MULTI_STATIC_SELECT, "multi_static_select"),
        (EXTERNAL_SELECT, "external_select"),
        (MULTI_EXTERNAL_SELECT, "multi_external_select"),
        (USERS_SELECT, "users_select"),
        (MULTI_USERS_SELECT, "multi_users_select"),
        (CONVERSATIONS_SELECT, "conversations_select"),
        (MULTI_CONVERSATIONS_SELECT, "multi_conversations_select"),
        (CHANNELS_SELECT, "channels_select"),
        (MULTI_CHANNELS_SELECT, "multi_channels_select"),
        (WORKFLOW_BUTTON, "workflow_button"),
    ];
    for (sample, kind) in cases {
        let e: Element = round_trip(sample);
        assert!(!matches!(e, Element::Other(_)), "{sample}");
        assert_eq!(e.kind(), *kind);
        e.validate().unwrap();
    }
}

#[test]
fn composition_objects_round_trip() {
    let c: ConfirmDialog = round_trip(CONFIRM);
    assert_eq!(c.style, Some(ButtonStyle::Danger));
    let t: Text = round_trip(r#"{"type": "mrkdwn", "text": "*hi*", "verbatim": true}"#);
    assert!(!t.is_plain());
    let t: Text = round_trip(r#"{"type": "plain_text", "text": "hi", "emoji": false}"#);
    assert_eq!(t.text(), "hi");
    let o: OptionObject = round_trip(
        r#"{"text": {"type": "plain_text", "text": "A"}, "value": "a", "description": {"type": "plain_text", "text": "d"}, "url": "https://example.com"}"#,
    );
    assert_eq!(o.value, "a");
    let g: OptionGroup = round_trip(
        r#"{"label": {"type": "plain_text", "text": "G"}, "options": [{"text": {"type": "plain_text", "text": "A"}, "value": "a"}]}"#,
    );
    assert_eq!(g.options.len(), 1);
    let d: DispatchActionConfig =
        round_trip(r#"{"trigger_actions_on": ["on_enter_pressed", "on_character_entered"]}"#);
    assert_eq!(d.trigger_actions_on.len(), 2);
    let f: ConversationFilter = round_trip(
        r#"{"include": ["im", "mpim", "private", "public"], "exclude_external_shared_channels": false, "exclude_bot_users": true}"#,
    );
    assert_eq!(f.include.map(|i| i.len()), Some(4));
    let s: SlackFile = round_trip(r#"{"url": "https://files.slack.com/x.png"}"#);
    assert_eq!(s, SlackFile::url("https://files.slack.com/x.png"));
    let s: SlackFile = round_trip(r#"{"id": "F1"}"#);
    assert_eq!(s, SlackFile::id("F1"));
    let w: Workflow = round_trip(
        r#"{"trigger": {"url": "https://slack.com/shortcuts/Ft1/abc", "customizable_input_parameters": [{"name": "a", "value": "b"}]}}"#,
    );
    assert_eq!(
        w,
        Workflow::new("https://slack.com/shortcuts/Ft1/abc").input_parameter("a", "b")
    );
    let t: Trigger = round_trip(r#"{"url": "https://slack.com/shortcuts/Ft1/abc"}"#);
    assert_eq!(t.customizable_input_parameters, None);
}

#[test]
fn views_round_trip() {
    let modal: View = round_trip(MODAL);
    assert_eq!(modal.kind, ViewKind::Modal);
    assert!(matches!(modal.blocks[1], Block::Input(_)));
    modal.validate().unwrap();
    let home: View = round_trip(HOME);
    assert_eq!(home.kind, ViewKind::Home);
    home.validate().unwrap();
}

#[test]
fn a_whole_message_round_trips() {
    let message = format!("[{SECTION}, {DIVIDER}, {ACTIONS}, {CONTEXT}, {RICH_TEXT}, {HEADER}]");
    let blocks: Vec<Block> = round_trip(&message);
    assert_eq!(blocks.len(), 6);
    validate_message_blocks(&blocks, "blocks").unwrap();
}

// ===== Unknown types and fields =====

#[test]
fn unknown_types_survive_as_other() {
    let b: Block = round_trip(r#"{"type": "table", "rows": [[1, 2]], "block_id": "t"}"#);
    assert!(matches!(&b, Block::Other(v) if v["rows"][0][1] == 2));
    assert_eq!((b.kind(), b.block_id()), ("table", Some("t")));
    b.validate().unwrap();

    let e: Element = round_trip(r#"{"type": "icon_button", "icon": "trash", "action_id": "x"}"#);
    assert!(matches!(e, Element::Other(_)));
    assert_eq!(e.kind(), "icon_button");

    let c: ContextElement = round_trip(r#"{"type": "sparkle", "n": 1}"#);
    assert!(matches!(c, ContextElement::Other(_)));
    let r: RichTextElement = round_trip(r#"{"type": "rich_text_table", "rows": []}"#);
    assert!(matches!(r, RichTextElement::Other(_)));
    let i: RichTextInline = round_trip(r#"{"type": "team", "team_id": "T1"}"#);
    assert!(matches!(i, RichTextInline::Other(_)));

    // An unknown element inside a known block keeps the block typed.
    let s: Block = round_trip(
        r#"{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "accessory": {"type": "icon_button", "icon": "trash"}}"#,
    );
    assert!(
        matches!(
            &s,
            Block::Section(SectionBlock {
                accessory: Some(Element::Other(_)),
                ..
            })
        ),
        "{s:?}"
    );
    // A known type with a shape that does not match is kept as JSON rather than failing.
    let odd: Block = round_trip(r#"{"type": "header", "text": 42}"#);
    assert!(matches!(odd, Block::Other(_)));
}

#[test]
fn unknown_fields_are_tolerated() {
    let b: Block = serde_json::from_str(r#"{"type": "button_row", "x": 1}"#).unwrap();
    assert!(matches!(b, Block::Other(_)));
    let b: Block = serde_json::from_str(
        r#"{"type": "divider", "block_id": "d", "brand_new_field": {"nested": true}}"#,
    )
    .unwrap();
    assert_eq!(b, DividerBlock::new().block_id("d").into());
    let e: Element = serde_json::from_str(
        r#"{"type": "button", "text": {"type": "plain_text", "text": "Go", "sparkle": 1}, "action_id": "go", "new": 2}"#,
    )
    .unwrap();
    assert_eq!(e, Button::new("Go", "go").into());
    let v: View =
        serde_json::from_str(r#"{"type": "home", "blocks": [], "id": "V1", "hash": "h"}"#).unwrap();
    assert_eq!(v, View::home());
}

// ===== Builders =====

#[test]
fn builders_produce_the_documented_json() {
    let blocks: Vec<Block> = vec![
        Block::header("Hi"),
        SectionBlock::new(Text::mrkdwn("*Hi*").verbatim(true))
            .block_id("s")
            .accessory(
                Button::new("Go", "go")
                    .value("1")
                    .primary()
                    .accessibility_label("Go now"),
            )
            .into(),
        SectionBlock::from_fields([Text::plain("a").emoji(true)])
            .field(Text::mrkdwn("b"))
            .into(),
        Block::divider(),
        Block::context(vec![
            Text::mrkdwn("small").into(),
            ImageElement::new("https://example.com/i.png", "i").into(),
        ]),
        ImageBlock::new("https://example.com/a.png", "a")
            .title("A")
            .into(),
        ImageBlock::from_slack_file(SlackFile::id("F1"), "f").into(),
        InputBlock::new("Name", PlainTextInput::new("name").multiline(true))
            .hint("Full name")
            .optional(true)
            .dispatch_action(true)
            .into(),
        Block::actions(vec![
            Overflow::new(
                "more",
                [OptionObject::new("Docs", "docs").url("https://example.com")],
            )
            .into(),
            DatePicker::new("day").initial_date("2024-01-31").into(),
        ]),
        VideoBlock::new(
            "T",
            "https://v.example.com/e",
            "https://v.example.com/t.png",
            "alt",
        )
        .author_name("Ada")
        .into(),
        FileBlock::new("ext1").into(),
        Block::markdown("**bold**"),
    ];
    assert_eq!(
        serde_json::to_value(&blocks).unwrap(),
        json!([
            {"type": "header", "text": {"type": "plain_text", "text": "Hi"}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Hi*", "verbatim": true}, "block_id": "s",
             "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Go"}, "action_id": "go", "value": "1",
                           "style": "primary", "accessibility_label": "Go now"}},
            {"type": "section", "fields": [{"type": "plain_text", "text": "a", "emoji": true}, {"type": "mrkdwn", "text": "b"}]},
            {"type": "divider"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "small"}, {"type": "image", "image_url": "https://example.com/i.png", "alt_text": "i"}]},
            {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "a", "title": {"type": "plain_text", "text": "A"}},
            {"type": "image", "slack_file": {"id": "F1"}, "alt_text": "f"},
            {"type": "input", "label": {"type": "plain_text", "text": "Name"}, "hint": {"type": "plain_text", "text": "Full name"},
             "optional": true, "dispatch_action": true,
             "element": {"type": "plain_text_input", "action_id": "name", "multiline": true}},
            {"type": "actions", "elements": [
                {"type": "overflow", "action_id": "more", "options": [{"text": {"type": "plain_text", "text": "Docs"}, "value": "docs", "url": "https://example.com"}]},
                {"type": "datepicker", "action_id": "day", "initial_date": "2024-01-31"}
            ]},
            {"type": "video", "title": {"type": "plain_text", "text": "T"}, "video_url": "https://v.example.com/e",
             "thumbnail_url": "https://v.example.com/t.png", "alt_text": "alt", "author_name": "Ada"},
            {"type": "file", "external_id": "ext1", "source": "remote"},
            {"type": "markdown", "text": "**bold**"}
        ])
    );
}

#[test]
fn element_builders_produce_the_documented_json() {
    let opt = |t: &str| OptionObject::new(t, t);
    let elements: Vec<Element> = vec![
        Checkboxes::new("cb", [opt("a"), opt("b")])
            .initial_options([opt("a")])
            .into(),
        RadioButtons::new("rb", [opt("a")])
            .initial_option(opt("a"))
            .focus_on_load(true)
            .into(),
        DatetimePicker::new("dt")
            .initial_date_time(1_628_633_820)
            .into(),
        TimePicker::new("tp")
            .initial_time("13:37")
            .timezone("Europe/Paris")
            .into(),
        EmailTextInput::new("em")
            .placeholder("you@example.com")
            .into(),
        UrlTextInput::new("url").into(),
        NumberInput::new("n", false)
            .min_value("1")
            .max_value("9")
            .into(),
        RichTextInput::new("rt")
            .initial_value(RichTextBlock::new([RichTextSection::new([
                RichTextInline::text("hi"),
            ])
            .into()]))
            .into(),
        FileInput::new("f")
            .filetypes(["pdf"])
            .max_files(2u32)
            .into(),
        StaticSelect::with_groups("g", [OptionGroup::new("G", [opt("x")])]).into(),
        MultiStaticSelect::new("m", [opt("x")])
            .max_selected_items(1u32)
            .into(),
        ExternalSelect::new("ext").min_query_length(0u32).into(),
        MultiExternalSelect::new("mext").into(),
        UsersSelect::new("u").initial_user("U1").into(),
        MultiUsersSelect::new("mu")
            .initial_users(vec!["U1".to_owned()])
            .into(),
        ConversationsSelect::new("c")
            .default_to_current_conversation(true)
            .filter(ConversationFilter::new().include([ConversationKind::Im]))
            .into(),
        MultiConversationsSelect::new("mc").into(),
        ChannelsSelect::new("ch").response_url_enabled(true).into(),
        MultiChannelsSelect::new("mch").into(),
        WorkflowButton::new("Run", Workflow::new("https://slack.com/shortcuts/Ft1/x"))
            .action_id("wf")
            .style(ButtonStyle::Danger)
            .into(),
    ];
    assert_eq!(
        serde_json::to_value(&elements).unwrap(),
        json!([
            {"type": "checkboxes", "action_id": "cb",
             "options": [{"text": {"type": "plain_text", "text": "a"}, "value": "a"}, {"text": {"type": "plain_text", "text": "b"}, "value": "b"}],
             "initial_options": [{"text": {"type": "plain_text", "text": "a"}, "value": "a"}]},
            {"type": "radio_buttons", "action_id": "rb", "options": [{"text": {"type": "plain_text", "text": "a"}, "value": "a"}],
             "initial_option": {"text": {"type": "plain_text", "text": "a"}, "value": "a"}, "focus_on_load": true},
            {"type": "datetimepicker", "action_id": "dt", "initial_date_time": 1_628_633_820},
            {"type": "timepicker", "action_id": "tp", "initial_time": "13:37", "timezone": "Europe/Paris"},
            {"type": "email_text_input", "action_id": "em", "placeholder": {"type": "plain_text", "text": "you@example.com"}},
            {"type": "url_text_input", "action_id": "url"},
            {"type": "number_input", "action_id": "n", "is_decimal_allowed": false, "min_value": "1", "max_value": "9"},
            {"type": "rich_text_input", "action_id": "rt", "initial_value": {"type": "rich_text", "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": "hi"}]}]}},
            {"type": "file_input", "action_id": "f", "filetypes": ["pdf"], "max_files": 2},
            {"type": "static_select", "action_id": "g", "option_groups": [
                {"label": {"type": "plain_text", "text": "G"}, "options": [{"text": {"type": "plain_text", "text": "x"}, "value": "x"}]}]},
            {"type": "multi_static_select", "action_id": "m", "options": [{"text": {"type": "plain_text", "text": "x"}, "value": "x"}], "max_selected_items": 1},
            {"type": "external_select", "action_id": "ext", "min_query_length": 0},
            {"type": "multi_external_select", "action_id": "mext"},
            {"type": "users_select", "action_id": "u", "initial_user": "U1"},
            {"type": "multi_users_select", "action_id": "mu", "initial_users": ["U1"]},
            {"type": "conversations_select", "action_id": "c", "default_to_current_conversation": true, "filter": {"include": ["im"]}},
            {"type": "multi_conversations_select", "action_id": "mc"},
            {"type": "channels_select", "action_id": "ch", "response_url_enabled": true},
            {"type": "multi_channels_select", "action_id": "mch"},
            {"type": "workflow_button", "text": {"type": "plain_text", "text": "Run"}, "action_id": "wf", "style": "danger",
             "workflow": {"trigger": {"url": "https://slack.com/shortcuts/Ft1/x"}}}
        ])
    );
}

#[test]
fn rich_text_builders_produce_the_documented_json() {
    let b = Block::rich_text([
        RichTextSection::new([
            RichTextInline::styled(
                "b",
                RichTextStyle::new().bold().italic().strike().underline(),
            ),
            RichTextInline::link("https://slack.com", "Slack"),
            RichTextInline::emoji("wave"),
            RichTextInline::channel("C1"),
            RichTextInline::usergroup("S1"),
            RichTextInline::broadcast(BroadcastRange::Here),
            RichTextInline::date(1, "{date}", "then"),
            RichTextInline::color("#000000"),
        ])
        .into(),
        RichTextList::ordered([RichTextSection::new([RichTextInline::text("one")])])
            .indent(1u32)
            .offset(3u32)
            .into(),
        RichTextPreformatted::new([RichTextInline::text("fn main() {}")])
            .language("rust")
            .into(),
        RichTextQuote::new([RichTextInline::text("q")])
            .border(1u32)
            .into(),
    ]);
    assert_eq!(
        b.to_json(),
        json!({"type": "rich_text", "elements": [
            {"type": "rich_text_section", "elements": [
                {"type": "text", "text": "b", "style": {"bold": true, "italic": true, "strike": true, "underline": true}},
                {"type": "link", "url": "https://slack.com", "text": "Slack"},
                {"type": "emoji", "name": "wave"},
                {"type": "channel", "channel_id": "C1"},
                {"type": "usergroup", "usergroup_id": "S1"},
                {"type": "broadcast", "range": "here"},
                {"type": "date", "timestamp": 1, "format": "{date}", "fallback": "then"},
                {"type": "color", "value": "#000000"}
            ]},
            {"type": "rich_text_list", "style": "ordered", "indent": 1, "offset": 3, "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": "one"}]}]},
            {"type": "rich_text_preformatted", "language": "rust", "elements": [{"type": "text", "text": "fn main() {}"}]},
            {"type": "rich_text_quote", "border": 1, "elements": [{"type": "text", "text": "q"}]}
        ]})
    );
}

#[test]
fn view_builders_produce_the_documented_json() {
    let modal = View::modal("Title")
        .submit("Go")
        .close("No")
        .private_metadata("m")
        .callback_id("cb")
        .clear_on_close(true)
        .notify_on_close(false)
        .external_id("e")
        .submit_disabled(true)
        .blocks(vec![Block::divider()]);
    assert_eq!(
        modal.to_json(),
        json!({"type": "modal", "title": {"type": "plain_text", "text": "Title"}, "blocks": [{"type": "divider"}],
               "submit": {"type": "plain_text", "text": "Go"}, "close": {"type": "plain_text", "text": "No"},
               "private_metadata": "m", "callback_id": "cb", "clear_on_close": true, "notify_on_close": false,
               "external_id": "e", "submit_disabled": true})
    );
    assert_eq!(
        View::home().to_json(),
        json!({"type": "home", "blocks": []})
    );
}

mod limits;
