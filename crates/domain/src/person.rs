//! Persons: biodata as registered, parsed from raw input into types that cannot hold bad values.

use crate::country::{Citizenship, Iso3};
use crate::date::PartialDate;
use crate::error::{string_value_type, ParseError, ValidationErrors};
use crate::name::{LatinName, PersonName, ShortText};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Sex as recorded at registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Sex {
    /// Female
    #[serde(rename = "F")]
    Female,
    /// Male
    #[serde(rename = "M")]
    Male,
    /// Another sex or gender identity, as the person states it.
    #[serde(rename = "X")]
    Other,
    /// Not known or not stated.
    #[serde(rename = "U")]
    Unknown,
}

impl Sex {
    /// Parses `F`, `M`, `X`, `U` (or `female`, `male`, `other`, `unknown`).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        match s.trim().to_ascii_lowercase().as_str() {
            "f" | "female" => Ok(Self::Female),
            "m" | "male" => Ok(Self::Male),
            "x" | "other" => Ok(Self::Other),
            "u" | "unknown" => Ok(Self::Unknown),
            _ => Err(ParseError::new("invalid_sex", format!("{s:?} is not a sex code: use F, M, X (other) or U (unknown)"))),
        }
    }
    /// The one-letter code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Female => "F",
            Self::Male => "M",
            Self::Other => "X",
            Self::Unknown => "U",
        }
    }
}

/// Relationship of a household member to the principal applicant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Relationship {
    /// The principal applicant (exactly one per household).
    #[serde(rename = "PA")]
    PrincipalApplicant,
    /// Spouse or partner.
    #[serde(rename = "SPS")]
    Spouse,
    /// Son or daughter.
    #[serde(rename = "CHD")]
    Child,
    /// Stepchild.
    #[serde(rename = "STC")]
    Stepchild,
    /// Mother or father.
    #[serde(rename = "PAR")]
    Parent,
    /// Brother or sister.
    #[serde(rename = "SIB")]
    Sibling,
    /// Grandchild.
    #[serde(rename = "GCH")]
    Grandchild,
    /// Grandparent.
    #[serde(rename = "GPA")]
    Grandparent,
    /// Another relative.
    #[serde(rename = "REL")]
    OtherRelative,
    /// Not related (e.g. a foster child or a carer).
    #[serde(rename = "NRL")]
    NonRelative,
}

impl Relationship {
    /// Every relationship with its code.
    pub const ALL: [(Relationship, &'static str); 10] = [
        (Self::PrincipalApplicant, "PA"),
        (Self::Spouse, "SPS"),
        (Self::Child, "CHD"),
        (Self::Stepchild, "STC"),
        (Self::Parent, "PAR"),
        (Self::Sibling, "SIB"),
        (Self::Grandchild, "GCH"),
        (Self::Grandparent, "GPA"),
        (Self::OtherRelative, "REL"),
        (Self::NonRelative, "NRL"),
    ];

    /// Parses a relationship code (`PA`, `SPS`, `CHD`, …).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim().to_ascii_uppercase();
        Self::ALL.iter().find(|(_, c)| *c == t).map(|(r, _)| *r).ok_or_else(|| {
            ParseError::new(
                "invalid_relationship",
                format!("{s:?} is not a relationship code: use one of PA, SPS, CHD, STC, PAR, SIB, GCH, GPA, REL, NRL"),
            )
        })
    }

    /// The code.
    pub fn code(&self) -> &'static str {
        Self::ALL.iter().find(|(r, _)| r == self).map(|(_, c)| *c).unwrap_or("REL")
    }
}

/// Kind of identity document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// National passport.
    Passport,
    /// National identity card.
    NationalId,
    /// Birth certificate.
    BirthCertificate,
    /// Marriage certificate.
    MarriageCertificate,
    /// Family booklet / family register.
    FamilyBook,
    /// Refugee certificate or ID issued by the host State or UNHCR.
    RefugeeCertificate,
    /// Asylum-seeker certificate.
    AsylumSeekerCertificate,
    /// Travel document (Convention travel document, laissez-passer).
    TravelDocument,
    /// Any other document.
    Other,
}

