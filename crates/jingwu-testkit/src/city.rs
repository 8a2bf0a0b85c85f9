//! The small city of `TestApp::with_city()`: the demo's codes, names and account names where
//! they exist (so a test reads the same against either), but only what own-versus-other
//! tests need — the city bureau, two district bureaus with two stations each, one account per
//! role, and a second dispatcher, admin, officer and citizen in the other district or person.
//! Made through the public use cases, so it is audited like anything else.

use jingwu_app::{App, NewOrg, NewUser, RequestCtx};

/// Password of every fixture account (the demo's, so demo and small city log in alike).
pub const PASSWORD: &str = jingwu_app::DEMO_PASSWORD;

/// (kind, code, Chinese name, English name, parent code).
pub const ORGS: [(&str, &str, &str, &str, Option<&str>); 7] = [
    (
        "city",
        "330200",
        "宁波市公安局",
        "Ningbo Municipal Public Security Bureau",
        None,
    ),
    (
        "district",
        "330203",
        "海曙分局",
        "Haishu Branch",
        Some("330200"),
    ),
    (
        "station",
        "33020301",
        "鼓楼派出所",
        "Gulou Police Station",
        Some("330203"),
    ),
    (
        "station",
        "33020302",
        "月湖派出所",
        "Yuehu Police Station",
        Some("330203"),
    ),
    (
        "district",
        "330205",
        "江北分局",
        "Jiangbei Branch",
        Some("330200"),
    ),
    (
        "station",
        "33020501",
        "白沙派出所",
        "Baisha Police Station",
        Some("330205"),
    ),
    (
        "station",
        "33020502",
        "孔浦派出所",
        "Kongpu Police Station",
        Some("330205"),
    ),
];

/// (username, display name, role, org code). The first thirteen are the demo's accounts
/// (those the demo puts in districts left out here sit in Jiangbei instead).
pub const ACCOUNTS: [(&str, &str, &str, &str); 22] = [
    ("admin", "系统管理员", "admin", "330200"),
    ("dispatcher", "市局指挥中心调度员", "dispatcher", "330200"),
    (
        "haishu.dispatcher",
        "海曙分局指挥室调度员",
        "dispatcher",
        "330203",
    ),
    ("gulou.admin", "鼓楼派出所管理员", "admin", "33020301"),
    ("yuehu.admin", "月湖派出所管理员", "admin", "33020302"),
    ("officer", "鼓楼派出所民警 王磊", "officer", "33020301"),
    ("traffic", "交警支队业务员 李娜", "traffic_clerk", "330200"),
    ("permit", "审批窗口受理员 陈静", "permit_clerk", "330200"),
    (
        "case",
        "白沙派出所办案民警 周涛",
        "case_handler",
        "33020501",
    ),
    ("legal", "法制支队审核员 吴敏", "legal_supervisor", "330200"),
    (
        "evidence",
        "江北分局物证管理员 郑强",
        "evidence_custodian",
        "330205",
    ),
    ("fire", "消防支队指挥员 孙浩", "fire_commander", "330200"),
    ("citizen", "市民 张伟", "citizen", "330200"),
    // The other side of own-versus-other tests.
    (
        "jiangbei.dispatcher",
        "江北分局指挥室调度员",
        "dispatcher",
        "330205",
    ),
    ("jiangbei.admin", "江北分局管理员", "admin", "330205"),
    ("baisha.admin", "白沙派出所管理员", "admin", "33020501"),
    (
        "baisha.officer",
        "白沙派出所民警 刘军",
        "officer",
        "33020501",
    ),
    ("citizen2", "市民 李芳", "citizen", "330200"),
    // Law enforcement's other side: a handler of another station, the district legal office
    // (county-level approver of extensions), a custodian of another district's store.
    (
        "gulou.case",
        "鼓楼派出所办案民警 孙立",
        "case_handler",
        "33020301",
    ),
    (
        "jiangbei.legal",
        "江北分局法制大队审核员 钱红",
        "legal_supervisor",
        "330205",
    ),
    (
        "haishu.evidence",
        "海曙分局物证管理员 冯伟",
        "evidence_custodian",
        "330203",
    ),
    (
        "jiangbei.fire",
        "江北消防救援大队指挥员",
        "fire_commander",
        "330205",
    ),
];

/// Creates the small city on an empty database.
pub(crate) async fn seed(app: &App) {
    let ctx = RequestCtx::cli();
    let mut system = None;
    for (kind, code, zh, en, parent) in ORGS {
        let org = NewOrg {
            kind: kind.into(),
            code: code.into(),
            name_zh: zh.into(),
            name_en: en.into(),
            parent: parent.map(Into::into),
        };
        app.foundation()
            .create_org(system.as_ref(), org, &ctx)
            .await
            .unwrap_or_else(|e| panic!("create org {code}: {e}"));
        if system.is_none() {
            system = Some(
                app.foundation()
                    .system_principal()
                    .await
                    .expect("system principal"),
            );
        }
    }
    let system = system.expect("the city was created");
    for (username, display_name, role, org) in ACCOUNTS {
        let n = NewUser {
            username: username.into(),
            display_name: display_name.into(),
            role: role.into(),
            org: org.into(),
            password: PASSWORD.into(),
        };
        app.foundation()
            .create_user(&system, n, &ctx)
            .await
            .unwrap_or_else(|e| panic!("create user {username}: {e}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_an_account_and_every_account_an_org() {
        for role in jingwu_core::Role::ALL {
            assert!(ACCOUNTS.iter().any(|a| a.2 == role.as_str()), "{role:?}");
        }
        for a in ACCOUNTS {
            assert!(ORGS.iter().any(|o| o.1 == a.3), "{a:?}");
        }
    }
}
