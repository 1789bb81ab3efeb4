use super::*;

#[test]
fn url_verification_and_rate_limit_and_unknown() {
    let v =
        decode_events_api(r#"{"type":"url_verification","token":"t","challenge":"abc"}"#).unwrap();
    assert!(matches!(v, EventsApiPayload::UrlVerification { challenge } if challenge == "abc"));
    let v = decode_events_api(
        r#"{"type":"app_rate_limited","team_id":"T1","minute_rate_limited":1518467820,"api_app_id":"A1"}"#,
    )
    .unwrap();
    assert!(matches!(
        v,
        EventsApiPayload::AppRateLimited {
            minute_rate_limited: 1_518_467_820,
            ..
        }
    ));
    let v = decode_events_api(r#"{"type":"brand_new"}"#).unwrap();
    assert!(matches!(v, EventsApiPayload::Other { kind } if kind == "brand_new"));
    assert_eq!(decode_events_api("nope").unwrap_err().kind, "json");
}

#[test]
fn events_decode_and_unknown_ones_fall_back() {
    let cb = |event: &str| {
        format!(
            r#"{{"type":"event_callback","event_id":"Ev1","event_time":"1700000000","event":{event},"new_field":[1]}}"#
        )
    };
    let EventsApiPayload::Callback(c) = decode_events_api(&cb(
        r#"{"type":"message","channel":"C1","user":"U1","text":"hi","ts":"1.2","extra":{"x":1}}"#,
    ))
    .unwrap() else {
        panic!()
    };
    assert_eq!(c.event_time, 1_700_000_000, "a number sent as text");
    let Event::Message(m) = &c.event else {
        panic!()
    };
    assert_eq!(m.text.as_deref(), Some("hi"));
    let EventsApiPayload::Callback(c) =
        decode_events_api(&cb(r#"{"type":"workflow_published","workflow_id":"Wf1"}"#)).unwrap()
    else {
        panic!()
    };
    assert_eq!(c.event.kind(), "workflow_published");
    // A known event missing a field it cannot do without is an error, not a wrong value.
    let err = decode_events_api(&cb(r#"{"type":"app_mention","text":"hi"}"#)).unwrap_err();
    assert_eq!(err.kind, "app_mention");
}

#[test]
fn interactions_decode() {
    let submission = r#"{"type":"view_submission","user":{"id":"U1","username":"ada","team_id":"T1"},
        "team":{"id":"T1","domain":"acme"},"trigger_id":"1.2.3","view":{"id":"V1","type":"modal",
        "callback_id":"signup","hash":"h","state":{"values":{"email":{"input":{"type":"plain_text_input","value":"a@b.c"}},
        "plan":{"choice":{"type":"static_select","selected_option":{"text":{"type":"plain_text","text":"Pro"},"value":"pro"}}}}}}}"#;
    let Interaction::ViewSubmission(v) = decode_interaction(submission).unwrap() else {
        panic!()
    };
    assert_eq!(v.view.callback_id.as_deref(), Some("signup"));
    assert_eq!(v.value("email", "input"), Some("a@b.c"));
    assert_eq!(v.value("plan", "choice"), Some("pro"));
    assert_eq!(v.value("nope", "input"), None);
    let actions = r#"{"type":"block_actions","user":{"id":"U1","name":"ada"},"trigger_id":"t",
        "actions":[{"action_id":"approve","block_id":"b1","type":"button","value":"42","action_ts":"1.1"}],
        "container":{"type":"message","message_ts":"1.0"},"channel":{"id":"C1","name":"general"}}"#;
    let Interaction::BlockActions(a) = decode_interaction(actions).unwrap() else {
        panic!()
    };
    assert_eq!(a.actions[0].action_id, "approve");
    assert_eq!(a.actions[0].value.as_deref(), Some("42"));
    assert_eq!(a.actions[0].extra["action_ts"], "1.1");
    assert_eq!(a.user.name.as_deref(), Some("ada"));
    let shortcut =
        r#"{"type":"shortcut","callback_id":"new_ticket","trigger_id":"t","user":{"id":"U1"}}"#;
    assert_eq!(decode_interaction(shortcut).unwrap().kind(), "shortcut");
    let legacy = r#"{"type":"dialog_submission","submission":{}}"#;
    assert_eq!(
        decode_interaction(legacy).unwrap().kind(),
        "dialog_submission"
    );
}

#[test]
fn slash_commands_from_form_and_json_agree() {
    let form = b"token=x&team_id=T1&team_domain=acme&channel_id=C1&channel_name=general&user_id=U1\
&user_name=ada&command=%2Fdeploy&text=api&api_app_id=A1&is_enterprise_install=false\
&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2Fabc&trigger_id=1.2.3";
    let from_form = SlashCommand::from_form(form).unwrap();
    let json = r#"{"token":"x","team_id":"T1","team_domain":"acme","channel_id":"C1","channel_name":"general",
        "user_id":"U1","user_name":"ada","command":"/deploy","text":"api","api_app_id":"A1",
        "is_enterprise_install":"false","response_url":"https://hooks.slack.com/commands/T1/1/abc","trigger_id":"1.2.3"}"#;
    assert_eq!(from_form, SlashCommand::from_json(json).unwrap());
    assert!(
        !format!("{from_form:?}").contains("hooks.slack.com"),
        "response_url redacted"
    );
    assert!(SlashCommand::from_form(b"text=no+command").is_err());
}
