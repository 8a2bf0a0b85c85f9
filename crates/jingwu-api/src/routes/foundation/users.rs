use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::NewUser;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::{Page, Role, User};
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UserListParams {
    /// Org unit id whose subtree to list; default the caller's own unit. A unit outside the
    /// caller's subtree answers 403 `out_of_scope`.
    pub org: Option<String>,
    /// 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Accounts in a subtree of the caller's jurisdiction, by username (admins).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", security(("bearer" = []), ("cookie" = [])),
    params(UserListParams),
    responses(
        (status = 200, body = Page<User>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_users(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<UserListParams>,
) -> Result<axum::Json<Page<User>>, ApiError> {
    let limit = crate::routes::dto::page_limit(q.limit)?;
    let users = s
        .app
        .foundation()
        .list_users(
            &caller.principal,
            q.org.as_deref(),
            q.cursor.as_deref(),
            limit,
        )
        .await?;
    let next_cursor = if users.len() as i64 == limit {
        users.last().map(|u| u.user.username.clone())
    } else {
        None
    };
    Ok(axum::Json(Page {
        items: users.into_iter().map(User::from).collect(),
        next_cursor,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    #[schema(min_length = 3, max_length = 32, pattern = r"^[a-z0-9._-]+$")]
    pub username: String,
    #[schema(min_length = 1, max_length = 64, pattern = r"\S")]
    pub display_name: String,
    pub role: Role,
    /// Org unit id or code.
    pub org: String,
    #[schema(min_length = 8, max_length = 256)]
    pub password: String,
}

/// Create an account in a unit of the caller's subtree (admins).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", security(("bearer" = []), ("cookie" = [])),
    request_body = NewUserRequest,
    responses(
        (status = 201, body = User),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`username_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_user(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(req): Json<NewUserRequest>,
) -> Result<(StatusCode, axum::Json<User>), ApiError> {
    let n = NewUser {
        username: req.username,
        display_name: req.display_name,
        role: req.role.as_str().into(),
        org: req.org,
        password: req.password,
    };
    let user = s
        .app
        .foundation()
        .create_user(&caller.principal, n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(user.into())))
}

/// One account; accounts outside the caller's subtree answer 404.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, body = User),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_user(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<User>, ApiError> {
    Ok(axum::Json(
        s.app
            .foundation()
            .get_user(&caller.principal, &id)
            .await?
            .into(),
    ))
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    /// Also disable the account so it cannot sign in again.
    #[serde(default)]
    pub disable: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevokeResponse {
    pub sessions_revoked: u64,
}

/// Revoke every session of an account at once (admins).
#[utoipa::path(post, path = "/api/v1/users/{id}/revoke", tag = "users", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "User id")),
    request_body = RevokeRequest,
    responses(
        (status = 200, body = RevokeResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn revoke_user(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
    Json(req): Json<RevokeRequest>,
) -> Result<axum::Json<RevokeResponse>, ApiError> {
    let n = s
        .app
        .foundation()
        .revoke_user(&caller.principal, &id, req.disable, &ctx)
        .await?;
    Ok(axum::Json(RevokeResponse {
        sessions_revoked: n,
    }))
}

/// Re-enable a disabled account so it can sign in again (admins of its jurisdiction; audited
/// as `user.enable`). Its sessions revoked at disabling stay revoked.
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "users", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "User id")),
    responses(
        (status = 200, body = User),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`not_disabled`", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn enable_user(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<User>, ApiError> {
    let u = s
        .app
        .foundation()
        .enable_user(&caller.principal, &id, &ctx)
        .await?;
    Ok(axum::Json(u.into()))
}
