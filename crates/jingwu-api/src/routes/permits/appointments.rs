//! Appointments over HTTP: book (or hold) with an optional `Idempotency-Key`, confirm, cancel,
//! reschedule, check in; a citizen's own list; an office's day for its clerks.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use jingwu_app::{AppointmentView as AppAppointment, NewBooking, PersonInput};
use jingwu_permits::booking::Channel;
use jingwu_permits::records::{ApplicationId, Appointment, AppointmentId, OfficeId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::queue::TicketView;
use super::{date, time};
use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PersonView {
    pub name: String,
    pub resident_id: String,
    pub mobile: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReminderView {
    /// `day_before` or `hour_before`.
    pub kind: String,
    pub due_at: String,
    pub sent_at: Option<String>,
}

/// An appointment.
#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentView {
    pub id: String,
    pub office_id: String,
    pub office_name: String,
    pub item_code: String,
    pub item_name: String,
    pub slot_start: String,
    pub slot_end: String,
    pub green: bool,
    /// `GET /api/v1/permits/codes`, `channels`.
    pub channel: String,
    /// `held`, `booked`, `checked_in`, `cancelled`, `expired`, `no_show`, `rescheduled`.
    pub status: String,
    pub person: PersonView,
    pub application_id: Option<String>,
    /// When a hold lapses unless confirmed.
    pub hold_expires_at: Option<String>,
    pub created_at: String,
    pub ticket: Option<TicketView>,
    pub reminders: Vec<ReminderView>,
}

fn view(a: Appointment, office_name: String, item_name: String) -> AppointmentView {
    AppointmentView {
        id: a.id.into_string(),
        office_id: a.office_id.into_string(),
        office_name,
        item_code: a.item_code,
        item_name,
        slot_start: ts(a.slot_start),
        slot_end: ts(a.slot_end),
        green: a.green,
        channel: a.channel.as_str().into(),
        status: a.status.as_str().into(),
        person: PersonView {
            name: a.person.name,
            resident_id: a.person.resident_id,
            mobile: a.person.mobile,
        },
        application_id: a.application_id.map(ApplicationId::into_string),
        hold_expires_at: a.hold_expires_at.map(ts),
        created_at: ts(a.created_at),
        ticket: None,
        reminders: Vec::new(),
    }
}

impl From<AppAppointment> for AppointmentView {
    fn from(v: AppAppointment) -> Self {
        let mut out = view(v.appointment, v.office_name, v.item_name);
        out.ticket = v.ticket.map(|t| TicketView::of(t, None));
        out.reminders = v
            .reminders
            .into_iter()
            .map(|r| ReminderView {
                kind: r.kind.as_str().into(),
                due_at: ts(r.due_at),
                sent_at: r.sent_at.map(ts),
            })
            .collect();
        out
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BookingRequest {
    pub office_id: String,
    pub item_code: String,
    /// The slot's start (RFC 3339), one of `GET …/slots`.
    pub slot_start: String,
    /// Book the green channel (citizens aged 60 and over online; staff for anyone who needs
    /// it).
    #[serde(default)]
    pub green: bool,
    /// Only hold the place for 5 minutes until confirmed.
    #[serde(default)]
    pub hold: bool,
    /// `web`, `app`, `kiosk` (citizens) or `phone`, `walk_in` (staff).
    #[schema(value_type = String)]
    pub channel: Channel,
    /// Whom staff book for.
    pub person: Option<PersonView>,
    /// The online application the visit is for.
    pub application_id: Option<String>,
}

/// Book a slot (or hold it). Citizens book for themselves online; permit clerks book callers
/// and walk-ins through the same capacity check. The place is taken in the booking's
/// transaction: when the slot is full, 409 `slot_full` lists the next free slots
/// (`alternatives`). Send an `Idempotency-Key` header to make retries safe: a repeated request
/// with the same key answers with the first booking.
#[utoipa::path(post, path = "/api/v1/permits/appointments", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("Idempotency-Key" = Option<String>, Header, description = "Client key of this booking (1 to 100 characters)")),
    request_body = BookingRequest,
    responses((status = 201, body = AppointmentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slot_full` (with `alternatives`), `slot_unavailable`, `already_booked`, `booking_suspended`, `permit_item_not_bookable`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed`, `idempotency_key_reused`", body = Problem, content_type = "application/problem+json")))]
pub async fn book(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    headers: HeaderMap,
    Json(r): Json<BookingRequest>,
) -> Result<(StatusCode, axum::Json<AppointmentView>), ApiError> {
    let client_key = headers
        .get("idempotency-key")
        .map(|v| v.to_str().map(str::to_owned))
        .transpose()
        .map_err(|_| {
            ApiError::from(jingwu_app::AppError::invalid(
                "Idempotency-Key",
                jingwu_permits::error_codes::field::TEXT.code,
                "visible ASCII",
            ))
        })?;
    let n = NewBooking {
        office_id: OfficeId::from(r.office_id),
        item_code: r.item_code,
        slot_start: time("slot_start", &r.slot_start)?,
        green: r.green,
        hold: r.hold,
        channel: r.channel,
        person: r.person.map(|p| PersonInput {
            name: p.name,
            resident_id: p.resident_id,
            mobile: p.mobile,
        }),
        application_id: r.application_id.map(ApplicationId::from),
        client_key,
    };
    let v = s.app.permits().book(&caller.principal, &n, &ctx).await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

/// A citizen's own appointments, the latest slot first.
#[utoipa::path(get, path = "/api/v1/permits/appointments", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<AppointmentView>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<AppointmentView>>, ApiError> {
    let p = s.app.permits();
    let list = p.my_appointments(&caller.principal).await?;
    names(&s, list).await
}

/// Views with the offices' and items' names.
async fn names(
    s: &AppState,
    list: Vec<Appointment>,
) -> Result<axum::Json<Vec<AppointmentView>>, ApiError> {
    let p = s.app.permits();
    let offices = p.offices().await?;
    let mut out = Vec::with_capacity(list.len());
    for a in list {
        let office = offices
            .iter()
            .find(|o| o.office.id == a.office_id)
            .map(|o| o.office.name.clone())
            .unwrap_or_default();
        let item = p
            .item(&a.item_code)
            .await
            .map(|i| i.name_zh)
            .unwrap_or_default();
        out.push(view(a, office, item));
    }
    Ok(axum::Json(out))
}

/// One appointment with its ticket and reminders: its citizen, or clerks of its office.
#[utoipa::path(get, path = "/api/v1/permits/appointments/{id}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Appointment id")),
    responses((status = 200, body = AppointmentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<AppointmentId>,
) -> Result<axum::Json<AppointmentView>, ApiError> {
    Ok(axum::Json(
        s.app
            .permits()
            .appointment(&caller.principal, &id)
            .await?
            .into(),
    ))
}

/// Confirm a hold before it lapses (409 `hold_expired` after).
#[utoipa::path(post, path = "/api/v1/permits/appointments/{id}/confirm", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Appointment id")),
    responses((status = 200, body = AppointmentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`hold_expired`, `appointment_state`", body = Problem, content_type = "application/problem+json")))]
pub async fn confirm(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<AppointmentId>,
) -> Result<axum::Json<AppointmentView>, ApiError> {
    Ok(axum::Json(
        s.app
            .permits()
            .confirm(&caller.principal, &id, &ctx)
            .await?
            .into(),
    ))
}

/// Cancel a hold or booking before its slot; the place is free again at once.
#[utoipa::path(post, path = "/api/v1/permits/appointments/{id}/cancel", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Appointment id")),
    responses((status = 200, body = AppointmentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`appointment_state`", body = Problem, content_type = "application/problem+json")))]
pub async fn cancel(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<AppointmentId>,
) -> Result<axum::Json<AppointmentView>, ApiError> {
    Ok(axum::Json(
        s.app
            .permits()
            .cancel(&caller.principal, &id, &ctx)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RescheduleRequest {
    /// The new slot's start (RFC 3339).
    pub slot_start: String,
}

/// Move a booking to another slot of its office: the new appointment replaces it (the old one
/// becomes `rescheduled`), reminders follow; when the new slot is full nothing changes (409
/// `slot_full` with `alternatives`).
#[utoipa::path(post, path = "/api/v1/permits/appointments/{id}/reschedule", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Appointment id")),
    request_body = RescheduleRequest,
    responses((status = 200, body = AppointmentView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`slot_full`, `slot_unavailable`, `appointment_state`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn reschedule(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<AppointmentId>,
    Json(r): Json<RescheduleRequest>,
) -> Result<axum::Json<AppointmentView>, ApiError> {
    let at = time("slot_start", &r.slot_start)?;
    Ok(axum::Json(
        s.app
            .permits()
            .reschedule(&caller.principal, &id, at, &ctx)
            .await?
            .into(),
    ))
}

/// Check in on the day: the appointment's queue ticket (made once; again answers with it).
#[utoipa::path(post, path = "/api/v1/permits/appointments/{id}/check-in", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Appointment id")),
    responses((status = 200, body = TicketView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`appointment_state`", body = Problem, content_type = "application/problem+json")))]
pub async fn check_in(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<AppointmentId>,
) -> Result<axum::Json<TicketView>, ApiError> {
    let t = s
        .app
        .permits()
        .check_in(&caller.principal, &id, &ctx)
        .await?;
    Ok(axum::Json(TicketView::of(t, None)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DayQuery {
    /// `YYYY-MM-DD`.
    pub date: String,
}

/// An office's appointments on a day, by slot (its clerks).
#[utoipa::path(get, path = "/api/v1/permits/offices/{id}/appointments", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Office id"), DayQuery),
    responses((status = 200, body = Vec<AppointmentView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn office_day(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<OfficeId>,
    Query(q): Query<DayQuery>,
) -> Result<axum::Json<Vec<AppointmentView>>, ApiError> {
    let day = date("date", &q.date)?;
    let list = s
        .app
        .permits()
        .office_day(&caller.principal, &id, day)
        .await?;
    names(&s, list).await
}
