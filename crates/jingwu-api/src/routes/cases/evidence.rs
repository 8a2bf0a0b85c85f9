//! Evidence and property over HTTP: storage locations; intake of physical items (JSON) and of
//! files (raw body); an item by id or by its label's barcode, with its chain of custody and the
//! chain's verification; custody movements; a file's content, re-hashed on every access; the
//! disposition review. There is no route that changes or removes a custody event.

use std::collections::BTreeMap;

use axum::extract::{Path, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use jingwu_app::{
    AppError, DigitalIntake, ItemQuery, ItemSummary, ItemView as AppItem, MovementInput,
    NewLocation, PhysicalIntake, ReviewItem,
};
use jingwu_cases::error_codes::field;
use jingwu_cases::evidence::{Category, CustodyEvent, Item, ItemState, Location, MovementKind};
use jingwu_cases::ids::{ItemId, LocationId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

use crate::extract::{Caller, Ctx, Json, Query};
use crate::routes::dto::ts;
use crate::{ApiError, AppState, Problem};

pub(super) fn routes(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(locations, create_location))
        .routes(routes!(list, intake))
        .routes(
            routes!(intake_digital).layer(axum::extract::DefaultBodyLimit::max(
                jingwu_app::EVIDENCE_FILE_MAX_BYTES + 64 * 1024,
            )),
        )
        .routes(routes!(review))
        .routes(routes!(by_barcode))
        .routes(routes!(get))
        .routes(routes!(movement))
        .routes(routes!(content))
}

fn parse_code<T: jingwu_core::TextEnum>(name: &str, v: &str) -> Result<T, ApiError> {
    T::from_code(v).ok_or_else(|| {
        ApiError::from(AppError::invalid(
            name,
            field::CODE.code,
            format!("{v:?} is not one of the listed codes"),
        ))
    })
}

/// A storage location of a property store.
#[derive(Debug, Serialize, ToSchema)]
pub struct LocationView {
    pub id: String,
    /// The store (an org unit).
    pub org_id: String,
    pub code: String,
    pub name: String,
    /// Takes high-risk items.
    pub secure: bool,
    pub active: bool,
}

impl From<Location> for LocationView {
    fn from(l: Location) -> Self {
        LocationView {
            id: l.id.into_string(),
            org_id: l.org_id.into_string(),
            code: l.code,
            name: l.name,
            secure: l.secure,
            active: l.active,
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StoreQuery {
    /// A store (org unit) of the caller's jurisdiction; by default all of it.
    pub org_id: Option<String>,
}

/// The locations of the stores in the caller's jurisdiction (`read_evidence`; administrators
/// `manage_cases`).
#[utoipa::path(get, path = "/api/v1/cases/evidence/locations", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(StoreQuery),
    responses((status = 200, body = Vec<LocationView>),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json")))]
pub async fn locations(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<StoreQuery>,
) -> Result<axum::Json<Vec<LocationView>>, ApiError> {
    let list = s
        .app
        .cases()
        .locations(&caller.principal, q.org_id.as_deref())
        .await?;
    Ok(axum::Json(
        list.into_iter().map(LocationView::from).collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LocationRequest {
    /// The store; a custodian's own unit when not given (administrators name it).
    pub org_id: Option<String>,
    /// Shelf code, e.g. `A-01-03` (unique in the store).
    pub code: String,
    pub name: String,
    /// A safe, gun cabinet or drugs room: takes high-risk items.
    #[serde(default)]
    pub secure: bool,
}

/// Add a storage location: a custodian to their store (`handle_evidence`), an administrator
/// to a store of their jurisdiction (`manage_cases`).
#[utoipa::path(post, path = "/api/v1/cases/evidence/locations", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    request_body = LocationRequest,
    responses((status = 201, body = LocationView),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`location_code_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn create_location(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<LocationRequest>,
) -> Result<(StatusCode, axum::Json<LocationView>), ApiError> {
    let n = NewLocation {
        org_id: r.org_id,
        code: r.code,
        name: r.name,
        secure: r.secure,
    };
    let l = s
        .app
        .cases()
        .create_location(&caller.principal, n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(l.into())))
}

/// An item as lists show it: what it is, where it is, its case's number and title (all a
/// custodian sees of the case).
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemSummaryView {
    pub id: String,
    /// The store keeping it.
    pub org_id: String,
    pub case_id: String,
    pub case_number: String,
    pub case_title: String,
    /// The label's value (Code 128).
    pub barcode: String,
    pub seal_no: Option<String>,
    pub description: String,
    /// `GET /api/v1/cases/codes`, `evidence_categories`: `general`, `document`, `drugs`,
    /// `firearm`, `ammunition`, `controlled_knife`, `cash`, `valuables`, `vehicle`,
    /// `electronic_device`, `digital_data`, `audio_video`, `biological`.
    pub category: String,
    pub high_risk: bool,
    /// `physical` or `digital`.
    pub kind: String,
    pub quantity: i64,
    /// A digital item's content address.
    pub sha256: Option<String>,
    pub size_bytes: Option<i64>,
    pub media_type: Option<String>,
    /// `in_store`, `checked_out`, `transferred`, `returned`, `disposed`.
    pub state: String,
    pub location_id: Option<String>,
    /// The account holding it while checked out.
    pub holder_id: Option<String>,
    /// A broken seal or a failed integrity check: needs a custodian's attention.
    pub flagged: bool,
    pub seized_at: String,
    pub intake_at: String,
    /// The head of its chain of custody: pass as `expected_seq` when moving it.
    pub last_seq: i64,
    pub last_digest: String,
}

fn summary(i: Item, case_number: String, case_title: String) -> ItemSummaryView {
    ItemSummaryView {
        id: i.id.into_string(),
        org_id: i.org_id.into_string(),
        case_id: i.case_id.into_string(),
        case_number,
        case_title,
        barcode: i.barcode,
        seal_no: i.seal_no,
        description: i.description,
        category: i.category.as_str().into(),
        high_risk: i.category.high_risk(),
        kind: i.kind.as_str().into(),
        quantity: i.quantity,
        sha256: i.sha256,
        size_bytes: i.size_bytes,
        media_type: i.media_type,
        state: i.state.as_str().into(),
        location_id: i.location_id.map(LocationId::into_string),
        holder_id: i.holder_id.map(|h| h.into_string()),
        flagged: i.flagged,
        seized_at: ts(i.seized_at),
        intake_at: ts(i.intake_at),
        last_seq: i.last_seq,
        last_digest: i.last_digest,
    }
}

impl From<ItemSummary> for ItemSummaryView {
    fn from(s: ItemSummary) -> Self {
        summary(s.item, s.case_number, s.case_title)
    }
}

/// One custody event: who, from whom or where, to whom or where, when, why, the seal, the hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct CustodyEventView {
    pub seq: i64,
    /// `intake`, `check_out`, `check_in`, `relocate`, `transfer`, `return`, `dispose`,
    /// `integrity_check`.
    pub kind: String,
    pub at: String,
    pub actor_id: String,
    /// An account id (check-out, check-in) or the receiving agency or owner (transfer,
    /// return).
    pub from_holder: Option<String>,
    pub to_holder: Option<String>,
    pub from_location: Option<String>,
    pub to_location: Option<String>,
    pub place: String,
    pub reason: String,
    pub seal_no: Option<String>,
    pub seal_intact: Option<bool>,
    pub hash_matched: Option<bool>,
    /// Account ids.
    pub witnesses: Vec<String>,
    pub prev_digest: String,
    /// SHA-256 over the event and `prev_digest` (docs/cases.md "Evidence").
    pub digest: String,
}

impl From<CustodyEvent> for CustodyEventView {
    fn from(e: CustodyEvent) -> Self {
        CustodyEventView {
            seq: e.seq,
            kind: e.kind.as_str().into(),
            at: ts(e.at),
            actor_id: e.actor_id,
            from_holder: e.from_holder,
            to_holder: e.to_holder,
            from_location: e.from_location,
            to_location: e.to_location,
            place: e.place,
            reason: e.reason,
            seal_no: e.seal_no,
            seal_intact: e.seal_intact,
            hash_matched: e.hash_matched,
            witnesses: e.witnesses,
            prev_digest: e.prev_digest,
            digest: e.digest,
        }
    }
}

/// The chain's verification, recomputed at every read.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChainView {
    pub intact: bool,
    pub events: i64,
    /// Where it breaks, if it does.
    pub broken_seq: Option<i64>,
    pub problem: Option<String>,
}

/// An item with its location, chain of custody and the chain's verification.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    pub item: ItemSummaryView,
    pub location: Option<LocationView>,
    pub events: Vec<CustodyEventView>,
    pub chain: ChainView,
    /// Account id → display name, for the accounts the chain names.
    pub names: BTreeMap<String, String>,
    /// The case is open: nothing is disposed of (legal hold).
    pub held: bool,
    /// Once the case closed: kept until then (disposal waits for it).
    pub retained_until: Option<String>,
}

impl From<AppItem> for ItemView {
    fn from(v: AppItem) -> Self {
        ItemView {
            item: summary(v.item, v.case_number, v.case_title),
            location: v.location.map(LocationView::from),
            events: v.events.into_iter().map(CustodyEventView::from).collect(),
            chain: ChainView {
                intact: v.chain.intact,
                events: v.chain.events,
                broken_seq: v.chain.broken_seq,
                problem: v.chain.problem,
            },
            names: v.names,
            held: v.held,
            retained_until: v.retained_until.map(ts),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ItemsQuery {
    /// Custodians: one store of their jurisdiction.
    pub org_id: Option<String>,
    /// One case's items.
    pub case_id: Option<String>,
    /// `in_store`, `checked_out`, `transferred`, `returned`, `disposed`.
    pub state: Option<String>,
    pub location_id: Option<String>,
    /// Only flagged items (broken seals, failed integrity checks).
    #[serde(default)]
    pub flagged: bool,
    /// At most this many (1–500, default 200).
    pub limit: Option<i64>,
}

/// Items: a custodian's store, or the cases a handler or legal supervisor sees (or one case),
/// newest intake first.
#[utoipa::path(get, path = "/api/v1/cases/evidence", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(ItemsQuery),
    responses((status = 200, body = Vec<ItemSummaryView>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "`forbidden`, `out_of_scope`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "the case, outside the caller's reach", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn list(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Query(q): Query<ItemsQuery>,
) -> Result<axum::Json<Vec<ItemSummaryView>>, ApiError> {
    let state = q
        .state
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|v| parse_code::<ItemState>("state", v))
        .transpose()?;
    let query = ItemQuery {
        org_id: q.org_id,
        case_id: q.case_id,
        state,
        location_id: q.location_id,
        flagged: q.flagged,
        limit: q.limit.unwrap_or(200),
    };
    let list = s.app.cases().items(&caller.principal, &query, &ctx).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    /// The case's number as the hand-over form gives it.
    pub case_number: String,
    /// The label's barcode (4–40 letters, digits, dashes); generated when not given.
    pub barcode: Option<String>,
    pub seal_no: Option<String>,
    pub description: String,
    pub category: String,
    #[serde(default = "one")]
    pub quantity: i64,
    /// A location of the custodian's store (a secure one for high-risk items).
    pub location_id: String,
    /// RFC 3339.
    pub seized_at: String,
    /// Who handed it over, what the form notes.
    #[serde(default)]
    pub note: String,
}

fn one() -> i64 {
    1
}

/// Take a physical item into the custodian's store (`handle_evidence`).
#[utoipa::path(post, path = "/api/v1/cases/evidence", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    request_body = IntakeRequest,
    responses((status = 201, body = ItemView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`barcode_taken`, `secure_location_required`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`validation_failed` (`case_number.unknown`, `evidence_location.invalid` …)", body = Problem, content_type = "application/problem+json")))]
pub async fn intake(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Json(r): Json<IntakeRequest>,
) -> Result<(StatusCode, axum::Json<ItemView>), ApiError> {
    let n = PhysicalIntake {
        case_number: r.case_number,
        barcode: r.barcode,
        seal_no: r.seal_no,
        description: r.description,
        category: parse_code::<Category>("category", &r.category)?,
        quantity: r.quantity,
        location_id: LocationId::from(r.location_id),
        seized_at: super::time("seized_at", &r.seized_at)?,
        note: r.note,
    };
    let v = s
        .app
        .cases()
        .intake_physical(&caller.principal, n, &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DigitalQuery {
    pub case_number: String,
    /// `digital_data`, `audio_video` or `document`.
    pub category: String,
    pub description: String,
    /// The file's media type, e.g. `video/mp4`.
    pub media_type: Option<String>,
    /// When it was seized or recorded (RFC 3339); the intake time by default.
    pub seized_at: Option<String>,
    pub barcode: Option<String>,
}

/// Take a file in as a digital item (`handle_evidence`): the raw body, at most 64 MiB, stored
/// by its SHA-256. The file name comes URL-encoded in `X-Filename`.
#[utoipa::path(post, path = "/api/v1/cases/evidence/digital", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(DigitalQuery, ("X-Filename" = Option<String>, Header, description = "The file's name, URL-encoded")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, body = ItemView),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`barcode_taken`", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "`media_too_large`, `body_too_large`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn intake_digital(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Query(q): Query<DigitalQuery>,
    req: Request,
) -> Result<(StatusCode, axum::Json<ItemView>), ApiError> {
    let filename = crate::routes::dto::upload_filename(&req);
    let d = DigitalIntake {
        case_number: q.case_number,
        category: parse_code::<Category>("category", &q.category)?,
        description: q.description,
        filename: filename
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
            .take(200)
            .collect(),
        media_type: q.media_type.filter(|t| !t.is_empty()),
        seized_at: q
            .seized_at
            .as_deref()
            .filter(|t| !t.is_empty())
            .map(|t| super::time("seized_at", t))
            .transpose()?,
        barcode: q.barcode,
    };
    let limit = jingwu_app::EVIDENCE_FILE_MAX_BYTES;
    let bytes = crate::extract::read_body(req, &s, "an evidence file", limit).await?;
    let v = s
        .app
        .cases()
        .intake_digital(&caller.principal, d, bytes.to_vec(), &ctx)
        .await?;
    Ok((StatusCode::CREATED, axum::Json(v.into())))
}

/// An item due for its disposition review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewView {
    pub item: ItemSummaryView,
    /// When its retention after the case closed ran out.
    pub due_at: String,
}

impl From<ReviewItem> for ReviewView {
    fn from(r: ReviewItem) -> Self {
        ReviewView {
            due_at: ts(r.due.due_at),
            item: summary(r.item, r.case_number, r.case_title),
        }
    }
}

/// The disposition review (`read_evidence`): items in store whose retention after their case
/// closed has run out, the longest overdue first; held items (open cases) never.
#[utoipa::path(get, path = "/api/v1/cases/evidence/review", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<ReviewView>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn review(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<ReviewView>>, ApiError> {
    let list = s.app.cases().disposition_review(&caller.principal).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

/// The item labelled `barcode` (a scan at the counter), as `GET /api/v1/cases/evidence/{id}`;
/// the view is audited.
#[utoipa::path(get, path = "/api/v1/cases/evidence/barcode/{barcode}", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("barcode" = String, Path, description = "The label's value")),
    responses((status = 200, body = ItemView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn by_barcode(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(barcode): Path<String>,
) -> Result<axum::Json<ItemView>, ApiError> {
    let v = s
        .app
        .cases()
        .item_by_barcode(&caller.principal, &barcode, &ctx)
        .await?;
    Ok(axum::Json(v.into()))
}

/// An item with its chain of custody and the chain's verification (`read_evidence`:
/// custodians of its store, handlers and legal supervisors of its case); the view is audited,
/// and so is a refusal.
#[utoipa::path(get, path = "/api/v1/cases/evidence/{id}", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Item id")),
    responses((status = 200, body = ItemView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn get(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ItemId>,
) -> Result<axum::Json<ItemView>, ApiError> {
    let v = s.app.cases().item(&caller.principal, &id, &ctx).await?;
    Ok(axum::Json(v.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MovementRequest {
    /// `check_out`, `check_in`, `relocate`, `transfer`, `return`, `dispose`,
    /// `integrity_check` (a file's hash re-checked now).
    pub kind: String,
    /// The item's `last_seq` as the custodian saw it: a movement after a newer event is
    /// refused (409 `evidence_state`).
    pub expected_seq: Option<i64>,
    /// Check-out: the username of the handler (of the case's unit) taking it.
    pub holder: Option<String>,
    /// Transfer: the receiving agency; return: the owner.
    pub recipient: Option<String>,
    /// Return while the case is open: the victim (a party of the case) it goes back to.
    pub party_id: Option<String>,
    /// Check-in, relocate: a location of the item's store.
    pub location_id: Option<String>,
    /// Where it happened or went (a court, a laboratory; how it was disposed of).
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub reason: String,
    /// Check-in: the seal's number (the new one when the old is broken).
    pub seal_no: Option<String>,
    /// Check-in: whether the seal is intact.
    pub seal_intact: Option<bool>,
    /// Usernames of the witnesses (two other than the custodian for disposing of or returning
    /// a high-risk item).
    #[serde(default)]
    pub witnesses: Vec<String>,
}

/// Move an item (`handle_evidence`, the custodians of its store): one custody event appended
/// to its chain. Handlers and legal supervisors may read items, never move them.
#[utoipa::path(post, path = "/api/v1/cases/evidence/{id}/movements", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Item id")),
    request_body = MovementRequest,
    responses((status = 200, body = ItemView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`evidence_state`, `legal_hold`, `secure_location_required`, `seal_mismatch`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`witnesses_required`, `validation_failed`", body = Problem, content_type = "application/problem+json")))]
pub async fn movement(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ItemId>,
    Json(r): Json<MovementRequest>,
) -> Result<axum::Json<ItemView>, ApiError> {
    let input = MovementInput {
        kind: Some(parse_code::<MovementKind>("kind", &r.kind)?),
        expected_seq: r.expected_seq,
        holder: r.holder,
        recipient: r.recipient,
        party_id: r.party_id,
        location_id: r.location_id,
        place: r.place,
        reason: r.reason,
        seal_no: r.seal_no,
        seal_intact: r.seal_intact,
        witnesses: r.witnesses,
    };
    let v = s
        .app
        .cases()
        .move_item(&caller.principal, &id, input, &ctx)
        .await?;
    Ok(axum::Json(v.into()))
}

/// A digital item's bytes, re-hashed on every access (`read_evidence`). A mismatch is never
/// served: 409 `integrity_failed`, the item flagged and the failed check appended to its
/// chain. The view is audited.
#[utoipa::path(get, path = "/api/v1/cases/evidence/{id}/content", tag = "cases", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Item id")),
    responses((status = 200, description = "the file", content_type = "application/octet-stream", body = Vec<u8>),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`integrity_failed`, `evidence_state`", body = Problem, content_type = "application/problem+json")))]
pub async fn content(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<ItemId>,
) -> Result<Response, ApiError> {
    let (item, data) = s
        .app
        .cases()
        .item_content(&caller.principal, &id, &ctx)
        .await?;
    let mut resp = data.into_response();
    let h = resp.headers_mut();
    let media = item
        .media_type
        .as_deref()
        .unwrap_or("application/octet-stream");
    if let Ok(v) = HeaderValue::from_str(media) {
        h.insert(header::CONTENT_TYPE, v);
    }
    if let Some(sha) = &item.sha256
        && let Ok(v) = HeaderValue::from_str(&format!("\"{sha}\""))
    {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(resp)
}
