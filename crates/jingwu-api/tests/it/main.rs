//! API integration tests: the real router on a real database (a temporary SQLite file, or a
//! fresh PostgreSQL schema when JINGWU_TEST_PG_URL is set), requests sent in-process.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod area;
mod audit;
mod avl;
mod cases;
mod command;
mod command_coverage_history;
mod command_lifecycle;
mod command_linkage;
mod command_plans;
mod command_setup;
mod command_sources;
mod command_stats_trends;
mod command_terminal_v2;
mod command_timers;
mod concurrency;
mod contracts;
mod coverage;
mod errors;
mod events;
mod evidence;
mod from_incident;
mod geocode;
mod hardening;
mod hazmat;
mod layers;
mod matrix;
mod media;
mod openapi;
mod permits;
mod refunds;
mod road_events;
mod scope;
mod sessions;
mod stats;
mod terminal;
mod tiles;
mod time;
mod traffic;
mod travel_modes;
