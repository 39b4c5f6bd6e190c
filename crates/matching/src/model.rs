//! The Fellegi–Sunter model: m and u probabilities per field and level, estimated without labels.
//!
//! - **u** (the chance that two *different* people agree at a level) is first measured on random
//!   pairs of records, which are almost all non-matches.
//! - **m** (the chance that two records of the *same* person agree at a level), the proportion of
//!   matches λ among the candidate pairs, and u again, are then estimated by
//!   expectation–maximisation on the comparison vectors of the candidate pairs from blocking,
//!   starting from u as measured and from a generic m. Comparison vectors are aggregated into
//!   patterns first, so an iteration costs the number of distinct patterns, not of pairs.
//! - The match weight of a pair is `log2(λ/(1-λ)) + Σ log2(m/u)` over the fields where both records
//!   have a value; the exact-name levels use the frequency of the name itself instead of the
//!   average u (term-frequency adjustment): agreeing on a rare name weighs more than on Muhammad.
//! - The match probability is `2^w / (1 + 2^w)`, the posterior of the fitted mixture.

use crate::compare::{unpack, Comparison, Field, NULL, N_FIELDS};

/// The level of birth dates that plainly differ (the last of [`crate::compare::DOB_LEVELS`]).
const DOB_DIFFERENT: u8 = (crate::compare::DOB_LEVELS.len() - 1) as u8;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// The most levels a field has.
pub(crate) const MAX_LEVELS: usize = 9;

/// Below this many candidate pairs the data is too small to fit a model: [`Model::fallback`] is used.
pub const MIN_PAIRS_TO_FIT: usize = 200;

/// Pseudo-pairs of the Dirichlet prior on each field's m and u.
pub const PRIOR_PAIRS: f64 = 20.0;

/// How each field's levels are counted.
pub(crate) fn n_levels(f: usize) -> usize {
    Field::ALL.get(f).map(|f| f.levels().len()).unwrap_or(0)
}

/// One field's contribution to a match: its level and its weight (log2 Bayes factor).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldContribution {
    /// The field.
    pub field: Field,
    /// The agreement level, in words (`"missing"` when a record has no value: weight 0).
    pub level: String,
    /// log2(m/u): positive for evidence of the same person, negative against.
    pub weight: f64,
}

/// A fitted Fellegi–Sunter model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    /// m probabilities, `m[field][level]`.
    pub m: Vec<Vec<f64>>,
    /// u probabilities, `u[field][level]`.
    pub u: Vec<Vec<f64>>,
    /// u measured on random pairs (the population; used for term-frequency adjustments).
    pub u_random: Vec<Vec<f64>>,
    /// u among pairs of different people of one family name whose given names differ (relatives,
    /// mostly of one household), `u_family[field][level]`: weighs the place of birth and the
    /// address of such pairs. Empty when not measured (too few such pairs).
    #[serde(default)]
    pub u_family: Vec<Vec<f64>>,
    /// The prior: the probability that two records drawn at random are of the same person.
    pub lambda: f64,
    /// EM iterations run.
    pub iterations: usize,
    /// Whether EM converged (parameter change below 1e-6) before the iteration limit.
    pub converged: bool,
    /// The match probability at and above which a pair is a predicted match.
    pub threshold: f64,
    /// Term frequencies of canonical names: symbol → share of name parts, used for exact-level
    /// adjustments (not serialised: rebuilt from the data).
    #[serde(skip)]
    pub(crate) tf: FxHashMap<u64, f64>,
    /// log2(m/u) by field and level, computed once by [`Model::prepare`] (empty: computed on use).
    #[serde(skip)]
    pub(crate) weights: Vec<[f64; MAX_LEVELS]>,
}

/// Generic starting values for m: most mass on the best levels.
fn initial_m(f: usize) -> Vec<f64> {
    let n = n_levels(f);
    let mut v: Vec<f64> = (0..n).map(|l| 0.5f64.powi(l as i32 + 1)).collect();
    // Much of the mass on exact agreement, a little on the worst level.
    v[0] = 0.8;
    let s: f64 = v.iter().sum();
    v.iter_mut().for_each(|x| *x /= s);
    v
}

/// Counts of distinct comparison patterns.
pub(crate) type Patterns = FxHashMap<u32, f64>;

