//! Information layers: the demo registry, imports (all or nothing), pushes, and each layer's
//! access rule.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

use crate::support::{Problem, Resp, TestApp};

/// The demo's layers on the small city (six key sites, so 24 cameras), or on the whole demo.
async fn demo_layers(t: TestApp) -> TestApp {
    assert_eq!(t.app.seed_demo_layers().await.unwrap(), 25);
    assert_eq!(
        t.app.seed_demo_layers().await.unwrap(),
        0,
        "seeding twice adds nothing"
    );
    t
}

async fn layer_id(t: &TestApp, token: &str, code: &str) -> String {
    let r = t.get("/api/v1/layers", token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.body
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["layers"].as_array().unwrap())
        .find(|l| l["code"] == code)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn import(t: &TestApp, token: &str, layer: &str, ctype: &str, body: &str) -> Resp {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/v1/layers/{layer}/features"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, ctype)
        .body(Body::from(body.to_string()))
        .unwrap();
    t.send(req).await
}

fn features(r: &Resp) -> &Vec<Value> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["type"], "FeatureCollection");
    r.body["features"].as_array().unwrap()
}

#[tokio::test]
async fn the_demo_registers_twelve_categories_and_twenty_five_systems() {
    let t = demo_layers(TestApp::demo().with_roads().build().await).await;
    let admin = t.login("admin").await;
    let r = t.get("/api/v1/layers", &admin).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let cats = r.body.as_array().unwrap();
    assert_eq!(cats.len(), 12);
    let layers: Vec<&Value> = cats
        .iter()
        .flat_map(|c| c["layers"].as_array().unwrap())
        .collect();
    assert_eq!(layers.len(), 25);
    assert!(cats.iter().any(|c| c["name_zh"] == "视频监控"));
    for code in [
        "cctv_public_security",
        "cctv_traffic",
        "cctv_social",
        "checkpoint_face",
        "checkpoint_vehicle",
    ] {
        assert!(layers.iter().any(|l| l["code"] == code), "{code}");
    }
    let stations = layers
        .iter()
        .find(|l| l["code"] == "police_stations")
        .unwrap();
    assert_eq!(stations["features"], 56);
    let cameras = t
        .get(
            &format!(
                "/api/v1/layers/{}/features",
                layer_id(&t, &admin, "cctv_public_security").await
            ),
            &admin,
        )
        .await;
    let cams = features(&cameras);
    assert_eq!(cams.len(), 120, "four cameras around each of 30 key sites");
    // Registered through the setup import: each with its own stream link (no real video
    // behind the reserved `.invalid` domain), the registration audited.
    let mut links = std::collections::HashSet::new();
    for c in cams {
        let url = c["properties"]["url"].as_str().unwrap();
        assert!(
            url.starts_with("rtsp://vms.demo.invalid:554/live/"),
            "{url}"
        );
        assert!(links.insert(url.to_owned()), "{url} twice");
        assert_eq!(c["geometry"]["type"], "Point");
    }
    // The demo's sites and key sites went through the setup imports too, each audited.
    t.audit_head().await;
    for kind in ["sources", "sites", "key_sites"] {
        assert_eq!(
            t.sql_count(
                "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND detail LIKE $2",
                &["command.setup.import", &format!("%\"kind\":\"{kind}\"%")]
            )
            .await,
            1,
            "{kind}"
        );
    }
}

