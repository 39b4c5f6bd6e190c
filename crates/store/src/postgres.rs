//! PostgreSQL backend: production. Default `synchronous_commit=on` (a commit is acknowledged after
//! its WAL is flushed), one writer connection, a read pool.

use crate::exec::{backend_impl, Sql};
use crate::exec_duplicates::{duplicates_impl, DuplicateSql};
use crate::exec_protection::{protection_impl, ProtectionSql};
use crate::exec_solutions::{solutions_impl, SolutionSql};
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use sqlx::ConnectOptions;
use std::str::FromStr;

pub(crate) const SQL: Sql = Sql {
    op_country: "SELECT country FROM operations WHERE id = $1",
    insert_operation: "INSERT INTO operations (id, code, name, country, authority, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    operations: "SELECT id, code, name, country, authority FROM operations ORDER BY code",
    operation: "SELECT id, code, name, country, authority FROM operations WHERE id = $1",
    household_by_key: "SELECT id FROM households WHERE operation_id = $1 AND registration_key = $2",
    existing_keys: "SELECT registration_key FROM households WHERE operation_id = $1 AND registration_key IN (SELECT jsonb_array_elements_text($2::jsonb))",
    person: "SELECT id, operation_id, household_id, relationship, version, data::text, created_at, updated_at, merged_into FROM persons WHERE id = $1",
    household: "SELECT id, operation_id, case_number, version, data::text, created_at, updated_at FROM households WHERE id = $1",
    household_by_case: "SELECT id, operation_id, case_number, version, data::text, created_at, updated_at FROM households WHERE case_number = $1",
    households_first: "SELECT id, operation_id, case_number, version, data::text, created_at, updated_at FROM households WHERE operation_id = $1 ORDER BY id LIMIT $2",
    households_after: "SELECT id, operation_id, case_number, version, data::text, created_at, updated_at FROM households WHERE operation_id = $1 AND id > $2 ORDER BY id LIMIT $3",
    members: "SELECT id, operation_id, household_id, relationship, version, data::text, created_at, updated_at, merged_into FROM persons WHERE household_id = $1 ORDER BY relationship <> 'PA', created_at, id",
    members_of_many: "SELECT id, operation_id, household_id, relationship, version, data::text, created_at, updated_at, merged_into FROM persons \
        WHERE household_id IN (SELECT (jsonb_array_elements_text($1::jsonb))::uuid) ORDER BY household_id, relationship <> 'PA', created_at, id",
    update_person: "UPDATE persons SET data = $1::jsonb, full_name = $2, version = $3, updated_at = $4 WHERE id = $5 AND version = $6",
    delete_terms: "DELETE FROM person_terms WHERE person_id = $1 AND (kind, term) IN (SELECT x ->> 0, x ->> 1 FROM jsonb_array_elements($2::jsonb) AS x)",
    update_household: "UPDATE households SET data = $1::jsonb, version = $2, updated_at = $3 WHERE id = $4 AND version = $5",
    bump_household: "UPDATE households SET version = $1, updated_at = $2 WHERE id = $3 AND version = $4",
    history: "SELECT id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data::text FROM events WHERE entity_kind = $1 AND entity_id = $2 ORDER BY version, id",
    registration_of: "SELECT id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data::text FROM events \
        WHERE entity_id = (SELECT household_id FROM persons WHERE id = $1) AND entity_kind = 'household' AND kind = 'household_registered'",
    search_select: "SELECT p.id, p.operation_id, p.household_id, p.relationship, p.version, p.data::text, p.created_at, p.updated_at, p.merged_into FROM persons p",
    counts: "SELECT (SELECT COUNT(*) FROM households WHERE operation_id = $1), (SELECT COUNT(*) FROM persons WHERE operation_id = $1), \
        (SELECT COUNT(*) FROM events WHERE operation_id = $1)",
    audit_head: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
    audit_rows: "SELECT seq, event_id, operation_id, at, actor, action, entity_kind, entity_id, version, data_hash, prev_hash, hash FROM audit_log ORDER BY seq",
    all_events: "SELECT id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data::text FROM events",
    persons_data: "SELECT id, data::text FROM persons",
    households_data: "SELECT id, data::text FROM households",
    claims_state: "SELECT id, state::text FROM claims",
    protection_data: "SELECT person_id, data::text FROM protection_records",
    statistical_events: "SELECT id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data::text FROM events \
        WHERE id > $2 AND operation_id = $1 AND (entity_kind IN ('person', 'claim', 'protection', 'removal', 'repatriation', 'resettlement') \
        OR (entity_kind = 'household' AND kind = 'household_registered' AND data #> '{members,0,details}' IS NOT NULL)) ORDER BY id LIMIT $3",
    begin: "BEGIN",
    access_lock: "LOCK TABLE access_log IN SHARE ROW EXCLUSIVE MODE",
};

