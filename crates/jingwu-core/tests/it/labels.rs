//! The pages' labels and the Rust ones are the same words: roles, org kinds and systems are
//! compared with `web/static/i18n/{zh-CN,en}.json`.

use jingwu_core::{OrgKind, Role, System};
use serde_json::Value;

fn i18n(lang: &str) -> Value {
    let path = format!(
        "{}/../../web/static/i18n/{lang}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

#[test]
fn role_and_org_kind_labels_match_the_pages() {
    for (lang, label_role, label_org) in [
        (
            "zh-CN",
            Role::label_zh as fn(Role) -> &'static str,
            OrgKind::label_zh as fn(OrgKind) -> &'static str,
        ),
        ("en", Role::label_en, OrgKind::label_en),
    ] {
        let t = i18n(lang);
        for r in Role::ALL {
            assert_eq!(t["roles"][r.as_str()], label_role(r), "{lang} {r}");
        }
        for k in OrgKind::ALL {
            assert_eq!(t["org_kind"][k.as_str()], label_org(k), "{lang} {k}");
        }
        let roles = t["roles"].as_object().unwrap();
        assert_eq!(
            roles.len(),
            Role::ALL.len(),
            "{lang}: a role the Rust enum lacks"
        );
    }
}

#[test]
fn system_labels_match_the_home_page() {
    // The home page keys fire/hazmat as `fire`.
    let key = |s: System| match s {
        System::Hazmat => "fire",
        other => other.as_str(),
    };
    let (zh, en) = (i18n("zh-CN"), i18n("en"));
    for s in System::ALL {
        if s == System::Foundation {
            continue; // not a tile on the home page
        }
        assert_eq!(zh["systems"][key(s)]["title"], s.label_zh(), "{s}");
        assert_eq!(en["systems"][key(s)]["title"], s.label_en(), "{s}");
    }
}
