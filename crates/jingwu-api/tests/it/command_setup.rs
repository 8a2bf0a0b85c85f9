//! Setting up a bureau through the API, from a database with only the jurisdiction tree and
//! accounts (what `jingwu org add` and `jingwu user add` make) and a road network: sites,
//! posts, units, rosters, areas, key sites and their imports, then the first call taken and
//! dispatched. Also: the roster decides who is recommended, station areas decide who owns a
//! call, a location outside the bureau is refused, and admins set up only their own subtree.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, Resp, TestApp, cmd};

const GULOU: &str = "33020301";
const YUEHU: &str = "33020302";

async fn new_bureau() -> TestApp {
    TestApp::empty()
        .with_city()
        .with_bare_roads()
        .with_clock(ManualClock::new("2026-03-02T01:30:00Z".parse().unwrap()))
        .build()
        .await
}

/// A point on the road network at fractions `(fy, fx)` of the road network's extent.
fn on_roads(t: &TestApp, fy: f64, fx: f64) -> (f64, f64) {
    let roads = t.app.command().roads().unwrap();
    let (lat0, lon0, lat1, lon1) = roads.graph().bbox();
    let (lat, lon) = (lat0 + (lat1 - lat0) * fy, lon0 + (lon1 - lon0) * fx);
    roads.snap(lat, lon).unwrap().point
}

/// The road network's extent split at `fx` of its width: (west, east) rectangles as
/// `(lat0, lon0, lat1, lon1)`, a little larger than the extent.
/// `(lat0, lon0, lat1, lon1)`.
type Rect = (f64, f64, f64, f64);

fn halves(t: &TestApp, fx: f64) -> (Rect, Rect) {
    let (lat0, lon0, lat1, lon1) = t.app.command().roads().unwrap().graph().bbox();
    let mid = lon0 + (lon1 - lon0) * fx;
    (
        (lat0 - 0.01, lon0 - 0.01, lat1 + 0.01, mid),
        (lat0 - 0.01, mid, lat1 + 0.01, lon1 + 0.01),
    )
}

