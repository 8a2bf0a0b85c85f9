//! Units: create, change and retire (call sign, kind, station, travel mode, equipment, post).
//! Crews are set by `PUT /units/{id}/crew` (`command::crew`) and by the roster's shifts.

use jingwu_command::setup::rows::UnitRow;
use jingwu_command::setup::{
    Problem, check_call_sign, check_equipment, check_kind, check_text, check_travel_mode,
};
use jingwu_command::unit::{Actor, UnitStatus};
use jingwu_core::{Action, Principal, UnitId};
use jingwu_store::Conn;
use jingwu_store::command::{self as q, ScopedUnit, Unit, UnitSetup};
use jingwu_store::foundation::orgs::OrgUnit;

use super::{invalid, may_set_up, named_org, take};
use crate::command::{Command, move_unit};
use crate::{AppError, LiveEvent, RequestCtx, Result};

#[derive(Debug, Clone)]
pub struct UnitInput {
    pub call_sign: String,
    pub kind: String,
    /// Home org unit (id or code).
    pub org: String,
    /// Default: the kind's usual travel mode.
    pub travel_mode: Option<String>,
    pub equipment: Vec<String>,
    /// A post of the home station (id or name).
    pub post: Option<String>,
}

/// A unit with its setup data (post, retirement).
#[derive(Debug, Clone)]
pub struct SetupUnit {
    pub unit: ScopedUnit,
    pub setup: UnitSetup,
}

/// The fields of a unit as a row (the same checks as a CSV line).
fn row_of(input: &UnitInput) -> std::result::Result<UnitRow, Vec<Problem>> {
    let mut problems = Vec::new();
    let p = &mut problems;
    let call_sign = take(p, check_call_sign(&input.call_sign));
    let kind = take(p, check_kind(&input.kind));
    let org = take(p, check_text("org", &input.org));
    let travel_mode =
        kind.and_then(|k| take(p, check_travel_mode(input.travel_mode.as_deref(), k)));
    let equipment = take(p, check_equipment(&input.equipment));
    match (call_sign, kind, org, travel_mode, equipment) {
        (Some(call_sign), Some(kind), Some(org_code), Some(travel_mode), Some(equipment))
            if problems.is_empty() =>
        {
            Ok(UnitRow {
                call_sign,
                kind,
                org_code,
                travel_mode,
                equipment,
                post: input.post.clone().filter(|p| !p.trim().is_empty()),
            })
        }
        _ => Err(problems),
    }
}

/// The unit to write for a row at `org`: a new one (off duty until its shift or a dispatcher
/// puts it on) or `existing` changed. Returns the unit and its post id.
pub(super) async fn plan_unit(
    db: &mut impl Conn,
    org: &OrgUnit,
    row: &UnitRow,
    existing: Option<&Unit>,
    now: i64,
) -> Result<std::result::Result<(Unit, Option<String>), Vec<Problem>>> {
    let mut problems = Vec::new();
    if let Some(other) = q::unit_by_call_sign(db, &row.call_sign).await?
        && Some(&other.unit.id) != existing.map(|e| &e.id)
    {
        problems.push((
            "call_sign".into(),
            jingwu_command::error_codes::field::TAKEN.code,
            format!("{} is taken", row.call_sign),
        ));
    }
    let post_id = match &row.post {
        None => None,
        Some(p) => {
            let by_id = q::get_post(db, p).await?.map(|(post, _)| post);
            let post = match by_id {
                Some(post) => Some(post),
                None => q::post_named(db, &org.id, p).await?,
            };
            match post.filter(|post| post.org_id == org.id.as_str()) {
                Some(post) => Some(post.id),
                None => {
                    problems.push((
                        "post".into(),
                        jingwu_command::error_codes::field::POST_UNKNOWN.code,
                        format!("{} has no post {p}", org.code),
                    ));
                    None
                }
            }
        }
    };
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let base = existing.cloned().unwrap_or_else(|| Unit {
        id: UnitId::new(),
        call_sign: String::new(),
        kind: row.kind,
        org_id: org.id.as_str().into(),
        status: UnitStatus::OffDuty,
        status_since: now,
        incident_id: None,
        crew: Vec::new(),
        travel_mode: row.travel_mode,
        equipment: Vec::new(),
        lat: None,
        lon: None,
        position_at: None,
        created_at: now,
    });
    Ok(Ok((
        Unit {
            call_sign: row.call_sign.clone(),
            kind: row.kind,
            org_id: org.id.as_str().into(),
            travel_mode: row.travel_mode,
            equipment: row.equipment.clone(),
            ..base
        },
        post_id,
    )))
}

fn detail(u: &Unit, post_id: Option<&str>) -> serde_json::Value {
    serde_json::json!({
        "call_sign": u.call_sign, "kind": u.kind, "org_id": u.org_id,
        "travel_mode": u.travel_mode, "equipment": u.equipment, "post_id": post_id,
    })
}

