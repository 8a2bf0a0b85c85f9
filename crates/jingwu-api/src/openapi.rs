use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::problem::{FieldProblem, Problem};
use crate::terminal::protocol::{TerminalClientMessage, TerminalServerMessage};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Jingwu API",
        description = "Jingwu (警务) public-security platform. Errors are RFC 9457 problem+json with a stable `code`. \
                       Authenticate with `Authorization: Bearer <token>` from `POST /api/v1/auth/login`, or the `jingwu_session` cookie.",
        license(name = "Apache-2.0")
    ),
    components(schemas(Problem, FieldProblem, TerminalClientMessage, TerminalServerMessage)),
    modifiers(&Security),
    tags(
        (name = "system", description = "Health, readiness and metrics"),
        (name = "auth", description = "Sessions"),
        (name = "orgs", description = "Jurisdiction tree: city, district/county bureaus, stations"),
        (name = "users", description = "Accounts"),
        (name = "audit", description = "Tamper-evident audit log"),
        (name = "validate", description = "Identifier validators"),
        (name = "command", description = "110 linked command: incidents, units, dispatch, AVL, terminals"),
        (name = "media", description = "Scene photos and video: resumable chunked upload (SHA-256 verified), content-addressed download"),
        (name = "layers", description = "Information layers of the command map: registry, imports, pushes, features"),
        (name = "terminal", description = "Mobile terminal protocol over WebSocket (schemas TerminalClientMessage, TerminalServerMessage)"),
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
