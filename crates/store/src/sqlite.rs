//! SQLite backend: the embedded default. WAL journal, `synchronous=FULL` (an acknowledged write
//! survives a crash or power loss), foreign keys on, one writer connection, a small read pool.

use crate::exec::{backend_impl, Sql};
use crate::exec_duplicates::{duplicates_impl, DuplicateSql};
use crate::exec_protection::{protection_impl, ProtectionSql};
use crate::exec_solutions::{solutions_impl, SolutionSql};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use sqlx::ConnectOptions;
use std::str::FromStr;
use std::time::Duration;



pub(crate) const SQL: Sql = Sql {
    op_country: "SELECT country FROM operations WHERE id = $1",
    insert_operation: "INSERT INTO operations (id, code, name, country, authority, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    operations: "SELECT id, code, name, country, authority FROM operations ORDER BY code",
    operation: "SELECT id, code, name, country, authority FROM operations WHERE id = $1",
    household_by_key: "SELECT id FROM households WHERE operation_id = $1 AND registration_key = $2",
    existing_keys: "SELECT registration_key FROM households WHERE operation_id = $1 AND registration_key IN (SELECT value FROM json_each($2))",
    person: "SELECT id, operation_id, household_id, relationship, version, data, created_at, updated_at, merged_into FROM persons WHERE id = $1",
    household: "SELECT id, operation_id, case_number, version, data, created_at, updated_at FROM households WHERE id = $1",
    household_by_case: "SELECT id, operation_id, case_number, version, data, created_at, updated_at FROM households WHERE case_number = $1",
    households_first: "SELECT id, operation_id, case_number, version, data, created_at, updated_at FROM households WHERE operation_id = $1 ORDER BY id LIMIT $2",
    households_after: "SELECT id, operation_id, case_number, version, data, created_at, updated_at FROM households WHERE operation_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    members: "SELECT id, operation_id, household_id, relationship, version, data, created_at, updated_at, merged_into FROM persons WHERE household_id = $1 ORDER BY relationship <> 'PA', created_at, id",
    members_of_many: "SELECT id, operation_id, household_id, relationship, version, data, created_at, updated_at, merged_into FROM persons \
        WHERE household_id IN (SELECT unhex(replace(value, '-', '')) FROM json_each($1)) ORDER BY household_id, relationship <> 'PA', created_at, id",
    update_person: "UPDATE persons SET data = $1, full_name = $2, version = $3, updated_at = $4 WHERE id = $5 AND version = $6",
    delete_terms: "DELETE FROM person_terms WHERE person_id = $1 AND (kind, term) IN (SELECT value ->> 0, value ->> 1 FROM json_each($2))",
    update_household: "UPDATE households SET data = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5",
    bump_household: "UPDATE households SET version = $1, updated_at = $2 WHERE id = $3 AND version = $4",
    history: "SELECT id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data FROM events WHERE entity_kind = $1 AND entity_id = $2 ORDER BY version, id",
    registration_of: "SELECT id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data FROM events \
        WHERE entity_id = (SELECT household_id FROM persons WHERE id = $1) AND entity_kind = 'household' AND kind = 'household_registered'",
    search_select: "SELECT p.id, p.operation_id, p.household_id, p.relationship, p.version, p.data, p.created_at, p.updated_at, p.merged_into FROM persons p",
    counts: "SELECT (SELECT COUNT(*) FROM households WHERE operation_id = $1), (SELECT COUNT(*) FROM persons WHERE operation_id = $1), \
        (SELECT COUNT(*) FROM events WHERE operation_id = $1)",
    audit_head: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
    audit_rows: "SELECT seq, event_id, operation_id, at, actor, action, entity_kind, entity_id, version, data_hash, prev_hash, hash FROM audit_log ORDER BY seq",
    all_events: "SELECT id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data FROM events",
    persons_data: "SELECT id, data FROM persons",
    households_data: "SELECT id, data FROM households",
    claims_state: "SELECT id, state FROM claims",
    protection_data: "SELECT person_id, data FROM protection_records",
    statistical_events: "SELECT id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data FROM events \
        WHERE id > $2 AND operation_id = $1 AND (entity_kind IN ('person', 'claim', 'protection', 'removal', 'repatriation', 'resettlement') \
        OR (entity_kind = 'household' AND kind = 'household_registered' AND json_extract(data, '$.members[0].details') IS NOT NULL)) ORDER BY id LIMIT $3",
    begin: "BEGIN IMMEDIATE",
    access_lock: "",
};



