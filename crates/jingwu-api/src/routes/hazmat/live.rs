//! The hazmat event stream.

use std::convert::Infallible;

use axum::extract::State;
use axum::response::sse::{Event, Sse};
use futures_util::Stream;

use crate::extract::Caller;
use crate::routes::command::live::{Feed, sse};
use crate::{ApiError, AppState, Problem};

/// Live hazmat changes as server-sent events `hazmat` (`{kind, response_id}`; `kind` is
/// `registry`, `vehicle`, `weather` or `response`) for the caller's jurisdiction — weather for
/// everyone, since it moves every zone — and `lagged` when events were missed (refetch).
#[utoipa::path(get, path = "/api/v1/hazmat/events", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "an endless `text/event-stream`", content_type = "text/event-stream", body = String),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn events(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // Subscribe before computing the scope so nothing committed meanwhile is lost.
    let rx = s.app.subscribe();
    let scope = s.app.hazmat().live_scope(&caller.principal).await?;
    Ok(sse(Feed {
        app: s.app.clone(),
        token: Some(caller.token),
        allows: Box::new(move |e| scope.allows(e)),
        rx,
    }))
}
