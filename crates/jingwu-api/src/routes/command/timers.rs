//! Status timers and overdue alerts: an incident's timers, the alerts of the caller's command
//! rooms and their acknowledgement, and a bureau's limits.

use axum::extract::{Path, State};
use jingwu_command::timers::{Timer, TimerAlert, TimerLimits};
use jingwu_core::IncidentId;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

/// One timer of an incident.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimerView {
    /// `acknowledge` (签收, per unit), `arrival` (到场), `on_scene` (现场处置) or `handover`
    /// (移交签收, per hand-over).
    pub kind: String,
    /// The unit (acknowledge) or the hand-over's timeline event (handover); empty otherwise.
    pub subject: String,
    pub started_at: String,
    pub due_at: String,
    /// Null while it runs.
    pub stopped_at: Option<String>,
    pub running: bool,
    /// Seconds left while running (0 once due or stopped).
    pub remaining_s: i64,
    /// Seconds past due (until now while running, until it stopped otherwise).
    pub overdue_s: i64,
    /// `responsible` or `escalated` while running overdue; null otherwise.
    pub level: Option<String>,
}

fn timer_view(t: Timer) -> TimerView {
    TimerView {
        kind: t.kind.as_str().into(),
        running: t.running(),
        subject: t.subject,
        started_at: ts(t.started_at),
        due_at: ts(t.due_at),
        stopped_at: t.stopped_at.map(ts),
        remaining_s: t.remaining_s,
        overdue_s: t.overdue_s,
        level: t.level.map(|l| l.as_str().into()),
    }
}

/// An overdue alert raised to a command room.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimerAlertView {
    pub id: String,
    pub incident_id: String,
    pub kind: String,
    pub subject: String,
    /// `responsible` (the incident's room) or `escalated` (its parent room).
    pub level: String,
    /// The room alerted.
    pub org_id: String,
    pub due_at: String,
    pub raised_at: String,
    pub acknowledged_at: Option<String>,
    pub acknowledged_by: Option<String>,
}

fn alert_view(a: TimerAlert) -> TimerAlertView {
    TimerAlertView {
        id: a.id,
        incident_id: a.incident_id.to_string(),
        kind: a.kind.as_str().into(),
        subject: a.subject,
        level: a.level.as_str().into(),
        org_id: a.org_id,
        due_at: ts(a.due_at),
        raised_at: ts(a.raised_at),
        acknowledged_at: a.acknowledged_at.map(ts),
        acknowledged_by: a.acknowledged_by,
    }
}

/// A bureau's limits, seconds (1 s to a day each).
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimerLimitsBody {
    /// 签收: a unit acknowledges its dispatch (default 30, the 110 bulletin's best bucket).
    pub acknowledge_s: i64,
    /// 到场 from the call, per priority (defaults 300 / 600 / 1200 / 3600).
    pub arrival_p1_s: i64,
    pub arrival_p2_s: i64,
    pub arrival_p3_s: i64,
    pub arrival_p4_s: i64,
    /// 现场处置: on scene until closed (default 1800).
    pub on_scene_s: i64,
    /// 移交签收: a hand-over signed for by the receiving room (default 180).
    pub handover_s: i64,
    /// After the first alert, when the parent room is alerted too (default 90).
    pub escalate_after_s: i64,
}

impl From<TimerLimits> for TimerLimitsBody {
    fn from(l: TimerLimits) -> Self {
        TimerLimitsBody {
            acknowledge_s: l.acknowledge_s,
            arrival_p1_s: l.arrival_p1_s,
            arrival_p2_s: l.arrival_p2_s,
            arrival_p3_s: l.arrival_p3_s,
            arrival_p4_s: l.arrival_p4_s,
            on_scene_s: l.on_scene_s,
            handover_s: l.handover_s,
            escalate_after_s: l.escalate_after_s,
        }
    }
}

