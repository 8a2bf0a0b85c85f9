//! OASIS Common Alerting Protocol 1.2 alerts (`docs/domain/hazmat.md` §10; OASIS CAP 1.2
//! specification and its schema `CAP-v1.2.xsd`, namespace `urn:oasis:names:tc:emergency:cap:1.2`).
//!
//! [`render`] writes the XML in the schema's element order and enforces what the schema does
//! not check (hazmat.md §10 "known gaps"):
//! * times are written with `+08:00` (Beijing), never `Z` (the schema's pattern refuses `Z`);
//! * text is XML-escaped; control characters XML 1.0 cannot carry are refused;
//! * `identifier`, `sender` and each reference's parts are non-empty and free of spaces,
//!   commas, `<` and `&`;
//! * `<polygon>`: at least 4 pairs, first equal to last, written as whitespace-separated
//!   `lat,lon`; latitudes −90…90, longitudes −180…180;
//! * `<circle>`: `lat,lon radius` with the radius in **km** (finite, ≥ 0);
//! * scope: `addresses` required for `Private`; `restriction` required for `Restricted` and
//!   refused otherwise;
//! * `references` required for Update, Cancel, Ack and Error, and none may name the alert
//!   itself (whether they point at real messages is the store's check: it knows them);
//! * `ceiling` only with `altitude`, and not below it;
//! * each info has a category and an event; names of `eventCode`/`parameter`/`geocode` are
//!   non-empty; `language` looks like an RFC 3066 tag.
//!
//! JSON: the records derive serde; times are RFC 3339 (any offset), enums use the CAP spelling.

use std::fmt::Write as _;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::zone::LatLon;

/// The CAP 1.2 namespace.
pub const NAMESPACE: &str = "urn:oasis:names:tc:emergency:cap:1.2";

macro_rules! cap_enum {
    ($(#[$m:meta])* $name:ident { $($v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[allow(clippy::upper_case_acronyms)]
        pub enum $name { $($v),+ }

        impl $name {
            /// The CAP spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$v => stringify!($v)),+ }
            }
        }
    };
}

cap_enum!(
    /// `<status>`.
    CapStatus { Actual, Exercise, System, Test, Draft }
);
cap_enum!(
    /// `<msgType>`.
    MsgType { Alert, Update, Cancel, Ack, Error }
);
cap_enum!(
    /// `<scope>`.
    CapScope { Public, Restricted, Private }
);
cap_enum!(
    /// `<category>`.
    Category { Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other }
);
cap_enum!(
    /// `<responseType>`.
    ResponseType { Shelter, Evacuate, Prepare, Execute, Avoid, Monitor, Assess, AllClear, None }
);
cap_enum!(
    /// `<urgency>`.
    Urgency { Immediate, Expected, Future, Past, Unknown }
);
cap_enum!(
    /// `<severity>`.
    Severity { Extreme, Severe, Moderate, Minor, Unknown }
);
cap_enum!(
    /// `<certainty>`.
    Certainty { Observed, Likely, Possible, Unlikely, Unknown }
);

/// A reference to an earlier message: `sender,identifier,sent`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    pub sender: String,
    pub identifier: String,
    pub sent: Timestamp,
}

/// `<area>`. Circles are (centre, radius in **km**).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Area {
    pub desc: String,
    #[serde(default)]
    pub polygons: Vec<Vec<LatLon>>,
    #[serde(default)]
    pub circles: Vec<(LatLon, f64)>,
    #[serde(default)]
    pub geocodes: Vec<(String, String)>,
    /// Feet above mean sea level (CAP 1.2).
    #[serde(default)]
    pub altitude: Option<f64>,
    /// Feet above mean sea level; only with `altitude`.
    #[serde(default)]
    pub ceiling: Option<f64>,
}

/// `<info>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Info {
    pub language: String,
    pub categories: Vec<Category>,
    pub event: String,
    #[serde(default)]
    pub response_types: Vec<ResponseType>,
    pub urgency: Urgency,
    pub severity: Severity,
    pub certainty: Certainty,
    #[serde(default)]
    pub audience: Option<String>,
    #[serde(default)]
    pub event_codes: Vec<(String, String)>,
    #[serde(default)]
    pub effective: Option<Timestamp>,
    #[serde(default)]
    pub onset: Option<Timestamp>,
    #[serde(default)]
    pub expires: Option<Timestamp>,
    #[serde(default)]
    pub sender_name: Option<String>,
    #[serde(default)]
    pub headline: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub instruction: Option<String>,
    #[serde(default)]
    pub web: Option<String>,
    #[serde(default)]
    pub contact: Option<String>,
    #[serde(default)]
    pub parameters: Vec<(String, String)>,
    #[serde(default)]
    pub areas: Vec<Area>,
}