const INSERT_HOUSEHOLDS: &str = "INSERT INTO households (id, operation_id, case_number, registration_key, version, data, created_at, updated_at) \
        SELECT id, operation_id, case_number, registration_key, version, data, at, at FROM jsonb_to_recordset($1::jsonb) \
        AS x(id uuid, operation_id uuid, case_number text, registration_key text, version bigint, data jsonb, at timestamptz)";

const INSERT_PERSONS: &str = "INSERT INTO persons (id, operation_id, household_id, relationship, version, full_name, data, created_at, updated_at) \
        SELECT id, operation_id, household_id, relationship, version, full_name, data, at, at FROM jsonb_to_recordset($1::jsonb) \
        AS x(id uuid, operation_id uuid, household_id uuid, relationship text, version bigint, full_name text, data jsonb, at timestamptz)";

const INSERT_TERMS: &str = "INSERT INTO person_terms (operation_id, kind, term, person_id) \
        SELECT operation_id, kind, term, person_id FROM jsonb_to_recordset($1::jsonb) AS x(operation_id uuid, kind text, term text, person_id uuid) \
        ON CONFLICT DO NOTHING";

const INSERT_EVENTS: &str = "INSERT INTO events (id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data) \
        SELECT id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data FROM jsonb_to_recordset($1::jsonb) \
        AS x(id uuid, operation_id uuid, entity_kind text, entity_id uuid, version bigint, actor text, at timestamptz, kind text, reason text, data jsonb)";

pub(crate) const PSQL: ProtectionSql = ProtectionSql {
    claim: "SELECT id, operation_id, person_id, version, state::text, created_at, updated_at FROM claims WHERE id = $1",
    claims_of: "SELECT id, operation_id, person_id, version, state::text, created_at, updated_at FROM claims WHERE person_id = $1 ORDER BY created_at, id",
    latest_claim: "SELECT id, operation_id, person_id, version, state::text, created_at, updated_at FROM claims WHERE person_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1",
    insert_claim: "INSERT INTO claims (id, operation_id, person_id, version, stage, state, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $7)",
    update_claim: "UPDATE claims SET version = $1, stage = $2, state = $3::jsonb, updated_at = $4 WHERE id = $5 AND version = $6",
    protection: "SELECT person_id, operation_id, version, data::text FROM protection_records WHERE person_id = $1",
    insert_protection: "INSERT INTO protection_records (person_id, operation_id, version, data, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5)",
    update_protection: "UPDATE protection_records SET version = $1, data = $2::jsonb, updated_at = $3 WHERE person_id = $4 AND version = $5",
    insert_assessment: "INSERT INTO assessments (id, operation_id, claim_id, facts, result, actor, created_at) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)",
    assessments: "SELECT id, claim_id, facts::text, result::text, actor, created_at FROM assessments WHERE claim_id = $1 ORDER BY created_at, id",
    insert_removal: "INSERT INTO removal_requests (id, operation_id, version, data, created_at, updated_at) VALUES ($1, $2, $3, $4::jsonb, $5, $5)",
    update_removal: "UPDATE removal_requests SET version = $1, data = $2::jsonb, updated_at = $3 WHERE id = $4 AND version = $5",
    removal: "SELECT id, operation_id, version, data::text, created_at FROM removal_requests WHERE id = $1",
    insert_evaluation: "INSERT INTO removal_evaluations (id, operation_id, request_id, person_id, phase, allowed, verdict, facts, evaluated_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)",
    evaluations: "SELECT person_id, phase, allowed, verdict::text, facts::text, evaluated_at FROM removal_evaluations WHERE request_id = $1 ORDER BY phase DESC, evaluated_at, id",
    jurisdiction: "SELECT version, data::text FROM jurisdiction_profiles WHERE country = $1",
    insert_jurisdiction: "INSERT INTO jurisdiction_profiles (country, version, data, updated_at) SELECT $1, $2, $3::jsonb, $4 WHERE $5 = 0",
    update_jurisdiction: "UPDATE jurisdiction_profiles SET version = $2, data = $3::jsonb, updated_at = $4 WHERE country = $1 AND version = $5",
};

