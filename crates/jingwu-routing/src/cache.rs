//! Binary graph cache: a versioned little-endian dump of the graph arrays with a 64-bit
//! checksum. Loading is one read plus array decoding, no parsing, so a city graph loads in
//! milliseconds.
//!
//! Layout (all integers little-endian):
//! `b"JWRGRAPH"`, `u32` version, `u32` reserved, `u64` nodes, `u64` edges, `u64` shape points,
//! then the arrays `lat, lon, fwd_first, fwd_head, fwd_time (car), motorbike_time, foot_time,
//! fwd_len (f32 bits), class, bwd_first, bwd_tail, bwd_edge, geom_first, geom (lat, lon
//! pairs)` each as 4-byte words, then a `u64` checksum of every byte before it.

use std::io::{Read, Write};

use crate::GraphError;
use crate::graph::Graph;
use crate::road_class::RoadClass;

const MAGIC: &[u8; 8] = b"JWRGRAPH";
/// Bump on any layout change; older files are rejected, not misread.
pub const CACHE_VERSION: u32 = 3;

/// Word-wise multiply-rotate checksum: detects truncation and bit rot, not tampering.
fn checksum(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0x243F_6A88_85A3_08D3 ^ bytes.len() as u64;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = (h ^ u64::from_le_bytes(w))
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h ^ u64::from_le_bytes(tail)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    h ^ (h >> 31)
}

fn put_u32s(buf: &mut Vec<u8>, v: impl IntoIterator<Item = u32>) {
    for x in v {
        buf.extend_from_slice(&x.to_le_bytes());
    }
}

/// Writes `graph` in the cache format.
///
/// # Errors
/// I/O errors of `out`.
pub fn write_graph(graph: &Graph, mut out: impl Write) -> Result<(), GraphError> {
    let mut buf = Vec::with_capacity(64 + graph.memory_bytes());
    buf.extend_from_slice(MAGIC);
    buf.extend_from_slice(&CACHE_VERSION.to_le_bytes());
    buf.extend_from_slice(&0u32.to_le_bytes());
    for n in [graph.lat.len(), graph.fwd_head.len(), graph.geom.len()] {
        buf.extend_from_slice(&(n as u64).to_le_bytes());
    }
    put_u32s(&mut buf, graph.lat.iter().map(|&x| x as u32));
    put_u32s(&mut buf, graph.lon.iter().map(|&x| x as u32));
    put_u32s(&mut buf, graph.fwd_first.iter().copied());
    put_u32s(&mut buf, graph.fwd_head.iter().copied());
    put_u32s(&mut buf, graph.fwd_time.iter().copied());
    for mode in 0..2 {
        put_u32s(&mut buf, graph.other_time.iter().map(|t| t[mode]));
    }
    put_u32s(&mut buf, graph.fwd_len.iter().map(|x| x.to_bits()));
    put_u32s(&mut buf, graph.class.iter().map(|&c| u32::from(c as u8)));
    put_u32s(&mut buf, graph.bwd_first.iter().copied());
    put_u32s(&mut buf, graph.bwd_tail.iter().copied());
    put_u32s(&mut buf, graph.bwd_edge.iter().copied());
    put_u32s(&mut buf, graph.geom_first.iter().copied());
    put_u32s(
        &mut buf,
        graph.geom.iter().flat_map(|p| [p[0] as u32, p[1] as u32]),
    );
    let sum = checksum(&buf);
    buf.extend_from_slice(&sum.to_le_bytes());
    out.write_all(&buf)?;
    out.flush()?;
    Ok(())
}

struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], GraphError> {
        if self.rest.len() < n {
            return Err(GraphError::Corrupt(format!("truncated in {what}")));
        }
        let (a, b) = self.rest.split_at(n);
        self.rest = b;
        Ok(a)
    }
    fn u64(&mut self, what: &str) -> Result<u64, GraphError> {
        let mut w = [0u8; 8];
        w.copy_from_slice(self.take(8, what)?);
        Ok(u64::from_le_bytes(w))
    }
    fn u32s(&mut self, n: usize, what: &str) -> Result<Vec<u32>, GraphError> {
        let bytes = n
            .checked_mul(4)
            .ok_or_else(|| GraphError::Corrupt(format!("size of {what}")))?;
        Ok(self
            .take(bytes, what)?
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

/// Reads a graph written by [`write_graph`], verifying version, checksum and structure.
///
/// # Errors
/// I/O errors, wrong magic or version, checksum mismatch, inconsistent arrays.
pub fn read_graph(mut input: impl Read) -> Result<Graph, GraphError> {
    let mut data = Vec::new();
    input.read_to_end(&mut data)?;
    if data.len() < 8 + 8 + 24 + 8 || &data[..8] != MAGIC {
        return Err(GraphError::Corrupt(
            "not a jingwu graph cache (bad magic)".into(),
        ));
    }
    let (body, sum) = data.split_at(data.len() - 8);
    let mut s = [0u8; 8];
    s.copy_from_slice(sum);
    let mut c = Cursor { rest: &body[8..] };
    let version = u32::from_le_bytes([body[8], body[9], body[10], body[11]]);
    if version != CACHE_VERSION {
        return Err(GraphError::Corrupt(format!(
            "cache version {version}, expected {CACHE_VERSION}"
        )));
    }
    if checksum(body) != u64::from_le_bytes(s) {
        return Err(GraphError::Corrupt("checksum mismatch".into()));
    }
    c.take(8, "header")?;
    let to_usize = |x: u64| usize::try_from(x).map_err(|_| GraphError::Corrupt("size".into()));
    let n = to_usize(c.u64("header")?)?;
    let m = to_usize(c.u64("header")?)?;
    let g = to_usize(c.u64("header")?)?;
    let n1 = n
        .checked_add(1)
        .ok_or_else(|| GraphError::Corrupt("size".into()))?;
    let m1 = m
        .checked_add(1)
        .ok_or_else(|| GraphError::Corrupt("size".into()))?;
    let lat = c.u32s(n, "lat")?.into_iter().map(|x| x as i32).collect();
    let lon = c.u32s(n, "lon")?.into_iter().map(|x| x as i32).collect();
    let fwd_first = c.u32s(n1, "fwd_first")?;
    let fwd_head = c.u32s(m, "fwd_head")?;
    let fwd_time = c.u32s(m, "fwd_time")?;
    let moto = c.u32s(m, "motorbike_time")?;
    let foot = c.u32s(m, "foot_time")?;
    let other_time = moto.into_iter().zip(foot).map(|(a, b)| [a, b]).collect();
    let fwd_len = c
        .u32s(m, "fwd_len")?
        .into_iter()
        .map(f32::from_bits)
        .collect();
    let class = c
        .u32s(m, "class")?
        .into_iter()
        .map(|v| {
            u8::try_from(v)
                .ok()
                .and_then(RoadClass::from_u8)
                .ok_or_else(|| GraphError::Corrupt(format!("road class {v}")))
        })
        .collect::<Result<_, _>>()?;
    let bwd_first = c.u32s(n1, "bwd_first")?;
    let bwd_tail = c.u32s(m, "bwd_tail")?;
    let bwd_edge = c.u32s(m, "bwd_edge")?;
    let geom_first = c.u32s(m1, "geom_first")?;
    let flat = c.u32s(
        g.checked_mul(2)
            .ok_or_else(|| GraphError::Corrupt("size".into()))?,
        "geom",
    )?;
    let geom = flat
        .chunks_exact(2)
        .map(|p| [p[0] as i32, p[1] as i32])
        .collect();
    if !c.rest.is_empty() {
        return Err(GraphError::Corrupt("trailing bytes".into()));
    }
    let graph = Graph {
        lat,
        lon,
        fwd_first,
        fwd_head,
        fwd_time,
        other_time,
        fwd_len,
        class,
        bwd_first,
        bwd_tail,
        bwd_edge,
        geom_first,
        geom,
    };
    graph.validate()?;
    Ok(graph)
}