/// u from level counts on random pairs (add-one smoothing).
pub(crate) fn u_from_counts(counts: &[[f64; MAX_LEVELS]; N_FIELDS]) -> Vec<Vec<f64>> {
    (0..N_FIELDS)
        .map(|f| {
            let n = n_levels(f);
            let total: f64 = counts[f][..n].iter().sum::<f64>() + 0.5 * n as f64;
            (0..n).map(|l| (counts[f][l] + 0.5) / total).collect()
        })
        .collect()
}

impl Model {
    /// Fits m, u and λ by EM on the candidate patterns, from u measured on random pairs.
    pub(crate) fn fit(patterns: &Patterns, u0: Vec<Vec<f64>>, max_iter: usize, fixed_u: &[usize]) -> Model {
        let mut m: Vec<Vec<f64>> = (0..N_FIELDS).map(initial_m).collect();
        let m_prior = m.clone();
        let u_random = u0.clone();
        let mut u = u0;
        let mut lambda = 0.1f64;
        let pats: Vec<([u8; N_FIELDS], f64)> = patterns.iter().map(|(p, c)| (unpack(*p), *c)).collect();
        let total: f64 = pats.iter().map(|(_, c)| c).sum();
        let mut iterations = 0;
        let mut converged = false;
        if total <= 0.0 {
            return Model { m, u, u_random, u_family: Vec::new(), lambda, iterations, converged: true, threshold: 0.5, tf: FxHashMap::default(), weights: Vec::new() };
        }
        for it in 0..max_iter {
            iterations = it + 1;
            let mut mc = [[0f64; MAX_LEVELS]; N_FIELDS];
            let mut uc = [[0f64; MAX_LEVELS]; N_FIELDS];
            let mut matches = 0f64;
            for (levels, c) in &pats {
                let mut lm = lambda.ln();
                let mut lu = (1.0 - lambda).ln();
                for (f, &l) in levels.iter().enumerate() {
                    if l != NULL {
                        let l = l as usize;
                        lm += m[f].get(l).copied().unwrap_or(1e-12).max(1e-12).ln();
                        lu += u[f].get(l).copied().unwrap_or(1e-12).max(1e-12).ln();
                    }
                }
                let g = 1.0 / (1.0 + (lu - lm).exp());
                matches += g * c;
                for (f, &l) in levels.iter().enumerate() {
                    if l != NULL && (l as usize) < MAX_LEVELS {
                        mc[f][l as usize] += g * c;
                        uc[f][l as usize] += (1.0 - g) * c;
                    }
                }
            }
            let mut delta = 0f64;
            for f in 0..N_FIELDS {
                let n = n_levels(f);
                let (sm, su): (f64, f64) = (mc[f][..n].iter().sum(), uc[f][..n].iter().sum());
                if sm <= 0.0 || su <= 0.0 {
                    continue; // field never observed: keep priors (weight is never used)
                }
                // A weak Dirichlet prior (PRIOR_PAIRS pseudo-pairs spread like the starting values)
                // keeps a level seen in a handful of pairs from getting an extreme weight.
                for l in 0..n {
                    let nm = (mc[f][l] + PRIOR_PAIRS * m_prior[f][l]) / (sm + PRIOR_PAIRS);
                    let nu = (uc[f][l] + PRIOR_PAIRS * u_random[f][l]) / (su + PRIOR_PAIRS);
                    delta = delta.max((nm - m[f][l]).abs()).max((nu - u[f][l]).abs());
                    m[f][l] = nm;
                    if !fixed_u.contains(&f) {
                        u[f][l] = nu;
                    }
                }
            }
            let nl = (matches / total).clamp(1e-9, 1.0 - 1e-9);
            delta = delta.max((nl - lambda).abs());
            lambda = nl;
            if delta < 1e-6 {
                converged = true;
                break;
            }
        }
        Model { m, u, u_random, u_family: Vec::new(), lambda, iterations, converged, threshold: 0.5, tf: FxHashMap::default(), weights: Vec::new() }
    }

