//! The handling area (办案区): a person's custody record from arrival to exit. Every person
//! brought in exists only as an open record — arrival (到案), safety check, information
//! collection, belongings, room moves, measures with their legal clocks, temporary leave and
//! return — and the record closes only with an exit that names the outcome.
//!
//! The rules (docs/cases.md, "Handling area"):
//! * an exited record takes nothing;
//! * a person temporarily out (recovering goods, identifying a scene, hospital) can only be
//!   brought back — even after the clock ran out, since the outcome is recorded in the area,
//!   where the belongings are;
//! * once the running measure's clock has expired, the only thing the area accepts is the
//!   exit with an outcome (the forced outcome);
//! * the safety check comes first: before it a person may only be in a safety-check room or a
//!   waiting room, and information collection and leave wait for it;
//! * every measure's clock starts at the arrival time (到案时间), so a change of measure
//!   (summons → continued questioning) ends the running one and starts a new clock with its
//!   own legal basis from the same instant.

use serde::Serialize;

pub use crate::case::IdKind;
use crate::clock::{Alert, Clock};
use crate::ids::{BelongingId, CaseId, CustodyId, MeasureId, RoomId};
use crate::limits::{AppliesTo, LegalLimit};

const MINUTE_US: i64 = 60_000_000;

/// How far back an arrival time may be entered: a person brought in from elsewhere is
/// registered at the latest a day after they were first held.
pub const MAX_ARRIVAL_AGE_MINUTES: i64 = 24 * 60;

jingwu_core::text_enum! {
    /// Rooms of a handling area, in the order the procedure uses them.
    pub enum RoomKind: "room kind" {
        SafetyCheck = "safety_check" ("人身安全检查室", "Safety check room"),
        InfoCollection = "info_collection" ("信息采集室", "Information collection room"),
        Waiting = "waiting" ("候问室", "Waiting room"),
        Interrogation = "interrogation" ("讯问室", "Interrogation room"),
        Questioning = "questioning" ("询问室", "Questioning room"),
        Hearing = "hearing" ("听证室", "Hearing room"),
        Identification = "identification" ("辨认室", "Identification room"),
        Sobering = "sobering" ("醒酒室", "Sobering-up room"),
        Mediation = "mediation" ("调解室", "Mediation room"),
        Belongings = "belongings" ("随身物品保管室", "Belongings store"),
    }
}

impl RoomKind {
    /// May a person be here before the safety check? Only where the check is made and where
    /// people wait for it.
    pub fn before_safety_check(self) -> bool {
        matches!(self, RoomKind::SafetyCheck | RoomKind::Waiting)
    }

    /// Is it a room people are put in (the belongings store holds things only)?
    pub fn holds_people(self) -> bool {
        self != RoomKind::Belongings
    }
}

jingwu_core::text_enum! {
    /// Why a person is in the area.
    pub enum PersonRole: "person role" {
        Suspect = "suspect" ("违法犯罪嫌疑人", "Suspect"),
        Witness = "witness" ("证人", "Witness"),
        Victim = "victim" ("被害人", "Victim"),
        Other = "other" ("其他人员", "Other"),
    }
}

impl PersonRole {
    /// A suspect is held under a measure from the start; a witness or victim comes to be
    /// questioned and is under no legal clock unless a measure is taken.
    pub fn needs_measure(self) -> bool {
        self == PersonRole::Suspect
    }
}

jingwu_core::text_enum! {
    /// Where a custody record stands.
    pub enum CustodyStatus: "custody status" {
        /// Inside the area.
        InArea = "in_area" ("在区", "In the area"),
        /// Taken out for a while with approval (recovering goods, identifying a scene).
        Out = "out" ("临时出区", "Temporarily out"),
        /// Left the area with an outcome: the record is closed.
        Exited = "exited" ("已离区", "Exited"),
    }
}

jingwu_core::text_enum! {
    /// What happened to a person in the area (one append-only event each).
    pub enum AreaEventKind: "area event" {
        Arrival = "arrival" ("到案登记", "Arrival"),
        SafetyCheck = "safety_check" ("人身安全检查", "Safety check"),
        InfoCollected = "info_collected" ("信息采集", "Information collected"),
        Belonging = "belonging" ("随身物品登记", "Belongings recorded"),
        RoomMove = "room_move" ("进入功能室", "Room move"),
        MeasureStarted = "measure_started" ("采取措施", "Measure started"),
        ExtensionRequested = "extension_requested" ("申请延长", "Extension requested"),
        ExtensionApproved = "extension_approved" ("批准延长", "Extension approved"),
        ExtensionRefused = "extension_refused" ("不批准延长", "Extension refused"),
        Leave = "leave" ("临时出区", "Temporary leave"),
        Return = "return" ("返回办案区", "Return"),
        Warning = "warning" ("时限预警", "Time-limit warning"),
        Expired = "expired" ("时限已到", "Time limit reached"),
        Exit = "exit" ("离区", "Exit"),
    }
}

