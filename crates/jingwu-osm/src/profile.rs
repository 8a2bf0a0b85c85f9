//! Travel profiles: which OSM ways cars, motorbikes/e-bikes and pedestrians may use, how
//! fast, in which direction (speeds and their sources: `jingwu_routing::TravelMode`).

use jingwu_routing::{CYCLEWAY_KMH, RoadClass, WALK_KMH, default_speed, motorbike_kmh};

/// Allowed travel direction along the way's node order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Oneway {
    Both,
    Forward,
    Backward,
}

/// A drivable way's speed (km/h) and direction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayProfile {
    pub kmh: f64,
    pub oneway: Oneway,
}

const MPH_KMH: f64 = 1.609_344;

/// Parses `maxspeed`: `50`, `50 km/h`, `50kmh`, `30 mph`, `50;60` (first value). Zone codes
/// (`CN:urban`), `none`, `walk`, `signals` give `None` so the class default applies.
#[must_use]
pub fn parse_maxspeed(v: &str) -> Option<f64> {
    let v = v.split(';').next()?.trim().to_ascii_lowercase();
    let (num, factor) = if let Some(n) = v.strip_suffix("mph") {
        (n.trim(), MPH_KMH)
    } else if let Some(n) = v
        .strip_suffix("km/h")
        .or_else(|| v.strip_suffix("kmh"))
        .or_else(|| v.strip_suffix("kph"))
    {
        (n.trim(), 1.0)
    } else {
        (v.as_str(), 1.0)
    };
    let kmh = num.parse::<f64>().ok()? * factor;
    (kmh.is_finite() && kmh > 0.0 && kmh <= 200.0).then_some(kmh)
}

fn excluded_access(v: &str) -> bool {
    matches!(v, "no" | "private")
}

/// Applies the car profile to a way's tags; `None` if cars cannot use it.
#[must_use]
pub fn car_profile<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<WayProfile> {
    let mut highway = None;
    let mut maxspeed = None;
    let mut oneway = None;
    let mut junction = None;
    let mut area = false;
    // Access tags from least to most specific; the most specific present decides.
    let mut access: [Option<&str>; 4] = [None; 4];
    for (k, v) in tags {
        match k {
            "highway" => highway = Some(v),
            "maxspeed" => maxspeed = Some(v),
            "oneway" => oneway = Some(v),
            "junction" => junction = Some(v),
            "area" => area = v == "yes",
            "access" => access[0] = Some(v),
            "vehicle" => access[1] = Some(v),
            "motor_vehicle" => access[2] = Some(v),
            "motorcar" => access[3] = Some(v),
            _ => {}
        }
    }
    let highway = highway?;
    let default = default_speed(highway)?;
    if area {
        return None;
    }
    if access
        .iter()
        .rev()
        .flatten()
        .next()
        .is_some_and(|v| excluded_access(v))
    {
        return None;
    }
    let implied = matches!(junction, Some("roundabout" | "circular"))
        || matches!(highway, "motorway" | "motorway_link");
    let oneway = match oneway {
        Some("yes" | "true" | "1") => Oneway::Forward,
        Some("-1" | "reverse") => Oneway::Backward,
        Some("no" | "false" | "0") => Oneway::Both,
        Some("reversible" | "alternating") => return None,
        _ if implied => Oneway::Forward,
        _ => Oneway::Both,
    };
    let kmh = maxspeed.and_then(parse_maxspeed).unwrap_or(default);
    Some(WayProfile { kmh, oneway })
}

/// What each travel mode may do on a way: speed in km/h (`None` = may not use it) and the
/// direction vehicles must keep (pedestrians walk both ways), and the way's road class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WayModes {
    pub car: Option<f64>,
    pub motorbike: Option<f64>,
    pub foot: Option<f64>,
    pub oneway: Oneway,
    pub class: RoadClass,
}

/// The road class of a way's `highway` value, or the one its car speed implies.
#[must_use]
pub fn road_class(highway: &str, car_kmh: Option<f64>) -> RoadClass {
    RoadClass::from_highway(highway).unwrap_or_else(|| RoadClass::from_car_kmh(car_kmh))
}

/// Ways only pedestrians use by default.
const FOOT_ONLY: &[&str] = &["footway", "pedestrian", "steps", "path"];

