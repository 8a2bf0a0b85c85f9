//! Object-level access rules of the approval window. The catalogue, offices, free slots and
//! the hall's queue display are public (they carry no personal data). An appointment or an
//! application belongs to the citizen it was made for and to the office (`org_path`) that
//! handles it; [`jingwu_core::authorize`] decides role and scope, and these rules add what it
//! cannot know.

use jingwu_core::{Action, Denied, Principal, Role, Scope, authorize};

/// May `who` take `action` on a record of the citizen `owner` (none for a phone booking of
/// someone without an account) kept by the office at `org_path`: the citizen, or staff whose
/// subtree holds the office.
pub fn sees_record(
    who: &Principal,
    owner: Option<&str>,
    org_path: &str,
    action: Action,
) -> Result<(), Denied> {
    match owner {
        Some(owner_id) => authorize(who, action, Scope::Owner { owner_id, org_path }),
        None if who.role == Role::Citizen => Err(Denied::Scope),
        None => authorize(who, action, Scope::Org(org_path)),
    }
}
