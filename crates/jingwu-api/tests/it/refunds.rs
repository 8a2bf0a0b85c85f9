//! Refunds through the payment channel, through the API: requested in the decision's
//! transaction, sent by the refund job to the sandbox channel (which keeps its own ledger, so a
//! test sees money move exactly once), retried with backoff on the injected clock, given up for
//! staff, never recorded on an answer the channel did not sign, and reconciled against the
//! channel's statement.

use std::collections::BTreeMap;

use axum::http::{Method, StatusCode};
use jingwu_app::{RequestCtx, SandboxFault};
use jingwu_payments::RetryPolicy;
use jingwu_testkit::fixtures::permits as pf;
use jingwu_testkit::fixtures::traffic as tf;
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, TestApp};

/// Monday 2027-01-11 10:00 in Beijing.
const START: i64 = 1_799_632_800;
const ITEM: &str = "CRJ-902";
const FEE: i64 = 12_000;
const MINUTE: i64 = 60_000_000;

/// A bureau on a manual clock with the sandbox channel, an item whose fee is refunded on
/// rejection, and an office serving it; refunds retried after 1, 2, 4 … minutes, three calls
/// at most.
async fn bureau() -> (TestApp, String) {
    let t = TestApp::empty()
        .with_city()
        .with_clock(ManualClock::new(
            jiff::Timestamp::from_second(START).unwrap(),
        ))
        .with_config(|c| {
            c.payments.refund_retry = RetryPolicy {
                max_attempts: 3,
                first_delay_us: MINUTE,
                max_delay_us: 60 * MINUTE,
            };
        })
        .build()
        .await;
    tf::sandbox(&t).await;
    let admin = t.login("admin").await;
    pf::item(&t, &admin, ITEM, FEE).await;
    let (office, _) = pf::office(
        &t,
        &admin,
        "330203",
        pf::weekdays(pf::office_day()),
        3,
        0,
        &[ITEM],
    )
    .await;
    (t, office)
}

