//! Figures computed by nansen-stats from the UNHCR files, compared with an independent computation from
//! the raw CSVs: plain `csv` parsing with header lookups and `HashMap` sums in this file, none of the
//! library's loader or query code.

use nansen_stats::reference::query::{
    GroupBy, Levels, Measure, PyramidQuery, RankQuery, RatesQuery, SeriesQuery, Selection, Side, TopQuery, Units,
};
use nansen_stats::reference::{PopulationColumn, ReferenceData};
use nansen_stats::Place;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/unhcr")
}

fn data() -> &'static ReferenceData {
    static D: OnceLock<ReferenceData> = OnceLock::new();
    D.get_or_init(|| ReferenceData::load_dir(&dir()).unwrap_or_else(|e| panic!("{e}")))
}

/// The raw rows of a file as maps from column name to text.
fn raw(file: &str) -> Vec<HashMap<String, String>> {
    let mut rd = csv::Reader::from_path(dir().join(file)).unwrap_or_else(|e| panic!("{e}"));
    let header: Vec<String> = rd.headers().unwrap_or_else(|e| panic!("{e}")).iter().map(String::from).collect();
    rd.records()
        .map(|r| {
            let r = r.unwrap_or_else(|e| panic!("{e}"));
            header.iter().cloned().zip(r.iter().map(String::from)).collect()
        })
        .collect()
}

type Rows = Vec<HashMap<String, String>>;

