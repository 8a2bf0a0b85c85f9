//! Jingwu's pure vocabulary: who acts ([`Principal`], [`Role`]), where ([`OrgKind`], jurisdiction
//! paths), whether they may ([`authorize`], grouped by [`System`]), when ([`Clock`]), what things
//! are called ([`text_enum!`] with zh-CN/English labels, id newtypes such as [`IncidentId`]) and
//! how far apart they are ([`geo::haversine_m`]). No I/O, no async.

mod authz;
pub mod calendar;
mod clock;
pub mod geo;
mod ids;
mod org;
pub mod privacy;
pub mod problem_codes;
pub mod records;
mod role;
mod text_enum;

pub use authz::{Action, Denied, Scope, System, authorize, role_may};
pub use clock::{Clock, ManualClock, SystemClock, micros_to_timestamp, timestamp_to_micros};
pub use ids::{
    AlertId, EventId, FeatureId, IncidentId, KeySiteId, LayerCategoryId, LayerId, OrgId,
    StatusChangeId, UnitId, UploadId, UserId, new_id,
};
pub use org::{OrgKind, path_contains};
pub use role::Role;
pub use text_enum::{TextEnum, UnknownCode};

/// The authenticated caller of a use case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: String,
    pub username: String,
    pub role: Role,
    pub org_id: String,
    /// Materialized path of the caller's org unit, e.g. `/3302/330203/33020301/`.
    pub org_path: String,
}

impl Principal {
    /// The operator running `jingwu` on the server itself (CLI commands, demo seeding).
    /// It acts at the root of the tree; its audit entries name it as `system`.
    pub fn system(root_org_id: &str, root_path: &str) -> Self {
        Principal {
            user_id: "system".into(),
            username: "system".into(),
            role: Role::Admin,
            org_id: root_org_id.into(),
            org_path: root_path.into(),
        }
    }
}
