//! Response targets, key sites, statistics (JSON, CSV, comparison), EIDO export, hand-over /
//! escalation and duplicate merge, through the real API.

use axum::http::{StatusCode, header};
use serde_json::{Value, json};

use crate::support::{Problem, TestApp, cmd, foundation};

/// Creates a dispatcher account at the org with this code; returns its token.
async fn dispatcher_at(t: &TestApp, username: &str, code: &str) -> String {
    foundation::user_token(t, username, "dispatcher", code).await
}

async fn dispatch(t: &TestApp, token: &str, incident: &str, unit_id: &str) {
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/dispatch"),
            token,
            json!({"unit_ids": [unit_id]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

/// Acknowledge, then each status in turn.
async fn progress(t: &TestApp, token: &str, unit_id: &str, incident: &str, statuses: &[&str]) {
    let r = t
        .post(
            &format!("/api/v1/units/{unit_id}/acknowledge"),
            token,
            json!({"incident_id": incident}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    for status in statuses {
        let r = t
            .post(
                &format!("/api/v1/units/{unit_id}/status"),
                token,
                json!({"status": status}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    }
}

async fn close(t: &TestApp, token: &str, incident: &str) {
    let body =
        json!({"result_code": "10", "result_text": "现场查明系邻里纠纷，双方已当场调解完毕"});
    let r = t
        .post(&format!("/api/v1/incidents/{incident}/close"), token, body)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
}

async fn detail(t: &TestApp, token: &str, incident: &str) -> Value {
    let d = t.get(&format!("/api/v1/incidents/{incident}"), token).await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    d.body
}

/// RFC 4180 records (quoted fields with doubled quotes, CRLF record ends).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CR without LF");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && record.is_empty(),
        "the last record must end with CRLF"
    );
    records
}

fn window(t: &TestApp) -> (String, String) {
    let now = t.now();
    let from = now - jiff::SignedDuration::from_mins(5);
    let to = now + jiff::SignedDuration::from_mins(30);
    (from.to_string(), to.to_string())
}

fn q(v: &str) -> String {
    v.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn statistics_of_a_scripted_scenario_are_right_and_scoped() {
    let t = TestApp::empty().with_roads().build().await;
    let (from, _) = window(&t);
    let city = t.login("dispatcher").await;
    let gulou_token = dispatcher_at(&t, "gulou.dispatcher", "33020301").await;
    let gulou = t.org_id("33020301").await;
    let u1 = cmd::unit_by_call_sign(&t, &city, "鼓楼巡01").await;
    let u2 = cmd::unit_by_call_sign(&t, &city, "鼓楼巡02").await;
    let far = cmd::unit_by_call_sign(&t, &city, "白沙巡01").await;
    let at = |u: &Value| (u["lat"].as_f64().unwrap(), u["lon"].as_f64().unwrap());

    // A: theft, the full cycle (criminal: a scene photo is required, none linked → not
    // compliant). B: dispute, full cycle (compliant). C: elsewhere, never dispatched.
    let a = cmd::incident_at(&t, &city, at(&u1).0, at(&u1).1, ("criminal", "theft")).await;
    dispatch(&t, &city, &a, u1["id"].as_str().unwrap()).await;
    progress(
        &t,
        &city,
        u1["id"].as_str().unwrap(),
        &a,
        &["en_route", "on_scene"],
    )
    .await;
    close(&t, &city, &a).await;
    let b = cmd::incident_at(
        &t,
        &city,
        at(&u2).0,
        at(&u2).1,
        ("dispute", "neighbour_dispute"),
    )
    .await;
    dispatch(&t, &city, &b, u2["id"].as_str().unwrap()).await;
    progress(
        &t,
        &city,
        u2["id"].as_str().unwrap(),
        &b,
        &["en_route", "on_scene"],
    )
    .await;
    close(&t, &city, &b).await;
    let c = cmd::incident_at(&t, &city, at(&far).0, at(&far).1, ("traffic", "collision")).await;

    let (da, db, dc) = (
        detail(&t, &city, &a).await,
        detail(&t, &city, &b).await,
        detail(&t, &city, &c).await,
    );
    // The response evaluation in the detail: a station car arrived; targets 60 s from
    // dispatch (tier) and 600 s from creation (P2).
    let ra = &da["response"];
    assert_eq!(ra["responding_unit_id"], u1["id"]);
    assert_eq!(ra["responding_tier"], "station");
    assert_eq!(ra["tier_target"]["basis"], "from_dispatch");
    assert_eq!(ra["tier_target"]["target_s"], 60.0);
    assert_eq!(ra["tier_target"]["met"], true, "{ra}");
    assert_eq!(ra["priority_target"]["basis"], "from_created");
    assert_eq!(ra["priority_target"]["target_s"], 600.0);
    assert_eq!(ra["priority_target"]["met"], true);
    assert!(ra["timeline_error"].is_null());
    for seg in [
        "processing_s",
        "acknowledge_s",
        "turnout_s",
        "travel_s",
        "arrival_s",
        "response_s",
        "close_s",
    ] {
        assert!(ra["segments"][seg].as_f64().unwrap() >= 0.0, "{seg}: {ra}");
    }
    let rc = &dc["response"];
    assert!(rc["responding_tier"].is_null() && rc["tier_target"].is_null());
    assert!(rc["priority_target"]["met"].is_null());
    assert!(rc["segments"]["arrival_s"].is_null());

    let now_to = (t.now() + jiff::SignedDuration::from_mins(30)).to_string();
    let url = |group: &str| {
        format!(
            "/api/v1/stats/incidents?from={}&to={}&group_by={group}",
            q(&from),
            q(&now_to)
        )
    };
    let r = t.get(&url("station"), &city).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = &r.body;
    let total = &s["total"];
    assert_eq!(total["key"], "total");
    assert_eq!(total["count"], 3);
    assert_eq!(total["dispatched"], 2);
    assert_eq!(total["arrived"], 2);
    assert_eq!(total["closed"], 2);
    assert_eq!(total["invalid_timelines"], 0);
    assert_eq!(total["compliance"]["closed"], 2);
    assert_eq!(total["compliance"]["compliant"], 1);
    assert_eq!(total["compliance"]["rate_pct"], 50.0);
    assert_eq!(total["within_300s"], 1.0);
    // Nearest rank of two values: p50 is the smaller, p90 the larger.
    let arrivals = [
        da["response"]["segments"]["arrival_s"].as_f64().unwrap(),
        db["response"]["segments"]["arrival_s"].as_f64().unwrap(),
    ];
    assert_eq!(total["arrive_p50_s"], arrivals[0].min(arrivals[1]));
    assert_eq!(total["arrive_p90_s"], arrivals[0].max(arrivals[1]));
    let closes = [
        da["response"]["segments"]["close_s"].as_f64().unwrap(),
        db["response"]["segments"]["close_s"].as_f64().unwrap(),
    ];
    assert_eq!(total["close_p50_s"], closes[0].min(closes[1]));
    assert_eq!(s["bulletin"]["unfinished"], 1);
    let acks: u64 = s["bulletin"]["acknowledge"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(acks, 2);
    assert_eq!(
        s["bulletin"]["acknowledge"]["labels"]
            .as_array()
            .unwrap()
            .len(),
        5
    );
    // Groups are the owning stations; their counts add up.
    let owners: Vec<Value> = [&da, &db, &dc]
        .iter()
        .map(|d| d["incident"]["org_id"].clone())
        .collect();
    let groups = s["groups"].as_array().unwrap();
    for g in groups {
        let n = owners.iter().filter(|o| **o == g["key"]).count() as u64;
        assert_eq!(g["count"].as_u64().unwrap(), n, "{g}");
        assert!(!g["label"].as_str().unwrap().is_empty());
    }
    assert_eq!(
        groups
            .iter()
            .map(|g| g["count"].as_u64().unwrap())
            .sum::<u64>(),
        3
    );

    let r = t.get(&url("category"), &city).await;
    let mut keys: Vec<&str> = r.body["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["key"].as_str().unwrap())
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["criminal", "dispute", "traffic"]);
    let crim = &r.body["groups"].as_array().unwrap()[0];
    assert_eq!(crim["key"], "criminal");
    assert_eq!(crim["compliance"]["compliant"], 0);
    let r = t.get(&url("priority"), &city).await;
    assert_eq!(r.body["groups"][0]["key"], "p2");
    assert_eq!(r.body["groups"][0]["count"], 3);
    let r = t.get(&url("day"), &city).await;
    let days = r.body["groups"].as_array().unwrap();
    assert!(days.iter().all(|g| g["key"].as_str().unwrap().len() == 10));
    assert_eq!(
        days.iter()
            .map(|g| g["count"].as_u64().unwrap())
            .sum::<u64>(),
        3
    );

    // A station sees only its own incidents.
    let own = owners.iter().filter(|o| **o == gulou.as_str()).count() as u64;
    assert!(own >= 1, "expected Gulou to own A or B: {owners:?}");
    let r = t.get(&url("station"), &gulou_token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["org_id"], gulou.as_str());
    assert_eq!(r.body["total"]["count"], own);
    assert!(
        r.body["groups"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["key"] == gulou.as_str())
    );
    // Naming another station's scope is refused; so is a role without statistics.
    let jiangbei = t.org_id("33020501").await;
    t.get(&format!("{}&org={jiangbei}", url("station")), &gulou_token)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    let r = t
        .get(&format!("{}&org={gulou}", url("station")), &city)
        .await;
    assert_eq!(r.body["total"]["count"], own);
    let officer = t.login("officer").await;
    t.get(&url("station"), &officer)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    // An unknown enum filter is 422 naming it, like every list's (hardening.rs).
    t.get(&url("month"), &city)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    t.get(
        &format!(
            "/api/v1/stats/incidents?from={}&to={}",
            q(&now_to),
            q(&from)
        ),
        &city,
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // CSV: parses back to the same figures.
    let csv_url = url("station").replace("/incidents?", "/incidents.csv?");
    let r = t.get(&csv_url, &city).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).unwrap(),
        "text/csv; charset=utf-8"
    );
    let cd = r
        .headers
        .get(header::CONTENT_DISPOSITION)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        cd.starts_with("attachment; filename=\"jingwu-incident-stats-station-")
            && cd.ends_with(".csv\""),
        "{cd}"
    );
    let rows = parse_csv(&r.text);
    assert_eq!(rows[0][..3], ["station", "label", "count"]);
    assert_eq!(rows[0].last().unwrap(), "compliance_pct");
    assert_eq!(rows.len(), groups.len() + 2);
    assert!(rows.iter().all(|r| r.len() == rows[0].len()));
    let last = rows.last().unwrap();
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    assert_eq!(last[0], "total");
    assert_eq!(last[col("count")], "3");
    assert_eq!(last[col("closed")], "2");
    assert_eq!(last[col("compliance_pct")], "50.0");
    assert_eq!(last[col("within_300s_pct")], "100.0");
    for g in groups {
        let row = rows
            .iter()
            .find(|r| r[0] == g["key"].as_str().unwrap())
            .unwrap();
        assert_eq!(row[1], g["label"].as_str().unwrap());
        assert_eq!(row[col("count")], g["count"].to_string());
    }

    // Comparison: an empty earlier day against this window, and the other way round.
    let day_before = (t.now() - jiff::SignedDuration::from_hours(48)).to_string();
    let yesterday = (t.now() - jiff::SignedDuration::from_hours(24)).to_string();
    let cmp = |a: (&str, &str), b: (&str, &str)| {
        format!(
            "/api/v1/stats/compare?a_from={}&a_to={}&b_from={}&b_to={}",
            q(a.0),
            q(a.1),
            q(b.0),
            q(b.1)
        )
    };
    let r = t
        .get(&cmp((&day_before, &yesterday), (&from, &now_to)), &city)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["a"]["incidents"], 0);
    assert_eq!(r.body["b"]["incidents"], 3);
    assert_eq!(r.body["b"]["compliance_pct"], 50.0);
    assert!(r.body["incidents_change_pct"].is_null());
    let r = t
        .get(&cmp((&from, &now_to), (&day_before, &yesterday)), &city)
        .await;
    assert_eq!(r.body["incidents_change_pct"], -100.0);
    assert!(r.body["compliance_change_pp"].is_null());
    t.get("/api/v1/stats/compare?a_from=x", &city)
        .await
        .problem(StatusCode::BAD_REQUEST, "invalid_query");
}

#[tokio::test]
async fn key_sites_report_whether_a_force_is_within_their_target() {
    let t = TestApp::empty().with_roads().build().await;
    let city = t.login("dispatcher").await;
    let r = t.get("/api/v1/key-sites", &city).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let sites = r.body["sites"].as_array().unwrap().clone();
    assert_eq!(sites.len(), 6, "three per district");
    assert_eq!(r.body["total"], 6);
    for s in &sites {
        assert_eq!(s["target_s"], 60);
        let covered = s["best_eta_s"]
            .as_f64()
            .is_some_and(|eta| eta <= s["target_s"].as_f64().unwrap());
        assert_eq!(s["covered"], covered, "{s}");
        assert_eq!(s["best_unit_id"].is_string(), s["best_eta_s"].is_number());
    }
    let covered = sites.iter().filter(|s| s["covered"] == true).count();
    assert_eq!(r.body["covered"], covered);

    // Park an available unit on an uncovered site (or any site): it is covered, by that unit.
    let site = sites
        .iter()
        .find(|s| s["covered"] == false)
        .unwrap_or(&sites[0])
        .clone();
    let unit = cmd::unit_by_call_sign(&t, &city, "特巡01").await;
    let fix = json!({"positions": [{"unit_id": unit["id"], "at": t.now().to_string(), "lat": site["lat"], "lon": site["lon"]}]});
    let r = t.post("/api/v1/avl", &city, fix).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = t.get("/api/v1/key-sites", &city).await;
    let now = r.body["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == site["id"])
        .unwrap()
        .clone();
    assert_eq!(now["covered"], true, "{now}");
    assert!(now["best_eta_s"].as_f64().unwrap() < 5.0, "{now}");

    // A station sees only the key sites in its area; no road network → 409.
    let gulou_token = dispatcher_at(&t, "gulou.dispatcher", "33020301").await;
    let gulou = t.org_id("33020301").await;
    let r = t.get("/api/v1/key-sites", &gulou_token).await;
    let own = r.body["sites"].as_array().unwrap();
    assert!(own.iter().all(|s| s["org_id"] == gulou.as_str()));
    assert_eq!(
        own.len(),
        sites
            .iter()
            .filter(|s| s["org_id"] == gulou.as_str())
            .count()
    );
    let bare = TestApp::empty().with_city().build().await;
    let token = bare.login("dispatcher").await;
    bare.get("/api/v1/key-sites", &token)
        .await
        .problem(StatusCode::CONFLICT, "precondition_failed");
}

/// Every `$ref` in the document names some component's `$id`.
fn refs_resolve(doc: &Value) {
    fn walk<'a>(v: &'a Value, ids: &mut Vec<&'a str>, refs: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                for (k, v) in m {
                    match (k.as_str(), v) {
                        ("$id", Value::String(s)) => ids.push(s),
                        ("$ref", Value::String(s)) => refs.push(s),
                        _ => walk(v, ids, refs),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, ids, refs)),
            _ => {}
        }
    }
    let (mut ids, mut refs) = (Vec::new(), Vec::new());
    walk(doc, &mut ids, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        assert!(ids.contains(&r), "unresolved $ref {r}");
    }
}

#[tokio::test]
async fn an_incident_exports_as_a_nena_eido() {
    let t = TestApp::empty().with_roads().build().await;
    let city = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &city, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap();
    let incident = cmd::incident_at(
        &t,
        &city,
        unit["lat"].as_f64().unwrap(),
        unit["lon"].as_f64().unwrap(),
        ("public_order", "fight"),
    )
    .await;
    dispatch(&t, &city, &incident, unit_id).await;
    progress(&t, &officer, unit_id, &incident, &["en_route", "on_scene"]).await;

    let r = t
        .get(&format!("/api/v1/incidents/{incident}/eido"), &city)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.headers.get(header::CONTENT_TYPE).unwrap(),
        "application/json"
    );
    let e = &r.body;
    assert_eq!(e["eidoVersion"], "1.0");
    assert!(e["@context"]["@vocab"].is_string());
    assert!(
        e["issuingElementIdentification"]
            .as_str()
            .unwrap()
            .starts_with("cad.330200.")
    );
    for component in [
        "agencyComponent",
        "agentComponent",
        "callComponent",
        "locationComponent",
        "dispatchComponent",
        "emergencyResourceComponent",
        "notesComponent",
        "personComponent",
    ] {
        assert!(
            e[component].as_array().is_some_and(|a| !a.is_empty()),
            "{component} missing: {e}"
        );
    }
    let agency = &e["agencyComponent"][0];
    assert!(
        agency["agencyJcard"].as_str().unwrap().contains("鼓楼"),
        "{agency}"
    );
    let inc = &e["incidentComponent"];
    assert_eq!(inc["incidentTypeInternalCode"], "public_order.fight");
    let res = &e["emergencyResourceComponent"][0];
    assert_eq!(res["emergencyResourceName"], "鼓楼巡01");
    assert_eq!(res["unitStatusInternal"][0], "on_scene");
    // The timeline (created, dispatched, acknowledged, en route, on scene) is in the notes.
    let notes: Vec<&str> = e["notesComponent"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["notesActionComments"].as_str().unwrap())
        .collect();
    for kind in [
        "created",
        "dispatched",
        "acknowledged",
        "en_route",
        "on_scene",
    ] {
        assert!(
            notes.iter().any(|n| n.starts_with(kind)),
            "{kind}: {notes:?}"
        );
    }
    // The officer in the crew is an agent.
    assert!(
        e["agentComponent"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["$id"].as_str().unwrap().starts_with("officer@"))
    );
    refs_resolve(e);

    // Outside the caller's view: 404, as for the incident itself.
    let yuehu = dispatcher_at(&t, "yuehu.dispatcher", "33020302").await;
    t.get(&format!("/api/v1/incidents/{incident}/eido"), &yuehu)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
}

async fn gulou_incident(t: &TestApp, city: &str) -> String {
    let u = cmd::unit_by_call_sign(t, city, "鼓楼巡02").await;
    let id = cmd::incident_at(
        t,
        city,
        u["lat"].as_f64().unwrap(),
        u["lon"].as_f64().unwrap(),
        ("public_order", "noise"),
    )
    .await;
    let d = detail(t, city, &id).await;
    assert_eq!(
        d["incident"]["org_id"],
        t.org_id("33020301").await.as_str(),
        "this test needs Gulou to own the incident"
    );
    id
}

#[tokio::test]
async fn incidents_are_handed_over_and_escalated_within_bounds() {
    let t = TestApp::empty().with_roads().build().await;
    let city = t.login("dispatcher").await;
    let station = dispatcher_at(&t, "gulou.dispatcher", "33020301").await;
    let district = t.login("haishu.dispatcher").await;
    let (haishu, yuehu, jiangbei_station) = (
        t.org_id("330203").await,
        t.org_id("33020302").await,
        t.org_id("33020501").await,
    );
    let incident = gulou_incident(&t, &city).await;
    let url = format!("/api/v1/incidents/{incident}/handover");

    let gulou = t.org_id("33020301").await;
    let officer = t.login("officer").await;
    // Refusals change nothing.
    let before = t.audit_head().await;
    // Sideways to another district's station, or to a sibling station: not the station's.
    t.post(
        &url,
        &station,
        json!({"to_org": jiangbei_station, "reason": "属江北辖区"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.post(
        &url,
        &station,
        json!({"to_org": yuehu, "reason": "属月湖辖区"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "out_of_scope");
    let r = t
        .post(&url, &station, json!({"to_org": haishu, "reason": "  "}))
        .await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["field"],
        "reason"
    );
    t.post(
        &url,
        &station,
        json!({"to_org": "no-such-org", "reason": "x"}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.post(&url, &station, json!({"to_org": gulou, "reason": "x"}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.post(&url, &officer, json!({"to_org": haishu, "reason": "x"}))
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    t.post(&url, &station, json!({"to_org": haishu}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(t.audit_head().await, before);

    // Escalation up: the station hands it to its district.
    let r = t
        .post(
            &url,
            &station,
            json!({"to_org": haishu, "reason": "涉众警情，需分局统一调度"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["direction"], "escalation");
    assert_eq!(t.audit_head().await.0, before.0 + 1);
    let d = detail(&t, &district, &incident).await;
    assert_eq!(d["incident"]["org_id"], haishu.as_str());
    let last = d["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "handed_over");
    assert_eq!(last["detail"]["from"], t.org_id("33020301").await.as_str());
    assert_eq!(last["detail"]["to"], haishu.as_str());
    assert_eq!(last["detail"]["reason"], "涉众警情，需分局统一调度");
    // The station sees it until the district signs for it (签收), then no longer.
    let d = detail(&t, &station, &incident).await;
    assert_eq!(
        d["incident"]["handover_from"],
        t.org_id("33020301").await.as_str()
    );
    let r = t
        .call(
            axum::http::Method::POST,
            &format!("/api/v1/incidents/{incident}/sign-for"),
            Some(&district),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    t.get(&format!("/api/v1/incidents/{incident}"), &station)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");

    // Down: the district hands it to another of its stations.
    let r = t
        .post(
            &url,
            &district,
            json!({"to_org": yuehu, "reason": "事发地属月湖所"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["direction"], "down");
    // Sideways between two of its stations.
    let r = t
        .post(
            &url,
            &district,
            json!({"to_org": t.org_id("33020301").await, "reason": "改由鼓楼所处置"}),
        )
        .await;
    assert_eq!(r.body["direction"], "sideways", "{}", r.text);
    // The district cannot hand it outside its subtree (except up its own line).
    t.post(
        &url,
        &district,
        json!({"to_org": jiangbei_station, "reason": "x"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "out_of_scope");
    let kinds: Vec<String> = detail(&t, &city, &incident).await["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(kinds.iter().filter(|k| *k == "handed_over").count(), 3);
    // The audit log has it, and the chain is intact.
    let audit = t
        .get("/api/v1/audit?limit=50", &t.login("admin").await)
        .await;
    assert!(audit.text.contains("incident.handover"), "{}", audit.text);
    assert!(t.audit_intact().await);

    // A closed incident stays where it is.
    close(&t, &city, &incident).await;
    t.post(&url, &city, json!({"to_org": haishu, "reason": "x"}))
        .await
        .problem(StatusCode::CONFLICT, "incident_closed");
}

#[tokio::test]
async fn a_duplicate_merges_into_its_survivor_with_its_units() {
    let t = TestApp::empty().with_roads().build().await;
    let city = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &city, "鼓楼巡01").await;
    let unit_id = unit["id"].as_str().unwrap();
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let survivor = cmd::incident_at(&t, &city, lat, lon, ("criminal", "theft")).await;
    let body = json!({
        "caller_name": "李先生", "caller_phone": "13800001111", "lat": lat + 0.0003, "lon": lon,
        "address": "测试路1号旁", "category": "criminal", "subcategory": "theft", "priority": "p2",
        "source": "call_110", "description": "同一起盗窃，另一报警人",
    });
    let r = t.post("/api/v1/incidents", &city, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(
        r.body["possible_duplicates"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["incident_id"] == survivor.as_str()),
        "{}",
        r.text
    );
    let dup = r.body["incident"]["id"].as_str().unwrap().to_string();
    // The unit was sent to the duplicate and is on its way.
    dispatch(&t, &city, &dup, unit_id).await;
    progress(&t, &officer, unit_id, &dup, &["en_route"]).await;

    let url = format!("/api/v1/incidents/{dup}/merge");
    let before = t.audit_head().await;
    t.post(&url, &city, json!({"into": dup}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.post(&url, &city, json!({"into": "missing"}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.post(&url, &officer, json!({"into": survivor}))
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(t.audit_head().await, before);

    let r = t.post(&url, &city, json!({"into": survivor})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["moved_units"], json!([unit_id]));
    assert_eq!(t.audit_head().await.0, before.0 + 1);

    let d = detail(&t, &city, &dup).await;
    assert_eq!(d["incident"]["status"], "merged");
    assert_eq!(d["incident"]["duplicate_of"], survivor.as_str());
    assert_eq!(
        d["timeline"].as_array().unwrap().last().unwrap()["kind"],
        "merged_into"
    );
    assert_eq!(d["assignments"][0]["status"], "merged");
    assert!(d["assignments"][0]["cleared_at"].is_string());
    let s = detail(&t, &city, &survivor).await;
    assert_eq!(s["incident"]["status"], "dispatched");
    assert!(s["incident"]["dispatched_at"].is_string() && s["incident"]["en_route_at"].is_string());
    let last = s["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "merged_from");
    assert_eq!(last["detail"]["from"], dup.as_str());
    assert_eq!(s["assignments"][0]["unit_id"], unit_id);
    assert_eq!(s["assignments"][0]["status"], "en_route");
    // The unit keeps its status, now on the survivor; its terminal was told.
    let u = t.get(&format!("/api/v1/units/{unit_id}"), &city).await;
    assert_eq!(u.body["status"], "en_route");
    assert_eq!(u.body["incident_id"], survivor.as_str());
    let msgs = t
        .get(
            &format!("/api/v1/units/{unit_id}/messages?after=0"),
            &officer,
        )
        .await;
    let m = msgs.body.as_array().unwrap().last().unwrap().clone();
    assert_eq!(m["kind"], "reassigned");
    assert_eq!(m["body"]["incident_id"], survivor.as_str());
    assert_eq!(m["body"]["merged_from"], dup.as_str());
    // It carries on with the survivor.
    let r = t
        .post(
            &format!("/api/v1/units/{unit_id}/status"),
            &officer,
            json!({"status": "on_scene"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let s = detail(&t, &city, &survivor).await;
    assert_eq!(s["incident"]["status"], "on_scene");
    assert_eq!(s["response"]["responding_unit_id"], unit_id);
    assert!(
        s["response"]["timeline_error"].is_null(),
        "{}",
        s["response"]
    );
    assert_eq!(s["response"]["tier_target"]["met"], true);

    // Merged is final; merging into a merged incident is refused too.
    t.post(&url, &city, json!({"into": survivor}))
        .await
        .problem(StatusCode::CONFLICT, "incident_closed");
    t.post(
        &format!("/api/v1/incidents/{survivor}/merge"),
        &city,
        json!({"into": dup}),
    )
    .await
    .problem(StatusCode::CONFLICT, "incident_closed");
    // Statistics count the event once.
    let (from, to) = window(&t);
    let r = t
        .get(
            &format!("/api/v1/stats/incidents?from={}&to={}", q(&from), q(&to)),
            &city,
        )
        .await;
    assert_eq!(r.body["total"]["count"], 1, "{}", r.text);
}
