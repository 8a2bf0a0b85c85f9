//! The hazmat system's routes: the registries (chemicals, enterprises and their CSV import,
//! vehicles, weather stations and observations, fire units), responses with their live
//! picture, linkage steps, field readings and CAP alerts, the hazmat event stream and code
//! lists.

pub(crate) mod codes;
mod live;
pub(crate) mod registry;
mod responses;

use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;

use crate::routes::dto::ts;

/// Largest enterprise CSV taken (a city's 40,000 enterprises are about 5 MB).
pub const MAX_IMPORT_BODY: usize = 32 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(registry::chemicals, registry::create_chemical))
        .routes(routes!(
            registry::list_enterprises,
            registry::create_enterprise
        ))
        .routes(routes!(registry::get_enterprise))
        .routes(routes!(registry::import_enterprises).layer(DefaultBodyLimit::max(MAX_IMPORT_BODY)))
        .routes(routes!(registry::list_vehicles, registry::create_vehicle))
        .routes(routes!(registry::vehicle_position))
        .routes(routes!(registry::list_stations, registry::create_station))
        .routes(routes!(registry::observe))
        .routes(routes!(registry::observe_metar))
        .routes(routes!(
            registry::list_fire_units,
            registry::create_fire_unit
        ))
        .routes(routes!(responses::list_responses, responses::open_response))
        .routes(routes!(responses::get_response))
        .routes(routes!(responses::record_step))
        .routes(routes!(responses::add_reading))
        .routes(routes!(responses::close_response))
        .routes(routes!(responses::issue_alert))
        .routes(routes!(responses::alert_xml))
        .routes(routes!(live::events))
        .routes(routes!(codes::codes))
}
