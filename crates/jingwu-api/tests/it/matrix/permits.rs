//! The approval-window objects the matrix names. Two offices, one of the Gulou station (own)
//! and one of Baisha (other), open around the clock so that a slot is always bookable; the
//! records of the traffic fixture's three citizens (the citizen caller, citizen Y at the other
//! office, citizen W at the own one). Routes that consume an object get a fresh one.

use jingwu_testkit::fixtures::permits as pf;
use jingwu_testkit::fixtures::traffic as tf;
use serde_json::{Value, json};

use super::fixture::Sc;
use super::traffic::{TrafficFixture, idx};
use crate::support::TestApp;

pub const ITEM: &str = "MX-001";

pub struct PermitsFixture {
    /// By side (own, other): office and window ids.
    pub office: [String; 2],
    pub window: [String; 2],
    /// The city's permit clerk (books and works both offices).
    clerk: String,
    /// Ids of the other side's records, for the matrix's list check.
    other_ids: Vec<String>,
}

fn side(sc: Sc) -> usize {
    usize::from(sc == Sc::Other)
}

impl PermitsFixture {
    pub async fn build(t: &TestApp, orgs: [&str; 2]) -> PermitsFixture {
        let admin = t.login("admin").await;
        pf::item(t, &admin, ITEM, 5_000).await;
        let all_day = json!({"opens": "00:00", "closes": "24:00", "breaks": []});
        let week = json!([
            all_day, all_day, all_day, all_day, all_day, all_day, all_day
        ]);
        let mut office = Vec::new();
        let mut window = Vec::new();
        for org in orgs {
            let (o, w) = pf::office(t, &admin, org, week.clone(), 400, 50, &[ITEM]).await;
            office.push(o);
            window.push(w);
        }
        PermitsFixture {
            office: office.try_into().unwrap(),
            window: window.try_into().unwrap(),
            clerk: t.login("permit").await,
            other_ids: Vec::new(),
        }
    }

    pub fn office(&self, sc: Sc) -> &str {
        &self.office[side(sc)]
    }

    pub fn window(&self, sc: Sc) -> &str {
        &self.window[side(sc)]
    }

    /// The office's first bookable slot that starts an hour or more from now. Not the very
    /// first: this matrix runs on the system clock, and a booking whose slot starts while the
    /// matrix runs can no longer be cancelled, so the next fresh booking would be refused.
    pub async fn slot(&self, t: &TestApp, sc: Sc) -> String {
        let now = t.now();
        let today = jingwu_core::calendar::local_date(jingwu_core::timestamp_to_micros(now));
        let slots = pf::slots(t, self.office(sc), ITEM, &today.to_string(), 2).await;
        let later = now + jiff::SignedDuration::from_hours(1);
        slots
            .iter()
            .map(|s| s["starts_at"].as_str().unwrap())
            .find(|s| s.parse::<jiff::Timestamp>().unwrap() >= later)
            .expect("a slot an hour or more away within two days")
            .to_owned()
    }

    /// A new appointment of the scope's citizen (a hold when `hold`), booked by the citizen;
    /// the citizen's live ones are cancelled first (one live booking per item).
    pub async fn fresh_appointment(
        &mut self,
        t: &TestApp,
        traffic: &TrafficFixture,
        sc: Sc,
        hold: bool,
    ) -> String {
        let who = traffic.owner(sc).to_owned();
        let mine = t.get("/api/v1/permits/appointments", &who).await;
        for a in mine.body.as_array().into_iter().flatten() {
            if a["status"] == "booked" || a["status"] == "held" {
                let id = a["id"].as_str().unwrap();
                t.post(
                    &format!("/api/v1/permits/appointments/{id}/cancel"),
                    &who,
                    json!({}),
                )
                .await;
            }
        }
        let slot = self.slot(t, sc).await;
        let body = json!({"office_id": self.office(sc), "item_code": ITEM, "slot_start": slot,
                          "channel": "web", "hold": hold});
        let r = pf::book(t, &who, body, None).await;
        assert_eq!(r.status.as_u16(), 201, "fixture: booking: {}", r.text);
        let id = r.body["id"].as_str().unwrap().to_owned();
        if sc == Sc::Other {
            self.other_ids.push(id.clone());
        }
        id
    }

