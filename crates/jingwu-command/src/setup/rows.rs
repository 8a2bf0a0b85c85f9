//! The rows of each setup import, checked field by field. Columns (header required, any
//! order; the ones marked optional may be left out):
//!
//! | import | columns |
//! |---|---|
//! | `sites` | `org_code`, `lat`, `lon`, `address` |
//! | `posts` | `org_code` (station), `name`, `lat`, `lon` |
//! | `units` | `call_sign`, `kind`, `org_code`, `travel_mode` (optional, default the kind's), `equipment` (optional, codes separated by `;`), `post` (optional, a post name of the station) |
//! | `shifts` | `call_sign`, `starts_at`, `ends_at` (RFC 3339), `crew` (optional, usernames separated by `;`) |
//! | `key_sites` | `org_code`, `kind`, `name_zh`, `name_en`, `lat`, `lon`, `target_secs` |
//! | `sources` | `layer` (layer code, e.g. `cctv_public_security`), `code` (unique in the layer), `name`, `lat`, `lon`, `org_code`, `url` (optional, http(s) or rtsp) |

use std::collections::HashSet;

use super::csv_table::{Record, parse};
use super::{
    Parsed, Problem, check_call_sign, check_equipment, check_kind, check_link, check_position,
    check_shift, check_source_code, check_target_secs, check_text, check_travel_mode,
    parse_instant,
};
use crate::error_codes::field;
use crate::unit::{TravelMode, UnitKind};

