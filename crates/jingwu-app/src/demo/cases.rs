//! The demo city's law enforcement at 跃龙派出所 (Ninghai county): cases of both kinds at
//! different steps — a burglary filed with its suspect under a running arrest-request clock and
//! a required correction from the county's legal office, an assault handled as an
//! administrative case with its 30-day clock half used, a fraud just accepted —, people in
//! the handling area with their clocks running, and the county store's locations and items
//! with their chains of custody. Everything goes through the use cases, so the demo obeys the
//! same rules (and leaves the same audit trail) as real work. Names and numbers are invented.

use jingwu_cases::area::{PersonRole, RoomKind};
use jingwu_cases::case::{CaseKind, CaseStatus, CommentKind, IdKind, PartyRole, StepKind};
use jingwu_cases::evidence::{Category, MovementKind};
use jingwu_cases::ids::{CaseId, RoomId};
use jingwu_store::foundation::orgs;

use super::traffic::resident_id;
use crate::{
    App, AppError, AreaStep, DigitalIntake, MovementInput, NewBelonging, NewCase, NewCustody,
    NewLocation, NewParty, NewRoom, PhysicalIntake, RequestCtx, Result,
};

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

/// The handling area of 跃龙派出所, in the order the procedure follows.
const ROOMS: [(&str, &str, RoomKind); 8] = [
    ("AJ01", "人身安全检查室", RoomKind::SafetyCheck),
    ("XX01", "信息采集室", RoomKind::InfoCollection),
    ("HW01", "候问室一", RoomKind::Waiting),
    ("HW02", "候问室二", RoomKind::Waiting),
    ("XW01", "讯问室一", RoomKind::Interrogation),
    ("XW02", "讯问室二", RoomKind::Interrogation),
    ("SW01", "询问室", RoomKind::Questioning),
    ("WP01", "随身物品保管室", RoomKind::Belongings),
];

