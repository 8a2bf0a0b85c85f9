//! Smart fire and hazmat response: the registries (enterprises, vehicles, weather stations and
//! their observations, fire units), the live weather picked for a release, and the "1335"
//! response — zones from the nearest stations' wind, the impact inside them, fire units by road
//! travel time, linkage steps, field readings and CAP alerts. The models are
//! `jingwu-hazmat`'s; the road network is the 110 system's (`app.command().roads()`).

mod alerts;
mod index;
mod registry;
mod response;
mod weather;

pub use registry::{
    EnterpriseImport, EnterprisePage, NewChemical, NewEnterprise, NewFireUnit, NewStation,
    NewVehicle, ObservationInput, StationView,
};
pub use response::{
    FireUnitEta, Impact, Inside, NewReading, NewResponse, ResponseDetail, ResponseSummary,
    ZonePicture,
};
pub use weather::{WeatherPick, WindSource};

use crate::foundation::owning_org;

use jingwu_core::{Principal, path_contains};

use crate::{App, AppError, Kernel, Result};

/// The hazmat system's use cases (see [`App::hazmat`]).
#[derive(Clone, Copy)]
pub struct Hazmat<'a> {
    pub(crate) app: &'a App,
}

/// State the hazmat system keeps between requests: the enterprises' places in memory.
#[derive(Default)]
pub(crate) struct HazmatState {
    enterprises: index::IndexCell,
}

impl Hazmat<'_> {
    fn k(&self) -> &Kernel {
        self.app.kernel()
    }

    fn state(&self) -> &HazmatState {
        &self.app.inner.hazmat
    }

    fn now_us(&self) -> i64 {
        self.k().now_us()
    }
}

/// Checks a WGS 84 position, naming the fields.
fn check_position(lat: f64, lon: f64, errs: &mut Vec<crate::FieldError>) {
    if !(lat.is_finite() && (-90.0..=90.0).contains(&lat)) {
        errs.push(crate::FieldError::new(
            "lat",
            jingwu_core::problem_codes::field::LAT_RANGE.code,
            "−90 to 90",
        ));
    }
    if !(lon.is_finite() && (-180.0..=180.0).contains(&lon)) {
        errs.push(crate::FieldError::new(
            "lon",
            jingwu_core::problem_codes::field::LON_RANGE.code,
            "−180 to 180",
        ));
    }
}

/// Checks a required text of at most `max` characters.
fn check_text(name: &str, value: &str, max: usize, errs: &mut Vec<crate::FieldError>) {
    use jingwu_hazmat::error_codes::field;
    if value.trim().is_empty() {
        errs.push(crate::FieldError::new(
            name,
            field::TEXT_REQUIRED.code,
            "required",
        ));
    } else if value.chars().count() > max {
        errs.push(crate::FieldError::new(
            name,
            field::TEXT_LENGTH.code,
            format!("at most {max} characters"),
        ));
    }
}

/// Checks a number against an inclusive range.
fn check_range(name: &str, v: f64, lo: f64, hi: f64, errs: &mut Vec<crate::FieldError>) {
    if !(v.is_finite() && (lo..=hi).contains(&v)) {
        errs.push(crate::FieldError::new(
            name,
            jingwu_hazmat::error_codes::field::NUMBER_RANGE.code,
            format!("{lo} to {hi}"),
        ));
    }
}

/// Which live events a hazmat subscriber hears: hazmat changes in its subtree, and every
/// weather change (weather is everybody's, and it moves every zone).
#[derive(Debug, Clone)]
pub struct HazmatLiveScope {
    who: Principal,
}

impl HazmatLiveScope {
    #[must_use]
    pub fn allows(&self, e: &crate::LiveEvent) -> bool {
        match e {
            crate::LiveEvent::Hazmat { kind, org_path, .. } => {
                *kind == "weather" || path_contains(&self.who.org_path, org_path)
            }
            _ => false,
        }
    }
}

impl Hazmat<'_> {
    /// The filter of a hazmat event stream.
    pub async fn live_scope(&self, who: &Principal) -> Result<HazmatLiveScope> {
        jingwu_core::authorize(
            who,
            jingwu_core::Action::ReadHazmat,
            jingwu_core::Scope::Org(&who.org_path),
        )
        .map_err(AppError::denied_scope)?;
        Ok(HazmatLiveScope { who: who.clone() })
    }
}

impl App {
    /// Smart fire and hazmat response.
    pub fn hazmat(&self) -> Hazmat<'_> {
        Hazmat { app: self }
    }
}
