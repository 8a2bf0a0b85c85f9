//! Stable contracts: the OpenAPI document is checked in and compared, every problem code is
//! registered, and the code lists are served from the Rust definitions.

use std::path::PathBuf;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use jingwu_command::taxonomy::{Category, Subcategory};
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{Problem, TestApp, unregistered_codes};

const UPDATE_VAR: &str = "JINGWU_UPDATE_SNAPSHOTS";

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/openapi.snapshot.json")
}

/// The served document, from a router on an empty database (the document needs no data).
async fn served_document() -> Value {
    let t = TestApp::empty().build().await;
    let resp = t
        .router
        .clone()
        .oneshot(
            Request::get("/api/openapi.json")
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

/// Pretty JSON with object keys sorted at every level, so the file diffs line by line.
fn canonical(v: &Value) -> String {
    fn sort(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sort(&m[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sort).collect()),
            other => other.clone(),
        }
    }
    let mut s = serde_json::to_string_pretty(&sort(v)).unwrap();
    s.push('\n');
    s
}

/// JSON pointers where two documents differ (added, removed or changed), in order.
fn differences(expected: &Value, actual: &Value) -> Vec<String> {
    fn walk(at: &str, e: &Value, a: &Value, out: &mut Vec<String>) {
        match (e, a) {
            (Value::Object(em), Value::Object(am)) => {
                let mut keys: Vec<&String> = em.keys().chain(am.keys()).collect();
                keys.sort();
                keys.dedup();
                for k in keys {
                    let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                    match (em.get(k), am.get(k)) {
                        (Some(x), Some(y)) => walk(&p, x, y, out),
                        (Some(_), None) => out.push(format!("removed {p}")),
                        (None, Some(_)) => out.push(format!("added {p}")),
                        (None, None) => {}
                    }
                }
            }
            (Value::Array(ea), Value::Array(aa)) if ea.len() == aa.len() => {
                for (i, (x, y)) in ea.iter().zip(aa).enumerate() {
                    walk(&format!("{at}/{i}"), x, y, out);
                }
            }
            _ if e == a => {}
            _ => out.push(format!("changed {at}: {e} -> {a}")),
        }
    }
    let mut out = Vec::new();
    walk("", expected, actual, &mut out);
    out
}

/// The comparison the snapshot test makes: `Err` says what differs and how to accept it.
fn compare_with_snapshot(snapshot: &str, actual: &Value) -> Result<(), String> {
    let expected: Value = serde_json::from_str(snapshot)
        .map_err(|e| format!("the snapshot is not JSON ({e}); regenerate it"))?;
    let diff = differences(&expected, actual);
    if diff.is_empty() && canonical(actual) == snapshot {
        return Ok(());
    }
    let shown: Vec<&str> = diff.iter().take(40).map(String::as_str).collect();
    Err(format!(
        "the OpenAPI document differs from {} in {} place(s):\n  {}\n\
         If the change is intended, update the snapshot and commit it:\n  \
         {UPDATE_VAR}=1 cargo test -p jingwu-api --test it contracts::",
        snapshot_path().display(),
        diff.len().max(1),
        shown.join("\n  ")
    ))
}

#[tokio::test]
async fn the_openapi_document_matches_its_checked_in_snapshot() {
    let doc = served_document().await;
    let path = snapshot_path();
    if std::env::var(UPDATE_VAR).is_ok_and(|v| v == "1") {
        std::fs::write(&path, canonical(&doc)).unwrap();
        return;
    }
    let snapshot = std::fs::read_to_string(&path).unwrap_or_default();
    if let Err(msg) = compare_with_snapshot(&snapshot, &doc) {
        panic!("{msg}");
    }
}

#[tokio::test]
async fn the_snapshot_comparison_reports_a_changed_document() {
    let doc = served_document().await;
    let snapshot = canonical(&doc);
    assert_eq!(compare_with_snapshot(&snapshot, &doc), Ok(()));

    let mut changed = doc.clone();
    changed["paths"]["/api/v1/orgs"]["get"]["responses"]
        .as_object_mut()
        .unwrap()
        .remove("403");
    changed["components"]["schemas"]["Problem"]["properties"]["code"] = json!({"type": "string"});
    changed["info"]["x-new"] = json!(1);
    let msg = compare_with_snapshot(&snapshot, &changed).unwrap_err();
    assert!(
        msg.contains("removed /paths/~1api~1v1~1orgs/get/responses/403"),
        "{msg}"
    );
    assert!(
        msg.contains("/components/schemas/Problem/properties/code"),
        "{msg}"
    );
    assert!(msg.contains("added /info/x-new"), "{msg}");
    assert!(msg.contains("JINGWU_UPDATE_SNAPSHOTS=1"), "{msg}");
    assert!(
        compare_with_snapshot("not json", &doc)
            .unwrap_err()
            .contains("regenerate")
    );
}

#[tokio::test]
async fn the_document_lists_the_error_code_registry() {
    let doc = served_document().await;
    let schemas = &doc["components"]["schemas"];
    assert_eq!(
        schemas["Problem"]["properties"]["code"]["$ref"],
        "#/components/schemas/ProblemCode"
    );
    let listed: Vec<&str> = schemas["ProblemCode"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let table = doc["x-error-codes"].as_object().unwrap();
    for registry in [
        jingwu_core::problem_codes::PROBLEMS,
        jingwu_command::error_codes::PROBLEMS,
    ] {
        for p in registry {
            assert!(listed.contains(&p.code), "{} not in ProblemCode", p.code);
            assert_eq!(table[p.code]["status"], p.status, "{}", p.code);
            assert_eq!(table[p.code]["title_zh"], p.title_zh, "{}", p.code);
        }
    }
    let fields = doc["x-field-error-codes"].as_object().unwrap();
    assert_eq!(
        fields["unit_ids.count"]["title_en"],
        jingwu_command::error_codes::field::UNIT_IDS_COUNT.title_en
    );
    assert!(fields.contains_key("resident_id.checksum"));
}

#[tokio::test]
async fn every_route_declares_the_problems_its_shape_can_produce() {
    let doc = served_document().await;
    let mut missing = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            let mut need = Vec::new();
            if op["security"].as_array().is_some_and(|s| !s.is_empty()) {
                need.push("401");
            }
            if let Some(content) = op["requestBody"]["content"].as_object() {
                need.extend(["413", "415"]);
                if content.keys().any(|c| c.ends_with("json")) {
                    need.extend(["400", "422"]);
                }
            }
            if op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"))
            {
                need.push("400");
            }
            for status in need {
                match responses.get(status) {
                    Some(r)
                        if r["content"]["application/problem+json"]["schema"]["$ref"]
                            == "#/components/schemas/Problem" => {}
                    _ => missing.push(format!("{} {path}: {status}", method.to_uppercase())),
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "undeclared problem responses: {missing:#?}"
    );
}

#[test]
fn a_problem_with_an_unregistered_code_is_caught() {
    let registered = json!({"code": "validation_failed", "errors": [
        {"field": "unit_ids", "code": "unit_ids.count", "reason": "x"},
        {"field": "limit", "code": "invalid_query", "reason": "x"},
    ]});
    assert!(unregistered_codes(&registered).is_empty());
    let invented = json!({"code": "made_up", "errors": [
        {"field": "a", "code": "a.b", "reason": "x"},
    ]});
    assert_eq!(unregistered_codes(&invented), ["made_up", "a.b"]);
    assert_eq!(unregistered_codes(&json!({})), ["<missing>"]);
}

#[tokio::test]
async fn the_taxonomy_is_served_from_the_rust_definitions() {
    let t = TestApp::empty().with_city().build().await;
    let dispatcher = t.login("dispatcher").await;
    let r = t.get("/api/v1/command/taxonomy", &dispatcher).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let categories = r.body["categories"].as_array().unwrap();
    assert_eq!(categories.len(), Category::ALL.len());
    let subs: usize = categories
        .iter()
        .map(|c| c["subcategories"].as_array().unwrap().len())
        .sum();
    assert_eq!(subs, Subcategory::ALL.len());
    let robbery = &categories[0]["subcategories"][0];
    assert_eq!(
        (robbery["code"].as_str(), robbery["label_zh"].as_str()),
        (Some("robbery"), Some("抢劫"))
    );
    assert_eq!(robbery["suggested_priority"], "p1");
    assert_eq!(r.body["priorities"][0]["target_secs"], 300);
    assert_eq!(r.body["sources"][0]["code"], "call_110");

    // Cacheable: the same ETag for everyone, a 304 on revalidation.
    let etag = r.headers.get(header::ETAG).unwrap().clone();
    assert_eq!(r.headers[header::CACHE_CONTROL], "private, no-cache");
    let officer = t.login("officer").await;
    let again = Request::get("/api/v1/command/taxonomy")
        .header(header::AUTHORIZATION, format!("Bearer {officer}"))
        .header(header::IF_NONE_MATCH, etag.clone())
        .body(Body::empty())
        .unwrap();
    let r = t.send(again).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert_eq!(r.headers[header::ETAG], etag);
    assert!(r.text.is_empty());

    // Every staff role reads it; citizens and strangers do not.
    for who in ["admin", "traffic", "permit", "fire", "legal"] {
        let token = t.login(who).await;
        let r = t.get("/api/v1/command/taxonomy", &token).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.text);
    }
    let citizen = t.login("citizen").await;
    t.get("/api/v1/command/taxonomy", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    t.call(Method::GET, "/api/v1/command/taxonomy", None, None)
        .await
        .problem(StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn declared_enums_are_the_rust_definitions_and_the_server_enforces_them() {
    let doc = served_document().await;
    let schemas = &doc["components"]["schemas"];
    let listed = |name: &str| -> Vec<String> {
        schemas[name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has no enum"))
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    let codes = |all: &[&str]| all.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    use jingwu_command::incident::IncidentStatus;
    use jingwu_command::unit::UnitStatus;
    assert_eq!(
        listed("Category"),
        codes(&Category::ALL.iter().map(|c| c.as_str()).collect::<Vec<_>>())
    );
    assert_eq!(
        listed("Subcategory"),
        codes(
            &Subcategory::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(
        listed("IncidentStatus"),
        codes(
            &IncidentStatus::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
        )
    );
    assert_eq!(
        listed("UnitStatus"),
        codes(
            &UnitStatus::ALL
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
        )
    );
    let new_incident = &schemas["NewIncidentRequest"]["properties"];
    assert_eq!(
        new_incident["category"]["$ref"],
        "#/components/schemas/Category"
    );
    assert_eq!(new_incident["description"]["maxLength"], 2000);

    // The list filter declares the statuses, so an unknown one is refused, not answered empty.
    let t = TestApp::empty().with_city().build().await;
    let dispatcher = t.login("dispatcher").await;
    let r = t.get("/api/v1/incidents?status=bogus", &dispatcher).await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field")["errors"][0]["field"],
        "status"
    );
    let r = t.get("/api/v1/incidents?status=closed", &dispatcher).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}
