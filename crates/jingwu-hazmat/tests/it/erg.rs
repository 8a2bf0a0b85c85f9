//! ERG isolation circle and protective square (hazmat.md §9) against the CAP example's square.

use jingwu_core::geo::haversine_m;
use jingwu_hazmat::erg::{
    ErgDistances, SpillSize, circle_ring, isolation_circle, protective_square,
};
use jingwu_hazmat::zone::{LatLon, polygon_contains, to_local};

use crate::rel;

const SPILL: LatLon = LatLon {
    lat: 31.2,
    lon: 121.4,
};

#[test]
fn protective_square_matches_the_cap_example() {
    // cap_chlorine_example.xml: wind from 45°, 1.1 km square to the south-west. The example is
    // rounded to 5 decimals and was drawn with a slightly different metre-per-degree factor:
    // agreement within 3e-5° (≈ 3 m).
    let want = [
        (31.19651, 121.40408),
        (31.18952, 121.39592),
        (31.19651, 121.38775),
        (31.20349, 121.39592),
        (31.19651, 121.40408),
    ];
    let ring = protective_square(SPILL, 45.0, 1100.0);
    assert_eq!(ring.len(), 5);
    assert_eq!(ring[0], ring[4]);
    for (p, (lat, lon)) in ring.iter().zip(want) {
        assert!(
            (p.lat - lat).abs() < 3e-5 && (p.lon - lon).abs() < 3e-5,
            "{p:?} vs {lat},{lon}"
        );
    }
}

#[test]
fn square_touches_the_spill_at_the_middle_of_its_upwind_edge() {
    for wind in [0.0, 45.0, 133.0, 270.0, 359.0] {
        let ring = protective_square(SPILL, wind, 800.0);
        let (e0, n0) = to_local(SPILL, ring[0]);
        let (e3, n3) = to_local(SPILL, ring[3]);
        assert!(((e0 + e3) / 2.0).abs() < 1e-6 && ((n0 + n3) / 2.0).abs() < 1e-6);
        // Side lengths 800 m.
        for k in 0..4 {
            let (a, b) = (ring[k], ring[k + 1]);
            rel(haversine_m(a.lat, a.lon, b.lat, b.lon), 800.0, 2e-3);
        }
        // The square's centre lies 400 m downwind.
        let toward = (wind + 180.0f64).to_radians();
        let (e1, n1) = to_local(SPILL, ring[1]);
        let (e2, n2) = to_local(SPILL, ring[2]);
        let (ce, cn) = ((e0 + e1 + e2 + e3) / 4.0, (n0 + n1 + n2 + n3) / 4.0);
        assert!(
            (ce - 400.0 * toward.sin()).abs() < 1e-6 && (cn - 400.0 * toward.cos()).abs() < 1e-6
        );
    }
}

#[test]
fn isolation_circle_ring_contains_the_spill() {
    let c = isolation_circle(SPILL, 100.0);
    let ring = circle_ring(&c, 64);
    assert_eq!(ring.len(), 65);
    assert_eq!(ring[0], ring[64]);
    assert!(polygon_contains(&ring, SPILL));
    for p in &ring {
        rel(haversine_m(SPILL.lat, SPILL.lon, p.lat, p.lon), 100.0, 1e-3);
    }
    let d = ErgDistances {
        isolate_m: 60.0,
        protect_day_km: 0.3,
        protect_night_km: 1.1,
    };
    assert_eq!(d.protect_m(true), 1100.0);
    assert_eq!(d.protect_m(false), 300.0);
    assert_eq!(SpillSize::parse("large").unwrap(), SpillSize::Large);
}
