//! Round trips against Slack-shaped JSON, builders, and limits.

use serde_json::{json, Value};

use super::*;

/// Deserialise `sample` as `T` and serialise back: the JSON must be unchanged.
fn round_trip<T: serde::Serialize + serde::de::DeserializeOwned + std::fmt::Debug>(
    sample: Value,
) -> T {
    let typed: T = serde_json::from_value(sample.clone()).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), sample, "{typed:?}");
    typed
}

#[test]
fn every_block_round_trips() {
    let samples = vec![
        json!({"type": "section", "text": {"type": "mrkdwn", "text": "A message *with some bold text*"}, "block_id": "s1",
               "accessory": {"type": "image", "image_url": "https://example.com/a.png", "alt_text": "cute cat"}}),
        json!({"type": "section", "fields": [{"type": "plain_text", "text": "*this is plain_text text*", "emoji": true}, {"type": "mrkdwn", "text": "*bold*", "verbatim": false}]}),
        json!({"type": "actions", "block_id": "actions1", "elements": [
            {"type": "button", "text": {"type": "plain_text", "text": "Cancel"}, "value": "cancel", "action_id": "button_1"},
            {"type": "static_select", "placeholder": {"type": "plain_text", "text": "Which witch is the witchiest witch?"}, "action_id": "select_2",
             "options": [{"text": {"type": "plain_text", "text": "Matilda"}, "value": "matilda"}, {"text": {"type": "plain_text", "text": "Glinda"}, "value": "glinda"}]}
        ]}),
        json!({"type": "context", "elements": [{"type": "image", "image_url": "https://example.com/i.png", "alt_text": "images"}, {"type": "mrkdwn", "text": "Location: **Dogpatch**"}]}),
        json!({"type": "divider"}),
        json!({"type": "header", "text": {"type": "plain_text", "text": "Budget Performance"}}),
        json!({"type": "image", "title": {"type": "plain_text", "text": "Please enjoy this photo of a kitten"}, "block_id": "image4", "image_url": "http://placekitten.com/500/500", "alt_text": "An incredibly cute kitten."}),
        json!({"type": "image", "slack_file": {"url": "https://files.slack.com/files-pri/T0-F0/xyz.png"}, "alt_text": "file"}),
        json!({"type": "input", "element": {"type": "plain_text_input", "action_id": "a", "multiline": true, "max_length": 500}, "label": {"type": "plain_text", "text": "Label", "emoji": true}, "optional": true, "hint": {"type": "plain_text", "text": "Hint"}}),
        json!({"type": "rich_text", "elements": [
            {"type": "rich_text_section", "elements": [{"type": "text", "text": "Hello "}, {"type": "text", "text": "bold", "style": {"bold": true}},
              {"type": "link", "url": "https://slack.com", "text": "slack"}, {"type": "emoji", "name": "wave", "unicode": "1f44b"},
              {"type": "user", "user_id": "U123"}, {"type": "channel", "channel_id": "C123"}, {"type": "usergroup", "usergroup_id": "S1"},
              {"type": "broadcast", "range": "here"}, {"type": "date", "timestamp": 1_720_000_000, "format": "{date_short}", "fallback": "July"},
              {"type": "color", "value": "#F405B3"}]},
            {"type": "rich_text_list", "style": "bullet", "indent": 0, "border": 1, "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": "item"}]}]},
            {"type": "rich_text_preformatted", "elements": [{"type": "text", "text": "code"}], "border": 0},
            {"type": "rich_text_quote", "elements": [{"type": "text", "text": "quote"}]}
        ]}),
        json!({"type": "video", "title": {"type": "plain_text", "text": "How to use Slack.", "emoji": true}, "title_url": "https://www.youtube.com/watch?v=RRxQQxiM7AA",
               "description": {"type": "plain_text", "text": "Slack is a new way to communicate with your team.", "emoji": true},
               "video_url": "https://www.youtube.com/embed/RRxQQxiM7AA?feature=oembed&autoplay=1", "alt_text": "How to use Slack?",
               "thumbnail_url": "https://i.ytimg.com/vi/RRxQQxiM7AA/hqdefault.jpg", "author_name": "Arcado Buendia", "provider_name": "YouTube",
               "provider_icon_url": "https://a.slack-edge.com/80588/img/unfurl_icons/youtube.png"}),
        json!({"type": "file", "external_id": "ABCD1", "source": "remote"}),
        json!({"type": "markdown", "text": "**Lots of information here!!**"}),
    ];
    for s in samples {
        let b: Block = round_trip(s.clone());
        assert!(!matches!(b, Block::Other(_)), "{s}");
        validate_block(&s, "b").unwrap();
    }
}

