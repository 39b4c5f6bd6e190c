//! Deduplication and linkage of CSV files: the `nansen dedup` contract.

use crate::compare::JwMemo;
use crate::engine::{self, Data};
use crate::error::{MatchError, RowError};
use crate::model::Model;
use crate::record::Record;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Options of a file run beyond the CLI contract.
#[derive(Debug, Clone)]
pub struct DedupOptions {
    /// Match probability at and above which a pair is written; `None`: chosen from the data, the
    /// threshold that maximises the F1 score expected under the fitted model (see `docs/matching.md`).
    pub threshold: Option<f64>,
    /// Show progress on stderr.
    pub progress: bool,
    /// The most records read in all (both files); more is refused with
    /// [`MatchError::TooManyRecords`] before memory runs out. Default 5,000,000.
    pub max_records: usize,
}

impl Default for DedupOptions {
    fn default() -> Self {
        Self { threshold: None, progress: false, max_records: DEFAULT_MAX_RECORDS }
    }
}

/// The default record budget: about 0.7 KiB per record at peak (features, blocking keys, candidate
/// pairs), so a run stays below 4 GiB.
pub const DEFAULT_MAX_RECORDS: usize = 5_000_000;

/// What a file run did.
#[derive(Debug, Clone)]
pub struct DedupReport {
    /// Records read from the input (left) file.
    pub records: usize,
    /// Records read from the `link` (right) file, in linkage.
    pub linked_records: Option<usize>,
    /// Candidate pairs from blocking.
    pub candidate_pairs: usize,
    /// Pairs written (predicted matches).
    pub matches: usize,
    /// The threshold used.
    pub threshold: f64,
    /// The fitted model.
    pub model: Model,
    /// Time to read and normalise the records.
    pub read_time: Duration,
    /// Time to block.
    pub blocking_time: Duration,
    /// Time to fit the model.
    pub fit_time: Duration,
    /// Time to score and write.
    pub score_time: Duration,
}

/// Finds duplicates within `input` (or, with `link`, matches between `input` and `link`) and
/// writes them to `output` as CSV `id_l,id_r,score`, one row per predicted match, score in [0, 1].
///
/// Input: CSV with a header; columns recognised by name: `id` (required), `given_name`, `surname`,
/// `full_name`, `name_original`, `date_of_birth` (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`), `sex`,
/// `place_of_birth`, `citizenship`, `document_number`, `address`; other columns are ignored.
/// `threshold` overrides the model's own threshold. `progress` shows a progress bar on stderr.
///
/// Malformed rows (a wrong number of fields, invalid UTF-8, an empty `id`) are reported by row
/// number and nothing is written; an empty or header-only file is an error.
pub fn dedup_files(input: &Path, link: Option<&Path>, output: &Path, threshold: Option<f64>, progress: bool) -> Result<DedupReport, MatchError> {
    dedup_files_with(input, link, output, &DedupOptions { threshold, progress, ..DedupOptions::default() })
}

