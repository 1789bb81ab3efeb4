//! Peak memory while uploading a large file with `files_upload_v2` (streamed, not buffered).
//!
//! ```sh
//! cargo run --release -p slack-emulator -- --rate-limits off --port 38300 &
//! cargo bench --bench upload -- --url http://127.0.0.1:38300/api/ --token xoxb-38300-emulator-bot --mib 1024
//! ```
//! Without `--url` the emulator runs in-process (it keeps only the first MiB of an upload).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Instant;

use slack_sdk::files::{FilesUploadV2, UploadFile};
use slack_sdk::transport::hyper::HyperTransport;
use slack_sdk::WebClient;

fn status_kib(field: &str) -> u64 {
    common::proc_status_kib("self", field)
}

fn main() {
    let mut url = None;
    let mut token = None;
    let mut mib = 1024u64;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--url" => url = args.next(),
            "--token" => token = args.next(),
            "--mib" => mib = args.next().and_then(|s| s.parse().ok()).unwrap_or(mib),
            _ => {}
        }
    }
    let path = std::env::temp_dir().join(format!("slack-upload-bench-{}.bin", std::process::id()));
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(mib * 1024 * 1024).unwrap(); // sparse: no disk or page cache cost
    drop(file);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut _emu = None;
        let (base, token, channel) = match (url, token) {
            (Some(u), Some(t)) => (u, t, None),
            _ => {
                let e = slack_emulator::Emulator::start().await.unwrap();
                let v = (e.base_url(), e.bot_token(), e.channel_id("general"));
                _emu = Some(e);
                v
            }
        };
        let client = WebClient::builder()
            .token(token)
            .base_url(base)
            .transport_with_ws(HyperTransport::builder().no_proxy().build().unwrap())
            .build()
            .unwrap();
        let channel = match channel {
            Some(c) => c,
            None => client
                .api_call("conversations.list", slack_sdk::Args::new())
                .await
                .unwrap()
                .get("channels")[0]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        };
        let before = status_kib("VmRSS:");
        let started = Instant::now();
        let done = client
            .files_upload_v2(FilesUploadV2::new(UploadFile::path(&path).unwrap()).channel(channel))
            .await
            .expect("upload");
        let secs = started.elapsed().as_secs_f64();
        println!(
            "uploaded {mib} MiB as {} in {secs:.1} s ({:.0} MiB/s)",
            done.files[0].id,
            mib as f64 / secs
        );
        println!(
            "RSS before {} KiB, peak (VmHWM) {} KiB",
            before,
            status_kib("VmHWM:")
        );
    });
    std::fs::remove_file(&path).ok();
}
