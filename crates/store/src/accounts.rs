//! Accounts: users, sign-in sessions, API tokens, and the hash-chained access log.
//!
//! The store keeps only hashes of secrets: Argon2id password hashes (computed by the caller), and
//! SHA-256 of session and API tokens (random 256-bit values, so a fast hash suffices). Nothing here
//! is deleted: users are disabled, sessions and tokens revoked, and the access log is append-only.
//!
//! Every account change appends its access-log entry **in the same transaction** as the change. The
//! access log is chained like the audit log (`hash = SHA-256(prev_hash | canonical fields)`) and
//! checked by [`Accounts::verify_access_log`].

use crate::audit::{canonical, sha256_hex, GENESIS};
use crate::{Result, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};
use nansen_domain::access::{Roles, Username};
use nansen_domain::{Iso3, OperationId};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use uuid::Uuid;

/// Which operations a user works in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OperationScope {
    /// Every operation (e.g. a UNHCR supervisor over a country, an administrator).
    All,
    /// Only these.
    Only(Vec<OperationId>),
}

impl OperationScope {
    /// True when `op` is inside the scope.
    pub fn includes(&self, op: OperationId) -> bool {
        match self {
            OperationScope::All => true,
            OperationScope::Only(v) => v.contains(&op),
        }
    }
    fn to_json(&self) -> String {
        match self {
            OperationScope::All => "[\"*\"]".into(),
            OperationScope::Only(v) => serde_json::to_string(&v.iter().map(|o| o.to_string()).collect::<Vec<_>>()).unwrap_or_else(|_| "[]".into()),
        }
    }
    fn from_json(s: &str) -> Result<Self> {
        let v: Vec<String> = serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("user operations: {e}")))?;
        if v.iter().any(|x| x == "*") {
            return Ok(OperationScope::All);
        }
        v.iter()
            .map(|x| x.parse::<OperationId>().map_err(|_| StoreError::Corrupt(format!("user operation {x:?} is not an identifier"))))
            .collect::<Result<Vec<_>>>()
            .map(OperationScope::Only)
    }
}

/// A user account as the application sees it (no secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    /// Identifier.
    pub id: Uuid,
    /// Sign-in name; also the actor on every change the user makes.
    pub username: Username,
    /// Name shown on screens.
    pub display_name: String,
    /// Roles held.
    pub roles: Roles,
    /// Operations the user works in.
    pub operations: OperationScope,
    /// The State a third-party user acts for (see [`NewUser::affiliation`]).
    pub affiliation: Option<Iso3>,
    /// True when, inside their operations, the user sees only the cases assigned to them.
    pub assigned_only: bool,
    /// True when sign-in needs a TOTP code too.
    pub totp_enabled: bool,
    /// A disabled account cannot sign in and its sessions and tokens stop working.
    pub disabled: bool,
    /// Locked after too many failed sign-ins, until this time (Unix seconds).
    pub locked_until: Option<i64>,
    /// Version, for optimistic concurrency of account changes.
    pub version: i64,
}

/// What sign-in needs to check, beside the [`User`].
#[derive(Clone)]
pub struct Credentials {
    /// Argon2id PHC string.
    pub password_hash: String,
    /// TOTP shared secret (base32), if the second factor is on.
    pub totp_secret: Option<String>,
    /// Consecutive failed sign-ins.
    pub failed_logins: i64,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(***)")
    }
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Sign-in name.
    pub username: Username,
    /// Name shown.
    pub display_name: String,
    /// Argon2id PHC string of the initial password.
    pub password_hash: String,
    /// Roles.
    pub roles: Roles,
    /// Operations.
    pub operations: OperationScope,
    /// For a user who acts for a State (a host-State liaison, a partner government): that State.
    /// Nansen never shows such a user data of a person whose country of origin is that State.
    pub affiliation: Option<Iso3>,
    /// Limit the user to the cases assigned to them (see [`User::assigned_only`]).
    pub assigned_only: bool,
}

