//! Citizens over HTTP: a one-time code, registration, the caller's profile and points.

use axum::extract::State;
use axum::http::StatusCode;
use jingwu_app::{CitizenProfile, DriverPoints, NewCitizen, OtpPurpose};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::registry::{TrafficLicence, TrafficVehicle};
use super::ts;
use crate::extract::{Caller, Ctx, Json};
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SendCodeRequest {
    /// Mainland mobile number.
    pub mobile: String,
    /// What the code is for: `register`.
    #[schema(value_type = String, example = "register")]
    pub purpose: OtpPurpose,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CodeSent {
    pub mobile_masked: String,
    pub expires_at: String,
    /// Seconds before another code may be asked for.
    pub resend_after_s: i64,
}

/// Send a one-time code to a mobile number (no sign-in). At most one a minute and five an
/// hour per number.
#[utoipa::path(post, path = "/api/v1/traffic/otp", tag = "traffic", request_body = SendCodeRequest,
    responses((status = 202, body = CodeSent),
        (status = 429, description = "`too_many_attempts` (with Retry-After)", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn send_code(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    Json(r): Json<SendCodeRequest>,
) -> Result<(StatusCode, axum::Json<CodeSent>), ApiError> {
    let sent = s
        .app
        .traffic()
        .send_code(&r.mobile, r.purpose, &ctx)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        axum::Json(CodeSent {
            mobile_masked: sent.mobile_masked,
            expires_at: ts(sent.expires_at_us),
            resend_after_s: sent.resend_after_s,
        }),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    pub real_name: String,
    /// Resident identity card number (18 characters).
    pub resident_id: String,
    pub mobile: String,
    /// The 6-digit code sent to the mobile number.
    pub code: String,
    /// At least 8 characters. The username is the mobile number.
    pub password: String,
}

/// A citizen's own view: identity (masked), licence, vehicles.
#[derive(Debug, Serialize, ToSchema)]
pub struct CitizenView {
    pub user_id: String,
    pub real_name: String,
    pub resident_id_masked: String,
    pub mobile_masked: String,
    pub licence: Option<TrafficLicence>,
    pub vehicles: Vec<TrafficVehicle>,
    /// Points in the current scoring cycle (with a licence).
    pub points: Option<PointsView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PointsView {
    pub cycle_start: String,
    /// The first day of the next cycle.
    pub cycle_end: String,
    pub recorded: u32,
    pub reduced: u32,
    pub balance: u32,
    /// Points carried from an earlier cycle (an overdue, unpaid fine).
    pub carried: u32,
    pub full_score: bool,
    /// The point-reduction rules in force: `order163` or `ningbo2016`.
    pub profile: String,
}

impl From<&DriverPoints> for PointsView {
    fn from(d: &DriverPoints) -> Self {
        PointsView {
            cycle_start: d.points.cycle.start.to_string(),
            cycle_end: d.points.cycle.end.to_string(),
            recorded: d.points.recorded,
            reduced: d.points.reduced,
            balance: d.points.balance,
            carried: d.points.carried,
            full_score: d.points.full_score,
            profile: d.profile.as_str().to_owned(),
        }
    }
}

fn mask_id(id: &str) -> String {
    let n = id.chars().count();
    id.chars()
        .enumerate()
        .map(|(i, c)| if i < 4 || i + 2 >= n { c } else { '*' })
        .collect()
}

fn view(p: CitizenProfile, points: Option<&DriverPoints>) -> CitizenView {
    CitizenView {
        user_id: p.citizen.user_id.into_string(),
        real_name: p.citizen.real_name,
        resident_id_masked: mask_id(&p.citizen.resident_id),
        mobile_masked: jingwu_core::privacy::mask_phone(&p.citizen.mobile),
        licence: p.licence.map(Into::into),
        vehicles: p.vehicles.into_iter().map(Into::into).collect(),
        points: points.map(Into::into),
    }
}

/// Register as a citizen with real name, resident ID and the code sent to the mobile number.
/// Then sign in with the mobile number and the password.
#[utoipa::path(post, path = "/api/v1/traffic/citizens", tag = "traffic", request_body = RegisterRequest,
    responses((status = 201, body = CitizenView),
        (status = 409, description = "`resident_id_taken`, `mobile_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`otp_invalid`, or invalid fields", body = Problem, content_type = "application/problem+json")))]
pub async fn register(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    Json(r): Json<RegisterRequest>,
) -> Result<(StatusCode, axum::Json<CitizenView>), ApiError> {
    let n = NewCitizen {
        real_name: r.real_name,
        resident_id: r.resident_id,
        mobile: r.mobile,
        code: r.code,
        password: r.password,
    };
    let p = s.app.traffic().register(&n, &ctx).await?;
    Ok((StatusCode::CREATED, axum::Json(view(p, None))))
}

/// The signed-in citizen's profile, licence, vehicles and points.
#[utoipa::path(get, path = "/api/v1/traffic/me", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = CitizenView),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn me(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<CitizenView>, ApiError> {
    let t = s.app.traffic();
    let p = t.my_profile(&caller.principal).await?;
    let points = match p.licence {
        Some(_) => Some(t.my_points(&caller.principal).await?),
        None => None,
    };
    Ok(axum::Json(view(p, points.as_ref())))
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// The mobile number the messages went to.
    pub recipient: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxEntry {
    pub recipient: String,
    pub channel: String,
    pub body: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}

/// The built-in notifier's outbox for one recipient, newest first (administrators: they run
/// the notifier; an SMS gateway would deliver these).
#[utoipa::path(get, path = "/api/v1/traffic/outbox", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(OutboxQuery),
    responses((status = 200, body = Vec<OutboxEntry>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn outbox(
    State(s): State<AppState>,
    caller: Caller,
    crate::extract::Query(q): crate::extract::Query<OutboxQuery>,
) -> Result<axum::Json<Vec<OutboxEntry>>, ApiError> {
    let list = s
        .app
        .traffic()
        .outbox(&caller.principal, &q.recipient)
        .await?;
    Ok(axum::Json(
        list.into_iter()
            .map(|m| OutboxEntry {
                recipient: m.recipient,
                channel: m.channel,
                body: m.body,
                created_at: ts(m.created_at),
                sent_at: m.sent_at.map(ts),
            })
            .collect(),
    ))
}
