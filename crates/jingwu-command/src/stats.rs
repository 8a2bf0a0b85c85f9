//! Statistics for the command centre and the weekly 110 bulletin.
//!
//! # Percentile method (defined once, here)
//!
//! **Nearest rank** (command.md §6.2): for `n` sorted values and `p` in \[0, 100\], the
//! p-th percentile is the value at 1-based rank `max(1, ⌈p·n/100⌉)`. It is always one of the
//! observed values, and equivalently the smallest value `v` with at least `p·n/100` values
//! `≤ v`. p50 of \[1,2,3,4\] is 2; p90 of ten values is the 9th. Fractional `p·n/100` within
//! 1e-9 of an integer is treated as that integer so that float noise in `p` cannot move the
//! rank.
//!
//! # Segments used
//!
//! | figure | measured |
//! |---|---|
//! | time to acknowledge (签收) | dispatched → acknowledged |
//! | time to arrive (到场), shares within 60/180/300 s | dispatched → on scene (the 1/3/5-minute circle basis, see [`crate::response`]) |
//! | response | created → on scene |
//! | time to close (办结) | created → closed |
//!
//! Records whose timeline is inconsistent ([`IncidentTimes::check`]) are counted in
//! `invalid_timelines` and contribute no durations.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Display;

use serde::{Deserialize, Serialize};

use crate::US_PER_S;
use crate::response::IncidentTimes;
use crate::taxonomy::{Category, Priority, Subcategory};

/// Nearest-rank percentile of **sorted** (ascending) values; `None` if `sorted` is empty or
/// `p` is not within \[0, 100\] (NaN included).
pub fn percentile(sorted: &[i64], p: f64) -> Option<i64> {
    let rank = nearest_rank(sorted.len(), p)?;
    sorted.get(rank - 1).copied()
}

/// Nearest-rank percentile of values in any order (sorts a copy).
pub fn percentile_of(values: &[i64], p: f64) -> Option<i64> {
    let mut v = values.to_vec();
    v.sort_unstable();
    percentile(&v, p)
}

/// The 1-based nearest rank for `n` values, or `None` when `n == 0` or `p` is out of range.
pub fn nearest_rank(n: usize, p: f64) -> Option<usize> {
    if n == 0 || !(0.0..=100.0).contains(&p) {
        return None;
    }
    let x = p * n as f64 / 100.0;
    let r = x.round();
    let x = if (x - r).abs() <= 1e-9 * r.max(1.0) {
        r
    } else {
        x
    };
    // x ≤ n, so the cast cannot overflow.
    let rank = x.ceil() as usize;
    Some(rank.clamp(1, n))
}

/// What statistics need to know about one incident.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IncidentRecord {
    pub id: String,
    /// Owning station (org id or path).
    pub station: String,
    pub category: Category,
    pub subcategory: Subcategory,
    pub priority: Priority,
    pub times: IncidentTimes,
    /// When the result was fed back (反馈), µs.
    pub feedback: Option<i64>,
}

/// Figures for one group of incidents. Durations in µs.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct GroupSummary {
    pub count: u64,
    pub dispatched: u64,
    pub arrived: u64,
    pub closed: u64,
    pub invalid_timelines: u64,
    pub acknowledge_p50_us: Option<i64>,
    pub acknowledge_p90_us: Option<i64>,
    pub arrive_p50_us: Option<i64>,
    pub arrive_p90_us: Option<i64>,
    pub response_p50_us: Option<i64>,
    pub response_p90_us: Option<i64>,
    pub close_p50_us: Option<i64>,
    pub close_p90_us: Option<i64>,
    /// Share (0–1) of arrived incidents reached within 60 s / 180 s / 300 s of dispatch.
    pub within_60s: Option<f64>,
    pub within_180s: Option<f64>,
    pub within_300s: Option<f64>,
}

#[derive(Default)]
struct Acc {
    summary: GroupSummary,
    ack: Vec<i64>,
    arrive: Vec<i64>,
    response: Vec<i64>,
    close: Vec<i64>,
}

