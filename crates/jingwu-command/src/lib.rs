//! The 110 linked-command domain as a pure functional core: no I/O, no async, no database.
//!
//! * [`incident`] — the incident (警单) life cycle: new → dispatched → acknowledged → en route →
//!   on scene → closed (or merged).
//! * [`taxonomy`] — incident categories and sub-categories (zh/en labels, violent flag, APCO
//!   mapping where obvious), priorities P1–P4, intake sources.
//! * [`unit`](mod@unit) — unit kinds, force tiers, the unit status machine and type fit for
//!   recommendation ordering.
//! * [`coverage_history`] — when coverage is sampled, how long kept, and the chart's points.
//! * [`duplicates`] — the "likely duplicate" rule (same category, near in space and time).
//! * [`response`] — 1/3/5-minute targets by tier, priority targets, segment durations.
//! * [`stats`] — nearest-rank percentiles, grouped KPIs, the Ankang bulletin buckets,
//!   on-scene handling compliance (规范率), period comparison, CSV.
//! * [`eido`] — projection of an incident into a NENA EIDO JSON object.
//! * [`timers`] — status timers (签收, 到场, 现场处置, 移交签收), overdue and escalation levels.
//! * [`linkage`] — linked agencies (联动): HMAC signatures, retry schedule, replay window.
//! * [`plans`] — response plans (预案, run cards): which plan applies to an incident, their
//!   validation, and the ranking of recommended units (plan slots first, then strictly by ETA).
//! * [`track`] — AVL history as compact per-unit track segments (encode, decode, merge).
//! * [`policy`] — object-level access rules of the 110 system over loaded facts: who may operate
//!   a unit, who sees an incident, who receives a live event.
//!
//! Instants are `i64` microseconds since the Unix epoch, as everywhere in Jingwu. Every coded
//! enum is a [`jingwu_core::text_enum!`]: `as_str()`/`parse()` (the store keeps them as text)
//! agree with its serde form, and it carries its zh-CN and English labels.

pub mod area;
pub mod coverage_history;
pub mod duplicates;
pub mod eido;
pub mod error_codes;
pub mod fix;
pub mod incident;
pub mod linkage;
pub mod plans;
pub mod policy;
pub mod records;
pub mod response;
pub mod setup;
pub mod stats;
pub mod taxonomy;
mod time;
pub mod timers;
pub mod track;
pub mod unit;

pub use jingwu_core::UnknownCode;
pub use time::rfc3339_utc;

/// Microseconds per second, for readability of instant arithmetic.
pub const US_PER_S: i64 = 1_000_000;
