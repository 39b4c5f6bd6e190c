//! String similarity: Jaro, Jaro–Winkler and a bounded Damerau–Levenshtein distance.
//!
//! All functions work on bytes. Names reach them already folded and transliterated to Latin
//! letters, so a byte is a letter; the rare character left in another script is compared by its
//! UTF-8 bytes, which is still a fair similarity.

/// Jaro similarity of `a` and `b`, in [0, 1]. Two empty strings are identical (1.0); an empty and a
/// non-empty string share nothing (0.0).
#[allow(clippy::needless_range_loop)]
pub fn jaro(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let (a, b) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if b.len() > 64 {
        return jaro_long(a, b);
    }
    // Names are short: flags of matched characters fit in two 64-bit masks, no allocation.
    let window = (b.len() / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut m = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if b_flags & (1 << j) == 0 && b[j] == ca {
                b_flags |= 1 << j;
                a_flags |= 1 << i;
                m += 1;
                break;
            }
        }
    }
    if m == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0usize;
    for (i, &ca) in a.iter().enumerate() {
        if a_flags & (1 << i) == 0 {
            continue;
        }
        while b_flags & (1 << j) == 0 {
            j += 1;
        }
        if b[j] != ca {
            transpositions += 1;
        }
        j += 1;
    }
    let m = m as f64;
    let t = (transpositions / 2) as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - t) / m) / 3.0
}

#[allow(clippy::needless_range_loop)]
fn jaro_long(a: &[u8], b: &[u8]) -> f64 {
    let window = (b.len() / 2).saturating_sub(1);
    let mut b_used = vec![false; b.len()];
    let mut a_match: Vec<u8> = Vec::with_capacity(a.len());
    for (i, &ca) in a.iter().enumerate() {
        let lo = i.saturating_sub(window);
        let hi = (i + window + 1).min(b.len());
        for j in lo..hi {
            if !b_used[j] && b[j] == ca {
                b_used[j] = true;
                a_match.push(ca);
                break;
            }
        }
    }
    let m = a_match.len();
    if m == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut k = 0usize;
    for (j, &used) in b_used.iter().enumerate() {
        if used {
            if a_match.get(k) != Some(&b[j]) {
                transpositions += 1;
            }
            k += 1;
        }
    }
    let m = m as f64;
    let t = (transpositions / 2) as f64;
    (m / a.len() as f64 + m / b.len() as f64 + (m - t) / m) / 3.0
}

/// Jaro–Winkler similarity (prefix scale 0.1, prefix up to 4), in [0, 1].
pub fn jaro_winkler(a: &[u8], b: &[u8]) -> f64 {
    let j = jaro(a, b);
    let prefix = a.iter().zip(b.iter()).take(4).take_while(|(x, y)| x == y).count() as f64;
    (j + prefix * 0.1 * (1.0 - j)).clamp(0.0, 1.0)
}

/// Optimal-string-alignment (restricted Damerau–Levenshtein) distance of `a` and `b`, or `None`
/// when it exceeds `max`. Cheap for small `max` thanks to the length check and a banded early exit.
pub fn osa_within(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let n = b.len();
    let mut prev2: Vec<usize> = vec![0; n + 1];
    let mut prev: Vec<usize> = (0..=n).collect();
    let mut cur: Vec<usize> = vec![0; n + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=n {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(prev2[j - 2] + 1);
            }
            cur[j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut prev2, &mut prev);
        std::mem::swap(&mut prev, &mut cur);
    }
    let d = prev[n];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-3
    }

    #[test]
    fn jaro_winkler_reference_values() {
        // Classic values from Winkler's papers.
        assert!(close(jaro(b"martha", b"marhta"), 0.944));
        assert!(close(jaro_winkler(b"martha", b"marhta"), 0.961));
        assert!(close(jaro_winkler(b"dwayne", b"duane"), 0.84));
        assert!(close(jaro_winkler(b"dixon", b"dicksonx"), 0.813));
        assert!(close(jaro_winkler(b"abc", b"abc"), 1.0));
        assert!(close(jaro_winkler(b"abc", b"xyz"), 0.0));
        assert!(close(jaro_winkler(b"", b""), 1.0));
        assert!(close(jaro_winkler(b"a", b""), 0.0));
    }

    #[test]
    fn jaro_winkler_is_symmetric() {
        for (a, b) in [("muhammad", "mohamed"), ("kim", "gim"), ("abdalrahman", "abdalrahim"), ("x", "xyzzy")] {
            assert!(close(jaro_winkler(a.as_bytes(), b.as_bytes()), jaro_winkler(b.as_bytes(), a.as_bytes())));
        }
    }

    #[test]
    fn long_strings_agree_with_the_short_path() {
        let a = "abdalrahmanmuhammadalhasanibnalibnabitalib".repeat(2);
        let b = "abdalrahimmuhammadalhusainibnalibnabitalib".repeat(2);
        let v = jaro_winkler(a.as_bytes(), b.as_bytes());
        assert!(v > 0.8 && v <= 1.0, "{v}");
        assert!(close(jaro(&a.as_bytes()[..60], &b.as_bytes()[..60]), jaro_long(&a.as_bytes()[..60], &b.as_bytes()[..60])));
    }

    #[test]
    fn osa_distance() {
        assert_eq!(osa_within(b"1234567", b"1234567", 1), Some(0));
        assert_eq!(osa_within(b"1234567", b"1243567", 1), Some(1)); // transposition
        assert_eq!(osa_within(b"1234567", b"1234568", 1), Some(1));
        assert_eq!(osa_within(b"1234567", b"123456", 1), Some(1));
        assert_eq!(osa_within(b"1234567", b"7654321", 2), None);
        assert_eq!(osa_within(b"", b"ab", 2), Some(2));
    }
}
