//! Imports of sites, posts, units, shifts, key sites and layer sources (CSV) and station areas (GeoJSON),
//! through the API and the CLI. Every row is checked as its single-object request would be
//! (the same `plan_*` functions); every bad row is reported by line, field and code.
//!
//! Nothing is imported unless every row is good; `partial` imports the good rows and reports
//! the bad ones; `dry_run` checks everything and writes nothing (no audit entry either).

use std::collections::BTreeSet;

use jingwu_command::area::parse_areas;
use jingwu_command::setup::{Problem, RowError, rows};
use jingwu_core::{Principal, path_contains};
use jingwu_store::command::layers::{self as lq, Feature};
use jingwu_store::command::{self as q, KeySite, Post, Shift, Site, Unit};
use jingwu_store::{Conn, WriteTx};

use super::key_sites::{KeySiteInput, plan_key_site};
use super::posts::{PostInput, plan_post, write_post};
use super::roster::{ShiftInput, follow_roster, plan_shift};
use super::sites::{SiteInput, plan_site};
use super::sources::{SourceInput, ensure_camera_layers, plan_source};
use super::units::plan_unit;
use super::{may_set_up, row_org, station_only};
use crate::command::Command;
use crate::{AppError, FieldError, RequestCtx, Result};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportKind {
    Sites,
    Posts,
    Units,
    Shifts,
    KeySites,
    /// Cameras and other point sources of the map's layers.
    Sources,
    /// Station areas: a GeoJSON FeatureCollection with `properties.org_code`.
    Areas,
}

impl ImportKind {
    pub const ALL: [ImportKind; 7] = [
        ImportKind::Sites,
        ImportKind::Posts,
        ImportKind::Units,
        ImportKind::Shifts,
        ImportKind::KeySites,
        ImportKind::Sources,
        ImportKind::Areas,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            ImportKind::Sites => "sites",
            ImportKind::Posts => "posts",
            ImportKind::Units => "units",
            ImportKind::Shifts => "shifts",
            ImportKind::KeySites => "key_sites",
            ImportKind::Sources => "sources",
            ImportKind::Areas => "areas",
        }
    }

    pub fn parse(v: &str) -> Option<ImportKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == v)
    }

    /// Areas are GeoJSON; the rest CSV.
    pub const fn is_geojson(self) -> bool {
        matches!(self, ImportKind::Areas)
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Import the good rows even when some are bad.
    pub partial: bool,
}

/// What an import found and did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// Rows read (CSV lines after the header, or features).
    pub rows: usize,
    /// Rows that passed every check.
    pub valid: usize,
    /// Rows written (0 on a dry run).
    pub imported: usize,
    pub errors: Vec<RowError>,
}

/// A checked row, ready to write.
enum Planned {
    Site(Site),
    Post(Post),
    Unit(Unit, Option<String>),
    Shift(Shift),
    KeySite(KeySite),
    Source(Feature),
}

struct Plan {
    rows: usize,
    good: Vec<(usize, Planned)>,
    errors: Vec<RowError>,
}

impl Plan {
    fn bad(&mut self, line: usize, problems: Vec<Problem>) {
        self.errors
            .extend(problems.into_iter().map(|p| RowError::new(line, p)));
    }
}

