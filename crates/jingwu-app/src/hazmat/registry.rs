//! The registries: chemicals (reference data), enterprises with their stocks and the CSV
//! import, transport vehicles and their positions, weather stations and observations (JSON and
//! METAR), fire units. Each record belongs to an org unit; reads are scoped to the caller's
//! subtree, except weather, which is everybody's.

use std::collections::HashMap;

use jingwu_core::{Action, OrgId, Principal, Scope, authorize};
use jingwu_hazmat::error_codes::{self as codes, field};
use jingwu_hazmat::import::{self, RowError};
use jingwu_hazmat::records::{
    Chemical, ChemicalId, Enterprise, EnterpriseId, FireUnit, FireUnitId, FireUnitKind,
    Observation, ObservationSource, Station, StationId, Stock, Vehicle, VehicleId,
};
use jingwu_store::Conn;
use jingwu_store::hazmat as q;
use serde::Serialize;

use super::{Hazmat, check_position, check_range, check_text, owning_org};
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result};

/// A new chemical with its levels of concern (ppm) and ERG distances.
#[derive(Debug, Clone)]
pub struct NewChemical {
    pub un_number: String,
    pub name_zh: String,
    pub name_en: String,
    pub hazard_class: String,
    pub molecular_weight: f64,
    pub erg_guide: i64,
    pub dense_gas: bool,
    pub aegl_minutes: i64,
    pub aegl_ppm: [Option<f64>; 3],
    pub erpg_ppm: [Option<f64>; 3],
    pub erg_small: Option<jingwu_hazmat::erg::ErgDistances>,
    pub erg_large: Option<jingwu_hazmat::erg::ErgDistances>,
}

/// A new enterprise, as a form or an API client gives it.
#[derive(Debug, Clone)]
pub struct NewEnterprise {
    /// Org unit id or code; default the caller's.
    pub org: Option<String>,
    pub uscc: String,
    pub name: String,
    pub address: String,
    pub lat: f64,
    pub lon: f64,
    pub contact_name: String,
    pub contact_phone: String,
    /// (UN number, kg).
    pub stocks: Vec<(String, f64)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct EnterprisePage {
    pub items: Vec<Enterprise>,
    pub total: i64,
}

/// What a CSV import did: rows stored, and every bad row by line and field.
#[derive(Debug, Clone, Serialize)]
pub struct EnterpriseImport {
    pub rows: usize,
    pub imported: usize,
    pub errors: Vec<RowError>,
}

#[derive(Debug, Clone)]
pub struct NewVehicle {
    pub org: Option<String>,
    pub plate: String,
    pub carrier: String,
    /// UN number of the cargo, if loaded.
    pub cargo_un: Option<String>,
    pub cargo_kg: f64,
}

#[derive(Debug, Clone)]
pub struct NewStation {
    pub org: Option<String>,
    pub code: String,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub elev_m: f64,
}

#[derive(Debug, Clone)]
pub struct NewFireUnit {
    pub org: Option<String>,
    pub call_sign: String,
    pub kind: String,
    pub station_name: String,
    pub lat: f64,
    pub lon: f64,
}

/// One observation as a station network sends it (hazmat.md §11).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ObservationInput {
    pub station_code: String,
    /// RFC 3339 with offset.
    pub obs_time: String,
    pub wind_dir_deg_from: Option<f64>,
    pub wind_speed_ms: f64,
    pub wind_gust_ms: Option<f64>,
    pub sigma_theta_deg: Option<f64>,
    pub temp_c: Option<f64>,
    pub rh_pct: Option<f64>,
    pub pressure_hpa: Option<f64>,
    pub total_cloud_tenths: Option<f64>,
    pub low_cloud_tenths: Option<f64>,
    pub ceiling_m: Option<f64>,
    pub global_solar_wm2: Option<f64>,
    pub delta_t_c: Option<f64>,
    #[serde(default)]
    pub qc_flags: Vec<String>,
}

/// A station with its latest observation and what the platform makes of it now.
#[derive(Debug, Clone, Serialize)]
pub struct StationView {
    pub station: Station,
    pub latest: Option<Observation>,
    /// The latest observation is usable now (fresh, unflagged, with a direction).
    pub usable: bool,
    pub stability: Option<jingwu_hazmat::stability::StabilityEstimate>,
}

