//! A CSV file with a header naming its columns: each record handed to a row parser with its
//! line, every problem kept as a [`RowError`] of that line.

use serde::Serialize;

use super::Problem;
use crate::error_codes::field;

/// What is wrong with one field of one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Line in the file (the header is line 1; for GeoJSON the feature's 1-based position).
    pub line: usize,
    /// The column, `header` or `row`.
    pub field: String,
    /// A field code of [`crate::error_codes::field`] or the foundation's.
    pub code: &'static str,
    pub message: String,
}

impl RowError {
    pub fn new(line: usize, p: Problem) -> Self {
        RowError {
            line,
            field: p.0,
            code: p.1,
            message: p.2,
        }
    }
}

/// A file split into good rows (with their lines) and the errors of the bad ones.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parsed<T> {
    pub rows: Vec<(usize, T)>,
    pub errors: Vec<RowError>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Parsed {
            rows: Vec::new(),
            errors: Vec::new(),
        }
    }
}

impl<T> Parsed<T> {
    /// Lines read: good rows and lines with errors (not the header).
    pub fn lines(&self) -> usize {
        let mut bad: Vec<usize> = self
            .errors
            .iter()
            .map(|e| e.line)
            .filter(|l| *l > 1)
            .collect();
        bad.sort_unstable();
        bad.dedup();
        self.rows.len()
            + bad
                .iter()
                .filter(|l| !self.rows.iter().any(|(r, _)| r == *l))
                .count()
    }
}

/// One record: its cells by column name.
pub struct Record<'a> {
    header: &'a [String],
    cells: &'a csv::StringRecord,
}

impl Record<'_> {
    /// The cell of a column ("" when the column is optional and absent).
    pub fn get(&self, column: &str) -> &str {
        self.header
            .iter()
            .position(|h| h == column)
            .and_then(|i| self.cells.get(i))
            .unwrap_or("")
    }
}

/// Reads `body` as CSV with `required` columns (others are ignored, optional ones read with
/// [`Record::get`]) and hands each record to `row`, which returns a value or its problems.
pub fn parse<T>(
    body: &[u8],
    required: &[&str],
    mut row: impl FnMut(&Record<'_>) -> Result<T, Vec<Problem>>,
) -> Parsed<T> {
    let mut out = Parsed::default();
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
            out.errors.push(RowError::new(
                1,
                ("header".into(), field::CSV_MALFORMED.code, e.to_string()),
            ));
            return out;
        }
    };
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !header.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        out.errors.push(RowError::new(
            1,
            (
                "header".into(),
                field::CSV_COLUMNS.code,
                format!(
                    "missing column(s) {}; required: {}",
                    missing.join(", "),
                    required.join(",")
                ),
            ),
        ));
        return out;
    }
    for rec in rd.records() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e
                    .position()
                    .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
                out.errors.push(RowError::new(
                    line,
                    ("row".into(), field::CSV_ROW.code, e.to_string()),
                ));
                continue;
            }
        };
        let line = rec
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(0));
        if rec.len() != header.len() {
            out.errors.push(RowError::new(
                line,
                (
                    "row".into(),
                    field::CSV_ROW.code,
                    format!("{} columns, the header has {}", rec.len(), header.len()),
                ),
            ));
            continue;
        }
        match row(&Record {
            header: &header,
            cells: &rec,
        }) {
            Ok(v) => out.rows.push((line, v)),
            Err(problems) => out
                .errors
                .extend(problems.into_iter().map(|p| RowError::new(line, p))),
        }
    }
    if out.rows.is_empty() && out.errors.is_empty() {
        out.errors.push(RowError::new(
            1,
            (
                "row".into(),
                field::REQUIRED.code,
                "the file has no rows".into(),
            ),
        ));
    }
    out
}