impl DocumentKind {
    /// Parses a document kind (`passport`, `national_id`, …).
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        serde_json::from_value(serde_json::Value::String(s.trim().to_ascii_lowercase())).map_err(|_| {
            ParseError::new(
                "invalid_document_kind",
                format!("{s:?} is not a document kind: use passport, national_id, birth_certificate, marriage_certificate, family_book, refugee_certificate, asylum_seeker_certificate, travel_document or other"),
            )
        })
    }
}

/// A document number: letters, digits and the separators `-`, `/`, `.`; normalised to upper case
/// without spaces, so that `n 123 456` and `N123456` are the same number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DocumentNumber(String);

impl DocumentNumber {
    /// Parses a document number.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t: String = s.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
        if t.is_empty() || t.len() > 40 {
            return Err(ParseError::new("invalid_document_number", "a document number has 1 to 40 letters or digits"));
        }
        if let Some(c) = t.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '/' | '.'))) {
            return Err(ParseError::new(
                "invalid_document_number",
                format!("{c:?} cannot be part of a document number: use letters, digits, '-', '/' or '.'"),
            ));
        }
        Ok(Self(t))
    }
    /// The number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value_type!(DocumentNumber);

/// An identity document held or seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityDocument {
    /// Kind of document.
    pub kind: DocumentKind,
    /// Its number.
    pub number: DocumentNumber,
    /// Issuing country, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub issuing_country: Option<Iso3>,
    /// Expiry date, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub expiry_date: Option<NaiveDate>,
}

/// UNHCR standardised specific-needs codes (top-level categories and common sub-codes).
pub const SPECIFIC_NEEDS: &[(&str, &str)] = &[
    ("CR", "Child at risk"),
    ("CR-CP", "Child parent"),
    ("CR-CS", "Child spouse"),
    ("CR-CC", "Child carer"),
    ("CR-TP", "Teenage pregnancy"),
    ("CR-LW", "Child engaged in worst forms of child labour"),
    ("CR-AF", "Child associated with armed forces or groups"),
    ("CR-CL", "Child in conflict with the law"),
    ("CR-NE", "Child not attending school"),
    ("UC", "Unaccompanied or separated child"),
    ("UC-UM", "Unaccompanied minor"),
    ("UC-US", "Separated child"),
    ("WR", "Woman at risk"),
    ("WR-SF", "Single woman at risk"),
    ("WR-LC", "Lactating woman"),
    ("WR-PY", "Pregnant woman"),
    ("ER", "Older person at risk"),
    ("ER-NF", "Older person unable to care for self"),
    ("SP", "Single parent or caregiver"),
    ("DS", "Disability"),
    ("DS-PM", "Physical disability – moderate"),
    ("DS-PS", "Physical disability – severe"),
    ("DS-MM", "Mental disability – moderate"),
    ("DS-MS", "Mental disability – severe"),
    ("DS-BD", "Visual impairment"),
    ("DS-DF", "Hearing impairment"),
    ("SM", "Serious medical condition"),
    ("SM-CI", "Chronic illness"),
    ("SM-MI", "Mental illness"),
    ("SV", "Sexual and gender-based violence"),
    ("TR", "Torture"),
    ("TR-PI", "Psychological or physical impairment due to torture"),
    ("TR-HO", "Imprisonment and torture in country of origin"),
    ("LP", "Specific legal and physical protection needs"),
    ("LP-ND", "No legal documentation"),
    ("LP-AN", "Violence, abuse or neglect"),
    ("LP-MS", "Marginalised from society or community"),
    ("LP-DT", "Detained or held in country of asylum"),
    ("LP-RR", "At risk of refoulement"),
    ("FU", "Family unity"),
    ("FU-TR", "Tracing required"),
    ("FU-FR", "Family reunification required"),
];

/// One specific-needs code from [`SPECIFIC_NEEDS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpecificNeed(&'static str);

