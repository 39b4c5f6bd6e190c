//! Features (a record's normalised, interned values) and the comparison of two records, field by
//! field, into discrete agreement levels.

use crate::names::{canonical_tokens, phonetic_key};
use crate::record::{BirthDate, Record};
use crate::strsim::{jaro_winkler, osa_within};
use crate::translit::to_latin;
use nansen_domain::Sex;
use rustc_hash::FxHashMap;

/// Marks a missing symbol.
pub(crate) const NONE: u32 = u32::MAX;
/// Marks a missing comparison level (one side has no value).
pub(crate) const NULL: u8 = 15;

/// Number of compared fields.
pub const N_FIELDS: usize = 8;

/// A compared field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// Given name(s), in any script.
    GivenName,
    /// Family name, in any script.
    Surname,
    /// Date of birth (possibly partial).
    DateOfBirth,
    /// Sex.
    Sex,
    /// Place of birth.
    PlaceOfBirth,
    /// Citizenship(s).
    Citizenship,
    /// Identity document number.
    DocumentNumber,
    /// Address: household context.
    Address,
}

impl Field {
    /// All fields, in the order of comparison vectors.
    pub const ALL: [Field; N_FIELDS] = [
        Field::GivenName,
        Field::Surname,
        Field::DateOfBirth,
        Field::Sex,
        Field::PlaceOfBirth,
        Field::Citizenship,
        Field::DocumentNumber,
        Field::Address,
    ];

    /// The field's name, as in the CSV contract.
    pub fn name(self) -> &'static str {
        match self {
            Field::GivenName => "given_name",
            Field::Surname => "surname",
            Field::DateOfBirth => "date_of_birth",
            Field::Sex => "sex",
            Field::PlaceOfBirth => "place_of_birth",
            Field::Citizenship => "citizenship",
            Field::DocumentNumber => "document_number",
            Field::Address => "address",
        }
    }

    /// The names of the field's agreement levels, best first.
    pub fn levels(self) -> &'static [&'static str] {
        match self {
            Field::GivenName | Field::Surname => &NAME_LEVELS,
            Field::DateOfBirth => &DOB_LEVELS,
            Field::Sex => &["same", "different"],
            Field::PlaceOfBirth => &["same", "similar", "different"],
            Field::Citizenship => &["shared", "different"],
            Field::DocumentNumber => &["same", "one character off", "different"],
            Field::Address => &["same", "mostly shared words", "some shared words", "different"],
        }
    }
}

/// Levels of a name comparison.
pub const NAME_LEVELS: [&str; 5] = [
    "exact (after transliteration and variant folding)",
    "close (Jaro-Winkler >= 0.94, or same phonetic key and >= 0.80)",
    "same phonetic key",
    "similar (Jaro-Winkler >= 0.85)",
    "different",
];
/// Levels of a date-of-birth comparison.
pub const DOB_LEVELS: [&str; 9] = [
    "same full date",
    "day and month swapped",
    "one digit off",
    "same day and month, one year apart",
    "same year and month",
    "same year (a partial date)",
    "same year, different month or day",
    "one year apart",
    "different",
];

/// A name part: its canonical form (tokens joined) and phonetic key, both interned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Part {
    pub canon: u32,
    pub key: u32,
}

/// One reading of a person's name as given name and family name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Reading {
    pub given: Option<Part>,
    pub surname: Option<Part>,
}

impl Reading {
    fn is_empty(&self) -> bool {
        self.given.is_none() && self.surname.is_none()
    }
    fn swapped(&self) -> Reading {
        Reading { given: self.surname, surname: self.given }
    }
}

/// A record's features, interned and compact.
#[derive(Debug, Clone, Default)]
pub(crate) struct Feat {
    /// From `given_name`/`surname`.
    pub latin: Reading,
    /// Every split of `full_name` and `name_original` into given and family name.
    pub splits: Box<[Reading]>,
    /// The original-script name, folded (exact comparison).
    pub orig: u32,
    pub dob: u32,
    /// 0 missing, 1 male, 2 female.
    pub sex: u8,
    pub place: u32,
    pub cit: [u32; 2],
    pub doc: u32,
    /// Sorted, deduplicated address word symbols.
    pub addr: Box<[u32]>,
    /// The whole address (its sorted words joined), interned: the key of its frequency.
    pub addr_sym: u32,
}

