//! The demo city's 110 picture on its road network: a site for every org unit, ~700 units
//! with crews spread around their stations, and key sites that must have a force within one
//! minute. Deterministic for a given road network. Sites and key sites go through the setup
//! imports as an admin's would.

use jingwu_command::plans::{PlanDraft, SlotDraft};
use jingwu_command::unit::{UnitKind, UnitStatus};
use jingwu_core::{KeySiteId, OrgKind, UnitId};
use jingwu_routing::SplitMix64;
use jingwu_store::command::{self as q, KeySite, Site, Unit};
use jingwu_store::foundation::orgs::{self, OrgUnit};

use crate::setup::{ImportKind, ImportOptions};
use crate::{App, AppError, RequestCtx, Result};

/// Units per station by kind (12 per station: 672 for 56 stations).
const STATION_UNITS: [(UnitKind, &str, usize); 4] = [
    (UnitKind::PatrolCar, "巡", 6),
    (UnitKind::FootPatrol, "步", 3),
    (UnitKind::Motorcycle, "摩", 2),
    (UnitKind::TrafficUnit, "交", 1),
];
/// City-level armed mobile patrol teams (武装机动巡逻队), the seed's "backbone".
const CITY_ARMED_TEAMS: usize = 8;
/// Traffic units held by each district bureau.
const DISTRICT_TRAFFIC_UNITS: usize = 2;

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "郑",
];
const GIVEN: [&str; 24] = [
    "伟", "磊", "军", "勇", "杰", "涛", "明", "超", "强", "华", "平", "刚", "辉", "鹏", "斌", "宇",
    "浩", "凯", "健", "俊", "敏", "静", "丽", "婷",
];

/// Key-site kinds and their names; each district gets the ones at its index modulo the list.
const KEY_SITES: [(&str, &str, &str); 8] = [
    ("square", "广场", "Square"),
    ("railway_station", "火车站", "Railway station"),
    ("school", "中学", "Middle school"),
    ("hospital", "人民医院", "People's Hospital"),
    ("government", "政府大楼", "Government building"),
    ("mall", "商业中心", "Shopping centre"),
    ("bus_station", "客运中心", "Coach station"),
    ("scenic", "景区", "Scenic area"),
];

#[derive(Debug, Clone, Copy)]
struct Rect {
    lat0: f64,
    lon0: f64,
    lat1: f64,
    lon1: f64,
}

impl Rect {
    fn center(&self) -> (f64, f64) {
        ((self.lat0 + self.lat1) / 2.0, (self.lon0 + self.lon1) / 2.0)
    }

    /// Cell `i` of a `cols x rows` split, row by row.
    fn cell(&self, i: usize, cols: usize, rows: usize) -> Rect {
        let (c, r) = (i % cols, i / cols);
        let dlat = (self.lat1 - self.lat0) / rows as f64;
        let dlon = (self.lon1 - self.lon0) / cols as f64;
        Rect {
            lat0: self.lat0 + dlat * r as f64,
            lon0: self.lon0 + dlon * c as f64,
            lat1: self.lat0 + dlat * (r + 1) as f64,
            lon1: self.lon0 + dlon * (c + 1) as f64,
        }
    }
}

fn grid_for(n: usize) -> (usize, usize) {
    let cols = (n as f64).sqrt().ceil() as usize;
    (cols.max(1), n.div_ceil(cols.max(1)).max(1))
}