fn raw_cached(file: &'static str) -> &'static Rows {
    static C: OnceLock<std::sync::Mutex<HashMap<&'static str, &'static Rows>>> = OnceLock::new();
    let m = C.get_or_init(Default::default);
    let mut g = m.lock().unwrap_or_else(|e| e.into_inner());
    g.entry(file).or_insert_with(|| Box::leak(Box::new(raw(file))))
}

fn num(r: &HashMap<String, String>, c: &str) -> u64 {
    r[c].parse().unwrap_or(0)
}

fn place(s: &str) -> Place {
    Place::parse(s).unwrap_or_else(|e| panic!("{e}"))
}

fn pop_series(measure: &str, origin: Option<&str>, asylum: Option<&str>, year: u16) -> Option<u64> {
    let q = SeriesQuery {
        measures: vec![Measure::parse(measure).unwrap_or_else(|e| panic!("{e}"))],
        origin: origin.map(|o| Selection::Places(vec![place(o)])).unwrap_or_default(),
        asylum: asylum.map(|a| Selection::Places(vec![place(a)])).unwrap_or_default(),
        by: vec![],
        years: Some((year, year)),
    };
    let s = data().series(&q).unwrap_or_else(|e| panic!("{e}"));
    s.value(year, &[], 0)
}

fn independent(file: &'static str, col: &str, origin: Option<&str>, asylum: Option<&str>, year: u16) -> u64 {
    raw_cached(file)
        .iter()
        .filter(|r| r["year"] == year.to_string())
        .filter(|r| origin.is_none_or(|o| r["coo_iso"] == o))
        .filter(|r| asylum.is_none_or(|a| r["coa_iso"] == a))
        .map(|r| num(r, col))
        .sum()
}

#[test]
fn population_figures_match_for_several_countries_and_years() {
    let cases: &[(&str, Option<&str>, Option<&str>, u16)] = &[
        ("refugees", Some("SYR"), Some("DEU"), 2016),
        ("refugees", Some("AFG"), Some("PAK"), 2010),
        ("refugees", Some("SSD"), Some("UGA"), 2020),
        ("asylum_seekers", Some("UKR"), Some("POL"), 2023),
        ("oip", Some("VEN"), Some("COL"), 2022),
        ("stateless", None, Some("MMR"), 2019),
        ("idps", Some("COD"), None, 2018),
        ("returned_refugees", Some("AFG"), None, 2002),
        ("refugees", Some("CHN"), None, 2003),
        ("refugees", Some("ERI"), None, 2015),
        ("refugees", None, Some("TUR"), 2020),
        ("refugees", None, None, 1951),
        ("refugees", None, None, 2010),
        ("refugees", None, None, 2025),
        ("asylum_seekers", None, None, 2024),
    ];
    for &(m, o, a, y) in cases {
        let mine = pop_series(m, o, a, y);
        let theirs = independent("unhcr_population.csv", m, o, a, y);
        assert_eq!(mine.unwrap_or(0), theirs, "{m} {o:?}->{a:?} {y}");
        assert!(theirs > 0, "case {m} {o:?} {a:?} {y} should not be empty");
    }
    // Known published totals (data README): 2.12 M refugees in 1951, 31.6 M in 2023.
    assert_eq!(pop_series("refugees", None, None, 1951).map(|v| (v + 5_000) / 10_000), Some(212));
    assert_eq!(pop_series("refugees", None, None, 2023).map(|v| (v + 50_000) / 100_000), Some(316));
    // The README's field-by-field check (TidyTuesday 2010).
    assert_eq!(pop_series("refugees", Some("PSE"), Some("EGY"), 2010), Some(70_026));
    assert_eq!(pop_series("stateless", Some("XXA"), Some("EGY"), 2010), Some(60));
}

#[test]
fn refugees_including_oip_and_unreported_oip() {
    for (o, y) in [("VEN", 2024u16), ("AFG", 2023), ("SYR", 2016)] {
        let r = independent("unhcr_population.csv", "refugees", Some(o), None, y);
        let oip = independent("unhcr_population.csv", "oip", Some(o), None, y);
        assert_eq!(pop_series("refugees_incl_oip", Some(o), None, y), Some(r + oip), "{o} {y}");
    }
    // OIP is empty (not reported) everywhere for Syria in 2016: the series says "not reported", not zero.
    assert_eq!(pop_series("oip", Some("SYR"), None, 2016), None);
}

#[test]
fn solutions_match() {
    for (a, y) in [("USA", 2016u16), ("CAN", 2019), ("AUS", 2010)] {
        let theirs = independent("unhcr_solutions.csv", "resettlement", None, Some(a), y);
        assert_eq!(pop_series("resettlement", None, Some(a), y), Some(theirs), "{a} {y}");
        assert!(theirs > 1000);
    }
}

#[test]
fn regions_match_the_country_table() {
    let region: HashMap<String, String> =
        raw_cached("unhcr_countries.csv").iter().map(|r| (r["iso3"].clone(), r["unhcr_region"].clone())).collect();
    let y = 2022u16;
    let theirs: u64 = raw_cached("unhcr_population.csv")
        .iter()
        .filter(|r| r["year"] == y.to_string() && region.get(&r["coa_iso"]).is_some_and(|g| g == "Europe"))
        .map(|r| num(r, "refugees"))
        .sum();
    let q = SeriesQuery {
        measures: vec![Measure::Population(PopulationColumn::Refugees)],
        origin: Selection::All,
        asylum: Selection::All,
        by: vec![GroupBy::AsylumRegion],
        years: Some((y, y)),
    };
    let s = data().series(&q).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.value(y, &["Europe"], 0), Some(theirs));
    let q2 = SeriesQuery { asylum: Selection::Regions(vec!["europe".into()]), by: vec![], ..q };
    assert_eq!(data().series(&q2).unwrap_or_else(|e| panic!("{e}")).value(y, &[], 0), Some(theirs));
}

/// Independent per-year ranking of origins (or hosts) among real countries.
fn independent_ranking(col: &str, side: &str, year: u16) -> Vec<(String, u64, usize)> {
    let mut tot: HashMap<String, u64> = HashMap::new();
    for r in raw_cached("unhcr_population.csv").iter().filter(|r| r["year"] == year.to_string()) {
        *tot.entry(r[side].clone()).or_default() += num(r, col);
    }
    let mut v: Vec<(String, u64)> = tot.into_iter().filter(|(c, v)| *v > 0 && !["UNK", "XXA", "TIB"].contains(&c.as_str())).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let vals: Vec<u64> = v.iter().map(|x| x.1).collect();
    v.into_iter().map(|(c, x)| (c, x, 1 + vals.iter().filter(|&&y| y > x).count())).collect()
}