/// Strings by symbol.
pub(crate) trait Strs {
    fn get(&self, id: u32) -> &str;
    /// Jaro–Winkler of two symbols' strings.
    fn jw(&self, a: u32, b: u32) -> f64 {
        jaro_winkler(self.get(a).as_bytes(), self.get(b).as_bytes())
    }
}

/// A string pool seen by one thread that scores many pairs, with a small direct-mapped memo of
/// Jaro–Winkler similarities by symbol pair. Worth it only when the pairs come in clustered order
/// ([`crate::engine::Data::cluster`]): neighbouring pairs then compare the same few names again and
/// again. (In input order, a memo was tried and lost: look-ups missed the cache more often than
/// they saved a comparison of two short names.)
pub(crate) struct JwMemo<'a, S: Strs> {
    s: &'a S,
    bits: u32,
    slots: std::cell::RefCell<Box<[(u64, f64)]>>,
}

impl<'a, S: Strs> JwMemo<'a, S> {
    /// A memo of 4,096 pairs (64 KiB), for a thread scoring many pairs.
    pub fn new(s: &'a S) -> Self {
        Self::with_bits(s, 12)
    }
    /// A memo of 2^`bits` pairs.
    pub fn with_bits(s: &'a S, bits: u32) -> Self {
        let bits = bits.clamp(1, 20);
        Self { s, bits, slots: std::cell::RefCell::new(vec![(u64::MAX, 0.0); 1 << bits].into_boxed_slice()) }
    }
}

impl<S: Strs> Strs for JwMemo<'_, S> {
    fn get(&self, id: u32) -> &str {
        self.s.get(id)
    }
    fn jw(&self, a: u32, b: u32) -> f64 {
        let key = (u64::from(a) << 32) | u64::from(b);
        let slot = (key.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - self.bits)) as usize;
        let Ok(mut slots) = self.slots.try_borrow_mut() else { return self.s.jw(a, b) };
        if let Some(&(k, v)) = slots.get(slot) {
            if k == key {
                return v;
            }
        }
        let v = self.s.jw(a, b);
        if let Some(e) = slots.get_mut(slot) {
            *e = (key, v);
        }
        v
    }
}

/// The string pool.
#[derive(Debug, Default)]
pub(crate) struct Interner {
    map: FxHashMap<Box<str>, u32>,
    strs: Vec<Box<str>>,
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = self.strs.len() as u32;
        let b: Box<str> = s.into();
        self.strs.push(b.clone());
        self.map.insert(b, id);
        id
    }
    pub fn lookup(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }
    pub fn len(&self) -> usize {
        self.strs.len()
    }
}

impl Strs for Interner {
    fn get(&self, id: u32) -> &str {
        self.strs.get(id as usize).map(|s| &**s).unwrap_or("")
    }
}

/// An interner that does not grow the shared pool: strings it has not seen get overlay symbols
/// (used to check one record against an index without changing the index).
pub(crate) struct Overlay<'a> {
    pub base: &'a Interner,
    extra: Vec<String>,
}

impl<'a> Overlay<'a> {
    pub fn new(base: &'a Interner) -> Self {
        Self { base, extra: Vec::new() }
    }
}

impl Strs for Overlay<'_> {
    fn get(&self, id: u32) -> &str {
        let n = self.base.len();
        if (id as usize) < n {
            self.base.get(id)
        } else {
            self.extra.get(id as usize - n).map(String::as_str).unwrap_or("")
        }
    }
}

/// Something that turns strings into symbols.
pub(crate) trait Intern {
    fn sym(&mut self, s: &str) -> u32;
}

impl Intern for Interner {
    fn sym(&mut self, s: &str) -> u32 {
        self.intern(s)
    }
}

impl Intern for Overlay<'_> {
    fn sym(&mut self, s: &str) -> u32 {
        if let Some(id) = self.base.lookup(s) {
            return id;
        }
        if let Some(i) = self.extra.iter().position(|e| e == s) {
            return (self.base.len() + i) as u32;
        }
        self.extra.push(s.to_owned());
        (self.base.len() + self.extra.len() - 1) as u32
    }
}

/// A name part before interning.
type RawPart = (String, String);

/// Features before interning: computed in parallel, interned sequentially.
#[derive(Debug, Clone, Default)]
pub(crate) struct RawFeat {
    latin: (Option<RawPart>, Option<RawPart>),
    splits: Vec<(Option<RawPart>, Option<RawPart>)>,
    orig: Option<String>,
    dob: u32,
    sex: u8,
    place: Option<String>,
    cit: Vec<String>,
    doc: Option<String>,
    addr: Vec<String>,
}

