//! Threat zones: lengths and widths against the plume, flags, errors, GeoJSON, speed.

use jingwu_core::geo::haversine_m;
use jingwu_hazmat::dispersion::{plume_at, puff_peak};
use jingwu_hazmat::erg;
use jingwu_hazmat::sigma::{SigmaSet, Stability, sigmas};
use jingwu_hazmat::wind::Terrain;
use jingwu_hazmat::zone::{
    LatLon, LevelOfConcern, Release, ZoneError, ZoneFlag, ZoneInput, bbox, downwind_crosswind,
    from_downwind, from_local, geojson, polygon_contains, threat_zones, tier_at, to_local,
};

use crate::rel;

pub const SOURCE: LatLon = LatLon {
    lat: 31.2,
    lon: 121.4,
};

/// Chlorine AEGL 60 min, ppm → g/m³ at 25 °C (MW 70.9): ppm × 70.9 / 24.45 / 1000.
pub fn chlorine_levels() -> Vec<LevelOfConcern> {
    let g = |ppm: f64| ppm * 70.9 / 24.45 / 1000.0;
    vec![
        LevelOfConcern {
            tier: 1,
            label: "AEGL-1 60 min 0.5 ppm".into(),
            g_m3: g(0.5),
        },
        LevelOfConcern {
            tier: 3,
            label: "AEGL-3 60 min 20 ppm".into(),
            g_m3: g(20.0),
        },
        LevelOfConcern {
            tier: 2,
            label: "AEGL-2 60 min 2.0 ppm".into(),
            g_m3: g(2.0),
        },
    ]
}

pub fn input() -> ZoneInput {
    ZoneInput {
        source: SOURCE,
        release: Release::Continuous { q_g_s: 200.0 },
        height_m: 0.0,
        receptor_height_m: 1.5,
        wind_from_deg: 45.0,
        u10_ms: 3.0,
        stability: Stability::D,
        sigma_set: SigmaSet::BriggsRural,
        terrain: Terrain::Rural,
        levels: chlorine_levels(),
        dense_gas: false,
    }
}

#[test]
fn zones_follow_the_centreline_and_half_width() {
    let inp = input();
    let r = threat_zones(&inp).unwrap();
    assert_eq!(
        r.zones.iter().map(|z| z.tier).collect::<Vec<_>>(),
        [3, 2, 1]
    );
    assert_eq!(r.toward_deg, 225.0);
    assert_eq!(r.u_release_ms, 3.0);
    assert!(r.flags.is_empty(), "{:?}", r.flags);
    for z in &r.zones {
        assert!(!z.polygon.is_empty());
        assert!(z.polygon.len() <= 260, "{} vertices", z.polygon.len());
        assert_eq!(z.polygon.first(), z.polygon.last());
        assert!(!z.beyond_range);
        // At the zone's end the centreline concentration equals the LOC.
        let c = plume_at(
            SigmaSet::BriggsRural,
            Stability::D,
            200.0,
            3.0,
            0.0,
            z.length_m,
            0.0,
            1.5,
        );
        rel(c, z.g_m3, 1e-6);
        // Half-width at half the length: σy · sqrt(2 ln(C/L)).
        let x = z.length_m / 2.0;
        let cl = plume_at(
            SigmaSet::BriggsRural,
            Stability::D,
            200.0,
            3.0,
            0.0,
            x,
            0.0,
            1.5,
        );
        let w =
            sigmas(SigmaSet::BriggsRural, Stability::D, x).y_m * (2.0 * (cl / z.g_m3).ln()).sqrt();
        assert!(w <= z.max_half_width_m * (1.0 + 1e-9));
        let inside = from_downwind(SOURCE, r.toward_deg, x, 0.97 * w);
        let outside = from_downwind(SOURCE, r.toward_deg, x, 1.03 * w);
        assert!(polygon_contains(&z.polygon, inside), "tier {}", z.tier);
        assert!(!polygon_contains(&z.polygon, outside), "tier {}", z.tier);
        assert!(!polygon_contains(
            &z.polygon,
            from_downwind(SOURCE, r.toward_deg, -50.0, 0.0)
        ));
        assert!(polygon_contains(
            &z.polygon,
            from_downwind(SOURCE, r.toward_deg, 20.0, 0.0)
        ));
        assert_eq!(Some(bbox(&z.polygon)), z.bbox);
    }
    // Nested: red inside orange inside yellow.
    assert!(r.zones[0].length_m < r.zones[1].length_m);
    assert!(r.zones[1].length_m < r.zones[2].length_m);
    let mid = from_downwind(SOURCE, r.toward_deg, r.zones[0].length_m / 2.0, 0.0);
    assert_eq!(tier_at(&r, mid), Some(3));
    let mid = from_downwind(
        SOURCE,
        r.toward_deg,
        (r.zones[1].length_m + r.zones[2].length_m) / 2.0,
        0.0,
    );
    assert_eq!(tier_at(&r, mid), Some(1));
    assert_eq!(
        tier_at(&r, from_downwind(SOURCE, r.toward_deg, -300.0, 0.0)),
        None
    );
    // The plume goes south-west: every vertex is south-west of the source (or on it).
    for p in &r.zones[2].polygon {
        let (e, n) = to_local(SOURCE, *p);
        assert!(e + n <= 1e-6, "{p:?}");
    }
}

