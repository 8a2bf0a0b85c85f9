//! The handling area (办案区) and its legal clocks, through the API on a manual clock (time
//! moves only when a test moves it): a person's way through the area, warnings raised once,
//! extensions of the right level, the forced outcome at expiry, one record per identity (also
//! under concurrent requests), one decision per extension, jurisdiction and audited views.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jiff::SignedDuration;
use jingwu_testkit::fixtures::area as af;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{ManualClock, Problem, TestApp};

const BAISHA: &str = "33020501";
const GULOU: &str = "33020301";

/// A fixed start, so every run sees the same instants.
fn start() -> ManualClock {
    ManualClock::new("2026-03-02T01:30:00Z".parse().unwrap())
}

/// Rooms of the Baisha station's area.
struct Rooms {
    safety: String,
    waiting: String,
    interrogation: String,
}

async fn setup() -> (TestApp, Rooms) {
    // Sessions outlive the longest clock a test runs through.
    let t = TestApp::empty()
        .with_city()
        .with_clock(start())
        .with_config(|c| c.session_ttl = SignedDuration::from_hours(24 * 7))
        .build()
        .await;
    let admin = t.login("baisha.admin").await;
    let rooms = Rooms {
        safety: af::room(&t, &admin, BAISHA, "S01", "safety_check").await,
        waiting: af::room(&t, &admin, BAISHA, "H01", "waiting").await,
        interrogation: af::room(&t, &admin, BAISHA, "X01", "interrogation").await,
    };
    (t, rooms)
}

fn now(t: &TestApp) -> String {
    t.now().to_string()
}

async fn user_id(t: &TestApp, username: &str) -> String {
    let me = t.get("/api/v1/me", &t.login(username).await).await;
    me.body["id"].as_str().unwrap().to_owned()
}

/// Every audit entry (newest first), read page by page by the city administrator.
async fn audit(t: &TestApp) -> Vec<Value> {
    t.audit_head().await;
    let admin = t.login("admin").await;
    let mut all = Vec::new();
    let mut path = "/api/v1/audit?limit=200".to_owned();
    loop {
        let r = t.get(&path, &admin).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        all.extend(r.body["items"].as_array().unwrap().iter().cloned());
        match r.body["next_cursor"].as_str() {
            Some(next) => path = format!("/api/v1/audit?limit=200&cursor={next}"),
            None => return all,
        }
    }
}

fn count(entries: &[Value], action: &str, object_id: &str) -> usize {
    entries
        .iter()
        .filter(|e| e["action"] == action && e["object_id"] == object_id)
        .count()
}

