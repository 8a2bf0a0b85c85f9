//! Storage of law enforcement, one module per table group. Rows decode into `jingwu-cases`'
//! records; the text codes stored are its enums'. Custody events of evidence and the handling
//! area's events are append-only (triggers refuse UPDATE and DELETE).

pub mod area;
pub mod clocks;
pub mod evidence;
pub mod files;
pub mod inventory;
pub mod limits;

pub use clocks::*;
pub use files::*;
pub use limits::*;
