//! Inventories: the session, the items it expects (fixed when it starts: one `INSERT … SELECT`
//! for a full or high-risk count, batches for a sample), the scans (one row per barcode, a
//! rescan replaces the first), and the findings stored when it closes. Closing is a conditional
//! update, so a count closes once.

use jingwu_cases::evidence::{Category, ItemState};
use jingwu_cases::ids::ItemId;
use jingwu_cases::inventory::{Discrepancy, Expected, Inventory, Known, Scan, Scope};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::{code, id, opt_id};
use crate::scope::like_prefix;
use crate::{Result, WriteTx};

const COLUMNS: &str = "v.id, v.org_id, v.location_id, v.scope, v.seed, v.auditor_id, \
     v.started_at, v.closed_at, v.expected, v.found, v.discrepancies, o.path";

fn decode(r: &AnyRow) -> Result<(Inventory, String)> {
    Ok((
        Inventory {
            id: id(r, 0)?,
            org_id: id(r, 1)?,
            location_id: opt_id(r, 2)?,
            scope: code(r, 3)?,
            seed: r.try_get(4)?,
            auditor_id: id(r, 5)?,
            started_at: r.try_get(6)?,
            closed_at: r.try_get(7)?,
            expected: r.try_get(8)?,
            found: r.try_get(9)?,
            discrepancies: r.try_get(10)?,
        },
        r.try_get(11)?,
    ))
}

/// The SQL condition on `i` (items) and `so` (their store) an inventory's scope selects:
/// items in store under the store's path, at the location when given, high-risk ones only for
/// that scope. Parameters `$n` (path pattern), `$n+1`/`$n+2` (location or ''), from `n = first`.
fn scope_filter(scope: Scope, first: usize) -> String {
    let high: Vec<String> = Category::ALL
        .iter()
        .filter(|c| c.high_risk())
        .map(|c| format!("'{}'", c.as_str()))
        .collect();
    let (a, b, c) = (first, first + 1, first + 2);
    let mut sql = format!(
        "so.path LIKE ${a} AND i.state = 'in_store' AND i.kind = 'physical' \
         AND (${b} = '' OR i.location_id = ${c})"
    );
    if scope == Scope::HighRisk {
        sql.push_str(&format!(" AND i.category IN ({})", high.join(", ")));
    }
    sql
}

/// The ids of the items an inventory of `scope` under `store_path` (at `location_id`) would
/// count, sorted (the population a sample is drawn from).
pub async fn population(
    db: &mut impl Conn,
    scope: Scope,
    store_path: &str,
    location_id: Option<&str>,
) -> Result<Vec<ItemId>> {
    let sql = format!(
        "SELECT i.id FROM evidence_items i JOIN org_units so ON so.id = i.org_id WHERE {} \
         ORDER BY i.id",
        scope_filter(scope, 1)
    );
    let loc = location_id.unwrap_or("");
    let rows = sqlx::query(&sql)
        .bind(like_prefix(store_path))
        .bind(loc)
        .bind(loc)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(|r| id(r, 0)).collect()
}

pub async fn insert_inventory(db: &mut WriteTx, v: &Inventory) -> Result<()> {
    sqlx::query(
        "INSERT INTO evidence_inventories (id, org_id, location_id, scope, seed, auditor_id, \
         started_at, closed_at, expected, found, discrepancies) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, NULL, NULL)",
    )
    .bind(v.id.as_str())
    .bind(v.org_id.as_str())
    .bind(v.location_id.as_ref().map(|l| l.as_str().to_owned()))
    .bind(v.scope.as_str())
    .bind(v.seed)
    .bind(v.auditor_id.as_str())
    .bind(v.started_at)
    .bind(v.expected)
    .execute(db.raw())
    .await?;
    Ok(())
}

/// Fixes every item of a full or high-risk count as expected, in one statement; returns how
/// many.
pub async fn snapshot_scope(
    db: &mut WriteTx,
    inventory_id: &str,
    scope: Scope,
    store_path: &str,
    location_id: Option<&str>,
) -> Result<i64> {
    let sql = format!(
        "INSERT INTO evidence_inventory_expected (inventory_id, item_id, location_id) \
         SELECT $1, i.id, i.location_id FROM evidence_items i \
         JOIN org_units so ON so.id = i.org_id WHERE {}",
        scope_filter(scope, 2)
    );
    let loc = location_id.unwrap_or("");
    let r = sqlx::query(&sql)
        .bind(inventory_id)
        .bind(like_prefix(store_path))
        .bind(loc)
        .bind(loc)
        .execute(db.raw())
        .await?;
    Ok(i64::try_from(r.rows_affected()).unwrap_or(i64::MAX))
}

