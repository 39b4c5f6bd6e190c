//! Shared by the server's integration tests: the app on a test database with a clock that tests move.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use nansen_server::{AppState, Clock};
use nansen_store::testing::TestDb;
use serde_json::Value;
use std::sync::{Arc, Mutex};
use tower::ServiceExt;

/// The application in process (real routing, extractors and handlers), with a movable clock.
pub struct App {
    pub router: axum::Router,
    pub now: Arc<Mutex<DateTime<Utc>>>,
}

impl App {
    pub async fn new(db: &TestDb) -> Self {
        let now = Arc::new(Mutex::new(Utc::now()));
        let n = now.clone();
        let clock = Clock::from_fn(move || *n.lock().unwrap());
        let router = nansen_server::app(AppState::with_clock(db.open().await, clock));
        Self { router, now }
    }

    pub fn advance(&self, days: i64) {
        *self.now.lock().unwrap() += Duration::days(days);
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.now.lock().unwrap().date_naive()
    }

    pub async fn call(&self, method: &str, path: &str, role: Option<&str>, body: Option<&Value>) -> (StatusCode, Value) {
        // Each role acts as its own user, so that four-eyes rules (review, appeal) can be met.
        let actor = role.map(|r| format!("{}.user", r.replace('_', "-"))).unwrap_or_else(|| "clerk.user".into());
        let mut req = Request::builder().method(method).uri(path).header("x-nansen-actor", actor);
        if let Some(r) = role {
            req = req.header("x-nansen-role", r);
        }
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
