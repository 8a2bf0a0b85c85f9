//! The dashboard's figures: trends per day and per week, by district, the compliance rate
//! explained rule by rule, and a district dispatcher's default scope — on a manual clock, so
//! the incidents fall on known days of two weeks.

use axum::http::StatusCode;
use jingwu_testkit::ManualClock;
use serde_json::{Value, json};

use crate::support::{Problem, TestApp, cmd};

/// Monday 2 March 2026, 09:30 in China Standard Time.
const MONDAY: &str = "2026-03-02T01:30:00Z";

fn q(v: &str) -> String {
    v.replace('+', "%2B").replace(':', "%3A")
}

/// Dispatches `unit`, brings it on scene and closes with `text` (a code is always given).
async fn work(t: &TestApp, token: &str, incident: &str, unit: &str, text: &str) {
    cmd::dispatch(t, token, incident, &[unit]).await;
    for status in ["en_route", "on_scene"] {
        let r = t
            .post(
                &format!("/api/v1/units/{unit}/status"),
                token,
                json!({"status": status}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/close"),
            token,
            json!({"result_code": "10", "result_text": text}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
}

fn keys_and_counts(s: &Value) -> Vec<(String, u64)> {
    s["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| {
            (
                g["key"].as_str().unwrap().to_string(),
                g["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn trends_by_day_week_and_district_with_the_compliance_rate_explained() {
    let t = TestApp::empty()
        .with_roads()
        .with_clock(ManualClock::new(MONDAY.parse().unwrap()))
        .build()
        .await;
    let good_text = "现场查明系邻里纠纷，双方已当场调解完毕";

    // Week 1, Monday: a theft in 海曙 (鼓楼), closed without the scene photo a theft needs.
    let city = t.login("dispatcher").await;
    let gulou = cmd::unit_by_call_sign(&t, &city, "鼓楼巡01").await;
    let a = cmd::incident_near(&t, &city, &gulou, ("criminal", "theft")).await;
    work(&t, &city, &a, gulou["id"].as_str().unwrap(), good_text).await;

    // Week 2, Tuesday: in 江北 (白沙) a dispute closed as it should, and a collision left open.
    t.advance(jiff::SignedDuration::from_hours(8 * 24));
    let city = t.login("dispatcher").await;
    let baisha = cmd::unit_by_call_sign(&t, &city, "白沙巡01").await;
    let b = cmd::incident_near(&t, &city, &baisha, ("dispute", "neighbour_dispute")).await;
    work(&t, &city, &b, baisha["id"].as_str().unwrap(), good_text).await;
    cmd::incident_near(&t, &city, &baisha, ("traffic", "collision")).await;

    let from = q("2026-02-28T16:00:00Z");
    let to = q(&(t.now() + jiff::SignedDuration::from_hours(1)).to_string());
    let stats = |token: String, group: &'static str| {
        let url = format!("/api/v1/stats/incidents?from={from}&to={to}&group_by={group}");
        let t = &t;
        async move {
            let r = t.get(&url, &token).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.body
        }
    };

    let week = stats(city.clone(), "week").await;
    assert_eq!(week["group_by"], "week");
    assert_eq!(
        keys_and_counts(&week),
        [("2026-03-02".into(), 1), ("2026-03-09".into(), 2)],
        "weeks are keyed by their Monday"
    );
    let day = stats(city.clone(), "day").await;
    assert_eq!(
        keys_and_counts(&day),
        [("2026-03-02".into(), 1), ("2026-03-10".into(), 2)]
    );
    // Response-time fractiles per period: both weeks had an arrival.
    for g in week["groups"].as_array().unwrap() {
        assert!(g["arrive_p50_s"].as_f64().unwrap() >= 0.0, "{g}");
        assert!(g["response_p90_s"].as_f64().unwrap() >= 0.0, "{g}");
    }

    let haishu = t.org_id("330203").await;
    let jiangbei = t.org_id("330205").await;
    let district = stats(city.clone(), "district").await;
    let mut got = keys_and_counts(&district);
    got.sort();
    let mut want = vec![(haishu.clone(), 1), (jiangbei.clone(), 2)];
    want.sort();
    assert_eq!(got, want);
    let labels: Vec<&str> = district["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["label"].as_str().unwrap())
        .collect();
    assert!(
        labels
            .iter()
            .all(|l| l.contains("海曙") || l.contains("江北")),
        "{labels:?}"
    );

    // Two closed, one compliant: the theft lacked its scene photo, nothing else failed.
    let c = &week["total"]["compliance"];
    assert_eq!(
        (c["closed"].as_u64(), c["compliant"].as_u64()),
        (Some(2), Some(1)),
        "{c}"
    );
    assert_eq!(
        c["failures"],
        json!({"missing_result_code": 0, "result_text_too_short": 0,
            "missing_scene_photos": 1, "missing_arrival": 0})
    );
    // Per week too: the rate of week 1 is explained by the same rule.
    assert_eq!(
        week["groups"][0]["compliance"]["failures"]["missing_scene_photos"],
        1
    );

    // A district dispatcher opens on their own district, without naming it.
    let haishu_desk = t.login("haishu.dispatcher").await;
    let own = stats(haishu_desk.clone(), "week").await;
    assert_eq!(own["org_id"], haishu.as_str());
    assert_eq!(own["total"]["count"], 1);
    let r = t
        .get(
            &format!("/api/v1/stats/incidents?from={from}&to={to}&org={jiangbei}"),
            &haishu_desk,
        )
        .await;
    r.problem(StatusCode::FORBIDDEN, "out_of_scope");

    // The export has what the page shows: one row per week and the total.
    let r = t
        .get(
            &format!("/api/v1/stats/incidents.csv?from={from}&to={to}&group_by=week"),
            &city,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let lines: Vec<&str> = r.text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 4, "{}", r.text);
    assert!(lines[0].starts_with("week,label,"), "{}", lines[0]);
    assert!(lines[1].starts_with("2026-03-02,"), "{}", lines[1]);

    let r = t
        .get(
            &format!("/api/v1/stats/incidents?from={from}&to={to}&group_by=month"),
            &city,
        )
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
}