/// A change to an account (absent fields stay as they are).
#[derive(Debug, Clone, Default)]
pub struct UserChange {
    /// New display name.
    pub display_name: Option<String>,
    /// New roles.
    pub roles: Option<Roles>,
    /// New operations.
    pub operations: Option<OperationScope>,
    /// Disable (true) or enable (false).
    pub disabled: Option<bool>,
    /// Limit the user to assigned cases (true) or let them see every case of their operations (false).
    pub assigned_only: Option<bool>,
    /// New password hash (revokes every session and token of the user).
    pub password_hash: Option<String>,
    /// Turn the second factor on (Some(secret)) or off (Some(None)).
    pub totp_secret: Option<Option<String>>,
    /// Clear a lockout.
    pub unlock: bool,
}

/// A signed-in session.
#[derive(Debug, Clone)]
pub struct Session {
    /// SHA-256 of the cookie value.
    pub id_hash: String,
    /// The user.
    pub user_id: Uuid,
    /// The session's CSRF token (sent in forms and the `x-csrf-token` header).
    pub csrf: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last request.
    pub last_seen: i64,
    /// Absolute end (Unix seconds).
    pub expires_at: i64,
}

/// An API token's metadata (the token itself is shown once, at creation).
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    /// Identifier.
    pub id: Uuid,
    /// Owner.
    pub user_id: Uuid,
    /// What it is for.
    pub name: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds, if it expires.
    pub expires_at: Option<i64>,
    /// Unix seconds, if revoked.
    pub revoked_at: Option<i64>,
}

/// One access-log entry before it is chained.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AccessEntry {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (a user name, or `-` before sign-in).
    pub actor: String,
    /// What was done, e.g. `GET /api/v1/persons/{id}`, `sign_in`, `user.create`.
    pub action: String,
    /// The record or account concerned (identifiers only).
    pub target: String,
    /// From where: the client address.
    pub origin: String,
    /// HTTP status, or 0/1 for failure/success of a non-HTTP action.
    pub outcome: i64,
    /// Why, where a reason was given.
    pub reason: Option<String>,
}

/// A stored, chained access-log entry.
#[derive(Debug, Clone, Serialize)]
pub struct AccessRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// The entry.
    #[serde(flatten)]
    pub entry: StoredEntry,
    /// Hash of the previous entry.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// An entry as stored (time as text).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoredEntry {
    /// When (RFC 3339, microseconds).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// Concerning what.
    pub target: String,
    /// From where.
    pub origin: String,
    /// Outcome.
    pub outcome: i64,
    /// Why.
    pub reason: Option<String>,
}

/// The hash of an access-log entry.
pub fn access_hash(seq: i64, e: &StoredEntry, prev_hash: &str) -> String {
    let fields = serde_json::json!({
        "seq": seq, "at": e.at, "actor": e.actor, "action": e.action, "target": e.target,
        "origin": e.origin, "outcome": e.outcome, "reason": e.reason,
    });
    sha256_hex(&format!("{prev_hash}|{}", canonical(&fields)))
}

/// What [`Accounts::verify_access_log`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessReport {
    /// Entries checked.
    pub entries: i64,
    /// The first broken entry, if any: its position and what is wrong.
    pub first_break: Option<(i64, String)>,
}

impl AccessEntry {
    pub(crate) fn stored(&self) -> StoredEntry {
        StoredEntry {
            at: self.at.to_rfc3339_opts(SecondsFormat::Micros, true),
            actor: clip(&self.actor, 64),
            action: clip(&self.action, 200),
            target: clip(&self.target, 200),
            origin: clip(&self.origin, 100),
            outcome: self.outcome,
            reason: self.reason.as_deref().map(|r| clip(r, 500)),
        }
    }
}

/// Cuts a value to `max` characters and replaces control characters, so that nothing a client sends
/// can forge a line of the log.
fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// Account storage over either backend's pool.
#[derive(Clone)]
pub enum Accounts {
    /// SQLite.
    Sqlite(sqlx::SqlitePool),
    /// PostgreSQL.
    Postgres(sqlx::PgPool),
}

const USER_COLS: &str = "id, username, display_name, password_hash, roles, operations, totp_secret, affiliation, assigned_only, failed_logins, locked_until, disabled, version";

