//! Offices over HTTP: the public list, free slots and hall display (with its live stream);
//! administrators' offices, windows and dated exceptions.

use std::convert::Infallible;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::sse::{Event, Sse};
use futures_util::Stream;
use jingwu_app::{Board, NewOffice, NewWindow, OfficeView as AppOffice};
use jingwu_permits::records::{OfficeId, Window, WindowId};
use jingwu_permits::schedule::{BookingWindow, DateException, DayPlan, WeekPlan, hhmm, parse_hhmm};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{FreeSlotView, date};
use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

/// One day's opening hours.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DayPlanView {
    /// `HH:MM`.
    pub opens: String,
    /// `HH:MM` (`24:00` for midnight at the end of the day).
    pub closes: String,
    /// `[start, end]` pairs, `HH:MM`.
    #[serde(default)]
    pub breaks: Vec<[String; 2]>,
}

impl From<&DayPlan> for DayPlanView {
    fn from(p: &DayPlan) -> Self {
        DayPlanView {
            opens: hhmm(p.opens),
            closes: hhmm(p.closes),
            breaks: p.breaks.iter().map(|(a, b)| [hhmm(*a), hhmm(*b)]).collect(),
        }
    }
}

fn plan(field: &str, v: &DayPlanView) -> Result<DayPlan, ApiError> {
    let t = |s: &str| {
        parse_hhmm(s).ok_or_else(|| {
            ApiError::from(jingwu_app::AppError::invalid(
                field,
                jingwu_permits::error_codes::field::PLAN.code,
                format!("{s:?} is not HH:MM"),
            ))
        })
    };
    Ok(DayPlan {
        opens: t(&v.opens)?,
        closes: t(&v.closes)?,
        breaks: v
            .breaks
            .iter()
            .map(|[a, b]| Ok((t(a)?, t(b)?)))
            .collect::<Result<_, ApiError>>()?,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WindowView {
    pub id: String,
    pub number: String,
    /// The work profile: item codes it serves.
    pub items: Vec<String>,
    pub open: bool,
}

impl From<Window> for WindowView {
    fn from(w: Window) -> Self {
        WindowView {
            id: w.id.into_string(),
            number: w.number,
            items: w.items,
            open: w.open,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ExceptionView {
    pub date: String,
    /// Other hours that day, or `null`: closed.
    pub plan: Option<DayPlanView>,
    pub reason: String,
}

/// A service office.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfficeView {
    pub id: String,
    pub org_id: String,
    pub name: String,
    pub address: String,
    /// Monday first; `null` is closed.
    pub week: Vec<Option<DayPlanView>>,
    pub open_on_holidays: bool,
    pub slot_minutes: u16,
    pub slot_capacity: u32,
    pub green_reserved: u32,
    pub min_notice_minutes: u32,
    pub horizon_days: u16,
    pub windows: Vec<WindowView>,
    pub exceptions: Vec<ExceptionView>,
}

impl From<AppOffice> for OfficeView {
    fn from(v: AppOffice) -> Self {
        let o = v.office;
        OfficeView {
            id: o.id.into_string(),
            org_id: o.org_id.into_string(),
            name: o.name,
            address: o.address,
            week: o
                .week
                .days
                .iter()
                .map(|d| d.as_ref().map(DayPlanView::from))
                .collect(),
            open_on_holidays: o.open_on_holidays,
            slot_minutes: o.slot_minutes,
            slot_capacity: o.slot_capacity,
            green_reserved: o.green_reserved,
            min_notice_minutes: o.booking.min_notice_minutes,
            horizon_days: o.booking.horizon_days,
            windows: v.windows.into_iter().map(WindowView::from).collect(),
            exceptions: v
                .exceptions
                .into_iter()
                .map(|x| ExceptionView {
                    date: x.date.to_string(),
                    plan: x.plan.as_ref().map(DayPlanView::from),
                    reason: x.reason,
                })
                .collect(),
        }
    }
}

/// Every office, by name. Public.
#[utoipa::path(get, path = "/api/v1/permits/offices", tag = "permits",
    responses((status = 200, body = Vec<OfficeView>)))]
pub async fn offices(State(s): State<AppState>) -> Result<axum::Json<Vec<OfficeView>>, ApiError> {
    let list = s.app.permits().offices().await?;
    Ok(axum::Json(list.into_iter().map(OfficeView::from).collect()))
}

/// One office with its windows, plan and exceptions. Public.
#[utoipa::path(get, path = "/api/v1/permits/offices/{id}", tag = "permits",
    params(("id" = String, Path, description = "Office id")),
    responses((status = 200, body = OfficeView),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn office(
    State(s): State<AppState>,
    Path(id): Path<OfficeId>,
) -> Result<axum::Json<OfficeView>, ApiError> {
    Ok(axum::Json(s.app.permits().office(&id).await?.into()))
}

/// An office as administrators define it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfficeRequest {
    pub org_id: String,
    pub name: String,
    pub address: String,
    /// Seven entries, Monday first; `null` is closed.
    pub week: Vec<Option<DayPlanView>>,
    #[serde(default)]
    pub open_on_holidays: bool,
    pub slot_minutes: u16,
    pub slot_capacity: u32,
    #[serde(default)]
    pub green_reserved: u32,
    pub min_notice_minutes: u32,
    pub horizon_days: u16,
}

impl OfficeRequest {
    fn into_new(self) -> Result<NewOffice, ApiError> {
        let days: Vec<Option<DayPlan>> = self
            .week
            .iter()
            .enumerate()
            .map(|(i, d)| {
                d.as_ref()
                    .map(|d| plan(&format!("week[{i}]"), d))
                    .transpose()
            })
            .collect::<Result<_, _>>()?;
        let days: [Option<DayPlan>; 7] = days.try_into().map_err(|_| {
            ApiError::from(jingwu_app::AppError::invalid(
                "week",
                jingwu_permits::error_codes::field::PLAN.code,
                "seven days, Monday first",
            ))
        })?;
        Ok(NewOffice {
            org_id: self.org_id,
            name: self.name,
            address: self.address,
            week: WeekPlan { days },
            open_on_holidays: self.open_on_holidays,
            slot_minutes: self.slot_minutes,
            slot_capacity: self.slot_capacity,
            green_reserved: self.green_reserved,
            booking: BookingWindow {
                min_notice_minutes: self.min_notice_minutes,
                horizon_days: self.horizon_days,
            },
        })
    }
}

/// Add an office under an org unit of the caller's jurisdiction (administrators).
#[utoipa::path(post, path = "/api/v1/permits/offices", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    request_body = OfficeRequest,
    responses((status = 201, body = OfficeView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_office(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<OfficeRequest>,
) -> Result<(StatusCode, axum::Json<OfficeView>), ApiError> {
    let n = r.into_new()?;
    let o = s
        .app
        .permits()
        .create_office(&caller.principal, &n, &ctx)
        .await?;
    let v = s.app.permits().office(&o.id).await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

/// Change an office's plan, slots and booking window; booked appointments stay.
#[utoipa::path(put, path = "/api/v1/permits/offices/{id}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Office id")),
    request_body = OfficeRequest,
    responses((status = 200, body = OfficeView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_office(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<OfficeId>,
    Json(r): Json<OfficeRequest>,
) -> Result<axum::Json<OfficeView>, ApiError> {
    let n = r.into_new()?;
    s.app
        .permits()
        .update_office(&caller.principal, &id, &n, &ctx)
        .await?;
    Ok(axum::Json(s.app.permits().office(&id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WindowRequest {
    pub number: String,
    /// Item codes it serves, in its work profile's order.
    pub items: Vec<String>,
    #[serde(default = "yes")]
    pub open: bool,
}

fn yes() -> bool {
    true
}

/// Add a window to an office (administrators).
#[utoipa::path(post, path = "/api/v1/permits/offices/{id}/windows", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Office id")),
    request_body = WindowRequest,
    responses((status = 201, body = WindowView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_window(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<OfficeId>,
    Json(r): Json<WindowRequest>,
) -> Result<(StatusCode, axum::Json<WindowView>), ApiError> {
    let w = s
        .app
        .permits()
        .put_window(
            &caller.principal,
            &id,
            None,
            &NewWindow {
                number: r.number,
                items: r.items,
                open: r.open,
            },
            &ctx,
        )
        .await?;
    Ok((StatusCode::CREATED, axum::Json(w.into())))
}

/// Change a window: its number, work profile, open or closed.
#[utoipa::path(put, path = "/api/v1/permits/offices/{id}/windows/{window_id}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Office id"), ("window_id" = String, Path, description = "Window id")),
    request_body = WindowRequest,
    responses((status = 200, body = WindowView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn update_window(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, window_id)): Path<(OfficeId, WindowId)>,
    Json(r): Json<WindowRequest>,
) -> Result<axum::Json<WindowView>, ApiError> {
    let w = s
        .app
        .permits()
        .put_window(
            &caller.principal,
            &id,
            Some(&window_id),
            &NewWindow {
                number: r.number,
                items: r.items,
                open: r.open,
            },
            &ctx,
        )
        .await?;
    Ok(axum::Json(w.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExceptionRequest {
    /// Other hours that day, or `null`: closed.
    pub plan: Option<DayPlanView>,
    pub reason: String,
}

/// Set a dated exception of an office: other hours, or closed.
#[utoipa::path(put, path = "/api/v1/permits/offices/{id}/exceptions/{date}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Office id"), ("date" = String, Path, description = "YYYY-MM-DD")),
    request_body = ExceptionRequest,
    responses((status = 204, description = "recorded"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_exception(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, day)): Path<(OfficeId, String)>,
    Json(r): Json<ExceptionRequest>,
) -> Result<StatusCode, ApiError> {
    let day = date("date", &day)?;
    let x = DateException {
        date: day,
        plan: r.plan.as_ref().map(|p| plan("plan", p)).transpose()?,
        reason: r.reason.trim().to_owned(),
    };
    s.app
        .permits()
        .set_exception(&caller.principal, &id, day, Some(&x), &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove the exception of a date.
#[utoipa::path(delete, path = "/api/v1/permits/offices/{id}/exceptions/{date}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Office id"), ("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204, description = "removed"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_exception(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, day)): Path<(OfficeId, String)>,
) -> Result<StatusCode, ApiError> {
    let day = date("date", &day)?;
    s.app
        .permits()
        .set_exception(&caller.principal, &id, day, None, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SlotQuery {
    /// The item to book.
    pub item: String,
    /// First date, `YYYY-MM-DD` (today when absent).
    pub from: Option<String>,
    /// Days from `from`, 1 to 31 (7 when absent).
    pub days: Option<u16>,
}

/// Free slots of an office for an item, within its booking window. Public; a slot that looks
/// free may be taken before a booking reaches the server (the booking answers 409 then).
#[utoipa::path(get, path = "/api/v1/permits/offices/{id}/slots", tag = "permits",
    params(("id" = String, Path, description = "Office id"), SlotQuery),
    responses((status = 200, body = Vec<FreeSlotView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`permit_item_not_bookable`", body = Problem, content_type = "application/problem+json")))]
pub async fn slots(
    State(s): State<AppState>,
    Path(id): Path<OfficeId>,
    Query(q): Query<SlotQuery>,
) -> Result<axum::Json<Vec<FreeSlotView>>, ApiError> {
    let from = q.from.as_deref().map(|d| date("from", d)).transpose()?;
    let list = s
        .app
        .permits()
        .free_slots(&id, &q.item, from, q.days.unwrap_or(7))
        .await?;
    Ok(axum::Json(
        list.into_iter().map(FreeSlotView::from).collect(),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardLine {
    pub number: String,
    /// The window's number.
    pub window: String,
    /// `called` or `serving`.
    pub state: String,
    pub called_at: String,
}

/// The hall display: tickets called (latest first) and how many wait.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardView {
    pub office_name: String,
    pub called: Vec<BoardLine>,
    pub waiting: usize,
}

impl From<Board> for BoardView {
    fn from(b: Board) -> Self {
        BoardView {
            office_name: b.office_name,
            called: b
                .called
                .into_iter()
                .map(|t| BoardLine {
                    number: t.number,
                    window: t.window,
                    state: t.state.as_str().into(),
                    called_at: ts(t.called_at),
                })
                .collect(),
            waiting: b.waiting,
        }
    }
}

/// The hall display of an office (ticket numbers and windows, no names). Public.
#[utoipa::path(get, path = "/api/v1/permits/offices/{id}/board", tag = "permits",
    params(("id" = String, Path, description = "Office id")),
    responses((status = 200, body = BoardView),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn board(
    State(s): State<AppState>,
    Path(id): Path<OfficeId>,
) -> Result<axum::Json<BoardView>, ApiError> {
    Ok(axum::Json(s.app.permits().board(&id).await?.into()))
}

/// The hall display's live stream: server-sent events `permits` (`{kind, office_id}`; `kind`
/// is `queue` or `slots`) of this office, and `lagged` when events were missed (refetch the
/// board). Public.
#[utoipa::path(get, path = "/api/v1/permits/offices/{id}/board/events", tag = "permits",
    params(("id" = String, Path, description = "Office id")),
    responses((status = 200, description = "an endless `text/event-stream`", content_type = "text/event-stream", body = String),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn board_events(
    State(s): State<AppState>,
    Path(id): Path<OfficeId>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // Subscribe first so nothing committed while the office is looked up is lost.
    let rx = s.app.subscribe();
    s.app.permits().office(&id).await?;
    let office = id.into_string();
    Ok(crate::routes::command::live::sse(
        crate::routes::command::live::Feed {
            app: s.app.clone(),
            token: None,
            allows: Box::new(
                move |e| matches!(e, jingwu_app::LiveEvent::Permits { office_id, .. } if *office_id == office),
            ),
            rx,
        },
    ))
}
