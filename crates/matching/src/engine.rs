//! The batch engine: features of many records, blocking into candidate pairs, model fitting and
//! scoring, in parallel.

use crate::compare::{compare, Feat, Interner, JwMemo, RawFeat, Strs, N_FIELDS, NONE, NULL};
use crate::model::{u_from_counts, Model, Patterns, MAX_LEVELS};
use crate::record::Record;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};

/// Blocks up to this size are compared in full; larger ones by a sliding window over records sorted
/// by their whole name and date of birth.
pub const BLOCK_CAP: usize = 30;
/// The window in oversized blocks.
pub const WINDOW: usize = 12;
/// The window of the second pass over an oversized block, in address order.
pub const ADDR_WINDOW: usize = 2;
/// Random pairs used to measure u.
pub const U_SAMPLE: usize = 1_500_000;
/// Candidate pairs (at most) whose patterns train EM.
pub const EM_SAMPLE: usize = 3_000_000;
/// EM iteration limit.
pub const EM_MAX_ITER: usize = 200;

/// Record identifiers, stored end to end.
#[derive(Debug, Default)]
pub(crate) struct Ids {
    text: String,
    ends: Vec<u32>,
}

impl Ids {
    pub fn push(&mut self, id: &str) {
        self.text.push_str(id);
        self.ends.push(self.text.len() as u32);
    }
    /// Keeps the first `n` identifiers.
    pub fn truncate(&mut self, n: usize) {
        self.ends.truncate(n);
        self.text.truncate(self.ends.last().copied().unwrap_or(0) as usize);
    }
    pub fn get(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends.get(i - 1).copied().unwrap_or(0) as usize };
        let end = self.ends.get(i).copied().unwrap_or(0) as usize;
        self.text.get(start..end).unwrap_or("")
    }
}

/// Many records' features.
#[derive(Debug, Default)]
pub(crate) struct Data {
    pub strs: Interner,
    pub feats: Vec<Feat>,
    pub ids: Ids,
    /// In linkage, the records before this index come from the left file.
    pub n_left: Option<usize>,
}

impl Data {
    /// Adds a batch of records (features computed in parallel, interned in order).
    pub fn extend(&mut self, records: Vec<Record>) {
        let raws: Vec<RawFeat> = records.par_iter().map(RawFeat::of).collect();
        for (r, raw) in records.iter().zip(raws) {
            self.ids.push(&r.id);
            self.feats.push(raw.intern(&mut self.strs));
        }
    }

    pub fn len(&self) -> usize {
        self.feats.len()
    }

    /// Renumbers the records so that those likely to be compared lie close together in memory:
    /// sorted by family-name key, given-name key and date of birth (within each file, in linkage,
    /// so that the left file's records stay first). Candidate pairs then mostly join neighbours.
    /// At 1M records in input order, scoring spent most of its time waiting for the right-hand
    /// record's features to come from main memory (`docs/matching.md`, "Speed"). The features are
    /// copied in the new order, so that their heap parts (name readings, address words) follow it.
    pub fn cluster(&mut self) {
        let n = self.feats.len();
        let split = self.n_left.unwrap_or(n).min(n);
        let key = |i: u32| {
            let f = &self.feats[i as usize];
            let r = f.main_reading();
            (r.surname.map_or(NONE, |p| p.key), r.given.map_or(NONE, |p| p.key), f.dob, i)
        };
        let mut order: Vec<u32> = (0..n as u32).collect();
        order[..split].par_sort_unstable_by_key(|&i| key(i));
        order[split..].par_sort_unstable_by_key(|&i| key(i));
        let feats: Vec<Feat> = order.iter().map(|&i| self.feats[i as usize].clone()).collect();
        let mut ids = Ids::default();
        for &i in &order {
            ids.push(self.ids.get(i as usize));
        }
        self.feats = feats;
        self.ids = ids;
    }

    /// Keeps the first `n` records (their interned strings stay: harmless).
    pub fn truncate(&mut self, n: usize) {
        self.feats.truncate(n);
        self.ids.truncate(n);
    }
}

fn h<T: Hash>(t: T) -> u64 {
    let mut s = FxHasher::default();
    t.hash(&mut s);
    s.finish()
}

/// Blocking rule: the whole name (both phonetic keys, in any order).
pub(crate) const RULE_NAME: u8 = 1;
/// Blocking rule: one name part's phonetic key, the birth year and sex.
pub(crate) const RULE_PART_YEAR: u8 = 2;
/// Blocking rule: the document number.
pub(crate) const RULE_DOC: u8 = 4;
/// Blocking rule: the full date of birth (and first citizenship).
pub(crate) const RULE_DOB: u8 = 8;
/// Blocking rule: the original-script name.
pub(crate) const RULE_ORIG: u8 = 16;
/// Blocking rule: the address (household context), all words.
pub(crate) const RULE_ADDR: u8 = 32;
/// The rules used (the original-script rule found almost nothing the others miss: names are
/// transliterated before their keys are taken).
pub(crate) const ALL_RULES: u8 = RULE_NAME | RULE_PART_YEAR | RULE_DOC | RULE_DOB | RULE_ADDR;

/// The blocking keys of a record under the rules in the `rules` mask (rule number hashed in).
pub(crate) fn block_keys(f: &Feat, strs: &impl Strs, rules: u8, out: &mut Vec<u64>) {
    out.clear();
    if rules & RULE_NAME != 0 {
        let mut pairs = Vec::new();
        f.name_key_pairs(&mut pairs);
        for p in &pairs {
            out.push(h((0u8, p)));
        }
    }
    let year = if f.dob == 0 { 0 } else { f.dob >> 9 };
    if rules & RULE_PART_YEAR != 0 && year != 0 {
        let mut keys = Vec::new();
        f.name_keys(&mut keys);
        for k in &keys {
            out.push(h((1u8, k, year, f.sex)));
        }
    }
    if rules & RULE_DOC != 0 && f.doc != NONE {
        out.push(h((2u8, f.doc)));
    }
    if rules & RULE_DOB != 0 && f.dob & 0x1F != 0 {
        out.push(h((3u8, f.dob, f.cit[0])));
    }
    if rules & RULE_ORIG != 0 && f.orig != NONE {
        out.push(h((4u8, f.orig)));
    }
    if rules & RULE_ADDR != 0 && !f.addr.is_empty() {
        // The address and the first consonant class of a name part: people of one household
        // (address) whose names may be spelt too differently for the name keys.
        let mut keys = Vec::new();
        f.name_keys(&mut keys);
        let mut initials: Vec<u8> = keys.iter().map(|&k| strs.get(k).bytes().next().unwrap_or(0)).collect();
        initials.sort_unstable();
        initials.dedup();
        for i in initials {
            out.push(h((5u8, &f.addr, i)));
        }
    }
    out.sort_unstable();
    out.dedup();
}

