//! 110 statistics, period comparison, CSV export, and key-site readiness.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use jingwu_app::{Period, StatsGroup, StatsGroupBy};
use jingwu_command::stats::{
    ACKNOWLEDGE_BUCKETS, BucketScheme, FEEDBACK_BUCKETS, GroupSummary, TURNOUT_BUCKETS,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Query};
use crate::routes::dto::query_instant;
use crate::{ApiError, AppState, Problem};

use crate::routes::dto::ts;

fn secs(us: Option<i64>) -> Option<f64> {
    us.map(|v| v as f64 / 1e6)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StatsParams {
    /// Created at or after (RFC 3339); default 7 days before `to`.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Created before (RFC 3339); default now.
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// `station` (default), `category`, `priority`, `day` or `week` (China Standard Time;
    /// a week is keyed by its Monday), or `district`.
    #[param(value_type = Option<crate::openapi::StatsGroupBySchema>)]
    pub group_by: Option<String>,
    /// An org unit inside the caller's jurisdiction to narrow to (default: the caller's own).
    pub org: Option<String>,
}

impl StatsParams {
    fn resolve(&self, s: &AppState) -> Result<(Period, StatsGroupBy), ApiError> {
        let group_by = match self.group_by.as_deref() {
            None => StatsGroupBy::Station,
            Some(g) => StatsGroupBy::parse(g).ok_or_else(|| {
                crate::extract::unknown_filter_value(
                    "group_by",
                    format!("{g:?} is not one of station, category, priority, day, week, district"),
                )
            })?,
        };
        let default = s.app.command().default_stats_period();
        let to = self
            .to
            .as_deref()
            .map(|v| query_instant("to", v))
            .transpose()?
            .unwrap_or(default.to);
        let from = self
            .from
            .as_deref()
            .map(|v| query_instant("from", v))
            .transpose()?
            .unwrap_or(to - (default.to - default.from));
        Ok((Period { from, to }, group_by))
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceView {
    /// Closed incidents (the base of the rate).
    pub closed: u64,
    /// Closed incidents with every required closing field and scene media.
    pub compliant: u64,
    /// 规范率, percent; null when nothing was closed.
    pub rate_pct: Option<f64>,
    /// Why the others fell short: how many closed incidents failed each rule (one incident
    /// may fail several).
    pub failures: RuleFailuresView,
}

/// Closed incidents failing each rule of `compliance_rule`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleFailuresView {
    /// No result code.
    pub missing_result_code: u64,
    /// Result narrative shorter than `min_result_text_chars`.
    pub result_text_too_short: u64,
    /// Fewer than `min_scene_photos` scene photos in a `photo_categories` category.
    pub missing_scene_photos: u64,
    /// Dispatched, but no on-scene arrival recorded.
    pub missing_arrival: u64,
}

/// Figures of one group. Durations in seconds (nearest-rank percentiles); shares 0–1 of the
/// arrived incidents.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatsGroupView {
    /// Org id (station, district), category or priority code, or `YYYY-MM-DD` (the day, or
    /// the week's Monday); `total` for the total.
    pub key: String,
    pub label: String,
    pub count: u64,
    pub dispatched: u64,
    pub arrived: u64,
    pub closed: u64,
    /// Incidents whose recorded times are out of order (left out of the durations).
    pub invalid_timelines: u64,
    /// dispatched → acknowledged.
    pub acknowledge_p50_s: Option<f64>,
    pub acknowledge_p90_s: Option<f64>,
    /// dispatched → on scene.
    pub arrive_p50_s: Option<f64>,
    pub arrive_p90_s: Option<f64>,
    /// created → on scene.
    pub response_p50_s: Option<f64>,
    pub response_p90_s: Option<f64>,
    /// created → closed.
    pub close_p50_s: Option<f64>,
    pub close_p90_s: Option<f64>,
    /// Share of arrivals within 60 / 180 / 300 s of dispatch (the 1/3/5-minute circles).
    pub within_60s: Option<f64>,
    pub within_180s: Option<f64>,
    pub within_300s: Option<f64>,
    pub compliance: ComplianceView,
}

impl From<&StatsGroup> for StatsGroupView {
    fn from(g: &StatsGroup) -> Self {
        let s: &GroupSummary = &g.summary;
        StatsGroupView {
            key: g.key.clone(),
            label: g.label.clone(),
            count: s.count,
            dispatched: s.dispatched,
            arrived: s.arrived,
            closed: s.closed,
            invalid_timelines: s.invalid_timelines,
            acknowledge_p50_s: secs(s.acknowledge_p50_us),
            acknowledge_p90_s: secs(s.acknowledge_p90_us),
            arrive_p50_s: secs(s.arrive_p50_us),
            arrive_p90_s: secs(s.arrive_p90_us),
            response_p50_s: secs(s.response_p50_us),
            response_p90_s: secs(s.response_p90_us),
            close_p50_s: secs(s.close_p50_us),
            close_p90_s: secs(s.close_p90_us),
            within_60s: s.within_60s,
            within_180s: s.within_180s,
            within_300s: s.within_300s,
            compliance: ComplianceView {
                closed: g.compliance.closed,
                compliant: g.compliance.compliant,
                rate_pct: g.compliance.rate_pct,
                failures: RuleFailuresView {
                    missing_result_code: g.compliance.failures.missing_result_code,
                    result_text_too_short: g.compliance.failures.result_text_too_short,
                    missing_scene_photos: g.compliance.failures.missing_scene_photos,
                    missing_arrival: g.compliance.failures.missing_arrival,
                },
            },
        }
    }
}

/// One speed table of the weekly bulletin.
#[derive(Debug, Serialize, ToSchema)]
pub struct BucketTable {
    pub name: String,
    pub label_zh: String,
    /// Which segment is measured.
    pub measures: String,
    /// Band labels; a duration falls in the first band whose upper bound is ≥ it.
    pub labels: Vec<String>,
    pub counts: Vec<u64>,
}

fn table(scheme: &BucketScheme, counts: &[u64]) -> BucketTable {
    BucketTable {
        name: scheme.name.into(),
        label_zh: scheme.label_zh.into(),
        measures: scheme.measures.into(),
        labels: scheme.labels.iter().map(|l| (*l).to_string()).collect(),
        counts: counts.to_vec(),
    }
}

/// The Ankang weekly 110 bulletin's speed tables (签收 / 出警 / 反馈; feedback = closing).
#[derive(Debug, Serialize, ToSchema)]
pub struct BulletinView {
    pub acknowledge: BucketTable,
    pub turnout: BucketTable,
    pub feedback: BucketTable,
    /// Incidents not yet closed.
    pub unfinished: u64,
}

/// The compliance rule applied (处警规范).
#[derive(Debug, Serialize, ToSchema)]
pub struct ComplianceRuleView {
    pub require_result_code: bool,
    pub min_result_text_chars: usize,
    /// Categories whose scene must be documented with photos.
    pub photo_categories: Vec<String>,
    pub min_scene_photos: u32,
    pub require_arrival_when_dispatched: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentStatsResponse {
    /// The org unit whose subtree was counted.
    pub org_id: String,
    pub from: String,
    pub to: String,
    pub group_by: String,
    pub groups: Vec<StatsGroupView>,
    pub total: StatsGroupView,
    pub bulletin: BulletinView,
    pub compliance_rule: ComplianceRuleView,
}

/// Statistics of the incidents owned in the caller's jurisdiction (a station sees its own),
/// created in `[from, to)`: counts, time to acknowledge / arrive / close (p50, p90, nearest
/// rank), shares arriving within 1/3/5 minutes, the bulletin's speed tables, and the on-scene
/// handling compliance rate. Merged duplicates are not counted.
#[utoipa::path(get, path = "/api/v1/stats/incidents", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(StatsParams),
    responses(
        (status = 200, body = IncidentStatsResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn incident_stats(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<StatsParams>,
) -> Result<axum::Json<IncidentStatsResponse>, ApiError> {
    let (period, group_by) = p.resolve(&s)?;
    let st = s
        .app
        .command()
        .incident_stats(&caller.principal, p.org.as_deref(), period, group_by)
        .await?;
    let b = &st.bulletin;
    Ok(axum::Json(IncidentStatsResponse {
        org_id: st.org_id.clone(),
        from: ts(st.period.from),
        to: ts(st.period.to),
        group_by: st.group_by.as_str().into(),
        groups: st.groups.iter().map(StatsGroupView::from).collect(),
        total: StatsGroupView::from(&st.total),
        bulletin: BulletinView {
            acknowledge: table(&ACKNOWLEDGE_BUCKETS, &b.acknowledge),
            turnout: table(&TURNOUT_BUCKETS, &b.turnout),
            feedback: table(&FEEDBACK_BUCKETS, &b.feedback),
            unfinished: b.unfinished,
        },
        compliance_rule: ComplianceRuleView {
            require_result_code: st.rule.require_result_code,
            min_result_text_chars: st.rule.min_result_text_chars,
            photo_categories: st
                .rule
                .photo_categories
                .iter()
                .map(|c| c.as_str().into())
                .collect(),
            min_scene_photos: st.rule.min_scene_photos,
            require_arrival_when_dispatched: st.rule.require_arrival_when_dispatched,
        },
    }))
}

fn day_stamp(us: i64) -> String {
    let s = ts(us);
    s.get(..10).unwrap_or(&s).replace('-', "")
}

/// The same statistics as CSV (RFC 4180, UTF-8, CRLF, header row): one row per group and a
/// `total` row; durations in seconds, shares and the compliance rate in percent.
#[utoipa::path(get, path = "/api/v1/stats/incidents.csv", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(StatsParams),
    responses(
        (status = 200, description = "RFC 4180 CSV", body = String, content_type = "text/csv"),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json",
            description = "`validation_failed`: `period.range` or `org.unknown`"),
    ))]
pub async fn incident_stats_csv(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<StatsParams>,
) -> Result<impl IntoResponse, ApiError> {
    let (period, group_by) = p.resolve(&s)?;
    let st = s
        .app
        .command()
        .incident_stats(&caller.principal, p.org.as_deref(), period, group_by)
        .await?;
    let filename = format!(
        "jingwu-incident-stats-{}-{}-{}.csv",
        group_by.as_str(),
        day_stamp(period.from),
        day_stamp(period.to)
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        st.to_table().to_csv(),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CompareParams {
    /// Period A (before): start, RFC 3339.
    #[param(format = DateTime)]
    pub a_from: String,
    /// Period A: end (exclusive).
    #[param(format = DateTime)]
    pub a_to: String,
    /// Period B (after): start.
    #[param(format = DateTime)]
    pub b_from: String,
    /// Period B: end (exclusive).
    #[param(format = DateTime)]
    pub b_to: String,
    /// An org unit inside the caller's jurisdiction (default: the caller's own).
    pub org: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodView {
    pub from: String,
    pub to: String,
    pub incidents: u64,
    pub closed: u64,
    pub compliant: u64,
    pub compliance_pct: Option<f64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompareResponse {
    pub a: PeriodView,
    pub b: PeriodView,
    /// `100·(B − A)/A` of the incident count (e.g. -8.2 = "down 8.2%").
    pub incidents_change_pct: Option<f64>,
    /// Compliance rate change in percentage points (B% − A%).
    pub compliance_change_pp: Option<f64>,
    /// Relative compliance change, `100·(B% − A%)/A%`.
    pub compliance_change_rel_pct: Option<f64>,
}

/// Compares period A (before) with period B (after) for the caller's jurisdiction: incident
/// counts (relative change) and the compliance rate (percentage points and relative).
#[utoipa::path(get, path = "/api/v1/stats/compare", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(CompareParams),
    responses(
        (status = 200, body = CompareResponse),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json",
            description = "`validation_failed`: `period.range` or `org.unknown`"),
    ))]
pub async fn compare(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<CompareParams>,
) -> Result<axum::Json<CompareResponse>, ApiError> {
    let a = Period {
        from: query_instant("a_from", &p.a_from)?,
        to: query_instant("a_to", &p.a_to)?,
    };
    let b = Period {
        from: query_instant("b_from", &p.b_from)?,
        to: query_instant("b_to", &p.b_to)?,
    };
    let c = s
        .app
        .command()
        .compare_periods(&caller.principal, p.org.as_deref(), a, b)
        .await?;
    let view = |p: Period, f: jingwu_command::stats::PeriodFigures| PeriodView {
        from: ts(p.from),
        to: ts(p.to),
        incidents: f.incidents,
        closed: f.closed,
        compliant: f.compliant,
        compliance_pct: f.compliance_pct(),
    };
    Ok(axum::Json(CompareResponse {
        a: view(a, c.before),
        b: view(b, c.after),
        incidents_change_pct: c.incidents_change_pct,
        compliance_change_pp: c.compliance_change_pp,
        compliance_change_rel_pct: c.compliance_change_rel_pct,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeySiteView {
    pub id: String,
    pub org_id: String,
    /// square, station, school, hospital, government …
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub lat: f64,
    pub lon: f64,
    /// A force must be able to reach it within this many seconds.
    pub target_s: i64,
    /// An available unit with a fresh fix reaches it within `target_s` now.
    pub covered: bool,
    /// False if the site lies off the road network.
    pub on_network: bool,
    /// Best road ETA of an available unit (searched up to 900 s), seconds.
    pub best_eta_s: Option<f64>,
    pub best_unit_id: Option<String>,
    pub best_call_sign: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct KeySitesResponse {
    pub checked_at: String,
    pub total: usize,
    pub covered: usize,
    pub sites: Vec<KeySiteView>,
}

/// Key sites in the caller's jurisdiction and whether an available unit the caller may task
/// (fresh position fix) can reach each within its target right now, by road (one backward
/// search per site, live closures applied): the "force within 1 minute" check.
#[utoipa::path(get, path = "/api/v1/key-sites", tag = "command", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = KeySitesResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`precondition_failed`: no road network", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn key_sites(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<KeySitesResponse>, ApiError> {
    let (checked_at, sites) = s
        .app
        .command()
        .key_site_readiness(&caller.principal)
        .await?;
    let views: Vec<KeySiteView> = sites
        .into_iter()
        .map(|k| KeySiteView {
            id: k.site.id.into_string(),
            org_id: k.site.org_id.into_string(),
            kind: k.site.kind,
            name_zh: k.site.name_zh,
            name_en: k.site.name_en,
            lat: k.site.lat,
            lon: k.site.lon,
            target_s: k.site.target_secs,
            covered: k.covered,
            on_network: k.on_network,
            best_eta_s: k.best_eta_s,
            best_unit_id: k.best_unit_id,
            best_call_sign: k.best_call_sign,
        })
        .collect();
    Ok(axum::Json(KeySitesResponse {
        checked_at: ts(checked_at),
        total: views.len(),
        covered: views.iter().filter(|v| v.covered).count(),
        sites: views,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct CoverageHistoryParams {
    /// Samples taken at or after (RFC 3339); default a day before `to`.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Samples taken before (RFC 3339); default now.
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// An org unit inside the caller's jurisdiction (default: the caller's own).
    pub org: Option<String>,
}

/// One point of a coverage curve: the mean of the samples in `[at, at + step_s)`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoveragePoint {
    pub at: String,
    /// Share of the area's road length reached within 60 s (0..1).
    pub share_60: f64,
    pub share_180: f64,
    pub share_300: f64,
    /// Available units with a fresh position that took part (mean).
    pub units_counted: f64,
    pub samples: usize,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageSeriesView {
    pub org_id: String,
    pub code: String,
    /// `city` or `district` (the units sampled).
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub points: Vec<CoveragePoint>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageHistoryResponse {
    pub from: String,
    pub to: String,
    /// Width of each point in seconds (a whole number of 15-minute sampling slots).
    pub step_s: i64,
    pub series: Vec<CoverageSeriesView>,
}

/// Coverage over time: the 1/3/5-minute road coverage of the city and of each district as
/// sampled every 15 minutes by the coverage job (kept 92 days), for the org unit asked about
/// (default the caller's own) and its sampled descendants, over `[from, to)` (at most 92 days;
/// longer steps average the samples so that a curve has at most 500 points). A station's
/// caller gets no curves: stations are not sampled on their own.
#[utoipa::path(get, path = "/api/v1/stats/coverage-history", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(CoverageHistoryParams),
    responses((status = 200, body = CoverageHistoryResponse),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (`period.range`, `org.unknown`)", body = Problem, content_type = "application/problem+json")))]
pub async fn coverage_history(
    State(s): State<AppState>,
    caller: Caller,
    Query(p): Query<CoverageHistoryParams>,
) -> Result<axum::Json<CoverageHistoryResponse>, ApiError> {
    const DAY_US: i64 = 86_400_000_000;
    let to =
        p.to.as_deref()
            .map(|v| query_instant("to", v))
            .transpose()?
            .unwrap_or_else(|| s.app.kernel().now_us());
    let from = p
        .from
        .as_deref()
        .map(|v| query_instant("from", v))
        .transpose()?
        .unwrap_or(to - DAY_US);
    let h = s
        .app
        .command()
        .coverage_history(&caller.principal, p.org.as_deref(), Period { from, to })
        .await?;
    Ok(axum::Json(CoverageHistoryResponse {
        from: ts(h.period.from),
        to: ts(h.period.to),
        step_s: h.step_us / 1_000_000,
        series: h
            .series
            .into_iter()
            .map(|c| CoverageSeriesView {
                org_id: c.org.id,
                code: c.org.code,
                kind: c.org.kind.as_str().to_owned(),
                name_zh: c.org.name_zh,
                name_en: c.org.name_en,
                points: c
                    .points
                    .into_iter()
                    .map(|pt| CoveragePoint {
                        at: ts(pt.at_us),
                        share_60: pt.shares[0],
                        share_180: pt.shares[1],
                        share_300: pt.shares[2],
                        units_counted: pt.units_counted,
                        samples: pt.samples,
                    })
                    .collect(),
            })
            .collect(),
    }))
}
