//! The registration request path: the access-log entry of a registration is committed with the
//! registration itself (one entry, the answer's status, the chain intact), other answers are logged
//! as before, and API tokens verified recently stop working at once when the account or its tokens
//! change — on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use nansen_domain::access::Role;
use nansen_store::accounts::{AccessEntry, UserChange};
use nansen_store::testing::TestDb;
use serde_json::json;
use support::App;

async fn entries_for(app: &App, action: &str) -> Vec<(String, i64)> {
    let log = app.state.accounts.access_log(10_000).await.unwrap();
    log.iter().filter(|e| e.entry.action == action).map(|e| (e.entry.target.clone(), e.entry.outcome)).collect()
}

async fn a_registration_is_logged_once_with_its_commit(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("KEN-KAK", "KEN").await;
    let persons = format!("/api/v1/operations/{op}/persons");
    for (given, dob) in [("Amina", "1990-04-02"), ("Omar", "1985"), ("Layla", "2001-07")] {
        let (st, v) = app.post(&persons, None, &json!({"given_name": given, "family_name": "Haddad", "sex": "F", "date_of_birth": dob, "citizenship": "SYR"})).await;
        assert_eq!(st, StatusCode::CREATED, "{v}");
    }
    let logged = entries_for(&app, "POST /api/v1/operations/{operation_id}/persons").await;
    assert_eq!(logged, vec![(persons.clone(), 201); 3], "one entry per registration, with the answer's status");

    // A refused registration wrote nothing and is logged with its refusal.
    let (st, _) = app.post(&persons, None, &json!({"given_name": "", "sex": "X"})).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let logged = entries_for(&app, "POST /api/v1/operations/{operation_id}/persons").await;
    assert_eq!(logged.iter().filter(|e| e.1 == 422).count(), 1, "{logged:?}");

    // A household sent again under its registration key is answered 200, writes nothing, and is
    // logged once with 200.
    let households = format!("/api/v1/operations/{op}/households");
    let body = json!({"registration_key": "KAK-0001", "members": [{"relationship": "PA", "person": {"given_name": "Deng", "family_name": "Garang", "sex": "M", "date_of_birth": "1980", "citizenship": "SSD"}}]});
    let (st, v) = app.post(&households, None, &body).await;
    assert_eq!(st, StatusCode::CREATED, "{v}");
    let (st, v) = app.post(&households, None, &body).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    let logged = entries_for(&app, "POST /api/v1/operations/{operation_id}/households").await;
    assert_eq!(logged, vec![(households.clone(), 201), (households, 200)].into_iter().rev().collect::<Vec<_>>(), "newest first");

    // Entries written by the group-commit writer and by account changes form one chain.
    support::token_for(&app.state, "second.clerk", &[Role::RegistrationClerk], None).await;
    let (st, _) = app.post(&persons, None, &json!({"given_name": "Noor", "sex": "F", "citizenship": "SYR"})).await;
    assert_eq!(st, StatusCode::CREATED);
    assert_eq!(app.state.accounts.verify_access_log().await.unwrap().first_break, None);
}