/// The order within oversized blocks: whole name (both keys, any order), then date of birth.
pub(crate) fn sort_key(f: &Feat) -> u64 {
    let r = f.main_reading();
    let mut k = [r.given.map_or(NONE, |p| p.key), r.surname.map_or(NONE, |p| p.key)];
    k.sort_unstable();
    (h(k) & !0xFFFF_FFFF) | u64::from(f.dob)
}

pub(crate) fn pack(a: u32, b: u32) -> u64 {
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    (u64::from(a) << 32) | u64::from(b)
}

/// Candidate pairs from all blocking rules, deduplicated, as `(low << 32) | high` record indexes.
pub(crate) fn candidate_pairs(d: &Data, rules: u8) -> Vec<u64> {
    let (entries, groups) = block_groups(d, rules);
    let n_left = d.n_left;
    let mut pairs: Vec<u64> = groups
        .par_iter()
        .fold(Vec::new, |mut acc, &(s, e)| {
            let members: Vec<u32> = entries[s..e].iter().map(|x| x.1).collect();
            emit_block(&members, d, n_left, &mut acc);
            acc
        })
        .reduce(Vec::new, |mut a, mut b| {
            a.append(&mut b);
            a
        });
    drop(entries);
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

/// (blocking key, record) entries, sorted by key.
type Entries = Vec<(u64, u32)>;

/// Every record's blocking keys under `rules`, sorted, and the bounds of each block of two or
/// more records.
fn block_groups(d: &Data, rules: u8) -> (Entries, Vec<(usize, usize)>) {
    let mut entries: Entries = d
        .feats
        .par_iter()
        .enumerate()
        .fold(Vec::new, |mut acc, (i, f)| {
            let mut keys = Vec::new();
            block_keys(f, &d.strs, rules, &mut keys);
            acc.extend(keys.into_iter().map(|k| (k, i as u32)));
            acc
        })
        .reduce(Vec::new, |mut a, mut b| {
            a.append(&mut b);
            a
        });
    entries.par_sort_unstable();
    let mut groups: Vec<(usize, usize)> = Vec::new();
    let mut start = 0;
    for i in 1..=entries.len() {
        if i == entries.len() || entries[i].0 != entries[start].0 {
            if i - start >= 2 {
                groups.push((start, i));
            }
            start = i;
        }
    }
    (entries, groups)
}

/// The pairs of a blocking rule for training (EM). Blocks of up to [`BLOCK_CAP`] records give all
/// their pairs, as in prediction; a larger block gives each record [`WINDOW`] partners drawn at
/// random from the whole block instead of the prediction window. The window, sorted by name and
/// date of birth, pairs namesakes born on close dates: trained on it, EM learnt that different
/// people of one name often share a birth year, and weighed an agreeing year too low (synthetic
/// 1M: best F1 over thresholds 0.879 with the window, 0.891 with random partners). The pairs are
/// not weighted up to stand for the whole block: weighted, the largest namesake blocks swamped EM
/// at 1M (λ six times too high).
pub(crate) fn training_pairs(d: &Data, rules: u8) -> Vec<u64> {
    let (entries, groups) = block_groups(d, rules);
    let n_left = d.n_left;
    let mut pairs: Vec<u64> = groups
        .par_iter()
        .fold(Vec::new, |mut acc, &(s, e)| {
            let members: Vec<u32> = entries[s..e].iter().map(|x| x.1).collect();
            let n = members.len();
            if n <= BLOCK_CAP {
                emit_block(&members, d, n_left, &mut acc);
            } else {
                let mut rng = SplitMix(h((n, members[0])));
                for &a in &members {
                    for _ in 0..WINDOW {
                        let b = members[rng.below(n)];
                        if a != b && cross(a, b, n_left) {
                            acc.push(pack(a, b));
                        }
                    }
                }
            }
            acc
        })
        .reduce(Vec::new, |mut a, mut b| {
            a.append(&mut b);
            a
        });
    drop(entries);
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

fn cross(a: u32, b: u32, n_left: Option<usize>) -> bool {
    match n_left {
        None => true,
        Some(n) => ((a as usize) < n) != ((b as usize) < n),
    }
}

fn emit_block(members: &[u32], d: &Data, n_left: Option<usize>, out: &mut Vec<u64>) {
    if members.len() <= BLOCK_CAP {
        for (x, &a) in members.iter().enumerate() {
            for &b in &members[x + 1..] {
                if cross(a, b, n_left) {
                    out.push(pack(a, b));
                }
            }
        }
        return;
    }
    let mut sorted: Vec<(u64, u32)> = members.iter().map(|&m| (sort_key(&d.feats[m as usize]), m)).collect();
    sorted.sort_unstable();
    window(&sorted, WINDOW, n_left, out);
    // A second pass, in address order (then date of birth), over the members that have an
    // address: one person registered twice at one home, whose name readings sort apart in the
    // first pass (a one-part and a two-part name, a swap, a spelling that changes a key).
    let mut by_address: Vec<(u64, u32)> = members
        .iter()
        .filter(|&&m| d.feats[m as usize].addr_sym != NONE)
        .map(|&m| {
            let f = &d.feats[m as usize];
            ((h(f.addr_sym) & !0xFFFF_FFFF) | u64::from(f.dob), m)
        })
        .collect();
    by_address.sort_unstable();
    window(&by_address, ADDR_WINDOW, n_left, out);
}

/// Pairs of each record with the `w` records after it.
fn window(sorted: &[(u64, u32)], w: usize, n_left: Option<usize>, out: &mut Vec<u64>) {
    for x in 0..sorted.len() {
        for y in x + 1..(x + 1 + w).min(sorted.len()) {
            let (a, b) = (sorted[x].1, sorted[y].1);
            if cross(a, b, n_left) {
                out.push(pack(a, b));
            }
        }
    }
}

/// A deterministic pseudo-random generator (SplitMix64).
pub(crate) struct SplitMix(pub u64);

impl SplitMix {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        ((self.next() >> 11) % (n.max(1) as u64)) as usize
    }
}

/// Level counts on random pairs (u); on small data, on all pairs.
pub(crate) fn random_u(d: &Data, samples: usize) -> Vec<Vec<f64>> {
    let n = d.len();
    let all_pairs = match d.n_left {
        Some(nl) => nl.saturating_mul(n.saturating_sub(nl)),
        None => n.saturating_mul(n.saturating_sub(1)) / 2,
    };
    let add = |c: &mut [[f64; MAX_LEVELS]; N_FIELDS], a: usize, b: usize| {
        let cmp = compare(&d.feats[a], &d.feats[b], &d.strs);
        for (f, &l) in cmp.levels.iter().enumerate() {
            if l != NULL && (l as usize) < MAX_LEVELS {
                c[f][l as usize] += 1.0;
            }
        }
    };
    let merge = |mut a: [[f64; MAX_LEVELS]; N_FIELDS], b: [[f64; MAX_LEVELS]; N_FIELDS]| {
        for f in 0..N_FIELDS {
            for l in 0..MAX_LEVELS {
                a[f][l] += b[f][l];
            }
        }
        a
    };
    let counts = if all_pairs <= samples {
        (0..n)
            .into_par_iter()
            .map(|a| {
                let mut c = [[0f64; MAX_LEVELS]; N_FIELDS];
                let (lo, hi) = match d.n_left {
                    Some(nl) if a < nl => (nl, n),
                    Some(_) => (n, n),
                    None => (a + 1, n),
                };
                for b in lo..hi {
                    add(&mut c, a, b);
                }
                c
            })
            .reduce(|| [[0f64; MAX_LEVELS]; N_FIELDS], merge)
    } else {
        (0..64u64)
            .into_par_iter()
            .map(|chunk| {
                let mut rng = SplitMix(0x5EED ^ chunk.wrapping_mul(0x1234_5678_9ABC));
                let mut c = [[0f64; MAX_LEVELS]; N_FIELDS];
                for _ in 0..samples / 64 {
                    let (a, b) = match d.n_left {
                        Some(nl) if nl > 0 && nl < n => (rng.below(nl), nl + rng.below(n - nl)),
                        _ => {
                            let a = rng.below(n);
                            let b = rng.below(n);
                            if a == b {
                                continue;
                            }
                            (a, b)
                        }
                    };
                    add(&mut c, a, b);
                }
                c
            })
            .reduce(|| [[0f64; MAX_LEVELS]; N_FIELDS], merge)
    };
    u_from_counts(&counts)
}

/// Fewest pairs of relatives (one family name, different given names) to measure `u_family` on.
const MIN_FAMILY_PAIRS: f64 = 1_000.0;

/// Level counts among pairs of records with the same family name (as written in the `surname`
/// column, after transliteration and variant folding) whose given names differ (level "similar"
/// or "different"): relatives, or unrelated people of one family name; almost never one person
/// (a person's given name is rarely recorded as a different name). Pairs are drawn per record —
/// a record at random, then another of its family name at random — as a registration meets them.
/// `None` when there are too few such pairs (fewer than [`MIN_FAMILY_PAIRS`] pairs of records
/// sharing a family name, or sampled with different given names).
pub(crate) fn family_u(d: &Data, samples: usize) -> Option<Vec<Vec<f64>>> {
    let mut by: Vec<(u32, u32)> = d.feats.iter().enumerate().filter_map(|(i, f)| f.latin.surname.map(|p| (p.canon, i as u32))).collect();
    if by.len() < 2 {
        return None;
    }
    by.par_sort_unstable();
    // Pairs of records that share a family name (a tiny registry would give one pair many times).
    let mut possible = 0f64;
    let mut start = 0;
    for i in 1..=by.len() {
        if i == by.len() || by[i].0 != by[start].0 {
            let n = (i - start) as f64;
            possible += n * (n - 1.0) / 2.0;
            start = i;
        }
    }
    if possible < MIN_FAMILY_PAIRS {
        return None;
    }
    let by = &by;
    let counts = (0..64u64)
        .into_par_iter()
        .map(|chunk| {
            let mut rng = SplitMix(0xFA17 ^ chunk.wrapping_mul(0x9E37_79B9));
            let mut c = [[0f64; MAX_LEVELS]; N_FIELDS];
            for _ in 0..samples / 64 {
                let i = rng.below(by.len());
                let name = by[i].0;
                let s = by.partition_point(|x| x.0 < name);
                let e = by.partition_point(|x| x.0 <= name);
                if e - s < 2 {
                    continue;
                }
                let j = s + rng.below(e - s);
                if j == i {
                    continue;
                }
                let (a, b) = (by[i].1 as usize, by[j].1 as usize);
                if let Some(nl) = d.n_left {
                    if (a < nl) == (b < nl) {
                        continue;
                    }
                }
                let cmp = compare(&d.feats[a], &d.feats[b], &d.strs);
                if cmp.levels[1] != 0 || !matches!(cmp.levels[0], 3 | 4) {
                    continue;
                }
                for (f, &l) in cmp.levels.iter().enumerate() {
                    if l != NULL && (l as usize) < MAX_LEVELS {
                        c[f][l as usize] += 1.0;
                    }
                }
            }
            c
        })
        .reduce(
            || [[0f64; MAX_LEVELS]; N_FIELDS],
            |mut a, b| {
                for f in 0..N_FIELDS {
                    for l in 0..MAX_LEVELS {
                        a[f][l] += b[f][l];
                    }
                }
                a
            },
        );
    let sampled: f64 = counts[1].iter().sum();
    (sampled >= MIN_FAMILY_PAIRS).then(|| u_from_counts(&counts))
}

/// Pattern counts of (an even sample of at most `EM_SAMPLE`) training pairs, for EM.
pub(crate) fn patterns(d: &Data, pairs: &[u64], masked: &[usize]) -> Patterns {
    let step = pairs.len().div_ceil(EM_SAMPLE).max(1);
    pairs
        .par_iter()
        .step_by(step)
        .fold(
            || (Patterns::default(), JwMemo::new(&d.strs)),
            |(mut acc, memo), &p| {
                let mut c = compare(&d.feats[(p >> 32) as usize], &d.feats[(p & 0xFFFF_FFFF) as usize], &memo);
                for &f in masked {
                    c.levels[f] = NULL;
                }
                *acc.entry(c.pattern()).or_insert(0.0) += step as f64;
                (acc, memo)
            },
        )
        .map(|(acc, _)| acc)
        .reduce(Patterns::default, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_insert(0.0) += v;
            }
            a
        })
}

