//! Synthetic multi-script registration data with realistic corruptions and ground truth.
//!
//! ```text
//! cargo run --release -p nansen-matching --example synth -- --records 100000 --out bench/matching/data/synth_100k.csv [--seed 7]
//! ```
//!
//! People come from the demo caseload generator (`nansen-demo`: Syrian, Afghan, South Sudanese,
//! Rohingya and Burmese, DPRK, Eritrean and Venezuelan households, names in their own script and in
//! Latin letters, written by another hand than the matching engine). About 30% of people are
//! registered more than once; every registration, the first included, passes through the kind of
//! noise that registration desks produce:
//!
//! - another Latin spelling of a name word (Mohammed/Muhammad, Ri/Lee/Rhee, Tesfay/Tesfai), from the
//!   demo's own variant lists, or a McCune–Reischauer ↔ Revised respelling of a Korean name;
//! - the name only in the original script, or the original script missing; the name written as
//!   one `full_name` (in either order); given name and surname swapped; father's name dropped;
//! - typing errors (a letter dropped, doubled, replaced or two letters swapped);
//! - dates of birth reduced to year or year-month, day and month swapped, one year off, a digit
//!   wrong, or missing;
//! - sex, place of birth, citizenship, document number or address missing or changed (a family
//!   moves to another block).
//!
//! Output columns: the CSV contract (`id`, `given_name`, `surname`, `full_name`, `name_original`,
//! `date_of_birth`, `sex`, `place_of_birth`, `citizenship`, `document_number`, `address`) and
//! `cluster`, the true person (ignored by the engine, used by `bench/matching/evaluate.py`).
//! `--truth PEOPLE.csv` also writes each person as generated, before the noise (for error analysis:
//! `bench/matching/analyse_errors.py`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use nansen_domain::PersonInput;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashMap;

/// The demo crate's name lists (read, not compiled: their spelling variants drive the corruptions).
const DEMO_NAMES: &str = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../demo/src/names.rs"));

fn variant_table() -> HashMap<String, Vec<String>> {
    let mut t: HashMap<String, Vec<String>> = HashMap::new();
    let mut rest = DEMO_NAMES;
    while let Some(i) = rest.find("(\"") {
        rest = &rest[i + 2..];
        let Some(j) = rest.find('"') else { break };
        let latin = &rest[..j];
        rest = &rest[j..];
        let vs: Vec<String> = latin.split('|').map(str::to_owned).collect();
        if vs.len() > 1 {
            for v in &vs {
                t.entry(v.to_lowercase()).or_default().extend(vs.iter().cloned());
            }
        }
    }
    for v in t.values_mut() {
        v.sort();
        v.dedup();
    }
    t
}

/// McCune–Reischauer (DPRK) ↔ Revised Romanisation respellings of Korean syllables.
const KOREAN_RESPELL: &[(&str, &str)] = &[
    ("chol", "cheol"),
    ("yong", "yeong"),
    ("song", "seong"),
    ("myong", "myeong"),
    ("hyok", "hyeok"),
    ("kum", "geum"),
    ("kwang", "gwang"),
    ("kyong", "gyeong"),
    ("hun", "hoon"),
    ("sun", "soon"),
    ("chun", "choon"),
    ("pok", "bok"),
    ("jong", "jeong"),
    ("ok", "ok"),
    ("hui", "hee"),
    ("chang", "chang"),
    ("ryon", "ryeon"),
    ("yon", "yeon"),
    ("kyu", "gyu"),
    ("tae", "tae"),
];

struct Person {
    cluster: usize,
    given: String,
    family: Option<String>,
    given_orig: Option<String>,
    family_orig: Option<String>,
    korean: bool,
    sex: String,
    dob: Option<String>,
    place: Option<String>,
    citizenship: Option<String>,
    document: Option<String>,
    address: Option<String>,
}

#[derive(Default)]
struct Row {
    given: String,
    surname: String,
    full: String,
    orig: String,
    dob: String,
    sex: String,
    place: String,
    cit: String,
    doc: String,
    addr: String,
    cluster: usize,
}

struct Noise {
    rng: ChaCha8Rng,
    variants: HashMap<String, Vec<String>>,
    addresses: Vec<String>,
}

