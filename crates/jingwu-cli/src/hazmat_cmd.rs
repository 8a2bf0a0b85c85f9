//! `jingwu hazmat …`: the dispersion models, threat zones and CAP rendering of
//! `jingwu-hazmat` from the command line, with no database. Output is JSON (plume, puff),
//! GeoJSON (zone) or CAP XML (cap) on stdout — a stable contract (docs/hazmat-models.md).
//! Bad input: one line on stderr naming the flag or field, non-zero exit.

use std::path::PathBuf;

use anyhow::{Context, bail};
use jingwu_hazmat::cap;
use jingwu_hazmat::dispersion;
use jingwu_hazmat::erg;
use jingwu_hazmat::sigma::{self, SigmaSet, Sigmas, Stability};
use jingwu_hazmat::wind::Terrain;
use jingwu_hazmat::zone::{self, LatLon, LevelOfConcern, Release, ZoneInput};
use serde_json::json;

#[derive(Debug, clap::Subcommand)]
pub enum HazmatCommand {
    /// Gaussian plume concentration at one receptor: prints
    /// {"sigma_y_m","sigma_z_m","concentration_g_m3"}.
    Plume(PlumeArgs),
    /// Gaussian puff concentration at one receptor and time (CCPS puff σ at u·t): prints
    /// {"sigma_x_m","sigma_y_m","sigma_z_m","concentration_g_m3"}.
    Puff(PuffArgs),
    /// Threat zones at levels of concern as a GeoJSON FeatureCollection.
    Zone(ZoneArgs),
    /// Render an alert (JSON, the `jingwu_hazmat::cap::Alert` form) as CAP 1.2 XML.
    Cap(CapArgs),
}

/// σ set names on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum SigmaArg {
    BriggsRural,
    BriggsUrban,
    Isc3,
    Martin,
}

impl From<SigmaArg> for SigmaSet {
    fn from(s: SigmaArg) -> Self {
        match s {
            SigmaArg::BriggsRural => SigmaSet::BriggsRural,
            SigmaArg::BriggsUrban => SigmaSet::BriggsUrban,
            SigmaArg::Isc3 => SigmaSet::Isc3Rural,
            SigmaArg::Martin => SigmaSet::Martin1976,
        }
    }
}

/// Pasquill–Gifford class A … F.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum StabilityArg {
    #[value(name = "A")]
    A,
    #[value(name = "B")]
    B,
    #[value(name = "C")]
    C,
    #[value(name = "D")]
    D,
    #[value(name = "E")]
    E,
    #[value(name = "F")]
    F,
}

impl From<StabilityArg> for Stability {
    fn from(s: StabilityArg) -> Self {
        match s {
            StabilityArg::A => Stability::A,
            StabilityArg::B => Stability::B,
            StabilityArg::C => Stability::C,
            StabilityArg::D => Stability::D,
            StabilityArg::E => Stability::E,
            StabilityArg::F => Stability::F,
        }
    }
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum TerrainArg {
    Rural,
    Urban,
}

#[derive(Debug, clap::Args)]
pub struct PlumeArgs {
    /// σ formula set [default: none: required unless --sigma-y/--sigma-z are given].
    #[arg(long, value_enum, required_unless_present = "sigma_y")]
    sigma: Option<SigmaArg>,
    /// Stability class A … F [default: none: required unless --sigma-y/--sigma-z are given].
    #[arg(
        long,
        value_enum,
        ignore_case = true,
        required_unless_present = "sigma_y"
    )]
    stability: Option<StabilityArg>,
    /// Given σy (m) instead of a σ set; needs --sigma-z [default: none: the σ set's].
    #[arg(long, value_name = "M", requires = "sigma_z")]
    sigma_y: Option<f64>,
    /// Given σz (m) instead of a σ set; needs --sigma-y [default: none: the σ set's].
    #[arg(long, value_name = "M", requires = "sigma_y")]
    sigma_z: Option<f64>,
    /// Release rate (g/s).
    #[arg(long, value_name = "G_PER_S")]
    q: f64,
    /// Wind speed at release height (m/s).
    #[arg(long, value_name = "M_PER_S")]
    u: f64,
    /// Effective release height (m).
    #[arg(long, value_name = "M", default_value_t = 0.0)]
    h: f64,
    /// Downwind distance (m).
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    x: f64,
    /// Crosswind offset (m).
    #[arg(
        long,
        value_name = "M",
        default_value_t = 0.0,
        allow_hyphen_values = true
    )]
    y: f64,
    /// Receptor height (m).
    #[arg(long, value_name = "M", default_value_t = 0.0)]
    z: f64,
}