impl Acc {
    fn add(&mut self, r: &IncidentRecord) {
        let s = &mut self.summary;
        s.count += 1;
        let t = &r.times;
        if t.check().is_err() {
            s.invalid_timelines += 1;
            return;
        }
        s.dispatched += u64::from(t.dispatched.is_some());
        s.closed += u64::from(t.closed.is_some());
        let span = |a: Option<i64>, b: Option<i64>| Some(b? - a?);
        if let Some(d) = span(t.dispatched, t.acknowledged) {
            self.ack.push(d);
        }
        if let Some(d) = span(t.dispatched, t.on_scene) {
            s.arrived += 1;
            self.arrive.push(d);
        }
        if let Some(d) = span(Some(t.created), t.on_scene) {
            self.response.push(d);
        }
        if let Some(d) = span(Some(t.created), t.closed) {
            self.close.push(d);
        }
    }

    fn finish(mut self) -> GroupSummary {
        for v in [
            &mut self.ack,
            &mut self.arrive,
            &mut self.response,
            &mut self.close,
        ] {
            v.sort_unstable();
        }
        let s = &mut self.summary;
        s.acknowledge_p50_us = percentile(&self.ack, 50.0);
        s.acknowledge_p90_us = percentile(&self.ack, 90.0);
        s.arrive_p50_us = percentile(&self.arrive, 50.0);
        s.arrive_p90_us = percentile(&self.arrive, 90.0);
        s.response_p50_us = percentile(&self.response, 50.0);
        s.response_p90_us = percentile(&self.response, 90.0);
        s.close_p50_us = percentile(&self.close, 50.0);
        s.close_p90_us = percentile(&self.close, 90.0);
        let share = |limit_s: i64| share_within(&self.arrive, limit_s * US_PER_S);
        s.within_60s = share(60);
        s.within_180s = share(180);
        s.within_300s = share(300);
        self.summary
    }
}

/// Share (0–1) of `durations` that are `≤ limit_us`; `None` when empty.
pub fn share_within(durations: &[i64], limit_us: i64) -> Option<f64> {
    if durations.is_empty() {
        return None;
    }
    let hit = durations.iter().filter(|&&d| d <= limit_us).count();
    Some(hit as f64 / durations.len() as f64)
}

/// Figures per group; the key is whatever `key` extracts (station, category, priority,
/// period, or a tuple of them).
pub fn summarize<K, F>(records: &[IncidentRecord], key: F) -> BTreeMap<K, GroupSummary>
where
    K: Ord,
    F: Fn(&IncidentRecord) -> K,
{
    let mut acc: BTreeMap<K, Acc> = BTreeMap::new();
    for r in records {
        acc.entry(key(r)).or_default().add(r);
    }
    acc.into_iter().map(|(k, a)| (k, a.finish())).collect()
}

/// Local calendar day number (days since 1970-01-01 in a zone `utc_offset_s` east of UTC),
/// a period key for [`summarize`]. China Standard Time is `8 * 3600`.
pub fn day_index(us: i64, utc_offset_s: i64) -> i64 {
    (us.div_euclid(US_PER_S) + utc_offset_s).div_euclid(86_400)
}

/// ISO-style week number since the epoch, weeks starting Monday (1970-01-05 was a Monday).
pub fn week_index(us: i64, utc_offset_s: i64) -> i64 {
    (day_index(us, utc_offset_s) - 4).div_euclid(7)
}

/// Bucket bands of the Ankang weekly 110 bulletin (command.md §6.3). A duration `d` falls in
/// the first band whose upper bound `≥ d` (bounds inclusive: exactly 30 s is "0–30 s"), else
/// in the last, open band.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct BucketScheme {
    pub name: &'static str,
    pub label_zh: &'static str,
    /// Which segment is measured.
    pub measures: &'static str,
    /// Inclusive upper bounds in seconds; there is one more band than bounds.
    pub upper_bounds_s: &'static [i64],
    pub labels: &'static [&'static str],
}

/// 指令签收速度: dispatched → acknowledged, 0–30 s / 30–60 s / 1–2 min / 2–3 min / > 3 min.
pub const ACKNOWLEDGE_BUCKETS: BucketScheme = BucketScheme {
    name: "acknowledge",
    label_zh: "指令签收速度",
    measures: "dispatched → acknowledged",
    upper_bounds_s: &[30, 60, 120, 180],
    labels: &["0–30 s", "30–60 s", "60–120 s", "120–180 s", "> 180 s"],
};

