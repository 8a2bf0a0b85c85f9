//! Mapbox Vector Tile 2.1 encoding: layers of features with key/value tables and geometry
//! commands, written as protocol buffers (the `vector_tile.proto` of the specification,
//! <https://github.com/mapbox/vector-tile-spec/tree/master/2.1>). Only what the map needs is
//! written: string and integer values, points, lines and polygons.

use std::collections::HashMap;

/// A property value.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Value {
    Str(String),
    Int(i64),
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}

/// Geometry in tile coordinates (x right, y down). Polygon rings follow the specification's
/// winding: exterior rings clockwise on screen (positive surveyor's area in tile
/// coordinates), holes the other way; [`orient_rings`] makes them so.
#[derive(Debug, Clone, PartialEq)]
pub enum Geometry {
    Points(Vec<[i32; 2]>),
    Lines(Vec<Vec<[i32; 2]>>),
    /// Rings without the repeated closing point; an exterior ring is followed by its holes.
    Polygons(Vec<Vec<[i32; 2]>>),
}

/// One layer being filled. Keys and values are shared by its features.
#[derive(Debug)]
pub struct Layer {
    name: String,
    keys: Vec<String>,
    key_ix: HashMap<String, u32>,
    values: Vec<Value>,
    value_ix: HashMap<Value, u32>,
    /// Each feature already encoded.
    features: Vec<Vec<u8>>,
}

const MOVE_TO: u32 = 1;
const LINE_TO: u32 = 2;
const CLOSE_PATH: u32 = 7;

impl Layer {
    #[must_use]
    pub fn new(name: &str) -> Self {
        Layer {
            name: name.to_owned(),
            keys: Vec::new(),
            key_ix: HashMap::new(),
            values: Vec::new(),
            value_ix: HashMap::new(),
            features: Vec::new(),
        }
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.features.is_empty()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.features.len()
    }

    /// Adds a feature; one with no drawable geometry (a line of fewer than two points, a ring
    /// of fewer than three) is skipped.
    pub fn add(&mut self, geometry: &Geometry, props: &[(&str, Value)]) {
        let (kind, commands) = match geometry {
            Geometry::Points(pts) => (1, point_commands(pts)),
            Geometry::Lines(lines) => (2, path_commands(lines, 2, false)),
            Geometry::Polygons(rings) => (3, path_commands(rings, 3, true)),
        };
        if commands.is_empty() {
            return;
        }
        let mut tags = Vec::with_capacity(props.len() * 2);
        for (k, v) in props {
            if matches!(v, Value::Str(s) if s.is_empty()) {
                continue;
            }
            tags.push(self.key(k));
            tags.push(self.value(v));
        }
        let mut f = Vec::new();
        packed(&mut f, 2, &tags);
        field_varint(&mut f, 3, kind);
        packed(&mut f, 4, &commands);
        self.features.push(f);
    }

    fn key(&mut self, k: &str) -> u32 {
        if let Some(&i) = self.key_ix.get(k) {
            return i;
        }
        let i = self.keys.len() as u32;
        self.keys.push(k.to_owned());
        self.key_ix.insert(k.to_owned(), i);
        i
    }

    fn value(&mut self, v: &Value) -> u32 {
        if let Some(&i) = self.value_ix.get(v) {
            return i;
        }
        let i = self.values.len() as u32;
        self.values.push(v.clone());
        self.value_ix.insert(v.clone(), i);
        i
    }

    fn encode(&self, extent: u32, out: &mut Vec<u8>) {
        let mut l = Vec::new();
        field_varint(&mut l, 15, 2);
        field_bytes(&mut l, 1, self.name.as_bytes());
        for f in &self.features {
            field_bytes(&mut l, 2, f);
        }
        for k in &self.keys {
            field_bytes(&mut l, 3, k.as_bytes());
        }
        for v in &self.values {
            let mut b = Vec::new();
            match v {
                Value::Str(s) => field_bytes(&mut b, 1, s.as_bytes()),
                // sint64 (zigzag), so negative numbers stay short.
                Value::Int(i) => field_varint(&mut b, 6, ((i << 1) ^ (i >> 63)) as u64),
            }
            field_bytes(&mut l, 4, &b);
        }
        field_varint(&mut l, 5, u64::from(extent));
        field_bytes(out, 3, &l);
    }
}

/// The tile: its non-empty layers in order.
#[must_use]
pub fn encode(layers: &[Layer], extent: u32) -> Vec<u8> {
    let mut out = Vec::new();
    for l in layers.iter().filter(|l| !l.is_empty()) {
        l.encode(extent, &mut out);
    }
    out
}

