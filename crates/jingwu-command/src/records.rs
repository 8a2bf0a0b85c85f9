//! The 110 system's records as the store keeps them and the use cases pass them on. The
//! store decodes its rows into these (the text codes into this crate's enums); nothing here
//! knows SQL.

use jingwu_core::{
    AlertId, EventId, FeatureId, IncidentId, KeySiteId, LayerCategoryId, LayerId, OrgId,
    StatusChangeId, UnitId, UploadId, UserId,
};

use crate::incident::{AssignmentStatus, EventKind, IncidentStatus};
use crate::taxonomy::{Category, Priority, Source, Subcategory};
use crate::unit::{TravelMode, UnitKind, UnitStatus};

#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    pub incident_id: IncidentId,
    pub unit_id: UnitId,
    pub status: AssignmentStatus,
    pub eta_secs: Option<i64>,
    pub dispatched_at: i64,
    pub acknowledged_at: Option<i64>,
    pub en_route_at: Option<i64>,
    pub on_scene_at: Option<i64>,
    pub cleared_at: Option<i64>,
    /// 1 for a unit's first dispatch to the incident, 2 when it is sent again after being
    /// withdrawn, …; earlier attempts stay as history.
    pub attempt: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Incident {
    pub id: IncidentId,
    pub number: String,
    pub org_id: OrgId,
    pub category: Category,
    pub subcategory: Subcategory,
    pub priority: Priority,
    pub source: Source,
    pub caller_name: String,
    pub caller_phone: String,
    pub lat: f64,
    pub lon: f64,
    pub address: String,
    pub description: String,
    pub status: IncidentStatus,
    pub duplicate_of: Option<IncidentId>,
    pub created_by: UserId,
    pub created_at: i64,
    pub dispatched_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub en_route_at: Option<i64>,
    pub on_scene_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub result_code: Option<String>,
    pub result_text: Option<String>,
    /// The command room it was handed over from while the receiving room has not signed for
    /// it yet (签收); `None` once signed for, or never handed over.
    pub handover_from: Option<OrgId>,
    /// When that hand-over happened (µs), while it waits for the sign-for.
    pub handover_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScopedIncident {
    pub incident: Incident,
    pub org_path: String,
    /// Path of the room it was handed over from, while the hand-over awaits its sign-for.
    pub handover_from_path: Option<String>,
}

/// The incident timestamps kept as columns (every event is also on the timeline).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    Dispatched,
    Acknowledged,
    EnRoute,
    OnScene,
    Closed,
}

