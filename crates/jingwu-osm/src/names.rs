//! Street names, house numbers and named places of a `.osm.pbf`, for geocoding. Read in its
//! own two passes (tags first, then the coordinates of the nodes they need) so the road import
//! stays as it is and a network can be loaded without names.
//!
//! Kept: `name` and `name:en` of every `highway` way (the street), `addr:housenumber` +
//! `addr:street` on nodes and on ways (a building's address stands at the mean of its nodes),
//! and named nodes and ways tagged `place`, `amenity`, `tourism`, `leisure`, `office`, `shop`,
//! `railway=station` or `public_transport=station` as places. Two differently named streets
//! sharing a node meet there (a crossroads).

use std::collections::HashMap;
use std::path::Path;

use jingwu_routing::tiles::{LandArea, LandKind, LandUse};
use jingwu_routing::{AddressBook, AddressBookBuilder, Place};
use osmpbf::{Element, ElementReader};

use crate::OsmError;

/// Tags that make a named feature a place, in the order their value names its kind.
const PLACE_KEYS: &[&str] = &[
    "place",
    "amenity",
    "tourism",
    "leisure",
    "office",
    "shop",
    "railway",
    "public_transport",
];

#[derive(Default)]
struct Tags {
    name: Option<String>,
    name_en: Option<String>,
    highway: bool,
    housenumber: Option<String>,
    street: Option<String>,
    kind: Option<String>,
    /// Water, park or building, for the map (closed ways only).
    land: Option<LandKind>,
}

impl Tags {
    fn read<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Self {
        let mut t = Tags::default();
        let mut kind_rank = usize::MAX;
        for (k, v) in tags {
            match k {
                "name" => t.name = Some(v.to_string()),
                "name:en" => t.name_en = Some(v.to_string()),
                "highway" => t.highway = true,
                "addr:housenumber" => t.housenumber = Some(v.to_string()),
                "addr:street" => t.street = Some(v.to_string()),
                _ => {
                    // Water and parks win over a building tag on the same way.
                    if let Some(land) = LandKind::from_osm(k, v)
                        && t.land.is_none_or(|l| l == LandKind::Building)
                    {
                        t.land = Some(land);
                    }
                    if let Some(rank) = PLACE_KEYS.iter().position(|p| *p == k)
                        && rank < kind_rank
                        && (!matches!(k, "railway" | "public_transport") || v == "station")
                    {
                        kind_rank = rank;
                        t.kind = Some(v.to_string());
                    }
                }
            }
        }
        t
    }

    fn place(&self, lat: f64, lon: f64) -> Option<Place> {
        Some(Place {
            name: self.name.clone()?,
            name_en: self.name_en.clone().unwrap_or_default(),
            kind: self.kind.clone()?,
            lat,
            lon,
        })
    }
}

/// A way whose nodes' coordinates are needed.
struct NamedWay {
    refs: std::ops::Range<usize>,
    tags: Tags,
}

/// Reads the names of a PBF file into an [`AddressBook`].
///
/// # Errors
/// Missing/unreadable/corrupt file.
pub fn import_addresses(path: &Path) -> Result<AddressBook, OsmError> {
    import_names(path).map(|(book, _)| book)
}

