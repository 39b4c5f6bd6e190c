//! The duplicate check at registration and the review queue.
//!
//! The server keeps one [`nansen_matching::Index`] per operation, built from the registry the first
//! time the operation is checked (`nansen serve` builds them all at start, see [`Indexes::warm`]) and
//! updated after each successful write. A registration is checked *after* its commit, under the
//! operation's index lock, so that two registrations of one person at the same moment still find
//! each other; likely duplicates (score at or above the engine's threshold) are returned with the
//! registration and queued for review. An officer dismisses, confirms, merges or undoes a merge;
//! nothing is merged automatically.

use crate::auth::Principal;
use crate::api::{meta, not_found, operation_exists, parse_id, PersonDto};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::json::JsonBody;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use nansen_domain::{DuplicateId, HouseholdId, HouseholdInput, NewHousehold, OperationId, PersonDetails, PersonId, PersonInput, ValidationErrors};
use nansen_matching::{Index, Match, Record};
use nansen_store::{
    AnyStore, DuplicateDecision, DuplicateRecord, DuplicateStatus, Duplicates, HouseholdView, Meta, NewDuplicate, PersonRecord, Store, StoreError, MAX_PAGE,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;
use tokio::sync::OnceCell;
use utoipa::ToSchema;
use uuid::Uuid;

/// Routes of the duplicate check and the review queue.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/operations/{operation_id}/duplicate-check", post(check))
        .route("/api/v1/operations/{operation_id}/duplicates", get(list))
        .route("/api/v1/duplicates/{id}", get(get_duplicate))
        .route("/api/v1/duplicates/{id}/dismiss", post(dismiss))
        .route("/api/v1/duplicates/{id}/confirm", post(confirm))
        .route("/api/v1/duplicates/{id}/merge", post(merge))
        .route("/api/v1/duplicates/{id}/unmerge", post(unmerge))
}

type Shared = Arc<OnceCell<RwLock<Index>>>;

/// The matching indexes of the operations, one per operation, built on first use.
#[derive(Clone, Default)]
pub struct Indexes(Arc<Mutex<HashMap<OperationId, Shared>>>, Arc<Mutex<HashMap<OperationId, usize>>>);

/// An index's model is fitted again once the registry has grown to this many persons, and again each
/// time it has doubled since the last fit: a model fitted on a small or empty registry (the generic
/// fallback below a few hundred persons) would otherwise score a large one with a prior meant for a
/// handful of records and flood the review queue with namesakes.
pub const REFIT_FROM: usize = 1_000;

/// Once the index scores with a fitted model, the next refit waits until the registry has grown
/// this many times over (twice while it still scores with the generic model for tiny registries).
/// The model of a grown registry changes little from one doubling to the next, while each fit
/// costs seconds of one core (its u-probabilities alone compare 1.5 million random pairs at any
/// size); the name frequencies are kept current between fits by every insertion.
pub const REFIT_GROWTH_FITTED: usize = 4;

/// A refit fits the model on at most this many persons of the registry, drawn at random, which
/// bounds its time and memory for very large operations. A uniform sample of n of N records keeps
/// each pair with probability (n/N)², true duplicates and other pairs alike, so the prior (the
/// share of true duplicates among all pairs) is kept in expectation — but the duplicates left in
/// the sample fall as (n/N)², and EM needs a few hundred of them to learn what a match looks like.
/// Hence a large sample: every operation up to 200,000 persons is fitted whole, and one of 1M on a
/// fifth (a twenty-fifth of its duplicates). The name frequencies the model scores with still come
/// from the whole index ([`nansen_matching::Index::set_model`] keeps them).
pub const REFIT_SAMPLE: usize = 200_000;

/// A uniform random sample of `n` of `records` (all of them when there are no more than `n`).
pub fn sample(records: Vec<Record>, n: usize) -> Vec<Record> {
    if records.len() <= n {
        return records;
    }
    let mut keep = rand::seq::index::sample(&mut rand::rng(), records.len(), n).into_vec();
    keep.sort_unstable();
    let mut next = keep.into_iter().peekable();
    records
        .into_iter()
        .enumerate()
        .filter_map(|(i, r)| {
            (next.peek() == Some(&i)).then(|| {
                next.next();
                r
            })
        })
        .collect()
}

/// The one thread refits run on: a fit in the background takes one core at most, and the
/// registrations being served keep the other (the engine would otherwise spread the fit over every
/// core for its duration). The thread runs at the lowest scheduling priority ([`REFIT_NICE`]): a
/// refit uses the time the requests leave idle and yields the CPU to them at once, so that a
/// refit never slows a registration desk down; under sustained full load it waits, and scoring
/// goes on with the previous model meanwhile. `None` if the thread could not be started (the fit
/// then uses the engine's own threads).
fn refit_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new().num_threads(1).thread_name(|_| "nansen-refit".into()).start_handler(|_| lower_priority_of_this_thread()).build().ok()
    })
    .as_ref()
}

