//! A channel's asynchronous notification: verified, checked against the order, applied once.

use std::collections::BTreeMap;

use jingwu_core::Principal;
use jingwu_payments::error_codes as codes;
use jingwu_payments::records::Order;
use jingwu_payments::{NotifyCheck, NotifyRejection, OrderFacts};
use jingwu_store::payments as q;

use super::Payments;
use crate::{AppError, RequestCtx, Result};

/// What a verified notification did. Both are answered with the channel's acknowledgement.
#[derive(Debug, Clone)]
pub enum NotifyOutcome {
    /// This notification paid the order (and its subject).
    Settled(Order),
    /// The order was paid by this same transaction before: nothing changed.
    AlreadySettled(Order),
}

fn rejected(channel: &str, out_trade_no: Option<&str>, r: NotifyRejection) -> AppError {
    // Logged for the reconciliation clerk; the parameters themselves (and the signature) are not.
    tracing::warn!(
        channel,
        out_trade_no,
        reason = r.as_str(),
        "payment notification rejected"
    );
    AppError::Unprocessable {
        code: codes::NOTIFY_REJECTED.code,
        detail: format!("{}: {}", r.as_str(), r.label_en()),
    }
}

impl Payments<'_> {
    /// Handles a notification from `channel_code` (its form parameters). A forged, tampered,
    /// replayed-onto-another-order or wrong-amount notification changes nothing.
    pub async fn notify(
        &self,
        channel_code: &str,
        params: &BTreeMap<String, String>,
        ctx: &RequestCtx,
    ) -> Result<NotifyOutcome> {
        let mut conn = self.k().read().await?;
        let channel = q::channel(&mut conn, channel_code)
            .await?
            .ok_or(AppError::NotFound {
                what: "payment channel",
            })?;
        let root = jingwu_store::foundation::orgs::root(&mut conn).await?;
        drop(conn);
        let out_trade_no = params.get("out_trade_no").map(String::as_str);
        let key = jingwu_payments::channel::public_key_from_pem(&channel.channel_public_pem)
            .map_err(|e| AppError::Internal(format!("channel key of {channel_code}: {e}")))?;
        // RSA verification is slow work: before the transaction.
        let p = params.clone();
        let genuine =
            tokio::task::spawn_blocking(move || jingwu_payments::channel::verify_rsa2(&key, &p))
                .await
                .map_err(|e| AppError::Internal(format!("signature check: {e}")))?;
        if !genuine {
            return Err(rejected(
                channel_code,
                out_trade_no,
                NotifyRejection::BadSignature,
            ));
        }
        let n = jingwu_payments::parse_notification(params)
            .map_err(|r| rejected(channel_code, out_trade_no, r))?;
        let (root_id, root_path) = root.map_or((String::new(), "/".to_owned()), |o| (o.id, o.path));
        let who = Principal {
            user_id: format!("payment-channel:{channel_code}"),
            username: format!("payment-channel:{channel_code}"),
            ..Principal::system(&root_id, &root_path)
        };
        let now = self.k().now_us();
        // Every rule here is a conditional update of the order and its subject (settled from
        // pending once, `trade_no` unique): the guarded write door.
        let outcome = self
            .k()
            .write_guarded(&who, ctx, async |tx| {
                let found = q::order(tx.db(), &n.out_trade_no).await?;
                let facts = found.as_ref().map(|(o, _)| OrderFacts {
                    status: o.status,
                    amount: o.amount,
                    expires_at: o.expires_at,
                    trade_no: o.trade_no.clone(),
                });
                match jingwu_payments::check_notification(&channel.app_id, facts.as_ref(), &n) {
                    NotifyCheck::Reject(r) => Err(rejected(channel_code, Some(&n.out_trade_no), r)),
                    NotifyCheck::AlreadySettled => Err(AppError::Conflict {
                        code: codes::ALREADY_SETTLED.code,
                        detail: "settled by this transaction before".into(),
                    }),
                    NotifyCheck::Settle => {
                        let Some((order, path)) = found else {
                            return Err(rejected(
                                channel_code,
                                Some(&n.out_trade_no),
                                NotifyRejection::UnknownOrder,
                            ));
                        };
                        let paid_at = n.gmt_payment.unwrap_or(now);
                        if !q::settle_order(tx.db(), order.id.as_str(), &n.trade_no, paid_at, now)
                            .await?
                        {
                            return Err(AppError::Conflict {
                                code: codes::ALREADY_SETTLED.code,
                                detail: "the order is not pending".into(),
                            });
                        }
                        q::close_pending_orders(
                            tx.db(),
                            &order.subject_kind,
                            &order.subject_id,
                            order.id.as_str(),
                        )
                        .await?;
                        let subject_settled = super::settle_subject(
                            tx,
                            &order.subject_kind,
                            &order.subject_id,
                            paid_at,
                        )
                        .await?;
                        tx.audit(
                            "payments.order.settle",
                            ("payment_order", order.id.as_str()),
                            &path,
                            serde_json::json!({ "channel": channel_code, "trade_no": n.trade_no,
                                "amount_fen": order.amount, "paid_at": paid_at,
                                "subject": order.subject_kind, "subject_id": order.subject_id,
                                "needs_refund": !subject_settled }),
                        )
                        .await?;
                        let paid = Order {
                            status: jingwu_payments::OrderStatus::Paid,
                            trade_no: Some(n.trade_no.clone()),
                            paid_at: Some(paid_at),
                            settled_at: Some(now),
                            ..order
                        };
                        if !subject_settled {
                            // Paid for a subject closed (withdrawn, rejected, revoked) or paid by
                            // another order meanwhile: the money goes back, requested in this
                            // very transaction.
                            super::refunds::request_refund(
                                tx,
                                &paid,
                                &path,
                                paid.amount,
                                jingwu_payments::RefundReason::NotSettled,
                            )
                            .await?;
                        }
                        Ok(Order {
                            refunded: if subject_settled {
                                paid.refunded
                            } else {
                                paid.amount
                            },
                            ..paid
                        })
                    }
                }
            })
            .await;
        match outcome {
            Ok(o) => Ok(NotifyOutcome::Settled(o)),
            Err(AppError::Conflict { code, .. }) if code == codes::ALREADY_SETTLED.code => {
                let mut conn = self.k().read().await?;
                let (o, _) = q::order(&mut conn, &n.out_trade_no)
                    .await?
                    .ok_or(AppError::NotFound { what: "order" })?;
                if o.trade_no.as_deref() == Some(n.trade_no.as_str()) {
                    Ok(NotifyOutcome::AlreadySettled(o))
                } else {
                    Err(rejected(
                        channel_code,
                        Some(&n.out_trade_no),
                        NotifyRejection::OtherTrade,
                    ))
                }
            }
            Err(e) => Err(e),
        }
    }
}
