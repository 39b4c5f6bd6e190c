//! The binary's security commands end to end: master keys (init, refusal without or with the wrong
//! key, rotation), encrypted backups and exports, `nansen encrypt|decrypt`, and signed audit
//! checkpoints (including the periodic ones of `nansen serve`).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn nansen(db: &str, key: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nansen"));
    c.arg("--db").arg(db).args(args).env("NANSEN_LOG", "warn").env_remove("NANSEN_KEY").env_remove("NANSEN_KEY_FILE").stdin(Stdio::null());
    if let Some(k) = key {
        c.arg("--key-file").arg(k);
    }
    c.output().unwrap()
}

fn ok(o: &Output) -> String {
    assert!(o.status.success(), "failed: {}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    assert!(!o.status.success(), "succeeded: {}", String::from_utf8_lossy(&o.stdout));
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

struct Demo {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    db: String,
    key: PathBuf,
}

fn demo(households: &str, seed: &str) -> Demo {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.db");
    let db = format!("sqlite://{}", path.display());
    let out = ok(&nansen(&db, None, &["demo", "--no-serve", "--households", households, "--seed", seed]));
    let key = PathBuf::from(format!("{}.key", path.display()));
    assert!(out.contains("Demo master key") && key.exists(), "{out}");
    Demo { dir: dir.path().to_path_buf(), _dir: dir, db, key }
}

#[test]
fn keys_are_required_checked_and_rotated() {
    let d = demo("30", "1951");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&d.key).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let listed = ok(&nansen(&d.db, Some(&d.key), &["operation", "list"]));
    assert!(listed.contains("DEMO-KAK"), "{listed}");
    assert!(err(&nansen(&d.db, None, &["operation", "list"])).contains("--key-file"));
    let other = d.dir.join("other.key");
    ok(&nansen(&d.db, None, &["keys", "init", "--out", other.to_str().unwrap()]));
    assert!(err(&nansen(&d.db, None, &["keys", "init", "--out", other.to_str().unwrap()])).contains("already exists"));
    assert!(err(&nansen(&d.db, Some(&other), &["serve"])).contains("does not open"));
    // Rotation: afterwards only the new key opens the database, and everything still verifies.
    let out = ok(&nansen(&d.db, Some(&d.key), &["keys", "rotate", "--new-key-file", other.to_str().unwrap()]));
    assert!(out.contains("rewrapped"), "{out}");
    assert!(err(&nansen(&d.db, Some(&d.key), &["operation", "list"])).contains("does not open"));
    assert_eq!(ok(&nansen(&d.db, Some(&other), &["operation", "list"])), listed);
    assert!(ok(&nansen(&d.db, Some(&other), &["audit", "verify"])).contains("audit verified"));
    // NANSEN_KEY (base64) works as well as a key file.
    let b64 = std::fs::read_to_string(&other).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_nansen")).args(["--db", &d.db, "operation", "list"]).env("NANSEN_KEY", b64.trim()).env_remove("NANSEN_KEY_FILE").output().unwrap();
    assert_eq!(ok(&o), listed);
}

#[test]
fn encrypted_backups_and_exports_round_trip() {
    let d = demo("30", "1951");
    let file_key = d.dir.join("transfer.key");
    ok(&nansen(&d.db, None, &["keys", "init", "--out", file_key.to_str().unwrap()]));
    let fk = file_key.to_str().unwrap();
    // A plain backup is a SQLite database (sealed fields still sealed); an encrypted one shows nothing.
    let plain = d.dir.join("plain.db");
    ok(&nansen(&d.db, Some(&d.key), &["backup", "--out", plain.to_str().unwrap()]));
    assert!(contains(&std::fs::read(&plain).unwrap(), "DEMO-KAK"));
    assert!(err(&nansen(&d.db, Some(&d.key), &["backup", "--out", plain.to_str().unwrap()])).contains("already exists"));
    let enc = d.dir.join("backup.db.enc");
    ok(&nansen(&d.db, Some(&d.key), &["backup", "--out", enc.to_str().unwrap(), "--encrypt-key", fk]));
    let bytes = std::fs::read(&enc).unwrap();
    assert!(bytes.starts_with(b"NANSENC1") && !contains(&bytes, "DEMO-KAK") && !contains(&bytes, "SQLite format"));
    let restored = d.dir.join("restored.db");
    ok(&nansen(&d.db, None, &["decrypt", "--key", fk, "-i", enc.to_str().unwrap(), "-o", restored.to_str().unwrap()]));
    let rdb = format!("sqlite://{}", restored.display());
    assert_eq!(ok(&nansen(&rdb, Some(&d.key), &["operation", "list"])), ok(&nansen(&d.db, Some(&d.key), &["operation", "list"])));
    assert!(ok(&nansen(&rdb, Some(&d.key), &["audit", "verify"])).contains("audit verified"));
    // A changed byte is refused and leaves no output behind.
    let mut bad = bytes.clone();
    let mid = bad.len() / 2;
    bad[mid] ^= 1;
    let badf = d.dir.join("bad.enc");
    std::fs::write(&badf, bad).unwrap();
    let out = d.dir.join("bad.db");
    assert!(err(&nansen(&d.db, None, &["decrypt", "--key", fk, "-i", badf.to_str().unwrap(), "-o", out.to_str().unwrap()])).contains("failed authentication"));
    assert!(!out.exists());
    // An encrypted export decrypts to the same lines as a plain one.
    let plain_export = ok(&nansen(&d.db, Some(&d.key), &["export", "--format", "jsonl"]));
    let ex = d.dir.join("export.jsonl.enc");
    ok(&nansen(&d.db, Some(&d.key), &["export", "--format", "jsonl", "-o", ex.to_str().unwrap(), "--encrypt-key", fk]));
    let exported = std::fs::read(&ex).unwrap();
    assert!(!contains(&exported, "household_key") && !contains(&exported, "given_name"));
    let back = ok(&nansen(&d.db, None, &["decrypt", "--key", fk, "-i", ex.to_str().unwrap()]));
    assert_eq!(back, plain_export);
    assert_eq!(back.lines().count(), 30);
    // encrypt | decrypt through pipes.
    let mut child = Command::new(env!("CARGO_BIN_EXE_nansen")).args(["encrypt", "--key", fk]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let text = "pg_dump output\n".repeat(10_000);
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    let sealed = child.wait_with_output().unwrap();
    assert!(sealed.status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_nansen")).args(["decrypt", "--key", fk]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(&sealed.stdout).unwrap();
    let opened = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8(opened.stdout).unwrap(), text);
}

#[test]
fn signed_checkpoints_catch_a_rewritten_history() {
    let d = demo("20", "1951");
    let sk = d.dir.join("audit.sign");
    ok(&nansen(&d.db, None, &["audit", "keygen", "--out", sk.to_str().unwrap()]));
    let pk = d.dir.join("audit.sign.pub");
    let cp = d.dir.join("cp.json");
    ok(&nansen(&d.db, Some(&d.key), &["audit", "checkpoint", "--signing-key", sk.to_str().unwrap(), "--out", cp.to_str().unwrap()]));
    let verify = |db: &str, key: &Path, cp: &Path, pk: &Path| nansen(db, Some(key), &["audit", "verify", "--checkpoint", cp.to_str().unwrap(), "--public-key", pk.to_str().unwrap()]);
    assert!(ok(&verify(&d.db, &d.key, &cp, &pk)).contains("confirmed"));
    // Another history of the same length (a rewrite, re-hashed): its own chain verifies, the checkpoint does not.
    let other = demo("20", "7");
    assert!(ok(&nansen(&other.db, Some(&other.key), &["audit", "verify"])).contains("audit verified"));
    assert!(err(&verify(&other.db, &other.key, &cp, &pk)).contains("CHECKPOINT MISMATCH"));
    // An edited checkpoint, or one checked with another public key, is refused.
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&cp).unwrap()).unwrap();
    v["seq"] = serde_json::json!(v["seq"].as_i64().unwrap() - 1);
    let edited = d.dir.join("edited.json");
    std::fs::write(&edited, v.to_string()).unwrap();
    assert!(err(&verify(&d.db, &d.key, &edited, &pk)).contains("SIGNATURE INVALID"));
    let sk2 = d.dir.join("other.sign");
    ok(&nansen(&d.db, None, &["audit", "keygen", "--out", sk2.to_str().unwrap()]));
    assert!(err(&verify(&d.db, &d.key, &cp, &d.dir.join("other.sign.pub"))).contains("SIGNATURE INVALID"));
}

