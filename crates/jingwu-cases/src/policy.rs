//! Object-level access rules of law enforcement. A case is seen by the handling unit's
//! subtree and by the supervising legal office's (legal supervisors only); evidence
//! custodians work on items of their store and see a case's number and title, never its
//! file. [`jingwu_core::authorize`] decides role and scope; these rules add the second path.

use jingwu_core::{Action, Denied, Principal, Role, Scope, authorize};

/// May `who` take `action` on a case handled by the unit at `org_path` and supervised by the
/// legal office at `legal_org_path`?
pub fn sees_case(
    who: &Principal,
    action: Action,
    org_path: &str,
    legal_org_path: &str,
) -> Result<(), Denied> {
    match authorize(who, action, Scope::Org(org_path)) {
        Err(Denied::Scope) if who.role == Role::LegalSupervisor => {
            authorize(who, action, Scope::Org(legal_org_path))
        }
        other => other,
    }
}

/// May `who` take `action` on an item kept by the store at `store_path` for a case handled at
/// `case_path` (supervised at `legal_path`)? Custodians by their store; handlers and legal
/// supervisors through the case.
pub fn sees_item(
    who: &Principal,
    action: Action,
    store_path: &str,
    case_path: &str,
    legal_path: &str,
) -> Result<(), Denied> {
    if who.role == Role::EvidenceCustodian {
        authorize(who, action, Scope::Org(store_path))
    } else {
        sees_case(who, action, case_path, legal_path)
    }
}

#[cfg(test)]
mod tests {
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
    fn the_legal_office_sees_the_cases_it_supervises() {
        let station = "/3302/330205/33020501/";
        let legal = who(Role::LegalSupervisor, "/3302/330203/");
        assert_eq!(
            sees_case(&legal, Action::ReadCases, station, "/3302/330203/"),
            Ok(())
        );
        assert_eq!(
            sees_case(&legal, Action::ReadCases, station, "/3302/330205/"),
            Err(Denied::Scope)
        );
        let handler = who(Role::CaseHandler, "/3302/330203/");
        assert_eq!(
            sees_case(&handler, Action::ReadCases, station, "/3302/330203/"),
            Err(Denied::Scope)
        );
        let custodian = who(Role::EvidenceCustodian, "/3302/330205/");
        assert!(matches!(
            sees_case(&custodian, Action::ReadCases, station, "/3302/"),
            Err(Denied::Role(..))
        ));
    }
}
