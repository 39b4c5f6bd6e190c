//! Choosing the backend once, at start-up, from an explicit URL scheme.

use crate::model::*;
use crate::protection_model::*;
use crate::duplicates_model::*;
use nansen_domain::DuplicateId;
use crate::{MasterKey, PgStore, Result, Rotation, SqliteStore, Store, StoreError};
use nansen_domain::{CaseNumber, EntityKind, Event, HouseholdDetails, HouseholdId, NewHousehold, Operation, OperationId, PersonDetails, PersonId, Relationship};
use nansen_domain::convention::guard::RemovalRequest;
use nansen_domain::convention::procedure::{Action, Role, Track};
use nansen_domain::convention::JurisdictionProfile;
use nansen_domain::protection::ProtectionRecord;
use nansen_domain::{ClaimId, Iso3 as Country, Reason, RemovalId};
use uuid::Uuid;

/// A database URL whose scheme names its backend. Its password is never shown by `Debug`/`Display`.
#[derive(Clone, PartialEq, Eq)]
pub enum DbUrl {
    /// `sqlite://PATH` (or `sqlite:PATH`).
    Sqlite(String),
    /// `postgres://…` or `postgresql://…`.
    Postgres(String),
}

impl DbUrl {
    /// Parses a URL, refusing any other scheme.
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.starts_with("sqlite:") {
            Ok(Self::Sqlite(s.to_owned()))
        } else if s.starts_with("postgres://") || s.starts_with("postgresql://") {
            Ok(Self::Postgres(s.to_owned()))
        } else {
            Err(format!("{:?} is not a database URL Nansen knows: use sqlite://PATH (e.g. sqlite://nansen.db) or postgres://USER@HOST/DB", redact(s)))
        }
    }

    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        match self {
            Self::Sqlite(s) | Self::Postgres(s) => redact(s),
        }
    }

    /// The full URL (with its password) for connecting.
    pub fn expose(&self) -> &str {
        match self {
            Self::Sqlite(s) | Self::Postgres(s) => s,
        }
    }
}

fn redact(s: &str) -> String {
    // scheme://user:password@host → scheme://user:***@host
    if let (Some(scheme_end), Some(at)) = (s.find("://"), s.rfind('@')) {
        let auth = &s[scheme_end + 3..at];
        if let Some(colon) = auth.find(':') {
            return format!("{}{}:***{}", &s[..scheme_end + 3], &auth[..colon], &s[at..]);
        }
    }
    s.to_owned()
}

impl std::fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::fmt::Display for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// Either backend.
#[derive(Clone)]
pub enum AnyStore {
    /// SQLite.
    Sqlite(SqliteStore),
    /// PostgreSQL.
    Postgres(PgStore),
}

impl AnyStore {
    /// Appends access-log entries through the group-commit writer and waits for their durable
    /// commit (see `SqliteStore::log_access`).
    pub async fn log_access(&self, entries: Vec<crate::accounts::AccessEntry>) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.log_access(entries).await,
            AnyStore::Postgres(s) => s.log_access(entries).await,
        }
    }

    /// Closes the store cleanly (writer first, then the read pool).
    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(s) => s.close().await,
            AnyStore::Postgres(s) => s.close().await,
        }
    }

    /// True when this store seals sensitive fields (it was opened with a master key).
    pub fn encrypted(&self) -> bool {
        match self {
            AnyStore::Sqlite(s) => s.encrypted(),
            AnyStore::Postgres(s) => s.encrypted(),
        }
    }

    /// Writes a consistent copy of a SQLite database to a new file. PostgreSQL is backed up with its
    /// own tools: the error says how.
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<()> {
        match self {
            AnyStore::Sqlite(s) => s.backup_to(path).await,
            AnyStore::Postgres(_) => Err(StoreError::Invalid(
                "a PostgreSQL database is backed up with pg_dump; to encrypt the dump, pipe it through Nansen: pg_dump -Fc DB | nansen encrypt --key F > backup.enc".into(),
            )),
        }
    }

    /// The last audit entry (sequence number, hash); `None` for an empty chain.
    pub async fn audit_head(&self) -> Result<Option<(i64, String)>> {
        match self {
            AnyStore::Sqlite(s) => s.audit_head().await,
            AnyStore::Postgres(s) => s.audit_head().await,
        }
    }

    /// The hash stored for audit entry `seq`.
    pub async fn audit_hash_at(&self, seq: i64) -> Result<Option<String>> {
        match self {
            AnyStore::Sqlite(s) => s.audit_hash_at(seq).await,
            AnyStore::Postgres(s) => s.audit_hash_at(seq).await,
        }
    }
}

