//! Scene media over HTTP: a resumable chunked upload (in the spirit of tus, simpler), the
//! incident's media list and content download with ETag and single byte ranges.
//!
//! 1. `POST /api/v1/incidents/{id}/media` `{file_name, content_type, size, sha256}` → 201 with
//!    the upload's `id`, `chunk_size` and `received_bytes`.
//! 2. `PUT /api/v1/media/uploads/{upload_id}/chunks/{offset}`, body the raw bytes
//!    (`application/octet-stream`), header `x-chunk-sha256`. The offset must be the upload's
//!    `received_bytes` (409 `offset_mismatch` otherwise, with the expected offset in the
//!    `upload-offset` header); a chunk that does not match its digest is 422 `chunk_corrupt`
//!    and nothing is stored. The answer to the last chunk has `status: complete` (or 422
//!    `digest_mismatch` when the whole file is not what was declared; the upload is aborted).
//! 3. After a dropped connection, `GET /api/v1/media/uploads/{upload_id}` tells where to go on.
//! 4. `GET /api/v1/media/{sha256}` sends the content to whoever may see an incident it is on.

use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_app::{IncidentMedia, NewUpload, UploadView};
use jingwu_core::{IncidentId, micros_to_timestamp};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncSeekExt, ReadBuf};
use utoipa::ToSchema;

use crate::extract::{Caller, Ctx, Json};
use crate::{ApiError, AppState, Problem};

/// Header carrying a chunk's SHA-256 (hex).
pub const CHUNK_SHA256: &str = "x-chunk-sha256";
/// Header telling where an upload stands (on 409 `offset_mismatch` and on progress).
pub const UPLOAD_OFFSET: &str = "upload-offset";

fn ts(us: i64) -> String {
    micros_to_timestamp(us).to_string()
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUploadRequest {
    pub file_name: String,
    /// Photos: `image/jpeg`, `image/png`, `image/webp` (≤ 20 MiB); video: `video/mp4`,
    /// `video/quicktime`, `video/webm` (≤ 500 MiB) — the defaults; configurable.
    pub content_type: String,
    /// Size of the whole file in bytes.
    pub size: u64,
    /// SHA-256 of the whole file, 64 hex digits.
    pub sha256: String,
    /// Bytes per chunk, 1 KiB to 8 MiB; the server's default (1 MiB) when absent.
    pub chunk_size: Option<u64>,
}

/// A resumable upload and how far it has come.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadResponse {
    pub id: String,
    pub incident_id: String,
    /// The unit whose crew uploads (terminals).
    pub unit_id: Option<String>,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub chunk_size: i64,
    /// Bytes stored so far: the offset of the next chunk.
    pub received_bytes: i64,
    /// `open`, `complete` or `aborted`.
    pub status: String,
    pub created_at: String,
    pub completed_at: Option<String>,
    /// Where to `PUT` the next chunk (while open).
    pub next_chunk_url: Option<String>,
    /// Where the content can be fetched (once complete).
    pub media_url: Option<String>,
}

impl From<UploadView> for UploadResponse {
    fn from(u: UploadView) -> Self {
        let open = u.status == jingwu_core::records::UploadStatus::Open;
        UploadResponse {
            next_chunk_url: open
                .then(|| format!("/api/v1/media/uploads/{}/chunks/{}", u.id, u.received_bytes)),
            media_url: (u.status == jingwu_core::records::UploadStatus::Complete)
                .then(|| format!("/api/v1/media/{}", u.sha256)),
            id: u.id.into_string(),
            incident_id: u.incident_id.into_string(),
            unit_id: u.unit_id.map(Into::into),
            file_name: u.file_name,
            content_type: u.content_type,
            size: u.total_size,
            sha256: u.sha256,
            chunk_size: u.chunk_size,
            received_bytes: u.received_bytes,
            status: u.status.to_string(),
            created_at: ts(u.created_at),
            completed_at: u.completed_at.map(ts),
        }
    }
}