/// Reads the names of a PBF file into an [`AddressBook`], and its water, parks and buildings
/// (closed ways tagged `natural=water`, `leisure=park`, `building=*` …; multipolygon
/// relations are not read) into a [`LandUse`] for the map.
///
/// # Errors
/// Missing/unreadable/corrupt file.
pub fn import_names(path: &Path) -> Result<(AddressBook, LandUse), OsmError> {
    let p = path.display().to_string();
    let pbf_err = |e: osmpbf::Error| OsmError::Pbf {
        path: p.clone(),
        message: e.to_string(),
    };
    let mut b = AddressBookBuilder::new();
    let mut ways: Vec<NamedWay> = Vec::new();
    let mut refs: Vec<i64> = Vec::new();
    let mut node_tags: Vec<(f64, f64, Tags)> = Vec::new();
    let mut keep_node = |lat: f64, lon: f64, t: Tags| {
        if t.housenumber.is_some() && t.street.is_some() || t.name.is_some() && t.kind.is_some() {
            node_tags.push((lat, lon, t));
        }
    };
    ElementReader::from_path(path)
        .map_err(&pbf_err)?
        .for_each(|el| match el {
            Element::Node(n) => keep_node(n.lat(), n.lon(), Tags::read(n.tags())),
            Element::DenseNode(n) => keep_node(n.lat(), n.lon(), Tags::read(n.tags())),
            Element::Way(w) => {
                let t = Tags::read(w.tags());
                let closed = w.refs().next().is_some() && w.refs().next() == w.refs().last();
                let wanted = t.highway && t.name.is_some()
                    || t.housenumber.is_some() && t.street.is_some()
                    || t.name.is_some() && t.kind.is_some()
                    || t.land.is_some() && closed;
                if wanted {
                    let start = refs.len();
                    refs.extend(w.refs());
                    ways.push(NamedWay {
                        refs: start..refs.len(),
                        tags: t,
                    });
                }
            }
            Element::Relation(_) => {}
        })
        .map_err(&pbf_err)?;

    let mut coords: HashMap<i64, (f64, f64)> = refs.iter().map(|&r| (r, (f64::NAN, 0.0))).collect();
    ElementReader::from_path(path)
        .map_err(&pbf_err)?
        .for_each(|el| {
            let (id, lat, lon) = match el {
                Element::Node(n) => (n.id(), n.lat(), n.lon()),
                Element::DenseNode(n) => (n.id(), n.lat(), n.lon()),
                _ => return,
            };
            if let Some(c) = coords.get_mut(&id) {
                *c = (lat, lon);
            }
        })
        .map_err(&pbf_err)?;

    // The first street seen at each node, to find crossroads.
    let mut street_at: HashMap<i64, u32> = HashMap::new();
    let mut land = Vec::new();
    for w in &ways {
        let pts: Vec<(i64, (f64, f64))> = refs[w.refs.clone()]
            .iter()
            .filter_map(|r| coords.get(r).filter(|c| !c.0.is_nan()).map(|c| (*r, *c)))
            .collect();
        if pts.is_empty() {
            continue;
        }
        let t = &w.tags;
        let ids = &refs[w.refs.clone()];
        if let Some(kind) = t.land
            && ids.first() == ids.last()
            && pts.len() == ids.len()
        {
            // A named park that is also a place is written once, as the place.
            let named = t.kind.is_none();
            land.push(LandArea {
                kind,
                name: t.name.clone().filter(|_| named).unwrap_or_default(),
                name_en: t.name_en.clone().filter(|_| named).unwrap_or_default(),
                ring: pts.iter().map(|(_, c)| *c).collect(),
            });
        }
        if t.highway
            && let Some(name) = &t.name
            && let Some(id) = b.street(name, t.name_en.as_deref().unwrap_or(""))
        {
            let line: Vec<(f64, f64)> = pts.iter().map(|(_, c)| *c).collect();
            b.add_line(id, &line);
            for (r, (lat, lon)) in &pts {
                match street_at.get(r) {
                    Some(&other) if other != id => b.add_crossing(other, id, *lat, *lon),
                    Some(_) => {}
                    None => {
                        street_at.insert(*r, id);
                    }
                }
            }
            continue;
        }
        let n = pts.len() as f64;
        let lat = pts.iter().map(|(_, c)| c.0).sum::<f64>() / n;
        let lon = pts.iter().map(|(_, c)| c.1).sum::<f64>() / n;
        add_point(&mut b, t, lat, lon);
    }
    for (lat, lon, t) in &node_tags {
        add_point(&mut b, t, *lat, *lon);
    }
    Ok((b.build(), LandUse::new(land)))
}

fn add_point(b: &mut AddressBookBuilder, t: &Tags, lat: f64, lon: f64) {
    if let (Some(hn), Some(street)) = (&t.housenumber, &t.street)
        && let Some(id) = b.street(street, "")
    {
        b.add_house(id, hn, lat, lon);
    }
    if let Some(place) = t.place(lat, lon) {
        b.add_place(place);
    }
}