impl App {
    /// Places the demo city's sites, units and key sites on the loaded road network; does
    /// nothing when units already exist. Returns the number of units created.
    pub async fn seed_demo_command(&self) -> Result<usize> {
        let roads = self
            .command()
            .roads()
            .ok_or_else(|| AppError::Precondition("no road network is loaded".into()))?;
        let mut conn = self.kernel().read().await?;
        let root = orgs::root(&mut conn)
            .await?
            .ok_or(AppError::Precondition("load the demo city first".into()))?;
        if !q::units_under(&mut conn, &root.path).await?.is_empty() {
            return Ok(0);
        }
        let tree = orgs::subtree(&mut conn, &root.path).await?;
        drop(conn);
        let (lat0, lon0, lat1, lon1) = roads.graph().bbox();
        // Keep a margin so that sites are not on the city's edge.
        let (mlat, mlon) = ((lat1 - lat0) * 0.04, (lon1 - lon0) * 0.04);
        let city = Rect {
            lat0: lat0 + mlat,
            lon0: lon0 + mlon,
            lat1: lat1 - mlat,
            lon1: lon1 - mlon,
        };
        let snap =
            |(lat, lon): (f64, f64)| roads.snap(lat, lon).map(|p| p.point).unwrap_or((lat, lon));

        let districts: Vec<&OrgUnit> = tree
            .iter()
            .filter(|o| o.kind == OrgKind::District)
            .collect();
        let mut sites = vec![Site {
            org_id: root.id.as_str().into(),
            lat: snap(city.center()).0,
            lon: snap(city.center()).1,
            address: format!("{}指挥中心", root.name_zh),
            area_geojson: None,
        }];
        let mut rng = SplitMix64::new(2016);
        let mut units = Vec::new();
        let mut key_sites = Vec::new();
        let now = self.kernel().now_us();
        let (dcols, drows) = (5, districts.len().div_ceil(5).max(1));
        let name = |rng: &mut SplitMix64| {
            let s = SURNAMES[rng.below(SURNAMES.len() as u64) as usize];
            let g = GIVEN[rng.below(GIVEN.len() as u64) as usize];
            format!("{s}{g}")
        };
        for (di, d) in districts.iter().enumerate() {
            let area = city.cell(di, dcols, drows);
            let (lat, lon) = snap(area.center());
            sites.push(Site {
                org_id: d.id.as_str().into(),
                lat,
                lon,
                address: format!("{}机关", d.name_zh),
                area_geojson: None,
            });
            let stations: Vec<&OrgUnit> = tree
                .iter()
                .filter(|o| o.parent_id.as_deref() == Some(d.id.as_str()))
                .collect();
            let (scols, srows) = grid_for(stations.len());
            for (si, s) in stations.iter().enumerate() {
                let cell = area.cell(si, scols, srows);
                let (slat, slon) = snap(cell.center());
                sites.push(Site {
                    org_id: s.id.as_str().into(),
                    lat: slat,
                    lon: slon,
                    address: format!("{}所址", s.name_zh),
                    area_geojson: None,
                });
                let place = s.name_zh.trim_end_matches("派出所");
                let mut n = 0;
                for (kind, tag, count) in STATION_UNITS {
                    for _ in 0..count {
                        n += 1;
                        let jitter =
                            |rng: &mut SplitMix64, a: f64, b: f64| a + (b - a) * rng.next_f64();
                        let pos = snap((
                            jitter(&mut rng, cell.lat0, cell.lat1),
                            jitter(&mut rng, cell.lon0, cell.lon1),
                        ));
                        let mut crew = vec![name(&mut rng), name(&mut rng)];
                        // About one unit in ten is off duty; the demo officer's car is on shift.
                        let mut status = if rng.below(10) == 0 {
                            UnitStatus::OffDuty
                        } else {
                            UnitStatus::Available
                        };
                        if s.code == "33020301" && n == 1 {
                            crew.insert(0, "officer".into());
                            status = UnitStatus::Available;
                        }
                        units.push(unit(
                            &format!("{place}{tag}{n:02}"),
                            kind,
                            s.id.as_str(),
                            status,
                            &crew,
                            pos,
                            now,
                        ));
                    }
                }
            }
            for i in 0..DISTRICT_TRAFFIC_UNITS {
                let pos = snap(area.cell(i + 1, 3, 3).center());
                let crew = vec![name(&mut rng), name(&mut rng)];
                let short = d
                    .name_zh
                    .trim_end_matches("分局")
                    .trim_end_matches("公安局");
                units.push(unit(
                    &format!("{short}交警{:02}", i + 1),
                    UnitKind::TrafficUnit,
                    &d.id,
                    UnitStatus::Available,
                    &crew,
                    pos,
                    now,
                ));
            }
            for k in 0..3 {
                let (kind, zh, en) = KEY_SITES[(di * 3 + k) % KEY_SITES.len()];
                let spot = area.cell(k * 3 + 1, 3, 3);
                let (klat, klon) = snap(spot.center());
                let place = d
                    .name_zh
                    .trim_end_matches("分局")
                    .trim_end_matches("市公安局")
                    .trim_end_matches("县公安局");
                key_sites.push(KeySite {
                    id: KeySiteId::new(),
                    org_id: stations
                        .get(k % stations.len().max(1))
                        .map_or(d.id.as_str(), |s| s.id.as_str())
                        .into(),
                    kind: kind.into(),
                    name_zh: format!("{place}{zh}"),
                    name_en: format!(
                        "{} {en}",
                        d.name_en
                            .replace(" Branch", "")
                            .replace(" City Bureau", "")
                            .replace(" County Bureau", "")
                    ),
                    lat: klat,
                    lon: klon,
                    target_secs: 60,
                });
            }
        }
        for i in 0..CITY_ARMED_TEAMS {
            let pos = snap(city.cell(i, 4, 2).center());
            let crew: Vec<String> = (0..4).map(|_| name(&mut rng)).collect();
            units.push(unit(
                &format!("特巡{:02}", i + 1),
                UnitKind::ArmedPatrolTeam,
                &root.id,
                UnitStatus::Available,
                &crew,
                pos,
                now,
            ));
        }

        let system = self.foundation().system_principal().await?;
        let ctx = RequestCtx::cli();
        // Sites and key sites are set up as an admin would, through the setup imports (each
        // one audited transaction); the units with their crews, duty and first fixes (what
        // the simulated terminals report) in one demo transaction.
        self.demo_import(&system, &ctx, ImportKind::Sites, &sites_csv(&sites, &tree))
            .await?;
        self.demo_import(
            &system,
            &ctx,
            ImportKind::KeySites,
            &key_sites_csv(&key_sites, &tree),
        )
        .await?;
        self.kernel()
            .write(&system, &ctx, async |tx| {
                for u in &units {
                    q::insert_unit(tx.db(), u).await?;
                }
                let detail = serde_json::json!({ "units": units.len() });
                tx.audit(
                    "demo.seed_command",
                    ("org_unit", &root.id),
                    &root.path,
                    detail,
                )
                .await?;
                Ok(units.len())
            })
            .await
    }
}

