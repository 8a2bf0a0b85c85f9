//! The built-in sandbox channel: it plays the payment provider for demos and tests. The
//! payer's page fetches the merchant-signed request of their order, confirms, and the sandbox
//! verifies the merchant's signature, books the trade in its own ledger (one per order) and
//! sends back a notification signed with its own key — which goes through the same `notify` as any
//! channel's.
//!
//! Its gateway takes `alipay.trade.refund` requests (`sandbox_gateway`, in process or over
//! `POST /api/v1/payments/sandbox/gateway`): it verifies the merchant's signature, refunds out
//! of the trade at most what it paid in all, once per `out_request_no` (the same request again
//! answers the same, `fund_change` `N`), keeps the refund in its ledger, and signs its answer
//! with its own key. A fault can be switched on for tests of what a real channel may do
//! ([`SandboxFault`]).

use std::collections::BTreeMap;

use jingwu_core::Principal;
use jingwu_payments::error_codes as codes;
use jingwu_payments::records::{Order, OrderId};
use jingwu_payments::refund::{CODE_OK, METHOD, RESPONSE_KEY};
use jingwu_payments::{Fen, TradeStatus};
use jingwu_store::payments as q;
use jingwu_store::payments::sandbox::{self as ledger, SandboxRefund, SandboxTrade};

use super::{NotifyOutcome, Payments, SANDBOX};
use crate::{AppError, RequestCtx, Result};

