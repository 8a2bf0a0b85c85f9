use jingwu_cases::area::*;
use jingwu_cases::clock::{Alert, Clock, may_extend};
use jingwu_cases::limits::{LegalLimit, defaults};

const MIN: i64 = 60_000_000;
const T0: i64 = 1_800_000_000_000_000;

fn limit(code: &str) -> LegalLimit {
    defaults().into_iter().find(|l| l.code == code).unwrap()
}

fn inside(safety_checked: bool, expired: bool) -> CustodyFacts {
    CustodyFacts {
        status: CustodyStatus::InArea,
        safety_checked,
        info_collected: false,
        expired,
    }
}

const EVERY_ACTION: [AreaAction; 8] = [
    AreaAction::SafetyCheck,
    AreaAction::InfoCollected,
    AreaAction::Belonging,
    AreaAction::MoveTo(RoomKind::Interrogation),
    AreaAction::Leave,
    AreaAction::Return,
    AreaAction::ChangeMeasure,
    AreaAction::Exit,
];

/// A criminal summons runs 12 h from the arrival: at the boundary microsecond the clock has
/// expired and the area takes nothing but the exit; a microsecond before, it still does.
#[test]
fn the_boundary_minute_forces_the_outcome() {
    let l = limit("criminal_summons");
    let c = Clock {
        limit: &l,
        started_at: T0,
        extended_minutes: 0,
        stopped_at: None,
    };
    let due = T0 + 12 * 60 * MIN;
    assert_eq!(c.due_at(), due);
    let before = c.at(due - 1).alert == Some(Alert::Expired);
    let at = c.at(due).alert == Some(Alert::Expired);
    assert!(!before && at);
    assert_eq!(
        may(
            &inside(true, before),
            AreaAction::MoveTo(RoomKind::Questioning)
        ),
        Ok(())
    );
    for a in EVERY_ACTION {
        let r = may(&inside(true, at), a);
        match a {
            AreaAction::Exit => assert_eq!(r, Ok(())),
            AreaAction::Return => assert_eq!(r, Err(AreaRefusal::NotOutside)),
            _ => assert_eq!(r, Err(AreaRefusal::Expired), "{a:?}"),
        }
    }
}

/// An approved extension moves the due time, so the same instant is no longer expired; it is
/// refused once the clock has run out.
#[test]
fn an_extension_keeps_the_area_open() {
    let l = limit("continued_questioning");
    let mut c = Clock {
        limit: &l,
        started_at: T0,
        extended_minutes: 0,
        stopped_at: None,
    };
    let now = T0 + 25 * 60 * MIN;
    assert_eq!(c.at(now).alert, Some(Alert::Expired));
    assert!(may_extend(&c, 24 * 60, now).is_err());
    assert_eq!(may_extend(&c, 24 * 60, T0 + 23 * 60 * MIN), Ok(()));
    c.extended_minutes = 24 * 60;
    assert_eq!(c.due_at(), T0 + 48 * 60 * MIN);
    let expired = c.at(now).alert == Some(Alert::Expired);
    assert!(!expired);
    assert_eq!(may(&inside(true, expired), AreaAction::Leave), Ok(()));
}

/// A change of measure starts a new clock with its own basis, from the arrival time: from a
/// criminal summons (12 h) to continued questioning (24 h) at hour 11, the new clock is at
/// 11 of 24 hours; the same measure again, a case deadline, or a measure whose limit already
/// passed since the arrival are refused.
#[test]
fn a_measure_change_starts_a_new_clock_from_the_arrival() {
    let summons = limit("criminal_summons");
    let questioning = limit("continued_questioning");
    let now = T0 + 11 * 60 * MIN;
    assert_eq!(
        may_start_measure(Some("criminal_summons"), &questioning, T0, now),
        Ok(())
    );
    let c = Clock {
        limit: &questioning,
        started_at: T0,
        extended_minutes: 0,
        stopped_at: None,
    };
    let s = c.at(now);
    assert_eq!(s.due_at, T0 + 24 * 60 * MIN);
    assert_eq!(s.remaining_us, 13 * 60 * MIN);
    assert_eq!(s.alert, None);
    assert!(matches!(
        may_start_measure(Some("criminal_summons"), &summons, T0, now),
        Err(MeasureRefusal::Same(_))
    ));
    assert!(matches!(
        may_start_measure(None, &limit("arrest_request"), T0, now),
        Err(MeasureRefusal::NotCustody(_))
    ));
    // The public-security summons' 8 h have passed at hour 11.
    assert!(matches!(
        may_start_measure(Some("criminal_summons"), &limit("admin_summons"), T0, now),
        Err(MeasureRefusal::AlreadyExpired(_))
    ));
    // The old clock stops where the new one starts.
    let old = Clock {
        limit: &summons,
        started_at: T0,
        extended_minutes: 0,
        stopped_at: Some(now),
    };
    let later = old.at(T0 + 30 * 60 * MIN);
    assert!(later.stopped);
    // 11 of 12 hours: past the 90% warning, never expired.
    assert_eq!(later.alert, Some(Alert::Third));
}

