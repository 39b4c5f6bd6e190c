//! Authentication, authorization and the access log, as one middleware ([`guard`]).
//!
//! For every request: find the route in the [policy table](crate::policy) (a route that is not there
//! answers 404), identify the user from an API token (`Authorization: Bearer …`) or the session cookie,
//! check the route's need, check the CSRF token of a cookie-authenticated write, run the handler, and
//! write the access-log entry (every write; reads of personal data) before the answer leaves. If the
//! log cannot be written the answer is withheld (503): no unlogged access.
//!
//! Handlers take a [`Principal`] and call [`Principal::scope`] on every record they load, so that a
//! record outside the user's operations answers 404 exactly like one that does not exist.

use crate::error::{ApiError, ApiResult};
use crate::policy::{self, Need};
use crate::AppState;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::body::Body;
use axum::extract::{ConnectInfo, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::DateTime;
use nansen_domain::access::{Permission, Role};
use nansen_domain::convention::procedure::{ActionKind, Role as ProcedureRole};
use nansen_domain::{Actor, HouseholdId, OperationId};
use nansen_store::accounts::{AccessEntry, User};
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use uuid::Uuid;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "nansen_session";
/// The cookie that carries the sign-in form's anti-forgery value before there is a session.
pub const LOGIN_COOKIE: &str = "nansen_login";
/// The header carrying the CSRF token on cookie-authenticated writes from scripts (htmx sends it).
pub const CSRF_HEADER: &str = "x-csrf-token";
/// The header a client may use to state why it reads a record (kept in the access log).
pub const REASON_HEADER: &str = "x-nansen-reason";
/// API tokens start with this, so that a leaked one is recognisable (and scannable) as Nansen's.
pub const TOKEN_PREFIX: &str = "nsn_";

/// Sign-in and session settings.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Absolute session lifetime (seconds).
    pub session_secs: i64,
    /// A session unused this long ends (seconds).
    pub idle_secs: i64,
    /// Failed sign-ins in a row that lock an account.
    pub lock_after: i64,
    /// How long a lock lasts (seconds).
    pub lock_secs: i64,
    /// Failed sign-ins from one address within [`Self::ip_window_secs`] before that address is refused.
    pub ip_failures: u32,
    /// The window for [`Self::ip_failures`].
    pub ip_window_secs: i64,
    /// Mark cookies `Secure` (on whenever Nansen is served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self { session_secs: 12 * 3600, idle_secs: 30 * 60, lock_after: 5, lock_secs: 15 * 60, ip_failures: 20, ip_window_secs: 15 * 60, secure_cookies: false }
    }
}

/// How the request was authenticated.
#[derive(Debug, Clone)]
pub enum Via {
    /// A browser session (its cookie hash and CSRF token).
    Session {
        /// SHA-256 of the cookie.
        id_hash: String,
        /// The session's CSRF token.
        csrf: String,
    },
    /// An API token.
    Token(Uuid),
}

/// The signed-in user of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    /// The account.
    pub user: User,
    /// How it signed in.
    pub via: Via,
    /// The language of this request's pages.
    pub locale: crate::i18n::Locale,
    /// For a user limited to assigned cases: the households assigned to them, read when the request
    /// began. `None` for everyone else.
    pub cases: Option<std::sync::Arc<std::collections::HashSet<HouseholdId>>>,
}

