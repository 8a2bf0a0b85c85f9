//! Appointments: the channels a booking comes through (all of them through the one booking
//! path, staff included — no override that overbooks), the state machine, holds, no-shows and
//! reminders.

use serde::{Deserialize, Serialize};

jingwu_core::text_enum! {
    /// How a booking was made.
    pub enum Channel: "booking channel" {
        Web = "web" ("网上预约", "Web"),
        App = "app" ("手机预约", "Mobile app"),
        /// Entered by staff for a caller on the phone.
        Phone = "phone" ("电话预约", "Phone"),
        /// Entered by staff at the hall for someone who came in.
        WalkIn = "walk_in" ("现场预约", "Walk-in"),
        Kiosk = "kiosk" ("自助终端", "Kiosk"),
    }
}

impl Channel {
    /// Channels only staff enter (for someone else).
    pub const fn staff_only(self) -> bool {
        matches!(self, Channel::Phone | Channel::WalkIn)
    }
}

jingwu_core::text_enum! {
    /// Where an appointment stands.
    pub enum AppointmentStatus: "appointment status" {
        /// A place kept for a few minutes while the applicant confirms.
        Held = "held" ("暂留", "Held"),
        Booked = "booked" ("已预约", "Booked"),
        /// The applicant arrived: a ticket is in the queue.
        CheckedIn = "checked_in" ("已签到", "Checked in"),
        Cancelled = "cancelled" ("已取消", "Cancelled"),
        /// A hold that was not confirmed in time.
        Expired = "expired" ("已过期", "Expired"),
        NoShow = "no_show" ("爽约", "No-show"),
        /// Moved to another slot (a new appointment replaced it).
        Rescheduled = "rescheduled" ("已改约", "Rescheduled"),
    }
}

impl AppointmentStatus {
    /// Does it hold a place in its slot?
    pub const fn takes_place(self) -> bool {
        matches!(self, AppointmentStatus::Held | AppointmentStatus::Booked)
    }
}

/// The appointment state machine: a hold is confirmed, cancelled or expires; a booking is
/// checked in, cancelled, rescheduled or marked a no-show. Every other state is final (a
/// checked-in appointment lives on as its ticket).
pub fn may_move(from: AppointmentStatus, to: AppointmentStatus) -> bool {
    use AppointmentStatus::*;
    matches!(
        (from, to),
        (Held, Booked)
            | (Held, Cancelled)
            | (Held, Expired)
            | (Booked, CheckedIn)
            | (Booked, Cancelled)
            | (Booked, Rescheduled)
            | (Booked, NoShow)
    )
}

/// How long a hold keeps its place before it lapses (cal.com keeps about five minutes).
pub const HOLD_MINUTES: i64 = 5;
/// An appointment not checked in this long after its slot started is a no-show.
pub const NO_SHOW_GRACE_MINUTES: i64 = 30;

/// The optional restriction on repeated no-shows (off unless configured): `limit` no-shows
/// within `days` suspend online booking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoShowPolicy {
    pub limit: u32,
    pub days: u32,
}

impl NoShowPolicy {
    pub fn refuses(&self, recent_no_shows: u32) -> bool {
        self.limit > 0 && recent_no_shows >= self.limit
    }
}

/// Age from which a citizen may book the green channel online: the elderly are citizens aged
/// 60 and over (Law of the PRC on the Protection of the Rights and Interests of the Elderly,
/// art. 2). Staff may also book it for others who need it (disability, urgency).
pub const GREEN_AGE: i16 = 60;

/// Is someone born on `birth` at least [`GREEN_AGE`] years old on `today`?
pub fn green_by_age(birth: jiff::civil::Date, today: jiff::civil::Date) -> bool {
    let mut age = today.year() - birth.year();
    if (today.month(), today.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age >= GREEN_AGE
}

jingwu_core::text_enum! {
    /// Reminders sent before an appointment.
    pub enum ReminderKind: "reminder kind" {
        DayBefore = "day_before" ("提前一天提醒", "The day before"),
        HourBefore = "hour_before" ("提前一小时提醒", "One hour before"),
    }
}

impl ReminderKind {
    /// Minutes before the slot starts.
    pub const fn lead_minutes(self) -> i64 {
        match self {
            ReminderKind::DayBefore => 24 * 60,
            ReminderKind::HourBefore => 60,
        }
    }
}

/// The reminders an appointment booked at `now` for `slot_start` gets: each kind whose time
/// is still ahead (a booking made 30 minutes before its slot gets none).
pub fn reminders(slot_start: i64, now: i64) -> Vec<(ReminderKind, i64)> {
    ReminderKind::ALL
        .into_iter()
        .map(|k| (k, slot_start - k.lead_minutes() * 60_000_000))
        .filter(|(_, due)| *due > now)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_machine() {
        use AppointmentStatus::*;
        assert!(may_move(Held, Booked));
        assert!(!may_move(Expired, Booked));
        assert!(!may_move(Cancelled, Booked));
        assert!(!may_move(CheckedIn, NoShow));
        for s in AppointmentStatus::ALL {
            assert_eq!(s.takes_place(), matches!(s, Held | Booked));
        }
    }

    #[test]
    fn reminders_only_ahead() {
        let h = 3_600_000_000;
        assert_eq!(reminders(100 * h, 0).len(), 2);
        assert_eq!(
            reminders(100 * h, 90 * h),
            vec![(ReminderKind::HourBefore, 99 * h)]
        );
        assert!(reminders(100 * h, 99 * h).is_empty());
        assert!(NoShowPolicy { limit: 3, days: 90 }.refuses(3));
        use jiff::civil::date;
        assert!(green_by_age(date(1966, 12, 7), date(2026, 12, 7)));
        assert!(!green_by_age(date(1966, 12, 8), date(2026, 12, 7)));
        assert!(!NoShowPolicy { limit: 0, days: 90 }.refuses(9));
    }
}
