use jingwu_command::response::*;
use jingwu_command::taxonomy::Priority;
use jingwu_command::unit::Tier;

const S: i64 = 1_000_000;
const T0: i64 = 1_800_000_000_000_000;

fn times(
    d: Option<i64>,
    a: Option<i64>,
    e: Option<i64>,
    o: Option<i64>,
    c: Option<i64>,
) -> IncidentTimes {
    let at = |x: Option<i64>| x.map(|s| T0 + s * S);
    IncidentTimes {
        created: T0,
        dispatched: at(d),
        acknowledged: at(a),
        en_route: at(e),
        on_scene: at(o),
        closed: at(c),
    }
}

#[test]
fn tier_targets_table() {
    let check = |t: Tier, s: i64| {
        assert_eq!(tier_target_s(t), s);
        assert!(TIER_TARGETS_S.contains(&(t, s)));
    };
    check(Tier::Station, 60);
    check(Tier::ArmedPatrol, 60);
    check(Tier::District, 180);
    check(Tier::City, 300);
    assert_eq!(TIER_TARGETS_S.len(), Tier::ALL.len());
}

#[test]
fn segments_and_verdict() {
    let t = times(Some(40), Some(50), Some(55), Some(100), Some(1900));
    let o = evaluate(&t, Tier::Station).unwrap();
    assert_eq!(o.processing_us, Some(40 * S));
    assert_eq!(o.acknowledge_us, Some(10 * S));
    assert_eq!(o.turnout_us, Some(15 * S));
    assert_eq!(o.travel_us, Some(45 * S));
    assert_eq!(o.arrival_us, Some(60 * S));
    assert_eq!(o.response_us, Some(100 * S));
    assert_eq!(o.close_us, Some(1900 * S));
    assert_eq!(o.basis, Basis::FromDispatch);
    assert_eq!(o.target_us, 60 * S);
    assert_eq!(o.met, Some(true));
}

#[test]
fn target_boundaries() {
    // (tier, dispatch→on scene seconds, met); dispatched at 10 s
    let check = |tier, arrival_s: i64, want: Option<bool>| {
        let on = (arrival_s >= 0).then_some(10 + arrival_s);
        let en = on.map(|_| 12);
        let o = evaluate(&times(Some(10), None, en, on, None), tier).unwrap();
        assert_eq!(o.met, want, "{tier} {arrival_s}");
    };
    check(Tier::Station, 60, Some(true));
    check(Tier::Station, 61, Some(false));
    check(Tier::ArmedPatrol, 60, Some(true));
    check(Tier::District, 180, Some(true));
    check(Tier::District, 181, Some(false));
    check(Tier::City, 300, Some(true));
    check(Tier::City, 301, Some(false));
    check(Tier::City, -1, None); // not on scene yet
}

#[test]
fn priority_targets_measure_from_creation() {
    let t = times(Some(200), None, Some(210), Some(300), None);
    let o = evaluate_priority(&t, Priority::P1).unwrap();
    assert_eq!(o.basis, Basis::FromCreated);
    assert_eq!(o.met, Some(true));
    let t = times(Some(200), None, Some(210), Some(301), None);
    assert_eq!(
        evaluate_priority(&t, Priority::P1).unwrap().met,
        Some(false)
    );
    assert_eq!(evaluate_priority(&t, Priority::P2).unwrap().met, Some(true));
    // same timeline misses the city tier (101 s) only if over 300 s from dispatch
    assert_eq!(evaluate(&t, Tier::City).unwrap().met, Some(true));
}

#[test]
fn inconsistent_timelines_are_refused() {
    let check = |t: IncidentTimes, want: &str| {
        let err = evaluate(&t, Tier::City).unwrap_err();
        assert_eq!(err.to_string(), want);
    };
    let us = |s: i64| T0 + s * S;
    check(
        times(Some(-1), None, None, None, None),
        &format!("dispatched ({}) is before created ({})", us(-1), us(0)),
    );
    check(
        times(Some(10), Some(9), None, None, None),
        &format!("acknowledged ({}) is before dispatched ({})", us(9), us(10)),
    );
    check(
        times(Some(10), Some(50), Some(12), Some(40), Some(45)),
        &format!("closed ({}) is before acknowledged ({})", us(45), us(50)),
    );
    check(
        times(Some(10), None, Some(30), Some(20), None),
        &format!("on_scene ({}) is before en_route ({})", us(20), us(30)),
    );
    // acknowledged after en route is accepted (terminal reported en route first)
    assert!(
        times(Some(10), Some(20), Some(15), Some(30), Some(40))
            .check()
            .is_ok()
    );
    check(
        times(Some(10), None, None, Some(30), Some(20)),
        &format!("closed ({}) is before on_scene ({})", us(20), us(30)),
    );
    check(
        times(None, None, None, Some(30), None),
        "on_scene is recorded but the incident was never dispatched",
    );
    check(
        times(None, Some(3), None, None, None),
        "acknowledged is recorded but the incident was never dispatched",
    );
    // equal instants and skipped stages are fine; closing without dispatch is fine
    assert!(
        times(Some(0), Some(0), Some(0), Some(0), Some(0))
            .check()
            .is_ok()
    );
    assert!(times(Some(5), None, None, Some(30), None).check().is_ok());
    assert!(times(None, None, None, None, Some(30)).check().is_ok());
    let o = evaluate(&times(Some(5), None, None, Some(30), None), Tier::City).unwrap();
    assert_eq!(
        (o.turnout_us, o.travel_us, o.arrival_us),
        (None, None, Some(25 * S))
    );
}