/// The demo station (跃龙派出所), where the demo's handler works.
const STATION: &str = "33022601";

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
        let in_area = self.seed_demo_area(&handler, &ids).await?;
        let numbers = [
            c.case_file(&handler, &ctx, &ids[0]).await?.case.number,
            c.case_file(&handler, &ctx, &ids[2]).await?.case.number,
        ];
        let items = self.seed_demo_evidence(&numbers).await?;
        Ok(CasesDemo {
            cases: ids.len(),
            in_area,
            items,
        })
    }

    /// The county's property store: shelves and a safe; the burglary's crowbar, cash and
    /// necklace and the community camera's clip, the fraud victim's call recording; the
    /// crowbar moved to another shelf and checked out to the handler for appraisal.
    async fn seed_demo_evidence(&self, numbers: &[String; 2]) -> Result<usize> {
        let ctx = RequestCtx::cli();
        let custodian = self.demo_principal("evidence").await?;
        let c = self.cases();
        let mut locations = Vec::new();
        for (code, name, secure) in [
            ("A-01-01", "一般物品区 A 架 1 层", false),
            ("A-01-02", "一般物品区 A 架 2 层", false),
            ("S-01", "贵重物品保险柜 1 号", true),
        ] {
            let l = c
                .create_location(
                    &custodian,
                    NewLocation {
                        org_id: None,
                        code: code.into(),
                        name: name.into(),
                        secure,
                    },
                    &ctx,
                )
                .await?;
            locations.push(l.id);
        }
        let now = self.kernel().now_us();
        let mut n = 0;
        let mut crowbar = None;
        for (desc, category, qty, loc, seal) in [
            ("撬棍（作案工具）", Category::General, 1, 0, "NH-2026-0811"),
            ("现金人民币", Category::Cash, 3200, 2, "NH-2026-0812"),
            ("金项链", Category::Valuables, 1, 2, "NH-2026-0813"),
        ] {
            let v = c
                .intake_physical(
                    &custodian,
                    PhysicalIntake {
                        case_number: numbers[0].clone(),
                        barcode: None,
                        seal_no: Some(seal.into()),
                        description: desc.into(),
                        category,
                        quantity: qty,
                        location_id: locations[loc].clone(),
                        seized_at: now - 2 * DAY_US,
                        note: "办案民警移交".into(),
                    },
                    &ctx,
                )
                .await?;
            crowbar.get_or_insert(v.item.id);
            n += 1;
        }
        for (number, category, desc, file, body) in [
            (
                &numbers[0],
                Category::AudioVideo,
                "桃源小区12幢单元门口监控录像片段",
                "taoyuan-cam12.mp4",
                b"\x00\x00\x00\x18ftypmp42 demo clip of the community camera".as_slice(),
            ),
            (
                &numbers[1],
                Category::AudioVideo,
                "被害人与冒充客服的通话录音",
                "call-recording.m4a",
                b"\x00\x00\x00\x1cftypM4A demo call recording".as_slice(),
            ),
        ] {
            c.intake_digital(
                &custodian,
                DigitalIntake {
                    case_number: number.clone(),
                    category,
                    description: desc.into(),
                    filename: file.into(),
                    media_type: None,
                    seized_at: Some(now - DAY_US),
                    barcode: None,
                },
                body.to_vec(),
                &ctx,
            )
            .await?;
            n += 1;
        }
        if let Some(id) = crowbar {
            c.move_item(
                &custodian,
                &id,
                MovementInput {
                    kind: Some(MovementKind::Relocate),
                    location_id: Some(locations[1].to_string()),
                    place: "物证室".into(),
                    reason: "整理货架".into(),
                    ..MovementInput::default()
                },
                &ctx,
            )
            .await?;
            c.move_item(
                &custodian,
                &id,
                MovementInput {
                    kind: Some(MovementKind::CheckOut),
                    holder: Some("case".into()),
                    place: "物证室".into(),
                    reason: "送检：痕迹鉴定".into(),
                    seal_intact: Some(true),
                    ..MovementInput::default()
                },
                &ctx,
            )
            .await?;
        }
        Ok(n)
    }

    /// The station's rooms and three people inside: the fraud suspect under a criminal summons
    /// for seven hours (past the first warning), the assault suspect under a public-security
    /// summons, a witness being questioned. The clock job then raises what is due.
    async fn seed_demo_area(
        &self,
        handler: &jingwu_core::Principal,
        ids: &[CaseId],
    ) -> Result<usize> {
        let ctx = RequestCtx::cli();
        let admin = self.demo_principal("admin").await?;
        let mut conn = self.kernel().read().await?;
        let station = orgs::by_code(&mut conn, STATION)
            .await?
            .ok_or_else(|| AppError::Precondition(format!("no demo org unit {STATION}")))?;
        drop(conn);
        let c = self.cases();
        let mut rooms: Vec<(RoomKind, RoomId)> = Vec::new();
        for (code, name, kind) in ROOMS {
            let r = c
                .create_room(
                    &admin,
                    &NewRoom {
                        org_id: station.id.clone(),
                        code: code.into(),
                        name: name.into(),
                        kind,
                        active: true,
                    },
                    &ctx,
                )
                .await?;
            rooms.push((kind, r.id));
        }
        let room = |kind: RoomKind, nth: usize| {
            rooms
                .iter()
                .filter(|(k, _)| *k == kind)
                .nth(nth)
                .map(|(_, id)| id.clone())
                .ok_or_else(|| AppError::Internal(format!("no demo room {kind:?}")))
        };
        let now = self.kernel().now_us();
        let people = [
            (
                "王某某",
                Some(841),
                PersonRole::Suspect,
                "涉嫌冒充客服电信网络诈骗",
                7 * HOUR_US,
                Some("criminal_summons"),
                Some(ids[2].clone()),
                room(RoomKind::Interrogation, 0)?,
            ),
            (
                "吴某",
                Some(821),
                PersonRole::Suspect,
                "涉嫌殴打他人",
                2 * HOUR_US,
                Some("admin_summons"),
                Some(ids[1].clone()),
                room(RoomKind::Waiting, 0)?,
            ),
            (
                "陈某",
                None,
                PersonRole::Witness,
                "桃源小区入室盗窃案证人",
                HOUR_US,
                None,
                Some(ids[0].clone()),
                room(RoomKind::Questioning, 0)?,
            ),
        ];
        let mut n = 0;
        for (name, rid, role, reason, ago, measure, case_id, to_room) in people {
            let p = c
                .bring_in(
                    handler,
                    &NewCustody {
                        name: name.into(),
                        id_kind: if rid.is_some() {
                            IdKind::ResidentId
                        } else {
                            IdKind::Unknown
                        },
                        id_number: rid.map(resident_id),
                        role,
                        reason: reason.into(),
                        arrived_at: now - ago,
                        measure: measure.map(Into::into),
                        case_id,
                        room_id: Some(room(RoomKind::SafetyCheck, 0)?),
                    },
                    &ctx,
                )
                .await?;
            let id = p.custody.id.clone();
            c.record_step(
                handler,
                &id,
                &AreaStep::SafetyCheck {
                    note: "未发现违禁物品及伤情".into(),
                },
                &ctx,
            )
            .await?;
            if role == PersonRole::Suspect {
                c.add_belongings(
                    handler,
                    &id,
                    &[
                        NewBelonging {
                            description: "手机".into(),
                            quantity: 1,
                        },
                        NewBelonging {
                            description: "钥匙串".into(),
                            quantity: 1,
                        },
                    ],
                    &ctx,
                )
                .await?;
                c.record_step(
                    handler,
                    &id,
                    &AreaStep::InfoCollected {
                        note: "采集指纹、照片及DNA样本".into(),
                    },
                    &ctx,
                )
                .await?;
            }
            c.record_step(handler, &id, &AreaStep::RoomMove { room_id: to_room }, &ctx)
                .await?;
            n += 1;
        }
        c.run_clock_alerts().await?;
        Ok(n)
    }
}
