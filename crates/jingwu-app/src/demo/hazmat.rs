//! The demo city's hazmat picture on its road network: the reference chemicals, 40,000
//! enterprises with valid credit codes and stocks, each supervised by its nearest station,
//! hazmat transport vehicles, 173 weather stations with live observations (a sea breeze from
//! the east-north-east that veers through the day) and fire units at fire stations in every
//! district. Deterministic for a given road network.

use jingwu_core::{OrgId, OrgKind};
use jingwu_hazmat::records::{
    ChemicalId, Enterprise, EnterpriseId, FireUnit, FireUnitId, FireUnitKind, Observation,
    ObservationSource, Station, StationId, Stock, Vehicle, VehicleId,
};
use jingwu_routing::SplitMix64;
use jingwu_store::command::sites_under;
use jingwu_store::foundation::orgs;
use jingwu_store::hazmat as q;

use crate::{App, AppError, RequestCtx, Result};

/// Enterprises in the demo city (the seed's "40,000+").
pub const DEMO_ENTERPRISES: usize = 40_000;
/// Weather stations (the seed's 173 real-time stations).
pub const DEMO_STATIONS: usize = 173;
const DEMO_VEHICLES: usize = 300;

const TRADES: [&str; 10] = [
    "化工",
    "石化",
    "精细化工",
    "新材料",
    "气体",
    "医药化工",
    "涂料",
    "电镀",
    "冷链物流",
    "港口储运",
];
const PLACES: [&str; 16] = [
    "甬江",
    "镇海",
    "北仑",
    "大榭",
    "穿山",
    "梅山",
    "慈东",
    "杭州湾",
    "望海",
    "东海",
    "三江",
    "明州",
    "四明",
    "天一",
    "江东",
    "海天",
];
const CARRIERS: [&str; 6] = [
    "宁波港通危险品运输有限公司",
    "浙江甬安化工物流有限公司",
    "宁波镇海危货运输有限公司",
    "北仑液化气体储运有限公司",
    "宁波海宏物流有限公司",
    "浙江东港危险品运输有限公司",
];
/// (UN, weight): what the demo enterprises hold, ammonia (refrigeration) the most common.
const STOCKS: [(&str, u64); 8] = [
    ("1005", 30),
    ("1017", 20),
    ("1079", 8),
    ("1050", 10),
    ("1053", 6),
    ("1114", 14),
    ("1040", 6),
    ("1016", 6),
];

/// A valid unified social credit code for demo enterprise `n` (GB 32100 and GB 11714 check
/// characters computed, region Ningbo).
fn uscc(n: usize) -> Option<String> {
    let org8 = format!("{:08}", 30_000_000 + n);
    let org = format!(
        "{org8}{}",
        jingwu_validate::uscc::organization_code_check_character(&org8)?
    );
    let body = format!("91330200{org}");
    Some(format!(
        "{body}{}",
        jingwu_validate::uscc::check_character(&body)?
    ))
}

fn pick_stock(rng: &mut SplitMix64) -> &'static str {
    let total: u64 = STOCKS.iter().map(|s| s.1).sum();
    let mut r = rng.below(total);
    for (un, w) in STOCKS {
        if r < w {
            return un;
        }
        r -= w;
    }
    STOCKS[0].0
}