impl Principal {
    /// The actor recorded on this user's changes.
    pub fn actor(&self) -> Actor {
        self.user.username.actor()
    }
    /// True when one of the user's roles carries `p`.
    pub fn may(&self, p: Permission) -> bool {
        self.user.roles.may(p)
    }
    /// True when the user holds `r`.
    pub fn has_role(&self, r: Role) -> bool {
        self.user.roles.as_slice().contains(&r)
    }
    /// Ok when `op` is one of the user's operations; otherwise the same 404 as a missing record, so
    /// that not even the existence of a case leaks.
    pub fn scope(&self, op: OperationId, kind: &'static str, id: &str) -> ApiResult<()> {
        if self.user.operations.includes(op) {
            Ok(())
        } else {
            Err(ApiError::Store(nansen_store::StoreError::NotFound { kind, id: id.to_string() }))
        }
    }
    /// Ok when the case (household) `household` of operation `op` is inside the user's scope: their
    /// operations and, for a user limited to assigned cases, the cases assigned to them. Otherwise
    /// the same 404 as a missing record.
    pub fn scope_case(&self, op: OperationId, household: HouseholdId, kind: &'static str, id: &str) -> ApiResult<()> {
        self.scope(op, kind, id)?;
        match &self.cases {
            Some(cases) if !cases.contains(&household) => Err(ApiError::Store(nansen_store::StoreError::NotFound { kind, id: id.to_string() })),
            _ => Ok(()),
        }
    }
    /// True when the user may see this person at all: in their scope (operations, assigned cases)
    /// and not a citizen of the State they act for.
    pub fn may_see(&self, person: &nansen_store::PersonRecord) -> bool {
        self.scope_case(person.operation_id, person.household_id, "person", "").is_ok() && self.disclosure(&person.details.citizenship, "person", "").is_ok()
    }
    /// The user whose assigned cases bound every list this user reads (`None`: every case of their
    /// operations).
    pub fn assigned_to(&self) -> Option<Uuid> {
        self.cases.as_ref().map(|_| self.user.id)
    }
    /// Ok unless the user acts for a State whose citizen the person is: data of a person never reach
    /// the authorities of the country they fled. The answer is the same 404 as for a missing record.
    pub fn disclosure(&self, citizenship: &nansen_domain::Citizenship, kind: &'static str, id: &str) -> ApiResult<()> {
        match self.user.affiliation {
            Some(state) if citizenship.includes(state) => Err(ApiError::Store(nansen_store::StoreError::NotFound { kind, id: id.to_string() })),
            _ => Ok(()),
        }
    }
    /// The procedure role in which this user takes an action of `kind`: the least senior of their
    /// procedure roles that may take it, or their first procedure role (the state machine then
    /// explains the refusal).
    pub fn procedure_role(&self, kind: ActionKind) -> ApiResult<ProcedureRole> {
        let roles = self.user.roles.procedure_roles();
        roles
            .iter()
            .copied()
            .find(|r| r.may_take(kind))
            .or_else(|| roles.first().copied())
            .ok_or_else(|| ApiError::Forbidden("a role in the status-determination procedure".into()))
    }
    /// The CSRF token of a browser session (empty for token clients, which need none).
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } => csrf,
            Via::Token(_) => "",
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Principal>().cloned().ok_or(ApiError::Unauthenticated)
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Principal {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Principal>().cloned())
    }
}

// ---------------------------------------------------------------------------------------------
// Secrets

/// Argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane).
fn argon() -> Argon2<'static> {
    let params = argon2::Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, params)
}

/// Hashes a password (PHC string with its salt and parameters).
pub fn hash_password(pw: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    argon().hash_password(pw.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

/// True when `pw` matches the stored hash.
pub fn verify_password(hash: &str, pw: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| argon().verify_password(pw.as_bytes(), &h).is_ok())
}

/// A hash of no password, verified against when the user does not exist, so that the answer takes
/// as long for an unknown user as for a wrong password.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| hash_password("no such user, no such password").unwrap_or_default())
}

/// 256 random bits as lower-case hex.
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// A new API token (`nsn_` + 256 random bits).
pub fn new_api_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_secret())
}

/// SHA-256, hex: what is stored of a session cookie or API token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in time independent of where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

// ---------------------------------------------------------------------------------------------
// TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits)

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buf = (buf << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            out.push(B32[((buf >> (bits - 5)) & 31) as usize] as char);
            bits -= 5;
        }
    }
    if bits > 0 {
        out.push(B32[((buf << (5 - bits)) & 31) as usize] as char);
    }
    out
}

fn unbase32(s: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for c in s.chars().filter(|c| !c.is_whitespace() && *c != '=') {
        let v = B32.iter().position(|&x| x as char == c.to_ascii_uppercase())? as u32;
        buf = (buf << 5) | v;
        bits += 5;
        if bits >= 8 {
            out.push(((buf >> (bits - 8)) & 0xff) as u8);
            bits -= 8;
        }
    }
    Some(out)
}

