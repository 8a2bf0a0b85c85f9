//! The handling area (办案区): its rooms, the people brought in and everything that happens to
//! them until they leave with an outcome. The rules are `jingwu_cases::area`'s; every change is
//! one audited write that appends the record's event and tells the board
//! (`LiveEvent::Cases { kind: "area" }`); every look at a person's record is an audited view,
//! and every refusal on one is audited (`Cases::denied`).

use jingwu_cases::area::{
    self as rules, AreaAction, AreaEvent, AreaEventKind, AreaRefusal, Belonging, Custody,
    CustodyFacts, CustodyStatus, IdKind, LeavePurpose, Measure, MeasureRefusal, Outcome,
    PersonRole, Room, RoomKind,
};
use jingwu_cases::clock::{Alert, Clock, ClockKind, ClockState, Extension};
use jingwu_cases::error_codes::{self as codes, field};
use jingwu_cases::ids::{BelongingId, CaseId, CustodyId, MeasureId, RoomId};
use jingwu_cases::limits::LegalLimit;
use jingwu_cases::policy::sees_case;
use jingwu_core::{Action, Denied, Principal, Role, Scope, authorize};
use jingwu_store::Conn;
use jingwu_store::cases::area::{self as q, ScopedCustody};
use jingwu_store::cases::{alerts_of, approved_minutes, extensions_of, legal_limit};
use jingwu_store::foundation::{orgs, users};

use super::Cases;
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result, Tx};

/// The audit log's name for a person's record.
pub(super) const OBJECT: &str = "area_custody";

/// A room as an administrator defines it.
#[derive(Debug, Clone)]
pub struct NewRoom {
    pub org_id: String,
    pub code: String,
    pub name: String,
    pub kind: RoomKind,
    pub active: bool,
}

/// A person brought into the area.
#[derive(Debug, Clone)]
pub struct NewCustody {
    pub name: String,
    pub id_kind: IdKind,
    pub id_number: Option<String>,
    pub role: PersonRole,
    /// The case reason (案由) or why the person was brought in.
    pub reason: String,
    /// 到案时间.
    pub arrived_at: i64,
    /// The first measure (a limit code that applies to custody); a suspect needs one.
    pub measure: Option<String>,
    /// The case the person is brought in for: the record is then held by the case's unit.
    pub case_id: Option<CaseId>,
    /// The first room: a safety-check or waiting room of the area.
    pub room_id: Option<RoomId>,
}

/// Something recorded on a person in the area.
#[derive(Debug, Clone)]
pub enum AreaStep {
    SafetyCheck {
        note: String,
    },
    InfoCollected {
        note: String,
    },
    RoomMove {
        room_id: RoomId,
    },
    /// Out of the area for a while, with the approval of someone above the holding unit.
    Leave {
        purpose: LeavePurpose,
        approved_by: String,
        destination: String,
        note: String,
    },
    Return {
        note: String,
    },
}

/// A belonging as the handler records it.
#[derive(Debug, Clone)]
pub struct NewBelonging {
    pub description: String,
    pub quantity: i64,
}

/// A measure with its legal limit and its clock now.
#[derive(Debug, Clone)]
pub struct MeasureView {
    pub measure: Measure,
    pub limit: LegalLimit,
    pub clock: ClockState,
    pub extensions: Vec<Extension>,
    /// Warnings and expiry raised for it, with the instant each was reached.
    pub alerts: Vec<(Alert, i64)>,
}

/// A person's record: everything that happened, measures with their clocks, belongings.
#[derive(Debug, Clone)]
pub struct CustodyView {
    pub custody: Custody,
    pub org_path: String,
    pub measures: Vec<MeasureView>,
    pub events: Vec<AreaEvent>,
    pub belongings: Vec<Belonging>,
}

impl CustodyView {
    /// The measure whose clock runs now.
    pub fn running(&self) -> Option<&MeasureView> {
        self.measures.iter().find(|m| m.measure.ended_at.is_none())
    }
}

/// A line of the board: a person inside with the running measure's clock.
#[derive(Debug, Clone)]
pub struct BoardLine {
    pub custody: Custody,
    pub org_path: String,
    pub measure: Option<(Measure, LegalLimit, ClockState)>,
}

fn state(detail: impl Into<String>) -> AppError {
    AppError::Conflict {
        code: codes::CUSTODY_STATE.code,
        detail: detail.into(),
    }
}

