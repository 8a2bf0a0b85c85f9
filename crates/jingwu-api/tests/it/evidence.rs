//! Evidence and property through the API, as the Jiangbei district's property store works:
//! items taken in for a Baisha station case, moved, checked out and back, counted; high-risk
//! items disposed of before witnesses only once their case closed; files whose stored bytes
//! changed reported and never served; a chain of custody that no route can alter and whose
//! tampering in the database the verification finds; two custodians racing for one item;
//! custodians of another district, handlers and legal supervisors each seeing what they may,
//! every view and refusal audited.

use std::sync::Arc;

use axum::http::StatusCode;
use jingwu_testkit::fixtures::cases as cf;
use jingwu_testkit::fixtures::evidence as ev;
use jingwu_testkit::fixtures::foundation;
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, TestApp};

/// Monday 2027-01-11 10:00 in Beijing.
const START: i64 = 1_799_632_800;
const DAY: i64 = 86_400;

struct Store {
    t: Arc<TestApp>,
    /// The Jiangbei custodian (the store's intake desk).
    custodian: String,
    /// The Baisha handler's filed case: its id and number.
    handler: String,
    case_id: String,
    number: String,
    shelf: [String; 2],
    safe: String,
}

/// The small city with the Jiangbei store's shelves and safe S-01, and a filed
/// Baisha station case (handler `case`, supervised by the Jiangbei legal office).
async fn store() -> Store {
    let t = TestApp::empty()
        .with_city()
        .with_clock(ManualClock::new(
            jiff::Timestamp::from_second(START).unwrap(),
        ))
        .build()
        .await;
    let custodian = t.login("evidence").await;
    let a1 = ev::location(&t, &custodian, "A-01", false).await;
    let a2 = ev::location(&t, &custodian, "A-02", false).await;
    let safe = ev::location(&t, &custodian, "S-01", true).await;
    let handler = t.login("case").await;
    let (case_id, number) = ev::case(&t, &handler).await;
    Store {
        t: Arc::new(t),
        custodian,
        handler,
        case_id,
        number,
        shelf: [a1, a2],
        safe,
    }
}

fn id(v: &Value) -> String {
    v["item"]["id"].as_str().unwrap().to_owned()
}

/// Audit entries of `action` on `object_id` by `username`.
async fn audited(t: &TestApp, action: &str, object_id: &str, username: &str) -> i64 {
    t.audit_head().await;
    t.sql_count(
        "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_id \
         WHERE a.action = $1 AND a.object_id = $2 AND u.username = $3",
        &[action, object_id, username],
    )
    .await
}

/// A custodian of the Jiangbei store who has handled nothing: an auditor outside the chain.
async fn auditor(t: &TestApp) -> String {
    foundation::user_token(t, "jiangbei.auditor", "evidence_custodian", "330205").await
}

