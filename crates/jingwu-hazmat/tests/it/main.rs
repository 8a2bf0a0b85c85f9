//! The hazmat models against hand-computed values from the published coefficients, worked
//! examples, property tests and the CAP schema.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod cap;
mod dispersion;
mod erg;
mod metar;
mod properties;
mod response;
mod sigma;
mod source_fit;
mod stability;
mod zone;

/// Asserts |got − want| ≤ tol · |want|.
#[track_caller]
pub fn rel(got: f64, want: f64, tol: f64) {
    let err = (got - want).abs();
    assert!(
        err <= tol * want.abs(),
        "got {got}, want {want} (relative error {:e} > {tol:e})",
        err / want.abs()
    );
}

pub const TOL: f64 = 1e-6;