#[derive(Debug, clap::Args)]
pub struct PuffArgs {
    /// Stability class A … F.
    #[arg(long, value_enum, ignore_case = true)]
    stability: StabilityArg,
    /// Released mass (g).
    #[arg(long, value_name = "G")]
    m: f64,
    /// Wind speed at release height (m/s).
    #[arg(long, value_name = "M_PER_S")]
    u: f64,
    /// Time since the release (s).
    #[arg(long, value_name = "S")]
    t: f64,
    /// Effective release height (m).
    #[arg(long, value_name = "M", default_value_t = 0.0)]
    h: f64,
    /// Downwind distance from the release point (m).
    #[arg(long, value_name = "M", allow_hyphen_values = true)]
    x: f64,
    /// Crosswind offset (m).
    #[arg(
        long,
        value_name = "M",
        default_value_t = 0.0,
        allow_hyphen_values = true
    )]
    y: f64,
    /// Receptor height (m).
    #[arg(long, value_name = "M", default_value_t = 0.0)]
    z: f64,
}

#[derive(Debug, clap::Args)]
pub struct ZoneArgs {
    /// A ZoneInput JSON file instead of the flags below [default: none: the flags].
    #[arg(long, value_name = "FILE", conflicts_with_all = ["lat", "lon", "loc", "q", "m", "wind_from", "u10"])]
    input: Option<PathBuf>,
    /// Source latitude (WGS 84 degrees) [default: none: required unless --input].
    #[arg(long, required_unless_present = "input", allow_hyphen_values = true)]
    lat: Option<f64>,
    /// Source longitude (WGS 84 degrees) [default: none: required unless --input].
    #[arg(long, required_unless_present = "input", allow_hyphen_values = true)]
    lon: Option<f64>,
    /// A level of concern: `G_M3` (tiers by order of strength, strongest red) or
    /// `tier=3:label=AEGL-3 60 min 20 ppm:g_m3=0.058`. Repeat, up to 3 [default: none: required
    /// unless --input].
    #[arg(long, value_name = "LOC", required_unless_present = "input")]
    loc: Vec<String>,
    /// Continuous release rate (g/s) [default: none: --q or --m unless --input].
    #[arg(long, value_name = "G_PER_S", conflicts_with = "m", required_unless_present_any = ["input", "m"])]
    q: Option<f64>,
    /// Instantaneous released mass (g) [default: none: --q or --m unless --input].
    #[arg(long, value_name = "G")]
    m: Option<f64>,
    /// Direction the wind blows from (degrees, 0 … 360) [default: none: required unless --input].
    #[arg(long, value_name = "DEG", required_unless_present = "input")]
    wind_from: Option<f64>,
    /// Wind speed at 10 m (m/s) [default: none: required unless --input].
    #[arg(long, value_name = "M_PER_S", required_unless_present = "input")]
    u10: Option<f64>,
    /// Stability class A … F.
    #[arg(long, value_enum, ignore_case = true, default_value = "D")]
    stability: StabilityArg,
    /// σ formula set.
    #[arg(long, value_enum, default_value = "briggs-rural")]
    sigma: SigmaArg,
    /// Terrain for the wind profile.
    #[arg(long, value_enum, default_value = "rural")]
    terrain: TerrainArg,
    /// Effective release height (m).
    #[arg(long, value_name = "M", default_value_t = 0.0)]
    h: f64,
    /// Receptor height (m).
    #[arg(long, value_name = "M", default_value_t = 1.5)]
    receptor_height: f64,
    /// Dense gas: label the result as screening.
    #[arg(long)]
    dense_gas: bool,
    /// Also draw the ERG initial isolation circle of this radius (m) [default: none: no circle].
    #[arg(long, value_name = "M")]
    isolate_m: Option<f64>,
    /// Also draw the ERG protective-action square of this side (km) [default: none: no square].
    #[arg(long, value_name = "KM")]
    protect_km: Option<f64>,
}

#[derive(Debug, clap::Args)]
pub struct CapArgs {
    /// The alert as JSON (the serde form of `jingwu_hazmat::cap::Alert`; times RFC 3339).
    #[arg(long, value_name = "FILE")]
    input: PathBuf,
}

