//! Case files through the API, as a bureau starts from an empty database and its handlers and
//! legal supervisors use them: default legal limits, a case from acceptance to closing,
//! identities, documents re-hashed on every download, jurisdiction, audited views, deadline
//! clocks moved by an injected clock, supervision, and requests racing each other.

use std::collections::BTreeSet;
use std::sync::Arc;

use axum::http::StatusCode;
use jingwu_testkit::fixtures::cases as cf;
use serde_json::{Value, json};

use crate::support::{ManualClock, Problem, TestApp};

/// Monday 2026-03-02 09:00 in Beijing.
const START: i64 = 1_772_413_200;

async fn bureau() -> TestApp {
    TestApp::empty()
        .with_city()
        .with_clock(ManualClock::new(
            jiff::Timestamp::from_second(START).unwrap(),
        ))
        .build()
        .await
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("a list: {list}"))
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_owned())
        .collect()
}

/// Audit entries of `action` on `object_id` by `username` (every entry sequenced first).
async fn audited(t: &TestApp, username: &str, action: &str, object_id: &str) -> i64 {
    t.audit_head().await;
    t.sql_count(
        "SELECT COUNT(*) FROM audit_log a JOIN users u ON u.id = a.actor_id \
         WHERE u.username = $1 AND a.action = $2 AND a.object_id = $3",
        &[username, action, object_id],
    )
    .await
}

fn now(t: &TestApp) -> String {
    t.now().to_string()
}

fn hours(h: i64) -> jiff::SignedDuration {
    jiff::SignedDuration::from_hours(h)
}

#[tokio::test]
async fn a_case_is_opened_numbered_and_listed_in_reach() {
    let t = bureau().await;
    let case = t.login("case").await;
    let r = cf::open_resp(&t, &case, cf::new_case("criminal")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["number"], "A33020501202600001");
    assert_eq!(r.body["status"], "accepted");
    assert_eq!(r.body["org_id"], t.org_id("33020501").await.as_str());
    // Baisha's cases are supervised by the Jiangbei bureau's legal office.
    assert_eq!(r.body["legal_org_id"], t.org_id("330205").await.as_str());
    assert_eq!(r.body["handler_name"], "白沙派出所办案民警 周涛");
    let first = r.body["id"].as_str().unwrap().to_owned();
    let second = cf::case(&t, &case, "criminal").await;
    let admin = cf::open_resp(&t, &case, cf::new_case("administrative")).await;
    assert_eq!(admin.body["number"], "X33020501202600001");

    let file = cf::file(&t, &case, &first).await;
    assert_eq!(file["steps"][0]["kind"], "accept_register");
    assert_eq!(file["open"]["corrections"], 0);

    let list = t.get("/api/v1/cases", &case).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let l = ids(&list.body);
    assert_eq!(l.len(), 3);
    assert!(l.contains(&first) && l.contains(&second));
    let gulou = t.login("gulou.case").await;
    assert!(ids(&t.get("/api/v1/cases", &gulou).await.body).is_empty());
    let jiangbei = t.login("jiangbei.legal").await;
    assert_eq!(ids(&t.get("/api/v1/cases", &jiangbei).await.body).len(), 3);
    let filtered = t
        .get("/api/v1/cases?kind=administrative&status=accepted", &case)
        .await;
    assert_eq!(ids(&filtered.body).len(), 1);
    let q = t.get("/api/v1/cases?q=A3302050120260000", &case).await;
    assert_eq!(ids(&q.body).len(), 2);
    t.get("/api/v1/cases?status=archived", &case)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");

    // Bad input names its field and changes nothing.
    let head = t.audit_head().await;
    let mut bad = cf::new_case("criminal");
    bad["title"] = json!("  ");
    bad["lat"] = json!(95.0);
    let r = cf::open_resp(&t, &case, bad).await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: BTreeSet<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, BTreeSet::from(["lat", "title"]));
    let mut future = cf::new_case("criminal");
    future["accepted_at"] = json!("2026-03-03T09:00:00+08:00");
    let p = cf::open_resp(&t, &case, future).await;
    let p = p.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "case_time.invalid");
    assert_eq!(t.audit_head().await, head);
}

