//! The demo city: a Ningbo-like bureau with 10 district/county bureaus and 56 police stations
//! (the seed's count), plus one account per role. Deterministic: same names, codes and tree on
//! every run. Everything is created through the ordinary use cases, so it is audited too.

mod activity;
mod cases;
mod command;
mod hazmat;
mod layers;
mod permits;
mod resume;
mod traffic;

pub use activity::DemoPace;
pub use cases::CasesDemo;
pub use hazmat::{DEMO_ENTERPRISES, DEMO_STATIONS};
pub use permits::{PermitsDemo, SCAN_PNG, demo_items};
pub use traffic::{DEMO_DRIVERS, DEMO_NEW_PLATE, DEMO_NEW_RESIDENT, TrafficDemo};

use jingwu_core::OrgKind;

use crate::{App, NewOrg, NewUser, RequestCtx, Result};

/// Password of every demo account. Demo data only: never use it on a real deployment.
pub const DEMO_PASSWORD: &str = "jingwu-demo";

const CITY: (&str, &str, &str) = (
    "330200",
    "宁波市公安局",
    "Ningbo Municipal Public Security Bureau",
);

/// (code, Chinese name, English name, stations as (Chinese place, pinyin)).
type District = (
    &'static str,
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

const DISTRICTS: [District; 10] = [
    (
        "330203",
        "海曙分局",
        "Haishu Branch",
        &[
            ("鼓楼", "Gulou"),
            ("月湖", "Yuehu"),
            ("西门", "Ximen"),
            ("南门", "Nanmen"),
            ("江厦", "Jiangxia"),
            ("白云", "Baiyun"),
            ("石碶", "Shiqi"),
        ],
    ),
    (
        "330205",
        "江北分局",
        "Jiangbei Branch",
        &[
            ("白沙", "Baisha"),
            ("孔浦", "Kongpu"),
            ("文教", "Wenjiao"),
            ("甬江", "Yongjiang"),
            ("庄桥", "Zhuangqiao"),
        ],
    ),
    (
        "330206",
        "北仑分局",
        "Beilun Branch",
        &[
            ("新碶", "Xinqi"),
            ("大碶", "Daqi"),
            ("小港", "Xiaogang"),
            ("霞浦", "Xiapu"),
            ("柴桥", "Chaiqiao"),
            ("春晓", "Chunxiao"),
        ],
    ),
    (
        "330211",
        "镇海分局",
        "Zhenhai Branch",
        &[
            ("招宝山", "Zhaobaoshan"),
            ("蛟川", "Jiaochuan"),
            ("骆驼", "Luotuo"),
            ("庄市", "Zhuangshi"),
        ],
    ),
    (
        "330212",
        "鄞州分局",
        "Yinzhou Branch",
        &[
            ("钟公庙", "Zhonggongmiao"),
            ("中河", "Zhonghe"),
            ("首南", "Shounan"),
            ("福明", "Fuming"),
            ("东柳", "Dongliu"),
            ("下应", "Xiaying"),
            ("姜山", "Jiangshan"),
            ("五乡", "Wuxiang"),
        ],
    ),
    (
        "330213",
        "奉化分局",
        "Fenghua Branch",
        &[
            ("锦屏", "Jinping"),
            ("岳林", "Yuelin"),
            ("江口", "Jiangkou"),
            ("溪口", "Xikou"),
            ("莼湖", "Chunhu"),
        ],
    ),
    (
        "330281",
        "余姚市公安局",
        "Yuyao City Bureau",
        &[
            ("阳明", "Yangming"),
            ("梨洲", "Lizhou"),
            ("凤山", "Fengshan"),
            ("兰江", "Lanjiang"),
            ("泗门", "Simen"),
            ("马渚", "Mazhu"),
        ],
    ),
    (
        "330282",
        "慈溪市公安局",
        "Cixi City Bureau",
        &[
            ("浒山", "Hushan"),
            ("白沙路", "Baishalu"),
            ("坎墩", "Kandun"),
            ("宗汉", "Zonghan"),
            ("周巷", "Zhouxiang"),
            ("观海卫", "Guanhaiwei"),
        ],
    ),
    (
        "330226",
        "宁海县公安局",
        "Ninghai County Bureau",
        &[
            ("跃龙", "Yuelong"),
            ("桃源", "Taoyuan"),
            ("梅林", "Meilin"),
            ("西店", "Xidian"),
            ("长街", "Changjie"),
        ],
    ),
    (
        "330225",
        "象山县公安局",
        "Xiangshan County Bureau",
        &[
            ("丹东", "Dandong"),
            ("丹西", "Danxi"),
            ("石浦", "Shipu"),
            ("西周", "Xizhou"),
        ],
    ),
];

/// (username, display name, role, org code).
const ACCOUNTS: [(&str, &str, &str, &str); 16] = [
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
        "跃龙派出所办案民警 周涛",
        "case_handler",
        "33022601",
    ),
    ("legal", "法制支队审核员 吴敏", "legal_supervisor", "330200"),
    (
        "evidence",
        "宁海县局物证管理员 郑强",
        "evidence_custodian",
        "330226",
    ),
    ("fire", "消防支队指挥员 孙浩", "fire_commander", "330200"),
    ("citizen", "市民 张伟", "citizen", "330200"),
    // Law enforcement: the county's legal office approves extensions of legal clocks; a
    // handler and a custodian of another district show what jurisdiction hides.
    (
        "ninghai.legal",
        "宁海县局法制大队审核员 钱红",
        "legal_supervisor",
        "330226",
    ),
    (
        "gulou.case",
        "鼓楼派出所办案民警 孙立",
        "case_handler",
        "33020301",
    ),
    (
        "haishu.evidence",
        "海曙分局物证管理员 冯伟",
        "evidence_custodian",
        "330203",
    ),
];

