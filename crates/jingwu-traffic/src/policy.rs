//! Object-level access rules of the traffic system. A driver's records (licence, points,
//! violations, payments, applications) belong to the citizen who owns them and to the
//! jurisdiction (`org_path`) that keeps them; [`jingwu_core::authorize`] decides role and scope
//! with [`Scope::Owner`], and these rules add what it cannot know.
//!
//! The traffic actions are being added to [`Action`] on the main branch; the functions here
//! take the action as a parameter so they do not depend on which ones exist yet.

use jingwu_core::{Action, Denied, Principal, Role, Scope, authorize};

/// Whether `who` is the owner of the records: the citizen account `owner_id`. Staff never own
/// driver records through their staff account.
pub fn owns(who: &Principal, owner_id: &str) -> bool {
    who.role == Role::Citizen && who.user_id == owner_id
}

/// Whether `who` may take `action` on a driver's record owned by `owner_id` and kept by the
/// org unit at `org_path`: the owner, or staff whose subtree holds the record.
pub fn sees_driver_record(
    who: &Principal,
    owner_id: &str,
    org_path: &str,
    action: Action,
) -> Result<(), Denied> {
    authorize(who, action, Scope::Owner { owner_id, org_path })
}

/// Whether `who` may act on a record kept by `org_path` as staff only (deciding violations,
/// reviewing applications): the owner's own account is not enough here.
pub fn staff_acts_on(who: &Principal, org_path: &str, action: Action) -> Result<(), Denied> {
    authorize(who, action, Scope::Org(org_path))
}