/// The nice value of the refit thread: the lowest priority the scheduler knows.
pub const REFIT_NICE: i32 = 19;

/// Gives the calling thread (only it: on Linux a thread has a nice value of its own) the priority
/// [`REFIT_NICE`]. Where that is not possible the thread keeps the normal priority.
fn lower_priority_of_this_thread() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::setpriority_process(Some(rustix::thread::gettid()), REFIT_NICE) {
        tracing::warn!(error = %e, "the refit thread keeps the normal priority: it could not be lowered");
    }
}

/// The most likely duplicates reported and queued per person, best first. A very common name with
/// little else known (500 "Ahmad Karimi" without a date of birth) would otherwise propose every
/// namesake; the best ten are what an officer can review.
pub const MAX_CANDIDATES: usize = 10;

fn best(index: &Index, r: &Record) -> Vec<Match> {
    let mut m = index.candidates(r);
    m.truncate(MAX_CANDIDATES);
    m
}

/// Households read per page while an index is built.
const BUILD_PAGE: u32 = 2_000;

/// The identifying record of a registered person, as the engine sees it.
fn record_of(p: &PersonRecord, address: Option<&str>) -> Record {
    Record::from_person(p.id.to_string(), &p.details, address)
}

/// Every person of an operation (merged records too: their names lead to the survivor), with the
/// ids of those registered at `exclude_at` set apart (for an import: the records just written).
async fn registry(store: &AnyStore, op: OperationId, exclude_at: Option<DateTime<Utc>>) -> Result<(Vec<Record>, Vec<(Record, HouseholdId)>), StoreError> {
    let (mut old, mut new) = (Vec::new(), Vec::new());
    let mut after = None;
    loop {
        let page = store.households_after(op, after, BUILD_PAGE).await?;
        let Some(last) = page.last() else { break };
        after = Some(last.household.id);
        for v in &page {
            let address = v.household.details.address.as_ref().map(|a| a.to_string());
            for m in &v.members {
                let r = record_of(m, address.as_deref());
                if exclude_at == Some(m.created_at) {
                    new.push((r, m.household_id));
                } else {
                    old.push(r);
                }
            }
        }
    }
    Ok((old, new))
}

impl Indexes {
    fn cell(&self, op: OperationId) -> Shared {
        let mut g = self.0.lock().unwrap_or_else(|p| p.into_inner());
        g.entry(op).or_default().clone()
    }

    /// The operation's index, built from the registry if this is its first use.
    async fn get(&self, store: &AnyStore, op: OperationId) -> Result<Shared, StoreError> {
        let cell = self.cell(op);
        cell.get_or_try_init(|| async {
            let started = Instant::now();
            let (records, _) = registry(store, op, None).await?;
            let n = records.len();
            let index = tokio::task::spawn_blocking(move || Index::build(records)).await.map_err(|e| StoreError::Invalid(format!("building the matching index failed: {e}")))?;
            self.1.lock().unwrap_or_else(|p| p.into_inner()).insert(op, n);
            tracing::info!(operation = %op, persons = n, millis = started.elapsed().as_millis() as u64, "duplicate-check index built");
            Ok::<_, StoreError>(RwLock::new(index))
        })
        .await?;
        Ok(cell)
    }

    /// Fits the operation's model again, in the background, when its index has grown to `len`
    /// persons and that is at least [`REFIT_FROM`] and twice the size of the last fit — four times
    /// once the index scores with a fitted model (`fitted`; see [`REFIT_GROWTH_FITTED`]). Scoring
    /// goes on with the old model until the new one is ready (the registry is read from the store,
    /// not under the index lock).
    fn refit_if_grown(&self, store: &AnyStore, op: OperationId, len: usize, fitted_now: bool) {
        {
            let mut fitted = self.1.lock().unwrap_or_else(|p| p.into_inner());
            let last = fitted.get(&op).copied().unwrap_or(0);
            let growth = if fitted_now { REFIT_GROWTH_FITTED } else { 2 };
            if len < REFIT_FROM.max(last.saturating_mul(growth)) {
                return;
            }
            fitted.insert(op, len); // one refit at a time: the next starts at `growth` times this size
        }
        let (store, cell) = (store.clone(), self.cell(op));
        tokio::spawn(async move {
            let started = Instant::now();
            let records = match registry(&store, op, None).await {
                Ok((records, _)) => records,
                Err(e) => return tracing::warn!(operation = %op, error = %e, "refitting the matching model: the registry could not be read"),
            };
            let n = records.len();
            let fit = tokio::task::spawn_blocking(move || match refit_pool() {
                Some(pool) => pool.install(|| Index::fit(sample(records, REFIT_SAMPLE))),
                None => Index::fit(sample(records, REFIT_SAMPLE)),
            });
            let Ok(model) = fit.await else { return };
            if let Some(lock) = cell.get() {
                lock.write().unwrap_or_else(|p| p.into_inner()).set_model(model);
            }
            tracing::info!(operation = %op, persons = n, sample = n.min(REFIT_SAMPLE), millis = started.elapsed().as_millis() as u64, "duplicate-check model fitted again on the grown registry");
        });
    }

