//! SQLite's write-ahead log: committed pages reach the database file through the background
//! checkpoint, not through a checkpoint that holds the group-commit writer after its commits, and a
//! closed store leaves no log behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Utc;
use nansen_domain::*;
use nansen_store::*;
use std::path::Path;
use std::time::{Duration, Instant};

fn meta() -> Meta {
    Meta::now(Actor::parse("clerk.test").unwrap())
}

fn households(n: usize) -> Vec<NewHousehold> {
    const GIVEN: [&str; 6] = ["Nour", "Rana", "Omar", "Layla", "Sami", "Huda"];
    const FAMILY: [&str; 5] = ["Haddad", "Khalil", "Mansour", "Darwish", "Jaber"];
    (0..n)
        .map(|i| {
            let person = |g: usize| PersonInput {
                given_name: Some(GIVEN[(i + g) % GIVEN.len()].into()),
                family_name: Some(FAMILY[i % FAMILY.len()].into()),
                sex: Some(if g == 0 { "F" } else { "M" }.into()),
                date_of_birth: Some(format!("19{:02}-0{}-1{}", 50 + i % 49, 1 + i % 9, i % 10)),
                citizenship: Some("SYR".into()),
                ..Default::default()
            };
            let input = HouseholdInput {
                registration_key: Some(format!("WAL-{i}")),
                arrival_date: Some("2025-03-01".into()),
                address: Some(format!("Block C-{i}")),
                members: vec![
                    MemberInput { relationship: Some("PA".into()), person: person(0) },
                    MemberInput { relationship: Some("SPS".into()), person: person(1) },
                ],
            };
            NewHousehold::parse(&input, Utc::now().date_naive()).unwrap()
        })
        .collect()
}

fn url(dir: &Path) -> DbUrl {
    DbUrl::parse(&format!("sqlite://{}", dir.join("nansen.db").display())).unwrap()
}

async fn open(dir: &Path) -> (AnyStore, OperationId) {
    let store = connect(&url(dir)).await.unwrap();
    let op = nansen_store::testing::amman_operation(&store, meta()).await;
    (store, op)
}

fn len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

/// Waits up to five seconds for `done`.
async fn eventually(done: impl Fn() -> bool) -> bool {
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        if done() {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    done()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn committed_pages_reach_the_database_file_in_the_background() {
    let dir = tempfile::tempdir().unwrap();
    let (store, op) = open(dir.path()).await;
    let (db, wal) = (dir.path().join("nansen.db"), dir.path().join("nansen.db-wal"));
    let before = len(&db);
    store.import(op, households(300), meta(), &|_| {}).await.unwrap();
    // What was imported is in the log: about a megabyte, far below the writer's own threshold
    // (and below SQLite's default one of 1,000 pages), so no checkpoint of the writer's moves it.
    let logged = len(&wal);
    assert!(logged > 400_000, "the import should have logged a few hundred kB, not {logged} bytes");
    assert!(logged < u64::from(WAL_BACKSTOP_PAGES) * 4096 && logged < 1_000 * 4096);
    assert!(
        eventually(|| len(&db) >= before + 300_000).await,
        "the database file stayed at {} bytes (from {before}): the committed pages were never checkpointed",
        len(&db)
    );
    // and what was checkpointed reads back
    assert_eq!(store.counts(op).await.unwrap().persons, 600);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_store_leaves_no_write_ahead_log() {
    let dir = tempfile::tempdir().unwrap();
    let (store, op) = open(dir.path()).await;
    store.import(op, households(50), meta(), &|_| {}).await.unwrap();
    let wal = dir.path().join("nansen.db-wal");
    assert!(wal.exists());
    store.close().await;
    // The last connection to close (the checkpoint's, once it sees the store closed) checkpoints
    // the log and removes it: a connection left open would keep it.
    assert!(eventually(|| !wal.exists()).await, "the write-ahead log is still there: a connection of the store stayed open");
    let again = connect(&url(dir.path())).await.unwrap();
    assert_eq!(again.counts(op).await.unwrap().persons, 100);
    again.close().await;
}
