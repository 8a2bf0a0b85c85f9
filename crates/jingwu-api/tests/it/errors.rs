//! Bad input of every kind: a 4xx problem+json, never a 5xx, and nothing written.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::support::{Problem, TestApp};

#[tokio::test]
async fn bad_bodies_are_problems_and_write_nothing() {
    let t = TestApp::empty().with_city().build().await;
    let admin = t.login("admin").await;
    let station = t.org_id("33020301").await;
    let before = t.audit_head().await;

    let malformed = Request::post("/api/v1/users")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"username\": \"x\","))
        .unwrap();
    t.send(malformed)
        .await
        .problem(StatusCode::BAD_REQUEST, "malformed_json");

    let wrong_type = json!({"username": 42, "display_name": "x", "role": "officer", "org": station, "password": "longenough"});
    let r = t.post("/api/v1/users", &admin, wrong_type).await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(p["errors"][0]["field"], "username");

    let unknown_enum = json!({"username": "li.si", "display_name": "李四", "role": "superuser", "org": station, "password": "longenough"});
    let r = t.post("/api/v1/users", &admin, unknown_enum).await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");
    assert_eq!(p["errors"][0]["field"], "role");
    assert!(
        p["errors"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("unknown variant")
    );

    let missing =
        json!({"username": "li.si", "role": "officer", "org": station, "password": "longenough"});
    let r = t.post("/api/v1/users", &admin, missing).await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")["errors"][0]["field"],
        "display_name"
    );

    let unknown_field = json!({"username": "li.si", "display_name": "李四", "role": "officer", "org": station, "password": "longenough", "is_root": true});
    t.post("/api/v1/users", &admin, unknown_field)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field");

    let invalid_values = json!({"username": "L", "display_name": "", "role": "officer", "org": station, "password": "short"});
    let r = t.post("/api/v1/users", &admin, invalid_values).await;
    let fields: Vec<&str> =
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap())
            .collect();
    assert_eq!(fields, ["username", "display_name", "password"]);

    let huge = format!(
        "{{\"username\": \"{}\"}}",
        "x".repeat(jingwu_api::MAX_JSON_BODY + 10)
    );
    let oversized = Request::post("/api/v1/users")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(huge))
        .unwrap();
    t.send(oversized)
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");

    let not_json = Request::post("/api/v1/users")
        .header(header::AUTHORIZATION, format!("Bearer {admin}"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("username=x"))
        .unwrap();
    t.send(not_json)
        .await
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");

    let r = t.get("/api/v1/users?limit=abc", &admin).await;
    assert_eq!(
        r.problem(StatusCode::BAD_REQUEST, "invalid_query")["errors"][0]["field"],
        "limit"
    );
    t.get("/api/v1/users?limit=500", &admin)
        .await
        .problem(StatusCode::BAD_REQUEST, "invalid_query");
    t.get("/api/v1/users?color=red", &admin)
        .await
        .problem(StatusCode::BAD_REQUEST, "invalid_query");
    t.get("/api/v1/audit?cursor=abc", &admin)
        .await
        .problem(StatusCode::BAD_REQUEST, "invalid_query");

    t.get("/api/v1/nowhere", &admin)
        .await
        .problem(StatusCode::NOT_FOUND, "route_not_found");
    t.call(Method::DELETE, "/api/v1/orgs", Some(&admin), None)
        .await
        .problem(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");

    let dup = json!({"username": "officer", "display_name": "重名", "role": "officer", "org": station, "password": "longenough"});
    t.post("/api/v1/users", &admin, dup)
        .await
        .problem(StatusCode::CONFLICT, "username_taken");

    assert_eq!(
        t.audit_head().await,
        before,
        "a failed request changed the database"
    );
}

#[tokio::test]
async fn validators_answer_with_details_or_the_exact_problem() {
    let t = TestApp::empty().with_city().build().await;
    let citizen = t.login("citizen").await;
    let r = t
        .post(
            "/api/v1/validate",
            &citizen,
            json!({"kind": "resident_id", "value": "11010519491231002x"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["normalized"], "11010519491231002X");
    assert_eq!(r.body["birth_date"], "1949-12-31");

    let r = t
        .post(
            "/api/v1/validate",
            &citizen,
            json!({"kind": "resident_id", "value": "110105194912310021"}),
        )
        .await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["code"], "resident_id.checksum");
    assert_eq!(p["errors"][0]["field"], "value");

    let r = t
        .post(
            "/api/v1/validate",
            &citizen,
            json!({"kind": "plate", "value": "浙B·D12345"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["plate_kind"], "new_energy_small");
    let r = t
        .post(
            "/api/v1/validate",
            &citizen,
            json!({"kind": "plate", "value": "X B12345"}),
        )
        .await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["code"],
        "plate.province"
    );
    let r = t
        .post(
            "/api/v1/validate",
            &citizen,
            json!({"kind": "un_number", "value": "UN 9999"}),
        )
        .await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["code"],
        "un_number.range"
    );
    let r = t
        .post(
            "/api/v1/validate",
            &citizen,
            json!({"kind": "passport", "value": "E1"}),
        )
        .await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")["errors"][0]["field"],
        "kind"
    );
}
