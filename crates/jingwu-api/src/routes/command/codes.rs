//! Code lists served from their Rust definitions, so pages and clients never keep a copy.
//!
//! Each list is serialized once per process into a [`CodeList`] (body and ETag) and answered
//! with `Cache-Control: private, no-cache`, so a client revalidates with `If-None-Match` and
//! gets a 304 until a release changes the list. A system adds its lists the same way (traffic:
//! violation codes, permits: permit items, cases: case types): a wire type built from the pure
//! crate's definitions, a `static` [`CodeList`], and a `GET /api/v1/<system>/<list>` route.

use std::hash::{Hash, Hasher};
use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_command::taxonomy::{Category, Priority, Source};
use jingwu_core::{Action, Scope, authorize};
use serde::Serialize;
use utoipa::ToSchema;

use crate::extract::Caller;
use crate::openapi::{CategorySchema, PrioritySchema, SourceSchema, SubcategorySchema};
use crate::{ApiError, Problem};

/// A list serialized once, with a validator derived from its bytes.
pub struct CodeList {
    body: Vec<u8>,
    etag: String,
}

impl CodeList {
    pub(crate) fn new<T: Serialize>(list: &T) -> CodeList {
        // Serializing plain structs of strings and numbers cannot fail.
        let body = serde_json::to_vec(list).unwrap_or_default();
        // Not a security check, only a cache validator: the std hasher is enough.
        let mut h = std::hash::DefaultHasher::new();
        body.hash(&mut h);
        CodeList {
            etag: format!("\"{:016x}\"", h.finish()),
            body,
        }
    }

    pub(crate) fn respond(&'static self, request: &HeaderMap) -> Response {
        let headers = [
            (header::ETAG, HeaderValue::from_str(&self.etag).ok()),
            (
                header::CACHE_CONTROL,
                Some(HeaderValue::from_static("private, no-cache")),
            ),
        ];
        let mut resp = if if_none_match(request, &self.etag) {
            StatusCode::NOT_MODIFIED.into_response()
        } else {
            (
                [(header::CONTENT_TYPE, "application/json")],
                self.body.as_slice(),
            )
                .into_response()
        };
        for (name, value) in headers {
            if let Some(v) = value {
                resp.headers_mut().insert(name, v);
            }
        }
        resp
    }
}

/// Whether `If-None-Match` names this entity tag (RFC 9110 §13.1.2, weak comparison).
pub(crate) fn if_none_match(request: &HeaderMap, etag: &str) -> bool {
    request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|t| t == "*" || t.strip_prefix("W/").unwrap_or(t) == etag)
}

/// The incident taxonomy of the 110 system (`jingwu_command::taxonomy`).
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentTaxonomy {
    /// Categories in declaration order, each with its sub-categories.
    pub categories: Vec<TaxonomyCategory>,
    /// `p1` (most urgent) to `p4`.
    pub priorities: Vec<TaxonomyPriority>,
    /// How an incident reaches the command room.
    pub sources: Vec<TaxonomySource>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomyCategory {
    #[schema(value_type = CategorySchema)]
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    pub subcategories: Vec<TaxonomySubcategory>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomySubcategory {
    #[schema(value_type = SubcategorySchema)]
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// Priority suggested at intake; the call taker may change it.
    #[schema(value_type = PrioritySchema)]
    pub suggested_priority: &'static str,
    /// Violence against people in progress or a weapon involved.
    pub violent: bool,
    /// The APCO incident category code where one clearly corresponds.
    pub apco_code: Option<&'static str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomyPriority {
    #[schema(value_type = PrioritySchema)]
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// Default response target (created → first unit on scene), seconds.
    pub target_secs: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TaxonomySource {
    #[schema(value_type = SourceSchema)]
    pub code: &'static str,
    pub label_zh: &'static str,
    pub label_en: &'static str,
}

impl IncidentTaxonomy {
    fn build() -> IncidentTaxonomy {
        let categories = Category::ALL
            .iter()
            .map(|&c| TaxonomyCategory {
                code: c.as_str(),
                label_zh: c.label_zh(),
                label_en: c.label_en(),
                subcategories: c
                    .subcategories()
                    .map(|s| {
                        let i = s.info();
                        TaxonomySubcategory {
                            code: i.code,
                            label_zh: i.label_zh,
                            label_en: i.label_en,
                            suggested_priority: i.suggested_priority.as_str(),
                            violent: i.violent,
                            apco_code: i.apco_code,
                        }
                    })
                    .collect(),
            })
            .collect();
        let priorities = Priority::ALL
            .iter()
            .map(|&p| TaxonomyPriority {
                code: p.as_str(),
                label_zh: p.label_zh(),
                label_en: p.label_en(),
                target_secs: p.default_target_s(),
            })
            .collect();
        let sources = Source::ALL
            .iter()
            .map(|&s| TaxonomySource {
                code: s.as_str(),
                label_zh: s.label_zh(),
                label_en: s.label_en(),
            })
            .collect();
        IncidentTaxonomy {
            categories,
            priorities,
            sources,
        }
    }
}

static TAXONOMY: LazyLock<CodeList> = LazyLock::new(|| CodeList::new(&IncidentTaxonomy::build()));

/// The incident taxonomy: categories with their sub-categories (labels, suggested priority,
/// violent flag, APCO code), priorities with their default targets, and intake sources. The
/// same for every caller; revalidate with `If-None-Match`.
#[utoipa::path(get, path = "/api/v1/command/taxonomy", tag = "command", security(("bearer" = []), ("cookie" = [])),
    responses(
        (status = 200, body = IncidentTaxonomy, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "not modified (If-None-Match)"),
        (status = 403, body = Problem, content_type = "application/problem+json",
            description = "`forbidden`: citizens do not read staff code lists"),
    ))]
pub async fn taxonomy(caller: Caller, headers: HeaderMap) -> Result<Response, ApiError> {
    // Every staff role reads the jurisdiction tree; the code lists are no more sensitive.
    let p = &caller.principal;
    authorize(p, Action::ReadOrgs, Scope::Org(&p.org_path))
        .map_err(|d| ApiError::from(jingwu_app::AppError::denied_scope(d)))?;
    Ok(TAXONOMY.respond(&headers))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_accepts_lists_weak_tags_and_star() {
        let mut h = HeaderMap::new();
        assert!(!if_none_match(&h, "\"a\""));
        h.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"b\", W/\"a\""),
        );
        assert!(if_none_match(&h, "\"a\""));
        assert!(!if_none_match(&h, "\"c\""));
        h.insert(header::IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(if_none_match(&h, "\"c\""));
    }
}
