//! The staff pages as a browser uses them, for the page tests: a session cookie, the session's CSRF
//! token, form posts, and answers with their status, redirect, body and cookies.

use super::App;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use nansen_domain::access::{Role, Roles, Username};
use nansen_store::accounts::{AccessEntry, NewUser, OperationScope, Session};
use tower::ServiceExt;

/// One answer, as a browser sees it.
pub struct Resp {
    pub status: StatusCode,
    pub location: String,
    pub body: String,
    pub cookies: Vec<String>,
}

/// A signed-in browser: its user, session cookie and the session's CSRF token.
pub struct Browser {
    pub username: String,
    pub cookie: String,
    pub csrf: String,
}

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// A form body from pairs (values percent-encoded).
pub fn form(pairs: &[(&str, &str)]) -> String {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// Sends a request with `cookie` (may be empty) and, for a form post, its body.
pub async fn send(app: &App, method: &str, path: &str, cookie: &str, form: Option<String>) -> Resp {
    let mut req = Request::builder().method(method).uri(path).header(header::HOST, "nansen.test");
    if !cookie.is_empty() {
        req = req.header(header::COOKIE, cookie);
    }
    let req = match form {
        Some(f) => req.header(header::CONTENT_TYPE, "application/x-www-form-urlencoded").body(Body::from(f)).unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    let r = app.router.clone().oneshot(req).await.unwrap();
    let status = r.status();
    let location = r.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let cookies = r.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_string()).collect();
    let body = String::from_utf8(axum::body::to_bytes(r.into_body(), usize::MAX).await.unwrap().to_vec()).unwrap();
    Resp { status, location, body, cookies }
}

/// The value of a cookie the answer set.
pub fn cookie_value(r: &Resp, name: &str) -> String {
    r.cookies.iter().find_map(|c| c.strip_prefix(&format!("{name}=")).map(|rest| rest.split(';').next().unwrap().to_string())).unwrap()
}

/// Signs `username` in through the sign-in form (the user must exist with the test password).
pub async fn sign_in(app: &App, username: &str) -> Browser {
    let page = send(app, "GET", "/login", "", None).await;
    let login = cookie_value(&page, "nansen_login");
    let form = format!("username={}&password={}&code=&next=%2F&login_csrf={login}", enc(username), enc(super::TEST_PASSWORD));
    let r = send(app, "POST", "/login", &format!("nansen_login={login}"), Some(form)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "sign-in of {username} failed: {}", r.body);
    let cookie = format!("nansen_session={}", cookie_value(&r, "nansen_session"));
    let home = send(app, "GET", "/", &cookie, None).await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    let csrf = home.body.split("name=\"csrf\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    Browser { username: username.to_string(), cookie, csrf }
}

/// A user with `roles` in every operation, signed in through the sign-in form.
pub async fn browser(app: &App, username: &str, roles: &[Role]) -> Browser {
    super::token_for(&app.state, username, roles, None).await;
    sign_in(app, username).await
}

/// A user with `roles` in `operations` and a session for it, without the cost of a password
/// sign-in (for tests that create many users).
pub async fn with_session(app: &App, username: &str, roles: &[Role], operations: OperationScope) -> Browser {
    let entry = AccessEntry { at: app.state.now(), actor: "test".into(), action: "user.create".into(), target: String::new(), origin: "-".into(), outcome: 1, reason: None };
    let user = app
        .state
        .accounts
        .create_user(
            NewUser { username: Username::parse(username).unwrap(), display_name: username.into(), password_hash: "x".into(), roles: Roles::parse(roles).unwrap(), operations, affiliation: None, assigned_only: false },
            entry.clone(),
        )
        .await
        .unwrap();
    let (cookie, csrf) = (nansen_server::auth::random_secret(), nansen_server::auth::random_secret());
    let now = app.state.now().timestamp();
    let session = Session { id_hash: nansen_server::auth::token_hash(&cookie), user_id: user.id, csrf: csrf.clone(), created_at: now, last_seen: now, expires_at: now + 3600 };
    app.state.accounts.start_session(&session, None, entry).await.unwrap();
    Browser { username: username.to_string(), cookie: format!("nansen_session={cookie}"), csrf }
}

impl Browser {
    /// Signs in again: sessions end when the test clock moves days ahead.
    pub async fn again(&mut self, app: &App) {
        *self = sign_in(app, &self.username).await;
    }
    /// Opens a page.
    pub async fn get(&self, app: &App, path: &str) -> Resp {
        send(app, "GET", path, &self.cookie, None).await
    }
    /// Posts a form with the session's CSRF token first.
    pub async fn post(&self, app: &App, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut f = format!("csrf={}", enc(&self.csrf));
        for (k, v) in fields {
            f.push_str(&format!("&{}={}", enc(k), enc(v)));
        }
        send(app, "POST", path, &self.cookie, Some(f)).await
    }
    /// Sends a request with this browser's cookie and a body as given (no token added).
    pub async fn send(&self, app: &App, method: &str, path: &str, body: Option<String>) -> Resp {
        send(app, method, path, &self.cookie, body).await
    }
}