#[derive(Debug, Clone, PartialEq)]
pub struct KeySite {
    pub id: KeySiteId,
    pub org_id: OrgId,
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub lat: f64,
    pub lon: f64,
    pub target_secs: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerCategory {
    pub id: LayerCategoryId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub sort: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layer {
    pub id: LayerId,
    pub category_id: LayerCategoryId,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub owner_org_id: OrgId,
    pub kind: LayerKind,
    /// JSON array of role codes.
    pub read_roles: String,
    pub scoped: bool,
    pub created_at: i64,
}

/// A layer with its owner's path and its feature count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerRow {
    pub layer: Layer,
    pub owner_path: String,
    pub features: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub id: FeatureId,
    pub layer_id: LayerId,
    pub org_id: OrgId,
    pub external_id: String,
    /// GeoJSON geometry object as text.
    pub geometry: String,
    /// JSON object as text.
    pub properties: String,
    /// (min_lat, min_lon, max_lat, max_lon).
    pub bbox: (f64, f64, f64, f64),
    pub updated_at: i64,
}

/// A sample of an org unit's 1/3/5-minute road coverage (see [`crate::coverage_history`]).
#[derive(Debug, Clone, PartialEq)]
pub struct CoverageSample {
    pub org_id: OrgId,
    /// The sampling slot's start.
    pub at_us: i64,
    /// Shares of the area's road length reached within 60, 180 and 300 s.
    pub shares: [f64; 3],
    pub units_counted: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CoverageAlert {
    pub id: AlertId,
    pub org_id: OrgId,
    pub limit_secs: i64,
    pub road_share: f64,
    pub cell_share: f64,
    pub target: f64,
    /// JSON move-up suggestion.
    pub suggestion: String,
    pub raised_at: i64,
    pub resolved_at: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub incident_id: IncidentId,
    pub sha256: String,
    pub upload_id: UploadId,
    pub kind: MediaKind,
    pub added_by: UserId,
    pub added_at: i64,
}

/// An incident's media with what the upload declared, oldest first.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentMedia {
    pub link: Link,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    pub unit_id: UnitId,
    pub at: i64,
    pub lat: f64,
    pub lon: f64,
    pub speed_kmh: Option<f64>,
    pub heading: Option<f64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Site {
    pub org_id: OrgId,
    pub lat: f64,
    pub lon: f64,
    pub address: String,
    pub area_geojson: Option<String>,
}

/// One incident as statistics see it.
#[derive(Debug, Clone, PartialEq)]
pub struct StatsRow {
    pub id: IncidentId,
    pub org_id: OrgId,
    pub category: Category,
    pub subcategory: Subcategory,
    pub priority: Priority,
    pub status: IncidentStatus,
    pub created_at: i64,
    pub dispatched_at: Option<i64>,
    pub acknowledged_at: Option<i64>,
    pub en_route_at: Option<i64>,
    pub on_scene_at: Option<i64>,
    pub closed_at: Option<i64>,
    pub result_code: Option<String>,
    pub result_text: Option<String>,
    pub scene_photos: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TerminalMessage {
    pub unit_id: UnitId,
    pub seq: i64,
    pub at: i64,
    pub kind: MessageKind,
    pub body: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: EventId,
    pub incident_id: IncidentId,
    pub at: i64,
    pub kind: EventKind,
    pub actor_id: UserId,
    pub unit_id: Option<UnitId>,
    /// JSON object.
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Unit {
    pub id: UnitId,
    pub call_sign: String,
    pub kind: UnitKind,
    pub org_id: OrgId,
    pub status: UnitStatus,
    pub status_since: i64,
    pub incident_id: Option<IncidentId>,
    /// Usernames of the crew (stored as a JSON array).
    pub crew: Vec<String>,
    pub travel_mode: TravelMode,
    /// Equipment codes carried (free codes such as `shield`, `defibrillator`; a JSON array).
    pub equipment: Vec<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub position_at: Option<i64>,
    pub created_at: i64,
}

impl Unit {
    /// Whether the unit is assigned to incident `incident_id`.
    pub fn is_on(&self, incident_id: &IncidentId) -> bool {
        self.incident_id.as_ref().is_some_and(|i| i == incident_id)
    }
}

/// A unit with its org's path (its scope).
#[derive(Debug, Clone, PartialEq)]
pub struct ScopedUnit {
    pub unit: Unit,
    pub org_path: String,
}

/// One entry of a unit's status history.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusChange {
    pub id: StatusChangeId,
    pub unit_id: UnitId,
    pub from_status: UnitStatus,
    pub to_status: UnitStatus,
    pub at: i64,
    pub actor_id: UserId,
    pub incident_id: Option<IncidentId>,
    pub reason: String,
}

jingwu_core::text_enum! {
    /// Where an information layer's features come from (`layers.kind`).
    pub enum LayerKind: "layer kind" {
        /// Loaded from a file (GeoJSON, CSV).
        Imported = "imported" ("导入", "Imported"),
        /// Pushed by another system through the API.
        Pushed = "pushed" ("推送", "Pushed"),
        /// Fed by the platform itself (units, incidents); never imported or pushed to.
        Live = "live" ("实时", "Live"),
    }
}

jingwu_core::text_enum! {
    /// What kind of scene media a link shows (`incident_media.kind`).
    pub enum MediaKind: "media kind" {
        Photo = "photo" ("照片", "Photo"),
        Video = "video" ("视频", "Video"),
    }
}

jingwu_core::text_enum! {
    /// What a message in a unit's terminal log is (`terminal_messages.kind`).
    pub enum MessageKind: "terminal message kind" {
        /// A new assignment (派警指令).
        Assignment = "assignment" ("派警指令", "Assignment"),
        /// The unit's incident was merged into another; it now serves that one.
        Reassigned = "reassigned" ("改派", "Reassigned"),
        /// The unit was withdrawn from its incident (cancelled, or diverted: a divert is this
        /// message followed by the new `assignment`).
        Cancelled = "cancelled" ("撤回指令", "Cancelled"),
        /// What the crew should know changed: location, address, category, priority, a note.
        IncidentUpdated = "incident_updated" ("警情更新", "Incident updated"),
        /// The incident the unit served was closed by the command room.
        IncidentClosed = "incident_closed" ("警情办结", "Incident closed"),
    }
}

/// A post (巡逻岗亭/警务站): a named position under a station that its units return to.
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    pub id: String,
    /// The station (or bureau) it belongs to.
    pub org_id: OrgId,
    pub name: String,
    pub lat: f64,
    pub lon: f64,
    pub created_at: i64,
}

/// One shift of a unit's duty roster: on duty in `[starts_at, ends_at)` with `crew`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    pub id: String,
    pub unit_id: UnitId,
    pub starts_at: i64,
    pub ends_at: i64,
    /// Usernames on duty in the unit during the shift (empty: the unit's crew stays).
    pub crew: Vec<String>,
    pub created_at: i64,
}

/// A unit's standing data that only setting up changes: its post and whether it is retired.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct UnitSetup {
    pub post_id: Option<String>,
    pub retired_at: Option<i64>,
}
