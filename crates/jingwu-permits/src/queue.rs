//! The queue at the windows (Qminder / Qmatic style, permits.md §7). Check-in turns an
//! appointment into a ticket; walk-ins and kiosk visitors get one directly. A window calls the
//! next ticket among the items its work profile serves: green channel first, then
//! appointments, then walk-ins; within a class, first checked in first called. A transferred
//! ticket keeps its check-in time.

jingwu_core::text_enum! {
    /// A ticket's priority class, highest first.
    pub enum Priority: "ticket priority" {
        Green = "green" ("绿色通道", "Green channel"),
        Appointment = "appointment" ("预约", "Appointment"),
        WalkIn = "walk_in" ("现场取号", "Walk-in"),
    }
}

impl Priority {
    /// Lower is called first.
    pub const fn rank(self) -> u8 {
        match self {
            Priority::Green => 0,
            Priority::Appointment => 1,
            Priority::WalkIn => 2,
        }
    }
}

jingwu_core::text_enum! {
    /// Where a ticket stands.
    pub enum TicketState: "ticket state" {
        Waiting = "waiting" ("等候中", "Waiting"),
        Called = "called" ("已叫号", "Called"),
        Serving = "serving" ("办理中", "Being served"),
        Done = "done" ("已办结", "Done"),
        /// Called (and recalled) without coming to the window.
        NoShow = "no_show" ("过号", "Missed"),
    }
}

/// The ticket state machine: waiting → called (by one window) → serving → done; a called
/// ticket may be recalled (stays called), sent back to waiting by a transfer, or missed; a
/// ticket being served may be transferred (back to waiting for another item or window).
pub fn may_move(from: TicketState, to: TicketState) -> bool {
    use TicketState::*;
    matches!(
        (from, to),
        (Waiting, Called)
            | (Called, Called)
            | (Called, Serving)
            | (Called, NoShow)
            | (Called, Waiting)
            | (Serving, Done)
            | (Serving, Waiting)
    )
}

/// What call-next needs to know of a waiting ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Waiting<'a> {
    pub item_code: &'a str,
    pub priority: Priority,
    /// Check-in time (kept across transfers).
    pub checked_in_at: i64,
    /// A ticket transferred to one window waits for that window only.
    pub window: Option<&'a str>,
}

/// The index of the ticket `window` should call next, among `waiting`: tickets of items in
/// the window's `profile` (or transferred to this window), green channel first, then
/// appointments, then walk-ins, each class first come first served.
pub fn next(window: &str, profile: &[String], waiting: &[Waiting<'_>]) -> Option<usize> {
    waiting
        .iter()
        .enumerate()
        .filter(|(_, w)| match w.window {
            Some(only) => only == window,
            None => profile.iter().any(|p| p == w.item_code),
        })
        .min_by_key(|(_, w)| (w.priority.rank(), w.checked_in_at))
        .map(|(i, _)| i)
}

/// A ticket's number as the hall display shows it: the item's prefix letter and the day's
/// sequence for that prefix, three digits (`C007`), more when a day runs past 999.
pub fn number(prefix: char, seq: u32) -> String {
    format!("{prefix}{seq:03}")
}

/// Times of a ticket's visit, for statistics.
pub fn waited_us(checked_in_at: i64, called_at: Option<i64>) -> Option<i64> {
    called_at.map(|c| (c - checked_in_at).max(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(item: &str, p: Priority, at: i64) -> Waiting<'_> {
        Waiting {
            item_code: item,
            priority: p,
            checked_in_at: at,
            window: None,
        }
    }

    #[test]
    fn green_then_appointments_then_walk_ins_in_arrival_order() {
        let profile = vec!["CRJ-001".to_owned(), "CRJ-002".to_owned()];
        let q = [
            w("CRJ-001", Priority::WalkIn, 1),
            w("CRJ-002", Priority::Appointment, 5),
            w("HZ-001", Priority::Green, 0),
            w("CRJ-001", Priority::Appointment, 3),
            w("CRJ-002", Priority::Green, 9),
        ];
        assert_eq!(next("1", &profile, &q), Some(4));
        assert_eq!(next("1", &profile, &q[..4]), Some(3));
        assert_eq!(next("1", &profile, &q[..2]), Some(1));
        assert_eq!(next("1", &["X".to_owned()], &q), None);
        let mut t = w("HZ-001", Priority::WalkIn, 0);
        t.window = Some("1");
        assert_eq!(next("1", &[], &[t.clone()]), Some(0));
        assert_eq!(next("2", &["HZ-001".to_owned()], &[t]), None);
    }

    #[test]
    fn numbers_and_moves() {
        assert_eq!(number('C', 7), "C007");
        assert_eq!(number('H', 1234), "H1234");
        assert!(may_move(TicketState::Called, TicketState::Called));
        assert!(!may_move(TicketState::Done, TicketState::Waiting));
        assert!(!may_move(TicketState::Waiting, TicketState::Serving));
        assert_eq!(waited_us(10, Some(4)), Some(0));
    }
}
