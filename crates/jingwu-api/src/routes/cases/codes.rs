//! Law enforcement's code lists, served from `jingwu-cases`' definitions (see the 110 system's
//! `codes` module for how lists are cached and revalidated). Each builder's enums are listed in
//! its own fields: case files first, then the handling area's and evidence's as they land.

use std::sync::LazyLock;

use axum::http::HeaderMap;
use axum::response::Response;
use jingwu_cases::area::{
    AreaEventKind, CustodyStatus, LeavePurpose, Outcome, PersonRole, RoomKind,
};
use jingwu_cases::case::{CaseKind, CaseStatus, CommentKind, IdKind, PartyRole, StepKind};
use jingwu_cases::clock::{Alert, ClockKind, ExtensionStatus, Recipient};
use jingwu_cases::evidence::{Category, ItemKind, ItemState, MovementKind};
use jingwu_cases::inventory::{DiscrepancyKind, Scope};
use jingwu_cases::limits::AppliesTo;
use jingwu_cases::retention::retention_days;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::routes::command::codes::CodeList;
use crate::routes::hazmat::codes::{Code, list};

/// Every code list of law enforcement.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseCodes {
    pub case_kinds: Vec<Code>,
    pub case_statuses: Vec<Code>,
    pub party_roles: Vec<Code>,
    pub id_kinds: Vec<Code>,
    pub step_kinds: Vec<Code>,
    pub comment_kinds: Vec<Code>,
    /// What a legal limit's clock runs on (`custody`, `case`).
    pub limit_scopes: Vec<Code>,
    pub clock_kinds: Vec<Code>,
    pub clock_alerts: Vec<Code>,
    pub alert_recipients: Vec<Code>,
    pub extension_statuses: Vec<Code>,
    // The handling area.
    pub room_kinds: Vec<Code>,
    /// Why a person is in the handling area.
    pub person_roles: Vec<Code>,
    pub custody_statuses: Vec<Code>,
    pub area_events: Vec<Code>,
    pub outcomes: Vec<Code>,
    pub leave_purposes: Vec<Code>,
    // Evidence and property.
    /// `physical`, `digital`.
    pub item_kinds: Vec<Code>,
    pub evidence_categories: Vec<Code>,
    /// The categories kept in secure locations and disposed of or returned before two
    /// witnesses.
    pub high_risk_categories: Vec<String>,
    /// Days an item is kept after its case closes, by category (the bureau's policy).
    pub retention_days: std::collections::BTreeMap<String, i64>,
    pub item_states: Vec<Code>,
    pub movements: Vec<Code>,
    pub inventory_scopes: Vec<Code>,
    pub discrepancy_kinds: Vec<Code>,
}

static CODES: LazyLock<CodeList> = LazyLock::new(|| {
    CodeList::new(&CaseCodes {
        case_kinds: list::<CaseKind>(),
        case_statuses: list::<CaseStatus>(),
        party_roles: list::<PartyRole>(),
        id_kinds: list::<IdKind>(),
        step_kinds: list::<StepKind>(),
        comment_kinds: list::<CommentKind>(),
        limit_scopes: list::<AppliesTo>(),
        clock_kinds: list::<ClockKind>(),
        clock_alerts: list::<Alert>(),
        alert_recipients: list::<Recipient>(),
        extension_statuses: list::<ExtensionStatus>(),
        room_kinds: list::<RoomKind>(),
        person_roles: list::<PersonRole>(),
        custody_statuses: list::<CustodyStatus>(),
        area_events: list::<AreaEventKind>(),
        outcomes: list::<Outcome>(),
        leave_purposes: list::<LeavePurpose>(),
        item_kinds: list::<ItemKind>(),
        evidence_categories: list::<Category>(),
        high_risk_categories: Category::ALL
            .iter()
            .filter(|c| c.high_risk())
            .map(|c| c.as_str().to_owned())
            .collect(),
        retention_days: Category::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), retention_days(*c)))
            .collect(),
        item_states: list::<ItemState>(),
        movements: list::<MovementKind>(),
        inventory_scopes: list::<Scope>(),
        discrepancy_kinds: list::<DiscrepancyKind>(),
    })
});

/// Law enforcement's code lists (labels in Chinese and English). Revalidate with
/// `If-None-Match`.
#[utoipa::path(get, path = "/api/v1/cases/codes", tag = "cases",
    responses(
        (status = 200, body = CaseCodes, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "not modified (If-None-Match)"),
    ))]
pub async fn codes(headers: HeaderMap) -> Response {
    CODES.respond(&headers)
}

pub(super) fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(codes))
}
