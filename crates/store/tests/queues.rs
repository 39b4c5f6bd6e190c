//! Work queues (claims by stage, appeal windows, removal requests): one suite, run against SQLite
//! and PostgreSQL. Every read is limited to the operations it is given.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, NaiveDate, Utc};
use nansen_domain::convention::guard::{RemovalKind, RemovalRequest};
use nansen_domain::convention::procedure::{Action, Outcome, Role, StageKind, Track, WrittenNotice};
use nansen_domain::person::LanguageCode;
use nansen_domain::*;
use nansen_store::testing::TestDb;
use nansen_store::*;

const REASONS: &str = "The account was inconsistent on material points and country information does not support a risk on return.";

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn meta(actor: &str) -> Meta {
    Meta::now(Actor::parse(actor).unwrap())
}

fn later(m: &Meta, days: i64, actor: &str) -> Meta {
    Meta { at: m.at + Duration::days(days), actor: Actor::parse(actor).unwrap(), reason: None }
}

async fn operation(s: &AnyStore, code: &str) -> OperationId {
    let op = Operation {
        id: OperationId::generate(),
        code: OperationCode::parse(code).unwrap(),
        name: ShortText::parse("Office").unwrap(),
        country: Iso3::parse("KEN").unwrap(),
        authority: DeterminingAuthority::Joint,
    };
    s.create_operation(op, meta("admin.test")).await.unwrap().id
}

async fn person(s: &AnyStore, op: OperationId, given: &str) -> PersonId {
    let input = HouseholdInput {
        registration_key: None,
        arrival_date: None,
        address: None,
        members: vec![MemberInput {
            relationship: Some("PA".into()),
            person: PersonInput { given_name: Some(given.into()), sex: Some("F".into()), citizenship: Some("SSD".into()), ..Default::default() },
        }],
    };
    s.register_household(op, NewHousehold::parse(&input, today()).unwrap(), meta("clerk.test")).await.unwrap().view.members[0].id
}

async fn step(s: &AnyStore, c: &ClaimRecord, action: Action, role: Role, m: &Meta) -> ClaimRecord {
    s.act_on_claim(c.id, c.version, action, role, m.clone()).await.unwrap_or_else(|e| panic!("{e}"))
}

async fn queues_follow_stages_and_operations(db: &TestDb) {
    let s = db.open().await;
    let kakuma = operation(&s, "KEN-KAK").await;
    let dadaab = operation(&s, "KEN-DAD").await;
    let m0 = meta("clerk.test");

    // Kakuma: three lodged claims, one registered, one scheduled; Dadaab: one lodged claim.
    let mut kak = Vec::new();
    for (i, name) in ["Achol", "Nyandeng", "Abuk", "Adut", "Ayen"].iter().enumerate() {
        let p = person(&s, kakuma, name).await;
        let c = s.lodge_claim(p, Track::Regular, later(&m0, i as i64, "clerk.test")).await.unwrap();
        kak.push(c);
    }
    let dad = person(&s, dadaab, "Nyakuma").await;
    s.lodge_claim(dad, Track::Regular, m0.clone()).await.unwrap();
    let m = later(&m0, 5, "clerk.test");
    let registered = step(&s, &kak[3], Action::RegisterForRsd, Role::RegistrationClerk, &m).await;
    let r2 = step(&s, &kak[4], Action::RegisterForRsd, Role::RegistrationClerk, &m).await;
    let when = m.at + Duration::days(10);
    let scheduled = step(&s, &r2, Action::ScheduleInterview { at: when, language: LanguageCode::parse("din").unwrap(), interpreter_required: true }, Role::RegistrationClerk, &m).await;

    let lodged = s.claims_in_stages(&[kakuma], None, &[StageKind::Lodged], false, 10, 0).await.unwrap();
    assert_eq!(lodged.total, 3);
    assert_eq!(lodged.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![kak[0].id, kak[1].id, kak[2].id], "oldest first");
    let newest = s.claims_in_stages(&[kakuma], None, &[StageKind::Lodged], true, 2, 0).await.unwrap();
    assert_eq!(newest.total, 3);
    assert_eq!(newest.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![kak[2].id, kak[1].id], "newest first, a page of two");
    let second = s.claims_in_stages(&[kakuma], None, &[StageKind::Lodged], true, 2, 2).await.unwrap();
    assert_eq!(second.items.iter().map(|c| c.id).collect::<Vec<_>>(), vec![kak[0].id]);
    // several stages at once, and every stage when none is named
    let two = s.claims_in_stages(&[kakuma], None, &[StageKind::RegisteredForRsd, StageKind::InterviewScheduled], false, 10, 0).await.unwrap();
    assert_eq!(two.total, 2);
    assert!(two.items.iter().any(|c| c.id == registered.id) && two.items.iter().any(|c| c.id == scheduled.id));
    assert_eq!(two.items.iter().find(|c| c.id == scheduled.id).unwrap().state, scheduled.state, "the sealed state is read back");
    assert_eq!(s.claims_in_stages(&[kakuma], None, &[], true, 50, 0).await.unwrap().total, 5);
    // the scope: another operation's claims are not seen, and no operation sees nothing
    assert_eq!(s.claims_in_stages(&[dadaab], None, &[StageKind::Lodged], false, 10, 0).await.unwrap().total, 1);
    assert_eq!(s.claims_in_stages(&[kakuma, dadaab], None, &[StageKind::Lodged], false, 10, 0).await.unwrap().total, 4);
    assert_eq!(s.claims_in_stages(&[], None, &[StageKind::Lodged], false, 10, 0).await.unwrap().total, 0);

    let counts: std::collections::HashMap<StageKind, i64> = s.claim_stage_counts(&[kakuma], None).await.unwrap().into_iter().collect();
    assert_eq!(counts, [(StageKind::Lodged, 3), (StageKind::RegisteredForRsd, 1), (StageKind::InterviewScheduled, 1)].into_iter().collect());
    assert_eq!(s.claim_stage_counts(&[dadaab], None).await.unwrap(), vec![(StageKind::Lodged, 1)]);
}

