//! In-process HTTP: requests go through the real router (every layer included) without a
//! socket; responses come back decoded.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

use crate::TestApp;

/// A response: status, headers, the body as JSON (`Null` when it is not JSON), as text and
/// as bytes.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
    pub bytes: Vec<u8>,
}

/// Asserts an RFC 9457 problem with this status and stable code; returns the body.
pub fn assert_problem<'r>(r: &'r Resp, status: StatusCode, code: &str) -> &'r Value {
    assert_eq!(r.status, status, "body: {}", r.text);
    assert_eq!(
        r.headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap_or_default()),
        Some("application/problem+json"),
        "body: {}",
        r.text
    );
    assert_eq!(r.body["code"], code, "body: {}", r.text);
    assert_eq!(r.body["status"], status.as_u16());
    assert_eq!(r.body["type"], format!("urn:jingwu:problem:{code}"));
    assert!(r.body["title"].is_string() && r.body["detail"].is_string());
    &r.body
}

/// `resp.problem(status, code)`. A trait rather than an inherent method so that a crate's
/// own test support may put a stricter check under the same name (the API's tests do).
pub trait Problem {
    fn problem(&self, status: StatusCode, code: &str) -> &Value;
}

impl Problem for Resp {
    fn problem(&self, status: StatusCode, code: &str) -> &Value {
        assert_problem(self, status, code)
    }
}

impl TestApp {
    /// Sends a request as built by the caller (headers, raw bodies).
    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("the router is infallible");
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .expect("read the response body")
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes).to_string();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        // Every problem any test receives must use registered codes, asserted or not.
        if headers
            .get(axum::http::header::CONTENT_TYPE)
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
            bytes: bytes.to_vec(),
        }
    }

    /// A request with an optional bearer token and an optional JSON body.
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
        self.send(req.expect("a valid request")).await
    }

    pub async fn get(&self, path: &str, token: &str) -> Resp {
        self.call(Method::GET, path, Some(token), None).await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::POST, path, Some(token), Some(body)).await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Resp {
        self.call(Method::PUT, path, Some(token), Some(body)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Resp {
        self.call(Method::DELETE, path, Some(token), None).await
    }

    /// Signs in a fixture (or demo) account over the API and returns its bearer token.
    pub async fn login(&self, username: &str) -> String {
        let r = self
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(serde_json::json!({"username": username, "password": crate::PASSWORD, "client": "api"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login {username}: {}", r.text);
        r.body["token"]
            .as_str()
            .expect("a token in the login answer")
            .to_string()
    }

    /// Id of the org unit with this code (read as the system, so it writes nothing).
    pub async fn org_id(&self, code: &str) -> String {
        let system = self
            .app
            .foundation()
            .system_principal()
            .await
            .expect("a city exists: build with .with_city()");
        let orgs = self
            .app
            .foundation()
            .list_orgs(&system)
            .await
            .expect("list orgs");
        orgs.into_iter()
            .find(|o| o.code == code)
            .unwrap_or_else(|| panic!("no org unit {code}"))
            .id
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
