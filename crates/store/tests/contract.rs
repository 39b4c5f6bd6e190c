//! The storage contract: one suite, run against SQLite and PostgreSQL.
//!
//! PostgreSQL tests use [`nansen_store::testing::TestDb`]: a fresh database per test, and a
//! failure (never a skip) when PostgreSQL cannot be reached.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, Utc};
use nansen_domain::*;
use nansen_store::*;
use std::sync::Arc;

use nansen_store::testing::{raw, TestDb};


fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn meta() -> Meta {
    Meta::now(Actor::parse("clerk.test").unwrap())
}

fn person(given: &str, family: &str, given_orig: Option<&str>, dob: &str, doc: Option<&str>) -> PersonInput {
    PersonInput {
        given_name: Some(given.into()),
        family_name: Some(family.into()),
        given_name_original: given_orig.map(Into::into),
        sex: Some("F".into()),
        date_of_birth: Some(dob.into()),
        citizenship: Some("SYR".into()),
        documents: doc
            .map(|d| vec![person::DocumentInput { kind: Some("passport".into()), number: Some(d.into()), issuing_country: Some("SYR".into()), expiry_date: None }])
            .unwrap_or_default(),
        ..Default::default()
    }
}

fn household(key: Option<&str>, members: Vec<(&str, PersonInput)>) -> NewHousehold {
    let input = HouseholdInput {
        registration_key: key.map(Into::into),
        arrival_date: Some("2025-03-01".into()),
        address: Some("Block C-12".into()),
        members: members.into_iter().map(|(r, p)| MemberInput { relationship: Some(r.into()), person: p }).collect(),
    };
    NewHousehold::parse(&input, today()).unwrap()
}

async fn operation(store: &AnyStore) -> OperationId {
    operation_named(store, "JOR-AMM").await
}

async fn operation_named(store: &AnyStore, code: &str) -> OperationId {
    let op = Operation {
        id: OperationId::generate(),
        code: OperationCode::parse(code).unwrap(),
        name: ShortText::parse("Amman office").unwrap(),
        country: Iso3::parse("JOR").unwrap(),
        authority: DeterminingAuthority::UnhcrMandate,
    };
    store.create_operation(op, meta()).await.unwrap().id
}

fn family() -> NewHousehold {
    household(
        Some("EXT-1"),
        vec![
            ("PA", person("Muḥammad", "Al-Hassan", Some("محمد"), "1980", Some("N 123 456"))),
            ("SPS", person("Fatima", "Al-Hassan", Some("فاطمة"), "1984-05", None)),
            ("CHD", person("Omar", "Al-Hassan", None, "2015-02-11", None)),
        ],
    )
}

async fn registers_and_reads_back(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let r = s.register_household(op, family(), meta()).await.unwrap();
    assert!(r.created);
    assert_eq!(r.view.members.len(), 3);
    assert_eq!(r.view.members[0].relationship, Relationship::PrincipalApplicant);
    let back = s.household(r.view.household.id).await.unwrap().unwrap();
    assert_eq!(back.household.case_number, r.view.household.case_number);
    assert_eq!(back.members.iter().map(|m| m.id).collect::<Vec<_>>(), r.view.members.iter().map(|m| m.id).collect::<Vec<_>>());
    assert_eq!(back.members[1].details, r.view.members[1].details);
    let by_case = s.household_by_case_number(&r.view.household.case_number).await.unwrap().unwrap();
    assert_eq!(by_case.household.id, r.view.household.id);
    let p = s.person(r.view.members[0].id).await.unwrap().unwrap();
    assert_eq!(p.version, 1);
    assert_eq!(p.details.given_name.as_str(), "Muḥammad");
    let c = s.counts(op).await.unwrap();
    assert_eq!((c.households, c.persons, c.events), (1, 3, 4));
}

async fn search_by_name_case_and_document(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let r = s.register_household(op, family(), meta()).await.unwrap();
    s.register_household(op, household(None, vec![("PA", person("Amina", "Karimi", None, "1990", None))]), meta()).await.unwrap();
    let q = |name: Option<&str>, doc: Option<&str>, cn: Option<CaseNumber>| SearchQuery {
        operation: Some(op),
        name: name.map(Into::into),
        document_number: doc.map(Into::into),
        case_number: cn,
        assigned_to: None,
        limit: 50,
        offset: 0,
    };
    // accent- and case-insensitive, prefix of a word, either script
    assert_eq!(s.search(&q(Some("MUHAM"), None, None)).await.unwrap().total, 1);
    assert_eq!(s.search(&q(Some("hassan"), None, None)).await.unwrap().total, 3);
    assert_eq!(s.search(&q(Some("hassan fat"), None, None)).await.unwrap().total, 1);
    assert_eq!(s.search(&q(Some("مُحَمَّد"), None, None)).await.unwrap().total, 1);
    assert_eq!(s.search(&q(Some("فاطمه"), None, None)).await.unwrap().total, 1);
    assert_eq!(s.search(&q(Some("zzz"), None, None)).await.unwrap().total, 0);
    assert_eq!(s.search(&q(None, Some("n123456"), None)).await.unwrap().total, 1);
    assert_eq!(s.search(&q(None, None, Some(r.view.household.case_number.clone()))).await.unwrap().total, 3);
    assert_eq!(s.search(&q(None, None, None)).await.unwrap().total, 4);
    // pagination: ordered by family name then given name, stable
    let mut q2 = q(None, None, None);
    q2.limit = 3;
    let p1 = s.search(&q2).await.unwrap();
    q2.offset = 3;
    let p2 = s.search(&q2).await.unwrap();
    assert_eq!(p1.items.len(), 3);
    assert_eq!(p2.items.len(), 1);
    assert_eq!(p2.items[0].details.family_name.as_ref().unwrap().as_str(), "Karimi");
}