#[derive(Debug, Clone, PartialEq)]
pub struct SiteRow {
    pub org_code: String,
    pub lat: f64,
    pub lon: f64,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PostRow {
    pub org_code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRow {
    pub call_sign: String,
    pub kind: UnitKind,
    pub org_code: String,
    pub travel_mode: TravelMode,
    pub equipment: Vec<String>,
    /// A post of the unit's station it returns to.
    pub post: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShiftRow {
    pub call_sign: String,
    pub starts_at: i64,
    pub ends_at: i64,
    pub crew: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeySiteRow {
    pub org_code: String,
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub lat: f64,
    pub lon: f64,
    pub target_secs: i64,
}

/// A camera or other point source of an information layer.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    pub layer: String,
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub org_code: String,
    pub url: Option<String>,
}

/// Collects the problems of one row's fields.
#[derive(Default)]
struct Checks(Vec<Problem>);

impl Checks {
    fn take<T>(&mut self, r: Result<T, Problem>) -> Option<T> {
        r.map_err(|p| self.0.push(p)).ok()
    }

    fn number<T: std::str::FromStr>(&mut self, rec: &Record<'_>, column: &str) -> Option<T> {
        let v = rec.get(column);
        let r = v.parse::<T>().map_err(|_| {
            (
                column.to_owned(),
                field::NUMBER.code,
                format!("{v:?} is not a number"),
            )
        });
        self.take(r)
    }

    fn position(&mut self, rec: &Record<'_>) -> Option<(f64, f64)> {
        let lat = self.number::<f64>(rec, "lat")?;
        let lon = self.number::<f64>(rec, "lon")?;
        let problems = check_position(lat, lon);
        let ok = problems.is_empty();
        self.0.extend(problems);
        ok.then_some((lat, lon))
    }

    fn text(&mut self, rec: &Record<'_>, column: &str) -> Option<String> {
        self.take(check_text(column, rec.get(column)))
    }

    /// The row, or every problem found in it.
    fn done<T>(self, row: Option<T>) -> Result<T, Vec<Problem>> {
        match row {
            Some(v) if self.0.is_empty() => Ok(v),
            _ => Err(self.0),
        }
    }
}

/// A `;`-separated list, empty items dropped.
fn list(v: &str) -> Vec<String> {
    v.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A value that must not appear on two lines (a call sign, an org code).
fn unique(seen: &mut HashSet<String>, column: &str, v: &str) -> Result<(), Problem> {
    if seen.insert(v.to_owned()) {
        Ok(())
    } else {
        Err((
            column.to_owned(),
            field::TAKEN.code,
            format!("{v} appears on an earlier line"),
        ))
    }
}

pub fn parse_sites(body: &[u8]) -> Parsed<SiteRow> {
    let mut seen = HashSet::new();
    parse(body, &["org_code", "lat", "lon", "address"], |rec| {
        let mut c = Checks::default();
        let org_code = c.text(rec, "org_code");
        if let Some(o) = &org_code {
            c.take(unique(&mut seen, "org_code", o));
        }
        let pos = c.position(rec);
        let address = c.text(rec, "address");
        let row = (|| {
            let (lat, lon) = pos?;
            Some(SiteRow {
                org_code: org_code?,
                lat,
                lon,
                address: address?,
            })
        })();
        c.done(row)
    })
}

pub fn parse_posts(body: &[u8]) -> Parsed<PostRow> {
    let mut seen = HashSet::new();
    parse(body, &["org_code", "name", "lat", "lon"], |rec| {
        let mut c = Checks::default();
        let org_code = c.text(rec, "org_code");
        let name = c.text(rec, "name");
        if let (Some(o), Some(n)) = (&org_code, &name) {
            c.take(unique(&mut seen, "name", &format!("{o}/{n}")));
        }
        let pos = c.position(rec);
        let row = (|| {
            let (lat, lon) = pos?;
            Some(PostRow {
                org_code: org_code?,
                name: name?,
                lat,
                lon,
            })
        })();
        c.done(row)
    })
}

pub fn parse_units(body: &[u8]) -> Parsed<UnitRow> {
    let mut seen = HashSet::new();
    parse(body, &["call_sign", "kind", "org_code"], |rec| {
        let mut c = Checks::default();
        let call_sign = c.take(check_call_sign(rec.get("call_sign")));
        if let Some(cs) = &call_sign {
            c.take(unique(&mut seen, "call_sign", cs));
        }
        let kind = c.take(check_kind(rec.get("kind")));
        let org_code = c.text(rec, "org_code");
        let travel_mode =
            kind.and_then(|k| c.take(check_travel_mode(Some(rec.get("travel_mode")), k)));
        let equipment = c.take(check_equipment(&list(rec.get("equipment"))));
        let post = Some(rec.get("post").trim())
            .filter(|p| !p.is_empty())
            .map(str::to_owned);
        let row = (|| {
            Some(UnitRow {
                call_sign: call_sign?,
                kind: kind?,
                org_code: org_code?,
                travel_mode: travel_mode?,
                equipment: equipment?,
                post,
            })
        })();
        c.done(row)
    })
}

pub fn parse_shifts(body: &[u8]) -> Parsed<ShiftRow> {
    parse(body, &["call_sign", "starts_at", "ends_at"], |rec| {
        let mut c = Checks::default();
        let call_sign = c.take(check_call_sign(rec.get("call_sign")));
        let starts_at = c.take(parse_instant("starts_at", rec.get("starts_at")));
        let ends_at = c.take(parse_instant("ends_at", rec.get("ends_at")));
        if let (Some(s), Some(e)) = (starts_at, ends_at) {
            c.take(check_shift(s, e));
        }
        let row = (|| {
            Some(ShiftRow {
                call_sign: call_sign?,
                starts_at: starts_at?,
                ends_at: ends_at?,
                crew: list(rec.get("crew")),
            })
        })();
        c.done(row)
    })
}

pub fn parse_key_sites(body: &[u8]) -> Parsed<KeySiteRow> {
    parse(
        body,
        &[
            "org_code",
            "kind",
            "name_zh",
            "name_en",
            "lat",
            "lon",
            "target_secs",
        ],
        |rec| {
            let mut c = Checks::default();
            let org_code = c.text(rec, "org_code");
            let kind = c.text(rec, "kind");
            let name_zh = c.text(rec, "name_zh");
            let name_en = c.text(rec, "name_en");
            let pos = c.position(rec);
            let target = c
                .number::<i64>(rec, "target_secs")
                .and_then(|t| c.take(check_target_secs(t)));
            let row = (|| {
                let (lat, lon) = pos?;
                Some(KeySiteRow {
                    org_code: org_code?,
                    kind: kind?,
                    name_zh: name_zh?,
                    name_en: name_en?,
                    lat,
                    lon,
                    target_secs: target?,
                })
            })();
            c.done(row)
        },
    )
}

pub fn parse_sources(body: &[u8]) -> Parsed<SourceRow> {
    let mut seen = HashSet::new();
    parse(
        body,
        &["layer", "code", "name", "lat", "lon", "org_code"],
        |rec| {
            let mut c = Checks::default();
            let layer = c.text(rec, "layer");
            let code = c.take(check_source_code(rec.get("code")));
            if let (Some(l), Some(k)) = (&layer, &code) {
                c.take(unique(&mut seen, "code", &format!("{l}/{k}")));
            }
            let name = c.text(rec, "name");
            let pos = c.position(rec);
            let org_code = c.text(rec, "org_code");
            let url = c.take(check_link(rec.get("url")));
            let row = (|| {
                let (lat, lon) = pos?;
                Some(SourceRow {
                    layer: layer?,
                    code: code?,
                    name: name?,
                    lat,
                    lon,
                    org_code: org_code?,
                    url: url?,
                })
            })();
            c.done(row)
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_reported_by_line_and_column() {
        let csv = "call_sign,kind,org_code,travel_mode,equipment\n\
                   巡01,patrol_car,33020301,,shield;aed\n\
                   巡01,boat,33020301,walk,\n\
                   步01,foot_patrol,,,\n";
        let p = parse_units(csv.as_bytes());
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].0, 2);
        assert_eq!(p.rows[0].1.travel_mode, TravelMode::Car);
        let got: Vec<(usize, &str, &str)> = p
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            got,
            vec![
                (3, "call_sign", field::TAKEN.code),
                (3, "kind", field::UNIT_KIND_UNKNOWN.code),
                (4, "org_code", field::REQUIRED.code),
            ]
        );
        assert_eq!(p.lines(), 3);
    }

    #[test]
    fn a_missing_column_is_a_header_error() {
        let p = parse_sites(b"org_code,lat,lon\n1,2,3\n");
        assert_eq!(p.errors.len(), 1);
        assert_eq!(
            (p.errors[0].line, p.errors[0].code),
            (1, field::CSV_COLUMNS.code)
        );
        assert!(p.rows.is_empty());
    }

    #[test]
    fn shifts_read_rfc3339_and_check_their_bounds() {
        let p = parse_shifts(
            "call_sign,starts_at,ends_at,crew\n\
             巡01,2026-03-02T08:00:00+08:00,2026-03-02T20:00:00+08:00,officer;li\n\
             巡01,2026-03-02T20:00:00+08:00,2026-03-02T08:00:00+08:00,\n\
             巡01,tomorrow,2026-03-02T08:00:00+08:00,\n"
                .as_bytes(),
        );
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].1.crew, vec!["officer", "li"]);
        assert_eq!(p.errors[0].code, field::SHIFT_RANGE.code);
        assert_eq!(
            (p.errors[1].line, p.errors[1].field.as_str()),
            (4, "starts_at")
        );
    }

    #[test]
    fn sources_check_code_link_and_repeats() {
        let p = parse_sources(
            "layer,code,name,lat,lon,org_code,url\n\
             cctv_public_security,GL-C1,鼓楼1号,29.87,121.55,330203001,rtsp://10.0.0.1/ch1\n\
             cctv_public_security,GL-C1,鼓楼1号,29.87,121.55,330203001,\n\
             cctv_traffic,GL-C1,路口,29.87,121.55,330203001,javascript:alert(1)\n\
             cctv_traffic,a b,,91,121.55,330203001,\n"
                .as_bytes(),
        );
        assert_eq!(p.rows.len(), 1);
        assert_eq!(p.rows[0].1.url.as_deref(), Some("rtsp://10.0.0.1/ch1"));
        let errs: Vec<(usize, &str)> = p
            .errors
            .iter()
            .map(|e| (e.line, e.field.as_str()))
            .collect();
        assert_eq!(
            errs,
            [
                (3, "code"),
                (4, "url"),
                (5, "code"),
                (5, "name"),
                (5, "lat")
            ]
        );
    }

    #[test]
    fn key_sites_and_posts() {
        let p = parse_key_sites(
            b"org_code,kind,name_zh,name_en,lat,lon,target_secs\n1,school,A,A,29.8,121.5,60\n1,school,B,B,95,121.5,0\n",
        );
        assert_eq!(p.rows.len(), 1);
        let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["lat", "target_secs"]);
        let p = parse_posts(b"org_code,name,lat,lon\n1,A,29.8,121.5\n1,A,29.8,121.5\n");
        assert_eq!(p.errors[0].code, field::TAKEN.code);
    }
}
