//! Coverage updated one unit at a time equals the full recomputation, after every move of a
//! random sequence (units of mixed modes appearing, moving, changing mode and leaving).

use jingwu_routing::{
    CoverageIndex, CoverageReport, Graph, LiveCoverage, Position, Resolution, Router, SnapIndex,
    StaleWeights, SyntheticCity, TravelMode, Weights, Workspace,
};
use proptest::prelude::*;

const LIMITS: [u32; 3] = [60_000, 180_000, 300_000];

struct City {
    graph: Graph,
    index: SnapIndex,
    weights: [Weights; 3],
    cov: CoverageIndex,
}

fn city(seed: u64) -> City {
    let (graph, _) = SyntheticCity::new(2_000, seed)
        .with_pedestrian_ways()
        .generate()
        .unwrap();
    let index = SnapIndex::new(&graph);
    let weights = TravelMode::ALL.map(|m| Weights::for_mode(&graph, m));
    let mut cov = CoverageIndex::new(&graph, index.segments(), Resolution::Nine);
    // Three areas by node id, so per-area sums are checked too.
    let of_node: Vec<u32> = (0..graph.node_count() as u32).map(|n| n % 3).collect();
    cov.set_node_areas(&of_node, vec!["a".into(), "b".into(), "c".into()]);
    City {
        graph,
        index,
        weights,
        cov,
    }
}

impl City {
    /// A place for a unit of `mode` at fractions `(fy, fx)` of the city's bounding box.
    fn place(&self, mode: TravelMode, fy: f64, fx: f64) -> Position {
        let (a, b, c, d) = self.graph.bbox();
        self.index
            .snap_for(
                a + (c - a) * fy,
                b + (d - b) * fx,
                1e6,
                &self.weights[mode.index()],
            )
            .unwrap()
    }

    fn full(&self, units: &[Option<(TravelMode, Position)>]) -> CoverageReport {
        let groups: Vec<(Router<'_>, Vec<Position>)> = TravelMode::ALL
            .iter()
            .map(|&m| {
                let router = Router {
                    graph: &self.graph,
                    weights: &self.weights[m.index()],
                    index: &self.index,
                };
                let of_mode = units.iter().flatten().filter(|u| u.0 == m);
                (router, of_mode.map(|u| u.1).collect())
            })
            .collect();
        let layers: Vec<(Router<'_>, &[Position])> =
            groups.iter().map(|(r, p)| (*r, p.as_slice())).collect();
        let mut ws = Workspace::new(&self.graph);
        self.cov.evaluate_modes(&layers, &mut ws, &LIMITS)
    }
}

fn mode_of(k: u8) -> TravelMode {
    TravelMode::ALL[usize::from(k) % 3]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 3, ..ProptestConfig::default() })]

    #[test]
    fn live_coverage_equals_the_full_recompute_after_every_move(
        seed in 1u64..1_000,
        start in prop::collection::vec((0u8..3, 0.0f64..1.0, 0.0f64..1.0), 0..12),
        // (slot, mode, lat fraction, lon fraction, leave?)
        moves in prop::collection::vec(
            (0usize..16, 0u8..3, 0.0f64..1.0, 0.0f64..1.0, prop::bool::weighted(0.15)),
            1_000,
        ),
    ) {
        let c = city(seed);
        let w = c.weights.each_ref();
        let mut units: Vec<Option<(TravelMode, Position)>> = start
            .iter()
            .map(|&(m, fy, fx)| Some((mode_of(m), c.place(mode_of(m), fy, fx))))
            .collect();
        let placed: Vec<(TravelMode, Position)> = units.iter().flatten().copied().collect();
        let mut live = LiveCoverage::new(&c.cov, &c.graph, &w, &placed, &LIMITS);
        prop_assert_eq!(live.report(&c.cov), c.full(&units));
        for (i, &(slot, m, fy, fx, leave)) in moves.iter().enumerate() {
            let unit = (!leave).then(|| (mode_of(m), c.place(mode_of(m), fy, fx)));
            if slot >= units.len() {
                units.resize(slot + 1, None);
            }
            units[slot] = unit;
            live.set_unit(&c.cov, &c.graph, &w, slot, unit).unwrap();
            let want = c.full(&units);
            let got = live.report(&c.cov);
            prop_assert!(got == want, "move {i}: {:?}\nlive {:?}\nfull {:?}",
                (slot, unit.map(|u| u.0)), got.overall, want.overall);
            prop_assert_eq!(live.unit_count(), units.iter().flatten().count());
        }
    }
}

#[test]
fn one_move_touches_only_the_units_neighbourhood() {
    let c = city(7);
    let w = c.weights.each_ref();
    let units: Vec<(TravelMode, Position)> = (0..40)
        .map(|i| {
            let f = f64::from(i) / 40.0;
            (
                TravelMode::Car,
                c.place(TravelMode::Car, f, (f * 7.0) % 1.0),
            )
        })
        .collect();
    let mut live = LiveCoverage::new(&c.cov, &c.graph, &w, &units, &LIMITS);
    let to = (TravelMode::Car, c.place(TravelMode::Car, 0.5, 0.5));
    let update = live.set_unit(&c.cov, &c.graph, &w, 3, Some(to)).unwrap();
    assert!(update.nodes > 0 && update.segments > 0, "{update:?}");
    assert!(
        update.nodes < c.graph.node_count() / 4,
        "{update:?} of {} nodes",
        c.graph.node_count()
    );
    // Placing it where it already is changes nothing.
    let again = live.set_unit(&c.cov, &c.graph, &w, 3, Some(to)).unwrap();
    assert_eq!(again.nodes, 0);
}

#[test]
fn a_closure_makes_the_live_coverage_ask_to_be_built_anew() {
    let mut c = city(11);
    let start = [(TravelMode::Car, c.place(TravelMode::Car, 0.3, 0.3))];
    let mut live = {
        let w = c.weights.each_ref();
        LiveCoverage::new(&c.cov, &c.graph, &w, &start, &LIMITS)
    };
    let edge = c.graph.out_edges(start[0].1.segment.a).next().unwrap();
    c.weights[0].close(&c.graph, &[edge]);
    let w = c.weights.each_ref();
    assert!(!live.is_current(&w));
    let moved = (TravelMode::Car, c.place(TravelMode::Car, 0.6, 0.6));
    assert_eq!(
        live.set_unit(&c.cov, &c.graph, &w, 0, Some(moved)),
        Err(StaleWeights)
    );
    // Built anew on the closed network, it equals the full recompute there.
    let live = LiveCoverage::new(&c.cov, &c.graph, &w, &[moved], &LIMITS);
    assert_eq!(live.report(&c.cov), c.full(&[Some(moved)]));
}