/// 出警速度: dispatched → on scene, 0–5 / 5–10 / 10–15 / 15–30 / > 30 min. The bulletin's
/// minute-scale bands only make sense for reaching the scene, not for setting off.
pub const TURNOUT_BUCKETS: BucketScheme = BucketScheme {
    name: "turnout",
    label_zh: "出警速度",
    measures: "dispatched → on scene",
    upper_bounds_s: &[300, 600, 900, 1800],
    labels: &["0–5 min", "5–10 min", "10–15 min", "15–30 min", "> 30 min"],
};

/// 反馈速度: dispatched → feedback, 0–30 min / 30–60 min / 1–2 h / 2–4 h / > 4 h.
pub const FEEDBACK_BUCKETS: BucketScheme = BucketScheme {
    name: "feedback",
    label_zh: "反馈速度",
    measures: "dispatched → feedback",
    upper_bounds_s: &[1800, 3600, 7200, 14_400],
    labels: &["0–30 min", "30–60 min", "1–2 h", "2–4 h", "> 4 h"],
};

impl BucketScheme {
    /// Index of the band `duration_us` falls in.
    pub fn bucket_of(&self, duration_us: i64) -> usize {
        self.upper_bounds_s
            .iter()
            .position(|&b| duration_us <= b * US_PER_S)
            .unwrap_or(self.upper_bounds_s.len())
    }

    /// Counts per band (length = bounds + 1).
    pub fn histogram(&self, durations_us: impl IntoIterator<Item = i64>) -> Vec<u64> {
        let mut h = vec![0u64; self.upper_bounds_s.len() + 1];
        for d in durations_us {
            if let Some(slot) = h.get_mut(self.bucket_of(d)) {
                *slot += 1;
            }
        }
        h
    }
}

/// The bulletin's speed tables for a set of incidents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bulletin {
    pub acknowledge: Vec<u64>,
    pub turnout: Vec<u64>,
    pub feedback: Vec<u64>,
    /// Incidents not yet closed (未办结警单).
    pub unfinished: u64,
}

/// Bulletin tables over `records` (inconsistent timelines are left out of the speed tables).
pub fn bulletin(records: &[IncidentRecord]) -> Bulletin {
    let ok: Vec<&IncidentRecord> = records.iter().filter(|r| r.times.check().is_ok()).collect();
    let seg = |f: fn(&IncidentRecord) -> Option<(i64, i64)>| {
        ok.iter()
            .filter_map(|r| f(r))
            .map(|(a, b)| b - a)
            .filter(|d| *d >= 0)
            .collect::<Vec<_>>()
    };
    Bulletin {
        acknowledge: ACKNOWLEDGE_BUCKETS
            .histogram(seg(|r| Some((r.times.dispatched?, r.times.acknowledged?)))),
        turnout: TURNOUT_BUCKETS.histogram(seg(|r| Some((r.times.dispatched?, r.times.on_scene?)))),
        feedback: FEEDBACK_BUCKETS.histogram(seg(|r| Some((r.times.dispatched?, r.feedback?)))),
        unfinished: records.iter().filter(|r| r.times.closed.is_none()).count() as u64,
    }
}

/// What closing an incident must include to count as handled in compliance (处警规范).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceRule {
    /// A result code (警情处理结果, cf. GA/T 2000.152) must be chosen.
    pub require_result_code: bool,
    /// Minimum length of the result narrative in characters (Unicode scalar values after
    /// trimming; one Chinese character counts one).
    pub min_result_text_chars: usize,
    /// Categories whose scene must be documented with photos.
    pub photo_categories: Vec<Category>,
    /// Photos required for those categories.
    pub min_scene_photos: u32,
    /// A dispatched incident must have its on-scene arrival recorded.
    pub require_arrival_when_dispatched: bool,
}

impl Default for ComplianceRule {
    /// Result code required; narrative ≥ 15 characters; at least one scene photo for
    /// criminal, public-order, traffic and fire/rescue incidents; arrival recorded if
    /// dispatched.
    fn default() -> Self {
        ComplianceRule {
            require_result_code: true,
            min_result_text_chars: 15,
            photo_categories: vec![
                Category::Criminal,
                Category::PublicOrder,
                Category::Traffic,
                Category::FireRescue,
            ],
            min_scene_photos: 1,
            require_arrival_when_dispatched: true,
        }
    }
}

