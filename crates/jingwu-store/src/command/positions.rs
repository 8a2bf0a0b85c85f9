//! AVL history and each unit's last known position (telemetry: unaudited, see `TelemetryTx`).

pub use jingwu_command::records::Position;

use crate::conn::sealed::Raw as _;
use crate::{Result, TelemetryTx};

/// Rows per multi-row statement when recording positions (see `record_positions`).
const POSITION_ROWS_PER_STATEMENT: usize = 40;

/// Latest known position of each unit (from AVL), written in batches.
pub async fn record_positions(db: &mut TelemetryTx, batch: &[Position]) -> Result<()> {
    let conn = db.raw();
    // sqlx resolves each SQLite parameter by name with a scan over all of a statement's
    // parameters, so binding costs grow with the square of the parameter count: moderate
    // chunks are several times faster than one huge statement (measured with `jingwu bench avl`).
    for chunk in batch.chunks(POSITION_ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO unit_positions (unit_id, at, lat, lon, speed_kmh, heading) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 6;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5,
                b + 6
            ));
        }
        sql.push_str(" ON CONFLICT (unit_id, at) DO NOTHING");
        let mut q = sqlx::query(&sql);
        for p in chunk {
            q = q
                .bind(p.unit_id.as_str())
                .bind(p.at)
                .bind(p.lat)
                .bind(p.lon)
                .bind(p.speed_kmh)
                .bind(p.heading);
        }
        q.execute(&mut *conn).await?;
    }
    // Only each unit's newest fix in the batch can become its last-known position, so the
    // units are updated once each (a batch from an AVL gateway carries many fixes per unit).
    let mut newest: std::collections::HashMap<&str, &Position> = std::collections::HashMap::new();
    for p in batch {
        let e = newest.entry(p.unit_id.as_str()).or_insert(p);
        if p.at > e.at {
            *e = p;
        }
    }
    let mut latest: Vec<&Position> = newest.into_values().collect();
    // A fixed order keeps concurrent batches from locking units in opposite orders.
    latest.sort_by(|a, b| a.unit_id.cmp(&b.unit_id));
    // VALUES columns are `column1..4` on both backends; the casts give PostgreSQL the
    // parameter types.
    for chunk in latest.chunks(POSITION_ROWS_PER_STATEMENT) {
        let rows: Vec<String> = (0..chunk.len())
            .map(|i| {
                let b = i * 4;
                format!(
                    "(CAST(${} AS TEXT), CAST(${} AS DOUBLE PRECISION), CAST(${} AS DOUBLE PRECISION), CAST(${} AS BIGINT))",
                    b + 1,
                    b + 2,
                    b + 3,
                    b + 4
                )
            })
            .collect();
        let sql = format!(
            "UPDATE units SET lat = v.column2, lon = v.column3, position_at = v.column4 \
             FROM (VALUES {}) AS v \
             WHERE units.id = v.column1 AND (units.position_at IS NULL OR units.position_at < v.column4)",
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

/// Drops AVL history older than `before` (retention); returns rows removed.
pub async fn prune_positions(db: &mut TelemetryTx, before: i64) -> Result<u64> {
    let conn = db.raw();
    let done = sqlx::query("DELETE FROM unit_positions WHERE at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
