//! The `nansen` binary end to end: demo, import/export round trips, refusal of malformed files,
//! and durability of an acknowledged write across a crash (kill -9) on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use nansen_store::testing::TestDb;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

fn nansen(db: &str, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nansen"));
    // `nansen demo` encrypts its database with a key file beside it.
    if let Some(key) = db.strip_prefix("sqlite://").map(|p| format!("{p}.key")).filter(|k| Path::new(k).exists()) {
        c.env("NANSEN_KEY_FILE", key);
    }
    c.arg("--db").arg(db).args(args).env("NANSEN_LOG", "warn").stdin(Stdio::null()).output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "failed: {}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn persons(db: &str) -> usize {
    let out = ok(&nansen(db, &["operation", "list"]));
    out.lines().filter_map(|l| l.split('\t').nth(5)).filter_map(|p| p.split(' ').next()?.parse::<usize>().ok()).sum()
}

const CSV: &str = "household_key,relationship,given_name,family_name,given_name_original,family_name_original,sex,date_of_birth,citizenship,languages,document_kind,document_number,specific_needs,address\n\
K-1,PA,Mohammed,Al-Ahmad,محمد,الأحمد,M,1979,SYR,ar,passport,N0001,,Block A\n\
K-1,SPS,Huda,Al-Ahmad,هدى,الأحمد,F,1983-02,SYR,ar,,,WR-LC,Block A\n\
K-2,PA,Cheol-su,Kim,철수,김,M,1990-11-02,PRK,ko,,,TR,\n\
K-3,PA,Tesfay,Gebremedhin,ተስፋይ,ገብረመድህን,M,1995,ERI,ti,national_id,ER-55,UC-UM;SM-CI,Zone 4\n";

#[test]
fn import_export_round_trip_and_idempotence() {
    let dir = tempfile::tempdir().unwrap();
    let a = format!("sqlite://{}", dir.path().join("a.db").display());
    let b = format!("sqlite://{}", dir.path().join("b.db").display());
    let file = dir.path().join("in.csv");
    std::fs::write(&file, CSV).unwrap();
    for db in [&a, &b] {
        ok(&nansen(db, &["operation", "create", "--code", "TUR-GAZ", "--name", "Gaziantep", "--country", "TUR"]));
    }
    let out = ok(&nansen(&a, &["import", file.to_str().unwrap()]));
    assert!(out.contains("3 households, 4 persons"), "{out}");
    let again = ok(&nansen(&a, &["import", file.to_str().unwrap()]));
    assert!(again.contains("0 households, 0 persons") && again.contains("3 households already registered"), "{again}");
    assert_eq!(persons(&a), 4);

    // CSV: export, import elsewhere, export again: the same rows but for the case numbers
    let e1 = dir.path().join("e1.csv");
    ok(&nansen(&a, &["export", "--output", e1.to_str().unwrap()]));
    ok(&nansen(&b, &["import", e1.to_str().unwrap()]));
    let e2 = ok(&nansen(&b, &["export"]));
    let strip = |s: &str| {
        let mut rows: Vec<String> = s.lines().map(|l| l.rsplit_once(',').map(|x| x.0.to_string()).unwrap_or_default()).collect();
        rows.sort();
        rows
    };
    assert_eq!(strip(&std::fs::read_to_string(&e1).unwrap()), strip(&e2));
    assert!(e2.contains("ተስፋይ") && e2.contains("UC-UM;SM-CI"));

    // JSON and JSON Lines round trips keep everything
    for fmt in ["json", "jsonl"] {
        let f = dir.path().join(format!("e.{fmt}"));
        ok(&nansen(&a, &["export", "--format", fmt, "--output", f.to_str().unwrap()]));
        let c = format!("sqlite://{}", dir.path().join(format!("c-{fmt}.db")).display());
        ok(&nansen(&c, &["operation", "create", "--code", "TUR-X", "--name", "Other office", "--country", "TUR"]));
        let out = ok(&nansen(&c, &["import", f.to_str().unwrap()]));
        assert!(out.contains("3 households, 4 persons"), "{fmt}: {out}");
    }
}

