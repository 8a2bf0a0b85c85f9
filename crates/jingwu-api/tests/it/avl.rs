//! AVL under load and at shutdown: the position writer's track, its explicit shedding when
//! it falls behind, and its drain when the server stops (issue 10, capability 7).

use axum::http::StatusCode;
use jiff::SignedDuration;
use jingwu_testkit::ws::{PATIENCE, Terminal};
use serde_json::{Value, json};

use crate::support::{Problem, TestApp, cmd};

/// Fixes of `unit_id`, `seconds_ago` before `now` each, as the HTTP batch takes them.
fn batch(now: jiff::Timestamp, unit_id: &str, seconds_ago: &[i64], lat: f64, lon: f64) -> Value {
    let fixes: Vec<Value> = seconds_ago
        .iter()
        .map(|s| {
            json!({"unit_id": unit_id, "at": (now - SignedDuration::from_secs(*s)).to_string(),
                   "lat": lat, "lon": lon, "speed_kmh": 20.0, "heading": 90.0})
        })
        .collect();
    json!({ "positions": fixes })
}

/// Waits (bounded) until the position writer holds `n` queued fixes.
async fn until_queued(t: &TestApp, n: usize) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while t.app.kernel().queued_positions() < n {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the writer never queued {n} fixes"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

#[tokio::test]
async fn a_units_track_reads_back_in_time_order_one_fix_per_instant_for_those_who_see_it() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap().to_string();
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let now = t.now();

    // Out of order, then a replay of one instant with other coordinates (a terminal that
    // resent after a lost acknowledgement): the first stored stays.
    let r = t
        .post(
            "/api/v1/avl",
            &dispatcher,
            batch(now, &unit_id, &[30, 90, 60], lat, lon),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t
        .post(
            "/api/v1/avl",
            &dispatcher,
            batch(now, &unit_id, &[60], lat + 0.01, lon),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(t.stored_fixes(&unit_id).await, 4, "both copies are stored");

    // The crew's terminal adds one over the WebSocket, acknowledged once stored.
    let addr = t.serve().await;
    let mut term = Terminal::open(addr, &officer, &unit_id, 0).await;
    let at = (now - SignedDuration::from_secs(10)).to_string();
    let ack = term
        .command(json!({"type": "position", "id": "w1", "positions": [{"at": at, "lat": lat, "lon": lon}]}))
        .await;
    assert_eq!(
        (ack["type"].as_str(), ack["result"]["accepted"].as_u64()),
        (Some("ack"), Some(1)),
        "{ack}"
    );

    let path = format!("/api/v1/units/{unit_id}/track");
    let track = t.get(&path, &dispatcher).await;
    assert_eq!(track.status, StatusCode::OK, "{}", track.text);
    let fixes = track.body["fixes"].as_array().unwrap();
    let ats: Vec<jiff::Timestamp> = fixes
        .iter()
        .map(|f| f["at"].as_str().unwrap().parse().unwrap())
        .collect();
    assert_eq!(ats.len(), 4, "one fix per instant: {}", track.text);
    assert!(ats.windows(2).all(|w| w[0] < w[1]), "in time order");
    assert_eq!(
        fixes[1]["lat"].as_f64(),
        Some(lat),
        "the first stored of an instant wins"
    );
    assert_eq!(fixes[0]["speed_kmh"].as_f64(), Some(20.0));
    assert!(
        fixes[3]["speed_kmh"].is_null(),
        "a fix without speed says so"
    );

    // A window reads only its part; the crew's officer may read their own unit.
    let from = (now - SignedDuration::from_secs(75)).to_string();
    let to = (now - SignedDuration::from_secs(45)).to_string();
    let part = t
        .get(&format!("{path}?from={from}&to={to}"), &officer)
        .await;
    assert_eq!(part.status, StatusCode::OK, "{}", part.text);
    assert_eq!(part.body["fixes"].as_array().unwrap().len(), 1);

    // Outside the caller's jurisdiction the unit does not exist.
    let other = t.login("jiangbei.dispatcher").await;
    t.get(&path, &other)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let citizen = t.login("citizen").await;
    assert!(t.get(&path, &citizen).await.status.is_client_error());

    // More than a day, backwards, or not an instant.
    let day_ago = (t.now() - SignedDuration::from_hours(25)).to_string();
    let r = t.get(&format!("{path}?from={day_ago}"), &dispatcher).await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["code"],
        "track.span"
    );
    let r = t
        .get(&format!("{path}?from={to}&to={from}"), &dispatcher)
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.get(&format!("{path}?from=yesterday"), &dispatcher)
        .await
        .problem(StatusCode::BAD_REQUEST, "invalid_query");
}

/// When the writer falls behind (here: the database keeps it waiting), batches beyond its
/// queue are refused at once with `avl_overloaded` and `Retry-After`, over HTTP and over the
/// terminal socket, and nothing of them is stored; what was queued is stored once the writer
/// can go on, and the queue takes batches again.
#[tokio::test]
async fn positions_beyond_the_writers_queue_are_shed_explicitly_and_stored_later_never() {
    let t = TestApp::empty()
        .with_roads()
        .with_config(|c| c.avl_queue_fixes = 4)
        .build()
        .await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap().to_string();
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let now = t.now();
    let addr = t.serve().await;
    let mut term = Terminal::open(addr, &officer, &unit_id, 0).await;
    let before = t.stored_fixes(&unit_id).await;

    let lock = t.hold_track_lock().await;
    let queued = t.post(
        "/api/v1/avl",
        &dispatcher,
        batch(now, &unit_id, &[40, 41, 42, 43], lat, lon),
    );
    let meanwhile = async {
        until_queued(&t, 4).await;
        // Nearly full: the next batch is refused before its body is even read (a body that
        // is not JSON proves it).
        let r = t
            .call(
                axum::http::Method::POST,
                "/api/v1/avl",
                Some(&dispatcher),
                Some(Value::String("not a batch".into())),
            )
            .await;
        r.problem(StatusCode::SERVICE_UNAVAILABLE, "avl_overloaded");
        let r = t
            .post(
                "/api/v1/avl",
                &dispatcher,
                batch(now, &unit_id, &[50, 51], lat, lon),
            )
            .await;
        r.problem(StatusCode::SERVICE_UNAVAILABLE, "avl_overloaded");
        assert_eq!(r.headers.get("retry-after").unwrap(), "1");
        let at = (now - SignedDuration::from_secs(52)).to_string();
        let shed = term
            .command(json!({"type": "position", "id": "s1", "positions": [
                {"at": at, "lat": lat, "lon": lon}, {"at": at, "lat": lat, "lon": lon}]}))
            .await;
        assert_eq!(
            (shed["type"].as_str(), shed["code"].as_str()),
            (Some("error"), Some("avl_overloaded")),
            "{shed}"
        );
        // The queue still holds only the first batch.
        assert_eq!(t.app.kernel().queued_positions(), 4);
        lock.release().await;
    };
    let (r, ()) = tokio::join!(queued, meanwhile);
    assert_eq!(
        (r.status, r.body["accepted"].as_u64()),
        (StatusCode::OK, Some(4)),
        "{}",
        r.text
    );
    assert_eq!(
        t.stored_fixes(&unit_id).await,
        before + 4,
        "shed batches stored nothing"
    );

    let r = t
        .post(
            "/api/v1/avl",
            &dispatcher,
            batch(now, &unit_id, &[60, 61], lat, lon),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the queue takes batches again: {}",
        r.text
    );
    assert_eq!(t.stored_fixes(&unit_id).await, before + 6);
}

/// Positions beyond the rate budget are shed before they are read, over HTTP and over the
/// terminal socket, while everything else the terminal says is still taken; one sender that
/// spends its own share leaves the rest to the others; the budget fills again with time (the
/// app's clock, so nothing here depends on how fast the test runs).
#[tokio::test]
async fn positions_beyond_the_rate_budget_are_shed_and_status_still_goes_through() {
    let t = TestApp::empty()
        .with_roads()
        .with_clock(crate::support::ManualClock::new(
            jiff::Timestamp::from_second(1_799_632_800).unwrap(),
        ))
        .with_config(|c| {
            c.avl_max_fixes_per_second = 6;
            c.avl_max_fixes_per_second_per_sender = 3;
        })
        .build()
        .await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap().to_string();
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let now = t.now();
    let addr = t.serve().await;
    let mut term = Terminal::open(addr, &officer, &unit_id, 0).await;
    let before = t.stored_fixes(&unit_id).await;
    let at = |s: i64| (now - SignedDuration::from_secs(s)).to_string();
    let frame = |id: &str, seconds_ago: &[i64]| {
        let fixes: Vec<Value> = seconds_ago
            .iter()
            .map(|&s| json!({"at": at(s), "lat": lat, "lon": lon}))
            .collect();
        json!({"type": "position", "id": id, "positions": fixes})
    };

    // The dispatcher's bucket holds 3 fixes; a batch of 4 may take it into debt once.
    let r = t
        .post(
            "/api/v1/avl",
            &dispatcher,
            batch(now, &unit_id, &[40, 41, 42, 43], lat, lon),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // In debt: refused before the body is read (a body that is not JSON proves it).
    let r = t
        .call(
            axum::http::Method::POST,
            "/api/v1/avl",
            Some(&dispatcher),
            Some(Value::String("not a batch".into())),
        )
        .await;
    r.problem(StatusCode::SERVICE_UNAVAILABLE, "avl_overloaded");
    assert_eq!(r.headers.get("retry-after").unwrap(), "1");
    // The officer's terminal has a share of its own, until the server's budget is spent.
    for (id, fixes) in [("p1", &[30][..]), ("p2", &[29, 28][..])] {
        let r = term.command(frame(id, fixes)).await;
        assert_eq!(r["type"], "ack", "{r}");
    }
    let shed = term.command(frame("p3", &[27])).await;
    assert_eq!(
        (shed["type"].as_str(), shed["code"].as_str()),
        (Some("error"), Some("avl_overloaded")),
        "{shed}"
    );
    // Status is not a position: it goes through whatever the positions do.
    let ack = term
        .command(json!({"type": "status", "id": "s1", "status": "off_duty"}))
        .await;
    assert_eq!(ack["type"], "ack", "{ack}");
    assert_eq!(t.stored_fixes(&unit_id).await, before + 7);

    // A second later the debts are paid and there is room again.
    t.advance(SignedDuration::from_secs(1));
    let r = t
        .post(
            "/api/v1/avl",
            &dispatcher,
            batch(t.now(), &unit_id, &[20, 21], lat, lon),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(t.stored_fixes(&unit_id).await, before + 9);
}

/// Stopping the server stores every queued fix before the database closes (the request that
/// queued them is answered with success), tells connected terminals it is going away, and
/// refuses further positions with `server_stopping` instead of failing on a closed database.
#[tokio::test]
async fn stopping_stores_the_queued_fixes_tells_terminals_and_refuses_the_rest() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap().to_string();
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let now = t.now();
    let addr = t.serve().await;
    let mut term = Terminal::open(addr, &officer, &unit_id, 0).await;
    let before = t.stored_fixes(&unit_id).await;

    let lock = t.hold_track_lock().await;
    let queued = t.post(
        "/api/v1/avl",
        &dispatcher,
        batch(now, &unit_id, &[10, 11, 12], lat, lon),
    );
    let stop = async {
        until_queued(&t, 3).await;
        let app = t.app.clone();
        let closing = tokio::spawn(async move { app.close().await });
        // The terminal hears first, while the writer still waits for the database.
        let bye = term.next().await;
        assert_eq!(
            (bye["type"].as_str(), bye["code"].as_str()),
            (Some("error"), Some("server_stopping")),
            "{bye}"
        );
        assert_eq!(term.next().await, Value::Null, "then the socket closes");
        lock.release().await;
        closing.await.expect("close");
    };
    let (r, ()) = tokio::join!(queued, stop);
    assert_eq!(
        (r.status, r.body["accepted"].as_u64()),
        (StatusCode::OK, Some(3)),
        "{}",
        r.text
    );
    assert_eq!(
        t.stored_fixes(&unit_id).await,
        before + 3,
        "the queued fixes were stored"
    );

    let r = t
        .post(
            "/api/v1/avl",
            &dispatcher,
            batch(now, &unit_id, &[20], lat, lon),
        )
        .await;
    r.problem(StatusCode::SERVICE_UNAVAILABLE, "server_stopping");
    assert_eq!(t.stored_fixes(&unit_id).await, before + 3);
}

/// Who may report a unit's position is decided from a cached copy of its crew and station
/// (`command/unit_scopes.rs`); a crew change takes effect on the very next report.
#[tokio::test]
async fn an_officer_taken_off_the_crew_can_no_longer_report_the_units_position() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap().to_string();
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let crew = unit["crew"].clone();
    assert!(
        crew.as_array().unwrap().iter().any(|c| c == "officer"),
        "{unit}"
    );
    let report = |secs: i64| {
        let body = batch(t.now(), &unit_id, &[secs], lat, lon);
        let officer = officer.clone();
        let t = &t;
        async move { t.post("/api/v1/avl", &officer, body).await }
    };
    let set_crew = |crew: Value| {
        let path = format!("/api/v1/units/{unit_id}/crew");
        let dispatcher = dispatcher.clone();
        let t = &t;
        async move {
            let r = t
                .call(
                    axum::http::Method::PUT,
                    &path,
                    Some(&dispatcher),
                    Some(json!({"crew": crew})),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
    };

    let r = report(30).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    set_crew(json!([])).await;
    report(20).await.problem(StatusCode::NOT_FOUND, "not_found");
    set_crew(json!(["officer"])).await;
    let r = report(10).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        t.stored_fixes(&unit_id).await,
        2,
        "the refused report stored nothing"
    );
}
