//! Status timers of an incident and when they are overdue: given the incident's instants and a
//! bureau's limits, which timers run, when each is due, since when it is overdue, and which
//! alert level it has reached. Nothing is stored but the alerts raised (once per level).
//!
//! | timer | starts | stops | default limit |
//! |---|---|---|---|
//! | [`TimerKind::Acknowledge`] (签收), per unit | the unit's dispatch | its acknowledgement (or it is called off) | 30 s |
//! | [`TimerKind::Arrival`] (到场) | the incident's creation | the first unit on scene | the priority's target |
//! | [`TimerKind::OnScene`] (现场处置) | the first unit on scene | the incident closed | 30 min |
//! | [`TimerKind::Handover`] (移交签收), per hand-over | the hand-over | the receiving room signs for it | 180 s |
//!
//! Sources of the defaults: the weekly 110 bulletin (Ankang, command.md §6.3) ranks 指令签收速度
//! in buckets 0–30 s / 30–60 s / 60–120 s / 120–180 s / > 180 s and 反馈速度 from 0–30 min: the
//! acknowledgement limit is its best bucket, the on-scene limit its best feedback bucket, and a
//! hand-over not signed for within the last acknowledgement bucket (180 s) is overdue. Arrival
//! uses [`Priority::default_target_s`] (P1 5 min … P4 60 min). For context, NFPA 1710 §4.1.2.1
//! sets turnout at 60 s (EMS) / 80 s (fire) — a unit's acknowledgement within 30 s is stricter
//! because 签收 is one tap on the terminal, before turnout.
//!
//! Escalation: an overdue timer alerts the responsible command room (the incident's owner)
//! at once ([`AlertLevel::Responsible`]) and the parent room after `escalate_after_s` more
//! ([`AlertLevel::Escalated`]; default 90 s, so an acknowledgement still missing at 120 s —
//! the bulletin's 60–120 s bucket edge — reaches the parent room).

use serde::{Deserialize, Serialize};

use crate::US_PER_S;
use crate::incident::{AssignmentStatus, IncidentStatus};
use crate::taxonomy::Priority;

jingwu_core::text_enum! {
    /// What a timer measures.
    pub enum TimerKind: "timer kind" {
        /// 签收 — one unit's acknowledgement of its dispatch.
        Acknowledge = "acknowledge" ("签收超时", "Acknowledgement overdue"),
        /// 到场 — the first unit on scene, measured from the call.
        Arrival = "arrival" ("到场超时", "Arrival overdue"),
        /// 现场处置 — time on scene until the incident is closed.
        OnScene = "on_scene" ("现场处置超时", "On scene too long"),
        /// 移交签收 — a hand-over the receiving command room has not signed for.
        Handover = "handover" ("移交未签收", "Hand-over not signed for"),
    }
}

jingwu_core::text_enum! {
    /// Who an overdue alert goes to.
    pub enum AlertLevel: "timer alert level" {
        /// The responsible command room (the incident's owner).
        Responsible = "responsible" ("责任指挥室", "Responsible room"),
        /// The parent command room, after a further interval.
        Escalated = "escalated" ("上级指挥室", "Parent room"),
    }
}

/// An overdue alert raised for one timer at one level (`timer_alerts`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerAlert {
    pub id: String,
    pub incident_id: jingwu_core::IncidentId,
    pub kind: TimerKind,
    pub subject: String,
    pub level: AlertLevel,
    /// The command room alerted (the owner, or its parent for an escalation).
    pub org_id: String,
    pub due_at: i64,
    pub raised_at: i64,
    pub acknowledged_at: Option<i64>,
    pub acknowledged_by: Option<String>,
}

/// A bureau's limits, seconds. Every limit is at least 1 s and at most a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimerLimits {
    pub acknowledge_s: i64,
    pub arrival_p1_s: i64,
    pub arrival_p2_s: i64,
    pub arrival_p3_s: i64,
    pub arrival_p4_s: i64,
    pub on_scene_s: i64,
    pub handover_s: i64,
    pub escalate_after_s: i64,
}

/// Longest limit a bureau may set, seconds (a day).
pub const MAX_LIMIT_S: i64 = 24 * 3600;

impl Default for TimerLimits {
    fn default() -> Self {
        TimerLimits {
            acknowledge_s: 30,
            arrival_p1_s: Priority::P1.default_target_s(),
            arrival_p2_s: Priority::P2.default_target_s(),
            arrival_p3_s: Priority::P3.default_target_s(),
            arrival_p4_s: Priority::P4.default_target_s(),
            on_scene_s: 30 * 60,
            handover_s: 180,
            escalate_after_s: 90,
        }
    }
}