#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: &'static str,
}

#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// False when the database already held a city (nothing was changed).
    pub created: bool,
    pub org_units: usize,
    pub logins: Vec<DemoLogin>,
}

impl App {
    /// Loads the demo city into an empty database; leaves an existing one untouched.
    pub async fn seed_demo(&self) -> Result<DemoSummary> {
        let logins = ACCOUNTS
            .iter()
            .map(|(username, display_name, role, _)| DemoLogin {
                username,
                display_name,
                role,
            })
            .collect();
        let org_units = 1 + DISTRICTS.iter().map(|d| 1 + d.3.len()).sum::<usize>();
        let mut conn = self.kernel().read().await?;
        let exists = jingwu_store::foundation::orgs::root(&mut conn)
            .await?
            .is_some();
        drop(conn);
        if exists {
            return Ok(DemoSummary {
                created: false,
                org_units,
                logins,
            });
        }
        let ctx = RequestCtx::cli();
        let org = |kind: OrgKind, code: &str, zh: &str, en: &str, parent: Option<&str>| NewOrg {
            kind: kind.as_str().into(),
            code: code.into(),
            name_zh: zh.into(),
            name_en: en.into(),
            parent: parent.map(Into::into),
        };
        self.foundation()
            .create_org(None, org(OrgKind::City, CITY.0, CITY.1, CITY.2, None), &ctx)
            .await?;
        let system = self.foundation().system_principal().await?;
        for (code, zh, en, stations) in DISTRICTS {
            self.foundation()
                .create_org(
                    Some(&system),
                    org(OrgKind::District, code, zh, en, Some(CITY.0)),
                    &ctx,
                )
                .await?;
            for (i, (place, pinyin)) in stations.iter().enumerate() {
                let station = org(
                    OrgKind::Station,
                    &format!("{code}{:02}", i + 1),
                    &format!("{place}派出所"),
                    &format!("{pinyin} Police Station"),
                    Some(code),
                );
                self.foundation()
                    .create_org(Some(&system), station, &ctx)
                    .await?;
            }
        }
        for (username, display_name, role, org_code) in ACCOUNTS {
            let n = NewUser {
                username: username.into(),
                display_name: display_name.into(),
                role: role.into(),
                org: org_code.into(),
                password: DEMO_PASSWORD.into(),
            };
            self.foundation().create_user(&system, n, &ctx).await?;
        }
        Ok(DemoSummary {
            created: true,
            org_units,
            logins,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_city_has_ten_bureaus_and_fifty_six_stations() {
        assert_eq!(DISTRICTS.len(), 10);
        assert_eq!(DISTRICTS.iter().map(|d| d.3.len()).sum::<usize>(), 56);
        let mut codes: Vec<&str> = DISTRICTS.iter().map(|d| d.0).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), 10);
    }

    #[test]
    fn every_role_has_a_demo_account() {
        for role in jingwu_core::Role::ALL {
            assert!(ACCOUNTS.iter().any(|a| a.2 == role.as_str()), "{role:?}");
        }
    }
}
