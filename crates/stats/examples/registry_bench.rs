//! Registry group-by benchmark: generates a synthetic registry (persons and their event histories) as CSV,
//! and times Nansen's stock computation (category × origin × sex × age bracket at a date) on it.
//! `bench/stats/run.sh` runs this and DuckDB on the same files.
//!
//! ```text
//! registry_bench generate --persons 10000000 --out DIR
//! registry_bench run --dir DIR --date 2025-12-31 --threads 2 --repeat 3
//! ```
//!
//! `persons.csv`: id,sex,birth_year,birth_month,birth_day,origin,category (category at 2025-12-31, a
//! maintained snapshot for the flat group-by). `events.csv`: person_id,date,kind (dates strictly increase
//! per person; kinds: claim, dec_first_rec, dec_first_comp, dec_first_rej, dec_first_closed,
//! dec_appeal_rec, dec_appeal_comp, final_rej, oip, stateless, nationality, cessation, resettled, returned,
//! left).

use chrono::{Datelike, Days, NaiveDate};
use nansen_stats::categories::StatSex;
use nansen_stats::registry::{category_at, BirthDate, Category, EventKind, Instance, Outcome, PersonHistory, StatusEvent, StockCounter};
use nansen_stats::Place;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // splitmix64
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn pick<'a, T>(&mut self, items: &'a [(T, f64)]) -> &'a T {
        let total: f64 = items.iter().map(|x| x.1).sum();
        let mut r = self.unit() * total;
        for (x, w) in items {
            if r < *w {
                return x;
            }
            r -= w;
        }
        &items[items.len() - 1].0
    }
}

const KINDS: [(&str, EventKind); 15] = [
    ("claim", EventKind::ClaimLodged),
    ("dec_first_rec", EventKind::Decision { instance: Instance::First, outcome: Outcome::Recognised }),
    ("dec_first_comp", EventKind::Decision { instance: Instance::First, outcome: Outcome::Complementary }),
    ("dec_first_rej", EventKind::Decision { instance: Instance::First, outcome: Outcome::Rejected }),
    ("dec_first_closed", EventKind::Decision { instance: Instance::First, outcome: Outcome::Closed }),
    ("dec_appeal_rec", EventKind::Decision { instance: Instance::Appeal, outcome: Outcome::Recognised }),
    ("dec_appeal_comp", EventKind::Decision { instance: Instance::Appeal, outcome: Outcome::Complementary }),
    ("final_rej", EventKind::FinalOutcome { outcome: Outcome::Rejected }),
    ("oip", EventKind::OipRecorded),
    ("stateless", EventKind::StatelessDetermined),
    ("nationality", EventKind::NationalityAcquired),
    ("cessation", EventKind::Cessation),
    ("resettled", EventKind::ResettlementDeparture),
    ("returned", EventKind::VoluntaryReturn),
    ("left", EventKind::LeftOperation),
];

fn kind_of(s: &[u8]) -> Option<EventKind> {
    KINDS.iter().find(|(n, _)| n.as_bytes() == s).map(|(_, k)| *k)
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
}