    /// The model the operation's index scores with, once the index is built.
    pub fn model(&self, op: OperationId) -> Option<nansen_matching::Model> {
        self.cell(op).get().map(|lock| lock.read().unwrap_or_else(|p| p.into_inner()).model().clone())
    }

    /// Builds the index of every operation now (at start-up), so that the first registration does
    /// not wait for it. Returns (operation, persons, seconds) per operation.
    pub async fn warm(&self, store: &AnyStore) -> Result<Vec<(OperationId, usize, f64)>, StoreError> {
        let mut out = Vec::new();
        for op in store.operations().await? {
            let started = Instant::now();
            let cell = self.get(store, op.id).await?;
            let n = cell.get().map(|i| i.read().map(|i| i.len()).unwrap_or(0)).unwrap_or(0);
            out.push((op.id, n, started.elapsed().as_secs_f64()));
        }
        Ok(out)
    }
}

/// One field's contribution to a match.
#[derive(Debug, Serialize, ToSchema)]
pub struct FieldContributionDto {
    /// `given_name`, `surname`, `date_of_birth`, `sex`, `place_of_birth`, `citizenship`, `document_number` or `address`.
    pub field: String,
    /// The agreement level in words (`exact`, `same phonetic key`, `missing`, …).
    pub level: String,
    /// log2 Bayes factor: positive for evidence of one person, negative against.
    pub weight: f64,
}

fn contributions(m: &Match) -> Vec<FieldContributionDto> {
    m.explanation
        .iter()
        .map(|c| FieldContributionDto {
            field: serde_json::to_value(c.field).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            level: c.level.clone(),
            weight: c.weight,
        })
        .collect()
}

/// A likely duplicate of a submitted person among registered persons.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateMatchDto {
    /// Which submitted person (0 for a single person; the member's position in a household).
    pub member: usize,
    /// The submitted person's new identifier, once registered (absent for a check before saving).
    pub person_id: Option<Uuid>,
    /// The registered person it may be.
    pub candidate_id: Uuid,
    /// That person's case number.
    pub case_number: String,
    /// That person's name (given and family name).
    pub name: String,
    /// Match probability in [0, 1].
    pub score: f64,
    /// Total match weight (log2 odds): the prior weight plus the fields' weights.
    pub weight: f64,
    /// The weight before any field is compared.
    pub prior_weight: f64,
    /// Each field's contribution: why the two are proposed.
    pub explanation: Vec<FieldContributionDto>,
    /// The review-queue entry, once queued.
    pub duplicate_id: Option<Uuid>,
}

fn display_name(d: &PersonDetails) -> String {
    match &d.family_name {
        Some(f) => format!("{} {}", d.given_name.as_str(), f.as_str()),
        None => d.given_name.as_str().to_owned(),
    }
}

/// The registered person a match names, following a merge to the surviving record.
async fn resolve(store: &AnyStore, id: &str) -> Result<Option<(PersonRecord, String)>, StoreError> {
    let Ok(pid) = id.parse::<PersonId>() else { return Ok(None) };
    let Some(mut p) = store.person(pid).await? else { return Ok(None) };
    for _ in 0..4 {
        let Some(into) = p.merged_into else { break };
        match store.person(into).await? {
            Some(s) => p = s,
            None => break,
        }
    }
    let case = store.household(p.household_id).await?.map(|h| h.household.case_number.to_string()).unwrap_or_default();
    Ok(Some((p, case)))
}

/// Matches of each submitted member (index, new id if any, matches) turned into answers, best first,
/// one per registered person, never a member of `own_household`.
async fn describe(store: &AnyStore, found: Vec<(usize, Option<PersonId>, Vec<Match>)>, skip: &[PersonId]) -> Result<Vec<DuplicateMatchDto>, StoreError> {
    let mut out: Vec<DuplicateMatchDto> = Vec::new();
    for (member, person_id, matches) in found {
        for m in matches {
            let Some((p, case_number)) = resolve(store, &m.other_id).await? else { continue };
            if skip.contains(&p.id) || Some(p.id) == person_id {
                continue;
            }
            if out.iter().any(|d| d.member == member && d.candidate_id == p.id.as_uuid()) {
                continue; // best first: an earlier version of the record, or a merged record, scored higher
            }
            out.push(DuplicateMatchDto {
                member,
                person_id: person_id.map(|p| p.as_uuid()),
                candidate_id: p.id.as_uuid(),
                case_number,
                name: display_name(&p.details),
                score: m.score,
                weight: m.weight,
                prior_weight: m.prior_weight,
                explanation: contributions(&m),
                duplicate_id: None,
            });
        }
    }
    Ok(out)
}

