//! Law enforcement's routes: cases (parties, steps and documents, deadlines, supervision, a
//! case opened from a 110 incident), the handling area (rooms, people brought in, measures and
//! their clocks, extensions, exits, the live board), evidence and property (intake, custody
//! movements, digital items checked on every access, inventories), legal limits and code
//! lists. Each module adds its own routes.

mod area;
mod clocks;
mod codes;
mod evidence;
mod files;
mod inventory;
mod limits;

use utoipa_axum::router::OpenApiRouter;

use crate::AppState;

/// An RFC 3339 instant from the request as microseconds, or a 422 naming `field`.
#[allow(dead_code)] // used by the modules as they land
fn time(field: &str, s: &str) -> Result<i64, crate::ApiError> {
    crate::routes::dto::instant(field, jingwu_cases::error_codes::field::TIME.code, s)
}

pub fn router() -> OpenApiRouter<AppState> {
    let r = OpenApiRouter::new();
    let r = codes::routes(r);
    let r = limits::routes(r);
    let r = files::routes(r);
    let r = clocks::routes(r);
    let r = area::routes(r);
    let r = evidence::routes(r);
    inventory::routes(r)
}
