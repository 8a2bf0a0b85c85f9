//! A unit's AVL history is stored as track segments: one row per unit per write of the
//! position writer, holding that write's fixes of the unit in a compact binary form, instead
//! of one row per fix. At 100,000 fixes a second a row and two index entries per fix were the
//! ingest's whole cost (docs/benchmarks.md "AVL ingest"); a segment carries a terminal's
//! frame or a gateway's batch of one unit in one row.
//!
//! Format (version 1), little-endian: one version byte, then per fix 32 bytes — instant
//! (i64 µs), latitude and longitude (f64), speed km/h and heading degrees (f32, NaN when the
//! terminal did not say). f32 keeps speed to 1e-5 km/h and heading to 1e-5°, far finer than
//! any GNSS receiver reports them.
//!
//! A replayed fix (a terminal resending after a lost acknowledgement) may be stored in two
//! segments; [`merge`] keeps one fix per instant when a history is read.

use crate::records::Position;
use jingwu_core::UnitId;

const VERSION: u8 = 1;
const FIX_BYTES: usize = 32;

/// One fix of a unit's track (the unit is the segment's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrackFix {
    pub at: i64,
    pub lat: f64,
    pub lon: f64,
    pub speed_kmh: Option<f64>,
    pub heading: Option<f64>,
}

impl TrackFix {
    pub fn of(p: &Position) -> Self {
        TrackFix {
            at: p.at,
            lat: p.lat,
            lon: p.lon,
            speed_kmh: p.speed_kmh,
            heading: p.heading,
        }
    }

    pub fn at_unit(&self, unit_id: &UnitId) -> Position {
        Position {
            unit_id: unit_id.clone(),
            at: self.at,
            lat: self.lat,
            lon: self.lon,
            speed_kmh: self.speed_kmh,
            heading: self.heading,
        }
    }
}

/// A segment ready to store: its unit, time span and encoded fixes.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub unit_id: UnitId,
    pub first_at: i64,
    pub last_at: i64,
    pub fixes: i32,
    pub data: Vec<u8>,
}

/// Encodes fixes (in the order given) as one segment of `unit_id`; `None` for no fixes.
pub fn segment(unit_id: &UnitId, fixes: &[TrackFix]) -> Option<Segment> {
    let first_at = fixes.iter().map(|f| f.at).min()?;
    let last_at = fixes.iter().map(|f| f.at).max()?;
    let mut data = Vec::with_capacity(1 + fixes.len() * FIX_BYTES);
    data.push(VERSION);
    for f in fixes {
        data.extend_from_slice(&f.at.to_le_bytes());
        data.extend_from_slice(&f.lat.to_le_bytes());
        data.extend_from_slice(&f.lon.to_le_bytes());
        data.extend_from_slice(&optional(f.speed_kmh).to_le_bytes());
        data.extend_from_slice(&optional(f.heading).to_le_bytes());
    }
    Some(Segment {
        unit_id: unit_id.clone(),
        first_at,
        last_at,
        fixes: i32::try_from(fixes.len()).unwrap_or(i32::MAX),
        data,
    })
}

/// Splits a batch of any units' fixes into one segment per unit (units in first-seen order).
pub fn segments(batch: &[Position]) -> Vec<Segment> {
    let mut order: Vec<&UnitId> = Vec::new();
    let mut by_unit: std::collections::HashMap<&UnitId, Vec<TrackFix>> =
        std::collections::HashMap::new();
    for p in batch {
        by_unit
            .entry(&p.unit_id)
            .or_insert_with(|| {
                order.push(&p.unit_id);
                Vec::new()
            })
            .push(TrackFix::of(p));
    }
    order
        .into_iter()
        .filter_map(|u| segment(u, &by_unit[u]))
        .collect()
}

/// Why stored bytes are not a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Corrupt(pub String);

impl std::fmt::Display for Corrupt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "track segment: {}", self.0)
    }
}

