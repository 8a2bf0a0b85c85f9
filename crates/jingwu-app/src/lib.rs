//! Jingwu's use cases. Each one authorizes the caller, loads what it needs, decides, and
//! writes the new state together with its audit entry in one [`jingwu_store::WriteTx`].
//! Nothing else writes to the store, so no change escapes the audit.

mod accounts;
mod audit_log;
mod auth;
mod command;
mod demo;
mod demo_activity;
mod demo_command;
mod demo_layers;
mod error;
mod layers;
mod orgs;
mod roads;
mod validate;

use std::sync::Arc;

use jingwu_core::{Clock, Principal, timestamp_to_micros};
use jingwu_store::Store;

pub use accounts::{NewUser, UserView};
pub use audit_log::AuditPage;
pub use auth::{LoginOutcome, PasswordCost, SessionClient, hash_password};
pub use command::{
    AreaFigures, COVERAGE_LIMITS_S, CoverageAlertView, CoveragePolicy, CoverageView, LimitFigures,
};
pub use command::{
    DEFAULT_AVL_MAX_AGE_S, Fix, IncidentCreated, IncidentDetail, IncidentFilter, NewIncident,
    Recommendation, UnitView,
};
pub use command::{
    EIDO_DOMAIN, Handover, HandoverDirection, IncidentStats, KeySiteReadiness, Merged, Period,
    ResponseEvaluation, StatsGroup, StatsGroupBy,
};
pub use command::{LiveScope, MAX_ROAD_LINES, RoadLine, RouteLine};
pub use command::{MAX_MEDIA_CHUNK, MediaBlob, MediaLimits, NewUpload, UploadView};
pub use demo::{DEMO_PASSWORD, DemoLogin, DemoSummary};
pub use demo_activity::DemoPace;
pub use error::{AppError, FieldError};
pub use jingwu_store::audit::Verification;
pub use jingwu_store::command::ScopedIncident;
pub use jingwu_store::media::IncidentMedia;
pub use jingwu_store::orgs::OrgUnit;
pub use layers::{FeatureInput, ImportFormat, ImportOutcome, LayerInfo, LayerRegistry, NewLayer};
pub use orgs::NewOrg;
pub use roads::RoadNetwork;

pub type Result<T, E = AppError> = std::result::Result<T, E>;

#[derive(Debug, Clone)]
pub struct AppConfig {
    pub password_cost: PasswordCost,
    /// Lifetime of a browser or API session.
    pub session_ttl: jiff::SignedDuration,
    /// Failed logins allowed per username (and, times four, per client address) per window.
    pub login_max_failures: u32,
    pub login_window: jiff::SignedDuration,
    /// AVL fixes older than this do not place a unit for recommendation (seconds).
    pub avl_max_age_s: i64,
    /// Where scene media are stored (content-addressed files).
    pub media_dir: std::path::PathBuf,
    /// Media types and sizes taken, and the default chunk size.
    pub media: MediaLimits,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            password_cost: PasswordCost::default(),
            session_ttl: jiff::SignedDuration::from_hours(12),
            login_max_failures: 5,
            login_window: jiff::SignedDuration::from_mins(15),
            avl_max_age_s: command::DEFAULT_AVL_MAX_AGE_S,
            media_dir: "data/media".into(),
            media: MediaLimits::default(),
        }
    }
}

/// Who is asking and under which request id; carried into every audit entry.
#[derive(Debug, Clone)]
pub struct RequestCtx {
    pub request_id: String,
    /// Client address, for login rate limiting (absent for in-process callers).
    pub client_addr: Option<String>,
}

impl RequestCtx {
    pub fn cli() -> Self {
        RequestCtx {
            request_id: format!("cli-{}", jingwu_core::new_id()),
            client_addr: None,
        }
    }
}

#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
}

struct Inner {
    store: Store,
    clock: Arc<dyn Clock>,
    config: AppConfig,
    limiter: auth::LoginLimiter,
    roads: std::sync::RwLock<Option<Arc<RoadNetwork>>>,
    live: tokio::sync::broadcast::Sender<LiveEvent>,
    media: command::MediaState,
    coverage: command::coverage::CoverageState,
}

/// What changed, for live subscribers (terminal sockets, the command map). Subscribers that
/// fall behind miss events but never block writers; terminals then resume from the durable
/// message log by sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// A message was appended to a unit's terminal log.
    Terminal { unit_id: String, seq: i64 },
    /// An incident changed (created, dispatched, progressed, closed).
    Incident {
        incident_id: String,
        org_path: String,
    },
    /// A unit's status or position changed.
    Unit { unit_id: String, org_path: String },
    /// A station area's 3-minute coverage fell below its target (alert recorded).
    CoverageAlert {
        alert_id: String,
        org_id: String,
        org_path: String,
    },
}

impl App {
    pub fn new(store: Store, clock: Arc<dyn Clock>, config: AppConfig) -> Self {
        let limiter = auth::LoginLimiter::default();
        let media = command::MediaState::new(config.media_dir.clone());
        App {
            inner: Arc::new(Inner {
                store,
                clock,
                config,
                limiter,
                roads: std::sync::RwLock::new(None),
                live: tokio::sync::broadcast::channel(4096).0,
                media,
                coverage: Default::default(),
            }),
        }
    }

    /// Live change notifications (after commit).
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<LiveEvent> {
        self.inner.live.subscribe()
    }

    fn publish(&self, e: LiveEvent) {
        // No subscriber is fine: the durable state is already committed.
        let _ = self.inner.live.send(e);
    }

    /// Installs the road network used for owning stations, recommendations and coverage.
    pub fn set_road_network(&self, roads: RoadNetwork) {
        *self.inner.roads.write().unwrap_or_else(|e| e.into_inner()) = Some(Arc::new(roads));
    }

    pub fn roads(&self) -> Option<Arc<RoadNetwork>> {
        self.inner
            .roads
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Now, by the injected clock: for edges that stamp what they send (terminal heartbeats).
    pub fn now(&self) -> jiff::Timestamp {
        self.inner.clock.now()
    }

    fn now_us(&self) -> i64 {
        timestamp_to_micros(self.inner.clock.now())
    }

    fn config(&self) -> &AppConfig {
        &self.inner.config
    }

    /// An audit entry skeleton for `who` acting on an object under `org_path`.
    fn entry(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        action: &str,
        object: (&str, &str),
        org_path: &str,
        detail: serde_json::Value,
    ) -> jingwu_audit::NewEntry {
        jingwu_audit::NewEntry {
            at_us: self.now_us(),
            actor_id: who.user_id.clone(),
            actor_role: who.role.as_str().to_string(),
            org_path: org_path.to_string(),
            action: action.to_string(),
            object_type: object.0.to_string(),
            object_id: object.1.to_string(),
            request_id: ctx.request_id.clone(),
            detail,
        }
    }

    /// Readiness: the database answers.
    pub async fn ready(&self) -> Result<()> {
        self.inner.store.ping().await.map_err(AppError::from)
    }

    /// The system principal acting at the root of the tree (CLI, seeding).
    pub async fn system_principal(&self) -> Result<Principal> {
        let mut c = self.inner.store.conn().await?;
        let root = jingwu_store::orgs::root(&mut c)
            .await?
            .ok_or_else(|| AppError::Precondition("the jurisdiction tree is empty: create the city first (jingwu org add --kind city ...) or run `jingwu demo`".into()))?;
        Ok(Principal::system(&root.id, &root.path))
    }
}
