//! Every route under `/api`, registered together with its OpenAPI description.

pub(crate) mod cases;
mod command;
mod dto;
mod foundation;
mod hazmat;
pub(crate) mod payments;
pub(crate) mod permits;
mod traffic;

pub(crate) use command::terminal;

use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::openapi::ApiDoc;

/// Every system's routes on one document; each system's module owns its router.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(foundation::router())
        .merge(command::router())
        .merge(hazmat::router())
        .merge(traffic::router())
        .merge(permits::router())
        .merge(cases::router())
        .merge(payments::router())
}
