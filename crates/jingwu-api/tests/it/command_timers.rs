//! 110 status timers and overdue alerts, moved by a `ManualClock` and the timer job's
//! run-once function (never by sleeping): the acknowledgement timer alerts the incident's
//! command room once at its limit and the parent room once after the escalation interval,
//! only in their jurisdictions; a dispatcher acknowledges an alert once; a unit's
//! acknowledgement stops its timer; a bureau's limits apply to its subtree.

use axum::http::StatusCode;
use jiff::SignedDuration;
use jingwu_app::LiveEvent;
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, TestApp, cmd};

fn start() -> ManualClock {
    ManualClock::new("2026-03-02T01:30:00Z".parse().unwrap())
}

async fn app() -> TestApp {
    TestApp::empty()
        .with_roads()
        .with_clock(start())
        .build()
        .await
}

/// A P2 incident near 鼓楼巡01 (owned by the 鼓楼 station) with that unit dispatched.
async fn dispatched(t: &TestApp, dispatcher: &str) -> (String, String) {
    let car = cmd::unit_by_call_sign(t, dispatcher, "鼓楼巡01").await;
    let incident = cmd::incident_near(t, dispatcher, &car, ("dispute", "neighbour_dispute")).await;
    let unit = car["id"].as_str().unwrap().to_string();
    cmd::dispatch(t, dispatcher, &incident, &[&unit]).await;
    (incident, unit)
}

fn timer<'a>(timers: &'a Value, kind: &str) -> &'a Value {
    timers["timers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} timer in {timers}"))
}

async fn run_job(t: &TestApp) -> usize {
    t.app.command().run_timer_alerts().await.unwrap()
}

