//! Duty rosters: shifts per unit, and the job that moves units on and off duty at the shift
//! boundaries.
//!
//! A job on the kernel's clock rather than a rule applied at read time: the unit's stored
//! status is what dispatch's conditional update, the recommendation, coverage, key-site
//! readiness, the terminals and the status history all read, so one writer moving it along the
//! status machine's own edges (`off_duty ⇄ available`, `Actor::System`, "start/end of shift")
//! keeps them in agreement, audited and in the unit's history; a read-time rule would have to
//! be repeated in each reader, and one that forgot it could dispatch a unit off shift. The
//! price is a lag of at most [`ROSTER_EVERY`] after a boundary; a shift added or removed around
//! the current time takes effect in the same transaction.
//!
//! A unit without any shift is not rostered: a dispatcher or its terminal sets it on and off
//! duty by hand, as before rosters existed. A unit on a job at the end of its shift finishes
//! the job and goes off duty on the first pass after it is available again.

use std::time::Duration;

use jingwu_command::setup::{Problem, Roster, check_shift, instant_text, overlaps};
use jingwu_command::unit::{Actor, UnitStatus};
use jingwu_core::{Action, Principal, Scope, authorize, new_id};
use jingwu_store::command::{self as q, ScopedUnit, Shift};
use jingwu_store::foundation::orgs;
use jingwu_store::{Conn, WriteTx};

use super::{invalid, may_set_up};
use crate::command::crew::check_crew;
use crate::command::{Command, move_unit};
use crate::{AppError, LiveEvent, RequestCtx, Result};

/// How often the roster job runs.
pub const ROSTER_EVERY: Duration = Duration::from_secs(15);

/// Units one pass moves (the next pass takes the rest).
const BATCH: i64 = 500;

#[derive(Debug, Clone)]
pub struct ShiftInput {
    pub unit_id: String,
    pub starts_at: i64,
    pub ends_at: i64,
    /// Officers on duty in the unit during the shift; empty keeps the unit's crew.
    pub crew: Vec<String>,
}

/// The shift to write for `unit`, checked against its other shifts and those `planned` in
/// the same import.
pub(super) async fn plan_shift(
    db: &mut impl Conn,
    who: &Principal,
    unit: &ScopedUnit,
    input: &ShiftInput,
    planned: &[Shift],
    now: i64,
) -> Result<std::result::Result<Shift, Vec<Problem>>> {
    let mut problems: Vec<Problem> = check_shift(input.starts_at, input.ends_at)
        .err()
        .into_iter()
        .collect();
    let clash = q::shift_overlaps(db, unit.unit.id.as_str(), input.starts_at, input.ends_at)
        .await?
        || planned.iter().any(|s| {
            s.unit_id == unit.unit.id
                && overlaps(s.starts_at, s.ends_at, input.starts_at, input.ends_at)
        });
    if problems.is_empty() && clash {
        problems.push((
            "starts_at".into(),
            jingwu_command::error_codes::field::SHIFT_OVERLAP.code,
            format!(
                "{} has a shift overlapping {} – {}",
                unit.unit.call_sign,
                instant_text(input.starts_at),
                instant_text(input.ends_at)
            ),
        ));
    }
    let crew_errors = check_crew(db, who, &unit.unit.crew, &input.crew, "crew").await?;
    problems.extend(
        crew_errors
            .into_iter()
            .map(|e| (e.field, code_of(&e.code), e.reason)),
    );
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    Ok(Ok(Shift {
        id: new_id(),
        unit_id: unit.unit.id.clone(),
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        crew: input.crew.clone(),
        created_at: now,
    }))
}

/// The registered code a crew check returned (field errors carry text codes).
fn code_of(code: &str) -> &'static str {
    use jingwu_command::error_codes::field::{CREW_DUPLICATE, CREW_SIZE, CREW_UNKNOWN_OFFICER};
    [CREW_DUPLICATE, CREW_SIZE, CREW_UNKNOWN_OFFICER]
        .into_iter()
        .find(|c| c.code == code)
        .map_or(CREW_UNKNOWN_OFFICER.code, |c| c.code)
}

/// Moves `unit` to what its roster says at `now`, in the caller's transaction: on duty (with
/// the shift's crew, when it names one) inside a shift, off duty outside every shift. Returns
/// the new status when it changed.
pub(super) async fn follow_roster(
    db: &mut WriteTx,
    who: &Principal,
    unit_id: &str,
    now: i64,
) -> Result<Option<UnitStatus>> {
    let Some(u) = q::get_unit(db, unit_id).await? else {
        return Ok(None);
    };
    if q::unit_setup(db, unit_id).await?.retired_at.is_some() {
        return Ok(None);
    }
    let shifts = q::shifts_of_unit(db, unit_id).await?;
    let bounds: Vec<(i64, i64)> = shifts.iter().map(|s| (s.starts_at, s.ends_at)).collect();
    let (to, reason) = match (Roster::at(&bounds, now), u.unit.status) {
        (Roster::OnShift, UnitStatus::OffDuty) => (UnitStatus::Available, "start of shift"),
        (Roster::OffShift, UnitStatus::Available) => (UnitStatus::OffDuty, "end of shift"),
        _ => return Ok(None),
    };
    move_unit(
        db,
        who,
        Actor::System,
        unit_id,
        u.unit.status,
        to,
        None,
        reason,
        now,
    )
    .await?;
    if to == UnitStatus::Available
        && let Some(shift) = shifts
            .iter()
            .find(|s| s.starts_at <= now && now < s.ends_at)
        && !shift.crew.is_empty()
        && shift.crew != u.unit.crew
    {
        q::set_unit_crew(db, unit_id, &shift.crew).await?;
    }
    Ok(Some(to))
}

