//! The batch engine: features of many records, blocking into candidate pairs, model fitting and
//! scoring, in parallel.

use crate::compare::{compare, Feat, Interner, RawFeat, N_FIELDS, NONE, NULL};
use crate::model::{u_from_counts, Model, Patterns, MAX_LEVELS};
use crate::record::Record;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};

/// Blocks up to this size are compared in full; larger ones by a sliding window over records sorted
/// by their whole name and date of birth.
pub const BLOCK_CAP: usize = 120;
/// The window in oversized blocks.
pub const WINDOW: usize = 30;
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
}

fn h<T: Hash>(t: T) -> u64 {
    let mut s = FxHasher::default();
    t.hash(&mut s);
    s.finish()
}

/// The blocking keys of a record (rule number hashed in).
pub(crate) fn block_keys(f: &Feat, out: &mut Vec<u64>) {
    out.clear();
    let mut pairs = Vec::new();
    f.name_key_pairs(&mut pairs);
    for p in &pairs {
        out.push(h((0u8, p)));
    }
    let year = if f.dob == 0 { 0 } else { f.dob >> 9 };
    let mut keys = Vec::new();
    f.name_keys(&mut keys);
    if year != 0 {
        for k in &keys {
            out.push(h((1u8, k, year)));
        }
    }
    if f.doc != NONE {
        out.push(h((2u8, f.doc)));
    }
    if f.dob & 0x1F != 0 {
        out.push(h((3u8, f.dob, f.cit[0])));
    }
    if f.orig != NONE {
        out.push(h((4u8, f.orig)));
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

fn pack(a: u32, b: u32) -> u64 {
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    (u64::from(a) << 32) | u64::from(b)
}

/// Candidate pairs from all blocking rules, deduplicated, as `(low << 32) | high` record indexes.
pub(crate) fn candidate_pairs(d: &Data) -> Vec<u64> {
    let mut entries: Vec<(u64, u32)> = d
        .feats
        .par_iter()
        .enumerate()
        .fold(Vec::new, |mut acc, (i, f)| {
            let mut keys = Vec::new();
            block_keys(f, &mut keys);
            acc.extend(keys.into_iter().map(|k| (k, i as u32)));
            acc
        })
        .reduce(Vec::new, |mut a, mut b| {
            a.append(&mut b);
            a
        });
    entries.par_sort_unstable();
    // Group boundaries.
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
    for x in 0..sorted.len() {
        for y in x + 1..(x + 1 + WINDOW).min(sorted.len()) {
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

/// Level counts on random pairs (u).
pub(crate) fn random_u(d: &Data, samples: usize) -> Vec<Vec<f64>> {
    let n = d.len();
    let counts = (0..64u64)
        .into_par_iter()
        .map(|chunk| {
            let mut rng = SplitMix(0x5EED ^ chunk.wrapping_mul(0x1234_5678_9ABC));
            let mut c = [[0f64; MAX_LEVELS]; N_FIELDS];
            if n < 2 {
                return c;
            }
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
                let cmp = compare(&d.feats[a], &d.feats[b], &d.strs);
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
    u_from_counts(&counts)
}

/// Pattern counts of (an even sample of at most `EM_SAMPLE`) candidate pairs, for EM.
pub(crate) fn patterns(d: &Data, pairs: &[u64]) -> Patterns {
    let step = pairs.len().div_ceil(EM_SAMPLE).max(1);
    pairs
        .par_iter()
        .step_by(step)
        .fold(Patterns::default, |mut acc, &p| {
            let c = compare(&d.feats[(p >> 32) as usize], &d.feats[(p & 0xFFFF_FFFF) as usize], &d.strs);
            *acc.entry(c.pattern()).or_insert(0.0) += 1.0;
            acc
        })
        .reduce(Patterns::default, |mut a, b| {
            for (k, v) in b {
                *a.entry(k).or_insert(0.0) += v;
            }
            a
        })
}

/// Term frequencies of canonical name parts (role-agnostic), as shares of all name parts.
pub(crate) fn term_frequencies(feats: &[Feat]) -> FxHashMap<u32, f64> {
    let mut counts: FxHashMap<u32, u32> = FxHashMap::default();
    let mut total = 0u64;
    for f in feats {
        let r = f.main_reading();
        for p in [r.given, r.surname].into_iter().flatten() {
            *counts.entry(p.canon).or_insert(0) += 1;
            total += 1;
        }
    }
    let t = total.max(1) as f64;
    counts.into_iter().map(|(k, v)| (k, f64::from(v) / t)).collect()
}

/// Fits the model on `d` from its candidate pairs and their patterns.
pub(crate) fn fit(d: &Data, counts: &Patterns) -> Model {
    if counts.values().sum::<f64>() < crate::model::MIN_PAIRS_TO_FIT as f64 {
        let mut model = Model::fallback();
        model.tf = term_frequencies(&d.feats);
        return model;
    }
    let u0 = random_u(d, U_SAMPLE);
    let mut model = Model::fit(counts, u0, EM_MAX_ITER, false);
    model.tf = term_frequencies(&d.feats);
    model
}

/// Re-scores a pair (its probability with term-frequency adjustments).
pub(crate) fn score_pair(d: &Data, model: &Model, p: u64) -> f64 {
    let c = compare(&d.feats[(p >> 32) as usize], &d.feats[(p & 0xFFFF_FFFF) as usize], &d.strs);
    model.probability(&c)
}
