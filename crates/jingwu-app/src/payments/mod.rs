//! The shared payment service: orders for fines (and, next, permit fees) paid through signed
//! payment channels. A channel speaks Alipay's open-platform style: requests signed by the
//! merchant's RSA key (RSA2, SHA256withRSA over the sorted parameter string), asynchronous
//! notifications signed by the channel's key. The notification is authoritative; it settles
//! the order and its subject in one audited transaction, idempotently on the channel's
//! transaction id, and is answered `success` only after that commit.
//!
//! The sandbox channel is built in: its key pairs are made on first start, its page lets the
//! payer confirm, and it sends back a notification signed with its own key through the same
//! verification path as a real channel's.
//!
//! Money goes back through the channel too (`refunds`): a refund is requested in the
//! transaction of the decision that causes it, and a job sends it (`alipay.trade.refund`
//! style, idempotent on our `out_request_no`), verifies the channel's signed answer, records
//! the outcome once, and backs off and retries until it gives up for staff to settle.

pub(crate) mod gateway;
mod notify;
mod reconcile;
mod refunds;
mod sandbox;

pub use notify::NotifyOutcome;
pub use refunds::{RefundListed, RefundsDone};
pub(crate) use refunds::{refund_subject, refunds_of_subject};
pub use sandbox::{Checkout, SandboxFault, SandboxReceipt};

use std::collections::BTreeMap;

use jingwu_core::{Action, OrgId, Principal, UserId};
use jingwu_payments::RetryPolicy;
use jingwu_payments::records::{Channel, Order, OrderId};
use jingwu_payments::{Fen, OrderStatus};
use jingwu_store::payments as q;

use crate::{App, AppError, Kernel, Result, Tx};

/// The built-in sandbox channel's code.
pub const SANDBOX: &str = "sandbox";

/// What a bureau chooses for the payment service.
#[derive(Debug, Clone)]
pub struct PaymentsConfig {
    /// How often the refund job looks for refunds due.
    pub refunds_every: std::time::Duration,
    /// How often and how long a failing refund is tried again.
    pub refund_retry: RetryPolicy,
}

impl Default for PaymentsConfig {
    fn default() -> Self {
        PaymentsConfig {
            refunds_every: std::time::Duration::from_secs(30),
            refund_retry: RetryPolicy::default(),
        }
    }
}

/// The payment service's state: the sandbox channel's fault switch.
#[derive(Default)]
pub(crate) struct PaymentsState {
    sandbox_fault: std::sync::Mutex<Option<SandboxFault>>,
}

/// The subjects orders pay for, and the actions whose holders (besides admins) handle their
/// money: the clerks of the system the subject belongs to.
const SUBJECT_CLERKS: [(&str, Action); 3] = [
    (crate::traffic::SUBJECT_VIOLATION, Action::ManageTraffic),
    (
        crate::traffic::SUBJECT_TRAFFIC_APPLICATION,
        Action::ManageTraffic,
    ),
    (crate::permits::SUBJECT_APPLICATION, Action::HandlePermits),
];

/// The payment service (see [`App::payments`]).
#[derive(Clone, Copy)]
pub struct Payments<'a> {
    pub(crate) app: &'a App,
}

/// What a system asks to be paid.
#[derive(Debug, Clone)]
pub struct OrderRequest<'a> {
    pub channel: &'a str,
    pub subject_kind: &'static str,
    pub subject_id: &'a str,
    pub org_id: &'a OrgId,
    pub payer: &'a UserId,
    pub fine: Fen,
    pub surcharge: Fen,
    /// Latest time the order may be paid (the system's own rule: the late fee changes at
    /// local midnight).
    pub expires_at: i64,
}

/// Settles what an order paid for, inside the notification's transaction: each system names
/// its subjects. False when the subject was settled already.
pub(crate) async fn settle_subject(
    tx: &mut Tx,
    kind: &str,
    subject_id: &str,
    paid_at: i64,
) -> Result<bool> {
    match kind {
        crate::permits::SUBJECT_APPLICATION => {
            crate::permits::settle_fee(tx, subject_id, paid_at).await
        }
        _ => crate::traffic::settle_subject(tx, kind, subject_id, paid_at).await,
    }
}

