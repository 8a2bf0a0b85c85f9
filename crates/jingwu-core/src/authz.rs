//! The one authorization decision every use case asks: may this principal do this action here?

use crate::{Principal, Role, path_contains};

crate::text_enum! {
    /// The systems of the platform. Every [`Action`] belongs to one, and each system keeps its
    /// rules in a module of the same name in every layer. Labels as the home page shows them
    /// (`web/static/i18n`, key `systems`).
    pub enum System: "system" {
        /// Accounts, the jurisdiction tree, audit, shared validators.
        Foundation = "foundation" ("基础平台", "Foundation"),
        /// 110 linked command.
        Command = "command" ("110 指挥", "110 Command"),
        /// Traffic-police online services.
        Traffic = "traffic" ("交管服务", "Traffic Services"),
        /// The approval window.
        Permits = "permits" ("审批窗口", "Permit Office"),
        /// Three-in-one law enforcement: cases, legal review, evidence.
        Cases = "cases" ("执法办案", "Case Management"),
        /// Smart fire and hazmat response.
        Hazmat = "hazmat" ("智慧消防", "Smart Fire Command"),
    }
}

impl System {
    /// This system's actions, in declaration order.
    pub fn actions(self) -> impl Iterator<Item = Action> {
        Action::ALL.into_iter().filter(move |a| a.system() == self)
    }
}

