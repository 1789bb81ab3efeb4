//! Limit checks: every documented limit names the right field; characters, not bytes.

use serde_json::{json, Value};

use super::field_of;
use crate::blocks::*;
use crate::Error;

/// The error `validate_message_blocks` gives for one block.
fn message_error(block: Value) -> (String, String) {
    match validate_message_blocks(&json!([{"type": "divider"}, block]), "blocks").unwrap_err() {
        Error::Validation { field, reason } => (field, reason),
        other => panic!("{other:?}"),
    }
}

fn text(n: usize) -> Value {
    json!({"type": "plain_text", "text": "x".repeat(n)})
}

fn option(text_len: usize, value_len: usize) -> Value {
    json!({"text": text(text_len), "value": "v".repeat(value_len)})
}

#[test]
fn limit_violations_name_the_field() {
    let cases: Vec<(Value, &str)> = vec![
        (
            json!({"type": "section", "text": {"type": "mrkdwn", "text": "x".repeat(3001)}}),
            "blocks[1].text.text",
        ),
        (
            json!({"type": "section", "fields": vec![text(1); 11]}),
            "blocks[1].fields",
        ),
        (
            json!({"type": "section", "fields": [text(1), text(2001)]}),
            "blocks[1].fields[1].text",
        ),
        (
            json!({"type": "section", "text": text(1), "block_id": "b".repeat(256)}),
            "blocks[1].block_id",
        ),
        (
            json!({"type": "header", "text": text(151)}),
            "blocks[1].text.text",
        ),
        (
            json!({"type": "image", "image_url": "u", "alt_text": "a".repeat(2001)}),
            "blocks[1].alt_text",
        ),
        (
            json!({"type": "image", "image_url": "u".repeat(3001), "alt_text": "a"}),
            "blocks[1].image_url",
        ),
        (
            json!({"type": "image", "image_url": "u", "alt_text": "a", "title": text(2001)}),
            "blocks[1].title.text",
        ),
        (
            json!({"type": "input", "label": text(2001), "element": {"type": "plain_text_input"}}),
            "blocks[1].label.text",
        ),
        (
            json!({"type": "input", "label": text(1), "hint": text(2001), "element": {"type": "plain_text_input"}}),
            "blocks[1].hint.text",
        ),
        (
            json!({"type": "input", "label": text(1), "element": {"type": "plain_text_input", "placeholder": text(151)}}),
            "blocks[1].element.placeholder.text",
        ),
        (
            json!({"type": "input", "label": text(1), "element": {"type": "plain_text_input", "max_length": 3001}}),
            "blocks[1].element.max_length",
        ),
        (
            json!({"type": "input", "label": text(1), "element": {"type": "plain_text_input", "min_length": 3001}}),
            "blocks[1].element.min_length",
        ),
        (
            json!({"type": "input", "label": text(1), "element": {"type": "file_input", "max_files": 11}}),
            "blocks[1].element.max_files",
        ),
        (
            json!({"type": "actions", "elements": vec![json!({"type": "button", "text": text(1)}); 26]}),
            "blocks[1].elements",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "button", "text": text(76)}]}),
            "blocks[1].elements[0].text.text",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "button", "text": text(1), "value": "v".repeat(2001)}]}),
            "blocks[1].elements[0].value",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "button", "text": text(1), "url": "u".repeat(3001)}]}),
            "blocks[1].elements[0].url",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "button", "text": text(1), "action_id": "a".repeat(256)}]}),
            "blocks[1].elements[0].action_id",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "button", "text": text(1), "accessibility_label": "a".repeat(76)}]}),
            "blocks[1].elements[0].accessibility_label",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "button", "text": text(1),
            "confirm": {"title": text(101), "text": text(1), "confirm": text(1), "deny": text(1)}}]}),
            "blocks[1].elements[0].confirm.title.text",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "button", "text": text(1),
            "confirm": {"title": text(1), "text": text(301), "confirm": text(1), "deny": text(1)}}]}),
            "blocks[1].elements[0].confirm.text.text",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "button", "text": text(1),
            "confirm": {"title": text(1), "text": text(1), "confirm": text(31), "deny": text(1)}}]}),
            "blocks[1].elements[0].confirm.confirm.text",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "button", "text": text(1),
            "confirm": {"title": text(1), "text": text(1), "confirm": text(1), "deny": text(31)}}]}),
            "blocks[1].elements[0].confirm.deny.text",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "static_select", "options": vec![option(1, 1); 101]}]}),
            "blocks[1].elements[0].options",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "static_select", "options": [option(1, 1), option(76, 1)]}]}),
            "blocks[1].elements[0].options[1].text.text",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "static_select", "options": [option(1, 151)]}]}),
            "blocks[1].elements[0].options[0].value",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "static_select", "initial_option": option(76, 1)}]}),
            "blocks[1].elements[0].initial_option.text.text",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "multi_static_select", "initial_options": [option(1, 151)]}]}),
            "blocks[1].elements[0].initial_options[0].value",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "static_select", "option_groups": [{"label": text(76), "options": []}]}]}),
            "blocks[1].elements[0].option_groups[0].label.text",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "static_select", "option_groups": [{"label": text(1), "options": [option(1, 151)]}]}]}),
            "blocks[1].elements[0].option_groups[0].options[0].value",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "multi_static_select", "option_groups": vec![json!({"label": text(1), "options": []}); 101]}]}),
            "blocks[1].elements[0].option_groups",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "checkboxes", "options": vec![option(1, 1); 11]}]}),
            "blocks[1].elements[0].options",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "radio_buttons", "options": vec![option(1, 1); 11]}]}),
            "blocks[1].elements[0].options",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "overflow", "options": vec![option(1, 1); 6]}]}),
            "blocks[1].elements[0].options",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "overflow", "options": [{"text": text(1), "value": "v", "url": "u".repeat(3001)}]}]}),
            "blocks[1].elements[0].options[0].url",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "checkboxes", "options": [{"text": text(1), "value": "v", "description": text(76)}]}]}),
            "blocks[1].elements[0].options[0].description.text",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "workflow_button", "text": text(76), "workflow": {}}]}),
            "blocks[1].elements[0].text.text",
        ),
        (
            json!({"type": "actions", "elements": [{"type": "datepicker", "placeholder": text(151)}]}),
            "blocks[1].elements[0].placeholder.text",
        ),
        (
            json!({"type": "context", "elements": vec![text(1); 11]}),
            "blocks[1].elements",
        ),
        (
            json!({"type": "context", "elements": [text(3001)]}),
            "blocks[1].elements[0].text",
        ),
        (
            json!({"type": "context", "elements": [{"type": "image", "image_url": "u", "alt_text": "a".repeat(2001)}]}),
            "blocks[1].elements[0].alt_text",
        ),
        (
            json!({"type": "section", "text": text(1), "accessory": {"type": "image", "image_url": "u".repeat(3001), "alt_text": "a"}}),
            "blocks[1].accessory.image_url",
        ),
        (
            json!({"type": "video", "title": text(200), "video_url": "v", "thumbnail_url": "t", "alt_text": "a"}),
            "blocks[1].title.text",
        ),
        (
            json!({"type": "video", "title": text(1), "description": text(200), "video_url": "v", "thumbnail_url": "t", "alt_text": "a"}),
            "blocks[1].description.text",
        ),
        (
            json!({"type": "video", "title": text(1), "author_name": "a".repeat(50), "video_url": "v", "thumbnail_url": "t", "alt_text": "a"}),
            "blocks[1].author_name",
        ),
        (
            json!({"type": "markdown", "text": "m".repeat(12_001)}),
            "blocks[1].text",
        ),
        (
            json!({"type": "brand_new", "block_id": "b".repeat(256)}),
            "blocks[1].block_id",
        ),
    ];
    for (block, expected) in cases {
        let (field, reason) = message_error(block.clone());
        assert_eq!(field, expected, "{block}");
        assert!(reason.contains(", the limit is "), "{reason}");
    }
}

