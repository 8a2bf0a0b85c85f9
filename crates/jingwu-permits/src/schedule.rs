//! Working plans and slots. An office keeps one plan per weekday (opening, closing, breaks),
//! dated exceptions (other hours, or closed) and the working-day calendar's holidays; slots of
//! a fixed length are cut from what remains, in local civil time (the Easy!Appointments order:
//! date blocked → weekday plan or the date's exception → minus breaks → step through). The
//! booking window then drops slots too soon (minimum notice) or too far ahead (horizon).

use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};

use crate::workdays::{Calendar, DayKind};

/// Minutes in a day: a plan's closing time may be 1440 (midnight at the end of the day).
pub const DAY_MINUTES: u16 = 1_440;

/// One day's opening hours, in minutes after local midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayPlan {
    pub opens: u16,
    pub closes: u16,
    /// Breaks as `[start, end)` minute pairs inside the opening hours.
    #[serde(default)]
    pub breaks: Vec<(u16, u16)>,
}

/// Why a plan is not usable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    #[error("opening must be before closing, within the day")]
    Hours,
    #[error("each break must lie inside the opening hours, in order, without overlap")]
    Breaks,
    #[error("slots are 5 to 240 minutes long")]
    SlotLength,
}

impl DayPlan {
    /// Open around the clock (the 24-hour self-service area).
    pub fn all_day() -> Self {
        DayPlan {
            opens: 0,
            closes: DAY_MINUTES,
            breaks: Vec::new(),
        }
    }

    pub fn check(&self) -> Result<(), PlanError> {
        if self.opens >= self.closes || self.closes > DAY_MINUTES {
            return Err(PlanError::Hours);
        }
        let mut at = self.opens;
        for &(s, e) in &self.breaks {
            if s < at || s >= e || e > self.closes {
                return Err(PlanError::Breaks);
            }
            at = e;
        }
        Ok(())
    }

    /// The open intervals: opening hours minus breaks.
    pub fn intervals(&self) -> Vec<(u16, u16)> {
        let mut out = Vec::new();
        let mut at = self.opens;
        for &(s, e) in &self.breaks {
            if s > at {
                out.push((at, s));
            }
            at = at.max(e);
        }
        if self.closes > at {
            out.push((at, self.closes));
        }
        out
    }

    /// Slots of `minutes` that fit wholly inside an open interval, each interval stepped from
    /// its own start (so a slot never straddles a break).
    pub fn slots(&self, minutes: u16) -> Vec<(u16, u16)> {
        if minutes == 0 {
            return Vec::new();
        }
        let mut out = Vec::new();
        for (s, e) in self.intervals() {
            let mut t = s;
            while t + minutes <= e {
                out.push((t, t + minutes));
                t += minutes;
            }
        }
        out
    }
}

/// Plans for Monday (index 0) to Sunday (index 6); `None` is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekPlan {
    pub days: [Option<DayPlan>; 7],
}

impl WeekPlan {
    /// The same hours Monday to Friday, closed at the weekend.
    pub fn weekdays(plan: DayPlan) -> Self {
        let mut days: [Option<DayPlan>; 7] = Default::default();
        for d in days.iter_mut().take(5) {
            *d = Some(plan.clone());
        }
        WeekPlan { days }
    }

    /// The same hours every day.
    pub fn every_day(plan: DayPlan) -> Self {
        WeekPlan {
            days: std::array::from_fn(|_| Some(plan.clone())),
        }
    }

    pub fn check(&self) -> Result<(), PlanError> {
        self.days.iter().flatten().try_for_each(DayPlan::check)
    }

    fn on(&self, date: Date) -> Option<&DayPlan> {
        let i = usize::try_from(date.weekday().to_monday_zero_offset()).unwrap_or(0);
        self.days.get(i).and_then(Option::as_ref)
    }
}

/// A dated exception to an office's week: other hours, or closed (`None`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DateException {
    pub date: Date,
    pub plan: Option<DayPlan>,
    pub reason: String,
}

