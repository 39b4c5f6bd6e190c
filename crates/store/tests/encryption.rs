//! Encryption at rest, on both backends: sensitive fields are unreadable in the raw database while
//! the store reads them back; a wrong or missing key is refused; rotation works end to end; an
//! altered or moved ciphertext is an error, never garbage.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, Utc};
use nansen_domain::convention::procedure::{Action, Outcome, Role, Track};
use nansen_domain::*;
use nansen_store::testing::{raw, TestDb};
use nansen_store::*;
use sqlx::Connection;

/// A specific-needs code and texts that appear nowhere else in the database.
const NEED: &str = "SM-CI";
const FACT: &str = "detained-at-checkpoint-Q7-by-militia";
const REASONS: &str = "Credible account: xylophone-quorum-persecution for political opinion (Art. 1A(2)).";

fn meta() -> Meta {
    Meta::now(Actor::parse("clerk.test").unwrap())
}

fn at(m: &Meta, days: i64, actor: &str) -> Meta {
    let mut m = m.clone();
    m.at += Duration::days(days);
    m.actor = Actor::parse(actor).unwrap();
    m
}

fn person(given: &str, needs: &[&str]) -> PersonInput {
    PersonInput {
        given_name: Some(given.into()),
        family_name: Some("Haddad".into()),
        sex: Some("F".into()),
        date_of_birth: Some("1990".into()),
        citizenship: Some("SYR".into()),
        specific_needs: needs.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    }
}

fn household(key: &str) -> NewHousehold {
    let input = HouseholdInput {
        registration_key: Some(key.into()),
        arrival_date: Some("2025-03-01".into()),
        address: Some("Block C-12".into()),
        members: vec![
            MemberInput { relationship: Some("PA".into()), person: person("Nour", &[NEED]) },
            MemberInput { relationship: Some("SPS".into()), person: person("Rana", &["DS-BD"]) },
        ],
    };
    NewHousehold::parse(&input, Utc::now().date_naive()).unwrap()
}

async fn operation(s: &AnyStore) -> OperationId {
    nansen_store::testing::amman_operation(s, meta()).await
}

/// Registers a household, changes a need, lodges a claim, records an assessment and decides it.
async fn sensitive_history(s: &AnyStore) -> (PersonRecord, ClaimId) {
    let op = operation(s).await;
    let r = s.register_household(op, household("ENC-1"), meta()).await.unwrap();
    let pa = r.view.members[0].clone();
    let mut d = pa.details.clone();
    d.specific_needs.push(person::SpecificNeed::parse("SV").unwrap());
    let pa = s.update_person(pa.id, 1, d, meta()).await.unwrap();
    let m = meta();
    let c = s.lodge_claim(pa.id, Track::Regular, m.clone()).await.unwrap();
    s.record_assessment(c.id, serde_json::json!({"persecution": FACT}), serde_json::json!({"recommendation": "recognised", "why": FACT}), m.clone()).await.unwrap();
    let mut c = s.claim(c.id).await.unwrap().unwrap();
    let when = m.at + Duration::days(10);
    let steps: Vec<(i64, Role, &str, Action)> = vec![
        (1, Role::RegistrationClerk, "clerk.c", Action::RegisterForRsd),
        (0, Role::RegistrationClerk, "clerk.c", Action::ScheduleInterview { at: when, language: person::LanguageCode::parse("ar").unwrap(), interpreter_required: true }),
        (10, Role::EligibilityOfficer, "officer.a", Action::RecordInterview),
        (1, Role::EligibilityOfficer, "officer.a", Action::DraftAssessment { recommendation: Outcome::Recognised }),
        (1, Role::Supervisor, "supervisor.b", Action::Review),
        (1, Role::EligibilityOfficer, "officer.a", Action::Decide { outcome: Outcome::Recognised, reasons: Reason::parse(REASONS).unwrap() }),
    ];
    let mut mm = m.clone();
    for (days, role, actor, action) in steps {
        mm = at(&mm, days, actor);
        c = s.act_on_claim(c.id, c.version, action, role, mm.clone()).await.unwrap_or_else(|e| panic!("{e}"));
    }
    (pa, c.id)
}

