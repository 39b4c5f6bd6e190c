//! Names: from any script to canonical Latin tokens, variant canonicalisation and a phonetic key.
//!
//! A name goes through three steps:
//! 1. [`crate::translit::to_latin`]: any script to lower-case Latin words.
//! 2. [`canonical_tokens`]: Arabic articles (al-, el-, ad-, …) dropped, the `abd`-compounds joined
//!    into one canonical form (Abdul Rahman, Abd al-Rahman, Abdelrahman → abdalrahman), and known
//!    variant spellings mapped to one form (Mohammed, Muhammad, Mohamed → muhammad; Korean family
//!    names in Revised, McCune–Reischauer and DPRK spellings: Lee, Yi, Ri, Rhee, I → i).
//! 3. [`phonetic_key`]: a consonant skeleton that merges what transliterations disagree on
//!    (vowels, voiced/voiceless pairs, r/l, digraphs): Mohamed and Mehmet, Jung and Chong, Zhang
//!    and Chang, Yousef and يوسف share a key.

use crate::translit::to_latin;

/// Spelling variants → the canonical form. Each line: canonical form, then its variants.
const VARIANTS: &[&[&str]] = &[
    &[
        "muhammad", "mohammed", "mohammad", "mohamed", "mohamad", "muhammed", "muhamad", "muhamed", "mohammod", "mouhamed",
        "mohamud", "mehmet", "mehmed", "muhammet", "mohamet", "mohd", "mhd", "md", "mohammadi",
    ],
    &["ahmad", "ahmed", "ahmet", "ahamed", "ahmd"],
    &["mahmud", "mahmoud", "mahmood", "mehmood"],
    &["husain", "hussein", "hussain", "husein", "hussien", "hossein", "husayn", "hosein", "houssein"],
    &["hasan", "hassan", "hasen", "hassen"],
    &["yusuf", "yousef", "youssef", "yusef", "yousif", "yosef", "yousuf", "yussuf", "jusuf"],
    &["umar", "omar", "omer", "umer"],
    &["usama", "osama", "ousama", "usamah", "osamah"],
    &["mustafa", "moustafa", "mostafa", "mustapha", "moustapha"],
    &["ibrahim", "ebrahim", "ibraheem", "brahim"],
    &["ismail", "ismael", "esmail"],
    &["fatima", "fatimah", "fatma", "fatemeh", "fatuma"],
    &["aisha", "aicha", "ayesha", "aysha", "aishah", "ayisha"],
    &["khadija", "khadijah", "khadeeja", "hatice"],
    &["zainab", "zaynab", "zeinab", "zenab"],
    &["maryam", "mariam", "meryem"],
    // Korean family names (Revised, McCune–Reischauer, DPRK and customary spellings).
    &["kim", "gim"],
    &["i", "lee", "yi", "ri", "rhee", "li", "rie", "yee"],
    &["pak", "park", "bak", "bahk", "pack"],
    &["choe", "choi", "chwe", "choy"],
    &["jong", "jung", "jeong", "chong", "chung", "cheong", "joung"],
    &["kang", "gang"],
    &["jo", "cho", "joe"],
    &["yun", "yoon", "youn"],
    &["jang", "chang"],
    &["im", "lim", "rim", "yim"],
    &["sin", "shin"],
    &["o", "oh"],
    &["so", "seo", "suh"],
    &["gwon", "kwon"],
    &["an", "ahn"],
    &["jon", "jeon", "chon", "chun", "jun"],
    &["go", "ko", "koh"],
    &["mun", "moon"],
    &["son", "sohn"],
    &["bae", "pae"],
    &["baek", "paek", "paik", "baik"],
    &["heo", "hur", "huh"],
    &["no", "noh", "roh", "ro"],
    &["yu", "ryu", "yoo", "you"],
];

fn variant(token: &str) -> Option<&'static str> {
    VARIANTS.iter().find(|v| v.contains(&token)).map(|v| v[0])
}

/// Arabic articles written as a word of their own (Al-Hassan, El Sayed, Ad-Din).
const ARTICLES: &[&str] = &["al", "el", "ul", "ad", "ar", "as", "at", "az", "ash"];
const ABD: &[&str] = &["abd", "abdul", "abdel", "abdal", "abdol", "abdoul", "abdu", "abdi", "abdil"];

