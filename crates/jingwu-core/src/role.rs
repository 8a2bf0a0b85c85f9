crate::text_enum! {
    /// Every role a Jingwu account can hold. One role per account keeps authorization auditable.
    /// Labels are the ones the pages show (`web/static/i18n`, key `roles`; a test keeps them equal).
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    pub enum Role: "role", parse -> Option {
        Admin = "admin" ("系统管理员", "Administrator"),
        Dispatcher = "dispatcher" ("接警调度员", "Dispatcher"),
        Officer = "officer" ("民警", "Police officer"),
        TrafficClerk = "traffic_clerk" ("交管业务员", "Traffic clerk"),
        PermitClerk = "permit_clerk" ("审批窗口办事员", "Permit clerk"),
        CaseHandler = "case_handler" ("办案民警", "Case handler"),
        LegalSupervisor = "legal_supervisor" ("法制监督员", "Legal supervisor"),
        EvidenceCustodian = "evidence_custodian" ("涉案财物管理员", "Evidence custodian"),
        FireCommander = "fire_commander" ("消防指挥员", "Fire commander"),
        Citizen = "citizen" ("市民", "Citizen"),
    }
}

impl Role {
    /// Staff act within an org subtree; citizens only on their own records.
    pub const fn is_staff(self) -> bool {
        !matches!(self, Role::Citizen)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        assert_eq!(Role::parse("root"), None);
        assert_eq!(Role::ALL.len(), 10);
        assert_eq!(Role::TrafficClerk.as_str(), "traffic_clerk");
        assert_eq!(Role::Citizen.label_zh(), "市民");
    }
}