/// Opens the database named by `url` without a master key and applies pending migrations. A
/// database whose sensitive fields are encrypted is refused with [`StoreError::KeyRequired`].
pub async fn connect(url: &DbUrl) -> Result<AnyStore> {
    connect_with_key(url, None).await
}

/// Opens the database named by `url` with its master key (encryption at rest, see
/// [`crate::seal`]) and applies pending migrations. With a key, sensitive fields are sealed on write;
/// a database that has no keyring yet gets one. A wrong key is refused with [`StoreError::WrongKey`].
pub async fn connect_with_key(url: &DbUrl, key: Option<&MasterKey>) -> Result<AnyStore> {
    match url {
        DbUrl::Sqlite(u) => Ok(AnyStore::Sqlite(SqliteStore::open_with_key(u, key).await?)),
        DbUrl::Postgres(u) => Ok(AnyStore::Postgres(PgStore::open_with_key(u, key).await?)),
    }
}

/// Rotates the master key of the database at `url`: every data key is rewrapped under `new`, a new
/// data key seals new writes, and afterwards only `new` opens the database. Nothing sealed is
/// rewritten (history stays append-only).
pub async fn rotate_master_key(url: &DbUrl, old: &MasterKey, new: &MasterKey) -> Result<Rotation> {
    match url {
        DbUrl::Sqlite(u) => SqliteStore::rotate_key(u, old, new).await,
        DbUrl::Postgres(u) => PgStore::rotate_key(u, old, new).await,
    }
}

macro_rules! delegate {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            AnyStore::Sqlite($s) => $e.await,
            AnyStore::Postgres($s) => $e.await,
        }
    };
}

impl Store for AnyStore {
    async fn health(&self) -> Result<()> {
        delegate!(self, s => s.health())
    }
    async fn create_operation(&self, op: Operation, meta: Meta) -> Result<Operation> {
        delegate!(self, s => s.create_operation(op, meta))
    }
    async fn operations(&self) -> Result<Vec<Operation>> {
        delegate!(self, s => s.operations())
    }
    async fn operation(&self, id: OperationId) -> Result<Option<Operation>> {
        delegate!(self, s => s.operation(id))
    }
    async fn register_household_logged(&self, op: OperationId, household: NewHousehold, meta: Meta, access: Option<crate::accounts::AccessEntry>) -> Result<Registered> {
        delegate!(self, s => s.register_household_logged(op, household, meta, access))
    }
    async fn add_member(&self, household: HouseholdId, expected_version: i64, relationship: Relationship, person: PersonDetails, meta: Meta) -> Result<PersonRecord> {
        delegate!(self, s => s.add_member(household, expected_version, relationship, person, meta))
    }
    async fn update_person(&self, id: PersonId, expected_version: i64, details: PersonDetails, meta: Meta) -> Result<PersonRecord> {
        delegate!(self, s => s.update_person(id, expected_version, details, meta))
    }
    async fn update_household(&self, id: HouseholdId, expected_version: i64, details: HouseholdDetails, meta: Meta) -> Result<HouseholdRecord> {
        delegate!(self, s => s.update_household(id, expected_version, details, meta))
    }
    async fn import(&self, op: OperationId, households: Vec<NewHousehold>, meta: Meta, progress: &(dyn Fn(usize) + Send + Sync)) -> Result<ImportReport> {
        delegate!(self, s => s.import(op, households, meta, progress))
    }
    async fn person(&self, id: PersonId) -> Result<Option<PersonRecord>> {
        delegate!(self, s => s.person(id))
    }
    async fn household(&self, id: HouseholdId) -> Result<Option<HouseholdView>> {
        delegate!(self, s => s.household(id))
    }
    async fn household_by_case_number(&self, cn: &CaseNumber) -> Result<Option<HouseholdView>> {
        delegate!(self, s => s.household_by_case_number(cn))
    }
    async fn households_after(&self, op: OperationId, after: Option<HouseholdId>, limit: u32) -> Result<Vec<HouseholdView>> {
        delegate!(self, s => s.households_after(op, after, limit))
    }
    async fn search(&self, q: &SearchQuery) -> Result<Page<PersonRecord>> {
        delegate!(self, s => s.search(q))
    }
    async fn history(&self, kind: EntityKind, id: Uuid) -> Result<Vec<Event>> {
        delegate!(self, s => s.history(kind, id))
    }
    async fn statistical_events_after(&self, op: OperationId, after: Option<nansen_domain::EventId>, limit: u32) -> Result<Vec<Event>> {
        delegate!(self, s => s.statistical_events_after(op, after, limit))
    }
    async fn counts(&self, op: OperationId) -> Result<Counts> {
        delegate!(self, s => s.counts(op))
    }
    async fn verify_audit(&self) -> Result<crate::audit::AuditReport> {
        delegate!(self, s => s.verify_audit())
    }
}