/// [`dedup_files`] with all options.
pub fn dedup_files_with(input: &Path, link: Option<&Path>, output: &Path, opts: &DedupOptions) -> Result<DedupReport, MatchError> {
    if let Some(t) = opts.threshold {
        if !(0.0..=1.0).contains(&t) || t.is_nan() {
            return Err(MatchError::BadThreshold(t));
        }
    }
    let bar = if opts.progress { ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr()) } else { ProgressBar::hidden() };
    bar.set_style(ProgressStyle::with_template("{spinner} {msg} {pos}/{len} [{elapsed_precise}]").unwrap_or_else(|_| ProgressStyle::default_spinner()));
    bar.enable_steady_tick(Duration::from_millis(200));

    let t0 = Instant::now();
    let mut data = Data::default();
    let n_left = read_csv(input, &mut data, opts.max_records, &bar)?;
    let n_right = match link {
        Some(l) => {
            data.n_left = Some(n_left);
            Some(read_csv(l, &mut data, opts.max_records, &bar)? )
        }
        None => None,
    };
    data.cluster();
    let read_time = t0.elapsed();

    let t1 = Instant::now();
    bar.set_message("blocking");
    bar.set_length(0);
    bar.set_position(0);
    let pairs = engine::candidate_pairs(&data, engine::ALL_RULES);
    let blocking_time = t1.elapsed();

    let t2 = Instant::now();
    bar.set_message("fitting the model (u on random pairs, m by EM)");
    let model = engine::fit(&data);
    let fit_time = t2.elapsed();

    let t3 = Instant::now();
    bar.set_message("scoring");
    bar.set_length(pairs.len() as u64);
    // Score every candidate pair; keep those that could be written (p >= MIN_KEPT, or the
    // caller's threshold if lower) with their probability. A few percent of pairs at most.
    let keep = opts.threshold.map_or(MIN_KEPT, |t| t.min(MIN_KEPT));
    let chunk = 1 << 18;
    let mut scored: Vec<(u64, f32)> = Vec::new();
    let mut expected_matches = 0f64;
    for block in pairs.chunks(chunk) {
        let part: Vec<(u64, f64)> =
            block.par_iter().map_init(|| JwMemo::new(&data.strs), |memo, &p| (p, engine::score_pair(&data, &model, p, memo))).collect();
        expected_matches += part.iter().map(|(_, s)| s).sum::<f64>();
        scored.extend(part.into_iter().filter(|(_, s)| *s >= keep).map(|(p, s)| (p, s as f32)));
        bar.inc(block.len() as u64);
    }
    let threshold = match opts.threshold {
        Some(t) => t,
        None => expected_f1_threshold(&mut scored, expected_matches),
    };
    if data.n_left.is_none() {
        implied_pairs(&mut scored, threshold, |p| engine::evidence(&data, &model, p));
        scored.sort_unstable_by_key(|(p, _)| *p);
        exclusive_links(&mut scored, threshold, |p| engine::score_pair(&data, &model, p, &data.strs));
    }
    let file = std::fs::File::create(output).map_err(|e| MatchError::Io { path: output.into(), source: e })?;
    let mut w = std::io::BufWriter::new(file);
    let io = |e| MatchError::Io { path: output.into(), source: e };
    writeln!(w, "id_l,id_r,score").map_err(io)?;
    let mut matches = 0usize;
    let mut line = String::new();
    scored.sort_unstable_by_key(|(p, _)| *p);
    for (p, s) in scored {
        if f64::from(s) < threshold {
            continue;
        }
        line.clear();
        csv_field(&mut line, data.ids.get((p >> 32) as usize));
        line.push(',');
        csv_field(&mut line, data.ids.get((p & 0xFFFF_FFFF) as usize));
        line.push_str(&format!(",{s:.6}\n"));
        w.write_all(line.as_bytes()).map_err(io)?;
        matches += 1;
    }
    w.flush().map_err(io)?;
    bar.finish_and_clear();
    Ok(DedupReport {
        records: n_left,
        linked_records: n_right,
        candidate_pairs: pairs.len(),
        matches,
        threshold,
        model,
        read_time,
        blocking_time,
        fit_time,
        score_time: t3.elapsed(),
    })
}

/// Pairs scored below this are never written by default.
const MIN_KEPT: f64 = 0.05;

/// The threshold that maximises the F1 score *expected under the model itself*: with calibrated
/// match probabilities p, writing the pairs with p >= t gives E[TP] = Σ p and E[FP] = Σ (1 - p)
/// over those pairs, while the expected number of true matches among all candidate pairs is the
/// sum of every pair's p; expected F1 = 2 E[TP] / (E[TP] + E[FP] + E[matches]). No label is used.
/// With well-separated data (FEBRL) this lands near 0.5; with many ambiguous pairs (common names,
/// year-only dates) it is lower, trading a little precision for much recall. Never below
/// [`MIN_KEPT`]. Sorts `scored` by probability, descending.
fn expected_f1_threshold(scored: &mut [(u64, f32)], expected_matches: f64) -> f64 {
    scored.sort_unstable_by(|a, b| b.1.total_cmp(&a.1));
    let (mut tp, mut fp) = (0f64, 0f64);
    let (mut best, mut best_t) = (0f64, 0.5f64);
    let mut i = 0;
    while i < scored.len() {
        // All pairs with the same probability go in together.
        let p = scored[i].1;
        while i < scored.len() && scored[i].1 == p {
            tp += f64::from(p);
            fp += 1.0 - f64::from(p);
            i += 1;
        }
        let f1 = 2.0 * tp / (tp + fp + expected_matches).max(1e-12);
        if f1 > best {
            best = f1;
            best_t = f64::from(p);
        }
    }
    best_t.max(MIN_KEPT)
}

/// Only links at least this probable are followed to imply a pair.
const STRONG_LINK: f32 = 0.9;