/// Everything the database holds, as raw bytes: every file of the SQLite database (main file,
/// WAL), or the text of every row of the PostgreSQL tables that hold personal data.
async fn raw_bytes(db: &TestDb) -> Vec<u8> {
    if let Some(path) = db.url.strip_prefix("sqlite://") {
        let dir = std::path::Path::new(path).parent().unwrap();
        let mut out = Vec::new();
        for f in std::fs::read_dir(dir).unwrap() {
            out.extend(std::fs::read(f.unwrap().path()).unwrap());
        }
        out
    } else {
        let mut c = sqlx::PgConnection::connect(&db.url).await.unwrap();
        let mut out = Vec::new();
        for t in ["persons", "households", "events", "claims", "assessments", "protection_records", "audit_log"] {
            let text: Option<String> = sqlx::query_scalar(&format!("SELECT string_agg(t::text, '|') FROM {t} t")).fetch_one(&mut c).await.unwrap();
            out.extend(text.unwrap_or_default().into_bytes());
        }
        out
    }
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

async fn sensitive_fields_are_unreadable_raw_and_read_back(db: &TestDb) {
    let s = db.open().await;
    let (pa, claim) = sensitive_history(&s).await;
    // The store reads everything back.
    let p = s.person(pa.id).await.unwrap().unwrap();
    assert_eq!(p.details.specific_needs.iter().map(|n| n.to_string()).collect::<Vec<_>>(), vec![NEED, "SV"]);
    let a = s.assessments(claim).await.unwrap();
    assert_eq!(a[0].facts["persecution"], FACT);
    let c = s.claim(claim).await.unwrap().unwrap();
    assert!(serde_json::to_string(&c.state).unwrap().contains("xylophone-quorum-persecution"));
    let h = s.history(EntityKind::Person, pa.id.as_uuid()).await.unwrap();
    assert!(serde_json::to_string(&h).unwrap().contains(NEED));
    let h = s.history(EntityKind::Claim, claim.as_uuid()).await.unwrap();
    assert!(serde_json::to_string(&h).unwrap().contains("xylophone-quorum-persecution"));
    let report = s.verify_audit().await.unwrap();
    assert!(report.ok(), "{:?}", report.first_problem);
    s.close().await;
    // The raw database does not hold them, though it holds the names.
    let bytes = raw_bytes(db).await;
    assert!(contains(&bytes, "Nour"), "the raw read sees the data");
    for secret in [NEED, "DS-BD", FACT, "xylophone-quorum-persecution"] {
        assert!(!contains(&bytes, secret), "{secret} is readable in the raw database");
    }
}

/// An import's household registration carries its members' details: their sensitive needs are
/// sealed there too, read back in the person's history, and the audit verifies.
async fn imported_needs_are_sealed_in_the_registration(db: &TestDb) {
    let s = db.open().await;
    let op = operation(&s).await;
    let rep = s.import(op, vec![household("ENC-IMP")], meta(), &|_| {}).await.unwrap();
    assert_eq!(rep.persons_created, 2);
    let v = s.households_after(op, None, 1).await.unwrap().remove(0);
    let h = s.history(EntityKind::Person, v.members[0].id.as_uuid()).await.unwrap();
    assert_eq!(h[0].kind, EventKind::PersonRegistered);
    assert_eq!(h[0].data["details"]["specific_needs"], serde_json::json!([NEED]));
    let report = s.verify_audit().await.unwrap();
    assert!(report.ok(), "{:?}", report.first_problem);
    s.close().await;
    let bytes = raw_bytes(db).await;
    assert!(contains(&bytes, "Nour"), "the raw read sees the data");
    for secret in [NEED, "DS-BD"] {
        assert!(!contains(&bytes, secret), "{secret} is readable in the raw database");
    }
}

/// The same history without a master key leaves the values readable: the check above can fail.
async fn without_a_key_the_same_values_are_readable(db: &TestDb) {
    let s = connect(&db.db_url()).await.unwrap();
    sensitive_history(&s).await;
    s.close().await;
    let bytes = raw_bytes(db).await;
    assert!(contains(&bytes, NEED) && contains(&bytes, FACT) && contains(&bytes, "xylophone-quorum-persecution"));
}

async fn a_missing_or_wrong_key_is_refused(db: &TestDb) {
    let s = db.open().await;
    sensitive_history(&s).await;
    s.close().await;
    let err = connect(&db.db_url()).await.err().expect("no key refused");
    assert!(matches!(err, StoreError::KeyRequired), "{err}");
    assert!(err.to_string().contains("--key-file"), "{err}");
    let err = connect_with_key(&db.db_url(), Some(&MasterKey::generate())).await.err().expect("wrong key refused");
    assert!(matches!(err, StoreError::WrongKey { .. }), "{err}");
    assert!(err.to_string().contains("does not open"), "{err}");
}

async fn rotation_rewraps_and_only_the_new_key_opens(db: &TestDb) {
    let s = db.open().await;
    let (pa, claim) = sensitive_history(&s).await;
    s.close().await;
    let new = MasterKey::generate();
    let r = rotate_master_key(&db.db_url(), &db.key, &new).await.unwrap();
    assert_eq!(r, Rotation { rewrapped: 1, new_data_key: 2 });
    // Rotating again with the old key fails: it no longer opens the keyring.
    assert!(matches!(rotate_master_key(&db.db_url(), &db.key, &MasterKey::generate()).await, Err(StoreError::WrongKey { .. })));
    assert!(matches!(connect_with_key(&db.db_url(), Some(&db.key)).await.err(), Some(StoreError::WrongKey { .. })));
    let s = connect_with_key(&db.db_url(), Some(&new)).await.unwrap();
    // What was sealed before the rotation still reads.
    let p = s.person(pa.id).await.unwrap().unwrap();
    assert!(p.details.specific_needs.iter().any(|n| n.as_str() == NEED));
    assert_eq!(s.assessments(claim).await.unwrap()[0].facts["persecution"], FACT);
    // New writes are sealed with the new data key.
    let mut d = p.details.clone();
    d.specific_needs.retain(|n| n.as_str() != "SV");
    let p = s.update_person(p.id, p.version, d, meta()).await.unwrap();
    assert_eq!(s.person(p.id).await.unwrap().unwrap().details.specific_needs.len(), 1);
    let report = s.verify_audit().await.unwrap();
    assert!(report.ok(), "{:?}", report.first_problem);
    s.close().await;
    let bytes = raw_bytes(db).await;
    assert!([r#""k":2"#, r#""k": 2"#, r#"""k"": 2"#].iter().any(|p| contains(&bytes, p)), "new data key in use");
    assert!(!contains(&bytes, NEED));
}

async fn altered_or_moved_ciphertexts_are_errors(db: &TestDb) {
    let s = db.open().await;
    let (pa, _) = sensitive_history(&s).await;
    let spouse = s.household(pa.household_id).await.unwrap().unwrap().members[1].id;
    s.close().await;
    // Give the principal applicant the spouse's sealed needs (a valid ciphertext, but not hers).
    let (sqlite_sql, pg_sql) = (
        format!("UPDATE persons SET data = json_set(data, '$.specific_needs', json((SELECT json_extract(data, '$.specific_needs') FROM persons WHERE hex(id) = '{}'))) WHERE hex(id) = '{}'", hex(spouse.as_uuid()), hex(pa.id.as_uuid())),
        format!("UPDATE persons SET data = jsonb_set(data, '{{specific_needs}}', (SELECT data->'specific_needs' FROM persons WHERE id = '{spouse}')) WHERE id = '{}'", pa.id),
    );
    raw(db, if db.url.starts_with("sqlite") { &sqlite_sql } else { &pg_sql }).await.unwrap();
    let s = db.open().await;
    let err = s.person(pa.id).await.expect_err("a moved ciphertext is refused");
    assert!(matches!(err, StoreError::Corrupt(_)) && err.to_string().contains("failed authentication"), "{err}");
    // The spouse, untouched, still reads.
    assert!(s.person(spouse).await.unwrap().is_some());
    let report = s.verify_audit().await.unwrap();
    assert_eq!(report.first_problem.map(|p| p.kind), Some("record_altered"));
    s.close().await;
    // A changed byte of the ciphertext of a claim's state.
    let (sqlite_sql, pg_sql) = (
        "UPDATE claims SET state = json_set(state, '$.c', 'AAAA' || substr(json_extract(state, '$.c'), 5))",
        "UPDATE claims SET state = jsonb_set(state, '{c}', to_jsonb('AAAA' || substr(state->>'c', 5)))",
    );
    raw(db, if db.url.starts_with("sqlite") { sqlite_sql } else { pg_sql }).await.unwrap();
    let s = db.open().await;
    let err = s.claims_of(pa.id).await.expect_err("an altered ciphertext is refused");
    assert!(err.to_string().contains("failed authentication"), "{err}");
    s.close().await;
}

fn hex(u: uuid::Uuid) -> String {
    u.simple().to_string().to_uppercase()
}

/// A database that started without a key keeps its plaintext rows readable once a key is given;
/// from then on new writes are sealed and the key is required.
async fn a_plaintext_database_takes_a_key(db: &TestDb) {
    let s = connect(&db.db_url()).await.unwrap();
    let op = operation(&s).await;
    let before = s.register_household(op, household("PLAIN-1"), meta()).await.unwrap();
    s.close().await;
    let s = db.open().await;
    assert_eq!(s.household(before.view.household.id).await.unwrap().unwrap(), before.view);
    s.register_household(op, household("SEALED-1"), meta()).await.unwrap();
    assert!(s.verify_audit().await.unwrap().ok());
    s.close().await;
    assert!(matches!(connect(&db.db_url()).await.err(), Some(StoreError::KeyRequired)));
}

macro_rules! suite {
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
            case!(sensitive_fields_are_unreadable_raw_and_read_back);
            case!(imported_needs_are_sealed_in_the_registration);
            case!(without_a_key_the_same_values_are_readable);
            case!(a_missing_or_wrong_key_is_refused);
            case!(rotation_rewraps_and_only_the_new_key_opens);
            case!(altered_or_moved_ciphertexts_are_errors);
            case!(a_plaintext_database_takes_a_key);
        }
    };
}

suite!(sqlite, TestDb::sqlite());
suite!(postgres, TestDb::postgres());
