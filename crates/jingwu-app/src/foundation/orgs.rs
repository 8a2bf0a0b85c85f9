//! The jurisdiction tree as the caller may see it, and adding units to it.

use jingwu_core::{Action, OrgId, OrgKind, Principal, Scope, authorize, new_id, path_contains};
use jingwu_store::foundation::orgs;
pub use jingwu_store::foundation::orgs::OrgUnit;

use super::Foundation;
use crate::{AppError, FieldError, RequestCtx, Result};

#[derive(Debug, Clone)]
pub struct NewOrg {
    pub kind: String,
    /// Administrative code; becomes the unit's segment of the materialized path.
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// Parent id or code; absent only for the city (the root).
    pub parent: Option<String>,
}

impl Foundation<'_> {
    /// The caller's subtree, parents before children.
    pub async fn list_orgs(&self, who: &Principal) -> Result<Vec<OrgUnit>> {
        authorize(who, Action::ReadOrgs, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        Ok(orgs::subtree(&mut conn, &who.org_path).await?)
    }

    /// One unit; units outside the caller's subtree are reported as not found.
    pub async fn get_org(&self, who: &Principal, id: &str) -> Result<OrgUnit> {
        let mut conn = self.k().read().await?;
        let o = orgs::get(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound { what: "org unit" })?;
        authorize(who, Action::ReadOrgs, Scope::Org(&o.path))
            .map_err(|d| AppError::denied_object(d, "org unit"))?;
        Ok(o)
    }

    /// Adds a unit. The city may only be created once, by the system principal on an empty tree.
    pub async fn create_org(
        &self,
        who: Option<&Principal>,
        n: NewOrg,
        ctx: &RequestCtx,
    ) -> Result<OrgUnit> {
        let mut errs = Vec::new();
        let kind = OrgKind::parse(&n.kind);
        if kind.is_none() {
            errs.push(FieldError::new(
                "kind",
                jingwu_core::problem_codes::field::KIND_UNKNOWN.code,
                "one of city, district, station",
            ));
        }
        if n.code.is_empty()
            || n.code.len() > 16
            || !n.code.chars().all(|c| c.is_ascii_alphanumeric())
        {
            errs.push(FieldError::new(
                "code",
                jingwu_core::problem_codes::field::CODE_FORMAT.code,
                "1 to 16 ASCII letters or digits",
            ));
        }
        for (field, v) in [("name_zh", &n.name_zh), ("name_en", &n.name_en)] {
            if !(1..=64).contains(&v.trim().chars().count()) {
                errs.push(FieldError::new(
                    field,
                    jingwu_core::problem_codes::field::NAME_LENGTH.code,
                    "1 to 64 characters",
                ));
            }
        }
        let Some(kind) = kind.filter(|_| errs.is_empty()) else {
            return Err(AppError::Validation(errs));
        };
        let mut conn = self.k().read().await?;
        let parent = match &n.parent {
            Some(p) => match orgs::get(&mut conn, p).await? {
                Some(o) => Some(o),
                None => Some(orgs::by_code(&mut conn, p).await?.ok_or_else(|| {
                    AppError::invalid(
                        "parent",
                        jingwu_core::problem_codes::field::PARENT_UNKNOWN.code,
                        format!("no org unit {p:?}"),
                    )
                })?),
            },
            None => None,
        };
        let existing_root = orgs::root(&mut conn).await?;
        drop(conn);
        let expected_parent_kind = match kind {
            OrgKind::City => None,
            OrgKind::District => Some("city"),
            OrgKind::Station => Some("district"),
        };
        if parent.as_ref().map(|p| p.kind.as_str()) != expected_parent_kind {
            return Err(AppError::invalid(
                "parent",
                jingwu_core::problem_codes::field::PARENT_KIND.code,
                match expected_parent_kind {
                    None => "a city has no parent".to_string(),
                    Some(k) => format!("a {} must sit under a {k}", kind.as_str()),
                },
            ));
        }
        if kind == OrgKind::City && existing_root.is_some() {
            return Err(AppError::Conflict {
                code: jingwu_core::problem_codes::CITY_EXISTS.code,
                detail: "the city already exists".into(),
            });
        }
        let path = match &parent {
            Some(p) => format!("{}{}/", p.path, n.code),
            None => format!("/{}/", n.code),
        };
        let org = OrgUnit {
            id: new_id(),
            parent_id: parent.as_ref().map(|p| p.id.clone()),
            kind,
            code: n.code.clone(),
            name_zh: n.name_zh.trim().into(),
            name_en: n.name_en.trim().into(),
            path,
            created_at: self.now_us(),
        };
        let actor = match who {
            Some(p) => {
                authorize(p, Action::ManageUsers, Scope::Org(&org.path))
                    .map_err(AppError::denied_scope)?;
                p.clone()
            }
            None if kind == OrgKind::City => Principal::system(&org.id, &org.path),
            None => self.system_principal().await?,
        };
        self.k().write(&actor, ctx, async |tx| {
        orgs::insert(tx.db(), &org).await.map_err(|e| {
            if e.is_unique_violation() {
                AppError::Conflict {
                    code: jingwu_core::problem_codes::ORG_CODE_TAKEN.code,
                    detail: format!("org code {:?} is taken", org.code),
                }
            } else {
                e.into()
            }
        })?;
        let detail = serde_json::json!({
            "kind": org.kind, "code": org.code, "name_zh": org.name_zh, "name_en": org.name_en,
            "parent_id": org.parent_id,
        });
        tx.audit("org.create",
            ("org_unit", &org.id),
            &org.path,
            detail).await?;
                Ok(org)
        })
        .await
    }
}

/// The org unit a new record belongs to: the one named (by id or code) if it is in the
/// caller's subtree, else the caller's own.
pub(crate) async fn owning_org(
    db: &mut impl jingwu_store::Conn,
    who: &Principal,
    named: Option<&str>,
    field: &str,
) -> Result<(OrgId, String)> {
    let Some(named) = named.filter(|s| !s.trim().is_empty()) else {
        return Ok((OrgId::from(who.org_id.as_str()), who.org_path.clone()));
    };
    let org = match orgs::get(db, named).await? {
        Some(o) => Some(o),
        None => orgs::by_code(db, named).await?,
    };
    match org {
        Some(o) if path_contains(&who.org_path, &o.path) => Ok((OrgId::from(o.id), o.path)),
        // Unknown and out of scope answer alike: the tree outside is not revealed.
        _ => Err(AppError::invalid(
            field,
            jingwu_core::problem_codes::field::ORG_UNKNOWN.code,
            "no such org unit in your jurisdiction",
        )),
    }
}
