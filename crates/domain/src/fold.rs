//! Folding text for search: case- and accent-insensitive, in every script.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Folds `s` for comparison: compatibility decomposition, combining marks (accents, Arabic
/// harakat) removed, lower case, a few letter variants merged (Arabic alef and ya forms, taa
/// marbuta, dotless i, ß, ø, đ), punctuation dropped. `"Muḥammad"` and `"MUHAMMAD"` fold alike.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.nfkd() {
        if is_combining_mark(c) || c == '\u{0640}' {
            continue; // accents, harakat, tatweel
        }
        let mapped = match c {
            'أ' | 'إ' | 'آ' | 'ٱ' => 'ا',
            'ى' | 'ی' => 'ي',
            'ة' => 'ه',
            'ک' => 'ك',
            'ı' => 'i',
            'ø' | 'Ø' => 'o',
            'đ' | 'Đ' => 'd',
            'ł' | 'Ł' => 'l',
            'ß' => {
                out.push_str("ss");
                continue;
            }
            c => c,
        };
        if mapped.is_alphanumeric() {
            out.extend(mapped.to_lowercase());
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    while out.ends_with(' ') {
        out.pop();
    }
    // Recompose what decomposition split but is not an accent (Hangul syllables, for one).
    out.nfc().collect()
}

/// The folded words of `s` (apostrophes and hyphens split words).
pub fn tokens(s: &str) -> Vec<String> {
    fold(s).split(' ').filter(|t| !t.is_empty()).map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accents_and_case() {
        assert_eq!(fold("Muḥammad"), "muhammad");
        assert_eq!(fold("ÇELİK"), "celik");
        assert_eq!(fold("Nguyễn Thị"), "nguyen thi");
        assert_eq!(fold("Straße"), "strasse");
    }

    #[test]
    fn arabic_variants_and_harakat() {
        assert_eq!(fold("أَحْمَد"), fold("احمد"));
        assert_eq!(fold("فاطمة"), fold("فاطمه"));
    }

    #[test]
    fn punctuation_splits_words() {
        assert_eq!(tokens("Al-Hassan O'Neil"), vec!["al", "hassan", "o", "neil"]);
        assert_eq!(tokens("  "), Vec::<String>::new());
        assert_eq!(tokens("김 정은"), vec!["김", "정은"]);
    }
}
