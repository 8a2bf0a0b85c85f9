//! Jingwu's HTTP edge: the axum router, JSON wire types with OpenAPI schemas, RFC 9457
//! problem+json errors, request ids and metrics. The only crate that knows HTTP and JSON wire
//! formats; everything it does is a call into [`jingwu_app::App`].

mod extract;
mod metrics_layer;
mod openapi;
mod problem;
mod request_id;
mod routes;
mod text_guard;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use jingwu_app::App;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::{DefaultOnFailure, TraceLayer};

pub use problem::{ApiError, Problem, registered_field_code, registered_problem};

/// Largest JSON body accepted by the API (larger uploads use the media endpoints).
pub const MAX_JSON_BODY: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ApiOptions {
    /// Always mark the session cookie `Secure` (the site is only reached over HTTPS).
    pub secure_cookies: bool,
    /// Reverse proxies whose `X-Forwarded-Proto` and `X-Forwarded-For` are believed: a
    /// request through one of them with `X-Forwarded-Proto: https` gets a `Secure` cookie,
    /// and the client address (login throttling, audit) is the one it forwarded. Anyone
    /// else's forwarding headers are ignored, since a client can send them itself.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Who may read `/metrics`.
    pub metrics: MetricsAccess,
    /// A bearer token a scraper may present for `/metrics` instead of an admin session
    /// (in `admin` mode).
    pub metrics_token: Option<String>,
}

/// Who may read `/metrics` (`jingwu serve --metrics`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetricsAccess {
    /// Anyone who reaches the port (a scraper on a private network).
    Public,
    /// Admins' sessions, or the configured scraper token (the default: request counts and
    /// latencies per route tell an outsider what the bureau is doing).
    #[default]
    Admin,
    /// Not served (404).
    Off,
}

impl std::str::FromStr for MetricsAccess {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "public" => Ok(MetricsAccess::Public),
            "admin" => Ok(MetricsAccess::Admin),
            "off" => Ok(MetricsAccess::Off),
            other => Err(format!("metrics {other:?} must be public, admin or off")),
        }
    }
}

#[allow(clippy::derivable_impls)]
impl Default for ApiOptions {
    fn default() -> Self {
        ApiOptions {
            secure_cookies: false,
            trusted_proxies: Vec::new(),
            metrics: MetricsAccess::default(),
            metrics_token: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub options: ApiOptions,
    pub metrics: metrics_exporter_prometheus::PrometheusHandle,
    /// Connected terminals, by unit (the WebSocket push fan-out).
    pub terminals: routes::terminal::Hub,
}

/// The whole HTTP surface: `/api/v1/*`, the OpenAPI document and docs page, health, metrics,
/// and the web pages.
pub fn router(app: App, options: ApiOptions) -> Router {
    let state = AppState {
        app,
        options,
        metrics: metrics_layer::handle(),
        terminals: routes::terminal::Hub::default(),
    };
    let (api, doc) = routes::api_router().split_for_parts();
    let doc = openapi::finish(doc);
    let docs = utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/openapi.json", doc);
    Router::new()
        .merge(api.route_layer(axum::middleware::from_fn(
            text_guard::refuse_control_characters,
        )))
        .merge(jingwu_web::router())
        .merge(docs)
        .fallback(problem::route_not_found)
        .method_not_allowed_fallback(problem::method_not_allowed)
        .layer(DefaultBodyLimit::max(MAX_JSON_BODY))
        .layer(axum::middleware::from_fn(metrics_layer::track))
        // A 5xx is logged where it is made (`problem.rs`: internal errors and panics, with
        // their cause); shedding (503 `avl_overloaded`) is by design and counted on /metrics,
        // and logging each at ERROR wrote ten thousand lines a minute under a flood.
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_id::span)
                .on_failure(DefaultOnFailure::new().level(tracing::Level::DEBUG)),
        )
        .layer(axum::middleware::from_fn(request_id::assign))
        .layer(CatchPanicLayer::custom(problem::from_panic))
        .with_state(state)
}
