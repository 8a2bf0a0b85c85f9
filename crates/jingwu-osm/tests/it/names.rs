//! Names of the real extracts for the geocoder (© OpenStreetMap contributors, ODbL 1.0).

use std::collections::HashMap;
use std::path::PathBuf;

use jingwu_routing::tiles::LandKind;
use jingwu_routing::{AddressBook, MatchKind, haversine_m, normalize};

fn book(name: &str) -> AddressBook {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/osm")
        .join(format!("{name}/{name}.osm.pbf"));
    jingwu_osm::import_addresses(&path).unwrap()
}

#[test]
fn every_address_of_the_extract_is_found() {
    for name in ["monaco", "helsinki"] {
        let book = book(name);
        assert!(book.street_count() > 50, "{name}: {}", book.street_count());
        assert!(book.house_count() > 40, "{name}: {}", book.house_count());
        assert!(book.place_count() > 10, "{name}: {}", book.place_count());
        // The same address may be tagged twice (an entrance and its building, 「16 B」 and
        // 「16b」), so labels are grouped by their matching key.
        let mut at: HashMap<String, Vec<(f64, f64)>> = HashMap::new();
        for (label, lat, lon) in book.houses() {
            at.entry(normalize(&label)).or_default().push((lat, lon));
        }
        for (label, points) in &at {
            let got = book.geocode(label, &[], 3);
            assert!(!got.is_empty(), "{name}: {label:?} found nothing");
            let top = &got[0];
            // 「16 B」 and 「16b」 are the same house number.
            assert_eq!(
                normalize(&top.label),
                normalize(label),
                "{name}: {label}: {got:?}"
            );
            assert_eq!(top.kind, MatchKind::House);
            assert!(
                points
                    .iter()
                    .any(|p| haversine_m(p.0, p.1, top.lat, top.lon) < 1.0),
                "{name} {label}: {top:?} not at {points:?}"
            );
            // Reverse geocoding the house names a house right there.
            let (lat, lon) = points[0];
            let hit = book.reverse(lat, lon, 100.0).unwrap();
            assert!(hit.distance_m < 1.0, "{name} {label}: {hit:?}");
        }
    }
}

#[test]
fn crossroads_of_named_streets_are_found() {
    let book = book("monaco");
    let mut crossings: Vec<_> = book
        .crossings()
        .map(|(a, b, la, lo)| (a.to_owned(), b.to_owned(), la, lo))
        .collect();
    assert!(crossings.len() > 50, "{}", crossings.len());
    crossings.sort_by(|x, y| (&x.0, &x.1).cmp(&(&y.0, &y.1)));
    for (a, b, lat, lon) in crossings.iter().step_by(7) {
        let got = book.geocode(&format!("{a} & {b}"), &[], 5);
        assert!(
            got.iter()
                .any(|c| c.kind == MatchKind::Crossroads
                    && haversine_m(c.lat, c.lon, *lat, *lon) < 1.0),
            "{a} & {b}: {got:?}"
        );
    }
}

#[test]
fn water_parks_and_buildings_come_from_the_extract() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/osm/helsinki/helsinki.osm.pbf");
    let (_, land) = jingwu_osm::import_names(&path).unwrap();
    let all = land.in_box(-90.0, -180.0, 90.0, 180.0);
    for kind in [LandKind::Water, LandKind::Park, LandKind::Building] {
        let n = all.iter().filter(|a| a.kind == kind).count();
        assert!(n > 0, "no {kind:?} in the extract");
    }
    // Rings are closed, as the tiles expect.
    assert!(
        all.iter()
            .all(|a| a.ring.len() >= 4 && a.ring.first() == a.ring.last())
    );
}
