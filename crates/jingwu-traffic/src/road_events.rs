//! The road-event feed for map apps: accidents, closures, traffic controls and works entered
//! by traffic police, published as GeoJSON and in the shape of Waze's Closure and Incident Feed
//! Specification (CIFS): `{"incidents": [{id, type, subtype, polyline, street, starttime,
//! endtime, description, direction}]}` with `polyline` as space-separated "lat lon" pairs and
//! times in ISO 8601 with offset.

use serde_json::{Value, json};

use crate::records::RoadEvent;

jingwu_core::text_enum! {
    /// What happened on the road.
    pub enum RoadEventKind: "road event kind" {
        Accident = "accident" ("交通事故", "Accident"),
        Closure = "closure" ("道路封闭", "Road closed"),
        Control = "control" ("交通管制", "Traffic control"),
        Construction = "construction" ("道路施工", "Road works"),
    }
}

impl RoadEventKind {
    /// CIFS `type` and `subtype`.
    pub const fn cifs(self) -> (&'static str, &'static str) {
        match self {
            RoadEventKind::Accident => ("ACCIDENT", "ACCIDENT_MAJOR"),
            RoadEventKind::Closure => ("ROAD_CLOSED", "ROAD_CLOSED_HAZARD"),
            RoadEventKind::Control => ("ROAD_CLOSED", "ROAD_CLOSED_EVENT"),
            RoadEventKind::Construction => ("ROAD_CLOSED", "ROAD_CLOSED_CONSTRUCTION"),
        }
    }

    /// Whether the road engine should route around it (closures and controls close the
    /// stretch; an accident or works may leave lanes open).
    pub const fn closes_road(self) -> bool {
        matches!(self, RoadEventKind::Closure | RoadEventKind::Control)
    }
}

/// How much slower an event that does not close its road makes it when it says nothing
/// itself: travel time x 3 (our assumption: a lane or two blocked and traffic merging).
pub const DEFAULT_SLOWDOWN: f64 = 3.0;
/// The largest slowdown an event may set (beyond it, close the road instead).
pub const MAX_SLOWDOWN: f64 = 20.0;

/// Whether `factor` may be an event's slowdown: more than 1, at most [`MAX_SLOWDOWN`].
pub fn valid_slowdown(factor: f64) -> bool {
    factor > 1.0 && factor <= MAX_SLOWDOWN
}

impl crate::records::RoadEvent {
    /// The travel-time factor of the event's roads: `None` when it closes them.
    pub fn slowdown(&self) -> Option<f64> {
        (!self.kind.closes_road()).then(|| self.speed_factor.unwrap_or(DEFAULT_SLOWDOWN))
    }
}

/// Parses "lat lon lat lon …" into points; None when the text is not pairs of WGS 84
/// coordinates, or has more than `max` points.
pub fn parse_line(text: &str, max: usize) -> Option<Vec<(f64, f64)>> {
    let nums: Vec<f64> = text
        .split_whitespace()
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    if nums.is_empty() || !nums.len().is_multiple_of(2) || nums.len() / 2 > max {
        return None;
    }
    let pts: Vec<(f64, f64)> = nums.chunks(2).map(|c| (c[0], c[1])).collect();
    pts.iter()
        .all(|(lat, lon)| {
            lat.is_finite()
                && lon.is_finite()
                && (-90.0..=90.0).contains(lat)
                && (-180.0..=180.0).contains(lon)
        })
        .then_some(pts)
}

fn rfc3339(us: i64) -> String {
    let t = jiff::Timestamp::from_microsecond(us).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    jingwu_core::calendar::SHANGHAI
        .to_datetime(t)
        .strftime("%Y-%m-%dT%H:%M:%S+08:00")
        .to_string()
}

/// The events as a GeoJSON FeatureCollection (a point, or a line for a stretch).
pub fn geojson(events: &[RoadEvent]) -> Value {
    let features: Vec<Value> = events
        .iter()
        .map(|e| {
            let coords: Vec<[f64; 2]> = e.line.iter().map(|(lat, lon)| [*lon, *lat]).collect();
            let geometry = match coords.as_slice() {
                [one] => json!({"type": "Point", "coordinates": one}),
                many => json!({"type": "LineString", "coordinates": many}),
            };
            json!({
                "type": "Feature",
                "id": e.id,
                "geometry": geometry,
                "properties": {
                    "kind": e.kind,
                    "kind_zh": e.kind.label_zh(),
                    "street": e.street,
                    "description": e.description,
                    "both_ways": e.both_ways,
                    "starts_at": rfc3339(e.starts_at),
                    "ends_at": e.ends_at.map(rfc3339),
                    "closes_road": e.kind.closes_road(),
                    "slowdown": e.slowdown(),
                }
            })
        })
        .collect();
    json!({"type": "FeatureCollection", "features": features})
}

/// The events in the CIFS shape.
pub fn cifs(events: &[RoadEvent]) -> Value {
    let incidents: Vec<Value> = events
        .iter()
        .map(|e| {
            let (kind, subtype) = e.kind.cifs();
            let polyline = e
                .line
                .iter()
                .map(|(lat, lon)| format!("{lat:.6} {lon:.6}"))
                .collect::<Vec<_>>()
                .join(" ");
            let mut v = json!({
                "id": e.id,
                "type": kind,
                "subtype": subtype,
                "polyline": polyline,
                "street": e.street,
                "starttime": rfc3339(e.starts_at),
                "description": e.description,
                "direction": if e.both_ways { "BOTH_DIRECTIONS" } else { "ONE_DIRECTION" },
            });
            if let Some(end) = e.ends_at {
                v["endtime"] = json!(rfc3339(end));
            }
            v
        })
        .collect();
    json!({"incidents": incidents})
}
