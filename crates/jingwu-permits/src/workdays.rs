//! Working days. Statutory time limits of administrative licensing are counted in working
//! days, statutory holidays excluded (Administrative Licensing Law of the PRC, art. 82). China
//! moves working days around its holidays each year (调休: a Saturday or Sunday becomes a
//! working day), as the State Council's General Office announces; the calendar takes both
//! kinds of exception as data.

use std::collections::BTreeMap;

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

jingwu_core::text_enum! {
    /// What an exceptional date is.
    pub enum DayKind: "day kind" {
        /// A public holiday (or a bridge day off).
        Holiday = "holiday" ("法定节假日", "Public holiday"),
        /// A weekend day that is a working day this year (调休上班).
        Workday = "workday" ("调休上班", "Make-up working day"),
    }
}

/// A dated exception to the Monday-to-Friday week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    pub date: Date,
    pub kind: DayKind,
    pub name: String,
}

/// The working-day calendar.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    exceptions: BTreeMap<Date, DayKind>,
}

impl Calendar {
    pub fn new(days: &[Holiday]) -> Self {
        Calendar {
            exceptions: days.iter().map(|h| (h.date, h.kind)).collect(),
        }
    }

    /// The exception on `date`, if any.
    pub fn exception(&self, date: Date) -> Option<DayKind> {
        self.exceptions.get(&date).copied()
    }

    /// Is `date` a working day: Monday to Friday unless a holiday, or a make-up working day.
    pub fn is_working_day(&self, date: Date) -> bool {
        match self.exception(date) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday),
        }
    }

    /// The `n`th working day after `start` (the start day itself is not counted, as in every
    /// Chinese statutory period); `n = 0` is `start`. Gives up (returns the last date reached)
    /// after ten years of holidays, which no real calendar has.
    pub fn add_working_days(&self, start: Date, n: u32) -> Date {
        let mut d = start;
        let mut left = n;
        let mut guard = 0;
        while left > 0 && guard < 3_660 {
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => return d,
            }
            if self.is_working_day(d) {
                left -= 1;
            }
            guard += 1;
        }
        d
    }

    /// Working days from `from` (exclusive) to `to` (inclusive); 0 when `to` is not after.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            match d.tomorrow() {
                Ok(next) => d = next,
                Err(_) => break,
            }
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn weekends_holidays_and_make_up_days() {
        let cal = Calendar::new(&[
            Holiday {
                date: date(2026, 10, 1),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            },
            Holiday {
                date: date(2026, 10, 2),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            },
            Holiday {
                date: date(2026, 10, 10),
                kind: DayKind::Workday,
                name: "国庆节调休".into(),
            },
        ]);
        // Wednesday 30 September: Thu 1 and Fri 2 off, the weekend off, Monday 5 is the first.
        assert_eq!(
            cal.add_working_days(date(2026, 9, 30), 1),
            date(2026, 10, 5)
        );
        // Saturday 10 October is a make-up working day.
        assert!(cal.is_working_day(date(2026, 10, 10)));
        assert_eq!(
            cal.add_working_days(date(2026, 10, 9), 1),
            date(2026, 10, 10)
        );
        assert_eq!(
            cal.add_working_days(date(2026, 10, 9), 0),
            date(2026, 10, 9)
        );
        assert_eq!(
            cal.working_days_between(date(2026, 9, 30), date(2026, 10, 10)),
            6
        );
        assert_eq!(
            cal.working_days_between(date(2026, 10, 10), date(2026, 9, 30)),
            0
        );
    }
}
