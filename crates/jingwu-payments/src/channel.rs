//! Payment-channel signatures in the style of the Alipay open platform ("RSA2").
//!
//! A request or notification is a set of string parameters. Its **canonical text** is every
//! parameter except `sign` and `sign_type` and those with an empty value, sorted by key, joined
//! as `k=v&k=v` with the raw (not URL-encoded) values. The signature is SHA256withRSA
//! (RSASSA-PKCS1-v1_5 over SHA-256) of the UTF-8 canonical text, in standard base64, carried
//! in the `sign` parameter. The channel's own documentation is authoritative for the details
//! (traffic services treat them as unverified until checked against it).
//!
//! The notification is authoritative, not the browser redirect; the answer the channel expects
//! once a notification is accepted is the literal [`ACK`].

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use rsa::Pkcs1v15Sign;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{
    DecodePrivateKey, DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding,
};
use rsa::rand_core::CryptoRngCore;
pub use rsa::{RsaPrivateKey, RsaPublicKey};
use sha2::{Digest, Sha256};

/// The body a notification handler answers once it has accepted a notification (also for a
/// repeated one); anything else makes the channel retry.
pub const ACK: &str = "success";

/// The parameter carrying the signature.
pub const SIGN: &str = "sign";
/// The parameter naming the signature algorithm (`RSA2`); not signed.
pub const SIGN_TYPE: &str = "sign_type";

/// Key size of [`generate_key`].
pub const KEY_BITS: usize = 2048;

/// Why a PEM text was not read as a key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("not a PKCS#8 or PKCS#1 RSA private key in PEM")]
    PrivatePem,
    #[error("not an SPKI or PKCS#1 RSA public key in PEM")]
    PublicPem,
}

/// The canonical text that is signed (see the module documentation).
pub fn canonical(params: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    for (k, v) in params {
        if k == SIGN || k == SIGN_TYPE || v.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('&');
        }
        out.push_str(k);
        out.push('=');
        out.push_str(v);
    }
    out
}

fn digest(params: &BTreeMap<String, String>) -> Vec<u8> {
    Sha256::digest(canonical(params).as_bytes()).to_vec()
}

/// The base64 SHA256withRSA signature of the canonical text. Any `sign` already among the
/// parameters is ignored. PKCS#1 v1.5 signing is deterministic; a failure (a key too small to
/// hold a SHA-256 digest, which [`private_key_from_pem`]'s keys of real size never are) gives
/// an empty signature, which no verifier accepts.
pub fn sign_rsa2(key: &RsaPrivateKey, params: &BTreeMap<String, String>) -> String {
    key.sign(Pkcs1v15Sign::new::<Sha256>(), &digest(params))
        .map(|sig| STANDARD.encode(sig))
        .unwrap_or_default()
}

/// Whether `params["sign"]` is a valid signature of the other parameters by `key`. False when
/// the signature is missing, not base64 or does not verify.
pub fn verify_rsa2(key: &RsaPublicKey, params: &BTreeMap<String, String>) -> bool {
    let Some(sign) = params.get(SIGN) else {
        return false;
    };
    let Ok(sig) = STANDARD.decode(sign.trim()) else {
        return false;
    };
    key.verify(Pkcs1v15Sign::new::<Sha256>(), &digest(params), &sig)
        .is_ok()
}

/// The base64 SHA256withRSA signature of `text` as it is: how a channel signs a JSON answer
/// (Alipay signs the exact text of the `<method>_response` member, see [`crate::refund`]).
/// Empty in the same impossible case as [`sign_rsa2`].
pub fn sign_rsa2_text(key: &RsaPrivateKey, text: &str) -> String {
    key.sign(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(text.as_bytes()),
    )
    .map(|sig| STANDARD.encode(sig))
    .unwrap_or_default()
}

/// Whether `sign` is a valid signature of exactly `text` by `key`.
pub fn verify_rsa2_text(key: &RsaPublicKey, text: &str, sign: &str) -> bool {
    let Ok(sig) = STANDARD.decode(sign.trim()) else {
        return false;
    };
    key.verify(
        Pkcs1v15Sign::new::<Sha256>(),
        &Sha256::digest(text.as_bytes()),
        &sig,
    )
    .is_ok()
}

/// Reads a private key in PEM: PKCS#8 (`BEGIN PRIVATE KEY`) or PKCS#1 (`BEGIN RSA PRIVATE KEY`).
pub fn private_key_from_pem(pem: &str) -> Result<RsaPrivateKey, KeyError> {
    let pem = pem.trim();
    RsaPrivateKey::from_pkcs8_pem(pem)
        .or_else(|_| RsaPrivateKey::from_pkcs1_pem(pem))
        .map_err(|_| KeyError::PrivatePem)
}

/// Reads a public key in PEM: SPKI (`BEGIN PUBLIC KEY`) or PKCS#1 (`BEGIN RSA PUBLIC KEY`).
pub fn public_key_from_pem(pem: &str) -> Result<RsaPublicKey, KeyError> {
    let pem = pem.trim();
    RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem))
        .map_err(|_| KeyError::PublicPem)
}

/// The private key as PKCS#8 PEM (LF line endings). Encoding an RSA key only fails on
/// allocation failure; then the text is empty (and reads back as an error).
pub fn private_key_to_pem(key: &RsaPrivateKey) -> String {
    key.to_pkcs8_pem(LineEnding::LF)
        .map(|pem| pem.as_str().to_owned())
        .unwrap_or_default()
}

/// The public key as SPKI PEM (LF line endings); empty in the same impossible case as
/// [`private_key_to_pem`].
pub fn public_key_to_pem(key: &RsaPublicKey) -> String {
    key.to_public_key_pem(LineEnding::LF).unwrap_or_default()
}

/// A new 2048-bit key pair (e.g. for the sandbox channel). Key generation only fails for
/// unusable sizes or exponents, neither of which is asked for here, so it retries rather than
/// returning an error.
pub fn generate_key(rng: &mut impl CryptoRngCore) -> RsaPrivateKey {
    loop {
        if let Ok(key) = RsaPrivateKey::new(rng, KEY_BITS) {
            return key;
        }
    }
}

jingwu_core::text_enum! {
    /// A trade's status as the channel reports it.
    pub enum TradeStatus: "trade status" {
        WaitBuyerPay = "WAIT_BUYER_PAY" ("等待付款", "Waiting for payment"),
        TradeSuccess = "TRADE_SUCCESS" ("支付成功", "Paid"),
        /// Paid, and no longer refundable.
        TradeFinished = "TRADE_FINISHED" ("交易结束", "Finished"),
        /// Closed unpaid, or fully refunded.
        TradeClosed = "TRADE_CLOSED" ("交易关闭", "Closed"),
    }
}

impl TradeStatus {
    /// Whether the money was paid (`TRADE_SUCCESS` or `TRADE_FINISHED`).
    pub const fn is_paid(self) -> bool {
        matches!(self, TradeStatus::TradeSuccess | TradeStatus::TradeFinished)
    }
}