impl Command<'_> {
    /// Adds a shift to a unit's roster; a shift around the current time takes effect at once.
    pub async fn create_shift(
        &self,
        who: &Principal,
        input: ShiftInput,
        ctx: &RequestCtx,
    ) -> Result<(Shift, String)> {
        self.k()
            .write(who, ctx, async |tx| {
                let unit = self
                    .scoped_unit(tx.db(), who, Action::SetUpCommand, &input.unit_id)
                    .await?;
                if q::unit_setup(tx.db(), &input.unit_id).await?.retired_at.is_some() {
                    return Err(AppError::Conflict {
                        code: jingwu_command::error_codes::UNIT_RETIRED.code,
                        detail: "the unit is retired".into(),
                    });
                }
                let now = tx.now_us();
                let shift = plan_shift(tx.db(), who, &unit, &input, &[], now)
                    .await?
                    .map_err(invalid)?;
                q::insert_shift(tx.db(), &shift).await?;
                let moved = follow_roster(tx.db(), who, &input.unit_id, now).await?;
                tx.audit(
                    "unit.shift.create",
                    ("unit_shift", &shift.id),
                    &unit.org_path,
                    serde_json::json!({
                        "unit_id": shift.unit_id, "starts_at": shift.starts_at, "ends_at": shift.ends_at,
                        "crew": shift.crew, "status_now": moved,
                    }),
                )
                .await?;
                tx.publish(LiveEvent::Unit {
                    unit_id: input.unit_id.clone(),
                    org_path: unit.org_path.clone(),
                });
                Ok((shift, unit.org_path))
            })
            .await
    }

    /// Removes a shift; a unit inside it goes off duty at once (when available).
    pub async fn delete_shift(
        &self,
        who: &Principal,
        shift_id: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        self.k()
            .write(who, ctx, async |tx| {
                let (shift, path) = q::get_shift(tx.db(), shift_id)
                    .await?
                    .ok_or(AppError::NotFound { what: "shift" })?;
                authorize(who, Action::SetUpCommand, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "shift"))?;
                q::delete_shift(tx.db(), shift_id).await?;
                let now = tx.now_us();
                let moved = follow_roster(tx.db(), who, shift.unit_id.as_str(), now).await?;
                tx.audit(
                    "unit.shift.delete",
                    ("unit_shift", shift_id),
                    &path,
                    serde_json::json!({
                        "unit_id": shift.unit_id, "starts_at": shift.starts_at, "ends_at": shift.ends_at,
                        "status_now": moved,
                    }),
                )
                .await?;
                tx.publish(LiveEvent::Unit {
                    unit_id: shift.unit_id.to_string(),
                    org_path: path,
                });
                Ok(())
            })
            .await
    }

    /// Shifts of the caller's units between `from` and `to` (µs).
    pub async fn list_shifts(
        &self,
        who: &Principal,
        from: i64,
        to: i64,
    ) -> Result<Vec<(Shift, String)>> {
        may_set_up(who)?;
        let mut conn = self.k().read().await?;
        Ok(q::shifts_under(&mut conn, &who.org_path, from, to).await?)
    }

    /// Starts the roster job (every [`ROSTER_EVERY`]).
    pub fn spawn_roster_job(&self) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.command().run_roster().await {
                    tracing::warn!(error = %e, "roster job failed");
                }
                tokio::time::sleep(ROSTER_EVERY).await;
            }
        })
    }

    /// One pass of the roster job: every rostered unit whose status disagrees with its roster
    /// now is moved, each in its own audited write. Returns how many moved. Safe to run on
    /// several nodes: each move is the status machine's conditional update.
    pub async fn run_roster(&self) -> Result<usize> {
        let mut conn = self.k().read().await?;
        let Some(root) = orgs::root(&mut conn).await? else {
            return Ok(0);
        };
        let now = self.now_us();
        let due = q::roster_due(&mut conn, now, BATCH).await?;
        drop(conn);
        let system = Principal::system(root.id.as_str(), &root.path);
        let ctx = RequestCtx {
            request_id: format!("job-{}", new_id()),
            client_addr: None,
        };
        let mut moved = 0;
        for unit_id in due {
            let done = self
                .k()
                .write(&system, &ctx, async |tx| {
                    let now = tx.now_us();
                    let Some(to) = follow_roster(tx.db(), &system, &unit_id, now).await? else {
                        // Changed meanwhile: nothing to record (and no audit entry).
                        return Err(AppError::NotFound {
                            what: "roster change",
                        });
                    };
                    let path = q::get_unit(tx.db(), &unit_id)
                        .await?
                        .map(|u| u.org_path)
                        .unwrap_or_default();
                    tx.audit(
                        "unit.roster",
                        ("unit", &unit_id),
                        &path,
                        serde_json::json!({ "to": to }),
                    )
                    .await?;
                    tx.publish(LiveEvent::Unit {
                        unit_id: unit_id.clone(),
                        org_path: path,
                    });
                    Ok(())
                })
                .await;
            match done {
                Ok(()) => moved += 1,
                // Moved meanwhile (by another node's pass, a dispatcher or a terminal).
                Err(AppError::NotFound { .. } | AppError::Conflict { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(moved)
    }
}
