//! Property: whatever sequence of API-level actions is taken — claims lodged and moved through the
//! procedure by any role, screenings, identity findings, torture risks recorded, days passing,
//! removals requested and executed — the API never approves (at request or at execution) the
//! removal of a person who is unscreened, whose claim is pending or whose appeal window is open,
//! who holds refugee or complementary protection status, or who has a recorded torture risk for
//! the destination. Checked against what the API itself reports about the person at that moment.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use nansen_domain::convention::procedure::{pending, ClaimState};
use nansen_store::testing::TestDb;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{App, REASONS};

const ROLES: [&str; 5] = ["registration_clerk", "eligibility_officer", "supervisor", "appeal_officer", "senior_protection_officer"];
const OUTCOMES: [&str; 4] = ["recognised", "rejected", "excluded", "complementary_protection"];
const DESTINATIONS: [&str; 3] = ["SYR", "TUR", "DEU"];

#[derive(Debug, Clone)]
enum Op {
    Lodge { p: usize, track: usize },
    Step { p: usize, action: usize, role: usize, outcome: usize },
    Screen { p: usize, needs: bool },
    Identity { p: usize, established: bool },
    TortureRisk { p: usize, dest: usize },
    Days(i64),
    Remove { mask: u8, dest: usize },
    Execute,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        1 => (0..3usize, 0..3usize).prop_map(|(p, track)| Op::Lodge { p, track }),
        4 => (0..3usize, 0..14usize, 0..5usize, 0..4usize).prop_map(|(p, action, role, outcome)| Op::Step { p, action, role, outcome }),
        1 => (0..3usize, any::<bool>()).prop_map(|(p, needs)| Op::Screen { p, needs }),
        1 => (0..3usize, any::<bool>()).prop_map(|(p, established)| Op::Identity { p, established }),
        1 => (0..3usize, 0..3usize).prop_map(|(p, dest)| Op::TortureRisk { p, dest }),
        1 => (1..40i64).prop_map(Op::Days),
        2 => (1..8u8, 0..3usize).prop_map(|(mask, dest)| Op::Remove { mask, dest }),
        1 => Just(Op::Execute),
    ]
}

fn action(i: usize, outcome: &str, app: &App) -> Value {
    let when = (*app.now.lock().unwrap() + chrono::Duration::days(8)).to_rfc3339();
    match i {
        0 => json!({"action": "register_for_rsd"}),
        1 => json!({"action": "schedule_interview", "at": when, "language": "ar", "interpreter_required": true}),
        2 => json!({"action": "record_interview"}),
        3 => json!({"action": "draft_assessment", "recommendation": outcome}),
        4 => json!({"action": "review"}),
        5 => json!({"action": "decide", "outcome": outcome, "reasons": REASONS}),
        6 => json!({"action": "notify", "method": "post"}),
        7 => json!({"action": "lodge_appeal", "grounds": "The decision misread the evidence.", "late_reason": null}),
        8 => json!({"action": "decide_appeal", "outcome": outcome, "reasons": REASONS}),
        9 => json!({"action": "notify_appeal_decision", "method": "in_person"}),
        10 => json!({"action": "finalise"}),
        11 => json!({"action": "withdraw", "reason": "The applicant withdrew in writing."}),
        12 => json!({"action": "close", "closure": "abandoned", "reason": "No contact for six months."}),
        _ => json!({"action": "reopen", "reason": "The applicant came back with new evidence."}),
    }
}

static APPROVALS_CHECKED: AtomicUsize = AtomicUsize::new(0);
static REFUSALS_SEEN: AtomicUsize = AtomicUsize::new(0);

/// What the API says about a person now; panics (fails the property) if removal must be barred.
async fn assert_removable(app: &App, person: &str, dest: &str) {
    let (_, prot) = app.get(&format!("/api/v1/persons/{person}/protection")).await;
    let (_, claims) = app.get(&format!("/api/v1/persons/{person}/claims")).await;
    assert_ne!(prot["record"]["screening"]["kind"], "not_screened", "removal approved for an unscreened person: {prot}");
    assert!(prot["status"].is_null(), "removal approved for a person with protection status {}: {prot}", prot["status"]);
    if let Some(latest) = claims.as_array().unwrap().last() {
        let state: ClaimState = serde_json::from_value(latest["state"].clone()).unwrap();
        assert!(!pending(&state, app.today()), "removal approved while a claim or appeal is pending: {latest}");
    }
    for risk in prot["record"]["torture_risks"].as_array().unwrap() {
        assert_ne!(risk["country"], dest, "removal approved to {dest} despite a recorded torture risk there");
    }
    APPROVALS_CHECKED.fetch_add(1, Ordering::Relaxed);
}

