//! Setting up a bureau: the checks of what an admin enters (sites, posts, units, shifts, key
//! sites) and the CSV rows of their imports, line by line and field by field, before anything
//! is stored. The use cases add what needs the database (org codes in the caller's
//! jurisdiction, call signs not taken, crews that are officers).
//!
//! Imports follow the hazmat enterprise import (`jingwu_hazmat::import`): a header is required,
//! columns in any order; a line with any error contributes no row; errors name the line (the
//! header is line 1) and the column.

mod csv_table;
pub mod rows;

use jingwu_core::{micros_to_timestamp, problem_codes};
use serde::Serialize;

use crate::error_codes::field;
use crate::unit::{TravelMode, UnitKind};

pub use csv_table::{Parsed, RowError};

/// Longest free text taken (names, addresses).
pub const MAX_TEXT: usize = 200;
/// Most equipment codes one unit carries.
pub const MAX_EQUIPMENT: usize = 20;
/// Longest shift: a day (a 24-hour duty, 24 小时值班, is the longest roster in use).
pub const MAX_SHIFT_US: i64 = 24 * 3600 * 1_000_000;
/// Longest a key site's response target may be (the 5-minute ring is the widest).
pub const MAX_TARGET_SECS: i64 = 3600;

/// One field problem: the field (column) name, a code of [`field`], a message.
pub type Problem = (String, &'static str, String);

/// A call sign: 1–16 letters, digits, CJK characters or `-`, unique in the bureau.
pub fn check_call_sign(v: &str) -> Result<String, Problem> {
    let v = v.trim();
    let ok =
        (1..=16).contains(&v.chars().count()) && v.chars().all(|c| c.is_alphanumeric() || c == '-');
    if ok {
        Ok(v.to_owned())
    } else {
        Err(problem(
            "call_sign",
            field::CALL_SIGN_FORMAT.code,
            "1 to 16 letters, digits, CJK characters or '-'",
        ))
    }
}

pub fn check_kind(v: &str) -> Result<UnitKind, Problem> {
    UnitKind::parse(v.trim())
        .map_err(|e| problem("kind", field::UNIT_KIND_UNKNOWN.code, e.to_string()))
}

/// A travel mode, or the kind's usual one when none is given.
pub fn check_travel_mode(v: Option<&str>, kind: UnitKind) -> Result<TravelMode, Problem> {
    match v.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(kind.usual_travel_mode()),
        Some(v) => TravelMode::parse(v).map_err(|e| {
            problem(
                "travel_mode",
                field::TRAVEL_MODE_UNKNOWN.code,
                e.to_string(),
            )
        }),
    }
}

/// Equipment codes: free codes such as `shield` or `defibrillator`, lower case, no repeats.
pub fn check_equipment(codes: &[String]) -> Result<Vec<String>, Problem> {
    let mut out: Vec<String> = Vec::new();
    for c in codes {
        let c = c.trim();
        let ok = (1..=32).contains(&c.len())
            && c.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            return Err(problem(
                "equipment",
                field::EQUIPMENT_FORMAT.code,
                format!("{c:?} is not a code of a-z, 0-9, _"),
            ));
        }
        if !out.iter().any(|o| o == c) {
            out.push(c.to_owned());
        }
    }
    if out.len() > MAX_EQUIPMENT {
        return Err(problem(
            "equipment",
            field::EQUIPMENT_FORMAT.code,
            format!("at most {MAX_EQUIPMENT} codes"),
        ));
    }
    Ok(out)
}

/// A required free text of at most [`MAX_TEXT`] characters, trimmed.
pub fn check_text(name: &str, v: &str) -> Result<String, Problem> {
    let v = v.trim();
    if v.is_empty() {
        Err(problem(name, field::REQUIRED.code, "required"))
    } else if v.chars().count() > MAX_TEXT || v.contains('\0') {
        Err(problem(
            name,
            field::LENGTH.code,
            format!("at most {MAX_TEXT} characters"),
        ))
    } else {
        Ok(v.to_owned())
    }
}

/// A latitude and longitude, finite and in range.
pub fn check_position(lat: f64, lon: f64) -> Vec<Problem> {
    let mut out = Vec::new();
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        out.push(problem(
            "lat",
            problem_codes::field::LAT_RANGE.code,
            "latitude must be within -90..90",
        ));
    }
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        out.push(problem(
            "lon",
            problem_codes::field::LON_RANGE.code,
            "longitude must be within -180..180",
        ));
    }
    out
}

/// Longest link of a camera or layer source, characters.
pub const MAX_LINK: usize = 2000;

/// A camera's stream or playback link, or another source's page: `http://`, `https://` or
/// `rtsp://` (RTSP, RFC 7826) with a host, and only characters a URI may hold unescaped
/// (RFC 3986 §2), so that a link cannot break out of the attribute or run script in the map.
/// Empty means none.
pub fn check_link(v: &str) -> Result<Option<String>, Problem> {
    let v = v.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let bad = || {
        problem(
            "url",
            field::LINK_FORMAT.code,
            format!("an http(s):// or rtsp:// URL of at most {MAX_LINK} characters"),
        )
    };
    let lower = v.to_ascii_lowercase();
    let rest = ["http://", "https://", "rtsp://"]
        .iter()
        .find_map(|s| lower.strip_prefix(s))
        .ok_or_else(bad)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let uri_chars = v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=%".contains(&b));
    if v.len() > MAX_LINK || host.is_empty() || host.starts_with(':') || !uri_chars {
        return Err(bad());
    }
    Ok(Some(v.to_owned()))
}

