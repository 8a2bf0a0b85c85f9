//! 110 statistics (capability 9): counts, time to acknowledge / arrive / close as nearest-rank
//! p50 and p90, shares arriving within 1/3/5 minutes, the Ankang bulletin buckets, on-scene
//! handling compliance (规范率), comparison of two periods and CSV export.
//!
//! The figures themselves are `jingwu_command::stats`; this module only maps stored incidents
//! to its records ([`records_of`]) and groups them. Conventions:
//! * an incident belongs to the period in which it was **created**, and to its current owning
//!   station;
//! * merged duplicates are left out (they are the same event as their survivor);
//! * the bulletin's "feedback" (反馈) instant is the closing instant (the result is fed back
//!   when the incident is closed);
//! * scene photos for compliance are the photos linked to the incident through scene media
//!   ([`jingwu_store::command::stats::SCENE_PHOTOS_SQL`]).

use std::collections::BTreeMap;

use jingwu_command::response::IncidentTimes;
use jingwu_command::stats::{
    self, Bulletin, ClosingReport, ComplianceRule, ComplianceSummary, GroupSummary, IncidentRecord,
    PeriodComparison, PeriodFigures, Table,
};
use jingwu_command::taxonomy::{Category, Priority};
use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_store::command::stats::{self as sq, StatsRow};
use jingwu_store::foundation::orgs;

use super::Command;
use crate::{AppError, Result};

/// China Standard Time, for calendar days.
const CST_OFFSET_S: i64 = 8 * 3600;

/// Longest period one statistics request may cover.
pub const MAX_STATS_PERIOD_DAYS: i64 = 400;

/// How incidents are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatsGroupBy {
    Station,
    Category,
    Priority,
    /// Calendar day in China Standard Time.
    Day,
    /// Week (Monday to Sunday) in China Standard Time, keyed by its Monday.
    Week,
    /// District bureau (分局): the district above the owning station (an incident owned
    /// above district level is its own group).
    District,
}

impl StatsGroupBy {
    pub const ALL: [StatsGroupBy; 6] = [
        StatsGroupBy::Station,
        StatsGroupBy::Category,
        StatsGroupBy::Priority,
        StatsGroupBy::Day,
        StatsGroupBy::Week,
        StatsGroupBy::District,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            StatsGroupBy::Station => "station",
            StatsGroupBy::Category => "category",
            StatsGroupBy::Priority => "priority",
            StatsGroupBy::Day => "day",
            StatsGroupBy::Week => "week",
            StatsGroupBy::District => "district",
        }
    }

    pub fn parse(s: &str) -> Option<StatsGroupBy> {
        Self::ALL.into_iter().find(|g| g.as_str() == s)
    }
}

/// A period `[from, to)` in µs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: i64,
    pub to: i64,
}

/// One group's figures.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsGroup {
    /// Org id (station), category code, priority code or `YYYY-MM-DD` (day).
    pub key: String,
    /// Human label (org or category name in Chinese; the day itself).
    pub label: String,
    pub summary: GroupSummary,
    pub compliance: ComplianceSummary,
}

/// Statistics of the incidents owned in one jurisdiction over one period.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentStats {
    /// Org whose subtree was counted.
    pub org_id: String,
    pub period: Period,
    pub group_by: StatsGroupBy,
    pub groups: Vec<StatsGroup>,
    /// All groups together.
    pub total: StatsGroup,
    pub bulletin: Bulletin,
    pub rule: ComplianceRule,
}