fn explanation_json(d: &DuplicateMatchDto) -> serde_json::Value {
    serde_json::json!({"weight": d.weight, "prior_weight": d.prior_weight, "fields": d.explanation})
}

/// Queues `found` for review; fills in `duplicate_id` of those queued. A failure to queue is
/// logged and leaves the registration as it was (it is already committed).
async fn queue(store: &AnyStore, op: OperationId, found: &mut [DuplicateMatchDto], found_by: &str, meta: &Meta) -> usize {
    let pairs: Vec<NewDuplicate> = found
        .iter()
        .filter_map(|d| {
            Some(NewDuplicate {
                person: PersonId::from_uuid(d.person_id?),
                other: PersonId::from_uuid(d.candidate_id),
                score: d.score,
                explanation: explanation_json(d),
                found_by: found_by.to_owned(),
            })
        })
        .collect();
    if pairs.is_empty() {
        return 0;
    }
    match store.queue_duplicates(op, pairs, meta.clone()).await {
        Ok(queued) => {
            for d in found.iter_mut() {
                let (Some(p), c) = (d.person_id, d.candidate_id) else { continue };
                d.duplicate_id = queued.iter().find(|q| [q.person_a.as_uuid(), q.person_b.as_uuid()] == if p < c { [p, c] } else { [c, p] }).map(|q| q.id.as_uuid());
            }
            queued.len()
        }
        Err(e) => {
            tracing::error!(error = %e, operation = %op, "likely duplicates were found but could not be queued for review");
            0
        }
    }
}

/// The matches `pr` may see: candidates in their scope (operations, assigned cases), never a citizen
/// of the State they act for. The others stay in the review queue for those who may see them.
async fn visible_to(s: &AppState, pr: &Principal, found: Vec<DuplicateMatchDto>) -> ApiResult<Vec<DuplicateMatchDto>> {
    let mut out = Vec::with_capacity(found.len());
    for d in found {
        if s.store.person(PersonId::from_uuid(d.candidate_id)).await?.is_some_and(|x| pr.may_see(&x)) {
            out.push(d);
        }
    }
    Ok(out)
}

/// After a household (or a member) was registered: checks each new person against the registry,
/// adds them to the index, and queues the likely duplicates. Returns those `pr` may see.
pub(crate) async fn after_registration(s: &AppState, pr: &Principal, op: OperationId, view: &HouseholdView, new: &[PersonId], meta: &Meta) -> ApiResult<Vec<DuplicateMatchDto>> {
    let cell = s.duplicates.get(&s.store, op).await?;
    let address = view.household.details.address.as_ref().map(|a| a.to_string());
    let records: Vec<(usize, PersonId, Record)> =
        view.members.iter().enumerate().filter(|(_, m)| new.contains(&m.id)).map(|(i, m)| (i, m.id, record_of(m, address.as_deref()))).collect();
    if records.is_empty() || cell.get().is_none() {
        return Ok(Vec::new());
    }
    // The check and the insertion hold the index's write lock: on a blocking thread, so that the
    // runtime's workers go on serving other requests while one waits for the lock.
    let (indexes, store) = (s.duplicates.clone(), s.store.clone());
    let found = tokio::task::spawn_blocking(move || {
        let Some(lock) = cell.get() else { return Vec::new() };
        let mut index = lock.write().unwrap_or_else(|p| p.into_inner());
        let found: Vec<_> = records.iter().map(|(i, id, r)| (*i, Some(*id), best(&index, r))).collect();
        for (_, _, r) in records {
            index.insert(r);
        }
        let fitted = index.model().iterations > 0;
        indexes.refit_if_grown(&store, op, index.len(), fitted);
        found
    })
    .await
    .map_err(|e| ApiError::Store(StoreError::Corrupt(format!("the duplicate check failed after the registration was committed: {e}"))))?;
    let own: Vec<PersonId> = view.members.iter().map(|m| m.id).collect();
    let mut found = describe(&s.store, found, &own).await?;
    queue(&s.store, op, &mut found, "registration", meta).await;
    visible_to(s, pr, found).await
}

