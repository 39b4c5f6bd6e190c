//! Deduplication and linkage of CSV files: the `nansen dedup` contract.

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
    /// Match probability at and above which a pair is written; `None`: the model's own (0.5, the
    /// posterior of the fitted mixture).
    pub threshold: Option<f64>,
    /// Show progress on stderr.
    pub progress: bool,
    /// The most records read in all (both files); more is refused with
    /// [`MatchError::TooManyRecords`] before memory runs out. Default 6,000,000.
    pub max_records: usize,
}

impl Default for DedupOptions {
    fn default() -> Self {
        Self { threshold: None, progress: false, max_records: DEFAULT_MAX_RECORDS }
    }
}

/// The default record budget (about 0.4 KiB per record plus candidate pairs stay below 4 GiB).
pub const DEFAULT_MAX_RECORDS: usize = 6_000_000;

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
    let read_time = t0.elapsed();

    let t1 = Instant::now();
    bar.set_message("blocking");
    bar.set_length(0);
    bar.set_position(0);
    let rules = std::env::var("NANSEN_MATCHING_RULES").ok().and_then(|r| r.parse().ok()).unwrap_or(engine::ALL_RULES);
    let pairs = engine::candidate_pairs(&data, rules);
    let blocking_time = t1.elapsed();

    let t2 = Instant::now();
    bar.set_message("fitting the model (u on random pairs, m by EM)");
    let model = engine::fit(&data);
    let fit_time = t2.elapsed();

    let t3 = Instant::now();
    let threshold = opts.threshold.unwrap_or(model.threshold);
    bar.set_message("scoring");
    bar.set_length(pairs.len() as u64);
    let chunk = 1 << 18;
    let file = std::fs::File::create(output).map_err(|e| MatchError::Io { path: output.into(), source: e })?;
    let mut w = std::io::BufWriter::new(file);
    let io = |e| MatchError::Io { path: output.into(), source: e };
    writeln!(w, "id_l,id_r,score").map_err(io)?;
    let mut matches = 0usize;
    let mut line = String::new();
    for block in pairs.chunks(chunk) {
        let scored: Vec<(u64, f64)> =
            block.par_iter().filter_map(|&p| Some((p, engine::score_pair(&data, &model, p))).filter(|(_, s)| *s >= threshold)).collect();
        for (p, s) in scored {
            line.clear();
            csv_field(&mut line, data.ids.get((p >> 32) as usize));
            line.push(',');
            csv_field(&mut line, data.ids.get((p & 0xFFFF_FFFF) as usize));
            line.push_str(&format!(",{s:.6}\n"));
            w.write_all(line.as_bytes()).map_err(io)?;
            matches += 1;
        }
        bar.inc(block.len() as u64);
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
const MAX_ROW_ERRORS: usize = 100;

/// Reads a CSV file into `data`; returns the number of records read.
fn read_csv(path: &Path, data: &mut Data, max_records: usize, bar: &ProgressBar) -> Result<usize, MatchError> {
    let p: PathBuf = path.into();
    let file = std::fs::File::open(path).map_err(|e| MatchError::Io { path: p.clone(), source: e })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    if size == 0 {
        return Err(MatchError::Empty { path: p });
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
            return Err(MatchError::TooManyRecords { path: p, limit: max_records, bytes_per_record: 400 });
        }
        if batch.len() >= CHUNK {
            data.extend(std::mem::take(&mut batch));
            bar.set_position(rdr.position().byte());
        }
    }
    if error_count > 0 {
        return Err(MatchError::MalformedRows { path: p, count: error_count, rows: errors });
    }
    data.extend(batch);
    let n = data.len() - start_count;
    if n == 0 {
        return Err(MatchError::HeaderOnly { path: p });
    }
    Ok(n)
}