fn raw_part(tokens: &[String]) -> Option<RawPart> {
    if tokens.is_empty() {
        return None;
    }
    let canon = tokens.concat();
    let key = phonetic_key(&canon);
    Some((canon, key))
}

/// The readings of an unsplit name: every cut into given names and family name, given names first
/// (Mohammed Ali | Hassan, Helen | Asmerom Tedros, Claudia Alejandra | Perez Silva) or family name
/// first (Kim | Jong Un, Perez Silva | Claudia Alejandra), and all words as given names (Aung San Suu
/// Kyi: Burmese names have no family name). Names of more than four words are cut as four.
fn splits_of(tokens: &[String], out: &mut Vec<(Option<RawPart>, Option<RawPart>)>) {
    let mut t: Vec<String> = tokens.to_vec();
    if t.len() > 4 {
        let tail = t.split_off(3).concat();
        t.push(tail);
    }
    match t.len() {
        0 => {}
        1 => {
            out.push((raw_part(&t), None));
            out.push((None, raw_part(&t)));
        }
        n => {
            for k in 1..n {
                out.push((raw_part(&t[..k]), raw_part(&t[k..])));
                out.push((raw_part(&t[k..]), raw_part(&t[..k])));
            }
            out.push((raw_part(&t), None));
        }
    }
}

impl RawFeat {
    pub fn of(r: &Record) -> Self {
        let given = r.given_name.as_deref().map(canonical_tokens).unwrap_or_default();
        let surname = r.surname.as_deref().map(canonical_tokens).unwrap_or_default();
        let mut splits = Vec::new();
        if let Some(f) = r.full_name.as_deref() {
            splits_of(&canonical_tokens(f), &mut splits);
        }
        let mut orig = None;
        if let Some(o) = r.name_original.as_deref() {
            let toks = canonical_tokens(o);
            if !toks.is_empty() {
                splits_of(&toks, &mut splits);
            }
            let f = nansen_domain::fold::fold(o);
            if !f.is_empty() {
                orig = Some(f);
            }
        }
        // When the Latin name is missing but the full name is split in the file, nothing is lost:
        // the splits carry it. When both are given, the splits stay as a second opinion.
        let place = r.place_of_birth.as_deref().map(|p| to_latin(p).replace(' ', "")).filter(|p| !p.is_empty());
        let doc = r.document_number.as_deref().map(|d| {
            d.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_uppercase).collect::<String>()
        });
        let mut addr: Vec<String> = r.address.as_deref().map(|a| to_latin(a).split(' ').map(str::to_owned).collect()).unwrap_or_default();
        addr.retain(|w| !w.is_empty());
        addr.sort();
        addr.dedup();
        let mut cit = r.citizenship.clone();
        cit.truncate(2);
        RawFeat {
            latin: (raw_part(&given), raw_part(&surname)),
            splits,
            orig,
            dob: r.date_of_birth.map(|d| d.pack()).unwrap_or(0),
            sex: match r.sex {
                Some(Sex::Male) => 1,
                Some(Sex::Female) => 2,
                _ => 0,
            },
            place,
            cit,
            doc: doc.filter(|d| !d.is_empty()),
            addr,
        }
    }

    pub fn intern(self, i: &mut impl Intern) -> Feat {
        let part = |p: Option<RawPart>, i: &mut dyn FnMut(&str) -> u32| p.map(|(c, k)| Part { canon: i(&c), key: i(&k) });
        let mut f = |s: &str| i.sym(s);
        let latin = Reading { given: part(self.latin.0, &mut f), surname: part(self.latin.1, &mut f) };
        let mut splits: Vec<Reading> = Vec::with_capacity(self.splits.len());
        for (g, s) in self.splits {
            let r = Reading { given: part(g, &mut f), surname: part(s, &mut f) };
            if !r.is_empty() && !splits.contains(&r) {
                splits.push(r);
            }
        }
        let addr_sym = if self.addr.is_empty() { NONE } else { f(&self.addr.join(" ")) };
        let mut addr: Vec<u32> = self.addr.iter().map(|w| f(w)).collect();
        addr.sort_unstable();
        addr.dedup();
        let mut cit = [NONE; 2];
        for (k, c) in self.cit.iter().enumerate().take(2) {
            cit[k] = f(c);
        }
        Feat {
            latin,
            splits: splits.into_boxed_slice(),
            orig: self.orig.as_deref().map(&mut f).unwrap_or(NONE),
            dob: self.dob,
            sex: self.sex,
            place: self.place.as_deref().map(&mut f).unwrap_or(NONE),
            cit,
            doc: self.doc.as_deref().map(&mut f).unwrap_or(NONE),
            addr: addr.into_boxed_slice(),
            addr_sym,
        }
    }
}

