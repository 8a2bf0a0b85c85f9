//! The approval window's routes: the public catalogue, offices, free slots and hall display;
//! appointments (book, hold, confirm, cancel, reschedule, check in); the window queue; online
//! applications with materials, review and fees; statistics; code lists.

mod applications;
mod appointments;
mod catalogue;
mod offices;
mod queue;

use axum::extract::DefaultBodyLimit;
use jingwu_permits::records::FreeSlot;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::routes::dto::ts;
use crate::{ApiError, AppState};

/// A slot offered for booking.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FreeSlotView {
    pub starts_at: String,
    pub ends_at: String,
    /// Places a general booking can still take.
    pub free: u32,
    /// Places a green-channel booking can still take.
    pub free_green: u32,
}

impl From<FreeSlot> for FreeSlotView {
    fn from(s: FreeSlot) -> Self {
        FreeSlotView {
            starts_at: ts(s.starts_at),
            ends_at: ts(s.ends_at),
            free: s.free,
            free_green: s.free_green,
        }
    }
}

/// An RFC 3339 instant from the request as microseconds, or a 422 naming `field`.
fn time(field: &str, s: &str) -> Result<i64, ApiError> {
    crate::routes::dto::instant(field, jingwu_permits::error_codes::field::TIME.code, s)
}

/// A `YYYY-MM-DD` date from the request, or a 422 naming `field`.
fn date(field: &str, s: &str) -> Result<jiff::civil::Date, ApiError> {
    s.parse::<jiff::civil::Date>().map_err(|_| {
        ApiError::from(jingwu_app::AppError::invalid(
            field,
            jingwu_traffic::error_codes::field::DATE.code,
            "a date as YYYY-MM-DD",
        ))
    })
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(catalogue::codes))
        .routes(routes!(catalogue::items))
        .routes(routes!(catalogue::item, catalogue::put_item))
        .routes(routes!(catalogue::holidays))
        .routes(routes!(catalogue::put_holiday, catalogue::delete_holiday))
        .routes(routes!(offices::offices, offices::create_office))
        .routes(routes!(offices::office, offices::update_office))
        .routes(routes!(offices::create_window))
        .routes(routes!(offices::update_window))
        .routes(routes!(offices::put_exception, offices::delete_exception))
        .routes(routes!(offices::slots))
        .routes(routes!(offices::board))
        .routes(routes!(offices::board_events))
        .routes(routes!(appointments::list, appointments::book))
        .routes(routes!(appointments::get))
        .routes(routes!(appointments::confirm))
        .routes(routes!(appointments::cancel))
        .routes(routes!(appointments::reschedule))
        .routes(routes!(appointments::check_in))
        .routes(routes!(appointments::office_day))
        .routes(routes!(queue::queue))
        .routes(routes!(queue::walk_in))
        .routes(routes!(queue::call_next))
        .routes(routes!(queue::move_ticket))
        .routes(routes!(queue::transfer))
        .routes(routes!(applications::list, applications::create))
        .routes(routes!(applications::get, applications::update))
        .routes(
            routes!(applications::upload_material, applications::material).layer(
                DefaultBodyLimit::max(jingwu_app::MATERIAL_MAX_BYTES + 64 * 1024),
            ),
        )
        .routes(routes!(applications::submit))
        .routes(routes!(applications::withdraw))
        .routes(routes!(applications::review))
        .routes(routes!(applications::pay))
        .routes(routes!(applications::stats))
}
