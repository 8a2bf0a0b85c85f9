//! Requests through the real router with `tower::ServiceExt::oneshot`.
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers: a failure should abort the test"
)]

use axum::body::{Body, to_bytes};
use http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, REFERRER_POLICY,
    X_CONTENT_TYPE_OPTIONS,
};
use http::{Method, Request, StatusCode};
use tower::ServiceExt;

async fn get(path: &str, if_none_match: Option<&str>) -> http::Response<Body> {
    let mut req = Request::builder().method(Method::GET).uri(path);
    if let Some(tag) = if_none_match {
        req = req.header(IF_NONE_MATCH, tag);
    }
    jingwu_web::router::<()>()
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

fn header(res: &http::Response<Body>, name: http::header::HeaderName) -> &str {
    res.headers()
        .get(&name)
        .unwrap_or_else(|| panic!("missing {name}"))
        .to_str()
        .unwrap()
}

async fn text(res: http::Response<Body>) -> String {
    let bytes = to_bytes(res.into_body(), 1 << 22).await.unwrap();
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[tokio::test]
async fn login_page_is_html_with_security_headers() {
    let res = get("/login", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, CONTENT_TYPE), "text/html; charset=utf-8");
    assert!(header(&res, CONTENT_SECURITY_POLICY).starts_with("default-src 'self'"));
    assert_eq!(header(&res, X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header(&res, REFERRER_POLICY), "same-origin");
    let body = text(res).await;
    assert!(body.contains(r#"<script type="module" src="/assets/js/login.js">"#));
    assert!(body.contains(r#"id="login-form""#));
}

#[tokio::test]
async fn pages_have_no_inline_scripts_or_styles() {
    for page in [
        "/",
        "/login",
        "/command",
        "/terminal",
        "/dashboard",
        "/command/plans",
        "/fire",
        "/traffic",
        "/traffic/clerk",
        "/permits",
        "/permits/window",
        "/permits/hall",
        "/cases",
        "/cases/area",
        "/cases/evidence",
        "/pay/sandbox/",
    ] {
        let res = get(page, None).await;
        assert_eq!(res.status(), StatusCode::OK, "{page}");
        let body = text(res).await;
        for (i, _) in body.match_indices("<script") {
            let tag = &body[i..i + body[i..].find('>').unwrap()];
            assert!(tag.contains("src="), "{page}: inline script {tag}");
        }
        assert!(!body.contains("<style"), "{page}: inline <style>");
        assert!(!body.contains(" style="), "{page}: style attribute");
        assert!(!body.contains(" onclick="), "{page}: inline handler");
    }
}

#[tokio::test]
async fn home_page_loads_its_module() {
    let res = get("/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(
        text(res)
            .await
            .contains(r#"<script type="module" src="/assets/js/home.js">"#)
    );
}

#[tokio::test]
async fn asset_has_type_etag_cache_control_and_revalidates() {
    let res = get("/assets/css/app.css", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, CONTENT_TYPE), "text/css; charset=utf-8");
    assert_eq!(header(&res, CACHE_CONTROL), "no-cache");
    assert_eq!(header(&res, X_CONTENT_TYPE_OPTIONS), "nosniff");
    let etag = header(&res, ETAG).to_owned();
    assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    assert!(text(res).await.contains(":root"));

    let res = get("/assets/css/app.css", Some(&etag)).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(header(&res, ETAG), etag);
    assert!(text(res).await.is_empty());

    let weak = format!("\"nope\", W/{etag}");
    let res = get("/assets/css/app.css", Some(&weak)).await;
    assert_eq!(res.status(), StatusCode::NOT_MODIFIED);

    let res = get("/assets/css/app.css", Some("\"stale\"")).await;
    assert_eq!(res.status(), StatusCode::OK);
}

#[tokio::test]
async fn content_types_of_other_assets() {
    for (path, ct) in [
        ("/assets/js/login.js", "text/javascript; charset=utf-8"),
        ("/assets/i18n/zh-CN.json", "application/json"),
        ("/assets/i18n/en.json", "application/json"),
        ("/assets/img/emblem.svg", "image/svg+xml"),
        (
            "/assets/vendor/leaflet/leaflet.js",
            "text/javascript; charset=utf-8",
        ),
        (
            "/assets/vendor/leaflet/leaflet.css",
            "text/css; charset=utf-8",
        ),
        ("/assets/vendor/leaflet/images/marker-icon.png", "image/png"),
    ] {
        let res = get(path, None).await;
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        assert_eq!(header(&res, CONTENT_TYPE), ct, "{path}");
    }
}

#[tokio::test]
async fn unknown_asset_is_404() {
    for path in [
        "/assets/nope.js",
        "/assets/js/../login.html",
        "/assets/vendor/leaflet/leaflet-src.js",
    ] {
        let res = get(path, None).await;
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(
            res.headers()[CONTENT_TYPE],
            "application/problem+json",
            "{path}"
        );
        assert_eq!(header(&res, X_CONTENT_TYPE_OPTIONS), "nosniff");
    }
}

#[test]
fn dictionaries_have_the_same_keys() {
    fn keys(json: &str) -> Vec<String> {
        // Tiny key extractor: every `"key":` in the file, in order.
        let mut out = Vec::new();
        let mut rest = json;
        while let Some(i) = rest.find("\":") {
            let head = &rest[..i];
            if let Some(start) = head.rfind('"') {
                out.push(head[start + 1..].to_owned());
            }
            rest = &rest[i + 2..];
        }
        out
    }
    let zh = jingwu_web::asset("i18n/zh-CN.json").unwrap();
    let en = jingwu_web::asset("i18n/en.json").unwrap();
    let zh = keys(std::str::from_utf8(zh.body).unwrap());
    let en = keys(std::str::from_utf8(en.body).unwrap());
    assert_eq!(zh, en);
}
