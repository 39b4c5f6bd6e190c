//! The duplicate check at registration and the review queue, over HTTP, on SQLite and PostgreSQL:
//! Mohammed and Muhammad are found, explained and queued; a clearly different person is not; a
//! confirmed pair is merged and the merge undone with both histories intact.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use nansen_store::testing::TestDb;
use reqwest::StatusCode;
use serde_json::{json, Value};
use support::App;

fn mohammed() -> Value {
    json!({"given_name": "Mohammed", "family_name": "Al-Hassan", "given_name_original": "محمد", "sex": "M", "date_of_birth": "1980-03-04",
           "citizenship": "SYR", "place_of_birth": "Homs"})
}

fn muhammad() -> Value {
    json!({"given_name": "Muhammad", "family_name": "Alhassan", "sex": "M", "date_of_birth": "1980-03-04", "citizenship": "SYR", "place_of_birth": "Homs"})
}

fn kinds(history: &Value) -> Vec<String> {
    history.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

async fn variants_are_found_explained_queued_merged_and_unmerged(db: &TestDb) {
    let app = App::new(db).await;
    let op = app.operation("JOR-AMM", "JOR").await;

    // the registry: Mohammed, and someone else
    let (st, first) = app.post(&format!("/api/v1/operations/{op}/persons"), None, &mohammed()).await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    assert_eq!(first["duplicates"], json!([]));
    let first_id = first["members"][0]["id"].as_str().unwrap().to_owned();
    let (st, other) = app
        .post(&format!("/api/v1/operations/{op}/persons"), None, &json!({"given_name": "Amina", "family_name": "Karimi", "sex": "F", "date_of_birth": "1992", "citizenship": "AFG"}))
        .await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(other["duplicates"], json!([]), "a clearly different person is no duplicate");

    // the check before saving: found and explained, nothing saved or queued
    let (st, check) = app.post(&format!("/api/v1/operations/{op}/duplicate-check"), None, &json!({"person": muhammad()})).await;
    assert_eq!(st, StatusCode::OK, "{check}");
    let found = check["duplicates"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{check}");
    assert_eq!(found[0]["candidate_id"], first_id.as_str());
    assert_eq!(found[0]["name"], "Mohammed Al-Hassan");
    assert_eq!(found[0]["case_number"], first["case_number"]);
    assert!(found[0]["person_id"].is_null() && found[0]["duplicate_id"].is_null());
    let score = found[0]["score"].as_f64().unwrap();
    assert!((0.5..=1.0).contains(&score), "{score}");
    let fields: Vec<&str> = found[0]["explanation"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"given_name") && fields.contains(&"date_of_birth"), "{fields:?}");
    let given = found[0]["explanation"].as_array().unwrap().iter().find(|f| f["field"] == "given_name").unwrap();
    assert!(given["weight"].as_f64().unwrap() > 0.0, "Mohammed and Muhammad are one name: {given}");
    let (_, queue) = app.get(&format!("/api/v1/operations/{op}/duplicates?status=open")).await;
    assert_eq!(queue["total"], 0);
    // a clearly different person, and a whole household
    let (_, none) = app
        .post(&format!("/api/v1/operations/{op}/duplicate-check"), None, &json!({"person": {"given_name": "Grace", "family_name": "Achol", "sex": "F", "date_of_birth": "2001-07-09", "citizenship": "SSD"}}))
        .await;
    assert_eq!(none["duplicates"], json!([]));
    let (st, hh_check) = app
        .post(
            &format!("/api/v1/operations/{op}/duplicate-check"),
            None,
            &json!({"household": {"members": [{"relationship": "PA", "person": {"given_name": "Grace", "family_name": "Achol", "sex": "F", "date_of_birth": "2001", "citizenship": "SSD"}},
                                              {"relationship": "NRL", "person": muhammad()}]}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{hh_check}");
    assert_eq!(hh_check["duplicates"].as_array().unwrap().iter().map(|d| d["member"].as_u64().unwrap()).collect::<Vec<_>>(), vec![1]);
    let (st, bad) = app.post(&format!("/api/v1/operations/{op}/duplicate-check"), None, &json!({})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");

    // registering Muhammad: the candidate comes back with the registration and is queued
    let (st, second) = app
        .post(
            &format!("/api/v1/operations/{op}/households"),
            None,
            &json!({"address": "Block C-12", "members": [{"relationship": "PA", "person": muhammad()},
                {"relationship": "SPS", "person": {"given_name": "Fatima", "family_name": "Alhassan", "sex": "F", "date_of_birth": "1984", "citizenship": "SYR"}}]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{second}");
    let second_id = second["members"][0]["id"].as_str().unwrap().to_owned();
    let dups = second["duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{second}");
    assert_eq!((dups[0]["member"].as_u64(), dups[0]["person_id"].as_str(), dups[0]["candidate_id"].as_str()), (Some(0), Some(second_id.as_str()), Some(first_id.as_str())));
    let did = dups[0]["duplicate_id"].as_str().unwrap().to_owned();
    let (_, queue) = app.get(&format!("/api/v1/operations/{op}/duplicates?status=open&limit=10")).await;
    assert_eq!(queue["total"], 1);
    assert_eq!(queue["items"][0]["id"], did.as_str());
    assert_eq!(queue["items"][0]["found_by"], "registration");
    assert!(queue["items"][0]["explanation"]["fields"].as_array().unwrap().len() >= 4);
    let (st, _) = app.get(&format!("/api/v1/operations/{op}/duplicates?status=maybe")).await;
    assert_eq!(st, StatusCode::BAD_REQUEST);

    // side by side
    let (st, pair) = app.get(&format!("/api/v1/duplicates/{did}")).await;
    assert_eq!(st, StatusCode::OK, "{pair}");
    let sides: Vec<&str> = pair["persons"].as_array().unwrap().iter().map(|p| p["person"]["person"]["given_name"].as_str().unwrap()).collect();
    assert_eq!(sides.len(), 2);
    assert!(sides.contains(&"Mohammed") && sides.contains(&"Muhammad"));
    assert!(pair["persons"][0]["case_number"].as_str().unwrap().starts_with("JOR-"));

    // decisions: a reason and the current version are required
    let path = |step: &str| format!("/api/v1/duplicates/{did}/{step}");
    let (st, _) = app.post(&path("confirm"), None, &json!({"version": 1, "reason": " "})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (st, stale) = app.post(&path("confirm"), None, &json!({"version": 9, "reason": "same person"})).await;
    assert_eq!((st, stale["error"]["current_version"].as_i64()), (StatusCode::CONFLICT, Some(1)));
    let (st, _) = app.post(&path("merge"), None, &json!({"version": 1, "reason": "same person"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "only a confirmed pair is merged");
    let (st, c) = app.post(&path("confirm"), None, &json!({"version": 1, "reason": "same date and place of birth; same father's name in interview"})).await;
    assert_eq!((st, c["duplicate"]["status"].as_str()), (StatusCode::OK, Some("confirmed")), "{c}");
    let (st, m) = app.post(&path("merge"), None, &json!({"version": 2, "reason": "registered twice on arrival"})).await;
    assert_eq!(st, StatusCode::OK, "{m}");
    assert_eq!((m["duplicate"]["status"].as_str(), m["duplicate"]["survivor"].as_str()), (Some("merged"), Some(first_id.as_str())));
    assert_eq!(m["duplicate"]["decided_by"], "clerk.user");

    // the merged record leads to the survivor; both histories are intact
    let (_, p) = app.get(&format!("/api/v1/persons/{second_id}")).await;
    assert_eq!(p["merged_into"], first_id.as_str());
    let (_, h) = app.get(&format!("/api/v1/persons/{second_id}/history")).await;
    assert_eq!(kinds(&h), ["person_registered", "person_merged"]);
    assert_eq!(h[1]["reason"], "registered twice on arrival");
    let (_, h) = app.get(&format!("/api/v1/persons/{first_id}/history")).await;
    assert_eq!(kinds(&h), ["person_registered", "person_merged"]);
    let (_, found) = app.get(&format!("/api/v1/persons?operation={op}&name=muhammad")).await;
    assert_eq!(found["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect::<Vec<_>>(), vec![first_id.as_str()]);
    let (st, _) = app.post(&path("merge"), None, &json!({"version": 3, "reason": "again"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "a merged pair is not merged again");
    // registering the same person a third time points at the survivor, not at the merged record
    let (_, third) = app.post(&format!("/api/v1/operations/{op}/persons"), None, &muhammad()).await;
    let cands: Vec<&str> = third["duplicates"].as_array().unwrap().iter().map(|d| d["candidate_id"].as_str().unwrap()).collect();
    assert_eq!(cands, vec![first_id.as_str()], "{third}");

    // undo
    let (st, u) = app.post(&path("unmerge"), None, &json!({"version": 3, "reason": "brothers, not one person"})).await;
    assert_eq!(st, StatusCode::OK, "{u}");
    assert_eq!((u["duplicate"]["status"].as_str(), u["duplicate"]["version"].as_i64()), (Some("open"), Some(4)));
    let (_, p) = app.get(&format!("/api/v1/persons/{second_id}")).await;
    assert!(p.get("merged_into").is_none(), "{p}");
    let (_, h) = app.get(&format!("/api/v1/persons/{second_id}/history")).await;
    assert_eq!(kinds(&h), ["person_registered", "person_merged", "person_unmerged"]);
    let (_, h) = app.get(&format!("/api/v1/persons/{first_id}/history")).await;
    assert_eq!(kinds(&h), ["person_registered", "person_merged", "person_unmerged"]);
    let (_, queue) = app.get(&format!("/api/v1/operations/{op}/duplicates?status=open")).await;
    assert_eq!(queue["total"], 2, "the pair is back in review, with the third registration's pair");
}

async fn openapi_lists_the_review_queue(db: &TestDb) {
    let app = App::new(db).await;
    let (st, doc) = app.get("/api/openapi.json").await;
    assert_eq!(st, StatusCode::OK);
    for p in [
        "/api/v1/operations/{operation_id}/duplicate-check",
        "/api/v1/operations/{operation_id}/duplicates",
        "/api/v1/duplicates/{id}",
        "/api/v1/duplicates/{id}/dismiss",
        "/api/v1/duplicates/{id}/confirm",
        "/api/v1/duplicates/{id}/merge",
        "/api/v1/duplicates/{id}/unmerge",
    ] {
        assert!(doc["paths"][p].is_object(), "{p} missing");
    }
    for s in ["RegisteredDto", "DuplicateMatchDto", "DuplicateDto", "DecisionRequest"] {
        assert!(doc["components"]["schemas"][s].is_object(), "{s} missing");
    }
}

macro_rules! on_both {
    ($($name:ident),*) => {
        mod sqlite { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::sqlite().await; super::$name(&db).await; db.cleanup().await; } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::postgres().await; super::$name(&db).await; db.cleanup().await; } )* }
    };
}
on_both!(variants_are_found_explained_queued_merged_and_unmerged, openapi_lists_the_review_queue, the_model_is_fitted_again_as_the_registry_grows);

async fn the_model_is_fitted_again_as_the_registry_grows(db: &TestDb) {
    // An operation that starts empty is scored with the generic model for tiny registries; as
    // registrations bring it past REFIT_FROM persons, and past each doubling, the model is fitted on
    // the registry (a fit needs enough candidate pairs: at the first refit a small registry may not
    // have them yet, and keeps the generic model until the next).
    let app = App::new(db).await;
    let op = app.operation("KEN-KAK", "KEN").await;
    let opid: nansen_domain::OperationId = op.parse().unwrap();
    let today = app.today();
    let mut persons = 0;
    for h in nansen_demo::generate(7, 900, today) {
        let (st, body) = app.post(&format!("/api/v1/operations/{op}/households"), None, &serde_json::to_value(&h).unwrap()).await;
        assert_eq!(st, StatusCode::CREATED, "{body}");
        persons += h.members.len();
        if persons > 2 * nansen_server::duplicates_api::REFIT_FROM + 50 {
            break;
        }
    }
    assert!(persons > 2 * nansen_server::duplicates_api::REFIT_FROM, "only {persons} persons generated");
    let fallback = nansen_matching::Model::fallback();
    let mut waited = 0;
    loop {
        let m = app.state.duplicates.model(opid).expect("the index was built at the first registration");
        if m.iterations > 0 && (m.lambda - fallback.lambda).abs() > 1e-12 {
            assert!(m.lambda < fallback.lambda, "a registry of {persons} persons has a smaller prior than a handful: {}", m.lambda);
            break;
        }
        waited += 1;
        assert!(waited < 600, "the model was not fitted again within a minute of the registry passing {} persons (iterations {}, prior {})", nansen_server::duplicates_api::REFIT_FROM, m.iterations, m.lambda);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}
