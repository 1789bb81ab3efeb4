//! Arguments on the wire as Slack reads them, end to end against the emulator: file
//! arguments as multipart parts from a path, bytes or an `AsyncRead`, in typed requests and
//! `api_call`; a file argument given as text refused before sending.
#![allow(clippy::unwrap_used)]

mod common;

use slack_sdk::api::files;
use slack_sdk::api::FileArg;
use slack_sdk::{Args, Error};

#[tokio::test]
async fn file_arguments_travel_as_file_parts() {
    let emu = common::emulator().await;
    let c = common::client(&emu);
    let dir = std::env::temp_dir().join(format!("slack-wire-forms-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let preview = dir.join("preview.png");
    std::fs::write(&preview, b"\x89PNG\r\n\x1a\nPIXELS").unwrap();

    // Typed: a preview from a path, search terms from an AsyncRead.
    let terms: &'static [u8] = b"quarterly plan budget";
    let added = c
        .call(
            files::remote::Add::new("ext-1", "Plan", "https://example.com/plan")
                .preview_image(FileArg::path(&preview).content_type("image/png"))
                .indexable_file_contents(FileArg::reader("terms.txt", terms)),
        )
        .await
        .unwrap();
    let file = &added.raw().get("file");
    assert_eq!(file["has_rich_preview"], true, "{file}");
    assert_eq!(file["preview_image_name"], "preview.png");
    assert_eq!(file["preview_image_size"], 14);
    assert_eq!(file["indexable_file_contents"], "quarterly plan budget");

    // Untyped: the same through api_call, from bytes.
    let updated = c
        .api_call(
            "files.remote.update",
            Args::new().set("external_id", "ext-1").set_file(
                "indexable_file_contents",
                FileArg::bytes("t.txt", &b"v2 terms"[..]),
            ),
        )
        .await
        .unwrap();
    assert_eq!(updated.get("file")["indexable_file_contents"], "v2 terms");

    // A file argument given as text never leaves the client.
    let e = c
        .api_call(
            "files.remote.update",
            Args::new()
                .set("external_id", "ext-1")
                .set("preview_image", preview.display().to_string()),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::Validation { field, .. } if field == "preview_image"),
        "{e:?}"
    );
    std::fs::remove_dir_all(&dir).ok();
}
