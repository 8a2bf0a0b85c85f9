//! The platform's records (the jurisdiction tree, accounts, sessions, uploads) as the store
//! keeps them and the use cases pass them on. Nothing here knows SQL.

use crate::{IncidentId, OrgKind, Role, UnitId, UploadId, UserId};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgUnit {
    pub id: String,
    pub parent_id: Option<String>,
    pub kind: OrgKind,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub path: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub user_id: String,
    pub client: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: String,
    pub password_hash: String,
    pub created_at: i64,
    pub disabled_at: Option<i64>,
}

/// A user with the path of their org, which decides who may see them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScopedUser {
    pub user: User,
    pub org_path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Upload {
    pub id: UploadId,
    pub incident_id: IncidentId,
    pub unit_id: Option<UnitId>,
    pub uploader_id: UserId,
    pub file_name: String,
    pub content_type: String,
    pub total_size: i64,
    /// Declared SHA-256 of the whole file (lowercase hex).
    pub sha256: String,
    pub chunk_size: i64,
    pub received_bytes: i64,
    /// `open`, `complete` or `aborted`.
    pub status: UploadStatus,
    pub created_at: i64,
    pub completed_at: Option<i64>,
    pub org_path: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MediaObject {
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub stored_at: i64,
}

crate::text_enum! {
    /// Where a resumable upload stands.
    pub enum UploadStatus: "upload status" {
        /// Taking chunks.
        Open = "open" ("上传中", "Open"),
        /// Every byte received and checked; the content is stored.
        Complete = "complete" ("已完成", "Complete"),
        /// Given up (a digest that did not match, or abandoned).
        Aborted = "aborted" ("已中止", "Aborted"),
    }
}