impl Command<'_> {
    pub async fn create_unit(
        &self,
        who: &Principal,
        input: UnitInput,
        ctx: &RequestCtx,
    ) -> Result<SetupUnit> {
        let row = row_of(&input).map_err(invalid)?;
        self.k()
            .write(who, ctx, async |tx| {
                let org = named_org(tx.db(), who, &row.org_code, "org").await?;
                let now = tx.now_us();
                let (unit, post_id) = plan_unit(tx.db(), &org, &row, None, now)
                    .await?
                    .map_err(invalid)?;
                q::insert_unit(tx.db(), &unit).await?;
                q::update_unit_standing(tx.db(), &unit, post_id.as_deref()).await?;
                tx.audit(
                    "unit.create",
                    ("unit", unit.id.as_str()),
                    &org.path,
                    detail(&unit, post_id.as_deref()),
                )
                .await?;
                tx.publish(LiveEvent::Unit {
                    unit_id: unit.id.to_string(),
                    org_path: org.path.clone(),
                });
                Ok(SetupUnit {
                    unit: ScopedUnit {
                        unit,
                        org_path: org.path,
                    },
                    setup: UnitSetup {
                        post_id,
                        retired_at: None,
                    },
                })
            })
            .await
    }

    /// Changes a unit's standing data. Its station changes only while it is not on a job.
    pub async fn update_unit(
        &self,
        who: &Principal,
        unit_id: &str,
        input: UnitInput,
        ctx: &RequestCtx,
    ) -> Result<SetupUnit> {
        let row = row_of(&input).map_err(invalid)?;
        self.k()
            .write(who, ctx, async |tx| {
                let before = self
                    .scoped_unit(tx.db(), who, Action::SetUpCommand, unit_id)
                    .await?;
                let setup = q::unit_setup(tx.db(), unit_id).await?;
                if setup.retired_at.is_some() {
                    return Err(retired());
                }
                let org = named_org(tx.db(), who, &row.org_code, "org").await?;
                if org.id != before.unit.org_id.as_str() && before.unit.status.is_assigned() {
                    return Err(on_job("move it to another station"));
                }
                let now = tx.now_us();
                let (unit, post_id) = plan_unit(tx.db(), &org, &row, Some(&before.unit), now)
                    .await?
                    .map_err(invalid)?;
                q::update_unit_standing(tx.db(), &unit, post_id.as_deref()).await?;
                let mut d = detail(&unit, post_id.as_deref());
                d["before"] = detail(&before.unit, setup.post_id.as_deref());
                tx.audit("unit.update", ("unit", unit_id), &org.path, d)
                    .await?;
                for path in [&before.org_path, &org.path] {
                    tx.publish(LiveEvent::Unit {
                        unit_id: unit_id.into(),
                        org_path: path.clone(),
                    });
                }
                Ok(SetupUnit {
                    unit: ScopedUnit {
                        unit,
                        org_path: org.path,
                    },
                    setup: UnitSetup { post_id, ..setup },
                })
            })
            .await
    }

    /// Retires a unit: off duty for good, kept with its history and call sign. A unit on a
    /// job (dispatched, en route, on scene, busy) is retired once it is free.
    pub async fn retire_unit(
        &self,
        who: &Principal,
        unit_id: &str,
        ctx: &RequestCtx,
    ) -> Result<SetupUnit> {
        self.k()
            .write(who, ctx, async |tx| {
                let mut u = self
                    .scoped_unit(tx.db(), who, Action::SetUpCommand, unit_id)
                    .await?;
                let mut setup = q::unit_setup(tx.db(), unit_id).await?;
                if setup.retired_at.is_some() {
                    return Err(retired());
                }
                let now = tx.now_us();
                match u.unit.status {
                    UnitStatus::OffDuty => {}
                    UnitStatus::Available => {
                        move_unit(
                            tx.db(),
                            who,
                            Actor::Dispatcher,
                            unit_id,
                            UnitStatus::Available,
                            UnitStatus::OffDuty,
                            None,
                            "retired",
                            now,
                        )
                        .await?;
                    }
                    _ => return Err(on_job("retire it")),
                }
                if !q::retire_unit(tx.db(), unit_id, now).await? {
                    return Err(AppError::Conflict {
                        code: jingwu_command::error_codes::UNIT_CHANGED.code,
                        detail: "the unit changed meanwhile; reload and try again".into(),
                    });
                }
                tx.audit(
                    "unit.retire",
                    ("unit", unit_id),
                    &u.org_path,
                    serde_json::json!({ "call_sign": u.unit.call_sign, "status_before": u.unit.status }),
                )
                .await?;
                tx.publish(LiveEvent::Unit {
                    unit_id: unit_id.into(),
                    org_path: u.org_path.clone(),
                });
                u.unit.status = UnitStatus::OffDuty;
                setup.retired_at = Some(now);
                Ok(SetupUnit { unit: u, setup })
            })
            .await
    }

    /// Every unit of the caller's jurisdiction, retired ones too, with their setup data.
    pub async fn list_setup_units(&self, who: &Principal) -> Result<Vec<SetupUnit>> {
        may_set_up(who)?;
        let mut conn = self.k().read().await?;
        Ok(q::units_with_setup_under(&mut conn, &who.org_path)
            .await?
            .into_iter()
            .map(|(unit, setup)| SetupUnit { unit, setup })
            .collect())
    }
}

fn retired() -> AppError {
    AppError::Conflict {
        code: jingwu_command::error_codes::UNIT_RETIRED.code,
        detail: "the unit is retired".into(),
    }
}

fn on_job(what: &str) -> AppError {
    AppError::Conflict {
        code: jingwu_command::error_codes::UNIT_ON_JOB.code,
        detail: format!("the unit is on a job: clear it first, then {what}"),
    }
}
