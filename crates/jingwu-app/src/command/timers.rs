//! Status timers and overdue alerts (签收, 到场, 现场处置, 移交签收): the limits a bureau sets,
//! each incident's timers as `jingwu_command::timers` computes them from its recorded
//! instants, and the job that raises an alert once per breach and level — to the incident's
//! command room, then to the parent room — and lets a dispatcher acknowledge it.

use jingwu_command::timers::{
    self as rules, AlertLevel, AssignmentFacts, HandoverFacts, Timer, TimerAlert, TimerFacts,
    TimerLimits,
};
use jingwu_core::{Action, IncidentId, Principal, Scope, authorize};
use jingwu_store::Conn;
use jingwu_store::command::timers as tq;
use jingwu_store::command::{self as q, EventKind};
use jingwu_store::foundation::orgs;

use super::Command;
use crate::{AppError, LiveEvent, RequestCtx, Result, Tx};

/// How often the timer job looks (it also runs once at start).
pub const TIMER_JOB_EVERY: std::time::Duration = std::time::Duration::from_secs(5);
/// Most alerts one list returns.
const ALERTS_MAX: i64 = 500;
/// How far back the alerts list looks.
const ALERTS_DAYS: i64 = 7;

/// An incident's timers now, with the limits they run on and the alerts raised.
#[derive(Debug, Clone)]
pub struct IncidentTimers {
    pub limits: TimerLimits,
    /// The org unit whose limits apply (`None`: the defaults).
    pub limits_org: Option<String>,
    pub timers: Vec<Timer>,
    pub alerts: Vec<TimerAlert>,
    pub now: i64,
}

/// A bureau's limits as they apply there.
#[derive(Debug, Clone)]
pub struct LimitsView {
    pub limits: TimerLimits,
    /// The org unit that set them (itself or an ancestor), `None` for the defaults.
    pub set_by_org: Option<String>,
}

/// The limits at `path` (the nearest org unit's own, else the defaults).
async fn limits_at(db: &mut impl Conn, path: &str) -> Result<(TimerLimits, Option<String>)> {
    Ok(match tq::limits_for_path(db, path).await? {
        Some((l, org)) => (l, Some(org)),
        None => (TimerLimits::default(), None),
    })
}

/// What the timers of an incident are computed from, read in one connection.
async fn facts_of(db: &mut impl Conn, i: &q::ScopedIncident) -> Result<TimerFacts> {
    let id = &i.incident.id;
    let assignments = q::assignments_of(db, id)
        .await?
        .into_iter()
        .map(|a| AssignmentFacts {
            unit_id: a.unit_id.to_string(),
            status: a.status,
            dispatched_at: a.dispatched_at,
            acknowledged_at: a.acknowledged_at,
            ended_at: a.cleared_at,
        })
        .collect();
    let timeline = q::timeline(db, id).await?;
    let mut handovers: Vec<HandoverFacts> = Vec::new();
    for e in &timeline {
        match e.kind {
            EventKind::HandedOver => {
                if let Some(prev) = handovers.last_mut() {
                    prev.superseded_at.get_or_insert(e.at);
                }
                handovers.push(HandoverFacts {
                    event_id: e.id.to_string(),
                    at: e.at,
                    signed_at: None,
                    superseded_at: None,
                });
            }
            EventKind::SignedFor => {
                if let Some(h) = handovers.last_mut() {
                    h.signed_at.get_or_insert(e.at);
                }
            }
            _ => {}
        }
    }
    Ok(TimerFacts {
        priority: i.incident.priority,
        status: i.incident.status,
        created_at: i.incident.created_at,
        on_scene_at: i.incident.on_scene_at,
        closed_at: i.incident.closed_at,
        assignments,
        handovers,
    })
}

