//! The catalogue over HTTP: code lists, items (public; administrators change them) and the
//! working-day calendar.

use std::sync::LazyLock;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use jingwu_permits::applications::ApplicationStatus;
use jingwu_permits::booking::{AppointmentStatus, Channel};
use jingwu_permits::catalogue::{Department, Field, FieldKind, Item, Material, PaperForm};
use jingwu_permits::queue::{Priority, TicketState};
use jingwu_permits::workdays::{DayKind, Holiday};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::extract::{Caller, Ctx, Json};
use crate::routes::command::codes::CodeList;
use crate::routes::hazmat::codes::{Code, list};
use crate::{ApiError, AppState, Problem};

/// Every code list of the approval window.
#[derive(Debug, Serialize, ToSchema)]
pub struct PermitCodes {
    pub departments: Vec<Code>,
    pub appointment_statuses: Vec<Code>,
    pub application_statuses: Vec<Code>,
    pub ticket_states: Vec<Code>,
    pub priorities: Vec<Code>,
    pub channels: Vec<Code>,
    pub day_kinds: Vec<Code>,
}

static CODES: LazyLock<CodeList> = LazyLock::new(|| {
    CodeList::new(&PermitCodes {
        departments: list::<Department>(),
        appointment_statuses: list::<AppointmentStatus>(),
        application_statuses: list::<ApplicationStatus>(),
        ticket_states: list::<TicketState>(),
        priorities: list::<Priority>(),
        channels: list::<Channel>(),
        day_kinds: list::<DayKind>(),
    })
});

/// The approval window's code lists (labels in Chinese and English). Revalidate with
/// `If-None-Match`.
#[utoipa::path(get, path = "/api/v1/permits/codes", tag = "permits",
    responses(
        (status = 200, body = PermitCodes, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "not modified (If-None-Match)"),
    ))]
pub async fn codes(headers: HeaderMap) -> Response {
    CODES.respond(&headers)
}

/// A field of the online form.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldView {
    pub key: String,
    pub zh: String,
    pub en: String,
    /// `text`, `resident_id`, `mobile`, `date` or `choice`.
    pub kind: String,
    /// Longest text (text fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<u16>,
    /// The options (choice fields).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<ChoiceView>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChoiceView {
    pub code: String,
    pub zh: String,
    pub en: String,
}

impl From<&Field> for FieldView {
    fn from(f: &Field) -> Self {
        let (kind, max, options) = match &f.kind {
            FieldKind::Text { max } => ("text", Some(*max), None),
            FieldKind::ResidentId => ("resident_id", None, None),
            FieldKind::Mobile => ("mobile", None, None),
            FieldKind::Date => ("date", None, None),
            FieldKind::Choice { options } => (
                "choice",
                None,
                Some(
                    options
                        .iter()
                        .map(|o| ChoiceView {
                            code: o.code.clone(),
                            zh: o.zh.clone(),
                            en: o.en.clone(),
                        })
                        .collect(),
                ),
            ),
        };
        FieldView {
            key: f.key.clone(),
            zh: f.zh.clone(),
            en: f.en.clone(),
            kind: kind.into(),
            max,
            options,
        }
    }
}

