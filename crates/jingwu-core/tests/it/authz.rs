//! The role → action table as a checked-in matrix, and the scope half of `authorize`.

use jingwu_core::{Action, Denied, Principal, Role, Scope, System, TextEnum, authorize, role_may};

/// Every decision of the role table. Columns are `Role::ALL` in order: admin, dispatcher,
/// officer, traffic_clerk, permit_clerk, case_handler, legal_supervisor, evidence_custodian,
/// fire_commander, citizen. A changed rule, a new action or a new role changes this text, so it
/// must be reviewed here.
const EXPECTED: &str = "
foundation read_self        x x x x x x x x x x
foundation use_validators   x x x x x x x x x x
foundation read_orgs        x x x x x x x x x .
foundation read_users       x . . . . . . . . .
foundation manage_users     x . . . . . . . . .
foundation read_audit       x . . . . . x . . .
foundation read_metrics     x . . . . . . . . .
command    read_command     x x x . . . . . . .
command    create_incident  . x . . . . . . . .
command    dispatch         . x . . . . . . . .
command    operate_unit     . x x . . . . . . .
command    read_stats       x x . . . . x . . .
command    upload_media     . x x . . . . . . .
command    read_layers      x x x x x x x x x .
command    manage_layers    x . . . . . . . . .
command    manage_units     x x . . . . . . . .
command    manage_timers    x . . . . . . . . .
command    manage_linkage   x . . . . . . . . .
command    read_plans       x x . . . . . . . .
command    manage_plans     x . . . . . . . . .
command    set_up_command   x . . . . . . . . .
hazmat     read_hazmat      x x . . . . . . x .
hazmat     manage_hazmat    x . . . . . . . x .
hazmat     command_hazmat   . . . . . . . . x .
traffic    read_traffic     x . x x . . . . . x
traffic    record_violation . . x x . . . . . .
traffic    manage_traffic   x . . x . . . . . .
traffic    driver_self_service . . . . . . . . . x
traffic    manage_road_events . . x x . . . . . .
permits    read_permits     x . . . x . . . . x
permits    permit_self_service . . . . . . . . . x
permits    handle_permits   . . . . x . . . . .
permits    manage_permits   x . . . . . . . . .
permits    read_permit_stats x . . . x . . . . .
cases      read_cases       . . . . . x x . . .
cases      handle_cases     . . . . . x . . . .
cases      supervise_cases  . . . . . . x . . .
cases      read_evidence    . . . . . x x x . .
cases      handle_evidence  . . . . . . . x . .
cases      manage_cases     x . . . . . . . . .
";

fn render() -> String {
    let mut out = String::from("\n");
    for a in Action::ALL {
        let cells: Vec<&str> = Role::ALL
            .iter()
            .map(|r| if role_may(*r, a) { "x" } else { "." })
            .collect();
        out.push_str(&format!(
            "{:<10} {:<16} {}\n",
            a.system().as_str(),
            a.as_str(),
            cells.join(" ")
        ));
    }
    out
}

#[test]
fn role_table_matches_the_checked_in_matrix() {
    assert_eq!(render(), EXPECTED, "rendered:{}", render());
}

#[test]
fn authorize_follows_the_table_for_every_role_and_action() {
    for role in Role::ALL {
        let p = who(role, "/3302/330203/");
        for a in Action::ALL {
            // Staff in their own subtree, a citizen on its own record: only the role decides.
            let scope = if role.is_staff() {
                Scope::Org("/3302/330203/33020301/")
            } else {
                Scope::Owner {
                    owner_id: &p.user_id,
                    org_path: "/3302/",
                }
            };
            let want = if role_may(role, a) {
                Ok(())
            } else {
                Err(Denied::Role(role, a))
            };
            assert_eq!(authorize(&p, a, scope), want, "{role} {a}");
            assert_eq!(a.roles().any(|r| r == role), role_may(role, a));
        }
    }
}

fn who(role: Role, path: &str) -> Principal {
    Principal {
        user_id: format!("u-{role}"),
        username: role.to_string(),
        role,
        org_id: "o".into(),
        org_path: path.into(),
    }
}

#[test]
fn scope_station_district_city_and_owner() {
    let station = "/3302/330203/33020301/";
    let sibling = "/3302/330203/33020302/";
    let other_district = "/3302/330205/33020501/";
    let check = |p: &Principal, path: &str, want: Result<(), Denied>| {
        assert_eq!(
            authorize(p, Action::ReadCommand, Scope::Org(path)),
            want,
            "{} at {} on {path}",
            p.role,
            p.org_path
        );
    };
    let st = who(Role::Dispatcher, station);
    check(&st, station, Ok(()));
    check(&st, sibling, Err(Denied::Scope));
    check(&st, "/3302/330203/", Err(Denied::Scope)); // its own parent
    let district = who(Role::Dispatcher, "/3302/330203/");
    check(&district, station, Ok(()));
    check(&district, sibling, Ok(()));
    check(&district, other_district, Err(Denied::Scope));
    let city = who(Role::Admin, "/3302/");
    check(&city, other_district, Ok(()));
    // A code that is a string prefix but not a path prefix.
    check(
        &who(Role::Admin, "/3302/33020/"),
        "/3302/330203/",
        Err(Denied::Scope),
    );

    // Owner scope: staff by the record's org path, a citizen only its own.
    let citizen = who(Role::Citizen, "/3302/");
    let own = Scope::Owner {
        owner_id: &citizen.user_id,
        org_path: station,
    };
    let other = Scope::Owner {
        owner_id: "someone-else",
        org_path: station,
    };
    assert_eq!(authorize(&citizen, Action::ReadSelf, own), Ok(()));
    assert_eq!(
        authorize(&citizen, Action::ReadSelf, other),
        Err(Denied::Scope)
    );
    // A citizen never acts on org data, even where its role has the action.
    assert_eq!(
        authorize(&citizen, Action::ReadSelf, Scope::Org("/3302/")),
        Err(Denied::Scope)
    );
    assert_eq!(authorize(&st, Action::ReadSelf, other), Ok(()));
    assert_eq!(
        authorize(&who(Role::Admin, sibling), Action::ReadSelf, other),
        Err(Denied::Scope)
    );
}

#[test]
fn every_action_belongs_to_one_system() {
    let mut seen = Vec::new();
    for s in System::ALL {
        for a in s.actions() {
            assert_eq!(a.system(), s);
            seen.push(a);
        }
    }
    assert_eq!(seen.len(), Action::ALL.len());
    assert_eq!(<System as TextEnum>::VARIANTS.len(), 6);
    assert_eq!(System::Hazmat.as_str(), "hazmat");
}
