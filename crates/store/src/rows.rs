//! Backend-independent write planning and row mapping: commands become rows (one JSON array per
//! table, inserted with one statement each), and rows read back become records.

use crate::model::*;
use crate::{Result, StoreError};
use chrono::{DateTime, SecondsFormat, Utc};
use nansen_domain::{
    event::diff, CaseNumber, EntityKind, Event, EventId, EventKind, HouseholdDetails, HouseholdId, Iso3, NewHousehold, Operation, OperationId,
    PersonDetails, PersonId, Relationship,
};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use uuid::Uuid;

/// A write request handed to the writer.
#[derive(Debug, Clone)]
pub(crate) enum Command {
    CreateOperation(Operation, Meta),
    /// A registration. `access`, when given, is the request's access-log entry: it is chained and
    /// written in the same transaction when the household is created (not when it was already
    /// registered under its key).
    Register { op: OperationId, household: NewHousehold, meta: Meta, household_id: HouseholdId, person_ids: Vec<PersonId>, case_random: u64, access: Option<crate::accounts::AccessEntry> },
    AddMember { household: HouseholdId, expected_version: i64, relationship: Relationship, person: PersonDetails, meta: Meta, person_id: PersonId },
    UpdatePerson { id: PersonId, expected_version: i64, details: PersonDetails, meta: Meta },
    UpdateHousehold { id: HouseholdId, expected_version: i64, details: HouseholdDetails, meta: Meta },
    /// A chunk of a bulk import. `prepared` holds each household's rows built, sealed and digested
    /// outside the writer (see [`Prepared`]); when absent (or after a case-number collision) the
    /// writer builds them from `households`.
    Import { op: OperationId, households: Vec<(NewHousehold, HouseholdId, Vec<PersonId>, u64)>, prepared: Option<Vec<Prepared>>, meta: Meta },
    Protection(Box<crate::exec_protection::ProtectionCommand>),
    Duplicates(Box<crate::exec_duplicates::DuplicateCommand>),
    Solutions(Box<crate::exec_solutions::SolutionCommand>),
    /// Access-log entries, chained and written with the batch they land in.
    Access(Vec<crate::accounts::AccessEntry>),
}

impl Command {
    /// The access-log entries this command writes when it produced `outcome`.
    pub(crate) fn access_entries(&self, outcome: &Outcome) -> &[crate::accounts::AccessEntry] {
        match (self, outcome) {
            (Command::Register { access: Some(e), .. }, Outcome::Registered(r)) if r.created => std::slice::from_ref(e),
            (Command::Access(entries), _) => entries,
            _ => &[],
        }
    }

    /// True when the batch holding this command may append to the access log.
    pub(crate) fn logs_access(&self) -> bool {
        matches!(self, Command::Register { access: Some(_), .. } | Command::Access(_))
    }

    /// Draws fresh randomness for the case numbers (after a collision).
    pub(crate) fn reroll_case_numbers(&mut self) {
        match self {
            Command::Register { case_random, .. } => *case_random = random_u64(),
            Command::Import { households, prepared, .. } => {
                households.iter_mut().for_each(|h| h.3 = random_u64());
                *prepared = None; // their case numbers were drawn with the old numbers
            }
            _ => {}
        }
    }
}

/// One household of a bulk import, its rows prepared outside the writer.
#[derive(Debug, Clone)]
pub(crate) struct Prepared {
    /// The registration key (a household already registered under it is skipped).
    pub key: Option<String>,
    /// Members.
    pub persons: usize,
    /// The rows: sealed, with their events' audit digests.
    pub rows: WriteSet,
}

/// Builds, seals and digests the rows of an import chunk (see [`Command::Import`]).
pub(crate) fn prepare_import(
    op: OperationId,
    country: nansen_domain::Iso3,
    households: &[(NewHousehold, HouseholdId, Vec<PersonId>, u64)],
    meta: &Meta,
    seal: &crate::seal::Sealer,
) -> Result<Vec<Prepared>> {
    households
        .iter()
        .map(|(h, hid, pids, rnd)| {
            let mut rows = WriteSet::default();
            imported_household(&mut rows, op, country, h, NewIds { household: *hid, persons: pids, case_random: *rnd }, meta);
            rows.prepare_audit(seal)?;
            Ok(Prepared { key: h.details.registration_key.as_ref().map(|k| k.to_string()), persons: h.members.len(), rows })
        })
        .collect()
}

