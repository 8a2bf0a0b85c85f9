//! The road engine follows the traffic police's road events in force: a closure takes its
//! stretch out of recommendation and coverage, an accident slows it, and withdrawing the event
//! gives the road back. The background task does this every second; the tests call the same
//! refresh directly.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, TestApp, cmd};

/// The demo city with its roads, the dispatcher and an officer signed in, the car 鼓楼巡01 and
/// an incident 110 m north of it.
struct Scene {
    t: TestApp,
    dispatcher: String,
    officer: String,
    car: Value,
    incident: String,
}

impl Scene {
    async fn new() -> Scene {
        let t = TestApp::empty().with_roads().build().await;
        let dispatcher = t.login("dispatcher").await;
        let officer = t.login("officer").await;
        let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
        let incident = cmd::incident_near(&t, &dispatcher, &car, ("criminal", "theft")).await;
        Scene {
            t,
            dispatcher,
            officer,
            car,
            incident,
        }
    }
}

/// The car's ETA (s) in the incident's recommendation, `None` if it cannot get there.
async fn eta(t: &TestApp, token: &str, incident: &str, unit_id: &str) -> Option<f64> {
    let recs = t
        .get(
            &format!("/api/v1/incidents/{incident}/recommendations?limit=50"),
            token,
        )
        .await;
    assert_eq!(recs.status, StatusCode::OK, "{}", recs.text);
    recs.body["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == unit_id)
        .and_then(|u| u["eta_s"].as_f64())
}

/// Road length (m) of the city reached within 60 s.
async fn covered_60(t: &TestApp, token: &str) -> f64 {
    let r = t.get("/api/v1/coverage", token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["area"]["limits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["seconds"] == 60)
        .and_then(|l| l["road_m_covered"].as_f64())
        .unwrap()
}

async fn publish(t: &TestApp, token: &str, kind: &str, line: &str) -> String {
    let r = t
        .post(
            "/api/v1/traffic/road-events",
            token,
            json!({"kind": kind, "street": "测试路", "description": "测试", "line": line,
                   "both_ways": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn withdraw(t: &TestApp, token: &str, id: &str) {
    let r = t
        .post(
            &format!("/api/v1/traffic/road-events/{id}/withdraw"),
            token,
            json!({}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
}

async fn refresh(t: &TestApp) -> bool {
    t.app.command().refresh_road_events().await.unwrap()
}

#[tokio::test]
async fn a_closure_takes_its_stretch_out_of_recommendation_and_coverage_until_withdrawn() {
    let Scene {
        t,
        dispatcher,
        officer,
        car,
        incident,
    } = Scene::new().await;
    let car_id = car["id"].as_str().unwrap();
    assert!(!refresh(&t).await, "no event, nothing to apply");
    let eta_before = eta(&t, &dispatcher, &incident, car_id).await;
    assert!(eta_before.is_some(), "the car reaches the incident");
    t.app.command().recompute_coverage().await.unwrap();
    let covered_before = covered_60(&t, &dispatcher).await;

    // The street from the car's position 550 m north, closed both ways: the car stands on it.
    let (lat, lon) = (car["lat"].as_f64().unwrap(), car["lon"].as_f64().unwrap());
    let id = publish(
        &t,
        &officer,
        "closure",
        &format!("{lat} {lon} {} {lon}", lat + 0.005),
    )
    .await;
    assert!(refresh(&t).await);
    assert!(!refresh(&t).await, "the same events are not applied twice");
    let eta_closed = eta(&t, &dispatcher, &incident, car_id).await;
    assert_ne!(eta_closed, eta_before, "the closure changed the car's ETA");
    assert!(eta_closed.is_none_or(|s| s > eta_before.unwrap()));
    // Coverage is recomputed with the closure: its road is reached by nobody, and the car,
    // which may leave the closed street but not drive along it, starts from the nearest open
    // road — so the city's figure moves (here, up: that road reaches farther in a minute).
    let covered_closed = covered_60(&t, &dispatcher).await;
    assert!(
        (covered_closed - covered_before).abs() > 1.0,
        "{covered_closed} against {covered_before}"
    );

    withdraw(&t, &officer, &id).await;
    assert!(refresh(&t).await);
    assert_eq!(eta(&t, &dispatcher, &incident, car_id).await, eta_before);
    let covered_after = covered_60(&t, &dispatcher).await;
    assert!((covered_after - covered_before).abs() < 1e-6 * covered_before);
}

#[tokio::test]
async fn an_accident_slows_the_road_under_it() {
    let Scene {
        t,
        dispatcher,
        officer,
        car,
        incident,
    } = Scene::new().await;
    let car_id = car["id"].as_str().unwrap();
    let before = eta(&t, &dispatcher, &incident, car_id).await.unwrap();
    // The accident is where the car stands: its way out is slowed, not closed.
    let (lat, lon) = (car["lat"].as_f64().unwrap(), car["lon"].as_f64().unwrap());
    let id = publish(&t, &officer, "accident", &format!("{lat} {lon}")).await;
    assert!(refresh(&t).await);
    let slowed = eta(&t, &dispatcher, &incident, car_id)
        .await
        .expect("a slowed road is still passable");
    assert!(slowed > before, "{slowed} > {before}");
    withdraw(&t, &officer, &id).await;
    assert!(refresh(&t).await);
    assert_eq!(eta(&t, &dispatcher, &incident, car_id).await, Some(before));

    // Road works that say how slow they make the road: ten times, slower than the default.
    let line = format!("{lat} {lon}");
    let body = |kind: &str, factor: f64| {
        json!({"kind": kind, "street": "测试路", "description": "半幅施工", "line": line,
               "speed_factor": factor})
    };
    for (kind, factor) in [
        ("closure", 2.0),
        ("construction", 1.0),
        ("construction", 21.0),
    ] {
        let r = t
            .post("/api/v1/traffic/road-events", &officer, body(kind, factor))
            .await;
        let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(p["errors"][0]["field"], "speed_factor", "{}", r.text);
    }
    let r = t
        .post(
            "/api/v1/traffic/road-events",
            &officer,
            body("construction", 10.0),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["slowdown"], 10.0);
    assert!(refresh(&t).await);
    let works = eta(&t, &dispatcher, &incident, car_id).await.unwrap();
    assert!(works > slowed, "{works} > {slowed}");
}

#[tokio::test]
async fn a_ring_closes_every_road_inside_it() {
    let Scene {
        t,
        dispatcher,
        officer,
        car,
        incident,
    } = Scene::new().await;
    let car_id = car["id"].as_str().unwrap();
    let before = eta(&t, &dispatcher, &incident, car_id).await.unwrap();
    // A cordon of about 200 m around the incident (the car stands 110 m south of it, inside).
    let (lat, lon) = (
        car["lat"].as_f64().unwrap() + 0.001,
        car["lon"].as_f64().unwrap(),
    );
    let d = 0.002;
    let ring = [
        (lat - d, lon - d),
        (lat - d, lon + d),
        (lat + d, lon + d),
        (lat + d, lon - d),
        (lat - d, lon - d),
    ]
    .iter()
    .map(|(a, b)| format!("{a} {b}"))
    .collect::<Vec<_>>()
    .join(" ");
    let id = publish(&t, &officer, "control", &ring).await;
    assert!(refresh(&t).await);
    // No road inside is open, so the car starts from the nearest open road outside and the
    // incident is reached at the nearest open road outside: a longer way, or none.
    let closed = eta(&t, &dispatcher, &incident, car_id).await;
    assert!(
        closed.is_none_or(|s| s > before),
        "{closed:?} against {before}"
    );
    withdraw(&t, &officer, &id).await;
    assert!(refresh(&t).await);
    assert_eq!(eta(&t, &dispatcher, &incident, car_id).await, Some(before));
}

#[tokio::test]
async fn rush_hours_slow_the_roads_in_their_window_and_compose_with_road_events() {
    // Monday 2026-12-07, 06:59 in Shanghai.
    let start: jiff::Timestamp = "2026-12-06T22:59:00Z".parse().unwrap();
    let every_class = "trunk=2 primary=2 secondary=2 tertiary=2 street=2 service=2 path=2";
    let t = TestApp::empty()
        .with_roads()
        .with_clock(ManualClock::new(start))
        .with_rush_hours(&[&format!("mon-fri 07:00-07:05 {every_class}")])
        .build()
        .await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let incident = cmd::incident_near(&t, &dispatcher, &car, ("criminal", "theft")).await;
    let car_id = car["id"].as_str().unwrap();
    refresh(&t).await;
    let free = eta(&t, &dispatcher, &incident, car_id).await.unwrap();

    // 07:00: every road takes twice as long.
    t.advance(jiff::SignedDuration::from_mins(1));
    assert!(refresh(&t).await, "the window opening changes the roads");
    let rush = eta(&t, &dispatcher, &incident, car_id).await.unwrap();
    assert!((rush / free - 2.0).abs() < 0.02, "{rush} ≈ 2 × {free}");
    assert!(!refresh(&t).await, "nothing changes within the window");

    // An accident in the rush hour slows its stretch by both factors.
    let (lat, lon) = (car["lat"].as_f64().unwrap(), car["lon"].as_f64().unwrap());
    let id = publish(&t, &officer, "accident", &format!("{lat} {lon}")).await;
    assert!(refresh(&t).await);
    let both = eta(&t, &dispatcher, &incident, car_id).await.unwrap();
    assert!(both > rush, "{both} > {rush}");
    withdraw(&t, &officer, &id).await;

    // 07:05: free flow again (a short window: the car's position must stay fresh).
    t.advance(jiff::SignedDuration::from_mins(5));
    assert!(refresh(&t).await);
    assert_eq!(eta(&t, &dispatcher, &incident, car_id).await, Some(free));
}