async fn updates_are_versioned_and_historied(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let r = s.register_household(op, family(), meta()).await.unwrap();
    let p = &r.view.members[1];
    let mut d = p.details.clone();
    d.date_of_birth = Some(PartialDate::parse("1984-05-17").unwrap());
    let m = meta().with_reason(Reason::parse("birth certificate seen").unwrap());
    let u = s.update_person(p.id, 1, d.clone(), m.clone()).await.unwrap();
    assert_eq!(u.version, 2);
    // stale version: conflict naming the current version, nothing changed
    let mut d2 = d.clone();
    d2.given_name = LatinName::parse("Fatma").unwrap();
    match s.update_person(p.id, 1, d2, meta()).await {
        Err(StoreError::Conflict { expected: 1, current: 2, .. }) => {}
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(s.person(p.id).await.unwrap().unwrap().details.given_name.as_str(), "Fatima");
    // an update with no change writes nothing
    assert_eq!(s.update_person(p.id, 2, d.clone(), meta()).await.unwrap().version, 2);
    let h = s.history(EntityKind::Person, p.id.as_uuid()).await.unwrap();
    assert_eq!(h.iter().map(|e| (e.version, e.kind)).collect::<Vec<_>>(), vec![(1, EventKind::PersonRegistered), (2, EventKind::PersonUpdated)]);
    assert_eq!(h[1].reason.as_deref(), Some("birth certificate seen"));
    assert_eq!(h[1].data["changes"][0]["field"], "date_of_birth");
    assert_eq!(h[1].data["changes"][0]["before"], "1984-05");
    // search index follows the change
    let mut d3 = d.clone();
    d3.given_name = LatinName::parse("Fatma").unwrap();
    s.update_person(p.id, 2, d3, meta()).await.unwrap();
    let q = SearchQuery { operation: Some(op), name: Some("fatma".into()), limit: 10, ..Default::default() };
    assert_eq!(s.search(&q).await.unwrap().total, 1);
    let q = SearchQuery { operation: Some(op), name: Some("fatima".into()), limit: 10, ..Default::default() };
    assert_eq!(s.search(&q).await.unwrap().total, 0);
    // household update and member addition
    let hh = r.view.household.clone();
    let mut hd = hh.details.clone();
    hd.address = Some(ShortText::parse("Block D-3").unwrap());
    let h2 = s.update_household(hh.id, 1, hd, meta()).await.unwrap();
    assert_eq!(h2.version, 2);
    let baby = PersonDetails::parse(&person("Lina", "Al-Hassan", None, "2026-01", None), today()).unwrap();
    assert!(matches!(s.add_member(hh.id, 1, Relationship::Child, baby.clone(), meta()).await, Err(StoreError::Conflict { .. })));
    assert!(matches!(s.add_member(hh.id, 2, Relationship::PrincipalApplicant, baby.clone(), meta()).await, Err(StoreError::Invalid(_))));
    let added = s.add_member(hh.id, 2, Relationship::Child, baby, meta()).await.unwrap();
    let v = s.household(hh.id).await.unwrap().unwrap();
    assert_eq!(v.household.version, 3);
    assert_eq!(v.members.len(), 4);
    assert!(v.members.iter().any(|m| m.id == added.id));
    let hh_hist = s.history(EntityKind::Household, hh.id.as_uuid()).await.unwrap();
    assert_eq!(hh_hist.iter().map(|e| e.kind).collect::<Vec<_>>(), vec![EventKind::HouseholdRegistered, EventKind::HouseholdUpdated, EventKind::MemberAdded]);
}

async fn concurrent_updates_one_wins(db: &TestDb) {
    let s = Arc::new(db.open().await);
    let op = operation(&s).await;
    let r = s.register_household(op, family(), meta()).await.unwrap();
    let p = r.view.members[0].clone();
    for round in 0..5 {
        let version = s.person(p.id).await.unwrap().unwrap().version;
        let mut tasks = Vec::new();
        for i in 0..8 {
            let s = s.clone();
            let mut d = p.details.clone();
            d.place_of_birth = Some(ShortText::parse(&format!("Town {round}-{i}")).unwrap());
            tasks.push(tokio::spawn(async move { s.update_person(p.id, version, d, meta()).await }));
        }
        let mut ok = 0;
        let mut conflicts = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(rec) => {
                    ok += 1;
                    assert_eq!(rec.version, version + 1);
                }
                Err(StoreError::Conflict { current, .. }) => {
                    conflicts += 1;
                    assert_eq!(current, version + 1);
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!((ok, conflicts), (1, 7), "round {round}");
    }
    assert_eq!(s.history(EntityKind::Person, p.id.as_uuid()).await.unwrap().len(), 6);
}

async fn registration_key_is_idempotent(db: &TestDb) {
    let s = Arc::new(db.open().await);
    let op = operation(&s).await;
    // concurrently, in the same batch or not: one household
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move { s.register_household(op, family(), meta()).await.unwrap() }));
    }
    let mut ids = Vec::new();
    let mut created = 0;
    for t in tasks {
        let r = t.await.unwrap();
        created += usize::from(r.created);
        ids.push(r.view.household.id);
    }
    ids.dedup();
    assert_eq!(created, 1);
    assert_eq!(ids.len(), 1);
    assert_eq!(s.counts(op).await.unwrap().persons, 3);
}