#[test]
fn limit_reasons_count_characters_items_and_values() {
    let (_, reason) = message_error(
        json!({"type": "section", "text": {"type": "mrkdwn", "text": "x".repeat(3001)}}),
    );
    assert_eq!(reason, "3001 characters, the limit is 3000");
    let (_, reason) = message_error(json!({"type": "context", "elements": vec![text(1); 11]}));
    assert_eq!(reason, "11 items, the limit is 10");
    let (_, reason) = message_error(
        json!({"type": "input", "label": text(1), "element": {"type": "file_input", "max_files": 11}}),
    );
    assert_eq!(reason, "11, the limit is 10");
}

#[test]
fn limits_count_characters_not_bytes() {
    let at_limit =
        json!([{"type": "section", "text": {"type": "mrkdwn", "text": "é".repeat(3000)}}]);
    validate_message_blocks(&at_limit, "blocks").unwrap();
    let emoji =
        json!([{"type": "header", "text": {"type": "plain_text", "text": "🦀".repeat(150)}}]);
    validate_message_blocks(&emoji, "blocks").unwrap();
    let over =
        json!([{"type": "header", "text": {"type": "plain_text", "text": "🦀".repeat(151)}}]);
    assert_eq!(
        field_of(validate_message_blocks(&over, "blocks").unwrap_err()),
        "blocks[0].text.text"
    );
}

