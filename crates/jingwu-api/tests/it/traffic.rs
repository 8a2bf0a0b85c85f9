//! Traffic services through the API, as a bureau and its citizens use them from an empty
//! registry: licences and vehicles, a camera violation, a citizen who registers with a
//! one-time code and accepts it, the late fee, study that reduces points under both profiles,
//! payment through the sandbox channel — and what a forger or a race cannot do to it.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::http::{Method, StatusCode};
use jingwu_testkit::fixtures::traffic as tf;
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, Resp, TestApp};

/// 2027-01-11 10:00 in Beijing.
const START: i64 = 1_799_632_800;

async fn city_with(profile: jingwu_traffic::Profile) -> TestApp {
    let t = TestApp::empty()
        .with_city()
        .with_clock(ManualClock::new(
            jiff::Timestamp::from_second(START).unwrap(),
        ))
        .with_config(|c| c.traffic.profile = profile)
        .build()
        .await;
    tf::sandbox(&t).await;
    t
}

async fn city() -> TestApp {
    city_with(jingwu_traffic::Profile::Order163).await
}

/// A registered driver (licence first issued 2015-03-10, one vehicle) and a pending camera
/// violation of `code` on that vehicle: (citizen token, violation id).
async fn driver(t: &TestApp, n: u32, code: &str) -> (String, String) {
    let clerk = t.login("traffic").await;
    let admin = t.login("admin").await;
    let officer = t.login("officer").await;
    let rid = tf::resident_id(n);
    tf::licence(t, &clerk, &rid, "李明", "2015-03-10").await;
    tf::vehicle(t, &clerk, &tf::plate(n), &rid, "李明").await;
    let v = tf::violation(t, &officer, &tf::plate(n), code).await;
    let token = tf::citizen(t, &admin, n, &rid, "李明").await;
    (token, v)
}

async fn points(t: &TestApp, token: &str) -> Value {
    let r = t.get("/api/v1/traffic/me", token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["points"].clone()
}

async fn violation(t: &TestApp, token: &str, id: &str) -> Value {
    let r = t
        .get(&format!("/api/v1/traffic/violations/{id}"), token)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
}

/// The right answers of a quiz, from the question bank.
fn right_answers(quiz: &Value) -> Vec<u8> {
    quiz["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            jingwu_traffic::quiz::question(q["id"].as_str().unwrap())
                .unwrap()
                .answer
        })
        .collect()
}

async fn pass_quiz(t: &TestApp, token: &str) -> Value {
    let q = t
        .call(Method::POST, "/api/v1/traffic/quizzes", Some(token), None)
        .await;
    assert_eq!(q.status, StatusCode::CREATED, "{}", q.text);
    let r = t
        .post(
            &format!(
                "/api/v1/traffic/quizzes/{}/answers",
                q.body["id"].as_str().unwrap()
            ),
            token,
            json!({"answers": right_answers(&q.body)}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["passed"], true, "{}", r.text);
    r.body
}

#[tokio::test]
async fn a_bureau_registers_drivers_and_a_citizen_processes_a_camera_violation() {
    let t = city().await;
    let clerk = t.login("traffic").await;
    let admin = t.login("admin").await;
    let officer = t.login("officer").await;
    let rid = tf::resident_id(1);

    // The registries refuse what is wrong, field by field.
    let r = t
        .post(
            "/api/v1/traffic/licences",
            &clerk,
            json!({"resident_id": "330203198501010000", "holder_name": "", "class": "Z9",
                   "first_issued_on": "2015-13-01", "expires_on": "2031-01-01"}),
        )
        .await;
    let body = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        fields,
        ["resident_id", "holder_name", "class", "first_issued_on"],
        "{}",
        r.text
    );
    tf::licence(&t, &clerk, &rid, "李明", "2015-03-10").await;
    let again = t
        .post(
            "/api/v1/traffic/licences",
            &clerk,
            json!({"resident_id": rid, "holder_name": "李明", "class": "C1",
                   "first_issued_on": "2015-03-10", "expires_on": "2031-01-01"}),
        )
        .await;
    again.problem(StatusCode::CONFLICT, "licence_exists");
    let bad_plate = t
        .post(
            "/api/v1/traffic/vehicles",
            &clerk,
            json!({"plate": "浙B12", "owner_resident_id": rid, "owner_name": "李明",
                   "model": "轿车", "inspection_due_on": "2031-01-01"}),
        )
        .await;
    let body = bad_plate.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "traffic_plate.invalid");
    tf::vehicle(&t, &clerk, &tf::plate(1), &rid, "李明").await;
    let bad_code = t
        .post(
            "/api/v1/traffic/violations",
            &officer,
            json!({"plate": tf::plate(1), "code": "99999", "place": "路口", "lat": 29.87,
                   "lon": 121.55, "occurred_at": t.now().to_string(), "source": "camera"}),
        )
        .await;
    let body = bad_code.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "violation_code.unknown");
    let v = tf::violation(&t, &officer, &tf::plate(1), "16250").await;

    // A code to the phone: once a minute; a wrong code is refused (and counted).
    let m = tf::mobile(1);
    let otp = |mobile: String| {
        let t = &t;
        async move {
            t.call(
                Method::POST,
                "/api/v1/traffic/otp",
                None,
                Some(json!({"mobile": mobile, "purpose": "register"})),
            )
            .await
        }
    };
    assert_eq!(otp(m.clone()).await.status, StatusCode::ACCEPTED);
    otp(m.clone())
        .await
        .problem(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    let register = |code: String, rid: String, mobile: String| {
        let t = &t;
        async move {
            t.call(
                Method::POST,
                "/api/v1/traffic/citizens",
                None,
                Some(
                    json!({"real_name": "李明", "resident_id": rid, "mobile": mobile,
                            "code": code, "password": jingwu_testkit::PASSWORD}),
                ),
            )
            .await
        }
    };
    let code = tf::last_code(&t, &admin, &m).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    register(wrong.into(), rid.clone(), m.clone())
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "otp_invalid");
    let ok = register(code.clone(), rid.clone(), m.clone()).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.text);
    assert_eq!(ok.body["licence"]["class"], "C1");
    assert_eq!(
        ok.body["resident_id_masked"],
        format!("3302************{}", &rid[16..])
    );
    // The code is spent; the resident ID cannot register twice.
    register(code, rid.clone(), m.clone())
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "otp_invalid");
    let m2 = tf::mobile(2);
    otp(m2.clone()).await;
    let code2 = tf::last_code(&t, &admin, &m2).await;
    register(code2, rid.clone(), m2)
        .await
        .problem(StatusCode::CONFLICT, "resident_id_taken");

    // The citizen signs in with the mobile number and sees the camera violation.
    let me = t.login(&m).await;
    let p = points(&t, &me).await;
    assert_eq!(
        (p["balance"].as_u64(), p["profile"].as_str()),
        (Some(0), Some("order163"))
    );
    assert_eq!(
        (p["cycle_start"].as_str(), p["cycle_end"].as_str()),
        (Some("2026-03-10"), Some("2027-03-10"))
    );
    let list = t.get("/api/v1/traffic/violations", &me).await;
    assert_eq!(list.body.as_array().unwrap().len(), 1, "{}", list.text);
    assert_eq!(list.body[0]["status"], "pending");
    assert!(
        list.body[0]["due_today"].is_null(),
        "no decision, no fine due"
    );

    // Accepting it serves the decision today and scores the points once.
    let r = t
        .post(
            &format!("/api/v1/traffic/violations/{v}/accept"),
            &me,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "decided");
    assert_eq!(
        (r.body["served_on"].as_str(), r.body["deadline_on"].as_str()),
        (Some("2027-01-11"), Some("2027-01-26"))
    );
    assert_eq!(r.body["due_today"]["amount_due_fen"], 20_000);
    t.post(
        &format!("/api/v1/traffic/violations/{v}/accept"),
        &me,
        json!({}),
    )
    .await
    .problem(StatusCode::CONFLICT, "violation_not_pending");
    assert_eq!(points(&t, &me).await["balance"], 6);

    // Another citizen neither sees nor touches it; the clerk sees it in the queue.
    let (other, _) = driver(&t, 3, "10390").await;
    for r in [
        t.get(&format!("/api/v1/traffic/violations/{v}"), &other)
            .await,
        t.post(
            &format!("/api/v1/traffic/violations/{v}/payments"),
            &other,
            json!({"channel": "sandbox"}),
        )
        .await,
    ] {
        r.problem(StatusCode::NOT_FOUND, "not_found");
    }
    let queue = t
        .get("/api/v1/traffic/violations?status=decided", &clerk)
        .await;
    assert!(
        queue
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == v.as_str())
    );
}

