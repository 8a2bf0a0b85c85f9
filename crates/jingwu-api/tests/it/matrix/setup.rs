//! The requests of the 110 setup routes (`/api/v1/command/setup/…`). Each side's objects are
//! its station (a district for the site route, so that no station moves and incidents keep
//! their owners); routes that change or remove an object get a fresh one, made by the city
//! admin, so that runs do not depend on each other.

use axum::http::Method;
use serde_json::{Value, json};

use super::fixture::{Fixture, Sc};
use super::requests::{Body, Req};
use crate::support::TestApp;

const NONE: &[Sc] = &[Sc::None];
const OBJECT: &[Sc] = &[Sc::Own, Sc::Other];

/// The scopes of the setup routes.
pub fn scopes(route: &str) -> Option<&'static [Sc]> {
    Some(match route {
        "GET /api/v1/command/setup/sites"
        | "GET /api/v1/command/setup/posts"
        | "GET /api/v1/command/setup/units"
        | "GET /api/v1/command/setup/shifts"
        | "GET /api/v1/command/setup/key-sites"
        | "GET /api/v1/command/setup/sources"
        | "POST /api/v1/command/setup/import/{kind}" => NONE,
        "PUT /api/v1/command/setup/sites/{org}"
        | "POST /api/v1/command/setup/posts"
        | "PUT /api/v1/command/setup/posts/{id}"
        | "DELETE /api/v1/command/setup/posts/{id}"
        | "POST /api/v1/command/setup/units"
        | "PUT /api/v1/command/setup/units/{id}"
        | "POST /api/v1/command/setup/units/{id}/retire"
        | "POST /api/v1/command/setup/shifts"
        | "DELETE /api/v1/command/setup/shifts/{id}"
        | "POST /api/v1/command/setup/key-sites"
        | "PUT /api/v1/command/setup/key-sites/{id}"
        | "DELETE /api/v1/command/setup/key-sites/{id}"
        | "POST /api/v1/command/setup/sources"
        | "PUT /api/v1/command/setup/sources/{id}"
        | "DELETE /api/v1/command/setup/sources/{id}" => OBJECT,
        _ => return None,
    })
}

/// Makes an object as the city admin; returns its id.
async fn made(t: &TestApp, path: &str, body: Value) -> String {
    let admin = t.login("admin").await;
    let r = t.post(path, &admin, body).await;
    assert!(
        r.status.is_success(),
        "fixture: POST {path}: {} {}",
        r.status,
        r.text
    );
    r.body["id"].as_str().expect("an id").to_owned()
}

fn unit_body(n: u32, station: &str) -> Value {
    json!({"call_sign": format!("矩阵{n}"), "kind": "patrol_car", "org": station})
}

fn post_body(n: u32, station: &str, (lat, lon): (f64, f64)) -> Value {
    json!({"org": station, "name": format!("矩阵岗亭{n}"), "lat": lat, "lon": lon})
}

fn key_site_body(n: u32, station: &str, (lat, lon): (f64, f64)) -> Value {
    json!({"org": station, "kind": "school", "name_zh": format!("矩阵中学{n}"),
        "name_en": format!("Matrix school {n}"), "lat": lat, "lon": lon, "target_secs": 60})
}

fn source_body(n: u32, station: &str, (lat, lon): (f64, f64)) -> Value {
    json!({"layer": "cctv_public_security", "code": format!("MX-C{n}"),
        "name": format!("矩阵摄像机{n}"), "lat": lat, "lon": lon,
        "url": format!("rtsp://vms.matrix.invalid/live/{n}"), "org": station})
}

/// A shift far from the fixture's clock, so that no unit goes on duty.
fn shift_body(unit: &str, n: u32) -> Value {
    let day = 1 + n % 27;
    json!({"unit_id": unit, "starts_at": format!("2030-01-{day:02}T00:00:00Z"),
        "ends_at": format!("2030-01-{day:02}T08:00:00Z")})
}

