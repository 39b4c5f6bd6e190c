//! `nansen stats …` without the rest of Nansen: `cargo run -p nansen-stats --example stats -- rank CHN --from 2003 --top 20`.

use clap::Parser;

fn main() {
    let args = nansen_stats::StatsArgs::parse();
    if let Err(e) = nansen_stats::cli(args) {
        eprintln!("error: {e}");
        std::process::exit(2);
    }
}
