//! The traffic objects the matrix names. Three registered citizens own them: the citizen
//! caller (own side: records of the Gulou station), citizen Y (other side: Baisha) and citizen
//! W (the `citizen` scope: another citizen's records, in Gulou). Routes that consume an object
//! (accept, revoke, pay, submit a quiz) get a fresh one.

use axum::http::Method;
use jingwu_testkit::fixtures::traffic as tf;
use serde_json::json;

use super::fixture::Sc;
use crate::support::TestApp;

pub struct TrafficFixture {
    /// By scope index (own, other, citizen): a vehicle plate, its owner's token, the officer
    /// who records on it (a station officer of that side).
    plate: [String; 3],
    owner: [String; 3],
    recorder: [String; 3],
    /// A decided, unpaid violation and an open order for it.
    pub violation: [String; 3],
    pub order: [String; 3],
    counter: u32,
}

pub fn idx(sc: Sc) -> usize {
    match sc {
        Sc::Other => 1,
        Sc::Citizen => 2,
        _ => 0,
    }
}

impl TrafficFixture {
    /// Registers the three citizens with licences and vehicles (the first one's token and id
    /// become the citizen caller's), and a decided violation and an order for each.
    pub async fn build(
        t: &TestApp,
        own_station_officer: &str,
        other_station_officer: &str,
        stations: [&str; 3],
    ) -> (TrafficFixture, String, String) {
        tf::sandbox(t).await;
        let admin = t.login("admin").await;
        let clerk = t.login("traffic").await;
        let mut plate = Vec::new();
        let mut owner = Vec::new();
        for (i, station) in stations.iter().enumerate() {
            let n = 9001 + i as u32;
            let rid = tf::resident_id(n);
            let name = ["矩阵甲", "矩阵乙", "矩阵丙"][i];
            let r = t
                .post(
                    "/api/v1/traffic/licences",
                    &clerk,
                    json!({"resident_id": rid, "holder_name": name, "class": "C1",
                           "first_issued_on": "2015-01-01", "expires_on": "2031-01-01", "org": station}),
                )
                .await;
            assert_eq!(r.status.as_u16(), 201, "{}", r.text);
            let p = tf::plate(n);
            let r = t
                .post(
                    "/api/v1/traffic/vehicles",
                    &clerk,
                    json!({"plate": p, "owner_resident_id": rid, "owner_name": name,
                           "model": "矩阵牌轿车", "inspection_due_on": "2031-01-01", "org": station}),
                )
                .await;
            assert_eq!(r.status.as_u16(), 201, "{}", r.text);
            owner.push(tf::citizen(t, &admin, n, &rid, name).await);
            plate.push(p);
        }
        let mut fx = TrafficFixture {
            plate: plate.try_into().unwrap(),
            owner: owner.try_into().unwrap(),
            recorder: [
                own_station_officer.to_owned(),
                other_station_officer.to_owned(),
                own_station_officer.to_owned(),
            ],
            violation: Default::default(),
            order: Default::default(),
            counter: 0,
        };
        for sc in [Sc::Own, Sc::Other, Sc::Citizen] {
            let v = fx.fresh_decided(t, sc).await;
            let o = tf::order(t, &fx.owner[idx(sc)], &v).await;
            fx.order[idx(sc)] = o["order"]["id"].as_str().unwrap().to_owned();
            fx.violation[idx(sc)] = v;
        }
        let me = t.get("/api/v1/me", &fx.owner[0]).await;
        let citizen_id = me.body["id"].as_str().unwrap().to_owned();
        let token = fx.owner[0].clone();
        (fx, token, citizen_id)
    }

    /// The token of the scope's citizen.
    pub fn owner(&self, sc: Sc) -> &str {
        &self.owner[idx(sc)]
    }

    pub fn plate(&self, sc: Sc) -> &str {
        &self.plate[idx(sc)]
    }

    /// A new pending camera violation of the scope's vehicle.
    pub async fn fresh_pending(&mut self, t: &TestApp, sc: Sc) -> String {
        self.counter += 1;
        tf::violation(t, &self.recorder[idx(sc)], &self.plate[idx(sc)], "10390").await
    }

    /// A new violation of the scope's vehicle, accepted by its owner.
    pub async fn fresh_decided(&mut self, t: &TestApp, sc: Sc) -> String {
        let v = self.fresh_pending(t, sc).await;
        tf::accept(t, &self.owner[idx(sc)], &v).await;
        v
    }

    /// A new quiz started by the scope's citizen.
    pub async fn fresh_quiz(&mut self, t: &TestApp, sc: Sc) -> String {
        let r = t
            .call(
                Method::POST,
                "/api/v1/traffic/quizzes",
                Some(&self.owner[idx(sc)]),
                None,
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// A new application of the scope's citizen (a licence replacement: a fee, a posted result).
    pub async fn fresh_application(&mut self, t: &TestApp, sc: Sc) -> String {
        let r = t
            .post(
                "/api/v1/traffic/applications",
                &self.owner[idx(sc)],
                json!({"service": "licence_replacement", "materials": ["id_card", "photo"],
                       "address": "矩阵路1号"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// A new message from the citizen caller.
    pub async fn fresh_message(&mut self, t: &TestApp) -> String {
        let r = t
            .post(
                "/api/v1/traffic/messages",
                &self.owner[0],
                json!({"kind": "question", "subject": "矩阵咨询", "body": "请问如何预约？"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// A new road event published by the scope side's station officer.
    pub async fn fresh_road_event(&mut self, t: &TestApp, sc: Sc) -> String {
        let r = t
            .post(
                "/api/v1/traffic/road-events",
                &self.recorder[idx(sc)],
                json!({"kind": "closure", "street": "矩阵路", "description": "施工封闭",
                       "line": "29.87 121.55 29.871 121.551"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// A new accident filed by citizen Y against the citizen caller; disputed ones await the
    /// police.
    pub async fn fresh_accident(&mut self, t: &TestApp, disputed: bool) -> String {
        let r = t
            .post(
                "/api/v1/traffic/accidents",
                &self.owner[1],
                json!({"occurred_at": (t.now() - jiff::SignedDuration::from_mins(30)).to_string(),
                       "place": "矩阵路口", "lat": 29.87, "lon": 121.55,
                       "my_plate": self.plate[1], "other_mobile": tf::mobile(9001),
                       "other_plate": self.plate[0],
                       "facts": {"injured": false, "parties_agree": !disputed, "all_plated": true,
                                 "hazmat": false, "hit_structure": false, "all_licensed": true,
                                 "impaired": false, "all_movable": true},
                       "account": "变道时发生剐蹭", "my_liability": "full"}),
            )
            .await;
        assert_eq!(r.status.as_u16(), 201, "{}", r.text);
        r.body["id"].as_str().unwrap().to_owned()
    }

    /// Whether a text names one of the other side's traffic objects.
    pub fn names_other(&self, text: &str) -> bool {
        [&self.violation[1], &self.order[1]]
            .into_iter()
            .any(|id| text.contains(id.as_str()))
    }
}
