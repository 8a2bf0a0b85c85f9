//! The terminal protocol over a real WebSocket: a server bound on 127.0.0.1:0 with the real
//! router, terminals connected with tokio-tungstenite. Push, acknowledge, progress and close;
//! resume by sequence number; refusals; malformed frames; heartbeats; a terminal that does not
//! read is dropped without stalling anyone else.

use std::net::SocketAddr;

use axum::http::StatusCode;
use futures_util::{SinkExt, StreamExt};
use jingwu_testkit::ws::{PATIENCE, Terminal};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::support::{Problem, TestApp, cmd};

/// The demo officer's unit and a point near it.
async fn officer_unit(t: &TestApp, dispatcher: &str) -> (String, f64, f64) {
    let unit = cmd::unit_by_call_sign(t, dispatcher, "鼓楼巡01").await;
    (
        unit["id"].as_str().unwrap().to_string(),
        unit["lat"].as_f64().unwrap() + 0.001,
        unit["lon"].as_f64().unwrap(),
    )
}

/// Another available unit of the city.
async fn available_unit(t: &TestApp, dispatcher: &str, except: &str) -> String {
    let units = t.get("/api/v1/units", dispatcher).await;
    units
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["status"] == "available" && u["id"] != except && u["lat"].is_number())
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_terminal_receives_its_assignment_and_works_it_to_close() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let (unit_id, lat, lon) = officer_unit(&t, &dispatcher).await;
    let mut term = Terminal::open(addr, &officer, &unit_id, 0).await;

    let incident = cmd::incident_at(&t, &dispatcher, lat, lon, ("criminal", "theft")).await;
    let seq = cmd::dispatch(&t, &dispatcher, &incident, &[&unit_id]).await;
    let m = term.next().await;
    assert_eq!(m["type"], "message", "{m}");
    assert_eq!(m["seq"], seq);
    assert_eq!(m["kind"], "assignment");
    assert_eq!(m["body"]["incident_id"], incident.as_str());

    let r = term
        .command(json!({"type": "ack_assignment", "id": "c1", "incident_id": incident}))
        .await;
    assert_eq!(r["type"], "ack", "{r}");
    let r = term
        .command(json!({"type": "status", "id": "c2", "status": "en_route"}))
        .await;
    assert_eq!(
        (r["type"].as_str(), r["result"]["status"].as_str()),
        (Some("ack"), Some("en_route")),
        "{r}"
    );
    let now = t.now().to_string();
    let r = term
        .command(json!({"type": "position", "id": "c3", "positions": [
            {"at": now, "lat": lat, "lon": lon, "speed_kmh": 40.0, "heading": 90.0}]}))
        .await;
    assert_eq!(r["result"]["accepted"], 1, "{r}");
    let r = term
        .command(json!({"type": "status", "id": "c4", "status": "on_scene"}))
        .await;
    assert_eq!(r["result"]["status"], "on_scene", "{r}");
    let r = term
        .command(json!({"type": "close", "id": "c5", "incident_id": incident,
            "result_code": "10", "result_text": "现场查明系误会，已调解完毕"}))
        .await;
    assert_eq!(r["type"], "ack", "{r}");

    let d = t
        .get(&format!("/api/v1/incidents/{incident}"), &dispatcher)
        .await;
    let kinds: Vec<&str> = d.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "dispatched",
            "acknowledged",
            "en_route",
            "on_scene",
            "closed"
        ]
    );
    assert_eq!(d.body["incident"]["status"], "closed");
    assert_eq!(d.body["incident"]["result_code"], "10");
    let unit = t
        .get(&format!("/api/v1/units/{unit_id}"), &dispatcher)
        .await;
    assert_eq!(unit.body["status"], "available");
    assert!(
        (unit.body["lat"].as_f64().unwrap() - lat).abs() < 1e-9,
        "{}",
        unit.text
    );
    // Each step is audited under the socket's request id and the command's id.
    let audit = t
        .get("/api/v1/audit?limit=20", &t.login("admin").await)
        .await;
    assert!(audit.text.contains(":c2"), "{}", audit.text);
}

