//! CSV graphs: AequilibraE-style `nodes.csv` + `links.csv` (as in the Coquimbo set), read by
//! [`load_csv_graph`] and written by [`write_csv_graph`] in the same layout.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use jingwu_routing::{
    BuildReport, Graph, GraphBuilder, RoadClass, default_speed, times_from_car, travel_ms,
};

use crate::OsmError;

fn open(path: &Path) -> Result<csv::Reader<std::fs::File>, OsmError> {
    let f = std::fs::File::open(path).map_err(|error| OsmError::Io {
        path: path.display().to_string(),
        error,
    })?;
    Ok(csv::Reader::from_reader(f))
}

fn col(headers: &csv::StringRecord, name: &str, path: &Path) -> Result<usize, OsmError> {
    headers
        .iter()
        .position(|h| h == name)
        .ok_or_else(|| OsmError::Csv {
            path: path.display().to_string(),
            line: 1,
            message: format!("missing column {name:?}"),
        })
}

/// Parses `LINESTRING(lon lat, lon lat, ...)` into `(lat, lon)` points.
fn parse_wkt(wkt: &str) -> Option<Vec<(f64, f64)>> {
    let inner = wkt
        .trim()
        .strip_prefix("LINESTRING")?
        .trim()
        .strip_prefix('(')?
        .strip_suffix(')')?;
    inner
        .split(',')
        .map(|p| {
            let mut it = p.split_whitespace();
            let lon = it.next()?.parse().ok()?;
            let lat = it.next()?.parse().ok()?;
            Some((lat, lon))
        })
        .collect()
}

/// Loads `dir/nodes.csv` and `dir/links.csv`. Travel time per direction: `seconds_ab`/
/// `seconds_ba` when given (written by [`write_csv_graph`]), else `distance` at `speed_ab`/
/// `speed_ba` (km/h), else at the default for `link_type` (25 km/h for unknown types).
///
/// # Errors
/// Missing files or columns, unparsable numbers, unknown node references.
pub fn load_csv_graph(dir: &Path) -> Result<(Graph, BuildReport), OsmError> {
    let npath = dir.join("nodes.csv");
    let lpath = dir.join("links.csv");
    let csv_err = |path: &Path, line: u64, message: String| OsmError::Csv {
        path: path.display().to_string(),
        line,
        message,
    };
    let mut rdr = open(&npath)?;
    let h = rdr
        .headers()
        .map_err(|e| csv_err(&npath, 1, e.to_string()))?
        .clone();
    let (ci, clat, clon) = (
        col(&h, "node_id", &npath)?,
        col(&h, "lat", &npath)?,
        col(&h, "lon", &npath)?,
    );
    let mut b = GraphBuilder::new();
    let mut id_map: HashMap<i64, u32> = HashMap::new();
    let graph_err = |path: &Path, error| OsmError::Graph {
        path: path.display().to_string(),
        error,
    };
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| csv_err(&npath, line, e.to_string()))?;
        let num = |c: usize| {
            rec.get(c)
                .and_then(|s| s.trim().parse::<f64>().ok())
                .ok_or_else(|| csv_err(&npath, line, format!("bad number in column {}", c + 1)))
        };
        let id = rec
            .get(ci)
            .and_then(|s| s.trim().parse::<i64>().ok())
            .ok_or_else(|| csv_err(&npath, line, "bad node_id".into()))?;
        let node = b
            .add_node(num(clat)?, num(clon)?)
            .map_err(|e| csv_err(&npath, line, e.to_string()))?;
        id_map.insert(id, node);
    }
    let mut rdr = open(&lpath)?;
    let h = rdr
        .headers()
        .map_err(|e| csv_err(&lpath, 1, e.to_string()))?
        .clone();
    let ca = col(&h, "a_node", &lpath)?;
    let cb = col(&h, "b_node", &lpath)?;
    let cdir = col(&h, "direction", &lpath)?;
    let cdist = col(&h, "distance", &lpath)?;
    let ctype = col(&h, "link_type", &lpath)?;
    let cmodes = h.iter().position(|x| x == "modes");
    let csab = h.iter().position(|x| x == "speed_ab");
    let csba = h.iter().position(|x| x == "speed_ba");
    let ctab = h.iter().position(|x| x == "seconds_ab");
    let ctba = h.iter().position(|x| x == "seconds_ba");
    let cwkt = h.iter().position(|x| x == "wkt");
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| csv_err(&lpath, line, e.to_string()))?;
        let get = |c: usize| rec.get(c).unwrap_or("").trim();
        let link_type = get(ctype);
        if link_type == "centroid_connector" || cmodes.is_some_and(|c| !get(c).contains('c')) {
            continue;
        }
        let node = |c: usize| {
            get(c)
                .parse::<i64>()
                .ok()
                .and_then(|id| id_map.get(&id).copied())
                .ok_or_else(|| csv_err(&lpath, line, format!("unknown node {:?}", get(c))))
        };
        let (a, bn) = (node(ca)?, node(cb)?);
        let dist: f64 = get(cdist)
            .parse()
            .map_err(|_| csv_err(&lpath, line, "bad distance".into()))?;
        let direction: i32 = get(cdir)
            .parse()
            .map_err(|_| csv_err(&lpath, line, "bad direction".into()))?;
        let default = default_speed(link_type).unwrap_or(25.0);
        let speed = |c: Option<usize>| {
            c.and_then(|c| get(c).parse::<f64>().ok())
                .filter(|s| *s > 0.0)
                .unwrap_or(default)
        };
        // An explicit time wins over the speed: it is what routing uses, to the millisecond.
        let time_ms = |seconds: Option<usize>, speed_col: Option<usize>| match seconds
            .map(get)
            .filter(|t| !t.is_empty())
        {
            None => Ok(travel_ms(dist, speed(speed_col))),
            Some(t) => t
                .parse::<f64>()
                .ok()
                .filter(|t| t.is_finite() && *t >= 0.0)
                .map(|t| (t * 1000.0).round().min(f64::from(u32::MAX - 1)) as u32)
                .ok_or_else(|| csv_err(&lpath, line, format!("bad travel time {t:?}"))),
        };
        let mut shape = cwkt.and_then(|c| parse_wkt(get(c))).unwrap_or_default();
        if let (Some(first), Some((la, lo))) = (shape.first().copied(), b.node_coord(a)) {
            // WKT should run a -> b; flip it if it starts at b.
            let (lb, lob) = b.node_coord(bn).unwrap_or((la, lo));
            let da = (first.0 - la).powi(2) + (first.1 - lo).powi(2);
            let db = (first.0 - lb).powi(2) + (first.1 - lob).powi(2);
            if db < da {
                shape.reverse();
            }
        }
        let inner: Vec<(f64, f64)> = if shape.len() > 2 {
            shape[1..shape.len() - 1].to_vec()
        } else {
            Vec::new()
        };
        let rev: Vec<(f64, f64)> = inner.iter().rev().copied().collect();
        // The class is the link type when it names one (ours or an OSM highway value), else
        // what the speed implies.
        let class = RoadClass::parse(link_type).or_else(|| RoadClass::from_highway(link_type));
        let mut add = |from, to, ms: u32, shape: &[(f64, f64)]| {
            let class = class.unwrap_or_else(|| RoadClass::from_car_time(dist, ms));
            b.add_edge_modes(from, to, times_from_car(ms, dist), dist, shape, class)
                .map_err(|e| graph_err(&lpath, e))
        };
        if direction >= 0 {
            add(a, bn, time_ms(ctab, csab)?, &inner)?;
        }
        if direction <= 0 {
            add(bn, a, time_ms(ctba, csba)?, &rev)?;
        }
    }
    b.build().map_err(|e| graph_err(&lpath, e))
}

