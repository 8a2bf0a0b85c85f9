//! Tiles decoded by a standard MVT reader (`mvt-reader`), not by our encoder's own logic.

use std::collections::{BTreeSet, HashMap};

use jingwu_routing::tiles::{self, BaseMap, LandUse, MajorRoads, TileId};
use jingwu_routing::{AddressBook, Graph, SnapIndex, SyntheticCity};
use mvt_reader::Reader;
use mvt_reader::feature::{Feature, Value};

struct City {
    g: Graph,
    snap: SnapIndex,
    major: MajorRoads,
    book: AddressBook,
    land: LandUse,
}

fn city() -> City {
    let city = SyntheticCity::new(2_500, 7).with_pedestrian_ways();
    let (g, _) = city.generate().unwrap();
    let snap = SnapIndex::new(&g);
    City {
        book: city.addresses(&g),
        land: city.land_use(&g),
        major: MajorRoads::new(&g, &snap),
        snap,
        g,
    }
}

/// The tile of zoom `z` holding a point.
fn tile_at(z: u8, lat: f64, lon: f64) -> TileId {
    let n = f64::from(1u32 << z);
    let x = ((lon + 180.0) / 360.0 * n).floor() as u32;
    let r = lat.to_radians();
    let y =
        ((1.0 - (r.tan() + 1.0 / r.cos()).ln() / std::f64::consts::PI) / 2.0 * n).floor() as u32;
    TileId::new(z, x, y).unwrap()
}

/// Layer name -> its features, as a standard reader sees them.
fn decode(bytes: Vec<u8>) -> HashMap<String, Vec<Feature>> {
    let reader = Reader::new(bytes).expect("a valid vector tile");
    let names = reader.get_layer_names().unwrap();
    names
        .iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), reader.get_features(i).unwrap()))
        .collect()
}

fn text(f: &Feature, key: &str) -> Option<String> {
    match f.properties.as_ref()?.get(key)? {
        Value::String(s) => Some(s.clone()),
        _ => None,
    }
}

fn encode(c: &City, t: TileId) -> Vec<u8> {
    let map = BaseMap {
        graph: &c.g,
        snap: &c.snap,
        major: &c.major,
        book: &c.book,
        land: &c.land,
    };
    tiles::mvt::encode(&tiles::base_layers(map, t), tiles::EXTENT as u32)
}

#[test]
fn a_tile_holds_the_named_streets_that_meet_in_it() {
    let c = city();
    let crossings: Vec<_> = c
        .book
        .crossings()
        .map(|(a, b, la, lo)| (a.to_owned(), b.to_owned(), la, lo))
        .collect();
    assert!(crossings.len() > 50);
    for (a, b, lat, lon) in crossings.iter().step_by(7) {
        let t = tile_at(15, *lat, *lon);
        let layers = decode(encode(&c, t));
        let names: BTreeSet<String> = layers["road_names"]
            .iter()
            .filter_map(|f| text(f, "name"))
            .collect();
        assert!(
            names.contains(a) && names.contains(b),
            "{a} × {b} in {t:?}: {names:?}"
        );
        let english: Vec<String> = layers["road_names"]
            .iter()
            .filter_map(|f| text(f, "name_en"))
            .collect();
        assert!(
            !english.is_empty(),
            "English names travel with the Chinese ones"
        );
        assert!(!layers["roads"].is_empty());
    }
}

#[test]
fn roads_carry_their_class_and_minor_ones_wait_for_deeper_zooms() {
    let c = city();
    let g = &c.g;
    let (la, lo) = g.coord(0);
    let classes = |z: u8| -> BTreeSet<String> {
        decode(encode(&c, tile_at(z, la, lo)))
            .get("roads")
            .map(|fs| fs.iter().filter_map(|f| text(f, "class")).collect())
            .unwrap_or_default()
    };
    let deep = classes(14);
    assert!(
        deep.contains("street") && deep.contains("trunk"),
        "{deep:?}"
    );
    assert!(
        deep.contains("path"),
        "pedestrian streets are drawn: {deep:?}"
    );
    let city_view = classes(10);
    assert!(
        !city_view.is_empty() && !city_view.contains("street"),
        "{city_view:?}"
    );
    assert!(
        !decode(encode(&c, tile_at(10, la, lo))).contains_key("road_names"),
        "no street names at the widest zooms"
    );
    let named = |z: u8| {
        decode(encode(&c, tile_at(z, la, lo)))
            .get("road_names")
            .map_or(0, Vec::len)
    };
    let (city, district, street) = (named(11), named(13), named(15));
    assert!(
        city > 0 && city < district,
        "only major roads are named at city zoom: {city} {district}"
    );
    assert!(street > 0);
}

#[test]
fn geometry_stays_within_the_tile_and_its_buffer() {
    let c = city();
    let g = &c.g;
    let (la, lo) = g.coord(g.node_count() as u32 / 2);
    let layers = decode(encode(&c, tile_at(16, la, lo)));
    let lim = f32::from(i16::try_from(tiles::EXTENT + tiles::BUFFER).unwrap());
    let low = -f32::from(i16::try_from(tiles::BUFFER).unwrap());
    let mut points = 0;
    for f in layers.values().flatten() {
        use jingwu_routing::geo::CoordsIter;
        for c in f.geometry.coords_iter() {
            points += 1;
            assert!(
                (low..=lim).contains(&c.x) && (low..=lim).contains(&c.y),
                "{c:?}"
            );
        }
    }
    assert!(points > 10);
}

#[test]
fn the_river_and_parks_are_drawn_and_named() {
    let c = city();
    let (a, b, cc, d) = c.g.bbox();
    let all = c.land.in_box(a - 1.0, b - 1.0, cc + 1.0, d + 1.0);
    for kind in [tiles::LandKind::Water, tiles::LandKind::Park] {
        let area = all.iter().find(|x| x.kind == kind).unwrap();
        let (lat, lon) = area.centre();
        let layers = decode(encode(&c, tile_at(15, lat, lon)));
        let kinds: BTreeSet<String> = layers["landuse"]
            .iter()
            .filter_map(|f| text(f, "kind"))
            .collect();
        assert!(kinds.contains(kind.as_str()), "{kinds:?}");
        let places: BTreeSet<String> = layers["places"]
            .iter()
            .filter_map(|f| text(f, "name"))
            .collect();
        assert!(places.contains(&area.name), "{} in {places:?}", area.name);
    }
}
