//! The incident lifecycle (issue 10, capability 3) through the API: update and notes with the
//! crews told, cancel and divert in one step, back to pending, closures that reach terminals,
//! hand-overs signed for, calls about another county recorded then handed over, caller
//! history at intake, a new location re-choosing the owning station, duplicates by caller and
//! by small distance — and the three access
//! defects, each with its regression test.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{Problem, TestApp, cmd};

/// A unit's terminal log as `(kind, body)`, read by someone who may operate it.
async fn messages(t: &TestApp, token: &str, unit: &str) -> Vec<(String, Value)> {
    let r = t
        .get(&format!("/api/v1/units/{unit}/messages?after=0"), token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["kind"].as_str().unwrap().to_string(), m["body"].clone()))
        .collect()
}

fn kinds(log: &[(String, Value)]) -> Vec<&str> {
    log.iter().map(|(k, _)| k.as_str()).collect()
}

async fn detail(t: &TestApp, token: &str, incident: &str) -> Value {
    let r = t.get(&format!("/api/v1/incidents/{incident}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

fn timeline_kinds(d: &Value) -> Vec<&str> {
    d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect()
}

async fn patch(t: &TestApp, token: &str, incident: &str, body: Value) -> crate::support::Resp {
    t.call(
        Method::PATCH,
        &format!("/api/v1/incidents/{incident}"),
        Some(token),
        Some(body),
    )
    .await
}

async fn cancel(t: &TestApp, token: &str, incident: &str, unit: &str) -> crate::support::Resp {
    t.post(
        &format!("/api/v1/incidents/{incident}/units/{unit}/cancel"),
        token,
        json!({"reason": "警力另有任务"}),
    )
    .await
}

#[tokio::test]
async fn update_and_notes_reach_the_timeline_and_the_crew() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit = car["id"].as_str().unwrap();
    let incident = cmd::incident_near(&t, &dispatcher, &car, ("criminal", "theft")).await;
    cmd::dispatch(&t, &dispatcher, &incident, &[unit]).await;

    let r = patch(
        &t,
        &dispatcher,
        &incident,
        json!({"priority": "p1", "category": "public_order", "subcategory": "fight",
               "address": "测试路3号"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["priority"], "p1");
    assert_eq!(r.body["subcategory"], "fight");
    let d = detail(&t, &dispatcher, &incident).await;
    let updated = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "updated")
        .expect("the update is on the timeline");
    let changes = &updated["detail"]["changes"];
    assert_eq!(changes["priority"], json!({"old": "p2", "new": "p1"}));
    assert_eq!(
        changes["category"],
        json!({"old": "criminal", "new": "public_order"})
    );
    assert_eq!(
        changes["address"],
        json!({"old": "测试路1号", "new": "测试路3号"})
    );
    assert!(
        changes.get("lat").is_none(),
        "unchanged fields are not listed"
    );
    let log = messages(&t, &dispatcher, unit).await;
    assert_eq!(kinds(&log), ["assignment", "incident_updated"]);
    assert_eq!(log[1].1["changes"]["priority"]["new"], "p1");
    assert_eq!(log[1].1["address"], "测试路3号");

    // Notes: on the timeline with their author; for the crew only when asked.
    let note = async |text: &str, for_crew: bool| {
        t.post(
            &format!("/api/v1/incidents/{incident}/notes"),
            &dispatcher,
            json!({"text": text, "for_crew": for_crew}),
        )
        .await
    };
    assert_eq!(
        note("报警人称嫌疑人穿红衣", true).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        note("已通知社区民警", false).await.status,
        StatusCode::NO_CONTENT
    );
    let d = detail(&t, &dispatcher, &incident).await;
    let notes: Vec<&Value> = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "note")
        .collect();
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0]["detail"]["text"], "报警人称嫌疑人穿红衣");
    assert!(notes[0]["actor_id"].is_string() && notes[0]["at"].is_string());
    let log = messages(&t, &dispatcher, unit).await;
    assert_eq!(
        kinds(&log),
        ["assignment", "incident_updated", "incident_updated"]
    );
    assert_eq!(log[2].1["note"], "报警人称嫌疑人穿红衣");

    // Bad or empty updates change nothing.
    let head = t.audit_head().await;
    patch(&t, &dispatcher, &incident, json!({"priority": "p1"}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = patch(&t, &dispatcher, &incident, json!({"category": "traffic"})).await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert!(r.text.contains("taxonomy"), "{}", r.text);
    patch(&t, &dispatcher, &incident, json!({"lat": 91.0}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    note(" ", false)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(t.audit_head().await, head);
    // Another district's command room does not see it.
    let other = t.login("jiangbei.dispatcher").await;
    patch(&t, &other, &incident, json!({"priority": "p3"}))
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    // Closed: nothing changes any more.
    cmd::close(&t, &dispatcher, &incident).await;
    patch(&t, &dispatcher, &incident, json!({"priority": "p3"}))
        .await
        .problem(StatusCode::CONFLICT, "incident_closed");
}

#[tokio::test]
async fn cancelling_tells_the_crew_and_the_last_unit_leaves_it_pending() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let (a, b) = (
        car["id"].as_str().unwrap().to_string(),
        cmd::unit_id(&t, &dispatcher, "鼓楼巡02").await,
    );
    let incident = cmd::incident_near(&t, &dispatcher, &car, ("criminal", "theft")).await;
    cmd::dispatch(&t, &dispatcher, &incident, &[&a, &b]).await;

    // A reason is required.
    t.post(
        &format!("/api/v1/incidents/{incident}/units/{a}/cancel"),
        &dispatcher,
        json!({"reason": "  "}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let r = cancel(&t, &dispatcher, &incident, &a).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["terminal_seq"], 2);
    let log = messages(&t, &dispatcher, &a).await;
    assert_eq!(kinds(&log), ["assignment", "cancelled"]);
    assert_eq!(log[1].1["reason"], "警力另有任务");
    let unit = t.get(&format!("/api/v1/units/{a}"), &dispatcher).await;
    assert_eq!(unit.body["status"], "available");
    // One unit is still on it: still dispatched.
    let d = detail(&t, &dispatcher, &incident).await;
    assert_eq!(d["incident"]["status"], "dispatched");
    // Cancelling it again: it is not on the incident any more.
    cancel(&t, &dispatcher, &incident, &a)
        .await
        .problem(StatusCode::CONFLICT, "not_assigned");

    // The last one: back to pending (it used to stay "dispatched").
    let r = cancel(&t, &dispatcher, &incident, &b).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = detail(&t, &dispatcher, &incident).await;
    assert_eq!(d["incident"]["status"], "new");
    let tl = timeline_kinds(&d);
    assert_eq!(tl.iter().filter(|k| **k == "cancelled").count(), 2);
    assert_eq!(tl.last(), Some(&"reopened"));
    let statuses: Vec<&str> = d["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["cancelled", "cancelled"]);

    // Cancelling through a unit status change does the same.
    cmd::dispatch(&t, &dispatcher, &incident, &[&b]).await;
    let r = t
        .post(
            &format!("/api/v1/units/{b}/status"),
            &dispatcher,
            json!({"status": "available", "reason": "改派他处"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = detail(&t, &dispatcher, &incident).await;
    assert_eq!(d["incident"]["status"], "new");
    let log = messages(&t, &dispatcher, &b).await;
    assert_eq!(
        kinds(&log),
        ["assignment", "cancelled", "assignment", "cancelled"]
    );
}

/// Defect (issue 10): re-dispatching a unit to an incident it was cancelled from answered 500
/// (duplicate key on the assignments' primary key). Now it is a fresh assignment, and the
/// earlier one stays as history.
#[tokio::test]
async fn redispatching_a_cancelled_unit_is_a_fresh_assignment() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit = car["id"].as_str().unwrap();
    let incident = cmd::incident_near(&t, &dispatcher, &car, ("criminal", "theft")).await;
    cmd::dispatch(&t, &dispatcher, &incident, &[unit]).await;
    assert_eq!(
        cancel(&t, &dispatcher, &incident, unit).await.status,
        StatusCode::OK
    );

    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/dispatch"),
            &dispatcher,
            json!({"unit_ids": [unit]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let d = detail(&t, &dispatcher, &incident).await;
    assert_eq!(d["incident"]["status"], "dispatched");
    let rows: Vec<(i64, &str)> = d["assignments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["attempt"].as_i64().unwrap(),
                a["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(rows, [(1, "cancelled"), (2, "dispatched")]);
    // The terminal's progress lands on the new assignment.
    let r = t
        .post(
            &format!("/api/v1/units/{unit}/acknowledge"),
            &dispatcher,
            json!({"incident_id": incident}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let d = detail(&t, &dispatcher, &incident).await;
    assert_eq!(d["assignments"][0]["status"], "cancelled");
    assert_eq!(d["assignments"][1]["status"], "acknowledged");
}

#[tokio::test]
async fn divert_withdraws_and_dispatches_in_one_step() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit = car["id"].as_str().unwrap();
    let first = cmd::incident_near(&t, &dispatcher, &car, ("dispute", "neighbour_dispute")).await;
    let lat = car["lat"].as_f64().unwrap() - 0.004;
    let lon = car["lon"].as_f64().unwrap();
    let urgent = cmd::incident_at(&t, &dispatcher, lat, lon, ("criminal", "robbery")).await;
    cmd::dispatch(&t, &dispatcher, &first, &[unit]).await;

    let divert = async |to: &str| {
        t.post(
            &format!("/api/v1/incidents/{first}/units/{unit}/divert"),
            &dispatcher,
            json!({"to_incident": to, "reason": "改派抢劫警情"}),
        )
        .await
    };
    divert(&first)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    divert("no-such-incident")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = divert(&urgent).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!({"cancelled_seq": 2, "assignment_seq": 3}));

    let log = messages(&t, &dispatcher, unit).await;
    assert_eq!(kinds(&log), ["assignment", "cancelled", "assignment"]);
    assert_eq!(log[1].1["diverted_to"]["id"], urgent.as_str());
    assert_eq!(log[2].1["incident_id"], urgent.as_str());
    let u = t.get(&format!("/api/v1/units/{unit}"), &dispatcher).await;
    assert_eq!(u.body["status"], "dispatched");
    assert_eq!(u.body["incident_id"], urgent.as_str());
    let a = detail(&t, &dispatcher, &first).await;
    assert_eq!(a["incident"]["status"], "new", "nobody left on it");
    let b = detail(&t, &dispatcher, &urgent).await;
    assert_eq!(b["incident"]["status"], "dispatched");
    let sent = b["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "dispatched")
        .unwrap();
    assert_eq!(sent["detail"]["diverted_from"]["id"], first.as_str());
    // The unit is no longer on the first incident.
    divert(&urgent)
        .await
        .problem(StatusCode::CONFLICT, "not_assigned");
}

#[tokio::test]
async fn closing_tells_every_unit_still_on_it() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let a = car["id"].as_str().unwrap().to_string();
    let units = t.get("/api/v1/units", &dispatcher).await.body;
    let mut free = units.as_array().unwrap().iter().filter(|u| {
        u["org_id"] == car["org_id"] && u["status"] == "available" && u["id"] != car["id"]
    });
    let mut next = || free.next().unwrap()["id"].as_str().unwrap().to_string();
    let (b, c) = (next(), next());
    let incident = cmd::incident_near(&t, &dispatcher, &car, ("criminal", "theft")).await;
    cmd::dispatch(&t, &dispatcher, &incident, &[&a, &b, &c]).await;
    assert_eq!(
        cancel(&t, &dispatcher, &incident, &c).await.status,
        StatusCode::OK
    );
    cmd::close(&t, &dispatcher, &incident).await;
    for unit in [&a, &b] {
        let log = messages(&t, &dispatcher, unit).await;
        assert_eq!(kinds(&log), ["assignment", "incident_closed"]);
        assert_eq!(log[1].1["incident_id"], incident.as_str());
        assert_eq!(log[1].1["result_code"], "90");
    }
    // The withdrawn unit is not told about a closure that no longer concerns it.
    assert_eq!(
        kinds(&messages(&t, &dispatcher, &c).await),
        ["assignment", "cancelled"]
    );
}

/// Defect (issue 10): a bureau that only lent a unit could hand the owner's incident to
/// itself, recall the unit and close it — and the owner got 404 on its own P1 incident. The
/// lender may see the incident and recall its unit, nothing else.
#[tokio::test]
async fn a_lender_only_sees_and_recalls_its_unit() {
    let t = TestApp::empty().with_roads().build().await;
    let city = t.login("dispatcher").await;
    let owner = t.login("haishu.dispatcher").await;
    let lender = t.login("jiangbei.dispatcher").await;
    let car = cmd::unit_by_call_sign(&t, &city, "鼓楼巡01").await;
    let incident = cmd::incident_near(&t, &city, &car, ("criminal", "robbery")).await;
    let lent = cmd::unit_id(&t, &city, "白沙巡01").await;
    cmd::dispatch(&t, &city, &incident, &[&lent]).await;
    let jiangbei = t.org_id("330205").await;

    assert_eq!(
        detail(&t, &lender, &incident).await["incident"]["id"],
        incident.as_str()
    );
    let head = t.audit_head().await;
    t.post(
        &format!("/api/v1/incidents/{incident}/handover"),
        &lender,
        json!({"to_org": jiangbei, "reason": "我局接手"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.post(
        &format!("/api/v1/incidents/{incident}/close"),
        &lender,
        json!({"result_code": "01", "result_text": "已处置完毕"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");
    patch(&t, &lender, &incident, json!({"priority": "p4"}))
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.post(
        &format!("/api/v1/incidents/{incident}/notes"),
        &lender,
        json!({"text": "本局警力撤回"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "out_of_scope");
    assert_eq!(
        t.audit_head().await,
        head,
        "refused requests change nothing"
    );

    // Recalling its own unit is allowed.
    let r = cancel(&t, &lender, &incident, &lent).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // After that the lender has nothing to do with it; the owner still has it, pending.
    t.get(&format!("/api/v1/incidents/{incident}"), &lender)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let d = detail(&t, &owner, &incident).await;
    assert_eq!(d["incident"]["status"], "new");
    assert_eq!(d["incident"]["priority"], "p2", "untouched by the lender");
    // A third room may not withdraw somebody else's unit from it either.
    let own_car = cmd::unit_id(&t, &city, "鼓楼巡02").await;
    cmd::dispatch(&t, &city, &incident, &[&own_car]).await;
    t.get(&format!("/api/v1/incidents/{incident}"), &lender)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    cancel(&t, &lender, &incident, &own_car)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
}

/// Defect (issue 10): an officer kept read and close rights on an incident after their unit
/// was cancelled from it. Rights follow the current assignment.
#[tokio::test]
async fn an_officer_loses_rights_with_the_assignment() {
    let t = TestApp::empty().with_roads().build().await;
    let city = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    // An incident owned by 月湖, so the 鼓楼 officer sees it only through the unit.
    let yuehu = t.org_id("33020302").await;
    let near = cmd::unit_by_call_sign(&t, &city, "月湖巡01").await;
    let incident = cmd::incident_near(&t, &city, &near, ("dispute", "neighbour_dispute")).await;
    if detail(&t, &city, &incident).await["incident"]["org_id"] != yuehu.as_str() {
        let r = t
            .post(
                &format!("/api/v1/incidents/{incident}/handover"),
                &city,
                json!({"to_org": yuehu, "reason": "属月湖辖区"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let car = cmd::unit_id(&t, &city, "鼓楼巡01").await;
    cmd::dispatch(&t, &city, &incident, &[&car]).await;
    assert_eq!(
        t.get(&format!("/api/v1/incidents/{incident}"), &officer)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        cancel(&t, &city, &incident, &car).await.status,
        StatusCode::OK
    );
    t.get(&format!("/api/v1/incidents/{incident}"), &officer)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    t.post(
        &format!("/api/v1/incidents/{incident}/close"),
        &officer,
        json!({"result_code": "01", "result_text": "现场调解完毕"}),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    // Sent again: the rights come back with the assignment.
    cmd::dispatch(&t, &city, &incident, &[&car]).await;
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/close"),
            &officer,
            json!({"result_code": "01", "result_text": "现场调解完毕"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
}

/// A call about another county is recorded in the receiving room first and handed over in the
/// same request (it used to answer 403 and the caller was lost); the owning room signs for it.
#[tokio::test]
async fn a_call_about_another_county_is_recorded_then_handed_over_and_signed_for() {
    let t = TestApp::empty().with_roads().build().await;
    let city = t.login("dispatcher").await;
    let jiangbei_room = t.login("jiangbei.dispatcher").await;
    let haishu_room = t.login("haishu.dispatcher").await;
    let jiangbei = t.org_id("330205").await;
    let car = cmd::unit_by_call_sign(&t, &city, "鼓楼巡01").await;
    let lat = car["lat"].as_f64().unwrap() + 0.001;
    let lon = car["lon"].as_f64().unwrap();
    let r = t
        .post(
            "/api/v1/incidents",
            &jiangbei_room,
            json!({"caller_name": "李先生", "caller_phone": "13800001111", "lat": lat, "lon": lon,
                   "address": "鼓楼某处", "category": "criminal", "subcategory": "theft",
                   "priority": "p2", "source": "call_110", "description": "电动车被盗"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let incident = r.body["incident"]["id"].as_str().unwrap().to_string();
    let owner = r.body["incident"]["org_id"].as_str().unwrap().to_string();
    assert_eq!(r.body["handed_over"]["from_org"], jiangbei.as_str());
    assert_eq!(r.body["handed_over"]["to_org"], owner.as_str());
    assert_ne!(owner, jiangbei);
    assert_eq!(r.body["incident"]["handover_from"], jiangbei.as_str());

    // Both rooms see it awaiting the sign-for, in their lists too; the trail shows both.
    for room in [&jiangbei_room, &haishu_room] {
        let list = t.get("/api/v1/incidents", room).await;
        assert!(
            list.body
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["id"] == incident.as_str()),
            "{}",
            list.text
        );
    }
    let d = detail(&t, &jiangbei_room, &incident).await;
    assert_eq!(timeline_kinds(&d), ["created", "handed_over"]);
    let d = detail(&t, &haishu_room, &incident).await;
    assert!(d["incident"]["handover_at"].is_string());
    t.audit_head().await;
    let audited = "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2";
    assert_eq!(
        t.sql_count(audited, &["incident.create", &incident]).await,
        1
    );
    assert_eq!(
        t.sql_count(audited, &["incident.handover", &incident])
            .await,
        1
    );

    // Only the receiving side signs for it, once.
    let sign = async |token: &str| {
        t.call(
            Method::POST,
            &format!("/api/v1/incidents/{incident}/sign-for"),
            Some(token),
            None,
        )
        .await
    };
    sign(&jiangbei_room)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    assert_eq!(sign(&haishu_room).await.status, StatusCode::NO_CONTENT);
    sign(&haishu_room)
        .await
        .problem(StatusCode::CONFLICT, "handover_not_pending");
    let d = detail(&t, &haishu_room, &incident).await;
    assert_eq!(timeline_kinds(&d), ["created", "handed_over", "signed_for"]);
    assert!(d["incident"]["handover_from"].is_null());
    // Signed for: the sending room's part is done.
    t.get(&format!("/api/v1/incidents/{incident}"), &jiangbei_room)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let list = t.get("/api/v1/incidents", &jiangbei_room).await;
    assert!(!list.text.contains(&incident), "{}", list.text);

    // A dispatcher's own hand-over waits for a sign-for in the same way.
    let other = cmd::incident_near(&t, &city, &car, ("dispute", "neighbour_dispute")).await;
    let r = t
        .post(
            &format!("/api/v1/incidents/{other}/handover"),
            &city,
            json!({"to_org": jiangbei, "reason": "协查"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(sign(&haishu_room).await.status, StatusCode::CONFLICT);
    let r = t
        .call(
            Method::POST,
            &format!("/api/v1/incidents/{other}/sign-for"),
            Some(&jiangbei_room),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
}

/// A new location in another station's area moves the incident there as a hand-over the new
/// room signs for; within the same station nothing moves; outside the bureau nothing changes.
#[tokio::test]
async fn a_new_location_rechooses_the_owning_station() {
    let t = TestApp::empty().with_roads().build().await;
    let haishu_room = t.login("haishu.dispatcher").await;
    let jiangbei_room = t.login("jiangbei.dispatcher").await;
    let gulou_car = cmd::unit_by_call_sign(&t, &haishu_room, "鼓楼巡01").await;
    let baisha_car = cmd::unit_by_call_sign(&t, &jiangbei_room, "白沙巡01").await;
    let incident = cmd::incident_near(&t, &haishu_room, &gulou_car, ("criminal", "theft")).await;
    let first_owner = detail(&t, &haishu_room, &incident).await["incident"]["org_id"].clone();
    let at = |car: &Value, dlat: f64| json!({"lat": car["lat"].as_f64().unwrap() + dlat, "lon": car["lon"].as_f64().unwrap()});

    // Moved a little, within the same station: no hand-over.
    let r = patch(&t, &haishu_room, &incident, at(&gulou_car, 0.0005)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["org_id"], first_owner);
    assert!(r.body["handover_from"].is_null(), "{}", r.text);

    // Outside the bureau: refused, nothing changes.
    let head = t.audit_head().await;
    patch(&t, &haishu_room, &incident, json!({"lat": 0.0, "lon": 0.0}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "outside_bureau");
    assert_eq!(t.audit_head().await, head);
    let d = detail(&t, &haishu_room, &incident).await;
    assert_eq!(timeline_kinds(&d), ["created", "updated"]);

    // Next to 白沙's site (another district): handed over to 白沙, awaiting its sign-for.
    let r = patch(&t, &haishu_room, &incident, at(&baisha_car, 0.001)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let baisha = baisha_car["org_id"].as_str().unwrap();
    assert_eq!(r.body["org_id"], baisha, "{}", r.text);
    assert_eq!(r.body["handover_from"], first_owner);
    let d = detail(&t, &jiangbei_room, &incident).await;
    assert_eq!(
        timeline_kinds(&d),
        ["created", "updated", "updated", "handed_over"]
    );
    let handed = &d["timeline"][3]["detail"];
    assert_eq!(handed["from"], first_owner);
    assert_eq!(handed["to"], baisha);
    t.audit_head().await;
    assert_eq!(
        t.sql_count(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2",
            &["incident.handover", &incident]
        )
        .await,
        1
    );
    let r = t
        .call(
            Method::POST,
            &format!("/api/v1/incidents/{incident}/sign-for"),
            Some(&jiangbei_room),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    t.get(&format!("/api/v1/incidents/{incident}"), &haishu_room)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn caller_history_by_number_and_by_place_within_jurisdiction() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let (lat, lon) = (car["lat"].as_f64().unwrap(), car["lon"].as_f64().unwrap());
    // Two calls from the fixture's number (13912345678), far apart; the first one closed.
    let first = cmd::incident_at(&t, &dispatcher, lat + 0.001, lon, ("criminal", "theft")).await;
    cmd::close(&t, &dispatcher, &first).await;
    let second = cmd::incident_at(
        &t,
        &dispatcher,
        lat - 0.02,
        lon,
        ("dispute", "neighbour_dispute"),
    )
    .await;

    let r = t
        .get("/api/v1/callers/history?phone=139-1234-5678", &dispatcher)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["by_phone_count"], 2);
    let by_phone = r.body["by_phone"].as_array().unwrap();
    assert_eq!(by_phone[0]["id"], second.as_str(), "newest first");
    assert_eq!(by_phone[1]["id"], first.as_str());
    assert_eq!(by_phone[1]["status"], "closed");
    assert_eq!(by_phone[1]["category"], "criminal");
    assert_eq!(by_phone[1]["result_code"], "90");
    assert!(r.body["nearby_count"].is_null());
    assert!(by_phone[0].get("caller_phone").is_none());

    // By place: only what lies within 100 m.
    let r = t
        .get(
            &format!("/api/v1/callers/history?lat={}&lon={lon}", lat + 0.0012),
            &dispatcher,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["nearby_count"], 1);
    assert_eq!(r.body["nearby"][0]["id"], first.as_str());
    let d = r.body["nearby"][0]["distance_m"].as_f64().unwrap();
    assert!((15.0..30.0).contains(&d), "{d}");

    // Scoped: another district's room sees none of them; looking up is audited.
    let other = t.login("jiangbei.dispatcher").await;
    let r = t
        .get("/api/v1/callers/history?phone=13912345678", &other)
        .await;
    assert_eq!(r.body["by_phone_count"], 0, "{}", r.text);
    t.audit_head().await;
    assert_eq!(
        t.sql_count(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2",
            &["incident.caller_history", "13912345678"]
        )
        .await,
        2
    );
    t.get("/api/v1/callers/history", &dispatcher)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.get("/api/v1/callers/history?phone=110", &dispatcher)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let officer = t.login("officer").await;
    t.get("/api/v1/callers/history?phone=13912345678", &officer)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
}

/// The two calls the old rule missed (issue 10): a fight reported 12 m from an assault, and
/// the same caller 950 m away; each flag says why.
#[tokio::test]
async fn intake_flags_duplicates_by_small_distance_and_by_caller() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let (lat, lon) = (
        car["lat"].as_f64().unwrap() + 0.001,
        car["lon"].as_f64().unwrap(),
    );
    let assault = cmd::incident_at(&t, &dispatcher, lat, lon, ("criminal", "assault")).await;
    let call = |lat: f64, phone: &str, sub: (&str, &str)| {
        t.post(
            "/api/v1/incidents",
            &dispatcher,
            json!({"caller_name": "", "caller_phone": phone, "lat": lat, "lon": lon,
                   "address": "", "category": sub.0, "subcategory": sub.1, "priority": "p1",
                   "source": "call_110", "description": "有人打架"}),
        )
    };
    // 12 m north, another caller, another category.
    let r = call(
        lat + 12.0 / 111_195.0,
        "13700000000",
        ("public_order", "fight"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let dups = r.body["possible_duplicates"].as_array().unwrap();
    assert_eq!(dups.len(), 1, "{dups:?}");
    assert_eq!(dups[0]["incident_id"], assault.as_str());
    assert_eq!(dups[0]["reasons"], json!(["very_close"]));
    // The fixture's caller again, 950 m away.
    let r = call(
        lat + 950.0 / 111_195.0,
        "139 1234 5678",
        ("assistance", "other_assistance"),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let dups = r.body["possible_duplicates"].as_array().unwrap();
    let same_caller = dups
        .iter()
        .find(|d| d["incident_id"] == assault.as_str())
        .expect("the same caller is flagged");
    assert_eq!(same_caller["reasons"], json!(["same_caller"]));
    let id = r.body["incident"]["id"].as_str().unwrap();
    let d = detail(&t, &dispatcher, id).await;
    let flagged = d["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "duplicate_flagged")
        .unwrap();
    assert!(flagged["detail"].to_string().contains("same_caller"));
}