jingwu_core::text_enum! {
    /// How a person leaves the area.
    pub enum Outcome: "custody outcome" {
        Released = "released" ("释放", "Released"),
        CriminalDetention = "criminal_detention" ("刑事拘留", "Criminal detention"),
        AdministrativeDetention = "administrative_detention" ("行政拘留", "Administrative detention"),
        Bail = "bail" ("取保候审", "Bail pending trial"),
        ResidentialSurveillance = "residential_surveillance" ("监视居住", "Residential surveillance"),
        Transferred = "transferred" ("移交", "Transferred"),
        Other = "other" ("其他", "Other"),
    }
}

impl Outcome {
    /// Outcomes that say nothing by themselves (to whom, what) need a note.
    pub fn needs_note(self) -> bool {
        matches!(self, Outcome::Transferred | Outcome::Other)
    }
}

jingwu_core::text_enum! {
    /// Why a person is taken out of the area for a while: the rule admits only these, each
    /// with the approval of someone above the handling unit.
    pub enum LeavePurpose: "leave purpose" {
        RecoverGoods = "recover_goods" ("起赃", "Recovering goods"),
        IdentifyScene = "identify_scene" ("指认现场", "Identifying a scene"),
        IdentifyBody = "identify_body" ("辨认尸体", "Identifying a body"),
        Medical = "medical" ("就医", "Medical treatment"),
    }
}

/// A room of a handling area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Room {
    pub id: RoomId,
    /// The unit whose area it is.
    pub org_id: String,
    /// The door plate, unique in the unit (e.g. `X01`).
    pub code: String,
    pub name: String,
    pub kind: RoomKind,
    pub active: bool,
}

/// A person's record in a handling area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Custody {
    pub id: CustodyId,
    /// The unit whose area holds the person (the case's handling unit when there is a case).
    pub org_id: String,
    pub case_id: Option<CaseId>,
    pub name: String,
    pub id_kind: IdKind,
    pub id_number: Option<String>,
    pub role: PersonRole,
    /// The case reason (案由) or why the person was brought in.
    pub reason: String,
    /// 到案时间: when the person came under police control; every clock runs from here.
    pub arrived_at: i64,
    /// When the person was registered in the area.
    pub entered_at: i64,
    pub status: CustodyStatus,
    pub room_id: Option<RoomId>,
    pub handler_id: String,
    pub exit_at: Option<i64>,
    pub outcome: Option<Outcome>,
    pub outcome_note: Option<String>,
}

/// A measure on a person (summons, compelled appearance, continued questioning …): a legal
/// clock from the arrival time, until the next measure or the exit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Measure {
    pub id: MeasureId,
    pub custody_id: CustodyId,
    pub limit_code: String,
    pub started_at: i64,
    pub ended_at: Option<i64>,
    pub decided_by: String,
}

/// One thing that happened to a person, in order (`seq` from 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaEvent {
    pub custody_id: CustodyId,
    pub seq: i64,
    pub kind: AreaEventKind,
    pub at: i64,
    /// Who did it (`None`: the system, e.g. a warning).
    pub by_id: Option<String>,
    pub room_id: Option<RoomId>,
    pub detail: serde_json::Value,
}

/// A belonging kept while the person is in the area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Belonging {
    pub id: BelongingId,
    pub custody_id: CustodyId,
    pub description: String,
    pub quantity: i64,
    pub returned_at: Option<i64>,
}

/// What the rules need to know about a record at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CustodyFacts {
    pub status: CustodyStatus,
    pub safety_checked: bool,
    pub info_collected: bool,
    /// The running measure's clock has run out.
    pub expired: bool,
}

