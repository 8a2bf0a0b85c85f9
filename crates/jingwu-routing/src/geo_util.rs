//! Small geodesy helpers: coordinate checks and a local equirectangular projection. Distance is
//! `jingwu-core`'s one [`haversine_m`], re-exported as `jingwu_routing::haversine_m` for the
//! crates that import it from here.

pub use jingwu_core::geo::{EARTH_RADIUS_M, haversine_m};

use crate::GraphError;

/// Validates a WGS84 coordinate.
///
/// # Errors
/// Latitude outside [-90, 90], longitude outside [-180, 180], or not finite.
pub fn check_coord(lat: f64, lon: f64) -> Result<(), GraphError> {
    if lat.is_finite()
        && lon.is_finite()
        && (-90.0..=90.0).contains(&lat)
        && (-180.0..=180.0).contains(&lon)
    {
        Ok(())
    } else {
        Err(GraphError::BadCoordinate { lat, lon })
    }
}

/// Equirectangular projection around a reference latitude: accurate to well under 1% over a
/// city, which is all snapping and sampling need.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalProjection {
    lat0: f64,
    lon0: f64,
    kx: f64,
    ky: f64,
}

impl LocalProjection {
    #[must_use]
    pub fn new(lat0: f64, lon0: f64) -> Self {
        let ky = EARTH_RADIUS_M.to_radians_factor();
        Self {
            lat0,
            lon0,
            kx: ky * lat0.to_radians().cos(),
            ky,
        }
    }

    /// `(x, y)` metres east and north of the reference point.
    #[must_use]
    pub fn project(&self, lat: f64, lon: f64) -> [f64; 2] {
        [(lon - self.lon0) * self.kx, (lat - self.lat0) * self.ky]
    }

    /// Inverse of [`LocalProjection::project`]: `(lat, lon)`.
    #[must_use]
    pub fn unproject(&self, p: [f64; 2]) -> (f64, f64) {
        (self.lat0 + p[1] / self.ky, self.lon0 + p[0] / self.kx)
    }
}

trait RadiansFactor {
    fn to_radians_factor(self) -> f64;
}

impl RadiansFactor for f64 {
    /// Metres per degree of arc on a sphere of this radius.
    fn to_radians_factor(self) -> f64 {
        self * std::f64::consts::PI / 180.0
    }
}

/// Linear interpolation between two `(lat, lon)` points.
#[must_use]
pub fn lerp(a: (f64, f64), b: (f64, f64), t: f64) -> (f64, f64) {
    (a.0 + (b.0 - a.0) * t, a.1 + (b.1 - a.1) * t)
}
