//! Storage of the command map's information layers (categories, layers, features) and of
//! coverage alerts.

pub use jingwu_command::records::{
    CoverageAlert, Feature, Layer, LayerCategory as Category, LayerKind, LayerRow,
};

use sqlx::{Row, any::AnyRow};

use crate::Result;
use crate::WriteTx;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::scope::like_prefix;

pub async fn insert_category(db: &mut WriteTx, c: &Category) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO layer_categories (id, code, name_zh, name_en, sort) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(c.id.as_str())
    .bind(&c.code)
    .bind(&c.name_zh)
    .bind(&c.name_en)
    .bind(c.sort)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn categories(db: &mut impl Conn) -> Result<Vec<Category>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT id, code, name_zh, name_en, sort FROM layer_categories ORDER BY sort, code",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Category {
                id: id(r, 0)?,
                code: r.try_get(1)?,
                name_zh: r.try_get(2)?,
                name_en: r.try_get(3)?,
                sort: r.try_get(4)?,
            })
        })
        .collect()
}

pub async fn category_by_code(db: &mut impl Conn, code: &str) -> Result<Option<Category>> {
    Ok(categories(db).await?.into_iter().find(|c| c.code == code))
}

pub async fn insert_layer(db: &mut WriteTx, l: &Layer) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO layers (id, category_id, code, name_zh, name_en, owner_org_id, kind, \
         read_roles, scoped, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(l.id.as_str())
    .bind(l.category_id.as_str())
    .bind(&l.code)
    .bind(&l.name_zh)
    .bind(&l.name_en)
    .bind(l.owner_org_id.as_str())
    .bind(l.kind.as_str())
    .bind(&l.read_roles)
    .bind(i64::from(l.scoped))
    .bind(l.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

const LAYER_SELECT: &str = "SELECT l.id, l.category_id, l.code, l.name_zh, l.name_en, \
    l.owner_org_id, l.kind, l.read_roles, l.scoped, l.created_at, o.path, \
    (SELECT COUNT(*) FROM layer_features f WHERE f.layer_id = l.id) \
    FROM layers l JOIN org_units o ON o.id = l.owner_org_id";

fn layer_from_row(r: &AnyRow) -> Result<LayerRow> {
    Ok(LayerRow {
        layer: Layer {
            id: id(r, 0)?,
            category_id: id(r, 1)?,
            code: r.try_get(2)?,
            name_zh: r.try_get(3)?,
            name_en: r.try_get(4)?,
            owner_org_id: id(r, 5)?,
            kind: code(r, 6)?,
            read_roles: r.try_get(7)?,
            scoped: r.try_get::<i64, _>(8)? != 0,
            created_at: r.try_get(9)?,
        },
        owner_path: r.try_get(10)?,
        features: r.try_get(11)?,
    })
}

pub async fn layers(db: &mut impl Conn) -> Result<Vec<LayerRow>> {
    let conn = db.raw();
    let sql = format!("{LAYER_SELECT} ORDER BY l.code");
    let rows = sqlx::query(&sql).fetch_all(conn).await?;
    rows.iter().map(layer_from_row).collect()
}

pub async fn get_layer(db: &mut impl Conn, id: &str) -> Result<Option<LayerRow>> {
    let conn = db.raw();
    let sql = format!("{LAYER_SELECT} WHERE l.id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(layer_from_row).transpose()
}

pub async fn layer_by_code(db: &mut impl Conn, code: &str) -> Result<Option<LayerRow>> {
    let conn = db.raw();
    let sql = format!("{LAYER_SELECT} WHERE l.code = $1");
    let row = sqlx::query(&sql).bind(code).fetch_optional(conn).await?;
    row.as_ref().map(layer_from_row).transpose()
}

pub async fn layer_code_taken(db: &mut impl Conn, code: &str) -> Result<bool> {
    let conn = db.raw();
    let row = sqlx::query("SELECT COUNT(*) FROM layers WHERE code = $1")
        .bind(code)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get::<i64, _>(0)? > 0)
}

/// Inserts or replaces a feature by (layer, external id). Returns whether it was new.
pub async fn upsert_feature(db: &mut WriteTx, f: &Feature) -> Result<bool> {
    let conn = db.raw();
    let existed =
        sqlx::query("SELECT COUNT(*) FROM layer_features WHERE layer_id = $1 AND external_id = $2")
            .bind(f.layer_id.as_str())
            .bind(&f.external_id)
            .fetch_one(&mut *conn)
            .await?
            .try_get::<i64, _>(0)?
            > 0;
    sqlx::query(
        "INSERT INTO layer_features (id, layer_id, org_id, external_id, geometry, properties, \
         min_lat, min_lon, max_lat, max_lon, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
         ON CONFLICT (layer_id, external_id) DO UPDATE SET org_id = excluded.org_id, \
         geometry = excluded.geometry, properties = excluded.properties, \
         min_lat = excluded.min_lat, min_lon = excluded.min_lon, max_lat = excluded.max_lat, \
         max_lon = excluded.max_lon, updated_at = excluded.updated_at",
    )
    .bind(f.id.as_str())
    .bind(f.layer_id.as_str())
    .bind(f.org_id.as_str())
    .bind(&f.external_id)
    .bind(&f.geometry)
    .bind(&f.properties)
    .bind(f.bbox.0)
    .bind(f.bbox.1)
    .bind(f.bbox.2)
    .bind(f.bbox.3)
    .bind(f.updated_at)
    .execute(conn)
    .await?;
    Ok(!existed)
}

fn feature_from_row(r: &AnyRow) -> Result<Feature> {
    Ok(Feature {
        id: id(r, 0)?,
        layer_id: id(r, 1)?,
        org_id: id(r, 2)?,
        external_id: r.try_get(3)?,
        geometry: r.try_get(4)?,
        properties: r.try_get(5)?,
        bbox: (r.try_get(6)?, r.try_get(7)?, r.try_get(8)?, r.try_get(9)?),
        updated_at: r.try_get(10)?,
    })
}

/// A feature by id with its owner org's path.
pub async fn get_feature(db: &mut impl Conn, id: &str) -> Result<Option<(Feature, String)>> {
    let conn = db.raw();
    let row = sqlx::query(
        "SELECT f.id, f.layer_id, f.org_id, f.external_id, f.geometry, f.properties, f.min_lat, \
         f.min_lon, f.max_lat, f.max_lon, f.updated_at, o.path FROM layer_features f \
         JOIN org_units o ON o.id = f.org_id WHERE f.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(|r| Ok((feature_from_row(&r)?, r.try_get(11)?)))
        .transpose()
}

/// The id of the feature with `external_id` in a layer, if any.
pub async fn feature_id_by_external(
    db: &mut impl Conn,
    layer_id: &str,
    external_id: &str,
) -> Result<Option<String>> {
    let conn = db.raw();
    let row = sqlx::query("SELECT id FROM layer_features WHERE layer_id = $1 AND external_id = $2")
        .bind(layer_id)
        .bind(external_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|r| r.try_get(0)).transpose()?)
}

/// Replaces a feature's fields by id (its layer, external id and owner may change).
pub async fn update_feature(db: &mut WriteTx, f: &Feature) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query(
        "UPDATE layer_features SET layer_id = $2, org_id = $3, external_id = $4, geometry = $5, \
         properties = $6, min_lat = $7, min_lon = $8, max_lat = $9, max_lon = $10, \
         updated_at = $11 WHERE id = $1",
    )
    .bind(f.id.as_str())
    .bind(f.layer_id.as_str())
    .bind(f.org_id.as_str())
    .bind(&f.external_id)
    .bind(&f.geometry)
    .bind(&f.properties)
    .bind(f.bbox.0)
    .bind(f.bbox.1)
    .bind(f.bbox.2)
    .bind(f.bbox.3)
    .bind(f.updated_at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Removes a feature (a retired camera or source: the audit log keeps what it was).
pub async fn delete_feature(db: &mut WriteTx, id: &str) -> Result<bool> {
    let conn = db.raw();
    let done = sqlx::query("DELETE FROM layer_features WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Features of a layer, optionally only those under `path` and intersecting a bounding box
/// (min_lat, min_lon, max_lat, max_lon), by external id.
pub async fn features(
    db: &mut impl Conn,
    layer_id: &str,
    path: Option<&str>,
    bbox: Option<(f64, f64, f64, f64)>,
) -> Result<Vec<Feature>> {
    let conn = db.raw();
    // Unused filters collapse to always-true conditions so one statement serves every case.
    let (lat0, lon0, lat1, lon1) = bbox.unwrap_or((-90.0, -180.0, 90.0, 180.0));
    let rows = sqlx::query(
        "SELECT f.id, f.layer_id, f.org_id, f.external_id, f.geometry, f.properties, f.min_lat, \
         f.min_lon, f.max_lat, f.max_lon, f.updated_at FROM layer_features f \
         JOIN org_units o ON o.id = f.org_id \
         WHERE f.layer_id = $1 AND o.path LIKE $2 AND f.max_lat >= $3 AND f.max_lon >= $4 \
         AND f.min_lat <= $5 AND f.min_lon <= $6 ORDER BY f.external_id",
    )
    .bind(layer_id)
    .bind(like_prefix(path.unwrap_or("/")))
    .bind(lat0)
    .bind(lon0)
    .bind(lat1)
    .bind(lon1)
    .fetch_all(conn)
    .await?;
    rows.iter().map(feature_from_row).collect()
}

pub async fn insert_alert(db: &mut WriteTx, a: &CoverageAlert) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO coverage_alerts (id, org_id, limit_secs, road_share, cell_share, target, \
         suggestion, raised_at, resolved_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(a.id.as_str())
    .bind(a.org_id.as_str())
    .bind(a.limit_secs)
    .bind(a.road_share)
    .bind(a.cell_share)
    .bind(a.target)
    .bind(&a.suggestion)
    .bind(a.raised_at)
    .bind(a.resolved_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn resolve_alerts(db: &mut WriteTx, org_id: &str, at: i64) -> Result<u64> {
    let conn = db.raw();
    let r = sqlx::query(
        "UPDATE coverage_alerts SET resolved_at = $1 WHERE org_id = $2 AND resolved_at IS NULL",
    )
    .bind(at)
    .bind(org_id)
    .execute(conn)
    .await?;
    Ok(r.rows_affected())
}

/// Alerts of org units under `path`, newest first; with their org's path.
pub async fn alerts_under(
    db: &mut impl Conn,
    path: &str,
    open_only: bool,
    limit: i64,
) -> Result<Vec<(CoverageAlert, String)>> {
    let conn = db.raw();
    let rows = sqlx::query(
        "SELECT a.id, a.org_id, a.limit_secs, a.road_share, a.cell_share, a.target, a.suggestion, \
         a.raised_at, a.resolved_at, o.path FROM coverage_alerts a \
         JOIN org_units o ON o.id = a.org_id \
         WHERE o.path LIKE $1 AND (a.resolved_at IS NULL OR $2 = 0) \
         ORDER BY a.raised_at DESC, a.id DESC LIMIT $3",
    )
    .bind(like_prefix(path))
    .bind(i64::from(open_only))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                CoverageAlert {
                    id: id(r, 0)?,
                    org_id: id(r, 1)?,
                    limit_secs: r.try_get(2)?,
                    road_share: r.try_get(3)?,
                    cell_share: r.try_get(4)?,
                    target: r.try_get(5)?,
                    suggestion: r.try_get(6)?,
                    raised_at: r.try_get(7)?,
                    resolved_at: r.try_get(8)?,
                },
                r.try_get(9)?,
            ))
        })
        .collect()
}
