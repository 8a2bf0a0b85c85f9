//! The demo city's traffic services, made through the public use cases: licence holders and
//! their vehicles in the registries, camera and officer violations over the last eleven
//! months, citizens who registered online (a one-time code read from the built-in notifier's
//! outbox) and processed and paid most of theirs through the sandbox channel — so that more
//! than 40 % of the violations are paid online, as in the seed's first eleven months.
//!
//! Two people the README and the browser test name: the demo account `citizen` (张伟), whose
//! identity a clerk verified at the window, with records in every state; and 李明 (resident ID
//! `330203199001011236`), not registered yet, with one pending camera violation (running a red
//! light) on `浙B8A6K3`.

use jingwu_core::Principal;
use jingwu_routing::SplitMix64;
use jingwu_store::foundation::users;

use crate::traffic::{
    NewApplication, NewCitizen, NewLicence, NewMessage, NewRoadEvent, NewTrafficVehicle,
    NewViolation, OtpPurpose, ReviewAction,
};
use crate::{App, AppError, RequestCtx, Result, SANDBOX};

/// Licence holders in the demo registry.
pub const DEMO_DRIVERS: u32 = 240;
/// Of them, registered online.
const REGISTERED: u32 = 48;

/// The unregistered demo resident of the browser test, and his vehicle.
pub const DEMO_NEW_RESIDENT: &str = "330203199001011236";
pub const DEMO_NEW_PLATE: &str = "浙B8A6K3";
/// The `citizen` account's identity.
const CITIZEN_RESIDENT: &str = "330203198506124565";
const CITIZEN_MOBILE: &str = "13800000001";

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超",
    "秀英", "华", "建平", "晓东",
];
const MODELS: &[&str] = &[
    "大众牌小型轿车",
    "丰田牌小型轿车",
    "比亚迪牌小型轿车",
    "吉利牌小型普通客车",
    "本田牌小型轿车",
    "特斯拉牌小型轿车",
];
const STATIONS: &[&str] = &["33020301", "33020302", "33020501", "33020601", "33021201"];
/// Camera and officer records, weighted towards the common ones.
const CODES: &[&str] = &[
    "10390", "10390", "10390", "13030", "13030", "16250", "16250", "10200", "13510", "16310",
];
const PLACES: &[(&str, f64, f64)] = &[
    ("中山西路与望京路交叉口", 29.8702, 121.5512),
    ("解放北路与中山东路交叉口", 29.8734, 121.5561),
    ("环城南路与天童路交叉口", 29.8511, 121.5563),
    ("通途路与世纪大道交叉口", 29.8893, 121.6192),
    ("人民路与江北大道交叉口", 29.8921, 121.5540),
];

/// A valid resident ID (GB 11643) for demo person `n`.
pub(super) fn resident_id(n: u32) -> String {
    let body = format!(
        "3302{:02}19{:02}{:02}{:02}{:03}",
        3 + n % 10,
        60 + n % 40,
        1 + n % 12,
        1 + n % 28,
        n % 1000
    );
    // The body is 17 digits by construction, so a check character always exists.
    let check = jingwu_validate::resident_id::check_character(&body).unwrap_or('0');
    format!("{body}{check}")
}

fn plate(n: u32) -> String {
    const LETTERS: &[u8] = b"ACDEFGHJKLMNPQRSTUVWXYZ";
    format!(
        "浙B{}{:04}",
        LETTERS[(n as usize) % LETTERS.len()] as char,
        1000 + n
    )
}

/// What the demo made.
#[derive(Debug, Clone, Default)]
pub struct TrafficDemo {
    pub drivers: u32,
    pub violations: u32,
    pub paid_online: u32,
}

impl App {
    pub(super) async fn demo_principal(&self, username: &str) -> Result<Principal> {
        let mut conn = self.kernel().read().await?;
        let u = users::by_username(&mut conn, username)
            .await?
            .ok_or_else(|| AppError::Precondition(format!("no demo account {username}")))?;
        drop(conn);
        self.foundation().principal_of(&u)
    }