/// A photo or video shown on an incident.
#[derive(Debug, Serialize, ToSchema)]
pub struct MediaItem {
    pub sha256: String,
    /// `photo` or `video`.
    pub kind: String,
    pub content_type: String,
    pub size: i64,
    pub file_name: String,
    pub upload_id: String,
    pub added_by: String,
    pub added_at: String,
    pub url: String,
}

impl From<IncidentMedia> for MediaItem {
    fn from(m: IncidentMedia) -> Self {
        MediaItem {
            url: format!("/api/v1/media/{}", m.link.sha256),
            sha256: m.link.sha256,
            kind: m.link.kind.to_string(),
            content_type: m.content_type,
            size: m.size,
            file_name: m.file_name,
            upload_id: m.link.upload_id.into_string(),
            added_by: m.link.added_by.into_string(),
            added_at: ts(m.link.added_at),
        }
    }
}

/// Open a resumable upload of a scene photo or video for an incident: an officer crewing a
/// unit assigned to it, or a dispatcher who sees it.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/media", tag = "media", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    request_body = NewUploadRequest,
    responses(
        (status = 201, body = UploadResponse),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "larger than allowed for its kind (`media_too_large`)", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "a media type not taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_upload(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<IncidentId>,
    Json(r): Json<NewUploadRequest>,
) -> Result<Response, ApiError> {
    let n = NewUpload {
        file_name: r.file_name,
        content_type: r.content_type,
        size: r.size,
        sha256: r.sha256,
        chunk_size: r.chunk_size,
    };
    let up = s
        .app
        .command()
        .open_media_upload(&caller.principal, &id, n, &ctx)
        .await?;
    let location = format!("/api/v1/media/uploads/{}", up.id);
    let mut resp = (StatusCode::CREATED, axum::Json(UploadResponse::from(up))).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    Ok(resp)
}

/// The photos and video shown on an incident, oldest first.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/media", tag = "media", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Incident id")),
    responses((status = 200, body = Vec<MediaItem>), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn list_media(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<IncidentId>,
) -> Result<axum::Json<Vec<MediaItem>>, ApiError> {
    let rows = s
        .app
        .command()
        .incident_media(&caller.principal, &id)
        .await?;
    Ok(axum::Json(rows.into_iter().map(MediaItem::from).collect()))
}

/// An upload's progress, for its uploader: resume from `received_bytes`.
#[utoipa::path(get, path = "/api/v1/media/uploads/{upload_id}", tag = "media", security(("bearer" = []), ("cookie" = [])),
    params(("upload_id" = String, Path, description = "Upload id")),
    responses((status = 200, body = UploadResponse), (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get_upload(
    State(s): State<AppState>,
    caller: Caller,
    Path(upload_id): Path<String>,
) -> Result<Response, ApiError> {
    let up = s
        .app
        .command()
        .media_upload(&caller.principal, &upload_id)
        .await?;
    let offset = up.received_bytes;
    let mut resp = axum::Json(UploadResponse::from(up)).into_response();
    resp.headers_mut()
        .insert(UPLOAD_OFFSET, HeaderValue::from(offset));
    Ok(resp)
}

/// Raw chunk bytes: `application/octet-stream`, at most the chunk route's body limit.
pub struct ChunkBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for ChunkBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let octets = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/octet-stream"));
        if !octets {
            return Err(ApiError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "a chunk is sent as Content-Type: application/octet-stream",
            ));
        }
        let limit = usize::try_from(jingwu_app::MAX_MEDIA_CHUNK).unwrap_or(usize::MAX);
        let bytes = crate::extract::read_body(req, state, "a chunk", limit).await?;
        Ok(ChunkBody(bytes))
    }
}

