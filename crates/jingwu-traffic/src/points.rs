//! The points ledger (记分): the balance is computed from the penalty
//! decisions and the reductions, never stored.
//!
//! Rules (MPS Order 163), encoded in [`points`]:
//! * Points are recorded with the penalty decision; a **revoked** decision counts nothing.
//! * The same violation is never scored twice: decisions are deduplicated on `violation_id`
//!   (the first non-revoked decision of a violation counts; a violation whose every decision
//!   is revoked counts nothing).
//! * A decision counts in the cycle it was **decided** in. At the end of each cycle, points
//!   under 12 clear, except those of a decision that is then **overdue and unpaid** (its
//!   payment deadline is before that cycle's end and it was not paid before that end): those
//!   points carry into the next cycle. A decision from an earlier cycle counts now only if it
//!   was carried at every cycle end since its decision. A fine not yet due at the cycle end
//!   clears with the others.
//! * Passing full-score education with the fines paid clears everything recorded so far:
//!   decisions and reductions dated on or before `full_score_cleared_on` count nothing.
//! * Reductions count only in the cycle they were granted in.
//! * `balance = recorded − reduced`, floored at 0; the full score is 12.
//!
//! Decisions dated after `today` are ignored (not yet on the record).

use std::collections::BTreeSet;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::cycle::{Cycle, cycle_on};

/// Points at which the licence is withheld and full-score education begins.
pub const FULL_SCORE: u32 = 12;

/// A penalty decision with the points it records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decision {
    /// The violation decided (the ledger's unique key).
    pub violation_id: String,
    pub points: u8,
    pub decided_on: Date,
    /// The last day to pay the fine (see [`crate::late_fee::deadline`]).
    pub deadline: Date,
    pub paid_on: Option<Date>,
    /// The decision was revoked (or changed): its points are removed.
    pub revoked: bool,
}

jingwu_core::text_enum! {
    /// How points were taken off (学法减分).
    pub enum ReductionMethod: "reduction method" {
        /// Online study and exam (national: −1).
        OnlineStudy = "online_study" ("网上学习", "Online study"),
        /// On-site study and exam (national: −2).
        OnSiteStudy = "on_site_study" ("现场学习", "On-site study"),
        /// One hour of traffic-safety public-welfare work (national: −1).
        PublicWelfare = "public_welfare" ("公益活动", "Public-welfare work"),
        /// A voucher applied to a decided violation (Ningbo 2016 pilot only).
        Voucher = "voucher" ("减分券", "Voucher"),
    }
}

/// A reduction granted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reduction {
    pub points: u8,
    pub granted_on: Date,
    pub method: ReductionMethod,
}

/// What the ledger is computed from.
#[derive(Debug, Clone, Copy)]
pub struct PointsFacts<'a> {
    pub first_issue: Date,
    pub today: Date,
    pub decisions: &'a [Decision],
    pub reductions: &'a [Reduction],
    /// The day a full score was last cleared (education and exam passed, fines paid).
    pub full_score_cleared_on: Option<Date>,
}

/// The points position on `today`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Points {
    /// The cycle `today` falls in.
    pub cycle: Cycle,
    /// Points recorded in this cycle, carried points included.
    pub recorded: u32,
    /// Points taken off in this cycle.
    pub reduced: u32,
    /// `recorded − reduced`, never below 0.
    pub balance: u32,
    /// The part of `recorded` carried from earlier cycles (overdue, unpaid fines).
    pub carried: u32,
    /// `balance ≥ 12`.
    pub full_score: bool,
    /// The violations counted (decided in this cycle or carried), in decision order.
    pub counted: Vec<String>,
}

impl Points {
    /// Whether the violation's points are on the record in this cycle.
    pub fn counts(&self, violation_id: &str) -> bool {
        self.counted.iter().any(|v| v == violation_id)
    }
}

/// Whether an unpaid fine carries its points over the cycle end `end`.
fn carries_over(d: &Decision, end: Date) -> bool {
    d.deadline < end && d.paid_on.is_none_or(|paid| paid >= end)
}

/// Whether `d` (decided in an earlier cycle) still counts in `current`.
fn carried_into(first_issue: Date, d: &Decision, current: &Cycle) -> bool {
    let Some(mut c) = cycle_on(first_issue, d.decided_on) else {
        return false;
    };
    while c.index < current.index {
        if !carries_over(d, c.end) {
            return false;
        }
        c = Cycle::nth(first_issue, c.index.saturating_add(1));
    }
    true
}

/// The points position on `f.today`; `None` before the first licence was issued.
pub fn points(f: &PointsFacts<'_>) -> Option<Points> {
    let cycle = cycle_on(f.first_issue, f.today)?;
    let after_clearing = |day: Date| f.full_score_cleared_on.is_none_or(|c| day > c);

    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut counted = Vec::new();
    let (mut recorded, mut carried) = (0u32, 0u32);
    for d in f.decisions {
        // Revoked decisions are skipped before deduplication, so a violation decided again
        // after a revocation counts through its standing decision.
        if d.revoked || !seen.insert(d.violation_id.as_str()) {
            continue;
        }
        if d.decided_on > f.today || !after_clearing(d.decided_on) {
            continue;
        }
        let points = u32::from(d.points);
        if cycle.contains(d.decided_on) {
            recorded = recorded.saturating_add(points);
        } else if carried_into(f.first_issue, d, &cycle) {
            recorded = recorded.saturating_add(points);
            carried = carried.saturating_add(points);
        } else {
            continue;
        }
        counted.push(d.violation_id.clone());
    }

    let reduced = f
        .reductions
        .iter()
        .filter(|r| {
            cycle.contains(r.granted_on) && r.granted_on <= f.today && after_clearing(r.granted_on)
        })
        .fold(0u32, |sum, r| sum.saturating_add(u32::from(r.points)));

    let balance = recorded.saturating_sub(reduced);
    Some(Points {
        cycle,
        recorded,
        reduced,
        balance,
        carried,
        full_score: balance >= FULL_SCORE,
        counted,
    })
}
