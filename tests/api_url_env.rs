//! `WebClient::new` honours `SLACK_API_URL`, so one program runs against the emulator or
//! Slack unchanged. One test in its own binary: it sets a process-wide variable.
#![cfg(feature = "hyper")]
#![allow(clippy::unwrap_used)]

use slack_sdk::api::auth;
use slack_sdk::{Error, WebClient};

#[tokio::test]
async fn new_reads_the_base_url_from_the_environment() {
    let emu = slack_emulator::Emulator::start().await.unwrap();

    std::env::set_var(slack_sdk::API_URL_ENV, emu.base_url());
    let client = WebClient::new(emu.bot_token());
    let me = client.call(auth::Test::new()).await.unwrap();
    assert_eq!(me.user_id, emu.bot_user_id());
    // from_env: the token from SLACK_BOT_TOKEN too, and a clear error without one.
    std::env::remove_var("SLACK_BOT_TOKEN");
    assert!(matches!(
        WebClient::from_env(),
        Err(Error::Validation { .. })
    ));
    std::env::set_var("SLACK_BOT_TOKEN", emu.bot_token());
    let from_env = WebClient::from_env().unwrap();
    assert_eq!(
        from_env.call(auth::Test::new()).await.unwrap().user_id,
        emu.bot_user_id()
    );
    std::env::remove_var("SLACK_BOT_TOKEN");

    // An explicit base URL wins over the variable.
    let explicit = WebClient::builder()
        .token(emu.bot_token())
        .base_url("http://127.0.0.1:9/api/")
        .base_url_from_env()
        .no_retries()
        .build()
        .unwrap();
    assert!(explicit.call(auth::Test::new()).await.is_err());

    // A malformed variable fails every call before sending, and fails `build()` outright.
    std::env::set_var(slack_sdk::API_URL_ENV, "not a url");
    let bad = WebClient::new(emu.bot_token());
    let e = bad.call(auth::Test::new()).await.unwrap_err();
    assert!(matches!(e, Error::Validation { .. }), "{e:?}");
    assert!(WebClient::builder().base_url_from_env().build().is_err());
    std::env::remove_var(slack_sdk::API_URL_ENV);
}