/// `<alert>`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub identifier: String,
    pub sender: String,
    pub sent: Timestamp,
    pub status: CapStatus,
    pub msg_type: MsgType,
    #[serde(default)]
    pub source: Option<String>,
    pub scope: CapScope,
    #[serde(default)]
    pub restriction: Option<String>,
    #[serde(default)]
    pub addresses: Option<String>,
    #[serde(default)]
    pub codes: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub incidents: Option<String>,
    #[serde(default)]
    pub infos: Vec<Info>,
}

/// What is wrong with an alert; `field` is a path such as `info[0].area[1].polygon[0]`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {problem}")]
pub struct CapError {
    pub field: String,
    pub problem: String,
}

fn err<T>(field: impl Into<String>, problem: impl Into<String>) -> Result<T, CapError> {
    Err(CapError {
        field: field.into(),
        problem: problem.into(),
    })
}

/// A CAP date-time in Beijing time: `YYYY-MM-DDThh:mm:ss+08:00` (seconds truncated).
pub fn cap_time(t: Timestamp) -> String {
    let d = jiff::tz::Offset::constant(8).to_datetime(t);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}+08:00",
        d.year(),
        d.month(),
        d.day(),
        d.hour(),
        d.minute(),
        d.second()
    )
}

/// Text escaped for XML element content; refuses characters XML 1.0 cannot carry.
fn escape(field: &str, s: &str) -> Result<String, CapError> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {
                return err(
                    field,
                    format!("contains control character U+{:04X}", c as u32),
                );
            }
            c => out.push(c),
        }
    }
    Ok(out)
}

/// `identifier`, `sender`: non-empty, no whitespace, commas, `<` or `&` (CAP 1.2 §3.2.1).
fn check_token(field: &str, s: &str) -> Result<(), CapError> {
    if s.is_empty() {
        return err(field, "must not be empty");
    }
    if let Some(c) = s
        .chars()
        .find(|c| c.is_whitespace() || matches!(c, ',' | '<' | '&'))
    {
        return err(
            field,
            format!("must not contain {c:?} (spaces, commas, < and & are not allowed)"),
        );
    }
    Ok(())
}

fn check_text(field: &str, s: &str) -> Result<(), CapError> {
    if s.trim().is_empty() {
        return err(field, "must not be empty");
    }
    Ok(())
}

/// A number without trailing zeros (at most `decimals` places).
fn num(v: f64, decimals: usize) -> String {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    } else {
        s
    };
    if s == "-0" { "0".to_owned() } else { s }
}

fn point(field: &str, p: LatLon) -> Result<String, CapError> {
    if !(p.lat.is_finite() && (-90.0..=90.0).contains(&p.lat)) {
        return err(field, format!("latitude {} outside −90…90", p.lat));
    }
    if !(p.lon.is_finite() && (-180.0..=180.0).contains(&p.lon)) {
        return err(field, format!("longitude {} outside −180…180", p.lon));
    }
    Ok(format!("{},{}", num(p.lat, 6), num(p.lon, 6)))
}

/// The `<polygon>` text: ≥ 4 `lat,lon` pairs, closed.
pub fn polygon_text(field: &str, ring: &[LatLon]) -> Result<String, CapError> {
    if ring.len() < 4 {
        return err(
            field,
            format!("needs at least 4 coordinate pairs, has {}", ring.len()),
        );
    }
    if ring.first() != ring.last() {
        return err(field, "not closed: the first pair must equal the last");
    }
    let pairs: Result<Vec<String>, CapError> = ring
        .iter()
        .enumerate()
        .map(|(i, &p)| point(&format!("{field}[{i}]"), p))
        .collect();
    Ok(pairs?.join(" "))
}

/// The `<circle>` text: `lat,lon radius_km`.
pub fn circle_text(field: &str, center: LatLon, radius_km: f64) -> Result<String, CapError> {
    if !(radius_km.is_finite() && radius_km >= 0.0) {
        return err(
            field,
            format!("radius {radius_km} km must be a finite number ≥ 0 (kilometres)"),
        );
    }
    Ok(format!("{} {}", point(field, center)?, num(radius_km, 4)))
}

