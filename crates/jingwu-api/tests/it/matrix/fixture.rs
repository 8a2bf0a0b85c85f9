//! The objects the matrix names, built once on the demo city through the API (the city admin
//! and the city dispatcher act as operators): one caller per role at the Haishu bureau, and
//! for each scope an org unit, a user, units, incidents, a layer, an open upload and stored
//! media. Routes that consume an object get a fresh one per run (`fresh_*`).

use axum::http::{Method, StatusCode};
use jingwu_core::Role;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::support::TestApp;

/// The callers' bureau; own objects lie in its Gulou station, other objects in Baisha.
pub const HOME: &str = "330203";
const OWN_STATION: &str = "33020301";
const OTHER_DISTRICT: &str = "330205";
const OTHER_STATION: &str = "33020501";

/// Which object a request names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sc {
    /// The route names no object.
    None,
    Own,
    Other,
    /// Another citizen's record.
    Citizen,
    /// Another district's incident that a unit of the caller's jurisdiction is on (lent
    /// across districts; the officer caller crews it).
    Lent,
}

impl Sc {
    pub fn label(self) -> &'static str {
        match self {
            Sc::None => "-",
            Sc::Own => "own",
            Sc::Other => "other",
            Sc::Citizen => "citizen",
            Sc::Lent => "lent",
        }
    }
}

/// One side (own or other) of the fixture.
#[derive(Debug, Clone)]
pub struct Side {
    pub station: String,
    pub district: String,
    /// Near the station's units: incidents created here are owned by the station.
    pub pos: (f64, f64),
    /// A unit on `incident`; the officer caller crews the own one.
    pub unit: String,
    /// When `unit` last reported (the app's clock), for AVL fixes that are not stale.
    pub unit_fix_at: String,
    /// An available unit whose status the status route changes.
    pub status_unit: String,
    /// Available units for dispatch requests and for fresh incidents of the close route.
    pub pool_unit: String,
    pub fresh_unit: String,
    /// The own unit lent to the other district's `Fixture::lent` incident.
    pub lent_unit: String,
    pub incident: String,
    /// An open incident that merge requests name as the survivor.
    pub survivor: String,
    pub user: String,
    pub layer: String,
    /// A response plan of the side's station.
    pub plan: String,
    /// An open upload (progress route) and stored content shown on `incident`.
    pub upload: String,
    pub media_sha: String,
    /// Hazmat objects of the side's station: a weather station (its code) with a live
    /// observation, an enterprise, a vehicle, a response and the alert issued for it.
    pub weather_station: String,
    pub enterprise: String,
    pub vehicle: String,
    pub response: String,
    pub alert: String,
}

pub struct Fixture {
    pub own: Side,
    pub other: Side,
    /// The other side with its incident replaced by one the own side's `lent_unit` is on.
    pub lent: Side,
    /// Bearer tokens by caller name (`admin`, …, `citizen`); anonymous has none.
    pub tokens: Vec<(String, String)>,
    /// The caller accounts' ids by caller name.
    pub user_ids: Vec<(String, String)>,
    /// A second citizen (the `citizen` scope).
    pub citizen2: String,
    /// Traffic records: the citizen caller's, another district's, another citizen's.
    pub traffic: super::traffic::TrafficFixture,
    /// Approval-window offices of both sides and the citizens' records there.
    pub permits: super::permits::PermitsFixture,
    /// Handling-area rooms, people and clocks of both sides.
    pub area: super::area::AreaFixture,
    /// Case files of both sides.
    pub cases: super::cases::CasesFixture,
    /// Evidence stores of both sides, their items and counts.
    pub evidence: super::evidence::EvidenceFixture,
    /// Overdue 110 timer alerts and linked agencies of both sides.
    pub timers: super::timers::TimersFixture,
    dispatcher: String,
    counter: u32,
    /// Fresh incidents of the current run, closed after it so their units are free again.
    cleanup: Vec<String>,
}

pub fn sha_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A small JPEG-signed body, distinct for each seed.
pub fn jpeg(seed: u32) -> Vec<u8> {
    let mut v = vec![0xFF, 0xD8, 0xFF, 0xE0];
    v.extend_from_slice(b"jingwu-matrix-");
    v.extend_from_slice(&seed.to_be_bytes());
    v
}

async fn ok(t: &TestApp, method: Method, path: &str, token: &str, body: Option<Value>) -> Value {
    let r = t.call(method.clone(), path, Some(token), body).await;
    assert!(
        r.status.is_success(),
        "fixture: {method} {path}: {} {}",
        r.status,
        r.text
    );
    r.body
}

