//! The protection procedure's writes and reads, written once and instantiated per backend by
//! [`protection_impl!`] (see `exec.rs` for the registry's).

use crate::Meta;
use nansen_domain::convention::guard::RemovalRequest;
use nansen_domain::convention::procedure::{Action, Role, Track};
use nansen_domain::convention::JurisdictionProfile;
use nansen_domain::protection::ProtectionRecord;
use nansen_domain::{AssessmentId, ClaimId, OperationId, PersonId, Reason, RemovalId};

/// A protection write handed to the writer.
#[derive(Debug, Clone)]
pub(crate) enum ProtectionCommand {
    LodgeClaim { person: PersonId, id: ClaimId, track: Track, meta: Meta },
    Act { claim: ClaimId, expected_version: i64, action: Action, role: Role, meta: Meta },
    Assess { claim: ClaimId, id: AssessmentId, facts: serde_json::Value, result: serde_json::Value, meta: Meta },
    Record { person: PersonId, expected_version: i64, record: ProtectionRecord, meta: Meta },
    RequestRemoval { op: OperationId, id: RemovalId, request: RemovalRequest, reason: Reason, meta: Meta },
    ExecuteRemoval { id: RemovalId, expected_version: i64, meta: Meta },
    SaveJurisdiction { profile: JurisdictionProfile, expected_version: i64, meta: Meta },
    Repatriation { op: OperationId, id: uuid::Uuid, record: serde_json::Value, persons: Vec<PersonId>, meta: Meta },
}

/// SQL statements of the protection tables that differ between the backends.
pub(crate) struct ProtectionSql {
    pub claim: &'static str,
    pub claims_of: &'static str,
    pub latest_claim: &'static str,
    pub insert_claim: &'static str,
    pub update_claim: &'static str,
    pub protection: &'static str,
    pub insert_protection: &'static str,
    pub update_protection: &'static str,
    pub insert_assessment: &'static str,
    pub assessments: &'static str,
    pub insert_removal: &'static str,
    pub update_removal: &'static str,
    pub removal: &'static str,
    pub insert_evaluation: &'static str,
    pub evaluations: &'static str,
    pub jurisdiction: &'static str,
    pub insert_jurisdiction: &'static str,
    pub update_jurisdiction: &'static str,
}

/// Most persons one removal request may name (each is evaluated individually).
pub(crate) const MAX_REMOVAL_PERSONS: usize = 10_000;