/// A new TOTP secret (160 bits, base32).
pub fn new_totp_secret() -> String {
    let mut b = [0u8; 20];
    rand::rng().fill_bytes(&mut b);
    base32(&b)
}

/// The 6-digit code for `secret` at Unix time `t`.
pub fn totp(secret: &str, t: i64) -> Option<u32> {
    use hmac::{Hmac, Mac};
    let key = unbase32(secret)?;
    let counter = (t.max(0) / 30) as u64;
    let mut mac = Hmac::<sha1::Sha1>::new_from_slice(&key).ok()?;
    mac.update(&counter.to_be_bytes());
    let h = mac.finalize().into_bytes();
    let off = (h[19] & 0x0f) as usize;
    let bin = (u32::from(h[off]) & 0x7f) << 24 | u32::from(h[off + 1]) << 16 | u32::from(h[off + 2]) << 8 | u32::from(h[off + 3]);
    Some(bin % 1_000_000)
}

/// True when `code` is the code of the current 30-second step or of one step either side (clock drift).
pub fn verify_totp(secret: &str, code: &str, t: i64) -> bool {
    let code = code.trim();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        return false;
    }
    [-30, 0, 30].iter().any(|d| totp(secret, t + d).is_some_and(|c| same_secret(&format!("{c:06}"), code)))
}

/// The `otpauth://` URI an authenticator app reads (as a QR code or typed).
pub fn totp_uri(user: &str, secret: &str) -> String {
    format!("otpauth://totp/Nansen:{user}?secret={secret}&issuer=Nansen&algorithm=SHA1&digits=6&period=30")
}

// ---------------------------------------------------------------------------------------------
// Sign-in

/// Why a sign-in failed. The message never tells whether the user exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignInError {
    /// Wrong name or password (or unknown user).
    Wrong,
    /// The second factor is on and the code was missing or wrong.
    NeedCode,
    /// The account is locked until this time.
    Locked(i64),
    /// This address failed too often.
    Throttled,
}

impl SignInError {
    /// What the user reads.
    pub fn message(&self) -> String {
        match self {
            SignInError::Wrong => "the user name or password is wrong".into(),
            SignInError::NeedCode => "enter the 6-digit code from your authenticator app".into(),
            SignInError::Locked(until) => format!(
                "the account is locked after too many failed sign-ins until {} UTC; wait, or ask your administrator to unlock it",
                DateTime::from_timestamp(*until, 0).map(|t| t.format("%H:%M").to_string()).unwrap_or_default()
            ),
            SignInError::Throttled => "too many failed sign-ins from this address; wait 15 minutes and try again".into(),
        }
    }
}

/// Failed sign-ins per client address (in memory; a restart forgets them, the per-account lock does not).
#[derive(Default)]
pub struct Throttle(Mutex<HashMap<IpAddr, (u32, i64)>>);

impl Throttle {
    fn blocked(&self, ip: Option<IpAddr>, now: i64, cfg: &AuthConfig) -> bool {
        let Some(ip) = ip else { return false };
        self.0.lock().map(|m| m.get(&ip).is_some_and(|(n, since)| *n >= cfg.ip_failures && now - since < cfg.ip_window_secs)).unwrap_or(false)
    }
    fn fail(&self, ip: Option<IpAddr>, now: i64, cfg: &AuthConfig) {
        let Some(ip) = ip else { return };
        if let Ok(mut m) = self.0.lock() {
            let e = m.entry(ip).or_insert((0, now));
            if now - e.1 >= cfg.ip_window_secs {
                *e = (0, now);
            }
            e.0 += 1;
        }
    }
}

/// A new session's cookie value and CSRF token.
pub struct NewSession {
    /// The cookie value (shown to the browser only).
    pub cookie: String,
    /// The CSRF token.
    pub csrf: String,
    /// The user.
    pub user: User,
}

