use axum::extract::State;
use jingwu_app::Verification;
use jingwu_core::micros_to_timestamp;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::extract::{Caller, Query};
use crate::routes::dto::{Page, page_limit};
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEntry {
    pub seq: i64,
    /// RFC 3339.
    pub at: String,
    pub actor_id: String,
    pub actor_role: String,
    pub org_path: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub request_id: String,
    /// The recorded change (canonical JSON, secrets removed).
    pub detail: serde_json::Value,
    pub change_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<jingwu_audit::Entry> for AuditEntry {
    fn from(e: jingwu_audit::Entry) -> Self {
        AuditEntry {
            seq: e.seq,
            at: micros_to_timestamp(e.at_us).to_string(),
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::String(e.detail)),
            actor_id: e.actor_id,
            actor_role: e.actor_role,
            org_path: e.org_path,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            request_id: e.request_id,
            change_digest: e.change_digest,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// 1 to 200; default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// From the previous page's `next_cursor`.
    pub cursor: Option<String>,
}

/// Audit entries about the caller's subtree, newest first (admins, legal supervisors).
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("bearer" = []), ("cookie" = [])),
    params(AuditParams),
    responses(
        (status = 200, body = Page<AuditEntry>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_audit(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditParams>,
) -> Result<axum::Json<Page<AuditEntry>>, ApiError> {
    let limit = page_limit(q.limit)?;
    let before = match q.cursor.as_deref() {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| {
            ApiError::field(
                axum::http::StatusCode::BAD_REQUEST,
                "cursor",
                "invalid_query",
                "not a cursor from this endpoint",
            )
        })?),
    };
    let page = s
        .app
        .foundation()
        .audit_page(&caller.principal, before, limit)
        .await?;
    Ok(axum::Json(Page {
        items: page.entries.into_iter().map(AuditEntry::from).collect(),
        next_cursor: page.next_before.map(|s| s.to_string()),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditVerification {
    pub intact: bool,
    /// Entries verified (when intact).
    pub entries: Option<i64>,
    /// Sequence number of the first bad entry (when broken).
    pub first_bad_seq: Option<i64>,
    pub reason: Option<String>,
}

/// Recompute the whole hash chain (city-level admins and legal supervisors).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = AuditVerification),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn verify_audit(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<AuditVerification>, ApiError> {
    Ok(axum::Json(
        match s.app.foundation().verify_audit(&caller.principal).await? {
            Verification::Intact { entries } => AuditVerification {
                intact: true,
                entries: Some(entries),
                first_bad_seq: None,
                reason: None,
            },
            Verification::Broken(e) => AuditVerification {
                intact: false,
                entries: None,
                first_bad_seq: Some(e.seq()),
                reason: Some(e.to_string()),
            },
        },
    ))
}

/// A signed tree head (the same object `jingwu audit checkpoint --json` prints).
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditCheckpoint {
    pub tree_size: u64,
    /// Merkle root (RFC 6962), hex.
    pub root_hash: String,
    /// RFC 3339, UTC, as signed.
    pub timestamp: String,
    /// Ed25519 public key, hex (32 bytes).
    pub public_key: String,
    /// Ed25519 signature over `signed_message`, hex (64 bytes).
    pub signature: String,
    /// Hex of the exact bytes signed.
    pub signed_message: String,
}

impl From<jingwu_audit::Checkpoint> for AuditCheckpoint {
    fn from(c: jingwu_audit::Checkpoint) -> Self {
        AuditCheckpoint {
            tree_size: c.tree_size,
            root_hash: hex::encode(c.root_hash),
            timestamp: c.timestamp,
            public_key: hex::encode(c.public_key),
            signature: hex::encode(c.signature),
            signed_message: c.signed_message,
        }
    }
}

/// The newest signed checkpoint of the audit log (city-level admins and legal supervisors).
#[utoipa::path(get, path = "/api/v1/audit/checkpoint", tag = "audit", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = AuditCheckpoint),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn latest_checkpoint(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<AuditCheckpoint>, ApiError> {
    let c = s
        .app
        .foundation()
        .audit_checkpoint(&caller.principal, false)
        .await?;
    Ok(axum::Json(c.into()))
}

/// Sign a checkpoint now over every change committed before the request (unless the newest
/// one already covers them).
#[utoipa::path(post, path = "/api/v1/audit/checkpoint", tag = "audit", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = AuditCheckpoint),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn sign_checkpoint(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<AuditCheckpoint>, ApiError> {
    let c = s
        .app
        .foundation()
        .audit_checkpoint(&caller.principal, true)
        .await?;
    Ok(axum::Json(c.into()))
}

/// An entry exactly as stored: what its leaf hash is computed from.
#[derive(Debug, Serialize, ToSchema)]
pub struct StoredAuditEntry {
    pub seq: i64,
    pub at_us: i64,
    pub actor_id: String,
    pub actor_role: String,
    pub org_path: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub request_id: String,
    /// Canonical JSON text of the change.
    pub detail: String,
    pub change_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<jingwu_audit::Entry> for StoredAuditEntry {
    fn from(e: jingwu_audit::Entry) -> Self {
        StoredAuditEntry {
            seq: e.seq,
            at_us: e.at_us,
            actor_id: e.actor_id,
            actor_role: e.actor_role,
            org_path: e.org_path,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            request_id: e.request_id,
            detail: e.detail,
            change_digest: e.change_digest,
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InclusionProof {
    pub leaf_index: u64,
    pub tree_size: u64,
    pub root_hash: String,
    pub leaf_hash: String,
    pub entry: StoredAuditEntry,
    /// RFC 6962 audit path, leaf to root, hex.
    pub audit_path: Vec<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct InclusionParams {
    /// 0-based leaf index (sequence number minus one).
    pub entry: u64,
}

/// An entry and its inclusion proof in the newest checkpoint's tree.
#[utoipa::path(get, path = "/api/v1/audit/proof/inclusion", tag = "audit", security(("bearer" = []), ("cookie" = [])),
    params(InclusionParams),
    responses(
        (status = 200, body = InclusionProof),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn inclusion_proof(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<InclusionParams>,
) -> Result<axum::Json<InclusionProof>, ApiError> {
    let p = s
        .app
        .foundation()
        .audit_inclusion(&caller.principal, q.entry)
        .await?;
    Ok(axum::Json(InclusionProof {
        leaf_index: p.leaf_index,
        tree_size: p.checkpoint.tree_size,
        root_hash: hex::encode(p.checkpoint.root_hash),
        leaf_hash: hex::encode(p.leaf_hash),
        entry: p.entry.into(),
        audit_path: p.audit_path.iter().map(hex::encode).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConsistencyProof {
    pub first: u64,
    pub second: u64,
    /// RFC 6962 consistency proof, hex.
    pub proof: Vec<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyParams {
    /// The older tree size.
    pub first: u64,
    /// The newer tree size (at most the tree's current size).
    pub second: u64,
}

/// The proof that the tree of `first` entries is a prefix of the tree of `second`.
#[utoipa::path(get, path = "/api/v1/audit/proof/consistency", tag = "audit", security(("bearer" = []), ("cookie" = [])),
    params(ConsistencyParams),
    responses(
        (status = 200, body = ConsistencyProof),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn consistency_proof(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ConsistencyParams>,
) -> Result<axum::Json<ConsistencyProof>, ApiError> {
    let proof = s
        .app
        .foundation()
        .audit_consistency(&caller.principal, q.first, q.second)
        .await?;
    Ok(axum::Json(ConsistencyProof {
        first: q.first,
        second: q.second,
        proof: proof.iter().map(hex::encode).collect(),
    }))
}