impl CustodyFacts {
    /// The facts of `c` given its events and whether its running clock has expired.
    pub fn of(c: &Custody, events: &[AreaEvent], expired: bool) -> CustodyFacts {
        let has = |k| events.iter().any(|e| e.kind == k);
        CustodyFacts {
            status: c.status,
            safety_checked: has(AreaEventKind::SafetyCheck),
            info_collected: has(AreaEventKind::InfoCollected),
            expired,
        }
    }
}

/// Something done to a person in the area.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AreaAction {
    SafetyCheck,
    InfoCollected,
    Belonging,
    MoveTo(RoomKind),
    Leave,
    Return,
    ChangeMeasure,
    Exit,
}

/// Why the area refuses an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AreaRefusal {
    #[error("the person has left the area: the record is closed")]
    Exited,
    #[error("the person is out of the area: bring them back first")]
    Outside,
    #[error("the person is in the area, not out")]
    NotOutside,
    #[error("the legal time limit has run out: only the exit with an outcome is accepted")]
    Expired,
    #[error("the safety check comes first")]
    SafetyCheckFirst,
    #[error("this was recorded already")]
    Repeated,
    #[error("people are not put in a belongings store")]
    NotForPeople,
}

/// May `action` happen to a person whose record shows `facts`?
pub fn may(facts: &CustodyFacts, action: AreaAction) -> Result<(), AreaRefusal> {
    use AreaAction as A;
    match facts.status {
        CustodyStatus::Exited => return Err(AreaRefusal::Exited),
        // Brought back even after expiry: the outcome is recorded in the area.
        CustodyStatus::Out => {
            return if action == A::Return {
                Ok(())
            } else {
                Err(AreaRefusal::Outside)
            };
        }
        CustodyStatus::InArea => {}
    }
    if action == A::Return {
        return Err(AreaRefusal::NotOutside);
    }
    if facts.expired && action != A::Exit {
        return Err(AreaRefusal::Expired);
    }
    match action {
        A::SafetyCheck if facts.safety_checked => Err(AreaRefusal::Repeated),
        A::InfoCollected | A::Leave if !facts.safety_checked => Err(AreaRefusal::SafetyCheckFirst),
        A::InfoCollected if facts.info_collected => Err(AreaRefusal::Repeated),
        A::MoveTo(kind) if !kind.holds_people() => Err(AreaRefusal::NotForPeople),
        A::MoveTo(kind) if !facts.safety_checked && !kind.before_safety_check() => {
            Err(AreaRefusal::SafetyCheckFirst)
        }
        _ => Ok(()),
    }
}

/// Why an arrival time is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ArrivalError {
    #[error("the arrival time is in the future")]
    Future,
    #[error("the arrival time is more than a day ago")]
    TooOld,
}

/// Checks an arrival time entered at `now`: not in the future, at most
/// [`MAX_ARRIVAL_AGE_MINUTES`] ago. An arrival whose clock has already run out is accepted:
/// a person who is here must have a record, and the record then takes only the exit.
pub fn check_arrival(arrived_at: i64, now: i64) -> Result<(), ArrivalError> {
    if arrived_at > now {
        Err(ArrivalError::Future)
    } else if now - arrived_at > MAX_ARRIVAL_AGE_MINUTES * MINUTE_US {
        Err(ArrivalError::TooOld)
    } else {
        Ok(())
    }
}

/// Why a measure cannot start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MeasureRefusal {
    #[error("{0} is not a measure on a person in the area")]
    NotCustody(String),
    #[error("{0} is the measure running already")]
    Same(String),
    #[error("counted from the arrival, the limit of {0} has already passed")]
    AlreadyExpired(String),
}

/// May the measure under `next` start at `now` for a person who arrived at `arrived_at`,
/// replacing the running one (`current`, its limit code) if any? Its clock starts at the
/// arrival, so a measure whose limit is already used up cannot be taken.
pub fn may_start_measure(
    current: Option<&str>,
    next: &LegalLimit,
    arrived_at: i64,
    now: i64,
) -> Result<(), MeasureRefusal> {
    if next.applies_to != AppliesTo::Custody {
        return Err(MeasureRefusal::NotCustody(next.code.clone()));
    }
    if current == Some(next.code.as_str()) {
        return Err(MeasureRefusal::Same(next.code.clone()));
    }
    let clock = Clock {
        limit: next,
        started_at: arrived_at,
        extended_minutes: 0,
        stopped_at: None,
    };
    if clock.at(now).alert == Some(Alert::Expired) {
        return Err(MeasureRefusal::AlreadyExpired(next.code.clone()));
    }
    Ok(())
}
