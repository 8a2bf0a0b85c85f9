//! The hazmat system's records as the store keeps them: the registries (chemicals,
//! enterprises and their stocks, transport vehicles, weather stations and observations, fire
//! units) and the response to a release (the response, its linkage steps, field readings and
//! the CAP alerts issued). Instants are `i64` microseconds since the Unix epoch.

use jingwu_core::{IncidentId, OrgId, UserId};
use serde::{Deserialize, Serialize};

use crate::erg::{ErgDistances, SpillSize};
use crate::response::{LinkageStep, ResponseLevel};
use crate::sigma::SigmaSet;
use crate::wind::Terrain;

jingwu_core::id_newtype! {
    pub struct ChemicalId;
    pub struct EnterpriseId;
    pub struct VehicleId;
    pub struct StationId;
    pub struct FireUnitId;
    pub struct ResponseId;
    pub struct ReadingId;
    pub struct CapAlertId;
}

/// Standard molar volume at 25 °C and 1 atm (L/mol), for ppm ↔ mg/m³ (hazmat.md §8).
pub const MOLAR_VOLUME_L: f64 = 24.45;

/// Converts a gas concentration from ppm (by volume) to g/m³ at 25 °C, 1 atm:
/// mg/m³ = ppm × MW / 24.45.
#[must_use]
pub fn ppm_to_g_m3(ppm: f64, molecular_weight: f64) -> f64 {
    ppm * molecular_weight / MOLAR_VOLUME_L / 1000.0
}

/// Converts g/m³ back to ppm (the inverse of [`ppm_to_g_m3`]).
#[must_use]
pub fn g_m3_to_ppm(g_m3: f64, molecular_weight: f64) -> f64 {
    g_m3 * 1000.0 * MOLAR_VOLUME_L / molecular_weight
}

/// A chemical with its levels of concern. AEGLs are always kept with their exposure duration
/// (never mix durations: hazmat.md §8).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chemical {
    pub id: ChemicalId,
    /// Four-digit UN number (validated by `jingwu_validate::un_number`).
    pub un_number: String,
    pub name_zh: String,
    pub name_en: String,
    /// UN hazard class or division, e.g. `2.3`.
    pub hazard_class: String,
    /// g/mol, for ppm ↔ g/m³.
    pub molecular_weight: f64,
    /// ERG guide number (e.g. 124 for chlorine).
    pub erg_guide: i64,
    /// Heavier than air as released (chlorine, cold ammonia, LPG): Gaussian results are
    /// screening only (hazmat.md §6).
    pub dense_gas: bool,
    /// Exposure duration of the AEGL values below, minutes.
    pub aegl_minutes: i64,
    /// AEGL-1, -2, -3 in ppm, where published.
    pub aegl_ppm: [Option<f64>; 3],
    /// ERPG-1, -2, -3 in ppm, where published (the next tier when an AEGL is missing).
    pub erpg_ppm: [Option<f64>; 3],
    pub erg_small: Option<ErgDistances>,
    /// `None` where ERG Table 1 refers large spills to Table 3.
    pub erg_large: Option<ErgDistances>,
}

impl Chemical {
    /// The level of concern for `tier` (1–3) in ppm and what it is: the AEGL of the stored
    /// duration first, then the ERPG (the ALOHA default hierarchy, hazmat.md §8).
    #[must_use]
    pub fn level_ppm(&self, tier: u8) -> Option<(f64, String)> {
        let i = usize::from(tier.checked_sub(1)?);
        if let Some(v) = self.aegl_ppm.get(i).copied().flatten() {
            return Some((v, format!("AEGL-{tier} {} min {v} ppm", self.aegl_minutes)));
        }
        let v = self.erpg_ppm.get(i).copied().flatten()?;
        Some((v, format!("ERPG-{tier} {v} ppm")))
    }

    /// The ERG Table 1 distances for a spill size (`None` for a large spill the guide refers
    /// to Table 3, or a chemical without green-page entries).
    #[must_use]
    pub fn erg(&self, size: SpillSize) -> Option<ErgDistances> {
        match size {
            SpillSize::Small => self.erg_small,
            SpillSize::Large => self.erg_large,
        }
    }
}

/// A chemical held by an enterprise.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stock {
    pub chemical_id: ChemicalId,
    pub un_number: String,
    pub name_zh: String,
    pub quantity_kg: f64,
}

/// A hazmat enterprise (production, storage, use).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Enterprise {
    pub id: EnterpriseId,
    /// The jurisdiction that supervises it.
    pub org_id: OrgId,
    /// Unified social credit code (GB 32100), validated.
    pub uscc: String,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub contact_name: String,
    pub contact_phone: String,
    pub stocks: Vec<Stock>,
    pub created_at: i64,
}

/// A hazmat transport vehicle and its last known position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vehicle {
    pub id: VehicleId,
    pub org_id: OrgId,
    /// Plate (GA 36), validated.
    pub plate: String,
    pub carrier: String,
    pub chemical_id: Option<ChemicalId>,
    pub cargo_kg: f64,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub fix_at: Option<i64>,
}

/// A weather station.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Station {
    pub id: StationId,
    /// The network's own station code (e.g. `K1234` or an ICAO code for airports).
    pub code: String,
    pub name: String,
    pub org_id: OrgId,
    pub lat: f64,
    pub lon: f64,
    pub elev_m: f64,
}

