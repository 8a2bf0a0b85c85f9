//! The approval window's domain as a pure functional core: no I/O, no async, no database.
//! Dates are [`jiff::civil::Date`] in Asia/Shanghai; times of day are minutes after local
//! midnight; instants are `i64` microseconds since the Unix epoch; money is integer fen.
//!
//! * [`catalogue`] — approval items, their materials and the paper forms one online form fills
//!   (form-free processing, the seed's "three forms in one").
//! * [`workdays`] — the working-day calendar (weekends, statutory holidays, make-up working
//!   days) and statutory deadlines counted in working days.
//! * [`schedule`] — an office's working plan per weekday with breaks, date exceptions, slot
//!   generation and the booking window (minimum notice, horizon).
//! * [`capacity`] — a slot's capacity with the share held back for the green channel.
//! * [`booking`] — appointments: channels, the state machine, holds, no-shows, reminders.
//! * [`queue`] — tickets at the window: priority classes, the state machine, call-next order.
//! * [`applications`] — online applications: the state machine, pre-check, deadlines.
//! * [`records`], [`ids`], [`policy`], [`error_codes`] — what the store keeps, who may see it,
//!   the stable problem codes.

pub mod applications;
pub mod booking;
pub mod capacity;
pub mod catalogue;
pub mod error_codes;
pub mod ids;
pub mod policy;
pub mod queue;
pub mod records;
pub mod schedule;
pub mod workdays;

pub use jingwu_core::UnknownCode;
pub use jingwu_payments::Fen;