async fn concurrent_registrations_keep_one_chain(db: TestDb) {
    let app = std::sync::Arc::new(App::new(&db).await);
    let op = app.operation("KEN-DAD", "KEN").await;
    let token = app.token(None, false).await;
    let mut tasks = Vec::new();
    for i in 0..40 {
        let (app, op, token) = (app.clone(), op.clone(), token.clone());
        tasks.push(tokio::spawn(async move {
            let body = json!({"given_name": "Sami", "family_name": format!("Rahal{}", "a".repeat(i % 5)), "sex": "M", "date_of_birth": format!("19{:02}", 50 + i), "citizenship": "SYR"});
            let (st, v) = app.call_with(&token, "POST", &format!("/api/v1/operations/{op}/persons"), Some(&body)).await;
            assert_eq!(st, StatusCode::CREATED, "{v}");
            // reads logged between the writes, through the same writer
            let id = v["members"][0]["id"].as_str().unwrap().to_string();
            let (st, _) = app.call_with(&token, "GET", &format!("/api/v1/persons/{id}"), None).await;
            assert_eq!(st, StatusCode::OK);
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let logged = entries_for(&app, "POST /api/v1/operations/{operation_id}/persons").await;
    assert_eq!(logged.len(), 40);
    assert!(logged.iter().all(|e| e.1 == 201));
    assert_eq!(entries_for(&app, "GET /api/v1/persons/{id}").await.len(), 40);
    let report = app.state.accounts.verify_access_log().await.unwrap();
    assert_eq!(report.first_break, None);
}

async fn a_token_stops_at_once_when_its_account_changes(db: TestDb) {
    let app = App::new(&db).await;
    let clerk = support::token_for(&app.state, "cached.clerk", &[Role::RegistrationClerk], None).await;
    let admin = app.token(None, true).await;
    let (st, me) = app.call_with(&clerk, "GET", "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::OK, "{me}");
    let id = me["id"].as_str().unwrap().to_string();
    // verified once more, now from the cache
    let (st, _) = app.call_with(&clerk, "GET", "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::OK);

    // roles changed by an administrator: the next request sees the new roles
    let (st, u) = app.call_with(&admin, "GET", &format!("/api/v1/users/{id}"), None).await;
    assert_eq!(st, StatusCode::OK, "{u}");
    let (st, u) = app.call_with(&admin, "PUT", &format!("/api/v1/users/{id}"), Some(&json!({"version": u["version"], "roles": ["statistician"]}))).await;
    assert_eq!(st, StatusCode::OK, "{u}");
    let (_, me) = app.call_with(&clerk, "GET", "/api/v1/me", None).await;
    assert_eq!(me["roles"], json!(["statistician"]), "{me}");

    // disabled by an administrator: refused at once
    let (st, u) = app.call_with(&admin, "PUT", &format!("/api/v1/users/{id}"), Some(&json!({"version": u["user"]["version"], "disabled": true}))).await;
    assert_eq!(st, StatusCode::OK, "{u}");
    let (st, _) = app.call_with(&clerk, "GET", "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "a disabled account's token still worked");

    // a user's own password change revokes their tokens at once
    let own = support::token_for(&app.state, "own.password", &[Role::RegistrationClerk], None).await;
    let (st, _) = app.call_with(&own, "GET", "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::OK);
    let (st, v) =
        app.call_with(&own, "PUT", "/api/v1/me/password", Some(&json!({"current": support::TEST_PASSWORD, "new": "a much longer new passphrase 2026"}))).await;
    assert_eq!(st, StatusCode::NO_CONTENT, "{v}");
    let (st, _) = app.call_with(&own, "GET", "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "a token revoked by a password change still worked");

    // a change made by another process (the `nansen user` command) reaches this one within the
    // cache's lifetime
    let other = support::token_for(&app.state, "other.process", &[Role::RegistrationClerk], None).await;
    let (st, me) = app.call_with(&other, "GET", "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::OK);
    let uid: uuid::Uuid = me["id"].as_str().unwrap().parse().unwrap();
    let log = AccessEntry { at: chrono::Utc::now(), actor: "cli".into(), action: "user.update".into(), target: String::new(), origin: "-".into(), outcome: 1, reason: None };
    let version = me["version"].as_i64().unwrap_or(1);
    app.state.accounts.update_user(uid, version, UserChange { disabled: Some(true), ..Default::default() }, log).await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(nansen_server::auth::TOKEN_CACHE_SECS * 1000 + 200)).await;
    let (st, _) = app.call_with(&other, "GET", "/api/v1/me", None).await;
    assert_eq!(st, StatusCode::UNAUTHORIZED, "a change made elsewhere was not seen after the cache's lifetime");
}

on_both_backends!(a_registration_is_logged_once_with_its_commit);
on_both_backends!(concurrent_registrations_keep_one_chain);
on_both_backends!(a_token_stops_at_once_when_its_account_changes);
