//! Durable solutions' writes and reads (resettlement quotas and submissions, repatriation
//! departures), written once and instantiated per backend by [`solutions_impl!`] (see `exec.rs`
//! for the registry's). The rules are the domain's (`nansen_domain::solutions`); the writer
//! gathers their facts inside its transaction, so a quota check and the acceptance it allows
//! cannot interleave with another write.

use crate::Meta;
use chrono::NaiveDate;
use nansen_domain::solutions::{Quota, SubmissionAction};
use nansen_domain::{Iso3, OperationId, PersonId, QuotaId, SubmissionId};

/// A durable-solutions write handed to the writer.
#[derive(Debug, Clone)]
pub(crate) enum SolutionCommand {
    SetQuota { op: OperationId, id: QuotaId, quota: Quota, expected_version: i64, meta: Meta },
    Submit { op: OperationId, id: SubmissionId, country: Iso3, persons: Vec<PersonId>, meta: Meta },
    Act { id: SubmissionId, expected_version: i64, action: SubmissionAction, meta: Meta },
    DepartRepatriation { id: uuid::Uuid, expected_version: i64, persons: Vec<PersonId>, withdrawn: Vec<PersonId>, departed_on: NaiveDate, meta: Meta },
}

/// SQL statements of the solutions tables that differ between the backends.
pub(crate) struct SolutionSql {
    pub quota: &'static str,
    pub quotas: &'static str,
    pub insert_quota: &'static str,
    pub update_quota: &'static str,
    pub quota_used: &'static str,
    pub insert_submission: &'static str,
    pub update_submission: &'static str,
    pub submission: &'static str,
    pub submissions: &'static str,
    pub count_submissions: &'static str,
    pub insert_submission_person: &'static str,
    pub open_submission_of: &'static str,
    pub insert_departure: &'static str,
    pub departure_of: &'static str,
    /// Every quota, for the audit: id, country, year, version, places, note.
    pub all_quotas: &'static str,
    /// Every submission, for the audit: id, country, version, status, quota_year, places, state (as text).
    pub all_submissions: &'static str,
}

