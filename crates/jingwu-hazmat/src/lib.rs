//! The smart fire and hazmat domain as a pure functional core: no I/O, no async, no database.
//!
//! Models (formulas, coefficients and sources in `docs/hazmat-models.md` and in each
//! module's documentation):
//! * [`sigma`] — dispersion coefficient sets (Briggs rural and urban, ISC3 rural, Martin 1976,
//!   CCPS puff) by Pasquill–Gifford class.
//! * [`wind`] — wind speed at release height (power law).
//! * [`dispersion`] — Gaussian plume (continuous) and puff (instantaneous) with ground reflection.
//! * [`stability`] — stability class from observations: Pasquill table, Turner net-radiation
//!   index, solar radiation / ΔT, GB/T 3840-91; solar altitude.
//! * [`zone`] — threat zones at levels of concern as polygons, local ENU ↔ WGS 84, GeoJSON.
//! * [`erg`] — initial isolation circle and protective-action square.
//! * [`metar`] — METAR wind and cloud input.
//! * [`source_fit`] — re-estimating the release rate from field readings.
//! * [`response`] — the "1335" response: three levels, four linkage steps, 1/3/5-minute targets.
//! * [`cap`] — OASIS CAP 1.2 alerts with the checks the schema does not make.
//!
//! The model conventions (x clamping, low-wind floor, half classes, METAR cloud, the 1335
//! reading) are summarised in `docs/hazmat-models.md`. The most used types and functions are
//! re-exported at the crate root.
//!
//! Registries and access:
//! * [`records`] — enterprises, chemicals, vehicles, stations and observations as the store keeps them.
//! * [`reference`] — the chemicals a new bureau starts with, and where their values come from.
//! * [`import`] — CSV rows of the enterprise registry, checked line by line and field by field.
//! * [`policy`] — object-level access rules of the hazmat system.
//! * [`error_codes`] — the system's stable problem and field codes.

pub mod cap;
pub mod dispersion;
pub mod erg;
pub mod error_codes;
pub mod import;
pub mod metar;
pub mod policy;
pub mod records;
pub mod reference;
pub mod response;
pub mod sigma;
pub mod source_fit;
pub mod stability;
pub mod wind;
pub mod zone;

pub use jingwu_core::UnknownCode;

pub use cap::{Alert, CapError, render as render_cap};
pub use dispersion::{plume, plume_at, puff, puff_at, puff_peak};
pub use erg::{Circle, ErgDistances, SpillSize, circle_ring, isolation_circle, protective_square};
pub use metar::{Metar, MetarError};
pub use response::{
    LevelFacts, LinkageStep, ResponseLevel, StepStatus, response_level, step_statuses,
};
pub use sigma::{PuffSigmas, SigmaSet, Sigmas, Stability, puff_sigmas, sigmas};
pub use source_fit::{FieldReading, FitError, FitResult, fit_release_rate};
pub use stability::{StabilityEstimate, StabilityMethod, WeatherInput, solar_altitude_deg};
pub use wind::{Terrain, wind_at_height};
pub use zone::{
    Bbox, LatLon, LevelOfConcern, Release, ThreatZone, ZoneError, ZoneFlag, ZoneInput, ZoneResult,
    bbox, from_local, geojson, polygon_contains, threat_zones, tier_at, to_local,
};
