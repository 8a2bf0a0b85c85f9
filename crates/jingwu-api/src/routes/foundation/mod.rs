//! The platform's own routes: health, sign-in, the jurisdiction tree, accounts, the audit
//! log and the identifier checks.

mod audit;
mod auth;
mod orgs;
mod system;
mod users;
mod validate;

use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(system::healthz))
        .routes(routes!(system::readyz))
        .routes(routes!(system::metrics))
        .routes(routes!(auth::login))
        .routes(routes!(auth::logout))
        .routes(routes!(auth::me))
        .routes(routes!(orgs::list_orgs, orgs::create_org))
        .routes(routes!(orgs::get_org))
        .routes(routes!(users::list_users, users::create_user))
        .routes(routes!(users::get_user))
        .routes(routes!(users::revoke_user))
        .routes(routes!(users::enable_user))
        .routes(routes!(audit::list_audit))
        .routes(routes!(audit::verify_audit))
        .routes(routes!(audit::latest_checkpoint, audit::sign_checkpoint))
        .routes(routes!(audit::inclusion_proof))
        .routes(routes!(audit::consistency_proof))
        .routes(routes!(validate::validate))
}
