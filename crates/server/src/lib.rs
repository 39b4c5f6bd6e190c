//! # nansen-server
//!
//! `fn app(state) -> Router`: the JSON API under `/api/v1` with its OpenAPI document, the
//! server-rendered staff pages, `/healthz`, and the security headers every answer carries.
//!
//! **API boundary:** handlers parse raw input into domain types at the edge (`TryFrom`-style
//! `parse` calls); nothing unparsed reaches the store. Errors leave through [`error::ApiError`].
#![warn(missing_docs)]

pub mod account_api;
pub mod api;
pub mod auth;
pub mod duplicates_api;
pub mod error;
pub mod i18n;
pub mod json;
pub mod pages;
pub mod pages_duplicates;
pub mod pages_registration;
pub mod pages_removal;
pub mod pages_rsd;
pub mod policy;
pub mod protection_api;
pub mod sharing_api;
pub mod assignment_api;
pub mod solutions_api;
pub mod stats_api;
pub mod stats_pages;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use nansen_store::{AnyStore, Store};
use std::net::SocketAddr;
use tower_http::set_header::SetResponseHeaderLayer;

/// Shared state of every handler.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: AnyStore,
    /// Operations known to exist (operations are never deleted, so a hit never goes stale).
    known_operations: std::sync::Arc<std::sync::RwLock<std::collections::HashSet<nansen_domain::OperationId>>>,
    /// The clock every write is stamped with (replaceable in tests that need time to pass).
    clock: Clock,
    /// Accounts, sessions and tokens.
    pub accounts: nansen_store::accounts::Accounts,
    /// The access-log writer.
    pub access_log: auth::AccessLog,
    /// Sign-in settings.
    pub auth: auth::AuthConfig,
    /// Failed sign-ins per address.
    pub throttle: std::sync::Arc<auth::Throttle>,
    /// API tokens recently verified, emptied by every account change made through this server.
    pub tokens: std::sync::Arc<auth::TokenCache>,
    /// The duplicate-check index of each operation.
    pub duplicates: duplicates_api::Indexes,
}

/// Where handlers read the time from.
#[derive(Clone)]
pub struct Clock(std::sync::Arc<dyn Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(std::sync::Arc::new(chrono::Utc::now))
    }
    /// A clock driven by `f` (for tests that let days pass between steps of a procedure).
    pub fn from_fn(f: impl Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync + 'static) -> Self {
        Self(std::sync::Arc::new(f))
    }
    /// Now, cut to the microseconds the databases keep.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        use chrono::SubsecRound;
        (self.0)().trunc_subsecs(6)
    }
}

impl AppState {
    /// State over a store, on the system clock.
    /// Must be called inside a Tokio runtime (it starts the access-log writer).
    pub fn new(store: AnyStore) -> Self {
        let accounts = store.accounts();
        Self {
            access_log: auth::AccessLog::new(store.clone()),
            accounts,
            store,
            known_operations: Default::default(),
            clock: Clock::system(),
            auth: auth::AuthConfig::default(),
            throttle: Default::default(),
            tokens: Default::default(),
            duplicates: Default::default(),
        }
    }

    /// The same state with other sign-in settings.
    pub fn with_auth(mut self, auth: auth::AuthConfig) -> Self {
        self.auth = auth;
        self
    }

    /// State over a store with another clock.
    pub fn with_clock(store: AnyStore, clock: Clock) -> Self {
        Self { clock, ..Self::new(store) }
    }

    /// The current time of this server.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    /// True when the operation exists; asks the database once per operation.
    pub async fn operation_exists(&self, id: nansen_domain::OperationId) -> Result<bool, nansen_store::StoreError> {
        if self.known_operations.read().map(|s| s.contains(&id)).unwrap_or(false) {
            return Ok(true);
        }
        let found = self.store.operation(id).await?.is_some();
        if found {
            if let Ok(mut s) = self.known_operations.write() {
                s.insert(id);
            }
        }
        Ok(found)
    }
}

/// The whole application.
pub fn app(state: AppState) -> Router {
    let csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    Router::new()
        .route("/healthz", get(healthz))
        .merge(api::routes())
        .merge(protection_api::routes())
        .merge(duplicates_api::routes())
        .merge(pages::routes())
        .merge(pages_registration::routes())
        .merge(pages_duplicates::routes())
        .merge(pages_rsd::routes())
        .merge(pages_removal::routes())
        .merge(account_api::routes())
        .merge(stats_api::routes())
        .merge(sharing_api::routes())
        .merge(assignment_api::routes())
        .merge(solutions_api::routes())
        .route_layer(axum::middleware::from_fn_with_state(state.clone(), auth::guard))
        .layer(axum::extract::DefaultBodyLimit::max(json::MAX_JSON_BODY))
        .layer(SetResponseHeaderLayer::overriding(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp)))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        // `same-origin`, not `no-referrer`: addresses (which hold record identifiers) never leave for
        // another site, while a browser still sends its real Origin on this site's own form posts
        // (under `no-referrer` it sends `Origin: null`, which the cross-site check must refuse).
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .with_state(state)
}

/// 200 only while the database answers and writes have not been stopped after a storage failure.
#[utoipa::path(get, path = "/healthz", responses((status = 200, description = "Healthy"), (status = 503, description = "Database unreachable or writes stopped")))]
pub async fn healthz(State(s): State<AppState>) -> impl IntoResponse {
    match s.store.health().await {
        Ok(()) => (StatusCode::OK, "ok\n".to_string()),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            (StatusCode::SERVICE_UNAVAILABLE, format!("unhealthy: {e}\n"))
        }
    }
}

/// Serves `app` on `addr` until Ctrl-C or SIGTERM, then finishes the requests in flight.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    // Load the UNHCR reference statistics now rather than on the first visit to /statistics.
    tokio::spawn(async {
        if let Err(e) = stats_api::reference_data().await {
            tracing::warn!(error = %e, "the reference statistics could not be loaded");
        }
    });
    let app = app(state).layer(tower_http::trace::TraceLayer::new_for_http());
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>()).with_graceful_shutdown(shutdown()).await
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}
