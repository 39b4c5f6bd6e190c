//! `dedup_files` on small files: duplicates found, explanations, malformed rows, empty files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use nansen_matching::{dedup_files, explain_pair, BirthDate, Field, Index, MatchError, Model, Record};
use std::path::PathBuf;

fn tmp(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("nansen-matching-{}-{}", std::process::id(), name));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("in.csv");
    std::fs::write(&p, content).unwrap();
    p
}

fn pairs(p: &PathBuf) -> Vec<(String, String, f64)> {
    let mut r = csv::Reader::from_path(p).unwrap();
    assert_eq!(r.headers().unwrap().iter().collect::<Vec<_>>(), vec!["id_l", "id_r", "score"]);
    r.records().map(|x| x.unwrap()).map(|x| (x[0].to_owned(), x[1].to_owned(), x[2].parse().unwrap())).collect()
}

const SMALL: &str = "\
id,given_name,surname,name_original,date_of_birth,sex,citizenship,document_number,address,note
1,Mohammed,Al-Hassan,محمد الحسن,1990-03-04,M,SYR,N123456,Block 4 Kalindi,first visit
2,Muhammad,Hasan,,1990,M,SYR,,Block 4 Kalindi,came back
3,Fatima,Hasan,فاطمة الحسن,1992-07-11,F,SYR,,Block 4 Kalindi,
4,Sol Ju,Ri,리설주,1989-09-28,F,PRK,,Amaro,
5,Seol-ju,Lee,,1989-28-09,F,PRK,,,
6,Tesfay,Gebremedhin,,1985-01-02,M,ERI,E7788,Port Lessa,
7,Gebremedhin,Tesfai,ተስፋይ ገብረመድህን,1985-02-01,M,ERI,,Port Lessa,
8,Aung,Kyaw,,1970,M,MMR,,,
9,Ahmad,Karimi,,1975-05-05,M,AFG,,Kabul road,
10,Ali,Rezaei,,1960-12-12,M,AFG,,,
";

#[test]
fn finds_known_duplicates_across_spellings_scripts_and_swaps() {
    let input = tmp("small", SMALL);
    let out = input.with_file_name("pairs.csv");
    let report = dedup_files(&input, None, &out, None, false).unwrap();
    assert_eq!(report.records, 10);
    let got = pairs(&out);
    let found = |a: &str, b: &str| got.iter().any(|(l, r, s)| ((l == a && r == b) || (l == b && r == a)) && (0.0..=1.0).contains(s));
    assert!(found("1", "2"), "Mohammed Al-Hassan / Muhammad Hasan: {got:?}");
    assert!(found("4", "5"), "Ri Sol Ju / Lee Seol-ju: {got:?}");
    assert!(found("6", "7"), "Tesfay Gebremedhin / swapped: {got:?}");
    assert!(!found("1", "3"), "Mohammed and Fatima are different people: {got:?}");
    assert!(!found("9", "10"), "{got:?}");
}

#[test]
fn linkage_across_two_files() {
    let left = tmp("link-l", "id,full_name,date_of_birth\nA1,Kim Jong Un,1984-01-08\nA2,Park Seo-yeon,1995\n");
    let right = tmp("link-r", "id,name_original,date_of_birth,citizenship\nB1,김정은,1984-01-08,PRK\nB2,최민준,1990,PRK\n");
    let out = left.with_file_name("pairs.csv");
    let report = dedup_files(&left, Some(&right), &out, None, false).unwrap();
    assert_eq!((report.records, report.linked_records), (2, Some(2)));
    let got = pairs(&out);
    assert!(got.iter().any(|(l, r, _)| l == "A1" && r == "B1"), "{got:?}");
    assert!(got.iter().all(|(l, r, _)| l.starts_with('A') && r.starts_with('B')), "{got:?}");
}

#[test]
fn threshold_override_and_bad_threshold() {
    let input = tmp("thr", SMALL);
    let out = input.with_file_name("pairs.csv");
    let r = dedup_files(&input, None, &out, Some(1.0), false).unwrap();
    assert_eq!(r.threshold, 1.0);
    assert!(pairs(&out).iter().all(|(_, _, s)| *s >= 1.0));
    assert!(matches!(dedup_files(&input, None, &out, Some(1.5), false), Err(MatchError::BadThreshold(_))));
}

#[test]
fn malformed_rows_are_reported_by_number() {
    let input = tmp(
        "malformed",
        "id,given_name,surname\n1,Ali,Hassan\n2,Omar,Farouk,extra\n3,Huda,Saleh\n,Nour,Saleh\n5,\"Sara\",Ali\n",
    );
    let out = input.with_file_name("pairs.csv");
    let err = dedup_files(&input, None, &out, None, false).unwrap_err();
    match &err {
        MatchError::MalformedRows { count, rows, .. } => {
            assert_eq!(*count, 2);
            assert_eq!((rows[0].row, rows[0].line), (2, 3));
            assert!(rows[0].message.contains("4 fields"), "{}", rows[0].message);
            assert_eq!((rows[1].row, rows[1].line), (4, 5));
            assert!(rows[1].message.contains("id"), "{}", rows[1].message);
        }
        other => panic!("expected malformed rows, got {other:?}"),
    }
    let msg = err.to_string();
    assert!(msg.contains("row 2 (line 3)") && msg.contains("row 4 (line 5)"), "{msg}");
}

