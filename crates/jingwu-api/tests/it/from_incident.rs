//! A 110 incident opens a case in one step: placed at the incident's station, with its place,
//! time, description and caller, linked both ways, once; only a handler whose subtree holds
//! the station may do it, and a refusal is on record.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Problem, TestApp, cmd};

/// A Gulou theft reported by 王女士 (the testkit's caller).
async fn gulou_incident() -> (TestApp, String) {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let incident = cmd::incident_near(&t, &dispatcher, &unit, ("criminal", "theft")).await;
    (t, incident)
}

/// The scene photos come along as digital evidence with their hashes, kept by the Haishu
/// district's store; a photo whose stored bytes were changed meanwhile is not carried over.
#[tokio::test]
async fn the_scene_photos_become_evidence_with_their_hashes() {
    let (t, incident) = gulou_incident().await;
    let dispatcher = t.login("dispatcher").await;
    let good = cmd::photo(&t, &dispatcher, &incident, &cmd::jpeg(3000, 1)).await;
    let bad = cmd::photo(&t, &dispatcher, &incident, &cmd::jpeg(3000, 2)).await;
    let media_dir = t.app.kernel().config().media_dir.clone();
    let path = media_dir
        .join("sha256")
        .join(&bad[0..2])
        .join(&bad[2..4])
        .join(&bad);
    std::fs::write(&path, b"changed on disk").unwrap();

    let handler = t.login("gulou.case").await;
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/case"),
            &handler,
            json!({"kind": "criminal"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let case_id = r.body["id"].as_str().unwrap();
    let items = t
        .get(
            &format!("/api/v1/cases/evidence?case_id={case_id}"),
            &handler,
        )
        .await;
    assert_eq!(items.status, StatusCode::OK, "{}", items.text);
    let list = items.body.as_array().unwrap();
    assert_eq!(list.len(), 1, "{}", items.text);
    assert_eq!(list[0]["sha256"], good.as_str());
    assert_eq!(list[0]["kind"], "digital");
    // The district's custodian keeps it; the item's chain starts with its intake.
    let custodian = t.login("haishu.evidence").await;
    let id = list[0]["id"].as_str().unwrap();
    let item = t
        .get(&format!("/api/v1/cases/evidence/{id}"), &custodian)
        .await;
    assert_eq!(item.status, StatusCode::OK, "{}", item.text);
    assert_eq!(item.body["events"][0]["kind"], "intake", "{}", item.text);
}

async fn denials(t: &TestApp, username: &str, object_id: &str) -> i64 {
    t.audit_head().await;
    t.sql_count(
        "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_id \
         WHERE u.username = $1 AND a.action = 'cases.denied' AND a.object_id = $2",
        &[username, object_id],
    )
    .await
}

#[tokio::test]
async fn an_incident_opens_its_case_once_linked_both_ways() {
    let (t, incident) = gulou_incident().await;
    let handler = t.login("gulou.case").await;
    let path = format!("/api/v1/incidents/{incident}/case");
    let r = t.post(&path, &handler, json!({"kind": "criminal"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let case_id = r.body["id"].as_str().unwrap().to_owned();
    let number = r.body["number"].as_str().unwrap().to_owned();
    assert!(number.starts_with("A33020301"), "{number}");
    assert_eq!(r.body["incident_id"], incident.as_str());

    // The case file: the caller as reporter, the incident's description.
    let file = t.get(&format!("/api/v1/cases/{case_id}"), &handler).await;
    assert_eq!(file.status, StatusCode::OK, "{}", file.text);
    assert_eq!(file.body["summary"], "测试警情");
    assert_eq!(file.body["address"], "测试路1号");
    assert!(file.body["occurred_at"].is_string());
    let parties = file.body["parties"].as_array().unwrap();
    assert_eq!(parties.len(), 1, "{parties:?}");
    assert_eq!(
        (parties[0]["role"].clone(), parties[0]["name"].clone()),
        (json!("reporter"), json!("王女士"))
    );

    // The incident's side: its timeline names the case.
    let dispatcher = t.login("dispatcher").await;
    let d = t
        .get(&format!("/api/v1/incidents/{incident}"), &dispatcher)
        .await;
    let opened: Vec<_> = d.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "case_opened")
        .collect();
    assert_eq!(opened.len(), 1, "{}", d.text);
    assert_eq!(opened[0]["detail"]["case_number"], number.as_str());

    // Once only; a failed second attempt changes nothing.
    let head = t.audit_head().await;
    t.post(&path, &handler, json!({"kind": "administrative"}))
        .await
        .problem(StatusCode::CONFLICT, "case_exists_for_incident");
    assert_eq!(t.audit_head().await, head);
}

#[tokio::test]
async fn only_a_handler_over_the_station_opens_it() {
    let (t, incident) = gulou_incident().await;
    let path = format!("/api/v1/incidents/{incident}/case");
    // Baisha's handler: the Gulou incident is out of reach, as if it did not exist; on record.
    let baisha = t.login("case").await;
    t.post(&path, &baisha, json!({"kind": "criminal"}))
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(denials(&t, "case", &incident).await, 1);
    // A dispatcher does not open cases.
    let dispatcher = t.login("dispatcher").await;
    t.post(&path, &dispatcher, json!({"kind": "criminal"}))
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    // Bad input: a clear 422 naming the field.
    let gulou = t.login("gulou.case").await;
    let r = t.post(&path, &gulou, json!({"kind": "civil"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    // An unknown incident.
    t.post(
        "/api/v1/incidents/0190f000-0000-7000-8000-000000000000/case",
        &gulou,
        json!({"kind": "criminal"}),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
}