/// Pairs implied by two links (deduplication only). If A is B with probability p and B is C with
/// probability q, then A is C with probability at least about p·q (A = B and B = C imply A = C;
/// the two events are taken as independent). A pair (A, C) whose own score is lower — its records
/// were corrupted differently, each closer to B — is raised to p·q when that reaches the
/// threshold. Only strong links (at or above the threshold and [`STRONG_LINK`]) are followed, and
/// only one step.
///
/// The two records' own comparison still counts when it speaks against them: `evidence(pair)` is
/// its weight without the prior (log2 of the likelihood ratio), and when that is negative the
/// implied odds are multiplied by it. Two records that both look like B but were born 30 years
/// apart in different places are namesakes linked to one of them by mistake, not one person.
/// (Positive evidence is not added: it overlaps the evidence of the two links.)
fn implied_pairs(scored: &mut Vec<(u64, f32)>, threshold: f64, evidence: impl Fn(u64) -> f64 + Sync) {
    let t = threshold as f32;
    let links = links_by_record(scored, t.max(STRONG_LINK));
    let mut implied: Vec<(u64, f32)> = Vec::new();
    for nbrs in links.chunk_by(|x, y| x.0 == y.0) {
        // A record linked to very many others is a hub of namesakes, not a person: skip it.
        if nbrs.len() <= 8 {
            for (x, a) in nbrs.iter().enumerate() {
                for c in &nbrs[x + 1..] {
                    let q = a.1 * c.1;
                    if q >= t {
                        implied.push((engine::pack(a.2, c.2), q));
                    }
                }
            }
        }
    }
    implied.par_iter_mut().for_each(|(p, q)| {
        let w = evidence(*p);
        if w < 0.0 {
            let q64 = f64::from(*q);
            let odds = q64 / (1.0 - q64).max(1e-12) * w.exp2();
            *q = (odds / (1.0 + odds)) as f32;
        }
    });
    implied.retain(|&(_, q)| q >= t);
    if implied.is_empty() {
        return;
    }
    scored.extend(implied);
    // Keep the highest score of each pair.
    scored.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.total_cmp(&a.1)));
    scored.dedup_by_key(|x| x.0);
}

/// Two records whose own comparison gives them less than this probability of being one person are
/// taken to be two people by [`exclusive_links`].
const DIFFERENT: f64 = 0.1;
/// The most links of one record examined by [`exclusive_links`] (its strongest).
const MAX_LINKS: usize = 16;

/// Drops the links that contradict a stronger link of the same record (deduplication only). A
/// record is one person: when A is linked to B and to C, but B and C are judged two different
/// people (their own probability, read from `scored` or computed by `prob`, is below
/// [`DIFFERENT`]), A cannot be both, and its weaker link goes. Most such links join a namesake to
/// a record that already has its true duplicate: on the synthetic 1M set, among the weaker links
/// of such triangles three in four were false (`docs/matching.md`, "One record, one person").
/// Links implied by [`implied_pairs`] make B and C one person, and are never contradicted.
/// `scored` must be sorted by pair.
fn exclusive_links(scored: &mut Vec<(u64, f32)>, threshold: f64, prob: impl Fn(u64) -> f64 + Sync) {
    let links = links_by_record(scored, threshold as f32);
    let groups: Vec<&[(u32, f32, u32)]> = links.chunk_by(|x, y| x.0 == y.0).filter(|g| g.len() >= 2).collect();
    let scored_ref: &[(u64, f32)] = scored;
    let between = |x: u32, y: u32| -> f64 {
        let key = engine::pack(x, y);
        match scored_ref.binary_search_by_key(&key, |e| e.0) {
            Ok(k) => f64::from(scored_ref[k].1),
            Err(_) => prob(key),
        }
    };
    let mut dropped: Vec<u64> = groups
        .par_iter()
        .flat_map_iter(|g| {
            let g = &g[..g.len().min(MAX_LINKS)];
            let mut out = Vec::new();
            for (k, weaker) in g.iter().enumerate().skip(1) {
                if g[..k].iter().any(|stronger| between(stronger.2, weaker.2) < DIFFERENT) {
                    out.push(engine::pack(weaker.0, weaker.2));
                }
            }
            out
        })
        .collect();
    if dropped.is_empty() {
        return;
    }
    dropped.par_sort_unstable();
    dropped.dedup();
    scored.retain(|(p, _)| dropped.binary_search(p).is_err());
}

