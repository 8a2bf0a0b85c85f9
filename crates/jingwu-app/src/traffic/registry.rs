//! The licence and vehicle registries, kept by traffic clerks.

use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_store::traffic as q;
use jingwu_traffic::error_codes::{self as codes, field};
use jingwu_traffic::licence::{LicenceClass, LicenceStatus};
use jingwu_traffic::records::{Licence, LicenceId, Vehicle, VehicleId};
use jingwu_traffic::vehicle::VehicleStatus;

use super::Traffic;
use crate::foundation::owning_org;
use crate::{AppError, FieldError, RequestCtx, Result};

#[derive(Debug, Clone)]
pub struct NewLicence {
    pub resident_id: String,
    pub holder_name: String,
    pub class: String,
    /// `YYYY-MM-DD`.
    pub first_issued_on: String,
    pub expires_on: String,
    /// The org unit that keeps it (id or code); the caller's own by default.
    pub org: Option<String>,
}

#[derive(Debug, Clone)]
pub struct NewTrafficVehicle {
    pub plate: String,
    pub owner_resident_id: String,
    pub owner_name: String,
    pub model: String,
    pub inspection_due_on: String,
    pub org: Option<String>,
}

pub(super) fn parse_date(name: &str, s: &str, errs: &mut Vec<FieldError>) -> jiff::civil::Date {
    s.trim().parse().unwrap_or_else(|_| {
        errs.push(FieldError::new(
            name,
            field::DATE.code,
            "a date as YYYY-MM-DD",
        ));
        jiff::civil::Date::ZERO
    })
}

fn check_name(name: &str, value: &str, errs: &mut Vec<FieldError>) {
    let n = value.trim().chars().count();
    if !(1..=60).contains(&n) {
        // A person's name, or a vehicle's make and model.
        let code = if name == "model" {
            field::TEXT.code
        } else {
            field::NAME.code
        };
        errs.push(FieldError::new(name, code, "1 to 60 characters"));
    }
}

impl Traffic<'_> {
    pub async fn create_licence(
        &self,
        who: &Principal,
        n: &NewLicence,
        ctx: &RequestCtx,
    ) -> Result<Licence> {
        authorize(who, Action::ManageTraffic, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let today = self.today();
        let mut errs = Vec::new();
        let rid = super::checked_resident_id("resident_id", &n.resident_id, today, &mut errs);
        check_name("holder_name", &n.holder_name, &mut errs);
        let class = LicenceClass::parse(n.class.trim()).unwrap_or_else(|_| {
            errs.push(FieldError::new(
                "class",
                field::LICENCE_CLASS.code,
                "A1 … P",
            ));
            LicenceClass::C1
        });
        let first = parse_date("first_issued_on", &n.first_issued_on, &mut errs);
        let expires = parse_date("expires_on", &n.expires_on, &mut errs);
        if errs.is_empty() && (first > today || expires <= first) {
            errs.push(FieldError::new(
                "first_issued_on",
                field::DATE.code,
                "first issue must not be in the future and must come before expiry",
            ));
        }
        super::no_errors(errs)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (org_id, org_path) = owning_org(tx.db(), who, n.org.as_deref(), "org").await?;
                if q::licence_of(tx.db(), &rid).await?.is_some() {
                    return Err(AppError::Conflict {
                        code: codes::LICENCE_EXISTS.code,
                        detail: "this person holds a licence already".into(),
                    });
                }
                let l = Licence {
                    id: LicenceId::new(),
                    org_id,
                    resident_id: rid.clone(),
                    holder_name: n.holder_name.trim().to_owned(),
                    class,
                    first_issued_on: first,
                    expires_on: expires,
                    status: if expires < today {
                        LicenceStatus::Expired
                    } else {
                        LicenceStatus::Valid
                    },
                    full_score_cleared_on: None,
                    full_score_count: 0,
                    created_at: tx.now_us(),
                };
                q::insert_licence(tx.db(), &l).await?;
                tx.audit(
                    "traffic.licence.create",
                    ("licence", l.id.as_str()),
                    &org_path,
                    serde_json::json!({ "class": l.class, "first_issued_on": l.first_issued_on,
                        "holder": jingwu_core::privacy::mask_name(&l.holder_name) }),
                )
                .await?;
                Ok(l)
            })
            .await
    }

    pub async fn create_vehicle(
        &self,
        who: &Principal,
        n: &NewTrafficVehicle,
        ctx: &RequestCtx,
    ) -> Result<Vehicle> {
        authorize(who, Action::ManageTraffic, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let today = self.today();
        let mut errs = Vec::new();
        let plate = super::checked_plate("plate", &n.plate, &mut errs);
        let owner =
            super::checked_resident_id("owner_resident_id", &n.owner_resident_id, today, &mut errs);
        check_name("owner_name", &n.owner_name, &mut errs);
        check_name("model", &n.model, &mut errs);
        let due = parse_date("inspection_due_on", &n.inspection_due_on, &mut errs);
        super::no_errors(errs)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (org_id, org_path) = owning_org(tx.db(), who, n.org.as_deref(), "org").await?;
                if q::vehicle_by_plate(tx.db(), &plate).await?.is_some() {
                    return Err(AppError::Conflict {
                        code: codes::VEHICLE_EXISTS.code,
                        detail: format!("{plate} is registered already"),
                    });
                }
                let v = Vehicle {
                    id: VehicleId::new(),
                    org_id,
                    plate: plate.clone(),
                    owner_resident_id: owner.clone(),
                    owner_name: n.owner_name.trim().to_owned(),
                    model: n.model.trim().to_owned(),
                    inspection_due_on: due,
                    status: if due < today {
                        VehicleStatus::InspectionOverdue
                    } else {
                        VehicleStatus::Normal
                    },
                    created_at: tx.now_us(),
                };
                q::insert_vehicle(tx.db(), &v).await?;
                tx.audit(
                    "traffic.vehicle.create",
                    ("vehicle", v.id.as_str()),
                    &org_path,
                    serde_json::json!({ "plate": v.plate, "model": v.model }),
                )
                .await?;
                Ok(v)
            })
            .await
    }

    /// Licences kept in the caller's jurisdiction.
    pub async fn licences(&self, who: &Principal, limit: i64, offset: i64) -> Result<Vec<Licence>> {
        authorize(who, Action::ManageTraffic, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        Ok(
            q::licences_under(&mut conn, &who.org_path, limit.clamp(1, 500), offset.max(0))
                .await?
                .into_iter()
                .map(|(l, _)| l)
                .collect(),
        )
    }
}