/// The demo's wind at a station at `now_us`: from about 70° (a sea breeze), veering with the
/// hour and a little different at every station, 1.5 to 6 m/s.
pub(crate) fn demo_observation(
    station: &Station,
    i: usize,
    now_us: i64,
    rng: &mut SplitMix64,
) -> Observation {
    let hour = (now_us / 3_600_000_000) % 24;
    let from =
        (70.0 + 4.0 * (hour as f64 - 12.0) + 10.0 * (rng.next_f64() - 0.5)).rem_euclid(360.0);
    let speed = 1.5 + 4.5 * rng.next_f64();
    // Every tenth station reports cloud (a SYNOP-like station); the others only wind, solar
    // radiation by day and ΔT.
    let cloudy = i.is_multiple_of(10);
    Observation {
        station_id: station.id.clone(),
        obs_at: now_us - now_us % 60_000_000,
        received_at: now_us,
        source: ObservationSource::Json,
        wind_from_deg: Some((from * 10.0).round() / 10.0),
        wind_speed_ms: (speed * 10.0).round() / 10.0,
        gust_ms: Some(((speed * 1.6) * 10.0).round() / 10.0),
        temp_c: Some(14.0 + 6.0 * rng.next_f64()),
        rh_pct: Some(55.0 + 30.0 * rng.next_f64()),
        pressure_hpa: Some(1015.0 + 5.0 * rng.next_f64()),
        total_cloud_tenths: cloudy.then_some(6.0),
        low_cloud_tenths: cloudy.then_some(3.0),
        ceiling_m: cloudy.then_some(1500.0),
        global_solar_wm2: (!cloudy).then(|| 400.0 * rng.next_f64()),
        delta_t_c: (!cloudy).then_some(-0.2),
        sigma_theta_deg: None,
        qc_flags: Vec::new(),
    }
}

impl App {
    /// Adds the reference chemicals that are not there yet (a new bureau starts with them).
    pub async fn install_reference_chemicals(&self) -> Result<usize> {
        let mut conn = self.kernel().read().await?;
        let have: Vec<ChemicalId> = q::chemicals(&mut conn)
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect();
        let Some(root) = orgs::root(&mut conn).await? else {
            return Ok(0);
        };
        drop(conn);
        let missing: Vec<_> = jingwu_hazmat::reference::chemicals()
            .into_iter()
            .filter(|c| !have.contains(&c.id))
            .collect();
        if missing.is_empty() {
            return Ok(0);
        }
        let system = self.foundation().system_principal().await?;
        self.kernel()
            .write(&system, &RequestCtx::cli(), async |tx| {
                for c in &missing {
                    q::insert_chemical(tx.db(), c).await?;
                }
                tx.audit(
                    "hazmat.chemicals.install",
                    ("org_unit", root.id.as_str()),
                    &root.path,
                    serde_json::json!({ "chemicals": missing.iter().map(|c| c.id.as_str()).collect::<Vec<_>>() }),
                )
                .await?;
                Ok(missing.len())
            })
            .await
    }

