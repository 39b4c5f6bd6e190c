//! Data-sharing agreements: the only way personal data leaves Nansen for a third party.
//!
//! An agreement names its recipient, its purpose and legal basis, the **fields** it covers and the
//! dates it is valid; a transfer under it carries only those fields, for the persons the rule lets
//! through. The rule (UNHCR's policy on the protection of personal data, and the reason Nansen
//! exists): **no person's data goes to the authorities of the country they fled** — a State
//! recipient never receives a citizen of that State (nor, for a stateless person or one whose
//! nationality is undetermined, someone born there). Nothing is deleted: an agreement is revoked,
//! not removed, and every transfer is logged.

use crate::error::ValidationErrors;
use crate::{Citizenship, Iso3, ParseError, PersonDetails, ShortText};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Who receives the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecipientKind {
    /// An authority of a State (e.g. a resettlement country's immigration service).
    StateAuthority,
    /// A United Nations agency (e.g. WFP for food distribution).
    UnAgency,
    /// A non-governmental partner (e.g. a legal-aid or health partner).
    Ngo,
    /// Anyone else (a researcher under contract, a service provider).
    Other,
}

impl RecipientKind {
    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        match s.trim() {
            "state_authority" => Ok(Self::StateAuthority),
            "un_agency" => Ok(Self::UnAgency),
            "ngo" => Ok(Self::Ngo),
            "other" => Ok(Self::Other),
            _ => Err(ParseError::new("invalid_recipient_kind", format!("{s:?} is not a kind of recipient: use state_authority, un_agency, ngo or other"))),
        }
    }
}

/// A field an agreement may cover. Sensitive needs (health, violence, torture) are a field of their
/// own, never implied by `specific_needs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SharedField {
    /// Names in Latin letters and in the original script.
    Names,
    /// Sex.
    Sex,
    /// Date of birth (as precise as recorded).
    DateOfBirth,
    /// Place and country of birth.
    PlaceOfBirth,
    /// Citizenship.
    Citizenship,
    /// Languages.
    Languages,
    /// Identity documents.
    Documents,
    /// Specific needs other than the sensitive ones.
    SpecificNeeds,
    /// Sensitive specific needs (health, gender-based violence, torture).
    SensitiveNeeds,
    /// Case number and relationship within the household.
    Household,
}

impl SharedField {
    /// Every field.
    pub const ALL: [SharedField; 10] = [
        Self::Names,
        Self::Sex,
        Self::DateOfBirth,
        Self::PlaceOfBirth,
        Self::Citizenship,
        Self::Languages,
        Self::Documents,
        Self::SpecificNeeds,
        Self::SensitiveNeeds,
        Self::Household,
    ];

    /// The snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Names => "names",
            Self::Sex => "sex",
            Self::DateOfBirth => "date_of_birth",
            Self::PlaceOfBirth => "place_of_birth",
            Self::Citizenship => "citizenship",
            Self::Languages => "languages",
            Self::Documents => "documents",
            Self::SpecificNeeds => "specific_needs",
            Self::SensitiveNeeds => "sensitive_needs",
            Self::Household => "household",
        }
    }

    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        Self::ALL.into_iter().find(|f| f.as_str() == s.trim()).ok_or_else(|| {
            ParseError::new(
                "invalid_shared_field",
                format!("{s:?} is not a field that can be shared: use {}", Self::ALL.map(|f| f.as_str()).join(", ")),
            )
        })
    }
}

/// The recipient of an agreement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    /// Name of the organisation or authority.
    pub name: ShortText,
    /// What kind of body it is.
    pub kind: RecipientKind,
    /// The State it belongs to (required for a State authority).
    pub country: Option<Iso3>,
}

/// The terms of an agreement, parsed (a [`NewAgreement`] cannot hold a bad value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewAgreement {
    /// Who receives.
    pub recipient: Recipient,
    /// Why (shown on every transfer).
    pub purpose: ShortText,
    /// Under what legal basis (consent, vital interest, a memorandum of understanding…).
    pub legal_basis: ShortText,
    /// What may be sent (never empty).
    pub fields: BTreeSet<SharedField>,
    /// First day it is valid.
    pub valid_from: NaiveDate,
    /// Last day it is valid.
    pub valid_until: NaiveDate,
}

/// An agreement as typed by a person or client.
#[derive(Debug, Clone, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementInput {
    /// Name of the recipient.
    pub recipient_name: String,
    /// `state_authority`, `un_agency`, `ngo` or `other`.
    pub recipient_kind: String,
    /// ISO3 of the recipient's State (required for a State authority).
    pub recipient_country: Option<String>,
    /// Why.
    pub purpose: String,
    /// Legal basis.
    pub legal_basis: String,
    /// Fields covered (see [`SharedField`]).
    pub fields: Vec<String>,
    /// First day valid (YYYY-MM-DD).
    pub valid_from: String,
    /// Last day valid (YYYY-MM-DD).
    pub valid_until: String,
}

fn date(s: &str) -> Result<NaiveDate, ParseError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| ParseError::new("invalid_date", format!("{s:?} is not a date: write YYYY-MM-DD")))
}

