//! The command map's vector tiles (`jingwu_app` `Command::map_tile`): Mapbox Vector Tiles,
//! gzip-compressed for clients that accept it, revalidated by entity tag.

use std::io::Write;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::codes::if_none_match;
use crate::extract::Caller;
use crate::{ApiError, AppState, Problem};

/// The media type of a Mapbox Vector Tile (IANA registration of the specification).
const MVT: &str = "application/vnd.mapbox-vector-tile";

/// One tile of the command map: roads by class with their names, places, station and district
/// areas and names, and key sites of the caller's jurisdiction. Zoom 8 to 16, `{y}.mvt`.
#[utoipa::path(get, path = "/api/v1/tiles/{z}/{x}/{y}", tag = "command", security(("bearer" = []), ("cookie" = [])),
    params(("z" = u8, Path, description = "Zoom, 8 to 16"),
           ("x" = u32, Path, description = "Column from the west"),
           ("y" = String, Path, description = "Row from the north, with `.mvt`")),
    responses((status = 200, content_type = "application/vnd.mapbox-vector-tile", headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "The tile named by If-None-Match is current"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn tile(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    Path((z, x, y)): Path<(String, String, String)>,
) -> Result<Response, ApiError> {
    let bad = |field: &str, message: &str| {
        ApiError::from(jingwu_app::AppError::invalid(
            field,
            jingwu_command::error_codes::field::INVALID.code,
            message,
        ))
    };
    let y = y
        .strip_suffix(".mvt")
        .and_then(|v| v.parse::<u32>().ok())
        .ok_or_else(|| bad("y", "the row is a number followed by .mvt"))?;
    // Numbers too large for the grid are the same mistake as numbers outside it.
    let z = z.parse::<u8>().unwrap_or(u8::MAX);
    let x = x
        .parse::<u32>()
        .map_err(|_| bad("x", "the column is a number"))?;
    let t = s.app.command().map_tile(&caller.principal, z, x, y).await?;
    let mut resp = if if_none_match(&headers, &t.etag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else if accepts_gzip(&headers) {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        let gzip = gz
            .write_all(&t.body)
            .and_then(|()| gz.finish())
            .map_err(|e| ApiError::from(jingwu_app::AppError::Internal(format!("gzip: {e}"))))?;
        (
            [
                (header::CONTENT_TYPE, MVT),
                (header::CONTENT_ENCODING, "gzip"),
            ],
            gzip,
        )
            .into_response()
    } else {
        ([(header::CONTENT_TYPE, MVT)], t.body).into_response()
    };
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&t.etag) {
        h.insert(header::ETAG, v);
    }
    // Tiles show the caller's jurisdiction: private, and checked again after a minute.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=60"),
    );
    h.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Cookie, Authorization"),
    );
    Ok(resp)
}

/// Whether `Accept-Encoding` allows gzip (RFC 9110 §12.5.3; `q=0` refuses it).
fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let coding = parts.next().unwrap_or("");
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f64>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            (coding.eq_ignore_ascii_case("gzip") || coding == "*") && !refused
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gzip_is_sent_only_where_accepted() {
        let with = |v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(v));
            accepts_gzip(&h)
        };
        assert!(with("gzip, deflate, br"));
        assert!(with("br;q=1.0, GZIP;q=0.5"));
        assert!(!with("gzip;q=0, br"));
        assert!(!with("identity"));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