#[tokio::test]
async fn a_reconnecting_terminal_resumes_from_its_last_sequence() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let (unit_id, lat, lon) = officer_unit(&t, &dispatcher).await;

    // Authenticated by the upgrade request's bearer header this time.
    let mut term = Terminal::connect(addr, Some(&officer)).await;
    term.send(json!({"type": "hello", "version": 1, "unit_id": unit_id, "last_seq": 0}))
        .await;
    assert_eq!(term.next().await["type"], "welcome");
    let first = cmd::incident_at(&t, &dispatcher, lat, lon, ("dispute", "neighbour_dispute")).await;
    let s1 = cmd::dispatch(&t, &dispatcher, &first, &[&unit_id]).await;
    assert_eq!(term.next().await["seq"], s1);
    term.ws.close(None).await.unwrap();
    drop(term);

    // Offline: two more assignments happen, and each closure is told to the crew.
    cmd::close(&t, &dispatcher, &first).await;
    let second = cmd::incident_at(&t, &dispatcher, lat, lon, ("traffic", "collision")).await;
    let s2 = cmd::dispatch(&t, &dispatcher, &second, &[&unit_id]).await;
    cmd::close(&t, &dispatcher, &second).await;
    let third = cmd::incident_at(&t, &dispatcher, lat, lon, ("assistance", "missing_person")).await;
    let s3 = cmd::dispatch(&t, &dispatcher, &third, &[&unit_id]).await;
    assert_eq!((s2, s3), (s1 + 2, s1 + 4));

    let mut term = Terminal::open(addr, &officer, &unit_id, s1).await;
    let m = term.next().await;
    assert_eq!(
        (
            m["seq"].as_i64(),
            m["kind"].as_str(),
            m["body"]["incident_id"].as_str()
        ),
        (Some(s1 + 1), Some("incident_closed"), Some(first.as_str())),
        "{m}"
    );
    let m = term.next().await;
    assert_eq!(
        (m["seq"].as_i64(), m["body"]["incident_id"].as_str()),
        (Some(s2), Some(second.as_str())),
        "{m}"
    );
    let m = term.next().await;
    assert_eq!(m["kind"], "incident_closed", "{m}");
    let m = term.next().await;
    assert_eq!(
        (m["seq"].as_i64(), m["body"]["incident_id"].as_str()),
        (Some(s3), Some(third.as_str())),
        "{m}"
    );
    // Then live ones.
    cmd::close(&t, &dispatcher, &third).await;
    let m = term.next().await;
    assert_eq!(
        (m["seq"].as_i64(), m["kind"].as_str()),
        (Some(s3 + 1), Some("incident_closed")),
        "{m}"
    );
    let fourth = cmd::incident_at(&t, &dispatcher, lat, lon, ("criminal", "theft")).await;
    let s4 = cmd::dispatch(&t, &dispatcher, &fourth, &[&unit_id]).await;
    let m = term.next().await;
    assert_eq!(
        (m["seq"].as_i64(), m["body"]["incident_id"].as_str()),
        (Some(s4), Some(fourth.as_str())),
        "{m}"
    );
    assert_eq!(s4, s3 + 2);
}

