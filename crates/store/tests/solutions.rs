//! Durable solutions on both backends: resettlement quotas and submissions through their state
//! machine, departures recorded once per person, voluntary-return departures re-evaluated on the
//! day, every change in the history and the audit chain, and registry statistics that count the
//! departures without changing a past date's figures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Datelike, Duration, NaiveDate, Utc};
use nansen_domain::convention::guard::{evaluate_voluntary_repatriation, GuardContext, InformedConsent, RepatriationParticipant, VoluntarinessInterview, VoluntaryRepatriation};
use nansen_domain::convention::procedure::DerivativeStatus;
use nansen_domain::protection::{DerivativeRecord, ProtectionRecord};
use nansen_domain::solutions::{Departure, Quota, SubmissionAction, SubmissionStatus};
use nansen_domain::*;
use nansen_stats::history::RegistryHistory;
use nansen_stats::registry::{Category, Flow};
use nansen_store::testing::{raw, TestDb};
use nansen_store::*;

fn meta_at(days_ago: i64) -> Meta {
    let mut m = Meta::now(Actor::parse("resettlement.officer").unwrap());
    m.at -= Duration::days(days_ago);
    m
}

fn iso(s: &str) -> Iso3 {
    Iso3::parse(s).unwrap()
}

async fn operation(s: &AnyStore) -> OperationId {
    let op = Operation {
        id: OperationId::generate(),
        code: OperationCode::parse("JOR-AMM").unwrap(),
        name: ShortText::parse("Amman office").unwrap(),
        country: iso("JOR"),
        authority: DeterminingAuthority::UnhcrMandate,
    };
    s.create_operation(op, meta_at(40)).await.unwrap().id
}

/// A household of `n` Syrians registered 40 days ago; the first `refugees` hold derivative refugee status.
async fn household(s: &AnyStore, op: OperationId, n: usize, refugees: usize) -> Vec<PersonId> {
    let rels = ["PA", "SPS", "CHD", "CHD"];
    let input = HouseholdInput {
        registration_key: None,
        arrival_date: Some("2025-03-01".into()),
        address: None,
        members: (0..n)
            .map(|i| MemberInput {
                relationship: Some(rels[i].into()),
                person: PersonInput { given_name: Some(format!("Member{}", "a".repeat(i + 1))), sex: Some("F".into()), citizenship: Some("SYR".into()), ..Default::default() },
            })
            .collect(),
    };
    let r = s.register_household(op, NewHousehold::parse(&input, Utc::now().date_naive()).unwrap(), meta_at(40)).await.unwrap();
    let ids: Vec<PersonId> = r.view.members.iter().map(|m| m.id).collect();
    for p in &ids[..refugees] {
        let record = ProtectionRecord { derivative: Some(DerivativeRecord { principal: ids[0], claim: ClaimId::generate(), status: DerivativeStatus::DerivativeRefugee }), ..Default::default() };
        s.update_protection(*p, 0, record, meta_at(35)).await.unwrap();
    }
    ids
}

fn rule(e: StoreError) -> (&'static str, String) {
    match e {
        StoreError::Rule { code, message } => (code, message),
        other => panic!("expected a refusal by a rule, got {other:?}"),
    }
}

async fn history(s: &AnyStore, op: OperationId) -> RegistryHistory {
    let mut h = RegistryHistory::new();
    s.stream_statistical_events(op, |e| h.push(e), &|_| {}).await.unwrap();
    assert_eq!(h.report().unreadable, 0, "{:?}", h.report().problems);
    h
}