pub(crate) const PSQL: ProtectionSql = ProtectionSql {
    claim: "SELECT id, operation_id, person_id, version, state, created_at, updated_at FROM claims WHERE id = $1",
    claims_of: "SELECT id, operation_id, person_id, version, state, created_at, updated_at FROM claims WHERE person_id = $1 ORDER BY created_at, id",
    latest_claim: "SELECT id, operation_id, person_id, version, state, created_at, updated_at FROM claims WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
    insert_claim: "INSERT INTO claims (id, operation_id, person_id, version, stage, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    update_claim: "UPDATE claims SET version = $1, stage = $2, state = $3, updated_at = $4 WHERE id = $5 AND version = $6",
    protection: "SELECT person_id, operation_id, version, data FROM protection_records WHERE person_id = $1",
    insert_protection: "INSERT INTO protection_records (person_id, operation_id, version, data, updated_at) VALUES ($1, $2, $3, $4, $5)",
    update_protection: "UPDATE protection_records SET version = $1, data = $2, updated_at = $3 WHERE person_id = $4 AND version = $5",
    insert_assessment: "INSERT INTO assessments (id, operation_id, claim_id, facts, result, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    assessments: "SELECT id, claim_id, facts, result, actor, created_at FROM assessments WHERE claim_id = $1 ORDER BY created_at, id",
    insert_removal: "INSERT INTO removal_requests (id, operation_id, version, data, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)",
    update_removal: "UPDATE removal_requests SET version = $1, data = $2, updated_at = $3 WHERE id = $4 AND version = $5",
    removal: "SELECT id, operation_id, version, data, created_at FROM removal_requests WHERE id = $1",
    insert_evaluation: "INSERT INTO removal_evaluations (id, operation_id, request_id, person_id, phase, allowed, verdict, facts, evaluated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    evaluations: "SELECT person_id, phase, allowed, verdict, facts, evaluated_at FROM removal_evaluations WHERE request_id = $1 ORDER BY phase DESC, evaluated_at, id",
    jurisdiction: "SELECT version, data FROM jurisdiction_profiles WHERE country = $1",
    insert_jurisdiction: "INSERT INTO jurisdiction_profiles (country, version, data, updated_at) SELECT $1, $2, $3, $4 WHERE $5 = 0",
    update_jurisdiction: "UPDATE jurisdiction_profiles SET version = $2, data = $3, updated_at = $4 WHERE country = $1 AND version = $5",
};

pub(crate) const DSQL: DuplicateSql = DuplicateSql {
    insert: "INSERT INTO duplicate_candidates (id, operation_id, person_a, person_b, version, score, explanation, found_by, status, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, 1, $5, $6, $7, 'open', $8, $8)",
    pair: "SELECT id FROM duplicate_candidates WHERE operation_id = $1 AND person_a = $2 AND person_b = $3",
    by_id: "SELECT id, operation_id, person_a, person_b, version, score, explanation, found_by, status, survivor, decided_by, decided_at, decision_reason, created_at, updated_at FROM duplicate_candidates WHERE id = $1",
    page: concat!("SELECT id, operation_id, person_a, person_b, version, score, explanation, found_by, status, survivor, decided_by, decided_at, decision_reason, created_at, updated_at FROM duplicate_candidates WHERE operation_id = $1 AND ($2 = '' OR status = $2) \
        AND ($5 IS NULL OR (person_a IN ", crate::queues::sqlite_assigned!("$5"), " AND person_b IN ", crate::queues::sqlite_assigned!("$5"), ")) ORDER BY score DESC, id LIMIT $3 OFFSET $4"),
    count: concat!("SELECT COUNT(*) FROM duplicate_candidates WHERE operation_id = $1 AND ($2 = '' OR status = $2) \
        AND ($3 IS NULL OR (person_a IN ", crate::queues::sqlite_assigned!("$3"), " AND person_b IN ", crate::queues::sqlite_assigned!("$3"), "))"),
    of_person: "SELECT id, operation_id, person_a, person_b, version, score, explanation, found_by, status, survivor, decided_by, decided_at, decision_reason, created_at, updated_at FROM duplicate_candidates WHERE person_a = $1 OR person_b = $1 ORDER BY created_at DESC, id DESC",
    update: "UPDATE duplicate_candidates SET version = $1, status = $2, survivor = $3, decided_by = $4, decided_at = $5, decision_reason = $6, updated_at = $7 \
        WHERE id = $8 AND version = $9",
    set_merged_into: "UPDATE persons SET merged_into = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5",
    merged_into_of: "SELECT id, operation_id, household_id, relationship, version, data, created_at, updated_at, merged_into FROM persons WHERE merged_into = $1 ORDER BY id",
    all_merged: "SELECT id, merged_into FROM persons",
    all_status: "SELECT id, status FROM duplicate_candidates",
};

