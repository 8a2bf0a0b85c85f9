//! The one authorization decision every use case asks: may this principal do this action here?

use crate::{Principal, Role, path_contains};

/// Things a caller can ask to do. Each later system adds its own actions here so the whole
/// permission table stays in one place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// Read one's own account.
    ReadSelf,
    /// Check identifiers with the shared validators.
    UseValidators,
    /// Read the jurisdiction tree.
    ReadOrgs,
    /// List accounts.
    ReadUsers,
    /// Create accounts, revoke their sessions.
    ManageUsers,
    /// Read the audit log.
    ReadAudit,
    /// Read incidents, units and their timelines (110 command).
    ReadCommand,
    /// Take an incident in (110 intake).
    CreateIncident,
    /// Task units, hand incidents over, merge duplicates, close incidents from the command room.
    Dispatch,
    /// Report a unit's own progress from its terminal: acknowledge, status, position, result.
    OperateUnit,
    /// Read 110 statistics (counts, response times, compliance) for a jurisdiction.
    ReadStats,
    /// Add scene photos and video to an incident (a terminal on it, or the command room).
    UploadMedia,
    /// See the command map's information layers (each layer also names the roles it admits).
    ReadLayers,
    /// Register layers, import and push their features.
    ManageLayers,
    /// Change a unit's standing data (its crew).
    ManageUnits,
}

/// Where the action applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// Data owned by an org unit (its materialized path): the caller's subtree must contain it.
    Org(&'a str),
    /// A person's own records: the citizen who owns them, or staff whose subtree holds them.
    Owner {
        owner_id: &'a str,
        org_path: &'a str,
    },
}

/// Why a request was refused. The API turns `Role` into 403 and `Scope` into 404 for single
/// objects (their existence is not revealed) or 403 when the caller named the scope itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("the role {0:?} may not do {1:?}")]
    Role(Role, Action),
    #[error("outside the caller's jurisdiction")]
    Scope,
}

fn role_may(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ReadSelf | UseValidators => true,
        ReadOrgs => role.is_staff(),
        ReadUsers | ManageUsers => role == Admin,
        ReadAudit => matches!(role, Admin | LegalSupervisor),
        ReadCommand => matches!(role, Admin | Dispatcher | Officer),
        CreateIncident | Dispatch => role == Dispatcher,
        OperateUnit => matches!(role, Dispatcher | Officer),
        ReadStats => matches!(role, Admin | Dispatcher | LegalSupervisor),
        UploadMedia => matches!(role, Dispatcher | Officer),
        ReadLayers => role.is_staff(),
        ManageLayers => role == Admin,
        ManageUnits => matches!(role, Admin | Dispatcher),
    }
}

pub fn authorize(p: &Principal, action: Action, scope: Scope<'_>) -> Result<(), Denied> {
    if !role_may(p.role, action) {
        return Err(Denied::Role(p.role, action));
    }
    let in_scope = match scope {
        Scope::Org(path) => p.role.is_staff() && path_contains(&p.org_path, path),
        Scope::Owner { owner_id, org_path } => {
            if p.role.is_staff() {
                path_contains(&p.org_path, org_path)
            } else {
                p.user_id == owner_id
            }
        }
    };
    if in_scope { Ok(()) } else { Err(Denied::Scope) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role, path: &str) -> Principal {
        Principal {
            user_id: format!("u-{path}"),
            username: "x".into(),
            role,
            org_id: "o".into(),
            org_path: path.into(),
        }
    }

    #[test]
    fn station_sees_only_its_own_subtree() {
        let station = who(Role::Admin, "/3302/330203/33020301/");
        assert_eq!(
            authorize(
                &station,
                Action::ReadOrgs,
                Scope::Org("/3302/330203/33020301/")
            ),
            Ok(())
        );
        assert_eq!(
            authorize(
                &station,
                Action::ReadOrgs,
                Scope::Org("/3302/330203/33020302/")
            ),
            Err(Denied::Scope)
        );
        assert_eq!(
            authorize(&station, Action::ReadOrgs, Scope::Org("/3302/")),
            Err(Denied::Scope)
        );
        let city = who(Role::Admin, "/3302/");
        assert_eq!(
            authorize(
                &city,
                Action::ReadOrgs,
                Scope::Org("/3302/330203/33020302/")
            ),
            Ok(())
        );
    }

    #[test]
    fn roles_gate_actions() {
        let officer = who(Role::Officer, "/3302/");
        assert_eq!(
            authorize(&officer, Action::ManageUsers, Scope::Org("/3302/")),
            Err(Denied::Role(Role::Officer, Action::ManageUsers))
        );
        let supervisor = who(Role::LegalSupervisor, "/3302/");
        assert_eq!(
            authorize(&supervisor, Action::ReadAudit, Scope::Org("/3302/1/")),
            Ok(())
        );
    }

    #[test]
    fn citizens_reach_only_their_own_records() {
        let mut citizen = who(Role::Citizen, "/3302/");
        citizen.user_id = "c1".into();
        let own = Scope::Owner {
            owner_id: "c1",
            org_path: "/3302/",
        };
        let other = Scope::Owner {
            owner_id: "c2",
            org_path: "/3302/",
        };
        assert_eq!(authorize(&citizen, Action::ReadSelf, own), Ok(()));
        assert_eq!(
            authorize(&citizen, Action::ReadSelf, other),
            Err(Denied::Scope)
        );
        assert_eq!(
            authorize(&citizen, Action::ReadOrgs, Scope::Org("/3302/")),
            Err(Denied::Role(Role::Citizen, Action::ReadOrgs))
        );
    }
}
