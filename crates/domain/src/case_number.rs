//! Household case numbers: short, readable over a bad phone line, with a check character.
//!
//! Form: `CCC-YY-XXXXXXXXK`: the ISO3 code of the country of asylum, the two-digit year of
//! registration, eight random Crockford base-32 symbols (no I, L, O, U) and one Luhn mod-32 check
//! symbol that catches any single mistyped symbol and most swaps of neighbours. Numbers are random,
//! not counters, so offices and servers never need to coordinate to hand them out.

use crate::country::Iso3;
use crate::error::{string_value_type, ParseError};

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

fn symbol_value(c: u8) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        b'O' => b'0',
        b'I' | b'L' => b'1',
        c => c,
    };
    ALPHABET.iter().position(|&a| a == c).map(|p| p as u32)
}

fn luhn32(values: &[u32]) -> u32 {
    // Luhn mod N, processed right to left, doubling every second value starting with the rightmost.
    let mut sum = 0;
    for (i, v) in values.iter().rev().enumerate() {
        let mut x = *v;
        if i % 2 == 0 {
            x *= 2;
            x = x / 32 + x % 32;
        }
        sum += x;
    }
    (32 - sum % 32) % 32
}

/// A valid household case number, e.g. `KEN-26-7QX4M9B2K`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseNumber(String);

impl CaseNumber {
    /// Parses and checks a case number. Lower case and the look-alikes O/I/L are accepted and normalised.
    pub fn parse(s: &str) -> Result<Self, ParseError> {
        let t = s.trim();
        let bad = || {
            ParseError::new(
                "invalid_case_number",
                format!("{s:?} is not a case number: expected the form KEN-26-7QX4M9B2K (country, year, nine symbols)"),
            )
        };
        let parts: Vec<&str> = t.split('-').collect();
        if parts.len() != 3 || parts[1].len() != 2 || parts[2].len() != 9 || !parts[1].bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let country = Iso3::parse(parts[0]).map_err(|_| bad())?;
        let mut values = Vec::with_capacity(9);
        for b in parts[2].bytes() {
            values.push(symbol_value(b).ok_or_else(bad)?);
        }
        let check = values.pop().unwrap_or(u32::MAX);
        if luhn32(&values) != check {
            return Err(ParseError::new(
                "case_number_check_failed",
                format!("{t} fails its check symbol: a symbol was probably mistyped; read the number again"),
            ));
        }
        let body: String = values.iter().map(|v| ALPHABET[*v as usize] as char).collect();
        Ok(Self(format!("{}-{}-{}{}", country, parts[1], body, ALPHABET[check as usize] as char)))
    }

    /// Builds a case number from caller-supplied randomness (the domain does no I/O).
    pub fn generate(country: Iso3, year: i32, random: u64) -> Self {
        let values: Vec<u32> = (0..8).map(|i| ((random >> (i * 5)) & 31) as u32).collect();
        let check = luhn32(&values);
        let body: String = values.iter().map(|v| ALPHABET[*v as usize] as char).collect();
        Self(format!("{}-{:02}-{}{}", country, year.rem_euclid(100), body, ALPHABET[check as usize] as char))
    }

    /// The case number as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}
string_value_type!(CaseNumber);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ken() -> Iso3 {
        Iso3::parse("KEN").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn generated_numbers_parse() {
        let c = CaseNumber::generate(ken(), 2026, 0x1234_5678_9abc);
        assert!(c.as_str().starts_with("KEN-26-"));
        assert_eq!(CaseNumber::parse(c.as_str()), Ok(c.clone()));
        assert_eq!(CaseNumber::parse(&c.as_str().to_lowercase()), Ok(c));
    }

    #[test]
    fn malformed_numbers_are_refused() {
        for s in ["", "KEN-26", "KEN-2026-ABCDEFGHJ", "QQQ-26-000000000", "KEN-26-00000000U", "KEN-26-0000000000"] {
            assert!(CaseNumber::parse(s).is_err(), "{s}");
        }
    }

    proptest! {
        #[test]
        fn any_single_symbol_typo_is_caught(r in any::<u64>(), pos in 0usize..9, delta in 1u32..32) {
            let c = CaseNumber::generate(ken(), 2026, r);
            let mut bytes = c.as_str().as_bytes().to_vec();
            let i = 7 + pos;
            let v = symbol_value(bytes[i]).unwrap_or(0);
            bytes[i] = ALPHABET[((v + delta) % 32) as usize];
            let typo = String::from_utf8(bytes).unwrap_or_default();
            prop_assert!(CaseNumber::parse(&typo).is_err());
        }
    }
}