#[tokio::test]
async fn cases_opened_at_once_get_distinct_consecutive_numbers() {
    let t = Arc::new(bureau().await);
    let case = t.login("case").await;
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (t, case) = (t.clone(), case.clone());
        tasks.push(tokio::spawn(async move {
            cf::open_resp(&t, &case, cf::new_case("criminal")).await
        }));
    }
    let mut numbers = BTreeSet::new();
    for task in tasks {
        let r = task.await.unwrap();
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        numbers.insert(r.body["number"].as_str().unwrap().to_owned());
    }
    let expected: BTreeSet<String> = (1..=20).map(|n| format!("A33020501202600{n:03}")).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn a_bureau_from_an_empty_database_starts_with_the_default_limits_and_keeps_its_edits() {
    // Nothing at all: the defaults go in as the system, audited, once.
    let bare = TestApp::empty().build().await;
    assert_eq!(bare.app.cases().ensure_legal_limits().await.unwrap(), 7);
    assert_eq!(bare.app.cases().ensure_legal_limits().await.unwrap(), 0);
    assert_eq!(
        bare.sql_count("SELECT COUNT(*) FROM case_legal_limits", &[])
            .await,
        7
    );
    bare.audit_head().await;
    assert_eq!(
        bare.sql_count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'cases.limits.install' \
             AND actor_id = 'system'",
            &[]
        )
        .await,
        1
    );

    // A started city has them; handlers and supervisors read them with their legal basis.
    let t = bureau().await;
    let case = t.login("case").await;
    let limits = t.get("/api/v1/cases/limits", &case).await;
    assert_eq!(limits.status, StatusCode::OK, "{}", limits.text);
    let all = limits.body.as_array().unwrap();
    assert_eq!(all.len(), 7);
    let q = all
        .iter()
        .find(|l| l["code"] == "continued_questioning")
        .unwrap();
    assert_eq!(q["base_minutes"], 24 * 60);
    assert_eq!(q["max_minutes"], 48 * 60);
    assert_eq!(q["approver_level"], "district");
    assert_eq!(q["basis"], "《中华人民共和国人民警察法》第九条（2012）");
    let legal = t.login("legal").await;
    assert_eq!(
        t.get("/api/v1/cases/limits", &legal).await.status,
        StatusCode::OK
    );
    t.get("/api/v1/cases/limits", &t.login("evidence").await)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");

    // The bureau's legal office settles the 2025 PSAPL question by editing the row.
    let admin = t.login("admin").await;
    let revised = json!({"applies_to": "custody", "name_zh": "治安传唤询问查证",
        "name_en": "Public-security summons", "law": "《中华人民共和国治安管理处罚法》",
        "article": "第一百零一条", "version": "2025", "base_minutes": 8 * 60,
        "max_minutes": 24 * 60, "approver_level": "district", "warn_permille": [500, 750, 900]});
    let r = t
        .put(
            "/api/v1/cases/limits/admin_summons",
            &admin,
            revised.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["version"], "2025");
    // The defaults never overwrite it.
    assert_eq!(t.app.cases().ensure_legal_limits().await.unwrap(), 0);
    let again = t.get("/api/v1/cases/limits", &case).await;
    let row = again
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["code"] == "admin_summons")
        .unwrap()
        .clone();
    assert_eq!(row["article"], "第一百零一条");
    assert_eq!(
        audited(&t, "admin", "cases.limit.put", "admin_summons").await,
        1
    );

    // Only the city's administrators change limits; refusals name the field.
    t.put(
        "/api/v1/cases/limits/admin_summons",
        &t.login("gulou.admin").await,
        revised.clone(),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.put("/api/v1/cases/limits/admin_summons", &case, revised.clone())
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let mut bad = revised.clone();
    bad["warn_permille"] = json!([900, 500]);
    let p = t
        .put("/api/v1/cases/limits/admin_summons", &admin, bad)
        .await;
    let p = p.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "warn_permille");
    assert_eq!(p["errors"][0]["code"], "legal_limit.invalid");
    let mut moved = revised.clone();
    moved["applies_to"] = json!("case");
    let p = t
        .put("/api/v1/cases/limits/admin_summons", &admin, moved)
        .await;
    let p = p.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "applies_to");
}

