use jingwu_payments::channel::{private_key_from_pem, public_key_from_pem, sign_rsa2_text};
use jingwu_payments::refund::{
    FINAL_SUB_CODES, RESPONSE_KEY, RefundAsk, RefundVerdict, RetryPolicy, biz_content, read_answer,
    response_member,
};
use jingwu_payments::{
    Fen, MismatchKind, OurRefund, RefundLine, RefundStatus, parse_statement, reconcile_refunds,
};

const PRIVATE_PKCS8: &str = include_str!("../data/channel_private_pkcs8.pem");
const PUBLIC_SPKI: &str = include_str!("../data/channel_public_spki.pem");
const OTHER_PRIVATE: &str = include_str!("../data/other_private_pkcs8.pem");
const OPENSSL_TEXT: &str = include_str!("../data/openssl_signed_text.txt");
const OPENSSL_SIGNATURE: &str = include_str!("../data/openssl_signature.b64");

const MIN: i64 = 60_000_000;

#[test]
fn retries_back_off_doubling_up_to_the_cap() {
    let p = RetryPolicy {
        max_attempts: 5,
        first_delay_us: MIN,
        max_delay_us: 10 * MIN,
    };
    let waits: Vec<i64> = (1..=6).map(|n| p.retry_at(1_000, n) - 1_000).collect();
    assert_eq!(waits, [MIN, 2 * MIN, 4 * MIN, 8 * MIN, 10 * MIN, 10 * MIN]);
    assert!(p.may_try(4) && !p.may_try(5));
    // Never overflows, whatever the attempt count.
    let wide = RetryPolicy {
        max_attempts: u32::MAX,
        first_delay_us: i64::MAX / 2,
        max_delay_us: i64::MAX,
    };
    assert_eq!(wide.retry_at(i64::MAX - 5, u32::MAX), i64::MAX);
    let d = RetryPolicy::default();
    assert_eq!(d.retry_at(0, 7), 64 * MIN);
}

fn ask() -> RefundAsk {
    RefundAsk {
        out_trade_no: "T1".into(),
        trade_no: Some("X1".into()),
        amount: Fen(12_000),
        out_request_no: "R1".into(),
        reason: "申请已撤回".into(),
    }
}

#[test]
fn the_request_names_order_trade_amount_and_request_number() {
    let biz: serde_json::Value = serde_json::from_str(&biz_content(&ask())).unwrap();
    assert_eq!(
        biz,
        serde_json::json!({"out_trade_no": "T1", "trade_no": "X1", "refund_amount": "120.00",
            "out_request_no": "R1", "refund_reason": "申请已撤回"})
    );
}

