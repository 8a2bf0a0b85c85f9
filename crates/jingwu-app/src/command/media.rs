//! Scene media (现场影像): photos and video from terminals, uploaded in resumable chunks,
//! verified by SHA-256, stored content-addressed and linked on the incident's timeline.
//!
//! Protocol (the HTTP routes are thin wrappers around these calls):
//! 1. [`App::open_media_upload`] declares the file (name, type, size, SHA-256 of the whole
//!    file). The type decides the kind (photo or video) and its size limit; anything else is
//!    415. The answer carries the upload id, the chunk size and `received_bytes` (0).
//! 2. [`App::put_media_chunk`] sends the bytes at `offset`, which must equal `received_bytes`
//!    (else 409 `offset_mismatch`: the client asks [`App::media_upload`] and resumes from
//!    there), at most `chunk_size` long, with the chunk's own SHA-256 (else 422
//!    `chunk_corrupt`, nothing stored). The first chunk must start with the signature of the
//!    declared type (a "photo" that is really HTML is refused with 415).
//! 3. After the last chunk the whole file is hashed: a mismatch with the declared digest
//!    aborts the upload (422 `digest_mismatch`, the part removed); a match moves the file to its
//!    content address (stored once however often it is uploaded) and, in one audited
//!    transaction, records the object, completes the upload and links it to the incident with
//!    a `media_added` timeline event. Should finishing be interrupted after the last chunk was
//!    recorded (progress shows every byte received but the upload still `open`), an empty
//!    chunk at offset `size` finishes it again.
//!
//! Who may upload: an officer crewing a unit assigned to the incident, or a dispatcher who
//! sees the incident. Only the uploader may continue or inspect an upload. Content may be
//! fetched by anyone who may see an incident it is linked to; otherwise it does not exist
//! (404).
//!
//! Chunk progress is recorded without an audit entry (transport progress, like AVL
//! telemetry); opening an upload and its outcome are audited. Chunks of one upload are
//! serialized by an in-process lock (striped by upload id), so the part file and its recorded
//! progress never race; several nodes would need uploads routed by id.

use std::path::PathBuf;
use std::sync::Arc;

use jingwu_core::{Action, IncidentId, Principal, Role, Scope, UnitId, UploadId, authorize};
use jingwu_store::command as cq;
use jingwu_store::command::EventKind;
use jingwu_store::command::media::{self as m, IncidentMedia, Link, MediaKind};
use jingwu_store::uploads::blobs::{BlobStore, is_sha256_hex};
use jingwu_store::uploads::{self as q, MediaObject, Upload, UploadStatus};
use sha2::{Digest, Sha256};

use super::Command;
use super::event;
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result};
use jingwu_command::policy::crew_includes;

const MIB: u64 = 1024 * 1024;
/// The largest chunk any configuration may ask for (the HTTP body limit of the chunk route).
pub const MAX_MEDIA_CHUNK: u64 = 8 * MIB;
/// The smallest chunk a client may ask for.
pub const MIN_MEDIA_CHUNK: u64 = 1024;
const LOCK_STRIPES: usize = 64;

/// Which media types are taken, and how large.
#[derive(Debug, Clone)]
pub struct MediaLimits {
    pub photo_types: Vec<String>,
    pub photo_max_bytes: u64,
    pub video_types: Vec<String>,
    pub video_max_bytes: u64,
    /// Chunk size offered when the client asks for none (at most [`MAX_MEDIA_CHUNK`]).
    pub chunk_size: u64,
}

impl Default for MediaLimits {
    fn default() -> Self {
        MediaLimits {
            photo_types: ["image/jpeg", "image/png", "image/webp"]
                .map(String::from)
                .to_vec(),
            photo_max_bytes: 20 * MIB,
            video_types: ["video/mp4", "video/quicktime", "video/webm"]
                .map(String::from)
                .to_vec(),
            video_max_bytes: 500 * MIB,
            chunk_size: MIB,
        }
    }
}