async fn appeal_windows_and_removals(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s, "KEN-KAK").await;
    let other = operation(&s, "KEN-DAD").await;
    let p = person(&s, op, "Achol").await;
    let m0 = meta("clerk.test");
    let mut c = s.lodge_claim(p, Track::Regular, m0.clone()).await.unwrap();
    let when = m0.at + Duration::days(10);
    let steps: Vec<(i64, &str, Role, Action)> = vec![
        (1, "clerk.test", Role::RegistrationClerk, Action::RegisterForRsd),
        (0, "clerk.test", Role::RegistrationClerk, Action::ScheduleInterview { at: when, language: LanguageCode::parse("ar").unwrap(), interpreter_required: false }),
        (10, "officer.a", Role::EligibilityOfficer, Action::RecordInterview),
        (1, "officer.a", Role::EligibilityOfficer, Action::DraftAssessment { recommendation: Outcome::Rejected }),
        (1, "reviewer.b", Role::Supervisor, Action::Review),
        (1, "officer.a", Role::EligibilityOfficer, Action::Decide { outcome: Outcome::Rejected, reasons: Reason::parse(REASONS).unwrap() }),
        (1, "clerk.test", Role::RegistrationClerk, Action::Notify { method: WrittenNotice::InPerson }),
    ];
    let mut m = m0.clone();
    for (days, actor, role, action) in steps {
        m = later(&m, days, actor);
        c = step(&s, &c, action, role, &m).await;
    }
    let notified_at = m.at;
    let found = s.claims_notified_since(&[op], None, notified_at - Duration::days(31), 10).await.unwrap();
    assert_eq!(found.iter().map(|x| x.id).collect::<Vec<_>>(), vec![c.id]);
    assert_eq!(found[0].state, c.state);
    assert!(s.claims_notified_since(&[op], None, notified_at + Duration::seconds(1), 10).await.unwrap().is_empty(), "notified before the cut-off");
    assert!(s.claims_notified_since(&[other], None, notified_at - Duration::days(31), 10).await.unwrap().is_empty(), "another operation");

    // removal requests: newest first, open ones only on demand, with the guard's tally
    let q = person(&s, op, "Nyandeng").await;
    let req = |persons: Vec<PersonId>| RemovalRequest { kind: RemovalKind::Deportation, destination: Iso3::parse("SSD").unwrap(), persons };
    let first = s.request_removal(op, req(vec![p, q]), Reason::parse("end of stay").unwrap(), meta("officer.p")).await.unwrap();
    let second = s.request_removal(op, req(vec![q]), Reason::parse("end of stay").unwrap(), later(&meta("officer.p"), 0, "officer.p")).await.unwrap();
    s.execute_removal(first.id, first.version, meta("officer.p")).await.unwrap();
    let all = s.removal_requests(&[op], None, false, 10, 0).await.unwrap();
    assert_eq!(all.total, 2);
    assert_eq!(all.items[0].id, second.id, "newest first");
    let f = all.items.iter().find(|r| r.id == first.id).unwrap();
    assert_eq!((f.evaluated, f.allowed), (2, 0), "both persons refused at request time");
    assert_eq!(f.data.status, RemovalStatus::Executed);
    let open = s.removal_requests(&[op], None, true, 10, 0).await.unwrap();
    assert_eq!(open.total, 1);
    assert_eq!(open.items[0].id, second.id);
    assert_eq!(s.removal_requests(&[other], None, false, 10, 0).await.unwrap().total, 0);
}

fn entry(action: &str) -> nansen_store::accounts::AccessEntry {
    nansen_store::accounts::AccessEntry { at: Utc::now(), actor: "senior.test".into(), action: action.into(), target: String::new(), origin: "-".into(), outcome: 1, reason: Some("team 2".into()) }
}