#[tokio::test]
async fn a_criminal_case_from_acceptance_to_closing() {
    let t = bureau().await;
    let case = t.login("case").await;
    let legal = t.login("jiangbei.legal").await;
    let id = cf::case(&t, &case, "criminal").await;
    cf::party(&t, &case, &id, "suspect", 11).await;
    cf::party(&t, &case, &id, "victim", 12).await;
    cf::step(&t, &case, &id, "questioning", "询问被害人\n（第1页）").await;

    // A criminal case is filed before it closes; status steps are not recorded by hand.
    cf::status_resp(&t, &case, &id, "closed", "")
        .await
        .problem(StatusCode::CONFLICT, "case_state");
    let r = t
        .post(
            &format!("/api/v1/cases/{id}/steps"),
            &case,
            json!({"kind": "close"}),
        )
        .await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "kind");
    let r = t
        .post(
            &format!("/api/v1/cases/{id}/steps"),
            &case,
            json!({"kind": "penalty_decision"}),
        )
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    cf::status(&t, &case, &id, "filed", "").await;
    cf::step(&t, &case, &id, "interrogation", "第一次讯问").await;

    // The detention's 24-hour hand-over runs; the legal office asks for a correction.
    let d = cf::deadline(&t, &case, &id, "detention_handover", &now(&t)).await;
    let correction = cf::comment(&t, &legal, &id, "correction", "补充询问笔录签名").await;
    cf::comment(&t, &legal, &id, "comment", "证据链基本完整").await;

    // Not while a correction is open, then not while a deadline runs.
    cf::status_resp(&t, &case, &id, "closed", "移送审查起诉")
        .await
        .problem(StatusCode::CONFLICT, "correction_open");
    let r = cf::resolve_resp(&t, &case, &correction, "已补签").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["resolution"], "已补签");
    let p = cf::status_resp(&t, &case, &id, "closed", "移送审查起诉").await;
    let p = p.problem(StatusCode::CONFLICT, "case_state");
    assert!(p["detail"].as_str().unwrap().contains("deadline"));
    let met = t
        .post(
            &format!("/api/v1/cases/{id}/deadlines/{d}/met"),
            &case,
            json!({}),
        )
        .await;
    assert_eq!(met.status, StatusCode::OK, "{}", met.text);
    assert_eq!(met.body["clock"]["stopped"], true);
    t.post(
        &format!("/api/v1/cases/{id}/deadlines/{d}/met"),
        &case,
        json!({}),
    )
    .await
    .problem(StatusCode::CONFLICT, "deadline_met");

    let r = cf::status_resp(&t, &case, &id, "closed", "移送审查起诉").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["status"], "closed");
    assert_eq!(r.body["close_reason"], "移送审查起诉");
    assert!(r.body["filed_at"].is_string() && r.body["closed_at"].is_string());

    // A closed case takes nothing more but a supervisor's comment.
    cf::party_resp(&t, &case, &id, cf::party_body("witness", 13))
        .await
        .problem(StatusCode::CONFLICT, "case_state");
    cf::status_resp(&t, &case, &id, "revoked", "x")
        .await
        .problem(StatusCode::CONFLICT, "case_state");
    t.post(
        &format!("/api/v1/cases/{id}/comments"),
        &legal,
        json!({"kind": "correction", "text": "结案后发现问题"}),
    )
    .await
    .problem(StatusCode::CONFLICT, "case_state");
    cf::comment(&t, &legal, &id, "comment", "结案审核通过").await;

    let file = cf::file(&t, &case, &id).await;
    let kinds: Vec<&str> = file["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "accept_register",
            "questioning",
            "file",
            "interrogation",
            "close"
        ]
    );
    assert_eq!(file["steps"][1]["note"], "询问被害人\n（第1页）");
    assert_eq!(file["parties"].as_array().unwrap().len(), 2);
    assert_eq!(file["parties"][0]["id_number"], cf::resident_id(11));
    assert_eq!(file["comments"].as_array().unwrap().len(), 3);
    assert_eq!(file["deadlines"][0]["met_at"], met.body["met_at"]);
    assert_eq!(
        file["open"],
        json!({"corrections": 0, "in_area": 0, "running_deadlines": 0})
    );
    assert_eq!(audited(&t, "case", "cases.case.status", &id).await, 2);

    // Administrative cases have no 立案; revoking says why.
    let adm = cf::case(&t, &case, "administrative").await;
    cf::status_resp(&t, &case, &adm, "filed", "")
        .await
        .problem(StatusCode::CONFLICT, "case_state");
    let p = cf::status_resp(&t, &case, &adm, "revoked", "").await;
    let p = p.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "reason");
    cf::status(&t, &case, &adm, "revoked", "当事人撤回，终止调查").await;
}

