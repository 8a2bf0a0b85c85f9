//! A legal clock, computed from what happened — when it started, which extensions were
//! approved, whether it stopped — at the instant asked about. Nothing is counted down in
//! storage, so a clock is right after a restart, a replay or a change of the law's table.

use serde::Serialize;

use crate::limits::LegalLimit;

const MINUTE_US: i64 = 60_000_000;

jingwu_core::text_enum! {
    /// A warning or expiry of a clock. Each warning reaches more people than the one before.
    pub enum Alert: "clock alert" {
        /// The first warning point: the handler.
        First = "first" ("一级预警", "First warning"),
        /// The second: the handler and the case's supervisor.
        Second = "second" ("二级预警", "Second warning"),
        /// The third: the handler, the supervisor and the legal office.
        Third = "third" ("三级预警", "Third warning"),
        /// The limit has passed: an outcome is due at once; everyone above is told.
        Expired = "expired" ("已超期", "Expired"),
    }
}

jingwu_core::text_enum! {
    /// Who an alert goes to.
    pub enum Recipient: "alert recipient" {
        Handler = "handler" ("办案民警", "Handler"),
        Supervisor = "supervisor" ("监督民警", "Supervisor"),
        LegalOffice = "legal_office" ("法制部门", "Legal office"),
    }
}

impl Alert {
    /// Who hears of it: warnings escalate handler → supervisor → legal office.
    pub fn recipients(self) -> &'static [Recipient] {
        use Recipient::*;
        match self {
            Alert::First => &[Handler],
            Alert::Second => &[Handler, Supervisor],
            Alert::Third | Alert::Expired => &[Handler, Supervisor, LegalOffice],
        }
    }

    const WARNINGS: [Alert; 3] = [Alert::First, Alert::Second, Alert::Third];
}

/// A clock's inputs.
#[derive(Debug, Clone, Copy)]
pub struct Clock<'a> {
    pub limit: &'a LegalLimit,
    /// When it started (for a person in custody: the arrival time, 到案时间).
    pub started_at: i64,
    /// The sum of the approved extensions, in minutes.
    pub extended_minutes: i64,
    /// When it stopped (an outcome, a new measure, the deadline met), if it has.
    pub stopped_at: Option<i64>,
}

/// A clock at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClockState {
    pub started_at: i64,
    pub due_at: i64,
    /// The limit now in force, extensions included (minutes).
    pub limit_minutes: i64,
    /// Time left (negative once expired), at `now` or at the stop.
    pub remaining_us: i64,
    /// Share of the limit used, in thousandths (1000 and more once expired).
    pub used_permille: i64,
    /// The highest alert reached, if any.
    pub alert: Option<Alert>,
    pub stopped: bool,
}

impl Clock<'_> {
    /// The limit in force: the base plus approved extensions, never beyond the maximum.
    pub fn limit_minutes(&self) -> i64 {
        (self.limit.base_minutes + self.extended_minutes.max(0)).min(self.limit.max_minutes)
    }

    /// When the limit runs out.
    pub fn due_at(&self) -> i64 {
        self.started_at + self.limit_minutes() * MINUTE_US
    }

    /// The clock at `now` (or at its stop, if it stopped earlier). It has expired from the
    /// due instant itself on: at the boundary microsecond the limit is used up.
    pub fn at(&self, now: i64) -> ClockState {
        let limit_minutes = self.limit_minutes();
        let due_at = self.due_at();
        let stopped = self.stopped_at.is_some_and(|s| s <= now);
        let t = match self.stopped_at {
            Some(s) if s <= now => s,
            _ => now,
        };
        let elapsed = (t - self.started_at).max(0);
        let total = limit_minutes * MINUTE_US;
        let used_permille = elapsed.saturating_mul(1000) / total.max(1);
        let alert = if t >= due_at {
            Some(Alert::Expired)
        } else {
            self.limit
                .warn_permille
                .iter()
                .zip(Alert::WARNINGS)
                .filter(|(p, _)| elapsed.saturating_mul(1000) >= i64::from(**p) * total)
                .map(|(_, a)| a)
                .next_back()
        };
        ClockState {
            started_at: self.started_at,
            due_at,
            limit_minutes,
            remaining_us: due_at - t,
            used_permille,
            alert,
            stopped,
        }
    }

    /// The instant each alert of this clock is reached (for jobs and boards): the warnings at
    /// their fractions, then the expiry.
    pub fn alert_times(&self) -> Vec<(Alert, i64)> {
        let total = self.limit_minutes() * MINUTE_US;
        let mut out: Vec<(Alert, i64)> = self
            .limit
            .warn_permille
            .iter()
            .zip(Alert::WARNINGS)
            .map(|(p, a)| {
                // The first microsecond at which elapsed * 1000 >= p * total.
                let need = i64::from(*p) * total;
                (a, self.started_at + (need + 999) / 1000)
            })
            .collect();
        out.push((Alert::Expired, self.due_at()));
        out
    }
}