impl Noise {
    fn p(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    fn typo(&mut self, s: &str) -> String {
        let mut c: Vec<char> = s.chars().collect();
        if c.len() < 3 {
            return s.to_owned();
        }
        let i = self.rng.random_range(1..c.len() - 1);
        match self.rng.random_range(0..4) {
            0 => {
                c.remove(i);
            }
            1 => c.insert(i, c[i]),
            2 => {
                let l = (b'a' + self.rng.random_range(0..26u8)) as char;
                c[i] = l;
            }
            _ => c.swap(i, i + 1),
        }
        c.into_iter().collect()
    }

    /// Another usual spelling of each word (or of the whole name).
    fn respell(&mut self, name: &str, korean: bool) -> String {
        if let Some(v) = self.variants.get(&name.to_lowercase()).cloned() {
            return v[self.rng.random_range(0..v.len())].clone();
        }
        let words: Vec<String> = name
            .split(' ')
            .map(|w| {
                if let Some(v) = self.variants.get(&w.to_lowercase()).cloned() {
                    return v[self.rng.random_range(0..v.len())].clone();
                }
                if korean {
                    return self.korean(w);
                }
                w.to_owned()
            })
            .collect();
        words.join(" ")
    }

    fn korean(&mut self, w: &str) -> String {
        let lower = w.to_lowercase();
        let mut out = String::new();
        let mut rest = lower.as_str();
        let to_rr = self.p(0.5);
        'outer: while !rest.is_empty() {
            for (mr, rr) in KOREAN_RESPELL {
                let (from, to) = if to_rr { (mr, rr) } else { (rr, mr) };
                if rest.starts_with(from) {
                    out.push_str(to);
                    rest = &rest[from.len()..];
                    continue 'outer;
                }
            }
            let mut ch = rest.chars();
            if let Some(c) = ch.next() {
                out.push(c);
            }
            rest = ch.as_str();
        }
        let mut c = out.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => out,
        }
    }

    fn date(&mut self, d: &str, heavy: bool) -> String {
        let k = if heavy { 1.0 } else { 0.3 };
        let parts: Vec<&str> = d.split('-').collect();
        let (y, m, day) = (parts[0], parts.get(1).copied(), parts.get(2).copied());
        let r: f64 = self.rng.random();
        let mut acc = 0.0;
        let mut pick = |p: f64| {
            acc += p * k;
            r < acc
        };
        if pick(0.05) {
            return String::new();
        }
        if pick(0.18) {
            return y.to_owned();
        }
        if pick(0.07) {
            return m.map(|m| format!("{y}-{m}")).unwrap_or_else(|| y.to_owned());
        }
        if pick(0.07) {
            if let (Some(m), Some(dd)) = (m, day) {
                if dd.parse::<u32>().unwrap_or(99) <= 12 {
                    return format!("{y}-{dd}-{m}");
                }
            }
            return d.to_owned();
        }
        if pick(0.05) {
            let yy: i32 = y.parse().unwrap_or(1980) + if self.rng.random_bool(0.5) { 1 } else { -1 };
            return [yy.to_string()].into_iter().chain(parts[1..].iter().map(|s| s.to_string())).collect::<Vec<_>>().join("-");
        }
        if pick(0.04) {
            if let Some(dd) = day {
                let mut c: Vec<char> = dd.chars().collect();
                c[1] = char::from(b'0' + self.rng.random_range(0..10u8));
                let s: String = c.into_iter().collect();
                if s != "00" {
                    return format!("{y}-{}-{s}", m.unwrap_or("01"));
                }
            }
        }
        d.to_owned()
    }

    fn registration(&mut self, p: &Person, heavy: bool) -> Row {
        let k = if heavy { 1.0 } else { 0.25 };
        let mut given = p.given.clone();
        let mut family = p.family.clone().unwrap_or_default();
        // Father's name (the middle words of a long given name) dropped.
        if given.contains(' ') && !p.korean && self.p(0.2 * k) {
            given = given.split(' ').next().unwrap_or_default().to_owned();
        }
        if self.p(0.5 * k) {
            given = self.respell(&given, p.korean);
        }
        if !family.is_empty() && self.p(0.5 * k) {
            family = self.respell(&family, p.korean);
        }
        if self.p(0.12 * k) {
            if self.p(0.5) || family.is_empty() {
                given = self.typo(&given);
            } else {
                family = self.typo(&family);
            }
        }
        let orig_full = match (&p.given_orig, &p.family_orig) {
            (Some(g), Some(f)) if p.korean => Some(format!("{f}{g}")),
            (Some(g), Some(f)) => Some(format!("{g} {f}")),
            (Some(g), None) => Some(g.clone()),
            (None, Some(f)) => Some(f.clone()),
            _ => None,
        };
        let mut row = Row { cluster: p.cluster, ..Row::default() };
        let has_orig = orig_full.is_some();
        let keep_orig = has_orig && !self.p(0.4 * k + 0.2);
        let orig_only = keep_orig && self.p(0.12 * k);
        if keep_orig {
            row.orig = orig_full.unwrap_or_default();
        }
        if !orig_only {
            if self.p(0.1 * k) && !family.is_empty() {
                std::mem::swap(&mut given, &mut family);
            }
            if self.p(0.15 * k) {
                row.full = if p.korean || self.p(0.3) { format!("{family} {given}") } else { format!("{given} {family}") }.trim().to_owned();
            } else {
                row.given = given;
                row.surname = family;
            }
        }
        row.dob = p.dob.as_deref().map(|d| self.date(d, heavy)).unwrap_or_default();
        row.sex = if self.p(0.05 * k) { String::new() } else if self.p(0.01 * k) { if p.sex == "M" { "F".into() } else { "M".into() } } else { p.sex.clone() };
        row.place = match &p.place {
            Some(pl) if !self.p(0.3 * k) => {
                if self.p(0.1 * k) {
                    self.typo(pl)
                } else {
                    pl.clone()
                }
            }
            _ => String::new(),
        };
        row.cit = match &p.citizenship {
            Some(c) if !self.p(0.1 * k) => c.clone(),
            _ => String::new(),
        };
        row.doc = match &p.document {
            Some(d) if self.p(if heavy { 0.5 } else { 0.9 }) => {
                if self.p(0.05) {
                    self.typo(d)
                } else {
                    d.clone()
                }
            }
            _ => String::new(),
        };
        row.addr = if self.p(0.1 * k) {
            String::new()
        } else if heavy && self.p(0.3) {
            let i = self.rng.random_range(0..self.addresses.len().max(1));
            self.addresses.get(i).cloned().unwrap_or_default()
        } else {
            p.address.clone().unwrap_or_default()
        };
        row
    }
}

