//! CAP 1.2: the chlorine example reproduced, every known-gap check failing on a bad alert, and
//! schema validation with xmllint.
//!
//! The schema is taken from `JINGWU_CAP_XSD`, else `target/cap/CAP-v1.2.xsd` under the
//! workspace root (`scripts/cap-schema` fetches it and installs xmllint). Without schema or
//! xmllint the validation tests fail when `CI` is set and otherwise print a skip notice.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::Timestamp;
use jingwu_hazmat::cap::{
    Alert, Area, CapScope, CapStatus, Category, Certainty, Info, MsgType, Reference, ResponseType,
    Severity, Urgency, cap_time, render,
};
use jingwu_hazmat::zone::LatLon;

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn p(lat: f64, lon: f64) -> LatLon {
    LatLon { lat, lon }
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

fn square() -> Vec<LatLon> {
    vec![
        p(31.19651, 121.40408),
        p(31.18952, 121.39592),
        p(31.19651, 121.38775),
        p(31.20349, 121.39592),
        p(31.19651, 121.40408),
    ]
}

/// The alert of `cap_chlorine_example.xml`.
pub fn chlorine() -> Alert {
    let center = p(31.2, 121.4);
    Alert {
        identifier: "CN-HAZMAT-2025-000123".into(),
        sender: "hazmat-ops@fire.example.gov.cn".into(),
        sent: ts("2025-11-29T11:05:00+08:00"),
        status: CapStatus::Exercise,
        msg_type: MsgType::Alert,
        source: Some("Smart-Fire hazmat module v0.1 (Gaussian plume screening)".into()),
        scope: CapScope::Public,
        restriction: None,
        addresses: None,
        codes: vec![],
        note: Some("Example message; real alerts use status Actual.".into()),
        references: vec![],
        incidents: Some("INC-2025-1129-0042".into()),
        infos: vec![
            Info {
                language: "zh-CN".into(),
                categories: vec![Category::CBRNE, Category::Safety],
                event: "氯气泄漏".into(),
                response_types: vec![ResponseType::Evacuate, ResponseType::Shelter],
                urgency: Urgency::Immediate,
                severity: Severity::Severe,
                certainty: Certainty::Observed,
                audience: None,
                event_codes: pairs(&[("UN_NUMBER", "1017"), ("ERG_GUIDE", "124")]),
                effective: Some(ts("2025-11-29T11:05:00+08:00")),
                onset: None,
                expires: Some(ts("2025-11-29T13:05:00+08:00")),
                sender_name: Some("某市消防救援支队 危化品应急指挥中心".into()),
                headline: Some("氯气泄漏：下风向（西南）1.1公里范围内请立即关闭门窗、就地避险".into()),
                description: Some("危化品运输车辆发生氯气泄漏。风向东北风，风速3 m/s，大气稳定度D类。泄漏点周围100米为初始隔离区，下风向1.1公里为防护行动区。".into()),
                instruction: Some("隔离区内人员向侧风方向撤离；防护行动区内人员关闭门窗和空调，留在室内，等待进一步通知。".into()),
                web: None,
                contact: Some("119".into()),
                parameters: pairs(&[
                    ("WIND_FROM_DEG", "45"),
                    ("WIND_SPEED_MS", "3.0"),
                    ("PG_STABILITY", "D"),
                    ("LEVEL_OF_CONCERN", "AEGL-2 60min 2.0 ppm"),
                ]),
                areas: vec![
                    Area {
                        desc: "初始隔离区（半径100米）".into(),
                        polygons: vec![],
                        circles: vec![(center, 0.1)],
                        geocodes: vec![],
                        altitude: None,
                        ceiling: None,
                    },
                    Area {
                        desc: "下风向防护行动区（1.1公里）".into(),
                        polygons: vec![square()],
                        circles: vec![],
                        geocodes: vec![],
                        altitude: None,
                        ceiling: None,
                    },
                ],
            },
            Info {
                language: "en-US".into(),
                categories: vec![Category::CBRNE, Category::Safety],
                event: "Chlorine leak".into(),
                response_types: vec![ResponseType::Evacuate, ResponseType::Shelter],
                urgency: Urgency::Immediate,
                severity: Severity::Severe,
                certainty: Certainty::Observed,
                audience: None,
                event_codes: pairs(&[("UN_NUMBER", "1017")]),
                effective: None,
                onset: None,
                expires: Some(ts("2025-11-29T13:05:00+08:00")),
                sender_name: None,
                headline: Some("Chlorine leak: shelter in place up to 1.1 km downwind (south-west)".into()),
                description: None,
                instruction: Some("Inside 100 m: leave crosswind. Downwind zone: close windows, switch off ventilation, stay indoors.".into()),
                web: None,
                contact: None,
                parameters: vec![],
                areas: vec![
                    Area {
                        desc: "Initial isolation zone (100 m radius)".into(),
                        polygons: vec![],
                        circles: vec![(center, 0.1)],
                        geocodes: vec![],
                        altitude: None,
                        ceiling: None,
                    },
                    Area {
                        desc: "Downwind protective action zone (1.1 km)".into(),
                        polygons: vec![square()],
                        circles: vec![],
                        geocodes: vec![],
                        altitude: None,
                        ceiling: None,
                    },
                ],
            },
        ],
    }
}

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Lines trimmed and joined: the documents compared without indentation.
fn flat(xml: &str) -> String {
    xml.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn renders_the_chlorine_example() {
    let xml = render(&chlorine()).unwrap();
    // The project's reference alert (docs/hazmat-models.md), shipped with the tests.
    let want = include_str!("../data/cap_chlorine_example.xml");
    // The only difference: the example writes the circle's centre with trailing zeros.
    let expected = flat(want).replace("31.2000,121.4000 0.1", "31.2,121.4 0.1");
    assert_eq!(flat(&xml), expected);
    assert!(xml.contains("<sent>2025-11-29T11:05:00+08:00</sent>"));
    assert!(!xml.contains("Z<"));
}

#[test]
fn times_are_beijing_time_never_z() {
    assert_eq!(
        cap_time(ts("2025-11-29T03:05:00Z")),
        "2025-11-29T11:05:00+08:00"
    );
    assert_eq!(
        cap_time(ts("2025-12-31T20:00:59.9Z")),
        "2026-01-01T04:00:59+08:00"
    );
}

#[test]
fn text_is_escaped() {
    let mut a = chlorine();
    a.infos[0].description = Some("a < b & c > \"d\" 'e'".into());
    let xml = render(&a).unwrap();
    assert!(
        xml.contains(
            "<description>a &lt; b &amp; c &gt; &quot;d&quot; &apos;e&apos;</description>"
        )
    );
    validate_or_skip(&xml, true);
}

#[track_caller]
fn fails(a: &Alert, field: &str, words: &str) {
    let e = render(a).expect_err(field);
    assert_eq!(e.field, field, "{e}");
    assert!(e.problem.contains(words), "{e}");
}

#[test]
fn every_known_gap_is_enforced() {
    let base = chlorine();
    let mut a = base.clone();
    a.infos[0].areas[1].polygons[0].truncate(3);
    fails(&a, "info[0].area[1].polygon[0]", "at least 4");
    let mut a = base.clone();
    a.infos[0].areas[1].polygons[0][4] = p(31.0, 121.0);
    fails(&a, "info[0].area[1].polygon[0]", "not closed");
    let mut a = base.clone();
    // Swapped lat/lon order shows up as a latitude out of range.
    for q in &mut a.infos[1].areas[1].polygons[0] {
        *q = p(q.lon, q.lat);
    }
    fails(&a, "info[1].area[1].polygon[0][0]", "latitude");
    let mut a = base.clone();
    a.infos[0].areas[0].circles[0].0 = p(31.2, 181.0);
    fails(&a, "info[0].area[0].circle[0]", "longitude");
    let mut a = base.clone();
    a.infos[0].areas[0].circles[0].1 = -0.1;
    fails(&a, "info[0].area[0].circle[0]", "kilometres");
    let mut a = base.clone();
    a.infos[0].areas[0].circles[0].1 = f64::NAN;
    fails(&a, "info[0].area[0].circle[0]", "radius");
    let mut a = base.clone();
    a.scope = CapScope::Private;
    fails(&a, "addresses", "Private");
    let mut a = base.clone();
    a.scope = CapScope::Restricted;
    fails(&a, "restriction", "Restricted");
    let mut a = base.clone();
    a.restriction = Some("fire services only".into());
    fails(&a, "restriction", "only used");
    for t in [
        MsgType::Update,
        MsgType::Cancel,
        MsgType::Ack,
        MsgType::Error,
    ] {
        let mut a = base.clone();
        a.msg_type = t;
        fails(&a, "references", "required");
    }
    let mut a = base.clone();
    a.msg_type = MsgType::Update;
    a.references = vec![Reference {
        sender: a.sender.clone(),
        identifier: a.identifier.clone(),
        sent: a.sent,
    }];
    fails(&a, "references[0]", "itself");
    let mut a = base.clone();
    a.msg_type = MsgType::Cancel;
    a.references = vec![Reference {
        sender: a.sender.clone(),
        identifier: "bad id".into(),
        sent: a.sent,
    }];
    fails(&a, "references[0].identifier", "spaces");
    for bad in ["CN HAZMAT", "CN,HAZMAT", "CN<HAZMAT", "CN&HAZMAT", ""] {
        let mut a = base.clone();
        a.identifier = bad.into();
        let e = render(&a).unwrap_err();
        assert_eq!(e.field, "identifier", "{bad:?}: {e}");
    }
    let mut a = base.clone();
    a.sender = "hazmat ops".into();
    fails(&a, "sender", "spaces");
    let mut a = base.clone();
    a.infos[0].areas[0].ceiling = Some(1000.0);
    fails(&a, "info[0].area[0].ceiling", "altitude");
    let mut a = base.clone();
    a.infos[0].areas[0].altitude = Some(2000.0);
    a.infos[0].areas[0].ceiling = Some(1000.0);
    fails(&a, "info[0].area[0].ceiling", "altitude");
    let mut a = base.clone();
    a.infos[0].categories.clear();
    fails(&a, "info[0].categories", "category");
    let mut a = base.clone();
    a.infos[1].language = "en US".into();
    fails(&a, "info[1].language", "language tag");
    let mut a = base.clone();
    a.infos[0].headline = Some("bell \u{7}".into());
    fails(&a, "info[0].headline", "control character");
    let mut a = base.clone();
    a.infos[0].event = " ".into();
    fails(&a, "info[0].event", "empty");
    let mut a = base.clone();
    a.infos[0].parameters[0].0 = String::new();
    fails(&a, "info[0].parameters[0].valueName", "empty");

    // And the valid variants render.
    let mut a = base.clone();
    a.scope = CapScope::Private;
    a.addresses = Some("ops@fire.example.gov.cn".into());
    a.msg_type = MsgType::Update;
    a.references = vec![Reference {
        sender: a.sender.clone(),
        identifier: "CN-HAZMAT-2025-000122".into(),
        sent: ts("2025-11-29T10:55:00+08:00"),
    }];
    a.infos[0].areas[0].altitude = Some(0.0);
    a.infos[0].areas[0].ceiling = Some(3000.0);
    // Every optional element, so the schema sees them in order.
    a.codes = vec!["IPAWSv1.0".into()];
    a.infos[0].audience = Some("公众".into());
    a.infos[0].onset = Some(ts("2025-11-29T11:00:00+08:00"));
    a.infos[0].web = Some("https://fire.example.gov.cn/alerts/000123".into());
    a.infos[0].areas[1].geocodes = pairs(&[("GB2260", "310115")]);
    a.infos[0].areas[1].altitude = Some(-12.5);
    let xml = render(&a).unwrap();
    assert!(xml.contains(
        "<references>hazmat-ops@fire.example.gov.cn,CN-HAZMAT-2025-000122,2025-11-29T10:55:00+08:00</references>"
    ));
    validate_or_skip(&xml, true);
}

/// The schema and xmllint, or `None` after the skip notice (a failure under `CI`).
fn tools() -> Option<PathBuf> {
    let xsd = std::env::var_os("JINGWU_CAP_XSD")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/cap/CAP-v1.2.xsd"));
    let xmllint = Command::new("xmllint").arg("--version").output().is_ok();
    if xsd.is_file() && xmllint {
        return Some(xsd);
    }
    let why = format!(
        "CAP schema validation needs {} and xmllint (found: schema {}, xmllint {}); run scripts/cap-schema",
        xsd.display(),
        xsd.is_file(),
        xmllint
    );
    if std::env::var_os("CI").is_some() {
        panic!("{why}");
    }
    eprintln!("SKIP: {why}");
    None
}

static SEQ: AtomicUsize = AtomicUsize::new(0);

/// Runs xmllint on `xml`; asserts it is (in)valid as `valid` says.
fn validate_or_skip(xml: &str, valid: bool) {
    let Some(xsd) = tools() else { return };
    let path = std::env::temp_dir().join(format!(
        "jingwu-cap-{}-{}.xml",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, xml).unwrap();
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&xsd)
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.success(), valid, "xmllint: {stderr}\n{xml}");
}

#[test]
fn rendered_alert_validates_against_the_schema() {
    validate_or_skip(&render(&chlorine()).unwrap(), true);
}

#[test]
fn a_z_time_inserted_by_hand_fails_the_schema() {
    let xml = render(&chlorine()).unwrap().replace(
        "<sent>2025-11-29T11:05:00+08:00</sent>",
        "<sent>2025-11-29T03:05:00Z</sent>",
    );
    assert!(xml.contains("03:05:00Z"));
    validate_or_skip(&xml, false);
}

#[test]
fn json_round_trip_uses_cap_spelling() {
    let a = chlorine();
    let j = serde_json::to_value(&a).unwrap();
    assert_eq!(j["status"], "Exercise");
    assert_eq!(j["infos"][0]["categories"][0], "CBRNE");
    let back: Alert = serde_json::from_value(j).unwrap();
    assert_eq!(back, a);
}
