//! # nansen-domain
//!
//! The pure core of Nansen. Value types that cannot hold bad values (parse, don't validate),
//! persons and households, the history's event model, and — in [`convention`] — the 1951
//! Convention's rules and the status-determination procedure.
//!
//! **Architecture invariant:** this crate does no I/O. It reads no clock (callers pass `today`),
//! touches no database, network or file, and knows nothing of sqlx or axum. Everything here is a
//! function from data to data, so every rule can be tested with a table of cases.
#![warn(missing_docs)]

pub mod access;
pub mod case_number;
pub mod convention;
pub mod country;
pub mod date;
pub mod error;
pub mod event;
pub mod fold;
pub mod household;
pub mod ids;
mod iso3166;
pub mod name;
pub mod operation;
pub mod person;
pub mod protection;
pub mod sharing;
pub mod solutions;

pub use case_number::CaseNumber;
pub use country::{Citizenship, Iso3};
pub use date::PartialDate;
pub use error::{FieldError, ParseError, ValidationErrors};
pub use event::{Actor, EntityKind, Event, EventKind};
pub use household::{HouseholdDetails, HouseholdInput, MemberInput, NewHousehold, RegistrationKey};
pub use ids::{AssessmentId, ClaimId, DuplicateId, EventId, HouseholdId, OperationId, PersonId, QuotaId, RemovalId, SubmissionId};
pub use name::{LatinName, PersonName, Reason, ShortText};
pub use operation::{DeterminingAuthority, Operation, OperationCode};
pub use person::{PersonDetails, PersonInput, Relationship, Sex};
