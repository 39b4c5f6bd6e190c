//! The online index: the duplicate check when a person is registered.

use crate::compare::{compare, JwMemo, Overlay, RawFeat};
use crate::engine::{self, block_keys, sort_key, Data};
use crate::model::{FieldContribution, Model};
use crate::record::Record;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

/// A likely duplicate of a checked record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Match {
    /// The id of the registered record.
    pub other_id: String,
    /// Match probability in [0, 1].
    pub score: f64,
    /// Total match weight (log2 odds): the prior weight plus the fields' weights.
    pub weight: f64,
    /// The prior weight, log2(λ/(1-λ)), before any field is compared.
    pub prior_weight: f64,
    /// Each field's contribution: the explanation.
    pub explanation: Vec<FieldContribution>,
}

/// Blocks larger than this are only searched around the record's place in name order.
pub const ONLINE_BLOCK_CAP: usize = 2_000;

/// An index of registered records for the duplicate check.
///
/// ```
/// use nansen_matching::{Index, Record};
/// let mut a = Record::new("p1");
/// a.given_name = Some("Mohammed".into());
/// a.surname = Some("Al-Hassan".into());
/// a.date_of_birth = nansen_matching::BirthDate::parse_lenient("1990-03-04");
/// let mut index = Index::build(vec![a]);
/// let mut b = Record::new("new");
/// b.name_original = Some("محمد الحسن".into());
/// b.date_of_birth = nansen_matching::BirthDate::parse_lenient("1990");
/// let found = index.candidates(&b);
/// assert_eq!(found.first().map(|m| m.other_id.as_str()), Some("p1"));
/// index.insert(b);
/// assert_eq!(index.len(), 2);
/// ```
#[derive(Debug)]
pub struct Index {
    data: Data,
    model: Model,
    blocks: FxHashMap<u64, Vec<u32>>,
    tf: engine::TfCounts,
}

impl Index {
    /// Builds an index of `records` and fits the model on them (as a deduplication would). With
    /// fewer than a few hundred records the fitted model is weak; prefer [`Index::with_model`] with
    /// a model fitted on a larger registry.
    pub fn build(records: impl IntoIterator<Item = Record>) -> Index {
        let data = Self::data_of(records);
        let model = engine::fit(&data);
        Self::from_data(data, model)
    }

    /// Fits a model on `records` as [`Index::build`] does, without indexing them: for a registry
    /// that has grown since its index was built ([`Index::set_model`]), or to check a batch against
    /// a registry with a model fitted on both.
    pub fn fit(records: impl IntoIterator<Item = Record>) -> Model {
        engine::fit(&Self::data_of(records))
    }

    /// Builds an index of `records` with a model fitted on them and on `also` (records checked and
    /// inserted afterwards, e.g. an import's): each record of `records` is featurised once.
    pub fn build_fitted_with(records: impl IntoIterator<Item = Record>, also: impl IntoIterator<Item = Record>) -> Index {
        let mut data = Self::data_of(records);
        let n = data.len();
        data.extend(also.into_iter().collect());
        let model = engine::fit(&data);
        data.truncate(n);
        Self::from_data(data, model)
    }

    fn data_of(records: impl IntoIterator<Item = Record>) -> Data {
        let mut data = Data::default();
        let mut batch = Vec::new();
        for r in records {
            batch.push(r);
            if batch.len() >= 50_000 {
                data.extend(std::mem::take(&mut batch));
            }
        }
        data.extend(batch);
        data
    }

    /// Scores with `model` from now on (a model fitted by [`Index::fit`] on a larger registry); the
    /// term frequencies of the indexed records are kept.
    pub fn set_model(&mut self, mut model: Model) {
        model.prepare();
        model.tf = std::mem::take(&mut self.model.tf);
        self.model = model;
    }

    /// Builds an index of `records` that scores with a model fitted elsewhere.
    pub fn with_model(records: impl IntoIterator<Item = Record>, mut model: Model) -> Index {
        model.prepare();
        let mut data = Data::default();
        data.extend(records.into_iter().collect());
        Self::from_data(data, model)
    }

    fn from_data(data: Data, model: Model) -> Index {
        let mut index = Index { data, model, blocks: FxHashMap::default(), tf: engine::TfCounts::default() };
        let mut keys = Vec::new();
        for i in 0..index.data.feats.len() {
            index.add_to_blocks(i, &mut keys);
        }
        index.refresh_tf();
        index
    }

    fn add_to_blocks(&mut self, i: usize, keys: &mut Vec<u64>) {
        let Some(f) = self.data.feats.get(i) else { return };
        block_keys(f, &self.data.strs, engine::ALL_RULES, keys);
        let touched = self.tf.add(f);
        for k in touched {
            if let Some(s) = self.tf.share(k) {
                self.model.tf.insert(k, s);
            }
        }
        if f.dob != 0 {
            let y = (f.dob >> 9) as u16;
            if let Some(s) = self.tf.year_share(y) {
                self.model.tf.insert(engine::tf_key(engine::YEAR_MARK | u32::from(y), crate::compare::NONE), s);
            }
        }
        if let Some(s) = self.tf.group_share(f.cit[0]) {
            self.model.tf.insert(engine::tf_key(crate::compare::NONE, f.cit[0]), s);
        }
        for &k in keys.iter() {
            self.blocks.entry(k).or_default().push(i as u32);
        }
    }

