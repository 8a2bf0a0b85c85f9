//! The built-in sandbox channel: it plays the payment provider for demos and tests. The
//! payer's page fetches the merchant-signed request of their order, confirms, and the sandbox
//! verifies the merchant's signature, makes a transaction and sends back a notification
//! signed with its own key — which goes through the same `notify` as any channel's.

use std::collections::BTreeMap;

use jingwu_core::Principal;
use jingwu_payments::error_codes as codes;
use jingwu_payments::records::{Order, OrderId};
use jingwu_payments::{Fen, TradeStatus};
use jingwu_store::payments as q;

use super::{NotifyOutcome, Payments, SANDBOX};
use crate::{AppError, RequestCtx, Result};

/// An order and the signed request the payer takes to the channel.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub order: Order,
    pub request: BTreeMap<String, String>,
}

/// What the sandbox did with a confirmed payment.
#[derive(Debug, Clone)]
pub struct SandboxReceipt {
    pub trade_no: String,
    pub notified: NotifyOutcome,
}

fn refused(detail: impl Into<String>) -> AppError {
    AppError::Unprocessable {
        code: codes::CHANNEL_REFUSED.code,
        detail: detail.into(),
    }
}

impl Payments<'_> {
    /// The signed request of an order, for its payer.
    pub async fn checkout(&self, who: &Principal, id: &OrderId, subject: &str) -> Result<Checkout> {
        let order = self.order(who, id).await?;
        let mut conn = self.k().read().await?;
        let channel = q::channel(&mut conn, &order.channel)
            .await?
            .ok_or(AppError::NotFound {
                what: "payment channel",
            })?;
        let request = super::signed_request(&channel, &order, subject)?;
        Ok(Checkout { order, request })
    }

    /// The sandbox channel takes a confirmed payment of a merchant-signed request.
    pub async fn sandbox_pay(
        &self,
        request: &BTreeMap<String, String>,
        ctx: &RequestCtx,
    ) -> Result<SandboxReceipt> {
        let mut conn = self.k().read().await?;
        let channel = q::channel(&mut conn, SANDBOX)
            .await?
            .ok_or(AppError::NotFound {
                what: "payment channel",
            })?;
        drop(conn);
        if request.get("app_id") != Some(&channel.app_id) {
            return Err(refused("unknown app_id"));
        }
        let merchant = jingwu_payments::channel::public_key_from_pem(&channel.merchant_public_pem)
            .map_err(|e| AppError::Internal(format!("sandbox merchant key: {e}")))?;
        let r = request.clone();
        let genuine = tokio::task::spawn_blocking(move || {
            jingwu_payments::channel::verify_rsa2(&merchant, &r)
        })
        .await
        .map_err(|e| AppError::Internal(format!("signature check: {e}")))?;
        if !genuine {
            return Err(refused("the request's signature does not verify"));
        }
        let biz: serde_json::Value = request
            .get("biz_content")
            .and_then(|b| serde_json::from_str(b).ok())
            .ok_or_else(|| refused("biz_content is missing or not JSON"))?;
        let out_trade_no = biz["out_trade_no"]
            .as_str()
            .ok_or_else(|| refused("no out_trade_no"))?
            .to_owned();
        let total = biz["total_amount"]
            .as_str()
            .ok_or_else(|| refused("no total_amount"))?
            .to_owned();
        let amount: Fen = Fen::parse_yuan(&total)
            .ok()
            .ok_or_else(|| refused("total_amount is not an amount"))?;
        let now = self.k().now_us();
        let expire = biz["time_expire"]
            .as_str()
            .and_then(jingwu_payments::parse_beijing_time);
        if expire.is_some_and(|e| now > e) {
            return Err(refused("the request has expired"));
        }
        let trade_no = format!("SBX{}", jingwu_core::new_id().replace('-', ""));
        let mut n = BTreeMap::new();
        n.insert("notify_id".into(), jingwu_core::new_id());
        n.insert("notify_type".into(), "trade_status_sync".into());
        n.insert(
            "notify_time".into(),
            jingwu_payments::beijing_time_text(now),
        );
        n.insert("app_id".into(), channel.app_id.clone());
        n.insert("charset".into(), "utf-8".into());
        n.insert("version".into(), "1.0".into());
        n.insert("sign_type".into(), "RSA2".into());
        n.insert("out_trade_no".into(), out_trade_no);
        n.insert("trade_no".into(), trade_no.clone());
        n.insert("total_amount".into(), jingwu_payments::yuan_text(amount));
        n.insert("receipt_amount".into(), jingwu_payments::yuan_text(amount));
        n.insert(
            "trade_status".into(),
            TradeStatus::TradeSuccess.as_str().into(),
        );
        n.insert("gmt_create".into(), jingwu_payments::beijing_time_text(now));
        n.insert(
            "gmt_payment".into(),
            jingwu_payments::beijing_time_text(now),
        );
        let pem = channel
            .channel_private_pem
            .clone()
            .ok_or_else(|| AppError::Internal("the sandbox has no channel key".into()))?;
        let key = jingwu_payments::channel::private_key_from_pem(&pem)
            .map_err(|e| AppError::Internal(format!("sandbox channel key: {e}")))?;
        let unsigned = n.clone();
        let sign = tokio::task::spawn_blocking(move || {
            jingwu_payments::channel::sign_rsa2(&key, &unsigned)
        })
        .await
        .map_err(|e| AppError::Internal(format!("signing: {e}")))?;
        n.insert("sign".into(), sign);
        let notified = self.notify(SANDBOX, &n, ctx).await?;
        Ok(SandboxReceipt { trade_no, notified })
    }

    /// The sandbox's own signature on notification parameters, for tests that play a channel
    /// (forged, tampered and replayed notifications are built from it).
    pub async fn sandbox_sign(&self, params: &BTreeMap<String, String>) -> Result<String> {
        let mut conn = self.k().read().await?;
        let channel = q::channel(&mut conn, SANDBOX)
            .await?
            .ok_or(AppError::NotFound {
                what: "payment channel",
            })?;
        let pem = channel
            .channel_private_pem
            .ok_or_else(|| AppError::Internal("the sandbox has no channel key".into()))?;
        let key = jingwu_payments::channel::private_key_from_pem(&pem)
            .map_err(|e| AppError::Internal(format!("sandbox channel key: {e}")))?;
        Ok(jingwu_payments::channel::sign_rsa2(&key, params))
    }

    /// The sandbox channel's application id.
    pub async fn sandbox_app_id(&self) -> Result<String> {
        let mut conn = self.k().read().await?;
        Ok(q::channel(&mut conn, SANDBOX)
            .await?
            .ok_or(AppError::NotFound {
                what: "payment channel",
            })?
            .app_id)
    }
}
