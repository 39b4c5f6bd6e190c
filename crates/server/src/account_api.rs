//! Sign-in and sign-out pages, the signed-in user's own account, and user administration.

use crate::i18n::Locale;
use crate::api::not_found;
use crate::auth::{self, Principal, SignInError, LOGIN_COOKIE, SESSION_COOKIE};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::json::JsonBody;
use crate::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Form, Json, Router};
use nansen_domain::access::{NewPassword, Permission, Role, Roles, Username, PERMISSIONS};
use nansen_domain::{Iso3, OperationId, ValidationErrors};
use nansen_store::accounts::{AccessEntry, AccessRecord, ApiToken, NewUser, OperationScope, User, UserChange};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use utoipa::ToSchema;
use uuid::Uuid;

/// Routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/me/password", put(change_password))
        .route("/api/v1/me/tokens", post(my_token))
        .route("/api/v1/users", get(list_users).post(create_user))
        .route("/api/v1/users/{id}", get(get_user).put(update_user))
        .route("/api/v1/users/{id}/tokens", post(user_token))
        .route("/api/v1/access-log", get(access_log))
}

/// The client's address, when known.
pub struct ClientIp(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(auth::client_ip(&parts.extensions)))
    }
}

impl ClientIp {
    pub(crate) fn origin(&self) -> String {
        self.0.map(|i| i.to_string()).unwrap_or_else(|| "-".into())
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    chrome: crate::pages::Chrome,
    error: Option<String>,
    login_csrf: String,
    next: String,
    username: String,
}

/// Where to go after signing in: only a path on this site.
fn safe_next(n: Option<&str>) -> String {
    match n {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') && !p.chars().any(char::is_control) => p.to_string(),
        _ => "/".into(),
    }
}

fn login_response(locale: Locale, status: StatusCode, error: Option<String>, next: &str, username: &str) -> Response {
    let token = auth::random_secret();
    let page = LoginPage { chrome: crate::pages::Chrome::anonymous(locale), error, login_csrf: token.clone(), next: next.to_string(), username: username.to_string() };
    let body = page.render().unwrap_or_else(|_| "sign-in page could not be rendered".into());
    let mut r = (status, Html(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600")) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// Query of the sign-in page.
#[derive(Debug, Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

async fn login_page(locale: Locale, Query(q): Query<NextParam>) -> Response {
    login_response(locale, StatusCode::OK, None, &safe_next(q.next.as_deref()), "")
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    next: String,
    #[serde(default)]
    login_csrf: String,
}

async fn login_submit(State(s): State<AppState>, ip: ClientIp, locale: Locale, headers: HeaderMap, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(Some(&f.next));
    // Double-submit check: the form's value must match the cookie set with the form (login CSRF).
    let cookie_ok = auth::cookie(&headers, LOGIN_COOKIE).is_some_and(|c| auth::same_secret(c, &f.login_csrf));
    if !cookie_ok || f.login_csrf.is_empty() {
        return login_response(locale, StatusCode::FORBIDDEN, Some("this sign-in form has expired; enter your details again".into()), &next, &f.username);
    }
    let previous = auth::cookie(&headers, SESSION_COOKIE).map(str::to_owned);
    match auth::sign_in(&s, &f.username, &f.password, Some(&f.code), ip.0, previous.as_deref()).await {
        Ok(new) => {
            let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, next)]).into_response();
            if let Ok(v) = HeaderValue::from_str(&auth::session_cookie(&new.cookie, &s.auth)) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            if let Ok(v) = HeaderValue::from_str(&format!("{LOGIN_COOKIE}=; Path=/login; HttpOnly; SameSite=Strict; Max-Age=0")) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
            r
        }
        Err(e) => {
            let status = match e {
                SignInError::Throttled | SignInError::Locked(_) => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNAUTHORIZED,
            };
            login_response(locale, status, Some(e.message()), &next, &f.username)
        }
    }
}

async fn logout(State(s): State<AppState>, ip: ClientIp, p: Principal) -> Response {
    if let auth::Via::Session { id_hash, .. } = &p.via {
        let log = AccessEntry { at: s.now(), actor: p.user.username.to_string(), action: "sign_out".into(), target: format!("user:{}", p.user.id), origin: ip.origin(), outcome: 1, reason: None };
        if let Err(e) = s.accounts.end_session(id_hash, log).await {
            return ApiError::from(e).into_response();
        }
    }
    let mut r = (StatusCode::SEE_OTHER, [(header::LOCATION, "/login")]).into_response();
    if let Ok(v) = HeaderValue::from_str(&auth::clear_session_cookie(&s.auth)) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

/// An account as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    /// Identifier.
    pub id: Uuid,
    /// Sign-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Roles.
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<Role>,
    /// Operation identifiers, or `["*"]` for all.
    pub operations: Vec<String>,
    /// The State a third-party user acts for.
    pub affiliation: Option<String>,
    /// Inside their operations, the user sees only the cases assigned to them.
    pub assigned_only: bool,
    /// Second factor on.
    pub totp_enabled: bool,
    /// Disabled.
    pub disabled: bool,
    /// Locked until (Unix seconds).
    pub locked_until: Option<i64>,
    /// Version to send back with a change.
    pub version: i64,
}

impl From<&User> for UserDto {
    fn from(u: &User) -> Self {
        Self {
            id: u.id,
            username: u.username.to_string(),
            display_name: u.display_name.clone(),
            roles: u.roles.as_slice().to_vec(),
            operations: match &u.operations {
                OperationScope::All => vec!["*".into()],
                OperationScope::Only(v) => v.iter().map(|o| o.to_string()).collect(),
            },
            affiliation: u.affiliation.map(|a| a.to_string()),
            assigned_only: u.assigned_only,
            totp_enabled: u.totp_enabled,
            disabled: u.disabled,
            locked_until: u.locked_until,
            version: u.version,
        }
    }
}

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeDto {
    /// The account.
    #[serde(flatten)]
    pub user: UserDto,
    /// What the roles allow.
    #[schema(value_type = Vec<String>)]
    pub permissions: Vec<Permission>,
    /// The CSRF token to send as `x-csrf-token` with writes from a browser session (empty for tokens).
    pub csrf: String,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = MeDto), (status = 401, body = ErrorBody)))]
