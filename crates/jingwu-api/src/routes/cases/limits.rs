//! Legal time limits over HTTP: the list, and a change by the city's administrator.

use axum::extract::{Path, State};
use jingwu_cases::error_codes::field;
use jingwu_cases::limits::{AppliesTo, LegalLimit};
use jingwu_core::OrgKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{Caller, Ctx, Json};
use crate::{ApiError, AppState, Problem};

/// A legal time limit and its legal basis.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalLimitView {
    pub code: String,
    /// `custody` (a measure on a person in the handling area, from arrival) or `case` (a case
    /// deadline); `GET /api/v1/cases/codes`, `limit_scopes`.
    pub applies_to: String,
    pub name_zh: String,
    pub name_en: String,
    pub law: String,
    pub article: String,
    /// The text version of the law, e.g. `2012`.
    pub version: String,
    /// The legal basis as one line: law, article, version.
    pub basis: String,
    pub base_minutes: i64,
    /// With every extension the law allows.
    pub max_minutes: i64,
    /// The lowest level (org kind) that approves an extension; absent when it cannot be
    /// extended.
    pub approver_level: Option<String>,
    /// Warnings at these thousandths of the running limit.
    pub warn_permille: Vec<u16>,
}

impl From<LegalLimit> for LegalLimitView {
    fn from(l: LegalLimit) -> Self {
        LegalLimitView {
            basis: l.basis(),
            code: l.code,
            applies_to: l.applies_to.as_str().into(),
            name_zh: l.name_zh,
            name_en: l.name_en,
            law: l.law,
            article: l.article,
            version: l.version,
            base_minutes: l.base_minutes,
            max_minutes: l.max_minutes,
            approver_level: l.approver_level.map(|k| k.as_str().into()),
            warn_permille: l.warn_permille,
        }
    }
}

/// A limit as the administrator enters it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalLimitRequest {
    /// `custody` or `case`; fixed once the limit exists.
    pub applies_to: String,
    pub name_zh: String,
    pub name_en: String,
    pub law: String,
    pub article: String,
    pub version: String,
    pub base_minutes: i64,
    pub max_minutes: i64,
    /// `station`, `district` or `city`; null for a limit that cannot be extended.
    pub approver_level: Option<String>,
    /// Up to three warnings, ascending, in thousandths (1–999).
    #[serde(default)]
    pub warn_permille: Vec<u16>,
}

/// The legal time limits in force: case handlers, legal supervisors and administrators.
#[utoipa::path(get, path = "/api/v1/cases/limits", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<LegalLimitView>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
) -> Result<axum::Json<Vec<LegalLimitView>>, ApiError> {
    let l = s.app.cases().legal_limits(&caller.principal, &ctx).await?;
    Ok(axum::Json(l.into_iter().map(Into::into).collect()))
}

/// Add or change a legal time limit (the city's administrators): when the law changes, the
/// bureau edits the row — the defaults never overwrite it.
#[utoipa::path(put, path = "/api/v1/cases/limits/{code}", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("code" = String, Path, description = "Limit code, e.g. `admin_summons`")),
    request_body = LegalLimitRequest,
    responses((status = 200, body = LegalLimitView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`, `out_of_scope` (not the city's administrator)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (`legal_limit.invalid`, `case_code.unknown`)", body = Problem, content_type = "application/problem+json")))]
pub async fn put(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(code): Path<String>,
    Json(r): Json<LegalLimitRequest>,
) -> Result<axum::Json<LegalLimitView>, ApiError> {
    let applies_to = super::files::code::<AppliesTo>("applies_to", &r.applies_to)?;
    let approver_level = match r.approver_level.as_deref() {
        None => None,
        Some(k) => Some(OrgKind::parse(k).ok_or_else(|| {
            ApiError::from(jingwu_app::AppError::invalid(
                "approver_level",
                field::CODE.code,
                "station, district or city",
            ))
        })?),
    };
    let l = LegalLimit {
        code,
        applies_to,
        name_zh: r.name_zh,
        name_en: r.name_en,
        law: r.law,
        article: r.article,
        version: r.version,
        base_minutes: r.base_minutes,
        max_minutes: r.max_minutes,
        approver_level,
        warn_permille: r.warn_permille,
    };
    let l = s
        .app
        .cases()
        .put_legal_limit(&caller.principal, &ctx, &l)
        .await?;
    Ok(axum::Json(l.into()))
}

pub(super) fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list)).routes(routes!(put))
}
