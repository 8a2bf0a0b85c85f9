//! The testkit's own promises: what `with_city()` and `with_roads()` create, that the manual
//! clock is the app's clock, and that a build writes nothing a test did not ask for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use axum::http::StatusCode;
use jingwu_testkit::fixtures::command as cmd;
use jingwu_testkit::{ACCOUNTS, ManualClock, ORGS, Problem, TestApp};

#[tokio::test]
async fn empty_is_a_migrated_database_with_nothing_in_it() {
    let t = TestApp::empty().build().await;
    assert_eq!(t.audit_head().await.0, 0);
    assert!(t.audit_intact().await);
    let r = t
        .call(
            axum::http::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(serde_json::json!({"username": "admin", "password": jingwu_testkit::PASSWORD})),
        )
        .await;
    r.problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
}

#[tokio::test]
async fn the_small_city_has_its_tree_and_an_account_per_role_at_its_level() {
    let t = TestApp::empty().with_city().build().await;
    let admin = t.login("admin").await;
    let orgs = t.get("/api/v1/orgs", &admin).await;
    let mut codes: Vec<&str> = orgs
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    codes.sort_unstable();
    let mut want: Vec<&str> = ORGS.iter().map(|o| o.1).collect();
    want.sort_unstable();
    assert_eq!(codes, want);
    for (username, _, role, org) in ACCOUNTS {
        let token = t.login(username).await;
        let me = t.get("/api/v1/me", &token).await;
        assert_eq!(me.body["role"], role, "{}", me.text);
        assert_eq!(me.body["org"]["code"], org, "{}", me.text);
    }
    // Everything it made is audited.
    assert_eq!(
        t.audit_head().await.0,
        (ORGS.len() + 2 * ACCOUNTS.len() + 2) as i64,
        "orgs, accounts, one login each, the admin's and the default legal limits"
    );
}

#[tokio::test]
async fn roads_place_the_units_of_the_small_city() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let units = t.get("/api/v1/units", &dispatcher).await;
    // Twelve per station, two per district, eight at the city.
    assert_eq!(units.body.as_array().unwrap().len(), 4 * 12 + 2 * 2 + 8);
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    assert!(
        car["crew"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "officer")
    );
    assert_eq!(car["status"], "available");
}

#[tokio::test]
async fn the_manual_clock_is_the_apps_clock() {
    let start: jiff::Timestamp = "2026-03-02T01:30:00Z".parse().unwrap();
    let t = TestApp::empty()
        .with_city()
        .with_clock(ManualClock::new(start))
        .build()
        .await;
    assert_eq!(t.now(), start);
    t.advance(jiff::SignedDuration::from_hours(2));
    assert_eq!(t.now(), start + jiff::SignedDuration::from_hours(2));
    // What the app writes carries its clock's time.
    let legal = t.login("legal").await;
    let page = t.get("/api/v1/audit?limit=1", &legal).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let at: jiff::Timestamp = page.body["items"][0]["at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(at, t.now(), "{}", page.text);
}