pub fn run(cmd: HazmatCommand) -> anyhow::Result<()> {
    match cmd {
        HazmatCommand::Plume(a) => plume(&a),
        HazmatCommand::Puff(a) => puff(&a),
        HazmatCommand::Zone(a) => zone_cmd(&a),
        HazmatCommand::Cap(a) => cap_cmd(&a),
    }
}

fn finite(flag: &str, v: f64) -> anyhow::Result<f64> {
    if !v.is_finite() {
        bail!("{flag}: must be a finite number, got {v}");
    }
    Ok(v)
}

fn non_negative(flag: &str, v: f64) -> anyhow::Result<f64> {
    if finite(flag, v)? < 0.0 {
        bail!("{flag}: must not be negative, got {v}");
    }
    Ok(v)
}

fn positive(flag: &str, v: f64) -> anyhow::Result<f64> {
    if finite(flag, v)? <= 0.0 {
        bail!("{flag}: must be greater than zero, got {v}");
    }
    Ok(v)
}

fn print_json(v: &serde_json::Value) {
    println!("{v}");
}

fn plume(a: &PlumeArgs) -> anyhow::Result<()> {
    let q = non_negative("--q", a.q)?;
    let u = positive("--u", a.u)?;
    let h = non_negative("--h", a.h)?;
    let x = finite("--x", a.x)?;
    let y = finite("--y", a.y)?;
    let z = non_negative("--z", a.z)?;
    let s = match (a.sigma_y, a.sigma_z) {
        (Some(sy), Some(sz)) => Sigmas {
            y_m: positive("--sigma-y", sy)?,
            z_m: positive("--sigma-z", sz)?,
        },
        _ => {
            let (Some(set), Some(class)) = (a.sigma, a.stability) else {
                bail!("--sigma and --stability are required without --sigma-y/--sigma-z");
            };
            sigma::sigmas(set.into(), class.into(), x)
        }
    };
    let c = if x > 0.0 {
        dispersion::plume(q, u, h, s, y, z)
    } else {
        0.0
    };
    print_json(&json!({
        "sigma_y_m": s.y_m,
        "sigma_z_m": s.z_m,
        "concentration_g_m3": c,
    }));
    Ok(())
}

fn puff(a: &PuffArgs) -> anyhow::Result<()> {
    let m = non_negative("--m", a.m)?;
    let u = positive("--u", a.u)?;
    let t = non_negative("--t", a.t)?;
    let h = non_negative("--h", a.h)?;
    let x = finite("--x", a.x)?;
    let y = finite("--y", a.y)?;
    let z = non_negative("--z", a.z)?;
    let s = sigma::puff_sigmas(a.stability.into(), u * t);
    let c = dispersion::puff(m, u, t, h, s, x, y, z);
    print_json(&json!({
        "sigma_x_m": s.x_m,
        "sigma_y_m": s.y_m,
        "sigma_z_m": s.z_m,
        "concentration_g_m3": c,
    }));
    Ok(())
}

/// `--loc` values: all plain numbers (tiers by strength) or all `key=value` lists.
fn levels(locs: &[String]) -> anyhow::Result<Vec<LevelOfConcern>> {
    if locs.len() > 3 {
        bail!("--loc: at most 3 levels of concern, got {}", locs.len());
    }
    let mut plain = Vec::new();
    let mut out = Vec::new();
    for (i, l) in locs.iter().enumerate() {
        if let Ok(g) = l.trim().parse::<f64>() {
            plain.push(positive("--loc", g)?);
            continue;
        }
        let (mut tier, mut label, mut g_m3) = (None, None, None);
        for part in l.split(':') {
            let Some((k, v)) = part.split_once('=') else {
                bail!(
                    "--loc {}: expected G_M3 or tier=…:label=…:g_m3=…, got {part:?}",
                    i + 1
                );
            };
            match k.trim() {
                "tier" => {
                    tier = Some(
                        v.trim()
                            .parse::<u8>()
                            .ok()
                            .filter(|t| (1..=3).contains(t))
                            .with_context(|| {
                                format!("--loc {}: tier must be 1, 2 or 3, got {v:?}", i + 1)
                            })?,
                    );
                }
                "label" => label = Some(v.to_owned()),
                "g_m3" => {
                    let g = v
                        .trim()
                        .parse::<f64>()
                        .with_context(|| format!("--loc {}: g_m3 {v:?} is not a number", i + 1))?;
                    g_m3 = Some(positive("--loc g_m3", g)?);
                }
                other => bail!("--loc {}: unknown key {other:?} (tier, label, g_m3)", i + 1),
            }
        }
        let (Some(tier), Some(g_m3)) = (tier, g_m3) else {
            bail!("--loc {}: tier and g_m3 are required", i + 1);
        };
        out.push(LevelOfConcern {
            tier,
            label: label.unwrap_or_else(|| format!("LOC {g_m3} g/m³")),
            g_m3,
        });
    }
    if !plain.is_empty() && !out.is_empty() {
        bail!("--loc: give either plain concentrations or tier=…:g_m3=… lists, not both");
    }
    // Plain values: the strongest (highest concentration) is tier 3 (red).
    plain.sort_by(|a, b| b.total_cmp(a));
    for (tier, g) in (1..=3u8).rev().zip(plain) {
        out.push(LevelOfConcern {
            tier,
            label: format!("LOC {g} g/m³"),
            g_m3: g,
        });
    }
    Ok(out)
}