#[test]
fn every_element_round_trips() {
    let opt = |t: &str| json!({"text": {"type": "plain_text", "text": t}, "value": t});
    let samples = vec![
        json!({"type": "button", "text": {"type": "plain_text", "text": "Click Me"}, "value": "click_me_123", "action_id": "button", "style": "danger",
               "confirm": {"title": {"type": "plain_text", "text": "Are you sure?"}, "text": {"type": "mrkdwn", "text": "Wouldn't you prefer a good game of _chess_?"},
                           "confirm": {"type": "plain_text", "text": "Do it"}, "deny": {"type": "plain_text", "text": "Stop, I've changed my mind!"}}}),
        json!({"type": "button", "text": {"type": "plain_text", "text": "Link"}, "url": "https://api.slack.com/block-kit", "accessibility_label": "Open"}),
        json!({"type": "checkboxes", "options": [opt("a"), opt("b")], "initial_options": [opt("a")], "action_id": "cb"}),
        json!({"type": "radio_buttons", "options": [opt("a")], "initial_option": opt("a"), "action_id": "rb"}),
        json!({"type": "overflow", "options": [opt("a"), {"text": {"type": "plain_text", "text": "web"}, "value": "w", "url": "https://example.com"}], "action_id": "of"}),
        json!({"type": "datepicker", "initial_date": "1990-04-28", "placeholder": {"type": "plain_text", "text": "Select a date"}, "action_id": "dp"}),
        json!({"type": "datetimepicker", "action_id": "dtp", "initial_date_time": 1_628_633_820}),
        json!({"type": "timepicker", "initial_time": "13:37", "timezone": "America/Los_Angeles", "action_id": "tp"}),
        json!({"type": "multi_static_select", "placeholder": {"type": "plain_text", "text": "Select"}, "option_groups": [{"label": {"type": "plain_text", "text": "Group 1"}, "options": [opt("x")]}], "max_selected_items": 2}),
        json!({"type": "external_select", "action_id": "ext", "min_query_length": 3}),
        json!({"type": "multi_external_select", "action_id": "mext", "initial_options": [opt("x")]}),
        json!({"type": "users_select", "action_id": "u", "initial_user": "U123"}),
        json!({"type": "multi_users_select", "action_id": "mu", "initial_users": ["U1", "U2"]}),
        json!({"type": "conversations_select", "action_id": "c", "default_to_current_conversation": true, "response_url_enabled": true,
               "filter": {"include": ["public", "mpim"], "exclude_bot_users": true}}),
        json!({"type": "multi_conversations_select", "action_id": "mc", "initial_conversations": ["C1"]}),
        json!({"type": "channels_select", "action_id": "ch", "initial_channel": "C1"}),
        json!({"type": "multi_channels_select", "action_id": "mch", "initial_channels": ["C1"]}),
        json!({"type": "plain_text_input", "action_id": "pt", "dispatch_action_config": {"trigger_actions_on": ["on_character_entered"]}, "min_length": 1}),
        json!({"type": "email_text_input", "action_id": "em", "placeholder": {"type": "plain_text", "text": "Enter an email"}}),
        json!({"type": "url_text_input", "action_id": "url"}),
        json!({"type": "number_input", "is_decimal_allowed": false, "action_id": "num", "min_value": "1", "max_value": "10"}),
        json!({"type": "rich_text_input", "action_id": "rt", "focus_on_load": true}),
        json!({"type": "file_input", "action_id": "f", "filetypes": ["jpg", "png"], "max_files": 5}),
        json!({"type": "image", "image_url": "https://example.com/i.png", "alt_text": "alt"}),
        json!({"type": "workflow_button", "text": {"type": "plain_text", "text": "Run Workflow"}, "action_id": "wf",
               "workflow": {"trigger": {"url": "https://slack.com/shortcuts/Ft0123ABC456/123", "customizable_input_parameters": [{"name": "input_parameter_a", "value": "Value for input param A"}]}}}),
    ];
    for s in samples {
        let e: Element = round_trip(s.clone());
        assert!(!matches!(e, Element::Other(_)), "{s}");
        validate_element(&s, "e").unwrap();
    }
}