fn rect(r: Rect) -> Value {
    let (lat0, lon0, lat1, lon1) = r;
    json!({ "type": "Polygon", "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]] })
}

fn areas(features: &[(&str, Value)]) -> String {
    let fs: Vec<Value> = features
        .iter()
        .map(|(code, g)| json!({ "type": "Feature", "properties": { "org_code": code }, "geometry": g }))
        .collect();
    json!({ "type": "FeatureCollection", "features": fs }).to_string()
}

async fn import(t: &TestApp, token: &str, kind: &str, query: &str, body: &str) -> Resp {
    let media = if kind == "areas" {
        "application/geo+json"
    } else {
        "text/csv"
    };
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/command/setup/import/{kind}{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, media)
        .body(Body::from(body.to_owned()))
        .unwrap();
    t.send(req).await
}

async fn place(t: &TestApp, admin: &str, org: &str, at: (f64, f64)) {
    let r = t
        .put(
            &format!("/api/v1/command/setup/sites/{org}"),
            admin,
            json!({ "lat": at.0, "lon": at.1, "address": format!("{org} 所址") }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

async fn new_unit(t: &TestApp, admin: &str, call_sign: &str, org: &str) -> String {
    let r = t
        .post(
            "/api/v1/command/setup/units",
            admin,
            json!({ "call_sign": call_sign, "kind": "patrol_car", "org": org }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["id"].as_str().unwrap().to_owned()
}

async fn shift(t: &TestApp, admin: &str, unit: &str, from_h: i64, to_h: i64) -> Resp {
    let at = |h: i64| (t.now() + jiff::SignedDuration::from_hours(h)).to_string();
    t.post(
        "/api/v1/command/setup/shifts",
        admin,
        json!({ "unit_id": unit, "starts_at": at(from_h), "ends_at": at(to_h) }),
    )
    .await
}

async fn status(t: &TestApp, token: &str, unit: &str) -> String {
    let r = t.get(&format!("/api/v1/units/{unit}"), token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["status"].as_str().unwrap().to_owned()
}

async fn recommended(t: &TestApp, token: &str, incident: &str) -> Vec<String> {
    let r = t
        .get(
            &format!("/api/v1/incidents/{incident}/recommendations"),
            token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["unit_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn first_day_from_an_empty_database_to_the_first_dispatch() {
    let t = new_bureau().await;
    let admin = t.login("admin").await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let (call_lat, call_lon) = on_roads(&t, 0.5, 0.3);

    // Before anything is placed, a call cannot be filed under a station.
    let body = json!({
        "caller_name": "王女士", "caller_phone": "13912345678", "lat": call_lat, "lon": call_lon,
        "address": "测试路1号", "category": "criminal", "subcategory": "theft", "priority": "p2",
        "source": "call_110", "description": "电动车被盗",
    });
    t.post("/api/v1/incidents", &dispatcher, body.clone())
        .await
        .problem(StatusCode::CONFLICT, "precondition_failed");

    place(&t, &admin, GULOU, on_roads(&t, 0.5, 0.25)).await;
    place(&t, &admin, YUEHU, on_roads(&t, 0.5, 0.75)).await;
    let post = t
        .post(
            "/api/v1/command/setup/posts",
            &admin,
            json!({ "org": GULOU, "name": "鼓楼岗亭", "lat": call_lat, "lon": call_lon }),
        )
        .await;
    assert_eq!(post.status, StatusCode::CREATED, "{}", post.text);

    let r = t
        .post(
            "/api/v1/command/setup/units",
            &admin,
            json!({ "call_sign": "鼓楼巡01", "kind": "patrol_car", "org": GULOU,
                    "equipment": ["shield", "aed"], "post": "鼓楼岗亭" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["status"], "off_duty");
    assert_eq!(r.body["travel_mode"], "car");
    assert_eq!(r.body["post_id"], post.body["id"]);
    let unit = r.body["id"].as_str().unwrap().to_owned();
    // The crew through the existing crew route, the shift puts the unit on duty at once.
    cmd::set_crew(&t, &admin, &unit, &["officer"]).await;
    let s = shift(&t, &admin, &unit, -1, 11).await;
    assert_eq!(s.status, StatusCode::CREATED, "{}", s.text);
    assert_eq!(status(&t, &dispatcher, &unit).await, "available");

    let (west, east) = halves(&t, 0.5);
    let r = import(
        &t,
        &admin,
        "areas",
        "",
        &areas(&[(GULOU, rect(west)), (YUEHU, rect(east))]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["rows"].as_u64(), r.body["imported"].as_u64()),
        (Some(2), Some(2))
    );

    // The crew's terminal reports where the car is; the first call comes in.
    cmd::fix(&t, &officer, &unit, t.now(), call_lat, call_lon + 0.001).await;
    let r = t.post("/api/v1/incidents", &dispatcher, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["incident"]["org_id"], t.org_id(GULOU).await);
    let incident = r.body["incident"]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        recommended(&t, &dispatcher, &incident).await,
        vec![unit.clone()]
    );
    cmd::dispatch(&t, &dispatcher, &incident, &[&unit]).await;
    assert_eq!(status(&t, &dispatcher, &unit).await, "dispatched");

    let sites = t.get("/api/v1/command/setup/sites", &admin).await;
    let gulou = sites
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == GULOU)
        .unwrap();
    assert_eq!(gulou["area"]["type"], "Polygon");
    assert!(t.audit_intact().await, "{:?}", t.verify_audit().await);
}

#[tokio::test]
async fn a_unit_outside_its_shift_is_not_recommended() {
    let t = new_bureau().await;
    let admin = t.login("admin").await;
    let dispatcher = t.login("dispatcher").await;
    let here = on_roads(&t, 0.5, 0.5);
    place(&t, &admin, GULOU, here).await;
    let early = new_unit(&t, &admin, "鼓楼巡01", GULOU).await;
    let late = new_unit(&t, &admin, "鼓楼巡02", GULOU).await;
    assert_eq!(
        shift(&t, &admin, &early, -1, 1).await.status,
        StatusCode::CREATED
    );
    assert_eq!(
        shift(&t, &admin, &late, 2, 10).await.status,
        StatusCode::CREATED
    );
    // Overlapping shifts of one unit are refused.
    shift(&t, &admin, &late, 9, 12)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    for u in [&early, &late] {
        cmd::set_crew(&t, &admin, u, &["officer"]).await;
    }
    let officer = t.login("officer").await;
    let fixes = async |t: &TestApp| {
        for u in [&early, &late] {
            cmd::fix(t, &officer, u, t.now(), here.0, here.1).await;
        }
    };
    fixes(&t).await;
    let incident = cmd::incident_at(
        &t,
        &dispatcher,
        here.0,
        here.1 + 0.001,
        ("criminal", "theft"),
    )
    .await;
    assert_eq!(
        recommended(&t, &dispatcher, &incident).await,
        vec![early.clone()]
    );
    assert_eq!(t.app.command().run_roster().await.unwrap(), 0);

    // Two hours on: the early shift ended, the late one began.
    t.advance(jiff::SignedDuration::from_hours(2));
    assert_eq!(t.app.command().run_roster().await.unwrap(), 2);
    assert_eq!(t.app.command().run_roster().await.unwrap(), 0);
    assert_eq!(status(&t, &dispatcher, &early).await, "off_duty");
    assert_eq!(status(&t, &dispatcher, &late).await, "available");
    fixes(&t).await;
    assert_eq!(
        recommended(&t, &dispatcher, &incident).await,
        vec![late.clone()]
    );

    // After the late shift nobody is on duty.
    t.advance(jiff::SignedDuration::from_hours(9));
    assert_eq!(t.app.command().run_roster().await.unwrap(), 1);
    fixes(&t).await;
    assert!(recommended(&t, &dispatcher, &incident).await.is_empty());
    let log = t
        .sql_count(
            "SELECT COUNT(*) FROM unit_status_log WHERE reason IN ('start of shift', 'end of shift')",
            &[],
        )
        .await;
    // early: on at creation, off at +2 h; late: on at +2 h, off at +10 h.
    assert_eq!(log, 4);
}

#[tokio::test]
async fn a_call_inside_a_station_area_goes_to_that_station_even_when_another_is_nearer() {
    let t = new_bureau().await;
    let admin = t.login("admin").await;
    let dispatcher = t.login("dispatcher").await;
    let yuehu_site = on_roads(&t, 0.5, 0.75);
    place(&t, &admin, GULOU, on_roads(&t, 0.5, 0.2)).await;
    place(&t, &admin, YUEHU, yuehu_site).await;
    let call = async |t: &TestApp, at: (f64, f64)| {
        let body = json!({
            "caller_name": "李先生", "caller_phone": "13812345678", "lat": at.0, "lon": at.1,
            "address": "测试路2号", "category": "criminal", "subcategory": "theft", "priority": "p2",
            "source": "call_110", "description": "测试",
        });
        t.post("/api/v1/incidents", &dispatcher, body).await
    };
    // No areas yet: the nearest station by road owns a call next to 月湖's site.
    let near_yuehu = on_roads(&t, 0.52, 0.74);
    let r = call(&t, near_yuehu).await;
    assert_eq!(
        r.body["incident"]["org_id"],
        t.org_id(YUEHU).await,
        "{}",
        r.text
    );

    // 鼓楼's area reaches past 月湖's site (boundaries follow streets, not distances).
    let (west, east) = halves(&t, 0.8);
    let r = import(
        &t,
        &admin,
        "areas",
        "",
        &areas(&[(GULOU, rect(west)), (YUEHU, rect(east))]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = call(&t, near_yuehu).await;
    assert_eq!(
        r.body["incident"]["org_id"],
        t.org_id(GULOU).await,
        "{}",
        r.text
    );
    let r = call(&t, on_roads(&t, 0.5, 0.9)).await;
    assert_eq!(
        r.body["incident"]["org_id"],
        t.org_id(YUEHU).await,
        "{}",
        r.text
    );
}

/// Coverage statistics per station use the imported areas where they exist: the road of each
/// area is counted for its station, not for the station nearest by road; without areas road
/// reach decides. Either way the stations add up to the district.
#[tokio::test]
async fn coverage_per_station_follows_the_imported_areas() {
    let t = new_bureau().await;
    let admin = t.login("admin").await;
    place(&t, &admin, GULOU, on_roads(&t, 0.5, 0.25)).await;
    place(&t, &admin, YUEHU, on_roads(&t, 0.5, 0.75)).await;
    let district = t.org_id("330203").await;
    // Road length (m) in each station's area, and in the district's.
    let totals = async || {
        let r = t
            .get(&format!("/api/v1/coverage?org={district}"), &admin)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        let total = |a: &Value| a["limits"][0]["road_m_total"].as_f64().unwrap();
        let child = |code: &str| {
            r.body["children"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["code"] == code)
                .map(total)
                .unwrap()
        };
        (child(GULOU), child(YUEHU), total(&r.body["area"]))
    };
    let (gulou, yuehu, all) = totals().await;
    assert!(gulou > 0.0 && yuehu > 0.0, "{gulou} {yuehu}");
    assert!((gulou + yuehu - all).abs() < 1e-6 * all);

    // 鼓楼's area reaches far east of the midpoint between the two sites.
    let (west, east) = halves(&t, 0.9);
    let r = import(
        &t,
        &admin,
        "areas",
        "",
        &areas(&[(GULOU, rect(west)), (YUEHU, rect(east))]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let (gulou_after, yuehu_after, all_after) = totals().await;
    assert!(
        gulou_after > gulou * 1.3 && yuehu_after < yuehu * 0.5,
        "by area {gulou_after}/{yuehu_after}, by road {gulou}/{yuehu}"
    );
    assert!((gulou_after + yuehu_after - all_after).abs() < 1e-6 * all_after);
    // Every road is in some station's care either way: pedestrian-only streets outside the
    // imported areas go to the station nearest on foot, so the bureau's total does not move.
    assert!((all_after - all).abs() < 1e-6 * all, "{all_after} {all}");
}

#[tokio::test]
async fn a_location_outside_the_bureau_is_refused_at_intake() {
    let t = new_bureau().await;
    let admin = t.login("admin").await;
    let dispatcher = t.login("dispatcher").await;
    place(&t, &admin, GULOU, on_roads(&t, 0.5, 0.5)).await;
    let head = t.audit_head().await;
    let body = |lat: f64, lon: f64| {
        json!({
            "caller_name": "王女士", "caller_phone": "13912345678", "lat": lat, "lon": lon,
            "address": "", "category": "criminal", "subcategory": "theft", "priority": "p2",
            "source": "call_110", "description": "测试",
        })
    };
    for (lat, lon) in [(0.0, 0.0), (39.9, 116.4)] {
        t.post("/api/v1/incidents", &dispatcher, body(lat, lon))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "outside_bureau");
    }
    assert_eq!(t.audit_head().await, head);
    assert_eq!(t.sql_count("SELECT COUNT(*) FROM incidents", &[]).await, 0);

    // Without a road network the bound is the distance to the nearest station site.
    let t = TestApp::empty().with_city().build().await;
    let admin = t.login("admin").await;
    let dispatcher = t.login("dispatcher").await;
    place(&t, &admin, GULOU, (29.87, 121.55)).await;
    t.post("/api/v1/incidents", &dispatcher, body(0.0, 0.0))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "outside_bureau");
    let r = t
        .post("/api/v1/incidents", &dispatcher, body(29.88, 121.56))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

/// `(line, field, code)` of a 422's field errors, which name `line N: field`.
fn problem_rows(r: &Resp) -> Vec<(String, String)> {
    r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `(line, field, code)` of an import report's row.
type RowReport = (u64, String, String);

fn report_rows(r: &Resp) -> Vec<RowReport> {
    r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[tokio::test]
async fn every_import_reports_its_bad_rows_by_line_and_field_and_changes_nothing() {
    let t = new_bureau().await;
    let admin = t.login("admin").await;
    place(&t, &admin, GULOU, on_roads(&t, 0.5, 0.5)).await;
    let taken = new_unit(&t, &admin, "鼓楼巡09", GULOU).await;
    let s = |v: &str| v.to_owned();
    let cases: Vec<(&str, String, Vec<RowReport>)> = vec![
        (
            "sites",
            s(
                "org_code,lat,lon,address\n33020302,29.8,121.5,月湖所址\n33020502,95,121.5,孔浦\n99999999,29.8,121.5,x\n",
            ),
            vec![
                (3, s("lat"), s("lat.range")),
                (4, s("org_code"), s("org.unknown")),
            ],
        ),
        (
            "posts",
            s(
                "org_code,name,lat,lon\n33020301,东门岗亭,29.8,121.5\n330203,分局岗亭,29.8,121.5\n33020301,,29.8,121.5\n",
            ),
            vec![
                (3, s("org_code"), s("org.kind")),
                (4, s("name"), s("required")),
            ],
        ),
        (
            "units",
            s(
                "call_sign,kind,org_code,travel_mode,equipment\n鼓楼巡10,patrol_car,33020301,,shield\n鼓楼巡09,patrol_car,33020301,,\n鼓楼步11,foot,33020301,,\n鼓楼摩12,motorcycle,33020301,boat,Shield\n",
            ),
            vec![
                (3, s("call_sign"), s("taken")),
                (4, s("kind"), s("unit_kind.unknown")),
                (5, s("equipment"), s("equipment.format")),
                (5, s("travel_mode"), s("travel_mode.unknown")),
            ],
        ),
        (
            "shifts",
            s(
                "call_sign,starts_at,ends_at,crew\n鼓楼巡09,2026-03-02T08:00:00+08:00,2026-03-02T20:00:00+08:00,officer\n鼓楼巡09,2026-03-02T19:00:00+08:00,2026-03-02T23:00:00+08:00,\n白沙巡01,2026-03-02T08:00:00+08:00,2026-03-02T20:00:00+08:00,\n鼓楼巡09,2026-03-03T08:00:00+08:00,2026-03-03T20:00:00+08:00,nobody\n",
            ),
            vec![
                (3, s("starts_at"), s("shift.overlap")),
                (4, s("call_sign"), s("unit.unknown")),
                (5, s("crew[0]"), s("crew.unknown_officer")),
            ],
        ),
        (
            "key_sites",
            s(
                "org_code,kind,name_zh,name_en,lat,lon,target_secs\n33020301,school,第一中学,No. 1 Middle School,29.8,121.5,60\n33020301,school,第二中学,No. 2 Middle School,29.8,121.5,0\n",
            ),
            vec![(3, s("target_secs"), s("number"))],
        ),
        (
            "areas",
            areas(&[
                (GULOU, rect((29.0, 121.0, 30.0, 122.0))),
                (YUEHU, rect((29.0, 121.0, 30.0, 122.0))),
                ("330203", rect((29.0, 121.0, 30.0, 122.0))),
                (
                    GULOU,
                    json!({ "type": "Polygon", "coordinates": [[[121.0, 29.0], [122.0, 29.0], [121.0, 29.0]]] }),
                ),
            ]),
            vec![
                (2, s("properties.org_code"), s("required")),
                (3, s("properties.org_code"), s("org.kind")),
                (4, s("geometry"), s("area.geometry")),
                (4, s("properties.org_code"), s("taken")),
            ],
        ),
    ];
    let units_before = t.sql_count("SELECT COUNT(*) FROM units", &[]).await;
    for (kind, body, expected) in cases {
        let head = t.audit_head().await;
        // All or nothing: a 422 naming each bad line and field, and nothing written.
        let r = import(&t, &admin, kind, "", &body).await;
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        let mut want: Vec<(String, String)> = expected
            .iter()
            .map(|(l, f, c)| (format!("line {l}: {f}"), c.clone()))
            .collect();
        let mut got = problem_rows(&r);
        want.sort();
        got.sort();
        assert_eq!(got, want, "{kind}: {}", r.text);
        assert_eq!(t.audit_head().await, head, "{kind}");
        // A dry run reports the same rows and writes nothing either.
        let r = import(&t, &admin, kind, "?dry_run=true", &body).await;
        assert_eq!(r.status, StatusCode::OK, "{kind}: {}", r.text);
        let mut got = report_rows(&r);
        got.sort();
        let mut want = expected.clone();
        want.sort();
        assert_eq!(got, want, "{kind}");
        assert_eq!(r.body["imported"], 0);
        assert_eq!(t.audit_head().await, head, "{kind}");
    }
    assert_eq!(
        t.sql_count("SELECT COUNT(*) FROM units", &[]).await,
        units_before
    );
    assert_eq!(
        t.sql_count("SELECT COUNT(*) FROM unit_shifts", &[]).await,
        0
    );

    // `partial=true` imports the good rows and reports the bad ones.
    let r = import(
        &t,
        &admin,
        "units",
        "?partial=true",
        "call_sign,kind,org_code\n鼓楼巡10,patrol_car,33020301\n鼓楼巡09,patrol_car,33020301\n",
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["rows"].as_u64(), r.body["imported"].as_u64()),
        (Some(2), Some(1))
    );
    assert_eq!(
        report_rows(&r),
        vec![(3, "call_sign".to_owned(), "taken".to_owned())]
    );
    assert_eq!(
        t.sql_count("SELECT COUNT(*) FROM units", &[]).await,
        units_before + 1
    );
    let _ = taken;
}

#[tokio::test]
async fn admins_set_up_only_their_own_subtree() {
    let t = new_bureau().await;
    let admin = t.login("admin").await;
    let gulou_admin = t.login("gulou.admin").await;
    let yuehu_admin = t.login("yuehu.admin").await;
    let dispatcher = t.login("dispatcher").await;
    let body =
        |org: &str| json!({ "call_sign": format!("{org}巡01"), "kind": "patrol_car", "org": org });

    t.post("/api/v1/command/setup/units", &gulou_admin, body(YUEHU))
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.post("/api/v1/command/setup/units", &dispatcher, body(GULOU))
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let r = t
        .post("/api/v1/command/setup/units", &gulou_admin, body(GULOU))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let unit = r.body["id"].as_str().unwrap().to_owned();

    // Another station's admin does not see the unit at all.
    t.put(
        &format!("/api/v1/command/setup/units/{unit}"),
        &yuehu_admin,
        body(YUEHU),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    t.post(
        &format!("/api/v1/command/setup/units/{unit}/retire"),
        &yuehu_admin,
        json!({}),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    let listed = t.get("/api/v1/command/setup/units", &yuehu_admin).await;
    assert_eq!(listed.body, json!([]));
    // A row naming another station is a row error, as if the station did not exist.
    let r = import(
        &t,
        &gulou_admin,
        "units",
        "?dry_run=true",
        "call_sign,kind,org_code\n月湖巡02,patrol_car,33020302\n",
    )
    .await;
    assert_eq!(
        report_rows(&r),
        vec![(2, "org_code".to_owned(), "org.unknown".to_owned())]
    );
    // The city admin may move it.
    let r = t
        .put(
            &format!("/api/v1/command/setup/units/{unit}"),
            &admin,
            body(YUEHU),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["org_id"], t.org_id(YUEHU).await);
}

#[tokio::test]
async fn a_retired_unit_keeps_its_history_and_never_goes_on_duty_again() {
    let t = new_bureau().await;
    let admin = t.login("admin").await;
    let dispatcher = t.login("dispatcher").await;
    place(&t, &admin, GULOU, on_roads(&t, 0.5, 0.5)).await;
    let unit = new_unit(&t, &admin, "鼓楼巡01", GULOU).await;
    assert_eq!(
        shift(&t, &admin, &unit, 0, 8).await.status,
        StatusCode::CREATED
    );
    assert_eq!(status(&t, &dispatcher, &unit).await, "available");
    let r = t
        .post(
            &format!("/api/v1/command/setup/units/{unit}/retire"),
            &admin,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "off_duty");
    assert!(r.body["retired_at"].is_string());
    // Still inside its shift, the roster does not bring it back; nothing else does either.
    assert_eq!(t.app.command().run_roster().await.unwrap(), 0);
    shift(&t, &admin, &unit, 9, 10)
        .await
        .problem(StatusCode::CONFLICT, "unit_retired");
    t.post(
        &format!("/api/v1/units/{unit}/status"),
        &dispatcher,
        json!({ "status": "available", "reason": "" }),
    )
    .await
    .problem(StatusCode::CONFLICT, "unit_changed");
    let listed = t.get("/api/v1/units", &dispatcher).await;
    assert_eq!(listed.body, json!([]));
    // The call sign stays taken.
    t.post(
        "/api/v1/command/setup/units",
        &admin,
        json!({ "call_sign": "鼓楼巡01", "kind": "patrol_car", "org": GULOU }),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn key_sites_and_posts_are_created_changed_and_removed() {
    let t = new_bureau().await;
    let admin = t.login("admin").await;
    let k = json!({ "org": GULOU, "kind": "school", "name_zh": "第一中学", "name_en": "No. 1 Middle School",
                    "lat": 29.87, "lon": 121.55, "target_secs": 60 });
    let r = t
        .post("/api/v1/command/setup/key-sites", &admin, k.clone())
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    t.post("/api/v1/command/setup/key-sites", &admin, k.clone())
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let mut changed = k.clone();
    changed["target_secs"] = json!(180);
    let r = t
        .put(
            &format!("/api/v1/command/setup/key-sites/{id}"),
            &admin,
            changed,
        )
        .await;
    assert_eq!(r.body["target_secs"], 180, "{}", r.text);
    let r = t
        .delete(&format!("/api/v1/command/setup/key-sites/{id}"), &admin)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.get("/api/v1/command/setup/key-sites", &admin).await.body,
        json!([])
    );

    let p = t
        .post(
            "/api/v1/command/setup/posts",
            &admin,
            json!({ "org": GULOU, "name": "东门", "lat": 29.87, "lon": 121.55 }),
        )
        .await;
    let post = p.body["id"].as_str().unwrap().to_owned();
    let r = t
        .put(
            &format!("/api/v1/command/setup/posts/{post}"),
            &admin,
            json!({ "name": "东门岗亭", "lat": 29.88, "lon": 121.55 }),
        )
        .await;
    assert_eq!(r.body["name"], "东门岗亭", "{}", r.text);
    let r = t
        .delete(&format!("/api/v1/command/setup/posts/{post}"), &admin)
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    // A post belongs to a station.
    t.post(
        "/api/v1/command/setup/posts",
        &admin,
        json!({ "org": "330203", "name": "x", "lat": 29.87, "lon": 121.55 }),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn concurrent_setup_keeps_call_signs_unique_and_each_roster_move_happens_once() {
    let t = new_bureau().await;
    let admin = t.login("admin").await;
    place(&t, &admin, GULOU, on_roads(&t, 0.5, 0.5)).await;
    // Twenty admins' requests for one call sign: one unit.
    let body = json!({ "call_sign": "鼓楼巡01", "kind": "patrol_car", "org": GULOU });
    let answers = futures_util::future::join_all(
        (0..20).map(|_| t.post("/api/v1/command/setup/units", &admin, body.clone())),
    )
    .await;
    let created = answers
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1);
    for r in answers.iter().filter(|r| r.status != StatusCode::CREATED) {
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    assert_eq!(t.sql_count("SELECT COUNT(*) FROM units", &[]).await, 1);

    // Two nodes run the roster job at the same boundary: the unit goes on duty once.
    let unit = answers
        .iter()
        .find(|r| r.status == StatusCode::CREATED)
        .unwrap()
        .body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        shift(&t, &admin, &unit, 1, 9).await.status,
        StatusCode::CREATED
    );
    t.advance(jiff::SignedDuration::from_hours(2));
    let other = t.second_node();
    let (here, there) = (t.app.command(), other.command());
    let (a, b) = tokio::join!(here.run_roster(), there.run_roster());
    assert_eq!(a.unwrap() + b.unwrap(), 1);
    let starts = t
        .sql_count(
            "SELECT COUNT(*) FROM unit_status_log WHERE reason = 'start of shift'",
            &[],
        )
        .await;
    assert_eq!(starts, 1);
    assert!(t.audit_intact().await);
}