#[tokio::test]
async fn a_case_does_not_close_while_its_person_is_in_the_handling_area() {
    let t = bureau().await;
    let case = t.login("case").await;
    let id = cf::case(&t, &case, "administrative").await;
    // The handling area's own API is another module's; its row is what the rule reads.
    let org = t.org_id("33020501").await;
    let me = t.get("/api/v1/me", &case).await.body["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sql = format!(
        "INSERT INTO area_custodies (id, org_id, case_id, name, id_kind, id_number, role, reason, \
         arrived_at, entered_at, status, room_id, handler_id, exit_at, outcome, outcome_note) \
         VALUES ('cust-1', '{org}', '{id}', '测试', 'unknown', NULL, 'suspect', '殴打他人', \
         {s}, {s}, 'in_area', NULL, '{me}', NULL, NULL, NULL)",
        s = START * 1_000_000
    );
    t.sql_execute(&sql).await.unwrap();
    let p = cf::status_resp(&t, &case, &id, "closed", "处罚决定").await;
    let p = p.problem(StatusCode::CONFLICT, "case_state");
    assert!(p["detail"].as_str().unwrap().contains("handling area"));
    assert_eq!(cf::file(&t, &case, &id).await["open"]["in_area"], 1);
    t.sql_execute(&format!(
        "UPDATE area_custodies SET exit_at = {}, outcome = 'released' WHERE id = 'cust-1'",
        START * 1_000_000 + 1
    ))
    .await
    .unwrap();
    cf::status(&t, &case, &id, "closed", "处罚决定").await;
}

#[tokio::test]
async fn party_identities_are_checked_by_their_document() {
    let t = bureau().await;
    let case = t.login("case").await;
    let id = cf::case(&t, &case, "criminal").await;
    let head = t.audit_head().await;
    let mut wrong = cf::resident_id(21);
    let last = if wrong.ends_with('1') { '2' } else { '1' };
    wrong.pop();
    wrong.push(last);
    for (kind, number) in [
        ("resident_id", json!(wrong)),
        ("resident_id", Value::Null),
        ("unknown", json!("E12345678")),
        ("passport", json!("E1234-5678")),
    ] {
        let r = cf::party_resp(
            &t,
            &case,
            &id,
            json!({"role": "suspect", "name": "测试", "id_kind": kind, "id_number": number}),
        )
        .await;
        let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(p["errors"][0]["field"], "id_number", "{kind} {number}");
        assert_eq!(p["errors"][0]["code"], "identity.invalid");
    }
    let r = cf::party_resp(
        &t,
        &case,
        &id,
        json!({"role": "suspect", "name": "测试", "id_kind": "resident_id",
               "id_number": cf::resident_id(21), "phone": "call me"}),
    )
    .await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "phone");
    let r = cf::party_resp(
        &t,
        &case,
        &id,
        json!({"role": "thief", "name": "测试", "id_kind": "unknown"}),
    )
    .await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "case_code.unknown");
    assert_eq!(t.audit_head().await, head, "refusals change nothing");

    // Unknown identity is allowed and common; numbers are kept normalised.
    let r = cf::party_resp(
        &t,
        &case,
        &id,
        json!({"role": "suspect", "name": "无名氏（约30岁男性）", "id_kind": "unknown"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["id_number"], Value::Null);
    let r = cf::party_resp(
        &t,
        &case,
        &id,
        json!({"role": "witness", "name": "John Smith", "id_kind": "passport",
               "id_number": " e12345678 "}),
    )
    .await;
    assert_eq!(r.body["id_number"], "E12345678", "{}", r.text);
}

#[tokio::test]
async fn documents_are_hashed_again_on_every_download() {
    let t = bureau().await;
    let case = t.login("case").await;
    let id = cf::case(&t, &case, "criminal").await;
    let pdf = cf::pdf(1);
    let sha = cf::document(&t, &case, &id, "questioning", pdf.clone()).await;
    let file = cf::file(&t, &case, &id).await;
    let doc = &file["steps"][1]["document"];
    assert_eq!(doc["sha256"], sha.as_str());
    assert_eq!(doc["name"], "笔录.pdf");
    assert_eq!(doc["media_type"], "application/pdf");
    let url = doc["url"].as_str().unwrap().to_owned();

    let r = t.get(&url, &case).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.text.as_bytes(), pdf.as_slice());
    assert_eq!(r.headers["content-type"], "application/pdf");
    let legal = t.login("legal").await;
    assert_eq!(t.get(&url, &legal).await.status, StatusCode::OK);
    assert_eq!(audited(&t, "case", "cases.document.view", &id).await, 1);
    assert_eq!(audited(&t, "legal", "cases.document.view", &id).await, 1);

    // Only PDF, JPEG and PNG, by content, at most 20 MiB.
    let r = cf::document_resp(&t, &case, &id, "questioning", "a.txt", b"hello".to_vec()).await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "case_document_rejected");
    let mut big = cf::pdf(2);
    big.resize(20 * 1024 * 1024 + 1, b' ');
    let r = cf::document_resp(&t, &case, &id, "questioning", "big.pdf", big).await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "case_document_rejected");
    let r = cf::document_resp(&t, &case, &id, "file", "a.pdf", cf::pdf(3)).await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    t.get(
        &format!("/api/v1/cases/{id}/documents/{}", "0".repeat(64)),
        &case,
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");

    // The stored bytes are changed on disk behind the system's back: reported, and recorded.
    let path = t.blobs().object_path(&sha).unwrap();
    std::fs::write(&path, b"%PDF-1.4 altered").unwrap();
    let r = t.get(&url, &case).await;
    let p = r.problem(StatusCode::CONFLICT, "integrity_failed");
    assert!(p["detail"].as_str().unwrap().contains(&sha));
    assert_eq!(
        audited(&t, "case", "cases.document.integrity_failed", &id).await,
        1
    );
    assert_eq!(audited(&t, "case", "cases.document.view", &id).await, 1);
    // A missing file is reported the same way.
    std::fs::remove_file(&path).unwrap();
    t.get(&url, &legal)
        .await
        .problem(StatusCode::CONFLICT, "integrity_failed");
    assert_eq!(
        audited(&t, "legal", "cases.document.integrity_failed", &id).await,
        1
    );
}