impl IncidentStats {
    /// The CSV table: `jingwu_command`'s summary columns, with the label after the key and the
    /// compliance figures at the end; one row per group, then a `total` row.
    pub fn to_table(&self) -> Table {
        let all: Vec<&StatsGroup> = self.groups.iter().chain([&self.total]).collect();
        let by_pos: BTreeMap<usize, GroupSummary> = all
            .iter()
            .enumerate()
            .map(|(i, g)| (i, g.summary.clone()))
            .collect();
        let mut t = stats::summary_table(self.group_by.as_str(), &by_pos);
        t.header.insert(1, "label".into());
        t.header.extend(
            ["compliance_closed", "compliant", "compliance_pct"]
                .into_iter()
                .map(String::from),
        );
        for (row, g) in t.rows.iter_mut().zip(&all) {
            if let Some(first) = row.first_mut() {
                first.clone_from(&g.key);
            }
            row.insert(1, g.label.clone());
            row.push(g.compliance.closed.to_string());
            row.push(g.compliance.compliant.to_string());
            row.push(
                g.compliance
                    .rate_pct
                    .map(|v| format!("{v:.1}"))
                    .unwrap_or_default(),
            );
        }
        t
    }
}

/// Maps stored incidents to the records of `jingwu_command::stats` (times and closing
/// fields). Pure; the feedback instant is the closing instant.
pub fn records_of(rows: &[StatsRow]) -> Result<Vec<(IncidentRecord, ClosingReport)>> {
    rows.iter()
        .map(|r| {
            let category = r.category;
            let subcategory = r.subcategory;
            let priority = r.priority;
            let times = IncidentTimes {
                created: r.created_at,
                dispatched: r.dispatched_at,
                acknowledged: r.acknowledged_at,
                en_route: r.en_route_at,
                on_scene: r.on_scene_at,
                closed: r.closed_at,
            };
            let record = IncidentRecord {
                id: r.id.to_string(),
                station: r.org_id.to_string(),
                category,
                subcategory,
                priority,
                times,
                feedback: r.closed_at,
            };
            let report = ClosingReport {
                category,
                closed: r.closed_at.is_some(),
                dispatched: r.dispatched_at.is_some(),
                arrived: r.on_scene_at.is_some(),
                result_code: r.result_code.clone(),
                result_text: r.result_text.clone().unwrap_or_default(),
                scene_photos: u32::try_from(r.scene_photos.max(0)).unwrap_or(u32::MAX),
            };
            Ok((record, report))
        })
        .collect()
}

/// The grouping key of a record.
fn key_of(group_by: StatsGroupBy, r: &IncidentRecord) -> String {
    match group_by {
        // District records carry their district in `station` (see `incident_stats`).
        StatsGroupBy::Station | StatsGroupBy::District => r.station.clone(),
        StatsGroupBy::Category => r.category.as_str().into(),
        StatsGroupBy::Priority => r.priority.as_str().into(),
        StatsGroupBy::Day => day_label(stats::day_index(r.times.created, CST_OFFSET_S)),
        // 1970-01-05, day 4, was the first Monday.
        StatsGroupBy::Week => day_label(stats::week_index(r.times.created, CST_OFFSET_S) * 7 + 4),
    }
}

/// The district bureau an org lies in: the org of the subtree (`names`: id → (path, name))
/// whose path is the shortest below the city's and a prefix of the org's — the org itself
/// when it is the city or unknown.
fn district_of(names: &BTreeMap<String, (String, String)>, org_id: &str) -> String {
    let Some((path, _)) = names.get(org_id) else {
        return org_id.to_string();
    };
    // Materialized paths: `/city/district/station/`; the district's is the first two levels.
    let district_path: String = path
        .split_terminator('/')
        .skip(1)
        .take(2)
        .fold(String::from("/"), |acc, seg| format!("{acc}{seg}/"));
    names
        .iter()
        .find(|(_, (p, _))| *p == district_path)
        .map(|(id, _)| id.clone())
        .unwrap_or_else(|| org_id.to_string())
}

/// `YYYY-MM-DD` of a day index (days since 1970-01-01).
fn day_label(day: i64) -> String {
    let mut s = jingwu_command::rfc3339_utc(day * 86_400 * jingwu_command::US_PER_S);
    s.truncate(10);
    s
}

