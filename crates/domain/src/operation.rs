//! Operations: an office working in a country of asylum.

use crate::country::Iso3;
use crate::error::{string_value_type, ParseError};
use crate::ids::OperationId;
use crate::name::ShortText;
use serde::{Deserialize, Serialize};

/// A short operation code such as `KEN-KAK` (upper-case letters, digits and hyphens, 2–20 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OperationCode(String);

impl OperationCode {
    /// Parses an operation code.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim().to_ascii_uppercase();
        if !(2..=20).contains(&t.len()) || !t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(ParseError::new("invalid_operation_code", format!("{s:?} is not an operation code: 2 to 20 letters, digits or hyphens, e.g. KEN-KAK")));
        }
        Ok(Self(t))
    }
    /// The code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value_type!(OperationCode);

/// Who determines refugee status in an operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DeterminingAuthority {
    /// The State's asylum authority.
    State,
    /// UNHCR under its mandate, where the State has no procedure.
    UnhcrMandate,
    /// The State and UNHCR jointly.
    Joint,
}

/// An operation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Operation {
    /// Identifier.
    pub id: OperationId,
    /// Short code.
    pub code: OperationCode,
    /// Name, e.g. `Kakuma field office`.
    pub name: ShortText,
    /// Country of asylum.
    pub country: Iso3,
    /// Who determines status.
    pub authority: DeterminingAuthority,
}
