//! Latency of the online duplicate check against a registry:
//!
//! ```text
//! cargo run --release -p nansen-matching --example latency -- --registry bench/matching/data/synth_1m.csv [--queries 2000]
//! ```
//!
//! Builds an [`Index`] of the registry (fitting the model on it), then checks `--queries` records
//! drawn from the registry with a new id and a new spelling of the name where one exists (as a
//! person registering again would), and reports percentiles of the time per check, then the time
//! per insert.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use nansen_matching::{Index, Record};
use std::time::Instant;

fn main() {
    let mut registry = None;
    let mut queries = 2000usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--registry" => registry = args.next(),
            "--queries" => queries = args.next().and_then(|v| v.parse().ok()).unwrap_or(queries),
            _ => {}
        }
    }
    let path = registry.expect("--registry FILE.csv");
    let t = Instant::now();
    let mut rdr = csv::Reader::from_path(&path).expect("readable CSV");
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    let mut records = Vec::new();
    for row in rdr.records() {
        let row = row.unwrap();
        let mut r = Record::default();
        for (h, v) in headers.iter().zip(row.iter()) {
            r.set_field(h, v);
        }
        records.push(r);
    }
    let n = records.len();
    let step = (n / queries.max(1)).max(1);
    let probes: Vec<Record> = records
        .iter()
        .step_by(step)
        .take(queries)
        .enumerate()
        .map(|(i, r)| {
            let mut q = r.clone();
            q.id = format!("probe-{i}");
            // A second registration: the name typed again, with one common respelling.
            if let Some(g) = &q.given_name {
                q.given_name = Some(g.replace("ou", "u").replace("ee", "i").replace("Mohammed", "Muhammad"));
            }
            q
        })
        .collect();
    let mut index = Index::build(records);
    eprintln!("index of {n} records built in {:.1} s (model: lambda {:.2e}, EM {} iterations)", t.elapsed().as_secs_f64(), index.model().lambda, index.model().iterations);

    // Warm up, then measure.
    for q in probes.iter().take(50) {
        let _ = index.candidates(q);
    }
    let mut times: Vec<f64> = Vec::with_capacity(probes.len());
    let mut found = 0usize;
    let mut total_candidates = 0usize;
    for q in &probes {
        let t = Instant::now();
        let m = index.candidates(q);
        times.push(t.elapsed().as_secs_f64() * 1e3);
        found += usize::from(!m.is_empty());
        total_candidates += m.len();
    }
    times.sort_by(f64::total_cmp);
    let pct = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    println!(
        "duplicate check against {n} records, {} queries: p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms; {} of {} queries found a likely duplicate ({} matches in all)",
        times.len(),
        pct(0.50),
        pct(0.95),
        pct(0.99),
        times.last().copied().unwrap_or(0.0),
        found,
        probes.len(),
        total_candidates
    );
    let t = Instant::now();
    for q in probes.iter().take(1000) {
        index.insert(q.clone());
    }
    println!("insert: {:.3} ms per record", t.elapsed().as_secs_f64() * 1e3 / probes.len().min(1000) as f64);
}