#[tokio::test]
async fn bad_tokens_and_other_units_are_refused() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let (unit_id, _, _) = officer_unit(&t, &dispatcher).await;
    let other = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡02").await;
    let other_id = other["id"].as_str().unwrap();
    assert!(
        !other["crew"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c == "officer")
    );
    let before = t.audit_head().await;

    // A bad bearer header is refused before the upgrade, as a problem.
    match Terminal::try_connect(addr, Some("not-a-token")).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
        }
        Err(e) => panic!("unexpected error {e}"),
        Ok(_) => panic!("a bad token was accepted"),
    }

    async fn refused(addr: SocketAddr, hello: Value, code: &str) {
        let mut term = Terminal::connect(addr, None).await;
        term.send(hello).await;
        let e = term.next().await;
        assert_eq!(
            (e["type"].as_str(), e["code"].as_str()),
            (Some("error"), Some(code)),
            "{e}"
        );
        assert!(e["detail"].is_string() && e["status"].is_u64(), "{e}");
        // And the server closes the socket.
        assert!(term.next().await.is_null());
    }
    refused(
        addr,
        json!({"type": "hello", "version": 1, "unit_id": unit_id, "token": "forged"}),
        "unauthenticated",
    )
    .await;
    refused(
        addr,
        json!({"type": "hello", "version": 1, "unit_id": unit_id}),
        "unauthenticated",
    )
    .await;
    // The officer does not crew this unit; its existence is not revealed.
    refused(
        addr,
        json!({"type": "hello", "version": 1, "unit_id": other_id, "token": officer}),
        "not_found",
    )
    .await;
    // A district dispatcher may not take a unit outside the district.
    let haishu = t.login("haishu.dispatcher").await;
    let theirs = t.get("/api/v1/units", &haishu).await;
    let all = t.get("/api/v1/units", &dispatcher).await;
    let outside = all
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            !theirs
                .body
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["id"] == u["id"])
        })
        .unwrap()["id"]
        .clone();
    refused(
        addr,
        json!({"type": "hello", "version": 1, "unit_id": outside, "token": haishu}),
        "not_found",
    )
    .await;
    refused(
        addr,
        json!({"type": "hello", "version": 2, "unit_id": unit_id, "token": officer}),
        "unsupported_version",
    )
    .await;
    // A revoked session stops working.
    let r = t
        .call(
            axum::http::Method::POST,
            "/api/v1/auth/logout",
            Some(&officer),
            None,
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text);
    let before_logout_check = t.audit_head().await;
    refused(
        addr,
        json!({"type": "hello", "version": 1, "unit_id": unit_id, "token": officer}),
        "unauthenticated",
    )
    .await;
    assert_eq!(t.audit_head().await, before_logout_check);
    assert_ne!(before, before_logout_check, "logout is audited");

    // The city dispatcher may work any unit's terminal in the city.
    let mut term = Terminal::open(addr, &dispatcher, other_id, 0).await;
    let r = term
        .command(json!({"type": "status", "id": "d1", "status": "busy"}))
        .await;
    assert_eq!(r["type"], "ack", "{r}");
}

#[tokio::test]
async fn malformed_frames_get_an_error_and_the_connection_survives() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let (unit_id, lat, lon) = officer_unit(&t, &dispatcher).await;

    // Before hello: anything else is answered and the terminal may still say hello.
    let mut term = Terminal::connect(addr, None).await;
    term.send(json!({"type": "pong"})).await;
    assert_eq!(term.next().await["code"], "hello_expected");
    term.send(json!({"type": "hello", "version": 1, "unit_id": unit_id, "token": officer}))
        .await;
    assert_eq!(term.next().await["type"], "welcome");

    let before = t.audit_head().await;
    term.ws.send(Message::text("{not json")).await.unwrap();
    let e = term.next().await;
    assert_eq!(
        (e["type"].as_str(), e["code"].as_str(), e["status"].as_u64()),
        (Some("error"), Some("malformed_json"), Some(400)),
        "{e}"
    );
    assert!(e["id"].is_null());
    let e = term.command(json!({"type": "teleport", "id": "x1"})).await;
    assert_eq!(e["code"], "invalid_field", "{e}");
    let e = term.command(json!({"type": "status", "id": "x2"})).await;
    assert_eq!(
        (e["code"].as_str(), e["errors"][0]["field"].as_str()),
        (Some("invalid_field"), Some("status")),
        "{e}"
    );
    let e = term
        .command(json!({"type": "status", "id": "x3", "status": "flying"}))
        .await;
    assert_eq!(
        (e["type"].as_str(), e["status"].as_u64()),
        (Some("error"), Some(422)),
        "{e}"
    );
    let e = term
        .command(json!({"type": "status", "id": "x4", "status": "on_scene"}))
        .await;
    assert_eq!(e["code"], "illegal_transition", "{e}");
    let e = term.command(json!({"type": "position", "id": "x5", "positions": [{"at": "yesterday", "lat": lat, "lon": lon}]})).await;
    assert_eq!(e["errors"][0]["field"], "positions[0].at", "{e}");
    let e = term
        .command(json!({"type": "position", "id": "x6", "positions": []}))
        .await;
    assert_eq!(e["code"], "invalid_field", "{e}");
    let e = term
        .command(json!({"type": "ack_assignment", "id": "x7", "incident_id": "none"}))
        .await;
    assert_eq!(e["code"], "not_assigned", "{e}");
    let e = term
        .command(json!({"type": "status", "id": "", "status": "busy"}))
        .await;
    assert_eq!(e["code"], "invalid_field", "{e}");
    term.ws
        .send(Message::binary(vec![1u8, 2, 3]))
        .await
        .unwrap();
    assert_eq!(term.next().await["code"], "unsupported_frame");
    term.send(json!({"type": "hello", "version": 1, "unit_id": unit_id}))
        .await;
    assert_eq!(term.next().await["code"], "already_greeted");
    assert_eq!(
        t.audit_head().await,
        before,
        "refused commands change nothing"
    );

    // Still connected and working.
    let r = term
        .command(json!({"type": "status", "id": "ok", "status": "busy"}))
        .await;
    assert_eq!(r["type"], "ack", "{r}");
    assert_ne!(t.audit_head().await, before);
}