/// Checks a user name, password and (when on) TOTP code, and starts a session. Every attempt is
/// logged; failures count towards the account lock and the address throttle.
pub async fn sign_in(s: &AppState, username: &str, password: &str, code: Option<&str>, ip: Option<IpAddr>, previous: Option<&str>) -> Result<NewSession, SignInError> {
    let now = s.now();
    let t = now.timestamp();
    let cfg = &s.auth;
    if s.throttle.blocked(ip, t, cfg) {
        return Err(SignInError::Throttled);
    }
    let origin = ip.map(|i| i.to_string()).unwrap_or_else(|| "-".into());
    let entry = |actor: &str, outcome: i64| AccessEntry { at: now, actor: actor.to_string(), action: "sign_in".into(), target: String::new(), origin: origin.clone(), outcome, reason: None };
    let found = match nansen_domain::access::Username::parse(username) {
        Ok(u) => s.accounts.user_by_name(&u).await.ok().flatten(),
        Err(_) => None,
    };
    let Some((user, creds)) = found else {
        let _ = verify_password(dummy_hash(), password);
        s.throttle.fail(ip, t, cfg);
        let _ = s.accounts.log(&[entry("-", 0)]).await;
        return Err(SignInError::Wrong);
    };
    if let Some(until) = user.locked_until.filter(|u| *u > t) {
        let _ = s.accounts.log(&[AccessEntry { target: format!("user:{}", user.id), ..entry(user.username.as_str(), 0) }]).await;
        return Err(SignInError::Locked(until));
    }
    let pw_ok = verify_password(&creds.password_hash, password);
    let code_ok = match (&creds.totp_secret, code.filter(|c| !c.trim().is_empty())) {
        (None, _) => true,
        (Some(secret), Some(c)) => verify_totp(secret, c, t),
        (Some(_), None) => false,
    };
    if !pw_ok || !code_ok || user.disabled {
        s.throttle.fail(ip, t, cfg);
        let log = AccessEntry { target: format!("user:{}", user.id), ..entry(user.username.as_str(), 0) };
        let locked = s.accounts.record_failed_login(user.id, cfg.lock_after, cfg.lock_secs, log).await.ok().flatten();
        return Err(match locked {
            Some(until) => SignInError::Locked(until),
            None if pw_ok && !user.disabled && creds.totp_secret.is_some() => SignInError::NeedCode,
            None => SignInError::Wrong,
        });
    }
    let cookie = random_secret();
    let csrf = random_secret();
    let session = nansen_store::accounts::Session {
        id_hash: token_hash(&cookie),
        user_id: user.id,
        csrf: csrf.clone(),
        created_at: t,
        last_seen: t,
        expires_at: t + cfg.session_secs,
    };
    let prev = previous.map(token_hash);
    s.accounts.start_session(&session, prev.as_deref(), entry(user.username.as_str(), 1)).await.map_err(|e| {
        tracing::error!(error = %e, "could not start a session");
        SignInError::Wrong
    })?;
    Ok(NewSession { cookie, csrf, user })
}

/// The `Set-Cookie` value for a session.
pub fn session_cookie(value: &str, cfg: &AuthConfig) -> String {
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}", cfg.session_secs, if cfg.secure_cookies { "; Secure" } else { "" })
}

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_session_cookie(cfg: &AuthConfig) -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}", if cfg.secure_cookies { "; Secure" } else { "" })
}

/// A cookie's value from the request.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim())
}

// ---------------------------------------------------------------------------------------------
// The access log writer: entries go through the store's group-commit writer, so that the entries of
// concurrent requests share one durable commit with each other and with the registrations and other
// writes waiting at that moment.

/// Writes access-log entries; each request waits until its entry is durably committed.
#[derive(Clone)]
pub struct AccessLog(nansen_store::AnyStore);

impl AccessLog {
    /// The access log of `store`, written by its group-commit writer.
    pub fn new(store: nansen_store::AnyStore) -> Self {
        Self(store)
    }

    /// Appends one entry and waits for its commit.
    pub async fn write(&self, e: AccessEntry) -> Result<(), String> {
        self.0.log_access(vec![e]).await.map_err(|e| {
            tracing::error!(error = %e, "the access log could not be written");
            e.to_string()
        })
    }
}

