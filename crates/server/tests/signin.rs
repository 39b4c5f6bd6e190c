//! Sign-in in the browser's way, on both backends: login CSRF, session fixation, CSRF on writes,
//! brute force and lockout, TOTP, sign-out, and HTML injection in what a user typed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use nansen_domain::access::Role;
use nansen_store::testing::TestDb;
use nansen_store::Store;
use support::App;
use tower::ServiceExt;

struct Resp {
    status: StatusCode,
    cookies: Vec<String>,
    location: String,
    body: String,
}

async fn send(app: &App, method: &str, path: &str, cookie: &str, form: Option<&str>, extra: &[(&str, &str)]) -> Resp {
    let mut req = Request::builder().method(method).uri(path).header(header::HOST, "nansen.test");
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let req = match form {
        Some(f) => req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(f.to_string())).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let r = app.router.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let cookies = r.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let location = r.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let body = String::from_utf8(axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
    Resp { status, cookies, location, body }
}

fn cookie_value(r: &Resp, name: &str) -> Option<String> {
    r.cookies.iter().find_map(|c| c.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap().to_string())).filter(|v| !v.is_empty())
}

fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Opens the sign-in form and submits it; returns the answer and the login cookie used.
async fn sign_in(app: &App, user: &str, password: &str, code: &str, old_session: &str) -> Resp {
    let page = send(app, "GET", "/login?next=/search", "", None, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let login = cookie_value(&page, "nansen_login").unwrap();
    let mut cookie = format!("nansen_login={login}");
    if !old_session.is_empty() {
        cookie.push_str(&format!("; nansen_session={old_session}"));
    }
    let form = format!("username={}&password={}&code={code}&next=%2Fsearch&login_csrf={login}", enc(user), enc(password));
    send(app, "POST", "/login", &cookie, Some(&form), &[]).await
}

async fn browser_sign_in(db: TestDb) {
    let app = App::new(&db).await;
    support::token_for(&app.state, "amina", &[Role::RegistrationClerk], None).await;

    // Pages need a session: without one, the browser is sent to the sign-in page.
    let r = send(&app, "GET", "/search", "", None, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location.starts_with("/login?next="));

    // The form without its anti-forgery cookie (a login CSRF attempt) is refused.
    let form = format!("username=amina&password={}&login_csrf=forged", enc(support::TEST_PASSWORD));
    let r = send(&app, "POST", "/login", "", Some(&form), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(cookie_value(&r, "nansen_session").is_none());

    // A planted session identifier is never adopted: sign-in issues a fresh one.
    let planted = "a".repeat(64);
    let r = sign_in(&app, "amina", support::TEST_PASSWORD, "", &planted).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location, "/search");
    let session = cookie_value(&r, "nansen_session").unwrap();
    assert_ne!(session, planted);
    let set = r.cookies.iter().find(|c| c.starts_with("nansen_session=")).unwrap();
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict"), "{set}");
    let cookie = format!("nansen_session={session}");
    let page = send(&app, "GET", "/", &cookie, None, &[]).await;
    assert_eq!(page.status, StatusCode::OK);

    // Signing in as someone else on a shared office computer, over a live session: the sign-in form
    // carries its own token, so it is not refused for lacking the old session's; the old session
    // is ended and a fresh one issued.
    support::token_for(&app.state, "omar", &[Role::EligibilityOfficer], None).await;
    let r = sign_in(&app, "omar", support::TEST_PASSWORD, "", &session).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let omar = cookie_value(&r, "nansen_session").unwrap();
    assert_ne!(omar, session);
    assert_eq!(send(&app, "GET", "/", &cookie, None, &[]).await.status, StatusCode::SEE_OTHER, "the replaced session is over");
    let r = sign_in(&app, "amina", support::TEST_PASSWORD, "", &omar).await;
    let session = cookie_value(&r, "nansen_session").unwrap();
    let cookie = format!("nansen_session={session}");
    let page = send(&app, "GET", "/", &cookie, None, &[]).await;
    let csrf = page.body.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();

    // Writes from the session need its CSRF token, and a cross-site origin is refused outright.
    let r = send(&app, "POST", "/logout", &cookie, Some("csrf=wrong"), &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(&app, "POST", "/logout", &cookie, Some(&format!("csrf={csrf}")), &[("origin", "https://evil.example")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(send(&app, "GET", "/", &cookie, None, &[]).await.status, StatusCode::OK, "a refused sign-out ended the session");

    // Sign-out ends the session in the database, not only in the browser.
    let r = send(&app, "POST", "/logout", &cookie, Some(&format!("csrf={csrf}")), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(send(&app, "GET", "/", &cookie, None, &[]).await.status, StatusCode::SEE_OTHER);
}

async fn brute_force_locks_the_account(db: TestDb) {
    let app = App::new(&db).await;
    support::token_for(&app.state, "omar", &[Role::EligibilityOfficer], None).await;
    let unknown = sign_in(&app, "nobody", "whatever password", "", "").await;
    let wrong = sign_in(&app, "omar", "not the password at all", "", "").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let msg = |r: &Resp| r.body.split("id=\"signin-error\">").nth(1).unwrap().split('<').next().unwrap().to_string();
    assert_eq!(msg(&unknown), msg(&wrong), "the answer tells an unknown user from a wrong password");
    for _ in 0..3 {
        sign_in(&app, "omar", "not the password at all", "", "").await;
    }
    let locked = sign_in(&app, "omar", "not the password at all", "", "").await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS, "{}", locked.body);
    // Locked: even the right password is refused until the lock ends.
    let r = sign_in(&app, "omar", support::TEST_PASSWORD, "", "").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(cookie_value(&r, "nansen_session").is_none());
    app.advance(1);
    let r = sign_in(&app, "omar", support::TEST_PASSWORD, "", "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "the lock did not end: {}", r.body);
    let log = app.state.accounts.access_log(100).await.unwrap();
    assert!(log.iter().filter(|e| e.entry.action == "sign_in" && e.entry.outcome == 0).count() >= 6);
}

async fn totp_is_required_when_on(db: TestDb) {
    let app = App::new(&db).await;
    support::token_for(&app.state, "sam", &[Role::SeniorProtectionOfficer], None).await;
    let (user, _) = app.state.accounts.user_by_name(&nansen_domain::access::Username::parse("sam").unwrap()).await.unwrap().unwrap();
    let secret = nansen_server::auth::new_totp_secret();
    let entry = nansen_store::accounts::AccessEntry { at: chrono::Utc::now(), actor: "test".into(), action: "user.update".into(), target: String::new(), origin: "-".into(), outcome: 1, reason: None };
    app.state
        .accounts
        .update_user(user.id, user.version, nansen_store::accounts::UserChange { totp_secret: Some(Some(secret.clone())), ..Default::default() }, entry)
        .await
        .unwrap();
    let r = sign_in(&app, "sam", support::TEST_PASSWORD, "", "").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.body.contains("6-digit code"));
    let r = sign_in(&app, "sam", support::TEST_PASSWORD, "000000", "").await;
    let good = nansen_server::auth::totp(&secret, app.state.now().timestamp()).unwrap();
    assert!(r.status == StatusCode::UNAUTHORIZED || good == 0);
    let r = sign_in(&app, "sam", support::TEST_PASSWORD, &format!("{good:06}"), "").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

async fn typed_html_is_shown_as_text(db: TestDb) {
    let app = App::new(&db).await;
    support::token_for(&app.state, "amina", &[Role::RegistrationClerk], None).await;
    let r = sign_in(&app, "<script>alert(1)</script>", "x", "", "").await;
    assert!(!r.body.contains("<script>alert(1)</script>"), "the user name was echoed as markup");
    assert!(r.body.contains("&lt;script&gt;") || r.body.contains("&#60;script&#62;") || r.body.contains("&#x3c;script"), "{}", r.body);
    // Markup typed into a record's text fields is refused at the door, naming the field.
    let op = app.operation("UGA-KYA", "UGA").await;
    for (field, value) in [("address", "<img src=x onerror=alert(1)>"), ("given_name", "Deng<script>")] {
        let mut body = serde_json::json!({"members": [{"relationship": "PA", "person": {"given_name": "Deng", "family_name": "Garang", "sex": "M"}}]});
        if field == "address" {
            body["address"] = value.into();
        } else {
            body["members"][0]["person"][field] = value.into();
        }
        let (st, e) = app.post(&format!("/api/v1/operations/{op}/households"), None, &body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
        assert!(e["error"]["fields"][0]["field"].as_str().unwrap().ends_with(field), "{e}");
    }
    let c = app.state.store.counts(op.parse().unwrap()).await.unwrap();
    assert_eq!(c.persons, 0);
}

on_both_backends!(browser_sign_in);
on_both_backends!(brute_force_locks_the_account);
on_both_backends!(totp_is_required_when_on);
on_both_backends!(typed_html_is_shown_as_text);
