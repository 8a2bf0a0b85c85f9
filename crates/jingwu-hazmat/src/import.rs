//! CSV rows of the enterprise registry, checked line by line and field by field before
//! anything is stored. The use case adds what needs the database (the org code is in the
//! caller's jurisdiction, the chemicals are known, the credit code is not taken) and imports the
//! good rows only when the caller asked for it.
//!
//! Columns (header required, any order, names exact): `org_code`, `uscc`, `name`, `address`,
//! `lat`, `lon`, `contact_name`, `contact_phone`, `stocks`. `stocks` lists chemicals held as
//! `UN:kg` pairs separated by `;`, e.g. `1017:12000;1005:3000`.

use std::collections::HashSet;

use jingwu_validate::{UnNumber, Uscc};
use serde::Serialize;

use crate::error_codes::field;

/// The columns of the enterprise CSV, in the order the template lists them.
pub const COLUMNS: [&str; 9] = [
    "org_code",
    "uscc",
    "name",
    "address",
    "lat",
    "lon",
    "contact_name",
    "contact_phone",
    "stocks",
];

/// Longest name, address or contact name taken.
pub const MAX_TEXT: usize = 200;

/// One good row.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EnterpriseRow {
    /// Line in the file (the header is line 1).
    pub line: usize,
    pub org_code: String,
    /// Normalized credit code.
    pub uscc: String,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub contact_name: String,
    pub contact_phone: String,
    /// (UN number, kilograms).
    pub stocks: Vec<(String, f64)>,
}

/// What is wrong with one field of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Line in the file (the header is line 1; 0 for the file as a whole).
    pub line: usize,
    /// The column, or `header`.
    pub field: String,
    /// A field code of [`crate::error_codes::field`].
    pub code: &'static str,
    pub message: String,
}

/// The file, split into good rows and the errors of the bad ones. A line with any error
/// contributes no row.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ParsedCsv {
    pub rows: Vec<EnterpriseRow>,
    pub errors: Vec<RowError>,
}

/// Parses and checks an enterprise CSV.
#[must_use]
pub fn parse_enterprises(body: &[u8]) -> ParsedCsv {
    let mut out = ParsedCsv::default();
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let header: Vec<String> = match rd.headers() {
        Ok(h) => h
            .iter()
            .map(|s| s.trim_start_matches('\u{feff}').to_owned())
            .collect(),
        Err(e) => {
            out.errors
                .push(err(1, "header", field::CSV_HEADER.code, e.to_string()));
            return out;
        }
    };
    let mut cols = [0usize; COLUMNS.len()];
    let missing: Vec<&str> = COLUMNS
        .iter()
        .enumerate()
        .filter_map(|(i, name)| match header.iter().position(|h| h == name) {
            Some(p) => {
                cols[i] = p;
                None
            }
            None => Some(*name),
        })
        .collect();
    if !missing.is_empty() {
        out.errors.push(err(
            1,
            "header",
            field::CSV_HEADER.code,
            format!(
                "missing column(s) {}; expected {}",
                missing.join(", "),
                COLUMNS.join(",")
            ),
        ));
        return out;
    }
    let mut seen = HashSet::new();
    for rec in rd.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                out.errors
                    .push(err(line, "row", field::CSV_COLUMNS.code, e.to_string()));
                continue;
            }
        };
        let line = rec
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        if rec.len() != header.len() {
            out.errors.push(err(
                line,
                "row",
                field::CSV_COLUMNS.code,
                format!("{} columns, the header has {}", rec.len(), header.len()),
            ));
            continue;
        }
        let get = |i: usize| rec.get(cols[i]).unwrap_or("");
        let before = out.errors.len();
        let org_code = required(line, "org_code", get(0), 32, &mut out.errors);
        let uscc = match Uscc::parse(get(1)) {
            Ok(u) => Some(u.as_str().to_owned()),
            Err(e) => {
                out.errors
                    .push(err(line, "uscc", field::USCC.code, e.to_string()));
                None
            }
        };
        if let Some(u) = &uscc
            && !seen.insert(u.clone())
        {
            out.errors.push(err(
                line,
                "uscc",
                field::DUPLICATE.code,
                format!("{u} appears on an earlier line"),
            ));
        }
        let name = required(line, "name", get(2), MAX_TEXT, &mut out.errors);
        let address = required(line, "address", get(3), MAX_TEXT, &mut out.errors);
        let lat = coordinate(
            line,
            "lat",
            get(4),
            90.0,
            jingwu_core::problem_codes::field::LAT_RANGE.code,
            &mut out.errors,
        );
        let lon = coordinate(
            line,
            "lon",
            get(5),
            180.0,
            jingwu_core::problem_codes::field::LON_RANGE.code,
            &mut out.errors,
        );
        let contact_name = required(line, "contact_name", get(6), MAX_TEXT, &mut out.errors);
        let contact_phone = phone(line, get(7), &mut out.errors);
        let stocks = stocks(line, get(8), &mut out.errors);
        if out.errors.len() > before {
            continue;
        }
        if let (
            Some(org_code),
            Some(uscc),
            Some(name),
            Some(address),
            Some(lat),
            Some(lon),
            Some(contact_name),
            Some(contact_phone),
            Some(stocks),
        ) = (
            org_code,
            uscc,
            name,
            address,
            lat,
            lon,
            contact_name,
            contact_phone,
            stocks,
        ) {
            out.rows.push(EnterpriseRow {
                line,
                org_code,
                uscc,
                name,
                address,
                lat,
                lon,
                contact_name,
                contact_phone,
                stocks,
            });
        }
    }
    out
}

