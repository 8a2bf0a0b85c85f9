//! The handling-area objects the matrix names: per side (the Gulou station own, Baisha other)
//! a room, a handler of the station, a person brought in under continued questioning (24
//! hours: the run ends long before) and that measure's clock. Routes that consume an object
//! (the exit, an extension's decision) get a fresh person per request.

use jingwu_testkit::fixtures::area as af;
use serde_json::{Value, json};

use super::fixture::Sc;
use crate::support::TestApp;

pub struct AreaFixture {
    /// By side (own, other).
    pub room: [String; 2],
    pub custody: [String; 2],
    pub measure: [String; 2],
    /// The station handlers who bring the side's people in.
    handler: [String; 2],
    /// Ids of the other side's records, for the matrix's list check.
    other_ids: Vec<String>,
    counter: u32,
}

fn side(sc: Sc) -> usize {
    usize::from(sc == Sc::Other)
}

async fn person(t: &TestApp, handler: &str, n: u32) -> (String, String) {
    let id = af::bring_in(
        t,
        handler,
        af::suspect(n, "continued_questioning", &t.now().to_string()),
    )
    .await;
    let m = af::running_measure(t, handler, &id).await;
    (id, m["id"].as_str().unwrap().to_owned())
}

impl AreaFixture {
    /// `stations`: the own and the other station's org codes.
    pub async fn build(t: &TestApp, stations: [&str; 2]) -> AreaFixture {
        let admin = t.login("admin").await;
        let mut room = Vec::new();
        let mut handler = Vec::new();
        for (i, code) in stations.into_iter().enumerate() {
            room.push(af::room(t, &admin, code, &format!("MX{i}"), "waiting").await);
            let username = format!("mx.area{i}");
            let r = t
                .post(
                    "/api/v1/users",
                    &admin,
                    json!({"username": username, "display_name": "矩阵办案民警",
                        "role": "case_handler", "org": t.org_id(code).await,
                        "password": jingwu_app::DEMO_PASSWORD}),
                )
                .await;
            assert!(r.status.is_success(), "fixture: handler: {}", r.text);
            handler.push(t.login(&username).await);
        }
        let mut custody = Vec::new();
        let mut measure = Vec::new();
        for (i, h) in handler.iter().enumerate() {
            let (c, m) = person(t, h, 7000 + u32::try_from(i).unwrap()).await;
            custody.push(c);
            measure.push(m);
        }
        let other_ids = vec![room[1].clone(), custody[1].clone(), measure[1].clone()];
        AreaFixture {
            room: room.try_into().unwrap(),
            custody: custody.try_into().unwrap(),
            measure: measure.try_into().unwrap(),
            handler: handler.try_into().unwrap(),
            other_ids,
            counter: 0,
        }
    }

    pub fn room(&self, sc: Sc) -> &str {
        &self.room[side(sc)]
    }

    pub fn custody(&self, sc: Sc) -> &str {
        &self.custody[side(sc)]
    }

    pub fn measure(&self, sc: Sc) -> &str {
        &self.measure[side(sc)]
    }

    /// A resident-ID number not used before in the run.
    pub fn next_person(&mut self) -> u32 {
        self.counter += 1;
        7100 + self.counter
    }

    /// A new person of the side (for routes that close a record).
    pub async fn fresh_custody(&mut self, t: &TestApp, sc: Sc) -> String {
        let n = self.next_person();
        let (c, m) = person(t, &self.handler[side(sc)].clone(), n).await;
        if sc == Sc::Other {
            self.other_ids.extend([c.clone(), m]);
        }
        c
    }

    /// A new extension request of the side, on a new person's clock.
    pub async fn fresh_extension(&mut self, t: &TestApp, sc: Sc) -> String {
        let n = self.next_person();
        let h = self.handler[side(sc)].clone();
        let (c, m) = person(t, &h, n).await;
        let r = t
            .post(
                &format!("/api/v1/cases/clocks/measure/{m}/extensions"),
                &h,
                json!({"minutes": 60, "reason": "矩阵测试"}),
            )
            .await;
        assert!(r.status.is_success(), "fixture: extension: {}", r.text);
        let e = r.body["id"].as_str().unwrap().to_owned();
        if sc == Sc::Other {
            self.other_ids.extend([c, m, e.clone()]);
        }
        e
    }

    /// Whether a text names one of the other side's records.
    pub fn names_other(&self, text: &str) -> bool {
        self.other_ids.iter().any(|id| text.contains(id.as_str()))
    }
}

/// The body of a person brought in by a matrix caller.
pub fn bring_in_body(n: u32, now: &str) -> Value {
    af::suspect(n, "criminal_summons", now)
}