    /// A new application of the scope's citizen at the scope's office: a draft, or submitted
    /// (complete, pre-checked) when `submitted`.
    pub async fn fresh_application(
        &mut self,
        t: &TestApp,
        traffic: &TrafficFixture,
        sc: Sc,
        submitted: bool,
    ) -> String {
        let who = traffic.owner(sc).to_owned();
        let n = 9001 + u32::try_from(idx(sc)).unwrap();
        let r = t
            .post(
                "/api/v1/permits/applications",
                &who,
                json!({"item_code": ITEM, "office_id": self.office(sc), "address": "矩阵路1号",
                       "details": {"name": "矩阵", "resident_id": tf::resident_id(n), "mobile": tf::mobile(n),
                                   "address": "矩阵路1号"}}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "fixture: application: {}", r.text);
        let id = r.body["id"].as_str().unwrap().to_owned();
        let r = pf::upload(t, &who, &id, "id_card", pf::PNG).await;
        assert_eq!(r.status.as_u16(), 200, "fixture: material: {}", r.text);
        if submitted {
            let r = t
                .post(
                    &format!("/api/v1/permits/applications/{id}/submit"),
                    &who,
                    json!({}),
                )
                .await;
            assert_eq!(r.status.as_u16(), 200, "fixture: submit: {}", r.text);
        }
        if sc == Sc::Other {
            self.other_ids.push(id.clone());
        }
        id
    }

    /// A new walk-in ticket at the scope's office, called to its window when `called`.
    pub async fn fresh_ticket(&mut self, t: &TestApp, sc: Sc, called: bool) -> String {
        let r = t
            .post(
                &format!("/api/v1/permits/offices/{}/tickets", self.office(sc)),
                &self.clerk,
                json!({"item_code": ITEM, "name": "矩阵"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "fixture: ticket: {}", r.text);
        let id = r.body["id"].as_str().unwrap().to_owned();
        if called {
            // Earlier tickets may wait too: call until this one is called.
            loop {
                let r = t
                    .post(
                        &format!("/api/v1/permits/windows/{}/call-next", self.window(sc)),
                        &self.clerk,
                        json!({}),
                    )
                    .await;
                assert_eq!(r.status.as_u16(), 200, "fixture: call: {}", r.text);
                if r.body["id"] == json!(id) {
                    break;
                }
            }
        }
        if sc == Sc::Other {
            self.other_ids.push(id.clone());
        }
        id
    }

    /// A booking request as `caller` would send it: citizens for themselves, staff by phone.
    pub async fn booking(&self, t: &TestApp, caller: &str, n: u32) -> Value {
        let slot = self.slot(t, Sc::Own).await;
        if caller == "citizen" {
            json!({"office_id": self.office(Sc::Own), "item_code": ITEM, "slot_start": slot, "channel": "web"})
        } else {
            pf::phone_booking(self.office(Sc::Own), ITEM, &slot, 20_000 + n)
        }
    }

    /// Whether a text names one of the other side's permit records.
    pub fn names_other(&self, text: &str) -> bool {
        self.other_ids.iter().any(|id| text.contains(id.as_str()))
    }
}

/// An item as an administrator defines it.
pub fn item_body() -> Value {
    json!({"name_zh": "矩阵事项", "department": "household", "materials": [],
           "fee_fen": 0, "time_limit_days": 5, "online": false, "appointment": false, "prefix": "H",
           "forms": [{"zh": "表", "en": "Form", "fields": [{"key": "name", "zh": "姓名", "en": "Name", "kind": "text", "max": 20}]}]})
}

/// An office of `org` as an administrator defines it.
pub fn office_body(org: &str) -> Value {
    let day = pf::office_day();
    json!({"org_id": org, "name": "矩阵服务点", "address": "矩阵路2号", "week": pf::weekdays(day),
           "slot_minutes": 30, "slot_capacity": 2, "min_notice_minutes": 60, "horizon_days": 7})
}