async fn import_is_idempotent_and_pages(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let batch: Vec<NewHousehold> = (0..1200)
        .map(|i| {
            household(
                Some(&format!("IMP-{i}")),
                vec![("PA", person("Ahmad", "Karimi", None, "1970", Some(&format!("P{i:07}")))), ("CHD", person("Zahra", "Karimi", None, "2010", None))],
            )
        })
        .collect();
    let seen = std::sync::atomic::AtomicUsize::new(0);
    let rep = s.import(op, batch.clone(), meta(), &|n| seen.store(n, std::sync::atomic::Ordering::SeqCst)).await.unwrap();
    assert_eq!((rep.households_created, rep.persons_created, rep.households_skipped), (1200, 2400, 0));
    assert_eq!(seen.load(std::sync::atomic::Ordering::SeqCst), 1200);
    let again = s.import(op, batch, meta(), &|_| {}).await.unwrap();
    assert_eq!((again.households_created, again.households_skipped), (0, 1200));
    assert_eq!(s.counts(op).await.unwrap().persons, 2400);
    let mut after = None;
    let mut n = 0;
    loop {
        let page = s.households_after(op, after, 500).await.unwrap();
        if page.is_empty() {
            break;
        }
        for v in &page {
            assert_eq!(v.members.len(), 2);
            assert_eq!(v.members[0].relationship, Relationship::PrincipalApplicant);
        }
        n += page.len();
        after = page.last().map(|v| v.household.id);
    }
    assert_eq!(n, 1200);
    let q = SearchQuery { operation: Some(op), document_number: Some("P0000777".into()), limit: 10, ..Default::default() };
    assert_eq!(s.search(&q).await.unwrap().total, 1);
}

async fn survives_reopen(db: &TestDb) {
    let (op, id) = {
        let s = db.open().await;
        let op = operation(&s).await;
        let r = s.register_household(op, family(), meta()).await.unwrap();
        (op, r.view.members[0].id)
    };
    let s = db.open().await;
    assert_eq!(s.person(id).await.unwrap().unwrap().operation_id, op);
    assert_eq!(s.operations().await.unwrap().len(), 1);
}

async fn history_is_append_only_and_nothing_is_deleted(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    s.register_household(op, family(), meta()).await.unwrap();
    for sql in ["UPDATE events SET actor = 'someone-else'", "DELETE FROM events", "DELETE FROM persons", "DELETE FROM households", "DELETE FROM operations"] {
        let r = raw(db, sql).await;
        assert!(r.is_err(), "{sql} must be refused, got {r:?}");
    }
    assert_eq!(s.counts(op).await.unwrap().events, 4);
}

async fn unknown_records(db: &TestDb) {
    let s = db.open().await;
    let r = s.register_household(OperationId::generate(), family(), meta()).await;
    assert!(matches!(r, Err(StoreError::NotFound { kind: "operation", .. })), "{r:?}");
    assert!(s.person(PersonId::generate()).await.unwrap().is_none());
    assert!(matches!(
        s.update_person(PersonId::generate(), 1, family().members[0].1.clone(), meta()).await,
        Err(StoreError::NotFound { kind: "person", .. })
    ));
    let dup = operation(&s).await;
    let again = Operation {
        id: OperationId::generate(),
        code: OperationCode::parse("JOR-AMM").unwrap(),
        name: ShortText::parse("Other").unwrap(),
        country: Iso3::parse("JOR").unwrap(),
        authority: DeterminingAuthority::State,
    };
    assert!(matches!(s.create_operation(again, meta()).await, Err(StoreError::Duplicate(_))));
    assert!(s.operation(dup).await.unwrap().is_some());
    s.health().await.unwrap();
}

async fn many_concurrent_registrations_all_land(db: &TestDb) {
    let s = Arc::new(db.open().await);
    let op = operation(&s).await;
    let mut tasks = Vec::new();
    for i in 0..300 {
        let s = s.clone();
        tasks.push(tokio::spawn(async move {
            let key = format!("C-{}", i % 250); // 50 repeats of earlier keys
            s.register_household(op, household(Some(&key), vec![("PA", person("Nour", "Haddad", None, "1999", None))]), meta()).await.unwrap()
        }));
    }
    let mut created = 0;
    for t in tasks {
        created += usize::from(t.await.unwrap().created);
    }
    assert_eq!(created, 250);
    assert_eq!(s.counts(op).await.unwrap().households, 250);
}

mod protection {
    use super::*;
    use chrono::{DateTime, Duration};
    use nansen_domain::convention::procedure::{Action, Outcome, Role, WrittenNotice};
    use nansen_domain::person::LanguageCode;

    pub const REASONS: &str = "The claimant's account of detention for political opinion was found credible and consistent with country information (Art. 1A(2)).";

    pub fn at(m: &Meta, days: i64) -> Meta {
        let mut m = m.clone();
        m.at += Duration::days(days);
        m
    }

    pub fn reason(s: &str) -> Reason {
        Reason::parse(s).unwrap()
    }

    /// Walks a claim to a notified decision, each step by the role the procedure requires.
    pub async fn decide(s: &AnyStore, claim: &ClaimRecord, outcome: Outcome, start: &Meta) -> (ClaimRecord, Meta) {
        let mut c = claim.clone();
        let mut m = start.clone();
        let when: DateTime<Utc> = m.at + Duration::days(10);
        let steps: Vec<(i64, Role, Action)> = vec![
            (1, Role::RegistrationClerk, Action::RegisterForRsd),
            (0, Role::RegistrationClerk, Action::ScheduleInterview { at: when, language: LanguageCode::parse("ar").unwrap(), interpreter_required: true }),
            (10, Role::EligibilityOfficer, Action::RecordInterview),
            (1, Role::EligibilityOfficer, Action::DraftAssessment { recommendation: outcome }),
            (1, Role::Supervisor, Action::Review),
            (1, Role::EligibilityOfficer, Action::Decide { outcome, reasons: reason(REASONS) }),
            (1, Role::RegistrationClerk, Action::Notify { method: WrittenNotice::InPerson }),
        ];
        for (days, role, action) in steps {
            m = at(&m, days);
            let actor = match role {
                Role::Supervisor => "supervisor.b",
                Role::EligibilityOfficer => "officer.a",
                _ => "clerk.c",
            };
            m.actor = Actor::parse(actor).unwrap();
            c = s.act_on_claim(c.id, c.version, action, role, m.clone()).await.unwrap_or_else(|e| panic!("{e}"));
        }
        (c, m)
    }
}
use protection::*;

