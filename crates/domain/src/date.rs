//! Partial dates of birth: refugee registration often knows only the year, or year and month.

use crate::error::{string_value_type, ParseError};
use chrono::{Datelike, NaiveDate};

/// A date known to year, month or day precision. Impossible dates (2023-02-30) cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartialDate {
    year: i32,
    month: Option<u32>,
    day: Option<u32>,
    text: [u8; 10],
    len: u8,
}

/// The earliest year accepted for a date of birth.
pub const MIN_YEAR: i32 = 1880;
/// The latest year accepted at all (dates in the future are checked against today by the caller).
pub const MAX_YEAR: i32 = 2200;

/// How precisely a [`PartialDate`] is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Precision {
    /// `YYYY`
    Year,
    /// `YYYY-MM`
    Month,
    /// `YYYY-MM-DD`
    Day,
}

impl PartialDate {
    /// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim();
        let bad = || {
            ParseError::new(
                "invalid_date",
                format!("{s:?} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 1987, 1987-04 or 1987-04-23)"),
            )
        };
        let parts: Vec<&str> = t.split('-').collect();
        if parts.is_empty() || parts.len() > 3 {
            return Err(bad());
        }
        let num = |p: &str, len: usize| -> Result<u32, ParseError> {
            if p.len() != len || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            p.parse::<u32>().map_err(|_| bad())
        };
        let year = num(parts[0], 4)? as i32;
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return Err(ParseError::new(
                "date_out_of_range",
                format!("year {year} is out of range: a date here must lie between {MIN_YEAR} and {MAX_YEAR}"),
            ));
        }
        let month = parts.get(1).map(|p| num(p, 2)).transpose()?;
        if let Some(m) = month {
            if !(1..=12).contains(&m) {
                return Err(ParseError::new("impossible_date", format!("{t}: month {m} does not exist (1–12)")));
            }
        }
        let day = parts.get(2).map(|p| num(p, 2)).transpose()?;
        if let (Some(m), Some(d)) = (month, day) {
            if NaiveDate::from_ymd_opt(year, m, d).is_none() {
                return Err(ParseError::new("impossible_date", format!("{t} does not exist in the calendar")));
            }
        }
        Ok(Self::build(year, month, day))
    }

    fn build(year: i32, month: Option<u32>, day: Option<u32>) -> Self {
        let s = match (month, day) {
            (None, _) => format!("{year:04}"),
            (Some(m), None) => format!("{year:04}-{m:02}"),
            (Some(m), Some(d)) => format!("{year:04}-{m:02}-{d:02}"),
        };
        let mut text = [0u8; 10];
        text[..s.len()].copy_from_slice(s.as_bytes());
        Self { year, month, day, text, len: s.len() as u8 }
    }

    /// A full date, if its year lies between [`MIN_YEAR`] and [`MAX_YEAR`].
    pub fn from_date(d: NaiveDate) -> Option<Self> {
        (MIN_YEAR..=MAX_YEAR).contains(&d.year()).then(|| Self::build(d.year(), Some(d.month()), Some(d.day())))
    }

    /// The canonical text, `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.text[..self.len as usize]).unwrap_or("")
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }
    /// The month, if known.
    pub fn month(&self) -> Option<u32> {
        self.month
    }
    /// The day, if known.
    pub fn day(&self) -> Option<u32> {
        self.day
    }

    /// How precisely the date is known.
    pub fn precision(&self) -> Precision {
        match (self.month, self.day) {
            (None, _) => Precision::Year,
            (Some(_), None) => Precision::Month,
            _ => Precision::Day,
        }
    }

    /// The earliest and latest real dates this partial date may stand for.
    pub fn bounds(&self) -> (NaiveDate, NaiveDate) {
        let first = NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), self.day.unwrap_or(1));
        let last = match (self.month, self.day) {
            (_, Some(d)) => NaiveDate::from_ymd_opt(self.year, self.month.unwrap_or(1), d),
            (Some(m), None) => last_day(self.year, m),
            (None, _) => NaiveDate::from_ymd_opt(self.year, 12, 31),
        };
        let fallback = NaiveDate::MIN;
        (first.unwrap_or(fallback), last.unwrap_or(fallback))
    }

    /// True when every date this may stand for is after `today`.
    pub fn is_after(&self, today: NaiveDate) -> bool {
        self.bounds().0 > today
    }

    /// Age in whole years on `on`, taking the earliest possible birth date when the date is partial
    /// is wrong for children: UNHCR practice takes 1 July for a year-only date and the 15th for a
    /// month-only date (the midpoint convention). This is that convention.
    pub fn age_on(&self, on: NaiveDate) -> Option<u32> {
        let m = self.month.unwrap_or(7);
        let d = self.day.unwrap_or(if self.month.is_some() { 15 } else { 1 });
        let born = NaiveDate::from_ymd_opt(self.year, m, d)?;
        on.years_since(born)
    }
}

fn last_day(y: i32, m: u32) -> Option<NaiveDate> {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

string_value_type!(PartialDate);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn precisions() {
        assert_eq!(PartialDate::parse("1987").map(|p| p.precision()), Ok(Precision::Year));
        assert_eq!(PartialDate::parse("1987-04").map(|p| p.precision()), Ok(Precision::Month));
        assert_eq!(PartialDate::parse(" 1987-04-23 ").map(|p| p.to_string()), Ok("1987-04-23".into()));
    }

    #[test]
    fn impossible_and_malformed_dates_are_refused() {
        for (s, code) in [
            ("2023-02-30", "impossible_date"),
            ("2023-02-29", "impossible_date"),
            ("1987-13", "impossible_date"),
            ("87", "invalid_date"),
            ("1987/04/01", "invalid_date"),
            ("1987-4-1", "invalid_date"),
            ("", "invalid_date"),
            ("1700", "date_out_of_range"),
            ("1987-04-23-01", "invalid_date"),
            ("١٩٨٧", "invalid_date"),
        ] {
            assert_eq!(PartialDate::parse(s).map_err(|e| e.code), Err(code), "{s}");
        }
        assert!(PartialDate::parse("2024-02-29").is_ok());
    }

    #[test]
    fn bounds_and_age() {
        let p = PartialDate::parse("2000-02").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.bounds(), (d(2000, 2, 1), d(2000, 2, 29)));
        let y = PartialDate::parse("2010").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(y.age_on(d(2026, 6, 30)), Some(15));
        assert_eq!(y.age_on(d(2026, 7, 1)), Some(16));
        assert!(y.is_after(d(2009, 12, 31)));
        assert!(!y.is_after(d(2010, 1, 1)));
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_roundtrips(s in "\\PC{0,12}") {
            if let Ok(p) = PartialDate::parse(&s) {
                prop_assert_eq!(PartialDate::parse(p.as_str()), Ok(p));
            }
        }

        #[test]
        fn every_real_date_roundtrips(y in MIN_YEAR..2100i32, m in 1u32..=12, day in 1u32..=31) {
            if let Some(nd) = NaiveDate::from_ymd_opt(y, m, day) {
                let p = PartialDate::from_date(nd).unwrap_or_else(|| panic!("{nd}"));
                prop_assert_eq!(PartialDate::parse(p.as_str()), Ok(p));
                prop_assert_eq!(p.bounds(), (nd, nd));
            }
        }
    }
}
