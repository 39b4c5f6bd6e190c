//! The status-determination pages in a browser's way (session cookie, CSRF token, forms, no
//! JavaScript), on SQLite and PostgreSQL: a claim driven through the procedure entirely by the
//! page forms, illegal steps refused with the state machine's message, the structured assessment
//! and its recommendation, the printable letter in two languages, the work queues of the home
//! page by role, redaction of sensitive content, scope and CSRF.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, NaiveDate};
use nansen_domain::access::{Role, Roles, Username};
use nansen_server::i18n::{Locale, Tr};
use nansen_store::accounts::{AccessEntry, NewUser, OperationScope};
use nansen_store::testing::TestDb;
use serde_json::{json, Value};
use support::browser::{browser, send, sign_in, Browser, Resp};
use support::{family, step, App, REASONS};
use tower::ServiceExt;

/// The claim's current version, as the page's forms carry it.
fn version_of(page: &str) -> String {
    page.split("name=\"version\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_string()
}

async fn act(app: &App, b: &Browser, claim: &str, action: &str, fields: &[(&str, &str)]) -> Resp {
    let page = b.get(app, &format!("/claims/{claim}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!("name=\"action\" value=\"{action}\"")), "the page does not offer {action}: {}", page.body);
    let v = version_of(&page.body);
    let mut all = vec![("action", action), ("version", v.as_str())];
    all.extend_from_slice(fields);
    b.post(app, &format!("/claims/{claim}/actions"), &all).await
}