async fn count(t: &TestApp, auditor: &str, body: Value) -> String {
    let r = t.post("/api/v1/cases/inventories", auditor, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.body["inventory"]["id"].as_str().unwrap().to_owned()
}

async fn scan(t: &TestApp, auditor: &str, inventory: &str, scans: Value) -> crate::support::Resp {
    t.post(
        &format!("/api/v1/cases/inventories/{inventory}/scans"),
        auditor,
        json!({ "scans": scans }),
    )
    .await
}

#[tokio::test]
async fn an_item_goes_in_moves_out_and_back_and_the_count_finds_nothing_wrong() {
    let s = store().await;
    let t = &s.t;
    let item = ev::intake(
        t,
        &s.custodian,
        &s.number,
        "general",
        &s.shelf[0],
        "WZ-0001",
    )
    .await;
    let id = id(&item);
    assert_eq!(item["item"]["state"], "in_store");
    assert_eq!(item["item"]["case_number"], s.number.as_str());
    assert_eq!(item["item"]["last_seq"], 1);
    assert_eq!(item["chain"]["intact"], true);
    assert_eq!(item["events"][0]["kind"], "intake");
    assert_eq!(item["events"][0]["seal_no"], "F-WZ-0001");

    let r = ev::movement(
        t,
        &s.custodian,
        &id,
        json!({"kind": "relocate", "expected_seq": 1, "location_id": s.shelf[1], "reason": "整理货架"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["item"]["location_id"], s.shelf[1].as_str());
    // Only to a handler of the case's unit.
    let r = ev::movement(
        t,
        &s.custodian,
        &id,
        json!({"kind": "check_out", "expected_seq": 2, "holder": "gulou.case", "reason": "辨认"}),
    )
    .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "holder");
    // A stale head: someone moved it since.
    ev::movement(
        t,
        &s.custodian,
        &id,
        json!({"kind": "check_out", "expected_seq": 1, "holder": "case", "reason": "辨认"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "evidence_state");
    let r = ev::movement(
        t,
        &s.custodian,
        &id,
        json!({"kind": "check_out", "expected_seq": 2, "holder": "case", "place": "白沙派出所讯问室", "reason": "辨认"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["item"]["state"], "checked_out");
    assert_eq!(r.body["item"]["location_id"], Value::Null);
    let holder = r.body["item"]["holder_id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["names"][&holder], "白沙派出所办案民警 周涛");
    // Checked in under another seal number than the item's: refused, nothing changes.
    let head = t.audit_head().await;
    let other = ev::movement(
        t,
        &s.custodian,
        &id,
        json!({"kind": "check_in", "expected_seq": 3, "location_id": s.shelf[1], "seal_intact": true, "seal_no": "F-OTHER", "reason": "归还"}),
    )
    .await;
    other.problem(StatusCode::CONFLICT, "seal_mismatch");
    assert_eq!(t.audit_head().await, head);
    let r = ev::movement(
        t,
        &s.custodian,
        &id,
        json!({"kind": "check_in", "expected_seq": 3, "location_id": s.shelf[1], "seal_intact": true, "reason": "辨认完毕归还"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let v = &r.body;
    assert_eq!(v["item"]["state"], "in_store");
    assert_eq!(v["item"]["holder_id"], Value::Null);
    assert_eq!(v["chain"]["intact"], true);
    assert_eq!(v["chain"]["events"], 4);
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["intake", "relocate", "check_out", "check_in"]);
    let events = v["events"].as_array().unwrap();
    for w in events.windows(2) {
        assert_eq!(w[1]["prev_digest"], w[0]["digest"]);
    }
    assert_eq!(events[2]["to_holder"], holder.as_str());
    assert_eq!(events[3]["from_holder"], holder.as_str());
    assert_eq!(events[3]["seal_intact"], true);

    // The custodian has handled it: not the one to audit the store.
    t.post(
        "/api/v1/cases/inventories",
        &s.custodian,
        json!({"scope": "full"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "auditor_in_chain");
    let auditor = auditor(t).await;
    let inv = count(t, &auditor, json!({"scope": "full"})).await;
    let r = scan(
        t,
        &auditor,
        &inv,
        json!([{"barcode": "WZ-0001", "location_id": s.shelf[1], "seal_intact": true}]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["scanned"], 1);
    let r = t
        .post(
            &format!("/api/v1/cases/inventories/{inv}/close"),
            &auditor,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["inventory"]["expected"], 1);
    assert_eq!(r.body["inventory"]["found"], 1);
    assert_eq!(r.body["inventory"]["discrepancies"], 0);
    assert_eq!(r.body["discrepancies"], json!([]));

    let report = ev::verify_custody(t).await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!((report.items, report.events), (1, 4));
    assert!(t.audit_intact().await);
}

#[tokio::test]
async fn a_count_lists_missing_misplaced_unexpected_and_broken_seals() {
    let s = store().await;
    let t = &s.t;
    for b in ["WZ-1001", "WZ-1002", "WZ-1003", "WZ-1004"] {
        ev::intake(t, &s.custodian, &s.number, "general", &s.shelf[0], b).await;
    }
    let auditor = auditor(t).await;
    let inv = count(
        t,
        &auditor,
        json!({"scope": "full", "location_id": s.shelf[0]}),
    )
    .await;
    let (a1, a2) = (&s.shelf[0], &s.shelf[1]);
    let r = scan(
        t,
        &auditor,
        &inv,
        json!([
            {"barcode": "WZ-1001", "location_id": a1},
            {"barcode": "WZ-1002", "location_id": a2},
            {"barcode": "WZ-1004", "location_id": a1, "seal_intact": false},
            {"barcode": "WZ-9999", "location_id": a1},
        ]),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // A bad barcode or a location of another store refuses the whole batch.
    scan(t, &auditor, &inv, json!([{"barcode": "x"}]))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // Only the auditor scans.
    scan(t, &s.custodian, &inv, json!([{"barcode": "WZ-1003"}]))
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let r = t
        .post(
            &format!("/api/v1/cases/inventories/{inv}/close"),
            &auditor,
            json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let found: Vec<(&str, &str)> = r.body["discrepancies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["barcode"].as_str().unwrap(), d["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        found,
        [
            ("WZ-1002", "misplaced"),
            ("WZ-1003", "missing"),
            ("WZ-1004", "seal_broken"),
            ("WZ-9999", "unexpected"),
        ]
    );
    assert_eq!(r.body["discrepancies"][0]["found_location"], a2.as_str());
    assert_eq!(r.body["discrepancies"][3]["note"], "unknown barcode");
    assert_eq!(r.body["counts"]["missing"], 1);
    assert_eq!(r.body["inventory"]["found"], 3);
    // Closed is closed.
    t.post(
        &format!("/api/v1/cases/inventories/{inv}/close"),
        &auditor,
        json!({}),
    )
    .await
    .problem(StatusCode::CONFLICT, "inventory_state");
    scan(t, &auditor, &inv, json!([{"barcode": "WZ-1003"}]))
        .await
        .problem(StatusCode::CONFLICT, "inventory_state");
    // Read back, by the store's custodians and listed.
    let g = t
        .get(&format!("/api/v1/cases/inventories/{inv}"), &s.custodian)
        .await;
    assert_eq!(g.status, StatusCode::OK, "{}", g.text);
    assert_eq!(g.body["discrepancies"].as_array().unwrap().len(), 4);
    let l = t.get("/api/v1/cases/inventories", &s.custodian).await;
    assert_eq!(l.body[0]["id"], inv.as_str());
    // Not by another district's custodian.
    let haishu = t.login("haishu.evidence").await;
    t.get(&format!("/api/v1/cases/inventories/{inv}"), &haishu)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        t.get("/api/v1/cases/inventories", &haishu).await.body,
        json!([])
    );
}

#[tokio::test]
async fn samples_and_high_risk_counts_fix_what_they_expect() {
    let s = store().await;
    let t = &s.t;
    for i in 0..40 {
        ev::intake(
            t,
            &s.custodian,
            &s.number,
            "general",
            &s.shelf[0],
            &format!("WZ-2{i:03}"),
        )
        .await;
    }
    for i in 0..3 {
        ev::intake(
            t,
            &s.custodian,
            &s.number,
            "cash",
            &s.safe,
            &format!("WZ-3{i:03}"),
        )
        .await;
    }
    let auditor = auditor(t).await;
    // Cochran with finite-population correction: 43 items → 42 (95 %, ±3 %).
    let r = t
        .post(
            "/api/v1/cases/inventories",
            &auditor,
            json!({"scope": "sampled", "seed": 42}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["inventory"]["expected"], 42);
    assert_eq!(r.body["inventory"]["seed"], 42);
    let r = t
        .post(
            "/api/v1/cases/inventories",
            &auditor,
            json!({"scope": "high_risk"}),
        )
        .await;
    assert_eq!(r.body["inventory"]["expected"], 3, "{}", r.text);
    t.post(
        "/api/v1/cases/inventories",
        &auditor,
        json!({"scope": "everything"}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // A store outside the caller's jurisdiction, named: 403.
    let haishu = t.org_id("330203").await;
    t.post(
        "/api/v1/cases/inventories",
        &auditor,
        json!({"scope": "full", "org_id": haishu}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "out_of_scope");
}

#[tokio::test]
async fn drugs_are_disposed_of_before_two_witnesses_once_the_case_closed_and_retention_ran_out() {
    let s = store().await;
    let t = &s.t;
    // High-risk items only into a secure location.
    t.post(
        "/api/v1/cases/evidence",
        &s.custodian,
        ev::intake_body(&s.number, "drugs", &s.shelf[0], "WZ-4001"),
    )
    .await
    .problem(StatusCode::CONFLICT, "secure_location_required");
    let drugs = ev::intake(t, &s.custodian, &s.number, "drugs", &s.safe, "WZ-4001").await;
    let id = id(&drugs);
    let witnesses = json!(["jiangbei.legal", "baisha.officer"]);
    let dispose = |w: Value| json!({"kind": "dispose", "place": "宁波市禁毒委销毁点", "reason": "判决生效后销毁", "witnesses": w});
    // Relocating it to an open shelf is refused too.
    ev::movement(
        t,
        &s.custodian,
        &id,
        json!({"kind": "relocate", "location_id": s.shelf[0], "reason": "x"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "secure_location_required");
    // Held while the case is open.
    ev::movement(t, &s.custodian, &id, dispose(witnesses.clone()))
        .await
        .problem(StatusCode::CONFLICT, "legal_hold");
    cf::status(t, &s.handler, &s.case_id, "closed", "判决生效").await;
    // Retained 90 days after the case closed.
    t.advance(jiff::SignedDuration::from_secs(30 * DAY));
    // (Sessions lapse over a month: sign in again.)
    let custodian = t.login("evidence").await;
    ev::movement(t, &custodian, &id, dispose(witnesses.clone()))
        .await
        .problem(StatusCode::CONFLICT, "legal_hold");
    assert_eq!(
        t.get("/api/v1/cases/evidence/review", &custodian)
            .await
            .body,
        json!([])
    );
    t.advance(jiff::SignedDuration::from_secs(61 * DAY));
    let custodian = t.login("evidence").await;
    let review = t.get("/api/v1/cases/evidence/review", &custodian).await;
    assert_eq!(review.body[0]["item"]["id"], id.as_str(), "{}", review.text);
    let head = t.audit_head().await;
    ev::movement(t, &custodian, &id, dispose(json!([])))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "witnesses_required");
    ev::movement(t, &custodian, &id, dispose(json!(["jiangbei.legal"])))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "witnesses_required");
    ev::movement(
        t,
        &custodian,
        &id,
        dispose(json!(["jiangbei.legal", "jiangbei.legal"])),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "witnesses_required");
    ev::movement(
        t,
        &custodian,
        &id,
        dispose(json!(["jiangbei.legal", "evidence"])),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "witnesses_required");
    let r = ev::movement(
        t,
        &custodian,
        &id,
        dispose(json!(["jiangbei.legal", "nobody"])),
    )
    .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(r.body["errors"][0]["field"], "witnesses[1]");
    // A failed request changes nothing.
    assert_eq!(t.audit_head().await, head);
    let r = ev::movement(t, &custodian, &id, dispose(witnesses)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["item"]["state"], "disposed");
    let last = r.body["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "dispose");
    assert_eq!(last["witnesses"].as_array().unwrap().len(), 2);
    assert_eq!(last["place"], "宁波市禁毒委销毁点");
    // Gone is gone.
    ev::movement(
        t,
        &custodian,
        &id,
        json!({"kind": "check_out", "holder": "case", "reason": "x"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "evidence_state");
    assert_eq!(
        t.get("/api/v1/cases/evidence/review", &custodian)
            .await
            .body,
        json!([])
    );
}

#[tokio::test]
async fn a_victims_own_cash_goes_back_while_the_case_is_open_before_witnesses() {
    let s = store().await;
    let t = &s.t;
    let cash = ev::intake(t, &s.custodian, &s.number, "cash", &s.safe, "WZ-5001").await;
    let id = id(&cash);
    let victim = cf::party(t, &s.handler, &s.case_id, "victim", 7).await;
    let give_back = |party: Option<&str>| {
        json!({"kind": "return", "recipient": "王芳", "party_id": party, "reason": "被害人合法财产发还",
               "witnesses": ["jiangbei.legal", "baisha.officer"]})
    };
    ev::movement(t, &s.custodian, &id, give_back(None))
        .await
        .problem(StatusCode::CONFLICT, "legal_hold");
    let (stranger, _) = ev::case(t, &s.handler).await;
    let not_hers = cf::party(t, &s.handler, &stranger, "victim", 8).await;
    ev::movement(t, &s.custodian, &id, give_back(Some(&not_hers)))
        .await
        .problem(StatusCode::CONFLICT, "legal_hold");
    let r = ev::movement(t, &s.custodian, &id, give_back(Some(&victim))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["item"]["state"], "returned");
    assert_eq!(r.body["events"][1]["to_holder"], "王芳");
}

#[tokio::test]
async fn a_file_whose_stored_bytes_changed_is_reported_on_access_and_never_served() {
    let s = store().await;
    let t = &s.t;
    let data = b"\x00\x00\x00\x18ftypmp42 bodycam recording 2027-01-11".to_vec();
    let r = ev::upload(t, &s.custodian, &s.number, &data).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = id(&r.body);
    let sha = r.body["item"]["sha256"].as_str().unwrap().to_owned();
    assert_eq!(
        sha,
        hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&data))
    );
    assert_eq!(r.body["item"]["kind"], "digital");
    assert_eq!(r.body["item"]["size_bytes"], data.len());
    assert_eq!(r.body["events"][0]["hash_matched"], true);
    assert_eq!(r.body["events"][0]["place"], "bodycam 001.mp4");
    let content = format!("/api/v1/cases/evidence/{id}/content");
    let ok = t.get(&content, &s.custodian).await;
    assert_eq!(ok.status, StatusCode::OK);
    assert_eq!(ok.text.as_bytes(), &data[..]);
    assert_eq!(ok.headers["content-type"], "video/mp4");
    assert_eq!(
        audited(t, "cases.evidence.content", &id, "evidence").await,
        1
    );
    // A handler of the case reads it too.
    let handler = t.login("case").await;
    assert_eq!(t.get(&content, &handler).await.status, StatusCode::OK);

    // Someone changes the stored file behind the application's back.
    let path = t.blobs().object_path(&sha).unwrap();
    std::fs::write(&path, b"\x00\x00\x00\x18ftypmp42 something else entirely").unwrap();
    let bad = t.get(&content, &s.custodian).await;
    bad.problem(StatusCode::CONFLICT, "integrity_failed");
    assert!(!bad.text.contains("something else"));
    let v = t
        .get(&format!("/api/v1/cases/evidence/{id}"), &s.custodian)
        .await;
    assert_eq!(v.body["item"]["flagged"], true);
    let last = v.body["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "integrity_check");
    assert_eq!(last["hash_matched"], false);
    assert_eq!(v.body["chain"]["intact"], true);
    assert_eq!(
        audited(t, "cases.evidence.integrity", &id, "evidence").await,
        1
    );
    // Asked explicitly, the check runs again and is recorded again; the bytes stay unserved.
    let r = ev::movement(t, &s.custodian, &id, json!({"kind": "integrity_check"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["events"][2]["hash_matched"], false);
    t.get(&content, &handler)
        .await
        .problem(StatusCode::CONFLICT, "integrity_failed");
    // Flagged items are listed for the custodians.
    let flagged = t
        .get("/api/v1/cases/evidence?flagged=true", &s.custodian)
        .await;
    assert_eq!(flagged.body.as_array().unwrap().len(), 1);
    // A file has no shelf.
    ev::movement(
        t,
        &s.custodian,
        &id,
        json!({"kind": "check_out", "holder": "case", "reason": "x"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "evidence_state");
    let report = ev::verify_custody(t).await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[tokio::test]
async fn the_chain_cannot_be_altered_through_the_api_and_tampering_in_the_database_is_found() {
    let s = store().await;
    let t = &s.t;
    let mut ids = Vec::new();
    for b in ["WZ-6001", "WZ-6002", "WZ-6003"] {
        let v = ev::intake(t, &s.custodian, &s.number, "general", &s.shelf[0], b).await;
        let id = id(&v);
        for (seq, loc) in [(1, &s.shelf[1]), (2, &s.shelf[0])] {
            let r = ev::movement(
                t,
                &s.custodian,
                &id,
                json!({"kind": "relocate", "expected_seq": seq, "location_id": loc, "reason": "整理"}),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        }
        ids.push(id);
    }
    assert!(ev::verify_custody(t).await.problems.is_empty());
    // No route changes or removes an event: every movement only appends.
    for (method, path) in [
        (
            "PUT",
            format!("/api/v1/cases/evidence/{}/movements", ids[0]),
        ),
        ("DELETE", format!("/api/v1/cases/evidence/{}", ids[0])),
        ("PATCH", format!("/api/v1/cases/evidence/{}", ids[0])),
    ] {
        let r = t
            .call(
                method.parse().unwrap(),
                &path,
                Some(&s.custodian),
                Some(json!({})),
            )
            .await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
    }
    // The database refuses changes by trigger.
    let upd = format!(
        "UPDATE evidence_events SET reason = 'x' WHERE item_id = '{}' AND seq = 2",
        ids[0]
    );
    let err = t.sql_execute(&upd).await.unwrap_err();
    assert!(err.contains("append-only"), "{err}");
    let del = format!("DELETE FROM evidence_events WHERE item_id = '{}'", ids[0]);
    assert!(t.sql_execute(&del).await.is_err());

    // Someone with the database's keys drops the triggers.
    let pg = std::env::var("JINGWU_TEST_PG_URL").is_ok_and(|u| !u.is_empty());
    for trigger in ["evidence_events_no_update", "evidence_events_no_delete"] {
        let sql = if pg {
            format!("DROP TRIGGER {trigger} ON evidence_events")
        } else {
            format!("DROP TRIGGER {trigger}")
        };
        t.sql_execute(&sql).await.unwrap();
    }
    // Item 1: a field changed.
    assert_eq!(t.sql_execute(&upd).await.unwrap(), 1);
    // Item 2: a field changed and every digest after it recomputed, the item's head too.
    let (second, _) = (&ids[1], ());
    let view = t
        .get(&format!("/api/v1/cases/evidence/{second}"), &s.custodian)
        .await;
    let mut events: Vec<jingwu_cases::evidence::CustodyEvent> = view.body["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| event_of(second, e))
        .collect();
    events[1].reason = "篡改".into();
    for i in 1..events.len() {
        if i > 1 {
            events[i].prev_digest = events[i - 1].digest.clone();
        }
        events[i].digest = jingwu_cases::chain::digest(&events[i]);
        let sql = format!(
            "UPDATE evidence_events SET reason = '{}', prev_digest = '{}', digest = '{}' \
             WHERE item_id = '{second}' AND seq = {}",
            events[i].reason, events[i].prev_digest, events[i].digest, events[i].seq
        );
        assert_eq!(t.sql_execute(&sql).await.unwrap(), 1);
    }
    let sql = format!(
        "UPDATE evidence_items SET last_digest = '{}' WHERE id = '{second}'",
        events[2].digest
    );
    assert_eq!(t.sql_execute(&sql).await.unwrap(), 1);
    assert!(jingwu_cases::chain::verify(second, &events).is_ok());
    // Item 3: its last event deleted and its head set back to the one before.
    let third = &ids[2];
    let prev = t
        .get(&format!("/api/v1/cases/evidence/{third}"), &s.custodian)
        .await
        .body["events"][1]["digest"]
        .as_str()
        .unwrap()
        .to_owned();
    t.sql_execute(&format!(
        "DELETE FROM evidence_events WHERE item_id = '{third}' AND seq = 3"
    ))
    .await
    .unwrap();
    t.sql_execute(&format!(
        "UPDATE evidence_items SET last_seq = 2, last_digest = '{prev}' WHERE id = '{third}'"
    ))
    .await
    .unwrap();

    let report = ev::verify_custody(t).await;
    let found: Vec<(&str, i64)> = report
        .problems
        .iter()
        .map(|p| (p.item_id.as_str(), p.seq))
        .collect();
    assert!(
        found.contains(&(ids[0].as_str(), 2)),
        "{:?}",
        report.problems
    );
    assert!(
        found.contains(&(second.as_str(), 2)),
        "{:?}",
        report.problems
    );
    assert!(
        found.contains(&(second.as_str(), 3)),
        "{:?}",
        report.problems
    );
    assert!(
        found.contains(&(third.as_str(), 3)),
        "{:?}",
        report.problems
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.item_id == *third && p.what.contains("deleted")),
        "{:?}",
        report.problems
    );
    // The reader's view shows the first item's chain broken where it was changed.
    let v = t
        .get(&format!("/api/v1/cases/evidence/{}", ids[0]), &s.custodian)
        .await;
    assert_eq!(v.body["chain"]["intact"], false);
    assert_eq!(v.body["chain"]["broken_seq"], 2);
}

/// An event as the API shows it, back into the record (for recomputing digests as a tamperer
/// would).
fn event_of(item: &str, e: &Value) -> jingwu_cases::evidence::CustodyEvent {
    let text = |k: &str| e[k].as_str().map(str::to_owned);
    let at: jiff::Timestamp = e["at"].as_str().unwrap().parse().unwrap();
    jingwu_cases::evidence::CustodyEvent {
        item_id: item.into(),
        seq: e["seq"].as_i64().unwrap(),
        kind: jingwu_cases::evidence::MovementKind::parse(e["kind"].as_str().unwrap()).unwrap(),
        at: jingwu_core::timestamp_to_micros(at),
        actor_id: text("actor_id").unwrap(),
        from_holder: text("from_holder"),
        to_holder: text("to_holder"),
        from_location: text("from_location"),
        to_location: text("to_location"),
        place: text("place").unwrap(),
        reason: text("reason").unwrap(),
        seal_no: text("seal_no"),
        seal_intact: e["seal_intact"].as_bool(),
        hash_matched: e["hash_matched"].as_bool(),
        witnesses: serde_json::from_value(e["witnesses"].clone()).unwrap(),
        prev_digest: text("prev_digest").unwrap(),
        digest: text("digest").unwrap(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_custodians_moving_one_item_at_once_one_succeeds() {
    let s = store().await;
    let t = s.t.clone();
    let second =
        foundation::user_token(&t, "jiangbei.evidence2", "evidence_custodian", "330205").await;
    for round in 0..6 {
        let v = ev::intake(
            &t,
            &s.custodian,
            &s.number,
            "general",
            &s.shelf[0],
            &format!("WZ-70{round:02}"),
        )
        .await;
        let id = id(&v);
        // Both saw the item at event 1; one checks it out, the other relocates it — or both
        // move it to the other shelf.
        let bodies = [
            json!({"kind": "check_out", "expected_seq": 1, "holder": "case", "reason": "辨认"}),
            if round % 2 == 0 {
                json!({"kind": "relocate", "expected_seq": 1, "location_id": s.shelf[1], "reason": "整理"})
            } else {
                json!({"kind": "check_out", "expected_seq": 1, "holder": "case", "reason": "辨认"})
            },
        ];
        let mut tasks = Vec::new();
        for (token, body) in [s.custodian.clone(), second.clone()]
            .into_iter()
            .zip(bodies)
        {
            let (t, id) = (t.clone(), id.clone());
            tasks.push(tokio::spawn(async move {
                let r = ev::movement(&t, &token, &id, body).await;
                (r.status, r.body["code"].as_str().unwrap_or("").to_owned())
            }));
        }
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.unwrap());
        }
        outcomes.sort();
        assert_eq!(
            outcomes,
            [
                (StatusCode::OK, String::new()),
                (StatusCode::CONFLICT, "evidence_state".to_owned())
            ],
            "round {round}"
        );
        let v = t
            .get(&format!("/api/v1/cases/evidence/{id}"), &s.custodian)
            .await;
        assert_eq!(v.body["chain"]["events"], 2);
        assert_eq!(v.body["chain"]["intact"], true);
    }
    let report = ev::verify_custody(&t).await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(t.audit_intact().await);
}

#[tokio::test]
async fn another_districts_custodian_sees_nothing_of_this_store_and_is_recorded_trying() {
    let s = store().await;
    let t = &s.t;
    let v = ev::intake(
        t,
        &s.custodian,
        &s.number,
        "general",
        &s.shelf[0],
        "WZ-8001",
    )
    .await;
    let id = id(&v);
    let haishu = t.login("haishu.evidence").await;
    for path in [
        format!("/api/v1/cases/evidence/{id}"),
        "/api/v1/cases/evidence/barcode/WZ-8001".to_owned(),
    ] {
        t.get(&path, &haishu)
            .await
            .problem(StatusCode::NOT_FOUND, "not_found");
    }
    ev::movement(
        t,
        &haishu,
        &id,
        json!({"kind": "relocate", "location_id": s.shelf[1], "reason": "x"}),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(audited(t, "cases.denied", &id, "haishu.evidence").await, 3);
    assert_eq!(
        audited(t, "cases.evidence.view", &id, "haishu.evidence").await,
        0
    );
    assert_eq!(
        t.get("/api/v1/cases/evidence", &haishu).await.body,
        json!([])
    );
    // A case of another district is no case to take items in for.
    let gulou = t.login("gulou.case").await;
    let (_, elsewhere) = ev::case(t, &gulou).await;
    let r = t
        .post(
            "/api/v1/cases/evidence",
            &s.custodian,
            ev::intake_body(&elsewhere, "general", &s.shelf[0], "WZ-8002"),
        )
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(r.body["errors"][0]["code"], "case_number.unknown");
    // Nor an unknown number; nor a label already used; a location of another store neither.
    let r = t
        .post(
            "/api/v1/cases/evidence",
            &s.custodian,
            ev::intake_body("NO-SUCH", "general", &s.shelf[0], "WZ-8002"),
        )
        .await;
    assert_eq!(r.body["errors"][0]["code"], "case_number.unknown");
    t.post(
        "/api/v1/cases/evidence",
        &s.custodian,
        ev::intake_body(&s.number, "general", &s.shelf[0], "WZ-8001"),
    )
    .await
    .problem(StatusCode::CONFLICT, "barcode_taken");
    let haishu_shelf = ev::location(t, &haishu, "H-01", false).await;
    let r = t
        .post(
            "/api/v1/cases/evidence",
            &s.custodian,
            ev::intake_body(&s.number, "general", &haishu_shelf, "WZ-8003"),
        )
        .await;
    assert_eq!(
        r.body["errors"][0]["code"], "evidence_location.invalid",
        "{}",
        r.text
    );
    // Without a barcode a printable label is made: WZ-<store>-<date>-<serial>.
    let mut body = ev::intake_body(&s.number, "general", &s.shelf[0], "x");
    body.as_object_mut().unwrap().remove("barcode");
    let r = t.post("/api/v1/cases/evidence", &s.custodian, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["item"]["barcode"], "WZ-330205-20270111-000002");
}

#[tokio::test]
async fn a_handler_reads_the_items_of_their_case_but_cannot_move_them() {
    let s = store().await;
    let t = &s.t;
    let v = ev::intake(
        t,
        &s.custodian,
        &s.number,
        "general",
        &s.shelf[0],
        "WZ-9001",
    )
    .await;
    let id = id(&v);
    let item = format!("/api/v1/cases/evidence/{id}");
    let handler = t.login("case").await;
    let r = t.get(&item, &handler).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["item"]["case_title"], "测试案件：电动车被盗");
    let list = t
        .get(
            &format!("/api/v1/cases/evidence?case_id={}", s.case_id),
            &handler,
        )
        .await;
    assert_eq!(list.body.as_array().unwrap().len(), 1, "{}", list.text);
    assert_eq!(
        t.get("/api/v1/cases/evidence", &handler).await.body[0]["id"],
        id.as_str()
    );
    let head = t.audit_head().await;
    ev::movement(
        t,
        &handler,
        &id,
        json!({"kind": "check_out", "holder": "case", "reason": "自取"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");
    // The refusal is on record, nothing else changed.
    assert_eq!(audited(t, "cases.denied", &id, "case").await, 1);
    assert_eq!(t.audit_head().await.0, head.0 + 1);
    // Handlers cannot take items in either.
    t.post(
        "/api/v1/cases/evidence",
        &handler,
        ev::intake_body(&s.number, "general", &s.shelf[0], "WZ-9002"),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");
    // A handler of another station does not see it, nor the case's list.
    let gulou = t.login("gulou.case").await;
    t.get(&item, &gulou)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    t.get(
        &format!("/api/v1/cases/evidence?case_id={}", s.case_id),
        &gulou,
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(
        t.get("/api/v1/cases/evidence", &gulou).await.body,
        json!([])
    );
    // The supervising legal office does; an officer's role does not.
    let legal = t.login("jiangbei.legal").await;
    assert_eq!(t.get(&item, &legal).await.status, StatusCode::OK);
    let officer = t.login("baisha.officer").await;
    t.get(&item, &officer)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
}

#[tokio::test]
async fn every_view_of_an_item_is_audited_and_lists_are_not() {
    let s = store().await;
    let t = &s.t;
    let v = ev::intake(
        t,
        &s.custodian,
        &s.number,
        "general",
        &s.shelf[0],
        "WZ-9101",
    )
    .await;
    let id = id(&v);
    assert_eq!(
        audited(t, "cases.evidence.intake", &id, "evidence").await,
        1
    );
    assert_eq!(audited(t, "cases.evidence.view", &id, "evidence").await, 0);
    t.get(&format!("/api/v1/cases/evidence/{id}"), &s.custodian)
        .await;
    t.get("/api/v1/cases/evidence/barcode/WZ-9101", &s.custodian)
        .await;
    assert_eq!(audited(t, "cases.evidence.view", &id, "evidence").await, 2);
    let handler = t.login("case").await;
    t.get(&format!("/api/v1/cases/evidence/{id}"), &handler)
        .await;
    assert_eq!(audited(t, "cases.evidence.view", &id, "case").await, 1);
    let before = t.audit_head().await;
    t.get("/api/v1/cases/evidence", &s.custodian).await;
    t.get("/api/v1/cases/evidence/locations", &s.custodian)
        .await;
    assert_eq!(t.audit_head().await, before);
    // The movement's audit entry carries the event and its digest.
    let r = ev::movement(
        t,
        &s.custodian,
        &id,
        json!({"kind": "relocate", "location_id": s.shelf[1], "reason": "整理"}),
    )
    .await;
    let digest = r.body["events"][1]["digest"].as_str().unwrap().to_owned();
    t.audit_head().await;
    assert_eq!(
        t.sql_count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'cases.evidence.move' \
             AND object_id = $1 AND detail LIKE $2",
            &[&id, &format!("%{digest}%")],
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_code_lists_name_categories_high_risk_ones_and_retention() {
    let t = TestApp::empty().build().await;
    let r = t
        .call(axum::http::Method::GET, "/api/v1/cases/codes", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let codes: Vec<&str> = r.body["evidence_categories"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"drugs") && codes.contains(&"audio_video"));
    assert_eq!(
        r.body["high_risk_categories"],
        json!(["drugs", "firearm", "ammunition", "cash", "valuables"])
    );
    assert_eq!(r.body["retention_days"]["drugs"], 90);
    assert_eq!(r.body["movements"].as_array().unwrap().len(), 8);
    assert_eq!(r.body["discrepancy_kinds"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_file_already_stored_is_taken_in_by_its_sha256_after_a_rehash() {
    let s = store().await;
    let t = &s.t;
    let keeper = t.app.foundation().authenticate(&s.custodian).await.unwrap();
    let ctx = jingwu_app::RequestCtx::cli();
    let d = |description: &str| jingwu_app::DigitalIntake {
        case_number: s.number.clone(),
        category: jingwu_cases::evidence::Category::AudioVideo,
        description: description.into(),
        filename: "scene.jpg".into(),
        media_type: Some("image/jpeg".into()),
        seized_at: None,
        barcode: None,
    };
    // A 110 incident's photo, already in the blob store.
    let data = b"\xFF\xD8\xFF\xE0 scene photo of incident 110".to_vec();
    let sha = t.blobs().put(&data).unwrap();
    let v = t
        .app
        .cases()
        .intake_digital_from_blob(&keeper, d("现场照片"), &sha, &ctx)
        .await
        .unwrap();
    assert_eq!(v.item.sha256.as_deref(), Some(sha.as_str()));
    assert_eq!(v.item.size_bytes, Some(data.len() as i64));
    assert!(v.chain.intact);
    // A digest nothing is stored under, or whose bytes changed, is refused; nothing is written.
    let head = t.audit_head().await;
    let missing = "ab".repeat(32);
    let e = t
        .app
        .cases()
        .intake_digital_from_blob(&keeper, d("不存在"), &missing, &ctx)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "integrity_failed");
    let other = t.blobs().put(b"\xFF\xD8\xFF\xE0 another photo").unwrap();
    std::fs::write(t.blobs().object_path(&other).unwrap(), b"tampered").unwrap();
    let e = t
        .app
        .cases()
        .intake_digital_from_blob(&keeper, d("被改动"), &other, &ctx)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "integrity_failed");
    let e = t
        .app
        .cases()
        .intake_digital_from_blob(&keeper, d("坏摘要"), "not-a-digest", &ctx)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "validation_failed");
    assert_eq!(t.audit_head().await, head);
    // Only custodians take files in.
    let handler = t.app.foundation().authenticate(&s.handler).await.unwrap();
    let e = t
        .app
        .cases()
        .intake_digital_from_blob(&handler, d("办案民警"), &sha, &ctx)
        .await
        .unwrap_err();
    assert_eq!(e.code(), "forbidden");
}

#[tokio::test]
async fn another_use_case_takes_a_file_in_within_its_own_write() {
    let s = store().await;
    let t = &s.t;
    // As a case opened from an incident would: the handler's write carries the incident's
    // photo into the case, kept by the case's station (whose district's custodians see it).
    let handler = t.app.foundation().authenticate(&s.handler).await.unwrap();
    let data = b"\xFF\xD8\xFF\xE0 incident photo".to_vec();
    let sha = t.blobs().put(&data).unwrap();
    let station = t.org_id("33020501").await;
    let d = jingwu_app::DigitalIntake {
        case_number: s.number.clone(),
        category: jingwu_cases::evidence::Category::AudioVideo,
        description: "警情现场照片".into(),
        filename: "scene.jpg".into(),
        media_type: Some("image/jpeg".into()),
        seized_at: None,
        barcode: None,
    };
    let ctx = jingwu_app::RequestCtx::cli();
    let cases = t.app.cases();
    let item = t
        .app
        .kernel()
        .write(&handler, &ctx, async |tx| {
            cases
                .intake_digital_in(tx, &handler, &station, &d, &sha, data.len() as i64)
                .await
        })
        .await
        .unwrap();
    assert_eq!(item.barcode, "WZ-33020501-20270111-000001");
    let v = t
        .get(&format!("/api/v1/cases/evidence/{}", item.id), &s.custodian)
        .await;
    assert_eq!(v.status, StatusCode::OK, "{}", v.text);
    assert_eq!(v.body["events"][0]["actor_id"], handler.user_id.as_str());
    let content = t
        .get(
            &format!("/api/v1/cases/evidence/{}/content", item.id),
            &s.custodian,
        )
        .await;
    assert_eq!(content.status, StatusCode::OK);
    assert_eq!(content.headers["etag"], format!("\"{sha}\"").as_str());
    assert_eq!(
        content.headers["content-length"],
        data.len().to_string().as_str()
    );
    let report = ev::verify_custody(t).await;
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}
