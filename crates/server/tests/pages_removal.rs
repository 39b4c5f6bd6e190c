//! The removal pages in a browser's way, on SQLite and PostgreSQL: a request names persons one by
//! one; the page shows the real non-refoulement guard's verdict for each person, with its reasons
//! and sources; a person with a pending claim is refused, a screened person finally rejected may
//! be removed; execution re-evaluates; no group decision exists.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use nansen_domain::access::Role;
use nansen_store::testing::TestDb;
use serde_json::{json, Value};
use support::browser::browser;
use support::{step, App, REASONS};


async fn person(app: &App, op: &str, given: &str) -> Value {
    let (st, h) = app.post(&format!("/api/v1/operations/{op}/persons"), None, &json!({"given_name": given, "family_name": "Karimi", "sex": "M", "citizenship": "AFG"})).await;
    assert_eq!(st, StatusCode::CREATED, "{h}");
    h
}

async fn the_guard_decides_person_by_person(db: &TestDb) {
    let app = App::new(db).await;
    let op = app.operation("PAK-ISB", "PAK").await;
    let pending = person(&app, &op, "Ahmad").await;
    let pending_id = pending["members"][0]["id"].as_str().unwrap().to_string();
    let rejected = person(&app, &op, "Yusuf").await;
    let rejected_id = rejected["members"][0]["id"].as_str().unwrap().to_string();

    // Ahmad's claim is pending.
    let (st, _) = app.post(&format!("/api/v1/persons/{pending_id}/claims"), None, &json!({"track": "regular"})).await;
    assert_eq!(st, StatusCode::CREATED);
    // Yusuf was screened individually, his identity established, and his claim finally rejected.
    let today = app.today().to_string();
    let (st, p) = app
        .put(
            &format!("/api/v1/persons/{rejected_id}/protection"),
            None,
            &json!({"version": 0, "reason": "Screened at the border.", "record": {"screening": {"kind": "screened", "on": today, "protection_needs_indicated": true}, "identity_established": true}}),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{p}");
    let (_, mut c) = app.post(&format!("/api/v1/persons/{rejected_id}/claims"), None, &json!({"track": "regular"})).await;
    let when = (*app.now.lock().unwrap() + chrono::Duration::days(10)).to_rfc3339();
    step(&app, &mut c, "registration_clerk", 1, json!({"action": "register_for_rsd"})).await;
    step(&app, &mut c, "registration_clerk", 0, json!({"action": "schedule_interview", "at": when, "language": "prs", "interpreter_required": true})).await;
    step(&app, &mut c, "eligibility_officer", 10, json!({"action": "record_interview"})).await;
    step(&app, &mut c, "eligibility_officer", 1, json!({"action": "draft_assessment", "recommendation": "rejected"})).await;
    step(&app, &mut c, "supervisor", 1, json!({"action": "review"})).await;
    step(&app, &mut c, "eligibility_officer", 1, json!({"action": "decide", "outcome": "rejected", "reasons": REASONS})).await;
    step(&app, &mut c, "registration_clerk", 1, json!({"action": "notify", "method": "in_person"})).await;
    step(&app, &mut c, "registration_clerk", 31, json!({"action": "finalise"})).await;
    assert_eq!(c["state"]["stage"]["stage"], "final");

    let officer = browser(&app, "r.protection", &[Role::ProtectionOfficer]).await;
    let list = officer.get(&app, "/removals").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("action=\"/removals\""), "a protection officer may request: {}", list.body);

    // The form refuses what is not a person, naming it, and keeps what was typed.
    let r = officer.post(&app, "/removals", &[("operation", &op), ("kind", "deportation"), ("destination", "AFG"), ("persons", "all Afghans"), ("reason", "End of stay.")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"rm-persons-error\"") && r.body.contains("all, Afghans"), "{}", r.body);
    assert!(r.body.contains(">all Afghans</textarea>"));
    let r = officer.post(&app, "/removals", &[("operation", &op), ("kind", "deportation"), ("destination", "XX"), ("persons", ""), ("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for f in ["destination", "persons", "reason"] {
        assert!(r.body.contains(&format!("id=\"rm-{f}-error\"")), "{f}: {}", r.body);
    }

    // One request, two persons: each has the guard's own verdict.
    let persons = format!("{pending_id}\n{rejected_id}");
    let r = officer.post(&app, "/removals", &[("operation", &op), ("kind", "deportation"), ("destination", "AFG"), ("persons", &persons), ("reason", "End of stay.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let rid = r.location.trim_start_matches("/removals/").to_string();
    let page = officer.get(&app, &r.location).await;
    assert_eq!(page.status, StatusCode::OK);
    let verdict = |body: &str, id: &str| -> String {
        let at = body.find(&format!("/persons/{id}\"")).unwrap_or_else(|| panic!("{id} is not on the page: {body}"));
        let rest = &body[at..];
        let end = rest[1..].find("<li class=\"verdict").map(|i| i + 1).unwrap_or(rest.len());
        rest[..end].to_string()
    };
    let refused = verdict(&page.body, &pending_id);
    assert!(refused.contains("removal refused"), "{refused}");
    assert!(refused.contains("Claim or appeal pending (suspensive effect)"), "{refused}");
    assert!(refused.contains("a claim, review or appeal is pending"), "the guard's own reason: {refused}");
    assert!(refused.contains("Art. 33(1)"), "its legal source");
    assert!(refused.contains("Not individually screened"), "every reason is shown: {refused}");
    let allowed = verdict(&page.body, &rejected_id);
    assert!(allowed.contains("removal allowed"), "the guard allows removing a screened person whose claim was finally rejected: {allowed}");
    assert!(!allowed.contains("refusal-"), "{allowed}");
    assert!(page.body.contains("Allowed: 1 · Refused: 1"));
    assert!(page.body.contains("Ahmad Karimi") && page.body.contains("Yusuf Karimi"));
    assert!(!page.body.contains("override"), "there is no group-level override");
    // the API reads the same stored verdicts
    let (_, api) = app.get(&format!("/api/v1/removals/{rid}")).await;
    let evals = api["evaluations"].as_array().unwrap();
    assert_eq!(evals.iter().filter(|e| e["allowed"] == true).count(), 1);
    assert!(evals.iter().any(|e| e["person_id"] == pending_id.as_str() && e["allowed"] == false));

    // The list shows the request and its tally.
    let list = officer.get(&app, "/removals?open=1").await;
    assert!(list.body.contains(&format!("href=\"/removals/{rid}\"")), "{}", list.body);
    assert!(list.body.contains("1 request."));

    // Execution re-evaluates every person and removes only those allowed now.
    let version = page.body.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let r = officer.post(&app, &format!("/removals/{rid}/execute"), &[("version", &version)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = officer.get(&app, &format!("/removals/{rid}")).await;
    assert!(page.body.contains("At execution"));
    assert!(page.body.contains("· removed"), "{}", page.body);
    assert!(!page.body.contains(&format!("action=\"/removals/{rid}/execute\"")), "no second execution");
    let (_, api) = app.get(&format!("/api/v1/removals/{rid}")).await;
    assert_eq!(api["data"]["executed_for"], json!([rejected_id]));
    let again = officer.post(&app, &format!("/removals/{rid}/execute"), &[("version", &version)]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(!officer.get(&app, "/removals?open=1").await.body.contains(&rid), "executed requests leave the open list");

    // A case number names every member of the household, each evaluated on their own.
    let case = pending["case_number"].as_str().unwrap();
    let r = officer.post(&app, "/removals", &[("operation", &op), ("kind", "removal"), ("destination", "AFG"), ("persons", case), ("reason", "End of stay.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = officer.get(&app, &r.location).await;
    assert!(page.body.contains(&format!("/persons/{pending_id}\"")) && page.body.contains("removal refused"));

    // The host State's liaison asks too, and reads the verdicts without the registry's names.
    let liaison = browser(&app, "r.liaison", &[Role::HostStateLiaison]).await;
    let page = liaison.get(&app, &format!("/removals/{rid}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&pending_id) && page.body.contains("removal refused"));
    assert!(!page.body.contains("Ahmad"), "the liaison does not read the registry: {}", page.body);
    let r = liaison.post(&app, "/removals", &[("operation", &op), ("kind", "removal"), ("destination", "AFG"), ("persons", case), ("reason", "x")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "case numbers need the registry");
    assert!(r.body.contains("name persons by their identifiers"));
    assert!(!page.body.contains("/execute\""), "the liaison does not execute");
    // A role without removal_read does not reach the pages.
    let clerk = browser(&app, "r.clerk", &[Role::RegistrationClerk]).await;
    assert_eq!(clerk.get(&app, "/removals").await.status, StatusCode::FORBIDDEN);
    assert_eq!(clerk.get(&app, &format!("/removals/{rid}")).await.status, StatusCode::FORBIDDEN);
}

macro_rules! both {
    ($($name:ident),*) => {
        mod sqlite { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::sqlite().await; super::$name(&db).await; db.cleanup().await; } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::postgres().await; super::$name(&db).await; db.cleanup().await; } )* }
    };
}
both!(the_guard_decides_person_by_person);
