//! Loads the road network the server dispatches on, from the `road_network` setting:
//! `synthetic:NODES[:SEED]`, a `.osm.pbf` file, or a graph cache written by `jingwu graph`.

use anyhow::{Context, anyhow};
use jingwu_app::RoadNetwork;

pub fn load(spec: &str) -> anyhow::Result<RoadNetwork> {
    if let Some(s) = spec.strip_prefix("synthetic:") {
        let city =
            jingwu_routing::parse_spec(s).map_err(|e| anyhow!("road_network {spec:?}: {e}"))?;
        // The served city has pedestrian streets, so travel modes differ there too.
        let city = city.with_pedestrian_ways();
        let graph = city
            .generate()
            .map_err(|e| anyhow!("road_network {spec:?}: {e}"))?
            .0;
        let addresses = city.addresses(&graph);
        let land_use = city.land_use(&graph);
        return Ok(RoadNetwork::new(graph)
            .with_addresses(addresses)
            .with_land_use(land_use));
    }
    if spec.ends_with(".pbf") {
        let path = std::path::Path::new(spec);
        let graph = jingwu_osm::import_pbf_modes(path, |_| {})
            .with_context(|| format!("road_network {spec:?}"))?
            .0;
        let (addresses, land_use) =
            jingwu_osm::import_names(path).with_context(|| format!("road_network {spec:?}"))?;
        return Ok(RoadNetwork::new(graph)
            .with_addresses(addresses)
            .with_land_use(land_use));
    }
    // A graph cache has no names: the geocoder then finds only key sites and stations.
    let graph = {
        let f = std::fs::File::open(spec)
            .with_context(|| format!("road_network {spec:?}: cannot open"))?;
        jingwu_routing::read_graph(std::io::BufReader::new(f))
            .map_err(|e| anyhow!("road_network {spec:?}: {e}"))?
    };
    Ok(RoadNetwork::new(graph))
}