/// A source's code (its id in the owner's system): 1 to 64 ASCII letters, digits, `-`, `_`, `.`.
pub fn check_source_code(v: &str) -> Result<String, Problem> {
    let v = v.trim();
    let ok = (1..=64).contains(&v.len())
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b));
    if ok {
        Ok(v.to_owned())
    } else {
        Err(problem(
            "code",
            field::SOURCE_CODE.code,
            "1 to 64 letters, digits, '-', '_' or '.'",
        ))
    }
}

/// A key site's response target in seconds (1..=3600).
pub fn check_target_secs(v: i64) -> Result<i64, Problem> {
    if (1..=MAX_TARGET_SECS).contains(&v) {
        Ok(v)
    } else {
        Err(problem(
            "target_secs",
            field::NUMBER.code,
            format!("1 to {MAX_TARGET_SECS} seconds"),
        ))
    }
}

/// A shift's bounds (µs): it ends after it starts and lasts at most [`MAX_SHIFT_US`].
pub fn check_shift(starts_us: i64, ends_us: i64) -> Result<(), Problem> {
    if ends_us > starts_us && ends_us - starts_us <= MAX_SHIFT_US {
        Ok(())
    } else {
        Err(problem(
            "ends_at",
            field::SHIFT_RANGE.code,
            "a shift ends after it starts, within 24 hours",
        ))
    }
}

/// Whether two half-open intervals `[a0, a1)` and `[b0, b1)` overlap.
pub const fn overlaps(a0: i64, a1: i64, b0: i64, b1: i64) -> bool {
    a0 < b1 && b0 < a1
}

/// An RFC 3339 instant as µs.
pub fn parse_instant(name: &str, v: &str) -> Result<i64, Problem> {
    v.trim()
        .parse::<jiff::Timestamp>()
        .map(|t| t.as_microsecond())
        .map_err(|e| {
            problem(
                name,
                field::INSTANT.code,
                format!("not an RFC 3339 time: {e}"),
            )
        })
}

/// µs as RFC 3339 (for messages).
pub fn instant_text(us: i64) -> String {
    micros_to_timestamp(us).to_string()
}

/// Whether a unit is on duty by its roster at `now`: inside one of its shifts `[start, end)`.
/// A unit without any shift is not rostered: its status is set by hand (terminal, dispatcher).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Roster {
    NotRostered,
    OnShift,
    OffShift,
}

impl Roster {
    pub fn at(shifts: &[(i64, i64)], now: i64) -> Roster {
        if shifts.is_empty() {
            Roster::NotRostered
        } else if shifts.iter().any(|&(s, e)| s <= now && now < e) {
            Roster::OnShift
        } else {
            Roster::OffShift
        }
    }
}

fn problem(name: &str, code: &'static str, message: impl Into<String>) -> Problem {
    (name.to_owned(), code, message.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roster_follows_half_open_shifts() {
        let shifts = [(100, 200), (300, 400)];
        assert_eq!(Roster::at(&[], 150), Roster::NotRostered);
        assert_eq!(Roster::at(&shifts, 100), Roster::OnShift);
        assert_eq!(Roster::at(&shifts, 199), Roster::OnShift);
        assert_eq!(Roster::at(&shifts, 200), Roster::OffShift);
        assert_eq!(Roster::at(&shifts, 99), Roster::OffShift);
    }

    #[test]
    fn shifts_and_overlaps() {
        assert!(check_shift(0, 1).is_ok());
        assert!(check_shift(1, 1).is_err());
        assert!(check_shift(0, MAX_SHIFT_US + 1).is_err());
        assert!(overlaps(0, 10, 9, 20));
        assert!(!overlaps(0, 10, 10, 20));
    }

    #[test]
    fn travel_mode_defaults_to_the_kind() {
        assert_eq!(
            check_travel_mode(None, UnitKind::FootPatrol),
            Ok(TravelMode::Foot)
        );
        assert_eq!(
            check_travel_mode(Some(" "), UnitKind::Motorcycle),
            Ok(TravelMode::Motorbike)
        );
        assert_eq!(
            check_travel_mode(Some("car"), UnitKind::FootPatrol),
            Ok(TravelMode::Car)
        );
        assert!(check_travel_mode(Some("boat"), UnitKind::PatrolCar).is_err());
    }

    #[test]
    fn links_are_web_or_stream_urls_without_markup() {
        assert_eq!(check_link(" "), Ok(None));
        for ok in [
            "rtsp://10.1.2.3:554/live/ch1",
            "https://vms.example.cn/play?cam=GL-0001&t=1",
            "HTTP://example.cn",
        ] {
            assert_eq!(check_link(ok), Ok(Some(ok.to_owned())), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            "ftp://x.cn/a",
            "rtsp:///live",
            "https://x.cn/\"><img src=x>",
            "https://x.cn/a b",
            "//x.cn",
            "data:text/html,hi",
        ] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
        assert!(check_link(&format!("https://x.cn/{}", "a".repeat(MAX_LINK))).is_err());
        assert_eq!(check_source_code(" GL-C01.a "), Ok("GL-C01.a".into()));
        assert!(check_source_code("a b").is_err());
        assert!(check_source_code("摄像机").is_err());
    }

    #[test]
    fn call_signs_and_equipment() {
        assert_eq!(check_call_sign(" 鼓楼巡01 "), Ok("鼓楼巡01".into()));
        assert!(check_call_sign("").is_err());
        assert!(check_call_sign("a b").is_err());
        assert!(check_call_sign(&"x".repeat(17)).is_err());
        assert_eq!(
            check_equipment(&["shield".into(), "shield".into(), "aed_1".into()]),
            Ok(vec!["shield".into(), "aed_1".into()])
        );
        assert!(check_equipment(&["Shield".into()]).is_err());
    }
}