pub(crate) async fn me(p: Principal) -> Json<MeDto> {
    let permissions = PERMISSIONS.iter().copied().filter(|x| p.may(*x)).collect();
    Json(MeDto { user: UserDto::from(&p.user), permissions, csrf: p.csrf().to_string() })
}

/// A password change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    /// The current password.
    pub current: String,
    /// The new password (at least 12 characters).
    pub new: String,
}

#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts", request_body = PasswordChange,
    responses((status = 204, description = "Changed; every session and token of the user is revoked"), (status = 422, body = ErrorBody)))]
pub(crate) async fn change_password(State(s): State<AppState>, ip: ClientIp, p: Principal, JsonBody(req): JsonBody<PasswordChange>) -> ApiResult<StatusCode> {
    let (_, creds) = s.accounts.user_by_name(&p.user.username).await?.ok_or(ApiError::Unauthenticated)?;
    if !auth::verify_password(&creds.password_hash, &req.current) {
        return Err(ApiError::field("current", "wrong_password", "the current password is wrong"));
    }
    let new = NewPassword::parse(&req.new, &p.user.username).map_err(|e| ApiError::field("new", e.code, e.message))?;
    let hash = auth::hash_password(new.expose()).map_err(|e| ApiError::field("new", "hash_failed", e))?;
    let log = entry(&s, &p, "user.password", &ip);
    s.accounts.update_user(p.user.id, p.user.version, UserChange { password_hash: Some(hash), ..Default::default() }, log).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn entry(s: &AppState, p: &Principal, action: &str, ip: &ClientIp) -> AccessEntry {
    AccessEntry { at: s.now(), actor: p.user.username.to_string(), action: action.into(), target: String::new(), origin: ip.origin(), outcome: 1, reason: None }
}

/// A new API token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    /// What the token is for (e.g. `import script, Kakuma`).
    pub name: String,
    /// Days until it expires (1–365; default 90).
    pub expires_in_days: Option<i64>,
}

/// A token, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenDto {
    /// Send as `Authorization: Bearer <token>`. Shown only now; Nansen keeps only its hash.
    pub token: String,
    /// Metadata.
    #[schema(value_type = Object)]
    pub info: ApiToken,
}

async fn issue_token(s: &AppState, p: &Principal, user: Uuid, req: TokenRequest, ip: &ClientIp) -> ApiResult<(StatusCode, Json<TokenDto>)> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(ApiError::field("name", "invalid_name", "name the token's purpose in 1 to 100 characters"));
    }
    let days = req.expires_in_days.unwrap_or(90);
    if !(1..=365).contains(&days) {
        return Err(ApiError::field("expires_in_days", "out_of_range", "a token lives 1 to 365 days; issue a new one before it expires"));
    }
    let token = auth::new_api_token();
    let expires = s.now().timestamp() + days * 86_400;
    let info = s.accounts.create_token(user, name, &auth::token_hash(&token), Some(expires), entry(s, p, "token.create", ip)).await?;
    Ok((StatusCode::CREATED, Json(TokenDto { token, info })))
}

