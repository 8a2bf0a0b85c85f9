use serde::{Deserialize, Serialize};

/// Every role a Jingwu account can hold. One role per account keeps authorization auditable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Dispatcher,
    Officer,
    TrafficClerk,
    PermitClerk,
    CaseHandler,
    LegalSupervisor,
    EvidenceCustodian,
    FireCommander,
    Citizen,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Role::Admin,
        Role::Dispatcher,
        Role::Officer,
        Role::TrafficClerk,
        Role::PermitClerk,
        Role::CaseHandler,
        Role::LegalSupervisor,
        Role::EvidenceCustodian,
        Role::FireCommander,
        Role::Citizen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Dispatcher => "dispatcher",
            Role::Officer => "officer",
            Role::TrafficClerk => "traffic_clerk",
            Role::PermitClerk => "permit_clerk",
            Role::CaseHandler => "case_handler",
            Role::LegalSupervisor => "legal_supervisor",
            Role::EvidenceCustodian => "evidence_custodian",
            Role::FireCommander => "fire_commander",
            Role::Citizen => "citizen",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Staff act within an org subtree; citizens only on their own records.
    pub fn is_staff(self) -> bool {
        self != Role::Citizen
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
