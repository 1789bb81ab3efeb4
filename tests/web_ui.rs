//! The emulator's web page in a real headless Chromium, driven over the W3C WebDriver
//! protocol (chromedriver on loopback): load the page, post a message from it as a user, see
//! the SDK's example bot (`examples/bot.rs`, over Socket Mode) answer in the page, check the
//! request log shows the bot's `chat.postMessage` with its token redacted, and save a
//! screenshot under `target/web-ui/`.
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian's `chromium` and
//! `chromium-driver`); when they are missing the test runs `.ci/deps/chromium.sh`, which
//! installs them as root or fails with what to install.
#![cfg(all(feature = "socket-mode", feature = "events", feature = "hyper"))]
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

#[path = "../examples/bot.rs"]
mod bot;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use bytes::Bytes;
use http::{Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::{json, Value};
use slack_emulator::Emulator;
use slack_sdk::socket_mode::SocketModeOptions;
use slack_sdk::WebClient;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// A safety net for things that should happen within a second or two.
const WAIT: Duration = Duration::from_secs(30);

/// Install Chromium and its driver with the CI script when they are missing.
fn ensure_chromium() {
    if Path::new(CHROMIUM).exists() && Path::new(CHROMEDRIVER).exists() {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/deps/chromium.sh");
    let status = Command::new("bash")
        .arg(&script)
        .status()
        .unwrap_or_else(|e| panic!("could not run {}: {e}", script.display()));
    assert!(
        status.success(),
        "{} failed ({status}): Chromium and chromedriver are needed",
        script.display()
    );
}

/// Where the screenshot goes: `<target dir>/web-ui/`.
fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("target"));
    target.join("web-ui")
}

/// chromedriver on a free loopback port; killed on drop.
struct Driver {
    child: Child,
    url: String,
    http: Client<HttpConnector, Full<Bytes>>,
}

impl Drop for Driver {
    /// SIGTERM first, so chromedriver closes the browsers it started (a test that failed
    /// half-way leaves no Chromium behind); SIGKILL if it is still there after 5 s.
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    async fn start() -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free port");
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let driver = Driver {
            child,
            url: format!("http://127.0.0.1:{port}"),
            http: Client::builder(TokioExecutor::new()).build_http(),
        };
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(v) = driver.call(Method::GET, "/status", None).await {
                if v["ready"] == true {
                    return driver;
                }
            }
            assert!(Instant::now() < deadline, "chromedriver not ready");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// One WebDriver command; its `value`, or the WebDriver error as text.
    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<Value, String> {
        let body = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
        let req = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url))
            .header("content-type", "application/json")
            .body(Full::new(body))
            .map_err(|e| e.to_string())?;
        let resp = tokio::time::timeout(WAIT, self.http.request(req))
            .await
            .map_err(|_| format!("{path}: no answer"))?
            .map_err(|e| e.to_string())?;
        let status = resp.status();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .map_err(|e| e.to_string())?
            .to_bytes();
        let v: Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        if status.is_success() {
            Ok(v["value"].clone())
        } else {
            Err(format!("{path}: {status} {}", v["value"]))
        }
    }
}

/// One browser session.
struct Browser<'a> {
    driver: &'a Driver,
    session: String,
    /// The fresh `--user-data-dir`, removed on close.
    profile: PathBuf,
}

