//! # nansen-store
//!
//! One data model behind one trait, [`Store`], with two backends: SQLite (the embedded default, WAL,
//! `synchronous=FULL`) and PostgreSQL (production). Each backend owns its checked-in migrations.
//!
//! **Invariants**
//! - Every change to a person or household writes an [`Event`] in the same transaction as the new
//!   current state. Events are append-only (database triggers refuse UPDATE/DELETE); records are never
//!   deleted.
//! - Updates name the version they were based on; a stale version gets [`StoreError::Conflict`] with
//!   the current version, never a lost update.
//! - Writes go through one writer per database that commits concurrent requests together (group
//!   commit) and answers each request only after its commit is durable. A failed commit or a
//!   storage error (I/O, disk full) stops all further writes ([`StoreError::WritesStopped`]) and makes
//!   [`Store::health`] fail: the store fails closed instead of carrying on after a lost write.
#![warn(missing_docs)]

pub mod accounts;
mod any;
pub mod audit;
mod duplicates_model;
mod exec;
mod exec_duplicates;
mod exec_protection;
mod exec_solutions;
mod keyring;
mod model;
mod postgres;
mod protection_model;
mod queues;
mod rows;
pub mod seal;
mod solutions_model;
mod sqlite;
#[cfg(feature = "test-support")]
pub mod testing;
mod writer;

pub use any::{connect, connect_with_key, rotate_master_key, AnyStore, DbUrl};
pub use keyring::Rotation;
pub use seal::{KeyError, MasterKey};
pub use duplicates_model::*;
pub use model::*;
pub use protection_model::*;
pub use solutions_model::*;
pub use queues::{Queues, RemovalSummary, MAX_QUEUE_PAGE};
pub use postgres::PgStore;
pub use sqlite::{SqliteStore, CHECKPOINT_EVERY, WAL_BACKSTOP_PAGES};

use nansen_domain::{
    CaseNumber, EntityKind, Event, HouseholdDetails, HouseholdId, NewHousehold, Operation, OperationId, PersonDetails, PersonId, Relationship,
};
use std::future::Future;
use uuid::Uuid;

/// Errors from the store. Each says what happened and what to do.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist (or is not visible).
    #[error("{kind} {id} was not found")]
    NotFound {
        /// Kind of record.
        kind: &'static str,
        /// Its identifier.
        id: String,
    },
    /// The write was based on an old version of the record.
    #[error("{kind} {id} was changed by someone else: you edited version {expected}, the current version is {current}; reload it, re-apply your change and save again")]
    Conflict {
        /// Kind of record.
        kind: &'static str,
        /// Its identifier.
        id: String,
        /// The version the write was based on.
        expected: i64,
        /// The version now stored.
        current: i64,
    },
    /// A uniqueness rule was broken (e.g. an operation code already taken).
    #[error("{0}")]
    Duplicate(String),
    /// The request itself is inconsistent with stored data.
    #[error("{0}")]
    Invalid(String),
    /// A rule of the procedure refused the request (e.g. an illegal step of a claim).
    #[error("{message}")]
    Rule {
        /// Stable code, e.g. `illegal_transition`.
        code: &'static str,
        /// What was wrong and what is allowed instead.
        message: String,
    },
    /// Writes were stopped after a storage failure; nothing more is written until an operator acts.
    #[error("writes are stopped after a storage failure ({0}); check the disk and the database, then restart Nansen")]
    WritesStopped(String),
    /// A stored value could not be read back (the database was altered outside Nansen).
    #[error("stored data could not be read back: {0}; the database may have been altered outside Nansen")]
    Corrupt(String),
    /// The database could not be reached or answered with an error.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// The database's sensitive fields are encrypted and no master key was given.
    #[error("this database's sensitive fields are encrypted and no master key was given: pass --key-file FILE (or set NANSEN_KEY_FILE=FILE or NANSEN_KEY=<base64>) with the key the database was created or last rotated with")]
    KeyRequired,
    /// The master key given does not open the database's keyring.
    #[error("the master key given (fingerprint {fingerprint}) does not open data key {data_key} of this database: use the key file the database was created with or last rotated to (after `nansen keys rotate`, only the new key opens it)")]
    WrongKey {
        /// Fingerprint of the key that was tried.
        fingerprint: String,
        /// The data key it failed to open.
        data_key: i64,
    },
    /// Migrations could not be applied.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Result alias.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Events per page of [`Store::stream_statistical_events`].
pub const STATS_PAGE: u32 = 10_000;

