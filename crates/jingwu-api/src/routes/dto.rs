//! Wire types. They mirror the use cases' results but are owned by the edge, so the domain can
//! change without silently changing the API.

use jingwu_app::{OrgUnit, UserView};
use jingwu_core::micros_to_timestamp;
use serde::Serialize;
use utoipa::ToSchema;

/// An instant (microseconds since the epoch) as RFC 3339 in UTC, as every wire type writes it.
pub fn ts(us: i64) -> String {
    micros_to_timestamp(us).to_string()
}

/// The file name a raw-body upload declares in its `X-Filename` header (percent-encoded, so
/// Chinese names survive the header); empty when absent.
pub fn upload_filename(req: &axum::extract::Request) -> String {
    req.headers()
        .get("x-filename")
        .and_then(|v| v.to_str().ok())
        .map(percent_decode)
        .unwrap_or_default()
}

/// `%XX` escapes decoded (as UTF-8, lossily); anything else kept.
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && let (Some(h), Some(l)) = (
                b.get(i + 1).and_then(|c| hex(*c)),
                b.get(i + 2).and_then(|c| hex(*c)),
            )
        {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An RFC 3339 instant from a request as microseconds, or a 422 naming `field` with the
/// system's field `code`.
pub fn instant(field: &str, code: &str, s: &str) -> Result<i64, crate::ApiError> {
    s.parse::<jiff::Timestamp>()
        .map(jingwu_core::timestamp_to_micros)
        .map_err(|e| {
            crate::ApiError::from(jingwu_app::AppError::invalid(field, code, e.to_string()))
        })
}

/// An RFC 3339 instant from a query parameter as microseconds, or a 400 `invalid_query`
/// naming the parameter.
pub fn query_instant(param: &str, v: &str) -> Result<i64, crate::ApiError> {
    v.parse::<jiff::Timestamp>()
        .map(jingwu_core::timestamp_to_micros)
        .map_err(|e| {
            crate::ApiError::field(
                axum::http::StatusCode::BAD_REQUEST,
                param,
                "invalid_query",
                format!("not an RFC 3339 instant: {e}"),
            )
        })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Org {
    pub id: String,
    pub parent_id: Option<String>,
    /// `city`, `district` or `station`.
    #[schema(value_type = crate::openapi::OrgKindSchema)]
    pub kind: String,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Materialized path of codes from the city down, e.g. `/330200/330203/`.
    pub path: String,
}

impl From<OrgUnit> for Org {
    fn from(o: OrgUnit) -> Self {
        Org {
            id: o.id,
            parent_id: o.parent_id,
            kind: o.kind.as_str().to_string(),
            code: o.code,
            name_zh: o.name_zh,
            name_en: o.name_en,
            path: o.path,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct User {
    pub id: String,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org: Org,
    /// RFC 3339.
    pub created_at: String,
    pub disabled: bool,
}

impl From<UserView> for User {
    fn from(v: UserView) -> Self {
        User {
            // The schema's CHECK constraint admits only known roles.
            role: v.user.role,
            id: v.user.id,
            username: v.user.username,
            display_name: v.user.display_name,
            org: v.org.into(),
            created_at: micros_to_timestamp(v.user.created_at).to_string(),
            disabled: v.user.disabled_at.is_some(),
        }
    }
}

pub use jingwu_core::Role;

/// A page of results; pass `next_cursor` back as `cursor` for the next page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

/// Page size from a `limit` query parameter: 1 to 200, default 50.
pub fn page_limit(limit: Option<u32>) -> Result<i64, crate::ApiError> {
    match limit.unwrap_or(50) {
        n @ 1..=200 => Ok(i64::from(n)),
        n => Err(crate::ApiError::field(
            axum::http::StatusCode::BAD_REQUEST,
            "limit",
            "invalid_query",
            format!("{n} is out of range 1..=200"),
        )),
    }
}
