//! Statistics over HTTP on SQLite and PostgreSQL: registry stock and flows from the event history
//! (identical for a past date after later changes), disclosure control and who may lift it, the UNHCR
//! reference queries in JSON, CSV and HXL, the OpenAPI document and the statistics page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::Request;
use chrono::{TimeZone, Utc};
use nansen_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{family, step, App, REASONS};
use tower::ServiceExt;

async fn raw(app: &App, path: &str, role: Option<&str>) -> (StatusCode, String, String) {
    let mut req = Request::builder().uri(path);
    if let Some(r) = role {
        req = req.header("authorization", format!("Bearer {}", app.token(Some(r), false).await));
    }
    let resp = app.router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let status = resp.status();
    let ct = resp.headers().get("content-type").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (status, ct, String::from_utf8(bytes.to_vec()).unwrap())
}



async fn recognise(app: &App, claim: &mut Value) {
    step(app, claim, "registration_clerk", 1, json!({"action": "register_for_rsd"})).await;
    let when = (*app.now.lock().unwrap() + chrono::Duration::days(10)).to_rfc3339();
    step(app, claim, "registration_clerk", 0, json!({"action": "schedule_interview", "at": when, "language": "ar", "interpreter_required": true})).await;
    step(app, claim, "eligibility_officer", 10, json!({"action": "record_interview"})).await;
    step(app, claim, "eligibility_officer", 1, json!({"action": "draft_assessment", "recommendation": "recognised"})).await;
    step(app, claim, "supervisor", 1, json!({"action": "review"})).await;
    step(app, claim, "eligibility_officer", 1, json!({"action": "decide", "outcome": "recognised", "reasons": REASONS})).await;
    step(app, claim, "registration_clerk", 1, json!({"action": "notify", "method": "in_person"})).await;
    step(app, claim, "registration_clerk", 0, json!({"action": "finalise"})).await;
}

/// Every count cell of a published table is 0, at least 5, or suppressed.
fn no_small_cell(t: &Value) {
    let counts: Vec<&str> = t["columns"].as_array().unwrap().iter().filter(|c| c["role"] == "count").map(|c| c["name"].as_str().unwrap()).collect();
    for r in t["rows"].as_array().unwrap() {
        for c in &counts {
            let v = &r[*c];
            assert!(v == "suppressed" || v.as_u64().is_some_and(|n| n == 0 || n >= 5), "{c} = {v} in {r}");
        }
    }
}

fn column_sum(t: &Value, col: &str, key: &str) -> u64 {
    // The grand-total row: every key column says Total.
    t["rows"].as_array().unwrap().iter().filter(|r| r[key] == "Total" && r["sex"] == "Total" && r["age_bracket"] == "Total").map(|r| r[col].as_u64().unwrap_or(0)).sum()
}