#[test]
fn the_server_writes_checkpoints_periodically() {
    let d = demo("5", "1951");
    let sk = d.dir.join("audit.sign");
    ok(&nansen(&d.db, None, &["audit", "keygen", "--out", sk.to_str().unwrap()]));
    let cps = d.dir.join("checkpoints");
    let mut child = Command::new(env!("CARGO_BIN_EXE_nansen"))
        .args(["--db", &d.db, "--key-file", d.key.to_str().unwrap(), "serve", "--addr", "127.0.0.1:0", "--checkpoint-every", "1s"])
        .arg("--checkpoint-dir")
        .arg(&cps)
        .arg("--signing-key")
        .arg(&sk)
        .env("NANSEN_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    let found = loop {
        let files: Vec<_> = std::fs::read_dir(&cps).map(|r| r.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()).unwrap_or_default();
        if let Some(f) = files.first() {
            break Some(f.clone());
        }
        if start.elapsed() > Duration::from_secs(60) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let _ = child.kill();
    let _ = child.wait();
    let f = found.expect("a checkpoint file within 60 s");
    let pk = d.dir.join("audit.sign.pub");
    let o = nansen(&d.db, Some(&d.key), &["audit", "verify", "--checkpoint", f.to_str().unwrap(), "--public-key", pk.to_str().unwrap()]);
    assert!(ok(&o).contains("confirmed"));
}
