//! Small geodesy helpers: haversine distance and a local equirectangular projection.

use crate::GraphError;

/// Mean Earth radius in metres (IUGG).
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

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

/// Great-circle distance in metres.
#[must_use]
pub fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
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
