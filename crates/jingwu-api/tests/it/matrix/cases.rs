//! The case-file objects the matrix names: a criminal case of the own side's station (Gulou,
//! opened by the case-handler caller for it, supervised by the callers' Haishu bureau) and one
//! of the other side's (Baisha, opened by a handler there, supervised by Jiangbei), each with a
//! document, a running deadline and an open correction written by the city's legal office.

use axum::http::Method;
use jingwu_testkit::fixtures::cases as cf;
use serde_json::{Value, json};

use super::fixture::Sc;
use crate::support::TestApp;

pub struct CasesFixture {
    /// By side (own, other): the handling station's id, the case, its document's SHA-256, a
    /// running deadline and an open correction.
    pub station: [String; 2],
    pub case: [String; 2],
    pub document: [String; 2],
    pub deadline: [String; 2],
    pub correction: [String; 2],
}

fn side(sc: Sc) -> usize {
    usize::from(sc == Sc::Other)
}

impl CasesFixture {
    /// `own_handler` is the case-handler caller (at the callers' bureau); the other side's
    /// handler is made at the other station.
    pub async fn build(t: &TestApp, own_handler: &str, stations: [&str; 2]) -> CasesFixture {
        let admin = t.login("admin").await;
        let r = t
            .post(
                "/api/v1/users",
                &admin,
                json!({"username": "mx.far.case", "display_name": "矩阵办案民警",
                       "role": "case_handler", "org": stations[1],
                       "password": jingwu_app::DEMO_PASSWORD}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "fixture: {}", r.text);
        let far = t.login("mx.far.case").await;
        let legal = t.login("legal").await;
        let mut fx = CasesFixture {
            station: stations.map(str::to_owned),
            case: Default::default(),
            document: Default::default(),
            deadline: Default::default(),
            correction: Default::default(),
        };
        for (i, handler) in [own_handler, far.as_str()].into_iter().enumerate() {
            let mut body = cf::new_case("criminal");
            body["org_id"] = json!(stations[i]);
            let r = cf::open_resp(t, handler, body).await;
            assert_eq!(r.status.as_u16(), 201, "fixture: {}", r.text);
            let case = r.body["id"].as_str().unwrap().to_owned();
            fx.document[i] =
                cf::document(t, handler, &case, "questioning", cf::pdf(500 + i as u32)).await;
            fx.deadline[i] = cf::deadline(
                t,
                handler,
                &case,
                "detention_handover",
                &t.now().to_string(),
            )
            .await;
            fx.correction[i] = cf::comment(t, &legal, &case, "correction", "矩阵整改").await;
            fx.case[i] = case;
        }
        fx
    }

    pub fn case(&self, sc: Sc) -> &str {
        &self.case[side(sc)]
    }

    /// The scope's station for routes that name a unit; none for `Sc::None`.
    pub fn station(&self, sc: Sc) -> Option<&str> {
        match sc {
            Sc::None => None,
            _ => Some(&self.station[side(sc)]),
        }
    }

    pub fn document(&self, sc: Sc) -> &str {
        &self.document[side(sc)]
    }

    pub fn deadline(&self, sc: Sc) -> &str {
        &self.deadline[side(sc)]
    }

    pub fn correction(&self, sc: Sc) -> &str {
        &self.correction[side(sc)]
    }

    /// Whether a text names one of the other side's case records.
    pub fn names_other(&self, text: &str) -> bool {
        [&self.case[1], &self.deadline[1], &self.correction[1]]
            .iter()
            .any(|id| text.contains(id.as_str()))
    }
}

/// A legal limit as an administrator puts it (the default hand-over limit, unchanged).
pub fn limit_body() -> Value {
    json!({"applies_to": "case", "name_zh": "拘留后送看守所", "name_en": "Hand-over to the detention centre",
           "law": "《中华人民共和国刑事诉讼法》", "article": "第八十五条", "version": "2018",
           "base_minutes": 1440, "max_minutes": 1440, "approver_level": null,
           "warn_permille": [500, 750, 900]})
}

/// The method of a route key.
pub fn method(route: &str) -> Method {
    route.split(' ').next().unwrap_or("GET").parse().unwrap()
}