/// What a command produced.
#[derive(Debug, Clone)]
pub(crate) enum Outcome {
    Operation(Operation),
    Registered(Registered),
    Person(PersonRecord),
    Household(HouseholdRecord),
    Imported(ImportReport),
    Claim(Box<crate::protection_model::ClaimRecord>),
    Assessment(Box<crate::protection_model::AssessmentRecord>),
    ProtectionRecord(Box<crate::protection_model::ProtectionView>),
    Removal(Box<crate::protection_model::RemovalView>),
    Jurisdiction(Box<crate::protection_model::JurisdictionView>),
    Recorded(Uuid),
    Duplicates(Vec<crate::duplicates_model::DuplicateRecord>),
    Duplicate(Box<crate::duplicates_model::DuplicateRecord>),
    Quota(Box<crate::solutions_model::QuotaRecord>),
    Submission(Box<crate::solutions_model::SubmissionRecord>),
    ReturnDeparture(Box<crate::solutions_model::ReturnDepartureRecord>),
    /// Access-log entries were written.
    Logged,
}

pub(crate) fn random_u64() -> u64 {
    // UUIDv4 draws from the OS random source; its low 64 bits are uniformly random.
    Uuid::new_v4().as_u64_pair().1
}

/// Canonical timestamp text (RFC 3339, microseconds, `Z`), sortable as text.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct HouseholdRow {
    pub id: Uuid,
    pub operation_id: Uuid,
    pub case_number: String,
    pub registration_key: Option<String>,
    pub version: i64,
    pub data: Box<RawValue>,
    pub at: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct PersonRow {
    pub id: Uuid,
    pub operation_id: Uuid,
    pub household_id: Uuid,
    pub relationship: &'static str,
    pub version: i64,
    pub full_name: String,
    pub data: Box<RawValue>,
    pub at: String,
    /// Already sealed (prepared outside the writer): [`WriteSet::seal`] leaves it alone.
    #[serde(skip)]
    pub sealed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TermRow {
    pub operation_id: Uuid,
    pub person_id: Uuid,
    pub kind: &'static str,
    pub term: String,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct EventRow {
    pub id: Uuid,
    pub operation_id: Uuid,
    pub entity_kind: &'static str,
    pub entity_id: Uuid,
    pub version: i64,
    pub actor: String,
    pub at: String,
    pub kind: &'static str,
    pub reason: Option<String>,
    pub data: Box<RawValue>,
    /// Already sealed (prepared outside the writer): [`WriteSet::seal`] leaves it alone.
    #[serde(skip)]
    pub sealed: bool,
    /// The digest of the stored data and reason for the audit chain, when computed before the
    /// writer chains it ([`WriteSet::prepare_audit`]).
    #[serde(skip)]
    pub digest: Option<String>,
}

/// One entry of the audit chain.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct AuditRow {
    pub seq: i64,
    pub event_id: Uuid,
    pub operation_id: Uuid,
    pub at: String,
    pub actor: String,
    pub action: &'static str,
    pub entity_kind: &'static str,
    pub entity_id: Uuid,
    pub version: i64,
    pub data_hash: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Rows to insert, merged across the commands of one batch.
#[derive(Debug, Default, Clone)]
pub(crate) struct WriteSet {
    pub households: Vec<HouseholdRow>,
    pub persons: Vec<PersonRow>,
    pub terms: Vec<TermRow>,
    pub events: Vec<EventRow>,
    pub audit: Vec<AuditRow>,
}

impl WriteSet {
    /// Seals the sensitive fields of the person rows and events (see [`crate::seal`]); values
    /// already sealed are left alone, so sealing twice is harmless.
    pub(crate) fn seal(&mut self, seal: &crate::seal::Sealer) -> Result<()> {
        if !seal.enabled() {
            return Ok(());
        }
        for p in self.persons.iter_mut().filter(|p| !p.sealed) {
            let mut v: Value = serde_json::from_str(p.data.get()).map_err(|e| corrupt("person data", e))?;
            seal.seal_person_data(&mut v, &p.id)?;
            p.data = to_raw(&v);
            p.sealed = true;
        }
        for e in self.events.iter_mut().filter(|e| !e.sealed) {
            e.sealed = true;
            e.digest = None;
            let mut v: Value = serde_json::from_str(e.data.get()).map_err(|e| corrupt("event data", e))?;
            seal.seal_event(&mut v, e.entity_kind, &e.id)?;
            e.data = to_raw(&v);
            if let Some(r) = &e.reason {
                if !r.contains("$sealed") {
                    e.reason = Some(seal.seal_reason(r, &e.id)?);
                }
            }
        }
        Ok(())
    }


    /// Seals the rows and computes their events' audit digests now, so that the writer only chains
    /// them: the costly part of sealing and chaining, done on another core for a bulk import while
    /// the writer commits the previous chunk.
    pub(crate) fn prepare_audit(&mut self, seal: &crate::seal::Sealer) -> Result<()> {
        self.seal(seal)?;
        if !seal.enabled() {
            self.persons.iter_mut().for_each(|p| p.sealed = true);
            self.events.iter_mut().for_each(|e| e.sealed = true);
        }
        for e in self.events.iter_mut().filter(|e| e.digest.is_none()) {
            let data: Value = serde_json::from_str(e.data.get()).unwrap_or(Value::Null);
            e.digest = Some(crate::audit::event_digest(&data, e.reason.as_deref()));
        }
        Ok(())
    }

    /// Moves `other`'s rows into this set.
    pub(crate) fn append(&mut self, mut other: WriteSet) {
        self.households.append(&mut other.households);
        self.persons.append(&mut other.persons);
        self.terms.append(&mut other.terms);
        self.events.append(&mut other.events);
        self.audit.append(&mut other.audit);
    }

    /// Chains one audit entry to every event, after `head` (seq, hash); returns the new head.
    pub(crate) fn chain_audit(&mut self, head: (i64, String)) -> (i64, String) {
        let (mut seq, mut prev) = head;
        for e in &self.events {
            seq += 1;
            let data_hash = match &e.digest {
                Some(d) => d.clone(),
                None => crate::audit::event_digest(&serde_json::from_str(e.data.get()).unwrap_or(Value::Null), e.reason.as_deref()),
            };
            let f = crate::audit::EntryFields {
                seq,
                event_id: e.id.to_string(),
                operation_id: e.operation_id.to_string(),
                at: e.at.clone(),
                actor: e.actor.clone(),
                action: e.kind.to_owned(),
                entity_kind: e.entity_kind.to_owned(),
                entity_id: e.entity_id.to_string(),
                version: e.version,
                data_hash,
                prev_hash: prev.clone(),
            };
            let hash = f.hash();
            self.audit.push(AuditRow {
                seq,
                event_id: e.id,
                operation_id: e.operation_id,
                at: f.at,
                actor: f.actor,
                action: e.kind,
                entity_kind: e.entity_kind,
                entity_id: e.entity_id,
                version: e.version,
                data_hash: f.data_hash,
                prev_hash: f.prev_hash,
                hash: hash.clone(),
            });
            prev = hash;
        }
        (seq, prev)
    }
}

pub(crate) fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Serialises once into JSON text that is then copied verbatim into rows and event payloads.
pub(crate) fn to_raw<T: Serialize + ?Sized>(v: &T) -> Box<RawValue> {
    serde_json::value::to_raw_value(v).unwrap_or_else(|_| RawValue::from_string("null".into()).unwrap_or_default())
}

/// The sort key of a person: folded Latin name, family name first.
pub(crate) fn sort_name(d: &PersonDetails) -> String {
    let family = d.family_name.as_ref().map(|f| f.as_str()).unwrap_or("");
    nansen_domain::fold::fold(&format!("{family} {}", d.given_name))
}

pub(crate) fn terms_of(op: OperationId, id: PersonId, d: &PersonDetails) -> Vec<TermRow> {
    let mut out: Vec<TermRow> = d
        .search_terms()
        .into_iter()
        .map(|term| TermRow { operation_id: op.as_uuid(), person_id: id.as_uuid(), kind: "name", term })
        .collect();
    for doc in &d.documents {
        let term = doc.number.as_str().to_owned();
        if !out.iter().any(|t| t.kind == "doc" && t.term == term) {
            out.push(TermRow { operation_id: op.as_uuid(), person_id: id.as_uuid(), kind: "doc", term });
        }
    }
    out
}

pub(crate) fn event_row(op: OperationId, kind: EntityKind, entity: Uuid, version: i64, ek: EventKind, meta: &Meta, data: Box<RawValue>) -> EventRow {
    EventRow {
        id: EventId::generate().as_uuid(),
        operation_id: op.as_uuid(),
        entity_kind: kind.as_str(),
        entity_id: entity,
        version,
        actor: meta.actor.to_string(),
        at: ts(meta.at),
        kind: ek.as_str(),
        reason: meta.reason.as_ref().map(|r| r.to_string()),
        data,
        sealed: false,
        digest: None,
    }
}

/// A new person's rows (record, search terms, `person_registered` event) and record.
pub(crate) fn new_person(
    ws: &mut WriteSet,
    op: OperationId,
    household: HouseholdId,
    id: PersonId,
    relationship: Relationship,
    details: PersonDetails,
    meta: &Meta,
) -> PersonRecord {
    let data = to_raw(&details);
    let payload = format!(r#"{{"household_id":"{household}","relationship":"{}","details":{}}}"#, relationship.code(), data.get());
    ws.events.push(event_row(
        op,
        EntityKind::Person,
        id.as_uuid(),
        1,
        EventKind::PersonRegistered,
        meta,
        RawValue::from_string(payload).unwrap_or_else(|_| to_raw(&Value::Null)),
    ));
    person_rows(ws, op, household, id, relationship, &details, data, meta);
    PersonRecord { id, operation_id: op, household_id: household, relationship, version: 1, details, created_at: meta.at, updated_at: meta.at, merged_into: None }
}

/// A new person's record and search terms, without an event of its own.
#[allow(clippy::too_many_arguments)]
fn person_rows(
    ws: &mut WriteSet,
    op: OperationId,
    household: HouseholdId,
    id: PersonId,
    relationship: Relationship,
    details: &PersonDetails,
    data: Box<RawValue>,
    meta: &Meta,
) {
    ws.terms.extend(terms_of(op, id, details));
    ws.persons.push(PersonRow {
        id: id.as_uuid(),
        operation_id: op.as_uuid(),
        household_id: household.as_uuid(),
        relationship: relationship.code(),
        version: 1,
        full_name: sort_name(details),
        data,
        at: ts(meta.at),
        sealed: false,
    });
}

/// Identifiers and randomness drawn for a new household before it reaches the writer.
pub(crate) struct NewIds<'a> {
    pub household: HouseholdId,
    pub persons: &'a [PersonId],
    pub case_random: u64,
}

/// A new household's rows and the view that will be read back after commit.
pub(crate) fn new_household(ws: &mut WriteSet, op: OperationId, country: Iso3, hh: &NewHousehold, ids: NewIds<'_>, meta: &Meta) -> HouseholdView {
    let NewIds { household: household_id, persons: person_ids, case_random } = ids;
    use chrono::Datelike;
    let case_number = CaseNumber::generate(country, meta.at.year(), case_random);
    let data = to_raw(&hh.details);
    let mut members = Vec::with_capacity(hh.members.len());
    for (i, (rel, p)) in hh.members.iter().enumerate() {
        let pid = person_ids.get(i).copied().unwrap_or_else(PersonId::generate);
        members.push(new_person(ws, op, household_id, pid, *rel, p.clone(), meta));
    }
    let payload = to_raw(&json!({"case_number": case_number, "details": &data, "members": members.iter().map(|m| json!({"person_id": m.id, "relationship": m.relationship})).collect::<Vec<_>>()}));
    household_rows(ws, op, household_id, &case_number, hh, data, payload, meta);
    HouseholdView {
        household: HouseholdRecord {
            id: household_id,
            operation_id: op,
            case_number,
            version: 1,
            details: hh.details.clone(),
            created_at: meta.at,
            updated_at: meta.at,
        },
        members,
    }
}

/// A household of a bulk import: its record, its members' records and search terms, and one
/// `household_registered` event (with one audit entry) that carries every member's registration
/// (`members[i]`: `person_id`, `relationship`, `details`), instead of one `person_registered` event
/// per member. Reads present each member's part of it as that person's `person_registered`
/// ([`registrations_in`]), so a person's history, statistics and the audit replay see the same
/// registration either way.
pub(crate) fn imported_household(ws: &mut WriteSet, op: OperationId, country: Iso3, hh: &NewHousehold, ids: NewIds<'_>, meta: &Meta) {
    let NewIds { household: household_id, persons: person_ids, case_random } = ids;
    use chrono::Datelike;
    use std::fmt::Write;
    let case_number = CaseNumber::generate(country, meta.at.year(), case_random);
    let data = to_raw(&hh.details);
    // The event's data, written as text in the shape `json!` would give (keys sorted as serde_json's map sorts them).
    let mut members = String::with_capacity(512 * hh.members.len());
    for (i, (rel, p)) in hh.members.iter().enumerate() {
        let pid = person_ids.get(i).copied().unwrap_or_else(PersonId::generate);
        let pdata = to_raw(p);
        if i > 0 {
            members.push(',');
        }
        let _ = write!(members, r#"{{"details":{},"person_id":"{pid}","relationship":"{}"}}"#, pdata.get(), rel.code());
        person_rows(ws, op, household_id, pid, *rel, p, pdata, meta);
    }
    let payload = format!(r#"{{"case_number":"{case_number}","details":{},"members":[{members}]}}"#, data.get());
    let payload = RawValue::from_string(payload).unwrap_or_else(|_| to_raw(&Value::Null));
    household_rows(ws, op, household_id, &case_number, hh, data, payload, meta);
}

/// A new household's record and its `household_registered` event (`payload`: the event's data).
#[allow(clippy::too_many_arguments)]
fn household_rows(
    ws: &mut WriteSet,
    op: OperationId,
    household_id: HouseholdId,
    case_number: &CaseNumber,
    hh: &NewHousehold,
    data: Box<RawValue>,
    payload: Box<RawValue>,
    meta: &Meta,
) {
    ws.events.push(event_row(op, EntityKind::Household, household_id.as_uuid(), 1, EventKind::HouseholdRegistered, meta, payload));
    ws.households.push(HouseholdRow {
        id: household_id.as_uuid(),
        operation_id: op.as_uuid(),
        case_number: case_number.to_string(),
        registration_key: hh.details.registration_key.as_ref().map(|k| k.to_string()),
        version: 1,
        data,
        at: ts(meta.at),
    });
}

/// True when `e` is a household registration that carries its members' registrations (a bulk import's).
pub(crate) fn carries_registrations(e: &Event) -> bool {
    e.entity_kind == EntityKind::Household
        && e.kind == EventKind::HouseholdRegistered
        && e.data.get("members").and_then(Value::as_array).is_some_and(|m| m.iter().any(|x| x.get("details").is_some()))
}

/// Each member's registration carried by a household registration event (see
/// [`imported_household`]), as that person's `person_registered` event: version 1, the household
/// event's id, time, actor and reason, and the data a `person_registered` event holds
/// (`household_id`, `relationship`, `details`). Empty for any other event.
pub(crate) fn registrations_in(e: &Event) -> Vec<Event> {
    if !carries_registrations(e) {
        return Vec::new();
    }
    let members = e.data.get("members").and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    members
        .iter()
        .filter_map(|m| {
            let person = m.get("person_id").and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok())?;
            let details = m.get("details")?.clone();
            let relationship = m.get("relationship").cloned().unwrap_or(Value::Null);
            Some(Event {
                id: e.id,
                operation_id: e.operation_id,
                entity_kind: EntityKind::Person,
                entity_id: person,
                version: 1,
                actor: e.actor.clone(),
                at: e.at,
                kind: EventKind::PersonRegistered,
                reason: e.reason.clone(),
                data: json!({"household_id": e.entity_id, "relationship": relationship, "details": details}),
            })
        })
        .collect()
}

/// A household registration event as the household's own history shows it: its members named by
/// id and relationship (their details belong to their own histories).
pub(crate) fn without_member_details(mut e: Event) -> Event {
    if carries_registrations(&e) {
        if let Some(members) = e.data.get_mut("members").and_then(Value::as_array_mut) {
            for m in members.iter_mut().filter_map(Value::as_object_mut) {
                m.remove("details");
            }
        }
    }
    e
}

/// The event and new record for a person update; `None` when nothing changed.
pub(crate) fn person_update(current: &PersonRecord, details: PersonDetails, meta: &Meta) -> Option<(PersonRecord, EventRow)> {
    let changes = diff(&current.details, &details);
    if changes.is_empty() {
        return None;
    }
    let version = current.version + 1;
    let ev = event_row(current.operation_id, EntityKind::Person, current.id.as_uuid(), version, EventKind::PersonUpdated, meta, to_raw(&json!({ "changes": changes })));
    Some((PersonRecord { version, details, updated_at: meta.at, ..current.clone() }, ev))
}

/// The event and new record for a household update; `None` when nothing changed.
pub(crate) fn household_update(current: &HouseholdRecord, details: HouseholdDetails, meta: &Meta) -> Option<(HouseholdRecord, EventRow)> {
    let changes = diff(&current.details, &details);
    if changes.is_empty() {
        return None;
    }
    let version = current.version + 1;
    let ev = event_row(current.operation_id, EntityKind::Household, current.id.as_uuid(), version, EventKind::HouseholdUpdated, meta, to_raw(&json!({ "changes": changes })));
    Some((HouseholdRecord { version, details, updated_at: meta.at, ..current.clone() }, ev))
}

pub(crate) fn conflict(kind: &'static str, id: impl ToString, expected: i64, current: i64) -> StoreError {
    StoreError::Conflict { kind, id: id.to_string(), expected, current }
}

pub(crate) fn not_found(kind: &'static str, id: impl ToString) -> StoreError {
    StoreError::NotFound { kind, id: id.to_string() }
}

fn corrupt(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(format!("{what}: {e}"))
}

/// Reads a person row (`id, operation_id, household_id, relationship, version, data, created_at,
/// updated_at, merged_into`) from either backend.
pub(crate) fn person_from_row<'r, R>(row: &'r R, seal: &crate::seal::Sealer) -> Result<PersonRecord>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<Uuid>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    DateTime<Utc>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let rel: String = row.try_get(3)?;
    let data: String = row.try_get(5)?;
    let id: Uuid = row.try_get(0)?;
    Ok(PersonRecord {
        id: PersonId::from_uuid(id),
        operation_id: OperationId::from_uuid(row.try_get(1)?),
        household_id: HouseholdId::from_uuid(row.try_get(2)?),
        relationship: Relationship::parse(&rel).map_err(|e| corrupt("relationship", e))?,
        version: row.try_get(4)?,
        details: seal.open_json(&data, "persons", &id, "data", "person data")?,
        created_at: row.try_get(6)?,
        updated_at: row.try_get(7)?,
        merged_into: row.try_get::<Option<Uuid>, _>(8)?.map(PersonId::from_uuid),
    })
}

/// Reads a household row (`id, operation_id, case_number, version, data, created_at, updated_at`).
pub(crate) fn household_from_row<'r, R>(row: &'r R) -> Result<HouseholdRecord>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    DateTime<Utc>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let cn: String = row.try_get(2)?;
    let data: String = row.try_get(4)?;
    Ok(HouseholdRecord {
        id: HouseholdId::from_uuid(row.try_get(0)?),
        operation_id: OperationId::from_uuid(row.try_get(1)?),
        case_number: CaseNumber::parse(&cn).map_err(|e| corrupt("case number", e))?,
        version: row.try_get(3)?,
        details: serde_json::from_str(&data).map_err(|e| corrupt("household data", e))?,
        created_at: row.try_get(5)?,
        updated_at: row.try_get(6)?,
    })
}