/// A logged request's access-log entry, handed to the handler (request extension): a handler whose
/// write goes through the group-commit writer can have the entry written in the same transaction
/// ([`LogSlot::entry`], then [`LogSlot::mark_logged`] once committed). The middleware then writes no
/// second entry, unless the answer's status differs from the one logged (an error after the
/// commit): that answer is logged as well.
#[derive(Clone)]
pub struct LogSlot(std::sync::Arc<(AccessEntry, Mutex<Option<u16>>)>);

impl LogSlot {
    fn new(entry: AccessEntry) -> Self {
        Self(std::sync::Arc::new((entry, Mutex::new(None))))
    }
    /// This request's entry with the answer `status`.
    pub fn entry(&self, status: StatusCode) -> AccessEntry {
        AccessEntry { outcome: i64::from(status.as_u16()), ..self.0 .0.clone() }
    }
    /// Records that the entry with `status` was committed.
    pub fn mark_logged(&self, status: StatusCode) {
        if let Ok(mut g) = self.0 .1.lock() {
            *g = Some(status.as_u16());
        }
    }
    fn logged(&self) -> Option<u16> {
        self.0 .1.lock().ok().and_then(|g| *g)
    }
}

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for LogSlot {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<LogSlot>().cloned())
    }
}

// ---------------------------------------------------------------------------------------------
// API tokens verified recently

/// How long a verified API token is trusted without reading the database again. Changes made
/// through this server (a user disabled, roles changed, a password changed, tokens revoked: every
/// write under [`ACCOUNT_ROUTES`]) empty the cache at once; this bounds how long a change made by
/// another process (the `nansen user` command) takes to reach this one.
pub const TOKEN_CACHE_SECS: u64 = 1;

/// Routes whose writes change accounts or tokens: after each, the token cache is emptied.
pub const ACCOUNT_ROUTES: [&str; 2] = ["/api/v1/users", "/api/v1/me"];

/// Most tokens kept (the cache is emptied when full).
const TOKEN_CACHE_MAX: usize = 10_000;

/// API tokens verified in the last [`TOKEN_CACHE_SECS`], by the hash of the token, with their user.
/// A generation counter keeps a lookup that started before an account change from filling the
/// cache with what it read before that change.
#[derive(Default)]
pub struct TokenCache {
    entries: Mutex<HashMap<String, (std::time::Instant, nansen_store::accounts::ApiToken, User)>>,
    generation: std::sync::atomic::AtomicU64,
}

impl TokenCache {
    fn get(&self, hash: &str, now: i64) -> Option<(nansen_store::accounts::ApiToken, User)> {
        let g = self.entries.lock().ok()?;
        let (at, t, u) = g.get(hash)?;
        let fresh = at.elapsed() < std::time::Duration::from_secs(TOKEN_CACHE_SECS);
        let live = t.revoked_at.is_none() && t.expires_at.is_none_or(|e| e > now) && !u.disabled;
        (fresh && live).then(|| (t.clone(), u.clone()))
    }
    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }
    fn put(&self, hash: String, generation: u64, t: &nansen_store::accounts::ApiToken, u: &User) {
        if let Ok(mut g) = self.entries.lock() {
            // Checked under the lock that `invalidate` takes after bumping the generation.
            if self.generation() != generation {
                return;
            }
            if g.len() >= TOKEN_CACHE_MAX {
                g.clear();
            }
            g.insert(hash, (std::time::Instant::now(), t.clone(), u.clone()));
        }
    }
    /// Forgets every token: called after any change to accounts or tokens.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match self.entries.lock() {
            Ok(mut g) => g.clear(),
            Err(p) => p.into_inner().clear(),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The middleware

/// The client's address, when the server knows it.
pub fn client_ip(req_ext: &axum::http::Extensions) -> Option<IpAddr> {
    req_ext.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())
}