impl Feat {
    /// The readings to compare: the Latin one when there is one, else the splits.
    pub fn readings(&self) -> &[Reading] {
        if self.latin.is_empty() {
            &self.splits
        } else {
            std::slice::from_ref(&self.latin)
        }
    }

    /// All phonetic keys of name parts (for blocking).
    pub fn name_keys(&self, out: &mut Vec<u32>) {
        for r in std::iter::once(&self.latin).chain(self.splits.iter()) {
            for p in [r.given, r.surname].into_iter().flatten() {
                if !out.contains(&p.key) {
                    out.push(p.key);
                }
            }
        }
    }

    /// (given key, surname key) pairs of every reading, in either order (for blocking on the whole
    /// name); a name of one part pairs its key with `NONE`.
    pub fn name_key_pairs(&self, out: &mut Vec<(u32, u32)>) {
        for r in std::iter::once(&self.latin).chain(self.splits.iter()) {
            let k = match (r.given, r.surname) {
                (Some(g), Some(s)) => (g.key.min(s.key), g.key.max(s.key)),
                (Some(p), None) | (None, Some(p)) => (p.key, NONE),
                (None, None) => continue,
            };
            if !out.contains(&k) {
                out.push(k);
            }
        }
    }

    /// The record's main name parts (for term frequencies).
    pub fn main_reading(&self) -> Reading {
        self.readings().first().copied().unwrap_or_default()
    }
}

/// The result of comparing two records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Comparison {
    pub levels: [u8; N_FIELDS],
    /// The names agreed better with given and family name swapped.
    pub swapped: bool,
    /// The canonical symbols of the left record's given name and surname as compared (for term
    /// frequency adjustments).
    pub given_canon: u32,
    pub surname_canon: u32,
    /// The same for the right record (its spelling may differ when the names agreed through the
    /// original script, or when a typing error was folded away).
    pub given_canon_b: u32,
    pub surname_canon_b: u32,
    /// A citizenship both records share (`NONE` if none).
    pub shared_citizenship: u32,
    /// The birth year both records share (0 if none).
    pub shared_year: u16,
    /// The address both records give, word for word (`NONE` if they differ or one is missing).
    pub shared_addr: u32,
    /// The place of birth both records give, as written after transliteration (`NONE` if not).
    pub shared_place: u32,
}

impl Comparison {
    /// The comparison vector packed into 32 bits (4 bits per field).
    pub fn pattern(&self) -> u32 {
        self.levels.iter().enumerate().fold(0u32, |acc, (i, &l)| acc | (u32::from(l) << (4 * i)))
    }
}

/// Unpacks a pattern.
pub(crate) fn unpack(p: u32) -> [u8; N_FIELDS] {
    let mut l = [0u8; N_FIELDS];
    for (i, v) in l.iter_mut().enumerate() {
        *v = ((p >> (4 * i)) & 0xF) as u8;
    }
    l
}

fn cmp_part(a: Option<Part>, b: Option<Part>, s: &impl Strs) -> u8 {
    let (Some(a), Some(b)) = (a, b) else { return NULL };
    if a.canon == b.canon {
        return 0;
    }
    let jw = s.jw(a.canon, b.canon);
    let same_key = a.key == b.key;
    if jw >= 0.94 || (same_key && jw >= 0.80) {
        1
    } else if same_key {
        2
    } else if jw >= 0.85 {
        3
    } else {
        4
    }
}

fn rank(l: u8) -> u32 {
    if l == NULL {
        3
    } else {
        u32::from(l)
    }
}

struct Best<'a, S: Strs> {
    s: &'a S,
    best: Names,
    rank: u32,
}

