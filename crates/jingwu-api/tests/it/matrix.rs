//! The access-policy matrix (issue 8, item 4): every route the OpenAPI document lists × every
//! role and anonymous × the objects the route can name (own jurisdiction, another district,
//! another citizen), run on one fixture and compared with the checked-in table
//! `tests/access-matrix.tsv`. A route without a request in `matrix/requests.rs`, a route
//! missing from the table and a table line for a route that is gone all fail the suite.

mod area;
mod cases;
mod evidence;
pub(crate) mod fixture;
mod permits;
pub(crate) mod requests;
mod setup;
pub(crate) mod table;
mod timers;
mod traffic;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use axum::body::Body as HttpBody;
use axum::http::{Method, Request, header};
use futures_util::{SinkExt, StreamExt};
use http_body_util::BodyExt;
use jingwu_core::Role;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tower::ServiceExt;

use crate::support::TestApp;
use fixture::{Fixture, Sc};
use requests::{Body, Req};
use table::Cells;

/// Guards against a hang only; nothing here asserts how fast anything is.
const PATIENCE: Duration = Duration::from_secs(20);

const UPDATE: &str = "JINGWU_UPDATE_MATRIX=1 cargo test -p jingwu-api matrix";

pub(crate) fn table_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/access-matrix.tsv")
}

/// The decision an answer shows. Anything else is a request the matrix gets wrong (its
/// body, path or query), reported as `unexpected`.
fn outcome(status: u16, code: &str) -> String {
    match (status, code) {
        (101 | 200..=299 | 304, _) => "allow".into(),
        (401, _) => "unauth".into(),
        (403, "forbidden") => "forbidden".into(),
        (403, "out_of_scope") => "out_of_scope".into(),
        (404, "not_found") => "hidden".into(),
        // The JSON extractor refuses a body's shape before any decision.
        (422, "invalid_field") => format!("unexpected {status} {code}"),
        (409 | 422, _) => "allow".into(),
        _ => format!("unexpected {status} {code}"),
    }
}

/// `METHOD path` of every operation in the OpenAPI document.
pub(crate) fn routes_of(doc: &Value) -> BTreeSet<String> {
    let methods = ["get", "put", "post", "delete", "patch", "head", "options"];
    doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .expect("operations")
                .keys()
                .filter(|m| methods.contains(&m.as_str()))
                .map(move |m| format!("{} {path}", m.to_uppercase()))
        })
        .collect()
}

/// The routes this test cannot call, each as the message that says what to do.
fn missing_requests<'a>(routes: impl IntoIterator<Item = &'a String>) -> Vec<String> {
    routes
        .into_iter()
        .filter(|r| requests::scopes(r).is_none())
        .map(|r| format!("add a request for {r} in tests/it/matrix/requests.rs"))
        .collect()
}

/// An answer: status, problem code (or ""), and the body's text.
pub(crate) struct Answer {
    pub status: u16,
    pub code: String,
    pub text: String,
}

