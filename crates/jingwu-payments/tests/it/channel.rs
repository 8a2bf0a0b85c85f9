use std::collections::BTreeMap;

use jingwu_payments::channel::{
    ACK, canonical, generate_key, private_key_from_pem, private_key_to_pem, public_key_from_pem,
    public_key_to_pem,
};
use jingwu_payments::channel::{RsaPrivateKey, RsaPublicKey};
use jingwu_payments::{TradeStatus, sign_rsa2, verify_rsa2};

const PRIVATE_PKCS8: &str = include_str!("../data/channel_private_pkcs8.pem");
const PRIVATE_PKCS1: &str = include_str!("../data/channel_private_pkcs1.pem");
const PUBLIC_SPKI: &str = include_str!("../data/channel_public_spki.pem");
const PUBLIC_PKCS1: &str = include_str!("../data/channel_public_pkcs1.pem");
const OTHER_PRIVATE: &str = include_str!("../data/other_private_pkcs8.pem");
const OPENSSL_TEXT: &str = include_str!("../data/openssl_signed_text.txt");
const OPENSSL_SIGNATURE: &str = include_str!("../data/openssl_signature.b64");

fn keys() -> (RsaPrivateKey, RsaPublicKey) {
    (
        private_key_from_pem(PRIVATE_PKCS8).unwrap(),
        public_key_from_pem(PUBLIC_SPKI).unwrap(),
    )
}

pub fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

fn notification() -> BTreeMap<String, String> {
    params(&[
        ("app_id", "2021000000000001"),
        ("out_trade_no", "T1"),
        ("trade_no", "2026030122001"),
        ("total_amount", "200.00"),
        ("trade_status", "TRADE_SUCCESS"),
        ("gmt_payment", "2026-03-01 10:00:00"),
        ("sign_type", "RSA2"),
    ])
}

#[test]
fn canonical_text_sorts_and_skips() {
    let p = params(&[
        ("b", "2"),
        ("a", "1"),
        ("empty", ""),
        ("sign", "xyz"),
        ("sign_type", "RSA2"),
        ("subject", "罚款 & 滞纳金=1"),
    ]);
    assert_eq!(canonical(&p), "a=1&b=2&subject=罚款 & 滞纳金=1");
    assert_eq!(canonical(&BTreeMap::new()), "");
}

#[test]
fn round_trip() {
    let (private, public) = keys();
    let mut p = notification();
    let sign = sign_rsa2(&private, &p);
    p.insert("sign".into(), sign);
    assert!(verify_rsa2(&public, &p));
    // sign_type is not signed: changing it changes nothing.
    p.insert("sign_type".into(), "RSA".into());
    assert!(verify_rsa2(&public, &p));
    // An empty parameter added or dropped is not signed either.
    p.insert("passback_params".into(), String::new());
    assert!(verify_rsa2(&public, &p));
}

#[test]
fn the_signature_matches_openssl() {
    let (private, public) = keys();
    let p = notification();
    assert_eq!(canonical(&p), OPENSSL_TEXT);
    assert_eq!(sign_rsa2(&private, &p), OPENSSL_SIGNATURE.trim());
    let mut signed = p.clone();
    signed.insert("sign".into(), OPENSSL_SIGNATURE.trim().into());
    assert!(verify_rsa2(&public, &signed));
}

#[test]
fn tampering_fails() {
    let (private, public) = keys();
    let mut p = notification();
    p.insert("sign".into(), sign_rsa2(&private, &p));

    let mut changed = p.clone();
    changed.insert("total_amount".into(), "0.01".into());
    assert!(!verify_rsa2(&public, &changed), "a tampered value");

    let mut removed = p.clone();
    removed.remove("gmt_payment");
    assert!(!verify_rsa2(&public, &removed), "a removed parameter");

    let mut added = p.clone();
    added.insert("refund_fee".into(), "200.00".into());
    assert!(!verify_rsa2(&public, &added), "an added parameter");

    let mut unsigned = p.clone();
    unsigned.remove("sign");
    assert!(!verify_rsa2(&public, &unsigned), "no signature");

    for junk in ["", "not base64!", "AAAA"] {
        let mut bad = p.clone();
        bad.insert("sign".into(), junk.into());
        assert!(!verify_rsa2(&public, &bad), "{junk:?}");
    }
}

#[test]
fn another_keys_signature_fails() {
    let (_, public) = keys();
    let other = private_key_from_pem(OTHER_PRIVATE).unwrap();
    let mut p = notification();
    p.insert("sign".into(), sign_rsa2(&other, &p));
    assert!(!verify_rsa2(&public, &p));
}

#[test]
fn pem_formats() {
    let (private, public) = keys();
    assert_eq!(private_key_from_pem(PRIVATE_PKCS1).unwrap(), private);
    assert_eq!(public_key_from_pem(PUBLIC_PKCS1).unwrap(), public);
    assert_eq!(RsaPublicKey::from(&private), public);
    let pem = private_key_to_pem(&private);
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n"));
    assert_eq!(private_key_from_pem(&pem).unwrap(), private);
    let pem = public_key_to_pem(&public);
    assert!(pem.starts_with("-----BEGIN PUBLIC KEY-----\n"));
    assert_eq!(public_key_from_pem(&pem).unwrap(), public);
    assert!(private_key_from_pem(PUBLIC_SPKI).is_err());
    assert!(
        public_key_from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
            .is_err()
    );
    assert!(public_key_from_pem("").is_err());
}

#[test]
fn generated_keys_sign() {
    let key = generate_key(&mut rand::thread_rng());
    assert_eq!(rsa::traits::PublicKeyParts::size(&key), 256);
    let mut p = notification();
    p.insert("sign".into(), sign_rsa2(&key, &p));
    assert!(verify_rsa2(&RsaPublicKey::from(&key), &p));
}

#[test]
fn trade_statuses() {
    assert!(TradeStatus::TradeSuccess.is_paid());
    assert!(TradeStatus::TradeFinished.is_paid());
    assert!(!TradeStatus::WaitBuyerPay.is_paid());
    assert!(!TradeStatus::TradeClosed.is_paid());
    assert_eq!(
        TradeStatus::parse("TRADE_SUCCESS"),
        Ok(TradeStatus::TradeSuccess)
    );
    assert_eq!(ACK, "success");
}
