//! Local dates of instants. Instants are `i64` microseconds since the Unix epoch (the
//! platform's convention); the traffic rules count calendar days in Asia/Shanghai.
//!
//! China has used UTC+8 without daylight saving since 1991, so the zone is taken as the fixed
//! offset +08:00 instead of a time-zone database lookup: the crate stays free of I/O (jiff's
//! tzdb is read from the system at run time and may be missing in minimal containers) and the
//! answer is the same on every machine. Instants before 1991 are not a concern for these records.

use jiff::Timestamp;
use jiff::civil::{Date, Time};
use jiff::tz::Offset;

/// Asia/Shanghai since 1991: UTC+8, no daylight saving.
pub const SHANGHAI: Offset = Offset::constant(8);

const MICROS_PER_DAY: i64 = 86_400_000_000;

fn timestamp(micros: i64) -> Timestamp {
    let lo = Timestamp::MIN.as_microsecond();
    let hi = Timestamp::MAX.as_microsecond();
    // Clamped into jiff's range first, so the conversion cannot fail.
    Timestamp::from_microsecond(micros.clamp(lo, hi)).unwrap_or(Timestamp::UNIX_EPOCH)
}

/// The Asia/Shanghai calendar date of an instant.
pub fn local_date(micros: i64) -> Date {
    SHANGHAI.to_datetime(timestamp(micros)).date()
}

/// The Asia/Shanghai wall-clock date and time of an instant.
pub fn local_datetime(micros: i64) -> jiff::civil::DateTime {
    SHANGHAI.to_datetime(timestamp(micros))
}

/// The first instant (00:00 +08:00) of `date`, in microseconds.
pub fn local_midnight(date: Date) -> i64 {
    match SHANGHAI.to_timestamp(date.to_datetime(Time::midnight())) {
        Ok(ts) => ts.as_microsecond(),
        // Only the very first representable date, whose midnight lies before jiff's range.
        Err(_) => Timestamp::MIN.as_microsecond(),
    }
}

/// The first instant of the Shanghai date after the one `micros` falls on.
pub fn next_local_midnight(micros: i64) -> i64 {
    match local_date(micros).tomorrow() {
        Ok(next) => local_midnight(next),
        Err(_) => local_midnight(local_date(micros)).saturating_add(MICROS_PER_DAY),
    }
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn shanghai_is_eight_hours_ahead() {
        // 2024-03-01T15:59:59.999999Z is 23:59:59.999999 in Shanghai; one µs later is the 2nd.
        let m = local_midnight(date(2024, 3, 2));
        assert_eq!(m, 1_709_308_800_000_000);
        assert_eq!(local_date(m - 1), date(2024, 3, 1));
        assert_eq!(local_date(m), date(2024, 3, 2));
        assert_eq!(next_local_midnight(m - 1), m);
        assert_eq!(next_local_midnight(m), m + MICROS_PER_DAY);
        assert_eq!(local_date(0), date(1970, 1, 1));
        assert_eq!(local_date(-8 * 3_600_000_000 - 1), date(1969, 12, 31));
    }

    #[test]
    fn extremes_do_not_panic() {
        let _ = local_date(i64::MIN);
        let _ = local_date(i64::MAX);
        let _ = next_local_midnight(i64::MAX);
        let _ = local_midnight(Date::MIN);
        let _ = local_midnight(Date::MAX);
    }
}
