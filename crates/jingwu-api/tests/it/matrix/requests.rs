//! One valid request per route, keyed by `METHOD path` as the OpenAPI document names it: the
//! path filled with fixture ids of the scope, and a body that passes validation, so that what
//! the answer shows is the access decision. A route missing here fails the matrix.

use axum::http::Method;
use serde_json::{Value, json};

use jingwu_testkit::fixtures::traffic as tf;

use super::fixture::{Fixture, Sc, jpeg, sha_hex};
use super::traffic;
use crate::support::TestApp;

pub enum Body {
    None,
    Json(Value),
    /// A raw body with its content type.
    Raw(&'static str, Vec<u8>),
}

pub struct Req {
    pub method: Method,
    pub uri: String,
    pub body: Body,
    pub headers: Vec<(&'static str, String)>,
    /// Sign in again and use that session (a request that ends its session).
    pub fresh_session: bool,
    /// The terminal WebSocket: open it and say hello for this unit.
    pub hello_unit: Option<String>,
}

impl Req {
    pub(super) fn new(method: Method, uri: impl Into<String>) -> Req {
        Req {
            method,
            uri: uri.into(),
            body: Body::None,
            headers: Vec::new(),
            fresh_session: false,
            hello_unit: None,
        }
    }

    fn get(uri: impl Into<String>) -> Req {
        Req::new(Method::GET, uri)
    }

