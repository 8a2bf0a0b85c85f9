use std::borrow::Cow;

use jingwu_command::incident::IncidentStatus;
use jingwu_command::plans::Agency;
use jingwu_command::taxonomy::{Category, Priority, Source, Subcategory};
use jingwu_command::unit::{FitLevel, Tier, TravelMode, UnitKind, UnitStatus};
use jingwu_core::OrgKind;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::schema::{ObjectBuilder, Schema, SchemaType, Type};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};

use crate::problem::{FIELD_REGISTRIES, FieldProblem, PROBLEM_REGISTRIES, Problem};
use crate::routes::terminal::protocol::{TerminalClientMessage, TerminalServerMessage};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Jingwu API",
        description = "Jingwu (警务) public-security platform. Errors are RFC 9457 problem+json with a stable `code`; \
                       every code, its status and its zh-CN/English titles are listed in `x-error-codes`. \
                       Authenticate with `Authorization: Bearer <token>` from `POST /api/v1/auth/login`, or the `jingwu_session` cookie.",
        license(name = "Apache-2.0")
    ),
    components(schemas(Problem, FieldProblem, ProblemCodeSchema, FieldCodeSchema, TerminalClientMessage, TerminalServerMessage)),
    modifiers(&Security, &ErrorCodes),
    tags(
        (name = "system", description = "Health, readiness and metrics"),
        (name = "auth", description = "Sessions"),
        (name = "orgs", description = "Jurisdiction tree: city, district/county bureaus, stations"),
        (name = "users", description = "Accounts"),
        (name = "audit", description = "Tamper-evident audit log"),
        (name = "validate", description = "Identifier validators"),
        (name = "command", description = "110 linked command: incidents, units, dispatch, AVL, terminals, code lists"),
        (name = "media", description = "Scene photos and video: resumable chunked upload (SHA-256 verified), content-addressed download"),
        (name = "layers", description = "Information layers of the command map: registry, imports, pushes, features"),
        (name = "terminal", description = "Mobile terminal protocol over WebSocket (schemas TerminalClientMessage, TerminalServerMessage)"),
        (name = "hazmat", description = "Smart fire and hazmat response: registries, weather, threat zones, the 1335 response, CAP 1.2 alerts"),
        (name = "cases", description = "Three-in-one law enforcement: cases, the handling area with legal clocks, evidence with an append-only chain of custody, inventories"),
        (name = "permits", description = "The approval window: catalogue, offices and slots, appointments that are never overbooked, the window queue, online applications, statistics"),
        (name = "traffic", description = "Traffic-police online services: citizens, licences and vehicles, violations and points, point-reduction study, fines paid online"),
        (name = "payments", description = "The shared payment service: orders, signed channel notifications, the built-in sandbox channel"),
    )
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(
                crate::extract::SESSION_COOKIE,
            ))),
        );
    }
}

/// `x-error-codes`: the registry as a table (code → status and titles), so clients can show a
/// localized message for every code without a copy of the server's sources.
struct ErrorCodes;

impl Modify for ErrorCodes {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let problems: serde_json::Map<String, serde_json::Value> = PROBLEM_REGISTRIES
            .iter()
            .flat_map(|r| r.iter())
            .map(|p| {
                let entry = serde_json::json!({
                    "status": p.status, "title_en": p.title_en, "title_zh": p.title_zh,
                });
                (p.code.to_string(), entry)
            })
            .collect();
        let fields: serde_json::Map<String, serde_json::Value> = FIELD_REGISTRIES
            .iter()
            .flat_map(|r| r.iter())
            .map(|f| {
                let entry = serde_json::json!({"title_en": f.title_en, "title_zh": f.title_zh});
                (f.code.to_string(), entry)
            })
            .collect();
        let ext = ExtensionsBuilder::new()
            .add("x-error-codes", problems)
            .add("x-field-error-codes", fields)
            .build();
        match &mut doc.extensions {
            Some(e) => e.merge(ext),
            None => doc.extensions = Some(ext),
        }
    }
}

/// A string schema listing codes, named so that fields can refer to it.
fn code_enum(description: &str, codes: impl IntoIterator<Item = &'static str>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(codes))
        .description(Some(description))
        .into()
}

