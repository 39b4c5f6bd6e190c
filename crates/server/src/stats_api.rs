//! Statistics over HTTP: the operation's registry (stock at a date, flows over a period, computed from the
//! event history) and the UNHCR reference statistics (time series, top-N, rank over years, rates,
//! pyramids), in JSON, CSV or HXL-tagged CSV (`?format=json|csv|hxl`).
//!
//! Every answer is disclosure-controlled by default (small cells suppressed with complementary
//! suppression) and states its rule and threshold: in the JSON `disclosure` object, and in the header
//! lines of CSV and HXL. Unsuppressed internal figures (`?disclosure=internal`) or a threshold below the
//! default are only for the roles [`may_see_unsuppressed`] allows; the decision is in that one function.

use crate::error::{ApiError, ErrorBody, ErrorDetail};
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use crate::auth::Principal;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::NaiveDate;
use nansen_domain::{OperationCode, OperationId};
use nansen_stats::history::RegistryHistory;
use nansen_stats::{output, suppress_owned, Disclosure, ReferenceData, RegistryQuery, StatsArgs, Table};
use nansen_store::{AnyStore, Store, StoreError};
use serde::Deserialize;
use std::sync::{Arc, OnceLock};
use utoipa::{IntoParams, OpenApi};

/// The default disclosure threshold: counts from 1 to 4 are suppressed.
pub const DEFAULT_THRESHOLD: u64 = 5;

/// Routes: the statistics API and the statistics page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/operations/{op}/statistics/stock", get(registry_stock))
        .route("/api/v1/operations/{op}/statistics/flows", get(registry_flows))
        .route("/api/v1/statistics/reference/{query}", get(reference))
        .merge(crate::stats_pages::routes())
}

/// The statistics part of the OpenAPI document (merged into `/api/openapi.json`).
#[derive(OpenApi)]
#[openapi(paths(registry_stock, registry_flows, reference), components(schemas(StatsFormat)), tags((name = "statistics", description = "Registry and UNHCR reference statistics, disclosure-controlled")))]
pub struct StatsDoc;

/// Who may see unsuppressed internal figures (or use a threshold below the default): the roles whose
/// permissions include `statistics_internal` (the statistician and the UNHCR supervisor; see the
/// policy table in nansen_domain::access).
pub fn may_see_unsuppressed(viewer: Option<&Principal>) -> bool {
    viewer.is_some_and(|p| p.may(nansen_domain::access::Permission::StatisticsInternal))
}

/// Output format of a statistics answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatsFormat {
    /// JSON: title, columns (with HXL tags), rows, notes, provenance and the disclosure statement.
    #[default]
    Json,
    /// CSV with the title, source and disclosure statement as `#` comment lines.
    Csv,
    /// CSV with an HXL hashtag row under the header, the statement in the first lines.
    Hxl,
}

/// How a table is published.
#[derive(Debug, Clone, Deserialize, IntoParams)]
pub struct Publish {
    /// json (default), csv or hxl.
    #[serde(default)]
    pub format: StatsFormat,
    /// Disclosure threshold (default 5): counts from 1 to N-1 are suppressed. Below 5 only for the
    /// statistician and UNHCR supervisor roles.
    pub threshold: Option<u64>,
    /// `published` (default) or `internal` (unsuppressed; statistician and UNHCR supervisor roles only).
    pub disclosure: Option<String>,
}

fn forbidden(message: String) -> Response {
    let body = ErrorBody { error: ErrorDetail { code: "forbidden", message, fields: Vec::new(), current_version: None } };
    (StatusCode::FORBIDDEN, Json(body)).into_response()
}

fn bad(field: &str, message: impl Into<String>) -> Response {
    ApiError::BadQuery { field: field.into(), message: message.into() }.into_response()
}

/// Applies disclosure control as asked and allowed, and writes the table in the asked format.
fn publish(table: Table, p: &Publish, viewer: Option<&Principal>) -> Response {
    let allowed = may_see_unsuppressed(viewer);
    let threshold = p.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if threshold == 0 {
        return bad("threshold", "the threshold is at least 1 (1 suppresses nothing); the default is 5");
    }
    let table = match p.disclosure.as_deref().unwrap_or("published") {
        "published" if threshold >= DEFAULT_THRESHOLD || allowed => suppress_owned(table, threshold).into_table(),
        "published" => {
            return forbidden(format!(
                "a threshold below {DEFAULT_THRESHOLD} is only for the statistician and UNHCR supervisor roles; leave threshold out, or sign in with one of those roles"
            ))
        }
        "internal" if allowed => {
            let mut t = table;
            t.disclosure = Disclosure::Unsuppressed { reason: format!("internal figures for the {} role", viewer.map(|v| v.user.roles.as_slice().iter().filter(|r| r.may(nansen_domain::access::Permission::StatisticsInternal)).map(|r| r.as_str()).collect::<Vec<_>>().join(", ")).unwrap_or_default()) };
            t
        }
        "internal" => {
            return forbidden(
                "unsuppressed internal figures are only for the statistician and UNHCR supervisor roles; ask without disclosure=internal for the published figures".into(),
            )
        }
        other => return bad("disclosure", format!("{other:?} is not a disclosure: use published (default) or internal")),
    };
    write(&table, p.format)
}

