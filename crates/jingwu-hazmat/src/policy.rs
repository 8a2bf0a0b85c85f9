//! Object-level access rules of the hazmat system. The registries and responses belong to a
//! jurisdiction (`org_path`); [`jingwu_core::authorize`] decides role and subtree, and these
//! rules add what it cannot know.

use jingwu_core::{Action, Denied, Principal, Scope, authorize};

/// Whether `who` may read a registry record or a response owned by `org_path`. Chemicals and
/// their levels of concern are reference data: every role that reads hazmat data reads them.
pub fn may_read(who: &Principal, org_path: &str) -> Result<(), Denied> {
    authorize(who, Action::ReadHazmat, Scope::Org(org_path))
}

/// Whether `who` may change a response owned by `org_path` (linkage steps, readings, alerts).
/// A response that is closed changes no more, whoever asks: the use case checks that.
pub fn may_command(who: &Principal, org_path: &str) -> Result<(), Denied> {
    authorize(who, Action::CommandHazmat, Scope::Org(org_path))
}

/// Whether `who` may change registry records owned by `org_path`.
pub fn may_manage(who: &Principal, org_path: &str) -> Result<(), Denied> {
    authorize(who, Action::ManageHazmat, Scope::Org(org_path))
}

#[cfg(test)]
mod tests {
    use jingwu_core::Role;

    use super::*;

    fn who(role: Role, path: &str) -> Principal {
        Principal {
            user_id: "u".into(),
            username: "u".into(),
            role,
            org_id: "o".into(),
            org_path: path.into(),
        }
    }

    #[test]
    fn commanders_command_their_subtree_only() {
        let fire = who(Role::FireCommander, "/3302/330203/");
        assert_eq!(may_command(&fire, "/3302/330203/1/"), Ok(()));
        assert_eq!(may_command(&fire, "/3302/330204/"), Err(Denied::Scope));
        let dispatcher = who(Role::Dispatcher, "/3302/");
        assert_eq!(may_read(&dispatcher, "/3302/330204/"), Ok(()));
        assert!(matches!(
            may_command(&dispatcher, "/3302/"),
            Err(Denied::Role(..))
        ));
        let citizen = who(Role::Citizen, "/3302/");
        assert!(matches!(
            may_read(&citizen, "/3302/"),
            Err(Denied::Role(..))
        ));
    }
}