fn user_from_row<R: Row>(r: &R) -> Result<(User, Credentials)>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    for<'a> Uuid: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database>,
{
    let corrupt = |what: &str, e: String| StoreError::Corrupt(format!("user {what}: {e}"));
    let username: String = r.try_get("username")?;
    let roles: String = r.try_get("roles")?;
    let ops: String = r.try_get("operations")?;
    let totp: Option<String> = r.try_get("totp_secret")?;
    let affiliation: Option<String> = r.try_get("affiliation")?;
    let user = User {
        id: r.try_get("id")?,
        username: Username::parse(&username).map_err(|e| corrupt("name", e.message))?,
        display_name: r.try_get("display_name")?,
        roles: serde_json::from_str(&roles).map_err(|e| corrupt("roles", e.to_string()))?,
        operations: OperationScope::from_json(&ops)?,
        affiliation: affiliation.map(|a| Iso3::parse(&a).map_err(|e| corrupt("affiliation", e.message))).transpose()?,
        assigned_only: r.try_get::<i64, _>("assigned_only")? != 0,
        totp_enabled: totp.is_some(),
        disabled: r.try_get::<i64, _>("disabled")? != 0,
        locked_until: r.try_get("locked_until")?,
        version: r.try_get("version")?,
    };
    let creds = Credentials { password_hash: r.try_get("password_hash")?, totp_secret: totp, failed_logins: r.try_get("failed_logins")? };
    Ok((user, creds))
}

/// An access-log row (`seq, at, actor, action, target, origin, outcome, reason, prev_hash, hash`).
fn access_from_row<R: Row>(r: &R) -> Result<AccessRecord>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    usize: sqlx::ColumnIndex<R>,
    for<'a> Uuid: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database>,
{
    Ok(AccessRecord {
        seq: r.try_get(0)?,
        entry: StoredEntry { at: r.try_get(1)?, actor: r.try_get(2)?, action: r.try_get(3)?, target: r.try_get(4)?, origin: r.try_get(5)?, outcome: r.try_get(6)?, reason: r.try_get(7)? },
        prev_hash: r.try_get(8)?,
        hash: r.try_get(9)?,
    })
}

/// A token row (`id, user_id, name, created_at, expires_at, revoked_at`).
fn token_from_row<R: Row>(r: &R) -> Result<ApiToken>
where
    for<'a> &'a str: sqlx::ColumnIndex<R>,
    usize: sqlx::ColumnIndex<R>,
    for<'a> Uuid: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> String: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<String>: sqlx::Decode<'a, R::Database>,
    for<'a> i64: sqlx::Decode<'a, R::Database> + sqlx::Type<R::Database>,
    for<'a> Option<i64>: sqlx::Decode<'a, R::Database>,
{
    Ok(ApiToken { id: r.try_get(0)?, user_id: r.try_get(1)?, name: r.try_get(2)?, created_at: r.try_get(3)?, expires_at: r.try_get(4)?, revoked_at: r.try_get(5)? })
}

fn roles_json(r: &Roles) -> String {
    serde_json::to_string(r).unwrap_or_else(|_| "[]".into())
}

/// Instantiates the same SQL (placeholders `$n` work on both backends) for each pool type.
macro_rules! on_pool {
    ($self:ident, $pool:ident => $body:expr) => {
        match $self {
            Accounts::Sqlite($pool) => $body,
            Accounts::Postgres($pool) => $body,
        }
    };
}

/// Begins a transaction that holds the write lock from its first statement: SQLite `BEGIN
/// IMMEDIATE`; PostgreSQL an exclusive lock on the access log (the chain's tail is read then written).
macro_rules! begin_chained {
    (sqlite, $pool:ident) => {{
        $pool.begin_with("BEGIN IMMEDIATE").await?
    }};
    (postgres, $pool:ident) => {{
        let mut tx = $pool.begin().await?;
        sqlx::query("LOCK TABLE access_log IN SHARE ROW EXCLUSIVE MODE").execute(&mut *tx).await?;
        tx
    }};
}