jingwu_core::text_enum! {
    /// How an observation arrived.
    pub enum ObservationSource: "observation source" {
        Json = "json" ("JSON 数据", "JSON"),
        Metar = "metar" ("METAR 报文", "METAR"),
    }
}

/// An observation older than this is stale and feeds no zone (seconds). Stations report every
/// 1 to 10 minutes; an hour-old wind says little about the plume now.
pub const OBSERVATION_FRESH_S: i64 = 3600;

/// One observation of a station (hazmat.md §11). Winds are 10-minute means at 10 m; the
/// direction is where the wind blows from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Observation {
    pub station_id: StationId,
    pub obs_at: i64,
    pub received_at: i64,
    pub source: ObservationSource,
    /// `None` for a variable wind (METAR `VRB`).
    pub wind_from_deg: Option<f64>,
    pub wind_speed_ms: f64,
    pub gust_ms: Option<f64>,
    pub temp_c: Option<f64>,
    pub rh_pct: Option<f64>,
    pub pressure_hpa: Option<f64>,
    pub total_cloud_tenths: Option<f64>,
    pub low_cloud_tenths: Option<f64>,
    pub ceiling_m: Option<f64>,
    pub global_solar_wm2: Option<f64>,
    pub delta_t_c: Option<f64>,
    pub sigma_theta_deg: Option<f64>,
    /// Quality-control flags from the network; a flagged observation is not used.
    pub qc_flags: Vec<String>,
}

impl Observation {
    /// Usable for a zone at `now`: unflagged, with a wind direction, and fresh.
    #[must_use]
    pub fn usable_at(&self, now: i64) -> bool {
        self.qc_flags.is_empty()
            && self.wind_from_deg.is_some()
            && now.saturating_sub(self.obs_at) <= OBSERVATION_FRESH_S * 1_000_000
    }
}

jingwu_core::text_enum! {
    /// What a fire unit is.
    pub enum FireUnitKind: "fire unit kind" {
        Pumper = "pumper" ("水罐消防车", "Pumper"),
        Foam = "foam" ("泡沫消防车", "Foam tender"),
        Hazmat = "hazmat" ("危化品处置车", "Hazmat unit"),
        Rescue = "rescue" ("抢险救援车", "Rescue unit"),
        Ladder = "ladder" ("登高平台车", "Aerial ladder"),
        Command = "command" ("指挥车", "Command vehicle"),
    }
}

/// A fire appliance, placed at its station or its last fix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FireUnit {
    pub id: FireUnitId,
    pub org_id: OrgId,
    pub call_sign: String,
    pub kind: FireUnitKind,
    pub station_name: String,
    pub lat: f64,
    pub lon: f64,
    pub available: bool,
}

jingwu_core::text_enum! {
    /// How the released amount is given.
    pub enum ReleaseKind: "release kind" {
        /// A continuous release at a rate (g/s): Gaussian plume.
        Continuous = "continuous" ("持续泄漏", "Continuous"),
        /// An instantaneous release of a mass (g): Gaussian puff.
        Instantaneous = "instantaneous" ("瞬时泄漏", "Instantaneous"),
    }
}

/// The response to one release ("1335").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Response {
    pub id: ResponseId,
    /// The jurisdiction that commands it.
    pub org_id: OrgId,
    /// The 110 incident it answers, when the call came through 110.
    pub incident_id: Option<IncidentId>,
    /// The enterprise where it happened, if at one.
    pub enterprise_id: Option<EnterpriseId>,
    pub title: String,
    pub chemical_id: ChemicalId,
    pub lat: f64,
    pub lon: f64,
    pub release_kind: ReleaseKind,
    /// g/s for a continuous release, g for an instantaneous one.
    pub amount: f64,
    /// Effective release height, m.
    pub height_m: f64,
    pub spill: SpillSize,
    /// The dispersion coefficients used (urban sets for the city, rural for open country).
    pub sigma_set: SigmaSet,
    /// Terrain for the wind-profile exponent.
    pub terrain: Terrain,
    pub level: ResponseLevel,
    /// When the alarm was raised (the 1/3/5-minute clock starts here).
    pub alarm_at: i64,
    pub created_at: i64,
    pub created_by: UserId,
    pub closed_at: Option<i64>,
}

/// A linkage step done.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepDone {
    pub step: LinkageStep,
    pub done_at: i64,
    pub actor_id: UserId,
    pub note: String,
}

jingwu_core::text_enum! {
    /// What measured a field reading.
    pub enum ReadingSource: "reading source" {
        Robot = "robot" ("消防机器人", "Robot"),
        Drone = "drone" ("无人机", "Drone"),
        Handheld = "handheld" ("手持检测仪", "Hand-held detector"),
    }
}

/// A gas concentration measured in the field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub id: ReadingId,
    pub response_id: ResponseId,
    pub at: i64,
    pub lat: f64,
    pub lon: f64,
    pub ppm: f64,
    pub source: ReadingSource,
    pub reported_by: UserId,
}

/// A CAP alert as issued.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapAlertRecord {
    pub id: CapAlertId,
    pub response_id: ResponseId,
    /// The CAP `identifier`, unique per sender.
    pub identifier: String,
    /// `Alert`, `Update` or `Cancel`.
    pub msg_type: String,
    pub sent_at: i64,
    pub xml: String,
}
