//! Coverage over time (issue 10, capability 6): the coverage job samples the city and each
//! district once per 15-minute slot (however often it runs), keeps 92 days, and the dashboard
//! reads the curves of the caller's jurisdiction.

use axum::http::StatusCode;
use jiff::SignedDuration;
use serde_json::Value;

use crate::support::{ManualClock, Problem, TestApp};

const HAISHU: &str = "330203";
const JIANGBEI: &str = "330205";

async fn app() -> TestApp {
    TestApp::empty()
        .with_roads()
        .with_clock(ManualClock::new("2026-03-02T01:30:00Z".parse().unwrap()))
        .build()
        .await
}

async fn history(t: &TestApp, token: &str, query: &str) -> crate::support::Resp {
    t.get(&format!("/api/v1/stats/coverage-history?{query}"), token)
        .await
}

fn codes(body: &Value) -> Vec<&str> {
    body["series"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["code"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn the_job_samples_each_slot_once_and_the_dashboard_reads_the_curves() {
    let t = app().await;
    let command = t.app.command();
    // The city and its two districts, once per slot however many nodes sample it.
    assert_eq!(command.sample_coverage().await.unwrap(), 3);
    assert_eq!(command.sample_coverage().await.unwrap(), 0);
    t.advance(SignedDuration::from_mins(15));
    assert_eq!(command.sample_coverage().await.unwrap(), 3);
    t.audit_head().await;
    assert_eq!(
        t.sql_count(
            "SELECT COUNT(*) FROM audit_log WHERE action = $1",
            &["coverage.sample"]
        )
        .await,
        2
    );

    let city = t.login("dispatcher").await;
    let q = "from=2026-03-02T01:00:00Z&to=2026-03-02T02:00:00Z";
    let r = history(&t, &city, q).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["step_s"], 900);
    assert_eq!(codes(&r.body), ["330200", HAISHU, JIANGBEI]);
    for s in r.body["series"].as_array().unwrap() {
        let points = s["points"].as_array().unwrap();
        let at: Vec<&str> = points.iter().map(|p| p["at"].as_str().unwrap()).collect();
        assert_eq!(at, ["2026-03-02T01:30:00Z", "2026-03-02T01:45:00Z"], "{s}");
        for p in points {
            let share = |k: &str| p[k].as_f64().unwrap();
            assert!(
                0.0 <= share("share_60")
                    && share("share_60") <= share("share_180")
                    && share("share_180") <= share("share_300")
                    && share("share_300") <= 1.0,
                "{p}"
            );
            assert_eq!(p["samples"], 1);
        }
    }
    let city_curve = &r.body["series"][0]["points"][0];
    assert!(
        city_curve["share_300"].as_f64().unwrap() > 0.0,
        "{city_curve}"
    );
    assert!(city_curve["units_counted"].as_f64().unwrap() > 0.0);

    // A district's room sees its own curve only; another district's is out of scope.
    let haishu = t.login("haishu.dispatcher").await;
    let r = history(&t, &haishu, q).await;
    assert_eq!(codes(&r.body), [HAISHU], "{}", r.text);
    let jiangbei = t.org_id(JIANGBEI).await;
    history(&t, &haishu, &format!("{q}&org={jiangbei}"))
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    // The city narrows to a district.
    let r = history(&t, &city, &format!("{q}&org={jiangbei}")).await;
    assert_eq!(codes(&r.body), [JIANGBEI], "{}", r.text);
    // Periods: `to` after `from`, at most 92 days; citizens have no statistics.
    for bad in [
        "from=2026-03-02T02:00:00Z&to=2026-03-02T01:00:00Z",
        "from=2025-01-01T00:00:00Z&to=2026-03-02T01:00:00Z",
    ] {
        history(&t, &city, bad)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    let citizen = t.login("citizen").await;
    history(&t, &citizen, q)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");

    // A week's curve averages into wider steps of whole slots; the default is the last day.
    let r = history(
        &t,
        &city,
        "from=2026-02-23T00:00:00Z&to=2026-03-02T02:00:00Z",
    )
    .await;
    let step = r.body["step_s"].as_i64().unwrap();
    assert!(step > 900 && step % 900 == 0, "{step}");
    let points = r.body["series"][0]["points"].as_array().unwrap();
    assert_eq!(points.len(), 1, "both samples fall in one step: {}", r.text);
    assert_eq!(points[0]["samples"], 2);
    let r = t.get("/api/v1/stats/coverage-history", &city).await;
    assert_eq!(codes(&r.body), ["330200", HAISHU, JIANGBEI], "{}", r.text);

    // Retention: samples older than 92 days are pruned by the next pass.
    t.advance(SignedDuration::from_hours(93 * 24));
    assert_eq!(command.sample_coverage().await.unwrap(), 3);
    assert_eq!(
        t.sql_count("SELECT COUNT(*) FROM coverage_samples", &[])
            .await,
        3
    );
}
