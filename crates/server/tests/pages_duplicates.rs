//! The duplicate review pages in the browser's way (session cookie, forms, no JavaScript), over the
//! real router, on SQLite and PostgreSQL: the queue lists a proposed pair with counts; the comparison
//! shows both records side by side with the matcher's explanation and hides sensitive needs from
//! roles without sensitive_read; dismiss, confirm, merge and undo work from the page, need a reason
//! and the current version, and show in the histories; a pair outside the user's operations is the
//! same 404 as a missing one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::http::StatusCode;
use nansen_domain::access::Role;
use nansen_store::accounts::OperationScope;
use nansen_store::testing::TestDb;
use serde_json::{json, Value};
use support::browser::{form, with_session as browser, Browser, Resp};
use support::App;

async fn send(app: &App, b: &Browser, method: &str, path: &str, fields: Option<&[(&str, &str)]>) -> Resp {
    b.send(app, method, path, fields.map(form)).await
}

fn kinds(history: &Value) -> Vec<String> {
    history.as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_owned()).collect()
}

/// An operation with Mohammed (with a health need and a need anyone may see), someone else, and
/// Muhammad registered later, which queues the pair. Returns (operation, Mohammed, Muhammad, pair).
async fn pair(app: &App) -> (String, String, String, String) {
    let op = app.operation("JOR-AMM", "JOR").await;
    let (st, first) = app
        .post(
            &format!("/api/v1/operations/{op}/persons"),
            None,
            &json!({"given_name": "Mohammed", "family_name": "Al-Hassan", "given_name_original": "محمد", "sex": "M", "date_of_birth": "1980-03-04",
                    "citizenship": "SYR", "place_of_birth": "Homs", "specific_needs": ["SM-CI", "LP-ND"]}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    let (st, _) = app.post(&format!("/api/v1/operations/{op}/persons"), None, &json!({"given_name": "Amina", "family_name": "Karimi", "sex": "F", "date_of_birth": "1992", "citizenship": "AFG"})).await;
    assert_eq!(st, StatusCode::CREATED);
    let (st, second) = app
        .post(
            &format!("/api/v1/operations/{op}/persons"),
            None,
            &json!({"given_name": "Muhammad", "family_name": "Alhassan", "sex": "M", "date_of_birth": "1980-03-04", "citizenship": "SYR", "place_of_birth": "Homs"}),
        )
        .await;
    assert_eq!(st, StatusCode::CREATED, "{second}");
    let did = second["duplicates"][0]["duplicate_id"].as_str().expect("the pair is queued").to_string();
    (op, first["members"][0]["id"].as_str().unwrap().into(), second["members"][0]["id"].as_str().unwrap().into(), did)
}

async fn the_queue_and_the_comparison_show_the_pair(db: TestDb) {
    let app = App::new(&db).await;
    let (op, first, second, did) = pair(&app).await;
    let clerk = browser(&app, "reg.clerk", &[Role::RegistrationClerk], OperationScope::All).await;

    let q = send(&app, &clerk, "GET", "/duplicates", None).await;
    assert_eq!(q.status, StatusCode::OK, "{}", q.body);
    assert!(q.body.contains("<bdi>Mohammed Al-Hassan</bdi>") && q.body.contains("<bdi>Muhammad Alhassan</bdi>"), "{}", q.body);
    assert!(q.body.contains(&format!(r#"href="/duplicates/{did}""#)));
    assert!(q.body.contains(r#"aria-current="page">to review <span class="count">1</span>"#), "{}", q.body);
    assert!(q.body.contains(r#"merged <span class="count">0</span>"#));
    assert!(q.body.contains("Pairs 1 to 1 of 1") && q.body.contains("found at registration"));
    let merged = send(&app, &clerk, "GET", &format!("/duplicates?operation={op}&status=merged"), None).await;
    assert_eq!(merged.status, StatusCode::OK);
    assert!(merged.body.contains("No pair here.") && !merged.body.contains(&format!("/duplicates/{did}\"")));
    assert_eq!(send(&app, &clerk, "GET", "/duplicates?status=maybe", None).await.status, StatusCode::BAD_REQUEST);

    // Side by side: both records, every field, differences marked, the matcher's explanation.
    let c = send(&app, &clerk, "GET", &format!("/duplicates/{did}"), None).await;
    assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    assert!(c.body.contains(&format!(r#"<a href="/persons/{first}"><bdi>Mohammed Al-Hassan</bdi></a>"#)));
    assert!(c.body.contains(&format!(r#"<a href="/persons/{second}"><bdi>Muhammad Alhassan</bdi></a>"#)));
    let row = |label: &str| c.body.split(&format!("<th scope=\"row\">{label}")).nth(1).map(|r| r[..r.find("</tr>").unwrap()].to_string()).unwrap_or_else(|| panic!("no row {label}"));
    assert!(row("Name (Latin)").starts_with(" <span class=\"sr\">(differs)"), "names differ");
    assert!(row("Date of birth").contains("<bdi>4 March 1980</bdi></td><td><bdi>4 March 1980</bdi>"));
    assert!(!row("Date of birth").contains("differs"), "the same date is not marked as a difference");
    assert!(row("Place of birth").contains("Homs"));
    assert!(c.body.contains("Why they may be one person") && c.body.contains("<th scope=\"row\">Given name</th>") && c.body.contains("same full date"));
    assert!(c.body.contains(r#"action="/duplicates/"#) && c.body.contains(&format!(r#"name="csrf" value="{}""#, clerk.csrf)));
    // A clerk (no sensitive_read) does not see the health need, only that one is withheld.
    let needs = row("Specific needs");
    assert!(needs.contains("LP-ND") && !c.body.contains("SM-CI") && !c.body.contains("Chronic illness"), "{needs}");
    assert!(c.body.contains("One more need concerning health, violence or torture is recorded"));
    let officer = browser(&app, "an.officer", &[Role::EligibilityOfficer], OperationScope::All).await;
    let c = send(&app, &officer, "GET", &format!("/duplicates/{did}"), None).await;
    assert!(c.body.contains("SM-CI Chronic illness"), "an officer with sensitive_read sees the need");

    // The API's view of the pair hides the health need from the clerk the same way.
    let (st, v) = app.call("GET", &format!("/api/v1/duplicates/{did}"), Some("registration_clerk"), None).await;
    assert_eq!(st, StatusCode::OK, "{v}");
    assert!(!v.to_string().contains("SM-CI"), "the API leaked a health need: {v}");
    let side = v["persons"].as_array().unwrap().iter().find(|p| p["person"]["id"] == first.as_str()).unwrap();
    assert_eq!((side["person"]["person"]["specific_needs"].clone(), side["person"]["restricted_needs"].clone()), (json!(["LP-ND"]), json!(1)));

    // A role without duplicate_review is refused.
    let appeal = browser(&app, "appeal.officer", &[Role::AppealOfficer], OperationScope::All).await;
    assert_eq!(send(&app, &appeal, "GET", "/duplicates", None).await.status, StatusCode::FORBIDDEN);
    assert_eq!(send(&app, &appeal, "GET", &format!("/duplicates/{did}"), None).await.status, StatusCode::FORBIDDEN);
}

async fn dismiss_from_the_page(db: TestDb) {
    let app = App::new(&db).await;
    let (_, _, second, did) = pair(&app).await;
    let clerk = browser(&app, "reg.clerk", &[Role::RegistrationClerk], OperationScope::All).await;
    let path = format!("/duplicates/{did}/dismiss");
    // No reason: the form comes back marked, nothing changes.
    let r = send(&app, &clerk, "POST", &path, Some(&[("csrf", &clerk.csrf), ("version", "1"), ("reason", "  ")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains(r#"id="dismiss-reason" name="reason" rows="2" dir="auto" aria-invalid="true" aria-describedby="dismiss-error""#), "{}", r.body);
    assert!(r.body.contains(r#"id="dismiss-error">Give a reason"#));
    // Without the CSRF token: refused.
    let r = send(&app, &clerk, "POST", &path, Some(&[("version", "1"), ("reason", "different fathers")])).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A stale version: the current state is shown.
    let r = send(&app, &clerk, "POST", &path, Some(&[("csrf", &clerk.csrf), ("version", "7"), ("reason", "different fathers")])).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("Someone else decided on this pair in the meantime"));
    let (_, d) = app.get(&format!("/api/v1/duplicates/{did}")).await;
    assert_eq!(d["duplicate"]["status"], "open");

    let r = send(&app, &clerk, "POST", &path, Some(&[("csrf", &clerk.csrf), ("version", "1"), ("reason", "different fathers named in the interview")])).await;
    assert_eq!((r.status, r.location.as_str()), (StatusCode::SEE_OTHER, format!("/duplicates/{did}?done=dismiss").as_str()), "{}", r.body);
    let page = send(&app, &clerk, "GET", &r.location, None).await;
    assert!(page.body.contains(r#"<p class="done" role="status">Recorded: not the same person.</p>"#));
    assert!(page.body.contains("<strong>not the same person</strong>") && page.body.contains("<bdi>different fathers named in the interview</bdi>"), "{}", page.body);
    assert!(!page.body.contains(r#"action="/duplicates/"#), "a dismissed pair offers no decision");
    let (_, d) = app.get(&format!("/api/v1/duplicates/{did}")).await;
    assert_eq!((d["duplicate"]["status"].as_str(), d["duplicate"]["decided_by"].as_str()), (Some("dismissed"), Some("reg.clerk")));
    let (_, h) = app.get(&format!("/api/v1/persons/{second}/history")).await;
    assert_eq!(kinds(&h), ["person_registered"], "a dismissal changes no person");
}

async fn merge_and_undo_from_the_page(db: TestDb) {
    let app = App::new(&db).await;
    let (op, first, second, did) = pair(&app).await;
    let clerk = browser(&app, "reg.clerk", &[Role::RegistrationClerk], OperationScope::All).await;
    let c = send(&app, &clerk, "GET", &format!("/duplicates/{did}"), None).await;
    assert!(!c.body.contains("/merge\""), "an open pair is confirmed before it is merged");
    let r = send(&app, &clerk, "POST", &format!("/duplicates/{did}/confirm"), Some(&[("csrf", &clerk.csrf), ("version", "1"), ("reason", "same date and place of birth")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let c = send(&app, &clerk, "GET", &r.location, None).await;
    assert!(c.body.contains("Recorded: the same person."));
    // The merge form offers both records, the one registered first chosen.
    assert!(c.body.contains(&format!(r#"name="survivor" value="{first}" checked"#)) && c.body.contains(&format!(r#"name="survivor" value="{second}""#)), "{}", c.body);
    // Keep the later record this time.
    let r = send(&app, &clerk, "POST", &format!("/duplicates/{did}/merge"), Some(&[("csrf", &clerk.csrf), ("version", "2"), ("survivor", &second), ("reason", "registered twice on arrival")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let c = send(&app, &clerk, "GET", &r.location, None).await;
    assert!(c.body.contains("The records were merged.") && c.body.contains(r#"action="/duplicates/"#) && c.body.contains("/unmerge\""));
    let (_, p) = app.get(&format!("/api/v1/persons/{first}")).await;
    assert_eq!(p["merged_into"], second.as_str());
    let (_, h) = app.get(&format!("/api/v1/persons/{first}/history")).await;
    assert_eq!(kinds(&h), ["person_registered", "person_merged"]);
    assert_eq!(h[1]["reason"], "registered twice on arrival");
    let q = send(&app, &clerk, "GET", &format!("/duplicates?operation={op}&status=merged"), None).await;
    assert!(q.body.contains(&format!("/duplicates/{did}\"")) && q.body.contains("merged record"));

    // Undo needs a reason too, then both records stand alone and the pair is back in review.
    let r = send(&app, &clerk, "POST", &format!("/duplicates/{did}/unmerge"), Some(&[("csrf", &clerk.csrf), ("version", "3"), ("reason", "")])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = send(&app, &clerk, "POST", &format!("/duplicates/{did}/unmerge"), Some(&[("csrf", &clerk.csrf), ("version", "3"), ("reason", "brothers, not one person")])).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let c = send(&app, &clerk, "GET", &r.location, None).await;
    assert!(c.body.contains("The merge was undone; the pair is back in review.") && c.body.contains("/confirm\""));
    let (_, p) = app.get(&format!("/api/v1/persons/{first}")).await;
    assert!(p.get("merged_into").is_none(), "{p}");
    for id in [&first, &second] {
        let (_, h) = app.get(&format!("/api/v1/persons/{id}/history")).await;
        assert!(kinds(&h).ends_with(&["person_merged".to_string(), "person_unmerged".to_string()]), "{h}");
    }
    // The pair's own history shows every decision, in order.
    let hist = c.body.split("<ol class=\"timeline\">").nth(1).unwrap();
    let order: Vec<usize> = ["proposed for review", "confirmed as the same person", "merged", "merge undone"].iter().map(|k| hist.find(&format!("<strong>{k}</strong>")).unwrap_or_else(|| panic!("{k}"))).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{hist}");
}

async fn a_pair_outside_the_scope_is_not_found(db: TestDb) {
    let app = App::new(&db).await;
    let (op, _, _, did) = pair(&app).await;
    let other = app.operation("KEN-KAK", "KEN").await;
    let kakuma = browser(&app, "kakuma.officer", &[Role::RegistrationClerk], OperationScope::Only(vec![other.parse().unwrap()])).await;
    let missing = "01900000-0000-7000-8000-000000000000";
    let a = send(&app, &kakuma, "GET", &format!("/duplicates/{did}"), None).await;
    let b = send(&app, &kakuma, "GET", &format!("/duplicates/{missing}"), None).await;
    assert_eq!((a.status, b.status), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(a.body.replace(&did, "ID"), b.body.replace(missing, "ID"), "the answers tell an existing pair from a missing one");
    assert!(!a.body.contains("Mohammed") && !a.body.contains("Muhammad"));
    let r = send(&app, &kakuma, "POST", &format!("/duplicates/{did}/dismiss"), Some(&[("csrf", &kakuma.csrf), ("version", "1"), ("reason", "not mine")])).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let (_, d) = app.get(&format!("/api/v1/duplicates/{did}")).await;
    assert_eq!(d["duplicate"]["status"], "open");
    // Their queue is their operation's, and another operation's queue is not found.
    let q = send(&app, &kakuma, "GET", "/duplicates", None).await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.body.contains("No pair here.") && !q.body.contains("Mohammed"));
    assert_eq!(send(&app, &kakuma, "GET", &format!("/duplicates?operation={op}"), None).await.status, StatusCode::NOT_FOUND);
}

/// 26 pairs: the queue shows 25 per page, best score first, with links to the next and previous page.
async fn the_queue_is_paged_best_first(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("UGA-KYA", "UGA").await;
    let members: Vec<Value> = (0..27)
        .map(|i| json!({"relationship": if i == 0 { "PA" } else { "CHD" }, "person": {"given_name": format!("Child{}", "x".repeat(i + 1)), "family_name": "Okello", "sex": "U", "citizenship": "SSD"}}))
        .collect();
    let (st, hh) = app.post(&format!("/api/v1/operations/{op}/households"), None, &json!({"members": members})).await;
    assert_eq!(st, StatusCode::CREATED, "{hh}");
    let ids: Vec<nansen_domain::PersonId> = hh["members"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().parse().unwrap()).collect();
    let pairs = (1..27)
        .map(|i| nansen_store::NewDuplicate { person: ids[0], other: ids[i], score: 0.5 + i as f64 / 100.0, explanation: json!({"weight": 1.0, "prior_weight": -10.0, "fields": []}), found_by: "import".into() })
        .collect();
    let meta = nansen_store::Meta::now(nansen_domain::Actor::parse("test").unwrap());
    use nansen_store::Duplicates;
    assert_eq!(app.state.store.queue_duplicates(op.parse().unwrap(), pairs, meta).await.unwrap().len(), 26);
    let clerk = browser(&app, "reg.clerk", &[Role::RegistrationClerk], OperationScope::All).await;
    let first = send(&app, &clerk, "GET", "/duplicates", None).await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.matches("Compare<span").count(), 25);
    assert!(first.body.contains("Pairs 1 to 25 of 26") && first.body.contains("found at import"));
    let scores: Vec<&str> = first.body.split(r#"<td class="num">"#).skip(1).map(|x| &x[..x.find('<').unwrap()]).collect();
    assert_eq!((scores[0], scores[24]), ("76%", "52%"), "best first");
    let next = format!("/duplicates?operation={op}&#38;status=open&#38;offset=25");
    assert!(first.body.contains(&next), "no link to the next page: {}", &first.body[first.body.find("pager").unwrap()..]);
    assert!(!first.body.contains(">Previous<"));
    let second = send(&app, &clerk, "GET", &next.replace("&#38;", "&"), None).await;
    assert_eq!(second.body.matches("Compare<span").count(), 1);
    assert!(second.body.contains("Pairs 26 to 26 of 26") && second.body.contains(">Previous<") && !second.body.contains(">Next<"));
    assert!(second.body.contains(r#"<td class="num">51%</td>"#));
}

on_both_backends!(the_queue_and_the_comparison_show_the_pair);
on_both_backends!(the_queue_is_paged_best_first);
on_both_backends!(dismiss_from_the_page);
on_both_backends!(merge_and_undo_from_the_page);
on_both_backends!(a_pair_outside_the_scope_is_not_found);
