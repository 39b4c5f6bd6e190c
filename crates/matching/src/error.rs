//! Errors, each saying what to do.

use std::path::PathBuf;

/// A malformed row of an input file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The record's number: 1 is the first row after the header.
    pub row: u64,
    /// The line in the file where the row starts (the header is line 1).
    pub line: u64,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {} (line {}): {}", self.row, self.line, self.message)
    }
}

/// Errors of the matching engine.
#[derive(Debug, thiserror::Error)]
pub enum MatchError {
    /// A file could not be read or written.
    #[error("{path}: {source}. Check that the path is right and readable (or writable, for the output)")]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("{path} is empty: give a CSV file with a header line (at least an `id` column) and one row per person")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The file has a header but no rows.
    #[error("{path} has a header but no rows: add one row per person below the header")]
    HeaderOnly {
        /// The file.
        path: PathBuf,
    },
    /// The header has no `id` column.
    #[error("{path} has no `id` column (its columns are: {found}): name the identifier column `id`")]
    NoIdColumn {
        /// The file.
        path: PathBuf,
        /// The columns found.
        found: String,
    },
    /// Some rows are malformed; nothing was matched.
    #[error("{path}: {count} malformed row(s); fix them and run again:\n{}", list_rows(.rows, *.count))]
    MalformedRows {
        /// The file.
        path: PathBuf,
        /// How many rows are malformed.
        count: u64,
        /// The first malformed rows (at most 100).
        rows: Vec<RowError>,
    },
    /// More records than the configured budget.
    #[error("{path}: more than {limit} records in all; this run is limited to {limit} records to stay within memory (about {bytes_per_record} bytes per record): split the input (for example by country of origin) or raise the limit with `max_records`")]
    TooManyRecords {
        /// The file being read when the limit was passed.
        path: PathBuf,
        /// The limit.
        limit: usize,
        /// The memory a record takes, roughly.
        bytes_per_record: usize,
    },
    /// The threshold is not a probability.
    #[error("threshold {0} is not a probability: give a number between 0 and 1 (for example 0.9)")]
    BadThreshold(f64),
}

fn list_rows(rows: &[RowError], count: u64) -> String {
    let mut s: Vec<String> = rows.iter().take(20).map(|r| format!("  {r}")).collect();
    if count > 20 {
        s.push(format!("  … and {} more", count - 20));
    }
    s.join("\n")
}
