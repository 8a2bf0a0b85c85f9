//! Violations: recorded by an officer or from a camera, accepted online by the driver (which
//! makes the penalty decision and scores the points), revoked by a clerk; and the points a
//! driver stands at.

use jingwu_core::{Action, Principal, Role, Scope, UserId, authorize};
use jingwu_payments::Fen;
use jingwu_store::Conn;
use jingwu_store::traffic as q;
use jingwu_traffic::error_codes::{self as codes, field};
use jingwu_traffic::licence::LicenceStatus;
use jingwu_traffic::points::{Decision, PointsFacts, Reduction};
use jingwu_traffic::records::{Licence, Violation, ViolationId};
use jingwu_traffic::violations::{ViolationSource, ViolationStatus};
use jingwu_traffic::{LateFee, Points};

use super::Traffic;
use crate::{AppError, FieldError, RequestCtx, Result};

#[derive(Debug, Clone)]
pub struct NewViolation {
    pub plate: String,
    pub code: String,
    pub place: String,
    pub lat: f64,
    pub lon: f64,
    pub occurred_at_us: i64,
    pub source: String,
}

/// A violation with what it costs today.
#[derive(Debug, Clone)]
pub struct ViolationView {
    pub violation: Violation,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// Fine, surcharge and amount due if paid today (decided and unpaid only).
    pub due_today: Option<LateFee>,
}

/// Where a driver's points stand in the current scoring cycle.
#[derive(Debug, Clone)]
pub struct DriverPoints {
    pub licence: Licence,
    pub points: Points,
    pub profile: jingwu_traffic::Profile,
}

pub(super) fn decisions(vs: &[Violation]) -> Vec<Decision> {
    vs.iter()
        .filter_map(|v| {
            Some(Decision {
                violation_id: v.id.as_str().to_owned(),
                points: v.points,
                decided_on: v.served_on?,
                deadline: v.deadline_on?,
                paid_on: v.paid_on,
                revoked: v.status == ViolationStatus::Revoked,
            })
        })
        .collect()
}

/// The points on `licence` today, from its decisions and reductions.
pub(super) async fn points_of(
    db: &mut impl Conn,
    licence: &Licence,
    today: jiff::civil::Date,
) -> Result<Points> {
    let ds = decisions(&q::decisions_on(db, licence.id.as_str()).await?);
    let rs: Vec<Reduction> = q::reductions_on(db, licence.id.as_str())
        .await?
        .into_iter()
        .map(|r| Reduction {
            points: r.points,
            granted_on: r.granted_on,
            method: r.method,
        })
        .collect();
    jingwu_traffic::points(&PointsFacts {
        first_issue: licence.first_issued_on,
        today,
        decisions: &ds,
        reductions: &rs,
        full_score_cleared_on: licence.full_score_cleared_on,
    })
    .ok_or_else(|| AppError::Precondition("the licence's first issue lies in the future".into()))
}

fn view(v: Violation, today: jiff::civil::Date) -> ViolationView {
    let code = jingwu_traffic::violations::code(&v.code);
    let due_today = match (v.status, v.served_on) {
        (ViolationStatus::Decided, Some(served)) => {
            Some(jingwu_traffic::late_fee(v.fine, served, today))
        }
        _ => None,
    };
    ViolationView {
        name_zh: code.map_or("", |c| c.name_zh),
        name_en: code.map_or("", |c| c.name_en),
        violation: v,
        due_today,
    }
}

/// Who owns a violation: the registered owner of the vehicle, or the driver it was decided on.
async fn owner_of(db: &mut impl Conn, v: &Violation) -> Result<String> {
    let licence = match &v.licence_id {
        Some(lid) => q::licence(db, lid.as_str()).await?,
        None => None,
    };
    if let Some((l, _)) = licence {
        return super::owner_user_id(db, &l.resident_id).await;
    }
    match q::vehicle_by_plate(db, &v.plate).await? {
        Some((veh, _)) => super::owner_user_id(db, &veh.owner_resident_id).await,
        None => Ok(String::new()),
    }
}

