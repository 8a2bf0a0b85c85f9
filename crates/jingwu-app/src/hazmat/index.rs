//! The enterprises' places in memory, for "what lies inside this zone" within milliseconds:
//! a city registry of tens of thousands of rows cannot be read from SQL at every picture (the
//! rows alone take tens of milliseconds), and zones are recomputed at every read.
//!
//! The index is rebuilt when the registry's version (a counter bumped in the same transaction
//! as every enterprise added) differs from the one it was built at, so a registration or
//! import on any node is seen at the next picture; checking it is a one-row read.

use std::sync::{Arc, RwLock};

use jingwu_core::path_contains;
use jingwu_hazmat::zone::{Bbox, LatLon};
use jingwu_store::Conn;
use jingwu_store::hazmat::{self as q, EnterprisePoint};

use crate::Result;

/// Enterprises sorted by latitude, with their org paths.
pub(crate) struct EnterpriseIndex {
    version: i64,
    points: Vec<(EnterprisePoint, String)>,
}

impl EnterpriseIndex {
    /// The enterprises in `b` whose org unit lies under `scope`.
    pub(crate) fn within<'a>(
        &'a self,
        b: &'a Bbox,
        scope: &'a str,
    ) -> impl Iterator<Item = &'a EnterprisePoint> + 'a {
        let start = self.points.partition_point(|(p, _)| p.lat < b.min_lat);
        self.points[start..]
            .iter()
            .take_while(move |(p, _)| p.lat <= b.max_lat)
            .filter(move |(p, path)| {
                b.contains(LatLon {
                    lat: p.lat,
                    lon: p.lon,
                }) && path_contains(scope, path)
            })
            .map(|(p, _)| p)
    }
}

#[derive(Default)]
pub(crate) struct IndexCell(RwLock<Option<Arc<EnterpriseIndex>>>);

impl IndexCell {
    /// The index, rebuilt first when the registry changed since it was built.
    pub(crate) async fn current(&self, db: &mut impl Conn) -> Result<Arc<EnterpriseIndex>> {
        let version = q::enterprises_version(db).await?;
        if let Some(i) = self.0.read().unwrap_or_else(|e| e.into_inner()).as_ref()
            && i.version == version
        {
            return Ok(i.clone());
        }
        let mut points = q::all_enterprise_points(db).await?;
        points.sort_by(|a, b| a.0.lat.total_cmp(&b.0.lat));
        let index = Arc::new(EnterpriseIndex { version, points });
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = Some(index.clone());
        Ok(index)
    }
}
