//! Travel modes: who may use an edge, and how fast. Each directed edge carries one travel time
//! per mode (`NONE` = forbidden to that mode); a search runs on the [`crate::Weights`] of one
//! mode, so the hot loop is the same for every mode and has no per-edge mode test.
//!
//! Speeds (free flow):
//! * **car**: [`crate::DEFAULT_SPEEDS`] (CJJ 37-2012 design-speed ranges, see the crate docs);
//! * **motorbike / e-bike**: the car speed of the road class, capped at
//!   [`MOTORBIKE_MAX_KMH`] (a design choice for urban police motorbikes, not a legal limit),
//!   20 km/h on cycleways (non-motor lanes), which e-bikes ride as non-motor vehicles
//!   (GB 17761-2018 caps e-bikes at 25 km/h); never on motorways, which the Road Traffic
//!   Safety Law of the PRC (art. 67) closes to non-motor vehicles and to motor vehicles slower
//!   than 70 km/h;
//! * **foot**: [`WALK_KMH`] everywhere it may go (comfortable adult walking speed is about
//!   1.3-1.5 m/s: Bohannon, "Comfortable and maximum walking speed of adults aged 20-79
//!   years", *Age and Ageing* 26 (1997) 15-19); footways, pedestrian streets, steps and paths
//!   too, never motorways (art. 67 again), and one-way rules do not apply.

use crate::graph::{NONE, travel_ms};

/// How a unit travels on the road network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TravelMode {
    Car = 0,
    Motorbike = 1,
    Foot = 2,
}

/// Number of travel modes (length of per-mode arrays).
pub const MODE_COUNT: usize = 3;

/// Walking speed (km/h) for foot units.
pub const WALK_KMH: f64 = 5.0;

/// Upper bound of motorbike speeds (km/h) in town.
pub const MOTORBIKE_MAX_KMH: f64 = 40.0;

/// E-bike / motorbike speed on cycleways (km/h).
pub const CYCLEWAY_KMH: f64 = 20.0;

impl TravelMode {
    /// Every mode, in index order.
    pub const ALL: [TravelMode; MODE_COUNT] =
        [TravelMode::Car, TravelMode::Motorbike, TravelMode::Foot];

    /// Index into per-mode arrays.
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }

    /// Stable lower-case name, as used in APIs (`car`, `motorbike`, `foot`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            TravelMode::Car => "car",
            TravelMode::Motorbike => "motorbike",
            TravelMode::Foot => "foot",
        }
    }

    /// Parses [`TravelMode::as_str`] names.
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s)
    }

    /// Whether one-way rules bind this mode.
    #[must_use]
    pub fn obeys_oneway(self) -> bool {
        self != TravelMode::Foot
    }
}

/// Travel time (ms) of one directed edge per mode, indexed by [`TravelMode::index`]; `NONE`
/// where the mode may not use the edge.
pub type ModeTimes = [u32; MODE_COUNT];

/// Edge times of a road everyone may use, from its car time: motorbikes at the car speed up to
/// [`MOTORBIKE_MAX_KMH`], pedestrians at [`WALK_KMH`]. Used where the source data knows
/// nothing but car times (CSV graphs, hand-built test graphs).
#[must_use]
pub fn times_from_car(car_ms: u32, len_m: f64) -> ModeTimes {
    let car = car_ms.min(NONE - 1);
    // The stored length is an f32: derive from it, so a graph reloaded from its export
    // (which writes that length) gets the same times.
    let len_m = f64::from(len_m as f32);
    [
        car,
        car.max(travel_ms(len_m, MOTORBIKE_MAX_KMH)),
        travel_ms(len_m, WALK_KMH),
    ]
}

/// Edge times from per-mode speeds (km/h; `None` = forbidden to that mode).
#[must_use]
pub fn times_from_speeds(len_m: f64, kmh: [Option<f64>; MODE_COUNT]) -> ModeTimes {
    kmh.map(|s| s.map_or(NONE, |s| travel_ms(len_m, s)))
}

/// Motorbike speed for a road class whose car speed is `car_kmh`.
#[must_use]
pub fn motorbike_kmh(car_kmh: f64) -> f64 {
    car_kmh.min(MOTORBIKE_MAX_KMH)
}