impl SpecificNeed {
    /// Parses a code such as `SM-CI` or `uc`.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim().to_ascii_uppercase();
        SPECIFIC_NEEDS.iter().find(|(c, _)| *c == t).map(|(c, _)| Self(c)).ok_or_else(|| {
            ParseError::new(
                "invalid_specific_need",
                format!("{s:?} is not a UNHCR specific-needs code (e.g. CR, UC-UM, WR, SM-CI, DS, TR, LP-RR)"),
            )
        })
    }
    /// The code.
    pub fn as_str(&self) -> &str {
        self.0
    }
    /// True for needs that reveal health, gender-based violence or torture: shown only to roles
    /// with the sensitive-read permission ([`crate::access::Permission::SensitiveRead`]).
    pub fn is_sensitive(&self) -> bool {
        ["SM", "SV", "TR", "DS-MM", "DS-MS"].iter().any(|p| self.0.starts_with(p))
    }
    /// Its English description.
    pub fn description(&self) -> &'static str {
        SPECIFIC_NEEDS.iter().find(|(c, _)| *c == self.0).map(|(_, d)| *d).unwrap_or("")
    }
}
string_value_type!(SpecificNeed);

/// A language code: ISO 639-1 (two letters) or ISO 639-3 (three letters), lower case, e.g. `ar`, `prs`, `rhg`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LanguageCode(String);

impl LanguageCode {
    /// Parses a language code.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim().to_ascii_lowercase();
        if !(2..=3).contains(&t.len()) || !t.bytes().all(|b| b.is_ascii_lowercase()) {
            return Err(ParseError::new(
                "invalid_language",
                format!("{s:?} is not a language code: use ISO 639-1 or 639-3, e.g. ar, prs, ps, ti, ko, rhg"),
            ));
        }
        Ok(Self(t))
    }
    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value_type!(LanguageCode);

/// Raw biodata as submitted (API, form or import), before it is parsed. Every field is optional here
/// so that a missing field is reported by name together with all other problems.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PersonInput {
    /// Given name(s) in Latin letters (required).
    pub given_name: Option<String>,
    /// Family name in Latin letters.
    pub family_name: Option<String>,
    /// Given name(s) in the person's own script.
    pub given_name_original: Option<String>,
    /// Family name in the person's own script.
    pub family_name_original: Option<String>,
    /// `F`, `M`, `X` (other) or `U` (unknown) (required).
    pub sex: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    /// Town or village of birth.
    pub place_of_birth: Option<String>,
    /// ISO3 country of birth.
    pub country_of_birth: Option<String>,
    /// `SYR`, `SYR;TUR`, `stateless` or `undetermined`.
    pub citizenship: Option<String>,
    /// Languages spoken, ISO 639 codes, the preferred first.
    #[serde(default)]
    pub languages: Vec<String>,
    /// Identity documents.
    #[serde(default)]
    pub documents: Vec<DocumentInput>,
    /// UNHCR specific-needs codes.
    #[serde(default)]
    pub specific_needs: Vec<String>,
}

/// A raw identity document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DocumentInput {
    /// `passport`, `national_id`, `birth_certificate`, …
    pub kind: Option<String>,
    /// The document number.
    pub number: Option<String>,
    /// ISO3 issuing country.
    pub issuing_country: Option<String>,
    /// `YYYY-MM-DD`.
    pub expiry_date: Option<String>,
}

/// Parsed, valid biodata of a person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonDetails {
    /// Given name(s), Latin letters.
    pub given_name: LatinName,
    /// Family name, Latin letters.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub family_name: Option<LatinName>,
    /// Given name(s), own script.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub given_name_original: Option<PersonName>,
    /// Family name, own script.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub family_name_original: Option<PersonName>,
    /// Sex.
    pub sex: Sex,
    /// Date of birth, possibly partial.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub date_of_birth: Option<PartialDate>,
    /// Place of birth.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub place_of_birth: Option<ShortText>,
    /// Country of birth.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub country_of_birth: Option<Iso3>,
    /// Citizenship(s), statelessness, or undetermined.
    #[serde(with = "citizenship_text")]
    pub citizenship: Citizenship,
    /// Languages.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub languages: Vec<LanguageCode>,
    /// Documents.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub documents: Vec<IdentityDocument>,
    /// Specific needs.
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub specific_needs: Vec<SpecificNeed>,
}

mod citizenship_text {
    use super::Citizenship;
    use serde::{Deserialize, Deserializer, Serializer};
    pub fn serialize<S: Serializer>(c: &Citizenship, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&c.to_text())
    }
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Citizenship, D::Error> {
        let s = String::deserialize(d)?;
        Citizenship::parse(&s).map_err(serde::de::Error::custom)
    }
}

fn opt<T>(errs: &mut ValidationErrors, field: &str, v: &Option<String>, f: fn(&str) -> Result<T, ParseError>) -> Option<T> {
    match v.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(s) => errs.check(field, f(s)),
    }
}