#[test]
fn puff_zone_uses_the_peak_concentration() {
    let mut inp = input();
    inp.release = Release::Instantaneous { m_g: 50_000.0 };
    inp.stability = Stability::F;
    let r = threat_zones(&inp).unwrap();
    for z in r
        .zones
        .iter()
        .filter(|z| !z.beyond_range && !z.polygon.is_empty())
    {
        rel(
            puff_peak(Stability::F, 50_000.0, 0.0, z.length_m, 0.0, 1.5),
            z.g_m3,
            1e-6,
        );
    }
    assert!(r.limits.iter().any(|l| l.contains("puff")));
}

#[test]
fn flags_low_wind_dense_gas_beyond_range_near_field() {
    let mut inp = input();
    inp.u10_ms = 0.4;
    inp.dense_gas = true;
    let r = threat_zones(&inp).unwrap();
    assert!(r.flags.contains(&ZoneFlag::LowWind));
    assert!(r.flags.contains(&ZoneFlag::DenseGasScreening));
    assert_eq!(r.u_release_ms, 1.0);
    assert!(r.limits.iter().any(|l| l.contains("screening")));

    let mut inp = input();
    inp.release = Release::Continuous { q_g_s: 1e6 };
    inp.stability = Stability::F;
    let r = threat_zones(&inp).unwrap();
    assert!(r.flags.contains(&ZoneFlag::BeyondRange));
    let yellow = r.zones.iter().find(|z| z.tier == 1).unwrap();
    assert!(yellow.beyond_range);
    assert_eq!(yellow.length_m, 10_000.0);
    assert_eq!(yellow.polygon.first(), yellow.polygon.last());

    let mut inp = input();
    inp.release = Release::Continuous { q_g_s: 0.0 };
    let r = threat_zones(&inp).unwrap();
    assert!(
        r.zones
            .iter()
            .all(|z| z.polygon.is_empty() && z.bbox.is_none())
    );
    assert!(r.flags.contains(&ZoneFlag::LocNotReached));

    // σ are held at their 100 m values inside 100 m, so a LOC just above C(100 m) is never
    // reached and one just below gives a zone reaching past 100 m.
    let mut inp = input();
    inp.release = Release::Continuous { q_g_s: 1.0 };
    inp.levels = vec![LevelOfConcern {
        tier: 3,
        label: "x".into(),
        g_m3: 0.9
            * plume_at(
                SigmaSet::BriggsRural,
                Stability::D,
                1.0,
                3.0,
                0.0,
                100.0,
                0.0,
                1.5,
            ),
    }];
    let r = threat_zones(&inp).unwrap();
    assert!(r.zones[0].length_m > 100.0);
    inp.levels[0].g_m3 *= 1.2;
    let r = threat_zones(&inp).unwrap();
    assert!(
        r.zones[0].polygon.is_empty(),
        "σ at 100 m hold within 100 m"
    );
}

#[test]
fn near_field_flag_for_a_zone_ending_within_200_m() {
    // A LOC just below C(100 m): the zone ends a hair beyond 100 m and is flagged.
    let mut inp = input();
    let c100 = plume_at(
        SigmaSet::BriggsRural,
        Stability::D,
        200.0,
        3.0,
        0.0,
        100.0,
        0.0,
        1.5,
    );
    inp.levels = vec![LevelOfConcern {
        tier: 3,
        label: "x".into(),
        g_m3: c100 * 0.999_999,
    }];
    let r = threat_zones(&inp).unwrap();
    assert!(r.zones[0].length_m >= 100.0 && r.zones[0].length_m < 101.0);
    assert!(r.flags.contains(&ZoneFlag::NearField));
    assert!(
        !threat_zones(&input())
            .unwrap()
            .flags
            .contains(&ZoneFlag::NearField)
    );
}

