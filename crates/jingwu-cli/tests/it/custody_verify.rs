//! `jingwu audit verify` checks every evidence item's chain of custody against the digests the
//! audit log recorded: an event changed in the database (the append-only trigger dropped
//! first), or deleted with the item's head set back, is named with its item and sequence
//! number, and the exit code says so.

use std::sync::Arc;

use jingwu_app::{App, AppConfig, MovementInput, NewCase, NewLocation, PhysicalIntake, RequestCtx};
use jingwu_cases::case::CaseKind;
use jingwu_cases::evidence::{Category, MovementKind};
use jingwu_core::{Principal, Role};
use sqlx::{Connection, Row};

use crate::support::{err, jingwu, out, seed};

async fn sqlite_exec(path: &std::path::Path, sql: &str) {
    let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    sqlx::raw_sql(sql).execute(&mut c).await.unwrap();
}

fn verify(path: &std::path::Path) -> (bool, String, String) {
    let db = format!("sqlite://{}", path.display());
    let o = jingwu(&["audit", "verify", "--database", &db], None);
    (o.status.success(), out(&o), err(&o))
}

/// An item taken in and moved twice by a Haishu custodian, through the use cases; its id.
async fn custody_history(file: &std::path::Path, media: &std::path::Path) -> String {
    let db = format!("sqlite://{}", file.display());
    for (name, role, org) in [
        ("keeper", "evidence_custodian", "330203"),
        ("handler", "case_handler", "33020301"),
    ] {
        let o = jingwu(
            &[
                "user",
                "add",
                "--database",
                &db,
                "--username",
                name,
                "--display-name",
                name,
                "--role",
                role,
                "--org",
                org,
            ],
            Some("a-long-password\n"),
        );
        assert!(o.status.success(), "{}", err(&o));
    }
    let store = jingwu_store::Store::connect(&db, &jingwu_store::StoreOptions::default())
        .await
        .unwrap();
    let config = AppConfig {
        media_dir: media.to_path_buf(),
        ..AppConfig::default()
    };
    let app = App::new(store, Arc::new(jingwu_core::SystemClock), config);
    let mut c = sqlx::SqliteConnection::connect(&db).await.unwrap();
    let mut who = Vec::new();
    for (name, role) in [
        ("keeper", Role::EvidenceCustodian),
        ("handler", Role::CaseHandler),
    ] {
        let row = sqlx::query(
            "SELECT u.id, o.id, o.path FROM users u JOIN org_units o ON o.id = u.org_id \
             WHERE u.username = $1",
        )
        .bind(name)
        .fetch_one(&mut c)
        .await
        .unwrap();
        who.push(Principal {
            user_id: row.get(0),
            username: name.into(),
            role,
            org_id: row.get(1),
            org_path: row.get(2),
        });
    }
    let (keeper, handler) = (&who[0], &who[1]);
    let ctx = RequestCtx::cli();
    let cases = app.cases();
    let case = NewCase {
        kind: Some(CaseKind::Criminal),
        title: "盗窃案".into(),
        cause: "盗窃".into(),
        summary: String::new(),
        org_id: None,
        address: "宁波市海曙区".into(),
        lat: None,
        lon: None,
        occurred_at: None,
        accepted_at: None,
        supervisor_id: None,
        incident_id: None,
    };
    let number = cases
        .open_case(handler, &ctx, &case)
        .await
        .unwrap()
        .case
        .number;
    let mut shelves = Vec::new();
    for code in ["A-01", "A-02"] {
        let n = NewLocation {
            org_id: None,
            code: code.into(),
            name: code.into(),
            secure: false,
        };
        shelves.push(cases.create_location(keeper, n, &ctx).await.unwrap().id);
    }
    let n = PhysicalIntake {
        case_number: number,
        barcode: Some("WZ-0001".into()),
        seal_no: Some("F-1".into()),
        description: "手机一部".into(),
        category: Category::ElectronicDevice,
        quantity: 1,
        location_id: shelves[0].clone(),
        seized_at: 0,
        note: String::new(),
    };
    let item = cases
        .intake_physical(keeper, n, &ctx)
        .await
        .unwrap()
        .item
        .id;
    for to in [&shelves[1], &shelves[0]] {
        let m = MovementInput {
            kind: Some(MovementKind::Relocate),
            location_id: Some(to.as_str().to_owned()),
            reason: "整理货架".into(),
            ..Default::default()
        };
        cases.move_item(keeper, &item, m, &ctx).await.unwrap();
    }
    app.kernel().sync_audit().await.unwrap();
    app.close().await;
    item.into_string()
}

#[tokio::test]
async fn a_changed_or_deleted_custody_event_is_named_and_fails_the_check() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a.db");
    seed(&format!("sqlite://{}", file.display()));
    let item = custody_history(&file, &dir.path().join("media")).await;
    let (ok, stdout, stderr) = verify(&file);
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("custody chains intact: 1 items, 3 events"),
        "{stdout}"
    );

    let altered = dir.path().join("altered.db");
    std::fs::copy(&file, &altered).unwrap();
    sqlite_exec(
        &altered,
        "DROP TRIGGER evidence_events_no_update; \
         UPDATE evidence_events SET place = '别处' WHERE seq = 2;",
    )
    .await;
    let (ok, stdout, stderr) = verify(&altered);
    assert!(!ok, "{stdout}");
    assert!(stdout.contains("audit log intact"), "{stdout}");
    assert!(stderr.contains("custody chains BROKEN"), "{stderr}");
    assert!(stderr.contains(&format!("item {item} event 2")), "{stderr}");

    let cut = dir.path().join("cut.db");
    std::fs::copy(&file, &cut).unwrap();
    sqlite_exec(
        &cut,
        "DROP TRIGGER evidence_events_no_delete; \
         DELETE FROM evidence_events WHERE seq = 3; \
         UPDATE evidence_items SET last_seq = 2, \
             last_digest = (SELECT digest FROM evidence_events WHERE seq = 2);",
    )
    .await;
    let (ok, _, stderr) = verify(&cut);
    assert!(!ok);
    assert!(stderr.contains(&format!("item {item} event 3")), "{stderr}");
    assert!(stderr.contains("deleted"), "{stderr}");
}
