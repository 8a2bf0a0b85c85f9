//! The response to a release ("1335"): opening it (from a 110 incident, an enterprise or a
//! place), the picture computed from the live weather each time it is read — threat zones, the
//! ERG isolation circle and protective-action square, what lies inside, fire units by road
//! travel time, the suggested response level — and the record kept: linkage steps with their
//! 1/3/5-minute targets, field readings (which re-estimate the source), closing.

use jingwu_core::{Action, IncidentId, Principal, Scope, UserId, authorize, path_contains};
use jingwu_hazmat::erg::{self, Circle, SpillSize};
use jingwu_hazmat::error_codes::{self as codes, field};
use jingwu_hazmat::records::{
    Chemical, ChemicalId, EnterpriseId, FireUnit, Reading, ReadingId, ReadingSource, ReleaseKind,
    Response, ResponseId, StepDone, ppm_to_g_m3,
};
use jingwu_hazmat::response::{LevelFacts, LinkageStep, ResponseLevel, StepStatus};
use jingwu_hazmat::sigma::SigmaSet;
use jingwu_hazmat::source_fit::{FieldReading, FitResult};
use jingwu_hazmat::wind::Terrain;
use jingwu_hazmat::zone::{self, LatLon, LevelOfConcern, Release, ZoneInput, ZoneResult};
use jingwu_store::Conn;
use jingwu_store::hazmat::{self as q, LatLonBox};
use serde::Serialize;

use super::weather::{self, WeatherPick};
use super::{Hazmat, check_position, check_range, check_text};
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result};

/// Breathing height of the receptors zones are drawn for (m).
pub const RECEPTOR_HEIGHT_M: f64 = 1.5;
/// Fire units ranked for a response.
const FIRE_UNITS_RANKED: usize = 10;
/// Longest drive a ranked fire unit may need (s).
const FIRE_UNIT_LIMIT_S: u32 = 1800;

/// A release to respond to.
#[derive(Debug, Clone)]
pub struct NewResponse {
    /// The org unit that commands it (id or code, in the caller's subtree); default the
    /// caller's own.
    pub org: Option<String>,
    /// The 110 incident it answers.
    pub incident_id: Option<IncidentId>,
    /// The enterprise where it happened (its position is used when none is given).
    pub enterprise_id: Option<EnterpriseId>,
    pub title: String,
    pub chemical_id: ChemicalId,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub release_kind: ReleaseKind,
    /// g/s (continuous) or g (instantaneous).
    pub amount: f64,
    pub height_m: f64,
    pub spill: SpillSize,
    pub sigma_set: SigmaSet,
    pub terrain: Terrain,
}

/// A field reading as a robot, drone or detector reports it.
#[derive(Debug, Clone)]
pub struct NewReading {
    pub lat: f64,
    pub lon: f64,
    pub ppm: f64,
    pub source: ReadingSource,
}

/// A place inside the picture and the worst zone it is in.
#[derive(Debug, Clone, Serialize)]
pub struct Inside {
    pub id: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    /// The highest threat-zone tier containing it (3 red, 2 orange, 1 yellow), if any.
    pub tier: Option<u8>,
    /// Inside the ERG initial isolation circle.
    pub isolation: bool,
    /// From the release point (m).
    pub distance_m: f64,
}

/// Road segments inside one zone.
#[derive(Debug, Clone, Serialize)]
pub struct RoadsInside {
    pub tier: u8,
    pub segments: usize,
    pub length_m: f64,
}

/// What lies inside the zones (in the caller's jurisdiction).
#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    pub enterprises: Vec<Inside>,
    pub vehicles: Vec<Inside>,
    pub key_sites: Vec<Inside>,
    pub roads: Vec<RoadsInside>,
}

/// A fire unit and its road travel time to the release.
#[derive(Debug, Clone, Serialize)]
pub struct FireUnitEta {
    pub unit: FireUnit,
    pub eta_s: f64,
}

