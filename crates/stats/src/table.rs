//! The output table every query produces: typed columns (keys, counts, derived rates, information), rows of
//! cells, the [`Provenance`] of the figures and the [`Disclosure`] statement. Writers in [`crate::output`]
//! render it as text, CSV, JSON or HXL; [`crate::disclosure::suppress`] protects it.

use crate::estimate::Range;
use serde::Serialize;
use std::sync::Arc;

/// Where figures come from and how to credit them. Carried by every table and printed by every writer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Provenance {
    /// The source, e.g. "UNHCR Refugee Population Statistics Database (Refugee Data Finder)".
    pub source: String,
    /// Which release or extract (e.g. "year-end figures 1951–2025"), or the registry's reference date.
    pub release: String,
    /// The attribution text the licence requires (CC BY 4.0 for UNHCR's data); empty when none is required.
    pub attribution: String,
}

/// The attribution UNHCR's CC BY 4.0 licence requires, as shipped in `data/unhcr/README.md`.
pub const UNHCR_ATTRIBUTION: &str = "Source: UNHCR Refugee Population Statistics Database (Refugee Data Finder), \
https://www.unhcr.org/refugee-statistics/, via the refugees R package v2025.12.1 \
(github.com/PopulationStatistics/refugees), licensed CC BY 4.0. Reformatted to CSV (names dropped, \
integers normalised); no values changed.";

impl Provenance {
    /// Provenance of figures computed from the UNHCR reference files.
    pub fn unhcr(release: impl Into<String>, attribution: impl Into<String>) -> Self {
        Self {
            source: "UNHCR Refugee Population Statistics Database (Refugee Data Finder)".into(),
            release: release.into(),
            attribution: attribution.into(),
        }
    }

    /// Provenance of figures computed from Nansen's own registry.
    pub fn registry(operation: impl Into<String>, reference: impl Into<String>) -> Self {
        Self {
            source: format!("Nansen registry, operation {}", operation.into()),
            release: reference.into(),
            attribution: String::new(),
        }
    }

    /// One line for footers.
    pub fn line(&self) -> String {
        if self.attribution.is_empty() {
            format!("Source: {} ({}).", self.source, self.release)
        } else {
            format!("{} Release: {}.", self.attribution, self.release)
        }
    }
}

/// What disclosure control was applied to a table. Every writer states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Disclosure {
    /// Small-cell suppression was applied (see [`crate::disclosure`]).
    Suppressed {
        /// Cells with a count from 1 to `threshold - 1` were suppressed.
        threshold: u64,
        /// Number of cells suppressed because they were small.
        primary: usize,
        /// Number of further cells suppressed so the small ones cannot be recovered from totals.
        complementary: usize,
        /// Number of derived cells (rates) withheld because a count they depend on was suppressed.
        derived: usize,
    },
    /// Figures are unsuppressed. Only for internal use by the statistician and supervisor roles.
    Unsuppressed {
        /// Why (e.g. "internal figures for the statistician role").
        reason: String,
    },
}

impl Disclosure {
    /// The rule and threshold in one sentence, as printed on every output.
    pub fn statement(&self) -> String {
        match self {
            Self::Suppressed { threshold, primary, complementary, derived } => {
                let small = if *threshold <= 1 {
                    "no count is small enough to suppress (threshold 1)".to_string()
                } else if *threshold == 2 {
                    "counts of 1 are suppressed".to_string()
                } else {
                    format!("counts from 1 to {} are suppressed", threshold - 1)
                };
                format!(
                    "Disclosure control: threshold {threshold}; {small} (zeros are shown); further cells are suppressed \
                     so that no suppressed count can be recovered from the published totals. \
                     {primary} small, {complementary} complementary, {derived} derived cells suppressed."
                )
            }
            Self::Unsuppressed { reason } => {
                format!("INTERNAL, UNSUPPRESSED FIGURES ({reason}); not for publication.")
            }
        }
    }
}

