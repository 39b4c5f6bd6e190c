//! The writer's transaction body and the read queries, written once and instantiated for each
//! backend by [`backend_impl!`]. The backends differ only in their SQL text ([`Sql`]), in how a
//! timestamp is bound, and in their connection types.

/// SQL statements that differ between the backends. Placeholders are `$n` in both.
pub(crate) struct Sql {
    pub op_country: &'static str,
    pub insert_operation: &'static str,
    pub operations: &'static str,
    pub operation: &'static str,
    pub household_by_key: &'static str,
    pub existing_keys: &'static str,
    pub person: &'static str,
    pub household: &'static str,
    pub household_by_case: &'static str,
    pub households_after: &'static str,
    pub households_first: &'static str,
    pub members: &'static str,
    pub members_of_many: &'static str,
    pub update_person: &'static str,
    pub delete_terms: &'static str,
    pub update_household: &'static str,
    pub bump_household: &'static str,
    pub history: &'static str,
    /// The `household_registered` event of a person's household (`$1`: the person).
    pub registration_of: &'static str,
    pub search_select: &'static str,
    pub counts: &'static str,
    pub audit_head: &'static str,
    pub audit_rows: &'static str,
    pub all_events: &'static str,
    pub persons_data: &'static str,
    pub households_data: &'static str,
    pub claims_state: &'static str,
    pub protection_data: &'static str,
    pub statistical_events: &'static str,
    /// How the writer begins its transaction (SQLite: `BEGIN IMMEDIATE`, so that the write lock is
    /// held from the first statement and the access log's tail cannot move under it).
    pub begin: &'static str,
    /// Taken before the writer appends to the access log, as every other appender does (empty on
    /// SQLite, where the writer's transaction already holds the only write lock).
    pub access_lock: &'static str,
}