/// The hazard picture now, from the live weather.
#[derive(Debug, Clone, Serialize)]
pub struct ZonePicture {
    pub weather: WeatherPick,
    /// The release the zones were computed with: the reported one, or the one re-estimated
    /// from field readings.
    pub release: Release,
    pub fit: Option<FitResult>,
    pub zones: ZoneResult,
    pub isolation: Option<Circle>,
    pub protective: Option<Vec<LatLon>>,
    /// Zones, isolation circle and protective square as a GeoJSON FeatureCollection.
    pub geojson: serde_json::Value,
    pub impact: Impact,
    pub fire_units: Vec<FireUnitEta>,
    pub suggested_level: ResponseLevel,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseSummary {
    pub response: Response,
    pub chemical_name_zh: String,
    pub chemical_name_en: String,
    pub steps_done: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ResponseDetail {
    pub response: Response,
    pub chemical: Chemical,
    /// The four linkage steps against their 1/3/5-minute targets.
    pub steps: Vec<StepStatus>,
    pub steps_done: Vec<StepDone>,
    pub readings: Vec<Reading>,
    /// `None` with `weather_problem` set when no usable observation is near.
    pub picture: Option<ZonePicture>,
    pub weather_problem: Option<String>,
    pub alerts: Vec<AlertSummary>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AlertSummary {
    pub id: String,
    pub identifier: String,
    pub msg_type: String,
    pub sent_at: i64,
}

/// The chemical's levels of concern as zone inputs, worst first.
pub(super) fn levels(c: &Chemical) -> Vec<LevelOfConcern> {
    [3u8, 2, 1]
        .into_iter()
        .filter_map(|tier| {
            let (ppm, label) = c.level_ppm(tier)?;
            Some(LevelOfConcern {
                tier,
                label,
                g_m3: ppm_to_g_m3(ppm, c.molecular_weight),
            })
        })
        .collect()
}

fn release_of(r: &Response) -> Release {
    match r.release_kind {
        ReleaseKind::Continuous => Release::Continuous { q_g_s: r.amount },
        ReleaseKind::Instantaneous => Release::Instantaneous { m_g: r.amount },
    }
}

impl Hazmat<'_> {
    /// Opens a response. The alarm time is the linked incident's intake time, else now; the
    /// alarm step is done then. The level is the one the picture suggests (Level III when no
    /// weather is available yet).
    pub async fn open_response(
        &self,
        who: &Principal,
        n: &NewResponse,
        ctx: &RequestCtx,
    ) -> Result<ResponseDetail> {
        authorize(who, Action::CommandHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut errs = Vec::new();
        check_text("title", &n.title, 200, &mut errs);
        check_range(
            "amount",
            n.amount,
            f64::MIN_POSITIVE,
            match n.release_kind {
                ReleaseKind::Continuous => 1e7,
                ReleaseKind::Instantaneous => 1e9,
            },
            &mut errs,
        );
        check_range("height_m", n.height_m, 0.0, 300.0, &mut errs);
        if let (Some(lat), Some(lon)) = (n.lat, n.lon) {
            check_position(lat, lon, &mut errs);
        } else if n.lat.is_some() != n.lon.is_some() {
            errs.push(FieldError::new(
                "lat",
                jingwu_core::problem_codes::field::LAT_RANGE.code,
                "give both lat and lon, or neither",
            ));
        }
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        let now = self.now_us();
        // The 110 incident is the 110 system's: asked through its use case.
        let incident = match &n.incident_id {
            None => None,
            Some(id) => Some(
                self.app
                    .command()
                    .incident_for_linkage(who, Action::CommandHazmat, id)
                    .await
                    .map_err(|e| match e {
                        AppError::NotFound { .. } => AppError::invalid(
                            "incident_id",
                            field::INCIDENT_UNKNOWN.code,
                            "no such incident in your jurisdiction",
                        ),
                        e => e,
                    })?,
            ),
        };
        let mut conn = self.k().read().await?;
        let chemical = q::chemical(&mut conn, n.chemical_id.as_str())
            .await?
            .ok_or_else(|| {
                AppError::invalid(
                    "chemical_id",
                    field::CHEMICAL_UNKNOWN.code,
                    "unknown chemical",
                )
            })?;
        let enterprise = match &n.enterprise_id {
            None => None,
            Some(id) => {
                let e = q::enterprise(&mut conn, id.as_str())
                    .await?
                    .filter(|(_, path)| path_contains(&who.org_path, path))
                    .ok_or_else(|| {
                        AppError::invalid(
                            "enterprise_id",
                            field::ENTERPRISE_UNKNOWN.code,
                            "no such enterprise in your jurisdiction",
                        )
                    })?;
                Some(e.0)
            }
        };
        let (lat, lon) = match (n.lat.zip(n.lon), &enterprise, &incident) {
            (Some(p), _, _) => p,
            (None, Some(e), _) => (e.lat, e.lon),
            (None, None, Some(i)) => (i.lat, i.lon),
            (None, None, None) => {
                return Err(AppError::invalid(
                    "lat",
                    jingwu_core::problem_codes::field::LAT_RANGE.code,
                    "say where: lat and lon, an enterprise or a 110 incident",
                ));
            }
        };
        let (org_id, org_path) = super::owning_org(&mut conn, who, n.org.as_deref(), "org").await?;
        drop(conn);
        let response = Response {
            id: ResponseId::new(),
            org_id,
            incident_id: incident.as_ref().map(|i| i.id.clone()),
            enterprise_id: enterprise.as_ref().map(|e| e.id.clone()),
            title: n.title.trim().to_owned(),
            chemical_id: chemical.id.clone(),
            lat,
            lon,
            release_kind: n.release_kind,
            amount: n.amount,
            height_m: n.height_m,
            spill: n.spill,
            sigma_set: n.sigma_set,
            terrain: n.terrain,
            level: ResponseLevel::Level3,
            alarm_at: incident.as_ref().map_or(now, |i| i.created_at.min(now)),
            created_at: now,
            created_by: UserId::from(who.user_id.as_str()),
            closed_at: None,
        };
        // The model and the road searches run before the transaction.
        let picture = self.picture(who, &response, &chemical, &[]).await?;
        let mut response = response;
        if let Ok(p) = &picture {
            response.level = p.suggested_level;
        }
        let id = response.id.clone();
        self.k()
            .write(who, ctx, async |tx| {
                q::insert_response(tx.db(), &response).await?;
                q::insert_step(
                    tx.db(),
                    response.id.as_str(),
                    &StepDone {
                        step: LinkageStep::Alarm,
                        done_at: response.alarm_at,
                        actor_id: response.created_by.clone(),
                        note: incident
                            .as_ref()
                            .map(|i| format!("110 {}", i.number))
                            .unwrap_or_default(),
                    },
                )
                .await?;
                tx.audit(
                    "hazmat.response.open",
                    ("hazmat_response", response.id.as_str()),
                    &org_path,
                    serde_json::to_value(&response).unwrap_or_default(),
                )
                .await?;
                publish_response(tx, &response.id, org_path.clone());
                Ok(())
            })
            .await?;
        self.response(who, &id).await
    }

    /// The responses in the caller's jurisdiction, open ones first.
    pub async fn responses(&self, who: &Principal) -> Result<Vec<ResponseSummary>> {
        authorize(who, Action::ReadHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let chemicals = q::chemicals(&mut conn).await?;
        let mut out = Vec::new();
        for r in q::responses_under(&mut conn, &who.org_path, 200).await? {
            let steps_done = q::steps(&mut conn, r.id.as_str()).await?.len();
            let c = chemicals.iter().find(|c| c.id == r.chemical_id);
            out.push(ResponseSummary {
                chemical_name_zh: c.map(|c| c.name_zh.clone()).unwrap_or_default(),
                chemical_name_en: c.map(|c| c.name_en.clone()).unwrap_or_default(),
                response: r,
                steps_done,
            });
        }
        Ok(out)
    }

    /// One response with its picture computed from the weather now.
    pub async fn response(&self, who: &Principal, id: &ResponseId) -> Result<ResponseDetail> {
        let mut conn = self.k().read().await?;
        let (response, path) = q::response(&mut conn, id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "response" })?;
        jingwu_hazmat::policy::may_read(who, &path)
            .map_err(|d| AppError::denied_object(d, "response"))?;
        let chemical = q::chemical(&mut conn, response.chemical_id.as_str())
            .await?
            .ok_or(AppError::Internal(
                "a response names an unknown chemical".into(),
            ))?;
        let steps_done = q::steps(&mut conn, id.as_str()).await?;
        let readings = q::readings(&mut conn, id.as_str()).await?;
        let alerts = q::cap_alerts(&mut conn, id.as_str())
            .await?
            .into_iter()
            .map(|a| AlertSummary {
                id: a.id.to_string(),
                identifier: a.identifier,
                msg_type: a.msg_type,
                sent_at: a.sent_at,
            })
            .collect();
        drop(conn);
        let done: Vec<_> = steps_done
            .iter()
            .map(|s| (s.step, jingwu_core::micros_to_timestamp(s.done_at)))
            .collect();
        let now = self.now_us();
        let steps = jingwu_hazmat::response::step_statuses(
            jingwu_core::micros_to_timestamp(response.alarm_at),
            &done,
            jingwu_core::micros_to_timestamp(response.closed_at.unwrap_or(now)),
        );
        let (picture, weather_problem) =
            match self.picture(who, &response, &chemical, &readings).await? {
                Ok(p) => (Some(p), None),
                Err(why) => (None, Some(why)),
            };
        Ok(ResponseDetail {
            response,
            chemical,
            steps,
            steps_done,
            readings,
            picture,
            weather_problem,
            alerts,
        })
    }

    /// The picture now, or why there is none (no usable weather near the release).
    pub(super) async fn picture(
        &self,
        who: &Principal,
        r: &Response,
        chemical: &Chemical,
        readings: &[Reading],
    ) -> Result<std::result::Result<ZonePicture, String>> {
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let stations = q::stations_with_latest(&mut conn).await?;
        drop(conn);
        let Some(weather) = weather::pick(r.lat, r.lon, now, &stations) else {
            return Ok(Err(format!(
                "no fresh, unflagged observation within {} km of the release",
                weather::MAX_DISTANCE_M / 1000.0
            )));
        };
        let source = LatLon {
            lat: r.lat,
            lon: r.lon,
        };
        let mut input = ZoneInput {
            source,
            release: release_of(r),
            height_m: r.height_m,
            receptor_height_m: RECEPTOR_HEIGHT_M,
            wind_from_deg: weather.wind_from_deg,
            u10_ms: weather.wind_speed_ms,
            stability: weather.stability.class,
            sigma_set: r.sigma_set,
            terrain: r.terrain,
            levels: levels(chemical),
            dense_gas: chemical.dense_gas,
        };
        if input.levels.is_empty() {
            return Ok(Err("the chemical has no level of concern on record".into()));
        }
        let field_readings: Vec<FieldReading> = readings
            .iter()
            .map(|x| FieldReading {
                at: LatLon {
                    lat: x.lat,
                    lon: x.lon,
                },
                g_m3: ppm_to_g_m3(x.ppm, chemical.molecular_weight),
            })
            .collect();
        let fit = if field_readings.is_empty() {
            None
        } else {
            jingwu_hazmat::source_fit::fit_release_rate(&input, &field_readings).ok()
        };
        if let Some(f) = &fit {
            input.release = f.release;
        }
        let zones = zone::threat_zones(&input)
            .map_err(|e| AppError::Internal(format!("zone input: {e}")))?;
        let erg_row = chemical.erg(r.spill);
        let isolation = erg_row.map(|e| erg::isolation_circle(source, e.isolate_m));
        let protective = erg_row.map(|e| {
            erg::protective_square(
                source,
                weather.wind_from_deg,
                e.protect_m(weather.stability.night),
            )
        });
        let geojson = zone::geojson(&zones, isolation.as_ref(), protective.as_deref());
        let impact = self.impact(who, &zones, source, isolation.as_ref()).await?;
        let fire_units = self.rank_fire_units(who, source).await?;
        let length = |tier: u8| {
            zones
                .zones
                .iter()
                .find(|z| z.tier == tier)
                .map_or(0.0, |z| z.length_m)
        };
        let suggested_level = jingwu_hazmat::response::response_level(&LevelFacts {
            red_zone_length_m: length(3),
            orange_zone_length_m: length(2),
            enterprises_inside: impact
                .enterprises
                .iter()
                .filter(|e| e.tier.is_some())
                .count(),
            key_sites_inside: impact.key_sites.iter().filter(|e| e.tier.is_some()).count(),
            casualties: 0,
        });
        Ok(Ok(ZonePicture {
            weather,
            release: input.release,
            fit,
            zones,
            isolation,
            protective,
            geojson,
            impact,
            fire_units,
            suggested_level,
        }))
    }

    /// Enterprises, vehicles, key sites and road segments inside the zones, in the caller's
    /// jurisdiction: candidates by bounding box in SQL, then the polygon test.
    async fn impact(
        &self,
        who: &Principal,
        zones: &ZoneResult,
        source: LatLon,
        isolation: Option<&Circle>,
    ) -> Result<Impact> {
        let mut boxes: Vec<zone::Bbox> = zones.zones.iter().filter_map(|z| z.bbox).collect();
        if let Some(c) = isolation {
            boxes.push(zone::bbox(&erg::circle_ring(c, 32)));
        }
        let Some(b) = union(&boxes) else {
            return Ok(Impact {
                enterprises: Vec::new(),
                vehicles: Vec::new(),
                key_sites: Vec::new(),
                roads: Vec::new(),
            });
        };
        let bx = LatLonBox {
            min_lat: b.min_lat,
            min_lon: b.min_lon,
            max_lat: b.max_lat,
            max_lon: b.max_lon,
        };
        let place = |id: String, name: String, lat: f64, lon: f64| {
            inside(zones, source, isolation, id, name, lat, lon)
        };
        let mut enterprises = self
            .enterprises_inside(who, zones, source, isolation)
            .await?;
        let mut conn = self.k().read().await?;
        let mut vehicles: Vec<Inside> = q::vehicles_in(&mut conn, &who.org_path, bx)
            .await?
            .into_iter()
            .filter_map(|v| place(v.id.to_string(), v.plate, v.lat?, v.lon?))
            .collect();
        // Key sites are the 110 system's registry; reading them is enough here.
        let mut key_sites: Vec<Inside> =
            jingwu_store::command::key_sites_under(&mut conn, &who.org_path)
                .await?
                .into_iter()
                .filter(|k| {
                    b.contains(LatLon {
                        lat: k.lat,
                        lon: k.lon,
                    })
                })
                .filter_map(|k| place(k.id.to_string(), k.name_zh, k.lat, k.lon))
                .collect();
        drop(conn);
        // The most endangered first: inside the isolation circle (everyone out now) nearest
        // the release first, then by zone tier and distance.
        let worst_first = |a: &Inside, b: &Inside| {
            b.isolation
                .cmp(&a.isolation)
                .then_with(|| {
                    if a.isolation {
                        std::cmp::Ordering::Equal
                    } else {
                        b.tier.cmp(&a.tier)
                    }
                })
                .then(a.distance_m.total_cmp(&b.distance_m))
                .then(a.name.cmp(&b.name))
        };
        enterprises.sort_by(worst_first);
        vehicles.sort_by(worst_first);
        key_sites.sort_by(worst_first);
        let roads = self.roads_inside(zones);
        Ok(Impact {
            enterprises,
            vehicles,
            key_sites,
            roads,
        })
    }

    /// The enterprises of the caller's jurisdiction inside the zones or the isolation circle,
    /// from the in-memory index (candidates by bounding box, then the polygon test).
    pub async fn enterprises_inside(
        &self,
        who: &Principal,
        zones: &ZoneResult,
        source: LatLon,
        isolation: Option<&Circle>,
    ) -> Result<Vec<Inside>> {
        let mut boxes: Vec<zone::Bbox> = zones.zones.iter().filter_map(|z| z.bbox).collect();
        if let Some(c) = isolation {
            boxes.push(zone::bbox(&erg::circle_ring(c, 32)));
        }
        let Some(b) = union(&boxes) else {
            return Ok(Vec::new());
        };
        let mut conn = self.k().read().await?;
        let index = self.state().enterprises.current(&mut conn).await?;
        drop(conn);
        Ok(index
            .within(&b, &who.org_path)
            .filter_map(|e| {
                inside(
                    zones,
                    source,
                    isolation,
                    e.id.to_string(),
                    e.name.clone(),
                    e.lat,
                    e.lon,
                )
            })
            .collect())
    }

    /// Road segments whose midpoint lies in each zone (from the road network the 110 system
    /// routes on; none without one).
    fn roads_inside(&self, zones: &ZoneResult) -> Vec<RoadsInside> {
        let Some(roads) = self.app.command().roads() else {
            return Vec::new();
        };
        let g = roads.graph();
        let index = roads.snap_index();
        let segs = index.segments();
        zones
            .zones
            .iter()
            .filter_map(|z| {
                let b = z.bbox?;
                let (mut segments, mut length_m) = (0, 0.0);
                for id in index.segments_in_box(b.min_lat, b.min_lon, b.max_lat, b.max_lon) {
                    let Some(s) = segs.get(id as usize) else {
                        continue;
                    };
                    let e = s.edge();
                    let pts = g.edge_geometry(e);
                    let Some(&(lat, lon)) = pts.get(pts.len() / 2) else {
                        continue;
                    };
                    if zone::polygon_contains(&z.polygon, LatLon { lat, lon }) {
                        segments += 1;
                        length_m += g.length_m(e);
                    }
                }
                Some(RoadsInside {
                    tier: z.tier,
                    segments,
                    length_m: length_m.round(),
                })
            })
            .collect()
    }

    /// Available fire units in the caller's jurisdiction by road travel time to `to`.
    async fn rank_fire_units(&self, who: &Principal, to: LatLon) -> Result<Vec<FireUnitEta>> {
        let Some(roads) = self.app.command().roads() else {
            return Ok(Vec::new());
        };
        let mut conn = self.k().read().await?;
        let units: Vec<FireUnit> = q::fire_units_under(&mut conn, &who.org_path)
            .await?
            .into_iter()
            .filter(|u| u.available)
            .collect();
        drop(conn);
        let Ok(target) = roads.snap(to.lat, to.lon) else {
            return Ok(Vec::new());
        };
        let placed: Vec<(usize, jingwu_routing::Position)> = units
            .iter()
            .enumerate()
            .filter_map(|(i, u)| roads.snap(u.lat, u.lon).ok().map(|p| (i, p)))
            .collect();
        let positions: Vec<_> = placed.iter().map(|(_, p)| *p).collect();
        let etas = roads.rank(&positions, &target, FIRE_UNITS_RANKED, FIRE_UNIT_LIMIT_S);
        Ok(etas
            .into_iter()
            .filter_map(|e| {
                let (i, _) = placed.get(e.unit)?;
                Some(FireUnitEta {
                    unit: units.get(*i)?.clone(),
                    eta_s: f64::from(e.time_ms) / 1000.0,
                })
            })
            .collect())
    }

    /// Records a linkage step (each once; the alarm is recorded when the response opens).
    pub async fn record_step(
        &self,
        who: &Principal,
        id: &ResponseId,
        step: LinkageStep,
        note: &str,
        ctx: &RequestCtx,
    ) -> Result<ResponseDetail> {
        if note.chars().count() > 500 {
            return Err(AppError::invalid(
                "note",
                field::TEXT_LENGTH.code,
                "at most 500 characters",
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let path = self.commandable(tx.db(), who, id).await?;
                if q::steps(tx.db(), id.as_str())
                    .await?
                    .iter()
                    .any(|s| s.step == step)
                {
                    return Err(AppError::Conflict {
                        code: codes::STEP_DONE.code,
                        detail: format!("{} is recorded already", step.label_en()),
                    });
                }
                let s = StepDone {
                    step,
                    done_at: tx.now_us(),
                    actor_id: UserId::from(who.user_id.as_str()),
                    note: note.trim().to_owned(),
                };
                q::insert_step(tx.db(), id.as_str(), &s).await?;
                tx.audit(
                    "hazmat.response.step",
                    ("hazmat_response", id.as_str()),
                    &path,
                    serde_json::to_value(&s).unwrap_or_default(),
                )
                .await?;
                publish_response(tx, id, path);
                Ok(())
            })
            .await?;
        self.response(who, id).await
    }

    /// Adds a field reading; the picture re-estimates the source from all readings.
    pub async fn add_reading(
        &self,
        who: &Principal,
        id: &ResponseId,
        n: &NewReading,
        ctx: &RequestCtx,
    ) -> Result<ResponseDetail> {
        let mut errs = Vec::new();
        check_position(n.lat, n.lon, &mut errs);
        check_range("ppm", n.ppm, 0.0, 1_000_000.0, &mut errs);
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let path = self.commandable(tx.db(), who, id).await?;
                let x = Reading {
                    id: ReadingId::new(),
                    response_id: id.clone(),
                    at: tx.now_us(),
                    lat: n.lat,
                    lon: n.lon,
                    ppm: n.ppm,
                    source: n.source,
                    reported_by: UserId::from(who.user_id.as_str()),
                };
                q::insert_reading(tx.db(), &x).await?;
                tx.audit(
                    "hazmat.response.reading",
                    ("hazmat_response", id.as_str()),
                    &path,
                    serde_json::to_value(&x).unwrap_or_default(),
                )
                .await?;
                publish_response(tx, id, path);
                Ok(())
            })
            .await?;
        self.response(who, id).await
    }

    /// Closes a response; its record stays as it was.
    pub async fn close_response(
        &self,
        who: &Principal,
        id: &ResponseId,
        ctx: &RequestCtx,
    ) -> Result<ResponseDetail> {
        self.k()
            .write(who, ctx, async |tx| {
                let path = self.commandable(tx.db(), who, id).await?;
                let now = tx.now_us();
                q::close_response(tx.db(), id.as_str(), now).await?;
                tx.audit(
                    "hazmat.response.close",
                    ("hazmat_response", id.as_str()),
                    &path,
                    serde_json::json!({}),
                )
                .await?;
                publish_response(tx, id, path);
                Ok(())
            })
            .await?;
        self.response(who, id).await
    }

    /// The org path of an open response the caller may command (404 out of scope, 409 closed).
    pub(super) async fn commandable(
        &self,
        db: &mut impl Conn,
        who: &Principal,
        id: &ResponseId,
    ) -> Result<String> {
        let (r, path) = q::response(db, id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "response" })?;
        jingwu_hazmat::policy::may_command(who, &path)
            .map_err(|d| AppError::denied_object(d, "response"))?;
        if r.closed_at.is_some() {
            return Err(AppError::Conflict {
                code: codes::RESPONSE_CLOSED.code,
                detail: "the response is closed".into(),
            });
        }
        Ok(path)
    }
}

/// The box around all of `boxes`.
fn union(boxes: &[zone::Bbox]) -> Option<zone::Bbox> {
    boxes.iter().copied().reduce(|a, b| zone::Bbox {
        min_lat: a.min_lat.min(b.min_lat),
        min_lon: a.min_lon.min(b.min_lon),
        max_lat: a.max_lat.max(b.max_lat),
        max_lon: a.max_lon.max(b.max_lon),
    })
}

/// A place and the worst zone it is in, if it is in one or in the isolation circle.
fn inside(
    zones: &ZoneResult,
    source: LatLon,
    isolation: Option<&Circle>,
    id: String,
    name: String,
    lat: f64,
    lon: f64,
) -> Option<Inside> {
    let distance_m = jingwu_core::geo::haversine_m(lat, lon, source.lat, source.lon).round();
    // The release point is a vertex of every zone outline, which a point-in-polygon test may
    // leave out; it lies in the worst zone there is.
    let tier = if distance_m < 1.0 {
        zones
            .zones
            .iter()
            .filter(|z| !z.polygon.is_empty())
            .map(|z| z.tier)
            .max()
    } else {
        zone::tier_at(zones, LatLon { lat, lon })
    };
    let isolation = isolation.is_some_and(|c| {
        jingwu_core::geo::haversine_m(lat, lon, c.center.lat, c.center.lon) <= c.radius_m
    });
    (tier.is_some() || isolation).then_some(Inside {
        id,
        name,
        lat,
        lon,
        tier,
        isolation,
        distance_m,
    })
}

pub(super) fn publish_response(tx: &mut crate::Tx, id: &ResponseId, org_path: String) {
    tx.publish(LiveEvent::Hazmat {
        kind: "response",
        response_id: Some(id.to_string()),
        org_path,
    });
}
