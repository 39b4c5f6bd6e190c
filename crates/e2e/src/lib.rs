//! # nansen-e2e
//!
//! The harness of the end-to-end tests: the real server on a loopback port over a scratch SQLite
//! database (the embedded default), Debian's `chromedriver`, and a headless Chromium session that
//! the tests drive the way a caseworker would — typing into forms and clicking buttons.
//!
//! Chromium is required: without `/usr/bin/chromium` and `/usr/bin/chromedriver` the tests FAIL
//! with what to install (`apt-get install chromium chromium-driver`), so that a green run always
//! means the browser suite ran. `.ci/run` installs both.
//!
//! Screenshots: [`Browser::screenshot`] writes PNGs to `target/screenshots/`; with
//! `NANSEN_UPDATE_SCREENSHOTS=1` it also refreshes `docs/screenshots/`, which the README shows.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use anyhow::{anyhow, bail, Context, Result};
use chrono::Utc;
use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use nansen_domain::access::{Role, Roles, Username};
use nansen_server::AppState;
use nansen_store::accounts::{AccessEntry, NewUser, OperationScope};
use nansen_store::testing::TestDb;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where Debian installs them.
const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The password every end-to-end user signs in with.
pub const PASSWORD: &str = "e2e password of the suite";

/// A running server and a browser pointed at it.
pub struct Browser {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The server's state (to create users and operations directly).
    pub state: AppState,
    /// The WebDriver session.
    pub client: Client,
    /// The server's clock: the system clock plus [`Browser::advance`]d days.
    offset_days: std::sync::Arc<std::sync::atomic::AtomicI64>,
    driver: Child,
    _profile: tempfile::TempDir,
    _db: TestDb,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

/// One browser at a time: the tests of a binary run in parallel, and on a small machine several
/// Chromiums and servers racing for ports and CPU make the suite flaky rather than faster.
fn turn() -> std::sync::Arc<tokio::sync::Mutex<()>> {
    static TURN: std::sync::OnceLock<std::sync::Arc<tokio::sync::Mutex<()>>> = std::sync::OnceLock::new();
    TURN.get_or_init(Default::default).clone()
}

fn free_port() -> Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

impl Browser {
    /// Starts the server on a fresh database, chromedriver and a headless Chromium.
    pub async fn start() -> Result<Self> {
        for bin in [CHROMIUM, CHROMEDRIVER] {
            if !std::path::Path::new(bin).exists() {
                bail!("{bin} is missing: install Debian's browser and driver (apt-get install chromium chromium-driver); .ci/run does this");
            }
        }
        let turn = turn().lock_owned().await;
        let db = TestDb::sqlite().await;
        let offset_days = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(0));
        let o = offset_days.clone();
        let clock = nansen_server::Clock::from_fn(move || Utc::now() + chrono::Duration::days(o.load(std::sync::atomic::Ordering::SeqCst)));
        let state = AppState::with_clock(db.open().await, clock);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base = format!("http://{}", listener.local_addr()?);
        let s = state.clone();
        tokio::spawn(async move {
            if let Err(e) = nansen_server::serve(s, listener).await {
                eprintln!("server stopped: {e}");
            }
        });

