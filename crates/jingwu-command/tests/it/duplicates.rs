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
    }
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
    let ids: Vec<&str> = got.iter().map(|(id, _)| id.as_str()).collect();
    // far: 1 − ½·250/300 + 0.1 ≈ 0.683; old: 1 − ½·8/10 + 0.1 = 0.7
    assert_eq!(ids, ["same", "othersub", "old", "far"]);
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
            let expect = r.open
                && r.category == Category::PublicOrder
                && d <= 300.0
                && (r.created_us - new.created_us).abs() <= 10 * MIN;
            prop_assert_eq!(got.iter().any(|(id, _)| *id == r.id), expect, "{:?}", r);
        }
        for w in got.windows(2) {
            prop_assert!(w[0].1 >= w[1].1);
        }
        for (_, s) in &got {
            prop_assert!((0.0..=1.0).contains(s));
        }
    }
}