async fn claims_follow_the_state_machine(db: &TestDb) {
    use nansen_domain::convention::procedure::{Action, Outcome, Role, Stage, Track, WrittenNotice};
    let s = db.open().await;
    let op = operation(&s).await;
    let r = s.register_household(op, family(), meta()).await.unwrap();
    let pa = r.view.members[0].id;
    let m0 = meta();
    let claim = s.lodge_claim(pa, Track::Regular, m0.clone()).await.unwrap();
    assert_eq!(claim.version, 1);
    // a second claim while one is pending is refused
    assert!(matches!(s.lodge_claim(pa, Track::Regular, m0.clone()).await, Err(StoreError::Rule { code: "claim_pending", .. })));
    // an illegal step is refused by the state machine, naming what is allowed; nothing changes
    let e = s.act_on_claim(claim.id, 1, Action::Finalise, Role::SeniorProtectionOfficer, at(&m0, 1)).await;
    match e {
        Err(StoreError::Rule { code: "illegal_transition", message }) => assert!(message.contains("register for RSD"), "{message}"),
        other => panic!("{other:?}"),
    }
    // a clerk may not decide
    assert!(matches!(
        s.act_on_claim(claim.id, 1, Action::Decide { outcome: Outcome::Recognised, reasons: reason(REASONS) }, Role::RegistrationClerk, at(&m0, 1)).await,
        Err(StoreError::Rule { .. })
    ));
    assert_eq!(s.claim(claim.id).await.unwrap().unwrap().version, 1);
    // stale version
    assert!(matches!(s.act_on_claim(claim.id, 7, Action::RegisterForRsd, Role::RegistrationClerk, at(&m0, 1)).await, Err(StoreError::Conflict { current: 1, .. })));
    // an assessment is recorded on the file and moves its version
    let a = s.record_assessment(claim.id, serde_json::json!({"facts": 1}), serde_json::json!({"recommendation": "recognised"}), m0.clone()).await.unwrap();
    assert_eq!(s.assessments(claim.id).await.unwrap(), vec![a]);
    let claim = s.claim(claim.id).await.unwrap().unwrap();
    assert_eq!(claim.version, 2);
    let (c, m) = decide(&s, &claim, Outcome::Recognised, &m0).await;
    assert!(matches!(c.state.stage(), Stage::Notified { .. }));
    let c = s.act_on_claim(c.id, c.version, Action::Finalise, Role::RegistrationClerk, m.clone()).await.unwrap();
    assert_eq!(c.state.stage(), &Stage::Final { outcome: Outcome::Recognised });
    // family unity: the spouse and the minor child now hold derivative refugee status
    for member in &r.view.members[1..] {
        let p = s.protection(member.id).await.unwrap().unwrap();
        let d = p.record.derivative.expect("derivative status recorded");
        assert_eq!(d.principal, pa);
        assert_eq!(serde_json::to_value(d.status).unwrap()["status"], "derivative_refugee");
    }
    let h = s.history(EntityKind::Claim, claim.id.as_uuid()).await.unwrap();
    assert_eq!(h.len(), 10, "lodged, assessment, seven steps, finalised");
    assert_eq!(h[0].kind, EventKind::ClaimLodged);
    assert!(h.iter().skip(2).all(|e| e.kind == EventKind::ClaimStep));
    assert_eq!(s.claims_of(pa).await.unwrap().len(), 1);
    let _ = WrittenNotice::Post;
}

async fn found(s: &AnyStore, op: OperationId, name: Option<&str>, doc: Option<&str>, cn: Option<CaseNumber>) -> Vec<PersonId> {
    let q = SearchQuery { operation: Some(op), name: name.map(Into::into), document_number: doc.map(Into::into), case_number: cn, assigned_to: None, limit: 50, offset: 0 };
    s.search(&q).await.unwrap().items.into_iter().map(|p| p.id).collect()
}