async fn new_user(t: &TestApp, admin: &str, username: &str, role: &str, org: &str) -> String {
    let body = json!({"username": username, "display_name": "矩阵测试", "role": role,
        "org": org, "password": jingwu_app::DEMO_PASSWORD});
    id_of(&ok(t, Method::POST, "/api/v1/users", admin, Some(body)).await)
}

fn id_of(v: &Value) -> String {
    v["id"].as_str().expect("an id").to_string()
}

/// The side's hazmat objects, made by the demo's city fire commander.
async fn hazmat_objects(t: &TestApp, side: &mut Side, i: usize) {
    t.app.install_reference_chemicals().await.unwrap();
    let fire = t.login("fire").await;
    let (lat, lon) = side.pos;
    side.weather_station = format!("MX{i}");
    ok(
        t,
        Method::POST,
        "/api/v1/hazmat/stations",
        &fire,
        Some(
            json!({"org": side.station, "code": side.weather_station, "name": "矩阵气象站",
            "lat": lat, "lon": lon}),
        ),
    )
    .await;
    ok(
        t,
        Method::POST,
        "/api/v1/hazmat/observations",
        &fire,
        Some(
            json!({"station_code": side.weather_station, "obs_time": t.now().to_string(),
            "wind_dir_deg_from": 45.0, "wind_speed_ms": 3.0, "total_cloud_tenths": 10.0,
            "low_cloud_tenths": 10.0, "ceiling_m": 600.0}),
        ),
    )
    .await;
    let e = ok(
        t,
        Method::POST,
        "/api/v1/hazmat/enterprises",
        &fire,
        Some(json!({"org": side.station, "uscc": jingwu_testkit::fixtures::hazmat::uscc(900 + i as u32),
            "name": "矩阵化工", "address": "矩阵路1号", "lat": lat, "lon": lon,
            "contact_name": "张工", "contact_phone": "0574-87000000",
            "stocks": [{"un_number": "1017", "quantity_kg": 1000.0}]})),
    )
    .await;
    side.enterprise = id_of(&e);
    let v = ok(
        t,
        Method::POST,
        "/api/v1/hazmat/vehicles",
        &fire,
        Some(
            json!({"org": side.station, "plate": format!("浙B9{i:04}"), "carrier": "矩阵物流",
            "cargo_un": "1017", "cargo_kg": 10000.0}),
        ),
    )
    .await;
    side.vehicle = id_of(&v);
    let r = ok(
        t,
        Method::POST,
        "/api/v1/hazmat/responses",
        &fire,
        Some(
            json!({"org": side.station, "title": "矩阵泄漏", "chemical_id": "chem-UN1017",
            "lat": lat, "lon": lon, "release_kind": "continuous", "amount": 100.0,
            "spill": "small"}),
        ),
    )
    .await;
    side.response = r["response"]["id"].as_str().unwrap().to_string();
    let a = ok(
        t,
        Method::POST,
        &format!("/api/v1/hazmat/responses/{}/alerts", side.response),
        &fire,
        Some(json!({"msg_type": "Alert", "exercise": true})),
    )
    .await;
    side.alert = id_of(&a);
}

