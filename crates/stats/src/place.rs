//! Places of origin and asylum as the statistics know them: real countries, and the pseudo-origins
//! (unknown, stateless, Tibetan, …) that are labelled but never ranked as countries.

use nansen_domain::Iso3;
use serde::{Serialize, Serializer};
use std::fmt;

/// A country of origin or of asylum in the statistics.
///
/// UNHCR's data uses ISO 3166-1 alpha-3 codes for countries and a few pseudo-codes for origins that are not
/// countries. Only [`Place::Country`] is ever ranked among countries; the others are labelled for what they
/// are and reported beside the ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Place {
    /// A country (ISO 3166-1 alpha-3, e.g. `SYR`). Includes `PSE` (State of Palestine; shown as
    /// "Palestinian" as an origin, as UNHCR does) and `SRB` (which UNHCR's data folds Kosovo into).
    Country(Iso3),
    /// Origin not known (`UNK`; UNHCR code `UKN`; `XXX` in some country tables).
    Unknown,
    /// Stateless persons (`XXA`; UNHCR code `STA`). Statelessness is not a country.
    Stateless,
    /// Tibetan (`TIB`): UNHCR reports Tibetans as an origin of their own.
    Tibetan,
    /// Any other three-letter code that is not ISO 3166-1 (a later release may add pseudo-codes).
    /// Labelled with its code and never ranked.
    Other(PseudoCode),
}

/// A three-letter code that is not an ISO 3166-1 alpha-3 code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PseudoCode([u8; 3]);

impl PseudoCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl Place {
    /// Reads a code as it appears in UNHCR's files (`coo_iso`, `coa_iso`, `iso3`): an ISO code, `UNK`/`XXX`,
    /// `XXA`, `TIB`, or any other three upper-case letters. Returns `None` for anything else.
    pub fn from_code(s: &str) -> Option<Self> {
        let t = s.trim();
        let b = t.as_bytes();
        if b.len() != 3 || !b.iter().all(|c| c.is_ascii_alphabetic()) {
            return None;
        }
        let up = t.to_ascii_uppercase();
        Some(match up.as_str() {
            "UNK" | "XXX" | "UKN" => Self::Unknown,
            "XXA" | "STA" => Self::Stateless,
            "TIB" => Self::Tibetan,
            _ => match Iso3::parse(&up) {
                Ok(c) => Self::Country(c),
                Err(_) => {
                    let u = up.as_bytes();
                    Self::Other(PseudoCode([u[0], u[1], u[2]]))
                }
            },
        })
    }

    /// Parses a code typed by a user; unlike [`Place::from_code`] it explains what to type.
    pub fn parse(s: &str) -> Result<Self, String> {
        Self::from_code(s).ok_or_else(|| {
            format!(
                "{s:?} is not a place code: use an ISO 3166-1 alpha-3 code (e.g. SYR, CHN, DEU), \
                 or UNK (unknown origin), XXA (stateless), TIB (Tibetan)"
            )
        })
    }

    /// The code used in output (`SYR`, `UNK`, `XXA`, `TIB`, …).
    pub fn code(&self) -> &str {
        match self {
            Self::Country(c) => c.as_str(),
            Self::Unknown => "UNK",
            Self::Stateless => "XXA",
            Self::Tibetan => "TIB",
            Self::Other(p) => p.as_str(),
        }
    }

    /// True for real countries, the only places that are ranked.
    pub fn is_country(&self) -> bool {
        matches!(self, Self::Country(_))
    }

    /// A label that says what a pseudo-origin is; for a country, its ISO English short name.
    pub fn default_label(&self) -> String {
        match self {
            Self::Country(c) => c.name().to_string(),
            Self::Unknown => "Unknown origin".into(),
            Self::Stateless => "Stateless".into(),
            Self::Tibetan => "Tibetan".into(),
            Self::Other(p) => format!("{} (not a country code)", p.as_str()),
        }
    }

    /// What kind of place this is, for output (`country`, `unknown`, `stateless`, `tibetan`, `other`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Country(_) => "country",
            Self::Unknown => "unknown",
            Self::Stateless => "stateless",
            Self::Tibetan => "tibetan",
            Self::Other(_) => "other",
        }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Place {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_classified() {
        assert!(matches!(Place::from_code("SYR"), Some(Place::Country(_))));
        assert!(matches!(Place::from_code("pse"), Some(Place::Country(_))));
        assert_eq!(Place::from_code("UNK"), Some(Place::Unknown));
        assert_eq!(Place::from_code("XXX"), Some(Place::Unknown));
        assert_eq!(Place::from_code("XXA"), Some(Place::Stateless));
        assert_eq!(Place::from_code("TIB"), Some(Place::Tibetan));
        let other = Place::from_code("QQQ");
        assert!(matches!(other, Some(Place::Other(_))));
        assert_eq!(other.map(|p| p.code().to_string()), Some("QQQ".into()));
        assert_eq!(Place::from_code("SY"), None);
        assert_eq!(Place::from_code("S1R"), None);
        assert!(!Place::Unknown.is_country());
        assert!(Place::parse("12").is_err());
    }
}
