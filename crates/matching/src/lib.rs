//! # nansen-matching
//!
//! Identity matching for refugee registration: is this person already registered, perhaps as
//! Mohammed instead of Muhammad, as 김 instead of Kim, with only a birth year, or with given name
//! and family name swapped?
//!
//! - [`Record`]: the identifying fields of one person, parsed leniently.
//! - Normalisation ([`translit`], [`names`]): transliteration of Arabic, Hangul (Revised and
//!   McCune–Reischauer/DPRK spellings), Chinese (common characters), Burmese, Ge'ez and Cyrillic to
//!   Latin; variant canonicalisation (Mohammed/Muhammad, Abdul/Abd al-, Al-/El-); a phonetic key.
//! - A Fellegi–Sunter [`Model`] whose m and u probabilities are estimated from the data itself
//!   (u on random pairs, then EM on the candidate pairs), with term-frequency adjustments for
//!   names; every [`Match`] carries each field's contribution ([`FieldContribution`]).
//! - Blocking on several keys (phonetic name keys with birth year, the whole name, document number,
//!   full date of birth, original-script name) so that candidate pairs grow near-linearly, with
//!   oversized blocks searched by a sliding window; everything parallel (rayon).
//! - [`dedup_files`]: the `nansen dedup` CSV contract; [`Index`]: the online duplicate check at
//!   registration, with incremental [`Index::insert`].
//!
//! Nothing here merges anything: the engine proposes, an officer decides.
#![warn(missing_docs)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod compare;
mod dedup;
mod engine;
mod error;
mod index;
mod model;
pub mod names;
mod record;
pub mod strsim;
pub mod translit;

pub use compare::{Field, DOB_LEVELS, NAME_LEVELS, N_FIELDS};
pub use dedup::{dedup_files, dedup_files_with, DedupOptions, DedupReport, DEFAULT_MAX_RECORDS};
pub use error::{MatchError, RowError};
pub use index::{explain_pair, Index, Match, ONLINE_BLOCK_CAP};
pub use model::{probability, FieldContribution, Model, MIN_PAIRS_TO_FIT};
pub use record::{BirthDate, Record};