#[tokio::test]
async fn a_case_is_seen_only_in_its_units_reach_and_every_denial_is_recorded() {
    let t = bureau().await;
    let case = t.login("case").await;
    let id = cf::case(&t, &case, "criminal").await;
    let sha = cf::document(&t, &case, &id, "questioning", cf::pdf(7)).await;

    // Another station's handler: not found, as if it did not exist, and on record.
    let gulou = t.login("gulou.case").await;
    t.get(&format!("/api/v1/cases/{id}"), &gulou)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    t.get(&format!("/api/v1/cases/{id}/documents/{sha}"), &gulou)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    cf::party_resp(&t, &gulou, &id, cf::party_body("witness", 3))
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(audited(&t, "gulou.case", "cases.denied", &id).await, 3);
    // A unit it names outside its subtree: out of scope, also on record.
    let baisha = t.org_id("33020501").await;
    let mut there = cf::new_case("criminal");
    there["org_id"] = json!(baisha);
    cf::open_resp(&t, &gulou, there)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.get(&format!("/api/v1/cases?org={baisha}"), &gulou)
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    assert_eq!(audited(&t, "gulou.case", "cases.denied", &baisha).await, 2);

    // Custodians see items, never case files; on record too.
    let evidence = t.login("evidence").await;
    t.get(&format!("/api/v1/cases/{id}"), &evidence)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    t.get("/api/v1/cases", &evidence)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(audited(&t, "evidence", "cases.denied", &id).await, 1);
    // A legal supervisor reads but does not handle.
    let jiangbei = t.login("jiangbei.legal").await;
    cf::party_resp(&t, &jiangbei, &id, cf::party_body("witness", 3))
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");

    // The district's legal office and the city's see it; the handler's own district too.
    for who in ["jiangbei.legal", "legal"] {
        let token = t.login(who).await;
        let r = t.get(&format!("/api/v1/cases/{id}"), &token).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.text);
        let list = t.get("/api/v1/cases", &token).await;
        assert_eq!(ids(&list.body), [id.as_str()], "{who}");
    }
    let r = t
        .get(&format!("/api/v1/cases?org={baisha}"), &jiangbei)
        .await;
    assert_eq!(ids(&r.body), [id.as_str()]);

    // A handler of the district bureau opens a case for one of its stations.
    let gulou_org = t.org_id("33020301").await;
    let mut own = cf::new_case("administrative");
    own["org_id"] = json!(gulou_org);
    own["supervisor_id"] = json!(t.get("/api/v1/me", &jiangbei).await.body["id"]);
    let p = cf::open_resp(&t, &gulou, own.clone()).await;
    // Jiangbei's legal supervisor does not supervise Gulou (Haishu): refused.
    let p = p.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "supervisor_id");
    own["supervisor_id"] = json!(t.get("/api/v1/me", &t.login("legal").await).await.body["id"]);
    let r = cf::open_resp(&t, &gulou, own).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["legal_org_id"], t.org_id("330203").await.as_str());
}

