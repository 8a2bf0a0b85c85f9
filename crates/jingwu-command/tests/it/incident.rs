use jingwu_command::incident::*;
use jingwu_command::unit::UnitStatus;
use proptest::prelude::*;

use IncidentStatus::*;

#[test]
fn advance_table() {
    let check = |cur, reached, want| assert_eq!(advance(cur, reached), want, "{cur} + {reached}");
    check(New, Dispatched, Dispatched);
    check(Dispatched, Acknowledged, Acknowledged);
    check(OnScene, Dispatched, OnScene); // a second unit's dispatch
    check(EnRoute, Acknowledged, EnRoute); // late acknowledgement
    check(OnScene, Closed, Closed);
    check(New, Merged, Merged);
    check(Closed, OnScene, Closed);
    check(Merged, Closed, Merged);
    check(Closed, Merged, Closed);
}

#[test]
fn predicates_and_unit_mapping() {
    for s in IncidentStatus::ALL {
        assert_eq!(s.is_open(), !matches!(s, Closed | Merged));
        assert!(!s.label_zh().is_empty() && !s.label_en().is_empty());
        assert_eq!(IncidentStatus::parse(s.as_str()), Ok(*s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
    }
    assert_eq!(
        IncidentStatus::from_unit(UnitStatus::Dispatched),
        Some(Dispatched)
    );
    assert_eq!(
        IncidentStatus::from_unit(UnitStatus::EnRoute),
        Some(EnRoute)
    );
    assert_eq!(
        IncidentStatus::from_unit(UnitStatus::OnScene),
        Some(OnScene)
    );
    assert_eq!(IncidentStatus::from_unit(UnitStatus::Busy), None);
    assert_eq!(IncidentStatus::from_unit(UnitStatus::Available), None);
}

proptest! {
    /// Folding any sequence of events: the stage never goes back, and once final it stays.
    #[test]
    fn advance_is_monotone_and_final_is_final(events in prop::collection::vec(prop::sample::select(IncidentStatus::ALL.to_vec()), 0..30)) {
        let mut s = New;
        let mut final_at: Option<IncidentStatus> = None;
        for e in events {
            let next = advance(s, e);
            prop_assert!(next >= s);
            if let Some(f) = final_at {
                prop_assert_eq!(next, f);
            }
            if next.is_final() && final_at.is_none() {
                final_at = Some(next);
            }
            s = next;
        }
    }
}