impl Browser<'_> {
    async fn open(driver: &Driver) -> Browser<'_> {
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let profile =
            std::env::temp_dir().join(format!("web-ui-chromium-{}-{stamp}", std::process::id()));
        let _ = std::fs::remove_dir_all(&profile);
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1440,900",
            &format!("--user-data-dir={}", profile.display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": CHROMIUM, "args": args},
        }}});
        let v = driver
            .call(Method::POST, "/session", Some(caps))
            .await
            .expect("a browser session");
        let session = v["sessionId"].as_str().expect("sessionId").to_owned();
        Browser {
            driver,
            session,
            profile,
        }
    }

    async fn cmd(&self, method: Method, path: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{path}", self.session);
        self.driver
            .call(method, &path, body)
            .await
            .unwrap_or_else(|e| panic!("WebDriver: {e}"))
    }

    async fn goto(&self, url: &str) {
        self.cmd(Method::POST, "/url", Some(json!({"url": url})))
            .await;
    }

    /// Run `script` (a function body) in the page; its return value.
    async fn js(&self, script: &str) -> Value {
        self.cmd(
            Method::POST,
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
        .await
    }

    /// Run `script` until it returns something truthy; that value.
    async fn wait_for(&self, what: &str, script: &str) -> Value {
        let deadline = Instant::now() + WAIT;
        loop {
            let v = self.js(script).await;
            if !(v.is_null() || v == false || v == "") {
                return v;
            }
            assert!(Instant::now() < deadline, "not within {WAIT:?}: {what}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    async fn element(&self, css: &str) -> String {
        let v = self
            .cmd(
                Method::POST,
                "/element",
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        v.as_object()
            .and_then(|o| o.values().next())
            .and_then(Value::as_str)
            .unwrap_or_else(|| panic!("no element {css}"))
            .to_owned()
    }

    async fn click(&self, css: &str) {
        let id = self.element(css).await;
        self.cmd(
            Method::POST,
            &format!("/element/{id}/click"),
            Some(json!({})),
        )
        .await;
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.element(css).await;
        self.cmd(
            Method::POST,
            &format!("/element/{id}/value"),
            Some(json!({"text": text})),
        )
        .await;
    }

    async fn screenshot(&self, path: &Path) {
        let v = self.cmd(Method::GET, "/screenshot", None).await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(v.as_str().unwrap_or_default())
            .expect("a base64 PNG");
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    async fn close(self) {
        let _ = self
            .driver
            .call(Method::DELETE, &format!("/session/{}", self.session), None)
            .await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn post_from_the_page_and_watch_the_bot_answer() {
    ensure_chromium();
    let emu = Emulator::builder().start().await.unwrap();

    // The bot under test: the SDK's example bot over Socket Mode.
    let web = WebClient::builder()
        .token(emu.bot_token())
        .base_url(emu.base_url())
        .build()
        .unwrap();
    let app = bot::bot(web).socket_mode(emu.app_token(), SocketModeOptions::default());
    let handle = app.handle();
    tokio::spawn(async move { app.run().await });
    let deadline = Instant::now() + WAIT;
    while handle.connections_ready() < 1 {
        assert!(Instant::now() < deadline, "the bot did not connect");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let driver = Driver::start().await;
    let browser = Browser::open(&driver).await;
    let root = emu
        .base_url()
        .trim_end_matches('/')
        .trim_end_matches("api")
        .to_owned();
    browser.goto(&root).await;
    browser
        .wait_for(
            "the live feed",
            "return document.getElementById('live-status').textContent === 'live';",
        )
        .await;
    browser
        .wait_for(
            "#general and the users",
            "return document.getElementById('channel-title').textContent === '#general' \
             && document.querySelectorAll('#post-user option').length > 1;",
        )
        .await;
    let poster = browser
        .js("const s = document.getElementById('post-user'); return s.options[s.selectedIndex].text;")
        .await;
    let poster = poster.as_str().unwrap_or_default().to_owned();
    assert!(!poster.is_empty() && poster != "emulator-bot", "{poster}");

    // Post from the page; `@emulator-bot` becomes a mention, which the bot answers in a thread.
    browser
        .type_into("#post-text", "hi @emulator-bot, from the browser")
        .await;
    browser.click("#post-send").await;
    let reply = browser
        .wait_for(
            "the bot's reply in the page",
            "const r = [...document.querySelectorAll('#messages .replies .msg-text')]\
               .map(e => e.textContent).find(t => t.includes('You said:'));\
             return r || null;",
        )
        .await;
    let reply = reply.as_str().unwrap_or_default().to_owned();
    assert!(
        reply.contains(&format!("Hi @{poster}!"))
            && reply.contains("hi @emulator-bot, from the browser"),
        "{reply}"
    );
    // The emulator stored the same: the user's message, and the bot's answer in its thread.
    let general = emu.channel_id("general").unwrap();
    let stored = emu.messages(&general);
    let asked = stored
        .iter()
        .find(|m| {
            m["text"]
                .as_str()
                .is_some_and(|t| t.ends_with(", from the browser") && t.starts_with("hi <@"))
        })
        .cloned()
        .expect("the posted message");
    assert!(stored
        .iter()
        .any(|m| m["thread_ts"] == asked["ts"] && m["bot_id"].is_string()));

    // The request log shows the bot's call, its token redacted, and no token anywhere.
    let logged = browser
        .wait_for(
            "chat.postMessage in the request log",
            "const li = document.querySelector('#requests li[data-method=\"chat.postMessage\"]');\
             return li ? li.querySelector('.token').textContent : null;",
        )
        .await;
    assert_eq!(logged, "xoxb-<redacted>");
    let page_text = browser.js("return document.body.textContent;").await;
    let page_text = page_text.as_str().unwrap_or_default();
    for secret in [emu.bot_token(), emu.app_token(), emu.user_token()] {
        assert!(!page_text.contains(&secret), "a token is shown in the page");
    }
    // The app token is redacted in the bot's apps.connections.open call too.
    browser
        .wait_for(
            "apps.connections.open redacted",
            "const li = document.querySelector('#requests li[data-method=\"apps.connections.open\"]');\
             return li && li.querySelector('.token').textContent === 'xapp-<redacted>';",
        )
        .await;

    // Open the logged call, and show the events tab's Socket Mode deliveries exist.
    browser
        .click("#requests li[data-method=\"chat.postMessage\"] summary")
        .await;
    let events = browser
        .js("return [...document.querySelectorAll('#events li')].map(li => li.dataset.key);")
        .await;
    assert!(
        events
            .as_array()
            .is_some_and(|a| a.iter().any(|k| k == "socket_mode#1")),
        "{events}"
    );

    let shot = screenshot_dir().join("web_ui.png");
    browser.screenshot(&shot).await;
    println!("screenshot: {}", shot.display());

    // The events, per connection.
    browser.click("#tab-events").await;
    browser
        .wait_for(
            "the events pane",
            "return !document.getElementById('pane-events').hidden;",
        )
        .await;
    browser
        .click("#events li[data-via=\"socket_mode\"] summary")
        .await;
    let shot = screenshot_dir().join("web_ui_events.png");
    browser.screenshot(&shot).await;
    println!("screenshot: {}", shot.display());

    // The controls: a fault added from the page reaches the emulator; the clock shows its
    // state, or says it is not there (an emulator without `/_emulator/clock`).
    browser.click("#tab-controls").await;
    let clock = browser
        .wait_for(
            "the clock's state",
            "const t = document.getElementById('clock-state').textContent;\
             return t === '…' ? null : t;",
        )
        .await;
    let clock = clock.as_str().unwrap_or_default().to_owned();
    if clock.contains("404") {
        let disabled = browser
            .js("return document.getElementById('clock-freeze').disabled;")
            .await;
        assert_eq!(disabled, true, "{clock}");
    } else {
        assert!(
            clock.starts_with("Running") || clock.starts_with("Frozen"),
            "{clock}"
        );
    }
    browser.click("#fault-form button[type=submit]").await;
    browser
        .wait_for(
            "the fault listed",
            "return document.getElementById('faults').textContent.includes('chat.postMessage → rate_limited');",
        )
        .await;
    let faults = slack_emulator_faults(&emu).await;
    assert_eq!(faults[0]["method"], "chat.postMessage");
    assert_eq!(faults[0]["fault"], "rate_limited");
    let shot = screenshot_dir().join("web_ui_controls.png");
    browser.screenshot(&shot).await;
    println!("screenshot: {}", shot.display());

    browser.close().await;
    handle.stop();
}

/// The emulator's fault rules, read over its admin API.
async fn slack_emulator_faults(emu: &Emulator) -> Vec<Value> {
    let client: Client<HttpConnector, Full<Bytes>> =
        Client::builder(TokioExecutor::new()).build_http();
    let req = Request::get(format!("http://{}/_emulator/faults", emu.addr()))
        .body(Full::new(Bytes::new()))
        .unwrap();
    let resp = tokio::time::timeout(WAIT, client.request(req))
        .await
        .unwrap()
        .unwrap();
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    let v: Value = serde_json::from_slice(&body).unwrap();
    v["faults"].as_array().cloned().unwrap_or_default()
}