/// Send one chunk at `offset` (the upload's `received_bytes`). After the last chunk the whole
/// file is verified against the declared SHA-256, stored and shown on the incident's timeline
/// (`media_added`).
#[utoipa::path(put, path = "/api/v1/media/uploads/{upload_id}/chunks/{offset}", tag = "media", security(("bearer" = []), ("cookie" = [])),
    params(
        ("upload_id" = String, Path, description = "Upload id"),
        ("offset" = u64, Path, description = "Byte offset of the chunk: the upload's received_bytes"),
        ("x-chunk-sha256" = String, Header, description = "SHA-256 of this chunk, hex"),
    ),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses(
        (status = 200, body = UploadResponse),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`offset_mismatch` (see the `upload-offset` header) or `upload_closed`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "longer than the upload's chunk size", body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`chunk_corrupt` (nothing stored) or `digest_mismatch` (upload aborted)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn put_chunk(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path((upload_id, offset)): Path<(String, String)>,
    headers: HeaderMap,
    ChunkBody(body): ChunkBody,
) -> Result<Response, ApiError> {
    let offset: u64 = offset.parse().map_err(|_| {
        ApiError::field(
            StatusCode::BAD_REQUEST,
            "offset",
            "invalid_path",
            "a byte offset: a non-negative integer",
        )
    })?;
    let digest = headers
        .get(CHUNK_SHA256)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| {
            ApiError::field(
                StatusCode::BAD_REQUEST,
                CHUNK_SHA256,
                "missing_header",
                "the chunk's SHA-256 (hex) is required",
            )
        })?
        .to_string();
    let result = s
        .app
        .command()
        .put_media_chunk(
            &caller.principal,
            &upload_id,
            offset,
            body.to_vec(),
            &digest,
            &ctx,
        )
        .await;
    match result {
        Ok(up) => Ok(axum::Json(UploadResponse::from(up)).into_response()),
        Err(e) if e.code() == "offset_mismatch" => {
            // Tell the client where to resume without another round trip.
            let expected = s
                .app
                .command()
                .media_upload(&caller.principal, &upload_id)
                .await
                .map(|u| u.received_bytes);
            let mut resp = ApiError::from(e).into_response();
            if let Ok(at) = expected {
                resp.headers_mut()
                    .insert(UPLOAD_OFFSET, HeaderValue::from(at));
            }
            Ok(resp)
        }
        Err(e) => Err(e.into()),
    }
}

/// A single `bytes=` range of a body of `size` bytes: `Ok(None)` for the whole body (no range,
/// a malformed one, or several: RFC 9110 lets a server ignore those), `Err(())` when it
/// cannot be satisfied.
fn byte_range(headers: &HeaderMap, size: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().strip_prefix("bytes="))
    else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((a, b)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let range = if a.is_empty() {
        // Suffix: the last N bytes.
        let Ok(n) = b.parse::<u64>() else {
            return Ok(None);
        };
        if n == 0 || size == 0 {
            return Err(());
        }
        (size.saturating_sub(n), size - 1)
    } else {
        let Ok(start) = a.parse::<u64>() else {
            return Ok(None);
        };
        let end = if b.is_empty() {
            size.saturating_sub(1)
        } else {
            match b.parse::<u64>() {
                Ok(e) if e >= start => e.min(size.saturating_sub(1)),
                _ => return Ok(None),
            }
        };
        if start >= size {
            return Err(());
        }
        (start, end)
    };
    Ok(Some(range))
}

/// A file's bytes `[.., remaining)` as a body stream, read in 64 KiB blocks.
struct FileStream {
    file: tokio::fs::File,
    remaining: u64,
    buf: Vec<u8>,
}