#[tokio::test]
async fn every_view_of_a_case_file_leaves_an_audit_entry() {
    let t = bureau().await;
    let case = t.login("case").await;
    let legal = t.login("legal").await;
    let id = cf::case(&t, &case, "criminal").await;
    assert_eq!(audited(&t, "case", "cases.case.view", &id).await, 0);
    cf::file(&t, &case, &id).await;
    cf::file(&t, &case, &id).await;
    cf::file(&t, &legal, &id).await;
    // Lists show no file and record no per-row view.
    t.get("/api/v1/cases", &case).await;
    assert_eq!(audited(&t, "case", "cases.case.view", &id).await, 2);
    assert_eq!(audited(&t, "legal", "cases.case.view", &id).await, 1);
    // The city's legal office reads the views in the audit log.
    let page = t.get("/api/v1/audit?limit=10", &legal).await;
    let views: Vec<&Value> = page.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "cases.case.view" && e["object_id"] == id.as_str())
        .collect();
    assert_eq!(views.len(), 3);
    assert!(views.iter().all(|e| e["object_type"] == "case"));
}

#[tokio::test]
async fn deadline_clocks_warn_and_run_out_as_the_clock_moves() {
    let t = bureau().await;
    let case = t.login("case").await;
    let id = cf::filed_case(&t, &case).await;
    // Refusals: a custody limit, an unknown one, a start in the future.
    let start =
        |code: &str, at: &str| json!({"limit_code": code, "started_at": at, "note": "刑事拘留"});
    let url = format!("/api/v1/cases/{id}/deadlines");
    let p = t
        .post(&url, &case, start("continued_questioning", &now(&t)))
        .await;
    let p = p.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "limit_code");
    t.post(&url, &case, start("no_such_limit", &now(&t)))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "legal_limit_unknown");
    let p = t
        .post(
            &url,
            &case,
            start("detention_handover", "2026-03-03T09:00:00+08:00"),
        )
        .await;
    let p = p.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "case_time.invalid");

    // Hand-over to the detention centre within 24 hours (CPL art. 85), from an hour ago.
    t.advance(hours(1));
    let r = t
        .post(
            &url,
            &case,
            start("detention_handover", "2026-03-02T09:00:00+08:00"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(
        r.body["basis"],
        "《中华人民共和国刑事诉讼法》第八十五条（2018）"
    );
    assert_eq!(r.body["clock"]["due_at"], "2026-03-03T01:00:00Z");
    assert_eq!(r.body["clock"]["alert"], Value::Null);
    assert_eq!(r.body["clock"]["remaining_seconds"], 23 * 3600);
    let deadline = r.body["id"].as_str().unwrap().to_owned();

    let jiangbei = t.login("jiangbei.legal").await;
    let watched = |v: &Value| -> Vec<(String, String)> {
        v["clocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["id"].as_str().unwrap().to_owned(),
                    c["clock"]["alert"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    let sup = t.get("/api/v1/cases/supervision", &jiangbei).await;
    assert_eq!(sup.status, StatusCode::OK, "{}", sup.text);
    assert!(watched(&sup.body).is_empty(), "no warning yet");

    // Half the limit: the first warning. (Sessions last 12 hours: sign in again.)
    t.advance(hours(11));
    let (case, jiangbei, gulou) = (
        t.login("case").await,
        t.login("jiangbei.legal").await,
        t.login("gulou.case").await,
    );
    let file = cf::file(&t, &case, &id).await;
    assert_eq!(file["deadlines"][0]["clock"]["alert"], "first");
    assert_eq!(file["deadlines"][0]["clock"]["used_permille"], 500);
    let sup = t.get("/api/v1/cases/supervision", &jiangbei).await;
    assert_eq!(watched(&sup.body), [(deadline.clone(), "first".to_owned())]);
    assert_eq!(sup.body["clocks"][0]["kind"], "deadline");
    assert_eq!(sup.body["clocks"][0]["case"]["id"], id.as_str());
    // Out of reach: another station's handler sees nothing of it.
    let other = t.get("/api/v1/cases/supervision", &gulou).await;
    assert!(watched(&other.body).is_empty());

    // Past the limit: overdue, time left negative.
    t.advance(hours(13));
    let (case, jiangbei) = (t.login("case").await, t.login("jiangbei.legal").await);
    let sup = t
        .get("/api/v1/cases/supervision", &t.login("legal").await)
        .await;
    assert_eq!(
        watched(&sup.body),
        [(deadline.clone(), "expired".to_owned())]
    );
    assert_eq!(sup.body["clocks"][0]["clock"]["remaining_seconds"], -3600);
    // Met late: the clock stops where it was and leaves the list.
    let r = t
        .post(&format!("{url}/{deadline}/met"), &case, json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    t.advance(hours(5));
    let file = cf::file(&t, &case, &id).await;
    let clock = &file["deadlines"][0]["clock"];
    assert_eq!(clock["stopped"], true);
    assert_eq!(clock["alert"], "expired");
    assert_eq!(clock["remaining_seconds"], -3600);
    let sup = t.get("/api/v1/cases/supervision", &jiangbei).await;
    assert!(watched(&sup.body).is_empty());
}

#[tokio::test]
async fn supervision_lists_open_corrections_and_flagged_items_in_reach() {
    let t = bureau().await;
    let case = t.login("case").await;
    let gulou = t.login("gulou.case").await;
    let jiangbei = t.login("jiangbei.legal").await;
    let id = cf::case(&t, &case, "criminal").await;
    let elsewhere = cf::case(&t, &gulou, "criminal").await;
    let c1 = cf::comment(&t, &jiangbei, &id, "correction", "补充现场照片").await;
    cf::comment(&t, &jiangbei, &id, "comment", "注意办案时限").await;
    // The Jiangbei office does not supervise Gulou's case.
    t.post(
        &format!("/api/v1/cases/{elsewhere}/comments"),
        &jiangbei,
        json!({"kind": "correction", "text": "x"}),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    // Handlers do not write supervision comments.
    t.post(
        &format!("/api/v1/cases/{id}/comments"),
        &case,
        json!({"kind": "comment", "text": "x"}),
    )
    .await
    .problem(StatusCode::FORBIDDEN, "forbidden");
    let c2 = cf::comment(
        &t,
        &t.login("legal").await,
        &elsewhere,
        "correction",
        "补充",
    )
    .await;

    // A flagged item of each case (evidence intake is another module's; its row is read).
    let baisha_store = t.org_id("330205").await;
    let haishu_store = t.org_id("330203").await;
    for (item, store, case_id) in [
        ("item-1", &baisha_store, &id),
        ("item-2", &haishu_store, &elsewhere),
    ] {
        let sql = format!(
            "INSERT INTO evidence_items (id, org_id, case_id, barcode, seal_no, description, \
             category, kind, quantity, sha256, size_bytes, media_type, state, location_id, \
             holder_id, flagged, seized_at, intake_at, last_seq, last_digest) VALUES \
             ('{item}', '{store}', '{case_id}', 'BC-{item}', NULL, '手机一部', 'valuables', \
             'physical', 1, NULL, NULL, NULL, 'stored', NULL, NULL, 1, 0, 0, 0, '')"
        );
        t.sql_execute(&sql).await.unwrap();
    }

    let sup = t.get("/api/v1/cases/supervision", &jiangbei).await;
    assert_eq!(sup.status, StatusCode::OK, "{}", sup.text);
    assert_eq!(ids(&sup.body["corrections"]), [c1.as_str()]);
    assert_eq!(sup.body["corrections"][0]["case"]["id"], id.as_str());
    let flagged = sup.body["flagged"].as_array().unwrap();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0]["item_id"], "item-1");
    assert_eq!(flagged[0]["case"]["number"], "A33020501202600001");
    let city = t
        .get("/api/v1/cases/supervision", &t.login("legal").await)
        .await;
    assert_eq!(
        ids(&city.body["corrections"])
            .into_iter()
            .collect::<BTreeSet<_>>(),
        BTreeSet::from([c1.clone(), c2])
    );
    assert_eq!(city.body["flagged"].as_array().unwrap().len(), 2);
    t.get("/api/v1/cases/supervision", &t.login("evidence").await)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");

    // Another station's handler cannot answer it; a comment needs no answer.
    cf::resolve_resp(&t, &gulou, &c1, "x")
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    cf::resolve_resp(&t, &jiangbei, &c1, "x")
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let r = cf::resolve_resp(&t, &case, &c1, "已补充").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let sup = t.get("/api/v1/cases/supervision", &jiangbei).await;
    assert!(ids(&sup.body["corrections"]).is_empty());
}

#[tokio::test]
async fn a_correction_answered_by_many_at_once_is_resolved_once() {
    let t = Arc::new(bureau().await);
    let case = t.login("case").await;
    let legal = t.login("jiangbei.legal").await;
    let id = cf::case(&t, &case, "criminal").await;
    let correction = cf::comment(&t, &legal, &id, "correction", "补充证人证言").await;
    let mut tasks = Vec::new();
    for n in 0..20 {
        let (t, case, correction) = (t.clone(), case.clone(), correction.clone());
        tasks.push(tokio::spawn(async move {
            cf::resolve_resp(&t, &case, &correction, &format!("已补充（{n}）")).await
        }));
    }
    let (mut ok, mut answered) = (0, 0);
    for task in tasks {
        let r = task.await.unwrap();
        match r.status {
            StatusCode::OK => ok += 1,
            StatusCode::CONFLICT => {
                r.problem(StatusCode::CONFLICT, "correction_answered");
                answered += 1;
            }
            other => panic!("unexpected {other}: {}", r.text),
        }
    }
    assert_eq!((ok, answered), (1, 19));
    assert_eq!(
        audited(&t, "case", "cases.correction.resolve", &id).await,
        1
    );
    let file = cf::file(&t, &case, &id).await;
    let c = &file["comments"][0];
    assert!(c["resolution"].as_str().unwrap().starts_with("已补充"));
    assert_eq!(file["open"]["corrections"], 0);
}

#[tokio::test]
async fn the_code_lists_carry_both_languages() {
    let t = bureau().await;
    let r = t
        .call(axum::http::Method::GET, "/api/v1/cases/codes", None, None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let steps = r.body["step_kinds"].as_array().unwrap();
    assert!(
        steps
            .iter()
            .any(|s| s["code"] == "arrest_request" && s["label_zh"] == "提请批准逮捕")
    );
    assert_eq!(r.body["case_kinds"][0]["label_en"], "Criminal case");
    assert_eq!(r.body["id_kinds"].as_array().unwrap().len(), 4);
}

/// The demo's law enforcement loads through the use cases, once: cases in reach of the
/// station's handler and the county's legal office, people on the handling-area board with
/// their clocks running (the fraud suspect past the first warning).
#[tokio::test]
async fn the_demo_has_cases_people_in_the_area_and_evidence() {
    let t = TestApp::demo().build().await;
    let demo = t.app.seed_demo_cases().await.unwrap();
    assert_eq!((demo.cases, demo.in_area, demo.items), (3, 3, 5));
    let again = t.app.seed_demo_cases().await.unwrap();
    assert_eq!(again.cases, 0, "a second load adds nothing");
    let handler = t.login("case").await;
    let list = t.get("/api/v1/cases", &handler).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    assert_eq!(list.body.as_array().unwrap().len(), 3);
    let legal = t.login("ninghai.legal").await;
    let list = t.get("/api/v1/cases", &legal).await;
    assert_eq!(list.body.as_array().unwrap().len(), 3);
    let board = t.get("/api/v1/cases/area", &handler).await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.text);
    let lines = board.body.as_array().unwrap();
    assert_eq!(lines.len(), 3, "{}", board.text);
    assert_eq!(
        lines[0]["person"]["name"], "王某某",
        "least time left first"
    );
    assert_eq!(lines[0]["measure"]["clock"]["alert"], "first");
    // The county store's custodian: five items, the crowbar out for appraisal.
    let custodian = t.login("evidence").await;
    let items = t.get("/api/v1/cases/evidence", &custodian).await;
    assert_eq!(items.status, StatusCode::OK, "{}", items.text);
    let items = items.body.as_array().unwrap();
    assert_eq!(items.len(), 5, "{items:?}");
    assert_eq!(
        items.iter().filter(|i| i["state"] == "checked_out").count(),
        1
    );
    // Another station's handler sees none of it.
    let gulou = t.login("gulou.case").await;
    let list = t.get("/api/v1/cases", &gulou).await;
    assert_eq!(list.body.as_array().unwrap().len(), 0);
}