    fn json(method: Method, uri: impl Into<String>, body: Value) -> Req {
        Req {
            body: Body::Json(body),
            ..Req::new(method, uri)
        }
    }
}

const NONE: &[Sc] = &[Sc::None];
const OBJECT: &[Sc] = &[Sc::Own, Sc::Other];
const PERSON: &[Sc] = &[Sc::Own, Sc::Other, Sc::Citizen];
const INCIDENT: &[Sc] = &[Sc::Own, Sc::Other, Sc::Lent];
/// A list or creation that may name a unit: none, the own one, the other one.
const MAYBE_UNIT: &[Sc] = &[Sc::None, Sc::Own, Sc::Other];

/// The scopes a route is run under: the objects it can name.
pub fn scopes(route: &str) -> Option<&'static [Sc]> {
    if let Some(s) = super::evidence::scopes(route) {
        return Some(s);
    }
    if let Some(s) = super::setup::scopes(route) {
        return Some(s);
    }
    Some(match route {
        "GET /healthz"
        | "GET /readyz"
        | "GET /metrics"
        | "POST /api/v1/auth/login"
        | "POST /api/v1/auth/logout"
        | "GET /api/v1/me"
        | "GET /api/v1/orgs"
        | "GET /api/v1/command/taxonomy"
        | "GET /api/v1/audit"
        | "GET /api/v1/audit/verify"
        | "GET /api/v1/audit/checkpoint"
        | "POST /api/v1/audit/checkpoint"
        | "GET /api/v1/audit/proof/inclusion"
        | "GET /api/v1/audit/proof/consistency"
        | "POST /api/v1/validate"
        | "GET /api/v1/incidents"
        | "GET /api/v1/callers/history"
        | "GET /api/v1/units"
        | "GET /api/v1/key-sites"
        | "GET /api/v1/layers"
        | "GET /api/v1/plans"
        | "GET /api/v1/events"
        | "GET /api/v1/roads"
        | "GET /api/v1/route"
        | "GET /api/v1/tiles/{z}/{x}/{y}"
        | "GET /api/v1/geocode"
        | "GET /api/v1/geocode/reverse"
        | "GET /api/v1/hazmat/chemicals"
        | "POST /api/v1/hazmat/chemicals"
        | "GET /api/v1/hazmat/codes"
        | "GET /api/v1/hazmat/events"
        | "GET /api/v1/hazmat/enterprises"
        | "POST /api/v1/hazmat/enterprises"
        | "POST /api/v1/hazmat/enterprises/import"
        | "GET /api/v1/hazmat/vehicles"
        | "POST /api/v1/hazmat/vehicles"
        | "GET /api/v1/hazmat/stations"
        | "POST /api/v1/hazmat/stations"
        | "POST /api/v1/hazmat/observations"
        | "POST /api/v1/hazmat/observations/metar"
        | "GET /api/v1/hazmat/fire-units"
        | "POST /api/v1/hazmat/fire-units"
        | "GET /api/v1/hazmat/responses"
        | "POST /api/v1/hazmat/responses"
        | "POST /api/v1/traffic/otp"
        | "POST /api/v1/traffic/citizens"
        | "GET /api/v1/traffic/me"
        | "GET /api/v1/traffic/outbox"
        | "GET /api/v1/traffic/codes"
        | "GET /api/v1/traffic/licences"
        | "POST /api/v1/traffic/licences"
        | "POST /api/v1/traffic/vehicles"
        | "GET /api/v1/traffic/violations"
        | "POST /api/v1/traffic/violations"
        | "POST /api/v1/traffic/quizzes"
        | "GET /api/v1/traffic/vouchers"
        | "POST /api/v1/traffic/vouchers/{id}/apply"
        | "POST /api/v1/payments/notify/{channel}"
        | "POST /api/v1/payments/sandbox/pay"
        | "POST /api/v1/payments/sandbox/gateway"
        | "GET /api/v1/payments/refunds"
        | "GET /api/v1/traffic/messages"
        | "POST /api/v1/traffic/messages"
        | "POST /api/v1/traffic/messages/{id}/reply"
        | "POST /api/v1/traffic/road-events"
        | "GET /api/v1/traffic/road-events.geojson"
        | "GET /api/v1/traffic/road-events/cifs.json"
        | "GET /api/v1/traffic/accidents"
        | "POST /api/v1/traffic/accidents"
        | "POST /api/v1/traffic/accidents/{id}/confirm"
        | "POST /api/v1/traffic/accidents/{id}/liability" => NONE,
        "POST /api/v1/traffic/road-events/{id}/withdraw" => OBJECT,
        "GET /api/v1/permits/codes"
        | "GET /api/v1/permits/items"
        | "GET /api/v1/permits/items/{code}"
        | "PUT /api/v1/permits/items/{code}"
        | "GET /api/v1/permits/holidays"
        | "PUT /api/v1/permits/holidays/{date}"
        | "DELETE /api/v1/permits/holidays/{date}"
        | "GET /api/v1/permits/offices"
        | "POST /api/v1/permits/appointments"
        | "GET /api/v1/permits/appointments"
        | "GET /api/v1/permits/applications"
        | "POST /api/v1/permits/applications"
        | "GET /api/v1/permits/stats" => NONE,
        "POST /api/v1/permits/offices"
        | "GET /api/v1/permits/offices/{id}"
        | "PUT /api/v1/permits/offices/{id}"
        | "POST /api/v1/permits/offices/{id}/windows"
        | "PUT /api/v1/permits/offices/{id}/windows/{window_id}"
        | "PUT /api/v1/permits/offices/{id}/exceptions/{date}"
        | "DELETE /api/v1/permits/offices/{id}/exceptions/{date}"
        | "GET /api/v1/permits/offices/{id}/slots"
        | "GET /api/v1/permits/offices/{id}/board"
        | "GET /api/v1/permits/offices/{id}/board/events"
        | "GET /api/v1/permits/offices/{id}/appointments"
        | "GET /api/v1/permits/offices/{id}/queue"
        | "POST /api/v1/permits/offices/{id}/tickets"
        | "POST /api/v1/permits/windows/{window_id}/call-next"
        | "POST /api/v1/permits/tickets/{id}/{action}"
        | "POST /api/v1/permits/tickets/{id}/transfer"
        | "POST /api/v1/permits/applications/{id}/review" => OBJECT,
        "GET /api/v1/permits/appointments/{id}"
        | "POST /api/v1/permits/appointments/{id}/confirm"
        | "POST /api/v1/permits/appointments/{id}/cancel"
        | "POST /api/v1/permits/appointments/{id}/reschedule"
        | "POST /api/v1/permits/appointments/{id}/check-in"
        | "GET /api/v1/permits/applications/{id}"
        | "PUT /api/v1/permits/applications/{id}"
        | "PUT /api/v1/permits/applications/{id}/materials/{code}"
        | "GET /api/v1/permits/applications/{id}/materials/{code}"
        | "POST /api/v1/permits/applications/{id}/submit"
        | "POST /api/v1/permits/applications/{id}/withdraw"
        | "POST /api/v1/permits/applications/{id}/payments" => PERSON,
        "GET /api/v1/traffic/plates/candidates"
        | "GET /api/v1/traffic/applications"
        | "POST /api/v1/traffic/applications"
        | "POST /api/v1/traffic/applications/{id}/review" => NONE,
        "GET /api/v1/traffic/applications/{id}"
        | "POST /api/v1/traffic/applications/{id}/withdraw"
        | "POST /api/v1/traffic/applications/{id}/resubmit"
        | "POST /api/v1/traffic/applications/{id}/payments" => PERSON,
        "GET /api/v1/traffic/violations/{id}"
        | "POST /api/v1/traffic/violations/{id}/accept"
        | "POST /api/v1/traffic/violations/{id}/revoke"
        | "POST /api/v1/traffic/violations/{id}/payments"
        | "GET /api/v1/payments/orders/{id}"
        | "GET /api/v1/payments/orders/{id}/checkout" => PERSON,
        "POST /api/v1/traffic/quizzes/{id}/answers" => OBJECT,
        "GET /api/v1/users/{id}"
        | "POST /api/v1/users/{id}/revoke"
        | "POST /api/v1/users/{id}/enable" => PERSON,
        "GET /api/v1/incidents/{id}"
        | "PATCH /api/v1/incidents/{id}"
        | "POST /api/v1/incidents/{id}/notes"
        | "POST /api/v1/incidents/{id}/sign-for"
        | "POST /api/v1/incidents/{id}/units/{unit_id}/cancel"
        | "POST /api/v1/incidents/{id}/units/{unit_id}/divert"
        | "GET /api/v1/incidents/{id}/recommendations"
        | "GET /api/v1/incidents/{id}/plan"
        | "POST /api/v1/incidents/{id}/dispatch"
        | "POST /api/v1/incidents/{id}/close"
        | "POST /api/v1/incidents/{id}/handover"
        | "POST /api/v1/incidents/{id}/merge"
        | "GET /api/v1/incidents/{id}/eido"
        | "GET /api/v1/incidents/{id}/media"
        | "POST /api/v1/incidents/{id}/media"
        | "POST /api/v1/incidents/{id}/case"
        | "GET /api/v1/incidents/{id}/timers"
        | "GET /api/v1/incidents/{id}/linkage"
        | "POST /api/v1/incidents/{id}/linkage" => INCIDENT,
        // 110 timers and linkage.
        "GET /api/v1/timer-alerts"
        | "GET /api/v1/linkage/agencies"
        | "POST /api/v1/linkage/agencies"
        | "POST /api/v1/linkage/{agency}/ack" => NONE,
        "POST /api/v1/timer-alerts/{id}/acknowledge"
        | "GET /api/v1/orgs/{id}/timer-limits"
        | "PUT /api/v1/orgs/{id}/timer-limits"
        | "PUT /api/v1/linkage/agencies/{code}" => OBJECT,
        "POST /api/v1/orgs"
        | "GET /api/v1/orgs/{id}"
        | "GET /api/v1/users"
        | "POST /api/v1/users"
        | "POST /api/v1/incidents"
        | "GET /api/v1/units/{id}"
        | "POST /api/v1/units/{id}/status"
        | "POST /api/v1/units/{id}/acknowledge"
        | "GET /api/v1/units/{id}/messages"
        | "GET /api/v1/units/{id}/track"
        | "PUT /api/v1/units/{id}/crew"
        | "POST /api/v1/avl"
        | "GET /api/v1/stats/incidents"
        | "GET /api/v1/stats/incidents.csv"
        | "GET /api/v1/stats/compare"
        | "GET /api/v1/stats/coverage-history"
        | "GET /api/v1/media/uploads/{upload_id}"
        | "PUT /api/v1/media/uploads/{upload_id}/chunks/{offset}"
        | "GET /api/v1/media/{sha256}"
        | "GET /api/v1/coverage"
        | "GET /api/v1/coverage/geojson"
        | "GET /api/v1/coverage/areas"
        | "GET /api/v1/coverage/alerts"
        | "POST /api/v1/layers"
        | "POST /api/v1/plans"
        | "GET /api/v1/plans/{id}"
        | "PUT /api/v1/plans/{id}"
        | "DELETE /api/v1/plans/{id}"
        | "GET /api/v1/layers/{id}/features"
        | "POST /api/v1/layers/{id}/features"
        | "PUT /api/v1/layers/{id}/features/{external_id}"
        | "GET /api/v1/terminal/ws"
        | "GET /api/v1/hazmat/enterprises/{id}"
        | "PUT /api/v1/hazmat/vehicles/{id}/position"
        | "GET /api/v1/hazmat/responses/{id}"
        | "POST /api/v1/hazmat/responses/{id}/steps/{step}"
        | "POST /api/v1/hazmat/responses/{id}/readings"
        | "POST /api/v1/hazmat/responses/{id}/close"
        | "POST /api/v1/hazmat/responses/{id}/alerts"
        | "GET /api/v1/hazmat/alerts/{id}" => OBJECT,
        // Case files.
        "GET /api/v1/cases/codes"
        | "GET /api/v1/cases/limits"
        | "PUT /api/v1/cases/limits/{code}"
        | "GET /api/v1/cases/supervision" => NONE,
        "GET /api/v1/cases" | "POST /api/v1/cases" => MAYBE_UNIT,
        "GET /api/v1/cases/{id}"
        | "POST /api/v1/cases/{id}/parties"
        | "POST /api/v1/cases/{id}/steps"
        | "POST /api/v1/cases/{id}/steps/document"
        | "GET /api/v1/cases/{id}/documents/{sha256}"
        | "POST /api/v1/cases/{id}/deadlines"
        | "POST /api/v1/cases/{id}/deadlines/{deadline_id}/met"
        | "POST /api/v1/cases/{id}/status"
        | "POST /api/v1/cases/{id}/comments"
        | "POST /api/v1/cases/comments/{id}/resolve" => OBJECT,
        // The handling area and legal clocks.
        "GET /api/v1/cases/area/rooms"
        | "GET /api/v1/cases/area"
        | "POST /api/v1/cases/area"
        | "GET /api/v1/cases/area/events"
        | "GET /api/v1/cases/extensions"
        | "GET /api/v1/cases/alerts" => NONE,
        "POST /api/v1/cases/area/rooms"
        | "PUT /api/v1/cases/area/rooms/{id}"
        | "GET /api/v1/cases/area/{id}"
        | "POST /api/v1/cases/area/{id}/events"
        | "POST /api/v1/cases/area/{id}/belongings"
        | "POST /api/v1/cases/area/{id}/measures"
        | "POST /api/v1/cases/area/{id}/exit"
        | "GET /api/v1/cases/clocks/{kind}/{id}"
        | "POST /api/v1/cases/clocks/{kind}/{id}/extensions"
        | "POST /api/v1/cases/extensions/{id}/decision" => OBJECT,
        _ => return None,
    })
}

/// The request `caller` sends to `route` naming the object of scope `sc`; None for a route
/// this file does not know.
pub async fn build(
    t: &TestApp,
    fx: &mut Fixture,
    route: &str,
    caller: &str,
    sc: Sc,
) -> Option<Req> {
    let side = fx.side(sc).clone();
    let n = fx.next();
    let (lat, lon) = side.pos;
    // Fixed periods: the decision does not depend on them, and no clock is read.
    let period = "from=2026-01-01T00:00:00Z&to=2026-01-08T00:00:00Z";
    Some(match route {
        "GET /healthz" | "GET /readyz" | "GET /metrics" => Req::get(route.split(' ').nth(1)?),
        "POST /api/v1/auth/login" => {
            // Anonymous signs in as the demo citizen; a role signs in as itself.
            let username = match caller {
                "anonymous" => "citizen".to_string(),
                c => format!("mx.{c}"),
            };
            Req::json(
                Method::POST,
                "/api/v1/auth/login",
                json!({"username": username, "password": jingwu_app::DEMO_PASSWORD, "client": "api"}),
            )
        }
        "POST /api/v1/auth/logout" => Req {
            fresh_session: true,
            ..Req::new(Method::POST, "/api/v1/auth/logout")
        },
        "GET /api/v1/me" => Req::get("/api/v1/me"),
        "GET /api/v1/orgs" => Req::get("/api/v1/orgs"),
        "GET /api/v1/command/taxonomy" => Req::get("/api/v1/command/taxonomy"),
        "GET /api/v1/audit" => Req::get("/api/v1/audit"),
        "GET /api/v1/audit/verify" => Req::get("/api/v1/audit/verify"),
        "GET /api/v1/audit/checkpoint" => Req::get("/api/v1/audit/checkpoint"),
        "POST /api/v1/audit/checkpoint" => Req::new(Method::POST, "/api/v1/audit/checkpoint"),
        "GET /api/v1/audit/proof/inclusion" => Req::get("/api/v1/audit/proof/inclusion?entry=0"),
        "GET /api/v1/audit/proof/consistency" => {
            Req::get("/api/v1/audit/proof/consistency?first=1&second=2")
        }
        "POST /api/v1/validate" => Req::json(
            Method::POST,
            "/api/v1/validate",
            json!({"kind": "mobile", "value": "13912345678"}),
        ),
        "GET /api/v1/incidents" => Req::get("/api/v1/incidents"),
        "GET /api/v1/units" => Req::get("/api/v1/units"),
        "GET /api/v1/key-sites" => Req::get("/api/v1/key-sites"),
        "GET /api/v1/layers" => Req::get("/api/v1/layers"),
        "GET /api/v1/events" => Req::get("/api/v1/events"),
        "GET /api/v1/roads" => Req::get(format!(
            "/api/v1/roads?bbox={},{},{},{}&zoom=16",
            lon - 0.005,
            lat - 0.005,
            lon + 0.005,
            lat + 0.005
        )),
        "GET /api/v1/tiles/{z}/{x}/{y}" => {
            let t = jingwu_routing::tiles::TileId::containing(15, lat, lon)
                .expect("the fixture city is on the tile grid");
            Req::get(format!("/api/v1/tiles/{}/{}/{}.mvt", t.z, t.x, t.y))
        }
        "GET /api/v1/route" => Req::get(format!(
            "/api/v1/route?from={lat},{lon}&to={},{}",
            fx.other.pos.0, fx.other.pos.1
        )),
        // 「路」 matches streets of the test city by prefix and bigrams.
        "GET /api/v1/geocode" => Req::get("/api/v1/geocode?q=%E8%B7%AF&limit=3"),
        "GET /api/v1/geocode/reverse" => {
            Req::get(format!("/api/v1/geocode/reverse?lat={lat}&lon={lon}"))
        }

        "GET /api/v1/hazmat/chemicals"
        | "GET /api/v1/hazmat/codes"
        | "GET /api/v1/hazmat/events"
        | "GET /api/v1/hazmat/enterprises"
        | "GET /api/v1/hazmat/vehicles"
        | "GET /api/v1/hazmat/stations"
        | "GET /api/v1/hazmat/fire-units"
        | "GET /api/v1/hazmat/responses" => Req::get(route.split(' ').nth(1)?),
        "POST /api/v1/hazmat/chemicals" => Req::json(
            Method::POST,
            "/api/v1/hazmat/chemicals",
            json!({"un_number": "1005", "name_zh": format!("矩阵氨{n}"), "name_en": format!("Matrix ammonia {n}"),
                "hazard_class": "2.3", "molecular_weight": 17.03, "erg_guide": 125,
                "aegl_minutes": 60, "aegl_ppm": [30.0, 160.0, 1100.0],
                "erg_small": null, "erg_large": null}),
        ),
        "POST /api/v1/hazmat/enterprises" => Req::json(
            Method::POST,
            "/api/v1/hazmat/enterprises",
            json!({"uscc": jingwu_testkit::fixtures::hazmat::uscc(1000 + n), "name": "新化工",
                "address": "矩阵路9号", "lat": lat, "lon": lon, "contact_name": "李工",
                "contact_phone": "13800138000"}),
        ),
        "POST /api/v1/hazmat/enterprises/import" => Req {
            body: Body::Raw(
                "text/csv",
                format!(
                    "org_code,uscc,name,address,lat,lon,contact_name,contact_phone,stocks\n\
                     330203,{},导入化工,矩阵路8号,{lat},{lon},王工,13800138000,1017:100\n",
                    jingwu_testkit::fixtures::hazmat::uscc(5000 + n)
                )
                .into_bytes(),
            ),
            ..Req::new(Method::POST, "/api/v1/hazmat/enterprises/import")
        },
        "POST /api/v1/hazmat/vehicles" => Req::json(
            Method::POST,
            "/api/v1/hazmat/vehicles",
            json!({"plate": format!("浙B8{n:04}"), "carrier": "新物流", "cargo_kg": 0.0}),
        ),
        "POST /api/v1/hazmat/stations" => Req::json(
            Method::POST,
            "/api/v1/hazmat/stations",
            json!({"code": format!("MXN{n}"), "name": "新气象站", "lat": lat, "lon": lon}),
        ),
        "POST /api/v1/hazmat/observations" => Req::json(
            Method::POST,
            "/api/v1/hazmat/observations",
            json!({"station_code": fx.own.weather_station, "obs_time": t.now().to_string(),
                "wind_dir_deg_from": 45.0, "wind_speed_ms": 3.0}),
        ),
        "POST /api/v1/hazmat/observations/metar" => {
            let now = t.now().to_zoned(jiff::tz::TimeZone::UTC);
            Req::json(
                Method::POST,
                "/api/v1/hazmat/observations/metar",
                json!({"station_code": fx.own.weather_station,
                    "metar": format!("METAR ZSNB {:02}{:02}{:02}Z 04006MPS 9999 BKN020 18/12 Q1018",
                        now.day(), now.hour(), now.minute())}),
            )
        }
        "POST /api/v1/hazmat/fire-units" => Req::json(
            Method::POST,
            "/api/v1/hazmat/fire-units",
            json!({"call_sign": format!("矩阵消{n}"), "kind": "pumper", "station_name": "矩阵站",
                "lat": lat, "lon": lon}),
        ),
        "POST /api/v1/hazmat/responses" => Req::json(
            Method::POST,
            "/api/v1/hazmat/responses",
            json!({"title": "新泄漏", "chemical_id": "chem-UN1005", "lat": lat, "lon": lon,
                "release_kind": "instantaneous", "amount": 1000.0}),
        ),
        "GET /api/v1/hazmat/enterprises/{id}" => {
            Req::get(format!("/api/v1/hazmat/enterprises/{}", side.enterprise))
        }
        "PUT /api/v1/hazmat/vehicles/{id}/position" => Req::json(
            Method::PUT,
            format!("/api/v1/hazmat/vehicles/{}/position", side.vehicle),
            json!({"lat": lat, "lon": lon}),
        ),
        "GET /api/v1/hazmat/responses/{id}" => {
            Req::get(format!("/api/v1/hazmat/responses/{}", side.response))
        }
        "POST /api/v1/hazmat/responses/{id}/steps/{step}" => Req::json(
            Method::POST,
            format!("/api/v1/hazmat/responses/{}/steps/dispatch", side.response),
            json!({"note": "矩阵"}),
        ),
        "POST /api/v1/hazmat/responses/{id}/readings" => Req::json(
            Method::POST,
            format!("/api/v1/hazmat/responses/{}/readings", side.response),
            json!({"lat": lat, "lon": lon, "ppm": 1.0, "source": "handheld"}),
        ),
        "POST /api/v1/hazmat/responses/{id}/close" => Req::json(
            Method::POST,
            format!("/api/v1/hazmat/responses/{}/close", side.response),
            json!({}),
        ),
        "POST /api/v1/hazmat/responses/{id}/alerts" => Req::json(
            Method::POST,
            format!("/api/v1/hazmat/responses/{}/alerts", side.response),
            json!({"msg_type": "Update", "exercise": true}),
        ),
        "GET /api/v1/hazmat/alerts/{id}" => {
            Req::get(format!("/api/v1/hazmat/alerts/{}", side.alert))
        }
        "GET /api/v1/users/{id}"
        | "POST /api/v1/users/{id}/revoke"
        | "POST /api/v1/users/{id}/enable" => {
            let user = match sc {
                Sc::Citizen => fx.citizen2.clone(),
                // A citizen's own record is their account.
                Sc::Own if caller == "citizen" => fx.user_id("citizen")?.to_string(),
                _ => side.user.clone(),
            };
            if route.starts_with("GET") {
                Req::get(format!("/api/v1/users/{user}"))
            } else if route.ends_with("/enable") {
                // The account is not disabled: an allowed caller gets 409 `not_disabled`.
                Req::new(Method::POST, format!("/api/v1/users/{user}/enable"))
            } else {
                Req::json(
                    Method::POST,
                    format!("/api/v1/users/{user}/revoke"),
                    json!({"disable": false}),
                )
            }
        }

        "POST /api/v1/orgs" => Req::json(
            Method::POST,
            "/api/v1/orgs",
            json!({"kind": "station", "code": format!("9{n:05}"), "name_zh": format!("矩阵{n}派出所"),
                "name_en": format!("Matrix {n} Police Station"), "parent": side.district}),
        ),
        "GET /api/v1/orgs/{id}" => Req::get(format!("/api/v1/orgs/{}", side.station)),
        "GET /api/v1/users" => Req::get(format!("/api/v1/users?org={}", side.station)),
        "POST /api/v1/users" => Req::json(
            Method::POST,
            "/api/v1/users",
            json!({"username": format!("mx.new{n}"), "display_name": "新民警", "role": "officer",
                "org": side.station, "password": jingwu_app::DEMO_PASSWORD}),
        ),

        "POST /api/v1/incidents" => Req::json(
            Method::POST,
            "/api/v1/incidents",
            json!({"caller_name": "赵女士", "caller_phone": "13912345678", "lat": lat, "lon": lon,
                "address": "矩阵路2号", "category": "dispute", "subcategory": "neighbour_dispute",
                "priority": "p3", "source": "call_110", "description": "邻里纠纷"}),
        ),
        "GET /api/v1/incidents/{id}" => Req::get(format!("/api/v1/incidents/{}", side.incident)),
        "GET /api/v1/incidents/{id}/plan" => {
            Req::get(format!("/api/v1/incidents/{}/plan", side.incident))
        }
        "GET /api/v1/plans" => Req::get("/api/v1/plans"),
        "POST /api/v1/plans" => {
            // The robbery plan of the side's station, made anew by whoever may.
            clear_plans(t, &side).await;
            Req::json(Method::POST, "/api/v1/plans", robbery_plan(Some(&side.station)))
        }
        "GET /api/v1/plans/{id}" => Req::get(format!("/api/v1/plans/{}", side.plan)),
        "PUT /api/v1/plans/{id}" => Req::json(
            Method::PUT,
            format!("/api/v1/plans/{}", side.plan),
            json!({"name": "矩阵预案", "category": "criminal",
                "slots": [{"kind": "patrol_car", "count": 1}]}),
        ),
        "DELETE /api/v1/plans/{id}" => {
            clear_plans(t, &side).await;
            let admin = t.login("admin").await;
            let r = t.post("/api/v1/plans", &admin, robbery_plan(Some(&side.station))).await;
            assert_eq!(r.status, axum::http::StatusCode::CREATED, "fixture: {}", r.text);
            Req::new(
                Method::DELETE,
                format!("/api/v1/plans/{}", r.body["id"].as_str()?),
            )
        }
        "GET /api/v1/incidents/{id}/recommendations" => Req::get(format!(
            "/api/v1/incidents/{}/recommendations",
            side.incident
        )),
        "GET /api/v1/incidents/{id}/eido" => {
            Req::get(format!("/api/v1/incidents/{}/eido", side.incident))
        }
        "POST /api/v1/incidents/{id}/case" => Req::json(
            Method::POST,
            format!("/api/v1/incidents/{}/case", side.incident),
            json!({"kind": "criminal"}),
        ),
        "GET /api/v1/incidents/{id}/media" => {
            Req::get(format!("/api/v1/incidents/{}/media", side.incident))
        }
        "POST /api/v1/incidents/{id}/media" => {
            let data = jpeg(n);
            Req::json(
                Method::POST,
                format!("/api/v1/incidents/{}/media", side.incident),
                json!({"file_name": "scene.jpg", "content_type": "image/jpeg",
                    "size": data.len(), "sha256": sha_hex(&data)}),
            )
        }
        // Routes that change an incident's state get a fresh incident per run.
        "POST /api/v1/incidents/{id}/dispatch" => {
            let id = fx.fresh_incident(t, sc, false).await;
            Req::json(
                Method::POST,
                format!("/api/v1/incidents/{id}/dispatch"),
                json!({"unit_ids": [side.pool_unit]}),
            )
        }
        "POST /api/v1/incidents/{id}/close" => {
            // With a unit on it that the officer caller crews (own side).
            let id = fx.fresh_incident(t, sc, true).await;
            Req::json(
                Method::POST,
                format!("/api/v1/incidents/{id}/close"),
                json!({"result_code": "01", "result_text": "现场调解完毕"}),
            )
        }
        "POST /api/v1/incidents/{id}/handover" => {
            let id = fx.fresh_incident(t, sc, false).await;
            // Escalation to the callers' bureau, which lies in every caller's jurisdiction.
            Req::json(
                Method::POST,
                format!("/api/v1/incidents/{id}/handover"),
                json!({"to_org": fx.own.district, "reason": "需分局协调"}),
            )
        }
        "POST /api/v1/incidents/{id}/merge" => {
            let id = fx.fresh_incident(t, sc, false).await;
            // Into an open incident of the callers' own jurisdiction.
            Req::json(
                Method::POST,
                format!("/api/v1/incidents/{id}/merge"),
                json!({"into": fx.own.survivor}),
            )
        }

        "GET /api/v1/callers/history" => Req::get("/api/v1/callers/history?phone=13800138000"),
        "POST /api/v1/incidents/{id}/notes" => Req::json(
            Method::POST,
            format!("/api/v1/incidents/{}/notes", side.incident),
            json!({"text": "矩阵测试备注"}),
        ),
        "PATCH /api/v1/incidents/{id}" => {
            let id = fx.fresh_incident(t, sc, false).await;
            Req::json(
                Method::PATCH,
                format!("/api/v1/incidents/{id}"),
                json!({"priority": "p1"}),
            )
        }
        "POST /api/v1/incidents/{id}/sign-for" => {
            let id = fx.fresh_handed_over(t, sc).await;
            Req::new(Method::POST, format!("/api/v1/incidents/{id}/sign-for"))
        }
        "POST /api/v1/incidents/{id}/units/{unit_id}/cancel" => {
            let id = fx.fresh_incident(t, sc, true).await;
            let unit = fx.fresh_unit_of(sc);
            Req::json(
                Method::POST,
                format!("/api/v1/incidents/{id}/units/{unit}/cancel"),
                json!({"reason": "矩阵测试撤回"}),
            )
        }
        "POST /api/v1/incidents/{id}/units/{unit_id}/divert" => {
            let id = fx.fresh_incident(t, sc, true).await;
            // The target without a unit, of the same side; a lender sends its unit on to an
            // incident of its own (a lent incident would get a unit of its own).
            let target_sc = if sc == Sc::Lent { Sc::Own } else { sc };
            let to = fx.fresh_incident(t, target_sc, false).await;
            let unit = fx.fresh_unit_of(sc);
            Req::json(
                Method::POST,
                format!("/api/v1/incidents/{id}/units/{unit}/divert"),
                json!({"to_incident": to, "reason": "矩阵测试改派"}),
            )
        }
        "GET /api/v1/units/{id}" => Req::get(format!("/api/v1/units/{}", side.unit)),
        "GET /api/v1/units/{id}/messages" => {
            Req::get(format!("/api/v1/units/{}/messages", side.unit))
        }
        "GET /api/v1/units/{id}/track" => Req::get(format!("/api/v1/units/{}/track", side.unit)),
        "POST /api/v1/units/{id}/status" => Req::json(
            Method::POST,
            format!("/api/v1/units/{}/status", side.status_unit),
            json!({"status": "busy"}),
        ),
        "POST /api/v1/units/{id}/acknowledge" => Req::json(
            Method::POST,
            format!("/api/v1/units/{}/acknowledge", side.unit),
            json!({"incident_id": side.incident}),
        ),
        "PUT /api/v1/units/{id}/crew" => Req::json(
            Method::PUT,
            format!("/api/v1/units/{}/crew", side.status_unit),
            json!({"crew": ["mx.officer"]}),
        ),
        "POST /api/v1/avl" => Req::json(
            Method::POST,
            "/api/v1/avl",
            json!({"positions": [{"unit_id": side.unit, "at": side.unit_fix_at,
                "lat": lat, "lon": lon, "speed_kmh": 0.0, "heading": 0.0}]}),
        ),
        "GET /api/v1/terminal/ws" => Req {
            hello_unit: Some(side.unit.clone()),
            ..Req::get("/api/v1/terminal/ws")
        },

        "GET /api/v1/stats/incidents" => Req::get(format!(
            "/api/v1/stats/incidents?{period}&org={}",
            side.station
        )),
        "GET /api/v1/stats/incidents.csv" => Req::get(format!(
            "/api/v1/stats/incidents.csv?{period}&org={}",
            side.station
        )),
        "GET /api/v1/stats/compare" => Req::get(format!(
            "/api/v1/stats/compare?a_from=2026-01-01T00:00:00Z&a_to=2026-01-08T00:00:00Z\
             &b_from=2026-01-08T00:00:00Z&b_to=2026-01-15T00:00:00Z&org={}",
            side.station
        )),
        "GET /api/v1/stats/coverage-history" => Req::get(format!(
            "/api/v1/stats/coverage-history?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&org={}",
            side.station
        )),
        "GET /api/v1/coverage" => Req::get(format!("/api/v1/coverage?org={}", side.station)),
        "GET /api/v1/coverage/geojson" => Req::get(format!(
            "/api/v1/coverage/geojson?org={}&seconds=180",
            side.station
        )),
        "GET /api/v1/coverage/areas" => {
            Req::get(format!("/api/v1/coverage/areas?org={}", side.station))
        }
        "GET /api/v1/coverage/alerts" => {
            Req::get(format!("/api/v1/coverage/alerts?org={}", side.station))
        }

        "GET /api/v1/media/uploads/{upload_id}" => {
            Req::get(format!("/api/v1/media/uploads/{}", side.upload))
        }
        "PUT /api/v1/media/uploads/{upload_id}/chunks/{offset}" => {
            // A fresh upload per run: an accepted chunk completes it.
            let data = jpeg(n);
            let upload = fx.fresh_upload(t, sc, &data).await;
            Req {
                body: Body::Raw("application/octet-stream", data.clone()),
                headers: vec![("x-chunk-sha256", sha_hex(&data))],
                ..Req::new(
                    Method::PUT,
                    format!("/api/v1/media/uploads/{upload}/chunks/0"),
                )
            }
        }
        "GET /api/v1/media/{sha256}" => Req::get(format!("/api/v1/media/{}", side.media_sha)),

        "POST /api/v1/layers" => Req::json(
            Method::POST,
            "/api/v1/layers",
            json!({"category": "video", "code": format!("mx_new_{n}"), "name_zh": "新图层",
                "name_en": "New layer", "kind": "pushed", "read_roles": ["dispatcher"],
                "scoped": false, "owner_org_id": side.station}),
        ),
        "GET /api/v1/layers/{id}/features" => {
            Req::get(format!("/api/v1/layers/{}/features", side.layer))
        }
        "POST /api/v1/layers/{id}/features" => Req {
            body: Body::Raw(
                "application/geo+json",
                json!({"type": "FeatureCollection", "features": [{"type": "Feature",
                    "id": format!("mx-import-{n}"),
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {"name": "矩阵摄像头"}}]})
                .to_string()
                .into_bytes(),
            ),
            ..Req::new(
                Method::POST,
                format!("/api/v1/layers/{}/features", side.layer),
            )
        },
        "PUT /api/v1/layers/{id}/features/{external_id}" => Req::json(
            Method::PUT,
            format!("/api/v1/layers/{}/features/mx-push-{n}", side.layer),
            json!({"geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"name": "矩阵卡口"}}),
        ),
        // Traffic and payments (see `traffic.rs` for whose records each scope names).
        "POST /api/v1/traffic/otp" => Req::json(
            Method::POST,
            "/api/v1/traffic/otp",
            json!({"mobile": tf::mobile(50_000 + n), "purpose": "register"}),
        ),
        "POST /api/v1/traffic/citizens" => Req::json(
            Method::POST,
            "/api/v1/traffic/citizens",
            // No code was sent to this number: refused after the checks (422 otp_invalid).
            json!({"real_name": "矩阵丁", "resident_id": tf::resident_id(600 + n),
                "mobile": tf::mobile(60_000 + n), "code": "000000", "password": "matrix-pass-1"}),
        ),
        "GET /api/v1/traffic/me"
        | "GET /api/v1/traffic/codes"
        | "GET /api/v1/traffic/licences"
        | "GET /api/v1/traffic/violations"
        | "GET /api/v1/traffic/vouchers" => Req::get(route.split(' ').nth(1)?),
        "GET /api/v1/traffic/outbox" => {
            Req::get(format!("/api/v1/traffic/outbox?recipient={}", tf::mobile(9001)))
        }
        "POST /api/v1/traffic/licences" => Req::json(
            Method::POST,
            "/api/v1/traffic/licences",
            json!({"resident_id": tf::resident_id(700 + n), "holder_name": "矩阵戊", "class": "C1",
                "first_issued_on": "2016-05-01", "expires_on": "2032-05-01"}),
        ),
        "POST /api/v1/traffic/vehicles" => Req::json(
            Method::POST,
            "/api/v1/traffic/vehicles",
            json!({"plate": tf::plate(7000 + n), "owner_resident_id": tf::resident_id(700 + n),
                "owner_name": "矩阵戊", "model": "矩阵牌轿车", "inspection_due_on": "2031-01-01"}),
        ),
        "POST /api/v1/traffic/violations" => Req::json(
            Method::POST,
            "/api/v1/traffic/violations",
            json!({"plate": fx.traffic.plate(Sc::Own), "code": "10390", "place": "矩阵路口",
                "lat": lat, "lon": lon, "occurred_at": (t.now() - jiff::SignedDuration::from_hours(1)).to_string(),
                "source": "officer"}),
        ),
        "GET /api/v1/traffic/violations/{id}" => Req::get(format!(
            "/api/v1/traffic/violations/{}",
            fx.traffic.violation[traffic::idx(sc)]
        )),
        "POST /api/v1/traffic/violations/{id}/accept" => {
            let v = fx.traffic.fresh_pending(t, sc).await;
            Req::json(Method::POST, format!("/api/v1/traffic/violations/{v}/accept"), json!({}))
        }
        "POST /api/v1/traffic/violations/{id}/revoke" => {
            let v = fx.traffic.fresh_pending(t, sc).await;
            Req::json(
                Method::POST,
                format!("/api/v1/traffic/violations/{v}/revoke"),
                json!({"reason": "号牌识别错误"}),
            )
        }
        "POST /api/v1/traffic/violations/{id}/payments" => {
            let v = fx.traffic.fresh_decided(t, sc).await;
            Req::json(
                Method::POST,
                format!("/api/v1/traffic/violations/{v}/payments"),
                json!({"channel": "sandbox"}),
            )
        }
        "POST /api/v1/traffic/quizzes" => Req::new(Method::POST, "/api/v1/traffic/quizzes"),
        "POST /api/v1/traffic/quizzes/{id}/answers" => {
            let q = fx.traffic.fresh_quiz(t, sc).await;
            Req::json(
                Method::POST,
                format!("/api/v1/traffic/quizzes/{q}/answers"),
                json!({"answers": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]}),
            )
        }
        "POST /api/v1/traffic/vouchers/{id}/apply" => Req::json(
            Method::POST,
            // The demo runs the order163 profile: no vouchers exist.
            "/api/v1/traffic/vouchers/no-such-voucher/apply",
            json!({"violation_id": fx.traffic.violation[0]}),
        ),
        "GET /api/v1/payments/orders/{id}" => Req::get(format!(
            "/api/v1/payments/orders/{}",
            fx.traffic.order[traffic::idx(sc)]
        )),
        "GET /api/v1/payments/orders/{id}/checkout" => Req::get(format!(
            "/api/v1/payments/orders/{}/checkout",
            fx.traffic.order[traffic::idx(sc)]
        )),
        "POST /api/v1/payments/notify/{channel}" => Req {
            // A forgery: refused after the signature check (422), whoever sends it.
            body: Body::Raw(
                "application/x-www-form-urlencoded",
                format!("out_trade_no={}&trade_no=FORGED{n}&total_amount=1.00&trade_status=TRADE_SUCCESS&sign=Zm9yZ2Vk",
                    fx.traffic.order[0]).into_bytes(),
            ),
            ..Req::new(Method::POST, "/api/v1/payments/notify/sandbox")
        },
        // Refunds of orders paid to the caller's subtree, for admins and the clerks of the
        // subject's system.
        "GET /api/v1/payments/refunds" => Req::get("/api/v1/payments/refunds"),
        "POST /api/v1/payments/sandbox/gateway" => Req {
            // Not signed by the merchant: answered 200 with the channel's signed refusal.
            body: Body::Raw(
                "application/x-www-form-urlencoded",
                format!("app_id=matrix&method=alipay.trade.refund&biz_content=%7B%7D&sign=Zm9yZ2Vk{n}")
                    .into_bytes(),
            ),
            ..Req::new(Method::POST, "/api/v1/payments/sandbox/gateway")
        },
        "GET /api/v1/traffic/messages"
        | "GET /api/v1/traffic/road-events.geojson"
        | "GET /api/v1/traffic/road-events/cifs.json"
        | "GET /api/v1/traffic/accidents" => Req::get(route.split(' ').nth(1)?),
        "POST /api/v1/traffic/messages" => Req::json(
            Method::POST,
            "/api/v1/traffic/messages",
            json!({"kind": "tip", "subject": "矩阵举报", "body": "路口有车辆违停"}),
        ),
        // Citizens write to the city bureau: only city-level staff answer (the callers sit
        // in Haishu, so the message is hidden from them).
        "POST /api/v1/traffic/messages/{id}/reply" => {
            let m = fx.traffic.fresh_message(t).await;
            Req::json(
                Method::POST,
                format!("/api/v1/traffic/messages/{m}/reply"),
                json!({"reply": "已转交辖区大队处理"}),
            )
        }
        "POST /api/v1/traffic/road-events" => Req::json(
            Method::POST,
            "/api/v1/traffic/road-events",
            json!({"kind": "control", "street": "矩阵大道", "description": "马拉松交通管制",
                "line": format!("{lat} {lon}")}),
        ),
        "POST /api/v1/traffic/road-events/{id}/withdraw" => {
            let e = fx.traffic.fresh_road_event(t, sc).await;
            Req::new(Method::POST, format!("/api/v1/traffic/road-events/{e}/withdraw"))
        }
        "POST /api/v1/traffic/accidents" => Req::json(
            Method::POST,
            "/api/v1/traffic/accidents",
            // Someone was hurt: refused after the checks (409 settlement_refused).
            json!({"occurred_at": (t.now() - jiff::SignedDuration::from_mins(10)).to_string(),
                "place": "矩阵路口", "lat": lat, "lon": lon, "my_plate": tf::plate(9001),
                "other_mobile": tf::mobile(9002), "other_plate": tf::plate(9002),
                "facts": {"injured": true, "parties_agree": true, "all_plated": true,
                    "hazmat": false, "hit_structure": false, "all_licensed": true,
                    "impaired": false, "all_movable": true},
                "account": "追尾", "my_liability": "full"}),
        ),
        "POST /api/v1/traffic/accidents/{id}/confirm" => {
            let a = fx.traffic.fresh_accident(t, false).await;
            Req::json(
                Method::POST,
                format!("/api/v1/traffic/accidents/{a}/confirm"),
                json!({"agree": true}),
            )
        }
        "POST /api/v1/traffic/accidents/{id}/liability" => {
            let a = fx.traffic.fresh_accident(t, true).await;
            Req::json(
                Method::POST,
                format!("/api/v1/traffic/accidents/{a}/liability"),
                json!({"liability_a": "main", "liability_b": "minor"}),
            )
        }
        "GET /api/v1/traffic/plates/candidates" | "GET /api/v1/traffic/applications" => {
            Req::get(route.split(' ').nth(1)?)
        }
        "POST /api/v1/traffic/applications" => Req::json(
            Method::POST,
            "/api/v1/traffic/applications",
            json!({"service": "contact_change", "materials": ["id_card"],
                "details": {"new_mobile": "13900007777"}}),
        ),
        // Applications go to the city office: the Haishu callers do not see them.
        "POST /api/v1/traffic/applications/{id}/review" => {
            let a = fx.traffic.fresh_application(t, Sc::Own).await;
            Req::json(
                Method::POST,
                format!("/api/v1/traffic/applications/{a}/review"),
                json!({"action": "accept"}),
            )
        }
        "GET /api/v1/traffic/applications/{id}" => {
            let a = fx.traffic.fresh_application(t, sc).await;
            Req::get(format!("/api/v1/traffic/applications/{a}"))
        }
        "POST /api/v1/traffic/applications/{id}/withdraw"
        | "POST /api/v1/traffic/applications/{id}/resubmit" => {
            let a = fx.traffic.fresh_application(t, sc).await;
            Req::new(Method::POST, route.split(' ').nth(1)?.replace("{id}", &a))
        }
        "POST /api/v1/traffic/applications/{id}/payments" => {
            let a = fx.traffic.fresh_application(t, sc).await;
            Req::json(
                Method::POST,
                format!("/api/v1/traffic/applications/{a}/payments"),
                json!({"channel": "sandbox"}),
            )
        }
        r if r.contains("/api/v1/permits/") => return permits(t, fx, route, caller, sc).await,
        r if r.contains("/api/v1/command/setup/") => {
            return super::setup::request(t, fx, route, sc).await;
        }
        r if r.contains("/api/v1/cases/evidence") || r.contains("/api/v1/cases/inventories") => {
            return super::evidence::request(t, fx, route, sc).await;
        }
        r if r.contains("/api/v1/cases/area")
            || r.contains("/api/v1/cases/clocks/")
            || r.contains("/api/v1/cases/extensions")
            || r.contains("/api/v1/cases/alerts") =>
        {
            return area(t, fx, route, sc).await;
        }
        r if r.starts_with("GET /api/v1/cases") || r.contains(" /api/v1/cases") => {
            return cases(t, fx, route, sc);
        }
        "GET /api/v1/incidents/{id}/timers" => {
            Req::get(format!("/api/v1/incidents/{}/timers", side.incident))
        }
        "GET /api/v1/incidents/{id}/linkage" => {
            Req::get(format!("/api/v1/incidents/{}/linkage", side.incident))
        }
        "POST /api/v1/incidents/{id}/linkage" => Req::json(
            Method::POST,
            format!("/api/v1/incidents/{}/linkage", side.incident),
            json!({"agency": fx.timers.own_agency, "note": "矩阵联动"}),
        ),
        "GET /api/v1/timer-alerts" => Req::get("/api/v1/timer-alerts?open=true"),
        "POST /api/v1/timer-alerts/{id}/acknowledge" => Req::json(
            Method::POST,
            format!("/api/v1/timer-alerts/{}/acknowledge", fx.timers.alert(sc)),
            json!({}),
        ),
        "GET /api/v1/orgs/{id}/timer-limits" => {
            Req::get(format!("/api/v1/orgs/{}/timer-limits", side.station))
        }
        "PUT /api/v1/orgs/{id}/timer-limits" => Req::json(
            Method::PUT,
            format!("/api/v1/orgs/{}/timer-limits", side.station),
            json!({"acknowledge_s": 30, "arrival_p1_s": 300, "arrival_p2_s": 600,
                "arrival_p3_s": 1200, "arrival_p4_s": 3600, "on_scene_s": 1800,
                "handover_s": 180, "escalate_after_s": 90}),
        ),
        "GET /api/v1/linkage/agencies" => Req::get("/api/v1/linkage/agencies"),
        "POST /api/v1/linkage/agencies" => Req::json(
            Method::POST,
            "/api/v1/linkage/agencies",
            json!({"code": format!("mx-{n}"), "kind": "fire", "name": "矩阵119",
                "endpoint_url": "http://127.0.0.1:9/eido", "secret": "matrix-shared-secret"}),
        ),
        "PUT /api/v1/linkage/agencies/{code}" => Req::json(
            Method::PUT,
            format!("/api/v1/linkage/agencies/{}", fx.timers.agency(sc)),
            json!({"kind": "ambulance", "name": "矩阵120", "endpoint_url": "http://127.0.0.1:9/eido",
                "secret": "matrix-shared-secret", "enabled": true}),
        ),
        // Unsigned: every caller is refused alike (no sign-in is asked).
        "POST /api/v1/linkage/{agency}/ack" => Req::json(
            Method::POST,
            format!("/api/v1/linkage/{}/ack", fx.timers.own_agency),
            json!({"reference": "none"}),
        ),
        "POST /api/v1/payments/sandbox/pay" => Req::json(
            Method::POST,
            "/api/v1/payments/sandbox/pay",
            json!({"request": {"app_id": "not-the-sandbox"}}),
        ),
        _ => return None,
    })
}

/// The requests of the approval window's routes.
async fn permits(t: &TestApp, fx: &mut Fixture, route: &str, caller: &str, sc: Sc) -> Option<Req> {
    use super::permits::{ITEM, item_body, office_body};
    let path = route.split(' ').nth(1)?;
    let admin = t.login("admin").await;
    let office = fx.permits.office(sc).to_owned();
    let n = fx.next();
    Some(match route {
        "GET /api/v1/permits/codes"
        | "GET /api/v1/permits/items"
        | "GET /api/v1/permits/holidays"
        | "GET /api/v1/permits/offices"
        | "GET /api/v1/permits/appointments"
        | "GET /api/v1/permits/applications" => Req::get(path),
        "GET /api/v1/permits/stats" => {
            Req::get("/api/v1/permits/stats?from=2026-01-01&to=2030-12-31")
        }
        "GET /api/v1/permits/items/{code}" => Req::get(format!("/api/v1/permits/items/{ITEM}")),
        "PUT /api/v1/permits/items/{code}" => Req::json(
            Method::PUT,
            format!("/api/v1/permits/items/MX-{:03}", 100 + n % 900),
            item_body(),
        ),
        "PUT /api/v1/permits/holidays/{date}" => Req::json(
            Method::PUT,
            "/api/v1/permits/holidays/2031-05-01",
            json!({"kind": "holiday", "name": "矩阵假日"}),
        ),
        "DELETE /api/v1/permits/holidays/{date}" => {
            t.put(
                "/api/v1/permits/holidays/2031-05-02",
                &admin,
                json!({"kind": "holiday", "name": "矩阵假日"}),
            )
            .await;
            Req::new(Method::DELETE, "/api/v1/permits/holidays/2031-05-02")
        }
        "POST /api/v1/permits/offices" => {
            Req::json(Method::POST, path, office_body(&fx.side(sc).station))
        }
        "GET /api/v1/permits/offices/{id}"
        | "GET /api/v1/permits/offices/{id}/board"
        | "GET /api/v1/permits/offices/{id}/board/events"
        | "GET /api/v1/permits/offices/{id}/queue" => Req::get(path.replace("{id}", &office)),
        "GET /api/v1/permits/offices/{id}/slots" => Req::get(format!(
            "/api/v1/permits/offices/{office}/slots?item={ITEM}"
        )),
        "GET /api/v1/permits/offices/{id}/appointments" => Req::get(format!(
            "/api/v1/permits/offices/{office}/appointments?date=2030-01-02"
        )),
        "PUT /api/v1/permits/offices/{id}" => {
            let mut body = office_body(&fx.side(sc).station);
            let all_day = json!({"opens": "00:00", "closes": "24:00", "breaks": []});
            body["week"] = json!([
                all_day, all_day, all_day, all_day, all_day, all_day, all_day
            ]);
            body["slot_capacity"] = json!(400);
            body["green_reserved"] = json!(50);
            body["min_notice_minutes"] = json!(0);
            body["horizon_days"] = json!(14);
            Req::json(
                Method::PUT,
                format!("/api/v1/permits/offices/{office}"),
                body,
            )
        }
        "POST /api/v1/permits/offices/{id}/windows" => Req::json(
            Method::POST,
            format!("/api/v1/permits/offices/{office}/windows"),
            json!({"number": format!("M{n}"), "items": [ITEM]}),
        ),
        "PUT /api/v1/permits/offices/{id}/windows/{window_id}" => {
            let w = fx.permits.window(sc).to_owned();
            Req::json(
                Method::PUT,
                format!("/api/v1/permits/offices/{office}/windows/{w}"),
                json!({"number": "1", "items": [ITEM], "open": true}),
            )
        }
        "PUT /api/v1/permits/offices/{id}/exceptions/{date}" => Req::json(
            Method::PUT,
            format!("/api/v1/permits/offices/{office}/exceptions/2031-06-01"),
            json!({"plan": null, "reason": "矩阵闭馆"}),
        ),
        "DELETE /api/v1/permits/offices/{id}/exceptions/{date}" => {
            t.put(
                &format!("/api/v1/permits/offices/{office}/exceptions/2031-06-02"),
                &admin,
                json!({"plan": null, "reason": "矩阵闭馆"}),
            )
            .await;
            Req::new(
                Method::DELETE,
                format!("/api/v1/permits/offices/{office}/exceptions/2031-06-02"),
            )
        }
        "POST /api/v1/permits/offices/{id}/tickets" => Req::json(
            Method::POST,
            format!("/api/v1/permits/offices/{office}/tickets"),
            json!({"item_code": ITEM, "name": "矩阵"}),
        ),
        "POST /api/v1/permits/windows/{window_id}/call-next" => {
            fx.permits.fresh_ticket(t, sc, false).await;
            Req::new(
                Method::POST,
                format!(
                    "/api/v1/permits/windows/{}/call-next",
                    fx.permits.window(sc)
                ),
            )
        }
        "POST /api/v1/permits/tickets/{id}/{action}" => {
            let k = fx.permits.fresh_ticket(t, sc, true).await;
            Req::new(Method::POST, format!("/api/v1/permits/tickets/{k}/recall"))
        }
        "POST /api/v1/permits/tickets/{id}/transfer" => {
            let k = fx.permits.fresh_ticket(t, sc, true).await;
            Req::json(
                Method::POST,
                format!("/api/v1/permits/tickets/{k}/transfer"),
                json!({"item_code": ITEM}),
            )
        }
        "POST /api/v1/permits/appointments" => {
            let body = fx.permits.booking(t, caller, n).await;
            Req::json(Method::POST, path, body)
        }
        "GET /api/v1/permits/appointments/{id}"
        | "POST /api/v1/permits/appointments/{id}/cancel"
        | "POST /api/v1/permits/appointments/{id}/check-in"
        | "POST /api/v1/permits/appointments/{id}/confirm" => {
            let hold = route.ends_with("/confirm");
            let a = fx.permits.fresh_appointment(t, &fx.traffic, sc, hold).await;
            let req = Req::new(
                if route.starts_with("GET") {
                    Method::GET
                } else {
                    Method::POST
                },
                path.replace("{id}", &a),
            );
            if route.starts_with("GET") {
                req
            } else {
                Req {
                    body: Body::Json(json!({})),
                    ..req
                }
            }
        }
        "POST /api/v1/permits/appointments/{id}/reschedule" => {
            let a = fx
                .permits
                .fresh_appointment(t, &fx.traffic, sc, false)
                .await;
            let today =
                jingwu_core::calendar::local_date(jingwu_core::timestamp_to_micros(t.now()));
            let slots =
                jingwu_testkit::fixtures::permits::slots(t, &office, ITEM, &today.to_string(), 2)
                    .await;
            let to = slots[3]["starts_at"].clone();
            Req::json(
                Method::POST,
                format!("/api/v1/permits/appointments/{a}/reschedule"),
                json!({"slot_start": to}),
            )
        }
        "POST /api/v1/permits/applications" => Req::json(
            Method::POST,
            path,
            json!({"item_code": ITEM, "office_id": fx.permits.office(Sc::Own), "details": {}}),
        ),
        "GET /api/v1/permits/applications/{id}"
        | "GET /api/v1/permits/applications/{id}/materials/{code}"
        | "POST /api/v1/permits/applications/{id}/submit"
        | "POST /api/v1/permits/applications/{id}/withdraw" => {
            let a = fx
                .permits
                .fresh_application(t, &fx.traffic, sc, false)
                .await;
            let uri = path.replace("{id}", &a).replace("{code}", "id_card");
            if route.starts_with("GET") {
                Req::get(uri)
            } else {
                Req::json(Method::POST, uri, json!({}))
            }
        }
        "PUT /api/v1/permits/applications/{id}" => {
            let a = fx
                .permits
                .fresh_application(t, &fx.traffic, sc, false)
                .await;
            Req::json(
                Method::PUT,
                format!("/api/v1/permits/applications/{a}"),
                json!({"details": {"name": "矩阵"}}),
            )
        }
        "PUT /api/v1/permits/applications/{id}/materials/{code}" => {
            let a = fx
                .permits
                .fresh_application(t, &fx.traffic, sc, false)
                .await;
            Req {
                body: Body::Raw(
                    "application/octet-stream",
                    jingwu_testkit::fixtures::permits::PNG.to_vec(),
                ),
                ..Req::new(
                    Method::PUT,
                    format!("/api/v1/permits/applications/{a}/materials/photo"),
                )
            }
        }
        "POST /api/v1/permits/applications/{id}/review" => {
            let a = fx.permits.fresh_application(t, &fx.traffic, sc, true).await;
            Req::json(
                Method::POST,
                format!("/api/v1/permits/applications/{a}/review"),
                json!({"action": "accept"}),
            )
        }
        "POST /api/v1/permits/applications/{id}/payments" => {
            let a = fx.permits.fresh_application(t, &fx.traffic, sc, true).await;
            Req::json(
                Method::POST,
                format!("/api/v1/permits/applications/{a}/payments"),
                json!({"channel": "sandbox"}),
            )
        }
        _ => return None,
    })
}

/// The requests of the case-file routes.
fn cases(t: &TestApp, fx: &mut Fixture, route: &str, sc: Sc) -> Option<Req> {
    let n = fx.next();
    Some(match route {
        "GET /api/v1/cases/codes"
        | "GET /api/v1/cases/limits"
        | "GET /api/v1/cases/supervision" => Req::get(route.split(' ').nth(1)?),
        "PUT /api/v1/cases/limits/{code}" => Req::json(
            Method::PUT,
            "/api/v1/cases/limits/detention_handover",
            super::cases::limit_body(),
        ),
        "GET /api/v1/cases" => match fx.cases.station(sc) {
            None => Req::get("/api/v1/cases"),
            Some(org) => Req::get(format!("/api/v1/cases?org={org}")),
        },
        "POST /api/v1/cases" => {
            let mut body = jingwu_testkit::fixtures::cases::new_case("administrative");
            if let Some(org) = fx.cases.station(sc) {
                body["org_id"] = json!(org);
            }
            Req::json(Method::POST, "/api/v1/cases", body)
        }
        "GET /api/v1/cases/{id}"
        | "POST /api/v1/cases/{id}/parties"
        | "POST /api/v1/cases/{id}/steps"
        | "GET /api/v1/cases/{id}/documents/{sha256}"
        | "POST /api/v1/cases/{id}/deadlines"
        | "POST /api/v1/cases/{id}/deadlines/{deadline_id}/met"
        | "POST /api/v1/cases/{id}/status"
        | "POST /api/v1/cases/{id}/comments" => {
            let uri = route
                .split(' ')
                .nth(1)?
                .replace("{id}", fx.cases.case(sc))
                .replace("{sha256}", fx.cases.document(sc))
                .replace("{deadline_id}", fx.cases.deadline(sc));
            let body = match route {
                "POST /api/v1/cases/{id}/parties" => {
                    jingwu_testkit::fixtures::cases::party_body("witness", 30_000 + n)
                }
                "POST /api/v1/cases/{id}/steps" => json!({"kind": "questioning", "note": "矩阵"}),
                "POST /api/v1/cases/{id}/deadlines" => {
                    json!({"limit_code": "detention_handover", "started_at": t.now().to_string()})
                }
                "POST /api/v1/cases/{id}/status" => json!({"to": "filed"}),
                "POST /api/v1/cases/{id}/comments" => {
                    json!({"kind": "comment", "text": "矩阵意见"})
                }
                _ => json!({}),
            };
            match super::cases::method(route) {
                Method::GET => Req::get(uri),
                m => Req::json(m, uri, body),
            }
        }
        "POST /api/v1/cases/{id}/steps/document" => Req {
            body: Body::Raw(
                "application/octet-stream",
                jingwu_testkit::fixtures::cases::pdf(40_000 + n),
            ),
            ..Req::new(
                Method::POST,
                format!(
                    "/api/v1/cases/{}/steps/document?kind=questioning",
                    fx.cases.case(sc)
                ),
            )
        },
        "POST /api/v1/cases/comments/{id}/resolve" => Req::json(
            Method::POST,
            format!("/api/v1/cases/comments/{}/resolve", fx.cases.correction(sc)),
            json!({"resolution": "矩阵已整改"}),
        ),
        _ => return None,
    })
}

/// The requests of the handling area's and the legal clocks' routes.
async fn area(t: &TestApp, fx: &mut Fixture, route: &str, sc: Sc) -> Option<Req> {
    let path = route.split(' ').nth(1)?;
    let station = fx.side(sc).station.clone();
    let n = fx.next();
    let custody = fx.area.custody(sc).to_owned();
    Some(match route {
        "GET /api/v1/cases/area/rooms"
        | "GET /api/v1/cases/area"
        | "GET /api/v1/cases/area/events"
        | "GET /api/v1/cases/extensions"
        | "GET /api/v1/cases/alerts" => Req::get(path),
        "POST /api/v1/cases/area" => {
            let person = fx.area.next_person();
            Req::json(
                Method::POST,
                path,
                super::area::bring_in_body(person, &t.now().to_string()),
            )
        }
        "POST /api/v1/cases/area/rooms" => Req::json(
            Method::POST,
            path,
            json!({"org_id": station, "code": format!("MR{n}"), "name": "矩阵功能室", "kind": "questioning"}),
        ),
        "PUT /api/v1/cases/area/rooms/{id}" => Req::json(
            Method::PUT,
            path.replace("{id}", fx.area.room(sc)),
            json!({"org_id": station, "code": format!("MX{}", usize::from(sc == Sc::Other)),
                "name": "矩阵候问室", "kind": "waiting"}),
        ),
        "GET /api/v1/cases/area/{id}" => Req::get(path.replace("{id}", &custody)),
        "POST /api/v1/cases/area/{id}/events" => Req::json(
            Method::POST,
            path.replace("{id}", &custody),
            json!({"kind": "safety_check", "note": "矩阵"}),
        ),
        "POST /api/v1/cases/area/{id}/belongings" => Req::json(
            Method::POST,
            path.replace("{id}", &custody),
            json!({"items": [{"description": "矩阵物品", "quantity": 1}]}),
        ),
        "POST /api/v1/cases/area/{id}/measures" => Req::json(
            Method::POST,
            path.replace("{id}", &custody),
            json!({"limit_code": "criminal_summons"}),
        ),
        "POST /api/v1/cases/area/{id}/exit" => {
            let c = fx.area.fresh_custody(t, sc).await;
            Req::json(
                Method::POST,
                path.replace("{id}", &c),
                json!({"outcome": "released"}),
            )
        }
        "GET /api/v1/cases/clocks/{kind}/{id}" => Req::get(
            path.replace("{kind}", "measure")
                .replace("{id}", fx.area.measure(sc)),
        ),
        "POST /api/v1/cases/clocks/{kind}/{id}/extensions" => Req::json(
            Method::POST,
            path.replace("{kind}", "measure")
                .replace("{id}", fx.area.measure(sc)),
            json!({"minutes": 30, "reason": "矩阵测试"}),
        ),
        "POST /api/v1/cases/extensions/{id}/decision" => {
            let e = fx.area.fresh_extension(t, sc).await;
            Req::json(
                Method::POST,
                path.replace("{id}", &e),
                json!({"approve": false, "note": "矩阵测试"}),
            )
        }
        _ => return None,
    })
}

fn robbery_plan(org: Option<&str>) -> Value {
    json!({"name": "矩阵抢劫预案", "category": "criminal", "subcategory": "robbery",
        "org_id": org, "slots": [{"kind": "armed_patrol_team", "count": 1}],
        "agencies": ["ambulance_120"]})
}

/// Removes the side's plans other than its standing one (as the city admin), so that a
/// request creating one is decided by access alone.
async fn clear_plans(t: &TestApp, side: &super::fixture::Side) {
    let admin = t.login("admin").await;
    let plans = t.get("/api/v1/plans", &admin).await.body;
    for p in plans.as_array().into_iter().flatten() {
        let id = p["id"].as_str().unwrap_or_default();
        if p["org_id"] == side.station.as_str() && id != side.plan {
            let r = t.delete(&format!("/api/v1/plans/{id}"), &admin).await;
            assert!(r.status.is_success(), "fixture: {}", r.text);
        }
    }
}