async fn resettlement_against_a_yearly_quota(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let fam = household(&s, op, 3, 3).await;
    let single = household(&s, op, 1, 1).await[0];
    let asylum_seeker = household(&s, op, 1, 0).await[0];
    let accepted_on = meta_at(20);
    let year = accepted_on.at.year();

    // The quota: set by version, never below its use.
    let q = s.set_quota(op, Quota::parse("CAN", year.into(), 3, Some("2025 pledge"), iso("JOR")).unwrap(), 0, meta_at(30)).await.unwrap();
    assert_eq!((q.version, q.used, q.quota.places), (1, 0, 3));
    assert!(matches!(s.set_quota(op, Quota::parse("CAN", year.into(), 4, None, iso("JOR")).unwrap(), 0, meta_at(30)).await, Err(StoreError::Conflict { current: 1, .. })));
    let err = s.set_quota(op, Quota { country: iso("JOR"), year, places: 1, note: None }, 0, meta_at(30)).await.unwrap_err();
    assert!(matches!(err, StoreError::Invalid(ref m) if m.contains("country of asylum")), "{err}");

    // Only refugees, once at a time.
    let (code, msg) = rule(s.submit_resettlement(op, iso("CAN"), vec![asylum_seeker], meta_at(30)).await.unwrap_err());
    assert_eq!(code, "not_eligible");
    assert!(msg.contains(&asylum_seeker.to_string()) && msg.contains("refugee status"), "{msg}");
    let (code, msg) = rule(s.submit_resettlement(op, iso("SYR"), vec![single], meta_at(30)).await.unwrap_err());
    assert!(code == "not_eligible" && msg.contains("return, not resettlement"), "{msg}");
    let family = s.submit_resettlement(op, iso("CAN"), fam[..2].to_vec(), meta_at(30)).await.unwrap();
    assert_eq!((family.version, family.submission.status), (1, SubmissionStatus::Submitted));
    let (_, msg) = rule(s.submit_resettlement(op, iso("NOR"), vec![fam[0]], meta_at(30)).await.unwrap_err());
    assert!(msg.contains("another open submission"), "{msg}");
    let other = s.submit_resettlement(op, iso("CAN"), vec![fam[2], single], meta_at(30)).await.unwrap();

    // Acceptance uses places of the year's quota; beyond it, refused with the numbers.
    let family = s.act_on_submission(family.id, 1, SubmissionAction::Accept, accepted_on.clone()).await.unwrap();
    assert_eq!((family.version, family.submission.status, family.submission.quota_year), (2, SubmissionStatus::Accepted, Some(year)));
    let (code, msg) = rule(s.act_on_submission(other.id, 1, SubmissionAction::Accept, accepted_on.clone()).await.unwrap_err());
    assert_eq!(code, "quota_exceeded");
    assert!(msg.contains("3 places, 2 already used") && msg.contains("1 left"), "{msg}");
    assert_eq!(s.submission(other.id).await.unwrap().unwrap().version, 1, "a refused step changes nothing");
    let (code, _) = rule(s.set_quota(op, Quota::parse("CAN", year.into(), 1, None, iso("JOR")).unwrap(), 1, meta_at(20)).await.unwrap_err());
    assert_eq!(code, "quota_below_use");
    let quotas = s.quotas(op).await.unwrap();
    assert_eq!((quotas.len(), quotas[0].used), (1, 2));
    // The State rejects the other submission; its reason is kept (sealed) as the step's reason.
    let reason = Reason::parse("The State's annual priorities do not include this profile.").unwrap();
    let other = s.act_on_submission(other.id, 1, SubmissionAction::Reject { reason: reason.clone() }, meta_at(20)).await.unwrap();
    assert_eq!((other.submission.status, other.submission.reason.clone()), (SubmissionStatus::Rejected, Some(reason)));
    let (code, msg) = rule(s.act_on_submission(other.id, 2, SubmissionAction::Accept, meta_at(20)).await.unwrap_err());
    assert!(code == "illegal_transition" && msg.contains("rejected"), "{msg}");
    assert!(matches!(s.act_on_submission(family.id, 1, SubmissionAction::Accept, meta_at(20)).await, Err(StoreError::Conflict { current: 2, .. })));
    let page = s.submissions(op, Some(SubmissionStatus::Rejected), 10, 0).await.unwrap();
    assert_eq!((page.total, page.items[0].id), (1, other.id));

    // Statistics before anyone departed.
    let before = history(&s, op).await;
    let past = meta_at(10).at.date_naive();
    let from = meta_at(40).at.date_naive();

    // Departures, per person, each with its day (never in the future).
    let today = Utc::now().date_naive();
    let (code, _) = rule(
        s.act_on_submission(family.id, 2, SubmissionAction::Depart { departures: vec![Departure { person: fam[0], departed_on: today + Duration::days(1) }] }, meta_at(0)).await.unwrap_err(),
    );
    assert_eq!(code, "departure_in_future");
    let family = s.act_on_submission(family.id, 2, SubmissionAction::Depart { departures: vec![Departure { person: fam[0], departed_on: today - Duration::days(2) }] }, meta_at(0)).await.unwrap();
    assert_eq!((family.submission.status, family.submission.not_departed()), (SubmissionStatus::Accepted, vec![fam[1]]));
    let (code, _) = rule(s.act_on_submission(family.id, 3, SubmissionAction::Withdraw { reason: Reason::parse("No longer wished.").unwrap() }, meta_at(0)).await.unwrap_err());
    assert_eq!(code, "illegal_transition", "a submission some of whose persons left cannot be withdrawn");
    let family = s.act_on_submission(family.id, 3, SubmissionAction::Depart { departures: vec![Departure { person: fam[1], departed_on: today }] }, meta_at(0)).await.unwrap();
    assert_eq!((family.version, family.submission.status), (4, SubmissionStatus::Departed));
    assert_eq!(s.quotas(op).await.unwrap()[0].used, 2, "departed persons keep their places");
    // A person who left cannot be submitted again.
    let (_, msg) = rule(s.submit_resettlement(op, iso("NOR"), vec![fam[1]], meta_at(0)).await.unwrap_err());
    assert!(msg.contains("already recorded"), "{msg}");

    // Every step is in the history and the audit chain; nothing is deleted.
    let h = s.history(EntityKind::Resettlement, family.id.as_uuid()).await.unwrap();
    let kinds: Vec<&str> = h.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["resettlement_submitted", "resettlement_accepted", "resettlement_departed", "resettlement_departed"]);
    assert_eq!(h.iter().map(|e| e.version).collect::<Vec<_>>(), [1, 2, 3, 4]);
    let rejected = s.history(EntityKind::Resettlement, other.id.as_uuid()).await.unwrap();
    assert_eq!(rejected[1].reason.as_deref(), Some("The State's annual priorities do not include this profile."));
    assert_eq!(s.history(EntityKind::ResettlementQuota, quotas[0].id.as_uuid()).await.unwrap().len(), 1);
    let report = s.verify_audit().await.unwrap();
    assert!(report.first_problem.is_none(), "{:?}", report.first_problem);
    assert!(raw(db, "DELETE FROM departures").await.is_err());
    assert!(raw(db, "DELETE FROM resettlement_submissions").await.is_err());
    assert!(raw(db, "DELETE FROM resettlement_quotas").await.is_err());
    assert!(raw(db, "UPDATE departures SET destination = 'USA'").await.is_err());

    // Statistics: the departures are resettlement departures from the day they were recorded; the
    // figures of a past date are identical before and after them.
    let after = history(&s, op).await;
    assert_eq!(after.stock_at(past), before.stock_at(past));
    assert_eq!(after.flows(from, past), before.flows(from, past));
    assert_eq!(before.stock_at(today).total(Category::Refugees), 4);
    assert_eq!(after.stock_at(today).total(Category::Refugees), 2, "the two persons who left are out of the stock");
    assert_eq!(after.flows(from, today).total(Flow::ResettlementDepartures), 2);
    assert_eq!(before.flows(from, today).total(Flow::ResettlementDepartures), 0);
}

