//! The `nansen dedup` contract as a stand-alone binary (for benchmarks):
//!
//! ```text
//! cargo run --release -p nansen-matching --example dedup -- --input A.csv [--link B.csv] --output pairs.csv [--threshold 0.9] [--quiet]
//! ```
use std::path::PathBuf;

/// The allocator of the `nansen` binary, so that the benchmark measures what `nansen dedup` does.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut input = None;
    let mut link = None;
    let mut output = None;
    let mut threshold = None;
    let mut progress = true;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--input" => input = args.next().map(PathBuf::from),
            "--link" => link = args.next().map(PathBuf::from),
            "--output" => output = args.next().map(PathBuf::from),
            "--threshold" => threshold = args.next().and_then(|t| t.parse::<f64>().ok()),
            "--quiet" => progress = false,
            other => {
                eprintln!("unknown argument {other}: use --input A.csv [--link B.csv] --output pairs.csv [--threshold P] [--quiet]");
                return ExitCode::from(2);
            }
        }
    }
    let (Some(input), Some(output)) = (input, output) else {
        eprintln!("usage: dedup --input A.csv [--link B.csv] --output pairs.csv [--threshold P] [--quiet]");
        return ExitCode::from(2);
    };
    match nansen_matching::dedup_files(&input, link.as_deref(), &output, threshold, progress) {
        Ok(r) => {
            eprintln!(
                "{} records{}; {} candidate pairs; {} matches at threshold {:.3} (EM: {} iterations, converged: {}, lambda {:.3e}: {:.0} matching pairs expected); read {:.2}s, block {:.2}s, fit {:.2}s, score {:.2}s",
                r.records,
                r.linked_records.map(|n| format!(" linked to {n}")).unwrap_or_default(),
                r.candidate_pairs,
                r.matches,
                r.threshold,
                r.model.iterations,
                r.model.converged,
                r.model.lambda,
                r.model.lambda * r.linked_records.map_or((r.records as f64) * (r.records.saturating_sub(1) as f64) / 2.0, |m| (r.records as f64) * m as f64),
                r.read_time.as_secs_f64(),
                r.blocking_time.as_secs_f64(),
                r.fit_time.as_secs_f64(),
                r.score_time.as_secs_f64()
            );
            if std::env::var_os("NANSEN_MATCHING_SHOW_MODEL").is_some() {
                for (f, field) in nansen_matching::Field::ALL.iter().enumerate() {
                    let w: Vec<String> = (0..field.levels().len()).map(|l| format!("{:.2}", r.model.weight(f, l as u8))).collect();
                    eprintln!("  {:<16} m={:?}\n  {:<16} u={:?}\n  {:<16} w=[{}]", field.name(), r.model.m[f].iter().map(|x| format!("{x:.4}")).collect::<Vec<_>>(), "", r.model.u[f].iter().map(|x| format!("{x:.5}")).collect::<Vec<_>>(), "", w.join(", "));
                    if let Some(uf) = r.model.u_family.get(f) {
                        eprintln!("  {:<16} u_family={:?}", "", uf.iter().map(|x| format!("{x:.5}")).collect::<Vec<_>>());
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