impl From<TimerLimitsBody> for TimerLimits {
    fn from(l: TimerLimitsBody) -> Self {
        TimerLimits {
            acknowledge_s: l.acknowledge_s,
            arrival_p1_s: l.arrival_p1_s,
            arrival_p2_s: l.arrival_p2_s,
            arrival_p3_s: l.arrival_p3_s,
            arrival_p4_s: l.arrival_p4_s,
            on_scene_s: l.on_scene_s,
            handover_s: l.handover_s,
            escalate_after_s: l.escalate_after_s,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentTimersView {
    pub now: String,
    pub limits: TimerLimitsBody,
    /// The org unit whose limits apply; null for the defaults.
    pub limits_org: Option<String>,
    pub timers: Vec<TimerView>,
    pub alerts: Vec<TimerAlertView>,
}

/// The incident's timers now — acknowledgement per unit, arrival, time on scene, hand-overs
/// not signed for — with remaining and overdue seconds, and the alerts raised for them.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/timers", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, body = IncidentTimersView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn incident_timers(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<IncidentId>,
) -> Result<axum::Json<IncidentTimersView>, ApiError> {
    let t = s
        .app
        .command()
        .incident_timers(&caller.principal, &id)
        .await?;
    Ok(axum::Json(IncidentTimersView {
        now: ts(t.now),
        limits: t.limits.into(),
        limits_org: t.limits_org,
        timers: t.timers.into_iter().map(timer_view).collect(),
        alerts: t.alerts.into_iter().map(alert_view).collect(),
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TimerAlertParams {
    /// Only alerts nobody acknowledged yet.
    pub open: Option<bool>,
}

/// Overdue alerts sent to command rooms in the caller's jurisdiction in the last 7 days,
/// newest first (the map's badge list).
#[utoipa::path(get, path = "/api/v1/timer-alerts", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(TimerAlertParams),
    responses((status = 200, body = Vec<TimerAlertView>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn timer_alerts(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<TimerAlertParams>,
) -> Result<axum::Json<Vec<TimerAlertView>>, ApiError> {
    let rows = s
        .app
        .command()
        .timer_alerts(&caller.principal, p.open.unwrap_or(false))
        .await?;
    Ok(axum::Json(rows.into_iter().map(alert_view).collect()))
}

/// A dispatcher of the alerted room (or above) acknowledges an alert; once only.
#[utoipa::path(post, path = "/api/v1/timer-alerts/{id}/acknowledge", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Alert id")),
    responses((status = 200, body = TimerAlertView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`timer_alert_acknowledged`", body = Problem, content_type = "application/problem+json")))]
pub async fn acknowledge_alert(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<TimerAlertView>, ApiError> {
    let a = s
        .app
        .command()
        .acknowledge_timer_alert(&caller.principal, &id, &ctx)
        .await?;
    Ok(axum::Json(alert_view(a)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LimitsView {
    pub limits: TimerLimitsBody,
    /// The org unit that set them (this one or an ancestor); null for the defaults.
    pub set_by_org: Option<String>,
}

/// The timer limits that apply at an org unit of the caller's jurisdiction.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/timer-limits", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Org unit id")),
    responses((status = 200, body = LimitsView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_limits(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<axum::Json<LimitsView>, ApiError> {
    let v = s.app.command().timer_limits(&caller.principal, &id).await?;
    Ok(axum::Json(LimitsView {
        limits: v.limits.into(),
        set_by_org: v.set_by_org,
    }))
}

/// An admin sets an org unit's timer limits; its subtree inherits them unless a unit below
/// sets its own.
#[utoipa::path(put, path = "/api/v1/orgs/{id}/timer-limits", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Org unit id")),
    request_body = TimerLimitsBody,
    responses((status = 200, body = LimitsView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (`timer_limit.range`)", body = Problem, content_type = "application/problem+json")))]
pub async fn put_limits(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<String>,
    Json(b): Json<TimerLimitsBody>,
) -> Result<axum::Json<LimitsView>, ApiError> {
    let v = s
        .app
        .command()
        .set_timer_limits(&caller.principal, &id, b.into(), &ctx)
        .await?;
    Ok(axum::Json(LimitsView {
        limits: v.limits.into(),
        set_by_org: v.set_by_org,
    }))
}
