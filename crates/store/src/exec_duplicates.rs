//! The review queue of proposed duplicates and merges, written once and instantiated per backend by
//! [`duplicates_impl!`] (see `exec.rs` for the registry's writes).

use crate::duplicates_model::{DuplicateDecision, NewDuplicate};
use crate::Meta;
use nansen_domain::{DuplicateId, OperationId, PersonId};

/// A write on the review queue handed to the writer.
#[derive(Debug, Clone)]
pub(crate) enum DuplicateCommand {
    Queue { op: OperationId, pairs: Vec<(DuplicateId, NewDuplicate)>, meta: Meta },
    Decide { id: DuplicateId, expected_version: i64, decision: DuplicateDecision, meta: Meta },
    Merge { id: DuplicateId, expected_version: i64, survivor: Option<PersonId>, meta: Meta },
    Unmerge { id: DuplicateId, expected_version: i64, meta: Meta },
}

/// SQL statements of the review queue that differ between the backends.
pub(crate) struct DuplicateSql {
    pub insert: &'static str,
    pub pair: &'static str,
    pub by_id: &'static str,
    pub page: &'static str,
    pub count: &'static str,
    pub of_person: &'static str,
    pub update: &'static str,
    pub set_merged_into: &'static str,
    pub merged_into_of: &'static str,
    pub all_merged: &'static str,
    pub all_status: &'static str,
}

/// Most pairs queued by one command.
pub(crate) const MAX_QUEUE: usize = 5_000;