    /// Seeds the demo city's hazmat registries (see the module documentation); does nothing
    /// when enterprises exist already. Returns the number of enterprises created.
    pub async fn seed_demo_hazmat(&self, enterprises: usize) -> Result<usize> {
        self.install_reference_chemicals().await?;
        let roads = self
            .command()
            .roads()
            .ok_or_else(|| AppError::Precondition("no road network is loaded".into()))?;
        let mut conn = self.kernel().read().await?;
        let root = orgs::root(&mut conn)
            .await?
            .ok_or(AppError::Precondition("load the demo city first".into()))?;
        if q::enterprises_under(&mut conn, &root.path, "", 1, 0)
            .await?
            .1
            > 0
        {
            return Ok(0);
        }
        let chemicals = q::chemicals(&mut conn).await?;
        let sites = sites_under(&mut conn, &root.path).await?;
        drop(conn);
        let stations: Vec<_> = sites
            .iter()
            .filter(|(_, kind, _)| *kind == OrgKind::Station)
            .map(|(s, _, path)| (s.org_id.as_str().to_owned(), path.clone(), s.lat, s.lon))
            .collect();
        let districts: Vec<_> = sites
            .iter()
            .filter(|(_, kind, _)| *kind == OrgKind::District)
            .map(|(s, _, path)| (s.org_id.as_str().to_owned(), path.clone(), s.lat, s.lon))
            .collect();
        if stations.is_empty() {
            return Err(AppError::Precondition(
                "place the demo city's sites first".into(),
            ));
        }
        let nearest = |list: &[(String, String, f64, f64)], lat: f64, lon: f64| {
            list.iter()
                .min_by(|a, b| {
                    let da = (a.2 - lat).powi(2) + (a.3 - lon).powi(2);
                    let db = (b.2 - lat).powi(2) + (b.3 - lon).powi(2);
                    da.total_cmp(&db)
                })
                .map(|s| OrgId::from(s.0.as_str()))
        };
        let chemical = |un: &str| chemicals.iter().find(|c| c.un_number == un);
        let (lat0, lon0, lat1, lon1) = roads.graph().bbox();
        let mut rng = SplitMix64::new(119);
        let now = self.kernel().now_us();
        let at = |rng: &mut SplitMix64| {
            (
                lat0 + (lat1 - lat0) * (0.03 + 0.94 * rng.next_f64()),
                lon0 + (lon1 - lon0) * (0.03 + 0.94 * rng.next_f64()),
            )
        };

        let mut list = Vec::with_capacity(enterprises);
        for n in 0..enterprises {
            let (lat, lon) = at(&mut rng);
            let Some(org_id) = nearest(&stations, lat, lon) else {
                continue;
            };
            let Some(code) = uscc(n) else { continue };
            let mut stocks: Vec<Stock> = Vec::new();
            for _ in 0..1 + rng.below(3) {
                let Some(c) = chemical(pick_stock(&mut rng)) else {
                    continue;
                };
                if stocks.iter().any(|s| s.chemical_id == c.id) {
                    continue;
                }
                stocks.push(Stock {
                    chemical_id: c.id.clone(),
                    un_number: c.un_number.clone(),
                    name_zh: c.name_zh.clone(),
                    quantity_kg: (1 + rng.below(200)) as f64 * 100.0,
                });
            }
            let place = PLACES[rng.below(PLACES.len() as u64) as usize];
            let trade = TRADES[rng.below(TRADES.len() as u64) as usize];
            list.push(Enterprise {
                id: EnterpriseId::new(),
                org_id,
                uscc: code,
                name: format!("宁波{place}{trade}有限公司（{:05}）", n + 1),
                address: format!("宁波市{place}路{}号", 1 + rng.below(999)),
                lat,
                lon,
                contact_name: format!("安全负责人{:05}", n + 1),
                contact_phone: format!("0574-8{:07}", rng.below(10_000_000)),
                stocks,
                created_at: now,
            });
        }

        let mut weather = Vec::with_capacity(DEMO_STATIONS);
        let cols = 13;
        let rows = DEMO_STATIONS.div_ceil(cols);
        for i in 0..DEMO_STATIONS {
            let (c, r) = (i % cols, i / cols);
            let lat = lat0
                + (lat1 - lat0) * ((r as f64 + 0.5 + 0.3 * (rng.next_f64() - 0.5)) / rows as f64);
            let lon = lon0
                + (lon1 - lon0) * ((c as f64 + 0.5 + 0.3 * (rng.next_f64() - 0.5)) / cols as f64);
            let Some(org_id) = nearest(&districts, lat, lon) else {
                continue;
            };
            let station = Station {
                id: StationId::new(),
                code: format!("NB{:03}", i + 1),
                name: format!("宁波自动气象站{:03}", i + 1),
                org_id,
                lat,
                lon,
                elev_m: (3.0 + 40.0 * rng.next_f64()).round(),
            };
            let obs = demo_observation(&station, i, now, &mut rng);
            weather.push((station, obs));
        }

        let mut vehicles = Vec::with_capacity(DEMO_VEHICLES);
        for n in 0..DEMO_VEHICLES {
            let (lat, lon) = at(&mut rng);
            let spot = roads.snap(lat, lon).map(|p| p.point).unwrap_or((lat, lon));
            let Some(org_id) = nearest(&districts, spot.0, spot.1) else {
                continue;
            };
            let cargo = chemical(pick_stock(&mut rng));
            vehicles.push(Vehicle {
                id: VehicleId::new(),
                org_id,
                plate: format!("浙B{:05}", 10_000 + n * 7),
                carrier: CARRIERS[n % CARRIERS.len()].to_owned(),
                chemical_id: cargo.map(|c| c.id.clone()),
                cargo_kg: (5 + rng.below(25)) as f64 * 1000.0,
                lat: Some(spot.0),
                lon: Some(spot.1),
                fix_at: Some(now),
            });
        }

        // Two fire stations per district, each with a pumper, a foam tender and, at the first,
        // a hazmat unit and a rescue unit.
        let mut fire = Vec::new();
        for (d, (org, _, lat, lon)) in districts.iter().enumerate() {
            for s in 0..2 {
                let (dlat, dlon) = (0.02 * (rng.next_f64() - 0.5), 0.02 * (rng.next_f64() - 0.5));
                let spot = roads
                    .snap(lat + dlat, lon + dlon)
                    .map(|p| p.point)
                    .unwrap_or((lat + dlat, lon + dlon));
                let station_name = format!("第{}消防救援站", d * 2 + s + 1);
                let kinds: &[FireUnitKind] = if s == 0 {
                    &[
                        FireUnitKind::Pumper,
                        FireUnitKind::Foam,
                        FireUnitKind::Hazmat,
                        FireUnitKind::Rescue,
                    ]
                } else {
                    &[FireUnitKind::Pumper, FireUnitKind::Foam]
                };
                for (k, kind) in kinds.iter().enumerate() {
                    fire.push(FireUnit {
                        id: FireUnitId::new(),
                        org_id: OrgId::from(org.as_str()),
                        call_sign: format!("甬消{:02}-{}", d * 2 + s + 1, k + 1),
                        kind: *kind,
                        station_name: station_name.clone(),
                        lat: spot.0,
                        lon: spot.1,
                        available: true,
                    });
                }
            }
        }

        let system = self.foundation().system_principal().await?;
        let created = list.len();
        self.kernel()
            .write(&system, &RequestCtx::cli(), async |tx| {
                for e in &list {
                    q::insert_enterprise(tx.db(), e).await?;
                }
                for (s, o) in &weather {
                    q::insert_station(tx.db(), s).await?;
                    q::insert_observation(tx.db(), o).await?;
                }
                for v in &vehicles {
                    q::insert_vehicle(tx.db(), v).await?;
                }
                for u in &fire {
                    q::insert_fire_unit(tx.db(), u).await?;
                }
                tx.audit(
                    "demo.seed_hazmat",
                    ("org_unit", root.id.as_str()),
                    &root.path,
                    serde_json::json!({
                        "enterprises": list.len(),
                        "weather_stations": weather.len(),
                        "vehicles": vehicles.len(),
                        "fire_units": fire.len(),
                    }),
                )
                .await?;
                Ok(created)
            })
            .await
    }

