//! Object-level 110 rules: operating a unit, seeing and closing an incident, live events.
//!
//! The city below: city `/3302/`, districts Haishu `/3302/03/` and Yinzhou `/3302/12/`,
//! stations Gulou `/3302/03/01/` and Yuehu `/3302/03/02/` under Haishu, Zhonghe
//! `/3302/12/01/` under Yinzhou.

use jingwu_command::incident::AssignmentStatus;
use jingwu_command::policy::*;
use jingwu_core::{Denied, Principal, Role};

const CITY: &str = "/3302/";
const HAISHU: &str = "/3302/03/";
const GULOU: &str = "/3302/03/01/";
const YUEHU: &str = "/3302/03/02/";
const YINZHOU: &str = "/3302/12/";
const ZHONGHE: &str = "/3302/12/01/";

fn who(role: Role, username: &str, path: &str) -> Principal {
    Principal {
        user_id: format!("id-{username}"),
        username: username.into(),
        role,
        org_id: "o".into(),
        org_path: path.into(),
    }
}

fn crew(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| s.to_string()).collect()
}

/// A unit of `path` crewed by `crew` that is on the incident now (dispatched).
fn on<'a>(org_path: &'static str, crew: &'a [String]) -> AssignedUnit<'a> {
    with(org_path, crew, AssignmentStatus::Dispatched)
}

fn with<'a>(
    org_path: &'static str,
    crew: &'a [String],
    status: AssignmentStatus,
) -> AssignedUnit<'a> {
    AssignedUnit {
        unit: UnitFacts { org_path, crew },
        status,
    }
}

fn facts<'a>(org_path: &'a str, assigned: &'a [AssignedUnit<'a>]) -> IncidentFacts<'a> {
    IncidentFacts {
        org_path,
        handover_from_path: None,
        assigned,
    }
}

#[test]
fn crew_membership_is_exact() {
    let c = crew(&["li.na", "wang.wei"]);
    assert!(crew_includes(&c, "li.na"));
    assert!(!crew_includes(&c, "li"));
    assert!(!crew_includes(&c, "LI.NA"));
    assert!(!crew_includes(&[], "li.na"));
}

#[test]
fn operating_a_unit() {
    let c = crew(&["li.na"]);
    let gulou_car = UnitFacts {
        org_path: GULOU,
        crew: &c,
    };
    // An officer on the crew, even of a unit outside their own station.
    assert_eq!(
        may_operate(&who(Role::Officer, "li.na", GULOU), &gulou_car),
        Ok(())
    );
    assert_eq!(
        may_operate(&who(Role::Officer, "li.na", ZHONGHE), &gulou_car),
        Ok(())
    );
    // An officer of the same station who is not on the crew: as if the unit did not exist.
    assert_eq!(
        may_operate(&who(Role::Officer, "zhao.lei", GULOU), &gulou_car),
        Err(Denied::Scope)
    );
    // Dispatchers by subtree: the station, its district, the city; not the sibling station.
    for path in [GULOU, HAISHU, CITY] {
        assert_eq!(
            may_operate(&who(Role::Dispatcher, "d", path), &gulou_car),
            Ok(()),
            "{path}"
        );
    }
    for path in [YUEHU, YINZHOU, ZHONGHE] {
        assert_eq!(
            may_operate(&who(Role::Dispatcher, "d", path), &gulou_car),
            Err(Denied::Scope),
            "{path}"
        );
    }
    // Roles without the action are refused as roles, even a city admin or a crew-listed clerk.
    let admin = who(Role::Admin, "li.na", CITY);
    assert!(matches!(
        may_operate(&admin, &gulou_car),
        Err(Denied::Role(Role::Admin, _))
    ));
    let clerk = who(Role::TrafficClerk, "li.na", GULOU);
    assert!(matches!(
        may_operate(&clerk, &gulou_car),
        Err(Denied::Role(Role::TrafficClerk, _))
    ));
}

#[test]
fn incident_visibility_owner_subtree() {
    let none: [AssignedUnit; 0] = [];
    let incident = facts(GULOU, &none);
    for (role, path, want) in [
        (Role::Dispatcher, GULOU, true),
        (Role::Dispatcher, HAISHU, true),
        (Role::Admin, CITY, true),
        (Role::Officer, GULOU, true), // an officer of the owning station
        (Role::Dispatcher, YUEHU, false),
        (Role::Dispatcher, YINZHOU, false),
        (Role::Officer, YUEHU, false),
        // Roles without 110 read access see nothing, even at the city.
        (Role::LegalSupervisor, CITY, false),
        (Role::FireCommander, GULOU, false),
        (Role::Citizen, CITY, false),
    ] {
        assert_eq!(
            incident_visible(&who(role, "x", path), &incident),
            want,
            "{role} at {path}"
        );
    }
}

