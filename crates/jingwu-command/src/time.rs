//! RFC 3339 rendering of microsecond instants (UTC), for the EIDO export. Civil date from a
//! day count uses the well-known proleptic-Gregorian "days from civil" inversion (H. Hinnant,
//! *chrono-Compatible Low-Level Date Algorithms*), written out here.

/// Formats microseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (UTC).
///
/// Works for the whole `i64` range of years that fit four digits (0000–9999); instants outside
/// it are still formatted, with a wider or signed year.
pub fn rfc3339_utc(us: i64) -> String {
    let secs = us.div_euclid(1_000_000);
    let micros = us.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    )
}

/// (year, month 1–12, day 1–31) of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
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
    }

    /// Against a naive reference: walk day by day from 1600-01-01 and compare.
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
        for day in -135_140..200_000 {
            assert_eq!(civil_from_days(day), (y, m, d), "day {day}");
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
