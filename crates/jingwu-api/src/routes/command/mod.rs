//! The 110 system's routes: incidents, units and their terminals, dispatch, statistics,
//! scene media, coverage, map layers, the live event stream and the 110 code lists.

pub(crate) mod codes;
mod coverage;
mod incident_ops;
mod incidents;
mod layers;
mod lifecycle;
pub(crate) mod live;
mod media;
mod stats;
pub(crate) mod terminal;
mod units;

use axum::extract::DefaultBodyLimit;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            incidents::list_incidents,
            incidents::create_incident
        ))
        .routes(routes!(incidents::get_incident, lifecycle::update_incident))
        .routes(routes!(lifecycle::add_note))
        .routes(routes!(lifecycle::cancel_unit))
        .routes(routes!(lifecycle::divert_unit))
        .routes(routes!(lifecycle::sign_for))
        .routes(routes!(lifecycle::caller_history))
        .routes(routes!(incidents::recommend))
        .routes(routes!(incidents::dispatch))
        .routes(routes!(incidents::close))
        .routes(routes!(units::list_units))
        .routes(routes!(units::get_unit))
        .routes(routes!(units::set_status))
        .routes(routes!(units::acknowledge))
        .routes(routes!(units::messages))
        .routes(routes!(units::avl))
        .routes(routes!(incident_ops::handover))
        .routes(routes!(incident_ops::merge))
        .routes(routes!(incident_ops::eido))
        .routes(routes!(stats::incident_stats))
        .routes(routes!(stats::incident_stats_csv))
        .routes(routes!(stats::compare))
        .routes(routes!(stats::key_sites))
        .routes(routes!(media::list_media, media::create_upload))
        .routes(routes!(media::get_upload))
        // A chunk is larger than the API's JSON body limit.
        .routes(routes!(media::put_chunk).layer(DefaultBodyLimit::max(
            usize::try_from(jingwu_app::MAX_MEDIA_CHUNK).unwrap_or(usize::MAX),
        )))
        .routes(routes!(media::get_media))
        .routes(routes!(coverage::coverage))
        .routes(routes!(coverage::coverage_geojson))
        .routes(routes!(coverage::station_areas))
        .routes(routes!(coverage::coverage_alerts))
        .routes(routes!(layers::list_layers, layers::create_layer))
        .routes(routes!(layers::layer_features, layers::import_features))
        .routes(routes!(layers::push_feature))
        .routes(routes!(terminal::terminal_ws))
        .routes(routes!(units::set_crew))
        .routes(routes!(live::events))
        .routes(routes!(live::roads))
        .routes(routes!(live::route))
        .routes(routes!(codes::taxonomy))
}