impl PersonDetails {
    /// Parses raw biodata. `today` bounds the date of birth (the domain reads no clock).
    pub fn parse(input: &PersonInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let given_name = match input.given_name.as_deref().map(str::trim) {
            None | Some("") => {
                e.push("given_name", ParseError::new("required", "the given name in Latin letters is required"));
                None
            }
            Some(s) => e.check("given_name", LatinName::parse(s)),
        };
        let family_name = opt(&mut e, "family_name", &input.family_name, LatinName::parse);
        let given_name_original = opt(&mut e, "given_name_original", &input.given_name_original, PersonName::parse);
        let family_name_original = opt(&mut e, "family_name_original", &input.family_name_original, PersonName::parse);
        let sex = match input.sex.as_deref() {
            None => {
                e.push("sex", ParseError::new("required", "sex is required: F, M, X (other) or U (unknown)"));
                None
            }
            Some(s) => e.check("sex", Sex::parse(s)),
        };
        let date_of_birth = opt(&mut e, "date_of_birth", &input.date_of_birth, PartialDate::parse);
        if let Some(d) = date_of_birth {
            if d.is_after(today) {
                e.push("date_of_birth", ParseError::new("date_in_future", format!("{d} is in the future")));
            }
        }
        let place_of_birth = opt(&mut e, "place_of_birth", &input.place_of_birth, ShortText::parse);
        let country_of_birth = opt(&mut e, "country_of_birth", &input.country_of_birth, Iso3::parse);
        let citizenship = e.check("citizenship", Citizenship::parse(input.citizenship.as_deref().unwrap_or("")));
        let languages: Vec<_> = input
            .languages
            .iter()
            .enumerate()
            .filter_map(|(i, l)| e.check(&format!("languages[{i}]"), LanguageCode::parse(l)))
            .collect();
        let mut documents = Vec::new();
        for (i, d) in input.documents.iter().enumerate() {
            let p = format!("documents[{i}]");
            let kind = match d.kind.as_deref() {
                None => Some(DocumentKind::Other),
                Some(k) => e.check(&format!("{p}.kind"), DocumentKind::parse(k)),
            };
            let number = match d.number.as_deref() {
                None => {
                    e.push(format!("{p}.number"), ParseError::new("required", "the document number is required"));
                    None
                }
                Some(n) => e.check(&format!("{p}.number"), DocumentNumber::parse(n)),
            };
            let issuing_country = opt(&mut e, &format!("{p}.issuing_country"), &d.issuing_country, Iso3::parse);
            let expiry_date = opt(&mut e, &format!("{p}.expiry_date"), &d.expiry_date, |s| {
                NaiveDate::parse_from_str(s, "%Y-%m-%d")
                    .map_err(|_| ParseError::new("invalid_date", format!("{s:?} is not a date: write YYYY-MM-DD")))
            });
            if let (Some(kind), Some(number)) = (kind, number) {
                documents.push(IdentityDocument { kind, number, issuing_country, expiry_date });
            }
        }
        let mut specific_needs = Vec::new();
        for (i, s) in input.specific_needs.iter().enumerate() {
            if let Some(n) = e.check(&format!("specific_needs[{i}]"), SpecificNeed::parse(s)) {
                if !specific_needs.contains(&n) {
                    specific_needs.push(n);
                }
            }
        }
        e.finish(|| {
            Some(PersonDetails {
                given_name: given_name?,
                family_name,
                given_name_original,
                family_name_original,
                sex: sex?,
                date_of_birth,
                place_of_birth,
                country_of_birth,
                citizenship: citizenship?,
                languages,
                documents,
                specific_needs,
            })
        })
    }