#[test]
fn views_round_trip() {
    let modal = json!({
        "type": "modal", "callback_id": "modal-identifier",
        "title": {"type": "plain_text", "text": "Just a modal"},
        "submit": {"type": "plain_text", "text": "Submit"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "private_metadata": "shh", "notify_on_close": true,
        "blocks": [{"type": "section", "block_id": "section-identifier", "text": {"type": "mrkdwn", "text": "*Welcome* to ~my~ Block Kit _modal_!"}}]
    });
    let v: View = round_trip(modal);
    v.validate().unwrap();
    let home: View = round_trip(json!({"type": "home", "blocks": [{"type": "divider"}]}));
    assert_eq!(home.kind, "home");
}

#[test]
fn unknown_types_survive() {
    let b: Block = round_trip(json!({"type": "brand_new_block", "x": 1}));
    assert!(matches!(&b, Block::Other(v) if v["x"] == 1));
    assert_eq!(b.kind(), "brand_new_block");
    let e: Element = round_trip(json!({"type": "brand_new_element"}));
    assert!(matches!(e, Element::Other(_)));
}

#[test]
fn builders_produce_slacks_json() {
    let blocks = vec![
        Block::header("Hi"),
        SectionBlock::new(Text::mrkdwn("*Hi*"))
            .accessory(Button::new("Go", "go").value("1").primary())
            .into(),
        Block::divider(),
        Block::context(vec![Text::mrkdwn("small").into()]),
        Block::image("https://example.com/a.png", "a"),
        Block::input(
            "Name",
            Element::PlainTextInput(TextInput::new("name").multiline()),
        ),
    ];
    assert_eq!(
        serde_json::to_value(&blocks).unwrap(),
        json!([
            {"type": "header", "text": {"type": "plain_text", "text": "Hi", "emoji": true}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "*Hi*"},
             "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Go", "emoji": true}, "action_id": "go", "value": "1", "style": "primary"}},
            {"type": "divider"},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "small"}]},
            {"type": "image", "alt_text": "a", "image_url": "https://example.com/a.png"},
            {"type": "input", "label": {"type": "plain_text", "text": "Name", "emoji": true}, "element": {"type": "plain_text_input", "action_id": "name", "multiline": true}}
        ])
    );
}

#[test]
fn limits_name_the_field() {
    let long = "x".repeat(3001);
    let blocks =
        json!([{"type": "divider"}, {"type": "section", "text": {"type": "mrkdwn", "text": long}}]);
    let e = validate_message_blocks(&blocks, "blocks").unwrap_err();
    assert!(
        matches!(&e, crate::Error::Validation { field, reason } if field == "blocks[1].text.text" && reason.contains("3001")),
        "{e:?}"
    );
    // Characters, not bytes: 3000 two-byte characters are fine.
    let ok = json!([{"type": "section", "text": {"type": "mrkdwn", "text": "é".repeat(3000)}}]);
    validate_message_blocks(&ok, "blocks").unwrap();
    let many: Vec<Value> = (0..51).map(|_| json!({"type": "divider"})).collect();
    let e = validate_message_blocks(&Value::Array(many), "blocks").unwrap_err();
    assert!(matches!(&e, crate::Error::Validation { field, .. } if field == "blocks"));
    let button = json!([{"type": "actions", "elements": [{"type": "button", "text": {"type": "plain_text", "text": "y".repeat(76)}, "action_id": "a"}]}]);
    let e = validate_message_blocks(&button, "blocks").unwrap_err();
    assert!(
        matches!(&e, crate::Error::Validation { field, .. } if field == "blocks[0].elements[0].text.text")
    );
    let mut view = View::modal("A title that is far too long for Slack");
    assert!(
        matches!(view.validate().unwrap_err(), crate::Error::Validation { field, .. } if field == "view.title.text")
    );
    view = View::modal("ok");
    for _ in 0..101 {
        view = view.block(Block::divider());
    }
    assert!(
        matches!(view.validate().unwrap_err(), crate::Error::Validation { field, .. } if field == "view.blocks")
    );
}
