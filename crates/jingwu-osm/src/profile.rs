//! Car profile: which OSM ways are drivable, how fast, in which direction.

use jingwu_routing::default_speed;

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
