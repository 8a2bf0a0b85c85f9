//! Jingwu web shell.
//!
//! Serves the login page, the per-role home page and the static assets the
//! browser needs (our own HTML/CSS/JS/i18n from `web/static/` plus selected
//! vendor files from `web/node_modules`). All files are embedded into the
//! binary at build time by `build.rs`; nothing is read from disk or fetched
//! from the network at run time.
//!
//! The pages talk to the JSON API (`/api/v1/...`) served by `jingwu-api` on
//! the same origin; this crate has no API routes of its own.

use axum::Router;
use axum::extract::Path;
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::StatusCode;
use http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, HeaderMap, HeaderName, HeaderValue,
    IF_NONE_MATCH, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};

/// One embedded file.
#[derive(Debug)]
pub struct Asset {
    /// Path below `/assets/`, e.g. `css/app.css` or `vendor/leaflet/leaflet.js`.
    pub path: &'static str,
    /// `Content-Type` header value.
    pub content_type: &'static str,
    /// Strong ETag (quoted), a content hash computed at build time.
    pub etag: &'static str,
    /// File contents.
    pub body: &'static [u8],
}

mod generated {
    use super::Asset;
    include!(concat!(env!("OUT_DIR"), "/assets.rs"));
}

/// The Content-Security-Policy sent with every response of this router:
/// everything from our own origin, no inline scripts or styles, no framing.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Cache policy: URLs are not fingerprinted, so browsers must revalidate every
/// time; the ETag turns that into a cheap `304 Not Modified`.
const CACHE_POLICY: &str = "no-cache";

/// All embedded assets, sorted by path.
pub fn assets() -> &'static [Asset] {
    generated::ASSETS
}

/// Looks up an embedded asset by its path below `/assets/`.
pub fn asset(path: &str) -> Option<&'static Asset> {
    let all = assets();
    all.binary_search_by(|a| a.path.cmp(path))
        .ok()
        .and_then(|i| all.get(i))
}

/// Routes of the web shell: `GET /` (home), `GET /login`, the 110 pages (`/command`,
/// `/terminal`, `/dashboard`, the response plans `/command/plans`, the admins' `/command/setup`), the hazmat page (`/fire`), the traffic pages (`/traffic` for
/// citizens, `/traffic/clerk`), the approval-window pages (`/permits` for citizens, the clerk's
/// `/permits/window`, the hall display `/permits/hall`), the law-enforcement pages (`/cases` for
/// case files and supervision, the handling-area board `/cases/area`, the property store
/// `/cases/evidence`), the sandbox payment channel's cashier (`/pay/sandbox/`) and
/// `GET /assets/{*path}`. Merge it into the application router.
pub fn router<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(home_page))
        .route("/login", get(login_page))
        .route("/command", get(command_page))
        .route("/terminal", get(terminal_page))
        .route("/dashboard", get(dashboard_page))
        .route("/command/plans", get(plans_page))
        .route("/command/setup", get(command_setup_page))
        .route("/fire", get(fire_page))
        .route("/traffic", get(traffic_page))
        .route("/traffic/clerk", get(traffic_clerk_page))
        .route("/permits", get(permits_page))
        .route("/permits/window", get(permits_window_page))
        .route("/permits/hall", get(permits_hall_page))
        .route("/cases", get(cases_page))
        .route("/cases/area", get(cases_area_page))
        .route("/cases/evidence", get(cases_evidence_page))
        .route("/pay/sandbox/", get(sandbox_pay_page))
        .route("/assets/{*path}", get(asset_handler))
        .layer(middleware::map_response(security_headers))
}

async fn home_page(headers: HeaderMap) -> Response {
    page("index.html", &headers)
}

async fn login_page(headers: HeaderMap) -> Response {
    page("login.html", &headers)
}

async fn command_page(headers: HeaderMap) -> Response {
    page("command/command.html", &headers)
}

async fn terminal_page(headers: HeaderMap) -> Response {
    page("command/terminal.html", &headers)
}

async fn dashboard_page(headers: HeaderMap) -> Response {
    page("command/dashboard.html", &headers)
}

async fn plans_page(headers: HeaderMap) -> Response {
    page("command/plans.html", &headers)
}

async fn command_setup_page(headers: HeaderMap) -> Response {
    page("command/setup.html", &headers)
}

async fn fire_page(headers: HeaderMap) -> Response {
    page("fire/fire.html", &headers)
}

async fn traffic_page(headers: HeaderMap) -> Response {
    page("traffic/traffic.html", &headers)
}

async fn traffic_clerk_page(headers: HeaderMap) -> Response {
    page("traffic/clerk.html", &headers)
}

async fn permits_page(headers: HeaderMap) -> Response {
    page("permits/permits.html", &headers)
}

async fn permits_window_page(headers: HeaderMap) -> Response {
    page("permits/window.html", &headers)
}

async fn permits_hall_page(headers: HeaderMap) -> Response {
    page("permits/hall.html", &headers)
}

async fn cases_page(headers: HeaderMap) -> Response {
    page("cases/cases.html", &headers)
}

async fn cases_area_page(headers: HeaderMap) -> Response {
    page("cases/area.html", &headers)
}

async fn cases_evidence_page(headers: HeaderMap) -> Response {
    page("cases/evidence.html", &headers)
}

async fn sandbox_pay_page(headers: HeaderMap) -> Response {
    page("pay/sandbox.html", &headers)
}

fn page(name: &str, headers: &HeaderMap) -> Response {
    match asset(name) {
        Some(a) => serve(a, headers),
        None => not_found(),
    }
}

async fn asset_handler(Path(path): Path<String>, headers: HeaderMap) -> Response {
    match asset(&path) {
        Some(a) => serve(a, &headers),
        None => not_found(),
    }
}

fn serve(asset: &'static Asset, headers: &HeaderMap) -> Response {
    let etag = HeaderValue::from_static(asset.etag);
    let cache = HeaderValue::from_static(CACHE_POLICY);
    if if_none_match(headers, asset.etag) {
        return (
            StatusCode::NOT_MODIFIED,
            [(ETAG, etag), (CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, HeaderValue::from_static(asset.content_type)),
            (ETAG, etag),
            (CACHE_CONTROL, cache),
        ],
        asset.body,
    )
        .into_response()
}

/// RFC 9110 §13.1.2: weak comparison, `*` matches any current representation.
fn if_none_match(headers: &HeaderMap, etag: &str) -> bool {
    headers
        .get_all(IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
}

/// RFC 9457 problem, like every other error the server returns.
fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(
            CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        )],
        r#"{"type":"urn:jingwu:problem:asset_not_found","title":"Not Found","status":404,"detail":"no such asset","code":"asset_not_found"}"#,
    )
        .into_response()
}

async fn security_headers(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_are_sorted_and_unique() {
        let all = assets();
        assert!(all.windows(2).all(|w| w[0].path < w[1].path));
    }

    #[test]
    fn if_none_match_variants() {
        let mut h = HeaderMap::new();
        h.insert(IF_NONE_MATCH, HeaderValue::from_static("\"a\", W/\"b\""));
        assert!(if_none_match(&h, "\"b\""));
        assert!(if_none_match(&h, "\"a\""));
        assert!(!if_none_match(&h, "\"c\""));
        h.insert(IF_NONE_MATCH, HeaderValue::from_static("*"));
        assert!(if_none_match(&h, "\"c\""));
        assert!(!if_none_match(&HeaderMap::new(), "\"c\""));
    }
}
