//! Files: `files_upload_v2` with one file and with several, and a remote file.
//!
//! `cargo run --example files`

use slack_sdk::files::{FilesUploadV2, UploadFile};
use slack_sdk::{Args, FilePart, WebClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // SLACK_BOT_TOKEN, and SLACK_API_URL to use the emulator instead of Slack
    // (`cargo run -p slack-emulator` prints both lines to paste).
    let client = WebClient::from_env()?;
    // Files are shared by channel ID (C…), not by name.
    let channel_id = std::env::var("SLACK_CHANNEL_ID")?;
    run(&client, &channel_id).await
}

/// Upload one file, then two at once into a thread, then add a remote file.
pub async fn run(c: &WebClient, channel_id: &str) -> Result<(), Box<dyn std::error::Error>> {
    // One file, from memory.
    let one = c
        .files_upload_v2(
            FilesUploadV2::new(UploadFile::bytes("hello.txt", "Hello from Rust").title("Greeting"))
                .channel(channel_id)
                .initial_comment("Here is a file"),
        )
        .await?;
    println!("uploaded {}", one.files[0].id);

    // Several files at once, one of them streamed from disk, shared in a thread.
    let path = std::env::temp_dir().join(format!("slack-example-{}.csv", std::process::id()));
    std::fs::write(&path, "name,score\nada,10\ngrace,11\n")?;
    let parent = c
        .call(slack_sdk::api::chat::PostMessage::new(channel_id).text("Reports below"))
        .await?;
    let many = c
        .files_upload_v2(
            FilesUploadV2::new(UploadFile::path(&path)?.title("Scores"))
                .file(UploadFile::bytes("notes.md", "# Notes").snippet_type("markdown"))
                .channel(channel_id)
                .thread_ts(&parent.ts),
        )
        .await?;
    std::fs::remove_file(&path).ok();
    println!("uploaded {} files", many.files.len());

    // A remote file with a preview image (multipart).
    let png: &[u8] = b"\x89PNG\r\n\x1a\n";
    let remote = c
        .api_call(
            "files.remote.add",
            Args::new()
                .set("external_id", format!("doc-{}", std::process::id()))
                .set("external_url", "https://example.com/doc")
                .set("title", "Design doc")
                .file(FilePart::new("preview_image", "preview.png", png).content_type("image/png")),
        )
        .await?;
    println!("remote file {}", remote.get("file")["id"]);
    Ok(())
}