    /// A model with generic, hand-set probabilities, for data too small to estimate from (fewer
    /// than [`MIN_PAIRS_TO_FIT`] candidate pairs). Its threshold is 0.5.
    pub fn fallback() -> Model {
        let m = vec![
            vec![0.70, 0.12, 0.08, 0.05, 0.05],
            vec![0.70, 0.12, 0.08, 0.05, 0.05],
            vec![0.55, 0.03, 0.04, 0.02, 0.08, 0.16, 0.04, 0.05, 0.03],
            vec![0.97, 0.03],
            vec![0.80, 0.10, 0.10],
            vec![0.95, 0.05],
            vec![0.90, 0.05, 0.05],
            vec![0.50, 0.20, 0.15, 0.15],
        ];
        let u = vec![
            vec![0.01, 0.01, 0.02, 0.05, 0.91],
            vec![0.01, 0.01, 0.02, 0.05, 0.91],
            vec![0.0001, 0.0001, 0.0005, 0.0002, 0.001, 0.015, 0.015, 0.03, 0.9381],
            vec![0.5, 0.5],
            vec![0.05, 0.05, 0.90],
            vec![0.5, 0.5],
            vec![0.00001, 0.0001, 0.99989],
            vec![0.01, 0.02, 0.07, 0.90],
        ];
        let mut model = Model { u_random: u.clone(), u_family: Vec::new(), m, u, lambda: 0.05, iterations: 0, converged: true, threshold: 0.5, tf: FxHashMap::default(), weights: Vec::new() };
        model.prepare();
        model
    }

    /// Computes the weight table used when scoring. Call it again after changing `m` or `u`.
    pub fn prepare(&mut self) {
        self.weights.clear();
        let table: Vec<[f64; MAX_LEVELS]> = (0..N_FIELDS)
            .map(|f| {
                let mut row = [0f64; MAX_LEVELS];
                for (l, v) in row.iter_mut().enumerate().take(n_levels(f)) {
                    *v = self.weight(f, l as u8);
                }
                row
            })
            .collect();
        self.weights = table;
    }

    fn fast_weight(&self, f: usize, level: u8) -> f64 {
        if level == NULL {
            return 0.0;
        }
        match self.weights.get(f).and_then(|r| r.get(level as usize)) {
            Some(w) => *w,
            None => self.weight(f, level),
        }
    }

    /// log2(m/u) of a field at a level (0 for a missing value).
    pub fn weight(&self, f: usize, level: u8) -> f64 {
        if level == NULL {
            return 0.0;
        }
        let l = level as usize;
        match (self.m.get(f).and_then(|v| v.get(l)), self.u.get(f).and_then(|v| v.get(l))) {
            (Some(m), Some(u)) if *m > 0.0 && *u > 0.0 => (m / u).log2(),
            _ => 0.0,
        }
    }

    /// The prior weight log2(λ/(1-λ)).
    pub fn prior_weight(&self) -> f64 {
        (self.lambda / (1.0 - self.lambda)).log2()
    }

    /// The term frequency of an exactly agreeing name part: its share among the records that have
    /// that name part, within the citizenship both records share if any (and whether that was
    /// used), else overall.
    ///
    /// The most common reading counts: the part as either record spells it (they differ when the
    /// names agreed through the original script), and as a given name or as a family name
    /// (whichever is more common). A swapped name, an unsplit full name or a name part written
    /// now as given and now as family name would otherwise find the rare cases where the part
    /// stood in the other place, and weigh as very strong evidence.
    fn name_tf(&self, f: usize, c: &Comparison) -> Option<(f64, bool)> {
        use crate::compare::NONE;
        use crate::engine::name_tf_key;
        let (a, b) = if f == 0 { (c.given_canon, c.given_canon_b) } else { (c.surname_canon, c.surname_canon_b) };
        // Usually both records spell the part alike: one symbol to look up.
        let syms = if a == b { [a, NONE] } else { [a, b] };
        let max_share = |group: u32| {
            syms.iter()
                .filter(|&&s| s != NONE)
                .flat_map(|&s| [false, true].map(|kind| self.tf.get(&name_tf_key(s, kind, group)).copied()))
                .flatten()
                .reduce(f64::max)
        };
        if c.shared_citizenship != NONE {
            if let Some(t) = max_share(c.shared_citizenship) {
                return Some((t, true));
            }
        }
        max_share(NONE).map(|t| (t, false))
    }

    /// True when an exactly agreeing name part was weighed against its frequency within the
    /// citizenship both records share.
    fn names_within_citizenship(tfs: &NameTfs) -> bool {
        tfs.iter().any(|t| t.is_some_and(|(_, within)| within))
    }

