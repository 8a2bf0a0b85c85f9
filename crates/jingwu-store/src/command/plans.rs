//! Response plans (预案). A plan row keeps its slots and agencies as JSON; `''` in
//! `subcategory` or `priority` stands for "every one" (see the migration).

pub use jingwu_command::plans::{Agency, PlanId, PlanSlot, PlanSpec, ResponsePlan};
use jingwu_command::taxonomy::{Priority, Subcategory};
use jingwu_core::TextEnum;

use sqlx::{Row, any::AnyRow};

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id};
use crate::scope::like_prefix;
use crate::{Result, StoreError, WriteTx};

const PLAN_COLUMNS: &str = "p.id, p.org_id, o.path, p.name, p.category, p.subcategory, \
    p.priority, p.slots, p.agencies, p.created_at, p.updated_at";
const PLAN_FROM: &str = "response_plans p JOIN org_units o ON o.id = p.org_id";

fn optional<T: TextEnum>(r: &AnyRow, i: usize) -> Result<Option<T>> {
    let s: String = r.try_get(i)?;
    if s.is_empty() {
        return Ok(None);
    }
    T::from_code(&s).map(Some).ok_or(StoreError::UnknownCode {
        what: T::KIND,
        value: s,
    })
}

fn json_of<T: serde::de::DeserializeOwned>(r: &AnyRow, i: usize, what: &'static str) -> Result<T> {
    let s: String = r.try_get(i)?;
    serde_json::from_str(&s).map_err(|_| StoreError::UnknownCode { what, value: s })
}

fn plan_from_row(r: &AnyRow) -> Result<ResponsePlan> {
    Ok(ResponsePlan {
        id: id(r, 0)?,
        org_id: id(r, 1)?,
        org_path: r.try_get(2)?,
        spec: PlanSpec {
            name: r.try_get(3)?,
            category: code(r, 4)?,
            subcategory: optional::<Subcategory>(r, 5)?,
            priority: optional::<Priority>(r, 6)?,
            slots: json_of(r, 7, "plan slots")?,
            agencies: json_of(r, 8, "plan agencies")?,
        },
        created_at: r.try_get(9)?,
        updated_at: r.try_get(10)?,
    })
}

fn key_of(s: &PlanSpec) -> (&'static str, &'static str, &'static str) {
    (
        s.category.as_str(),
        s.subcategory.map_or("", Subcategory::as_str),
        s.priority.map_or("", Priority::as_str),
    )
}

fn to_json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Sqlx(sqlx::Error::Encode(Box::new(e))))
}

pub async fn insert_plan(db: &mut WriteTx, p: &ResponsePlan) -> Result<()> {
    let conn = db.raw();
    let (category, subcategory, priority) = key_of(&p.spec);
    sqlx::query(
        "INSERT INTO response_plans (id, org_id, name, category, subcategory, priority, slots, \
         agencies, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(p.id.as_str())
    .bind(p.org_id.as_str())
    .bind(&p.spec.name)
    .bind(category)
    .bind(subcategory)
    .bind(priority)
    .bind(to_json(&p.spec.slots)?)
    .bind(to_json(&p.spec.agencies)?)
    .bind(p.created_at)
    .bind(p.updated_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Replaces what a plan says (its org unit stays).
pub async fn update_plan(db: &mut WriteTx, id: &PlanId, spec: &PlanSpec, at: i64) -> Result<()> {
    let conn = db.raw();
    let (category, subcategory, priority) = key_of(spec);
    sqlx::query(
        "UPDATE response_plans SET name = $1, category = $2, subcategory = $3, priority = $4, \
         slots = $5, agencies = $6, updated_at = $7 WHERE id = $8",
    )
    .bind(&spec.name)
    .bind(category)
    .bind(subcategory)
    .bind(priority)
    .bind(to_json(&spec.slots)?)
    .bind(to_json(&spec.agencies)?)
    .bind(at)
    .bind(id.as_str())
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn delete_plan(db: &mut WriteTx, id: &PlanId) -> Result<()> {
    let conn = db.raw();
    sqlx::query("DELETE FROM response_plans WHERE id = $1")
        .bind(id.as_str())
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn get_plan(db: &mut impl Conn, id: &PlanId) -> Result<Option<ResponsePlan>> {
    let conn = db.raw();
    let sql = format!("SELECT {PLAN_COLUMNS} FROM {PLAN_FROM} WHERE p.id = $1");
    let row = sqlx::query(&sql)
        .bind(id.as_str())
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(plan_from_row).transpose()
}

/// The plan of `org_id` for the incident type of `spec`, other than `except` (the plan being
/// edited): the one the unique key would collide with.
pub async fn plan_with_key(
    db: &mut impl Conn,
    org_id: &str,
    spec: &PlanSpec,
    except: Option<&PlanId>,
) -> Result<Option<PlanId>> {
    let conn = db.raw();
    let (category, subcategory, priority) = key_of(spec);
    let row = sqlx::query(
        "SELECT id FROM response_plans WHERE org_id = $1 AND category = $2 \
         AND subcategory = $3 AND priority = $4 AND id <> $5",
    )
    .bind(org_id)
    .bind(category)
    .bind(subcategory)
    .bind(priority)
    .bind(except.map_or("", PlanId::as_str))
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(|r| id(r, 0)).transpose()
}

/// Plans that apply at `path`: those of the org unit at `path` and of its ancestors.
pub async fn plans_applying_at(db: &mut impl Conn, path: &str) -> Result<Vec<ResponsePlan>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {PLAN_COLUMNS} FROM {PLAN_FROM} WHERE $1 LIKE o.path || '%' \
         ORDER BY o.path, p.category, p.subcategory, p.priority"
    );
    let rows = sqlx::query(&sql).bind(path).fetch_all(conn).await?;
    rows.iter().map(plan_from_row).collect()
}

/// Plans a caller at `path` may read: those that apply to it (its org unit's and its
/// ancestors') and those of its subtree.
pub async fn plans_visible_at(db: &mut impl Conn, path: &str) -> Result<Vec<ResponsePlan>> {
    let conn = db.raw();
    let sql = format!(
        "SELECT {PLAN_COLUMNS} FROM {PLAN_FROM} WHERE o.path LIKE $1 OR $2 LIKE o.path || '%' \
         ORDER BY o.path, p.category, p.subcategory, p.priority"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(path)
        .fetch_all(conn)
        .await?;
    rows.iter().map(plan_from_row).collect()
}
