//! Shared by the server's integration tests: the app on a test database with a clock that tests move.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod browser;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use nansen_domain::access::{Role, Roles, Username};
use nansen_server::{AppState, Clock};
use nansen_store::accounts::{AccessEntry, NewUser, OperationScope};
use nansen_store::testing::TestDb;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

/// The application in process (real routing, extractors and handlers), with a movable clock.
pub struct App {
    pub router: axum::Router,
    pub now: Arc<Mutex<DateTime<Utc>>>,
    pub state: AppState,
    tokens: tokio::sync::Mutex<std::collections::HashMap<String, String>>,
}

/// The staff roles a test's role name stands for. `None` is a registration clerk who is also a
/// senior protection officer (registration, claims, protection and removals in one user); the
/// procedure's names map to the staff roles that carry them.
pub fn staff_roles(role: Option<&str>) -> Vec<Role> {
    match role {
        None => vec![Role::RegistrationClerk, Role::SeniorProtectionOfficer],
        Some("supervisor") => vec![Role::Reviewer],
        Some("unhcr_supervisor") => vec![Role::Supervisor],
        Some(r) => vec![Role::parse(r).unwrap()],
    }
}

/// Creates a user with `roles` in every operation and returns an API token for it.
pub async fn token_for(state: &AppState, username: &str, roles: &[Role], affiliation: Option<&str>) -> String {
    let accounts = &state.accounts;
    let entry = AccessEntry { at: Utc::now(), actor: "test".into(), action: "user.create".into(), target: String::new(), origin: "-".into(), outcome: 1, reason: None };
    let user = accounts
        .create_user(
            NewUser {
                username: Username::parse(username).unwrap(),
                display_name: username.into(),
                password_hash: TEST_HASH.get_or_init(|| nansen_server::auth::hash_password(TEST_PASSWORD).unwrap()).clone(),
                roles: Roles::parse(roles).unwrap(),
                operations: OperationScope::All,
                affiliation: affiliation.map(|a| nansen_domain::Iso3::parse(a).unwrap()),
                assigned_only: false,
            },
            entry.clone(),
        )
        .await
        .unwrap();
    let token = nansen_server::auth::new_api_token();
    accounts.create_token(user.id, "test", &nansen_server::auth::token_hash(&token), None, entry).await.unwrap();
    token
}

/// The password of every test user.
pub const TEST_PASSWORD: &str = "test password of the suite";
static TEST_HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();

impl App {
    pub async fn new(db: &TestDb) -> Self {
        let now = Arc::new(Mutex::new(Utc::now()));
        let n = now.clone();
        let clock = Clock::from_fn(move || *n.lock().unwrap());
        let state = AppState::with_clock(db.open().await, clock);
        let router = nansen_server::app(state.clone());
        Self { router, now, state, tokens: Default::default() }
    }

    /// The API token of the user acting as `role` (see [`staff_roles`]), created on first use.
    pub async fn token(&self, role: Option<&str>, admin: bool) -> String {
        let username = if admin { "admin.user".to_string() } else { role.map(|r| format!("{}.user", r.replace('_', "-"))).unwrap_or_else(|| "clerk.user".into()) };
        let mut t = self.tokens.lock().await;
        if let Some(x) = t.get(&username) {
            return x.clone();
        }
        let roles = if admin { vec![Role::Administrator] } else { staff_roles(role) };
        let token = token_for(&self.state, &username, &roles, None).await;
        t.insert(username, token.clone());
        token
    }

    pub fn advance(&self, days: i64) {
        *self.now.lock().unwrap() += Duration::days(days);
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.now.lock().unwrap().date_naive()
    }

    pub async fn call(&self, method: &str, path: &str, role: Option<&str>, body: Option<&Value>) -> (StatusCode, Value) {
        // Each role acts as its own user, so that four-eyes rules (review, appeal) can be met.
        // Operations are created by an administrator.
        let admin = method == "POST" && path == "/api/v1/operations";
        let token = self.token(role, admin).await;
        self.call_with(&token, method, path, body).await
    }

    /// A call with the API token `token`.
    pub async fn call_with(&self, token: &str, method: &str, path: &str, body: Option<&Value>) -> (StatusCode, Value) {
        let req = Request::builder().method(method).uri(path).header("authorization", format!("Bearer {token}"));
        let req = match body {
            Some(b) => req.header("content-type", "application/json").body(Body::from(serde_json::to_vec(b).unwrap())).unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call("GET", path, None, None).await
    }

    pub async fn post(&self, path: &str, role: Option<&str>, body: &Value) -> (StatusCode, Value) {
        self.call("POST", path, role, Some(body)).await
    }

    pub async fn put(&self, path: &str, role: Option<&str>, body: &Value) -> (StatusCode, Value) {
        self.call("PUT", path, role, Some(body)).await
    }

    /// Creates an operation in `country` and returns its id.
    pub async fn operation(&self, code: &str, country: &str) -> String {
        let (st, op) = self.post("/api/v1/operations", None, &serde_json::json!({"code": code, "name": "Office", "country": country, "authority": "state"})).await;
        assert_eq!(st, StatusCode::CREATED, "{op}");
        op["id"].as_str().unwrap().to_string()
    }
}

pub const REASONS: &str = "The claimant's account of detention for political opinion was found credible and consistent with country information (Art. 1A(2)).";

/// Runs `async fn $name(TestDb)` as two tests, on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(nansen_store::testing::TestDb::sqlite().await).await;
            }
            #[tokio::test]
            async fn postgres() {
                super::$name(nansen_store::testing::TestDb::postgres().await).await;
            }
        }
    };
}

/// Registers a Syrian family of three (principal applicant, spouse, child) in `op`.
pub async fn family(app: &App, op: &str) -> Value {
    let (st, hh) = app
        .post(
            &format!("/api/v1/operations/{op}/households"),
            None,
            &json!({"members": [
                {"relationship": "PA", "person": {"given_name": "Rami", "family_name": "Haddad", "sex": "M", "date_of_birth": "1985", "citizenship": "SYR"}},
                {"relationship": "SPS", "person": {"given_name": "Lina", "family_name": "Haddad", "sex": "F", "date_of_birth": "1988", "citizenship": "SYR"}},
                {"relationship": "CHD", "person": {"given_name": "Sami", "family_name": "Haddad", "sex": "M", "date_of_birth": "2016-04", "citizenship": "SYR"}}
            ]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{hh}");
    hh
}

/// Takes one procedural step on `claim` as `role` after `days` days, and keeps the claim's new state.
pub async fn step(app: &App, claim: &mut Value, role: &str, days: i64, action: Value) {
    app.advance(days);
    let id = claim["id"].as_str().unwrap().to_string();
    let (st, c) = app.post(&format!("/api/v1/claims/{id}/actions"), Some(role), &json!({"version": claim["version"], "action": action})).await;
    assert_eq!(st, StatusCode::OK, "{action} as {role}: {c}");
    *claim = c;
}
