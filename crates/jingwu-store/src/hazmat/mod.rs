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
