//! Inter-agency linkage (联动): the agencies a bureau links with, the signature that
//! authenticates messages both ways, the outbound queue's retry schedule and the inbound
//! replay window.
//!
//! # Signature (both directions)
//!
//! Every message carries three headers:
//!
//! | header | value |
//! |---|---|
//! | `X-Jingwu-Timestamp` | Unix seconds when it was signed |
//! | `X-Jingwu-Message-Id` | the sender's unique id of the message |
//! | `X-Jingwu-Signature` | `sha256=` + lower-case hex of HMAC-SHA256(secret, `{timestamp}.{message id}.{body}`) |
//!
//! (the scheme of GitHub's and Stripe's webhook signatures: RFC 2104 HMAC over the timestamp
//! and the raw body, compared in constant time). The receiver refuses a timestamp more than
//! [`REPLAY_WINDOW_S`] away from its clock and a message id it has seen.

use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const TIMESTAMP_HEADER: &str = "x-jingwu-timestamp";
pub const MESSAGE_ID_HEADER: &str = "x-jingwu-message-id";
pub const SIGNATURE_HEADER: &str = "x-jingwu-signature";

/// How far a message's timestamp may be from the receiver's clock, seconds.
pub const REPLAY_WINDOW_S: i64 = 300;
/// Delivery attempts before a message is given up as `failed`.
pub const MAX_ATTEMPTS: i64 = 6;
/// The first retry's delay, seconds; each further one doubles, up to [`MAX_RETRY_DELAY_S`].
pub const FIRST_RETRY_DELAY_S: i64 = 30;
pub const MAX_RETRY_DELAY_S: i64 = 3600;

jingwu_core::text_enum! {
    /// Kinds of linked agencies.
    pub enum AgencyKind: "agency kind" {
        /// 119 fire and rescue.
        Fire = "fire" ("119 消防", "119 Fire"),
        /// 120 emergency medical service.
        Ambulance = "ambulance" ("120 急救", "120 Ambulance"),
        /// Traffic police.
        Traffic = "traffic" ("交警", "Traffic police"),
        /// City departments (utilities, city management, …; 12345).
        CityDepartment = "city_department" ("城市联动部门", "City department"),
    }
}

jingwu_core::text_enum! {
    /// Where an outbound message stands.
    pub enum DeliveryStatus: "linkage delivery status" {
        /// Waiting for (another) attempt.
        Queued = "queued" ("待发送", "Queued"),
        /// The agency's endpoint took it (2xx).
        Delivered = "delivered" ("已送达", "Delivered"),
        /// The agency acknowledged it through the inbound endpoint.
        Acknowledged = "acknowledged" ("对方已签收", "Acknowledged"),
        /// Given up after [`MAX_ATTEMPTS`] attempts.
        Failed = "failed" ("发送失败", "Failed"),
    }
}

/// A linked agency (`linkage_agencies`). The secret never leaves the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Agency {
    pub id: String,
    pub code: String,
    pub kind: AgencyKind,
    pub name: String,
    pub endpoint_url: String,
    pub secret: String,
    pub enabled: bool,
    /// The bureau that registered it; its subtree may notify the agency.
    pub org_id: String,
    pub created_at: i64,
}

/// One message of the outbound queue (`linkage_messages`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboundMessage {
    pub id: String,
    pub incident_id: jingwu_core::IncidentId,
    pub agency_id: String,
    pub status: DeliveryStatus,
    /// The JSON sent, byte for byte what is signed.
    pub body: String,
    pub note: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub delivered_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
}

/// The text that is signed.
fn signed_text(timestamp: i64, message_id: &str, body: &[u8]) -> Vec<u8> {
    let mut m = format!("{timestamp}.{message_id}.").into_bytes();
    m.extend_from_slice(body);
    m
}

/// HMAC takes a key of any length (RFC 2104 §2), so the error is never seen; it is mapped
/// rather than unwrapped.
fn mac(secret: &str) -> Result<Hmac<Sha256>, Refused> {
    Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| Refused::Signature)
}