#[test]
fn block_counts_and_markdown_total_are_checked() {
    let fifty: Vec<Block> = (0..50).map(|_| Block::divider()).collect();
    validate_message_blocks(&fifty, "blocks").unwrap();
    let fifty_one: Vec<Block> = (0..51).map(|_| Block::divider()).collect();
    let e = validate_message_blocks(&fifty_one[..], "blocks").unwrap_err();
    assert!(
        matches!(&e, Error::Validation { field, reason } if field == "blocks" && reason == "51 items, the limit is 50"),
        "{e:?}"
    );
    // Markdown blocks share 12,000 characters per payload.
    let markdown = vec![
        Block::markdown("m".repeat(6000)),
        Block::markdown("m".repeat(6001)),
    ];
    let e = validate_message_blocks(&markdown, "blocks").unwrap_err();
    assert!(
        matches!(&e, Error::Validation { field, reason } if field == "blocks" && reason.contains("12001 characters in markdown")),
        "{e:?}"
    );
    // Anything but an array is left to Slack.
    validate_message_blocks(&json!("not blocks"), "blocks").unwrap();
}

#[test]
fn view_limits_name_the_field() {
    let long = |n: usize| "x".repeat(n);
    let cases: Vec<(View, &str)> = vec![
        (View::modal(long(25)), "title.text"),
        (View::modal("t").submit(long(25)), "submit.text"),
        (View::modal("t").close(long(25)), "close.text"),
        (
            View::modal("t").private_metadata(long(3001)),
            "private_metadata",
        ),
        (View::home().callback_id(long(256)), "callback_id"),
        (
            View::modal("t").blocks((0..101).map(|_| Block::divider()).collect::<Vec<_>>()),
            "blocks",
        ),
        (
            View::modal("t")
                .block(Block::divider())
                .block(Block::section(Text::mrkdwn(long(3001)))),
            "blocks[1].text.text",
        ),
    ];
    for (view, expected) in cases {
        assert_eq!(field_of(view.validate().unwrap_err()), expected);
    }
    View::modal(long(24))
        .submit(long(24))
        .close(long(24))
        .private_metadata(long(3000))
        .callback_id(long(255))
        .blocks((0..100).map(|_| Block::divider()).collect::<Vec<_>>())
        .validate()
        .unwrap();
    // With a prefix, as the request encoder uses it.
    let e = validate_view(&View::modal(long(25)), "view").unwrap_err();
    assert_eq!(field_of(e), "view.title.text");
}

#[test]
fn typed_validate_methods_use_relative_paths() {
    let b: Block = SectionBlock::new(Text::plain("x"))
        .accessory(Button::new("y".repeat(76), "a"))
        .into();
    assert_eq!(field_of(b.validate().unwrap_err()), "accessory.text.text");
    let e: Element = StaticSelect::new("s", [OptionObject::new("ok", "v".repeat(151))]).into();
    assert_eq!(field_of(e.validate().unwrap_err()), "options[0].value");
    assert_eq!(
        field_of(validate_block(&b, "blocks[7]").unwrap_err()),
        "blocks[7].accessory.text.text"
    );
}

#[test]
fn the_limits_table_is_consistent() {
    assert_eq!(
        limits::find(Scope::Message, "").map(|l| l.max),
        Some(MAX_MESSAGE_BLOCKS)
    );
    assert_eq!(
        limits::find(Scope::View, "blocks").map(|l| l.max),
        Some(MAX_VIEW_BLOCKS)
    );
    assert_eq!(limits::find(Scope::Block("section"), "nope"), None);
    // No row is listed twice.
    for (i, a) in LIMITS.iter().enumerate() {
        for b in &LIMITS[i + 1..] {
            assert!(!(a.scope == b.scope && a.field == b.field), "{a:?}");
        }
    }
}

mod props {
    use proptest::prelude::*;
    use serde_json::json;

    use crate::blocks::validate_message_blocks;

    proptest! {
        /// Any text of at most 3000 characters passes as a section's text; one more fails,
        /// however many bytes the characters take.
        #[test]
        fn section_text_is_limited_by_characters(s in "\\PC{0,40}", pad in 0usize..3000) {
            let base: String = s.chars().take(3000).collect();
            let n = base.chars().count();
            let fill = "é".repeat((3000 - n).min(pad));
            let text = format!("{base}{fill}");
            let len = text.chars().count();
            let ok = json!([{"type": "section", "text": {"type": "mrkdwn", "text": text}}]);
            prop_assert!(validate_message_blocks(&ok, "blocks").is_ok());
            let over = format!("{text}{}", "字".repeat(3001 - len));
            let bad = json!([{"type": "section", "text": {"type": "mrkdwn", "text": over}}]);
            prop_assert!(validate_message_blocks(&bad, "blocks").is_err());
        }
    }
}
