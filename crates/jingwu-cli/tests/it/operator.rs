//! Operator commands and their errors: what was wrong and where, non-zero exit, no panic.

use crate::support::{err, jingwu, out, seed};

#[test]
fn help_lists_every_subcommand() {
    let o = jingwu(&["--help"], None);
    assert!(o.status.success());
    let help = out(&o);
    for cmd in [
        "serve", "demo", "migrate", "user", "org", "audit", "graph", "route", "coverage", "bench",
    ] {
        assert!(help.contains(cmd), "--help lacks {cmd}:\n{help}");
    }
}

#[test]
fn users_are_added_and_revoked_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/ops.db", dir.path().display());
    seed(&db);
    let o = jingwu(
        &["user", "revoke", "--database", &db, "wang.lei", "--disable"],
        None,
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("account disabled"));

    let o = jingwu(
        &[
            "user",
            "add",
            "--database",
            &db,
            "--username",
            "wang.lei",
            "--display-name",
            "x",
            "--role",
            "officer",
            "--org",
            "33020301",
        ],
        Some("a-long-password"),
    );
    assert!(!o.status.success());
    assert!(err(&o).contains("already taken"), "{}", err(&o));

    let o = jingwu(
        &[
            "user",
            "add",
            "--database",
            &db,
            "--username",
            "x.y",
            "--display-name",
            "x",
            "--role",
            "sheriff",
            "--org",
            "33020301",
        ],
        Some("a-long-password"),
    );
    assert!(!o.status.success());
    assert!(
        err(&o).contains("--role: unknown role \"sheriff\""),
        "{}",
        err(&o)
    );

    let o = jingwu(
        &[
            "user",
            "add",
            "--database",
            &db,
            "--username",
            "x.y",
            "--display-name",
            "x",
            "--role",
            "officer",
            "--org",
            "99",
        ],
        Some("a-long-password"),
    );
    assert!(err(&o).contains("--org: no org unit \"99\""), "{}", err(&o));

    let o = jingwu(&["user", "revoke", "--database", &db, "nobody"], None);
    assert!(!o.status.success());
    assert!(err(&o).contains("user not found"), "{}", err(&o));
}

#[test]
fn bad_invocations_say_what_and_where() {
    let o = jingwu(
        &["audit", "verify", "--database", "mysql://localhost/x"],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("mysql://localhost/x") && err(&o).contains("not supported"),
        "{}",
        err(&o)
    );

    let o = jingwu(
        &[
            "serve",
            "--addr",
            "nowhere",
            "--database",
            "sqlite:///nonexistent-dir-jingwu/x.db",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err(&o).contains("--addr \"nowhere\" is not HOST:PORT"),
        "{}",
        err(&o)
    );

    let o = jingwu(&["serve", "--bogus"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--bogus"), "{}", err(&o));
    assert_eq!(err(&o).lines().count(), 1, "one line: {}", err(&o));
    let o = jingwu(
        &[
            "route",
            "reach",
            "--synthetic",
            "1000",
            "--from",
            "29.87,121.55",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--max-seconds"), "{}", err(&o));
    assert_eq!(err(&o).lines().count(), 1, "one line: {}", err(&o));

    let o = jingwu(&["--config", "/nonexistent/jingwu.toml", "migrate"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("/nonexistent/jingwu.toml"), "{}", err(&o));

    for o in [
        jingwu(
            &[
                "audit",
                "verify",
                "--database",
                "sqlite:///nonexistent-dir-jingwu/x.db",
            ],
            None,
        ),
        jingwu(
            &[
                "org",
                "add",
                "--database",
                "sqlite:///tmp/jingwu-cli-empty-test.db",
                "--kind",
                "station",
                "--code",
                "1",
                "--name-zh",
                "x",
                "--name-en",
                "x",
                "--parent",
                "2",
            ],
            None,
        ),
    ] {
        assert!(!o.status.success());
        assert!(!err(&o).contains("panicked"), "{}", err(&o));
        assert!(err(&o).starts_with("error: "), "{}", err(&o));
    }
}
