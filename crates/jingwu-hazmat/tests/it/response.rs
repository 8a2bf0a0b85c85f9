//! The 1335 response: levels and step deadlines.

use jiff::Timestamp;
use jingwu_hazmat::response::{
    LevelCriteria, LevelFacts, LinkageStep, ResponseLevel, response_level, response_level_with,
    step_statuses,
};

fn facts() -> LevelFacts {
    LevelFacts {
        red_zone_length_m: 0.0,
        orange_zone_length_m: 0.0,
        enterprises_inside: 0,
        key_sites_inside: 0,
        casualties: 0,
    }
}

#[test]
fn levels_by_the_default_criteria() {
    assert_eq!(response_level(&facts()), ResponseLevel::Level3);
    let f = LevelFacts {
        red_zone_length_m: 499.0,
        orange_zone_length_m: 1999.0,
        enterprises_inside: 2,
        casualties: 2,
        ..facts()
    };
    assert_eq!(response_level(&f), ResponseLevel::Level3);
    for f in [
        LevelFacts {
            red_zone_length_m: 500.0,
            ..facts()
        },
        LevelFacts {
            orange_zone_length_m: 2000.0,
            ..facts()
        },
        LevelFacts {
            enterprises_inside: 3,
            ..facts()
        },
        LevelFacts {
            key_sites_inside: 1,
            ..facts()
        },
        LevelFacts {
            casualties: 3,
            ..facts()
        },
    ] {
        assert_eq!(response_level(&f), ResponseLevel::Level2, "{f:?}");
    }
    for f in [
        LevelFacts {
            red_zone_length_m: 2000.0,
            ..facts()
        },
        LevelFacts {
            orange_zone_length_m: 5000.0,
            ..facts()
        },
        LevelFacts {
            enterprises_inside: 10,
            ..facts()
        },
        LevelFacts {
            key_sites_inside: 3,
            ..facts()
        },
        LevelFacts {
            casualties: 10,
            ..facts()
        },
    ] {
        assert_eq!(response_level(&f), ResponseLevel::Level1, "{f:?}");
    }
    let mut strict = LevelCriteria::default();
    strict.level1.casualties = 1;
    assert_eq!(
        response_level_with(
            &LevelFacts {
                casualties: 1,
                ..facts()
            },
            &strict
        ),
        ResponseLevel::Level1
    );
    assert_eq!(ResponseLevel::Level1.label_zh(), "一级响应");
}

#[test]
fn steps_targets_and_order() {
    let targets: Vec<i64> = LinkageStep::ALL.iter().map(|s| s.target_s()).collect();
    assert_eq!(targets, [0, 60, 180, 300]);
    assert_eq!(LinkageStep::Alarm.next(), Some(LinkageStep::Dispatch));
    assert_eq!(
        LinkageStep::Linkage.next(),
        Some(LinkageStep::PublicWarning)
    );
    assert_eq!(LinkageStep::PublicWarning.next(), None);
}

#[test]
fn statuses_against_the_deadlines() {
    let t0: Timestamp = "2026-12-01T08:00:00Z".parse().unwrap();
    let at = |s: i64| t0.checked_add(jiff::SignedDuration::from_secs(s)).unwrap();
    let done = [
        (LinkageStep::Dispatch, at(70)),
        (LinkageStep::Dispatch, at(50)),
        (LinkageStep::Linkage, at(200)),
    ];
    let s = step_statuses(t0, &done, at(250));
    assert_eq!(s.len(), 4);
    assert_eq!(s[0].step, LinkageStep::Alarm);
    assert_eq!((s[0].done_at, s[0].late), (Some(t0), false));
    assert_eq!(s[1].due_at, at(60));
    assert_eq!((s[1].done_at, s[1].late), (Some(at(50)), false));
    assert_eq!((s[2].due_at, s[2].late), (at(180), true));
    assert_eq!(
        (s[3].due_at, s[3].done_at, s[3].late),
        (at(300), None, false)
    );
    // Past five minutes with no public warning: late.
    let s = step_statuses(t0, &done, at(301));
    assert!(s[3].late);
    // Exactly on time is not late.
    let s = step_statuses(t0, &[(LinkageStep::PublicWarning, at(300))], at(400));
    assert!(!s[3].late);
    assert!(s[1].late && s[2].late);
}
