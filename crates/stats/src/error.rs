//! The one error type of the statistics crate. Every message says what went wrong and what to do.

use std::path::PathBuf;

/// Everything that can go wrong while loading, querying or writing statistics.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    /// A data file could not be opened or read.
    #[error("cannot read {path}: {source}; check that the file exists and is readable (pass --data DIR to point at the UNHCR files)")]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A required file is absent from the data directory.
    #[error("{dir} has no {file}; a UNHCR release needs all of {expected} (copy them from the release, or pass --data DIR)")]
    MissingFile {
        /// The directory searched.
        dir: PathBuf,
        /// The missing file name.
        file: &'static str,
        /// Every file name expected.
        expected: String,
    },
    /// A file lacks columns the loader needs.
    #[error("{file} lacks the column(s) {missing}; its header is [{header}]. This is not the UNHCR Refugee Population Statistics format: re-export the file with these columns (extra columns are fine)")]
    MissingColumns {
        /// The file.
        file: String,
        /// The missing column names, comma separated.
        missing: String,
        /// The header found.
        header: String,
    },
    /// A field could not be understood.
    #[error("{file} line {line}, column {column}: {problem}")]
    Field {
        /// The file.
        file: String,
        /// 1-based line number in the file (the header is line 1).
        line: u64,
        /// The column name.
        column: String,
        /// What is wrong and what to do.
        problem: String,
    },
    /// The CSV itself is malformed (bad quoting, wrong number of fields, invalid UTF-8).
    #[error("{file} line {line}: malformed CSV ({message}); fix the line or re-export the file as RFC 4180 CSV")]
    Csv {
        /// The file.
        file: String,
        /// 1-based line number.
        line: u64,
        /// The parser's message.
        message: String,
    },
    /// A query asked for something the data cannot answer.
    #[error("{0}")]
    Query(String),
    /// Writing output failed.
    #[error("cannot write output: {0}")]
    Output(String),
}

impl StatsError {
    /// A query error with a message that says what to do.
    pub fn query(msg: impl Into<String>) -> Self {
        Self::Query(msg.into())
    }
}

impl From<std::io::Error> for StatsError {
    fn from(e: std::io::Error) -> Self {
        Self::Output(e.to_string())
    }
}

impl From<csv::Error> for StatsError {
    fn from(e: csv::Error) -> Self {
        Self::Output(e.to_string())
    }
}

impl From<serde_json::Error> for StatsError {
    fn from(e: serde_json::Error) -> Self {
        Self::Output(e.to_string())
    }
}