macro_rules! protection_impl {
    ($Store:ident, $Conn:ty, $SQL:ident, $PSQL:ident, $bind_ts:path) => {
        use crate::exec_protection::{ProtectionCommand, MAX_REMOVAL_PERSONS};
        use crate::protection_model::*;
        use nansen_domain::convention::guard::{evaluate_group, GuardContext, PersonProtectionFacts, RemovalRequest};
        use nansen_domain::convention::procedure::{derivative_status, ClaimState, Context, DependantFacts, Outcome as ClaimOutcome, ProcedureRules, Stage};
        use nansen_domain::protection::{guard_facts, DerivativeRecord, ProtectionRecord};
        use nansen_domain::{AssessmentId, ClaimId, RemovalId};

        fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
            StoreError::Corrupt(format!("{what}: {e}"))
        }

        fn claim_from_row(row: &<<$Conn as sqlx::Connection>::Database as sqlx::Database>::Row, seal: &Sealer) -> Result<ClaimRecord> {
            let state: String = row.try_get(4)?;
            let id: Uuid = row.try_get(0)?;
            Ok(ClaimRecord {
                id: ClaimId::from_uuid(id),
                operation_id: OperationId::from_uuid(row.try_get(1)?),
                person_id: PersonId::from_uuid(row.try_get(2)?),
                version: row.try_get(3)?,
                state: seal.open_json(&state, "claims", &id, "state", "claim state")?,
                created_at: row.try_get(5)?,
                updated_at: row.try_get(6)?,
            })
        }

        async fn load_claim(conn: &mut $Conn, seal: &Sealer, sql: &str, id: Uuid) -> Result<Option<ClaimRecord>> {
            let row = sqlx::query(sql).bind(id).fetch_optional(&mut *conn).await?;
            row.as_ref().map(|r| claim_from_row(r, seal)).transpose()
        }

        async fn load_protection(conn: &mut $Conn, person: &PersonRecord) -> Result<ProtectionView> {
            let row = sqlx::query($PSQL.protection).bind(person.id.as_uuid()).fetch_optional(&mut *conn).await?;
            match row {
                None => Ok(ProtectionView { person_id: person.id, operation_id: person.operation_id, version: 0, record: ProtectionRecord::default() }),
                Some(r) => {
                    let data: String = r.try_get(3)?;
                    Ok(ProtectionView {
                        person_id: person.id,
                        operation_id: person.operation_id,
                        version: r.try_get(2)?,
                        record: serde_json::from_str(&data).map_err(|e| corrupt("protection record", e))?,
                    })
                }
            }
        }

        async fn write_protection(conn: &mut $Conn, ws: &mut WriteSet, current: &ProtectionView, record: ProtectionRecord, meta: &Meta, why: &str) -> Result<ProtectionView> {
            let changes = nansen_domain::event::diff(&current.record, &record);
            if changes.is_empty() {
                return Ok(current.clone());
            }
            let version = current.version + 1;
            let data = json_text(&record);
            if current.version == 0 {
                sqlx::query($PSQL.insert_protection)
                    .bind(current.person_id.as_uuid())
                    .bind(current.operation_id.as_uuid())
                    .bind(version)
                    .bind(data)
                    .bind($bind_ts(meta.at))
                    .execute(&mut *conn)
                    .await?;
            } else {
                sqlx::query($PSQL.update_protection)
                    .bind(version)
                    .bind(data)
                    .bind($bind_ts(meta.at))
                    .bind(current.person_id.as_uuid())
                    .bind(current.version)
                    .execute(&mut *conn)
                    .await?;
            }
            let ev = rows::event_row(
                current.operation_id,
                EntityKind::Protection,
                current.person_id.as_uuid(),
                version,
                EventKind::ProtectionUpdated,
                meta,
                rows::to_raw(&serde_json::json!({ "changes": changes, "why": why })),
            );
            ws.events.push(ev);
            Ok(ProtectionView { version, record, ..current.clone() })
        }

        async fn guard_facts_for(conn: &mut $Conn, seal: &Sealer, op: OperationId, person: PersonId) -> Result<Option<PersonProtectionFacts>> {
            let Some(p) = load_person(conn, seal, person.as_uuid()).await? else { return Ok(None) };
            if p.operation_id != op {
                return Ok(None);
            }
            let record = load_protection(conn, &p).await?;
            let latest = load_claim(conn, seal, $PSQL.latest_claim, person.as_uuid()).await?;
            Ok(Some(guard_facts(person, p.details.citizenship.clone(), &record.record, latest.map(|c| c.state))))
        }

        async fn evaluate_and_store(
            conn: &mut $Conn,
            seal: &Sealer,
            op: OperationId,
            id: RemovalId,
            request: &RemovalRequest,
            phase: &str,
            meta: &Meta,
        ) -> Result<Vec<(PersonId, bool)>> {
            let mut facts = Vec::with_capacity(request.persons.len());
            for p in &request.persons {
                if let Some(f) = guard_facts_for(conn, seal, op, *p).await? {
                    facts.push(f);
                }
            }
            let verdicts = evaluate_group(&facts, request, &GuardContext { today: meta.at.date_naive() });
            let mut out = Vec::with_capacity(verdicts.len());
            for (person, verdict) in verdicts {
                let seen = facts.iter().find(|f| f.person == person).map(|f| serde_json::to_value(f).unwrap_or_default()).unwrap_or(serde_json::Value::Null);
                sqlx::query($PSQL.insert_evaluation)
                    .bind(nansen_domain::EventId::generate().as_uuid())
                    .bind(op.as_uuid())
                    .bind(id.as_uuid())
                    .bind(person.as_uuid())
                    .bind(phase)
                    .bind(verdict.allowed())
                    .bind(json_text(&verdict))
                    .bind(json_text(&seen))
                    .bind($bind_ts(meta.at))
                    .execute(&mut *conn)
                    .await?;
                out.push((person, verdict.allowed()));
            }
            Ok(out)
        }

        async fn load_removal(conn: &mut $Conn, id: Uuid) -> Result<Option<RemovalView>> {
            let Some(row) = sqlx::query($PSQL.removal).bind(id).fetch_optional(&mut *conn).await? else { return Ok(None) };
            let data: String = row.try_get(3)?;
            let evals = sqlx::query($PSQL.evaluations).bind(id).fetch_all(&mut *conn).await?;
            let mut evaluations = Vec::with_capacity(evals.len());
            for e in &evals {
                let verdict: String = e.try_get(3)?;
                let facts: String = e.try_get(4)?;
                evaluations.push(EvaluationRecord {
                    person_id: PersonId::from_uuid(e.try_get(0)?),
                    phase: e.try_get(1)?,
                    allowed: e.try_get(2)?,
                    verdict: serde_json::from_str(&verdict).map_err(|x| corrupt("verdict", x))?,
                    facts: serde_json::from_str(&facts).map_err(|x| corrupt("facts", x))?,
                    evaluated_at: e.try_get(5)?,
                });
            }
            Ok(Some(RemovalView {
                id: RemovalId::from_uuid(row.try_get(0)?),
                operation_id: OperationId::from_uuid(row.try_get(1)?),
                version: row.try_get(2)?,
                data: serde_json::from_str(&data).map_err(|x| corrupt("removal", x))?,
                evaluations,
                created_at: row.try_get(4)?,
            }))
        }

        async fn load_jurisdiction(conn: &mut $Conn, country: Iso3) -> Result<JurisdictionView> {
            let row = sqlx::query($PSQL.jurisdiction).bind(country.to_string()).fetch_optional(&mut *conn).await?;
            match row {
                None => Ok(JurisdictionView { profile: nansen_domain::convention::profile_for(country), version: 0 }),
                Some(r) => {
                    let data: String = r.try_get(1)?;
                    Ok(JurisdictionView { profile: serde_json::from_str(&data).map_err(|e| corrupt("jurisdiction", e))?, version: r.try_get(0)? })
                }
            }
        }

        /// Derivative status for the household of a principal applicant whose recognition became final.
        async fn grant_derivative_status(conn: &mut $Conn, seal: &Sealer, ws: &mut WriteSet, claim: &ClaimRecord, meta: &Meta) -> Result<()> {
            let Some(principal) = load_person(conn, seal, claim.person_id.as_uuid()).await? else { return Ok(()) };
            if principal.relationship != Relationship::PrincipalApplicant {
                return Ok(()); // relationships are recorded relative to the principal applicant only
            }
            let members = sqlx::query($SQL.members).bind(principal.household_id.as_uuid()).fetch_all(&mut *conn).await?;
            let members = members.iter().map(|r| rows::person_from_row(r, seal)).collect::<Result<Vec<_>>>()?;
            let today = meta.at.date_naive();
            for m in members.iter().filter(|m| m.id != principal.id) {
                let current = load_protection(conn, m).await?;
                let minor = m.details.date_of_birth.and_then(|d| d.age_on(today)).map(|a| a < 18).unwrap_or(false);
                let facts = DependantFacts {
                    person: m.id,
                    relationship: m.relationship,
                    minor,
                    dependent: matches!(m.relationship, Relationship::Spouse | Relationship::Child | Relationship::Stepchild) || minor,
                    excluded_individually: current.record.exclusion_1f_indicated,
                    protected_by_own_nationality: false,
                };
                let decision = derivative_status(ClaimOutcome::Recognised, &facts);
                let mut record = current.record.clone();
                record.derivative = Some(DerivativeRecord { principal: principal.id, claim: claim.id, status: decision.status });
                write_protection(conn, ws, &current, record, meta, "family unity: the principal applicant's recognition became final").await?;
            }
            Ok(())
        }

        async fn apply_protection(conn: &mut $Conn, seal: &Sealer, ws: &mut WriteSet, cache: &mut HashMap<OperationId, Iso3>, cmd: &ProtectionCommand) -> Result<Outcome> {
            match cmd {
                ProtectionCommand::LodgeClaim { person, id, track, meta } => {
                    let p = load_person(conn, seal, person.as_uuid()).await?.ok_or_else(|| rows::not_found("person", person))?;
                    if let Some(open) = load_claim(conn, seal, $PSQL.latest_claim, person.as_uuid()).await? {
                        if nansen_domain::convention::pending(&open.state, meta.at.date_naive()) {
                            return Err(StoreError::Rule {
                                code: "claim_pending",
                                message: format!("the person already has a pending claim ({}); continue that procedure instead of lodging another", open.id),
                            });
                        }
                    }
                    let state = ClaimState::lodged(*track, meta.at.date_naive());
                    let stage = serde_json::to_value(state.stage().kind()).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                    sqlx::query($PSQL.insert_claim)
                        .bind(id.as_uuid())
                        .bind(p.operation_id.as_uuid())
                        .bind(person.as_uuid())
                        .bind(1_i64)
                        .bind(stage)
                        .bind(seal.seal_column_text(&state, "claims", &id.as_uuid(), "state")?)
                        .bind($bind_ts(meta.at))
                        .execute(&mut *conn)
                        .await?;
                    let ev = rows::event_row(p.operation_id, EntityKind::Claim, id.as_uuid(), 1, EventKind::ClaimLodged, meta, rows::to_raw(&serde_json::json!({"person_id": person, "track": track, "state": state})));
                    ws.events.push(ev);
                    Ok(Outcome::Claim(Box::new(ClaimRecord { id: *id, operation_id: p.operation_id, person_id: *person, version: 1, state, created_at: meta.at, updated_at: meta.at })))
                }
                ProtectionCommand::Act { claim, expected_version, action, role, meta } => {
                    let current = load_claim(conn, seal, $PSQL.claim, claim.as_uuid()).await?.ok_or_else(|| rows::not_found("claim", claim))?;
                    if current.version != *expected_version {
                        return Err(rows::conflict("claim", claim, *expected_version, current.version));
                    }
                    let ctx = Context { actor: meta.actor.clone(), role: *role, now: meta.at };
                    let t = ProcedureRules::default().apply(&current.state, action, &ctx).map_err(|e| StoreError::Rule { code: "illegal_transition", message: e.to_string() })?;
                    let version = current.version + 1;
                    let stage = serde_json::to_value(t.state.stage().kind()).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                    sqlx::query($PSQL.update_claim)
                        .bind(version)
                        .bind(stage)
                        .bind(seal.seal_column_text(&t.state, "claims", &claim.as_uuid(), "state")?)
                        .bind($bind_ts(meta.at))
                        .bind(claim.as_uuid())
                        .bind(current.version)
                        .execute(&mut *conn)
                        .await?;
                    let mut m = meta.clone();
                    if m.reason.is_none() {
                        m.reason = t.reason.clone();
                    }
                    let ev = rows::event_row(
                        current.operation_id,
                        EntityKind::Claim,
                        claim.as_uuid(),
                        version,
                        EventKind::ClaimStep,
                        &m,
                        rows::to_raw(&serde_json::json!({"action": action, "role": role, "from": t.from, "state": t.state})),
                    );
                    ws.events.push(ev);
                    let rec = ClaimRecord { version, state: t.state, updated_at: meta.at, ..current };
                    if matches!(rec.state.stage(), Stage::Final { outcome: ClaimOutcome::Recognised }) {
                        grant_derivative_status(conn, seal, ws, &rec, meta).await?;
                    }
                    Ok(Outcome::Claim(Box::new(rec)))
                }
                ProtectionCommand::Assess { claim, id, facts, result, meta } => {
                    let c = load_claim(conn, seal, $PSQL.claim, claim.as_uuid()).await?.ok_or_else(|| rows::not_found("claim", claim))?;
                    sqlx::query($PSQL.insert_assessment)
                        .bind(id.as_uuid())
                        .bind(c.operation_id.as_uuid())
                        .bind(claim.as_uuid())
                        .bind(seal.seal_column_text(facts, "assessments", &id.as_uuid(), "facts")?)
                        .bind(seal.seal_column_text(result, "assessments", &id.as_uuid(), "result")?)
                        .bind(meta.actor.to_string())
                        .bind($bind_ts(meta.at))
                        .execute(&mut *conn)
                        .await?;
                    // Recording an assessment is a step on the file: the claim's version moves on, its stage does not.
                    let version = c.version + 1;
                    let stage = serde_json::to_value(c.state.stage().kind()).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default();
                    sqlx::query($PSQL.update_claim)
                        .bind(version)
                        .bind(stage)
                        .bind(seal.seal_column_text(&c.state, "claims", &claim.as_uuid(), "state")?)
                        .bind($bind_ts(meta.at))
                        .bind(claim.as_uuid())
                        .bind(c.version)
                        .execute(&mut *conn)
                        .await?;
                    let ev = rows::event_row(
                        c.operation_id,
                        EntityKind::Claim,
                        claim.as_uuid(),
                        version,
                        EventKind::AssessmentRecorded,
                        meta,
                        rows::to_raw(&serde_json::json!({"assessment_id": id, "recommendation": result.get("recommendation")})),
                    );
                    ws.events.push(ev);
                    Ok(Outcome::Assessment(Box::new(AssessmentRecord {
                        id: *id,
                        claim_id: *claim,
                        facts: facts.clone(),
                        result: result.clone(),
                        actor: meta.actor.to_string(),
                        created_at: meta.at,
                    })))
                }
                ProtectionCommand::Record { person, expected_version, record, meta } => {
                    let p = load_person(conn, seal, person.as_uuid()).await?.ok_or_else(|| rows::not_found("person", person))?;
                    let current = load_protection(conn, &p).await?;
                    if current.version != *expected_version {
                        return Err(rows::conflict("protection record", person, *expected_version, current.version));
                    }
                    let why = meta.reason.as_ref().map(|r| r.to_string()).unwrap_or_default();
                    Ok(Outcome::ProtectionRecord(Box::new(write_protection(conn, ws, &current, record.clone(), meta, &why).await?)))
                }
                ProtectionCommand::RequestRemoval { op, id, request, reason, meta } => {
                    if request.persons.is_empty() || request.persons.len() > MAX_REMOVAL_PERSONS {
                        return Err(StoreError::Invalid(format!("a removal request names 1 to {MAX_REMOVAL_PERSONS} persons, each evaluated individually")));
                    }
                    country_of(conn, cache, *op).await?;
                    let data = RemovalData {
                        kind: request.kind,
                        destination: request.destination,
                        persons: request.persons.clone(),
                        reason: reason.clone(),
                        requested_by: meta.actor.to_string(),
                        status: RemovalStatus::Evaluated,
                        executed_for: Vec::new(),
                    };
                    sqlx::query($PSQL.insert_removal).bind(id.as_uuid()).bind(op.as_uuid()).bind(1_i64).bind(json_text(&data)).bind($bind_ts(meta.at)).execute(&mut *conn).await?;
                    let verdicts = evaluate_and_store(conn, seal, *op, *id, request, "request", meta).await?;
                    let allowed = verdicts.iter().filter(|v| v.1).count();
                    let ev = rows::event_row(
                        *op,
                        EntityKind::Removal,
                        id.as_uuid(),
                        1,
                        EventKind::RemovalRequested,
                        meta,
                        rows::to_raw(&serde_json::json!({"persons": verdicts.len(), "allowed": allowed, "refused": verdicts.len() - allowed, "destination": request.destination, "kind": request.kind})),
                    );
                    ws.events.push(ev);
                    let view = load_removal(conn, id.as_uuid()).await?.ok_or_else(|| rows::not_found("removal", id))?;
                    Ok(Outcome::Removal(Box::new(view)))
                }
                ProtectionCommand::ExecuteRemoval { id, expected_version, meta } => {
                    let current = load_removal(conn, id.as_uuid()).await?.ok_or_else(|| rows::not_found("removal", id))?;
                    if current.version != *expected_version {
                        return Err(rows::conflict("removal", id, *expected_version, current.version));
                    }
                    if current.data.status == RemovalStatus::Executed {
                        return Err(StoreError::Rule { code: "already_executed", message: "this removal was already executed; request a new one if needed".into() });
                    }
                    let request = RemovalRequest { kind: current.data.kind, destination: current.data.destination, persons: current.data.persons.clone() };
                    let verdicts = evaluate_and_store(conn, seal, current.operation_id, *id, &request, "execution", meta).await?;
                    let executed_for: Vec<PersonId> = verdicts.iter().filter(|v| v.1).map(|v| v.0).collect();
                    let version = current.version + 1;
                    let data = RemovalData { status: RemovalStatus::Executed, executed_for: executed_for.clone(), ..current.data.clone() };
                    sqlx::query($PSQL.update_removal).bind(version).bind(json_text(&data)).bind($bind_ts(meta.at)).bind(id.as_uuid()).bind(current.version).execute(&mut *conn).await?;
                    let ev = rows::event_row(
                        current.operation_id,
                        EntityKind::Removal,
                        id.as_uuid(),
                        version,
                        EventKind::RemovalExecuted,
                        meta,
                        rows::to_raw(&serde_json::json!({"executed_for": executed_for, "refused": verdicts.len() - executed_for.len()})),
                    );
                    ws.events.push(ev);
                    let view = load_removal(conn, id.as_uuid()).await?.ok_or_else(|| rows::not_found("removal", id))?;
                    Ok(Outcome::Removal(Box::new(view)))
                }
                ProtectionCommand::Repatriation { op, id, record, persons, meta } => {
                    for p in persons {
                        match load_person(conn, seal, p.as_uuid()).await? {
                            Some(rec) if rec.operation_id == *op => {}
                            _ => return Err(rows::not_found("person", p)),
                        }
                    }
                    let ev = rows::event_row(*op, EntityKind::Repatriation, *id, 1, EventKind::RepatriationEvaluated, meta, rows::to_raw(record));
                    ws.events.push(ev);
                    Ok(Outcome::Recorded(*id))
                }
                ProtectionCommand::SaveJurisdiction { profile, expected_version, meta } => {
                    let current = load_jurisdiction(conn, profile.country).await?;
                    if current.version != *expected_version {
                        return Err(rows::conflict("jurisdiction", profile.country, *expected_version, current.version));
                    }
                    let version = current.version + 1;
                    let q = if current.version == 0 { $PSQL.insert_jurisdiction } else { $PSQL.update_jurisdiction };
                    sqlx::query(q).bind(profile.country.to_string()).bind(version).bind(json_text(profile)).bind($bind_ts(meta.at)).bind(current.version).execute(&mut *conn).await?;
                    Ok(Outcome::Jurisdiction(Box::new(JurisdictionView { profile: profile.clone(), version })))
                }
            }
        }

        impl $Store {
            async fn write_protection_cmd(&self, cmd: ProtectionCommand) -> Result<Outcome> {
                self.write(Command::Protection(Box::new(cmd))).await
            }
        }

        impl crate::protection_model::Protection for $Store {
            async fn lodge_claim(&self, person: PersonId, track: nansen_domain::convention::procedure::Track, meta: Meta) -> Result<ClaimRecord> {
                match self.write_protection_cmd(ProtectionCommand::LodgeClaim { person, id: ClaimId::generate(), track, meta }).await? {
                    Outcome::Claim(c) => Ok(*c),
                    _ => Err(unexpected()),
                }
            }
            async fn act_on_claim(
                &self,
                claim: ClaimId,
                expected_version: i64,
                action: nansen_domain::convention::procedure::Action,
                role: nansen_domain::convention::procedure::Role,
                meta: Meta,
            ) -> Result<ClaimRecord> {
                match self.write_protection_cmd(ProtectionCommand::Act { claim, expected_version, action, role, meta }).await? {
                    Outcome::Claim(c) => Ok(*c),
                    _ => Err(unexpected()),
                }
            }
            async fn record_assessment(&self, claim: ClaimId, facts: serde_json::Value, result: serde_json::Value, meta: Meta) -> Result<AssessmentRecord> {
                match self.write_protection_cmd(ProtectionCommand::Assess { claim, id: AssessmentId::generate(), facts, result, meta }).await? {
                    Outcome::Assessment(a) => Ok(*a),
                    _ => Err(unexpected()),
                }
            }
            async fn update_protection(&self, person: PersonId, expected_version: i64, record: ProtectionRecord, meta: Meta) -> Result<ProtectionView> {
                match self.write_protection_cmd(ProtectionCommand::Record { person, expected_version, record, meta }).await? {
                    Outcome::ProtectionRecord(p) => Ok(*p),
                    _ => Err(unexpected()),
                }
            }
            async fn request_removal(
                &self,
                op: OperationId,
                request: nansen_domain::convention::guard::RemovalRequest,
                reason: nansen_domain::Reason,
                meta: Meta,
            ) -> Result<RemovalView> {
                match self.write_protection_cmd(ProtectionCommand::RequestRemoval { op, id: RemovalId::generate(), request, reason, meta }).await? {
                    Outcome::Removal(r) => Ok(*r),
                    _ => Err(unexpected()),
                }
            }
            async fn execute_removal(&self, id: RemovalId, expected_version: i64, meta: Meta) -> Result<RemovalView> {
                match self.write_protection_cmd(ProtectionCommand::ExecuteRemoval { id, expected_version, meta }).await? {
                    Outcome::Removal(r) => Ok(*r),
                    _ => Err(unexpected()),
                }
            }
            async fn record_repatriation(&self, op: OperationId, record: serde_json::Value, persons: Vec<PersonId>, meta: Meta) -> Result<Uuid> {
                match self.write_protection_cmd(ProtectionCommand::Repatriation { op, id: nansen_domain::EventId::generate().as_uuid(), record, persons, meta }).await? {
                    Outcome::Recorded(id) => Ok(id),
                    _ => Err(unexpected()),
                }
            }
            async fn save_jurisdiction(&self, profile: nansen_domain::convention::JurisdictionProfile, expected_version: i64, meta: Meta) -> Result<JurisdictionView> {
                match self.write_protection_cmd(ProtectionCommand::SaveJurisdiction { profile, expected_version, meta }).await? {
                    Outcome::Jurisdiction(j) => Ok(*j),
                    _ => Err(unexpected()),
                }
            }
            async fn claim(&self, id: ClaimId) -> Result<Option<ClaimRecord>> {
                let mut conn = self.pool().acquire().await?;
                load_claim(&mut conn, &self.seal, $PSQL.claim, id.as_uuid()).await
            }
            async fn claims_of(&self, person: PersonId) -> Result<Vec<ClaimRecord>> {
                let found = sqlx::query($PSQL.claims_of).bind(person.as_uuid()).fetch_all(self.pool()).await?;
                found.iter().map(|r| claim_from_row(r, &self.seal)).collect()
            }
            async fn assessments(&self, claim: ClaimId) -> Result<Vec<AssessmentRecord>> {
                let found = sqlx::query($PSQL.assessments).bind(claim.as_uuid()).fetch_all(self.pool()).await?;
                found
                    .iter()
                    .map(|r| {
                        let facts: String = r.try_get(2)?;
                        let result: String = r.try_get(3)?;
                        let id: Uuid = r.try_get(0)?;
                        Ok(AssessmentRecord {
                            id: AssessmentId::from_uuid(id),
                            claim_id: ClaimId::from_uuid(r.try_get(1)?),
                            facts: self.seal.open_json(&facts, "assessments", &id, "facts", "facts")?,
                            result: self.seal.open_json(&result, "assessments", &id, "result", "assessment")?,
                            actor: r.try_get(4)?,
                            created_at: r.try_get(5)?,
                        })
                    })
                    .collect()
            }
            async fn protection(&self, person: PersonId) -> Result<Option<ProtectionView>> {
                let mut conn = self.pool().acquire().await?;
                let Some(p) = load_person(&mut conn, &self.seal, person.as_uuid()).await? else { return Ok(None) };
                load_protection(&mut conn, &p).await.map(Some)
            }
            async fn removal(&self, id: RemovalId) -> Result<Option<RemovalView>> {
                let mut conn = self.pool().acquire().await?;
                load_removal(&mut conn, id.as_uuid()).await
            }
            async fn jurisdiction(&self, country: Iso3) -> Result<JurisdictionView> {
                let mut conn = self.pool().acquire().await?;
                load_jurisdiction(&mut conn, country).await
            }
        }
    };
}
pub(crate) use protection_impl;