/// After a person's biodata changed: the index learns the new version (the old one stays until the
/// index is rebuilt; matches are reported once per person).
pub(crate) async fn after_update(s: &AppState, p: &PersonRecord) {
    let address = match s.store.household(p.household_id).await {
        Ok(Some(h)) => h.household.details.address.map(|a| a.to_string()),
        _ => None,
    };
    if let Ok(cell) = s.duplicates.get(&s.store, p.operation_id).await {
        if let Some(lock) = cell.get() {
            lock.write().unwrap_or_else(|e| e.into_inner()).insert(record_of(p, address.as_deref()));
        }
    }
}

/// A registration's answer: the household and the likely duplicates found among registered persons.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredDto {
    /// The household with its members.
    #[serde(flatten)]
    pub household: crate::api::HouseholdDto,
    /// Likely duplicates of the new members (score at or above the engine's threshold), queued for review.
    pub duplicates: Vec<DuplicateMatchDto>,
}

/// What to check before saving: one person, or a whole household.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DuplicateCheckRequest {
    /// One person.
    pub person: Option<PersonInput>,
    /// A household (each member is checked).
    pub household: Option<HouseholdInput>,
}

/// The likely duplicates of what was checked. Nothing was saved or queued.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateCheckDto {
    /// Registered persons each submitted person may be, best first.
    pub duplicates: Vec<DuplicateMatchDto>,
    /// Persons in the operation's index.
    pub registry_size: usize,
}

#[utoipa::path(post, path = "/api/v1/operations/{operation_id}/duplicate-check", tag = "duplicates", request_body = DuplicateCheckRequest,
    params(("operation_id" = Uuid, Path, description = "Operation")),
    responses((status = 200, body = DuplicateCheckDto), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check(State(s): State<AppState>, pr: Principal, Path(op): Path<String>, JsonBody(req): JsonBody<DuplicateCheckRequest>) -> ApiResult<Json<DuplicateCheckDto>> {
    let today = s.now().date_naive();
    let (members, address): (Vec<PersonDetails>, Option<String>) = match (req.person, req.household) {
        (Some(p), None) => (vec![PersonDetails::parse(&p, today).map_err(|e| prefixed("person", e))?], None),
        (None, Some(h)) => {
            let hh = NewHousehold::parse(&h, today).map_err(|e| prefixed("household", e))?;
            let address = hh.details.address.as_ref().map(|a| a.to_string());
            (hh.members.into_iter().map(|m| m.1).collect(), address)
        }
        _ => return Err(ApiError::field("person", "one_of", "send either a person or a household to check, not both and not neither")),
    };
    let op = operation_exists(&s, &pr, &op).await?;
    let (found, registry_size) = check_members(&s, op, &members, address.as_deref()).await?;
    Ok(Json(DuplicateCheckDto { duplicates: visible_to(&s, &pr, found).await?, registry_size }))
}

/// The check before saving (the API's duplicate check and the registration page): the likely
/// duplicates of each submitted person (`member` is its position in `members`) among the persons
/// registered in `op`, best first, and the size of the operation's index. Nothing is saved or queued.
pub(crate) async fn check_members(s: &AppState, op: OperationId, members: &[PersonDetails], address: Option<&str>) -> ApiResult<(Vec<DuplicateMatchDto>, usize)> {
    let cell = s.duplicates.get(&s.store, op).await?;
    let (found, registry_size) = {
        let Some(lock) = cell.get() else { return Ok((Vec::new(), 0)) };
        let index = lock.read().unwrap_or_else(|p| p.into_inner());
        let found: Vec<_> = members.iter().enumerate().map(|(i, d)| (i, None, best(&index, &Record::from_person(format!("submitted-{i}"), d, address)))).collect();
        (found, index.len())
    };
    Ok((describe(&s.store, found, &[]).await?, registry_size))
}

fn prefixed(prefix: &str, e: ValidationErrors) -> ApiError {
    let mut p = ValidationErrors::new();
    p.extend_prefixed(prefix, e);
    p.into()
}

/// A proposed duplicate in the review queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateDto {
    /// Identifier.
    pub id: Uuid,
    /// Operation.
    pub operation_id: Uuid,
    /// One person of the pair.
    pub person_a: Uuid,
    /// The other.
    pub person_b: Uuid,
    /// Version to send back with a decision.
    pub version: i64,
    /// Match probability in [0, 1] when proposed.
    pub score: f64,
    /// The engine's explanation: `weight`, `prior_weight` and each field's `level` and `weight`.
    #[schema(value_type = Object)]
    pub explanation: serde_json::Value,
    /// What found it: `registration`, `import`.
    pub found_by: String,
    /// `open`, `dismissed`, `confirmed` or `merged`.
    pub status: String,
    /// When merged: the surviving record.
    pub survivor: Option<Uuid>,
    /// Who took the last decision.
    pub decided_by: Option<String>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
    /// Why.
    pub decision_reason: Option<String>,
    /// Proposed at.
    pub created_at: DateTime<Utc>,
    /// Last changed at.
    pub updated_at: DateTime<Utc>,
}