    /// The term frequencies of the exactly agreeing name parts (looked up once per comparison).
    fn name_tfs(&self, c: &Comparison) -> NameTfs {
        [0, 1].map(|f| if c.levels[f] == 0 { self.name_tf(f, c) } else { None })
    }

    /// True when the names agree the way relatives' names do: one family name with different
    /// given names, or given and family name swapped (a father and a son in patronymic naming:
    /// Wol Kuir and Kuir Wol), or one family name and birth dates that plainly differ (a father
    /// and a son named after him: Eyad and Iyad Al-Ashqar, born 1976 and 2020, at one flat). Such
    /// pairs share a home town and an address far more often than strangers or namesakes, so
    /// those fields weigh against how often relatives share them.
    fn relatives_like(c: &Comparison) -> bool {
        let family = c.levels[1] <= 1;
        (family && matches!(c.levels[0], 3 | 4)) || c.swapped || (family && c.levels[2] == DOB_DIFFERENT)
    }

    /// Weight of a field, with term-frequency adjustments.
    fn field_weight(&self, f: usize, c: &Comparison, tfs: &NameTfs) -> f64 {
        let level = c.levels[f];
        if f == 2 && (4..=6).contains(&level) && c.shared_year != 0 {
            // Agreeing on a birth year (and no more) weighs against how common that year is:
            // many children are born in the years a registry covers, few people in 1950. The
            // adjustment is log2(P(two records share a year) / share of this year).
            use crate::engine::{tf_key, YEAR_MARK};
            let none = crate::compare::NONE;
            if let (Some(agree), Some(share)) =
                (self.tf.get(&tf_key(YEAR_MARK, none)), self.tf.get(&tf_key(YEAR_MARK | u32::from(c.shared_year), none)))
            {
                return self.fast_weight(f, level) + (agree / share.max(1e-9)).log2();
            }
        }
        if f == 5 && level == 0 && Self::names_within_citizenship(tfs) {
            // Chain rule: P(names, citizenship | different people) = P(citizenship) ×
            // P(names | citizenship). The names were weighed against their frequency among
            // people of this citizenship, so sharing it weighs what it does between random
            // records (not what it does among namesakes, who mostly share it already).
            let (m, u) = (self.m[5][0], self.u_random.get(5).and_then(|u| u.first()).copied().unwrap_or(0.0));
            if m > 0.0 && u > 0.0 {
                return (m / u).log2();
            }
        }
        if (f == 4 || f == 7) && level != NULL && Self::relatives_like(c) {
            // Names as relatives' agree (one family name and different given names, or swapped
            // names): relatives share a home town and an address far more often than strangers
            // or namesakes do. The place and the address
            // weigh against how often relatives share them (u measured among such pairs), not
            // against the population: otherwise a brother and sister of one household, born
            // years apart, add the surname, the place and the address as three independent
            // pieces of evidence and outweigh their different given names and birth dates.
            if let (Some(m), Some(u)) = (self.m.get(f).and_then(|v| v.get(level as usize)), self.u_family.get(f).and_then(|v| v.get(level as usize))) {
                if *m > 0.0 && *u > 0.0 {
                    return (m / u).log2();
                }
            }
        }
        let name_agrees = |l: u8| l <= 2 || l == NULL;
        if level == 0 && (f == 4 || f == 7) && name_agrees(c.levels[0]) && name_agrees(c.levels[1]) {
            // The same place of birth, or the same address word for word, weighs against how
            // common it is (as a name does): a camp block where a hundred families live, or the
            // capital, says less than a flat in town or a village. Never negative.
            use crate::engine::{tf_key, ADDR_MARK, PLACE_MARK};
            let (sym, mark) = if f == 7 { (c.shared_addr, ADDR_MARK) } else { (c.shared_place, PLACE_MARK) };
            if sym != crate::compare::NONE {
                if let (Some(tf), Some(u_avg)) =
                    (self.tf.get(&tf_key(mark | sym, crate::compare::NONE)), self.u_random.get(f).and_then(|u| u.first()))
                {
                    return (self.fast_weight(f, 0) + (u_avg / tf.max(1e-7)).log2()).max(0.0);
                }
            }
        }
        if level == 0 && (f == 0 || f == 1) {
            if let (Some((tf, _)), Some(u_avg)) = (tfs[f], self.u_random.get(f).and_then(|u| u.first())) {
                // Splink's adjustment: log2(u / tf) on top of log2(m / u), where u is the average
                // chance that two random records share a name and tf that of sharing this one
                // (among people of the citizenship both records share, if any). Never negative:
                // agreeing on a name is never evidence against.
                let adj = (u_avg / tf.max(1e-7)).log2();
                return (self.fast_weight(f, 0) + adj).max(0.0);
            }
        }
        self.fast_weight(f, level)
    }