impl NewAgreement {
    /// Parses every field, collecting every error with its field name.
    pub fn parse(input: &AgreementInput) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let name = e.check("recipient_name", ShortText::parse(&input.recipient_name));
        let kind = e.check("recipient_kind", RecipientKind::parse(&input.recipient_kind));
        let country = match input.recipient_country.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(c) => e.check("recipient_country", Iso3::parse(c)).map(Some),
            None => Some(None),
        };
        if kind == Some(RecipientKind::StateAuthority) && country == Some(None) {
            e.push("recipient_country", ParseError::new("required", "a State authority's country is required: it is how Nansen keeps its own citizens' data from it"));
        }
        let purpose = e.check("purpose", ShortText::parse(&input.purpose));
        let legal_basis = e.check("legal_basis", ShortText::parse(&input.legal_basis));
        let mut fields = BTreeSet::new();
        for (i, f) in input.fields.iter().enumerate() {
            if let Some(f) = e.check(&format!("fields[{i}]"), SharedField::parse(f)) {
                fields.insert(f);
            }
        }
        if input.fields.is_empty() {
            e.push("fields", ParseError::new("required", "name at least one field the agreement covers"));
        }
        let from = e.check("valid_from", date(&input.valid_from));
        let until = e.check("valid_until", date(&input.valid_until));
        if let (Some(f), Some(u)) = (from, until) {
            if u < f {
                e.push("valid_until", ParseError::new("before_start", "the agreement ends before it starts: check the dates"));
            }
        }
        e.finish(|| {
            Some(NewAgreement {
                recipient: Recipient { name: name?, kind: kind?, country: country? },
                purpose: purpose?,
                legal_basis: legal_basis?,
                fields,
                valid_from: from?,
                valid_until: until?,
            })
        })
    }

    /// Why this agreement cannot carry anything on `today`, if it cannot.
    pub fn inactive_on(&self, today: NaiveDate, revoked: bool) -> Option<Refusal> {
        if revoked {
            Some(Refusal::Revoked)
        } else if today < self.valid_from {
            Some(Refusal::NotYetValid(self.valid_from))
        } else if today > self.valid_until {
            Some(Refusal::Expired(self.valid_until))
        } else {
            None
        }
    }

    /// Whether this person's data may go to the recipient: `Err` with the reason when not.
    pub fn admits(&self, person: &PersonDetails) -> Result<(), Refusal> {
        let (RecipientKind::StateAuthority, Some(state)) = (self.recipient.kind, self.recipient.country) else {
            return Ok(());
        };
        match &person.citizenship {
            Citizenship::Countries(c) if c.contains(&state) => Err(Refusal::CountryOfOrigin(state)),
            Citizenship::Stateless | Citizenship::Undetermined if person.country_of_birth == Some(state) => Err(Refusal::CountryOfOrigin(state)),
            _ => Ok(()),
        }
    }
}

/// Why a transfer (or one person in it) is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The recipient is an authority of the person's country of origin.
    #[error("the recipient is an authority of {0}, this person's country of origin: their data is never disclosed to it")]
    CountryOfOrigin(Iso3),
    /// The agreement was revoked.
    #[error("the agreement has been revoked: record a new agreement before sharing")]
    Revoked,
    /// Not valid yet.
    #[error("the agreement is valid only from {0}")]
    NotYetValid(NaiveDate),
    /// Past its end.
    #[error("the agreement expired on {0}: record a new agreement before sharing")]
    Expired(NaiveDate),
}

impl Refusal {
    /// A stable code.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::CountryOfOrigin(_) => "country_of_origin",
            Refusal::Revoked => "agreement_revoked",
            Refusal::NotYetValid(_) => "agreement_not_yet_valid",
            Refusal::Expired(_) => "agreement_expired",
        }
    }
}

