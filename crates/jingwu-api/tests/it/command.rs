//! 110 linked command through the real API: intake → recommendation → dispatch → terminal
//! message → acknowledge → en route → on scene → close, with the timeline; scoping, illegal
//! transitions, AVL, resume, duplicates, and no double dispatch under concurrency.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Problem, TestApp, cmd};

#[tokio::test]
async fn an_incident_runs_from_intake_to_close() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap();
    assert!(
        unit["crew"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "officer")
    );
    let (lat, lon) = (
        unit["lat"].as_f64().unwrap() + 0.001,
        unit["lon"].as_f64().unwrap(),
    );

    let incident = cmd::incident_at(&t, &dispatcher, lat, lon, ("criminal", "theft")).await;
    let recs = t
        .get(
            &format!("/api/v1/incidents/{incident}/recommendations?limit=10"),
            &dispatcher,
        )
        .await;
    assert_eq!(recs.status, StatusCode::OK, "{}", recs.text);
    let recs = recs.body["units"].as_array().unwrap();
    assert!(!recs.is_empty());
    let etas: Vec<f64> = recs.iter().map(|r| r["eta_s"].as_f64().unwrap()).collect();
    // No plan applies: ordered strictly by ETA (no longer by one-minute bands).
    assert!(etas.windows(2).all(|w| w[0] <= w[1]), "{etas:?}");
    assert!(
        recs.iter()
            .all(|r| r["fit"].is_string() && r["tier"].is_string())
    );

    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/dispatch"),
            &dispatcher,
            json!({"unit_ids": [unit_id]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let seq = r.body[0]["terminal_seq"].as_i64().unwrap();

    // The terminal finds its assignment in its message log.
    let msgs = t
        .get(
            &format!("/api/v1/units/{unit_id}/messages?after=0"),
            &officer,
        )
        .await;
    assert_eq!(msgs.status, StatusCode::OK, "{}", msgs.text);
    let last = msgs.body.as_array().unwrap().last().unwrap();
    assert_eq!(last["seq"], seq);
    assert_eq!(last["body"]["incident_id"], incident.as_str());
    assert_eq!(last["body"]["caller_phone"], "13912345678");

    let ack = t
        .post(
            &format!("/api/v1/units/{unit_id}/acknowledge"),
            &officer,
            json!({"incident_id": incident}),
        )
        .await;
    assert_eq!(ack.status, StatusCode::NO_CONTENT, "{}", ack.text);
    for status in ["en_route", "on_scene"] {
        let r = t
            .post(
                &format!("/api/v1/units/{unit_id}/status"),
                &officer,
                json!({"status": status}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let close = json!({"result_code": "10", "result_text": "现场查明系误会，已调解完毕"});
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/close"),
            &officer,
            close,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);

    let d = t
        .get(&format!("/api/v1/incidents/{incident}"), &dispatcher)
        .await;
    let kinds: Vec<&str> = d.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "dispatched",
            "acknowledged",
            "en_route",
            "on_scene",
            "closed"
        ]
    );
    let i = &d.body["incident"];
    assert_eq!(i["status"], "closed");
    for field in [
        "dispatched_at",
        "acknowledged_at",
        "en_route_at",
        "on_scene_at",
        "closed_at",
    ] {
        assert!(i[field].is_string(), "{field} missing: {i}");
    }
    assert_eq!(i["result_code"], "10");
    let a = &d.body["assignments"][0];
    assert_eq!(a["status"], "cleared");
    assert!(a["on_scene_at"].is_string() && a["cleared_at"].is_string());
    let unit = t
        .get(&format!("/api/v1/units/{unit_id}"), &dispatcher)
        .await;
    assert_eq!(unit.body["status"], "available");
    assert!(unit.body["incident_id"].is_null());

    // The whole story is in the audit chain, which is intact.
    assert!(t.audit_intact().await);
}

#[tokio::test]
async fn illegal_status_changes_are_refused_with_the_reason() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap();
    let incident = cmd::incident_at(
        &t,
        &dispatcher,
        unit["lat"].as_f64().unwrap(),
        unit["lon"].as_f64().unwrap(),
        ("dispute", "neighbour_dispute"),
    )
    .await;
    t.post(
        &format!("/api/v1/incidents/{incident}/dispatch"),
        &dispatcher,
        json!({"unit_ids": [unit_id]}),
    )
    .await;

    let before = t.audit_head().await;
    let r = t
        .post(
            &format!("/api/v1/units/{unit_id}/status"),
            &officer,
            json!({"status": "on_scene"}),
        )
        .await;
    let p = r.problem(StatusCode::CONFLICT, "illegal_transition");
    assert!(p["detail"].as_str().unwrap().contains("en route"), "{p}");
    let r = t
        .post(
            &format!("/api/v1/units/{unit_id}/status"),
            &officer,
            json!({"status": "available"}),
        )
        .await;
    assert!(
        r.problem(StatusCode::CONFLICT, "illegal_transition")["detail"]
            .as_str()
            .unwrap()
            .contains("reason")
    );
    t.post(
        &format!("/api/v1/units/{unit_id}/status"),
        &officer,
        json!({"status": "off_duty"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "illegal_transition");
    t.post(
        &format!("/api/v1/units/{unit_id}/status"),
        &officer,
        json!({"status": "teleported"}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // Dispatching it again, to another incident, is refused: it is no longer available.
    let other = cmd::incident_at(
        &t,
        &dispatcher,
        unit["lat"].as_f64().unwrap(),
        unit["lon"].as_f64().unwrap(),
        ("traffic", "collision"),
    )
    .await;
    let r = t
        .post(
            &format!("/api/v1/incidents/{other}/dispatch"),
            &dispatcher,
            json!({"unit_ids": [unit_id]}),
        )
        .await;
    r.problem(StatusCode::CONFLICT, "unit_not_available");
    assert_eq!(
        t.audit_head().await.0,
        before.0 + 1,
        "only the second intake was written"
    );

    // Cancelling with a reason is allowed and lands on the timeline.
    let r = t
        .post(
            &format!("/api/v1/units/{unit_id}/status"),
            &dispatcher,
            json!({"status": "available", "reason": "改派其他警力"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = t
        .get(&format!("/api/v1/incidents/{incident}"), &dispatcher)
        .await;
    // The only unit was called off: the incident waits for a unit again.
    let kinds: Vec<&str> = d.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds[kinds.len() - 2..], ["cancelled", "reopened"]);
    assert_eq!(d.body["incident"]["status"], "new");
}

#[tokio::test]
async fn a_station_dispatcher_tasks_only_its_own_units() {
    let t = TestApp::empty().with_roads().build().await;
    let admin = t.login("admin").await;
    let gulou = t.org_id("33020301").await;
    let body = json!({"username": "gulou.dispatcher", "display_name": "鼓楼所指挥室", "role": "dispatcher", "org": gulou, "password": jingwu_app::DEMO_PASSWORD});
    assert_eq!(
        t.post("/api/v1/users", &admin, body).await.status,
        StatusCode::CREATED
    );
    let station = t.login("gulou.dispatcher").await;
    let city = t.login("dispatcher").await;

    let own = t.get("/api/v1/units", &station).await;
    let own = own.body.as_array().unwrap();
    assert_eq!(own.len(), 12);
    assert!(
        own.iter()
            .all(|u| u["call_sign"].as_str().unwrap().starts_with("鼓楼"))
    );

    let gulou_unit = cmd::unit_by_call_sign(&t, &city, "鼓楼巡02").await;
    let yuehu_unit = cmd::unit_by_call_sign(&t, &city, "月湖巡02").await;
    let (lat, lon) = (
        gulou_unit["lat"].as_f64().unwrap(),
        gulou_unit["lon"].as_f64().unwrap(),
    );
    let incident = cmd::incident_at(&t, &city, lat, lon, ("public_order", "noise")).await;
    let d = t.get(&format!("/api/v1/incidents/{incident}"), &city).await;
    if d.body["incident"]["org_id"] != gulou.as_str() {
        // The nearest station by road owns the point; this test needs Gulou to own it.
        panic!("expected Gulou to own the incident: {}", d.text);
    }
    // Another station's unit is not the station's to task (and not even visible).
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/dispatch"),
            &station,
            json!({"unit_ids": [yuehu_unit["id"]]}),
        )
        .await;
    r.problem(StatusCode::NOT_FOUND, "not_found");
    t.get(
        &format!("/api/v1/units/{}", yuehu_unit["id"].as_str().unwrap()),
        &station,
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    // Its own unit it may task; the city may task anyone (flat dispatch).
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/dispatch"),
            &station,
            json!({"unit_ids": [gulou_unit["id"]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/dispatch"),
            &city,
            json!({"unit_ids": [yuehu_unit["id"]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Recommendations for the station list only its own units.
    let recs = t
        .get(
            &format!("/api/v1/incidents/{incident}/recommendations?limit=50"),
            &station,
        )
        .await;
    assert!(
        recs.body["units"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["org_id"] == gulou.as_str()),
        "{}",
        recs.text
    );
    // Yuehu's dispatcher cannot see Gulou's incident... unless its unit is on it: it is.
    let body = json!({"username": "yuehu.dispatcher", "display_name": "月湖所指挥室", "role": "dispatcher", "org": t.org_id("33020302").await, "password": jingwu_app::DEMO_PASSWORD});
    t.post("/api/v1/users", &admin, body).await;
    let yuehu = t.login("yuehu.dispatcher").await;
    assert_eq!(
        t.get(&format!("/api/v1/incidents/{incident}"), &yuehu)
            .await
            .status,
        StatusCode::OK
    );
    let other = cmd::incident_at(&t, &city, lat, lon, ("assistance", "other_assistance")).await;
    t.get(&format!("/api/v1/incidents/{other}"), &yuehu)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_dispatchers_never_double_dispatch() {
    let t = std::sync::Arc::new(TestApp::empty().with_roads().build().await);
    let dispatcher = t.login("dispatcher").await;
    let units = t.get("/api/v1/units", &dispatcher).await;
    let unit = units
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["status"] == "available" && u["call_sign"] != "鼓楼巡01")
        .unwrap()
        .clone();
    let unit_id = unit["id"].as_str().unwrap().to_string();
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let mut incidents = Vec::new();
    for i in 0..50 {
        incidents.push(
            cmd::incident_at(
                &t,
                &dispatcher,
                lat + f64::from(i) * 0.0001,
                lon,
                ("traffic", "collision"),
            )
            .await,
        );
    }
    let mut tokens = Vec::new();
    for _ in 0..50 {
        tokens.push(t.login("dispatcher").await);
    }
    let mut tasks = Vec::new();
    for (incident, token) in incidents.iter().cloned().zip(tokens) {
        let (t, unit_id) = (t.clone(), unit_id.clone());
        tasks.push(tokio::spawn(async move {
            let r = t
                .post(
                    &format!("/api/v1/incidents/{incident}/dispatch"),
                    &token,
                    json!({"unit_ids": [unit_id]}),
                )
                .await;
            (incident, r.status, r.body["code"].clone())
        }));
    }
    let mut won = Vec::new();
    for task in tasks {
        let (incident, status, code) = task.await.unwrap();
        match status {
            StatusCode::OK => won.push(incident),
            StatusCode::CONFLICT => assert_eq!(code, "unit_not_available"),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(won.len(), 1, "exactly one dispatcher gets the unit");
    let u = t
        .get(&format!("/api/v1/units/{unit_id}"), &dispatcher)
        .await;
    assert_eq!(u.body["incident_id"], won[0].as_str());
    let mut assigned = 0;
    for incident in &incidents {
        let d = t
            .get(&format!("/api/v1/incidents/{incident}"), &dispatcher)
            .await;
        assigned += d.body["assignments"].as_array().unwrap().len();
    }
    assert_eq!(assigned, 1);
    assert!(t.audit_intact().await);
}

#[tokio::test]
async fn terminals_report_positions_and_resume_their_messages() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap();
    let other = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡02").await;
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());

    let now = t.now();
    let fix = |id: &str, dlat: f64| json!({"unit_id": id, "at": now.to_string(), "lat": lat + dlat, "lon": lon, "speed_kmh": 32.5, "heading": 90.0});
    let r = t
        .post(
            "/api/v1/avl",
            &officer,
            json!({"positions": [fix(unit_id, 0.0005)]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["accepted"], 1);
    let u = t
        .get(&format!("/api/v1/units/{unit_id}"), &dispatcher)
        .await;
    assert!((u.body["lat"].as_f64().unwrap() - (lat + 0.0005)).abs() < 1e-9);
    // Retention: history older than the limit is pruned, the unit keeps its last position.
    assert_eq!(t.app.command().prune_positions(3600).await.unwrap(), 0);
    assert!(t.app.command().prune_positions(0).await.unwrap() >= 1);
    let u = t
        .get(&format!("/api/v1/units/{unit_id}"), &dispatcher)
        .await;
    assert!(u.body["lat"].is_number());
    // Not the officer's unit: refused, nothing stored.
    t.post(
        "/api/v1/avl",
        &officer,
        json!({"positions": [fix(other["id"].as_str().unwrap(), 0.0)]}),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    let bad = json!({"positions": [{"unit_id": unit_id, "at": now.to_string(), "lat": 95.0, "lon": lon}]});
    let r = t.post("/api/v1/avl", &officer, bad).await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["field"],
        "positions[0]"
    );

    // Two assignments while "offline"; resuming from the first returns only the second.
    let a = cmd::incident_at(&t, &dispatcher, lat, lon, ("dispute", "neighbour_dispute")).await;
    let r = t
        .post(
            &format!("/api/v1/incidents/{a}/dispatch"),
            &dispatcher,
            json!({"unit_ids": [unit_id]}),
        )
        .await;
    let first = r.body[0]["terminal_seq"].as_i64().unwrap();
    t.post(
        &format!("/api/v1/units/{unit_id}/status"),
        &dispatcher,
        json!({"status": "available", "reason": "改派"}),
    )
    .await;
    let b = cmd::incident_at(&t, &dispatcher, lat, lon, ("traffic", "collision")).await;
    let r = t
        .post(
            &format!("/api/v1/incidents/{b}/dispatch"),
            &dispatcher,
            json!({"unit_ids": [unit_id]}),
        )
        .await;
    let second = r.body[0]["terminal_seq"].as_i64().unwrap();
    // The cancellation was told to the crew in between.
    assert_eq!(second, first + 2);
    let msgs = t
        .get(
            &format!("/api/v1/units/{unit_id}/messages?after={first}"),
            &officer,
        )
        .await;
    let msgs = msgs.body.as_array().unwrap();
    assert_eq!(msgs.len(), 2);
    assert_eq!(msgs[0]["kind"], "cancelled");
    assert_eq!(msgs[1]["body"]["incident_id"], b.as_str());
}

#[tokio::test]
async fn nearby_incidents_of_a_kind_are_flagged_as_duplicates() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let first = cmd::incident_at(&t, &dispatcher, lat, lon, ("traffic", "collision")).await;
    let body = json!({
        "caller_phone": "0574-87654321", "lat": lat + 0.0005, "lon": lon, "category": "traffic",
        "subcategory": "collision", "priority": "p3", "source": "call_110", "description": "路口两车相撞",
    });
    let r = t.post("/api/v1/incidents", &dispatcher, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.body["possible_duplicates"][0]["incident_id"],
        first.as_str()
    );
    // A different category at the same spot is not the same event, but it is flagged as very
    // close (callers classify one event differently); 100 m away it is not flagged.
    let body = json!({
        "caller_phone": "110", "lat": lat, "lon": lon, "category": "fire_rescue", "subcategory": "building_fire",
        "priority": "p1", "source": "call_110", "description": "楼里冒烟",
    });
    let r = t.post("/api/v1/incidents", &dispatcher, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let dups = r.body["possible_duplicates"].as_array().unwrap();
    assert!(
        dups.iter().all(|d| d["reasons"] == json!(["very_close"])) && dups.len() == 1,
        "{dups:?}"
    );
    let body = json!({
        "caller_phone": "110", "lat": lat - 0.0009, "lon": lon, "category": "dispute",
        "subcategory": "neighbour_dispute", "priority": "p3", "source": "call_110",
        "description": "邻居吵架",
    });
    let r = t.post("/api/v1/incidents", &dispatcher, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.body["possible_duplicates"].as_array().unwrap().is_empty());
    // Bad intake: unknown taxonomy and coordinates out of range, each named.
    let body = json!({
        "caller_phone": "x", "lat": 91.0, "lon": lon, "category": "traffic", "subcategory": "robbery",
        "priority": "p9", "source": "pigeon", "description": "",
    });
    let r = t.post("/api/v1/incidents", &dispatcher, body).await;
    let fields: Vec<&str> =
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
    assert_eq!(
        fields,
        [
            "lat",
            "caller_phone",
            "description",
            "subcategory",
            "priority",
            "source"
        ]
    );
}

/// Lists show callers masked; opening an incident (or exporting it) shows the caller in full
/// and leaves an audit entry naming who looked.
#[tokio::test]
async fn a_callers_details_are_masked_in_lists_and_each_full_view_is_audited() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let id = cmd::incident_at(&t, &dispatcher, lat, lon, ("criminal", "theft")).await;
    let list = t.get("/api/v1/incidents", &dispatcher).await;
    let listed = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id.as_str())
        .unwrap();
    assert_eq!(listed["caller_phone"], "139****5678");
    assert_eq!(listed["caller_name"], "王**");
    let views = "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2 AND actor_role = 'dispatcher'";
    t.audit_head().await;
    assert_eq!(
        t.sql_count(views, &["incident.view", &id]).await,
        0,
        "a list is not a view"
    );

    let full = t.get(&format!("/api/v1/incidents/{id}"), &dispatcher).await;
    assert_eq!(full.body["incident"]["caller_phone"], "13912345678");
    assert_eq!(full.body["incident"]["caller_name"], "王女士");
    t.get(&format!("/api/v1/incidents/{id}/eido"), &dispatcher)
        .await;
    t.audit_head().await;
    assert_eq!(t.sql_count(views, &["incident.view", &id]).await, 1);
    assert_eq!(t.sql_count(views, &["incident.export", &id]).await, 1);
    // Somebody out of scope sees nothing and leaves no view.
    let other = t.login("jiangbei.dispatcher").await;
    assert_eq!(
        t.get(&format!("/api/v1/incidents/{id}"), &other)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    t.audit_head().await;
    assert_eq!(
        t.sql_count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'incident.view' AND object_id = $1",
            &[&id]
        )
        .await,
        1
    );
}