/// Checks every row of `body` against the database as seen through `db`.
async fn plan(
    db: &mut impl Conn,
    who: &Principal,
    kind: ImportKind,
    body: &[u8],
    now: i64,
) -> Result<Plan> {
    macro_rules! start {
        ($parsed:expr) => {{
            let parsed = $parsed;
            let plan = Plan {
                rows: parsed.lines(),
                good: Vec::new(),
                errors: parsed.errors,
            };
            (plan, parsed.rows)
        }};
    }
    macro_rules! org_or_skip {
        ($plan:ident, $line:expr, $code:expr) => {
            match row_org(db, who, $code).await? {
                Ok(o) => o,
                Err(p) => {
                    $plan.bad($line, vec![p]);
                    continue;
                }
            }
        };
    }
    let plan = match kind {
        ImportKind::Sites => {
            let (mut plan, rows) = start!(rows::parse_sites(body));
            for (line, r) in rows {
                let org = org_or_skip!(plan, line, &r.org_code);
                let before = q::get_site(db, &org.id).await?;
                let input = SiteInput {
                    lat: r.lat,
                    lon: r.lon,
                    address: r.address,
                };
                match plan_site(before, &org, &input) {
                    Ok(s) => plan.good.push((line, Planned::Site(s))),
                    Err(p) => plan.bad(line, p),
                }
            }
            plan
        }
        ImportKind::Posts => {
            let (mut plan, rows) = start!(rows::parse_posts(body));
            for (line, r) in rows {
                let org = org_or_skip!(plan, line, &r.org_code);
                let input = PostInput {
                    name: r.name,
                    lat: r.lat,
                    lon: r.lon,
                };
                match plan_post(db, &org, &input, now).await? {
                    Ok(p) => plan.good.push((line, Planned::Post(p))),
                    Err(p) => plan.bad(line, p),
                }
            }
            plan
        }
        ImportKind::Units => {
            let (mut plan, rows) = start!(rows::parse_units(body));
            for (line, r) in rows {
                let org = org_or_skip!(plan, line, &r.org_code);
                match plan_unit(db, &org, &r, None, now).await? {
                    Ok((u, post)) => plan.good.push((line, Planned::Unit(u, post))),
                    Err(p) => plan.bad(line, p),
                }
            }
            plan
        }
        ImportKind::Shifts => {
            let (mut plan, rows) = start!(rows::parse_shifts(body));
            let mut planned: Vec<Shift> = Vec::new();
            for (line, r) in rows {
                let unit = q::unit_by_call_sign(db, &r.call_sign)
                    .await?
                    .filter(|u| path_contains(&who.org_path, &u.org_path));
                let retired = match &unit {
                    Some(u) => q::unit_setup(db, u.unit.id.as_str())
                        .await?
                        .retired_at
                        .is_some(),
                    None => false,
                };
                let Some(unit) = unit.filter(|_| !retired) else {
                    plan.bad(
                        line,
                        vec![(
                            "call_sign".into(),
                            jingwu_command::error_codes::field::UNIT_UNKNOWN.code,
                            format!("no unit {} in service in your jurisdiction", r.call_sign),
                        )],
                    );
                    continue;
                };
                let input = ShiftInput {
                    unit_id: unit.unit.id.to_string(),
                    starts_at: r.starts_at,
                    ends_at: r.ends_at,
                    crew: r.crew,
                };
                match plan_shift(db, who, &unit, &input, &planned, now).await? {
                    Ok(s) => {
                        planned.push(s.clone());
                        plan.good.push((line, Planned::Shift(s)));
                    }
                    Err(p) => plan.bad(line, p),
                }
            }
            plan
        }
        ImportKind::KeySites => {
            let (mut plan, rows) = start!(rows::parse_key_sites(body));
            for (line, r) in rows {
                let org = org_or_skip!(plan, line, &r.org_code);
                let input = KeySiteInput {
                    org: org.id.clone(),
                    kind: r.kind,
                    name_zh: r.name_zh,
                    name_en: r.name_en,
                    lat: r.lat,
                    lon: r.lon,
                    target_secs: r.target_secs,
                };
                match plan_key_site(db, &org, &input, None).await? {
                    Ok(k) => plan.good.push((line, Planned::KeySite(k))),
                    Err(p) => plan.bad(line, p),
                }
            }
            plan
        }
        ImportKind::Sources => {
            let (mut plan, rows) = start!(rows::parse_sources(body));
            for (line, r) in rows {
                let org = org_or_skip!(plan, line, &r.org_code);
                let input = SourceInput {
                    layer: r.layer,
                    code: r.code,
                    name: r.name,
                    lat: r.lat,
                    lon: r.lon,
                    url: r.url.unwrap_or_default(),
                    org: org.id.clone(),
                };
                // A code repeated in the file is caught by the parser; one taken in the
                // database updates nothing silently: it is refused like a single create.
                match plan_source(db, &org, &input, None, now).await? {
                    Ok((f, _)) => plan.good.push((line, Planned::Source(f))),
                    Err(p) => plan.bad(line, p),
                }
            }
            plan
        }
        ImportKind::Areas => {
            let (mut plan, rows) = start!(parse_areas(body));
            for (line, r) in rows {
                let org = match row_org(db, who, &r.org_code).await? {
                    Ok(o) => o,
                    Err((_, code, m)) => {
                        plan.bad(line, vec![("properties.org_code".into(), code, m)]);
                        continue;
                    }
                };
                if let Err(p) = station_only(&org, "properties.org_code") {
                    plan.bad(line, vec![p]);
                    continue;
                }
                match q::get_site(db, &org.id).await? {
                    Some(site) => plan.good.push((
                        line,
                        Planned::Site(Site {
                            area_geojson: Some(r.geometry),
                            ..site
                        }),
                    )),
                    None => plan.bad(
                        line,
                        vec![(
                            "properties.org_code".into(),
                            jingwu_command::error_codes::field::REQUIRED.code,
                            format!("place the site of {} first", org.code),
                        )],
                    ),
                }
            }
            plan
        }
    };
    let mut plan = plan;
    plan.errors.sort_by_key(|e| e.line);
    Ok(plan)
}

