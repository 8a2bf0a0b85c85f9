//! Properties of the approval window's rules: slots stay inside opening hours and out of
//! breaks; any sequence of takes and releases keeps a slot within its shares; the queue always
//! calls the highest class first; statutory deadlines land on working days.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::civil::date;
use jingwu_permits::capacity::{Pool, SlotCounts};
use jingwu_permits::queue::{Priority, Waiting, next};
use jingwu_permits::schedule::DayPlan;
use jingwu_permits::workdays::{Calendar, DayKind, Holiday};
use proptest::prelude::*;

fn plan() -> impl Strategy<Value = DayPlan> {
    (
        0u16..600,
        60u16..840,
        proptest::collection::vec((0u16..600, 5u16..120), 0..3),
    )
        .prop_map(|(opens, len, raw)| {
            let closes = (opens + len).min(1440);
            let mut breaks = Vec::new();
            let mut at = opens;
            for (gap, dur) in raw {
                let s = at + gap % 120 + 1;
                let e = s + dur;
                if e < closes {
                    breaks.push((s, e));
                    at = e;
                }
            }
            DayPlan {
                opens,
                closes,
                breaks,
            }
        })
}

proptest! {
    #[test]
    fn slots_lie_in_open_hours_and_never_in_a_break(p in plan(), minutes in 5u16..90) {
        prop_assert!(p.check().is_ok());
        let slots = p.slots(minutes);
        for w in slots.windows(2) {
            prop_assert!(w[0].1 <= w[1].0, "slots overlap: {w:?}");
        }
        for (s, e) in slots {
            prop_assert_eq!(e - s, minutes);
            prop_assert!(s >= p.opens && e <= p.closes);
            prop_assert!(p.breaks.iter().all(|(bs, be)| e <= *bs || s >= *be), "{s}-{e} in a break of {:?}", p.breaks);
        }
    }

    #[test]
    fn takes_and_releases_never_pass_the_shares(capacity in 0u32..8, green in 0u32..4, ops in proptest::collection::vec((any::<bool>(), any::<bool>()), 0..60)) {
        let mut c = SlotCounts { capacity, green_reserved: green.min(capacity), booked: 0, booked_green: 0 };
        let mut taken: Vec<Pool> = Vec::new();
        for (take, is_green) in ops {
            if take {
                // The store's conditional updates, in the order `take` tries them.
                if let Some(pool) = c.take(is_green) {
                    match pool {
                        Pool::Green => c.booked_green += 1,
                        Pool::General => c.booked += 1,
                    }
                    taken.push(pool);
                }
            } else if let Some(pool) = taken.pop() {
                match pool {
                    Pool::Green => c.booked_green -= 1,
                    Pool::General => c.booked -= 1,
                }
            }
            prop_assert!(c.holds(), "{c:?}");
            prop_assert!(c.booked + c.booked_green <= capacity);
        }
    }

    #[test]
    fn the_queue_calls_the_highest_class_first(tickets in proptest::collection::vec((0u8..3, 0i64..1000), 1..20)) {
        let waiting: Vec<Waiting<'_>> = tickets
            .iter()
            .map(|(p, at)| Waiting {
                item_code: "X",
                priority: [Priority::Green, Priority::Appointment, Priority::WalkIn][usize::from(*p)],
                checked_in_at: *at,
                window: None,
            })
            .collect();
        let i = next("1", &["X".to_owned()], &waiting).unwrap();
        let best = waiting.iter().map(|w| (w.priority.rank(), w.checked_in_at)).min().unwrap();
        prop_assert_eq!((waiting[i].priority.rank(), waiting[i].checked_in_at), best);
    }

    #[test]
    fn deadlines_land_on_working_days(start in 0i64..700, days in 1u32..40) {
        let cal = Calendar::new(&[
            Holiday { date: date(2027, 2, 5), kind: DayKind::Holiday, name: "春节".into() },
            Holiday { date: date(2027, 2, 8), kind: DayKind::Holiday, name: "春节".into() },
            Holiday { date: date(2027, 2, 20), kind: DayKind::Workday, name: "调休".into() },
        ]);
        let from = date(2027, 1, 1).checked_add(jiff::Span::new().days(start)).unwrap();
        let due = cal.add_working_days(from, days);
        prop_assert!(cal.is_working_day(due));
        prop_assert_eq!(cal.working_days_between(from, due), days);
    }
}