#[tokio::test]
async fn the_late_fee_grows_after_the_deadline_and_stops_at_the_fine() {
    let t = city().await;
    let (me, v) = driver(&t, 10, "16250").await; // ¥200
    tf::accept(&t, &me, &v).await;
    let day = jiff::SignedDuration::from_hours(24);
    t.advance(day * 15); // the deadline: still on time (a new session: days have passed)
    let me = t.login(&tf::mobile(10)).await;
    assert_eq!(violation(&t, &me, &v).await["due_today"]["days_late"], 0);
    t.advance(day); // one day late: 3 %
    let me = t.login(&tf::mobile(10)).await;
    let due = violation(&t, &me, &v).await["due_today"].clone();
    assert_eq!(
        (due["days_late"].as_i64(), due["surcharge_fen"].as_i64()),
        (Some(1), Some(600))
    );
    let o = tf::order(&t, &me, &v).await;
    assert_eq!(
        o["order"]["amount_fen"], 20_600,
        "the order carries today's late fee"
    );
    t.advance(day * 33); // 34 days late: capped at the fine
    let me = t.login(&tf::mobile(10)).await;
    let due = violation(&t, &me, &v).await["due_today"].clone();
    assert_eq!(
        (
            due["surcharge_fen"].as_i64(),
            due["amount_due_fen"].as_i64()
        ),
        (Some(20_000), Some(40_000))
    );
    // An order from an earlier day cannot settle today's amount: it has expired.
    let stale = t
        .get(
            &format!(
                "/api/v1/payments/orders/{}",
                o["order"]["id"].as_str().unwrap()
            ),
            &me,
        )
        .await;
    assert_eq!(stale.body["status"], "expired", "{}", stale.text);
}

/// A notification as the sandbox channel would send it for `order`, signed with its key.
async fn notification(
    t: &TestApp,
    order: &Value,
    trade_no: &str,
    amount: &str,
) -> BTreeMap<String, String> {
    let mut p = BTreeMap::new();
    p.insert(
        "app_id".to_owned(),
        t.app.payments().sandbox_app_id().await.unwrap(),
    );
    p.insert(
        "out_trade_no".to_owned(),
        order["id"].as_str().unwrap().to_owned(),
    );
    p.insert("trade_no".to_owned(), trade_no.to_owned());
    p.insert("total_amount".to_owned(), amount.to_owned());
    p.insert("trade_status".to_owned(), "TRADE_SUCCESS".to_owned());
    p.insert(
        "gmt_payment".to_owned(),
        jingwu_payments::beijing_time_text(jingwu_core::timestamp_to_micros(t.now())),
    );
    p.insert("sign_type".to_owned(), "RSA2".to_owned());
    signed(t, p).await
}

