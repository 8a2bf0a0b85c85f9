//! The command map's vector tiles over HTTP: decoded by a standard reader, scoped to the
//! caller's jurisdiction, compressed, revalidated, and bad tiles refused.

use std::collections::BTreeSet;
use std::io::Read;

use axum::body::Body;
use http::{Request, StatusCode, header};
use jingwu_routing::tiles::TileId;
use mvt_reader::Reader;
use mvt_reader::feature::Value as MvtValue;
use serde_json::json;

use crate::support::{Problem, Resp, TestApp, cmd};

fn path(t: TileId) -> String {
    format!("/api/v1/tiles/{}/{}/{}.mvt", t.z, t.x, t.y)
}

async fn fetch(app: &TestApp, token: &str, t: TileId, extra: &[(&str, &str)]) -> Resp {
    let mut b = Request::get(path(t)).header(header::AUTHORIZATION, format!("Bearer {token}"));
    for (k, v) in extra {
        b = b.header(*k, *v);
    }
    app.send(b.body(Body::empty()).unwrap()).await
}

/// `name` of every feature per layer, as a standard reader decodes the tile.
fn names(bytes: Vec<u8>) -> std::collections::BTreeMap<String, BTreeSet<String>> {
    let reader = Reader::new(bytes).expect("a valid vector tile");
    let layers = reader.get_layer_names().unwrap();
    layers
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let got = reader
                .get_features(i)
                .unwrap()
                .iter()
                .filter_map(|f| match f.properties.as_ref()?.get("name")? {
                    MvtValue::String(s) => Some(s.clone()),
                    _ => None,
                })
                .collect();
            (l.clone(), got)
        })
        .collect()
}

#[tokio::test]
async fn a_tile_shows_named_streets_and_the_callers_own_sites_only() {
    let app = TestApp::empty().with_roads().build().await;
    let admin = app.login("admin").await;
    let dispatcher = app.login("dispatcher").await;
    let unit = cmd::unit_by_call_sign(&app, &dispatcher, "鼓楼巡01").await;
    let (lat, lon) = (unit["lat"].as_f64().unwrap(), unit["lon"].as_f64().unwrap());
    let r = app
        .post(
            "/api/v1/command/setup/key-sites",
            &admin,
            json!({ "org": "33020301", "kind": "school", "name_zh": "鼓楼第一中学",
                    "name_en": "Gulou No. 1 Middle School", "lat": lat, "lon": lon, "target_secs": 60 }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let street = app
        .get(
            &format!("/api/v1/geocode/reverse?lat={lat}&lon={lon}"),
            &dispatcher,
        )
        .await
        .body["street"]
        .as_str()
        .unwrap()
        .to_owned();
    let tile = TileId::containing(15, lat, lon).unwrap();

    let r = fetch(&app, &dispatcher, tile, &[("accept-encoding", "gzip")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(
        r.headers[header::CONTENT_TYPE],
        "application/vnd.mapbox-vector-tile"
    );
    assert_eq!(r.headers[header::CONTENT_ENCODING], "gzip");
    let etag = r.headers[header::ETAG].to_str().unwrap().to_owned();
    let mut raw = Vec::new();
    flate2::read::GzDecoder::new(r.bytes.as_slice())
        .read_to_end(&mut raw)
        .unwrap();
    let layers = names(raw.clone());
    assert!(layers["road_names"].contains(&street), "{layers:?}");
    assert!(layers.contains_key("roads"));
    assert!(layers["sites"].contains("鼓楼第一中学"), "{layers:?}");

    // Unchanged: a revalidation costs nothing; without gzip the same tile comes plain.
    let r = fetch(&app, &dispatcher, tile, &[("if-none-match", etag.as_str())]).await;
    assert_eq!(r.status, StatusCode::NOT_MODIFIED);
    assert!(r.bytes.is_empty());
    let r = fetch(&app, &dispatcher, tile, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.get(header::CONTENT_ENCODING).is_none());
    assert_eq!(r.bytes, raw);

    // Another district's dispatcher sees the streets, not this district's key site.
    let other = app.login("jiangbei.dispatcher").await;
    let r = fetch(&app, &other, tile, &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    let layers = names(r.bytes.clone());
    assert!(layers["road_names"].contains(&street));
    assert!(!layers.contains_key("sites"), "{layers:?}");
    assert_ne!(r.headers[header::ETAG].to_str().unwrap(), etag);
}

#[tokio::test]
async fn tiles_outside_the_grid_and_strangers_are_refused() {
    let app = TestApp::empty().with_roads().build().await;
    let dispatcher = app.login("dispatcher").await;
    let citizen = app.login("citizen").await;
    let head = app.audit_head().await;
    for bad in [
        "/api/v1/tiles/7/100/50.mvt",
        "/api/v1/tiles/17/100/50.mvt",
        "/api/v1/tiles/10/1024/50.mvt",
        "/api/v1/tiles/10/10/1024.mvt",
    ] {
        let body = app
            .get(bad, &dispatcher)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            .clone();
        assert_eq!(body["errors"][0]["field"], "tile", "{bad}: {body}");
    }
    for bad in ["/api/v1/tiles/10/10/50.png", "/api/v1/tiles/10/10/x.mvt"] {
        let body = app
            .get(bad, &dispatcher)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
            .clone();
        assert_eq!(body["errors"][0]["field"], "y", "{bad}: {body}");
    }
    let body = app
        .get("/api/v1/tiles/300/10/50.mvt", &dispatcher)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")
        .clone();
    assert_eq!(body["errors"][0]["field"], "tile", "{body}");
    app.get("/api/v1/tiles/12/3425/1715.mvt", &citizen)
        .await
        .problem(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(app.audit_head().await, head);
}
