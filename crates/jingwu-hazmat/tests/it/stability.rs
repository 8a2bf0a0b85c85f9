//! Stability tables cell by cell, the NRI knot rounding rule, solar altitude and the method
//! choice.

use jiff::Timestamp;
use jingwu_hazmat::sigma::Stability;
use jingwu_hazmat::stability::{
    KNOTS_PER_MS, PasquillCondition, StabilityMethod, TableClass, WeatherInput, estimate, gbt3840,
    gbt3840_radiation_grade, insolation_class, lapse_rate, net_radiation_index, pasquill,
    sigma_theta, solar_altitude_deg, srdt_day, srdt_night, turner_nri, whole_knots,
};

fn tc(s: &str) -> TableClass {
    TableClass::parse(s).unwrap()
}

#[test]
fn pasquill_table_7_1() {
    // Rows < 2, 2–3, 3–5, 5–6, > 6 m/s; columns strong, moderate, slight, night cloudy, clear.
    let table = [
        ["A", "A-B", "B", "E", "F"],
        ["A-B", "B", "C", "E", "F"],
        ["B", "B-C", "C", "D", "E"],
        ["C", "C-D", "D", "D", "D"],
        ["C", "D", "D", "D", "D"],
    ];
    let winds = [1.0, 2.5, 4.0, 5.5, 7.0];
    let cols = [
        PasquillCondition::StrongInsolation,
        PasquillCondition::ModerateInsolation,
        PasquillCondition::SlightInsolation,
        PasquillCondition::NightCloudy,
        PasquillCondition::NightClear,
    ];
    for (r, u) in winds.iter().enumerate() {
        for (c, cond) in cols.iter().enumerate() {
            assert_eq!(pasquill(*u, *cond), tc(table[r][c]), "u {u} {cond}");
        }
        assert_eq!(pasquill(*u, PasquillCondition::Overcast), TableClass::D);
    }
    // Row boundaries: 2 m/s belongs to "2–3", 6 m/s to "> 6".
    assert_eq!(
        pasquill(1.99, PasquillCondition::StrongInsolation),
        TableClass::A
    );
    assert_eq!(
        pasquill(2.0, PasquillCondition::StrongInsolation),
        TableClass::AB
    );
    assert_eq!(
        pasquill(6.0, PasquillCondition::ModerateInsolation),
        TableClass::D
    );
}

#[test]
fn half_classes_resolve_to_the_more_stable_and_g_to_f() {
    assert_eq!(TableClass::AB.resolve().0, Stability::B);
    assert_eq!(TableClass::BC.resolve().0, Stability::C);
    assert_eq!(TableClass::CD.resolve().0, Stability::D);
    assert_eq!(TableClass::G.resolve().0, Stability::F);
    assert!(TableClass::AB.resolve().1.unwrap().contains("more stable"));
    assert_eq!(TableClass::E.resolve(), (Stability::E, None));
}

#[test]
fn turner_nri_table_6_4_cell_by_cell() {
    // Rows by whole knots, columns NRI 4, 3, 2, 1, 0, −1, −2; 1 = A … 7 = G.
    let rows: [(&[u32], [u8; 7]); 9] = [
        (&[0, 1], [1, 1, 2, 3, 4, 6, 7]),
        (&[2, 3], [1, 2, 2, 3, 4, 6, 7]),
        (&[4, 5], [1, 2, 3, 4, 4, 5, 6]),
        (&[6], [2, 2, 3, 4, 4, 5, 6]),
        (&[7], [2, 2, 3, 4, 4, 4, 5]),
        (&[8, 9], [2, 3, 3, 4, 4, 4, 5]),
        (&[10], [3, 3, 4, 4, 4, 4, 5]),
        (&[11], [3, 3, 4, 4, 4, 4, 4]),
        (&[12, 15, 30], [3, 4, 4, 4, 4, 4, 4]),
    ];
    let names = ["", "A", "B", "C", "D", "E", "F", "G"];
    for (knots, classes) in rows {
        for &k in knots {
            let u = f64::from(k) / KNOTS_PER_MS;
            for (i, nri) in [4i8, 3, 2, 1, 0, -1, -2].into_iter().enumerate() {
                assert_eq!(
                    turner_nri(u, nri),
                    tc(names[classes[i] as usize]),
                    "{k} kt, NRI {nri}"
                );
            }
        }
    }
}