#[utoipa::path(post, path = "/api/v1/me/tokens", tag = "accounts", request_body = TokenRequest, responses((status = 201, body = TokenDto), (status = 422, body = ErrorBody)))]
pub(crate) async fn my_token(State(s): State<AppState>, ip: ClientIp, p: Principal, JsonBody(req): JsonBody<TokenRequest>) -> ApiResult<(StatusCode, Json<TokenDto>)> {
    issue_token(&s, &p, p.user.id, req, &ip).await
}

#[utoipa::path(post, path = "/api/v1/users/{id}/tokens", tag = "accounts", request_body = TokenRequest, params(("id" = Uuid, Path, description = "User")),
    responses((status = 201, body = TokenDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn user_token(State(s): State<AppState>, ip: ClientIp, p: Principal, Path(id): Path<String>, JsonBody(req): JsonBody<TokenRequest>) -> ApiResult<(StatusCode, Json<TokenDto>)> {
    let u = load_user(&s, &id).await?;
    issue_token(&s, &p, u.id, req, &ip).await
}

async fn load_user(s: &AppState, id: &str) -> ApiResult<User> {
    let uid: Uuid = id.parse().map_err(|_| not_found("user", id))?;
    s.accounts.user(uid).await?.ok_or_else(|| not_found("user", id))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = [UserDto])))]
pub(crate) async fn list_users(State(s): State<AppState>) -> ApiResult<Json<Vec<UserDto>>> {
    Ok(Json(s.accounts.users().await?.iter().map(UserDto::from).collect()))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "accounts", params(("id" = Uuid, Path, description = "User")), responses((status = 200, body = UserDto), (status = 404, body = ErrorBody)))]
pub(crate) async fn get_user(State(s): State<AppState>, Path(id): Path<String>) -> ApiResult<Json<UserDto>> {
    Ok(Json(UserDto::from(&load_user(&s, &id).await?)))
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    /// Sign-in name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Initial password (at least 12 characters); give it to the user by a separate channel.
    pub password: String,
    /// Roles.
    #[schema(value_type = Vec<String>)]
    pub roles: Vec<String>,
    /// Operation identifiers, or `["*"]` for all.
    pub operations: Vec<String>,
    /// For a user acting for a State: its ISO3 code.
    pub affiliation: Option<String>,
    /// Limit the user to the cases assigned to them inside their operations (default: every case).
    #[serde(default)]
    pub assigned_only: bool,
}

fn parse_roles(raw: &[String], e: &mut ValidationErrors) -> Option<Roles> {
    let mut roles = Vec::new();
    for (i, r) in raw.iter().enumerate() {
        if let Some(r) = e.check(&format!("roles[{i}]"), Role::parse(r)) {
            roles.push(r);
        }
    }
    e.check("roles", Roles::parse(&roles))
}

async fn parse_scope(s: &AppState, raw: &[String], e: &mut ValidationErrors) -> ApiResult<Option<OperationScope>> {
    if raw.iter().any(|x| x == "*") {
        return Ok(Some(OperationScope::All));
    }
    if raw.is_empty() {
        e.push("operations", nansen_domain::ParseError { code: "required", message: "name the operations the user works in, or [\"*\"] for all".into() });
        return Ok(None);
    }
    let mut v = Vec::new();
    for (i, x) in raw.iter().enumerate() {
        match x.parse::<OperationId>() {
            Ok(o) if s.operation_exists(o).await? => v.push(o),
            _ => e.push(format!("operations[{i}]"), nansen_domain::ParseError { code: "unknown_operation", message: format!("{x:?} is not an operation of this database") }),
        }
    }
    Ok(Some(OperationScope::Only(v)))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = NewUserRequest, responses((status = 201, body = UserDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn create_user(State(s): State<AppState>, ip: ClientIp, p: Principal, JsonBody(req): JsonBody<NewUserRequest>) -> ApiResult<(StatusCode, Json<UserDto>)> {
    let mut e = ValidationErrors::new();
    let username = e.check("username", Username::parse(&req.username));
    let display = req.display_name.trim().to_string();
    if display.is_empty() || display.chars().count() > 100 || display.chars().any(char::is_control) {
        e.push("display_name", nansen_domain::ParseError { code: "invalid_name", message: "give a display name of 1 to 100 characters".into() });
    }
    let password = username.as_ref().and_then(|u| e.check("password", NewPassword::parse(&req.password, u)));
    let roles = parse_roles(&req.roles, &mut e);
    let scope = parse_scope(&s, &req.operations, &mut e).await?;
    let affiliation = match &req.affiliation {
        Some(a) => e.check("affiliation", Iso3::parse(a)).map(Some),
        None => Some(None),
    };
    let (username, password, roles, scope, affiliation) = e.finish(|| Some((username?, password?, roles?, scope?, affiliation?)))?;
    let hash = auth::hash_password(password.expose()).map_err(|x| ApiError::field("password", "hash_failed", x))?;
    let new = NewUser { username, display_name: display, password_hash: hash, roles, operations: scope, affiliation, assigned_only: req.assigned_only };
    let u = s.accounts.create_user(new, entry(&s, &p, "user.create", &ip)).await?;
    Ok((StatusCode::CREATED, Json(UserDto::from(&u))))
}

/// A change to an account. Absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdateRequest {
    /// The version the change is based on.
    pub version: i64,
    /// New display name.
    pub display_name: Option<String>,
    /// New roles.
    #[schema(value_type = Option<Vec<String>>)]
    pub roles: Option<Vec<String>>,
    /// New operations.
    pub operations: Option<Vec<String>>,
    /// Disable or enable the account (disabling revokes its sessions and tokens).
    pub disabled: Option<bool>,
    /// Limit the user to assigned cases (true) or open every case of their operations to them (false).
    pub assigned_only: Option<bool>,
    /// Set a new password (revokes sessions and tokens).
    pub password: Option<String>,
    /// Clear a lockout after failed sign-ins.
    #[serde(default)]
    pub unlock: bool,
    /// `enable` (answers the new secret once) or `disable` the TOTP second factor.
    pub totp: Option<String>,
}

/// The changed account, and a new TOTP secret when one was enabled.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserUpdateDto {
    /// The account.
    pub user: UserDto,
    /// The new TOTP secret (base32) and its `otpauth://` URI, shown once.
    pub totp: Option<TotpDto>,
}

/// A TOTP secret, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct TotpDto {
    /// Base32 secret.
    pub secret: String,
    /// For authenticator apps.
    pub uri: String,
}