macro_rules! chained {
    ($self:ident, $tx:ident => $body:expr) => {
        match $self {
            Accounts::Sqlite(pool) => {
                let mut $tx = begin_chained!(sqlite, pool);
                let out = $body;
                $tx.commit().await?;
                out
            }
            Accounts::Postgres(pool) => {
                let mut $tx = begin_chained!(postgres, pool);
                let out = $body;
                $tx.commit().await?;
                out
            }
        }
    };
}

/// Rows per multi-row access-log `INSERT` (10 parameters each, well under both backends' limits).
pub(crate) const ACCESS_ROWS_PER_INSERT: usize = 500;

/// Appends entries to the access log's chain inside `$tx`: the tail is read once, the entries are
/// hashed in order, then written with one multi-row `INSERT` per [`ACCESS_ROWS_PER_INSERT`] entries
/// (one round trip for a whole batch of concurrent requests, not one per entry).
macro_rules! append_entries {
    ($tx:ident, $entries:expr) => {{
        let head = sqlx::query("SELECT seq, hash FROM access_log ORDER BY seq DESC LIMIT 1").fetch_optional(&mut *$tx).await?;
        let (mut seq, mut prev): (i64, String) = match head {
            Some(r) => (r.try_get(0)?, r.try_get(1)?),
            None => (0, $crate::audit::GENESIS.to_string()),
        };
        let mut chained: Vec<(i64, $crate::accounts::StoredEntry, String, String)> = Vec::new();
        for e in $entries {
            let s = e.stored();
            seq += 1;
            let hash = $crate::accounts::access_hash(seq, &s, &prev);
            chained.push((seq, s, std::mem::replace(&mut prev, hash.clone()), hash));
        }
        for part in chained.chunks($crate::accounts::ACCESS_ROWS_PER_INSERT) {
            let mut q = sqlx::QueryBuilder::new("INSERT INTO access_log (seq, at, actor, action, target, origin, outcome, reason, prev_hash, hash) ");
            q.push_values(part, |mut b, (seq, s, prev_hash, hash)| {
                b.push_bind(*seq)
                    .push_bind(s.at.clone())
                    .push_bind(s.actor.clone())
                    .push_bind(s.action.clone())
                    .push_bind(s.target.clone())
                    .push_bind(s.origin.clone())
                    .push_bind(s.outcome)
                    .push_bind(s.reason.clone())
                    .push_bind(prev_hash.clone())
                    .push_bind(hash.clone());
            });
            q.build().execute(&mut *$tx).await?;
        }
    }};
}
/// The group-commit writer appends the entries of its batch with the same macro.
pub(crate) use append_entries;

impl Accounts {
    /// Number of accounts (to tell a fresh database from one with users).
    pub async fn count(&self) -> Result<i64> {
        on_pool!(self, p => Ok(sqlx::query("SELECT COUNT(*) FROM users").fetch_one(p).await?.try_get::<i64, _>(0)?))
    }

    /// Creates an account; the access-log entry commits with it.
    pub async fn create_user(&self, u: NewUser, log: AccessEntry) -> Result<User> {
        let id = Uuid::now_v7();
        let now = log.at.timestamp();
        let name = u.username.as_str().to_string();
        let r: Result<()> = chained!(self, tx => {
            let exists = sqlx::query("SELECT 1 FROM users WHERE username = $1").bind(&name).fetch_optional(&mut *tx).await?;
            if exists.is_some() {
                return Err(StoreError::Duplicate(format!("a user named {name:?} already exists; choose another name or change that account")));
            }
            sqlx::query("INSERT INTO users (id, username, display_name, password_hash, roles, operations, affiliation, assigned_only, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $8, $9, 1, $7, $7)")
                .bind(id).bind(&name).bind(&u.display_name).bind(&u.password_hash).bind(roles_json(&u.roles)).bind(u.operations.to_json()).bind(now)
                .bind(u.affiliation.map(|a| a.to_string())).bind(i64::from(u.assigned_only))
                .execute(&mut *tx).await?;
            append_entries!(tx, [AccessEntry { target: format!("user:{id}"), ..log }]);
            Ok(())
        });
        r?;
        self.user(id).await?.ok_or_else(|| StoreError::Corrupt("a user just created is missing".into()))
    }