impl crate::Protection for AnyStore {
    async fn lodge_claim(&self, person: PersonId, track: Track, meta: Meta) -> Result<ClaimRecord> {
        delegate!(self, s => s.lodge_claim(person, track, meta))
    }
    async fn act_on_claim(&self, id: ClaimId, expected_version: i64, action: Action, role: Role, meta: Meta) -> Result<ClaimRecord> {
        delegate!(self, s => s.act_on_claim(id, expected_version, action, role, meta))
    }
    async fn record_assessment(&self, claim: ClaimId, facts: serde_json::Value, result: serde_json::Value, meta: Meta) -> Result<AssessmentRecord> {
        delegate!(self, s => s.record_assessment(claim, facts, result, meta))
    }
    async fn update_protection(&self, person: PersonId, expected_version: i64, record: ProtectionRecord, meta: Meta) -> Result<ProtectionView> {
        delegate!(self, s => s.update_protection(person, expected_version, record, meta))
    }
    async fn request_removal(&self, op: OperationId, request: RemovalRequest, reason: Reason, meta: Meta) -> Result<RemovalView> {
        delegate!(self, s => s.request_removal(op, request, reason, meta))
    }
    async fn execute_removal(&self, id: RemovalId, expected_version: i64, meta: Meta) -> Result<RemovalView> {
        delegate!(self, s => s.execute_removal(id, expected_version, meta))
    }
    async fn record_repatriation(&self, op: OperationId, record: serde_json::Value, persons: Vec<PersonId>, meta: Meta) -> Result<Uuid> {
        delegate!(self, s => s.record_repatriation(op, record, persons, meta))
    }
    async fn save_jurisdiction(&self, profile: JurisdictionProfile, expected_version: i64, meta: Meta) -> Result<JurisdictionView> {
        delegate!(self, s => s.save_jurisdiction(profile, expected_version, meta))
    }
    async fn claim(&self, id: ClaimId) -> Result<Option<ClaimRecord>> {
        delegate!(self, s => s.claim(id))
    }
    async fn claims_of(&self, person: PersonId) -> Result<Vec<ClaimRecord>> {
        delegate!(self, s => s.claims_of(person))
    }
    async fn assessments(&self, claim: ClaimId) -> Result<Vec<AssessmentRecord>> {
        delegate!(self, s => s.assessments(claim))
    }
    async fn protection(&self, person: PersonId) -> Result<Option<ProtectionView>> {
        delegate!(self, s => s.protection(person))
    }
    async fn removal(&self, id: RemovalId) -> Result<Option<RemovalView>> {
        delegate!(self, s => s.removal(id))
    }
    async fn jurisdiction(&self, country: Country) -> Result<JurisdictionView> {
        delegate!(self, s => s.jurisdiction(country))
    }
}