    /// Registers a citizen online: a code to the phone, read back from the outbox.
    async fn demo_register(
        &self,
        admin: &Principal,
        n: &NewCitizen,
        ctx: &RequestCtx,
    ) -> Result<Principal> {
        let t = self.traffic();
        t.send_code(&n.mobile, OtpPurpose::Register, ctx).await?;
        let msg = t.outbox(admin, &n.mobile).await?;
        let code: String = msg
            .first()
            .map(|m| {
                m.body
                    .chars()
                    .skip_while(|c| !c.is_ascii_digit())
                    .take_while(char::is_ascii_digit)
                    .collect()
            })
            .unwrap_or_default();
        t.register(&NewCitizen { code, ..n.clone() }, ctx).await?;
        self.demo_principal(&n.mobile).await
    }

    /// Accepts and (sometimes) pays a citizen's pending violations through the sandbox.
    async fn demo_process(
        &self,
        who: &Principal,
        pay_share: f64,
        rng: &mut SplitMix64,
        out: &mut TrafficDemo,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let t = self.traffic();
        let pending = t
            .violations(who, Some(jingwu_traffic::ViolationStatus::Pending), 100, 0)
            .await?;
        for v in pending {
            // Some stay at the camera: the driver has not looked yet.
            if rng.next_f64() < 0.15 {
                continue;
            }
            match t.accept_violation(who, &v.violation.id, ctx).await {
                Ok(_) => {}
                // A full score withholds the licence: the rest wait for the window.
                Err(AppError::Conflict { .. }) => break,
                Err(e) => return Err(e),
            }
            if rng.next_f64() < pay_share {
                let checkout = t.pay_violation(who, &v.violation.id, SANDBOX, ctx).await?;
                self.payments().sandbox_pay(&checkout.request, ctx).await?;
                out.paid_online += 1;
            }
        }
        Ok(())
    }

