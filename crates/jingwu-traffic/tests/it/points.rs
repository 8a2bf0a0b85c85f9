use jingwu_traffic::{Decision, Points, PointsFacts, Reduction, ReductionMethod, points};

use crate::d;

pub fn decision(id: &str, points: u8, decided_on: &str, paid_on: Option<&str>) -> Decision {
    let decided = d(decided_on);
    Decision {
        violation_id: id.into(),
        points,
        decided_on: decided,
        deadline: jingwu_traffic::late_fee::deadline(decided),
        paid_on: paid_on.map(d),
        revoked: false,
    }
}

fn at(today: &str, decisions: &[Decision], reductions: &[Reduction]) -> Points {
    points(&PointsFacts {
        first_issue: d("2015-06-01"),
        today: d(today),
        decisions,
        reductions,
        full_score_cleared_on: None,
    })
    .unwrap()
}

#[test]
fn nothing_before_the_first_issue() {
    let facts = PointsFacts {
        first_issue: d("2015-06-01"),
        today: d("2015-05-31"),
        decisions: &[],
        reductions: &[],
        full_score_cleared_on: None,
    };
    assert_eq!(points(&facts), None);
}

#[test]
fn paid_points_clear_at_the_cycle_end() {
    let ds = [
        decision("v1", 6, "2025-09-01", Some("2025-09-05")),
        decision("v2", 3, "2026-01-10", Some("2026-01-20")),
    ];
    let now = at("2026-05-31", &ds, &[]);
    assert_eq!((now.recorded, now.balance, now.carried), (9, 9, 0));
    assert_eq!(now.counted, ["v1", "v2"]);
    let next = at("2026-06-01", &ds, &[]);
    assert_eq!(next.cycle.start, d("2026-06-01"));
    assert_eq!((next.recorded, next.balance), (0, 0));
    assert!(next.counted.is_empty());
}

#[test]
fn an_overdue_unpaid_fine_carries_its_points() {
    let ds = [
        decision("paid", 3, "2025-09-01", Some("2025-09-05")),
        decision("unpaid", 6, "2026-03-01", None),
    ];
    let next = at("2026-07-01", &ds, &[]);
    assert_eq!((next.recorded, next.carried, next.balance), (6, 6, 6));
    assert_eq!(next.counted, ["unpaid"]);
    // It keeps carrying while unpaid…
    assert_eq!(at("2027-07-01", &ds, &[]).carried, 6);
}

#[test]
fn a_fine_paid_after_the_cycle_end_still_carried_over_it() {
    let ds = [decision("late", 6, "2026-03-01", Some("2026-06-10"))];
    assert_eq!(at("2026-07-01", &ds, &[]).carried, 6);
    // …and clears at the following end, paid by then.
    assert_eq!(at("2027-06-01", &ds, &[]).carried, 0);
}

#[test]
fn a_fine_not_yet_due_at_the_cycle_end_clears() {
    // Decided on 25 May: the deadline (9 June) is after the cycle end (1 June).
    let ds = [decision("fresh", 3, "2026-05-25", None)];
    assert_eq!(at("2026-05-31", &ds, &[]).balance, 3);
    let next = at("2026-06-01", &ds, &[]);
    assert_eq!((next.recorded, next.carried), (0, 0));
}

#[test]
fn a_revoked_decision_counts_nothing() {
    let mut revoked = decision("v1", 6, "2026-01-10", None);
    revoked.revoked = true;
    let now = at(
        "2026-02-01",
        &[revoked.clone(), decision("v2", 1, "2026-01-11", None)],
        &[],
    );
    assert_eq!((now.recorded, now.balance), (1, 1));
    assert_eq!(now.counted, ["v2"]);
    // Decided again after the revocation: the standing decision counts.
    let again = decision("v1", 3, "2026-01-20", None);
    let now = at("2026-02-01", &[revoked, again], &[]);
    assert_eq!(now.counted, ["v1"]);
    assert_eq!(now.recorded, 3);
}

#[test]
fn the_same_violation_is_scored_once() {
    let ds = [
        decision("v1", 6, "2026-01-10", None),
        decision("v1", 6, "2026-01-10", None),
        decision("v1", 6, "2026-01-12", None),
    ];
    let now = at("2026-02-01", &ds, &[]);
    assert_eq!((now.recorded, now.counted.len()), (6, 1));
}

#[test]
fn reductions_count_in_their_own_cycle_only() {
    let ds = [decision("v1", 6, "2026-03-01", None)];
    let rs = [
        Reduction {
            points: 1,
            granted_on: d("2026-03-10"),
            method: ReductionMethod::OnlineStudy,
        },
        Reduction {
            points: 2,
            granted_on: d("2025-12-10"),
            method: ReductionMethod::OnSiteStudy,
        },
    ];
    let now = at("2026-04-01", &ds, &rs);
    assert_eq!((now.recorded, now.reduced, now.balance), (6, 3, 3));
    // Next cycle: the carried 6 points stand, the old reductions are gone.
    let next = at("2026-07-01", &ds, &rs);
    assert_eq!((next.recorded, next.reduced, next.balance), (6, 0, 6));
}

#[test]
fn full_score_and_its_clearing() {
    let ds = [
        decision("v1", 6, "2026-01-10", Some("2026-01-11")),
        decision("v2", 6, "2026-02-10", Some("2026-02-11")),
        decision("v3", 3, "2026-04-01", None),
    ];
    let before = at("2026-03-01", &ds, &[]);
    assert!(before.full_score);
    assert_eq!(before.balance, 12);
    let cleared = points(&PointsFacts {
        first_issue: d("2015-06-01"),
        today: d("2026-04-02"),
        decisions: &ds,
        reductions: &[],
        full_score_cleared_on: Some(d("2026-03-20")),
    })
    .unwrap();
    assert!(!cleared.full_score);
    assert_eq!(
        (cleared.recorded, cleared.counted.clone()),
        (3, vec!["v3".to_owned()])
    );
}

#[test]
fn reductions_cannot_push_the_balance_below_zero() {
    let ds = [decision("v1", 1, "2026-03-01", None)];
    let rs = [Reduction {
        points: 2,
        granted_on: d("2026-03-10"),
        method: ReductionMethod::OnSiteStudy,
    }];
    let now = at("2026-04-01", &ds, &rs);
    assert_eq!((now.recorded, now.reduced, now.balance), (1, 2, 0));
}