impl App {
    /// Runs a setup import of the demo's own rows; any refused row is a bug of the demo.
    async fn demo_import(
        &self,
        system: &jingwu_core::Principal,
        ctx: &RequestCtx,
        kind: ImportKind,
        csv: &str,
    ) -> Result<()> {
        let report = self
            .command()
            .import_setup(system, kind, csv.as_bytes(), ImportOptions::default(), ctx)
            .await?;
        match report.errors.first() {
            None => Ok(()),
            Some(e) => Err(AppError::Internal(format!(
                "demo {} refused at line {}: {} {}",
                kind.as_str(),
                e.line,
                e.field,
                e.message
            ))),
        }
    }
}

/// A CSV field, quoted (names may hold commas or quotes).
fn field(v: &str) -> String {
    format!("\"{}\"", v.replace('"', "\"\""))
}

/// The org code of an org unit id (the imports name org units by code).
fn code_of<'a>(tree: &'a [OrgUnit], org_id: &'a str) -> &'a str {
    tree.iter()
        .find(|o| o.id == org_id)
        .map_or(org_id, |o| o.code.as_str())
}

fn sites_csv(sites: &[Site], tree: &[OrgUnit]) -> String {
    let mut csv = String::from("org_code,lat,lon,address\n");
    for s in sites {
        csv.push_str(&format!(
            "{},{},{},{}\n",
            code_of(tree, s.org_id.as_str()),
            s.lat,
            s.lon,
            field(&s.address)
        ));
    }
    csv
}