/// Citizen `n`'s submitted application and its open order: (token, application, checkout).
async fn submitted(t: &TestApp, office: &str, n: u32) -> (String, String, Value) {
    let admin = t.login("admin").await;
    let a = tf::citizen(t, &admin, n, &tf::resident_id(n), "王芳").await;
    let details = json!({"name": "王芳", "resident_id": tf::resident_id(n), "mobile": tf::mobile(n),
        "address": "宁波市海曙区中山西路100号"});
    let r = t
        .post(
            "/api/v1/permits/applications",
            &a,
            json!({"item_code": ITEM, "office_id": office, "details": details}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    pf::upload(t, &a, &id, "id_card", pf::PNG).await;
    let r = t
        .post(
            &format!("/api/v1/permits/applications/{id}/submit"),
            &a,
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "pre_checked", "{}", r.text);
    let checkout = open_order(t, &a, &id).await;
    (a, id, checkout)
}

async fn open_order(t: &TestApp, token: &str, id: &str) -> Value {
    let r = t
        .post(
            &format!("/api/v1/permits/applications/{id}/payments"),
            token,
            json!({"channel": "sandbox"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body
}

/// The payer confirms on the sandbox's page: the channel takes the money and notifies.
async fn pay(t: &TestApp, checkout: &Value) -> String {
    let request: BTreeMap<String, String> =
        serde_json::from_value(checkout["request"].clone()).unwrap();
    let receipt = t
        .app
        .payments()
        .sandbox_pay(&request, &RequestCtx::cli())
        .await
        .unwrap();
    receipt.trade_no
}

fn order_id(checkout: &Value) -> String {
    checkout["order"]["id"].as_str().unwrap().to_owned()
}

/// Citizen `n`'s application, paid and then rejected by the clerk: (token, application, order).
async fn rejected_paid(t: &TestApp, office: &str, n: u32) -> (String, String, String) {
    let (a, id, checkout) = submitted(t, office, n).await;
    pay(t, &checkout).await;
    let clerk = t.login("permit").await;
    let r = t
        .post(
            &format!("/api/v1/permits/applications/{id}/review"),
            &clerk,
            json!({"action": "reject", "note": "不符合受理条件"}),
        )
        .await;
    assert_eq!(r.body["status"], "rejected", "{}", r.text);
    (a, id, order_id(&checkout))
}

async fn application(t: &TestApp, token: &str, id: &str) -> Value {
    let r = t
        .get(&format!("/api/v1/permits/applications/{id}"), token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

/// What the sandbox's own ledger paid back on an order.
async fn paid_back(t: &TestApp, order: &str) -> Vec<i64> {
    t.app
        .payments()
        .sandbox_refunds(order)
        .await
        .unwrap()
        .iter()
        .map(|r| r.amount.0)
        .collect()
}

async fn staff_list(t: &TestApp, who: &str, query: &str) -> Value {
    let token = t.login(who).await;
    let r = t
        .get(&format!("/api/v1/payments/refunds{query}"), &token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

#[tokio::test]
async fn a_rejected_paid_application_is_refunded_once_however_many_jobs_run() {
    let (t, office) = bureau().await;
    let (a, id, order) = rejected_paid(&t, &office, 1).await;
    // Requested with the rejection; nothing paid back yet.
    let v = application(&t, &a, &id).await;
    assert_eq!(v["refunded"], false);
    assert_eq!(v["refunds"].as_array().unwrap().len(), 1, "{v}");
    let refund = &v["refunds"][0];
    assert_eq!(
        (
            &refund["status"],
            &refund["reason"],
            &refund["amount_fen"],
            &refund["order_id"]
        ),
        (
            &json!("requested"),
            &json!("rejected"),
            &json!(FEE),
            &json!(order)
        )
    );
    assert!(refund["done_at"].is_null());
    let o = t.get(&format!("/api/v1/payments/orders/{order}"), &a).await;
    assert_eq!(
        (o.body["status"].clone(), o.body["refunded_fen"].clone()),
        (json!("paid"), json!(FEE))
    );
    assert_eq!(o.body["refunds"][0]["status"], "requested", "{}", o.text);
    // The database itself refuses refunds beyond the payment.
    assert!(
        t.sql_execute("UPDATE payment_orders SET refunded_fen = amount_fen + 1")
            .await
            .is_err()
    );
    assert!(paid_back(&t, &order).await.is_empty());
    // Three passes at once, one of them on another node: one call of the channel, one record.
    let other = t.second_node();
    let (here, there) = (t.app.payments(), other.payments());
    let (x, y, z) = tokio::join!(here.run_refunds(), there.run_refunds(), here.run_refunds());
    let runs = [x.unwrap(), y.unwrap(), z.unwrap()];
    assert_eq!(
        runs.iter().map(|d| d.succeeded).sum::<usize>(),
        1,
        "{runs:?}"
    );
    assert_eq!(runs.iter().map(|d| d.sent).sum::<usize>(), 1, "{runs:?}");
    assert_eq!(paid_back(&t, &order).await, [FEE]);
    // Later passes find nothing to do.
    t.advance(jiff::SignedDuration::from_hours(3));
    assert_eq!(t.app.payments().run_refunds().await.unwrap().sent, 0);
    assert_eq!(paid_back(&t, &order).await, [FEE]);
    let v = application(&t, &a, &id).await;
    assert_eq!(v["refunded"], true);
    assert_eq!(v["refunds"][0]["status"], "succeeded");
    assert_eq!(v["refunds"][0]["done_at"], json!("2027-01-11T02:00:00Z"));
    t.app.kernel().sync_audit().await.unwrap();
    for (action, n) in [
        ("payments.refund.request", 1),
        ("payments.refund.attempt", 1),
        ("payments.refund.succeed", 1),
        ("payments.sandbox.refund", 1),
    ] {
        let sql = "SELECT COUNT(*) FROM audit_log WHERE action = $1";
        assert_eq!(t.sql_count(sql, &[action]).await, n, "{action}");
    }
    assert!(t.audit_intact().await);
}

#[tokio::test]
async fn a_late_payment_for_a_withdrawn_application_and_a_second_payment_are_refunded() {
    let (t, office) = bureau().await;
    // Withdrawn while its order was open; the payer then pays that order anyway.
    let (a, id, checkout) = submitted(&t, &office, 1).await;
    let r = t
        .post(
            &format!("/api/v1/permits/applications/{id}/withdraw"),
            &a,
            json!({}),
        )
        .await;
    assert_eq!(r.body["status"], "withdrawn", "{}", r.text);
    assert!(
        r.body["refunds"].as_array().unwrap().is_empty(),
        "nothing was paid"
    );
    let order = order_id(&checkout);
    pay(&t, &checkout).await;
    let o = t.get(&format!("/api/v1/payments/orders/{order}"), &a).await;
    assert_eq!(
        o.body["status"], "paid",
        "the money is recorded: {}",
        o.text
    );
    assert_eq!(o.body["refunds"][0]["reason"], "not_settled");
    assert_eq!(o.body["refunds"][0]["status"], "requested");
    let v = application(&t, &a, &id).await;
    assert_eq!(
        (v["status"].clone(), v["paid"].clone()),
        (json!("withdrawn"), json!(false))
    );
    // Paid twice: the second payment (on an order closed when the second was opened) settles
    // nothing and goes back too.
    let (b, id2, first) = submitted(&t, &office, 2).await;
    let second = open_order(&t, &b, &id2).await;
    pay(&t, &second).await;
    // The channel takes one payment per order.
    t.call(
        Method::POST,
        "/api/v1/payments/sandbox/pay",
        None,
        Some(json!({"request": second["request"]})),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "payment_channel_refused");
    pay(&t, &first).await;
    let v = application(&t, &b, &id2).await;
    assert_eq!(v["paid"], true);
    let refunds = v["refunds"].as_array().unwrap();
    assert_eq!(refunds.len(), 1, "{v}");
    assert_eq!(refunds[0]["order_id"], json!(order_id(&first)));
    let done = t.app.payments().run_refunds().await.unwrap();
    assert_eq!((done.sent, done.succeeded), (2, 2));
    assert_eq!(paid_back(&t, &order).await, [FEE]);
    assert_eq!(paid_back(&t, &order_id(&first)).await, [FEE]);
    assert!(paid_back(&t, &order_id(&second)).await.is_empty());
    // Payments that never settled a fee leave the fee's own flag alone.
    let v = application(&t, &a, &id).await;
    assert_eq!(
        (v["refunded"].clone(), v["refunds"][0]["status"].clone()),
        (json!(false), json!("succeeded"))
    );
    assert_eq!(application(&t, &b, &id2).await["refunded"], false);
}

#[tokio::test]
async fn a_failing_channel_is_retried_with_backoff_then_given_up_for_staff() {
    let (t, office) = bureau().await;
    let (a, id, order) = rejected_paid(&t, &office, 1).await;
    t.app.payments().sandbox_fault(Some(SandboxFault::Refuse));
    let pass = async || t.app.payments().run_refunds().await.unwrap();
    let d = pass().await;
    assert_eq!((d.sent, d.retried), (1, 1));
    let listed = staff_list(&t, "admin", "?status=requested").await;
    assert_eq!(listed[0]["attempts"], 1, "{listed}");
    assert!(
        listed[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("ACQ.SYSTEM_ERROR")
    );
    assert_eq!(listed[0]["next_attempt_at"], "2027-01-11T02:01:00Z");
    // Not before it is due: 1 minute after the first attempt, then 2 minutes.
    assert_eq!(pass().await.sent, 0);
    t.advance(jiff::SignedDuration::from_secs(59));
    assert_eq!(pass().await.sent, 0);
    t.advance(jiff::SignedDuration::from_secs(1));
    assert_eq!(pass().await.retried, 1);
    assert_eq!(
        staff_list(&t, "admin", "?status=requested").await[0]["next_attempt_at"],
        "2027-01-11T02:03:00Z"
    );
    t.advance(jiff::SignedDuration::from_mins(2));
    let d = pass().await;
    assert_eq!((d.sent, d.failed), (1, 1), "the third call was the last");
    t.advance(jiff::SignedDuration::from_hours(5));
    assert_eq!(pass().await.sent, 0, "given up: never sent again");
    assert!(paid_back(&t, &order).await.is_empty());
    let v = application(&t, &a, &id).await;
    assert_eq!(
        (v["refunded"].clone(), v["refunds"][0]["status"].clone()),
        (json!(false), json!("failed_final"))
    );
    // Staff of the subject's system and admins see it; other roles may not ask; other
    // jurisdictions see nothing.
    for who in ["admin", "permit"] {
        let l = staff_list(&t, who, "").await;
        assert_eq!(l.as_array().unwrap().len(), 1, "{who}: {l}");
        assert_eq!(
            (
                l[0]["status"].clone(),
                l[0]["attempts"].clone(),
                l[0]["subject_kind"].clone(),
                l[0]["subject_id"].clone()
            ),
            (
                json!("failed_final"),
                json!(3),
                json!("permit_application"),
                json!(id)
            )
        );
        assert!(l[0]["next_attempt_at"].is_null());
    }
    assert!(
        staff_list(&t, "traffic", "")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        staff_list(&t, "gulou.admin", "")
            .await
            .as_array()
            .unwrap()
            .is_empty()
    );
    for who in ["officer", "citizen"] {
        let token = t.login(who).await;
        t.get("/api/v1/payments/refunds", &token)
            .await
            .problem(StatusCode::FORBIDDEN, "forbidden");
    }
    let admin = t.login("admin").await;
    t.get("/api/v1/payments/refunds?status=lost", &admin)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
}

#[tokio::test]
async fn the_channel_refuses_more_than_was_paid_and_the_refund_is_given_up_at_once() {
    let (t, office) = bureau().await;
    let (_, _, order) = rejected_paid(&t, &office, 1).await;
    // As if the channel had paid back a fen of this trade already (outside Jingwu).
    let moved = t
        .sql_execute("UPDATE payment_sandbox_trades SET refunded_fen = 1")
        .await
        .unwrap();
    assert_eq!(moved, 1);
    let d = t.app.payments().run_refunds().await.unwrap();
    assert_eq!((d.sent, d.failed), (1, 1), "a final refusal is not retried");
    let l = staff_list(&t, "permit", "").await;
    assert!(
        l[0]["last_error"]
            .as_str()
            .unwrap()
            .contains("ACQ.REFUND_AMT_NOT_EQUAL_TOTAL"),
        "{l}"
    );
    assert!(paid_back(&t, &order).await.is_empty());
}

#[tokio::test]
async fn an_answer_not_signed_by_the_channel_is_never_recorded_as_success() {
    let (t, office) = bureau().await;
    let (a, id, order) = rejected_paid(&t, &office, 1).await;
    // The channel pays, but its answer does not verify with its public key.
    t.app
        .payments()
        .sandbox_fault(Some(SandboxFault::BadSignature));
    let d = t.app.payments().run_refunds().await.unwrap();
    assert_eq!((d.sent, d.succeeded, d.retried), (1, 0, 1));
    assert_eq!(paid_back(&t, &order).await, [FEE]);
    let v = application(&t, &a, &id).await;
    assert_eq!(
        (v["refunded"].clone(), v["refunds"][0]["status"].clone()),
        (json!(false), json!("requested"))
    );
    let listed = staff_list(&t, "permit", "?status=requested").await;
    assert!(
        listed[0]["last_error"]
            .as_str()
            .unwrap()
            .starts_with("bad_signature"),
        "{listed}"
    );
    // Sent again with the same request number once the answers verify: refunded once.
    t.app.payments().sandbox_fault(None);
    t.advance(jiff::SignedDuration::from_mins(1));
    let d = t.app.payments().run_refunds().await.unwrap();
    assert_eq!(
        (d.sent, d.succeeded),
        (1, 1),
        "{}",
        staff_list(&t, "permit", "?status=requested").await
    );
    assert_eq!(paid_back(&t, &order).await, [FEE]);
    let v = application(&t, &a, &id).await;
    assert_eq!(
        (v["refunded"].clone(), v["refunds"][0]["status"].clone()),
        (json!(true), json!("succeeded"))
    );
}

#[tokio::test]
async fn the_sandbox_gateway_checks_the_merchant_signature_and_signs_its_answer() {
    let (t, _) = bureau().await;
    let body = "app_id=x&method=alipay.trade.refund&biz_content=%7B%7D&sign=Zm9yZ2Vk";
    let req = axum::http::Request::builder()
        .method(Method::POST)
        .uri("/api/v1/payments/sandbox/gateway")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap();
    let r = t.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.body["alipay_trade_refund_response"]["code"], "40002",
        "{}",
        r.text
    );
    assert!(r.body["sign"].as_str().is_some_and(|s| !s.is_empty()));
    t.call(
        Method::POST,
        "/api/v1/payments/sandbox/gateway",
        None,
        Some(json!({"method": "alipay.trade.refund"})),
    )
    .await
    .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
}

#[tokio::test]
async fn a_refund_goes_over_http_to_the_channels_gateway_url() {
    let (t, office) = bureau().await;
    let (_, _, order) = rejected_paid(&t, &office, 1).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = t.router.clone();
    let server = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    let system = t.app.foundation().system_principal().await.unwrap();
    let ctx = RequestCtx::cli();
    for bad in [
        "https://openapi.example.com/gateway.do",
        "not a url",
        "http://",
    ] {
        let e = t
            .app
            .payments()
            .set_gateway(&system, "sandbox", Some(bad), &ctx)
            .await
            .unwrap_err();
        assert_eq!(e.code(), "validation_failed", "{bad}");
    }
    let url = format!("http://{addr}/api/v1/payments/sandbox/gateway");
    t.app
        .payments()
        .set_gateway(&system, "sandbox", Some(&url), &ctx)
        .await
        .unwrap();
    let d = t.app.payments().run_refunds().await.unwrap();
    assert_eq!((d.sent, d.succeeded), (1, 1), "{d:?}");
    assert_eq!(paid_back(&t, &order).await, [FEE]);
    server.abort();
}

#[tokio::test]
async fn reconciliation_compares_refunds_with_the_channels_statement() {
    let (t, office) = bureau().await;
    let (_, _, good) = rejected_paid(&t, &office, 1).await;
    assert_eq!(t.app.payments().run_refunds().await.unwrap().succeeded, 1);
    // The channel pays this one but no answer of it verifies: given up here, paid there.
    let (_, _, lost) = rejected_paid(&t, &office, 2).await;
    t.app
        .payments()
        .sandbox_fault(Some(SandboxFault::BadSignature));
    for _ in 0..3 {
        t.app.payments().run_refunds().await.unwrap();
        t.advance(jiff::SignedDuration::from_mins(5));
    }
    t.app.payments().sandbox_fault(None);
    assert_eq!(paid_back(&t, &lost).await, [FEE]);
    let day: jiff::civil::Date = "2027-01-11".parse().unwrap();
    let statement = t.app.payments().sandbox_statement(day).await.unwrap();
    assert!(statement.contains(",REFUND_SUCCESS,RF"), "{statement}");
    let system = t.app.foundation().system_principal().await.unwrap();
    let found = t
        .app
        .payments()
        .reconcile(&system, "sandbox", Some(day), &statement)
        .await
        .unwrap();
    let found: Vec<(String, String, bool)> = found
        .iter()
        .map(|m| {
            (
                m.kind.as_str().to_owned(),
                m.out_trade_no.clone(),
                m.out_request_no.is_some(),
            )
        })
        .collect();
    assert_eq!(found, [("status".to_owned(), lost.clone(), true)]);
    // A statement without the good refund's line: missing in the bill.
    let without: String = statement
        .lines()
        .filter(|l| !(l.contains(&good) && l.contains("REFUND_SUCCESS")))
        .map(|l| format!("{l}\n"))
        .collect();
    let found = t
        .app
        .payments()
        .reconcile(&system, "sandbox", Some(day), &without)
        .await
        .unwrap();
    assert!(
        found
            .iter()
            .any(|m| m.kind.as_str() == "missing_in_bill" && m.out_trade_no == good),
        "{found:?}"
    );
}
