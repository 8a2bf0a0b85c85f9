//! Key sites (重点部位) that must have a force within their target time.

use jingwu_command::setup::{Problem, check_position, check_target_secs, check_text};
use jingwu_core::{Action, KeySiteId, Principal, Scope, authorize};
use jingwu_store::Conn;
use jingwu_store::command::{self as q, KeySite};
use jingwu_store::foundation::orgs::OrgUnit;

use super::{invalid, may_set_up, named_org};
use crate::command::Command;
use crate::{AppError, RequestCtx, Result};

#[derive(Debug, Clone)]
pub struct KeySiteInput {
    /// Org unit (id or code) responsible for it.
    pub org: String,
    pub kind: String,
    pub name_zh: String,
    pub name_en: String,
    pub lat: f64,
    pub lon: f64,
    pub target_secs: i64,
}

/// The key site to write for `org` (a new one unless `id` names the one changed). A second
/// key site of the same name at the same org unit is refused.
pub(super) async fn plan_key_site(
    db: &mut impl Conn,
    org: &OrgUnit,
    k: &KeySiteInput,
    id: Option<&KeySiteId>,
) -> Result<std::result::Result<KeySite, Vec<Problem>>> {
    let mut problems = check_position(k.lat, k.lon);
    let mut text = |name: &str, v: &str| check_text(name, v).map_err(|p| problems.push(p)).ok();
    let (kind, name_zh, name_en) = (
        text("kind", &k.kind),
        text("name_zh", &k.name_zh),
        text("name_en", &k.name_en),
    );
    let target = check_target_secs(k.target_secs)
        .map_err(|p| problems.push(p))
        .ok();
    let (Some(kind), Some(name_zh), Some(name_en), Some(target_secs)) =
        (kind, name_zh, name_en, target)
    else {
        return Ok(Err(problems));
    };
    if !problems.is_empty() {
        return Ok(Err(problems));
    }
    let taken = q::key_sites_under(db, &org.path)
        .await?
        .into_iter()
        .any(|o| o.org_id == org.id.as_str() && o.name_zh == name_zh && Some(&o.id) != id);
    if taken {
        return Ok(Err(vec![(
            "name_zh".into(),
            jingwu_command::error_codes::field::TAKEN.code,
            format!("{} has a key site named {name_zh}", org.code),
        )]));
    }
    Ok(Ok(KeySite {
        id: id.cloned().unwrap_or_else(KeySiteId::new),
        org_id: org.id.as_str().into(),
        kind,
        name_zh,
        name_en,
        lat: k.lat,
        lon: k.lon,
        target_secs,
    }))
}

fn detail(k: &KeySite) -> serde_json::Value {
    serde_json::json!({
        "org_id": k.org_id, "kind": k.kind, "name_zh": k.name_zh, "name_en": k.name_en,
        "lat": k.lat, "lon": k.lon, "target_secs": k.target_secs,
    })
}

impl Command<'_> {
    pub async fn create_key_site(
        &self,
        who: &Principal,
        input: KeySiteInput,
        ctx: &RequestCtx,
    ) -> Result<(KeySite, String)> {
        self.k()
            .write(who, ctx, async |tx| {
                let org = named_org(tx.db(), who, &input.org, "org").await?;
                let k = plan_key_site(tx.db(), &org, &input, None)
                    .await?
                    .map_err(invalid)?;
                q::insert_key_site(tx.db(), &k).await?;
                tx.audit(
                    "command.key_site.create",
                    ("key_site", k.id.as_str()),
                    &org.path,
                    detail(&k),
                )
                .await?;
                Ok((k, org.path))
            })
            .await
    }

    pub async fn update_key_site(
        &self,
        who: &Principal,
        key_site_id: &str,
        input: KeySiteInput,
        ctx: &RequestCtx,
    ) -> Result<(KeySite, String)> {
        self.k()
            .write(who, ctx, async |tx| {
                let (before, _) = self.scoped_key_site(tx.db(), who, key_site_id).await?;
                let org = named_org(tx.db(), who, &input.org, "org").await?;
                let k = plan_key_site(tx.db(), &org, &input, Some(&before.id))
                    .await?
                    .map_err(invalid)?;
                q::update_key_site(tx.db(), &k).await?;
                let mut d = detail(&k);
                d["before"] = detail(&before);
                tx.audit(
                    "command.key_site.update",
                    ("key_site", k.id.as_str()),
                    &org.path,
                    d,
                )
                .await?;
                Ok((k, org.path))
            })
            .await
    }

    pub async fn delete_key_site(
        &self,
        who: &Principal,
        key_site_id: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        self.k()
            .write(who, ctx, async |tx| {
                let (k, path) = self.scoped_key_site(tx.db(), who, key_site_id).await?;
                q::delete_key_site(tx.db(), k.id.as_str()).await?;
                tx.audit(
                    "command.key_site.delete",
                    ("key_site", k.id.as_str()),
                    &path,
                    detail(&k),
                )
                .await?;
                Ok(())
            })
            .await
    }

    /// Key sites of the caller's jurisdiction.
    pub async fn list_key_sites(&self, who: &Principal) -> Result<Vec<KeySite>> {
        may_set_up(who)?;
        let mut conn = self.k().read().await?;
        Ok(q::key_sites_under(&mut conn, &who.org_path).await?)
    }

    async fn scoped_key_site(
        &self,
        db: &mut impl Conn,
        who: &Principal,
        key_site_id: &str,
    ) -> Result<(KeySite, String)> {
        let (k, path) = q::get_key_site(db, key_site_id)
            .await?
            .ok_or(AppError::NotFound { what: "key site" })?;
        authorize(who, Action::SetUpCommand, Scope::Org(&path))
            .map_err(|d| AppError::denied_object(d, "key site"))?;
        Ok((k, path))
    }
}