async fn check_verdicts(app: &App, removal: &Value, phase: &str) {
    let dest = removal["data"]["destination"].as_str().unwrap().to_string();
    for e in removal["evaluations"].as_array().unwrap().iter().filter(|e| e["phase"] == phase) {
        let person = e["person_id"].as_str().unwrap();
        if e["allowed"] == true {
            assert_removable(app, person, &dest).await;
        } else {
            REFUSALS_SEEN.fetch_add(1, Ordering::Relaxed);
        }
    }
    if phase == "execution" {
        for p in removal["data"]["executed_for"].as_array().unwrap() {
            let allowed = removal["evaluations"].as_array().unwrap().iter().any(|e| e["phase"] == "execution" && e["person_id"] == *p && e["allowed"] == true);
            assert!(allowed, "executed for {p} without an allowing evaluation at execution");
        }
    }
}

async fn run(ops: Vec<Op>) {
    let db = TestDb::sqlite().await;
    let app = App::new(&db).await;
    let op_id = app.operation("DEU-MUC", "DEU").await;
    let mut persons = Vec::new();
    for name in ["Amal", "Bashir", "Chiara"] {
        let (_, h) = app.post(&format!("/api/v1/operations/{op_id}/persons"), None, &json!({"given_name": name, "sex": "F", "date_of_birth": "1990", "citizenship": "SYR"})).await;
        persons.push(h["members"][0]["id"].as_str().unwrap().to_string());
    }
    let mut last_removal: Option<Value> = None;
    for o in ops {
        match o {
            Op::Lodge { p, track } => {
                let track = ["regular", "accelerated", "simplified"][track];
                app.post(&format!("/api/v1/persons/{}/claims", persons[p]), None, &json!({"track": track})).await;
            }
            Op::Step { p, action: a, role, outcome } => {
                let (_, claims) = app.get(&format!("/api/v1/persons/{}/claims", persons[p])).await;
                if let Some(c) = claims.as_array().unwrap().last() {
                    let body = json!({"version": c["version"], "action": action(a, OUTCOMES[outcome], &app)});
                    app.post(&format!("/api/v1/claims/{}/actions", c["id"].as_str().unwrap()), Some(ROLES[role]), &body).await;
                }
            }
            Op::Screen { p, needs } => {
                let (_, cur) = app.get(&format!("/api/v1/persons/{}/protection", persons[p])).await;
                let mut rec = cur["record"].clone();
                rec["screening"] = json!({"kind": "screened", "on": app.today(), "protection_needs_indicated": needs});
                app.put(&format!("/api/v1/persons/{}/protection", persons[p]), None, &json!({"version": cur["version"], "record": rec})).await;
            }
            Op::Identity { p, established } => {
                let (_, cur) = app.get(&format!("/api/v1/persons/{}/protection", persons[p])).await;
                let mut rec = cur["record"].clone();
                rec["identity_established"] = json!(established);
                app.put(&format!("/api/v1/persons/{}/protection", persons[p]), None, &json!({"version": cur["version"], "record": rec})).await;
            }
            Op::TortureRisk { p, dest } => {
                let (_, cur) = app.get(&format!("/api/v1/persons/{}/protection", persons[p])).await;
                let mut rec = cur["record"].clone();
                rec["torture_risks"].as_array_mut().unwrap().push(json!({"country": DESTINATIONS[dest], "instrument": "cat_article_3", "recorded_on": app.today()}));
                let (st, r) = app.put(&format!("/api/v1/persons/{}/protection", persons[p]), None, &json!({"version": cur["version"], "record": rec})).await;
                assert_eq!(st, 200, "{r}");
            }
            Op::Days(d) => app.advance(d),
            Op::Remove { mask, dest } => {
                let chosen: Vec<&String> = persons.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, p)| p).collect();
                let (st, r) = app
                    .post(&format!("/api/v1/operations/{op_id}/removals"), None, &json!({"kind": "removal", "destination": DESTINATIONS[dest], "persons": chosen, "reason": "end of stay"}))
                    .await;
                assert_eq!(st, 201, "{r}");
                check_verdicts(&app, &r, "request").await;
                last_removal = Some(r);
            }
            Op::Execute => {
                if let Some(r) = &last_removal {
                    let (st, done) = app.post(&format!("/api/v1/removals/{}/execute", r["id"].as_str().unwrap()), None, &json!({"version": r["version"]})).await;
                    if st == 200 {
                        check_verdicts(&app, &done, "execution").await;
                    }
                }
            }
        }
    }
}

#[test]
fn no_sequence_of_actions_approves_a_barred_removal() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let cases = std::env::var("NANSEN_PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(48);
    // A fixed seed: the same sequences on every run, so that the check that the property is not
    // vacuous (below) cannot fail by chance; NANSEN_PROPTEST_CASES widens the search.
    let mut runner = TestRunner::new_with_rng(Config { cases, failure_persistence: None, ..Config::default() }, TestRng::deterministic_rng(RngAlgorithm::ChaCha));
    runner
        .run(&proptest::collection::vec(op(), 5..60), |ops| {
            rt.block_on(run(ops));
            Ok(())
        })
        .unwrap();
    // The property is not vacuous: some removals were approved (and checked), some refused.
    assert!(APPROVALS_CHECKED.load(Ordering::Relaxed) > 0, "no removal was ever approved: the generator never reached an allowed case");
    assert!(REFUSALS_SEEN.load(Ordering::Relaxed) > 0);
}
