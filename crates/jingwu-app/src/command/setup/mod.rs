//! Setting up a bureau without SQL: station sites and areas, posts, units, duty rosters, key
//! sites, cameras and other layer sources, and their CSV/GeoJSON imports. Every change is an admin's (`Action::SetUpCommand`)
//! within their jurisdiction — a station admin their station, a district admin the
//! district's stations, the city admin all — and goes through the kernel's write door.
//!
//! Each kind has one `plan_*` function that checks a row against the database and returns
//! what to write; the single-object endpoints and the imports both use it, so a row is
//! accepted by one exactly when it is by the other.

mod imports;
mod key_sites;
mod posts;
mod roster;
mod sites;
mod sources;
mod units;

use jingwu_command::setup::Problem;
use jingwu_core::{Action, OrgKind, Principal, Scope, authorize, path_contains};
use jingwu_store::Conn;
use jingwu_store::foundation::orgs::{self, OrgUnit};

use crate::{AppError, FieldError, Result};

pub use imports::{ImportKind, ImportOptions, ImportReport};
pub use key_sites::KeySiteInput;
pub use posts::PostInput;
pub use roster::{ROSTER_EVERY, ShiftInput};
pub use sites::{SiteInput, SiteView};
pub use sources::{CAMERA_CATEGORY, CAMERA_LAYERS, CameraLayer, SourceInput, SourceView};
pub use units::{SetupUnit, UnitInput};

/// The org unit an admin names (id or code) for a change: 422 `org.unknown` when there is
/// none, 403 `out_of_scope` when it lies outside the caller's jurisdiction (invariant 4: a
/// scope the caller names explicitly), 403 `forbidden` for a role that may not set up.
async fn named_org(
    db: &mut impl Conn,
    who: &Principal,
    named: &str,
    field: &str,
) -> Result<OrgUnit> {
    let org = match orgs::get(db, named).await? {
        Some(o) => Some(o),
        None => orgs::by_code(db, named).await?,
    };
    let org = org.ok_or_else(|| {
        AppError::invalid(
            field,
            jingwu_core::problem_codes::field::ORG_UNKNOWN.code,
            "no such org unit",
        )
    })?;
    authorize(who, Action::SetUpCommand, Scope::Org(&org.path)).map_err(AppError::denied_scope)?;
    Ok(org)
}

/// The org unit a row of an import names (code or id), when it exists in the caller's
/// jurisdiction (unknown and outside answer alike, as the hazmat import does).
async fn row_org(
    db: &mut impl Conn,
    who: &Principal,
    code: &str,
) -> Result<std::result::Result<OrgUnit, Problem>> {
    let org = match orgs::by_code(db, code).await? {
        Some(o) => Some(o),
        None => orgs::get(db, code).await?,
    };
    Ok(match org {
        Some(o) if path_contains(&who.org_path, &o.path) => Ok(o),
        _ => Err((
            "org_code".into(),
            jingwu_core::problem_codes::field::ORG_UNKNOWN.code,
            format!("{code} is not an org unit in your jurisdiction"),
        )),
    })
}

/// Refuses an org unit that is not a station (posts and areas belong to stations).
fn station_only(org: &OrgUnit, field: &str) -> std::result::Result<(), Problem> {
    if org.kind == OrgKind::Station {
        Ok(())
    } else {
        Err((
            field.into(),
            jingwu_command::error_codes::field::ORG_KIND.code,
            format!("{} is not a police station", org.code),
        ))
    }
}

/// Field problems as the validation error of a single-object request.
fn invalid(problems: Vec<Problem>) -> AppError {
    AppError::Validation(
        problems
            .into_iter()
            .map(|(f, code, m)| FieldError::new(&f, code, m))
            .collect(),
    )
}

/// Checks the caller may set up anything at all (before a body is read for an import).
fn may_set_up(who: &Principal) -> Result<()> {
    authorize(who, Action::SetUpCommand, Scope::Org(&who.org_path)).map_err(AppError::denied_scope)
}

/// The value of a check, or its problem added to `problems`.
fn take<T>(problems: &mut Vec<Problem>, r: std::result::Result<T, Problem>) -> Option<T> {
    r.map_err(|p| problems.push(p)).ok()
}