async fn authenticate(s: &AppState, headers: &HeaderMap, now: i64) -> Result<Option<Principal>, ApiError> {
    if let Some(v) = headers.get(header::AUTHORIZATION) {
        let v = v.to_str().map_err(|_| ApiError::Unauthenticated)?;
        let token = v.strip_prefix("Bearer ").map(str::trim).ok_or(ApiError::Unauthenticated)?;
        let hash = token_hash(token);
        if let Some((t, user)) = s.tokens.get(&hash, now) {
            return Ok(Some(principal(s, user, Via::Token(t.id), headers).await?));
        }
        let generation = s.tokens.generation();
        return match s.accounts.token(&hash, now).await? {
            Some((t, user)) => {
                s.tokens.put(hash, generation, &t, &user);
                Ok(Some(principal(s, user, Via::Token(t.id), headers).await?))
            }
            None => Err(ApiError::Unauthenticated),
        };
    }
    let Some(c) = cookie(headers, SESSION_COOKIE).filter(|c| !c.is_empty()) else { return Ok(None) };
    let h = token_hash(c);
    match s.accounts.session(&h, now, s.auth.idle_secs).await? {
        Some((session, user)) => {
            if now - session.last_seen >= 60 {
                s.accounts.touch_session(&h, now).await?;
            }
            Ok(Some(principal(s, user, Via::Session { id_hash: h, csrf: session.csrf }, headers).await?))
        }
        None => Ok(None),
    }
}

/// The principal of an authenticated request, with the cases assigned to a user limited to them.
async fn principal(s: &AppState, user: User, via: Via, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let cases = if user.assigned_only { Some(std::sync::Arc::new(s.accounts.assigned_cases(user.id).await?.into_iter().collect())) } else { None };
    Ok(Principal { user, via, locale: crate::i18n::Locale::of_request(headers), cases })
}

fn is_write(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn is_page(path: &str) -> bool {
    !path.starts_with("/api/") && path != "/healthz"
}

/// A cross-site request carries an `Origin` (or `Referer`) naming another host: refuse it for writes.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let from = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER)).and_then(|h| h.to_str().ok());
    match (from, host) {
        (None, _) => true,
        (Some("null"), _) => false,
        (Some(f), Some(h)) => f.split("://").nth(1).map(|rest| rest.split('/').next() == Some(h)).unwrap_or(false),
        (Some(_), None) => false,
    }
}

/// Checks a form's or header's CSRF token against `expected` and gives the request back intact.
async fn check_csrf(req: Request, expected: &str) -> Result<Request, ApiError> {
    if let Some(v) = req.headers().get(CSRF_HEADER) {
        return if v.to_str().is_ok_and(|v| same_secret(v, expected)) { Ok(req) } else { Err(ApiError::Csrf) };
    }
    let is_form = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Err(ApiError::Csrf);
    }
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, crate::json::MAX_JSON_BODY).await.map_err(|_| ApiError::TooLarge(crate::json::MAX_JSON_BODY))?;
    let ok = form_urlencoded::parse(&bytes).any(|(k, v)| k == "csrf" && same_secret(&v, expected));
    if ok {
        Ok(Request::from_parts(parts, Body::from(bytes)))
    } else {
        Err(ApiError::Csrf)
    }
}