/// The closing fields of one incident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingReport {
    pub category: Category,
    pub closed: bool,
    pub dispatched: bool,
    pub arrived: bool,
    pub result_code: Option<String>,
    pub result_text: String,
    pub scene_photos: u32,
}

/// One way a closing falls short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "snake_case", tag = "gap")]
pub enum ComplianceGap {
    #[error("the incident is not closed")]
    NotClosed,
    #[error("no result code")]
    MissingResultCode,
    #[error("result text has {chars} characters, at least {min} required")]
    ResultTextTooShort { chars: usize, min: usize },
    #[error("{have} scene photos, at least {need} required for this category")]
    MissingScenePhotos { have: u32, need: u32 },
    #[error("dispatched but no on-scene arrival recorded")]
    MissingArrival,
}

/// Everything `report` lacks under `rule` (empty = compliant).
pub fn compliance_gaps(rule: &ComplianceRule, report: &ClosingReport) -> Vec<ComplianceGap> {
    let mut gaps = Vec::new();
    if !report.closed {
        gaps.push(ComplianceGap::NotClosed);
    }
    if rule.require_result_code
        && report
            .result_code
            .as_deref()
            .is_none_or(|c| c.trim().is_empty())
    {
        gaps.push(ComplianceGap::MissingResultCode);
    }
    let chars = report.result_text.trim().chars().count();
    if chars < rule.min_result_text_chars {
        gaps.push(ComplianceGap::ResultTextTooShort {
            chars,
            min: rule.min_result_text_chars,
        });
    }
    if rule.photo_categories.contains(&report.category)
        && report.scene_photos < rule.min_scene_photos
    {
        gaps.push(ComplianceGap::MissingScenePhotos {
            have: report.scene_photos,
            need: rule.min_scene_photos,
        });
    }
    if rule.require_arrival_when_dispatched && report.dispatched && !report.arrived {
        gaps.push(ComplianceGap::MissingArrival);
    }
    gaps
}

/// 规范率: among **closed** incidents, how many have no compliance gap, and which rule failed
/// how often (an incident may fail several, so the failures can add up to more than
/// `closed − compliant`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ComplianceSummary {
    pub closed: u64,
    pub compliant: u64,
    /// compliant / closed as a percentage (0–100); `None` when nothing was closed.
    pub rate_pct: Option<f64>,
    pub failures: RuleFailures,
}

/// How many closed incidents each rule of the [`ComplianceRule`] failed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RuleFailures {
    pub missing_result_code: u64,
    pub result_text_too_short: u64,
    pub missing_scene_photos: u64,
    pub missing_arrival: u64,
}

impl RuleFailures {
    fn count(&mut self, gap: &ComplianceGap) {
        match gap {
            // Only closed incidents are counted, so this gap never occurs here.
            ComplianceGap::NotClosed => {}
            ComplianceGap::MissingResultCode => self.missing_result_code += 1,
            ComplianceGap::ResultTextTooShort { .. } => self.result_text_too_short += 1,
            ComplianceGap::MissingScenePhotos { .. } => self.missing_scene_photos += 1,
            ComplianceGap::MissingArrival => self.missing_arrival += 1,
        }
    }
}

pub fn compliance(rule: &ComplianceRule, reports: &[ClosingReport]) -> ComplianceSummary {
    let mut compliant = 0;
    let mut closed = 0;
    let mut failures = RuleFailures::default();
    for r in reports.iter().filter(|r| r.closed) {
        closed += 1;
        let gaps = compliance_gaps(rule, r);
        if gaps.is_empty() {
            compliant += 1;
        }
        gaps.iter().for_each(|g| failures.count(g));
    }
    ComplianceSummary {
        closed,
        compliant,
        rate_pct: (closed > 0).then(|| 100.0 * compliant as f64 / closed as f64),
        failures,
    }
}

/// The figures of one period for [`compare`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodFigures {
    pub incidents: u64,
    pub closed: u64,
    pub compliant: u64,
}

impl PeriodFigures {
    /// compliant / closed in percent.
    pub fn compliance_pct(&self) -> Option<f64> {
        (self.closed > 0).then(|| 100.0 * self.compliant as f64 / self.closed as f64)
    }
}