const INSERT_AUDIT: &str = "INSERT INTO audit_log (seq, event_id, operation_id, at, actor, action, entity_kind, entity_id, version, data_hash, prev_hash, hash) \
    SELECT seq, event_id, operation_id, at, actor, action, entity_kind, entity_id, version, data_hash, prev_hash, hash FROM jsonb_to_recordset($1::jsonb) \
    AS x(seq bigint, event_id uuid, operation_id uuid, at timestamptz, actor text, action text, entity_kind text, entity_id uuid, version bigint, data_hash text, prev_hash text, hash text)";

pub(crate) const DSQL: DuplicateSql = DuplicateSql {
    insert: "INSERT INTO duplicate_candidates (id, operation_id, person_a, person_b, version, score, explanation, found_by, status, created_at, updated_at) \
        VALUES ($1, $2, $3, $4, 1, $5, $6::jsonb, $7, 'open', $8, $8)",
    pair: "SELECT id FROM duplicate_candidates WHERE operation_id = $1 AND person_a = $2 AND person_b = $3",
    by_id: "SELECT id, operation_id, person_a, person_b, version, score, explanation::text, found_by, status, survivor, decided_by, decided_at, decision_reason, created_at, updated_at FROM duplicate_candidates WHERE id = $1",
    page: concat!("SELECT id, operation_id, person_a, person_b, version, score, explanation::text, found_by, status, survivor, decided_by, decided_at, decision_reason, created_at, updated_at FROM duplicate_candidates WHERE operation_id = $1 AND ($2 = '' OR status = $2) \
        AND ($5::uuid IS NULL OR (person_a IN ", crate::queues::pg_assigned!("$5"), " AND person_b IN ", crate::queues::pg_assigned!("$5"), ")) ORDER BY score DESC, id LIMIT $3 OFFSET $4"),
    count: concat!("SELECT COUNT(*) FROM duplicate_candidates WHERE operation_id = $1 AND ($2 = '' OR status = $2) \
        AND ($3::uuid IS NULL OR (person_a IN ", crate::queues::pg_assigned!("$3"), " AND person_b IN ", crate::queues::pg_assigned!("$3"), "))"),
    of_person: "SELECT id, operation_id, person_a, person_b, version, score, explanation::text, found_by, status, survivor, decided_by, decided_at, decision_reason, created_at, updated_at FROM duplicate_candidates WHERE person_a = $1 OR person_b = $1 ORDER BY created_at DESC, id DESC",
    update: "UPDATE duplicate_candidates SET version = $1, status = $2, survivor = $3, decided_by = $4, decided_at = $5, decision_reason = $6, updated_at = $7 \
        WHERE id = $8 AND version = $9",
    set_merged_into: "UPDATE persons SET merged_into = $1, version = $2, updated_at = $3 WHERE id = $4 AND version = $5",
    merged_into_of: "SELECT id, operation_id, household_id, relationship, version, data::text, created_at, updated_at, merged_into FROM persons WHERE merged_into = $1 ORDER BY id",
    all_merged: "SELECT id, merged_into FROM persons",
    all_status: "SELECT id, status FROM duplicate_candidates",
};

pub(crate) const SSQL: SolutionSql = SolutionSql {
    quota: "SELECT id, operation_id, country, year, version, places, note, created_at, updated_at FROM resettlement_quotas WHERE operation_id = $1 AND country = $2 AND year = $3",
    quotas: "SELECT id, operation_id, country, year, version, places, note, created_at, updated_at FROM resettlement_quotas WHERE operation_id = $1 ORDER BY year DESC, country",
    insert_quota: "INSERT INTO resettlement_quotas (id, operation_id, country, year, version, places, note, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $7)",
    update_quota: "UPDATE resettlement_quotas SET version = $1, places = $2, note = $3, updated_at = $4 WHERE id = $5 AND version = $6",
    quota_used: "SELECT COALESCE(SUM(places), 0)::BIGINT FROM resettlement_submissions WHERE operation_id = $1 AND country = $2 AND quota_year = $3 AND status IN ('accepted', 'departed')",
    insert_submission: "INSERT INTO resettlement_submissions (id, operation_id, country, version, status, quota_year, places, state, created_at, updated_at) \
        VALUES ($1, $2, $3, 1, $4, NULL, $5, $6::jsonb, $7, $7)",
    update_submission: "UPDATE resettlement_submissions SET version = $1, status = $2, quota_year = $3, state = $4::jsonb, updated_at = $5 WHERE id = $6 AND version = $7",
    submission: "SELECT id, operation_id, version, state::text, created_at, updated_at FROM resettlement_submissions WHERE id = $1",
    submissions: "SELECT id, operation_id, version, state::text, created_at, updated_at FROM resettlement_submissions WHERE operation_id = $1 AND ($2 = '' OR status = $2) \
        ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
    count_submissions: "SELECT COUNT(*) FROM resettlement_submissions WHERE operation_id = $1 AND ($2 = '' OR status = $2)",
    insert_submission_person: "INSERT INTO resettlement_submission_persons (operation_id, submission_id, person_id) VALUES ($1, $2, $3)",
    open_submission_of: "SELECT s.id FROM resettlement_submission_persons sp JOIN resettlement_submissions s ON s.id = sp.submission_id \
        WHERE sp.person_id = $1 AND s.status IN ('submitted', 'accepted') LIMIT 1",
    insert_departure: "INSERT INTO departures (id, operation_id, person_id, solution, source_id, destination, departed_on, recorded_by, recorded_at) \
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    departure_of: "SELECT id FROM departures WHERE person_id = $1 LIMIT 1",
    all_quotas: "SELECT id, country, year, version, places, note FROM resettlement_quotas ORDER BY id",
    all_submissions: "SELECT id, country, version, status, quota_year, places, state::text FROM resettlement_submissions ORDER BY id",
};

