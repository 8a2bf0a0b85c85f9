//! `jingwu audit verify` passes on an untouched log and fails, naming the first bad entry,
//! after rows are altered or deleted behind the application's back (triggers disabled).

use sqlx::Connection;

use crate::support::{PgDb, err, jingwu, out, seed};

fn verify(db: &str) -> (bool, String, String) {
    let o = jingwu(&["audit", "verify", "--database", db], None);
    (o.status.success(), out(&o), err(&o))
}

async fn sqlite_exec(path: &std::path::Path, sql: &str) {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
}

#[tokio::test]
async fn sqlite_tampering_is_detected_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.db");
    let db = format!("sqlite://{}", file.display());
    seed(&db);
    let (ok, stdout, _) = verify(&db);
    assert!(ok);
    assert!(stdout.contains("audit log intact: 7 entries"), "{stdout}");

    // An altered row (the trigger that forbids it dropped first, as an intruder would).
    let altered = dir.path().join("altered.db");
    std::fs::copy(&file, &altered).unwrap();
    sqlite_exec(
        &altered,
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET actor_id = 'someone-else' WHERE seq = 3;",
    )
    .await;
    let (ok, _, stderr) = verify(&format!("sqlite://{}", altered.display()));
    assert!(!ok);
    assert!(stderr.contains("BROKEN at entry 3"), "{stderr}");

    // An altered change detail with its digest left alone.
    let detail = dir.path().join("detail.db");
    std::fs::copy(&file, &detail).unwrap();
    sqlite_exec(
        &detail,
        "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = '{\"role\":\"admin\"}' WHERE seq = 6;",
    )
    .await;
    let (ok, _, stderr) = verify(&format!("sqlite://{}", detail.display()));
    assert!(!ok);
    assert!(stderr.contains("BROKEN at entry 6"), "{stderr}");

    // A deleted row in the middle.
    let deleted = dir.path().join("deleted.db");
    std::fs::copy(&file, &deleted).unwrap();
    sqlite_exec(
        &deleted,
        "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 4;",
    )
    .await;
    let (ok, _, stderr) = verify(&format!("sqlite://{}", deleted.display()));
    assert!(!ok);
    assert!(stderr.contains("BROKEN at entry 5"), "{stderr}");

    // The newest row deleted: only the head still remembers it.
    let truncated = dir.path().join("truncated.db");
    std::fs::copy(&file, &truncated).unwrap();
    sqlite_exec(
        &truncated,
        "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 7;",
    )
    .await;
    let (ok, _, stderr) = verify(&format!("sqlite://{}", truncated.display()));
    assert!(!ok);
    assert!(stderr.contains("BROKEN at entry 7"), "{stderr}");

    // Two rows swapped (reordered).
    let swapped = dir.path().join("swapped.db");
    std::fs::copy(&file, &swapped).unwrap();
    sqlite_exec(
        &swapped,
        "DROP TRIGGER audit_log_no_update; \
         UPDATE audit_log SET seq = -1 WHERE seq = 2; UPDATE audit_log SET seq = 2 WHERE seq = 3; \
         UPDATE audit_log SET seq = 3 WHERE seq = -1;",
    )
    .await;
    let (ok, _, stderr) = verify(&format!("sqlite://{}", swapped.display()));
    assert!(!ok);
    assert!(stderr.contains("BROKEN at entry 2"), "{stderr}");
}

#[tokio::test]
async fn postgres_tampering_is_detected_and_named() {
    let Some(pg) = PgDb::create().await else {
        eprintln!("JINGWU_TEST_PG_URL not set: the PostgreSQL run of this test happens in CI");
        return;
    };
    seed(&pg.url);
    assert!(verify(&pg.url).0);
    let mut c = sqlx::PgConnection::connect(&pg.url).await.unwrap();
    sqlx::raw_sql(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update; \
         UPDATE audit_log SET object_id = 'forged' WHERE seq = 5;",
    )
    .execute(&mut c)
    .await
    .unwrap();
    let (ok, _, stderr) = verify(&pg.url);
    assert!(!ok);
    assert!(stderr.contains("BROKEN at entry 5"), "{stderr}");
    sqlx::raw_sql(
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq <= 2;",
    )
    .execute(&mut c)
    .await
    .unwrap();
    let (ok, _, stderr) = verify(&pg.url);
    assert!(!ok);
    assert!(stderr.contains("BROKEN at entry 3"), "{stderr}");
    c.close().await.unwrap();
    pg.drop_db().await;
}

fn json_of(args: &[&str]) -> serde_json::Value {
    let o = jingwu(args, None);
    assert!(o.status.success(), "{args:?}: {}", err(&o));
    serde_json::from_str(&out(&o)).unwrap_or_else(|e| panic!("{args:?}: {e}: {}", out(&o)))
}

fn hex32(v: &serde_json::Value) -> [u8; 32] {
    hex::decode(v.as_str().unwrap())
        .unwrap()
        .try_into()
        .unwrap()
}

