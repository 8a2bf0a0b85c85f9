//! Defects found by testing the API as an attacker would (issue 10, capability 8): each
//! reproduction is a regression test here, run on SQLite and on PostgreSQL.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::matrix::fixture::{Fixture, Sc};
use crate::matrix::requests::{self, Body, Req};
use crate::matrix::{self, table};
use crate::support::{Problem, TestApp};

/// Every string of a JSON value (keys stay) with a NUL in the middle; `None` when it has no
/// string to carry one.
fn with_nul_in_strings(v: &Value) -> Option<Value> {
    match v {
        Value::String(s) => Some(Value::String(format!("{s}\u{0}x"))),
        Value::Array(items) => {
            let mapped: Vec<(Value, bool)> = items
                .iter()
                .map(|i| with_nul_in_strings(i).map_or((i.clone(), false), |m| (m, true)))
                .collect();
            mapped
                .iter()
                .any(|(_, changed)| *changed)
                .then(|| Value::Array(mapped.into_iter().map(|(m, _)| m).collect()))
        }
        Value::Object(map) => {
            let mut changed = false;
            let out = map
                .iter()
                .map(|(k, i)| {
                    let m = with_nul_in_strings(i);
                    changed |= m.is_some();
                    (k.clone(), m.unwrap_or_else(|| i.clone()))
                })
                .collect();
            changed.then_some(Value::Object(out))
        }
        _ => None,
    }
}

/// The request's path with `%00` added to every segment the route template names as a
/// parameter; `None` for a route without path parameters.
fn with_nul_in_path(route_path: &str, uri: &str) -> Option<String> {
    let (path, query) = uri
        .split_once('?')
        .map_or((uri, None), |(p, q)| (p, Some(q)));
    let template: Vec<&str> = route_path.split('/').collect();
    let mut changed = false;
    let segments: Vec<String> = path
        .split('/')
        .enumerate()
        .map(|(i, seg)| match template.get(i) {
            Some(t) if t.starts_with('{') => {
                changed = true;
                format!("{seg}%00")
            }
            _ => seg.to_string(),
        })
        .collect();
    let joined = segments.join("/");
    changed.then(|| match query {
        Some(q) => format!("{joined}?{q}"),
        None => joined,
    })
}

/// The request's query with `%00` added to every value; `None` without a query.
fn with_nul_in_query(uri: &str) -> Option<String> {
    let (path, query) = uri.split_once('?')?;
    let q: Vec<String> = query
        .split('&')
        .map(|kv| match kv.split_once('=') {
            Some((k, v)) => format!("{k}={v}%00"),
            None => format!("{kv}=%00"),
        })
        .collect();
    Some(format!("{path}?{}", q.join("&")))
}

/// A caller the checked-in access table lets through this route (so the NUL reaches the
/// handler, not only the authorization check), else anonymous.
fn allowed_caller(cells: &table::Cells, route: &str, sc: Sc) -> String {
    cells
        .iter()
        .find(|((r, _, s), o)| r == route && s == sc.label() && o.starts_with("allow"))
        .map_or_else(|| "anonymous".to_string(), |((_, c, _), _)| c.clone())
}

/// Issue 10: a NUL in login, incident text, path ids or status reasons answered 500 on
/// PostgreSQL. Every route of the OpenAPI document, with the matrix's valid request for it,
/// gets a NUL in each of its path parameters, query values and JSON strings in turn: every
/// answer is a 4xx problem, never a 5xx and never a success.
#[tokio::test]
async fn a_nul_in_any_text_input_of_any_route_is_a_4xx_problem() {
    let t = TestApp::demo().with_roads().build().await;
    let mut fx = Fixture::build(&t).await;
    let addr = matrix::serve(&t).await;
    let doc = t.call(Method::GET, "/api/openapi.json", None, None).await;
    let text = std::fs::read_to_string(matrix::table_path()).unwrap();
    let cells = table::parse(&text).unwrap();
    let mut wrong = Vec::new();
    let mut sent = 0;
    for route in matrix::routes_of(&doc.body) {
        let sc = requests::scopes(&route).unwrap()[0];
        let caller = allowed_caller(&cells, &route, sc);
        let route_path = route.split_once(' ').unwrap().1.to_string();
        let template = requests::build(&t, &mut fx, &route, &caller, sc)
            .await
            .unwrap();
        let token = match caller.as_str() {
            "anonymous" => None,
            c if template.fresh_session => Some(t.login(&format!("mx.{c}")).await),
            c => fx.token(c).map(String::from),
        };
        if let Some(unit) = &template.hello_unit {
            let a = matrix::hello(addr, token.as_deref(), &format!("{unit}\u{0}")).await;
            sent += 1;
            if !(400..500).contains(&a.status) {
                wrong.push(format!("{route} (hello unit_id): {} {}", a.status, a.code));
            }
            continue;
        }
        let mut variants: Vec<(&str, Req)> = Vec::new();
        let variant = |uri: String, body: Body| Req {
            method: template.method.clone(),
            uri,
            body,
            headers: template.headers.clone(),
            fresh_session: template.fresh_session,
            hello_unit: None,
        };
        let same_body = || match &template.body {
            Body::None => Body::None,
            Body::Json(v) => Body::Json(v.clone()),
            Body::Raw(ct, b) => Body::Raw(ct, b.clone()),
        };
        if let Some(uri) = with_nul_in_path(&route_path, &template.uri) {
            variants.push(("path", variant(uri, same_body())));
        }
        if let Some(uri) = with_nul_in_query(&template.uri) {
            variants.push(("query", variant(uri, same_body())));
        }
        if let Body::Json(v) = &template.body
            && let Some(nul) = with_nul_in_strings(v)
        {
            variants.push(("body", variant(template.uri.clone(), Body::Json(nul))));
        }
        // Text bodies (CSV imports) reach the store past every extractor: the store's refusal
        // is the catch-all there.
        if let Body::Raw(ct, bytes) = &template.body
            && ct.starts_with("text/")
        {
            // Into the first data row's third column (a name or address: free text).
            let mut nul = bytes.clone();
            let row = nul.iter().position(|b| *b == b'\n').map_or(0, |i| i + 1);
            let at = nul[row..]
                .iter()
                .enumerate()
                .filter(|(_, b)| **b == b',')
                .nth(2)
                .map_or(row, |(i, _)| row + i + 1);
            nul.insert(at, 0);
            variants.push((
                "text body",
                variant(template.uri.clone(), Body::Raw(ct, nul)),
            ));
        }
        for (what, req) in &variants {
            let a = matrix::send(&t, req, token.as_deref()).await;
            sent += 1;
            let problem = serde_json::from_str::<Value>(&a.text)
                .is_ok_and(|b| b["status"].as_u64() == Some(u64::from(a.status)));
            if !(400..500).contains(&a.status) || !problem {
                wrong.push(format!(
                    "{route} as {caller} (NUL in {what}): {} {}",
                    a.status, a.text
                ));
            }
        }
        fx.after_run(&t).await;
    }
    assert!(sent > 150, "only {sent} requests carried a NUL");
    assert!(
        wrong.is_empty(),
        "{} answers were not a 4xx problem:\n  {}",
        wrong.len(),
        wrong.join("\n  ")
    );
}

