//! Paying a fine online: an order for the fine and the late fee due today, through a payment
//! channel (`crate::payments`); the channel's notification settles the decision.

use jingwu_core::{Action, Principal, Scope, UserId, authorize};
use jingwu_store::traffic as q;
use jingwu_traffic::error_codes as codes;
use jingwu_traffic::records::ViolationId;
use jingwu_traffic::violations::ViolationStatus;

use super::Traffic;
use crate::payments::{Checkout, OrderRequest};
use crate::{AppError, RequestCtx, Result, Tx};

/// The subject kind of an order that pays a violation's fine.
pub(crate) const SUBJECT_VIOLATION: &str = "traffic_violation";
/// The subject kind of an order that pays a service application's fee.
pub(crate) const SUBJECT_APPLICATION: &str = "traffic_application";

impl Traffic<'_> {
    /// Opens an order for a decided violation's fine and today's late fee, and returns the
    /// signed request for the channel. Earlier pending orders of the violation are closed so
    /// only one can be paid.
    pub async fn pay_violation(
        &self,
        who: &Principal,
        id: &ViolationId,
        channel: &str,
        ctx: &RequestCtx,
    ) -> Result<Checkout> {
        let today = self.today();
        let ttl = self.config().order_ttl.as_micros() as i64;
        let order = self
            .k()
            .write(who, ctx, async |tx| {
                let (v, path) = q::violation(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "violation" })?;
                let owner = match &v.licence_id {
                    Some(l) => match q::licence(tx.db(), l.as_str()).await? {
                        Some((l, _)) => super::owner_user_id(tx.db(), &l.resident_id).await?,
                        None => String::new(),
                    },
                    None => String::new(),
                };
                authorize(who, Action::DriverSelfService, Scope::Owner { owner_id: &owner, org_path: &path })
                    .map_err(|d| AppError::denied_object(d, "violation"))?;
                match v.status {
                    ViolationStatus::Decided => {}
                    ViolationStatus::Paid => {
                        return Err(AppError::Conflict { code: codes::ALREADY_PAID.code, detail: "the fine is paid".into() });
                    }
                    s => {
                        return Err(AppError::Conflict {
                            code: codes::VIOLATION_NOT_DECIDED.code,
                            detail: format!("a {} violation has nothing to pay", s.label_en().to_lowercase()),
                        });
                    }
                }
                let Some((fine, surcharge, amount)) = super::violations::amount_due(&v, today) else {
                    return Err(AppError::Internal("a decided violation without a service date".into()));
                };
                let now = tx.now_us();
                let order = crate::payments::create_order(
                    tx,
                    &OrderRequest {
                        channel,
                        subject_kind: SUBJECT_VIOLATION,
                        subject_id: v.id.as_str(),
                        org_id: &v.org_id,
                        payer: &UserId::from(who.user_id.as_str()),
                        fine,
                        surcharge,
                        expires_at: jingwu_payments::order_expiry(now, ttl),
                    },
                )
                .await?;
                jingwu_store::payments::close_pending_orders(tx.db(), SUBJECT_VIOLATION, v.id.as_str(), order.id.as_str())
                    .await?;
                tx.audit(
                    "traffic.violation.order",
                    ("payment_order", order.id.as_str()),
                    &path,
                    serde_json::json!({ "violation": v.id, "channel": channel, "fine_fen": fine,
                        "surcharge_fen": surcharge, "amount_fen": amount, "expires_at": order.expires_at }),
                )
                .await?;
                Ok(order)
            })
            .await?;
        let subject = format!("交通违法罚款 {}", order.subject_id);
        self.app.payments().checkout(who, &order.id, &subject).await
    }
}

impl Traffic<'_> {
    /// Opens an order for a service application's fee (before it can be approved).
    pub async fn pay_application(
        &self,
        who: &Principal,
        id: &jingwu_traffic::records::ApplicationId,
        channel: &str,
        ctx: &RequestCtx,
    ) -> Result<Checkout> {
        let ttl = self.config().order_ttl.as_micros() as i64;
        super::public::must_be_citizen(who)?;
        let order = self
            .k()
            .write(who, ctx, async |tx| {
                let (a, path) = q::application(tx.db(), id.as_str())
                    .await?
                    .filter(|(a, _)| a.applicant_id.as_str() == who.user_id)
                    .ok_or(AppError::NotFound { what: "application" })?;
                authorize(who, Action::DriverSelfService, Scope::Owner { owner_id: a.applicant_id.as_str(), org_path: &path })
                    .map_err(|d| AppError::denied_object(d, "application"))?;
                if a.fee.0 == 0 || a.paid_at.is_some() {
                    return Err(AppError::Conflict { code: codes::ALREADY_PAID.code, detail: "nothing to pay".into() });
                }
                if a.status.is_final() {
                    return Err(AppError::Conflict { code: codes::APPLICATION_STATE.code, detail: "the application is closed".into() });
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
                        surcharge: jingwu_payments::Fen(0),
                        expires_at: jingwu_payments::order_expiry(now, ttl),
                    },
                )
                .await?;
                jingwu_store::payments::close_pending_orders(tx.db(), SUBJECT_APPLICATION, a.id.as_str(), order.id.as_str()).await?;
                tx.audit(
                    "traffic.application.order",
                    ("payment_order", order.id.as_str()),
                    &path,
                    serde_json::json!({ "application": a.id, "channel": channel, "amount_fen": a.fee }),
                )
                .await?;
                Ok(order)
            })
            .await?;
        let subject = format!("交管业务规费 {}", order.subject_id);
        self.app.payments().checkout(who, &order.id, &subject).await
    }
}

/// Settles what an order paid for, inside the notification's transaction. False when the
/// subject was no longer payable (revoked meanwhile): the money must be refunded.
pub(crate) async fn settle_subject(
    tx: &mut Tx,
    kind: &str,
    subject_id: &str,
    paid_at: i64,
) -> Result<bool> {
    match kind {
        SUBJECT_VIOLATION => Ok(q::pay_violation(
            tx.db(),
            subject_id,
            paid_at,
            jingwu_traffic::local_date(paid_at),
        )
        .await?),
        SUBJECT_APPLICATION => Ok(q::pay_application(tx.db(), subject_id, paid_at).await?),
        other => Err(AppError::Internal(format!(
            "no system settles orders of kind {other:?}"
        ))),
    }
}
