//! The browser map's feeds: live events (server-sent events), base-map road lines from our own
//! road graph, and driving routes.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_core::Stream;
use jingwu_app::LiveEvent;
use serde::Deserialize;
use tokio::sync::broadcast::error::RecvError;
use utoipa::IntoParams;

use crate::extract::{Caller, Query};
use crate::routes::command::coverage::FeatureCollection;
use crate::{ApiError, AppState, Problem};

/// How often an open stream re-checks its session, so a revoked session stops receiving.
const SESSION_RECHECK: Duration = Duration::from_secs(30);

/// The event a client hears of `e`; `None` for the bus's internal signals.
fn event_of(e: &LiveEvent) -> Option<Event> {
    let (name, data) = match e {
        LiveEvent::Terminal { unit_id, seq, .. } => (
            "terminal",
            serde_json::json!({"unit_id": unit_id, "seq": seq}),
        ),
        LiveEvent::Incident { incident_id, .. } => {
            ("incident", serde_json::json!({"incident_id": incident_id}))
        }
        LiveEvent::Unit { unit_id, .. } => ("unit", serde_json::json!({"unit_id": unit_id})),
        LiveEvent::CoverageAlert {
            alert_id, org_id, ..
        } => (
            "coverage_alert",
            serde_json::json!({"alert_id": alert_id, "org_id": org_id}),
        ),
        LiveEvent::TimerAlert {
            alert_id,
            incident_id,
            ..
        } => (
            "timer_alert",
            serde_json::json!({"alert_id": alert_id, "incident_id": incident_id}),
        ),
        LiveEvent::Hazmat {
            kind, response_id, ..
        } => (
            "hazmat",
            serde_json::json!({"kind": kind, "response_id": response_id}),
        ),
        LiveEvent::Permits {
            kind, office_id, ..
        } => (
            "permits",
            serde_json::json!({"kind": kind, "office_id": office_id}),
        ),
        LiveEvent::Cases { kind, id, .. } => ("cases", serde_json::json!({"kind": kind, "id": id})),
        LiveEvent::SessionsRevoked { .. } => return None,
    };
    Some(Event::default().event(name).data(data.to_string()))
}

/// The events one subscriber hears (one policy decision per event).
pub(crate) type Allows = Box<dyn Fn(&LiveEvent) -> bool + Send + Sync>;

/// One subscriber's stream: its session (re-checked), its filter and its receiver.
pub(crate) struct Feed {
    pub app: jingwu_app::App,
    /// The session re-checked every 30 s (`None`: a public stream).
    pub token: Option<String>,
    pub allows: Allows,
    pub rx: tokio::sync::broadcast::Receiver<LiveEvent>,
}

/// The server-sent events of `f`, with keep-alive comments every 15 s.
pub(crate) fn sse(f: Feed) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    Sse::new(feed(f)).keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

/// A stream's state: the feed, its periodic session re-check, and whose session it is
/// (learned on the first poll; `None` for a public stream).
struct Open {
    f: Feed,
    recheck: tokio::time::Interval,
    user_id: Option<String>,
}

impl Open {
    /// Whether the stream's session is still live (a public stream always is).
    async fn session_live(&self) -> bool {
        match &self.f.token {
            Some(token) => self.f.app.foundation().authenticate(token).await.is_ok(),
            None => true,
        }
    }
}

fn feed(f: Feed) -> impl Stream<Item = Result<Event, Infallible>> {
    let recheck = tokio::time::interval_at(
        tokio::time::Instant::now() + SESSION_RECHECK,
        SESSION_RECHECK,
    );
    let open = Open {
        f,
        recheck,
        user_id: None,
    };
    futures_util::stream::unfold(open, |mut o| async move {
        if o.user_id.is_none()
            && let Some(token) = &o.f.token
        {
            // Whose revocations end this stream; a session gone already ends it now.
            o.user_id = Some(o.f.app.foundation().authenticate(token).await.ok()?.user_id);
        }
        loop {
            tokio::select! {
                r = o.f.rx.recv() => match r {
                    // A revocation of this user's sessions: is it this one? (The periodic
                    // re-check still covers revocations made by another process.)
                    Ok(LiveEvent::SessionsRevoked { user_id, .. }) => {
                        if o.user_id.as_deref() == Some(user_id.as_str()) && !o.session_live().await {
                            return None;
                        }
                    }
                    Ok(e) if (o.f.allows)(&e) => {
                        if let Some(ev) = event_of(&e) {
                            return Some((Ok(ev), o));
                        }
                    }
                    Ok(_) => {}
                    // Missed events: the page refetches everything it shows.
                    Err(RecvError::Lagged(_)) => {
                        // A revocation may be among the missed events.
                        if !o.session_live().await {
                            return None;
                        }
                        return Some((Ok(Event::default().event("lagged").data("{}")), o));
                    }
                    Err(RecvError::Closed) => return None,
                },
                _ = o.recheck.tick() => {
                    if !o.session_live().await {
                        return None;
                    }
                }
            }
        }
    })
}