#[test]
fn top_origins_and_hosts_match() {
    for (side, col, y) in [(Side::Origin, "coo_iso", 2025u16), (Side::Origin, "coo_iso", 2014), (Side::Asylum, "coa_iso", 2003), (Side::Asylum, "coa_iso", 2024)] {
        let q = TopQuery { measure: Measure::Population(PopulationColumn::Refugees), side, other: Selection::All, years: Some((y, y)), n: 10 };
        let t = data().top(&q).unwrap_or_else(|e| panic!("{e}"));
        let mine: Vec<(String, u64, usize)> = t.rows.iter().map(|r| (r.place.code().to_string(), r.value, r.rank as usize)).collect();
        let theirs: Vec<(String, u64, usize)> = independent_ranking("refugees", col, y).into_iter().filter(|x| x.2 <= 10).collect();
        assert_eq!(mine, theirs, "{side:?} {y}");
    }
    // The data README: Syria first 2014–2022, Afghanistan 2023, Syria 2024, Ukraine 2025.
    let q = TopQuery { measure: Measure::Population(PopulationColumn::Refugees), side: Side::Origin, other: Selection::All, years: Some((2014, 2025)), n: 1 };
    let t = data().top(&q).unwrap_or_else(|e| panic!("{e}"));
    let firsts: Vec<&str> = t.rows.iter().map(|r| r.place.code()).collect();
    assert_eq!(firsts, ["SYR", "SYR", "SYR", "SYR", "SYR", "SYR", "SYR", "SYR", "SYR", "AFG", "SYR", "UKR"]);
}

#[test]
fn unknown_and_stateless_are_labelled_never_ranked() {
    // Before 1990 most refugees have origin UNK: it must not appear among ranked rows.
    let q = TopQuery { measure: Measure::Population(PopulationColumn::Refugees), side: Side::Origin, other: Selection::All, years: Some((1951, 1960)), n: 5 };
    let t = data().top(&q).unwrap_or_else(|e| panic!("{e}"));
    assert!(t.rows.iter().all(|r| r.place.is_country()));
    let unk = t.unranked.iter().find(|r| r.year == 1951 && r.place == Place::Unknown);
    assert_eq!(unk.map(|r| r.value), Some(independent("unhcr_population.csv", "refugees", Some("UNK"), None, 1951)));
    let table = t.to_table();
    assert!(table.rows.iter().any(|r| r[4] == nansen_stats::Cell::text("unknown (not ranked)")));
    let q = RankQuery { place: Place::Stateless, side: Side::Origin, measure: Measure::Population(PopulationColumn::Refugees), other: Selection::All, years: None, top: None };
    assert!(data().rank(&q).is_err());
}

#[test]
fn china_among_top_20_origins_every_year_since_2003() {
    let q = RankQuery {
        place: place("CHN"),
        side: Side::Origin,
        measure: Measure::Population(PopulationColumn::Refugees),
        other: Selection::All,
        years: Some((2003, 2025)),
        top: Some(20),
    };
    let r = data().rank(&q).unwrap_or_else(|e| panic!("{e}"));
    let mine: Vec<(u16, Option<u32>)> = r.rows.iter().map(|x| (x.year, x.rank)).collect();
    let theirs: Vec<(u16, Option<u32>)> = (2003..=2025)
        .map(|y| (y, independent_ranking("refugees", "coo_iso", y).into_iter().find(|x| x.0 == "CHN").map(|x| x.2 as u32)))
        .collect();
    assert_eq!(mine, theirs);
    // The answer (release v2025.12.1): yes from 2003 to 2024, no in 2025 (22nd).
    let expected = [18, 18, 16, 17, 15, 14, 11, 10, 10, 11, 12, 15, 17, 17, 15, 15, 15, 16, 17, 17, 17, 20, 22];
    assert_eq!(mine.iter().map(|x| x.1.unwrap_or(0)).collect::<Vec<_>>(), expected);
    assert!(!r.always_within(20));
    let until_2024 = RankQuery { years: Some((2003, 2024)), ..q };
    assert!(data().rank(&until_2024).unwrap_or_else(|e| panic!("{e}")).always_within(20));
}