async fn signed(t: &TestApp, mut p: BTreeMap<String, String>) -> BTreeMap<String, String> {
    p.remove("sign");
    let sign = t.app.payments().sandbox_sign(&p).await.unwrap();
    p.insert("sign".to_owned(), sign);
    p
}

async fn post_notification(t: &TestApp, p: &BTreeMap<String, String>) -> Resp {
    let pairs: Vec<(String, String)> = p.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    tf::notify(t, "sandbox", &pairs).await
}

#[tokio::test]
async fn a_fine_is_paid_through_the_sandbox_channel_once() {
    let t = city().await;
    let (me, v) = driver(&t, 20, "16250").await;
    tf::accept(&t, &me, &v).await;
    let checkout = tf::order(&t, &me, &v).await;
    let order = &checkout["order"];
    assert_eq!(
        (order["status"].as_str(), order["amount_fen"].as_i64()),
        (Some("pending"), Some(20_000))
    );
    assert_eq!(checkout["request"]["sign_type"], "RSA2");
    assert!(
        checkout["pay_url"]
            .as_str()
            .unwrap()
            .starts_with("/pay/sandbox/")
    );

    // A request whose signature does not verify is refused by the channel.
    let mut tampered = checkout["request"].clone();
    tampered["biz_content"] = json!(
        checkout["request"]["biz_content"]
            .as_str()
            .unwrap()
            .replace("200.00", "0.01")
    );
    t.call(
        Method::POST,
        "/api/v1/payments/sandbox/pay",
        None,
        Some(json!({"request": tampered})),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "payment_channel_refused");

    // The payer confirms; the channel's signed notification settles order and fine.
    let paid = t
        .call(
            Method::POST,
            "/api/v1/payments/sandbox/pay",
            None,
            Some(json!({"request": checkout["request"]})),
        )
        .await;
    assert_eq!(paid.status, StatusCode::OK, "{}", paid.text);
    assert_eq!(
        (
            paid.body["settled"].as_bool(),
            paid.body["order"]["status"].as_str()
        ),
        (Some(true), Some("paid"))
    );
    let v_now = violation(&t, &me, &v).await;
    assert_eq!(
        (v_now["status"].as_str(), v_now["paid_on"].as_str()),
        (Some("paid"), Some("2027-01-11"))
    );
    let o = t
        .get(
            &format!("/api/v1/payments/orders/{}", order["id"].as_str().unwrap()),
            &me,
        )
        .await;
    assert_eq!(o.body["trade_no"], paid.body["trade_no"]);

    // The channel repeats its notification: the same acknowledgement, nothing changes.
    let n = notification(&t, order, paid.body["trade_no"].as_str().unwrap(), "200.00").await;
    let head = t.audit_head().await;
    let r = post_notification(&t, &n).await;
    assert_eq!((r.status, r.text.as_str()), (StatusCode::OK, "success"));
    assert_eq!(t.audit_head().await, head);
    // Paying again opens nothing.
    t.post(
        &format!("/api/v1/traffic/violations/{v}/payments"),
        &me,
        json!({"channel": "sandbox"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "already_paid");
}

#[tokio::test]
async fn forged_tampered_and_wrong_amount_notifications_change_nothing() {
    let t = city().await;
    let (me, v) = driver(&t, 30, "16250").await;
    tf::accept(&t, &me, &v).await;
    let order = tf::order(&t, &me, &v).await["order"].clone();
    let head = t.audit_head().await;
    let good = notification(&t, &order, "T-1", "200.00").await;

    let mut forged = good.clone();
    forged.insert("sign".into(), "Zm9yZ2Vk".into());
    let mut tampered = good.clone();
    tampered.insert("total_amount".into(), "2.00".into());
    let wrong_amount = notification(&t, &order, "T-1", "2.00").await;
    let mut other_app = good.clone();
    other_app.insert("app_id".into(), "2026000000000000".into());
    let other_app = signed(&t, other_app).await;
    let mut unknown = good.clone();
    unknown.insert("out_trade_no".into(), "no-such-order".into());
    let unknown = signed(&t, unknown).await;
    let mut not_paid = good.clone();
    not_paid.insert("trade_status".into(), "WAIT_BUYER_PAY".into());
    let not_paid = signed(&t, not_paid).await;
    for (n, reason) in [
        (&forged, "bad_signature"),
        (&tampered, "bad_signature"),
        (&wrong_amount, "wrong_amount"),
        (&other_app, "wrong_app"),
        (&unknown, "unknown_order"),
        (&not_paid, "not_paid"),
    ] {
        let r = post_notification(&t, n).await;
        let body = r.problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "payment_notification_rejected",
        );
        assert!(
            body["detail"].as_str().unwrap().starts_with(reason),
            "{reason}: {}",
            r.text
        );
    }
    assert_eq!(
        t.audit_head().await,
        head,
        "a refused notification changed something"
    );
    assert_eq!(violation(&t, &me, &v).await["status"], "decided");

    // The genuine one settles; another transaction for the same order is refused.
    assert_eq!(post_notification(&t, &good).await.text, "success");
    let second = notification(&t, &order, "T-2", "200.00").await;
    let r = post_notification(&t, &second).await;
    assert!(
        r.problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "payment_notification_rejected"
        )["detail"]
            .as_str()
            .unwrap()
            .starts_with("other_trade")
    );
    // A notification must be form-encoded.
    let r = t
        .post("/api/v1/payments/notify/sandbox", &me, json!({}))
        .await;
    r.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_duplicate_notifications_settle_once() {
    let t = Arc::new(city().await);
    let (me, v) = driver(&t, 40, "16250").await;
    tf::accept(&t, &me, &v).await;
    let order = tf::order(&t, &me, &v).await["order"].clone();
    let n = notification(&t, &order, "T-RACE", "200.00").await;
    let before = t.audit_head().await.0;
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (t, n) = (t.clone(), n.clone());
        tasks.push(tokio::spawn(async move {
            let r = post_notification(&t, &n).await;
            (r.status, r.text)
        }));
    }
    for task in tasks {
        let (status, text) = task.await.unwrap();
        assert_eq!((status, text.as_str()), (StatusCode::OK, "success"));
    }
    assert_eq!(t.audit_head().await.0, before + 1, "settled more than once");
    assert_eq!(violation(&t, &me, &v).await["status"], "paid");

    // And 20 different transactions racing for one new order: exactly one wins.
    let (me2, v2) = driver(&t, 41, "16250").await;
    tf::accept(&t, &me2, &v2).await;
    let order2 = tf::order(&t, &me2, &v2).await["order"].clone();
    let mut tasks = Vec::new();
    for i in 0..20 {
        let n = notification(&t, &order2, &format!("T-{i}"), "200.00").await;
        let t = t.clone();
        tasks.push(tokio::spawn(async move {
            post_notification(&t, &n).await.status
        }));
    }
    let mut ok = 0;
    for task in tasks {
        if task.await.unwrap() == StatusCode::OK {
            ok += 1;
        }
    }
    assert_eq!(ok, 1);
    assert!(t.audit_intact().await);
}

