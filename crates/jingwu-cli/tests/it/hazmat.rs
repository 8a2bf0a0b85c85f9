//! `jingwu hazmat …`: JSON out, one-line errors naming the flag.

use crate::support::{err, jingwu, out};

fn json(o: &std::process::Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", err(o));
    serde_json::from_str(out(o).trim()).unwrap()
}

#[test]
fn plume_prints_sigmas_and_concentration() {
    let v = json(&jingwu(
        &[
            "hazmat",
            "plume",
            "--sigma",
            "briggs-rural",
            "--stability",
            "D",
            "--q",
            "100",
            "--u",
            "3",
            "--h",
            "0",
            "--x",
            "800",
            "--y",
            "0",
            "--z",
            "0",
        ],
        None,
    ));
    let x: f64 = 800.0;
    let sy = 0.08 * x / (1.0 + 0.0001 * x).sqrt();
    let sz = 0.06 * x / (1.0 + 0.0015 * x).sqrt();
    let c = 100.0 / (std::f64::consts::PI * 3.0 * sy * sz);
    for (k, want) in [
        ("sigma_y_m", sy),
        ("sigma_z_m", sz),
        ("concentration_g_m3", c),
    ] {
        let got = v[k].as_f64().unwrap();
        assert!((got - want).abs() <= 1e-9 * want, "{k}: {got} vs {want}");
    }
}

#[test]
fn plume_with_given_sigmas_reproduces_turner() {
    // Turner (1970): 3 g/s, 7 m/s, σy 190 m, σz 65 m → 1.1e-5 g/m³.
    let v = json(&jingwu(
        &[
            "hazmat",
            "plume",
            "--sigma-y",
            "190",
            "--sigma-z",
            "65",
            "--q",
            "3",
            "--u",
            "7",
            "--x",
            "3000",
        ],
        None,
    ));
    let c = v["concentration_g_m3"].as_f64().unwrap();
    assert!((c - 3.0 / (std::f64::consts::PI * 7.0 * 190.0 * 65.0)).abs() < 1e-15);
    assert_eq!(v["sigma_y_m"], 190.0);
}

#[test]
fn puff_prints_three_sigmas() {
    let v = json(&jingwu(
        &[
            "hazmat",
            "puff",
            "--stability",
            "F",
            "--m",
            "10000",
            "--u",
            "2",
            "--t",
            "500",
            "--h",
            "0",
            "--x",
            "1000",
            "--y",
            "0",
            "--z",
            "0",
        ],
        None,
    ));
    let x: f64 = 1000.0;
    let (sy, sz) = (0.02 * x.powf(0.89), 0.05 * x.powf(0.61));
    assert!((v["sigma_x_m"].as_f64().unwrap() - sy).abs() < 1e-9 * sy);
    assert!((v["sigma_z_m"].as_f64().unwrap() - sz).abs() < 1e-9 * sz);
    let c = 2.0 * 10000.0 / ((2.0 * std::f64::consts::PI).powf(1.5) * sy * sy * sz);
    let got = v["concentration_g_m3"].as_f64().unwrap();
    assert!((got - c).abs() < 1e-9 * c, "{got} vs {c}");
}

#[test]
fn zone_prints_geojson() {
    let v = json(&jingwu(
        &[
            "hazmat",
            "zone",
            "--lat",
            "31.2",
            "--lon",
            "121.4",
            "--q",
            "200",
            "--wind-from",
            "45",
            "--u10",
            "3",
            "--stability",
            "D",
            "--loc",
            "0.058",
            "--loc",
            "0.0058",
            "--isolate-m",
            "100",
        ],
        None,
    ));
    assert_eq!(v["type"], "FeatureCollection");
    assert_eq!(v["features"][0]["properties"]["color"], "red");
    assert_eq!(v["features"][1]["properties"]["tier"], 2);
    assert_eq!(v["features"][2]["properties"]["kind"], "isolation");
}

#[test]
fn bad_input_is_one_line_naming_the_flag() {
    let o = jingwu(
        &[
            "hazmat",
            "plume",
            "--sigma",
            "isc3",
            "--stability",
            "D",
            "--q",
            "100",
            "--u",
            "0",
            "--x",
            "500",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    let e = err(&o);
    assert!(e.contains("--u"), "{e}");
    assert_eq!(e.lines().count(), 1, "{e}");

    let o = jingwu(
        &[
            "hazmat",
            "zone",
            "--lat",
            "31.2",
            "--lon",
            "121.4",
            "--q",
            "200",
            "--wind-from",
            "400",
            "--u10",
            "3",
            "--loc",
            "0.05",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("--wind-from"), "{}", err(&o));

    // Usage errors (clap): exit 2, naming the flag.
    let o = jingwu(
        &[
            "hazmat", "plume", "--sigma", "nope", "--q", "1", "--u", "1", "--x", "1",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("--sigma"), "{}", err(&o));
}

#[test]
fn cap_renders_an_alert_json_and_names_a_bad_field() {
    let dir = tempfile::tempdir().unwrap();
    let mut alert = serde_json::json!({
        "identifier": "CN-HAZMAT-2025-000123",
        "sender": "hazmat-ops@fire.example.gov.cn",
        "sent": "2025-11-29T03:05:00Z",
        "status": "Exercise",
        "msg_type": "Alert",
        "scope": "Public",
        "infos": [{
            "language": "zh-CN",
            "categories": ["CBRNE", "Safety"],
            "event": "氯气泄漏",
            "urgency": "Immediate",
            "severity": "Severe",
            "certainty": "Observed",
            "areas": [{
                "desc": "初始隔离区",
                "circles": [[{"lat": 31.2, "lon": 121.4}, 0.1]]
            }]
        }]
    });
    let path = dir.path().join("alert.json");
    std::fs::write(&path, alert.to_string()).unwrap();
    let o = jingwu(&["hazmat", "cap", "--input", path.to_str().unwrap()], None);
    assert!(o.status.success(), "{}", err(&o));
    let xml = out(&o);
    assert!(
        xml.contains("<sent>2025-11-29T11:05:00+08:00</sent>"),
        "{xml}"
    );
    assert!(xml.contains("<circle>31.2,121.4 0.1</circle>"), "{xml}");

    alert["scope"] = "Private".into();
    std::fs::write(&path, alert.to_string()).unwrap();
    let o = jingwu(&["hazmat", "cap", "--input", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("addresses"), "{}", err(&o));
    assert_eq!(err(&o).lines().count(), 1);

    alert["status"] = "Real".into();
    std::fs::write(&path, alert.to_string()).unwrap();
    let o = jingwu(&["hazmat", "cap", "--input", path.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("status"), "{}", err(&o));
}
