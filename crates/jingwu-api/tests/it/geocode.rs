//! Address search for call-takers: forward and reverse geocoding over the road network's names,
//! the caller's key sites, authorization and bad input.

use http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Problem, TestApp, cmd};

/// Percent-encodes a query value (RFC 3986 unreserved characters stay as they are).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn geocode(t: &TestApp, token: &str, q: &str) -> Vec<Value> {
    let r = t.get(&format!("/api/v1/geocode?q={}", enc(q)), token).await;
    assert_eq!(r.status, StatusCode::OK, "{q}: {}", r.text);
    r.body["candidates"].as_array().unwrap().clone()
}

fn close(c: &Value, lat: f64, lon: f64) -> bool {
    jingwu_routing::haversine_m(
        c["lat"].as_f64().unwrap(),
        c["lon"].as_f64().unwrap(),
        lat,
        lon,
    ) < 1.0
}

#[tokio::test]
async fn an_address_read_off_the_map_is_found_again() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let r = t
        .get(
            &format!("/api/v1/geocode/reverse?lat={lat}&lon={lon}"),
            &dispatcher,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["kind"], "house");
    let label = r.body["label"].as_str().unwrap().to_owned();
    assert!(label.ends_with('号') && label.starts_with(r.body["street"].as_str().unwrap()));
    assert!(r.body["distance_m"].as_f64().unwrap() < 100.0);
    let (hlat, hlon) = (
        r.body["lat"].as_f64().unwrap(),
        r.body["lon"].as_f64().unwrap(),
    );

    // As typed by a call-taker: with 附近, full-width digits, a city prefix.
    let full_width: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                char::from_u32(c as u32 + 0xFEE0).unwrap()
            } else {
                c
            }
        })
        .collect();
    for q in [
        label.clone(),
        format!("{label}附近"),
        full_width,
        format!("宁波市{label}"),
    ] {
        let got = geocode(&t, &dispatcher, &q).await;
        assert_eq!(got[0]["label"], label.as_str(), "{q}: {got:?}");
        assert_eq!(got[0]["kind"], "house");
        assert!(close(&got[0], hlat, hlon), "{q}: {got:?}");
    }
    // An officer may look addresses up too.
    let officer = t.login("officer").await;
    assert!(!geocode(&t, &officer, &label).await.is_empty());
}

#[tokio::test]
async fn crossroads_and_streets_are_found() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    // The test city's names, as the server built them.
    let city = jingwu_routing::SyntheticCity::new(jingwu_testkit::ROAD_NODES, 2016);
    let (g, _) = city.generate().unwrap();
    let book = city.addresses(&g);
    let mut crossings: Vec<_> = book
        .crossings()
        .map(|(a, b, la, lo)| (a.to_owned(), b.to_owned(), la, lo))
        .collect();
    crossings.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    let (a, b, lat, lon) = crossings[crossings.len() / 2].clone();
    let got = geocode(&t, &dispatcher, &format!("{a}和{b}路口")).await;
    assert_eq!(got[0]["kind"], "crossroads", "{got:?}");
    assert!(close(&got[0], lat, lon));
    // A street name as typed so far suggests the street.
    let prefix: String = a.chars().take(3).collect();
    let got = geocode(&t, &dispatcher, &prefix).await;
    assert!(
        got.iter()
            .any(|c| c["label"] == a.as_str() && c["kind"] == "street"),
        "{got:?}"
    );
}

#[tokio::test]
async fn key_sites_are_found_only_within_the_callers_jurisdiction() {
    let t = TestApp::empty().with_roads().build().await;
    let admin = t.login("admin").await;
    let r = t
        .post(
            "/api/v1/command/setup/key-sites",
            &admin,
            json!({ "org": "33020301", "kind": "school", "name_zh": "鼓楼第一中学",
                    "name_en": "Gulou No. 1 Middle School", "lat": 29.87, "lon": 121.55, "target_secs": 60 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let dispatcher = t.login("dispatcher").await;
    let got = geocode(&t, &dispatcher, "鼓楼第一中学").await;
    assert_eq!(got[0]["label"], "鼓楼第一中学", "{got:?}");
    assert_eq!(got[0]["detail"], "key_site");
    let got = geocode(&t, &dispatcher, "gulou no. 1 middle").await;
    assert_eq!(got[0]["label"], "鼓楼第一中学", "{got:?}");
    // Another county's dispatcher never sees it.
    let other = t.login("jiangbei.dispatcher").await;
    let got = geocode(&t, &other, "鼓楼第一中学").await;
    assert!(got.iter().all(|c| c["detail"] != "key_site"), "{got:?}");
}

#[tokio::test]
async fn bad_input_and_strangers_are_refused_and_change_nothing() {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let citizen = t.login("citizen").await;
    let head = t.audit_head().await;
    let long = "路".repeat(101);
    for (path, field) in [
        ("/api/v1/geocode?q=".to_owned(), "geocode.query"),
        ("/api/v1/geocode?q=%20%20".to_owned(), "geocode.query"),
        (format!("/api/v1/geocode?q={}", enc(&long)), "geocode.query"),
        ("/api/v1/geocode?q=a&limit=0".to_owned(), "geocode.limit"),
        ("/api/v1/geocode?q=a&limit=21".to_owned(), "geocode.limit"),
        (
            "/api/v1/geocode/reverse?lat=91&lon=121".to_owned(),
            "out_of_range",
        ),
    ] {
        let r = t.get(&path, &dispatcher).await;
        let body = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(body["errors"][0]["code"], field, "{path}: {body}");
    }
    for path in [
        "/api/v1/geocode",
        "/api/v1/geocode?q=a&limit=x",
        "/api/v1/geocode?q=a&color=red",
        "/api/v1/geocode/reverse?lat=abc&lon=121",
        "/api/v1/geocode/reverse?lat=29.8",
    ] {
        // A query string that is not the parameters' shape is a bad request.
        t.get(path, &dispatcher)
            .await
            .problem(StatusCode::BAD_REQUEST, "invalid_query");
    }
    // Nothing named in the middle of the ocean.
    t.get("/api/v1/geocode/reverse?lat=0&lon=0", &dispatcher)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    t.get("/api/v1/geocode?q=%E6%B1%9F", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    t.get("/api/v1/geocode/reverse?lat=29.87&lon=121.55", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(t.audit_head().await, head);
}
