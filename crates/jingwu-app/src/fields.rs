//! Checks of the identifiers people type, shared by every system's use cases: each collects a
//! field error (with the platform's stable field codes) instead of failing at the first, so a
//! form comes back with every problem at once.

use crate::{AppError, Result};

/// A resident ID (GB 11643, the birth date not after `today`) normalised, or an error on
/// `name` (and an empty string).
pub(crate) fn checked_resident_id(
    name: &str,
    s: &str,
    today: jiff::civil::Date,
    errs: &mut Vec<crate::FieldError>,
) -> String {
    let today = (
        today.year().into(),
        today.month() as u32,
        today.day() as u32,
    );
    match jingwu_validate::ResidentId::parse(s, today) {
        Ok(r) => r.as_str().to_owned(),
        Err(e) => {
            errs.push(crate::FieldError::new(
                name,
                jingwu_traffic::error_codes::field::RESIDENT_ID.code,
                e.to_string(),
            ));
            String::new()
        }
    }
}

/// A mainland mobile number normalised, or an error on `name` (and an empty string).
pub(crate) fn checked_mobile(name: &str, s: &str, errs: &mut Vec<crate::FieldError>) -> String {
    match jingwu_validate::MobileNumber::parse(s) {
        Ok(m) => m.as_str().to_owned(),
        Err(e) => {
            errs.push(crate::FieldError::new(
                name,
                jingwu_traffic::error_codes::field::MOBILE.code,
                e.to_string(),
            ));
            String::new()
        }
    }
}

/// Fails with the field errors collected, if any.
pub(crate) fn no_errors(errs: Vec<crate::FieldError>) -> Result<()> {
    if errs.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errs))
    }
}
