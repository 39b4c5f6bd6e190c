//! Explains the comparison of records of a CSV file, with the model fitted on the whole file:
//!
//! ```text
//! cargo run --release -p nansen-matching --example explain -- FILE.csv ID_A ID_B [ID_C ID_D …]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use nansen_matching::{Index, Record};
use std::collections::HashMap;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut rdr = csv::Reader::from_path(&args[0]).expect("readable CSV");
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    let mut records = Vec::new();
    let mut by_id = HashMap::new();
    for row in rdr.records() {
        let row = row.unwrap();
        let mut r = Record::default();
        for (h, v) in headers.iter().zip(row.iter()) {
            r.set_field(h, v);
        }
        by_id.insert(r.id.clone(), records.len());
        records.push(r);
    }
    let index = Index::build(records.clone());
    let model = index.model();
    println!("prior weight {:.2} (lambda {:.3e})", model.prior_weight(), model.lambda);
    for pair in args[1..].chunks(2) {
        let (a, b) = (&records[by_id[&pair[0]]], &records[by_id[&pair[1]]]);
        let m = index.explain(a, b);
        println!("{} ~ {}: score {:.4}, weight {:.2}", a.id, b.id, m.score, m.weight);
        for c in &m.explanation {
            println!("  {:<16} {:>7.2}  {}", c.field.name(), c.weight, c.level);
        }
    }
}
