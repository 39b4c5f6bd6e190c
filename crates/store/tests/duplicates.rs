//! The review queue of proposed duplicates and merges: one suite, run against SQLite and PostgreSQL
//! (the same contract style as `contract.rs`; PostgreSQL tests fail, never skip, when it is down).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{NaiveDate, Utc};
use nansen_domain::*;
use nansen_store::testing::{raw, TestDb};
use nansen_store::*;
use serde_json::json;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn meta() -> Meta {
    Meta::now(Actor::parse("officer.test").unwrap())
}

fn why(text: &str) -> Meta {
    meta().with_reason(Reason::parse(text).unwrap())
}

fn single(given: &str, family: &str, dob: &str, doc: Option<&str>) -> NewHousehold {
    let input = HouseholdInput {
        registration_key: None,
        arrival_date: None,
        address: Some("Block C-12".into()),
        members: vec![MemberInput {
            relationship: Some("PA".into()),
            person: PersonInput {
                given_name: Some(given.into()),
                family_name: Some(family.into()),
                sex: Some("M".into()),
                date_of_birth: Some(dob.into()),
                citizenship: Some("SYR".into()),
                documents: doc
                    .map(|d| vec![person::DocumentInput { kind: Some("passport".into()), number: Some(d.into()), issuing_country: Some("SYR".into()), expiry_date: None }])
                    .unwrap_or_default(),
                ..Default::default()
            },
        }],
    };
    NewHousehold::parse(&input, today()).unwrap()
}

async fn operation(store: &AnyStore) -> OperationId {
    nansen_store::testing::amman_operation(store, meta()).await
}

async fn register(s: &AnyStore, op: OperationId, given: &str, family: &str, dob: &str, doc: Option<&str>) -> HouseholdView {
    s.register_household(op, single(given, family, dob, doc), meta()).await.unwrap().view
}

fn pair(a: PersonId, b: PersonId, score: f64) -> NewDuplicate {
    NewDuplicate { person: a, other: b, score, explanation: json!({"fields": [{"field": "given_name", "level": "exact", "weight": 3.5}]}), found_by: "registration".into() }
}

fn kinds(h: &[Event]) -> Vec<&'static str> {
    h.iter().map(|e| e.kind.as_str()).collect()
}

async fn queue_dismiss_and_confirm(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let a = register(&s, op, "Mohammed", "Al-Hassan", "1980-03-04", None).await.members[0].id;
    let b = register(&s, op, "Muhammad", "Alhassan", "1980-03-04", None).await.members[0].id;
    let c = register(&s, op, "Amina", "Karimi", "1990", None).await.members[0].id;

    let queued = s.queue_duplicates(op, vec![pair(b, a, 0.93), pair(a, a, 1.0), pair(b, c, 0.4), pair(a, PersonId::generate(), 0.9)], meta()).await.unwrap();
    assert_eq!(queued.len(), 2, "the same person twice and an unknown person are skipped: {queued:?}");
    let ab = queued.iter().find(|d| d.score > 0.9).unwrap().clone();
    assert!(ab.person_a.as_uuid() < ab.person_b.as_uuid());
    assert_eq!((ab.status, ab.version), (DuplicateStatus::Open, 1));
    assert_eq!(ab.explanation["fields"][0]["level"], "exact");
    // a pair is proposed once, in whichever order it is named again
    assert!(s.queue_duplicates(op, vec![pair(a, b, 0.95)], meta()).await.unwrap().is_empty());

    let open = s.duplicates(op, None, Some(DuplicateStatus::Open), 50, 0).await.unwrap();
    assert_eq!(open.total, 2);
    assert_eq!(open.items[0].id, ab.id, "best score first");
    assert_eq!(s.duplicates(op, None, Some(DuplicateStatus::Open), 1, 1).await.unwrap().items.len(), 1);
    assert_eq!(s.duplicates_of(a).await.unwrap().len(), 1);

    // a decision needs a reason and the current version
    assert!(matches!(s.decide_duplicate(ab.id, 1, DuplicateDecision::Dismiss, meta()).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.decide_duplicate(ab.id, 7, DuplicateDecision::Dismiss, why("different fathers")).await, Err(StoreError::Conflict { current: 1, .. })));
    let bc = queued.iter().find(|d| d.id != ab.id).unwrap();
    let dismissed = s.decide_duplicate(bc.id, 1, DuplicateDecision::Dismiss, why("different people: other parents and place of birth")).await.unwrap();
    assert_eq!((dismissed.status, dismissed.version), (DuplicateStatus::Dismissed, 2));
    assert_eq!(dismissed.decided_by.as_deref(), Some("officer.test"));
    assert!(dismissed.decision_reason.as_deref().unwrap().contains("other parents"));
    assert!(matches!(s.decide_duplicate(bc.id, 2, DuplicateDecision::Confirm, why("again")).await, Err(StoreError::Rule { code: "duplicate_status", .. })));
    let confirmed = s.decide_duplicate(ab.id, 1, DuplicateDecision::Confirm, why("same passport photo")).await.unwrap();
    assert_eq!((confirmed.status, confirmed.version), (DuplicateStatus::Confirmed, 2));
    assert_eq!(s.duplicate(ab.id).await.unwrap().unwrap(), confirmed);
    assert_eq!(s.duplicates(op, None, Some(DuplicateStatus::Open), 50, 0).await.unwrap().total, 0);
    assert_eq!(s.duplicates(op, None, None, 50, 0).await.unwrap().total, 2);
    let h = s.history(EntityKind::Duplicate, ab.id.as_uuid()).await.unwrap();
    assert_eq!(kinds(&h), ["duplicate_queued", "duplicate_confirmed"]);
    assert_eq!(h[1].reason.as_deref(), Some("same passport photo"));
    let report = s.verify_audit().await.unwrap();
    assert!(report.ok(), "{report:?}");
}