fn bind_ts(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    t
}

/// SQLSTATE classes that mean the server or its storage failed: 08 connection, 53 insufficient
/// resources (disk full), 57 operator intervention, 58 system error (I/O), XX internal error.
fn is_fatal(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Database(db) => {
            let code = db.code().map(|c| c.to_string()).unwrap_or_default();
            ["08", "53", "57", "58", "XX"].iter().any(|c| code.starts_with(c))
        }
        _ => true,
    }
}

/// Inserts the rows of a batch: one statement per table, the rows passed as one JSON document.
async fn flush_rows(conn: &mut PgConnection, ws: &crate::rows::WriteSet) -> Result<(), sqlx::Error> {
    async fn one<T: serde::Serialize>(conn: &mut PgConnection, sql: &str, rows: &[T]) -> Result<(), sqlx::Error> {
        if !rows.is_empty() {
            sqlx::query(sql).bind(serde_json::to_string(rows).unwrap_or_else(|_| "[]".into())).execute(&mut *conn).await?;
        }
        Ok(())
    }
    one(conn, INSERT_HOUSEHOLDS, &ws.households).await?;
    one(conn, INSERT_PERSONS, &ws.persons).await?;
    one(conn, INSERT_TERMS, &ws.terms).await?;
    one(conn, INSERT_EVENTS, &ws.events).await?;
    one(conn, INSERT_AUDIT, &ws.audit).await
}

backend_impl!(PgStore, PgBackend, PgConnection, PgPool, SQL, bind_ts, flush_rows);
protection_impl!(PgStore, PgConnection, SQL, PSQL, bind_ts);
solutions_impl!(PgStore, PgConnection, SQL, PSQL, SSQL, bind_ts);
duplicates_impl!(PgStore, PgConnection, PgPool, SQL, DSQL, bind_ts);
crate::queues::queues_impl!(PgStore, crate::queues::POSTGRES, bind_ts);

mod keys {
    crate::keyring::keyring_impl!(sqlx::PgConnection);
}

impl PgStore {
    /// Connects to `url` (`postgres://…`) without a master key and applies pending migrations. A
    /// database whose fields are encrypted is refused.
    pub async fn open(url: &str) -> Result<Self> {
        Self::open_with_key(url, None).await
    }

    /// Connects with the database's master key (see [`crate::seal`]): sensitive fields are sealed on
    /// write and opened on read. A database without a keyring gets one.
    pub async fn open_with_key(url: &str, key: Option<&crate::MasterKey>) -> Result<Self> {
        let opts = PgConnectOptions::from_str(url)?.application_name("nansen");
        let mut writer = opts.connect().await?;
        sqlx::migrate!("./migrations/postgres").run(&mut writer).await?;
        let seal = keys::load_keys(&mut writer, key).await?;
        let pool = PgPoolOptions::new().max_connections(8).min_connections(1).connect_with(opts).await?;
        Ok(Self::from_parts(pool, writer, seal))
    }

    /// Rewraps the data keys of the database at `url` under `new` and starts a new data key.
    pub async fn rotate_key(url: &str, old: &crate::MasterKey, new: &crate::MasterKey) -> Result<crate::Rotation> {
        let mut conn = PgConnectOptions::from_str(url)?.application_name("nansen").connect().await?;
        sqlx::migrate!("./migrations/postgres").run(&mut conn).await?;
        let r = keys::rotate(&mut conn, old, new).await;
        let _ = sqlx::Connection::close(conn).await;
        r
    }
}
