//! A unit's crew: the officers whose terminals may operate it. Set by an admin or a
//! dispatcher whose subtree holds the unit; every member added must be an active officer in
//! the caller's subtree (members already listed may stay: crews are also rostered by name).

use std::collections::BTreeSet;

use jingwu_core::{Action, Principal, Role, path_contains};
use jingwu_store::Conn;
use jingwu_store::command as q;
use jingwu_store::foundation::users;

use super::Command;
use super::read::UnitView;
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result};

/// Most officers one unit carries.
pub const MAX_CREW: usize = 8;

impl Command<'_> {
    pub async fn set_unit_crew(
        &self,
        who: &Principal,
        unit_id: &str,
        crew: &[String],
        ctx: &RequestCtx,
    ) -> Result<UnitView> {
        self.k()
            .write(who, ctx, async |tx| {
                let u = self
                    .scoped_unit(tx.db(), who, Action::ManageUnits, unit_id)
                    .await?;
                let before = u.unit.crew.clone();
                let errs = check_crew(tx.db(), who, &before, crew, "crew").await?;
                if !errs.is_empty() {
                    return Err(AppError::Validation(errs));
                }
                q::set_unit_crew(tx.db(), unit_id, crew).await?;
                tx.audit(
                    "unit.crew",
                    ("unit", unit_id),
                    &u.org_path,
                    serde_json::json!({ "from": before, "to": crew }),
                )
                .await?;
                tx.publish(LiveEvent::Unit {
                    unit_id: unit_id.into(),
                    org_path: u.org_path.clone(),
                });
                let mut unit = u;
                unit.unit.crew = crew.to_vec();
                Ok(unit)
            })
            .await
    }
}

/// The problems of a crew list (named `field[i]`): too many, listed twice, or a new member
/// who is not an active officer in the caller's subtree (members in `before` may stay).
pub(crate) async fn check_crew(
    db: &mut impl Conn,
    who: &Principal,
    before: &[String],
    crew: &[String],
    field: &str,
) -> Result<Vec<FieldError>> {
    let mut errs = Vec::new();
    if crew.len() > MAX_CREW {
        errs.push(FieldError::new(
            field,
            jingwu_command::error_codes::field::CREW_SIZE.code,
            format!("at most {MAX_CREW} officers"),
        ));
    }
    let mut seen = BTreeSet::new();
    for (i, name) in crew.iter().enumerate() {
        let item = format!("{field}[{i}]");
        if !seen.insert(name.as_str()) {
            errs.push(FieldError::new(
                &item,
                jingwu_command::error_codes::field::CREW_DUPLICATE.code,
                "listed twice",
            ));
            continue;
        }
        if before.contains(name) {
            continue;
        }
        let ok = match users::by_username(db, name).await? {
            Some(user) => {
                user.user.role == Role::Officer
                    && user.user.disabled_at.is_none()
                    && path_contains(&who.org_path, &user.org_path)
            }
            None => false,
        };
        if !ok {
            // Same answer for unknown, disabled, not an officer and out of scope.
            errs.push(FieldError::new(
                &item,
                jingwu_command::error_codes::field::CREW_UNKNOWN_OFFICER.code,
                "no active officer of that name in your jurisdiction",
            ));
        }
    }
    Ok(errs)
}
