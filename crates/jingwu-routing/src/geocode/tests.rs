use super::*;
use crate::{SyntheticCity, haversine_m};

fn city() -> (SyntheticCity, AddressBook) {
    let city = SyntheticCity::new(2_500, 7);
    let (g, _) = city.generate().unwrap();
    let book = city.addresses(&g);
    (city, book)
}

fn near(c: &Candidate, lat: f64, lon: f64) -> bool {
    haversine_m(c.lat, c.lon, lat, lon) < 1.0
}

#[test]
fn every_house_of_the_synthetic_city_is_found_where_it_is() {
    let (_, book) = city();
    assert!(book.house_count() > 5_000, "{}", book.house_count());
    assert!(book.street_count() > 100);
    for (label, lat, lon) in book.houses() {
        let got = book.geocode(&label, &[], 3);
        let top = &got[0];
        assert_eq!(top.label, label);
        assert_eq!(top.kind, MatchKind::House);
        assert!(near(top, lat, lon), "{label}: {top:?}");
        assert!((top.score - 1.0).abs() < 1e-9);
    }
}

#[test]
fn every_crossroads_is_found_in_both_forms() {
    let (_, book) = city();
    let crossings: Vec<_> = book
        .crossings()
        .map(|(a, b, la, lo)| (a.to_string(), b.to_string(), la, lo))
        .collect();
    assert!(crossings.len() > 1_000);
    for (a, b, lat, lon) in &crossings {
        for q in [
            format!("{a}与{b}交叉口"),
            format!("{b}和{a}路口"),
            format!("{a}/{b}"),
        ] {
            let got = book.geocode(&q, &[], 5);
            let hit = got.iter().find(|c| c.kind == MatchKind::Crossroads);
            assert!(hit.is_some_and(|c| near(c, *lat, *lon)), "{q}: {got:?}");
            assert_eq!(got[0].kind, MatchKind::Crossroads, "{q}: {got:?}");
        }
    }
}

#[test]
fn tolerant_forms_of_an_address_find_the_same_house() {
    let (_, book) = city();
    let (label, lat, lon) = book.houses().nth(1234).unwrap();
    let street = label
        .trim_end_matches('号')
        .trim_end_matches(|c: char| c.is_ascii_digit());
    let number = &label[street.len()..label.len() - "号".len()];
    let full_width: String = number
        .chars()
        .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
        .collect();
    let mut typo: Vec<char> = street.chars().collect();
    let last = typo.len() - 1;
    typo[last] = '陆'; // 路 -> 陆, a homophone typed by pinyin input
    let typo: String = typo.into_iter().collect();
    for q in [
        format!("{street}{full_width}號"),
        format!("{street}{number}"),
        format!("{street} {number} 号附近"),
        format!("浙江省宁波市鄞州区{street}{number}号"),
        format!("宁波市{street}{number}号"),
        format!("{typo}{number}号"),
    ] {
        let got = book.geocode(&q, &[], 5);
        assert!(!got.is_empty(), "{q}");
        assert_eq!(got[0].label, label, "{q}: {got:?}");
        assert!(near(&got[0], lat, lon), "{q}: {got:?}");
    }
}

#[test]
fn a_street_name_one_character_off_still_finds_the_house() {
    let (_, book) = city();
    let mut tried = 0;
    for (label, lat, lon) in book.houses().step_by(7) {
        let street = label
            .trim_end_matches('号')
            .trim_end_matches(|c: char| c.is_ascii_digit());
        let number = &label[street.len()..];
        let chars: Vec<char> = street.chars().collect();
        if chars.len() < 4 {
            continue;
        }
        let missing: String = chars
            .iter()
            .enumerate()
            .filter(|&(i, _)| i != 1)
            .map(|(_, c)| c)
            .collect();
        let mut wrong = chars.clone();
        wrong[1] = '口';
        let wrong: String = wrong.into_iter().collect();
        for typo in [missing, wrong] {
            // A typo that spells another street is that street.
            if book.by_key.contains_key(normalize(&typo).as_str()) {
                continue;
            }
            let q = format!("{typo}{number}");
            let got = book.geocode(&q, &[], 5);
            assert!(got.iter().any(|c| near(c, lat, lon)), "{q}: {got:?}");
            tried += 1;
        }
    }
    assert!(tried > 500, "{tried}");
}

#[test]
fn a_number_between_houses_is_interpolated_on_the_street() {
    let (_, book) = city();
    let houses: Vec<_> = book.houses().collect();
    // Two consecutive odd houses of one street, far enough apart to have a gap between them.
    let (a, b) = houses
        .windows(3)
        .find_map(|w| {
            let (s0, n0) = split(&w[0].0);
            let (s2, n2) = split(&w[2].0);
            (s0 == s2 && n0 % 2 == 1 && n2 == n0 + 2 + 20).then(|| (w[0].clone(), w[2].clone()))
        })
        .or_else(|| {
            houses.windows(3).find_map(|w| {
                let (s0, n0) = split(&w[0].0);
                let (s2, n2) = split(&w[2].0);
                (s0 == s2 && n0 % 2 == 1 && n2 % 2 == 1 && n2 > n0 + 4)
                    .then(|| (w[0].clone(), w[2].clone()))
            })
        })
        .unwrap();
    let (street, n0) = split(&a.0);
    let (_, n2) = split(&b.0);
    let n = n0 + 2 * ((n2 - n0) / 4);
    let got = book.geocode(&format!("{street}{n}号"), &[], 3);
    assert_eq!(got[0].kind, MatchKind::Interpolated, "{got:?}");
    assert_eq!(got[0].label, format!("{street}{n}号"));
    // On the segment between the two houses.
    let d_ab = haversine_m(a.1, a.2, b.1, b.2);
    let d = haversine_m(a.1, a.2, got[0].lat, got[0].lon)
        + haversine_m(got[0].lat, got[0].lon, b.1, b.2);
    assert!(d - d_ab < 1.0, "{d} vs {d_ab}");
}

