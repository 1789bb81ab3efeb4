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
fn a_mistyped_field_is_dropped_but_a_mistyped_required_one_is_a_typed_error() {
    // An optional field of another type: empty, and the raw JSON keeps it.
    let r = decode::<conversations::ListResponse>(
        "conversations.list",
        r#"{"ok":true,"channels":"nope"}"#,
    )
    .unwrap();
    assert!(r.channels.is_empty());
    assert_eq!(r.raw().get("channels"), "nope");
    // The conversation's id is what `conversations.info` promises: without it, an error
    // that carries the body.
    let e = decode::<conversations::InfoResponse>(
        "conversations.info",
        r#"{"ok":true,"channel":{"id":5}}"#,
    )
    .unwrap_err();
    let Error::Decode(d) = e else { panic!() };
    assert!(d.body.starts_with(b"{\"ok\":true"));
}

#[test]
fn users_files_views_rtm_team() {
    let r = decode::<users::InfoResponse>("users.info", r#"{"ok":true,"user":{"id":"W012A3CDE","team_id":"T012AB3C4","name":"spengler","deleted":false,"color":"9f69e7","real_name":"Egon Spengler","tz":"America/Los_Angeles","tz_label":"Pacific Daylight Time","tz_offset":-25200,"profile":{"avatar_hash":"ge3b51ca72de","status_text":"Print is dead","status_emoji":":books:","real_name":"Egon Spengler","display_name":"spengler","email":"spengler@ghostbusters.example.com","image_72":"https://.../72.jpg","team":"T012AB3C4"},"is_admin":true,"is_owner":false,"is_primary_owner":false,"is_restricted":false,"is_ultra_restricted":false,"is_bot":false,"updated":1502138686,"is_app_user":false,"has_2fa":false}}"#).unwrap();
    assert_eq!(
        r.user.profile.as_ref().unwrap().status_emoji.as_deref(),
        Some(":books:")
    );
    assert_eq!(r.user.tz_offset, Some(-25200));
    let r = decode::<users::ListResponse>("users.list", r#"{"ok":true,"members":[{"id":"W07QCRPA4","name":"glinda"},{"id":"W012A3CDE","name":"spengler","is_bot":true}],"cache_ts":1498777272,"response_metadata":{"next_cursor":"dXNlcjpVMEc5V0ZYTlo="}}"#).unwrap();
    assert_eq!(r.members.len(), 2);
    assert_eq!(r.response_metadata.next_cursor, "dXNlcjpVMEc5V0ZYTlo=");
    let r = decode::<files::FileResponse>("files.info", r#"{"ok":true,"file":{"id":"F0S43PZDF","created":1531763342,"timestamp":1531763342,"name":"tedair.gif","title":"tedair.gif","mimetype":"image/gif","filetype":"gif","pretty_type":"GIF","user":"U061F7AUR","size":137531,"url_private":"https://.../tedair.gif","channels":["C0T8SE4AU"],"comments_count":0},"comments":[],"response_metadata":{"next_cursor":""}}"#).unwrap();
    assert_eq!(r.file.size, Some(137531));
    assert_eq!(r.file.channels, ["C0T8SE4AU"]);
    let r = decode::<files::UploadUrlResponse>("files.getUploadURLExternal", r#"{"ok":true,"upload_url":"https://files.slack.com/upload/v1/ABC123","file_id":"F123ABC456"}"#).unwrap();
    assert_eq!(r.file_id, "F123ABC456");
    let r = decode::<views::ViewResponse>("views.open", r#"{"ok":true,"view":{"id":"VMHU10V25","team_id":"T8N4K1JN","type":"modal","title":{"type":"plain_text","text":"Quite a plain modal"},"submit":{"type":"plain_text","text":"Create"},"blocks":[{"type":"input","block_id":"a1","label":{"type":"plain_text","text":"Payment ID"},"element":{"type":"plain_text_input","action_id":"b1"}}],"private_metadata":"Shh it is a secret","callback_id":"identify_your_modals","external_id":"","state":{"values":{}},"hash":"156772938.1827394","clear_on_close":false,"notify_on_close":false,"root_view_id":"VMHU10V25","previous_view_id":null,"app_id":"AA4928AQ","bot_id":"BA13894H"}}"#).unwrap();
    assert_eq!(r.view.hash, "156772938.1827394");
    assert!(matches!(r.view.blocks[0], crate::blocks::Block::Input(_)));
    let r = decode::<rtm::ConnectResponse>("rtm.connect", r#"{"ok":true,"self":{"id":"U4X318ZMZ","name":"robotoverlord"},"team":{"domain":"slackdemo","id":"T2U81E2FP","name":"SlackDemo"},"url":"wss://cerberus-xxxx.lb.slack-msgs.com/websocket/ABCxyz"}"#).unwrap();
    assert_eq!(r.self_.name, "robotoverlord");
    let r = decode::<team::InfoResponse>("team.info", r#"{"ok":true,"team":{"id":"T12345","name":"My Team","domain":"example","email_domain":"example.com","icon":{"image_34":"https://...","image_default":true},"enterprise_id":"E1234A12AB","enterprise_name":"Umbrella Corporation"}}"#).unwrap();
    assert_eq!(r.team.enterprise_id.as_deref(), Some("E1234A12AB"));
}

#[test]
fn pins_bookmarks_usergroups_bots_emoji() {
    let r = decode::<pins::ListResponse>("pins.list", r#"{"ok":true,"items":[{"type":"message","channel":"C2U86NC6H","message":{"text":"What is the meaning of life?","ts":"1508881078.000303","user":"U2U85N1RZ"},"created":1508881078,"created_by":"U2U85N1RZ"},{"type":"file","created":1508880991,"created_by":"U2U85N1RZ","file":{"id":"F7PKF2XLK","name":"screenshot.png"}}]}"#).unwrap();
    assert_eq!(r.items.len(), 2);
    assert_eq!(r.items[1].file.as_ref().unwrap().id, "F7PKF2XLK");
    let r = decode::<bookmarks::BookmarkResponse>("bookmarks.add", r#"{"ok":true,"bookmark":{"id":"Bk123","channel_id":"C123","title":"Docs","link":"https://example.com","emoji":":book:","icon_url":null,"type":"link","entity_id":null,"date_created":1626975224,"date_updated":0,"rank":"U","last_updated_by_user_id":"U1","last_updated_by_team_id":"T1","shortcut_id":null,"app_id":null}}"#).unwrap();
    assert_eq!(r.bookmark.kind, "link");
    let r = decode::<bookmarks::ListResponse>("bookmarks.list", r#"{"ok":true,"bookmarks":[]}"#)
        .unwrap();
    assert!(r.bookmarks.is_empty());
    let r = decode::<usergroups::UsergroupResponse>(
        "usergroups.create",
        r#"{"ok":true,"usergroup":{"id":"S0615G0KT","team_id":"T060RNRCH","is_usergroup":true,"name":"Marketing Team","description":"Marketing gurus, PR experts and product advocates.","handle":"marketing-team","is_external":false,"date_create":1446746793,"date_update":1446746793,"date_delete":0,"auto_type":null,"created_by":"U060RNRCZ","updated_by":"U060RNRCZ","deleted_by":null,"prefs":{"channels":[],"groups":[]},"user_count":"0"}}"#,
    );
    // `user_count` comes as a string in this answer and as a number in others.
    assert_eq!(r.unwrap().usergroup.user_count, Some(0));
    let r = decode::<usergroups::ListResponse>("usergroups.list", r#"{"ok":true,"usergroups":[{"id":"S0614TZR7","team_id":"T060RNRCH","name":"Team Admins","handle":"admins","description":"A group of all Administrators on your team.","date_delete":0,"user_count":2,"users":["U060RNRCZ","U060ULRC0"]}]}"#).unwrap();
    assert_eq!(r.usergroups[0].users.len(), 2);
    let r = decode::<usergroups::UsersResponse>(
        "usergroups.users.list",
        r#"{"ok":true,"users":["U060R4BJ4","W123A4BC5"]}"#,
    )
    .unwrap();
    assert_eq!(r.users.len(), 2);
    let r = decode::<bots::InfoResponse>("bots.info", r#"{"ok":true,"bot":{"id":"B12345678","deleted":false,"name":"beforebot","updated":1449272004,"app_id":"A161CLERW","user_id":"U012ABCDEF","icons":{"image_36":"https://.../36.png"}}}"#).unwrap();
    assert_eq!(r.bot.user_id.as_deref(), Some("U012ABCDEF"));
    let r = decode::<emoji::ListResponse>("emoji.list", r#"{"ok":true,"emoji":{"bowtie":"https://my.slack.com/emoji/bowtie/46ec6f2bb0.png","squirrel":"https://my.slack.com/emoji/squirrel/f35f40c0e0.png","shipit":"alias:squirrel"},"cache_ts":"1575283387.000000"}"#).unwrap();
    assert_eq!(r.emoji["shipit"], "alias:squirrel");
}

#[test]
fn reminders_search_dnd_stars_and_more_chat() {
    let r = decode::<reminders::ReminderResponse>("reminders.add", r#"{"ok":true,"reminder":{"id":"Rm12345678","creator":"U18888888","user":"U18888888","text":"eat a banana","recurring":false,"time":1602288000,"complete_ts":0}}"#).unwrap();
    assert_eq!(r.reminder.text, "eat a banana");
    let r = decode::<reminders::ListResponse>("reminders.list", r#"{"ok":true,"reminders":[{"id":"Rm12345678","creator":"U18888888","user":"U18888888","text":"eat a banana","recurring":true}]}"#).unwrap();
    assert!(r.reminders[0].recurring);
    let r = decode::<search::MessagesResponse>("search.messages", r#"{"ok":true,"query":"The meaning of life the universe and everything","messages":{"matches":[{"iid":"cb64bdaa-c1e8-4631-8a91-0f78080113e9","team":"T12345ABC","score":0,"channel":{"id":"C12345ABC","name":"general"},"type":"message","user":"U1234567","username":"foobar","ts":"1508284197.000015","text":"The meaning of life the universe and everything is 42.","permalink":"https://example.slack.com/archives/C12345ABC/p1508284197000015"}],"pagination":{"total_count":1,"page":1,"per_page":20,"page_count":1,"first":1,"last":1},"paging":{"count":20,"total":1,"page":1,"pages":1},"total":1},"response_metadata":{"next_cursor":""}}"#).unwrap();
    assert_eq!(r.messages.total, 1);
    assert_eq!(r.messages.paging.as_ref().unwrap().pages, 1);
    let r = decode::<dnd::InfoResponse>("dnd.info", r#"{"ok":true,"dnd_enabled":true,"next_dnd_start_ts":1450416600,"next_dnd_end_ts":1450452600,"snooze_enabled":true,"snooze_endtime":1450416600,"snooze_remaining":1196}"#).unwrap();
    assert_eq!(r.snooze_remaining, Some(1196));
    let r = decode::<dnd::TeamInfoResponse>("dnd.teamInfo", r#"{"ok":true,"users":{"U023BECGF":{"dnd_enabled":true,"next_dnd_start_ts":1450387800,"next_dnd_end_ts":1450423800},"W058CJVAA":{"dnd_enabled":false,"next_dnd_start_ts":1,"next_dnd_end_ts":1}}}"#).unwrap();
    assert!(r.users["U023BECGF"].dnd_enabled);
    let r = decode::<stars::ListResponse>("stars.list", r#"{"ok":true,"items":[{"type":"message","channel":"C2147483705","message":{"text":"hi","ts":"1.1"}},{"type":"file","file":{"id":"F12345678"}},{"type":"channel","channel":"C2147483705"}],"response_metadata":{"next_cursor":""}}"#).unwrap();
    assert_eq!(r.items.len(), 3);
    let r = decode::<chat::PermalinkResponse>("chat.getPermalink", r#"{"ok":true,"channel":"C1H9RESGA","permalink":"https://ghostbusters.slack.com/archives/C1H9RESGA/p135854651500008"}"#).unwrap();
    assert!(r.permalink.ends_with("p135854651500008"));
    let r = decode::<chat::ScheduleMessageResponse>(
        "chat.scheduleMessage",
        r#"{"ok":true,"channel":"C1H9RESGL","scheduled_message_id":"Q1298393284","post_at":"1562180400","message":{"text":"Here's a message for you in the future","type":"delayed_message"}}"#,
    );
    // `post_at` is documented as a number but sent as a string here.
    assert_eq!(r.unwrap().post_at, Some(1_562_180_400));
    let r = decode::<conversations::HistoryResponse>("conversations.history", r#"{"ok":true,"messages":[{"type":"message","user":"U012AB3CDE","text":"I find you punny and would like to smell your nose letter","ts":"1512085950.000216"},{"type":"message","user":"U061F7AUR","text":"What, you want to smell my shoes better?","ts":"1512104434.000490"}],"has_more":true,"pin_count":0,"response_metadata":{"next_cursor":"bmV4dF90czoxNTEyMDg1ODYxMDAwNTQz"}}"#).unwrap();
    assert!(r.has_more);
    assert_eq!(r.messages.len(), 2);
}
