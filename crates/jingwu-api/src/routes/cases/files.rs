//! Case files over HTTP: open and list cases, the full file (an audited view), parties, steps
//! with documents (uploaded raw, downloaded after a fresh SHA-256 check), case deadlines with
//! their clocks, status moves, supervision comments and corrections, and the supervision view.

use axum::extract::{DefaultBodyLimit, Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_app::{
    AlertingClock, CaseDeadlineView as DeadlineRecord, CaseFile, CaseQuery, CaseSummary,
    FlaggedItem, NewCase, NewParty, SupervisionView,
};
use jingwu_cases::case::{
    CaseKind, CaseStatus, Comment, CommentKind, Document, IdKind, Party, PartyRole, Step, StepKind,
};
use jingwu_cases::clock::ClockState;
use jingwu_cases::error_codes::field;
use jingwu_cases::ids::{CaseId, CommentId, DeadlineId};
use jingwu_core::TextEnum;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

/// A code of one of `jingwu-cases`' lists, or a 422 naming `name` (`case_code.unknown`).
pub(super) fn code<T: TextEnum>(name: &str, s: &str) -> Result<T, ApiError> {
    T::from_code(s).ok_or_else(|| {
        ApiError::from(jingwu_app::AppError::invalid(
            name,
            field::CODE.code,
            format!("no {} {s:?} (GET /api/v1/cases/codes)", T::KIND),
        ))
    })
}

/// A legal clock at the instant of the answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct LegalClockView {
    pub started_at: String,
    pub due_at: String,
    /// The limit in force, extensions included.
    pub limit_minutes: i64,
    /// Seconds left (negative once expired), now or when it stopped.
    pub remaining_seconds: i64,
    /// Share of the limit used, in thousandths (1000 and more once expired).
    pub used_permille: i64,
    /// The highest alert reached (`GET /api/v1/cases/codes`, `clock_alerts`), if any.
    pub alert: Option<String>,
    pub stopped: bool,
}

impl From<ClockState> for LegalClockView {
    fn from(s: ClockState) -> Self {
        LegalClockView {
            started_at: ts(s.started_at),
            due_at: ts(s.due_at),
            limit_minutes: s.limit_minutes,
            remaining_seconds: s.remaining_us.div_euclid(1_000_000),
            used_permille: s.used_permille,
            alert: s.alert.map(|a| a.as_str().into()),
            stopped: s.stopped,
        }
    }
}

/// A case in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub id: String,
    /// Kind letter (`A` criminal, `X` administrative), the handling unit's code, the year,
    /// a five-digit sequence.
    pub number: String,
    /// `criminal` or `administrative`.
    pub kind: String,
    /// `GET /api/v1/cases/codes`, `case_statuses`.
    pub status: String,
    pub title: String,
    /// The cause (案由).
    pub cause: String,
    /// The handling unit.
    pub org_id: String,
    pub org_name: String,
    /// The supervising legal office.
    pub legal_org_id: String,
    pub legal_org_name: String,
    pub handler_id: String,
    pub handler_name: String,
    pub supervisor_id: Option<String>,
    /// The 110 incident the case was opened from.
    pub incident_id: Option<String>,
    pub accepted_at: String,
    pub filed_at: Option<String>,
    pub closed_at: Option<String>,
    pub close_reason: Option<String>,
}