impl futures_core::Stream for FileStream {
    type Item = std::io::Result<Bytes>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.remaining == 0 {
            return Poll::Ready(None);
        }
        let want = usize::try_from(this.remaining)
            .unwrap_or(usize::MAX)
            .min(this.buf.len());
        let mut rb = ReadBuf::new(&mut this.buf[..want]);
        match Pin::new(&mut this.file).poll_read(cx, &mut rb) {
            Poll::Ready(Ok(())) => {
                let n = rb.filled().len();
                if n == 0 {
                    return Poll::Ready(Some(Err(std::io::ErrorKind::UnexpectedEof.into())));
                }
                this.remaining -= n as u64;
                Poll::Ready(Some(Ok(Bytes::copy_from_slice(rb.filled()))))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Some(Err(e))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The content, for callers who may see an incident it is shown on (else 404). `ETag` is the
/// SHA-256; `If-None-Match` answers 304; a single `Range` answers 206.
#[utoipa::path(get, path = "/api/v1/media/{sha256}", tag = "media", security(("bearer" = []), ("cookie" = [])),
    params(
        ("sha256" = String, Path, description = "SHA-256 of the content, hex"),
        ("range" = Option<String>, Header, description = "One byte range, e.g. `bytes=0-1023`"),
    ),
    responses(
        (status = 200, description = "the content, with its Content-Type", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 206, description = "the requested byte range", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 304, description = "not modified (If-None-Match)"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 416, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_media(
    State(s): State<AppState>,
    caller: Caller,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let blob = s
        .app
        .command()
        .media_blob(&caller.principal, &sha256)
        .await?;
    let etag = format!("\"{}\"", blob.sha256);
    let mut common = HeaderMap::new();
    let put = |h: &mut HeaderMap, name: header::HeaderName, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(name, v);
        }
    };
    put(&mut common, header::ETAG, &etag);
    put(&mut common, header::ACCEPT_RANGES, "bytes");
    put(&mut common, header::CACHE_CONTROL, "private, no-cache");
    // Uploaded content is never sniffed into something executable.
    put(&mut common, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    let matches_etag = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|t| t.trim() == etag || t.trim() == "*" || t.trim() == format!("W/{etag}"))
        });
    if matches_etag {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let (status, start, len) = match byte_range(&headers, blob.size) {
        Ok(None) => (StatusCode::OK, 0, blob.size),
        Ok(Some((a, b))) => {
            put(
                &mut common,
                header::CONTENT_RANGE,
                &format!("bytes {a}-{b}/{}", blob.size),
            );
            (StatusCode::PARTIAL_CONTENT, a, b - a + 1)
        }
        Err(()) => {
            let mut resp = ApiError::new(
                StatusCode::RANGE_NOT_SATISFIABLE,
                "range_not_satisfiable",
                format!("the content has {} bytes", blob.size),
            )
            .into_response();
            put(
                resp.headers_mut(),
                header::CONTENT_RANGE,
                &format!("bytes */{}", blob.size),
            );
            return Ok(resp);
        }
    };
    let mut file = tokio::fs::File::open(&blob.path).await.map_err(|e| {
        ApiError::from(jingwu_app::AppError::Internal(format!(
            "media {} unreadable: {e}",
            blob.sha256
        )))
    })?;
    if start > 0 {
        file.seek(std::io::SeekFrom::Start(start))
            .await
            .map_err(|e| ApiError::from(jingwu_app::AppError::Internal(e.to_string())))?;
    }
    put(&mut common, header::CONTENT_TYPE, &blob.content_type);
    common.insert(header::CONTENT_LENGTH, HeaderValue::from(len));
    let body = Body::from_stream(FileStream {
        file,
        remaining: len,
        buf: vec![0; 64 * 1024],
    });
    Ok((status, common, body).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(v: &str, size: u64) -> Result<Option<(u64, u64)>, ()> {
        let mut h = HeaderMap::new();
        h.insert(
            header::RANGE,
            HeaderValue::from_str(v).unwrap_or(HeaderValue::from_static("")),
        );
        byte_range(&h, size)
    }

    #[test]
    fn byte_ranges() {
        assert_eq!(range("bytes=0-9", 100), Ok(Some((0, 9))));
        assert_eq!(range("bytes=90-", 100), Ok(Some((90, 99))));
        assert_eq!(range("bytes=-10", 100), Ok(Some((90, 99))));
        assert_eq!(range("bytes=50-500", 100), Ok(Some((50, 99))));
        assert_eq!(range("bytes=100-", 100), Err(()));
        assert_eq!(range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(range("bytes=9-1", 100), Ok(None));
        assert_eq!(range("items=0-1", 100), Ok(None));
    }
}