impl From<&DuplicateRecord> for DuplicateDto {
    fn from(d: &DuplicateRecord) -> Self {
        Self {
            id: d.id.as_uuid(),
            operation_id: d.operation_id.as_uuid(),
            person_a: d.person_a.as_uuid(),
            person_b: d.person_b.as_uuid(),
            version: d.version,
            score: d.score,
            explanation: d.explanation.clone(),
            found_by: d.found_by.clone(),
            status: d.status.as_str().to_owned(),
            survivor: d.survivor.map(|p| p.as_uuid()),
            decided_by: d.decided_by.clone(),
            decided_at: d.decided_at,
            decision_reason: d.decision_reason.clone(),
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// One page of the review queue.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicatePage {
    /// The pairs on this page, best score first.
    pub items: Vec<DuplicateDto>,
    /// All pairs matching.
    pub total: i64,
    /// Page size.
    pub limit: u32,
    /// Offset.
    pub offset: u32,
}

/// Queue parameters.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
pub struct QueueParams {
    /// `open` (the review queue), `dismissed`, `confirmed` or `merged`; all when absent.
    pub status: Option<String>,
    /// Page size, 1–200 (default 50).
    pub limit: Option<String>,
    /// Rows to skip (default 0).
    pub offset: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/operations/{operation_id}/duplicates", tag = "duplicates",
    params(("operation_id" = Uuid, Path, description = "Operation"), QueueParams),
    responses((status = 200, body = DuplicatePage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list(State(s): State<AppState>, pr: Principal, Path(op): Path<String>, Query(p): Query<QueueParams>) -> ApiResult<Json<DuplicatePage>> {
    let bad = |field: &str, message: String| ApiError::BadQuery { field: field.into(), message };
    let status = match p.status.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(t) => Some(DuplicateStatus::parse(t).ok_or_else(|| bad("status", "status must be open, dismissed, confirmed or merged".into()))?),
    };
    let num = |field: &str, v: &Option<String>, default: u32, max: u32| -> ApiResult<u32> {
        match v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            None => Ok(default),
            Some(t) => t.parse::<u32>().ok().filter(|n| *n <= max).ok_or_else(|| bad(field, format!("{field} must be a whole number from 0 to {max}"))),
        }
    };
    let limit = num("limit", &p.limit, 50, MAX_PAGE)?.max(1);
    let offset = num("offset", &p.offset, 0, 1_000_000)?;
    let op = operation_exists(&s, &pr, &op).await?;
    let page = s.store.duplicates(op, pr.assigned_to(), status, limit, offset).await?;
    Ok(Json(DuplicatePage { items: page.items.iter().map(DuplicateDto::from).collect(), total: page.total, limit: page.limit, offset: page.offset }))
}

/// One side of a pair under review.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateSideDto {
    /// The person's household case number.
    pub case_number: String,
    /// The person, as stored (with `merged_into` when merged).
    pub person: PersonDto,
}

/// A pair under review, side by side, with the engine's explanation.
#[derive(Debug, Serialize, ToSchema)]
pub struct DuplicateViewDto {
    /// The pair.
    pub duplicate: DuplicateDto,
    /// Person A and person B.
    pub persons: Vec<DuplicateSideDto>,
}

/// Both persons of a pair with their case numbers, as `pr` may see them: a person of the State the
/// user acts for makes the whole pair the same 404 as a missing one.
pub(crate) async fn pair_persons(s: &AppState, pr: &Principal, d: &DuplicateRecord) -> ApiResult<[(PersonRecord, String); 2]> {
    let side = |id: PersonId| async move {
        let p = s.store.person(id).await?.ok_or_else(|| not_found("person", &id.to_string()))?;
        pr.disclosure(&p.details.citizenship, "proposed duplicate", &d.id.to_string())?;
        let case_number = s.store.household(p.household_id).await?.map(|h| h.household.case_number.to_string()).unwrap_or_default();
        Ok::<_, ApiError>((p, case_number))
    };
    Ok([side(d.person_a).await?, side(d.person_b).await?])
}

async fn view(s: &AppState, pr: &Principal, d: &DuplicateRecord) -> ApiResult<DuplicateViewDto> {
    let persons = pair_persons(s, pr, d).await?.iter().map(|(p, case_number)| DuplicateSideDto { case_number: case_number.clone(), person: PersonDto::view(p, pr) }).collect();
    Ok(DuplicateViewDto { duplicate: DuplicateDto::from(d), persons })
}

/// A proposed duplicate the user may see: in one of their operations (else the same 404 as a
/// missing one).
pub(crate) async fn load_duplicate(s: &AppState, pr: &Principal, id: &str) -> ApiResult<DuplicateRecord> {
    let did: DuplicateId = parse_id("proposed duplicate", id)?;
    let d = s.store.duplicate(did).await?.ok_or_else(|| not_found("proposed duplicate", id))?;
    pr.scope(d.operation_id, "proposed duplicate", id)?;
    crate::api::scope_persons(s, pr, vec![d.person_a, d.person_b], "proposed duplicate", id).await?;
    Ok(d)
}

#[utoipa::path(get, path = "/api/v1/duplicates/{id}", tag = "duplicates", params(("id" = Uuid, Path, description = "Proposed duplicate")),
    responses((status = 200, body = DuplicateViewDto), (status = 404, body = ErrorBody)))]