fn key_sites_csv(key_sites: &[KeySite], tree: &[OrgUnit]) -> String {
    let mut csv = String::from("org_code,kind,name_zh,name_en,lat,lon,target_secs\n");
    for k in key_sites {
        csv.push_str(&format!(
            "{},{},{},{},{},{},{}\n",
            code_of(tree, k.org_id.as_str()),
            k.kind,
            field(&k.name_zh),
            field(&k.name_en),
            k.lat,
            k.lon,
            k.target_secs
        ));
    }
    csv
}

/// The demo city's response plans, all the city's: (name, category, sub-category, priority,
/// slots as (unit kind, count), agencies to notify).
type DemoPlan = (
    &'static str,
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    &'static [(&'static str, i64)],
    &'static [&'static str],
);
const DEMO_PLANS: [DemoPlan; 5] = [
    (
        "持械抢劫一级处置",
        "criminal",
        Some("robbery"),
        Some("p1"),
        &[("patrol_car", 2), ("armed_patrol_team", 1)],
        &["ambulance_120"],
    ),
    (
        "持刀伤人处置",
        "criminal",
        Some("stabbing"),
        None,
        &[("patrol_car", 2), ("armed_patrol_team", 1)],
        &["ambulance_120"],
    ),
    (
        "伤人交通事故处置",
        "traffic",
        Some("injury_collision"),
        None,
        &[("traffic_unit", 1), ("patrol_car", 1)],
        &["ambulance_120", "traffic_police"],
    ),
    (
        "火灾现场警戒",
        "fire_rescue",
        None,
        None,
        &[("patrol_car", 1)],
        &["fire_119", "ambulance_120"],
    ),
    (
        "聚集事件处置",
        "public_order",
        Some("gathering"),
        None,
        &[("patrol_car", 2), ("foot_patrol", 2)],
        &["city_management"],
    ),
];

impl App {
    /// Registers the demo city's response plans through the plans use case (audited); does
    /// nothing when the city has plans. Returns the number created.
    pub async fn seed_demo_plans(&self) -> Result<usize> {
        let system = self.foundation().system_principal().await?;
        if !self.command().list_plans(&system).await?.is_empty() {
            return Ok(0);
        }
        let ctx = RequestCtx::cli();
        for (name, category, subcategory, priority, slots, agencies) in DEMO_PLANS {
            let draft = PlanDraft {
                name: name.into(),
                category: category.into(),
                subcategory: subcategory.map(Into::into),
                priority: priority.map(Into::into),
                slots: slots
                    .iter()
                    .map(|(kind, count)| SlotDraft {
                        kind: (*kind).into(),
                        count: *count,
                        equipment: Vec::new(),
                    })
                    .collect(),
                agencies: agencies.iter().map(|a| (*a).into()).collect(),
            };
            self.command()
                .create_plan(&system, None, &draft, &ctx)
                .await?;
        }
        Ok(DEMO_PLANS.len())
    }
}

fn unit(
    call_sign: &str,
    kind: UnitKind,
    org_id: &str,
    status: UnitStatus,
    crew: &[String],
    pos: (f64, f64),
    now: i64,
) -> Unit {
    Unit {
        id: UnitId::new(),
        call_sign: call_sign.into(),
        kind,
        org_id: org_id.into(),
        status,
        status_since: now,
        incident_id: None,
        crew: crew.to_vec(),
        travel_mode: kind.usual_travel_mode(),
        equipment: Vec::new(),
        lat: Some(pos.0),
        lon: Some(pos.1),
        position_at: Some(now),
        created_at: now,
    }
}
