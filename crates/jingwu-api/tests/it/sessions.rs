use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::json;

use crate::support::{Problem, TestApp};

#[tokio::test]
async fn a_revoked_token_is_rejected_at_once() {
    let t = TestApp::empty().with_city().build().await;
    let officer = t.login("officer").await;
    let second_device = t.login("officer").await;
    assert_eq!(t.get("/api/v1/me", &officer).await.status, StatusCode::OK);

    let admin = t.login("admin").await;
    let id = t.get("/api/v1/me", &officer).await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let r = t
        .post(&format!("/api/v1/users/{id}/revoke"), &admin, json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["sessions_revoked"], 2);

    t.get("/api/v1/me", &officer)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    t.get("/api/v1/me", &second_device)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    // Not disabled: the officer may sign in again.
    let fresh = t.login("officer").await;
    assert_eq!(t.get("/api/v1/me", &fresh).await.status, StatusCode::OK);

    // Disabling also refuses new sign-ins.
    t.post(
        &format!("/api/v1/users/{id}/revoke"),
        &admin,
        json!({"disable": true}),
    )
    .await;
    t.get("/api/v1/me", &fresh)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    let r = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "officer", "password": jingwu_app::DEMO_PASSWORD})),
        )
        .await;
    r.problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
}

#[tokio::test]
async fn logout_ends_the_session_and_clears_the_cookie() {
    let t = TestApp::empty().with_city().build().await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "dispatcher", "password": jingwu_app::DEMO_PASSWORD})),
        )
        .await;
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let pair = cookie.split(';').next().unwrap().to_string();

    // The cookie alone authenticates the browser.
    let me = Request::get("/api/v1/me")
        .header(header::COOKIE, &pair)
        .body(Body::empty())
        .unwrap();
    assert_eq!(t.send(me).await.body["username"], "dispatcher");

    let out = Request::post("/api/v1/auth/logout")
        .header(header::COOKIE, &pair)
        .body(Body::empty())
        .unwrap();
    let r = t.send(out).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert!(
        r.headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );

    let me = Request::get("/api/v1/me")
        .header(header::COOKIE, &pair)
        .body(Body::empty())
        .unwrap();
    t.send(me)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn wrong_passwords_are_refused_then_throttled() {
    let t = TestApp::empty().with_city().build().await;
    let before = t.audit_head().await;
    // Five free failures, and a sixth that sets the first delay (hardening.rs has the rest).
    for _ in 0..6 {
        let r = t
            .call(
                Method::POST,
                "/api/v1/auth/login",
                None,
                Some(json!({"username": "fire", "password": "guess"})),
            )
            .await;
        r.problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
    }
    let r = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "fire", "password": jingwu_app::DEMO_PASSWORD})),
        )
        .await;
    let p = r.problem(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts");
    assert!(p["retry_after"].as_u64().unwrap() > 0);
    assert!(r.headers.get(header::RETRY_AFTER).is_some());
    assert_eq!(
        t.audit_head().await,
        before,
        "failed logins create no session"
    );
    // Another account is unaffected.
    t.login("legal").await;
}

#[tokio::test]
async fn garbage_tokens_are_unauthenticated() {
    let t = TestApp::empty().with_city().build().await;
    for token in ["", "jw_nope", "Bearer", "../../etc/passwd"] {
        let r = t.get("/api/v1/me", token).await;
        r.problem(StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    let basic = Request::get("/api/v1/me")
        .header(header::AUTHORIZATION, "Basic YWRtaW46eA==")
        .body(Body::empty())
        .unwrap();
    t.send(basic)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}