/// Records on its subject that a refund of the subject's settled fee was done, inside the
/// refund's success transaction (a refund of a payment that settled nothing leaves the subject
/// as it is).
pub(crate) async fn subject_refunded(
    tx: &mut Tx,
    order: &Order,
    refund: &jingwu_payments::records::Refund,
) -> Result<()> {
    if !refund.reason.returns_the_fee() {
        return Ok(());
    }
    if order.subject_kind == crate::permits::SUBJECT_APPLICATION {
        crate::permits::fee_refunded(tx, &order.subject_id, tx.now_us()).await?;
    }
    Ok(())
}

/// Creates an order inside the asking system's transaction.
pub(crate) async fn create_order(tx: &mut Tx, r: &OrderRequest<'_>) -> Result<Order> {
    if q::channel(tx.db(), r.channel).await?.is_none() {
        return Err(AppError::Conflict {
            code: jingwu_payments::error_codes::CHANNEL_UNKNOWN.code,
            detail: format!("no payment channel {:?}", r.channel),
        });
    }
    let amount = r
        .fine
        .checked_add(r.surcharge)
        .ok_or_else(|| AppError::Internal("amount overflow".into()))?;
    let o = Order {
        id: OrderId::new(),
        org_id: r.org_id.clone(),
        channel: r.channel.to_owned(),
        subject_kind: r.subject_kind.to_owned(),
        subject_id: r.subject_id.to_owned(),
        payer_id: r.payer.clone(),
        fine: r.fine,
        surcharge: r.surcharge,
        amount,
        status: OrderStatus::Pending,
        created_at: tx.now_us(),
        expires_at: r.expires_at,
        trade_no: None,
        paid_at: None,
        settled_at: None,
        refunded: Fen::ZERO,
    };
    q::insert_order(tx.db(), &o).await?;
    Ok(o)
}

/// The request a payer's browser takes to the channel: our parameters, signed with the
/// merchant key.
pub(crate) fn signed_request(
    channel: &Channel,
    o: &Order,
    subject: &str,
) -> Result<BTreeMap<String, String>> {
    let pem = channel.merchant_private_pem.as_deref().ok_or_else(|| {
        AppError::Internal(format!("no merchant key for channel {}", channel.code))
    })?;
    let key = jingwu_payments::channel::private_key_from_pem(pem)
        .map_err(|e| AppError::Internal(format!("merchant key of {}: {e}", channel.code)))?;
    let biz = serde_json::json!({
        "out_trade_no": o.id,
        "total_amount": jingwu_payments::yuan_text(o.amount),
        "subject": subject,
        "product_code": "FAST_INSTANT_TRADE_PAY",
        "time_expire": jingwu_payments::beijing_time_text(o.expires_at),
    });
    let mut p = BTreeMap::new();
    p.insert("app_id".into(), channel.app_id.clone());
    p.insert("method".into(), "alipay.trade.page.pay".into());
    p.insert("charset".into(), "utf-8".into());
    p.insert("sign_type".into(), "RSA2".into());
    p.insert("version".into(), "1.0".into());
    p.insert(
        "timestamp".into(),
        jingwu_payments::beijing_time_text(o.created_at),
    );
    p.insert("biz_content".into(), biz.to_string());
    let sign = jingwu_payments::channel::sign_rsa2(&key, &p);
    p.insert("sign".into(), sign);
    Ok(p)
}

