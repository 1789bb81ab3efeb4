//! Every Events API and interaction sample Slack's traffic has shown (vendored in
//! `tools/codegen/data/json-samples`: the union of the fields seen, with placeholder values)
//! decodes with the typed payloads: the events this SDK types decode to their variant, the
//! rest to `Other`, and nothing fails.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use serde_json::Value;
use slack_core::events::{
    decode_events_api, decode_interaction, Event, EventsApiPayload, Interaction, SlashCommand,
};

fn samples(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tools/codegen/data/json-samples")
        .join(dir);
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let p = entry.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                out.push((name, std::fs::read_to_string(&p).unwrap()));
            }
        }
    }
    out.sort();
    assert!(!out.is_empty(), "no samples under {dir}");
    out
}

const TYPED: &[&str] = &[
    "app_mention",
    "message",
    "reaction_added",
    "reaction_removed",
    "member_joined_channel",
    "member_left_channel",
    "channel_created",
    "channel_rename",
    "channel_archive",
    "channel_unarchive",
    "app_home_opened",
    "team_join",
    "file_shared",
    "link_shared",
    "app_uninstalled",
    "tokens_revoked",
];

#[test]
fn every_event_sample_decodes() {
    let mut typed = 0;
    for (name, text) in samples("events") {
        let mut v: Value = serde_json::from_str(&text).unwrap();
        // The samples carry a placeholder envelope type; the envelope is an event_callback.
        v["type"] = "event_callback".into();
        let payload = decode_events_api(&v.to_string()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let EventsApiPayload::Callback(cb) = payload else {
            panic!("{name}: not a callback")
        };
        let kind = v["event"]["type"].as_str().unwrap_or("");
        if TYPED.contains(&kind) {
            assert!(
                !matches!(cb.event, Event::Other { .. }),
                "{name}: {kind} should be typed"
            );
            typed += 1;
        }
        assert_eq!(cb.event.kind(), kind, "{name}");
    }
    assert!(typed >= 14, "only {typed} typed samples");
}

#[test]
fn every_interaction_and_command_sample_decodes() {
    for (name, text) in samples("app-backend") {
        if name.starts_with("SlashCommand") {
            let cmd = SlashCommand::from_json(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(cmd.response_url.is_empty() || cmd.response_url.starts_with("http"));
            continue;
        }
        let i = decode_interaction(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let kind = serde_json::from_str::<Value>(&text).unwrap()["type"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(i.kind(), kind, "{name}");
        let typed = !matches!(i, Interaction::Other { .. });
        assert_eq!(
            typed,
            !kind.starts_with("dialog_") && kind != "interactive_message",
            "{name}"
        );
    }
}