/// The refusal of the area's rules as the caller sees it.
fn refused(r: AreaRefusal) -> AppError {
    let code = match r {
        AreaRefusal::Expired => codes::CLOCK_EXPIRED.code,
        AreaRefusal::SafetyCheckFirst => codes::SAFETY_CHECK_FIRST.code,
        AreaRefusal::NotForPeople => codes::ROOM_UNAVAILABLE.code,
        AreaRefusal::Exited
        | AreaRefusal::Outside
        | AreaRefusal::NotOutside
        | AreaRefusal::Repeated => codes::CUSTODY_STATE.code,
    };
    AppError::Conflict {
        code,
        detail: r.to_string(),
    }
}

fn measure_refused(r: MeasureRefusal) -> AppError {
    match r {
        MeasureRefusal::NotCustody(_) => {
            AppError::invalid("limit_code", field::LIMIT.code, r.to_string())
        }
        MeasureRefusal::Same(_) => state(r.to_string()),
        MeasureRefusal::AlreadyExpired(_) => AppError::Conflict {
            code: codes::CLOCK_EXPIRED.code,
            detail: r.to_string(),
        },
    }
}

/// A legal limit by code, or a 422 on `name`.
pub(super) async fn limit_of(db: &mut impl Conn, name: &str, code: &str) -> Result<LegalLimit> {
    legal_limit(db, code).await?.ok_or_else(|| {
        AppError::invalid(
            name,
            field::LIMIT.code,
            format!("no legal time limit {code}"),
        )
    })
}

/// The clock of a measure at `now`.
pub(super) async fn measure_clock(
    db: &mut impl Conn,
    m: &Measure,
    limit: &LegalLimit,
    now: i64,
) -> Result<ClockState> {
    let extended = approved_minutes(db, ClockKind::Measure, m.id.as_str()).await?;
    Ok(Clock {
        limit,
        started_at: m.started_at,
        extended_minutes: extended,
        stopped_at: m.ended_at,
    }
    .at(now))
}

/// A record as the write sees it: the row, its history and whether its clock ran out.
struct Loaded {
    sc: ScopedCustody,
    running: Option<Measure>,
    facts: CustodyFacts,
}

async fn load(tx: &mut Tx, id: &CustodyId) -> Result<Loaded> {
    let now = tx.now_us();
    let sc = q::custody(tx.db(), id.as_str())
        .await?
        .ok_or(AppError::NotFound {
            what: "custody record",
        })?;
    let events = q::events_of(tx.db(), id.as_str()).await?;
    let running = q::measures_of(tx.db(), id.as_str())
        .await?
        .into_iter()
        .find(|m| m.ended_at.is_none());
    let expired = match &running {
        Some(m) => {
            let limit = limit_of(tx.db(), "limit_code", &m.limit_code).await?;
            measure_clock(tx.db(), m, &limit, now).await?.alert == Some(Alert::Expired)
        }
        None => false,
    };
    let facts = CustodyFacts::of(&sc.custody, &events, expired);
    Ok(Loaded { sc, running, facts })
}

/// Loads a record in the write and checks that the area's rules allow `action`.
async fn load_for(tx: &mut Tx, id: &CustodyId, action: AreaAction) -> Result<Loaded> {
    let l = load(tx, id).await?;
    rules::may(&l.facts, action).map_err(refused)?;
    Ok(l)
}

/// An active room of the record's unit, for a person to be put in.
async fn room_for(tx: &mut Tx, c: &Custody, room_id: &RoomId) -> Result<Room> {
    match q::room(tx.db(), room_id.as_str()).await? {
        Some((r, _)) if r.active && r.org_id == c.org_id => Ok(r),
        _ => Err(AppError::Conflict {
            code: codes::ROOM_UNAVAILABLE.code,
            detail: "no such active room in the person's handling area".into(),
        }),
    }
}

async fn event(
    tx: &mut Tx,
    who: &Principal,
    id: &CustodyId,
    kind: AreaEventKind,
    room: Option<&RoomId>,
    detail: serde_json::Value,
) -> Result<AreaEvent> {
    let at = tx.now_us();
    let by = (who.user_id != "system").then_some(who.user_id.as_str());
    Ok(q::append_event(tx.db(), id, kind, at, by, room, detail).await?)
}

/// The audit entry and the board's live event of a change to a record.
async fn changed(
    tx: &mut Tx,
    action: &str,
    sc: &ScopedCustody,
    detail: serde_json::Value,
) -> Result<()> {
    tx.audit(
        action,
        (OBJECT, sc.custody.id.as_str()),
        &sc.org_path,
        detail,
    )
    .await?;
    tx.publish(LiveEvent::Cases {
        kind: "area",
        id: sc.custody.id.to_string(),
        org_path: sc.org_path.clone(),
    });
    Ok(())
}

