//! Overdue 110 timer alerts and linked agencies of both sides. The matrix runs on the system
//! clock, so the alerts are raised by a node whose clock stands an hour ahead (the sides'
//! incidents were dispatched and not acknowledged, so every timer of theirs is overdue by
//! then); each side's agency is registered by an admin of its district.

use axum::http::Method;
use serde_json::json;

use super::fixture::Side;
use crate::support::TestApp;

pub struct TimersFixture {
    /// A responsible-level alert of each side's incident.
    pub own_alert: String,
    pub other_alert: String,
    /// Agency codes registered at the own and the other district.
    pub own_agency: String,
    pub other_agency: String,
}

impl TimersFixture {
    pub async fn build(
        t: &TestApp,
        city_admin: &str,
        home_admin: &str,
        own: &Side,
        other: &Side,
    ) -> Self {
        let later = t.now() + jiff::SignedDuration::from_hours(1);
        t.node_at(later)
            .command()
            .run_timer_alerts()
            .await
            .expect("the timer job runs");
        let city_dispatcher = t.login("dispatcher").await;
        let alerts = t.get("/api/v1/timer-alerts", &city_dispatcher).await.body;
        let alert_of = |side: &Side| {
            alerts
                .as_array()
                .expect("alerts")
                .iter()
                .find(|a| a["incident_id"] == side.incident.as_str() && a["level"] == "responsible")
                .and_then(|a| a["id"].as_str())
                .expect("an alert of the side's incident")
                .to_string()
        };
        let r = t
            .post(
                "/api/v1/users",
                city_admin,
                json!({"username": "mx.far.admin", "display_name": "矩阵测试", "role": "admin",
                    "org": other.district, "password": jingwu_app::DEMO_PASSWORD}),
            )
            .await;
        assert!(r.status.is_success(), "fixture: far admin: {}", r.text);
        let far_admin = t.login("mx.far.admin").await;
        for (token, code) in [
            (home_admin, "mx-own-120"),
            (far_admin.as_str(), "mx-other-120"),
        ] {
            let r = t
                .call(
                    Method::POST,
                    "/api/v1/linkage/agencies",
                    Some(token),
                    Some(json!({"code": code, "kind": "ambulance", "name": "矩阵120",
                        "endpoint_url": "http://127.0.0.1:9/eido",
                        "secret": "matrix-shared-secret"})),
                )
                .await;
            assert!(r.status.is_success(), "fixture: agency {code}: {}", r.text);
        }
        TimersFixture {
            own_alert: alert_of(own),
            other_alert: alert_of(other),
            own_agency: "mx-own-120".into(),
            other_agency: "mx-other-120".into(),
        }
    }

    pub fn alert(&self, sc: super::fixture::Sc) -> &str {
        if sc == super::fixture::Sc::Other {
            &self.other_alert
        } else {
            &self.own_alert
        }
    }

    pub fn agency(&self, sc: super::fixture::Sc) -> &str {
        if sc == super::fixture::Sc::Other {
            &self.other_agency
        } else {
            &self.own_agency
        }
    }

    pub fn names_other(&self, text: &str) -> bool {
        text.contains(&self.other_alert) || text.contains(&self.other_agency)
    }
}
