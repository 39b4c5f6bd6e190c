//! The record the engine matches: an identifier and the identifying fields, parsed leniently.

use nansen_domain::{Citizenship, PartialDate, PersonDetails, Sex};
use serde::{Deserialize, Serialize};

/// A date of birth known to year, month or day precision, parsed leniently: unlike
/// [`PartialDate`], a date that does not exist in the calendar (1987-02-30, a typo) is kept as
/// written, because a typo is still evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BirthDate {
    /// The year (1800–2100).
    pub year: u16,
    /// The month (1–12), if known.
    pub month: Option<u8>,
    /// The day (1–31), if known (only with a month).
    pub day: Option<u8>,
}

impl BirthDate {
    /// Parses `YYYY`, `YYYY-MM`, `YYYY-MM-DD`, `YYYYMMDD`, `YYYY/MM/DD` and `DD/MM/YYYY`-free
    /// forms; `00` for an unknown month or day is read as unknown. Anything else is `None`
    /// (a missing date), never an error.
    pub fn parse_lenient(s: &str) -> Option<Self> {
        let t = s.trim();
        let digits: String = t.chars().filter(char::is_ascii_digit).collect();
        let parts: Vec<&str> = t.split(['-', '/', '.']).filter(|p| !p.is_empty()).collect();
        let (y, m, d) = if parts.len() == 1 && digits.len() == 8 && t.len() == 8 {
            (digits[0..4].parse().ok()?, digits[4..6].parse().ok()?, digits[6..8].parse().ok()?)
        } else if parts.len() == 1 && digits.len() == 4 && t.len() == 4 {
            (digits.parse().ok()?, 0u32, 0u32)
        } else if (2..=3).contains(&parts.len()) && parts[0].len() == 4 {
            let y: u32 = parts[0].parse().ok()?;
            let m: u32 = parts[1].parse().ok()?;
            let d: u32 = match parts.get(2) {
                Some(p) => p.parse().ok()?,
                None => 0,
            };
            (y, m, d)
        } else {
            return None;
        };
        if !(1800..=2100).contains(&y) {
            return None;
        }
        let month = (1..=12).contains(&m).then_some(m as u8);
        let day = month.and((1..=31).contains(&d).then_some(d as u8));
        Some(Self { year: y as u16, month, day })
    }

    /// Packs the date into 32 bits (year << 9 | month << 5 | day; 0 for unknown parts).
    pub(crate) fn pack(&self) -> u32 {
        (u32::from(self.year) << 9) | (u32::from(self.month.unwrap_or(0)) << 5) | u32::from(self.day.unwrap_or(0))
    }

    pub(crate) fn unpack(v: u32) -> Option<Self> {
        if v == 0 {
            return None;
        }
        let m = ((v >> 5) & 0xF) as u8;
        let d = (v & 0x1F) as u8;
        Some(Self { year: (v >> 9) as u16, month: (m != 0).then_some(m), day: (d != 0).then_some(d) })
    }
}

impl From<PartialDate> for BirthDate {
    fn from(d: PartialDate) -> Self {
        Self {
            year: d.year().clamp(0, i32::from(u16::MAX)) as u16,
            month: d.month().map(|m| m as u8),
            day: d.day().map(|d| d as u8),
        }
    }
}

/// One person's identifying data, as the engine sees it. Every field but `id` may be missing.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// The caller's identifier (a person id, a CSV `id`). Returned as is in matches.
    pub id: String,
    /// Given name(s) in Latin letters (accents allowed).
    pub given_name: Option<String>,
    /// Family name in Latin letters.
    pub surname: Option<String>,
    /// The whole name when it is not split into given and family name (any script).
    pub full_name: Option<String>,
    /// The whole name in the original script (Arabic, Hangul, Ge'ez, Burmese, Chinese, Cyrillic …).
    pub name_original: Option<String>,
    /// Date of birth, possibly partial.
    pub date_of_birth: Option<BirthDate>,
    /// Sex: `Some(Male)`/`Some(Female)`; `Other`, `Unknown` and `None` do not count as evidence.
    pub sex: Option<Sex>,
    /// Place (town) of birth, any script.
    pub place_of_birth: Option<String>,
    /// Citizenships, as ISO 3166-1 alpha-3 codes or `STATELESS`.
    pub citizenship: Vec<String>,
    /// An identity document number (passport, national ID, ration card…).
    pub document_number: Option<String>,
    /// Current address or location (camp, block, shelter): household context.
    pub address: Option<String>,
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

