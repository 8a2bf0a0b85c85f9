//! The incident (警单) life cycle, after the per-order state machine in command.md §6.3:
//! 派警 dispatched → 签收 acknowledged → 出警 en route → 到场 on scene → 办结 closed, preceded by
//! `new` (received, not yet dispatched) and with `merged` for a duplicate folded into another
//! incident. (反馈 feedback is an event on the timeline, not a status.)
//!
//! An incident with several units shows the **furthest** stage any of its units has reached:
//! [`advance`] never moves it backwards (a second unit's dispatch does not take an on-scene
//! incident back to "dispatched"), and `closed`/`merged` are final.

use crate::unit::UnitStatus;

jingwu_core::text_enum! {
    /// Status of an incident, in life-cycle order.
    pub enum IncidentStatus: "incident status" {
        /// 待派 — received, no unit dispatched yet.
        New = "new" ("待派", "New"),
        Dispatched = "dispatched" ("已派警", "Dispatched"),
        Acknowledged = "acknowledged" ("已签收", "Acknowledged"),
        EnRoute = "en_route" ("出警", "En route"),
        OnScene = "on_scene" ("到场", "On scene"),
        Closed = "closed" ("办结", "Closed"),
        /// A duplicate merged into another incident.
        Merged = "merged" ("已合并", "Merged"),
    }
}

impl IncidentStatus {
    /// Not closed and not merged: still counts as open (e.g. for duplicate detection).
    pub const fn is_open(self) -> bool {
        !self.is_final()
    }

    /// Closed or merged; nothing changes it any more.
    pub const fn is_final(self) -> bool {
        matches!(self, IncidentStatus::Closed | IncidentStatus::Merged)
    }

    /// The incident stage matching a unit status the unit has just entered, if any.
    pub const fn from_unit(status: UnitStatus) -> Option<IncidentStatus> {
        match status {
            UnitStatus::Dispatched => Some(IncidentStatus::Dispatched),
            UnitStatus::EnRoute => Some(IncidentStatus::EnRoute),
            UnitStatus::OnScene => Some(IncidentStatus::OnScene),
            UnitStatus::OffDuty | UnitStatus::Available | UnitStatus::Busy => None,
        }
    }
}

jingwu_core::text_enum! {
    /// Where one unit's assignment to an incident stands (`assignments.status`).
    pub enum AssignmentStatus: "assignment status" {
        /// 派警 — the unit was sent.
        Dispatched = "dispatched" ("已派", "Dispatched"),
        /// 签收 — the terminal confirmed the assignment.
        Acknowledged = "acknowledged" ("已签收", "Acknowledged"),
        EnRoute = "en_route" ("途中", "En route"),
        OnScene = "on_scene" ("到场", "On scene"),
        /// The unit left the scene done, or the incident was closed.
        Cleared = "cleared" ("完成", "Cleared"),
        /// Called off before reaching the scene.
        Cancelled = "cancelled" ("取消", "Cancelled"),
        /// The incident was merged into another; the unit moved with it.
        Merged = "merged" ("已合并", "Merged"),
    }
}

impl AssignmentStatus {
    /// The unit is still on the incident (sent, acknowledged, en route or on scene).
    pub const fn is_active(self) -> bool {
        matches!(
            self,
            AssignmentStatus::Dispatched
                | AssignmentStatus::Acknowledged
                | AssignmentStatus::EnRoute
                | AssignmentStatus::OnScene
        )
    }

    /// How a withdrawn unit's assignment ends: a unit that reached the scene was there
    /// (`cleared`); before that it was called off (`cancelled`).
    pub const fn withdrawn_from(unit_was_on_scene: bool) -> AssignmentStatus {
        if unit_was_on_scene {
            AssignmentStatus::Cleared
        } else {
            AssignmentStatus::Cancelled
        }
    }
}

