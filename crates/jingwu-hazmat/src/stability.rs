//! Stability class from weather observations (`docs/domain/hazmat.md` §7).
//!
//! Methods, each a public function with its table:
//! * [`pasquill`] — Pasquill (1961) by 10 m wind and insolation / night cloud (NOAA READY
//!   "Pasquill Stability Classes"; hazmat.md §7.1).
//! * [`turner_nri`] with [`net_radiation_index`] and [`insolation_class`] — Turner (1964)
//!   net-radiation index, EPA-454/R-99-005 §6.4.1, Tables 6-4 to 6-6 (hazmat.md §7.2).
//! * [`srdt_day`], [`srdt_night`] — solar radiation / ΔT, EPA-454/R-99-005 Table 6-7 (§7.3).
//! * [`sigma_theta`] and [`lapse_rate`] — σθ and ΔT/Δz classes (NOAA READY; §7.3).
//! * [`gbt3840_radiation_grade`] (Table B1) and [`gbt3840`] (Table B2) — GB/T 3840-91 Appendix B
//!   (§7.4). **Table B2 is unverified** (recalled, not checked against the standard's text), so
//!   [`estimate`] does not use it by default.
//! * [`solar_altitude_deg`] — GB/T 3840-91's solar-altitude and declination formulas (§7.4).
//!
//! # Conventions (Jingwu's, logged in [`StabilityEstimate::notes`])
//! * Half classes (A–B, B–C, C–D) resolve to the **more stable** class (A–B → B): higher
//!   ground-level concentrations for ground-level releases (hazmat.md §7.1).
//! * Turner's class 7 (G) is treated as F (regulatory practice, §7.2).
//! * Night is solar altitude ≤ 0° (Pasquill's "1 h before sunset to 1 h after sunrise" and the
//!   neutral hour around it are not modelled).
//! * Pasquill's night cells at u < 2 m/s, blank in Turner's workbook, take the NOAA READY
//!   values (E under cloud, F clear).
//! * Wind rows in m/s are half-open intervals: "2–3" is 2 ≤ u < 3, "> 6" is u ≥ 6.
//!
//! # Method choice ([`estimate`], after §7.5)
//! 1. Total cloud reported → Turner NRI (verified tables; ceiling absent = unlimited).
//!    GB/T 3840 maps SYNOP N / Nh directly but its Table B2 is unverified; call [`gbt3840`]
//!    explicitly to use it.
//! 2. Else by day global solar radiation, by night ΔT → SRDT.
//! 3. Else σθ → σθ table.
//! 4. Else fallback: solar altitude with a clear sky assumed (Pasquill strong / moderate /
//!    slight insolation by altitude by day, the "≤ 4/8 cloud" night column by night), logged.

use serde::{Deserialize, Serialize};

use crate::sigma::Stability;

/// One metre per second in knots (1 kt = 1852 m / 3600 s).
pub const KNOTS_PER_MS: f64 = 1.943844;
/// One foot in metres.
pub const M_PER_FT: f64 = 0.3048;

jingwu_core::text_enum! {
    /// A cell of a stability table: a class, a half class, or Turner's G.
    pub enum TableClass: "table class" {
        A = "A" ("A", "A"),
        AB = "A-B" ("A–B", "A–B"),
        B = "B" ("B", "B"),
        BC = "B-C" ("B–C", "B–C"),
        C = "C" ("C", "C"),
        CD = "C-D" ("C–D", "C–D"),
        D = "D" ("D", "D"),
        E = "E" ("E", "E"),
        F = "F" ("F", "F"),
        G = "G" ("G（极稳定）", "G (extremely stable)"),
    }
}

impl TableClass {
    /// The class used for modelling: half classes → the more stable neighbour, G → F; with a
    /// note (English) when a rule was applied.
    pub fn resolve(self) -> (Stability, Option<String>) {
        let half = |to: Stability| {
            (
                to,
                Some(format!(
                    "half class {} resolved to the more stable class {}",
                    self.as_str(),
                    to.as_str()
                )),
            )
        };
        match self {
            TableClass::A => (Stability::A, None),
            TableClass::AB => half(Stability::B),
            TableClass::B => (Stability::B, None),
            TableClass::BC => half(Stability::C),
            TableClass::C => (Stability::C, None),
            TableClass::CD => half(Stability::D),
            TableClass::D => (Stability::D, None),
            TableClass::E => (Stability::E, None),
            TableClass::F => (Stability::F, None),
            TableClass::G => (
                Stability::F,
                Some("class G (extremely stable) treated as F".to_owned()),
            ),
        }
    }