/// Counts of canonical given names and family names, overall and within each citizenship: names
/// are far more common within one nationality (Sanjida among Rohingya) than in a mixed registry, so
/// agreeing on a name is weighed against its frequency among people of the same citizenship when
/// both records share one. Given names and family names are counted apart, each as a share of the
/// records that have one (a given name is not diluted by family names, nor a family name by the
/// given names).
#[derive(Debug, Default, Clone)]
pub(crate) struct TfCounts {
    counts: FxHashMap<u64, u32>,
    /// Records with a given name (key `tf_key(0, group)`) or a family name
    /// (`tf_key(SURNAME_MARK, group)`), by group (`NONE`: everybody).
    totals: FxHashMap<u64, u64>,
    /// Records by first citizenship (`NONE`: everybody).
    groups: FxHashMap<u32, u64>,
    years: FxHashMap<u16, u32>,
    year_total: u64,
    /// Counts of whole addresses (`tf_key(ADDR_MARK | address, NONE)`) and places of birth
    /// (`tf_key(PLACE_MARK | place, NONE)`).
    ctx: FxHashMap<u64, u32>,
    addr_total: u64,
    place_total: u64,
}

/// Marks a birth year in the frequency table (`tf_key(YEAR_MARK | year, NONE)`); the key of
/// `YEAR_MARK` alone holds the chance that two records share a birth year.
pub(crate) const YEAR_MARK: u32 = 0xC000_0000;

