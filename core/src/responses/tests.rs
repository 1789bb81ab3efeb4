//! Decoding realistic samples (`core/fixtures/*.json`) into the typed responses.

use super::*;
use crate::response::{parse_typed, Response};
use crate::transport::HttpResponse;
use crate::Error;

fn decode<T: serde::de::DeserializeOwned>(
    method: &str,
    body: &'static str,
) -> crate::Result<Response<T>> {
    parse_typed(method, HttpResponse::new(http::StatusCode::OK, body))
}

#[test]
fn auth_test() {
    let r =
        decode::<auth::TestResponse>("auth.test", include_str!("../../fixtures/auth.test.json"))
            .unwrap();
    assert_eq!(r.user_id, "W12345678");
    assert_eq!(r.bot_id.as_deref(), Some("B0123"));
    assert_eq!(r.raw().get("some_new_field")["x"], 1);
}

#[test]
fn chat_family() {
    let r = decode::<chat::PostMessageResponse>(
        "chat.postMessage",
        include_str!("../../fixtures/chat.postMessage.json"),
    )
    .unwrap();
    assert_eq!(r.ts, "1503435956.000247");
    let m = r.message.as_ref().unwrap();
    assert_eq!(m.subtype.as_deref(), Some("bot_message"));
    assert_eq!(r.raw().get("message")["username"], "ecto1");
    let r = decode::<chat::PostEphemeralResponse>(
        "chat.postEphemeral",
        include_str!("../../fixtures/chat.postEphemeral.json"),
    )
    .unwrap();
    assert_eq!(r.message_ts, "1502210682.580145");
    let r = decode::<chat::UpdateResponse>(
        "chat.update",
        include_str!("../../fixtures/chat.update.json"),
    )
    .unwrap();
    assert_eq!(
        r.text.as_deref(),
        Some("Updated text you carefully authored")
    );
    let r = decode::<chat::DeleteResponse>(
        "chat.delete",
        include_str!("../../fixtures/chat.delete.json"),
    )
    .unwrap();
    assert_eq!(r.channel, "C123ABC456");
}

#[test]
fn conversations_family() {
    let r = decode::<conversations::ListResponse>(
        "conversations.list",
        include_str!("../../fixtures/conversations.list.json"),
    )
    .unwrap();
    assert_eq!(r.channels.len(), 2);
    assert_eq!(r.channels[0].num_members, Some(4));
    assert_eq!(
        r.channels[1].topic.as_ref().unwrap().value,
        "Non-work banter"
    );
    assert_eq!(r.raw().next_cursor(), Some("dGVhbTpDMDYxRkE1UEI="));
    let r = decode::<conversations::InfoResponse>(
        "conversations.info",
        include_str!("../../fixtures/conversations.info.json"),
    )
    .unwrap();
    assert_eq!(r.raw().get("channel")["locale"], "en-US");
    let r = decode::<conversations::OpenResponse>(
        "conversations.open",
        include_str!("../../fixtures/conversations.open.json"),
    )
    .unwrap();
    assert!(r.already_open);
    assert_eq!(r.channel.id, "D069C7QFK");
    let r = decode::<conversations::CreateResponse>(
        "conversations.create",
        include_str!("../../fixtures/conversations.create.json"),
    )
    .unwrap();
    assert_eq!(r.channel.name.as_deref(), Some("endeavor"));
    let r = decode::<conversations::JoinResponse>(
        "conversations.join",
        include_str!("../../fixtures/conversations.join.json"),
    )
    .unwrap();
    assert_eq!(r.raw().warnings(), ["already_in_channel"]);
    let e = decode::<conversations::LeaveResponse>(
        "conversations.leave",
        include_str!("../../fixtures/conversations.leave.json"),
    )
    .unwrap_err();
    assert_eq!(e.api_code().map(|c| c.as_str()), Some("not_in_channel"));
    let r = decode::<conversations::MembersResponse>(
        "conversations.members",
        include_str!("../../fixtures/conversations.members.json"),
    )
    .unwrap();
    assert_eq!(r.members.len(), 3);
    let r = decode::<Empty>(
        "reactions.add",
        include_str!("../../fixtures/reactions.add.json"),
    )
    .unwrap();
    assert_eq!(*r, Empty {});
}

#[test]
fn wrong_type_in_modelled_field_is_typed_error_with_body() {
    let e = decode::<conversations::ListResponse>(
        "conversations.list",
        r#"{"ok":true,"channels":"nope"}"#,
    )
    .unwrap_err();
    let Error::Decode(d) = e else { panic!() };
    assert!(d.body.starts_with(b"{\"ok\":true"));
}