impl TimerLimits {
    /// The limits by field name, for checking and for error messages.
    pub fn named(&self) -> [(&'static str, i64); 8] {
        [
            ("acknowledge_s", self.acknowledge_s),
            ("arrival_p1_s", self.arrival_p1_s),
            ("arrival_p2_s", self.arrival_p2_s),
            ("arrival_p3_s", self.arrival_p3_s),
            ("arrival_p4_s", self.arrival_p4_s),
            ("on_scene_s", self.on_scene_s),
            ("handover_s", self.handover_s),
            ("escalate_after_s", self.escalate_after_s),
        ]
    }

    /// The fields out of range (1 s to a day).
    pub fn out_of_range(&self) -> Vec<&'static str> {
        self.named()
            .into_iter()
            .filter(|(_, v)| !(1..=MAX_LIMIT_S).contains(v))
            .map(|(n, _)| n)
            .collect()
    }

    pub const fn arrival_s(&self, p: Priority) -> i64 {
        match p {
            Priority::P1 => self.arrival_p1_s,
            Priority::P2 => self.arrival_p2_s,
            Priority::P3 => self.arrival_p3_s,
            Priority::P4 => self.arrival_p4_s,
        }
    }
}

/// One unit's assignment, as the acknowledgement timer needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignmentFacts {
    pub unit_id: String,
    pub status: AssignmentStatus,
    pub dispatched_at: i64,
    pub acknowledged_at: Option<i64>,
    /// When it was called off or cleared, if it was (stops a running acknowledgement timer).
    pub ended_at: Option<i64>,
}

/// A hand-over (its timeline event) and when the receiving room signed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandoverFacts {
    pub event_id: String,
    pub at: i64,
    pub signed_at: Option<i64>,
    /// The incident moved on (handed over again) before it was signed for.
    pub superseded_at: Option<i64>,
}

/// What the timers of one incident are computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimerFacts {
    pub priority: Priority,
    pub status: IncidentStatus,
    pub created_at: i64,
    pub on_scene_at: Option<i64>,
    /// Closed or merged at.
    pub closed_at: Option<i64>,
    pub assignments: Vec<AssignmentFacts>,
    pub handovers: Vec<HandoverFacts>,
}

/// Where a timer stands at the instant asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timer {
    pub kind: TimerKind,
    /// The unit (acknowledgement) or the hand-over event (hand-over); empty otherwise.
    pub subject: String,
    pub started_at: i64,
    pub due_at: i64,
    /// When it stopped (met or moot); `None` while it runs.
    pub stopped_at: Option<i64>,
    /// Seconds left while running and not yet due (0 otherwise).
    pub remaining_s: i64,
    /// Seconds past due: while running, until now; once stopped, until it stopped.
    pub overdue_s: i64,
    /// The highest alert level reached while running (`None` when not overdue or stopped).
    pub level: Option<AlertLevel>,
}

impl Timer {
    pub fn running(&self) -> bool {
        self.stopped_at.is_none()
    }

    /// When each alert level is reached: the due instant, then escalation.
    pub fn level_times(&self, escalate_after_s: i64) -> [(AlertLevel, i64); 2] {
        [
            (AlertLevel::Responsible, self.due_at),
            (
                AlertLevel::Escalated,
                self.due_at + escalate_after_s * US_PER_S,
            ),
        ]
    }
}

fn timer(
    kind: TimerKind,
    subject: &str,
    started_at: i64,
    limit_s: i64,
    stopped_at: Option<i64>,
    limits: &TimerLimits,
    now: i64,
) -> Timer {
    let due_at = started_at + limit_s * US_PER_S;
    let end = stopped_at.unwrap_or(now);
    let mut t = Timer {
        kind,
        subject: subject.to_owned(),
        started_at,
        due_at,
        stopped_at,
        remaining_s: if stopped_at.is_none() {
            ceil_s(due_at - now).max(0)
        } else {
            0
        },
        overdue_s: ((end - due_at) / US_PER_S).max(0),
        level: None,
    };
    if t.running() {
        t.level = t
            .level_times(limits.escalate_after_s)
            .into_iter()
            .filter(|(_, at)| *at <= now)
            .map(|(l, _)| l)
            .next_back();
    }
    t
}

fn ceil_s(us: i64) -> i64 {
    (us + US_PER_S - 1).div_euclid(US_PER_S)
}

