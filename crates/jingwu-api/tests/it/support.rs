use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use jingwu_app::{App, AppConfig, PasswordCost};
use jingwu_store::{Store, StoreOptions};
use serde_json::Value;
use tower::ServiceExt;

pub struct TestApp {
    pub app: App,
    pub router: Router,
    _dir: Option<tempfile::TempDir>,
    /// The scene media store of this app (a temp dir).
    pub media: tempfile::TempDir,
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Resp {
    /// Asserts an RFC 9457 problem with this status and code; returns the body.
    pub fn problem(&self, status: StatusCode, code: &str) -> &Value {
        assert_eq!(self.status, status, "body: {}", self.text);
        assert_eq!(
            self.headers.get(header::CONTENT_TYPE).unwrap(),
            "application/problem+json",
            "body: {}",
            self.text
        );
        assert_eq!(self.body["code"], code, "body: {}", self.text);
        assert_eq!(self.body["status"], status.as_u16());
        assert_eq!(self.body["type"], format!("urn:jingwu:problem:{code}"));
        assert!(self.body["title"].is_string() && self.body["detail"].is_string());
        let registered = jingwu_api::registered_problem(code)
            .unwrap_or_else(|| panic!("problem code {code:?} is not in the error-code registry"));
        assert_eq!(
            registered.status,
            status.as_u16(),
            "{code} is registered with another status"
        );
        &self.body
    }
}

/// Codes in a problem body that no registry declares (its `code` and each `errors[].code`).
pub fn unregistered_codes(body: &Value) -> Vec<String> {
    let mut bad = Vec::new();
    match body["code"].as_str() {
        Some(c) if jingwu_api::registered_problem(c).is_some() => {}
        other => bad.push(other.unwrap_or("<missing>").to_string()),
    }
    for e in body["errors"].as_array().into_iter().flatten() {
        match e["code"].as_str() {
            Some(c) if jingwu_api::registered_field_code(c) => {}
            other => bad.push(other.unwrap_or("<missing>").to_string()),
        }
    }
    bad
}

pub fn test_config() -> AppConfig {
    AppConfig {
        password_cost: PasswordCost {
            memory_kib: 64,
            iterations: 1,
        },
        ..AppConfig::default()
    }
}

/// A database for one test: SQLite in a temp dir, or a fresh schema on PostgreSQL.
pub async fn test_store() -> (Store, Option<tempfile::TempDir>) {
    match std::env::var("JINGWU_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => {
            let schema = format!("t_{}", jingwu_core::new_id().replace('-', ""));
            let opts = StoreOptions {
                pg_schema: Some(schema),
                max_connections: 8,
                ..Default::default()
            };
            let store = Store::connect(&url, &opts)
                .await
                .expect("connect to PostgreSQL");
            store.migrate().await.unwrap();
            (store, None)
        }
        _ => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}/test.db", dir.path().display());
            let store = Store::connect(&url, &StoreOptions::default())
                .await
                .unwrap();
            store.migrate().await.unwrap();
            (store, Some(dir))
        }
    }
}

impl TestApp {
    /// The demo city on a fresh database.
    pub async fn demo() -> TestApp {
        let (store, dir) = test_store().await;
        let media = tempfile::tempdir().unwrap();
        let config = AppConfig {
            media_dir: media.path().into(),
            ..test_config()
        };
        let app = App::new(store, Arc::new(jingwu_core::SystemClock), config);
        app.seed_demo().await.unwrap();
        let router = jingwu_api::router(app.clone(), jingwu_api::ApiOptions::default());
        TestApp {
            app,
            router,
            _dir: dir,
            media,
        }
    }

    /// The demo city with its units on a small synthetic road network.
    pub async fn demo_with_roads() -> TestApp {
        let t = TestApp::demo().await;
        let (graph, _) = jingwu_routing::SyntheticCity::new(8_000, 2016)
            .generate()
            .unwrap();
        t.app.set_road_network(jingwu_app::RoadNetwork::new(graph));
        assert_eq!(t.app.seed_demo_command().await.unwrap(), 700);
        t
    }

    /// A unit as the city dispatcher sees it, by call sign.
    pub async fn unit_by_call_sign(&self, token: &str, call_sign: &str) -> Value {
        let units = self.get("/api/v1/units", token).await;
        units
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["call_sign"] == call_sign)
            .unwrap()
            .clone()
    }

    /// Creates an incident at a point; returns its id.
    pub async fn incident_at(&self, token: &str, lat: f64, lon: f64, sub: (&str, &str)) -> String {
        let body = serde_json::json!({
            "caller_name": "王女士", "caller_phone": "13912345678", "lat": lat, "lon": lon,
            "address": "测试路1号", "category": sub.0, "subcategory": sub.1, "priority": "p2",
            "source": "call_110", "description": "测试警情",
        });
        let r = self.post("/api/v1/incidents", token, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.body["incident"]["id"].as_str().unwrap().to_string()
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        // Every problem any test receives must use registered codes, asserted or not.
        if headers
            .get(header::CONTENT_TYPE)
            .is_some_and(|v| v == "application/problem+json")
        {
            let bad = unregistered_codes(&body);
            assert!(
                bad.is_empty(),
                "the server answered with unregistered codes {bad:?}: {text}"
            );
        }
        Resp {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Resp {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(v) => b
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(v.to_string())),
            None => b.body(Body::empty()),
        };
        self.send(req.unwrap()).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    /// Signs in a demo account and returns its bearer token.
    pub async fn login(&self, username: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"username": username, "password": jingwu_app::DEMO_PASSWORD, "client": "api"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.body["token"].as_str().unwrap().to_string()
    }

    /// Id of the org unit with this code, as the city admin sees it.
    pub async fn org_id(&self, code: &str) -> String {
        let admin = self.login("admin").await;
        let orgs = self.get("/api/v1/orgs", &admin).await;
        orgs.body
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["code"] == code)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// (sequence, hash) of the audit chain's head: unchanged means nothing was written.
    pub async fn audit_head(&self) -> (i64, String) {
        use sqlx::Row;
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1")
            .fetch_one(self.app.store().pool())
            .await
            .unwrap();
        (row.get(0), row.get(1))
    }
}