/// Marks a family name in the frequency table (`tf_key(canon | SURNAME_MARK, group)`); given names
/// are keyed by their symbol alone. Symbols stay far below this bit: the record budget
/// (`DedupOptions::max_records`) bounds the number of interned strings.
pub(crate) const SURNAME_MARK: u32 = 0x2000_0000;

/// Marks a whole address in the frequency table (`tf_key(ADDR_MARK | address, NONE)`).
pub(crate) const ADDR_MARK: u32 = 0x8000_0000;
/// Marks a place of birth in the frequency table (`tf_key(PLACE_MARK | place, NONE)`).
pub(crate) const PLACE_MARK: u32 = 0x4000_0000;
/// The two mark bits that tell addresses, places and years (both bits) from names (neither).
const KIND_BITS: u32 = 0xC000_0000;

/// The term-frequency key of a name part within a group (`NONE`: everybody).
pub(crate) fn tf_key(canon: u32, group: u32) -> u64 {
    (u64::from(canon) << 32) | u64::from(group)
}

/// The term-frequency key of a given name (`surname: false`) or a family name within a group.
pub(crate) fn name_tf_key(canon: u32, surname: bool, group: u32) -> u64 {
    tf_key(if surname { canon | SURNAME_MARK } else { canon }, group)
}

impl TfCounts {
    /// Counts a record's name parts; returns the keys touched.
    ///
    /// Only names whose split is known (the `given_name` and `surname` columns) are counted: an
    /// unsplit `full_name` or original-script name has no given name or family name of its own,
    /// and counting one arbitrary cut of it ("Sadat | Nilufar") made rare "given names" of common
    /// family names, which then weighed as very strong evidence.
    pub fn add(&mut self, f: &Feat) -> Vec<u64> {
        let r = f.latin;
        let mut touched = Vec::new();
        let groups: &[u32] = if f.cit[0] == NONE { &[NONE] } else { &[NONE, f.cit[0]] };
        for &g in groups {
            *self.groups.entry(g).or_insert(0) += 1;
        }
        for (part, surname) in [(r.given, false), (r.surname, true)] {
            let Some(p) = part else { continue };
            for &g in groups {
                let k = name_tf_key(p.canon, surname, g);
                *self.counts.entry(k).or_insert(0) += 1;
                *self.totals.entry(tf_key(if surname { SURNAME_MARK } else { 0 }, g)).or_insert(0) += 1;
                touched.push(k);
            }
        }
        if f.dob != 0 {
            *self.years.entry((f.dob >> 9) as u16).or_insert(0) += 1;
            self.year_total += 1;
        }
        if f.addr_sym != NONE {
            let k = tf_key(ADDR_MARK | f.addr_sym, NONE);
            *self.ctx.entry(k).or_insert(0) += 1;
            self.addr_total += 1;
            touched.push(k);
        }
        if f.place != NONE {
            let k = tf_key(PLACE_MARK | f.place, NONE);
            *self.ctx.entry(k).or_insert(0) += 1;
            self.place_total += 1;
            touched.push(k);
        }
        touched
    }

    /// The share of records born in `year`, among records with a birth date.
    pub fn year_share(&self, year: u16) -> Option<f64> {
        Some(f64::from(*self.years.get(&year)?) / self.year_total.max(1) as f64)
    }