fn people(n: usize, seed: u64) -> Vec<Person> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let mut out = Vec::with_capacity(n);
    for h in nansen_demo::households(seed, today) {
        for m in &h.members {
            let p: &PersonInput = &m.person;
            let korean = p.citizenship.as_deref().is_some_and(|c| c.contains("PRK") || c.contains("KOR"))
                || p.family_name_original.as_deref().is_some_and(|f| f.chars().any(|c| ('\u{AC00}'..='\u{D7A3}').contains(&c)));
            out.push(Person {
                cluster: out.len(),
                given: p.given_name.clone().unwrap_or_default(),
                family: p.family_name.clone(),
                given_orig: p.given_name_original.clone(),
                family_orig: p.family_name_original.clone(),
                korean,
                sex: p.sex.clone().unwrap_or_default(),
                dob: p.date_of_birth.clone(),
                place: p.place_of_birth.clone(),
                citizenship: p.citizenship.clone(),
                document: p.documents.first().and_then(|d| d.number.clone()),
                address: h.address.clone(),
            });
            if out.len() >= n {
                return out;
            }
        }
    }
    out
}

fn main() {
    let mut records = 10_000usize;
    let mut out = std::path::PathBuf::from("synth.csv");
    let mut seed = 7u64;
    let mut truth: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--records" => records = args.next().and_then(|v| v.parse().ok()).unwrap_or(records),
            "--out" => out = args.next().map(Into::into).unwrap_or(out),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--truth" => truth = args.next().map(Into::into),
            other => {
                eprintln!("unknown argument {other}: use --records N --out FILE [--seed S] [--truth PEOPLE.csv]");
                std::process::exit(2);
            }
        }
    }
    // Registrations per person: 70% once, 20% twice, 8% three times, 2% four times (mean 1.42).
    let n_people = (records as f64 / 1.42).ceil() as usize;
    let persons = people(n_people, seed);
    let mut noise = Noise { rng: ChaCha8Rng::seed_from_u64(seed ^ 0xD00D), variants: variant_table(), addresses: Vec::new() };
    noise.addresses = persons.iter().step_by(7).filter_map(|p| p.address.clone()).take(5000).collect();
    let mut rows: Vec<Row> = Vec::with_capacity(records + 8);
    for p in &persons {
        if rows.len() >= records {
            break;
        }
        let r: f64 = noise.rng.random();
        let copies = if r < 0.70 {
            1
        } else if r < 0.90 {
            2
        } else if r < 0.98 {
            3
        } else {
            4
        };
        for c in 0..copies {
            if rows.len() >= records {
                break;
            }
            let row = noise.registration(p, c > 0);
            rows.push(row);
        }
    }
    rows.shuffle(&mut noise.rng);
    let mut w = csv::Writer::from_path(&out).unwrap_or_else(|e| {
        eprintln!("cannot write {}: {e}", out.display());
        std::process::exit(1);
    });
    w.write_record(["id", "given_name", "surname", "full_name", "name_original", "date_of_birth", "sex", "place_of_birth", "citizenship", "document_number", "address", "cluster"])
        .unwrap();
    for (i, r) in rows.iter().enumerate() {
        let id = format!("S{i:07}");
        let cluster = r.cluster.to_string();
        w.write_record([&id, &r.given, &r.surname, &r.full, &r.orig, &r.dob, &r.sex, &r.place, &r.cit, &r.doc, &r.addr, &cluster]).unwrap();
    }
    w.flush().unwrap();
    if let Some(path) = truth {
        // The people before the registration noise, one row per cluster (for error analysis).
        let mut t = csv::Writer::from_path(&path).unwrap();
        t.write_record(["cluster", "given", "family", "given_orig", "family_orig", "sex", "dob", "place", "citizenship", "document", "address"]).unwrap();
        for p in &persons {
            let o = |s: &Option<String>| s.clone().unwrap_or_default();
            t.write_record([p.cluster.to_string(), p.given.clone(), o(&p.family), o(&p.given_orig), o(&p.family_orig), p.sex.clone(), o(&p.dob), o(&p.place), o(&p.citizenship), o(&p.document), o(&p.address)]).unwrap();
        }
        t.flush().unwrap();
    }
    eprintln!("{} records of {} people written to {}", rows.len(), persons.len(), out.display());
}