#[tokio::test]
async fn each_layer_admits_its_roles_and_scoped_layers_show_the_callers_subtree() {
    let t = demo_layers(TestApp::empty().with_roads().build().await).await;
    let dispatcher = t.login("dispatcher").await;
    let cctv = layer_id(&t, &dispatcher, "cctv_public_security").await;
    let all = t
        .get(&format!("/api/v1/layers/{cctv}/features"), &dispatcher)
        .await;
    let all = features(&all).clone();
    assert_eq!(all.len(), 24, "four cameras around each of 6 key sites");

    // A station's officer sees only the cameras of its own station.
    let gulou = t.org_id("33020301").await;
    let officer = t.login("officer").await;
    let own = t
        .get(&format!("/api/v1/layers/{cctv}/features"), &officer)
        .await;
    let own = features(&own);
    assert!(own.len() < all.len());
    assert!(own.iter().all(|f| f["org_id"] == gulou.as_str()));
    assert_eq!(
        own.len(),
        all.iter().filter(|f| f["org_id"] == gulou.as_str()).count()
    );

    // bbox (minLon,minLat,maxLon,maxLat) around one camera.
    let c = &all[0]["geometry"]["coordinates"];
    let (lon, lat) = (c[0].as_f64().unwrap(), c[1].as_f64().unwrap());
    let bbox = format!(
        "{},{},{},{}",
        lon - 0.0001,
        lat - 0.0001,
        lon + 0.0001,
        lat + 0.0001
    );
    let near = t
        .get(
            &format!("/api/v1/layers/{cctv}/features?bbox={bbox}"),
            &dispatcher,
        )
        .await;
    let near = features(&near);
    assert!(!near.is_empty() && near.len() < 5);
    assert!(near.iter().any(|f| f["id"] == all[0]["id"]));
    t.get(
        &format!("/api/v1/layers/{cctv}/features?bbox=1,2,3"),
        &dispatcher,
    )
    .await
    .problem(StatusCode::BAD_REQUEST, "invalid_query");

    // A traffic clerk reads traffic cameras but not public-security ones.
    let traffic = t.login("traffic").await;
    let listed = t.get("/api/v1/layers", &traffic).await;
    let codes: Vec<&str> = listed
        .body
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["layers"].as_array().unwrap())
        .map(|l| l["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"cctv_traffic") && !codes.contains(&"cctv_public_security"));
    t.get(&format!("/api/v1/layers/{cctv}/features"), &traffic)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    // Citizens read no layers at all.
    let citizen = t.login("citizen").await;
    t.get("/api/v1/layers", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    t.get(&format!("/api/v1/layers/{cctv}/features"), &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    t.get("/api/v1/layers/nope/features", &dispatcher)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn imports_are_all_or_nothing_and_pushes_upsert_by_id() {
    let t = demo_layers(TestApp::empty().with_roads().build().await).await;
    let admin = t.login("admin").await;
    let new_layer = json!({
        "category": "hazmat", "code": "test_hazmat", "name_zh": "测试危化品", "name_en": "Test hazmat",
        "kind": "imported", "read_roles": ["dispatcher"], "scoped": false,
    });
    let dispatcher = t.login("dispatcher").await;
    let head = t.audit_head().await;
    t.post("/api/v1/layers", &dispatcher, new_layer.clone())
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    let mut bad = new_layer.clone();
    bad["code"] = json!("Bad Code");
    bad["read_roles"] = json!(["citizen"]);
    let r = t.post("/api/v1/layers", &admin, bad).await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(
        fields.contains(&"code") && fields.contains(&"read_roles[0]"),
        "{fields:?}"
    );
    assert_eq!(t.audit_head().await, head);
    let created = t.post("/api/v1/layers", &admin, new_layer.clone()).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
    let id = created.body["id"].as_str().unwrap().to_string();
    t.post("/api/v1/layers", &admin, new_layer)
        .await
        .problem(StatusCode::CONFLICT, "layer_exists");

    let fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "HZ1", "properties": {"name": "甲化工厂"},
         "geometry": {"type": "Point", "coordinates": [121.55, 29.87]}},
        {"type": "Feature", "properties": {"id": 2, "name": "乙仓库"},
         "geometry": {"type": "Polygon", "coordinates": [[[121.5, 29.8], [121.51, 29.8], [121.51, 29.81], [121.5, 29.8]]]}},
        {"type": "Feature", "id": "HZ3", "properties": null,
         "geometry": {"type": "LineString", "coordinates": [[121.5, 29.8], [121.52, 29.82]]}},
    ]});
    let r = import(&t, &admin, &id, "application/geo+json", &fc.to_string()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!({"created": 3, "updated": 0}));
    let r = import(&t, &admin, &id, "application/geo+json", &fc.to_string()).await;
    assert_eq!(r.body, json!({"created": 0, "updated": 3}));

    let csv = "id,lat,lon,name,phone\nHZ4,29.86,121.54,丙加油站,0574-88888888\n\"HZ5\",29.85,121.53,\"丁, 储罐\",\n";
    let r = import(&t, &admin, &id, "text/csv", csv).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body, json!({"created": 2, "updated": 0}));
    let read = t
        .get(&format!("/api/v1/layers/{id}/features"), &dispatcher)
        .await;
    let fs = features(&read);
    assert_eq!(fs.len(), 5);
    let hz4 = fs.iter().find(|f| f["id"] == "HZ4").unwrap();
    assert_eq!(
        hz4["geometry"],
        json!({"type": "Point", "coordinates": [121.54, 29.86]})
    );
    assert_eq!(hz4["properties"]["phone"], "0574-88888888");
    assert_eq!(
        fs.iter().find(|f| f["id"] == "HZ5").unwrap()["properties"]["name"],
        "丁, 储罐"
    );
    assert!(fs.iter().any(|f| f["id"] == "2"));

    // Bad files: the offending feature is named, nothing is written.
    let station = t.login("gulou.admin").await;
    let head = t.audit_head().await;
    let bad_fc = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "OK1", "geometry": {"type": "Point", "coordinates": [121.5, 29.8]}},
        {"type": "Feature", "id": "BAD", "geometry": {"type": "Point", "coordinates": [121.5, 95.0]}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [121.5, 29.8]}},
    ]});
    let r = import(&t, &admin, &id, "application/geo+json", &bad_fc.to_string()).await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["features[1].geometry", "features[2].id"]);
    let bad_csv = "id,lat,lon,name\nOK2,29.8,121.5,好\nBAD2,abc,121.5,坏\n";
    let r = import(&t, &admin, &id, "text/csv", bad_csv).await;
    let p = r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(p["errors"][0]["field"], "features[1].lat");
    import(&t, &admin, &id, "text/csv", "id,name\nX,y\n")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    import(&t, &admin, &id, "application/geo+json", "{not json")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    import(&t, &admin, &id, "text/plain", csv)
        .await
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    import(&t, &dispatcher, &id, "text/csv", csv)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    // A station admin may not write to a city-owned layer, and live layers take no imports.
    import(&t, &station, &id, "text/csv", csv)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    let live = layer_id(&t, &admin, "police_units").await;
    import(&t, &admin, &live, "text/csv", csv)
        .await
        .problem(StatusCode::CONFLICT, "layer_live");
    assert_eq!(t.audit_head().await, head);
    let read = t
        .get(&format!("/api/v1/layers/{id}/features"), &dispatcher)
        .await;
    assert_eq!(features(&read).len(), 5);

    // Pushes upsert one feature by external id.
    let push = |g: Value| json!({"geometry": g, "properties": {"name": "推送点"}});
    let url = format!("/api/v1/layers/{id}/features/P-1");
    let r = t
        .call(
            Method::PUT,
            &url,
            Some(&admin),
            Some(push(
                json!({"type": "Point", "coordinates": [121.56, 29.88]}),
            )),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["created"], true);
    let r = t
        .call(
            Method::PUT,
            &url,
            Some(&admin),
            Some(push(
                json!({"type": "Point", "coordinates": [121.57, 29.88]}),
            )),
        )
        .await;
    assert_eq!(r.body["created"], false);
    let head = t.audit_head().await;
    t.call(
        Method::PUT,
        &url,
        Some(&admin),
        Some(push(json!({"type": "Circle", "coordinates": [1, 2]}))),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(t.audit_head().await, head);
    let read = t
        .get(&format!("/api/v1/layers/{id}/features"), &dispatcher)
        .await;
    let fs = features(&read);
    assert_eq!(fs.len(), 6);
    assert_eq!(
        fs.iter().find(|f| f["id"] == "P-1").unwrap()["geometry"]["coordinates"],
        json!([121.57, 29.88])
    );
    // The layer admits dispatchers only: officers are refused.
    let officer = t.login("officer").await;
    t.get(&format!("/api/v1/layers/{id}/features"), &officer)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
}