async fn merge_and_unmerge_keep_both_histories(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let first = register(&s, op, "Mohammed", "Al-Hassan", "1980-03-04", Some("N 123 456")).await;
    let second = register(&s, op, "Muhammad", "Alhassan", "1980-03-04", Some("P 999 111")).await;
    let third = register(&s, op, "Mohamad", "Hassan", "1980-03-04", None).await;
    let (keep, gone, other) = (first.members[0].clone(), second.members[0].clone(), third.members[0].id);
    // the survivor was edited once: its version is 2
    let mut d = keep.details.clone();
    d.place_of_birth = Some(ShortText::parse("Homs").unwrap());
    let keep = s.update_person(keep.id, 1, d, why("seen ID card")).await.unwrap();
    let q = s.queue_duplicates(op, vec![pair(keep.id, gone.id, 0.97), pair(keep.id, other, 0.8)], meta()).await.unwrap();
    let id = q.iter().find(|d| d.score > 0.9).unwrap().id;
    let id2 = q.iter().find(|d| d.score < 0.9).unwrap().id;

    // only a confirmed pair is merged
    assert!(matches!(s.merge_duplicate(id, 1, None, why("same person")).await, Err(StoreError::Rule { code: "duplicate_status", .. })));
    s.decide_duplicate(id, 1, DuplicateDecision::Confirm, why("same person, same date of birth")).await.unwrap();
    assert!(matches!(s.merge_duplicate(id, 1, None, why("same person")).await, Err(StoreError::Conflict { current: 2, .. })));
    assert!(matches!(s.merge_duplicate(id, 2, Some(other), why("same person")).await, Err(StoreError::Invalid(_))));
    assert!(matches!(s.merge_duplicate(id, 2, None, meta()).await, Err(StoreError::Invalid(_))));
    let merged = s.merge_duplicate(id, 2, None, why("registered twice on arrival")).await.unwrap();
    assert_eq!((merged.status, merged.version, merged.survivor), (DuplicateStatus::Merged, 3, Some(keep.id)), "the first registered survives");

    // nothing is deleted: the merged record leads to the survivor, both histories grow by one event
    let g = s.person(gone.id).await.unwrap().unwrap();
    assert_eq!((g.merged_into, g.version), (Some(keep.id), 2));
    assert_eq!(g.details, gone.details);
    let k = s.person(keep.id).await.unwrap().unwrap();
    assert_eq!((k.merged_into, k.version), (None, 3));
    assert_eq!(kinds(&s.history(EntityKind::Person, gone.id.as_uuid()).await.unwrap()), ["person_registered", "person_merged"]);
    assert_eq!(kinds(&s.history(EntityKind::Person, keep.id.as_uuid()).await.unwrap()), ["person_registered", "person_updated", "person_merged"]);
    assert_eq!(s.household(second.household.id).await.unwrap().unwrap().members.len(), 1);
    // searches lead to the survivor: by the merged record's name, document and case number
    let q = |name: Option<&str>, doc: Option<&str>, cn: Option<CaseNumber>| SearchQuery { operation: Some(op), name: name.map(Into::into), document_number: doc.map(Into::into), case_number: cn, assigned_to: None, limit: 50, offset: 0 };
    for query in [q(Some("muhammad alhassan"), None, None), q(None, Some("P999111"), None), q(None, None, Some(second.household.case_number.clone()))] {
        let found = s.search(&query).await.unwrap();
        assert_eq!(found.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![keep.id], "{query:?}");
    }
    assert_eq!(s.search(&q(None, None, None)).await.unwrap().total, 2, "the merged record is not listed on its own");
    // a merged record is not edited any more, nor merged again
    assert!(matches!(s.update_person(gone.id, 2, gone.details.clone(), meta()).await, Err(StoreError::Rule { code: "merged", .. })));
    assert!(matches!(s.merge_duplicate(id, 3, None, why("again")).await, Err(StoreError::Rule { code: "duplicate_status", .. })));
    assert!(s.queue_duplicates(op, vec![pair(gone.id, other, 0.9)], meta()).await.unwrap().is_empty());
    s.decide_duplicate(id2, 1, DuplicateDecision::Confirm, why("same person again")).await.unwrap();
    let refused = s.merge_duplicate(id2, 2, Some(other), why("keep the third")).await;
    assert!(matches!(refused, Err(StoreError::Rule { code: "already_merged", .. })), "{refused:?}");

    // undo
    assert!(matches!(s.unmerge_duplicate(id, 2, why("wrong merge")).await, Err(StoreError::Conflict { current: 3, .. })));
    assert!(matches!(s.unmerge_duplicate(id2, 2, why("nothing merged")).await, Err(StoreError::Rule { code: "duplicate_status", .. })));
    let back = s.unmerge_duplicate(id, 3, why("brothers, not one person: DNA test")).await.unwrap();
    assert_eq!((back.status, back.version, back.survivor), (DuplicateStatus::Open, 4, None), "the pair returns to review");
    let g = s.person(gone.id).await.unwrap().unwrap();
    assert_eq!((g.merged_into, g.version), (None, 3));
    assert_eq!(s.person(keep.id).await.unwrap().unwrap().version, 4);
    assert_eq!(kinds(&s.history(EntityKind::Person, gone.id.as_uuid()).await.unwrap()), ["person_registered", "person_merged", "person_unmerged"]);
    assert_eq!(kinds(&s.history(EntityKind::Person, keep.id.as_uuid()).await.unwrap()), ["person_registered", "person_updated", "person_merged", "person_unmerged"]);
    assert_eq!(kinds(&s.history(EntityKind::Duplicate, id.as_uuid()).await.unwrap()), ["duplicate_queued", "duplicate_confirmed", "person_merged", "person_unmerged"]);
    let found = s.search(&q(None, Some("P999111"), None)).await.unwrap();
    assert_eq!(found.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![gone.id]);
    let found = s.search(&q(Some("mohammed"), None, None)).await.unwrap();
    assert_eq!(found.items.iter().map(|p| p.id).collect::<Vec<_>>(), vec![keep.id], "the survivor keeps its own names");
    // merged the other way round this time, with the survivor named
    s.decide_duplicate(id, 4, DuplicateDecision::Confirm, why("confirmed after all")).await.unwrap();
    let again = s.merge_duplicate(id, 5, Some(gone.id), why("keep the record with the passport")).await.unwrap();
    assert_eq!(again.survivor, Some(gone.id));
    assert_eq!(s.person(keep.id).await.unwrap().unwrap().merged_into, Some(gone.id));

    let report = s.verify_audit().await.unwrap();
    assert!(report.ok(), "{report:?}");
    assert_eq!(report.entries, report.events);
    s.close().await;

    // a merge changed outside Nansen is found
    raw(db, "UPDATE persons SET merged_into = NULL WHERE merged_into IS NOT NULL").await.unwrap();
    let s = db.open().await;
    let report = s.verify_audit().await.unwrap();
    assert_eq!(report.first_problem.map(|p| p.kind), Some("record_altered"));
    s.close().await;
}

async fn status_changed_outside_is_found(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let a = register(&s, op, "Mohammed", "Al-Hassan", "1980-03-04", None).await.members[0].id;
    let b = register(&s, op, "Muhammad", "Alhassan", "1980-03-04", None).await.members[0].id;
    s.queue_duplicates(op, vec![pair(a, b, 0.9)], meta()).await.unwrap();
    assert!(s.verify_audit().await.unwrap().ok());
    s.close().await;
    raw(db, "UPDATE duplicate_candidates SET status = 'dismissed'").await.unwrap();
    let s = db.open().await;
    assert_eq!(s.verify_audit().await.unwrap().first_problem.map(|p| p.kind), Some("record_altered"));
    s.close().await;
}

macro_rules! duplicates_contract {
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
            case!(queue_dismiss_and_confirm);
            case!(merge_and_unmerge_keep_both_histories);
            case!(status_changed_outside_is_found);
        }
    };
}

duplicates_contract!(sqlite, TestDb::sqlite());
duplicates_contract!(postgres, TestDb::postgres());
