//! The staff application in headless Chromium against the real server over HTTP.
//!
//! One browser per test (each test starts its own server on a fresh SQLite database).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use nansen_domain::access::Role;
use nansen_e2e::Browser;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_is_refused_with_a_wrong_password_then_accepted() -> anyhow::Result<()> {
    let b = Browser::start().await?;
    b.operation("KEN-KAK", "Kakuma field office", "KEN").await?;
    b.user("amina.clerk", "Amina Clerk", &[Role::RegistrationClerk]).await?;

    b.goto("/").await?;
    assert!(b.path().await.starts_with("/login"), "an anonymous visitor is sent to sign in, not shown the start page");
    b.fill("#username", "amina.clerk").await?;
    b.fill("#password", "not the password").await?;
    b.click("form.card button[type=submit]").await?;
    b.wait_for("#signin-error").await?;
    assert!(b.path().await.starts_with("/login"));
    // What was typed is kept, except the password.
    assert_eq!(b.find("#username").await?.prop("value").await?.as_deref(), Some("amina.clerk"));
    assert_eq!(b.find("#password").await?.prop("value").await?.as_deref(), Some(""));

    b.sign_in("amina.clerk").await?;
    b.expect_text("Kakuma field office").await?;
    b.expect_text("Amina Clerk").await?;
    b.screenshot("home").await?;
    b.sign_out().await?;
    assert!(b.path().await.starts_with("/login"));
    b.close().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arabic_lays_the_pages_out_right_to_left() -> anyhow::Result<()> {
    let b = Browser::start().await?;
    b.operation("JOR-AMM", "Amman office", "JOR").await?;
    b.user("omar.officer", "Omar Officer", &[Role::EligibilityOfficer]).await?;
    b.sign_in("omar.officer").await?;
    assert_eq!(b.js("return document.documentElement.dir").await?, "ltr");

    // The language menu is a set of plain links: it works without JavaScript.
    b.click("footer .langs a[lang=ar]").await?;
    assert_eq!(b.js("return document.documentElement.lang").await?, "ar");
    assert_eq!(b.js("return document.documentElement.dir").await?, "rtl");
    assert_eq!(b.js("return getComputedStyle(document.querySelector('main')).direction").await?, "rtl");
    b.expect_text("تسجيل الخروج").await?; // "Sign out"
    b.expect_text("العمليات").await?; // "Operations"
    // Right to left for real: the brand, first in the header, is drawn at the right edge.
    let (brand_x, width) = (
        b.js("return document.querySelector('.brand').getBoundingClientRect().right").await?.as_f64().unwrap_or(0.0),
        b.js("return document.documentElement.clientWidth").await?.as_f64().unwrap_or(0.0),
    );
    assert!(brand_x > width * 0.8, "the brand should sit at the right in Arabic (right edge at {brand_x} of {width})");
    b.screenshot("home-arabic").await?;

    // The choice follows the user from page to page, and back to English.
    b.goto("/search?name=x").await?;
    assert_eq!(b.js("return document.documentElement.dir").await?, "rtl");
    b.click("footer .langs a[lang=en]").await?;
    assert_eq!(b.js("return document.documentElement.dir").await?, "ltr");
    assert!(b.path().await.starts_with("/search"), "the language link returns to the page it was used on");
    b.close().await
}

/// The form of one procedural step on a claim page.
fn step(kind: &str) -> String {
    format!("form.act:has(input[name=action][value={kind}])")
}

async fn take_step(b: &Browser, kind: &str, fields: &[(&str, &str)]) -> anyhow::Result<()> {
    let form = step(kind);
    b.wait_for(&form).await?;
    for (name, value) in fields {
        b.set(&form, name, value).await?;
    }
    b.click(&format!("{form} button[type=submit]")).await?;
    if b.find("[role=alert]").await.is_ok() {
        anyhow::bail!("{kind} was refused: {}", b.text().await?);
    }
    Ok(())
}

/// Signs in again after days have passed (sessions expire).
async fn as_user(b: &Browser, user: &str, path: &str) -> anyhow::Result<()> {
    b.goto("/").await?;
    if b.find("form.signout").await.is_ok() {
        b.sign_out().await?;
    }
    b.sign_in(user).await?;
    b.goto(path).await
}

const DECISION: &str = "The applicant's account of a fall in income is credible, but the hardship feared is economic, is not linked to any Convention ground and does not reach the level of persecution (Art. 1A(2); Handbook paras 62-64).";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_household_from_registration_to_a_refused_removal() -> anyhow::Result<()> {
    let b = Browser::start().await?;
    b.operation("DEU-BER", "Berlin office", "DEU").await?;
    b.user("lena.clerk", "Lena Clerk", &[Role::RegistrationClerk]).await?;
    b.user("omar.officer", "Omar Officer", &[Role::EligibilityOfficer]).await?;
    b.user("ruth.reviewer", "Ruth Reviewer", &[Role::Reviewer]).await?;
    b.user("pia.protection", "Pia Protection", &[Role::ProtectionOfficer]).await?;

    // Registration of a household in one form.
    b.sign_in("lena.clerk").await?;
    b.goto("/register").await?;
    b.fill("#m0-given_name", "Rami").await?;
    b.fill("#m0-family_name", "Haddad").await?;
    b.fill("#m0-given_name_original", "رامي").await?;
    b.fill("#m0-family_name_original", "حداد").await?;
    b.select("#m0-sex", "M").await?;
    b.fill("#m0-dob_year", "1985").await?;
    b.fill("#m0-citizenship", "SYR").await?;
    b.fill("#m1-given_name", "Lina").await?;
    b.fill("#m1-family_name", "Haddad").await?;
    b.select("#m1-sex", "F").await?;
    b.fill("#m1-dob_year", "1988").await?;
    b.fill("#m1-citizenship", "SYR").await?;
    b.select("#m1-relationship", "SPS").await?;
    b.screenshot("register").await?;
    b.click("button[name=action][value=check]").await?;
    assert!(b.path().await.starts_with("/households/"), "saved and shown: {}", b.path().await);
    b.expect_text("Haddad").await?;
    let household = b.path().await;

    // The same man registered again under a variant spelling: the duplicate is shown before saving.
    b.goto("/register").await?;
    b.fill("#m0-given_name", "Ramy").await?;
    b.fill("#m0-family_name", "Hadad").await?;
    b.select("#m0-sex", "M").await?;
    b.fill("#m0-dob_year", "1985").await?;
    b.fill("#m0-citizenship", "SYR").await?;
    b.click("button[name=action][value=check]").await?;
    b.wait_for("#dup-warning-title").await?;
    assert_eq!(b.path().await, "/register", "nothing saved while a possible duplicate is open");
    b.expect_text("Rami").await?;
    b.screenshot("duplicate-warning").await?;

    // A claim lodged from the person page, registered for status determination, interview scheduled.
    b.goto(&household).await?;
    b.click("table a[href^='/persons/']").await?;
    let person = b.path().await;
    b.click("form[action$='/claims'] button[type=submit]").await?;
    assert!(b.path().await.starts_with("/claims/"), "{}", b.path().await);
    let claim = b.path().await;
    take_step(&b, "register_for_rsd", &[]).await?;
    let when = (b.today() + chrono::Duration::days(10)).format("%Y-%m-%d").to_string();
    take_step(&b, "schedule_interview", &[("at_date", &when), ("at_time", "09:30"), ("language", "ar"), ("interpreter", "on")]).await?;
    b.expect_text("An interpreter is required.").await?;

    // Ten days later the interview is recorded, the facts assessed against Art. 1, the draft recorded.
    b.advance(10);
    as_user(&b, "omar.officer", &claim).await?;
    take_step(&b, "record_interview", &[("notes", "Interview held in Arabic with an interpreter. The applicant described his work as a shopkeeper in Homs and the fall of his income.")]).await?;
    b.advance(1);
    as_user(&b, "omar.officer", &claim).await?;
    for (name, value) in [
        ("nat_kind", "nationals"),
        ("c0_country", "SYR"),
        ("c0_outside", "on"),
        ("c0_effective", "on"),
        ("c0_harm_economic_hardship", "minor"),
        ("c0_actor", "non_state"),
        ("c0_protection", "effective"),
        ("c0_subjective", "on"),
        ("c0_likelihood", "remote"),
    ] {
        b.set("form.assess", name, value).await?;
    }
    b.click("form.assess button[value=preview]").await?;
    b.expect_text("Recommendation on the facts entered (not recorded)").await?;
    b.expect_text("the criteria of the refugee definition are not met").await?;
    b.screenshot("assessment").await?;
    b.click("form.assess button[value=record]").await?;
    take_step(&b, "draft_assessment", &[("recommendation", "rejected")]).await?;

    // A second officer reviews; the decision is taken with reasons and notified.
    b.advance(1);
    as_user(&b, "ruth.reviewer", &claim).await?;
    take_step(&b, "review", &[("note", "Reasoning sound.")]).await?;
    b.advance(1);
    as_user(&b, "omar.officer", &claim).await?;
    take_step(&b, "decide", &[("outcome", "rejected"), ("reasons", DECISION)]).await?;
    b.advance(1);
    as_user(&b, "lena.clerk", &claim).await?;
    take_step(&b, "notify", &[("method", "in_person")]).await?;
    b.expect_text("decision notified").await?;

    // The printable decision letter, with reasons and the appeal deadline, in Arabic.
    as_user(&b, "omar.officer", &format!("{claim}/letter?lang=ar")).await?;
    assert_eq!(b.js("return document.documentElement.dir").await?, "rtl");
    b.expect_text("رُفض طلبك").await?;
    b.screenshot("decision-letter-arabic").await?;

    // An appeal is lodged: suspensive effect.
    b.advance(5);
    as_user(&b, "lena.clerk", &claim).await?;
    take_step(&b, "lodge_appeal", &[("grounds", "The officer did not consider the threats the applicant received from the security services.")]).await?;
    b.expect_text("Appeal pending: suspensive effect.").await?;
    b.screenshot("claim").await?;

    // A removal request for the household: refused for this person, with the legal reason.
    as_user(&b, "pia.protection", &household).await?;
    let case_number = b.find("h1 code").await?.text().await?;
    b.goto("/removals").await?;
    b.set("form.request", "kind", "deportation").await?;
    b.fill("#rm-destination", "SYR").await?;
    b.fill("#rm-persons", &case_number).await?;
    b.fill("#rm-reason", "Rejected at first instance.").await?;
    b.click("form.request button[type=submit]").await?;
    assert!(b.path().await.starts_with("/removals/"), "{}", b.path().await);
    let text = b.text().await?;
    assert!(text.contains("Haddad"), "{text}");
    assert!(text.to_lowercase().contains("appeal"), "the refusal names the pending appeal: {text}");
    b.screenshot("removal-refused").await?;

    // The same page in Arabic, right to left.
    b.click("footer .langs a[lang=ar]").await?;
    assert_eq!(b.js("return document.documentElement.dir").await?, "rtl");
    b.goto(&person).await?;
    assert_eq!(b.js("return getComputedStyle(document.body).direction").await?, "rtl");
    b.screenshot("person-arabic").await?;
    b.close().await
}
