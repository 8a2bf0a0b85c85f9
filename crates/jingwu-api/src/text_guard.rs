//! The one place that keeps control characters out of the text the API hands on (issue 10,
//! defect "NUL"). PostgreSQL cannot store U+0000 in `text` (it refuses the statement with
//! SQLSTATE 22021), so before this a NUL in a login name, an incident's text, a path id or a
//! status reason became a 500 on PostgreSQL while SQLite stored it. Now:
//! - path parameters and query values refuse every C0 control character and DEL (no id, code,
//!   date or search term has a use for them): 400 `invalid_path` / `invalid_query` naming the
//!   parameter — a route layer, so it covers every route without each handler's help;
//! - JSON bodies (HTTP and the terminal WebSocket, both through `extract::parse_json`) refuse
//!   U+0000 in any string or key: 422 `invalid_field` naming the field. Line breaks and tabs
//!   stay allowed in JSON text (notes have them);
//! - the store's refusal (22021 / 22P05) is answered 422 `unstorable_text` (`problem.rs`), the
//!   catch-all for text arriving another way (CSV imports, multipart names).

use axum::extract::{MatchedPath, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use jingwu_core::problem_codes as codes;
use serde_json::Value;

use crate::problem::ApiError;

/// Route layer: refuses a request whose path parameters or query values carry a control
/// character, before any extractor or use case sees them.
pub async fn refuse_control_characters(req: Request, next: Next) -> Response {
    let template = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string());
    if let Some(err) = uri_control_character(req.uri(), template.as_deref()) {
        return err.into_response();
    }
    next.run(req).await
}

/// The problem for the first path segment or query parameter holding a control character.
fn uri_control_character(uri: &axum::http::Uri, template: Option<&str>) -> Option<ApiError> {
    let names: Vec<&str> = template.map_or_else(Vec::new, |t| t.split('/').collect());
    for (i, segment) in uri.path().split('/').enumerate() {
        if has_control(&percent_decoded(segment)) {
            let name = names
                .get(i)
                .map(|n| n.trim_start_matches('{').trim_end_matches('}'))
                .unwrap_or("path");
            return Some(ApiError::field(
                StatusCode::BAD_REQUEST,
                name,
                codes::INVALID_PATH.code,
                "contains a control character",
            ));
        }
    }
    let query = uri.query().unwrap_or("");
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, v)| has_control(k.as_bytes()) || has_control(v.as_bytes()))
        .map(|(k, _)| {
            ApiError::field(
                StatusCode::BAD_REQUEST,
                &k,
                codes::INVALID_QUERY.code,
                "contains a control character",
            )
        })
}

fn has_control(bytes: &[u8]) -> bool {
    bytes.iter().any(|b| *b < 0x20 || *b == 0x7f)
}

/// `%XX` escapes decoded; anything malformed is kept as it is (routing refuses it later).
fn percent_decoded(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Whether a JSON text has an escaped U+0000 in it (raw control characters are not valid
/// JSON, so `\u0000` is the only way one arrives). A linear scan, so the AVL batches pay
/// nothing for it; escaped backslashes are skipped so `\\u0000` (text) is not mistaken.
pub fn json_has_nul(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            if bytes.get(i + 1) == Some(&b'u') && bytes.get(i + 2..i + 6) == Some(b"0000") {
                return true;
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    false
}

/// A text import (CSV, GeoJSON): a NUL byte, or an escaped one in JSON, is refused with 422
/// naming its line, before any row is read — SQLite would store it, PostgreSQL refuse it,
/// and an import must mean the same on both.
pub fn refuse_nul_in_text(bytes: &[u8]) -> Result<(), ApiError> {
    let at = bytes.iter().position(|b| *b == 0).or_else(|| {
        json_has_nul(bytes)
            .then(|| bytes.windows(6).position(|w| w == b"\\u0000"))
            .flatten()
    });
    match at {
        None => Ok(()),
        Some(i) => {
            let line = 1 + bytes[..i].iter().filter(|b| **b == b'\n').count();
            Err(ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("line {line}"),
                codes::INVALID_FIELD.code,
                "contains the control character U+0000",
            ))
        }
    }
}

/// The 422 for a body with a NUL, naming the first field (or key) that holds it.
pub fn nul_field_problem(bytes: &[u8]) -> ApiError {
    let field = serde_json::from_slice::<Value>(bytes)
        .ok()
        .and_then(|v| path_of_nul(&v, String::new()))
        .unwrap_or_else(|| ".".to_string());
    ApiError::field(
        StatusCode::UNPROCESSABLE_ENTITY,
        &field,
        codes::INVALID_FIELD.code,
        "contains the control character U+0000",
    )
}

fn path_of_nul(v: &Value, at: String) -> Option<String> {
    let join = |key: &str| {
        if at.is_empty() {
            key.to_string()
        } else {
            format!("{at}.{key}")
        }
    };
    match v {
        Value::String(s) if s.contains('\0') => Some(if at.is_empty() { ".".into() } else { at }),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, item)| path_of_nul(item, format!("{at}[{i}]"))),
        Value::Object(map) => map.iter().find_map(|(k, item)| {
            if k.contains('\0') {
                Some(join(&k.replace('\0', "\\u0000")))
            } else {
                path_of_nul(item, join(k))
            }
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaped_nul_is_found_and_an_escaped_backslash_is_not() {
        assert!(json_has_nul(br#"{"a":"x\u0000y"}"#));
        assert!(json_has_nul(br#"{"a\u0000":1}"#));
        assert!(!json_has_nul(br#"{"a":"x\\u0000y"}"#));
        assert!(json_has_nul(br#"{"a":"x\\\u0000y"}"#));
        assert!(!json_has_nul(br#"{"a":"\u0001 \n"}"#));
    }

    #[test]
    fn text_imports_name_the_line_of_a_nul() {
        assert!(refuse_nul_in_text(b"a,b\nc,d\n").is_ok());
        let e = refuse_nul_in_text(b"a,b\nc,\0d\n").unwrap_err();
        assert_eq!(e.errors[0].field, "line 2");
        let e = refuse_nul_in_text(b"{\n\"name\": \"x\\u0000\"}").unwrap_err();
        assert_eq!(e.errors[0].field, "line 2");
    }

    #[test]
    fn the_problem_names_the_field() {
        let e = nul_field_problem(br#"{"a":{"b":["ok","x\u0000"]}}"#);
        assert_eq!(e.errors[0].field, "a.b[1]");
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
    }

    #[test]
    fn path_and_query_controls_name_the_parameter() {
        let uri: axum::http::Uri = "/api/v1/incidents/ab%00c?x=1".parse().unwrap();
        let e = uri_control_character(&uri, Some("/api/v1/incidents/{id}")).unwrap();
        assert_eq!(
            (e.code.as_str(), e.errors[0].field.as_str()),
            ("invalid_path", "id")
        );
        let uri: axum::http::Uri = "/api/v1/incidents?status=new%1F".parse().unwrap();
        let e = uri_control_character(&uri, Some("/api/v1/incidents")).unwrap();
        assert_eq!(
            (e.code.as_str(), e.errors[0].field.as_str()),
            ("invalid_query", "status")
        );
        let uri: axum::http::Uri = "/api/v1/incidents/%E4%B8%AD?q=a+b%25".parse().unwrap();
        assert!(uri_control_character(&uri, None).is_none());
    }
}
