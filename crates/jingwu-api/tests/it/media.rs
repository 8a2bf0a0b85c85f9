//! Scene media through the real API: chunked upload with resume, per-chunk and whole-file
//! SHA-256 checks, content-addressed storage (stored once), type and size limits, scoping of
//! upload and download, and the `media_added` timeline event.

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

use crate::support::{Problem, Resp, TestApp, cmd};

fn sha(data: &[u8]) -> String {
    cmd::sha256_hex(data)
}

fn jpeg(len: usize, seed: u32) -> Vec<u8> {
    cmd::jpeg(len, seed)
}

/// A Gulou incident with the demo officer's car (鼓楼巡01) dispatched to it.
struct Scene {
    t: TestApp,
    dispatcher: String,
    officer: String,
    incident: String,
}

async fn scene() -> Scene {
    let t = TestApp::empty().with_roads().build().await;
    let dispatcher = t.login("dispatcher").await;
    let officer = t.login("officer").await;
    let unit = cmd::unit_by_call_sign(&t, &dispatcher, "鼓楼巡01").await;
    let incident = cmd::incident_at(
        &t,
        &dispatcher,
        unit["lat"].as_f64().unwrap(),
        unit["lon"].as_f64().unwrap(),
        ("criminal", "theft"),
    )
    .await;
    let r = t
        .post(
            &format!("/api/v1/incidents/{incident}/dispatch"),
            &dispatcher,
            json!({"unit_ids": [unit["id"]]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    Scene {
        t,
        dispatcher,
        officer,
        incident,
    }
}

impl Scene {
    async fn open(&self, token: &str, incident: &str, content_type: &str, data: &[u8]) -> Resp {
        self.t
            .post(
                &format!("/api/v1/incidents/{incident}/media"),
                token,
                json!({"file_name": "现场.jpg", "content_type": content_type,
                       "size": data.len(), "sha256": sha(data), "chunk_size": 4096}),
            )
            .await
    }

    async fn chunk(
        &self,
        token: &str,
        upload: &str,
        offset: usize,
        bytes: &[u8],
        digest: &str,
    ) -> Resp {
        let req = Request::builder()
            .method(Method::PUT)
            .uri(format!("/api/v1/media/uploads/{upload}/chunks/{offset}"))
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/octet-stream")
            .header("x-chunk-sha256", digest)
            .body(Body::from(bytes.to_vec()))
            .unwrap();
        self.t.send(req).await
    }

    /// Sends `data` from `from` to the end in 4 KiB chunks; returns the last answer.
    async fn send_from(&self, token: &str, upload: &str, data: &[u8], from: usize) -> Resp {
        let mut offset = from;
        let mut last = None;
        while offset < data.len() {
            let end = (offset + 4096).min(data.len());
            let part = &data[offset..end];
            let r = self.chunk(token, upload, offset, part, &sha(part)).await;
            offset = end;
            last = Some(r);
        }
        last.unwrap()
    }

    /// Opens an upload and sends everything; returns the last chunk's answer.
    async fn upload(&self, token: &str, incident: &str, data: &[u8]) -> Resp {
        let r = self.open(token, incident, "image/jpeg", data).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let id = r.body["id"].as_str().unwrap().to_string();
        self.send_from(token, &id, data, 0).await
    }

    async fn raw_get(
        &self,
        path: &str,
        token: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, HeaderMap, Vec<u8>) {
        let mut b = Request::builder()
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let resp = self
            .t
            .router
            .clone()
            .oneshot(b.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        (status, headers, bytes)
    }

    async fn timeline_kinds(&self, incident: &str) -> Vec<Value> {
        let d = self
            .t
            .get(&format!("/api/v1/incidents/{incident}"), &self.dispatcher)
            .await;
        d.body["timeline"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["kind"] == "media_added")
            .cloned()
            .collect()
    }

    fn files_under(&self, sub: &str) -> usize {
        fn walk(p: &std::path::Path) -> usize {
            match std::fs::read_dir(p) {
                Ok(rd) => rd
                    .map(|e| {
                        let e = e.unwrap();
                        if e.file_type().unwrap().is_dir() {
                            walk(&e.path())
                        } else {
                            1
                        }
                    })
                    .sum(),
                Err(_) => 0,
            }
        }
        walk(&self.t.media.path().join(sub))
    }
}

#[tokio::test]
async fn a_photo_uploads_in_chunks_resumes_after_a_drop_and_downloads_byte_identical() {
    let s = scene().await;
    let data = jpeg(10_000, 1);
    let r = s.open(&s.officer, &s.incident, "image/jpeg", &data).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["chunk_size"], 4096);
    assert_eq!(r.body["received_bytes"], 0);
    assert_eq!(r.body["status"], "open");
    assert!(
        r.body["unit_id"].is_string(),
        "the officer uploads for their unit"
    );
    let id = r.body["id"].as_str().unwrap().to_string();

    let first = &data[..4096];
    let r = s.chunk(&s.officer, &id, 0, first, &sha(first)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["received_bytes"], 4096);

    // The connection drops; the terminal does not know whether the chunk arrived. It asks.
    let p =
        s.t.get(&format!("/api/v1/media/uploads/{id}"), &s.officer)
            .await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    assert_eq!(p.body["received_bytes"], 4096);
    assert_eq!(p.headers["upload-offset"], "4096");
    assert_eq!(
        p.body["next_chunk_url"],
        format!("/api/v1/media/uploads/{id}/chunks/4096")
    );
    // A terminal that resends the first chunk is told where to resume.
    let r = s.chunk(&s.officer, &id, 0, first, &sha(first)).await;
    r.problem(StatusCode::CONFLICT, "offset_mismatch");
    assert_eq!(r.headers["upload-offset"], "4096");

    let done = s.send_from(&s.officer, &id, &data, 4096).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.text);
    assert_eq!(done.body["status"], "complete");
    assert_eq!(done.body["received_bytes"], 10_000);
    let digest = sha(&data);
    assert_eq!(done.body["media_url"], format!("/api/v1/media/{digest}"));

    // Stored under its content address; no part left behind.
    let stored =
        s.t.media
            .path()
            .join("sha256")
            .join(&digest[0..2])
            .join(&digest[2..4])
            .join(&digest);
    assert_eq!(std::fs::read(&stored).unwrap(), data);
    assert_eq!(s.files_under("parts"), 0);

    // The dispatcher and the officer download it byte for byte.
    for token in [&s.dispatcher, &s.officer] {
        let (status, headers, body) = s
            .raw_get(&format!("/api/v1/media/{digest}"), token, &[])
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body, data);
        assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
        assert_eq!(headers[header::ETAG], format!("\"{digest}\""));
        assert_eq!(headers[header::CONTENT_LENGTH], "10000");
    }
    let url = format!("/api/v1/media/{digest}");
    let (status, headers, body) = s
        .raw_get(&url, &s.dispatcher, &[("range", "bytes=9990-")])
        .await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(body, &data[9990..]);
    assert_eq!(headers[header::CONTENT_RANGE], "bytes 9990-9999/10000");
    let etag = format!("\"{digest}\"");
    let (status, _, body) = s
        .raw_get(&url, &s.dispatcher, &[("if-none-match", &etag)])
        .await;
    assert_eq!((status, body.len()), (StatusCode::NOT_MODIFIED, 0));
    let (status, _, _) = s
        .raw_get(&url, &s.dispatcher, &[("range", "bytes=10000-")])
        .await;
    assert_eq!(status, StatusCode::RANGE_NOT_SATISFIABLE);

    // Listed on the incident, on its timeline, and counted as a scene photo.
    let list =
        s.t.get(
            &format!("/api/v1/incidents/{}/media", s.incident),
            &s.dispatcher,
        )
        .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text);
    let items = list.body.as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["sha256"], digest.as_str());
    assert_eq!(items[0]["kind"], "photo");
    assert_eq!(items[0]["size"], 10_000);
    let events = s.timeline_kinds(&s.incident).await;
    assert_eq!(events.len(), 1);
    assert_eq!(events[0]["detail"]["kind"], "photo");
    assert_eq!(events[0]["detail"]["sha256"], digest.as_str());
    assert_eq!(s.t.count_photos(&s.incident).await, 1);
    // A finished upload takes no more chunks.
    let r = s.chunk(&s.officer, &id, 10_000, first, &sha(first)).await;
    r.problem(StatusCode::CONFLICT, "upload_closed");
    assert!(s.t.audit_intact().await);
}

