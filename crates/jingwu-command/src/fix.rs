//! The plausibility of a terminal's position fix beyond its coordinates: speed and heading.
//! A fix outside these bounds is a terminal fault or a forgery, and stored it would move the
//! unit's ETA and the recommendation, so the batch is refused (issue 10).

/// Highest speed a fix may report, km/h: above any road vehicle the bureau runs (and a
/// helicopter's cruise), so only nonsense is refused.
pub const MAX_SPEED_KMH: f64 = 400.0;

/// Degrees clockwise from true north; 360 is accepted as the same as 0 (NMEA RMC's course
/// over ground is 0–359.9, some terminals round up).
pub const MAX_HEADING_DEG: f64 = 360.0;

/// Whether a reported speed (km/h) is plausible: 0 to [`MAX_SPEED_KMH`].
pub fn speed_plausible(kmh: f64) -> bool {
    (0.0..=MAX_SPEED_KMH).contains(&kmh)
}

/// Whether a reported heading (degrees) is 0 to [`MAX_HEADING_DEG`].
pub fn heading_plausible(deg: f64) -> bool {
    (0.0..=MAX_HEADING_DEG).contains(&deg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive_and_nonsense_is_refused() {
        assert!(speed_plausible(0.0) && speed_plausible(400.0));
        assert!(!speed_plausible(-1.0) && !speed_plausible(400.1) && !speed_plausible(f64::NAN));
        assert!(heading_plausible(0.0) && heading_plausible(360.0));
        assert!(
            !heading_plausible(-0.5)
                && !heading_plausible(361.0)
                && !heading_plausible(f64::INFINITY)
        );
    }
}