    /// Loads the demo city's traffic records once (nothing when the registry has licences).
    pub async fn seed_demo_traffic(&self) -> Result<TrafficDemo> {
        let ctx = RequestCtx::cli();
        self.payments().ensure_sandbox().await?;
        let system = self.foundation().system_principal().await?;
        let t = self.traffic();
        if !t.licences(&system, 1, 0).await?.is_empty() {
            return Ok(TrafficDemo::default());
        }
        let clerk = self.demo_principal("traffic").await?;
        let admin = self.demo_principal("admin").await?;
        let now = self.kernel().now_us();
        let today = jingwu_core::calendar::local_date(now);
        let mut rng = SplitMix64::new(12123);
        let mut out = TrafficDemo::default();
        let date = |d: jiff::civil::Date| d.to_string();

        // The registry: every holder has a licence and one or two vehicles.
        let mut people = Vec::new();
        for n in 0..DEMO_DRIVERS {
            let (rid, name) = match n {
                0 => (CITIZEN_RESIDENT.to_owned(), "张伟".to_owned()),
                1 => (DEMO_NEW_RESIDENT.to_owned(), "李明".to_owned()),
                _ => (
                    resident_id(n),
                    format!(
                        "{}{}",
                        SURNAMES[rng.below(SURNAMES.len() as u64) as usize],
                        GIVEN[rng.below(GIVEN.len() as u64) as usize]
                    ),
                ),
            };
            let first = match n {
                1 => "2015-03-10".parse().unwrap_or(today),
                _ => today.saturating_sub(jiff::Span::new().days(400 + rng.below(6000) as i64)),
            };
            let station = STATIONS[(n as usize) % STATIONS.len()];
            t.create_licence(
                &system,
                &NewLicence {
                    resident_id: rid.clone(),
                    holder_name: name.clone(),
                    class: if n % 9 == 4 { "B2".into() } else { "C1".into() },
                    first_issued_on: date(first),
                    expires_on: date(first.saturating_add(jiff::Span::new().years(16))),
                    org: Some(station.into()),
                },
                &ctx,
            )
            .await?;
            let cars = if n % 5 == 0 { 2 } else { 1 };
            let mut plates = Vec::new();
            for k in 0..cars {
                let p = if n == 1 {
                    DEMO_NEW_PLATE.to_owned()
                } else {
                    plate(n * 2 + k)
                };
                t.create_vehicle(
                    &system,
                    &NewTrafficVehicle {
                        plate: p.clone(),
                        owner_resident_id: rid.clone(),
                        owner_name: name.clone(),
                        model: MODELS[rng.below(MODELS.len() as u64) as usize].into(),
                        inspection_due_on: date(
                            today
                                .saturating_add(jiff::Span::new().days(30 + rng.below(700) as i64)),
                        ),
                        org: Some(station.into()),
                    },
                    &ctx,
                )
                .await?;
                plates.push(p);
            }
            people.push((rid, name, plates));
        }
        out.drivers = DEMO_DRIVERS;

        // Violations over the last eleven months; the registered drivers collect most of them.
        let year_us = 330 * 86_400_000_000_i64;
        for (n, (_, _, plates)) in people.iter().enumerate() {
            let count = match n {
                0 => 4,
                1 => 0,
                n if (n as u32) < REGISTERED + 2 => 2 + rng.below(3) as u32,
                // Most people without an account have a clean record; a few have one.
                _ => u32::from(rng.below(3) == 0),
            };
            for i in 0..count {
                let (place, lat, lon) = PLACES[rng.below(PLACES.len() as u64) as usize];
                let ago = (rng.next_f64() * year_us as f64) as i64;
                // 张伟's, newest first: a red light (he pays it), speeding (decided, unpaid),
                // then two he has not processed yet.
                let (code, ago) = match n {
                    0 => (
                        ["16250", "13030", "10390", "13510"][i as usize % 4],
                        i64::from(i + 1) * 20 * 86_400_000_000,
                    ),
                    _ => (CODES[rng.below(CODES.len() as u64) as usize], ago),
                };
                t.record_violation(
                    &clerk,
                    &NewViolation {
                        plate: plates[rng.below(plates.len() as u64) as usize].clone(),
                        code: code.into(),
                        place: place.into(),
                        lat,
                        lon,
                        occurred_at_us: now - 3_600_000_000 - ago,
                        source: "camera".into(),
                    },
                    &ctx,
                )
                .await?;
                out.violations += 1;
            }
        }
        // 李明's red light, waiting for him to register.
        t.record_violation(
            &clerk,
            &NewViolation {
                plate: DEMO_NEW_PLATE.into(),
                code: "16250".into(),
                place: PLACES[0].0.into(),
                lat: PLACES[0].1,
                lon: PLACES[0].2,
                occurred_at_us: now - 2 * 86_400_000_000,
                source: "camera".into(),
            },
            &ctx,
        )
        .await?;
        out.violations += 1;

        // The demo `citizen` account, verified at the window: one record paid, one decided
        // and unpaid, two still pending.
        let citizen = self.demo_principal("citizen").await?;
        t.verify_in_person(
            &clerk,
            &citizen.user_id,
            "张伟",
            CITIZEN_RESIDENT,
            CITIZEN_MOBILE,
            &ctx,
        )
        .await?;
        let mine = t
            .violations(
                &citizen,
                Some(jingwu_traffic::ViolationStatus::Pending),
                10,
                0,
            )
            .await?;
        for (i, v) in mine.iter().take(2).enumerate() {
            t.accept_violation(&citizen, &v.violation.id, &ctx).await?;
            if i == 0 {
                let checkout = t
                    .pay_violation(&citizen, &v.violation.id, SANDBOX, &ctx)
                    .await?;
                self.payments().sandbox_pay(&checkout.request, &ctx).await?;
                out.paid_online += 1;
            }
        }

        // Drivers who registered online, accepted and paid most of theirs.
        let mut registered = Vec::new();
        for n in 2..REGISTERED + 2 {
            let (rid, name, _) = &people[n as usize];
            let who = self
                .demo_register(
                    &admin,
                    &NewCitizen {
                        real_name: name.clone(),
                        resident_id: rid.clone(),
                        mobile: format!("1380000{:04}", 100 + n),
                        code: String::new(),
                        password: crate::DEMO_PASSWORD.into(),
                    },
                    &ctx,
                )
                .await?;
            self.demo_process(&who, 0.85, &mut rng, &mut out, &ctx)
                .await?;
            registered.push(who);
        }
        self.seed_demo_traffic_public(&clerk, &citizen, &registered, &ctx)
            .await?;
        Ok(out)
    }
}

