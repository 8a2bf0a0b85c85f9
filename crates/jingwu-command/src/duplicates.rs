//! Likely duplicates: one event often produces several calls (a fight on a square, a collision
//! on a ring road). Intake flags them so that a dispatcher can merge instead of sending a
//! second unit.
//!
//! # Rule
//!
//! A recent incident `r` is a likely duplicate of a new incident `n` when **all** hold:
//! 1. `r` is open (not closed or merged) and is not `n` itself (different id);
//! 2. same [`Category`] (sub-categories may differ: a "fight" may be re-reported as an
//!    "assault");
//! 3. great-circle distance ([`jingwu_core::geo::haversine_m`]) ≤
//!    [`DuplicateRule::max_distance_m`] (default 300 m);
//! 4. `|created(n) − created(r)|` ≤ [`DuplicateRule::window_us`] (default 10 min).
//!
//! Score in \[0, 1\]: `1 − ½·d/max_distance − ½·|Δt|/window`, plus 0.1 (capped at 1) when
//! the sub-category is the same too. Results are ordered by score, best first, ties by id.

use serde::{Deserialize, Serialize};

use crate::taxonomy::{Category, Subcategory};

// Re-exported where they used to be defined: `jingwu-app` imports them from here.
pub use jingwu_core::geo::{EARTH_RADIUS_M, haversine_m};

/// What duplicate detection needs to know about an incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentProbe {
    pub id: String,
    pub category: Category,
    pub subcategory: Subcategory,
    pub lat: f64,
    pub lon: f64,
    /// Creation instant, µs since the Unix epoch.
    pub created_us: i64,
    /// False once closed or merged into another incident.
    pub open: bool,
}

/// Thresholds of the duplicate rule.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRule {
    pub max_distance_m: f64,
    pub window_us: i64,
}

impl Default for DuplicateRule {
    fn default() -> Self {
        DuplicateRule {
            max_distance_m: 300.0,
            window_us: 10 * 60 * crate::US_PER_S,
        }
    }
}

/// Bonus added to the score when the sub-category matches as well.
pub const SAME_SUBCATEGORY_BONUS: f64 = 0.1;

/// The recent incidents that are likely duplicates of `new`, with scores, best first.
pub fn likely_duplicates(
    new: &IncidentProbe,
    recent: &[IncidentProbe],
    rule: DuplicateRule,
) -> Vec<(String, f64)> {
    let mut out: Vec<(String, f64)> = recent
        .iter()
        .filter_map(|r| score(new, r, rule).map(|s| (r.id.clone(), s)))
        .collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// The duplicate score of `r` against `new`, or `None` if the rule does not match.
pub fn score(new: &IncidentProbe, r: &IncidentProbe, rule: DuplicateRule) -> Option<f64> {
    if !r.open || r.id == new.id || r.category != new.category {
        return None;
    }
    let d = haversine_m(new.lat, new.lon, r.lat, r.lon);
    // NaN (bad coordinates) never matches
    if d.is_nan() || d > rule.max_distance_m {
        return None;
    }
    let dt = new.created_us.abs_diff(r.created_us);
    if dt > rule.window_us.unsigned_abs() {
        return None;
    }
    let dist_part = if rule.max_distance_m > 0.0 {
        d / rule.max_distance_m
    } else {
        0.0
    };
    let time_part = if rule.window_us != 0 {
        dt as f64 / rule.window_us.unsigned_abs() as f64
    } else {
        0.0
    };
    let mut s = 1.0 - 0.5 * dist_part - 0.5 * time_part;
    if r.subcategory == new.subcategory {
        s += SAME_SUBCATEGORY_BONUS;
    }
    Some(s.clamp(0.0, 1.0))
}
