//! The demo's living command centre: incidents keep arriving at plausible places, the city
//! dispatcher sends the best-placed unit, units drive their routes, arrive, handle and close,
//! and units on patrol keep reporting positions. Everything goes through the ordinary use
//! cases (audited, scoped, pushed to terminals), acting as the demo `dispatcher` account.

use std::time::Duration;

use jingwu_command::unit::UnitStatus;
use jingwu_core::{IncidentId, Principal};
use jingwu_routing::SplitMix64;
use jingwu_store::foundation::users;

use crate::{App, AppError, Fix, NewIncident, RequestCtx, Result};

/// (category, subcategory, priority, what the caller says, result text).
pub(super) const SCENARIOS: [(&str, &str, &str, &str, &str); 14] = [
    (
        "criminal",
        "theft",
        "p3",
        "电动车电瓶被盗，请求民警到场",
        "已到场勘查并登记，告知报警人后续侦查进展查询方式",
    ),
    (
        "criminal",
        "snatching",
        "p1",
        "路边有人抢手机后向东跑了",
        "到场后组织周边搜索，调取监控，已移交刑侦跟进",
    ),
    (
        "criminal",
        "fraud",
        "p3",
        "接到冒充客服电话被骗转账",
        "已到场登记受案，指导报警人联系银行止付",
    ),
    (
        "public_order",
        "fight",
        "p2",
        "烧烤店门口有人打架",
        "到场制止双方冲突，双方已带回派出所调解",
    ),
    (
        "public_order",
        "noise",
        "p4",
        "楼上深夜装修噪音扰民",
        "到场劝说施工方停止夜间施工，已恢复安静",
    ),
    (
        "public_order",
        "disturbance",
        "p3",
        "醉酒男子在商店内吵闹",
        "到场将醉酒人员劝离，联系其家属接回",
    ),
    (
        "traffic",
        "collision",
        "p3",
        "路口两车追尾，无人受伤",
        "到场拍照取证，指导双方快处快赔，道路已恢复通行",
    ),
    (
        "traffic",
        "injury_collision",
        "p2",
        "电动车与轿车相撞，有人受伤",
        "到场维护秩序，伤者已送医，移交交警事故处理",
    ),
    (
        "traffic",
        "illegal_parking",
        "p4",
        "车辆堵住小区出入口",
        "联系车主挪车，已恢复通行",
    ),
    (
        "dispute",
        "neighbour_dispute",
        "p3",
        "邻居因漏水问题发生争吵",
        "到场调解，双方同意由物业协调维修",
    ),
    (
        "dispute",
        "consumer_dispute",
        "p4",
        "顾客与商家因退款发生纠纷",
        "到场调解，双方达成退款协议",
    ),
    (
        "assistance",
        "missing_person",
        "p2",
        "老人走失，家属请求帮助寻找",
        "经沿路查找及监控协查，老人已找到并送回家中",
    ),
    (
        "assistance",
        "lost_property",
        "p4",
        "钱包遗失在出租车上",
        "联系出租车公司找回钱包，已归还失主",
    ),
    (
        "fire_rescue",
        "entrapment",
        "p2",
        "有人被困电梯",
        "到场配合维保人员解救被困人员，无人受伤",
    ),
];
const CALLERS: [&str; 8] = [
    "张先生",
    "李女士",
    "王先生",
    "刘女士",
    "陈先生",
    "杨女士",
    "赵先生",
    "周女士",
];

/// A unit the demo sent: where it drives and when it arrives and leaves.
pub(super) struct Run {
    pub(super) unit_id: String,
    pub(super) incident_id: IncidentId,
    pub(super) coords: Vec<(f64, f64)>,
    pub(super) started: std::time::Instant,
    pub(super) travel: Duration,
    pub(super) dwell: Duration,
    pub(super) arrived: bool,
    pub(super) result: &'static str,
}

/// Pacing of the demo (real time).
#[derive(Debug, Clone, Copy)]
pub struct DemoPace {
    pub incident_every: Duration,
    pub tick: Duration,
}

impl Default for DemoPace {
    fn default() -> Self {
        DemoPace {
            incident_every: Duration::from_secs(45),
            tick: Duration::from_secs(5),
        }
    }
}

/// The demo `dispatcher` account, which the living city acts as.
pub(super) async fn demo_dispatcher(app: &App) -> Result<Principal> {
    let mut conn = app.kernel().read().await?;
    let who = users::by_username(&mut conn, "dispatcher")
        .await?
        .ok_or(AppError::NotFound {
            what: "demo dispatcher",
        })?;
    drop(conn);
    app.foundation().principal_of(&who)
}