#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "accounts", request_body = UserUpdateRequest, params(("id" = Uuid, Path, description = "User")),
    responses((status = 200, body = UserUpdateDto), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(crate) async fn update_user(State(s): State<AppState>, ip: ClientIp, p: Principal, Path(id): Path<String>, JsonBody(req): JsonBody<UserUpdateRequest>) -> ApiResult<Json<UserUpdateDto>> {
    let u = load_user(&s, &id).await?;
    let mut e = ValidationErrors::new();
    let roles = req.roles.as_ref().map(|r| parse_roles(r, &mut e));
    let scope = match &req.operations {
        Some(o) => Some(parse_scope(&s, o, &mut e).await?),
        None => None,
    };
    let password = req.password.as_ref().map(|pw| e.check("password", NewPassword::parse(pw, &u.username)));
    let totp = match req.totp.as_deref() {
        None => None,
        Some("enable") => Some(Some(auth::new_totp_secret())),
        Some("disable") => Some(None),
        Some(_) => {
            e.push("totp", nansen_domain::ParseError { code: "invalid_value", message: "use \"enable\" or \"disable\"".into() });
            None
        }
    };
    if let Some(d) = &req.display_name {
        if d.trim().is_empty() || d.chars().count() > 100 || d.chars().any(char::is_control) {
            e.push("display_name", nansen_domain::ParseError { code: "invalid_name", message: "give a display name of 1 to 100 characters".into() });
        }
    }
    if u.id == p.user.id && (req.disabled == Some(true) || req.roles.is_some()) {
        e.push("roles", nansen_domain::ParseError { code: "own_account", message: "administrators do not change their own roles or disable themselves; ask another administrator".into() });
    }
    e.finish(|| Some(()))?;
    let hash = match password.flatten() {
        Some(pw) => Some(auth::hash_password(pw.expose()).map_err(|x| ApiError::field("password", "hash_failed", x))?),
        None => None,
    };
    let change = UserChange {
        display_name: req.display_name.map(|d| d.trim().to_string()),
        roles: roles.flatten(),
        operations: scope.flatten(),
        disabled: req.disabled,
        assigned_only: req.assigned_only,
        password_hash: hash,
        totp_secret: totp.clone(),
        unlock: req.unlock,
    };
    let updated = s.accounts.update_user(u.id, req.version, change, entry(&s, &p, "user.update", &ip)).await?;
    let totp = totp.flatten().map(|secret| TotpDto { uri: auth::totp_uri(updated.username.as_str(), &secret), secret });
    Ok(Json(UserUpdateDto { user: UserDto::from(&updated), totp }))
}

/// Query of the access log.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LogParams {
    /// Newest entries to show (1–1000, default 100).
    pub limit: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/access-log", tag = "accounts", params(LogParams), responses((status = 200, description = "Newest first", body = [Object])))]
pub(crate) async fn access_log(State(s): State<AppState>, Query(q): Query<LogParams>) -> ApiResult<Json<Vec<AccessRecord>>> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::BadQuery { field: "limit".into(), message: "limit must be between 1 and 1000".into() });
    }
    Ok(Json(s.accounts.access_log(limit).await?))
}