/// Makes every exterior ring clockwise on screen and every hole counter-clockwise, given
/// which rings are holes.
pub fn orient_rings(rings: &mut [Vec<[i32; 2]>], is_hole: &[bool]) {
    for (ring, &hole) in rings.iter_mut().zip(is_hole) {
        // Positive area in tile coordinates (y down) is clockwise on screen.
        if (area2(ring) > 0) == hole {
            ring.reverse();
        }
    }
}

/// Twice the surveyor's-formula area of a ring.
fn area2(ring: &[[i32; 2]]) -> i64 {
    let n = ring.len();
    (0..n)
        .map(|i| {
            let [x0, y0] = ring[i];
            let [x1, y1] = ring[(i + 1) % n];
            i64::from(x0) * i64::from(y1) - i64::from(x1) * i64::from(y0)
        })
        .sum()
}

fn zigzag(v: i32) -> u32 {
    ((v << 1) ^ (v >> 31)) as u32
}

fn command(id: u32, count: usize) -> u32 {
    (id & 7) | ((count as u32) << 3)
}

fn point_commands(pts: &[[i32; 2]]) -> Vec<u32> {
    if pts.is_empty() {
        return Vec::new();
    }
    let mut c = vec![command(MOVE_TO, pts.len())];
    let mut at = [0, 0];
    for p in pts {
        c.push(zigzag(p[0] - at[0]));
        c.push(zigzag(p[1] - at[1]));
        at = *p;
    }
    c
}

/// MoveTo, LineTo (and ClosePath for rings) per part; parts with fewer than `min` distinct
/// consecutive points are dropped.
fn path_commands(parts: &[Vec<[i32; 2]>], min: usize, close: bool) -> Vec<u32> {
    let mut c = Vec::new();
    let mut at = [0, 0];
    for part in parts {
        let mut pts: Vec<[i32; 2]> = part.clone();
        pts.dedup();
        if close && pts.len() > 1 && pts.first() == pts.last() {
            pts.pop();
        }
        if pts.len() < min {
            continue;
        }
        c.push(command(MOVE_TO, 1));
        c.push(zigzag(pts[0][0] - at[0]));
        c.push(zigzag(pts[0][1] - at[1]));
        at = pts[0];
        c.push(command(LINE_TO, pts.len() - 1));
        for p in &pts[1..] {
            c.push(zigzag(p[0] - at[0]));
            c.push(zigzag(p[1] - at[1]));
            at = *p;
        }
        if close {
            c.push(command(CLOSE_PATH, 1));
        }
    }
    c
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn field_varint(out: &mut Vec<u8>, field: u32, v: u64) {
    varint(out, u64::from(field << 3));
    varint(out, v);
}

fn field_bytes(out: &mut Vec<u8>, field: u32, bytes: &[u8]) {
    varint(out, u64::from((field << 3) | 2));
    varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

fn packed(out: &mut Vec<u8>, field: u32, vals: &[u32]) {
    if vals.is_empty() {
        return;
    }
    let mut b = Vec::with_capacity(vals.len() * 2);
    for &v in vals {
        varint(&mut b, u64::from(v));
    }
    field_bytes(out, field, &b);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specification_examples_encode_as_written() {
        // Vector tile spec 2.1, section 4.3.5: a point at (25, 17) is [9, 50, 34].
        assert_eq!(point_commands(&[[25, 17]]), vec![9, 50, 34]);
        // A line (2,2) (2,10) (10,10) is [9, 4, 4, 18, 0, 16, 16, 0].
        assert_eq!(
            path_commands(&[vec![[2, 2], [2, 10], [10, 10]]], 2, false),
            vec![9, 4, 4, 18, 0, 16, 16, 0]
        );
        // A polygon (3,6) (8,12) (20,34) is [9, 6, 12, 18, 10, 12, 24, 44, 15].
        assert_eq!(
            path_commands(&[vec![[3, 6], [8, 12], [20, 34]]], 3, true),
            vec![9, 6, 12, 18, 10, 12, 24, 44, 15]
        );
    }

    #[test]
    fn rings_are_oriented_and_degenerate_parts_dropped() {
        let mut rings = vec![
            vec![[0, 0], [0, 10], [10, 10], [10, 0]],
            vec![[2, 2], [4, 2], [4, 4], [2, 4]],
        ];
        orient_rings(&mut rings, &[false, true]);
        assert!(area2(&rings[0]) > 0 && area2(&rings[1]) < 0);
        assert!(path_commands(&[vec![[1, 1], [1, 1]]], 2, false).is_empty());
    }
}