    /// Turner's numbering 1 = A … 7 = G; out-of-range numbers clamp to the ends.
    pub fn from_turner_number(n: u8) -> Self {
        match n {
            0 | 1 => TableClass::A,
            2 => TableClass::B,
            3 => TableClass::C,
            4 => TableClass::D,
            5 => TableClass::E,
            6 => TableClass::F,
            _ => TableClass::G,
        }
    }
}

jingwu_core::text_enum! {
    /// How a stability class was obtained.
    pub enum StabilityMethod: "stability method" {
        TurnerNri = "turner_nri" ("Turner 净辐射指数法", "Turner net-radiation index"),
        Gbt3840 = "gbt3840" ("GB/T 3840-91 P·S 法", "GB/T 3840-91 (P·S)"),
        Srdt = "srdt" ("太阳辐射/温差法", "Solar radiation / delta-T"),
        SigmaTheta = "sigma_theta" ("风向标准差法", "Sigma-theta"),
        Pasquill = "pasquill" ("Pasquill 表", "Pasquill table"),
        Fallback = "fallback" ("保守推定（无云量观测）", "Fallback (no cloud data)"),
    }
}

jingwu_core::text_enum! {
    /// A column of the Pasquill (1961) table (hazmat.md §7.1).
    pub enum PasquillCondition: "Pasquill condition" {
        StrongInsolation = "strong_insolation" ("强日照", "Day, strong insolation"),
        ModerateInsolation = "moderate_insolation" ("中等日照", "Day, moderate insolation"),
        SlightInsolation = "slight_insolation" ("弱日照", "Day, slight insolation"),
        NightCloudy = "night_cloudy" ("夜间薄云或低云>4/8", "Night, thin overcast or > 4/8 low cloud"),
        NightClear = "night_clear" ("夜间云量≤4/8", "Night, ≤ 4/8 cloud"),
        Overcast = "overcast" ("阴天（昼夜）", "Overcast, day or night"),
    }
}

/// Observations for [`estimate`]. Cloud in tenths (0–10), ceiling in m, ΔT = T(10 m) − T(2 m)
/// in °C, σθ in degrees, wind at 10 m.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeatherInput {
    pub at: jiff::Timestamp,
    pub lat: f64,
    pub lon: f64,
    pub wind_speed_ms: f64,
    #[serde(default)]
    pub total_cloud_tenths: Option<f64>,
    #[serde(default)]
    pub low_cloud_tenths: Option<f64>,
    #[serde(default)]
    pub ceiling_m: Option<f64>,
    #[serde(default)]
    pub global_solar_wm2: Option<f64>,
    #[serde(default)]
    pub delta_t_c: Option<f64>,
    #[serde(default)]
    pub sigma_theta_deg: Option<f64>,
}

/// A stability class with how it was obtained.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityEstimate {
    pub class: Stability,
    pub method: StabilityMethod,
    pub solar_altitude_deg: f64,
    pub night: bool,
    /// Conventions applied (half classes, G → F, fallbacks), in English.
    pub notes: Vec<String>,
}

/// Pasquill wind row for the 5-row tables (Pasquill, GB/T B2 and SRDT day): < 2, 2–3, 3–5,
/// 5–6, ≥ 6 m/s.
fn row5(u: f64) -> usize {
    if u < 2.0 {
        0
    } else if u < 3.0 {
        1
    } else if u < 5.0 {
        2
    } else if u < 6.0 {
        3
    } else {
        4
    }
}

/// Pasquill (1961) class by 10 m wind (m/s) and condition (NOAA READY table; hazmat.md §7.1).
/// Wind rows < 2, 2–3, 3–5, 5–6, ≥ 6 m/s; overcast is D day or night.
pub fn pasquill(u10_ms: f64, condition: PasquillCondition) -> TableClass {
    use TableClass::*;
    // Columns: strong, moderate, slight, night cloudy, night clear.
    const T: [[TableClass; 5]; 5] = [
        [A, AB, B, E, F],
        [AB, B, C, E, F],
        [B, BC, C, D, E],
        [C, CD, D, D, D],
        [C, D, D, D, D],
    ];
    let col = match condition {
        PasquillCondition::StrongInsolation => 0,
        PasquillCondition::ModerateInsolation => 1,
        PasquillCondition::SlightInsolation => 2,
        PasquillCondition::NightCloudy => 3,
        PasquillCondition::NightClear => 4,
        PasquillCondition::Overcast => return D,
    };
    T[row5(u10_ms)][col]
}