#[test]
fn nri_knots_round_to_nearest() {
    assert_eq!(whole_knots(1.49 / KNOTS_PER_MS), 1);
    assert_eq!(whole_knots(1.5 / KNOTS_PER_MS), 2);
    // 1.49 kt is in row "0, 1" (NRI 3 → A), 1.5 kt in row "2, 3" (NRI 3 → B).
    assert_eq!(turner_nri(1.49 / KNOTS_PER_MS, 3), TableClass::A);
    assert_eq!(turner_nri(1.5 / KNOTS_PER_MS, 3), TableClass::B);
    // 3 m/s = 5.83 kt → 6 kt.
    assert_eq!(whole_knots(3.0), 6);
    assert_eq!(whole_knots(-1.0), 0);
}

#[test]
fn insolation_and_net_radiation_index() {
    assert_eq!(insolation_class(61.0), 4);
    assert_eq!(insolation_class(60.0), 3);
    assert_eq!(insolation_class(35.1), 3);
    assert_eq!(insolation_class(35.0), 2);
    assert_eq!(insolation_class(15.0), 1);
    let ft = |f: f64| Some(f * 0.3048);
    // 1. Overcast with a ceiling below 7000 ft: 0, day or night.
    assert_eq!(net_radiation_index(50.0, 10.0, ft(5000.0)), 0);
    assert_eq!(net_radiation_index(-10.0, 10.0, ft(5000.0)), 0);
    // 2. Night.
    assert_eq!(net_radiation_index(-10.0, 4.0, None), -2);
    assert_eq!(net_radiation_index(-10.0, 5.0, None), -1);
    // 3. Day, cloud ≤ 5/10: the insolation class.
    assert_eq!(net_radiation_index(65.0, 5.0, ft(3000.0)), 4);
    // 4. Day, cloud > 5/10.
    assert_eq!(net_radiation_index(65.0, 6.0, ft(5000.0)), 2);
    assert_eq!(net_radiation_index(65.0, 6.0, ft(10000.0)), 3);
    assert_eq!(net_radiation_index(65.0, 10.0, ft(10000.0)), 2);
    assert_eq!(net_radiation_index(65.0, 10.0, None), 3);
    assert_eq!(net_radiation_index(65.0, 6.0, None), 4);
    // … at least 1.
    assert_eq!(net_radiation_index(20.0, 8.0, ft(3000.0)), 1);
}

#[test]
fn srdt_table_6_7() {
    let day = [
        ["A", "A", "B", "D"],
        ["A", "B", "C", "D"],
        ["B", "B", "C", "D"],
        ["C", "C", "D", "D"],
        ["C", "D", "D", "D"],
    ];
    let winds = [1.0, 2.5, 4.0, 5.5, 6.0];
    let rad = [925.0, 700.0, 175.0, 100.0];
    for (r, u) in winds.iter().enumerate() {
        for (c, q) in rad.iter().enumerate() {
            assert_eq!(srdt_day(*u, *q).as_str(), day[r][c], "u {u} R {q}");
        }
    }
    assert_eq!(srdt_day(1.0, 924.9), Stability::A);
    assert_eq!(srdt_day(2.5, 924.9), Stability::B);
    assert_eq!(srdt_day(2.5, 674.9), Stability::C);
    // Night: rows < 2, 2–2.5, ≥ 2.5; columns lapse (< 0) / inversion (≥ 0).
    let night = [
        (1.9, "E", "F"),
        (2.0, "D", "E"),
        (2.4, "D", "E"),
        (2.5, "D", "D"),
    ];
    for (u, lapse, inversion) in night {
        assert_eq!(srdt_night(u, -0.3).as_str(), lapse, "u {u}");
        assert_eq!(srdt_night(u, 0.0).as_str(), inversion, "u {u}");
        assert_eq!(srdt_night(u, 1.2).as_str(), inversion, "u {u}");
    }
}