    /// New observations for every demo station (the demo's weather feed).
    pub(crate) async fn demo_weather(&self, rng: &mut SplitMix64) -> Result<()> {
        let mut conn = self.kernel().read().await?;
        let stations = q::stations_with_latest(&mut conn).await?;
        let Some(root) = orgs::root(&mut conn).await? else {
            return Ok(());
        };
        drop(conn);
        let now = self.kernel().now_us();
        let obs: Vec<Observation> = stations
            .iter()
            .enumerate()
            .filter(|(_, (s, _))| s.code.starts_with("NB"))
            .map(|(i, (s, _))| demo_observation(s, i, now, rng))
            .collect();
        if obs.is_empty() {
            return Ok(());
        }
        let system = self.foundation().system_principal().await?;
        self.kernel()
            .write(&system, &RequestCtx::cli(), async |tx| {
                let mut stored = 0;
                for o in &obs {
                    stored += usize::from(q::insert_observation(tx.db(), o).await?);
                }
                tx.audit(
                    "demo.weather",
                    ("org_unit", root.id.as_str()),
                    &root.path,
                    serde_json::json!({ "observations": stored }),
                )
                .await?;
                tx.publish(crate::LiveEvent::Hazmat {
                    kind: "weather",
                    response_id: None,
                    org_path: root.path.clone(),
                });
                Ok(())
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_credit_codes_are_valid_and_distinct() {
        let a = uscc(0).expect("code");
        let b = uscc(39_999).expect("code");
        assert_ne!(a, b);
        for c in [&a, &b] {
            jingwu_validate::Uscc::parse(c).expect("valid USCC");
        }
    }
}