async fn registry_statistics_over_http(db: &TestDb) {
    let app = App::new(db).await;
    *app.now.lock().unwrap() = Utc.with_ymd_and_hms(2024, 1, 10, 9, 0, 0).unwrap();
    let op = app.operation("JOR-STA", "JOR").await;
    let mut claims = Vec::new();
    for _ in 0..6 {
        let hh = family(&app, &op).await;
        let pa = hh["members"][0]["id"].as_str().unwrap().to_string();
        let (st, c) = app.post(&format!("/api/v1/persons/{pa}/claims"), None, &json!({"track": "regular"})).await;
        assert_eq!(st, StatusCode::CREATED, "{c}");
        claims.push(c);
    }
    for c in claims.iter_mut().take(4) {
        recognise(&app, c).await;
    }
    app.advance(1);
    let d1 = app.today();
    let stock = format!("/api/v1/operations/{op}/statistics/stock?at={d1}");
    let flows = format!("/api/v1/operations/JOR-STA/statistics/flows?from=2024-01-01&to={d1}");

    let (st, t) = app.get(&stock).await;
    assert_eq!(st, StatusCode::OK, "{t}");
    assert_eq!(t["disclosure"]["rule"], "suppressed");
    assert_eq!(t["disclosure"]["threshold"], 5);
    assert!(t["disclosure"]["statement"].as_str().unwrap().contains("counts from 1 to 4 are suppressed"));
    assert_eq!(column_sum(&t, "total", "origin"), 14, "{t}");
    no_small_cell(&t);
    // 4 refugees in each of three sex × age cells and 2 asylum-seekers: all small, all withheld, and so is
    // the refugee total, which would give them away.
    assert!(t["rows"].as_array().unwrap().iter().any(|r| r["asylum_seekers"] == "suppressed"), "2 asylum-seekers are a small cell");
    assert_eq!(column_sum(&t, "refugees", "origin"), 0);
    let (st, f) = app.get(&flows).await;
    assert_eq!(st, StatusCode::OK, "{f}");
    no_small_cell(&f);
    assert_eq!(column_sum(&f, "new_claims", "origin"), 6);
    assert_eq!(column_sum(&f, "final_recognised", "origin"), 0, "4 is a small total: {f}");
    assert!(f["rows"].as_array().unwrap().iter().any(|r| r["final_recognised"] == "suppressed"));

    // CSV and HXL state the rule in their first lines.
    let (st, ct, csv) = raw(&app, &format!("{stock}&format=csv"), None).await;
    assert_eq!((st, ct.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
    assert!(csv.lines().take(4).any(|l| l.contains("Disclosure control: threshold 5")), "{csv}");
    let (_, _, hxl) = raw(&app, &format!("{flows}&format=hxl"), None).await;
    assert!(hxl.contains("#country+code+origin,#country+name+origin,#group+sex,#group+age,#affected+asylum_seekers+new"), "{hxl}");

    // Unsuppressed figures: only for the statistician and the UNHCR supervisor.
    let internal = format!("{stock}&disclosure=internal");
    for role in [None, Some("supervisor"), Some("eligibility_officer")] {
        let (st, _, body) = raw(&app, &internal, role).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{role:?}: {body}");
        assert!(body.contains("statistician"));
        let (st, _, _) = raw(&app, &format!("{stock}&threshold=2"), role).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    }
    for role in ["statistician", "unhcr_supervisor"] {
        let (st, _, body) = raw(&app, &internal, Some(role)).await;
        assert_eq!(st, StatusCode::OK);
        let t: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(t["disclosure"]["rule"], "unsuppressed");
        assert!(t["disclosure"]["statement"].as_str().unwrap().contains("INTERNAL"));
        assert_eq!(column_sum(&t, "asylum_seekers", "origin"), 2);
        assert_eq!(column_sum(&t, "refugees", "origin"), 12, "4 principal applicants, 8 with derivative status: {t}");
    }
    // A higher threshold is anyone's.
    let (st, t10) = app.get(&format!("{stock}&threshold=10")).await;
    assert_eq!((st, t10["disclosure"]["threshold"].clone()), (StatusCode::OK, json!(10)));

    // Later changes: new families and claims, a decision, a correction. The past figures stay.
    let (_, _, before_stock) = raw(&app, &stock, None).await;
    let (_, _, before_flows) = raw(&app, &format!("{flows}&format=hxl"), None).await;
    app.advance(30);
    for _ in 0..3 {
        let hh = family(&app, &op).await;
        let pa = hh["members"][0]["id"].as_str().unwrap().to_string();
        app.post(&format!("/api/v1/persons/{pa}/claims"), None, &json!({"track": "regular"})).await;
    }
    recognise(&app, &mut claims[4]).await;
    let pid = claims[0]["person_id"].as_str().unwrap().to_string();
    let (_, p) = app.get(&format!("/api/v1/persons/{pid}")).await;
    let mut person = p["person"].clone();
    person["date_of_birth"] = json!("2010");
    let (st, e) = app.put(&format!("/api/v1/persons/{pid}"), None, &json!({"version": p["version"], "reason": "date of birth corrected from a document", "person": person})).await;
    assert_eq!(st, StatusCode::OK, "{e}");
    assert_eq!(raw(&app, &stock, None).await.2, before_stock, "the stock at a past date changed");
    assert_eq!(raw(&app, &format!("{flows}&format=hxl"), None).await.2, before_flows);
    let (_, _, now) = raw(&app, &format!("/api/v1/operations/{op}/statistics/stock?at={}&disclosure=internal", app.today()), Some("statistician")).await;
    let now: Value = serde_json::from_str(&now).unwrap();
    assert_eq!(column_sum(&now, "refugees", "origin"), 15, "{now}");

    // Errors.
    assert_eq!(app.get("/api/v1/operations/NOPE-1/statistics/stock?at=2024-01-01").await.0, StatusCode::NOT_FOUND);
    let (st, e) = app.get(&format!("/api/v1/operations/{op}/statistics/stock?at=2024-02-30")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    assert!(e["error"]["message"].as_str().unwrap().contains("YYYY-MM-DD"));
    let (st, e) = app.get(&format!("/api/v1/operations/{op}/statistics/flows?from=2024-03-01&to=2024-01-01")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
    let (st, _) = app.get(&format!("{stock}&disclosure=everything")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::sqlite().await; super::$name(&db).await; db.cleanup().await; } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::postgres().await; super::$name(&db).await; db.cleanup().await; } )* }
    };
}
on_both!(registry_statistics_over_http);