/// Decodes a segment's fixes.
pub fn decode(data: &[u8]) -> Result<Vec<TrackFix>, Corrupt> {
    let (&version, body) = data.split_first().ok_or_else(|| Corrupt("empty".into()))?;
    if version != VERSION {
        return Err(Corrupt(format!("unknown version {version}")));
    }
    if body.len() % FIX_BYTES != 0 {
        return Err(Corrupt(format!("{} bytes is not whole fixes", body.len())));
    }
    Ok(body
        .chunks_exact(FIX_BYTES)
        .map(|c| TrackFix {
            at: i64::from_le_bytes(bytes(&c[0..8])),
            lat: f64::from_le_bytes(bytes(&c[8..16])),
            lon: f64::from_le_bytes(bytes(&c[16..24])),
            speed_kmh: present(f32::from_le_bytes(bytes(&c[24..28]))),
            heading: present(f32::from_le_bytes(bytes(&c[28..32]))),
        })
        .collect())
}

/// The fixes of several segments of one unit in time order, one per instant (the first
/// stored wins: a replay repeats what the terminal sent).
pub fn merge(segments: impl IntoIterator<Item = Vec<TrackFix>>) -> Vec<TrackFix> {
    let mut all: Vec<TrackFix> = segments.into_iter().flatten().collect();
    // Stable: among equal instants the earlier-stored fix stays first.
    all.sort_by_key(|f| f.at);
    all.dedup_by_key(|f| f.at);
    all
}

fn optional(v: Option<f64>) -> f32 {
    v.map_or(f32::NAN, |v| v as f32)
}

fn present(v: f32) -> Option<f64> {
    (!v.is_nan()).then_some(f64::from(v))
}

fn bytes<const N: usize>(s: &[u8]) -> [u8; N] {
    let mut b = [0; N];
    b.copy_from_slice(s);
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(at: i64, speed: Option<f64>) -> TrackFix {
        TrackFix {
            at,
            lat: 26.0 + at as f64 * 1e-7,
            lon: 119.3,
            speed_kmh: speed,
            heading: Some(90.0),
        }
    }

    #[test]
    fn a_segment_round_trips_its_fixes_and_span() {
        let unit = UnitId::from("u1");
        let fixes = vec![fix(30, Some(42.5)), fix(10, None), fix(20, Some(0.0))];
        let s = segment(&unit, &fixes).unwrap();
        assert_eq!((s.first_at, s.last_at, s.fixes), (10, 30, 3));
        assert_eq!(s.data.len(), 1 + 3 * FIX_BYTES);
        assert_eq!(decode(&s.data).unwrap(), fixes);
        assert!(segment(&unit, &[]).is_none());
    }

    #[test]
    fn a_batch_splits_into_one_segment_per_unit() {
        let p = |u: &str, at: i64| fix(at, None).at_unit(&UnitId::from(u));
        let batch = [p("a", 1), p("b", 2), p("a", 3)];
        let s = segments(&batch);
        assert_eq!(s.len(), 2);
        assert_eq!((s[0].unit_id.as_str(), s[0].fixes), ("a", 2));
        assert_eq!((s[1].unit_id.as_str(), s[1].fixes), ("b", 1));
    }

    #[test]
    fn merging_orders_by_time_and_keeps_the_first_of_an_instant() {
        let mut replayed = fix(20, Some(99.0));
        replayed.lat = 0.0;
        let merged = merge([
            vec![fix(20, Some(1.0)), fix(40, None)],
            vec![replayed, fix(10, None)],
        ]);
        assert_eq!(
            merged.iter().map(|f| f.at).collect::<Vec<_>>(),
            vec![10, 20, 40]
        );
        assert_eq!(merged[1].speed_kmh, Some(1.0));
    }

    #[test]
    fn damaged_bytes_are_reported_not_misread() {
        assert!(decode(&[]).is_err());
        assert!(decode(&[2]).is_err());
        assert!(decode(&[1, 0, 0]).is_err());
        assert_eq!(decode(&[1]).unwrap(), vec![]);
    }
}
