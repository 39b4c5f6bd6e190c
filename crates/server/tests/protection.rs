//! The protection procedure through the API, on SQLite and PostgreSQL: a claim from lodging to a final
//! recognition with derivative status for the family, illegal steps refused, and removals refused
//! person by person with reasons.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use nansen_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::{family, step, App, REASONS};



async fn claim_to_final_recognition_with_family_unity(db: &TestDb) {
    let app = App::new(db).await;
    let op = app.operation("DEU-BER", "DEU").await;
    let hh = family(&app, &op).await;
    let pa = hh["members"][0]["id"].as_str().unwrap();
    let (st, mut claim) = app.post(&format!("/api/v1/persons/{pa}/claims"), None, &json!({"track": "regular"})).await;
    assert_eq!(st, StatusCode::CREATED, "{claim}");
    assert!(claim["pending"].as_bool().unwrap());
    assert_eq!(claim["deadlines"][0]["kind"], "registration");
    assert_eq!(claim["allowed_actions"][0], "register_for_rsd");
    let cid = claim["id"].as_str().unwrap().to_string();

    // an illegal step: refused by the state machine with the allowed alternatives, nothing changes
    let (st, e) = app.post(&format!("/api/v1/claims/{cid}/actions"), Some("senior_protection_officer"), &json!({"version": 1, "action": {"action": "finalise"}})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(e["error"]["code"], "illegal_transition");
    assert!(e["error"]["message"].as_str().unwrap().contains("register for RSD"));
    // a role outside the procedure: refused by the policy, naming the permission
    let (st, e) = app.post(&format!("/api/v1/claims/{cid}/actions"), Some("protection_officer"), &json!({"version": 1, "action": {"action": "register_for_rsd"}})).await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert!(e["error"]["message"].as_str().unwrap().contains("claim_act"), "{e}");
    // an unknown action is a malformed body naming the field
    let (st, _) = app.post(&format!("/api/v1/claims/{cid}/actions"), Some("supervisor"), &json!({"version": 1, "action": {"action": "deport"}})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);

    step(&app, &mut claim, "registration_clerk", 1, json!({"action": "register_for_rsd"})).await;
    let when = (*app.now.lock().unwrap() + chrono::Duration::days(10)).to_rfc3339();
    step(&app, &mut claim, "registration_clerk", 0, json!({"action": "schedule_interview", "at": when, "language": "ar", "interpreter_required": true})).await;
    assert_eq!(claim["deadlines"][0]["kind"], "interview");
    step(&app, &mut claim, "eligibility_officer", 10, json!({"action": "record_interview"})).await;

    // the legal assessment from a facts file, recorded on the file
    let facts: Value = serde_json::from_str(&std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/assess/examples/syrian_political_dissident.json")).unwrap()).unwrap();
    let (st, a) = app.post(&format!("/api/v1/claims/{cid}/assessments"), None, &json!({"facts": facts})).await;
    assert_eq!(st, StatusCode::CREATED, "{a}");
    assert_eq!(a["result"]["recommendation"], "recognised");
    assert!(!a["result"]["reasons"].as_array().unwrap().is_empty());
    let (_, c) = app.get(&format!("/api/v1/claims/{cid}")).await;
    claim = c;
    let (st, e) = app.post(&format!("/api/v1/claims/{cid}/assessments"), None, &json!({"facts": {"nationality": 5}})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");

    step(&app, &mut claim, "eligibility_officer", 1, json!({"action": "draft_assessment", "recommendation": "recognised"})).await;
    step(&app, &mut claim, "supervisor", 1, json!({"action": "review"})).await;
    step(&app, &mut claim, "eligibility_officer", 1, json!({"action": "decide", "outcome": "recognised", "reasons": REASONS})).await;
    step(&app, &mut claim, "registration_clerk", 1, json!({"action": "notify", "method": "in_person"})).await;
    step(&app, &mut claim, "registration_clerk", 0, json!({"action": "finalise"})).await;
    assert_eq!(claim["state"]["stage"]["stage"], "final");
    assert!(!claim["pending"].as_bool().unwrap());

    let (_, p) = app.get(&format!("/api/v1/persons/{pa}/protection")).await;
    assert_eq!(p["status"], "refugee");
    for m in hh["members"].as_array().unwrap()[1..].iter() {
        let (_, p) = app.get(&format!("/api/v1/persons/{}/protection", m["id"].as_str().unwrap())).await;
        assert_eq!(p["status"], "refugee", "derivative status: {p}");
        assert_eq!(p["record"]["derivative"]["principal"], pa);
    }
    let (_, h) = app.get(&format!("/api/v1/claims/{cid}/history")).await;
    assert_eq!(h.as_array().unwrap().len(), 10, "lodged, assessment, eight steps");

    // removal of the refugee family and their neighbour: each refused, with the article
    let (_, other) = app.post(&format!("/api/v1/operations/{op}/persons"), None, &json!({"given_name": "Omar", "sex": "M", "citizenship": "SYR"})).await;
    let ids: Vec<Value> = hh["members"].as_array().unwrap().iter().map(|m| m["id"].clone()).chain([other["members"][0]["id"].clone()]).collect();
    let (st, r) = app.post(&format!("/api/v1/operations/{op}/removals"), None, &json!({"kind": "deportation", "destination": "SYR", "persons": ids, "reason": "end of stay"})).await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    let evals = r["evaluations"].as_array().unwrap();
    assert_eq!(evals.len(), 4);
    for e in evals {
        assert_eq!(e["allowed"], false);
    }
    let codes = |i: usize| -> Vec<String> { evals[i]["verdict"]["refusals"].as_array().unwrap().iter().map(|x| x["code"].as_str().unwrap().to_string()).collect() };
    assert!(codes(0).contains(&"recognised_refugee".to_string()), "{:?}", codes(0));
    assert!(codes(1).contains(&"recognised_refugee".to_string()), "{:?}", codes(1));
    assert!(codes(3).contains(&"not_individually_screened".to_string()), "{:?}", codes(3));
    let rid = r["id"].as_str().unwrap();
    let (st, done) = app.post(&format!("/api/v1/removals/{rid}/execute"), None, &json!({"version": r["version"]})).await;
    assert_eq!(st, StatusCode::OK, "{done}");
    assert_eq!(done["data"]["executed_for"], json!([]));
}

async fn group_of_500_unscreened_is_refused_person_by_person(db: &TestDb) {
    let app = App::new(db).await;
    let op = app.operation("TUR-GAZ", "TUR").await;
    let mut ids = Vec::new();
    for i in 0..500 {
        let (st, h) = app
            .post(&format!("/api/v1/operations/{op}/persons"), None, &json!({"given_name": "Ahmad", "family_name": format!("Karimi{}", "i".repeat(i % 3)), "sex": "M", "citizenship": "AFG"}))
            .await;
        assert_eq!(st, StatusCode::CREATED);
        ids.push(h["members"][0]["id"].clone());
    }
    let (st, r) = app.post(&format!("/api/v1/operations/{op}/removals"), None, &json!({"kind": "deportation", "destination": "AFG", "persons": ids, "reason": "group of irregular arrivals"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let evals = r["evaluations"].as_array().unwrap();
    assert_eq!(evals.len(), 500);
    for e in evals {
        assert_eq!(e["allowed"], false);
        let refusals = e["verdict"]["refusals"].as_array().unwrap();
        assert!(refusals.iter().any(|x| x["code"] == "not_individually_screened"));
        assert!(refusals.iter().all(|x| !x["reason"].as_str().unwrap().is_empty() && !x["citation"].as_str().unwrap().is_empty()));
        assert!(refusals.iter().any(|x| x["citation"].as_str().unwrap().contains("Art. 33")));
    }
    let rid = r["id"].as_str().unwrap();
    let (_, done) = app.post(&format!("/api/v1/removals/{rid}/execute"), None, &json!({"version": r["version"]})).await;
    assert_eq!(done["data"]["executed_for"], json!([]), "nothing may be executed");
    // there is no way to name a group instead of persons
    let (st, _) = app.post(&format!("/api/v1/operations/{op}/removals"), None, &json!({"kind": "deportation", "destination": "AFG", "nationality": "AFG", "persons": [], "reason": "x"})).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
}

async fn voluntary_repatriation_needs_each_adults_own_consent(db: &TestDb) {
    let app = App::new(db).await;
    let op = app.operation("UGA-KYA", "UGA").await;
    let hh = family(&app, &op).await;
    let (pa, spouse) = (hh["members"][0]["id"].as_str().unwrap(), hh["members"][1]["id"].as_str().unwrap());
    let today = app.today().to_string();
    let consent = |who: &str| json!({"given_by": who, "recorded_on": today, "recorded_by": "protection.officer", "informed_of_conditions": true});
    let interview = json!({"on": today, "interviewed_by": "protection.officer", "conducted_individually": true, "free_of_coercion": true});
    // the principal applicant "consents for" the spouse: refused for the spouse, who must consent herself
    let body = json!({"request": {"destination": "SYR", "participants": [
        {"kind": "adult", "person": pa, "consent": consent(pa), "interview": interview},
        {"kind": "adult", "person": spouse, "consent": consent(pa), "interview": interview}
    ]}});
    let (st, r) = app.post(&format!("/api/v1/operations/{op}/repatriations"), None, &body).await;
    assert_eq!(st, StatusCode::CREATED, "{r}");
    assert_eq!(r["all_allowed"], false);
    assert_eq!(r["record"]["verdicts"][0]["allowed"], true);
    assert_eq!(r["record"]["verdicts"][1]["refusals"][0]["code"], "consent_not_given_by_the_person");
    // each adult consents and is interviewed: allowed, and recorded
    let body = json!({"request": {"destination": "SYR", "participants": [
        {"kind": "adult", "person": pa, "consent": consent(pa), "interview": interview},
        {"kind": "adult", "person": spouse, "consent": consent(spouse), "interview": interview}
    ]}});
    let (_, r) = app.post(&format!("/api/v1/operations/{op}/repatriations"), None, &body).await;
    assert_eq!(r["all_allowed"], true, "{r}");
    let (st, back) = app.get(&format!("/api/v1/repatriations/{}", r["id"].as_str().unwrap())).await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(back["record"]["request"]["participants"][1]["consent"]["given_by"], spouse);
    // no consent at all
    let body = json!({"request": {"destination": "SYR", "participants": [{"kind": "adult", "person": pa, "consent": null, "interview": null}]}});
    let (_, r) = app.post(&format!("/api/v1/operations/{op}/repatriations"), None, &body).await;
    assert_eq!(r["record"]["verdicts"][0]["refusals"][0]["code"], "missing_informed_consent");
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::sqlite().await; super::$name(&db).await; db.cleanup().await; } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::postgres().await; super::$name(&db).await; db.cleanup().await; } )* }
    };
}
on_both!(claim_to_final_recognition_with_family_unity, group_of_500_unscreened_is_refused_person_by_person, voluntary_repatriation_needs_each_adults_own_consent);
