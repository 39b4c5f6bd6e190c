//! # nansen-stats
//!
//! Nansen's statistics.
//!
//! * [`reference`]: the UNHCR Refugee Population Statistics Database (population 1951–2025, asylum
//!   applications and decisions, solutions, demographics, countries) loaded from its CSV files into compact
//!   columns, with time series, top-N, rank-over-years, recognition and total protection rates and
//!   demographic pyramids.
//! * [`registry`]: the operation's own population in UNHCR's categories, stock at any date and flows over
//!   any period, computed purely from the event history so that past figures are reproducible.
//! * [`history`]: the registry's stored events folded into each person's statistical history (the store
//!   streams them; this module reads no database).
//! * [`disclosure`]: small-cell suppression with complementary suppression and a linear-algebra audit.
//! * [`estimate`]: unregistered populations as ranges; sums that include an estimate are ranges.
//! * [`output`]: aligned text, CSV, JSON and HXL writers; every output carries its [`table::Provenance`] and
//!   [`table::Disclosure`] statement.
//! * [`chart`]: accessible SVG charts (time series, bump chart of ranks, population pyramid).
//! * [`cli`]: the `nansen stats …` commands.
//!
//! This crate does no database access and reads no clock: callers pass dates.
#![warn(missing_docs)]

pub mod categories;
pub mod chart;
pub mod cli;
pub mod disclosure;
pub mod error;
pub mod estimate;
pub mod history;
pub mod output;
pub mod place;
pub mod reference;
pub mod registry;
pub mod table;

pub use categories::{AgeBracket, StatSex};
pub use cli::{cli, run, RegistryArgs, RegistryQuery, StatsArgs, StatsCommand};
pub use disclosure::{audit, suppress, suppress_owned, SuppressedTable};
pub use error::StatsError;
pub use estimate::{registered_with_estimates, total_with_estimates, Estimate, Range};
pub use history::RegistryHistory;
pub use output::Format;
pub use place::Place;
pub use reference::ReferenceData;
pub use registry::{category_at, flows, stock_at, Category, PersonHistory, StatusEvent, StockCounter};
pub use table::{Cell, Column, Disclosure, Provenance, Table};