    /// The share of a name key among the records of its group that have that name part.
    pub fn share(&self, k: u64) -> Option<f64> {
        let kind = ((k >> 32) as u32) & KIND_BITS;
        if kind == ADDR_MARK || kind == PLACE_MARK {
            let total = if kind == ADDR_MARK { self.addr_total } else { self.place_total };
            return Some(f64::from(*self.ctx.get(&k)?) / total.max(1) as f64);
        }
        let c = *self.counts.get(&k)?;
        let mark = ((k >> 32) as u32) & SURNAME_MARK;
        let t = *self.totals.get(&tf_key(mark, (k & 0xFFFF_FFFF) as u32))?;
        Some(f64::from(c) / t.max(1) as f64)
    }

    /// All shares, and each citizenship's share of records (`tf_key(NONE, citizenship)`).
    pub fn shares(&self) -> FxHashMap<u64, f64> {
        let mut m: FxHashMap<u64, f64> = self.counts.keys().chain(self.ctx.keys()).filter_map(|&k| Some((k, self.share(k)?))).collect();
        let mut agree = 0f64;
        for &y in self.years.keys() {
            if let Some(s) = self.year_share(y) {
                m.insert(tf_key(YEAR_MARK | u32::from(y), NONE), s);
                agree += s * s;
            }
        }
        if agree > 0.0 {
            m.insert(tf_key(YEAR_MARK, NONE), agree);
        }
        for &g in self.groups.keys() {
            if let Some(s) = self.group_share(g) {
                m.insert(tf_key(NONE, g), s);
            }
        }
        m
    }

    /// The share of records of citizenship `g`.
    pub fn group_share(&self, g: u32) -> Option<f64> {
        if g == NONE {
            return None;
        }
        let all = *self.groups.get(&NONE)?;
        Some(*self.groups.get(&g)? as f64 / all.max(1) as f64)
    }
}

/// Term frequencies of canonical name parts (see [`TfCounts`]).
pub(crate) fn term_frequencies(feats: &[Feat]) -> FxHashMap<u64, f64> {
    let mut tf = TfCounts::default();
    for f in feats {
        tf.add(f);
    }
    tf.shares()
}

/// Fits the model on `d`:
///
/// 1. u on random pairs: the population's chance of agreement (used to start EM, and for
///    term-frequency adjustments);
/// 2. m and u by EM in two training sessions, each on the pairs of one blocking rule with the
///    rule's own fields left out (they agree by construction there), as splink trains m:
///    - pairs with the same **full date of birth**: trains m of the names (and of the document
///      number), with u fixed to the population's (a birth date says nothing about a name, so among
///      these pairs two different people share a name as often as two random records do); the
///      household fields take part with their own u, to tell matches from siblings;
///    - pairs with the same **whole-name key**: trains the date of birth and the other fields. Their
///      u here is *conditional on the names agreeing*: two different people called Fatima are both
///      women and often of one nationality, so agreeing on sex or citizenship is weak evidence
///      once the names agree. Estimating u there (rather than fixing it to the population's, as
///      splink does) removes that double counting, which is what breaks splink on registration data
///      full of common names;
/// 3. the prior: the expected number of matches in the date-of-birth session, divided by the share
///    of matches with the same full date (m from the name session), over all pairs.
///
/// The match weight is then `log2(λ/(1-λ)) + w(names | population) + Σ w(other fields | names)`,
/// a chain-rule factorisation of the likelihood ratio.
pub(crate) fn fit(d: &Data) -> Model {
    let n = d.len();
    let total_pairs = match d.n_left {
        Some(nl) => (nl as f64) * ((n - nl.min(n)) as f64),
        None => (n as f64) * (n.saturating_sub(1) as f64) / 2.0,
    };
    let u_pop = random_u(d, U_SAMPLE);
    let dob_f = 2usize;
    // The date-of-birth session trains the names (and the document number): their u is the
    // population's, as a birth date says nothing about a name. Sex, place of birth, citizenship
    // and address take part with u estimated in the session (people born on the same day share
    // them more often than random people: babies born in one camp, one nationality per block):
    // they tell the session's matches from brothers and sisters born the same day or namesakes,
    // so that m of a *different* given name is not inflated by them. Only the names' m and u are
    // taken from this session.
    let spec: [(u8, &[usize], &[usize]); 2] = [(RULE_DOB, &[dob_f], &[0, 1, 6]), (RULE_NAME, &[0, 1], &[])];
    let mut sessions: Vec<Option<(Model, f64)>> = Vec::new();
    for (rule, masked, fixed_u) in spec {
        let pairs = training_pairs(d, rule);
        let n_pairs = pairs.len() as f64;
        let counts = patterns(d, &pairs, masked);
        drop(pairs);
        sessions.push((n_pairs >= crate::model::MIN_PAIRS_TO_FIT as f64).then(|| (Model::fit(&counts, u_pop.clone(), EM_MAX_ITER, fixed_u), n_pairs)));
    }
    let (by_dob, by_name) = (sessions[0].take(), sessions[1].take());
    let fallback = Model::fallback();
    let (mut m, mut u) = (fallback.m.clone(), fallback.u.clone());
    for f in 0..N_FIELDS {
        let src = match f {
            0 | 1 => by_dob.as_ref(),
            _ => by_name.as_ref().or(by_dob.as_ref()),
        };
        if let Some((s, _)) = src {
            m[f] = s.m[f].clone();
            u[f] = s.u[f].clone();
        }
    }
    if by_dob.is_none() && by_name.is_none() {
        let mut model = fallback;
        model.u_random = u_pop;
        model.tf = term_frequencies(&d.feats);
        return model;
    }
    // Expected matches, from the date-of-birth session if there is one, else from the name session
    // (share of matches whose names agree at least phonetically).
    let expected = match (&by_dob, &by_name) {
        (Some((s, np)), _) => s.lambda * np / m[dob_f][0].max(0.05),
        (None, Some((s, np))) => s.lambda * np / ((m[0][0] + m[0][1] + m[0][2]) * (m[1][0] + m[1][1] + m[1][2])).max(0.05),
        _ => 1.0,
    };
    let lambda = (expected / total_pairs.max(1.0)).clamp(1.0 / total_pairs.max(2.0), 0.5);
    let iterations = by_dob.iter().chain(by_name.iter()).map(|(s, _)| s.iterations).sum();
    let converged = by_dob.iter().chain(by_name.iter()).all(|(s, _)| s.converged);
    let u_family = family_u(d, U_SAMPLE / 3).unwrap_or_default();
    let mut model = Model { m, u, u_random: u_pop, u_family, lambda, iterations, converged, threshold: 0.5, tf: term_frequencies(&d.feats), weights: Vec::new() };
    model.prepare();
    model
}