/// The part a column plays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A classification (year, country code, sex, age bracket). A row with [`Cell::Total`] in a key column is a
    /// margin: it sums every row that agrees with it on the other keys.
    Key,
    /// A count of persons (or cases). Subject to disclosure control.
    Count,
    /// A figure computed from count columns (a rate): withheld whenever one of those counts is suppressed.
    Derived {
        /// Indices of the count columns it is computed from.
        from: Vec<usize>,
    },
    /// Information that is not a count (a name, a rank, a note, an estimate range).
    Info,
}

/// A column: machine name, human label, HXL hashtag and role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    /// Machine name, used as the CSV/JSON header (`origin`, `refugees`, …).
    pub name: String,
    /// HXL hashtag with attributes (`#country+code+origin`).
    pub hxl: String,
    /// Its role.
    pub role: Role,
    /// For a count column that is the sum of other count columns of the same row (a "total" column): their
    /// indices. Disclosure control treats it as a published equation.
    pub sum_of: Vec<usize>,
}

impl Column {
    /// A key column.
    pub fn key(name: &str, hxl: &str) -> Self {
        Self { name: name.into(), hxl: hxl.into(), role: Role::Key, sum_of: vec![] }
    }
    /// A count column.
    pub fn count(name: &str, hxl: &str) -> Self {
        Self { name: name.into(), hxl: hxl.into(), role: Role::Count, sum_of: vec![] }
    }
    /// A count column equal to the sum of other count columns.
    pub fn total(name: &str, hxl: &str, of: Vec<usize>) -> Self {
        Self { name: name.into(), hxl: hxl.into(), role: Role::Count, sum_of: of }
    }
    /// A derived (rate) column.
    pub fn derived(name: &str, hxl: &str, from: Vec<usize>) -> Self {
        Self { name: name.into(), hxl: hxl.into(), role: Role::Derived { from }, sum_of: vec![] }
    }
    /// An information column.
    pub fn info(name: &str, hxl: &str) -> Self {
        Self { name: name.into(), hxl: hxl.into(), role: Role::Info, sum_of: vec![] }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// Text (a code, a name, a label). Shared, so that tables of many rows repeat labels without copying.
    Text(Arc<str>),
    /// A whole number that is not a count (a year, a rank).
    Int(i64),
    /// A count.
    Count(u64),
    /// A proportion between 0 and 1.
    Rate(f64),
    /// A range, for figures that include an estimate.
    Range(Range),
    /// Withheld by disclosure control.
    Suppressed,
    /// The source did not report this figure (empty in UNHCR's files).
    NotReported,
    /// Not applicable (e.g. a rate with no decisions, a rank for a country absent that year).
    NotApplicable,
    /// In a key column: this row totals over this key.
    Total,
}

impl Cell {
    /// A text cell.
    pub fn text(s: impl Into<Arc<str>>) -> Self {
        Self::Text(s.into())
    }

    /// The count, if this is a count.
    pub fn count(&self) -> Option<u64> {
        match self {
            Self::Count(v) => Some(*v),
            _ => None,
        }
    }

    /// Text for the aligned table and CSV writers.
    pub fn render(&self) -> String {
        let mut s = String::new();
        self.render_into(&mut s);
        s
    }

    /// [`Cell::render`], appended to `out` (no allocation of its own).
    pub fn render_into(&self, out: &mut String) {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = match self {
            Self::Text(s) => {
                out.push_str(s);
                Ok(())
            }
            Self::Int(v) => write!(out, "{v}"),
            Self::Count(v) => write!(out, "{v}"),
            Self::Rate(r) => write!(out, "{:.4}", r),
            Self::Range(r) => write!(out, "{r}"),
            Self::Suppressed => {
                out.push_str("suppressed");
                Ok(())
            }
            Self::NotReported | Self::NotApplicable => Ok(()),
            Self::Total => {
                out.push_str("Total");
                Ok(())
            }
        };
    }
}

/// A table of statistics with its provenance and disclosure statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table {
    /// Short title (e.g. "Refugees by country of origin, 2003–2025").
    pub title: String,
    /// The columns.
    pub columns: Vec<Column>,
    /// The rows, each with one cell per column.
    pub rows: Vec<Vec<Cell>>,
    /// Where the figures come from.
    pub provenance: Provenance,
    /// What disclosure control was applied.
    pub disclosure: Disclosure,
    /// Notes on definitions and caveats, printed under the table.
    pub notes: Vec<String>,
}