#[test]
fn incident_visibility_through_assigned_units() {
    let c = crew(&["li.na"]);
    // A Zhonghe (other district) unit lent to a Gulou incident.
    let lent = [on(ZHONGHE, &c)];
    let incident = facts(GULOU, &lent);
    // The lent unit's station and district see it; other places do not.
    assert!(incident_visible(
        &who(Role::Dispatcher, "d", ZHONGHE),
        &incident
    ));
    assert!(incident_visible(
        &who(Role::Dispatcher, "d", YINZHOU),
        &incident
    ));
    assert!(!incident_visible(
        &who(Role::Dispatcher, "d", YUEHU),
        &incident
    ));
    // The crew sees it from wherever they belong; a colleague of the same station does not.
    assert!(incident_visible(
        &who(Role::Officer, "li.na", ZHONGHE),
        &incident
    ));
    assert!(incident_visible(
        &who(Role::Officer, "li.na", YUEHU),
        &incident
    ));
    assert!(!incident_visible(
        &who(Role::Officer, "zhao.lei", ZHONGHE),
        &incident
    ));
    // A role without 110 access gains nothing from an assigned unit's crew list.
    assert!(!incident_visible(
        &who(Role::TrafficClerk, "li.na", ZHONGHE),
        &incident
    ));
    // Several units: any one of them is enough.
    let other = crew(&["sun.li"]);
    let two = [on(YUEHU, &other), lent[0]];
    let incident = facts(GULOU, &two);
    assert!(incident_visible(
        &who(Role::Officer, "li.na", ZHONGHE),
        &incident
    ));
    assert!(incident_visible(&who(Role::Admin, "a", YUEHU), &incident));
}

#[test]
fn closing_an_incident() {
    let c = crew(&["li.na"]);
    let lent = [on(ZHONGHE, &c)];
    let incident = facts(GULOU, &lent);
    assert!(may_close(&who(Role::Officer, "li.na", ZHONGHE), &incident));
    // An officer of the owning station who is not on a unit on it.
    assert!(!may_close(
        &who(Role::Officer, "zhao.lei", GULOU),
        &incident
    ));
    assert!(may_close(&who(Role::Dispatcher, "d", HAISHU), &incident));
    // The lent unit's dispatcher sees the incident but closes from the owner's side only.
    assert!(!may_close(&who(Role::Dispatcher, "d", ZHONGHE), &incident));
    // Admins read 110 data but do not dispatch.
    assert!(!may_close(&who(Role::Admin, "a", CITY), &incident));
}

#[test]
fn rights_follow_the_current_assignment() {
    let c = crew(&["li.na"]);
    let officer = who(Role::Officer, "li.na", ZHONGHE);
    let lender = who(Role::Dispatcher, "d", ZHONGHE);
    // Called off: the crew neither sees nor closes it, nor does the lending room see it.
    let cancelled = [with(ZHONGHE, &c, AssignmentStatus::Cancelled)];
    let incident = facts(GULOU, &cancelled);
    assert!(!incident_visible(&officer, &incident));
    assert!(!may_close(&officer, &incident));
    assert!(!incident_visible(&lender, &incident));
    // Cleared from the scene: the crew still reads what it worked on, but closes nothing.
    let cleared = [with(ZHONGHE, &c, AssignmentStatus::Cleared)];
    let incident = facts(GULOU, &cleared);
    assert!(incident_visible(&officer, &incident));
    assert!(!may_close(&officer, &incident));
    // On it again: both come back.
    let again = [on(ZHONGHE, &c)];
    let incident = facts(GULOU, &again);
    assert!(incident_visible(&officer, &incident) && may_close(&officer, &incident));
}

#[test]
fn a_lender_recalls_its_unit_and_nothing_more() {
    let c = crew(&["li.na"]);
    let lent = [on(ZHONGHE, &c)];
    let incident = facts(GULOU, &lent);
    let lender = who(Role::Dispatcher, "d", YINZHOU);
    let unit = lent[0].unit;
    assert!(incident_visible(&lender, &incident));
    assert!(may_withdraw(&lender, &incident, &unit));
    assert!(!owns(&lender, &incident));
    assert!(!may_close(&lender, &incident));
    // The owner's rooms may withdraw any unit on it; a third room may not.
    assert!(may_withdraw(
        &who(Role::Dispatcher, "d", GULOU),
        &incident,
        &unit
    ));
    assert!(may_withdraw(
        &who(Role::Dispatcher, "d", CITY),
        &incident,
        &unit
    ));
    assert!(!may_withdraw(
        &who(Role::Dispatcher, "d", YUEHU),
        &incident,
        &unit
    ));
    assert!(!may_withdraw(
        &who(Role::Officer, "li.na", ZHONGHE),
        &incident,
        &unit
    ));
}

