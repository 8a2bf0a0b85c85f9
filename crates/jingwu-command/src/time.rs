//! RFC 3339 rendering of microsecond instants (UTC), for the EIDO export.

use jiff::Timestamp;
use jiff::fmt::temporal::DateTimePrinter;

/// Always six fractional digits, so every rendered instant has the same width and sorts as text.
const PRINTER: DateTimePrinter = DateTimePrinter::new().precision(Some(6));

/// Formats microseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC).
///
/// Instants beyond what a `jiff::Timestamp` represents (−9999-01-02T01:59:59Z to
/// 9999-12-30T22:00:00.999999999Z) are clamped to its first or last instant; years before 0000
/// print with a sign and six digits (ISO 8601 expanded years). Nothing Jingwu stores comes near
/// either end.
pub fn rfc3339_utc(us: i64) -> String {
    let t = Timestamp::from_microsecond(us).unwrap_or(if us < 0 {
        Timestamp::MIN
    } else {
        Timestamp::MAX
    });
    // MAX carries nanoseconds; at microsecond precision they are cut, never rounded up.
    PRINTER.timestamp_to_string(&t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_instants() {
        let check = |us: i64, want: &str| assert_eq!(rfc3339_utc(us), want, "{us}");
        check(0, "1970-01-01T00:00:00.000000Z");
        check(-1, "1969-12-31T23:59:59.999999Z");
        // 2000-02-29 (leap day in a year divisible by 400)
        check(951_782_400_000_000, "2000-02-29T00:00:00.000000Z");
        // 2021-04-30T18:43:49.439Z, the NENA sample's timestamp
        check(1_619_808_229_439_000, "2021-04-30T18:43:49.439000Z");
        // 2100-03-01 (2100 is not a leap year)
        check(4_107_542_400_000_000, "2100-03-01T00:00:00.000000Z");
        check(1_795_000_000_123_456, "2026-11-18T11:06:40.123456Z");
        // 0000-01-01, the first four-digit year
        check(-62_167_219_200_000_000, "0000-01-01T00:00:00.000000Z");
        check(-62_167_219_200_000_001, "-000001-12-31T23:59:59.999999Z");
    }

    #[test]
    fn out_of_range_instants_clamp_to_the_ends() {
        let last = "9999-12-30T22:00:00.999999Z";
        assert_eq!(rfc3339_utc(253_402_207_200_999_999), last);
        assert_eq!(rfc3339_utc(253_402_207_201_000_000), last);
        assert_eq!(rfc3339_utc(i64::MAX), last);
        let first = "-009999-01-02T01:59:59.000000Z";
        assert_eq!(rfc3339_utc(-377_705_023_201_000_000), first);
        assert_eq!(rfc3339_utc(-377_705_023_201_000_001), first);
        assert_eq!(rfc3339_utc(i64::MIN), first);
    }

    /// Against a naive reference: walk day by day from 1600-01-01 and compare the date part,
    /// and the time part at one instant inside each day.
    #[test]
    fn civil_dates_match_a_day_by_day_walk() {
        let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
        let month_len = |y: i64, m: i64| match m {
            2 if leap(y) => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        };
        // 1600-01-01 is 135 140 days before 1970-01-01
        let (mut y, mut m, mut d) = (1600, 1, 1);
        for day in -135_140_i64..200_000 {
            // 13:07:09.000042 into the day, a different second for every day
            let sod = 13 * 3600 + 7 * 60 + 9 + day.rem_euclid(50);
            let us = (day * 86_400 + sod) * 1_000_000 + 42;
            let want = format!(
                "{y:04}-{m:02}-{d:02}T13:07:{:02}.000042Z",
                9 + day.rem_euclid(50)
            );
            assert_eq!(rfc3339_utc(us), want, "day {day}");
            d += 1;
            if d > month_len(y, m) {
                d = 1;
                m += 1;
                if m > 12 {
                    m = 1;
                    y += 1;
                }
            }
        }
    }
}
