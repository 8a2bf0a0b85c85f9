//! Refunds through the channel. A refund is requested inside the transaction of the decision
//! that causes it (outbox pattern: a rejected or withdrawn application, a payment that settled
//! nothing), never more than the order paid minus earlier refunds. The refund job, run every
//! `refunds_every` by one task per node and safe on several, sends what is due: it takes an
//! attempt by a conditional update (so one run calls the channel for it), signs the request
//! with the merchant key, verifies the channel's signed answer, and records the outcome by a
//! conditional update on the attempt — success once, or the error, backing off until the last
//! attempt, after which the refund is `failed_final` and listed for staff. The channel is
//! idempotent on `out_request_no`, so an attempt whose answer was lost or not believed is
//! simply sent again and refunds once.

use jingwu_core::{Principal, Role};
use jingwu_payments::records::{Order, Refund, RefundId};
use jingwu_payments::refund::{RefundAsk, RefundVerdict, read_answer, request_params};
use jingwu_payments::{Fen, RefundReason, RefundStatus};
use jingwu_store::payments::{self as q, refunds as rq};

use super::{Payments, SUBJECT_CLERKS};
use crate::{AppError, RequestCtx, Result, Tx};

/// Refunds one pass takes (the next pass takes the rest).
const BATCH: i64 = 100;
/// The longest staff list.
const LIST_LIMIT: i64 = 500;

/// What one pass of the refund job did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RefundsDone {
    /// Calls of the channel made.
    pub sent: usize,
    /// Refunds recorded done.
    pub succeeded: usize,
    /// Attempts that failed and will be tried again.
    pub retried: usize,
    /// Refunds given up (`failed_final`).
    pub failed: usize,
}

/// A refund with the order it pays back (staff's list).
#[derive(Debug, Clone)]
pub struct RefundListed {
    pub refund: Refund,
    pub order: Order,
}

/// Our refund number for the channel: the refund's id without its dashes (at most 64
/// characters, letters and digits).
fn out_request_no(id: &RefundId) -> String {
    format!("RF{}", id.as_str().replace('-', ""))
}

/// Requests a refund of `amount` of the paid `order` (paid to the org unit at `path`) in the
/// caller's transaction. 409 `payment_refund_exceeds` when the order is not paid or the amount
/// is more than it paid minus its earlier refunds.
pub(crate) async fn request_refund(
    tx: &mut Tx,
    order: &Order,
    path: &str,
    amount: Fen,
    reason: RefundReason,
) -> Result<Refund> {
    let exceeds = || AppError::Conflict {
        code: jingwu_payments::error_codes::REFUND_EXCEEDS.code,
        detail: format!(
            "{amount} is more than order {} has left to refund",
            order.id
        ),
    };
    if amount.0 <= 0 || !rq::reserve(tx.db(), order.id.as_str(), amount).await? {
        return Err(exceeds());
    }
    let now = tx.now_us();
    let id = RefundId::new();
    let r = Refund {
        out_request_no: out_request_no(&id),
        id,
        order_id: order.id.clone(),
        amount,
        reason,
        status: RefundStatus::Requested,
        attempts: 0,
        next_attempt_at: now,
        last_error: None,
        channel_refund_id: None,
        requested_at: now,
        done_at: None,
    };
    rq::insert(tx.db(), &r).await?;
    tx.audit(
        "payments.refund.request",
        ("payment_refund", r.id.as_str()),
        path,
        serde_json::json!({ "order": order.id, "out_request_no": r.out_request_no,
            "amount_fen": amount, "reason": reason, "subject": order.subject_kind,
            "subject_id": order.subject_id }),
    )
    .await?;
    Ok(r)
}

/// Requests the refund of what is left of every paid order of a subject (its settled fee; a
/// second payment was refunded when it arrived), in the caller's transaction: a rejected or
/// withdrawn application whose fee is returned.
pub(crate) async fn refund_subject(
    tx: &mut Tx,
    kind: &str,
    subject_id: &str,
    path: &str,
    reason: RefundReason,
) -> Result<Vec<Refund>> {
    let mut out = Vec::new();
    for o in q::orders_for(tx.db(), kind, subject_id).await? {
        let left = Fen(o.amount.0 - o.refunded.0);
        if o.status == jingwu_payments::OrderStatus::Paid && left.0 > 0 {
            out.push(request_refund(tx, &o, path, left, reason).await?);
        }
    }
    Ok(out)
}

/// The refunds of a subject's orders, oldest first (for the subject's views).
pub(crate) async fn refunds_of_subject(
    conn: &mut impl jingwu_store::Conn,
    kind: &str,
    subject_id: &str,
) -> Result<Vec<Refund>> {
    Ok(rq::of_subject(conn, kind, subject_id).await?)
}

/// What taking an attempt gave.
#[derive(Debug)]
enum Claim {
    /// Call the channel: the refund as claimed, its order and the order's org path.
    Send(Box<(Refund, Order, String)>),
    /// Its attempts were used up without an outcome recorded (a node stopped mid-call).
    GaveUp,
}