/// Observations may be at most this far in the future (clock skew of the feed), seconds.
const MAX_FUTURE_S: i64 = 300;
/// … and at most this old when reported, seconds (a late backfill is history, not weather).
const MAX_AGE_S: i64 = 7 * 86_400;

impl Hazmat<'_> {
    /// Every chemical with its levels of concern and ERG distances.
    pub async fn chemicals(&self, who: &Principal) -> Result<Vec<Chemical>> {
        authorize(who, Action::ReadHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        Ok(q::chemicals(&mut conn).await?)
    }

    /// Adds a chemical to the registry (city-level callers only: chemicals are every
    /// jurisdiction's reference data).
    pub async fn create_chemical(
        &self,
        who: &Principal,
        c: &NewChemical,
        ctx: &RequestCtx,
    ) -> Result<Chemical> {
        authorize(who, Action::ManageHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut errs = Vec::new();
        let un = match jingwu_validate::UnNumber::parse(&c.un_number) {
            Ok(u) => format!("{:04}", u.number()),
            Err(e) => {
                errs.push(FieldError::new(
                    "un_number",
                    field::UN_NUMBER.code,
                    e.to_string(),
                ));
                String::new()
            }
        };
        check_text("name_zh", &c.name_zh, 100, &mut errs);
        check_text("name_en", &c.name_en, 100, &mut errs);
        check_text("hazard_class", &c.hazard_class, 8, &mut errs);
        check_range(
            "molecular_weight",
            c.molecular_weight,
            1.0,
            1000.0,
            &mut errs,
        );
        check_range("erg_guide", c.erg_guide as f64, 111.0, 172.0, &mut errs);
        if ![10, 30, 60, 240, 480].contains(&c.aegl_minutes) {
            errs.push(FieldError::new(
                "aegl_minutes",
                field::NUMBER_RANGE.code,
                "an AEGL exposure duration: 10, 30, 60, 240 or 480",
            ));
        }
        for (name, set) in [("aegl_ppm", &c.aegl_ppm), ("erpg_ppm", &c.erpg_ppm)] {
            for (i, v) in set.iter().enumerate() {
                if let Some(v) = v {
                    check_range(&format!("{name}[{i}]"), *v, 1e-6, 1e6, &mut errs);
                }
            }
            let given: Vec<f64> = set.iter().flatten().copied().collect();
            if given.windows(2).any(|w| w[0] >= w[1]) {
                errs.push(FieldError::new(
                    name,
                    field::LEVELS_ORDER.code,
                    "tier 1 < tier 2 < tier 3",
                ));
            }
        }
        if c.aegl_ppm[2].is_none() && c.erpg_ppm[2].is_none() {
            errs.push(FieldError::new(
                "aegl_ppm",
                field::LEVELS_MISSING.code,
                "give AEGL-3 or ERPG-3",
            ));
        }
        for (name, e) in [("erg_small", &c.erg_small), ("erg_large", &c.erg_large)] {
            if let Some(e) = e {
                check_range(
                    &format!("{name}.isolate_m"),
                    e.isolate_m,
                    0.0,
                    10_000.0,
                    &mut errs,
                );
                check_range(
                    &format!("{name}.protect_day_km"),
                    e.protect_day_km,
                    0.0,
                    100.0,
                    &mut errs,
                );
                check_range(
                    &format!("{name}.protect_night_km"),
                    e.protect_night_km,
                    0.0,
                    100.0,
                    &mut errs,
                );
            }
        }
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        let mut conn = self.k().read().await?;
        let root = jingwu_store::foundation::orgs::root(&mut conn)
            .await?
            .ok_or_else(|| AppError::Precondition("the jurisdiction tree is empty".into()))?;
        drop(conn);
        // Reference data for every jurisdiction: only the city's subtree root may change it.
        authorize(who, Action::ManageHazmat, Scope::Org(&root.path))
            .map_err(AppError::denied_scope)?;
        let chemical = Chemical {
            id: ChemicalId::new(),
            un_number: un,
            name_zh: c.name_zh.trim().to_owned(),
            name_en: c.name_en.trim().to_owned(),
            hazard_class: c.hazard_class.trim().to_owned(),
            molecular_weight: c.molecular_weight,
            erg_guide: c.erg_guide,
            dense_gas: c.dense_gas,
            aegl_minutes: c.aegl_minutes,
            aegl_ppm: c.aegl_ppm,
            erpg_ppm: c.erpg_ppm,
            erg_small: c.erg_small,
            erg_large: c.erg_large,
        };
        self.k()
            .write(who, ctx, async |tx| {
                if q::chemicals_by_un(tx.db(), &chemical.un_number)
                    .await?
                    .iter()
                    .any(|x| x.name_en.eq_ignore_ascii_case(&chemical.name_en))
                {
                    return Err(AppError::Conflict {
                        code: codes::CHEMICAL_EXISTS.code,
                        detail: format!(
                            "UN{} {} is registered already",
                            chemical.un_number, chemical.name_en
                        ),
                    });
                }
                q::insert_chemical(tx.db(), &chemical).await?;
                tx.audit(
                    "hazmat.chemical.create",
                    ("chemical", chemical.id.as_str()),
                    &root.path,
                    serde_json::to_value(&chemical).unwrap_or_default(),
                )
                .await?;
                Ok(chemical.clone())
            })
            .await
    }

    pub async fn create_enterprise(
        &self,
        who: &Principal,
        n: &NewEnterprise,
        ctx: &RequestCtx,
    ) -> Result<Enterprise> {
        authorize(who, Action::ManageHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut errs = Vec::new();
        let uscc = match jingwu_validate::Uscc::parse(&n.uscc) {
            Ok(u) => u.as_str().to_owned(),
            Err(e) => {
                errs.push(FieldError::new("uscc", field::USCC.code, e.to_string()));
                String::new()
            }
        };
        check_text("name", &n.name, import::MAX_TEXT, &mut errs);
        check_text("address", &n.address, import::MAX_TEXT, &mut errs);
        check_text("contact_name", &n.contact_name, import::MAX_TEXT, &mut errs);
        if !import::phone_ok(&n.contact_phone) {
            errs.push(FieldError::new(
                "contact_phone",
                field::PHONE.code,
                "not a phone number",
            ));
        }
        check_position(n.lat, n.lon, &mut errs);
        let spec = n
            .stocks
            .iter()
            .map(|(un, kg)| format!("{un}:{kg}"))
            .collect::<Vec<_>>()
            .join(";");
        let stocks = import::parse_stocks(&spec).unwrap_or_else(|m| {
            errs.push(FieldError::new("stocks", field::STOCKS.code, m));
            Vec::new()
        });
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let (org_id, org_path) = owning_org(tx.db(), who, n.org.as_deref(), "org").await?;
                let by_un = chemicals_by_un(tx.db()).await?;
                let stocks = resolve_stocks(&by_un, &stocks).map_err(|un| {
                    AppError::invalid(
                        "stocks",
                        field::CHEMICAL_UNKNOWN.code,
                        format!("UN{un} is not in the chemical registry"),
                    )
                })?;
                if q::uscc_taken(tx.db(), &uscc).await? {
                    return Err(AppError::Conflict {
                        code: codes::USCC_TAKEN.code,
                        detail: format!("{uscc} is registered already"),
                    });
                }
                let e = Enterprise {
                    id: EnterpriseId::new(),
                    org_id,
                    uscc: uscc.clone(),
                    name: n.name.trim().to_owned(),
                    address: n.address.trim().to_owned(),
                    lat: n.lat,
                    lon: n.lon,
                    contact_name: n.contact_name.trim().to_owned(),
                    contact_phone: n.contact_phone.clone(),
                    stocks,
                    created_at: now,
                };
                q::insert_enterprise(tx.db(), &e).await?;
                tx.audit(
                    "hazmat.enterprise.create",
                    ("enterprise", e.id.as_str()),
                    &org_path,
                    serde_json::to_value(&e).unwrap_or_default(),
                )
                .await?;
                tx.publish(LiveEvent::Hazmat {
                    kind: "registry",
                    response_id: None,
                    org_path,
                });
                Ok(e)
            })
            .await
    }

    /// A page of the enterprises in the caller's jurisdiction whose name or credit code
    /// contains `query`.
    pub async fn enterprises(
        &self,
        who: &Principal,
        query: &str,
        limit: i64,
        offset: i64,
    ) -> Result<EnterprisePage> {
        authorize(who, Action::ReadHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let (items, total) = q::enterprises_under(
            &mut conn,
            &who.org_path,
            query.trim(),
            limit.clamp(1, 500),
            offset.max(0),
        )
        .await?;
        Ok(EnterprisePage { items, total })
    }

    pub async fn enterprise(&self, who: &Principal, id: &EnterpriseId) -> Result<Enterprise> {
        let mut conn = self.k().read().await?;
        let (e, path) = q::enterprise(&mut conn, id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "enterprise" })?;
        jingwu_hazmat::policy::may_read(who, &path)
            .map_err(|d| AppError::denied_object(d, "enterprise"))?;
        Ok(e)
    }

    /// Imports enterprises from CSV (columns: `jingwu_hazmat::import::COLUMNS`). Every bad row
    /// is reported by line and field; with bad rows nothing is stored unless `import_valid`
    /// asks to store the good ones.
    pub async fn import_enterprises(
        &self,
        who: &Principal,
        body: &[u8],
        import_valid: bool,
        ctx: &RequestCtx,
    ) -> Result<EnterpriseImport> {
        authorize(who, Action::ManageHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let parsed = import::parse_enterprises(body);
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let mut errors = parsed.errors.clone();
                let by_un = chemicals_by_un(tx.db()).await?;
                let mut orgs: HashMap<String, Option<(OrgId, String)>> = HashMap::new();
                let mut good = Vec::new();
                for row in &parsed.rows {
                    let org = match orgs.get(&row.org_code) {
                        Some(o) => o.clone(),
                        None => {
                            let o = owning_org(tx.db(), who, Some(&row.org_code), "org_code")
                                .await
                                .ok();
                            orgs.insert(row.org_code.clone(), o.clone());
                            o
                        }
                    };
                    let mut bad = |field: &str, code: &'static str, message: String| {
                        errors.push(RowError {
                            line: row.line,
                            field: field.into(),
                            code,
                            message,
                        });
                    };
                    let Some((org_id, org_path)) = org else {
                        bad(
                            "org_code",
                            jingwu_core::problem_codes::field::ORG_UNKNOWN.code,
                            format!("{} is not an org unit in your jurisdiction", row.org_code),
                        );
                        continue;
                    };
                    let stocks = match resolve_stocks(&by_un, &row.stocks) {
                        Ok(s) => s,
                        Err(un) => {
                            bad(
                                "stocks",
                                field::CHEMICAL_UNKNOWN.code,
                                format!("UN{un} is not in the chemical registry"),
                            );
                            continue;
                        }
                    };
                    if q::uscc_taken(tx.db(), &row.uscc).await? {
                        bad(
                            "uscc",
                            field::DUPLICATE.code,
                            format!("{} is registered already", row.uscc),
                        );
                        continue;
                    }
                    good.push((
                        org_path,
                        Enterprise {
                            id: EnterpriseId::new(),
                            org_id,
                            uscc: row.uscc.clone(),
                            name: row.name.clone(),
                            address: row.address.clone(),
                            lat: row.lat,
                            lon: row.lon,
                            contact_name: row.contact_name.clone(),
                            contact_phone: row.contact_phone.clone(),
                            stocks,
                            created_at: now,
                        },
                    ));
                }
                errors.sort_by(|a, b| a.line.cmp(&b.line).then(a.field.cmp(&b.field)));
                if !errors.is_empty() && !import_valid {
                    return Err(AppError::Validation(
                        errors
                            .iter()
                            .map(|e| {
                                FieldError::new(
                                    &format!("line {}: {}", e.line, e.field),
                                    e.code,
                                    &e.message,
                                )
                            })
                            .collect(),
                    ));
                }
                for (_, e) in &good {
                    q::insert_enterprise(tx.db(), e).await?;
                }
                let usccs: Vec<&str> = good.iter().map(|(_, e)| e.uscc.as_str()).collect();
                tx.audit(
                    "hazmat.enterprise.import",
                    ("enterprise_import", ctx.request_id.as_str()),
                    &who.org_path,
                    serde_json::json!({
                        "rows": parsed.rows.len() + parsed.errors.len(),
                        "imported": good.len(),
                        "rejected_lines": errors.iter().map(|e| e.line).collect::<std::collections::BTreeSet<_>>(),
                        "usccs": usccs,
                    }),
                )
                .await?;
                tx.publish(LiveEvent::Hazmat {
                    kind: "registry",
                    response_id: None,
                    org_path: who.org_path.clone(),
                });
                let rows = parsed.rows.len()
                    + errors
                        .iter()
                        .map(|e| e.line)
                        .filter(|l| !parsed.rows.iter().any(|r| r.line == *l))
                        .collect::<std::collections::BTreeSet<_>>()
                        .len();
                Ok(EnterpriseImport {
                    rows,
                    imported: good.len(),
                    errors,
                })
            })
            .await
    }

    pub async fn create_vehicle(
        &self,
        who: &Principal,
        n: &NewVehicle,
        ctx: &RequestCtx,
    ) -> Result<Vehicle> {
        authorize(who, Action::ManageHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut errs = Vec::new();
        let plate = match jingwu_validate::Plate::parse(&n.plate) {
            Ok(p) => p.as_str().to_owned(),
            Err(e) => {
                errs.push(FieldError::new("plate", field::PLATE.code, e.to_string()));
                String::new()
            }
        };
        check_text("carrier", &n.carrier, import::MAX_TEXT, &mut errs);
        check_range("cargo_kg", n.cargo_kg, 0.0, 100_000.0, &mut errs);
        let cargo_un = match n.cargo_un.as_deref().filter(|s| !s.trim().is_empty()) {
            None => None,
            Some(un) => match jingwu_validate::UnNumber::parse(un) {
                Ok(u) => Some(format!("{:04}", u.number())),
                Err(e) => {
                    errs.push(FieldError::new(
                        "cargo_un",
                        field::UN_NUMBER.code,
                        e.to_string(),
                    ));
                    None
                }
            },
        };
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let (org_id, org_path) = owning_org(tx.db(), who, n.org.as_deref(), "org").await?;
                let chemical_id = match &cargo_un {
                    None => None,
                    Some(un) => Some(
                        q::chemicals_by_un(tx.db(), un)
                            .await?
                            .into_iter()
                            .next()
                            .ok_or_else(|| {
                                AppError::invalid(
                                    "cargo_un",
                                    field::CHEMICAL_UNKNOWN.code,
                                    format!("UN{un} is not in the chemical registry"),
                                )
                            })?
                            .id,
                    ),
                };
                if q::plate_taken(tx.db(), &plate).await? {
                    return Err(AppError::Conflict {
                        code: codes::PLATE_TAKEN.code,
                        detail: format!("{plate} is registered already"),
                    });
                }
                let v = Vehicle {
                    id: VehicleId::new(),
                    org_id,
                    plate: plate.clone(),
                    carrier: n.carrier.trim().to_owned(),
                    chemical_id,
                    cargo_kg: n.cargo_kg,
                    lat: None,
                    lon: None,
                    fix_at: None,
                };
                q::insert_vehicle(tx.db(), &v).await?;
                tx.audit(
                    "hazmat.vehicle.create",
                    ("vehicle", v.id.as_str()),
                    &org_path,
                    serde_json::to_value(&v).unwrap_or_default(),
                )
                .await?;
                Ok(v)
            })
            .await
    }

    pub async fn vehicles(&self, who: &Principal) -> Result<Vec<Vehicle>> {
        authorize(who, Action::ReadHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        Ok(q::vehicles_under(&mut conn, &who.org_path).await?)
    }

    /// A vehicle's position from its tracker (or an operator). An older fix than the stored
    /// one is acknowledged and ignored.
    pub async fn report_vehicle_position(
        &self,
        who: &Principal,
        id: &VehicleId,
        lat: f64,
        lon: f64,
        at_us: i64,
        ctx: &RequestCtx,
    ) -> Result<Vehicle> {
        let mut errs = Vec::new();
        check_position(lat, lon, &mut errs);
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let (mut v, path) = q::vehicle(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "vehicle" })?;
                jingwu_hazmat::policy::may_manage(who, &path)
                    .map_err(|d| AppError::denied_object(d, "vehicle"))?;
                if q::set_vehicle_position(tx.db(), id.as_str(), lat, lon, at_us).await? {
                    (v.lat, v.lon, v.fix_at) = (Some(lat), Some(lon), Some(at_us));
                }
                tx.audit(
                    "hazmat.vehicle.position",
                    ("vehicle", id.as_str()),
                    &path,
                    serde_json::json!({ "lat": lat, "lon": lon, "at": at_us }),
                )
                .await?;
                tx.publish(LiveEvent::Hazmat {
                    kind: "vehicle",
                    response_id: None,
                    org_path: path,
                });
                Ok(v)
            })
            .await
    }

    pub async fn create_station(
        &self,
        who: &Principal,
        n: &NewStation,
        ctx: &RequestCtx,
    ) -> Result<Station> {
        authorize(who, Action::ManageHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut errs = Vec::new();
        if n.code.is_empty()
            || n.code.len() > 32
            || !n
                .code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errs.push(FieldError::new(
                "code",
                field::TEXT_REQUIRED.code,
                "1 to 32 letters, digits, - or _",
            ));
        }
        check_text("name", &n.name, 100, &mut errs);
        check_position(n.lat, n.lon, &mut errs);
        check_range("elev_m", n.elev_m, -500.0, 9000.0, &mut errs);
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let (org_id, org_path) = owning_org(tx.db(), who, n.org.as_deref(), "org").await?;
                if q::station_by_code(tx.db(), &n.code).await?.is_some() {
                    return Err(AppError::Conflict {
                        code: codes::STATION_CODE_TAKEN.code,
                        detail: format!("station {} is registered already", n.code),
                    });
                }
                let s = Station {
                    id: StationId::new(),
                    code: n.code.clone(),
                    name: n.name.trim().to_owned(),
                    org_id,
                    lat: n.lat,
                    lon: n.lon,
                    elev_m: n.elev_m,
                };
                q::insert_station(tx.db(), &s).await?;
                tx.audit(
                    "hazmat.station.create",
                    ("weather_station", s.id.as_str()),
                    &org_path,
                    serde_json::to_value(&s).unwrap_or_default(),
                )
                .await?;
                Ok(s)
            })
            .await
    }

    /// Every weather station with its latest observation and the stability class it gives.
    /// Weather is everybody's: a release near a boundary takes the wind of the next district.
    pub async fn stations(&self, who: &Principal) -> Result<Vec<StationView>> {
        authorize(who, Action::ReadHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let list = q::stations_with_latest(&mut conn).await?;
        Ok(list
            .into_iter()
            .map(|(station, latest)| {
                let usable = latest.as_ref().is_some_and(|o| o.usable_at(now));
                let stability = latest
                    .as_ref()
                    .map(|o| super::weather::station_stability(&station, o));
                StationView {
                    station,
                    latest,
                    usable,
                    stability,
                }
            })
            .collect())
    }

    /// Stores an observation (JSON feed). A resend of the same station and time changes
    /// nothing and answers `false`.
    pub async fn report_observation(
        &self,
        who: &Principal,
        o: &ObservationInput,
        ctx: &RequestCtx,
    ) -> Result<(Observation, bool)> {
        let mut errs = Vec::new();
        let obs_at = match o.obs_time.parse::<jiff::Timestamp>() {
            Ok(t) => jingwu_core::timestamp_to_micros(t),
            Err(e) => {
                errs.push(FieldError::new(
                    "obs_time",
                    field::TIME_FORMAT.code,
                    e.to_string(),
                ));
                0
            }
        };
        let now = self.now_us();
        if errs.is_empty()
            && (obs_at > now + MAX_FUTURE_S * 1_000_000 || obs_at < now - MAX_AGE_S * 1_000_000)
        {
            errs.push(FieldError::new(
                "obs_time",
                field::TIME_RANGE.code,
                "at most 5 minutes ahead and 7 days behind the server's clock",
            ));
        }
        if let Some(d) = o.wind_dir_deg_from {
            check_range("wind_dir_deg_from", d, 0.0, 360.0, &mut errs);
        }
        check_range("wind_speed_ms", o.wind_speed_ms, 0.0, 75.0, &mut errs);
        let optional = [
            ("wind_gust_ms", o.wind_gust_ms, 0.0, 100.0),
            ("sigma_theta_deg", o.sigma_theta_deg, 0.0, 180.0),
            ("temp_c", o.temp_c, -80.0, 60.0),
            ("rh_pct", o.rh_pct, 0.0, 100.0),
            ("pressure_hpa", o.pressure_hpa, 800.0, 1100.0),
            ("total_cloud_tenths", o.total_cloud_tenths, 0.0, 10.0),
            ("low_cloud_tenths", o.low_cloud_tenths, 0.0, 10.0),
            ("ceiling_m", o.ceiling_m, 0.0, 30_000.0),
            ("global_solar_wm2", o.global_solar_wm2, 0.0, 1500.0),
            ("delta_t_c", o.delta_t_c, -20.0, 20.0),
        ];
        for (name, v, lo, hi) in optional {
            if let Some(v) = v {
                check_range(name, v, lo, hi, &mut errs);
            }
        }
        for (i, f) in o.qc_flags.iter().enumerate() {
            if f.is_empty()
                || f.len() > 32
                || !f
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                errs.push(FieldError::new(
                    &format!("qc_flags[{i}]"),
                    jingwu_core::problem_codes::field::KIND_UNKNOWN.code,
                    "a flag is 1 to 32 letters, digits, - or _",
                ));
            }
        }
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        let obs = |station_id: StationId| Observation {
            station_id,
            obs_at,
            received_at: now,
            source: ObservationSource::Json,
            wind_from_deg: o.wind_dir_deg_from.map(|d| d % 360.0),
            wind_speed_ms: o.wind_speed_ms,
            gust_ms: o.wind_gust_ms,
            temp_c: o.temp_c,
            rh_pct: o.rh_pct,
            pressure_hpa: o.pressure_hpa,
            total_cloud_tenths: o.total_cloud_tenths,
            low_cloud_tenths: o.low_cloud_tenths,
            ceiling_m: o.ceiling_m,
            global_solar_wm2: o.global_solar_wm2,
            delta_t_c: o.delta_t_c,
            sigma_theta_deg: o.sigma_theta_deg,
            qc_flags: o.qc_flags.clone(),
        };
        self.store_observation(who, &o.station_code, obs, ctx).await
    }

    /// Stores an observation given as a METAR report from the station with that code. The
    /// report gives day and time (UTC); the month is the one in which that day last fell.
    pub async fn report_metar(
        &self,
        who: &Principal,
        station_code: &str,
        text: &str,
        ctx: &RequestCtx,
    ) -> Result<(Observation, bool)> {
        let m = jingwu_hazmat::metar::parse(text)
            .map_err(|e| AppError::invalid("metar", field::METAR.code, e.to_string()))?;
        let now = self.now_us();
        let obs_at = metar_time(now, m.day, m.hour, m.minute).ok_or_else(|| {
            AppError::invalid(
                "metar",
                field::TIME_RANGE.code,
                "the report's day and time do not fall in the last month",
            )
        })?;
        let obs = |station_id: StationId| Observation {
            station_id,
            obs_at,
            received_at: now,
            source: ObservationSource::Metar,
            wind_from_deg: m.wind_from_deg,
            wind_speed_ms: m.wind_speed_ms,
            gust_ms: m.gust_ms,
            temp_c: m.temp_c,
            rh_pct: None,
            pressure_hpa: m.pressure_hpa,
            total_cloud_tenths: m.total_cloud_tenths,
            low_cloud_tenths: None,
            ceiling_m: m.ceiling_m,
            global_solar_wm2: None,
            delta_t_c: None,
            sigma_theta_deg: None,
            qc_flags: Vec::new(),
        };
        self.store_observation(who, station_code, obs, ctx).await
    }

    async fn store_observation(
        &self,
        who: &Principal,
        station_code: &str,
        obs: impl Fn(StationId) -> Observation + Clone,
        ctx: &RequestCtx,
    ) -> Result<(Observation, bool)> {
        authorize(who, Action::ManageHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (station, path) = q::station_by_code(tx.db(), station_code)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid(
                            "station_code",
                            field::STATION_UNKNOWN.code,
                            "no station with that code",
                        )
                    })?;
                jingwu_hazmat::policy::may_manage(who, &path).map_err(|_| {
                    AppError::invalid(
                        "station_code",
                        field::STATION_UNKNOWN.code,
                        "no station with that code",
                    )
                })?;
                let o = obs(station.id.clone());
                let stored = q::insert_observation(tx.db(), &o).await?;
                tx.audit(
                    "hazmat.weather.observe",
                    ("weather_station", station.id.as_str()),
                    &path,
                    serde_json::json!({ "obs_at": o.obs_at, "stored": stored, "wind_from_deg": o.wind_from_deg, "wind_speed_ms": o.wind_speed_ms, "qc_flags": o.qc_flags }),
                )
                .await?;
                if stored {
                    tx.publish(LiveEvent::Hazmat {
                        kind: "weather",
                        response_id: None,
                        org_path: path,
                    });
                }
                Ok((o, stored))
            })
            .await
    }

    pub async fn create_fire_unit(
        &self,
        who: &Principal,
        n: &NewFireUnit,
        ctx: &RequestCtx,
    ) -> Result<FireUnit> {
        authorize(who, Action::ManageHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut errs = Vec::new();
        check_text("call_sign", &n.call_sign, 32, &mut errs);
        check_text("station_name", &n.station_name, 100, &mut errs);
        check_position(n.lat, n.lon, &mut errs);
        let kind = FireUnitKind::parse(&n.kind).map_err(|e| {
            errs.push(FieldError::new(
                "kind",
                jingwu_core::problem_codes::field::KIND_UNKNOWN.code,
                e.to_string(),
            ));
        });
        let Ok(kind) = kind else {
            return Err(AppError::Validation(errs));
        };
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let (org_id, org_path) = owning_org(tx.db(), who, n.org.as_deref(), "org").await?;
                let u = FireUnit {
                    id: FireUnitId::new(),
                    org_id,
                    call_sign: n.call_sign.trim().to_owned(),
                    kind,
                    station_name: n.station_name.trim().to_owned(),
                    lat: n.lat,
                    lon: n.lon,
                    available: true,
                };
                if q::call_sign_taken(tx.db(), &u.call_sign).await? {
                    return Err(AppError::invalid(
                        "call_sign",
                        field::DUPLICATE.code,
                        "the call sign is taken",
                    ));
                }
                q::insert_fire_unit(tx.db(), &u).await?;
                tx.audit(
                    "hazmat.fire_unit.create",
                    ("fire_unit", u.id.as_str()),
                    &org_path,
                    serde_json::to_value(&u).unwrap_or_default(),
                )
                .await?;
                Ok(u)
            })
            .await
    }

    pub async fn fire_units(&self, who: &Principal) -> Result<Vec<FireUnit>> {
        authorize(who, Action::ReadHazmat, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        Ok(q::fire_units_under(&mut conn, &who.org_path).await?)
    }
}