/// A bulk import writes one `household_registered` event (and one audit entry) per household,
/// carrying its members' registrations. Every imported person still shows how, when and by whom
/// it was registered, is found by name (either script), case and document number, is replayed by
/// the audit (and an edit of it or of its registration is detected), and is counted by the
/// statistics read path, a page boundary never splitting a household.
async fn imported_persons_keep_history_search_audit_and_statistics(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let m = meta();
    let batch = vec![family(), household(Some("IMP-B"), vec![("PA", person("Zahra", "Karimi", Some("زهرا"), "1975", Some("K 999 001")))])];
    let rep = s.import(op, batch, m.clone(), &|_| {}).await.unwrap();
    assert_eq!((rep.households_created, rep.persons_created), (2, 4));
    assert_eq!(s.counts(op).await.unwrap().events, 2, "one registration event per household");
    let views = s.households_after(op, None, 10).await.unwrap();
    let fam = views.iter().find(|v| v.members.len() == 3).unwrap().clone();
    let zahra = views.iter().find(|v| v.members.len() == 1).unwrap().members[0].clone();
    let pa = fam.members[0].clone();

    // Search: accent-insensitive Latin, original script, document and case numbers.
    assert_eq!(found(&s, op, Some("MUHAM"), None, None).await, vec![pa.id]);
    assert_eq!(found(&s, op, Some("مُحَمَّد"), None, None).await, vec![pa.id]);
    assert_eq!(found(&s, op, Some("زهرا"), None, None).await, vec![zahra.id]);
    assert_eq!(found(&s, op, None, Some("n123456"), None).await, vec![pa.id]);
    assert_eq!(found(&s, op, None, Some("K999001"), None).await, vec![zahra.id]);
    assert_eq!(found(&s, op, None, None, Some(fam.household.case_number.clone())).await.len(), 3);

    // Each person's history starts with its registration: who, when, which household, what details.
    for p in fam.members.iter().chain([&zahra]) {
        let h = s.history(EntityKind::Person, p.id.as_uuid()).await.unwrap();
        assert_eq!(h.len(), 1, "{h:?}");
        let e = &h[0];
        assert_eq!((e.entity_kind, e.entity_id, e.version, e.kind), (EntityKind::Person, p.id.as_uuid(), 1, EventKind::PersonRegistered));
        assert_eq!(e.actor, "clerk.test");
        assert!((e.at - m.at).num_microseconds().unwrap().abs() < 2, "{} vs {}", e.at, m.at);
        assert_eq!(e.data["household_id"], serde_json::json!(p.household_id));
        assert_eq!(e.data["relationship"], serde_json::json!(p.relationship));
        assert_eq!(serde_json::from_value::<PersonDetails>(e.data["details"].clone()).unwrap(), p.details);
    }
    // The household's own history names its members, without their details.
    let hh = s.history(EntityKind::Household, fam.household.id.as_uuid()).await.unwrap();
    assert_eq!(hh.iter().map(|e| e.kind).collect::<Vec<_>>(), vec![EventKind::HouseholdRegistered]);
    let members = hh[0].data["members"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    assert!(members.iter().all(|x| x.get("details").is_none() && x["person_id"].is_string()), "{members:?}");

    // An imported person is corrected like any other: version 2 follows its registration.
    let spouse = fam.members[1].clone();
    let mut d = spouse.details.clone();
    d.place_of_birth = Some(ShortText::parse("Hama").unwrap());
    s.update_person(spouse.id, 1, d, meta().with_reason(Reason::parse("seen ID").unwrap())).await.unwrap();
    let h = s.history(EntityKind::Person, spouse.id.as_uuid()).await.unwrap();
    assert_eq!(h.iter().map(|e| (e.version, e.kind)).collect::<Vec<_>>(), vec![(1, EventKind::PersonRegistered), (2, EventKind::PersonUpdated)]);

    // Statistics see one registration per person, in pages of one stored event.
    let mut regs = Vec::new();
    let mut after = None;
    loop {
        let page = s.statistical_events_after(op, after, 1).await.unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        regs.extend(page.iter().filter(|e| e.kind == EventKind::PersonRegistered).map(|e| e.entity_id));
    }
    let mut all: Vec<uuid::Uuid> = fam.members.iter().chain([&zahra]).map(|p| p.id.as_uuid()).collect();
    all.sort();
    regs.sort();
    assert_eq!(regs, all);
    let mut streamed = Vec::new();
    s.stream_statistical_events(op, |e| streamed.push((e.kind, e.entity_id)), &|_| {}).await.unwrap();
    assert_eq!(streamed.iter().filter(|e| e.0 == EventKind::PersonRegistered).count(), 4);
    assert_eq!(streamed.len(), 5, "{streamed:?}");

    // The audit covers every imported record.
    let ok = s.verify_audit().await.unwrap();
    assert!(ok.ok(), "{:?}", ok.first_problem);
    assert_eq!((ok.entries, ok.events), (3, 3));
    assert!(ok.records_replayed >= 6, "{ok:?}");
    s.close().await;

    // An imported person's record edited is detected; so is the edit of its registration to match.
    let sqlite = db.url.starts_with("sqlite");
    let hex = |u: uuid::Uuid| u.simple().to_string().to_uppercase();
    let person_sql = if sqlite {
        format!("UPDATE persons SET data = json_set(data, '$.given_name', 'Someone') WHERE hex(id) = '{}'", hex(pa.id.as_uuid()))
    } else {
        format!("UPDATE persons SET data = jsonb_set(data, '{{given_name}}', '\"Someone\"') WHERE id = '{}'", pa.id)
    };
    raw(db, &person_sql).await.unwrap();
    let s = db.open().await;
    let p = s.verify_audit().await.unwrap().first_problem.unwrap();
    assert_eq!(p.kind, "record_altered", "{p:?}");
    assert!(p.detail.contains(&pa.id.to_string()), "{p:?}");
    s.close().await;
    let event_sql = if sqlite {
        vec![
            "DROP TRIGGER events_append_only_update".to_string(),
            format!("UPDATE events SET data = json_set(data, '$.members[0].details.given_name', 'Someone') WHERE hex(entity_id) = '{}'", hex(fam.household.id.as_uuid())),
        ]
    } else {
        vec![
            "ALTER TABLE events DISABLE TRIGGER events_append_only".to_string(),
            format!("UPDATE events SET data = jsonb_set(data, '{{members,0,details,given_name}}', '\"Someone\"') WHERE entity_id = '{}'", fam.household.id),
        ]
    };
    for stmt in event_sql {
        raw(db, &stmt).await.unwrap();
    }
    let s = db.open().await;
    let p = s.verify_audit().await.unwrap().first_problem.unwrap();
    assert_eq!(p.kind, "event_altered", "{p:?}");
    s.close().await;
}

async fn removals_are_evaluated_person_by_person(db: &TestDb) {
    use nansen_domain::convention::guard::{RemovalKind, RemovalRequest, Screening};
    use nansen_domain::convention::procedure::{Outcome, Track};
    use nansen_domain::protection::ProtectionRecord;
    let s = db.open().await;
    let op = operation(&s).await;
    // 500 people of one nationality, none screened
    let batch: Vec<NewHousehold> = (0..500).map(|i| household(Some(&format!("G-{i}")), vec![("PA", person("Ahmad", "Rahimi", None, "1990", None))])).collect();
    s.import(op, batch, meta(), &|_| {}).await.unwrap();
    let q = SearchQuery { operation: Some(op), name: Some("rahimi".into()), limit: 200, ..Default::default() };
    let mut ids = Vec::new();
    for page in 0..3 {
        let mut q = q.clone();
        q.offset = page * 200;
        ids.extend(s.search(&q).await.unwrap().items.into_iter().map(|p| p.id));
    }
    assert_eq!(ids.len(), 500);
    let req = RemovalRequest { kind: RemovalKind::Deportation, destination: Iso3::parse("SYR").unwrap(), persons: ids.clone() };
    let r = s.request_removal(op, req, Reason::parse("group of irregular arrivals").unwrap(), meta()).await.unwrap();
    assert_eq!(r.evaluations.len(), 500);
    for e in &r.evaluations {
        assert!(!e.allowed);
        let codes: Vec<&str> = e.verdict["refusals"].as_array().unwrap().iter().filter_map(|x| x["code"].as_str()).collect();
        assert!(codes.contains(&"not_individually_screened"), "{codes:?}");
        assert!(e.verdict["refusals"][0]["citation"].as_str().unwrap().contains("Art. 33"));
    }
    let done = s.execute_removal(r.id, r.version, meta()).await.unwrap();
    assert!(done.data.executed_for.is_empty(), "nothing may be executed");
    assert_eq!(done.evaluations.iter().filter(|e| e.phase == "execution").count(), 500);
    assert!(matches!(s.execute_removal(r.id, done.version, meta()).await, Err(StoreError::Rule { code: "already_executed", .. })));

    // one person screened with no protection needs, identity and nationality established: allowed
    let p = ids[0];
    let rec = ProtectionRecord {
        screening: Screening::Screened { on: today(), protection_needs_indicated: false },
        identity_established: true,
        ..Default::default()
    };
    let v = s.update_protection(p, 0, rec.clone(), meta().with_reason(Reason::parse("screening interview").unwrap())).await.unwrap();
    assert_eq!(v.version, 1);
    assert!(matches!(s.update_protection(p, 0, rec.clone(), meta()).await, Err(StoreError::Conflict { .. })));
    let req = RemovalRequest { kind: RemovalKind::Removal, destination: Iso3::parse("SYR").unwrap(), persons: vec![p, ids[1]] };
    let r = s.request_removal(op, req, Reason::parse("individual decision").unwrap(), meta()).await.unwrap();
    let allowed: Vec<bool> = r.evaluations.iter().map(|e| e.allowed).collect();
    assert_eq!(allowed, vec![true, false]);
    // before execution the person lodges a claim: the re-evaluation at execution refuses
    s.lodge_claim(p, Track::Regular, meta()).await.unwrap();
    let done = s.execute_removal(r.id, r.version, meta()).await.unwrap();
    assert!(done.data.executed_for.is_empty());
    let exec = done.evaluations.iter().find(|e| e.phase == "execution" && e.person_id == p).unwrap();
    assert!(!exec.allowed);
    let _ = Outcome::Recognised;
    // a person of another operation is never found by this operation's request
    let other = operation_named(&s, "JOR-ZAT").await;
    let req = RemovalRequest { kind: RemovalKind::Removal, destination: Iso3::parse("SYR").unwrap(), persons: vec![ids[2]] };
    let r = s.request_removal(other, req, Reason::parse("x").unwrap(), meta()).await.unwrap();
    assert_eq!(r.evaluations[0].verdict["refusals"][0]["code"], "no_protection_record");
    for sql in ["DELETE FROM removal_evaluations", "UPDATE removal_evaluations SET allowed = true", "DELETE FROM claims", "DELETE FROM removal_requests"] {
        assert!(raw(db, sql).await.is_err(), "{sql} must be refused");
    }
}

async fn jurisdictions_can_be_edited(db: &TestDb) {
    let s = db.open().await;
    let ken = Iso3::parse("KEN").unwrap();
    let shipped = s.jurisdiction(ken).await.unwrap();
    assert_eq!(shipped.version, 0);
    assert!(shipped.profile.is_party());
    let mut p = shipped.profile.clone();
    p.complementary_protection = !p.complementary_protection;
    let saved = s.save_jurisdiction(p.clone(), 0, meta()).await.unwrap();
    assert_eq!(saved.version, 1);
    assert!(matches!(s.save_jurisdiction(p.clone(), 0, meta()).await, Err(StoreError::Conflict { .. })));
    let back = s.jurisdiction(ken).await.unwrap();
    assert_eq!((back.version, back.profile.complementary_protection), (1, p.complementary_protection));
    s.save_jurisdiction(shipped.profile, 1, meta()).await.unwrap();
    assert_eq!(s.jurisdiction(ken).await.unwrap().version, 2);
}

/// Tampering scenarios: (name, SQL for SQLite, SQL for PostgreSQL, expected problem kind).
const TAMPERING: &[(&str, &str, &str, &str)] = &[
    (
        "a person's record edited",
        "UPDATE persons SET data = json_set(data, '$.given_name', 'Someone') WHERE rowid = (SELECT min(rowid) FROM persons)",
        "UPDATE persons SET data = jsonb_set(data, '{given_name}', '\"Someone\"') WHERE id = (SELECT min(id::text)::uuid FROM persons)",
        "record_altered",
    ),
    (
        "an event's actor changed",
        "DROP TRIGGER events_append_only_update; UPDATE events SET actor = 'nobody' WHERE rowid = (SELECT min(rowid) FROM events)",
        "ALTER TABLE events DISABLE TRIGGER events_append_only; UPDATE events SET actor = 'nobody' WHERE id = (SELECT min(id::text)::uuid FROM events)",
        "event_altered",
    ),
    (
        "an audit entry removed",
        "DROP TRIGGER audit_append_only_delete; DELETE FROM audit_log WHERE seq = 3",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_append_only; DELETE FROM audit_log WHERE seq = 3",
        "entry_removed_or_reordered",
    ),
    (
        "an audit entry altered",
        "DROP TRIGGER audit_append_only_update; UPDATE audit_log SET actor = 'nobody' WHERE seq = 2",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_append_only; UPDATE audit_log SET actor = 'nobody' WHERE seq = 2",
        "entry_altered",
    ),
    (
        "an event removed",
        "DROP TRIGGER events_append_only_delete; DELETE FROM events WHERE rowid = (SELECT max(rowid) FROM events)",
        "ALTER TABLE events DISABLE TRIGGER events_append_only; DELETE FROM events WHERE id = (SELECT max(id::text)::uuid FROM events)",
        "event_removed",
    ),
];

async fn audit_detects_tampering(db: &TestDb) {
    use nansen_domain::convention::procedure::Track;
    // every scenario on its own copy of the same history
    for (i, (name, sqlite_sql, pg_sql, kind)) in TAMPERING.iter().enumerate() {
        let fresh = if db.url.starts_with("sqlite") { TestDb::sqlite().await } else { TestDb::postgres().await };
        let s = fresh.open().await;
        let op = operation(&s).await;
        let r = s.register_household(op, family(), meta()).await.unwrap();
        let p = &r.view.members[1];
        let mut d = p.details.clone();
        d.place_of_birth = Some(ShortText::parse("Hama").unwrap());
        s.update_person(p.id, 1, d, meta().with_reason(Reason::parse("seen ID").unwrap())).await.unwrap();
        s.lodge_claim(r.view.members[0].id, Track::Regular, meta()).await.unwrap();
        let ok = s.verify_audit().await.unwrap();
        assert!(ok.ok(), "untouched database reported {:?}", ok.first_problem);
        assert_eq!(ok.entries, ok.events);
        assert!(ok.entries >= 6 && ok.records_replayed >= 5, "{ok:?}");
        s.close().await;
        let sql = if fresh.url.starts_with("sqlite") { sqlite_sql } else { pg_sql };
        for stmt in sql.split("; ") {
            raw(&fresh, stmt).await.unwrap_or_else(|e| panic!("{name}: {stmt}: {e}"));
        }
        let s = fresh.open().await;
        let report = s.verify_audit().await.unwrap();
        let problem = report.first_problem.unwrap_or_else(|| panic!("{name}: not detected"));
        assert_eq!(problem.kind, *kind, "{name} ({i}): {problem:?}");
        assert!(!problem.detail.is_empty());
        s.close().await;
        fresh.cleanup().await;
    }
}

/// Registry statistics from the stored history: the stock at a past date and the flows up to it are
/// identical before and after later registrations, steps of procedures and corrections; small cells are
/// suppressed and cannot be recovered from the totals.
async fn registry_statistics_are_reproducible(db: &TestDb) {
    use chrono::TimeZone;
    use nansen_domain::convention::procedure::{Action, Outcome, Role, Track};
    use nansen_stats::registry::{Category, Flow};
    use nansen_stats::{history::RegistryHistory, output, suppress, Cell};
    let s = db.open().await;
    let op = operation(&s).await;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let m0 = Meta { at: Utc.with_ymd_and_hms(2024, 1, 10, 9, 0, 0).unwrap(), ..meta() };
    let members = || {
        vec![
            ("PA", person("Muhammad", "Hassan", None, "1980", None)),
            ("SPS", person("Fatima", "Hassan", None, "1984-05", None)),
            ("CHD", person("Omar", "Hassan", None, "2015-02-11", None)),
        ]
    };
    let mut pas = Vec::new();
    for i in 0..6 {
        let r = s.register_household(op, household(Some(&format!("S-{i}")), members()), m0.clone()).await.unwrap();
        pas.push(r.view.members[0].clone());
    }
    let mut claims = Vec::new();
    for p in &pas {
        claims.push(s.lodge_claim(p.id, Track::Regular, m0.clone()).await.unwrap());
    }
    for c in &claims[..4] {
        let (c, m) = decide(&s, c, Outcome::Recognised, &m0).await;
        s.act_on_claim(c.id, c.version, Action::Finalise, Role::RegistrationClerk, at(&m, 1)).await.unwrap();
    }
    let read = |s: AnyStore| async move {
        let mut h = RegistryHistory::new();
        let n = s.stream_statistical_events(op, |e| h.push(e), &|_| {}).await.unwrap();
        assert_eq!(n, h.report().events);
        assert_eq!(h.report().unreadable, 0, "{:?}", h.report().problems);
        h
    };
    let d1 = day(2024, 3, 1);
    let publish = |h: &RegistryHistory| {
        let stock = h.stock_at(d1);
        let flows = h.flows(day(2024, 1, 1), d1);
        let mut out = Vec::new();
        for t in [stock.to_table("JOR-AMM"), flows.to_table("JOR-AMM")] {
            let sup = suppress(&t, 5);
            assert!(nansen_stats::audit(&sup.table).is_empty(), "a suppressed cell can be recovered");
            output::write_csv(&sup.table, &mut out, true).unwrap();
        }
        (stock, flows, String::from_utf8(out).unwrap())
    };
    let (stock, flows, csv) = publish(&read(s.clone()).await);
    assert_eq!(stock.total(Category::Refugees), 12, "4 principal applicants and 8 family members with derivative status");
    assert_eq!(stock.total(Category::AsylumSeekers), 2);
    assert_eq!(flows.total(Flow::NewClaims), 6);
    assert_eq!(flows.total(Flow::FinalRecognised), 4);
    // The 2 pending asylum-seekers are a small cell: suppressed, with the rule stated.
    let t = suppress(&stock.to_table("JOR-AMM"), 5).table;
    let col = t.column("asylum_seekers").unwrap();
    assert!(t.rows.iter().all(|r| r[col].count() != Some(2)), "a count of 2 is published");
    assert!(t.rows.iter().any(|r| r[col] == Cell::Suppressed));
    assert!(t.disclosure.statement().contains("threshold 5"));
    assert!(csv.contains("threshold 5"), "{csv}");

    // Later changes: new persons and claims, decisions, corrections of biodata, a protection record.
    let m2 = at(&m0, 120);
    for i in 6..9 {
        let r = s.register_household(op, household(Some(&format!("S-{i}")), members()), m2.clone()).await.unwrap();
        s.lodge_claim(r.view.members[0].id, Track::Regular, m2.clone()).await.unwrap();
    }
    decide(&s, &claims[4], Outcome::Rejected, &m2).await;
    let p = s.person(pas[0].id).await.unwrap().unwrap();
    let mut details = p.details.clone();
    details.date_of_birth = Some(PartialDate::parse("2009").unwrap());
    details.citizenship = Citizenship::parse("AFG").unwrap();
    s.update_person(p.id, p.version, details, at(&m2, 1)).await.unwrap();
    let child = s.household(pas[5].household_id).await.unwrap().unwrap().members[2].id;
    let record = nansen_domain::protection::ProtectionRecord {
        screening: nansen_domain::convention::guard::Screening::Screened { on: day(2024, 5, 9), protection_needs_indicated: true },
        ..Default::default()
    };
    s.update_protection(child, 0, record, at(&m2, 1)).await.unwrap();

    let h = read(s.clone()).await;
    let (stock2, flows2, csv2) = publish(&h);
    assert_eq!(stock2, stock, "the stock at a past date changed after later events");
    assert_eq!(flows2, flows);
    assert_eq!(csv2, csv);
    // …while the figures for a later date do reflect the changes.
    let later = h.stock_at(day(2024, 6, 30));
    assert_eq!(later.total(Category::AsylumSeekers), 2 + 3);
    assert_eq!(later.total(Category::Oip), 1);
    let afg = nansen_stats::Place::parse("AFG").unwrap();
    assert!(later.cells.keys().any(|(p, _, a)| *p == afg && *a == nansen_stats::AgeBracket::A12to17));
}

macro_rules! contract {
    ($backend:ident, $make:expr) => {
        mod $backend {
            use super::*;
            macro_rules! case {
                ($name:ident) => {
                    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                    async fn $name() {
                        let db = $make.await;
                        super::$name(&db).await;
                        db.cleanup().await;
                    }
                };
            }
            case!(registers_and_reads_back);
            case!(search_by_name_case_and_document);
            case!(updates_are_versioned_and_historied);
            case!(concurrent_updates_one_wins);
            case!(registration_key_is_idempotent);
            case!(import_is_idempotent_and_pages);
            case!(imported_persons_keep_history_search_audit_and_statistics);
            case!(survives_reopen);
            case!(history_is_append_only_and_nothing_is_deleted);
            case!(unknown_records);
            case!(many_concurrent_registrations_all_land);
            case!(claims_follow_the_state_machine);
            case!(removals_are_evaluated_person_by_person);
            case!(jurisdictions_can_be_edited);
            case!(audit_detects_tampering);
            case!(registry_statistics_are_reproducible);
        }
    };
}

contract!(sqlite, TestDb::sqlite());
contract!(postgres, TestDb::postgres());

/// A full disk makes the SQLite store fail closed: writes stop and health fails.
#[tokio::test]
async fn sqlite_fails_closed_when_the_disk_is_full() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("full.db").display());
    let s = AnyStore::Sqlite(SqliteStore::limit_pages_for_test(&url, 90).await.unwrap());
    let op = operation(&s).await;
    let mut stopped = false;
    for i in 0..2000 {
        match s.register_household(op, household(Some(&format!("F-{i}")), vec![("PA", person("Nour", "Haddad", None, "1999", None))]), meta()).await {
            Ok(_) => {}
            Err(StoreError::WritesStopped(why)) => {
                assert!(why.to_lowercase().contains("full"), "{why}");
                stopped = true;
                break;
            }
            Err(e) => panic!("unexpected error {e}"),
        }
    }
    assert!(stopped, "the disk never filled");
    assert!(matches!(s.health().await, Err(StoreError::WritesStopped(_))));
    assert!(matches!(
        s.register_household(op, household(None, vec![("PA", person("Nour", "Haddad", None, "1999", None))]), meta()).await,
        Err(StoreError::WritesStopped(_))
    ));
}
