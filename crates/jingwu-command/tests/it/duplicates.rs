use jingwu_command::duplicates::*;
use jingwu_command::taxonomy::{Category, Subcategory};
use proptest::prelude::*;

const MIN: i64 = 60_000_000;
/// Metres per degree of latitude on the mean sphere.
const M_PER_DEG_LAT: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0;

fn probe(id: &str, sub: Subcategory, north_m: f64, t_us: i64, open: bool) -> IncidentProbe {
    IncidentProbe {
        id: id.into(),
        category: sub.category(),
        subcategory: sub,
        lat: 29.87 + north_m / M_PER_DEG_LAT,
        lon: 121.55,
        created_us: 1_800_000_000_000_000 + t_us,
        open,
        caller_phone: String::new(),
    }
}

fn from(phone: &str, mut p: IncidentProbe) -> IncidentProbe {
    p.caller_phone = phone.into();
    p
}

#[test]
fn haversine_known_distances() {
    let check = |a: (f64, f64), b: (f64, f64), want_m: f64, tol: f64| {
        let d = haversine_m(a.0, a.1, b.0, b.1);
        assert!((d - want_m).abs() <= tol, "{a:?} {b:?}: {d}");
    };
    check((0.0, 0.0), (0.0, 0.0), 0.0, 1e-9);
    check((0.0, 0.0), (1.0, 0.0), 111_195.08, 0.1);
    check(
        (0.0, 0.0),
        (0.0, 180.0),
        EARTH_RADIUS_M * std::f64::consts::PI,
        1e-3,
    );
    // two points in Ningbo; reference value from an independent Python evaluation
    check((29.8683, 121.5510), (29.8640, 121.5300), 2080.659, 0.01);
}

#[test]
fn rule_boundaries() {
    let new = probe("new", Subcategory::Fight, 0.0, 0, true);
    let rule = DuplicateRule::default();
    assert_eq!(rule.max_distance_m, 300.0);
    assert_eq!(rule.window_us, 10 * MIN);
    let check = |r: IncidentProbe, want: bool| {
        let got = score(&new, &r, rule);
        assert_eq!(got.is_some(), want, "{r:?} -> {got:?}");
    };
    check(probe("a", Subcategory::Fight, 299.0, 0, true), true);
    check(probe("a", Subcategory::Fight, 301.0, 0, true), false);
    check(probe("a", Subcategory::Fight, 0.0, 10 * MIN, true), true);
    check(probe("a", Subcategory::Fight, 0.0, -10 * MIN, true), true);
    check(
        probe("a", Subcategory::Fight, 0.0, 10 * MIN + 1, true),
        false,
    );
    check(
        probe("a", Subcategory::Fight, 0.0, -10 * MIN - 1, true),
        false,
    );
    check(probe("a", Subcategory::Fight, 0.0, 0, false), false); // closed
    check(probe("new", Subcategory::Fight, 0.0, 0, true), false); // itself
    check(probe("a", Subcategory::Noise, 0.0, 0, true), true); // same category, other sub
    check(probe("a", Subcategory::Assault, 0.0, 0, true), false); // other category
}

#[test]
fn scores_order_results() {
    let new = probe("new", Subcategory::Fight, 0.0, 0, true);
    let recent = vec![
        probe("far", Subcategory::Fight, 250.0, 0, true),
        probe("old", Subcategory::Fight, 0.0, -8 * MIN, true),
        probe("same", Subcategory::Fight, 10.0, -MIN, true),
        probe("othersub", Subcategory::Disturbance, 10.0, -MIN, true),
        probe("traffic", Subcategory::Collision, 0.0, 0, true),
    ];
    let got = likely_duplicates(&new, &recent, DuplicateRule::default());
    let ids: Vec<&str> = got.iter().map(|m| m.id.as_str()).collect();
    // far: 1 − ½·250/300 + 0.1 ≈ 0.683; old: 1 − ½·8/10 + 0.1 = 0.7; the collision at the
    // same place and time is another category but very close: 1.0, after "same" by id.
    assert_eq!(ids, ["same", "traffic", "othersub", "old", "far"]);
    assert_eq!(got[1].reasons, [DuplicateReason::VeryClose]);
    // same place and time, same sub-category: 1.0 (capped)
    let s = score(
        &new,
        &probe("x", Subcategory::Fight, 0.0, 0, true),
        DuplicateRule::default(),
    )
    .unwrap();
    assert_eq!(s, 1.0);
    // at both limits, other sub-category: 0.0
    let s = score(
        &new,
        &probe("x", Subcategory::Noise, 299.999, 10 * MIN, true),
        DuplicateRule::default(),
    )
    .unwrap();
    assert!(s.abs() < 1e-3, "{s}");
}

