//! Inventories over HTTP: start a count (full, sampled, high-risk) by an auditor outside the
//! chain of custody, upload scans in batches, close it (the reconciliation), read it.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::{AppError, InventoryView as AppInventory, NewInventory};
use jingwu_cases::error_codes::field;
use jingwu_cases::ids::InventoryId;
use jingwu_cases::inventory::{Discrepancy, Inventory, Scan, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

pub(super) fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(list, start))
        .routes(routes!(get))
        .routes(routes!(scan))
        .routes(routes!(close))
}

/// An inventory as lists show it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InventorySummary {
    pub id: String,
    /// The store counted.
    pub org_id: String,
    pub location_id: Option<String>,
    /// `full`, `sampled`, `high_risk`.
    pub scope: String,
    /// The seed the sample was drawn from (recorded for every count).
    pub seed: i64,
    pub auditor_id: String,
    pub started_at: String,
    pub closed_at: Option<String>,
    /// Items the count expects.
    pub expected: i64,
    /// Expected items scanned (once closed).
    pub found: Option<i64>,
    /// Findings (once closed).
    pub discrepancies: Option<i64>,
}

impl From<Inventory> for InventorySummary {
    fn from(v: Inventory) -> Self {
        InventorySummary {
            id: v.id.into_string(),
            org_id: v.org_id.into_string(),
            location_id: v.location_id.map(|l| l.into_string()),
            scope: v.scope.as_str().into(),
            seed: v.seed,
            auditor_id: v.auditor_id.into_string(),
            started_at: ts(v.started_at),
            closed_at: v.closed_at.map(ts),
            expected: v.expected,
            found: v.found,
            discrepancies: v.discrepancies,
        }
    }
}

/// One finding of a closed count.
#[derive(Debug, Serialize, ToSchema)]
pub struct DiscrepancyView {
    pub barcode: String,
    pub item_id: Option<String>,
    /// `missing`, `misplaced`, `unexpected`, `seal_broken`.
    pub kind: String,
    /// Where the store records it.
    pub expected_location: Option<String>,
    /// Where it was scanned.
    pub found_location: Option<String>,
    /// Why an unexpected scan was not expected.
    pub note: String,
}

impl From<Discrepancy> for DiscrepancyView {
    fn from(d: Discrepancy) -> Self {
        DiscrepancyView {
            barcode: d.barcode,
            item_id: d.item_id.map(|i| i.into_string()),
            kind: d.kind.as_str().into(),
            expected_location: d.expected_location,
            found_location: d.found_location,
            note: d.note,
        }
    }
}

/// An inventory with its progress and, once closed, its findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct InventoryView {
    pub inventory: InventorySummary,
    /// Barcodes scanned so far.
    pub scanned: i64,
    /// Findings by kind.
    pub counts: BTreeMap<String, i64>,
    /// The findings by barcode (at most 5,000 listed).
    pub discrepancies: Vec<DiscrepancyView>,
}

impl From<AppInventory> for InventoryView {
    fn from(v: AppInventory) -> Self {
        InventoryView {
            inventory: v.inventory.into(),
            scanned: v.scanned,
            counts: v
                .counts
                .into_iter()
                .map(|(k, n)| (k.as_str().to_owned(), n))
                .collect(),
            discrepancies: v.discrepancies.into_iter().map(Into::into).collect(),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// One store of the caller's jurisdiction.
    pub org_id: Option<String>,
}

/// Inventories of the stores in the caller's jurisdiction, newest first (`read_evidence`).
#[utoipa::path(get, path = "/api/v1/cases/inventories", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(ListQuery),
    responses((status = 200, body = Vec<InventorySummary>),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<axum::Json<Vec<InventorySummary>>, ApiError> {
    let list = s
        .app
        .cases()
        .inventories(&caller.principal, q.org_id.as_deref())
        .await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    /// The store; the caller's own unit by default.
    pub org_id: Option<String>,
    /// Only this location of the store.
    pub location_id: Option<String>,
    /// `full`, `sampled` (95 % confidence, ±3 %) or `high_risk`.
    pub scope: String,
    /// A sample's seed (random when not given; recorded).
    pub seed: Option<i64>,
}

/// Start a count (`handle_evidence`); the caller is its auditor and must be outside the chain
/// of custody of the items it covers (409 `auditor_in_chain`).
#[utoipa::path(post, path = "/api/v1/cases/inventories", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    request_body = StartRequest,
    responses((status = 201, body = InventoryView),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`auditor_in_chain`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn start(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<StartRequest>,
) -> Result<(StatusCode, axum::Json<InventoryView>), ApiError> {
    let scope = Scope::from_code(&r.scope).ok_or_else(|| {
        ApiError::from(AppError::invalid(
            "scope",
            field::CODE.code,
            "full, sampled or high_risk",
        ))
    })?;
    let n = NewInventory {
        org_id: r.org_id,
        location_id: r.location_id,
        scope,
        seed: r.seed,
    };
    let v = s
        .app
        .cases()
        .start_inventory(&caller.principal, n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

/// One inventory with its progress and findings (`read_evidence`, the store's jurisdiction).
#[utoipa::path(get, path = "/api/v1/cases/inventories/{id}", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Inventory id")),
    responses((status = 200, body = InventoryView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<InventoryId>,
) -> Result<axum::Json<InventoryView>, ApiError> {
    let v = s.app.cases().inventory(&caller.principal, &id).await?;
    Ok(axum::Json(v.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanView {
    pub barcode: String,
    /// Where it was scanned (a location of the store).
    pub location_id: Option<String>,
    /// Whether the seal is intact (by default it is).
    #[serde(default = "yes")]
    pub seal_intact: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScansRequest {
    /// 1 to 1,000 scans; a rescan of a barcode replaces the earlier one.
    pub scans: Vec<ScanView>,
}

/// Record scans of an open count (its auditor only).
#[utoipa::path(post, path = "/api/v1/cases/inventories/{id}/scans", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Inventory id")),
    request_body = ScansRequest,
    responses((status = 200, body = InventoryView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`inventory_state`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn scan(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<InventoryId>,
    Json(r): Json<ScansRequest>,
) -> Result<axum::Json<InventoryView>, ApiError> {
    let scans = r
        .scans
        .into_iter()
        .map(|s| Scan {
            barcode: s.barcode,
            location_id: s.location_id,
            seal_intact: s.seal_intact,
        })
        .collect();
    let v = s
        .app
        .cases()
        .scan_inventory(&caller.principal, &id, scans, &ctx)
        .await?;
    Ok(axum::Json(v.into()))
}

/// Close a count (its auditor only): the scans are reconciled with what it expected and the
/// findings stored.
#[utoipa::path(post, path = "/api/v1/cases/inventories/{id}/close", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Inventory id")),
    responses((status = 200, body = InventoryView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`inventory_state`", body = Problem, content_type = "application/problem+json")))]
pub async fn close(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<InventoryId>,
) -> Result<axum::Json<InventoryView>, ApiError> {
    let v = s
        .app
        .cases()
        .close_inventory(&caller.principal, &id, &ctx)
        .await?;
    Ok(axum::Json(v.into()))
}
