//! Errors are said once, and a database that cannot be reached is reported at once with
//! its cause.

use crate::support::{err, jingwu};

#[test]
fn a_refused_connection_names_its_cause_and_address() {
    // Port 1 on the loopback: nothing listens there, so the connection is refused.
    let o = jingwu(&["migrate", "--database", "postgres://127.0.0.1:1/x"], None);
    assert_eq!(o.status.code(), Some(1));
    let text = err(&o);
    let lower = text.to_lowercase();
    assert!(lower.contains("connection refused"), "{text}");
    assert!(text.contains("127.0.0.1:1"), "{text}");
    assert!(!lower.contains("timed out"), "{text}");
    assert_eq!(lower.matches("connection refused").count(), 1, "{text}");
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn a_postgres_error_is_said_once() {
    let Some(admin_url) = std::env::var("JINGWU_TEST_PG_URL")
        .ok()
        .filter(|u| !u.is_empty())
    else {
        // SQLite-only run; `scripts/test` sets the variable for its PostgreSQL stage.
        return;
    };
    let base = admin_url.rsplit_once('/').unwrap().0;
    let name = format!("jingwu_absent_{}", jingwu_core::new_id().replace('-', ""));
    let o = jingwu(&["migrate", "--database", &format!("{base}/{name}")], None);
    assert_eq!(o.status.code(), Some(1));
    let text = err(&o);
    assert!(text.contains("does not exist"), "{text}");
    assert_eq!(text.matches("does not exist").count(), 1, "{text}");
}

#[test]
fn a_sqlite_error_is_said_once() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("not-a-database.db");
    std::fs::write(&file, vec![b'x'; 8192]).unwrap();
    let o = jingwu(
        &[
            "audit",
            "verify",
            "--database",
            &format!("sqlite://{}", file.display()),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let text = err(&o);
    assert!(text.contains("not a database"), "{text}");
    assert_eq!(text.matches("not a database").count(), 1, "{text}");
}
