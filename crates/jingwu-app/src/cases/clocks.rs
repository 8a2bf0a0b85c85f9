//! Extensions of any legal clock — a measure on a person in the handling area or a case
//! deadline — and the job that raises warnings and expiries. Both kinds are reached through
//! `jingwu_store::cases::clocks`' facts, so this module needs nothing of the case files but
//! their rows. An extension is requested by a handler of the clock's unit and decided by a
//! legal supervisor in reach whose unit is of the level the limit asks for
//! (`limits::may_approve`); the clock itself is recomputed from the approved extensions, never
//! stored.

use jingwu_cases::area::AreaEventKind;
use jingwu_cases::clock::{
    Alert, Clock, ClockFacts, ClockKind, ClockState, Extension, ExtensionRefused, ExtensionStatus,
    Recipient, may_extend,
};
use jingwu_cases::error_codes::{self as codes, field};
use jingwu_cases::ids::{CustodyId, ExtensionId};
use jingwu_cases::limits::{LegalLimit, may_approve};
use jingwu_cases::policy::sees_case;
use jingwu_core::{Action, Denied, Principal, Role, Scope, authorize};
use jingwu_store::Conn;
use jingwu_store::cases::{
    self as q, alerts_of, approved_minutes, clock_facts, extension, extensions_of, legal_limit,
};
use jingwu_store::foundation::orgs;

use super::Cases;
use super::area::limit_of;
use crate::{AppError, LiveEvent, RequestCtx, Result, Tx};

/// How far back the alerts list looks unless asked otherwise.
const ALERTS_DEFAULT_DAYS: i64 = 7;
/// Most alerts one list returns.
const ALERTS_MAX: i64 = 500;
const DAY_US: i64 = 24 * 3600 * 1_000_000;

/// A clock's facts with its limit and its state now.
#[derive(Debug, Clone)]
pub struct ClockView {
    pub facts: ClockFacts,
    pub limit: LegalLimit,
    pub clock: ClockState,
}

/// An extension waiting for a decision, with the clock it would move.
#[derive(Debug, Clone)]
pub struct PendingExtension {
    pub extension: Extension,
    pub clock: ClockView,
}

/// An alert raised for a clock in the caller's reach.
#[derive(Debug, Clone)]
pub struct AlertLine {
    pub facts: ClockFacts,
    pub limit: LegalLimit,
    pub alert: Alert,
    /// When the alert's point was reached.
    pub at: i64,
}

/// The audit log's name for a clock of `kind`.
fn object(kind: ClockKind) -> &'static str {
    match kind {
        ClockKind::Measure => "area_measure",
        ClockKind::Deadline => "case_deadline",
    }
}

/// The board or case page that redraws when a clock changes.
fn live(f: &ClockFacts) -> LiveEvent {
    match (f.kind, &f.custody_id, &f.case_id) {
        (ClockKind::Measure, Some(c), _) => LiveEvent::Cases {
            kind: "area",
            id: c.clone(),
            org_path: f.org_path.clone(),
        },
        (_, _, Some(k)) => LiveEvent::Cases {
            kind: "case",
            id: k.clone(),
            org_path: f.org_path.clone(),
        },
        _ => LiveEvent::Cases {
            kind: "case",
            id: f.id.clone(),
            org_path: f.org_path.clone(),
        },
    }
}

async fn clock_of(
    db: &mut impl Conn,
    f: &ClockFacts,
    now: i64,
) -> Result<(LegalLimit, i64, ClockState)> {
    let limit = limit_of(db, "limit_code", &f.limit_code).await?;
    let extended = approved_minutes(db, f.kind, &f.id).await?;
    let state = Clock {
        limit: &limit,
        started_at: f.started_at,
        extended_minutes: extended,
        stopped_at: f.stopped_at,
    }
    .at(now);
    Ok((limit, extended, state))
}