#[test]
fn sigma_theta_and_lapse_rate() {
    let cells = [
        (25.0, "A"),
        (20.0, "B"),
        (15.0, "C"),
        (10.0, "D"),
        (5.0, "E"),
        (2.5, "F"),
    ];
    for (s, class) in cells {
        assert_eq!(sigma_theta(s).as_str(), class, "σθ {s}");
    }
    assert_eq!(sigma_theta(22.5), Stability::A);
    assert_eq!(sigma_theta(22.4), Stability::B);
    assert_eq!(sigma_theta(3.7), Stability::F);
    let lapse = [
        (-2.0, "A"),
        (-1.8, "B"),
        (-1.6, "C"),
        (-1.0, "D"),
        (0.0, "E"),
        (2.0, "F"),
        (4.5, "G"),
    ];
    for (dt, class) in lapse {
        assert_eq!(lapse_rate(dt), tc(class), "ΔT/Δz {dt}");
    }
}

#[test]
fn gbt3840_table_b1_cell_by_cell() {
    // (total, low) representative of each row; columns night, ≤ 15°, 15–35°, 35–65°, > 65°.
    let rows = [
        ((3.0, 2.0), [-2, -1, 1, 2, 3]),
        ((6.0, 3.0), [-1, 0, 1, 2, 3]),
        ((9.0, 4.0), [-1, 0, 0, 1, 1]),
        ((8.0, 6.0), [0, 0, 0, 0, 1]),
        ((10.0, 9.0), [0, 0, 0, 0, 0]),
    ];
    let cols = [
        (true, 0.0),
        (false, 10.0),
        (false, 30.0),
        (false, 50.0),
        (false, 70.0),
    ];
    for ((total, low), grades) in rows {
        for (i, (night, alt)) in cols.into_iter().enumerate() {
            assert_eq!(
                gbt3840_radiation_grade(total, low, alt, night),
                grades[i],
                "total {total} low {low} night {night} h0 {alt}"
            );
        }
    }
    // Column edges: 15° is "≤ 15", 35° is "15–35", 65° is "35–65".
    assert_eq!(gbt3840_radiation_grade(0.0, 0.0, 15.0, false), -1);
    assert_eq!(gbt3840_radiation_grade(0.0, 0.0, 35.0, false), 1);
    assert_eq!(gbt3840_radiation_grade(0.0, 0.0, 65.0, false), 2);
    assert_eq!(gbt3840_radiation_grade(0.0, 0.0, 65.1, false), 3);
}

#[test]
fn gbt3840_table_b2_as_documented_unverified() {
    let table = [
        ["A", "A-B", "B", "D", "E", "F"],
        ["A-B", "B", "C", "D", "E", "F"],
        ["B", "B-C", "C", "D", "D", "E"],
        ["C", "C-D", "D", "D", "D", "D"],
        ["D", "D", "D", "D", "D", "D"],
    ];
    let winds = [1.9, 2.9, 4.9, 5.9, 6.0];
    for (r, u) in winds.iter().enumerate() {
        for (c, grade) in [3i8, 2, 1, 0, -1, -2].into_iter().enumerate() {
            assert_eq!(gbt3840(*u, grade), tc(table[r][c]), "u {u} grade {grade}");
        }
    }
}

