//! Live 1/3/5-minute circles: figures that follow units, per-area sums, scoping, map polygons,
//! and alerts with a move-up suggestion that, applied, raises the station's cover.

use axum::http::StatusCode;
use jingwu_app::{CoveragePolicy, LiveEvent};
use serde_json::{Value, json};

use crate::support::{Problem, TestApp};

/// (road share, cell share) within `seconds` of an org's coverage.
fn share(cov: &Value, seconds: u64) -> (f64, f64) {
    let l = cov["limits"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["seconds"] == seconds)
        .unwrap();
    (
        l["road_share"].as_f64().unwrap(),
        l["cell_share"].as_f64().unwrap(),
    )
}

/// Figures are shares in [0, 1], grow with the limit, and children add up to the parent.
fn check_consistent(body: &Value) {
    let area = &body["area"];
    let children = body["children"].as_array().unwrap();
    for (i, l) in area["limits"].as_array().unwrap().iter().enumerate() {
        for k in ["road_share", "cell_share"] {
            let v = l[k].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&v), "{k} = {v}");
        }
        assert!(
            l["road_m_covered"].as_f64().unwrap() <= l["road_m_total"].as_f64().unwrap() + 1e-6
        );
        if i > 0 {
            let prev = &area["limits"][i - 1];
            assert!(l["road_share"].as_f64().unwrap() >= prev["road_share"].as_f64().unwrap());
        }
        if children.is_empty() {
            continue;
        }
        let sum = |k: &str| -> f64 {
            children
                .iter()
                .map(|c| c["limits"][i][k].as_f64().unwrap())
                .sum()
        };
        for k in [
            "road_m_total",
            "road_m_covered",
            "cells_total",
            "cells_covered",
        ] {
            let whole = l[k].as_f64().unwrap();
            assert!(
                (sum(k) - whole).abs() <= 1e-6 * whole.max(1.0),
                "{k}: children {} vs area {whole}",
                sum(k)
            );
        }
    }
}

/// Available units of a station, as the city dispatcher sees them.
async fn available_units_of(t: &TestApp, token: &str, org_id: &str) -> Vec<Value> {
    t.get("/api/v1/units", token)
        .await
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["org_id"] == org_id && u["status"] == "available")
        .cloned()
        .collect()
}

