//! Names and short texts that cannot hold markup, control characters or injection payloads.

use crate::error::{string_value_type, ParseError};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// The longest name part accepted, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Apostrophe-like characters that belong in names: O'Brien, Ma'ruf, ʿAbd, Ngʼang'a.
const NAME_APOSTROPHES: &[char] = &['\'', '’', 'ʼ', 'ʻ', 'ʿ', 'ʾ', '`', '´'];
/// Joiners that Arabic-script, Indic and Burmese names need.
const JOINERS: &[char] = &['\u{200C}', '\u{200D}'];

fn check_name(s: &str, latin_only: bool) -> Result<String, ParseError> {
    let t: String = s.trim().nfc().collect();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return Err(ParseError::new("empty_name", "the name is empty: write the name, or leave the field out"));
    }
    let n = t.chars().count();
    if n > MAX_NAME_CHARS {
        return Err(ParseError::new(
            "name_too_long",
            format!("the name has {n} characters; at most {MAX_NAME_CHARS} are accepted per name part"),
        ));
    }
    if !t.chars().any(char::is_alphabetic) {
        return Err(ParseError::new("name_without_letters", format!("{t:?} has no letters: a name must contain letters")));
    }
    for c in t.chars() {
        let ok = c.is_alphabetic()
            || is_combining_mark(c)
            || c == ' '
            || c == '-'
            || c == '.'
            || NAME_APOSTROPHES.contains(&c)
            || JOINERS.contains(&c);
        if !ok {
            return Err(ParseError::new(
                "invalid_name_character",
                format!(
                    "the character {c:?} (U+{:04X}) cannot be part of a name; names may hold letters of any script, spaces, hyphens, apostrophes and full stops",
                    c as u32
                ),
            ));
        }
        if latin_only && c.is_alphabetic() && !is_latin(c) {
            return Err(ParseError::new(
                "not_latin_script",
                format!("{c:?} is not a Latin letter: put the name in its own script in the original-script field, and its transliteration here"),
            ));
        }
    }
    Ok(t)
}

/// True for letters of the Latin script (basic, supplements, extended A–E, IPA, modifier letters).
pub fn is_latin(c: char) -> bool {
    matches!(c as u32,
        0x41..=0x5A | 0x61..=0x7A | 0xAA | 0xBA | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F
        | 0x250..=0x2AF | 0x2B0..=0x2FF | 0x1D00..=0x1DBF | 0x1E00..=0x1EFF
        | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xAB30..=0xAB6F | 0xFB00..=0xFB06 | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A)
}

/// A name part in any script (e.g. `محمد`, `김정은`, `ሰላም`). Unicode NFC, spaces collapsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PersonName(String);

impl PersonName {
    /// Parses a name part in any script.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        check_name(s, false).map(Self)
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value_type!(PersonName);

/// A name part in Latin letters (the transliteration used on documents), e.g. `Muhammad`, `Nguyễn`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LatinName(String);

impl LatinName {
    /// Parses a Latin-script name part.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        check_name(s, true).map(Self)
    }
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value_type!(LatinName);

/// A short single-line text such as a place name: no markup characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShortText(String);

/// The longest short text accepted, in characters.
pub const MAX_SHORT_TEXT: usize = 200;

impl ShortText {
    /// Parses a short text.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t: String = s.trim().nfc().collect();
        if t.is_empty() {
            return Err(ParseError::new("empty_text", "the text is empty: write it, or leave the field out"));
        }
        if t.chars().count() > MAX_SHORT_TEXT {
            return Err(ParseError::new("text_too_long", format!("at most {MAX_SHORT_TEXT} characters are accepted here")));
        }
        if let Some(c) = t.chars().find(|c| c.is_control() || matches!(c, '<' | '>' | '{' | '}' | '\\')) {
            return Err(ParseError::new(
                "invalid_text_character",
                format!("the character {c:?} is not accepted here; write plain text"),
            ));
        }
        Ok(Self(t))
    }
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value_type!(ShortText);

/// A reason or note that accompanies a change: free text, one or more lines, no control characters
/// other than line breaks and tabs. Shown escaped everywhere.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reason(String);

/// The longest reason accepted, in characters.
pub const MAX_REASON: usize = 4000;

impl Reason {
    /// Parses a reason.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t: String = s.trim().nfc().collect();
        if t.is_empty() {
            return Err(ParseError::new("empty_reason", "give a reason for this change"));
        }
        if t.chars().count() > MAX_REASON {
            return Err(ParseError::new("reason_too_long", format!("at most {MAX_REASON} characters are accepted")));
        }
        if t.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
            return Err(ParseError::new("invalid_text_character", "the reason holds control characters; write plain text"));
        }
        Ok(Self(t))
    }
    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value_type!(Reason);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_in_every_script() {
        for s in ["محمد", "김정은", "ሰላም", "Muhammad", "Nguyễn Thị", "O'Brien", "ʿAbd al-Raḥīm", "Мария", "မောင်", "王秀英"] {
            assert!(PersonName::parse(s).is_ok(), "{s}");
        }
        assert_eq!(PersonName::parse("  Abu   Bakr ").map(|n| n.to_string()), Ok("Abu Bakr".into()));
    }

    #[test]
    fn markup_and_sql_are_refused() {
        for s in ["<script>alert(1)</script>", "Robert'); DROP TABLE persons;--", "a\u{0000}b", "x=1", "", "   ", "123", "{{7*7}}"] {
            assert!(PersonName::parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn latin_names_refuse_other_scripts() {
        assert!(LatinName::parse("Çelik").is_ok());
        assert_eq!(LatinName::parse("محمد").map_err(|e| e.code), Err("not_latin_script"));
    }

    #[test]
    fn short_text_refuses_markup() {
        assert!(ShortText::parse("Aleppo").is_ok());
        assert!(ShortText::parse("<b>x</b>").is_err());
        assert!(ShortText::parse(&"x".repeat(201)).is_err());
    }

    proptest! {
        #[test]
        fn accepted_names_never_hold_markup(s in "\\PC{0,40}") {
            if let Ok(n) = PersonName::parse(&s) {
                prop_assert!(!n.as_str().contains(['<', '>', ';', '"', '=', '(', ')']));
                prop_assert_eq!(PersonName::parse(n.as_str()), Ok(n.clone()));
            }
        }
    }
}