impl Command<'_> {
    /// An incident's timers with remaining and overdue seconds, for a caller who sees it.
    pub async fn incident_timers(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
    ) -> Result<IncidentTimers> {
        let mut conn = self.k().read().await?;
        let i = self.visible_incident(&mut conn, who, incident_id).await?;
        let now = self.now_us();
        let (limits, limits_org) = limits_at(&mut conn, &i.org_path).await?;
        let facts = facts_of(&mut conn, &i).await?;
        let alerts = tq::alerts_of_incident(&mut conn, incident_id)
            .await?
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        Ok(IncidentTimers {
            timers: rules::timers(&facts, &limits, now),
            limits,
            limits_org,
            alerts,
            now,
        })
    }

    /// The limits that apply at an org unit in the caller's jurisdiction.
    pub async fn timer_limits(&self, who: &Principal, org_id: &str) -> Result<LimitsView> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let org = orgs::get(&mut conn, org_id)
            .await?
            .ok_or(AppError::NotFound { what: "org unit" })?;
        authorize(who, Action::ReadCommand, Scope::Org(&org.path))
            .map_err(|d| AppError::denied_object(d, "org unit"))?;
        let (limits, set_by_org) = limits_at(&mut conn, &org.path).await?;
        Ok(LimitsView { limits, set_by_org })
    }

    /// An admin sets the limits of an org unit in their jurisdiction (its subtree inherits
    /// them unless a unit below sets its own). Every limit is 1 s to a day.
    pub async fn set_timer_limits(
        &self,
        who: &Principal,
        org_id: &str,
        limits: TimerLimits,
        ctx: &RequestCtx,
    ) -> Result<LimitsView> {
        authorize(who, Action::ManageTimers, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let bad = limits.out_of_range();
        if !bad.is_empty() {
            return Err(AppError::Validation(
                bad.into_iter()
                    .map(|f| {
                        crate::FieldError::new(
                            f,
                            jingwu_command::error_codes::field::TIMER_LIMIT.code,
                            "1 to 86400 seconds",
                        )
                    })
                    .collect(),
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let org = orgs::get(tx.db(), org_id)
                    .await?
                    .ok_or(AppError::NotFound { what: "org unit" })?;
                authorize(who, Action::ManageTimers, Scope::Org(&org.path))
                    .map_err(|d| AppError::denied_object(d, "org unit"))?;
                let now = tx.now_us();
                tq::set_limits(tx.db(), &org.id, &limits, &who.user_id, now).await?;
                tx.audit(
                    "command.timer_limits.set",
                    ("org_unit", org.id.as_str()),
                    &org.path,
                    serde_json::to_value(limits).map_err(|e| AppError::Internal(e.to_string()))?,
                )
                .await?;
                Ok(LimitsView {
                    limits,
                    set_by_org: Some(org.id),
                })
            })
            .await
    }

    /// Alerts sent to command rooms in the caller's jurisdiction over the last week, newest
    /// first; only the unacknowledged ones when `open_only`.
    pub async fn timer_alerts(&self, who: &Principal, open_only: bool) -> Result<Vec<TimerAlert>> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let since = self.now_us() - ALERTS_DAYS * 24 * 3600 * jingwu_command::US_PER_S;
        let mut conn = self.k().read().await?;
        Ok(
            tq::alerts_under(&mut conn, &who.org_path, since, open_only, ALERTS_MAX)
                .await?
                .into_iter()
                .map(|(a, _)| a)
                .collect(),
        )
    }

    /// A dispatcher of the alerted room (or above it) acknowledges an alert, once: a second
    /// acknowledgement answers 409 `timer_alert_acknowledged`.
    pub async fn acknowledge_timer_alert(
        &self,
        who: &Principal,
        alert_id: &str,
        ctx: &RequestCtx,
    ) -> Result<TimerAlert> {
        authorize(who, Action::Dispatch, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (alert, path) = tq::get_alert(tx.db(), alert_id)
                    .await?
                    .ok_or(AppError::NotFound { what: "alert" })?;
                authorize(who, Action::Dispatch, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "alert"))?;
                let now = tx.now_us();
                if !tq::acknowledge_alert(tx.db(), alert_id, &who.user_id, now).await? {
                    return Err(AppError::Conflict {
                        code: jingwu_command::error_codes::TIMER_ALERT_ACKNOWLEDGED.code,
                        detail: "the alert was acknowledged already".into(),
                    });
                }
                tx.audit(
                    "command.timer_alert.acknowledge",
                    ("timer_alert", alert_id),
                    &path,
                    serde_json::json!({ "incident_id": alert.incident_id, "kind": alert.kind,
                        "level": alert.level }),
                )
                .await?;
                tx.publish(LiveEvent::TimerAlert {
                    alert_id: alert.id.clone(),
                    incident_id: alert.incident_id.to_string(),
                    org_path: path,
                });
                Ok(TimerAlert {
                    acknowledged_at: Some(now),
                    acknowledged_by: Some(who.user_id.clone()),
                    ..alert
                })
            })
            .await
    }

    /// One pass of the timer job: raises every alert that is due and not raised yet, each in
    /// its own audited write (safe on several nodes: the alert's unique key takes each level
    /// once). Returns how many were raised.
    pub async fn run_timer_alerts(&self) -> Result<usize> {
        let mut conn = self.k().read().await?;
        let Some(root) = orgs::root(&mut conn).await? else {
            return Ok(0);
        };
        let system = Principal::system(root.id.as_str(), &root.path);
        let ctx = RequestCtx {
            request_id: format!("job-{}", jingwu_core::new_id()),
            client_addr: None,
        };
        let now = self.now_us();
        let mut due = Vec::new();
        for id in tq::open_incident_ids(&mut conn).await? {
            let Some(i) = q::get_incident(&mut conn, &id).await? else {
                continue;
            };
            let (limits, _) = limits_at(&mut conn, &i.org_path).await?;
            let timers = rules::timers(&facts_of(&mut conn, &i).await?, &limits, now);
            let raised: Vec<_> = tq::alerts_of_incident(&mut conn, &id)
                .await?
                .into_iter()
                .map(|(a, _)| (a.kind, a.subject, a.level))
                .collect();
            for (kind, subject, level, _) in rules::alerts_due(&timers, &limits, now, &raised) {
                due.push((id.clone(), kind, subject, level));
            }
        }
        drop(conn);
        let mut done = 0;
        for (id, kind, subject, level) in due {
            let raised = self
                .k()
                .write(&system, &ctx, async |tx| {
                    raise(tx, &id, kind, &subject, level).await
                })
                .await;
            match raised {
                Ok(()) => done += 1,
                // Stopped or raised elsewhere meanwhile: nothing to record.
                Err(AppError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }

    /// Starts the timer job on the kernel's clock.
    pub fn spawn_timer_jobs(&self) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.command().run_timer_alerts().await {
                    tracing::warn!(error = %e, "110 timer job failed");
                }
                if let Err(e) = app.command().run_linkage_deliveries().await {
                    tracing::warn!(error = %e, "linkage delivery job failed");
                }
                tokio::time::sleep(TIMER_JOB_EVERY).await;
            }
        })
    }
}

