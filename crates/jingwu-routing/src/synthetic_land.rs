//! Water and parks for the synthetic city's map, so the demo looks like a place: a river
//! (「清江」) meandering west to east between two rows of blocks, crossed by every north-south
//! street as a bridge, and about one block in forty kept as a named park. Map only: the road
//! graph is the generator's, unchanged.

use crate::graph::Graph;
use crate::synthetic::{SplitMix64, SyntheticCity};
use crate::tiles::{LandArea, LandKind, LandUse};

/// Park name stems with their pinyin.
const PARKS: [(&str, &str); 10] = [
    ("月湖", "Yuehu"),
    ("日湖", "Rihu"),
    ("中山", "Zhongshan"),
    ("绿岛", "Lüdao"),
    ("梅园", "Meiyuan"),
    ("樱花", "Yinghua"),
    ("湿地", "Shidi"),
    ("青林", "Qinglin"),
    ("翠柏", "Cuibai"),
    ("江滨", "Jiangbin"),
];

/// One block in this many is a park.
const PARK_ONE_IN: u64 = 40;
/// A park's ring is its block shrunk by this share towards the middle (the pavements).
const PARK_INSET: f64 = 0.15;

impl SyntheticCity {
    /// The river and parks of this city's `graph` (the graph [`SyntheticCity::generate`]
    /// made with the same parameters). Cities under six blocks a side have none.
    #[must_use]
    pub fn land_use(&self, graph: &Graph) -> LandUse {
        let side = (self.nodes as f64).sqrt().ceil() as usize;
        if side < 6 {
            return LandUse::default();
        }
        let m_per_deg_lat = 111_195.0;
        let m_per_deg_lon = m_per_deg_lat * self.center.0.to_radians().cos();
        let s = self.spacing_m;
        let half = side as f64 * s / 2.0;
        let at = |x: f64, y: f64| {
            (
                self.center.0 + (y - half) / m_per_deg_lat,
                self.center.1 + (x - half) / m_per_deg_lon,
            )
        };
        // Between rows r0 and r0 + 1: the nodes' jitter stays within 0.3 s of their row, so
        // half the width (0.18 s) and the meander (0.015 s) keep the water off the roads.
        let r0 = side * 2 / 3;
        let mid = |x: f64| {
            (r0 as f64 + 0.5) * s + 0.015 * s * (x / (12.0 * s) * std::f64::consts::TAU).sin()
        };
        let xs: Vec<f64> = (0..=side * 2 + 4)
            .map(|i| (i as f64 - 2.0) * s / 2.0)
            .collect();
        let mut ring: Vec<(f64, f64)> = xs.iter().map(|&x| at(x, mid(x) + 0.18 * s)).collect();
        ring.extend(xs.iter().rev().map(|&x| at(x, mid(x) - 0.18 * s)));
        ring.push(ring[0]);
        let mut areas = vec![LandArea {
            kind: LandKind::Water,
            name: "清江".into(),
            name_en: "Qing River".into(),
            ring,
        }];

        let grid = self.grid_nodes(graph);
        let mut rng = SplitMix64::new(self.seed ^ 0x5041_524B);
        let mut parks = 0usize;
        for r in 0..side - 1 {
            for c in 0..side - 1 {
                if rng.below(PARK_ONE_IN) != 0 || r == r0 {
                    continue;
                }
                let corners: Option<Vec<(f64, f64)>> =
                    [(r, c), (r, c + 1), (r + 1, c + 1), (r + 1, c)]
                        .iter()
                        .map(|k| grid.get(k).map(|&n| graph.coord(n)))
                        .collect();
                let Some(corners) = corners else {
                    continue;
                };
                let (clat, clon) = (
                    corners.iter().map(|p| p.0).sum::<f64>() / 4.0,
                    corners.iter().map(|p| p.1).sum::<f64>() / 4.0,
                );
                let mut ring: Vec<(f64, f64)> = corners
                    .iter()
                    .map(|&(la, lo)| (la + (clat - la) * PARK_INSET, lo + (clon - lo) * PARK_INSET))
                    .collect();
                ring.push(ring[0]);
                let (stem, pinyin) = PARKS[parks % PARKS.len()];
                let round = parks / PARKS.len();
                let (name, name_en) = if round == 0 {
                    (format!("{stem}公园"), format!("{pinyin} Park"))
                } else {
                    (
                        format!("{stem}{}号公园", round + 1),
                        format!("{pinyin} Park No. {}", round + 1),
                    )
                };
                parks += 1;
                areas.push(LandArea {
                    kind: LandKind::Park,
                    name,
                    name_en,
                    ring,
                });
            }
        }
        LandUse::new(areas)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_river_keeps_off_the_roads_and_parks_sit_in_blocks() {
        let city = SyntheticCity::new(10_000, 3).with_pedestrian_ways();
        let (g, _) = city.generate().unwrap();
        let land = city.land_use(&g);
        let (a, b, c, d) = g.bbox();
        let all = land.in_box(a - 1.0, b - 1.0, c + 1.0, d + 1.0);
        let river = all.iter().find(|x| x.kind == LandKind::Water).unwrap();
        let parks: Vec<_> = all.iter().filter(|x| x.kind == LandKind::Park).collect();
        assert!(parks.len() >= 100 && parks.len() <= 400, "{}", parks.len());
        assert!(
            parks
                .iter()
                .all(|p| p.name.ends_with("公园") && !p.name_en.is_empty())
        );
        // No road node lies in the water (bridges cross it between nodes).
        let inside = |ring: &[(f64, f64)], (lat, lon): (f64, f64)| {
            let mut odd = false;
            for w in ring.windows(2) {
                let ((y0, x0), (y1, x1)) = (w[0], w[1]);
                if (y0 > lat) != (y1 > lat) && lon < x0 + (lat - y0) / (y1 - y0) * (x1 - x0) {
                    odd = !odd;
                }
            }
            odd
        };
        let wet: Vec<(f64, f64)> = (0..g.node_count() as u32)
            .map(|n| g.coord(n))
            .filter(|&p| inside(&river.ring, p))
            .collect();
        assert!(
            wet.is_empty(),
            "road nodes in the river: {:?}",
            &wet[..wet.len().min(3)]
        );
    }
}