/// Live changes the caller may see, as server-sent events: `incident` (`{incident_id}`) and
/// `unit` (`{unit_id}`) under the caller's jurisdiction, `terminal` (`{unit_id, seq}`) for the
/// units the caller operates, `coverage_alert` (`{alert_id, org_id}`), `hazmat` (`{kind,
/// response_id}`: see `/api/v1/hazmat/events`), and `lagged` when events
/// were missed (refetch everything). Events say what changed; fetch the object for its state.
/// A comment line is sent every 15 s to keep proxies from closing the stream.
#[utoipa::path(get, path = "/api/v1/events", tag = "command", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "an endless `text/event-stream`", content_type = "text/event-stream", body = String),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn events(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    // Subscribe before computing the scope so nothing committed meanwhile is lost.
    let rx = s.app.subscribe();
    let scope = s.app.command().live_scope(&caller.principal).await?;
    Ok(sse(Feed {
        app: s.app.clone(),
        token: Some(caller.token),
        allows: Box::new(move |e| scope.allows(e)),
        rx,
    }))
}

/// Degrees rounded to 1e-6 (about 0.1 m): the map needs no more, and the responses shrink.
fn micro(deg: f64) -> f64 {
    (deg * 1e6).round() / 1e6
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RoadParams {
    /// `minLon,minLat,maxLon,maxLat` (WGS 84).
    #[param(pattern = r"^-?[0-9]+(\.[0-9]+)?(,-?[0-9]+(\.[0-9]+)?){3}$")]
    pub bbox: String,
    /// Map zoom level; below 15 only faster roads are returned.
    #[param(minimum = 0, maximum = 255)]
    pub zoom: Option<u8>,
}

fn parse_numbers<const N: usize>(field: &str, s: &str) -> Result<[f64; N], ApiError> {
    let bad = || {
        ApiError::from(jingwu_app::AppError::invalid(
            field,
            "invalid",
            format!("expected {N} comma-separated numbers"),
        ))
    };
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let arr: [f64; N] = v.try_into().map_err(|_| bad())?;
    if arr.iter().all(|x| x.is_finite()) {
        Ok(arr)
    } else {
        Err(bad())
    }
}

/// Road lines of the road graph inside a box, as GeoJSON LineStrings with `properties.kmh`:
/// the command map's base map. Below zoom 15 only faster roads; at most 5,000 lines.
#[utoipa::path(get, path = "/api/v1/roads", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(RoadParams),
    responses((status = 200, body = FeatureCollection),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn roads(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<RoadParams>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let [a, b, c, d] = parse_numbers::<4>("bbox", &p.bbox)?;
    let lines =
        s.app
            .command()
            .road_lines(&caller.principal, (a, b, c, d), p.zoom.unwrap_or(15))?;
    let features: Vec<serde_json::Value> = lines
        .into_iter()
        .map(|l| {
            serde_json::json!({
                "type": "Feature",
                "properties": {"kmh": (l.kmh * 10.0).round() / 10.0},
                "geometry": {"type": "LineString", "coordinates": l.coords.iter().map(|(lat, lon)| [micro(*lon), micro(*lat)]).collect::<Vec<_>>()},
            })
        })
        .collect();
    Ok(axum::Json(
        serde_json::json!({"type": "FeatureCollection", "features": features}),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct RouteParams {
    /// `lat,lon` of the start.
    #[param(pattern = r"^-?[0-9]+(\.[0-9]+)?,-?[0-9]+(\.[0-9]+)?$")]
    pub from: String,
    /// `lat,lon` of the destination.
    #[param(pattern = r"^-?[0-9]+(\.[0-9]+)?,-?[0-9]+(\.[0-9]+)?$")]
    pub to: String,
    /// Travel mode: `car` (default), `motorbike` or `foot`, each on the roads it may use at
    /// its own speeds (pedestrians ignore one-way rules and use pedestrian streets).
    #[param(value_type = Option<crate::openapi::TravelModeSchema>)]
    pub mode: Option<String>,
}

/// The fastest route between two points under live road weights for a travel mode: a
/// GeoJSON Feature with a LineString and `properties.seconds`, `properties.meters`,
/// `properties.mode`.
#[utoipa::path(get, path = "/api/v1/route", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(RouteParams),
    responses((status = 200, description = "GeoJSON Feature (LineString)", body = serde_json::Value),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no route between the points", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`precondition_failed`: no road network loaded", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn route(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<RouteParams>,
) -> Result<axum::Json<serde_json::Value>, ApiError> {
    let [flat, flon] = parse_numbers::<2>("from", &p.from)?;
    let [tlat, tlon] = parse_numbers::<2>("to", &p.to)?;
    let r = s.app.command().route_mode(
        &caller.principal,
        (flat, flon),
        (tlat, tlon),
        p.mode.as_deref(),
    )?;
    Ok(axum::Json(serde_json::json!({
        "type": "Feature",
        "properties": {"seconds": r.seconds, "meters": r.meters.round(), "mode": p.mode.as_deref().unwrap_or("car")},
        "geometry": {"type": "LineString", "coordinates": r.coords.iter().map(|(lat, lon)| [*lon, *lat]).collect::<Vec<_>>()},
    })))
}