        let port = free_port()?;
        let driver = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("starting {CHROMEDRIVER}"))?;
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("chromedriver did not listen on port {port} within 20 s");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let profile = tempfile::tempdir()?;
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({
                "binary": CHROMIUM,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,1000",
                    "--lang=en-GB", format!("--user-data-dir={}", profile.path().display()),
                ]
            }),
        );
        // chromedriver may accept connections a moment before it answers them.
        let mut attempt = 0;
        let client = loop {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(c) => break c,
                Err(e) if attempt < 20 => {
                    attempt += 1;
                    let _ = e;
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => return Err(e).context("opening a Chromium session through chromedriver"),
            }
        };
        Ok(Self { base, state, client, offset_days, driver, _profile: profile, _db: db, _turn: turn })
    }

    /// Creates a staff account (all operations) that signs in with [`PASSWORD`].
    pub async fn user(&self, username: &str, display_name: &str, roles: &[Role]) -> Result<()> {
        let hash = nansen_server::auth::hash_password(PASSWORD).map_err(|e| anyhow!(e))?;
        let entry = AccessEntry { at: Utc::now(), actor: "e2e".into(), action: "user.create".into(), target: String::new(), origin: "-".into(), outcome: 1, reason: None };
        self.state
            .accounts
            .create_user(
                NewUser {
                    username: Username::parse(username).map_err(|e| anyhow!("{e}"))?,
                    display_name: display_name.into(),
                    password_hash: hash,
                    roles: Roles::parse(roles).map_err(|e| anyhow!("{e}"))?,
                    operations: OperationScope::All,
                    affiliation: None,
                    assigned_only: false,
                },
                entry,
            )
            .await?;
        Ok(())
    }

    /// Opens a path of the server.
    pub async fn goto(&self, path: &str) -> Result<()> {
        self.client.goto(&format!("{}{path}", self.base)).await?;
        Ok(())
    }

    /// The element matching a CSS selector.
    pub async fn find(&self, css: &str) -> Result<Element> {
        match self.client.find(Locator::Css(css)).await {
            Ok(e) => Ok(e),
            Err(e) => Err(anyhow!("no element matches {css:?} on {}: {e}", self.path().await)),
        }
    }

    /// Waits (up to 10 s) for an element matching a CSS selector.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        match self.client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await {
            Ok(e) => Ok(e),
            Err(e) => Err(anyhow!("{css:?} did not appear on {}: {e}", self.path().await)),
        }
    }

    /// Types into the field matching `css`, replacing what it held.
    pub async fn fill(&self, css: &str, text: &str) -> Result<()> {
        let e = self.find(css).await?;
        e.clear().await?;
        e.send_keys(text).await?;
        Ok(())
    }

    /// Chooses an option of a `<select>` by its value.
    pub async fn select(&self, css: &str, value: &str) -> Result<()> {
        self.find(css).await?.select_by_value(value).await?;
        Ok(())
    }

    /// Clicks the element matching `css` (a link or a submit button) and waits until the next page
    /// has replaced this one and finished loading.
    pub async fn click(&self, css: &str) -> Result<()> {
        let old = self.find("html").await?;
        self.find(css).await?.click().await?;
        let deadline = Instant::now() + Duration::from_secs(15);
        // The old document's root goes stale once the browser has navigated away.
        while old.tag_name().await.is_ok() {
            if Instant::now() > deadline {
                bail!("clicking {css:?} on {} did not lead to a new page", self.path().await);
            }
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        loop {
            let ready = self.client.execute("return document.readyState", vec![]).await?;
            if ready == "complete" || Instant::now() > deadline {
                break;
            }
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        Ok(())
    }

    /// The current path and query.
    pub async fn path(&self) -> String {
        match self.client.current_url().await {
            Ok(u) => format!("{}{}", u.path(), u.query().map(|q| format!("?{q}")).unwrap_or_default()),
            Err(e) => format!("(no page: {e})"),
        }
    }

    /// The visible text of the page.
    pub async fn text(&self) -> Result<String> {
        Ok(self.find("body").await?.text().await?)
    }

    /// Fails with the page's text unless it contains `needle`.
    pub async fn expect_text(&self, needle: &str) -> Result<()> {
        let t = self.text().await?;
        if !t.contains(needle) {
            bail!("{:?} is not on {}:\n{t}", needle, self.path().await);
        }
        Ok(())
    }

    /// Lets `days` pass on the server's clock (procedures have notice periods and deadlines).
    /// Sessions expire meanwhile, as they would: sign in again afterwards.
    pub fn advance(&self, days: i64) {
        self.offset_days.fetch_add(days, std::sync::atomic::Ordering::SeqCst);
    }

    /// Today on the server's clock.
    pub fn today(&self) -> chrono::NaiveDate {
        (Utc::now() + chrono::Duration::days(self.offset_days.load(std::sync::atomic::Ordering::SeqCst))).date_naive()
    }

    /// Sets a field of the form matching `form_css` by its name, as a user would by picking it:
    /// ticks a checkbox, chooses a select's option or a radio, or fills a date/time input
    /// (whose typed format depends on the browser's locale).
    pub async fn set(&self, form_css: &str, name: &str, value: &str) -> Result<()> {
        let script = "const f = document.querySelector(arguments[0]); if (!f) return 'no form'; \
            const e = f.elements[arguments[1]]; if (!e) return 'no field'; \
            if (e.type === 'checkbox') { e.checked = true; } else { e.value = arguments[2]; } \
            return (e.type === 'checkbox' ? e.checked : e.value) ? 'ok' : 'not set';";
        let r = self.client.execute(script, vec![form_css.into(), name.into(), value.into()]).await?;
        if r != "ok" {
            bail!("could not set {name}={value:?} in {form_css} on {}: {r}", self.path().await);
        }
        Ok(())
    }

    /// Runs a script in the page and returns its value.
    pub async fn js(&self, script: &str) -> Result<serde_json::Value> {
        Ok(self.client.execute(script, vec![]).await?)
    }

    /// Signs in through the sign-in form.
    pub async fn sign_in(&self, username: &str) -> Result<()> {
        self.goto("/login").await?;
        self.fill("#username", username).await?;
        self.fill("#password", PASSWORD).await?;
        self.click("form.card button[type=submit]").await?;
        if self.path().await.starts_with("/login") {
            bail!("sign-in as {username} failed: {}", self.text().await?);
        }
        Ok(())
    }

    /// Signs out through the frame's sign-out button.
    pub async fn sign_out(&self) -> Result<()> {
        self.click("form.signout button").await
    }

    /// Takes a screenshot of the page into `target/screenshots/NAME.png` (and, with
    /// `NANSEN_UPDATE_SCREENSHOTS=1`, into `docs/screenshots/`). Returns the PNG bytes.
    pub async fn screenshot(&self, name: &str) -> Result<Vec<u8>> {
        let png = self.client.screenshot().await?;
        let root = workspace_root();
        let dir = root.join("target").join("screenshots");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join(format!("{name}.png")), &png)?;
        if std::env::var("NANSEN_UPDATE_SCREENSHOTS").is_ok_and(|v| v == "1") {
            let docs = root.join("docs").join("screenshots");
            std::fs::create_dir_all(&docs)?;
            std::fs::write(docs.join(format!("{name}.png")), &png)?;
        }
        Ok(png)
    }

    /// Ends the browser session and stops chromedriver.
    pub async fn close(mut self) -> Result<()> {
        let r = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        r?;
        Ok(())
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("..")
}

impl Browser {
    /// Creates an operation (an office in a country of asylum) and returns its identifier.
    pub async fn operation(&self, code: &str, name: &str, country: &str) -> Result<String> {
        use nansen_domain::{Actor, DeterminingAuthority, Iso3, Operation, OperationCode, OperationId, ShortText};
        use nansen_store::{Meta, Store};
        let op = Operation {
            id: OperationId::generate(),
            code: OperationCode::parse(code).map_err(|e| anyhow!("{e}"))?,
            name: ShortText::parse(name).map_err(|e| anyhow!("{e}"))?,
            country: Iso3::parse(country).map_err(|e| anyhow!("{e}"))?,
            authority: DeterminingAuthority::State,
        };
        let meta = Meta::now(Actor::parse("e2e").map_err(|e| anyhow!("{e}"))?);
        Ok(self.state.store.create_operation(op, meta).await?.id.to_string())
    }
}