/// The blob store and the per-upload locks.
pub(crate) struct MediaState {
    blobs: Arc<BlobStore>,
    locks: Vec<tokio::sync::Mutex<()>>,
}

impl MediaState {
    pub(crate) fn new(dir: PathBuf) -> Self {
        MediaState {
            blobs: Arc::new(BlobStore::new(dir)),
            locks: (0..LOCK_STRIPES)
                .map(|_| tokio::sync::Mutex::new(()))
                .collect(),
        }
    }

    fn lock_for(&self, upload_id: &str) -> &tokio::sync::Mutex<()> {
        let h = upload_id.bytes().fold(0usize, |h, b| {
            h.wrapping_mul(31).wrapping_add(usize::from(b))
        });
        &self.locks[h % self.locks.len()]
    }
}

/// What a new upload declares.
#[derive(Debug, Clone)]
pub struct NewUpload {
    pub file_name: String,
    pub content_type: String,
    pub size: u64,
    /// SHA-256 of the whole file, hex.
    pub sha256: String,
    /// Requested chunk size; the configured default when absent.
    pub chunk_size: Option<u64>,
}

/// Content ready to be sent: where it is and how to describe it.
#[derive(Debug, Clone)]
pub struct MediaBlob {
    pub path: PathBuf,
    pub sha256: String,
    pub size: u64,
    pub content_type: String,
}

pub type UploadView = Upload;

fn kind_of(limits: &MediaLimits, content_type: &str) -> Option<(MediaKind, u64)> {
    if limits.photo_types.iter().any(|t| t == content_type) {
        Some((MediaKind::Photo, limits.photo_max_bytes))
    } else if limits.video_types.iter().any(|t| t == content_type) {
        Some((MediaKind::Video, limits.video_max_bytes))
    } else {
        None
    }
}

/// Whether `head` (the file's first bytes) starts like the declared type. Types without a
/// known signature pass (a configuration may add them).
fn signature_matches(content_type: &str, head: &[u8]) -> bool {
    let box_type = head.get(4..8);
    match content_type {
        "image/jpeg" => head.starts_with(&[0xFF, 0xD8, 0xFF]),
        "image/png" => head.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/webp" => head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP"),
        "video/mp4" => box_type == Some(b"ftyp"),
        // QuickTime files may begin with other atoms than `ftyp`.
        "video/quicktime" => matches!(
            box_type,
            Some(b"ftyp" | b"moov" | b"mdat" | b"wide" | b"free" | b"skip")
        ),
        "video/webm" => head.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]),
        _ => true,
    }
}

fn normalize_sha256(field: &str, v: &str) -> Result<String> {
    let v = v.trim().to_ascii_lowercase();
    if is_sha256_hex(&v) {
        Ok(v)
    } else {
        Err(AppError::invalid(
            field,
            "sha256.format",
            "a SHA-256 digest as 64 hexadecimal digits",
        ))
    }
}

fn io_error(e: std::io::Error) -> AppError {
    AppError::Internal(format!("media store: {e}"))
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> std::io::Result<T> + Send + 'static,
) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("media task: {e}")))?
        .map_err(io_error)
}

fn not_found() -> AppError {
    AppError::NotFound { what: "upload" }
}

