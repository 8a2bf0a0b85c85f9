//! Coverage over time: when the coverage job samples, how long samples are kept, and how a
//! period's samples are averaged into at most [`MAX_POINTS`] points per org unit for a chart.

use crate::records::CoverageSample;

/// One sample per org unit every 15 minutes: fine enough for a day's curve, and a quarter-hour
/// slot is what command rooms report duty figures in.
pub const SAMPLE_EVERY_US: i64 = 15 * 60 * 1_000_000;
/// Samples are kept this long (a quarter, for comparing the same weeks of two months).
pub const KEEP_DAYS: i64 = 92;
/// Longest period asked for at once.
pub const MAX_PERIOD_DAYS: i64 = KEEP_DAYS;
/// Most points per org unit in an answer; longer periods are averaged into wider steps.
pub const MAX_POINTS: i64 = 500;

/// The sampling slot an instant falls in (its start): every node that samples within one
/// slot writes the same row.
pub const fn slot(at_us: i64) -> i64 {
    at_us - at_us.rem_euclid(SAMPLE_EVERY_US)
}

/// The step of a period's points: the sampling interval, or wider so that at most
/// [`MAX_POINTS`] fit, in whole sampling intervals.
pub fn step_us(from_us: i64, to_us: i64) -> i64 {
    let span = (to_us - from_us).max(1);
    let slots = (span / MAX_POINTS).div_euclid(SAMPLE_EVERY_US) + 1;
    slots.max(1) * SAMPLE_EVERY_US
}

/// A point of a coverage curve: the mean of the samples in `[at_us, at_us + step)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    pub at_us: i64,
    /// Mean road shares within 60, 180 and 300 s.
    pub shares: [f64; 3],
    pub units_counted: f64,
    pub samples: usize,
}

/// Averages one org unit's samples (ordered by time) into points of `step` from `from`.
pub fn points(samples: &[CoverageSample], from_us: i64, step: i64) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::new();
    for s in samples {
        let at = from_us + (s.at_us - from_us).div_euclid(step) * step;
        if out.last().is_none_or(|p| p.at_us != at) {
            out.push(Point {
                at_us: at,
                shares: [0.0; 3],
                units_counted: 0.0,
                samples: 0,
            });
        }
        let Some(p) = out.last_mut() else { continue };
        // Running means: exact for any count, no separate pass.
        p.samples += 1;
        let n = p.samples as f64;
        for (m, v) in p.shares.iter_mut().zip(s.shares) {
            *m += (v - *m) / n;
        }
        p.units_counted += (s.units_counted as f64 - p.units_counted) / n;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(at_us: i64, share: f64, units: i64) -> CoverageSample {
        CoverageSample {
            org_id: "o".into(),
            at_us,
            shares: [share / 2.0, share, share],
            units_counted: units,
        }
    }

    #[test]
    fn slots_and_steps_are_whole_sampling_intervals() {
        let e = SAMPLE_EVERY_US;
        assert_eq!(slot(e * 3 + 5), e * 3);
        assert_eq!(slot(e * 3), e * 3);
        assert_eq!(step_us(0, e * 10), e);
        let day = 86_400 * 1_000_000;
        assert_eq!(step_us(0, day), e, "a day is 96 samples");
        let quarter = KEEP_DAYS * day;
        let step = step_us(0, quarter);
        assert_eq!(step % e, 0);
        assert!(quarter / step <= MAX_POINTS, "{}", quarter / step);
    }

    #[test]
    fn points_average_the_samples_of_each_step() {
        let e = SAMPLE_EVERY_US;
        let s = [
            sample(0, 0.4, 10),
            sample(e, 0.6, 20),
            sample(2 * e, 0.9, 30),
        ];
        let p = points(&s, 0, 2 * e);
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].at_us, p[0].samples), (0, 2));
        assert!((p[0].shares[1] - 0.5).abs() < 1e-12);
        assert!((p[0].shares[0] - 0.25).abs() < 1e-12);
        assert!((p[0].units_counted - 15.0).abs() < 1e-12);
        assert_eq!((p[1].at_us, p[1].samples), (2 * e, 1));
        assert!((p[1].shares[2] - 0.9).abs() < 1e-12);
        assert!(points(&[], 0, e).is_empty());
    }
}