#[test]
fn solar_altitude_gbt3840_formula() {
    // Equinox (20 March 2026), Beijing noon at 120° E: the sun is near 90° − latitude (the
    // series' declination is within ~0.5° of 0 that day; GB/T 3840 ignores the equation of time).
    let noon: Timestamp = "2026-03-20T04:00:00Z".parse().unwrap();
    for lat in [0.0, 23.0, 31.2, 40.0, 50.0] {
        let a = solar_altitude_deg(lat, 120.0, noon);
        assert!((a - (90.0 - lat)).abs() < 0.6, "lat {lat}: {a}");
    }
    // June solstice at the Tropic of Cancer: near the zenith.
    let solstice: Timestamp = "2026-06-21T04:00:00Z".parse().unwrap();
    assert!(solar_altitude_deg(23.44, 120.0, solstice) > 89.0);
    // Longitude shifts local noon: at 105° E Beijing noon is an hour early (15° lower hour angle).
    let a105 = solar_altitude_deg(0.0, 105.0, noon);
    assert!((a105 - 75.0).abs() < 0.6, "{a105}");
    // Midnight is below the horizon.
    let midnight: Timestamp = "2026-03-20T16:00:00Z".parse().unwrap();
    assert!(solar_altitude_deg(31.2, 121.4, midnight) < -50.0);
}

fn weather(at: &str, u: f64) -> WeatherInput {
    WeatherInput {
        at: at.parse().unwrap(),
        lat: 31.2,
        lon: 121.4,
        wind_speed_ms: u,
        total_cloud_tenths: None,
        low_cloud_tenths: None,
        ceiling_m: None,
        global_solar_wm2: None,
        delta_t_c: None,
        sigma_theta_deg: None,
    }
}

#[test]
fn estimate_picks_the_method_from_what_is_reported() {
    // Cloud → Turner NRI. Summer noon, clear, 3 m/s (6 kt), NRI 4 → B.
    let mut w = weather("2026-06-21T04:00:00Z", 3.0);
    w.total_cloud_tenths = Some(2.0);
    let e = estimate(&w);
    assert_eq!(e.method, StabilityMethod::TurnerNri);
    assert_eq!(e.class, Stability::B);
    assert!(!e.night);
    // Night, clear, 1 m/s: class 7 (G) → F, noted.
    let mut w = weather("2026-06-21T16:00:00Z", 1.0);
    w.total_cloud_tenths = Some(0.0);
    let e = estimate(&w);
    assert!(e.night);
    assert_eq!(e.class, Stability::F);
    assert!(e.notes.iter().any(|n| n.contains("G")), "{:?}", e.notes);
    // No cloud, solar radiation by day → SRDT.
    let mut w = weather("2026-06-21T04:00:00Z", 2.5);
    w.global_solar_wm2 = Some(700.0);
    let e = estimate(&w);
    assert_eq!((e.method, e.class), (StabilityMethod::Srdt, Stability::B));
    // ΔT at night → SRDT night.
    let mut w = weather("2026-06-21T16:00:00Z", 1.5);
    w.delta_t_c = Some(0.4);
    w.global_solar_wm2 = Some(0.0);
    let e = estimate(&w);
    assert_eq!((e.method, e.class), (StabilityMethod::Srdt, Stability::F));
    // σθ only.
    let mut w = weather("2026-06-21T04:00:00Z", 4.0);
    w.sigma_theta_deg = Some(11.0);
    let e = estimate(&w);
    assert_eq!(
        (e.method, e.class),
        (StabilityMethod::SigmaTheta, Stability::D)
    );
    // Nothing but wind and time: fallback, logged. Summer noon, 2.5 m/s, strong → A–B → B.
    let e = estimate(&weather("2026-06-21T04:00:00Z", 2.5));
    assert_eq!(
        (e.method, e.class),
        (StabilityMethod::Fallback, Stability::B)
    );
    assert!(e.notes.iter().any(|n| n.contains("fallback")));
    assert!(e.notes.iter().any(|n| n.contains("more stable")));
    // Night fallback: clear-sky column, 1 m/s → F.
    let e = estimate(&weather("2026-06-21T16:00:00Z", 1.0));
    assert_eq!(
        (e.method, e.class),
        (StabilityMethod::Fallback, Stability::F)
    );
}
