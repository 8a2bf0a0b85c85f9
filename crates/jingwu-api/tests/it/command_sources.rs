//! Cameras and other layer sources with their real links (issue 10, capability 1), set up
//! through `/api/v1/command/setup/sources` and the `sources` import from a database with only
//! the jurisdiction tree: the camera layers come with the first camera, links are http(s) or
//! rtsp only, admins work in their own subtree, and the map's layer shows each camera's link.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{Problem, Resp, TestApp};

const GULOU: &str = "33020301";
const YUEHU: &str = "33020302";
const BASE: &str = "/api/v1/command/setup/sources";

fn camera(code: &str, org: &str, url: &str) -> Value {
    json!({ "layer": "cctv_public_security", "code": code, "name": format!("{code} 路口"),
            "lat": 29.87, "lon": 121.55, "url": url, "org": org })
}

/// `(field, code)` of a 422's field errors.
fn field_errors(r: &Resp) -> Vec<(String, String)> {
    r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn import(t: &TestApp, token: &str, query: &str, body: &str) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/command/setup/import/sources{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(body.to_owned()))
        .unwrap();
    t.send(req).await
}

/// The features of the layer `code` as the caller sees them on the map.
async fn map_features(t: &TestApp, token: &str, code: &str) -> Vec<Value> {
    let r = t.get("/api/v1/layers", token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let layer = r
        .body
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["layers"].as_array().unwrap())
        .find(|l| l["code"] == code)
        .unwrap_or_else(|| panic!("no layer {code}: {}", r.text))
        .clone();
    let r = t
        .get(
            &format!("/api/v1/layers/{}/features", layer["id"].as_str().unwrap()),
            token,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body["features"].as_array().unwrap().clone()
}

#[tokio::test]
async fn cameras_are_registered_changed_and_retired_with_their_links() {
    let t = TestApp::empty().with_city().build().await;
    let admin = t.login("admin").await;
    let dispatcher = t.login("dispatcher").await;

    // Links that are not web or stream URLs are refused; nothing is written.
    let head = t.audit_head().await;
    for bad in [
        "javascript:alert(1)",
        "https://x.cn/\"><img src=x onerror=alert(1)>",
        "ftp://x.cn/a",
    ] {
        let r = t.post(BASE, &admin, camera("GL-C1", GULOU, bad)).await;
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
        assert_eq!(
            field_errors(&r),
            [("url".to_owned(), "url.format".to_owned())]
        );
    }
    let r = t
        .post(
            BASE,
            &admin,
            json!({ "layer": "no_such_layer", "code": "X", "name": "x",
                                     "lat": 29.87, "lon": 121.55, "org": GULOU }),
        )
        .await;
    assert_eq!(
        field_errors(&r),
        [("layer".to_owned(), "layer.unknown".to_owned())]
    );
    assert_eq!(t.audit_head().await, head);
    assert_eq!(t.sql_count("SELECT COUNT(*) FROM layers", &[]).await, 0);

    // The first camera brings the camera layers with it; the map shows its link.
    let r = t
        .post(
            BASE,
            &admin,
            camera(
                "GL-C1",
                GULOU,
                "rtsp://10.20.1.5:554/Streaming/Channels/101",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_owned();
    assert_eq!(r.body["org_id"], t.org_id(GULOU).await);
    let cams = map_features(&t, &dispatcher, "cctv_public_security").await;
    assert_eq!(cams.len(), 1);
    assert_eq!(
        cams[0]["properties"]["url"],
        "rtsp://10.20.1.5:554/Streaming/Channels/101"
    );
    assert_eq!(cams[0]["geometry"]["coordinates"], json!([121.55, 29.87]));
    assert_eq!(
        t.sql_count("SELECT COUNT(*) FROM layers WHERE code LIKE 'cctv_%'", &[])
            .await,
        3
    );
    // A code is unique in its layer.
    let r = t.post(BASE, &admin, camera("GL-C1", GULOU, "")).await;
    assert_eq!(field_errors(&r), [("code".to_owned(), "taken".to_owned())]);

    // Edited: a playback link, another station (by the city admin).
    let r = t
        .put(
            &format!("{BASE}/{id}"),
            &admin,
            camera("GL-C1", YUEHU, "https://vms.example.cn/play?cam=GL-C1"),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["url"], "https://vms.example.cn/play?cam=GL-C1");
    assert_eq!(r.body["org_id"], t.org_id(YUEHU).await);
    let listed = t.get(BASE, &admin).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1, "{}", listed.text);
    assert_eq!(listed.body[0]["layer"], "cctv_public_security");

    // Station admins see and change only their own subtree's cameras.
    let gulou_admin = t.login("gulou.admin").await;
    assert_eq!(t.get(BASE, &gulou_admin).await.body, json!([]));
    t.put(
        &format!("{BASE}/{id}"),
        &gulou_admin,
        camera("GL-C1", GULOU, ""),
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    t.post(BASE, &gulou_admin, camera("YH-C9", YUEHU, ""))
        .await
        .problem(StatusCode::FORBIDDEN, "out_of_scope");
    t.get(BASE, &dispatcher)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");

    // Retired: off the map, the audit trail keeps what it was.
    let r = t.delete(&format!("{BASE}/{id}"), &admin).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text);
    assert!(
        map_features(&t, &dispatcher, "cctv_public_security")
            .await
            .is_empty()
    );
    t.delete(&format!("{BASE}/{id}"), &admin)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    t.audit_head().await;
    for action in [
        "command.source.create",
        "command.source.update",
        "command.source.retire",
    ] {
        assert_eq!(
            t.sql_count(
                "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_id = $2",
                &[action, &id]
            )
            .await,
            1,
            "{action}"
        );
    }
}

#[tokio::test]
async fn the_sources_import_reports_bad_rows_by_line_and_field() {
    let t = TestApp::empty().with_city().build().await;
    let admin = t.login("admin").await;
    let csv = format!(
        "layer,code,name,lat,lon,org_code,url\n\
         cctv_traffic,JT-001,中山路口,29.871,121.551,{GULOU},rtsp://10.1.1.1/ch1\n\
         cctv_traffic,JT-002,解放路口,29.872,121.552,{GULOU},javascript:alert(1)\n\
         cctv_traffic,JT-001,重复,29.873,121.553,{GULOU},\n\
         cctv_social,SH-001,某超市,91,121.554,99999999,\n\
         no_layer,X-1,x,29.874,121.555,{YUEHU},\n\
         cctv_social,SH-002,某商场,29.875,121.556,{YUEHU},https://share.example.cn/v/SH-002\n"
    );
    let head = t.audit_head().await;
    let r = import(&t, &admin, "?dry_run=true", &csv).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        (r.body["rows"].as_u64(), r.body["valid"].as_u64()),
        (Some(6), Some(2))
    );
    let rows: Vec<(u64, &str, &str)> = r.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["line"].as_u64().unwrap(),
                e["field"].as_str().unwrap(),
                e["code"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (3, "url", "url.format"),
            (4, "code", "taken"),
            (5, "lat", "lat.range"),
            (6, "layer", "layer.unknown"),
        ]
    );
    // All or nothing by default; a dry run writes nothing.
    import(&t, &admin, "", &csv)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(t.audit_head().await, head);
    assert_eq!(
        t.sql_count("SELECT COUNT(*) FROM layer_features", &[])
            .await,
        0
    );

    let r = import(&t, &admin, "?partial=true", &csv).await;
    assert_eq!(r.body["imported"], 2, "{}", r.text);
    let listed = t.get(BASE, &admin).await;
    let mut got: Vec<(&str, &str, Option<&str>)> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["layer"].as_str().unwrap(),
                s["code"].as_str().unwrap(),
                s["url"].as_str(),
            )
        })
        .collect();
    got.sort_unstable();
    assert_eq!(
        got,
        [
            (
                "cctv_social",
                "SH-002",
                Some("https://share.example.cn/v/SH-002")
            ),
            ("cctv_traffic", "JT-001", Some("rtsp://10.1.1.1/ch1")),
        ]
    );
    // The same file again: the codes are taken now.
    let r = import(&t, &admin, "?dry_run=true", &csv).await;
    assert_eq!(r.body["valid"], 0, "{}", r.text);
}