    /// An account by identifier.
    pub async fn user(&self, id: Uuid) -> Result<Option<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE id = $1");
        on_pool!(self, p => sqlx::query(&sql).bind(id).fetch_optional(p).await?.as_ref().map(user_from_row).transpose().map(|o| o.map(|x| x.0)))
    }

    /// An account and its credentials by user name.
    pub async fn user_by_name(&self, name: &Username) -> Result<Option<(User, Credentials)>> {
        let sql = format!("SELECT {USER_COLS} FROM users WHERE username = $1");
        on_pool!(self, p => sqlx::query(&sql).bind(name.as_str()).fetch_optional(p).await?.as_ref().map(user_from_row).transpose())
    }

    /// Every account, by user name.
    pub async fn users(&self) -> Result<Vec<User>> {
        let sql = format!("SELECT {USER_COLS} FROM users ORDER BY username");
        on_pool!(self, p => sqlx::query(&sql).fetch_all(p).await?.iter().map(|r| user_from_row(r).map(|x| x.0)).collect())
    }

    /// Changes an account written at `version`. A new password or a disabled account revokes every
    /// session and API token of the user in the same transaction.
    pub async fn update_user(&self, id: Uuid, version: i64, c: UserChange, log: AccessEntry) -> Result<User> {
        let Some(cur) = self.user(id).await? else {
            return Err(StoreError::NotFound { kind: "user", id: id.to_string() });
        };
        if cur.version != version {
            return Err(StoreError::Conflict { kind: "user", id: id.to_string(), expected: version, current: cur.version });
        }
        let now = log.at.timestamp();
        let revoke = c.password_hash.is_some() || c.disabled == Some(true);
        let display = c.display_name.clone().unwrap_or(cur.display_name.clone());
        let roles = roles_json(c.roles.as_ref().unwrap_or(&cur.roles));
        let ops = c.operations.as_ref().unwrap_or(&cur.operations).to_json();
        let disabled = i64::from(c.disabled.unwrap_or(cur.disabled));
        let assigned_only = i64::from(c.assigned_only.unwrap_or(cur.assigned_only));
        let r: Result<u64> = chained!(self, tx => {
            let n = sqlx::query("UPDATE users SET display_name = $1, roles = $2, operations = $3, disabled = $4, assigned_only = $8, version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7")
                .bind(&display).bind(&roles).bind(&ops).bind(disabled).bind(now).bind(id).bind(version).bind(assigned_only)
                .execute(&mut *tx).await?.rows_affected();
            if n == 1 {
                if let Some(h) = &c.password_hash {
                    sqlx::query("UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL WHERE id = $2").bind(h).bind(id).execute(&mut *tx).await?;
                }
                if let Some(t) = &c.totp_secret {
                    sqlx::query("UPDATE users SET totp_secret = $1 WHERE id = $2").bind(t).bind(id).execute(&mut *tx).await?;
                }
                if c.unlock {
                    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1").bind(id).execute(&mut *tx).await?;
                }
                if revoke {
                    sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL").bind(now).bind(id).execute(&mut *tx).await?;
                    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL").bind(now).bind(id).execute(&mut *tx).await?;
                }
                append_entries!(tx, [AccessEntry { target: format!("user:{id}"), ..log }]);
            }
            Ok(n)
        });
        if r? == 0 {
            let current = self.user(id).await?.map(|u| u.version).unwrap_or(0);
            return Err(StoreError::Conflict { kind: "user", id: id.to_string(), expected: version, current });
        }
        self.user(id).await?.ok_or_else(|| StoreError::NotFound { kind: "user", id: id.to_string() })
    }

    /// Records a failed sign-in: after `lock_after` consecutive failures the account is locked until
    /// `now + lock_secs`. Returns the lock's end if it is locked now.
    pub async fn record_failed_login(&self, id: Uuid, lock_after: i64, lock_secs: i64, log: AccessEntry) -> Result<Option<i64>> {
        let now = log.at.timestamp();
        let until = chained!(self, tx => {
            sqlx::query("UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1").bind(id).execute(&mut *tx).await?;
            let n: i64 = sqlx::query("SELECT failed_logins FROM users WHERE id = $1").bind(id).fetch_one(&mut *tx).await?.try_get(0)?;
            let until = (n >= lock_after).then_some(now + lock_secs);
            if let Some(u) = until {
                sqlx::query("UPDATE users SET locked_until = $1, failed_logins = 0 WHERE id = $2").bind(u).bind(id).execute(&mut *tx).await?;
            }
            append_entries!(tx, [log]);
            until
        });
        Ok(until)
    }

    /// Starts a session after a successful sign-in (clears the failure count). Any session the
    /// browser held before is revoked: a fresh identifier at every sign-in (no session fixation).
    pub async fn start_session(&self, s: &Session, previous: Option<&str>, log: AccessEntry) -> Result<()> {
        let now = log.at.timestamp();
        chained!(self, tx => {
            sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1").bind(s.user_id).execute(&mut *tx).await?;
            if let Some(p) = previous {
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id_hash = $2 AND revoked_at IS NULL").bind(now).bind(p).execute(&mut *tx).await?;
            }
            sqlx::query("INSERT INTO sessions (id_hash, user_id, csrf, created_at, last_seen, expires_at, origin) VALUES ($1, $2, $3, $4, $4, $5, $6)")
                .bind(&s.id_hash).bind(s.user_id).bind(&s.csrf).bind(s.created_at).bind(s.expires_at).bind(&log.origin)
                .execute(&mut *tx).await?;
            append_entries!(tx, [AccessEntry { target: format!("user:{}", s.user_id), ..log }]);
        });
        Ok(())
    }

    /// A live session and its user: not revoked, not past its absolute end, used within `idle_secs`,
    /// and its user enabled.
    pub async fn session(&self, id_hash: &str, now: i64, idle_secs: i64) -> Result<Option<(Session, User)>> {
        let row = on_pool!(self, p => sqlx::query("SELECT id_hash, user_id, csrf, created_at, last_seen, expires_at FROM sessions WHERE id_hash = $1 AND revoked_at IS NULL AND expires_at > $2 AND last_seen > $3")
            .bind(id_hash).bind(now).bind(now - idle_secs).fetch_optional(p).await?
            .map(|r| -> Result<Session> { Ok(Session { id_hash: r.try_get(0)?, user_id: r.try_get(1)?, csrf: r.try_get(2)?, created_at: r.try_get(3)?, last_seen: r.try_get(4)?, expires_at: r.try_get(5)? }) })
            .transpose()?);
        let Some(s) = row else { return Ok(None) };
        match self.user(s.user_id).await? {
            Some(u) if !u.disabled => Ok(Some((s, u))),
            _ => Ok(None),
        }
    }

    /// Marks a session as used now.
    pub async fn touch_session(&self, id_hash: &str, now: i64) -> Result<()> {
        on_pool!(self, p => {
            sqlx::query("UPDATE sessions SET last_seen = $1 WHERE id_hash = $2").bind(now).bind(id_hash).execute(p).await?;
        });
        Ok(())
    }

    /// Ends a session (sign-out).
    pub async fn end_session(&self, id_hash: &str, log: AccessEntry) -> Result<()> {
        let now = log.at.timestamp();
        chained!(self, tx => {
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id_hash = $2 AND revoked_at IS NULL").bind(now).bind(id_hash).execute(&mut *tx).await?;
            append_entries!(tx, [log]);
        });
        Ok(())
    }

    /// Records a new API token (its SHA-256 only).
    pub async fn create_token(&self, user_id: Uuid, name: &str, token_hash: &str, expires_at: Option<i64>, log: AccessEntry) -> Result<ApiToken> {
        let id = Uuid::now_v7();
        let now = log.at.timestamp();
        chained!(self, tx => {
            sqlx::query("INSERT INTO api_tokens (id, user_id, name, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id).bind(user_id).bind(name).bind(token_hash).bind(now).bind(expires_at)
                .execute(&mut *tx).await?;
            append_entries!(tx, [AccessEntry { target: format!("token:{id}"), ..log }]);
        });
        Ok(ApiToken { id, user_id, name: name.to_string(), created_at: now, expires_at, revoked_at: None })
    }

    /// The live token with this hash and its (enabled) user.
    pub async fn token(&self, token_hash: &str, now: i64) -> Result<Option<(ApiToken, User)>> {
        let t = on_pool!(self, p => sqlx::query("SELECT id, user_id, name, created_at, expires_at, revoked_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)")
            .bind(token_hash).bind(now).fetch_optional(p).await?
            .as_ref().map(token_from_row)
            .transpose()?);
        let Some(t) = t else { return Ok(None) };
        match self.user(t.user_id).await? {
            Some(u) if !u.disabled => Ok(Some((t, u))),
            _ => Ok(None),
        }
    }

    /// A user's tokens (metadata).
    pub async fn tokens_of(&self, user_id: Uuid) -> Result<Vec<ApiToken>> {
        on_pool!(self, p => sqlx::query("SELECT id, user_id, name, created_at, expires_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY created_at")
            .bind(user_id).fetch_all(p).await?.iter()
            .map(token_from_row)
            .collect())
    }

    /// Revokes a token.
    pub async fn revoke_token(&self, id: Uuid, log: AccessEntry) -> Result<bool> {
        let now = log.at.timestamp();
        let n = chained!(self, tx => {
            let n = sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL").bind(now).bind(id).execute(&mut *tx).await?.rows_affected();
            append_entries!(tx, [AccessEntry { target: format!("token:{id}"), ..log }]);
            n
        });
        Ok(n == 1)
    }

    /// Appends entries to the access log, chained, in one transaction.
    pub async fn log(&self, entries: &[AccessEntry]) -> Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        chained!(self, tx => {
            append_entries!(tx, entries);
        });
        Ok(())
    }

    /// The newest `limit` entries, newest first.
    pub async fn access_log(&self, limit: i64) -> Result<Vec<AccessRecord>> {
        let sql = "SELECT seq, at, actor, action, target, origin, outcome, reason, prev_hash, hash FROM access_log ORDER BY seq DESC LIMIT $1";
        on_pool!(self, p => sqlx::query(sql).bind(limit).fetch_all(p).await?.iter().map(access_from_row).collect())
    }

    /// Recomputes the access log's chain and reports the first entry that was altered, removed or
    /// moved.
    pub async fn verify_access_log(&self) -> Result<AccessReport> {
        let sql = "SELECT seq, at, actor, action, target, origin, outcome, reason, prev_hash, hash FROM access_log ORDER BY seq";
        let rows: Vec<AccessRecord> = on_pool!(self, p => sqlx::query(sql).fetch_all(p).await?.iter().map(access_from_row).collect::<Result<Vec<_>>>()?);
        Ok(check_chain(&rows))
    }
}

