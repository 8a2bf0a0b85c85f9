//! The demo city's law enforcement at 跃龙派出所 (Ninghai county): cases of both kinds at
//! different steps — a burglary filed with its suspect under a running arrest-request clock and
//! a required correction from the county's legal office, an assault handled as an
//! administrative case with its 30-day clock half used, a fraud just accepted —, people in
//! the handling area with their clocks running, and the county store's locations and items
//! with their chains of custody. Everything goes through the use cases, so the demo obeys the
//! same rules (and leaves the same audit trail) as real work. Names and numbers are invented.

use jingwu_cases::case::{CaseKind, CaseStatus, CommentKind, IdKind, PartyRole, StepKind};
use jingwu_cases::ids::CaseId;

use super::traffic::resident_id;
use crate::{App, NewCase, NewParty, RequestCtx, Result};

/// What the law-enforcement demo holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct CasesDemo {
    pub cases: usize,
    pub in_area: usize,
    pub items: usize,
}

const HOUR_US: i64 = 3_600_000_000;
const DAY_US: i64 = 24 * HOUR_US;

/// A demo case: kind, title, cause, summary, address, accepted this long ago.
struct DemoCase {
    kind: CaseKind,
    title: &'static str,
    cause: &'static str,
    summary: &'static str,
    address: &'static str,
    accepted_ago_us: i64,
}

const CASES: [DemoCase; 3] = [
    DemoCase {
        kind: CaseKind::Criminal,
        title: "跃龙街道桃源小区入室盗窃案",
        cause: "盗窃",
        summary: "被害人报称其家中于夜间被撬门入室，失窃现金及金项链一条。经现场勘验及视频追踪，锁定犯罪嫌疑人一名。",
        address: "宁海县跃龙街道桃源小区12幢",
        accepted_ago_us: 3 * DAY_US,
    },
    DemoCase {
        kind: CaseKind::Administrative,
        title: "兴宁路夜宵店殴打他人案",
        cause: "殴打他人",
        summary: "两名顾客在夜宵店内因琐事发生争执，一方动手致另一方轻微伤。",
        address: "宁海县兴宁中路夜宵一条街",
        accepted_ago_us: 15 * DAY_US,
    },
    DemoCase {
        kind: CaseKind::Criminal,
        title: "冒充客服退款电信网络诈骗案",
        cause: "诈骗",
        summary: "被害人接到冒充网店客服电话，按对方指引操作后被骗人民币28,000元。",
        address: "宁海县跃龙街道",
        accepted_ago_us: 6 * HOUR_US,
    },
];

impl App {
    /// Loads the law-enforcement demo once (nothing when a case exists already).
    pub async fn seed_demo_cases(&self) -> Result<CasesDemo> {
        let ctx = RequestCtx::cli();
        let handler = self.demo_principal("case").await?;
        let legal = self.demo_principal("ninghai.legal").await?;
        let c = self.cases();
        // The demo's deadlines need the limits a started bureau has (`jingwu serve` ensures
        // them too, after the demo).
        c.ensure_legal_limits().await?;
        if !c
            .cases(&handler, &ctx, &crate::CaseQuery::default())
            .await?
            .is_empty()
        {
            return Ok(CasesDemo::default());
        }
        let now = self.kernel().now_us();
        let mut ids: Vec<CaseId> = Vec::new();
        for d in &CASES {
            let opened = c
                .open_case(
                    &handler,
                    &ctx,
                    &NewCase {
                        kind: Some(d.kind),
                        title: d.title.into(),
                        cause: d.cause.into(),
                        summary: d.summary.into(),
                        address: d.address.into(),
                        occurred_at: Some(now - d.accepted_ago_us - 2 * HOUR_US),
                        accepted_at: Some(now - d.accepted_ago_us),
                        supervisor_id: Some(legal.user_id.clone()),
                        ..NewCase::default()
                    },
                )
                .await?;
            ids.push(opened.case.id);
        }
        let party = |role, name: &str, n: Option<u32>, phone: Option<&str>| NewParty {
            role,
            name: name.into(),
            id_kind: if n.is_some() {
                IdKind::ResidentId
            } else {
                IdKind::Unknown
            },
            id_number: n.map(resident_id),
            phone: phone.map(Into::into),
            address: String::new(),
            note: String::new(),
        };
        // The burglary: filed, a suspect and a victim, questioned, the arrest request's clock
        // running since the detention a day ago, a correction the handler still owes.
        let burglary = &ids[0];
        for p in [
            party(PartyRole::Suspect, "郑某某", Some(811), None),
            party(PartyRole::Victim, "胡某某", Some(812), Some("13957400812")),
            party(
                PartyRole::Witness,
                "桃源小区保安 陈某",
                None,
                Some("13957400813"),
            ),
        ] {
            c.add_party(&handler, &ctx, burglary, &p).await?;
        }
        c.move_case(&handler, &ctx, burglary, CaseStatus::Filed, "")
            .await?;
        c.add_step(
            &handler,
            &ctx,
            burglary,
            StepKind::Questioning,
            "询问被害人胡某某，制作询问笔录一份。",
            None,
        )
        .await?;
        c.add_step(
            &handler,
            &ctx,
            burglary,
            StepKind::DetentionRequest,
            "犯罪嫌疑人郑某某经呈请批准，于昨日执行刑事拘留。",
            None,
        )
        .await?;
        c.start_deadline(
            &handler,
            &ctx,
            burglary,
            "arrest_request",
            now - DAY_US,
            "郑某某刑事拘留后提请批准逮捕",
        )
        .await?;
        c.add_comment(
            &legal,
            &ctx,
            burglary,
            CommentKind::Correction,
            "现场勘验笔录缺少见证人签名，请于提请逮捕前补正。",
        )
        .await?;
        // The assault: an administrative case, its 30-day limit half used.
        let assault = &ids[1];
        for p in [
            party(PartyRole::Suspect, "吴某", Some(821), Some("13957400821")),
            party(PartyRole::Victim, "孙某", Some(822), Some("13957400822")),
        ] {
            c.add_party(&handler, &ctx, assault, &p).await?;
        }
        c.start_deadline(
            &handler,
            &ctx,
            assault,
            "admin_case",
            now - CASES[1].accepted_ago_us,
            "治安案件自受理之日起计算",
        )
        .await?;
        c.add_comment(
            &legal,
            &ctx,
            assault,
            CommentKind::Comment,
            "注意调取夜宵店监控，固定双方伤情鉴定意见。",
        )
        .await?;
        // The fraud: just accepted, the victim as reporter.
        c.add_party(
            &handler,
            &ctx,
            &ids[2],
            &party(PartyRole::Victim, "林某某", Some(831), Some("13957400831")),
        )
        .await?;
        Ok(CasesDemo {
            cases: ids.len(),
            ..CasesDemo::default()
        })
    }
}
