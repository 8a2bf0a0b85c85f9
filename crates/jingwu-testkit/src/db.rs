//! The one place the testkit touches `jingwu-store` directly: creating a fresh database and
//! the few raw reads and writes tests need (audit head, tamper attempts, row counts, media
//! state behind the API). Everything else goes through the app's public use cases.

use jingwu_store::{Store, StoreOptions};
use sqlx::Row;

/// A fresh, migrated database for one test: SQLite in a temp dir, or a fresh schema on the
/// PostgreSQL server named by `JINGWU_TEST_PG_URL`.
pub(crate) struct Db {
    pub(crate) store: Store,
    /// A raw pool on the same database: the store keeps its own to itself.
    raw: sqlx::AnyPool,
    /// Keeps the SQLite file alive as long as the test.
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    pub(crate) async fn fresh() -> Db {
        match std::env::var("JINGWU_TEST_PG_URL") {
            Ok(url) if !url.is_empty() => {
                let schema = format!("t_{}", jingwu_core::new_id().replace('-', ""));
                let search_path = format!("SET search_path TO {schema}");
                let opts = StoreOptions {
                    pg_schema: Some(schema),
                    max_connections: 8,
                    ..Default::default()
                };
                let store = Store::connect(&url, &opts)
                    .await
                    .expect("connect to PostgreSQL (JINGWU_TEST_PG_URL)");
                store.migrate().await.expect("migrate PostgreSQL");
                let raw = sqlx::any::AnyPoolOptions::new()
                    .max_connections(2)
                    .after_connect(move |c, _| {
                        let sql = search_path.clone();
                        Box::pin(async move {
                            sqlx::Executor::execute(c, sql.as_str()).await?;
                            Ok(())
                        })
                    })
                    .connect(&url)
                    .await
                    .expect("raw connection to PostgreSQL");
                Db {
                    store,
                    raw,
                    _dir: None,
                }
            }
            _ => {
                let dir = tempfile::tempdir().expect("temp dir");
                let url = format!("sqlite://{}/test.db", dir.path().display());
                let store = Store::connect(&url, &StoreOptions::default())
                    .await
                    .expect("open SQLite");
                store.migrate().await.expect("migrate SQLite");
                let raw = sqlx::any::AnyPoolOptions::new()
                    .max_connections(2)
                    .connect(&url)
                    .await
                    .expect("raw connection to SQLite");
                Db {
                    store,
                    raw,
                    _dir: Some(dir),
                }
            }
        }
    }
}

impl crate::TestApp {
    /// (sequence, hash) of the audit chain's head, once everything committed is sequenced:
    /// unchanged means nothing was written.
    pub async fn audit_head(&self) -> (i64, String) {
        self.app
            .kernel()
            .sync_audit()
            .await
            .expect("sequence the audit log");
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(&self.db.raw)
            .await
            .expect("read the audit head");
        (row.get(0), row.get(1))
    }

    /// Recomputes the whole audit chain.
    pub async fn verify_audit(&self) -> jingwu_app::Verification {
        self.app
            .kernel()
            .sync_audit()
            .await
            .expect("sequence the audit log");
        self.db
            .store
            .verify_audit()
            .await
            .expect("read the audit log")
    }

    /// Whether the audit chain verifies intact.
    pub async fn audit_intact(&self) -> bool {
        matches!(
            self.verify_audit().await,
            jingwu_app::Verification::Intact { .. }
        )
    }

    /// Runs one raw SQL statement behind the application's back (tamper tests); returns the
    /// rows affected, or the database's error message.
    pub async fn sql_execute(&self, sql: &str) -> Result<u64, String> {
        sqlx::query(sql)
            .execute(&self.db.raw)
            .await
            .map(|r| r.rows_affected())
            .map_err(|e| e.to_string())
    }

    /// `SELECT COUNT(*) ...` with text parameters `$1`, `$2`, ...
    pub async fn sql_count(&self, sql: &str, args: &[&str]) -> i64 {
        let mut q = sqlx::query(sql);
        for a in args {
            q = q.bind(a.to_string());
        }
        let row = q
            .fetch_one(&self.db.raw)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        row.get(0)
    }

    /// Photos linked to an incident, as the compliance rule counts them.
    pub async fn count_photos(&self, incident_id: &str) -> i64 {
        self.sql_count(
            "SELECT COUNT(*) FROM incident_media WHERE incident_id = $1 AND kind = 'photo'",
            &[incident_id],
        )
        .await
    }

    /// Records upload progress as a chunk write would, without its bytes (what a crash right
    /// after recording the last chunk leaves behind).
    pub async fn advance_upload(&self, upload_id: &str, from: i64, to: i64) -> bool {
        sqlx::query(
            "UPDATE media_uploads SET received_bytes = $1 \
             WHERE id = $2 AND received_bytes = $3 AND status = 'open'",
        )
        .bind(to)
        .bind(upload_id)
        .bind(from)
        .execute(&self.db.raw)
        .await
        .expect("advance upload")
        .rows_affected()
            == 1
    }

    /// The content-addressed media store of this app.
    pub fn blobs(&self) -> jingwu_store::uploads::blobs::BlobStore {
        jingwu_store::uploads::blobs::BlobStore::new(self.media.path())
    }
}

/// A lock on the AVL history held from outside the application (see
/// [`crate::TestApp::hold_track_lock`]); [`TrackLock::release`] lets the writer go on.
pub struct TrackLock(sqlx::Transaction<'static, sqlx::Any>);

impl TrackLock {
    pub async fn release(self) {
        self.0.rollback().await.expect("release the track lock");
    }
}

impl crate::TestApp {
    /// Makes the position writer wait, as a long checkpoint or a slow disk would: on SQLite
    /// the database's writer lock, on PostgreSQL an exclusive lock on the track table. Keep it
    /// well under the store's 10 s busy timeout.
    pub async fn hold_track_lock(&self) -> TrackLock {
        let tx = match self.db.store.backend() {
            jingwu_store::Backend::Sqlite => self.db.raw.begin_with("BEGIN IMMEDIATE").await,
            jingwu_store::Backend::Postgres => self.db.raw.begin().await,
        };
        let mut tx = tx.expect("begin the track lock");
        if self.db.store.backend() == jingwu_store::Backend::Postgres {
            sqlx::query("LOCK TABLE unit_tracks IN EXCLUSIVE MODE")
                .execute(&mut *tx)
                .await
                .expect("lock unit_tracks");
        }
        TrackLock(tx)
    }

    /// Fixes stored for `unit_id` (every segment's count, replays included).
    pub async fn stored_fixes(&self, unit_id: &str) -> i64 {
        self.sql_count(
            "SELECT COALESCE(SUM(fixes), 0) FROM unit_tracks WHERE unit_id = $1",
            &[unit_id],
        )
        .await
    }
}
