//! Test support for Jingwu: a [`TestApp`] on a fresh database (SQLite in a temp dir, or a
//! fresh PostgreSQL schema when `JINGWU_TEST_PG_URL` is set) with only the fixtures a test
//! asks for, an injectable [`ManualClock`], in-process HTTP helpers, per-system fixtures
//! ([`fixtures`]) and a terminal WebSocket client ([`ws`]).
//!
//! ```ignore
//! let t = TestApp::empty().with_city().with_roads().with_clock(ManualClock::new(start)).build().await;
//! let dispatcher = t.login("dispatcher").await;
//! t.advance(jiff::SignedDuration::from_mins(10));
//! ```
//!
//! Dev-only: a dev-dependency of the crates whose tests use it, never a normal dependency.
// Test support: a failed setup step must fail the test that asked for it, loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod city;
mod db;
pub mod fixtures;
mod http;
pub mod ws;

use std::sync::Arc;

use axum::Router;
use jingwu_app::{App, AppConfig, PasswordCost};
use jingwu_core::Clock;

pub use city::{ACCOUNTS, ORGS, PASSWORD};
pub use db::TrackLock;
pub use http::{Problem, Resp, assert_problem, unregistered_codes};
pub use jingwu_core::ManualClock;

/// Nodes of the synthetic road network of `with_roads()`: enough streets for distinct ETAs
/// between stations, small enough to build in milliseconds.
pub const ROAD_NODES: usize = 4_000;

/// An app on a fresh database, its router, and handles to what tests inspect or move.
pub struct TestApp {
    pub app: App,
    pub router: Router,
    clock: Arc<dyn Clock>,
    manual: Option<Arc<ManualClock>>,
    db: db::Db,
    /// The scene media store of this app (a temp dir).
    pub media: tempfile::TempDir,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seed {
    Nothing,
    City,
    Demo,
}

/// What a [`TestApp`] starts with; see [`TestApp::empty`].
#[must_use]
pub struct Builder {
    seed: Seed,
    roads: bool,
    /// Roads without the city's sites, units and key sites (a new bureau).
    bare_roads: bool,
    clock: Option<Arc<ManualClock>>,
    config: AppConfig,
    rush_hours: jingwu_routing::RushHours,
}

impl TestApp {
    /// A fresh migrated database with nothing in it (no city, no accounts).
    pub fn empty() -> Builder {
        Builder {
            seed: Seed::Nothing,
            roads: false,
            bare_roads: false,
            clock: None,
            config: test_config(),
            rush_hours: jingwu_routing::RushHours::default(),
        }
    }

    /// The whole demo city (56 stations; with `.with_roads()` its 700 units): only for tests
    /// of the demo itself. Everything else wants [`Builder::with_city`].
    pub fn demo() -> Builder {
        Builder {
            seed: Seed::Demo,
            ..TestApp::empty()
        }
    }

    /// Now, by the app's clock.
    pub fn now(&self) -> jiff::Timestamp {
        self.clock.now()
    }

    /// The manual clock given to `with_clock`.
    pub fn clock(&self) -> &ManualClock {
        self.manual
            .as_deref()
            .expect("this TestApp runs on the system clock: build it with .with_clock(..)")
    }

    /// Another node of the same deployment: an app of its own (kernel, sequencer, caches) on
    /// the same database, as a second server process would be.
    pub fn second_node(&self) -> App {
        App::new(
            self.db.store.clone(),
            self.clock.clone(),
            self.app.kernel().config().clone(),
        )
    }

    /// Another node whose clock stands still at `at`: runs a job as it would run then (the
    /// access matrix, on the system clock, raises overdue 110 timer alerts this way).
    pub fn node_at(&self, at: jiff::Timestamp) -> App {
        App::new(
            self.db.store.clone(),
            Arc::new(ManualClock::new(at)),
            self.app.kernel().config().clone(),
        )
    }

