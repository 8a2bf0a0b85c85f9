use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Problem, TestApp};

#[tokio::test]
async fn every_change_is_audited_in_a_verifiable_chain() {
    let t = TestApp::empty().with_city().build().await;
    let admin = t.login("admin").await;
    let station = t.org_id("33020502").await;
    let r = t
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "jiang.wei", "display_name": "江伟", "role": "officer", "org": station, "password": "a-long-password"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let user_id = r.body["id"].as_str().unwrap().to_string();
    let request_id = r
        .headers
        .get("x-request-id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();

    let legal = t.login("legal").await;
    let page = t.get("/api/v1/audit?limit=5", &legal).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let items = page.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 5);
    let create = items
        .iter()
        .find(|e| e["action"] == "user.create" && e["object_id"] == user_id.as_str())
        .unwrap();
    assert_eq!(create["request_id"], request_id.as_str());
    assert_eq!(create["actor_role"], "admin");
    assert_eq!(create["detail"]["username"], "jiang.wei");
    assert!(
        !create.to_string().contains("a-long-password"),
        "the password leaked into the audit"
    );
    assert!(
        !create.to_string().contains("argon2"),
        "the password hash leaked into the audit"
    );
    // Newest first, and the cursor pages backwards without overlap.
    let seqs: Vec<i64> = items.iter().map(|e| e["seq"].as_i64().unwrap()).collect();
    assert!(seqs.windows(2).all(|w| w[0] > w[1]));
    let next = page.body["next_cursor"].as_str().unwrap();
    let older = t
        .get(&format!("/api/v1/audit?limit=5&cursor={next}"), &legal)
        .await;
    assert_eq!(older.body["items"][0]["seq"].as_i64().unwrap(), seqs[4] - 1);

    let v = t.get("/api/v1/audit/verify", &legal).await;
    assert_eq!(v.body["intact"], true, "{}", v.text);
    // Every entry so far: the small city's 7 org units and 18 accounts, logins, the new user.
    assert!(v.body["entries"].as_i64().unwrap() > 25);
    assert_eq!(v.body["entries"].as_i64(), Some(t.audit_head().await.0));
}

#[tokio::test]
async fn a_station_reads_only_its_own_audit_entries() {
    let t = TestApp::empty().with_city().build().await;
    let gulou = t.login("gulou.admin").await;
    let page = t.get("/api/v1/audit?limit=200", &gulou).await;
    let items = page.body["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|e| {
        e["org_path"]
            .as_str()
            .unwrap()
            .starts_with("/330200/330203/33020301/")
    }));
    // Only the city may verify the whole chain.
    t.get("/api/v1/audit/verify", &gulou)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
}

#[tokio::test]
async fn the_database_refuses_to_change_or_remove_audit_entries() {
    let t = TestApp::empty().with_city().build().await;
    let update = t
        .sql_execute("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 1")
        .await;
    assert!(update.unwrap_err().contains("append-only"));
    let delete = t.sql_execute("DELETE FROM audit_log WHERE seq = 2").await;
    assert!(delete.unwrap_err().contains("append-only"));
    assert!(t.audit_intact().await);
}
