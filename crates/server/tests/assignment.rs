//! Scoping by case assignment: a user limited to assigned cases sees, inside their operations, only
//! the households assigned to them — persons, households, claims, search results, queues, duplicate
//! pairs and removals — and everything else answers 404, exactly like a record that does not exist.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use nansen_store::testing::TestDb;
use serde_json::{json, Value};
use support::{family, App};

/// Creates, as an administrator, the account `caseworker` (eligibility and protection officer in
/// every operation, limited to assigned cases) and returns its id and an API token.
async fn caseworker(app: &App) -> (String, String) {
    limited_to_assigned_cases(app, "caseworker", &["eligibility_officer", "protection_officer"]).await
}

/// Creates, as an administrator, the account `username` with `roles` in every operation, limited
/// to assigned cases, and returns its id and an API token.
async fn limited_to_assigned_cases(app: &App, username: &str, roles: &[&str]) -> (String, String) {
    let admin = app.token(None, true).await;
    let (st, u) = app
        .call_with(
            &admin,
            "POST",
            "/api/v1/users",
            Some(&json!({"username": username, "display_name": "Limited User", "password": support::TEST_PASSWORD, "roles": roles, "operations": ["*"], "assigned_only": true})),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{u}");
    assert_eq!(u["assigned_only"], true);
    let id = u["id"].as_str().unwrap().to_string();
    let (st, t) = app.call_with(&admin, "POST", &format!("/api/v1/users/{id}/tokens"), Some(&json!({"name": "test"}))).await;
    assert_eq!(st, StatusCode::CREATED, "{t}");
    (id, t["token"].as_str().unwrap().to_string())
}

async fn get(app: &App, token: &str, path: &str) -> (StatusCode, Value) {
    app.call_with(token, "GET", path, None).await
}

#[track_caller]
fn id(v: &Value) -> String {
    v.as_str().unwrap().to_string()
}

async fn a_caseworker_sees_only_the_cases_assigned_to_them(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("KEN-KAK", "KEN").await;
    // Two families with the same names: the second registration is queued as a likely duplicate of the first.
    let a = family(&app, &op).await;
    let b = family(&app, &op).await;
    let (hh_a, hh_b) = (id(&a["id"]), id(&b["id"]));
    let (pa_a, pa_b) = (id(&a["members"][0]["id"]), id(&b["members"][0]["id"]));
    let (_, claim_a) = app.post(&format!("/api/v1/persons/{pa_a}/claims"), None, &json!({"track": "regular"})).await;
    let (_, claim_b) = app.post(&format!("/api/v1/persons/{pa_b}/claims"), None, &json!({"track": "regular"})).await;
    let (claim_a, claim_b) = (id(&claim_a["id"]), id(&claim_b["id"]));
    let (_, pairs) = app.call("GET", &format!("/api/v1/operations/{op}/duplicates?status=open"), None, None).await;
    assert!(pairs["total"].as_i64().unwrap() > 0, "the two families are proposed as duplicates: {pairs}");
    let pair = id(&pairs["items"][0]["id"]);
    let removal = |persons: Vec<String>| json!({"kind": "removal", "destination": "SYR", "persons": persons, "reason": "end of stay"});
    let (st, rem_a) = app.post(&format!("/api/v1/operations/{op}/removals"), None, &removal(vec![pa_a.clone()])).await;
    assert_eq!(st, StatusCode::CREATED, "{rem_a}");
    let (_, rem_ab) = app.post(&format!("/api/v1/operations/{op}/removals"), None, &removal(vec![pa_a.clone(), pa_b.clone()])).await;
    let (rem_a, rem_ab) = (id(&rem_a["id"]), id(&rem_ab["id"]));

    let (user_id, cw) = caseworker(&app).await;

    // Before any assignment: nothing of the operation, not even that a case exists.
    for path in [format!("/api/v1/persons/{pa_a}"), format!("/api/v1/households/{hh_a}"), format!("/api/v1/claims/{claim_a}"), format!("/api/v1/duplicates/{pair}"), format!("/api/v1/removals/{rem_a}")] {
        let (st, e) = get(&app, &cw, &path).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {e}");
    }
    let (st, found) = get(&app, &cw, &format!("/api/v1/persons?operation={op}&name=haddad")).await;
    assert_eq!(st, StatusCode::OK, "{found}");
    assert_eq!(found["total"], 0, "{found}");

    // Who may assign, to whom, and why.
    let assign = |who: &str| json!({"username": who, "reason": "Eligibility interview and assessment, team 2"});
    let (st, _) = app.post(&format!("/api/v1/households/{hh_a}/assignments"), Some("eligibility_officer"), &assign("caseworker")).await;
    assert_eq!(st, StatusCode::FORBIDDEN, "an eligibility officer does not assign cases");
    let (st, e) = app.post(&format!("/api/v1/households/{hh_a}/assignments"), None, &assign("nobody")).await;
    assert_eq!((st, e["error"]["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_user")), "{e}");
    let (st, e) = app.post(&format!("/api/v1/households/{hh_a}/assignments"), None, &assign("admin.user")).await;
    assert_eq!((st, e["error"]["fields"][0]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("no_case_access")), "{e}");
    let (st, e) = app.post(&format!("/api/v1/households/{hh_a}/assignments"), None, &json!({"username": "caseworker", "reason": ""})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "a reason is required: {e}");
    let (st, asg) = app.post(&format!("/api/v1/households/{hh_a}/assignments"), None, &assign("caseworker")).await;
    assert_eq!(st, StatusCode::CREATED, "{asg}");
    assert_eq!((asg["username"].as_str(), asg["active"].as_bool()), (Some("caseworker"), Some(true)));
    let (st, _) = app.post(&format!("/api/v1/households/{hh_a}/assignments"), None, &assign("caseworker")).await;
    assert_eq!(st, StatusCode::CONFLICT, "assigned twice");

    // Case A is open to the caseworker; case B is not, by any route.
    for path in [format!("/api/v1/persons/{pa_a}"), format!("/api/v1/households/{hh_a}"), format!("/api/v1/claims/{claim_a}"), format!("/api/v1/persons/{pa_a}/history"), format!("/api/v1/removals/{rem_a}")] {
        let (st, e) = get(&app, &cw, &path).await;
        assert_eq!(st, StatusCode::OK, "{path}: {e}");
    }
    for path in [
        format!("/api/v1/persons/{pa_b}"),
        format!("/api/v1/households/{hh_b}"),
        format!("/api/v1/claims/{claim_b}"),
        format!("/api/v1/persons/{pa_b}/claims"),
        format!("/api/v1/duplicates/{pair}"),
        format!("/api/v1/removals/{rem_ab}"),
    ] {
        let (st, e) = get(&app, &cw, &path).await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{path}: {e}");
    }
    let (_, found) = get(&app, &cw, &format!("/api/v1/persons?operation={op}&name=haddad")).await;
    assert_eq!(found["total"], 3, "only the three members of case A: {found}");
    assert!(found["items"].as_array().unwrap().iter().all(|p| p["household_id"] == json!(hh_a)), "{found}");
    let (_, queue) = get(&app, &cw, &format!("/api/v1/operations/{op}/duplicates")).await;
    assert_eq!(queue["total"], 0, "every pair names a person of case B: {queue}");
    // Nor can the caseworker name a person of case B in a request.
    let (st, _) = app.call_with(&cw, "POST", &format!("/api/v1/operations/{op}/removals"), Some(&removal(vec![pa_b.clone()]))).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (st, e) = app.call_with(&cw, "POST", &format!("/api/v1/operations/{op}/removals"), Some(&removal(vec![pa_a.clone()]))).await;
    assert_eq!(st, StatusCode::CREATED, "{e}");

    // The staff pages apply the same bound: lists, queues and the records themselves.
    let web = support::browser::sign_in(&app, "caseworker").await;
    let claims = web.get(&app, "/claims").await;
    assert!(claims.body.contains(&format!("/claims/{claim_a}")) && !claims.body.contains(&format!("/claims/{claim_b}")), "{}", claims.body);
    assert_eq!(web.get(&app, &format!("/claims/{claim_b}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(web.get(&app, &format!("/persons/{pa_b}")).await.status, StatusCode::NOT_FOUND);
    assert_eq!(web.get(&app, &format!("/persons/{pa_a}")).await.status, StatusCode::OK);
    let removals = web.get(&app, "/removals").await;
    assert!(!removals.body.contains(&rem_ab), "a request naming a person of case B is listed: {}", removals.body);

    // A user not limited to assigned cases still sees both (the limit is the account's, not the role's).
    let (st, _) = app.call("GET", &format!("/api/v1/persons/{pa_b}"), Some("eligibility_officer"), None).await;
    assert_eq!(st, StatusCode::OK);

    // Ending the assignment closes the case again; the ended assignment stays on record.
    let aid = id(&asg["id"]);
    let (st, ended) = app.post(&format!("/api/v1/assignments/{aid}/end"), None, &json!({"reason": "Case transferred to team 3"})).await;
    assert_eq!(st, StatusCode::OK, "{ended}");
    assert_eq!(ended["active"], false);
    let (st, e) = app.post(&format!("/api/v1/assignments/{aid}/end"), None, &json!({"reason": "again"})).await;
    assert_eq!((st, e["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("already_ended")), "{e}");
    let (st, _) = get(&app, &cw, &format!("/api/v1/persons/{pa_a}")).await;
    assert_eq!(st, StatusCode::NOT_FOUND);
    let (_, list) = app.call("GET", &format!("/api/v1/households/{hh_a}/assignments"), None, None).await;
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!((list[0]["username"].as_str(), list[0]["end_reason"].as_str()), (Some("caseworker"), Some("Case transferred to team 3")));

    // Both changes are in the chained access log, with their reasons.
    let log = app.state.accounts.access_log(100).await.unwrap();
    for action in ["case.assign", "case.unassign"] {
        let e = log.iter().find(|e| e.entry.action == action).unwrap_or_else(|| panic!("{action} is not in the access log"));
        assert!(e.entry.reason.is_some(), "{action} without its reason");
    }
    assert!(app.state.accounts.verify_access_log().await.unwrap().first_break.is_none());

    // The household page: a senior protection officer assigns case B and ends it, with reasons.
    let senior = support::browser::sign_in(&app, "clerk.user").await;
    let page = senior.get(&app, &format!("/households/{hh_b}")).await;
    assert!(page.body.contains(&format!("action=\"/households/{hh_b}/assignments\"")), "{}", page.body);
    let refused = senior.post(&app, &format!("/households/{hh_b}/assignments"), &[("username", "caseworker"), ("reason", "")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", refused.body);
    assert!(refused.body.contains("role=\"alert\"") && refused.body.contains("value=\"caseworker\""), "the error is shown and the name kept: {}", refused.body);
    let done = senior.post(&app, &format!("/households/{hh_b}/assignments"), &[("username", "caseworker"), ("reason", "Appeal preparation")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(get(&app, &cw, &format!("/api/v1/persons/{pa_b}")).await.0, StatusCode::OK, "case B is now the caseworker's");
    let page = senior.get(&app, &format!("/households/{hh_b}")).await;
    assert!(page.body.contains("Appeal preparation"), "{}", page.body);
    let (_, list) = app.call("GET", &format!("/api/v1/households/{hh_b}/assignments"), None, None).await;
    let running = id(&list[0]["id"]);
    let ended = senior.post(&app, &format!("/assignments/{running}/end"), &[("reason", "Appeal decided")]).await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER, "{}", ended.body);
    assert_eq!(get(&app, &cw, &format!("/api/v1/persons/{pa_b}")).await.0, StatusCode::NOT_FOUND);
    // Case A is closed to the caseworker's pages too, now that its assignment has ended.
    let own = web.get(&app, &format!("/households/{hh_a}")).await;
    assert_eq!(own.status, StatusCode::NOT_FOUND, "case A's assignment has ended");

    // Lifting the limit opens every case of the operation to the account.
    let admin = app.token(None, true).await;
    let (_, u) = app.call_with(&admin, "GET", &format!("/api/v1/users/{user_id}"), None).await;
    let (st, u) = app.call_with(&admin, "PUT", &format!("/api/v1/users/{user_id}"), Some(&json!({"version": u["version"], "assigned_only": false}))).await;
    assert_eq!(st, StatusCode::OK, "{u}");
    let (st, _) = get(&app, &cw, &format!("/api/v1/persons/{pa_b}")).await;
    assert_eq!(st, StatusCode::OK);
}

on_both_backends!(a_caseworker_sees_only_the_cases_assigned_to_them);

/// A registration clerk limited to assigned cases keeps every case they register, through the API
/// and through the registration page, and still sees no other case.
async fn a_clerk_limited_to_assigned_cases_is_assigned_what_they_register(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("KEN-KAK", "KEN").await;
    let other = family(&app, &op).await;
    let (_, clerk) = limited_to_assigned_cases(&app, "desk.clerk", &["registration_clerk"]).await;

    // Through the API.
    let person = json!({"given_name": "Achol", "family_name": "Deng", "sex": "F", "date_of_birth": "1991-02", "citizenship": "SSD"});
    let (st, hh) = app.call_with(&clerk, "POST", &format!("/api/v1/operations/{op}/persons"), Some(&person)).await;
    assert_eq!(st, StatusCode::CREATED, "{hh}");
    let (hid, pid) = (id(&hh["id"]), id(&hh["members"][0]["id"]));
    for path in [format!("/api/v1/households/{hid}"), format!("/api/v1/persons/{pid}")] {
        let (st, v) = get(&app, &clerk, &path).await;
        assert_eq!(st, StatusCode::OK, "the clerk opens the case they registered: {path}: {v}");
    }
    let (_, list) = app.call("GET", &format!("/api/v1/households/{hid}/assignments"), None, None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!((list[0]["username"].as_str(), list[0]["active"].as_bool()), (Some("desk.clerk"), Some(true)), "{list}");
    assert_eq!(list[0]["reason"], nansen_server::assignment_api::REGISTERED_BY_ASSIGNEE, "{list}");
    // Still nothing of anyone else's case.
    assert_eq!(get(&app, &clerk, &format!("/api/v1/households/{}", id(&other["id"]))).await.0, StatusCode::NOT_FOUND);
    let (_, found) = get(&app, &clerk, &format!("/api/v1/persons?operation={op}&name=haddad")).await;
    assert_eq!(found["total"], 0, "{found}");

    // Through the registration page: saved, and its own page opens.
    let web = support::browser::sign_in(&app, "desk.clerk").await;
    let fields = [
        ("rows", "1"),
        ("operation", op.as_str()),
        ("m0.given_name", "Garang"),
        ("m0.family_name", "Majok"),
        ("m0.sex", "M"),
        ("m0.dob_year", "1980"),
        ("m0.citizenship", "SSD"),
        ("action", "check"),
    ];
    let saved = web.post(&app, "/register", &fields).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = web.get(&app, &saved.location).await;
    assert_eq!(page.status, StatusCode::OK, "the clerk lands on the case they registered: {}", page.body);
    assert!(page.body.contains("Garang Majok"), "{}", page.body);

    // An account that sees every case of its operations is assigned nothing when it registers.
    let (st, hh) = app.post(&format!("/api/v1/operations/{op}/persons"), Some("registration_clerk"), &json!({"given_name": "Nyibol", "family_name": "Akol", "sex": "F", "date_of_birth": "1999", "citizenship": "SSD"})).await;
    assert_eq!(st, StatusCode::CREATED, "{hh}");
    let (_, list) = app.call("GET", &format!("/api/v1/households/{}/assignments", id(&hh["id"])), None, None).await;
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{list}");
    assert!(app.state.accounts.verify_access_log().await.unwrap().first_break.is_none());
}

on_both_backends!(a_clerk_limited_to_assigned_cases_is_assigned_what_they_register);