fn generate(n: u64, out: &Path, seed: u64) -> Res<()> {
    std::fs::create_dir_all(out)?;
    let mut pw = BufWriter::with_capacity(1 << 20, std::fs::File::create(out.join("persons.csv"))?);
    let mut ew = BufWriter::with_capacity(1 << 20, std::fs::File::create(out.join("events.csv"))?);
    writeln!(pw, "id,sex,birth_year,birth_month,birth_day,origin,category")?;
    writeln!(ew, "person_id,date,kind")?;
    let origins: Vec<(&str, f64)> = vec![
        ("SYR", 22.0), ("AFG", 14.0), ("SSD", 9.0), ("COD", 7.0), ("MMR", 6.0), ("VEN", 6.0), ("UKR", 5.0),
        ("SDN", 5.0), ("SOM", 4.0), ("ERI", 3.0), ("CAF", 2.0), ("IRQ", 2.0), ("BDI", 1.5), ("NGA", 1.5),
        ("PAK", 1.0), ("IRN", 1.0), ("ETH", 1.0), ("COL", 1.0), ("CMR", 0.8), ("YEM", 0.8), ("HTI", 0.5),
        ("PRK", 0.1), ("CHN", 0.3), ("LKA", 0.3), ("TUR", 0.3), ("RUS", 0.3), ("UNK", 1.0), ("XXA", 1.0), ("TIB", 0.1),
    ];
    let sexes = [(("F", StatSex::Female), 50.0), (("M", StatSex::Male), 49.0), (("X", StatSex::Other), 0.3), (("U", StatSex::Unknown), 0.7)];
    let ages = [((0u32, 4u32), 12.0), ((5, 11), 17.0), ((12, 17), 11.0), ((18, 59), 54.0), ((60, 90), 6.0)];
    let snapshot = date(2025, 12, 31);
    let first = date(2010, 1, 1);
    let span = (date(2026, 6, 30) - first).num_days() as u64;
    let mut rng = Rng(seed);
    let mut events: Vec<(u64, &str)> = Vec::with_capacity(8);
    let mut typed: Vec<StatusEvent> = Vec::with_capacity(8);
    for id in 0..n {
        let origin = *rng.pick(&origins);
        let (sex_code, _) = *rng.pick(&sexes);
        let (lo, hi) = *rng.pick(&ages);
        let age = lo + rng.below((hi - lo + 1) as u64) as u32;
        let year = 2025 - age as i32;
        let r = rng.unit();
        let birth = if r < 0.05 {
            (String::new(), String::new(), String::new())
        } else if r < 0.35 {
            (year.to_string(), String::new(), String::new())
        } else if r < 0.45 {
            (year.to_string(), (1 + rng.below(12)).to_string(), String::new())
        } else {
            let doy = rng.below(365);
            let d = date(year, 1, 1) + Days::new(doy);
            (year.to_string(), d.month().to_string(), d.day().to_string())
        };
        // A history, with strictly increasing dates.
        events.clear();
        let start = rng.below(span - 800);
        let mut day = start;
        let mut step = |rng: &mut Rng| {
            day += 20 + rng.below(400);
            day
        };
        let p = rng.unit();
        let claim_then = |events: &mut Vec<(u64, &str)>, d: u64| events.push((d, "claim"));
        if !(0.40..0.90).contains(&p) {
            claim_then(&mut events, start);
            events.push((step(&mut rng), "dec_first_rec"));
        } else if p < 0.52 {
            claim_then(&mut events, start);
        } else if p < 0.60 {
            claim_then(&mut events, start);
            events.push((step(&mut rng), "dec_first_rej"));
            let q = rng.unit();
            if q < 0.3 {
                events.push((step(&mut rng), "dec_appeal_rec"));
            } else if q < 0.45 {
                events.push((step(&mut rng), "dec_appeal_comp"));
            } else if q < 0.85 {
                events.push((step(&mut rng), "final_rej"));
            }
        } else if p < 0.65 {
            claim_then(&mut events, start);
            events.push((step(&mut rng), "dec_first_comp"));
        } else if p < 0.70 {
            events.push((start, "oip"));
            if rng.unit() < 0.2 {
                events.push((step(&mut rng), "claim"));
            }
        } else if p < 0.73 {
            events.push((start, "stateless"));
            if rng.unit() < 0.2 {
                events.push((step(&mut rng), "claim"));
            }
        } else if p < 0.78 {
            claim_then(&mut events, start);
            events.push((step(&mut rng), "dec_first_rec"));
            events.push((step(&mut rng), "resettled"));
        } else if p < 0.82 {
            claim_then(&mut events, start);
            events.push((step(&mut rng), "dec_first_rec"));
            events.push((step(&mut rng), "returned"));
        } else if p < 0.85 {
            claim_then(&mut events, start);
            events.push((step(&mut rng), "dec_first_closed"));
        } else if p < 0.87 {
            claim_then(&mut events, start);
            events.push((step(&mut rng), "dec_first_rec"));
            events.push((step(&mut rng), "cessation"));
        } else if p < 0.88 {
            events.push((start, "stateless"));
            events.push((step(&mut rng), "nationality"));
        } else {
            claim_then(&mut events, start);
            events.push((step(&mut rng), "dec_first_rec"));
            events.push((step(&mut rng), "left"));
        }
        typed.clear();
        for (d, k) in &events {
            let dt = first + Days::new(*d);
            writeln!(ew, "{id},{dt},{k}")?;
            typed.push(StatusEvent::on(dt, kind_of(k.as_bytes()).ok_or("unknown kind")?));
        }
        let cat = category_at(&typed, snapshot, None).map(|c| c.name()).unwrap_or("");
        writeln!(pw, "{id},{sex_code},{},{},{},{origin},{cat}", birth.0, birth.1, birth.2)?;
    }
    pw.flush()?;
    ew.flush()?;
    Ok(())
}

