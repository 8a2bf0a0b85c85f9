//! The "1335" response (三级联动·1335, `docs/domain/hazmat.md` preamble): **3** response levels,
//! **4** linkage steps, **1/3/5**-minute targets.
//!
//! The seed names the numbers only. **Jingwu's reading** (an interpretation, not a published
//! rule): step 1 is the alarm (接警) at t0; dispatch (调派) is due within 1 minute; department
//! linkage (部门联动: environment, health, traffic, the enterprise) within 3 minutes; the public
//! warning (公众预警, e.g. the CAP alert) within 5 minutes — all measured from the alarm.
//!
//! The level criteria ([`LevelCriteria::default`]) are Jingwu's starting values, to be set by
//! the operating authority; [`response_level_with`] takes others.

use serde::{Deserialize, Serialize};

jingwu_core::text_enum! {
    /// Response level; Level I is the highest.
    pub enum ResponseLevel: "response level" {
        Level3 = "level_3" ("三级响应", "Level III"),
        Level2 = "level_2" ("二级响应", "Level II"),
        Level1 = "level_1" ("一级响应", "Level I (highest)"),
    }
}

jingwu_core::text_enum! {
    /// The four linkage steps, in order.
    pub enum LinkageStep: "linkage step" {
        Alarm = "alarm" ("接警", "Alarm"),
        Dispatch = "dispatch" ("调派", "Dispatch"),
        Linkage = "linkage" ("部门联动", "Department linkage"),
        PublicWarning = "public_warning" ("公众预警", "Public warning"),
    }
}

impl LinkageStep {
    /// Seconds after the alarm by which the step is due: 0, 60, 180, 300.
    pub fn target_s(self) -> i64 {
        match self {
            LinkageStep::Alarm => 0,
            LinkageStep::Dispatch => 60,
            LinkageStep::Linkage => 180,
            LinkageStep::PublicWarning => 300,
        }
    }

    /// The following step, `None` after the public warning.
    pub fn next(self) -> Option<Self> {
        match self {
            LinkageStep::Alarm => Some(LinkageStep::Dispatch),
            LinkageStep::Dispatch => Some(LinkageStep::Linkage),
            LinkageStep::Linkage => Some(LinkageStep::PublicWarning),
            LinkageStep::PublicWarning => None,
        }
    }
}

/// What the level decision looks at.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LevelFacts {
    /// Length of the tier-3 (red) zone, m (0 if none).
    pub red_zone_length_m: f64,
    /// Length of the tier-2 (orange) zone, m.
    pub orange_zone_length_m: f64,
    /// Registered hazmat enterprises inside any threat zone.
    pub enterprises_inside: usize,
    /// Key sites (schools, hospitals, crowded places) inside any threat zone.
    pub key_sites_inside: usize,
    /// Reported casualties (dead and injured).
    pub casualties: u32,
}

/// Thresholds of one level: any one reached triggers it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LevelThresholds {
    pub red_zone_length_m: f64,
    pub orange_zone_length_m: f64,
    pub enterprises_inside: usize,
    pub key_sites_inside: usize,
    pub casualties: u32,
}

impl LevelThresholds {
    fn reached(&self, f: &LevelFacts) -> bool {
        f.red_zone_length_m >= self.red_zone_length_m
            || f.orange_zone_length_m >= self.orange_zone_length_m
            || f.enterprises_inside >= self.enterprises_inside
            || f.key_sites_inside >= self.key_sites_inside
            || f.casualties >= self.casualties
    }
}

/// Level I and Level II thresholds; below Level II is Level III.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct LevelCriteria {
    pub level1: LevelThresholds,
    pub level2: LevelThresholds,
}

impl Default for LevelCriteria {
    /// Level I: red zone ≥ 2 km, orange ≥ 5 km, ≥ 10 enterprises, ≥ 3 key sites or ≥ 10
    /// casualties. Level II: red ≥ 500 m, orange ≥ 2 km, ≥ 3 enterprises, ≥ 1 key site or ≥ 3
    /// casualties.
    fn default() -> Self {
        LevelCriteria {
            level1: LevelThresholds {
                red_zone_length_m: 2000.0,
                orange_zone_length_m: 5000.0,
                enterprises_inside: 10,
                key_sites_inside: 3,
                casualties: 10,
            },
            level2: LevelThresholds {
                red_zone_length_m: 500.0,
                orange_zone_length_m: 2000.0,
                enterprises_inside: 3,
                key_sites_inside: 1,
                casualties: 3,
            },
        }
    }
}

/// The response level under the default criteria.
pub fn response_level(f: &LevelFacts) -> ResponseLevel {
    response_level_with(f, &LevelCriteria::default())
}

/// The response level under `criteria`: Level I if any Level I threshold is reached, else
/// Level II if any Level II threshold is, else Level III.
pub fn response_level_with(f: &LevelFacts, criteria: &LevelCriteria) -> ResponseLevel {
    if criteria.level1.reached(f) {
        ResponseLevel::Level1
    } else if criteria.level2.reached(f) {
        ResponseLevel::Level2
    } else {
        ResponseLevel::Level3
    }
}

/// One step against its target.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StepStatus {
    pub step: LinkageStep,
    pub due_at: jiff::Timestamp,
    pub done_at: Option<jiff::Timestamp>,
    /// Done after `due_at`, or not done and `now` is past `due_at`.
    pub late: bool,
}

/// The four steps in order with their due times (alarm + target) and status at `now`. A step
/// done several times counts its earliest time; the alarm step is done at `alarm_at` unless
/// `done` says otherwise.
pub fn step_statuses(
    alarm_at: jiff::Timestamp,
    done: &[(LinkageStep, jiff::Timestamp)],
    now: jiff::Timestamp,
) -> Vec<StepStatus> {
    LinkageStep::ALL
        .iter()
        .map(|&step| {
            let due_at = alarm_at
                .checked_add(jiff::SignedDuration::from_secs(step.target_s()))
                .unwrap_or(alarm_at);
            let done_at = done
                .iter()
                .filter(|(s, _)| *s == step)
                .map(|&(_, t)| t)
                .min()
                .or((step == LinkageStep::Alarm).then_some(alarm_at));
            let late = match done_at {
                Some(t) => t > due_at,
                None => now > due_at,
            };
            StepStatus {
                step,
                due_at,
                done_at,
                late,
            }
        })
        .collect()
}
