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
    t.audit_head().await; // every entry sequenced into the log
    let update = t
        .sql_execute("UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 1")
        .await;
    assert!(update.unwrap_err().contains("append-only"));
    let delete = t.sql_execute("DELETE FROM audit_log WHERE seq = 2").await;
    assert!(delete.unwrap_err().contains("append-only"));
    for sql in [
        "UPDATE audit_tree SET hash = 'x' WHERE level = 0 AND idx = 0",
        "DELETE FROM audit_tree WHERE level = 0 AND idx = 1",
    ] {
        assert!(
            t.sql_execute(sql)
                .await
                .unwrap_err()
                .contains("append-only"),
            "{sql}"
        );
    }
    assert!(t.audit_intact().await);
}

fn hash(v: &serde_json::Value) -> [u8; 32] {
    hex::decode(v.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

fn hashes(v: &serde_json::Value) -> Vec<[u8; 32]> {
    v.as_array().unwrap().iter().map(hash).collect()
}

/// An auditor gets a signed checkpoint, proves entries are in it and that a later checkpoint
/// extends it, all checked here with nothing but RFC 6962 and Ed25519.
#[tokio::test]
async fn auditors_get_signed_checkpoints_and_proofs_that_verify() {
    use jingwu_audit::merkle::{verify_consistency, verify_inclusion};
    let t = TestApp::empty().with_city().build().await;
    let legal = t.login("legal").await;
    let first = t.post("/api/v1/audit/checkpoint", &legal, json!({})).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text);
    let c1: jingwu_audit::Checkpoint = serde_json::from_str(&first.text).unwrap();
    c1.verify(None).unwrap();
    assert_eq!(c1.tree_size as i64, t.audit_head().await.0);
    assert_eq!(
        t.get("/api/v1/audit/checkpoint", &legal).await.body,
        first.body,
        "the newest checkpoint is served until another is signed"
    );

    for leaf in [0, c1.tree_size / 2, c1.tree_size - 1] {
        let p = t
            .get(
                &format!("/api/v1/audit/proof/inclusion?entry={leaf}"),
                &legal,
            )
            .await;
        assert_eq!(p.status, StatusCode::OK, "{}", p.text);
        assert_eq!(p.body["tree_size"].as_u64(), Some(c1.tree_size));
        // The leaf is recomputed from the entry as stored, not taken on trust.
        let entry: jingwu_audit::Entry = serde_json::from_value(p.body["entry"].clone()).unwrap();
        assert_eq!(entry.compute_hash(), entry.hash);
        assert_eq!(entry.leaf_hash(), hash(&p.body["leaf_hash"]));
        let path = hashes(&p.body["audit_path"]);
        verify_inclusion(&entry.leaf_hash(), leaf, c1.tree_size, &path, &c1.root_hash).unwrap();
        // A forged entry is not in the tree.
        let mut forged = entry.clone();
        forged.actor_id = "someone-else".into();
        forged.hash = forged.compute_hash();
        assert!(
            verify_inclusion(
                &forged.leaf_hash(),
                leaf,
                c1.tree_size,
                &path,
                &c1.root_hash
            )
            .is_err()
        );
    }

    // More changes, a newer checkpoint, and the proof that it only grew.
    let admin = t.login("admin").await;
    let station = t.org_id("33020502").await;
    let r = t
        .post(
            "/api/v1/users",
            &admin,
            json!({"username": "wang.fang", "display_name": "王芳", "role": "officer", "org": station, "password": "a-long-password"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let second = t.post("/api/v1/audit/checkpoint", &legal, json!({})).await;
    let c2: jingwu_audit::Checkpoint = serde_json::from_str(&second.text).unwrap();
    c2.verify(Some(&c1.public_key)).unwrap();
    assert!(c2.tree_size > c1.tree_size);
    let p = t
        .get(
            &format!(
                "/api/v1/audit/proof/consistency?first={}&second={}",
                c1.tree_size, c2.tree_size
            ),
            &legal,
        )
        .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    let proof = hashes(&p.body["proof"]);
    verify_consistency(
        c1.tree_size,
        c2.tree_size,
        &c1.root_hash,
        &c2.root_hash,
        &proof,
    )
    .unwrap();

    // Out of range: a clear field error, nothing else.
    t.get(
        &format!("/api/v1/audit/proof/inclusion?entry={}", c2.tree_size + 5),
        &legal,
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.get(
        &format!(
            "/api/v1/audit/proof/consistency?first=1&second={}",
            c2.tree_size + 1000
        ),
        &legal,
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // Only city-level auditors.
    t.get("/api/v1/audit/checkpoint", &t.login("gulou.admin").await)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.get(
        "/api/v1/audit/proof/inclusion?entry=0",
        &t.login("dispatcher").await,
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");
}

/// Each signed checkpoint is pushed to the witnesses: a directory and a URL.
#[tokio::test]
async fn checkpoints_reach_the_witnesses() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<String>();
    let witness = axum::Router::new().route(
        "/checkpoints",
        axum::routing::post(move |body: String| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(body);
                StatusCode::NO_CONTENT
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, witness).await });
    let dir = tempfile::tempdir().unwrap();
    let witness_dir = dir.path().to_path_buf();
    let t = TestApp::empty()
        .with_city()
        .with_config(|c| {
            c.audit.witness_dir = Some(witness_dir);
            c.audit.witness_urls = vec![format!("http://{addr}/checkpoints")];
        })
        .build()
        .await;
    let legal = t.login("legal").await;
    let signed = t.post("/api/v1/audit/checkpoint", &legal, json!({})).await;
    assert_eq!(signed.status, StatusCode::OK, "{}", signed.text);
    let size = signed.body["tree_size"].as_u64().unwrap();
    let pushed = tokio::time::timeout(std::time::Duration::from_secs(30), rx.recv())
        .await
        .expect("the witness URL got the checkpoint")
        .unwrap();
    let pushed: serde_json::Value = serde_json::from_str(&pushed).unwrap();
    assert_eq!(pushed, signed.body);
    let filed =
        std::fs::read_to_string(dir.path().join(format!("checkpoint-{size}.json"))).unwrap();
    let filed: serde_json::Value = serde_json::from_str(&filed).unwrap();
    assert_eq!(filed, signed.body);
}
