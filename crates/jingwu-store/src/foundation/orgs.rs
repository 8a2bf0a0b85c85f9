//! The jurisdiction tree: city -> districts/counties -> stations, with materialized paths.

pub use jingwu_core::records::OrgUnit;

use sqlx::{Row, any::AnyRow};

use crate::Result;
use crate::WriteTx;
use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::code;
use crate::scope::like_prefix;

const COLUMNS: &str = "id, parent_id, kind, code, name_zh, name_en, path, created_at";

fn from_row(r: &AnyRow) -> Result<OrgUnit> {
    Ok(OrgUnit {
        id: r.try_get(0)?,
        parent_id: r.try_get(1)?,
        kind: code(r, 2)?,
        code: r.try_get(3)?,
        name_zh: r.try_get(4)?,
        name_en: r.try_get(5)?,
        path: r.try_get(6)?,
        created_at: r.try_get(7)?,
    })
}

pub async fn insert(db: &mut WriteTx, o: &OrgUnit) -> Result<()> {
    let conn = db.raw();
    sqlx::query(
        "INSERT INTO org_units (id, parent_id, kind, code, name_zh, name_en, path, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(&o.id)
    .bind(&o.parent_id)
    .bind(o.kind.as_str())
    .bind(&o.code)
    .bind(&o.name_zh)
    .bind(&o.name_en)
    .bind(&o.path)
    .bind(o.created_at)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(db: &mut impl Conn, id: &str) -> Result<Option<OrgUnit>> {
    let conn = db.raw();
    let sql = format!("SELECT {COLUMNS} FROM org_units WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn by_code(db: &mut impl Conn, code: &str) -> Result<Option<OrgUnit>> {
    let conn = db.raw();
    let sql = format!("SELECT {COLUMNS} FROM org_units WHERE code = $1");
    let row = sqlx::query(&sql).bind(code).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// The root (city) unit, if the tree has been created.
pub async fn root(db: &mut impl Conn) -> Result<Option<OrgUnit>> {
    let conn = db.raw();
    let sql =
        format!("SELECT {COLUMNS} FROM org_units WHERE parent_id IS NULL ORDER BY path LIMIT 1");
    let row = sqlx::query(&sql).fetch_optional(conn).await?;
    row.as_ref().map(from_row).transpose()
}

/// Every unit in the subtree at `path`, in path order (parents before children).
pub async fn subtree(db: &mut impl Conn, path: &str) -> Result<Vec<OrgUnit>> {
    let conn = db.raw();
    let sql = format!("SELECT {COLUMNS} FROM org_units WHERE path LIKE $1 ORDER BY path");
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}