impl<S: Strs> Best<'_, S> {
    fn consider(&mut self, ra: &Reading, rb: &Reading, swapped: bool) {
        let rb = if swapped { rb.swapped() } else { *rb };
        let g = cmp_part(ra.given, rb.given, self.s);
        let sn = cmp_part(ra.surname, rb.surname, self.s);
        // A swap must be strictly better than the straight reading.
        // Ties go to the lexicographically smaller levels, so the choice is the same whichever
        // record is on the left.
        let r = rank(g) + rank(sn) + u32::from(swapped);
        let (lo, hi) = if swapped && sn < g { (sn, g) } else { (g, sn) };
        if r < self.rank || (r == self.rank && (lo, hi) < (self.best.0, self.best.1)) {
            self.rank = r;
            let (gc, sc) = (ra.given.map_or(NONE, |p| p.canon), ra.surname.map_or(NONE, |p| p.canon));
            let (gcb, scb) = (rb.given.map_or(NONE, |p| p.canon), rb.surname.map_or(NONE, |p| p.canon));
            // Swapped, the better cross comparison counts as the given name's, whichever record is
            // on the left, so that comparison stays symmetric.
            self.best = if swapped && sn < g { (sn, g, true, [sc, gc, scb, gcb]) } else { (g, sn, swapped, [gc, sc, gcb, scb]) };
        }
    }
}

/// Names compared: (given level, surname level, swapped, [left given, left surname, right given,
/// right surname] canonical symbols as compared).
type Names = (u8, u8, bool, [u32; 4]);

/// Compares the names.
fn compare_names(a: &Feat, b: &Feat, s: &impl Strs) -> Names {
    if a.orig != NONE && a.orig == b.orig {
        // The same name in the original script: every name part either record has agrees.
        let (ra, rb) = (a.main_reading(), b.main_reading());
        let g = if ra.given.is_some() || rb.given.is_some() { 0 } else { NULL };
        let sn = if ra.surname.is_some() || rb.surname.is_some() { 0 } else { NULL };
        // The name parts weighed (by their frequency) are those of a record that gives its name
        // split into given and family name; an unsplit name's first cut is arbitrary.
        let (sa, sb) = (if a.latin.is_empty() { ra } else { a.latin }, if b.latin.is_empty() { rb } else { b.latin });
        let canon = |x: Option<Part>, y: Option<Part>| x.or(y).map_or(NONE, |p| p.canon);
        return (g, sn, false, [canon(sa.given, sb.given), canon(sa.surname, sb.surname), canon(sb.given, sa.given), canon(sb.surname, sa.surname)]);
    }
    let mut best = Best { s, best: (NULL, NULL, false, [NONE; 4]), rank: u32::MAX };
    let both_latin = !a.latin.is_empty() && !b.latin.is_empty();
    if both_latin {
        best.consider(&a.latin, &b.latin, false);
        // Swapped can only win when it beats the straight reading by more than its penalty.
        if best.rank >= 2 {
            best.consider(&a.latin, &b.latin, true);
        }
    }
    // Unsplit names are read every plausible way only when a record has no Latin given name and
    // surname: comparing every reading of two unsplit names that both records also have in Latin
    // would find agreement by chance (one word of two long names).
    if !both_latin {
        for x in a.readings() {
            for y in b.readings() {
                best.consider(x, y, false);
                if best.rank == 0 {
                    return best.best;
                }
            }
        }
    }
    best.best
}

fn compare_dob(a: u32, b: u32) -> u8 {
    let (Some(x), Some(y)) = (BirthDate::unpack(a), BirthDate::unpack(b)) else { return NULL };
    if x.year != y.year {
        if let (Some(_), Some(_), Some(_), Some(_)) = (x.day, y.day, x.month, y.month) {
            if x.month == y.month && x.day == y.day {
                // A one-digit typo in the year, or the year miscounted from an age.
                if digits_one_off(x.year, y.year) {
                    return 2;
                }
                if x.year.abs_diff(y.year) == 1 {
                    return 3;
                }
            }
        }
        return if x.year.abs_diff(y.year) == 1 { 7 } else { 8 };
    }
    match (x.month, x.day, y.month, y.day) {
        (Some(m1), Some(d1), Some(m2), Some(d2)) => {
            if m1 == m2 && d1 == d2 {
                0
            } else if m1 == d2 && d1 == m2 {
                1
            } else if (m1 == m2 && digits_one_off(u16::from(d1), u16::from(d2))) || (d1 == d2 && digits_one_off(u16::from(m1), u16::from(m2))) {
                2
            } else {
                6
            }
        }
        (Some(m1), _, Some(m2), _) => {
            if m1 == m2 {
                4
            } else {
                6
            }
        }
        _ => 5,
    }
}

