use jingwu_core::calendar::local_midnight;
use jingwu_payments::payment::parse_beijing_time;
use jingwu_payments::{
    Fen, Notification, NotifyCheck, NotifyRejection, OrderFacts, OrderStatus, TradeStatus,
    check_notification, order_expiry, parse_notification, yuan_text,
};

use crate::channel::params;
use crate::d;

const HOUR: i64 = 3_600_000_000;
const APP: &str = "2021000000000001";

#[test]
fn orders_expire_at_the_ttl_or_local_midnight_whichever_first() {
    let midnight = local_midnight(d("2026-03-02"));
    let morning = midnight - 14 * HOUR; // 10:00 on 1 March, Beijing time
    assert_eq!(order_expiry(morning, 2 * HOUR), morning + 2 * HOUR);
    let late = midnight - HOUR; // 23:00
    assert_eq!(order_expiry(late, 2 * HOUR), midnight);
    assert_eq!(order_expiry(late, -5), late);
    assert_eq!(order_expiry(late, i64::MAX), midnight);
}

#[test]
fn parses_a_notification() {
    let p = params(&[
        ("app_id", APP),
        ("out_trade_no", "T1"),
        ("trade_no", "2026030122001"),
        ("total_amount", "206.00"),
        ("trade_status", "TRADE_SUCCESS"),
        ("gmt_payment", "2026-03-01 10:00:00"),
        ("sign", "ignored here"),
    ]);
    let n = parse_notification(&p).unwrap();
    assert_eq!(
        n,
        Notification {
            app_id: APP.into(),
            out_trade_no: "T1".into(),
            trade_no: "2026030122001".into(),
            total_amount: Fen(20_600),
            trade_status: TradeStatus::TradeSuccess,
            gmt_payment: Some(local_midnight(d("2026-03-01")) + 10 * HOUR),
        }
    );
    assert_eq!(
        parse_beijing_time("2026-03-01 00:00:00"),
        Some(local_midnight(d("2026-03-01")))
    );
    assert_eq!(parse_beijing_time("2026-03-01T00:00:00"), None);
}

#[test]
fn malformed_notifications_are_rejected_with_their_consequence() {
    let good = [
        ("app_id", APP),
        ("out_trade_no", "T1"),
        ("trade_no", "X1"),
        ("total_amount", "200.00"),
        ("trade_status", "TRADE_SUCCESS"),
        ("gmt_payment", "2026-03-01 10:00:00"),
    ];
    let with = |key: &str, value: Option<&str>| {
        let mut p = params(&good);
        match value {
            Some(v) => p.insert(key.into(), v.into()),
            None => p.remove(key),
        };
        parse_notification(&p)
    };
    use NotifyRejection::*;
    assert_eq!(with("app_id", None), Err(WrongApp));
    assert_eq!(with("out_trade_no", Some("")), Err(UnknownOrder));
    assert_eq!(with("trade_no", None), Err(OtherTrade));
    assert_eq!(with("total_amount", Some("200.001")), Err(WrongAmount));
    assert_eq!(with("total_amount", Some("-200.00")), Err(WrongAmount));
    assert_eq!(with("total_amount", Some("2e2")), Err(WrongAmount));
    assert_eq!(with("trade_status", Some("trade_success")), Err(NotPaid));
    assert_eq!(with("gmt_payment", Some("01/03/2026 10:00")), Err(Expired));
    assert_eq!(with("gmt_payment", None).unwrap().gmt_payment, None);
}

fn order(status: OrderStatus, trade_no: Option<&str>) -> OrderFacts {
    OrderFacts {
        status,
        amount: Fen::from_yuan(200),
        expires_at: local_midnight(d("2026-03-02")),
        trade_no: trade_no.map(str::to_owned),
    }
}

fn note(paid_at: i64) -> Notification {
    Notification {
        app_id: APP.into(),
        out_trade_no: "T1".into(),
        trade_no: "X1".into(),
        total_amount: Fen::from_yuan(200),
        trade_status: TradeStatus::TradeSuccess,
        gmt_payment: Some(paid_at),
    }
}