    /// Moves the manual clock forward (or back, with a negative duration).
    pub fn advance(&self, by: jiff::SignedDuration) {
        self.clock().advance(by);
    }
}

/// Fast password hashing (Argon2 at 64 KiB, one pass): tests log in a lot.
pub fn test_config() -> AppConfig {
    AppConfig {
        password_cost: PasswordCost {
            memory_kib: 64,
            iterations: 1,
        },
        ..AppConfig::default()
    }
}

impl Builder {
    /// The small city: the city bureau, districts 330203 (stations 33020301 鼓楼, 33020302
    /// 月湖) and 330205 (33020501 白沙, 33020502 孔浦), and the accounts in [`ACCOUNTS`].
    pub fn with_city(mut self) -> Builder {
        if self.seed == Seed::Nothing {
            self.seed = Seed::City;
        }
        self
    }

    /// A small synthetic road network and the units, sites and key sites of the city placed
    /// on it (implies `with_city()` unless the demo was asked for). Per station: patrol cars
    /// `<place>巡01..06` (鼓楼巡01 is crewed by `officer`), foot patrols `步07..09`,
    /// motorcycles `摩10..11`, a traffic unit `交12`; per district two traffic units; at the
    /// city eight armed patrol teams `特巡01..08`. About one station unit in ten is off duty.
    pub fn with_roads(mut self) -> Builder {
        self.roads = true;
        self.with_city()
    }

    /// The same synthetic road network as `with_roads()` with nothing placed on it: a new
    /// bureau that configured its roads and has no sites, units or key sites yet.
    pub fn with_bare_roads(mut self) -> Builder {
        self.roads = true;
        self.bare_roads = true;
        self
    }

    /// Runs the app on a manual clock: time moves only through [`TestApp::advance`].
    pub fn with_clock(mut self, clock: ManualClock) -> Builder {
        self.clock = Some(Arc::new(clock));
        self
    }

    /// Rush hours for the road network of `with_roads()` (see `jingwu_routing::RushHours`).
    ///
    /// # Panics
    /// A window that does not parse.
    pub fn with_rush_hours(mut self, windows: &[&str]) -> Builder {
        self.rush_hours = jingwu_routing::RushHours::parse(windows).expect("rush hours");
        self
    }

    /// Adjusts the app's configuration (session lifetime, AVL age limit, media limits ...).
    pub fn with_config(mut self, f: impl FnOnce(&mut AppConfig)) -> Builder {
        f(&mut self.config);
        self
    }

    pub async fn build(self) -> TestApp {
        let db = db::Db::fresh().await;
        let media = tempfile::tempdir().expect("media dir");
        let config = AppConfig {
            media_dir: media.path().into(),
            audit: jingwu_app::AuditConfig {
                key_file: media.path().join("audit-signing.key"),
                ..self.config.audit
            },
            ..self.config
        };
        let clock: Arc<dyn Clock> = match &self.clock {
            Some(c) => c.clone(),
            None => Arc::new(jingwu_core::SystemClock),
        };
        let app = App::new(db.store.clone(), clock.clone(), config);
        match self.seed {
            Seed::Nothing => {}
            Seed::City => city::seed(&app).await,
            Seed::Demo => {
                app.seed_demo().await.expect("seed the demo city");
            }
        }
        if self.seed != Seed::Nothing {
            // A started bureau has the default legal time limits (as `jingwu serve` ensures).
            app.cases()
                .ensure_legal_limits()
                .await
                .expect("install the default legal limits");
        }
        if self.roads {
            let city = jingwu_routing::SyntheticCity::new(
                if self.seed == Seed::Demo {
                    8_000
                } else {
                    ROAD_NODES
                },
                2016,
            )
            .with_pedestrian_ways();
            let (graph, _) = city.generate().expect("synthetic road network");
            let addresses = city.addresses(&graph);
            let land_use = city.land_use(&graph);
            app.command().set_road_network(
                jingwu_app::RoadNetwork::new(graph)
                    .with_addresses(addresses)
                    .with_land_use(land_use)
                    .with_rush_hours(self.rush_hours),
            );
        }
        if self.roads && !self.bare_roads {
            let units = app.seed_demo_command().await.expect("place the units");
            assert!(units > 0, "no units were placed");
        }
        let router = jingwu_api::router(app.clone(), jingwu_api::ApiOptions::default());
        TestApp {
            app,
            router,
            clock,
            manual: self.clock,
            db,
            media,
        }
    }
}
