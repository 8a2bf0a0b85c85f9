use std::collections::BTreeSet;

use jingwu_traffic::violations::{CODES, code};
use jingwu_traffic::{Fen, ViolationStatus};

#[test]
fn the_table_is_well_formed() {
    assert!(CODES.len() >= 25);
    let mut seen = BTreeSet::new();
    for c in CODES {
        assert!(seen.insert(c.code), "{} twice", c.code);
        assert!(
            (4..=5).contains(&c.code.len()) && c.code.bytes().all(|b| b.is_ascii_digit()),
            "{}",
            c.code
        );
        assert!(
            [0, 1, 3, 6, 9, 12].contains(&c.points),
            "{}: {} points",
            c.code,
            c.points
        );
        assert!(c.fine >= Fen::ZERO);
        assert!(!c.name_zh.is_empty() && !c.name_en.is_empty());
    }
}

#[test]
fn the_sample_values() {
    let points_of = |en: &str| {
        CODES
            .iter()
            .find(|c| c.name_en == en)
            .map(|c| c.points)
            .unwrap_or_else(|| panic!("{en}"))
    };
    assert_eq!(points_of("Driving after drinking alcohol"), 12);
    assert_eq!(
        points_of("Hit-and-run causing light injury or worse, not a crime"),
        12
    );
    assert_eq!(
        points_of("Hit-and-run causing property damage or slight injury"),
        6
    );
    assert_eq!(points_of("Running a red light"), 6);
    assert_eq!(points_of("Using a handheld phone while driving"), 3);
    assert_eq!(points_of("Not yielding to pedestrians at a crosswalk"), 3);
    assert_eq!(points_of("Not wearing a seat belt"), 1);
    assert_eq!(
        points_of("Speeding on ordinary roads, 20% to under 50% over"),
        3
    );
    assert_eq!(points_of("Speeding on ordinary roads, 50% or more over"), 6);
    assert_eq!(
        points_of("Speeding on expressways, 20% to under 50% over"),
        6
    );
    assert_eq!(points_of("Speeding on expressways, 50% or more over"), 12);
    assert_eq!(points_of("Illegal parking, driver absent"), 0);
    assert!(code("17110").unwrap().serious);
    assert!(!code("16250").unwrap().serious);
    assert_eq!(code("99999"), None);
}

#[test]
fn violation_status_moves() {
    use ViolationStatus::*;
    assert!(Pending.may_move(Decided) && Decided.may_move(Paid) && Decided.may_move(Revoked));
    assert!(!Paid.may_move(Decided) && !Revoked.may_move(Pending) && !Pending.may_move(Paid));
}
