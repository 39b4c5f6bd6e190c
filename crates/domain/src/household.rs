//! Households (registration groups): a principal applicant and dependants.

use crate::error::{string_value_type, ParseError, ValidationErrors};
use crate::name::ShortText;
use crate::person::{PersonDetails, PersonInput, Relationship};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The most members one household may hold.
pub const MAX_MEMBERS: usize = 60;

/// A stable external key for a household (e.g. the row key of the system it was imported from).
/// Importing the same key twice never creates a second household.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegistrationKey(String);

impl RegistrationKey {
    /// Parses a key: 1–100 characters of letters, digits and `. _ : / -`.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim();
        if t.is_empty() || t.len() > 100 || !t.chars().all(|c| c.is_ascii_alphanumeric() || "._:/-".contains(c)) {
            return Err(ParseError::new(
                "invalid_registration_key",
                format!("{s:?} is not a registration key: use 1 to 100 letters, digits or . _ : / -"),
            ));
        }
        Ok(Self(t.to_owned()))
    }
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value_type!(RegistrationKey);

/// Raw household data as submitted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct HouseholdInput {
    /// Stable external key; importing the same key again is a no-op.
    pub registration_key: Option<String>,
    /// Date of arrival in the country of asylum, `YYYY-MM-DD`.
    pub arrival_date: Option<String>,
    /// Current address or location (camp, block, town).
    pub address: Option<String>,
    /// The members; exactly one has relationship `PA`.
    #[serde(default)]
    pub members: Vec<MemberInput>,
}

/// Raw data of one member.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// Relationship to the principal applicant: PA, SPS, CHD, STC, PAR, SIB, GCH, GPA, REL, NRL.
    pub relationship: Option<String>,
    /// The member's biodata.
    pub person: PersonInput,
}

/// Parsed household-level data (members are stored as persons of their own).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HouseholdDetails {
    /// Stable external key.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub registration_key: Option<RegistrationKey>,
    /// Arrival date.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub arrival_date: Option<NaiveDate>,
    /// Address or location.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub address: Option<ShortText>,
}

impl HouseholdDetails {
    /// Parses household-level fields only.
    pub fn parse_fields(input: &HouseholdInput, today: NaiveDate, e: &mut ValidationErrors) -> Self {
        let registration_key = match input.registration_key.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(k) => e.check("registration_key", RegistrationKey::parse(k)),
        };
        let arrival_date = match input.arrival_date.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
                Ok(d) if d > today => {
                    e.push("arrival_date", ParseError::new("date_in_future", format!("{d} is in the future")));
                    None
                }
                Ok(d) => Some(d),
                Err(_) => {
                    e.push("arrival_date", ParseError::new("invalid_date", format!("{s:?} is not a date: write YYYY-MM-DD")));
                    None
                }
            },
        };
        let address = match input.address.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => e.check("address", ShortText::parse(s)),
        };
        Self { registration_key, arrival_date, address }
    }
}

/// A new household, valid and complete, ready to be registered.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHousehold {
    /// Household-level data.
    pub details: HouseholdDetails,
    /// Members with their relationship; the principal applicant first.
    pub members: Vec<(Relationship, PersonDetails)>,
}

impl NewHousehold {
    /// Parses a whole household. Exactly one principal applicant; 1 to [`MAX_MEMBERS`] members.
    pub fn parse(input: &HouseholdInput, today: NaiveDate) -> Result<Self, ValidationErrors> {
        let mut e = ValidationErrors::new();
        let details = HouseholdDetails::parse_fields(input, today, &mut e);
        if input.members.is_empty() {
            e.push("members", ParseError::new("no_members", "a household needs at least its principal applicant"));
        }
        if input.members.len() > MAX_MEMBERS {
            e.push("members", ParseError::new("too_many_members", format!("at most {MAX_MEMBERS} members per household")));
        }
        let mut members = Vec::new();
        for (i, m) in input.members.iter().enumerate().take(MAX_MEMBERS) {
            let rel = match m.relationship.as_deref() {
                None => {
                    e.push(format!("members[{i}].relationship"), ParseError::new("required", "the relationship to the principal applicant is required (PA for the applicant)"));
                    None
                }
                Some(r) => e.check(&format!("members[{i}].relationship"), Relationship::parse(r)),
            };
            match PersonDetails::parse(&m.person, today) {
                Ok(p) => {
                    if let Some(r) = rel {
                        members.push((r, p));
                    }
                }
                Err(pe) => e.extend_prefixed(&format!("members[{i}].person"), pe),
            }
        }
        let pas = input.members.iter().filter(|m| m.relationship.as_deref().map(|r| r.trim().eq_ignore_ascii_case("PA")).unwrap_or(false)).count();
        if !input.members.is_empty() && pas != 1 {
            e.push("members", ParseError::new("principal_applicant", format!("a household has exactly one principal applicant (PA); this one has {pas}")));
        }
        members.sort_by_key(|(r, _)| *r != Relationship::PrincipalApplicant);
        e.finish(|| Some(NewHousehold { details, members }))
    }
}
