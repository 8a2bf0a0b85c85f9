//! Vehicle and driver services (the seed's 15): an application with its materials, fee and
//! details; a clerk's review (accept, return for correction, approve, reject), the result
//! posted with a tracking number; progress the applicant follows step by step; plate
//! pre-selection from generated candidates, each held for one application at a time.

use jingwu_core::{Action, Principal, Role, Scope, UserId, authorize};
use jingwu_store::foundation::orgs;
use jingwu_store::traffic as q;
use jingwu_traffic::error_codes::{self as codes, field};
use jingwu_traffic::records::{Application, ApplicationId, ApplicationStep, ApplicationStepId};
use jingwu_traffic::services::{ApplicationStatus, ServiceKind, may_move};

use super::Traffic;
use crate::{AppError, FieldError, RequestCtx, Result, Tx};

/// How long a chosen plate stays held for its application (the issuing office needs the
/// application decided within it).
const PLATE_HOLD_US: i64 = 7 * 86_400_000_000;
/// Candidate plates offered at a time.
const CANDIDATES: usize = 10;

#[derive(Debug, Clone)]
pub struct NewApplication {
    pub service: ServiceKind,
    /// The vehicle's plate (vehicle services) or the plate chosen (pre-selection).
    pub plate: Option<String>,
    /// The form-free details as JSON (an object).
    pub details: serde_json::Value,
    /// Codes of the materials provided.
    pub materials: Vec<String>,
    /// Where to post the result (mailed services).
    pub address: Option<String>,
}

/// What a reviewer decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReviewAction {
    Accept,
    Return,
    Approve,
    Reject,
    Mail,
}

impl ReviewAction {
    fn target(self) -> ApplicationStatus {
        match self {
            ReviewAction::Accept => ApplicationStatus::Accepted,
            ReviewAction::Return => ApplicationStatus::Returned,
            ReviewAction::Approve => ApplicationStatus::Approved,
            ReviewAction::Reject => ApplicationStatus::Rejected,
            ReviewAction::Mail => ApplicationStatus::Mailed,
        }
    }
}

/// An application with its progress.
#[derive(Debug, Clone)]
pub struct ApplicationView {
    pub application: Application,
    pub steps: Vec<ApplicationStep>,
}

async fn step(
    tx: &mut Tx,
    a: &ApplicationId,
    status: ApplicationStatus,
    who: &Principal,
    note: &str,
) -> Result<()> {
    let s = ApplicationStep {
        id: ApplicationStepId::new(),
        application_id: a.clone(),
        status,
        actor_id: UserId::from(who.user_id.as_str()),
        note: note.to_owned(),
        at: tx.now_us(),
    };
    q::insert_step(tx.db(), &s).await?;
    Ok(())
}

