//! Validation errors that name the field that was wrong and say what to do.

use serde::Serialize;

/// One rejected field: where it is, a stable code the UI can translate, and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Path of the field in the submitted document, e.g. `members[1].date_of_birth`.
    pub field: String,
    /// Stable machine-readable code, e.g. `invalid_country`.
    pub code: &'static str,
    /// What was wrong and what to do, in English.
    pub message: String,
}

/// Why a value could not be parsed into a domain type (without the field path, which the caller knows).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    /// Stable machine-readable code.
    pub code: &'static str,
    /// Human-readable explanation.
    pub message: String,
}

impl ParseError {
    pub(crate) fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into() }
    }
}

/// Every problem found in one submitted document. Never empty when returned as an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{} field(s) rejected: {}", .errors.len(), summary(.errors))]
pub struct ValidationErrors {
    /// The rejected fields, in document order.
    pub errors: Vec<FieldError>,
}

fn summary(errors: &[FieldError]) -> String {
    errors.iter().map(|e| format!("{}: {}", e.field, e.message)).collect::<Vec<_>>().join("; ")
}

impl ValidationErrors {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an error for `field`.
    pub fn push(&mut self, field: impl Into<String>, err: ParseError) {
        self.errors.push(FieldError { field: field.into(), code: err.code, message: err.message });
    }

    /// Parses with `f`, recording a failure under `field`. Returns `None` on failure.
    pub fn check<T>(&mut self, field: &str, r: Result<T, ParseError>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(e) => {
                self.push(field, e);
                None
            }
        }
    }

    /// Adds all errors of `other`, prefixing their fields with `prefix`.
    pub fn extend_prefixed(&mut self, prefix: &str, other: ValidationErrors) {
        for mut e in other.errors {
            e.field = format!("{prefix}.{}", e.field);
            self.errors.push(e);
        }
    }

    /// True when nothing was rejected.
    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(value)` when no error was recorded, else the errors.
    pub fn finish<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, ValidationErrors> {
        if !self.errors.is_empty() {
            return Err(self);
        }
        match value() {
            Some(v) => Ok(v),
            None => Err(self),
        }
    }
}

/// Implements `Serialize`/`Deserialize`/`Display`/`FromStr` for a string-backed value type
/// through its `parse`, so that a stored or received value is always re-validated.
macro_rules! string_value_type {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $t {
            type Err = $crate::error::ParseError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$t>::parse(s)
            }
        }
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$t>::parse(&s).map_err(serde::de::Error::custom)
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }
    };
}
pub(crate) use string_value_type;