fn checked_room(n: &NewRoom) -> Result<()> {
    let mut errs = Vec::new();
    let code_ok = (1..=16).contains(&n.code.trim().chars().count())
        && n.code
            .trim()
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-');
    if !code_ok {
        errs.push(FieldError::new(
            "code",
            field::TEXT.code,
            "1 to 16 letters, digits or dashes",
        ));
    }
    super::text(&mut errs, "name", &n.name, 1, 40);
    crate::fields::no_errors(errs)
}

impl Cases<'_> {
    /// The caller may take `action` on the record (role first, then reach); a refusal is
    /// audited. Returns the record as it is now.
    pub(super) async fn custody_in_reach(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        id: &CustodyId,
        action: Action,
    ) -> Result<ScopedCustody> {
        if let Err(d @ Denied::Role(..)) = authorize(who, action, Scope::Org(&who.org_path)) {
            return Err(self
                .denied(who, ctx, d, (OBJECT, id.as_str()), &who.org_path)
                .await);
        }
        let mut conn = self.k().read().await?;
        let sc = q::custody(&mut conn, id.as_str())
            .await?
            .ok_or(AppError::NotFound {
                what: "custody record",
            })?;
        drop(conn);
        if let Err(d) = sees_case(who, action, &sc.org_path, &sc.legal_org_path) {
            return Err(self
                .denied(who, ctx, d, (OBJECT, id.as_str()), &sc.org_path)
                .await);
        }
        Ok(sc)
    }

    /// The rooms of the areas under the caller's unit, or under `org_id` (a unit of its
    /// jurisdiction): handlers and supervisors read them, administrators keep them.
    pub async fn rooms(&self, who: &Principal, org_id: Option<&str>) -> Result<Vec<Room>> {
        let may = |path: &str| {
            authorize(who, Action::ReadCases, Scope::Org(path))
                .or_else(|_| authorize(who, Action::ManageCases, Scope::Org(path)))
        };
        may(&who.org_path).map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let path = match org_id {
            Some(id) => {
                let org = orgs::get(&mut conn, id)
                    .await?
                    .ok_or(AppError::NotFound { what: "org unit" })?;
                may(&org.path).map_err(AppError::denied_scope)?;
                org.path
            }
            None => who.org_path.clone(),
        };
        Ok(q::rooms_under(&mut conn, &path)
            .await?
            .into_iter()
            .map(|(r, _)| r)
            .collect())
    }

    /// Adds a room to the area of a unit of the administrator's jurisdiction.
    pub async fn create_room(
        &self,
        who: &Principal,
        n: &NewRoom,
        ctx: &RequestCtx,
    ) -> Result<Room> {
        authorize(who, Action::ManageCases, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        checked_room(n)?;
        let id = RoomId::new();
        self.k()
            .write(who, ctx, async |tx| {
                let org = orgs::get(tx.db(), &n.org_id).await?.ok_or_else(|| {
                    AppError::invalid("org_id", field::CODE.code, "no such org unit")
                })?;
                authorize(who, Action::ManageCases, Scope::Org(&org.path))
                    .map_err(AppError::denied_scope)?;
                let room = Room {
                    id: id.clone(),
                    org_id: org.id.clone(),
                    code: n.code.trim().to_owned(),
                    name: n.name.trim().to_owned(),
                    kind: n.kind,
                    active: n.active,
                };
                q::insert_room(tx.db(), &room).await.map_err(|e| {
                    if e.is_unique_violation() {
                        AppError::invalid(
                            "code",
                            field::TEXT.code,
                            "the unit has a room with this code",
                        )
                    } else {
                        e.into()
                    }
                })?;
                tx.audit(
                    "cases.area.room.create",
                    ("area_room", room.id.as_str()),
                    &org.path,
                    serde_json::to_value(&room).unwrap_or_default(),
                )
                .await?;
                tx.publish(LiveEvent::Cases {
                    kind: "area",
                    id: room.id.to_string(),
                    org_path: org.path.clone(),
                });
                Ok(room)
            })
            .await
    }

    /// Changes a room (plate, name, kind, in use or not); a room stays with its unit. People in
    /// a room taken out of use stay where they are until moved.
    pub async fn update_room(
        &self,
        who: &Principal,
        id: &RoomId,
        n: &NewRoom,
        ctx: &RequestCtx,
    ) -> Result<Room> {
        authorize(who, Action::ManageCases, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        checked_room(n)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (old, path) = q::room(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "room" })?;
                authorize(who, Action::ManageCases, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "room"))?;
                if n.org_id != old.org_id {
                    return Err(AppError::invalid(
                        "org_id",
                        field::CODE.code,
                        "a room stays with its unit",
                    ));
                }
                let room = Room {
                    code: n.code.trim().to_owned(),
                    name: n.name.trim().to_owned(),
                    kind: n.kind,
                    active: n.active,
                    ..old
                };
                q::update_room(tx.db(), &room).await.map_err(|e| {
                    if e.is_unique_violation() {
                        AppError::invalid(
                            "code",
                            field::TEXT.code,
                            "the unit has a room with this code",
                        )
                    } else {
                        e.into()
                    }
                })?;
                tx.audit(
                    "cases.area.room.update",
                    ("area_room", room.id.as_str()),
                    &path,
                    serde_json::to_value(&room).unwrap_or_default(),
                )
                .await?;
                tx.publish(LiveEvent::Cases {
                    kind: "area",
                    id: room.id.to_string(),
                    org_path: path.clone(),
                });
                Ok(room)
            })
            .await
    }

    /// Registers a person brought in: identity (a resident ID checked; unknown allowed), role,
    /// reason, arrival time, first measure (its clock from the arrival), the case if any, the
    /// first room. The same identity number cannot be inside twice (409 `already_in_area`).
    pub async fn bring_in(
        &self,
        who: &Principal,
        n: &NewCustody,
        ctx: &RequestCtx,
    ) -> Result<CustodyView> {
        authorize(who, Action::HandleCases, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let now = self.now_us();
        let mut errs = Vec::new();
        super::text(&mut errs, "name", &n.name, 1, 50);
        super::text(&mut errs, "reason", &n.reason, 1, 200);
        let today = jingwu_core::calendar::local_date(now);
        let id_number =
            match jingwu_cases::case::check_identity(n.id_kind, n.id_number.as_deref(), today) {
                Ok(v) => v,
                Err(e) => {
                    errs.push(FieldError::new(
                        "id_number",
                        field::IDENTITY.code,
                        e.to_string(),
                    ));
                    None
                }
            };
        if let Err(e) = rules::check_arrival(n.arrived_at, now) {
            errs.push(FieldError::new(
                "arrived_at",
                field::TIME.code,
                e.to_string(),
            ));
        }
        if n.measure.is_none() && n.role.needs_measure() {
            errs.push(FieldError::new(
                "measure",
                field::LIMIT.code,
                "a suspect is held under a measure (summons, compelled appearance …)",
            ));
        }
        crate::fields::no_errors(errs)?;
        // The case decides the holding unit; a case out of reach is refused (and audited)
        // before anything is written.
        let org = match &n.case_id {
            Some(case_id) => {
                let mut conn = self.k().read().await?;
                let scope = q::case_scope(&mut conn, case_id.as_str()).await?;
                drop(conn);
                let (org_id, path, legal) = scope.ok_or(AppError::NotFound { what: "case" })?;
                if let Err(d) = sees_case(who, Action::HandleCases, &path, &legal) {
                    return Err(self
                        .denied(who, ctx, d, ("case", case_id.as_str()), &path)
                        .await);
                }
                org_id
            }
            None => who.org_id.clone(),
        };
        let id = CustodyId::new();
        self.k()
            .write(who, ctx, async |tx| {
                let unit = orgs::get(tx.db(), &org)
                    .await?
                    .ok_or(AppError::NotFound { what: "org unit" })?;
                let now = tx.now_us();
                let limit = match &n.measure {
                    Some(code) => {
                        let l = limit_of(tx.db(), "measure", code).await?;
                        if l.applies_to != jingwu_cases::limits::AppliesTo::Custody {
                            return Err(AppError::invalid(
                                "measure",
                                field::LIMIT.code,
                                format!("{code} is not a measure on a person in the area"),
                            ));
                        }
                        Some(l)
                    }
                    None => None,
                };
                let c = Custody {
                    id: id.clone(),
                    org_id: unit.id.clone(),
                    case_id: n.case_id.clone(),
                    name: n.name.trim().to_owned(),
                    id_kind: n.id_kind,
                    id_number: id_number.clone(),
                    role: n.role,
                    reason: n.reason.trim().to_owned(),
                    arrived_at: n.arrived_at,
                    entered_at: now,
                    status: CustodyStatus::InArea,
                    room_id: None,
                    handler_id: who.user_id.clone(),
                    exit_at: None,
                    outcome: None,
                    outcome_note: None,
                };
                let room = match &n.room_id {
                    Some(r) => {
                        let room = room_for(tx, &c, r).await?;
                        if !room.kind.before_safety_check() {
                            return Err(refused(AreaRefusal::SafetyCheckFirst));
                        }
                        Some(room)
                    }
                    None => None,
                };
                let c = Custody {
                    room_id: room.as_ref().map(|r| r.id.clone()),
                    ..c
                };
                q::insert_custody(tx.db(), &c).await.map_err(|e| {
                    if e.is_unique_violation() {
                        AppError::Conflict {
                            code: codes::ALREADY_IN_AREA.code,
                            detail: "a person with this identity number is in a handling area"
                                .into(),
                        }
                    } else {
                        e.into()
                    }
                })?;
                event(
                    tx,
                    who,
                    &id,
                    AreaEventKind::Arrival,
                    None,
                    serde_json::json!({ "arrived_at": c.arrived_at, "role": c.role,
                        "reason": c.reason, "case_id": c.case_id }),
                )
                .await?;
                if let Some(l) = &limit {
                    let m = Measure {
                        id: MeasureId::new(),
                        custody_id: id.clone(),
                        limit_code: l.code.clone(),
                        started_at: c.arrived_at,
                        ended_at: None,
                        decided_by: who.user_id.clone(),
                    };
                    q::insert_measure(tx.db(), &m).await?;
                    event(
                        tx,
                        who,
                        &id,
                        AreaEventKind::MeasureStarted,
                        None,
                        serde_json::json!({ "measure_id": m.id, "limit_code": l.code,
                            "basis": l.basis(), "started_at": m.started_at }),
                    )
                    .await?;
                }
                if let Some(r) = &room {
                    event(
                        tx,
                        who,
                        &id,
                        AreaEventKind::RoomMove,
                        Some(&r.id),
                        serde_json::json!({ "room": r.code, "kind": r.kind }),
                    )
                    .await?;
                }
                let sc = ScopedCustody {
                    custody: c.clone(),
                    org_path: unit.path.clone(),
                    legal_org_path: unit.path.clone(),
                };
                changed(
                    tx,
                    "cases.area.bring_in",
                    &sc,
                    serde_json::json!({ "custody": c, "measure": n.measure }),
                )
                .await?;
                Ok(())
            })
            .await?;
        self.custody_view(&id).await
    }

    /// Records a step on a person in the area: safety check, information collected, a room
    /// move, temporary leave (approved by someone above the holding unit) or the return.
    pub async fn record_step(
        &self,
        who: &Principal,
        id: &CustodyId,
        step: &AreaStep,
        ctx: &RequestCtx,
    ) -> Result<AreaEvent> {
        let sc = self
            .custody_in_reach(who, ctx, id, Action::HandleCases)
            .await?;
        let mut errs = Vec::new();
        match step {
            AreaStep::SafetyCheck { note }
            | AreaStep::InfoCollected { note }
            | AreaStep::Return { note } => {
                super::text(&mut errs, "note", note, 0, 500);
            }
            AreaStep::Leave {
                destination, note, ..
            } => {
                super::text(&mut errs, "destination", destination, 1, 200);
                super::text(&mut errs, "note", note, 0, 500);
            }
            AreaStep::RoomMove { .. } => {}
        }
        crate::fields::no_errors(errs)?;
        // The approver of a leave: an active handler or legal supervisor of a unit above the
        // holding one (the department head's approval the rule asks for).
        // The approver is named by account id or username (what a handler knows); the
        // record keeps the id.
        let mut named = step.clone();
        if let AreaStep::Leave { approved_by, .. } = &mut named {
            let mut conn = self.k().read().await?;
            let approver = match users::get(&mut conn, approved_by).await? {
                Some(a) => Some(a),
                None => users::by_username(&mut conn, approved_by.trim()).await?,
            };
            if let Some(a) = &approver {
                approved_by.clone_from(&a.user.id);
            }
            let above = approver.is_some_and(|a| {
                a.user.disabled_at.is_none()
                    && a.user.id != who.user_id
                    && matches!(a.user.role, Role::CaseHandler | Role::LegalSupervisor)
                    && a.org_path != sc.org_path
                    && sc.org_path.starts_with(&a.org_path)
            });
            if !above {
                return Err(AppError::invalid(
                    "approved_by",
                    field::APPROVER.code,
                    "a handler or legal supervisor of a unit above the holding unit",
                ));
            }
        }
        let step = &named;
        self.k()
            .write(who, ctx, async |tx| {
                let l = load(tx, id).await?;
                let (action, audit) = match step {
                    AreaStep::SafetyCheck { .. } => (AreaAction::SafetyCheck, "safety_check"),
                    AreaStep::InfoCollected { .. } => (AreaAction::InfoCollected, "info_collected"),
                    AreaStep::RoomMove { room_id } => {
                        let room = room_for(tx, &l.sc.custody, room_id).await?;
                        (AreaAction::MoveTo(room.kind), "room_move")
                    }
                    AreaStep::Leave { .. } => (AreaAction::Leave, "leave"),
                    AreaStep::Return { .. } => (AreaAction::Return, "return"),
                };
                rules::may(&l.facts, action).map_err(refused)?;
                let c = &l.sc.custody;
                let e = match step {
                    AreaStep::SafetyCheck { note } => {
                        let room = c.room_id.clone();
                        event(
                            tx,
                            who,
                            id,
                            AreaEventKind::SafetyCheck,
                            room.as_ref(),
                            serde_json::json!({ "note": note.trim() }),
                        )
                        .await?
                    }
                    AreaStep::InfoCollected { note } => {
                        let room = c.room_id.clone();
                        event(
                            tx,
                            who,
                            id,
                            AreaEventKind::InfoCollected,
                            room.as_ref(),
                            serde_json::json!({ "note": note.trim() }),
                        )
                        .await?
                    }
                    AreaStep::RoomMove { room_id } => {
                        if c.room_id.as_ref() == Some(room_id) {
                            return Err(state("the person is in this room already"));
                        }
                        let room = room_for(tx, c, room_id).await?;
                        if !q::set_room(tx.db(), id.as_str(), Some(room_id.as_str())).await? {
                            return Err(state("the person is not in the area"));
                        }
                        event(
                            tx,
                            who,
                            id,
                            AreaEventKind::RoomMove,
                            Some(room_id),
                            serde_json::json!({ "room": room.code, "kind": room.kind,
                                "from": c.room_id }),
                        )
                        .await?
                    }
                    AreaStep::Leave {
                        purpose,
                        approved_by,
                        destination,
                        note,
                    } => {
                        let from = c.room_id.clone();
                        q::set_room(tx.db(), id.as_str(), None).await?;
                        if !q::move_custody(
                            tx.db(),
                            id.as_str(),
                            CustodyStatus::InArea,
                            CustodyStatus::Out,
                        )
                        .await?
                        {
                            return Err(state("the person is not in the area"));
                        }
                        event(
                            tx,
                            who,
                            id,
                            AreaEventKind::Leave,
                            from.as_ref(),
                            serde_json::json!({ "purpose": purpose, "approved_by": approved_by,
                                "destination": destination.trim(), "note": note.trim() }),
                        )
                        .await?
                    }
                    AreaStep::Return { note } => {
                        if !q::move_custody(
                            tx.db(),
                            id.as_str(),
                            CustodyStatus::Out,
                            CustodyStatus::InArea,
                        )
                        .await?
                        {
                            return Err(state("the person is not out of the area"));
                        }
                        event(
                            tx,
                            who,
                            id,
                            AreaEventKind::Return,
                            None,
                            serde_json::json!({ "note": note.trim() }),
                        )
                        .await?
                    }
                };
                changed(
                    tx,
                    &format!("cases.area.{audit}"),
                    &l.sc,
                    serde_json::json!({ "seq": e.seq, "detail": e.detail, "room_id": e.room_id }),
                )
                .await?;
                Ok(e)
            })
            .await
    }

    /// Records belongings taken from a person (returned at the exit).
    pub async fn add_belongings(
        &self,
        who: &Principal,
        id: &CustodyId,
        items: &[NewBelonging],
        ctx: &RequestCtx,
    ) -> Result<Vec<Belonging>> {
        self.custody_in_reach(who, ctx, id, Action::HandleCases)
            .await?;
        let mut errs = Vec::new();
        if items.is_empty() || items.len() > 50 {
            errs.push(FieldError::new("items", field::TEXT.code, "1 to 50 items"));
        }
        for (i, b) in items.iter().enumerate() {
            super::text(
                &mut errs,
                &format!("items[{i}].description"),
                &b.description,
                1,
                200,
            );
            if !(1..=10_000).contains(&b.quantity) {
                errs.push(FieldError::new(
                    &format!("items[{i}].quantity"),
                    field::MINUTES.code,
                    "1 to 10000",
                ));
            }
        }
        crate::fields::no_errors(errs)?;
        self.k()
            .write(who, ctx, async |tx| {
                let l = load_for(tx, id, AreaAction::Belonging).await?;
                let mut out = Vec::new();
                for b in items {
                    let b = Belonging {
                        id: BelongingId::new(),
                        custody_id: id.clone(),
                        description: b.description.trim().to_owned(),
                        quantity: b.quantity,
                        returned_at: None,
                    };
                    q::insert_belonging(tx.db(), &b).await?;
                    out.push(b);
                }
                let e = event(
                    tx,
                    who,
                    id,
                    AreaEventKind::Belonging,
                    l.sc.custody.room_id.as_ref(),
                    serde_json::json!({ "items": out.iter().map(|b| serde_json::json!({
                        "id": b.id, "description": b.description, "quantity": b.quantity
                    })).collect::<Vec<_>>() }),
                )
                .await?;
                changed(
                    tx,
                    "cases.area.belongings",
                    &l.sc,
                    serde_json::json!({ "seq": e.seq, "detail": e.detail }),
                )
                .await?;
                Ok(out)
            })
            .await
    }

    /// Changes the measure: the running one ends now and the new one's clock runs from the
    /// arrival time, under its own legal basis.
    pub async fn change_measure(
        &self,
        who: &Principal,
        id: &CustodyId,
        limit_code: &str,
        ctx: &RequestCtx,
    ) -> Result<MeasureView> {
        self.custody_in_reach(who, ctx, id, Action::HandleCases)
            .await?;
        let m = self
            .k()
            .write(who, ctx, async |tx| {
                let l = load_for(tx, id, AreaAction::ChangeMeasure).await?;
                let now = tx.now_us();
                let next = limit_of(tx.db(), "limit_code", limit_code).await?;
                let current = l.running.as_ref().map(|m| m.limit_code.as_str());
                rules::may_start_measure(current, &next, l.sc.custody.arrived_at, now)
                    .map_err(measure_refused)?;
                q::end_running_measure(tx.db(), id.as_str(), now).await?;
                let m = Measure {
                    id: MeasureId::new(),
                    custody_id: id.clone(),
                    limit_code: next.code.clone(),
                    started_at: l.sc.custody.arrived_at,
                    ended_at: None,
                    decided_by: who.user_id.clone(),
                };
                q::insert_measure(tx.db(), &m).await?;
                let e = event(
                    tx,
                    who,
                    id,
                    AreaEventKind::MeasureStarted,
                    l.sc.custody.room_id.as_ref(),
                    serde_json::json!({ "measure_id": m.id, "limit_code": next.code,
                        "basis": next.basis(), "started_at": m.started_at,
                        "replaces": l.running.as_ref().map(|r| &r.id) }),
                )
                .await?;
                changed(
                    tx,
                    "cases.area.measure",
                    &l.sc,
                    serde_json::json!({ "seq": e.seq, "detail": e.detail }),
                )
                .await?;
                Ok(m)
            })
            .await?;
        self.custody_view(id)
            .await?
            .measures
            .into_iter()
            .find(|v| v.measure.id == m.id)
            .ok_or(AppError::NotFound { what: "measure" })
    }

    /// The exit: the outcome is recorded, the running measure ends, the belongings are handed
    /// back, and the record closes. The only thing accepted once the clock has run out.
    pub async fn exit(
        &self,
        who: &Principal,
        id: &CustodyId,
        outcome: Outcome,
        note: Option<&str>,
        ctx: &RequestCtx,
    ) -> Result<CustodyView> {
        self.custody_in_reach(who, ctx, id, Action::HandleCases)
            .await?;
        let note = note.map(str::trim).filter(|n| !n.is_empty());
        if note.is_some_and(|n| n.chars().count() > 500) {
            return Err(AppError::invalid(
                "note",
                field::TEXT.code,
                "at most 500 characters",
            ));
        }
        if outcome.needs_note() && note.is_none() {
            return Err(AppError::invalid(
                "note",
                field::TEXT.code,
                "say to whom the person is transferred, or what the outcome is",
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let l = load_for(tx, id, AreaAction::Exit).await?;
                let now = tx.now_us();
                let from = l.sc.custody.room_id.clone();
                if !q::exit_custody(tx.db(), id.as_str(), now, outcome, note).await? {
                    return Err(state("the person is not in the area"));
                }
                q::end_running_measure(tx.db(), id.as_str(), now).await?;
                let returned = q::return_belongings(tx.db(), id.as_str(), now).await?;
                let e = event(
                    tx,
                    who,
                    id,
                    AreaEventKind::Exit,
                    from.as_ref(),
                    serde_json::json!({ "outcome": outcome, "note": note,
                        "belongings_returned": returned, "overdue": l.facts.expired }),
                )
                .await?;
                changed(
                    tx,
                    "cases.area.exit",
                    &l.sc,
                    serde_json::json!({ "seq": e.seq, "detail": e.detail }),
                )
                .await?;
                Ok(())
            })
            .await?;
        self.custody_view(id).await
    }

    /// A person's record for the caller (handlers of the holding unit's jurisdiction, the
    /// supervising legal office): an audited view.
    pub async fn custody(
        &self,
        who: &Principal,
        id: &CustodyId,
        ctx: &RequestCtx,
    ) -> Result<CustodyView> {
        let sc = self
            .custody_in_reach(who, ctx, id, Action::ReadCases)
            .await?;
        self.k()
            .record_view(
                who,
                ctx,
                "cases.area.view",
                (OBJECT, id.as_str()),
                &sc.org_path,
            )
            .await?;
        self.custody_view(id).await
    }

    /// A record with its measures' clocks now (no access check: callers checked).
    async fn custody_view(&self, id: &CustodyId) -> Result<CustodyView> {
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let sc = q::custody(&mut conn, id.as_str())
            .await?
            .ok_or(AppError::NotFound {
                what: "custody record",
            })?;
        let mut measures = Vec::new();
        for m in q::measures_of(&mut conn, id.as_str()).await? {
            let limit = limit_of(&mut conn, "limit_code", &m.limit_code).await?;
            let clock = measure_clock(&mut conn, &m, &limit, now).await?;
            let extensions = extensions_of(&mut conn, ClockKind::Measure, m.id.as_str()).await?;
            let alerts = alerts_of(&mut conn, ClockKind::Measure, m.id.as_str()).await?;
            measures.push(MeasureView {
                measure: m,
                limit,
                clock,
                extensions,
                alerts,
            });
        }
        Ok(CustodyView {
            events: q::events_of(&mut conn, id.as_str()).await?,
            belongings: q::belongings_of(&mut conn, id.as_str()).await?,
            custody: sc.custody,
            org_path: sc.org_path,
            measures,
        })
    }

    /// Everyone inside the areas under the caller's jurisdiction (or under `org_id`, a unit
    /// of it; outside → 403 `out_of_scope`), each with the running measure's clock, the least
    /// time left first. Legal supervisors see the people of the cases they supervise too.
    pub async fn board(&self, who: &Principal, org_id: Option<&str>) -> Result<Vec<BoardLine>> {
        authorize(who, Action::ReadCases, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let path = match org_id {
            Some(id) => {
                let org = orgs::get(&mut conn, id)
                    .await?
                    .ok_or(AppError::NotFound { what: "org unit" })?;
                authorize(who, Action::ReadCases, Scope::Org(&org.path))
                    .map_err(AppError::denied_scope)?;
                org.path
            }
            None => who.org_path.clone(),
        };
        let legal = (who.role == Role::LegalSupervisor).then_some(path.as_str());
        let mut lines = Vec::new();
        for (sc, m) in q::inside(&mut conn, &path, legal).await? {
            let measure = match m {
                Some(m) => {
                    let limit = limit_of(&mut conn, "limit_code", &m.limit_code).await?;
                    let clock = measure_clock(&mut conn, &m, &limit, now).await?;
                    Some((m, limit, clock))
                }
                None => None,
            };
            lines.push(BoardLine {
                custody: sc.custody,
                org_path: sc.org_path,
                measure,
            });
        }
        lines.sort_by_key(|l| {
            l.measure
                .as_ref()
                .map_or(i64::MAX, |(_, _, c)| c.remaining_us)
        });
        Ok(lines)
    }

    /// May `who` follow the board's live stream at all (handlers and legal supervisors)?
    pub fn may_watch_area(&self, who: &Principal) -> Result<()> {
        authorize(who, Action::ReadCases, Scope::Org(&who.org_path)).map_err(AppError::denied_scope)
    }

    /// May `who` hear a live event of the board about a record held at `org_path`? The
    /// supervising legal office is an ancestor of the holding unit, so the subtree decides.
    pub fn hears_area(who: &Principal, org_path: &str) -> bool {
        authorize(who, Action::ReadCases, Scope::Org(org_path)).is_ok()
    }
}