/// The storage contract. Both backends implement it and run the same contract test suite.
pub trait Store: Send + Sync + 'static {
    /// Ok only while the database answers and writes have not been stopped.
    fn health(&self) -> impl Future<Output = Result<()>> + Send;

    /// Creates an operation.
    fn create_operation(&self, op: Operation, meta: Meta) -> impl Future<Output = Result<Operation>> + Send;
    /// All operations, by code.
    fn operations(&self) -> impl Future<Output = Result<Vec<Operation>>> + Send;
    /// One operation.
    fn operation(&self, id: OperationId) -> impl Future<Output = Result<Option<Operation>>> + Send;

    /// Registers a household with its members. If the household's registration key is already
    /// registered in the operation, nothing is written and the existing household is returned with
    /// `created: false`.
    fn register_household(&self, op: OperationId, household: NewHousehold, meta: Meta) -> impl Future<Output = Result<Registered>> + Send {
        self.register_household_logged(op, household, meta, None)
    }
    /// [`Store::register_household`] with the request's access-log entry, chained and written in
    /// the registration's own transaction when the household is created (one durable commit for
    /// both). When it was already registered under its key, nothing is written, the entry neither.
    fn register_household_logged(&self, op: OperationId, household: NewHousehold, meta: Meta, access: Option<accounts::AccessEntry>) -> impl Future<Output = Result<Registered>> + Send;
    /// Adds a member to a household based on its `expected_version`.
    fn add_member(
        &self,
        household: HouseholdId,
        expected_version: i64,
        relationship: Relationship,
        person: PersonDetails,
        meta: Meta,
    ) -> impl Future<Output = Result<PersonRecord>> + Send;
    /// Replaces a person's biodata, based on `expected_version`.
    fn update_person(&self, id: PersonId, expected_version: i64, details: PersonDetails, meta: Meta) -> impl Future<Output = Result<PersonRecord>> + Send;
    /// Replaces household-level data, based on `expected_version`.
    fn update_household(
        &self,
        id: HouseholdId,
        expected_version: i64,
        details: HouseholdDetails,
        meta: Meta,
    ) -> impl Future<Output = Result<HouseholdRecord>> + Send;

    /// Bulk registration: households whose registration key is already present are skipped.
    /// Written in durable chunks; `progress` is called with the number of households done.
    fn import(
        &self,
        op: OperationId,
        households: Vec<NewHousehold>,
        meta: Meta,
        progress: &(dyn Fn(usize) + Send + Sync),
    ) -> impl Future<Output = Result<ImportReport>> + Send;

    /// One person.
    fn person(&self, id: PersonId) -> impl Future<Output = Result<Option<PersonRecord>>> + Send;
    /// One household with its members.
    fn household(&self, id: HouseholdId) -> impl Future<Output = Result<Option<HouseholdView>>> + Send;
    /// A household by its case number.
    fn household_by_case_number(&self, case_number: &CaseNumber) -> impl Future<Output = Result<Option<HouseholdView>>> + Send;
    /// Households of an operation in identifier order, after `after` (for export and paging).
    fn households_after(&self, op: OperationId, after: Option<HouseholdId>, limit: u32) -> impl Future<Output = Result<Vec<HouseholdView>>> + Send;
    /// Persons matching a query, a page at a time.
    fn search(&self, query: &SearchQuery) -> impl Future<Output = Result<Page<PersonRecord>>> + Send;
    /// The history of one record, oldest first. A person registered by a bulk import has no
    /// `person_registered` event of its own: its registration is carried by its household's
    /// `household_registered` event, and its history starts with that part of it, presented as its
    /// `person_registered` (version 1, with the household event's id, time, actor and reason). A
    /// household's history names its members by id and relationship only.
    fn history(&self, kind: EntityKind, id: Uuid) -> impl Future<Output = Result<Vec<Event>>> + Send;
    /// Statistics read path: the history events of an operation's persons, claims, protection records,
    /// removals, repatriations and resettlement submissions (not households, which carry nothing statistical), in the order they were recorded (event
    /// identifiers are time-ordered UUIDv7), at most `limit` (1–50,000) stored events after the event `after`.
    /// A household registration that carries its members' registrations (a bulk import's) is returned
    /// as one `person_registered` per member, each with the household event's id (see
    /// [`Store::history`]), so a page may hold more than `limit` events. Reads only.
    fn statistical_events_after(
        &self,
        op: OperationId,
        after: Option<nansen_domain::EventId>,
        limit: u32,
    ) -> impl Future<Output = Result<Vec<Event>>> + Send;

    /// Streams every event [`Store::statistical_events_after`] returns, in order, into `f`, a page at a
    /// time, calling `progress` with the number of events read after each page. Returns that number.
    fn stream_statistical_events<F>(
        &self,
        op: OperationId,
        mut f: F,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> impl Future<Output = Result<u64>> + Send
    where
        F: FnMut(&Event) + Send,
        Self: Sized,
    {
        async move {
            let mut after = None;
            let mut n = 0u64;
            loop {
                let page = self.statistical_events_after(op, after, STATS_PAGE).await?;
                for e in &page {
                    f(e);
                }
                n += page.len() as u64;
                progress(n);
                match page.last() {
                    // A full page of stored events may come back longer (see statistical_events_after).
                    Some(e) if page.len() as u32 >= STATS_PAGE => after = Some(e.id),
                    _ => return Ok(n),
                }
            }
        }
    }

    /// Counts for an operation.
    fn counts(&self, op: OperationId) -> impl Future<Output = Result<Counts>> + Send;
    /// Checks the audit chain, every event against its entry, and the current state of every
    /// person, household, claim and protection record against a replay of its history.
    fn verify_audit(&self) -> impl Future<Output = Result<audit::AuditReport>> + Send;
}