crate::text_enum! {
    /// Things a caller can ask to do. Each system adds its own actions here so the whole
    /// permission table stays in one place; [`Action::system`] groups them.
    pub enum Action: "action" {
        /// Read one's own account.
        ReadSelf = "read_self" ("查看本人账户", "Read own account"),
        /// Check identifiers with the shared validators.
        UseValidators = "use_validators" ("使用号码校验", "Use validators"),
        /// Read the jurisdiction tree.
        ReadOrgs = "read_orgs" ("查看组织机构", "Read org units"),
        /// List accounts.
        ReadUsers = "read_users" ("查看账户", "Read accounts"),
        /// Create accounts, revoke their sessions.
        ManageUsers = "manage_users" ("管理账户", "Manage accounts"),
        /// Read the audit log.
        ReadAudit = "read_audit" ("查看审计日志", "Read audit log"),
        /// Read the server's operational metrics (`/metrics`, when served to admins).
        ReadMetrics = "read_metrics" ("查看运行指标", "Read metrics"),
        /// Read incidents, units and their timelines (110 command).
        ReadCommand = "read_command" ("查看警情与警力", "Read incidents and units"),
        /// Take an incident in (110 intake).
        CreateIncident = "create_incident" ("接警录入", "Take incidents in"),
        /// Task units, hand incidents over, merge duplicates, close incidents from the command room.
        Dispatch = "dispatch" ("派警调度", "Dispatch"),
        /// Report a unit's own progress from its terminal: acknowledge, status, position, result.
        OperateUnit = "operate_unit" ("警力终端操作", "Operate a unit"),
        /// Read 110 statistics (counts, response times, compliance) for a jurisdiction.
        ReadStats = "read_stats" ("查看警情统计", "Read statistics"),
        /// Add scene photos and video to an incident (a terminal on it, or the command room).
        UploadMedia = "upload_media" ("上传现场影像", "Upload scene media"),
        /// See the command map's information layers (each layer also names the roles it admits).
        ReadLayers = "read_layers" ("查看图层", "Read map layers"),
        /// Register layers, import and push their features.
        ManageLayers = "manage_layers" ("管理图层", "Manage map layers"),
        /// Change a unit's standing data (its crew).
        ManageUnits = "manage_units" ("管理警力", "Manage units"),
        /// Set a bureau's 110 timer limits (acknowledgement, arrival, on scene, hand-over).
        ManageTimers = "manage_timers" ("设置警情时限", "Set incident timer limits"),
        /// Register linked agencies (119, 120, traffic police, city departments) and their keys.
        ManageLinkage = "manage_linkage" ("管理联动单位", "Manage linked agencies"),
        /// Read the response plans (预案) that apply in the caller's jurisdiction.
        ReadPlans = "read_plans" ("查看预案", "Read response plans"),
        /// Write the response plans of the caller's subtree.
        ManagePlans = "manage_plans" ("管理预案", "Manage response plans"),
        /// Set up the 110 system in one's jurisdiction: station sites and areas, posts, units
        /// (create, change, retire), duty rosters, key sites and their imports.
        SetUpCommand = "set_up_command" ("110 基础配置", "Set up 110 command"),
        /// Read the hazmat registries, weather and responses (fire command and the joint
        /// command room).
        ReadHazmat = "read_hazmat" ("查看危化品数据", "Read hazmat data"),
        /// Keep the hazmat registries: enterprises, vehicles, stations, fire units, weather.
        ManageHazmat = "manage_hazmat" ("管理危化品登记", "Manage hazmat registries"),
        /// Command a hazmat response: open it, record linkage steps and readings, issue alerts.
        CommandHazmat = "command_hazmat" ("危化品处置指挥", "Command hazmat responses"),
        /// Read drivers' licences, vehicles, violations and payments: staff in their
        /// jurisdiction, a citizen its own.
        ReadTraffic = "read_traffic" ("查看交管业务", "Read traffic records"),
        /// Record a violation (an officer on the street, a clerk entering camera records).
        RecordViolation = "record_violation" ("录入交通违法", "Record violations"),
        /// Keep the traffic registries and review: licences, vehicles, decisions, payments.
        ManageTraffic = "manage_traffic" ("交管业务审核", "Manage traffic records"),
        /// A driver's own online business: accept a violation, pay, study to reduce points.
        DriverSelfService = "driver_self_service" ("本人交管业务办理", "Driver self-service"),
        /// Publish and withdraw road events (accidents, closures, controls, works) for the
        /// map-app feed.
        ManageRoadEvents = "manage_road_events" ("发布路况事件", "Publish road events"),
        /// Read appointments, applications and tickets of the approval window: staff in their
        /// jurisdiction, a citizen its own.
        ReadPermits = "read_permits" ("查看审批业务", "Read permit records"),
        /// A citizen's own business at the approval window: apply online, book, cancel.
        PermitSelfService = "permit_self_service" ("本人审批业务办理", "Permit self-service"),
        /// Work the window: review applications, book for callers, check in, call tickets.
        HandlePermits = "handle_permits" ("审批窗口办理", "Handle permits"),
        /// Keep the catalogue, offices, windows, working plans and holidays.
        ManagePermits = "manage_permits" ("管理审批事项与服务点", "Manage the permit catalogue"),
        /// Read the approval window's statistics.
        ReadPermitStats = "read_permit_stats" ("查看审批统计", "Read permit statistics"),
        /// Read case files and the handling area: the handling unit's subtree and the
        /// supervising legal office.
        ReadCases = "read_cases" ("查看案件", "Read cases"),
        /// Handle cases: open them (from a 110 incident too), parties, steps, documents,
        /// deadlines; bring people into the handling area, move them, start measures, ask for
        /// extensions, record the outcome and exit.
        HandleCases = "handle_cases" ("办理案件", "Handle cases"),
        /// Supervise cases: comments and required corrections, decide extensions of legal
        /// clocks (at the level the limit requires), watch overdue and flagged items.
        SuperviseCases = "supervise_cases" ("案件法制监督", "Supervise cases"),
        /// Read evidence and property items and their chain of custody.
        ReadEvidence = "read_evidence" ("查看涉案财物", "Read evidence"),
        /// Keep the property store: intake, movements, return, disposal, inventories.
        HandleEvidence = "handle_evidence" ("涉案财物保管", "Handle evidence"),
        /// Keep the legal time limits, handling-area rooms and storage locations.
        ManageCases = "manage_cases" ("管理办案设置", "Manage case settings"),
    }
}