#[test]
fn invalid_utf8_is_a_malformed_row() {
    let dir = std::env::temp_dir().join(format!("nansen-matching-{}-utf8", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = dir.join("in.csv");
    std::fs::write(&input, b"id,given_name\n1,Ali\n2,\xff\xfe\n").unwrap();
    let err = dedup_files(&input, None, &dir.join("o.csv"), None, false).unwrap_err();
    assert!(matches!(&err, MatchError::MalformedRows { rows, .. } if rows[0].row == 2), "{err}");
}

#[test]
fn empty_header_only_and_no_id_files_are_clear_errors() {
    let empty = tmp("empty", "");
    let out = empty.with_file_name("pairs.csv");
    let e = dedup_files(&empty, None, &out, None, false).unwrap_err();
    assert!(matches!(e, MatchError::Empty { .. }), "{e}");
    assert!(e.to_string().contains("is empty"));

    let header = tmp("header", "id,given_name,surname\n");
    let e = dedup_files(&header, None, &out, None, false).unwrap_err();
    assert!(matches!(e, MatchError::HeaderOnly { .. }), "{e}");
    assert!(e.to_string().contains("no rows"));

    let noid = tmp("noid", "name,surname\nAli,Hassan\n");
    let e = dedup_files(&noid, None, &out, None, false).unwrap_err();
    assert!(matches!(e, MatchError::NoIdColumn { .. }), "{e}");

    let missing = empty.with_file_name("does-not-exist.csv");
    let e = dedup_files(&missing, None, &out, None, false).unwrap_err();
    assert!(matches!(e, MatchError::Io { .. }), "{e}");
}

#[test]
fn too_many_records_is_refused_before_memory_runs_out() {
    let input = tmp("budget", "id,given_name\n1,A\n2,B\n3,C\n");
    let out = input.with_file_name("pairs.csv");
    let opts = nansen_matching::DedupOptions { max_records: 2, ..Default::default() };
    let e = nansen_matching::dedup_files_with(&input, None, &out, &opts).unwrap_err();
    assert!(matches!(e, MatchError::TooManyRecords { limit: 2, .. }), "{e}");
}

fn rec(id: &str, given: &str, surname: &str, dob: &str) -> Record {
    let mut r = Record::new(id);
    r.given_name = Some(given.into());
    r.surname = Some(surname.into());
    r.date_of_birth = BirthDate::parse_lenient(dob);
    r
}

#[test]
fn online_index_explains_each_field() {
    let mut index = Index::build(vec![rec("p1", "Mohammed", "Al-Hassan", "1990-03-04"), rec("p2", "Fatima", "Hasan", "1992-07-11")]);
    let mut q = Record::new("new");
    q.full_name = Some("Hasan Muhamad".into());
    q.date_of_birth = BirthDate::parse_lenient("1990-04-03");
    let found = index.candidates(&q);
    assert_eq!(found.len(), 1, "{found:?}");
    let m = &found[0];
    assert_eq!(m.other_id, "p1");
    assert!(m.score > 0.5 && m.score <= 1.0);
    assert_eq!(m.explanation.len(), Field::ALL.len());
    let dob = m.explanation.iter().find(|c| c.field == Field::DateOfBirth).unwrap();
    assert_eq!(dob.level, "day and month swapped");
    assert!(dob.weight > 0.0);
    let total: f64 = m.prior_weight + m.explanation.iter().map(|c| c.weight).sum::<f64>();
    assert!((total - m.weight).abs() < 1e-9);
    index.insert(q.clone());
    assert_eq!(index.len(), 3);
    // The record itself is not its own duplicate.
    assert!(index.candidates(&q).iter().all(|m| m.other_id != "new"));
}

#[test]
fn explain_pair_shows_swapped_names() {
    let m = explain_pair(&Model::fallback(), &rec("a", "Tesfay", "Gebremedhin", "1985"), &rec("b", "Gebremedhin", "Tesfai", "1985"));
    let given = m.explanation.iter().find(|c| c.field == Field::GivenName).unwrap();
    assert!(given.level.contains("swapped"), "{}", given.level);
    assert!(m.score > 0.5);
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Index>();
    assert_send_sync::<Model>();
}

#[test]
fn an_oversized_file_is_refused_before_it_is_read() {
    let rows: String = (0..6).map(|i| format!("{i},Abdulrahman Mohammed Ali Hassan,Al-Hussaini\n")).collect();
    let input = tmp("budget-count", &format!("id,given_name,surname\n{rows}"));
    let out = input.with_file_name("pairs.csv");
    let opts = nansen_matching::DedupOptions { max_records: 5, ..Default::default() };
    let e = nansen_matching::dedup_files_with(&input, None, &out, &opts).unwrap_err();
    assert!(matches!(e, MatchError::TooManyRecords { limit: 5, .. }), "{e}");
    assert!(e.to_string().contains("split the input"), "{e}");
}