async fn act_ok(app: &App, b: &Browser, claim: &str, action: &str, fields: &[(&str, &str)]) {
    let r = act(app, b, claim, action, fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
    assert!(r.location.starts_with(&format!("/claims/{claim}")), "{}", r.location);
}

const NOTES: &str = "Interview held in Arabic with an interpreter. The applicant described his work as a shopkeeper in Homs and the fall of his income.";
const ECONOMIC: &[(&str, &str)] = &[
    ("nat_kind", "nationals"),
    ("c0_country", "SYR"),
    ("c0_outside", "on"),
    ("c0_effective", "on"),
    ("c0_harm_economic_hardship", "minor"),
    ("c0_actor", "non_state"),
    ("c0_protection", "effective"),
    ("c0_subjective", "on"),
    ("c0_likelihood", "remote"),
    ("note", "A shopkeeper whose income fell; no Convention ground."),
];
const DISSIDENT: &[(&str, &str)] = &[
    ("nat_kind", "nationals"),
    ("c0_country", "SYR"),
    ("c0_outside", "on"),
    ("c0_effective", "on"),
    ("c0_harm_arbitrary_detention", "serious"),
    ("c0_harm_torture", "serious"),
    ("c0_actor", "state"),
    ("c0_ground_political_opinion", "on"),
    ("c0_subjective", "on"),
    ("c0_likelihood", "more_likely_than_not"),
    ("c0_sh_torture", "on"),
];
const DECISION: &str = "The applicant's account of a fall in income is credible, but the hardship feared is economic, is not linked to any Convention ground and does not reach the level of persecution (Art. 1A(2); Handbook paras 62-64).";
const GROUNDS: &str = "The officer did not consider the threats the applicant received from the security services.";

async fn a_claim_goes_through_the_procedure_by_the_page_forms(db: &TestDb) {
    let app = App::new(db).await;
    let op = app.operation("DEU-BER", "DEU").await;
    let hh = family(&app, &op).await;
    let pa = hh["members"][0]["id"].as_str().unwrap().to_string();
    let mut clerk = browser(&app, "b.clerk", &[Role::RegistrationClerk]).await;
    let mut officer = browser(&app, "b.officer", &[Role::EligibilityOfficer]).await;
    let mut reviewer = browser(&app, "b.reviewer", &[Role::Reviewer]).await;
    let mut appeals = browser(&app, "b.appeals", &[Role::AppealOfficer]).await;

    // Lodging from the person page.
    let person = clerk.get(&app, &format!("/persons/{pa}")).await;
    assert!(person.body.contains(&format!("action=\"/persons/{pa}/claims\"")), "{}", person.body);
    let r = clerk.post(&app, &format!("/persons/{pa}/claims"), &[("track", "regular"), ("note", "Asked for protection at the reception desk.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let claim = r.location.trim_start_matches("/claims/").to_string();
    // a second claim while one is pending: refused on the person page, with the reason
    let r = clerk.post(&app, &format!("/persons/{pa}/claims"), &[("track", "regular")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("already has a pending claim"), "{}", r.body);

    // The case page offers what the clerk may do now, and nothing else.
    let page = clerk.get(&app, &format!("/claims/{claim}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("value=\"register_for_rsd\""));
    assert!(!page.body.contains("value=\"finalise\"") && !page.body.contains("value=\"record_interview\"") && !page.body.contains("value=\"decide\""));
    assert!(page.body.contains("Rami Haddad"));
    // An illegal step posted anyway: refused by the state machine, its message shown, nothing changed.
    let v = version_of(&page.body);
    let r = clerk.post(&app, &format!("/claims/{claim}/actions"), &[("action", "finalise"), ("version", &v)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("role=\"alert\""));
    assert!(r.body.contains("cannot finalise while the claim is lodged; allowed now: register for RSD"), "{}", r.body);
    assert_eq!(version_of(&clerk.get(&app, &format!("/claims/{claim}")).await.body), v, "a refused step changed the claim");

    act_ok(&app, &clerk, &claim, "register_for_rsd", &[]).await;

    // Scheduling: a bad language code re-renders the form with what was typed and the error linked.
    let when = (app.today() + Duration::days(10)).format("%Y-%m-%d").to_string();
    let r = act(&app, &clerk, &claim, "schedule_interview", &[("at_date", &when), ("at_time", "09:30"), ("language", "a1"), ("interpreter", "on")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("value=\"a1\""), "the typed value is kept");
    assert!(r.body.contains("id=\"schedule_interview-language-error\""));
    assert!(r.body.contains("aria-describedby=\"schedule_interview-language-hint schedule_interview-language-error\""), "{}", r.body);
    assert!(r.body.contains(&format!("value=\"{when}\"")));
    // too little notice: the state machine's reason
    let soon = (app.today() + Duration::days(2)).format("%Y-%m-%d").to_string();
    let r = act(&app, &clerk, &claim, "schedule_interview", &[("at_date", &soon), ("at_time", "09:30"), ("language", "ar")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("is too soon: give the applicant at least 7 days"), "{}", r.body);
    act_ok(&app, &clerk, &claim, "schedule_interview", &[("at_date", &when), ("at_time", "09:30"), ("language", "ar"), ("interpreter", "on")]).await;
    let page = officer.get(&app, &format!("/claims/{claim}")).await;
    assert!(page.body.contains("interview scheduled") && page.body.contains("An interpreter is required."), "{}", page.body);

    app.advance(10);
    for b in [&mut clerk, &mut officer, &mut reviewer, &mut appeals] {
        b.again(&app).await;
    }
    // a clerk does not record interviews: not offered
    assert!(!clerk.get(&app, &format!("/claims/{claim}")).await.body.contains("value=\"record_interview\""));
    let r = act(&app, &officer, &claim, "record_interview", &[("notes", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the record of the interview is required");
    assert!(r.body.contains("id=\"record_interview-notes-error\""));
    act_ok(&app, &officer, &claim, "record_interview", &[("notes", NOTES)]).await;

    // The structured assessment: a preview shows the engine's recommendation and records nothing…
    app.advance(1);
    for b in [&mut clerk, &mut officer, &mut reviewer, &mut appeals] {
        b.again(&app).await;
    }
    let mut fields = vec![("intent", "preview")];
    fields.extend_from_slice(DISSIDENT);
    let r = officer.post(&app, &format!("/claims/{claim}/assessment"), &fields).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Recommendation on the facts entered (not recorded)"));
    assert!(r.body.contains("recognise as a refugee"), "{}", r.body);
    assert!(r.body.contains("Art. 1A(2) of the 1951 Convention"));
    assert!(r.body.contains("Absolute bar to removal to SYR"), "{}", r.body);
    assert!(r.body.contains("No assessment is recorded yet."));
    // …an incomplete form names its fields…
    let r = officer.post(&app, &format!("/claims/{claim}/assessment"), &[("intent", "record"), ("nat_kind", "nationals"), ("c0_country", "SYR"), ("c0_harm_torture", "serious")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"c0_likelihood-error\"") && r.body.contains("id=\"c0_actor-error\""), "{}", r.body);
    assert!(r.body.contains("href=\"#c0_likelihood\""), "the summary links to the field");
    // …and recording keeps it on the file with its recommendation and reasons.
    let mut fields = vec![("intent", "record")];
    fields.extend_from_slice(ECONOMIC);
    let r = officer.post(&app, &format!("/claims/{claim}/assessment"), &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = officer.get(&app, &format!("/claims/{claim}")).await;
    assert!(page.body.contains("Latest recorded assessment"));
    assert!(page.body.contains("<strong>reject</strong>"), "{}", page.body);
    assert!(page.body.contains("the criteria of the refugee definition are not met"));
    assert!(page.body.contains("Handbook paras 51-65"), "the reasons carry their sources");
    // the recommendation of the draft is preselected from the engine's
    assert!(page.body.contains("<option value=\"rejected\" selected>"), "{}", page.body);
    act_ok(&app, &officer, &claim, "draft_assessment", &[("recommendation", "rejected")]).await;

    // Review: the drafter is not offered it; a reviewer is.
    assert!(!officer.get(&app, &format!("/claims/{claim}")).await.body.contains("value=\"review\""));
    app.advance(1);
    for b in [&mut clerk, &mut officer, &mut reviewer, &mut appeals] {
        b.again(&app).await;
    }
    act_ok(&app, &reviewer, &claim, "review", &[("note", "Reasoning sound.")]).await;

    // Decision: reasons too thin are refused by the state machine; then decided.
    app.advance(1);
    for b in [&mut clerk, &mut officer, &mut reviewer, &mut appeals] {
        b.again(&app).await;
    }
    let r = act(&app, &officer, &claim, "decide", &[("outcome", "rejected"), ("reasons", "Not credible.")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("the reasons for a Rejected decision have 13 characters"), "{}", r.body);
    assert!(r.body.contains(">Not credible.</textarea>"), "the typed reasons are kept");
    act_ok(&app, &officer, &claim, "decide", &[("outcome", "rejected"), ("reasons", DECISION)]).await;

    // Notification opens the appeal window.
    app.advance(1);
    for b in [&mut clerk, &mut officer, &mut reviewer, &mut appeals] {
        b.again(&app).await;
    }
    act_ok(&app, &clerk, &claim, "notify", &[("method", "in_person")]).await;
    let deadline: NaiveDate = app.today() + Duration::days(30);
    let page = clerk.get(&app, &format!("/claims/{claim}")).await;
    assert!(page.body.contains("decision notified"));
    assert!(page.body.contains(&Tr::new(Locale::En).date(deadline)), "the appeal deadline is shown");
    assert!(page.body.contains("id=\"suspensive\""), "no removal while the window is open");
    // finalising before the window closes is not offered
    assert!(!page.body.contains("value=\"finalise\""));

    // The letter: decision, legal reasons, appeal rights and deadline; French when asked.
    let letter = officer.get(&app, &format!("/claims/{claim}/letter")).await;
    assert_eq!(letter.status, StatusCode::OK, "{}", letter.body);
    assert!(letter.body.contains("<html lang=\"en\""));
    assert!(letter.body.contains("Your claim is rejected"));
    assert!(letter.body.contains("the hardship feared is economic, is not linked to any Convention ground"), "the decision's reasons");
    assert!(letter.body.contains("the criteria of the refugee definition are not met"), "the legal basis");
    assert!(letter.body.contains("Handbook paras 51-65"), "the provisions applied");
    assert!(letter.body.contains("within 30 days"));
    assert!(letter.body.contains(&format!("Last day to appeal: {}", Tr::new(Locale::En).date(deadline))), "{}", letter.body);
    assert!(letter.body.contains("This letter is written in English."));
    let fr = officer.get(&app, &format!("/claims/{claim}/letter?lang=fr")).await;
    assert_eq!(fr.status, StatusCode::OK);
    assert!(fr.body.contains("<html lang=\"fr\" dir=\"ltr\""));
    assert!(fr.body.contains("Votre demande est rejetée"), "{}", fr.body);
    assert!(fr.body.contains(&format!("Dernier jour pour faire appel : {}", Tr::new(Locale::Fr).date(deadline))), "{}", fr.body);
    assert!(fr.body.contains("dans un délai de 30 jours"));
    assert!(fr.body.contains("Cette lettre est rédigée en Français."));
    let ar = officer.get(&app, &format!("/claims/{claim}/letter?lang=ar")).await;
    assert!(ar.body.contains("<html lang=\"ar\" dir=\"rtl\""));
    assert!(ar.body.contains("رُفض طلبك"));
    // the letter holds the reasons: a clerk (no sensitive_read) may not print it
    assert_eq!(clerk.get(&app, &format!("/claims/{claim}/letter")).await.status, StatusCode::FORBIDDEN);

    // Appeal: suspensive effect shown.
    app.advance(5);
    for b in [&mut clerk, &mut officer, &mut reviewer, &mut appeals] {
        b.again(&app).await;
    }
    act_ok(&app, &clerk, &claim, "lodge_appeal", &[("grounds", GROUNDS)]).await;
    let page = officer.get(&app, &format!("/claims/{claim}")).await;
    assert!(page.body.contains("under appeal"));
    assert!(page.body.contains("Appeal pending: suspensive effect."), "{}", page.body);
    // an eligibility officer does not decide appeals; an appeal officer is offered it
    assert!(!page.body.contains("value=\"decide_appeal\""));
    assert!(appeals.get(&app, &format!("/claims/{claim}")).await.body.contains("value=\"decide_appeal\""));

    // The timeline: every step, who, when, what and why.
    for what in ["Claim lodged", "Register for status determination", "Schedule the interview", "Record the interview", "Assessment recorded", "Record the recommendation of the assessment", "Review the assessment", "Decide", "Notify the decision in writing", "Lodge an appeal"] {
        assert!(page.body.contains(what), "the timeline lacks {what}");
    }
    for who in ["by b.clerk", "by b.officer", "by b.reviewer"] {
        assert!(page.body.contains(who), "the timeline lacks {who}");
    }
    assert!(page.body.contains(NOTES) && page.body.contains(GROUNDS) && page.body.contains("Reasoning sound."));

    // The list of claims and its filter.
    let list = clerk.get(&app, "/claims").await;
    assert!(list.body.contains(&format!("href=\"/claims/{claim}\"")));
    assert!(list.body.contains("1 claim."), "{}", list.body);
    let under_appeal = clerk.get(&app, "/claims?stage=appeal_lodged").await;
    assert!(under_appeal.body.contains(&format!("href=\"/claims/{claim}\"")));
    let lodged = clerk.get(&app, "/claims?stage=lodged").await;
    assert!(!lodged.body.contains(&format!("href=\"/claims/{claim}\"")));
    assert_eq!(clerk.get(&app, "/claims?stage=deported").await.status, StatusCode::BAD_REQUEST);

    // The API sees the same claim, moved by the pages.
    let (_, c) = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(c["state"]["stage"]["stage"], "appeal_lodged");
}

async fn sensitive_content_needs_its_permission(db: &TestDb) {
    let app = App::new(db).await;
    let op = app.operation("DEU-BER", "DEU").await;
    let hh = family(&app, &op).await;
    let pa = hh["members"][0]["id"].as_str().unwrap().to_string();
    let mut officer = browser(&app, "s.officer", &[Role::EligibilityOfficer]).await;
    let mut clerk = browser(&app, "s.clerk", &[Role::RegistrationClerk]).await;
    let mut resettlement = browser(&app, "s.resettlement", &[Role::ResettlementOfficer]).await;
    let r = clerk.post(&app, &format!("/persons/{pa}/claims"), &[("track", "regular")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let claim = r.location.trim_start_matches("/claims/").to_string();
    act_ok(&app, &clerk, &claim, "register_for_rsd", &[]).await;
    let when = (app.today() + Duration::days(10)).format("%Y-%m-%d").to_string();
    act_ok(&app, &clerk, &claim, "schedule_interview", &[("at_date", &when), ("at_time", "10:00"), ("language", "ar")]).await;
    app.advance(10);
    for b in [&mut clerk, &mut officer, &mut resettlement] {
        b.again(&app).await;
    }
    act_ok(&app, &officer, &claim, "record_interview", &[("notes", NOTES)]).await;
    let mut fields = vec![("intent", "record")];
    fields.extend_from_slice(DISSIDENT);
    assert_eq!(officer.post(&app, &format!("/claims/{claim}/assessment"), &fields).await.status, StatusCode::SEE_OTHER);

    let seen = officer.get(&app, &format!("/claims/{claim}")).await;
    assert!(seen.body.contains(NOTES), "the officer reads the interview record");
    assert!(seen.body.contains("Latest recorded assessment") && seen.body.contains("PoliticalOpinion"), "{}", seen.body);
    for b in [&clerk, &resettlement] {
        let page = b.get(&app, &format!("/claims/{claim}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains(NOTES), "the interview record leaked: {}", page.body);
        assert!(!page.body.contains("Latest recorded assessment") && !page.body.contains("PoliticalOpinion") && !page.body.contains("Absolute bar"), "the assessment leaked");
        assert!(page.body.contains("The assessment (persecution facts, exclusion findings) is withheld"));
        assert!(page.body.contains("Withheld: your role does not show this content."));
        assert!(!page.body.contains(&format!("action=\"/claims/{claim}/assessment\"")), "no assessment form");
    }
    // the same redaction in the API's history (the interview record is the step's reason)
    let t = support::token_for(&app.state, "s.clerk.api", &[Role::RegistrationClerk], None).await;
    let req = Request::builder().uri(format!("/api/v1/claims/{claim}/history")).header("authorization", format!("Bearer {t}")).body(Body::empty()).unwrap();
    let resp = app.router.clone().oneshot(req).await.unwrap();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX).await.unwrap();
    let h: Value = serde_json::from_slice(&bytes).unwrap();
    assert!(!h.to_string().contains("shopkeeper"), "the API history leaked the interview record: {h}");
    assert!(h.to_string().contains("restricted"));
}

async fn scope_and_csrf(db: &TestDb) {
    let app = App::new(db).await;
    let op = app.operation("DEU-BER", "DEU").await;
    let other = app.operation("KEN-KAK", "KEN").await;
    let hh = family(&app, &op).await;
    let pa = hh["members"][0]["id"].as_str().unwrap();
    let (_, c) = app.post(&format!("/api/v1/persons/{pa}/claims"), None, &json!({"track": "regular"})).await;
    let claim = c["id"].as_str().unwrap().to_string();

    // A user of another operation: the claim answers exactly like one that does not exist.
    let entry = AccessEntry { at: chrono::Utc::now(), actor: "test".into(), action: "user.create".into(), target: String::new(), origin: "-".into(), outcome: 1, reason: None };
    app.state
        .accounts
        .create_user(
            NewUser {
                username: Username::parse("kakuma.officer").unwrap(),
                display_name: "Kakuma".into(),
                password_hash: nansen_server::auth::hash_password(support::TEST_PASSWORD).unwrap(),
                roles: Roles::parse(&[Role::EligibilityOfficer]).unwrap(),
                operations: OperationScope::Only(vec![other.parse().unwrap()]),
                affiliation: None,
                assigned_only: false,
            },
            entry,
        )
        .await
        .unwrap();
    let outsider = sign_in(&app, "kakuma.officer").await;
    let missing = "01900000-0000-7000-8000-000000000000";
    let a = outsider.get(&app, &format!("/claims/{claim}")).await;
    let b = outsider.get(&app, &format!("/claims/{missing}")).await;
    assert_eq!(a.status, StatusCode::NOT_FOUND, "{}", a.body);
    assert_eq!(b.status, StatusCode::NOT_FOUND);
    assert_eq!(a.body.replace(&claim, missing), b.body, "the answers tell an existing claim from a missing one");
    let list = outsider.get(&app, "/claims").await;
    assert!(!list.body.contains(&claim) && list.body.contains("0 claims."), "{}", list.body);
    let r = outsider.post(&app, &format!("/claims/{claim}/actions"), &[("action", "register_for_rsd"), ("version", "1")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(outsider.get(&app, &format!("/claims/{claim}/letter")).await.status, StatusCode::NOT_FOUND);

    // A write without the session's CSRF token is refused and changes nothing.
    let clerk = browser(&app, "c.clerk", &[Role::RegistrationClerk]).await;
    let r = send(&app, "POST", &format!("/claims/{claim}/actions"), &clerk.cookie, Some("action=register_for_rsd&version=1".into())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(&app, "POST", &format!("/claims/{claim}/actions"), &clerk.cookie, Some("csrf=forged&action=register_for_rsd&version=1".into())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = send(&app, "POST", &format!("/persons/{pa}/claims"), &clerk.cookie, Some("track=regular".into())).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let (_, after) = app.get(&format!("/api/v1/claims/{claim}")).await;
    assert_eq!(after["version"], 1, "a forged write changed the claim");
    // a stale version (another officer acted first) is a conflict, shown on the page
    act_ok(&app, &clerk, &claim, "register_for_rsd", &[]).await;
    let r = clerk.post(&app, &format!("/claims/{claim}/actions"), &[("action", "withdraw"), ("version", "1"), ("reason", "The applicant left.")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("was changed by someone else"), "{}", r.body);
    // an unknown action
    let r = clerk.post(&app, &format!("/claims/{claim}/actions"), &[("action", "deport"), ("version", "2")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("is not a step of the procedure"));
    // A user without claim_read does not reach the pages at all.
    let stat = browser(&app, "c.statistician", &[Role::Statistician]).await;
    assert_eq!(stat.get(&app, &format!("/claims/{claim}")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(stat.get(&app, "/claims").await.status, StatusCode::FORBIDDEN);
}

fn queue_count(body: &str, id: &str) -> Option<i64> {
    let at = body.find(&format!("id=\"{id}-count\">"))?;
    let rest = &body[at..];
    let n = rest.split('>').nth(1)?.split('<').next()?.trim_end_matches('+');
    Some(n.replace(',', "").parse().unwrap())
}

async fn home_queues_by_role(db: &TestDb) {
    let app = App::new(db).await;
    let op = app.operation("DEU-BER", "DEU").await;
    // Three households, three claims at three stages.
    let mut claims = Vec::new();
    for _ in 0..3 {
        let hh = family(&app, &op).await;
        let pa = hh["members"][0]["id"].as_str().unwrap().to_string();
        let (_, c) = app.post(&format!("/api/v1/persons/{pa}/claims"), None, &json!({"track": "regular"})).await;
        claims.push(c);
    }
    let when = (*app.now.lock().unwrap() + Duration::days(10)).to_rfc3339();
    for c in claims.iter_mut() {
        step(&app, c, "registration_clerk", 0, json!({"action": "register_for_rsd"})).await;
        step(&app, c, "registration_clerk", 0, json!({"action": "schedule_interview", "at": when, "language": "ar", "interpreter_required": false})).await;
    }
    app.advance(10);
    // claims[1]: assessment written, awaiting review; claims[2]: rejected and notified.
    for c in claims[1..].iter_mut() {
        step(&app, c, "eligibility_officer", 0, json!({"action": "record_interview"})).await;
        step(&app, c, "eligibility_officer", 1, json!({"action": "draft_assessment", "recommendation": "rejected"})).await;
    }
    let c2 = &mut claims[2];
    step(&app, c2, "supervisor", 1, json!({"action": "review"})).await;
    step(&app, c2, "eligibility_officer", 0, json!({"action": "decide", "outcome": "rejected", "reasons": REASONS})).await;
    step(&app, c2, "registration_clerk", 0, json!({"action": "notify", "method": "post"})).await;

    let clerk = browser(&app, "h.clerk", &[Role::RegistrationClerk]).await;
    let mut officer = browser(&app, "h.officer", &[Role::EligibilityOfficer]).await;
    let reviewer = browser(&app, "h.reviewer", &[Role::Reviewer]).await;
    let mut protection = browser(&app, "h.protection", &[Role::ProtectionOfficer]).await;
    let stat = browser(&app, "h.statistician", &[Role::Statistician]).await;

    let home = officer.get(&app, "/").await;
    assert_eq!(queue_count(&home.body, "queue-awaiting-interview"), Some(1), "{}", home.body);
    assert_eq!(queue_count(&home.body, "queue-to-review"), None, "an eligibility officer does not review");
    assert_eq!(queue_count(&home.body, "queue-appeal-deadlines"), Some(0), "the deadline is 30 days away");
    assert!(home.body.contains(&format!("href=\"/claims/{}\"", claims[0]["id"].as_str().unwrap())), "the queue links its items");
    assert!(home.body.contains("DEU-BER"), "the operations table stays below");
    let home = reviewer.get(&app, "/").await;
    assert_eq!(queue_count(&home.body, "queue-to-review"), Some(1));
    assert_eq!(queue_count(&home.body, "queue-awaiting-interview"), None, "interviews are the eligibility officers' work");
    assert!(home.body.contains(&format!("href=\"/claims/{}\"", claims[1]["id"].as_str().unwrap())));
    let home = clerk.get(&app, "/").await;
    assert_eq!(queue_count(&home.body, "queue-awaiting-interview"), None, "a clerk does not interview");
    assert_eq!(queue_count(&home.body, "queue-to-register"), Some(0));
    // the three families have the same names: the duplicate check queued their pairs
    let (_, dups) = app.get(&format!("/api/v1/operations/{op}/duplicates?status=open")).await;
    assert!(dups["total"].as_i64().unwrap() > 0, "{dups}");
    assert_eq!(queue_count(&home.body, "queue-duplicates"), dups["total"].as_i64());
    assert!(home.body.contains("href=\"/duplicates\""));
    assert_eq!(queue_count(&home.body, "queue-removals"), None, "a clerk does not read removals");
    let home = protection.get(&app, "/").await;
    assert_eq!(queue_count(&home.body, "queue-removals"), Some(0));
    assert_eq!(queue_count(&home.body, "queue-awaiting-interview"), None, "a protection officer takes no procedural step");
    let home = stat.get(&app, "/").await;
    assert!(!home.body.contains("-count\">"), "a statistician has no queue: {}", home.body);

    // 25 days later the appeal window of claims[2] closes within the week.
    app.advance(25);
    officer.again(&app).await;
    protection.again(&app).await;
    let home = officer.get(&app, "/").await;
    assert_eq!(queue_count(&home.body, "queue-appeal-deadlines"), Some(1), "{}", home.body);
    assert!(home.body.contains(&format!("href=\"/claims/{}\"", claims[2]["id"].as_str().unwrap())));
    // a removal request waits for evaluation
    let pa = claims[0]["person_id"].as_str().unwrap();
    let r = protection.post(&app, "/removals", &[("operation", &op), ("kind", "deportation"), ("destination", "SYR"), ("persons", pa), ("reason", "End of stay.")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(queue_count(&protection.get(&app, "/").await.body, "queue-removals"), Some(1));
    // the home page in another language
    let fr = send(&app, "GET", "/", &format!("{}; nansen_lang=fr", officer.cookie), None).await;
    assert!(fr.body.contains("Votre travail") && fr.body.contains("<html lang=\"fr\""), "{}", fr.body);
}

macro_rules! both {
    ($($name:ident),*) => {
        mod sqlite { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::sqlite().await; super::$name(&db).await; db.cleanup().await; } )* }
        mod postgres { use super::*; $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)] async fn $name() { let db = TestDb::postgres().await; super::$name(&db).await; db.cleanup().await; } )* }
    };
}
both!(a_claim_goes_through_the_procedure_by_the_page_forms, sensitive_content_needs_its_permission, scope_and_csrf, home_queues_by_role);
