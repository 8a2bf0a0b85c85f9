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
    for s in &IncidentStatus::ALL {
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

fn survivor(dispatched: Option<i64>, en_route: Option<i64>) -> Milestones {
    Milestones {
        dispatched_at: dispatched,
        acknowledged_at: None,
        en_route_at: en_route,
        on_scene_at: None,
    }
}

fn moved(d: i64, ack: i64, er: i64, os: Option<i64>) -> Milestones {
    Milestones {
        dispatched_at: Some(d),
        acknowledged_at: Some(ack),
        en_route_at: Some(er),
        on_scene_at: os,
    }
}

#[test]
fn survivor_milestones_keep_its_own_and_stay_ordered() {
    // Undispatched survivor created after the unit set off: clamped to its creation.
    let got = survivor_milestones(100, &survivor(None, None), &moved(50, 60, 70, Some(90)));
    assert_eq!(
        got.reached(),
        [
            (Dispatched, 100),
            (Acknowledged, 100),
            (EnRoute, 100),
            (OnScene, 100)
        ]
    );
    // Survivor dispatched later than the moved unit's en route: en route follows dispatch.
    let got = survivor_milestones(10, &survivor(Some(80), None), &moved(20, 30, 40, None));
    assert_eq!(
        got.reached(),
        [(Dispatched, 80), (Acknowledged, 80), (EnRoute, 80)]
    );
    // Its own en route is kept; the moved arrival comes after it.
    let got = survivor_milestones(
        10,
        &survivor(Some(20), Some(50)),
        &moved(15, 16, 30, Some(40)),
    )
    .reached();
    assert_eq!(got.last(), Some(&(OnScene, 50)));
    assert!(got.contains(&(EnRoute, 50)));
    // Everything the survivor has is kept as it is, even when the moved unit was earlier.
    let full = moved(20, 21, 22, Some(23));
    assert_eq!(
        survivor_milestones(10, &full, &moved(11, 12, 13, Some(14))),
        full
    );
    // A moved assignment without a dispatch instant (not one the store writes): the survivor's
    // creation stands in.
    let got = survivor_milestones(10, &Milestones::default(), &Milestones::default());
    assert_eq!(got.reached(), [(Dispatched, 10)]);
}

proptest! {
    /// The survivor reached its own stages in order (a prefix of dispatched, acknowledged, en
    /// route, on scene); whatever the moved unit's instants, the result keeps the survivor's
    /// own, is dispatched no earlier than created, and nothing comes before the dispatch nor
    /// the arrival before en route.
    #[test]
    fn survivor_milestones_are_ordered_and_keep_the_survivors(
        created in 0i64..1_000,
        reached in 0usize..=4,
        steps in prop::collection::vec(0i64..100, 4),
        other in prop::collection::vec(prop::option::of(0i64..2_000), 4),
    ) {
        let mut t = created;
        let own: Vec<Option<i64>> = (0..4)
            .map(|i| (i < reached).then(|| { t += steps[i]; t }))
            .collect();
        let s = Milestones { dispatched_at: own[0], acknowledged_at: own[1], en_route_at: own[2], on_scene_at: own[3] };
        let m = Milestones { dispatched_at: other[0], acknowledged_at: other[1], en_route_at: other[2], on_scene_at: other[3] };
        let got = survivor_milestones(created, &s, &m);
        let dispatched = got.dispatched_at.unwrap();
        prop_assert!(dispatched >= created);
        for (mine, out) in [(s.dispatched_at, got.dispatched_at), (s.acknowledged_at, got.acknowledged_at), (s.en_route_at, got.en_route_at), (s.on_scene_at, got.on_scene_at)] {
            if mine.is_some() {
                prop_assert_eq!(mine, out);
            }
        }
        for (_, at) in got.reached() {
            prop_assert!(at >= dispatched);
        }
        if let (Some(er), Some(os)) = (got.en_route_at, got.on_scene_at) {
            prop_assert!(os >= er, "{:?}", got);
        }
    }
}

/// Existing databases hold these codes: the enums must keep decoding every one of them.
#[test]
fn stored_codes_of_records_stay_the_same() {
    use jingwu_command::records::{LayerKind, MediaKind, MessageKind};
    use jingwu_core::TextEnum;

    fn codes<T: TextEnum>() -> Vec<&'static str> {
        T::VARIANTS.iter().map(|v| v.code()).collect()
    }
    assert_eq!(
        codes::<AssignmentStatus>(),
        [
            "dispatched",
            "acknowledged",
            "en_route",
            "on_scene",
            "cleared",
            "cancelled",
            "merged"
        ]
    );
    assert_eq!(
        codes::<EventKind>(),
        [
            "created",
            "duplicate_flagged",
            "handed_over",
            "merged_into",
            "merged_from",
            "dispatched",
            "acknowledged",
            "en_route",
            "on_scene",
            "cleared",
            "cancelled",
            "closed",
            "media_added",
            "case_opened",
            "updated",
            "note",
            "reopened",
            "signed_for",
            "linkage_sent",
            "linkage_acknowledged",
            "linkage_failed"
        ]
    );
    assert_eq!(
        codes::<MessageKind>(),
        [
            "assignment",
            "reassigned",
            "cancelled",
            "incident_updated",
            "incident_closed"
        ]
    );
    assert_eq!(codes::<LayerKind>(), ["imported", "pushed", "live"]);
    assert_eq!(codes::<MediaKind>(), ["photo", "video"]);
}

/// Withdrawing the last unit puts an incident back to pending (issue 10: cancelling the only
/// unit used to leave it "dispatched"); with units left it keeps its stage; final stays final.
#[test]
fn after_withdrawal_goes_back_to_pending_only_when_nobody_is_left() {
    for s in [Dispatched, Acknowledged, EnRoute, OnScene] {
        assert_eq!(after_withdrawal(s, 0), New, "{s}");
        assert_eq!(after_withdrawal(s, 1), s, "{s}");
    }
    assert_eq!(after_withdrawal(Closed, 0), Closed);
    assert_eq!(after_withdrawal(Merged, 0), Merged);
    assert!(AssignmentStatus::EnRoute.is_active());
    assert!(!AssignmentStatus::Cancelled.is_active() && !AssignmentStatus::Cleared.is_active());
    assert_eq!(
        AssignmentStatus::withdrawn_from(false),
        AssignmentStatus::Cancelled
    );
    assert_eq!(
        AssignmentStatus::withdrawn_from(true),
        AssignmentStatus::Cleared
    );
}