#[tokio::test]
async fn corrupt_chunks_wrong_offsets_and_a_wrong_file_digest_are_refused() {
    let s = scene().await;
    let data = jpeg(9_000, 2);
    let r = s.open(&s.officer, &s.incident, "image/jpeg", &data).await;
    let id = r.body["id"].as_str().unwrap().to_string();

    // A chunk damaged on the way: refused, and nothing stored.
    let before = s.t.audit_head().await;
    let mut damaged = data[..4096].to_vec();
    damaged[100] ^= 0x55;
    let r = s
        .chunk(&s.officer, &id, 0, &damaged, &sha(&data[..4096]))
        .await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "chunk_corrupt");
    assert_eq!(s.files_under("parts"), 0);
    let p =
        s.t.get(&format!("/api/v1/media/uploads/{id}"), &s.officer)
            .await;
    assert_eq!(p.body["received_bytes"], 0);
    // A chunk at the wrong offset, without its digest, or not as octets.
    let part = &data[4096..8192];
    let r = s.chunk(&s.officer, &id, 4096, part, &sha(part)).await;
    r.problem(StatusCode::CONFLICT, "offset_mismatch");
    assert_eq!(r.headers["upload-offset"], "0");
    let req = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/v1/media/uploads/{id}/chunks/0"))
        .header(header::AUTHORIZATION, format!("Bearer {}", s.officer))
        .header(header::CONTENT_TYPE, "application/octet-stream")
        .body(Body::from(data[..4096].to_vec()))
        .unwrap();
    s.t.send(req)
        .await
        .problem(StatusCode::BAD_REQUEST, "missing_header");
    let req = Request::builder()
        .method(Method::PUT)
        .uri(format!("/api/v1/media/uploads/{id}/chunks/0"))
        .header(header::AUTHORIZATION, format!("Bearer {}", s.officer))
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-chunk-sha256", sha(&data[..4096]))
        .body(Body::from(data[..4096].to_vec()))
        .unwrap();
    s.t.send(req)
        .await
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    let r = s
        .chunk(&s.officer, &id, 0, &jpeg(5000, 2), &sha(&jpeg(5000, 2)))
        .await;
    r.problem(StatusCode::PAYLOAD_TOO_LARGE, "chunk_too_large");
    let r = s
        .chunk(&s.officer, &id, 0, b"<html>", &sha(b"<html>"))
        .await;
    r.problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    assert_eq!(s.t.audit_head().await, before);
    assert_eq!(s.files_under("parts"), 0);

    // Every chunk intact but the whole is not what was declared: aborted, parts removed.
    let other = jpeg(9_000, 3);
    let r =
        s.t.post(
            &format!("/api/v1/incidents/{}/media", s.incident),
            &s.officer,
            json!({"file_name": "a.jpg", "content_type": "image/jpeg", "size": 9000,
                   "sha256": sha(&data), "chunk_size": 4096}),
        )
        .await;
    let id2 = r.body["id"].as_str().unwrap().to_string();
    let r = s
        .chunk(&s.officer, &id2, 0, &other[..4096], &sha(&other[..4096]))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(s.files_under("parts"), 1);
    let r = s.send_from(&s.officer, &id2, &other, 4096).await;
    r.problem(StatusCode::UNPROCESSABLE_ENTITY, "digest_mismatch");
    assert_eq!(s.files_under("parts"), 0);
    assert_eq!(s.files_under("sha256"), 0);
    let p =
        s.t.get(&format!("/api/v1/media/uploads/{id2}"), &s.officer)
            .await;
    assert_eq!(p.body["status"], "aborted");
    let list =
        s.t.get(
            &format!("/api/v1/incidents/{}/media", s.incident),
            &s.officer,
        )
        .await;
    assert_eq!(list.body, json!([]));
    assert!(s.timeline_kinds(&s.incident).await.is_empty());
    let r =
        s.t.get(&format!("/api/v1/media/{}", sha(&other)), &s.dispatcher)
            .await;
    r.problem(StatusCode::NOT_FOUND, "not_found");

    // The first upload still finishes from where it stood.
    let r = s.send_from(&s.officer, &id, &data, 0).await;
    assert_eq!(r.body["status"], "complete", "{}", r.text);
}