impl App {
    /// Runs the demo activity until the process ends.
    pub fn spawn_demo_activity(&self, pace: DemoPace) -> tokio::task::JoinHandle<()> {
        let app = self.clone();
        tokio::spawn(async move {
            if let Err(e) = app.demo_activity(pace).await {
                tracing::warn!(error = %e, "demo activity stopped");
            }
        })
    }

    async fn demo_activity(&self, pace: DemoPace) -> Result<()> {
        let who = demo_dispatcher(self).await?;
        let roads = self
            .command()
            .roads()
            .ok_or_else(|| AppError::Precondition("no road network".into()))?;
        let (lat0, lon0, lat1, lon1) = roads.graph().bbox();
        let mut rng = SplitMix64::new(110);
        // A restart picks up the runs the last process left (resume.rs).
        let mut runs: Vec<Run> = self.resumed_runs(&who, &mut rng).await;
        let mut since_incident = pace.incident_every;
        let mut since_patrol = Duration::from_secs(60);
        let mut since_weather = Duration::ZERO;
        let mut ticker = tokio::time::interval(pace.tick);
        loop {
            ticker.tick().await;
            since_incident += pace.tick;
            since_patrol += pace.tick;
            since_weather += pace.tick;
            // The weather stations report every five minutes (observations stay fresh for an
            // hour, so zones always have a wind).
            if since_weather >= Duration::from_secs(300) {
                since_weather = Duration::ZERO;
                if let Err(e) = self.demo_weather(&mut rng).await {
                    tracing::debug!(error = %e, "demo weather not reported");
                }
            }
            if since_patrol >= Duration::from_secs(60) {
                since_patrol = Duration::ZERO;
                self.demo_patrol(&who, &mut rng).await?;
            }
            if since_incident >= pace.incident_every {
                since_incident = Duration::ZERO;
                let lat = lat0 + (lat1 - lat0) * (0.08 + 0.84 * rng.next_f64());
                let lon = lon0 + (lon1 - lon0) * (0.08 + 0.84 * rng.next_f64());
                match self.demo_incident(&who, &mut rng, lat, lon).await {
                    Ok(Some(run)) => runs.push(run),
                    Ok(None) => {}
                    Err(e) => tracing::debug!(error = %e, "demo incident not dispatched"),
                }
            }
            runs = self.demo_progress(&who, runs).await;
        }
    }

    /// A new incident; the best recommendation is dispatched and starts driving.
    async fn demo_incident(
        &self,
        who: &Principal,
        rng: &mut SplitMix64,
        lat: f64,
        lon: f64,
    ) -> Result<Option<Run>> {
        let roads = self
            .command()
            .roads()
            .ok_or_else(|| AppError::Precondition("no road network".into()))?;
        let Ok(spot) = roads.snap(lat, lon) else {
            return Ok(None);
        };
        let (category, subcategory, priority, said, result) =
            SCENARIOS[rng.below(SCENARIOS.len() as u64) as usize];
        let n = NewIncident {
            caller_name: CALLERS[rng.below(CALLERS.len() as u64) as usize].into(),
            caller_phone: format!("13{:09}", rng.below(1_000_000_000)),
            lat: spot.point.0,
            lon: spot.point.1,
            address: demo_address(&roads, spot.point),
            category: category.into(),
            subcategory: subcategory.into(),
            priority: priority.into(),
            source: if rng.below(10) == 0 {
                "app"
            } else {
                "call_110"
            }
            .into(),
            description: said.into(),
        };
        let ctx = RequestCtx::cli();
        let created = self.command().create_incident(who, n, &ctx).await?;
        let incident_id = created.incident.incident.id;
        // Units crewed by a demo login are left to the person signed in on their terminal.
        let mut best = None;
        for r in self.command().recommend(who, &incident_id, 3).await?.units {
            let u = self.command().get_unit(who, &r.unit_id).await?;
            let crew = u.unit.crew.clone();
            if !crew.iter().any(|c| c == "officer") {
                best = Some(r);
                break;
            }
        }
        let Some(best) = best else {
            return Ok(None);
        };
        self.command()
            .dispatch(who, &incident_id, std::slice::from_ref(&best.unit_id), &ctx)
            .await?;
        self.command()
            .acknowledge(who, &best.unit_id, &incident_id, &ctx)
            .await?;
        self.command()
            .set_unit_status(who, &best.unit_id, UnitStatus::EnRoute.as_str(), "", &ctx)
            .await?;
        let unit = self.command().get_unit(who, &best.unit_id).await?;
        // The crew travels in its own mode (a foot patrol walks).
        let mode = crate::command::route_mode(unit.unit.travel_mode);
        let from = (unit.unit.lat.unwrap_or(lat), unit.unit.lon.unwrap_or(lon));
        let coords = roads
            .route_between(mode, from, spot.point)
            .map(|r| r.coords)
            .unwrap_or_else(|| vec![spot.point]);
        Ok(Some(Run {
            unit_id: best.unit_id,
            incident_id,
            coords,
            started: std::time::Instant::now(),
            travel: Duration::from_secs_f64(best.eta_s.max(5.0)),
            dwell: Duration::from_secs(90 + rng.below(150)),
            arrived: false,
            result,
        }))
    }