/// Groups records and computes every figure. `label` names a key (org names for stations).
pub fn group_figures(
    records: &[(IncidentRecord, ClosingReport)],
    group_by: StatsGroupBy,
    rule: &ComplianceRule,
    label: impl Fn(&str) -> String,
) -> (Vec<StatsGroup>, StatsGroup, Bulletin) {
    let plain: Vec<IncidentRecord> = records.iter().map(|(r, _)| r.clone()).collect();
    let summaries = stats::summarize(&plain, |r| key_of(group_by, r));
    let mut reports: BTreeMap<String, Vec<ClosingReport>> = BTreeMap::new();
    for (r, c) in records {
        reports
            .entry(key_of(group_by, r))
            .or_default()
            .push(c.clone());
    }
    let groups = summaries
        .into_iter()
        .map(|(key, summary)| StatsGroup {
            label: label(&key),
            compliance: stats::compliance(
                rule,
                reports.get(&key).map(Vec::as_slice).unwrap_or_default(),
            ),
            key,
            summary,
        })
        .collect();
    let all_reports: Vec<ClosingReport> = records.iter().map(|(_, c)| c.clone()).collect();
    let total = StatsGroup {
        key: "total".into(),
        label: "合计".into(),
        summary: stats::summarize(&plain, |_| ())
            .remove(&())
            .unwrap_or_default(),
        compliance: stats::compliance(rule, &all_reports),
    };
    (groups, total, stats::bulletin(&plain))
}

