//! The incident (警单) life cycle, after the per-order state machine in command.md §6.3:
//! 派警 dispatched → 签收 acknowledged → 出警 en route → 到场 on scene → 办结 closed, preceded by
//! `new` (received, not yet dispatched) and with `merged` for a duplicate folded into another
//! incident. (反馈 feedback is an event on the timeline, not a status.)
//!
//! An incident with several units shows the **furthest** stage any of its units has reached:
//! [`advance`] never moves it backwards (a second unit's dispatch does not take an on-scene
//! incident back to "dispatched"), and `closed`/`merged` are final.

use crate::unit::UnitStatus;

text_enum! {
    /// Status of an incident, in life-cycle order.
    pub enum IncidentStatus: "incident status" {
        /// 待派 — received, no unit dispatched yet.
        New = "new",
        /// 已派警.
        Dispatched = "dispatched",
        /// 已签收.
        Acknowledged = "acknowledged",
        /// 出警.
        EnRoute = "en_route",
        /// 到场.
        OnScene = "on_scene",
        /// 办结.
        Closed = "closed",
        /// 已合并 — a duplicate merged into another incident.
        Merged = "merged",
    }
}

impl IncidentStatus {
    pub const fn label_zh(self) -> &'static str {
        match self {
            IncidentStatus::New => "待派",
            IncidentStatus::Dispatched => "已派警",
            IncidentStatus::Acknowledged => "已签收",
            IncidentStatus::EnRoute => "出警",
            IncidentStatus::OnScene => "到场",
            IncidentStatus::Closed => "办结",
            IncidentStatus::Merged => "已合并",
        }
    }

    pub const fn label_en(self) -> &'static str {
        match self {
            IncidentStatus::New => "New",
            IncidentStatus::Dispatched => "Dispatched",
            IncidentStatus::Acknowledged => "Acknowledged",
            IncidentStatus::EnRoute => "En route",
            IncidentStatus::OnScene => "On scene",
            IncidentStatus::Closed => "Closed",
            IncidentStatus::Merged => "Merged",
        }
    }

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

/// The status after `reached` happens to an incident that is `current`: the later of the two
/// in life-cycle order, except that a final status (closed, merged) never changes.
pub fn advance(current: IncidentStatus, reached: IncidentStatus) -> IncidentStatus {
    if current.is_final() {
        current
    } else {
        current.max(reached)
    }
}