/// Writes the planned rows; returns the units whose roster may have changed.
async fn write(db: &mut WriteTx, good: &[(usize, Planned)]) -> Result<BTreeSet<String>> {
    let mut rostered = BTreeSet::new();
    for (_, p) in good {
        match p {
            Planned::Site(s) => q::upsert_site(db, s).await?,
            Planned::Post(p) => write_post(db, p).await?,
            Planned::Unit(u, post) => {
                q::insert_unit(db, u).await?;
                q::update_unit_standing(db, u, post.as_deref()).await?;
            }
            Planned::Shift(s) => {
                q::insert_shift(db, s).await?;
                rostered.insert(s.unit_id.to_string());
            }
            Planned::KeySite(k) => q::insert_key_site(db, k).await?,
            Planned::Source(f) => {
                lq::upsert_feature(db, f).await?;
            }
        }
    }
    Ok(rostered)
}

fn object_id(p: &Planned) -> String {
    match p {
        Planned::Site(s) => s.org_id.to_string(),
        Planned::Post(p) => p.id.clone(),
        Planned::Unit(u, _) => u.id.to_string(),
        Planned::Shift(s) => s.id.clone(),
        Planned::KeySite(k) => k.id.to_string(),
        Planned::Source(f) => f.id.to_string(),
    }
}

impl Command<'_> {
    /// Imports a file of `kind` (see the module documentation for the options).
    pub async fn import_setup(
        &self,
        who: &Principal,
        kind: ImportKind,
        body: &[u8],
        opts: ImportOptions,
        ctx: &RequestCtx,
    ) -> Result<ImportReport> {
        may_set_up(who)?;
        if opts.dry_run {
            let mut conn = self.k().read().await?;
            let p = plan(&mut conn, who, kind, body, self.now_us()).await?;
            return Ok(ImportReport {
                rows: p.rows,
                valid: p.good.len(),
                imported: 0,
                errors: p.errors,
            });
        }
        self.k()
            .write(who, ctx, async |tx| {
                let now = tx.now_us();
                if kind == ImportKind::Sources {
                    ensure_camera_layers(tx.db(), now).await?;
                }
                let p = plan(tx.db(), who, kind, body, now).await?;
                if !p.errors.is_empty() && !opts.partial {
                    return Err(AppError::Validation(
                        p.errors
                            .iter()
                            .map(|e| {
                                FieldError::new(
                                    &format!("line {}: {}", e.line, e.field),
                                    e.code,
                                    &e.message,
                                )
                            })
                            .collect(),
                    ));
                }
                let rostered = write(tx.db(), &p.good).await?;
                for unit_id in &rostered {
                    follow_roster(tx.db(), who, unit_id, now).await?;
                }
                tx.audit(
                    "command.setup.import",
                    ("setup_import", ctx.request_id.as_str()),
                    &who.org_path,
                    serde_json::json!({
                        "kind": kind.as_str(),
                        "rows": p.rows,
                        "imported": p.good.len(),
                        "rejected_lines": p.errors.iter().map(|e| e.line).collect::<BTreeSet<_>>(),
                        "ids": p.good.iter().map(|(_, g)| object_id(g)).collect::<Vec<_>>(),
                    }),
                )
                .await?;
                for unit_id in rostered {
                    tx.publish(crate::LiveEvent::Unit {
                        unit_id,
                        org_path: who.org_path.clone(),
                    });
                }
                Ok(ImportReport {
                    rows: p.rows,
                    valid: p.good.len(),
                    imported: p.good.len(),
                    errors: p.errors,
                })
            })
            .await
            .inspect(|_| {
                if matches!(kind, ImportKind::Sites | ImportKind::Areas) {
                    self.station_areas_changed();
                }
            })
    }
}
