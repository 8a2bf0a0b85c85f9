use jingwu_cases::clock::{Alert, Clock, ExtensionRefused, may_extend};
use jingwu_cases::limits::defaults;
use proptest::prelude::*;

const MIN: i64 = 60_000_000;
const T0: i64 = 1_800_000_000_000_000;

fn limit(code: &str) -> jingwu_cases::limits::LegalLimit {
    defaults().into_iter().find(|l| l.code == code).unwrap()
}

#[test]
fn continued_questioning_warns_then_expires_at_the_boundary_minute() {
    let l = limit("continued_questioning");
    let c = Clock {
        limit: &l,
        started_at: T0,
        extended_minutes: 0,
        stopped_at: None,
    };
    assert_eq!(c.due_at(), T0 + 24 * 60 * MIN);
    assert_eq!(c.at(T0 + 11 * 60 * MIN).alert, None);
    assert_eq!(c.at(T0 + 12 * 60 * MIN).alert, Some(Alert::First));
    assert_eq!(c.at(T0 + 18 * 60 * MIN).alert, Some(Alert::Second));
    assert_eq!(c.at(c.due_at() - 1).alert, Some(Alert::Third));
    let at_due = c.at(c.due_at());
    assert_eq!(at_due.alert, Some(Alert::Expired));
    assert_eq!(at_due.remaining_us, 0);
    assert_eq!(at_due.used_permille, 1000);
}

#[test]
fn an_extension_moves_the_due_time_up_to_the_maximum() {
    let l = limit("continued_questioning");
    let mut c = Clock {
        limit: &l,
        started_at: T0,
        extended_minutes: 0,
        stopped_at: None,
    };
    assert_eq!(may_extend(&c, 24 * 60, T0 + 20 * 60 * MIN), Ok(()));
    assert!(matches!(
        may_extend(&c, 24 * 60 + 1, T0),
        Err(ExtensionRefused::BeyondMaximum { .. })
    ));
    assert_eq!(
        may_extend(&c, 60, c.due_at()),
        Err(ExtensionRefused::Closed)
    );
    c.extended_minutes = 24 * 60;
    assert_eq!(c.due_at(), T0 + 48 * 60 * MIN);
    assert_eq!(c.at(T0 + 23 * 60 * MIN).alert, None);
    let fixed = limit("detention_handover");
    let f = Clock {
        limit: &fixed,
        started_at: T0,
        extended_minutes: 0,
        stopped_at: None,
    };
    assert_eq!(may_extend(&f, 60, T0), Err(ExtensionRefused::NotExtensible));
}

#[test]
fn a_stopped_clock_stays_where_it_stopped() {
    let l = limit("admin_summons");
    let c = Clock {
        limit: &l,
        started_at: T0,
        extended_minutes: 0,
        stopped_at: Some(T0 + 60 * MIN),
    };
    let s = c.at(T0 + 100 * 60 * MIN);
    assert!(s.stopped);
    assert_eq!(s.alert, None);
    assert_eq!(s.remaining_us, 7 * 60 * MIN);
}

proptest! {
    /// The alert a clock shows at any instant is the last one whose time has come.
    #[test]
    fn alert_times_agree_with_the_state(offset in 0i64..(30 * 60 * MIN), ext in 0i64..(24 * 60)) {
        let l = limit("continued_questioning");
        let c = Clock { limit: &l, started_at: T0, extended_minutes: ext, stopped_at: None };
        let now = T0 + offset;
        let expected = c.alert_times().into_iter().filter(|(_, at)| *at <= now).map(|(a, _)| a).next_back();
        prop_assert_eq!(c.at(now).alert, expected);
    }
}
