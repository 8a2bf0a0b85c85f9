//! Refunds through the payment channel, in the style of Alipay's `alipay.trade.refund`: the
//! refund's states and reasons, when to try again, the request's business content, and the
//! reading of the channel's signed answer. The channel's own documentation is authoritative for
//! the details (as for payments, see [`crate::channel`]).
//!
//! **Request** — form parameters posted to the channel's gateway, signed like any request
//! ([`crate::channel::sign_rsa2`] with the merchant key over the sorted parameters): `app_id`,
//! `method` = [`METHOD`], `charset`, `sign_type` = `RSA2`, `timestamp`, `version`, and
//! `biz_content`, a JSON object ([`biz_content`]) of
//!
//! | parameter | meaning |
//! |---|---|
//! | `out_trade_no` | our order number |
//! | `trade_no` | the channel's transaction id of the payment |
//! | `refund_amount` | this refund, yuan with two decimals |
//! | `out_request_no` | our refund's number: the channel's idempotency key — the same number again refunds once and answers the same |
//! | `refund_reason` | shown to the payer |
//!
//! **Answer** — JSON `{"alipay_trade_refund_response": {…}, "sign": "…"}`: `sign` is the
//! channel's SHA256withRSA signature of the **exact text** of the response member as it stands
//! in the body (not of re-serialized JSON), so the member is cut out of the body
//! ([`response_member`]) and verified before it is read. `code` `10000` is done (`fund_change`
//! `Y`: money moved by this call, `N`: moved before for the same `out_request_no`;
//! `refund_fee` is the total refunded on the trade so far); other codes are failures, some of
//! them final ([`FINAL_SUB_CODES`]). An answer whose signature does not verify is never a
//! success ([`RefundVerdict::BadSignature`]).

use std::collections::BTreeMap;

use rsa::RsaPublicKey;
use serde::{Deserialize, Serialize};

use crate::channel::verify_rsa2_text;
use crate::money::Fen;

/// The channel's method name for a refund.
pub const METHOD: &str = "alipay.trade.refund";
/// The member of the answer that carries the refund's result (and is signed).
pub const RESPONSE_KEY: &str = "alipay_trade_refund_response";
/// `code` of a successful call.
pub const CODE_OK: &str = "10000";
/// Business failures that another try cannot change: the refund is given up at once. Anything
/// else (`ACQ.SYSTEM_ERROR`, `ACQ.SELLER_BALANCE_NOT_ENOUGH`, an unavailable service, a
/// transport failure, a bad signature) is tried again later.
pub const FINAL_SUB_CODES: [&str; 8] = [
    "ACQ.TRADE_NOT_EXIST",
    "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
    "ACQ.DISCORDANT_REPEAT_REQUEST",
    "ACQ.TRADE_NOT_ALLOW_REFUND",
    "ACQ.TRADE_HAS_FINISHED",
    "ACQ.REASON_TRADE_REFUND_FEE_ERR",
    "ACQ.REFUND_FEE_ERROR",
    "ACQ.INVALID_PARAMETER",
];

jingwu_core::text_enum! {
    /// Where a refund stands. `requested` is written in the transaction of the decision that
    /// causes it; only the refund job moves it on.
    pub enum RefundStatus: "refund status" {
        Requested = "requested" ("退款处理中", "Refund requested"),
        Succeeded = "succeeded" ("已退款", "Refunded"),
        /// Given up after the last attempt or a final refusal: staff settle it with the channel.
        FailedFinal = "failed_final" ("退款失败，待人工处理", "Refund failed, for staff"),
    }
}

jingwu_core::text_enum! {
    /// Why money goes back.
    pub enum RefundReason: "refund reason" {
        /// The application was rejected and its item refunds the fee.
        Rejected = "rejected" ("申请不予许可，退还费用", "Application rejected: fee refunded"),
        /// The applicant withdrew a paid application.
        Withdrawn = "withdrawn" ("申请已撤回，退还费用", "Application withdrawn: fee refunded"),
        /// The payment settled nothing: its subject was closed (withdrawn, rejected, revoked) or
        /// paid by another order meanwhile.
        NotSettled = "not_settled" ("款项到账时业务已关闭或已缴清", "Paid for a subject closed or paid meanwhile"),
    }
}

impl RefundReason {
    /// Whether the refund gives back the subject's settled fee (so the subject records it
    /// refunded once it succeeds), rather than a payment that never settled it.
    pub const fn returns_the_fee(self) -> bool {
        matches!(self, RefundReason::Rejected | RefundReason::Withdrawn)
    }
}

