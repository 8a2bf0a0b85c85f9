//! Legal clocks over HTTP, for both kinds (a measure on a person in the handling area, a case
//! deadline): one clock now, extension requests and decisions, the pending list of a legal
//! office, and the warnings and expiries raised.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::{AlertLine, AppError, ClockView as AppClock, PendingExtension};
use jingwu_cases::clock::ClockKind;
use jingwu_cases::error_codes as codes;
use jingwu_cases::ids::ExtensionId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::area::{ClockExtension, LegalLimitBasis};
use super::files::LegalClockView;
use super::time;
use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

/// A legal clock with what it concerns.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalClock {
    /// `measure` or `deadline`.
    pub kind: String,
    pub id: String,
    pub limit: LegalLimitBasis,
    pub clock: LegalClockView,
    /// The case it belongs to, if any.
    pub case_id: Option<String>,
    /// The person's record, for a measure.
    pub custody_id: Option<String>,
    pub handler_id: String,
    pub org_path: String,
}

impl From<AppClock> for LegalClock {
    fn from(v: AppClock) -> Self {
        LegalClock {
            kind: v.facts.kind.as_str().into(),
            id: v.facts.id,
            limit: (&v.limit).into(),
            clock: v.clock.into(),
            case_id: v.facts.case_id,
            custody_id: v.facts.custody_id,
            handler_id: v.facts.handler_id,
            org_path: v.facts.org_path,
        }
    }
}

/// The clock kind in a path: `measure` or `deadline` (anything else names no clock).
fn kind(s: &str) -> Result<ClockKind, ApiError> {
    ClockKind::from_code(s).ok_or_else(|| ApiError::from(AppError::NotFound { what: "clock" }))
}

/// One legal clock now (handlers and legal supervisors in reach).
#[utoipa::path(get, path = "/api/v1/cases/clocks/{kind}/{id}", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("kind" = String, Path, description = "`measure` or `deadline`"), ("id" = String, Path, description = "Measure or deadline id")),
    responses((status = 200, body = LegalClock),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn clock(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((k, id)): Path<(String, String)>,
) -> Result<axum::Json<LegalClock>, ApiError> {
    let k = kind(&k)?;
    let v = s.app.cases().clock(&caller.principal, k, &id, &ctx).await?;
    Ok(axum::Json(v.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockExtensionRequest {
    /// More minutes asked for; base plus every extension stays within the law's maximum.
    pub minutes: i64,
    pub reason: String,
}

/// Ask for more time on a running clock (handlers of its unit): before it runs out, within
/// the maximum, one request at a time.
#[utoipa::path(post, path = "/api/v1/cases/clocks/{kind}/{id}/extensions", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("kind" = String, Path, description = "`measure` or `deadline`"), ("id" = String, Path, description = "Measure or deadline id")),
    request_body = ClockExtensionRequest,
    responses((status = 201, body = ClockExtension),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`extension_refused` (not extensible, past the maximum, run out or stopped), `extension_state` (a request is pending)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn request_extension(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((k, id)): Path<(String, String)>,
    Json(r): Json<ClockExtensionRequest>,
) -> Result<(StatusCode, axum::Json<ClockExtension>), ApiError> {
    let k = kind(&k)?;
    let e = s
        .app
        .cases()
        .request_extension(&caller.principal, k, &id, r.minutes, &r.reason, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(e.into())))
}

/// An extension waiting for a decision, with the clock it would move.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingClockExtension {
    pub extension: ClockExtension,
    pub clock: LegalClock,
}

impl From<PendingExtension> for PendingClockExtension {
    fn from(p: PendingExtension) -> Self {
        PendingClockExtension {
            extension: p.extension.into(),
            clock: p.clock.into(),
        }
    }
}

/// Extensions waiting for a decision on running clocks the caller supervises, oldest first
/// (legal supervisors).
#[utoipa::path(get, path = "/api/v1/cases/extensions", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<PendingClockExtension>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn pending(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<PendingClockExtension>>, ApiError> {
    let list = s.app.cases().pending_extensions(&caller.principal).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtensionDecisionRequest {
    pub approve: bool,
    #[serde(default)]
    pub note: String,
}

/// Approve or refuse an extension (legal supervisors in reach whose unit is of the level the
/// limit asks for: otherwise 403 `approver_level`). Decided once: the later of two decisions
/// gets 409 `extension_state`.
#[utoipa::path(post, path = "/api/v1/cases/extensions/{id}/decision", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Extension id")),
    request_body = ExtensionDecisionRequest,
    responses((status = 200, body = ClockExtension),
        (status = 403, description = "`forbidden` or `approver_level`", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`extension_state`, `extension_refused`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn decide(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ExtensionId>,
    Json(r): Json<ExtensionDecisionRequest>,
) -> Result<axum::Json<ClockExtension>, ApiError> {
    let e = s
        .app
        .cases()
        .decide_extension(&caller.principal, &id, r.approve, &r.note, &ctx)
        .await
        .map_err(|e| match e {
            // The approver's level is an authorization refusal: 403 with its own code.
            AppError::Conflict { code, detail } if code == codes::APPROVER_LEVEL.code => {
                ApiError::of(codes::APPROVER_LEVEL, detail)
            }
            e => e.into(),
        })?;
    Ok(axum::Json(e.into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ClockAlertsQuery {
    /// RFC 3339; default a week ago.
    pub since: Option<String>,
}

/// A warning or expiry raised for a clock in the caller's reach.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockAlertView {
    /// `first` (the handler), `second` (also the supervisor), `third` (also the legal
    /// office), `expired` (everyone).
    pub level: String,
    /// When its point was reached.
    pub at: String,
    /// `measure` or `deadline`.
    pub clock: String,
    pub clock_id: String,
    pub limit: LegalLimitBasis,
    /// The clock has stopped since (an outcome, a new measure, the deadline met).
    pub stopped: bool,
    pub case_id: Option<String>,
    pub custody_id: Option<String>,
    pub handler_id: String,
    pub org_path: String,
}

impl From<AlertLine> for ClockAlertView {
    fn from(a: AlertLine) -> Self {
        ClockAlertView {
            level: a.alert.as_str().into(),
            at: ts(a.at),
            clock: a.facts.kind.as_str().into(),
            clock_id: a.facts.id,
            limit: (&a.limit).into(),
            stopped: a.facts.stopped_at.is_some(),
            case_id: a.facts.case_id,
            custody_id: a.facts.custody_id,
            handler_id: a.facts.handler_id,
            org_path: a.facts.org_path,
        }
    }
}

/// Warnings and expiries raised for clocks in the caller's reach, latest first (at most 500):
/// what escalated. Handlers and legal supervisors.
#[utoipa::path(get, path = "/api/v1/cases/alerts", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(ClockAlertsQuery),
    responses((status = 200, body = Vec<ClockAlertView>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn alerts(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ClockAlertsQuery>,
) -> Result<axum::Json<Vec<ClockAlertView>>, ApiError> {
    let since = q.since.as_deref().map(|v| time("since", v)).transpose()?;
    let list = s.app.cases().alerts(&caller.principal, since).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

pub(super) fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(clock))
        .routes(routes!(request_extension))
        .routes(routes!(pending))
        .routes(routes!(decide))
        .routes(routes!(alerts))
}