/// The canonical tokens of a name in any script.
pub fn canonical_tokens(name: &str) -> Vec<String> {
    let latin = to_latin(name);
    let raw: Vec<&str> = latin.split(' ').filter(|t| !t.is_empty()).collect();
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let t = raw[i];
        // Abd-compounds: "abd al rahman", "abdul rahman", "abdelrahman" → abdalrahman.
        if ABD.contains(&t) && i + 1 < raw.len() {
            let mut j = i + 1;
            if ARTICLES.contains(&raw[j]) && j + 1 < raw.len() {
                j += 1;
            }
            out.push(format!("abdal{}", strip_article(raw[j])));
            i = j + 1;
            continue;
        }
        if let Some(rest) = ABD.iter().filter(|p| p.len() >= 4).find_map(|p| t.strip_prefix(p)).filter(|r| r.len() >= 3) {
            out.push(format!("abdal{}", strip_article(rest)));
            i += 1;
            continue;
        }
        if ARTICLES.contains(&t) && i + 1 < raw.len() {
            i += 1; // the article belongs to the next word and is dropped
            continue;
        }
        // "ad din", "uddin", "ud-din" → "aldin" suffix forms are left as they are.
        out.push(variant(t).map(str::to_owned).unwrap_or_else(|| t.to_owned()));
        i += 1;
    }
    out
}

fn strip_article(s: &str) -> &str {
    // "allah" → "lah" so that Abdullah and عبد الله (abd allah) meet; also "alrahman" → "rahman".
    for a in ["al", "el", "ul", "ur", "ar", "er", "ad", "as", "an", "u", "a", "e", "o"] {
        if let Some(r) = s.strip_prefix(a) {
            if r.len() >= 3 {
                return r;
            }
        }
    }
    s
}

