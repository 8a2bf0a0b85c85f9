//! Smart fire and hazmat through the API, as a bureau sets it up from an empty registry:
//! enterprises and their CSV import, weather observations (JSON and METAR), a chlorine
//! release whose zones follow the live wind, what lies inside, the 1335 linkage steps, field
//! readings, CAP alerts, scoping and races.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use jingwu_testkit::fixtures::hazmat::{self as hz, HAISHU, JIANGBEI};
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, Resp, TestApp};

async fn city() -> TestApp {
    let t = TestApp::empty()
        .with_city()
        .with_clock(ManualClock::new(
            jiff::Timestamp::from_second(1_800_000_000).unwrap(),
        ))
        .build()
        .await;
    hz::chemicals(&t).await;
    t
}

async fn csv(t: &TestApp, token: &str, query: &str, body: &str) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/hazmat/enterprises/import{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(body.to_owned()))
        .unwrap();
    t.send(req).await
}

async fn total(t: &TestApp, token: &str) -> i64 {
    let r = t.get("/api/v1/hazmat/enterprises?limit=1", token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["total"].as_i64().unwrap()
}

/// A point `m` metres from `at` toward `bearing` degrees.
fn toward(at: (f64, f64), bearing: f64, m: f64) -> (f64, f64) {
    let b = bearing.to_radians();
    (
        at.0 + m * b.cos() / 111_195.0,
        at.1 + m * b.sin() / (111_195.0 * at.0.to_radians().cos()),
    )
}

#[tokio::test]
async fn enterprises_are_validated_and_seen_only_in_their_jurisdiction() {
    let t = city().await;
    let fire = t.login("fire").await;
    let jb = t.login("jiangbei.fire").await;
    let id = hz::enterprise(&t, &fire, "33020301", &hz::uscc(1), "甬江化工", HAISHU).await;

    let again = t
        .post(
            "/api/v1/hazmat/enterprises",
            &fire,
            json!({"uscc": hz::uscc(1), "name": "重复", "address": "x", "lat": 29.9, "lon": 121.5,
                   "contact_name": "李", "contact_phone": "13800138000"}),
        )
        .await;
    again.problem(StatusCode::CONFLICT, "uscc_taken");

    let bad = t
        .post(
            "/api/v1/hazmat/enterprises",
            &fire,
            json!({"uscc": "91330200MA2AXXXX0X", "name": " ", "address": "x", "lat": 95.0,
                   "lon": 121.5, "contact_name": "李", "contact_phone": "call me",
                   "stocks": [{"un_number": "1017", "quantity_kg": -1.0}]}),
        )
        .await;
    let p = bad.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in ["uscc", "name", "lat", "contact_phone", "stocks"] {
        assert!(fields.contains(&f), "{f} not named in {fields:?}");
    }

    // Jiangbei's commander neither lists nor opens a Haishu enterprise.
    assert_eq!(total(&t, &jb).await, 0);
    t.get(&format!("/api/v1/hazmat/enterprises/{id}"), &jb)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let own = t
        .get(&format!("/api/v1/hazmat/enterprises/{id}"), &fire)
        .await;
    assert_eq!(own.status, StatusCode::OK);
    assert_eq!(own.body["stocks"][0]["un_number"], "1017");
    // A citizen reads nothing of it; a dispatcher reads but registers nothing.
    let citizen = t.login("citizen").await;
    t.get("/api/v1/hazmat/enterprises", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let dispatcher = t.login("dispatcher").await;
    assert_eq!(total(&t, &dispatcher).await, 1);
    t.post(
        "/api/v1/hazmat/enterprises",
        &dispatcher,
        json!({"uscc": hz::uscc(2), "name": "x", "address": "x", "lat": 29.9, "lon": 121.5,
               "contact_name": "李", "contact_phone": "13800138000"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn a_csv_with_bad_rows_names_each_line_and_imports_the_rest_only_when_asked() {
    let t = city().await;
    let fire = t.login("fire").await;
    let body = format!(
        "org_code,uscc,name,address,lat,lon,contact_name,contact_phone,stocks\n\
         33020301,{},甲化工,江东北路1号,29.87,121.55,张工,0574-87000001,1017:5000\n\
         33020302,{},乙化工,江东北路2号,29.88,121.56,李工,13800138000,1005:2000;1017:100\n\
         33020301,91330200MA2AXXXX0X,丙化工,江东北路3号,29.88,121.56,王工,13800138000,1017:1\n\
         99999999,{},丁化工,江东北路4号,29.88,121.56,赵工,13800138000,\n\
         33020301,{},戊化工,江东北路5号,abc,121.56,钱工,13800138000,1017\n",
        hz::uscc(10),
        hz::uscc(11),
        hz::uscc(12),
        hz::uscc(13),
    );
    let refused = csv(&t, &fire, "", &body).await;
    let p = refused.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for f in [
        "line 4: uscc",
        "line 5: org_code",
        "line 6: lat",
        "line 6: stocks",
    ] {
        assert!(fields.contains(&f), "{f} not in {fields:?}");
    }
    assert_eq!(total(&t, &fire).await, 0, "nothing is imported");

    let partial = csv(&t, &fire, "?import_valid=true", &body).await;
    assert_eq!(partial.status, StatusCode::OK, "{}", partial.text);
    assert_eq!(partial.body["imported"], 2);
    assert_eq!(partial.body["rows"], 5);
    let lines: Vec<i64> = partial.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["line"].as_i64().unwrap())
        .collect();
    assert!(lines.iter().all(|l| [4, 5, 6].contains(l)), "{lines:?}");
    assert_eq!(total(&t, &fire).await, 2);

    // Importing the same file again: the good rows are now duplicates.
    let again = csv(&t, &fire, "?import_valid=true", &body).await;
    assert_eq!(again.body["imported"], 0);
    let wrong_type = t
        .send(
            Request::builder()
                .method(Method::POST)
                .uri("/api/v1/hazmat/enterprises/import")
                .header(header::AUTHORIZATION, format!("Bearer {fire}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    wrong_type.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
}

#[tokio::test]
async fn observations_are_checked_stored_once_and_metar_is_understood() {
    let t = city().await;
    let fire = t.login("fire").await;
    hz::station(&t, &fire, "NB001", HAISHU).await;
    let first = hz::observe(&t, &fire, "NB001", 90.0, 3.0).await;
    assert_eq!(first["stored"], true);
    let resend = hz::observe(&t, &fire, "NB001", 90.0, 3.0).await;
    assert_eq!(resend["stored"], false, "a resend stores nothing");

    let future = t
        .post(
            "/api/v1/hazmat/observations",
            &fire,
            json!({"station_code": "NB001", "obs_time": "2099-01-01T00:00:00+08:00",
                   "wind_dir_deg_from": 400.0, "wind_speed_ms": -1.0}),
        )
        .await;
    let p = future.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"].as_array().unwrap().len(), 3, "{p}");
    t.post(
        "/api/v1/hazmat/observations",
        &fire,
        json!({"station_code": "NOPE", "obs_time": t.now().to_string(), "wind_speed_ms": 1.0}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    hz::station(&t, &fire, "ZSNB", JIANGBEI).await;
    let now = t.now().to_zoned(jiff::tz::TimeZone::UTC);
    let metar = format!(
        "METAR ZSNB {:02}{:02}00Z 04006MPS 9999 BKN020 18/12 Q1018",
        now.day(),
        now.hour()
    );
    let m = t
        .post(
            "/api/v1/hazmat/observations/metar",
            &fire,
            json!({"station_code": "ZSNB", "metar": metar}),
        )
        .await;
    assert_eq!(m.status, StatusCode::OK, "{}", m.text);
    assert_eq!(m.body["observation"]["wind_dir_deg_from"], 40.0);
    assert_eq!(m.body["observation"]["wind_speed_ms"], 6.0);
    assert_eq!(m.body["observation"]["source"], "metar");
    t.post(
        "/api/v1/hazmat/observations/metar",
        &fire,
        json!({"station_code": "ZSNB", "metar": "hello"}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let stations = t.get("/api/v1/hazmat/stations", &fire).await;
    assert_eq!(stations.status, StatusCode::OK);
    let nb = stations
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "NB001")
        .unwrap();
    assert_eq!(nb["usable"], true);
    assert_eq!(nb["stability"]["class"], "D", "overcast is D: {nb}");
}

fn picture(d: &Value) -> &Value {
    assert!(d["picture"].is_object(), "no picture: {d}");
    &d["picture"]
}

#[tokio::test]
async fn a_chlorine_release_draws_zones_downwind_lists_what_is_inside_and_runs_the_1335_steps() {
    let t = city().await;
    let fire = t.login("fire").await;
    hz::station(&t, &fire, "NB001", HAISHU).await;
    // Wind from the north-east: the plume goes south-west.
    hz::observe(&t, &fire, "NB001", 45.0, 3.0).await;
    let downwind = toward(HAISHU, 225.0, 600.0);
    let upwind = toward(HAISHU, 45.0, 600.0);
    let inside = hz::enterprise(&t, &fire, "33020301", &hz::uscc(20), "下风向化工", downwind).await;
    let outside = hz::enterprise(&t, &fire, "33020301", &hz::uscc(21), "上风向化工", upwind).await;

    let d = hz::chlorine_release(&t, &fire, "330203", HAISHU, 1000.0).await;
    let id = d["response"]["id"].as_str().unwrap().to_owned();
    let p = picture(&d);
    assert_eq!(p["weather"]["sources"][0]["station_code"], "NB001");
    assert!(
        (p["zones"]["toward_deg"].as_f64().unwrap() - 225.0).abs() < 1.0,
        "{}",
        p["zones"]
    );
    let red = &p["zones"]["zones"][0];
    assert_eq!(red["tier"], 3);
    // 1 kg/s at 3 m/s, class D, Briggs urban: 20 ppm (0.058 g/m³) is reached about 300 m
    // downwind (Q / (π u σy σz) with σy 45 m, σz 40 m); 2 ppm about ten times as far.
    assert!(
        (250.0..400.0).contains(&red["length_m"].as_f64().unwrap()),
        "{}",
        red["length_m"]
    );
    let orange = &p["zones"]["zones"][1];
    assert_eq!(orange["tier"], 2);
    assert!(
        orange["length_m"].as_f64().unwrap() > 600.0,
        "{}",
        orange["length_m"]
    );
    assert!(
        p["zones"]["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "dense_gas_screening")
    );
    let names: Vec<&str> = p["impact"]["enterprises"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(names.contains(&inside.as_str()), "{names:?}");
    assert_eq!(
        p["impact"]["enterprises"][0]["tier"], 2,
        "inside the orange zone"
    );
    assert!(!names.contains(&outside.as_str()), "{names:?}");
    assert_eq!(
        p["isolation"]["radius_m"], 60.0,
        "ERG small spill of chlorine"
    );
    assert_eq!(p["geojson"]["type"], "FeatureCollection");
    // The alarm step is done at the opening; the others are due at 1, 3 and 5 minutes.
    let steps = d["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 4);
    assert_eq!(steps[0]["step"], "alarm");
    assert!(steps[0]["done_at"].is_string());
    assert_eq!(
        steps
            .iter()
            .map(|s| s["target_s"].as_i64().unwrap())
            .collect::<Vec<_>>(),
        [0, 60, 180, 300]
    );

    t.advance(jiff::SignedDuration::from_secs(50));
    let s = t
        .post(
            &format!("/api/v1/hazmat/responses/{id}/steps/dispatch"),
            &fire,
            json!({"note": "甬消01出动"}),
        )
        .await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text);
    assert_eq!(s.body["steps"][1]["late"], false);
    t.post(
        &format!("/api/v1/hazmat/responses/{id}/steps/dispatch"),
        &fire,
        json!({}),
    )
    .await
    .problem(StatusCode::CONFLICT, "step_done");
    t.advance(jiff::SignedDuration::from_secs(200));
    let s = t
        .post(
            &format!("/api/v1/hazmat/responses/{id}/steps/linkage"),
            &fire,
            json!({}),
        )
        .await;
    assert_eq!(
        s.body["steps"][2]["late"], true,
        "linkage after 4 min 10 s is late"
    );
    t.post(
        &format!("/api/v1/hazmat/responses/{id}/steps/launch"),
        &fire,
        json!({}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // A robot measures downwind; the release is re-estimated from it.
    let r = t
        .post(
            &format!("/api/v1/hazmat/responses/{id}/readings"),
            &fire,
            json!({"lat": downwind.0, "lon": downwind.1, "ppm": 40.0, "source": "robot"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let fit = &r.body["picture"]["fit"];
    assert_eq!(fit["used"], 1, "{fit}");
    assert!(fit["q_g_s"].as_f64().unwrap() > 0.0);

    // The public warning: a CAP alert that validates against the official schema.
    let a = t
        .post(
            &format!("/api/v1/hazmat/responses/{id}/alerts"),
            &fire,
            json!({"msg_type": "Alert", "exercise": true}),
        )
        .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
    let xml = a.body["xml"].as_str().unwrap();
    assert!(
        xml.contains("<status>Exercise</status>") && xml.contains("<language>zh-CN</language>")
    );
    assert!(xml.contains("<value>1017</value>") && xml.contains("+08:00"));
    hz::validate_cap(xml);
    let update = t
        .post(
            &format!("/api/v1/hazmat/responses/{id}/alerts"),
            &fire,
            json!({"msg_type": "Update"}),
        )
        .await;
    assert_eq!(update.status, StatusCode::CREATED, "{}", update.text);
    let first_id = a.body["identifier"].as_str().unwrap();
    assert!(
        update.body["xml"].as_str().unwrap().contains(first_id),
        "an update references the alert"
    );
    hz::validate_cap(update.body["xml"].as_str().unwrap());
    let alert_id = a.body["id"].as_str().unwrap();
    let served = t
        .get(&format!("/api/v1/hazmat/alerts/{alert_id}"), &fire)
        .await;
    assert_eq!(served.status, StatusCode::OK);
    assert!(served.text.starts_with("<?xml"));

    let d = t
        .get(&format!("/api/v1/hazmat/responses/{id}"), &fire)
        .await;
    assert!(
        d.body["steps"][3]["done_at"].is_string(),
        "the alert is the public warning"
    );
    assert_eq!(d.body["alerts"].as_array().unwrap().len(), 2);

    // Jiangbei's commander does not see it; closing ends every change.
    let jb = t.login("jiangbei.fire").await;
    t.get(&format!("/api/v1/hazmat/responses/{id}"), &jb)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let closed = t
        .post(
            &format!("/api/v1/hazmat/responses/{id}/close"),
            &fire,
            json!({}),
        )
        .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.text);
    t.post(
        &format!("/api/v1/hazmat/responses/{id}/readings"),
        &fire,
        json!({"lat": downwind.0, "lon": downwind.1, "ppm": 1.0, "source": "drone"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "response_closed");
    assert!(t.audit_intact().await);
}

#[tokio::test]
async fn zones_follow_the_live_wind_and_need_a_fresh_observation() {
    let t = city().await;
    let fire = t.login("fire").await;
    hz::station(&t, &fire, "NB001", HAISHU).await;
    hz::observe(&t, &fire, "NB001", 0.0, 4.0).await;
    let d = hz::chlorine_release(&t, &fire, "330203", HAISHU, 500.0).await;
    let id = d["response"]["id"].as_str().unwrap().to_owned();
    assert!((picture(&d)["zones"]["toward_deg"].as_f64().unwrap() - 180.0).abs() < 1.0);

    t.advance(jiff::SignedDuration::from_mins(5));
    hz::observe(&t, &fire, "NB001", 270.0, 4.0).await;
    let d = t
        .get(&format!("/api/v1/hazmat/responses/{id}"), &fire)
        .await;
    assert!((picture(&d.body)["zones"]["toward_deg"].as_f64().unwrap() - 90.0).abs() < 1.0);

    // An hour and more without a report: no wind, no zone, no alert.
    t.advance(jiff::SignedDuration::from_mins(61));
    let d = t
        .get(&format!("/api/v1/hazmat/responses/{id}"), &fire)
        .await;
    assert!(d.body["picture"].is_null());
    assert!(
        d.body["weather_problem"]
            .as_str()
            .unwrap()
            .contains("fresh")
    );
    t.post(
        &format!("/api/v1/hazmat/responses/{id}/alerts"),
        &fire,
        json!({"msg_type": "Alert"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "no_fresh_weather");
    // A flagged observation does not count either.
    t.post(
        "/api/v1/hazmat/observations",
        &fire,
        json!({"station_code": "NB001", "obs_time": t.now().to_string(),
               "wind_dir_deg_from": 90.0, "wind_speed_ms": 3.0, "qc_flags": ["sensor_fault"]}),
    )
    .await;
    let d = t
        .get(&format!("/api/v1/hazmat/responses/{id}"), &fire)
        .await;
    assert!(d.body["picture"].is_null());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_step_recorded_by_many_commanders_at_once_is_recorded_once() {
    let t = std::sync::Arc::new(city().await);
    let fire = t.login("fire").await;
    let d = hz::chlorine_release(&t, &fire, "330203", HAISHU, 100.0).await;
    let id = d["response"]["id"].as_str().unwrap().to_owned();
    let before = t.audit_head().await.0;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (t, fire, id) = (t.clone(), fire.clone(), id.clone());
        tasks.push(tokio::spawn(async move {
            t.post(
                &format!("/api/v1/hazmat/responses/{id}/steps/dispatch"),
                &fire,
                json!({}),
            )
            .await
            .status
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let conflict = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((ok, conflict), (1, 19), "{statuses:?}");
    assert_eq!(t.audit_head().await.0, before + 1, "one audited change");
    assert!(t.audit_intact().await);
}

#[tokio::test]
async fn a_response_can_answer_a_110_incident_in_the_commanders_jurisdiction_only() {
    // Incidents need station sites: the small city on a road network.
    let t = TestApp::empty().with_city().with_roads().build().await;
    hz::chemicals(&t).await;
    let fire = t.login("fire").await;
    let jb = t.login("jiangbei.fire").await;
    let dispatcher = t.login("dispatcher").await;
    // Next to a Gulou unit, so the incident is Gulou's (Haishu).
    let gulou = crate::support::cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let incident =
        crate::support::cmd::incident_near(&t, &dispatcher, &gulou, ("fire_rescue", "hazmat"))
            .await;
    let open = |token: String, incident: String| {
        let t = &t;
        async move {
            t.post(
                "/api/v1/hazmat/responses",
                &token,
                json!({"incident_id": incident, "title": "110 转来", "chemical_id": "chem-UN1005",
                       "release_kind": "instantaneous", "amount": 50000.0}),
            )
            .await
        }
    };
    let own = open(fire.clone(), incident.clone()).await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.text);
    assert_eq!(own.body["response"]["incident_id"], incident.as_str());
    assert_eq!(
        own.body["response"]["lat"].as_f64().unwrap(),
        gulou["lat"].as_f64().unwrap() + 0.001,
        "the incident's place"
    );
    let other = open(jb, incident).await;
    other.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let nowhere = t
        .post(
            "/api/v1/hazmat/responses",
            &fire,
            json!({"title": "x", "chemical_id": "chem-UN1005", "release_kind": "continuous", "amount": 1.0}),
        )
        .await;
    nowhere.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn the_city_adds_chemicals_with_ordered_levels_and_districts_do_not() {
    let t = city().await;
    let fire = t.login("fire").await;
    let body = json!({"un_number": "UN1005", "name_zh": "氨溶液", "name_en": "Ammonia solution",
        "hazard_class": "8", "molecular_weight": 17.03, "erg_guide": 154, "aegl_minutes": 60,
        "aegl_ppm": [30.0, 160.0, 1100.0], "erg_small": {"isolate_m": 30.0, "protect_day_km": 0.1, "protect_night_km": 0.1},
        "erg_large": null});
    let r = t
        .post("/api/v1/hazmat/chemicals", &fire, body.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["un_number"], "1005");
    t.post("/api/v1/hazmat/chemicals", &fire, body.clone())
        .await
        .problem(StatusCode::CONFLICT, "chemical_exists");
    let mut bad = body.clone();
    bad["name_en"] = json!("Inverted");
    bad["aegl_ppm"] = json!([300.0, 160.0, null]);
    bad["aegl_minutes"] = json!(45);
    let p = t.post("/api/v1/hazmat/chemicals", &fire, bad).await;
    let p = p.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let codes: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    for c in ["levels.order", "levels.missing", "number.range"] {
        assert!(codes.contains(&c), "{c} in {codes:?}");
    }
    // A district's commander keeps its enterprises, not the city's reference data.
    let jb = t.login("jiangbei.fire").await;
    let mut other = body;
    other["name_en"] = json!("Another");
    t.post("/api/v1/hazmat/chemicals", &jb, other)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    let list = t.get("/api/v1/hazmat/chemicals", &jb).await;
    assert!(
        list.body
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name_en"] == "Ammonia solution")
    );
}
