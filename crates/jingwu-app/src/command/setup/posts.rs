//! Posts (巡逻岗亭/警务站): named positions under a station that its units return to.

use jingwu_command::setup::{Problem, check_position, check_text};
use jingwu_core::{Action, Principal, Scope, authorize, new_id};
use jingwu_store::Conn;
use jingwu_store::command::{self as q, Post};
use jingwu_store::foundation::orgs::OrgUnit;

use super::{invalid, may_set_up, named_org, station_only};
use crate::command::Command;
use crate::{AppError, RequestCtx, Result};

#[derive(Debug, Clone)]
pub struct PostInput {
    pub name: String,
    pub lat: f64,
    pub lon: f64,
}

/// The post to write: a new one, or the station's post of that name moved.
pub(super) async fn plan_post(
    db: &mut impl Conn,
    org: &OrgUnit,
    p: &PostInput,
    now: i64,
) -> Result<std::result::Result<Post, Vec<Problem>>> {
    let mut problems = check_position(p.lat, p.lon);
    problems.extend(station_only(org, "org_code").err());
    let name = check_text("name", &p.name)
        .map_err(|e| problems.push(e))
        .ok();
    let Some(name) = name.filter(|_| problems.is_empty()) else {
        return Ok(Err(problems));
    };
    let existing = q::post_named(db, &org.id, &name).await?;
    Ok(Ok(Post {
        id: existing.as_ref().map_or_else(new_id, |e| e.id.clone()),
        org_id: org.id.as_str().into(),
        name,
        lat: p.lat,
        lon: p.lon,
        created_at: existing.map_or(now, |e| e.created_at),
    }))
}

/// Writes a planned post (insert, or update of the station's post of that name).
pub(super) async fn write_post(db: &mut jingwu_store::WriteTx, p: &Post) -> Result<()> {
    if q::get_post(db, &p.id).await?.is_some() {
        q::update_post(db, p).await?;
    } else {
        q::insert_post(db, p).await?;
    }
    Ok(())
}

impl Command<'_> {
    /// Adds a post to a station (or moves the station's post of that name).
    pub async fn create_post(
        &self,
        who: &Principal,
        org: &str,
        input: PostInput,
        ctx: &RequestCtx,
    ) -> Result<(Post, String)> {
        self.k()
            .write(who, ctx, async |tx| {
                let org = named_org(tx.db(), who, org, "org").await?;
                let now = tx.now_us();
                let post = plan_post(tx.db(), &org, &input, now).await?.map_err(|p| {
                    invalid(
                        p.into_iter()
                            .map(|(f, c, m)| (if f == "org_code" { "org".into() } else { f }, c, m))
                            .collect(),
                    )
                })?;
                write_post(tx.db(), &post).await?;
                tx.audit(
                    "command.post.set",
                    ("post", &post.id),
                    &org.path,
                    serde_json::json!({ "name": post.name, "lat": post.lat, "lon": post.lon }),
                )
                .await?;
                Ok((post, org.path))
            })
            .await
    }

    /// Renames or moves a post.
    pub async fn update_post(
        &self,
        who: &Principal,
        post_id: &str,
        input: PostInput,
        ctx: &RequestCtx,
    ) -> Result<(Post, String)> {
        self.k()
            .write(who, ctx, async |tx| {
                let (before, path) = self.scoped_post(tx.db(), who, post_id).await?;
                let mut problems = check_position(input.lat, input.lon);
                let name = check_text("name", &input.name).map_err(|e| problems.push(e)).ok();
                let Some(name) = name.filter(|_| problems.is_empty()) else {
                    return Err(invalid(problems));
                };
                if let Some(other) = q::post_named(tx.db(), before.org_id.as_str(), &name).await?
                    && other.id != before.id
                {
                    return Err(AppError::invalid(
                        "name",
                        jingwu_command::error_codes::field::TAKEN.code,
                        "the station has a post of that name",
                    ));
                }
                let post = Post {
                    name,
                    lat: input.lat,
                    lon: input.lon,
                    ..before.clone()
                };
                q::update_post(tx.db(), &post).await?;
                tx.audit(
                    "command.post.set",
                    ("post", &post.id),
                    &path,
                    serde_json::json!({ "name": post.name, "lat": post.lat, "lon": post.lon, "before": { "name": before.name, "lat": before.lat, "lon": before.lon } }),
                )
                .await?;
                Ok((post, path))
            })
            .await
    }

    /// Removes a post; its units keep no post.
    pub async fn delete_post(
        &self,
        who: &Principal,
        post_id: &str,
        ctx: &RequestCtx,
    ) -> Result<()> {
        self.k()
            .write(who, ctx, async |tx| {
                let (post, path) = self.scoped_post(tx.db(), who, post_id).await?;
                q::delete_post(tx.db(), &post.id).await?;
                tx.audit(
                    "command.post.delete",
                    ("post", &post.id),
                    &path,
                    serde_json::json!({ "name": post.name }),
                )
                .await?;
                Ok(())
            })
            .await
    }

    /// Posts of the caller's jurisdiction with their org path.
    pub async fn list_posts(&self, who: &Principal) -> Result<Vec<(Post, String)>> {
        may_set_up(who)?;
        let mut conn = self.k().read().await?;
        Ok(q::posts_under(&mut conn, &who.org_path).await?)
    }

    /// A post the caller may set up, else 404.
    async fn scoped_post(
        &self,
        db: &mut impl Conn,
        who: &Principal,
        post_id: &str,
    ) -> Result<(Post, String)> {
        let (post, path) = q::get_post(db, post_id)
            .await?
            .ok_or(AppError::NotFound { what: "post" })?;
        authorize(who, Action::SetUpCommand, Scope::Org(&path))
            .map_err(|d| AppError::denied_object(d, "post"))?;
        Ok((post, path))
    }
}
