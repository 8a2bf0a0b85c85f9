//! Accounts: list within the caller's subtree, create, revoke sessions.

use jingwu_core::{Action, Principal, Role, Scope, authorize, new_id};
use jingwu_store::foundation::orgs::{self, OrgUnit};
use jingwu_store::foundation::{sessions, users};

use super::Foundation;
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result, hash_password};

/// An account with its org unit (never serialized with the password hash).
#[derive(Debug, Clone)]
pub struct UserView {
    pub user: users::User,
    pub org: OrgUnit,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// The org unit's id or code.
    pub org: String,
    pub password: String,
}

fn check_new_user(n: &NewUser) -> Result<Role> {
    let mut errs = Vec::new();
    let u = &n.username;
    if !(3..=32).contains(&u.chars().count())
        || !u
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
    {
        errs.push(FieldError::new(
            "username",
            jingwu_core::problem_codes::field::USERNAME_FORMAT.code,
            "3 to 32 characters: lowercase letters, digits, '.', '_' or '-'",
        ));
    }
    if !(1..=64).contains(&n.display_name.trim().chars().count()) {
        errs.push(FieldError::new(
            "display_name",
            jingwu_core::problem_codes::field::DISPLAY_NAME_LENGTH.code,
            "1 to 64 characters",
        ));
    }
    if n.password.chars().count() < 8 || n.password.len() > 256 {
        errs.push(FieldError::new(
            "password",
            jingwu_core::problem_codes::field::PASSWORD_LENGTH.code,
            "8 to 256 characters",
        ));
    }
    let role = Role::parse(&n.role);
    if role.is_none() {
        errs.push(FieldError::new(
            "role",
            jingwu_core::problem_codes::field::ROLE_UNKNOWN.code,
            format!(
                "unknown role {:?}; one of {}",
                n.role,
                Role::ALL.map(|r| r.as_str()).join(", ")
            ),
        ));
    }
    match role {
        Some(r) if errs.is_empty() => Ok(r),
        _ => Err(AppError::Validation(errs)),
    }
}

