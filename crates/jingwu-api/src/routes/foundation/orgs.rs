use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::NewOrg;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::extract::{Caller, Ctx, Json};
use crate::routes::dto::Org;
use crate::{ApiError, AppState, Problem};

/// The caller's jurisdiction subtree, parents before children.
#[utoipa::path(get, path = "/api/v1/orgs", tag = "orgs", security(("bearer" = []), ("cookie" = [])), responses(
    (status = 200, body = Vec<Org>),
    (status = 401, body = Problem, content_type = "application/problem+json"),
    (status = 403, body = Problem, content_type = "application/problem+json"),
))]
pub async fn list_orgs(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<Org>>, ApiError> {
    let orgs = s.app.foundation().list_orgs(&caller.principal).await?;
    Ok(axum::Json(orgs.into_iter().map(Org::from).collect()))
}

/// One org unit. Units outside the caller's subtree answer 404, as if they did not exist.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "orgs", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Org unit id")),
    responses(
        (status = 200, body = Org),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_org(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<Org>, ApiError> {
    Ok(axum::Json(
        s.app
            .foundation()
            .get_org(&caller.principal, &id)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrgRequest {
    pub kind: OrgKind,
    #[schema(min_length = 1, max_length = 16, pattern = r"^[A-Za-z0-9]+$")]
    pub code: String,
    #[schema(min_length = 1, max_length = 64, pattern = r"\S")]
    pub name_zh: String,
    #[schema(min_length = 1, max_length = 64, pattern = r"\S")]
    pub name_en: String,
    /// Parent unit id or code.
    pub parent: String,
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    District,
    Station,
}

/// Add a district/county bureau or a station under a unit in the caller's subtree (admins).
#[utoipa::path(post, path = "/api/v1/orgs", tag = "orgs", security(("bearer" = []), ("cookie" = [])),
    request_body = NewOrgRequest,
    responses(
        (status = 201, body = Org),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`org_code_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_org(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(req): Json<NewOrgRequest>,
) -> Result<(StatusCode, axum::Json<Org>), ApiError> {
    let n = NewOrg {
        kind: match req.kind {
            OrgKind::District => "district",
            OrgKind::Station => "station",
        }
        .into(),
        code: req.code,
        name_zh: req.name_zh,
        name_en: req.name_en,
        parent: Some(req.parent),
    };
    let org = s
        .app
        .foundation()
        .create_org(Some(&caller.principal), n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(org.into())))
}