pub(crate) const SSQL: SolutionSql = SolutionSql {
    quota: "SELECT id, operation_id, country, year, version, places, note, created_at, updated_at FROM resettlement_quotas WHERE operation_id = $1 AND country = $2 AND year = $3",
    quotas: "SELECT id, operation_id, country, year, version, places, note, created_at, updated_at FROM resettlement_quotas WHERE operation_id = $1 ORDER BY year DESC, country",
    insert_quota: "INSERT INTO resettlement_quotas (id, operation_id, country, year, version, places, note, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $7)",
    update_quota: "UPDATE resettlement_quotas SET version = $1, places = $2, note = $3, updated_at = $4 WHERE id = $5 AND version = $6",
    quota_used: "SELECT COALESCE(SUM(places), 0) FROM resettlement_submissions WHERE operation_id = $1 AND country = $2 AND quota_year = $3 AND status IN ('accepted', 'departed')",
    insert_submission: "INSERT INTO resettlement_submissions (id, operation_id, country, version, status, quota_year, places, state, created_at, updated_at) \
        VALUES ($1, $2, $3, 1, $4, NULL, $5, $6, $7, $7)",
    update_submission: "UPDATE resettlement_submissions SET version = $1, status = $2, quota_year = $3, state = $4, updated_at = $5 WHERE id = $6 AND version = $7",
    submission: "SELECT id, operation_id, version, state, created_at, updated_at FROM resettlement_submissions WHERE id = $1",
    submissions: "SELECT id, operation_id, version, state, created_at, updated_at FROM resettlement_submissions WHERE operation_id = $1 AND ($2 = '' OR status = $2) \
        ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
    count_submissions: "SELECT COUNT(*) FROM resettlement_submissions WHERE operation_id = $1 AND ($2 = '' OR status = $2)",
    insert_submission_person: "INSERT INTO resettlement_submission_persons (operation_id, submission_id, person_id) VALUES ($1, $2, $3)",
    open_submission_of: "SELECT s.id FROM resettlement_submission_persons sp JOIN resettlement_submissions s ON s.id = sp.submission_id \
        WHERE sp.person_id = $1 AND s.status IN ('submitted', 'accepted') LIMIT 1",
    insert_departure: "INSERT INTO departures (id, operation_id, person_id, solution, source_id, destination, departed_on, recorded_by, recorded_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    departure_of: "SELECT id FROM departures WHERE person_id = $1 LIMIT 1",
    all_quotas: "SELECT id, country, year, version, places, note FROM resettlement_quotas ORDER BY id",
    all_submissions: "SELECT id, country, version, status, quota_year, places, state FROM resettlement_submissions ORDER BY id",
};

fn bind_ts(t: chrono::DateTime<chrono::Utc>) -> String {
    crate::rows::ts(t)
}

/// SQLite primary result codes that mean the storage itself failed.
fn is_fatal(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().and_then(|c| c.parse::<i32>().ok()).unwrap_or(0) & 0xff;
            // IOERR, CORRUPT, FULL, CANTOPEN, NOTADB, READONLY, NOMEM, PROTOCOL
            matches!(code, 10 | 11 | 13 | 14 | 26 | 8 | 7 | 15)
        }
        _ => true,
    }
}

type Q<'q> = sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments<'q>>;

/// Rows per multi-row `INSERT` (SQLite allows 32,766 parameters per statement).
const ROWS_PER_INSERT: usize = 500;

