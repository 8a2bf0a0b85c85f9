//! Storage of the hazmat system, one module per table group. Rows decode into
//! `jingwu-hazmat`'s records; the text codes stored are its enums'.

pub mod chemicals;
pub mod enterprises;
pub mod fire_units;
pub mod responses;
pub mod vehicles;
pub mod weather;

pub use chemicals::*;
pub use enterprises::*;
pub use fire_units::*;
pub use responses::*;
pub use vehicles::*;
pub use weather::*;

/// A latitude/longitude box, for "what lies near this zone" queries.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatLonBox {
    pub min_lat: f64,
    pub min_lon: f64,
    pub max_lat: f64,
    pub max_lon: f64,
}

fn flag(b: bool) -> i64 {
    i64::from(b)
}

/// An optional double bound as text, for SQL that reads it as `CAST($n AS DOUBLE PRECISION)`.
/// sqlx 0.8's `Any` driver sends a `None` double to PostgreSQL as a `float4` null, and the
/// statement it prepares keeps that type, so a later `Some` of the same statement fails
/// ("incorrect binary data format"); text has one type either way, and Rust prints doubles
/// exactly (shortest round-trip form).
fn opt_f64(v: Option<f64>) -> Option<String> {
    v.map(|x| x.to_string())
}