impl Fixture {
    pub async fn build(t: &TestApp) -> Fixture {
        assert_eq!(t.app.seed_demo_layers().await.unwrap(), 25);
        let admin = t.login("admin").await;
        let dispatcher = t.login("dispatcher").await;
        let orgs = ok(t, Method::GET, "/api/v1/orgs", &admin, None).await;
        let org = |code: &str| {
            orgs.as_array()
                .unwrap()
                .iter()
                .find(|o| o["code"] == code)
                .map(id_of)
                .unwrap_or_else(|| panic!("fixture: no org {code}"))
        };
        let (home, own_station) = (org(HOME), org(OWN_STATION));
        let (other_district, other_station) = (org(OTHER_DISTRICT), org(OTHER_STATION));

        // One caller per role at the Haishu bureau, plus the users the user routes name.
        let mut user_ids = Vec::new();
        for role in Role::ALL {
            let name = format!("mx.{}", role.as_str());
            let id = new_user(t, &admin, &name, role.as_str(), &home).await;
            user_ids.push((role.as_str().to_string(), id));
        }
        let citizen2 = new_user(t, &admin, "mx.citizen2", "citizen", &home).await;
        let own_user = new_user(t, &admin, "mx.target", "officer", &own_station).await;
        let other_user = new_user(t, &admin, "mx.far", "officer", &other_station).await;
        let mut tokens = Vec::new();
        for role in Role::ALL {
            let token = t.login(&format!("mx.{}", role.as_str())).await;
            tokens.push((role.as_str().to_string(), token));
        }
        let officer = tokens
            .iter()
            .find(|(c, _)| c == "officer")
            .map(|(_, t)| t.clone())
            .unwrap();

        let units = ok(t, Method::GET, "/api/v1/units", &dispatcher, None).await;
        let units = units.as_array().unwrap();
        let mut sides = Vec::new();
        for (station, district, user, uploader) in [
            (&own_station, &home, &own_user, &officer),
            (&other_station, &other_district, &other_user, &dispatcher),
        ] {
            let mut mine: Vec<&Value> = units
                .iter()
                .filter(|u| u["org_id"] == station.as_str())
                .collect();
            mine.sort_by_key(|u| u["call_sign"].as_str().unwrap_or_default().to_string());
            let n = mine.len() as f64;
            let pos = (
                mine.iter().map(|u| u["lat"].as_f64().unwrap()).sum::<f64>() / n,
                mine.iter().map(|u| u["lon"].as_f64().unwrap()).sum::<f64>() / n,
            );
            let available: Vec<&Value> = mine
                .into_iter()
                .filter(|u| u["status"] == "available")
                .collect();
            assert!(available.len() >= 5, "fixture: too few available units");
            let [unit, status_unit, pool_unit, fresh_unit, lent_unit] =
                [0, 1, 2, 3, 4].map(|i| id_of(available[i]));
            let unit_fix_at = available[0]["position_at"].as_str().unwrap().to_string();
            // The officer caller crews the own units it operates; the city admin rosters them.
            if station == &own_station {
                for u in [&unit, &status_unit, &fresh_unit, &lent_unit] {
                    ok(
                        t,
                        Method::PUT,
                        &format!("/api/v1/units/{u}/crew"),
                        &admin,
                        Some(json!({"crew": ["mx.officer"]})),
                    )
                    .await;
                }
            }
            let layer = ok(
                t,
                Method::POST,
                "/api/v1/layers",
                &admin,
                Some(
                    json!({"category": "video", "code": format!("mx_layer_{}", sides.len()),
                    "name_zh": "矩阵图层", "name_en": "Matrix layer", "kind": "pushed",
                    "read_roles": ["dispatcher", "officer"], "scoped": true,
                    "owner_org_id": station}),
                ),
            )
            .await;
            let plan = ok(
                t,
                Method::POST,
                "/api/v1/plans",
                &admin,
                Some(
                    json!({"name": "矩阵预案", "category": "criminal", "org_id": station,
                    "slots": [{"kind": "patrol_car", "count": 1}]}),
                ),
            )
            .await;
            let mut side = Side {
                station: station.clone(),
                district: district.clone(),
                pos,
                unit,
                unit_fix_at,
                status_unit,
                pool_unit,
                fresh_unit,
                lent_unit,
                incident: String::new(),
                survivor: String::new(),
                user: user.clone(),
                layer: id_of(&layer),
                plan: id_of(&plan),
                upload: String::new(),
                media_sha: String::new(),
                weather_station: String::new(),
                enterprise: String::new(),
                vehicle: String::new(),
                response: String::new(),
                alert: String::new(),
            };
            hazmat_objects(t, &mut side, sides.len()).await;
            side.incident = new_incident(t, &dispatcher, &side).await;
            dispatch(t, &dispatcher, &side.incident, &side.unit).await;
            side.survivor = new_incident(t, &dispatcher, &side).await;
            // Stored content shown on the incident, and an upload left open.
            let seed = sides.len() as u32;
            side.media_sha = upload(t, uploader, &side.incident, &jpeg(1000 + seed), true)
                .await
                .1;
            side.upload = upload(t, uploader, &side.incident, &jpeg(2000 + seed), false)
                .await
                .0;
            sides.push(side);
        }
        let other = sides.pop().unwrap();
        let own = sides.pop().unwrap();
        // The citizen caller is a registered citizen (real name, resident ID, verified mobile)
        // whose records the traffic routes name.
        let (traffic, citizen_token, citizen_id) = super::traffic::TrafficFixture::build(
            t,
            &t.login("mx.target").await,
            &t.login("mx.far").await,
            [OWN_STATION, OTHER_STATION, OWN_STATION],
        )
        .await;
        for (c, tok) in tokens.iter_mut() {
            if c == "citizen" {
                *tok = citizen_token.clone();
            }
        }
        for (c, id) in user_ids.iter_mut() {
            if c == "citizen" {
                *id = citizen_id.clone();
            }
        }
        let permits = super::permits::PermitsFixture::build(t, [OWN_STATION, OTHER_STATION]).await;
        let area = super::area::AreaFixture::build(t, [OWN_STATION, OTHER_STATION]).await;
        let handler = tokens
            .iter()
            .find(|(c, _)| c == "case_handler")
            .map(|(_, t)| t.clone())
            .unwrap();
        let cases =
            super::cases::CasesFixture::build(t, &handler, [&own_station, &other_station]).await;
        let custodian = tokens
            .iter()
            .find(|(c, _)| c == "evidence_custodian")
            .map(|(_, t)| t.clone())
            .unwrap();
        let evidence = super::evidence::EvidenceFixture::build(t, &custodian).await;
        let mut lent = other.clone();
        lent.incident = new_incident(t, &dispatcher, &other).await;
        dispatch(t, &dispatcher, &lent.incident, &own.lent_unit).await;
        let home_admin = tokens
            .iter()
            .find(|(c, _)| c == "admin")
            .map(|(_, t)| t.clone())
            .unwrap();
        let timers =
            super::timers::TimersFixture::build(t, &admin, &home_admin, &own, &other).await;
        Fixture {
            own,
            other,
            lent,
            tokens,
            user_ids,
            citizen2,
            traffic,
            permits,
            area,
            cases,
            evidence,
            timers,
            dispatcher,
            counter: 0,
            cleanup: Vec::new(),
        }
    }

