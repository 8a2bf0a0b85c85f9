//! Likely duplicates: one event often produces several calls (a fight on a square, a collision
//! on a ring road). Intake flags them so that a dispatcher can merge instead of sending a
//! second unit.
//!
//! # Rules
//!
//! A recent incident `r` is a likely duplicate of a new incident `n` when it is open (not
//! closed or merged), is not `n` itself, and **one or more** of these holds — each match
//! names the ones that did ([`DuplicateReason`]), so the dispatcher sees why:
//!
//! * **same event** ([`DuplicateReason::SameEvent`]): same [`Category`] (sub-categories may
//!   differ: a "fight" may be re-reported as an "assault"), great-circle distance
//!   ([`jingwu_core::geo::haversine_m`]) ≤ [`DuplicateRule::max_distance_m`] (300 m) and
//!   `|created(n) − created(r)|` ≤ [`DuplicateRule::window_us`] (10 min);
//! * **very close** ([`DuplicateReason::VeryClose`]): whatever the category, within
//!   [`DuplicateRule::near_m`] (50 m) and the same 10 minutes — callers classify one event
//!   differently (a fight reported 12 m away as an assault is another category);
//! * **same caller** ([`DuplicateReason::SameCaller`]): the same caller number (digits only,
//!   a leading `86` country code dropped, at least [`MIN_PHONE_DIGITS`] digits), wherever,
//!   within [`DuplicateRule::caller_window_us`] (30 min) — a caller who calls again after
//!   walking on, or who gave another place.
//!
//! Score in \[0, 1\], the best of the reasons that hold:
//! same event `1 − ½·d/max_distance − ½·|Δt|/window` (+0.1 when the sub-category is the same
//! too, capped at 1); very close `1 − ½·d/near − ½·|Δt|/window`; same caller
//! `1 − ½·|Δt|/caller_window`. Results are ordered by score, best first, ties by id.

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
    /// The caller's number as recorded (compared by [`phone_key`]).
    pub caller_phone: String,
}

/// Thresholds of the duplicate rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DuplicateRule {
    pub max_distance_m: f64,
    pub window_us: i64,
    /// Any category this close (within `window_us`) is flagged.
    pub near_m: f64,
    /// The same caller number within this time is flagged, wherever.
    pub caller_window_us: i64,
}

impl Default for DuplicateRule {
    fn default() -> Self {
        DuplicateRule {
            max_distance_m: 300.0,
            window_us: 10 * 60 * crate::US_PER_S,
            near_m: 50.0,
            caller_window_us: 30 * 60 * crate::US_PER_S,
        }
    }
}

impl DuplicateRule {
    /// How far back candidates must be loaded for every rule to see them.
    pub fn lookback_us(&self) -> i64 {
        self.window_us.max(self.caller_window_us).max(0)
    }
}

jingwu_core::text_enum! {
    /// Why an incident was flagged as a likely duplicate.
    pub enum DuplicateReason: "duplicate reason" {
        /// Same category, near in space and time.
        SameEvent = "same_event" ("同类警情、时间地点相近", "Same category, near in space and time"),
        /// Any category, a few tens of metres away within minutes.
        VeryClose = "very_close" ("地点极近", "A few metres away"),
        /// The same caller number called shortly before.
        SameCaller = "same_caller" ("同一报警电话", "Same caller number"),
    }
}

/// One likely duplicate: which incident, how alike, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DuplicateMatch {
    pub id: String,
    pub score: f64,
    /// The rules that matched, in the order of [`DuplicateReason`].
    pub reasons: Vec<DuplicateReason>,
    /// Great-circle distance, metres.
    pub distance_m: f64,
    /// `|Δt|` between the two creations, seconds.
    pub seconds_apart: i64,
}

/// Bonus added to the score when the sub-category matches as well.
pub const SAME_SUBCATEGORY_BONUS: f64 = 0.1;

/// Shortest caller number compared (service numbers and withheld numbers are not a caller).
pub const MIN_PHONE_DIGITS: usize = 7;

/// A caller number reduced to what identifies the line: its digits, without a leading `86`
/// country code on an 11-digit mobile number; `None` when too short to tell callers apart.
pub fn phone_key(phone: &str) -> Option<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let digits = match digits.strip_prefix("86") {
        Some(rest) if rest.len() == 11 => rest.to_string(),
        _ => digits,
    };
    (digits.len() >= MIN_PHONE_DIGITS).then_some(digits)
}

/// The recent incidents that are likely duplicates of `new`, best first.
pub fn likely_duplicates(
    new: &IncidentProbe,
    recent: &[IncidentProbe],
    rule: DuplicateRule,
) -> Vec<DuplicateMatch> {
    let mut out: Vec<DuplicateMatch> = recent.iter().filter_map(|r| assess(new, r, rule)).collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.id.cmp(&b.id)));
    out
}

/// Whether `r` is a likely duplicate of `new`, with its score and reasons.
pub fn assess(
    new: &IncidentProbe,
    r: &IncidentProbe,
    rule: DuplicateRule,
) -> Option<DuplicateMatch> {
    if !r.open || r.id == new.id {
        return None;
    }
    let d = haversine_m(new.lat, new.lon, r.lat, r.lon);
    let dt = new.created_us.abs_diff(r.created_us);
    let mut found: Vec<(DuplicateReason, f64)> = Vec::new();
    if let Some(s) = score(new, r, rule) {
        found.push((DuplicateReason::SameEvent, s));
    }
    // NaN (bad coordinates) never matches
    if d <= rule.near_m && dt <= rule.window_us.unsigned_abs() {
        let s = 1.0 - 0.5 * share(d, rule.near_m) - 0.5 * share(dt as f64, rule.window_us as f64);
        found.push((DuplicateReason::VeryClose, s));
    }
    let same_line = phone_key(&new.caller_phone)
        .zip(phone_key(&r.caller_phone))
        .is_some_and(|(a, b)| a == b);
    if same_line && dt <= rule.caller_window_us.unsigned_abs() {
        let s = 1.0 - 0.5 * share(dt as f64, rule.caller_window_us as f64);
        found.push((DuplicateReason::SameCaller, s));
    }
    let best = found.iter().map(|f| f.1).reduce(f64::max)?;
    Some(DuplicateMatch {
        id: r.id.clone(),
        score: best.clamp(0.0, 1.0),
        reasons: found.into_iter().map(|f| f.0).collect(),
        distance_m: d,
        seconds_apart: i64::try_from(dt / 1_000_000).unwrap_or(i64::MAX),
    })
}

/// `part / whole` for a threshold `whole`; 0 when the threshold is 0 (the part is 0 too).
fn share(part: f64, whole: f64) -> f64 {
    if whole != 0.0 {
        part / whole.abs()
    } else {
        0.0
    }
}

/// The same-event score of `r` against `new`, or `None` if that rule does not match (the
/// other rules are in [`assess`]).
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