fn case_view(s: &CaseSummary) -> CaseView {
    let (c, p) = (&s.case, &s.place);
    CaseView {
        id: c.id.to_string(),
        number: c.number.clone(),
        kind: c.kind.as_str().into(),
        status: c.status.as_str().into(),
        title: c.title.clone(),
        cause: c.cause.clone(),
        org_id: c.org_id.clone(),
        org_name: p.org_name.clone(),
        legal_org_id: c.legal_org_id.clone(),
        legal_org_name: p.legal_org_name.clone(),
        handler_id: c.handler_id.clone(),
        handler_name: p.handler_name.clone(),
        supervisor_id: c.supervisor_id.clone(),
        incident_id: c.incident_id.clone(),
        accepted_at: ts(c.accepted_at),
        filed_at: c.filed_at.map(ts),
        closed_at: c.closed_at.map(ts),
        close_reason: c.close_reason.clone(),
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CasePartyView {
    pub id: String,
    /// `GET /api/v1/cases/codes`, `party_roles`.
    pub role: String,
    pub name: String,
    /// `GET /api/v1/cases/codes`, `id_kinds`.
    pub id_kind: String,
    /// Normalised; absent for an unknown identity.
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub address: String,
    pub note: String,
    pub added_by: String,
    pub added_at: String,
}

impl From<Party> for CasePartyView {
    fn from(p: Party) -> Self {
        CasePartyView {
            id: p.id.to_string(),
            role: p.role.as_str().into(),
            name: p.name,
            id_kind: p.id_kind.as_str().into(),
            id_number: p.id_number,
            phone: p.phone,
            address: p.address,
            note: p.note,
            added_by: p.added_by,
            added_at: ts(p.added_at),
        }
    }
}

/// A document attached to a step.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDocumentView {
    pub sha256: String,
    pub name: String,
    pub media_type: String,
    pub bytes: i64,
    /// Where to download it (`GET`; re-hashed on every download).
    pub url: String,
}

fn document_view(case_id: &str, d: Document) -> CaseDocumentView {
    CaseDocumentView {
        url: format!("/api/v1/cases/{case_id}/documents/{}", d.sha256),
        sha256: d.sha256,
        name: d.name,
        media_type: d.media_type,
        bytes: d.bytes,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseStepView {
    pub id: String,
    /// `GET /api/v1/cases/codes`, `step_kinds`.
    pub kind: String,
    pub note: String,
    pub document: Option<CaseDocumentView>,
    pub by_id: String,
    pub at: String,
}

impl From<Step> for CaseStepView {
    fn from(s: Step) -> Self {
        let case_id = s.case_id.to_string();
        CaseStepView {
            id: s.id.to_string(),
            kind: s.kind.as_str().into(),
            note: s.note,
            document: s.document.map(|d| document_view(&case_id, d)),
            by_id: s.by_id,
            at: ts(s.at),
        }
    }
}

/// A case deadline with its legal basis and its clock now.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseDeadlineView {
    pub id: String,
    pub limit_code: String,
    pub limit_name_zh: String,
    pub limit_name_en: String,
    /// Law, article and text version.
    pub basis: String,
    pub started_at: String,
    /// When it was recorded met (the clock stopped).
    pub met_at: Option<String>,
    pub note: String,
    /// Approved extensions, in minutes.
    pub extended_minutes: i64,
    pub clock: LegalClockView,
}

impl From<DeadlineRecord> for CaseDeadlineView {
    fn from(v: DeadlineRecord) -> Self {
        CaseDeadlineView {
            id: v.deadline.id.to_string(),
            basis: v.limit.basis(),
            limit_code: v.limit.code,
            limit_name_zh: v.limit.name_zh,
            limit_name_en: v.limit.name_en,
            started_at: ts(v.deadline.started_at),
            met_at: v.deadline.met_at.map(ts),
            note: v.deadline.note,
            extended_minutes: v.extended_minutes,
            clock: v.clock.into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CaseCommentView {
    pub id: String,
    pub case_id: String,
    /// `comment` or `correction`.
    pub kind: String,
    pub text: String,
    pub by_id: String,
    pub at: String,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<String>,
    /// The handler's answer to a correction.
    pub resolution: Option<String>,
}

impl From<Comment> for CaseCommentView {
    fn from(c: Comment) -> Self {
        CaseCommentView {
            id: c.id.to_string(),
            case_id: c.case_id.to_string(),
            kind: c.kind.as_str().into(),
            text: c.text,
            by_id: c.by_id,
            at: ts(c.at),
            resolved_by: c.resolved_by,
            resolved_at: c.resolved_at.map(ts),
            resolution: c.resolution,
        }
    }
}

/// What still keeps a case from ending.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseOpenWorkView {
    /// Required corrections not answered.
    pub corrections: usize,
    /// People in a handling area for the case.
    pub in_area: usize,
    /// Deadlines not met.
    pub running_deadlines: usize,
}

/// The whole case file.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseFileView {
    #[serde(flatten)]
    pub case: CaseView,
    pub summary: String,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub occurred_at: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub parties: Vec<CasePartyView>,
    pub steps: Vec<CaseStepView>,
    pub deadlines: Vec<CaseDeadlineView>,
    pub comments: Vec<CaseCommentView>,
    pub open: CaseOpenWorkView,
}

fn file_view(f: CaseFile) -> CaseFileView {
    let s = CaseSummary {
        case: f.case,
        place: f.place,
    };
    let case = case_view(&s);
    let c = s.case;
    CaseFileView {
        case,
        summary: c.summary,
        address: c.address,
        lat: c.lat,
        lon: c.lon,
        occurred_at: c.occurred_at.map(ts),
        created_by: c.created_by,
        created_at: ts(c.created_at),
        parties: f.parties.into_iter().map(Into::into).collect(),
        steps: f.steps.into_iter().map(Into::into).collect(),
        deadlines: f.deadlines.into_iter().map(Into::into).collect(),
        comments: f.comments.into_iter().map(Into::into).collect(),
        open: CaseOpenWorkView {
            corrections: f.open.corrections,
            in_area: f.open.in_area,
            running_deadlines: f.open.running_deadlines,
        },
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseRequest {
    /// `criminal` or `administrative`.
    pub kind: String,
    pub title: String,
    /// The cause (案由), e.g. 盗窃.
    pub cause: String,
    #[serde(default)]
    pub summary: String,
    /// The handling unit: the caller's own unless a unit of its subtree is named.
    pub org_id: Option<String>,
    #[serde(default)]
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// When it happened (RFC 3339, not in the future).
    pub occurred_at: Option<String>,
    /// When it was accepted (RFC 3339, not in the future; now when absent).
    pub accepted_at: Option<String>,
    /// A legal supervisor over the handling unit or its legal office.
    pub supervisor_id: Option<String>,
}

/// Open a case (a case handler): handled by the caller's unit or one of its subtree,
/// supervised by the nearest district bureau's legal office (the city's for a city unit).
#[utoipa::path(post, path = "/api/v1/cases", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    request_body = NewCaseRequest,
    responses((status = 201, body = CaseView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`, `out_of_scope` (a unit outside the caller's subtree)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn open(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<NewCaseRequest>,
) -> Result<(StatusCode, axum::Json<CaseView>), ApiError> {
    let n = NewCase {
        kind: Some(code::<CaseKind>("kind", &r.kind)?),
        title: r.title,
        cause: r.cause,
        summary: r.summary,
        org_id: r.org_id,
        address: r.address,
        lat: r.lat,
        lon: r.lon,
        occurred_at: r
            .occurred_at
            .as_deref()
            .map(|t| super::time("occurred_at", t))
            .transpose()?,
        accepted_at: r
            .accepted_at
            .as_deref()
            .map(|t| super::time("accepted_at", t))
            .transpose()?,
        supervisor_id: r.supervisor_id,
        incident_id: None,
    };
    let c = s.app.cases().open_case(&caller.principal, &ctx, &n).await?;
    Ok((StatusCode::CREATED, axum::Json(case_view(&c))))
}

/// A case opened from a 110 incident.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseFromIncidentRequest {
    /// `criminal` or `administrative`.
    pub kind: String,
    /// The incident's type and address when empty.
    #[serde(default)]
    pub title: String,
    /// The cause (案由); the incident's subcategory when empty.
    #[serde(default)]
    pub cause: String,
    /// A legal supervisor over the handling unit or its legal office.
    pub supervisor_id: Option<String>,
}

/// Open a case from a 110 incident in one step (a case handler whose subtree holds the
/// incident's station): the case takes the incident's station, place, time, description and
/// caller (as reporter); its scene media become digital evidence with their SHA-256 re-checked;
/// the incident's timeline shows `case_opened`.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/case", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    request_body = CaseFromIncidentRequest,
    responses((status = 201, body = CaseView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`case_exists_for_incident`, `case_state` (a merged incident)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn open_from_incident(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<jingwu_core::IncidentId>,
    Json(r): Json<CaseFromIncidentRequest>,
) -> Result<(StatusCode, axum::Json<CaseView>), ApiError> {
    let f = jingwu_app::CaseFromIncident {
        kind: code::<CaseKind>("kind", &r.kind)?,
        title: r.title,
        cause: r.cause,
        supervisor_id: r.supervisor_id,
    };
    let c = s
        .app
        .cases()
        .open_from_incident(&caller.principal, &ctx, &id, &f)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(case_view(&c))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Statuses, comma-separated (all when absent).
    pub status: Option<String>,
    /// `criminal` or `administrative`.
    pub kind: Option<String>,
    /// Text in the number, title or cause.
    pub q: Option<String>,
    /// Only cases handled in this unit's subtree (it must lie in the caller's).
    pub org: Option<String>,
}

/// The cases in the caller's reach — handled in its subtree, and for legal supervisors also
/// supervised by its office — most recently accepted first (at most 500).
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(ListQuery),
    responses((status = 200, body = Vec<CaseView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`, `out_of_scope` (`org` outside the caller's subtree)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<Vec<CaseView>>, ApiError> {
    let statuses = q
        .status
        .as_deref()
        .unwrap_or("")
        .split(',')
        .filter(|x| !x.is_empty())
        .map(|x| code::<CaseStatus>("status", x))
        .collect::<Result<Vec<_>, _>>()?;
    let query = CaseQuery {
        statuses,
        kind: q
            .kind
            .as_deref()
            .map(|k| code::<CaseKind>("kind", k))
            .transpose()?,
        q: q.q,
        org_id: q.org,
    };
    let list = s.app.cases().cases(&caller.principal, &ctx, &query).await?;
    Ok(axum::Json(list.iter().map(case_view).collect()))
}

/// The full case file: parties, steps and documents, deadlines with their clocks, supervision,
/// what is still open. Every look is recorded in the audit log.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Case id")),
    responses((status = 200, body = CaseFileView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CaseId>,
) -> Result<axum::Json<CaseFileView>, ApiError> {
    let f = s
        .app
        .cases()
        .case_file(&caller.principal, &ctx, &id)
        .await?;
    Ok(axum::Json(file_view(f)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPartyRequest {
    /// `suspect`, `victim`, `witness` or `reporter`.
    pub role: String,
    pub name: String,
    /// `resident_id` (checked by GB 11643), `passport`, `other` or `unknown` (no number).
    pub id_kind: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub note: String,
}

/// Add a person to an open case; an identity number that does not fit its document is a 422
/// `identity.invalid` on `id_number`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/parties", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Case id")),
    request_body = NewPartyRequest,
    responses((status = 201, body = CasePartyView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`case_state`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_party(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CaseId>,
    Json(r): Json<NewPartyRequest>,
) -> Result<(StatusCode, axum::Json<CasePartyView>), ApiError> {
    let p = NewParty {
        role: code::<PartyRole>("role", &r.role)?,
        name: r.name,
        id_kind: code::<IdKind>("id_kind", &r.id_kind)?,
        id_number: r.id_number,
        phone: r.phone,
        address: r.address,
        note: r.note,
    };
    let p = s
        .app
        .cases()
        .add_party(&caller.principal, &ctx, &id, &p)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(p.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseStepRequest {
    /// `GET /api/v1/cases/codes`, `step_kinds` (not those a status change records).
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

/// Record a step of an open case without a document.
#[utoipa::path(post, path = "/api/v1/cases/{id}/steps", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Case id")),
    request_body = NewCaseStepRequest,
    responses((status = 201, body = CaseStepView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`case_state`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_step(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CaseId>,
    Json(r): Json<NewCaseStepRequest>,
) -> Result<(StatusCode, axum::Json<CaseStepView>), ApiError> {
    let kind = code::<StepKind>("kind", &r.kind)?;
    let step = s
        .app
        .cases()
        .add_step(&caller.principal, &ctx, &id, kind, &r.note, None)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(step.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DocumentStepQuery {
    /// `GET /api/v1/cases/codes`, `step_kinds` (not those a status change records).
    pub kind: String,
    pub note: Option<String>,
}

/// Record a step of an open case with its document as the raw body (PDF, JPEG or PNG, at most
/// 20 MiB; the type is read from the content). The file name comes URL-encoded in
/// `X-Filename`.
#[utoipa::path(post, path = "/api/v1/cases/{id}/steps/document", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Case id"), DocumentStepQuery,
        ("X-Filename" = Option<String>, Header, description = "The file's name, URL-encoded")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = CaseStepView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`case_state`", body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`case_document_rejected`, `validation_failed`", body = Problem, content_type = "application/problem+json")))]
pub async fn add_document_step(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CaseId>,
    Query(q): Query<DocumentStepQuery>,
    req: Request,
) -> Result<(StatusCode, axum::Json<CaseStepView>), ApiError> {
    let kind = code::<StepKind>("kind", &q.kind)?;
    let filename = crate::routes::dto::upload_filename(&req);
    let limit = jingwu_app::CASE_DOCUMENT_MAX_BYTES;
    let bytes = crate::extract::read_body(req, &s, "a document", limit).await?;
    let step = s
        .app
        .cases()
        .add_step(
            &caller.principal,
            &ctx,
            &id,
            kind,
            q.note.as_deref().unwrap_or(""),
            Some((filename, bytes.to_vec())),
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(step.into())))
}

/// A document of the case. Its stored bytes are hashed again: a file that no longer matches
/// its SHA-256 is answered 409 `integrity_failed` (and recorded); every download is an
/// audited view.
#[utoipa::path(get, path = "/api/v1/cases/{id}/documents/{sha256}", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Case id"), ("sha256" = String, Path, description = "The document's SHA-256")),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`integrity_failed`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn document(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, sha256)): Path<(CaseId, String)>,
) -> Result<Response, ApiError> {
    let (d, data) = s
        .app
        .cases()
        .case_document(&caller.principal, &ctx, &id, &sha256)
        .await?;
    let mut resp = data.into_response();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&d.media_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", d.sha256)) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    Ok(resp)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseDeadlineRequest {
    /// A legal limit that applies to cases (`GET /api/v1/cases/limits`).
    pub limit_code: String,
    /// When the clock starts (RFC 3339, not in the future), e.g. the detention.
    pub started_at: String,
    #[serde(default)]
    pub note: String,
}

/// Start a case deadline: a legal clock under a limit of cases, warned at the limit's
/// thousandths and overdue at its end.
#[utoipa::path(post, path = "/api/v1/cases/{id}/deadlines", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Case id")),
    request_body = NewCaseDeadlineRequest,
    responses((status = 201, body = CaseDeadlineView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`case_state`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`legal_limit_unknown`, `validation_failed`", body = Problem, content_type = "application/problem+json")))]
pub async fn start_deadline(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CaseId>,
    Json(r): Json<NewCaseDeadlineRequest>,
) -> Result<(StatusCode, axum::Json<CaseDeadlineView>), ApiError> {
    let started_at = super::time("started_at", &r.started_at)?;
    let d = s
        .app
        .cases()
        .start_deadline(
            &caller.principal,
            &ctx,
            &id,
            &r.limit_code,
            started_at,
            &r.note,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(d.into())))
}

/// Record a case deadline met: its clock stops (once).
#[utoipa::path(post, path = "/api/v1/cases/{id}/deadlines/{deadline_id}/met", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Case id"), ("deadline_id" = String, Path, description = "Deadline id")),
    responses((status = 200, body = CaseDeadlineView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`deadline_met`", body = Problem, content_type = "application/problem+json")))]
pub async fn meet_deadline(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, deadline_id)): Path<(CaseId, DeadlineId)>,
) -> Result<axum::Json<CaseDeadlineView>, ApiError> {
    let d = s
        .app
        .cases()
        .meet_deadline(&caller.principal, &ctx, &id, &deadline_id)
        .await?;
    Ok(axum::Json(d.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseStatusRequest {
    /// `filed`, `closed`, `revoked` or `not_filed`.
    pub to: String,
    /// Why (required to revoke or not file; the result when closing).
    #[serde(default)]
    pub reason: String,
}

/// Move a case: file (criminal), close, revoke, not file. A case does not end while a required
/// correction is open (409 `correction_open`), a person is still in the handling area for it
/// or a deadline runs (409 `case_state`).
#[utoipa::path(post, path = "/api/v1/cases/{id}/status", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Case id")),
    request_body = CaseStatusRequest,
    responses((status = 200, body = CaseView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`case_state`, `correction_open`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn move_case(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CaseId>,
    Json(r): Json<CaseStatusRequest>,
) -> Result<axum::Json<CaseView>, ApiError> {
    let to = code::<CaseStatus>("to", &r.to)?;
    let c = s
        .app
        .cases()
        .move_case(&caller.principal, &ctx, &id, to, &r.reason)
        .await?;
    Ok(axum::Json(case_view(&c)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CaseCommentRequest {
    /// `comment` or `correction` (the handler must answer it before the case ends).
    pub kind: String,
    pub text: String,
}

/// A legal supervisor's comment or required correction on a case in reach.
#[utoipa::path(post, path = "/api/v1/cases/{id}/comments", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Case id")),
    request_body = CaseCommentRequest,
    responses((status = 201, body = CaseCommentView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`case_state` (a correction on an ended case)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn add_comment(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CaseId>,
    Json(r): Json<CaseCommentRequest>,
) -> Result<(StatusCode, axum::Json<CaseCommentView>), ApiError> {
    let kind = code::<CommentKind>("kind", &r.kind)?;
    let c = s
        .app
        .cases()
        .add_comment(&caller.principal, &ctx, &id, kind, &r.text)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(c.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionAnswerRequest {
    /// What was corrected.
    pub resolution: String,
}

/// The handler answers a required correction (once: 409 `correction_answered` after).
#[utoipa::path(post, path = "/api/v1/cases/comments/{id}/resolve", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Comment id")),
    request_body = CorrectionAnswerRequest,
    responses((status = 200, body = CaseCommentView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`correction_answered`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn resolve(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<CommentId>,
    Json(r): Json<CorrectionAnswerRequest>,
) -> Result<axum::Json<CaseCommentView>, ApiError> {
    let c = s
        .app
        .cases()
        .resolve_correction(&caller.principal, &ctx, &id, &r.resolution)
        .await?;
    Ok(axum::Json(c.into()))
}

/// A case as supervision lists name it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseRefView {
    pub id: String,
    pub number: String,
    pub title: String,
}

fn case_ref(l: jingwu_app::CaseLabel) -> CaseRefView {
    CaseRefView {
        id: l.case_id,
        number: l.number,
        title: l.title,
    }
}

/// A running legal clock in warning or overdue.
#[derive(Debug, Serialize, ToSchema)]
pub struct AlertingClockView {
    /// `measure` (a person in the handling area) or `deadline` (a case deadline).
    pub kind: String,
    /// The measure's or deadline's id.
    pub id: String,
    pub limit_code: String,
    pub limit_name_zh: String,
    pub limit_name_en: String,
    pub basis: String,
    pub case: Option<CaseRefView>,
    /// The person's custody record (measures).
    pub custody_id: Option<String>,
    pub handler_id: String,
    pub supervisor_id: Option<String>,
    pub extended_minutes: i64,
    pub clock: LegalClockView,
}

impl From<AlertingClock> for AlertingClockView {
    fn from(a: AlertingClock) -> Self {
        AlertingClockView {
            kind: a.facts.kind.as_str().into(),
            id: a.facts.id,
            basis: a.limit.basis(),
            limit_code: a.limit.code,
            limit_name_zh: a.limit.name_zh,
            limit_name_en: a.limit.name_en,
            case: a.case.map(case_ref),
            custody_id: a.facts.custody_id,
            handler_id: a.facts.handler_id,
            supervisor_id: a.facts.supervisor_id,
            extended_minutes: a.extended_minutes,
            clock: a.state.into(),
        }
    }
}

/// An open correction with its case.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpenCorrectionView {
    #[serde(flatten)]
    pub comment: CaseCommentView,
    pub case: CaseRefView,
}

/// An evidence item flagged for attention.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupervisedItemView {
    pub item_id: String,
    pub barcode: String,
    pub description: String,
    pub category: String,
    pub state: String,
    pub case: CaseRefView,
}

impl From<FlaggedItem> for SupervisedItemView {
    fn from(f: FlaggedItem) -> Self {
        SupervisedItemView {
            item_id: f.item_id,
            barcode: f.barcode,
            description: f.description,
            category: f.category,
            state: f.state,
            case: case_ref(f.case),
        }
    }
}

/// What supervision keeps an eye on.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseSupervisionView {
    /// Running clocks in warning or overdue, the soonest due first.
    pub clocks: Vec<AlertingClockView>,
    /// Required corrections not answered, oldest first.
    pub corrections: Vec<OpenCorrectionView>,
    /// Flagged evidence items, by case.
    pub flagged: Vec<SupervisedItemView>,
}

impl From<SupervisionView> for CaseSupervisionView {
    fn from(v: SupervisionView) -> Self {
        CaseSupervisionView {
            clocks: v.clocks.into_iter().map(Into::into).collect(),
            corrections: v
                .corrections
                .into_iter()
                .map(|(c, l)| OpenCorrectionView {
                    comment: c.into(),
                    case: case_ref(l),
                })
                .collect(),
            flagged: v.flagged.into_iter().map(Into::into).collect(),
        }
    }
}

/// The supervision view of the caller's reach: legal clocks (people in the handling area,
/// case deadlines) in warning or overdue, open corrections, flagged evidence items.
#[utoipa::path(get, path = "/api/v1/cases/supervision", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = CaseSupervisionView),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn supervision(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
) -> Result<axum::Json<CaseSupervisionView>, ApiError> {
    let v = s.app.cases().supervision(&caller.principal, &ctx).await?;
    Ok(axum::Json(v.into()))
}

pub(super) fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list, open))
        .routes(routes!(open_from_incident))
        .routes(routes!(supervision))
        .routes(routes!(get))
        .routes(routes!(add_party))
        .routes(routes!(add_step))
        .routes(routes!(add_document_step).layer(DefaultBodyLimit::max(
            jingwu_app::CASE_DOCUMENT_MAX_BYTES + 64 * 1024,
        )))
        .routes(routes!(document))
        .routes(routes!(start_deadline))
        .routes(routes!(meet_deadline))
        .routes(routes!(move_case))
        .routes(routes!(add_comment))
        .routes(routes!(resolve))
}