impl Action {
    /// The system this action belongs to.
    pub const fn system(self) -> System {
        use Action::*;
        match self {
            ReadSelf | UseValidators | ReadOrgs | ReadUsers | ManageUsers | ReadAudit
            | ReadMetrics => System::Foundation,
            ReadCommand | CreateIncident | Dispatch | OperateUnit | ReadStats | UploadMedia
            | ReadLayers | ManageLayers | ManageUnits | ManageTimers | ManageLinkage
            | ReadPlans | ManagePlans | SetUpCommand => System::Command,
            ReadHazmat | ManageHazmat | CommandHazmat => System::Hazmat,
            ReadTraffic | RecordViolation | ManageTraffic | DriverSelfService
            | ManageRoadEvents => System::Traffic,
            ReadPermits | PermitSelfService | HandlePermits | ManagePermits | ReadPermitStats => {
                System::Permits
            }
            ReadCases | HandleCases | SuperviseCases | ReadEvidence | HandleEvidence
            | ManageCases => System::Cases,
        }
    }

    /// The roles that may take this action somewhere (the scope is checked separately).
    pub fn roles(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |r| role_may(*r, self))
    }
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

/// The role → action table: whether `role` may take `action` at all. [`authorize`] asks this
/// first and then checks the scope; tests enumerate it over [`Role::ALL`] × [`Action::ALL`].
pub const fn role_may(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        ReadSelf | UseValidators => true,
        ReadOrgs => role.is_staff(),
        ReadUsers | ManageUsers => matches!(role, Admin),
        ReadAudit => matches!(role, Admin | LegalSupervisor),
        ReadMetrics => matches!(role, Admin),
        ReadCommand => matches!(role, Admin | Dispatcher | Officer),
        CreateIncident | Dispatch => matches!(role, Dispatcher),
        OperateUnit => matches!(role, Dispatcher | Officer),
        ReadStats => matches!(role, Admin | Dispatcher | LegalSupervisor),
        UploadMedia => matches!(role, Dispatcher | Officer),
        ReadLayers => role.is_staff(),
        ManageLayers => matches!(role, Admin),
        ManageUnits => matches!(role, Admin | Dispatcher),
        ManageTimers | ManageLinkage => matches!(role, Admin),
        ReadPlans => matches!(role, Admin | Dispatcher),
        ManagePlans => matches!(role, Admin),
        SetUpCommand => matches!(role, Admin),
        ReadHazmat => matches!(role, Admin | Dispatcher | FireCommander),
        ManageHazmat => matches!(role, Admin | FireCommander),
        CommandHazmat => matches!(role, FireCommander),
        ReadTraffic => matches!(role, Admin | Officer | TrafficClerk | Citizen),
        RecordViolation => matches!(role, Officer | TrafficClerk),
        ManageTraffic => matches!(role, Admin | TrafficClerk),
        DriverSelfService => matches!(role, Citizen),
        ManageRoadEvents => matches!(role, Officer | TrafficClerk),
        ReadPermits => matches!(role, Admin | PermitClerk | Citizen),
        PermitSelfService => matches!(role, Citizen),
        HandlePermits => matches!(role, PermitClerk),
        ManagePermits => matches!(role, Admin),
        ReadPermitStats => matches!(role, Admin | PermitClerk),
        ReadCases => matches!(role, CaseHandler | LegalSupervisor),
        HandleCases => matches!(role, CaseHandler),
        SuperviseCases => matches!(role, LegalSupervisor),
        ReadEvidence => matches!(role, CaseHandler | LegalSupervisor | EvidenceCustodian),
        HandleEvidence => matches!(role, EvidenceCustodian),
        ManageCases => matches!(role, Admin),
    }
}

/// The one authorization decision: `p` may take `action` on data in `scope` when its role
/// allows the action ([`role_may`]) and the scope is its own (an org path in its subtree; for a
/// citizen, its own records).
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
