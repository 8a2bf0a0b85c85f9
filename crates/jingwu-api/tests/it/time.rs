//! Time rules, tested by moving a `ManualClock` (never by sleeping): session lifetime, the
//! login-throttling window, AVL staleness for readiness, the accepted age of a fix, and AVL
//! retention. Each rule is checked on both sides of its boundary.

use axum::http::{Method, StatusCode};
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, TestApp, cmd};

/// A fixed start, so every run sees the same instants.
fn start() -> ManualClock {
    ManualClock::new("2026-03-02T01:30:00Z".parse().unwrap())
}

#[tokio::test]
async fn a_session_works_until_its_lifetime_and_not_after() {
    let t = TestApp::empty()
        .with_city()
        .with_clock(start())
        .build()
        .await;
    let ttl = SignedDuration::from_hours(12);
    let token = t.login("officer").await;
    assert_eq!(t.get("/api/v1/me", &token).await.status, StatusCode::OK);
    t.advance(ttl - SignedDuration::from_secs(1));
    let me = t.get("/api/v1/me", &token).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    t.advance(SignedDuration::from_secs(1));
    t.get("/api/v1/me", &token)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    // Signing in again gives a new, working session.
    let again = t.login("officer").await;
    assert_eq!(t.get("/api/v1/me", &again).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_session_lifetime_is_the_configured_one() {
    let t = TestApp::empty()
        .with_city()
        .with_clock(start())
        .with_config(|c| c.session_ttl = SignedDuration::from_mins(30))
        .build()
        .await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "dispatcher", "password": jingwu_testkit::PASSWORD})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let token = r.body["token"].as_str().unwrap().to_string();
    t.advance(SignedDuration::from_mins(29));
    assert_eq!(t.get("/api/v1/units", &token).await.status, StatusCode::OK);
    t.advance(SignedDuration::from_mins(1));
    t.get("/api/v1/units", &token)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

async fn login_with(t: &TestApp, username: &str, password: &str) -> crate::support::Resp {
    t.call(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"username": username, "password": password})),
    )
    .await
}