fn consent(by: PersonId, on: NaiveDate) -> Option<InformedConsent> {
    Some(InformedConsent { given_by: by, recorded_on: on, recorded_by: Actor::parse("protection.officer").unwrap(), informed_of_conditions: true })
}

async fn repatriation_departures_are_re_evaluated(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let fam = household(&s, op, 3, 3).await;
    let m = meta_at(10);
    let on = m.at.date_naive();
    let interview = Some(VoluntarinessInterview { on, interviewed_by: Actor::parse("protection.officer").unwrap(), conducted_individually: true, free_of_coercion: true });
    let request = VoluntaryRepatriation {
        destination: iso("SYR"),
        participants: vec![
            RepatriationParticipant::Adult { person: fam[0], consent: consent(fam[0], on), interview: interview.clone() },
            RepatriationParticipant::Adult { person: fam[1], consent: consent(fam[1], on), interview: interview.clone() },
            RepatriationParticipant::Adult { person: fam[2], consent: None, interview },
        ],
    };
    let verdicts = evaluate_voluntary_repatriation(&request, &GuardContext { today: on });
    let record = serde_json::json!({"request": request, "verdicts": verdicts.iter().map(|(_, v)| v).collect::<Vec<_>>(), "all_allowed": false});
    let id = s.record_repatriation(op, record, fam.clone(), m).await.unwrap();
    let before = history(&s, op).await;
    let today = Utc::now().date_naive();

    let (code, _) = rule(s.depart_repatriation(id, 1, vec![], vec![], today + Duration::days(1), meta_at(0)).await.unwrap_err());
    assert_eq!(code, "departure_in_future");
    assert!(matches!(s.depart_repatriation(id, 2, vec![], vec![], today, meta_at(0)).await, Err(StoreError::Conflict { current: 1, .. })));
    // The second adult withdrew consent; the third was refused when it was requested.
    let r = s.depart_repatriation(id, 1, vec![], vec![fam[1]], today, meta_at(0)).await.unwrap();
    assert_eq!(r.version, 2);
    let allowed: Vec<PersonId> = r.verdicts.iter().filter(|v| v.allowed).map(|v| v.person).collect();
    assert_eq!(allowed, vec![fam[0]]);
    let codes = |p: PersonId| r.verdicts.iter().find(|v| v.person == p).unwrap().refusals.iter().map(|x| x.code.clone()).collect::<Vec<_>>();
    assert_eq!(codes(fam[1]), ["consent_withdrawn"]);
    assert_eq!(codes(fam[2]), ["refused_when_requested", "missing_informed_consent"]);
    // Nobody else may depart: refused, nothing written.
    let (code, msg) = rule(s.depart_repatriation(id, 2, vec![fam[2], fam[0]], vec![], today, meta_at(0)).await.unwrap_err());
    assert_eq!(code, "nobody_departed");
    assert!(msg.contains("already recorded") && msg.contains("informed consent"), "{msg}");
    let h = s.history(EntityKind::Repatriation, id).await.unwrap();
    assert_eq!(h.iter().map(|e| e.kind.as_str()).collect::<Vec<_>>(), ["repatriation_evaluated", "repatriation_departed"]);
    assert_eq!(h[1].data["departed"][0]["person"], serde_json::json!(fam[0]));
    // The returnee cannot be submitted for resettlement.
    let (_, msg) = rule(s.submit_resettlement(op, iso("CAN"), vec![fam[0]], meta_at(0)).await.unwrap_err());
    assert!(msg.contains("already recorded"), "{msg}");
    assert!(s.verify_audit().await.unwrap().first_problem.is_none());

    let after = history(&s, op).await;
    let past = today - Duration::days(1);
    let from = today - Duration::days(60);
    assert_eq!(after.stock_at(past), before.stock_at(past));
    assert_eq!(after.flows(from, past), before.flows(from, past));
    let f = after.flows(from, today);
    assert_eq!((f.total(Flow::VoluntaryReturns), f.total(Flow::ResettlementDepartures)), (1, 0));
    assert_eq!(after.stock_at(today).total(Category::Returnees), 1);
    assert_eq!(after.stock_at(today).total(Category::Refugees), 2);
}

