//! Conversations: open a DM, create a private channel, archive it, list, info, members,
//! join and leave.
//!
//! `cargo run --example conversations`

pub mod support;

use futures_util::StreamExt;
use slack_sdk::api::conversations;

/// Run every conversations example.
pub async fn run(s: &support::Session) -> Result<(), Box<dyn std::error::Error>> {
    let c = &s.client;
    if let Some(user) = &s.user {
        let dm = c
            .call(conversations::Open::new().users([user.as_str()]))
            .await?;
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
        .call(conversations::Info::new(&s.channel).include_num_members(true))
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

    if let Some(emu) = &s.emulator {
        // A channel the bot is not in yet.
        let outside = emu.channel_id("outside").unwrap_or_default();
        c.call(conversations::Join::new(&outside)).await?;
        c.call(conversations::Leave::new(&outside)).await?;
    }
    Ok(())
}

#[allow(dead_code)]
#[tokio::main]
async fn main() -> std::process::ExitCode {
    support::exit(async { run(&support::session().await?).await }.await)
}