/// Turner's insolation class from solar altitude α (EPA-454/R-99-005 Table 6-5): α > 60° → 4;
/// 35° < α ≤ 60° → 3; 15° < α ≤ 35° → 2; α ≤ 15° → 1.
pub fn insolation_class(solar_altitude_deg: f64) -> i8 {
    if solar_altitude_deg > 60.0 {
        4
    } else if solar_altitude_deg > 35.0 {
        3
    } else if solar_altitude_deg > 15.0 {
        2
    } else {
        1
    }
}

/// Turner's net-radiation index (EPA-454/R-99-005 Table 6-6; hazmat.md §7.2). Cloud in tenths,
/// ceiling in m (`None` = no ceiling, unlimited). Night is solar altitude ≤ 0.
///
/// Step 4 follows the EPA text as Jingwu reads it: with cloud > 5/10 by day, ceiling < 7000 ft
/// → −2, 7000–16000 ft → −1, and cloud = 10/10 → a further −1 whenever the ceiling is ≥ 7000 ft
/// (lower ceilings with 10/10 are step 1); the result is at least 1. A widely copied flowchart
/// applies the 10/10 step only for 7000–16000 ft — **unverified** which is right (§7.2).
pub fn net_radiation_index(
    solar_altitude_deg: f64,
    total_cloud_tenths: f64,
    ceiling_m: Option<f64>,
) -> i8 {
    let ceiling_ft = ceiling_m.map(|c| c / M_PER_FT);
    let low_ceiling = ceiling_ft.is_some_and(|c| c < 7000.0);
    let overcast = total_cloud_tenths >= 10.0;
    if overcast && low_ceiling {
        return 0;
    }
    if solar_altitude_deg <= 0.0 {
        return if total_cloud_tenths <= 4.0 { -2 } else { -1 };
    }
    let ic = insolation_class(solar_altitude_deg);
    if total_cloud_tenths <= 5.0 {
        return ic;
    }
    let mut nri = ic;
    match ceiling_ft {
        Some(c) if c < 7000.0 => nri -= 2,
        Some(c) if c < 16000.0 => nri -= 1,
        _ => {}
    }
    if overcast {
        nri -= 1;
    }
    nri.max(1)
}

/// Wind speed in whole knots for the NRI table: m/s × 1.943844, **rounded to the nearest knot**
/// (halves away from zero), negatives as 0.
pub fn whole_knots(u_ms: f64) -> u32 {
    let k = (u_ms * KNOTS_PER_MS).round();
    if k.is_finite() && k > 0.0 {
        k as u32
    } else {
        0
    }
}

/// Turner (1964) class by wind (m/s, converted with [`whole_knots`]) and NRI −2…4
/// (EPA-454/R-99-005 Table 6-4; hazmat.md §7.2). NRI outside −2…4 is clamped.
pub fn turner_nri(u_ms: f64, nri: i8) -> TableClass {
    // Columns NRI 4, 3, 2, 1, 0, −1, −2; classes 1 = A … 7 = G.
    const T: [[u8; 7]; 9] = [
        [1, 1, 2, 3, 4, 6, 7], // 0, 1 kt
        [1, 2, 2, 3, 4, 6, 7], // 2, 3
        [1, 2, 3, 4, 4, 5, 6], // 4, 5
        [2, 2, 3, 4, 4, 5, 6], // 6
        [2, 2, 3, 4, 4, 4, 5], // 7
        [2, 3, 3, 4, 4, 4, 5], // 8, 9
        [3, 3, 4, 4, 4, 4, 5], // 10
        [3, 3, 4, 4, 4, 4, 4], // 11
        [3, 4, 4, 4, 4, 4, 4], // ≥ 12
    ];
    let row = match whole_knots(u_ms) {
        0 | 1 => 0,
        2 | 3 => 1,
        4 | 5 => 2,
        6 => 3,
        7 => 4,
        8 | 9 => 5,
        10 => 6,
        11 => 7,
        _ => 8,
    };
    let col = (4 - nri.clamp(-2, 4)) as usize;
    TableClass::from_turner_number(T[row][col])
}

/// SRDT by day (EPA-454/R-99-005 Table 6-7; hazmat.md §7.3): wind rows < 2, 2–3, 3–5, 5–6,
/// ≥ 6 m/s; radiation columns ≥ 925, 675–925, 175–675, < 175 W/m² (lower bounds inclusive).
pub fn srdt_day(u_ms: f64, global_solar_wm2: f64) -> Stability {
    use Stability::*;
    const T: [[Stability; 4]; 5] = [
        [A, A, B, D],
        [A, B, C, D],
        [B, B, C, D],
        [C, C, D, D],
        [C, D, D, D],
    ];
    let col = if global_solar_wm2 >= 925.0 {
        0
    } else if global_solar_wm2 >= 675.0 {
        1
    } else if global_solar_wm2 >= 175.0 {
        2
    } else {
        3
    };
    T[row5(u_ms)][col]
}

