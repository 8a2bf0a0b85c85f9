//! Inter-agency linkage (联动) against a real HTTP server on 127.0.0.1 that plays the agency:
//! it checks our HMAC signature with its copy of the secret and answers what the test tells
//! it to. Delivery is driven by the job's run-once function and the clock by `ManualClock`.
//! Covered: a signed EIDO delivery and the agency's acknowledgement with its units on the
//! timeline; a 500 retried after the backoff; giving up after the last try; a wrong
//! signature refused both ways; replay and stale timestamps refused; admin-only registration.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use jiff::SignedDuration;
use jingwu_command::linkage::{self, MESSAGE_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, Resp, TestApp, cmd};

const SECRET: &str = "agency-120-shared-secret";

/// What the agency received (signature checked) and what it answers next.
#[derive(Default)]
struct Agency {
    secret: String,
    /// Statuses to answer, in order; 200 once they run out.
    answers: VecDeque<u16>,
    /// Bodies of the messages with a good signature, and their timestamp header.
    received: Vec<(Value, i64)>,
    refused: usize,
}

type Shared = Arc<Mutex<Agency>>;

async fn receive(State(a): State<Shared>, headers: HeaderMap, body: Bytes) -> StatusCode {
    let h = |n: &str| {
        headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let ts: i64 = h(TIMESTAMP_HEADER).parse().unwrap_or(0);
    let mut a = a.lock().unwrap();
    // The window is checked against the message's own time: the app runs on a manual clock.
    if linkage::verify(
        &a.secret,
        ts,
        &h(MESSAGE_ID_HEADER),
        &body,
        &h(SIGNATURE_HEADER),
        ts,
    )
    .is_err()
    {
        a.refused += 1;
        return StatusCode::UNAUTHORIZED;
    }
    a.received
        .push((serde_json::from_slice(&body).unwrap(), ts));
    StatusCode::from_u16(a.answers.pop_front().unwrap_or(200)).unwrap()
}

/// Starts the agency on a loopback port; returns its endpoint URL and its state.
async fn agency_server(secret: &str, answers: &[u16]) -> (String, Shared) {
    let shared: Shared = Arc::new(Mutex::new(Agency {
        secret: secret.into(),
        answers: answers.iter().copied().collect(),
        ..Agency::default()
    }));
    let app = axum::Router::new()
        .route("/eido", axum::routing::post(receive))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}/eido"), shared)
}

async fn app() -> TestApp {
    TestApp::empty()
        .with_roads()
        .with_clock(ManualClock::new("2026-03-02T01:30:00Z".parse().unwrap()))
        .build()
        .await
}