/// Writes `graph` as `dir/nodes.csv` (`node_id,lon,lat`) and `dir/links.csv`, one link per
/// directed edge (`direction` 1) with its length, road class (`link_type`), travel time (`seconds_ab`, exact to the
/// millisecond), the equivalent `speed_ab` for readers that know only speeds, and its shape
/// as WKT. Node ids are the graph's, so [`load_csv_graph`] on `dir` gives back the same graph.
///
/// # Errors
/// The directory or a file cannot be written.
pub fn write_csv_graph(graph: &Graph, dir: &Path) -> Result<(), OsmError> {
    let io_err = |path: &Path, error| OsmError::Io {
        path: path.display().to_string(),
        error,
    };
    std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
    let npath = dir.join("nodes.csv");
    let write_nodes = || -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&npath)?);
        writeln!(w, "node_id,lon,lat")?;
        for n in 0..graph.node_count() as u32 {
            // Seven decimals are the graph's own fixed-point precision: nothing is rounded.
            let (lat, lon) = graph.coord(n);
            writeln!(w, "{n},{lon:.7},{lat:.7}")?;
        }
        w.flush()
    };
    write_nodes().map_err(|e| io_err(&npath, e))?;
    let lpath = dir.join("links.csv");
    let write_links = || -> std::io::Result<()> {
        let mut w = std::io::BufWriter::new(std::fs::File::create(&lpath)?);
        writeln!(
            w,
            "link_id,a_node,b_node,direction,distance,modes,link_type,speed_ab,speed_ba,seconds_ab,seconds_ba,wkt"
        )?;
        let mut link = 0u64;
        for u in 0..graph.node_count() as u32 {
            for e in graph.out_edges(u) {
                link += 1;
                // `length_m` is a widened f32: its shortest decimal form reads back exactly.
                let len = graph.length_m(e);
                let ms = graph.base_time_ms(e);
                let speed = if ms > 0 {
                    format!("{}", len * 3600.0 / f64::from(ms))
                } else {
                    String::new()
                };
                let shape: Vec<String> = graph
                    .edge_geometry(e)
                    .iter()
                    .map(|(lat, lon)| format!("{lon:.7} {lat:.7}"))
                    .collect();
                writeln!(
                    w,
                    "{link},{u},{},1,{len},c,{},{speed},,{}.{:03},,\"LINESTRING({})\"",
                    graph.head(e),
                    graph.class(e).as_str(),
                    ms / 1000,
                    ms % 1000,
                    shape.join(",")
                )?;
            }
        }
        w.flush()
    };
    write_links().map_err(|e| io_err(&lpath, e))
}
