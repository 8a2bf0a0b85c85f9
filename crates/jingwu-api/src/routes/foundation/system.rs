use axum::extract::{FromRequestParts, Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_app::AppError;
use jingwu_core::{Action, Scope, authorize, problem_codes};

use crate::extract::{Caller, presented_token};
use crate::{ApiError, AppState, MetricsAccess};

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "system", responses((status = 200, description = "alive", body = String)))]
pub async fn healthz() -> &'static str {
    "ok"
}

/// Readiness: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "system", responses(
    (status = 200, description = "ready", body = String),
    (status = 503, description = "database unavailable", body = crate::Problem, content_type = "application/problem+json"),
))]
pub async fn readyz(State(s): State<AppState>) -> Result<&'static str, ApiError> {
    s.app.ready().await.map_err(|e| {
        tracing::warn!(error = %e, "not ready");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "not_ready",
            "the database does not answer",
        )
    })?;
    Ok("ready")
}

/// Prometheus text exposition format. Who may read it is the server's choice
/// (`jingwu serve --metrics public|admin|off`): by default admins, or a scraper presenting
/// the configured metrics token as a bearer token.
#[utoipa::path(get, path = "/metrics", tag = "system", security((), ("bearer" = []), ("cookie" = [])), responses(
    (status = 200, description = "Prometheus text format", body = String, content_type = "text/plain"),
    (status = 401, body = crate::Problem, content_type = "application/problem+json"),
    (status = 403, body = crate::Problem, content_type = "application/problem+json"),
    (status = 404, description = "metrics are off", body = crate::Problem, content_type = "application/problem+json"),
))]
pub async fn metrics(State(s): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let (mut parts, _) = req.into_parts();
    match s.options.metrics {
        MetricsAccess::Public => {}
        MetricsAccess::Off => {
            return Err(ApiError::of(
                problem_codes::ROUTE_NOT_FOUND,
                "metrics are not served (jingwu serve --metrics)",
            ));
        }
        MetricsAccess::Admin => {
            let scraper = s.options.metrics_token.as_deref().is_some_and(|want| {
                presented_token(&parts).is_some_and(|got| same_secret(&got, want))
            });
            if !scraper {
                let caller = Caller::from_request_parts(&mut parts, &s).await?;
                authorize(
                    &caller.principal,
                    Action::ReadMetrics,
                    Scope::Org(&caller.principal.org_path),
                )
                .map_err(|d| ApiError::from(AppError::denied_object(d, "metrics")))?;
            }
        }
    }
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        s.metrics.render(),
    )
        .into_response())
}

/// Compares secrets by their SHA-256, so the time taken does not tell how much matched.
fn same_secret(a: &str, b: &str) -> bool {
    use sha2::{Digest, Sha256};
    Sha256::digest(a.as_bytes()) == Sha256::digest(b.as_bytes())
}