async fn register(t: &TestApp, code: &str, url: &str) {
    let admin = t.login("admin").await;
    let r = t
        .post(
            "/api/v1/linkage/agencies",
            &admin,
            json!({"code": code, "kind": "ambulance", "name": "海曙120急救站",
                "endpoint_url": url, "secret": SECRET}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(r.body.get("secret").is_none(), "the secret is never shown");
}

/// An incident near 鼓楼巡01 with the unit dispatched; returns (incident, unit).
async fn incident(t: &TestApp, dispatcher: &str) -> (String, String) {
    let car = cmd::unit_by_call_sign(t, dispatcher, "鼓楼巡01").await;
    let incident = cmd::incident_near(t, dispatcher, &car, ("dispute", "neighbour_dispute")).await;
    let unit = car["id"].as_str().unwrap().to_string();
    cmd::dispatch(t, dispatcher, &incident, &[&unit]).await;
    (incident, unit)
}

async fn notify(t: &TestApp, token: &str, incident: &str, body: Value) -> Resp {
    t.post(
        &format!("/api/v1/incidents/{incident}/linkage"),
        token,
        body,
    )
    .await
}

async fn messages(t: &TestApp, token: &str, incident: &str) -> Vec<Value> {
    let r = t
        .get(&format!("/api/v1/incidents/{incident}/linkage"), token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body.as_array().unwrap().clone()
}

async fn timeline(t: &TestApp, token: &str, incident: &str) -> Vec<Value> {
    let d = t.get(&format!("/api/v1/incidents/{incident}"), token).await;
    d.body["timeline"].as_array().unwrap().clone()
}

/// The agency's signed acknowledgement, sent to the inbound endpoint.
async fn ack(t: &TestApp, code: &str, secret: &str, msg_id: &str, ts: i64, body: &Value) -> Resp {
    let raw = body.to_string();
    let sig = linkage::sign(secret, ts, msg_id, raw.as_bytes()).unwrap();
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/linkage/{code}/ack"))
        .header("content-type", "application/json")
        .header(TIMESTAMP_HEADER, ts.to_string())
        .header(MESSAGE_ID_HEADER, msg_id)
        .header(SIGNATURE_HEADER, sig)
        .body(Body::from(raw))
        .unwrap();
    t.send(req).await
}

fn now_s(t: &TestApp) -> i64 {
    t.now().as_second()
}

#[tokio::test]
async fn a_signed_eido_is_delivered_and_the_agencys_units_land_on_the_timeline() {
    let t = app().await;
    let (url, agency) = agency_server(SECRET, &[]).await;
    register(&t, "120-haishu", &url).await;
    let dispatcher = t.login("haishu.dispatcher").await;
    let (incident, unit) = incident(&t, &dispatcher).await;

    let listed = t.get("/api/v1/linkage/agencies", &dispatcher).await;
    assert_eq!(listed.body[0]["code"], "120-haishu", "{}", listed.text);
    let sent = notify(
        &t,
        &dispatcher,
        &incident,
        json!({"agency": "120-haishu", "unit_ids": [unit], "note": "一人受伤，请派救护车"}),
    )
    .await;
    assert_eq!(sent.status, StatusCode::ACCEPTED, "{}", sent.text);
    assert_eq!(sent.body["status"], "queued");
    let msg_id = sent.body["id"].as_str().unwrap().to_string();

    let done = t.app.command().run_linkage_deliveries().await.unwrap();
    assert_eq!((done.delivered, done.retried, done.failed), (1, 0, 0));
    {
        let a = agency.lock().unwrap();
        assert_eq!(a.refused, 0);
        let (body, ts) = &a.received[0];
        assert_eq!(*ts, now_s(&t), "signed at the app's time");
        assert_eq!(body["message_id"], msg_id.as_str());
        assert_eq!(body["incident_id"], incident.as_str());
        assert_eq!(body["note"], "一人受伤，请派救护车");
        let eido = &body["eido"];
        assert!(eido["incidentComponent"].is_object(), "{eido}");
        let units = eido["emergencyResourceComponent"].as_array().unwrap();
        assert_eq!(units.len(), 1, "only the chosen unit: {eido}");
        assert_eq!(units[0]["emergencyResourceName"], "鼓楼巡01");
    }
    assert_eq!(
        t.app
            .command()
            .run_linkage_deliveries()
            .await
            .unwrap()
            .delivered,
        0,
        "once"
    );
    let m = &messages(&t, &dispatcher, &incident).await[0];
    assert_eq!(
        (m["status"].as_str(), m["attempts"].as_i64()),
        (Some("delivered"), Some(1))
    );

    // The agency answers with its units.
    let answer = json!({"reference": msg_id, "units": [{"name": "急救12", "eta_s": 480}],
        "note": "已派车"});
    let r = ack(&t, "120-haishu", SECRET, "a-1", now_s(&t), &answer).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    let m = &messages(&t, &dispatcher, &incident).await[0];
    assert_eq!(m["status"], "acknowledged");
    let tl = timeline(&t, &dispatcher, &incident).await;
    let kinds: Vec<&str> = tl.iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert!(
        kinds.ends_with(&["linkage_sent", "linkage_acknowledged"]),
        "{kinds:?}"
    );
    let detail = tl.last().unwrap()["detail"].to_string();
    assert!(
        detail.contains("急救12") && detail.contains("480"),
        "{detail}"
    );

    // Refused, changing nothing: the same message id again, a bad signature, a stale time,
    // an unknown agency.
    let head = t.audit_head().await;
    ack(&t, "120-haishu", SECRET, "a-1", now_s(&t), &answer)
        .await
        .problem(StatusCode::CONFLICT, "linkage_replay");
    ack(
        &t,
        "120-haishu",
        "not-the-agency-secret",
        "a-2",
        now_s(&t),
        &answer,
    )
    .await
    .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    ack(&t, "120-haishu", SECRET, "a-3", now_s(&t) - 301, &answer)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    ack(&t, "119-nowhere", SECRET, "a-4", now_s(&t), &answer)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    let unsigned = t
        .call(
            Method::POST,
            "/api/v1/linkage/120-haishu/ack",
            None,
            Some(answer.clone()),
        )
        .await;
    unsigned.problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    assert_eq!(t.audit_head().await, head);
    assert_eq!(timeline(&t, &dispatcher, &incident).await.len(), tl.len());
}

#[tokio::test]
async fn a_failed_delivery_is_retried_after_the_backoff_and_given_up_after_the_last_try() {
    let t = app().await;
    let (url, agency) = agency_server(SECRET, &[500]).await;
    register(&t, "120-haishu", &url).await;
    let dispatcher = t.login("haishu.dispatcher").await;
    let (incident, _) = incident(&t, &dispatcher).await;
    notify(&t, &dispatcher, &incident, json!({"agency": "120-haishu"})).await;

    let done = t.app.command().run_linkage_deliveries().await.unwrap();
    assert_eq!((done.delivered, done.retried), (0, 1));
    let m = &messages(&t, &dispatcher, &incident).await[0];
    assert_eq!(m["status"], "queued");
    assert_eq!(m["last_error"], "answered 500 Internal Server Error");
    // Not before the first backoff (30 s).
    t.advance(SignedDuration::from_secs(29));
    assert_eq!(
        t.app.command().run_linkage_deliveries().await.unwrap(),
        Default::default()
    );
    t.advance(SignedDuration::from_secs(1));
    assert_eq!(
        t.app
            .command()
            .run_linkage_deliveries()
            .await
            .unwrap()
            .delivered,
        1
    );
    assert_eq!(
        agency.lock().unwrap().received.len(),
        2,
        "the same message twice"
    );
    let m = &messages(&t, &dispatcher, &incident).await[0];
    assert_eq!(
        (m["status"].as_str(), m["attempts"].as_i64()),
        (Some("delivered"), Some(2))
    );

    // An agency that keeps refusing (here: it holds another secret, so our signature is
    // wrong to it) is given up after six tries, 30 + 60 + 120 + 240 + 480 s apart.
    let (url, other) = agency_server("a-different-secret-entirely", &[]).await;
    register(&t, "119-haishu", &url).await;
    notify(&t, &dispatcher, &incident, json!({"agency": "119-haishu"})).await;
    let mut failed = 0;
    for wait in [0, 30, 60, 120, 240, 480] {
        t.advance(SignedDuration::from_secs(wait));
        failed += t
            .app
            .command()
            .run_linkage_deliveries()
            .await
            .unwrap()
            .failed;
    }
    assert_eq!(failed, 1);
    assert_eq!(other.lock().unwrap().refused, 6);
    let m = messages(&t, &dispatcher, &incident).await;
    let m = m.iter().find(|m| m["agency"] == "119-haishu").unwrap();
    assert_eq!(
        (m["status"].as_str(), m["attempts"].as_i64()),
        (Some("failed"), Some(6))
    );
    assert_eq!(m["last_error"], "answered 401 Unauthorized");
    let tl = timeline(&t, &dispatcher, &incident).await;
    assert_eq!(tl.last().unwrap()["kind"], "linkage_failed");
    t.advance(SignedDuration::from_hours(2));
    assert_eq!(
        t.app.command().run_linkage_deliveries().await.unwrap(),
        Default::default()
    );
}

#[tokio::test]
async fn agencies_are_kept_by_admins_and_notified_by_dispatchers_of_the_incident() {
    let t = app().await;
    let admin = t.login("admin").await;
    let dispatcher = t.login("haishu.dispatcher").await;
    let good = json!({"code": "120-city", "kind": "ambulance", "name": "市120",
        "endpoint_url": "http://127.0.0.1:9/eido", "secret": SECRET});
    t.post("/api/v1/linkage/agencies", &dispatcher, good.clone())
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let head = t.audit_head().await;
    let bad = json!({"code": "X", "kind": "police", "name": "", "endpoint_url": "ftp://x",
        "secret": "short"});
    let r = t.post("/api/v1/linkage/agencies", &admin, bad).await;
    let body = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["code", "kind", "name", "endpoint_url", "secret"]);
    assert_eq!(t.audit_head().await, head);
    let r = t
        .post("/api/v1/linkage/agencies", &admin, good.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    t.post("/api/v1/linkage/agencies", &admin, good)
        .await
        .problem(StatusCode::CONFLICT, "agency_exists");

    let (incident, _) = incident(&t, &dispatcher).await;
    // Another district's dispatcher does not see the incident.
    let jiangbei = t.login("jiangbei.dispatcher").await;
    notify(&t, &jiangbei, &incident, json!({"agency": "120-city"}))
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let r = notify(&t, &dispatcher, &incident, json!({"agency": "nope"})).await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["field"],
        "agency"
    );
    let r = notify(
        &t,
        &dispatcher,
        &incident,
        json!({"agency": "120-city", "unit_ids": ["no-such-unit"]}),
    )
    .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // Disabled: refused until enabled again.
    let update = json!({"kind": "ambulance", "name": "市120", "endpoint_url": "http://127.0.0.1:9/eido",
        "secret": SECRET, "enabled": false});
    let r = t
        .put("/api/v1/linkage/agencies/120-city", &admin, update)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["enabled"], false);
    notify(&t, &dispatcher, &incident, json!({"agency": "120-city"}))
        .await
        .problem(StatusCode::CONFLICT, "agency_disabled");
    assert!(messages(&t, &dispatcher, &incident).await.is_empty());
}
