//! Reads for 110 statistics: one row per incident owned in a subtree over a period, with
//! everything `jingwu-command`'s statistics and compliance need.

pub use jingwu_command::records::StatsRow;

use sqlx::Row;

use crate::Result;
use crate::conn::Conn;
use crate::decode::{code, id};
use crate::scope::like_prefix;

/// Scene photos linked to the incident (`incident_media`, kind `photo`), for the compliance
/// rule's "at least one scene photo".
pub const SCENE_PHOTOS_SQL: &str =
    "(SELECT COUNT(*) FROM incident_media m WHERE m.incident_id = i.id AND m.kind = 'photo')";

/// Incidents owned under `path` and created in `[from, to)`, oldest first. Merged
/// duplicates are left out: they are the same event as the incident they were merged into.
pub async fn incident_rows(
    db: &mut impl Conn,
    path: &str,
    from: i64,
    to: i64,
) -> Result<Vec<StatsRow>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT i.id, i.org_id, i.category, i.subcategory, i.priority, i.status, i.created_at, \
         i.dispatched_at, i.acknowledged_at, i.en_route_at, i.on_scene_at, i.closed_at, \
         i.result_code, i.result_text, CAST({SCENE_PHOTOS_SQL} AS BIGINT) \
         FROM incidents i JOIN org_units o ON o.id = i.org_id \
         WHERE o.path LIKE $1 AND i.created_at >= $2 AND i.created_at < $3 \
         AND i.status <> 'merged' ORDER BY i.created_at, i.id"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(from)
        .bind(to)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(StatsRow {
                id: id(r, 0)?,
                org_id: id(r, 1)?,
                category: code(r, 2)?,
                subcategory: code(r, 3)?,
                priority: code(r, 4)?,
                status: code(r, 5)?,
                created_at: r.try_get(6)?,
                dispatched_at: r.try_get(7)?,
                acknowledged_at: r.try_get(8)?,
                en_route_at: r.try_get(9)?,
                on_scene_at: r.try_get(10)?,
                closed_at: r.try_get(11)?,
                result_code: r.try_get(12)?,
                result_text: r.try_get(13)?,
                scene_photos: r.try_get(14)?,
            })
        })
        .collect()
}
