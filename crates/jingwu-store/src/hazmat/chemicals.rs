//! Chemicals and their levels of concern (reference data, readable by every hazmat role).

pub use jingwu_hazmat::erg::ErgDistances;
pub use jingwu_hazmat::records::{Chemical, ChemicalId};

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::conn::{Conn, sealed::Raw as _};
use crate::decode::id;
use crate::{Result, WriteTx};

const COLUMNS: &str = "id, un_number, name_zh, name_en, hazard_class, molecular_weight, erg_guide, \
     dense_gas, aegl_minutes, aegl1_ppm, aegl2_ppm, aegl3_ppm, erpg1_ppm, erpg2_ppm, erpg3_ppm, \
     small_isolate_m, small_day_km, small_night_km, large_isolate_m, large_day_km, large_night_km";

pub async fn insert_chemical(db: &mut WriteTx, c: &Chemical) -> Result<()> {
    let erg = |r: Option<ErgDistances>| {
        r.map_or((None, None, None), |r| {
            (
                Some(r.isolate_m),
                Some(r.protect_day_km),
                Some(r.protect_night_km),
            )
        })
    };
    let (si, sd, sn) = erg(c.erg_small);
    let (li, ld, ln) = erg(c.erg_large);
    sqlx::query(&format!(
        "INSERT INTO hazmat_chemicals ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, {})",
        (10..=21)
            .map(|i| format!("CAST(${i} AS DOUBLE PRECISION)"))
            .collect::<Vec<_>>()
            .join(", ")
    ))
    .bind(c.id.as_str())
    .bind(&c.un_number)
    .bind(&c.name_zh)
    .bind(&c.name_en)
    .bind(&c.hazard_class)
    .bind(c.molecular_weight)
    .bind(c.erg_guide)
    .bind(super::flag(c.dense_gas))
    .bind(c.aegl_minutes)
    .bind(crate::bind::opt_f64(c.aegl_ppm[0]))
    .bind(crate::bind::opt_f64(c.aegl_ppm[1]))
    .bind(crate::bind::opt_f64(c.aegl_ppm[2]))
    .bind(crate::bind::opt_f64(c.erpg_ppm[0]))
    .bind(crate::bind::opt_f64(c.erpg_ppm[1]))
    .bind(crate::bind::opt_f64(c.erpg_ppm[2]))
    .bind(crate::bind::opt_f64(si))
    .bind(crate::bind::opt_f64(sd))
    .bind(crate::bind::opt_f64(sn))
    .bind(crate::bind::opt_f64(li))
    .bind(crate::bind::opt_f64(ld))
    .bind(crate::bind::opt_f64(ln))
    .execute(db.raw())
    .await?;
    Ok(())
}

fn decode(r: &AnyRow) -> Result<Chemical> {
    let f = |i: usize| r.try_get::<Option<f64>, _>(i);
    let erg = |i: usize| -> Result<Option<ErgDistances>> {
        Ok(match (f(i)?, f(i + 1)?, f(i + 2)?) {
            (Some(isolate_m), Some(protect_day_km), Some(protect_night_km)) => Some(ErgDistances {
                isolate_m,
                protect_day_km,
                protect_night_km,
            }),
            _ => None,
        })
    };
    Ok(Chemical {
        id: id(r, 0)?,
        un_number: r.try_get(1)?,
        name_zh: r.try_get(2)?,
        name_en: r.try_get(3)?,
        hazard_class: r.try_get(4)?,
        molecular_weight: r.try_get(5)?,
        erg_guide: r.try_get(6)?,
        dense_gas: r.try_get::<i64, _>(7)? != 0,
        aegl_minutes: r.try_get(8)?,
        aegl_ppm: [f(9)?, f(10)?, f(11)?],
        erpg_ppm: [f(12)?, f(13)?, f(14)?],
        erg_small: erg(15)?,
        erg_large: erg(18)?,
    })
}

pub async fn chemicals(db: &mut impl Conn) -> Result<Vec<Chemical>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hazmat_chemicals ORDER BY un_number, name_en"
    ))
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode).collect()
}

pub async fn chemical(db: &mut impl Conn, chemical_id: &str) -> Result<Option<Chemical>> {
    let row = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hazmat_chemicals WHERE id = $1"
    ))
    .bind(chemical_id)
    .fetch_optional(db.raw())
    .await?;
    row.as_ref().map(decode).transpose()
}

/// The chemicals filed under a UN number (several names may share one; the first by name is
/// the registry's default for stock lists).
pub async fn chemicals_by_un(db: &mut impl Conn, un_number: &str) -> Result<Vec<Chemical>> {
    let rows = sqlx::query(&format!(
        "SELECT {COLUMNS} FROM hazmat_chemicals WHERE un_number = $1 ORDER BY name_en"
    ))
    .bind(un_number)
    .fetch_all(db.raw())
    .await?;
    rows.iter().map(decode).collect()
}
