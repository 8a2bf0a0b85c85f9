//! METAR reports as stability and wind input (`docs/domain/hazmat.md` §11; WMO FM 15 / ICAO
//! Annex 3 layout).
//!
//! Read: station, `ddhhmmZ` (UTC), wind `dddff[Gfmfm]KT|MPS|KMH` (`VRB` direction), optional
//! `AUTO`/`COR`, `dddVddd` variation (ignored), visibility and weather groups (skipped), `CAVOK`,
//! sky groups `FEW|SCT|BKN|OVC hhh` (with `CB`/`TCU`/`///` suffixes), `VV hhh`, `NSC`, `NCD`,
//! `SKC`, `CLR`, temperature/dew point `[M]TT/[M]TT`, pressure `Qpppp` (hPa) or `Apppp`
//! (inHg × 100). Parsing stops at `RMK`, `NOSIG`, `TEMPO`, `BECMG`.
//!
//! # Conventions (not standards — hazmat.md §11)
//! * Oktas → tenths ×10/8, each cover category taken at its **midpoint**: FEW 1.5/8, SCT 3.5/8,
//!   BKN 6/8, OVC 8/8, VV (sky obscured) 8/8.
//! * Total cloud = the **largest** layer's cover (layers are not summed).
//! * Ceiling = the lowest BKN, OVC or VV layer (ft × 0.3048 → m).
//! * `CAVOK`, `NSC`, `NCD`, `SKC`, `CLR` → total cloud 0, no ceiling.
//! * Calm (`00000KT`) and `VRB` → `wind_from_deg: None`.
//! * Knots × 0.514444 → m/s; km/h ÷ 3.6.

use serde::{Deserialize, Serialize};

/// One knot in m/s (1852 m / 3600 s).
pub const MS_PER_KNOT: f64 = 0.514444;
/// One inch of mercury in hPa.
pub const HPA_PER_INHG: f64 = 33.8639;

/// A decoded METAR (the parts hazmat models use).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Metar {
    pub station: String,
    /// Day of month, hour and minute of the observation (UTC).
    pub day: u8,
    pub hour: u8,
    pub minute: u8,
    /// Direction the wind blows from (degrees); `None` for VRB and calm.
    pub wind_from_deg: Option<f64>,
    pub wind_speed_ms: f64,
    pub gust_ms: Option<f64>,
    pub total_cloud_tenths: Option<f64>,
    pub ceiling_m: Option<f64>,
    pub temp_c: Option<f64>,
    pub dew_c: Option<f64>,
    pub pressure_hpa: Option<f64>,
}

/// What was wrong with a METAR.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MetarError {
    #[error("empty report")]
    Empty,
    #[error("station: expected a 4-character ICAO identifier, got {0:?}")]
    Station(String),
    #[error("time: expected ddhhmmZ, got {0:?}")]
    Time(String),
    #[error("wind: no wind group (dddffKT or dddffMPS) found")]
    MissingWind,
    #[error("wind: cannot read {0:?}")]
    Wind(String),
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

fn parse_time(tok: &str) -> Option<(u8, u8, u8)> {
    let d = tok.strip_suffix('Z')?;
    if d.len() != 6 || !digits(d) {
        return None;
    }
    let day: u8 = d.get(0..2)?.parse().ok()?;
    let hour: u8 = d.get(2..4)?.parse().ok()?;
    let minute: u8 = d.get(4..6)?.parse().ok()?;
    if !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    Some((day, hour, minute))
}

/// A wind group, `None` if `tok` is not one; `Some(Err)` if it looks like one but is malformed.
#[allow(clippy::type_complexity)]
fn parse_wind(tok: &str) -> Option<Result<(Option<f64>, f64, Option<f64>), MetarError>> {
    let (body, factor) = if let Some(b) = tok.strip_suffix("KT") {
        (b, MS_PER_KNOT)
    } else if let Some(b) = tok.strip_suffix("MPS") {
        (b, 1.0)
    } else if let Some(b) = tok.strip_suffix("KMH") {
        (b, 1.0 / 3.6)
    } else {
        return None;
    };
    let bad = || MetarError::Wind(tok.to_owned());
    let dir = body.get(0..3)?;
    if !(dir == "VRB" || digits(dir)) {
        return None;
    }
    let rest = body.get(3..).unwrap_or("");
    let (speed, gust) = match rest.split_once('G') {
        Some((s, g)) => (s, Some(g)),
        None => (rest, None),
    };
    let Some(speed) = (2..=3)
        .contains(&speed.len())
        .then(|| speed.parse::<f64>().ok())
        .flatten()
        .filter(|_| digits(speed))
    else {
        return Some(Err(bad()));
    };
    let gust = match gust {
        Some(g) if digits(g) && (2..=3).contains(&g.len()) => match g.parse::<f64>() {
            Ok(v) => Some(v * factor),
            Err(_) => return Some(Err(bad())),
        },
        Some(_) => return Some(Err(bad())),
        None => None,
    };
    let from = if dir == "VRB" {
        None
    } else {
        let Ok(d) = dir.parse::<f64>() else {
            return Some(Err(bad()));
        };
        if d > 360.0 {
            return Some(Err(bad()));
        }
        (speed > 0.0 || d > 0.0).then_some(d)
    };
    Some(Ok((from, speed * factor, gust)))
}