/// The part of a person an agreement lets through, as JSON (only the covered fields).
pub fn project(agreement: &NewAgreement, person: &PersonDetails, case_number: Option<&str>, relationship: Option<&str>) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let mut m = Map::new();
    for f in &agreement.fields {
        match f {
            SharedField::Names => {
                m.insert("given_name".into(), json!(person.given_name.to_string()));
                m.insert("family_name".into(), json!(person.family_name.as_ref().map(|x| x.to_string())));
                m.insert("given_name_original".into(), json!(person.given_name_original.as_ref().map(|x| x.to_string())));
                m.insert("family_name_original".into(), json!(person.family_name_original.as_ref().map(|x| x.to_string())));
            }
            SharedField::Sex => {
                m.insert("sex".into(), json!(person.sex.code()));
            }
            SharedField::DateOfBirth => {
                m.insert("date_of_birth".into(), json!(person.date_of_birth.as_ref().map(|d| d.to_string())));
            }
            SharedField::PlaceOfBirth => {
                m.insert("place_of_birth".into(), json!(person.place_of_birth.as_ref().map(|x| x.to_string())));
                m.insert("country_of_birth".into(), json!(person.country_of_birth.map(|c| c.to_string())));
            }
            SharedField::Citizenship => {
                m.insert("citizenship".into(), json!(person.citizenship.to_text()));
            }
            SharedField::Languages => {
                m.insert("languages".into(), json!(person.languages.iter().map(|l| l.to_string()).collect::<Vec<_>>()));
            }
            SharedField::Documents => {
                m.insert("documents".into(), serde_json::to_value(&person.documents).unwrap_or(Value::Null));
            }
            SharedField::SpecificNeeds => {
                let v: Vec<String> = person.specific_needs.iter().filter(|n| !n.is_sensitive()).map(|n| n.to_string()).collect();
                m.insert("specific_needs".into(), json!(v));
            }
            SharedField::SensitiveNeeds => {
                let v: Vec<String> = person.specific_needs.iter().filter(|n| n.is_sensitive()).map(|n| n.to_string()).collect();
                m.insert("sensitive_needs".into(), json!(v));
            }
            SharedField::Household => {
                m.insert("case_number".into(), json!(case_number));
                m.insert("relationship".into(), json!(relationship));
            }
        }
    }
    Value::Object(m)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::PersonInput;

    fn input() -> AgreementInput {
        AgreementInput {
            recipient_name: "Immigration, Refugees and Citizenship Canada".into(),
            recipient_kind: "state_authority".into(),
            recipient_country: Some("CAN".into()),
            purpose: "Resettlement submission".into(),
            legal_basis: "Consent of the data subject".into(),
            fields: vec!["names".into(), "date_of_birth".into(), "specific_needs".into()],
            valid_from: "2026-01-01".into(),
            valid_until: "2026-12-31".into(),
        }
    }

    fn person(citizenship: &str, born: Option<&str>, needs: &[&str]) -> PersonDetails {
        PersonDetails::parse(
            &PersonInput {
                given_name: Some("Rami".into()),
                family_name: Some("Haddad".into()),
                sex: Some("M".into()),
                date_of_birth: Some("1985".into()),
                citizenship: Some(citizenship.into()),
                country_of_birth: born.map(str::to_owned),
                specific_needs: needs.iter().map(|s| s.to_string()).collect(),
                ..Default::default()
            },
            NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        )
        .unwrap()
    }

    #[test]
    fn bad_terms_are_refused_field_by_field() {
        let mut i = input();
        i.recipient_country = None;
        i.fields = vec!["names".into(), "narrative".into()];
        i.valid_until = "2025-01-01".into();
        let e = NewAgreement::parse(&i).unwrap_err();
        let fields: Vec<_> = e.errors.iter().map(|f| f.field.as_str()).collect();
        assert!(fields.contains(&"recipient_country") && fields.contains(&"fields[1]") && fields.contains(&"valid_until"), "{fields:?}");
        let mut i = input();
        i.fields.clear();
        assert!(NewAgreement::parse(&i).is_err());
    }

    #[test]
    fn the_country_of_origin_never_receives_its_citizens() {
        let mut i = input();
        i.recipient_country = Some("SYR".into());
        let a = NewAgreement::parse(&i).unwrap();
        assert_eq!(a.admits(&person("SYR", None, &[])), Err(Refusal::CountryOfOrigin(Iso3::parse("SYR").unwrap())));
        assert!(a.admits(&person("SYR;TUR", None, &[])).is_err(), "each nationality counts");
        assert!(a.admits(&person("stateless", Some("SYR"), &[])).is_err(), "a stateless person born there is protected too");
        assert!(a.admits(&person("IRQ", None, &[])).is_ok());
        // A UN agency or NGO is not an authority of the country of origin.
        let mut i = input();
        i.recipient_kind = "ngo".into();
        i.recipient_country = Some("SYR".into());
        assert!(NewAgreement::parse(&i).unwrap().admits(&person("SYR", None, &[])).is_ok());
    }

    #[test]
    fn only_the_covered_fields_leave_and_sensitive_needs_need_their_own_field() {
        let a = NewAgreement::parse(&input()).unwrap();
        let p = person("SYR", None, &["SM-CI", "WR"]);
        let v = project(&a, &p, Some("KEN-26-X"), Some("PA"));
        assert_eq!(v["given_name"], "Rami");
        assert_eq!(v["date_of_birth"], "1985");
        assert_eq!(v["specific_needs"], serde_json::json!(["WR"]));
        assert!(v.get("sex").is_none() && v.get("citizenship").is_none() && v.get("case_number").is_none() && v.get("sensitive_needs").is_none(), "{v}");
    }

    #[test]
    fn validity_is_by_date_and_revocation() {
        let a = NewAgreement::parse(&input()).unwrap();
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(a.inactive_on(d("2026-06-01"), false), None);
        assert!(matches!(a.inactive_on(d("2025-12-31"), false), Some(Refusal::NotYetValid(_))));
        assert!(matches!(a.inactive_on(d("2027-01-01"), false), Some(Refusal::Expired(_))));
        assert_eq!(a.inactive_on(d("2026-06-01"), true), Some(Refusal::Revoked));
    }
}