#[tokio::test]
async fn the_same_content_is_stored_once_and_a_video_is_a_video() {
    let s = scene().await;
    let data = jpeg(6_000, 4);
    let a = s.upload(&s.officer, &s.incident, &data).await;
    assert_eq!(a.body["status"], "complete", "{}", a.text);
    // The same photo again, to the same incident (a terminal retrying after a lost answer).
    let b = s.upload(&s.officer, &s.incident, &data).await;
    assert_eq!(b.body["status"], "complete", "{}", b.text);
    assert_ne!(a.body["id"], b.body["id"]);
    // And from the command room to another incident.
    let second = cmd::incident_at(
        &s.t,
        &s.dispatcher,
        29.87,
        121.55,
        ("dispute", "neighbour_dispute"),
    )
    .await;
    let c = s.upload(&s.dispatcher, &second, &data).await;
    assert_eq!(c.body["status"], "complete", "{}", c.text);
    assert!(c.body["unit_id"].is_null());

    assert_eq!(s.files_under("sha256"), 1, "stored once");
    let rows =
        s.t.sql_count("SELECT COUNT(*) FROM media_objects", &[])
            .await;
    assert_eq!(rows, 1);
    let list =
        s.t.get(
            &format!("/api/v1/incidents/{}/media", s.incident),
            &s.dispatcher,
        )
        .await;
    assert_eq!(list.body.as_array().unwrap().len(), 1, "{}", list.text);
    assert_eq!(s.timeline_kinds(&s.incident).await.len(), 1);
    assert_eq!(s.timeline_kinds(&second).await.len(), 1);

    // A short video clip.
    let mut clip = b"\0\0\0\x18ftypmp42".to_vec();
    clip.extend(jpeg(7_000, 5));
    let r = s.open(&s.officer, &s.incident, "video/mp4", &clip).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.body["id"].as_str().unwrap().to_string();
    let r = s.send_from(&s.officer, &id, &clip, 0).await;
    assert_eq!(r.body["status"], "complete", "{}", r.text);
    let kinds: Vec<Value> = s
        .timeline_kinds(&s.incident)
        .await
        .iter()
        .map(|e| e["detail"]["kind"].clone())
        .collect();
    assert_eq!(kinds, [json!("photo"), json!("video")]);
    let (status, headers, body) = s
        .raw_get(&format!("/api/v1/media/{}", sha(&clip)), &s.officer, &[])
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "video/mp4");
    assert_eq!(body, clip);
    assert_eq!(s.t.count_photos(&s.incident).await, 1);
}

