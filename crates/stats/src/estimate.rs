//! Estimates of populations that are not registered, and range arithmetic: any sum that includes an
//! estimate is a range, never a single number.

use crate::place::Place;
use chrono::NaiveDate;
use serde::Serialize;
use std::fmt;
use std::ops::Add;

/// A closed range `low..=high` of persons. An exact count is the range with `low == high`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Range {
    /// Lowest plausible value.
    pub low: u64,
    /// Highest plausible value.
    pub high: u64,
}

impl Range {
    /// A range; refuses `low > high`.
    pub fn new(low: u64, high: u64) -> Result<Self, String> {
        if low > high {
            return Err(format!("the low end {low} is above the high end {high}; give the range as LOW–HIGH"));
        }
        Ok(Self { low, high })
    }

    /// An exact figure.
    pub fn exact(v: u64) -> Self {
        Self { low: v, high: v }
    }

    /// True when low and high are equal.
    pub fn is_exact(&self) -> bool {
        self.low == self.high
    }
}

impl Add for Range {
    type Output = Range;
    fn add(self, o: Range) -> Range {
        Range { low: self.low.saturating_add(o.low), high: self.high.saturating_add(o.high) }
    }
}

impl Add<u64> for Range {
    type Output = Range;
    fn add(self, o: u64) -> Range {
        self + Range::exact(o)
    }
}

impl std::iter::Sum for Range {
    fn sum<I: Iterator<Item = Range>>(iter: I) -> Range {
        iter.fold(Range::exact(0), |a, b| a + b)
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_exact() {
            write!(f, "{}", self.low)
        } else {
            write!(f, "{}-{}", self.low, self.high)
        }
    }
}

/// A population that is not registered, recorded as an estimate with its range, date, method and source.
///
/// Example: 30,000–50,000 people from the DPRK in China, as of 2025-12-31, per UNHCR and the U.S. State
/// Department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Estimate {
    /// What population this is (e.g. "People from the DPRK in China outside any registration").
    pub population: String,
    /// Country (or pseudo-origin) of origin.
    pub origin: Place,
    /// Country where they are.
    pub location: Place,
    /// The range.
    pub range: Range,
    /// The date the estimate refers to.
    pub as_of: NaiveDate,
    /// How it was made (e.g. "extrapolation from NGO interviews and border monitoring").
    pub method: String,
    /// Who made or published it (e.g. "UNHCR; U.S. Department of State").
    pub source: String,
}

impl Estimate {
    /// Builds an estimate, checking that the range is ordered and that method and source are stated.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        population: impl Into<String>,
        origin: Place,
        location: Place,
        low: u64,
        high: u64,
        as_of: NaiveDate,
        method: impl Into<String>,
        source: impl Into<String>,
    ) -> Result<Self, String> {
        let range = Range::new(low, high)?;
        let (method, source) = (method.into(), source.into());
        if method.trim().is_empty() {
            return Err("an estimate needs its method (how the figure was arrived at)".into());
        }
        if source.trim().is_empty() {
            return Err("an estimate needs its source (who made or published it)".into());
        }
        Ok(Self { population: population.into(), origin, location, range, as_of, method, source })
    }
}

/// A registered count plus any estimates: the total is a range as soon as an estimate is included.
pub fn total_with_estimates(registered: u64, estimates: &[Estimate]) -> Range {
    estimates.iter().map(|e| e.range).sum::<Range>() + registered
}

