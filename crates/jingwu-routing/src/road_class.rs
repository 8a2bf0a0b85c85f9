//! What kind of road an edge is: drawn by class on the map, and the key of per-class settings
//! such as rush-hour speed factors. From the OSM `highway` tag on import; a graph that carries
//! no class (CSV edges, [`crate::GraphBuilder::add_edge`]) gets the class its car speed implies.

use crate::DEFAULT_SPEEDS;
use crate::graph::NONE;

/// A road class, from the fastest to footpaths. Links (`*_link`) take their road's class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[repr(u8)]
pub enum RoadClass {
    Motorway = 0,
    Trunk = 1,
    Primary = 2,
    Secondary = 3,
    Tertiary = 4,
    /// Residential, unclassified and living streets.
    Street = 5,
    Service = 6,
    /// Footways, pedestrian streets, steps, paths and cycleways: no cars.
    Path = 7,
}

impl RoadClass {
    pub const ALL: [RoadClass; 8] = [
        RoadClass::Motorway,
        RoadClass::Trunk,
        RoadClass::Primary,
        RoadClass::Secondary,
        RoadClass::Tertiary,
        RoadClass::Street,
        RoadClass::Service,
        RoadClass::Path,
    ];

    /// The class of an OSM `highway` value; `None` for values that are not roads or paths.
    #[must_use]
    pub fn from_highway(highway: &str) -> Option<Self> {
        let base = highway.strip_suffix("_link").unwrap_or(highway);
        Some(match base {
            "motorway" => RoadClass::Motorway,
            "trunk" => RoadClass::Trunk,
            "primary" => RoadClass::Primary,
            "secondary" => RoadClass::Secondary,
            "tertiary" => RoadClass::Tertiary,
            "unclassified" | "residential" | "living_street" | "road" => RoadClass::Street,
            "service" => RoadClass::Service,
            "footway" | "pedestrian" | "path" | "steps" | "cycleway" | "track" | "bridleway" => {
                RoadClass::Path
            }
            _ => return None,
        })
    }

    /// The class whose default speed ([`DEFAULT_SPEEDS`]) is the highest not above `kmh`;
    /// [`RoadClass::Path`] when cars may not go (`None`).
    #[must_use]
    pub fn from_car_kmh(kmh: Option<f64>) -> Self {
        let Some(kmh) = kmh else {
            return RoadClass::Path;
        };
        DEFAULT_SPEEDS
            .iter()
            .filter(|(hw, v)| !hw.ends_with("_link") && *v <= kmh + 0.5)
            .filter_map(|(hw, _)| Self::from_highway(hw))
            .min()
            .unwrap_or(RoadClass::Service)
    }

    /// The class of a car edge of `len_m` metres travelled in `time_ms` (`NONE`: no cars).
    #[must_use]
    pub fn from_car_time(len_m: f64, time_ms: u32) -> Self {
        Self::from_car_kmh((time_ms != NONE).then(|| {
            if time_ms == 0 {
                f64::INFINITY
            } else {
                len_m / f64::from(time_ms) * 3600.0
            }
        }))
    }

    /// The stable name used in tiles and settings (`motorway` … `path`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            RoadClass::Motorway => "motorway",
            RoadClass::Trunk => "trunk",
            RoadClass::Primary => "primary",
            RoadClass::Secondary => "secondary",
            RoadClass::Tertiary => "tertiary",
            RoadClass::Street => "street",
            RoadClass::Service => "service",
            RoadClass::Path => "path",
        }
    }

    /// The class named by [`RoadClass::as_str`].
    #[must_use]
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub(crate) fn from_u8(v: u8) -> Option<Self> {
        Self::ALL.get(usize::from(v)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highway_values_and_speeds_map_to_the_expected_class() {
        assert_eq!(
            RoadClass::from_highway("primary_link"),
            Some(RoadClass::Primary)
        );
        assert_eq!(
            RoadClass::from_highway("living_street"),
            Some(RoadClass::Street)
        );
        assert_eq!(RoadClass::from_highway("steps"), Some(RoadClass::Path));
        assert_eq!(RoadClass::from_highway("building"), None);
        assert_eq!(RoadClass::from_car_kmh(Some(80.0)), RoadClass::Motorway);
        assert_eq!(RoadClass::from_car_kmh(Some(70.0)), RoadClass::Trunk);
        assert_eq!(RoadClass::from_car_kmh(Some(50.0)), RoadClass::Primary);
        assert_eq!(RoadClass::from_car_kmh(Some(40.0)), RoadClass::Secondary);
        assert_eq!(RoadClass::from_car_kmh(Some(30.0)), RoadClass::Tertiary);
        assert_eq!(RoadClass::from_car_kmh(Some(20.0)), RoadClass::Street);
        assert_eq!(RoadClass::from_car_kmh(Some(12.0)), RoadClass::Street);
        assert_eq!(RoadClass::from_car_kmh(Some(5.0)), RoadClass::Service);
        assert_eq!(RoadClass::from_car_kmh(None), RoadClass::Path);
        for c in RoadClass::ALL {
            assert_eq!(RoadClass::parse(c.as_str()), Some(c));
            assert_eq!(RoadClass::from_u8(c as u8), Some(c));
        }
    }
}
