//! The window queue over HTTP: an office's queue for its clerks, walk-in tickets, call next,
//! and the moves of a ticket.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::TicketMoveKind;
use jingwu_permits::records::{OfficeId, Ticket, TicketId, Window, WindowId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::offices::WindowView;
use crate::extract::{Caller, Ctx, Json};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

/// A queue ticket.
#[derive(Debug, Serialize, ToSchema)]
pub struct TicketView {
    pub id: String,
    pub office_id: String,
    pub number: String,
    pub item_code: String,
    /// `green`, `appointment` or `walk_in`.
    pub priority: String,
    /// `waiting`, `called`, `serving`, `done` or `no_show`.
    pub state: String,
    pub appointment_id: Option<String>,
    pub window_id: Option<String>,
    pub window_number: Option<String>,
    pub name: String,
    pub recalls: u32,
    pub checked_in_at: String,
    pub called_at: Option<String>,
    pub serving_at: Option<String>,
    pub done_at: Option<String>,
}

impl TicketView {
    pub(super) fn of(t: Ticket, windows: Option<&[Window]>) -> Self {
        let window_number = windows.and_then(|ws| {
            ws.iter()
                .find(|w| Some(&w.id) == t.window_id.as_ref())
                .map(|w| w.number.clone())
        });
        TicketView {
            id: t.id.into_string(),
            office_id: t.office_id.into_string(),
            number: t.number,
            item_code: t.item_code,
            priority: t.priority.as_str().into(),
            state: t.state.as_str().into(),
            appointment_id: t.appointment_id.map(|a| a.into_string()),
            window_id: t.window_id.map(WindowId::into_string),
            window_number,
            name: t.name,
            recalls: t.recalls,
            checked_in_at: ts(t.checked_in_at),
            called_at: t.called_at.map(ts),
            serving_at: t.serving_at.map(ts),
            done_at: t.done_at.map(ts),
        }
    }
}

/// Today's queue of an office.
#[derive(Debug, Serialize, ToSchema)]
pub struct QueueView {
    pub tickets: Vec<TicketView>,
    pub windows: Vec<WindowView>,
}

/// Today's tickets and the windows of an office (its clerks).
#[utoipa::path(get, path = "/api/v1/permits/offices/{id}/queue", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Office id")),
    responses((status = 200, body = QueueView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn queue(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<OfficeId>,
) -> Result<axum::Json<QueueView>, ApiError> {
    let q = s.app.permits().queue(&caller.principal, &id).await?;
    Ok(axum::Json(QueueView {
        tickets: q
            .tickets
            .into_iter()
            .map(|t| TicketView::of(t, Some(&q.windows)))
            .collect(),
        windows: q.windows.into_iter().map(WindowView::from).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WalkInRequest {
    pub item_code: String,
    /// How the window calls them (may be empty).
    #[serde(default)]
    pub name: String,
    /// Green channel (the elderly, people with disabilities, urgent cases).
    #[serde(default)]
    pub green: bool,
}

/// Give a walk-in a ticket (clerks of the office).
#[utoipa::path(post, path = "/api/v1/permits/offices/{id}/tickets", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Office id")),
    request_body = WalkInRequest,
    responses((status = 201, body = TicketView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`permit_item_not_bookable`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn walk_in(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<OfficeId>,
    Json(r): Json<WalkInRequest>,
) -> Result<(StatusCode, axum::Json<TicketView>), ApiError> {
    let t = s
        .app
        .permits()
        .walk_in(&caller.principal, &id, &r.item_code, &r.name, r.green, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(TicketView::of(t, None))))
}

/// The window calls its next ticket: green channel, then appointments, then walk-ins, each
/// first come first served, among the items it serves.
#[utoipa::path(post, path = "/api/v1/permits/windows/{window_id}/call-next", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("window_id" = String, Path, description = "Window id")),
    responses((status = 200, body = TicketView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`queue_empty`, `window_closed`", body = Problem, content_type = "application/problem+json")))]
pub async fn call_next(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(window_id): Path<WindowId>,
) -> Result<axum::Json<TicketView>, ApiError> {
    let t = s
        .app
        .permits()
        .call_next(&caller.principal, &window_id, &ctx)
        .await?;
    Ok(axum::Json(TicketView::of(t, None)))
}

/// Recall, start, finish or miss a ticket.
#[utoipa::path(post, path = "/api/v1/permits/tickets/{id}/{action}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Ticket id"),
        ("action" = String, Path, description = "`recall`, `start`, `finish` or `miss`")),
    responses((status = 200, body = TicketView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`ticket_state`", body = Problem, content_type = "application/problem+json")))]
pub async fn move_ticket(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((id, action)): Path<(TicketId, String)>,
) -> Result<axum::Json<TicketView>, ApiError> {
    let kind = match action.as_str() {
        "recall" => TicketMoveKind::Recall,
        "start" => TicketMoveKind::Start,
        "finish" => TicketMoveKind::Finish,
        "miss" => TicketMoveKind::Miss,
        _ => {
            return Err(ApiError::from(jingwu_app::AppError::NotFound {
                what: "ticket action",
            }));
        }
    };
    let t = s
        .app
        .permits()
        .move_ticket(&caller.principal, &id, &kind, &ctx)
        .await?;
    Ok(axum::Json(TicketView::of(t, None)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    /// Another item (the ticket waits for the windows serving it) …
    pub item_code: Option<String>,
    /// … or one window.
    pub window_id: Option<String>,
}

/// Send a called or served ticket back to the queue for another item or one window; it keeps
/// its check-in time.
#[utoipa::path(post, path = "/api/v1/permits/tickets/{id}/transfer", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Ticket id")),
    request_body = TransferRequest,
    responses((status = 200, body = TicketView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`ticket_state`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn transfer(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<TicketId>,
    Json(r): Json<TransferRequest>,
) -> Result<axum::Json<TicketView>, ApiError> {
    let kind = TicketMoveKind::Transfer {
        item_code: r.item_code,
        window_id: r.window_id.map(WindowId::from),
    };
    let t = s
        .app
        .permits()
        .move_ticket(&caller.principal, &id, &kind, &ctx)
        .await?;
    Ok(axum::Json(TicketView::of(t, None)))
}