proptest! {
    /// Against the rule's definition: reported iff open, other id, same category, within
    /// distance and window; scores in [0, 1]; sorted best first.
    #[test]
    fn matches_the_definition(
        items in prop::collection::vec((0usize..4, -500.0f64..500.0, -15 * MIN..15 * MIN, any::<bool>()), 0..30)
    ) {
        let subs = [Subcategory::Fight, Subcategory::Noise, Subcategory::Theft, Subcategory::Collision];
        let new = probe("new", Subcategory::Fight, 0.0, 0, true);
        let recent: Vec<IncidentProbe> = items
            .iter()
            .enumerate()
            .map(|(i, (s, d, t, open))| probe(&format!("r{i}"), subs[*s], *d, *t, *open))
            .collect();
        let rule = DuplicateRule::default();
        let got = likely_duplicates(&new, &recent, rule);
        for r in &recent {
            let d = haversine_m(new.lat, new.lon, r.lat, r.lon);
            let in_window = (r.created_us - new.created_us).abs() <= 10 * MIN;
            let same_event = r.category == Category::PublicOrder && d <= 300.0 && in_window;
            let very_close = d <= 50.0 && in_window;
            let expect = r.open && (same_event || very_close);
            let found = got.iter().find(|m| m.id == r.id);
            prop_assert_eq!(found.is_some(), expect, "{:?}", r);
            if let Some(m) = found {
                prop_assert_eq!(m.reasons.contains(&DuplicateReason::SameEvent), same_event);
                prop_assert_eq!(m.reasons.contains(&DuplicateReason::VeryClose), very_close);
            }
        }
        for w in got.windows(2) {
            prop_assert!(w[0].score >= w[1].score);
        }
        for m in &got {
            prop_assert!((0.0..=1.0).contains(&m.score));
        }
    }
}

/// The two calls the old rule missed (issue 10): a fight reported 12 m from an assault, and
/// the same caller 950 m away; each flag says why.
#[test]
fn very_close_and_same_caller_are_flagged_with_their_reason() {
    let rule = DuplicateRule::default();
    let assault = probe("assault", Subcategory::Assault, 0.0, 0, true);
    let fight = probe("fight", Subcategory::Fight, 12.0, 2 * MIN, true);
    assert_eq!(
        score(&fight, &assault, rule),
        None,
        "other category: not the same event"
    );
    let m = assess(&fight, &assault, rule).expect("12 m away is flagged");
    assert_eq!(m.reasons, [DuplicateReason::VeryClose]);
    // 1 − ½·12/50 − ½·2/10 = 0.78
    assert!((m.score - 0.78).abs() < 1e-3, "{}", m.score);
    assert!((m.distance_m - 12.0).abs() < 0.01 && m.seconds_apart == 120);
    // 51 m: not close enough for another category.
    let apart = probe("apart", Subcategory::Assault, 63.0, 0, true);
    assert_eq!(assess(&fight, &apart, rule), None);

    let first = from(
        "139 1234 5678",
        probe("first", Subcategory::Theft, 0.0, 0, true),
    );
    let again = from(
        "+86 13912345678",
        probe("again", Subcategory::Fight, 950.0, 15 * MIN, true),
    );
    let m = assess(&again, &first, rule).expect("same caller 950 m away is flagged");
    assert_eq!(m.reasons, [DuplicateReason::SameCaller]);
    // 1 − ½·15/30 = 0.75
    assert!((m.score - 0.75).abs() < 1e-9);
    // After the caller window, or from another number, or a number too short to tell: no.
    let late = from(
        "13912345678",
        probe("late", Subcategory::Fight, 950.0, 31 * MIN, true),
    );
    assert_eq!(assess(&late, &first, rule), None);
    let other = from(
        "13912345679",
        probe("other", Subcategory::Fight, 950.0, MIN, true),
    );
    assert_eq!(assess(&other, &first, rule), None);
    let short_a = from("110", probe("a", Subcategory::Theft, 950.0, 0, true));
    let short_b = from("110", probe("b", Subcategory::Fight, 0.0, MIN, true));
    assert_eq!(assess(&short_b, &short_a, rule), None);
    // A closed incident is never a duplicate, whoever called.
    let closed = from(
        "13912345678",
        probe("closed", Subcategory::Theft, 0.0, 0, false),
    );
    assert_eq!(assess(&again, &closed, rule), None);
}

#[test]
fn several_reasons_take_the_best_score() {
    let rule = DuplicateRule::default();
    let a = from("13912345678", probe("a", Subcategory::Fight, 0.0, 0, true));
    let b = from(
        "13912345678",
        probe("b", Subcategory::Fight, 10.0, MIN, true),
    );
    let m = assess(&b, &a, rule).unwrap();
    assert_eq!(
        m.reasons,
        [
            DuplicateReason::SameEvent,
            DuplicateReason::VeryClose,
            DuplicateReason::SameCaller
        ]
    );
    assert_eq!(m.score, 1.0);
    assert_eq!(rule.lookback_us(), 30 * MIN);
}

#[test]
fn phone_keys() {
    assert_eq!(phone_key("139-1234-5678").as_deref(), Some("13912345678"));
    assert_eq!(phone_key("+8613912345678").as_deref(), Some("13912345678"));
    assert_eq!(phone_key("0574 8765 4321").as_deref(), Some("057487654321"));
    assert_eq!(phone_key("110"), None);
    assert_eq!(phone_key(""), None);
}