/// Every link of `scored` at or above `min`, once from each end, as (record, score, other record):
/// grouped by record, strongest link first.
fn links_by_record(scored: &[(u64, f32)], min: f32) -> Vec<(u32, f32, u32)> {
    let mut links: Vec<(u32, f32, u32)> = Vec::new();
    for &(p, s) in scored {
        if s >= min {
            let (a, b) = ((p >> 32) as u32, (p & 0xFFFF_FFFF) as u32);
            links.push((a, s, b));
            links.push((b, s, a));
        }
    }
    links.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.total_cmp(&x.1)).then(x.2.cmp(&y.2)));
    links
}

fn csv_field(out: &mut String, s: &str) {
    if s.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&s.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(s);
    }
}

const CHUNK: usize = 50_000;
/// The fewest bytes a useful row takes (an id, a name, a date and commas).
const MIN_ROW_BYTES: u64 = 40;
/// Peak memory per record of a whole run, roughly (features, blocking keys, candidate pairs).
const BYTES_PER_RECORD: usize = 700;
const MAX_ROW_ERRORS: usize = 100;

/// Reads a CSV file into `data`; returns the number of records read.
fn read_csv(path: &Path, data: &mut Data, max_records: usize, bar: &ProgressBar) -> Result<usize, MatchError> {
    let p: PathBuf = path.into();
    let file = std::fs::File::open(path).map_err(|e| MatchError::Io { path: p.clone(), source: e })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size == 0 {
        return Err(MatchError::Empty { path: p });
    }
    // A file big enough to hold more records than the budget is counted first (a fast pass that
    // keeps nothing), so that an oversized input is refused at once instead of after minutes.
    if size / MIN_ROW_BYTES > (max_records.saturating_sub(data.len())) as u64 {
        bar.set_message(format!("counting the rows of {}", path.display()));
        let f = std::fs::File::open(path).map_err(|e| MatchError::Io { path: p.clone(), source: e })?;
        let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(std::io::BufReader::with_capacity(1 << 20, f));
        let mut rec = csv::ByteRecord::new();
        let mut n = data.len();
        while let Ok(true) = rdr.read_byte_record(&mut rec) {
            n += 1;
            if n > max_records {
                return Err(MatchError::TooManyRecords { path: p, limit: max_records, bytes_per_record: BYTES_PER_RECORD });
            }
        }
    }
    bar.set_message(format!("reading {}", path.display()));
    bar.set_length(size);
    bar.set_position(0);
    let mut rdr = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(std::io::BufReader::with_capacity(1 << 20, file));
    let headers = match rdr.byte_headers() {
        Ok(h) => h.clone(),
        Err(e) => {
            return Err(MatchError::MalformedRows {
                path: p,
                count: 1,
                rows: vec![RowError { row: 0, line: 1, message: format!("the header cannot be read: {e}") }],
            })
        }
    };
    let names: Vec<String> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = String::from_utf8_lossy(h);
            let h = if i == 0 { h.trim_start_matches('\u{feff}').to_owned() } else { h.into_owned() };
            h.trim().to_ascii_lowercase()
        })
        .collect();
    if names.iter().all(|n| n.is_empty()) {
        return Err(MatchError::Empty { path: p });
    }
    let Some(id_col) = names.iter().position(|n| n == "id") else {
        return Err(MatchError::NoIdColumn { path: p, found: names.join(", ") });
    };
    let used: Vec<(usize, &str)> = names.iter().enumerate().filter(|(_, n)| Record::new("").set_field(n, "")).map(|(i, n)| (i, n.as_str())).collect();

    let start_count = data.len();
    // One thread parses the file while this one computes the features of the previous chunk.
    let (tx, rx) = std::sync::mpsc::sync_channel::<Vec<Record>>(2);
    let produced = std::thread::scope(|scope| {
        let reader = scope.spawn(|| -> Result<(), MatchError> {
            let tx = tx;
            let mut errors: Vec<RowError> = Vec::new();
            let mut error_count = 0u64;
            let mut batch: Vec<Record> = Vec::with_capacity(CHUNK);
            let mut rec = csv::ByteRecord::new();
            let mut row = 0u64;
            loop {
                let line = rdr.position().line();
                match rdr.read_byte_record(&mut rec) {
                    Ok(false) => break,
                    Ok(true) => {
                        row += 1;
                        let mut r = Record::default();
                        let mut bad = None;
                        for &(i, name) in &used {
                            let raw = rec.get(i).unwrap_or(b"");
                            match std::str::from_utf8(raw) {
                                Ok(v) => {
                                    r.set_field(name, v);
                                }
                                Err(_) => bad = Some(format!("column `{name}` is not valid UTF-8: save the file as UTF-8")),
                            }
                        }
                        if bad.is_none() && rec.get(id_col).is_none_or(|v| v.iter().all(u8::is_ascii_whitespace)) {
                            bad = Some("the `id` is empty: every row needs an identifier".to_owned());
                        }
                        if let Some(message) = bad {
                            error_count += 1;
                            if errors.len() < MAX_ROW_ERRORS {
                                errors.push(RowError { row, line: rec.position().map_or(line, |p| p.line()), message });
                            }
                            continue;
                        }
                        if error_count == 0 {
                            batch.push(r);
                        }
                    }
                    Err(e) => {
                        row += 1;
                        error_count += 1;
                        let message = match e.kind() {
                            csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                                format!("{len} fields where the header has {expected_len}: quote fields that contain commas")
                            }
                            csv::ErrorKind::Utf8 { .. } => "not valid UTF-8: save the file as UTF-8".to_owned(),
                            _ => e.to_string(),
                        };
                        let line = e.position().map_or(line, |p| p.line());
                        if errors.len() < MAX_ROW_ERRORS {
                            errors.push(RowError { row, line, message });
                        }
                        if !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. } | csv::ErrorKind::Utf8 { .. }) {
                            break; // an I/O error: the reader cannot go on
                        }
                    }
                }
                if start_count + row as usize > max_records {
                    return Err(MatchError::TooManyRecords { path: p.clone(), limit: max_records, bytes_per_record: BYTES_PER_RECORD });
                }
                if batch.len() >= CHUNK {
                    bar.set_position(rdr.position().byte());
                    if tx.send(std::mem::take(&mut batch)).is_err() {
                        break; // the features side stopped
                    }
                }
            }
            if error_count > 0 {
                return Err(MatchError::MalformedRows { path: p.clone(), count: error_count, rows: errors });
            }
            if !batch.is_empty() {
                let _ = tx.send(batch);
            }
            Ok(())
        });
        for batch in rx {
            data.extend(batch);
        }
        reader.join()
    });
    match produced {
        Ok(r) => r?,
        Err(panic) => std::panic::resume_unwind(panic),
    }
    let n = data.len() - start_count;
    if n == 0 {
        return Err(MatchError::HeaderOnly { path: p });
    }
    Ok(n)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn scored(links: &[(u32, u32, f32)]) -> Vec<(u64, f32)> {
        let mut v: Vec<(u64, f32)> = links.iter().map(|&(a, b, s)| (engine::pack(a, b), s)).collect();
        v.sort_unstable_by_key(|(p, _)| *p);
        v
    }

    /// A record linked to two records judged to be two people keeps only its stronger link.
    #[test]
    fn a_link_that_contradicts_a_stronger_one_is_dropped() {
        // 0 is linked to 1 (0.95) and 2 (0.7); 1 and 2 are not a candidate pair and compare at 0.01.
        let mut s = scored(&[(0, 1, 0.95), (0, 2, 0.7), (3, 4, 0.8)]);
        exclusive_links(&mut s, 0.5, |_| 0.01);
        assert_eq!(s, scored(&[(0, 1, 0.95), (3, 4, 0.8)]));
    }

    /// When the two partners may well be one person, both links stay; a pair of them above the
    /// threshold (implied, or scored) makes them one person.
    #[test]
    fn links_to_records_that_may_be_one_person_both_stay() {
        let mut s = scored(&[(0, 1, 0.95), (0, 2, 0.7)]);
        exclusive_links(&mut s, 0.5, |_| 0.3);
        assert_eq!(s.len(), 2);
        let mut s = scored(&[(0, 1, 0.95), (0, 2, 0.9), (1, 2, 0.85)]);
        exclusive_links(&mut s, 0.5, |_| 0.0);
        assert_eq!(s.len(), 3);
        // Below the threshold, the pair's own score decides: here, two people.
        let mut s = scored(&[(0, 1, 0.95), (0, 2, 0.9), (1, 2, 0.06)]);
        exclusive_links(&mut s, 0.5, |_| 1.0);
        assert_eq!(s, scored(&[(0, 1, 0.95), (1, 2, 0.06)]));
    }

    /// Links below the threshold neither count nor go.
    #[test]
    fn links_below_the_threshold_are_left_alone() {
        let mut s = scored(&[(0, 1, 0.95), (0, 2, 0.3)]);
        exclusive_links(&mut s, 0.5, |_| 0.0);
        assert_eq!(s.len(), 2);
    }
}
