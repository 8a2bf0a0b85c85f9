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

/// 8 writers × 1,000 audited writes while the sequencer runs: every entry is in the log once,
/// the sequence numbers have no gap, and the chain and the Merkle tree verify.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eight_writers_lose_no_audit_entry_and_leave_no_gap() {
    const WRITERS: usize = 8;
    const EACH: usize = 1_000;
    let t = std::sync::Arc::new(TestApp::empty().with_city().build().await);
    let sequencer = t.app.foundation().spawn_audit_sequencer();
    let system = t.app.foundation().system_principal().await.unwrap();
    let before = t.audit_head().await.0;
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let (t, system) = (t.clone(), system.clone());
        tasks.push(tokio::spawn(async move {
            for i in 0..EACH {
                let ctx = jingwu_app::RequestCtx {
                    request_id: format!("w{w}-{i}"),
                    client_addr: None,
                };
                t.app
                    .kernel()
                    .write(&system, &ctx, async |tx| {
                        let object = format!("object-{w}-{i}");
                        tx.audit(
                            "test.write",
                            ("test_object", &object),
                            &system.org_path,
                            json!({"writer": w, "n": i}),
                        )
                        .await
                    })
                    .await
                    .unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    sequencer.abort();
    let (head, _) = t.audit_head().await;
    let total = (WRITERS * EACH) as i64;
    assert_eq!(head, before + total);
    let distinct = t
        .sql_count(
            "SELECT COUNT(DISTINCT request_id) FROM audit_log WHERE action = 'test.write'",
            &[],
        )
        .await;
    assert_eq!(
        distinct, total,
        "every write's entry is in the log exactly once"
    );
    let span = t
        .sql_count("SELECT MAX(seq) - MIN(seq) + 1 FROM audit_log", &[])
        .await;
    let rows = t.sql_count("SELECT COUNT(*) FROM audit_log", &[]).await;
    assert_eq!(
        (span, rows),
        (head, head),
        "sequence numbers 1..=head, no gap"
    );
    assert_eq!(
        t.sql_count("SELECT COUNT(*) FROM audit_inbox", &[]).await,
        0
    );
    assert!(t.audit_intact().await, "{:?}", t.verify_audit().await);
    let tree = t.app.kernel().sync_audit().await.unwrap();
    assert_eq!(tree.tree_size, head as u64);
}

/// On PostgreSQL writers no longer queue behind one lock: a transaction that is still open
/// does not stop another writer from committing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_open_write_does_not_hold_up_other_writers_on_postgres() {
    if std::env::var("JINGWU_TEST_PG_URL").is_err() {
        eprintln!("JINGWU_TEST_PG_URL not set: SQLite has one writer by design");
        return;
    }
    let t = std::sync::Arc::new(TestApp::empty().with_city().build().await);
    let system = t.app.foundation().system_principal().await.unwrap();
    let (opened_tx, opened_rx) = tokio::sync::oneshot::channel::<()>();
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let slow = {
        let (t, system) = (t.clone(), system.clone());
        let gates = std::sync::Arc::new(tokio::sync::Mutex::new(Some((opened_tx, release_rx))));
        tokio::spawn(async move {
            t.app
                .kernel()
                .write(&system, &jingwu_app::RequestCtx::cli(), async |tx| {
                    tx.audit(
                        "test.slow",
                        ("test_object", "slow"),
                        &system.org_path,
                        json!({}),
                    )
                    .await?;
                    // First attempt only: say it is open, then wait to be released.
                    if let Some((opened, release)) = gates.lock().await.take() {
                        let _ = opened.send(());
                        let _ = release.await;
                    }
                    Ok(())
                })
                .await
        })
    };
    opened_rx.await.unwrap();
    // With the old global lock this write would wait for the open one forever (the open one
    // waits for this one): the bound only turns such a hang into a failure.
    let quick = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        t.app
            .kernel()
            .write(&system, &jingwu_app::RequestCtx::cli(), async |tx| {
                tx.audit(
                    "test.quick",
                    ("test_object", "quick"),
                    &system.org_path,
                    json!({}),
                )
                .await
            }),
    )
    .await;
    assert!(matches!(quick, Ok(Ok(()))), "{quick:?}");
    release_tx.send(()).unwrap();
    slow.await.unwrap().unwrap();
    assert!(t.audit_intact().await);
}

/// Two nodes on one database, each writing and each running its sequencer: the database lets
/// one sequence at a time, and the log comes out one gap-free, verified sequence.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_nodes_sequence_one_log() {
    let t = TestApp::empty().with_city().build().await;
    let nodes = [t.app.clone(), t.second_node()];
    let before = t.audit_head().await.0;
    let sequencers: Vec<_> = nodes
        .iter()
        .map(|n| n.foundation().spawn_audit_sequencer())
        .collect();
    let mut tasks = Vec::new();
    for (k, node) in nodes.iter().enumerate() {
        for w in 0..3 {
            let node = node.clone();
            tasks.push(tokio::spawn(async move {
                let system = node.foundation().system_principal().await.unwrap();
                for i in 0..200 {
                    let object = format!("node{k}-w{w}-{i}");
                    node.kernel()
                        .write(&system, &jingwu_app::RequestCtx::cli(), async |tx| {
                            tx.audit(
                                "test.node",
                                ("test_object", &object),
                                &system.org_path,
                                json!({}),
                            )
                            .await
                        })
                        .await
                        .unwrap();
                    if i % 50 == 0 {
                        // Readers on either node may ask for their entries to be in the tree.
                        node.kernel().sync_audit().await.unwrap();
                    }
                }
            }));
        }
    }
    for task in tasks {
        task.await.unwrap();
    }
    for s in sequencers {
        s.abort();
    }
    let (head, _) = t.audit_head().await;
    assert_eq!(head, before + 2 * 3 * 200);
    assert_eq!(
        t.sql_count(
            "SELECT COUNT(DISTINCT object_id) FROM audit_log WHERE action = 'test.node'",
            &[]
        )
        .await,
        1200
    );
    assert!(t.audit_intact().await, "{:?}", t.verify_audit().await);
}