fn independent_rates(origin: Option<&str>, asylum: Option<&str>, year: u16, levels: Option<&[&str]>, persons_only: bool) -> [u64; 4] {
    let mut s = [0u64; 4];
    for r in raw_cached("unhcr_asylum_decisions.csv").iter() {
        if r["year"] != year.to_string()
            || origin.is_some_and(|o| r["coo_iso"] != o)
            || asylum.is_some_and(|a| r["coa_iso"] != a)
            || levels.is_some_and(|l| !l.contains(&r["dec_level"].as_str()))
            || (persons_only && r["dec_pc"] != "P")
        {
            continue;
        }
        for (i, c) in ["dec_recognized", "dec_other", "dec_rejected", "dec_closed"].iter().enumerate() {
            s[i] += num(r, c);
        }
    }
    s
}

#[test]
fn recognition_and_total_protection_rates_match() {
    type Case<'a> = (Option<&'a str>, Option<&'a str>, u16, Levels, Units);
    let cases: &[Case] = &[
        (Some("SYR"), Some("DEU"), 2016, Levels::All, Units::Both),
        (Some("SYR"), Some("DEU"), 2016, Levels::Codes(vec!["NA".into()]), Units::Persons),
        (Some("AFG"), None, 2020, Levels::FirstInstance, Units::Both),
        (Some("ERI"), Some("CHE"), 2015, Levels::All, Units::Persons),
        (None, Some("FRA"), 2019, Levels::Appeal, Units::Both),
        (Some("IRN"), Some("GBR"), 2022, Levels::FirstInstance, Units::Persons),
    ];
    for (o, a, y, levels, units) in cases {
        let q = RatesQuery {
            origin: o.map(|o| Selection::Places(vec![place(o)])).unwrap_or_default(),
            asylum: a.map(|a| Selection::Places(vec![place(a)])).unwrap_or_default(),
            by: vec![],
            years: Some((*y, *y)),
            levels: levels.clone(),
            procedures: vec![],
            units: *units,
        };
        let rates = data().rates(&q).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rates.rows.len(), 1, "{o:?} {a:?} {y}");
        let row = &rates.rows[0];
        let codes = levels.code_list();
        let codes_ref: Option<Vec<&str>> = codes.as_ref().map(|v| v.iter().map(String::as_str).collect());
        let [rec, oth, rej, clo] = independent_rates(*o, *a, *y, codes_ref.as_deref(), *units == Units::Persons);
        assert_eq!((row.recognized, row.other, row.rejected, row.closed), (rec, oth, rej, clo), "{o:?} {a:?} {y}");
        let d = (rec + oth + rej) as f64;
        assert!((row.recognition_rate().unwrap_or(-1.0) - rec as f64 / d).abs() < 1e-12);
        assert!((row.total_protection_rate().unwrap_or(-1.0) - (rec + oth) as f64 / d).abs() < 1e-12);
    }
    // The README's example: Syrians in Germany 2016, government procedure, dec_level NA.
    let q = RatesQuery {
        origin: Selection::Places(vec![place("SYR")]),
        asylum: Selection::Places(vec![place("DEU")]),
        by: vec![],
        years: Some((2016, 2016)),
        levels: Levels::Codes(vec!["NA".into()]),
        procedures: vec!["G".into()],
        units: Units::Both,
    };
    let r = &data().rates(&q).unwrap_or_else(|e| panic!("{e}")).rows[0];
    assert_eq!((r.recognized, r.other, r.rejected, r.closed, r.total), (164_926, 121_182, 158, 5_398, 291_664));
    assert_eq!(format!("{:.4}", r.recognition_rate().unwrap_or(0.0)), "0.5761");
    assert_eq!(format!("{:.4}", r.total_protection_rate().unwrap_or(0.0)), "0.9994");
}