fn err(line: usize, field: &str, code: &'static str, message: impl Into<String>) -> RowError {
    RowError {
        line,
        field: field.to_owned(),
        code,
        message: message.into(),
    }
}

/// A non-empty text of at most `max` characters.
fn required(
    line: usize,
    name: &str,
    value: &str,
    max: usize,
    errors: &mut Vec<RowError>,
) -> Option<String> {
    if value.is_empty() {
        errors.push(err(line, name, field::TEXT_REQUIRED.code, "required"));
        None
    } else if value.chars().count() > max {
        errors.push(err(
            line,
            name,
            field::TEXT_LENGTH.code,
            format!("at most {max} characters"),
        ));
        None
    } else {
        Some(value.to_owned())
    }
}

fn coordinate(
    line: usize,
    name: &str,
    value: &str,
    limit: f64,
    range_code: &'static str,
    errors: &mut Vec<RowError>,
) -> Option<f64> {
    match value.parse::<f64>() {
        Ok(v) if v.is_finite() && v.abs() <= limit => Some(v),
        Ok(_) => {
            errors.push(err(
                line,
                name,
                range_code,
                format!("must be within ±{limit}"),
            ));
            None
        }
        Err(_) => {
            errors.push(err(
                line,
                name,
                field::NUMBER_FORMAT.code,
                format!("{value:?} is not a number"),
            ));
            None
        }
    }
}

/// A mobile number or a landline: digits with an optional leading `+` and `-` separators,
/// 5 to 20 digits (switchboards and extensions vary too much for more).
pub fn phone_ok(value: &str) -> bool {
    let body = value.strip_prefix('+').unwrap_or(value);
    let digits = body.chars().filter(char::is_ascii_digit).count();
    body.chars().all(|c| c.is_ascii_digit() || c == '-') && (5..=20).contains(&digits)
}

fn phone(line: usize, value: &str, errors: &mut Vec<RowError>) -> Option<String> {
    if phone_ok(value) {
        Some(value.to_owned())
    } else {
        errors.push(err(
            line,
            "contact_phone",
            field::PHONE.code,
            format!("{value:?} is not a phone number"),
        ));
        None
    }
}

/// Parses `UN:kg;UN:kg` (empty: holds nothing listed); UN numbers come back as four digits.
pub fn parse_stocks(value: &str) -> Result<Vec<(String, f64)>, String> {
    let mut out: Vec<(String, f64)> = Vec::new();
    for part in value.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (un, kg) = part
            .split_once(':')
            .ok_or_else(|| format!("{part:?} is not UN:kg"))?;
        let un = UnNumber::parse(un.trim()).map_err(|e| format!("{un:?}: {e}"))?;
        let kg: f64 = kg
            .trim()
            .parse()
            .ok()
            .filter(|k: &f64| k.is_finite() && *k > 0.0 && *k <= 1e9)
            .ok_or_else(|| format!("{kg:?} is not a quantity in kg (0 < kg ≤ 1e9)"))?;
        let un = format!("{:04}", un.number());
        if out.iter().any(|(u, _)| *u == un) {
            return Err(format!("UN{un} listed twice"));
        }
        out.push((un, kg));
    }
    Ok(out)
}

fn stocks(line: usize, value: &str, errors: &mut Vec<RowError>) -> Option<Vec<(String, f64)>> {
    parse_stocks(value)
        .map_err(|m| errors.push(err(line, "stocks", field::STOCKS.code, m)))
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "org_code,uscc,name,address,lat,lon,contact_name,contact_phone,stocks\n";

    #[test]
    fn good_rows_pass_and_bad_fields_are_named_by_line() {
        let body = format!(
            "{HEADER}\
             330203,91330200MA2AXXXX0X,甲,地址,29.8,121.5,张三,13800138000,1017:5000\n\
             330203,91350100M000100Y43,乙化工,宁波市江北区,29.9,121.6,李四,0574-87000000,1017:5000;1005:200\n\
             330203,91350100M000100Y43,丙,地址,95,121.5,王五,abc,1017:-1\n"
        );
        let p = parse_enterprises(body.as_bytes());
        assert_eq!(p.rows.len(), 1, "{p:?}");
        assert_eq!(p.rows[0].line, 3);
        assert_eq!(
            p.rows[0].stocks,
            vec![("1017".into(), 5000.0), ("1005".into(), 200.0)]
        );
        let at = |line: usize, f: &str| p.errors.iter().any(|e| e.line == line && e.field == f);
        assert!(at(2, "uscc"));
        assert!(at(4, "uscc"), "duplicate of line 3");
        assert!(at(4, "lat"));
        assert!(at(4, "contact_phone"));
        assert!(at(4, "stocks"));
    }

    #[test]
    fn a_missing_column_is_a_header_error() {
        let p = parse_enterprises(b"uscc,name\n1,2\n");
        assert!(p.rows.is_empty());
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].field, "header");
        assert!(p.errors[0].message.contains("org_code"));
    }

    #[test]
    fn stocks_syntax() {
        assert_eq!(parse_stocks(""), Ok(vec![]));
        assert!(parse_stocks("1017").is_err());
        assert!(parse_stocks("1017:1;1017:2").is_err());
        assert!(parse_stocks("1017:0").is_err());
        assert!(parse_stocks("10x7:5").is_err());
    }
}