    fn refresh_tf(&mut self) {
        self.model.tf = self.tf.shares();
    }

    /// Adds a record (after registration). Term frequencies are updated as records come in.
    pub fn insert(&mut self, record: Record) {
        let raw = RawFeat::of(&record);
        let feat = raw.intern(&mut self.data.strs);
        self.data.ids.push(&record.id);
        self.data.feats.push(feat);
        let mut keys = Vec::new();
        // Term frequencies of this record's names are updated as it is added (the shares of other
        // names drift by at most one part in the registry's size until the next rebuild).
        self.add_to_blocks(self.data.feats.len() - 1, &mut keys);
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.data.feats.len()
    }

    /// True when the index holds no record.
    pub fn is_empty(&self) -> bool {
        self.data.feats.is_empty()
    }

    /// The model that scores.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// Likely duplicates of `record` among the indexed records: score at or above the model's
    /// threshold, best first, each with its explanation. The record itself (same id) is skipped.
    pub fn candidates(&self, record: &Record) -> Vec<Match> {
        self.candidates_above(record, self.model.threshold)
    }

    /// Like [`Index::candidates`] with another minimum score (e.g. 0.1 to show weaker candidates
    /// for review).
    pub fn candidates_above(&self, record: &Record, min_score: f64) -> Vec<Match> {
        let mut overlay = Overlay::new(&self.data.strs);
        let q = RawFeat::of(record).intern(&mut overlay);
        let mut keys = Vec::new();
        block_keys(&q, &overlay, engine::ALL_RULES, &mut keys);
        let qk = sort_key(&q);
        let mut cands: Vec<u32> = Vec::new();
        for k in &keys {
            let Some(members) = self.blocks.get(k) else { continue };
            if members.len() <= ONLINE_BLOCK_CAP {
                cands.extend_from_slice(members);
            } else {
                // An oversized block (a very common name in one year): the members nearest in
                // name order, as the batch window does.
                let mut by_key: Vec<(u64, u32)> =
                    members.iter().map(|&m| (sort_key(&self.data.feats[m as usize]).abs_diff(qk), m)).collect();
                by_key.select_nth_unstable(ONLINE_BLOCK_CAP / 2);
                cands.extend(by_key[..ONLINE_BLOCK_CAP / 2].iter().map(|x| x.1));
            }
        }
        cands.sort_unstable();
        cands.dedup();
        // Candidates of a common name repeat the same few spellings: each is compared once.
        let memo = JwMemo::with_bits(&overlay, 8);
        let mut out: Vec<Match> = cands
            .into_iter()
            .filter_map(|c| {
                let f = self.data.feats.get(c as usize)?;
                let id = self.data.ids.get(c as usize);
                if id == record.id {
                    return None;
                }
                let cmp = compare(&q, f, &memo);
                let weight = self.model.match_weight(&cmp);
                let score = crate::model::probability(weight);
                (score >= min_score).then(|| Match {
                    other_id: id.to_owned(),
                    score,
                    weight,
                    prior_weight: self.model.prior_weight(),
                    explanation: self.model.explain(&cmp),
                })
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.other_id.cmp(&b.other_id)));
        out
    }
}

impl Index {
    /// Compares two records with the index's model, name frequencies included, and explains the
    /// result (for a review screen: why were these two proposed as duplicates?).
    pub fn explain(&self, a: &Record, b: &Record) -> Match {
        let mut overlay = Overlay::new(&self.data.strs);
        let fa = RawFeat::of(a).intern(&mut overlay);
        let fb = RawFeat::of(b).intern(&mut overlay);
        let cmp = compare(&fa, &fb, &overlay);
        let weight = self.model.match_weight(&cmp);
        Match {
            other_id: b.id.clone(),
            score: crate::model::probability(weight),
            weight,
            prior_weight: self.model.prior_weight(),
            explanation: self.model.explain(&cmp),
        }
    }
}

/// Compares two records with a model and explains the result. Without the registry the model was
/// fitted on, names weigh their average (no term-frequency adjustment): prefer [`Index::explain`].
pub fn explain_pair(model: &Model, a: &Record, b: &Record) -> Match {
    let mut strs = crate::compare::Interner::default();
    // Compare in a canonical order of the two records' contents, so that the score and the
    // explanation of a pair never depend on which side it was asked from.
    let content = |r: &Record| format!("{:?}", Record { id: String::new(), ..r.clone() });
    let (first, second) = if content(a) <= content(b) { (a, b) } else { (b, a) };
    let fa = RawFeat::of(first).intern(&mut strs);
    let fb = RawFeat::of(second).intern(&mut strs);
    let mut cmp = compare(&fa, &fb, &strs);
    (cmp.given_canon, cmp.surname_canon) = (crate::compare::NONE, crate::compare::NONE);
    (cmp.given_canon_b, cmp.surname_canon_b) = (crate::compare::NONE, crate::compare::NONE);
    (cmp.shared_addr, cmp.shared_place) = (crate::compare::NONE, crate::compare::NONE);
    let weight = model.match_weight(&cmp);
    Match {
        other_id: b.id.clone(),
        score: crate::model::probability(weight),
        weight,
        prior_weight: model.prior_weight(),
        explanation: model.explain(&cmp),
    }
}