/// A fault the sandbox's gateway shows while it is switched on ([`Payments::sandbox_fault`]),
/// as a real channel may: for tests of retries and of answers that must not be believed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SandboxFault {
    /// Refuses every refund with a system error (`40004 ACQ.SYSTEM_ERROR`), refunding nothing.
    Refuse,
    /// Refunds, but signs its answer with a key that is not the channel's (as a forger or a
    /// misconfigured proxy would).
    BadSignature,
}

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
        if amount.0 <= 0 {
            return Err(refused("total_amount must be more than zero"));
        }
        // The channel books the money first, whatever the merchant then says about it.
        let trade = SandboxTrade {
            trade_no: trade_no.clone(),
            app_id: channel.app_id.clone(),
            out_trade_no: out_trade_no.clone(),
            amount,
            refunded: Fen::ZERO,
            paid_at: now,
        };
        let (who, path) = self.channel_principal().await?;
        let paid_already = || refused("the order is paid already");
        self.k()
            .write(&who, ctx, async |tx| {
                // One payment per order, as a provider takes it (`UNIQUE (app_id, out_trade_no)`
                // answers a concurrent second one).
                if !ledger::trades_of_order(tx.db(), &trade.out_trade_no)
                    .await?
                    .is_empty()
                {
                    return Err(paid_already());
                }
                ledger::insert_trade(tx.db(), &trade).await.map_err(|e| {
                    if e.is_unique_violation() {
                        paid_already()
                    } else {
                        e.into()
                    }
                })?;
                tx.audit(
                    "payments.sandbox.trade",
                    ("payment_sandbox_trade", trade.trade_no.as_str()),
                    &path,
                    serde_json::json!({ "out_trade_no": trade.out_trade_no,
                        "amount_fen": trade.amount }),
                )
                .await
            })
            .await?;
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

    /// The sandbox's principal for its own ledger and the root org's path its entries go to.
    async fn channel_principal(&self) -> Result<(Principal, String)> {
        let mut conn = self.k().read().await?;
        let root = jingwu_store::foundation::orgs::root(&mut conn).await?;
        let (root_id, root_path) = root.map_or((String::new(), "/".to_owned()), |o| (o.id, o.path));
        let who = Principal {
            user_id: format!("payment-channel:{SANDBOX}"),
            username: format!("payment-channel:{SANDBOX}"),
            ..Principal::system(&root_id, &root_path)
        };
        Ok((who, root_path))
    }

    /// Switches a fault of the sandbox's gateway on (`Some`) or off (`None`).
    pub fn sandbox_fault(&self, fault: Option<SandboxFault>) {
        if let Ok(mut f) = self.app.payments_state().sandbox_fault.lock() {
            *f = fault;
        }
    }

    fn current_fault(&self) -> Option<SandboxFault> {
        self.app
            .payments_state()
            .sandbox_fault
            .lock()
            .ok()
            .and_then(|f| *f)
    }

    /// The sandbox's gateway: answers a merchant-signed request (form parameters) with the
    /// JSON body a channel sends, its response member signed with the sandbox's key. Refunds
    /// only (`alipay.trade.refund`); any refusal is an answer too, as a channel gives it.
    pub async fn sandbox_gateway(
        &self,
        params: &BTreeMap<String, String>,
        ctx: &RequestCtx,
    ) -> Result<String> {
        let mut conn = self.k().read().await?;
        let channel = q::channel(&mut conn, SANDBOX)
            .await?
            .ok_or(AppError::NotFound {
                what: "payment channel",
            })?;
        drop(conn);
        let fault = self.current_fault();
        let content = self.sandbox_answer(&channel, params, fault, ctx).await?;
        // The channel's key, or under `BadSignature` the merchant's: a signature that does
        // not verify with the channel's public key.
        let pem = match fault {
            Some(SandboxFault::BadSignature) => channel.merchant_private_pem.clone(),
            _ => channel.channel_private_pem.clone(),
        }
        .ok_or_else(|| AppError::Internal("the sandbox has no signing key".into()))?;
        let key = jingwu_payments::channel::private_key_from_pem(&pem)
            .map_err(|e| AppError::Internal(format!("sandbox key: {e}")))?;
        let text = content.to_string();
        let signed = text.clone();
        let sign = tokio::task::spawn_blocking(move || {
            jingwu_payments::channel::sign_rsa2_text(&key, &signed)
        })
        .await
        .map_err(|e| AppError::Internal(format!("signing: {e}")))?;
        Ok(format!(
            "{{\"{RESPONSE_KEY}\":{text},\"sign\":{}}}",
            serde_json::Value::from(sign)
        ))
    }

    /// The response member of the gateway's answer to `params`.
    async fn sandbox_answer(
        &self,
        channel: &jingwu_payments::records::Channel,
        params: &BTreeMap<String, String>,
        fault: Option<SandboxFault>,
        ctx: &RequestCtx,
    ) -> Result<serde_json::Value> {
        let fail = |code: &str, msg: &str, sub: &str, sub_msg: &str| serde_json::json!({ "code": code, "msg": msg, "sub_code": sub, "sub_msg": sub_msg });
        let invalid = |sub: &str, sub_msg: &str| fail("40002", "Invalid Arguments", sub, sub_msg);
        let refused = |sub: &str, sub_msg: &str| fail("40004", "Business Failed", sub, sub_msg);
        if params.get("app_id") != Some(&channel.app_id) {
            return Ok(invalid("isv.invalid-app-id", "无效的AppID参数"));
        }
        if params.get("method").map(String::as_str) != Some(METHOD) {
            return Ok(invalid("isv.invalid-method", "不存在的方法名"));
        }
        let merchant = jingwu_payments::channel::public_key_from_pem(&channel.merchant_public_pem)
            .map_err(|e| AppError::Internal(format!("sandbox merchant key: {e}")))?;
        let p = params.clone();
        let genuine = tokio::task::spawn_blocking(move || {
            jingwu_payments::channel::verify_rsa2(&merchant, &p)
        })
        .await
        .map_err(|e| AppError::Internal(format!("signature check: {e}")))?;
        if !genuine {
            return Ok(invalid("isv.invalid-signature", "验签出错"));
        }
        if fault == Some(SandboxFault::Refuse) {
            return Ok(refused("ACQ.SYSTEM_ERROR", "系统错误"));
        }
        let biz: Option<serde_json::Value> = params
            .get("biz_content")
            .and_then(|b| serde_json::from_str(b).ok());
        let field = |k: &str| {
            biz.as_ref()
                .and_then(|b| b[k].as_str())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .map(str::to_owned)
        };
        let (Some(request_no), Some(amount)) = (
            field("out_request_no"),
            field("refund_amount").and_then(|a| Fen::parse_yuan(&a).ok()),
        ) else {
            return Ok(refused("ACQ.INVALID_PARAMETER", "参数无效"));
        };
        if amount.0 <= 0 || request_no.len() > 64 {
            return Ok(refused("ACQ.INVALID_PARAMETER", "参数无效"));
        }
        let mut conn = self.k().read().await?;
        let trade = match (field("trade_no"), field("out_trade_no")) {
            (Some(t), out) => ledger::trade_by_no(&mut conn, &t)
                .await?
                .filter(|t| out.is_none_or(|o| o == t.out_trade_no)),
            (None, Some(o)) => ledger::trades_of_order(&mut conn, &o)
                .await?
                .into_iter()
                .next(),
            (None, None) => None,
        };
        drop(conn);
        let Some(trade) = trade.filter(|t| t.app_id == channel.app_id) else {
            return Ok(refused("ACQ.TRADE_NOT_EXIST", "交易不存在"));
        };
        let reason = field("refund_reason").unwrap_or_default();
        let refund = SandboxRefund {
            refund_id: format!("SBR{}", jingwu_core::new_id().replace('-', "")),
            trade_no: trade.trade_no.clone(),
            out_request_no: request_no.clone(),
            amount,
            reason,
            refunded_at: self.k().now_us(),
        };
        let (who, path) = self.channel_principal().await?;
        // Once per request number: a repeat finds the refund and answers the same (the write
        // refuses a request number booked meanwhile, and the repeat is read after it).
        let repeat = || AppError::NotFound {
            what: "new sandbox refund",
        };
        let written = self
            .k()
            .write(&who, ctx, async |tx| {
                if ledger::refund_of_request(tx.db(), &trade.trade_no, &request_no)
                    .await?
                    .is_some()
                {
                    return Err(repeat());
                }
                if !ledger::insert_refund(tx.db(), &refund).await? {
                    return Err(AppError::Conflict {
                        code: codes::REFUND_EXCEEDS.code,
                        detail: "beyond what the trade paid".into(),
                    });
                }
                tx.audit(
                    "payments.sandbox.refund",
                    ("payment_sandbox_refund", refund.refund_id.as_str()),
                    &path,
                    serde_json::json!({ "trade_no": refund.trade_no,
                        "out_request_no": refund.out_request_no, "amount_fen": refund.amount }),
                )
                .await
            })
            .await;
        let (paid, moved) = match written {
            Ok(()) => (refund, true),
            Err(AppError::NotFound {
                what: "new sandbox refund",
            }) => {
                let mut conn = self.k().read().await?;
                let before = ledger::refund_of_request(&mut conn, &trade.trade_no, &request_no)
                    .await?
                    .ok_or_else(repeat)?;
                (before, false)
            }
            Err(AppError::Conflict { code, .. }) if code == codes::REFUND_EXCEEDS.code => {
                return Ok(refused("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL", "退款金额超限"));
            }
            Err(e) => return Err(e),
        };
        if paid.amount != amount {
            return Ok(refused("ACQ.DISCORDANT_REPEAT_REQUEST", "不一致的请求"));
        }
        let mut conn = self.k().read().await?;
        let total = ledger::trade_by_no(&mut conn, &trade.trade_no)
            .await?
            .map_or(paid.amount, |t| t.refunded);
        Ok(serde_json::json!({
            "code": CODE_OK,
            "msg": "Success",
            "trade_no": trade.trade_no,
            "out_trade_no": trade.out_trade_no,
            "buyer_logon_id": "sandbox***@example.com",
            "fund_change": if moved { "Y" } else { "N" },
            "refund_fee": total.yuan_text(),
            "send_back_fee": paid.amount.yuan_text(),
            "gmt_refund_pay": jingwu_payments::beijing_time_text(paid.refunded_at),
            "refund_id": paid.refund_id,
        }))
    }

    /// The refunds the sandbox paid on one of our orders, from its own ledger: what moved.
    pub async fn sandbox_refunds(&self, out_trade_no: &str) -> Result<Vec<SandboxRefund>> {
        let mut conn = self.k().read().await?;
        let mut out = Vec::new();
        for t in ledger::trades_of_order(&mut conn, out_trade_no).await? {
            out.extend(ledger::refunds_of_trade(&mut conn, &t.trade_no).await?);
        }
        Ok(out)
    }

    /// The sandbox's statement of one Asia/Shanghai day, as `reconcile` reads it: the trades
    /// it took and the refunds it paid that day.
    pub async fn sandbox_statement(&self, day: jiff::civil::Date) -> Result<String> {
        let from = jingwu_payments::local_midnight(day);
        let to = jingwu_payments::next_local_midnight(from);
        let mut conn = self.k().read().await?;
        let (trades, refunds) = ledger::statement(&mut conn, from, to).await?;
        let mut out = jingwu_payments::reconcile::STATEMENT_HEADER.join(",");
        out.push('\n');
        for t in trades {
            out.push_str(&format!(
                "{},{},{},{},\n",
                t.trade_no,
                t.out_trade_no,
                t.amount.yuan_text(),
                TradeStatus::TradeSuccess.as_str()
            ));
        }
        for (r, t) in refunds {
            out.push_str(&format!(
                "{},{},{},{},{}\n",
                t.trade_no,
                t.out_trade_no,
                r.amount.yuan_text(),
                jingwu_payments::reconcile::REFUND_SUCCESS,
                r.out_request_no
            ));
        }
        Ok(out)
    }
}