async fn record(t: &TestApp, who: &str, id: &str) -> Value {
    let r = t.get(&format!("/api/v1/cases/area/{id}"), who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

fn kinds(rec: &Value) -> Vec<String> {
    rec["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn board(t: &TestApp, who: &str) -> Vec<Value> {
    let r = t.get("/api/v1/cases/area", who).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_person_goes_through_the_area_and_leaves_with_an_outcome() {
    let (t, rooms) = setup().await;
    let case = t.login("case").await;
    let arrived = (t.now() - SignedDuration::from_mins(30)).to_string();
    let mut body = af::suspect(1, "criminal_summons", &arrived);
    body["room_id"] = json!(rooms.waiting);
    let r = af::bring_in_resp(&t, &case, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["person"]["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["person"]["status"], "in_area");
    assert_eq!(r.body["person"]["room_id"], rooms.waiting.as_str());
    let m = &r.body["measures"][0];
    assert_eq!(m["limit"]["code"], "criminal_summons");
    assert!(
        m["limit"]["basis"]
            .as_str()
            .unwrap()
            .contains("第一百一十九条")
    );
    // The clock runs from the arrival (到案时间), not from the registration.
    assert_eq!(m["clock"]["started_at"], arrived.as_str());
    assert_eq!(m["clock"]["remaining_seconds"], 11 * 3600 + 30 * 60);
    assert_eq!(kinds(&r.body), ["arrival", "measure_started", "room_move"]);

    // The safety check comes first.
    af::step(
        &t,
        &case,
        &id,
        json!({"kind": "room_move", "room_id": rooms.interrogation}),
    )
    .await
    .problem(StatusCode::CONFLICT, "safety_check_first");
    af::step(&t, &case, &id, json!({"kind": "info_collected"}))
        .await
        .problem(StatusCode::CONFLICT, "safety_check_first");
    let r = af::step(
        &t,
        &case,
        &id,
        json!({"kind": "room_move", "room_id": rooms.safety}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = af::step(
        &t,
        &case,
        &id,
        json!({"kind": "safety_check", "note": "未发现违禁品"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["room_id"], rooms.safety.as_str());
    af::step(&t, &case, &id, json!({"kind": "safety_check"}))
        .await
        .problem(StatusCode::CONFLICT, "custody_state");
    let r = af::step(
        &t,
        &case,
        &id,
        json!({"kind": "info_collected", "note": "指纹、照片"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = af::step(
        &t,
        &case,
        &id,
        json!({"kind": "room_move", "room_id": rooms.interrogation}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = t
        .post(
            &format!("/api/v1/cases/area/{id}/belongings"),
            &case,
            json!({"items": [{"description": "手机", "quantity": 1}, {"description": "现金（元）", "quantity": 320}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body.as_array().unwrap().len(), 2);

    let lines = board(&t, &case).await;
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["person"]["id"], id.as_str());
    assert_eq!(lines[0]["person"]["room_id"], rooms.interrogation.as_str());
    assert_eq!(lines[0]["measure"]["limit"]["code"], "criminal_summons");

    t.advance(SignedDuration::from_hours(2));
    let r = t
        .post(
            &format!("/api/v1/cases/area/{id}/exit"),
            &case,
            json!({"outcome": "transferred"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.body["errors"][0]["field"], "note");
    let r = t
        .post(
            &format!("/api/v1/cases/area/{id}/exit"),
            &case,
            json!({"outcome": "released", "note": "教育后释放"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["person"]["status"], "exited");
    assert_eq!(r.body["person"]["outcome"], "released");
    assert!(r.body["person"]["room_id"].is_null());
    assert!(
        r.body["belongings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|b| b["returned_at"].is_string())
    );
    let m = &r.body["measures"][0];
    assert!(m["ended_at"].is_string());
    assert_eq!(m["clock"]["stopped"], true);
    assert_eq!(
        kinds(&r.body),
        [
            "arrival",
            "measure_started",
            "room_move",
            "room_move",
            "safety_check",
            "info_collected",
            "room_move",
            "belonging",
            "exit"
        ]
    );
    assert!(board(&t, &case).await.is_empty());
    // A closed record takes nothing more.
    af::step(&t, &case, &id, json!({"kind": "return"}))
        .await
        .problem(StatusCode::CONFLICT, "custody_state");
    t.post(
        &format!("/api/v1/cases/area/{id}/exit"),
        &case,
        json!({"outcome": "released"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "custody_state");

    let entries = audit(&t).await;
    for action in [
        "cases.area.bring_in",
        "cases.area.safety_check",
        "cases.area.info_collected",
        "cases.area.belongings",
        "cases.area.exit",
    ] {
        assert_eq!(count(&entries, action, &id), 1, "{action}");
    }
    assert_eq!(count(&entries, "cases.area.room_move", &id), 2);
    // The history cannot be rewritten behind the API either.
    let tamper = t
        .sql_execute(&format!(
            "UPDATE area_events SET detail = '{{}}' WHERE custody_id = '{id}'"
        ))
        .await;
    assert!(tamper.unwrap_err().contains("append-only"));
    assert!(t.audit_intact().await);
}

#[tokio::test]
async fn the_first_warning_is_raised_once_at_half_time() {
    let (t, _) = setup().await;
    let case = t.login("case").await;
    let legal = t.login("legal").await;
    let id = af::bring_in(&t, &case, af::suspect(2, "criminal_summons", &now(&t))).await;
    let measure = af::running_measure(&t, &case, &id).await;
    let measure_id = measure["id"].as_str().unwrap().to_owned();

    t.advance(SignedDuration::from_hours(6) - SignedDuration::from_secs(1));
    assert_eq!(t.app.cases().run_clock_alerts().await.unwrap(), 0);
    let r = t.get("/api/v1/cases/alerts", &case).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.body.as_array().unwrap().is_empty());

    // 50% of 12 hours.
    t.advance(SignedDuration::from_secs(1));
    assert_eq!(t.app.cases().run_clock_alerts().await.unwrap(), 1);
    assert_eq!(t.app.cases().run_clock_alerts().await.unwrap(), 0);
    t.advance(SignedDuration::from_mins(5));
    assert_eq!(t.app.cases().run_clock_alerts().await.unwrap(), 0);

    for who in [&case, &legal] {
        let r = t.get("/api/v1/cases/alerts", who).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let list = r.body.as_array().unwrap();
        assert_eq!(list.len(), 1, "{}", r.text);
        assert_eq!(list[0]["level"], "first");
        assert_eq!(list[0]["clock"], "measure");
        assert_eq!(list[0]["clock_id"], measure_id.as_str());
        assert_eq!(list[0]["custody_id"], id.as_str());
        assert_eq!(list[0]["at"], "2026-03-02T07:30:00Z");
    }
    // Another station sees nothing of it.
    let r = t
        .get("/api/v1/cases/alerts", &t.login("gulou.case").await)
        .await;
    assert!(r.body.as_array().unwrap().is_empty());
    let rec = record(&t, &case, &id).await;
    assert_eq!(kinds(&rec).iter().filter(|k| *k == "warning").count(), 1);
    assert_eq!(rec["measures"][0]["clock"]["alert"], "first");
    assert_eq!(rec["measures"][0]["alerts"][0]["level"], "first");
    let entries = audit(&t).await;
    let raised: Vec<&Value> = entries
        .iter()
        .filter(|e| e["action"] == "cases.clock.alert" && e["object_id"] == measure_id.as_str())
        .collect();
    assert_eq!(raised.len(), 1);
    let recipients = raised[0]["detail"]["recipients"].as_array().unwrap();
    assert_eq!(recipients.len(), 1);
    assert_eq!(recipients[0]["to"], "handler");
    assert_eq!(recipients[0]["user_id"], user_id(&t, "case").await.as_str());
}

#[tokio::test]
async fn an_extension_needs_a_district_approver_and_moves_the_due_time() {
    let (t, _) = setup().await;
    let case = t.login("case").await;
    // A legal supervisor of the station itself: below the county level the law asks for.
    let admin = t.login("admin").await;
    let r = t
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "baisha.legal", "display_name": "白沙派出所法制员", "role": "legal_supervisor",
                "org": t.org_id(BAISHA).await, "password": jingwu_testkit::PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let station_legal = t.login("baisha.legal").await;
    let district_legal = t.login("jiangbei.legal").await;

    let arrived = t.now();
    let id = af::bring_in(
        &t,
        &case,
        af::suspect(3, "continued_questioning", &arrived.to_string()),
    )
    .await;
    let m = af::running_measure(&t, &case, &id).await;
    let mid = m["id"].as_str().unwrap().to_owned();
    assert_eq!(
        m["clock"]["due_at"],
        (arrived + SignedDuration::from_hours(24)).to_string()
    );
    t.advance(SignedDuration::from_hours(20));

    let path = format!("/api/v1/cases/clocks/measure/{mid}/extensions");
    // Past the law's maximum (24 + 24 hours): refused.
    t.post(
        &path,
        &case,
        json!({"minutes": 24 * 60 + 1, "reason": "案情复杂"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "extension_refused");
    // Only a handler asks.
    t.post(
        &path,
        &district_legal,
        json!({"minutes": 60, "reason": "x"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");
    let r = t
        .post(
            &path,
            &case,
            json!({"minutes": 24 * 60, "reason": "案情复杂，需继续盘问"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let ext = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["status"], "requested");
    t.post(&path, &case, json!({"minutes": 60, "reason": "再次申请"}))
        .await
        .problem(StatusCode::CONFLICT, "extension_state");

    for who in [&station_legal, &district_legal, &t.login("legal").await] {
        let r = t.get("/api/v1/cases/extensions", who).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let list = r.body.as_array().unwrap();
        assert_eq!(list.len(), 1);
        assert_eq!(list[0]["extension"]["id"], ext.as_str());
        assert_eq!(list[0]["clock"]["limit"]["approver_level"], "district");
    }
    t.get("/api/v1/cases/extensions", &case)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");

    let decide = format!("/api/v1/cases/extensions/{ext}/decision");
    t.post(&decide, &station_legal, json!({"approve": true}))
        .await
        .problem(StatusCode::FORBIDDEN, "approver_level");
    let r = t
        .post(
            &decide,
            &district_legal,
            json!({"approve": true, "note": "同意延长至48小时"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "approved");
    assert_eq!(r.body["decided_level"], "district");
    t.post(&decide, &t.login("legal").await, json!({"approve": false}))
        .await
        .problem(StatusCode::CONFLICT, "extension_state");

    let m = af::running_measure(&t, &case, &id).await;
    assert_eq!(
        m["clock"]["due_at"],
        (arrived + SignedDuration::from_hours(48)).to_string()
    );
    assert_eq!(m["clock"]["limit_minutes"], 48 * 60);
    assert_eq!(m["extensions"][0]["status"], "approved");
    // The maximum is reached: no more.
    t.post(&path, &case, json!({"minutes": 1, "reason": "再延长"}))
        .await
        .problem(StatusCode::CONFLICT, "extension_refused");
    // Past the old due time the area still works.
    t.advance(SignedDuration::from_hours(5));
    let r = af::step(&t, &case, &id, json!({"kind": "safety_check"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let rec = record(&t, &case, &id).await;
    let k = kinds(&rec);
    assert!(k.contains(&"extension_requested".to_owned()));
    assert!(k.contains(&"extension_approved".to_owned()));
    let entries = audit(&t).await;
    assert_eq!(count(&entries, "cases.clock.extension.request", &mid), 1);
    assert_eq!(count(&entries, "cases.clock.extension.decide", &mid), 1);
    // The station-level refusal is on record.
    assert!(entries.iter().any(|e| e["action"] == "cases.denied"
        && e["object_id"] == mid.as_str()
        && e["detail"]["reason"] == "approver_level"));
}

#[tokio::test]
async fn at_expiry_only_the_exit_is_accepted() {
    let (t, rooms) = setup().await;
    let case = t.login("case").await;
    let arrived = t.now();
    let id = af::bring_in(
        &t,
        &case,
        af::suspect(4, "admin_summons", &arrived.to_string()),
    )
    .await;
    af::step(&t, &case, &id, json!({"kind": "safety_check"})).await;
    let mid = af::running_measure(&t, &case, &id).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // One second before the 8 hours the area still works; at the boundary it does not.
    t.advance(SignedDuration::from_hours(8) - SignedDuration::from_secs(1));
    let r = af::step(
        &t,
        &case,
        &id,
        json!({"kind": "room_move", "room_id": rooms.waiting}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    t.advance(SignedDuration::from_secs(1));
    let jiangbei_legal = user_id(&t, "jiangbei.legal").await;
    let steps = [
        json!({"kind": "info_collected"}),
        json!({"kind": "room_move", "room_id": rooms.interrogation}),
        json!({"kind": "leave", "purpose": "identify_scene", "approved_by": jiangbei_legal, "destination": "案发现场"}),
    ];
    for s in steps {
        af::step(&t, &case, &id, s)
            .await
            .problem(StatusCode::CONFLICT, "clock_expired");
    }
    t.post(
        &format!("/api/v1/cases/area/{id}/belongings"),
        &case,
        json!({"items": [{"description": "钥匙", "quantity": 1}]}),
    )
    .await
    .problem(StatusCode::CONFLICT, "clock_expired");
    t.post(
        &format!("/api/v1/cases/area/{id}/measures"),
        &case,
        json!({"limit_code": "continued_questioning"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "clock_expired");
    t.post(
        &format!("/api/v1/cases/clocks/measure/{mid}/extensions"),
        &case,
        json!({"minutes": 60, "reason": "来不及"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "clock_expired");
    let lines = board(&t, &case).await;
    assert_eq!(lines[0]["measure"]["clock"]["alert"], "expired");
    assert_eq!(lines[0]["measure"]["clock"]["remaining_seconds"], 0);

    // Every level is raised once, the expiry last.
    assert_eq!(t.app.cases().run_clock_alerts().await.unwrap(), 4);
    let rec = record(&t, &case, &id).await;
    let k = kinds(&rec);
    assert_eq!(k.iter().filter(|k| *k == "warning").count(), 3);
    assert_eq!(k.last().unwrap(), "expired");
    let entries = audit(&t).await;
    let expiry = entries
        .iter()
        .find(|e| e["action"] == "cases.clock.alert" && e["detail"]["level"] == "expired")
        .unwrap();
    let to: Vec<&str> = expiry["detail"]["recipients"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["to"].as_str().unwrap())
        .collect();
    assert_eq!(to, ["handler", "supervisor", "legal_office"]);

    // The forced outcome.
    let r = t
        .post(
            &format!("/api/v1/cases/area/{id}/exit"),
            &case,
            json!({"outcome": "administrative_detention"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let exit = r.body["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(exit["kind"], "exit");
    assert_eq!(exit["detail"]["overdue"], true);
    assert!(board(&t, &case).await.is_empty());
    // A stopped clock raises nothing more.
    t.advance(SignedDuration::from_hours(1));
    assert_eq!(t.app.cases().run_clock_alerts().await.unwrap(), 0);
}

#[tokio::test]
async fn a_person_out_of_the_area_can_only_come_back() {
    let (t, rooms) = setup().await;
    let case = t.login("case").await;
    let id = af::bring_in(&t, &case, af::suspect(5, "criminal_summons", &now(&t))).await;
    af::step(&t, &case, &id, json!({"kind": "safety_check"})).await;
    let leave = |approver: &str| {
        json!({"kind": "leave", "purpose": "recover_goods", "approved_by": approver,
            "destination": "江北区某小区", "note": "起赃"})
    };
    // The approver is above the holding unit: not the handler, not a colleague of the station.
    for who in ["case", "baisha.officer"] {
        let r = af::step(&t, &case, &id, leave(&user_id(&t, who).await)).await;
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(r.body["errors"][0]["code"], "approver.invalid");
    }
    af::step(
        &t,
        &case,
        &id,
        json!({"kind": "leave", "purpose": "recover_goods"}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // Named by username, as a handler knows the approver; the record keeps the account id.
    let r = af::step(&t, &case, &id, leave("jiangbei.legal")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.body["detail"]["approved_by"],
        user_id(&t, "jiangbei.legal").await.as_str(),
        "{}",
        r.text
    );
    let lines = board(&t, &case).await;
    assert_eq!(lines[0]["person"]["status"], "out");
    af::step(
        &t,
        &case,
        &id,
        json!({"kind": "room_move", "room_id": rooms.interrogation}),
    )
    .await
    .problem(StatusCode::CONFLICT, "custody_state");
    t.post(
        &format!("/api/v1/cases/area/{id}/exit"),
        &case,
        json!({"outcome": "released"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "custody_state");
    // Brought back after the clock ran out: the return is accepted, then only the exit.
    t.advance(SignedDuration::from_hours(13));
    let r = af::step(&t, &case, &id, json!({"kind": "return"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    af::step(
        &t,
        &case,
        &id,
        json!({"kind": "room_move", "room_id": rooms.waiting}),
    )
    .await
    .problem(StatusCode::CONFLICT, "clock_expired");
    let r = t
        .post(
            &format!("/api/v1/cases/area/{id}/exit"),
            &case,
            json!({"outcome": "bail"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn a_measure_change_starts_a_new_clock_from_the_arrival() {
    let (t, _) = setup().await;
    let case = t.login("case").await;
    let arrived = t.now();
    let id = af::bring_in(
        &t,
        &case,
        af::suspect(6, "criminal_summons", &arrived.to_string()),
    )
    .await;
    t.advance(SignedDuration::from_hours(11));
    let path = format!("/api/v1/cases/area/{id}/measures");
    t.post(&path, &case, json!({"limit_code": "criminal_summons"}))
        .await
        .problem(StatusCode::CONFLICT, "custody_state");
    // Counted from the arrival, the 8 hours of a public-security summons are gone.
    t.post(&path, &case, json!({"limit_code": "admin_summons"}))
        .await
        .problem(StatusCode::CONFLICT, "clock_expired");
    let r = t
        .post(&path, &case, json!({"limit_code": "arrest_request"}))
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.post(&path, &case, json!({"limit_code": "no_such_limit"}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = t
        .post(&path, &case, json!({"limit_code": "continued_questioning"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["limit"]["code"], "continued_questioning");
    assert_eq!(r.body["started_at"], arrived.to_string());
    assert_eq!(r.body["clock"]["remaining_seconds"], 13 * 3600);
    assert!(
        r.body["limit"]["basis"]
            .as_str()
            .unwrap()
            .contains("人民警察法")
    );
    let rec = record(&t, &case, &id).await;
    let measures = rec["measures"].as_array().unwrap();
    assert_eq!(measures.len(), 2);
    assert_eq!(measures[0]["limit"]["code"], "criminal_summons");
    assert_eq!(measures[0]["ended_at"], t.now().to_string());
    assert_eq!(measures[0]["clock"]["stopped"], true);
    assert!(measures[1]["ended_at"].is_null());
    // The old clock would have run out at 12 hours; the new one runs on.
    t.advance(SignedDuration::from_hours(2));
    let r = af::step(&t, &case, &id, json!({"kind": "safety_check"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn the_same_identity_cannot_be_brought_in_twice() {
    let (t, _) = setup().await;
    let case = t.login("case").await;
    let gulou = t.login("gulou.case").await;
    let id = af::bring_in(&t, &case, af::suspect(7, "criminal_summons", &now(&t))).await;
    let head = t.audit_head().await;
    // Not in another station's area either.
    af::bring_in_resp(&t, &gulou, af::suspect(7, "admin_summons", &now(&t)))
        .await
        .problem(StatusCode::CONFLICT, "already_in_area");
    assert_eq!(t.audit_head().await, head);
    // Unknown identities do not collide.
    for _ in 0..2 {
        let r = af::bring_in_resp(
            &t,
            &case,
            json!({"name": "无名氏", "id_kind": "unknown", "role": "suspect", "reason": "醉酒滋事",
                "arrived_at": now(&t), "measure": "admin_summons"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    t.post(
        &format!("/api/v1/cases/area/{id}/exit"),
        &case,
        json!({"outcome": "released"}),
    )
    .await;
    // After the exit the same person may be brought in again.
    af::bring_in(&t, &gulou, af::suspect(7, "admin_summons", &now(&t))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn ten_handlers_bringing_one_person_in_at_once_make_one_record() {
    let (t, _) = setup().await;
    let t = Arc::new(t);
    let case = t.login("case").await;
    let body = af::suspect(8, "criminal_summons", &now(&t));
    let before = t.audit_head().await.0;
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let (t, case, body) = (t.clone(), case.clone(), body.clone());
        tasks.push(tokio::spawn(async move {
            let r = af::bring_in_resp(&t, &case, body).await;
            (
                r.status,
                r.body["code"].as_str().unwrap_or_default().to_owned(),
            )
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    let created = answers
        .iter()
        .filter(|a| a.0 == StatusCode::CREATED)
        .count();
    let refused = answers
        .iter()
        .filter(|a| a.0 == StatusCode::CONFLICT && a.1 == "already_in_area")
        .count();
    assert_eq!((created, refused), (1, 9), "{answers:?}");
    assert_eq!(board(&t, &case).await.len(), 1);
    assert_eq!(t.audit_head().await.0, before + 1);
    assert!(t.audit_intact().await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_supervisors_deciding_one_extension_make_one_decision() {
    let (t, _) = setup().await;
    let t = Arc::new(t);
    let case = t.login("case").await;
    let id = af::bring_in(&t, &case, af::suspect(9, "criminal_summons", &now(&t))).await;
    let mid = af::running_measure(&t, &case, &id).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    t.advance(SignedDuration::from_hours(10));
    let r = t
        .post(
            &format!("/api/v1/cases/clocks/measure/{mid}/extensions"),
            &case,
            json!({"minutes": 12 * 60, "reason": "案情特别重大复杂"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let ext = r.body["id"].as_str().unwrap().to_owned();
    let mut tasks = Vec::new();
    for (who, approve) in [("jiangbei.legal", true), ("legal", false)] {
        let token = t.login(who).await;
        let (t, ext) = (t.clone(), ext.clone());
        tasks.push(tokio::spawn(async move {
            let r = t
                .post(
                    &format!("/api/v1/cases/extensions/{ext}/decision"),
                    &token,
                    json!({"approve": approve}),
                )
                .await;
            (
                approve,
                r.status,
                r.body["code"].as_str().unwrap_or_default().to_owned(),
            )
        }));
    }
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    let won: Vec<_> = answers.iter().filter(|a| a.1 == StatusCode::OK).collect();
    let lost: Vec<_> = answers
        .iter()
        .filter(|a| a.1 == StatusCode::CONFLICT && a.2 == "extension_state")
        .collect();
    assert_eq!((won.len(), lost.len()), (1, 1), "{answers:?}");
    let m = af::running_measure(&t, &case, &id).await;
    let status = m["extensions"][0]["status"].as_str().unwrap();
    assert_eq!(status, if won[0].0 { "approved" } else { "refused" });
    let limit = if won[0].0 { 24 * 60 } else { 12 * 60 };
    assert_eq!(m["clock"]["limit_minutes"], limit);
    let entries = audit(&t).await;
    assert_eq!(count(&entries, "cases.clock.extension.decide", &mid), 1);
}

#[tokio::test]
async fn another_station_cannot_see_a_person_and_every_look_is_recorded() {
    let (t, rooms) = setup().await;
    let case = t.login("case").await;
    let id = af::bring_in(&t, &case, af::suspect(10, "criminal_summons", &now(&t))).await;
    let gulou = t.login("gulou.case").await;
    for r in [
        t.get(&format!("/api/v1/cases/area/{id}"), &gulou).await,
        af::step(&t, &gulou, &id, json!({"kind": "safety_check"})).await,
        t.post(
            &format!("/api/v1/cases/area/{id}/exit"),
            &gulou,
            json!({"outcome": "released"}),
        )
        .await,
    ] {
        r.problem(StatusCode::NOT_FOUND, "not_found");
    }
    assert!(board(&t, &gulou).await.is_empty());
    t.get(
        &format!("/api/v1/cases/area?org={}", t.org_id(BAISHA).await),
        &gulou,
    )
    .await
    .problem(StatusCode::FORBIDDEN, "out_of_scope");
    let r = t
        .get(
            &format!("/api/v1/cases/area?org={}", t.org_id(GULOU).await),
            &gulou,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // Not another station's room either.
    let gulou_room = af::room(
        &t,
        &t.login("gulou.admin").await,
        GULOU,
        "S01",
        "safety_check",
    )
    .await;
    af::step(
        &t,
        &case,
        &id,
        json!({"kind": "room_move", "room_id": gulou_room}),
    )
    .await
    .problem(StatusCode::CONFLICT, "room_unavailable");
    // Custodians and officers have no business here.
    for who in ["evidence", "baisha.officer"] {
        t.get(&format!("/api/v1/cases/area/{id}"), &t.login(who).await)
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
    }
    // The district's and the city's legal offices see it.
    for who in ["jiangbei.legal", "legal"] {
        let token = t.login(who).await;
        record(&t, &token, &id).await;
        assert_eq!(board(&t, &token).await.len(), 1);
    }
    record(&t, &case, &id).await;
    let entries = audit(&t).await;
    assert_eq!(count(&entries, "cases.area.view", &id), 3);
    assert_eq!(count(&entries, "cases.denied", &id), 5);
    let gulou_id = user_id(&t, "gulou.case").await;
    assert_eq!(
        entries
            .iter()
            .filter(|e| e["action"] == "cases.denied"
                && e["object_id"] == id.as_str()
                && e["actor_id"] == gulou_id.as_str())
            .count(),
        3
    );
    let _ = rooms;
}

#[tokio::test]
async fn rooms_belong_to_their_unit_and_bad_input_changes_nothing() {
    let (t, rooms) = setup().await;
    let gulou_admin = t.login("gulou.admin").await;
    let baisha_admin = t.login("baisha.admin").await;
    let baisha = t.org_id(BAISHA).await;
    t.post(
        "/api/v1/cases/area/rooms",
        &gulou_admin,
        json!({"org_id": baisha, "code": "Z01", "name": "越权", "kind": "waiting"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.post(
        "/api/v1/cases/area/rooms",
        &baisha_admin,
        json!({"org_id": baisha, "code": "S01", "name": "重复", "kind": "waiting"}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = t
        .post(
            "/api/v1/cases/area/rooms",
            &baisha_admin,
            json!({"org_id": baisha, "code": "B01", "name": "保管", "kind": "no_such_kind"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let case = t.login("case").await;
    let r = t.get("/api/v1/cases/area/rooms", &case).await;
    assert_eq!(r.body.as_array().unwrap().len(), 3);
    // A room out of use takes nobody.
    let r = t
        .put(
            &format!("/api/v1/cases/area/rooms/{}", rooms.waiting),
            &baisha_admin,
            json!({"org_id": baisha, "code": "H01", "name": "候问室", "kind": "waiting", "active": false}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    t.put(
        &format!("/api/v1/cases/area/rooms/{}", rooms.waiting),
        &gulou_admin,
        json!({"org_id": baisha, "code": "H01", "name": "候问室", "kind": "waiting"}),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");

    let head = t.audit_head().await;
    let mut body = af::suspect(11, "criminal_summons", &now(&t));
    body["room_id"] = json!(rooms.waiting);
    af::bring_in_resp(&t, &case, body)
        .await
        .problem(StatusCode::CONFLICT, "room_unavailable");
    let mut body = af::suspect(11, "criminal_summons", &now(&t));
    body["room_id"] = json!(rooms.interrogation);
    af::bring_in_resp(&t, &case, body)
        .await
        .problem(StatusCode::CONFLICT, "safety_check_first");
    let bad = [
        (
            json!({"id_number": "330203198501010000"}),
            "id_number",
            "identity.invalid",
        ),
        (
            json!({"arrived_at": (t.now() + SignedDuration::from_mins(1)).to_string()}),
            "arrived_at",
            "case_time.invalid",
        ),
        (
            json!({"arrived_at": (t.now() - SignedDuration::from_hours(25)).to_string()}),
            "arrived_at",
            "case_time.invalid",
        ),
        (
            json!({"arrived_at": "yesterday"}),
            "arrived_at",
            "case_time.invalid",
        ),
        (json!({"measure": null}), "measure", "legal_limit.invalid"),
        (
            json!({"measure": "arrest_request"}),
            "measure",
            "legal_limit.invalid",
        ),
        (json!({"name": " "}), "name", "case_text.invalid"),
        (
            json!({"id_kind": "unknown"}),
            "id_number",
            "identity.invalid",
        ),
    ];
    for (patch, field, code) in bad {
        let mut body = af::suspect(12, "criminal_summons", &now(&t));
        for (k, v) in patch.as_object().unwrap() {
            body[k] = v.clone();
        }
        let r = af::bring_in_resp(&t, &case, body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.text
        );
        assert!(
            r.body["errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["field"] == field && e["code"] == code),
            "{field}: {}",
            r.text
        );
    }
    // A witness needs no measure; a person's case must be one the handler can see.
    let r = af::bring_in_resp(
        &t,
        &case,
        json!({"name": "证人甲", "id_kind": "passport", "id_number": "E12345678", "role": "witness",
            "reason": "询问", "arrived_at": now(&t), "case_id": "no-such-case"}),
    )
    .await;
    r.problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(t.audit_head().await, head);
    let r = af::bring_in_resp(
        &t,
        &case,
        json!({"name": "证人甲", "id_kind": "passport", "id_number": "e12345678", "role": "witness",
            "reason": "询问", "arrived_at": now(&t)}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["person"]["id_number"], "E12345678");
    assert!(r.body["measures"].as_array().unwrap().is_empty());
    // No measure, no clock: the board lists the witness last, without one.
    let lines = board(&t, &case).await;
    assert!(lines.last().unwrap()["measure"].is_null());
}

/// The board's event stream of one caller.
struct Feed {
    body: Body,
    buf: String,
}

async fn feed(t: &TestApp, token: &str) -> Feed {
    let req = Request::get("/api/v1/cases/area/events")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let resp = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    Feed {
        body: resp.into_body(),
        buf: String::new(),
    }
}

impl Feed {
    /// The next event's name and data (the timeout only keeps a broken build from hanging).
    async fn next(&mut self) -> (String, Value) {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if !name.is_empty() {
                    return (name, serde_json::from_str(&data).unwrap());
                }
                continue;
            }
            let frame = tokio::time::timeout(Duration::from_secs(60), self.body.frame())
                .await
                .expect("no event within a minute")
                .expect("stream ended")
                .unwrap();
            if let Ok(bytes) = frame.into_data() {
                self.buf.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }
}

#[tokio::test]
async fn the_board_stream_tells_each_station_of_its_own_people_only() {
    let (t, _) = setup().await;
    let case = t.login("case").await;
    let gulou = t.login("gulou.case").await;
    let mut baisha_feed = feed(&t, &case).await;
    let mut gulou_feed = feed(&t, &gulou).await;
    let mut city_feed = feed(&t, &t.login("legal").await).await;
    // Custodians do not follow the board.
    let req = Request::get("/api/v1/cases/area/events")
        .header(
            header::AUTHORIZATION,
            format!("Bearer {}", t.login("evidence").await),
        )
        .body(Body::empty())
        .unwrap();
    let resp = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);

    let baisha_person =
        af::bring_in(&t, &case, af::suspect(20, "criminal_summons", &now(&t))).await;
    let gulou_person =
        af::bring_in(&t, &gulou, af::suspect(21, "criminal_summons", &now(&t))).await;
    let (name, data) = baisha_feed.next().await;
    assert_eq!(
        (name.as_str(), data["kind"].as_str()),
        ("cases", Some("area"))
    );
    assert_eq!(data["id"], baisha_person.as_str());
    // The first event Gulou hears is its own person: Baisha's came before and was not sent.
    let (_, data) = gulou_feed.next().await;
    assert_eq!(data["id"], gulou_person.as_str());
    let (_, first) = city_feed.next().await;
    let (_, second) = city_feed.next().await;
    assert_eq!(
        [first["id"].as_str(), second["id"].as_str()],
        [Some(baisha_person.as_str()), Some(gulou_person.as_str())]
    );
    // A warning raised by the clock job reaches the board too.
    t.advance(SignedDuration::from_hours(6));
    assert_eq!(t.app.cases().run_clock_alerts().await.unwrap(), 2);
    let (_, data) = baisha_feed.next().await;
    assert_eq!(data["id"], baisha_person.as_str());
    let (_, data) = gulou_feed.next().await;
    assert_eq!(data["id"], gulou_person.as_str());
}

/// A case deadline is a legal clock like a measure: extended by a supervisor of the limit's
/// level, warned by the same job, listed in the alerts, seen only in reach.
#[tokio::test]
async fn a_case_deadline_is_extended_and_warned_like_a_measure() {
    use jingwu_testkit::fixtures::cases as cf;
    let (t, _) = setup().await;
    let case = t.login("case").await;
    let started = t.now();
    let k = cf::filed_case(&t, &case).await;
    // Request for arrest after detention: 3 days, up to 30 with a county-level approval.
    let d = cf::deadline(&t, &case, &k, "arrest_request", &started.to_string()).await;
    let fixed = cf::deadline(&t, &case, &k, "detention_handover", &started.to_string()).await;
    let clock = format!("/api/v1/cases/clocks/deadline/{d}");
    let r = t.get(&clock, &case).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["kind"], "deadline");
    assert_eq!(r.body["case_id"], k.as_str());
    assert_eq!(
        r.body["clock"]["due_at"],
        (started + SignedDuration::from_hours(72)).to_string()
    );
    t.get(&clock, &t.login("gulou.case").await)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    t.get("/api/v1/cases/clocks/sundial/x", &case)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");

    // Half of the hand-over's 24 hours and of nothing else yet.
    t.advance(SignedDuration::from_hours(12));
    assert_eq!(t.app.cases().run_clock_alerts().await.unwrap(), 1);
    t.advance(SignedDuration::from_hours(24));
    // The hand-over: second, third, expired; the arrest request: first (36 of 72 hours).
    assert_eq!(t.app.cases().run_clock_alerts().await.unwrap(), 4);
    let r = t.get("/api/v1/cases/alerts", &case).await;
    let mine: Vec<&Value> = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["clock_id"] == d.as_str())
        .collect();
    assert_eq!(mine.len(), 1, "{}", r.text);
    assert_eq!(mine[0]["level"], "first");
    assert_eq!(mine[0]["clock"], "deadline");
    assert_eq!(mine[0]["case_id"], k.as_str());

    // The hand-over to the detention centre cannot be extended at all.
    t.post(
        &format!("/api/v1/cases/clocks/deadline/{fixed}/extensions"),
        &case,
        json!({"minutes": 60, "reason": "看守所未接收"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "extension_refused");
    let r = t
        .post(
            &format!("{clock}/extensions"),
            &case,
            json!({"minutes": 4 * 24 * 60, "reason": "流窜作案，需延长提请批准逮捕期限"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let ext = r.body["id"].as_str().unwrap().to_owned();
    let r = t
        .post(
            &format!("/api/v1/cases/extensions/{ext}/decision"),
            &t.login("jiangbei.legal").await,
            json!({"approve": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t.get(&clock, &case).await;
    assert_eq!(
        r.body["clock"]["due_at"],
        (started + SignedDuration::from_hours(7 * 24)).to_string()
    );
    // The case file shows the same clock.
    let file = cf::file(&t, &case, &k).await;
    let dl = file["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["id"] == d.as_str())
        .unwrap()
        .clone();
    assert_eq!(dl["extended_minutes"], 4 * 24 * 60);
    assert_eq!(dl["clock"]["due_at"], r.body["clock"]["due_at"]);
    let entries = audit(&t).await;
    assert_eq!(count(&entries, "cases.clock.extension.decide", &d), 1);
    assert_eq!(count(&entries, "cases.clock.alert", &d), 1);
}
