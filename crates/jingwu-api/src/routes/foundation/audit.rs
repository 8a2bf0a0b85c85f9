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
