//! (being written)

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

pub(super) fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r
}