/// The most specific access value present among `keys` (least specific first).
fn access_of<'a>(tags: &[(&'a str, &'a str)], keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .rev()
        .find_map(|k| tags.iter().find(|(tk, _)| tk == k).map(|&(_, v)| v))
}

/// Applies the car, motorbike and foot profiles to a way's tags; `None` if no mode may use it.
/// Motorways are closed to motorbikes and pedestrians (Road Traffic Safety Law of the PRC,
/// art. 67); footways, pedestrian streets, steps and paths are for pedestrians only;
/// cycleways for e-bikes (and pedestrians where `foot=yes`); `foot=no`, `motor_vehicle=no`
/// and the like close a way to the modes they name.
#[must_use]
pub fn way_profile<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<WayModes> {
    let tags: Vec<(&str, &str)> = tags.into_iter().collect();
    let get = |k: &str| tags.iter().find(|(tk, _)| *tk == k).map(|&(_, v)| v);
    let highway = get("highway")?;
    if get("area") == Some("yes") {
        return None;
    }
    let car = car_profile(tags.iter().copied());
    let motorway = matches!(highway, "motorway" | "motorway_link");
    let excluded = |keys: &[&str]| access_of(&tags, keys).is_some_and(excluded_access);
    let allowed = |keys: &[&str]| {
        access_of(&tags, keys).is_some_and(|v| !excluded_access(v) && !v.is_empty())
    };
    let car_class = default_speed(highway);
    let motorbike = if motorway {
        None
    } else if highway == "cycleway" {
        (!excluded(&["access", "vehicle"])).then_some(CYCLEWAY_KMH)
    } else if car_class.is_some()
        && !excluded(&["access", "vehicle", "motor_vehicle", "motorcycle"])
    {
        car.map(|c| c.kmh).or(car_class).map(motorbike_kmh)
    } else {
        None
    };
    let foot_way = FOOT_ONLY.contains(&highway) || car_class.is_some();
    let foot = if motorway {
        None
    } else if highway == "cycleway" {
        allowed(&["foot"]).then_some(WALK_KMH)
    } else {
        (foot_way && !excluded(&["access", "foot"])).then_some(WALK_KMH)
    };
    // Vehicles keep the way's direction; the car profile knows the rules (and refuses
    // reversible ways, which then stay closed to motorbikes too).
    let oneway = match car {
        Some(c) => c.oneway,
        None => match get("oneway") {
            Some("yes" | "true" | "1") => Oneway::Forward,
            Some("-1" | "reverse") => Oneway::Backward,
            _ => Oneway::Both,
        },
    };
    let motorbike = if get("oneway").is_some_and(|v| matches!(v, "reversible" | "alternating")) {
        None
    } else {
        motorbike
    };
    let car = car.map(|c| c.kmh);
    (car.is_some() || motorbike.is_some() || foot.is_some()).then_some(WayModes {
        car,
        motorbike,
        foot,
        oneway,
        class: road_class(highway, car),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(tags: &[(&str, &str)], expected: Option<(f64, Oneway)>) {
        let got = car_profile(tags.iter().copied()).map(|p| (p.kmh, p.oneway));
        assert_eq!(got, expected, "{tags:?}");
    }

    #[test]
    fn profile_table() {
        check(&[("highway", "residential")], Some((20.0, Oneway::Both)));
        check(&[("highway", "footway")], None);
        check(
            &[("highway", "primary"), ("maxspeed", "30 mph")],
            Some((30.0 * MPH_KMH, Oneway::Both)),
        );
        check(
            &[("highway", "primary"), ("maxspeed", "70")],
            Some((70.0, Oneway::Both)),
        );
        check(
            &[("highway", "primary"), ("maxspeed", "CN:urban")],
            Some((50.0, Oneway::Both)),
        );
        check(
            &[("highway", "secondary"), ("oneway", "yes")],
            Some((40.0, Oneway::Forward)),
        );
        check(
            &[("highway", "secondary"), ("oneway", "-1")],
            Some((40.0, Oneway::Backward)),
        );
        check(
            &[("highway", "secondary"), ("junction", "roundabout")],
            Some((40.0, Oneway::Forward)),
        );
        check(&[("highway", "motorway")], Some((80.0, Oneway::Forward)));
        check(
            &[("highway", "motorway"), ("oneway", "no")],
            Some((80.0, Oneway::Both)),
        );
        check(&[("highway", "service"), ("access", "private")], None);
        check(&[("highway", "service"), ("motor_vehicle", "no")], None);
        check(
            &[
                ("highway", "service"),
                ("access", "no"),
                ("motorcar", "yes"),
            ],
            Some((15.0, Oneway::Both)),
        );
        check(&[("highway", "tertiary"), ("oneway", "reversible")], None);
    }

    /// Car, motorbike and foot speeds and the vehicles' direction.
    type Speeds = (Option<f64>, Option<f64>, Option<f64>, Oneway);

    fn modes(tags: &[(&str, &str)]) -> Option<Speeds> {
        way_profile(tags.iter().copied()).map(|m| (m.car, m.motorbike, m.foot, m.oneway))
    }

    #[test]
    fn ways_carry_their_road_class() {
        let class = |tags: &[(&str, &str)]| way_profile(tags.iter().copied()).map(|m| m.class);
        assert_eq!(class(&[("highway", "trunk_link")]), Some(RoadClass::Trunk));
        assert_eq!(class(&[("highway", "pedestrian")]), Some(RoadClass::Path));
        assert_eq!(
            class(&[("highway", "residential")]),
            Some(RoadClass::Street)
        );
    }

    #[test]
    fn mode_table() {
        let walk = Some(WALK_KMH);
        assert_eq!(
            modes(&[("highway", "residential")]),
            Some((Some(20.0), Some(20.0), walk, Oneway::Both))
        );
        // Motorways: cars only.
        assert_eq!(
            modes(&[("highway", "motorway")]),
            Some((Some(80.0), None, None, Oneway::Forward))
        );
        assert_eq!(
            modes(&[("highway", "motorway_link"), ("foot", "yes")]),
            Some((Some(50.0), None, None, Oneway::Forward))
        );
        // Motorbikes at the car speed up to their cap.
        assert_eq!(
            modes(&[("highway", "primary")]),
            Some((Some(50.0), Some(40.0), walk, Oneway::Both))
        );
        // Footways, pedestrian streets, steps, paths: pedestrians only.
        for hw in ["footway", "pedestrian", "steps", "path"] {
            assert_eq!(
                modes(&[("highway", hw)]),
                Some((None, None, walk, Oneway::Both)),
                "{hw}"
            );
        }
        assert_eq!(modes(&[("highway", "footway"), ("foot", "no")]), None);
        assert_eq!(
            modes(&[("highway", "footway"), ("access", "private")]),
            None
        );
        // Closed to motor vehicles: pedestrians still walk it.
        assert_eq!(
            modes(&[("highway", "service"), ("motor_vehicle", "no")]),
            Some((None, None, walk, Oneway::Both))
        );
        // Closed to pedestrians.
        assert_eq!(
            modes(&[("highway", "trunk"), ("foot", "no")]),
            Some((Some(60.0), Some(40.0), None, Oneway::Both))
        );
        // One-way rules bind vehicles; the profile reports the direction, pedestrians ignore it.
        assert_eq!(
            modes(&[("highway", "tertiary"), ("oneway", "yes")]),
            Some((Some(30.0), Some(30.0), walk, Oneway::Forward))
        );
        // Cycleways: e-bikes, pedestrians only where allowed.
        assert_eq!(
            modes(&[("highway", "cycleway")]),
            Some((None, Some(CYCLEWAY_KMH), None, Oneway::Both))
        );
        assert_eq!(
            modes(&[("highway", "cycleway"), ("foot", "designated")]),
            Some((None, Some(CYCLEWAY_KMH), walk, Oneway::Both))
        );
        assert_eq!(modes(&[("highway", "footway"), ("area", "yes")]), None);
        assert_eq!(modes(&[("building", "yes")]), None);
    }

    #[test]
    fn maxspeed_forms() {
        assert_eq!(parse_maxspeed("50"), Some(50.0));
        assert_eq!(parse_maxspeed("50 km/h"), Some(50.0));
        assert_eq!(parse_maxspeed("60kmh"), Some(60.0));
        assert_eq!(parse_maxspeed("40;60"), Some(40.0));
        assert_eq!(parse_maxspeed("none"), None);
        assert_eq!(parse_maxspeed("walk"), None);
        assert_eq!(parse_maxspeed("0"), None);
    }
}
