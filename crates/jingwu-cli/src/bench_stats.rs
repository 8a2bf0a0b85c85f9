//! Order statistics shared by the benches.

/// The nearest-rank `p` quantile (0 < p <= 1) of `v`: the smallest value with at least a
/// fraction `p` of the values at or below it; NaN when `v` is empty.
pub fn quantile(mut v: Vec<f64>, p: f64) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    v[((n as f64 * p).ceil() as usize).clamp(1, n) - 1]
}

/// Median and 95th percentile (nearest rank).
pub fn median_p95(v: Vec<f64>) -> (f64, f64) {
    (quantile(v.clone(), 0.5), quantile(v, 0.95))
}