/// The login route needs no session: a NUL in the username or password is refused before any
/// lookup, and a NUL in a path id or a query value names the parameter.
#[tokio::test]
async fn nul_refusals_name_the_field_and_change_nothing() {
    let t = TestApp::empty().with_city().build().await;
    let dispatcher = t.login("dispatcher").await;
    let before = t.audit_head().await;
    let r = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin\u{0}", "password": "x", "client": "api"})),
        )
        .await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")["errors"][0]["field"],
        "username"
    );
    let r = t.get("/api/v1/incidents/abc%00def", &dispatcher).await;
    assert_eq!(
        r.problem(StatusCode::BAD_REQUEST, "invalid_path")["errors"][0]["field"],
        "id"
    );
    let r = t.get("/api/v1/incidents?from=2026%00", &dispatcher).await;
    assert_eq!(
        r.problem(StatusCode::BAD_REQUEST, "invalid_query")["errors"][0]["field"],
        "from"
    );
    let r = t
        .post(
            "/api/v1/incidents",
            &dispatcher,
            json!({"category": "criminal", "subcategory": "theft", "priority": 2,
                   "lat": 29.87, "lon": 121.55, "address": "x", "description": "a\u{0}b",
                   "caller_phone": "13800000000", "source": "phone"}),
        )
        .await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")["errors"][0]["field"],
        "description"
    );
    // Text that only spells the escape is ordinary text.
    let r = t
        .call(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin\\u0000", "password": "x", "client": "api"})),
        )
        .await;
    r.problem(StatusCode::UNAUTHORIZED, "invalid_credentials");
    assert_eq!(t.audit_head().await, before);
}

/// Issue 10: unknown enum filters answered 200. Every list's enum filter refuses an unknown
/// value with 422 naming the parameter, and takes a known one.
#[tokio::test]
async fn unknown_enum_filters_are_422_naming_the_parameter() {
    let t = TestApp::empty().with_city().build().await;
    let cases = [
        (
            "dispatcher",
            "/api/v1/incidents?status=",
            "status",
            "closed",
        ),
        (
            "dispatcher",
            "/api/v1/stats/incidents?group_by=",
            "group_by",
            "day",
        ),
        (
            "dispatcher",
            "/api/v1/stats/incidents.csv?group_by=",
            "group_by",
            "day",
        ),
        ("case", "/api/v1/cases?status=", "status", "accepted"),
        ("case", "/api/v1/cases?kind=", "kind", "criminal"),
        (
            "evidence",
            "/api/v1/cases/evidence?state=",
            "state",
            "in_store",
        ),
        (
            "admin",
            "/api/v1/payments/refunds?status=",
            "status",
            "requested",
        ),
        (
            "permit",
            "/api/v1/permits/applications?status=",
            "status",
            "submitted",
        ),
        (
            "traffic",
            "/api/v1/traffic/applications?status=",
            "status",
            "submitted",
        ),
        (
            "traffic",
            "/api/v1/traffic/messages?status=",
            "status",
            "open",
        ),
        (
            "traffic",
            "/api/v1/traffic/violations?status=",
            "status",
            "pending",
        ),
    ];
    for (who, prefix, field, known) in cases {
        let token = t.login(who).await;
        let r = t.get(&format!("{prefix}bogus"), &token).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{prefix}bogus: {}",
            r.text
        );
        assert_eq!(
            r.body["errors"][0]["field"], field,
            "{prefix}bogus: {}",
            r.text
        );
        let r = t.get(&format!("{prefix}{known}"), &token).await;
        assert_eq!(r.status, StatusCode::OK, "{prefix}{known}: {}", r.text);
    }
}
