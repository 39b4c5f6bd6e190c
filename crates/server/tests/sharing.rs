//! Data-sharing agreements: only the agreed fields leave, never to the authorities of a person's
//! country of origin, never under a revoked or expired agreement, and every transfer is logged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use nansen_store::testing::TestDb;
use serde_json::{json, Value};
use support::App;

fn terms(kind: &str, country: &str, fields: &[&str]) -> Value {
    json!({
        "recipient_name": "Immigration, Refugees and Citizenship Canada",
        "recipient_kind": kind,
        "recipient_country": country,
        "purpose": "Resettlement submission",
        "legal_basis": "Informed consent of each person",
        "fields": fields,
        "valid_from": "2020-01-01",
        "valid_until": "2099-12-31"
    })
}

async fn register(app: &App, op: &str, citizenship: &str, needs: &[&str]) -> String {
    let (st, hh) = app
        .post(
            &format!("/api/v1/operations/{op}/households"),
            None,
            &json!({"members": [{"relationship": "PA", "person": {"given_name": "Rami", "family_name": "Haddad", "sex": "M", "date_of_birth": "1985-02-03", "citizenship": citizenship, "specific_needs": needs}}]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{hh}");
    hh["members"][0]["id"].as_str().unwrap().to_string()
}

async fn only_agreed_fields_leave_and_every_transfer_is_logged(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("JOR-AMM", "JOR").await;
    let syrian = register(&app, &op, "SYR", &["SM-CI", "WR"]).await;
    let iraqi = register(&app, &op, "IRQ", &[]).await;

    // Terms are checked field by field; nothing is recorded on a refusal.
    let (st, e) = app.post(&format!("/api/v1/operations/{op}/agreements"), Some("senior_protection_officer"), &json!({"recipient_name": "X", "recipient_kind": "state_authority", "purpose": "p", "legal_basis": "b", "fields": ["narrative"], "valid_from": "2026-01-01", "valid_until": "2025-01-01"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    let fields: Vec<&str> = e["error"]["fields"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"recipient_country") && fields.contains(&"fields[0]") && fields.contains(&"valid_until"), "{fields:?}");
    let (_, list) = app.call("GET", &format!("/api/v1/operations/{op}/agreements"), Some("senior_protection_officer"), None).await;
    assert_eq!(list.as_array().unwrap().len(), 0);

    // A resettlement officer may send under an agreement but not record one.
    let (st, _) = app.post(&format!("/api/v1/operations/{op}/agreements"), Some("resettlement_officer"), &terms("state_authority", "CAN", &["names"])).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, a) = app.post(&format!("/api/v1/operations/{op}/agreements"), Some("senior_protection_officer"), &terms("state_authority", "CAN", &["names", "date_of_birth", "specific_needs"])).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["active"], true);
    let aid = a["id"].as_str().unwrap();

    let (st, t) = app.post(&format!("/api/v1/agreements/{aid}/transfers"), Some("resettlement_officer"), &json!({"person_ids": [syrian, iraqi]})).await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    let recs = t["records"].as_array().unwrap();
    assert_eq!(recs.len(), 2);
    let r = recs.iter().find(|r| r["person_id"] == json!(syrian)).unwrap();
    assert_eq!(r["given_name"], "Rami");
    assert_eq!(r["date_of_birth"], "1985-02-03");
    assert_eq!(r["specific_needs"], json!(["WR"]), "sensitive needs need their own field: {r}");
    for absent in ["sex", "citizenship", "documents", "sensitive_needs", "case_number", "place_of_birth"] {
        assert!(r.get(absent).is_none(), "{absent} is not in the agreement but was sent: {r}");
    }
    assert_eq!(t["refused"].as_array().unwrap().len(), 0);

    // The transfer is in the agreement's log and in the access log, with identifiers only.
    let (_, one) = app.call("GET", &format!("/api/v1/agreements/{aid}"), Some("resettlement_officer"), None).await;
    let log = &one["transfers"][0];
    assert_eq!(log["id"], t["transfer"]["id"]);
    assert_eq!(log["sent"].as_array().unwrap().len(), 2);
    assert_eq!(log["actor"], "resettlement-officer.user");
    assert_eq!(log["digest"].as_str().unwrap().len(), 64);
    let entries = app.state.accounts.access_log(50).await.unwrap();
    let e = entries.iter().find(|e| e.entry.action == "transfer").expect("the transfer is in the access log");
    assert_eq!(e.entry.target, format!("transfer:{}", t["transfer"]["id"].as_str().unwrap()));
    assert!(!format!("{entries:?}").contains("Rami"), "the access log holds no personal data");

    // Revoked: nothing more leaves, and the answer says why.
    let (st, _) = app.post(&format!("/api/v1/agreements/{aid}/revoke"), Some("senior_protection_officer"), &json!({"reason": "Consent withdrawn"})).await;
    assert_eq!(st, StatusCode::OK);
    let (st, e) = app.post(&format!("/api/v1/agreements/{aid}/transfers"), Some("resettlement_officer"), &json!({"person_ids": [iraqi]})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["code"], "agreement_revoked", "{e}");
    let (st, _) = app.post(&format!("/api/v1/agreements/{aid}/revoke"), Some("senior_protection_officer"), &json!({"reason": "again"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "revoking twice changes nothing");
    let (_, one) = app.call("GET", &format!("/api/v1/agreements/{aid}"), Some("senior_protection_officer"), None).await;
    assert_eq!(one["transfers"].as_array().unwrap().len(), 1);
    assert_eq!(one["revoked_reason"], "Consent withdrawn");
}

async fn the_country_of_origin_never_receives_its_citizens(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("JOR-AMM", "JOR").await;
    let syrian = register(&app, &op, "SYR", &[]).await;
    let dual = register(&app, &op, "IRQ;SYR", &[]).await;
    let iraqi = register(&app, &op, "IRQ", &[]).await;
    let (st, a) = app.post(&format!("/api/v1/operations/{op}/agreements"), Some("senior_protection_officer"), &terms("state_authority", "SYR", &["names"])).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_str().unwrap();
    let (st, t) = app.post(&format!("/api/v1/agreements/{aid}/transfers"), Some("senior_protection_officer"), &json!({"person_ids": [syrian, dual, iraqi]})).await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    let sent: Vec<&str> = t["records"].as_array().unwrap().iter().map(|r| r["person_id"].as_str().unwrap()).collect();
    assert_eq!(sent, vec![iraqi.as_str()]);
    let refused = t["refused"].as_array().unwrap();
    assert_eq!(refused.len(), 2);
    for r in refused {
        assert_eq!(r["code"], "country_of_origin");
        assert!(r["reason"].as_str().unwrap().contains("never disclosed"), "{r}");
    }
    // The refusal is logged too.
    assert_eq!(t["transfer"]["refused"].as_array().unwrap().len(), 2);

    // Persons of another operation, or unknown, cannot be slipped in.
    let other = app.operation("KEN-KAK", "KEN").await;
    let elsewhere = register(&app, &other, "SSD", &[]).await;
    let (st, e) = app.post(&format!("/api/v1/agreements/{aid}/transfers"), Some("senior_protection_officer"), &json!({"person_ids": [iraqi, elsewhere]})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["error"]["fields"][0]["field"], "person_ids[1]");
    let (st, _) = app.post(&format!("/api/v1/agreements/{aid}/transfers"), Some("senior_protection_officer"), &json!({"person_ids": ["01900000-0000-7000-8000-000000000000"]})).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, one) = app.call("GET", &format!("/api/v1/agreements/{aid}"), Some("senior_protection_officer"), None).await;
    assert_eq!(one["transfers"].as_array().unwrap().len(), 1, "refused transfers send and log nothing");
}

async fn an_expired_agreement_carries_nothing(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("JOR-AMM", "JOR").await;
    let iraqi = register(&app, &op, "IRQ", &[]).await;
    let mut t = terms("ngo", "", &["names"]);
    t["valid_from"] = json!(app.today().to_string());
    t["valid_until"] = json!((app.today() + chrono::Duration::days(30)).to_string());
    let (st, a) = app.post(&format!("/api/v1/operations/{op}/agreements"), Some("senior_protection_officer"), &t).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    let aid = a["id"].as_str().unwrap();
    let (st, _) = app.post(&format!("/api/v1/agreements/{aid}/transfers"), Some("protection_officer"), &json!({"person_ids": [iraqi]})).await;
    assert_eq!(st, StatusCode::CREATED);
    app.advance(31);
    let (st, e) = app.post(&format!("/api/v1/agreements/{aid}/transfers"), Some("protection_officer"), &json!({"person_ids": [iraqi]})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["code"], "agreement_expired", "{e}");
    let (_, list) = app.call("GET", &format!("/api/v1/operations/{op}/agreements"), Some("protection_officer"), None).await;
    assert_eq!(list[0]["active"], false);
}

on_both_backends!(only_agreed_fields_leave_and_every_transfer_is_logged);
on_both_backends!(the_country_of_origin_never_receives_its_citizens);
on_both_backends!(an_expired_agreement_carries_nothing);
