//! AVL history as track segments (`jingwu_command::track`) and each unit's last known position
//! (telemetry: unaudited, see `TelemetryTx`).

pub use jingwu_command::records::Position;
use jingwu_command::track::{self, Segment, TrackFix};
use sqlx::Row;

use crate::conn::sealed::Raw as _;
use crate::{Backend, Conn, Result, Store, StoreError, TelemetryTx};

/// Rows per multi-row statement. sqlx resolves each SQLite parameter by name with a scan over
/// all of a statement's parameters, so binding costs grow with the square of the parameter
/// count: moderate chunks are several times faster than one huge statement (`jingwu bench avl`).
const ROWS_PER_STATEMENT: usize = 40;

/// Stores a batch of fixes (any units, any order) as one segment per unit, and moves each
/// unit's last known position to its newest fix when that is newer than the one it has.
pub async fn record_positions(db: &mut TelemetryTx, batch: &[Position]) -> Result<()> {
    append_segments(db, &track::segments(batch)).await?;
    update_last_positions(db, batch).await
}

async fn append_segments(db: &mut TelemetryTx, segments: &[Segment]) -> Result<()> {
    let conn = db.raw();
    for chunk in segments.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 5;
                format!(
                    "(${}, ${}, ${}, ${}, ${})",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4,
                    b + 5
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO unit_tracks (unit_id, first_at, last_at, fixes, data) VALUES {}",
            rows.join(",")
        );
        let mut q = sqlx::query(&sql);
        for s in chunk {
            q = q
                .bind(s.unit_id.as_str())
                .bind(s.first_at)
                .bind(s.last_at)
                .bind(s.fixes)
                .bind(s.data.clone());
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

async fn update_last_positions(db: &mut TelemetryTx, batch: &[Position]) -> Result<()> {
    let conn = db.raw();
    // Only each unit's newest fix in the batch can become its last-known position, so each
    // unit's row is written once (a batch carries many fixes per unit; PostgreSQL also refuses
    // to upsert one row twice in a statement).
    let mut newest: std::collections::HashMap<&str, &Position> = std::collections::HashMap::new();
    for p in batch {
        let e = newest.entry(p.unit_id.as_str()).or_insert(p);
        if p.at > e.at {
            *e = p;
        }
    }
    let mut latest: Vec<&Position> = newest.into_values().collect();
    // A fixed order keeps concurrent batches from locking rows in opposite orders.
    latest.sort_by(|a, b| a.unit_id.cmp(&b.unit_id));
    for chunk in latest.chunks(ROWS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 4;
                format!("(${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4)
            })
            .collect();
        let sql = format!(
            "INSERT INTO unit_last_positions (unit_id, lat, lon, position_at) VALUES {} \
             ON CONFLICT (unit_id) DO UPDATE \
             SET lat = excluded.lat, lon = excluded.lon, position_at = excluded.position_at \
             WHERE unit_last_positions.position_at < excluded.position_at",
            rows.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q
                .bind(p.unit_id.as_str())
                .bind(p.lat)
                .bind(p.lon)
                .bind(p.at);
        }
        q.execute(&mut *conn).await?;
    }
    Ok(())
}

/// A unit's fixes from `from` to `to` (µs, inclusive), in time order, one per instant.
pub async fn read_track(
    db: &mut impl Conn,
    unit_id: &str,
    from: i64,
    to: i64,
) -> Result<Vec<TrackFix>> {
    let rows = sqlx::query(
        "SELECT data FROM unit_tracks WHERE unit_id = $1 AND last_at >= $2 AND first_at <= $3 \
         ORDER BY id",
    )
    .bind(unit_id)
    .bind(from)
    .bind(to)
    .fetch_all(db.raw())
    .await?;
    let mut segments = Vec::with_capacity(rows.len());
    for row in rows {
        let data: Vec<u8> = row.try_get(0)?;
        segments.push(decode(&data)?);
    }
    let mut fixes = track::merge(segments);
    fixes.retain(|f| (from..=to).contains(&f.at));
    Ok(fixes)
}

/// Drops AVL history older than `before` (retention); returns the fixes removed. Segments
/// wholly older go; the few that straddle `before` are rewritten with their newer fixes.
pub async fn prune_positions(db: &mut TelemetryTx, before: i64) -> Result<u64> {
    let conn = db.raw();
    let whole: i64 = sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(fixes), 0) AS BIGINT) FROM unit_tracks WHERE last_at < $1",
    )
    .bind(before)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM unit_tracks WHERE last_at < $1")
        .bind(before)
        .execute(&mut *conn)
        .await?;
    let straddling = sqlx::query(
        "SELECT id, unit_id, data FROM unit_tracks WHERE first_at < $1 AND last_at >= $1",
    )
    .bind(before)
    .fetch_all(&mut *conn)
    .await?;
    let mut removed = whole;
    for row in straddling {
        let (id, unit_id, data): (i64, String, Vec<u8>) =
            (row.try_get(0)?, row.try_get(1)?, row.try_get(2)?);
        let mut fixes = decode(&data)?;
        let n = fixes.len();
        fixes.retain(|f| f.at >= before);
        removed += (n - fixes.len()) as i64;
        // Never empty: the segment's last fix is at or after `before`.
        if let Some(s) = track::segment(&unit_id.as_str().into(), &fixes) {
            sqlx::query(
                "UPDATE unit_tracks SET first_at = $1, fixes = $2, data = $3 WHERE id = $4",
            )
            .bind(s.first_at)
            .bind(s.fixes)
            .bind(s.data)
            .bind(id)
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(u64::try_from(removed).unwrap_or(0))
}

fn decode(data: &[u8]) -> Result<Vec<TrackFix>> {
    track::decode(data).map_err(|e| StoreError::UnknownCode {
        what: "track segment",
        value: e.to_string(),
    })
}

/// Databases made before track segments hold their AVL history one row per fix in
/// `unit_positions`. After migrating, those rows are folded into segments (a unit's fixes per
/// hour, so a long history does not become one huge row) and the table is dropped. Idempotent:
/// a database without the table has nothing to fold.
pub(crate) async fn fold_legacy_history(store: &Store) -> Result<()> {
    let exists = match store.backend() {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'unit_positions'"
        }
        Backend::Postgres => {
            "SELECT COUNT(*) FROM information_schema.tables \
             WHERE table_name = 'unit_positions' AND table_schema = current_schema()"
        }
    };
    let n: i64 = sqlx::query_scalar(exists).fetch_one(store.pool()).await?;
    if n == 0 {
        return Ok(());
    }
    let mut tx = store.telemetry().await?;
    let units: Vec<String> = sqlx::query_scalar("SELECT DISTINCT unit_id FROM unit_positions")
        .fetch_all(tx.raw())
        .await?;
    let (mut fixes, mut segments) = (0, 0);
    // A unit at a time, so memory holds one unit's history, not the whole table's.
    for unit_id in units {
        let rows = sqlx::query(
            "SELECT at, lat, lon, speed_kmh, heading FROM unit_positions WHERE unit_id = $1 ORDER BY at",
        )
        .bind(&unit_id)
        .fetch_all(tx.raw())
        .await?;
        let mut hours: Vec<Vec<TrackFix>> = Vec::new();
        for row in &rows {
            let f = TrackFix {
                at: row.try_get(0)?,
                lat: row.try_get(1)?,
                lon: row.try_get(2)?,
                speed_kmh: row.try_get(3)?,
                heading: row.try_get(4)?,
            };
            const HOUR_US: i64 = 3_600_000_000;
            match hours.last_mut() {
                Some(h) if h[0].at / HOUR_US == f.at / HOUR_US => h.push(f),
                _ => hours.push(vec![f]),
            }
        }
        let unit_id = unit_id.as_str().into();
        let folded: Vec<Segment> = hours
            .iter()
            .filter_map(|h| track::segment(&unit_id, h))
            .collect();
        append_segments(&mut tx, &folded).await?;
        fixes += rows.len();
        segments += folded.len();
    }
    sqlx::query("DROP TABLE unit_positions")
        .execute(tx.raw())
        .await?;
    tx.commit().await?;
    if fixes > 0 {
        tracing::info!(fixes, segments, "AVL history folded into track segments");
    }
    Ok(())
}