/// Fixes the sampled items as expected (with their current locations), in batches.
pub async fn snapshot_items(db: &mut WriteTx, inventory_id: &str, items: &[ItemId]) -> Result<i64> {
    let mut n = 0;
    for chunk in items.chunks(400) {
        let params: Vec<String> = (2..chunk.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "INSERT INTO evidence_inventory_expected (inventory_id, item_id, location_id) \
             SELECT $1, i.id, i.location_id FROM evidence_items i WHERE i.id IN ({})",
            params.join(", ")
        );
        let mut q = sqlx::query(&sql).bind(inventory_id);
        for i in chunk {
            q = q.bind(i.as_str());
        }
        n += q.execute(db.raw()).await?.rows_affected();
    }
    Ok(i64::try_from(n).unwrap_or(i64::MAX))
}

/// What the count expects, with each item's barcode and recorded location.
pub async fn expected_of(db: &mut impl Conn, inventory_id: &str) -> Result<Vec<Expected>> {
    let rows = sqlx::query(
        "SELECT x.item_id, i.barcode, x.location_id FROM evidence_inventory_expected x \
         JOIN evidence_items i ON i.id = x.item_id WHERE x.inventory_id = $1",
    )
    .bind(inventory_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Expected {
                item_id: id(r, 0)?,
                barcode: r.try_get(1)?,
                location_id: r.try_get(2)?,
            })
        })
        .collect()
}

/// Records scans (a rescan of a barcode replaces the earlier one), several rows a statement.
/// `scans` must not repeat a barcode (PostgreSQL refuses to update one row twice in one
/// statement).
pub async fn put_scans(
    db: &mut WriteTx,
    inventory_id: &str,
    scans: &[Scan],
    by: &str,
    at: i64,
) -> Result<()> {
    for chunk in scans.chunks(150) {
        let mut sql = String::from(
            "INSERT INTO evidence_inventory_scans (inventory_id, barcode, location_id, \
             seal_intact, scanned_by, scanned_at) VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let n = 6 * i;
            let p: Vec<String> = (1..=6).map(|k| format!("${}", n + k)).collect();
            sql.push('(');
            sql.push_str(&p.join(", "));
            sql.push(')');
        }
        sql.push_str(
            " ON CONFLICT (inventory_id, barcode) DO UPDATE SET location_id = excluded.location_id, \
             seal_intact = excluded.seal_intact, scanned_by = excluded.scanned_by, \
             scanned_at = excluded.scanned_at",
        );
        let mut q = sqlx::query(&sql);
        for s in chunk {
            q = q
                .bind(inventory_id)
                .bind(&s.barcode)
                .bind(s.location_id.clone())
                .bind(i32::from(s.seal_intact))
                .bind(by)
                .bind(at);
        }
        q.execute(db.raw()).await?;
    }
    Ok(())
}

/// The count's scans so far.
pub async fn scans_of(db: &mut impl Conn, inventory_id: &str) -> Result<Vec<Scan>> {
    let rows = sqlx::query(
        "SELECT barcode, location_id, seal_intact FROM evidence_inventory_scans \
         WHERE inventory_id = $1 ORDER BY scanned_at, barcode",
    )
    .bind(inventory_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Scan {
                barcode: r.try_get(0)?,
                location_id: r.try_get(1)?,
                seal_intact: r.try_get::<i32, _>(2)? != 0,
            })
        })
        .collect()
}

/// How many barcodes the count has scanned.
pub async fn scan_count(db: &mut impl Conn, inventory_id: &str) -> Result<i64> {
    let row = sqlx::query("SELECT COUNT(*) FROM evidence_inventory_scans WHERE inventory_id = $1")
        .bind(inventory_id)
        .fetch_one(db.raw())
        .await?;
    Ok(row.try_get(0)?)
}

/// What the store knows of the scanned barcodes the count did not expect: (barcode, what).
pub async fn unexpected_known(
    db: &mut impl Conn,
    inventory_id: &str,
    store_path: &str,
) -> Result<Vec<(String, Known)>> {
    let rows = sqlx::query(
        "SELECT s.barcode, i.id, i.state, so.path FROM evidence_inventory_scans s \
         JOIN evidence_items i ON i.barcode = s.barcode JOIN org_units so ON so.id = i.org_id \
         WHERE s.inventory_id = $1 AND NOT EXISTS (SELECT 1 FROM evidence_inventory_expected x \
         WHERE x.inventory_id = $2 AND x.item_id = i.id)",
    )
    .bind(inventory_id)
    .bind(inventory_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            let path: String = r.try_get(3)?;
            let state: ItemState = code(r, 2)?;
            Ok((
                r.try_get(0)?,
                Known {
                    item_id: id(r, 1)?,
                    state,
                    same_store: path.starts_with(store_path),
                },
            ))
        })
        .collect()
}

