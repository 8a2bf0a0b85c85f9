//! Extractors whose every rejection is a problem+json response, so bad input can never
//! produce a plain-text error, a 5xx or a panic.

use std::net::{IpAddr, SocketAddr};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use jingwu_app::RequestCtx;
use jingwu_core::Principal;
use jingwu_core::problem_codes as codes;
use serde::de::DeserializeOwned;

use crate::AppState;
use crate::problem::ApiError;
use crate::request_id::RequestId;

pub const SESSION_COOKIE: &str = "jingwu_session";

/// A JSON body: 415 without a JSON content type, 413 when too large, 400 when malformed,
/// 422 naming the field when well-formed but of the wrong shape (types, unknown enum values,
/// missing or unknown fields).
pub struct Json<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Json<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| {
                let m = m.trim();
                m.eq_ignore_ascii_case("application/json") || m.ends_with("+json")
            });
        if !is_json {
            return Err(ApiError::of(
                codes::UNSUPPORTED_MEDIA_TYPE,
                "the body must be JSON (Content-Type: application/json)",
            ));
        }
        let bytes = read_body(req, state, "the body", crate::MAX_JSON_BODY).await?;
        parse_json(&bytes).map(Json)
    }
}

/// The whole request body: 413 `body_too_large` past the route's body limit (`what` and
/// `limit` name it in the message), 400 `unreadable_body` when the connection fails.
pub async fn read_body<S: Send + Sync>(
    req: Request,
    state: &S,
    what: &str,
    limit: usize,
) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, state).await.map_err(|r| {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::of(
                codes::BODY_TOO_LARGE,
                format!("{what} exceeds {limit} bytes"),
            )
        } else {
            ApiError::of(codes::UNREADABLE_BODY, r.body_text())
        }
    })
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    if crate::text_guard::json_has_nul(bytes) {
        return Err(crate::text_guard::nul_field_problem(bytes));
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let value: T = serde_path_to_error::deserialize(&mut *de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_data() {
            let msg = inner.to_string();
            let field = missing_field(&msg).unwrap_or(path);
            ApiError::field(
                StatusCode::UNPROCESSABLE_ENTITY,
                &field,
                codes::INVALID_FIELD.code,
                strip_position(&msg),
            )
        } else {
            ApiError::of(codes::MALFORMED_JSON, format!("malformed JSON: {inner}"))
        }
    })?;
    de.end()
        .map_err(|e| ApiError::of(codes::MALFORMED_JSON, format!("malformed JSON: {e}")))?;
    Ok(value)
}

/// serde reports a missing field at the parent's path; name the field itself.
fn missing_field(msg: &str) -> Option<String> {
    let rest = msg.strip_prefix("missing field `")?;
    Some(rest.split('`').next()?.to_string())
}

/// Drops serde_json's " at line 1 column 17" suffix: the field path says where.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// A query filter naming a value its list does not know (`?status=bogus`): 422
/// `invalid_field` naming the parameter, never a 200 with an unfiltered or empty list. Every
/// list's enum filter answers this way, whether parsed by serde (`Query<T>` with an enum
/// field) or by the route.
pub fn unknown_filter_value(field: &str, reason: impl Into<String>) -> ApiError {
    ApiError::field(
        StatusCode::UNPROCESSABLE_ENTITY,
        field,
        codes::INVALID_FIELD.code,
        reason,
    )
}

/// Query parameters; a malformed query is a 400 problem naming the parameter, an unknown
/// value of an enum filter a 422 ([`unknown_filter_value`]).
pub struct Query<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(q.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(Query)
            .map_err(|e| {
                let field = e.path().to_string();
                let reason = e.into_inner().to_string();
                if reason.starts_with("unknown variant") {
                    return unknown_filter_value(&field, reason);
                }
                ApiError::field(
                    StatusCode::BAD_REQUEST,
                    &field,
                    codes::INVALID_QUERY.code,
                    reason,
                )
            })
    }
}

/// The request id and client address, for use cases and audit entries.
pub struct Ctx(pub RequestCtx);

impl FromRequestParts<AppState> for Ctx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        let request_id = parts
            .extensions
            .get::<RequestId>()
            .map_or_else(jingwu_core::new_id, |r| r.0.clone());
        let client_addr = client_addr(parts, &s.options.trusted_proxies).map(|a| a.to_string());
        Ok(Ctx(RequestCtx {
            request_id,
            client_addr,
        }))
    }
}