/// Re-scores a pair (its probability with term-frequency adjustments).
pub(crate) fn score_pair(d: &Data, model: &Model, p: u64, strs: &impl Strs) -> f64 {
    let c = compare(&d.feats[(p >> 32) as usize], &d.feats[(p & 0xFFFF_FFFF) as usize], strs);
    model.probability(&c)
}

/// The evidence of a pair's own comparison: its match weight without the prior (log2 of the
/// likelihood ratio, with term-frequency adjustments).
pub(crate) fn evidence(d: &Data, model: &Model, p: u64) -> f64 {
    let c = compare(&d.feats[(p >> 32) as usize], &d.feats[(p & 0xFFFF_FFFF) as usize], &d.strs);
    model.match_weight(&c) - model.prior_weight()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compare::{compare, Interner, RawFeat};

    fn rec(given: &str, surname: &str, cit: &str) -> Record {
        let mut r = Record::new("x");
        r.set_field("given_name", given);
        r.set_field("surname", surname);
        r.set_field("citizenship", cit);
        r
    }

    fn feats(rs: &[Record]) -> (Vec<Feat>, Interner) {
        let mut i = Interner::default();
        let f = rs.iter().map(|r| RawFeat::of(r).intern(&mut i)).collect();
        (f, i)
    }

    /// A given name's frequency is its share of the records that have a given name (in their
    /// citizenship, and overall), not diluted by family names; family names are counted apart.
    #[test]
    fn given_and_family_names_are_counted_apart() {
        // Four Syrians with family names, two Rohingya without.
        let (f, strs) = feats(&[
            rec("Sara", "Hassan", "SYR"),
            rec("Sara", "Khalil", "SYR"),
            rec("Omar", "Hassan", "SYR"),
            rec("Hassan", "Omar", "SYR"),
            rec("Sanjida", "", "stateless"),
            rec("Rashida", "", "stateless"),
        ]);
        let shares = term_frequencies(&f);
        let sym = |s: &str| strs.lookup(s).unwrap_or(NONE);
        let (syr, stateless) = (sym("SYR"), sym("STATELESS"));
        let share = |name: &str, surname: bool, g: u32| shares.get(&name_tf_key(sym(name), surname, g)).copied();
        assert_eq!(share("sara", false, syr), Some(0.5));
        assert_eq!(share("sara", false, NONE), Some(2.0 / 6.0));
        assert_eq!(share("sanjida", false, stateless), Some(0.5));
        // (Names are keyed by their canonical forms: Hassan → hasan, Omar → umar.)
        assert_eq!(share("hasan", true, syr), Some(0.5));
        assert_eq!(share("hasan", false, syr), Some(0.25));
        assert_eq!(share("umar", true, NONE), Some(0.25));
        assert_eq!(share("sanjida", true, NONE), None);
    }

    /// The chain rule for names weighed within a citizenship: sharing the citizenship then weighs
    /// log2(m / u between random records), whatever its weight among namesakes.
    #[test]
    fn shared_citizenship_weighs_its_population_share_when_names_are_weighed_within_it() {
        let (f, strs) = feats(&[
            rec("Sanjida", "", "stateless"),
            rec("Sanjida", "", "stateless"),
            rec("Rashida", "", "stateless"),
            rec("Nur", "", "stateless"),
            rec("Amina", "", "SYR"),
        ]);
        let mut model = Model::fallback();
        model.tf = term_frequencies(&f);
        model.u_random[5] = vec![0.2, 0.8];
        model.u[5] = vec![0.9, 0.1];
        model.m[5] = vec![0.99, 0.01];
        model.prepare();
        let c = compare(&f[0], &f[1], &strs);
        assert_eq!((c.levels[0], c.levels[5]), (0, 0));
        let e = model.explain(&c);
        assert!((e[5].weight - (0.99f64 / 0.2).log2()).abs() < 1e-9, "{}", e[5].weight);
        // Sanjida is half of the stateless given names: the name weighs log2(m / 0.5).
        assert!((e[0].weight - (model.m[0][0] / 0.5).log2()).abs() < 1e-9, "{}", e[0].weight);
        // Without term frequencies (no registry), citizenship keeps its fitted weight.
        model.tf.clear();
        let e = model.explain(&c);
        assert!((e[5].weight - (0.99f64 / 0.9).log2()).abs() < 1e-9, "{}", e[5].weight);
    }

    /// A name part that agreed across a swap weighs against its frequency as the kind of name it
    /// usually is, not against the rare records where it stood in the other place; an unsplit
    /// full name is not counted at all.
    #[test]
    fn a_swapped_name_part_weighs_against_its_most_common_kind() {
        let mut full = Record::new("f");
        full.set_field("full_name", "Berzan Sino");
        full.set_field("citizenship", "SYR");
        let (f, strs) = feats(&[
            rec("Sino", "Berzan", "SYR"),
            rec("Berzan", "Sino", "SYR"),
            rec("Berzan", "Sino", "SYR"),
            rec("Berzan", "Sino", "SYR"),
            rec("Ahmad", "Hamwi", "SYR"),
            rec("Ahmad", "Hamwi", "SYR"),
            rec("Ahmad", "Hamwi", "SYR"),
            rec("Ahmad", "Hamwi", "SYR"),
            rec("Ahmad", "Hamwi", "SYR"),
            rec("Ahmad", "Hamwi", "SYR"),
            full,
        ]);
        let mut model = Model::fallback();
        model.tf = term_frequencies(&f);
        model.prepare();
        let c = compare(&f[0], &f[10], &strs);
        assert_eq!((c.levels[0], c.levels[1]), (0, 0));
        let e = model.explain(&c);
        // Sino is a tenth of the given names and three tenths of the family names; Berzan the
        // other way round. Each weighs against three tenths.
        for (f, w) in [e[0].weight, e[1].weight].into_iter().enumerate() {
            assert!(w > 0.0 && (w - (model.m[f][0] / 0.3).log2()).abs() < 1e-9, "{e:?}");
        }
    }

    /// Training pairs of an oversized block are drawn across the whole block, not from the
    /// prediction window (which pairs namesakes born on close dates).
    #[test]
    fn training_pairs_of_an_oversized_block_are_drawn_across_it() {
        let records: Vec<Record> = (0..100u16)
            .map(|i| {
                let mut r = rec("Amal", "Kador", "SYR");
                r.set_field("date_of_birth", &format!("{}-03-04", 1920 + i));
                r
            })
            .collect();
        let mut d = Data::default();
        d.extend(records);
        let gap = |p: u64| ((p >> 32) as i64 - (p & 0xFFFF_FFFF) as i64).abs();
        let window = candidate_pairs(&d, RULE_NAME);
        assert!(!window.is_empty() && window.iter().all(|&p| gap(p) <= WINDOW as i64), "the window pairs neighbours in date order");
        let training = training_pairs(&d, RULE_NAME);
        assert!(training.len() <= 100 * WINDOW && training.len() > 100 * WINDOW / 2, "{}", training.len());
        assert!(training.iter().filter(|&&p| gap(p) > 2 * WINDOW as i64).count() > training.len() / 2);
    }

    /// In an oversized block, two records at one address are paired however far apart their
    /// names and dates put them: the second pass goes in address order.
    #[test]
    fn an_oversized_block_is_also_paired_in_address_order() {
        let records: Vec<Record> = (0..100u16)
            .map(|i| {
                let mut r = rec("Amal", "Kador", "SYR");
                r.set_field("date_of_birth", &format!("{}-03-04", 1920 + i));
                r.set_field("address", if i == 0 || i == 99 { "Plot 7, Amaro Settlement" } else { "" });
                r
            })
            .collect();
        let mut d = Data::default();
        d.extend(records);
        let pairs = candidate_pairs(&d, RULE_NAME);
        assert!(pairs.contains(&pack(0, 99)), "one address, far apart in name and date order");
        // Records without an address take no part in the second pass.
        assert!(!pairs.contains(&pack(1, 98)));
        assert_eq!(pairs.len(), (0..100).map(|i: usize| WINDOW.min(99 - i)).sum::<usize>() + 1);
    }

    /// Relatives — one family name, different given names — are measured apart: among them one
    /// address is the rule, so sharing it is weak evidence for them, whatever it is for strangers.
    #[test]
    fn relatives_share_an_address_far_more_often_than_random_records() {
        let syl = ["ka", "lo", "mi", "nu", "re", "sa", "ti", "vo"];
        let given = ["Amal", "Basel", "Dunya", "Farid", "Hiba", "Jamil", "Kamal", "Lina", "Nizar", "Rasha"];
        let mut records = Vec::new();
        for (k, (a, b)) in syl.iter().flat_map(|a| syl.iter().map(move |b| (a, b))).enumerate().take(40) {
            for g in given {
                let mut r = rec(g, &format!("{a}{b}dor"), "SYR");
                r.set_field("address", &format!("Plot {k}, Amaro Settlement"));
                records.push(r);
            }
        }
        let mut d = Data::default();
        d.extend(records);
        let uf = family_u(&d, 200_000).expect("enough pairs of relatives");
        let ur = random_u(&d, 200_000);
        assert!(uf[7][0] > 0.9, "{:?}", uf[7]);
        assert!(ur[7][0] < 0.1, "{:?}", ur[7]);
        // Too few relatives: not measured.
        let mut small = Data::default();
        small.extend(vec![rec("Amal", "Kador", "SYR"), rec("Basel", "Kador", "SYR")]);
        assert!(family_u(&small, 10_000).is_none());
    }

    /// The generic model with the records' frequencies and a u among relatives for the address
    /// (half of relatives' pairs share it).
    fn model_with_relatives(f: &[Feat]) -> Model {
        let mut model = Model::fallback();
        model.tf = term_frequencies(f);
        model.u_family = model.u.clone();
        model.u_family[7] = vec![0.5, 0.1, 0.1, 0.3];
        model.prepare();
        model
    }

    /// The place of birth and the address of two relatives weigh against u among relatives; a
    /// shared address of people whose names agree weighs against the address's own frequency.
    #[test]
    fn relatives_and_address_frequency_in_the_weights() {
        let mut records = Vec::new();
        for (i, g) in ["Amal", "Basel", "Dunya", "Farid", "Hiba", "Jamil"].into_iter().enumerate() {
            let mut r = rec(g, &format!("Kador{i}"), "SYR");
            r.set_field("address", "Block A-01, Kalindi 1");
            records.push(r);
        }
        for g in ["Rasha", "Rasha"] {
            let mut r = rec(g, "Kador", "SYR");
            r.set_field("address", "Block A-01, Kalindi 1");
            records.push(r);
        }
        for g in ["Rasha", "Rasha", "Nizar"] {
            let mut r = rec(g, "Kador", "SYR");
            r.set_field("address", "Flat 3, 12 Mill Street");
            records.push(r);
        }
        let (f, strs) = feats(&records);
        let mut model = model_with_relatives(&f);
        model.u_random[7] = vec![0.1, 0.1, 0.1, 0.7];
        let addr = |a: usize, b: usize| model.explain(&compare(&f[a], &f[b], &strs))[7].weight;
        // Same names, same address: the flat (3 of 11 records) weighs more than the camp block
        // (8 of 11).
        assert!(addr(8, 9) > addr(6, 7) + 1.0, "{} {}", addr(8, 9), addr(6, 7));
        // Relatives (Rasha and Nizar Kador at one flat): log2(m / u among relatives).
        let c = compare(&f[9], &f[10], &strs);
        assert_eq!((c.levels[0], c.levels[1], c.levels[7]), (4, 0, 0));
        let w = model.explain(&c)[7].weight;
        assert!((w - (model.m[7][0] / 0.5).log2()).abs() < 1e-9, "{w}");
    }

    /// A father and a son in patronymic naming (Wol Kuir, son of Kuir Wol) agree on their names
    /// only swapped: their shared address weighs as relatives' does, not as a stranger's.
    #[test]
    fn swapped_names_at_one_address_weigh_the_address_as_relatives_do() {
        let mut records = Vec::new();
        for (g, s, dob) in [("Wol", "Kuir", "2013-06-12"), ("Kuir", "Wol", "1978")] {
            let mut r = rec(g, s, "SSD");
            r.set_field("date_of_birth", dob);
            r.set_field("address", "Flat 19, 51 Mill Street");
            records.push(r);
        }
        let (f, strs) = feats(&records);
        let model = model_with_relatives(&f);
        let c = compare(&f[0], &f[1], &strs);
        assert!(c.swapped && c.levels[7] == 0, "{c:?}");
        let w = model.explain(&c)[7].weight;
        assert!((w - (model.m[7][0] / 0.5).log2()).abs() < 1e-9, "{w}");
    }

    /// A father and a son named after him, at one flat: one name, plainly different birth dates.
    /// The address weighs as it does among relatives, not as a flat shared by two strangers.
    #[test]
    fn one_name_at_one_address_with_different_birth_dates_weighs_the_address_as_relatives_do() {
        let mut records = Vec::new();
        for (g, dob) in [("Eyad", "1976-11-22"), ("Iyad", "2020-04-27"), ("Iyad", "1976-11-22")] {
            let mut r = rec(g, "Al-Ashqar", "SYR");
            r.set_field("date_of_birth", dob);
            r.set_field("address", "Flat 2, 8 Baobab Avenue");
            records.push(r);
        }
        // Others at other addresses: a flat shared by three records of 50 is a rare address.
        for i in 0..47 {
            let mut r = rec("Amal", &format!("Kador{i}"), "SYR");
            r.set_field("address", &format!("Flat {i}, 9 Mill Street"));
            records.push(r);
        }
        let (f, strs) = feats(&records);
        let mut model = model_with_relatives(&f);
        model.u_family[7][0] = 0.25;
        model.prepare();
        let c = compare(&f[0], &f[1], &strs);
        assert!(c.levels[1] == 0 && c.levels[2] as usize == crate::compare::DOB_LEVELS.len() - 1 && c.levels[7] == 0, "{c:?}");
        let relatives = (model.m[7][0] / 0.25).log2();
        assert!((model.explain(&c)[7].weight - relatives).abs() < 1e-9, "{:?}", model.explain(&c));
        // Born on one day, two such records would be one person at one address: the flat weighs
        // against its own frequency then, far more than among relatives.
        let c = compare(&f[0], &f[2], &strs);
        assert!(model.explain(&c)[7].weight > relatives + 1.0, "{:?}", model.explain(&c));
    }

    fn named(id: &str, given: &str, surname: &str, dob: &str) -> Record {
        let mut r = rec(given, surname, "SYR");
        r.id = id.to_owned();
        r.set_field("date_of_birth", dob);
        r
    }

    /// Clustering renumbers records by name key and date, keeps each record's identifier with its
    /// features, and keeps the left file's records before the right file's in linkage.
    #[test]
    fn clustering_keeps_identifiers_with_their_records_and_the_files_apart() {
        let mut d = Data::default();
        d.extend(vec![named("l1", "Omar", "Zaid", "1990"), named("l2", "Amal", "Badr", "1980"), named("l3", "Omar", "Zaid", "1970")]);
        d.n_left = Some(3);
        d.extend(vec![named("r1", "Omar", "Zaid", "1985"), named("r2", "Amal", "Badr", "1975")]);
        let before: Vec<(String, u32)> = (0..d.len()).map(|i| (d.ids.get(i).to_owned(), d.feats[i].dob)).collect();
        d.cluster();
        let after: Vec<(String, u32)> = (0..d.len()).map(|i| (d.ids.get(i).to_owned(), d.feats[i].dob)).collect();
        let (mut b, mut a) = (before.clone(), after.clone());
        b.sort();
        a.sort();
        assert_eq!(a, b, "every identifier keeps its own features");
        assert!(after[..3].iter().all(|(id, _)| id.starts_with('l')) && after[3..].iter().all(|(id, _)| id.starts_with('r')), "{after:?}");
        // The two Omar Zaid of the left file are neighbours, the earlier birth first.
        let omar: Vec<usize> = after[..3].iter().enumerate().filter(|(_, (id, _))| id == "l1" || id == "l3").map(|(i, _)| i).collect();
        assert_eq!(omar.len(), 2);
        assert_eq!(omar[1], omar[0] + 1);
        assert_eq!(after[omar[0]].0, "l3");
    }

    /// A name part compared in the other position (a family name read as a given name) is weighed
    /// by its frequency as what it is.
    #[test]
    fn a_name_part_out_of_place_finds_its_frequency() {
        let (f, strs) = feats(&[rec("Selam", "Tesfay", "ERI"), rec("Yonas", "Tesfay", "ERI"), rec("Awet", "Kidane", "ERI"), rec("Ruth", "Haile", "ERI")]);
        let mut model = Model::fallback();
        model.tf = term_frequencies(&f);
        model.prepare();
        let mut c = compare(&f[0], &f[1], &strs);
        c.levels[0] = 0;
        c.given_canon = strs.lookup("tesfay").unwrap_or(NONE);
        c.given_canon_b = c.given_canon;
        let e = model.explain(&c);
        // Tesfay is half of the Eritrean family names.
        assert!((e[0].weight - (model.m[0][0] / 0.5).log2()).abs() < 1e-9, "{e:?}");
    }
}

