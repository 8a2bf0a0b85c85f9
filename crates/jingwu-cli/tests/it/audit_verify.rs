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