pub async fn request(t: &TestApp, fx: &mut Fixture, route: &str, sc: Sc) -> Option<Req> {
    let side = fx.side(sc).clone();
    let n = fx.next();
    let json_req = |method: Method, uri: String, body: Value| Req {
        body: Body::Json(body),
        ..Req::new(method, uri)
    };
    Some(match route {
        "GET /api/v1/command/setup/sites"
        | "GET /api/v1/command/setup/posts"
        | "GET /api/v1/command/setup/units"
        | "GET /api/v1/command/setup/shifts"
        | "GET /api/v1/command/setup/key-sites"
        | "GET /api/v1/command/setup/sources" => Req::new(Method::GET, route.split(' ').nth(1)?),
        "POST /api/v1/command/setup/import/{kind}" => Req {
            body: Body::Raw(
                "text/csv",
                format!(
                    "call_sign,kind,org_code\n矩阵导入{n},patrol_car,{}\n",
                    side.station
                )
                .into_bytes(),
            ),
            ..Req::new(
                Method::POST,
                "/api/v1/command/setup/import/units?dry_run=true",
            )
        },
        "PUT /api/v1/command/setup/sites/{org}" => json_req(
            Method::PUT,
            format!("/api/v1/command/setup/sites/{}", side.district),
            json!({"lat": side.pos.0, "lon": side.pos.1, "address": "矩阵分局机关"}),
        ),
        "POST /api/v1/command/setup/posts" => json_req(
            Method::POST,
            "/api/v1/command/setup/posts".into(),
            post_body(n, &side.station, side.pos),
        ),
        "PUT /api/v1/command/setup/posts/{id}" | "DELETE /api/v1/command/setup/posts/{id}" => {
            let id = made(
                t,
                "/api/v1/command/setup/posts",
                post_body(n, &side.station, side.pos),
            )
            .await;
            let uri = format!("/api/v1/command/setup/posts/{id}");
            if route.starts_with("PUT") {
                json_req(
                    Method::PUT,
                    uri,
                    json!({"name": format!("矩阵岗亭{n}b"), "lat": side.pos.0, "lon": side.pos.1}),
                )
            } else {
                Req::new(Method::DELETE, uri)
            }
        }
        "POST /api/v1/command/setup/units" => json_req(
            Method::POST,
            "/api/v1/command/setup/units".into(),
            unit_body(n, &side.station),
        ),
        "PUT /api/v1/command/setup/units/{id}" | "POST /api/v1/command/setup/units/{id}/retire" => {
            let id = made(
                t,
                "/api/v1/command/setup/units",
                unit_body(n, &side.station),
            )
            .await;
            if route.starts_with("PUT") {
                let mut body = unit_body(n, &side.station);
                body["equipment"] = json!(["shield"]);
                json_req(
                    Method::PUT,
                    format!("/api/v1/command/setup/units/{id}"),
                    body,
                )
            } else {
                Req::new(
                    Method::POST,
                    format!("/api/v1/command/setup/units/{id}/retire"),
                )
            }
        }
        "POST /api/v1/command/setup/shifts" => {
            let unit = made(
                t,
                "/api/v1/command/setup/units",
                unit_body(n, &side.station),
            )
            .await;
            json_req(
                Method::POST,
                "/api/v1/command/setup/shifts".into(),
                shift_body(&unit, n),
            )
        }
        "DELETE /api/v1/command/setup/shifts/{id}" => {
            let unit = made(
                t,
                "/api/v1/command/setup/units",
                unit_body(n, &side.station),
            )
            .await;
            let id = made(t, "/api/v1/command/setup/shifts", shift_body(&unit, n)).await;
            Req::new(Method::DELETE, format!("/api/v1/command/setup/shifts/{id}"))
        }
        "POST /api/v1/command/setup/key-sites" => json_req(
            Method::POST,
            "/api/v1/command/setup/key-sites".into(),
            key_site_body(n, &side.station, side.pos),
        ),
        "PUT /api/v1/command/setup/key-sites/{id}"
        | "DELETE /api/v1/command/setup/key-sites/{id}" => {
            let id = made(
                t,
                "/api/v1/command/setup/key-sites",
                key_site_body(n, &side.station, side.pos),
            )
            .await;
            let uri = format!("/api/v1/command/setup/key-sites/{id}");
            if route.starts_with("PUT") {
                let mut body = key_site_body(n, &side.station, side.pos);
                body["target_secs"] = json!(180);
                json_req(Method::PUT, uri, body)
            } else {
                Req::new(Method::DELETE, uri)
            }
        }
        "POST /api/v1/command/setup/sources" => json_req(
            Method::POST,
            "/api/v1/command/setup/sources".into(),
            source_body(n, &side.station, side.pos),
        ),
        "PUT /api/v1/command/setup/sources/{id}" | "DELETE /api/v1/command/setup/sources/{id}" => {
            let id = made(
                t,
                "/api/v1/command/setup/sources",
                source_body(n, &side.station, side.pos),
            )
            .await;
            let uri = format!("/api/v1/command/setup/sources/{id}");
            if route.starts_with("PUT") {
                let mut body = source_body(n, &side.station, side.pos);
                body["url"] = json!(format!("https://vms.matrix.invalid/play/{n}"));
                json_req(Method::PUT, uri, body)
            } else {
                Req::new(Method::DELETE, uri)
            }
        }
        _ => return None,
    })
}