async fn off_duty(t: &TestApp, token: &str, units: &[Value]) {
    for u in units {
        let r = t
            .post(
                &format!("/api/v1/units/{}/status", u["id"].as_str().unwrap()),
                token,
                json!({"status": "off_duty"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
}

async fn move_unit(t: &TestApp, token: &str, unit_id: &str, lat: f64, lon: f64) {
    let at = t.now().to_string();
    let r = t
        .post(
            "/api/v1/avl",
            token,
            json!({"positions": [{"unit_id": unit_id, "at": at, "lat": lat, "lon": lon}]}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
}

#[tokio::test]
async fn coverage_follows_units_and_adds_up_per_area() {
    let t = TestApp::empty().with_roads().build().await;
    t.app.command().recompute_coverage().await.unwrap();
    let dispatcher = t.login("dispatcher").await;
    let city = t.get("/api/v1/coverage", &dispatcher).await;
    assert_eq!(city.status, StatusCode::OK, "{}", city.text);
    assert_eq!(city.body["area"]["kind"], "city");
    assert_eq!(city.body["children"].as_array().unwrap().len(), 2);
    assert!(city.body["units_counted"].as_u64().unwrap() > 40);
    check_consistent(&city.body);
    let (road60, _) = share(&city.body["area"], 60);
    let (road300, cells300) = share(&city.body["area"], 300);
    assert!(road60 > 0.0 && road300 > road60 && cells300 > 0.0);

    let haishu = t.org_id("330203").await;
    let gulou = t.org_id("33020301").await;
    let district = t
        .get(&format!("/api/v1/coverage?org={haishu}"), &dispatcher)
        .await;
    assert_eq!(district.status, StatusCode::OK, "{}", district.text);
    assert!(!district.body["children"].as_array().unwrap().is_empty());
    check_consistent(&district.body);

    // The 1-minute circle: neighbouring stations' units cannot fill it.
    let path = format!("/api/v1/coverage?org={gulou}");
    let before = share(&t.get(&path, &dispatcher).await.body["area"], 60).0;
    let units = available_units_of(&t, &dispatcher, &gulou).await;
    assert!(!units.is_empty());
    let home = (
        units[0]["lat"].as_f64().unwrap(),
        units[0]["lon"].as_f64().unwrap(),
    );
    off_duty(&t, &dispatcher, &units).await;
    t.app.command().recompute_coverage().await.unwrap();
    let after = t.get(&path, &dispatcher).await;
    check_consistent(&after.body);
    let off = share(&after.body["area"], 60).0;
    assert!(off < before, "off duty: {off} vs {before}");

    // A unit of another station driving into the area brings cover back.
    let yuehu = t.org_id("33020302").await;
    let helper = available_units_of(&t, &dispatcher, &yuehu).await;
    move_unit(
        &t,
        &dispatcher,
        helper[0]["id"].as_str().unwrap(),
        home.0,
        home.1,
    )
    .await;
    t.app.command().recompute_coverage().await.unwrap();
    let moved = share(&t.get(&path, &dispatcher).await.body["area"], 60).0;
    assert!(moved > off, "moved: {moved} vs {off}");

    // The map: covered and uncovered cells of the station area, dissolved.
    let map = t
        .get(
            &format!("/api/v1/coverage/geojson?org={gulou}&seconds=180"),
            &dispatcher,
        )
        .await;
    assert_eq!(map.status, StatusCode::OK, "{}", map.text);
    assert_eq!(map.body["type"], "FeatureCollection");
    let features = map.body["features"].as_array().unwrap();
    let kinds: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["covered", "uncovered"]);
    let cells: u64 = features
        .iter()
        .map(|f| f["properties"]["cells"].as_u64().unwrap())
        .sum();
    let total = t.get(&path, &dispatcher).await.body["area"]["limits"][1]["cells_total"]
        .as_u64()
        .unwrap();
    assert_eq!(cells, total);
    assert_eq!(features[0]["geometry"]["type"], "MultiPolygon");
    let before_head = t.audit_head().await;
    t.get(
        &format!("/api/v1/coverage/geojson?org={gulou}&seconds=0"),
        &dispatcher,
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.get("/api/v1/coverage/geojson?seconds=abc", &dispatcher)
        .await
        .problem(StatusCode::BAD_REQUEST, "invalid_query");
    assert_eq!(t.audit_head().await, before_head);
}

#[tokio::test]
async fn coverage_is_scoped_to_the_callers_subtree() {
    let t = TestApp::empty().with_roads().build().await;
    let haishu = t.org_id("330203").await;
    let gulou = t.org_id("33020301").await;
    let yuehu = t.org_id("33020302").await;
    let station = t.login("gulou.admin").await;
    let own = t.get("/api/v1/coverage", &station).await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text);
    assert_eq!(own.body["area"]["org_id"], gulou.as_str());
    assert!(own.body["children"].as_array().unwrap().is_empty());
    t.get(&format!("/api/v1/coverage?org={yuehu}"), &station)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.get(&format!("/api/v1/coverage/geojson?org={haishu}"), &station)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.get(&format!("/api/v1/coverage/alerts?org={haishu}"), &station)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    let bureau = t.login("haishu.dispatcher").await;
    let r = t
        .get(&format!("/api/v1/coverage?org={yuehu}"), &bureau)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let root = t.org_id("330200").await;
    t.get(&format!("/api/v1/coverage?org={root}"), &bureau)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.get("/api/v1/coverage?org=nope", &bureau)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let citizen = t.login("citizen").await;
    t.get("/api/v1/coverage", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    t.get("/api/v1/coverage/alerts", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn a_station_short_of_cover_raises_an_alert_whose_move_up_helps() {
    let t = TestApp::empty().with_roads().build().await;
    // No alerts while measuring the baseline.
    t.app.command().set_coverage_policy(CoveragePolicy {
        target: 0.0,
        ..CoveragePolicy::default()
    });
    t.app.command().recompute_coverage().await.unwrap();
    let dispatcher = t.login("dispatcher").await;
    let gulou = t.org_id("33020301").await;
    let path = format!("/api/v1/coverage?org={gulou}");
    // Every other available unit gathers at the point farthest from the station, so that
    // only the station's own units cover its area.
    let all: Vec<Value> = t
        .get("/api/v1/units", &dispatcher)
        .await
        .body
        .as_array()
        .unwrap()
        .clone();
    let pos = |u: &Value| (u["lat"].as_f64().unwrap(), u["lon"].as_f64().unwrap());
    let home = pos(all.iter().find(|u| u["org_id"] == gulou.as_str()).unwrap());
    let far = all
        .iter()
        .map(pos)
        .max_by(|a, b| {
            let d = |p: &(f64, f64)| (p.0 - home.0).powi(2) + (p.1 - home.1).powi(2);
            d(a).total_cmp(&d(b))
        })
        .unwrap();
    let at = t.now().to_string();
    let fixes: Vec<Value> = all
        .iter()
        .filter(|u| u["org_id"] != gulou.as_str())
        .map(|u| json!({"unit_id": u["id"], "at": at, "lat": far.0, "lon": far.1}))
        .collect();
    let r = t
        .post("/api/v1/avl", &dispatcher, json!({"positions": fixes}))
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    t.app.command().recompute_coverage().await.unwrap();
    let s0 = share(&t.get(&path, &dispatcher).await.body["area"], 180).0;
    let units = available_units_of(&t, &dispatcher, &gulou).await;
    off_duty(&t, &dispatcher, &units).await;
    t.app.command().recompute_coverage().await.unwrap();
    let s1 = share(&t.get(&path, &dispatcher).await.body["area"], 180).0;
    assert!(s1 < s0, "{s1} vs {s0}");

    // The station's target sits between what it had and what is left.
    let target = (s0 + s1) / 2.0;
    t.app.command().set_coverage_policy(CoveragePolicy {
        target,
        ..CoveragePolicy::default()
    });
    let mut rx = t.app.subscribe();
    let head = t.audit_head().await;
    t.app.command().recompute_coverage().await.unwrap();
    assert_ne!(t.audit_head().await, head, "the alert is audited");
    let mut announced = false;
    while let Ok(e) = rx.try_recv() {
        if matches!(&e, LiveEvent::CoverageAlert { org_id, .. } if *org_id == gulou) {
            announced = true;
        }
    }
    assert!(announced, "a coverage_alert event was published");

    let station = t.login("gulou.admin").await;
    let alerts = t.get("/api/v1/coverage/alerts?open=true", &station).await;
    assert_eq!(alerts.status, StatusCode::OK, "{}", alerts.text);
    let list = alerts.body.as_array().unwrap();
    assert_eq!(list.len(), 1, "{}", alerts.text);
    let a = &list[0];
    assert_eq!(a["org_id"], gulou.as_str());
    assert_eq!(a["limit_secs"], 180);
    assert!(a["road_share"].as_f64().unwrap() < target);
    assert!(a["resolved_at"].is_null());
    let moves = a["suggestion"]["moves"].as_array().unwrap().clone();
    assert!(!moves.is_empty(), "{}", alerts.text);
    assert!(
        a["suggestion"]["cells_after"].as_u64().unwrap()
            >= a["suggestion"]["cells_before"].as_u64().unwrap()
    );
    // Still short: no second alert for the same station.
    t.app.command().recompute_coverage().await.unwrap();
    let again = t.get("/api/v1/coverage/alerts?open=true", &station).await;
    assert_eq!(again.body.as_array().unwrap().len(), 1);
    // Another station of the bureau does not see it; the bureau does.
    let yuehu = t.login("yuehu.admin").await;
    let other = t.get("/api/v1/coverage/alerts", &yuehu).await;
    assert!(
        other
            .body
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["org_id"] != gulou.as_str())
    );
    let bureau = t.login("haishu.dispatcher").await;
    let seen = t.get("/api/v1/coverage/alerts", &bureau).await;
    assert!(
        seen.body
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["org_id"] == gulou.as_str())
    );

    // Applying the suggestion raises the station's 3-minute cover.
    for m in &moves {
        move_unit(
            &t,
            &dispatcher,
            m["unit_id"].as_str().unwrap(),
            m["to"]["lat"].as_f64().unwrap(),
            m["to"]["lon"].as_f64().unwrap(),
        )
        .await;
    }
    t.app.command().recompute_coverage().await.unwrap();
    let s2 = share(&t.get(&path, &dispatcher).await.body["area"], 180).0;
    assert!(s2 > s1, "after the move-up {s2} vs {s1}");
    if s2 >= target {
        let open = t.get("/api/v1/coverage/alerts?open=true", &station).await;
        assert!(open.body.as_array().unwrap().is_empty(), "{}", open.text);
    }
}

#[tokio::test]
async fn the_background_task_recomputes_when_units_change() {
    let t = TestApp::empty().with_roads().build().await;
    let task = t.app.command().spawn_coverage_task();
    let dispatcher = t.login("dispatcher").await;
    let gulou = t.org_id("33020301").await;
    let path = format!("/api/v1/coverage?org={gulou}");
    // Wait (without asserting any duration) for the first computation, then for the one that
    // follows the status changes.
    async fn computed_at(t: &TestApp, token: &str, path: &str) -> Value {
        t.get(path, token).await.body["computed_at"].clone()
    }
    let first = computed_at(&t, &dispatcher, &path).await;
    let before = share(&t.get(&path, &dispatcher).await.body["area"], 60).0;
    let units = available_units_of(&t, &dispatcher, &gulou).await;
    off_duty(&t, &dispatcher, &units).await;
    let mut after = before;
    for _ in 0..600 {
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let r = t.get(&path, &dispatcher).await;
        if r.body["computed_at"] != first {
            after = share(&r.body["area"], 60).0;
            if after < before {
                break;
            }
        }
    }
    task.abort();
    assert!(after < before, "{after} vs {before}");
}

#[tokio::test]
async fn station_areas_are_drawn_per_station_within_scope() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let city = t.get("/api/v1/coverage/areas", &dispatcher).await;
    assert_eq!(city.status, StatusCode::OK, "{}", city.text);
    let features = city.body["features"].as_array().unwrap();
    assert_eq!(features.len(), 4, "one area per station");
    let mut codes: Vec<&str> = features
        .iter()
        .map(|f| f["properties"]["code"].as_str().unwrap())
        .collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 4);
    // Every station that has road owns some cells; areas are polygons.
    let with_cells = features
        .iter()
        .filter(|f| f["properties"]["cells"].as_u64().unwrap() > 0)
        .count();
    assert_eq!(with_cells, 4, "{with_cells} stations own road cells");
    for f in features
        .iter()
        .filter(|f| f["properties"]["cells"].as_u64().unwrap() > 0)
    {
        assert_eq!(f["geometry"]["type"], "MultiPolygon");
    }
    let total: u64 = features
        .iter()
        .map(|f| f["properties"]["cells"].as_u64().unwrap())
        .sum();

    // A station sees only its own area; a bureau its stations.
    let gulou = t.login("gulou.admin").await;
    let own = t.get("/api/v1/coverage/areas", &gulou).await;
    let own = own.body["features"].as_array().unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0]["properties"]["code"], "33020301");
    let haishu = t.login("haishu.dispatcher").await;
    let bureau = t.get("/api/v1/coverage/areas", &haishu).await;
    assert_eq!(bureau.body["features"].as_array().unwrap().len(), 2);
    let yuehu = t.org_id("33020302").await;
    t.get(&format!("/api/v1/coverage/areas?org={yuehu}"), &gulou)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    let citizen = t.login("citizen").await;
    t.get("/api/v1/coverage/areas", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");

    // The city's areas partition its cells: the same total as the coverage figures.
    let cov = t.get("/api/v1/coverage", &dispatcher).await;
    assert_eq!(cov.status, StatusCode::OK, "{}", cov.text);
    assert_eq!(
        cov.body["area"]["limits"][0]["cells_total"]
            .as_u64()
            .unwrap(),
        total
    );
}
