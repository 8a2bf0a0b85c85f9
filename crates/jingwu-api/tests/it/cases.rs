//! Case files through the API, as a bureau starts from an empty database and its handlers and
//! legal supervisors use them: default legal limits, a case from acceptance to closing,
//! identities, documents re-hashed on every download, jurisdiction, audited views, deadline
//! clocks moved by an injected clock, supervision, and answers racing each other.

use axum::http::StatusCode;
use jingwu_testkit::fixtures::cases as cf;
use serde_json::Value;

use crate::support::{ManualClock, TestApp};

/// Monday 2026-03-02 09:00 in Beijing.
const START: i64 = 1_772_413_200;

async fn bureau() -> TestApp {
    TestApp::empty()
        .with_city()
        .with_clock(ManualClock::new(
            jiff::Timestamp::from_second(START).unwrap(),
        ))
        .build()
        .await
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_case_is_opened_numbered_and_listed_in_reach() {
    let t = bureau().await;
    let case = t.login("case").await;
    let r = cf::open_resp(&t, &case, cf::new_case("criminal")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["number"], "A33020501202600001");
    assert_eq!(r.body["status"], "accepted");
    assert_eq!(r.body["org_id"], t.org_id("33020501").await.as_str());
    // Baisha's cases are supervised by the Jiangbei bureau's legal office.
    assert_eq!(r.body["legal_org_id"], t.org_id("330205").await.as_str());
    assert_eq!(r.body["handler_name"], "白沙派出所办案民警 周涛");
    let first = r.body["id"].as_str().unwrap().to_owned();
    let second = cf::case(&t, &case, "criminal").await;
    let admin = cf::open_resp(&t, &case, cf::new_case("administrative")).await;
    assert_eq!(admin.body["number"], "X33020501202600001");

    let file = cf::file(&t, &case, &first).await;
    assert_eq!(file["steps"][0]["kind"], "accept_register");
    assert_eq!(file["open"]["corrections"], 0);

    let list = t.get("/api/v1/cases", &case).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let l = ids(&list.body);
    assert_eq!(l.len(), 3);
    assert!(l.contains(&first) && l.contains(&second));
    let gulou = t.login("gulou.case").await;
    assert!(ids(&t.get("/api/v1/cases", &gulou).await.body).is_empty());
    let jiangbei = t.login("jiangbei.legal").await;
    assert_eq!(ids(&t.get("/api/v1/cases", &jiangbei).await.body).len(), 3);
    let filtered = t
        .get("/api/v1/cases?kind=administrative&status=accepted", &case)
        .await;
    assert_eq!(ids(&filtered.body).len(), 1);
    let q = t.get("/api/v1/cases?q=A3302050120260000", &case).await;
    assert_eq!(ids(&q.body).len(), 2);
}