jingwu_core::text_enum! {
    /// What an entry of an incident's timeline records (`incident_events.kind`).
    pub enum EventKind: "incident event kind" {
        /// 接警 — the incident was received.
        Created = "created" ("接警", "Received"),
        /// Possible duplicates were found at intake.
        DuplicateFlagged = "duplicate_flagged" ("疑似重复", "Possible duplicate"),
        /// 移交 — another org unit owns it now.
        HandedOver = "handed_over" ("移交", "Handed over"),
        /// This duplicate was merged into another incident.
        MergedInto = "merged_into" ("并入", "Merged into"),
        /// Another incident was merged into this one.
        MergedFrom = "merged_from" ("合并", "Merged"),
        /// 派警 — a unit was sent.
        Dispatched = "dispatched" ("派警", "Dispatched"),
        /// 签收 — a unit's terminal confirmed the assignment.
        Acknowledged = "acknowledged" ("签收", "Acknowledged"),
        EnRoute = "en_route" ("出警", "En route"),
        OnScene = "on_scene" ("到场", "On scene"),
        /// A unit left the scene.
        Cleared = "cleared" ("离场", "Cleared"),
        /// A unit was called off before reaching the scene.
        Cancelled = "cancelled" ("取消派警", "Dispatch cancelled"),
        /// 办结 — the incident was closed.
        Closed = "closed" ("办结", "Closed"),
        /// Scene media were linked to the incident.
        MediaAdded = "media_added" ("上传现场照片/视频", "Scene photo/video added"),
        /// 转立案 — a case was opened from this incident (law enforcement); the detail names it.
        CaseOpened = "case_opened" ("转为案件办理", "Case opened"),
        /// Location, address, category or priority changed; the detail lists old → new.
        Updated = "updated" ("警情信息变更", "Incident updated"),
        /// A dispatcher's note (备注), optionally passed on to the crews.
        Note = "note" ("备注", "Note"),
        /// The last unit still on it was withdrawn: it waits for a unit again (待派).
        Reopened = "reopened" ("退回待派", "Back to pending"),
        /// 签收 — the receiving command room took over a handed-over incident.
        SignedFor = "signed_for" ("移交签收", "Hand-over signed for"),
        /// 联动 — the incident (or part of it) was sent to a linked agency; the detail names it.
        LinkageSent = "linkage_sent" ("联动通知", "Agency notified"),
        /// A linked agency acknowledged, with its units if it named them.
        LinkageAcknowledged = "linkage_acknowledged" ("联动单位已签收", "Agency acknowledged"),
        /// The notification could not be delivered after every retry.
        LinkageFailed = "linkage_failed" ("联动通知失败", "Agency notification failed"),
    }
}

/// The status after `reached` happens to an incident that is `current`: the later of the two
/// in life-cycle order, except that a final status (closed, merged) never changes.
pub fn advance(current: IncidentStatus, reached: IncidentStatus) -> IncidentStatus {
    if current.is_final() {
        current
    } else {
        current.max(reached)
    }
}

/// The status of an incident after one of its units was withdrawn (cancelled, diverted),
/// with `active_left` units still on it: with none left it waits for a unit again (`new`,
/// 待派) — whatever stage the withdrawn unit had reached, since nobody is on it now — and
/// otherwise keeps the furthest stage. A final status never changes.
pub fn after_withdrawal(current: IncidentStatus, active_left: usize) -> IncidentStatus {
    if current.is_final() || active_left > 0 {
        current
    } else {
        IncidentStatus::New
    }
}

/// When an incident — or one unit's assignment to it — reached each stage (µs since the Unix
/// epoch; `None` until it has). The incident's instants are its first unit's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Milestones {
    pub dispatched_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub en_route_at: Option<i64>,
    pub on_scene_at: Option<i64>,
}

impl Milestones {
    /// The stages reached, in life-cycle order, as the status the stage is named after.
    pub fn reached(&self) -> Vec<(IncidentStatus, i64)> {
        [
            (IncidentStatus::Dispatched, self.dispatched_at),
            (IncidentStatus::Acknowledged, self.acknowledged_at),
            (IncidentStatus::EnRoute, self.en_route_at),
            (IncidentStatus::OnScene, self.on_scene_at),
        ]
        .into_iter()
        .filter_map(|(s, at)| Some((s, at?)))
        .collect()
    }
}

/// A merge moves a unit from a duplicate onto the surviving incident: the survivor's
/// milestones afterwards. The ones it already has are kept (they are its first unit's); missing
/// ones come from the moved unit's assignment, never earlier than the milestone before them
/// (nor than the survivor's creation), so the survivor's timeline stays ordered. The result is
/// always dispatched.
pub fn survivor_milestones(
    survivor_created_at: i64,
    survivor: &Milestones,
    moved: &Milestones,
) -> Milestones {
    let dispatched = survivor.dispatched_at.unwrap_or(
        moved
            .dispatched_at
            .unwrap_or(survivor_created_at)
            .max(survivor_created_at),
    );
    let acknowledged = survivor
        .acknowledged_at
        .or(moved.acknowledged_at.map(|t| t.max(dispatched)));
    let en_route = survivor
        .en_route_at
        .or(moved.en_route_at.map(|t| t.max(dispatched)));
    let on_scene = survivor.on_scene_at.or(moved
        .on_scene_at
        .map(|t| t.max(en_route.unwrap_or(dispatched))));
    Milestones {
        dispatched_at: Some(dispatched),
        acknowledged_at: acknowledged,
        en_route_at: en_route,
        on_scene_at: on_scene,
    }
}