    /// The raw form of these details (what a form or an export shows).
    pub fn to_input(&self) -> PersonInput {
        PersonInput {
            given_name: Some(self.given_name.to_string()),
            family_name: self.family_name.as_ref().map(ToString::to_string),
            given_name_original: self.given_name_original.as_ref().map(ToString::to_string),
            family_name_original: self.family_name_original.as_ref().map(ToString::to_string),
            sex: Some(self.sex.code().to_string()),
            date_of_birth: self.date_of_birth.map(|d| d.to_string()),
            place_of_birth: self.place_of_birth.as_ref().map(ToString::to_string),
            country_of_birth: self.country_of_birth.map(|c| c.to_string()),
            citizenship: Some(self.citizenship.to_text()),
            languages: self.languages.iter().map(ToString::to_string).collect(),
            documents: self
                .documents
                .iter()
                .map(|d| DocumentInput {
                    kind: serde_json::to_value(d.kind).ok().and_then(|v| v.as_str().map(str::to_owned)),
                    number: Some(d.number.to_string()),
                    issuing_country: d.issuing_country.map(|c| c.to_string()),
                    expiry_date: d.expiry_date.map(|x| x.to_string()),
                })
                .collect(),
            specific_needs: self.specific_needs.iter().map(ToString::to_string).collect(),
        }
    }

    /// Full name in Latin letters, given name first.
    pub fn latin_full_name(&self) -> String {
        match &self.family_name {
            Some(f) => format!("{} {}", self.given_name, f),
            None => self.given_name.to_string(),
        }
    }

    /// Full name in the original script, if recorded.
    pub fn original_full_name(&self) -> Option<String> {
        match (&self.given_name_original, &self.family_name_original) {
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (Some(g), None) => Some(g.to_string()),
            (None, Some(f)) => Some(f.to_string()),
            (None, None) => None,
        }
    }

    /// The folded search terms of this person: every name word in both scripts, and document numbers.
    pub fn search_terms(&self) -> Vec<String> {
        let mut terms = Vec::new();
        let mut add = |t: String| {
            if !t.is_empty() && !terms.contains(&t) {
                terms.push(t);
            }
        };
        for n in [Some(self.given_name.as_str()), self.family_name.as_ref().map(|n| n.as_str())].into_iter().flatten() {
            crate::fold::tokens(n).into_iter().for_each(&mut add);
        }
        for n in [&self.given_name_original, &self.family_name_original].into_iter().flatten() {
            crate::fold::tokens(n.as_str()).into_iter().for_each(&mut add);
        }
        terms
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or(NaiveDate::MIN)
    }

    fn amina() -> PersonInput {
        PersonInput {
            given_name: Some("Amina".into()),
            family_name: Some("Al-Hassan".into()),
            given_name_original: Some("أمينة".into()),
            family_name_original: Some("الحسن".into()),
            sex: Some("f".into()),
            date_of_birth: Some("1990-03".into()),
            citizenship: Some("SYR".into()),
            languages: vec!["ar".into()],
            documents: vec![DocumentInput { kind: Some("passport".into()), number: Some("n 0123 456".into()), ..Default::default() }],
            specific_needs: vec!["wr".into(), "WR".into()],
            ..Default::default()
        }
    }

    #[test]
    fn parses_and_roundtrips() {
        let p = PersonDetails::parse(&amina(), today()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(p.sex, Sex::Female);
        assert_eq!(p.documents[0].number.as_str(), "N0123456");
        assert_eq!(p.specific_needs.len(), 1);
        assert_eq!(PersonDetails::parse(&p.to_input(), today()), Ok(p.clone()));
        let json = serde_json::to_string(&p).unwrap_or_default();
        assert_eq!(serde_json::from_str::<PersonDetails>(&json).ok(), Some(p.clone()));
        assert!(p.search_terms().contains(&"hassan".to_string()));
        assert!(p.search_terms().contains(&crate::fold::fold("أمينة")));
    }

    #[test]
    fn every_problem_is_reported_with_its_field() {
        let bad = PersonInput {
            given_name: Some("<script>alert(1)</script>".into()),
            sex: None,
            date_of_birth: Some("2023-02-30".into()),
            citizenship: Some("XYZ".into()),
            documents: vec![DocumentInput { kind: Some("passport".into()), number: None, ..Default::default() }],
            ..Default::default()
        };
        let e = PersonDetails::parse(&bad, today()).err().unwrap_or_default();
        let fields: Vec<_> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["given_name", "sex", "date_of_birth", "citizenship", "documents[0].number"]);
    }

    #[test]
    fn birth_in_the_future_is_refused() {
        let mut i = amina();
        i.date_of_birth = Some("2027".into());
        let e = PersonDetails::parse(&i, today()).err().unwrap_or_default();
        assert_eq!(e.errors[0].code, "date_in_future");
    }
}