    /// The total match weight of a comparison.
    pub(crate) fn match_weight(&self, c: &Comparison) -> f64 {
        let tfs = self.name_tfs(c);
        self.prior_weight() + (0..N_FIELDS).map(|f| self.field_weight(f, c, &tfs)).sum::<f64>()
    }

    /// The match probability of a comparison.
    pub(crate) fn probability(&self, c: &Comparison) -> f64 {
        probability(self.match_weight(c))
    }

    /// Each field's contribution.
    pub(crate) fn explain(&self, c: &Comparison) -> Vec<FieldContribution> {
        let tfs = self.name_tfs(c);
        Field::ALL
            .iter()
            .enumerate()
            .map(|(f, field)| {
                let l = c.levels[f];
                let mut level = if l == NULL { "missing".to_owned() } else { field.levels().get(l as usize).copied().unwrap_or("?").to_owned() };
                if c.swapped && f < 2 && l != NULL {
                    level.push_str(", given and family name swapped");
                }
                FieldContribution { field: *field, level, weight: self.field_weight(f, c, &tfs) }
            })
            .collect()
    }
}

/// Term frequencies of the two name parts, when they agree exactly: (share, weighed within the
/// shared citizenship).
type NameTfs = [Option<(f64, bool)>; 2];

/// 2^w / (1 + 2^w), safe for large |w|.
pub fn probability(w: f64) -> f64 {
    if w > 60.0 {
        1.0
    } else if w < -60.0 {
        0.0
    } else {
        let o = w.exp2();
        o / (1.0 + o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic two-class mixture with known m, u and λ: EM recovers them.
    #[test]
    fn em_recovers_a_known_mixture() {
        let true_m = [0.9, 0.05, 0.05];
        let true_u = [0.05, 0.15, 0.8];
        let lambda = 0.2;
        // Fields 0, 1, 2 with three levels each (0: agree, 1: close, 2: disagree), others null.
        let mut pats = Patterns::default();
        for a in 0..3u32 {
            for b in 0..3u32 {
                for c in 0..3u32 {
                    let pm = true_m[a as usize] * true_m[b as usize] * true_m[c as usize];
                    let pu = true_u[a as usize] * true_u[b as usize] * true_u[c as usize];
                    let mut levels = [NULL; N_FIELDS];
                    levels[0] = a as u8;
                    levels[1] = b as u8;
                    levels[2] = c as u8;
                    let p = levels.iter().enumerate().fold(0u32, |acc, (i, &l)| acc | (u32::from(l) << (4 * i)));
                    pats.insert(p, 1e6 * (lambda * pm + (1.0 - lambda) * pu));
                }
            }
        }
        // Start u from a rough guess, as random sampling would give.
        let mut u0: Vec<Vec<f64>> = (0..N_FIELDS).map(|f| vec![1.0 / n_levels(f) as f64; n_levels(f)]).collect();
        u0[0] = vec![0.1, 0.1, 0.1, 0.1, 0.6];
        u0[1] = vec![0.1, 0.1, 0.1, 0.1, 0.6];
        let model = Model::fit(&pats, u0, 500, &[]);
        assert!(model.converged, "EM did not converge in {} iterations", model.iterations);
        assert!((model.lambda - lambda).abs() < 0.01, "lambda {}", model.lambda);
        assert!((model.m[2][0] - 0.9).abs() < 0.02, "m {:?}", model.m[2]);
        assert!((model.u[2][2] - 0.8).abs() < 0.02, "u {:?}", model.u[2]);
    }

    #[test]
    fn probability_is_bounded() {
        assert_eq!(probability(1000.0), 1.0);
        assert_eq!(probability(-1000.0), 0.0);
        assert!((probability(0.0) - 0.5).abs() < 1e-12);
    }
}
