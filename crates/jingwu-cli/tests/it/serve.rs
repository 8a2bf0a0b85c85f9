//! `serve` and `demo` at start-up: the port first, and logs fit for a file.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::support::{err, jingwu};

#[test]
fn an_address_in_use_fails_before_any_database_is_created() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let dir = tempfile::tempdir().unwrap();
    for cmd in ["serve", "demo"] {
        let db_dir = dir.path().join(cmd);
        let db = format!("sqlite://{}/fresh.db", db_dir.display());
        let o = jingwu(&[cmd, "--addr", &addr, "--database", &db], None);
        assert_eq!(o.status.code(), Some(1), "{cmd}: {}", err(&o));
        let text = err(&o);
        assert!(
            text.contains(&format!("cannot listen on {addr}")) && text.contains("in use"),
            "{cmd}: {text}"
        );
        assert!(
            !db_dir.exists(),
            "{cmd}: a database was created although the port was taken"
        );
    }
}

#[test]
fn logs_into_a_file_or_pipe_carry_no_colour_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}/logs.db", dir.path().display());
    let mut child = Command::new(env!("CARGO_BIN_EXE_jingwu"))
        .args(["serve", "--addr", "127.0.0.1:0", "--database", &db])
        .env("JINGWU_LOG", "info")
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the log until the server says it listens (or stops: then the read ends).
    let mut log = String::new();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    for line in lines.by_ref() {
        let line = line.unwrap();
        log.push_str(&line);
        log.push('\n');
        if line.contains("jingwu listening") {
            break;
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(log.contains("jingwu listening"), "{log}");
    assert!(
        !log.contains('\u{1b}'),
        "ANSI escape codes in the log: {log:?}"
    );
}