/// Sends a request in-process.
pub(crate) async fn send(t: &TestApp, req: &Req, token: Option<&str>) -> Answer {
    let mut b = Request::builder().method(req.method.clone()).uri(&req.uri);
    if let Some(token) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    for (name, value) in &req.headers {
        b = b.header(*name, value);
    }
    let body = match &req.body {
        Body::None => HttpBody::empty(),
        Body::Json(v) => {
            b = b.header(header::CONTENT_TYPE, "application/json");
            HttpBody::from(v.to_string())
        }
        Body::Raw(content_type, bytes) => {
            b = b.header(header::CONTENT_TYPE, *content_type);
            HttpBody::from(bytes.clone())
        }
    };
    let resp = t
        .router
        .clone()
        .oneshot(b.body(body).unwrap())
        .await
        .unwrap();
    let status = resp.status().as_u16();
    // An event stream does not end: its status is the answer.
    let streaming = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream"));
    if streaming {
        return Answer {
            status,
            code: String::new(),
            text: String::new(),
        };
    }
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    let code = serde_json::from_slice::<Value>(&bytes)
        .ok()
        .and_then(|v| v["code"].as_str().map(String::from))
        .unwrap_or_default();
    Answer {
        status,
        code,
        text: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

pub(crate) async fn serve(t: &TestApp) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = t.router.clone();
    tokio::spawn(async move { axum::serve(listener, router).await });
    addr
}

/// The terminal WebSocket: the upgrade, then `hello` for a unit; the first frame is the
/// decision (`welcome`, or an `error` with the status and code of the refusal).
pub(crate) async fn hello(addr: SocketAddr, token: Option<&str>, unit_id: &str) -> Answer {
    let req = format!("ws://{addr}/api/v1/terminal/ws")
        .into_client_request()
        .unwrap();
    let (mut ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(resp.status().as_u16(), 101);
    let hello =
        json!({"type": "hello", "version": 1, "unit_id": unit_id, "last_seq": 0, "token": token});
    ws.send(Message::text(hello.to_string())).await.unwrap();
    loop {
        let frame = tokio::time::timeout(PATIENCE, ws.next())
            .await
            .expect("a first frame");
        let text = match frame {
            Some(Ok(Message::Text(text))) => text,
            Some(Ok(_)) => continue,
            other => panic!("the terminal socket ended before answering hello: {other:?}"),
        };
        let v: Value = serde_json::from_str(text.as_str()).unwrap();
        let (status, code) = match v["type"].as_str() {
            Some("welcome") => (101, String::new()),
            Some("error") => (
                u16::try_from(v["status"].as_u64().unwrap_or(0)).unwrap_or(0),
                v["code"].as_str().unwrap_or_default().to_string(),
            ),
            _ => continue,
        };
        return Answer {
            status,
            code,
            text: String::new(),
        };
    }
}

/// Callers in run order: anonymous, then every role.
fn callers() -> Vec<&'static str> {
    std::iter::once("anonymous")
        .chain(Role::ALL.map(Role::as_str))
        .collect()
}

/// Runs every route × scope × caller and returns the decisions.
async fn run_matrix(t: &TestApp) -> Cells {
    let mut fx = Fixture::build(t).await;
    let addr = serve(t).await;
    let doc = t.call(Method::GET, "/api/openapi.json", None, None).await;
    let routes = routes_of(&doc.body);
    let missing = missing_requests(&routes);
    assert!(missing.is_empty(), "{}", missing.join("\n"));
    let mut cells = Cells::new();
    for route in &routes {
        for &sc in requests::scopes(route).unwrap_or_default() {
            for caller in callers() {
                let req = requests::build(t, &mut fx, route, caller, sc)
                    .await
                    .unwrap_or_else(|| panic!("add a request for {route}"));
                let token = match caller {
                    "anonymous" => None,
                    // A request that ends its session gets a session of its own.
                    c if req.fresh_session => Some(t.login(&format!("mx.{c}")).await),
                    c => fx.token(c).map(String::from),
                };
                let answer = match &req.hello_unit {
                    Some(unit) => hello(addr, token.as_deref(), unit).await,
                    None => send(t, &req, token.as_deref()).await,
                };
                let mut decision = outcome(answer.status, &answer.code);
                // A route that names no object answers for the caller's jurisdiction: an
                // id of the other district in it means the answer reaches past it.
                if sc == Sc::None && decision == "allow" && fx.names_other(&answer.text) {
                    decision = "allow+other".into();
                }
                let key = (route.clone(), caller.to_string(), sc.label().to_string());
                cells.insert(key, decision);
                fx.after_run(t).await;
            }
        }
    }
    cells
}

#[tokio::test]
async fn every_route_answers_every_caller_as_the_table_says() {
    let t = TestApp::demo().with_roads().build().await;
    let actual = run_matrix(&t).await;
    let wrong: Vec<String> = actual
        .iter()
        .filter(|(_, o)| o.starts_with("unexpected"))
        .map(|((r, c, s), o)| format!("{r} as {c} ({s}): {o}"))
        .collect();
    assert!(
        wrong.is_empty(),
        "these requests are refused before any access decision; fix them in \
         tests/it/matrix/requests.rs:\n  {}",
        wrong.join("\n  ")
    );
    let path = table_path();
    if std::env::var("JINGWU_UPDATE_MATRIX").is_ok_and(|v| v == "1") {
        std::fs::write(&path, table::render(&actual)).unwrap();
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let expected = table::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let diff = table::diff(&expected, &actual);
    assert!(
        diff.is_empty(),
        "the API's access decisions differ from {} in {} cells:\n  {}\n\n\
         If the change is intended, regenerate the table with\n  {UPDATE}\n\
         and review its diff line by line.",
        path.display(),
        diff.len(),
        diff.join("\n  ")
    );
}

#[test]
fn a_route_without_a_request_fails_the_matrix() {
    let routes = [
        "GET /api/v1/units/{id}".to_string(),
        "DELETE /api/v1/units/{id}".to_string(),
    ];
    assert_eq!(
        missing_requests(&routes),
        ["add a request for DELETE /api/v1/units/{id} in tests/it/matrix/requests.rs"]
    );
}

#[test]
fn answers_are_classified_by_decision() {
    assert_eq!(outcome(201, ""), "allow");
    assert_eq!(outcome(101, ""), "allow");
    assert_eq!(outcome(409, "unit_not_available"), "allow");
    assert_eq!(outcome(422, "validation_failed"), "allow");
    assert_eq!(outcome(401, "unauthenticated"), "unauth");
    assert_eq!(outcome(403, "forbidden"), "forbidden");
    assert_eq!(outcome(403, "out_of_scope"), "out_of_scope");
    assert_eq!(outcome(404, "not_found"), "hidden");
    // A wrong request is never mistaken for a decision.
    assert_eq!(
        outcome(422, "invalid_field"),
        "unexpected 422 invalid_field"
    );
    assert_eq!(
        outcome(404, "route_not_found"),
        "unexpected 404 route_not_found"
    );
    assert_eq!(
        outcome(400, "invalid_query"),
        "unexpected 400 invalid_query"
    );
    assert_eq!(outcome(500, "internal"), "unexpected 500 internal");
}

/// The checked-in table itself catches a route added without a rule, a route removed without
/// its lines, and a decision that widened.
#[test]
fn the_checked_in_table_catches_new_and_gone_routes_and_a_widened_decision() {
    let text = std::fs::read_to_string(table_path()).unwrap();
    let table = table::parse(&text).unwrap();
    let mut served = table.clone();
    served.insert(
        (
            "DELETE /api/v1/incidents/{id}".into(),
            "dispatcher".into(),
            "own".into(),
        ),
        "allow".into(),
    );
    served.retain(|k, _| k.0 != "GET /api/v1/key-sites");
    let widened = (
        "GET /api/v1/incidents/{id}".to_string(),
        "officer".to_string(),
        "other".to_string(),
    );
    assert_eq!(table[&widened], "hidden");
    served.insert(widened, "allow".into());
    assert_eq!(
        table::diff(&table, &served),
        [
            "DELETE /api/v1/incidents/{id}: served but not in the table (a new route needs its access rule in the table)",
            "GET /api/v1/key-sites: in the table but no longer served (remove its lines)",
            "GET /api/v1/incidents/{id} as officer (other): expected hidden, got allow",
        ]
    );
}
