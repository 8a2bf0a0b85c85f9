//! Online applications. The applicant fills the item's one online form (its fields stand for
//! every paper form the window prints — form-free processing) and attaches a file per
//! material; submitting runs the pre-check of completeness; clerks of the handling office
//! accept (the statutory clock starts, in working days), return for correction, approve or
//! reject with reasons, and post the result with the courier's tracking number. Every move is
//! a step the applicant follows. Fees go through the shared payment service.

use jingwu_core::{Action, Principal, Role, Scope, UserId, authorize};
use jingwu_payments::records::Refund;
use jingwu_payments::{Fen, RefundReason};
use jingwu_permits::applications::{self as rules, ApplicationStatus, may_move};
use jingwu_permits::catalogue::{FilledForm, Item};
use jingwu_permits::error_codes::{self as codes, field};
use jingwu_permits::policy::sees_record;
use jingwu_permits::records::{Application, ApplicationId, MaterialFile, OfficeId, Step, StepId};
use jingwu_store::permits::{self as q, ApplicationMove};

use super::Permits;
use crate::payments::{Checkout, OrderRequest};
use crate::{AppError, FieldError, RequestCtx, Result, Tx};

/// The payment subject of an application's fee.
pub(crate) const SUBJECT_APPLICATION: &str = "permit_application";
/// Largest material file (a scan or photo of a document).
pub const MATERIAL_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Largest online form, as JSON.
const DETAILS_MAX_BYTES: usize = 8_000;

/// A new application (a draft until submitted).
#[derive(Debug, Clone)]
pub struct NewPermitApplication {
    pub item_code: String,
    pub office_id: OfficeId,
    /// The online form: field key → text.
    pub details: serde_json::Map<String, serde_json::Value>,
    /// Where to post the result (items that are posted), if wanted.
    pub address: Option<String>,
}

/// What a clerk does with an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermitReview {
    Accept,
    Return,
    Approve,
    Reject,
    Mail,
    Deliver,
}

impl PermitReview {
    fn target(self) -> ApplicationStatus {
        match self {
            PermitReview::Accept => ApplicationStatus::Accepted,
            PermitReview::Return => ApplicationStatus::Returned,
            PermitReview::Approve => ApplicationStatus::Approved,
            PermitReview::Reject => ApplicationStatus::Rejected,
            PermitReview::Mail => ApplicationStatus::Mailed,
            PermitReview::Deliver => ApplicationStatus::Delivered,
        }
    }
}

/// An application with its item, progress, files and the paper forms it fills.
#[derive(Debug, Clone)]
pub struct PermitApplicationView {
    pub application: Application,
    pub item: Item,
    pub office_name: String,
    pub steps: Vec<Step>,
    pub materials: Vec<MaterialFile>,
    pub forms: Vec<FilledForm>,
    /// Past its statutory deadline without a decision.
    pub overdue: bool,
    /// The day a posted result should leave by (approved, posted items).
    pub mail_due: Option<jiff::civil::Date>,
    /// Refunds of its fee (or of a payment that came after it closed), oldest first.
    pub refunds: Vec<Refund>,
}

fn check_details(d: &serde_json::Map<String, serde_json::Value>) -> Result<()> {
    let size = serde_json::to_string(d)
        .map(|s| s.len())
        .unwrap_or(usize::MAX);
    if size > DETAILS_MAX_BYTES || d.values().any(|v| !v.is_string()) {
        return Err(AppError::invalid(
            "details",
            field::FORM.code,
            format!("an object of texts, at most {DETAILS_MAX_BYTES} bytes"),
        ));
    }
    Ok(())
}

fn checked_address(a: Option<&str>) -> Result<Option<String>> {
    match a.map(str::trim).filter(|a| !a.is_empty()) {
        Some(a) if a.chars().count() > 200 => Err(AppError::invalid(
            "address",
            field::ADDRESS.code,
            "at most 200 characters",
        )),
        other => Ok(other.map(str::to_owned)),
    }
}

async fn step(
    tx: &mut Tx,
    a: &ApplicationId,
    status: ApplicationStatus,
    who: &Principal,
    note: &str,
) -> Result<()> {
    let s = Step {
        id: StepId::new(),
        application_id: a.clone(),
        status,
        actor_id: UserId::from(who.user_id.as_str()),
        note: note.to_owned(),
        at: tx.now_us(),
    };
    q::insert_permit_step(tx.db(), &s).await?;
    Ok(())
}