/// SRDT by night (EPA-454/R-99-005 Table 6-7): by wind (< 2.0, 2.0–2.5, ≥ 2.5 m/s) and the sign
/// of ΔT/Δz (`delta_t_c` = T(upper) − T(lower); negative = lapse, ≥ 0 = inversion).
pub fn srdt_night(u_ms: f64, delta_t_c: f64) -> Stability {
    let inversion = delta_t_c >= 0.0;
    if u_ms < 2.0 {
        if inversion {
            Stability::F
        } else {
            Stability::E
        }
    } else if u_ms < 2.5 {
        if inversion {
            Stability::E
        } else {
            Stability::D
        }
    } else {
        Stability::D
    }
}

/// Class from σθ (degrees). NOAA READY gives representative values A 25, B 20, C 15, D 10, E 5,
/// F 2.5; Jingwu's boundaries are the midpoints: ≥ 22.5 A, ≥ 17.5 B, ≥ 12.5 C, ≥ 7.5 D,
/// ≥ 3.75 E, else F.
pub fn sigma_theta(sigma_theta_deg: f64) -> Stability {
    if sigma_theta_deg >= 22.5 {
        Stability::A
    } else if sigma_theta_deg >= 17.5 {
        Stability::B
    } else if sigma_theta_deg >= 12.5 {
        Stability::C
    } else if sigma_theta_deg >= 7.5 {
        Stability::D
    } else if sigma_theta_deg >= 3.75 {
        Stability::E
    } else {
        Stability::F
    }
}

/// Class from the temperature lapse rate ΔT/Δz in °C per 100 m (NOAA READY): A < −1.9;
/// B −1.9…−1.7; C −1.7…−1.5; D −1.5…−0.5; E −0.5…1.5; F 1.5…4.0; G > 4.0 (lower bounds
/// inclusive).
pub fn lapse_rate(dt_per_100m: f64) -> TableClass {
    if dt_per_100m < -1.9 {
        TableClass::A
    } else if dt_per_100m < -1.7 {
        TableClass::B
    } else if dt_per_100m < -1.5 {
        TableClass::C
    } else if dt_per_100m < -0.5 {
        TableClass::D
    } else if dt_per_100m < 1.5 {
        TableClass::E
    } else if dt_per_100m <= 4.0 {
        TableClass::F
    } else {
        TableClass::G
    }
}

/// GB/T 3840-91 Table B1: radiation grade from total / low cloud (tenths, rounded to the nearest
/// whole tenth; low cloud capped at total) and solar altitude h0 (night = `night`). Verified
/// against a published reproduction (hazmat.md §7.4).
pub fn gbt3840_radiation_grade(
    total_cloud_tenths: f64,
    low_cloud_tenths: f64,
    solar_altitude_deg: f64,
    night: bool,
) -> i8 {
    let total = total_cloud_tenths.round().clamp(0.0, 10.0);
    let low = low_cloud_tenths.round().clamp(0.0, total);
    // Columns: night, h0 ≤ 15, 15 < h0 ≤ 35, 35 < h0 ≤ 65, h0 > 65.
    const T: [[i8; 5]; 5] = [
        [-2, -1, 1, 2, 3], // total ≤ 4 / low ≤ 4
        [-1, 0, 1, 2, 3],  // 5–7 / ≤ 4
        [-1, 0, 0, 1, 1],  // ≥ 8 / ≤ 4
        [0, 0, 0, 0, 1],   // ≥ 5 / 5–7
        [0, 0, 0, 0, 0],   // ≥ 8 / ≥ 8
    ];
    let row = if low <= 4.0 {
        if total <= 4.0 {
            0
        } else if total <= 7.0 {
            1
        } else {
            2
        }
    } else if low <= 7.0 {
        3
    } else {
        4
    };
    let col = if night {
        0
    } else if solar_altitude_deg <= 15.0 {
        1
    } else if solar_altitude_deg <= 35.0 {
        2
    } else if solar_altitude_deg <= 65.0 {
        3
    } else {
        4
    };
    T[row][col]
}