/// Why an extension is refused, as the caller sees it: a clock that ran out (and has not
/// stopped) is the area's forced outcome, 409 `clock_expired`; anything else
/// `extension_refused`.
fn refused(state: &ClockState, e: ExtensionRefused) -> AppError {
    let code = if e == ExtensionRefused::Closed && !state.stopped {
        codes::CLOCK_EXPIRED.code
    } else {
        codes::EXTENSION_REFUSED.code
    };
    AppError::Conflict {
        code,
        detail: e.to_string(),
    }
}

fn extension_state(detail: &str) -> AppError {
    AppError::Conflict {
        code: codes::EXTENSION_STATE.code,
        detail: detail.into(),
    }
}

/// Appends an event to the record of the person a measure runs on.
async fn area_event(
    tx: &mut Tx,
    f: &ClockFacts,
    by: Option<&str>,
    kind: AreaEventKind,
    detail: serde_json::Value,
) -> Result<()> {
    if let (ClockKind::Measure, Some(c)) = (f.kind, &f.custody_id) {
        let at = tx.now_us();
        q::area::append_event(
            tx.db(),
            &CustodyId::from(c.as_str()),
            kind,
            at,
            by,
            None,
            detail,
        )
        .await?;
    }
    Ok(())
}

impl Cases<'_> {
    /// The clock `kind`/`id` if the caller may take `action` on it (role first, then reach);
    /// a refusal is audited.
    async fn clock_in_reach(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        kind: ClockKind,
        id: &str,
        action: Action,
    ) -> Result<ClockFacts> {
        if let Err(d @ Denied::Role(..)) = authorize(who, action, Scope::Org(&who.org_path)) {
            return Err(self
                .denied(who, ctx, d, (object(kind), id), &who.org_path)
                .await);
        }
        let mut conn = self.k().read().await?;
        let f = clock_facts(&mut conn, kind, id)
            .await?
            .ok_or(AppError::NotFound { what: "clock" })?;
        drop(conn);
        if let Err(d) = sees_case(who, action, &f.org_path, &f.legal_org_path) {
            return Err(self
                .denied(who, ctx, d, (object(kind), id), &f.org_path)
                .await);
        }
        Ok(f)
    }

    /// A clock with its limit and state now, for a caller who may read it.
    pub async fn clock(
        &self,
        who: &Principal,
        kind: ClockKind,
        id: &str,
        ctx: &RequestCtx,
    ) -> Result<ClockView> {
        let facts = self
            .clock_in_reach(who, ctx, kind, id, Action::ReadCases)
            .await?;
        let mut conn = self.k().read().await?;
        let (limit, _, clock) = clock_of(&mut conn, &facts, self.now_us()).await?;
        Ok(ClockView {
            facts,
            limit,
            clock,
        })
    }

    /// A handler asks for more time on a running clock: within the law's maximum, before it
    /// runs out, one request at a time.
    pub async fn request_extension(
        &self,
        who: &Principal,
        kind: ClockKind,
        clock_id: &str,
        minutes: i64,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<Extension> {
        self.clock_in_reach(who, ctx, kind, clock_id, Action::HandleCases)
            .await?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(AppError::invalid(
                "reason",
                field::TEXT.code,
                "1 to 500 characters",
            ));
        }
        if !(1..=366 * 24 * 60).contains(&minutes) {
            return Err(AppError::invalid(
                "minutes",
                field::MINUTES.code,
                "a positive number of minutes",
            ));
        }
        let id = ExtensionId::new();
        self.k()
            .write(who, ctx, async |tx| {
                let now = tx.now_us();
                let f = clock_facts(tx.db(), kind, clock_id)
                    .await?
                    .ok_or(AppError::NotFound { what: "clock" })?;
                let (limit, extended, state) = clock_of(tx.db(), &f, now).await?;
                let clock = Clock {
                    limit: &limit,
                    started_at: f.started_at,
                    extended_minutes: extended,
                    stopped_at: f.stopped_at,
                };
                may_extend(&clock, minutes, now).map_err(|e| refused(&state, e))?;
                let pending = extensions_of(tx.db(), kind, clock_id)
                    .await?
                    .into_iter()
                    .any(|e| e.status == ExtensionStatus::Requested);
                if pending {
                    return Err(extension_state(
                        "a request for this clock is waiting for a decision",
                    ));
                }
                let e = Extension {
                    id: id.clone(),
                    clock: kind,
                    clock_id: clock_id.to_owned(),
                    minutes,
                    reason: reason.to_owned(),
                    requested_by: who.user_id.clone(),
                    requested_at: now,
                    status: ExtensionStatus::Requested,
                    decided_by: None,
                    decided_level: None,
                    decided_at: None,
                    decision_note: None,
                };
                q::insert_extension(tx.db(), &e).await?;
                area_event(
                    tx,
                    &f,
                    Some(&who.user_id),
                    AreaEventKind::ExtensionRequested,
                    serde_json::json!({ "extension_id": e.id, "measure_id": f.id,
                        "minutes": minutes, "reason": reason }),
                )
                .await?;
                tx.audit(
                    "cases.clock.extension.request",
                    (object(kind), clock_id),
                    &f.org_path,
                    serde_json::json!({ "extension_id": e.id, "minutes": minutes,
                        "reason": reason, "limit_code": f.limit_code }),
                )
                .await?;
                tx.publish(live(&f));
                Ok(e)
            })
            .await
    }

    /// Extensions waiting for a decision on running clocks the caller supervises, oldest
    /// first.
    pub async fn pending_extensions(&self, who: &Principal) -> Result<Vec<PendingExtension>> {
        authorize(who, Action::SuperviseCases, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let mut out = Vec::new();
        for e in q::pending_extensions(&mut conn).await? {
            let Some(facts) = clock_facts(&mut conn, e.clock, &e.clock_id).await? else {
                continue;
            };
            if facts.stopped_at.is_some()
                || sees_case(
                    who,
                    Action::SuperviseCases,
                    &facts.org_path,
                    &facts.legal_org_path,
                )
                .is_err()
            {
                continue;
            }
            let (limit, _, clock) = clock_of(&mut conn, &facts, now).await?;
            out.push(PendingExtension {
                extension: e,
                clock: ClockView {
                    facts,
                    limit,
                    clock,
                },
            });
        }
        Ok(out)
    }

    /// A legal supervisor approves or refuses an extension. The supervisor's unit must be of
    /// the level the limit asks for (403 `approver_level`, audited); an approval is checked
    /// again against the clock as it is now; a request is decided once (409
    /// `extension_state` for the later of two decisions).
    pub async fn decide_extension(
        &self,
        who: &Principal,
        id: &ExtensionId,
        approve: bool,
        note: &str,
        ctx: &RequestCtx,
    ) -> Result<Extension> {
        if let Err(d @ Denied::Role(..)) =
            authorize(who, Action::SuperviseCases, Scope::Org(&who.org_path))
        {
            return Err(self
                .denied(who, ctx, d, ("clock_extension", id.as_str()), &who.org_path)
                .await);
        }
        let note = note.trim();
        if note.chars().count() > 500 {
            return Err(AppError::invalid(
                "note",
                field::TEXT.code,
                "at most 500 characters",
            ));
        }
        let mut conn = self.k().read().await?;
        let e = extension(&mut conn, id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "extension" })?;
        let unit = orgs::get(&mut conn, &who.org_id)
            .await?
            .ok_or(AppError::NotFound { what: "org unit" })?;
        drop(conn);
        let f = self
            .clock_in_reach(who, ctx, e.clock, &e.clock_id, Action::SuperviseCases)
            .await?;
        let mut conn = self.k().read().await?;
        let limit = legal_limit(&mut conn, &f.limit_code)
            .await?
            .ok_or(AppError::NotFound {
                what: "legal limit",
            })?;
        drop(conn);
        if !may_approve(&limit, unit.kind) {
            let detail = serde_json::json!({ "reason": codes::APPROVER_LEVEL.code,
                "extension_id": id, "level": unit.kind, "required": limit.approver_level });
            self.k()
                .write(who, ctx, async |tx| {
                    tx.audit(
                        "cases.denied",
                        (object(e.clock), &e.clock_id),
                        &f.org_path,
                        detail,
                    )
                    .await
                })
                .await?;
            return Err(AppError::Conflict {
                code: codes::APPROVER_LEVEL.code,
                detail: format!(
                    "{} needs an approver of a {} or higher unit",
                    limit.name_en,
                    limit
                        .approver_level
                        .map_or("(none: it cannot be extended)", |k| k.as_str())
                ),
            });
        }
        self.k()
            .write(who, ctx, async |tx| {
                let now = tx.now_us();
                let e = extension(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "extension" })?;
                if e.status != ExtensionStatus::Requested {
                    return Err(extension_state("the extension was decided already"));
                }
                let f = clock_facts(tx.db(), e.clock, &e.clock_id)
                    .await?
                    .ok_or(AppError::NotFound { what: "clock" })?;
                let (limit, extended, before) = clock_of(tx.db(), &f, now).await?;
                if approve {
                    let clock = Clock {
                        limit: &limit,
                        started_at: f.started_at,
                        extended_minutes: extended,
                        stopped_at: f.stopped_at,
                    };
                    may_extend(&clock, e.minutes, now).map_err(|r| refused(&before, r))?;
                }
                let decided = Extension {
                    status: if approve {
                        ExtensionStatus::Approved
                    } else {
                        ExtensionStatus::Refused
                    },
                    decided_by: Some(who.user_id.clone()),
                    decided_level: Some(unit.kind),
                    decided_at: Some(now),
                    decision_note: (!note.is_empty()).then(|| note.to_owned()),
                    ..e
                };
                if !q::decide_extension(tx.db(), &decided).await? {
                    return Err(extension_state("the extension was decided already"));
                }
                let (_, _, after) = clock_of(tx.db(), &f, now).await?;
                area_event(
                    tx,
                    &f,
                    Some(&who.user_id),
                    if approve {
                        AreaEventKind::ExtensionApproved
                    } else {
                        AreaEventKind::ExtensionRefused
                    },
                    serde_json::json!({ "extension_id": decided.id, "measure_id": f.id,
                        "minutes": decided.minutes, "note": decided.decision_note,
                        "due_at": after.due_at }),
                )
                .await?;
                tx.audit(
                    "cases.clock.extension.decide",
                    (object(f.kind), &f.id),
                    &f.org_path,
                    serde_json::json!({ "extension_id": decided.id, "status": decided.status,
                        "minutes": decided.minutes, "level": unit.kind,
                        "due_before": before.due_at, "due_after": after.due_at }),
                )
                .await?;
                tx.publish(live(&f));
                Ok(decided)
            })
            .await
    }

    /// Raises the warnings and expiries that are due, each once (the clock job; safe on
    /// several nodes: `clock_alerts` takes each clock's level once). Each raised alert is an
    /// audit entry naming its recipients, a live event, and — for a measure — an event on the
    /// person's record. Returns how many were raised.
    pub async fn run_clock_alerts(&self) -> Result<usize> {
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
        for f in q::running_clocks(&mut conn).await? {
            let Some(limit) = legal_limit(&mut conn, &f.limit_code).await? else {
                continue;
            };
            let extended = approved_minutes(&mut conn, f.kind, &f.id).await?;
            let clock = Clock {
                limit: &limit,
                started_at: f.started_at,
                extended_minutes: extended,
                stopped_at: f.stopped_at,
            };
            let raised = alerts_of(&mut conn, f.kind, &f.id).await?;
            for (alert, at) in clock.alert_times() {
                if at <= now && !raised.iter().any(|(a, _)| *a == alert) {
                    due.push((f.kind, f.id.clone(), alert));
                }
            }
        }
        drop(conn);
        let mut done = 0;
        for (kind, clock_id, alert) in due {
            let raised = self
                .k()
                .write(&system, &ctx, async |tx| {
                    raise(tx, kind, &clock_id, alert).await
                })
                .await;
            match raised {
                Ok(()) => done += 1,
                // Stopped, extended or raised elsewhere meanwhile: nothing to record.
                Err(AppError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(done)
    }

    /// Alerts raised since `since` (default: a week) for clocks in the caller's reach —
    /// what escalated, latest first.
    pub async fn alerts(&self, who: &Principal, since: Option<i64>) -> Result<Vec<AlertLine>> {
        authorize(who, Action::ReadCases, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let since = since.unwrap_or_else(|| self.now_us() - ALERTS_DEFAULT_DAYS * DAY_US);
        let legal = (who.role == Role::LegalSupervisor).then_some(who.org_path.as_str());
        let mut conn = self.k().read().await?;
        let rows = q::alerts_under(&mut conn, &who.org_path, legal, since, ALERTS_MAX).await?;
        let mut out = Vec::new();
        for (facts, alert, at) in rows {
            if sees_case(
                who,
                Action::ReadCases,
                &facts.org_path,
                &facts.legal_org_path,
            )
            .is_err()
            {
                continue;
            }
            let limit = limit_of(&mut conn, "limit_code", &facts.limit_code).await?;
            out.push(AlertLine {
                facts,
                limit,
                alert,
                at,
            });
        }
        Ok(out)
    }
}

/// Raises one alert of one clock, in the job's write, if it is still due and not raised.
async fn raise(tx: &mut Tx, kind: ClockKind, clock_id: &str, alert: Alert) -> Result<()> {
    let gone = || AppError::NotFound {
        what: "pending alert",
    };
    let now = tx.now_us();
    let f = clock_facts(tx.db(), kind, clock_id)
        .await?
        .ok_or_else(gone)?;
    if f.stopped_at.is_some() {
        return Err(gone());
    }
    let (limit, extended, state) = clock_of(tx.db(), &f, now).await?;
    let clock = Clock {
        limit: &limit,
        started_at: f.started_at,
        extended_minutes: extended,
        stopped_at: None,
    };
    let Some(reached) = clock
        .alert_times()
        .into_iter()
        .find(|(a, at)| *a == alert && *at <= now)
        .map(|(_, at)| at)
    else {
        return Err(gone());
    };
    if !q::record_alert(tx.db(), kind, clock_id, alert, reached).await? {
        return Err(gone());
    }
    let recipients: Vec<serde_json::Value> = alert
        .recipients()
        .iter()
        .map(|r| match r {
            Recipient::Handler => serde_json::json!({ "to": r, "user_id": f.handler_id }),
            Recipient::Supervisor => serde_json::json!({ "to": r, "user_id": f.supervisor_id }),
            Recipient::LegalOffice => {
                serde_json::json!({ "to": r, "org_path": f.legal_org_path })
            }
        })
        .collect();
    area_event(
        tx,
        &f,
        None,
        if alert == Alert::Expired {
            AreaEventKind::Expired
        } else {
            AreaEventKind::Warning
        },
        serde_json::json!({ "measure_id": f.id, "level": alert, "reached_at": reached,
            "due_at": state.due_at, "recipients": recipients }),
    )
    .await?;
    tx.audit(
        "cases.clock.alert",
        (object(kind), clock_id),
        &f.org_path,
        serde_json::json!({ "level": alert, "reached_at": reached, "due_at": state.due_at,
            "limit_code": f.limit_code, "case_id": f.case_id, "custody_id": f.custody_id,
            "recipients": recipients }),
    )
    .await?;
    tx.publish(live(&f));
    Ok(())
}