async fn assignments_bound_every_list(db: &TestDb) {
    use nansen_domain::access::{Role as StaffRole, Roles, Username};
    use nansen_store::accounts::{NewUser, OperationScope};
    let s = db.open().await;
    let accounts = s.accounts();
    let op = operation(&s, "KEN-KAK").await;
    let m = meta("clerk.test");
    let (a, b) = (person(&s, op, "Achol").await, person(&s, op, "Nyandeng").await);
    let household_of = |p: PersonId| {
        let s = s.clone();
        async move { s.person(p).await.unwrap().unwrap().household_id }
    };
    let (ha, hb) = (household_of(a).await, household_of(b).await);
    assert_ne!(ha, hb);
    s.lodge_claim(a, Track::Regular, m.clone()).await.unwrap();
    s.lodge_claim(b, Track::Regular, m.clone()).await.unwrap();
    let removal = |persons: Vec<PersonId>| RemovalRequest { kind: RemovalKind::Removal, destination: Iso3::parse("SSD").unwrap(), persons };
    s.request_removal(op, removal(vec![a, b]), Reason::parse("end of stay").unwrap(), meta("officer.p")).await.unwrap();
    let user = accounts
        .create_user(
            NewUser {
                username: Username::parse("caseworker").unwrap(),
                display_name: "Case Worker".into(),
                password_hash: "x".into(),
                roles: Roles::parse(&[StaffRole::EligibilityOfficer]).unwrap(),
                operations: OperationScope::All,
                affiliation: None,
                assigned_only: true,
            },
            entry("user.create"),
        )
        .await
        .unwrap();
    assert!(user.assigned_only);
    let u = Some(user.id);
    let claims = |assigned: Option<uuid::Uuid>| {
        let s = s.clone();
        async move { s.claims_in_stages(&[op], assigned, &[], true, 50, 0).await.unwrap().total }
    };
    let search = SearchQuery { operation: Some(op), assigned_to: u, limit: 50, ..Default::default() };

    // Nothing assigned: every list is empty for the user, full for everyone else.
    assert_eq!((claims(u).await, claims(None).await), (0, 2));
    assert!(s.claim_stage_counts(&[op], u).await.unwrap().is_empty());
    assert_eq!(s.search(&search).await.unwrap().total, 0);
    assert_eq!(s.removal_requests(&[op], u, false, 10, 0).await.unwrap().total, 0);

    // Case A assigned: its claim and person; the removal still names a person of case B.
    let asg = accounts.assign_case(op, ha, user.id, "team 2", entry("case.assign")).await.unwrap();
    assert!(matches!(accounts.assign_case(op, ha, user.id, "again", entry("case.assign")).await, Err(StoreError::Duplicate(_))));
    assert_eq!(accounts.assigned_cases(user.id).await.unwrap(), vec![ha]);
    assert_eq!(claims(u).await, 1);
    assert_eq!(s.claim_stage_counts(&[op], u).await.unwrap(), vec![(StageKind::Lodged, 1)]);
    let found = s.search(&search).await.unwrap();
    assert_eq!((found.total, found.items[0].id), (1, a));
    assert_eq!(s.removal_requests(&[op], u, false, 10, 0).await.unwrap().total, 0, "a request naming anyone outside the user's cases stays hidden");
    s.request_removal(op, removal(vec![a]), Reason::parse("end of stay").unwrap(), meta("officer.p")).await.unwrap();
    assert_eq!(s.removal_requests(&[op], u, false, 10, 0).await.unwrap().total, 1);
    assert_eq!(s.removal_requests(&[op], None, false, 10, 0).await.unwrap().total, 2);

    // Ended: the list closes again; the assignment stays on record with who ended it and why.
    assert!(accounts.end_assignment(asg.id, "transferred", entry("case.unassign")).await.unwrap());
    assert!(!accounts.end_assignment(asg.id, "again", entry("case.unassign")).await.unwrap(), "ending twice writes nothing");
    assert_eq!(claims(u).await, 0);
    assert!(accounts.assigned_cases(user.id).await.unwrap().is_empty());
    let all = accounts.case_assignments(ha).await.unwrap();
    assert_eq!(all.len(), 1);
    assert_eq!((all[0].ended_by.as_deref(), all[0].end_reason.as_deref()), (Some("senior.test"), Some("transferred")));
    assert!(accounts.case_assignments(hb).await.unwrap().is_empty());
    assert!(accounts.verify_access_log().await.unwrap().first_break.is_none());
}

macro_rules! both {
    ($($name:ident),*) => {
        mod sqlite { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::sqlite().await; super::$name(&db).await; db.cleanup().await; } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::postgres().await; super::$name(&db).await; db.cleanup().await; } )* }
    };
}
both!(queues_follow_stages_and_operations, appeal_windows_and_removals, assignments_bound_every_list);