#[tokio::test]
async fn failed_logins_delay_the_next_attempt_until_the_delay_has_passed() {
    let t = TestApp::empty()
        .with_city()
        .with_clock(start())
        .build()
        .await;
    // Five free failures; the sixth sets a one-second delay (no lock-out any more).
    for _ in 0..6 {
        login_with(&t, "fire", "guess")
            .await
            .problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    let r = login_with(&t, "fire", jingwu_testkit::PASSWORD).await;
    let p = r.problem(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    assert_eq!(p["retry_after"], 1, "{p}");
    // Once the delay has passed the right password gets in.
    t.advance(SignedDuration::from_secs(1));
    let r = login_with(&t, "fire", jingwu_testkit::PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn failures_spread_over_more_than_the_window_never_throttle() {
    let t = TestApp::empty()
        .with_city()
        .with_clock(start())
        .build()
        .await;
    // Five failures, each four minutes apart: all free, so the right password gets in.
    for _ in 0..5 {
        login_with(&t, "fire", "guess")
            .await
            .problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
        t.advance(SignedDuration::from_mins(4));
    }
    let r = login_with(&t, "fire", jingwu_testkit::PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

/// The recommended units' ids.
fn ids(v: &Value) -> Vec<&str> {
    v["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["unit_id"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_unit_with_a_stale_fix_is_not_ready_until_a_fresh_fix_arrives() {
    let t = TestApp::empty()
        .with_roads()
        .with_clock(start())
        .build()
        .await;
    let max_age = SignedDuration::from_secs(jingwu_app::DEFAULT_AVL_MAX_AGE_S);
    let dispatcher = t.login("dispatcher").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap().to_string();
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let incident = cmd::incident_near(&t, &dispatcher, &unit, ("criminal", "theft")).await;
    let recs_path = format!("/api/v1/incidents/{incident}/recommendations?limit=50");
    let recommended = |r: &crate::support::Resp| ids(&r.body).contains(&unit_id.as_str());
    let ready_units = async || {
        t.app.command().recompute_coverage().await.unwrap();
        let c = t.get("/api/v1/coverage", &dispatcher).await;
        assert_eq!(c.status, StatusCode::OK, "{}", c.text);
        c.body["units_counted"].as_u64().unwrap()
    };

    // Seeded fixes are as old as the seeding: at the age limit they still count.
    t.advance(max_age);
    let r = t.get(&recs_path, &dispatcher).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(recommended(&r), "{}", r.text);
    let counted = ready_units().await;
    assert!(counted > 1, "{counted}");

    // One second older, no unit is placed: none recommended, none counted ready.
    t.advance(SignedDuration::from_secs(1));
    let r = t.get(&recs_path, &dispatcher).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(ids(&r.body).is_empty(), "{}", r.text);
    assert_eq!(ready_units().await, 0);
    let sites = t.get("/api/v1/key-sites", &dispatcher).await;
    assert_eq!(sites.body["covered"], 0, "{}", sites.text);

    // A fresh fix brings exactly that unit back.
    assert_eq!(
        cmd::fix(&t, &dispatcher, &unit_id, t.now(), lat, lon).await,
        1
    );
    let r = t.get(&recs_path, &dispatcher).await;
    assert_eq!(ids(&r.body), [unit_id.as_str()], "{}", r.text);
    assert_eq!(ready_units().await, 1);
}

#[tokio::test]
async fn fixes_are_taken_from_the_last_day_up_to_a_minute_ahead() {
    let t = TestApp::empty()
        .with_roads()
        .with_clock(start())
        .build()
        .await;
    let dispatcher = t.login("dispatcher").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let id = unit["id"].as_str().unwrap();
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let now = t.now();
    let post = |at: jiff::Timestamp| {
        let body =
            json!({"positions": [{"unit_id": id, "at": at.to_string(), "lat": lat, "lon": lon}]});
        let dispatcher = dispatcher.clone();
        let t = &t;
        async move { t.post("/api/v1/avl", &dispatcher, body).await }
    };
    let before = t.audit_head().await;
    for at in [
        now + SignedDuration::from_secs(61),
        now - SignedDuration::from_hours(24) - SignedDuration::from_secs(1),
    ] {
        let r = post(at).await;
        let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(p["errors"][0]["field"], "positions[0].at", "{p}");
    }
    for at in [
        now + SignedDuration::from_secs(60),
        now - SignedDuration::from_hours(24),
    ] {
        let r = post(at).await;
        assert_eq!(r.body["accepted"], 1, "{}", r.text);
    }
    assert_eq!(t.audit_head().await, before, "telemetry is not audited");
}

#[tokio::test]
async fn retention_prunes_only_fixes_older_than_the_window() {
    let t = TestApp::empty()
        .with_roads()
        .with_clock(start())
        .build()
        .await;
    let dispatcher = t.login("dispatcher").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let id = unit["id"].as_str().unwrap();
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let hours = |h: i64| SignedDuration::from_hours(h);
    let now = t.now();
    for age in [3, 2, 1] {
        assert_eq!(
            cmd::fix(&t, &dispatcher, id, now - hours(age), lat, lon).await,
            1
        );
    }
    let count = async || {
        t.sql_count(
            "SELECT COALESCE(SUM(fixes), 0) FROM unit_tracks WHERE unit_id = $1",
            &[id],
        )
        .await
    };
    assert_eq!(count().await, 3);
    let all = t
        .sql_count("SELECT COALESCE(SUM(fixes), 0) FROM unit_tracks", &[])
        .await;

    // Keep two hours: only the fix three hours old goes; the one exactly two hours old stays.
    assert_eq!(t.app.command().prune_positions(2 * 3600).await.unwrap(), 1);
    assert_eq!(count().await, 2);
    // An hour later the same window reaches the next one.
    t.advance(hours(1));
    assert_eq!(t.app.command().prune_positions(2 * 3600).await.unwrap(), 1);
    assert_eq!(count().await, 1);
    assert_eq!(
        t.sql_count("SELECT COALESCE(SUM(fixes), 0) FROM unit_tracks", &[])
            .await,
        all - 2,
        "no other unit's history is touched"
    );
    // The unit keeps its last-known position whatever is pruned.
    t.advance(hours(48));
    t.app.command().prune_positions(2 * 3600).await.unwrap();
    assert_eq!(count().await, 0);
    let dispatcher = t.login("dispatcher").await;
    let u = t.get(&format!("/api/v1/units/{id}"), &dispatcher).await;
    assert_eq!(u.body["lat"].as_f64(), Some(lat), "{}", u.text);
}