/// Checks a chain read in `seq` order (pure, for tests).
pub fn check_chain(rows: &[AccessRecord]) -> AccessReport {
    let mut prev = GENESIS.to_string();
    for (i, r) in rows.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if r.seq != expected_seq {
            return AccessReport { entries: rows.len() as i64, first_break: Some((expected_seq, format!("entry {expected_seq} is missing (the next entry is {})", r.seq))) };
        }
        if r.prev_hash != prev {
            return AccessReport { entries: rows.len() as i64, first_break: Some((r.seq, "its link to the previous entry does not match (an entry before it was removed or changed)".into())) };
        }
        if access_hash(r.seq, &r.entry, &r.prev_hash) != r.hash {
            return AccessReport { entries: rows.len() as i64, first_break: Some((r.seq, "its content does not match its hash (the entry was altered)".into())) };
        }
        prev = r.hash.clone();
    }
    AccessReport { entries: rows.len() as i64, first_break: None }
}

impl crate::AnyStore {
    /// The account storage of this database.
    pub fn accounts(&self) -> Accounts {
        match self {
            crate::AnyStore::Sqlite(s) => Accounts::Sqlite(s.pool().clone()),
            crate::AnyStore::Postgres(s) => Accounts::Postgres(s.pool().clone()),
        }
    }
}

#[path = "sharing.rs"]
pub mod sharing;

#[path = "assignments.rs"]
pub mod assignments;
