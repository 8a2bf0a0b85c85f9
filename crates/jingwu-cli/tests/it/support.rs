use std::io::Write;
use std::process::{Command, Output, Stdio};

pub fn jingwu(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_jingwu"))
        .args(args)
        // Keep tests fast and independent of any jingwu.toml in the working directory.
        .env("JINGWU_ARGON2_MEMORY_KIB", "64")
        .env("JINGWU_ARGON2_ITERATIONS", "1")
        .current_dir(std::env::temp_dir())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

pub fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).to_string()
}

pub fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).to_string()
}

/// A small audited history made through the CLI: a city, a bureau, two stations, three users.
pub fn seed(db: &str) {
    let steps: [&[&str]; 4] = [
        &[
            "org",
            "add",
            "--database",
            db,
            "--kind",
            "city",
            "--code",
            "330200",
            "--name-zh",
            "宁波市公安局",
            "--name-en",
            "Ningbo",
        ],
        &[
            "org",
            "add",
            "--database",
            db,
            "--kind",
            "district",
            "--code",
            "330203",
            "--name-zh",
            "海曙分局",
            "--name-en",
            "Haishu",
            "--parent",
            "330200",
        ],
        &[
            "org",
            "add",
            "--database",
            db,
            "--kind",
            "station",
            "--code",
            "33020301",
            "--name-zh",
            "鼓楼派出所",
            "--name-en",
            "Gulou",
            "--parent",
            "330203",
        ],
        &[
            "org",
            "add",
            "--database",
            db,
            "--kind",
            "station",
            "--code",
            "33020302",
            "--name-zh",
            "月湖派出所",
            "--name-en",
            "Yuehu",
            "--parent",
            "330203",
        ],
    ];
    for args in steps {
        let o = jingwu(args, None);
        assert!(o.status.success(), "{args:?}: {}", err(&o));
    }
    for (name, org) in [
        ("wang.lei", "33020301"),
        ("li.na", "33020302"),
        ("zhou.tao", "330203"),
    ] {
        let o = jingwu(
            &[
                "user",
                "add",
                "--database",
                db,
                "--username",
                name,
                "--display-name",
                name,
                "--role",
                "officer",
                "--org",
                org,
            ],
            Some("a-long-password\n"),
        );
        assert!(o.status.success(), "{}", err(&o));
    }
}

/// A fresh PostgreSQL database for one test, when JINGWU_TEST_PG_URL is set; dropped after.
pub struct PgDb {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgDb {
    pub async fn create() -> Option<PgDb> {
        let admin_url = std::env::var("JINGWU_TEST_PG_URL")
            .ok()
            .filter(|u| !u.is_empty())?;
        let name = format!("jingwu_cli_{}", jingwu_core::new_id().replace('-', ""));
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&admin_url)
            .await
            .unwrap();
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let base = admin_url.rsplit_once('/').unwrap().0;
        Some(PgDb {
            url: format!("{base}/{name}"),
            admin_url,
            name,
        })
    }

    pub async fn drop_db(self) {
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&self.admin_url)
            .await
            .unwrap();
        sqlx::query(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut conn)
        .await
        .unwrap();
    }
}