#[tokio::test]
async fn the_server_sends_heartbeats() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let (unit_id, _, _) = officer_unit(&t, &dispatcher).await;
    let mut term = Terminal::connect(addr, None).await;
    term.send(json!({"type": "hello", "version": 1, "unit_id": unit_id, "token": officer, "heartbeat_s": 1}))
        .await;
    let w = term.next().await;
    assert_eq!(
        (w["type"].as_str(), w["heartbeat_s"].as_u64()),
        (Some("welcome"), Some(1)),
        "{w}"
    );
    let p = term.raw().await;
    assert_eq!(p["type"], "ping", "{p}");
    assert!(p["at"].as_str().unwrap().parse::<jiff::Timestamp>().is_ok());
    term.send(json!({"type": "pong"})).await;
    assert_eq!(term.raw().await["type"], "ping");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_terminal_that_does_not_read_is_dropped_and_stalls_no_one() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let (unit_id, lat, lon) = officer_unit(&t, &dispatcher).await;
    let other_id = available_unit(&t, &dispatcher, &unit_id).await;

    let mut watcher = Terminal::open(addr, &dispatcher, &other_id, 0).await;
    let mut slow = Terminal::open(addr, &officer, &unit_id, 0).await;
    // The slow terminal sends commands that each earn an error reply, and never reads. Once
    // the socket buffers and its outbound queue are full, the server drops it.
    let frame = Message::text(format!(r#"{{"type":"status","id":"{}"}}"#, "s".repeat(60)));
    let mut sent = 0usize;
    for i in 0..400_000usize {
        if slow.ws.feed(frame.clone()).await.is_err() {
            break;
        }
        sent += 1;
        if i % 500 == 499 && slow.ws.flush().await.is_err() {
            break;
        }
    }
    // Reading now drains what was buffered and then finds the connection gone.
    let mut replies = 0usize;
    loop {
        match tokio::time::timeout(PATIENCE, slow.ws.next())
            .await
            .unwrap()
        {
            Some(Ok(Message::Text(_))) => replies += 1,
            Some(Ok(_)) => {}
            None | Some(Err(_)) => break,
        }
    }
    assert!(sent > 0 && replies < sent, "sent {sent}, replies {replies}");

    // Meanwhile another terminal is served as usual, and so is the HTTP API.
    let incident = cmd::incident_at(&t, &dispatcher, lat, lon, ("criminal", "theft")).await;
    let seq = cmd::dispatch(&t, &dispatcher, &incident, &[&other_id]).await;
    let m = watcher.next().await;
    assert_eq!(
        (m["type"].as_str(), m["seq"].as_i64()),
        (Some("message"), Some(seq)),
        "{m}"
    );

    // The dropped terminal reconnects and resumes.
    let mut again = Terminal::open(addr, &officer, &unit_id, 0).await;
    let r = again
        .command(json!({"type": "status", "id": "back", "status": "busy"}))
        .await;
    assert_eq!(r["type"], "ack", "{r}");
}

#[tokio::test]
async fn the_protocol_is_published_in_the_openapi_document() {
    let t = TestApp::empty().build().await;
    let r = t
        .call(axum::http::Method::GET, "/api/openapi.json", None, None)
        .await;
    let schemas = &r.body["components"]["schemas"];
    let client = serde_json::to_string(&schemas["TerminalClientMessage"]).unwrap();
    for t in [
        "hello",
        "ack_assignment",
        "status",
        "position",
        "close",
        "pong",
    ] {
        assert!(client.contains(&format!("\"{t}\"")), "{t}: {client}");
    }
    let server = serde_json::to_string(&schemas["TerminalServerMessage"]).unwrap();
    for t in ["welcome", "message", "ping", "ack", "error"] {
        assert!(server.contains(&format!("\"{t}\"")), "{t}: {server}");
    }
    for s in [
        "Hello",
        "Welcome",
        "PushedMessage",
        "ErrorReply",
        "TerminalFix",
    ] {
        assert!(schemas[s].is_object(), "{s} missing");
    }
    assert!(r.body["paths"]["/api/v1/terminal/ws"]["get"].is_object());
    // Without an upgrade the endpoint says what it is, as a problem.
    let r = t
        .call(axum::http::Method::GET, "/api/v1/terminal/ws", None, None)
        .await;
    r.problem(StatusCode::BAD_REQUEST, "websocket_required");
}

#[tokio::test]
async fn a_dispatcher_sets_a_crew_whose_officer_then_operates_the_unit() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let admin = t.login("admin").await;
    let officer = t.login("officer").await;
    let haishu = t.login("haishu.dispatcher").await;
    // An available unit outside the Haishu district (the officer's own unit is inside).
    let theirs = t.get("/api/v1/units", &haishu).await;
    let all = t.get("/api/v1/units", &dispatcher).await;
    let unit_id = all
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|u| {
            u["status"] == "available"
                && !theirs
                    .body
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|v| v["id"] == u["id"])
        })
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let path = format!("/api/v1/units/{unit_id}/crew");
    let put = |token: &str, body: Value| {
        let token = token.to_string();
        let path = path.clone();
        let t = &t;
        async move {
            t.call(axum::http::Method::PUT, &path, Some(&token), Some(body))
                .await
        }
    };

    let before = t.audit_head().await;
    put(&officer, json!({"crew": ["officer"]}))
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let r = put(
        &dispatcher,
        json!({"crew": ["officer", "nobody", "dispatcher", "officer"]}),
    )
    .await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["crew[1]", "crew[2]", "crew[3]"], "{p}");
    put(&dispatcher, json!({"crew": "officer"}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    // A district dispatcher cannot reach a unit outside the district.
    put(&haishu, json!({"crew": ["officer"]}))
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(t.audit_head().await, before, "refusals change nothing");
    // The officer cannot work this unit yet.
    let mut term = Terminal::connect(addr, None).await;
    term.send(json!({"type": "hello", "version": 1, "unit_id": unit_id, "token": officer}))
        .await;
    assert_eq!(term.next().await["code"], "not_found");

    // Rostered names already on the crew may stay; the added member must be an officer.
    let unit = t
        .get(&format!("/api/v1/units/{unit_id}"), &dispatcher)
        .await;
    let mut crew = unit.body["crew"].as_array().unwrap().clone();
    assert!(!crew.is_empty());
    crew.push(json!("officer"));
    let r = put(&admin, json!({ "crew": crew })).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["crew"], json!(crew));
    assert_ne!(t.audit_head().await, before);
    let mut term = Terminal::open(addr, &officer, &unit_id, 0).await;
    let r = term
        .command(json!({"type": "status", "id": "1", "status": "busy"}))
        .await;
    assert_eq!(r["type"], "ack", "{r}");
    let audit = t.get("/api/v1/audit?limit=5", &admin).await;
    assert!(audit.text.contains("unit.crew"), "{}", audit.text);
}

