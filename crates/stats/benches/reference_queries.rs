//! Reference-statistics latencies: loading the UNHCR files, then each query as the CLI and API run it
//! (query, table, disclosure control). `cargo bench -p nansen-stats --bench reference_queries`.
//! Target: every query under 50 ms.

use nansen_stats::cli::StatsArgs;
use nansen_stats::reference::ReferenceData;
use nansen_stats::suppress_owned;
use clap::Parser;
use std::path::Path;
use std::time::Instant;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/unhcr");
    let mut loads = Vec::new();
    let mut data = None;
    for _ in 0..5 {
        let t = Instant::now();
        data = Some(ReferenceData::load_dir(&dir).unwrap_or_else(|e| panic!("{e}")));
        loads.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let Some(data) = data else { return };
    let (lm, lx) = stats(loads);
    println!("{:<58} {:>9} {:>9}", "operation", "median ms", "max ms");
    println!("{:<58} {:>9.1} {:>9.1}", "load 6 CSV files (16 MB)", lm, lx);
    let queries: &[(&str, &[&str])] = &[
        ("series: world refugees, all years", &["series", "--measure", "refugees"]),
        ("series: all measures by origin, all years", &["series", "--measure", "refugees,asylum_seekers,returned_refugees,idps,returned_idps,stateless,ooc,oip,hst", "--by", "origin"]),
        ("series: refugees by origin x asylum, 2025", &["series", "--by", "origin,asylum", "--year", "2025"]),
        ("series: refugees by asylum region, all years", &["series", "--by", "asylum-region"]),
        ("series: resettlement by asylum, all years", &["series", "--measure", "resettlement", "--by", "asylum"]),
        ("top: 10 origins per year, 1951-2025", &["top", "--n", "10"]),
        ("top: 20 hosts per year, 1951-2025", &["top", "--side", "asylum", "--n", "20"]),
        ("rank: CHN as origin 2003-2025, top 20", &["rank", "CHN", "--from", "2003", "--top", "20"]),
        ("rates: by origin x asylum, all years", &["rates", "--by", "origin,asylum"]),
        ("rates: first instance by asylum, 2016", &["rates", "--by", "asylum", "--level", "first-instance", "--year", "2016"]),
        ("pyramid: all refugees 2025", &["pyramid"]),
        ("pyramid: SSD in UGA, REF+ASY", &["pyramid", "--origin", "SSD", "--asylum", "UGA", "--pop-type", "REF,ASY"]),
    ];
    let mut worst: f64 = 0.0;
    for (name, argv) in queries {
        let mut full = vec!["stats"];
        full.extend_from_slice(argv);
        let args = StatsArgs::try_parse_from(&full).unwrap_or_else(|e| panic!("{e}"));
        let mut times = Vec::new();
        let mut qtimes = Vec::new();
        let mut rows = 0;
        for _ in 0..30 {
            let t = Instant::now();
            let table = args.command.table(&data).unwrap_or_else(|e| panic!("{e}"));
            qtimes.push(t.elapsed().as_secs_f64() * 1e3);
            let published = suppress_owned(table, 5);
            times.push(t.elapsed().as_secs_f64() * 1e3);
            rows = published.table.rows.len();
        }
        let (m, x) = stats(times);
        let (qm, _) = stats(qtimes);
        worst = worst.max(m);
        println!("{:<58} {:>9.2} {:>9.2}   ({rows} rows; query+table {qm:.2} ms, rest is disclosure control)", name, m, x);
    }
    println!("slowest median: {worst:.2} ms (target < 50 ms)");
}

fn stats(mut v: Vec<f64>) -> (f64, f64) {
    v.sort_by(|a, b| a.total_cmp(b));
    (v[v.len() / 2], v[v.len() - 1])
}
