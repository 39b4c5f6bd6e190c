//! Injection, field by field: every text field of a registration, of a correction, of the
//! procedure's free text and of account administration receives SQL, HTML/JS, template and header
//! payloads. Each answer is either a refusal naming the field (nothing written) or an acceptance
//! whose value reads back byte for byte as data; no answer is a server error; no page echoes
//! markup; no response grows a header from what was typed; and the database is whole afterwards.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use nansen_store::Store;
use nansen_store::testing::TestDb;
use serde_json::{json, Value};
use support::App;
use tower::ServiceExt;

/// What an attacker types.
const PAYLOADS: &[&str] = &[
    "Robert'); DROP TABLE persons;--",
    "' OR '1'='1",
    "\" OR \"\"=\"",
    "1; SELECT pg_sleep(5)--",
    "x' UNION SELECT password_hash FROM users--",
    "<script>alert(1)</script>",
    "\"><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "Line\r\nSet-Cookie: injected=1",
    "x\u{0000}y",
    "\u{202e}gnp.exe",
];

/// True when an HTML page shows `payload` as markup rather than as text.
fn echoes_markup(page: &str) -> bool {
    ["<script>alert(1)", "<img src=x onerror", "onerror=alert(1)>"].iter().any(|m| page.contains(m))
}

fn base_household() -> Value {
    json!({
        "arrival_date": "2026-01-10",
        "address": "Block 4, Kakuma",
        "members": [{"relationship": "PA", "person": {
            "given_name": "Deng", "family_name": "Garang", "given_name_original": "دينق", "family_name_original": "قرنق",
            "sex": "M", "date_of_birth": "1985-03", "place_of_birth": "Bor", "country_of_birth": "SSD", "citizenship": "SSD",
            "languages": ["din"], "documents": [{"kind": "national_id", "number": "B1234567", "issuing_country": "SSD"}],
            "specific_needs": ["WR"]
        }}]
    })
}

/// Every text field of a registration, as a JSON pointer into [`base_household`].
const HOUSEHOLD_FIELDS: &[&str] = &[
    "/address",
    "/arrival_date",
    "/members/0/relationship",
    "/members/0/person/given_name",
    "/members/0/person/family_name",
    "/members/0/person/given_name_original",
    "/members/0/person/family_name_original",
    "/members/0/person/sex",
    "/members/0/person/date_of_birth",
    "/members/0/person/place_of_birth",
    "/members/0/person/country_of_birth",
    "/members/0/person/citizenship",
    "/members/0/person/languages/0",
    "/members/0/person/documents/0/kind",
    "/members/0/person/documents/0/number",
    "/members/0/person/documents/0/issuing_country",
    "/members/0/person/specific_needs/0",
];

async fn page(app: &App, path: &str) -> (StatusCode, String) {
    let token = app.token(None, false).await;
    let req = Request::builder().uri(path).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let st = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    (st, String::from_utf8_lossy(&bytes).into_owned())
}