fn parse_temp(s: &str) -> Option<f64> {
    let (neg, d) = match s.strip_prefix('M') {
        Some(d) => (true, d),
        None => (false, s),
    };
    if d.len() != 2 || !digits(d) {
        return None;
    }
    let v: f64 = d.parse().ok()?;
    Some(if neg { -v } else { v })
}

/// Parses one METAR (or SPECI) report; the conventions are in the module documentation.
pub fn parse(text: &str) -> Result<Metar, MetarError> {
    let mut toks = text
        .split_whitespace()
        .map(|t| t.trim_end_matches('='))
        .filter(|t| !t.is_empty())
        .peekable();
    if matches!(toks.peek(), Some(&"METAR" | &"SPECI")) {
        toks.next();
    }
    if matches!(toks.peek(), Some(&"COR")) {
        toks.next();
    }
    let station = toks.next().ok_or(MetarError::Empty)?;
    if station.len() != 4 || !station.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(MetarError::Station(station.to_owned()));
    }
    let time_tok = toks.next().ok_or_else(|| MetarError::Time(String::new()))?;
    let (day, hour, minute) =
        parse_time(time_tok).ok_or_else(|| MetarError::Time(time_tok.to_owned()))?;

    let mut wind = None;
    let mut max_oktas: Option<f64> = None;
    let mut ceiling_m: Option<f64> = None;
    let mut temp_c = None;
    let mut dew_c = None;
    let mut pressure_hpa = None;
    for tok in toks {
        if matches!(tok, "RMK" | "NOSIG" | "TEMPO" | "BECMG") {
            break;
        }
        if wind.is_none()
            && let Some(w) = parse_wind(tok)
        {
            wind = Some(w?);
            continue;
        }
        if matches!(tok, "CAVOK" | "NSC" | "NCD" | "SKC" | "CLR") {
            max_oktas = Some(max_oktas.unwrap_or(0.0));
            continue;
        }
        let layer = [
            ("FEW", 1.5, false),
            ("SCT", 3.5, false),
            ("BKN", 6.0, true),
            ("OVC", 8.0, true),
            ("VV", 8.0, true),
        ]
        .into_iter()
        .find_map(|(p, oktas, ceil)| tok.strip_prefix(p).map(|rest| (rest, oktas, ceil)));
        if let Some((rest, oktas, is_ceiling)) = layer {
            let height = rest.get(0..3).filter(|h| digits(h));
            let suffix_ok = rest
                .get(3..)
                .is_some_and(|s| matches!(s, "" | "CB" | "TCU" | "///"));
            if (height.is_some() || rest.starts_with("///")) && suffix_ok {
                max_oktas = Some(max_oktas.map_or(oktas, |m: f64| m.max(oktas)));
                if is_ceiling && let Some(h) = height.and_then(|h| h.parse::<f64>().ok()) {
                    let m = h * 100.0 * 0.3048;
                    ceiling_m = Some(ceiling_m.map_or(m, |c: f64| c.min(m)));
                }
                continue;
            }
        }
        if let Some((t, d)) = tok.split_once('/')
            && let Some(t) = parse_temp(t)
        {
            temp_c = Some(t);
            dew_c = parse_temp(d);
            continue;
        }
        if let Some(q) = tok.strip_prefix('Q').filter(|q| q.len() == 4 && digits(q)) {
            pressure_hpa = q.parse::<f64>().ok();
            continue;
        }
        if let Some(a) = tok.strip_prefix('A').filter(|a| a.len() == 4 && digits(a)) {
            pressure_hpa = a.parse::<f64>().ok().map(|v| v / 100.0 * HPA_PER_INHG);
            continue;
        }
    }
    let (wind_from_deg, wind_speed_ms, gust_ms) = wind.ok_or(MetarError::MissingWind)?;
    Ok(Metar {
        station: station.to_owned(),
        day,
        hour,
        minute,
        wind_from_deg,
        wind_speed_ms,
        gust_ms,
        total_cloud_tenths: max_oktas.map(|o| o * 10.0 / 8.0),
        ceiling_m,
        temp_c,
        dew_c,
        pressure_hpa,
    })
}