/// Reads an event row (`id, operation_id, entity_kind, entity_id, version, actor, at, kind, reason, data`).
pub(crate) fn event_from_row<'r, R>(row: &'r R) -> Result<Event>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    DateTime<Utc>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let ek: String = row.try_get(2)?;
    let kind: String = row.try_get(7)?;
    let data: String = row.try_get(9)?;
    Ok(Event {
        id: EventId::from_uuid(row.try_get(0)?),
        operation_id: OperationId::from_uuid(row.try_get(1)?),
        entity_kind: EntityKind::parse(&ek).ok_or_else(|| corrupt("entity kind", &ek))?,
        entity_id: row.try_get(3)?,
        version: row.try_get(4)?,
        actor: row.try_get(5)?,
        at: row.try_get(6)?,
        kind: EventKind::parse(&kind).ok_or_else(|| corrupt("event kind", &kind))?,
        reason: row.try_get(8)?,
        data: serde_json::from_str(&data).map_err(|e| corrupt("event data", e))?,
    })
}

/// Reads an operation row (`id, code, name, country, authority`).
pub(crate) fn operation_from_row<'r, R>(row: &'r R) -> Result<Operation>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    String: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let code: String = row.try_get(1)?;
    let name: String = row.try_get(2)?;
    let country: String = row.try_get(3)?;
    let authority: String = row.try_get(4)?;
    Ok(Operation {
        id: OperationId::from_uuid(row.try_get(0)?),
        code: code.parse().map_err(|e| corrupt("operation code", e))?,
        name: name.parse().map_err(|e| corrupt("operation name", e))?,
        country: country.parse().map_err(|e| corrupt("operation country", e))?,
        authority: serde_json::from_value(Value::String(authority.clone())).map_err(|e| corrupt("authority", e))?,
    })
}