macro_rules! backend_impl {
    ($Store:ident, $Backend:ident, $Conn:ty, $Pool:ty, $SQL:ident, $bind_ts:path, $flush:path) => {
        use crate::model::*;
        use crate::rows::{self, Command, Outcome, WriteSet};
        use crate::writer::{CmdResult, Writer};
        use crate::{Result, StoreError};
        use nansen_domain::{
            CaseNumber, EntityKind, Event, EventKind, HouseholdDetails, HouseholdId, Iso3, NewHousehold, Operation, OperationId, PersonDetails,
            PersonId, Relationship,
        };
        use sqlx::{Connection, Row};
        use std::collections::HashMap;
        use uuid::Uuid;

        use crate::seal::Sealer;

        async fn load_person(conn: &mut $Conn, seal: &Sealer, id: Uuid) -> Result<Option<PersonRecord>> {
            let row = sqlx::query($SQL.person).bind(id).fetch_optional(&mut *conn).await?;
            row.as_ref().map(|r| rows::person_from_row(r, seal)).transpose()
        }

        async fn load_household(conn: &mut $Conn, seal: &Sealer, sql: &str, key: HouseholdKey) -> Result<Option<HouseholdView>> {
            let q = sqlx::query(sql);
            let q = match key {
                HouseholdKey::Id(id) => q.bind(id),
                HouseholdKey::Case(cn) => q.bind(cn),
            };
            let Some(row) = q.fetch_optional(&mut *conn).await? else { return Ok(None) };
            let household = rows::household_from_row(&row)?;
            let members = sqlx::query($SQL.members).bind(household.id.as_uuid()).fetch_all(&mut *conn).await?;
            let members = members.iter().map(|r| rows::person_from_row(r, seal)).collect::<Result<Vec<_>>>()?;
            Ok(Some(HouseholdView { household, members }))
        }

        enum HouseholdKey {
            Id(Uuid),
            Case(String),
        }

        async fn flush(conn: &mut $Conn, ws: &WriteSet) -> Result<(), sqlx::Error> {
            $flush(conn, ws).await
        }

        fn json_text<T: serde::Serialize>(v: &T) -> String {
            serde_json::to_string(v).unwrap_or_else(|_| "[]".into())
        }

        /// Splits a store error into "refuse this command" or "abort the transaction".
        fn refuse_or_abort(e: StoreError) -> Result<StoreError, sqlx::Error> {
            match e {
                StoreError::Database(db) => Err(db),
                other => Ok(other),
            }
        }

        async fn country_of(conn: &mut $Conn, cache: &mut HashMap<OperationId, Iso3>, op: OperationId) -> Result<Iso3> {
            if let Some(c) = cache.get(&op) {
                return Ok(*c);
            }
            let row = sqlx::query($SQL.op_country).bind(op.as_uuid()).fetch_optional(&mut *conn).await?;
            let Some(row) = row else { return Err(rows::not_found("operation", op)) };
            let c: String = row.try_get(0)?;
            let c = Iso3::parse(&c).map_err(|e| StoreError::Corrupt(e.to_string()))?;
            cache.insert(op, c);
            Ok(c)
        }

        async fn apply_one(
            conn: &mut $Conn,
            seal: &Sealer,
            ws: &mut WriteSet,
            cache: &mut HashMap<OperationId, Iso3>,
            batch_keys: &mut HashMap<(OperationId, String), HouseholdView>,
            cmd: &mut Command,
        ) -> Result<Outcome> {
            if let Command::Import { op, households, prepared, meta } = cmd {
                return apply_import(conn, seal, ws, cache, *op, households, prepared.take(), meta).await;
            }
            match &*cmd {
                Command::CreateOperation(op, meta) => {
                    sqlx::query($SQL.insert_operation)
                        .bind(op.id.as_uuid())
                        .bind(op.code.to_string())
                        .bind(op.name.to_string())
                        .bind(op.country.to_string())
                        .bind(rows::authority_text(op))
                        .bind($bind_ts(meta.at))
                        .execute(&mut *conn)
                        .await?;
                    Ok(Outcome::Operation(op.clone()))
                }
                Command::Access(_) => Ok(Outcome::Logged),
                Command::Register { op, household, meta, household_id, person_ids, case_random, .. } => {
                    let country = country_of(conn, cache, *op).await?;
                    if let Some(key) = &household.details.registration_key {
                        let k = (*op, key.to_string());
                        if let Some(v) = batch_keys.get(&k) {
                            return Ok(Outcome::Registered(Registered { view: v.clone(), created: false }));
                        }
                        let row = sqlx::query($SQL.household_by_key).bind(op.as_uuid()).bind(key.to_string()).fetch_optional(&mut *conn).await?;
                        if let Some(row) = row {
                            let id: Uuid = row.try_get(0)?;
                            let view = load_household(conn, seal, $SQL.household, HouseholdKey::Id(id)).await?.ok_or_else(|| rows::not_found("household", id))?;
                            return Ok(Outcome::Registered(Registered { view, created: false }));
                        }
                        let view = rows::new_household(ws, *op, country, household, rows::NewIds { household: *household_id, persons: person_ids, case_random: *case_random }, meta);
                        batch_keys.insert(k, view.clone());
                        return Ok(Outcome::Registered(Registered { view, created: true }));
                    }
                    let view = rows::new_household(ws, *op, country, household, rows::NewIds { household: *household_id, persons: person_ids, case_random: *case_random }, meta);
                    Ok(Outcome::Registered(Registered { view, created: true }))
                }
                Command::AddMember { household, expected_version, relationship, person, meta, person_id } => {
                    if *relationship == Relationship::PrincipalApplicant {
                        return Err(StoreError::Invalid("a household has exactly one principal applicant; add this person with another relationship".into()));
                    }
                    let view = load_household(conn, seal, $SQL.household, HouseholdKey::Id(household.as_uuid())).await?.ok_or_else(|| rows::not_found("household", household))?;
                    let h = &view.household;
                    if h.version != *expected_version {
                        return Err(rows::conflict("household", household, *expected_version, h.version));
                    }
                    if view.members.len() >= nansen_domain::household::MAX_MEMBERS {
                        return Err(StoreError::Invalid(format!("the household already has {} members, the most accepted", view.members.len())));
                    }
                    let version = h.version + 1;
                    sqlx::query($SQL.bump_household).bind(version).bind($bind_ts(meta.at)).bind(household.as_uuid()).bind(h.version).execute(&mut *conn).await?;
                    let mut own = WriteSet::default();
                    let rec = rows::new_person(&mut own, h.operation_id, *household, *person_id, *relationship, person.clone(), meta);
                    own.events.push(rows::event_row(
                        h.operation_id,
                        EntityKind::Household,
                        household.as_uuid(),
                        version,
                        EventKind::MemberAdded,
                        meta,
                        rows::to_raw(&serde_json::json!({"person_id": person_id, "relationship": relationship})),
                    ));
                    ws.events.append(&mut own.events);
                    own.seal(seal)?;
                    flush(conn, &own).await?;
                    Ok(Outcome::Person(rec))
                }
                Command::UpdatePerson { id, expected_version, details, meta } => {
                    let current = load_person(conn, seal, id.as_uuid()).await?.ok_or_else(|| rows::not_found("person", id))?;
                    if current.version != *expected_version {
                        return Err(rows::conflict("person", id, *expected_version, current.version));
                    }
                    if let Some(into) = current.merged_into {
                        return Err(StoreError::Rule { code: "merged", message: format!("person {id} was merged into {into}; correct {into} instead, or undo the merge first") });
                    }
                    let Some((rec, ev)) = rows::person_update(&current, details.clone(), meta) else {
                        return Ok(Outcome::Person(current));
                    };
                    let mut data = serde_json::to_value(&rec.details).map_err(|e| StoreError::Invalid(e.to_string()))?;
                    seal.seal_person_data(&mut data, &id.as_uuid())?;
                    sqlx::query($SQL.update_person)
                        .bind(data.to_string())
                        .bind(rows::sort_name(&rec.details))
                        .bind(rec.version)
                        .bind($bind_ts(meta.at))
                        .bind(id.as_uuid())
                        .bind(current.version)
                        .execute(&mut *conn)
                        .await?;
                    let old: Vec<(&str, String)> = rows::terms_of(current.operation_id, *id, &current.details).into_iter().map(|t| (t.kind, t.term)).collect();
                    sqlx::query($SQL.delete_terms).bind(id.as_uuid()).bind(json_text(&old)).execute(&mut *conn).await?;
                    let own = WriteSet { terms: rows::terms_of(rec.operation_id, *id, &rec.details), ..Default::default() };
                    flush(conn, &own).await?;
                    ws.events.push(ev);
                    Ok(Outcome::Person(rec))
                }
                Command::UpdateHousehold { id, expected_version, details, meta } => {
                    let view = load_household(conn, seal, $SQL.household, HouseholdKey::Id(id.as_uuid())).await?.ok_or_else(|| rows::not_found("household", id))?;
                    let current = view.household;
                    if current.version != *expected_version {
                        return Err(rows::conflict("household", id, *expected_version, current.version));
                    }
                    if current.details.registration_key != details.registration_key {
                        return Err(StoreError::Invalid("the registration key of a household cannot change; it identifies the household in the system it came from".into()));
                    }
                    let Some((rec, ev)) = rows::household_update(&current, details.clone(), meta) else {
                        return Ok(Outcome::Household(current));
                    };
                    sqlx::query($SQL.update_household)
                        .bind(json_text(&rec.details))
                        .bind(rec.version)
                        .bind($bind_ts(meta.at))
                        .bind(id.as_uuid())
                        .bind(current.version)
                        .execute(&mut *conn)
                        .await?;
                    ws.events.push(ev);
                    Ok(Outcome::Household(rec))
                }
                Command::Protection(p) => apply_protection(conn, seal, ws, cache, p).await,
                Command::Duplicates(d) => apply_duplicates(conn, seal, ws, d).await,
                Command::Solutions(c) => apply_solutions(conn, seal, ws, cache, c).await,
                Command::Import { .. } => Err(StoreError::Invalid("an import chunk reached the wrong branch of the writer".into())),
            }
        }

        /// A chunk of a bulk import: households whose registration key is already registered are
        /// skipped; the others' rows (prepared outside the writer, or built here) join the batch.
        #[allow(clippy::too_many_arguments)]
        async fn apply_import(
            conn: &mut $Conn,
            seal: &Sealer,
            ws: &mut WriteSet,
            cache: &mut HashMap<OperationId, Iso3>,
            op: OperationId,
            households: &[(NewHousehold, HouseholdId, Vec<PersonId>, u64)],
            prepared: Option<Vec<rows::Prepared>>,
            meta: &Meta,
        ) -> Result<Outcome> {
            let country = country_of(conn, cache, op).await?;
            let keys: Vec<String> = households.iter().filter_map(|h| h.0.details.registration_key.as_ref().map(|k| k.to_string())).collect();
            let mut existing = std::collections::HashSet::new();
            if !keys.is_empty() {
                let found = sqlx::query($SQL.existing_keys).bind(op.as_uuid()).bind(json_text(&keys)).fetch_all(&mut *conn).await?;
                for r in found {
                    existing.insert(r.try_get::<String, _>(0)?);
                }
            }
            let prepared = match prepared {
                Some(p) if p.len() == households.len() => p,
                _ => rows::prepare_import(op, country, households, meta, seal)?,
            };
            let mut report = ImportReport::default();
            for p in prepared {
                if let Some(k) = &p.key {
                    if !existing.insert(k.clone()) {
                        report.households_skipped += 1;
                        continue;
                    }
                }
                ws.append(p.rows);
                report.households_created += 1;
                report.persons_created += p.persons;
            }
            Ok(Outcome::Imported(report))
        }

        /// The writer side of this backend.
        pub(crate) struct $Backend {
            seal: Sealer,
            cache: std::sync::Mutex<HashMap<OperationId, Iso3>>,
            /// The last audit entry (seq, hash), read from the database on the first batch.
            audit_head: std::sync::Mutex<Option<(i64, String)>>,
        }

        impl crate::writer::Backend for $Backend {
            type Conn = $Conn;

            async fn run(&self, conn: &mut $Conn, cmds: &mut [Command]) -> Result<Vec<CmdResult>, sqlx::Error> {
                let mut cache = self.cache.lock().map(|c| c.clone()).unwrap_or_default();
                let known_head = self.audit_head.lock().map(|h| h.clone()).unwrap_or(None);
                let mut tx = conn.begin_with($SQL.begin).await?;
                let logs_access = cmds.iter().any(Command::logs_access);
                if logs_access && !$SQL.access_lock.is_empty() {
                    sqlx::query($SQL.access_lock).execute(&mut *tx).await?;
                }
                let head = match known_head {
                    Some(h) => h,
                    None => match sqlx::query($SQL.audit_head).fetch_optional(&mut *tx).await? {
                        Some(r) => (r.try_get::<i64, _>(0)?, r.try_get::<String, _>(1)?),
                        None => (0, crate::audit::GENESIS.to_owned()),
                    },
                };
                let mut ws = WriteSet::default();
                let mut batch_keys = HashMap::new();
                let mut results = Vec::with_capacity(cmds.len());
                let mut access: Vec<crate::accounts::AccessEntry> = Vec::new();
                for cmd in cmds.iter_mut() {
                    match apply_one(&mut tx, &self.seal, &mut ws, &mut cache, &mut batch_keys, cmd).await {
                        Ok(o) => {
                            access.extend_from_slice(cmd.access_entries(&o));
                            results.push(Ok(o))
                        }
                        Err(e) => results.push(Err(refuse_or_abort(e)?)),
                    }
                }
                // Seal before chaining: the audit chain hashes what is stored.
                ws.seal(&self.seal).map_err(|e| sqlx::Error::Protocol(format!("sealing failed: {e}")))?;
                let new_head = ws.chain_audit(head);
                flush(&mut tx, &ws).await?;
                if !access.is_empty() {
                    crate::accounts::append_entries!(tx, &access);
                }
                tx.commit().await?;
                if let Ok(mut c) = self.cache.lock() {
                    *c = cache;
                }
                if let Ok(mut h) = self.audit_head.lock() {
                    *h = Some(new_head);
                }
                Ok(results)
            }

            fn is_fatal(e: &sqlx::Error) -> bool {
                is_fatal(e)
            }

            async fn close(conn: $Conn) {
                let _ = conn.close().await;
            }

            fn is_case_number_collision(e: &sqlx::Error) -> bool {
                matches!(e, sqlx::Error::Database(db) if db.is_unique_violation() && db.message().contains("case_number"))
            }
        }

        /// A store on this backend: a read pool and one group-committing writer.
        #[derive(Clone)]
        pub struct $Store {
            pool: $Pool,
            writer: Writer,
            seal: Sealer,
        }

        impl $Store {
            fn from_parts(pool: $Pool, writer_conn: $Conn, seal: Sealer) -> Self {
                let writer = Writer::start($Backend { seal: seal.clone(), cache: Default::default(), audit_head: Default::default() }, writer_conn);
                Self { pool, writer, seal }
            }

            /// True when this store seals sensitive fields (it was opened with a master key).
            pub fn encrypted(&self) -> bool {
                self.seal.enabled()
            }

            /// The last audit entry: its sequence number and hash (`None` for an empty chain).
            pub async fn audit_head(&self) -> Result<Option<(i64, String)>> {
                let row = sqlx::query($SQL.audit_head).fetch_optional(&self.pool).await?;
                row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).transpose()
            }

            /// The hash stored for audit entry `seq`, if there is one.
            pub async fn audit_hash_at(&self, seq: i64) -> Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT hash FROM audit_log WHERE seq = $1").bind(seq).fetch_optional(&self.pool).await?)
            }

            /// Closes the store: the writer finishes its batch and closes its connection, then the
            /// read pool closes. Further writes are refused.
            pub async fn close(&self) {
                self.writer.shutdown().await;
                self.pool.close().await;
            }

            /// History rows as events, their sealed values opened.
            fn open_events(&self, found: &[<<$Conn as sqlx::Connection>::Database as sqlx::Database>::Row]) -> Result<Vec<Event>> {
                found
                    .iter()
                    .map(|r| {
                        let mut e = rows::event_from_row(r)?;
                        self.seal.open_event(&mut e)?;
                        Ok(e)
                    })
                    .collect()
            }

            /// The read pool (for tests and tools).
            pub fn pool(&self) -> &$Pool {
                &self.pool
            }

            async fn write(&self, cmd: Command) -> Result<Outcome> {
                self.writer.submit(cmd).await
            }

            /// Appends access-log entries through the group-commit writer: they are chained and
            /// committed with the batch they land in (one durable commit shared with the other
            /// writes waiting at that moment), and this returns once that commit is durable.
            pub async fn log_access(&self, entries: Vec<crate::accounts::AccessEntry>) -> Result<()> {
                if entries.is_empty() {
                    return Ok(());
                }
                match self.write(Command::Access(entries)).await? {
                    Outcome::Logged => Ok(()),
                    _ => Err(unexpected()),
                }
            }
        }

        fn unexpected() -> StoreError {
            StoreError::Invalid("the writer answered with an unexpected outcome".into())
        }

        impl crate::Store for $Store {
            async fn health(&self) -> Result<()> {
                if let Some(why) = self.writer.stopped() {
                    return Err(StoreError::WritesStopped(why));
                }
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn create_operation(&self, op: Operation, meta: Meta) -> Result<Operation> {
                match self.write(Command::CreateOperation(op, meta)).await? {
                    Outcome::Operation(o) => Ok(o),
                    _ => Err(unexpected()),
                }
            }

            async fn operations(&self) -> Result<Vec<Operation>> {
                let rows = sqlx::query($SQL.operations).fetch_all(&self.pool).await?;
                rows.iter().map(rows::operation_from_row).collect()
            }

            async fn operation(&self, id: OperationId) -> Result<Option<Operation>> {
                let row = sqlx::query($SQL.operation).bind(id.as_uuid()).fetch_optional(&self.pool).await?;
                row.as_ref().map(rows::operation_from_row).transpose()
            }

            async fn register_household_logged(&self, op: OperationId, household: NewHousehold, meta: Meta, access: Option<crate::accounts::AccessEntry>) -> Result<Registered> {
                let person_ids = household.members.iter().map(|_| PersonId::generate()).collect();
                let cmd = Command::Register { op, household, meta, household_id: HouseholdId::generate(), person_ids, case_random: rows::random_u64(), access };
                match self.write(cmd).await? {
                    Outcome::Registered(r) => Ok(r),
                    _ => Err(unexpected()),
                }
            }

            async fn add_member(&self, household: HouseholdId, expected_version: i64, relationship: Relationship, person: PersonDetails, meta: Meta) -> Result<PersonRecord> {
                let cmd = Command::AddMember { household, expected_version, relationship, person, meta, person_id: PersonId::generate() };
                match self.write(cmd).await? {
                    Outcome::Person(p) => Ok(p),
                    _ => Err(unexpected()),
                }
            }

            async fn update_person(&self, id: PersonId, expected_version: i64, details: PersonDetails, meta: Meta) -> Result<PersonRecord> {
                match self.write(Command::UpdatePerson { id, expected_version, details, meta }).await? {
                    Outcome::Person(p) => Ok(p),
                    _ => Err(unexpected()),
                }
            }

            async fn update_household(&self, id: HouseholdId, expected_version: i64, details: HouseholdDetails, meta: Meta) -> Result<HouseholdRecord> {
                match self.write(Command::UpdateHousehold { id, expected_version, details, meta }).await? {
                    Outcome::Household(h) => Ok(h),
                    _ => Err(unexpected()),
                }
            }

            async fn import(&self, op: OperationId, households: Vec<NewHousehold>, meta: Meta, progress: &(dyn Fn(usize) + Send + Sync)) -> Result<ImportReport> {
                // A pipeline of two stages on two cores: a blocking task builds, seals and digests
                // the rows of the next chunk while the writer commits the current one.
                let row = sqlx::query($SQL.op_country).bind(op.as_uuid()).fetch_optional(&self.pool).await?;
                let Some(row) = row else { return Err(rows::not_found("operation", op)) };
                let country: String = row.try_get(0)?;
                let country = Iso3::parse(&country).map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let (tx, mut rx) = tokio::sync::mpsc::channel::<Result<(usize, Command)>>(1);
                let (seal, prep_meta) = (self.seal.clone(), meta.clone());
                let producer = tokio::task::spawn_blocking(move || {
                    let mut it = households.into_iter().peekable();
                    while it.peek().is_some() {
                        let chunk: Vec<_> = it
                            .by_ref()
                            .take(IMPORT_CHUNK)
                            .map(|h| {
                                let pids = h.members.iter().map(|_| PersonId::generate()).collect();
                                (h, HouseholdId::generate(), pids, rows::random_u64())
                            })
                            .collect();
                        let n = chunk.len();
                        let prepared = rows::prepare_import(op, country, &chunk, &prep_meta, &seal);
                        let cmd = prepared.map(|p| (n, Command::Import { op, households: chunk, prepared: Some(p), meta: prep_meta.clone() }));
                        if tx.blocking_send(cmd).is_err() {
                            return; // the writer side stopped: nothing more to prepare
                        }
                    }
                });
                let mut total = ImportReport::default();
                let mut done = 0;
                while let Some(next) = rx.recv().await {
                    let (n, cmd) = next?;
                    match self.write(cmd).await? {
                        Outcome::Imported(r) => {
                            total.households_created += r.households_created;
                            total.persons_created += r.persons_created;
                            total.households_skipped += r.households_skipped;
                        }
                        _ => return Err(unexpected()),
                    }
                    done += n;
                    progress(done);
                }
                producer.await.map_err(|e| StoreError::Invalid(format!("preparing the import failed: {e}")))?;
                Ok(total)
            }

            async fn person(&self, id: PersonId) -> Result<Option<PersonRecord>> {
                let mut conn = self.pool.acquire().await?;
                load_person(&mut conn, &self.seal, id.as_uuid()).await
            }

            async fn household(&self, id: HouseholdId) -> Result<Option<HouseholdView>> {
                let mut conn = self.pool.acquire().await?;
                load_household(&mut conn, &self.seal, $SQL.household, HouseholdKey::Id(id.as_uuid())).await
            }

            async fn household_by_case_number(&self, cn: &CaseNumber) -> Result<Option<HouseholdView>> {
                let mut conn = self.pool.acquire().await?;
                load_household(&mut conn, &self.seal, $SQL.household_by_case, HouseholdKey::Case(cn.to_string())).await
            }

            async fn households_after(&self, op: OperationId, after: Option<HouseholdId>, limit: u32) -> Result<Vec<HouseholdView>> {
                let limit = i64::from(limit.clamp(1, 10_000));
                let hh = match after {
                    Some(a) => sqlx::query($SQL.households_after).bind(op.as_uuid()).bind(a.as_uuid()).bind(limit).fetch_all(&self.pool).await?,
                    None => sqlx::query($SQL.households_first).bind(op.as_uuid()).bind(limit).fetch_all(&self.pool).await?,
                };
                let households = hh.iter().map(rows::household_from_row).collect::<Result<Vec<_>>>()?;
                if households.is_empty() {
                    return Ok(Vec::new());
                }
                let ids: Vec<String> = households.iter().map(|h| h.id.to_string()).collect();
                let members = sqlx::query($SQL.members_of_many).bind(json_text(&ids)).fetch_all(&self.pool).await?;
                let mut by_household: HashMap<HouseholdId, Vec<PersonRecord>> = HashMap::new();
                for r in &members {
                    let p = rows::person_from_row(r, &self.seal)?;
                    by_household.entry(p.household_id).or_default().push(p);
                }
                Ok(households
                    .into_iter()
                    .map(|h| {
                        let members = by_household.remove(&h.id).unwrap_or_default();
                        HouseholdView { household: h, members }
                    })
                    .collect())
            }

            async fn search(&self, q: &SearchQuery) -> Result<Page<PersonRecord>> {
                let s = rows::search_sql(q);
                let limit = q.limit.clamp(1, MAX_PAGE);
                let count_sql = format!("SELECT COUNT(*) FROM persons p WHERE {}", s.condition);
                let n = s.params.len();
                let page_sql = format!("{} WHERE {} ORDER BY p.full_name, p.id LIMIT ${} OFFSET ${}", $SQL.search_select, s.condition, n + 1, n + 2);
                let mut cq = sqlx::query_scalar::<_, i64>(&count_sql);
                let mut pq = sqlx::query(&page_sql);
                for p in &s.params {
                    match p {
                        rows::SearchParam::Uuid(u) => {
                            cq = cq.bind(*u);
                            pq = pq.bind(*u);
                        }
                        rows::SearchParam::Text(t) => {
                            cq = cq.bind(t.clone());
                            pq = pq.bind(t.clone());
                        }
                    }
                }
                let total = cq.fetch_one(&self.pool).await?;
                let found = pq.bind(i64::from(limit)).bind(i64::from(q.offset)).fetch_all(&self.pool).await?;
                let items = found.iter().map(|r| rows::person_from_row(r, &self.seal)).collect::<Result<Vec<_>>>()?;
                Ok(Page { items, total, limit, offset: q.offset })
            }

            async fn history(&self, kind: EntityKind, id: Uuid) -> Result<Vec<Event>> {
                let found = sqlx::query($SQL.history).bind(kind.as_str()).bind(id).fetch_all(&self.pool).await?;
                let mut events = self.open_events(&found)?;
                match kind {
                    EntityKind::Household => events = events.into_iter().map(rows::without_member_details).collect(),
                    // Registered by a bulk import: the registration is in the household's event.
                    EntityKind::Person if !events.iter().any(|e| e.version == 1) => {
                        let hh = sqlx::query($SQL.registration_of).bind(id).fetch_all(&self.pool).await?;
                        let mut all: Vec<Event> = self.open_events(&hh)?.iter().flat_map(rows::registrations_in).filter(|e| e.entity_id == id).collect();
                        all.append(&mut events);
                        events = all;
                    }
                    _ => {}
                }
                Ok(events)
            }

            async fn verify_audit(&self) -> Result<crate::audit::AuditReport> {
                use crate::audit::{apply_changes, canonical, event_digest, AuditProblem, AuditReport, EntryFields, GENESIS};
                let mut report = AuditReport { entries: 0, events: 0, records_replayed: 0, first_problem: None };
                let problem = |kind: &'static str, seq: Option<i64>, detail: String| Some(AuditProblem { kind, seq, detail });
                // 1. The chain.
                let entries = sqlx::query($SQL.audit_rows).fetch_all(&self.pool).await?;
                let mut prev = GENESIS.to_owned();
                let mut audited: HashMap<Uuid, EntryFields> = HashMap::with_capacity(entries.len());
                for (i, r) in entries.iter().enumerate() {
                    let at: chrono::DateTime<chrono::Utc> = r.try_get(3)?;
                    let f = EntryFields {
                        seq: r.try_get(0)?,
                        event_id: r.try_get::<Uuid, _>(1)?.to_string(),
                        operation_id: r.try_get::<Uuid, _>(2)?.to_string(),
                        at: rows::ts(at),
                        actor: r.try_get(4)?,
                        action: r.try_get(5)?,
                        entity_kind: r.try_get(6)?,
                        entity_id: r.try_get::<Uuid, _>(7)?.to_string(),
                        version: r.try_get(8)?,
                        data_hash: r.try_get(9)?,
                        prev_hash: r.try_get(10)?,
                    };
                    let stored: String = r.try_get(11)?;
                    report.entries += 1;
                    let expected_seq = i as i64 + 1;
                    if f.seq != expected_seq || f.prev_hash != prev {
                        report.first_problem = problem(
                            "entry_removed_or_reordered",
                            Some(f.seq),
                            format!("entry {} should follow entry {} (hash {}…), but it names {}…: an entry before it was removed or the order was changed", f.seq, expected_seq - 1, &prev[..12], &f.prev_hash[..12.min(f.prev_hash.len())]),
                        );
                        return Ok(report);
                    }
                    if f.hash() != stored {
                        report.first_problem = problem("entry_altered", Some(f.seq), format!("entry {} does not match its hash: one of its fields was changed after it was written", f.seq));
                        return Ok(report);
                    }
                    prev = stored;
                    audited.insert(Uuid::parse_str(&f.event_id).unwrap_or_default(), f);
                }
                // 2. Every event against its entry.
                let events = sqlx::query($SQL.all_events).fetch_all(&self.pool).await?;
                let mut by_entity: HashMap<(EntityKind, Uuid), Vec<Event>> = HashMap::new();
                let mut seen = 0usize;
                for r in &events {
                    let e = rows::event_from_row(r)?;
                    report.events += 1;
                    let Some(f) = audited.get(&e.id.as_uuid()) else {
                        report.first_problem = problem("event_not_audited", None, format!("event {} ({} of {} {}) has no audit entry: it was inserted outside Nansen", e.id, e.kind.as_str(), e.entity_kind.as_str(), e.entity_id));
                        return Ok(report);
                    };
                    seen += 1;
                    let same = f.data_hash == event_digest(&e.data, e.reason.as_deref())
                        && f.actor == e.actor
                        && f.at == rows::ts(e.at)
                        && f.action == e.kind.as_str()
                        && f.entity_kind == e.entity_kind.as_str()
                        && f.entity_id == e.entity_id.to_string()
                        && f.version == e.version
                        && f.operation_id == e.operation_id.to_string();
                    if !same {
                        report.first_problem = problem("event_altered", Some(f.seq), format!("event {} no longer matches audit entry {}: it was changed after it was written", e.id, f.seq));
                        return Ok(report);
                    }
                    let mut e = e;
                    if let Err(x) = self.seal.open_event(&mut e) {
                        report.first_problem = problem("event_altered", Some(f.seq), format!("event {}: {x}", e.id));
                        return Ok(report);
                    }
                    // A bulk import's household registration starts each member's history.
                    for r in rows::registrations_in(&e) {
                        by_entity.entry((EntityKind::Person, r.entity_id)).or_default().push(r);
                    }
                    by_entity.entry((e.entity_kind, e.entity_id)).or_default().push(e);
                }
                if seen < audited.len() {
                    let missing = audited.iter().filter(|(id, _)| !events.iter().any(|r| r.try_get::<Uuid, _>(0).ok() == Some(**id))).map(|(_, f)| f.seq).min();
                    report.first_problem = problem("event_removed", missing, format!("{} audited event(s) are missing from the history; the first is audit entry {}", audited.len() - seen, missing.unwrap_or(0)));
                    return Ok(report);
                }
                for v in by_entity.values_mut() {
                    v.sort_by_key(|e| (e.version, e.id));
                }
                // 3. Current records against a replay of their history.
                let replay = |kind: EntityKind, id: Uuid, start: fn(&Event) -> Option<serde_json::Value>| -> Option<serde_json::Value> {
                    let hist = by_entity.get(&(kind, id))?;
                    let mut state = start(hist.first()?)?;
                    for e in hist.iter().skip(1) {
                        apply_changes(&mut state, &e.data);
                    }
                    Some(state)
                };
                let checks: [(&str, EntityKind, fn(&Event) -> Option<serde_json::Value>, &str); 3] = [
                    ($SQL.persons_data, EntityKind::Person, |e| e.data.get("details").cloned(), "person"),
                    ($SQL.households_data, EntityKind::Household, |e| e.data.get("details").cloned(), "household"),
                    ($SQL.protection_data, EntityKind::Protection, |_| serde_json::to_value(nansen_domain::protection::ProtectionRecord::default()).ok(), "protection record"),
                ];
                for (sql, kind, start, label) in checks {
                    for r in sqlx::query(sql).fetch_all(&self.pool).await? {
                        let id: Uuid = r.try_get(0)?;
                        let text: String = r.try_get(1)?;
                        let mut current: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
                        let table = match kind {
                            EntityKind::Person => "persons",
                            EntityKind::Household => "households",
                            _ => "protection_records",
                        };
                        if let Err(e) = self.seal.open(&mut current, table, &id.to_string(), "data") {
                            report.first_problem = problem("record_altered", None, format!("{label} {id}: {e}"));
                            return Ok(report);
                        }
                        report.records_replayed += 1;
                        let mut expected = replay(kind, id, start);
                        if kind == EntityKind::Protection {
                            // A protection record's history starts from the empty record.
                            expected = by_entity.get(&(kind, id)).map(|hist| {
                                let mut s = start(&hist[0]).unwrap_or_default();
                                for e in hist {
                                    apply_changes(&mut s, &e.data);
                                }
                                s
                            });
                        }
                        if expected.as_ref().map(canonical) != Some(canonical(&current)) {
                            report.first_problem = problem("record_altered", None, format!("{label} {id} differs from what its history records: it was changed outside Nansen"));
                            return Ok(report);
                        }
                    }
                }
                for r in sqlx::query($SQL.claims_state).fetch_all(&self.pool).await? {
                    let id: Uuid = r.try_get(0)?;
                    let text: String = r.try_get(1)?;
                    let mut current: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
                    if let Err(e) = self.seal.open(&mut current, "claims", &id.to_string(), "state") {
                        report.first_problem = problem("record_altered", None, format!("claim {id}: {e}"));
                        return Ok(report);
                    }
                    report.records_replayed += 1;
                    let expected = by_entity.get(&(EntityKind::Claim, id)).and_then(|h| h.iter().rev().find_map(|e| e.data.get("state").cloned()));
                    if expected.as_ref().map(canonical) != Some(canonical(&current)) {
                        report.first_problem = problem("record_altered", None, format!("claim {id} differs from what its history records: it was changed outside Nansen"));
                        return Ok(report);
                    }
                }
                if let Some(p) = verify_duplicates(&self.pool, &by_entity, &mut report).await? {
                    report.first_problem = Some(p);
                    return Ok(report);
                }
                let mut conn = self.pool.acquire().await?;
                if let Some(p) = verify_solutions(&mut conn, &self.seal, &by_entity, &mut report).await? {
                    report.first_problem = Some(p);
                }
                Ok(report)
            }

            async fn statistical_events_after(&self, op: OperationId, after: Option<nansen_domain::EventId>, limit: u32) -> Result<Vec<Event>> {
                let after = after.map(|a| a.as_uuid()).unwrap_or(Uuid::nil());
                let limit = i64::from(limit.clamp(1, 50_000));
                let found = sqlx::query($SQL.statistical_events).bind(op.as_uuid()).bind(after).bind(limit).fetch_all(&self.pool).await?;
                let mut out = Vec::with_capacity(found.len());
                for e in self.open_events(&found)? {
                    // The SQL returns household events only when they carry their members' registrations.
                    if e.entity_kind == EntityKind::Household {
                        out.extend(rows::registrations_in(&e));
                    } else {
                        out.push(e);
                    }
                }
                Ok(out)
            }

            async fn counts(&self, op: OperationId) -> Result<Counts> {
                let row = sqlx::query($SQL.counts).bind(op.as_uuid()).fetch_one(&self.pool).await?;
                Ok(Counts { households: row.try_get(0)?, persons: row.try_get(1)?, events: row.try_get(2)? })
            }
        }

        /// Households per import transaction.
        const IMPORT_CHUNK: usize = 2000;
    };
}
pub(crate) use backend_impl;