/// GB/T 3840-91 Table B2: class by 10 m wind and radiation grade (+3 … −2). **Unverified**: the
/// table is recalled (hazmat.md §7.4), not checked against the standard's text. Wind rows
/// ≤ 1.9, 2–2.9, 3–4.9, 5–5.9, ≥ 6 m/s, read as < 2, < 3, < 5, < 6, ≥ 6.
pub fn gbt3840(u10_ms: f64, radiation_grade: i8) -> TableClass {
    use TableClass::*;
    // Columns +3, +2, +1, 0, −1, −2.
    const T: [[TableClass; 6]; 5] = [
        [A, AB, B, D, E, F],
        [AB, B, C, D, E, F],
        [B, BC, C, D, D, E],
        [C, CD, D, D, D, D],
        [D, D, D, D, D, D],
    ];
    let col = (3 - radiation_grade.clamp(-2, 3)) as usize;
    T[row5(u10_ms)][col]
}

/// Solar altitude (degrees) by GB/T 3840-91 Appendix B (hazmat.md §7.4):
/// `h0 = asin(sin φ sin δ + cos φ cos δ cos(15t + λ − 300))`, t = Beijing time (UTC+8) in hours,
/// with the declination series
/// `δ = (0.006918 − 0.399912 cos θ + 0.070257 sin θ − 0.006758 cos 2θ + 0.000907 sin 2θ
/// − 0.002697 cos 3θ + 0.001480 sin 3θ) · 180/π`, θ = 360·dn/365, dn = day of the Beijing-time
/// year − 1.
pub fn solar_altitude_deg(lat: f64, lon: f64, at: jiff::Timestamp) -> f64 {
    let bj = jiff::tz::Offset::constant(8).to_datetime(at);
    let dn = f64::from(bj.day_of_year()) - 1.0;
    let t = f64::from(bj.hour())
        + f64::from(bj.minute()) / 60.0
        + (f64::from(bj.second()) + f64::from(bj.subsec_nanosecond()) * 1e-9) / 3600.0;
    let th = (360.0 * dn / 365.0).to_radians();
    let decl = 0.006918 - 0.399912 * th.cos() + 0.070257 * th.sin() - 0.006758 * (2.0 * th).cos()
        + 0.000907 * (2.0 * th).sin()
        - 0.002697 * (3.0 * th).cos()
        + 0.001480 * (3.0 * th).sin();
    let phi = lat.to_radians();
    let hour_angle = (15.0 * t + lon - 300.0).to_radians();
    let s = phi.sin() * decl.sin() + phi.cos() * decl.cos() * hour_angle.cos();
    s.clamp(-1.0, 1.0).asin().to_degrees()
}

/// The class for `w`, choosing the method from what is reported (module documentation, §7.5).
pub fn estimate(w: &WeatherInput) -> StabilityEstimate {
    let alt = solar_altitude_deg(w.lat, w.lon, w.at);
    let night = alt <= 0.0;
    let mut notes = Vec::new();
    let u = w.wind_speed_ms.max(0.0);
    let finite = |v: Option<f64>| v.filter(|x| x.is_finite());
    let (class, method) = if let Some(cloud) = finite(w.total_cloud_tenths) {
        let nri = net_radiation_index(alt, cloud.clamp(0.0, 10.0), finite(w.ceiling_m));
        let cell = turner_nri(u, nri);
        notes.push(format!(
            "net radiation index {nri}, wind {} kt",
            whole_knots(u)
        ));
        let (c, note) = cell.resolve();
        notes.extend(note);
        (c, StabilityMethod::TurnerNri)
    } else if let (false, Some(r)) = (night, finite(w.global_solar_wm2)) {
        (srdt_day(u, r), StabilityMethod::Srdt)
    } else if let (true, Some(dt)) = (night, finite(w.delta_t_c)) {
        (srdt_night(u, dt), StabilityMethod::Srdt)
    } else if let Some(st) = finite(w.sigma_theta_deg) {
        (sigma_theta(st), StabilityMethod::SigmaTheta)
    } else {
        let condition = if night {
            PasquillCondition::NightClear
        } else {
            match insolation_class(alt) {
                4 => PasquillCondition::StrongInsolation,
                3 => PasquillCondition::ModerateInsolation,
                _ => PasquillCondition::SlightInsolation,
            }
        };
        notes.push(format!(
            "fallback: no cloud, radiation, delta-T or sigma-theta reported; clear sky assumed \
             (Pasquill column {})",
            condition.as_str()
        ));
        let (c, note) = pasquill(u, condition).resolve();
        notes.extend(note);
        (c, StabilityMethod::Fallback)
    };
    StabilityEstimate {
        class,
        method,
        solar_altitude_deg: alt,
        night,
        notes,
    }
}