/// When a refund that failed is tried again, and how often before it is given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryPolicy {
    /// Calls of the channel at most (the first included).
    pub max_attempts: u32,
    /// Wait after the first failed attempt, microseconds; it doubles after each further one.
    pub first_delay_us: i64,
    /// The longest wait, microseconds.
    pub max_delay_us: i64,
}

impl Default for RetryPolicy {
    /// Eight calls over about two hours: 1, 2, 4, 8, 16, 32 and 64 minutes apart.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            first_delay_us: 60_000_000,
            max_delay_us: 6 * 3_600_000_000,
        }
    }
}

impl RetryPolicy {
    /// When to try again after `attempts` calls (at least one) made by `now`: exponential
    /// backoff, `first_delay · 2^(attempts−1)`, capped at `max_delay`.
    pub fn retry_at(&self, now: i64, attempts: u32) -> i64 {
        let doublings = attempts.saturating_sub(1).min(62);
        let delay = self
            .first_delay_us
            .max(0)
            .checked_mul(1_i64 << doublings)
            .unwrap_or(i64::MAX)
            .min(self.max_delay_us.max(0));
        now.saturating_add(delay)
    }

    /// Whether a refund that has had `attempts` calls may be called again.
    pub const fn may_try(&self, attempts: u32) -> bool {
        attempts < self.max_attempts
    }
}

/// What we ask the channel to refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RefundAsk {
    pub out_trade_no: String,
    /// The channel's transaction id of the payment.
    pub trade_no: Option<String>,
    pub amount: Fen,
    pub out_request_no: String,
    pub reason: String,
}

/// The request's `biz_content` (see the module documentation).
pub fn biz_content(ask: &RefundAsk) -> String {
    let mut biz = serde_json::Map::new();
    biz.insert("out_trade_no".into(), ask.out_trade_no.clone().into());
    if let Some(t) = &ask.trade_no {
        biz.insert("trade_no".into(), t.clone().into());
    }
    biz.insert("refund_amount".into(), ask.amount.yuan_text().into());
    biz.insert("out_request_no".into(), ask.out_request_no.clone().into());
    biz.insert("refund_reason".into(), ask.reason.clone().into());
    serde_json::Value::Object(biz).to_string()
}

/// The request's parameters before signing.
pub fn request_params(app_id: &str, timestamp: &str, ask: &RefundAsk) -> BTreeMap<String, String> {
    let mut p = BTreeMap::new();
    p.insert("app_id".into(), app_id.to_owned());
    p.insert("method".into(), METHOD.into());
    p.insert("charset".into(), "utf-8".into());
    p.insert("sign_type".into(), "RSA2".into());
    p.insert("version".into(), "1.0".into());
    p.insert("timestamp".into(), timestamp.to_owned());
    p.insert("biz_content".into(), biz_content(ask));
    p
}

/// The answer's fields this service reads (others are ignored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAnswer {
    pub code: String,
    #[serde(default)]
    pub msg: String,
    #[serde(default)]
    pub sub_code: Option<String>,
    #[serde(default)]
    pub sub_msg: Option<String>,
    #[serde(default)]
    pub trade_no: Option<String>,
    #[serde(default)]
    pub out_trade_no: Option<String>,
    /// `Y` when this call moved money, `N` when an earlier call with the same
    /// `out_request_no` did.
    #[serde(default)]
    pub fund_change: Option<String>,
    /// The total refunded on the trade so far, yuan.
    #[serde(default)]
    pub refund_fee: Option<String>,
    /// The channel's id of the refund, where it gives one (the sandbox does; Alipay identifies
    /// a refund by `trade_no` and `out_request_no`).
    #[serde(default)]
    pub refund_id: Option<String>,
}

/// What the channel's answer means for the refund.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum RefundVerdict {
    /// Refunded (by this call or an earlier one with the same `out_request_no`).
    Done {
        /// Whether this call moved the money.
        fund_change: bool,
        /// The total refunded on the trade so far.
        refunded_total: Fen,
        channel_refund_id: Option<String>,
    },
    /// The answer is not signed by the channel's key (or carries no signature, or no response
    /// member): nothing it says is believed. Tried again later.
    BadSignature,
    /// Failed for now; try again later.
    Retry(String),
    /// Refused for good: give up.
    Final(String),
}

/// Skips JSON whitespace from `i`.
fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while b.get(i).is_some_and(|c| c.is_ascii_whitespace()) {
        i += 1;
    }
    i
}