fn split(label: &str) -> (&str, u32) {
    let s = label.trim_end_matches('号');
    let street = s.trim_end_matches(|c: char| c.is_ascii_digit());
    (street, s[street.len()..].parse().unwrap())
}

#[test]
fn typing_a_street_prefix_suggests_the_street() {
    let (_, book) = city();
    let (label, _, _) = book.houses().next().unwrap();
    let (street, _) = split(&label);
    let prefix: String = street.chars().take(3).collect();
    let got = book.geocode(&prefix, &[], 10);
    assert!(
        got.iter()
            .any(|c| c.label == street && c.kind == MatchKind::Street),
        "{prefix}: {got:?}"
    );
    assert!(got.windows(2).all(|w| w[0].score >= w[1].score));
}

#[test]
fn reverse_geocoding_names_the_nearest_house() {
    let (_, book) = city();
    for (label, lat, lon) in book.houses().step_by(97) {
        let hit = book.reverse(lat, lon, 200.0).unwrap();
        assert_eq!(hit.label, label);
        assert_eq!(hit.kind, MatchKind::House);
        assert!(hit.distance_m < 0.5);
        // And forward again from the reverse label lands on the same point.
        let back = &book.geocode(&hit.label, &[], 1)[0];
        assert!(near(back, lat, lon));
    }
    // Far outside the city nothing is named.
    assert!(book.reverse(0.0, 0.0, 200.0).is_none());
    assert!(book.reverse(f64::NAN, 0.0, 200.0).is_none());
}

#[test]
fn street_names_are_consistent_along_a_line_and_numbers_grow_from_its_start() {
    let (_, book) = city();
    let mut last: HashMap<String, u32> = HashMap::new();
    for (label, _, _) in book.houses() {
        let (street, n) = split(&label);
        if let Some(prev) = last.insert(street.to_string(), n) {
            assert!(n > prev, "{label} after {prev}");
        }
    }
    // Rows and columns: 东/西/南/北 halves and majors.
    assert!(last.keys().any(|s| s.ends_with("东路")));
    assert!(last.keys().any(|s| s.ends_with("北路")));
    assert!(last.keys().any(|s| s.ends_with("大道")));
}

#[test]
fn places_from_the_book_and_from_the_caller_are_matched() {
    let mut b = AddressBookBuilder::new();
    let s = b.street("解放南路", "Jiefang South Road").unwrap();
    b.add_line(s, &[(29.86, 121.55), (29.87, 121.55)]);
    b.add_house(s, "12-3", 29.865, 121.5501);
    b.add_house(s, "12", 29.864, 121.5501);
    b.add_house(s, "not a number", 29.864, 121.5501);
    b.add_place(Place {
        name: "天一广场".into(),
        name_en: "Tianyi Square".into(),
        kind: "square".into(),
        lat: 29.868,
        lon: 121.556,
    });
    let book = b.build();
    assert_eq!(book.house_count(), 2);
    let got = book.geocode("天一广场附近", &[], 5);
    assert_eq!(
        (got[0].label.as_str(), got[0].kind),
        ("天一广场", MatchKind::Place)
    );
    assert_eq!(got[0].detail, "square");
    let got = book.geocode("tianyi square", &[], 5);
    assert_eq!(got[0].label, "天一广场");
    let got = book.geocode("解放南路12-3号", &[], 5);
    assert_eq!(got[0].label, "解放南路12-3号", "{got:?}");
    assert!(near(&got[0], 29.865, 121.5501));
    let got = book.geocode("解放南路12号", &[], 5);
    assert_eq!(got[0].label, "解放南路12号", "{got:?}");
    // An unknown suffix falls back on the plain number, less sure.
    let got = book.geocode("解放南路12-5号", &[], 5);
    assert_eq!(got[0].label, "解放南路12号", "{got:?}");
    assert!(got[0].score < 1.0);
    let extra = [Place {
        name: "市第一医院".into(),
        name_en: "No. 1 Hospital".into(),
        kind: "key_site".into(),
        lat: 29.861,
        lon: 121.551,
    }];
    let got = book.geocode("第一医院", &extra, 5);
    assert_eq!(got[0].detail, "key_site", "{got:?}");
    let got = book.geocode("市第一医", &extra, 5);
    assert_eq!(got[0].label, "市第一医院", "{got:?}");
    // A street without houses answers a house query with the street, less sure.
    let got = book.geocode("解放南路99号", &[], 5);
    assert_eq!(got[0].kind, MatchKind::Interpolated);
    assert!(got[0].score < 1.0);
    // Reverse off the houses but on the road names the road.
    let hit = book.reverse(29.861, 121.55, 100.0).unwrap();
    assert_eq!(
        (hit.kind, hit.street.as_str()),
        (MatchKind::Street, "解放南路")
    );
    assert!(book.geocode("", &[], 5).is_empty());
    assert!(book.geocode("附近", &[], 5).is_empty());
    assert!(AddressBook::empty().geocode("解放南路", &[], 5).is_empty());
    assert!(AddressBook::empty().reverse(29.86, 121.55, 100.0).is_none());
}
