//! The SQLite and PostgreSQL schemas must stay column-for-column identical: the same tables,
//! the same columns in the same order, the same indexes and triggers. Checked from the
//! migration files always, and against a live PostgreSQL when JINGWU_TEST_PG_URL is set.

use std::collections::BTreeMap;
use std::path::Path;

use jingwu_store::{Store, StoreOptions};
use sqlx::Row;

/// table -> column names, from the CREATE TABLE statements of a migration directory.
fn tables_in(dir: &Path) -> BTreeMap<String, Vec<String>> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    let mut tables = BTreeMap::new();
    for f in files {
        let sql = std::fs::read_to_string(&f).unwrap();
        let sql: String = sql
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        for chunk in sql.split("CREATE TABLE ").skip(1) {
            let (name, rest) = chunk.split_once('(').unwrap();
            let body = balanced(rest);
            let cols: Vec<String> = split_top_level(body)
                .into_iter()
                .map(|c| c.split_whitespace().next().unwrap_or("").to_string())
                .filter(|c| {
                    !["PRIMARY", "UNIQUE", "CHECK", "FOREIGN", "CONSTRAINT"].contains(&c.as_str())
                })
                .collect();
            tables.insert(name.trim().to_string(), cols);
        }
        // Columns added later keep the order they were added in; dropped ones leave. A table rebuilt under a new
        // name (SQLite cannot change a primary key in place) replaces the one it is renamed to.
        for chunk in sql.split("ALTER TABLE ").skip(1) {
            let words: Vec<&str> = chunk.split_whitespace().take(4).collect();
            match words[..] {
                [table, "ADD", "COLUMN", column] => tables
                    .get_mut(table)
                    .unwrap_or_else(|| panic!("ALTER TABLE {table} before it is created"))
                    .push(column.to_string()),
                [table, "DROP", "COLUMN", column] => {
                    let column = column.trim_end_matches(';');
                    let cols = tables
                        .get_mut(table)
                        .unwrap_or_else(|| panic!("ALTER TABLE {table} before it is created"));
                    let before = cols.len();
                    cols.retain(|c| c != column);
                    assert_eq!(cols.len() + 1, before, "{table} has no column {column}");
                }
                [table, "RENAME", "TO", new] => {
                    let cols = tables
                        .remove(table)
                        .unwrap_or_else(|| panic!("ALTER TABLE {table} before it is created"));
                    tables.insert(new.trim_end_matches(';').to_string(), cols);
                }
                _ => {}
            }
        }
    }
    tables
}

fn objects_in(dir: &Path, kind: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let sql = std::fs::read_to_string(e.unwrap().path()).unwrap();
        for chunk in sql.split(&format!("CREATE {kind} ")).skip(1) {
            out.push(chunk.split_whitespace().next().unwrap().to_string());
        }
    }
    // An index created again after its table was rebuilt is still one index.
    out.sort();
    out.dedup();
    out
}

/// The text up to the parenthesis that closes the one already opened.
fn balanced(s: &str) -> &str {
    let mut depth = 1;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return &s[..i];
                }
            }
            _ => {}
        }
    }
    panic!("unbalanced CREATE TABLE");
}

fn split_top_level(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(s[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(s[start..].trim());
    parts
}

fn migrations(backend: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend)
}

#[test]
fn migration_files_pair_up() {
    let names = |b: &str| -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(migrations(b))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(names("sqlite"), names("postgres"));
}

#[test]
fn both_schemas_declare_the_same_tables_and_columns() {
    let sqlite = tables_in(&migrations("sqlite"));
    let postgres = tables_in(&migrations("postgres"));
    assert!(
        sqlite.contains_key("audit_log") && sqlite["users"].contains(&"password_hash".to_string())
    );
    assert_eq!(sqlite, postgres);
    assert_eq!(
        objects_in(&migrations("sqlite"), "INDEX"),
        objects_in(&migrations("postgres"), "INDEX")
    );
    let sqlite_triggers = objects_in(&migrations("sqlite"), "TRIGGER");
    let pg_triggers = objects_in(&migrations("postgres"), "TRIGGER");
    for t in &sqlite_triggers {
        assert!(pg_triggers.contains(t), "trigger {t} exists only on SQLite");
    }
}

#[tokio::test]
async fn the_live_schemas_match() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/p.db", dir.path().display());
    let sqlite = Store::connect(&url, &StoreOptions::default())
        .await
        .unwrap();
    sqlite.migrate().await.unwrap();
    // The store keeps its pool to itself; the schema is read over a connection of our own.
    let sqlite_raw = sqlx::AnyPool::connect(&url).await.unwrap();
    let mut live_sqlite: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let tables = sqlx::query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'")
        .fetch_all(&sqlite_raw)
        .await
        .unwrap();
    for t in tables {
        let name: String = t.get(0);
        let cols = sqlx::query(&format!(
            "SELECT name FROM pragma_table_info('{name}') ORDER BY cid"
        ))
        .fetch_all(&sqlite_raw)
        .await
        .unwrap();
        live_sqlite.insert(name, cols.iter().map(|c| c.get::<String, _>(0)).collect());
    }
    let mut declared = tables_in(&migrations("sqlite"));
    // Migrating folds this table's rows into `unit_tracks` in code, then drops it
    // (`command::positions::fold_legacy_history`): no SQL file can do the folding.
    assert!(declared.remove("unit_positions").is_some());
    assert_eq!(live_sqlite, declared);

    let Ok(pg_url) = std::env::var("JINGWU_TEST_PG_URL") else {
        eprintln!("JINGWU_TEST_PG_URL not set: the PostgreSQL half of this test runs in CI");
        return;
    };
    let schema = format!("parity_{}", unique_suffix());
    let opts = StoreOptions {
        pg_schema: Some(schema.clone()),
        ..StoreOptions::default()
    };
    let pg = Store::connect(&pg_url, &opts).await.unwrap();
    pg.migrate().await.unwrap();
    let pg_raw = sqlx::AnyPool::connect(&pg_url).await.unwrap();
    let rows = sqlx::query(
        "SELECT table_name::text, column_name::text FROM information_schema.columns \
         WHERE table_schema = $1 AND table_name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY table_name, ordinal_position",
    )
    .bind(&schema)
    .fetch_all(&pg_raw)
    .await
    .unwrap();
    let mut live_pg: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows {
        live_pg
            .entry(r.get::<String, _>(0))
            .or_default()
            .push(r.get(1));
    }
    assert_eq!(live_pg, live_sqlite);
    sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
        .execute(&pg_raw)
        .await
        .unwrap();
}

// A name that differs between runs, not an instant anyone reads.
#[allow(clippy::disallowed_methods)]
fn unique_suffix() -> String {
    format!(
        "{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    )
}