async fn every_registration_field_is_refused_or_kept_as_data(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("KEN-KAK", "KEN").await;
    let opid = op.parse().unwrap();
    let mut expected_persons = 0;
    let (mut refused, mut kept) = (0, 0);
    for field in HOUSEHOLD_FIELDS {
        for payload in PAYLOADS {
            let mut body = base_household();
            *body.pointer_mut(field).unwrap() = json!(payload);
            let (st, out) = app.post(&format!("/api/v1/operations/{op}/households"), None, &body).await;
            assert!(!st.is_server_error(), "{field} = {payload:?}: {st} {out}");
            if st == StatusCode::CREATED {
                kept += 1;
                expected_persons += 1;
                // Stored as data: the record reads back with the value exactly as typed.
                let pid = out["members"][0]["id"].as_str().unwrap();
                let (st, p) = app.get(&format!("/api/v1/persons/{pid}")).await;
                assert_eq!(st, StatusCode::OK);
                let leaf = field.rsplit('/').next().unwrap();
                let (_, h) = app.get(&format!("/api/v1/households/{}", out["id"].as_str().unwrap())).await;
                let text = format!("{p} {h}");
                assert!(text.contains(&serde_json::to_string(payload).unwrap()[1..payload.len()]), "{field}: {payload:?} did not read back ({leaf}): {p}");
                let (st, html) = page(&app, &format!("/persons/{pid}")).await;
                assert_eq!(st, StatusCode::OK);
                assert!(!echoes_markup(&html), "{field} = {payload:?} shown as markup");
            } else {
                refused += 1;
                assert!(st == StatusCode::UNPROCESSABLE_ENTITY || st == StatusCode::BAD_REQUEST, "{field} = {payload:?}: {st} {out}");
                let named = out["error"]["fields"].as_array().map(|f| f.iter().any(|x| x["field"].as_str().is_some_and(|n| !n.is_empty()))).unwrap_or(false);
                assert!(named || out["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "a refusal says what was wrong: {out}");
            }
            // Nothing partial: the registry holds exactly the accepted households.
            assert_eq!(app.state.store.counts(opid).await.unwrap().persons, expected_persons, "{field} = {payload:?}");
        }
    }
    assert!(refused > 0 && kept > 0, "the matrix should exercise both answers (refused {refused}, kept {kept})");

    // The SQL payloads did nothing: a search for them finds only records that hold them as text,
    // and the tables are all there.
    let (st, r) = app.get(&format!("/api/v1/persons?operation={op}&name=%27%20OR%20%271%27%3D%271")).await;
    assert!(st == StatusCode::OK || st == StatusCode::BAD_REQUEST, "{r}");
    if st == StatusCode::OK {
        assert_eq!(r["total"], 0, "a quote in a search is text, not SQL: {r}");
    }
    let (st, html) = page(&app, "/search?name=%3Cscript%3Ealert(1)%3C%2Fscript%3E").await;
    assert!(!st.is_server_error());
    assert!(!echoes_markup(&html));
    assert_eq!(app.state.store.counts(opid).await.unwrap().persons, expected_persons);
    let report = app.state.store.verify_audit().await.unwrap();
    assert!(report.ok(), "{report:?}");
}

async fn procedure_and_account_text_is_refused_or_kept_as_data(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("KEN-KAK", "KEN").await;
    let hh = support::family(&app, &op).await;
    let pid = hh["members"][0]["id"].as_str().unwrap().to_string();
    let (st, claim) = app.post(&format!("/api/v1/persons/{pid}/claims"), None, &json!({"track": "regular"})).await;
    assert_eq!(st, StatusCode::CREATED, "{claim}");
    let mut claim = claim;
    support::step(&app, &mut claim, "registration_clerk", 1, json!({"action": "register_for_rsd"})).await;
    let cid = claim["id"].as_str().unwrap().to_string();
    for payload in PAYLOADS {
        // A correction's reason.
        let (_, p) = app.get(&format!("/api/v1/persons/{pid}")).await;
        let (st, out) = app
            .put(&format!("/api/v1/persons/{pid}"), None, &json!({"version": p["version"], "reason": payload, "person": {"given_name": "Rami", "family_name": "Haddad", "sex": "M", "date_of_birth": "1985", "citizenship": "SYR"}}))
            .await;
        assert!(!st.is_server_error(), "reason {payload:?}: {st} {out}");
        // The procedure's free text: the interview's language.
        let (_, c) = app.get(&format!("/api/v1/claims/{cid}")).await;
        let (st, out) = app
            .post(
                &format!("/api/v1/claims/{cid}/actions"),
                Some("registration_clerk"),
                &json!({"version": c["version"], "action": {"action": "schedule_interview", "at": "2030-01-01T09:00:00Z", "language": payload, "interpreter_required": true}}),
            )
            .await;
        assert!(!st.is_server_error(), "interview {payload:?}: {st} {out}");
        // Account administration: a display name and a token's name.
        let admin = app.token(None, true).await;
        let req = Request::builder()
            .method("POST")
            .uri("/api/v1/users")
            .header("authorization", format!("Bearer {admin}"))
            .header("content-type", "application/json")
            .body(Body::from(serde_json::to_vec(&json!({"username": "someone", "display_name": payload, "password": "a long enough password", "roles": ["registration_clerk"], "operations": ["*"]})).unwrap()))
            .unwrap();
        let resp = app.router.clone().oneshot(req).await.unwrap();
        assert!(!resp.status().is_server_error(), "display name {payload:?}: {}", resp.status());
        for (name, _) in resp.headers() {
            assert_ne!(name.as_str(), "injected", "a typed value became a header");
        }
        for v in resp.headers().get_all("set-cookie") {
            assert!(!v.to_str().unwrap_or_default().contains("injected"), "a typed value became a cookie");
        }
    }
    // The claim's page and the person's page never echo markup.
    for path in [format!("/persons/{pid}"), format!("/households/{}", hh["id"].as_str().unwrap())] {
        let (st, html) = page(&app, &path).await;
        assert_eq!(st, StatusCode::OK, "{path}");
        assert!(!echoes_markup(&html), "{path}");
    }
    let report = app.state.store.verify_audit().await.unwrap();
    assert!(report.ok(), "{report:?}");
}

/// Header injection: values that end up in `Location`, `Set-Cookie` or a log line cannot split a
/// response or smuggle a header.
async fn typed_values_never_become_headers(db: TestDb) {
    let app = App::new(&db).await;
    let attempts: Vec<Request<Body>> = vec![
        Request::builder().uri("/login?next=/%0d%0aSet-Cookie:%20injected=1").body(Body::empty()).unwrap(),
        Request::builder().uri("/login?next=%2F%2Fevil.example%2F").body(Body::empty()).unwrap(),
        Request::builder().uri("/language?set=fr%0d%0aSet-Cookie:%20injected=1").body(Body::empty()).unwrap(),
        Request::builder().uri("/language?set=ar").header("referer", "http://localhost/%0d%0aSet-Cookie:%20injected=1").body(Body::empty()).unwrap(),
        Request::builder().uri("/language?set=ar").header("referer", "https://evil.example/phish").body(Body::empty()).unwrap(),
        Request::builder()
            .method("POST")
            .uri("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("username=x%0d%0aSet-Cookie:%20injected=1&password=y&next=%0d%0aLocation:%20https://evil.example/"))
            .unwrap(),
        Request::builder().uri("/api/v1/persons/%0d%0aSet-Cookie:%20injected=1").header("authorization", "Bearer nsn_x\tinjected").body(Body::empty()).unwrap(),
    ];
    for req in attempts {
        let what = format!("{} {}", req.method(), req.uri());
        let resp = app.router.clone().oneshot(req).await.unwrap();
        assert!(!resp.status().is_server_error(), "{what}: {}", resp.status());
        for (name, value) in resp.headers() {
            let v = value.to_str().unwrap_or_default();
            assert_ne!(name.as_str(), "injected", "{what}");
            assert!(!v.contains('\r') && !v.contains('\n'), "{what}: {name}: {v:?}");
            assert!(!(name == "set-cookie" && v.contains("injected")), "{what}: {v}");
            if name == "location" {
                assert!(v.starts_with('/') && !v.starts_with("//"), "{what}: redirect to {v} leaves the site");
            }
        }
    }
}

on_both_backends!(every_registration_field_is_refused_or_kept_as_data);
on_both_backends!(procedure_and_account_text_is_refused_or_kept_as_data);
on_both_backends!(typed_values_never_become_headers);