fn language_ok(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty() && part.len() <= 8 && part.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

struct Xml {
    out: String,
    depth: usize,
}

impl Xml {
    fn open(&mut self, tag: &str) {
        self.indent();
        let _ = writeln!(self.out, "<{tag}>");
        self.depth += 1;
    }
    fn close(&mut self, tag: &str) {
        self.depth -= 1;
        self.indent();
        let _ = writeln!(self.out, "</{tag}>");
    }
    fn indent(&mut self) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
    }
    /// An element with already-escaped text.
    fn raw(&mut self, tag: &str, text: &str) {
        self.indent();
        let _ = writeln!(self.out, "<{tag}>{text}</{tag}>");
    }
    fn text(&mut self, field: &str, tag: &str, text: &str) -> Result<(), CapError> {
        let e = escape(field, text)?;
        self.raw(tag, &e);
        Ok(())
    }
    fn opt(&mut self, field: &str, tag: &str, text: Option<&str>) -> Result<(), CapError> {
        match text {
            Some(t) => {
                check_text(field, t)?;
                self.text(field, tag, t)
            }
            None => Ok(()),
        }
    }
    fn pair(
        &mut self,
        field: &str,
        tag: &str,
        (name, value): &(String, String),
    ) -> Result<(), CapError> {
        check_text(&format!("{field}.valueName"), name)?;
        let n = escape(&format!("{field}.valueName"), name)?;
        let v = escape(&format!("{field}.value"), value)?;
        self.indent();
        let _ = writeln!(
            self.out,
            "<{tag}><valueName>{n}</valueName><value>{v}</value></{tag}>"
        );
        Ok(())
    }
}

/// The alert as CAP 1.2 XML (UTF-8, with the XML declaration), after every check listed in the
/// module documentation; the first problem found is returned instead.
pub fn render(alert: &Alert) -> Result<String, CapError> {
    check_token("identifier", &alert.identifier)?;
    check_token("sender", &alert.sender)?;
    match alert.scope {
        CapScope::Private => match &alert.addresses {
            Some(a) if !a.trim().is_empty() => {}
            _ => return err("addresses", "required when scope is Private"),
        },
        CapScope::Restricted => match &alert.restriction {
            Some(r) if !r.trim().is_empty() => {}
            _ => return err("restriction", "required when scope is Restricted"),
        },
        CapScope::Public => {}
    }
    if alert.restriction.is_some() && alert.scope != CapScope::Restricted {
        return err("restriction", "only used when scope is Restricted");
    }
    if alert.msg_type != MsgType::Alert && alert.references.is_empty() {
        return err(
            "references",
            format!(
                "required for msgType {} (the messages it updates, cancels, acknowledges or \
                 answers)",
                alert.msg_type.as_str()
            ),
        );
    }
    let mut refs = Vec::with_capacity(alert.references.len());
    for (i, r) in alert.references.iter().enumerate() {
        check_token(&format!("references[{i}].sender"), &r.sender)?;
        check_token(&format!("references[{i}].identifier"), &r.identifier)?;
        if r.sender == alert.sender && r.identifier == alert.identifier {
            return err(
                format!("references[{i}]"),
                "refers to the alert itself (identifier must be unique per sender)",
            );
        }
        refs.push(format!(
            "{},{},{}",
            r.sender,
            r.identifier,
            cap_time(r.sent)
        ));
    }
    for (i, c) in alert.codes.iter().enumerate() {
        check_text(&format!("codes[{i}]"), c)?;
    }

    let mut x = Xml {
        out: String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"),
        depth: 0,
    };
    let _ = writeln!(x.out, "<alert xmlns=\"{NAMESPACE}\">");
    x.depth = 1;
    x.text("identifier", "identifier", &alert.identifier)?;
    x.text("sender", "sender", &alert.sender)?;
    x.raw("sent", &cap_time(alert.sent));
    x.raw("status", alert.status.as_str());
    x.raw("msgType", alert.msg_type.as_str());
    x.opt("source", "source", alert.source.as_deref())?;
    x.raw("scope", alert.scope.as_str());
    x.opt("restriction", "restriction", alert.restriction.as_deref())?;
    x.opt("addresses", "addresses", alert.addresses.as_deref())?;
    for (i, c) in alert.codes.iter().enumerate() {
        x.text(&format!("codes[{i}]"), "code", c)?;
    }
    x.opt("note", "note", alert.note.as_deref())?;
    if !refs.is_empty() {
        x.text("references", "references", &refs.join(" "))?;
    }
    x.opt("incidents", "incidents", alert.incidents.as_deref())?;
    for (i, info) in alert.infos.iter().enumerate() {
        render_info(&mut x, &format!("info[{i}]"), info)?;
    }
    x.out.push_str("</alert>\n");
    Ok(x.out)
}