#[test]
fn malformed_files_are_refused_with_row_numbers_and_nothing_is_imported() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("m.db").display());
    ok(&nansen(&db, &["operation", "create", "--code", "TUR-GAZ", "--name", "Gaziantep", "--country", "TUR"]));
    let bad = "household_key,relationship,given_name,sex,date_of_birth,citizenship\n\
G-1,PA,Amina,F,1990,SYR\n\
G-2,PA,Omar,M,1980-02-30,SYR\n\
G-3,PA,Ali,M,1970,QQQ\n\
G-4,CHD,Sara,F,2012,SYR\n";
    let f = dir.path().join("bad.csv");
    std::fs::write(&f, bad).unwrap();
    let o = nansen(&db, &["import", f.to_str().unwrap()]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    for needle in ["row 3", "date_of_birth", "row 4", "citizenship", "row 5", "principal applicant", "nothing was imported"] {
        assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
    }
    assert_eq!(persons(&db), 0);
    for (name, content, needle) in [
        ("empty.csv", "", "empty"),
        ("header.csv", "household_key,relationship,given_name,sex\n", "no rows"),
        ("empty.json", "[]", "no households"),
        ("broken.json", "[{\"registration_key\": \"A\", \"members\": [", "row"),
        ("x.txt", "hello", "cannot tell the format"),
    ] {
        let f = dir.path().join(name);
        std::fs::write(&f, content).unwrap();
        let o = nansen(&db, &["import", f.to_str().unwrap()]);
        assert!(!o.status.success(), "{name}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains(needle), "{name}: {err}");
    }
    assert_eq!(persons(&db), 0);
}

#[test]
fn demo_builds_a_database_and_never_replaces_real_data() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("demo.db").display());
    let out = ok(&nansen(&db, &["demo", "--no-serve", "--households", "300"]));
    assert!(out.contains("300 households"), "{out}");
    assert!(out.contains("officer2") && out.contains("sees only the 12 cases assigned to it"), "{out}");
    let path = dir.path().join("demo.db");
    let q = std::process::Command::new("sqlite3").arg(&path).arg("SELECT COUNT(DISTINCT household_id) FROM case_assignments WHERE ended_at IS NULL").output().unwrap();
    assert_eq!(String::from_utf8_lossy(&q.stdout).trim(), "12", "the demo's assigned-only officer has its cases");
    let n = persons(&db);
    assert!(n > 700, "{n}");
    // a second run replaces the demo with the same people (deterministic seed)
    ok(&nansen(&db, &["demo", "--no-serve", "--households", "300"]));
    assert_eq!(persons(&db), n);
    let real = format!("sqlite://{}", dir.path().join("real.db").display());
    ok(&nansen(&real, &["operation", "create", "--code", "KEN-NBO", "--name", "Nairobi", "--country", "KEN"]));
    let o = nansen(&real, &["demo", "--no-serve"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("will not replace"));
    let o = nansen("mysql://x", &["migrate"]);
    assert!(String::from_utf8_lossy(&o.stderr).contains("sqlite://PATH"));
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn start(db: &str, port: u16) -> std::process::Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_nansen"))
        .args(["--db", db, "serve", "--addr", &format!("127.0.0.1:{port}")])
        .env("NANSEN_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return child;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("the server did not start");
}

async fn acknowledged_write_survives_kill_9(db: &str) {
    ok(&nansen(db, &["operation", "create", "--code", "BGD-CXB", "--name", "Cox's Bazar", "--country", "BGD"]));
    ok(&nansen(db, &["user", "create", "clerk.kill", "--name", "Clerk", "--role", "registration_clerk", "--operation", "*"]));
    let token = ok(&nansen(db, &["user", "token", "clerk.kill", "--name", "durability test"])).trim().to_string();
    let mut auth = reqwest::header::HeaderMap::new();
    auth.insert(reqwest::header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
    let port = free_port();
    let mut child = start(db, port);
    let client = reqwest::Client::builder().default_headers(auth.clone()).build().unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let ops: serde_json::Value = client.get(format!("{base}/api/v1/operations")).send().await.unwrap().json().await.unwrap();
    let op = ops[0]["id"].as_str().unwrap().to_string();
    let mut ids = Vec::new();
    for i in 0..20 {
        let r = client
            .post(format!("{base}/api/v1/operations/{op}/persons"))
            .json(&serde_json::json!({"given_name": format!("Nur{}", "a".repeat(i % 3 + 1)), "family_name": "Begum", "sex": "F", "citizenship": "stateless", "date_of_birth": "1998"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let v: serde_json::Value = r.json().await.unwrap();
        ids.push(v["members"][0]["id"].as_str().unwrap().to_string());
    }
    child.kill().unwrap(); // SIGKILL: no shutdown, no flush
    child.wait().unwrap();
    let mut child = start(db, port);
    let client = reqwest::Client::builder().default_headers(auth).build().unwrap(); // the old connections died with the server
    for id in &ids {
        let r = client.get(format!("{base}/api/v1/persons/{id}")).send().await.unwrap();
        assert_eq!(r.status(), 200, "{id} was acknowledged but lost");
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[tokio::test]
async fn sqlite_acknowledged_write_survives_kill_9() {
    let db = TestDb::sqlite().await;
    acknowledged_write_survives_kill_9(&db.url).await;
}

#[tokio::test]
async fn postgres_acknowledged_write_survives_kill_9() {
    let db = TestDb::postgres().await;
    acknowledged_write_survives_kill_9(&db.url).await;
    db.cleanup().await;
}

#[test]
fn help_documents_every_command() {
    let o = Command::new(env!("CARGO_BIN_EXE_nansen")).arg("--help").output().unwrap();
    let h = String::from_utf8_lossy(&o.stdout);
    for c in ["demo", "serve", "migrate", "operation", "import", "export", "assess", "audit", "dedup", "stats", "generate"] {
        assert!(h.contains(c), "{c} missing from --help");
    }
    assert!(Path::new(env!("CARGO_BIN_EXE_nansen")).exists());
}

#[test]
fn assess_reproduces_the_documented_examples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/assess/examples");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") || name.ends_with(".expected.json") {
            continue;
        }
        let expected: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path.with_extension("expected.json")).unwrap()).unwrap();
        let j = expected["jurisdiction"].as_str().unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_nansen")).args(["assess", path.to_str().unwrap(), "--jurisdiction", j, "--json"]).output().unwrap();
        assert!(o.status.success(), "{name}: {}", String::from_utf8_lossy(&o.stderr));
        let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(got["recommendation"], expected["recommendation"], "{name}");
        assert!(!got["reasons"].as_array().unwrap().is_empty(), "{name} has no reasons");
        let text = Command::new(env!("CARGO_BIN_EXE_nansen")).args(["assess", path.to_str().unwrap(), "--jurisdiction", j]).output().unwrap();
        let out = String::from_utf8_lossy(&text.stdout);
        assert!(out.contains("recommendation:") && out.contains("Art."), "{name}: {out}");
        n += 1;
    }
    assert!(n >= 8, "only {n} examples");
    let bad = std::env::temp_dir().join(format!("nansen-bad-facts-{}.json", std::process::id()));
    std::fs::write(&bad, r#"{"nationality": {"kind": "nationals", "countries": ["SYR"]}, "countries": [], "colour": 1}"#).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_nansen")).args(["assess", bad.to_str().unwrap(), "--jurisdiction", "DEU"]).output().unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("colour"));
    let _ = std::fs::remove_file(bad);
}

#[test]
fn audit_verify_passes_untouched_and_names_the_first_broken_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let db = format!("sqlite://{}", path.display());
    ok(&nansen(&db, &["demo", "--no-serve", "--households", "50"]));
    let out = ok(&nansen(&db, &["audit", "verify"]));
    assert!(out.contains("audit verified"), "{out}");
    // An intruder with the database file edits an entry directly (sqlite3 is installed by .ci/run).
    let st = std::process::Command::new("sqlite3")
        .arg(&path)
        .arg("DROP TRIGGER audit_append_only_update; UPDATE audit_log SET actor = 'intruder' WHERE seq = 7;")
        .status()
        .expect("the sqlite3 command-line tool is needed by this test (apt-get install sqlite3)");
    assert!(st.success());
    let o = nansen(&db, &["audit", "verify"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("entry_altered") && err.contains("audit entry 7"), "{err}");
}

#[test]
fn dedup_and_stats_are_wired() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.csv");
    std::fs::write(
        &input,
        "id,given_name,surname,date_of_birth,sex,citizenship\n1,Mohammed,Al-Hassan,1980-03-01,M,SYR\n2,Muhammad,Alhassan,1980,M,SYR\n3,Fatima,Karimi,1992-07-09,F,AFG\n4,Deng,Garang,1975,M,SSD\n",
    )
    .unwrap();
    let out = dir.path().join("pairs.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_nansen")).args(["dedup", "--input", input.to_str().unwrap(), "--output", out.to_str().unwrap(), "--threshold", "0.5"]).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let pairs = std::fs::read_to_string(&out).unwrap();
    assert!(pairs.starts_with("id_l,id_r,score"), "{pairs}");
    let empty = dir.path().join("empty.csv");
    std::fs::write(&empty, "").unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_nansen")).args(["dedup", "--input", empty.to_str().unwrap(), "--output", out.to_str().unwrap()]).output().unwrap();
    assert!(!o.status.success());
    let o = Command::new(env!("CARGO_BIN_EXE_nansen")).args(["stats", "--help"]).output().unwrap();
    assert!(o.status.success());
}

/// The number in "… N likely duplicate pair(s) found" of an import's report.
fn pairs_found(out: &str) -> usize {
    out.split(" likely duplicate pair(s) found").next().and_then(|s| s.rsplit(' ').next()).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no pair count in {out}"))
}

#[test]
fn a_first_import_is_checked_with_a_model_fitted_on_it() {
    // A first import of a caseload without duplicates into an empty registry: the model must be
    // fitted on the imported records (as a deduplication would be), not the generic fallback for
    // tiny registries, which proposed several "duplicates" per person (namesakes, siblings).
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("g.db").display());
    ok(&nansen(&db, &["operation", "create", "--code", "KEN-KAK", "--name", "Kakuma", "--country", "KEN"]));
    let file = dir.path().join("caseload.jsonl");
    ok(&nansen(&db, &["generate", "--households", "1200", "--output", file.to_str().unwrap()]));
    let out = ok(&nansen(&db, &["import", file.to_str().unwrap()]));
    let persons = persons(&db);
    assert!(persons > 3000, "{out}");
    let found = pairs_found(&out);
    assert!(found * 50 < persons, "{found} pairs proposed among {persons} distinct generated persons: the review queue is flooded\n{out}");

    // The same model still finds people registered again: twelve principal applicants, each in a
    // new household of their own, with the Latin spelling of the given name altered.
    let text = std::fs::read_to_string(&file).unwrap();
    let mut again = String::new();
    for (i, line) in text.lines().take(12).enumerate() {
        let h: serde_json::Value = serde_json::from_str(line).unwrap();
        let mut pa = h["members"][0].clone();
        let given = pa["person"]["given_name"].as_str().unwrap().to_owned();
        pa["person"]["given_name"] = serde_json::Value::String(given.replacen('a', "e", 1));
        let hh = serde_json::json!({"registration_key": format!("AGAIN-{i}"), "members": [pa]});
        again.push_str(&hh.to_string());
        again.push('\n');
    }
    let second = dir.path().join("again.jsonl");
    std::fs::write(&second, again).unwrap();
    let out = ok(&nansen(&db, &["import", second.to_str().unwrap()]));
    assert!(out.contains(&format!("12 imported persons checked against {persons} registered")), "{out}");
    assert!(pairs_found(&out) >= 10, "re-registered persons were not found: {out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_checks_for_duplicates_and_queues_them() {
    use nansen_store::{Duplicates, DuplicateStatus, Store};
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("d.db").display());
    ok(&nansen(&db, &["operation", "create", "--code", "TUR-GAZ", "--name", "Gaziantep", "--country", "TUR"]));
    let first = dir.path().join("first.csv");
    std::fs::write(&first, CSV).unwrap();
    let out = ok(&nansen(&db, &["import", first.to_str().unwrap()]));
    assert!(out.contains("duplicate check: 4 imported persons checked against 0 registered") && out.contains("0 likely duplicate pair(s) found"), "{out}");
    // Mohammed registered again as Muhammad (another household), and someone clearly different
    let second = dir.path().join("second.csv");
    std::fs::write(
        &second,
        "household_key,relationship,given_name,family_name,given_name_original,family_name_original,sex,date_of_birth,citizenship,languages,document_kind,document_number,specific_needs,address\n\
         K-10,PA,Muhammad,Al-Ahmed,محمد,الأحمد,M,1979,SYR,ar,passport,N0001,,Block A\n\
         K-11,PA,Grace,Achol,,,F,2001-07-09,SSD,en,,,,Zone 9\n",
    )
    .unwrap();
    let out = ok(&nansen(&db, &["import", second.to_str().unwrap()]));
    assert!(out.contains("duplicate check: 2 imported persons checked against 4 registered") && out.contains("1 likely duplicate pair(s) found, 1 queued for review"), "{out}");
    let skipped = ok(&nansen(&db, &["import", "--skip-duplicate-check", second.to_str().unwrap()]));
    assert!(!skipped.contains("duplicate check"), "{skipped}");

    let store = nansen_store::SqliteStore::open(&db).await.unwrap();
    let op = store.operations().await.unwrap()[0].id;
    let queue = store.duplicates(op, None, Some(DuplicateStatus::Open), 50, 0).await.unwrap();
    assert_eq!(queue.total, 1);
    let d = &queue.items[0];
    assert_eq!(d.found_by, "import");
    let mut names = Vec::new();
    for p in [d.person_a, d.person_b] {
        names.push(store.person(p).await.unwrap().unwrap().details.given_name.as_str().to_owned());
    }
    assert!(names.contains(&"Mohammed".to_string()) && names.contains(&"Muhammad".to_string()), "{names:?}");
    assert!(store.verify_audit().await.unwrap().ok());
    store.close().await;
}

