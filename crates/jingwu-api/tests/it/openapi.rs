use axum::http::{Method, StatusCode, header};

use crate::support::TestApp;

#[tokio::test]
async fn the_openapi_document_lists_every_api_route() {
    let t = TestApp::empty().build().await;
    let r = t.call(Method::GET, "/api/openapi.json", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = r.body["paths"].as_object().unwrap();
    let mut listed: Vec<String> = Vec::new();
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            listed.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    listed.sort();
    let expected = [
        "DELETE /api/v1/command/setup/key-sites/{id}",
        "DELETE /api/v1/command/setup/posts/{id}",
        "DELETE /api/v1/command/setup/shifts/{id}",
        "DELETE /api/v1/command/setup/sources/{id}",
        "DELETE /api/v1/permits/holidays/{date}",
        "DELETE /api/v1/permits/offices/{id}/exceptions/{date}",
        "DELETE /api/v1/plans/{id}",
        "GET /api/v1/audit",
        "GET /api/v1/audit/checkpoint",
        "GET /api/v1/audit/proof/consistency",
        "GET /api/v1/audit/proof/inclusion",
        "GET /api/v1/audit/verify",
        "GET /api/v1/callers/history",
        "GET /api/v1/cases",
        "GET /api/v1/cases/alerts",
        "GET /api/v1/cases/area",
        "GET /api/v1/cases/area/events",
        "GET /api/v1/cases/area/rooms",
        "GET /api/v1/cases/area/{id}",
        "GET /api/v1/cases/clocks/{kind}/{id}",
        "GET /api/v1/cases/codes",
        "GET /api/v1/cases/evidence",
        "GET /api/v1/cases/evidence/barcode/{barcode}",
        "GET /api/v1/cases/evidence/locations",
        "GET /api/v1/cases/evidence/review",
        "GET /api/v1/cases/evidence/{id}",
        "GET /api/v1/cases/evidence/{id}/content",
        "GET /api/v1/cases/extensions",
        "GET /api/v1/cases/inventories",
        "GET /api/v1/cases/inventories/{id}",
        "GET /api/v1/cases/limits",
        "GET /api/v1/cases/supervision",
        "GET /api/v1/cases/{id}",
        "GET /api/v1/cases/{id}/documents/{sha256}",
        "GET /api/v1/command/setup/key-sites",
        "GET /api/v1/command/setup/posts",
        "GET /api/v1/command/setup/shifts",
        "GET /api/v1/command/setup/sites",
        "GET /api/v1/command/setup/sources",
        "GET /api/v1/command/setup/units",
        "GET /api/v1/command/taxonomy",
        "GET /api/v1/coverage",
        "GET /api/v1/coverage/alerts",
        "GET /api/v1/coverage/areas",
        "GET /api/v1/coverage/geojson",
        "GET /api/v1/events",
        "GET /api/v1/geocode",
        "GET /api/v1/geocode/reverse",
        "GET /api/v1/hazmat/alerts/{id}",
        "GET /api/v1/hazmat/chemicals",
        "GET /api/v1/hazmat/codes",
        "GET /api/v1/hazmat/enterprises",
        "GET /api/v1/hazmat/enterprises/{id}",
        "GET /api/v1/hazmat/events",
        "GET /api/v1/hazmat/fire-units",
        "GET /api/v1/hazmat/responses",
        "GET /api/v1/hazmat/responses/{id}",
        "GET /api/v1/hazmat/stations",
        "GET /api/v1/hazmat/vehicles",
        "GET /api/v1/incidents",
        "GET /api/v1/incidents/{id}",
        "GET /api/v1/incidents/{id}/eido",
        "GET /api/v1/incidents/{id}/linkage",
        "GET /api/v1/incidents/{id}/media",
        "GET /api/v1/incidents/{id}/plan",
        "GET /api/v1/incidents/{id}/recommendations",
        "GET /api/v1/incidents/{id}/timers",
        "GET /api/v1/key-sites",
        "GET /api/v1/layers",
        "GET /api/v1/layers/{id}/features",
        "GET /api/v1/linkage/agencies",
        "GET /api/v1/me",
        "GET /api/v1/media/uploads/{upload_id}",
        "GET /api/v1/media/{sha256}",
        "GET /api/v1/orgs",
        "GET /api/v1/orgs/{id}",
        "GET /api/v1/orgs/{id}/timer-limits",
        "GET /api/v1/payments/orders/{id}",
        "GET /api/v1/payments/orders/{id}/checkout",
        "GET /api/v1/payments/refunds",
        "GET /api/v1/permits/applications",
        "GET /api/v1/permits/applications/{id}",
        "GET /api/v1/permits/applications/{id}/materials/{code}",
        "GET /api/v1/permits/appointments",
        "GET /api/v1/permits/appointments/{id}",
        "GET /api/v1/permits/codes",
        "GET /api/v1/permits/holidays",
        "GET /api/v1/permits/items",
        "GET /api/v1/permits/items/{code}",
        "GET /api/v1/permits/offices",
        "GET /api/v1/permits/offices/{id}",
        "GET /api/v1/permits/offices/{id}/appointments",
        "GET /api/v1/permits/offices/{id}/board",
        "GET /api/v1/permits/offices/{id}/board/events",
        "GET /api/v1/permits/offices/{id}/queue",
        "GET /api/v1/permits/offices/{id}/slots",
        "GET /api/v1/permits/stats",
        "GET /api/v1/plans",
        "GET /api/v1/plans/{id}",
        "GET /api/v1/roads",
        "GET /api/v1/route",
        "GET /api/v1/stats/compare",
        "GET /api/v1/stats/coverage-history",
        "GET /api/v1/stats/incidents",
        "GET /api/v1/stats/incidents.csv",
        "GET /api/v1/terminal/ws",
        "GET /api/v1/tiles/{z}/{x}/{y}",
        "GET /api/v1/timer-alerts",
        "GET /api/v1/traffic/accidents",
        "GET /api/v1/traffic/applications",
        "GET /api/v1/traffic/applications/{id}",
        "GET /api/v1/traffic/codes",
        "GET /api/v1/traffic/licences",
        "GET /api/v1/traffic/me",
        "GET /api/v1/traffic/messages",
        "GET /api/v1/traffic/outbox",
        "GET /api/v1/traffic/plates/candidates",
        "GET /api/v1/traffic/road-events.geojson",
        "GET /api/v1/traffic/road-events/cifs.json",
        "GET /api/v1/traffic/violations",
        "GET /api/v1/traffic/violations/{id}",
        "GET /api/v1/traffic/vouchers",
        "GET /api/v1/units",
        "GET /api/v1/units/{id}",
        "GET /api/v1/units/{id}/messages",
        "GET /api/v1/units/{id}/track",
        "GET /api/v1/users",
        "GET /api/v1/users/{id}",
        "GET /healthz",
        "GET /metrics",
        "GET /readyz",
        "PATCH /api/v1/incidents/{id}",
        "POST /api/v1/audit/checkpoint",
        "POST /api/v1/auth/login",
        "POST /api/v1/auth/logout",
        "POST /api/v1/avl",
        "POST /api/v1/cases",
        "POST /api/v1/cases/area",
        "POST /api/v1/cases/area/rooms",
        "POST /api/v1/cases/area/{id}/belongings",
        "POST /api/v1/cases/area/{id}/events",
        "POST /api/v1/cases/area/{id}/exit",
        "POST /api/v1/cases/area/{id}/measures",
        "POST /api/v1/cases/clocks/{kind}/{id}/extensions",
        "POST /api/v1/cases/comments/{id}/resolve",
        "POST /api/v1/cases/evidence",
        "POST /api/v1/cases/evidence/digital",
        "POST /api/v1/cases/evidence/locations",
        "POST /api/v1/cases/evidence/{id}/movements",
        "POST /api/v1/cases/extensions/{id}/decision",
        "POST /api/v1/cases/inventories",
        "POST /api/v1/cases/inventories/{id}/close",
        "POST /api/v1/cases/inventories/{id}/scans",
        "POST /api/v1/cases/{id}/comments",
        "POST /api/v1/cases/{id}/deadlines",
        "POST /api/v1/cases/{id}/deadlines/{deadline_id}/met",
        "POST /api/v1/cases/{id}/parties",
        "POST /api/v1/cases/{id}/status",
        "POST /api/v1/cases/{id}/steps",
        "POST /api/v1/cases/{id}/steps/document",
        "POST /api/v1/command/setup/import/{kind}",
        "POST /api/v1/command/setup/key-sites",
        "POST /api/v1/command/setup/posts",
        "POST /api/v1/command/setup/shifts",
        "POST /api/v1/command/setup/sources",
        "POST /api/v1/command/setup/units",
        "POST /api/v1/command/setup/units/{id}/retire",
        "POST /api/v1/hazmat/chemicals",
        "POST /api/v1/hazmat/enterprises",
        "POST /api/v1/hazmat/enterprises/import",
        "POST /api/v1/hazmat/fire-units",
        "POST /api/v1/hazmat/observations",
        "POST /api/v1/hazmat/observations/metar",
        "POST /api/v1/hazmat/responses",
        "POST /api/v1/hazmat/responses/{id}/alerts",
        "POST /api/v1/hazmat/responses/{id}/close",
        "POST /api/v1/hazmat/responses/{id}/readings",
        "POST /api/v1/hazmat/responses/{id}/steps/{step}",
        "POST /api/v1/hazmat/stations",
        "POST /api/v1/hazmat/vehicles",
        "POST /api/v1/incidents",
        "POST /api/v1/incidents/{id}/case",
        "POST /api/v1/incidents/{id}/close",
        "POST /api/v1/incidents/{id}/dispatch",
        "POST /api/v1/incidents/{id}/handover",
        "POST /api/v1/incidents/{id}/linkage",
        "POST /api/v1/incidents/{id}/media",
        "POST /api/v1/incidents/{id}/merge",
        "POST /api/v1/incidents/{id}/notes",
        "POST /api/v1/incidents/{id}/sign-for",
        "POST /api/v1/incidents/{id}/units/{unit_id}/cancel",
        "POST /api/v1/incidents/{id}/units/{unit_id}/divert",
        "POST /api/v1/layers",
        "POST /api/v1/layers/{id}/features",
        "POST /api/v1/linkage/agencies",
        "POST /api/v1/linkage/{agency}/ack",
        "POST /api/v1/orgs",
        "POST /api/v1/payments/notify/{channel}",
        "POST /api/v1/payments/sandbox/gateway",
        "POST /api/v1/payments/sandbox/pay",
        "POST /api/v1/permits/applications",
        "POST /api/v1/permits/applications/{id}/payments",
        "POST /api/v1/permits/applications/{id}/review",
        "POST /api/v1/permits/applications/{id}/submit",
        "POST /api/v1/permits/applications/{id}/withdraw",
        "POST /api/v1/permits/appointments",
        "POST /api/v1/permits/appointments/{id}/cancel",
        "POST /api/v1/permits/appointments/{id}/check-in",
        "POST /api/v1/permits/appointments/{id}/confirm",
        "POST /api/v1/permits/appointments/{id}/reschedule",
        "POST /api/v1/permits/offices",
        "POST /api/v1/permits/offices/{id}/tickets",
        "POST /api/v1/permits/offices/{id}/windows",
        "POST /api/v1/permits/tickets/{id}/transfer",
        "POST /api/v1/permits/tickets/{id}/{action}",
        "POST /api/v1/permits/windows/{window_id}/call-next",
        "POST /api/v1/plans",
        "POST /api/v1/timer-alerts/{id}/acknowledge",
        "POST /api/v1/traffic/accidents",
        "POST /api/v1/traffic/accidents/{id}/confirm",
        "POST /api/v1/traffic/accidents/{id}/liability",
        "POST /api/v1/traffic/applications",
        "POST /api/v1/traffic/applications/{id}/payments",
        "POST /api/v1/traffic/applications/{id}/resubmit",
        "POST /api/v1/traffic/applications/{id}/review",
        "POST /api/v1/traffic/applications/{id}/withdraw",
        "POST /api/v1/traffic/citizens",
        "POST /api/v1/traffic/licences",
        "POST /api/v1/traffic/messages",
        "POST /api/v1/traffic/messages/{id}/reply",
        "POST /api/v1/traffic/otp",
        "POST /api/v1/traffic/quizzes",
        "POST /api/v1/traffic/quizzes/{id}/answers",
        "POST /api/v1/traffic/road-events",
        "POST /api/v1/traffic/road-events/{id}/withdraw",
        "POST /api/v1/traffic/vehicles",
        "POST /api/v1/traffic/violations",
        "POST /api/v1/traffic/violations/{id}/accept",
        "POST /api/v1/traffic/violations/{id}/payments",
        "POST /api/v1/traffic/violations/{id}/revoke",
        "POST /api/v1/traffic/vouchers/{id}/apply",
        "POST /api/v1/units/{id}/acknowledge",
        "POST /api/v1/units/{id}/status",
        "POST /api/v1/users",
        "POST /api/v1/users/{id}/enable",
        "POST /api/v1/users/{id}/revoke",
        "POST /api/v1/validate",
        "PUT /api/v1/cases/area/rooms/{id}",
        "PUT /api/v1/cases/limits/{code}",
        "PUT /api/v1/command/setup/key-sites/{id}",
        "PUT /api/v1/command/setup/posts/{id}",
        "PUT /api/v1/command/setup/sites/{org}",
        "PUT /api/v1/command/setup/sources/{id}",
        "PUT /api/v1/command/setup/units/{id}",
        "PUT /api/v1/hazmat/vehicles/{id}/position",
        "PUT /api/v1/layers/{id}/features/{external_id}",
        "PUT /api/v1/linkage/agencies/{code}",
        "PUT /api/v1/media/uploads/{upload_id}/chunks/{offset}",
        "PUT /api/v1/orgs/{id}/timer-limits",
        "PUT /api/v1/permits/applications/{id}",
        "PUT /api/v1/permits/applications/{id}/materials/{code}",
        "PUT /api/v1/permits/holidays/{date}",
        "PUT /api/v1/permits/items/{code}",
        "PUT /api/v1/permits/offices/{id}",
        "PUT /api/v1/permits/offices/{id}/exceptions/{date}",
        "PUT /api/v1/permits/offices/{id}/windows/{window_id}",
        "PUT /api/v1/plans/{id}",
        "PUT /api/v1/units/{id}/crew",
    ];
    assert_eq!(listed, expected);
    // Every documented route exists on the router (no 404 route_not_found for any of them).
    for entry in expected {
        let (method, path) = entry.split_once(' ').unwrap();
        let r = t
            .call(
                method.parse().unwrap(),
                &path.replace("{id}", "x"),
                None,
                None,
            )
            .await;
        assert_ne!(r.body["code"], "route_not_found", "{entry}");
    }
    assert!(r.body["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn the_docs_page_is_served_locally() {
    let t = TestApp::empty().build().await;
    let r = t.call(Method::GET, "/api/docs/", None, None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text.contains("swagger"),
        "{}",
        &r.text[..r.text.len().min(300)]
    );
    assert!(
        !r.text.contains("https://"),
        "the docs page must not load from the internet"
    );
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let t = TestApp::empty().with_city().build().await;
    assert_eq!(
        t.call(Method::GET, "/healthz", None, None).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.call(Method::GET, "/readyz", None, None).await.status,
        StatusCode::OK
    );
    // Admins by default (hardening.rs has the other modes).
    let admin = t.login("admin").await;
    let m = t.call(Method::GET, "/metrics", Some(&admin), None).await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(
        m.headers
            .get(header::CONTENT_TYPE)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    assert!(m.text.contains("jingwu_http_requests_total"), "{}", m.text);
    let r = t.call(Method::GET, "/healthz", None, None).await;
    assert!(r.headers.get("x-request-id").is_some());
}