/// A person out of the area can only be brought back — after expiry too — and an exited
/// record takes nothing.
#[test]
fn out_only_returns_and_exited_takes_nothing() {
    for expired in [false, true] {
        let out = CustodyFacts {
            status: CustodyStatus::Out,
            safety_checked: true,
            info_collected: true,
            expired,
        };
        for a in EVERY_ACTION {
            let r = may(&out, a);
            if a == AreaAction::Return {
                assert_eq!(r, Ok(()));
            } else {
                assert_eq!(r, Err(AreaRefusal::Outside), "{a:?}");
            }
        }
        let exited = CustodyFacts {
            status: CustodyStatus::Exited,
            ..out
        };
        for a in EVERY_ACTION {
            assert_eq!(may(&exited, a), Err(AreaRefusal::Exited), "{a:?}");
        }
    }
}

#[test]
fn the_safety_check_comes_first() {
    let fresh = inside(false, false);
    for kind in [RoomKind::SafetyCheck, RoomKind::Waiting] {
        assert_eq!(may(&fresh, AreaAction::MoveTo(kind)), Ok(()));
    }
    for kind in RoomKind::ALL {
        let r = may(&fresh, AreaAction::MoveTo(kind));
        if kind == RoomKind::Belongings {
            assert_eq!(r, Err(AreaRefusal::NotForPeople));
        } else if !kind.before_safety_check() {
            assert_eq!(r, Err(AreaRefusal::SafetyCheckFirst), "{kind:?}");
        }
    }
    assert_eq!(
        may(&fresh, AreaAction::InfoCollected),
        Err(AreaRefusal::SafetyCheckFirst)
    );
    assert_eq!(
        may(&fresh, AreaAction::Leave),
        Err(AreaRefusal::SafetyCheckFirst)
    );
    assert_eq!(may(&fresh, AreaAction::Belonging), Ok(()));
    assert_eq!(may(&fresh, AreaAction::Exit), Ok(()));
    let checked = inside(true, false);
    assert_eq!(
        may(&checked, AreaAction::SafetyCheck),
        Err(AreaRefusal::Repeated)
    );
    assert_eq!(
        may(&checked, AreaAction::MoveTo(RoomKind::Interrogation)),
        Ok(())
    );
    let collected = CustodyFacts {
        info_collected: true,
        ..checked
    };
    assert_eq!(
        may(&collected, AreaAction::InfoCollected),
        Err(AreaRefusal::Repeated)
    );
}

#[test]
fn arrival_times_at_most_a_day_back() {
    let now = T0;
    assert_eq!(check_arrival(now, now), Ok(()));
    assert_eq!(check_arrival(now + 1, now), Err(ArrivalError::Future));
    assert_eq!(check_arrival(now - 24 * 60 * MIN, now), Ok(()));
    assert_eq!(
        check_arrival(now - 24 * 60 * MIN - 1, now),
        Err(ArrivalError::TooOld)
    );
}

#[test]
fn outcomes_that_say_little_need_a_note() {
    assert!(Outcome::Transferred.needs_note());
    assert!(Outcome::Other.needs_note());
    assert!(!Outcome::Released.needs_note());
    assert!(PersonRole::Suspect.needs_measure());
    assert!(!PersonRole::Witness.needs_measure());
}
