//! The traffic system's routes: citizens (one-time code, registration, profile), the licence
//! and vehicle registries, violations (record, accept, revoke, pay), point-reduction study
//! (quizzes, vouchers) and code lists. Payment channels' notifications and the sandbox
//! channel are the shared payment service's (`routes::payments`).

mod applications;
mod citizens;
mod codes;
mod public;
mod registry;
mod study;
mod violations;

pub(crate) use violations::{CheckoutView, PayRequest};

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::routes::dto::ts;
use crate::{ApiError, AppState};

/// An RFC 3339 instant from the request as microseconds, or a 422 naming `field`.
fn time(field: &str, s: &str) -> Result<i64, ApiError> {
    crate::routes::dto::instant(field, jingwu_traffic::error_codes::field::DATE.code, s)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(citizens::send_code))
        .routes(routes!(citizens::register))
        .routes(routes!(citizens::me))
        .routes(routes!(citizens::outbox))
        .routes(routes!(registry::list_licences, registry::create_licence))
        .routes(routes!(registry::create_vehicle))
        .routes(routes!(violations::list, violations::record))
        .routes(routes!(violations::get))
        .routes(routes!(violations::accept))
        .routes(routes!(violations::revoke))
        .routes(routes!(violations::pay))
        .routes(routes!(study::start_quiz))
        .routes(routes!(study::submit_quiz))
        .routes(routes!(study::vouchers))
        .routes(routes!(study::apply_voucher))
        .routes(routes!(public::messages, public::send_message))
        .routes(routes!(public::reply))
        .routes(routes!(public::publish_road_event))
        .routes(routes!(public::withdraw_road_event))
        .routes(routes!(public::road_events_geojson))
        .routes(routes!(public::road_events_cifs))
        .routes(routes!(public::accidents, public::file_accident))
        .routes(routes!(public::confirm_accident))
        .routes(routes!(public::assign_liability))
        .routes(routes!(applications::plate_candidates))
        .routes(routes!(applications::applications, applications::apply))
        .routes(routes!(applications::application))
        .routes(routes!(applications::review))
        .routes(routes!(applications::withdraw))
        .routes(routes!(applications::resubmit))
        .routes(routes!(applications::pay))
        .routes(routes!(codes::codes))
}