/// The reference queries, the OpenAPI document and the statistics page (no database involved).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_statistics_openapi_and_page() {
    let db = TestDb::sqlite().await;
    let app = App::new(&db).await;
    let (st, t) = app.get("/api/v1/statistics/reference/rank?country=CHN&from=2003&to=2024&top=20").await;
    assert_eq!(st, StatusCode::OK, "{t}");
    let rows = t["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 22);
    assert!(rows.iter().all(|r| r["in_top_20"] == "yes"), "{t}");
    assert!(t["provenance"]["attribution"].as_str().unwrap().contains("CC BY 4.0"));
    assert_eq!(t["disclosure"]["rule"], "suppressed");
    let (st, _, hxl) = raw(&app, "/api/v1/statistics/reference/top?measure=refugees&side=origin&n=5&year=2024&format=hxl", None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(hxl.contains("#date+year,#indicator+rank,#country+code+origin"), "{hxl}");
    assert!(hxl.lines().take(3).any(|l| l.contains("Disclosure control")));
    let (st, _, csv) = raw(&app, "/api/v1/statistics/reference/series?measure=refugees&origin=SYR&from=2010&to=2012&format=csv", None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(csv.lines().any(|l| l == "year,refugees"), "{csv}");
    for (path, status) in [
        ("/api/v1/statistics/reference/nonsense", StatusCode::NOT_FOUND),
        ("/api/v1/statistics/reference/series?data=/etc", StatusCode::BAD_REQUEST),
        ("/api/v1/statistics/reference/rank?country=ZZZZ", StatusCode::BAD_REQUEST),
        ("/api/v1/statistics/reference/rates?origin=SYR&disclosure=internal", StatusCode::FORBIDDEN),
    ] {
        let (st, _, body) = raw(&app, path, None).await;
        assert_eq!(st, status, "{path}: {body}");
        assert!(body.contains("\"message\""), "{body}");
    }
    let (st, _, body) = raw(&app, "/api/v1/statistics/reference/rates?origin=SYR&asylum=DEU&year=2016&disclosure=internal", Some("statistician")).await;
    assert_eq!(st, StatusCode::OK);
    assert!(body.contains("recognition_rate"));

    let (_, doc) = app.get("/api/openapi.json").await;
    for p in ["/api/v1/operations/{op}/statistics/stock", "/api/v1/operations/{op}/statistics/flows", "/api/v1/statistics/reference/{query}", "/api/v1/persons"] {
        assert!(doc["paths"].get(p).is_some(), "{p} missing from the OpenAPI document");
    }

    let (st, ct, html) = raw(&app, "/statistics", None).await;
    assert_eq!(st, StatusCode::OK, "{html}");
    assert!(ct.starts_with("text/html"));
    assert_eq!(html.matches("<svg ").count(), 3, "time series, bump chart, pyramid");
    for id in ["series-t", "bump-t", "pyramid-t"] {
        assert!(html.contains(&format!("<title id=\"{id}\">")), "{id}");
    }
    assert!(html.contains("Disclosure control: threshold 5"));
    assert!(html.contains("CC BY 4.0"));
    assert!(!html.contains("<script"));
    let (st, _, html) = raw(&app, "/statistics?origin=SYR", None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("Refugees and asylum-seekers from Syria"), "{}", &html[..html.len().min(2000)]);
    let (st, _, html) = raw(&app, "/statistics?origin=12", None).await;
    assert_eq!(st, StatusCode::OK);
    assert!(html.contains("is not a place code"));
    db.cleanup().await;
}