macro_rules! duplicates_impl {
    ($Store:ident, $Conn:ty, $Pool:ty, $SQL:ident, $DSQL:ident, $bind_ts:path) => {
        use crate::duplicates_model::*;
        use crate::exec_duplicates::{DuplicateCommand, MAX_QUEUE};
        use nansen_domain::DuplicateId;

        fn duplicate_from_row(row: &<<$Conn as sqlx::Connection>::Database as sqlx::Database>::Row) -> Result<DuplicateRecord> {
            let explanation: String = row.try_get(6)?;
            let status: String = row.try_get(8)?;
            Ok(DuplicateRecord {
                id: DuplicateId::from_uuid(row.try_get(0)?),
                operation_id: OperationId::from_uuid(row.try_get(1)?),
                person_a: PersonId::from_uuid(row.try_get(2)?),
                person_b: PersonId::from_uuid(row.try_get(3)?),
                version: row.try_get(4)?,
                score: row.try_get(5)?,
                explanation: serde_json::from_str(&explanation).map_err(|e| StoreError::Corrupt(format!("duplicate explanation: {e}")))?,
                found_by: row.try_get(7)?,
                status: DuplicateStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("duplicate status {status:?}")))?,
                survivor: row.try_get::<Option<Uuid>, _>(9)?.map(PersonId::from_uuid),
                decided_by: row.try_get(10)?,
                decided_at: row.try_get(11)?,
                decision_reason: row.try_get(12)?,
                created_at: row.try_get(13)?,
                updated_at: row.try_get(14)?,
            })
        }

        async fn load_duplicate(conn: &mut $Conn, id: Uuid) -> Result<Option<DuplicateRecord>> {
            let row = sqlx::query($DSQL.by_id).bind(id).fetch_optional(&mut *conn).await?;
            row.as_ref().map(duplicate_from_row).transpose()
        }

        fn reason_required(meta: &Meta, what: &str) -> Result<()> {
            if meta.reason.is_none() {
                return Err(StoreError::Invalid(format!("give a reason to {what}; it is kept in the history of both persons")));
            }
            Ok(())
        }

        /// Writes a pair's new status with its event; returns the new record.
        async fn write_duplicate(
            conn: &mut $Conn,
            ws: &mut WriteSet,
            current: &DuplicateRecord,
            status: DuplicateStatus,
            survivor: Option<PersonId>,
            kind: EventKind,
            meta: &Meta,
        ) -> Result<DuplicateRecord> {
            let version = current.version + 1;
            let reason = meta.reason.as_ref().map(|r| r.to_string());
            sqlx::query($DSQL.update)
                .bind(version)
                .bind(status.as_str())
                .bind(survivor.map(|p| p.as_uuid()))
                .bind(meta.actor.to_string())
                .bind($bind_ts(meta.at))
                .bind(reason.clone())
                .bind($bind_ts(meta.at))
                .bind(current.id.as_uuid())
                .bind(current.version)
                .execute(&mut *conn)
                .await?;
            ws.events.push(rows::event_row(
                current.operation_id,
                EntityKind::Duplicate,
                current.id.as_uuid(),
                version,
                kind,
                meta,
                rows::to_raw(&serde_json::json!({"status": status, "survivor": survivor, "person_a": current.person_a, "person_b": current.person_b})),
            ));
            Ok(DuplicateRecord {
                version,
                status,
                survivor,
                decided_by: Some(meta.actor.to_string()),
                decided_at: Some(meta.at),
                decision_reason: reason,
                updated_at: meta.at,
                ..current.clone()
            })
        }

        /// Moves a person's `merged_into` and version, with its `person_merged`/`person_unmerged` event.
        async fn write_merge_state(
            conn: &mut $Conn,
            ws: &mut WriteSet,
            person: &PersonRecord,
            merged_into: Option<PersonId>,
            kind: EventKind,
            data: &serde_json::Value,
            meta: &Meta,
        ) -> Result<()> {
            let version = person.version + 1;
            sqlx::query($DSQL.set_merged_into)
                .bind(merged_into.map(|p| p.as_uuid()))
                .bind(version)
                .bind($bind_ts(meta.at))
                .bind(person.id.as_uuid())
                .bind(person.version)
                .execute(&mut *conn)
                .await?;
            ws.events.push(rows::event_row(person.operation_id, EntityKind::Person, person.id.as_uuid(), version, kind, meta, rows::to_raw(data)));
            Ok(())
        }

        async fn persons_merged_into(conn: &mut $Conn, seal: &crate::seal::Sealer, id: PersonId) -> Result<Vec<PersonRecord>> {
            let found = sqlx::query($DSQL.merged_into_of).bind(id.as_uuid()).fetch_all(&mut *conn).await?;
            found.iter().map(|r| rows::person_from_row(r, seal)).collect()
        }

        async fn apply_duplicates(conn: &mut $Conn, seal: &crate::seal::Sealer, ws: &mut WriteSet, cmd: &DuplicateCommand) -> Result<Outcome> {
            match cmd {
                DuplicateCommand::Queue { op, pairs, meta } => {
                    if pairs.len() > MAX_QUEUE {
                        return Err(StoreError::Invalid(format!("queue at most {MAX_QUEUE} pairs at a time")));
                    }
                    let mut queued = Vec::new();
                    for (id, p) in pairs {
                        let (a, b) = if p.person.as_uuid() < p.other.as_uuid() { (p.person, p.other) } else { (p.other, p.person) };
                        if a == b || !p.score.is_finite() {
                            continue;
                        }
                        let (Some(pa), Some(pb)) = (load_person(conn, seal, a.as_uuid()).await?, load_person(conn, seal, b.as_uuid()).await?) else { continue };
                        if pa.operation_id != *op || pb.operation_id != *op || pa.merged_into.is_some() || pb.merged_into.is_some() {
                            continue;
                        }
                        if sqlx::query($DSQL.pair).bind(op.as_uuid()).bind(a.as_uuid()).bind(b.as_uuid()).fetch_optional(&mut *conn).await?.is_some() {
                            continue;
                        }
                        let score = p.score.clamp(0.0, 1.0);
                        sqlx::query($DSQL.insert)
                            .bind(id.as_uuid())
                            .bind(op.as_uuid())
                            .bind(a.as_uuid())
                            .bind(b.as_uuid())
                            .bind(score)
                            .bind(json_text(&p.explanation))
                            .bind(p.found_by.clone())
                            .bind($bind_ts(meta.at))
                            .execute(&mut *conn)
                            .await?;
                        ws.events.push(rows::event_row(
                            *op,
                            EntityKind::Duplicate,
                            id.as_uuid(),
                            1,
                            EventKind::DuplicateQueued,
                            meta,
                            rows::to_raw(&serde_json::json!({"status": DuplicateStatus::Open, "person_a": a, "person_b": b, "score": score, "found_by": p.found_by, "explanation": p.explanation})),
                        ));
                        queued.push(DuplicateRecord {
                            id: *id,
                            operation_id: *op,
                            person_a: a,
                            person_b: b,
                            version: 1,
                            score,
                            explanation: p.explanation.clone(),
                            found_by: p.found_by.clone(),
                            status: DuplicateStatus::Open,
                            survivor: None,
                            decided_by: None,
                            decided_at: None,
                            decision_reason: None,
                            created_at: meta.at,
                            updated_at: meta.at,
                        });
                    }
                    Ok(Outcome::Duplicates(queued))
                }
                DuplicateCommand::Decide { id, expected_version, decision, meta } => {
                    let current = load_duplicate(conn, id.as_uuid()).await?.ok_or_else(|| rows::not_found("proposed duplicate", id))?;
                    if current.version != *expected_version {
                        return Err(rows::conflict("proposed duplicate", id, *expected_version, current.version));
                    }
                    let (status, kind, allowed): (_, _, &[DuplicateStatus]) = match decision {
                        DuplicateDecision::Dismiss => (DuplicateStatus::Dismissed, EventKind::DuplicateDismissed, &[DuplicateStatus::Open, DuplicateStatus::Confirmed]),
                        DuplicateDecision::Confirm => (DuplicateStatus::Confirmed, EventKind::DuplicateConfirmed, &[DuplicateStatus::Open]),
                    };
                    if !allowed.contains(&current.status) {
                        return Err(StoreError::Rule {
                            code: "duplicate_status",
                            message: format!(
                                "this pair is {}; only a pair that is {} can be {}",
                                current.status.as_str(),
                                allowed.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" or "),
                                status.as_str()
                            ),
                        });
                    }
                    reason_required(meta, "decide on a proposed duplicate")?;
                    let rec = write_duplicate(conn, ws, &current, status, None, kind, meta).await?;
                    Ok(Outcome::Duplicate(Box::new(rec)))
                }
                DuplicateCommand::Merge { id, expected_version, survivor, meta } => {
                    let current = load_duplicate(conn, id.as_uuid()).await?.ok_or_else(|| rows::not_found("proposed duplicate", id))?;
                    if current.version != *expected_version {
                        return Err(rows::conflict("proposed duplicate", id, *expected_version, current.version));
                    }
                    if current.status != DuplicateStatus::Confirmed {
                        let message = match current.status {
                            DuplicateStatus::Merged => "this pair is already merged; undo the merge first if it was wrong".to_string(),
                            s => format!("this pair is {}; confirm that both records are one person before merging them", s.as_str()),
                        };
                        return Err(StoreError::Rule { code: "duplicate_status", message });
                    }
                    reason_required(meta, "merge two records")?;
                    let a = load_person(conn, seal, current.person_a.as_uuid()).await?.ok_or_else(|| rows::not_found("person", current.person_a))?;
                    let b = load_person(conn, seal, current.person_b.as_uuid()).await?.ok_or_else(|| rows::not_found("person", current.person_b))?;
                    let keep_a = match survivor {
                        Some(s) if *s == a.id => true,
                        Some(s) if *s == b.id => false,
                        Some(s) => return Err(StoreError::Invalid(format!("the surviving record must be one of the pair ({} or {}), not {s}", a.id, b.id))),
                        None => (a.created_at, a.id) <= (b.created_at, b.id),
                    };
                    let (keep, gone) = if keep_a { (a, b) } else { (b, a) };
                    for p in [&keep, &gone] {
                        if let Some(into) = p.merged_into {
                            return Err(StoreError::Rule {
                                code: "already_merged",
                                message: format!("person {} was already merged into {into}; review the pair with {into} instead, or undo that merge first", p.id),
                            });
                        }
                    }
                    if let Some(first) = persons_merged_into(conn, seal, gone.id).await?.first() {
                        return Err(StoreError::Rule {
                            code: "already_merged",
                            message: format!(
                                "person {} already has record {} merged into it; keep {} as the surviving record instead, or undo that merge first",
                                gone.id, first.id, gone.id
                            ),
                        });
                    }
                    let data = serde_json::json!({"merged_person": gone.id, "survivor": keep.id, "duplicate_id": id});
                    write_merge_state(conn, ws, &gone, Some(keep.id), EventKind::PersonMerged, &data, meta).await?;
                    write_merge_state(conn, ws, &keep, None, EventKind::PersonMerged, &data, meta).await?;
                    // The survivor is found by the merged record's names and documents too.
                    let own = WriteSet { terms: rows::terms_of(keep.operation_id, keep.id, &gone.details), ..Default::default() };
                    flush(conn, &own).await?;
                    let rec = write_duplicate(conn, ws, &current, DuplicateStatus::Merged, Some(keep.id), EventKind::PersonMerged, meta).await?;
                    Ok(Outcome::Duplicate(Box::new(rec)))
                }
                DuplicateCommand::Unmerge { id, expected_version, meta } => {
                    let current = load_duplicate(conn, id.as_uuid()).await?.ok_or_else(|| rows::not_found("proposed duplicate", id))?;
                    if current.version != *expected_version {
                        return Err(rows::conflict("proposed duplicate", id, *expected_version, current.version));
                    }
                    let (DuplicateStatus::Merged, Some(keep_id)) = (current.status, current.survivor) else {
                        return Err(StoreError::Rule { code: "duplicate_status", message: format!("this pair is {}, not merged: there is nothing to undo", current.status.as_str()) });
                    };
                    reason_required(meta, "undo a merge")?;
                    let gone_id = current.other(keep_id);
                    let keep = load_person(conn, seal, keep_id.as_uuid()).await?.ok_or_else(|| rows::not_found("person", keep_id))?;
                    let gone = load_person(conn, seal, gone_id.as_uuid()).await?.ok_or_else(|| rows::not_found("person", gone_id))?;
                    if gone.merged_into != Some(keep.id) {
                        return Err(StoreError::Corrupt(format!("person {} should lead to {} after this merge, but does not", gone.id, keep.id)));
                    }
                    let data = serde_json::json!({"merged_person": gone.id, "survivor": keep.id, "duplicate_id": id});
                    write_merge_state(conn, ws, &gone, None, EventKind::PersonUnmerged, &data, meta).await?;
                    write_merge_state(conn, ws, &keep, None, EventKind::PersonUnmerged, &data, meta).await?;
                    // Search terms the survivor carried only for the unmerged record go.
                    let mut still: std::collections::HashSet<(&'static str, String)> =
                        rows::terms_of(keep.operation_id, keep.id, &keep.details).into_iter().map(|t| (t.kind, t.term)).collect();
                    for other in persons_merged_into(conn, seal, keep.id).await? {
                        if other.id != gone.id {
                            still.extend(rows::terms_of(keep.operation_id, keep.id, &other.details).into_iter().map(|t| (t.kind, t.term)));
                        }
                    }
                    let drop: Vec<(&str, String)> =
                        rows::terms_of(keep.operation_id, keep.id, &gone.details).into_iter().map(|t| (t.kind, t.term)).filter(|t| !still.contains(t)).collect();
                    if !drop.is_empty() {
                        sqlx::query($SQL.delete_terms).bind(keep.id.as_uuid()).bind(json_text(&drop)).execute(&mut *conn).await?;
                    }
                    let rec = write_duplicate(conn, ws, &current, DuplicateStatus::Open, None, EventKind::PersonUnmerged, meta).await?;
                    Ok(Outcome::Duplicate(Box::new(rec)))
                }
            }
        }

        /// Checks `merged_into` of every person and the status of every pair against their histories.
        async fn verify_duplicates(
            pool: &$Pool,
            by_entity: &HashMap<(EntityKind, Uuid), Vec<Event>>,
            report: &mut crate::audit::AuditReport,
        ) -> Result<Option<crate::audit::AuditProblem>> {
            for r in sqlx::query($DSQL.all_merged).fetch_all(pool).await? {
                let id: Uuid = r.try_get(0)?;
                let stored: Option<Uuid> = r.try_get(1)?;
                let expected = by_entity.get(&(EntityKind::Person, id)).and_then(|h| {
                    h.iter().rev().find_map(|e| {
                        let merged = e.data.get("merged_person").and_then(|v| v.as_str()) == Some(id.to_string().as_str());
                        match e.kind {
                            EventKind::PersonMerged if merged => Some(e.data.get("survivor").and_then(|v| v.as_str()).and_then(|s| Uuid::parse_str(s).ok())),
                            EventKind::PersonUnmerged if merged => Some(None),
                            _ => None,
                        }
                    })
                });
                if expected.flatten() != stored {
                    return Ok(Some(crate::audit::AuditProblem {
                        kind: "record_altered",
                        seq: None,
                        detail: format!("person {id} leads to another record than its history records: it was changed outside Nansen"),
                    }));
                }
            }
            for r in sqlx::query($DSQL.all_status).fetch_all(pool).await? {
                let id: Uuid = r.try_get(0)?;
                let stored: String = r.try_get(1)?;
                report.records_replayed += 1;
                let expected = by_entity.get(&(EntityKind::Duplicate, id)).and_then(|h| h.iter().rev().find_map(|e| e.data.get("status").and_then(|s| s.as_str()).map(str::to_owned)));
                if expected.as_deref() != Some(stored.as_str()) {
                    return Ok(Some(crate::audit::AuditProblem {
                        kind: "record_altered",
                        seq: None,
                        detail: format!("proposed duplicate {id} differs from what its history records: it was changed outside Nansen"),
                    }));
                }
            }
            Ok(None)
        }

        impl $Store {
            async fn write_duplicate_cmd(&self, cmd: DuplicateCommand) -> Result<Outcome> {
                self.write(Command::Duplicates(Box::new(cmd))).await
            }
        }

        impl crate::duplicates_model::Duplicates for $Store {
            async fn queue_duplicates(&self, op: OperationId, pairs: Vec<NewDuplicate>, meta: Meta) -> Result<Vec<DuplicateRecord>> {
                let mut out = Vec::new();
                let mut it = pairs.into_iter().peekable();
                while it.peek().is_some() {
                    let chunk: Vec<_> = it.by_ref().take(MAX_QUEUE).map(|p| (DuplicateId::generate(), p)).collect();
                    match self.write_duplicate_cmd(DuplicateCommand::Queue { op, pairs: chunk, meta: meta.clone() }).await? {
                        Outcome::Duplicates(mut d) => out.append(&mut d),
                        _ => return Err(unexpected()),
                    }
                }
                Ok(out)
            }
            async fn decide_duplicate(&self, id: DuplicateId, expected_version: i64, decision: DuplicateDecision, meta: Meta) -> Result<DuplicateRecord> {
                match self.write_duplicate_cmd(DuplicateCommand::Decide { id, expected_version, decision, meta }).await? {
                    Outcome::Duplicate(d) => Ok(*d),
                    _ => Err(unexpected()),
                }
            }
            async fn merge_duplicate(&self, id: DuplicateId, expected_version: i64, survivor: Option<PersonId>, meta: Meta) -> Result<DuplicateRecord> {
                match self.write_duplicate_cmd(DuplicateCommand::Merge { id, expected_version, survivor, meta }).await? {
                    Outcome::Duplicate(d) => Ok(*d),
                    _ => Err(unexpected()),
                }
            }
            async fn unmerge_duplicate(&self, id: DuplicateId, expected_version: i64, meta: Meta) -> Result<DuplicateRecord> {
                match self.write_duplicate_cmd(DuplicateCommand::Unmerge { id, expected_version, meta }).await? {
                    Outcome::Duplicate(d) => Ok(*d),
                    _ => Err(unexpected()),
                }
            }
            async fn duplicate(&self, id: DuplicateId) -> Result<Option<DuplicateRecord>> {
                let mut conn = self.pool().acquire().await?;
                load_duplicate(&mut conn, id.as_uuid()).await
            }
            async fn duplicates(&self, op: OperationId, assigned_to: Option<uuid::Uuid>, status: Option<DuplicateStatus>, limit: u32, offset: u32) -> Result<Page<DuplicateRecord>> {
                let limit = limit.clamp(1, MAX_PAGE);
                let st = status.map(|s| s.as_str()).unwrap_or("");
                let total: i64 = sqlx::query_scalar($DSQL.count).bind(op.as_uuid()).bind(st).bind(assigned_to).fetch_one(self.pool()).await?;
                let found = sqlx::query($DSQL.page).bind(op.as_uuid()).bind(st).bind(i64::from(limit)).bind(i64::from(offset)).bind(assigned_to).fetch_all(self.pool()).await?;
                let items = found.iter().map(duplicate_from_row).collect::<Result<Vec<_>>>()?;
                Ok(Page { items, total, limit, offset })
            }
            async fn duplicates_of(&self, person: PersonId) -> Result<Vec<DuplicateRecord>> {
                let found = sqlx::query($DSQL.of_person).bind(person.as_uuid()).fetch_all(self.pool()).await?;
                found.iter().map(duplicate_from_row).collect()
            }
        }
    };
}
pub(crate) use duplicates_impl;