/// Why an extension is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionRefused {
    #[error("this limit cannot be extended")]
    NotExtensible,
    #[error("the extension would pass the legal maximum of {max_minutes} minutes")]
    BeyondMaximum { max_minutes: i64 },
    #[error("the clock has already run out or stopped")]
    Closed,
}

/// May `clock` be extended by `minutes` more at `now`? An extension is decided before the
/// limit runs out, never after, and never past the law's maximum.
pub fn may_extend(clock: &Clock<'_>, minutes: i64, now: i64) -> Result<(), ExtensionRefused> {
    if !clock.limit.extensible() {
        return Err(ExtensionRefused::NotExtensible);
    }
    let state = clock.at(now);
    if state.stopped || state.alert == Some(Alert::Expired) {
        return Err(ExtensionRefused::Closed);
    }
    if minutes <= 0
        || clock.limit.base_minutes + clock.extended_minutes + minutes > clock.limit.max_minutes
    {
        return Err(ExtensionRefused::BeyondMaximum {
            max_minutes: clock.limit.max_minutes,
        });
    }
    Ok(())
}

jingwu_core::text_enum! {
    /// The two kinds of legal clock.
    pub enum ClockKind: "clock kind" {
        /// A measure on a person in the handling area (`area_measures`).
        Measure = "measure" ("到案措施", "Custody measure"),
        /// A deadline of a case (`case_deadlines`).
        Deadline = "deadline" ("案件期限", "Case deadline"),
    }
}

jingwu_core::text_enum! {
    /// Where a request for an extension stands.
    pub enum ExtensionStatus: "extension status" {
        Requested = "requested" ("待审批", "Requested"),
        Approved = "approved" ("已批准", "Approved"),
        Refused = "refused" ("不批准", "Refused"),
    }
}

/// A requested extension of a clock and its decision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub id: crate::ids::ExtensionId,
    pub clock: ClockKind,
    pub clock_id: String,
    pub minutes: i64,
    pub reason: String,
    pub requested_by: String,
    pub requested_at: i64,
    pub status: ExtensionStatus,
    pub decided_by: Option<String>,
    /// The approver's org kind at the decision (the level the law asks for).
    pub decided_level: Option<jingwu_core::OrgKind>,
    pub decided_at: Option<i64>,
    pub decision_note: Option<String>,
}

/// What a use case needs to know about a running clock, wherever it is kept: its limit and
/// start, whether it stopped, and whom it concerns (the case's units and people).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockFacts {
    pub kind: ClockKind,
    pub id: String,
    pub limit_code: String,
    pub started_at: i64,
    pub stopped_at: Option<i64>,
    /// The handling unit's path (the area's unit for a measure, the case's for a deadline).
    pub org_path: String,
    /// The supervising legal office's path: the case's, or the unit's for a person brought in
    /// without a case yet.
    pub legal_org_path: String,
    pub handler_id: String,
    pub supervisor_id: Option<String>,
    pub case_id: Option<String>,
    pub custody_id: Option<String>,
}