/// Closes the count with its tallies; false when it was closed already.
pub async fn close_inventory(
    db: &mut WriteTx,
    inventory_id: &str,
    at: i64,
    found: i64,
    discrepancies: i64,
) -> Result<bool> {
    let r = sqlx::query(
        "UPDATE evidence_inventories SET closed_at = $1, found = $2, discrepancies = $3 \
         WHERE id = $4 AND closed_at IS NULL",
    )
    .bind(at)
    .bind(found)
    .bind(discrepancies)
    .bind(inventory_id)
    .execute(db.raw())
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Stores the findings, several rows a statement. `detail` keeps the locations and the note
/// as JSON.
pub async fn insert_discrepancies(
    db: &mut WriteTx,
    inventory_id: &str,
    found: &[Discrepancy],
) -> Result<()> {
    for chunk in found.chunks(150) {
        let mut sql = String::from(
            "INSERT INTO evidence_discrepancies (inventory_id, barcode, item_id, kind, detail) \
             VALUES ",
        );
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push_str(", ");
            }
            let n = 5 * i;
            let p: Vec<String> = (1..=5).map(|k| format!("${}", n + k)).collect();
            sql.push('(');
            sql.push_str(&p.join(", "));
            sql.push(')');
        }
        let mut q = sqlx::query(&sql);
        for d in chunk {
            let detail = serde_json::json!({
                "expected_location": d.expected_location,
                "found_location": d.found_location,
                "note": d.note,
            });
            q = q
                .bind(inventory_id)
                .bind(&d.barcode)
                .bind(d.item_id.as_ref().map(|i| i.as_str().to_owned()))
                .bind(d.kind.as_str())
                .bind(detail.to_string());
        }
        q.execute(db.raw()).await?;
    }
    Ok(())
}

/// A closed count's findings, by barcode and kind (at most `limit`).
pub async fn discrepancies_of(
    db: &mut impl Conn,
    inventory_id: &str,
    limit: i64,
) -> Result<Vec<Discrepancy>> {
    let rows = sqlx::query(
        "SELECT barcode, item_id, kind, detail FROM evidence_discrepancies \
         WHERE inventory_id = $1 ORDER BY barcode, kind LIMIT $2",
    )
    .bind(inventory_id)
    .bind(limit)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| {
            let detail: String = r.try_get(3)?;
            let v: serde_json::Value = serde_json::from_str(&detail).unwrap_or_default();
            let text = |k: &str| v[k].as_str().map(str::to_owned);
            Ok(Discrepancy {
                barcode: r.try_get(0)?,
                item_id: opt_id(r, 1)?,
                kind: code(r, 2)?,
                expected_location: text("expected_location"),
                found_location: text("found_location"),
                note: text("note").unwrap_or_default(),
            })
        })
        .collect()
}

/// One inventory with its store's path.
pub async fn inventory(
    db: &mut impl Conn,
    inventory_id: &str,
) -> Result<Option<(Inventory, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM evidence_inventories v JOIN org_units o ON o.id = v.org_id \
         WHERE v.id = $1"
    );
    let row = sqlx::query(&sql)
        .bind(inventory_id)
        .fetch_optional(db.raw())
        .await?;
    row.as_ref().map(decode).transpose()
}

/// Inventories of the stores under `path`, newest first.
pub async fn inventories_under(
    db: &mut impl Conn,
    path: &str,
    limit: i64,
) -> Result<Vec<(Inventory, String)>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM evidence_inventories v JOIN org_units o ON o.id = v.org_id \
         WHERE o.path LIKE $1 ORDER BY v.started_at DESC, v.id LIMIT $2"
    );
    let rows = sqlx::query(&sql)
        .bind(like_prefix(path))
        .bind(limit)
        .fetch_all(db.raw())
        .await?;
    rows.iter().map(decode).collect()
}

/// Records how many items a count expects (once its snapshot is taken).
pub async fn set_expected(db: &mut WriteTx, inventory_id: &str, expected: i64) -> Result<()> {
    sqlx::query("UPDATE evidence_inventories SET expected = $1 WHERE id = $2")
        .bind(expected)
        .bind(inventory_id)
        .execute(db.raw())
        .await?;
    Ok(())
}

/// A closed count's findings by kind.
pub async fn discrepancy_counts(
    db: &mut impl Conn,
    inventory_id: &str,
) -> Result<std::collections::BTreeMap<jingwu_cases::inventory::DiscrepancyKind, i64>> {
    let rows = sqlx::query(
        "SELECT kind, CAST(COUNT(*) AS BIGINT) FROM evidence_discrepancies \
         WHERE inventory_id = $1 GROUP BY kind",
    )
    .bind(inventory_id)
    .fetch_all(db.raw())
    .await?;
    rows.iter()
        .map(|r| Ok((code(r, 0)?, r.try_get(1)?)))
        .collect()
}