/// The phonetic key: a consonant skeleton of a canonical (Latin) name. Vowels, a final `h` and
/// `w`/`y` inside a word are dropped; voiced and voiceless pairs merge (b/p, d/t, g/k/q/c, f/v, s/z/x), so
/// do r/l and the affricates (j, ch, zh, dj, ts, tz); digraphs ph, th, dh, kh, gh, sh collapse to
/// one consonant; runs of one consonant count once. A name with no consonant (Korean 이 → "i",
/// 오 → "o") keys as `_` followed by the name itself.
pub fn phonetic_key(canon: &str) -> String {
    let b: Vec<u8> = canon.bytes().filter(|c| *c != b' ' && *c != b'-').collect();
    let mut out: Vec<u8> = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        let n1 = b.get(i + 1).copied();
        let n2 = b.get(i + 2).copied();
        let (code, adv): (Option<u8>, usize) = match c {
            b'a' | b'e' | b'i' | b'o' | b'u' => (None, 1),
            // h counts at the start and after a vowel (Ahmad, Ji-hoon), not at the end (Hamzah).
            b'h' => (if n1.is_some() && (i == 0 || b"aeiouy".contains(&b[i - 1])) { Some(b'h') } else { None }, 1),
            b'y' => (if i == 0 { Some(b'y') } else { None }, 1),
            b'w' => (if i == 0 { Some(b'f') } else { None }, 1),
            b'p' if n1 == Some(b'h') => (Some(b'f'), 2),
            b'p' | b'b' => (Some(b'p'), 1),
            b'f' | b'v' => (Some(b'f'), 1),
            b't' if n1 == Some(b'h') => (Some(b't'), 2),
            b't' if n1 == Some(b's') || n1 == Some(b'z') => (Some(b'j'), 2),
            b'd' if n1 == Some(b'h') => (Some(b't'), 2),
            b'd' if n1 == Some(b'j') => (Some(b'j'), 2),
            b'd' if n1 == Some(b'z') && n2 == Some(b'h') => (Some(b'j'), 3),
            b'd' | b't' => (Some(b't'), 1),
            b'k' | b'g' if n1 == Some(b'h') => (Some(b'k'), 2),
            b'c' if n1 == Some(b'h') => (Some(b'j'), 2),
            b'k' | b'g' | b'q' | b'c' => (Some(b'k'), 1),
            b'x' => {
                if out.last() != Some(&b'k') {
                    out.push(b'k');
                }
                (Some(b's'), 1)
            }
            b'j' => (Some(b'j'), 1),
            b'z' if n1 == Some(b'h') => (Some(b'j'), 2),
            b's' if n1 == Some(b'h') => (Some(b's'), 2),
            b'z' | b's' => (Some(b's'), 1),
            b'l' | b'r' => (Some(b'l'), 1),
            other => (Some(other), 1),
        };
        if let Some(c) = code {
            if out.last() != Some(&c) {
                out.push(c);
            }
        }
        i += adv;
    }
    if out.is_empty() {
        return format!("_{}", canon.replace(' ', ""));
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        canonical_tokens(s).join(" ")
    }

    #[test]
    fn muhammad_family() {
        for s in ["Mohammed", "Muhammad", "Mohamed", "Mohamad", "MOHAMMAD", "Muḥammad", "محمد", "Mehmet"] {
            assert_eq!(canon(s), "muhammad", "{s}");
        }
        assert_eq!(phonetic_key("mohammod"), phonetic_key("muhammad"));
    }

    #[test]
    fn abd_compounds_and_articles() {
        for s in ["Abdul Rahman", "Abd al-Rahman", "Abdelrahman", "Abdulrahman", "Abd-el-Rahman", "عبد الرحمن"] {
            assert_eq!(canon(s), "abdalrahman", "{s}");
        }
        for s in ["Abdullah", "Abdallah", "Abd Allah", "عبد الله"] {
            assert_eq!(canon(s), "abdallah", "{s}");
        }
        assert_eq!(canon("Al-Hassan"), "hasan");
        assert_eq!(canon("El Hassan"), "hasan");
        assert_eq!(canon("الحسن"), "hasan");
        assert_eq!(canon("Al"), "al"); // a lone article is kept
    }

    #[test]
    fn korean_family_names_in_every_romanisation() {
        for s in ["Kim", "Gim", "김"] {
            assert_eq!(canon(s), "kim", "{s}");
        }
        for s in ["Lee", "Yi", "Ri", "Rhee", "I", "이", "리"] {
            assert_eq!(canon(s), "i", "{s}");
        }
        for s in ["Park", "Pak", "Bak", "박"] {
            assert_eq!(canon(s), "pak", "{s}");
        }
        for s in ["Jung", "Jong", "Chong", "Jeong", "정"] {
            assert_eq!(canon(s), "jong", "{s}");
        }
    }

    #[test]
    fn korean_given_names_rr_and_mr_share_a_key() {
        // Revised (Seo-yeon, Ji-hoon) and McCune–Reischauer (Sŏyŏn, Chihun).
        assert_eq!(phonetic_key(&canon("Seo-yeon")), phonetic_key(&canon("Sŏyŏn")));
        assert_eq!(phonetic_key(&canon("Ji-hoon")), phonetic_key(&canon("Chihun")));
        assert_eq!(phonetic_key(&canon("서연")), phonetic_key(&canon("Soyon")));
    }

    #[test]
    fn cross_script_keys() {
        assert_eq!(phonetic_key(&canon("يوسف")), phonetic_key(&canon("Yousef")));
        assert_eq!(phonetic_key(&canon("حسين")), phonetic_key(&canon("Hussein")));
        assert_eq!(phonetic_key(&canon("ተስፋይ")), phonetic_key(&canon("Tesfay")));
        assert_eq!(phonetic_key(&canon("Олександр")), phonetic_key(&canon("Oleksandr")));
        assert_eq!(phonetic_key(&canon("Aleksandr")), phonetic_key(&canon("Alexander")));
        assert_eq!(phonetic_key(&canon("张")), phonetic_key(&canon("Chang")));
        assert_eq!(phonetic_key(&canon("အောင်")), phonetic_key(&canon("Aung")));
    }

    #[test]
    fn vowel_only_names_key_on_themselves() {
        assert_eq!(phonetic_key("i"), "_i");
        assert_eq!(phonetic_key("o"), "_o");
        assert_ne!(phonetic_key("i"), phonetic_key("o"));
    }
}
