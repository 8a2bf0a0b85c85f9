//! The terminal protocol, second round: revocation ends a user's sockets and event streams at
//! once, a terminal that resumes from a sequence ahead of the log is told and resynchronised,
//! and the unit says which statuses its terminal may set next.
//!
//! No test here waits for a heartbeat or a periodic session re-check: the sockets are opened
//! with the longest heartbeat (120 s) and the streams re-check every 30 s, both longer than the
//! testkit's patience, so a test passes only when the server reacts to the event itself.

use std::time::Duration;

use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use jingwu_app::RequestCtx;
use jingwu_testkit::ws::{PATIENCE, Terminal};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{Problem, TestApp, cmd};

/// A terminal greeted with the longest heartbeat, so nothing but an event can end it early.
async fn open_quiet(addr: std::net::SocketAddr, token: &str, unit_id: &str) -> Terminal {
    let mut term = Terminal::connect(addr, None).await;
    term.send(
        json!({"type": "hello", "version": 1, "unit_id": unit_id, "last_seq": 0,
        "token": token, "heartbeat_s": 120}),
    )
    .await;
    let w = term.next().await;
    assert_eq!(w["type"], "welcome", "{w}");
    term
}

/// An open `GET /api/v1/events` stream.
async fn open_events(t: &TestApp, token: &str) -> Body {
    let req = Request::get("/api/v1/events")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    let resp = t.router.clone().oneshot(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    resp.into_body()
}

/// Reads the stream until it ends; `false` when it is still open after the patience.
async fn stream_ends(body: &mut Body) -> bool {
    let read_to_end = async {
        while let Some(frame) = body.frame().await {
            if frame.is_err() {
                break;
            }
        }
    };
    tokio::time::timeout(PATIENCE, read_to_end).await.is_ok()
}

/// Whether the stream is still open: it yields no end within a short look. (Only used to show
/// that the *other* session's stream survived; a false "open" cannot make a test pass.)
async fn stream_open(body: &mut Body) -> bool {
    loop {
        match tokio::time::timeout(Duration::from_millis(300), body.frame()).await {
            Err(_) => return true,
            Ok(None) | Ok(Some(Err(_))) => return false,
            Ok(Some(Ok(_))) => {}
        }
    }
}

/// The socket's next frames up to its close: the refusal it was told, then `Null`.
async fn told_and_closed(term: &mut Terminal) -> Value {
    let m = term.next().await;
    assert_eq!(m["type"], "error", "{m}");
    assert_eq!(term.next().await, Value::Null, "the socket is closed");
    m
}

async fn user_id(t: &TestApp, token: &str) -> String {
    t.get("/api/v1/me", token).await.body["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn disabling_an_account_closes_its_terminal_socket_and_event_stream_at_once() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let admin = t.login("admin").await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit_id = cmd::unit_id(&t, &dispatcher, "鼓楼巡01").await;
    let mut term = open_quiet(addr, &officer, &unit_id).await;
    let mut events = open_events(&t, &officer).await;
    // Another user's socket and stream on the same unit and bus stay open.
    let mut dispatcher_term = open_quiet(addr, &dispatcher, &unit_id).await;
    let mut dispatcher_events = open_events(&t, &dispatcher).await;

    let id = user_id(&t, &officer).await;
    let r = t
        .post(
            &format!("/api/v1/users/{id}/revoke"),
            &admin,
            json!({"disable": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);

    let m = told_and_closed(&mut term).await;
    assert_eq!(m["code"], "unauthenticated", "{m}");
    assert!(stream_ends(&mut events).await, "the event stream ended");
    // The socket is gone, so no status change can come through it; a new one is refused.
    let mut again = Terminal::connect(addr, None).await;
    again
        .send(json!({"type": "hello", "version": 1, "unit_id": unit_id, "token": officer}))
        .await;
    assert_eq!(told_and_closed(&mut again).await["code"], "unauthenticated");

    assert!(stream_open(&mut dispatcher_events).await);
    let r = dispatcher_term
        .command(json!({"type": "status", "id": "d1", "status": "busy"}))
        .await;
    assert_eq!(r["type"], "ack", "{r}");
}

#[tokio::test]
async fn logging_out_closes_that_session_only() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let phone = t.login("officer").await;
    let car = t.login("officer").await;
    let unit_id = cmd::unit_id(&t, &dispatcher, "鼓楼巡01").await;
    let mut phone_term = open_quiet(addr, &phone, &unit_id).await;
    let mut phone_events = open_events(&t, &phone).await;
    let mut car_term = open_quiet(addr, &car, &unit_id).await;
    let mut car_events = open_events(&t, &car).await;

    let r = t.post("/api/v1/auth/logout", &phone, json!({})).await;
    assert!(r.status.is_success(), "{}", r.text);

    assert_eq!(
        told_and_closed(&mut phone_term).await["code"],
        "unauthenticated"
    );
    assert!(stream_ends(&mut phone_events).await);
    // The officer's other device works on.
    assert!(stream_open(&mut car_events).await);
    let r = car_term
        .command(json!({"type": "status", "id": "c1", "status": "busy"}))
        .await;
    assert_eq!(r["result"]["status"], "busy", "{r}");
}

#[tokio::test]
async fn a_revocation_by_another_process_stops_the_next_status_change() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit_id = cmd::unit_id(&t, &dispatcher, "鼓楼巡01").await;
    let mut term = open_quiet(addr, &officer, &unit_id).await;

    // `jingwu user revoke` runs in its own process: its event never reaches this server.
    let other = t.second_node();
    let system = other.foundation().system_principal().await.unwrap();
    other
        .foundation()
        .revoke_user(&system, "officer", true, &RequestCtx::cli())
        .await
        .unwrap();

    let m = term
        .command(json!({"type": "status", "id": "s1", "status": "busy"}))
        .await;
    assert_eq!(m["code"], "unauthenticated", "{m}");
    assert_eq!(term.next().await, Value::Null, "the socket is closed");
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    assert_eq!(unit["status"], "available", "the status did not change");
}

#[tokio::test]
async fn a_terminal_ahead_of_the_log_is_told_and_given_the_whole_log() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = car["id"].as_str().unwrap().to_string();
    let incident = cmd::incident_near(&t, &dispatcher, &car, ("criminal", "theft")).await;
    let seq = cmd::dispatch(&t, &dispatcher, &incident, &[&unit_id]).await;
    assert_eq!(seq, 1);

    // The terminal kept sequence 7 from before the server was restored.
    let mut term = Terminal::connect(addr, None).await;
    term.send(
        json!({"type": "hello", "version": 1, "unit_id": unit_id, "last_seq": 7, "token": officer}),
    )
    .await;
    let w = term.next().await;
    assert_eq!(
        (w["type"].as_str(), w["resume_after"].as_i64()),
        (Some("welcome"), Some(0)),
        "{w}"
    );
    let r = term.next().await;
    assert_eq!(
        r,
        json!({"type": "resync", "requested_after": 7, "server_seq": 1, "resume_after": 0})
    );
    let m = term.next().await;
    assert_eq!(
        (m["type"].as_str(), m["seq"].as_i64()),
        (Some("message"), Some(1)),
        "{m}"
    );
    assert_eq!(m["body"]["incident_id"], incident.as_str());

    // A terminal exactly at the head, or behind it, resumes as before, with no resync.
    let mut at_head = Terminal::open(addr, &officer, &unit_id, seq).await;
    let r = at_head
        .command(json!({"type": "status", "id": "h1", "status": "en_route"}))
        .await;
    assert_eq!(
        r["type"], "ack",
        "no resync or backlog came before the reply: {r}"
    );
}

#[tokio::test]
async fn a_unit_lists_only_the_statuses_its_terminal_may_set_next() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let car = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = car["id"].as_str().unwrap().to_string();
    let next = |u: &Value| -> Vec<(String, bool)> {
        u["next_statuses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| {
                (
                    n["status"].as_str().unwrap().to_string(),
                    n["reason_required"].as_bool().unwrap(),
                )
            })
            .collect()
    };
    let unit = t
        .get(&format!("/api/v1/units/{unit_id}"), &officer)
        .await
        .body;
    assert_eq!(
        next(&unit),
        [("busy".into(), false), ("off_duty".into(), false)],
        "a dispatch is never offered to the terminal"
    );

    let incident = cmd::incident_near(&t, &dispatcher, &car, ("criminal", "theft")).await;
    cmd::dispatch(&t, &dispatcher, &incident, &[&unit_id]).await;
    let unit = t
        .get(&format!("/api/v1/units/{unit_id}"), &officer)
        .await
        .body;
    assert_eq!(
        next(&unit),
        [("en_route".into(), false), ("available".into(), true)],
        "dispatched: en route next, on scene not yet"
    );
    // What is offered is what the server accepts, and what is not is refused.
    t.post(
        &format!("/api/v1/units/{unit_id}/status"),
        &officer,
        json!({"status": "on_scene"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "illegal_transition");
    let r = t
        .post(
            &format!("/api/v1/units/{unit_id}/status"),
            &officer,
            json!({"status": "en_route"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let unit = t
        .get(&format!("/api/v1/units/{unit_id}"), &officer)
        .await
        .body;
    assert_eq!(
        next(&unit),
        [("on_scene".into(), false), ("available".into(), true)]
    );
}

/// Opens the socket as a browser page does: the session cookie, and the page's `Origin`.
async fn connect_as_page(addr: std::net::SocketAddr, token: &str, origin: &str) -> Terminal {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let mut req = format!("ws://{addr}/api/v1/terminal/ws")
        .into_client_request()
        .unwrap();
    let h = req.headers_mut();
    h.insert("cookie", format!("jingwu_session={token}").parse().unwrap());
    h.insert("origin", origin.parse().unwrap());
    let (ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    Terminal { ws }
}

#[tokio::test]
async fn the_browser_terminal_signs_in_with_its_cookie_from_its_own_origin_only() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit_id = cmd::unit_id(&t, &dispatcher, "鼓楼巡01").await;
    let hello = json!({"type": "hello", "version": 1, "unit_id": unit_id, "last_seq": 0});

    let mut page = connect_as_page(addr, &officer, &format!("http://{addr}")).await;
    page.send(hello.clone()).await;
    assert_eq!(page.next().await["type"], "welcome");
    let r = page
        .command(json!({"type": "status", "id": "p1", "status": "busy"}))
        .await;
    assert_eq!(r["result"]["status"], "busy", "{r}");

    // Another site's page carries the cookie too, but not the origin.
    let mut foreign = connect_as_page(addr, &officer, "https://evil.example").await;
    foreign.send(hello).await;
    assert_eq!(
        told_and_closed(&mut foreign).await["code"],
        "unauthenticated"
    );
}