#[test]
fn settles_once_then_acknowledges_repeats() {
    let expiry = local_midnight(d("2026-03-02"));
    let pending = order(OrderStatus::Pending, None);
    assert_eq!(
        check_notification(APP, Some(&pending), &note(expiry - HOUR)),
        NotifyCheck::Settle
    );
    assert_eq!(
        check_notification(APP, Some(&pending), &note(expiry)),
        NotifyCheck::Settle,
        "at expiry"
    );
    let paid = order(OrderStatus::Paid, Some("X1"));
    assert_eq!(
        check_notification(APP, Some(&paid), &note(expiry - HOUR)),
        NotifyCheck::AlreadySettled
    );
    let mut finished = note(expiry - HOUR);
    finished.trade_status = TradeStatus::TradeFinished;
    assert_eq!(
        check_notification(APP, Some(&paid), &finished),
        NotifyCheck::AlreadySettled
    );
}

#[test]
fn timeliness_is_judged_by_the_payment_time() {
    let expiry = local_midnight(d("2026-03-02"));
    // Swept to expired meanwhile, but paid in time: settles.
    let swept = order(OrderStatus::Expired, None);
    assert_eq!(
        check_notification(APP, Some(&swept), &note(expiry - 1)),
        NotifyCheck::Settle
    );
    let reject = |r| NotifyCheck::Reject(r);
    let pending = order(OrderStatus::Pending, None);
    assert_eq!(
        check_notification(APP, Some(&pending), &note(expiry + 1)),
        reject(NotifyRejection::Expired)
    );
    let mut no_time = note(0);
    no_time.gmt_payment = None;
    assert_eq!(
        check_notification(APP, Some(&pending), &no_time),
        reject(NotifyRejection::Expired)
    );
    // Closed (its subject withdrawn, or paid by another order) but paid in time: the money
    // is recorded (and refunded when the subject takes nothing); paid late, refused.
    let closed = order(OrderStatus::Closed, None);
    assert_eq!(
        check_notification(APP, Some(&closed), &note(expiry - HOUR)),
        NotifyCheck::Settle
    );
    assert_eq!(
        check_notification(APP, Some(&closed), &note(expiry + 1)),
        reject(NotifyRejection::Expired)
    );
}

#[test]
fn every_rejection() {
    let expiry = local_midnight(d("2026-03-02"));
    let pending = order(OrderStatus::Pending, None);
    let ok = note(expiry - HOUR);
    let reject = NotifyCheck::Reject;
    use NotifyRejection::*;
    assert_eq!(
        check_notification("other-app", Some(&pending), &ok),
        reject(WrongApp)
    );
    assert_eq!(check_notification(APP, None, &ok), reject(UnknownOrder));
    let mut cheap = ok.clone();
    cheap.total_amount = Fen(19_999);
    assert_eq!(
        check_notification(APP, Some(&pending), &cheap),
        reject(WrongAmount)
    );
    let mut dear = ok.clone();
    dear.total_amount = Fen(20_001);
    assert_eq!(
        check_notification(APP, Some(&pending), &dear),
        reject(WrongAmount)
    );
    for status in [TradeStatus::WaitBuyerPay, TradeStatus::TradeClosed] {
        let mut unpaid = ok.clone();
        unpaid.trade_status = status;
        assert_eq!(
            check_notification(APP, Some(&pending), &unpaid),
            reject(NotPaid)
        );
    }
    let paid_elsewhere = order(OrderStatus::Paid, Some("X0"));
    assert_eq!(
        check_notification(APP, Some(&paid_elsewhere), &ok),
        reject(OtherTrade)
    );
    assert_eq!(
        check_notification(APP, Some(&pending), &note(expiry + HOUR)),
        reject(Expired)
    );
    // BadSignature is the caller's verdict from verify_rsa2; it has its code and labels.
    assert_eq!(BadSignature.as_str(), "bad_signature");
    assert_eq!(BadSignature.label_zh(), "签名验证失败");
}

#[test]
fn yuan_text_for_channels() {
    assert_eq!(yuan_text(Fen::from_yuan(200)), "200.00");
    assert_eq!(yuan_text(Fen(20_601)), "206.01");
    assert_eq!(yuan_text(Fen(7)), "0.07");
    for fen in [0, 1, 99, 100, 12_345, 99_999_999] {
        assert_eq!(Fen::parse_yuan(&yuan_text(Fen(fen))), Ok(Fen(fen)));
    }
}
