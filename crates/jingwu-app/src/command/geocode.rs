//! Geocoding for the people who take calls: an address, crossroads or place typed at intake
//! becomes ranked candidates with a position, and a point on the map becomes the nearest
//! address. The road network's [`jingwu_routing::AddressBook`] knows streets, houses and
//! places; the caller's jurisdiction adds its key sites and stations, and where its stations
//! have areas (辖区) the answers are kept inside them.

use jingwu_command::area::Area;
use jingwu_command::error_codes::field;
use jingwu_core::{Action, OrgKind, Principal, Scope, authorize};
use jingwu_routing::{AddressBook, Candidate, Place, ReverseHit};

use super::Command;
use super::tiles::{Jurisdiction, MapOrg};
use crate::{AppError, Result};

/// Most candidates one query returns.
pub const GEOCODE_MAX_LIMIT: usize = 20;
/// Longest query accepted (characters): an address, not a paragraph.
pub const GEOCODE_MAX_QUERY_CHARS: usize = 100;
/// How far (metres) reverse geocoding looks for a named street or house.
pub const REVERSE_MAX_M: f64 = 300.0;

impl Command<'_> {
    /// Candidates for an address typed by a call-taker, best first (see the module docs).
    pub async fn geocode(
        &self,
        who: &Principal,
        query: &str,
        limit: usize,
    ) -> Result<Vec<Candidate>> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let chars = query.trim().chars().count();
        if chars == 0 || chars > GEOCODE_MAX_QUERY_CHARS {
            return Err(AppError::invalid(
                "q",
                field::GEOCODE_QUERY.code,
                format!("an address query has 1 to {GEOCODE_MAX_QUERY_CHARS} characters"),
            ));
        }
        if !(1..=GEOCODE_MAX_LIMIT).contains(&limit) {
            return Err(AppError::invalid(
                "limit",
                field::GEOCODE_LIMIT.code,
                format!("limit must be 1 to {GEOCODE_MAX_LIMIT}"),
            ));
        }
        let (places, areas) = geocode_scope(&self.jurisdiction(who).await?);
        let roads = self.roads();
        let empty;
        let book = match &roads {
            Some(r) => r.addresses(),
            None => {
                empty = AddressBook::empty();
                &empty
            }
        };
        // Ask for more than needed: some may fall outside the jurisdiction's areas.
        let mut found = book.geocode(query, &places, limit * 4);
        if !areas.is_empty() {
            found.retain(|c| areas.iter().any(|a| a.contains(c.lat, c.lon)));
        }
        found.truncate(limit);
        Ok(found)
    }

    /// The address nearest to a point within [`REVERSE_MAX_M`], `None` when nothing named is
    /// near or no road network is loaded. Street names are public, so the answer is not
    /// limited to the caller's areas (a call-taker may click just across a boundary).
    pub fn reverse_geocode(
        &self,
        who: &Principal,
        lat: f64,
        lon: f64,
    ) -> Result<Option<ReverseHit>> {
        authorize(who, Action::ReadCommand, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        if !(lat.is_finite()
            && lon.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&lon))
        {
            return Err(AppError::invalid(
                "lat",
                field::OUT_OF_RANGE.code,
                "latitude or longitude out of range",
            ));
        }
        Ok(self
            .roads()
            .and_then(|r| r.addresses().reverse(lat, lon, REVERSE_MAX_M)))
    }
}

/// The places and areas a caller's geocoding knows: key sites and stations as places, and the
/// stations' areas.
fn geocode_scope(j: &Jurisdiction) -> (Vec<Place>, Vec<Area>) {
    let mut places: Vec<Place> = j
        .key_sites
        .iter()
        .map(|k| Place {
            name: k.name_zh.clone(),
            name_en: k.name_en.clone(),
            kind: "key_site".into(),
            lat: k.lat,
            lon: k.lon,
        })
        .collect();
    let stations: Vec<&MapOrg> = j
        .orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Station)
        .collect();
    places.extend(stations.iter().map(|o| Place {
        name: o.name_zh.clone(),
        name_en: o.name_en.clone(),
        kind: "station".into(),
        lat: o.lat,
        lon: o.lon,
    }));
    // The jurisdiction's extent is known only when every station has its area; otherwise
    // stations without one own their surroundings by road and no address is excluded.
    let areas = stations
        .iter()
        .map(|o| o.area.clone())
        .collect::<Option<Vec<Area>>>()
        .unwrap_or_default();
    (places, areas)
}
