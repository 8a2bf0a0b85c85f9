//! Three-in-one law enforcement as a pure functional core: no I/O, no async, no database.
//! Instants are `i64` microseconds since the Unix epoch; durations of legal limits are
//! minutes. Rules, limits and their sources: docs/cases.md.
//!
//! * [`limits`] — legal time limits as data (law, article, text version, base and maximum,
//!   who approves an extension, when to warn), with the bureau's defaults.
//! * [`clock`] — a legal clock computed from its start, approved extensions and the instant
//!   asked about: due time, warnings, expiry. Never a stored counter.
//! * [`case`] — cases: kinds, statuses, numbers, parties, steps, supervision.
//! * [`area`] — the handling area (办案区): a person's custody record from arrival to exit,
//!   rooms, measures, temporary leave, outcomes.
//! * [`evidence`] — items, categories (high-risk ones), the custody state machine, witnesses.
//! * [`chain`] — the hash chain that links an item's custody events.
//! * [`retention`] — retention by category, legal hold while the case is open.
//! * [`inventory`] — full and sampled inventories and the discrepancies a count finds.
//! * [`ids`], [`policy`], [`error_codes`] — identifiers, who may see what, stable codes.

pub mod area;
pub mod case;
pub mod chain;
pub mod clock;
pub mod error_codes;
pub mod evidence;
pub mod ids;
pub mod inventory;
pub mod limits;
pub mod policy;
pub mod retention;

pub use jingwu_core::UnknownCode;