    /// Moves each running unit along its route; arrivals go on scene, finished ones close.
    async fn demo_progress(&self, who: &Principal, runs: Vec<Run>) -> Vec<Run> {
        let ctx = RequestCtx::cli();
        let now = self.kernel().now_us();
        let mut keep = Vec::new();
        let mut fixes = Vec::new();
        for mut run in runs {
            let elapsed = run.started.elapsed();
            let frac = (elapsed.as_secs_f64() / run.travel.as_secs_f64()).min(1.0);
            let idx = ((run.coords.len().saturating_sub(1)) as f64 * frac).round() as usize;
            if let Some(&(lat, lon)) = run.coords.get(idx) {
                fixes.push(Fix {
                    unit_id: run.unit_id.clone(),
                    at_us: now,
                    lat,
                    lon,
                    speed_kmh: None,
                    heading: None,
                });
            }
            let step = if !run.arrived && frac >= 1.0 {
                run.arrived = true;
                self.command()
                    .set_unit_status(who, &run.unit_id, UnitStatus::OnScene.as_str(), "", &ctx)
                    .await
                    .map(|_| ())
            } else if run.arrived && elapsed >= run.travel + run.dwell {
                let done = self
                    .command()
                    .close_incident(who, &run.incident_id, "10", run.result, &ctx)
                    .await;
                if done.is_ok() {
                    continue;
                }
                done
            } else {
                Ok(())
            };
            match step {
                Ok(()) => keep.push(run),
                Err(e) => tracing::debug!(error = %e, "demo unit left its run"),
            }
        }
        if !fixes.is_empty()
            && let Err(e) = self.command().ingest_positions(who, &fixes).await
        {
            tracing::debug!(error = %e, "demo positions refused");
        }
        keep
    }

    /// Units on patrol report where they are (a small drift), keeping their fixes fresh.
    async fn demo_patrol(&self, who: &Principal, rng: &mut SplitMix64) -> Result<()> {
        let roads = self
            .command()
            .roads()
            .ok_or_else(|| AppError::Precondition("no road network".into()))?;
        let now = self.kernel().now_us();
        let units = self.command().list_units(who).await?;
        let fixes: Vec<Fix> = units
            .into_iter()
            .filter(|u| {
                matches!(
                    u.unit.status,
                    jingwu_command::unit::UnitStatus::Available
                        | jingwu_command::unit::UnitStatus::Busy
                )
            })
            .filter_map(|u| {
                let (lat, lon) = (u.unit.lat?, u.unit.lon?);
                let d = |rng: &mut SplitMix64| (rng.next_f64() - 0.5) * 0.002;
                let p = roads.snap(lat + d(rng), lon + d(rng)).ok()?;
                Some(Fix {
                    unit_id: u.unit.id.into_string(),
                    at_us: now,
                    lat: p.point.0,
                    lon: p.point.1,
                    speed_kmh: Some(20.0),
                    heading: None,
                })
            })
            .collect();
        for chunk in fixes.chunks(1000) {
            self.command().ingest_positions(who, chunk).await?;
        }
        Ok(())
    }
}

/// What a caller would say about where they are: the nearest address of the spot (reverse
/// geocoding, so 「江东北路340号附近」 is really there), or its coordinates on a network without
/// names.
fn demo_address(roads: &crate::RoadNetwork, (lat, lon): (f64, f64)) -> String {
    match roads
        .addresses()
        .reverse(lat, lon, crate::command::REVERSE_MAX_M)
    {
        Some(hit) => format!("{}附近", hit.label),
        None => format!("{lat:.5},{lon:.5}附近"),
    }
}