/// The application `id` for its own applicant (others: not found).
async fn applicants(
    tx: &mut Tx,
    who: &Principal,
    id: &ApplicationId,
) -> Result<(Application, String)> {
    let (a, path) = q::permit_application(tx.db(), id.as_str())
        .await?
        .filter(|(a, _)| a.applicant_id.as_str() == who.user_id)
        .ok_or(AppError::NotFound {
            what: "application",
        })?;
    authorize(
        who,
        Action::PermitSelfService,
        Scope::Owner {
            owner_id: a.applicant_id.as_str(),
            org_path: &path,
        },
    )
    .map_err(|d| AppError::denied_object(d, "application"))?;
    Ok((a, path))
}

fn state_error(from: ApplicationStatus, to: ApplicationStatus) -> AppError {
    AppError::Conflict {
        code: codes::PERMIT_APPLICATION_STATE.code,
        detail: format!(
            "a {} application cannot become {}",
            from.label_en().to_lowercase(),
            to.label_en().to_lowercase()
        ),
    }
}

/// Settles an application's fee inside a payment notification's transaction. False when it
/// was paid already.
pub(crate) async fn settle_fee(tx: &mut Tx, id: &str, paid_at: i64) -> Result<bool> {
    Ok(q::pay_permit_application(tx.db(), id, paid_at).await?)
}

