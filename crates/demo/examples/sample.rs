//! Prints demo households as JSON lines: `cargo run -p nansen-demo --example sample -- [SEED] [COUNT] [TODAY]`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seed = args.first().and_then(|s| s.parse().ok()).unwrap_or(42);
    let count = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(10);
    let today = args
        .get(2)
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
    for h in nansen_demo::generate(seed, count, today) {
        println!("{}", serde_json::to_string(&h).unwrap());
    }
}