fn write(t: &Table, f: StatsFormat) -> Response {
    match f {
        StatsFormat::Json => Json(output::to_json(t)).into_response(),
        StatsFormat::Csv | StatsFormat::Hxl => {
            let mut buf = Vec::new();
            if let Err(e) = output::write_csv(t, &mut buf, f == StatsFormat::Hxl) {
                tracing::error!(error = %e, "csv output failed");
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            }
            ([(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"))], buf).into_response()
        }
    }
}

/// Folds an operation's whole history from the store (the statistics read path).
pub async fn registry_history(store: &AnyStore, op: OperationId) -> Result<RegistryHistory, StoreError> {
    let mut h = RegistryHistory::new();
    store.stream_statistical_events(op, |e| h.push(e), &|_| {}).await?;
    Ok(h)
}

async fn operation(s: &AppState, raw: &str) -> Result<nansen_domain::Operation, Response> {
    let ops = s.store.operations().await.map_err(|e| ApiError::from(e).into_response())?;
    let found = match uuid::Uuid::parse_str(raw) {
        Ok(id) => ops.into_iter().find(|o| o.id == OperationId::from_uuid(id)),
        Err(_) => match OperationCode::parse(raw) {
            Ok(code) => ops.into_iter().find(|o| o.code == code),
            Err(_) => None,
        },
    };
    found.ok_or_else(|| ApiError::from(StoreError::NotFound { kind: "operation", id: raw.to_string() }).into_response())
}

async fn registry(s: AppState, op: String, q: RegistryQuery, p: Publish, viewer: Option<Principal>) -> Response {
    let op = match operation(&s, &op).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    let h = match registry_history(&s.store, op.id).await {
        Ok(h) => h,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let threshold = p.threshold.unwrap_or(DEFAULT_THRESHOLD).max(1);
    publish(q.table(&h, op.code.as_str(), threshold), &p, viewer.as_ref())
}

/// The date of a stock.
#[derive(Debug, Deserialize, IntoParams)]
pub struct StockParams {
    /// The day (YYYY-MM-DD, UTC); the stock at its end.
    pub at: Option<String>,
}

/// A period of flows.
#[derive(Debug, Deserialize, IntoParams)]
pub struct FlowParams {
    /// First day (YYYY-MM-DD, inclusive).
    pub from: Option<String>,
    /// Last day (YYYY-MM-DD, inclusive).
    pub to: Option<String>,
}

fn date(field: &str, v: Option<&str>) -> Result<NaiveDate, ApiError> {
    let bad = |message: String| ApiError::BadQuery { field: field.into(), message };
    let v = v.ok_or_else(|| bad(format!("give {field}=YYYY-MM-DD")))?;
    v.parse::<NaiveDate>().map_err(|_| bad(format!("{v:?} is not a date: give {field}=YYYY-MM-DD")))
}

/// The operation's population in UNHCR's categories at the end of a day, by origin, sex and age bracket,
/// computed from the event history (a past date always gives the same figures).
#[utoipa::path(get, path = "/api/v1/operations/{op}/statistics/stock", tag = "statistics",
    params(("op" = String, Path, description = "Operation id or code"), StockParams, Publish),
    responses((status = 200, description = "The table (JSON, CSV or HXL) with its disclosure rule"), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn registry_stock(State(s): State<AppState>, Path(op): Path<String>, Query(q): Query<StockParams>, Query(p): Query<Publish>, viewer: Option<Principal>) -> Response {
    match date("at", q.at.as_deref()) {
        Ok(at) => registry(s, op, RegistryQuery::Stock(at), p, viewer).await,
        Err(e) => e.into_response(),
    }
}

/// Events in a period (new claims, decisions by instance and outcome, final outcomes, recognitions,
/// cessations, departures), by origin, sex and age bracket.
#[utoipa::path(get, path = "/api/v1/operations/{op}/statistics/flows", tag = "statistics",
    params(("op" = String, Path, description = "Operation id or code"), FlowParams, Publish),
    responses((status = 200, description = "The table (JSON, CSV or HXL) with its disclosure rule"), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn registry_flows(State(s): State<AppState>, Path(op): Path<String>, Query(q): Query<FlowParams>, Query(p): Query<Publish>, viewer: Option<Principal>) -> Response {
    let (from, to) = match (date("from", q.from.as_deref()), date("to", q.to.as_deref())) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return e.into_response(),
    };
    match RegistryQuery::flows(from, to) {
        Ok(q) => registry(s, op, q, p, viewer).await,
        Err(e) => bad("from", e.to_string()),
    }
}

/// Directory of the UNHCR files: `NANSEN_UNHCR_DATA`, else `data/unhcr` under the working directory, else
/// the copy shipped in the source tree.
pub fn reference_dir() -> std::path::PathBuf {
    if let Some(d) = std::env::var_os("NANSEN_UNHCR_DATA") {
        return d.into();
    }
    let here = std::path::PathBuf::from("data/unhcr");
    if here.join("unhcr_population.csv").exists() {
        return here;
    }
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/unhcr")
}

/// The reference data, loaded once on first use.
pub async fn reference_data() -> Result<Arc<ReferenceData>, String> {
    static DATA: OnceLock<Result<Arc<ReferenceData>, String>> = OnceLock::new();
    if let Some(d) = DATA.get() {
        return d.clone();
    }
    tokio::task::spawn_blocking(|| DATA.get_or_init(|| ReferenceData::load_dir(&reference_dir()).map(Arc::new).map_err(|e| e.to_string())).clone())
        .await
        .unwrap_or_else(|e| Err(e.to_string()))
}

/// Query parameters a reference query accepts (the options of `nansen stats QUERY`, without `--`).
const REFERENCE_PARAMS: [&str; 17] =
    ["measure", "origin", "asylum", "origin_region", "asylum_region", "by", "from", "to", "year", "side", "n", "top", "level", "procedure", "units", "pop_type", "country"];

/// Runs a reference query given as `nansen stats` options; the answer is unsuppressed (callers publish it).
pub async fn reference_table(query: &str, params: &[(String, String)]) -> Result<Table, (StatusCode, String)> {
    if !["series", "top", "rank", "rates", "pyramid"].contains(&query) {
        return Err((StatusCode::NOT_FOUND, format!("{query:?} is not a reference query: use series, top, rank, rates or pyramid")));
    }
    let mut args = vec!["stats".to_string(), query.to_string()];
    for (k, v) in params {
        match k.as_str() {
            "format" | "threshold" | "disclosure" => {}
            "country" => args.push(v.clone()),
            k if REFERENCE_PARAMS.contains(&k) => {
                args.push(format!("--{}", k.replace('_', "-")));
                args.push(v.clone());
            }
            other => {
                return Err((StatusCode::BAD_REQUEST, format!("{other:?} is not a parameter of {query}: use {}", REFERENCE_PARAMS.join(", "))));
            }
        }
    }
    let parsed = StatsArgs::try_parse_from_args(&args).map_err(|e| (StatusCode::BAD_REQUEST, e))?;
    let data = reference_data().await.map_err(|e| (StatusCode::SERVICE_UNAVAILABLE, format!("the UNHCR reference data could not be loaded: {e}")))?;
    tokio::task::spawn_blocking(move || parsed.command.table(&data).map_err(|e| (StatusCode::BAD_REQUEST, e.to_string())))
        .await
        .unwrap_or_else(|e| Err((StatusCode::INTERNAL_SERVER_ERROR, e.to_string())))
}

/// UNHCR reference statistics: `series`, `top`, `rank`, `rates` or `pyramid`, with the parameters of
/// `nansen stats QUERY --help` (e.g. `/api/v1/statistics/reference/rank?country=CHN&from=2003&top=20`,
/// `/api/v1/statistics/reference/rates?origin=SYR&asylum=DEU&year=2016`). Public; disclosure-controlled.
#[utoipa::path(get, path = "/api/v1/statistics/reference/{query}", tag = "statistics",
    params(("query" = String, Path, description = "series, top, rank, rates or pyramid"), Publish,
        ("measure" = Option<String>, Query, description = "e.g. refugees, asylum_seekers (series: comma separated)"),
        ("origin" = Option<String>, Query, description = "ISO3 codes, comma separated"),
        ("asylum" = Option<String>, Query, description = "ISO3 codes, comma separated"),
        ("by" = Option<String>, Query, description = "origin, asylum, origin-region, asylum-region"),
        ("from" = Option<u16>, Query, description = "First year"), ("to" = Option<u16>, Query, description = "Last year"),
        ("year" = Option<u16>, Query, description = "One year"), ("country" = Option<String>, Query, description = "rank: the country"),
        ("top" = Option<u32>, Query, description = "rank: within the top N?"), ("n" = Option<usize>, Query, description = "top: how many")),
    responses((status = 200, description = "The table (JSON, CSV or HXL) with source and disclosure rule"), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn reference(Path(query): Path<String>, Query(params): Query<Vec<(String, String)>>, Query(p): Query<Publish>, viewer: Option<Principal>) -> Response {
    match reference_table(&query, &params).await {
        Ok(t) => publish(t, &p, viewer.as_ref()),
        Err((StatusCode::BAD_REQUEST, m)) => bad("query", m),
        Err((status, m)) => {
            let body = ErrorBody { error: ErrorDetail { code: if status == StatusCode::NOT_FOUND { "not_found" } else { "unavailable" }, message: m, fields: Vec::new(), current_version: None } };
            (status, Json(body)).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_unsigned_sees_internal_figures() {
        assert!(!may_see_unsuppressed(None));
    }
}