async fn get_duplicate(State(s): State<AppState>, pr: Principal, Path(id): Path<String>) -> ApiResult<Json<DuplicateViewDto>> {
    let d = load_duplicate(&s, &pr, &id).await?;
    Ok(Json(view(&s, &pr, &d).await?))
}

/// An officer's decision on a pair.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionRequest {
    /// The version the decision was based on (from GET).
    pub version: i64,
    /// Why (required; kept in the history of the pair and, for a merge, of both persons).
    pub reason: String,
    /// Merge only: the record that survives (person_a or person_b); the one registered first when absent.
    pub survivor: Option<Uuid>,
}

/// What an officer does with a pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// Two different people.
    Dismiss,
    /// One person registered twice.
    Confirm,
    /// The other record leads to the survivor.
    Merge,
    /// Undo a merge.
    Unmerge,
}

/// Takes an officer's decision on a pair (the API's and the review page's one path): the pair must
/// be in the user's operations, the reason is required, and the decision is based on `version`.
pub(crate) async fn decide_on(s: &AppState, pr: &Principal, id: &str, version: i64, reason: &str, survivor: Option<PersonId>, step: Step) -> ApiResult<DuplicateRecord> {
    let current = load_duplicate(s, pr, id).await?;
    pair_persons(s, pr, &current).await?;
    if reason.trim().is_empty() {
        return Err(ApiError::field("reason", "reason_required", "say why: the reason is kept in the history"));
    }
    if survivor.is_some() && step != Step::Merge {
        return Err(ApiError::field("survivor", "not_allowed", "name a surviving record only when merging"));
    }
    let m = meta(s, pr, Some(reason))?;
    Ok(match step {
        Step::Dismiss => s.store.decide_duplicate(current.id, version, DuplicateDecision::Dismiss, m).await?,
        Step::Confirm => s.store.decide_duplicate(current.id, version, DuplicateDecision::Confirm, m).await?,
        Step::Merge => s.store.merge_duplicate(current.id, version, survivor, m).await?,
        Step::Unmerge => s.store.unmerge_duplicate(current.id, version, m).await?,
    })
}

async fn decide(s: AppState, id: String, pr: Principal, req: DecisionRequest, step: Step) -> ApiResult<Json<DuplicateViewDto>> {
    let d = decide_on(&s, &pr, &id, req.version, &req.reason, req.survivor.map(PersonId::from_uuid), step).await?;
    Ok(Json(view(&s, &pr, &d).await?))
}