#[test]
fn bad_inputs_name_the_field() {
    type Mutate = Box<dyn Fn(&mut ZoneInput)>;
    let cases: Vec<(Mutate, &str)> = vec![
        (
            Box::new(|i| i.release = Release::Continuous { q_g_s: f64::NAN }),
            "release.q_g_s",
        ),
        (
            Box::new(|i| i.release = Release::Continuous { q_g_s: -1.0 }),
            "release.q_g_s",
        ),
        (
            Box::new(|i| i.release = Release::Instantaneous { m_g: -1.0 }),
            "release.m_g",
        ),
        (Box::new(|i| i.wind_from_deg = 400.0), "wind_from_deg"),
        (Box::new(|i| i.wind_from_deg = -1.0), "wind_from_deg"),
        (Box::new(|i| i.u10_ms = f64::INFINITY), "u10_ms"),
        (Box::new(|i| i.height_m = -2.0), "height_m"),
        (Box::new(|i| i.source.lat = 91.0), "source.lat"),
        (Box::new(|i| i.source.lon = f64::NAN), "source.lon"),
        (Box::new(|i| i.levels.clear()), "levels"),
        (Box::new(|i| i.levels[1].tier = 4), "levels[1].tier"),
        (Box::new(|i| i.levels[2].g_m3 = 0.0), "levels[2].g_m3"),
        (Box::new(|i| i.levels[0].g_m3 = f64::NAN), "levels[0].g_m3"),
    ];
    for (mutate, field) in cases {
        let mut inp = input();
        mutate(&mut inp);
        let e = threat_zones(&inp).unwrap_err();
        assert!(e.to_string().starts_with(field), "{field}: {e}");
    }
    let mut inp = input();
    inp.levels[0].tier = 0;
    assert_eq!(
        threat_zones(&inp).unwrap_err(),
        ZoneError::Tier { index: 0, tier: 0 }
    );
}

#[test]
fn local_plane_round_trips_and_matches_haversine() {
    let p = from_local(SOURCE, 3000.0, -4000.0);
    let (e, n) = to_local(SOURCE, p);
    rel(e, 3000.0, 1e-9);
    rel(n, -4000.0, 1e-9);
    rel(
        haversine_m(SOURCE.lat, SOURCE.lon, p.lat, p.lon),
        5000.0,
        1e-3,
    );
    let (x, y) = downwind_crosswind(SOURCE, 90.0, from_local(SOURCE, 100.0, 10.0));
    // Toward east: x = e, y = −n.
    rel(x, 100.0, 1e-9);
    rel(y, -10.0, 1e-9);
}

#[test]
fn polygon_contains_and_bbox() {
    let sq = vec![
        LatLon { lat: 0.0, lon: 0.0 },
        LatLon { lat: 0.0, lon: 1.0 },
        LatLon { lat: 1.0, lon: 1.0 },
        LatLon { lat: 1.0, lon: 0.0 },
        LatLon { lat: 0.0, lon: 0.0 },
    ];
    assert!(polygon_contains(&sq, LatLon { lat: 0.5, lon: 0.5 }));
    assert!(!polygon_contains(&sq, LatLon { lat: 1.5, lon: 0.5 }));
    assert!(!polygon_contains(
        &sq,
        LatLon {
            lat: 0.5,
            lon: -0.1
        }
    ));
    assert!(!polygon_contains(&[], LatLon { lat: 0.5, lon: 0.5 }));
    let b = bbox(&sq);
    assert_eq!(
        (b.min_lat, b.min_lon, b.max_lat, b.max_lon),
        (0.0, 0.0, 1.0, 1.0)
    );
    assert!(!bbox(&[]).contains(LatLon { lat: 0.0, lon: 0.0 }));
}

#[test]
fn geojson_is_lon_lat_with_colors() {
    let r = threat_zones(&input()).unwrap();
    let iso = erg::isolation_circle(SOURCE, 100.0);
    let sq = erg::protective_square(SOURCE, 45.0, 1100.0);
    let g = geojson(&r, Some(&iso), Some(&sq));
    assert_eq!(g["type"], "FeatureCollection");
    let f = g["features"].as_array().unwrap();
    assert_eq!(f.len(), 5);
    assert_eq!(f[0]["properties"]["color"], "red");
    assert_eq!(f[1]["properties"]["color"], "orange");
    assert_eq!(f[2]["properties"]["color"], "yellow");
    assert_eq!(f[0]["properties"]["tier"], 3);
    assert_eq!(f[3]["properties"]["kind"], "isolation");
    assert_eq!(f[4]["properties"]["kind"], "protective_action");
    // Ground-level source: the ring starts at the source, as [lon, lat].
    let first = &f[0]["geometry"]["coordinates"][0][0];
    assert_eq!(first[0].as_f64().unwrap(), SOURCE.lon);
    assert_eq!(first[1].as_f64().unwrap(), SOURCE.lat);
    assert_eq!(g["jingwu"]["sigma_set"], "briggs_rural");
}

#[test]
fn zones_and_forty_thousand_point_tests_are_fast() {
    let inp = input();
    let t0 = std::time::Instant::now();
    let r = threat_zones(&inp).unwrap();
    let zones_time = t0.elapsed();
    let mut hits = 0usize;
    let t1 = std::time::Instant::now();
    for i in 0..200 {
        for j in 0..200 {
            let p = from_local(
                SOURCE,
                -5000.0 + 50.0 * f64::from(i),
                -5000.0 + 50.0 * f64::from(j),
            );
            if tier_at(&r, p).is_some() {
                hits += 1;
            }
        }
    }
    let points_time = t1.elapsed();
    assert!(hits > 0);
    println!("zones {zones_time:?}, 40 000 point tests {points_time:?} ({hits} inside)");
}
