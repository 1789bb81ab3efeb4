//! Conversations: open a DM, create a private channel, archive it, list every channel,
//! info and members.
//!
//! `cargo run --example conversations`

use futures_util::StreamExt;
use slack_sdk::api::conversations;
use slack_sdk::WebClient;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // SLACK_BOT_TOKEN, and SLACK_API_URL to use the emulator instead of Slack
    // (`cargo run -p slack-emulator` prints both lines to paste).
    let client = WebClient::from_env()?;
    let channel = std::env::var("SLACK_CHANNEL").unwrap_or_else(|_| "#general".into());
    let user = std::env::var("SLACK_USER_ID").ok(); // to open a DM with
    run(&client, &channel, user.as_deref()).await
}

/// Run every conversations example.
pub async fn run(
    c: &WebClient,
    channel: &str,
    user: Option<&str>,
) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(user) = user {
        let dm = c.call(conversations::Open::new().users([user])).await?;
        println!("DM channel {}", dm.channel.id);
    }
    let name = format!("rust-sdk-{}", std::process::id());
    let private = c
        .call(conversations::Create::new(&name).is_private(true))
        .await?;
    println!("created #{name} ({})", private.channel.id);
    c.call(conversations::Archive::new(&private.channel.id))
        .await?;

    let mut all = c.items(conversations::List::new().limit(100).exclude_archived(true));
    let mut count = 0;
    while let Some(ch) = all.next().await {
        let ch = ch?;
        count += 1;
        println!("#{}", ch.name.as_deref().unwrap_or("?"));
    }
    println!("{count} channels");

    let info = c
        .call(conversations::Info::new(channel).include_num_members(true))
        .await?;
    println!(
        "#{} has {:?} members",
        info.channel.name.clone().unwrap_or_default(),
        info.channel.num_members
    );
    let members = c
        .call(conversations::Members::new(&info.channel.id).limit(50))
        .await?;
    println!("first members: {:?}", members.members);

    Ok(())
}