/// Runs `sql` on the database with the store closed, then verifies the audit.
async fn verify_after(db: &TestDb, sql: &[String]) -> Option<audit::AuditProblem> {
    for stmt in sql {
        raw(db, stmt).await.unwrap_or_else(|e| panic!("{stmt}: {e}"));
    }
    let s = db.open().await;
    let report = s.verify_audit().await.unwrap();
    s.close().await;
    report.first_problem
}

async fn audit_replays_quotas_and_submissions(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let fam = household(&s, op, 3, 3).await;
    let single = household(&s, op, 1, 1).await[0];
    let before = s.verify_audit().await.unwrap();
    assert!(before.first_problem.is_none(), "{:?}", before.first_problem);
    let year = meta_at(20).at.year();

    // A quota set twice; one submission accepted and partly departed, one rejected, one still submitted.
    let q = s.set_quota(op, Quota::parse("CAN", year.into(), 3, None, iso("JOR")).unwrap(), 0, meta_at(30)).await.unwrap();
    let q = s.set_quota(op, Quota::parse("CAN", year.into(), 5, Some("2025 pledge"), iso("JOR")).unwrap(), q.version, meta_at(25)).await.unwrap();
    assert_eq!(q.version, 2);
    let family = s.submit_resettlement(op, iso("CAN"), fam[..2].to_vec(), meta_at(30)).await.unwrap();
    let family = s.act_on_submission(family.id, 1, SubmissionAction::Accept, meta_at(20)).await.unwrap();
    let today = Utc::now().date_naive();
    let family = s.act_on_submission(family.id, 2, SubmissionAction::Depart { departures: vec![Departure { person: fam[0], departed_on: today - Duration::days(2) }] }, meta_at(0)).await.unwrap();
    assert_eq!((family.version, family.submission.status), (3, SubmissionStatus::Accepted));
    let other = s.submit_resettlement(op, iso("CAN"), vec![single], meta_at(30)).await.unwrap();
    let reason = Reason::parse("The State's annual priorities do not include this profile.").unwrap();
    let other = s.act_on_submission(other.id, 1, SubmissionAction::Reject { reason }, meta_at(20)).await.unwrap();
    assert_eq!(other.submission.status, SubmissionStatus::Rejected);
    let open = s.submit_resettlement(op, iso("NOR"), vec![fam[2]], meta_at(10)).await.unwrap();
    let ok = s.verify_audit().await.unwrap();
    assert!(ok.first_problem.is_none(), "{:?}", ok.first_problem);
    assert_eq!(ok.records_replayed, before.records_replayed + 4, "one quota and three submissions replayed: {ok:?}");
    s.close().await;

    let sqlite = db.url.starts_with("sqlite");
    let hex = |u: uuid::Uuid| u.simple().to_string().to_uppercase();
    let row = |id: uuid::Uuid| if sqlite { format!("hex(id) = '{}'", hex(id)) } else { format!("id = '{id}'") };
    let quota = row(q.id.as_uuid());
    let rejected = row(other.id.as_uuid());
    let names = |p: Option<audit::AuditProblem>, what: &str, id: String| {
        let p = p.unwrap_or_else(|| panic!("{what}: not detected"));
        assert_eq!(p.kind, "record_altered", "{what}: {p:?}");
        assert!(p.detail.contains(&id) && p.detail.contains("outside Nansen"), "{what}: {p:?}");
    };

    // A State's quota raised in the database.
    let p = verify_after(db, &[format!("UPDATE resettlement_quotas SET places = places + 10 WHERE {quota}")]).await;
    names(p, "quota raised", q.id.to_string());
    assert!(verify_after(db, &[format!("UPDATE resettlement_quotas SET places = places - 10 WHERE {quota}")]).await.is_none(), "restored");

    // A rejected submission flipped to accepted (its status and quota year columns).
    let p = verify_after(db, &[format!("UPDATE resettlement_submissions SET status = 'accepted', quota_year = {year} WHERE {rejected}")]).await;
    names(p, "status flipped", other.id.to_string());
    assert!(verify_after(db, &[format!("UPDATE resettlement_submissions SET status = 'rejected', quota_year = NULL WHERE {rejected}")]).await.is_none(), "restored");

    // Another valid state (the test store seals it; one written in the clear is read as well):
    // the rejected submission names someone else.
    let set_state = |id: SubmissionId, sub: &nansen_domain::solutions::Submission| {
        let text = serde_json::to_string(sub).unwrap().replace('\'', "''");
        let cast = if sqlite { "" } else { "::jsonb" };
        format!("UPDATE resettlement_submissions SET state = '{text}'{cast} WHERE {}", row(id.as_uuid()))
    };
    let mut changed = other.submission.clone();
    changed.persons = vec![fam[2]];
    names(verify_after(db, &[set_state(other.id, &changed)]).await, "state's persons changed", other.id.to_string());
    assert_eq!(verify_after(db, &[set_state(other.id, &other.submission)]).await, None, "its own state in the clear is what its history records");

    // A departure added to the state of the accepted submission, its status left alone.
    let mut changed = family.submission.clone();
    changed.departures.push(Departure { person: fam[1], departed_on: today });
    names(verify_after(db, &[set_state(family.id, &changed)]).await, "departure added", family.id.to_string());
    assert_eq!(verify_after(db, &[set_state(family.id, &family.submission)]).await, None, "restored");

    // Another submission's sealed state copied over this one's: it does not open.
    let copy = format!("UPDATE resettlement_submissions SET state = (SELECT state FROM resettlement_submissions WHERE {}) WHERE {rejected}", row(open.id.as_uuid()));
    let p = verify_after(db, &[copy]).await.expect("copied state: not detected");
    assert!(p.kind == "record_altered" && p.detail.contains(&other.id.to_string()), "{p:?}");
    assert!(verify_after(db, &[set_state(other.id, &other.submission)]).await.is_none(), "restored");

    // A submission with no history at all: inserted outside Nansen (rows cannot be deleted, so
    // quotas, checked first, come after).
    let id = uuid::Uuid::now_v7();
    let state = serde_json::to_string(&open.submission).unwrap();
    let insert = if sqlite {
        format!(
            "INSERT INTO resettlement_submissions (id, operation_id, country, version, status, quota_year, places, state, created_at, updated_at) \
             VALUES (X'{}', X'{}', 'NOR', 1, 'submitted', NULL, 1, '{state}', '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
            hex(id),
            hex(op.as_uuid())
        )
    } else {
        format!(
            "INSERT INTO resettlement_submissions (id, operation_id, country, version, status, quota_year, places, state, created_at, updated_at) \
             VALUES ('{id}', '{op}', 'NOR', 1, 'submitted', NULL, 1, '{state}'::jsonb, now(), now())"
        )
    };
    names(verify_after(db, &[insert]).await, "submission inserted", id.to_string());

    // A quota with no history at all: inserted outside Nansen.
    let id = uuid::Uuid::now_v7();
    let insert = if sqlite {
        format!(
            "INSERT INTO resettlement_quotas (id, operation_id, country, year, version, places, note, created_at, updated_at) \
             VALUES (X'{}', X'{}', 'USA', {year}, 1, 50, NULL, '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z')",
            hex(id),
            hex(op.as_uuid())
        )
    } else {
        format!(
            "INSERT INTO resettlement_quotas (id, operation_id, country, year, version, places, note, created_at, updated_at) \
             VALUES ('{id}', '{op}', 'USA', {year}, 1, 50, NULL, now(), now())"
        )
    };
    names(verify_after(db, &[insert]).await, "quota inserted", id.to_string());
}

macro_rules! both {
    ($($name:ident),*) => {
        mod sqlite { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::sqlite().await; super::$name(&db).await; db.cleanup().await; } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::postgres().await; super::$name(&db).await; db.cleanup().await; } )* }
    };
}
both!(resettlement_against_a_yearly_quota, repatriation_departures_are_re_evaluated, audit_replays_quotas_and_submissions);