    pub fn side(&self, sc: Sc) -> &Side {
        match sc {
            Sc::Other => &self.other,
            Sc::Lent => &self.lent,
            _ => &self.own,
        }
    }

    pub fn token(&self, caller: &str) -> Option<&str> {
        self.tokens
            .iter()
            .find(|(c, _)| c == caller)
            .map(|(_, t)| t.as_str())
    }

    pub fn user_id(&self, caller: &str) -> Option<&str> {
        self.user_ids
            .iter()
            .find(|(c, _)| c == caller)
            .map(|(_, t)| t.as_str())
    }

    /// Whether a text names one of the other district's objects.
    pub fn names_other(&self, text: &str) -> bool {
        let o = &self.other;
        [
            &o.station,
            &o.district,
            &o.unit,
            &o.incident,
            &o.user,
            &o.layer,
            &o.plan,
        ]
        .into_iter()
        .chain([&o.status_unit, &o.pool_unit, &o.fresh_unit, &o.survivor])
        .chain([&o.enterprise, &o.vehicle, &o.response, &o.alert])
        .any(|id| text.contains(id.as_str()))
            || self.traffic.names_other(text)
            || self.permits.names_other(text)
            || self.area.names_other(text)
            || self.cases.names_other(text)
            || self.evidence.names_other(text)
            || self.timers.names_other(text)
    }

    /// A number not used before in this fixture (fresh usernames, codes, contents).
    pub fn next(&mut self) -> u32 {
        self.counter += 1;
        self.counter
    }

    /// A new open incident of the side's station, closed after the run; with the side's
    /// fresh unit on it when `with_unit` (the officer caller crews the own one). A lent
    /// incident always has the own side's fresh unit on it.
    pub async fn fresh_incident(&mut self, t: &TestApp, sc: Sc, with_unit: bool) -> String {
        let side = self.side(sc).clone();
        let id = new_incident(t, &self.dispatcher, &side).await;
        let unit = match sc {
            Sc::Lent => Some(&self.own.fresh_unit),
            _ => with_unit.then_some(&side.fresh_unit),
        };
        if let Some(unit) = unit {
            dispatch(t, &self.dispatcher, &id, unit).await;
        }
        self.cleanup.push(id.clone());
        id
    }

    /// A fresh incident of the side's station escalated to the side's district, awaiting the
    /// district's sign-for.
    pub async fn fresh_handed_over(&mut self, t: &TestApp, sc: Sc) -> String {
        let id = self.fresh_incident(t, sc, false).await;
        let district = self.side(sc).district.clone();
        ok(
            t,
            Method::POST,
            &format!("/api/v1/incidents/{id}/handover"),
            &self.dispatcher,
            Some(json!({"to_org": district, "reason": "矩阵测试：上报分局"})),
        )
        .await;
        id
    }

