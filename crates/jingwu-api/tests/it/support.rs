//! The API tests' support: the testkit's `TestApp`, plus the problem+json check as the API
//! states it.

use axum::http::{StatusCode, header};
use serde_json::Value;

pub use jingwu_testkit::fixtures::{command as cmd, foundation};
pub use jingwu_testkit::unregistered_codes;
pub use jingwu_testkit::{ManualClock, Resp, TestApp};

/// `resp.problem(status, code)` for the API's tests.
pub trait Problem {
    fn problem(&self, status: StatusCode, code: &str) -> &Value;
}

impl Problem for Resp {
    /// Asserts an RFC 9457 problem with this status and code; returns the body.
    fn problem(&self, status: StatusCode, code: &str) -> &Value {
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
