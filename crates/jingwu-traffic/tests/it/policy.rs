use jingwu_core::{Action, Denied, Principal, Role};
use jingwu_traffic::policy::{owns, sees_driver_record};

fn who(role: Role, user_id: &str, path: &str) -> Principal {
    Principal {
        user_id: user_id.into(),
        username: user_id.into(),
        role,
        org_id: "o".into(),
        org_path: path.into(),
    }
}

#[test]
fn citizens_see_their_own_records_staff_their_subtree() {
    let citizen = who(Role::Citizen, "c1", "/3302/");
    assert!(owns(&citizen, "c1"));
    assert!(!owns(&citizen, "c2"));
    assert_eq!(
        sees_driver_record(&citizen, "c1", "/3302/330203/", Action::ReadSelf),
        Ok(())
    );
    assert_eq!(
        sees_driver_record(&citizen, "c2", "/3302/330203/", Action::ReadSelf),
        Err(Denied::Scope)
    );
    let station = who(Role::Officer, "o1", "/3302/330203/");
    assert!(
        !owns(&station, "o1"),
        "staff accounts own no driver records"
    );
    assert_eq!(
        sees_driver_record(&station, "c1", "/3302/330203/1/", Action::ReadSelf),
        Ok(())
    );
    assert_eq!(
        sees_driver_record(&station, "c1", "/3302/330204/", Action::ReadSelf),
        Err(Denied::Scope)
    );
}