impl Table {
    /// An empty table. Its disclosure statement says the figures are internal and unsuppressed until
    /// [`crate::disclosure::suppress`] is applied.
    pub fn new(title: impl Into<String>, columns: Vec<Column>, provenance: Provenance) -> Self {
        Self {
            title: title.into(),
            columns,
            rows: vec![],
            provenance,
            disclosure: Disclosure::Unsuppressed { reason: "internal figures: no disclosure control applied".into() },
            notes: vec![],
        }
    }

    /// Index of the column named `name`.
    pub fn column(&self, name: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == name)
    }

    /// The cell at a row and a named column.
    pub fn get(&self, row: usize, name: &str) -> Option<&Cell> {
        let c = self.column(name)?;
        self.rows.get(row)?.get(c)
    }

    /// Indices of the key columns.
    pub fn key_columns(&self) -> Vec<usize> {
        self.columns.iter().enumerate().filter(|(_, c)| c.role == Role::Key).map(|(i, _)| i).collect()
    }

    /// Indices of the count columns.
    pub fn count_columns(&self) -> Vec<usize> {
        self.columns.iter().enumerate().filter(|(_, c)| c.role == Role::Count).map(|(i, _)| i).collect()
    }

    /// Appends margin rows: for each set of key columns in `over`, one row per combination of the other key
    /// columns, with [`Cell::Total`] in the columns summed over and the sums in every count column.
    /// Information columns of margin rows get `info` (e.g. the label "Total") when they belong to a summed key,
    /// as given by `label_of` (info column index → key column index), else are copied when they agree.
    pub fn add_margins(&mut self, over: &[Vec<usize>], label_of: &[(usize, usize)]) {
        let keys = self.key_columns();
        let counts = self.count_columns();
        let base: Vec<Vec<Cell>> =
            self.rows.iter().filter(|r| !keys.iter().any(|&k| r[k] == Cell::Total)).cloned().collect();
        let mut added = Vec::new();
        for set in over {
            let mut index: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
            let mut sums: Vec<Vec<Cell>> = Vec::new();
            for row in &base {
                let mut key: Vec<Cell> = Vec::with_capacity(keys.len());
                for &k in &keys {
                    key.push(if set.contains(&k) { Cell::Total } else { row[k].clone() });
                }
                let id: String = key.iter().map(|c| c.render() + "\u{1f}").collect();
                let pos = match index.get(&id) {
                    Some(&p) => p,
                    None => {
                        index.insert(id, sums.len());
                        let mut r = vec![Cell::NotApplicable; self.columns.len()];
                        for (i, &k) in keys.iter().enumerate() {
                            r[k] = key[i].clone();
                        }
                        for &(info, k) in label_of {
                            r[info] = if set.contains(&k) { Cell::text("Total") } else { row[info].clone() };
                        }
                        for &c in &counts {
                            r[c] = Cell::NotReported;
                        }
                        sums.push(r);
                        sums.len() - 1
                    }
                };
                for &c in &counts {
                    let acc = &mut sums[pos][c];
                    *acc = match (&*acc, &row[c]) {
                        (Cell::NotReported, Cell::Count(v)) => Cell::Count(*v),
                        (Cell::Count(a), Cell::Count(v)) => Cell::Count(a + v),
                        (a, _) => a.clone(),
                    };
                }
            }
            added.extend(sums);
        }
        self.rows.extend(added);
    }
}