#[test]
fn the_signed_member_is_cut_out_exactly() {
    let body = r#" { "other": {"a": "}\"{"}, "alipay_trade_refund_response" : {"code":"10000", "x": [1, {"y": "]"}]} ,"sign":"abc"} "#;
    assert_eq!(
        response_member(body, RESPONSE_KEY),
        Some(r#"{"code":"10000", "x": [1, {"y": "]"}]}"#)
    );
    assert_eq!(response_member(body, "sign"), Some(r#""abc""#));
    assert_eq!(
        response_member(r#"{"n": 12.5e3, "k": true}"#, "k"),
        Some("true")
    );
    assert_eq!(response_member(body, "missing"), None);
    assert_eq!(response_member("[1,2]", "sign"), None);
    assert_eq!(response_member(r#"{"a": "#, "a"), None);
    assert_eq!(response_member("", "a"), None);
}

#[test]
fn text_signatures_match_openssl() {
    let key = private_key_from_pem(PRIVATE_PKCS8).unwrap();
    let public = public_key_from_pem(PUBLIC_SPKI).unwrap();
    // The canonical text of the notification test is what OpenSSL signed.
    assert_eq!(sign_rsa2_text(&key, OPENSSL_TEXT), OPENSSL_SIGNATURE.trim());
    assert!(jingwu_payments::channel::verify_rsa2_text(
        &public,
        OPENSSL_TEXT,
        OPENSSL_SIGNATURE
    ));
    assert!(!jingwu_payments::channel::verify_rsa2_text(
        &public,
        &format!("{OPENSSL_TEXT} "),
        OPENSSL_SIGNATURE
    ));
}

/// A channel's answer with `content` as the response member, signed by `key_pem`.
fn answer(content: &str, key_pem: &str) -> String {
    let key = private_key_from_pem(key_pem).unwrap();
    let sign = sign_rsa2_text(&key, content);
    format!(r#"{{"{RESPONSE_KEY}":{content},"sign":"{sign}"}}"#)
}

#[test]
fn only_a_verified_answer_is_read_and_a_success_must_match_the_refund() {
    let public = public_key_from_pem(PUBLIC_SPKI).unwrap();
    let ok = r#"{"code":"10000","msg":"Success","trade_no":"X1","out_trade_no":"T1","fund_change":"Y","refund_fee":"120.00","refund_id":"SBR1"}"#;
    assert_eq!(
        read_answer(&public, &answer(ok, PRIVATE_PKCS8), &ask()),
        RefundVerdict::Done {
            fund_change: true,
            refunded_total: Fen(12_000),
            channel_refund_id: Some("SBR1".into())
        }
    );
    // A repeat: no money moved by this call, still done.
    let again = ok.replace(r#""fund_change":"Y""#, r#""fund_change":"N""#);
    assert!(matches!(
        read_answer(&public, &answer(&again, PRIVATE_PKCS8), &ask()),
        RefundVerdict::Done {
            fund_change: false,
            ..
        }
    ));
    // Signed by another key, tampered after signing, unsigned, or not JSON: never a success.
    assert_eq!(
        read_answer(&public, &answer(ok, OTHER_PRIVATE), &ask()),
        RefundVerdict::BadSignature
    );
    let tampered = answer(ok, PRIVATE_PKCS8).replace("120.00", "999.00");
    assert_eq!(
        read_answer(&public, &tampered, &ask()),
        RefundVerdict::BadSignature
    );
    let unsigned = format!(r#"{{"{RESPONSE_KEY}":{ok}}}"#);
    assert_eq!(
        read_answer(&public, &unsigned, &ask()),
        RefundVerdict::BadSignature
    );
    assert_eq!(
        read_answer(&public, "<html>502</html>", &ask()),
        RefundVerdict::BadSignature
    );
    // Verified, but not about this refund: tried again, not recorded.
    for wrong in [
        ok.replace(r#""out_trade_no":"T1""#, r#""out_trade_no":"T2""#),
        ok.replace(r#""trade_no":"X1""#, r#""trade_no":"X2""#),
        ok.replace("120.00", "119.99"),
        ok.replace(r#","refund_fee":"120.00""#, ""),
    ] {
        assert!(
            matches!(
                read_answer(&public, &answer(&wrong, PRIVATE_PKCS8), &ask()),
                RefundVerdict::Retry(_)
            ),
            "{wrong}"
        );
    }
    // Failures: a system error is retried, a refusal on the trade is final.
    let fail = |sub: &str| {
        format!(r#"{{"code":"40004","msg":"Business Failed","sub_code":"{sub}","sub_msg":"x"}}"#)
    };
    assert!(matches!(
        read_answer(&public, &answer(&fail("ACQ.SYSTEM_ERROR"), PRIVATE_PKCS8), &ask()),
        RefundVerdict::Retry(t) if t.contains("ACQ.SYSTEM_ERROR")
    ));
    for sub in FINAL_SUB_CODES {
        assert!(matches!(
            read_answer(&public, &answer(&fail(sub), PRIVATE_PKCS8), &ask()),
            RefundVerdict::Final(t) if t.contains(sub)
        ));
    }
    let unavailable =
        r#"{"code":"20000","msg":"Service Currently Unavailable","sub_code":"aop.unknow-error"}"#;
    assert!(matches!(
        read_answer(&public, &answer(unavailable, PRIVATE_PKCS8), &ask()),
        RefundVerdict::Retry(_)
    ));
}

#[test]
fn a_statement_carries_refunds() {
    let text = "trade_no,out_trade_no,amount,status,out_request_no\n\
        X1,T1,120.00,TRADE_SUCCESS,\n\
        X1,T1,120.00,REFUND_SUCCESS,R1\n";
    let s = parse_statement(text).unwrap();
    assert_eq!(s.trades.len(), 1);
    assert_eq!(
        s.refunds,
        vec![RefundLine {
            trade_no: "X1".into(),
            out_trade_no: "T1".into(),
            out_request_no: "R1".into(),
            amount: Fen(12_000)
        }]
    );
    // The old header still reads (payments only).
    let old =
        parse_statement("trade_no,out_trade_no,amount,status\nX1,T1,1.00,TRADE_SUCCESS\n").unwrap();
    assert!(old.refunds.is_empty() && old.trades.len() == 1);
    let bad = |t: &str| parse_statement(t).unwrap_err();
    let e = bad("trade_no,out_trade_no,amount,status,out_request_no\nX1,T1,1.00,REFUND_SUCCESS,\n");
    assert_eq!((e.line, e.field), (2, "out_request_no"));
    let e =
        bad("trade_no,out_trade_no,amount,status,out_request_no\nX1,T1,1.00,TRADE_SUCCESS,R1\n");
    assert_eq!((e.line, e.field), (2, "out_request_no"));
}

fn ours(req: &str, out: &str, yuan: i64, status: RefundStatus) -> OurRefund {
    OurRefund {
        out_request_no: req.into(),
        out_trade_no: out.into(),
        trade_no: Some(format!("X{out}")),
        amount: Fen::from_yuan(yuan),
        status,
    }
}

fn line(req: &str, out: &str, yuan: i64) -> RefundLine {
    RefundLine {
        trade_no: format!("X{out}"),
        out_trade_no: out.into(),
        out_request_no: req.into(),
        amount: Fen::from_yuan(yuan),
    }
}

#[test]
fn refunds_are_reconciled_by_request_number() {
    use MismatchKind::*;
    use RefundStatus as S;
    let our = [
        ours("R1", "T1", 120, S::Succeeded),   // fine
        ours("R2", "T2", 120, S::Succeeded),   // missing in the statement
        ours("R3", "T3", 120, S::Succeeded),   // amount
        ours("R4", "T4", 120, S::FailedFinal), // refunded there, given up here
        ours("R5", "T5", 120, S::Requested),   // not yet done either side
        ours("R6", "T6", 120, S::Succeeded),   // twice in the statement
    ];
    let bill = [
        line("R1", "T1", 120),
        line("R3", "T3", 100),
        line("R4", "T4", 120),
        line("R6", "T6", 120),
        line("R6", "T6", 120),
        line("R9", "T9", 5), // unknown here
    ];
    let got: Vec<_> = reconcile_refunds(&our, &bill)
        .into_iter()
        .map(|m| (m.kind, m.out_request_no.unwrap(), m.ours, m.theirs))
        .collect();
    let y = |n| Some(Fen::from_yuan(n));
    assert_eq!(
        got,
        vec![
            (MissingInBill, "R2".into(), y(120), None),
            (Amount, "R3".into(), y(120), y(100)),
            (Status, "R4".into(), y(120), y(120)),
            (MissingHere, "R6".into(), None, y(120)),
            (MissingHere, "R9".into(), None, y(5)),
        ]
    );
    assert!(reconcile_refunds(&[], &[]).is_empty());
}