/// True when two numbers written with the same number of digits differ in one digit or by a swap
/// of two neighbouring digits.
fn digits_one_off(a: u16, b: u16) -> bool {
    let da = [a / 1000 % 10, a / 100 % 10, a / 10 % 10, a % 10];
    let db = [b / 1000 % 10, b / 100 % 10, b / 10 % 10, b % 10];
    let mut diff = [0usize; 4];
    let mut n = 0;
    for i in 0..4 {
        if da[i] != db[i] {
            diff[n] = i;
            n += 1;
        }
    }
    match n {
        1 => true,
        2 => diff[1] == diff[0] + 1 && da[diff[0]] == db[diff[1]] && da[diff[1]] == db[diff[0]],
        _ => false,
    }
}

fn compare_sym_jw(a: u32, b: u32, s: &impl Strs, t: f64) -> u8 {
    if a == NONE || b == NONE {
        return NULL;
    }
    if a == b {
        return 0;
    }
    let (x, y) = (s.get(a).as_bytes(), s.get(b).as_bytes());
    // One typing error (two in a long name) also counts as similar: Jaro-Winkler punishes a
    // dropped letter in a short word harder than a reader would (Ras al-Ayn / Rs al-Ayn: 0.877).
    let typos = if x.len().min(y.len()) >= 8 { 2 } else { 1 };
    if s.jw(a, b) >= t || (x.len().min(y.len()) >= 4 && osa_within(x, y, typos).is_some()) {
        1
    } else {
        2
    }
}

fn compare_doc(a: u32, b: u32, s: &impl Strs) -> u8 {
    if a == NONE || b == NONE {
        return NULL;
    }
    if a == b {
        return 0;
    }
    let (x, y) = (s.get(a).as_bytes(), s.get(b).as_bytes());
    if x.len() >= 4 && osa_within(x, y, 1).is_some() {
        1
    } else {
        2
    }
}

fn compare_addr(a: &[u32], b: &[u32]) -> u8 {
    if a.is_empty() || b.is_empty() {
        return NULL;
    }
    if a == b {
        return 0;
    }
    let (mut i, mut j, mut inter) = (0, 0, 0usize);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                inter += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let jac = inter as f64 / (a.len() + b.len() - inter) as f64;
    if jac >= 0.6 {
        1
    } else if jac >= 0.3 {
        2
    } else {
        3
    }
}