#[test]
fn pyramids_match() {
    let f = ["f_0_4", "f_5_11", "f_12_17", "f_18_59", "f_60", "f_other"];
    let m = ["m_0_4", "m_5_11", "m_12_17", "m_18_59", "m_60", "m_other"];
    for (o, a, types) in [(Some("SSD"), Some("UGA"), vec!["REF"]), (None, None, vec!["REF"]), (Some("SYR"), None, vec!["REF", "ASY"]), (None, Some("COL"), vec!["OIP"])] {
        let q = PyramidQuery {
            year: None,
            origin: o.map(|o| Selection::Places(vec![place(o)])).unwrap_or_default(),
            asylum: a.map(|a| Selection::Places(vec![place(a)])).unwrap_or_default(),
            pop_types: types.iter().map(|s| s.to_string()).collect(),
        };
        let p = data().pyramid(&q).unwrap_or_else(|e| panic!("{e}"));
        let rows: Vec<&HashMap<String, String>> = raw_cached("unhcr_demographics.csv")
            .iter()
            .filter(|r| o.is_none_or(|o| r["coo_iso"] == o) && a.is_none_or(|a| r["coa_iso"] == a) && types.contains(&r["pop_type"].as_str()))
            .collect();
        assert!(!rows.is_empty());
        for k in 0..6 {
            assert_eq!(p.female[k], rows.iter().map(|r| num(r, f[k])).sum::<u64>(), "{o:?} {a:?} f{k}");
            assert_eq!(p.male[k], rows.iter().map(|r| num(r, m[k])).sum::<u64>(), "{o:?} {a:?} m{k}");
        }
        let total: u64 = rows.iter().map(|r| num(r, "total")).sum();
        let ft: u64 = rows.iter().map(|r| num(r, "f_total") + num(r, "m_total")).sum();
        assert_eq!((p.total, p.not_disaggregated), (total, total - ft));
        assert_eq!(p.year, 2025);
    }
}