/// A table of registered counts by origin beside the estimates for the same origins, with totals that are
/// ranges wherever an estimate is included. `registered` is per origin (e.g. [`crate::registry::Stock`]
/// totals). The registered column is a count (subject to disclosure control, with a grand total); the
/// estimate and total columns are ranges, and a total is withheld whenever its registered count is, so
/// that the count cannot be recovered as total minus estimate.
pub fn registered_with_estimates(
    title: &str,
    registered: &[(Place, u64)],
    estimates: &[Estimate],
    provenance: crate::table::Provenance,
) -> crate::table::Table {
    use crate::table::{Cell, Column, Table};
    let cols = vec![
        Column::key("origin", "#country+code+origin"),
        Column::info("origin_name", "#country+name+origin"),
        Column::count("registered", "#affected+registered"),
        Column::info("estimated", "#affected+estimated"),
        Column::derived("total", "#population+total", vec![2]),
        Column::info("estimate_sources", "#meta+source"),
    ];
    let mut origins: Vec<Place> = registered.iter().map(|r| r.0).chain(estimates.iter().map(|e| e.origin)).collect();
    origins.sort();
    origins.dedup();
    let mut t = Table::new(title, cols, provenance);
    let mut all_estimates = Vec::new();
    for o in origins {
        let reg = registered.iter().filter(|r| r.0 == o).map(|r| r.1).sum::<u64>();
        let es: Vec<&Estimate> = estimates.iter().filter(|e| e.origin == o).collect();
        let est: Range = es.iter().map(|e| e.range).sum();
        all_estimates.extend(es.iter().map(|e| (*e).clone()));
        let sources = es
            .iter()
            .map(|e| format!("{} in {}: {} ({}, {}, as of {})", e.population, e.location.code(), e.range, e.source, e.method, e.as_of))
            .collect::<Vec<_>>()
            .join("; ");
        t.rows.push(vec![
            Cell::text(o.code()),
            Cell::text(o.default_label()),
            Cell::Count(reg),
            if es.is_empty() { Cell::NotApplicable } else { Cell::Range(est) },
            Cell::Range(est + reg),
            Cell::text(sources),
        ]);
    }
    let reg_total: u64 = registered.iter().map(|r| r.1).sum();
    let est_total: Range = all_estimates.iter().map(|e| e.range).sum();
    t.rows.push(vec![
        Cell::Total,
        Cell::text("Total"),
        Cell::Count(reg_total),
        if all_estimates.is_empty() { Cell::NotApplicable } else { Cell::Range(est_total) },
        Cell::Range(est_total + reg_total),
        Cell::text(""),
    ]);
    t.notes.push("Totals that include an estimate are ranges (low-high); registered counts are exact.".into());
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn estimates_table_never_reveals_a_suppressed_registered_count() {
        let d = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default();
        let p = |c: &str| Place::parse(c).unwrap_or(Place::Unknown);
        let e = Estimate::new("DPRK nationals outside registration", p("PRK"), p("CHN"), 30_000, 50_000, d, "interviews and border monitoring", "UNHCR; U.S. Department of State")
            .unwrap_or_else(|m| panic!("{m}"));
        let t = registered_with_estimates("Registered and estimated", &[(p("PRK"), 3), (p("SYR"), 120), (p("AFG"), 40)], &[e], crate::table::Provenance::registry("TEST", "2025-12-31"));
        let s = crate::disclosure::suppress(&t, 5).into_table();
        let prk = s.rows.iter().position(|r| r[0] == crate::table::Cell::text("PRK")).unwrap_or(0);
        assert_eq!(s.rows[prk][2], crate::table::Cell::Suppressed);
        assert_eq!(s.rows[prk][4], crate::table::Cell::Suppressed, "total minus estimate would give the count");
        assert_eq!(s.rows[prk][3], crate::table::Cell::Range(Range { low: 30_000, high: 50_000 }));
        // The grand total is a range and the registered grand total is protected by complementary suppression.
        assert!(crate::disclosure::audit(&s).is_empty());
        let last = s.rows.len() - 1;
        assert!(matches!(s.rows[last][3], crate::table::Cell::Range(_)));
    }

    #[test]
    fn sums_with_estimates_are_ranges() {
        let d = NaiveDate::from_ymd_opt(2025, 12, 31).unwrap_or_default();
        let chn = Place::parse("CHN").unwrap_or(Place::Unknown);
        let prk = Place::parse("PRK").unwrap_or(Place::Unknown);
        let e = Estimate::new("DPRK nationals in China", prk, chn, 30_000, 50_000, d, "interviews", "UNHCR; U.S. State Department");
        let e = e.unwrap_or_else(|m| panic!("{m}"));
        let t = total_with_estimates(120, std::slice::from_ref(&e));
        assert_eq!(t, Range { low: 30_120, high: 50_120 });
        assert_eq!(t.to_string(), "30120-50120");
        assert_eq!(total_with_estimates(7, &[]).to_string(), "7");
        assert!(Range::new(5, 4).is_err());
        assert!(Estimate::new("x", prk, chn, 1, 2, d, " ", "s").is_err());
        assert!(Estimate::new("x", prk, chn, 1, 2, d, "m", "").is_err());
    }
}
