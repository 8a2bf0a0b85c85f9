//! The traffic-police online services domain as a pure functional core: no I/O, no async, no
//! database. Dates are [`jiff::civil::Date`] in Asia/Shanghai; instants are `i64` microseconds
//! since the Unix epoch; money is integer fen ([`Fen`]).
//!
//! Rules (sources in each module's documentation):
//! * [`money`] — [`Fen`] (the payment service's), yuan text in and out, never floats; dates
//!   and midnights in Asia/Shanghai are `jingwu_core::calendar`'s.
//! * [`late_fee`](mod@late_fee) — the 15-day payment deadline and the 3 %-a-day surcharge capped at the fine
//!   (Administrative Penalty Law 2021 art. 72).
//! * [`cycle`] — 12-month scoring cycles from the first-issue date (MPS Order 163).
//! * [`points`](mod@points) — the points ledger: balance computed from decisions and reductions, carry-over
//!   of overdue unpaid fines, clearing after full-score education.
//! * [`reduction`] — point reduction (学法减分) under the national profile (Order 163) and the
//!   legacy Ningbo 2016 voucher pilot, with the exclusions and per-cycle caps.
//! * [`licence`], [`vehicle`] — licence classes and status, full-score education days;
//!   vehicle status.
//! * [`violations`] — the violation code table as data (illustrative codes), sources, status.
//! * [`quiz`] — the online-study question bank, a deterministic draw and scoring.
//! * [`settlement`] — quick settlement of minor accidents (Road Traffic Safety Law art. 70):
//!   refusal reasons and liability pairs.
//! * [`services`] — the 15 vehicle and driver services: materials, fees, the application
//!   state machine.
//! * [`plates`] — candidate plates for pre-selection.
//!
//! Payment channels, orders and reconciliation are the shared payment service's
//! (`jingwu-payments`).
//!
//! Records and access:
//! * [`ids`] — identifiers of the traffic records.
//! * [`records`] — citizens, licences, vehicles, violations, reductions, vouchers and quizzes
//!   as the store keeps them.
//! * [`policy`] — object-level access rules of the traffic system.
//! * [`error_codes`] — the system's stable problem and field codes.
//!
//! The most used types and functions are re-exported at the crate root.

pub mod cycle;
pub mod error_codes;
pub mod ids;
pub mod late_fee;
pub mod licence;
pub mod messages;
pub mod plates;
pub mod points;
pub mod policy;
pub mod quiz;
pub mod records;
pub mod reduction;
pub mod road_events;
pub mod services;
pub mod settlement;
pub mod vehicle;
pub mod violations;

pub use jingwu_core::UnknownCode;

pub use cycle::{Cycle, cycle_on};
pub use ids::{
    ApplicationId, LicenceId, QuizId, ReductionId, SettlementId, VehicleId, ViolationId, VoucherId,
};
pub use jingwu_core::calendar::{local_date, local_midnight, next_local_midnight};
/// Money is the payment service's: integer fen.
pub use jingwu_payments::{Fen, money};
pub use late_fee::{LateFee, PAY_WITHIN_DAYS, late_fee};
pub use licence::{LicenceClass, LicenceStatus, full_score_study_days};
pub use points::{Decision, FULL_SCORE, Points, PointsFacts, Reduction, ReductionMethod, points};
pub use quiz::{PASS_MARK, QUIZ_LEN, QUIZ_MINUTES, Question, QuestionCategory};
pub use reduction::{
    Exclusions, Profile, ReductionRequest, Refusal, RefusalRule, decide, voucher_may_issue,
};
pub use services::{ApplicationStatus, Material, ServiceKind};
pub use settlement::{AccidentFacts, Liability, RefusalReason, liability_consistent, refusals};
pub use vehicle::VehicleStatus;
pub use violations::{ViolationCode, ViolationSource, ViolationStatus};
