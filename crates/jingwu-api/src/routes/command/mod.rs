//! The 110 system's routes: incidents, units and their terminals, dispatch, statistics,
//! scene media, coverage, map layers, response plans and recommendations, the live event stream and the 110 code lists.

pub(crate) mod codes;
mod coverage;
mod geocode;
mod incident_ops;
mod incidents;
mod layers;
mod lifecycle;
mod linkage;
pub(crate) mod live;
mod media;
mod plans;
mod setup;
mod stats;
pub(crate) mod terminal;
mod tiles;
mod timers;
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
        .routes(routes!(plans::recommend))
        .routes(routes!(plans::incident_plan))
        .routes(routes!(plans::list_plans, plans::create_plan))
        .routes(routes!(
            plans::get_plan,
            plans::update_plan,
            plans::delete_plan
        ))
        .routes(routes!(incidents::get_incident, lifecycle::update_incident))
        .routes(routes!(lifecycle::add_note))
        .routes(routes!(lifecycle::cancel_unit))
        .routes(routes!(lifecycle::divert_unit))
        .routes(routes!(lifecycle::sign_for))
        .routes(routes!(lifecycle::caller_history))
        .routes(routes!(incidents::dispatch))
        .routes(routes!(incidents::close))
        .routes(routes!(units::list_units))
        .routes(routes!(units::get_unit))
        .routes(routes!(units::set_status))
        .routes(routes!(units::acknowledge))
        .routes(routes!(units::messages))
        .routes(routes!(units::avl))
        .routes(routes!(units::track))
        .routes(routes!(incident_ops::handover))
        .routes(routes!(incident_ops::merge))
        .routes(routes!(incident_ops::eido))
        .routes(routes!(stats::incident_stats))
        .routes(routes!(stats::incident_stats_csv))
        .routes(routes!(stats::compare))
        .routes(routes!(stats::coverage_history))
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
        .routes(routes!(tiles::tile))
        .routes(routes!(geocode::geocode))
        .routes(routes!(geocode::reverse))
        .routes(routes!(codes::taxonomy))
        .routes(routes!(timers::incident_timers))
        .routes(routes!(timers::timer_alerts))
        .routes(routes!(timers::acknowledge_alert))
        .routes(routes!(timers::get_limits, timers::put_limits))
        .routes(routes!(linkage::list_agencies, linkage::create_agency))
        .routes(routes!(linkage::update_agency))
        .routes(routes!(linkage::incident_linkage, linkage::notify))
        .routes(routes!(linkage::agency_ack))
        .routes(routes!(setup::list_sites))
        .routes(routes!(setup::set_site))
        .routes(routes!(setup::list_posts, setup::create_post))
        .routes(routes!(setup::update_post, setup::delete_post))
        .routes(routes!(setup::list_units, setup::create_unit))
        .routes(routes!(setup::update_unit))
        .routes(routes!(setup::retire_unit))
        .routes(routes!(setup::list_shifts, setup::create_shift))
        .routes(routes!(setup::delete_shift))
        .routes(routes!(setup::list_key_sites, setup::create_key_site))
        .routes(routes!(setup::update_key_site, setup::delete_key_site))
        .routes(routes!(setup::list_sources, setup::create_source))
        .routes(routes!(setup::update_source, setup::retire_source))
        // Imports are larger than the API's JSON body limit.
        .routes(routes!(setup::import).layer(DefaultBodyLimit::max(
            crate::routes::hazmat::MAX_IMPORT_BODY,
        )))
}
