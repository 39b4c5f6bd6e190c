//! The registration page in the browser's way (a session cookie, forms, no JavaScript), over the real
//! router, on SQLite and PostgreSQL: a household is registered in one submit and lands on its page;
//! wrong input comes back with what was typed and each wrong field marked, and nothing is saved; a
//! near-duplicate is shown before saving and "save anyway" saves it and queues the pair; the form
//! needs its CSRF token and the registry_write permission.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use nansen_domain::access::Role;
use nansen_store::accounts::OperationScope;
use nansen_store::testing::TestDb;
use nansen_store::Store;
use serde_json::{json, Value};
use support::browser::{form, with_session as browser, Browser, Resp};
use support::App;
use tower::ServiceExt;

async fn send(app: &App, b: &Browser, method: &str, path: &str, form: Option<&str>) -> Resp {
    b.send(app, method, path, form.map(str::to_owned)).await
}

/// The Garang household: a principal applicant with a passport and a need, and his wife.
fn garang(op: &str, csrf: &str) -> Vec<(&'static str, String)> {
    [
        ("csrf", csrf),
        ("rows", "6"),
        ("operation", op),
        ("arrival_date", "2024-03-17"),
        ("address", "Kyangwali, block C-12"),
        ("m0.given_name", "Deng"),
        ("m0.family_name", "Garang"),
        ("m0.sex", "M"),
        ("m0.dob_year", "1985"),
        ("m0.citizenship", "SSD"),
        ("m0.place_of_birth", "Bor"),
        ("m0.languages", "din, en"),
        ("m0.doc0.kind", "passport"),
        ("m0.doc0.number", "r 0012 345"),
        ("m0.doc0.issuing_country", "SSD"),
        ("m0.needs", "LP-ND"),
        ("m1.relationship", "SPS"),
        ("m1.given_name", "Achol"),
        ("m1.family_name", "Garang"),
        ("m1.sex", "F"),
        ("m1.dob_year", "1990"),
        ("m1.dob_month", "04"),
        ("m1.dob_day", "9"),
        ("m1.citizenship", "SSD"),
        ("m1.needs", "WR"),
        ("m1.needs", "SM-CI"),
        ("action", "check"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect()
}

fn encode(pairs: &[(&'static str, String)]) -> String {
    form(&pairs.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>())
}

fn with(mut pairs: Vec<(&'static str, String)>, key: &'static str, value: &str) -> Vec<(&'static str, String)> {
    pairs.retain(|(k, _)| *k != key);
    pairs.push((key, value.to_string()));
    pairs
}

async fn persons(app: &App, op: &str) -> i64 {
    app.state.store.counts(op.parse().unwrap()).await.unwrap().persons
}

async fn a_household_is_registered_in_one_submit(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("UGA-KYA", "UGA").await;
    let clerk = browser(&app, "reg.clerk", &[Role::RegistrationClerk], OperationScope::All).await;

    let page = send(&app, &clerk, "GET", "/register", None).await;
    assert_eq!(page.status, StatusCode::OK);
    for needle in [r#"<label for="m0-given_name">"#, r#"id="m0-given_name""#, r#"<legend>"#, &format!(r#"name="csrf" value="{}""#, clerk.csrf), r#"id="m5-relationship""#, r#"name="m0.needs" value="UC-UM""#, r#"dir="ltr""#] {
        assert!(page.body.contains(needle), "the form lacks {needle}");
    }
    assert!(!page.body.contains("<script"), "the form needs no script");

    let r = send(&app, &clerk, "POST", "/register", Some(&encode(&garang(&op, &clerk.csrf)))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let hid = r.location.strip_prefix("/households/").expect("redirected to the household").to_string();
    let landing = send(&app, &clerk, "GET", &r.location, None).await;
    assert_eq!(landing.status, StatusCode::OK);
    assert!(landing.body.contains("Deng Garang") && landing.body.contains("Achol Garang"), "{}", landing.body);

    // Saved through the API's path: parsed values, history events, the access log.
    let (st, hh) = app.get(&format!("/api/v1/households/{hid}")).await;
    assert_eq!(st, StatusCode::OK, "{hh}");
    assert_eq!(hh["address"], "Kyangwali, block C-12");
    assert_eq!(hh["arrival_date"], "2024-03-17");
    let m = hh["members"].as_array().unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!((m[0]["relationship"].as_str(), m[1]["relationship"].as_str()), (Some("PA"), Some("SPS")));
    let pa = &m[0]["person"];
    assert_eq!(pa["documents"], json!([{"kind": "passport", "number": "R0012345", "issuing_country": "SSD", "expiry_date": null}]));
    assert_eq!((pa["languages"].clone(), pa["specific_needs"].clone(), pa["date_of_birth"].clone()), (json!(["din", "en"]), json!(["LP-ND"]), json!("1985")));
    assert_eq!(m[1]["person"]["date_of_birth"], "1990-04-09");
    let mut needs: Vec<String> = serde_json::from_value(m[1]["person"]["specific_needs"].clone()).unwrap();
    needs.sort();
    assert_eq!(needs, ["SM-CI", "WR"]);
    let (_, history) = app.get(&format!("/api/v1/households/{hid}/history")).await;
    assert_eq!(history[0]["kind"], "household_registered");
    assert_eq!(history[0]["actor"], "reg.clerk");
    assert!(history[0]["reason"].is_null(), "no duplicate was shown, so no reason: {history}");
    let log = app.state.accounts.access_log(100).await.unwrap();
    assert!(log.iter().any(|e| e.entry.actor == "reg.clerk" && e.entry.action == "POST /register" && e.entry.outcome == 303));

    // "Add more rows" re-renders with more blocks, keeps what was typed, and saves nothing.
    let more = with(with(garang(&op, &clerk.csrf), "action", "more"), "m0.given_name", "Kuol");
    let r = send(&app, &clerk, "POST", "/register", Some(&encode(&more))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(r#"id="m8""#) && !r.body.contains(r#"id="m9""#), "three more blocks");
    assert!(r.body.contains(r#"name="rows" value="9""#));
    assert!(r.body.contains(r#"value="Kuol""#) && r.body.contains(r#"value="r 0012 345""#));
    assert!(r.body.contains(r#"value="SM-CI" checked"#), "ticked needs stay ticked");
    assert_eq!(persons(&app, &op).await, 2);
}

async fn wrong_input_comes_back_marked_and_nothing_is_saved(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("UGA-KYA", "UGA").await;
    let clerk = browser(&app, "reg.clerk", &[Role::RegistrationClerk], OperationScope::All).await;
    let mut bad = garang(&op, &clerk.csrf);
    bad = with(bad, "m0.sex", "");
    bad = with(bad, "m0.citizenship", "XYZ");
    bad = with(bad, "m1.dob_month", "02");
    bad = with(bad, "m1.dob_day", "30");
    bad = with(bad, "m1.relationship", "");
    bad = with(bad, "m0.doc0.number", "N°12");
    bad.push(("m2.given_name", "Nyandeng".into())); // a third member without sex or relationship
    let r = send(&app, &clerk, "POST", "/register", Some(&encode(&bad))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Everything typed is kept.
    for kept in [r#"value="Deng""#, r#"value="XYZ""#, r#"value="30""#, r#"value="Nyandeng""#, r#"value="Kyangwali, block C-12""#, r#"value="N°12""#, r#"value="LP-ND" checked"#] {
        assert!(r.body.contains(kept), "lost {kept}");
    }
    assert!(r.body.contains(r#"<option value="02" selected>"#), "the month chosen is kept");
    // Each wrong field is marked, described by its message, and listed in the summary.
    for (id, message) in [
        ("m0-sex", "This field is required."),
        ("m0-citizenship", "This is not an ISO country code"),
        ("m1-dob_year", "This date does not exist in the calendar."),
        ("m1-relationship", "This field is required."),
        ("m0-doc0-number", "A document number has"),
        ("m2-sex", "This field is required."),
        ("m2-relationship", "This field is required."),
    ] {
        let input = r.body.split(&format!(r#"id="{id}""#)).nth(1).unwrap_or_else(|| panic!("no field {id}"));
        let tag = &input[..input.find('>').unwrap()];
        assert!(tag.contains(r#"aria-invalid="true""#) && tag.contains(&format!("{id}-err")), "{id} is not marked: {tag}");
        let err = r.body.split(&format!(r#"id="{id}-err">"#)).nth(1).unwrap_or_else(|| panic!("no message for {id}"));
        assert!(err.starts_with(message), "{id}: {}", &err[..80.min(err.len())]);
        assert!(r.body.contains(&format!(r##"<a href="#{id}">"##)), "the summary does not link to {id}");
    }
    assert!(r.body.contains("There are 7 problems with this form"), "{}", r.body);
    assert!(!r.body.contains(r#"id="m0-given_name-err""#), "a right field is marked wrong");
    assert_eq!(persons(&app, &op).await, 0, "something was saved");

    // Form-level rules: a day without a month; stateless and a citizenship.
    let odd = with(with(with(garang(&op, &clerk.csrf), "m1.dob_month", ""), "m0.stateless", "1"), "m0.citizenship", "SSD");
    let r = send(&app, &clerk, "POST", "/register", Some(&encode(&odd))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="m1-dob_month-err">Give the month too"#), "{}", r.body);
    assert!(r.body.contains(r#"id="m0-citizenship-err">Either give a citizenship"#));
    assert_eq!(persons(&app, &op).await, 0);

    // In French, the messages are French.
    let mut fr = Request::builder().method("POST").uri("/register").header(header::HOST, "nansen.test");
    fr = fr.header(header::COOKIE, format!("{}; nansen_lang=fr", clerk.cookie)).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    let resp = app.router.clone().oneshot(fr.body(Body::from(encode(&bad))).unwrap()).await.unwrap();
    let body = String::from_utf8(axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
    assert!(body.contains("Ce champ est obligatoire.") && body.contains("Ce formulaire comporte 7 problèmes"), "{body}");
}

fn mohammed() -> Value {
    json!({"given_name": "Mohammed", "family_name": "Al-Hassan", "given_name_original": "محمد", "sex": "M", "date_of_birth": "1980-03-04", "citizenship": "SYR", "place_of_birth": "Homs"})
}

async fn a_near_duplicate_is_shown_before_saving(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("JOR-AMM", "JOR").await;
    let (st, first) = app.post(&format!("/api/v1/operations/{op}/persons"), None, &mohammed()).await;
    assert_eq!(st, StatusCode::CREATED, "{first}");
    let first_id = first["members"][0]["id"].as_str().unwrap().to_string();
    let clerk = browser(&app, "reg.clerk", &[Role::RegistrationClerk], OperationScope::All).await;
    let muhammad: Vec<(&'static str, String)> = [
        ("csrf", clerk.csrf.as_str()),
        ("rows", "6"),
        ("operation", op.as_str()),
        ("address", "Block C-12"),
        ("m0.given_name", "Muhammad"),
        ("m0.family_name", "Alhassan"),
        ("m0.sex", "M"),
        ("m0.dob_year", "1980"),
        ("m0.dob_month", "03"),
        ("m0.dob_day", "04"),
        ("m0.citizenship", "SYR"),
        ("m0.place_of_birth", "Homs"),
        ("m1.relationship", "SPS"),
        ("m1.given_name", "Fatima"),
        ("m1.family_name", "Alhassan"),
        ("m1.sex", "F"),
        ("m1.dob_year", "1984"),
        ("m1.citizenship", "SYR"),
        ("action", "check"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();

    // The check: the candidate is shown under the principal applicant, with why; nothing is saved.
    let r = send(&app, &clerk, "POST", "/register", Some(&encode(&muhammad))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let m0 = r.body.split(r#"id="m0""#).nth(1).unwrap();
    let m0 = &m0[..m0.find(r#"id="m1""#).unwrap()];
    assert!(m0.contains(&format!(r#"<a href="/persons/{first_id}"><bdi>Mohammed Al-Hassan</bdi></a>"#)), "{m0}");
    assert!(m0.contains("<bdi class=\"orig\">محمد</bdi>") && m0.contains("4 March 1980") && m0.contains("SYR"));
    assert!(m0.contains(first["case_number"].as_str().unwrap()));
    assert!(m0.contains("Why they may be one person") && m0.contains("Given name") && m0.contains("Date of birth"));
    assert!(m0.contains("This is the same person: go to the existing record"));
    assert_eq!(r.body.matches("Possible duplicate of this person").count(), 1, "Fatima has no candidate");
    assert!(r.body.contains(&format!(r#"name="seen" value="{first_id}""#)));
    assert!(r.body.contains(r#"value="save_anyway""#));
    assert!(r.body.contains(r#"value="Muhammad""#), "the form is kept");
    assert_eq!(persons(&app, &op).await, 1, "nothing may be saved before the user decides");

    // "Save anyway" without having been shown the candidate shows it again.
    let r = send(&app, &clerk, "POST", "/register", Some(&encode(&with(muhammad.clone(), "action", "save_anyway")))).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(persons(&app, &op).await, 1);

    // Saving anyway after seeing it: saved, the warning kept as the reason, the pair queued.
    let mut anyway = with(muhammad, "action", "save_anyway");
    anyway.push(("seen", first_id.clone()));
    let r = send(&app, &clerk, "POST", "/register", Some(&encode(&anyway))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let hid = r.location.strip_prefix("/households/").unwrap();
    assert_eq!(persons(&app, &op).await, 3);
    let (_, history) = app.get(&format!("/api/v1/households/{hid}/history")).await;
    let reason = history[0]["reason"].as_str().unwrap_or_default();
    assert!(reason.contains("duplicate check showed 1 likely duplicate") && reason.contains(first["case_number"].as_str().unwrap()), "{history}");
    let (_, queue) = app.get(&format!("/api/v1/operations/{op}/duplicates?status=open")).await;
    assert_eq!(queue["total"], 1, "{queue}");
    assert_eq!(queue["items"][0]["found_by"], "registration");
    let (_, hh) = app.get(&format!("/api/v1/households/{hid}")).await;
    let new_id = hh["members"][0]["id"].as_str().unwrap();
    let pair = [queue["items"][0]["person_a"].as_str().unwrap(), queue["items"][0]["person_b"].as_str().unwrap()];
    assert!(pair.contains(&new_id) && pair.contains(&first_id.as_str()), "{queue}");
}

async fn the_form_needs_its_token_and_its_permission(db: TestDb) {
    let app = App::new(&db).await;
    let op = app.operation("UGA-KYA", "UGA").await;
    let clerk = browser(&app, "reg.clerk", &[Role::RegistrationClerk], OperationScope::All).await;
    let mut no_token = garang(&op, &clerk.csrf);
    no_token.retain(|(k, _)| *k != "csrf");
    let r = send(&app, &clerk, "POST", "/register", Some(&encode(&no_token))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(&app, &clerk, "POST", "/register", Some(&encode(&with(garang(&op, &clerk.csrf), "csrf", "forged")))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(persons(&app, &op).await, 0);

    // A reviewer may review duplicates but not register: no link, and the page is refused.
    let reviewer = browser(&app, "a.reviewer", &[Role::Reviewer], OperationScope::All).await;
    let home = send(&app, &reviewer, "GET", "/", None).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.body.contains(r#"href="/register""#) && home.body.contains(r#"href="/duplicates""#));
    assert!(send(&app, &clerk, "GET", "/", None).await.body.contains(r#"href="/register""#));
    assert_eq!(send(&app, &reviewer, "GET", "/register", None).await.status, StatusCode::FORBIDDEN);
    let r = send(&app, &reviewer, "POST", "/register", Some(&encode(&garang(&op, &reviewer.csrf)))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(persons(&app, &op).await, 0);

    // An operation outside the user's scope is refused like a missing one, on the form.
    let other = app.operation("KEN-KAK", "KEN").await;
    let kakuma = browser(&app, "kakuma.clerk", &[Role::RegistrationClerk], OperationScope::Only(vec![other.parse().unwrap()])).await;
    let page = send(&app, &kakuma, "GET", "/register", None).await;
    assert!(page.body.contains(&other) && !page.body.contains(&op), "the form offers an operation outside the scope");
    let r = send(&app, &kakuma, "POST", "/register", Some(&encode(&garang(&op, &kakuma.csrf)))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"id="operation-err""#));
    assert_eq!(persons(&app, &op).await, 0);
}

on_both_backends!(a_household_is_registered_in_one_submit);
on_both_backends!(wrong_input_comes_back_marked_and_nothing_is_saved);
on_both_backends!(a_near_duplicate_is_shown_before_saving);
on_both_backends!(the_form_needs_its_token_and_its_permission);
