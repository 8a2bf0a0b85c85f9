use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_app::SessionClient;
use jingwu_core::micros_to_timestamp;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{Caller, Ctx, DeviceCookie, Json, SESSION_COOKIE, SecureCookie};
use crate::routes::dto::User;
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// `browser` (cookie session for the pages) or `api` (bearer token); default `browser`.
    #[serde(default)]
    pub client: Option<Client>,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Client {
    Browser,
    Api,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Opaque bearer token; also set as the HttpOnly `jingwu_session` cookie.
    pub token: String,
    /// RFC 3339.
    pub expires_at: String,
    pub user: User,
}

fn cookie(secure: &SecureCookie, value: &str, max_age_secs: i64) -> Option<HeaderValue> {
    set_cookie(secure, SESSION_COOKIE, value, max_age_secs)
}

fn set_cookie(
    secure: &SecureCookie,
    name: &str,
    value: &str,
    max_age_secs: i64,
) -> Option<HeaderValue> {
    let secure = if secure.0 { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    ))
    .ok()
}

/// How long a device cookie is kept: a year of sign-ins from the same browser or terminal.
const DEVICE_COOKIE_MAX_AGE: i64 = 365 * 24 * 3600;

/// Sign in with username and password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest, responses(
    (status = 200, body = LoginResponse),
    (status = 401, description = "wrong username or password (`invalid_credentials`)", body = Problem, content_type = "application/problem+json"),
    (status = 422, description = "malformed request (`invalid_field`)", body = Problem, content_type = "application/problem+json"),
    (status = 429, description = "too many failed attempts: wait `Retry-After` seconds (`too_many_attempts`)", body = Problem, content_type = "application/problem+json"),
    (status = 503, description = "too many sign-ins at once: retry after `Retry-After` (`login_busy`)", body = Problem, content_type = "application/problem+json"),
))]
pub async fn login(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    secure: SecureCookie,
    DeviceCookie(device): DeviceCookie,
    Json(req): Json<LoginRequest>,
) -> Result<Response, ApiError> {
    let client = match req.client.unwrap_or(Client::Browser) {
        Client::Browser => SessionClient::Browser,
        Client::Api => SessionClient::Api,
    };
    let out = s
        .app
        .foundation()
        .login(
            &req.username,
            &req.password,
            client,
            device.as_deref(),
            &ctx,
        )
        .await?;
    let body = LoginResponse {
        expires_at: micros_to_timestamp(out.expires_at_us).to_string(),
        user: out.user.into(),
        token: out.token.clone(),
    };
    let mut resp = axum::Json(body).into_response();
    if let Some(c) = cookie(&secure, &out.token, out.ttl_secs) {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    if let Some(c) = set_cookie(
        &secure,
        jingwu_app::DEVICE_COOKIE,
        &out.device_cookie,
        DEVICE_COOKIE_MAX_AGE,
    ) {
        resp.headers_mut().append(header::SET_COOKIE, c);
    }
    Ok(resp)
}

/// End this session: the token stops working at once.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = []), ("cookie" = [])), responses(
    (status = 204, description = "signed out"),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
pub async fn logout(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    secure: SecureCookie,
    caller: Caller,
) -> Result<Response, ApiError> {
    s.app
        .foundation()
        .logout(&caller.principal, &caller.token, &ctx)
        .await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Some(c) = cookie(&secure, "", 0) {
        resp.headers_mut().insert(header::SET_COOKIE, c);
    }
    Ok(resp)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = []), ("cookie" = [])), responses(
    (status = 200, body = User),
    (status = 401, body = Problem, content_type = "application/problem+json"),
))]
pub async fn me(State(s): State<AppState>, caller: Caller) -> Result<axum::Json<User>, ApiError> {
    Ok(axum::Json(
        s.app.foundation().me(&caller.principal).await?.into(),
    ))
}
