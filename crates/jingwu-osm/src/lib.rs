//! # jingwu-osm: road data into jingwu-routing graphs
//!
//! The only crate that reads map files. Two sources:
//!
//! * `.osm.pbf` with a **car profile** ([`import_pbf`]): ways whose `highway` class has a
//!   default speed in [`jingwu_routing::DEFAULT_SPEEDS`] (CJJ 37-2012 urban design speeds),
//!   `maxspeed` in km/h or mph overriding it, `oneway` (`yes`/`true`/`1`, `-1`/`reverse`;
//!   roundabouts and motorways implied one-way; `oneway=no` overrides the implication;
//!   `reversible`/`alternating` ways are left out), access restrictions (the most specific of
//!   `motorcar`, `motor_vehicle`, `vehicle`, `access` decides; `no`/`private` exclude the way).
//!   [`import_pbf_modes`] applies the motorbike/e-bike and foot profiles too ([`way_profile`]): each
//!   edge gets a time per travel mode, pedestrians get footways, pedestrian streets, steps and
//!   paths and walk one-way streets both ways, motorways are cars' only, `foot=no` /
//!   `motor_vehicle=no` close a way to the modes they name. Turn restrictions (relations) are
//!   not read yet.
//!   Ways are split at junctions (nodes shared by ways, and way ends); the nodes in between
//!   become edge geometry. Clipped extracts reference nodes missing from the file: the way is
//!   cut there and the pieces kept, and the count is reported.
//! * A CSV graph like the Coquimbo set ([`load_csv_graph`]): `nodes.csv`
//!   (`node_id,…,lon,lat`) and `links.csv` (`a_node,b_node,direction,distance,modes,link_type,
//!   speed_ab,speed_ba,…,wkt`, optionally `seconds_ab,seconds_ba`). Synthetic centroid
//!   connectors and links without car mode are skipped. [`write_csv_graph`] writes a graph in
//!   this layout (`jingwu graph export`), and reading it back gives the same graph.
//! * Street names, house numbers and places of a `.osm.pbf` for the geocoder
//!   ([`import_addresses`]): `name`/`name:en` of highways, `addr:housenumber` + `addr:street`
//!   on nodes and buildings, and named places; with [`import_names`] also water, parks and
//!   buildings (closed ways) for the map.
//!
//! Data © OpenStreetMap contributors, ODbL 1.0.

mod csvgraph;
mod names;
mod pbf;
mod profile;

pub use csvgraph::{load_csv_graph, write_csv_graph};
pub use names::{import_addresses, import_names};
pub use pbf::{ImportReport, import_pbf, import_pbf_modes};
pub use profile::{Oneway, WayModes, WayProfile, car_profile, parse_maxspeed, way_profile};

/// Import errors; messages name the file and what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum OsmError {
    // Named `error`, not `source`: the message already includes the cause, and a chain
    // printed with `{:#}` would repeat it.
    #[error("{path}: {error}")]
    Io { path: String, error: std::io::Error },
    #[error("{path}: not a readable OSM PBF file: {message}")]
    Pbf { path: String, message: String },
    #[error("{path}: line {line}: {message}")]
    Csv {
        path: String,
        line: u64,
        message: String,
    },
    #[error("{path}: {error}")]
    Graph {
        path: String,
        error: jingwu_routing::GraphError,
    },
}