fn peer(parts: &Parts) -> Option<IpAddr> {
    parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the right-most
/// `X-Forwarded-For` entry that is not itself a trusted proxy (the left part of the header
/// is whatever the client chose to send).
pub fn client_addr(parts: &Parts, trusted: &[IpAddr]) -> Option<IpAddr> {
    let peer = peer(parts)?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let forwarded: Vec<IpAddr> = parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    Some(
        forwarded
            .into_iter()
            .rev()
            .find(|a| !trusted.contains(a))
            .unwrap_or(peer),
    )
}

/// Whether the client reached us over HTTPS: only a trusted proxy can say so (by
/// `X-Forwarded-Proto`, its first value being the client's side); the server itself speaks
/// plain HTTP.
pub fn over_https(parts: &Parts, trusted: &[IpAddr]) -> bool {
    peer(parts).is_some_and(|p| trusted.contains(&p))
        && parts
            .headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// Whether the session cookie of this request's answer gets `Secure`.
pub struct SecureCookie(pub bool);

impl FromRequestParts<AppState> for SecureCookie {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Self, ApiError> {
        Ok(SecureCookie(
            s.options.secure_cookies || over_https(parts, &s.options.trusted_proxies),
        ))
    }
}

/// The signed-in caller: a bearer token (terminals, API clients) or the session cookie (pages).
pub struct Caller {
    pub principal: Principal,
    pub token: String,
}

pub fn presented_token(parts: &Parts) -> Option<String> {
    if let Some(auth) = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
    {
        let (scheme, token) = auth.split_once(' ')?;
        return scheme
            .eq_ignore_ascii_case("bearer")
            .then(|| token.trim().to_string());
    }
    cookie(&parts.headers, SESSION_COOKIE)
}

/// The session cookie's token, if the request carries one.
pub fn session_cookie(headers: &axum::http::HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// The value of the request's cookie `name`.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// The device cookie a client presents at sign-in (login throttling, `jingwu_app`'s
/// `auth.rs`).
pub struct DeviceCookie(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for DeviceCookie {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        Ok(DeviceCookie(cookie(
            &parts.headers,
            jingwu_app::DEVICE_COOKIE,
        )))
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = presented_token(parts)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                ApiError::of(
                    codes::UNAUTHENTICATED,
                    "sign in first: send a bearer token or the session cookie",
                )
            })?;
        let principal = state.app.foundation().authenticate(&token).await?;
        Ok(Caller { principal, token })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct T {
        #[allow(dead_code)]
        n: u8,
        #[allow(dead_code)]
        kind: K,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum K {
        A,
    }

    #[test]
    fn each_kind_of_bad_json_is_classified() {
        let e = parse_json::<T>(b"{\"n\": 1,").unwrap_err();
        assert_eq!(
            (e.status, e.code.as_str()),
            (StatusCode::BAD_REQUEST, "malformed_json")
        );
        let e = parse_json::<T>(br#"{"n": "x", "kind": "a"}"#).unwrap_err();
        assert_eq!(
            (e.status, e.errors[0].field.as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "n")
        );
        let e = parse_json::<T>(br#"{"n": 1, "kind": "b"}"#).unwrap_err();
        assert_eq!(e.errors[0].field, "kind");
        assert!(
            e.errors[0].reason.contains("unknown variant"),
            "{}",
            e.errors[0].reason
        );
        let e = parse_json::<T>(br#"{"kind": "a"}"#).unwrap_err();
        assert_eq!(e.errors[0].field, "n");
        let e = parse_json::<T>(br#"{"n": 1, "kind": "a", "x": 0}"#).unwrap_err();
        assert_eq!(e.status, StatusCode::UNPROCESSABLE_ENTITY);
        let e = parse_json::<T>(br#"{"n": 1, "kind": "a"} trailing"#).unwrap_err();
        assert_eq!(e.code, "malformed_json");
        assert!(parse_json::<T>(br#"{"n": 300, "kind": "a"}"#).is_err());
        assert!(parse_json::<T>(br#"{"n": 3, "kind": "a"}"#).is_ok());
    }
}