fn zone_cmd(a: &ZoneArgs) -> anyhow::Result<()> {
    let input: ZoneInput = if let Some(path) = &a.input {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("--input {}", path.display()))?;
        let de = &mut serde_json::Deserializer::from_str(&text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            anyhow::anyhow!(
                "--input {}: field {}: {}",
                path.display(),
                e.path(),
                e.inner()
            )
        })?
    } else {
        let (Some(lat), Some(lon), Some(wind_from), Some(u10)) = (a.lat, a.lon, a.wind_from, a.u10)
        else {
            bail!("--lat, --lon, --wind-from and --u10 are required without --input");
        };
        let release = match (a.q, a.m) {
            (Some(q), None) => Release::Continuous { q_g_s: q },
            (None, Some(m)) => Release::Instantaneous { m_g: m },
            _ => bail!("--q or --m: give exactly one"),
        };
        ZoneInput {
            source: LatLon { lat, lon },
            release,
            height_m: a.h,
            receptor_height_m: a.receptor_height,
            wind_from_deg: wind_from,
            u10_ms: u10,
            stability: a.stability.into(),
            sigma_set: a.sigma.into(),
            terrain: match a.terrain {
                TerrainArg::Rural => Terrain::Rural,
                TerrainArg::Urban => Terrain::Urban,
            },
            levels: levels(&a.loc)?,
            dense_gas: a.dense_gas,
        }
    };
    let result = zone::threat_zones(&input).map_err(|e| {
        // Field names of the JSON form; say which flag that is when flags were used.
        anyhow::anyhow!(
            "{}",
            if a.input.is_some() {
                e.to_string()
            } else {
                flag_of(&e.to_string())
            }
        )
    })?;
    let isolation = a
        .isolate_m
        .map(|r| positive("--isolate-m", r).map(|r| erg::isolation_circle(input.source, r)))
        .transpose()?;
    let protective = a
        .protect_km
        .map(|k| {
            positive("--protect-km", k)
                .map(|k| erg::protective_square(input.source, input.wind_from_deg, k * 1000.0))
        })
        .transpose()?;
    print_json(&zone::geojson(
        &result,
        isolation.as_ref(),
        protective.as_deref(),
    ));
    Ok(())
}

/// A ZoneError message with the JSON field name replaced by its flag.
fn flag_of(msg: &str) -> String {
    const MAP: [(&str, &str); 9] = [
        ("source.lat", "--lat"),
        ("source.lon", "--lon"),
        ("release.q_g_s", "--q"),
        ("release.m_g", "--m"),
        ("receptor_height_m", "--receptor-height"),
        ("height_m", "--h"),
        ("wind_from_deg", "--wind-from"),
        ("u10_ms", "--u10"),
        ("levels", "--loc"),
    ];
    MAP.iter()
        .find(|(field, _)| msg.starts_with(field))
        .map_or_else(
            || msg.to_owned(),
            |(field, flag)| format!("{flag}{}", &msg[field.len()..]),
        )
}

fn cap_cmd(a: &CapArgs) -> anyhow::Result<()> {
    let text = std::fs::read_to_string(&a.input)
        .with_context(|| format!("--input {}", a.input.display()))?;
    let de = &mut serde_json::Deserializer::from_str(&text);
    let alert: cap::Alert = serde_path_to_error::deserialize(de).map_err(|e| {
        anyhow::anyhow!(
            "--input {}: field {}: {}",
            a.input.display(),
            e.path(),
            e.inner()
        )
    })?;
    let xml =
        cap::render(&alert).map_err(|e| anyhow::anyhow!("--input {}: {e}", a.input.display()))?;
    print!("{xml}");
    Ok(())
}
