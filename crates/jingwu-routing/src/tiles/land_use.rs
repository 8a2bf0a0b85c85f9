//! Water, parks and buildings for the base map: polygons with a kind and a name, from an OSM
//! extract's closed ways or the synthetic city's river and parks. Only drawn, never routed on.

use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

/// What an area is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LandKind {
    Water,
    Park,
    Building,
}

impl LandKind {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            LandKind::Water => "water",
            LandKind::Park => "park",
            LandKind::Building => "building",
        }
    }

    /// The kind of a closed OSM way's tags (`natural=water`, `leisure=park`, `building=*` …).
    #[must_use]
    pub fn from_osm(key: &str, value: &str) -> Option<Self> {
        match (key, value) {
            ("natural", "water") | ("waterway", "riverbank") => Some(LandKind::Water),
            ("landuse", "reservoir" | "basin") => Some(LandKind::Water),
            ("leisure", "park" | "garden" | "nature_reserve") => Some(LandKind::Park),
            ("landuse", "grass" | "forest" | "recreation_ground" | "village_green") => {
                Some(LandKind::Park)
            }
            ("natural", "wood") => Some(LandKind::Park),
            ("building", v) if v != "no" => Some(LandKind::Building),
            _ => None,
        }
    }
}

/// One area: a closed ring of `(lat, lon)` points (first = last).
#[derive(Debug, Clone, PartialEq)]
pub struct LandArea {
    pub kind: LandKind,
    pub name: String,
    pub name_en: String,
    pub ring: Vec<(f64, f64)>,
}

impl LandArea {
    /// The mean of the ring's points (where its name is written).
    #[must_use]
    pub fn centre(&self) -> (f64, f64) {
        let pts = &self.ring[..self.ring.len().saturating_sub(1).max(1)];
        let n = pts.len() as f64;
        (
            pts.iter().map(|p| p.0).sum::<f64>() / n,
            pts.iter().map(|p| p.1).sum::<f64>() / n,
        )
    }
}

/// The areas of a network, found by box.
#[derive(Debug, Default)]
pub struct LandUse {
    areas: Vec<LandArea>,
    tree: RTree<GeomWithData<Rectangle<[f64; 2]>, u32>>,
}

impl LandUse {
    /// Indexes `areas`; rings of fewer than three distinct points are dropped.
    #[must_use]
    pub fn new(areas: Vec<LandArea>) -> Self {
        let areas: Vec<LandArea> = areas.into_iter().filter(|a| a.ring.len() >= 4).collect();
        let tree = RTree::bulk_load(
            areas
                .iter()
                .enumerate()
                .map(|(i, a)| {
                    let (mut lo, mut hi) = ([f64::MAX; 2], [f64::MIN; 2]);
                    for &(lat, lon) in &a.ring {
                        lo = [lo[0].min(lon), lo[1].min(lat)];
                        hi = [hi[0].max(lon), hi[1].max(lat)];
                    }
                    GeomWithData::new(Rectangle::from_corners(lo, hi), i as u32)
                })
                .collect(),
        );
        LandUse { areas, tree }
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.areas.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.areas.is_empty()
    }

    /// The areas whose bounding box meets the box, in the order they were given.
    #[must_use]
    pub fn in_box(&self, min_lat: f64, min_lon: f64, max_lat: f64, max_lon: f64) -> Vec<&LandArea> {
        let env = AABB::from_corners([min_lon, min_lat], [max_lon, max_lat]);
        let mut ids: Vec<u32> = self
            .tree
            .locate_in_envelope_intersecting(&env)
            .map(|r| r.data)
            .collect();
        ids.sort_unstable();
        ids.iter().map(|&i| &self.areas[i as usize]).collect()
    }
}