/// The `X-Jingwu-Signature` value of a message.
pub fn sign(
    secret: &str,
    timestamp: i64,
    message_id: &str,
    body: &[u8],
) -> Result<String, Refused> {
    let mut m = mac(secret)?;
    m.update(&signed_text(timestamp, message_id, body));
    Ok(format!("sha256={}", hex::encode(m.finalize().into_bytes())))
}

/// Why an inbound message is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("the signature does not match")]
    Signature,
    #[error("the timestamp is outside the {REPLAY_WINDOW_S} s window")]
    Stale,
}

/// Checks a message's signature (constant time) and its timestamp against `now_s`.
pub fn verify(
    secret: &str,
    timestamp: i64,
    message_id: &str,
    body: &[u8],
    signature: &str,
    now_s: i64,
) -> Result<(), Refused> {
    let given = signature
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h).ok())
        .ok_or(Refused::Signature)?;
    let mut m = mac(secret)?;
    m.update(&signed_text(timestamp, message_id, body));
    m.verify_slice(&given).map_err(|_| Refused::Signature)?;
    if (now_s - timestamp).abs() > REPLAY_WINDOW_S {
        return Err(Refused::Stale);
    }
    Ok(())
}

/// After failed attempt number `attempts` (1-based): when to try again, seconds from now, or
/// `None` to give up.
pub fn retry_delay_s(attempts: i64) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    Some((FIRST_RETRY_DELAY_S << doublings).min(MAX_RETRY_DELAY_S))
}

/// An agency code: 2 to 32 of `a-z 0-9 _ -`, starting with a letter or digit.
pub fn valid_code(code: &str) -> bool {
    (2..=32).contains(&code.len())
        && code
            .bytes()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_' | b'-'))
        && code
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_case_2_vector() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"; our signed
        // text prepends "{timestamp}.{id}.", so check the bare HMAC through `mac`.
        let mut m = mac("Jefe").unwrap();
        m.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(m.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn sign_then_verify_and_refusals() {
        let body = br#"{"status":"acknowledged"}"#;
        let sig = sign("s3cret", 1_800_000_000, "m1", body).unwrap();
        assert!(sig.starts_with("sha256="));
        assert_eq!(
            verify("s3cret", 1_800_000_000, "m1", body, &sig, 1_800_000_100),
            Ok(())
        );
        let v = |secret, ts, id, body: &[u8], sig: &str| {
            verify(secret, ts, id, body, sig, 1_800_000_000)
        };
        assert_eq!(
            v("other", 1_800_000_000, "m1", body, &sig),
            Err(Refused::Signature)
        );
        assert_eq!(
            v("s3cret", 1_800_000_001, "m1", body, &sig),
            Err(Refused::Signature)
        );
        assert_eq!(
            v("s3cret", 1_800_000_000, "m2", body, &sig),
            Err(Refused::Signature)
        );
        assert_eq!(
            v("s3cret", 1_800_000_000, "m1", b"{}", &sig),
            Err(Refused::Signature)
        );
        assert_eq!(
            v("s3cret", 1_800_000_000, "m1", body, "sha256=zz"),
            Err(Refused::Signature)
        );
        assert_eq!(
            v("s3cret", 1_800_000_000, "m1", body, "abc"),
            Err(Refused::Signature)
        );
        let old = sign("s3cret", 1_800_000_000 - 301, "m1", body).unwrap();
        assert_eq!(
            v("s3cret", 1_800_000_000 - 301, "m1", body, &old),
            Err(Refused::Stale)
        );
    }

    #[test]
    fn backoff_doubles_then_gives_up() {
        let d: Vec<_> = (1..=6).map(retry_delay_s).collect();
        assert_eq!(
            d,
            vec![Some(30), Some(60), Some(120), Some(240), Some(480), None]
        );
        assert_eq!(retry_delay_s(0), Some(30));
    }

    #[test]
    fn agency_codes() {
        assert!(valid_code("120-haishu"));
        assert!(valid_code("fire_119"));
        assert!(!valid_code("a"));
        assert!(!valid_code("-x"));
        assert!(!valid_code("Fire"));
        assert!(!valid_code("消防"));
    }
}
