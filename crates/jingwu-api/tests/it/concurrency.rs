//! Many writers at once keep the audit chain linear and intact on either backend.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_writers_keep_one_unbroken_chain() {
    let t = std::sync::Arc::new(TestApp::empty().with_city().build().await);
    let admin = t.login("admin").await;
    let station = t.org_id("33020501").await;
    let before = t.audit_head().await.0;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let (t, admin, station) = (t.clone(), admin.clone(), station.clone());
        tasks.push(tokio::spawn(async move {
            // Half create distinct users, half race for the same username.
            let username = if i % 2 == 0 { format!("racer{i:02}") } else { "contested".to_string() };
            let body = json!({"username": username, "display_name": "并发", "role": "officer", "org": station, "password": "longenough"});
            t.post("/api/v1/users", &admin, body).await.status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let created = statuses
        .iter()
        .filter(|s| **s == StatusCode::CREATED)
        .count();
    let conflicts = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((created, conflicts), (13, 11), "{statuses:?}");
    assert_eq!(t.audit_head().await.0, before + 13);
    assert!(t.audit_intact().await);
}
