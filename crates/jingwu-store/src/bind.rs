//! Values bound into SQL in a form both backends read alike.

/// An optional double bound as text, for SQL that reads it as `CAST($n AS DOUBLE PRECISION)`.
/// sqlx 0.8's `Any` driver sends a `None` double to PostgreSQL as a `float4` null, and the
/// statement it prepares keeps that type, so a later `Some` of the same statement fails
/// ("incorrect binary data format"); text has one type either way, and Rust prints doubles
/// exactly (shortest round-trip form).
pub(crate) fn opt_f64(v: Option<f64>) -> Option<String> {
    v.map(|x| x.to_string())
}