impl Foundation<'_> {
    /// Users under `org` (default: the caller's own unit) ordered by username, after a cursor.
    pub async fn list_users(
        &self,
        who: &Principal,
        org: Option<&str>,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<UserView>> {
        let mut conn = self.k().read().await?;
        let root = match org {
            Some(id) => orgs::get(&mut conn, id)
                .await?
                .ok_or(AppError::OutOfScope)?,
            None => orgs::get(&mut conn, &who.org_id)
                .await?
                .ok_or(AppError::Unauthenticated)?,
        };
        authorize(who, Action::ReadUsers, Scope::Org(&root.path))
            .map_err(AppError::denied_scope)?;
        let tree = orgs::subtree(&mut conn, &root.path).await?;
        let rows = users::page(&mut conn, &root.path, after, limit).await?;
        Ok(rows
            .into_iter()
            .filter_map(|u| {
                let org = tree.iter().find(|o| o.id == u.user.org_id)?.clone();
                Some(UserView { user: u.user, org })
            })
            .collect())
    }

    pub async fn create_user(
        &self,
        who: &Principal,
        n: NewUser,
        ctx: &RequestCtx,
    ) -> Result<UserView> {
        let role = check_new_user(&n)?;
        let mut conn = self.k().read().await?;
        let org = match orgs::get(&mut conn, &n.org).await? {
            Some(o) => Some(o),
            None => orgs::by_code(&mut conn, &n.org).await?,
        };
        drop(conn);
        let org = org.ok_or_else(|| {
            AppError::invalid(
                "org",
                jingwu_core::problem_codes::field::ORG_UNKNOWN.code,
                format!("no org unit {:?}", n.org),
            )
        })?;
        authorize(who, Action::ManageUsers, Scope::Org(&org.path))
            .map_err(AppError::denied_scope)?;
        if role == Role::Admin && who.role != Role::Admin {
            return Err(AppError::Forbidden(
                "only an admin may create an admin".into(),
            ));
        }
        let cost = self.config().password_cost;
        let pw = n.password.clone();
        let password_hash = tokio::task::spawn_blocking(move || hash_password(&pw, cost))
            .await
            .map_err(|e| AppError::Internal(format!("password hashing: {e}")))??;
        let user = users::User {
            id: new_id(),
            username: n.username.clone(),
            display_name: n.display_name.trim().to_string(),
            role,
            org_id: org.id.clone(),
            password_hash,
            created_at: self.now_us(),
            disabled_at: None,
        };
        self.k()
            .write(who, ctx, async |tx| {
                users::insert(tx.db(), &user).await.map_err(|e| {
                    if e.is_unique_violation() {
                        AppError::Conflict {
                            code: jingwu_core::problem_codes::USERNAME_TAKEN.code,
                            detail: format!("the username {:?} is already taken", user.username),
                        }
                    } else {
                        e.into()
                    }
                })?;
                let detail = serde_json::json!({
                    "username": user.username, "display_name": user.display_name,
                    "role": user.role, "org_id": user.org_id,
                });
                tx.audit("user.create", ("user", &user.id), &org.path, detail)
                    .await?;
                Ok(UserView { user, org })
            })
            .await
    }

    /// The account named by id or username that the caller may manage (404 otherwise).
    async fn managed_user(
        &self,
        who: &Principal,
        user_id_or_name: &str,
    ) -> Result<users::ScopedUser> {
        let mut conn = self.k().read().await?;
        let target = match users::get(&mut conn, user_id_or_name).await? {
            Some(u) => Some(u),
            None => users::by_username(&mut conn, user_id_or_name).await?,
        };
        drop(conn);
        let target = target.ok_or(AppError::NotFound { what: "user" })?;
        authorize(who, Action::ManageUsers, Scope::Org(&target.org_path))
            .map_err(|d| AppError::denied_object(d, "user"))?;
        Ok(target)
    }

    /// Lets a disabled account sign in again (its old sessions stay revoked). Enabling an
    /// account that is not disabled is a 409, so the audit log only records real changes.
    pub async fn enable_user(
        &self,
        who: &Principal,
        user_id_or_name: &str,
        ctx: &RequestCtx,
    ) -> Result<UserView> {
        let target = self.managed_user(who, user_id_or_name).await?;
        let enabled = self
            .k()
            .write(who, ctx, async |tx| {
                // Conditional on the row still being disabled: two admins enabling at once
                // get one success and one 409.
                if !users::enable(tx.db(), &target.user.id).await? {
                    return Err(AppError::Conflict {
                        code: jingwu_core::problem_codes::NOT_DISABLED.code,
                        detail: format!("{} is not disabled", target.user.username),
                    });
                }
                tx.audit(
                    "user.enable",
                    ("user", &target.user.id),
                    &target.org_path,
                    serde_json::json!({ "disabled_at_us": target.user.disabled_at }),
                )
                .await?;
                Ok(())
            })
            .await;
        enabled?;
        let mut user = target;
        user.user.disabled_at = None;
        self.user_view(user).await
    }

    /// Revokes every session of a user at once (and disables the account if asked).
    pub async fn revoke_user(
        &self,
        who: &Principal,
        user_id_or_name: &str,
        disable: bool,
        ctx: &RequestCtx,
    ) -> Result<u64> {
        let target = self.managed_user(who, user_id_or_name).await?;
        let now = self.now_us();
        self.k()
            .write(who, ctx, async |tx| {
                let revoked = sessions::revoke_all_for_user(tx.db(), &target.user.id, now).await?;
                if disable {
                    users::disable(tx.db(), &target.user.id, now).await?;
                }
                let detail =
                    serde_json::json!({ "sessions_revoked": revoked, "disabled": disable });
                tx.audit(
                    "user.revoke",
                    ("user", &target.user.id),
                    &target.org_path,
                    detail,
                )
                .await?;
                tx.publish(LiveEvent::SessionsRevoked {
                    user_id: target.user.id.clone(),
                    org_path: target.org_path.clone(),
                });
                Ok(revoked)
            })
            .await
    }

    /// One user, if the caller may see them (404 otherwise).
    pub async fn get_user(&self, who: &Principal, id: &str) -> Result<UserView> {
        let mut conn = self.k().read().await?;
        let u = users::get(&mut conn, id)
            .await?
            .ok_or(AppError::NotFound { what: "user" })?;
        drop(conn);
        authorize(who, Action::ReadUsers, Scope::Org(&u.org_path))
            .map_err(|d| AppError::denied_object(d, "user"))?;
        self.user_view(u).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nu(username: &str, role: &str, password: &str) -> NewUser {
        NewUser {
            username: username.into(),
            display_name: "张三".into(),
            role: role.into(),
            org: "x".into(),
            password: password.into(),
        }
    }

    #[test]
    fn new_user_fields_are_checked_together() {
        assert_eq!(
            check_new_user(&nu("zhang.san", "officer", "longenough")).unwrap(),
            Role::Officer
        );
        let Err(AppError::Validation(errs)) = check_new_user(&nu("Zh", "boss", "short")) else {
            panic!("expected validation errors");
        };
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "password", "role"]);
    }
}