/// An office's whole schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule<'a> {
    pub week: &'a WeekPlan,
    pub exceptions: &'a [DateException],
    pub calendar: &'a Calendar,
    /// Open on public holidays too (the 24-hour self-service area).
    pub open_on_holidays: bool,
}

impl Schedule<'_> {
    /// The hours on `date`: the date's exception if it has one; closed on a public holiday
    /// (unless the office opens on holidays); on a make-up working day, the Monday plan (the
    /// weekend plan is usually closed); otherwise the weekday's plan.
    pub fn plan_on(&self, date: Date) -> Option<DayPlan> {
        if let Some(x) = self.exceptions.iter().find(|x| x.date == date) {
            return x.plan.clone();
        }
        match self.calendar.exception(date) {
            Some(DayKind::Holiday) if !self.open_on_holidays => None,
            Some(DayKind::Workday) => self.week.on(date).or(self.week.days[0].as_ref()).cloned(),
            _ => self.week.on(date).cloned(),
        }
    }

    /// The slots on `date` as `(start, end)` instants in microseconds.
    pub fn slots_on(&self, date: Date, minutes: u16) -> Vec<(i64, i64)> {
        self.plan_on(date)
            .map(|p| {
                p.slots(minutes)
                    .into_iter()
                    .map(|(s, e)| (at(date, s), at(date, e)))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// The instant of `minute` after local midnight on `date`.
pub fn at(date: Date, minute: u16) -> i64 {
    jingwu_core::calendar::local_midnight(date) + i64::from(minute) * 60_000_000
}

/// The local date and minute of an instant.
pub fn local(us: i64) -> (Date, u16) {
    let date = jingwu_core::calendar::local_date(us);
    let minutes = (us - jingwu_core::calendar::local_midnight(date)) / 60_000_000;
    (date, u16::try_from(minutes).unwrap_or(0))
}

/// `HH:MM` of a minute of the day (1440 is `24:00`).
pub fn hhmm(minute: u16) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// Parses `HH:MM` (`24:00` allowed as the end of a day).
pub fn parse_hhmm(s: &str) -> Option<u16> {
    if s == "24:00" {
        return Some(DAY_MINUTES);
    }
    let t: Time = s.parse().ok()?;
    if s.len() != 5 || t.second() != 0 {
        return None;
    }
    Some(u16::try_from(t.hour()).ok()? * 60 + u16::try_from(t.minute()).ok()?)
}

/// How far ahead a slot may be booked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookingWindow {
    /// A booking closes this many minutes before the slot starts.
    pub min_notice_minutes: u32,
    /// Slots up to this many days ahead (counting today as day 0) are offered.
    pub horizon_days: u16,
}

impl Default for BookingWindow {
    /// Book at least two hours ahead and at most two weeks ahead.
    fn default() -> Self {
        BookingWindow {
            min_notice_minutes: 120,
            horizon_days: 14,
        }
    }
}

/// Why a slot is outside the booking window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OutsideWindow {
    #[error("the slot is too soon to book")]
    TooSoon,
    #[error("the slot is not open for booking yet")]
    TooFar,
}

impl BookingWindow {
    pub fn admits(&self, slot_start: i64, now: i64) -> Result<(), OutsideWindow> {
        if slot_start < now + i64::from(self.min_notice_minutes) * 60_000_000 {
            return Err(OutsideWindow::TooSoon);
        }
        let last = jingwu_core::calendar::local_date(now)
            .checked_add(jiff::Span::new().days(i64::from(self.horizon_days)))
            .ok();
        match last {
            Some(last) if jingwu_core::calendar::local_date(slot_start) > last => {
                Err(OutsideWindow::TooFar)
            }
            _ => Ok(()),
        }
    }

    /// The dates the window spans from `now`: today to today + horizon.
    pub fn dates(&self, now: i64) -> Vec<Date> {
        let today = jingwu_core::calendar::local_date(now);
        (0..=i64::from(self.horizon_days))
            .filter_map(|d| today.checked_add(jiff::Span::new().days(d)).ok())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;
    use crate::workdays::Holiday;

    fn office_day() -> DayPlan {
        DayPlan {
            opens: 8 * 60 + 30,
            closes: 17 * 60,
            breaks: vec![(12 * 60, 13 * 60 + 30)],
        }
    }

    #[test]
    fn slots_never_straddle_a_break() {
        let s = office_day().slots(30);
        assert_eq!(s.first(), Some(&(510, 540)));
        assert!(s.contains(&(690, 720)));
        assert!(!s.iter().any(|&(a, b)| a < 810 && b > 720));
        assert_eq!(s.len(), 7 + 7);
        // A 40-minute slot: 08:30, 09:10, 09:50, 10:30, 11:10 (11:50 would cross 12:00).
        let s = office_day().slots(40);
        assert_eq!(s.iter().filter(|(a, _)| *a < 720).count(), 5);
        assert_eq!(DayPlan::all_day().slots(60).len(), 24);
    }

    #[test]
    fn plans_are_checked() {
        assert!(office_day().check().is_ok());
        let mut p = office_day();
        p.breaks = vec![(13 * 60, 12 * 60)];
        assert_eq!(p.check(), Err(PlanError::Breaks));
        p.breaks = vec![(7 * 60, 8 * 60)];
        assert_eq!(p.check(), Err(PlanError::Breaks));
        p.breaks.clear();
        p.closes = 1441;
        assert_eq!(p.check(), Err(PlanError::Hours));
    }

    #[test]
    fn exceptions_then_holidays_then_the_week() {
        let week = WeekPlan::weekdays(office_day());
        let cal = Calendar::new(&[
            Holiday {
                date: date(2026, 10, 1),
                kind: DayKind::Holiday,
                name: "国庆节".into(),
            },
            Holiday {
                date: date(2026, 10, 10),
                kind: DayKind::Workday,
                name: "调休".into(),
            },
        ]);
        let ex = [DateException {
            date: date(2026, 10, 9),
            plan: Some(DayPlan {
                opens: 9 * 60,
                closes: 12 * 60,
                breaks: vec![],
            }),
            reason: "系统升级".into(),
        }];
        let s = Schedule {
            week: &week,
            exceptions: &ex,
            calendar: &cal,
            open_on_holidays: false,
        };
        assert_eq!(s.plan_on(date(2026, 10, 1)), None);
        assert_eq!(s.plan_on(date(2026, 10, 10)), Some(office_day()));
        assert_eq!(s.plan_on(date(2026, 10, 11)), None);
        assert_eq!(s.slots_on(date(2026, 10, 9), 60).len(), 3);
        let first = s.slots_on(date(2026, 10, 8), 30)[0];
        assert_eq!(local(first.0), (date(2026, 10, 8), 510));
        let always = WeekPlan::every_day(DayPlan::all_day());
        let s = Schedule {
            week: &always,
            exceptions: &[],
            calendar: &cal,
            open_on_holidays: true,
        };
        assert_eq!(s.slots_on(date(2026, 10, 1), 60).len(), 24);
    }

    #[test]
    fn booking_window() {
        let w = BookingWindow::default();
        let now = at(date(2026, 12, 7), 9 * 60);
        assert_eq!(
            w.admits(now + 3_600_000_000, now),
            Err(OutsideWindow::TooSoon)
        );
        assert_eq!(w.admits(now + 7_200_000_000, now), Ok(()));
        assert_eq!(w.admits(at(date(2026, 12, 21), 600), now), Ok(()));
        assert_eq!(
            w.admits(at(date(2026, 12, 22), 0), now),
            Err(OutsideWindow::TooFar)
        );
        assert_eq!(w.dates(now).len(), 15);
    }

    #[test]
    fn hhmm_round_trip() {
        assert_eq!(parse_hhmm("08:30"), Some(510));
        assert_eq!(parse_hhmm("24:00"), Some(1440));
        assert_eq!(parse_hhmm("8:30"), None);
        assert_eq!(parse_hhmm("25:00"), None);
        assert_eq!(hhmm(510), "08:30");
        assert_eq!(hhmm(1440), "24:00");
    }
}