#[tokio::test]
async fn study_reduces_points_under_order163_and_names_the_rule_that_refuses() {
    let t = city().await;
    // Nothing recorded: passing earns nothing.
    let (clean, _) = driver(&t, 50, "10390").await;
    let r = pass_quiz(&t, &clean).await;
    assert_eq!(r["refusal"]["rule"], "nothing_recorded", "{r}");

    let (me, v) = driver(&t, 51, "16250").await;
    tf::accept(&t, &me, &v).await;
    let officer = t.login("officer").await;
    let v2 = tf::violation(&t, &officer, &tf::plate(51), "13030").await; // 3 points
    tf::accept(&t, &me, &v2).await;
    assert_eq!(points(&t, &me).await["balance"], 9);
    for left in (3..=8).rev() {
        let r = pass_quiz(&t, &me).await;
        assert_eq!(
            (r["reduced"].as_u64(), r["points"]["balance"].as_u64()),
            (Some(1), Some(left)),
            "{r}"
        );
    }
    assert_eq!(pass_quiz(&t, &me).await["refusal"]["rule"], "cycle_cap");

    // A failed quiz earns nothing; a submitted one takes no second answer; time runs out.
    let q = t
        .call(Method::POST, "/api/v1/traffic/quizzes", Some(&me), None)
        .await;
    let id = q.body["id"].as_str().unwrap();
    let wrong: Vec<u8> = right_answers(&q.body).iter().map(|a| (a + 1) % 2).collect();
    let r = t
        .post(
            &format!("/api/v1/traffic/quizzes/{id}/answers"),
            &me,
            json!({"answers": wrong}),
        )
        .await;
    assert_eq!(
        (r.body["passed"].as_bool(), r.body["reduced"].is_null()),
        (Some(false), true),
        "{}",
        r.text
    );
    t.post(
        &format!("/api/v1/traffic/quizzes/{id}/answers"),
        &me,
        json!({"answers": wrong}),
    )
    .await
    .problem(StatusCode::CONFLICT, "quiz_done");
    let q = t
        .call(Method::POST, "/api/v1/traffic/quizzes", Some(&me), None)
        .await;
    t.advance(jiff::SignedDuration::from_mins(31));
    t.post(
        &format!(
            "/api/v1/traffic/quizzes/{}/answers",
            q.body["id"].as_str().unwrap()
        ),
        &me,
        json!({"answers": right_answers(&q.body)}),
    )
    .await
    .problem(StatusCode::CONFLICT, "quiz_expired");
    t.post(
        &format!("/api/v1/traffic/quizzes/{id}/answers"),
        &me,
        json!({"answers": [1]}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // Drink-driving is a serious offence: no reduction for three cycles.
    let (drunk, dv) = driver(&t, 52, "17110").await;
    tf::accept(&t, &drunk, &dv).await;
    assert_eq!(
        pass_quiz(&t, &drunk).await["refusal"]["rule"],
        "serious_offence"
    );
    // A full score withholds the licence; study cannot take points off it.
    let (full, f1) = driver(&t, 53, "16250").await;
    let f2 = tf::violation(&t, &officer, &tf::plate(53), "16250").await;
    tf::accept(&t, &full, &f1).await;
    tf::accept(&t, &full, &f2).await;
    let me_full = t.get("/api/v1/traffic/me", &full).await;
    assert_eq!(
        (
            me_full.body["licence"]["status"].as_str(),
            me_full.body["points"]["full_score"].as_bool()
        ),
        (Some("withheld"), Some(true))
    );
    assert_eq!(
        pass_quiz(&t, &full).await["refusal"]["rule"],
        "licence_status"
    );
    let f3 = tf::violation(&t, &officer, &tf::plate(53), "10390").await;
    t.post(
        &format!("/api/v1/traffic/violations/{f3}/accept"),
        &full,
        json!({}),
    )
    .await
    .problem(StatusCode::CONFLICT, "licence_blocked");
}

#[tokio::test]
async fn ningbo2016_vouchers_apply_to_decided_violations_two_per_cycle() {
    let t = city_with(jingwu_traffic::Profile::Ningbo2016).await;
    let (me, v) = driver(&t, 60, "16250").await;
    tf::accept(&t, &me, &v).await;
    let officer = t.login("officer").await;
    let pending = tf::violation(&t, &officer, &tf::plate(60), "13030").await;
    let first = pass_quiz(&t, &me).await;
    assert_eq!(first["voucher"]["value"], 2, "{first}");
    let voucher = first["voucher"]["id"].as_str().unwrap().to_owned();
    // Not against a record that has no decision.
    let r = t
        .post(
            &format!("/api/v1/traffic/vouchers/{voucher}/apply"),
            &me,
            json!({"violation_id": pending}),
        )
        .await;
    assert!(
        r.problem(StatusCode::CONFLICT, "reduction_refused")["detail"]
            .as_str()
            .unwrap()
            .starts_with("no_decided_violation")
    );
    let r = t
        .post(
            &format!("/api/v1/traffic/vouchers/{voucher}/apply"),
            &me,
            json!({"violation_id": v}),
        )
        .await;
    assert_eq!(
        (
            r.status,
            r.body["reduced"].as_u64(),
            r.body["points"]["balance"].as_u64()
        ),
        (StatusCode::OK, Some(2), Some(4)),
        "{}",
        r.text
    );
    t.post(
        &format!("/api/v1/traffic/vouchers/{voucher}/apply"),
        &me,
        json!({"violation_id": v}),
    )
    .await
    .problem(StatusCode::CONFLICT, "reduction_refused");
    assert!(pass_quiz(&t, &me).await["voucher"].is_object());
    assert_eq!(pass_quiz(&t, &me).await["refusal"]["rule"], "voucher_count");
    assert_eq!(
        t.get("/api/v1/traffic/vouchers", &me)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_revoked_decision_takes_its_points_and_open_orders_with_it() {
    let t = city().await;
    let clerk = t.login("traffic").await;
    let (me, v) = driver(&t, 70, "16250").await;
    tf::accept(&t, &me, &v).await;
    let order = tf::order(&t, &me, &v).await["order"].clone();
    t.post(
        &format!("/api/v1/traffic/violations/{v}/revoke"),
        &clerk,
        json!({"reason": " "}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = t
        .post(
            &format!("/api/v1/traffic/violations/{v}/revoke"),
            &clerk,
            json!({"reason": "复核：号牌识别错误"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::OK, Some("revoked")),
        "{}",
        r.text
    );
    assert_eq!(points(&t, &me).await["balance"], 0);
    let o = t
        .get(
            &format!("/api/v1/payments/orders/{}", order["id"].as_str().unwrap()),
            &me,
        )
        .await;
    assert_eq!(o.body["status"], "closed");
    t.post(
        &format!("/api/v1/traffic/violations/{v}/revoke"),
        &clerk,
        json!({"reason": "再次"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "violation_not_decided");
}

#[tokio::test]
async fn reconciliation_lists_every_mismatch_with_the_channels_bill() {
    let t = city().await;
    let (me, v) = driver(&t, 80, "16250").await;
    tf::accept(&t, &me, &v).await;
    let checkout = tf::order(&t, &me, &v).await;
    let paid = t
        .call(
            Method::POST,
            "/api/v1/payments/sandbox/pay",
            None,
            Some(json!({"request": checkout["request"]})),
        )
        .await;
    let order = checkout["order"]["id"].as_str().unwrap();
    let trade = paid.body["trade_no"].as_str().unwrap();
    let system = t.app.foundation().system_principal().await.unwrap();
    let agree =
        format!("trade_no,out_trade_no,amount,status\n{trade},{order},200.00,TRADE_SUCCESS\n");
    let found = t
        .app
        .payments()
        .reconcile(&system, "sandbox", None, &agree)
        .await
        .unwrap();
    assert!(found.is_empty(), "{found:?}");
    let disagree =
        format!("trade_no,out_trade_no,amount,status\n{trade},{order},20.00,TRADE_SUCCESS\n");
    let found = t
        .app
        .payments()
        .reconcile(&system, "sandbox", None, &disagree)
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, jingwu_payments::MismatchKind::Amount);
    let day = Some(jingwu_core::calendar::local_date(
        jingwu_core::timestamp_to_micros(t.now()),
    ));
    let empty_bill = "trade_no,out_trade_no,amount,status\n";
    let found = t
        .app
        .payments()
        .reconcile(&system, "sandbox", day, empty_bill)
        .await
        .unwrap();
    assert_eq!(found[0].kind, jingwu_payments::MismatchKind::MissingInBill);
    let err = t
        .app
        .payments()
        .reconcile(&system, "sandbox", None, "nonsense\n1,2")
        .await
        .unwrap_err();
    assert!(
        matches!(err, jingwu_app::AppError::Validation(_)),
        "{err:?}"
    );
}

#[tokio::test]
async fn citizens_write_and_the_city_traffic_police_answer() {
    let t = city().await;
    let clerk = t.login("traffic").await;
    let (me, _) = driver(&t, 90, "10390").await;
    let (other, _) = driver(&t, 91, "10390").await;
    t.post(
        "/api/v1/traffic/messages",
        &me,
        json!({"kind": "question", "subject": "", "body": "x"}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = t
        .post(
            "/api/v1/traffic/messages",
            &me,
            json!({"kind": "complaint", "subject": "信号灯故障", "body": "中山西路口信号灯不亮"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (StatusCode::CREATED, Some("open")),
        "{}",
        r.text
    );
    let id = r.body["id"].as_str().unwrap().to_owned();
    let open = t.get("/api/v1/traffic/messages?status=open", &clerk).await;
    assert!(
        open.body
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == id.as_str())
    );
    assert!(
        t.get("/api/v1/traffic/messages", &other)
            .await
            .body
            .as_array()
            .unwrap()
            .is_empty()
    );
    t.post(
        &format!("/api/v1/traffic/messages/{id}/reply"),
        &me,
        json!({"reply": "自己回复"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");
    let r = t
        .post(
            &format!("/api/v1/traffic/messages/{id}/reply"),
            &clerk,
            json!({"reply": "已通知维修，感谢反映"}),
        )
        .await;
    assert_eq!(r.body["status"], "answered", "{}", r.text);
    t.post(
        &format!("/api/v1/traffic/messages/{id}/reply"),
        &clerk,
        json!({"reply": "再次"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "message_answered");
    let mine = t.get("/api/v1/traffic/messages", &me).await;
    assert_eq!(mine.body[0]["reply"], "已通知维修，感谢反映");
}

#[tokio::test]
async fn road_events_reach_map_apps_as_geojson_and_cifs_while_in_force() {
    let t = city().await;
    let officer = t.login("officer").await;
    let (citizen, _) = driver(&t, 95, "10390").await;
    let body = |line: &str, ends: Option<String>| {
        json!({"kind": "closure", "street": "中山西路", "description": "管线抢修，双向封闭",
               "line": line, "ends_at": ends})
    };
    t.post(
        "/api/v1/traffic/road-events",
        &citizen,
        body("29.87 121.55", None),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");
    for bad in ["29.87", "91 121.5", "a b", ""] {
        t.post("/api/v1/traffic/road-events", &officer, body(bad, None))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    }
    let ends = (t.now() + jiff::SignedDuration::from_hours(2)).to_string();
    let r = t
        .post(
            "/api/v1/traffic/road-events",
            &officer,
            body("29.8702 121.5512 29.8710 121.5530", Some(ends)),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let point = t
        .post("/api/v1/traffic/road-events", &officer, json!({"kind": "accident", "street": "解放北路", "description": "两车追尾，占用一条车道", "line": "29.8734 121.5561", "both_ways": false}))
        .await;
    assert_eq!(point.status, StatusCode::CREATED, "{}", point.text);

    let geo = t
        .call(
            Method::GET,
            "/api/v1/traffic/road-events.geojson",
            None,
            None,
        )
        .await;
    assert_eq!(
        geo.headers[axum::http::header::CONTENT_TYPE],
        "application/geo+json"
    );
    let features = geo.body["features"].as_array().unwrap();
    assert_eq!(features.len(), 2, "{}", geo.text);
    let closure = features.iter().find(|f| f["id"] == id.as_str()).unwrap();
    assert_eq!(closure["geometry"]["type"], "LineString");
    assert_eq!(
        closure["geometry"]["coordinates"][0],
        json!([121.5512, 29.8702]),
        "GeoJSON is lon, lat"
    );
    assert_eq!(closure["properties"]["closes_road"], true);
    let cifs = t
        .call(
            Method::GET,
            "/api/v1/traffic/road-events/cifs.json",
            None,
            None,
        )
        .await;
    let incidents = cifs.body["incidents"].as_array().unwrap();
    let c = incidents.iter().find(|i| i["id"] == id.as_str()).unwrap();
    assert_eq!(
        (c["type"].as_str(), c["direction"].as_str()),
        (Some("ROAD_CLOSED"), Some("BOTH_DIRECTIONS"))
    );
    assert_eq!(c["polyline"], "29.870200 121.551200 29.871000 121.553000");
    assert!(c["starttime"].as_str().unwrap().ends_with("+08:00") && c["endtime"].is_string());
    let a = incidents.iter().find(|i| i["type"] == "ACCIDENT").unwrap();
    assert_eq!(a["direction"], "ONE_DIRECTION");

    // Past its end, the closure leaves the feed; a withdrawn event too.
    t.advance(jiff::SignedDuration::from_hours(3));
    let feed = t
        .call(
            Method::GET,
            "/api/v1/traffic/road-events/cifs.json",
            None,
            None,
        )
        .await;
    assert_eq!(feed.body["incidents"].as_array().unwrap().len(), 1);
    let officer = t.login("officer").await;
    let pid = point.body["id"].as_str().unwrap();
    let r = t
        .call(
            Method::POST,
            &format!("/api/v1/traffic/road-events/{pid}/withdraw"),
            Some(&officer),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    t.call(
        Method::POST,
        &format!("/api/v1/traffic/road-events/{pid}/withdraw"),
        Some(&officer),
        None,
    )
    .await
    .problem(StatusCode::CONFLICT, "road_event_withdrawn");
    let feed = t
        .call(
            Method::GET,
            "/api/v1/traffic/road-events.geojson",
            None,
            None,
        )
        .await;
    assert!(feed.body["features"].as_array().unwrap().is_empty());
}

fn accident(
    other_mobile: &str,
    my_plate: &str,
    other_plate: &str,
    facts: Value,
    mine: &str,
) -> Value {
    json!({"occurred_at": jiff::Timestamp::from_second(START - 1800).unwrap().to_string(),
           "place": "环城南路与天童路交叉口", "lat": 29.8511, "lon": 121.5563,
           "my_plate": my_plate, "other_mobile": other_mobile, "other_plate": other_plate,
           "facts": facts, "account": "B车变道时与A车剐蹭，仅车辆轻微受损", "my_liability": mine})
}

fn facts(injured: bool, agree: bool, hazmat: bool) -> Value {
    json!({"injured": injured, "parties_agree": agree, "all_plated": true, "hazmat": hazmat,
           "hit_structure": false, "all_licensed": true, "impaired": false, "all_movable": true})
}

#[tokio::test]
async fn two_parties_settle_a_minor_accident_online_or_ask_the_police() {
    let t = city().await;
    let clerk = t.login("traffic").await;
    let (a, _) = driver(&t, 100, "10390").await;
    let (b, _) = driver(&t, 101, "10390").await;
    let (pa, pb, mb) = (tf::plate(100), tf::plate(101), tf::mobile(101));

    // Someone hurt, a hazmat load: the police must come; every reason is named.
    let r = t
        .post(
            "/api/v1/traffic/accidents",
            &a,
            accident(&mb, &pa, &pb, facts(true, true, true), "none"),
        )
        .await;
    let detail = r.problem(StatusCode::CONFLICT, "settlement_refused")["detail"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(detail.starts_with("CASUALTY,HAZMAT"), "{detail}");
    t.post(
        "/api/v1/traffic/accidents",
        &a,
        accident("13900009999", &pa, &pb, facts(false, true, false), "none"),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // Agreed: B confirms and it is settled; nobody confirms twice.
    let r = t
        .post(
            "/api/v1/traffic/accidents",
            &a,
            accident(&mb, &pa, &pb, facts(false, true, false), "none"),
        )
        .await;
    assert_eq!(
        (
            r.status,
            r.body["status"].as_str(),
            r.body["liability_b"].as_str()
        ),
        (StatusCode::CREATED, Some("awaiting_other"), Some("full")),
        "{}",
        r.text
    );
    let id = r.body["id"].as_str().unwrap().to_owned();
    t.post(
        &format!("/api/v1/traffic/accidents/{id}/confirm"),
        &a,
        json!({"agree": true}),
    )
    .await
    .problem(StatusCode::CONFLICT, "accident_state");
    let r = t
        .post(
            &format!("/api/v1/traffic/accidents/{id}/confirm"),
            &b,
            json!({"agree": true}),
        )
        .await;
    assert_eq!(r.body["status"], "settled", "{}", r.text);
    t.post(
        &format!("/api/v1/traffic/accidents/{id}/confirm"),
        &b,
        json!({"agree": false}),
    )
    .await
    .problem(StatusCode::CONFLICT, "accident_state");
    assert_eq!(
        t.get("/api/v1/traffic/accidents", &b)
            .await
            .body
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Disputed: the police assign liability online, with shares that fit together.
    let r = t
        .post(
            "/api/v1/traffic/accidents",
            &a,
            accident(&mb, &pa, &pb, facts(false, false, false), "none"),
        )
        .await;
    assert_eq!(r.body["status"], "police_review", "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    let queue = t.get("/api/v1/traffic/accidents", &clerk).await;
    assert!(
        queue
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id.as_str())
    );
    t.post(
        &format!("/api/v1/traffic/accidents/{id}/liability"),
        &clerk,
        json!({"liability_a": "main", "liability_b": "main"}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = t
        .post(
            &format!("/api/v1/traffic/accidents/{id}/liability"),
            &clerk,
            json!({"liability_a": "minor", "liability_b": "main"}),
        )
        .await;
    assert_eq!(
        (r.body["status"].as_str(), r.body["liability_b"].as_str()),
        (Some("assigned"), Some("main")),
        "{}",
        r.text
    );
    t.post(
        &format!("/api/v1/traffic/accidents/{id}/liability"),
        &clerk,
        json!({"liability_a": "full", "liability_b": "none"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "accident_state");
}

#[tokio::test]
async fn a_service_application_goes_from_submission_to_the_post_and_the_applicant_follows_it() {
    let t = city().await;
    let clerk = t.login("traffic").await;
    let (me, _) = driver(&t, 110, "10390").await;
    let (other, _) = driver(&t, 111, "10390").await;
    let apply = |body: Value| {
        let (t, me) = (&t, me.clone());
        async move { t.post("/api/v1/traffic/applications", &me, body).await }
    };
    // Materials are checked, and a vehicle service names one's own vehicle.
    let r = apply(json!({"service": "licence_replacement", "materials": ["id_card"], "address": "海曙区中山西路1号"})).await;
    let body = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(body["errors"][0]["code"], "materials.missing");
    apply(json!({"service": "licence_replacement", "materials": ["id_card", "photo"]}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed"); // mailed: an address
    apply(json!({"service": "plate_replacement", "plate": tf::plate(111), "materials": ["id_card", "registration_card"], "address": "某地"}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    let r = apply(
        json!({"service": "licence_replacement", "materials": ["id_card", "photo"],
                         "address": "海曙区中山西路1号", "details": {"reason": "遗失"}}),
    )
    .await;
    assert_eq!(
        (
            r.status,
            r.body["status"].as_str(),
            r.body["fee_fen"].as_i64()
        ),
        (StatusCode::CREATED, Some("submitted"), Some(1000)),
        "{}",
        r.text
    );
    let id = r.body["id"].as_str().unwrap().to_owned();
    t.get(&format!("/api/v1/traffic/applications/{id}"), &other)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let review = |action: &str, note: &str, tracking: Option<&str>| {
        let (t, clerk, id) = (&t, clerk.clone(), id.clone());
        let body = json!({"action": action, "note": note, "tracking_no": tracking});
        async move {
            t.post(
                &format!("/api/v1/traffic/applications/{id}/review"),
                &clerk,
                body,
            )
            .await
        }
    };
    review("return", "", None)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(
        review("return", "照片不符合要求，请重新提交", None)
            .await
            .body["status"],
        "returned"
    );
    let r = t
        .call(
            Method::POST,
            &format!("/api/v1/traffic/applications/{id}/resubmit"),
            Some(&me),
            None,
        )
        .await;
    assert_eq!(r.body["status"], "submitted", "{}", r.text);
    assert_eq!(review("accept", "", None).await.body["status"], "accepted");
    t.call(
        Method::POST,
        &format!("/api/v1/traffic/applications/{id}/withdraw"),
        Some(&me),
        None,
    )
    .await
    .problem(StatusCode::CONFLICT, "application_state");
    review("approve", "", None)
        .await
        .problem(StatusCode::CONFLICT, "fee_unpaid");

    // The fee through the sandbox, then approval and the post.
    let checkout = t
        .post(
            &format!("/api/v1/traffic/applications/{id}/payments"),
            &me,
            json!({"channel": "sandbox"}),
        )
        .await;
    assert_eq!(
        (
            checkout.status,
            checkout.body["order"]["amount_fen"].as_i64()
        ),
        (StatusCode::CREATED, Some(1000)),
        "{}",
        checkout.text
    );
    let paid = t
        .call(
            Method::POST,
            "/api/v1/payments/sandbox/pay",
            None,
            Some(json!({"request": checkout.body["request"]})),
        )
        .await;
    assert_eq!(paid.body["settled"], true, "{}", paid.text);
    assert_eq!(review("approve", "", None).await.body["status"], "approved");
    review("mail", "", None)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let r = review("mail", "", Some("SF1234567890")).await;
    assert_eq!(
        (r.body["status"].as_str(), r.body["tracking_no"].as_str()),
        (Some("mailed"), Some("SF1234567890"))
    );
    review("reject", "太晚", None)
        .await
        .problem(StatusCode::CONFLICT, "application_state");

    let mine = t
        .get(&format!("/api/v1/traffic/applications/{id}"), &me)
        .await;
    let steps: Vec<&str> = mine.body["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "submitted",
            "returned",
            "submitted",
            "accepted",
            "approved",
            "mailed"
        ]
    );
    assert_eq!(mine.body["paid"], true);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_preselected_plate_is_held_for_one_application_only() {
    let t = Arc::new(city().await);
    let (a, _) = driver(&t, 120, "10390").await;
    let (b, _) = driver(&t, 121, "10390").await;
    let cands = t.get("/api/v1/traffic/plates/candidates", &a).await;
    assert_eq!(cands.body.as_array().unwrap().len(), 10, "{}", cands.text);
    let body = |plate: &str| json!({"service": "plate_preselection", "plate": plate, "materials": ["id_card", "purchase_invoice"]});
    t.post("/api/v1/traffic/applications", &a, body("浙B00000"))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // Both may be offered the same plate; only one holds it.
    let b_cands = t.get("/api/v1/traffic/plates/candidates", &b).await;
    let plate = cands
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|p| b_cands.body.as_array().unwrap().contains(p))
        .cloned();
    let plate = match plate {
        Some(p) => p.as_str().unwrap().to_owned(),
        None => {
            // Different candidates: A takes one of its own, and B is refused it below anyway.
            cands.body[0].as_str().unwrap().to_owned()
        }
    };
    let r = t
        .post("/api/v1/traffic/applications", &a, body(&plate))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let again = t
        .post("/api/v1/traffic/applications", &b, body(&plate))
        .await;
    assert!(
        again.status == StatusCode::CONFLICT || again.status == StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.text
    );
    assert!(
        !t.get("/api/v1/traffic/plates/candidates", &b)
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == plate.as_str())
    );
    // Withdrawn, the plate is free again.
    let id = r.body["id"].as_str().unwrap();
    let w = t
        .call(
            Method::POST,
            &format!("/api/v1/traffic/applications/{id}/withdraw"),
            Some(&a),
            None,
        )
        .await;
    assert_eq!(w.body["status"], "withdrawn", "{}", w.text);
    assert!(
        t.get("/api/v1/traffic/plates/candidates", &a)
            .await
            .body
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == plate.as_str())
    );
}

/// Eight people register at once with one resident ID (each with their own number and code):
/// one account, seven clear refusals, on either backend — the unique constraints decide the
/// race, not a retry loop.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_resident_id_registers_once_however_many_try_at_once() {
    let t = Arc::new(city().await);
    let admin = t.login("admin").await;
    let rid = tf::resident_id(70);
    let mut codes = Vec::new();
    for n in 700..708 {
        let m = tf::mobile(n);
        let r = t
            .call(
                Method::POST,
                "/api/v1/traffic/otp",
                None,
                Some(json!({"mobile": m, "purpose": "register"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.text);
        codes.push((m.clone(), tf::last_code(&t, &admin, &m).await));
    }
    let mut tasks = Vec::new();
    for (m, code) in codes {
        let (t, rid) = (t.clone(), rid.clone());
        tasks.push(tokio::spawn(async move {
            t.call(
                Method::POST,
                "/api/v1/traffic/citizens",
                None,
                Some(
                    json!({"real_name": "王芳", "resident_id": rid, "mobile": m, "code": code,
                            "password": jingwu_testkit::PASSWORD}),
                ),
            )
            .await
        }));
    }
    let mut created = 0;
    for task in tasks {
        let r = task.await.unwrap();
        if r.status == StatusCode::CREATED {
            created += 1;
        } else {
            r.problem(StatusCode::CONFLICT, "resident_id_taken");
        }
    }
    assert_eq!(created, 1);
}