impl App {
    /// Road events in force, messages with and without replies, and applications at several
    /// steps, so the clerk's page and the map-app feed have something on the first day.
    async fn seed_demo_traffic_public(
        &self,
        clerk: &Principal,
        citizen: &Principal,
        registered: &[Principal],
        ctx: &RequestCtx,
    ) -> Result<()> {
        use jingwu_traffic::messages::MessageKind;
        use jingwu_traffic::road_events::RoadEventKind;
        use jingwu_traffic::services::ServiceKind;
        let t = self.traffic();
        let officer = self.demo_principal("officer").await?;
        let now = self.kernel().now_us();
        let events: [(RoadEventKind, &str, &str, &str, Option<i64>); 3] = [
            (
                RoadEventKind::Closure,
                "中山西路",
                "燃气管道抢修，望京路至镇明路双向封闭",
                "29.8702 121.5512 29.8705 121.5470",
                Some(6),
            ),
            (
                RoadEventKind::Accident,
                "解放北路",
                "两车追尾，占用一条车道，请减速慢行",
                "29.8734 121.5561",
                Some(1),
            ),
            (
                RoadEventKind::Construction,
                "环城南路",
                "道路维修，半幅施工",
                "29.8511 121.5563 29.8514 121.5600",
                None,
            ),
        ];
        for (kind, street, description, line, hours) in events {
            t.publish_road_event(
                &officer,
                &NewRoadEvent {
                    kind,
                    street: street.into(),
                    description: description.into(),
                    line: line.into(),
                    both_ways: true,
                    speed_factor: None,
                    starts_at_us: Some(now),
                    ends_at_us: hours.map(|h| now + h * 3_600_000_000),
                },
                ctx,
            )
            .await?;
        }
        let question = NewMessage {
            kind: MessageKind::Question,
            subject: "补领驾驶证需要多久".into(),
            body: "驾驶证遗失，网上申请补领后多久能寄到？".into(),
        };
        t.send_message(citizen, &question, ctx).await?;
        if let Some(first) = registered.first() {
            let tip = NewMessage {
                kind: MessageKind::Tip,
                subject: "路口长期违停".into(),
                body: "天童路口早高峰常有车辆违停，影响通行。".into(),
            };
            let m = t.send_message(first, &tip, ctx).await?;
            t.reply_message(clerk, &m.id, "已安排辖区大队加强巡查，感谢您的反映。", ctx)
                .await?;
        }
        for (i, who) in registered.iter().take(4).enumerate() {
            let a = t
                .apply(
                    who,
                    &NewApplication {
                        service: ServiceKind::ContactChange,
                        plate: None,
                        details: serde_json::json!({"new_address": format!("鄞州区天童南路{}号", 100 + i)}),
                        materials: vec!["id_card".into()],
                        address: None,
                    },
                    ctx,
                )
                .await?;
            if i % 2 == 0 {
                t.review(
                    clerk,
                    &a.application.id,
                    ReviewAction::Accept,
                    "",
                    None,
                    ctx,
                )
                .await?;
            }
            if i == 0 {
                t.review(
                    clerk,
                    &a.application.id,
                    ReviewAction::Approve,
                    "已变更",
                    None,
                    ctx,
                )
                .await?;
            }
        }
        Ok(())
    }
}
