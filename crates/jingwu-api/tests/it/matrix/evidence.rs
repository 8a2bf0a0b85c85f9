//! The evidence objects the matrix names, and the requests of the evidence and inventory
//! routes. Each side has a property store (own: the Haishu bureau, the callers' unit; other:
//! Jiangbei) with a keeper who takes items in (so the custodian caller stays outside the chain
//! of custody and may audit), two locations, a case filed by a handler of the side's station
//! (own Gulou, other Baisha), a physical and a digital item, and a full count by the side's auditor (own: the custodian caller). Routes
//! that consume an object (a movement, closing a count) get a fresh one.

use axum::http::Method;
use jingwu_testkit::fixtures::evidence as ev;
use jingwu_testkit::fixtures::foundation;
use serde_json::{Value, json};

use super::fixture::{Fixture, Sc};
use super::requests::{Body, Req};
use crate::support::TestApp;

const NONE: &[Sc] = &[Sc::None];
const OBJECT: &[Sc] = &[Sc::Own, Sc::Other];

/// The scopes of the evidence routes.
pub fn scopes(route: &str) -> Option<&'static [Sc]> {
    Some(match route {
        "GET /api/v1/cases/evidence/locations"
        | "POST /api/v1/cases/evidence/locations"
        | "GET /api/v1/cases/evidence"
        | "POST /api/v1/cases/evidence"
        | "POST /api/v1/cases/evidence/digital"
        | "GET /api/v1/cases/evidence/review"
        | "GET /api/v1/cases/inventories"
        | "POST /api/v1/cases/inventories" => NONE,
        "GET /api/v1/cases/evidence/barcode/{barcode}"
        | "GET /api/v1/cases/evidence/{id}"
        | "POST /api/v1/cases/evidence/{id}/movements"
        | "GET /api/v1/cases/evidence/{id}/content"
        | "GET /api/v1/cases/inventories/{id}"
        | "POST /api/v1/cases/inventories/{id}/scans"
        | "POST /api/v1/cases/inventories/{id}/close" => OBJECT,
        _ => return None,
    })
}

pub struct EvidenceFixture {
    /// By side (own, other).
    keeper: [String; 2],
    case_number: [String; 2],
    location: [[String; 2]; 2],
    item: [String; 2],
    barcode: [String; 2],
    digital: [String; 2],
    inventory: [String; 2],
    /// Counts started at build time for the close route (which consumes one a request): the
    /// custodian caller is outside the chain only until its own requests handle items.
    to_close: [Vec<String>; 2],
    /// Ids of the other side's objects, for the matrix's list check.
    other_ids: Vec<String>,
    counter: u32,
}

fn side(sc: Sc) -> usize {
    usize::from(sc == Sc::Other)
}

fn item_id(v: &Value) -> String {
    v["item"]["id"].as_str().unwrap().to_owned()
}

impl EvidenceFixture {
    /// `custodian` is the custodian caller's token: the own side's auditor.
    pub async fn build(t: &TestApp, custodian: &str) -> EvidenceFixture {
        let mut keeper = Vec::new();
        let mut case_number = Vec::new();
        let mut location = Vec::new();
        let mut item = Vec::new();
        let mut barcode = Vec::new();
        let mut digital = Vec::new();
        let mut inventory = Vec::new();
        let mut to_close = Vec::new();
        for (i, (district, station, tag)) in
            [("330203", "33020301", "OWN"), ("330205", "33020501", "FAR")]
                .into_iter()
                .enumerate()
        {
            let k = foundation::user_token(
                t,
                &format!("mx.keeper.{i}"),
                "evidence_custodian",
                district,
            )
            .await;
            let a = if i == 0 {
                custodian.to_owned()
            } else {
                foundation::user_token(t, "mx.auditor.far", "evidence_custodian", district).await
            };
            let handler =
                foundation::user_token(t, &format!("mx.handler.{i}"), "case_handler", station)
                    .await;
            let (_, number) = ev::case(t, &handler).await;
            let locs = [
                ev::location(t, &k, &format!("MX-{tag}-1"), true).await,
                ev::location(t, &k, &format!("MX-{tag}-2"), true).await,
            ];
            let b = format!("MX-{tag}-0001");
            let v = ev::intake(t, &k, &number, "general", &locs[0], &b).await;
            item.push(item_id(&v));
            barcode.push(b);
            let r = ev::upload(t, &k, &number, format!("matrix file {tag}").as_bytes()).await;
            assert_eq!(
                r.status.as_u16(),
                201,
                "fixture: digital intake: {}",
                r.text
            );
            digital.push(item_id(&r.body));
            let mut counts = Vec::new();
            for _ in 0..13 {
                let r = t
                    .post("/api/v1/cases/inventories", &a, json!({"scope": "full"}))
                    .await;
                assert_eq!(r.status.as_u16(), 201, "fixture: inventory: {}", r.text);
                counts.push(r.body["inventory"]["id"].as_str().unwrap().to_owned());
            }
            inventory.push(counts.pop().unwrap());
            to_close.push(counts);
            keeper.push(k);
            case_number.push(number);
            location.push(locs);
        }
        let mut other_ids = vec![
            item[1].clone(),
            digital[1].clone(),
            inventory[1].clone(),
            location[1][0].clone(),
            location[1][1].clone(),
            case_number[1].clone(),
        ];
        other_ids.extend(to_close[1].iter().cloned());
        EvidenceFixture {
            keeper: keeper.try_into().unwrap(),
            case_number: case_number.try_into().unwrap(),
            location: location.try_into().unwrap(),
            item: item.try_into().unwrap(),
            barcode: barcode.try_into().unwrap(),
            digital: digital.try_into().unwrap(),
            inventory: inventory.try_into().unwrap(),
            to_close: to_close.try_into().unwrap(),
            other_ids,
            counter: 0,
        }
    }