/// Schema-only types for codes defined in the pure crates (which know nothing of OpenAPI):
/// the enum values come from the Rust definitions, so the document cannot drift from them.
macro_rules! code_schema {
    ($(#[$m:meta])* $ty:ident = $name:literal, $desc:literal, $codes:expr) => {
        $(#[$m])*
        pub struct $ty;
        impl utoipa::PartialSchema for $ty {
            fn schema() -> RefOr<Schema> {
                code_enum($desc, $codes)
            }
        }
        impl utoipa::ToSchema for $ty {
            fn name() -> Cow<'static, str> {
                Cow::Borrowed($name)
            }
        }
    };
}

code_schema!(
    ProblemCodeSchema = "ProblemCode",
    "A registered problem code (see `x-error-codes`).",
    PROBLEM_REGISTRIES
        .iter()
        .flat_map(|r| r.iter())
        .map(|p| p.code)
);
code_schema!(
    /// `errors[].code`: a field code, or the problem code that names a field.
    FieldCodeSchema = "FieldCode",
    "A registered per-field reason code (see `x-field-error-codes`), or the problem code that names the field (`invalid_field`, `invalid_query`, `missing_header` …).",
    FIELD_REGISTRIES.iter().flat_map(|r| r.iter()).map(|f| f.code)
        .chain(PROBLEM_REGISTRIES.iter().flat_map(|r| r.iter()).map(|p| p.code)));
code_schema!(
    StatsGroupBySchema = "StatsGroupBy",
    "How incident statistics are grouped (`day` and `week`, Monday to Sunday, in China Standard Time; `district`: the district bureau above the owning station).",
    ["station", "category", "priority", "day", "week", "district"]
);
code_schema!(
    CategorySchema = "Category",
    "Incident category (警情类别).",
    Category::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    SubcategorySchema = "Subcategory",
    "Incident sub-category; it must belong to the category (see `GET /api/v1/command/taxonomy`).",
    Subcategory::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    PrioritySchema = "Priority",
    "`p1` (most urgent) to `p4`.",
    Priority::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    SourceSchema = "Source",
    "How the incident reached the command room.",
    Source::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    IncidentStatusSchema = "IncidentStatus",
    "Incident life cycle.",
    IncidentStatus::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    UnitStatusSchema = "UnitStatus",
    "Unit status (the status machine of `jingwu-command`).",
    UnitStatus::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    UnitKindSchema = "UnitKind",
    "Kind of unit.",
    UnitKind::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    TravelModeSchema = "TravelMode",
    "How a unit travels on the road network (its speeds and the roads it may use).",
    TravelMode::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    FitLevelSchema = "FitLevel",
    "How well a unit's kind suits the incident.",
    FitLevel::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    AgencySchema = "Agency",
    "A linked agency a response plan asks to notify (联动单位).",
    Agency::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    TierSchema = "Tier",
    "Force tier (sets the 1/3/5-minute target).",
    Tier::ALL.iter().map(|c| c.as_str())
);
code_schema!(
    OrgKindSchema = "OrgUnitKind",
    "Tier of the jurisdiction tree.",
    [OrgKind::City, OrgKind::District, OrgKind::Station].map(OrgKind::as_str)
);

fn problem_response(description: &str) -> RefOr<utoipa::openapi::Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/problem+json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .into()
}

/// Adds the problem responses that follow from an operation's shape, so no route can forget
/// them: 401 on signed-in routes, the body's 400/413/415/422, the query's 400 and the path's
/// 404. Responses a route declares itself (with route-specific codes) are kept.
pub fn finish(mut doc: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    for item in doc.paths.paths.values_mut() {
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            add_shape_responses(op);
        }
    }
    doc
}

/// Operations every signed-in caller may use (no role check, so no 403); every other signed-in
/// route authorizes by role.
const EVERY_SIGNED_IN_CALLER: &[&str] = &["me", "logout", "validate"];

fn add_shape_responses(op: &mut Operation) {
    let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let params = op.parameters.as_deref().unwrap_or_default();
    let has_query = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let has_path = params
        .iter()
        .any(|p| matches!(p.parameter_in, ParameterIn::Path));
    // A string path segment always parses; a typed one (an offset) can be refused.
    let typed_path = params.iter().any(|p| {
        matches!(p.parameter_in, ParameterIn::Path)
            && !matches!(&p.schema, Some(RefOr::T(Schema::Object(o)))
                if o.schema_type == SchemaType::Type(Type::String))
    });
    let json_body = op
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.keys().any(|c| c.ends_with("json")));
    let has_body = op.request_body.is_some();
    let mut add = |status: &str, description: &str| {
        op.responses
            .responses
            .entry(status.to_string())
            .or_insert_with(|| problem_response(description));
    };
    if secured {
        add(
            "401",
            "`unauthenticated`: no valid session or bearer token.",
        );
        if !op
            .operation_id
            .as_deref()
            .is_some_and(|id| EVERY_SIGNED_IN_CALLER.contains(&id))
        {
            add(
                "403",
                "`forbidden` (the role may not) or `out_of_scope` (a named scope outside the caller's jurisdiction).",
            );
        }
    }
    match (json_body, has_query || typed_path) {
        (true, _) => add(
            "400",
            "`malformed_json`, `unreadable_body` or a bad query/path parameter (`invalid_query`, `invalid_path`).",
        ),
        (false, true) => add(
            "400",
            "`invalid_query` or `invalid_path`, naming the parameter.",
        ),
        (false, false) => {}
    }
    if has_body {
        add("413", "`body_too_large`.");
        add("415", "`unsupported_media_type`.");
    }
    if json_body {
        add(
            "422",
            "`invalid_field` (wrong type, unknown enum value, missing or unknown field) or `validation_failed` (per-field codes).",
        );
    }
    if has_path && secured {
        add(
            "404",
            "`not_found`: no such object in the caller's jurisdiction (its existence is not revealed).",
        );
    }
}