impl FieldView {
    fn into_field(self) -> Result<Field, ApiError> {
        let bad = |why: &str| {
            ApiError::from(jingwu_app::AppError::invalid(
                &format!("forms.{}", self.key),
                jingwu_permits::error_codes::field::FORM.code,
                why,
            ))
        };
        let kind = match self.kind.as_str() {
            "text" => FieldKind::Text {
                max: self
                    .max
                    .filter(|m| (1..=2000).contains(m))
                    .ok_or_else(|| bad("a text field has max 1 to 2000"))?,
            },
            "resident_id" => FieldKind::ResidentId,
            "mobile" => FieldKind::Mobile,
            "date" => FieldKind::Date,
            "choice" => FieldKind::Choice {
                options: self
                    .options
                    .clone()
                    .filter(|o| !o.is_empty())
                    .ok_or_else(|| bad("a choice field lists its options"))?
                    .into_iter()
                    .map(|o| jingwu_permits::catalogue::Choice {
                        code: o.code,
                        zh: o.zh,
                        en: o.en,
                    })
                    .collect(),
            },
            _ => return Err(bad("kind is text, resident_id, mobile, date or choice")),
        };
        Ok(Field {
            key: self.key,
            zh: self.zh,
            en: self.en,
            kind,
        })
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaterialView {
    pub code: String,
    pub zh: String,
    pub en: String,
    pub required: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FormView {
    pub zh: String,
    pub en: String,
    pub fields: Vec<FieldView>,
}

/// An approval item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ItemView {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// `GET /api/v1/permits/codes`, `departments`.
    pub department: String,
    pub legal_basis: String,
    pub materials: Vec<MaterialView>,
    pub fee_fen: i64,
    /// Statutory time limit in working days from acceptance.
    pub time_limit_days: u16,
    pub online: bool,
    pub appointment: bool,
    pub self_service: bool,
    pub mailed: bool,
    pub refund_on_reject: bool,
    /// Letter of its queue tickets.
    pub prefix: String,
    /// The paper forms the window prints.
    pub forms: Vec<FormView>,
    /// The online form: every field of the paper forms, once.
    pub fields: Vec<FieldView>,
    pub retired: bool,
}

impl From<Item> for ItemView {
    fn from(i: Item) -> Self {
        ItemView {
            fields: i.online_fields().into_iter().map(FieldView::from).collect(),
            code: i.code,
            name_zh: i.name_zh,
            name_en: i.name_en,
            department: i.department.as_str().into(),
            legal_basis: i.legal_basis,
            materials: i
                .materials
                .into_iter()
                .map(|m| MaterialView {
                    code: m.code,
                    zh: m.zh,
                    en: m.en,
                    required: m.required,
                })
                .collect(),
            fee_fen: i.fee.0,
            time_limit_days: i.time_limit_days,
            online: i.online,
            appointment: i.appointment,
            self_service: i.self_service,
            mailed: i.mailed,
            refund_on_reject: i.refund_on_reject,
            prefix: i.prefix.to_string(),
            forms: i
                .forms
                .iter()
                .map(|p| FormView {
                    zh: p.zh.clone(),
                    en: p.en.clone(),
                    fields: p.fields.iter().map(FieldView::from).collect(),
                })
                .collect(),
            retired: i.retired,
        }
    }
}

/// The catalogue (items in force), by code. Public.
#[utoipa::path(get, path = "/api/v1/permits/items", tag = "permits",
    responses((status = 200, body = Vec<ItemView>)))]
pub async fn items(State(s): State<AppState>) -> Result<axum::Json<Vec<ItemView>>, ApiError> {
    let items = s.app.permits().portal_items().await?;
    Ok(axum::Json(items.into_iter().map(ItemView::from).collect()))
}

/// One item with its materials and forms. Public.
#[utoipa::path(get, path = "/api/v1/permits/items/{code}", tag = "permits",
    params(("code" = String, Path, description = "Item code")),
    responses((status = 200, body = ItemView),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn item(
    State(s): State<AppState>,
    Path(code): Path<String>,
) -> Result<axum::Json<ItemView>, ApiError> {
    Ok(axum::Json(s.app.permits().item(&code).await?.into()))
}

/// An item as administrators define it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemRequest {
    pub name_zh: String,
    #[serde(default)]
    pub name_en: String,
    #[schema(value_type = String)]
    pub department: Department,
    #[serde(default)]
    pub legal_basis: String,
    pub materials: Vec<MaterialView>,
    pub fee_fen: i64,
    pub time_limit_days: u16,
    pub online: bool,
    pub appointment: bool,
    #[serde(default)]
    pub self_service: bool,
    #[serde(default)]
    pub mailed: bool,
    #[serde(default)]
    pub refund_on_reject: bool,
    /// One capital letter.
    pub prefix: String,
    pub forms: Vec<FormView>,
    #[serde(default)]
    pub retired: bool,
}