#[test]
fn a_later_release_with_reordered_and_extra_columns_loads_the_same() {
    let tmp = std::env::temp_dir().join(format!("nansen-stats-release-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap_or_else(|e| panic!("{e}"));
    for f in nansen_stats::reference::load::FILES {
        let mut rd = csv::Reader::from_path(dir().join(f)).unwrap_or_else(|e| panic!("{e}"));
        let header: Vec<String> = rd.headers().unwrap_or_else(|e| panic!("{e}")).iter().map(String::from).collect();
        let mut wr = csv::Writer::from_path(tmp.join(f)).unwrap_or_else(|e| panic!("{e}"));
        // Reverse the columns and add one.
        let mut h: Vec<&str> = header.iter().rev().map(String::as_str).collect();
        h.push("coo_name");
        wr.write_record(&h).unwrap_or_else(|e| panic!("{e}"));
        for r in rd.records() {
            let r = r.unwrap_or_else(|e| panic!("{e}"));
            let mut v: Vec<&str> = r.iter().rev().collect();
            v.push("some name");
            wr.write_record(&v).unwrap_or_else(|e| panic!("{e}"));
        }
        wr.flush().unwrap_or_else(|e| panic!("{e}"));
    }
    let other = ReferenceData::load_dir(&tmp).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(other.rows, data().rows);
    assert_eq!(other.population.counts, data().population.counts);
    assert_eq!(other.decisions.recognized, data().decisions.recognized);
    // A file missing a required column is refused with a message naming it.
    let text = std::fs::read_to_string(tmp.join("unhcr_solutions.csv")).unwrap_or_default();
    let cut: String = text.lines().map(|l| l.split_once(',').map(|x| x.1).unwrap_or("").to_string() + "\n").collect();
    std::fs::write(tmp.join("unhcr_solutions.csv"), cut).unwrap_or_else(|e| panic!("{e}"));
    let err = ReferenceData::load_dir(&tmp).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(err.contains("unhcr_solutions.csv") && err.contains("lacks the column"), "{err}");
    std::fs::remove_dir_all(&tmp).ok();
    let missing = ReferenceData::load_dir(&std::env::temp_dir().join("no-such-nansen-dir")).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(missing.contains("unhcr_countries.csv"), "{missing}");
}

#[test]
fn cli_outputs_carry_attribution_and_disclosure() {
    use clap::Parser;
    let data = dir().display().to_string();
    for fmt in ["table", "csv", "json", "hxl"] {
        let args = nansen_stats::StatsArgs::try_parse_from([
            "stats", "series", "--data", &data, "--measure", "refugees,asylum_seekers", "--origin", "SYR", "--by", "asylum", "--year", "2016", "--format", fmt,
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let mut out = Vec::new();
        nansen_stats::run(&args, &mut out).unwrap_or_else(|e| panic!("{e}"));
        let s = String::from_utf8(out).unwrap_or_default();
        assert!(s.contains("licensed CC BY 4.0"), "{fmt}");
        assert!(s.contains("threshold 5"), "{fmt}");
        assert!(s.contains("DEU"), "{fmt}");
        // Small cells exist among the ~100 countries hosting Syrians and are withheld.
        assert!(s.contains("suppressed"), "{fmt}");
    }
}

#[test]
fn full_origin_by_asylum_rates_table_matches_every_row() {
    // The table the CLI and API publish for `rates --by origin,asylum` (every year, every level, persons and
    // cases), row by row against sums of the raw file: same rows, same order (origin code, asylum code,
    // year), same counts, totals, rates and units.
    use clap::Parser;
    use nansen_stats::table::Cell;
    let args = nansen_stats::StatsArgs::try_parse_from(["stats", "rates", "--by", "origin,asylum"]).unwrap_or_else(|e| panic!("{e}"));
    let table = args.command.table(data()).unwrap_or_else(|e| panic!("{e}"));
    /// Sums of the four outcomes, and whether persons and cases rows were seen.
    type Sums = ([u64; 4], bool, bool);
    let mut expected: HashMap<(String, String, u16), Sums> = HashMap::new();
    for r in raw_cached("unhcr_asylum_decisions.csv").iter() {
        let year: u16 = r["year"].parse().unwrap_or_else(|e| panic!("{e}"));
        let e = expected.entry((r["coo_iso"].clone(), r["coa_iso"].clone(), year)).or_default();
        for (i, c) in ["dec_recognized", "dec_other", "dec_rejected", "dec_closed"].iter().enumerate() {
            e.0[i] += num(r, c);
        }
        if r["dec_pc"] == "C" {
            e.2 = true;
        } else {
            e.1 = true;
        }
    }
    let mut keys: Vec<&(String, String, u16)> = expected.keys().collect();
    keys.sort();
    assert_eq!(table.rows.len(), keys.len());
    let col = |n: &str| table.column(n).unwrap_or_else(|| panic!("no column {n}"));
    let (o, a, y) = (col("origin"), col("asylum"), col("year"));
    let counts = ["recognized", "complementary", "rejected", "closed", "substantive", "total_decisions"].map(col);
    let (rr, tp, units) = (col("recognition_rate"), col("total_protection_rate"), col("units"));
    for (row, key) in table.rows.iter().zip(keys) {
        let (c, persons, cases) = expected[key];
        assert_eq!((&row[o], &row[a], &row[y]), (&Cell::text(key.0.as_str()), &Cell::text(key.1.as_str()), &Cell::Int(key.2 as i64)));
        let substantive = c[0] + c[1] + c[2];
        let want = [c[0], c[1], c[2], c[3], substantive, substantive + c[3]];
        assert_eq!(counts.map(|k| row[k].clone()), want.map(Cell::Count), "{key:?}");
        let rate = |n: u64| if substantive == 0 { Cell::NotApplicable } else { Cell::Rate(n as f64 / substantive as f64) };
        assert_eq!((&row[rr], &row[tp]), (&rate(c[0]), &rate(c[0] + c[1])), "{key:?}");
        let u = match (persons, cases) {
            (true, true) => "P+C",
            (false, true) => "C",
            _ => "P",
        };
        assert_eq!(row[units], Cell::text(u), "{key:?}");
    }
    // The typed result gives the same table, for other groupings too (regions, "No region", reversed keys).
    for by in [vec![GroupBy::Origin, GroupBy::Asylum], vec![GroupBy::AsylumRegion, GroupBy::Origin], vec![GroupBy::OriginRegion]] {
        let q = RatesQuery {
            origin: Selection::All,
            asylum: Selection::All,
            by,
            years: None,
            levels: Levels::All,
            procedures: vec![],
            units: Units::Both,
        };
        let typed = data().rates(&q).unwrap_or_else(|e| panic!("{e}")).to_table();
        assert_eq!(data().rates_table(&q).unwrap_or_else(|e| panic!("{e}")), typed, "{:?}", q.by);
    }
}
