//! The hazmat code lists, served from `jingwu-hazmat`'s definitions (see the 110 system's
//! `codes` module for how lists are cached and revalidated).

use std::sync::LazyLock;

use axum::http::HeaderMap;
use axum::response::Response;
use jingwu_core::{Action, Scope, TextEnum, authorize};
use jingwu_hazmat::erg::SpillSize;
use jingwu_hazmat::records::{FireUnitKind, ReadingSource, ReleaseKind};
use jingwu_hazmat::response::{LinkageStep, ResponseLevel};
use jingwu_hazmat::sigma::{SigmaSet, Stability};
use jingwu_hazmat::stability::StabilityMethod;
use jingwu_hazmat::wind::Terrain;
use jingwu_hazmat::zone::ZoneFlag;
use serde::Serialize;
use utoipa::ToSchema;

use crate::extract::Caller;
use crate::routes::command::codes::CodeList;
use crate::{ApiError, Problem};

/// One code with its labels.
#[derive(Debug, Serialize, ToSchema)]
pub struct Code {
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
}

/// A linkage step with its target.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepCode {
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// Due this many seconds after the alarm ("1335": 0, 60, 180, 300).
    pub target_s: i64,
}

/// Every code list of the hazmat system.
#[derive(Debug, Serialize, ToSchema)]
pub struct HazmatCodes {
    pub stability_classes: Vec<Code>,
    pub stability_methods: Vec<Code>,
    pub sigma_sets: Vec<Code>,
    pub terrains: Vec<Code>,
    pub release_kinds: Vec<Code>,
    pub spill_sizes: Vec<Code>,
    pub response_levels: Vec<Code>,
    pub linkage_steps: Vec<StepCode>,
    pub fire_unit_kinds: Vec<Code>,
    pub reading_sources: Vec<Code>,
    pub zone_flags: Vec<Code>,
}

pub(crate) fn list<T: TextEnum>() -> Vec<Code> {
    T::VARIANTS
        .iter()
        .map(|v| Code {
            code: v.code(),
            label_zh: v.label_zh(),
            label_en: v.label_en(),
        })
        .collect()
}

static CODES: LazyLock<CodeList> = LazyLock::new(|| {
    CodeList::new(&HazmatCodes {
        stability_classes: list::<Stability>(),
        stability_methods: list::<StabilityMethod>(),
        sigma_sets: list::<SigmaSet>(),
        terrains: list::<Terrain>(),
        release_kinds: list::<ReleaseKind>(),
        spill_sizes: list::<SpillSize>(),
        response_levels: list::<ResponseLevel>(),
        linkage_steps: LinkageStep::ALL
            .iter()
            .map(|s| StepCode {
                code: s.as_str(),
                label_zh: s.label_zh(),
                label_en: s.label_en(),
                target_s: s.target_s(),
            })
            .collect(),
        fire_unit_kinds: list::<FireUnitKind>(),
        reading_sources: list::<ReadingSource>(),
        zone_flags: list::<ZoneFlag>(),
    })
});

/// The hazmat code lists (labels in Chinese and English). Revalidate with `If-None-Match`.
#[utoipa::path(get, path = "/api/v1/hazmat/codes", tag = "hazmat", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = HazmatCodes, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "not modified (If-None-Match)"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn codes(caller: Caller, headers: HeaderMap) -> Result<Response, ApiError> {
    let p = &caller.principal;
    authorize(p, Action::ReadHazmat, Scope::Org(&p.org_path))
        .map_err(|d| ApiError::from(jingwu_app::AppError::denied_scope(d)))?;
    Ok(CODES.respond(&headers))
}