    /// The unit `fresh_incident(sc, true)` puts on its incident.
    pub fn fresh_unit_of(&self, sc: Sc) -> String {
        match sc {
            Sc::Lent => self.own.fresh_unit.clone(),
            _ => self.side(sc).fresh_unit.clone(),
        }
    }

    /// A new upload of the side's incident by its uploader (the officer caller's for own).
    pub async fn fresh_upload(&mut self, t: &TestApp, sc: Sc, data: &[u8]) -> String {
        let uploader = match sc {
            Sc::Other => self.dispatcher.clone(),
            _ => self.token("officer").unwrap().to_string(),
        };
        let incident = self.side(sc).incident.clone();
        upload(t, &uploader, &incident, data, false).await.0
    }

    /// Closes the run's fresh incidents (those a request closed already answer 409), which
    /// clears their units for the next run.
    pub async fn after_run(&mut self, t: &TestApp) {
        for id in std::mem::take(&mut self.cleanup) {
            let r = t
                .call(
                    Method::POST,
                    &format!("/api/v1/incidents/{id}/close"),
                    Some(&self.dispatcher),
                    Some(json!({"result_code": "99", "result_text": "矩阵测试结束"})),
                )
                .await;
            assert!(
                r.status == StatusCode::NO_CONTENT || r.status == StatusCode::CONFLICT,
                "fixture: closing {id}: {}",
                r.text
            );
        }
    }
}

/// An incident at the side's position, handed over to the side's station when intake placed
/// it elsewhere, so that the scope is exactly the station.
async fn new_incident(t: &TestApp, dispatcher: &str, side: &Side) -> String {
    let body = json!({"caller_name": "李先生", "caller_phone": "13800138000",
        "lat": side.pos.0, "lon": side.pos.1, "address": "矩阵路1号",
        "category": "public_order", "subcategory": "noise", "priority": "p4",
        "source": "call_110", "description": "矩阵测试警情"});
    let created = ok(t, Method::POST, "/api/v1/incidents", dispatcher, Some(body)).await;
    let incident = &created["incident"];
    let id = id_of(incident);
    if incident["org_id"] != side.station.as_str() {
        ok(
            t,
            Method::POST,
            &format!("/api/v1/incidents/{id}/handover"),
            dispatcher,
            Some(json!({"to_org": side.station, "reason": "矩阵测试：交辖区派出所"})),
        )
        .await;
        // Signed for at once, so that only the station's scope sees it.
        sign_for(t, dispatcher, &id).await;
    }
    id
}

async fn sign_for(t: &TestApp, dispatcher: &str, incident: &str) {
    let r = t
        .call(
            Method::POST,
            &format!("/api/v1/incidents/{incident}/sign-for"),
            Some(dispatcher),
            None,
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NO_CONTENT,
        "fixture: sign for {incident}: {}",
        r.text
    );
}

async fn dispatch(t: &TestApp, dispatcher: &str, incident: &str, unit: &str) {
    ok(
        t,
        Method::POST,
        &format!("/api/v1/incidents/{incident}/dispatch"),
        dispatcher,
        Some(json!({"unit_ids": [unit]})),
    )
    .await;
}

/// Opens an upload of `data` on an incident; sends it whole when `complete`.
/// Returns (upload id, sha256).
async fn upload(
    t: &TestApp,
    token: &str,
    incident: &str,
    data: &[u8],
    complete: bool,
) -> (String, String) {
    let sha = sha_hex(data);
    let body = json!({"file_name": "scene.jpg", "content_type": "image/jpeg",
        "size": data.len(), "sha256": sha});
    let up = ok(
        t,
        Method::POST,
        &format!("/api/v1/incidents/{incident}/media"),
        token,
        Some(body),
    )
    .await;
    let id = id_of(&up);
    if complete {
        let req = axum::http::Request::builder()
            .method(Method::PUT)
            .uri(format!("/api/v1/media/uploads/{id}/chunks/0"))
            .header("authorization", format!("Bearer {token}"))
            .header("content-type", "application/octet-stream")
            .header("x-chunk-sha256", &sha)
            .body(axum::body::Body::from(data.to_vec()))
            .unwrap();
        let r = t.send(req).await;
        assert_eq!(r.body["status"], "complete", "fixture: upload: {}", r.text);
    }
    (id, sha)
}
