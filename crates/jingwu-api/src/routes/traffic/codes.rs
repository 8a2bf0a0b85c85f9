//! The traffic code lists, served from `jingwu-traffic`'s definitions: the violation table
//! (points and fines), licence classes and statuses, violation statuses, reduction refusals,
//! accident settlement refusals, the services. Public: a citizen's page reads them too.

use std::sync::LazyLock;

use axum::http::HeaderMap;
use axum::response::Response;
use jingwu_traffic::licence::{LicenceClass, LicenceStatus};
use jingwu_traffic::messages::MessageKind;
use jingwu_traffic::reduction::{Profile, RefusalRule};
use jingwu_traffic::road_events::RoadEventKind;
use jingwu_traffic::services::{ApplicationStatus, ServiceKind};
use jingwu_traffic::settlement::{AccidentStatus, Liability, RefusalReason};
use jingwu_traffic::violations::{ViolationSource, ViolationStatus};
use serde::Serialize;
use utoipa::ToSchema;

use crate::routes::command::codes::CodeList;
use crate::routes::hazmat::codes::{Code, list};

/// A violation code with its points and fine.
#[derive(Debug, Serialize, ToSchema)]
pub struct ViolationCodeEntry {
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub points: u8,
    pub fine_fen: i64,
}

/// A material an application needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaterialEntry {
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
}

/// A vehicle or driver service with what it needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct ServiceEntry {
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub materials: Vec<MaterialEntry>,
    pub fee_fen: i64,
    /// The result is posted to the applicant.
    pub mailed: bool,
    /// It concerns one of the applicant's vehicles (name its plate).
    pub for_vehicle: bool,
}

/// Every code list of the traffic system.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrafficCodes {
    pub violations: Vec<ViolationCodeEntry>,
    pub violation_sources: Vec<Code>,
    pub violation_statuses: Vec<Code>,
    pub licence_classes: Vec<Code>,
    pub licence_statuses: Vec<Code>,
    pub reduction_profiles: Vec<Code>,
    pub reduction_refusals: Vec<Code>,
    pub services: Vec<ServiceEntry>,
    pub application_statuses: Vec<Code>,
    pub message_kinds: Vec<Code>,
    pub road_event_kinds: Vec<Code>,
    pub settlement_refusals: Vec<Code>,
    pub liabilities: Vec<Code>,
    pub accident_statuses: Vec<Code>,
}

static CODES: LazyLock<CodeList> = LazyLock::new(|| {
    CodeList::new(&TrafficCodes {
        violations: jingwu_traffic::violations::CODES
            .iter()
            .map(|c| ViolationCodeEntry {
                code: c.code,
                label_zh: c.name_zh,
                label_en: c.name_en,
                points: c.points,
                fine_fen: c.fine.0,
            })
            .collect(),
        violation_sources: list::<ViolationSource>(),
        violation_statuses: list::<ViolationStatus>(),
        licence_classes: list::<LicenceClass>(),
        licence_statuses: list::<LicenceStatus>(),
        reduction_profiles: list::<Profile>(),
        reduction_refusals: list::<RefusalRule>(),
        services: ServiceKind::ALL
            .iter()
            .map(|s| ServiceEntry {
                code: s.as_str(),
                label_zh: s.label_zh(),
                label_en: s.label_en(),
                materials: s
                    .materials()
                    .iter()
                    .map(|m| MaterialEntry {
                        code: m.code,
                        label_zh: m.name_zh,
                        label_en: m.name_en,
                    })
                    .collect(),
                fee_fen: s.fee().0,
                mailed: s.mailed(),
                for_vehicle: s.for_vehicle(),
            })
            .collect(),
        application_statuses: list::<ApplicationStatus>(),
        message_kinds: list::<MessageKind>(),
        road_event_kinds: list::<RoadEventKind>(),
        settlement_refusals: list::<RefusalReason>(),
        liabilities: list::<Liability>(),
        accident_statuses: list::<AccidentStatus>(),
    })
});

/// The traffic code lists (labels in Chinese and English). Revalidate with `If-None-Match`.
#[utoipa::path(get, path = "/api/v1/traffic/codes", tag = "traffic",
    responses(
        (status = 200, body = TrafficCodes, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "not modified (If-None-Match)"),
    ))]
pub async fn codes(headers: HeaderMap) -> Response {
    CODES.respond(&headers)
}