/// Compares two records field by field.
pub(crate) fn compare(a: &Feat, b: &Feat, s: &impl Strs) -> Comparison {
    let (g, sn, swapped, [gc, sc, gcb, scb]) = compare_names(a, b, s);
    let sex = if a.sex == 0 || b.sex == 0 { NULL } else { u8::from(a.sex != b.sex) };
    let shared_citizenship = a.cit.iter().copied().find(|c| *c != NONE && b.cit.contains(c)).unwrap_or(NONE);
    let cit = if a.cit[0] == NONE || b.cit[0] == NONE { NULL } else { u8::from(shared_citizenship == NONE) };
    let addr = compare_addr(&a.addr, &b.addr);
    Comparison {
        levels: [
            g,
            sn,
            compare_dob(a.dob, b.dob),
            sex,
            compare_sym_jw(a.place, b.place, s, 0.88),
            cit,
            compare_doc(a.doc, b.doc, s),
            addr,
        ],
        swapped,
        given_canon: gc,
        surname_canon: sc,
        given_canon_b: gcb,
        surname_canon_b: scb,
        shared_citizenship,
        shared_year: if a.dob != 0 && a.dob >> 9 == b.dob >> 9 { (a.dob >> 9) as u16 } else { 0 },
        shared_addr: if addr == 0 { a.addr_sym } else { NONE },
        shared_place: if a.place != NONE && a.place == b.place { a.place } else { NONE },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The memo gives what the pool gives, for pairs that share a slot too.
    #[test]
    fn the_jaro_winkler_memo_answers_as_the_pool_does() {
        let mut pool = Interner::default();
        let names = ["mohamed", "muhammad", "mohammed", "ahmad", "ahmed", "hamid", "fatima", "fatma", "amina", "aminata", "kim", "gim"];
        let syms: Vec<u32> = names.iter().map(|n| pool.intern(n)).collect();
        let memo = JwMemo::new(&pool);
        for _ in 0..3 {
            for &a in &syms {
                for &b in &syms {
                    assert_eq!(memo.jw(a, b), pool.jw(a, b), "{} {}", pool.get(a), pool.get(b));
                }
            }
        }
        // Symbols far apart land in slots already taken: still the right answer.
        for a in 0..5000u32 {
            let (x, y) = (syms[(a % 12) as usize], syms[((a / 12) % 12) as usize]);
            assert_eq!(memo.jw(x, y), pool.jw(x, y));
        }
    }

    fn feats(rs: &[Record]) -> (Vec<Feat>, Interner) {
        let mut i = Interner::default();
        let f = rs.iter().map(|r| RawFeat::of(r).intern(&mut i)).collect();
        (f, i)
    }

    fn rec(given: &str, surname: &str, dob: &str) -> Record {
        let mut r = Record::new("x");
        r.set_field("given_name", given);
        r.set_field("surname", surname);
        r.set_field("date_of_birth", dob);
        r
    }

    fn dob(a: &str, b: &str) -> u8 {
        let p = |s: &str| BirthDate::parse_lenient(s).map(|d| d.pack()).unwrap_or(0);
        compare_dob(p(a), p(b))
    }

    #[test]
    fn date_levels() {
        assert_eq!(dob("1987-04-23", "1987-04-23"), 0);
        assert_eq!(dob("1987-04-11", "1987-11-04"), 1);
        assert_eq!(dob("1987-04-23", "1987-04-28"), 2);
        assert_eq!(dob("1987-04-23", "1978-04-23"), 2);
        assert_eq!(dob("1999-10-05", "2000-10-05"), 3);
        assert_eq!(dob("1987-04-23", "1987-04"), 4);
        assert_eq!(dob("1987-04-23", "1987"), 5);
        assert_eq!(dob("1987", "1987"), 5);
        assert_eq!(dob("1987-04-23", "1987-09-02"), 6);
        assert_eq!(dob("1987-04", "1987-09"), 6);
        assert_eq!(dob("1987-04-23", "1988"), 7);
        assert_eq!(dob("1987", "1995"), 8);
        assert_eq!(dob("", "1995"), NULL);
    }

    #[test]
    fn names_across_spellings_scripts_and_order() {
        let mut orig = Record::new("o");
        orig.name_original = Some("محمد الحسن".into());
        let (f, i) = feats(&[
            rec("Mohammed", "Al-Hassan", "1990"),
            rec("Muhammad", "Hasan", "1990"),
            rec("Hassan", "Mohamed", "1990"),
            orig,
            rec("Ahmad", "Hassan", "1990"),
        ]);
        let c = compare(&f[0], &f[1], &i);
        assert_eq!((c.levels[0], c.levels[1], c.swapped), (0, 0, false));
        let c = compare(&f[0], &f[2], &i);
        assert_eq!((c.levels[0], c.levels[1], c.swapped), (0, 0, true));
        let c = compare(&f[0], &f[3], &i);
        assert_eq!((c.levels[0], c.levels[1]), (0, 0));
        let c = compare(&f[0], &f[4], &i);
        assert_eq!((c.levels[0], c.levels[1]), (4, 0));
    }

    #[test]
    fn korean_names_across_romanisations() {
        let mut orig = Record::new("o");
        orig.name_original = Some("리설주".into());
        let (f, i) = feats(&[rec("Sol Ju", "Ri", ""), rec("Seol-ju", "Lee", ""), orig]);
        let c = compare(&f[0], &f[1], &i);
        assert_eq!(c.levels[1], 0);
        assert!(c.levels[0] <= 2, "{:?}", c.levels);
        let c = compare(&f[1], &f[2], &i);
        assert_eq!(c.levels[1], 0);
        assert!(c.levels[0] <= 1, "{:?}", c.levels);
    }

    #[test]
    fn other_fields() {
        let mut a = rec("A", "B", "");
        let mut b = rec("A", "B", "");
        for (k, v) in [("sex", "M"), ("citizenship", "SYR;TUR"), ("document_number", "N-123 4567"), ("address", "Block 4, Kalindi camp")] {
            a.set_field(k, v);
        }
        for (k, v) in [("sex", "F"), ("citizenship", "TUR"), ("document_number", "n1234576"), ("address", "Kalindi Camp block 4")] {
            b.set_field(k, v);
        }
        let (f, i) = feats(&[a, b]);
        let c = compare(&f[0], &f[1], &i);
        assert_eq!(&c.levels[3..], &[1, NULL, 0, 1, 0]);
    }
}