/// Change between two periods.
///
/// * `incidents_change_pct`: relative change of the count, `100·(after − before)/before`
///   (the seed's "incidents down 8.2%" is `-8.2`).
/// * `compliance_change_pp`: change of the compliance rate in **percentage points**
///   (`after% − before%`).
/// * `compliance_change_rel_pct`: **relative** change of the rate,
///   `100·(after% − before%)/before%`.
///
/// Both compliance figures are given because "compliance up 9.5%" is ambiguous: from 80 % to
/// 89.5 % is +9.5 points but +11.9 % relative. Each is `None` when its base is zero or
/// missing.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PeriodComparison {
    pub before: PeriodFigures,
    pub after: PeriodFigures,
    pub incidents_change_pct: Option<f64>,
    pub compliance_before_pct: Option<f64>,
    pub compliance_after_pct: Option<f64>,
    pub compliance_change_pp: Option<f64>,
    pub compliance_change_rel_pct: Option<f64>,
}

pub fn compare(before: PeriodFigures, after: PeriodFigures) -> PeriodComparison {
    let rel = |b: f64, a: f64| (b != 0.0).then(|| 100.0 * (a - b) / b);
    let cb = before.compliance_pct();
    let ca = after.compliance_pct();
    PeriodComparison {
        before,
        after,
        incidents_change_pct: rel(before.incidents as f64, after.incidents as f64),
        compliance_before_pct: cb,
        compliance_after_pct: ca,
        compliance_change_pp: cb.zip(ca).map(|(b, a)| a - b),
        compliance_change_rel_pct: cb.zip(ca).and_then(|(b, a)| rel(b, a)),
    }
}

/// A rectangular table of text cells, rendered as CSV.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Table {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// One CSV field per RFC 4180 §2: a field containing a comma, a double quote, CR or LF is
/// enclosed in double quotes and its double quotes are doubled; other fields are written as
/// they are.
pub fn csv_field(s: &str) -> Cow<'_, str> {
    if s.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        Cow::Borrowed(s)
    }
}

impl Table {
    /// RFC 4180 text: UTF-8 (no byte-order mark), CRLF after every record including the
    /// last, header first.
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        for row in std::iter::once(&self.header).chain(&self.rows) {
            for (i, cell) in row.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&csv_field(cell));
            }
            out.push_str("\r\n");
        }
        out
    }
}

fn secs(us: Option<i64>) -> String {
    us.map(|v| format!("{:.1}", v as f64 / US_PER_S as f64))
        .unwrap_or_default()
}

fn pct(share: Option<f64>) -> String {
    share
        .map(|v| format!("{:.1}", v * 100.0))
        .unwrap_or_default()
}

/// The column names of [`summary_table`] after the key column.
pub const SUMMARY_COLUMNS: &[&str] = &[
    "count",
    "dispatched",
    "arrived",
    "closed",
    "invalid_timelines",
    "acknowledge_p50_s",
    "acknowledge_p90_s",
    "arrive_p50_s",
    "arrive_p90_s",
    "response_p50_s",
    "response_p90_s",
    "close_p50_s",
    "close_p90_s",
    "within_60s_pct",
    "within_180s_pct",
    "within_300s_pct",
];

/// A stats table: one row per group; durations in seconds with one decimal, shares in
/// percent with one decimal, empty cells where there is no data.
pub fn summary_table<K: Display>(key_column: &str, groups: &BTreeMap<K, GroupSummary>) -> Table {
    let header = std::iter::once(key_column)
        .chain(SUMMARY_COLUMNS.iter().copied())
        .map(str::to_owned)
        .collect();
    let rows = groups
        .iter()
        .map(|(k, s)| {
            vec![
                k.to_string(),
                s.count.to_string(),
                s.dispatched.to_string(),
                s.arrived.to_string(),
                s.closed.to_string(),
                s.invalid_timelines.to_string(),
                secs(s.acknowledge_p50_us),
                secs(s.acknowledge_p90_us),
                secs(s.arrive_p50_us),
                secs(s.arrive_p90_us),
                secs(s.response_p50_us),
                secs(s.response_p90_us),
                secs(s.close_p50_us),
                secs(s.close_p90_us),
                pct(s.within_60s),
                pct(s.within_180s),
                pct(s.within_300s),
            ]
        })
        .collect();
    Table { header, rows }
}
