//! Jurisdiction scoping. Documented rule: a single object outside the caller's subtree answers
//! 404 (its existence is not revealed); a scope the caller names explicitly (a filter, a parent
//! to create under) answers 403 `out_of_scope`; a role lacking the action answers 403 `forbidden`.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Problem, TestApp};

#[tokio::test]
async fn a_station_cannot_read_or_change_another_station() {
    let t = TestApp::empty().with_city().build().await;
    let gulou = t.login("gulou.admin").await;
    let gulou_id = t.org_id("33020301").await;
    let yuehu_id = t.org_id("33020302").await;

    // Its own station is visible; the neighbour's is "not found".
    assert_eq!(
        t.get(&format!("/api/v1/orgs/{gulou_id}"), &gulou)
            .await
            .status,
        StatusCode::OK
    );
    t.get(&format!("/api/v1/orgs/{yuehu_id}"), &gulou)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");

    // Listing the tree shows only its own subtree.
    let orgs = t.get("/api/v1/orgs", &gulou).await;
    let codes: Vec<&str> = orgs
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["33020301"]);

    // Naming the other station explicitly is refused as out of scope.
    t.get(&format!("/api/v1/users?org={yuehu_id}"), &gulou)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");

    // Its users list holds only its own people.
    let users = t.get("/api/v1/users", &gulou).await;
    let names: Vec<&str> = users.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["username"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["gulou.admin", "gulou.case", "officer"]);

    // The other station's admin cannot be read or revoked.
    let yuehu_admin = t.login("yuehu.admin").await;
    let me = t.get("/api/v1/me", &yuehu_admin).await;
    let yuehu_admin_id = me.body["id"].as_str().unwrap();
    t.get(&format!("/api/v1/users/{yuehu_admin_id}"), &gulou)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    t.post(
        &format!("/api/v1/users/{yuehu_admin_id}/revoke"),
        &gulou,
        json!({}),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        t.get("/api/v1/me", &yuehu_admin).await.status,
        StatusCode::OK,
        "revocation leaked across stations"
    );

    // Nor can it create accounts there.
    let intruder = json!({"username": "plant", "display_name": "x", "role": "officer", "org": yuehu_id, "password": "longenough"});
    t.post("/api/v1/users", &gulou, intruder)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");

    // The city sees both stations.
    let admin = t.login("admin").await;
    assert_eq!(
        t.get(&format!("/api/v1/orgs/{yuehu_id}"), &admin)
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        t.get("/api/v1/orgs", &admin)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        7
    );
}

#[tokio::test]
async fn roles_without_the_action_are_forbidden() {
    let t = TestApp::empty().with_city().build().await;
    let citizen = t.login("citizen").await;
    t.get("/api/v1/orgs", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    t.get("/api/v1/users", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let officer = t.login("officer").await;
    t.get("/api/v1/audit", &officer)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    // A citizen's own account is readable.
    let me = t.get("/api/v1/me", &citizen).await;
    assert_eq!(me.body["role"], "citizen");
}

#[tokio::test]
async fn a_district_sees_its_stations_but_not_other_districts() {
    let t = TestApp::empty().with_city().build().await;
    let haishu = t.login("haishu.dispatcher").await;
    let orgs = t.get("/api/v1/orgs", &haishu).await;
    let list = orgs.body.as_array().unwrap();
    assert_eq!(list.len(), 3, "Haishu bureau + its 2 stations");
    assert!(
        list.iter()
            .all(|o| o["path"].as_str().unwrap().starts_with("/330200/330203/"))
    );
    let jiangbei = t.org_id("330205").await;
    t.get(&format!("/api/v1/orgs/{jiangbei}"), &haishu)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
}
