//! Live events for browsers (server-sent events), scoped to the caller; road lines and routes
//! for the command map.

use std::time::Duration;

use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{Problem, TestApp, cmd};

/// An open event stream and the text received but not yet parsed.
struct Stream {
    body: Body,
    buf: String,
}

async fn open(t: &TestApp, token: &str) -> Stream {
    let req = Request::get("/api/v1/events")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let resp = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(
        resp.headers()[header::CONTENT_TYPE].to_str().unwrap(),
        "text/event-stream"
    );
    Stream {
        body: resp.into_body(),
        buf: String::new(),
    }
}

impl Stream {
    /// The next event as (name, data). The timeout only keeps a broken build from hanging.
    async fn next(&mut self) -> (String, Value) {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        name = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if !name.is_empty() {
                    return (name, serde_json::from_str(&data).unwrap());
                }
                continue;
            }
            let frame = tokio::time::timeout(Duration::from_secs(60), self.body.frame())
                .await
                .expect("no event within a minute")
                .expect("stream ended")
                .unwrap();
            if let Ok(bytes) = frame.into_data() {
                self.buf.push_str(&String::from_utf8_lossy(&bytes));
            }
        }
    }

    /// Events up to and including the first one for which `stop` holds.
    async fn until(&mut self, stop: impl Fn(&str, &Value) -> bool) -> Vec<(String, Value)> {
        let mut seen = Vec::new();
        loop {
            let (n, v) = self.next().await;
            let done = stop(&n, &v);
            seen.push((n, v));
            if done {
                return seen;
            }
        }
    }
}

#[tokio::test]
async fn a_dispatch_reaches_the_city_and_the_crew_but_not_another_station() {
    let t = TestApp::empty().with_roads().build().await;
    let admin = t.login("admin").await;
    let body = json!({"username": "yuehu.dispatcher", "display_name": "月湖所指挥室", "role": "dispatcher", "org": t.org_id("33020302").await, "password": jingwu_app::DEMO_PASSWORD});
    assert_eq!(
        t.post("/api/v1/users", &admin, body).await.status,
        StatusCode::CREATED
    );
    let city = t.login("dispatcher").await;
    let yuehu = t.login("yuehu.dispatcher").await;
    let officer = t.login("officer").await;
    let mut city_events = open(&t, &city).await;
    let mut yuehu_events = open(&t, &yuehu).await;
    let mut officer_events = open(&t, &officer).await;

    let unit = cmd::unit_by_call_sign(&t, &city, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap().to_string();
    let (lat, lon) = (
        unit["lat"].as_f64().unwrap() + 0.001,
        unit["lon"].as_f64().unwrap(),
    );
    let incident = cmd::incident_at(&t, &city, lat, lon, ("criminal", "theft")).await;
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/dispatch"),
            &city,
            json!({"unit_ids": [unit_id]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let seq = r.body[0]["terminal_seq"].as_i64().unwrap();
    // A Yuehu unit changes last: Yuehu's dispatcher sees that, and nothing of Gulou before it.
    let yuehu_unit = cmd::unit_by_call_sign(&t, &city, "月湖巡02").await;
    let yuehu_unit_id = yuehu_unit["id"].as_str().unwrap().to_string();
    let r = t
        .post(
            &format!("/api/v1/units/{yuehu_unit_id}/status"),
            &city,
            json!({"status": "busy"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let seen = city_events
        .until(|n, v| n == "unit" && v["unit_id"] == yuehu_unit_id.as_str())
        .await;
    assert!(
        seen.iter()
            .any(|(n, v)| n == "incident" && v["incident_id"] == incident.as_str()),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|(n, v)| n == "unit" && v["unit_id"] == unit_id.as_str())
    );
    assert!(
        seen.iter()
            .any(|(n, v)| n == "terminal" && v["unit_id"] == unit_id.as_str() && v["seq"] == seq)
    );

    let seen = yuehu_events
        .until(|n, v| n == "unit" && v["unit_id"] == yuehu_unit_id.as_str())
        .await;
    assert!(
        seen.iter().all(|(_, v)| v["incident_id"] != incident.as_str()
            && v["unit_id"] != unit_id.as_str()),
        "{seen:?}"
    );

    // The crew's terminal gets its own unit's message, not the Yuehu unit's change.
    let seen = officer_events
        .until(|n, v| n == "terminal" && v["unit_id"] == unit_id.as_str())
        .await;
    assert_eq!(seen.last().unwrap().1["seq"], seq);
    assert!(
        seen.iter()
            .all(|(_, v)| v["unit_id"] != yuehu_unit_id.as_str())
    );
}

#[tokio::test]
async fn the_event_stream_needs_a_command_role() {
    let t = TestApp::empty().with_city().build().await;
    let r = t
        .call(http::Method::GET, "/api/v1/events", None, None)
        .await;
    r.problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    let citizen = t.login("citizen").await;
    t.get("/api/v1/events", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn roads_in_a_box_thin_out_at_low_zoom() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let bbox = format!(
        "{},{},{},{}",
        lon - 0.02,
        lat - 0.02,
        lon + 0.02,
        lat + 0.02
    );
    let near = t
        .get(&format!("/api/v1/roads?bbox={bbox}&zoom=16"), &dispatcher)
        .await;
    assert_eq!(near.status, StatusCode::OK, "{}", near.text);
    let near = near.body["features"].as_array().unwrap().clone();
    assert!(!near.is_empty());
    for f in &near {
        assert_eq!(f["geometry"]["type"], "LineString");
        let c = f["geometry"]["coordinates"].as_array().unwrap();
        assert!(c.len() >= 2);
    }
    let far = t
        .get(&format!("/api/v1/roads?bbox={bbox}&zoom=11"), &dispatcher)
        .await;
    let far = far.body["features"].as_array().unwrap().clone();
    assert!(far.len() < near.len(), "{} vs {}", far.len(), near.len());
    assert!(
        far.iter()
            .all(|f| f["properties"]["kmh"].as_f64().unwrap() >= 55.0)
    );
    // The whole city at full detail is capped.
    let all = t
        .get("/api/v1/roads?bbox=100,0,140,50&zoom=18", &dispatcher)
        .await;
    assert!(all.body["features"].as_array().unwrap().len() <= jingwu_app::MAX_ROAD_LINES);

    let citizen = t.login("citizen").await;
    let head = t.audit_head().await;
    t.get("/api/v1/roads?bbox=1,2,3", &dispatcher)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.get("/api/v1/roads?bbox=10,50,0,40", &dispatcher)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.get(&format!("/api/v1/roads?bbox={bbox}"), &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(t.audit_head().await, head);
}

#[tokio::test]
async fn a_route_runs_on_the_roads_between_two_points() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let a = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let b = cmd::unit_by_call_sign(&t, &dispatcher, "月湖巡02").await;
    let p = |u: &Value| {
        format!(
            "{},{}",
            u["lat"].as_f64().unwrap(),
            u["lon"].as_f64().unwrap()
        )
    };
    let r = t
        .get(
            &format!("/api/v1/route?from={}&to={}", p(&a), p(&b)),
            &dispatcher,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["geometry"]["type"], "LineString");
    assert!(r.body["geometry"]["coordinates"].as_array().unwrap().len() >= 2);
    assert!(r.body["properties"]["seconds"].as_f64().unwrap() > 0.0);
    t.get("/api/v1/route?from=91,0&to=1,1", &dispatcher)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.get("/api/v1/route?from=0,0&to=1,1", &dispatcher)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}