pub(crate) fn authority_text(op: &Operation) -> String {
    to_value(&op.authority).as_str().unwrap_or("state").to_owned()
}

/// The SQL condition and its text parameters for a search, with `$n` placeholders from `first`.
pub(crate) struct SearchSql {
    pub condition: String,
    pub params: Vec<SearchParam>,
}

pub(crate) enum SearchParam {
    Uuid(Uuid),
    Text(String),
}

/// The highest code point, so that `term < prefix || MAX` is a prefix match under byte order.
const MAX_CHAR: char = '\u{10FFFF}';

pub(crate) fn search_sql(q: &SearchQuery) -> SearchSql {
    let mut cond = vec!["1 = 1".to_string()];
    let mut params = Vec::new();
    let next = |params: &mut Vec<SearchParam>, p: SearchParam| {
        params.push(p);
        format!("${}", params.len())
    };
    if let Some(op) = q.operation {
        let ph = next(&mut params, SearchParam::Uuid(op.as_uuid()));
        cond.push(format!("p.operation_id = {ph}"));
    }
    if let Some(name) = &q.name {
        for tok in nansen_domain::fold::tokens(name).into_iter().take(8) {
            let lo = next(&mut params, SearchParam::Text(tok.clone()));
            let hi = next(&mut params, SearchParam::Text(format!("{tok}{MAX_CHAR}")));
            cond.push(format!("p.id IN (SELECT person_id FROM person_terms WHERE kind = 'name' AND term >= {lo} AND term < {hi})"));
        }
    }
    if let Some(doc) = &q.document_number {
        let norm = nansen_domain::person::DocumentNumber::parse(doc).map(|d| d.to_string()).unwrap_or_else(|_| doc.clone());
        let ph = next(&mut params, SearchParam::Text(norm));
        cond.push(format!("p.id IN (SELECT person_id FROM person_terms WHERE kind = 'doc' AND term = {ph})"));
    }
    if let Some(cn) = &q.case_number {
        let ph = next(&mut params, SearchParam::Text(cn.to_string()));
        // A member merged into a person of another household leads to that person.
        cond.push(format!(
            "(p.household_id IN (SELECT id FROM households WHERE case_number = {ph}) OR p.id IN (SELECT m.merged_into FROM persons m \
             WHERE m.merged_into IS NOT NULL AND m.household_id IN (SELECT id FROM households WHERE case_number = {ph})))"
        ));
    }
    if let Some(user) = q.assigned_to {
        let ph = next(&mut params, SearchParam::Uuid(user));
        cond.push(format!("p.household_id IN (SELECT household_id FROM case_assignments WHERE user_id = {ph} AND ended_at IS NULL)"));
    }
    // A merged record is found through its survivor, which carries its name and document terms.
    cond.push("p.merged_into IS NULL".to_string());
    SearchSql { condition: cond.join(" AND "), params }
}