impl crate::Duplicates for AnyStore {
    async fn queue_duplicates(&self, op: OperationId, pairs: Vec<NewDuplicate>, meta: Meta) -> Result<Vec<DuplicateRecord>> {
        delegate!(self, s => s.queue_duplicates(op, pairs, meta))
    }
    async fn decide_duplicate(&self, id: DuplicateId, expected_version: i64, decision: DuplicateDecision, meta: Meta) -> Result<DuplicateRecord> {
        delegate!(self, s => s.decide_duplicate(id, expected_version, decision, meta))
    }
    async fn merge_duplicate(&self, id: DuplicateId, expected_version: i64, survivor: Option<PersonId>, meta: Meta) -> Result<DuplicateRecord> {
        delegate!(self, s => s.merge_duplicate(id, expected_version, survivor, meta))
    }
    async fn unmerge_duplicate(&self, id: DuplicateId, expected_version: i64, meta: Meta) -> Result<DuplicateRecord> {
        delegate!(self, s => s.unmerge_duplicate(id, expected_version, meta))
    }
    async fn duplicate(&self, id: DuplicateId) -> Result<Option<DuplicateRecord>> {
        delegate!(self, s => s.duplicate(id))
    }
    async fn duplicates(&self, op: OperationId, assigned_to: Option<Uuid>, status: Option<DuplicateStatus>, limit: u32, offset: u32) -> Result<Page<DuplicateRecord>> {
        delegate!(self, s => s.duplicates(op, assigned_to, status, limit, offset))
    }
    async fn duplicates_of(&self, person: PersonId) -> Result<Vec<DuplicateRecord>> {
        delegate!(self, s => s.duplicates_of(person))
    }
}

impl crate::Solutions for AnyStore {
    async fn set_quota(&self, op: OperationId, quota: nansen_domain::solutions::Quota, expected_version: i64, meta: Meta) -> Result<crate::QuotaRecord> {
        delegate!(self, s => s.set_quota(op, quota, expected_version, meta))
    }
    async fn quotas(&self, op: OperationId) -> Result<Vec<crate::QuotaRecord>> {
        delegate!(self, s => s.quotas(op))
    }
    async fn submit_resettlement(&self, op: OperationId, country: Country, persons: Vec<PersonId>, meta: Meta) -> Result<crate::SubmissionRecord> {
        delegate!(self, s => s.submit_resettlement(op, country, persons, meta))
    }
    async fn act_on_submission(&self, id: nansen_domain::SubmissionId, expected_version: i64, action: nansen_domain::solutions::SubmissionAction, meta: Meta) -> Result<crate::SubmissionRecord> {
        delegate!(self, s => s.act_on_submission(id, expected_version, action, meta))
    }
    async fn submission(&self, id: nansen_domain::SubmissionId) -> Result<Option<crate::SubmissionRecord>> {
        delegate!(self, s => s.submission(id))
    }
    async fn submissions(&self, op: OperationId, status: Option<nansen_domain::solutions::SubmissionStatus>, limit: u32, offset: u32) -> Result<Page<crate::SubmissionRecord>> {
        delegate!(self, s => s.submissions(op, status, limit, offset))
    }
    async fn depart_repatriation(
        &self,
        id: Uuid,
        expected_version: i64,
        persons: Vec<PersonId>,
        withdrawn: Vec<PersonId>,
        departed_on: chrono::NaiveDate,
        meta: Meta,
    ) -> Result<crate::ReturnDepartureRecord> {
        delegate!(self, s => s.depart_repatriation(id, expected_version, persons, withdrawn, departed_on, meta))
    }
}

impl From<String> for StoreError {
    fn from(s: String) -> Self {
        StoreError::Invalid(s)
    }
}
