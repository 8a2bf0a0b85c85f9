//! Great-circle distance on WGS 84 coordinates, the one definition every crate uses (duplicate
//! detection, road lengths, nearest sites).
//!
//! The haversine formula on a sphere (R. W. Sinnott, "Virtues of the Haversine", *Sky and
//! Telescope* 68(2), 1984) with the IUGG mean Earth radius R₁ = (2a + b) / 3 = 6 371 008.8 m
//! (H. Moritz, "Geodetic Reference System 1980", *Journal of Geodesy* 74, 2000). Against the
//! WGS 84 ellipsoid the sphere errs by at most about 0.5 %, far below what a city's distances
//! need; the haversine form stays accurate for short distances where the spherical law of
//! cosines loses digits.

/// Mean Earth radius R₁ (IUGG, GRS 80), metres.
pub const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres between two points given as latitude and longitude in
/// degrees. Not-a-number in, not-a-number out.
#[must_use]
pub fn haversine_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    // Rounding can push h a hair above 1 for antipodal points; `clamp` (unlike `min`) keeps a
    // NaN, so bad coordinates never pass for a real distance.
    2.0 * EARTH_RADIUS_M * h.sqrt().clamp(0.0, 1.0).asin()
}

#[cfg(test)]
mod tests {
    use std::f64::consts::PI;

    use super::*;

    fn close(got: f64, want: f64, tol: f64) {
        assert!((got - want).abs() <= tol, "got {got}, want {want} ± {tol}");
    }

    #[test]
    fn arcs_of_known_length() {
        let quarter = EARTH_RADIUS_M * PI / 2.0;
        close(haversine_m(0.0, 0.0, 0.0, 0.0), 0.0, 0.0);
        close(haversine_m(0.0, 0.0, 90.0, 0.0), quarter, 1e-6);
        close(haversine_m(0.0, 0.0, 0.0, 90.0), quarter, 1e-6);
        // antipodes: half a great circle, not NaN
        close(haversine_m(0.0, 0.0, 0.0, 180.0), 2.0 * quarter, 1e-6);
        close(haversine_m(30.0, 121.0, -30.0, -59.0), 2.0 * quarter, 1e-6);
        // one degree of latitude anywhere, and 1e-6 degrees (about 0.11 m)
        close(
            haversine_m(29.0, 121.5, 30.0, 121.5),
            EARTH_RADIUS_M * PI / 180.0,
            1e-6,
        );
        close(
            haversine_m(29.87, 121.55, 29.870_001, 121.55),
            0.111_19,
            1e-4,
        );
    }

    #[test]
    fn symmetric_and_wraps_the_antimeridian() {
        let d = haversine_m(29.87, 121.55, 29.9, 121.6);
        assert_eq!(d, haversine_m(29.9, 121.6, 29.87, 121.55));
        close(
            haversine_m(0.0, 179.5, 0.0, -179.5),
            haversine_m(0.0, 0.0, 0.0, 1.0),
            1e-6,
        );
    }

    #[test]
    fn city_distance_against_the_ellipsoid() {
        // Two points in central Ningbo: 961.91 m on the WGS 84 ellipsoid (Vincenty's inverse
        // formula, computed separately); the sphere must stay within its 0.5 % bound.
        close(
            haversine_m(29.8714, 121.5500, 29.8640, 121.5448),
            961.91,
            961.91 * 0.005,
        );
    }

    #[test]
    fn nan_in_nan_out() {
        assert!(haversine_m(f64::NAN, 0.0, 0.0, 0.0).is_nan());
        assert!(haversine_m(0.0, 0.0, 0.0, f64::INFINITY).is_nan());
    }
}
