//! Inter-agency linkage (联动): linked agencies, notifying one of an incident, the incident's
//! linkage messages, and the inbound acknowledgement an agency signs (no sign-in).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use jingwu_app::{AgencyInput, AgencyView, LinkageView, SignedHeaders};
use jingwu_command::linkage::{MESSAGE_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use jingwu_core::IncidentId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{Caller, Ctx, Json};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

/// An agency (its secret is never shown).
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyBody {
    pub code: String,
    /// `fire` (119), `ambulance` (120), `traffic`, `city_department`.
    pub kind: String,
    pub name: String,
    pub endpoint_url: String,
    pub enabled: bool,
    /// The bureau that registered it.
    pub org_id: String,
}

fn agency_body(a: AgencyView) -> AgencyBody {
    AgencyBody {
        code: a.code,
        kind: a.kind.as_str().into(),
        name: a.name,
        endpoint_url: a.endpoint_url,
        enabled: a.enabled,
        org_id: a.org_id,
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAgency {
    /// 2 to 32 of `a-z 0-9 _ -`, e.g. `120-haishu`.
    pub code: String,
    pub kind: String,
    pub name: String,
    /// Where messages are POSTed (http://; a TLS proxy in front for https).
    pub endpoint_url: String,
    /// Shared secret for HMAC-SHA256 signatures both ways, 16 to 200 characters.
    pub secret: String,
    #[serde(default = "yes")]
    pub enabled: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyUpdate {
    pub kind: String,
    pub name: String,
    pub endpoint_url: String,
    pub secret: String,
    pub enabled: bool,
}

/// Linked agencies the caller may notify (registered at or above their org) or keeps.
#[utoipa::path(get, path = "/api/v1/linkage/agencies", tag = "command", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<AgencyBody>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list_agencies(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<AgencyBody>>, ApiError> {
    let v = s.app.command().agencies(&caller.principal).await?;
    Ok(axum::Json(v.into_iter().map(agency_body).collect()))
}

/// An admin registers a linked agency for their bureau.
#[utoipa::path(post, path = "/api/v1/linkage/agencies", tag = "command", security(("bearer" = []), ("cookie" = [])),
    request_body = NewAgency,
    responses((status = 201, body = AgencyBody),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`agency_exists`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_agency(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(b): Json<NewAgency>,
) -> Result<(StatusCode, axum::Json<AgencyBody>), ApiError> {
    let a = s
        .app
        .command()
        .register_agency(
            &caller.principal,
            AgencyInput {
                code: b.code,
                kind: b.kind,
                name: b.name,
                endpoint_url: b.endpoint_url,
                secret: b.secret,
                enabled: b.enabled,
            },
            &ctx,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(agency_body(a))))
}

/// An admin over the registering bureau changes an agency (name, endpoint, secret, enabled).
#[utoipa::path(put, path = "/api/v1/linkage/agencies/{code}", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("code" = String, Path, description = "Agency code")),
    request_body = AgencyUpdate,
    responses((status = 200, body = AgencyBody),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_agency(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(code): Path<String>,
    Json(b): Json<AgencyUpdate>,
) -> Result<axum::Json<AgencyBody>, ApiError> {
    let a = s
        .app
        .command()
        .update_agency(
            &caller.principal,
            &code,
            AgencyInput {
                code: code.clone(),
                kind: b.kind,
                name: b.name,
                endpoint_url: b.endpoint_url,
                secret: b.secret,
                enabled: b.enabled,
            },
            &ctx,
        )
        .await?;
    Ok(axum::Json(agency_body(a)))
}

/// One linkage message of an incident.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkageMessageView {
    pub id: String,
    pub agency: String,
    pub agency_name: String,
    /// `queued`, `delivered`, `acknowledged` or `failed`.
    pub status: String,
    pub note: String,
    pub attempts: i64,
    /// When the next attempt is due (queued messages).
    pub next_attempt_at: Option<String>,
    pub last_error: Option<String>,
    pub created_at: String,
    pub delivered_at: Option<String>,
    pub acknowledged_at: Option<String>,
}

fn message_view(v: LinkageView) -> LinkageMessageView {
    let m = v.message;
    let queued = m.status == jingwu_command::linkage::DeliveryStatus::Queued;
    LinkageMessageView {
        id: m.id,
        agency: v.agency_code,
        agency_name: v.agency_name,
        status: m.status.as_str().into(),
        note: m.note,
        attempts: m.attempts,
        next_attempt_at: queued.then(|| ts(m.next_attempt_at)),
        last_error: m.last_error,
        created_at: ts(m.created_at),
        delivered_at: m.delivered_at.map(ts),
        acknowledged_at: m.acknowledged_at.map(ts),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifyRequest {
    /// Agency code, e.g. `120-haishu`.
    pub agency: String,
    /// Only these units of the incident (default: all).
    #[serde(default)]
    pub unit_ids: Vec<String>,
    #[serde(default)]
    pub note: String,
}

/// Sends the incident (or the chosen units of it) to a linked agency as a NENA EIDO message:
/// queued now, delivered and retried by the linkage job, on the timeline as `linkage_sent`.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/linkage", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    request_body = NotifyRequest,
    responses((status = 202, body = LinkageMessageView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`incident_closed`, `agency_disabled`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn notify(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<IncidentId>,
    Json(r): Json<NotifyRequest>,
) -> Result<(StatusCode, axum::Json<LinkageMessageView>), ApiError> {
    let v = s
        .app
        .command()
        .notify_agency(
            &caller.principal,
            &id,
            &r.agency,
            &r.unit_ids,
            &r.note,
            &ctx,
        )
        .await?;
    Ok((StatusCode::ACCEPTED, axum::Json(message_view(v))))
}

/// The incident's linkage messages and where each stands.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/linkage", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, body = Vec<LinkageMessageView>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn incident_linkage(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<IncidentId>,
) -> Result<axum::Json<Vec<LinkageMessageView>>, ApiError> {
    let v = s
        .app
        .command()
        .incident_linkage(&caller.principal, &id)
        .await?;
    Ok(axum::Json(v.into_iter().map(message_view).collect()))
}

/// An agency's acknowledgement of a message, with its units: `{"reference": "<our message
/// id>", "units": [{"name": "急救12", "eta_s": 480}], "note": "…"}`. No sign-in: signed with
/// the agency's secret (`X-Jingwu-Timestamp`, `X-Jingwu-Message-Id`, `X-Jingwu-Signature:
/// sha256=<hex HMAC-SHA256 of "{timestamp}.{message id}.{body}">`); a bad or stale signature
/// is 401, a message id received before 409 `linkage_replay`. Lands on the timeline as
/// `linkage_acknowledged`.
#[utoipa::path(post, path = "/api/v1/linkage/{agency}/ack", tag = "command",
    params(("agency" = String, Path, description = "Agency code")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 204, description = "Recorded"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`linkage_replay`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn agency_ack(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    Path(agency): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let signed = SignedHeaders {
        timestamp: header(TIMESTAMP_HEADER),
        message_id: header(MESSAGE_ID_HEADER),
        signature: header(SIGNATURE_HEADER),
    };
    s.app
        .command()
        .agency_acknowledged(&agency, &signed, &body, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