impl Command<'_> {
    /// The default statistics period: the last 7 days up to now (the injected clock).
    pub fn default_stats_period(&self) -> Period {
        let to = self.now_us();
        Period {
            from: to - 7 * 86_400 * jingwu_command::US_PER_S,
            to,
        }
    }

    /// The subtree statistics are computed for: the caller's own, or a unit inside it named
    /// with `org` (outside → 403 `out_of_scope`).
    pub(super) async fn stats_scope(
        &self,
        who: &Principal,
        org: Option<&str>,
    ) -> Result<orgs::OrgUnit> {
        authorize(who, Action::ReadStats, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let id = org.unwrap_or(&who.org_id);
        let mut conn = self.k().read().await?;
        let unit = orgs::get(&mut conn, id).await?.ok_or_else(|| {
            AppError::invalid(
                "org",
                jingwu_core::problem_codes::field::ORG_UNKNOWN.code,
                "no such org unit",
            )
        })?;
        authorize(who, Action::ReadStats, Scope::Org(&unit.path))
            .map_err(AppError::denied_scope)?;
        Ok(unit)
    }

    fn check_period(field: &str, p: Period) -> Result<()> {
        let max = MAX_STATS_PERIOD_DAYS * 86_400 * jingwu_command::US_PER_S;
        if p.to <= p.from || p.to - p.from > max {
            return Err(AppError::invalid(
                field,
                jingwu_command::error_codes::field::PERIOD_RANGE.code,
                format!("`to` must be after `from`, at most {MAX_STATS_PERIOD_DAYS} days later"),
            ));
        }
        Ok(())
    }

    async fn period_records(
        &self,
        scope: &orgs::OrgUnit,
        p: Period,
    ) -> Result<Vec<(IncidentRecord, ClosingReport)>> {
        let mut conn = self.k().read().await?;
        let rows = sq::incident_rows(&mut conn, &scope.path, p.from, p.to).await?;
        records_of(&rows)
    }

    /// Statistics of the incidents owned in the caller's jurisdiction (or the sub-unit `org`)
    /// created in `period`, grouped by `group_by`.
    pub async fn incident_stats(
        &self,
        who: &Principal,
        org: Option<&str>,
        period: Period,
        group_by: StatsGroupBy,
    ) -> Result<IncidentStats> {
        let scope = self.stats_scope(who, org).await?;
        Self::check_period("to", period)?;
        let mut records = self.period_records(&scope, period).await?;
        let by_org = matches!(group_by, StatsGroupBy::Station | StatsGroupBy::District);
        let names: BTreeMap<String, (String, String)> = if by_org {
            let mut conn = self.k().read().await?;
            orgs::subtree(&mut conn, &scope.path)
                .await?
                .into_iter()
                .map(|o| (o.id, (o.path, o.name_zh)))
                .collect()
        } else {
            BTreeMap::new()
        };
        if group_by == StatsGroupBy::District {
            for (r, _) in &mut records {
                r.station = district_of(&names, &r.station);
            }
        }
        let rule = ComplianceRule::default();
        let label = |key: &str| match group_by {
            StatsGroupBy::Station | StatsGroupBy::District => {
                names.get(key).map(|n| n.1.clone()).unwrap_or_default()
            }
            StatsGroupBy::Category => Category::parse(key)
                .map(|c| c.label_zh().to_string())
                .unwrap_or_default(),
            StatsGroupBy::Priority => Priority::parse(key)
                .map(|p| p.label_zh().to_string())
                .unwrap_or_default(),
            StatsGroupBy::Day | StatsGroupBy::Week => key.to_string(),
        };
        let (mut groups, total, bulletin) = group_figures(&records, group_by, &rule, label);
        if by_org {
            // Stations in tree order (a district before its stations).
            groups.sort_by(|a, b| {
                let path = |k: &str| names.get(k).map(|n| n.0.clone()).unwrap_or_default();
                path(&a.key).cmp(&path(&b.key))
            });
        }
        Ok(IncidentStats {
            org_id: scope.id,
            period,
            group_by,
            groups,
            total,
            bulletin,
            rule,
        })
    }

    /// Period `a` (before) against period `b` (after) for the caller's jurisdiction (or
    /// `org`): incident counts and the compliance rate (see `jingwu_command::stats::compare`).
    pub async fn compare_periods(
        &self,
        who: &Principal,
        org: Option<&str>,
        a: Period,
        b: Period,
    ) -> Result<PeriodComparison> {
        let scope = self.stats_scope(who, org).await?;
        Self::check_period("a_to", a)?;
        Self::check_period("b_to", b)?;
        let rule = ComplianceRule::default();
        let mut figures = Vec::with_capacity(2);
        for p in [a, b] {
            let records = self.period_records(&scope, p).await?;
            let reports: Vec<ClosingReport> = records.iter().map(|(_, c)| c.clone()).collect();
            let c = stats::compliance(&rule, &reports);
            figures.push(PeriodFigures {
                incidents: records.len() as u64,
                closed: c.closed,
                compliant: c.compliant,
            });
        }
        let (before, after) = (figures[0], figures[1]);
        Ok(stats::compare(before, after))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    const S: i64 = jingwu_command::US_PER_S;

    /// An incident created at `t0` and dispatched 10 s later, with its acknowledgement and
    /// arrival `ack` and `arrive` seconds after dispatch, closed an hour after creation.
    fn row(id: &str, org: &str, cat: &str, sub: &str, ack: i64, arrive: i64) -> StatsRow {
        let t0 = 1_767_225_600 * S; // 2026-01-01T00:00:00Z = 08:00 CST
        let d = t0 + 10 * S;
        StatsRow {
            id: id.into(),
            org_id: org.into(),
            category: jingwu_command::taxonomy::Category::parse(cat).unwrap(),
            subcategory: jingwu_command::taxonomy::Subcategory::parse(sub).unwrap(),
            priority: jingwu_command::taxonomy::Priority::parse("p2").unwrap(),
            status: jingwu_command::incident::IncidentStatus::Closed,
            created_at: t0,
            dispatched_at: Some(d),
            acknowledged_at: Some(d + ack * S),
            en_route_at: Some(d + ack * S),
            on_scene_at: Some(d + arrive * S),
            closed_at: Some(t0 + 3600 * S),
            result_code: Some("10".into()),
            result_text: Some("现场查明系邻里纠纷，已当场调解完毕".into()),
            scene_photos: 0,
        }
    }

    #[test]
    fn rows_map_to_records_and_figures_with_fixed_numbers() {
        let rows: Vec<StatsRow> = (1..=10)
            .map(|i| {
                row(
                    &format!("i{i}"),
                    if i <= 6 { "gulou" } else { "yuehu" },
                    "dispute",
                    "neighbour_dispute",
                    i * 5,
                    i * 40,
                )
            })
            .collect();
        let records = records_of(&rows).unwrap();
        assert_eq!(
            records[0].0.times.dispatched,
            Some(rows[0].created_at + 10 * S)
        );
        assert_eq!(records[0].0.feedback, rows[0].closed_at);
        assert_eq!(records[0].1.scene_photos, 0);
        let rule = ComplianceRule::default();
        let (groups, total, bulletin) =
            group_figures(&records, StatsGroupBy::Station, &rule, |k: &str| {
                k.to_uppercase()
            });
        assert_eq!(groups.len(), 2);
        assert_eq!(groups[0].key, "gulou");
        assert_eq!(groups[0].label, "GULOU");
        assert_eq!(groups[0].summary.count, 6);
        let t = &total.summary;
        assert_eq!(t.count, 10);
        // Arrivals 40, 80, …, 400 s: nearest-rank p50 is the 5th (200 s), p90 the 9th (360 s).
        assert_eq!(t.arrive_p50_us, Some(200 * S));
        assert_eq!(t.arrive_p90_us, Some(360 * S));
        assert_eq!(t.acknowledge_p50_us, Some(25 * S));
        assert_eq!(t.acknowledge_p90_us, Some(45 * S));
        assert_eq!(t.close_p50_us, Some(3600 * S));
        // ≤ 60 s: 40 → 1 of 10; ≤ 180 s: 4; ≤ 300 s: 7.
        assert_eq!(t.within_60s, Some(0.1));
        assert_eq!(t.within_180s, Some(0.4));
        assert_eq!(t.within_300s, Some(0.7));
        // Acknowledged within 30 s: 5..30 → 6; 35..50 → 30–60 s band.
        assert_eq!(bulletin.acknowledge, vec![6, 4, 0, 0, 0]);
        // Disputes need no photo: all compliant.
        assert_eq!(total.compliance.compliant, 10);
        assert_eq!(total.compliance.rate_pct, Some(100.0));
    }

    #[test]
    fn photo_categories_are_not_compliant_without_photos_and_days_group_in_cst() {
        let mut rows = vec![
            row("a", "o", "criminal", "theft", 5, 50),
            row("b", "o", "dispute", "neighbour_dispute", 5, 50),
        ];
        rows[1].created_at -= 9 * 3600 * S; // 2025-12-31T23:00 CST
        rows[1].dispatched_at = Some(rows[1].created_at + S);
        let records = records_of(&rows).unwrap();
        let rule = ComplianceRule::default();
        let (groups, total, _) =
            group_figures(&records, StatsGroupBy::Day, &rule, |k: &str| k.to_string());
        let keys: Vec<&str> = groups.iter().map(|g| g.key.as_str()).collect();
        assert_eq!(keys, ["2025-12-31", "2026-01-01"]);
        assert_eq!(total.compliance.closed, 2);
        assert_eq!(total.compliance.compliant, 1);
        let s = IncidentStats {
            org_id: "o".into(),
            period: Period { from: 0, to: 1 },
            group_by: StatsGroupBy::Day,
            groups,
            total,
            bulletin: stats::bulletin(&[]),
            rule,
        };
        let t = s.to_table();
        assert_eq!(t.header[0], "day");
        assert_eq!(t.header[1], "label");
        assert_eq!(t.header.last().unwrap(), "compliance_pct");
        assert_eq!(t.rows.len(), 3);
        assert_eq!(t.rows[2][0], "total");
        assert_eq!(t.rows[2].last().unwrap(), "50.0");
        assert!(t.rows.iter().all(|r| r.len() == t.header.len()));
    }
}
