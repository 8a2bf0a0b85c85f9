//! Storage of the traffic system, one module per table group. Rows decode into
//! `jingwu-traffic`'s records; the text codes stored are its enums'.

pub mod applications;
pub mod citizens;
pub mod licences;
pub mod public;
pub mod study;
pub mod vehicles;
pub mod violations;

pub use applications::*;
pub use citizens::*;
pub use licences::*;
pub use public::*;
pub use study::*;
pub use vehicles::*;
pub use violations::*;

/// A date as stored: `YYYY-MM-DD`.
fn day(d: jiff::civil::Date) -> String {
    d.to_string()
}
