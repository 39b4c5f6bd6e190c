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