/// The stable command-line contract: a signed checkpoint, an inclusion proof, a consistency
/// proof and an export that verifies offline — and truncation caught by a kept checkpoint even
/// after the intruder rewound the head and removed the database's own checkpoints.
#[tokio::test]
async fn checkpoints_proofs_export_and_offline_verification() {
    use jingwu_audit::merkle::{verify_consistency, verify_inclusion};
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.db");
    let db = format!("sqlite://{}", file.display());
    seed(&db);
    let c1 = json_of(&["audit", "checkpoint", "--database", &db, "--json"]);
    assert_eq!(c1["tree_size"], 7);
    for key in ["root_hash", "public_key"] {
        assert_eq!(c1[key].as_str().unwrap().len(), 64, "{key}");
    }
    assert_eq!(c1["signature"].as_str().unwrap().len(), 128);
    let checkpoint: jingwu_audit::Checkpoint = serde_json::from_value(c1.clone()).unwrap();
    checkpoint.verify(None).unwrap();
    assert!(
        dir.path().join("a.db.audit-key").exists(),
        "the key is generated beside the database"
    );
    let early = dir.path().join("checkpoint-7.json");
    std::fs::write(&early, c1.to_string()).unwrap();

    let p = json_of(&[
        "audit",
        "prove",
        "--entry",
        "3",
        "--database",
        &db,
        "--json",
    ]);
    assert_eq!(
        (p["leaf_index"].as_u64(), p["tree_size"].as_u64()),
        (Some(3), Some(7))
    );
    let entry: jingwu_audit::Entry = serde_json::from_value(p["entry"].clone()).unwrap();
    assert_eq!(entry.seq, 4);
    assert_eq!(entry.leaf_hash(), hex32(&p["leaf_hash"]));
    let path: Vec<[u8; 32]> = p["audit_path"]
        .as_array()
        .unwrap()
        .iter()
        .map(hex32)
        .collect();
    verify_inclusion(&entry.leaf_hash(), 3, 7, &path, &checkpoint.root_hash).unwrap();

    // More history, a newer checkpoint, consistent with the first.
    let o = jingwu(
        &[
            "user",
            "add",
            "--database",
            &db,
            "--username",
            "zhou.min",
            "--display-name",
            "周敏",
            "--role",
            "officer",
            "--org",
            "33020301",
        ],
        Some("a-long-password"),
    );
    assert!(o.status.success(), "{}", err(&o));
    let c2 = json_of(&["audit", "checkpoint", "--database", &db, "--json"]);
    let newer: jingwu_audit::Checkpoint = serde_json::from_value(c2.clone()).unwrap();
    assert_eq!(
        (newer.tree_size, newer.public_key),
        (8, checkpoint.public_key)
    );
    let late = dir.path().join("checkpoint-8.json");
    std::fs::write(&late, c2.to_string()).unwrap();
    let cons = json_of(&[
        "audit",
        "consistency",
        "--from",
        "7",
        "--to",
        "8",
        "--database",
        &db,
        "--json",
    ]);
    assert_eq!(
        (cons["first"].as_u64(), cons["second"].as_u64()),
        (Some(7), Some(8))
    );
    let proof: Vec<[u8; 32]> = cons["proof"]
        .as_array()
        .unwrap()
        .iter()
        .map(hex32)
        .collect();
    verify_consistency(7, 8, &checkpoint.root_hash, &newer.root_hash, &proof).unwrap();

    // The export verifies offline against both checkpoints.
    let log = dir.path().join("audit.jsonl");
    let o = jingwu(
        &[
            "audit",
            "export",
            "--database",
            &db,
            "--out",
            log.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", err(&o));
    let offline = |log: &std::path::Path, cps: &[&std::path::Path]| {
        let mut args = vec!["audit", "verify", "--log", log.to_str().unwrap()];
        for c in cps {
            args.extend(["--checkpoint", c.to_str().unwrap()]);
        }
        let o = jingwu(&args, None);
        (o.status.success(), out(&o), err(&o))
    };
    let (ok, stdout, stderr) = offline(&log, &[&early, &late]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("8 entries verified"), "{stdout}");
    assert!(verify(&db).0);

    // The intruder removes the newest entry, rewinds the head, and deletes the database's
    // checkpoints and tree nodes: the chain alone looks whole again...
    sqlite_exec(
        &file,
        "DROP TRIGGER audit_log_no_delete; DROP TRIGGER audit_tree_no_delete; \
         DROP TRIGGER audit_checkpoints_no_delete; \
         DELETE FROM audit_log WHERE seq = 8; DELETE FROM audit_checkpoints; \
         DELETE FROM audit_tree WHERE (idx + 1) * (1 << level) > 7; \
         UPDATE audit_head SET seq = 7, tree_size = 7, \
             hash = (SELECT hash FROM audit_log WHERE seq = 7);",
    )
    .await;
    let (ok, stdout, _) = verify(&db);
    assert!(
        ok,
        "without an outside checkpoint the truncation is invisible: {stdout}"
    );
    // ...but the witness kept the newer checkpoint.
    let cut = dir.path().join("cut.jsonl");
    let o = jingwu(
        &[
            "audit",
            "export",
            "--database",
            &db,
            "--out",
            cut.to_str().unwrap(),
        ],
        None,
    );
    assert!(o.status.success(), "{}", err(&o));
    let (ok, _, stderr) = offline(&cut, &[&early, &late]);
    assert!(!ok);
    assert!(
        stderr.contains("records 8 entries but the log holds only 7"),
        "{stderr}"
    );
    // A forged checkpoint (another key) is refused against the log's key.
    let mut forged = newer.clone();
    forged.tree_size = 7;
    forged.signed_message.clear();
    let forged_file = dir.path().join("forged.json");
    std::fs::write(&forged_file, serde_json::to_string(&forged).unwrap()).unwrap();
    let (ok, _, stderr) = offline(&cut, &[&early, &forged_file]);
    assert!(!ok);
    assert!(stderr.contains("REFUSED"), "{stderr}");
}