struct Registry {
    sex: Vec<StatSex>,
    birth: Vec<Option<BirthDate>>,
    origin: Vec<Place>,
    category: Vec<Option<Category>>,
    offsets: Vec<u32>,
    events: Vec<StatusEvent>,
}

fn field<'a>(line: &'a [u8], it: &mut std::slice::Split<'a, u8, impl FnMut(&u8) -> bool>) -> &'a [u8] {
    let _ = line;
    it.next().unwrap_or(b"")
}

fn num(b: &[u8]) -> Option<u32> {
    if b.is_empty() {
        return None;
    }
    let mut v = 0u32;
    for c in b {
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

fn load(dir: &Path) -> Res<Registry> {
    let mut places: HashMap<Vec<u8>, Place> = HashMap::new();
    let mut reg = Registry { sex: vec![], birth: vec![], origin: vec![], category: vec![], offsets: vec![0], events: vec![] };
    let mut rd = BufReader::with_capacity(1 << 20, std::fs::File::open(dir.join("persons.csv"))?);
    let mut line = Vec::new();
    rd.read_until(b'\n', &mut line)?; // header
    loop {
        line.clear();
        if rd.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let l = line.strip_suffix(b"\n").unwrap_or(&line);
        let mut it = l.split(|c| *c == b',');
        let _id = field(l, &mut it);
        let sex = match field(l, &mut it) {
            b"F" => StatSex::Female,
            b"M" => StatSex::Male,
            b"X" => StatSex::Other,
            _ => StatSex::Unknown,
        };
        let (y, m, d) = (num(field(l, &mut it)), num(field(l, &mut it)), num(field(l, &mut it)));
        let birth = y.and_then(|y| BirthDate::new(y as i32, m, d).ok());
        let o = field(l, &mut it);
        let origin = match places.get(o) {
            Some(p) => *p,
            None => {
                let p = Place::from_code(std::str::from_utf8(o)?).ok_or("bad origin")?;
                places.insert(o.to_vec(), p);
                p
            }
        };
        let cf = field(l, &mut it);
        let cat = Category::ALL.into_iter().find(|c| c.name().as_bytes() == cf);
        reg.sex.push(sex);
        reg.birth.push(birth);
        reg.origin.push(origin);
        reg.category.push(cat);
    }
    let n = reg.sex.len();
    reg.offsets.reserve(n);
    let mut rd = BufReader::with_capacity(1 << 20, std::fs::File::open(dir.join("events.csv"))?);
    rd.read_until(b'\n', &mut line)?;
    let mut current = 0usize;
    loop {
        line.clear();
        if rd.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        let l = line.strip_suffix(b"\n").unwrap_or(&line);
        let mut it = l.split(|c| *c == b',');
        let pid = num(field(l, &mut it)).ok_or("bad person id")? as usize;
        let ds = field(l, &mut it);
        if ds.len() != 10 {
            return Err("bad date".into());
        }
        let dt = date(num(&ds[0..4]).unwrap_or(0) as i32, num(&ds[5..7]).unwrap_or(0), num(&ds[8..10]).unwrap_or(0));
        let kind = kind_of(field(l, &mut it)).ok_or("bad kind")?;
        while current < pid {
            reg.offsets.push(reg.events.len() as u32);
            current += 1;
        }
        reg.events.push(StatusEvent::on(dt, kind));
    }
    while reg.offsets.len() < n + 1 {
        reg.offsets.push(reg.events.len() as u32);
    }
    Ok(reg)
}

fn person(reg: &Registry, i: usize) -> PersonHistory<'_> {
    PersonHistory {
        id: i as u128,
        sex: reg.sex[i],
        birth: reg.birth[i],
        origin: reg.origin[i],
        events: &reg.events[reg.offsets[i] as usize..reg.offsets[i + 1] as usize],
    }
}

/// Runs `f` over `threads` contiguous chunks of persons and merges the counters.
fn parallel(reg: &Registry, d: NaiveDate, threads: usize, f: impl Fn(&mut StockCounter, usize) + Sync) -> StockCounter {
    let n = reg.sex.len();
    let chunk = n.div_ceil(threads.max(1));
    let mut parts: Vec<StockCounter> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..threads.max(1))
            .map(|t| {
                let f = &f;
                s.spawn(move || {
                    let mut c = StockCounter::new(d, None);
                    for i in t * chunk..((t + 1) * chunk).min(n) {
                        f(&mut c, i);
                    }
                    c
                })
            })
            .collect();
        hs.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let mut total = parts.remove(0);
    for p in parts {
        total.merge(p);
    }
    total
}