fn render_info(x: &mut Xml, f: &str, info: &Info) -> Result<(), CapError> {
    if !language_ok(&info.language) {
        return err(
            format!("{f}.language"),
            format!("{:?} is not a language tag such as zh-CN", info.language),
        );
    }
    if info.categories.is_empty() {
        return err(
            format!("{f}.categories"),
            "at least one category is required",
        );
    }
    check_text(&format!("{f}.event"), &info.event)?;
    x.open("info");
    x.raw("language", &info.language);
    for c in &info.categories {
        x.raw("category", c.as_str());
    }
    x.text(&format!("{f}.event"), "event", &info.event)?;
    for r in &info.response_types {
        x.raw("responseType", r.as_str());
    }
    x.raw("urgency", info.urgency.as_str());
    x.raw("severity", info.severity.as_str());
    x.raw("certainty", info.certainty.as_str());
    x.opt(
        &format!("{f}.audience"),
        "audience",
        info.audience.as_deref(),
    )?;
    for (i, p) in info.event_codes.iter().enumerate() {
        x.pair(&format!("{f}.event_codes[{i}]"), "eventCode", p)?;
    }
    for (tag, t) in [
        ("effective", info.effective),
        ("onset", info.onset),
        ("expires", info.expires),
    ] {
        if let Some(t) = t {
            x.raw(tag, &cap_time(t));
        }
    }
    x.opt(
        &format!("{f}.sender_name"),
        "senderName",
        info.sender_name.as_deref(),
    )?;
    x.opt(
        &format!("{f}.headline"),
        "headline",
        info.headline.as_deref(),
    )?;
    x.opt(
        &format!("{f}.description"),
        "description",
        info.description.as_deref(),
    )?;
    x.opt(
        &format!("{f}.instruction"),
        "instruction",
        info.instruction.as_deref(),
    )?;
    x.opt(&format!("{f}.web"), "web", info.web.as_deref())?;
    x.opt(&format!("{f}.contact"), "contact", info.contact.as_deref())?;
    for (i, p) in info.parameters.iter().enumerate() {
        x.pair(&format!("{f}.parameters[{i}]"), "parameter", p)?;
    }
    for (i, a) in info.areas.iter().enumerate() {
        render_area(x, &format!("{f}.area[{i}]"), a)?;
    }
    x.close("info");
    Ok(())
}

fn render_area(x: &mut Xml, f: &str, a: &Area) -> Result<(), CapError> {
    check_text(&format!("{f}.desc"), &a.desc)?;
    let polygons: Result<Vec<String>, CapError> = a
        .polygons
        .iter()
        .enumerate()
        .map(|(i, p)| polygon_text(&format!("{f}.polygon[{i}]"), p))
        .collect();
    let circles: Result<Vec<String>, CapError> = a
        .circles
        .iter()
        .enumerate()
        .map(|(i, &(c, r))| circle_text(&format!("{f}.circle[{i}]"), c, r))
        .collect();
    let (polygons, circles) = (polygons?, circles?);
    match (a.altitude, a.ceiling) {
        (None, Some(_)) => return err(format!("{f}.ceiling"), "only allowed with altitude"),
        (Some(alt), c) => {
            if !alt.is_finite() {
                return err(format!("{f}.altitude"), "must be a finite number (feet)");
            }
            if let Some(c) = c
                && (!c.is_finite() || c < alt)
            {
                return err(format!("{f}.ceiling"), "must be a finite number ≥ altitude");
            }
        }
        (None, None) => {}
    }
    x.open("area");
    x.text(&format!("{f}.desc"), "areaDesc", &a.desc)?;
    for p in &polygons {
        x.raw("polygon", p);
    }
    for c in &circles {
        x.raw("circle", c);
    }
    for (i, g) in a.geocodes.iter().enumerate() {
        x.pair(&format!("{f}.geocodes[{i}]"), "geocode", g)?;
    }
    if let Some(alt) = a.altitude {
        x.raw("altitude", &num(alt, 3));
    }
    if let Some(c) = a.ceiling {
        x.raw("ceiling", &num(c, 3));
    }
    x.close("area");
    Ok(())
}