#[tokio::test]
async fn types_and_sizes_are_limited() {
    let s = scene().await;
    let before = s.t.audit_head().await;
    let url = format!("/api/v1/incidents/{}/media", s.incident);
    let digest = sha(b"x");
    let open = |ct: &str, size: u64, chunk: Option<u64>| {
        let mut b = json!({"file_name": "f", "content_type": ct, "size": size, "sha256": digest});
        if let Some(c) = chunk {
            b["chunk_size"] = json!(c);
        }
        b
    };
    let mib = 1024 * 1024;
    s.t.post(&url, &s.officer, open("text/html", 10, None))
        .await
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    s.t.post(&url, &s.officer, open("application/pdf", 10, None))
        .await
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type");
    s.t.post(&url, &s.officer, open("image/png", 20 * mib + 1, None))
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE, "media_too_large");
    s.t.post(&url, &s.officer, open("video/webm", 500 * mib + 1, None))
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE, "media_too_large");
    let r =
        s.t.post(&url, &s.officer, open("image/png", 10, Some(16 * mib)))
            .await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["field"],
        "chunk_size"
    );
    let mut bad = open("image/png", 10, None);
    bad["sha256"] = json!("abc");
    let r = s.t.post(&url, &s.officer, bad).await;
    assert_eq!(
        r.problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed")["errors"][0]["field"],
        "sha256"
    );
    let mut bad = open("image/png", 10, None);
    bad["file_name"] = json!("../../etc/passwd");
    s.t.post(&url, &s.officer, bad)
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    s.t.post(&url, &s.officer, open("image/png", 0, None))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(s.t.audit_head().await, before, "refusals changed nothing");

    // At the limits they are taken (the default chunk is 1 MiB).
    let r =
        s.t.post(&url, &s.officer, open("image/webp", 20 * mib, None))
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.body["chunk_size"], mib);
    let r =
        s.t.post(&url, &s.officer, open("video/quicktime", 500 * mib, None))
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    // Chunks larger than the API's 1 MiB JSON limit pass on the chunk route.
    let photo = jpeg(3 * 1024 * 1024, 7);
    let r =
        s.t.post(
            &url,
            &s.officer,
            json!({"file_name": "big.jpg", "content_type": "image/jpeg",
            "size": photo.len(), "sha256": sha(&photo), "chunk_size": 2 * mib}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let big_id = r.body["id"].as_str().unwrap().to_string();
    let part = &photo[..2 * 1024 * 1024];
    let r = s.chunk(&s.officer, &big_id, 0, part, &sha(part)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.body["received_bytes"], 2 * mib);
    // A chunk beyond the route's body limit is refused before it is read whole.
    let id = r.body["id"].as_str().unwrap();
    let big = vec![0u8; 8 * 1024 * 1024 + 1];
    s.chunk(&s.officer, id, 0, &big, &sha(&big))
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large");
}

#[tokio::test]
async fn another_stations_officer_can_neither_upload_nor_download() {
    let s = scene().await;
    let admin = s.t.login("admin").await;
    let yuehu = s.t.org_id("33020302").await;
    let r =
        s.t.post(
            "/api/v1/users",
            &admin,
            json!({"username": "yuehu.officer", "display_name": "月湖派出所民警", "role": "officer",
                   "org": yuehu, "password": jingwu_app::DEMO_PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let stranger = s.t.login("yuehu.officer").await;

    let data = jpeg(5_000, 6);
    let r = s.open(&s.officer, &s.incident, "image/jpeg", &data).await;
    let id = r.body["id"].as_str().unwrap().to_string();
    let first = &data[..4096];

    let before = s.t.audit_head().await;
    s.open(&stranger, &s.incident, "image/jpeg", &data)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    s.chunk(&stranger, &id, 0, first, &sha(first))
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    s.t.get(&format!("/api/v1/media/uploads/{id}"), &stranger)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    assert_eq!(s.t.audit_head().await, before);
    assert_eq!(s.files_under("parts"), 0);

    let r = s.send_from(&s.officer, &id, &data, 0).await;
    assert_eq!(r.body["status"], "complete", "{}", r.text);
    let digest = sha(&data);
    s.t.get(&format!("/api/v1/media/{digest}"), &stranger)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    s.t.get(
        &format!("/api/v1/incidents/{}/media", s.incident),
        &stranger,
    )
    .await
    .problem(StatusCode::NOT_FOUND, "not_found");
    // Content nobody linked does not exist either; nor does a malformed name.
    s.t.get(&format!("/api/v1/media/{}", sha(b"nothing")), &s.dispatcher)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    s.t.get("/api/v1/media/..%2F..%2Fetc", &s.dispatcher)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
    // The Yuehu station's own dispatcher-side view: its admin is no media reader either.
    let yuehu_admin = s.t.login("yuehu.admin").await;
    s.t.get(&format!("/api/v1/media/{digest}"), &yuehu_admin)
        .await
        .problem(StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn an_interrupted_finish_completes_with_an_empty_chunk_at_the_end() {
    let s = scene().await;
    let blobs = s.t.blobs();
    for (seed, moved) in [(8, false), (9, true)] {
        let data = jpeg(6_000, seed);
        let r = s.open(&s.officer, &s.incident, "image/jpeg", &data).await;
        let id = r.body["id"].as_str().unwrap().to_string();
        let r = s
            .chunk(&s.officer, &id, 0, &data[..4096], &sha(&data[..4096]))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        // What a crash right after recording the last chunk leaves behind (and, in the second
        // round, after the file already reached its content address).
        blobs.write_part(&id, 4096, &data[4096..]).unwrap();
        assert!(s.t.advance_upload(&id, 4096, 6000).await);
        if moved {
            blobs.commit_part(&id, &sha(&data)).unwrap();
        }
        let p =
            s.t.get(&format!("/api/v1/media/uploads/{id}"), &s.officer)
                .await;
        assert_eq!(
            (p.body["received_bytes"].as_i64(), p.body["status"].as_str()),
            (Some(6000), Some("open"))
        );
        let r = s.chunk(&s.officer, &id, 6000, b"", &sha(b"")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        assert_eq!(r.body["status"], "complete");
        let (status, _, body) = s
            .raw_get(&format!("/api/v1/media/{}", sha(&data)), &s.dispatcher, &[])
            .await;
        assert_eq!((status, body), (StatusCode::OK, data));
    }
    assert_eq!(s.timeline_kinds(&s.incident).await.len(), 2);
    assert_eq!(s.files_under("parts"), 0);
}
