//! Station sites: where an org unit sits (its position and address) and, for a station, its
//! area (辖区) imported from administrative boundaries (see `imports` and `command::areas`).

use jingwu_command::setup::{check_position, check_text};
use jingwu_core::{Principal, path_contains};
use jingwu_store::command::{self as q, Site};
use jingwu_store::foundation::orgs::{self, OrgUnit};

use super::{invalid, may_set_up, named_org};
use crate::command::Command;
use crate::{RequestCtx, Result};

#[derive(Debug, Clone)]
pub struct SiteInput {
    pub lat: f64,
    pub lon: f64,
    pub address: String,
}

/// An org unit with its site (none until placed) and whether it has an imported area.
#[derive(Debug, Clone)]
pub struct SiteView {
    pub org: OrgUnit,
    pub site: Option<Site>,
}

/// The site to write for `org`, keeping the area it has.
pub(super) fn plan_site(
    before: Option<Site>,
    org: &OrgUnit,
    s: &SiteInput,
) -> std::result::Result<Site, Vec<jingwu_command::setup::Problem>> {
    let mut problems = check_position(s.lat, s.lon);
    let address = check_text("address", &s.address)
        .map_err(|p| problems.push(p))
        .ok();
    match address {
        Some(address) if problems.is_empty() => Ok(Site {
            org_id: org.id.as_str().into(),
            lat: s.lat,
            lon: s.lon,
            address,
            area_geojson: before.and_then(|b| b.area_geojson),
        }),
        _ => Err(problems),
    }
}

impl Command<'_> {
    /// Places an org unit's site (id or code in `org`).
    pub async fn set_site(
        &self,
        who: &Principal,
        org: &str,
        input: SiteInput,
        ctx: &RequestCtx,
    ) -> Result<SiteView> {
        self.k()
            .write(who, ctx, async |tx| {
                let org = named_org(tx.db(), who, org, "org").await?;
                let before = q::get_site(tx.db(), &org.id).await?;
                let site = plan_site(before.clone(), &org, &input).map_err(invalid)?;
                q::upsert_site(tx.db(), &site).await?;
                tx.audit(
                    "command.site.set",
                    ("org_unit", &org.id),
                    &org.path,
                    serde_json::json!({
                        "lat": site.lat, "lon": site.lon, "address": site.address,
                        "before": before.map(|b| serde_json::json!({ "lat": b.lat, "lon": b.lon, "address": b.address })),
                    }),
                )
                .await?;
                Ok(SiteView {
                    org,
                    site: Some(site),
                })
            })
            .await
            .inspect(|_| self.station_areas_changed())
    }

    /// Every org unit of the caller's jurisdiction with its site, in tree order.
    pub async fn list_sites(&self, who: &Principal) -> Result<Vec<SiteView>> {
        may_set_up(who)?;
        let mut conn = self.k().read().await?;
        let tree = orgs::subtree(&mut conn, &who.org_path).await?;
        let sites = q::sites_under(&mut conn, &who.org_path).await?;
        Ok(tree
            .into_iter()
            .filter(|o| path_contains(&who.org_path, &o.path))
            .map(|org| {
                let site = sites
                    .iter()
                    .find(|(s, _, _)| s.org_id == org.id.as_str())
                    .map(|(s, _, _)| s.clone());
                SiteView { org, site }
            })
            .collect())
    }
}