/// The index after the string that starts at `i` (a `"`).
fn skip_string(b: &[u8], i: usize) -> Option<usize> {
    let mut j = i + 1;
    while j < b.len() {
        match b[j] {
            b'\\' => j += 2,
            b'"' => return Some(j + 1),
            _ => j += 1,
        }
    }
    None
}

/// The index after the JSON value that starts at `i`.
fn skip_value(b: &[u8], i: usize) -> Option<usize> {
    match *b.get(i)? {
        b'"' => skip_string(b, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            let mut j = i;
            while j < b.len() {
                match b[j] {
                    b'"' => {
                        j = skip_string(b, j)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(j + 1);
                        }
                    }
                    _ => {}
                }
                j += 1;
            }
            None
        }
        _ => {
            let mut j = i;
            while j < b.len() && !matches!(b[j], b',' | b'}' | b']') && !b[j].is_ascii_whitespace()
            {
                j += 1;
            }
            (j > i).then_some(j)
        }
    }
}

/// The exact text of the top-level member `key` of the JSON object `body`, as the channel
/// signed it. None when the body is not a JSON object or has no such member.
pub fn response_member<'a>(body: &'a str, key: &str) -> Option<&'a str> {
    // Well-formed JSON first, so that the scan below only meets valid tokens.
    serde_json::from_str::<serde_json::Value>(body)
        .ok()?
        .as_object()?;
    let b = body.as_bytes();
    let mut i = skip_ws(b, 0);
    if b.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    loop {
        i = skip_ws(b, i);
        match *b.get(i)? {
            b'}' => return None,
            b',' => {
                i += 1;
                continue;
            }
            b'"' => {}
            _ => return None,
        }
        let key_end = skip_string(b, i)?;
        let name = body.get(i + 1..key_end - 1)?;
        i = skip_ws(b, key_end);
        if b.get(i) != Some(&b':') {
            return None;
        }
        i = skip_ws(b, i + 1);
        let value_end = skip_value(b, i)?;
        if name == key {
            return body.get(i..value_end);
        }
        i = value_end;
    }
}

/// Reads the channel's answer `body` to `ask`: the response member must be signed by the
/// channel's key `channel_key` (else [`RefundVerdict::BadSignature`], whatever it says), then
/// a success must name our order (and the trade, when both sides have one) and a refunded
/// total that covers this refund.
pub fn read_answer(channel_key: &RsaPublicKey, body: &str, ask: &RefundAsk) -> RefundVerdict {
    let sign = serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("sign").and_then(|s| s.as_str()).map(str::to_owned));
    let (Some(content), Some(sign)) = (response_member(body, RESPONSE_KEY), sign) else {
        return RefundVerdict::BadSignature;
    };
    if !verify_rsa2_text(channel_key, content, &sign) {
        return RefundVerdict::BadSignature;
    }
    match serde_json::from_str::<RefundAnswer>(content) {
        Ok(a) => check_answer(&a, ask),
        Err(e) => RefundVerdict::Retry(format!("unreadable answer: {e}")),
    }
}

/// What a verified answer means (see [`read_answer`]).
pub fn check_answer(a: &RefundAnswer, ask: &RefundAsk) -> RefundVerdict {
    if a.code != CODE_OK {
        let sub = a.sub_code.as_deref().unwrap_or("");
        let text = format!(
            "{} {}: {}",
            a.code,
            sub,
            a.sub_msg.as_deref().unwrap_or(a.msg.as_str())
        );
        return if FINAL_SUB_CODES.contains(&sub) {
            RefundVerdict::Final(text)
        } else {
            RefundVerdict::Retry(text)
        };
    }
    if a.out_trade_no.as_deref() != Some(ask.out_trade_no.as_str()) {
        return RefundVerdict::Retry("the answer names another order".into());
    }
    if let (Some(ours), Some(theirs)) = (ask.trade_no.as_deref(), a.trade_no.as_deref())
        && ours != theirs
    {
        return RefundVerdict::Retry("the answer names another trade".into());
    }
    let total = a.refund_fee.as_deref().map(Fen::parse_yuan);
    match total {
        Some(Ok(total)) if total >= ask.amount => RefundVerdict::Done {
            fund_change: a.fund_change.as_deref() == Some("Y"),
            refunded_total: total,
            channel_refund_id: a.refund_id.clone().filter(|r| !r.is_empty()),
        },
        _ => RefundVerdict::Retry("the answer's refund_fee does not cover the refund".into()),
    }
}