impl Permits<'_> {
    fn self_service(&self, who: &Principal) -> Result<()> {
        authorize(
            who,
            Action::PermitSelfService,
            Scope::Owner {
                owner_id: &who.user_id,
                org_path: "",
            },
        )
        .map_err(AppError::denied_scope)
    }

    /// Starts an application (a draft) for an item accepted online, at an office that handles
    /// it.
    pub async fn create_application(
        &self,
        who: &Principal,
        n: &NewPermitApplication,
        ctx: &RequestCtx,
    ) -> Result<PermitApplicationView> {
        self.self_service(who)?;
        check_details(&n.details)?;
        let address = checked_address(n.address.as_deref())?;
        let id = ApplicationId::new();
        self.k()
            .write(who, ctx, async |tx| {
                let item = super::item(tx.db(), &n.item_code).await?;
                super::catalogue::usable(&item, true)?;
                let (office, path) = super::office(tx.db(), n.office_id.as_str()).await?;
                if !super::offices::serves(tx.db(), office.id.as_str(), &item.code).await? {
                    return Err(AppError::Conflict {
                        code: codes::ITEM_NOT_BOOKABLE.code,
                        detail: format!("{} does not handle {}", office.name, item.name_zh),
                    });
                }
                let now = tx.now_us();
                let a = Application {
                    id: id.clone(),
                    org_id: office.org_id.clone(),
                    office_id: office.id.clone(),
                    item_code: item.code.clone(),
                    applicant_id: UserId::from(who.user_id.as_str()),
                    details: n.details.clone(),
                    status: ApplicationStatus::Draft,
                    fee: item.fee,
                    paid_at: None,
                    refunded_at: None,
                    address: address.clone(),
                    submitted_at: None,
                    accepted_on: None,
                    deadline: None,
                    approved_on: None,
                    mailed_on: None,
                    tracking_no: None,
                    created_at: now,
                    updated_at: now,
                };
                q::insert_permit_application(tx.db(), &a).await?;
                step(tx, &a.id, ApplicationStatus::Draft, who, "").await?;
                tx.audit(
                    "permits.application.create",
                    ("permit_application", a.id.as_str()),
                    &path,
                    serde_json::json!({ "item": a.item_code, "office": a.office_id, "fee_fen": a.fee }),
                )
                .await?;
                Ok(())
            })
            .await?;
        self.application(who, &id).await
    }

    /// Changes the form or the postal address while the application is a draft or returned.
    pub async fn update_application(
        &self,
        who: &Principal,
        id: &ApplicationId,
        details: &serde_json::Map<String, serde_json::Value>,
        address: Option<&str>,
        ctx: &RequestCtx,
    ) -> Result<PermitApplicationView> {
        self.self_service(who)?;
        check_details(details)?;
        let address = checked_address(address)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (a, path) = applicants(tx, who, id).await?;
                if !a.status.editable() {
                    return Err(state_error(a.status, a.status));
                }
                let m = ApplicationMove {
                    details: Some(details),
                    address: address.as_deref(),
                    ..Default::default()
                };
                let now = tx.now_us();
                if !q::move_permit_application(tx.db(), id.as_str(), a.status, a.status, &m, now)
                    .await?
                {
                    return Err(state_error(a.status, a.status));
                }
                tx.audit(
                    "permits.application.update",
                    ("permit_application", id.as_str()),
                    &path,
                    serde_json::json!({ "fields": details.keys().collect::<Vec<_>>() }),
                )
                .await?;
                Ok(())
            })
            .await?;
        self.application(who, id).await
    }

    /// Attaches a material file (PDF, JPEG or PNG, at most 10 MiB), content-addressed; a new
    /// file of the same material replaces the old one.
    pub async fn upload_material(
        &self,
        who: &Principal,
        id: &ApplicationId,
        code: &str,
        filename: &str,
        data: Vec<u8>,
        ctx: &RequestCtx,
    ) -> Result<MaterialFile> {
        self.self_service(who)?;
        let Some(content_type) = sniff(&data) else {
            return Err(AppError::Unprocessable {
                code: codes::MATERIAL_REJECTED.code,
                detail: "a PDF, JPEG or PNG file is taken".into(),
            });
        };
        if data.len() > MATERIAL_MAX_BYTES {
            return Err(AppError::TooLarge {
                code: codes::MATERIAL_REJECTED.code,
                detail: format!("at most {} MiB", MATERIAL_MAX_BYTES / 1024 / 1024),
            });
        }
        let filename: String = filename
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
            .take(100)
            .collect();
        // Existence and ownership first, so nothing is stored for a stranger's application.
        {
            let mut conn = self.k().read().await?;
            let (a, _) = q::permit_application(&mut conn, id.as_str())
                .await?
                .filter(|(a, _)| a.applicant_id.as_str() == who.user_id)
                .ok_or(AppError::NotFound {
                    what: "application",
                })?;
            let item = super::item(&mut conn, &a.item_code).await?;
            if !item.materials.iter().any(|m| m.code == code) {
                return Err(AppError::invalid(
                    "code",
                    field::MATERIAL.code,
                    format!("{} takes no material {code}", item.code),
                ));
            }
        }
        let size = i64::try_from(data.len()).unwrap_or(i64::MAX);
        let blobs = self.state().blobs.clone();
        let sha256 = tokio::task::spawn_blocking(move || blobs.put(&data))
            .await
            .map_err(|e| AppError::Internal(format!("material store: {e}")))?
            .map_err(|e| AppError::Internal(format!("material store: {e}")))?;
        self.k()
            .write(who, ctx, async |tx| {
                let (a, path) = applicants(tx, who, id).await?;
                if !a.status.editable() {
                    return Err(state_error(a.status, a.status));
                }
                let m = MaterialFile {
                    application_id: id.clone(),
                    code: code.to_owned(),
                    sha256: sha256.clone(),
                    filename: if filename.is_empty() { code.to_owned() } else { filename.clone() },
                    content_type: content_type.to_owned(),
                    size,
                    uploaded_at: tx.now_us(),
                };
                q::put_material(tx.db(), &m).await?;
                tx.audit("permits.application.material", ("permit_application", id.as_str()), &path,
                    serde_json::json!({ "code": m.code, "sha256": m.sha256, "size": m.size, "content_type": m.content_type })).await?;
                Ok(m)
            })
            .await
    }

    /// A material file's record and bytes: its applicant or the handling office's staff.
    pub async fn material(
        &self,
        who: &Principal,
        id: &ApplicationId,
        code: &str,
    ) -> Result<(MaterialFile, Vec<u8>)> {
        let view = self.application_record(who, id).await?;
        let mut conn = self.k().read().await?;
        let m = q::material(&mut conn, view.0.id.as_str(), code)
            .await?
            .ok_or(AppError::NotFound { what: "material" })?;
        let path = self
            .state()
            .blobs
            .object_path(&m.sha256)
            .map_err(|e| AppError::Internal(format!("material store: {e}")))?;
        let data = tokio::fs::read(path)
            .await
            .map_err(|e| AppError::Internal(format!("material store: {e}")))?;
        Ok((m, data))
    }

    /// Submits (or resubmits) the application: the pre-check of completeness runs at once;
    /// an incomplete one stays where it was and the answer lists what is missing.
    pub async fn submit_application(
        &self,
        who: &Principal,
        id: &ApplicationId,
        ctx: &RequestCtx,
    ) -> Result<PermitApplicationView> {
        self.self_service(who)?;
        let today = self.today();
        self.k()
            .write(who, ctx, async |tx| {
                let (a, path) = applicants(tx, who, id).await?;
                if !may_move(a.status, ApplicationStatus::Submitted) {
                    return Err(state_error(a.status, ApplicationStatus::Submitted));
                }
                let item = super::item(tx.db(), &a.item_code).await?;
                super::catalogue::usable(&item, true)?;
                let provided: Vec<String> = q::materials(tx.db(), id.as_str())
                    .await?
                    .into_iter()
                    .map(|m| m.code)
                    .collect();
                let check = rules::precheck(&item, &a.details, &provided, today);
                if !check.complete() {
                    let mut errs: Vec<FieldError> = check
                        .missing_materials
                        .iter()
                        .map(|m| {
                            FieldError::new(
                                &format!("materials.{m}"),
                                field::MATERIAL.code,
                                "missing",
                            )
                        })
                        .collect();
                    errs.extend(check.bad_fields.iter().map(|(k, why)| {
                        FieldError::new(&format!("details.{k}"), field::FORM.code, *why)
                    }));
                    return Err(AppError::Validation(errs));
                }
                let now = tx.now_us();
                let m = ApplicationMove {
                    submitted_at: Some(now),
                    ..Default::default()
                };
                if !q::move_permit_application(
                    tx.db(),
                    id.as_str(),
                    a.status,
                    ApplicationStatus::Submitted,
                    &m,
                    now,
                )
                .await?
                {
                    return Err(state_error(a.status, ApplicationStatus::Submitted));
                }
                step(tx, id, ApplicationStatus::Submitted, who, "").await?;
                q::move_permit_application(
                    tx.db(),
                    id.as_str(),
                    ApplicationStatus::Submitted,
                    ApplicationStatus::PreChecked,
                    &ApplicationMove::default(),
                    now,
                )
                .await?;
                step(
                    tx,
                    id,
                    ApplicationStatus::PreChecked,
                    who,
                    "材料齐全 / complete",
                )
                .await?;
                tx.audit(
                    "permits.application.submit",
                    ("permit_application", id.as_str()),
                    &path,
                    serde_json::json!({ "item": a.item_code, "from": a.status }),
                )
                .await?;
                Ok(())
            })
            .await?;
        self.application(who, id).await
    }

    /// The applicant withdraws a draft, a returned or a pre-checked application.
    pub async fn withdraw_application(
        &self,
        who: &Principal,
        id: &ApplicationId,
        ctx: &RequestCtx,
    ) -> Result<PermitApplicationView> {
        self.self_service(who)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (a, path) = applicants(tx, who, id).await?;
                let to = ApplicationStatus::Withdrawn;
                let now = tx.now_us();
                if !may_move(a.status, to)
                    || !q::move_permit_application(
                        tx.db(),
                        id.as_str(),
                        a.status,
                        to,
                        &ApplicationMove::default(),
                        now,
                    )
                    .await?
                {
                    return Err(state_error(a.status, to));
                }
                step(tx, id, to, who, "").await?;
                close_payments(tx, &a, &path, Some(RefundReason::Withdrawn)).await?;
                tx.audit(
                    "permits.application.withdraw",
                    ("permit_application", id.as_str()),
                    &path,
                    serde_json::json!({ "from": a.status }),
                )
                .await?;
                Ok(())
            })
            .await?;
        self.application(who, id).await
    }

    /// A clerk's decision, by the state machine: returns and rejections say why; acceptance
    /// starts the statutory clock; approval needs the fee paid; posting records the tracking
    /// number; a rejection refunds a paid fee where the item says so.
    pub async fn review_application(
        &self,
        who: &Principal,
        id: &ApplicationId,
        action: PermitReview,
        note: &str,
        tracking_no: Option<&str>,
        ctx: &RequestCtx,
    ) -> Result<PermitApplicationView> {
        authorize(who, Action::HandlePermits, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let note = note.trim().to_owned();
        if matches!(action, PermitReview::Return | PermitReview::Reject) && note.is_empty() {
            return Err(AppError::invalid("note", field::TEXT.code, "say why"));
        }
        if note.chars().count() > 500 {
            return Err(AppError::invalid(
                "note",
                field::TEXT.code,
                "at most 500 characters",
            ));
        }
        let tracking = tracking_no.map(str::trim).filter(|t| !t.is_empty());
        if action == PermitReview::Mail
            && tracking
                .is_none_or(|t| t.len() > 40 || !t.chars().all(|c| c.is_ascii_alphanumeric()))
        {
            return Err(AppError::invalid(
                "tracking_no",
                field::TEXT.code,
                "the courier's tracking number (letters and digits)",
            ));
        }
        let today = self.today();
        self.k()
            .write(who, ctx, async |tx| {
                let (a, path) = q::permit_application(tx.db(), id.as_str()).await?.ok_or(AppError::NotFound { what: "application" })?;
                authorize(who, Action::HandlePermits, Scope::Org(&path)).map_err(|d| AppError::denied_object(d, "application"))?;
                let to = action.target();
                let item = super::item(tx.db(), &a.item_code).await?;
                if !may_move(a.status, to) || (action == PermitReview::Mail && (!item.mailed || a.address.is_none())) {
                    return Err(state_error(a.status, to));
                }
                if action == PermitReview::Approve && a.fee.0 > 0 && a.paid_at.is_none() {
                    return Err(AppError::Conflict { code: codes::PERMIT_FEE_UNPAID.code, detail: "the fee is not paid yet".into() });
                }
                let cal = super::calendar(tx.db()).await?;
                let m = match action {
                    PermitReview::Accept => ApplicationMove {
                        accepted_on: Some(today),
                        deadline: Some(rules::deadline(today, item.time_limit_days, &cal)),
                        ..Default::default()
                    },
                    PermitReview::Approve => ApplicationMove { approved_on: Some(today), ..Default::default() },
                    PermitReview::Mail => ApplicationMove { mailed_on: Some(today), tracking_no: tracking, ..Default::default() },
                    _ => ApplicationMove::default(),
                };
                let now = tx.now_us();
                if !q::move_permit_application(tx.db(), id.as_str(), a.status, to, &m, now).await? {
                    return Err(AppError::Conflict { code: codes::PERMIT_APPLICATION_STATE.code, detail: "decided by someone else just now".into() });
                }
                step(tx, id, to, who, &note).await?;
                if to == ApplicationStatus::Rejected {
                    let refund = item.refund_on_reject.then_some(RefundReason::Rejected);
                    close_payments(tx, &a, &path, refund).await?;
                }
                tx.audit("permits.application.review", ("permit_application", id.as_str()), &path,
                    serde_json::json!({ "from": a.status, "to": to, "note": note, "tracking_no": tracking })).await?;
                Ok(())
            })
            .await?;
        self.application(who, id).await
    }

    /// Opens a payment of the application's fee (a submitted, not yet decided application).
    pub async fn pay_application(
        &self,
        who: &Principal,
        id: &ApplicationId,
        channel: &str,
        ctx: &RequestCtx,
    ) -> Result<Checkout> {
        self.self_service(who)?;
        let ttl = self.app.kernel().config().traffic.order_ttl.as_micros();
        let ttl = i64::try_from(ttl).unwrap_or(i64::MAX);
        let order = self
            .k()
            .write(who, ctx, async |tx| {
                let (a, path) = applicants(tx, who, id).await?;
                if a.fee.0 == 0 || a.paid_at.is_some() {
                    return Err(AppError::Conflict { code: jingwu_traffic::error_codes::ALREADY_PAID.code, detail: "nothing to pay".into() });
                }
                if a.status.is_final() || a.status == ApplicationStatus::Draft {
                    return Err(state_error(a.status, a.status));
                }
                let now = tx.now_us();
                let order = crate::payments::create_order(
                    tx,
                    &OrderRequest {
                        channel,
                        subject_kind: SUBJECT_APPLICATION,
                        subject_id: a.id.as_str(),
                        org_id: &a.org_id,
                        payer: &UserId::from(who.user_id.as_str()),
                        fine: a.fee,
                        surcharge: Fen(0),
                        expires_at: jingwu_payments::order_expiry(now, ttl),
                    },
                )
                .await?;
                jingwu_store::payments::close_pending_orders(tx.db(), SUBJECT_APPLICATION, a.id.as_str(), order.id.as_str()).await?;
                tx.audit("permits.application.order", ("payment_order", order.id.as_str()), &path,
                    serde_json::json!({ "application": a.id, "channel": channel, "amount_fen": a.fee })).await?;
                Ok(order)
            })
            .await?;
        let subject = format!("审批事项费用 {}", order.subject_id);
        self.app.payments().checkout(who, &order.id, &subject).await
    }

    async fn application_record(
        &self,
        who: &Principal,
        id: &ApplicationId,
    ) -> Result<(Application, String)> {
        let mut conn = self.k().read().await?;
        let (a, path) =
            q::permit_application(&mut conn, id.as_str())
                .await?
                .ok_or(AppError::NotFound {
                    what: "application",
                })?;
        sees_record(
            who,
            Some(a.applicant_id.as_str()),
            &path,
            Action::ReadPermits,
        )
        .map_err(|d| AppError::denied_object(d, "application"))?;
        Ok((a, path))
    }

    /// One application with its progress: its applicant, or permit staff of its office. A
    /// citizen's look counts as an online progress query.
    pub async fn application(
        &self,
        who: &Principal,
        id: &ApplicationId,
    ) -> Result<PermitApplicationView> {
        let (a, _) = self.application_record(who, id).await?;
        let mut conn = self.k().read().await?;
        let item = super::item(&mut conn, &a.item_code).await?;
        let (office, _) = super::office(&mut conn, a.office_id.as_str()).await?;
        let steps = q::permit_steps(&mut conn, id.as_str()).await?;
        let materials = q::materials(&mut conn, id.as_str()).await?;
        let refunds =
            crate::payments::refunds_of_subject(&mut conn, SUBJECT_APPLICATION, id.as_str())
                .await?;
        drop(conn);
        if who.role == Role::Citizen {
            self.k()
                .count_portal(self.today(), super::catalogue::PROGRESS_QUERY);
        }
        let today = self.today();
        let overdue =
            a.deadline.is_some_and(|d| d < today) && a.status == ApplicationStatus::Accepted;
        let mail_due = a
            .approved_on
            .filter(|_| item.mailed && a.address.is_some())
            .map(rules::mail_due);
        Ok(PermitApplicationView {
            forms: item.fill(&a.details),
            application: a,
            item,
            office_name: office.name,
            steps,
            materials,
            overdue,
            mail_due,
            refunds,
        })
    }

    /// A citizen's applications; for permit staff, their offices' work queue (nearest
    /// deadline first) of the statuses asked (by default those awaiting a clerk).
    pub async fn applications(
        &self,
        who: &Principal,
        statuses: &[ApplicationStatus],
    ) -> Result<Vec<Application>> {
        let mut conn = self.k().read().await?;
        if who.role == Role::Citizen {
            self.self_service(who)?;
            return Ok(q::permit_applications_of(&mut conn, &who.user_id).await?);
        }
        authorize(who, Action::HandlePermits, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let statuses = if statuses.is_empty() {
            &[
                ApplicationStatus::PreChecked,
                ApplicationStatus::Accepted,
                ApplicationStatus::Approved,
            ][..]
        } else {
            statuses
        };
        Ok(q::permit_applications_under(&mut conn, &who.org_path, statuses, 500).await?)
    }
}

/// A closed application takes no more payments: its open orders close; with a `refund`
/// reason, a paid fee is refunded through the channel — requested here, in the decision's
/// transaction, and sent by the payment service's refund job, which records the application
/// `refunded_at` once the channel has paid it back.
async fn close_payments(
    tx: &mut Tx,
    a: &Application,
    path: &str,
    refund: Option<RefundReason>,
) -> Result<()> {
    jingwu_store::payments::close_pending_orders(tx.db(), SUBJECT_APPLICATION, a.id.as_str(), "")
        .await?;
    if let Some(reason) = refund
        && a.paid_at.is_some()
    {
        crate::payments::refund_subject(tx, SUBJECT_APPLICATION, a.id.as_str(), path, reason)
            .await?;
    }
    Ok(())
}

/// Records the application's fee refunded, inside the refund's success transaction. False
/// when it was recorded before (or never paid).
pub(crate) async fn fee_refunded(tx: &mut Tx, id: &str, at: i64) -> Result<bool> {
    Ok(q::refund_permit_application(tx.db(), id, at).await?)
}

/// The media type of a material file from its first bytes (never from what the client says).
fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}
