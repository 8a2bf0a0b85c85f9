//! The late fee on an unpaid fine (加处罚款).
//!
//! A fine is due within [`PAY_WITHIN_DAYS`] days of the decision being served (Road Traffic
//! Safety Law art. 108; electronic payment: Administrative Penalty Law 2021 art. 67). Each day
//! after that adds 3 % of the fine, and the addition may not exceed the fine itself
//! (Administrative Penalty Law 2021 art. 72(1); Road Traffic Safety Law art. 109).
//!
//! Conventions, encoded once in [`late_fee`]:
//! * **Day counting.** The day of service does not count (Chinese procedural rules exclude the
//!   starting day), so the last day to pay is `served_on + 15 days`; paying on that day is on
//!   time. `days_late` is the number of calendar days (Asia/Shanghai dates) from the deadline
//!   to the payment day, never negative.
//! * **Rounding.** The surcharge is `fine × 3 × days_late / 100` in integer fen, rounded down
//!   to the fen, then capped at the fine. For whole-yuan fines there is nothing to round
//!   (¥200 accrues exactly ¥6 a day).
//! * **Cap.** Reached first 34 days after the deadline (33 days: 99 %; 34 days: 102 %, capped
//!   at 100 %); `amount_due` is therefore never more than twice the fine.
//! * **Holidays are not shifted** — whether a deadline on a public holiday moves to the next
//!   working day is unverified; confirm before relying on it.
//! * A zero or negative fine accrues nothing.
//!
//! Camera-detected violations have no decision until the driver processes them, so no late fee
//! accrues before `served_on`; a revoked decision cancels fine and surcharge (callers do not
//! ask for a fee then).

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

use crate::money::Fen;

/// Days to pay after the day the decision was served.
pub const PAY_WITHIN_DAYS: i64 = 15;

/// Percent of the fine added per day late.
pub const DAILY_PERCENT: i64 = 3;

/// The amount due on a given payment day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LateFee {
    /// The last day on which the fine alone settles it.
    pub deadline: Date,
    /// Calendar days after the deadline, 0 when paid on or before it.
    pub days_late: i64,
    pub surcharge_fen: Fen,
    /// Fine plus surcharge.
    pub amount_due_fen: Fen,
}

/// The last day to pay a fine served on `served_on`.
pub fn deadline(served_on: Date) -> Date {
    served_on.saturating_add(PAY_WITHIN_DAYS.days())
}

/// Calendar days from `from` to `to` (negative when `to` is earlier).
pub(crate) fn days_between(from: Date, to: Date) -> i64 {
    from.until(to).map(|s| i64::from(s.get_days())).unwrap_or(0)
}

/// The late fee owed on `paid_on` for `fine` served on `served_on` (see the module
/// documentation for the day-counting and rounding conventions).
pub fn late_fee(fine: Fen, served_on: Date, paid_on: Date) -> LateFee {
    let deadline = deadline(served_on);
    let days_late = days_between(deadline, paid_on).max(0);
    let surcharge = if fine.0 <= 0 {
        0
    } else {
        let raw = i128::from(fine.0) * i128::from(DAILY_PERCENT) * i128::from(days_late) / 100;
        // Capped at the fine, so it fits back into i64.
        i64::try_from(raw.min(i128::from(fine.0))).unwrap_or(fine.0)
    };
    LateFee {
        deadline,
        days_late,
        surcharge_fen: Fen(surcharge),
        amount_due_fen: fine.saturating_add(Fen(surcharge)),
    }
}
