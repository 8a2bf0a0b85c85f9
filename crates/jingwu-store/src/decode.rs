//! Stored text codes back into the domain's enums (any `jingwu_core::TextEnum`). A code the
//! domain does not know is a decoding error naming the column's meaning and the value, never
//! a silent default.

use jingwu_core::TextEnum;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

/// Column `i` of `r`, decoded as `T`.
pub(crate) fn code<T: TextEnum>(r: &AnyRow, i: usize) -> Result<T> {
    let s: String = r.try_get(i)?;
    T::from_code(&s).ok_or(StoreError::UnknownCode {
        what: T::KIND,
        value: s,
    })
}

/// Column `i` of `r`, a text id decoded into its newtype (`jingwu_core::IncidentId` …).
pub(crate) fn id<T: From<String>>(r: &AnyRow, i: usize) -> Result<T> {
    Ok(T::from(r.try_get::<String, _>(i)?))
}

/// Column `i` of `r`, a nullable text id decoded into its newtype.
pub(crate) fn opt_id<T: From<String>>(r: &AnyRow, i: usize) -> Result<Option<T>> {
    Ok(r.try_get::<Option<String>, _>(i)?.map(T::from))
}

/// Column `i` of `r`, a calendar date stored as `YYYY-MM-DD` text.
pub(crate) fn date(r: &AnyRow, i: usize) -> Result<jiff::civil::Date> {
    let s: String = r.try_get(i)?;
    s.parse().map_err(|_| StoreError::UnknownCode {
        what: "date",
        value: s,
    })
}

/// Column `i` of `r`, a nullable calendar date stored as `YYYY-MM-DD` text.
pub(crate) fn opt_date(r: &AnyRow, i: usize) -> Result<Option<jiff::civil::Date>> {
    match r.try_get::<Option<String>, _>(i)? {
        None => Ok(None),
        Some(s) => s.parse().map(Some).map_err(|_| StoreError::UnknownCode {
            what: "date",
            value: s,
        }),
    }
}