/// The middleware: policy, authentication, CSRF, and the access log (see the module docs).
pub async fn guard(State(s): State<AppState>, mut req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()).unwrap_or_default();
    let Some(rule) = policy::rule(&method, &route) else {
        return ApiError::Store(nansen_store::StoreError::NotFound { kind: "page", id: req.uri().path().to_string() }).into_response();
    };
    let now = s.now();
    let principal = match authenticate(&s, req.headers(), now.timestamp()).await {
        Ok(p) => p,
        Err(e) => return e.into_response(),
    };
    let page = is_page(&route);
    let ip = client_ip(req.extensions());
    let origin = ip.map(|i| i.to_string()).unwrap_or_else(|| "-".into());
    let target = req.uri().path().to_string();
    let reason = req.headers().get(REASON_HEADER).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let entry = |p: &Principal, outcome: StatusCode| AccessEntry {
        at: now,
        actor: p.user.username.as_str().to_string(),
        action: format!("{method} {route}"),
        target: target.clone(),
        origin: origin.clone(),
        outcome: i64::from(outcome.as_u16()),
        reason: reason.clone(),
    };
    if is_write(&method) && !same_origin(req.headers()) {
        return ApiError::Csrf.into_response();
    }
    match (rule.need, &principal) {
        (Need::Public, _) => {}
        (_, None) if page => {
            let next = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            return Redirect::to(&format!("/login?next={}", form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>())).into_response();
        }
        (_, None) => return ApiError::Unauthenticated.into_response(),
        (Need::Permission(p), Some(pr)) if !pr.may(p) => {
            let _ = s.access_log.write(entry(pr, StatusCode::FORBIDDEN)).await;
            return ApiError::Forbidden(format!("the permission {p}")).into_response();
        }
        _ => {}
    }
    if let Some(p) = &principal {
        // A public write (only the sign-in form, which carries its own double-submit token) is not
        // tied to the session it may be replacing: signing in as someone else must work.
        if let (true, false, Via::Session { csrf, .. }) = (is_write(&method), rule.need == Need::Public, &p.via) {
            req = match check_csrf(req, csrf).await {
                Ok(r) => r,
                Err(e) => return e.into_response(),
            };
        }
        req.extensions_mut().insert(p.clone());
    }
    let slot = match &principal {
        Some(p) if rule.logged_read || is_write(&method) => {
            let slot = LogSlot::new(entry(p, StatusCode::OK));
            req.extensions_mut().insert(slot.clone());
            Some(slot)
        }
        _ => None,
    };
    let resp = next.run(req).await;
    if is_write(&method) && ACCOUNT_ROUTES.iter().any(|r| route.starts_with(r)) {
        s.tokens.invalidate();
    }
    if let (Some(p), Some(slot)) = (&principal, &slot) {
        if slot.logged() != Some(resp.status().as_u16()) {
            if let Err(e) = s.access_log.write(entry(p, resp.status())).await {
                tracing::error!(error = %e, "withholding an answer that could not be logged");
                return (StatusCode::SERVICE_UNAVAILABLE, "the access log could not be written; nothing is shown until it can be. Tell your administrator.\n").into_response();
            }
        }
    }
    resp
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn totp_matches_rfc_6238_test_vectors() {
        // RFC 6238 Appendix B, SHA-1 key "12345678901234567890", 8 digits there; 6 digits are the last six.
        let secret = base32(b"12345678901234567890");
        assert_eq!(totp(&secret, 59), Some(287082));
        assert_eq!(totp(&secret, 1111111109), Some(81804));
        assert_eq!(totp(&secret, 1234567890), Some(5924));
        assert_eq!(totp(&secret, 2000000000), Some(279037));
        assert!(verify_totp(&secret, "287082", 59 + 25));
        assert!(!verify_totp(&secret, "287082", 59 + 95));
        assert!(!verify_totp(&secret, "28708", 59));
        assert!(!verify_totp(&secret, "abcdef", 59));
    }

    #[test]
    fn base32_round_trips() {
        for v in [&b""[..], b"f", b"fo", b"foo", b"foob", b"fooba", b"foobar"] {
            assert_eq!(unbase32(&base32(v)).unwrap(), v);
        }
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
    }

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password(&h, "correct horse battery"));
        assert!(!verify_password(&h, "correct horse batterY"));
        assert!(!verify_password("not a hash", "x"));
    }

    #[test]
    fn secrets_compare_fully() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "abcd"));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; nansen_session=xyz; b=2".parse().unwrap());
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("xyz"));
        assert_eq!(cookie(&h, "c"), None);
    }

    #[test]
    fn cross_site_writes_are_recognised() {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, "nansen.local:8080".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, "http://nansen.local:8080".parse().unwrap());
        assert!(same_origin(&h));
        h.insert(header::ORIGIN, "https://evil.example".parse().unwrap());
        assert!(!same_origin(&h));
        h.insert(header::ORIGIN, "null".parse().unwrap());
        assert!(!same_origin(&h));
    }
}