/// How an attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    Succeeded,
    Retried,
    Failed,
    /// Another run recorded it first.
    Raced,
}

fn taken() -> AppError {
    // Nothing to do (another run has it, or it moved on): no write, no audit entry.
    AppError::NotFound { what: "due refund" }
}

impl Payments<'_> {
    /// Starts the refund job.
    pub fn spawn_refund_jobs(&self) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        let every = self.app.kernel().config().payments.refunds_every;
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.payments().run_refunds().await {
                    tracing::warn!(error = %e, "refund job failed");
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    /// One pass of the refund job: every refund due now is sent once.
    pub async fn run_refunds(&self) -> Result<RefundsDone> {
        let mut conn = self.k().read().await?;
        let Some(root) = jingwu_store::foundation::orgs::root(&mut conn).await? else {
            return Ok(RefundsDone::default());
        };
        let due = rq::due(&mut conn, self.k().now_us(), BATCH).await?;
        drop(conn);
        let system = Principal::system(root.id.as_str(), &root.path);
        let ctx = RequestCtx {
            request_id: format!("job-{}", jingwu_core::new_id()),
            client_addr: None,
        };
        let mut done = RefundsDone::default();
        for r in due {
            let ended = match self.attempt(&system, &ctx, &r.id, &mut done).await {
                Ok(e) => e,
                Err(e) => {
                    // One refund's trouble (a database error) must not stop the others.
                    tracing::warn!(refund = %r.id, error = %e, "refund attempt failed");
                    continue;
                }
            };
            match ended {
                Ended::Succeeded => done.succeeded += 1,
                Ended::Retried => done.retried += 1,
                Ended::Failed => done.failed += 1,
                Ended::Raced => {}
            }
        }
        Ok(done)
    }

    async fn attempt(
        &self,
        system: &Principal,
        ctx: &RequestCtx,
        id: &RefundId,
        done: &mut RefundsDone,
    ) -> Result<Ended> {
        let policy = self.app.kernel().config().payments.refund_retry;
        // Every rule here is a conditional update of the refund row: the guarded door.
        let claimed = self
            .k()
            .write_guarded(system, ctx, async |tx| {
                let r = rq::refund(tx.db(), id.as_str()).await?.ok_or_else(taken)?;
                let (order, path) = q::order(tx.db(), r.order_id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "order" })?;
                let now = tx.now_us();
                if r.status != RefundStatus::Requested || r.next_attempt_at > now {
                    return Err(taken());
                }
                if !policy.may_try(r.attempts) {
                    let error = "no outcome recorded after the last attempt";
                    if !rq::fail(tx.db(), id.as_str(), r.attempts, error, true, now).await? {
                        return Err(taken());
                    }
                    tx.audit(
                        "payments.refund.give_up",
                        ("payment_refund", id.as_str()),
                        &path,
                        serde_json::json!({ "attempts": r.attempts, "error": error }),
                    )
                    .await?;
                    return Ok(Claim::GaveUp);
                }
                let attempts = r.attempts + 1;
                let next = policy.retry_at(now, attempts);
                if !rq::claim(tx.db(), id.as_str(), r.attempts, now, next).await? {
                    return Err(taken());
                }
                tx.audit(
                    "payments.refund.attempt",
                    ("payment_refund", id.as_str()),
                    &path,
                    serde_json::json!({ "attempt": attempts, "out_request_no": r.out_request_no,
                        "amount_fen": r.amount, "retry_at": next }),
                )
                .await?;
                let claimed = Refund {
                    attempts,
                    next_attempt_at: next,
                    ..r
                };
                Ok(Claim::Send(Box::new((claimed, order, path))))
            })
            .await;
        let (refund, order, path) = match claimed {
            Ok(Claim::Send(c)) => *c,
            Ok(Claim::GaveUp) => return Ok(Ended::Failed),
            Err(AppError::NotFound { what: "due refund" }) => return Ok(Ended::Raced),
            Err(e) => return Err(e),
        };
        done.sent += 1;
        let verdict = self.send(&order, &refund, ctx).await;
        let outcome = self
            .k()
            .write_guarded(system, ctx, async |tx| match &verdict {
                RefundVerdict::Done {
                    fund_change,
                    refunded_total,
                    channel_refund_id,
                } => {
                    let now = tx.now_us();
                    if !rq::succeed(
                        tx.db(),
                        refund.id.as_str(),
                        channel_refund_id.as_deref(),
                        now,
                    )
                    .await?
                    {
                        return Err(taken());
                    }
                    super::subject_refunded(tx, &order, &refund).await?;
                    tx.audit(
                        "payments.refund.succeed",
                        ("payment_refund", refund.id.as_str()),
                        &path,
                        serde_json::json!({ "attempt": refund.attempts, "amount_fen": refund.amount,
                            "fund_change": fund_change, "refunded_total_fen": refunded_total,
                            "channel_refund_id": channel_refund_id,
                            "subject": order.subject_kind, "subject_id": order.subject_id }),
                    )
                    .await?;
                    Ok(Ended::Succeeded)
                }
                other => {
                    let (error, final_) = match other {
                        RefundVerdict::Final(e) => (e.clone(), true),
                        RefundVerdict::Retry(e) => (e.clone(), false),
                        _ => (
                            "bad_signature: the answer is not signed by the channel's key"
                                .to_owned(),
                            false,
                        ),
                    };
                    let give_up = final_ || !policy.may_try(refund.attempts);
                    let now = tx.now_us();
                    if !rq::fail(
                        tx.db(),
                        refund.id.as_str(),
                        refund.attempts,
                        &error,
                        give_up,
                        now,
                    )
                    .await?
                    {
                        return Err(taken());
                    }
                    tx.audit(
                        if give_up {
                            "payments.refund.give_up"
                        } else {
                            "payments.refund.fail"
                        },
                        ("payment_refund", refund.id.as_str()),
                        &path,
                        serde_json::json!({ "attempt": refund.attempts, "error": error,
                            "retry_at": (!give_up).then_some(refund.next_attempt_at) }),
                    )
                    .await?;
                    Ok(if give_up {
                        Ended::Failed
                    } else {
                        Ended::Retried
                    })
                }
            })
            .await;
        match outcome {
            Err(AppError::NotFound { what: "due refund" }) => Ok(Ended::Raced),
            other => other,
        }
    }

    /// Sends one refund to its order's channel and reads the answer. Every failure on the way
    /// (no key, no answer, an answer not signed by the channel) is a verdict, never a success.
    async fn send(&self, order: &Order, r: &Refund, ctx: &RequestCtx) -> RefundVerdict {
        let channel = {
            let conn = self.k().read().await;
            match conn {
                Ok(mut c) => q::channel(&mut c, &order.channel).await,
                Err(e) => return RefundVerdict::Retry(format!("database: {e}")),
            }
        };
        let channel = match channel {
            Ok(Some(c)) => c,
            Ok(None) => return RefundVerdict::Retry(format!("no channel {}", order.channel)),
            Err(e) => return RefundVerdict::Retry(format!("database: {e}")),
        };
        let ask = RefundAsk {
            out_trade_no: order.id.to_string(),
            trade_no: order.trade_no.clone(),
            amount: r.amount,
            out_request_no: r.out_request_no.clone(),
            reason: r.reason.label_zh().to_owned(),
        };
        let keys = (
            channel
                .merchant_private_pem
                .as_deref()
                .map(jingwu_payments::channel::private_key_from_pem),
            jingwu_payments::channel::public_key_from_pem(&channel.channel_public_pem),
        );
        let (merchant, channel_key) = match keys {
            (Some(Ok(m)), Ok(c)) => (m, c),
            _ => {
                return RefundVerdict::Retry(format!(
                    "the keys of channel {} are missing or unreadable",
                    channel.code
                ));
            }
        };
        let mut params = request_params(
            &channel.app_id,
            &jingwu_payments::beijing_time_text(self.k().now_us()),
            &ask,
        );
        // RSA signing and verification are slow work: off the async workers.
        let unsigned = params.clone();
        let sign = tokio::task::spawn_blocking(move || {
            jingwu_payments::channel::sign_rsa2(&merchant, &unsigned)
        })
        .await;
        match sign {
            Ok(s) => params.insert("sign".into(), s),
            Err(e) => return RefundVerdict::Retry(format!("signing: {e}")),
        };
        let body = match self.post_to_gateway(&channel, &params, ctx).await {
            Ok(b) => b,
            Err(e) => return RefundVerdict::Retry(format!("transport: {e}")),
        };
        tokio::task::spawn_blocking(move || read_answer(&channel_key, &body, &ask))
            .await
            .unwrap_or_else(|e| RefundVerdict::Retry(format!("verification: {e}")))
    }

    /// Refunds in `status` (by default those given up, `failed_final`) of orders paid to the
    /// caller's jurisdiction, newest first: for admins, and for the clerks of the systems
    /// whose subjects the orders pay for (traffic clerks: fines and traffic fees; permit
    /// clerks: permit fees).
    pub async fn refunds(
        &self,
        who: &Principal,
        status: Option<RefundStatus>,
    ) -> Result<Vec<RefundListed>> {
        let kinds: Vec<&str> = SUBJECT_CLERKS
            .iter()
            .filter(|(_, action)| {
                who.role.is_staff()
                    && (who.role == Role::Admin || jingwu_core::role_may(who.role, *action))
            })
            .map(|(kind, _)| *kind)
            .collect();
        if kinds.is_empty() {
            return Err(AppError::Forbidden(format!(
                "the role {} handles no payments",
                who.role.as_str()
            )));
        }
        // The caller's own subtree, in SQL.
        let mut conn = self.k().read().await?;
        let rows = rq::under(
            &mut conn,
            &who.org_path,
            status.unwrap_or(RefundStatus::FailedFinal),
            &kinds,
            LIST_LIMIT,
        )
        .await?;
        Ok(rows
            .into_iter()
            .map(|(refund, order)| RefundListed { refund, order })
            .collect())
    }
}