impl Record {
    /// A record with only an id; fill the fields with the `with_*` setters or directly.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: id.into(), ..Self::default() }
    }

    /// Sets one field from its CSV column name and raw text, leniently: an unparseable date or sex
    /// counts as missing. Returns false for a column the engine does not use (it is ignored).
    pub fn set_field(&mut self, column: &str, value: &str) -> bool {
        match column {
            "id" => self.id = value.trim().to_owned(),
            "given_name" => self.given_name = non_empty(value),
            "surname" => self.surname = non_empty(value),
            "full_name" => self.full_name = non_empty(value),
            "name_original" => self.name_original = non_empty(value),
            "date_of_birth" => self.date_of_birth = BirthDate::parse_lenient(value),
            "sex" => self.sex = Sex::parse(value).ok(),
            "place_of_birth" => self.place_of_birth = non_empty(value),
            "citizenship" => {
                self.citizenship = value
                    .split([';', ',', '/', '|', ' '])
                    .map(|c| c.trim().to_ascii_uppercase())
                    .filter(|c| !c.is_empty() && c != "UNDETERMINED" && c != "UNKNOWN")
                    .collect()
            }
            "document_number" => self.document_number = non_empty(value),
            "address" => self.address = non_empty(value),
            _ => return false,
        }
        true
    }

    /// The record of a registered person (for the duplicate check at registration). `address` is
    /// the household's address, if any.
    pub fn from_person(id: impl Into<String>, p: &PersonDetails, address: Option<&str>) -> Self {
        let original = match (&p.given_name_original, &p.family_name_original) {
            (Some(g), Some(f)) => Some(format!("{} {}", g.as_str(), f.as_str())),
            (Some(g), None) => Some(g.as_str().to_owned()),
            (None, Some(f)) => Some(f.as_str().to_owned()),
            (None, None) => None,
        };
        let citizenship = match &p.citizenship {
            Citizenship::Countries(v) => v.iter().map(|c| c.as_str().to_owned()).collect(),
            Citizenship::Stateless => vec!["STATELESS".to_owned()],
            Citizenship::Undetermined => Vec::new(),
        };
        Self {
            id: id.into(),
            given_name: Some(p.given_name.as_str().to_owned()),
            surname: p.family_name.as_ref().map(|f| f.as_str().to_owned()),
            full_name: None,
            name_original: original,
            date_of_birth: p.date_of_birth.map(BirthDate::from),
            sex: Some(p.sex),
            place_of_birth: p.place_of_birth.as_ref().map(|s| s.as_str().to_owned()),
            citizenship,
            document_number: p.documents.first().map(|d| d.number.as_str().to_owned()),
            address: address.and_then(non_empty),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: u16, m: Option<u8>, day: Option<u8>) -> Option<BirthDate> {
        Some(BirthDate { year: y, month: m, day })
    }

    #[test]
    fn lenient_dates() {
        assert_eq!(BirthDate::parse_lenient("1987"), d(1987, None, None));
        assert_eq!(BirthDate::parse_lenient("1987-04"), d(1987, Some(4), None));
        assert_eq!(BirthDate::parse_lenient("1987-04-23"), d(1987, Some(4), Some(23)));
        assert_eq!(BirthDate::parse_lenient("19870423"), d(1987, Some(4), Some(23)));
        assert_eq!(BirthDate::parse_lenient("1987-02-30"), d(1987, Some(2), Some(30)));
        assert_eq!(BirthDate::parse_lenient("1987-00-00"), d(1987, None, None));
        assert_eq!(BirthDate::parse_lenient("1987-13-01"), d(1987, None, None));
        assert_eq!(BirthDate::parse_lenient(""), None);
        assert_eq!(BirthDate::parse_lenient("unknown"), None);
        assert_eq!(BirthDate::parse_lenient("0199"), None);
        assert_eq!(BirthDate::parse_lenient("23/04/1987"), None);
        for s in ["1987", "1987-04", "1987-04-23"] {
            let b = BirthDate::parse_lenient(s);
            assert_eq!(b.and_then(|b| BirthDate::unpack(b.pack())), b);
        }
    }

    #[test]
    fn fields_by_column_name() {
        let mut r = Record::new("1");
        assert!(r.set_field("citizenship", "syr; tur"));
        assert_eq!(r.citizenship, vec!["SYR", "TUR"]);
        assert!(r.set_field("sex", "f"));
        assert_eq!(r.sex, Some(Sex::Female));
        assert!(r.set_field("sex", "?"));
        assert_eq!(r.sex, None);
        assert!(r.set_field("surname", "  "));
        assert_eq!(r.surname, None);
        assert!(!r.set_field("favourite_colour", "blue"));
    }
}