impl Traffic<'_> {
    pub async fn record_violation(
        &self,
        who: &Principal,
        n: &NewViolation,
        ctx: &RequestCtx,
    ) -> Result<ViolationView> {
        authorize(who, Action::RecordViolation, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let now = self.now_us();
        let mut errs = Vec::new();
        let plate = super::checked_plate("plate", &n.plate, &mut errs);
        let code = jingwu_traffic::violations::code(n.code.trim());
        if code.is_none() {
            errs.push(FieldError::new(
                "code",
                field::VIOLATION_CODE.code,
                "not in the violation code table",
            ));
        }
        let place = n.place.trim();
        if !(1..=120).contains(&place.chars().count()) {
            errs.push(FieldError::new(
                "place",
                field::TEXT.code,
                "1 to 120 characters",
            ));
        }
        if !(n.lat.is_finite() && (-90.0..=90.0).contains(&n.lat)) {
            errs.push(FieldError::new(
                "lat",
                jingwu_core::problem_codes::field::LAT_RANGE.code,
                "−90 to 90",
            ));
        }
        if !(n.lon.is_finite() && (-180.0..=180.0).contains(&n.lon)) {
            errs.push(FieldError::new(
                "lon",
                jingwu_core::problem_codes::field::LON_RANGE.code,
                "−180 to 180",
            ));
        }
        // Recorded within the last year and not in the future (five minutes of clock skew).
        if n.occurred_at_us > now + 300_000_000 || n.occurred_at_us < now - 366 * 86_400_000_000 {
            errs.push(FieldError::new(
                "occurred_at",
                field::DATE.code,
                "within the last year, not in the future",
            ));
        }
        let source = ViolationSource::parse(n.source.trim()).unwrap_or_else(|_| {
            errs.push(FieldError::new(
                "source",
                jingwu_core::problem_codes::field::KIND_UNKNOWN.code,
                "camera or officer",
            ));
            ViolationSource::Camera
        });
        let (Some(code), true) = (code, errs.is_empty()) else {
            return Err(AppError::Validation(errs));
        };
        let v = Violation {
            id: ViolationId::new(),
            org_id: who.org_id.as_str().into(),
            plate,
            code: code.code.to_owned(),
            points: code.points,
            fine: code.fine,
            place: place.to_owned(),
            lat: n.lat,
            lon: n.lon,
            occurred_at: n.occurred_at_us,
            source,
            recorded_by: UserId::from(who.user_id.as_str()),
            status: ViolationStatus::Pending,
            licence_id: None,
            decision_no: None,
            decided_at: None,
            served_on: None,
            deadline_on: None,
            paid_at: None,
            paid_on: None,
            revoked_at: None,
            created_at: now,
        };
        let today = self.today();
        self.k()
            .write(who, ctx, async |tx| {
                q::insert_violation(tx.db(), &v).await?;
                tx.audit(
                    "traffic.violation.record",
                    ("violation", v.id.as_str()),
                    &who.org_path,
                    serde_json::json!({ "plate": v.plate, "code": v.code, "source": v.source,
                        "occurred_at": v.occurred_at }),
                )
                .await?;
                Ok(view(v.clone(), today))
            })
            .await
    }

    /// Violations: staff see those recorded in their jurisdiction (optionally of one status);
    /// a citizen sees their own (their vehicles', and those decided on their licence).
    pub async fn violations(
        &self,
        who: &Principal,
        status: Option<ViolationStatus>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<ViolationView>> {
        let today = self.today();
        let mut conn = self.k().read().await?;
        let rows = if who.role == Role::Citizen {
            let (c, licence) = super::citizen_of(&mut conn, who).await?;
            authorize(
                who,
                Action::ReadTraffic,
                Scope::Owner {
                    owner_id: &who.user_id,
                    org_path: "",
                },
            )
            .map_err(AppError::denied_scope)?;
            q::violations_of(
                &mut conn,
                &c.resident_id,
                licence.as_ref().map(|(l, _)| l.id.as_str()),
            )
            .await?
            .into_iter()
            .filter(|(v, _)| status.is_none_or(|s| v.status == s))
            .collect()
        } else {
            authorize(who, Action::ReadTraffic, Scope::Org(&who.org_path))
                .map_err(AppError::denied_scope)?;
            q::violations_under(
                &mut conn,
                &who.org_path,
                status,
                limit.clamp(1, 500),
                offset.max(0),
            )
            .await?
        };
        Ok(rows.into_iter().map(|(v, _)| view(v, today)).collect())
    }

    pub async fn violation(&self, who: &Principal, id: &ViolationId) -> Result<ViolationView> {
        let mut conn = self.k().read().await?;
        let (v, path) = q::violation(&mut conn, id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "violation" })?;
        let owner = owner_of(&mut conn, &v).await?;
        authorize(
            who,
            Action::ReadTraffic,
            Scope::Owner {
                owner_id: &owner,
                org_path: &path,
            },
        )
        .map_err(|d| AppError::denied_object(d, "violation"))?;
        Ok(view(v, self.today()))
    }

    /// The driver accepts a violation online: the penalty decision is made and served today,
    /// the points are scored on their licence (once: the violation moves from pending only
    /// once), and a full score withholds the licence.
    pub async fn accept_violation(
        &self,
        who: &Principal,
        id: &ViolationId,
        ctx: &RequestCtx,
    ) -> Result<ViolationView> {
        let today = self.today();
        self.k()
            .write(who, ctx, async |tx| {
                let (v, path) = q::violation(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "violation" })?;
                let owner = owner_of(tx.db(), &v).await?;
                authorize(who, Action::DriverSelfService, Scope::Owner { owner_id: &owner, org_path: &path })
                    .map_err(|d| AppError::denied_object(d, "violation"))?;
                if v.status != ViolationStatus::Pending {
                    return Err(AppError::Conflict {
                        code: codes::VIOLATION_NOT_PENDING.code,
                        detail: format!("the violation is {} already", v.status.label_en().to_lowercase()),
                    });
                }
                let (_, licence) = super::citizen_of(tx.db(), who).await?;
                let Some((licence, _)) = licence else {
                    return Err(AppError::Conflict {
                        code: codes::LICENCE_BLOCKED.code,
                        detail: "no driving licence is registered to you".into(),
                    });
                };
                if licence.status != LicenceStatus::Valid {
                    return Err(AppError::Conflict {
                        code: codes::LICENCE_BLOCKED.code,
                        detail: format!("your licence is {}", licence.status.label_en().to_lowercase()),
                    });
                }
                let fee = jingwu_traffic::late_fee(v.fine, today, today);
                let now = tx.now_us();
                let decision_no = format!("{}{}", today.strftime("%Y%m%d"), &v.id.as_str()[24..]);
                let decided = q::decide_violation(
                    tx.db(),
                    &q::Decide {
                        id: v.id.as_str(),
                        licence_id: licence.id.as_str(),
                        decision_no: &decision_no,
                        decided_at: now,
                        served_on: today,
                        deadline_on: fee.deadline,
                    },
                )
                .await?;
                if !decided {
                    return Err(AppError::Conflict {
                        code: codes::VIOLATION_NOT_PENDING.code,
                        detail: "the violation was processed by another request".into(),
                    });
                }
                let points = points_of(tx.db(), &licence, today).await?;
                if points.full_score {
                    q::set_licence_status(tx.db(), licence.id.as_str(), LicenceStatus::Withheld).await?;
                    q::count_full_score(tx.db(), licence.id.as_str()).await?;
                }
                tx.audit(
                    "traffic.violation.accept",
                    ("violation", v.id.as_str()),
                    &path,
                    serde_json::json!({ "licence": licence.id, "decision_no": decision_no,
                        "points": v.points, "balance": points.balance, "full_score": points.full_score }),
                )
                .await?;
                let (v, _) = q::violation(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "violation" })?;
                Ok(view(v, today))
            })
            .await
    }

    /// Revokes a record or a decision not yet paid (a wrongly read plate, a decision changed
    /// on review): its points and fine go with it.
    pub async fn revoke_violation(
        &self,
        who: &Principal,
        id: &ViolationId,
        reason: &str,
        ctx: &RequestCtx,
    ) -> Result<ViolationView> {
        let reason = reason.trim().to_owned();
        if !(1..=200).contains(&reason.chars().count()) {
            return Err(AppError::invalid(
                "reason",
                field::TEXT.code,
                "1 to 200 characters",
            ));
        }
        let today = self.today();
        self.k()
            .write(who, ctx, async |tx| {
                let (v, path) = q::violation(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "violation" })?;
                authorize(who, Action::ManageTraffic, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "violation"))?;
                let now = tx.now_us();
                if !q::revoke_violation(tx.db(), v.id.as_str(), now).await? {
                    return Err(AppError::Conflict {
                        code: codes::VIOLATION_NOT_DECIDED.code,
                        detail: format!(
                            "a {} violation cannot be revoked",
                            v.status.label_en().to_lowercase()
                        ),
                    });
                }
                jingwu_store::payments::close_pending_orders(
                    tx.db(),
                    super::SUBJECT_VIOLATION,
                    v.id.as_str(),
                    "",
                )
                .await?;
                tx.audit(
                    "traffic.violation.revoke",
                    ("violation", v.id.as_str()),
                    &path,
                    serde_json::json!({ "reason": reason, "was": v.status }),
                )
                .await?;
                let (v, _) = q::violation(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "violation" })?;
                Ok(view(v, today))
            })
            .await
    }

    /// The caller's points in the current scoring cycle.
    pub async fn my_points(&self, who: &Principal) -> Result<DriverPoints> {
        let mut conn = self.k().read().await?;
        let (_, licence) = super::citizen_of(&mut conn, who).await?;
        let (licence, _) = licence.ok_or(AppError::NotFound { what: "licence" })?;
        let points = points_of(&mut conn, &licence, self.today()).await?;
        Ok(DriverPoints {
            licence,
            points,
            profile: self.config().profile,
        })
    }
}

/// What a decided violation costs if paid today: fine plus late fee.
pub(super) fn amount_due(v: &Violation, today: jiff::civil::Date) -> Option<(Fen, Fen, Fen)> {
    let served = v.served_on?;
    let fee = jingwu_traffic::late_fee(v.fine, served, today);
    Some((v.fine, fee.surcharge_fen, fee.amount_due_fen))
}
