//! The catalogue of approval items and the working-day calendar: public to read (the portal
//! lists them for everyone), kept by the bureau's administrators at the root of the tree.

use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_permits::catalogue::Item;
use jingwu_permits::error_codes::{self as codes, field};
use jingwu_permits::workdays::Holiday;
use jingwu_store::foundation::orgs;
use jingwu_store::permits as q;

use super::Permits;
use crate::{AppError, FieldError, RequestCtx, Result};

/// The portal's events the statistics count.
pub(crate) const VISIT: &str = "visit";
pub(crate) const PROGRESS_QUERY: &str = "progress_query";

impl Permits<'_> {
    /// The whole catalogue by code, retired items too (staff pages and past records name them).
    pub async fn items(&self) -> Result<Vec<Item>> {
        let mut conn = self.k().read().await?;
        Ok(q::items(&mut conn).await?)
    }

    /// The portal's catalogue: the items in force. Each look counts as a portal visit (the
    /// seed's statistics); staff reads and the demo's seeding use [`Permits::items`] and count
    /// nothing.
    pub async fn portal_items(&self) -> Result<Vec<Item>> {
        let items = self.items().await?;
        self.k().count_portal(self.today(), VISIT);
        Ok(items.into_iter().filter(|i| !i.retired).collect())
    }

    /// One item with its forms and materials.
    pub async fn item(&self, code: &str) -> Result<Item> {
        let mut conn = self.k().read().await?;
        super::item(&mut conn, code).await
    }

    /// Adds an item or changes one (by code): administrators at the root of the tree, since
    /// the catalogue is the bureau's.
    pub async fn put_item(&self, who: &Principal, item: &Item, ctx: &RequestCtx) -> Result<Item> {
        let problems = item.check();
        if !problems.is_empty() {
            return Err(AppError::Validation(
                problems
                    .into_iter()
                    .map(|p| {
                        let code = if p.field == "code" || p.field == "prefix" {
                            field::CODE.code
                        } else {
                            field::TEXT.code
                        };
                        FieldError::new(p.field, code, p.message)
                    })
                    .collect(),
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let root = orgs::root(tx.db())
                    .await?
                    .ok_or(AppError::NotFound { what: "bureau" })?;
                authorize(who, Action::ManagePermits, Scope::Org(&root.path))
                    .map_err(AppError::denied_scope)?;
                let now = tx.now_us();
                let created = q::put_item(tx.db(), item, now).await?;
                tx.audit(
                    if created {
                        "permits.item.create"
                    } else {
                        "permits.item.update"
                    },
                    ("permit_item", &item.code),
                    &root.path,
                    serde_json::to_value(item).unwrap_or_default(),
                )
                .await?;
                Ok(item.clone())
            })
            .await
    }

    /// The holidays and make-up working days on record.
    pub async fn holidays(&self) -> Result<Vec<Holiday>> {
        let mut conn = self.k().read().await?;
        Ok(q::holidays(&mut conn).await?)
    }

    /// Records a holiday or make-up working day (replacing the date's entry), or removes the
    /// date's entry when `holiday` is `None`.
    pub async fn set_holiday(
        &self,
        who: &Principal,
        date: jiff::civil::Date,
        holiday: Option<&Holiday>,
        ctx: &RequestCtx,
    ) -> Result<()> {
        if let Some(h) = holiday
            && (h.name.trim().is_empty() || h.name.chars().count() > 40)
        {
            return Err(AppError::invalid(
                "name",
                field::TEXT.code,
                "1 to 40 characters",
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let root = orgs::root(tx.db())
                    .await?
                    .ok_or(AppError::NotFound { what: "bureau" })?;
                authorize(who, Action::ManagePermits, Scope::Org(&root.path))
                    .map_err(AppError::denied_scope)?;
                match holiday {
                    Some(h) => q::put_holiday(tx.db(), h).await?,
                    None => {
                        if !q::delete_holiday(tx.db(), date).await? {
                            return Err(AppError::NotFound { what: "holiday" });
                        }
                    }
                }
                tx.audit(
                    "permits.holiday.set",
                    ("permit_holiday", &date.to_string()),
                    &root.path,
                    serde_json::json!({ "holiday": holiday }),
                )
                .await?;
                Ok(())
            })
            .await
    }
}

/// Refuses an item the caller may not use for `what` (retired, or not taken that way).
pub(super) fn usable(item: &Item, online: bool) -> Result<()> {
    if item.retired || (online && !item.online) {
        return Err(AppError::Conflict {
            code: codes::ITEM_NOT_ONLINE.code,
            detail: format!("{} is not handled online", item.name_zh),
        });
    }
    Ok(())
}