#[utoipa::path(post, path = "/api/v1/duplicates/{id}/dismiss", tag = "duplicates", request_body = DecisionRequest, params(("id" = Uuid, Path, description = "Proposed duplicate")),
    responses((status = 200, description = "Dismissed: two different people", body = DuplicateViewDto), (status = 409, description = "Stale version", body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn dismiss(State(s): State<AppState>, Path(id): Path<String>, pr: Principal, JsonBody(req): JsonBody<DecisionRequest>) -> ApiResult<Json<DuplicateViewDto>> {
    decide(s, id, pr, req, Step::Dismiss).await
}

#[utoipa::path(post, path = "/api/v1/duplicates/{id}/confirm", tag = "duplicates", request_body = DecisionRequest, params(("id" = Uuid, Path, description = "Proposed duplicate")),
    responses((status = 200, description = "Confirmed: one person registered twice (not merged yet)", body = DuplicateViewDto), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn confirm(State(s): State<AppState>, Path(id): Path<String>, pr: Principal, JsonBody(req): JsonBody<DecisionRequest>) -> ApiResult<Json<DuplicateViewDto>> {
    decide(s, id, pr, req, Step::Confirm).await
}

#[utoipa::path(post, path = "/api/v1/duplicates/{id}/merge", tag = "duplicates", request_body = DecisionRequest, params(("id" = Uuid, Path, description = "Proposed duplicate")),
    responses((status = 200, description = "Merged: the other record leads to the survivor; both records and histories stay", body = DuplicateViewDto),
        (status = 409, body = ErrorBody), (status = 422, description = "Not confirmed, or a record already merged", body = ErrorBody)))]
async fn merge(State(s): State<AppState>, Path(id): Path<String>, pr: Principal, JsonBody(req): JsonBody<DecisionRequest>) -> ApiResult<Json<DuplicateViewDto>> {
    decide(s, id, pr, req, Step::Merge).await
}

#[utoipa::path(post, path = "/api/v1/duplicates/{id}/unmerge", tag = "duplicates", request_body = DecisionRequest, params(("id" = Uuid, Path, description = "Proposed duplicate")),
    responses((status = 200, description = "Merge undone: both records stand alone again and the pair is open for review", body = DuplicateViewDto),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn unmerge(State(s): State<AppState>, Path(id): Path<String>, pr: Principal, JsonBody(req): JsonBody<DecisionRequest>) -> ApiResult<Json<DuplicateViewDto>> {
    decide(s, id, pr, req, Step::Unmerge).await
}

/// What the duplicate check after an import found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportCheck {
    /// Persons in the registry before the import.
    pub registry: usize,
    /// Imported persons checked.
    pub checked: usize,
    /// Likely duplicates found (pairs), among the registry and the file itself.
    pub found: usize,
    /// Pairs newly queued for review.
    pub queued: usize,
}

/// After `nansen import`: checks every person written by the import (registered at `imported_at`)
/// against the registry and against the persons of the file before it, and queues the likely
/// duplicates for review.
pub async fn check_import(store: &AnyStore, op: OperationId, imported_at: DateTime<Utc>, meta: Meta) -> Result<ImportCheck, StoreError> {
    let (old, new) = registry(store, op, Some(imported_at)).await?;
    let mut report = ImportCheck { registry: old.len(), checked: new.len(), ..Default::default() };
    let pairs = tokio::task::spawn_blocking(move || {
        let household: HashMap<String, HouseholdId> = new.iter().map(|(r, h)| (r.id.clone(), *h)).collect();
        // The model is fitted on the whole operation, the imported records included, as a
        // deduplication of it would be: fitted on the registry alone it would be the generic
        // fallback whenever the registry is small or empty (a first import), whose prior suits a
        // handful of records, not a hundred thousand, and which floods the review queue.
        let mut index = Index::build_fitted_with(old, new.iter().map(|(r, _)| r.clone()));
        let mut pairs = Vec::new();
        for (r, h) in new {
            // Members of one household are not proposed as duplicates of each other.
            pairs.extend(index.candidates(&r).into_iter().filter(|m| household.get(&m.other_id) != Some(&h)).take(MAX_CANDIDATES).map(|m| (r.id.clone(), m)));
            index.insert(r);
        }
        pairs
    })
    .await
    .map_err(|e| StoreError::Invalid(format!("the duplicate check failed: {e}")))?;
    report.found = pairs.len();
    let pairs: Vec<NewDuplicate> = pairs
        .into_iter()
        .filter_map(|(id, m)| {
            Some(NewDuplicate {
                person: id.parse().ok()?,
                other: m.other_id.parse().ok()?,
                score: m.score,
                explanation: serde_json::json!({"weight": m.weight, "prior_weight": m.prior_weight, "fields": contributions(&m)}),
                found_by: "import".into(),
            })
        })
        .collect();
    report.queued = store.queue_duplicates(op, pairs, meta).await?.len();
    Ok(report)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn records(n: usize) -> Vec<Record> {
        (0..n).map(|i| Record { id: format!("p{i}"), ..Default::default() }).collect()
    }

    #[test]
    fn a_sample_holds_distinct_records_of_the_registry() {
        let s = sample(records(5_000), 2_000);
        assert_eq!(s.len(), 2_000);
        let ids: std::collections::HashSet<&str> = s.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids.len(), 2_000, "a record was drawn twice");
        assert!(ids.iter().all(|id| id[1..].parse::<usize>().unwrap() < 5_000));
        // spread over the whole registry, not its first records
        assert!(ids.iter().any(|id| id[1..].parse::<usize>().unwrap() >= 4_000));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn refits_run_at_the_lowest_priority_and_the_caller_keeps_its_own() {
        let this = rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap();
        let refit = refit_pool().expect("the refit thread starts").install(|| rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap());
        assert_eq!(refit, REFIT_NICE);
        assert_eq!(rustix::process::getpriority_process(Some(rustix::thread::gettid())).unwrap(), this, "only the refit thread is lowered");
        assert_ne!(this, REFIT_NICE, "the test itself must not run at the refit priority, or it proves nothing");
    }

    #[test]
    fn a_small_registry_is_fitted_whole() {
        let s = sample(records(300), 2_000);
        assert_eq!(s, records(300));
    }
}