/// Raises one alert in the job's write if the timer is still running and overdue at that
/// level and the level was not raised yet; the alerted room is the owner, or its parent for
/// an escalation.
async fn raise(
    tx: &mut Tx,
    incident_id: &IncidentId,
    kind: rules::TimerKind,
    subject: &str,
    level: AlertLevel,
) -> Result<()> {
    let gone = || AppError::NotFound {
        what: "pending alert",
    };
    let now = tx.now_us();
    let i = q::get_incident(tx.db(), incident_id)
        .await?
        .ok_or_else(gone)?;
    let (limits, _) = limits_at(tx.db(), &i.org_path).await?;
    let timers = rules::timers(&facts_of(tx.db(), &i).await?, &limits, now);
    let Some((_, _, _, due_at)) = rules::alerts_due(&timers, &limits, now, &[])
        .into_iter()
        .find(|(k, s, l, _)| *k == kind && s == subject && *l == level)
    else {
        return Err(gone());
    };
    let owner = orgs::get(tx.db(), i.incident.org_id.as_str())
        .await?
        .ok_or_else(|| AppError::Internal("the owning org unit is missing".into()))?;
    let room = match (level, &owner.parent_id) {
        (AlertLevel::Escalated, Some(parent)) => orgs::get(tx.db(), parent)
            .await?
            .ok_or_else(|| AppError::Internal("the parent org unit is missing".into()))?,
        _ => owner,
    };
    let alert = TimerAlert {
        id: jingwu_core::new_id(),
        incident_id: incident_id.clone(),
        kind,
        subject: subject.to_owned(),
        level,
        org_id: room.id.clone(),
        due_at,
        raised_at: now,
        acknowledged_at: None,
        acknowledged_by: None,
    };
    if !tq::insert_alert(tx.db(), &alert).await? {
        return Err(gone());
    }
    tx.audit(
        "command.timer_alert",
        ("incident", incident_id.as_str()),
        &room.path,
        serde_json::json!({ "alert_id": alert.id, "kind": kind, "subject": subject,
            "level": level, "due_at": due_at, "room": room.id, "number": i.incident.number }),
    )
    .await?;
    tx.publish(LiveEvent::TimerAlert {
        alert_id: alert.id,
        incident_id: incident_id.to_string(),
        org_path: room.path,
    });
    Ok(())
}