impl Traffic<'_> {
    /// Plates a citizen may choose from for pre-selection today: generated, valid, neither
    /// registered nor held.
    pub async fn plate_candidates(&self, who: &Principal) -> Result<Vec<String>> {
        authorize(
            who,
            Action::DriverSelfService,
            Scope::Owner {
                owner_id: &who.user_id,
                org_path: "",
            },
        )
        .map_err(AppError::denied_scope)?;
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let held = q::held_plates(&mut conn, now).await?;
        let day = jingwu_core::calendar::local_date(now);
        let seed = who
            .user_id
            .bytes()
            .fold(u64::from(day.day_of_year().unsigned_abs()), |h, b| {
                h.wrapping_mul(31).wrapping_add(u64::from(b))
            });
        let mut out = Vec::new();
        for p in jingwu_traffic::plates::candidates("浙B", seed, CANDIDATES * 2) {
            if out.len() == CANDIDATES {
                break;
            }
            if !held.contains(&p) && q::vehicle_by_plate(&mut conn, &p).await?.is_none() {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// A citizen applies for a service. Every required material must be provided; a vehicle
    /// service names one of the applicant's own vehicles; pre-selection holds the plate chosen.
    pub async fn apply(
        &self,
        who: &Principal,
        n: &NewApplication,
        ctx: &RequestCtx,
    ) -> Result<ApplicationView> {
        authorize(
            who,
            Action::DriverSelfService,
            Scope::Owner {
                owner_id: &who.user_id,
                org_path: "",
            },
        )
        .map_err(AppError::denied_scope)?;
        let mut errs = Vec::new();
        let missing: Vec<&str> = n
            .service
            .materials()
            .iter()
            .filter(|m| !n.materials.iter().any(|c| c == m.code))
            .map(|m| m.code)
            .collect();
        if !missing.is_empty() {
            errs.push(FieldError::new(
                "materials",
                field::MATERIALS.code,
                format!("missing: {}", missing.join(", ")),
            ));
        }
        if n.materials
            .iter()
            .any(|c| !n.service.materials().iter().any(|m| m.code == c))
        {
            errs.push(FieldError::new(
                "materials",
                field::MATERIALS.code,
                "a material this service does not take",
            ));
        }
        if !n.details.is_object() || n.details.to_string().len() > 4000 {
            errs.push(FieldError::new(
                "details",
                field::TEXT.code,
                "an object of at most 4000 bytes",
            ));
        }
        let address = n
            .address
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_owned);
        if n.service.mailed() && address.as_deref().is_none_or(|a| a.chars().count() > 200) {
            errs.push(FieldError::new(
                "address",
                field::TEXT.code,
                "a postal address (1 to 200 characters): the result is posted",
            ));
        }
        let plate = match n.plate.as_deref().filter(|p| !p.trim().is_empty()) {
            None => None,
            Some(p) => Some(super::checked_plate("plate", p, &mut errs)).filter(|p| !p.is_empty()),
        };
        let needs_plate = n.service.for_vehicle() || n.service == ServiceKind::PlatePreselection;
        if needs_plate && plate.is_none() && errs.iter().all(|e| e.field != "plate") {
            errs.push(FieldError::new(
                "plate",
                field::PLATE.code,
                "this service needs a plate",
            ));
        }
        super::no_errors(errs)?;
        let candidates = if n.service == ServiceKind::PlatePreselection {
            self.plate_candidates(who).await?
        } else {
            Vec::new()
        };
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let (citizen, _) = super::citizen_of(tx.db(), who).await?;
                if n.service.for_vehicle() {
                    let owned = q::vehicle_by_plate(tx.db(), plate.as_deref().unwrap_or(""))
                        .await?
                        .is_some_and(|(v, _)| v.owner_resident_id == citizen.resident_id);
                    if !owned {
                        return Err(AppError::invalid(
                            "plate",
                            field::PLATE.code,
                            "not a vehicle registered to you",
                        ));
                    }
                }
                let root = orgs::root(tx.db())
                    .await?
                    .ok_or(AppError::NotFound { what: "bureau" })?;
                let a = Application {
                    id: ApplicationId::new(),
                    org_id: root.id.as_str().into(),
                    applicant_id: UserId::from(who.user_id.as_str()),
                    service: n.service,
                    plate: plate.clone(),
                    details: n.details.to_string(),
                    materials: n.materials.clone(),
                    address: address.clone(),
                    fee: n.service.fee(),
                    paid_at: None,
                    status: ApplicationStatus::Submitted,
                    tracking_no: None,
                    created_at: now,
                    updated_at: now,
                };
                q::insert_application(tx.db(), &a).await?;
                if n.service == ServiceKind::PlatePreselection {
                    let chosen = plate.clone().unwrap_or_default();
                    if !candidates.contains(&chosen) {
                        return Err(AppError::invalid(
                            "plate",
                            field::PLATE.code,
                            "choose one of today's candidate plates",
                        ));
                    }
                    let held =
                        q::hold_plate(tx.db(), &chosen, a.id.as_str(), now, now + PLATE_HOLD_US)
                            .await
                            .map_err(|e| {
                                if e.is_unique_violation() {
                                    AppError::Conflict {
                                        code: codes::PLATE_RESERVED.code,
                                        detail: "the plate was just taken".into(),
                                    }
                                } else {
                                    e.into()
                                }
                            })?;
                    if !held {
                        return Err(AppError::Conflict {
                            code: codes::PLATE_RESERVED.code,
                            detail: format!("{chosen} is held for another application"),
                        });
                    }
                }
                step(tx, &a.id, ApplicationStatus::Submitted, who, "").await?;
                tx.audit(
                    "traffic.application.submit",
                    ("application", a.id.as_str()),
                    &root.path,
                    serde_json::json!({ "service": a.service, "plate": a.plate, "fee_fen": a.fee }),
                )
                .await?;
                let steps = q::steps(tx.db(), a.id.as_str()).await?;
                Ok(ApplicationView {
                    application: a,
                    steps,
                })
            })
            .await
    }

    /// One application with its progress: its applicant, or traffic staff of its office.
    pub async fn application(
        &self,
        who: &Principal,
        id: &ApplicationId,
    ) -> Result<ApplicationView> {
        let mut conn = self.k().read().await?;
        let (a, path) =
            q::application(&mut conn, id.as_str())
                .await?
                .ok_or(AppError::NotFound {
                    what: "application",
                })?;
        authorize(
            who,
            Action::ReadTraffic,
            Scope::Owner {
                owner_id: a.applicant_id.as_str(),
                org_path: &path,
            },
        )
        .map_err(|d| AppError::denied_object(d, "application"))?;
        let steps = q::steps(&mut conn, a.id.as_str()).await?;
        Ok(ApplicationView {
            application: a,
            steps,
        })
    }

    /// A citizen's applications; for traffic clerks, their office's queue (oldest first).
    pub async fn applications(
        &self,
        who: &Principal,
        status: Option<ApplicationStatus>,
    ) -> Result<Vec<Application>> {
        let mut conn = self.k().read().await?;
        if who.role == Role::Citizen {
            return Ok(q::applications_of(&mut conn, &who.user_id).await?);
        }
        authorize(who, Action::ManageTraffic, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        Ok(q::applications_under(&mut conn, &who.org_path, status, 500).await?)
    }

    /// A clerk's decision on an application, by the state machine; a rejection or a return
    /// says why; posting the result records its tracking number.
    pub async fn review(
        &self,
        who: &Principal,
        id: &ApplicationId,
        action: ReviewAction,
        note: &str,
        tracking_no: Option<&str>,
        ctx: &RequestCtx,
    ) -> Result<ApplicationView> {
        let note = note.trim().to_owned();
        let to = action.target();
        if matches!(action, ReviewAction::Return | ReviewAction::Reject) && note.is_empty() {
            return Err(AppError::invalid("note", field::TEXT.code, "say why"));
        }
        let tracking = tracking_no.map(str::trim).filter(|t| !t.is_empty());
        if action == ReviewAction::Mail && tracking.is_none_or(|t| t.len() > 40) {
            return Err(AppError::invalid(
                "tracking_no",
                field::TEXT.code,
                "the courier's tracking number",
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let (a, path) = q::application(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "application" })?;
                authorize(who, Action::ManageTraffic, Scope::Org(&path)).map_err(|d| AppError::denied_object(d, "application"))?;
                if !may_move(a.status, to) || (action == ReviewAction::Mail && !a.service.mailed()) {
                    return Err(AppError::Conflict {
                        code: codes::APPLICATION_STATE.code,
                        detail: format!("a {} application cannot become {}", a.status.label_en().to_lowercase(), to.label_en().to_lowercase()),
                    });
                }
                if action == ReviewAction::Approve && a.fee.0 > 0 && a.paid_at.is_none() {
                    return Err(AppError::Conflict { code: codes::FEE_UNPAID.code, detail: "the fee is not paid yet".into() });
                }
                let now = tx.now_us();
                if !q::move_application(tx.db(), a.id.as_str(), a.status, to, tracking, now).await? {
                    return Err(AppError::Conflict { code: codes::APPLICATION_STATE.code, detail: "decided by someone else just now".into() });
                }
                if to == ApplicationStatus::Rejected {
                    q::release_plate(tx.db(), a.id.as_str()).await?;
                }
                step(tx, &a.id, to, who, &note).await?;
                tx.audit(
                    "traffic.application.review",
                    ("application", a.id.as_str()),
                    &path,
                    serde_json::json!({ "from": a.status, "to": to, "note": note, "tracking_no": tracking }),
                )
                .await?;
                let (a, _) = q::application(tx.db(), id.as_str()).await?.ok_or(AppError::NotFound { what: "application" })?;
                let steps = q::steps(tx.db(), a.id.as_str()).await?;
                Ok(ApplicationView { application: a, steps })
            })
            .await
    }

    /// The applicant withdraws (before acceptance) or resubmits a returned application.
    pub async fn applicant_move(
        &self,
        who: &Principal,
        id: &ApplicationId,
        to: ApplicationStatus,
        ctx: &RequestCtx,
    ) -> Result<ApplicationView> {
        if !matches!(
            to,
            ApplicationStatus::Withdrawn | ApplicationStatus::Submitted
        ) {
            return Err(AppError::invalid(
                "status",
                field::TEXT.code,
                "withdrawn or submitted",
            ));
        }
        super::public::must_be_citizen(who)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (a, path) = q::application(tx.db(), id.as_str())
                    .await?
                    .filter(|(a, _)| a.applicant_id.as_str() == who.user_id)
                    .ok_or(AppError::NotFound {
                        what: "application",
                    })?;
                authorize(
                    who,
                    Action::DriverSelfService,
                    Scope::Owner {
                        owner_id: a.applicant_id.as_str(),
                        org_path: &path,
                    },
                )
                .map_err(|d| AppError::denied_object(d, "application"))?;
                let now = tx.now_us();
                if !may_move(a.status, to)
                    || !q::move_application(tx.db(), a.id.as_str(), a.status, to, None, now).await?
                {
                    return Err(AppError::Conflict {
                        code: codes::APPLICATION_STATE.code,
                        detail: format!(
                            "a {} application cannot become {}",
                            a.status.label_en().to_lowercase(),
                            to.label_en().to_lowercase()
                        ),
                    });
                }
                if to == ApplicationStatus::Withdrawn {
                    q::release_plate(tx.db(), a.id.as_str()).await?;
                }
                step(tx, &a.id, to, who, "").await?;
                tx.audit(
                    "traffic.application.applicant",
                    ("application", a.id.as_str()),
                    &path,
                    serde_json::json!({ "to": to }),
                )
                .await?;
                let (a, _) =
                    q::application(tx.db(), id.as_str())
                        .await?
                        .ok_or(AppError::NotFound {
                            what: "application",
                        })?;
                let steps = q::steps(tx.db(), a.id.as_str()).await?;
                Ok(ApplicationView {
                    application: a,
                    steps,
                })
            })
            .await
    }
}