/// Chemicals by UN number (the first by English name where several share one).
async fn chemicals_by_un(db: &mut impl Conn) -> Result<HashMap<String, Chemical>> {
    let mut out = HashMap::new();
    for c in q::chemicals(db).await? {
        out.entry(c.un_number.clone()).or_insert(c);
    }
    Ok(out)
}

/// The stocks of a row, or the first UN number the registry does not know.
fn resolve_stocks(
    by_un: &HashMap<String, Chemical>,
    stocks: &[(String, f64)],
) -> std::result::Result<Vec<Stock>, String> {
    stocks
        .iter()
        .map(|(un, kg)| {
            let c = by_un.get(un).ok_or_else(|| un.clone())?;
            Ok(Stock {
                chemical_id: c.id.clone(),
                un_number: c.un_number.clone(),
                name_zh: c.name_zh.clone(),
                quantity_kg: *kg,
            })
        })
        .collect()
}

/// The instant of a METAR's day-of-month and UTC time: this month if that is not in the
/// future (give or take the feed's skew), else last month.
fn metar_time(now_us: i64, day: u8, hour: u8, minute: u8) -> Option<i64> {
    let now = jingwu_core::micros_to_timestamp(now_us).to_zoned(jiff::tz::TimeZone::UTC);
    let at = |months_back: i32| -> Option<i64> {
        let month = now
            .date()
            .first_of_month()
            .checked_sub(jiff::Span::new().months(months_back))
            .ok()?;
        let date =
            jiff::civil::Date::new(month.year(), month.month(), i8::try_from(day).ok()?).ok()?;
        let dt = date.at(i8::try_from(hour).ok()?, i8::try_from(minute).ok()?, 0, 0);
        let ts = dt.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
        Some(jingwu_core::timestamp_to_micros(ts))
    };
    [0, 1]
        .into_iter()
        .filter_map(at)
        .find(|t| *t <= now_us + MAX_FUTURE_S * 1_000_000)
}