#[test]
fn a_handover_awaiting_sign_for_shows_in_both_rooms() {
    let none: [AssignedUnit; 0] = [];
    let incident = IncidentFacts {
        org_path: ZHONGHE,
        handover_from_path: Some(GULOU),
        assigned: &none,
    };
    let sender = who(Role::Dispatcher, "d", GULOU);
    assert!(incident_visible(&sender, &incident));
    assert!(!owns(&sender, &incident));
    assert!(owns(&who(Role::Dispatcher, "d", ZHONGHE), &incident));
    assert!(!incident_visible(
        &who(Role::Dispatcher, "d", YUEHU),
        &incident
    ));
    // Signed for: the sender no longer sees it.
    let signed = facts(ZHONGHE, &none);
    assert!(!incident_visible(&sender, &signed));
}

fn org(path: &str) -> EventScope {
    EventScope::Org {
        org_path: path.into(),
    }
}

fn log_of(unit_id: &str, path: &str, names: &[&str]) -> EventScope {
    EventScope::Operators {
        unit_id: unit_id.into(),
        org_path: path.into(),
        crew: crew(names),
    }
}

#[test]
fn browser_stream_org_events() {
    let b = Listener::Browser;
    for (p, path, want) in [
        (who(Role::Dispatcher, "d", GULOU), GULOU, true),
        (who(Role::Dispatcher, "d", GULOU), YUEHU, false),
        (who(Role::Dispatcher, "d", GULOU), HAISHU, false), // not its parent's events
        (who(Role::Dispatcher, "d", HAISHU), YUEHU, true),
        (who(Role::Dispatcher, "d", HAISHU), ZHONGHE, false),
        (who(Role::Admin, "a", CITY), ZHONGHE, true),
        (who(Role::Officer, "o", GULOU), GULOU, true),
        (who(Role::LegalSupervisor, "l", CITY), GULOU, false),
        (who(Role::Citizen, "c", CITY), GULOU, false),
    ] {
        assert_eq!(
            may_receive(&p, b, &org(path)),
            want,
            "{} at {} for {path}",
            p.role,
            p.org_path
        );
    }
}

#[test]
fn browser_stream_terminal_logs() {
    let b = Listener::Browser;
    let ev = log_of("car-1", GULOU, &["li.na"]);
    assert!(may_receive(&who(Role::Officer, "li.na", GULOU), b, &ev));
    // Officer of the station, not on the crew.
    assert!(!may_receive(&who(Role::Officer, "zhao.lei", GULOU), b, &ev));
    // On the crew of a unit outside their subtree: the stream does not offer it.
    assert!(!may_receive(&who(Role::Officer, "li.na", ZHONGHE), b, &ev));
    // Dispatchers of the subtree receive it; admins read 110 data but operate no unit.
    assert!(may_receive(&who(Role::Dispatcher, "d", HAISHU), b, &ev));
    assert!(may_receive(&who(Role::Dispatcher, "d", CITY), b, &ev));
    assert!(!may_receive(&who(Role::Dispatcher, "d", YUEHU), b, &ev));
    assert!(!may_receive(&who(Role::Admin, "a", CITY), b, &ev));
    // The crew as published decides: after li.na left, her stream no longer gets the log.
    let later = log_of("car-1", GULOU, &["wang.wei"]);
    assert!(!may_receive(&who(Role::Officer, "li.na", GULOU), b, &later));
}

#[test]
fn terminal_socket_gets_only_its_units_log() {
    let officer = who(Role::Officer, "li.na", ZHONGHE);
    let car1 = Listener::Terminal { unit_id: "car-1" };
    let ev = log_of("car-1", GULOU, &["li.na"]);
    // Unlike the browser stream, a crew member's terminal works outside their own subtree.
    assert!(may_receive(&officer, car1, &ev));
    assert!(!may_receive(
        &officer,
        Listener::Terminal { unit_id: "car-2" },
        &ev
    ));
    // Another unit's log, even one she crews, does not reach this socket.
    assert!(!may_receive(
        &officer,
        car1,
        &log_of("car-2", GULOU, &["li.na"])
    ));
    // Org events never go to terminal sockets.
    assert!(!may_receive(&officer, car1, &org(GULOU)));
    // Removed from the crew: the socket stops receiving.
    assert!(!may_receive(
        &officer,
        car1,
        &log_of("car-1", GULOU, &["wang.wei"])
    ));
    // A dispatcher's console on a unit in its subtree, not elsewhere.
    assert!(may_receive(&who(Role::Dispatcher, "d", HAISHU), car1, &ev));
    assert!(!may_receive(
        &who(Role::Dispatcher, "d", YINZHOU),
        car1,
        &ev
    ));
    assert!(!may_receive(&who(Role::Admin, "a", CITY), car1, &ev));
}