#[tokio::test]
async fn a_gateway_batch_keeps_each_units_newest_fix() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let units = t.get("/api/v1/units", &dispatcher).await;
    let ids: Vec<String> = units.body.as_array().unwrap()[..3]
        .iter()
        .map(|u| u["id"].as_str().unwrap().to_string())
        .collect();
    let now = t.now();
    // Ages counted back from 40 s ahead (within the accepted clock skew), so every fix is newer
    // than the seeded positions.
    let at = |s: i64| (now + jiff::SignedDuration::from_secs(40 - s)).to_string();
    // Per unit: fixes out of order; the one 10 s old is the newest.
    let mut fixes = Vec::new();
    for (k, id) in ids.iter().enumerate() {
        let base = 30.0 + k as f64 * 0.01;
        for (age, dlat) in [(30, 0.0), (10, 0.002), (20, 0.001)] {
            fixes.push(json!({"unit_id": id, "at": at(age), "lat": base + dlat, "lon": 121.5}));
        }
    }
    let r = t
        .post("/api/v1/avl", &dispatcher, json!({ "positions": fixes }))
        .await;
    assert_eq!(r.body["accepted"], 9, "{}", r.text);
    // An older fix arriving later does not move a unit back.
    let late = json!({"positions": [{"unit_id": ids[0], "at": at(35), "lat": 31.0, "lon": 121.0}]});
    assert_eq!(
        t.post("/api/v1/avl", &dispatcher, late).await.status,
        StatusCode::OK
    );
    for (k, id) in ids.iter().enumerate() {
        let u = t.get(&format!("/api/v1/units/{id}"), &dispatcher).await;
        let want = 30.0 + k as f64 * 0.01 + 0.002;
        assert!(
            (u.body["lat"].as_f64().unwrap() - want).abs() < 1e-9,
            "{}",
            u.text
        );
    }
    // One unknown unit refuses the whole batch.
    let before = t
        .get(&format!("/api/v1/units/{}", ids[1]), &dispatcher)
        .await;
    let bad = json!({"positions": [
        {"unit_id": ids[1], "at": at(1), "lat": 29.0, "lon": 121.0},
        {"unit_id": "no-such-unit", "at": at(1), "lat": 29.0, "lon": 121.0}]});
    t.post("/api/v1/avl", &dispatcher, bad)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let after = t
        .get(&format!("/api/v1/units/{}", ids[1]), &dispatcher)
        .await;
    assert_eq!(before.body["lat"], after.body["lat"]);
}

#[tokio::test]
async fn an_officer_taken_off_the_crew_hears_nothing_more_from_the_unit() {
    let t = TestApp::empty().with_roads().build().await;
    let addr = t.serve().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let (unit_id, lat, lon) = officer_unit(&t, &dispatcher).await;
    let mut term = Terminal::open(addr, &officer, &unit_id, 0).await;

    // The command room gives the unit another crew while the terminal is connected.
    cmd::set_crew(&t, &dispatcher, &unit_id, &["baisha.officer"]).await;
    let incident = cmd::incident_at(&t, &dispatcher, lat, lon, ("criminal", "theft")).await;
    cmd::dispatch(&t, &dispatcher, &incident, &[&unit_id]).await;

    // The assignment is not pushed to the old crew's terminal: it is told why and closed.
    let m = term.next().await;
    assert_eq!(
        (m["type"].as_str(), m["code"].as_str()),
        (Some("error"), Some("not_found")),
        "{m}"
    );
    assert_eq!(term.next().await, Value::Null, "the socket is closed");
}