macro_rules! solutions_impl {
    ($Store:ident, $Conn:ty, $SQL:ident, $PSQL:ident, $SSQL:ident, $bind_ts:path) => {
        use crate::exec_solutions::SolutionCommand;
        use crate::solutions_model::{QuotaRecord, ReturnDepartureRecord, SubmissionRecord};
        use nansen_domain::solutions as sol;

        fn quota_from_row(row: &<<$Conn as sqlx::Connection>::Database as sqlx::Database>::Row, used: u32) -> Result<QuotaRecord> {
            let country: String = row.try_get(2)?;
            let places: i64 = row.try_get(5)?;
            let note: Option<String> = row.try_get(6)?;
            Ok(QuotaRecord {
                id: nansen_domain::QuotaId::from_uuid(row.try_get(0)?),
                operation_id: OperationId::from_uuid(row.try_get(1)?),
                version: row.try_get(4)?,
                quota: sol::Quota {
                    country: Iso3::parse(&country).map_err(|e| corrupt("quota country", e))?,
                    year: row.try_get(3)?,
                    places: u32::try_from(places).map_err(|e| corrupt("quota places", e))?,
                    note: note.map(|n| nansen_domain::ShortText::parse(&n)).transpose().map_err(|e| corrupt("quota note", e))?,
                },
                used,
                created_at: row.try_get(7)?,
                updated_at: row.try_get(8)?,
            })
        }

        async fn quota_used(conn: &mut $Conn, op: OperationId, country: Iso3, year: i32) -> Result<u32> {
            let row = sqlx::query($SSQL.quota_used).bind(op.as_uuid()).bind(country.to_string()).bind(year).fetch_one(&mut *conn).await?;
            let n: i64 = row.try_get(0)?;
            u32::try_from(n).map_err(|e| corrupt("places used", e))
        }

        async fn load_quota(conn: &mut $Conn, op: OperationId, country: Iso3, year: i32) -> Result<Option<QuotaRecord>> {
            let row = sqlx::query($SSQL.quota).bind(op.as_uuid()).bind(country.to_string()).bind(year).fetch_optional(&mut *conn).await?;
            match row {
                None => Ok(None),
                Some(r) => {
                    let used = quota_used(conn, op, country, year).await?;
                    quota_from_row(&r, used).map(Some)
                }
            }
        }

        fn submission_from_row(row: &<<$Conn as sqlx::Connection>::Database as sqlx::Database>::Row, seal: &Sealer) -> Result<SubmissionRecord> {
            let id: Uuid = row.try_get(0)?;
            let state: String = row.try_get(3)?;
            Ok(SubmissionRecord {
                id: nansen_domain::SubmissionId::from_uuid(id),
                operation_id: OperationId::from_uuid(row.try_get(1)?),
                version: row.try_get(2)?,
                submission: seal.open_json(&state, "resettlement_submissions", &id, "state", "resettlement submission")?,
                created_at: row.try_get(4)?,
                updated_at: row.try_get(5)?,
            })
        }

        async fn load_submission(conn: &mut $Conn, seal: &Sealer, id: Uuid) -> Result<Option<SubmissionRecord>> {
            let row = sqlx::query($SSQL.submission).bind(id).fetch_optional(&mut *conn).await?;
            row.as_ref().map(|r| submission_from_row(r, seal)).transpose()
        }

        async fn has_departed(conn: &mut $Conn, person: PersonId) -> Result<bool> {
            Ok(sqlx::query($SSQL.departure_of).bind(person.as_uuid()).fetch_optional(&mut *conn).await?.is_some())
        }

        /// A person of `op` that is its own record (not merged into another).
        async fn own_person(conn: &mut $Conn, seal: &Sealer, op: OperationId, person: PersonId) -> Result<Option<PersonRecord>> {
            Ok(load_person(conn, seal, person.as_uuid()).await?.filter(|p| p.operation_id == op && p.merged_into.is_none()))
        }

        async fn insert_departure(conn: &mut $Conn, op: OperationId, d: &sol::Departure, solution: &str, source: Uuid, destination: Iso3, meta: &Meta) -> Result<()> {
            sqlx::query($SSQL.insert_departure)
                .bind(nansen_domain::EventId::generate().as_uuid())
                .bind(op.as_uuid())
                .bind(d.person.as_uuid())
                .bind(solution)
                .bind(source)
                .bind(destination.to_string())
                .bind(d.departed_on)
                .bind(meta.actor.to_string())
                .bind($bind_ts(meta.at))
                .execute(&mut *conn)
                .await?;
            Ok(())
        }

        fn solution_rule(e: sol::SolutionError) -> StoreError {
            StoreError::Rule { code: e.code, message: e.message }
        }

        fn refusals_text(refusals: &[sol::PersonRefusal]) -> String {
            refusals.iter().map(|r| format!("person {}: {}", r.person, r.reason)).collect::<Vec<_>>().join("; ")
        }

        async fn apply_solutions(conn: &mut $Conn, seal: &Sealer, ws: &mut WriteSet, cache: &mut HashMap<OperationId, Iso3>, cmd: &SolutionCommand) -> Result<Outcome> {
            match cmd {
                SolutionCommand::SetQuota { op, id, quota, expected_version, meta } => {
                    let host = country_of(conn, cache, *op).await?;
                    if quota.country == host {
                        return Err(StoreError::Invalid(format!("{host} is the operation's country of asylum; a resettlement quota is a third State's: name that State")));
                    }
                    let current = load_quota(conn, *op, quota.country, quota.year).await?;
                    let version = current.as_ref().map(|q| q.version).unwrap_or(0);
                    if version != *expected_version {
                        return Err(rows::conflict("resettlement quota", format!("{} {}", quota.country, quota.year), *expected_version, version));
                    }
                    let used = quota_used(conn, *op, quota.country, quota.year).await?;
                    sol::check_quota_change(quota, used).map_err(solution_rule)?;
                    let note = quota.note.as_ref().map(|n| n.to_string());
                    let rec = match &current {
                        Some(c) if c.quota == *quota => return Ok(Outcome::Quota(Box::new(c.clone()))),
                        Some(c) => {
                            sqlx::query($SSQL.update_quota)
                                .bind(c.version + 1)
                                .bind(i64::from(quota.places))
                                .bind(note)
                                .bind($bind_ts(meta.at))
                                .bind(c.id.as_uuid())
                                .bind(c.version)
                                .execute(&mut *conn)
                                .await?;
                            QuotaRecord { version: c.version + 1, quota: quota.clone(), used, updated_at: meta.at, ..c.clone() }
                        }
                        None => {
                            sqlx::query($SSQL.insert_quota)
                                .bind(id.as_uuid())
                                .bind(op.as_uuid())
                                .bind(quota.country.to_string())
                                .bind(quota.year)
                                .bind(i64::from(quota.places))
                                .bind(note)
                                .bind($bind_ts(meta.at))
                                .execute(&mut *conn)
                                .await?;
                            QuotaRecord { id: *id, operation_id: *op, version: 1, quota: quota.clone(), used, created_at: meta.at, updated_at: meta.at }
                        }
                    };
                    ws.events.push(rows::event_row(
                        *op,
                        EntityKind::ResettlementQuota,
                        rec.id.as_uuid(),
                        rec.version,
                        EventKind::ResettlementQuotaSet,
                        meta,
                        rows::to_raw(&serde_json::json!({"quota": quota, "before": current.as_ref().map(|c| &c.quota), "used": used})),
                    ));
                    Ok(Outcome::Quota(Box::new(rec)))
                }
                SolutionCommand::Submit { op, id, country, persons, meta } => {
                    let host = country_of(conn, cache, *op).await?;
                    if persons.is_empty() || persons.len() > sol::MAX_SUBMISSION_PERSONS {
                        return Err(StoreError::Invalid(format!("a submission names 1 to {} persons (a refugee, or members of one household)", sol::MAX_SUBMISSION_PERSONS)));
                    }
                    let mut candidates = Vec::with_capacity(persons.len());
                    for p in persons {
                        let own = own_person(conn, seal, *op, *p).await?;
                        let facts = match &own {
                            Some(_) => guard_facts_for(conn, seal, *op, *p).await?,
                            None => None,
                        };
                        let open = sqlx::query($SSQL.open_submission_of).bind(p.as_uuid()).fetch_optional(&mut *conn).await?.is_some();
                        candidates.push(sol::Candidate {
                            person: *p,
                            in_operation: own.is_some(),
                            status: facts.as_ref().and_then(|f| f.recorded_status),
                            citizenship: facts.map(|f| f.nationality).unwrap_or(nansen_domain::Citizenship::Undetermined),
                            departed: has_departed(conn, *p).await?,
                            open_submission: open,
                        });
                    }
                    if let Err(refused) = sol::check_submission(*country, host, &candidates) {
                        return Err(StoreError::Rule {
                            code: "not_eligible",
                            message: format!("{} of the {} person(s) cannot be submitted to {country}: {}", refused.iter().map(|r| r.person).collect::<std::collections::HashSet<_>>().len(), persons.len(), refusals_text(&refused)),
                        });
                    }
                    let submission = sol::Submission::new(*country, persons.clone(), meta.at.date_naive());
                    sqlx::query($SSQL.insert_submission)
                        .bind(id.as_uuid())
                        .bind(op.as_uuid())
                        .bind(country.to_string())
                        .bind(submission.status.as_str())
                        .bind(i64::from(submission.places()))
                        .bind(seal.seal_column_text(&submission, "resettlement_submissions", &id.as_uuid(), "state")?)
                        .bind($bind_ts(meta.at))
                        .execute(&mut *conn)
                        .await?;
                    for p in persons {
                        sqlx::query($SSQL.insert_submission_person).bind(op.as_uuid()).bind(id.as_uuid()).bind(p.as_uuid()).execute(&mut *conn).await?;
                    }
                    ws.events.push(rows::event_row(
                        *op,
                        EntityKind::Resettlement,
                        id.as_uuid(),
                        1,
                        EventKind::ResettlementSubmitted,
                        meta,
                        rows::to_raw(&serde_json::json!({"country": country, "persons": persons, "status": submission.status})),
                    ));
                    Ok(Outcome::Submission(Box::new(SubmissionRecord { id: *id, operation_id: *op, version: 1, submission, created_at: meta.at, updated_at: meta.at })))
                }
                SolutionCommand::Act { id, expected_version, action, meta } => {
                    let current = load_submission(conn, seal, id.as_uuid()).await?.ok_or_else(|| rows::not_found("resettlement submission", id))?;
                    if current.version != *expected_version {
                        return Err(rows::conflict("resettlement submission", id, *expected_version, current.version));
                    }
                    let sub = &current.submission;
                    let today = meta.at.date_naive();
                    let quota = match action {
                        sol::SubmissionAction::Accept => {
                            use chrono::Datelike;
                            load_quota(conn, current.operation_id, sub.country, today.year()).await?.map(|q| sol::QuotaUse { places: q.quota.places, used: q.used })
                        }
                        _ => None,
                    };
                    let next = sub.apply(action, &sol::SubmissionContext { today, quota }).map_err(solution_rule)?;
                    let new_departures: Vec<sol::Departure> = next.departures.iter().filter(|d| !sub.departures.contains(d)).copied().collect();
                    for d in &new_departures {
                        if has_departed(conn, d.person).await? {
                            return Err(StoreError::Rule { code: "already_departed", message: format!("a departure is already recorded for person {}; a person departs once", d.person) });
                        }
                    }
                    let version = current.version + 1;
                    sqlx::query($SSQL.update_submission)
                        .bind(version)
                        .bind(next.status.as_str())
                        .bind(next.quota_year)
                        .bind(seal.seal_column_text(&next, "resettlement_submissions", &id.as_uuid(), "state")?)
                        .bind($bind_ts(meta.at))
                        .bind(id.as_uuid())
                        .bind(current.version)
                        .execute(&mut *conn)
                        .await?;
                    for d in &new_departures {
                        insert_departure(conn, current.operation_id, d, "resettlement", id.as_uuid(), sub.country, meta).await?;
                    }
                    let kind = match action {
                        sol::SubmissionAction::Accept => EventKind::ResettlementAccepted,
                        sol::SubmissionAction::Reject { .. } => EventKind::ResettlementRejected,
                        sol::SubmissionAction::Withdraw { .. } => EventKind::ResettlementWithdrawn,
                        sol::SubmissionAction::Depart { .. } => EventKind::ResettlementDeparted,
                    };
                    // The State's reasons stay out of the event's data: they are its reason, sealed at rest.
                    let mut m = meta.clone();
                    if let sol::SubmissionAction::Reject { reason } | sol::SubmissionAction::Withdraw { reason } = action {
                        m.reason = Some(reason.clone());
                    }
                    ws.events.push(rows::event_row(
                        current.operation_id,
                        EntityKind::Resettlement,
                        id.as_uuid(),
                        version,
                        kind,
                        &m,
                        rows::to_raw(&serde_json::json!({
                            "from": sub.status, "status": next.status, "country": sub.country, "persons": next.persons,
                            "quota_year": next.quota_year, "departures": new_departures,
                        })),
                    ));
                    Ok(Outcome::Submission(Box::new(SubmissionRecord { version, submission: next, updated_at: meta.at, ..current })))
                }
                SolutionCommand::DepartRepatriation { id, expected_version, persons, withdrawn, departed_on, meta } => {
                    let found = sqlx::query($SQL.history).bind(EntityKind::Repatriation.as_str()).bind(*id).fetch_all(&mut *conn).await?;
                    let mut history = Vec::with_capacity(found.len());
                    for r in &found {
                        let mut e = rows::event_from_row(r)?;
                        seal.open_event(&mut e)?;
                        history.push(e);
                    }
                    let Some(first) = history.first().filter(|e| e.kind == EventKind::RepatriationEvaluated) else { return Err(rows::not_found("repatriation", id)) };
                    let op = first.operation_id;
                    let version = history.iter().map(|e| e.version).max().unwrap_or(1);
                    if version != *expected_version {
                        return Err(rows::conflict("repatriation", id, *expected_version, version));
                    }
                    if *departed_on > meta.at.date_naive() {
                        return Err(StoreError::Rule {
                            code: "departure_in_future",
                            message: format!("the departure is dated {departed_on}, after today ({}); record a departure once it happened", meta.at.date_naive()),
                        });
                    }
                    let request: nansen_domain::convention::guard::VoluntaryRepatriation =
                        serde_json::from_value(first.data.get("request").cloned().unwrap_or_default()).map_err(|e| corrupt("repatriation request", e))?;
                    let allowed_then: Vec<PersonId> = first
                        .data
                        .get("verdicts")
                        .and_then(serde_json::Value::as_array)
                        .map(|a| {
                            a.iter()
                                .filter(|v| v.get("allowed").and_then(serde_json::Value::as_bool) == Some(true))
                                .filter_map(|v| v.get("person").cloned().and_then(|p| serde_json::from_value(p).ok()))
                                .collect()
                        })
                        .unwrap_or_default();
                    let mut named = persons.clone();
                    if named.is_empty() {
                        for p in request.participants.iter().map(|x| x.person()) {
                            if !has_departed(conn, p).await? {
                                named.push(p);
                            }
                        }
                    }
                    if named.is_empty() {
                        return Err(StoreError::Rule { code: "nobody_departed", message: "every participant of this repatriation has already departed; nothing is left to record".into() });
                    }
                    let mut facts = Vec::with_capacity(named.len());
                    for p in &named {
                        facts.push(sol::ReturnFacts {
                            person: *p,
                            in_operation: own_person(conn, seal, op, *p).await?.is_some(),
                            allowed_when_requested: allowed_then.contains(p),
                            departed: has_departed(conn, *p).await?,
                            consent_withdrawn: withdrawn.contains(p),
                        });
                    }
                    let verdicts = sol::evaluate_return_departure(&request, &facts, *departed_on);
                    let departed: Vec<sol::Departure> = verdicts.iter().filter(|v| v.allowed).map(|v| sol::Departure { person: v.person, departed_on: *departed_on }).collect();
                    if departed.is_empty() {
                        let refused: Vec<sol::PersonRefusal> = verdicts.iter().flat_map(|v| v.refusals.iter().cloned()).collect();
                        return Err(StoreError::Rule { code: "nobody_departed", message: format!("no participant may be recorded as departed, nothing was written: {}", refusals_text(&refused)) });
                    }
                    for d in &departed {
                        insert_departure(conn, op, d, "voluntary_repatriation", *id, request.destination, meta).await?;
                    }
                    let version = version + 1;
                    ws.events.push(rows::event_row(
                        op,
                        EntityKind::Repatriation,
                        *id,
                        version,
                        EventKind::RepatriationDeparted,
                        meta,
                        rows::to_raw(&serde_json::json!({
                            "destination": request.destination, "departed_on": departed_on, "departed": departed,
                            "refused": verdicts.iter().filter(|v| !v.allowed).collect::<Vec<_>>(),
                        })),
                    ));
                    Ok(Outcome::ReturnDeparture(Box::new(ReturnDepartureRecord { repatriation_id: *id, version, departed_on: *departed_on, verdicts })))
                }
            }
        }

        /// Checks every resettlement quota and submission against its history (the audit's replay):
        /// a quota against its latest `resettlement_quota_set` event, a submission's columns and its
        /// sealed state against the submission its events describe.
        async fn verify_solutions(
            conn: &mut $Conn,
            seal: &Sealer,
            by_entity: &HashMap<(EntityKind, Uuid), Vec<Event>>,
            report: &mut crate::audit::AuditReport,
        ) -> Result<Option<crate::audit::AuditProblem>> {
            use crate::audit::canonical;
            let altered = |detail: String| Ok(Some(crate::audit::AuditProblem { kind: "record_altered", seq: None, detail }));
            for r in sqlx::query($SSQL.all_quotas).fetch_all(&mut *conn).await? {
                let id: Uuid = r.try_get(0)?;
                let country: String = r.try_get(1)?;
                let year: i32 = r.try_get(2)?;
                let version: i64 = r.try_get(3)?;
                let places: i64 = r.try_get(4)?;
                let note: Option<String> = r.try_get(5)?;
                report.records_replayed += 1;
                let hist = by_entity.get(&(EntityKind::ResettlementQuota, id)).map(Vec::as_slice).unwrap_or_default();
                let expected = hist.last().and_then(|e| e.data.get("quota").cloned()).and_then(|q| serde_json::from_value::<sol::Quota>(q).ok());
                let same = expected.is_some_and(|q| {
                    q.country.to_string() == country
                        && q.year == year
                        && i64::from(q.places) == places
                        && q.note.as_ref().map(|n| n.to_string()) == note
                        && hist.last().map(|e| e.version) == Some(version)
                        && i64::try_from(hist.len()).ok() == Some(version)
                });
                if !same {
                    return altered(format!("resettlement quota {id} ({country} {year}) differs from what its history records: it was changed outside Nansen"));
                }
            }
            for r in sqlx::query($SSQL.all_submissions).fetch_all(&mut *conn).await? {
                let id: Uuid = r.try_get(0)?;
                let country: String = r.try_get(1)?;
                let version: i64 = r.try_get(2)?;
                let status: String = r.try_get(3)?;
                let quota_year: Option<i32> = r.try_get(4)?;
                let places: i64 = r.try_get(5)?;
                let text: String = r.try_get(6)?;
                report.records_replayed += 1;
                let mut current: serde_json::Value = serde_json::from_str(&text).unwrap_or(serde_json::Value::Null);
                if let Err(e) = seal.open(&mut current, "resettlement_submissions", &id.to_string(), "state") {
                    return altered(format!("resettlement submission {id}: {e}"));
                }
                let hist = by_entity.get(&(EntityKind::Resettlement, id)).map(Vec::as_slice).unwrap_or_default();
                let expected = replay_submission(hist);
                let same = expected.as_ref().is_some_and(|s| {
                    s.country.to_string() == country
                        && s.status.as_str() == status
                        && s.quota_year == quota_year
                        && i64::try_from(s.persons.len()).ok() == Some(places)
                        && serde_json::to_value(s).ok().map(|v| canonical(&v)) == Some(canonical(&current))
                        && hist.last().map(|e| e.version) == Some(version)
                        && i64::try_from(hist.len()).ok() == Some(version)
                });
                if !same {
                    return altered(format!("resettlement submission {id} differs from what its history records: it was changed outside Nansen"));
                }
            }
            Ok(None)
        }

        /// The submission a submission's history describes: its first event names the State and
        /// the persons; each step its status, persons, quota year and the departures it recorded;
        /// a decision's day is its event's, a rejection's or withdrawal's reason its event's reason.
        fn replay_submission(hist: &[Event]) -> Option<sol::Submission> {
            let first = hist.first().filter(|e| e.kind == EventKind::ResettlementSubmitted)?;
            let mut s = serde_json::json!({
                "country": first.data.get("country")?, "persons": first.data.get("persons")?, "status": first.data.get("status")?,
                "submitted_on": first.at.date_naive(), "decided_on": null, "quota_year": null, "reason": null, "departures": [],
            });
            for e in &hist[1..] {
                for k in ["status", "country", "persons", "quota_year"] {
                    s[k] = e.data.get(k)?.clone();
                }
                let departed = e.data.get("departures").and_then(serde_json::Value::as_array)?;
                s["departures"].as_array_mut()?.extend(departed.iter().cloned());
                match e.kind {
                    EventKind::ResettlementAccepted => s["decided_on"] = serde_json::json!(e.at.date_naive()),
                    EventKind::ResettlementRejected | EventKind::ResettlementWithdrawn => {
                        s["decided_on"] = serde_json::json!(e.at.date_naive());
                        s["reason"] = serde_json::json!(e.reason);
                    }
                    _ => {}
                }
            }
            serde_json::from_value(s).ok()
        }

        impl $Store {
            async fn write_solution(&self, cmd: SolutionCommand) -> Result<Outcome> {
                self.write(Command::Solutions(Box::new(cmd))).await
            }
        }

        impl crate::solutions_model::Solutions for $Store {
            async fn set_quota(&self, op: OperationId, quota: sol::Quota, expected_version: i64, meta: Meta) -> Result<QuotaRecord> {
                match self.write_solution(SolutionCommand::SetQuota { op, id: nansen_domain::QuotaId::generate(), quota, expected_version, meta }).await? {
                    Outcome::Quota(q) => Ok(*q),
                    _ => Err(unexpected()),
                }
            }
            async fn quotas(&self, op: OperationId) -> Result<Vec<QuotaRecord>> {
                let mut conn = self.pool().acquire().await?;
                let found = sqlx::query($SSQL.quotas).bind(op.as_uuid()).fetch_all(&mut *conn).await?;
                let mut out = Vec::with_capacity(found.len());
                for r in &found {
                    let country: String = r.try_get(2)?;
                    let country = Iso3::parse(&country).map_err(|e| corrupt("quota country", e))?;
                    let used = quota_used(&mut conn, op, country, r.try_get(3)?).await?;
                    out.push(quota_from_row(r, used)?);
                }
                Ok(out)
            }
            async fn submit_resettlement(&self, op: OperationId, country: Iso3, persons: Vec<PersonId>, meta: Meta) -> Result<SubmissionRecord> {
                match self.write_solution(SolutionCommand::Submit { op, id: nansen_domain::SubmissionId::generate(), country, persons, meta }).await? {
                    Outcome::Submission(s) => Ok(*s),
                    _ => Err(unexpected()),
                }
            }
            async fn act_on_submission(&self, id: nansen_domain::SubmissionId, expected_version: i64, action: sol::SubmissionAction, meta: Meta) -> Result<SubmissionRecord> {
                match self.write_solution(SolutionCommand::Act { id, expected_version, action, meta }).await? {
                    Outcome::Submission(s) => Ok(*s),
                    _ => Err(unexpected()),
                }
            }
            async fn submission(&self, id: nansen_domain::SubmissionId) -> Result<Option<SubmissionRecord>> {
                let mut conn = self.pool().acquire().await?;
                load_submission(&mut conn, &self.seal, id.as_uuid()).await
            }
            async fn submissions(&self, op: OperationId, status: Option<sol::SubmissionStatus>, limit: u32, offset: u32) -> Result<Page<SubmissionRecord>> {
                let limit = limit.clamp(1, MAX_PAGE);
                let status = status.map(|s| s.as_str()).unwrap_or("");
                let found = sqlx::query($SSQL.submissions).bind(op.as_uuid()).bind(status).bind(i64::from(limit)).bind(i64::from(offset)).fetch_all(self.pool()).await?;
                let items = found.iter().map(|r| submission_from_row(r, &self.seal)).collect::<Result<Vec<_>>>()?;
                let total: i64 = sqlx::query($SSQL.count_submissions).bind(op.as_uuid()).bind(status).fetch_one(self.pool()).await?.try_get(0)?;
                Ok(Page { items, total, limit, offset })
            }
            async fn depart_repatriation(
                &self,
                id: Uuid,
                expected_version: i64,
                persons: Vec<PersonId>,
                withdrawn: Vec<PersonId>,
                departed_on: chrono::NaiveDate,
                meta: Meta,
            ) -> Result<ReturnDepartureRecord> {
                match self.write_solution(SolutionCommand::DepartRepatriation { id, expected_version, persons, withdrawn, departed_on, meta }).await? {
                    Outcome::ReturnDeparture(r) => Ok(*r),
                    _ => Err(unexpected()),
                }
            }
        }
    };
}
pub(crate) use solutions_impl;