impl Command<'_> {
    fn media_limits(&self) -> &MediaLimits {
        &self.config().media
    }

    /// Opens a resumable upload of a scene photo or video for an incident.
    pub async fn open_media_upload(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
        n: NewUpload,
        ctx: &RequestCtx,
    ) -> Result<UploadView> {
        let limits = self.media_limits();
        let mut errors = Vec::new();
        let file_name = n.file_name.trim().to_string();
        if file_name.is_empty() || file_name.chars().count() > 255 {
            errors.push(FieldError::new(
                "file_name",
                jingwu_core::problem_codes::field::FILE_NAME_LENGTH.code,
                "1 to 255 characters",
            ));
        } else if file_name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
        {
            errors.push(FieldError::new(
                "file_name",
                jingwu_core::problem_codes::field::FILE_NAME_CHARACTERS.code,
                "no control characters or path separators",
            ));
        }
        let sha256 = match normalize_sha256("sha256", &n.sha256) {
            Ok(s) => Some(s),
            Err(AppError::Validation(mut e)) => {
                errors.append(&mut e);
                None
            }
            Err(e) => return Err(e),
        };
        let chunk_size = n
            .chunk_size
            .unwrap_or(limits.chunk_size.min(MAX_MEDIA_CHUNK));
        if !(MIN_MEDIA_CHUNK..=MAX_MEDIA_CHUNK).contains(&chunk_size) {
            errors.push(FieldError::new(
                "chunk_size",
                jingwu_core::problem_codes::field::CHUNK_SIZE_RANGE.code,
                format!("{MIN_MEDIA_CHUNK} to {MAX_MEDIA_CHUNK} bytes"),
            ));
        }
        if n.size == 0 {
            errors.push(FieldError::new(
                "size",
                jingwu_core::problem_codes::field::SIZE_RANGE.code,
                "at least one byte",
            ));
        }
        let content_type = n.content_type.trim().to_ascii_lowercase();
        let (kind, max) = kind_of(limits, &content_type).ok_or_else(|| {
            AppError::UnsupportedMediaType(format!(
                "{content_type:?} is not taken; photos: {}; video: {}",
                limits.photo_types.join(", "),
                limits.video_types.join(", ")
            ))
        })?;
        if n.size > max {
            return Err(AppError::TooLarge {
                code: jingwu_core::problem_codes::MEDIA_TOO_LARGE.code,
                detail: format!("a {kind} may have at most {max} bytes; {} declared", n.size),
            });
        }
        let (Some(sha256), true) = (sha256, errors.is_empty()) else {
            return Err(AppError::Validation(errors));
        };
        let size = i64::try_from(n.size).map_err(|_| AppError::Internal("size".into()))?;
        let chunk = i64::try_from(chunk_size).map_err(|_| AppError::Internal("chunk".into()))?;

        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let incident = self.visible_incident(tx.db(), who, incident_id).await?;
                authorize(who, Action::UploadMedia, Scope::Org(&who.org_path))
                    .map_err(AppError::denied_scope)?;
                let unit_id = if who.role == Role::Officer {
                    // An officer adds media through a unit they crew on this incident.
                    let mut mine = None;
                    for a in cq::assignments_of(tx.db(), incident_id).await? {
                        if let Some(u) = cq::get_unit(tx.db(), a.unit_id.as_str()).await?
                            && crew_includes(&u.unit.crew, &who.username)
                        {
                            mine = Some(u.unit.id);
                            break;
                        }
                    }
                    Some(mine.ok_or_else(|| {
                        AppError::Forbidden(
                            "only the crew of a unit assigned to this incident may add its media"
                                .into(),
                        )
                    })?)
                } else {
                    None
                };
                let up = Upload {
                    id: UploadId::new(),
                    incident_id: incident_id.clone(),
                    unit_id,
                    uploader_id: who.user_id.as_str().into(),
                    file_name,
                    content_type,
                    total_size: size,
                    sha256,
                    chunk_size: chunk,
                    received_bytes: 0,
                    status: UploadStatus::Open,
                    created_at: now,
                    completed_at: None,
                    org_path: incident.org_path.clone(),
                };
                q::insert_upload(tx.db(), &up).await?;
                tx.audit(
                    "media.upload_open",
                    ("media_upload", up.id.as_str()),
                    &incident.org_path,
                    serde_json::json!({
                        "incident_id": incident_id, "unit_id": up.unit_id, "kind": kind,
                        "file_name": up.file_name, "content_type": up.content_type,
                        "size": up.total_size, "sha256": up.sha256,
                    }),
                )
                .await?;
                Ok(up)
            })
            .await
    }

    /// An upload's progress, for its uploader (resume after a dropped connection).
    pub async fn media_upload(&self, who: &Principal, upload_id: &str) -> Result<UploadView> {
        let mut conn = self.k().read().await?;
        let up = q::get_upload(&mut conn, upload_id)
            .await?
            .ok_or_else(not_found)?;
        if up.uploader_id != who.user_id.as_str() {
            return Err(not_found());
        }
        Ok(up)
    }

    /// Appends one chunk at `offset`; after the last one, verifies and stores the file and
    /// links it to the incident. Returns the upload as it now stands.
    pub async fn put_media_chunk(
        &self,
        who: &Principal,
        upload_id: &str,
        offset: u64,
        data: Vec<u8>,
        chunk_sha256: &str,
        ctx: &RequestCtx,
    ) -> Result<UploadView> {
        let state = &self.inner_media();
        let _guard = state.lock_for(upload_id).lock().await;
        let up = self.media_upload(who, upload_id).await?;
        if up.status != UploadStatus::Open {
            return Err(AppError::Conflict {
                code: jingwu_core::problem_codes::UPLOAD_CLOSED.code,
                detail: format!("the upload is {}; open a new one", up.status),
            });
        }
        let received = u64::try_from(up.received_bytes).unwrap_or(0);
        if offset != received {
            return Err(AppError::Conflict {
                code: jingwu_core::problem_codes::OFFSET_MISMATCH.code,
                detail: format!("the next chunk must start at byte {received}"),
            });
        }
        let len = data.len() as u64;
        let chunk_size = u64::try_from(up.chunk_size).unwrap_or(0);
        let total = u64::try_from(up.total_size).unwrap_or(0);
        if len == 0 && offset == total {
            // Every byte arrived but finishing did not (a crash or a failed commit after the
            // last chunk was recorded): an empty chunk at the end finishes again.
            return self.finish_media_upload(who, up, ctx).await;
        }
        if len == 0 {
            return Err(AppError::invalid(
                "body",
                jingwu_core::problem_codes::field::CHUNK_EMPTY.code,
                "the chunk is empty",
            ));
        }
        if len > chunk_size {
            return Err(AppError::TooLarge {
                code: jingwu_core::problem_codes::CHUNK_TOO_LARGE.code,
                detail: format!("chunks of this upload are at most {chunk_size} bytes"),
            });
        }
        if offset + len > total {
            return Err(AppError::Unprocessable {
                code: jingwu_core::problem_codes::BEYOND_DECLARED_SIZE.code,
                detail: format!("the chunk ends past the declared size of {total} bytes"),
            });
        }
        let declared = normalize_sha256("x-chunk-sha256", chunk_sha256)?;
        // Hashing up to 8 MiB and writing it are kept off the async threads.
        let blobs = state.blobs.clone();
        let (id, content_type) = (upload_id.to_string(), up.content_type.clone());
        let written = blocking(move || {
            if hex::encode(Sha256::digest(&data)) != declared {
                return Ok(Err(AppError::Unprocessable {
                    code: jingwu_core::problem_codes::CHUNK_CORRUPT.code,
                    detail: "the chunk does not match its x-chunk-sha256; nothing was stored, \
                             send it again"
                        .into(),
                }));
            }
            if offset == 0 && !signature_matches(&content_type, &data) {
                return Ok(Err(AppError::UnsupportedMediaType(format!(
                    "the content does not look like {content_type}"
                ))));
            }
            blobs.write_part(&id, offset, &data)?;
            Ok(Ok(()))
        })
        .await?;
        written?;
        let to = up.received_bytes + i64::try_from(len).unwrap_or(0);
        if !self
            .k()
            .advance_upload(upload_id, up.received_bytes, to)
            .await?
        {
            return Err(AppError::Conflict {
                code: jingwu_core::problem_codes::OFFSET_MISMATCH.code,
                detail: "the upload moved on meanwhile; ask for its progress".into(),
            });
        }
        let mut up = up;
        up.received_bytes = to;
        if to == up.total_size {
            return self.finish_media_upload(who, up, ctx).await;
        }
        Ok(up)
    }

    fn inner_media(&self) -> &MediaState {
        &self.state().media
    }

    async fn finish_media_upload(
        &self,
        who: &Principal,
        up: Upload,
        ctx: &RequestCtx,
    ) -> Result<UploadView> {
        let blobs = self.inner_media().blobs.clone();
        let now = self.now_us();
        let (id, sha) = (up.id.to_string(), up.sha256.clone());
        let (part, present) = {
            let blobs = blobs.clone();
            blocking(move || Ok((blobs.part_len(&id)?, blobs.contains(&sha)?))).await?
        };
        let actual = match (part, present) {
            (Some(_), _) => {
                let id = up.id.to_string();
                let blobs = blobs.clone();
                blocking(move || blobs.digest_part(&id)).await?.0
            }
            // The part already reached its content address before an interrupted finish.
            (None, true) => up.sha256.clone(),
            (None, false) => {
                self.abort_upload(who, &up, ctx, serde_json::json!({"reason": "part_lost"}))
                    .await?;
                return Err(AppError::Conflict {
                    code: jingwu_core::problem_codes::UPLOAD_LOST.code,
                    detail: "the received bytes were lost before they were stored; the upload is aborted, start a new one".into(),
                });
            }
        };
        if actual != up.sha256 {
            self.abort_upload(
                who,
                &up,
                ctx,
                serde_json::json!({"reason": "digest_mismatch", "declared": up.sha256, "actual": actual}),
            )
            .await?;
            let id = up.id.to_string();
            blocking(move || blobs.remove_part(&id)).await?;
            return Err(AppError::Unprocessable {
                code: jingwu_core::problem_codes::DIGEST_MISMATCH.code,
                detail: format!(
                    "the file's SHA-256 is {actual}, not the declared {}; the upload is aborted",
                    up.sha256
                ),
            });
        }
        let (id, sha) = (up.id.to_string(), up.sha256.clone());
        let stored = if part.is_some() {
            blocking(move || blobs.commit_part(&id, &sha)).await?
        } else {
            jingwu_store::uploads::blobs::Stored::AlreadyPresent
        };
        let kind =
            kind_of(self.media_limits(), &up.content_type).map_or(MediaKind::Photo, |(k, _)| k);
        self.k().write(who, ctx, async |tx| {
        q::insert_object(
            tx.db(),
            &MediaObject {
                sha256: up.sha256.clone(),
                size: up.total_size,
                content_type: up.content_type.clone(),
                stored_at: now,
            },
        )
        .await?;
        if !q::finish_upload(tx.db(), up.id.as_str(), UploadStatus::Complete, now).await? {
            return Err(AppError::Conflict {
                code: jingwu_core::problem_codes::UPLOAD_CLOSED.code,
                detail: "the upload was closed meanwhile".into(),
            });
        }
        let linked = m::link(
            tx.db(),
            &Link {
                incident_id: up.incident_id.clone(),
                sha256: up.sha256.clone(),
                upload_id: up.id.clone(),
                kind,
                added_by: who.user_id.as_str().into(),
                added_at: now,
            },
        )
        .await?;
        if linked {
            event(
                tx.db(),
                &up.incident_id,
                now,
                EventKind::MediaAdded,
                who,
                up.unit_id.as_ref().map(UnitId::as_str),
                serde_json::json!({
                    "kind": kind, "sha256": up.sha256, "content_type": up.content_type,
                    "size": up.total_size, "file_name": up.file_name, "upload_id": up.id,
                }),
            )
            .await?;
        }
        tx.audit("media.add",
            ("media_upload", up.id.as_str()),
            &up.org_path,
            serde_json::json!({
                "incident_id": up.incident_id, "sha256": up.sha256, "kind": kind,
                "size": up.total_size, "already_stored": stored == jingwu_store::uploads::blobs::Stored::AlreadyPresent,
                "already_linked": !linked,
            })).await?;
                tx.publish(LiveEvent::Incident {
            incident_id: up.incident_id.to_string(),
            org_path: up.org_path.clone(),
        });
        let mut done = up.clone();
        done.status = UploadStatus::Complete;
        done.completed_at = Some(now);
        Ok(done)
        })
        .await
    }

    /// Marks an open upload aborted, with the reason in its audit entry.
    async fn abort_upload(
        &self,
        who: &Principal,
        up: &Upload,
        ctx: &RequestCtx,
        mut detail: serde_json::Value,
    ) -> Result<()> {
        detail["incident_id"] = up.incident_id.as_str().into();
        self.k()
            .write(who, ctx, async |tx| {
                q::finish_upload(
                    tx.db(),
                    up.id.as_str(),
                    UploadStatus::Aborted,
                    self.now_us(),
                )
                .await?;
                tx.audit(
                    "media.upload_abort",
                    ("media_upload", up.id.as_str()),
                    &up.org_path,
                    detail,
                )
                .await?;
                Ok(())
            })
            .await
    }

    /// The media an incident shows, oldest first.
    pub async fn incident_media(
        &self,
        who: &Principal,
        incident_id: &IncidentId,
    ) -> Result<Vec<IncidentMedia>> {
        let mut conn = self.k().read().await?;
        self.visible_incident(&mut conn, who, incident_id).await?;
        Ok(m::media_of(&mut conn, incident_id).await?)
    }

    /// Content by its digest, for a caller who may see an incident it is linked to.
    pub async fn media_blob(&self, who: &Principal, sha256: &str) -> Result<MediaBlob> {
        let missing = || AppError::NotFound { what: "media" };
        let sha256 = sha256.to_ascii_lowercase();
        if !is_sha256_hex(&sha256) {
            return Err(missing());
        }
        let mut conn = self.k().read().await?;
        let mut visible = false;
        for incident_id in m::incidents_showing(&mut conn, &sha256).await? {
            match self.visible_incident(&mut conn, who, &incident_id).await {
                Ok(_) => {
                    visible = true;
                    break;
                }
                Err(AppError::NotFound { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        if !visible {
            return Err(missing());
        }
        let o = q::get_object(&mut conn, &sha256)
            .await?
            .ok_or_else(missing)?;
        let path = self
            .inner_media()
            .blobs
            .object_path(&sha256)
            .map_err(io_error)?;
        Ok(MediaBlob {
            path,
            sha256,
            size: u64::try_from(o.size).unwrap_or(0),
            content_type: o.content_type,
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn signatures_and_kinds() {
        let l = MediaLimits::default();
        assert_eq!(kind_of(&l, "image/png"), Some((MediaKind::Photo, 20 * MIB)));
        assert_eq!(
            kind_of(&l, "video/webm"),
            Some((MediaKind::Video, 500 * MIB))
        );
        assert_eq!(kind_of(&l, "text/html"), None);
        assert!(signature_matches("image/jpeg", &[0xFF, 0xD8, 0xFF, 0xE0]));
        assert!(!signature_matches("image/jpeg", b"<html>"));
        assert!(signature_matches("video/mp4", b"\0\0\0\x18ftypmp42"));
        assert!(!signature_matches("video/mp4", b"\0\0\0\x18moov"));
        assert!(signature_matches("video/quicktime", b"\0\0\0\x08wide"));
        assert!(signature_matches("image/webp", b"RIFF\x10\0\0\0WEBPVP8 "));
    }
}