/// The timers of an incident at `now`, in a stable order: arrival, on scene, then each
/// acknowledgement (dispatch order), then each hand-over.
pub fn timers(f: &TimerFacts, limits: &TimerLimits, now: i64) -> Vec<Timer> {
    let closed = f.closed_at.filter(|_| f.status.is_final());
    let mut out = vec![timer(
        TimerKind::Arrival,
        "",
        f.created_at,
        limits.arrival_s(f.priority),
        f.on_scene_at.or(closed),
        limits,
        now,
    )];
    if let Some(on_scene) = f.on_scene_at {
        out.push(timer(
            TimerKind::OnScene,
            "",
            on_scene,
            limits.on_scene_s,
            closed,
            limits,
            now,
        ));
    }
    for a in &f.assignments {
        let called_off = matches!(
            a.status,
            AssignmentStatus::Cancelled | AssignmentStatus::Merged | AssignmentStatus::Cleared
        )
        .then_some(a.ended_at.unwrap_or(a.dispatched_at));
        let stopped = [a.acknowledged_at, called_off, closed]
            .into_iter()
            .flatten()
            .min();
        out.push(timer(
            TimerKind::Acknowledge,
            &a.unit_id,
            a.dispatched_at,
            limits.acknowledge_s,
            stopped,
            limits,
            now,
        ));
    }
    for h in &f.handovers {
        let stopped = [h.signed_at, h.superseded_at, closed]
            .into_iter()
            .flatten()
            .min();
        out.push(timer(
            TimerKind::Handover,
            &h.event_id,
            h.at,
            limits.handover_s,
            stopped,
            limits,
            now,
        ));
    }
    out
}