/// Add or change an item of the catalogue (administrators of the bureau).
#[utoipa::path(put, path = "/api/v1/permits/items/{code}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("code" = String, Path, description = "Item code (CRJ-001)")),
    request_body = ItemRequest,
    responses((status = 200, body = ItemView),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_item(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(code): Path<String>,
    Json(r): Json<ItemRequest>,
) -> Result<axum::Json<ItemView>, ApiError> {
    let mut prefix = r.prefix.chars();
    let item = Item {
        code,
        name_zh: r.name_zh,
        name_en: r.name_en,
        department: r.department,
        legal_basis: r.legal_basis,
        materials: r
            .materials
            .into_iter()
            .map(|m| Material {
                code: m.code,
                zh: m.zh,
                en: m.en,
                required: m.required,
            })
            .collect(),
        fee: jingwu_payments::Fen(r.fee_fen),
        time_limit_days: r.time_limit_days,
        online: r.online,
        appointment: r.appointment,
        self_service: r.self_service,
        mailed: r.mailed,
        refund_on_reject: r.refund_on_reject,
        // More than one character is refused by the item's check (a blank is not a capital).
        prefix: match (prefix.next(), prefix.next()) {
            (Some(c), None) => c,
            _ => ' ',
        },
        forms: r
            .forms
            .into_iter()
            .map(|p| {
                Ok(PaperForm {
                    zh: p.zh,
                    en: p.en,
                    fields: p
                        .fields
                        .into_iter()
                        .map(FieldView::into_field)
                        .collect::<Result<_, ApiError>>()?,
                })
            })
            .collect::<Result<_, ApiError>>()?,
        retired: r.retired,
    };
    let saved = s
        .app
        .permits()
        .put_item(&caller.principal, &item, &ctx)
        .await?;
    Ok(axum::Json(saved.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayView {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// `holiday` (off) or `workday` (a make-up working day).
    pub kind: String,
    pub name: String,
}

/// Public holidays and make-up working days (the working-day calendar of statutory time
/// limits and office plans). Public.
#[utoipa::path(get, path = "/api/v1/permits/holidays", tag = "permits",
    responses((status = 200, body = Vec<HolidayView>)))]
pub async fn holidays(State(s): State<AppState>) -> Result<axum::Json<Vec<HolidayView>>, ApiError> {
    let list = s.app.permits().holidays().await?;
    Ok(axum::Json(
        list.into_iter()
            .map(|h| HolidayView {
                date: h.date.to_string(),
                kind: h.kind.as_str().into(),
                name: h.name,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidayRequest {
    #[schema(value_type = String)]
    pub kind: DayKind,
    pub name: String,
}

/// Record a holiday or a make-up working day (administrators of the bureau).
#[utoipa::path(put, path = "/api/v1/permits/holidays/{date}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("date" = String, Path, description = "YYYY-MM-DD")),
    request_body = HolidayRequest,
    responses((status = 204, description = "recorded"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn put_holiday(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(date): Path<String>,
    Json(r): Json<HolidayRequest>,
) -> Result<StatusCode, ApiError> {
    let date = super::date("date", &date)?;
    let h = Holiday {
        date,
        kind: r.kind,
        name: r.name.trim().to_owned(),
    };
    s.app
        .permits()
        .set_holiday(&caller.principal, date, Some(&h), &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove the holiday or make-up working day of a date.
#[utoipa::path(delete, path = "/api/v1/permits/holidays/{date}", tag = "permits", security(("bearer" = []), ("cookie" = [])),
    params(("date" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204, description = "removed"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
pub async fn delete_holiday(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(date): Path<String>,
) -> Result<StatusCode, ApiError> {
    let date = super::date("date", &date)?;
    s.app
        .permits()
        .set_holiday(&caller.principal, date, None, &ctx)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