#[tokio::test]
async fn an_unacknowledged_dispatch_alerts_the_room_then_the_parent_room_once_each() {
    let t = app().await;
    let dispatcher = t.login("dispatcher").await;
    let haishu = t.login("haishu.dispatcher").await;
    let jiangbei = t.login("jiangbei.dispatcher").await;
    let gulou = t.org_id("33020301").await;
    let haishu_org = t.org_id("330203").await;
    let (incident, unit) = dispatched(&t, &dispatcher).await;

    let timers = t
        .get(&format!("/api/v1/incidents/{incident}/timers"), &haishu)
        .await;
    assert_eq!(timers.status, StatusCode::OK, "{}", timers.text);
    let ack = timer(&timers.body, "acknowledge");
    assert_eq!(ack["subject"], unit.as_str());
    assert_eq!(
        (ack["remaining_s"].as_i64(), ack["running"].as_bool()),
        (Some(30), Some(true))
    );
    assert_eq!(timer(&timers.body, "arrival")["remaining_s"], 600);
    assert!(timers.body["limits_org"].is_null(), "the defaults apply");

    // One second before the limit nothing is due; at the limit the station's room is alerted.
    t.advance(SignedDuration::from_secs(29));
    assert_eq!(run_job(&t).await, 0);
    t.advance(SignedDuration::from_secs(1));
    let mut rx = t.app.subscribe();
    let head = t.audit_head().await;
    assert_eq!(run_job(&t).await, 1);
    assert_ne!(t.audit_head().await, head, "the alert is audited");
    assert_eq!(run_job(&t).await, 0, "each level once");
    let mut heard = None;
    while let Ok(e) = rx.try_recv() {
        if let LiveEvent::TimerAlert {
            org_path,
            incident_id,
            ..
        } = e
        {
            heard = Some((org_path, incident_id));
        }
    }
    let (path, heard_incident) = heard.expect("a timer_alert event");
    assert_eq!(heard_incident, incident);
    assert!(path.ends_with("/33020301/"), "{path}");

    let list = t.get("/api/v1/timer-alerts?open=true", &haishu).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let alerts = list.body.as_array().unwrap();
    assert_eq!(alerts.len(), 1, "{}", list.text);
    let first = &alerts[0];
    assert_eq!(
        (
            &first["kind"],
            &first["level"],
            &first["org_id"],
            &first["subject"]
        ),
        (
            &json!("acknowledge"),
            &json!("responsible"),
            &json!(gulou),
            &json!(unit)
        )
    );
    // Another district's dispatcher neither sees nor acknowledges it.
    let other = t.get("/api/v1/timer-alerts", &jiangbei).await;
    assert_eq!(other.body, json!([]));
    let id = first["id"].as_str().unwrap().to_string();
    t.post(
        &format!("/api/v1/timer-alerts/{id}/acknowledge"),
        &jiangbei,
        json!({}),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");

    let timers = t
        .get(&format!("/api/v1/incidents/{incident}/timers"), &haishu)
        .await;
    let ack = timer(&timers.body, "acknowledge");
    assert_eq!(
        (ack["overdue_s"].as_i64(), ack["level"].as_str()),
        (Some(0), Some("responsible"))
    );

    // 90 s later the district's room is alerted too.
    t.advance(SignedDuration::from_secs(89));
    assert_eq!(run_job(&t).await, 0);
    t.advance(SignedDuration::from_secs(1));
    assert_eq!(run_job(&t).await, 1);
    let list = t.get("/api/v1/timer-alerts?open=true", &haishu).await;
    let levels: Vec<(&str, &str)> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["level"].as_str().unwrap(), a["org_id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        levels,
        [
            ("escalated", haishu_org.as_str()),
            ("responsible", gulou.as_str())
        ]
    );

    // Acknowledged once; the second answer is a conflict and changes nothing.
    let r = t
        .post(
            &format!("/api/v1/timer-alerts/{id}/acknowledge"),
            &haishu,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body["acknowledged_at"].is_string());
    let head = t.audit_head().await;
    t.post(
        &format!("/api/v1/timer-alerts/{id}/acknowledge"),
        &dispatcher,
        json!({}),
    )
    .await
    .problem(StatusCode::CONFLICT, "timer_alert_acknowledged");
    assert_eq!(t.audit_head().await, head);
    let open = t.get("/api/v1/timer-alerts?open=true", &haishu).await;
    assert_eq!(open.body.as_array().unwrap().len(), 1);
    // An officer may read but not acknowledge.
    let officer = t.login("officer").await;
    t.post(
        &format!("/api/v1/timer-alerts/{id}/acknowledge"),
        &officer,
        json!({}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");

    // The unit's acknowledgement stops its timer: late by 90 s, no further alerts.
    let r = t
        .post(
            &format!("/api/v1/units/{unit}/acknowledge"),
            &officer,
            json!({"incident_id": incident}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let timers = t
        .get(&format!("/api/v1/incidents/{incident}/timers"), &haishu)
        .await;
    let ack = timer(&timers.body, "acknowledge");
    assert_eq!(
        (ack["running"].as_bool(), ack["overdue_s"].as_i64()),
        (Some(false), Some(90))
    );
    assert!(ack["level"].is_null());
    assert_eq!(timers.body["alerts"].as_array().unwrap().len(), 2);
    t.advance(SignedDuration::from_hours(1));
    // Only the arrival timer (P2, 600 s) is left to alert, at both levels.
    assert_eq!(run_job(&t).await, 2);
    let kinds: Vec<String> = t
        .get(&format!("/api/v1/incidents/{incident}/timers"), &haishu)
        .await
        .body["alerts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            format!(
                "{}/{}",
                a["kind"].as_str().unwrap(),
                a["level"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "acknowledge/responsible",
            "acknowledge/escalated",
            "arrival/responsible",
            "arrival/escalated"
        ]
    );
    // A closed incident's timers stop.
    cmd::close(&t, &dispatcher, &incident).await;
    t.advance(SignedDuration::from_hours(2));
    assert_eq!(run_job(&t).await, 0);
}

fn limits(ack: i64) -> Value {
    json!({"acknowledge_s": ack, "arrival_p1_s": 300, "arrival_p2_s": 900, "arrival_p3_s": 1200,
        "arrival_p4_s": 3600, "on_scene_s": 1800, "handover_s": 180, "escalate_after_s": 60})
}

#[tokio::test]
async fn a_bureaus_limits_apply_to_its_subtree() {
    let t = app().await;
    let admin = t.login("admin").await;
    let haishu_admin_org = t.org_id("330203").await;
    let gulou = t.org_id("33020301").await;
    let dispatcher = t.login("dispatcher").await;

    // Refused: a limit of 0 names its field and changes nothing; other roles and districts.
    let head = t.audit_head().await;
    let mut bad = limits(0);
    bad["handover_s"] = json!(86_401);
    let r = t
        .put(
            &format!("/api/v1/orgs/{haishu_admin_org}/timer-limits"),
            &admin,
            bad,
        )
        .await;
    let body = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["acknowledge_s", "handover_s"]);
    assert_eq!(body["errors"][0]["code"], "timer_limit.range");
    assert_eq!(t.audit_head().await, head);
    let jiangbei_admin = t.login("jiangbei.admin").await;
    t.put(
        &format!("/api/v1/orgs/{haishu_admin_org}/timer-limits"),
        &jiangbei_admin,
        limits(60),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    t.put(
        &format!("/api/v1/orgs/{haishu_admin_org}/timer-limits"),
        &dispatcher,
        limits(60),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");

    let r = t
        .put(
            &format!("/api/v1/orgs/{haishu_admin_org}/timer-limits"),
            &admin,
            limits(60),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_ne!(t.audit_head().await, head, "the change is audited");
    let at_station = t
        .get(&format!("/api/v1/orgs/{gulou}/timer-limits"), &dispatcher)
        .await;
    assert_eq!(at_station.status, StatusCode::OK, "{}", at_station.text);
    assert_eq!(at_station.body["set_by_org"], haishu_admin_org.as_str());
    assert_eq!(at_station.body["limits"]["acknowledge_s"], 60);

    let (incident, _) = dispatched(&t, &dispatcher).await;
    let timers = t
        .get(&format!("/api/v1/incidents/{incident}/timers"), &dispatcher)
        .await;
    assert_eq!(timers.body["limits_org"], haishu_admin_org.as_str());
    assert_eq!(timer(&timers.body, "acknowledge")["remaining_s"], 60);
    assert_eq!(timer(&timers.body, "arrival")["remaining_s"], 900);
    t.advance(SignedDuration::from_secs(59));
    assert_eq!(t.app.command().run_timer_alerts().await.unwrap(), 0);
    t.advance(SignedDuration::from_secs(1));
    assert_eq!(t.app.command().run_timer_alerts().await.unwrap(), 1);
    // Escalation after the bureau's own 60 s.
    t.advance(SignedDuration::from_secs(60));
    assert_eq!(t.app.command().run_timer_alerts().await.unwrap(), 1);

    // Another district keeps the defaults.
    let jiangbei = t.org_id("330205").await;
    let there = t
        .get(
            &format!("/api/v1/orgs/{jiangbei}/timer-limits"),
            &dispatcher,
        )
        .await;
    assert!(there.body["set_by_org"].is_null());
    assert_eq!(there.body["limits"]["acknowledge_s"], 30);
}

/// Concurrent dispatchers acknowledging one alert: exactly one succeeds; two job passes at
/// once (two nodes) raise each level once.
#[tokio::test]
async fn concurrent_acknowledgements_and_job_passes_take_each_alert_once() {
    let t = app().await;
    let dispatcher = t.login("dispatcher").await;
    let haishu = t.login("haishu.dispatcher").await;
    let (incident, _) = dispatched(&t, &dispatcher).await;
    t.advance(SignedDuration::from_secs(30));
    let node2 = t.second_node();
    let (one, two) = (t.app.command(), node2.command());
    let (a, b) = tokio::join!(one.run_timer_alerts(), two.run_timer_alerts());
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let timers = t
        .get(&format!("/api/v1/incidents/{incident}/timers"), &haishu)
        .await;
    let id = timers.body["alerts"][0]["id"].as_str().unwrap().to_string();
    let path = format!("/api/v1/timer-alerts/{id}/acknowledge");
    let tokens = [&dispatcher, &haishu];
    let answers =
        futures_util::future::join_all((0..10).map(|i| t.post(&path, tokens[i % 2], json!({}))))
            .await;
    let ok = answers
        .iter()
        .filter(|r| r.status == StatusCode::OK)
        .count();
    assert_eq!(ok, 1);
    for r in answers.iter().filter(|r| r.status != StatusCode::OK) {
        r.problem(StatusCode::CONFLICT, "timer_alert_acknowledged");
    }
}

/// A hand-over not signed for alerts the receiving room (the new owner) at its limit; a second
/// hand-over ends the first one's timer.
#[tokio::test]
async fn a_handover_not_signed_for_alerts_the_receiving_room() {
    let t = app().await;
    let dispatcher = t.login("dispatcher").await;
    let haishu = t.login("haishu.dispatcher").await;
    let yuehu = t.org_id("33020302").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let incident =
        cmd::incident_near(&t, &dispatcher, &car, ("dispute", "neighbour_dispute")).await;
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/handover"),
            &haishu,
            json!({"to_org": yuehu, "reason": "属月湖辖区"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let timers = t
        .get(&format!("/api/v1/incidents/{incident}/timers"), &haishu)
        .await;
    let h = timer(&timers.body, "handover");
    assert_eq!(
        (h["remaining_s"].as_i64(), h["running"].as_bool()),
        (Some(180), Some(true))
    );

    t.advance(SignedDuration::from_secs(180));
    assert_eq!(run_job(&t).await, 1);
    let alerts = t.get("/api/v1/timer-alerts", &haishu).await.body;
    assert_eq!(alerts[0]["kind"], "handover");
    assert_eq!(alerts[0]["org_id"], yuehu.as_str(), "the receiving room");

    // Handed on (back to 鼓楼): the first timer stops, the new one runs.
    let gulou = t.org_id("33020301").await;
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/handover"),
            &haishu,
            json!({"to_org": gulou, "reason": "核实后仍属鼓楼"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let timers = t
        .get(&format!("/api/v1/incidents/{incident}/timers"), &haishu)
        .await;
    let running: Vec<bool> = timers.body["timers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["kind"] == "handover")
        .map(|t| t["running"].as_bool().unwrap())
        .collect();
    assert_eq!(running, [false, true]);
}