/// The alerts due at `now` that are not raised yet: each running timer's levels reached,
/// minus `raised` (kind, subject, level).
pub fn alerts_due(
    timers: &[Timer],
    limits: &TimerLimits,
    now: i64,
    raised: &[(TimerKind, String, AlertLevel)],
) -> Vec<(TimerKind, String, AlertLevel, i64)> {
    let mut out = Vec::new();
    for t in timers.iter().filter(|t| t.running()) {
        for (level, at) in t.level_times(limits.escalate_after_s) {
            let done = raised
                .iter()
                .any(|(k, s, l)| *k == t.kind && *s == t.subject && *l == level);
            if at <= now && !done {
                out.push((t.kind, t.subject.clone(), level, t.due_at));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = US_PER_S;
    const T0: i64 = 1_800_000_000 * S;

    fn facts() -> TimerFacts {
        TimerFacts {
            priority: Priority::P2,
            status: IncidentStatus::Dispatched,
            created_at: T0,
            on_scene_at: None,
            closed_at: None,
            assignments: vec![AssignmentFacts {
                unit_id: "u1".into(),
                status: AssignmentStatus::Dispatched,
                dispatched_at: T0 + 20 * S,
                acknowledged_at: None,
                ended_at: None,
            }],
            handovers: vec![],
        }
    }

    fn find(ts: &[Timer], kind: TimerKind) -> &Timer {
        ts.iter().find(|t| t.kind == kind).unwrap()
    }

    #[test]
    fn defaults_follow_the_bulletin_and_the_priority_targets() {
        let l = TimerLimits::default();
        assert_eq!(l.acknowledge_s, 30);
        assert_eq!(l.arrival_s(Priority::P1), 300);
        assert_eq!(l.arrival_s(Priority::P4), 3600);
        assert!(l.out_of_range().is_empty());
        let bad = TimerLimits {
            acknowledge_s: 0,
            handover_s: MAX_LIMIT_S + 1,
            ..l
        };
        assert_eq!(bad.out_of_range(), vec!["acknowledge_s", "handover_s"]);
    }

    #[test]
    fn acknowledgement_runs_then_is_overdue_then_escalates() {
        let l = TimerLimits::default();
        let f = facts();
        let ack = |now| find(&timers(&f, &l, now), TimerKind::Acknowledge).clone();
        let t = ack(T0 + 30 * S);
        assert_eq!((t.remaining_s, t.overdue_s, t.level), (20, 0, None));
        assert_eq!(t.due_at, T0 + 50 * S);
        let t = ack(T0 + 50 * S);
        assert_eq!((t.remaining_s, t.level), (0, Some(AlertLevel::Responsible)));
        let t = ack(T0 + 139 * S);
        assert_eq!((t.overdue_s, t.level), (89, Some(AlertLevel::Responsible)));
        let t = ack(T0 + 140 * S);
        assert_eq!(t.level, Some(AlertLevel::Escalated));
    }

    #[test]
    fn acknowledgement_stops_when_acknowledged_or_called_off() {
        let l = TimerLimits::default();
        let mut f = facts();
        f.assignments[0].acknowledged_at = Some(T0 + 70 * S);
        f.assignments[0].status = AssignmentStatus::Acknowledged;
        let t = find(&timers(&f, &l, T0 + 500 * S), TimerKind::Acknowledge).clone();
        assert_eq!(t.stopped_at, Some(T0 + 70 * S));
        // Met late: the overdue time is kept, no level any more.
        assert_eq!((t.overdue_s, t.level), (20, None));
        let mut f = facts();
        f.assignments[0].status = AssignmentStatus::Cancelled;
        f.assignments[0].ended_at = Some(T0 + 40 * S);
        let t = find(&timers(&f, &l, T0 + 500 * S), TimerKind::Acknowledge).clone();
        assert_eq!((t.stopped_at, t.overdue_s), (Some(T0 + 40 * S), 0));
    }

    #[test]
    fn arrival_by_priority_and_on_scene_until_closed() {
        let l = TimerLimits::default();
        let mut f = facts();
        let t = find(&timers(&f, &l, T0 + 601 * S), TimerKind::Arrival).clone();
        assert_eq!((t.due_at, t.overdue_s), (T0 + 600 * S, 1));
        assert!(
            timers(&f, &l, T0)
                .iter()
                .all(|t| t.kind != TimerKind::OnScene)
        );
        f.on_scene_at = Some(T0 + 400 * S);
        let ts = timers(&f, &l, T0 + 2000 * S);
        assert_eq!(find(&ts, TimerKind::Arrival).stopped_at, Some(T0 + 400 * S));
        let on = find(&ts, TimerKind::OnScene);
        assert_eq!((on.due_at, on.remaining_s), (T0 + 2200 * S, 200));
        f.status = IncidentStatus::Closed;
        f.closed_at = Some(T0 + 2100 * S);
        let ts = timers(&f, &l, T0 + 9000 * S);
        assert!(ts.iter().all(|t| !t.running()));
        assert!(alerts_due(&ts, &l, T0 + 9000 * S, &[]).is_empty());
    }

    #[test]
    fn handover_until_signed_or_handed_on() {
        let l = TimerLimits::default();
        let mut f = facts();
        f.handovers = vec![
            HandoverFacts {
                event_id: "h1".into(),
                at: T0 + 100 * S,
                signed_at: None,
                superseded_at: Some(T0 + 150 * S),
            },
            HandoverFacts {
                event_id: "h2".into(),
                at: T0 + 150 * S,
                signed_at: None,
                superseded_at: None,
            },
        ];
        let ts = timers(&f, &l, T0 + 330 * S);
        let h: Vec<_> = ts
            .iter()
            .filter(|t| t.kind == TimerKind::Handover)
            .collect();
        assert_eq!(h[0].stopped_at, Some(T0 + 150 * S));
        assert_eq!(
            (h[1].due_at, h[1].level),
            (T0 + 330 * S, Some(AlertLevel::Responsible))
        );
        f.handovers[1].signed_at = Some(T0 + 200 * S);
        let ts = timers(&f, &l, T0 + 330 * S);
        assert!(
            ts.iter()
                .filter(|t| t.kind == TimerKind::Handover)
                .all(|t| !t.running())
        );
    }

    #[test]
    fn alerts_due_once_per_level() {
        let l = TimerLimits::default();
        let f = facts();
        let now = T0 + 200 * S;
        let ts = timers(&f, &l, now);
        let due = alerts_due(&ts, &l, now, &[]);
        let ack: Vec<_> = due
            .iter()
            .filter(|d| d.0 == TimerKind::Acknowledge)
            .map(|d| d.2)
            .collect();
        assert_eq!(ack, vec![AlertLevel::Responsible, AlertLevel::Escalated]);
        let raised = vec![(
            TimerKind::Acknowledge,
            "u1".to_string(),
            AlertLevel::Responsible,
        )];
        let due = alerts_due(&ts, &l, now, &raised);
        assert_eq!(
            due.iter()
                .filter(|d| d.0 == TimerKind::Acknowledge)
                .map(|d| d.2)
                .collect::<Vec<_>>(),
            vec![AlertLevel::Escalated]
        );
        // Arrival (P2, 600 s) is not due yet.
        assert!(due.iter().all(|d| d.0 != TimerKind::Arrival));
    }
}