fn write_result(path: &Path, stock: &nansen_stats::registry::Stock) -> Res<()> {
    let mut w = BufWriter::new(std::fs::File::create(path)?);
    writeln!(w, "category,origin,sex,age_bracket,n")?;
    let mut rows = Vec::new();
    for ((p, s, a), v) in &stock.cells {
        for (k, c) in Category::ALL.iter().enumerate() {
            if v[k] > 0 {
                rows.push(format!("{},{},{},{},{}", c.name(), p.code(), s.code(), a.label(), v[k]));
            }
        }
    }
    rows.sort();
    for r in rows {
        writeln!(w, "{r}")?;
    }
    Ok(())
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn run(dir: &Path, d: NaiveDate, threads: usize, repeat: usize) -> Res<()> {
    let t0 = Instant::now();
    let reg = load(dir)?;
    let load_s = t0.elapsed().as_secs_f64();
    eprintln!("loaded {} persons, {} events in {:.2} s", reg.sex.len(), reg.events.len(), load_s);
    let mut ev_times = Vec::new();
    let mut flat_times = Vec::new();
    let mut last = None;
    let mut last_flat = None;
    for _ in 0..repeat {
        let t = Instant::now();
        let s = parallel(&reg, d, threads, |c, i| c.add(&person(&reg, i))).finish();
        ev_times.push(t.elapsed().as_secs_f64());
        last = Some(s);
        let t = Instant::now();
        let s = parallel(&reg, d, threads, |c, i| c.add_classified(reg.category[i], reg.sex[i], reg.birth[i], reg.origin[i])).finish();
        flat_times.push(t.elapsed().as_secs_f64());
        last_flat = Some(s);
    }
    let (Some(s), Some(f)) = (last, last_flat) else { return Err("no run".into()) };
    write_result(&dir.join("rust_stock_events.csv"), &s)?;
    write_result(&dir.join("rust_stock_flat.csv"), &f)?;
    let total: u64 = s.cells.values().flat_map(|v| v.iter()).sum();
    println!(
        "{{\"persons\": {}, \"events\": {}, \"threads\": {threads}, \"load_s\": {load_s:.3}, \"stock_from_events_s\": {:.3}, \"flat_groupby_s\": {:.3}, \"counted\": {total}, \"groups\": {}}}",
        reg.sex.len(),
        reg.events.len(),
        median(ev_times),
        median(flat_times),
        s.cells.len()
    );
    Ok(())
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1).cloned())
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("generate") => {
            let n: u64 = arg(&args, "--persons").unwrap_or_else(|| "10000000".into()).parse()?;
            let out = PathBuf::from(arg(&args, "--out").ok_or("--out DIR")?);
            let seed: u64 = arg(&args, "--seed").unwrap_or_else(|| "2026".into()).parse()?;
            let t = Instant::now();
            generate(n, &out, seed)?;
            eprintln!("generated {n} persons in {:.1} s", t.elapsed().as_secs_f64());
            Ok(())
        }
        Some("run") => {
            let dir = PathBuf::from(arg(&args, "--dir").ok_or("--dir DIR")?);
            let d = NaiveDate::parse_from_str(&arg(&args, "--date").unwrap_or_else(|| "2025-12-31".into()), "%Y-%m-%d")?;
            let threads: usize = arg(&args, "--threads").unwrap_or_else(|| "2".into()).parse()?;
            let repeat: usize = arg(&args, "--repeat").unwrap_or_else(|| "3".into()).parse()?;
            run(&dir, d, threads, repeat)
        }
        _ => Err("usage: registry_bench generate --persons N --out DIR [--seed S] | run --dir DIR [--date YYYY-MM-DD] [--threads 2] [--repeat 3]".into()),
    }
}
