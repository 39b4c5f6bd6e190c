//! Test support shared by the crates' test suites (feature `test-support`): a fresh database per
//! test on either backend.
//!
//! PostgreSQL tests connect to `NANSEN_TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`), create a database per test and drop it in
//! [`TestDb::cleanup`]. They FAIL (never skip) when PostgreSQL cannot be reached, so that a green
//! run always means the PostgreSQL suite ran.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::{connect_with_key, AnyStore, DbUrl, MasterKey, Meta, Store};
use nansen_domain::{DeterminingAuthority, Iso3, Operation, OperationCode, OperationId, ShortText};
use sqlx::Connection;

/// A throw-away database.
pub struct TestDb {
    /// Its URL.
    pub url: String,
    /// Its master key, random per test database: every test runs with encryption at rest.
    pub key: MasterKey,
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl TestDb {
    /// A fresh SQLite file in a temporary folder.
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary folder");
        let url = format!("sqlite://{}", dir.path().join("t.db").display());
        Self { url, key: MasterKey::generate(), _dir: Some(dir), pg_drop: None }
    }

    /// A fresh PostgreSQL database. Panics, with what to do, when PostgreSQL is unreachable.
    pub async fn postgres() -> Self {
        let admin = admin_url();
        let mut conn = sqlx::PgConnection::connect(&admin).await.unwrap_or_else(|e| {
            panic!("PostgreSQL is not reachable at {admin} ({e}): start it (pg_ctlcluster 15 main start) or set NANSEN_TEST_POSTGRES_URL")
        });
        let name = format!("nansen_test_{}", uuid::Uuid::now_v7().simple());
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut conn).await.expect("CREATE DATABASE");
        let base = admin.rsplit_once('/').map(|(b, _)| b.to_string()).expect("URL with a database name");
        Self { url: format!("{base}/{name}"), key: MasterKey::generate(), _dir: None, pg_drop: Some((admin, name)) }
    }

    /// Either backend by name: `sqlite` or `postgres`.
    pub async fn named(backend: &str) -> Self {
        match backend {
            "postgres" => Self::postgres().await,
            _ => Self::sqlite().await,
        }
    }

    /// Opens (and migrates) the database with its master key.
    pub async fn open(&self) -> AnyStore {
        connect_with_key(&DbUrl::parse(&self.url).expect("test URL"), Some(&self.key)).await.expect("open test database")
    }

    /// Its URL, parsed.
    pub fn db_url(&self) -> DbUrl {
        DbUrl::parse(&self.url).expect("test URL")
    }

    /// Drops a PostgreSQL test database (SQLite folders go away by themselves).
    pub async fn cleanup(self) {
        if let Some((admin, name)) = &self.pg_drop {
            if let Ok(mut c) = sqlx::PgConnection::connect(admin).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&mut c).await;
            }
        }
    }
}

/// The PostgreSQL server used by tests.
pub fn admin_url() -> String {
    std::env::var("NANSEN_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// Executes raw SQL against a test database, bypassing Nansen (to test what the database refuses).
pub async fn raw(db: &TestDb, sql: &str) -> Result<u64, sqlx::Error> {
    if db.url.starts_with("sqlite") {
        let mut c = sqlx::SqliteConnection::connect(&db.url).await?;
        Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
    } else {
        let mut c = sqlx::PgConnection::connect(&db.url).await?;
        Ok(sqlx::query(sql).execute(&mut c).await?.rows_affected())
    }
}

/// Creates the operation most tests work in (JOR-AMM, a UNHCR office in Jordan) and returns its id.
pub async fn amman_operation(store: &AnyStore, meta: Meta) -> OperationId {
    let op = Operation {
        id: OperationId::generate(),
        code: OperationCode::parse("JOR-AMM").unwrap(),
        name: ShortText::parse("Amman office").unwrap(),
        country: Iso3::parse("JOR").unwrap(),
        authority: DeterminingAuthority::UnhcrMandate,
    };
    store.create_operation(op, meta).await.unwrap().id
}
