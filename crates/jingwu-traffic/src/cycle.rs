//! Scoring cycles (记分周期) (MPS Order 163): 12 months, counted continuously from the date the
//! driver's **first** licence was issued — not the calendar year.
//!
//! Cycle *n* (from 0) starts at `first_issue + n × 12 calendar months` and ends where cycle
//! *n + 1* starts (exclusive). Each start is computed from `first_issue`, never from the
//! previous start, so cycles neither overlap nor leave gaps and a clamped date does not drift.
//!
//! End-of-month convention: month arithmetic clamps to the last day of the target month. A
//! licence first issued on 29 February starts its cycles on 28 February in common years and
//! on 29 February in leap years; every cycle is therefore 365 or 366 days long. (Only
//! 29 February is affected: adding whole years never moves the 29th–31st of other months.)

use jiff::ToSpan;
use jiff::civil::Date;
use serde::Serialize;

/// One scoring cycle: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Cycle {
    /// 0 for the cycle beginning on the first-issue date.
    pub index: u32,
    pub start: Date,
    /// Exclusive: the start of the next cycle.
    pub end: Date,
}

impl Cycle {
    /// Whether `day` lies in `[start, end)`.
    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && day < self.end
    }

    /// The cycle `index` counted from `first_issue`.
    pub fn nth(first_issue: Date, index: u32) -> Cycle {
        Cycle {
            index,
            start: cycle_start(first_issue, index),
            end: cycle_start(first_issue, index.saturating_add(1)),
        }
    }
}

fn cycle_start(first_issue: Date, index: u32) -> Date {
    first_issue.saturating_add(i64::from(index).years())
}

/// The cycle that `on` falls in, or `None` before the first issue.
pub fn cycle_on(first_issue: Date, on: Date) -> Option<Cycle> {
    if on < first_issue {
        return None;
    }
    // The year difference is the index or one too many (before this year's anniversary).
    let years = u32::try_from(i32::from(on.year()) - i32::from(first_issue.year())).ok()?;
    let index = if cycle_start(first_issue, years) <= on {
        years
    } else {
        years.checked_sub(1)?
    };
    Some(Cycle::nth(first_issue, index))
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn leap_day_licence() {
        let first = date(2020, 2, 29);
        let c = cycle_on(first, date(2021, 2, 28)).unwrap();
        assert_eq!(
            (c.index, c.start, c.end),
            (1, date(2021, 2, 28), date(2022, 2, 28))
        );
        let c = cycle_on(first, date(2024, 2, 28)).unwrap();
        assert_eq!(
            (c.index, c.start, c.end),
            (3, date(2023, 2, 28), date(2024, 2, 29))
        );
        assert_eq!(cycle_on(first, date(2020, 2, 28)), None);
    }
}