/// Inserts `rows` with multi-row `INSERT … VALUES (…), (…)` statements of [`ROWS_PER_INSERT`] rows;
/// text is bound by reference, not copied.
async fn insert_rows<T>(conn: &mut SqliteConnection, head: &str, cols: usize, rows: &[T], bind: impl for<'q> Fn(Q<'q>, &'q T) -> Q<'q>) -> Result<(), sqlx::Error> {
    let one = format!("({})", vec!["?"; cols].join(", "));
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = format!("{head} VALUES {}", vec![one.as_str(); chunk.len()].join(", "));
        let mut q = sqlx::query(&sql);
        for r in chunk {
            q = bind(q, r);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Inserts the rows of a batch with multi-row statements.
async fn flush_rows(conn: &mut SqliteConnection, ws: &crate::rows::WriteSet) -> Result<(), sqlx::Error> {
    insert_rows(conn, "INSERT INTO households (id, operation_id, case_number, registration_key, version, data, created_at, updated_at)", 8, &ws.households, |q, r| {
        q.bind(r.id).bind(r.operation_id).bind(r.case_number.as_str()).bind(r.registration_key.as_deref()).bind(r.version).bind(r.data.get()).bind(r.at.as_str()).bind(r.at.as_str())
    })
    .await?;
    insert_rows(conn, "INSERT INTO persons (id, operation_id, household_id, relationship, version, full_name, data, created_at, updated_at)", 9, &ws.persons, |q, r| {
        q.bind(r.id)
            .bind(r.operation_id)
            .bind(r.household_id)
            .bind(r.relationship)
            .bind(r.version)
            .bind(r.full_name.as_str())
            .bind(r.data.get())
            .bind(r.at.as_str())
            .bind(r.at.as_str())
    })
    .await?;
    // In the order of the table's key (kind, term, person_id; BINARY collation compares bytes as
    // `str` does), so that successive inserts land on the same or neighbouring leaf pages.
    let mut terms: Vec<&crate::rows::TermRow> = ws.terms.iter().collect();
    terms.sort_unstable_by(|a, b| (a.kind, a.term.as_str(), a.person_id).cmp(&(b.kind, b.term.as_str(), b.person_id)));
    insert_rows(conn, "INSERT OR IGNORE INTO person_terms (term, kind, person_id, operation_id)", 4, &terms, |q, r| {
        q.bind(r.term.as_str()).bind(r.kind).bind(r.person_id).bind(r.operation_id)
    })
    .await?;
    insert_rows(conn, "INSERT INTO events (id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data)", 10, &ws.events, |q, r| {
        q.bind(r.id)
            .bind(r.operation_id)
            .bind(r.entity_kind)
            .bind(r.entity_id)
            .bind(r.version)
            .bind(r.actor.as_str())
            .bind(r.at.as_str())
            .bind(r.kind)
            .bind(r.reason.as_deref())
            .bind(r.data.get())
    })
    .await?;
    insert_rows(
        conn,
        "INSERT INTO audit_log (seq, event_id, operation_id, at, actor, action, entity_kind, entity_id, version, data_hash, prev_hash, hash)",
        12,
        &ws.audit,
        |q, r| {
            q.bind(r.seq)
                .bind(r.event_id)
                .bind(r.operation_id)
                .bind(r.at.as_str())
                .bind(r.actor.as_str())
                .bind(r.action)
                .bind(r.entity_kind)
                .bind(r.entity_id)
                .bind(r.version)
                .bind(r.data_hash.as_str())
                .bind(r.prev_hash.as_str())
                .bind(r.hash.as_str())
        },
    )
    .await
}

backend_impl!(SqliteStore, SqliteBackend, SqliteConnection, SqlitePool, SQL, bind_ts, flush_rows);
protection_impl!(SqliteStore, SqliteConnection, SQL, PSQL, bind_ts);
solutions_impl!(SqliteStore, SqliteConnection, SQL, PSQL, SSQL, bind_ts);
duplicates_impl!(SqliteStore, SqliteConnection, SqlitePool, SQL, DSQL, bind_ts);
crate::queues::queues_impl!(SqliteStore, crate::queues::SQLITE, bind_ts);

mod keys {
    crate::keyring::keyring_impl!(sqlx::SqliteConnection);
}

/// How often the background checkpoint runs.
pub const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// The writer's own checkpoint threshold, in pages of the write-ahead log (64 MiB of 4 KiB pages):
/// a backstop that bounds the log should the background checkpoints fall behind.
pub const WAL_BACKSTOP_PAGES: u32 = 16_384;

/// Copies committed pages from the write-ahead log into the database file, in the background, every
/// [`CHECKPOINT_EVERY`], on a connection of its own, so that the group-commit writer does not stop
/// for it after its commits (SQLite's automatic checkpoint runs in the committing connection and
/// holds the writer for the copy and the database file's fsync). A `PASSIVE` checkpoint never
/// blocks the writer or a reader; durability does not depend on it (a commit is durable once the
/// log is synced). Ends when the store is closed or dropped, or writes were stopped; a storage
/// failure here stops writes (fail closed), as one in the writer does.
async fn checkpoints(mut conn: SqliteConnection, writer: crate::writer::WriterWatch) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    while writer.accepting() {
        tick.tick().await;
        if !writer.accepting() {
            break;
        }
        match sqlx::query_as::<_, (i64, i64, i64)>("PRAGMA wal_checkpoint(PASSIVE)").fetch_one(&mut conn).await {
            Ok((_, log, done)) => tracing::trace!(log, done, "write-ahead log checkpointed"),
            Err(e) if is_fatal(&e) => {
                writer.fail(format!("checkpointing the write-ahead log into the database file failed: {e}"));
                break;
            }
            Err(e) => tracing::warn!(error = %e, "a checkpoint of the write-ahead log failed; the next one tries again"),
        }
    }
    let _ = sqlx::Connection::close(conn).await;
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://PATH`) without a master key and
    /// applies pending migrations. A database whose fields are encrypted is refused.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with_key(url, None).await
    }

    /// Opens the database with its master key (see [`crate::seal`]): sensitive fields are sealed on
    /// write and opened on read. A database without a keyring gets one.
    pub async fn open_with_key(url: &str, key: Option<&crate::MasterKey>) -> Result<Self> {
        let opts = Self::options(url)?;
        // The writer checkpoints the log itself only when the background checkpoints fall behind.
        let mut writer = opts.clone().pragma("wal_autocheckpoint", WAL_BACKSTOP_PAGES.to_string()).connect().await?;
        sqlx::migrate!("./migrations/sqlite").run(&mut writer).await?;
        let seal = keys::load_keys(&mut writer, key).await?;
        let pool = SqlitePoolOptions::new().max_connections(4).min_connections(1).connect_with(opts.clone()).await?;
        let checkpointer = opts.connect().await?;
        let store = Self::from_parts(pool, writer, seal);
        tokio::spawn(checkpoints(checkpointer, store.writer.watch()));
        Ok(store)
    }

    /// Rewraps the data keys of the database at `url` under `new` and starts a new data key.
    pub async fn rotate_key(url: &str, old: &crate::MasterKey, new: &crate::MasterKey) -> Result<crate::Rotation> {
        let mut conn = Self::options(url)?.connect().await?;
        sqlx::migrate!("./migrations/sqlite").run(&mut conn).await?;
        let r = keys::rotate(&mut conn, old, new).await;
        let _ = sqlx::Connection::close(conn).await;
        r
    }

    /// Writes a consistent copy of the whole database (a snapshot of one read transaction, with its
    /// keyring: sealed fields stay sealed) to a new file at `path` (`VACUUM INTO`).
    pub async fn backup_to(&self, path: &std::path::Path) -> Result<()> {
        if path.exists() {
            return Err(crate::StoreError::Invalid(format!("{} already exists; a backup never overwrites a file: choose another path", path.display())));
        }
        sqlx::query("VACUUM INTO $1").bind(path.display().to_string()).execute(&self.pool).await?;
        Ok(())
    }

    fn options(url: &str) -> Result<SqliteConnectOptions> {
        Ok(SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("temp_store", "memory")
            // 64 MiB of page cache per connection: a large import never spills pages mid-transaction.
            .pragma("cache_size", "-65536"))
    }

    /// Limits the database file to `pages` pages, so that tests can make the disk "full".
    #[doc(hidden)]
    pub async fn limit_pages_for_test(url: &str, pages: u64) -> Result<Self> {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true)
            .pragma("max_page_count", pages.to_string());
        let mut writer = opts.connect().await?;
        sqlx::migrate!("./migrations/sqlite").run(&mut writer).await?;
        let seal = keys::load_keys(&mut writer, None).await?;
        let pool = SqlitePoolOptions::new().max_connections(2).connect_with(opts).await?;
        Ok(Self::from_parts(pool, writer, seal))
    }
}
