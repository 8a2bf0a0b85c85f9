//! Online applications over HTTP: drafts, the online form, material files, submit (with the
//! pre-check), withdraw, review by clerks, fee payment; and the approval window's statistics.

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_app::{NewPermitApplication, PermitApplicationView, PermitReview};
use jingwu_permits::applications::ApplicationStatus;
use jingwu_permits::records::{Application, ApplicationId, MaterialFile, OfficeId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::date;
use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::ts;
use crate::routes::traffic::{CheckoutView, PayRequest};
use crate::{ApiError, AppState, Problem};

/// An application in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationSummary {
    pub id: String,
    pub item_code: String,
    pub item_name: String,
    pub office_id: String,
    /// `GET /api/v1/permits/codes`, `application_statuses`.
    pub status: String,
    pub fee_fen: i64,
    pub paid: bool,
    /// Last day of the statutory time limit (once accepted).
    pub deadline: Option<String>,
    /// Accepted and past its deadline without a decision.
    pub overdue: bool,
    pub submitted_at: Option<String>,
    pub created_at: String,
}

fn summary(a: &Application, item_name: String, overdue: bool) -> ApplicationSummary {
    ApplicationSummary {
        id: a.id.to_string(),
        item_code: a.item_code.clone(),
        item_name,
        office_id: a.office_id.to_string(),
        status: a.status.as_str().into(),
        fee_fen: a.fee.0,
        paid: a.paid_at.is_some(),
        deadline: a.deadline.map(|d| d.to_string()),
        overdue,
        submitted_at: a.submitted_at.map(ts),
        created_at: ts(a.created_at),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StepView {
    pub status: String,
    pub note: String,
    pub at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialFileView {
    pub code: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_at: String,
}

impl From<MaterialFile> for MaterialFileView {
    fn from(m: MaterialFile) -> Self {
        MaterialFileView {
            code: m.code,
            filename: m.filename,
            content_type: m.content_type,
            size: m.size,
            sha256: m.sha256,
            uploaded_at: ts(m.uploaded_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilledRowView {
    pub key: String,
    pub zh: String,
    pub en: String,
    pub value: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FilledFormView {
    pub zh: String,
    pub en: String,
    pub rows: Vec<FilledRowView>,
}

/// An application with its progress, files and filled forms.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationView {
    #[serde(flatten)]
    pub summary: ApplicationSummary,
    pub office_name: String,
    pub details: serde_json::Map<String, serde_json::Value>,
    pub address: Option<String>,
    /// The fee was paid back through the channel (see `refunds` for one requested, not yet
    /// done, or given up).
    pub refunded: bool,
    /// Refunds of its fee, or of a payment that came after it closed, oldest first.
    pub refunds: Vec<crate::routes::payments::PaymentRefundView>,
    pub accepted_on: Option<String>,
    pub approved_on: Option<String>,
    pub mailed_on: Option<String>,
    /// The day a posted result should leave by (3 days from approval).
    pub mail_due: Option<String>,
    pub tracking_no: Option<String>,
    pub updated_at: String,
    pub steps: Vec<StepView>,
    pub materials: Vec<MaterialFileView>,
    /// The paper forms the window prints, filled from the online form.
    pub forms: Vec<FilledFormView>,
}

fn view(v: PermitApplicationView) -> ApplicationView {
    let summary = summary(&v.application, v.item.name_zh.clone(), v.overdue);
    let a = v.application;
    ApplicationView {
        summary,
        office_name: v.office_name,
        details: a.details,
        address: a.address,
        refunded: a.refunded_at.is_some(),
        refunds: v
            .refunds
            .iter()
            .map(crate::routes::payments::PaymentRefundView::from)
            .collect(),
        accepted_on: a.accepted_on.map(|d| d.to_string()),
        approved_on: a.approved_on.map(|d| d.to_string()),
        mailed_on: a.mailed_on.map(|d| d.to_string()),
        mail_due: v.mail_due.map(|d| d.to_string()),
        tracking_no: a.tracking_no,
        updated_at: ts(a.updated_at),
        steps: v
            .steps
            .into_iter()
            .map(|s| StepView {
                status: s.status.as_str().into(),
                note: s.note,
                at: ts(s.at),
            })
            .collect(),
        materials: v
            .materials
            .into_iter()
            .map(MaterialFileView::from)
            .collect(),
        forms: v
            .forms
            .into_iter()
            .map(|f| FilledFormView {
                zh: f.zh,
                en: f.en,
                rows: f
                    .rows
                    .into_iter()
                    .map(|r| FilledRowView {
                        key: r.key,
                        zh: r.zh,
                        en: r.en,
                        value: r.value,
                    })
                    .collect(),
            })
            .collect(),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplicationRequest {
    pub item_code: String,
    pub office_id: String,
    /// The online form: field key → text (`GET /api/v1/permits/items/{code}`, `fields`).
    #[serde(default)]
    pub details: serde_json::Map<String, serde_json::Value>,
    /// Where to post the result (items that are posted).
    pub address: Option<String>,
}

/// Start an application (a draft) for an item accepted online (a citizen).
#[utoipa::path(post, path = "/api/v1/permits/applications", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    request_body = NewApplicationRequest,
    responses((status = 201, body = ApplicationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`permit_item_not_online`, `permit_item_not_bookable`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewApplicationRequest>,
) -> Result<(StatusCode, axum::Json<ApplicationView>), ApiError> {
    let n = NewPermitApplication {
        item_code: r.item_code,
        office_id: OfficeId::from(r.office_id),
        details: r.details,
        address: r.address,
    };
    let v = s
        .app
        .permits()
        .create_application(&caller.principal, &n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(view(v))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Clerks: statuses, comma-separated (by default those awaiting them).
    pub status: Option<String>,
}

/// A citizen's applications (newest first); for permit clerks, the work queue of their
/// jurisdiction, nearest deadline first.
#[utoipa::path(get, path = "/api/v1/permits/applications", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(ListQuery),
    responses((status = 200, body = Vec<ApplicationSummary>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<Vec<ApplicationSummary>>, ApiError> {
    let statuses = q
        .status
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|x| !x.is_empty())
        .map(|x| {
            ApplicationStatus::parse(x).map_err(|_| {
                ApiError::from(jingwu_app::AppError::invalid(
                    "status",
                    jingwu_permits::error_codes::field::CODE.code,
                    format!("no status {x:?}"),
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let p = s.app.permits();
    let list = p.applications(&caller.principal, &statuses).await?;
    let items = p.items().await?;
    let today = jingwu_core::calendar::local_date(jingwu_core::timestamp_to_micros(s.app.now()));
    Ok(axum::Json(
        list.iter()
            .map(|a| {
                let name = items
                    .iter()
                    .find(|i| i.code == a.item_code)
                    .map(|i| i.name_zh.clone())
                    .unwrap_or_default();
                let overdue = a.status == ApplicationStatus::Accepted
                    && a.deadline.is_some_and(|d| d < today);
                summary(a, name, overdue)
            })
            .collect(),
    ))
}

/// One application with its progress, files and filled paper forms: its applicant, or clerks
/// of its office.
#[utoipa::path(get, path = "/api/v1/permits/applications/{id}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = ApplicationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<ApplicationId>,
) -> Result<axum::Json<ApplicationView>, ApiError> {
    Ok(axum::Json(view(
        s.app.permits().application(&caller.principal, &id).await?,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    pub details: serde_json::Map<String, serde_json::Value>,
    pub address: Option<String>,
}

/// Change the online form or the postal address (a draft or a returned application).
#[utoipa::path(put, path = "/api/v1/permits/applications/{id}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    request_body = UpdateRequest,
    responses((status = 200, body = ApplicationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`permit_application_state`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ApplicationId>,
    Json(r): Json<UpdateRequest>,
) -> Result<axum::Json<ApplicationView>, ApiError> {
    let v = s
        .app
        .permits()
        .update_application(
            &caller.principal,
            &id,
            &r.details,
            r.address.as_deref(),
            &ctx,
        )
        .await?;
    Ok(axum::Json(view(v)))
}

/// Attach the file of a material (PDF, JPEG or PNG, at most 10 MiB; the type is read from the
/// content). The file name comes URL-encoded in `X-Filename`.
#[utoipa::path(put, path = "/api/v1/permits/applications/{id}/materials/{code}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id"), ("code" = String, Path, description = "Material code"),
        ("X-Filename" = Option<String>, Header, description = "The file's name, URL-encoded")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = MaterialFileView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`permit_application_state`", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`material_rejected`, `validation_failed`", body = Problem, content_type = "application/problem+json")))]
pub async fn upload_material(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, code)): Path<(ApplicationId, String)>,
    req: Request,
) -> Result<axum::Json<MaterialFileView>, ApiError> {
    let filename = crate::routes::dto::upload_filename(&req);
    let limit = jingwu_app::MATERIAL_MAX_BYTES;
    let bytes = crate::extract::read_body(req, &s, "a material file", limit).await?;
    let m = s
        .app
        .permits()
        .upload_material(
            &caller.principal,
            &id,
            &code,
            &filename,
            bytes.to_vec(),
            &ctx,
        )
        .await?;
    Ok(axum::Json(m.into()))
}

/// A material file: its applicant, or clerks of the application's office.
#[utoipa::path(get, path = "/api/v1/permits/applications/{id}/materials/{code}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id"), ("code" = String, Path, description = "Material code")),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn material(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, code)): Path<(ApplicationId, String)>,
) -> Result<Response, ApiError> {
    let (m, data) = s
        .app
        .permits()
        .material(&caller.principal, &id, &code)
        .await?;
    let mut resp = data.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&m.content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", m.sha256)) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(resp)
}

/// Submit (or resubmit) the application: the pre-check runs at once; an incomplete one stays
/// as it was and the 422 names each missing material (`materials.<code>`) and field
/// (`details.<key>`).
#[utoipa::path(post, path = "/api/v1/permits/applications/{id}/submit", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = ApplicationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`permit_application_state`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn submit(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ApplicationId>,
) -> Result<axum::Json<ApplicationView>, ApiError> {
    Ok(axum::Json(view(
        s.app
            .permits()
            .submit_application(&caller.principal, &id, &ctx)
            .await?,
    )))
}

/// Withdraw a draft, returned or pre-checked application (a paid fee is refunded).
#[utoipa::path(post, path = "/api/v1/permits/applications/{id}/withdraw", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    responses((status = 200, body = ApplicationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`permit_application_state`", body = Problem, content_type = "application/problem+json")))]
pub async fn withdraw(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ApplicationId>,
) -> Result<axum::Json<ApplicationView>, ApiError> {
    Ok(axum::Json(view(
        s.app
            .permits()
            .withdraw_application(&caller.principal, &id, &ctx)
            .await?,
    )))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewAction {
    Accept,
    Return,
    Reject,
    Approve,
    Mail,
    Deliver,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub action: ReviewAction,
    /// Why (required to return or reject).
    #[serde(default)]
    pub note: String,
    /// The courier's tracking number (to post).
    pub tracking_no: Option<String>,
}

/// A clerk's decision: accept (the statutory clock starts), return for correction or reject
/// (with the reason), approve (fee paid), post (tracking number), deliver.
#[utoipa::path(post, path = "/api/v1/permits/applications/{id}/review", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    request_body = ReviewRequest,
    responses((status = 200, body = ApplicationView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`permit_application_state`, `permit_fee_unpaid`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ApplicationId>,
    Json(r): Json<ReviewRequest>,
) -> Result<axum::Json<ApplicationView>, ApiError> {
    let action = match r.action {
        ReviewAction::Accept => PermitReview::Accept,
        ReviewAction::Return => PermitReview::Return,
        ReviewAction::Reject => PermitReview::Reject,
        ReviewAction::Approve => PermitReview::Approve,
        ReviewAction::Mail => PermitReview::Mail,
        ReviewAction::Deliver => PermitReview::Deliver,
    };
    let v = s
        .app
        .permits()
        .review_application(
            &caller.principal,
            &id,
            action,
            &r.note,
            r.tracking_no.as_deref(),
            &ctx,
        )
        .await?;
    Ok(axum::Json(view(v)))
}

/// Pay the application's fee: opens an order (closing earlier pending ones).
#[utoipa::path(post, path = "/api/v1/permits/applications/{id}/payments", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Application id")),
    request_body = PayRequest,
    responses((status = 201, body = CheckoutView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`already_paid`, `permit_application_state`, `payment_channel_unknown`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn pay(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ApplicationId>,
    Json(r): Json<PayRequest>,
) -> Result<(StatusCode, axum::Json<CheckoutView>), ApiError> {
    let c = s
        .app
        .permits()
        .pay_application(&caller.principal, &id, &r.channel, &ctx)
        .await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(crate::routes::payments::checkout_view(c)),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatsQuery {
    /// First date, `YYYY-MM-DD` (30 days ago when absent).
    pub from: Option<String>,
    /// Last date, `YYYY-MM-DD` (today when absent).
    pub to: Option<String>,
}

/// The approval window's statistics for the caller's jurisdiction (the seed's figures and the
/// queue's KPIs).
#[utoipa::path(get, path = "/api/v1/permits/stats", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(StatsQuery),
    responses((status = 200, body = Object),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn stats(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<StatsQuery>,
) -> Result<axum::Json<jingwu_app::PermitStats>, ApiError> {
    let today = jingwu_core::calendar::local_date(jingwu_core::timestamp_to_micros(s.app.now()));
    let to =
        q.to.as_deref()
            .map(|d| date("to", d))
            .transpose()?
            .unwrap_or(today);
    let from = match q.from.as_deref() {
        Some(d) => date("from", d)?,
        None => to.checked_sub(jiff::Span::new().days(30)).unwrap_or(to),
    };
    Ok(axum::Json(
        s.app.permits().stats(&caller.principal, from, to).await?,
    ))
}