impl Payments<'_> {
    fn k(&self) -> &Kernel {
        self.app.kernel()
    }

    /// Makes the sandbox channel's key pairs if this database has none yet (first start).
    pub async fn ensure_sandbox(&self) -> Result<()> {
        let mut conn = self.k().read().await?;
        if q::channel(&mut conn, SANDBOX).await?.is_some() {
            return Ok(());
        }
        let root = jingwu_store::foundation::orgs::root(&mut conn).await?;
        drop(conn);
        let (root_id, root_path) = root.map_or((String::new(), "/".to_owned()), |o| (o.id, o.path));
        let keys = tokio::task::spawn_blocking(|| {
            let mut rng = rand::thread_rng();
            (
                jingwu_payments::channel::generate_key(&mut rng),
                jingwu_payments::channel::generate_key(&mut rng),
            )
        })
        .await
        .map_err(|e| AppError::Internal(format!("key generation: {e}")))?;
        let (merchant, channel) = keys;
        let pem = |k| jingwu_payments::channel::private_key_to_pem(k);
        let c = Channel {
            code: SANDBOX.into(),
            app_id: format!("2026{}", &jingwu_core::new_id().replace('-', "")[20..32]),
            merchant_public_pem: jingwu_payments::channel::public_key_to_pem(
                &merchant.to_public_key(),
            ),
            merchant_private_pem: Some(pem(&merchant)),
            channel_public_pem: jingwu_payments::channel::public_key_to_pem(
                &channel.to_public_key(),
            ),
            channel_private_pem: Some(pem(&channel)),
            // Called in process (see `gateway`).
            gateway_url: None,
            created_at: self.k().now_us(),
        };
        let who = Principal::system(&root_id, &root_path);
        self.k()
            .write(&who, &crate::RequestCtx::cli(), async |tx| {
                if q::channel(tx.db(), SANDBOX).await?.is_some() {
                    return Ok(()); // made by a concurrent start
                }
                q::insert_channel(tx.db(), &c).await?;
                // Keys are secrets: the entry names the channel and its public keys only.
                tx.audit(
                    "payments.channel.create",
                    ("payment_channel", SANDBOX),
                    &root_path,
                    serde_json::json!({ "app_id": c.app_id, "merchant_public_pem": c.merchant_public_pem,
                        "channel_public_pem": c.channel_public_pem }),
                )
                .await
            })
            .await
    }

    /// An order with its refunds, for its payer or staff of the org it is paid to.
    pub async fn order_with_refunds(
        &self,
        who: &Principal,
        id: &OrderId,
    ) -> Result<(Order, Vec<jingwu_payments::records::Refund>)> {
        let order = self.order(who, id).await?;
        let mut conn = self.k().read().await?;
        let refunds = q::refunds::of_order(&mut conn, id.as_str()).await?;
        Ok((order, refunds))
    }

    /// Sets where requests to a channel are posted: an `http://` URL of its gateway (put a TLS
    /// proxy in front of an `https://` one), or `None` for the built-in sandbox, which is then
    /// called in process. Admins of the whole jurisdiction only.
    pub async fn set_gateway(
        &self,
        who: &Principal,
        channel: &str,
        url: Option<&str>,
        ctx: &crate::RequestCtx,
    ) -> Result<()> {
        let mut conn = self.k().read().await?;
        let root = jingwu_store::foundation::orgs::root(&mut conn)
            .await?
            .ok_or(AppError::NotFound {
                what: "jurisdiction",
            })?;
        drop(conn);
        // A channel serves the whole bureau: admins of the root only.
        if who.role != jingwu_core::Role::Admin {
            return Err(AppError::Forbidden(format!(
                "the role {} may not configure payment channels",
                who.role.as_str()
            )));
        }
        jingwu_core::authorize(
            who,
            Action::ManageTraffic,
            jingwu_core::Scope::Org(&root.path),
        )
        .map_err(AppError::denied_scope)?;
        if let Some(u) = url
            && gateway::http_target(u).is_err()
        {
            return Err(AppError::invalid(
                "gateway_url",
                jingwu_payments::error_codes::field::GATEWAY_URL.code,
                "an http:// URL with a host",
            ));
        }
        if url.is_none() && channel != SANDBOX {
            return Err(AppError::invalid(
                "gateway_url",
                jingwu_payments::error_codes::field::GATEWAY_URL.code,
                "only the built-in sandbox is called in process",
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                if !q::set_gateway(tx.db(), channel, url).await? {
                    return Err(AppError::NotFound {
                        what: "payment channel",
                    });
                }
                tx.audit(
                    "payments.channel.gateway",
                    ("payment_channel", channel),
                    &root.path,
                    serde_json::json!({ "gateway_url": url }),
                )
                .await
            })
            .await
    }

    /// An order, for its payer or staff of the org it is paid to.
    pub async fn order(&self, who: &Principal, id: &OrderId) -> Result<Order> {
        let mut conn = self.k().read().await?;
        let (o, path) = q::order(&mut conn, id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "order" })?;
        jingwu_core::authorize(
            who,
            jingwu_core::Action::ReadTraffic,
            jingwu_core::Scope::Owner {
                owner_id: o.payer_id.as_str(),
                org_path: &path,
            },
        )
        .map_err(|d| AppError::denied_object(d, "order"))?;
        // A pending order past its expiry can no longer be paid: say so (its row changes only
        // when something is written to it).
        if o.status == OrderStatus::Pending && self.k().now_us() > o.expires_at {
            return Ok(Order {
                status: OrderStatus::Expired,
                ..o
            });
        }
        Ok(o)
    }
}

impl App {
    /// Online payment of fines and fees.
    pub fn payments(&self) -> Payments<'_> {
        Payments { app: self }
    }
}
