//! Countries (ISO 3166-1 alpha-3) and citizenship.

use crate::error::{string_value_type, ParseError};
use crate::iso3166::COUNTRIES;

/// An ISO 3166-1 alpha-3 country code that exists in the standard (e.g. `SYR`). Cannot hold anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Iso3([u8; 3]);

impl Iso3 {
    /// Parses a code, accepting lower case and surrounding spaces (`" syr "` → `SYR`).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim().to_ascii_uppercase();
        if t.len() != 3 || !t.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(ParseError::new(
                "invalid_country",
                format!("{s:?} is not a country code: use the three-letter ISO 3166-1 alpha-3 code, e.g. SYR, AFG, SSD"),
            ));
        }
        if COUNTRIES.binary_search_by(|(c, _)| (*c).cmp(t.as_str())).is_err() {
            return Err(ParseError::new(
                "unknown_country",
                format!("{t} is not an ISO 3166-1 alpha-3 country code; check the code (e.g. SYR for Syria, MMR for Myanmar)"),
            ));
        }
        let b = t.as_bytes();
        Ok(Self([b[0], b[1], b[2]]))
    }

    /// The code as text.
    pub fn as_str(&self) -> &str {
        // The bytes are ASCII upper-case letters by construction.
        std::str::from_utf8(&self.0).unwrap_or("???")
    }

    /// The English short name (e.g. `Syrian Arab Republic`).
    pub fn name(&self) -> &'static str {
        COUNTRIES
            .binary_search_by(|(c, _)| (*c).cmp(self.as_str()))
            .map(|i| COUNTRIES[i].1)
            .unwrap_or("")
    }

    /// Every code in the standard, in alphabetical order.
    pub fn all() -> impl Iterator<Item = Iso3> {
        COUNTRIES.iter().filter_map(|(c, _)| Iso3::parse(c).ok())
    }
}
string_value_type!(Iso3);

/// A person's citizenship: one or more countries, stateless, or not yet established.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "countries")]
pub enum Citizenship {
    /// Citizen of each of these countries (Art. 1A(2) second paragraph: each counts).
    Countries(Vec<Iso3>),
    /// Not considered a national by any State under the operation of its law (1954 Convention, Art. 1).
    Stateless,
    /// Not yet established.
    Undetermined,
}

impl Citizenship {
    /// Parses `SYR`, `SYR;TUR`, `stateless` or `undetermined`/empty.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim();
        if t.is_empty() || t.eq_ignore_ascii_case("undetermined") || t.eq_ignore_ascii_case("unknown") {
            return Ok(Self::Undetermined);
        }
        if t.eq_ignore_ascii_case("stateless") {
            return Ok(Self::Stateless);
        }
        let mut v = Vec::new();
        for part in t.split([';', ',', ' ']).filter(|p| !p.is_empty()) {
            let c = Iso3::parse(part)?;
            if !v.contains(&c) {
                v.push(c);
            }
        }
        Ok(Self::Countries(v))
    }

    /// The compact text form accepted by [`Citizenship::parse`].
    pub fn to_text(&self) -> String {
        match self {
            Self::Countries(v) => v.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(";"),
            Self::Stateless => "stateless".into(),
            Self::Undetermined => "undetermined".into(),
        }
    }

    /// True if the person holds citizenship of `c`.
    pub fn includes(&self, c: Iso3) -> bool {
        matches!(self, Self::Countries(v) if v.contains(&c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_parse_and_unknown_are_refused() {
        assert_eq!(Iso3::parse(" syr ").map(|c| c.to_string()), Ok("SYR".into()));
        assert_eq!(Iso3::parse("SSD").map(|c| c.name()), Ok("South Sudan"));
        assert_eq!(Iso3::parse("XYZ").map_err(|e| e.code), Err("unknown_country"));
        assert_eq!(Iso3::parse("SY").map_err(|e| e.code), Err("invalid_country"));
        assert_eq!(Iso3::parse("S1R").map_err(|e| e.code), Err("invalid_country"));
        assert_eq!(Iso3::parse("ŞYR").map_err(|e| e.code), Err("invalid_country"));
        assert_eq!(Iso3::all().count(), 249);
    }

    #[test]
    fn citizenship_forms() {
        assert_eq!(Citizenship::parse("stateless"), Ok(Citizenship::Stateless));
        assert_eq!(Citizenship::parse(""), Ok(Citizenship::Undetermined));
        let dual = Citizenship::parse("syr; tur").unwrap_or(Citizenship::Undetermined);
        assert_eq!(dual.to_text(), "SYR;TUR");
        assert!(Citizenship::parse("SYR;ZZZ").is_err());
    }

    #[test]
    fn serde_revalidates() {
        assert!(serde_json::from_str::<Iso3>("\"QQQ\"").is_err());
        assert_eq!(serde_json::to_string(&Iso3::parse("mmr").ok()).ok(), Some("\"MMR\"".into()));
    }
}