    /// Whether a text names one of the other side's objects.
    pub fn names_other(&self, text: &str) -> bool {
        self.other_ids.iter().any(|id| text.contains(id.as_str()))
    }

    fn next(&mut self) -> u32 {
        self.counter += 1;
        self.counter
    }

    /// A new item of the side, at its first location.
    async fn fresh_item(&mut self, t: &TestApp, sc: Sc) -> String {
        let s = side(sc);
        let n = self.next();
        let b = format!("MX-F{s}-{n:04}");
        let v = ev::intake(
            t,
            &self.keeper[s],
            &self.case_number[s],
            "general",
            &self.location[s][0],
            &b,
        )
        .await;
        let id = item_id(&v);
        if sc == Sc::Other {
            self.other_ids.push(id.clone());
        }
        id
    }
}

fn req(method: Method, uri: impl Into<String>, body: Body) -> Req {
    Req {
        method,
        uri: uri.into(),
        body,
        headers: Vec::new(),
        fresh_session: false,
        hello_unit: None,
    }
}

/// The request of an evidence or inventory route.
pub async fn request(t: &TestApp, fx: &mut Fixture, route: &str, sc: Sc) -> Option<Req> {
    let e = &mut fx.evidence;
    let path = route.split(' ').nth(1)?;
    let s = side(sc);
    let n = e.next();
    Some(match route {
        "GET /api/v1/cases/evidence/locations"
        | "GET /api/v1/cases/evidence"
        | "GET /api/v1/cases/evidence/review"
        | "GET /api/v1/cases/inventories" => req(Method::GET, path, Body::None),
        "POST /api/v1/cases/evidence/locations" => req(
            Method::POST,
            path,
            Body::Json(json!({"code": format!("MX-L{n}"), "name": "矩阵货架"})),
        ),
        "POST /api/v1/cases/evidence" => {
            let mut body = ev::intake_body(
                &e.case_number[0],
                "general",
                &e.location[0][0],
                &format!("MX-N-{n:04}"),
            );
            body["note"] = json!("矩阵");
            req(Method::POST, path, Body::Json(body))
        }
        "POST /api/v1/cases/evidence/digital" => req(
            Method::POST,
            format!(
                "{path}?case_number={}&category=digital_data&description=matrix",
                e.case_number[0]
            ),
            Body::Raw(
                "application/octet-stream",
                format!("matrix upload {n}").into_bytes(),
            ),
        ),
        "POST /api/v1/cases/inventories" => req(
            Method::POST,
            path,
            Body::Json(json!({"scope": "high_risk"})),
        ),
        "GET /api/v1/cases/evidence/barcode/{barcode}" => req(
            Method::GET,
            path.replace("{barcode}", &e.barcode[s]),
            Body::None,
        ),
        "GET /api/v1/cases/evidence/{id}" => {
            req(Method::GET, path.replace("{id}", &e.item[s]), Body::None)
        }
        "GET /api/v1/cases/evidence/{id}/content" => {
            req(Method::GET, path.replace("{id}", &e.digital[s]), Body::None)
        }
        "POST /api/v1/cases/evidence/{id}/movements" => {
            let id = e.fresh_item(t, sc).await;
            req(
                Method::POST,
                path.replace("{id}", &id),
                Body::Json(json!({"kind": "relocate", "expected_seq": 1,
                                  "location_id": e.location[s][1], "reason": "矩阵"})),
            )
        }
        "GET /api/v1/cases/inventories/{id}" => req(
            Method::GET,
            path.replace("{id}", &e.inventory[s]),
            Body::None,
        ),
        "POST /api/v1/cases/inventories/{id}/scans" => req(
            Method::POST,
            path.replace("{id}", &e.inventory[s]),
            Body::Json(
                json!({"scans": [{"barcode": e.barcode[s], "location_id": e.location[s][0]}]}),
            ),
        ),
        "POST /api/v1/cases/inventories/{id}/close" => {
            let id = e.to_close[s]
                .pop()
                .expect("fixture: enough counts to close");
            req(
                Method::POST,
                path.replace("{id}", &id),
                Body::Json(json!({})),
            )
        }
        _ => return None,
    })
}
