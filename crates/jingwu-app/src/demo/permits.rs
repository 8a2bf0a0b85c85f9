//! The demo city's approval window: the 91-item catalogue (`permit_items.json`, illustrative:
//! see its `source`), the statutory holidays of the coming New Year and Spring Festival, four
//! offices with their windows and plans (one of them the 24-hour boatman-certificate point),
//! a week of bookings by the citizens who registered online and by phone, today's queue, and
//! online applications at every step. Everything goes through the use cases, so the demo obeys
//! the same capacity and state rules as real traffic.

use std::collections::BTreeMap;

use jingwu_core::Principal;
use jingwu_permits::booking::Channel;
use jingwu_permits::catalogue::{Choice, Department, Field, FieldKind, Item, Material, PaperForm};
use jingwu_permits::records::OfficeId;
use jingwu_permits::schedule::{BookingWindow, DayPlan, WeekPlan};
use jingwu_permits::workdays::{DayKind, Holiday};
use jingwu_store::foundation::orgs;
use serde::Deserialize;

use crate::{
    App, AppError, NewBooking, NewOffice, NewPermitApplication, NewWindow, PermitReview,
    PersonInput, RequestCtx, Result, SANDBOX, TicketMoveKind,
};
use jingwu_routing::SplitMix64;

/// The catalogue file (see its `source` for what is real and what is invented).
const CATALOGUE: &str = include_str!("permit_items.json");

/// What the approval-window demo holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct PermitsDemo {
    pub items: usize,
    pub offices: usize,
    pub appointments: usize,
    pub applications: usize,
}

#[derive(Deserialize)]
struct DemoCatalogue {
    fields: BTreeMap<String, DemoField>,
    items: Vec<DemoItem>,
}

#[derive(Deserialize)]
struct DemoField {
    zh: String,
    en: String,
    kind: String,
    max: Option<u16>,
    #[serde(default)]
    options: Vec<Choice>,
}

#[derive(Deserialize)]
struct DemoItem {
    code: String,
    name_zh: String,
    name_en: String,
    department: Department,
    legal_basis: String,
    materials: Vec<Material>,
    fee_fen: i64,
    time_limit_days: u16,
    online: bool,
    appointment: bool,
    self_service: bool,
    mailed: bool,
    refund_on_reject: bool,
    prefix: char,
    forms: Vec<DemoForm>,
}

#[derive(Deserialize)]
struct DemoForm {
    zh: String,
    en: String,
    fields: Vec<String>,
}

/// The catalogue as items.
pub fn demo_items() -> Result<Vec<Item>> {
    let c: DemoCatalogue = serde_json::from_str(CATALOGUE)
        .map_err(|e| AppError::Internal(format!("the demo catalogue does not parse: {e}")))?;
    let field = |key: &str| -> Result<Field> {
        let f = c
            .fields
            .get(key)
            .ok_or_else(|| AppError::Internal(format!("the demo catalogue has no field {key}")))?;
        let kind = match f.kind.as_str() {
            "text" => FieldKind::Text {
                max: f.max.unwrap_or(100),
            },
            "resident_id" => FieldKind::ResidentId,
            "mobile" => FieldKind::Mobile,
            "date" => FieldKind::Date,
            _ => FieldKind::Choice {
                options: f.options.clone(),
            },
        };
        Ok(Field {
            key: key.to_owned(),
            zh: f.zh.clone(),
            en: f.en.clone(),
            kind,
        })
    };
    c.items
        .iter()
        .map(|i| {
            Ok(Item {
                code: i.code.clone(),
                name_zh: i.name_zh.clone(),
                name_en: i.name_en.clone(),
                department: i.department,
                legal_basis: i.legal_basis.clone(),
                materials: i.materials.clone(),
                fee: jingwu_payments::Fen(i.fee_fen),
                time_limit_days: i.time_limit_days,
                online: i.online,
                appointment: i.appointment,
                self_service: i.self_service,
                mailed: i.mailed,
                refund_on_reject: i.refund_on_reject,
                prefix: i.prefix,
                forms: i
                    .forms
                    .iter()
                    .map(|p| {
                        Ok(PaperForm {
                            zh: p.zh.clone(),
                            en: p.en.clone(),
                            fields: p.fields.iter().map(|k| field(k)).collect::<Result<_>>()?,
                        })
                    })
                    .collect::<Result<_>>()?,
                retired: false,
            })
        })
        .collect()
}

/// Statutory days off of the coming holidays (Measures on National Holidays and Memorial Days,
/// as revised in 2024: New Year's Day one day; Spring Festival the eve and the first three
/// days). The State Council's bridging days and make-up working days for 2027 are announced
/// each year and entered by the bureau (`PUT /api/v1/permits/holidays/{date}`).
const HOLIDAYS: [(&str, &str); 5] = [
    ("2027-01-01", "元旦"),
    ("2027-02-05", "春节（除夕）"),
    ("2027-02-06", "春节"),
    ("2027-02-07", "春节"),
    ("2027-02-08", "春节"),
];

fn hm(h: u16, m: u16) -> u16 {
    h * 60 + m
}

/// Weekday office hours: 08:30–12:00 and 13:30–17:00.
fn office_hours() -> DayPlan {
    DayPlan {
        opens: hm(8, 30),
        closes: hm(17, 0),
        breaks: vec![(hm(12, 0), hm(13, 30))],
    }
}

struct DemoOffice {
    org: &'static str,
    name: &'static str,
    address: &'static str,
    week: WeekPlan,
    open_on_holidays: bool,
    slot_minutes: u16,
    capacity: u32,
    green: u32,
    booking: BookingWindow,
    /// Windows: (number, departments served).
    windows: &'static [(&'static str, &'static [Department])],
}

fn offices() -> Vec<DemoOffice> {
    use Department::*;
    let mut saturday = WeekPlan::weekdays(office_hours());
    saturday.days[5] = Some(DayPlan {
        opens: hm(9, 0),
        closes: hm(12, 0),
        breaks: vec![],
    });
    vec![
        DemoOffice {
            org: "330203",
            name: "海曙区行政服务中心公安窗口",
            address: "宁波市海曙区解放南路208号",
            week: WeekPlan::weekdays(office_hours()),
            open_on_holidays: false,
            slot_minutes: 30,
            capacity: 4,
            green: 1,
            booking: BookingWindow::default(),
            windows: &[
                ("1", &[Household]),
                ("2", &[Household]),
                ("3", &[ExitEntry]),
                ("4", &[PublicOrder, Narcotics, Cyber]),
                ("5", &[Fire, Traffic]),
                ("6", &[Household, ExitEntry]),
            ],
        },
        DemoOffice {
            org: "330200",
            name: "宁波市公安局出入境接待大厅",
            address: "宁波市鄞州区宁穿路1900号",
            week: saturday,
            open_on_holidays: false,
            slot_minutes: 20,
            capacity: 6,
            green: 1,
            booking: BookingWindow::default(),
            windows: &[
                ("A1", &[ExitEntry]),
                ("A2", &[ExitEntry]),
                ("A3", &[ExitEntry]),
                ("A4", &[ExitEntry]),
            ],
        },
        DemoOffice {
            org: "330205",
            name: "江北区行政服务中心公安窗口",
            address: "宁波市江北区大庆南路1号",
            week: WeekPlan::weekdays(office_hours()),
            open_on_holidays: false,
            slot_minutes: 30,
            capacity: 3,
            green: 1,
            booking: BookingWindow::default(),
            windows: &[
                ("1", &[Household, PublicOrder]),
                ("2", &[ExitEntry, Narcotics]),
                ("3", &[Fire, Cyber]),
            ],
        },
        DemoOffice {
            org: "330200",
            name: "水上派出所船民证服务点（24小时）",
            address: "宁波市江北区人民路132号",
            week: WeekPlan::every_day(DayPlan::all_day()),
            open_on_holidays: true,
            slot_minutes: 60,
            capacity: 2,
            green: 0,
            booking: BookingWindow {
                min_notice_minutes: 30,
                horizon_days: 7,
            },
            windows: &[("S1", &[Water])],
        },
    ]
}

/// A value for an online form field of a demo applicant.
fn field_value(f: &Field, who: &jingwu_permits::records::Person, n: u32) -> String {
    match &f.kind {
        FieldKind::ResidentId => who.resident_id.clone(),
        FieldKind::Mobile => who.mobile.clone(),
        FieldKind::Date => {
            let id = &who.resident_id;
            if f.key == "birth_date" && id.len() == 18 {
                format!("{}-{}-{}", &id[6..10], &id[10..12], &id[12..14])
            } else {
                format!("2026-{:02}-{:02}", 1 + n % 11, 1 + n % 27)
            }
        }
        FieldKind::Choice { options } => options
            .get(usize::try_from(n).unwrap_or(0) % options.len().max(1))
            .map(|o| o.code.clone())
            .unwrap_or_default(),
        FieldKind::Text { max } => {
            let v = match f.key.as_str() {
                "name" => who.name.clone(),
                k if k.contains("address") => format!("宁波市海曙区中山西路{}号", 10 + n),
                _ => f.zh.clone(),
            };
            v.chars().take(usize::from(*max)).collect()
        }
    }
}

/// The smallest valid PNG (1×1), a stand-in for a scanned document (the demo's material files,
/// and the tests').
pub const SCAN_PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1F, 0x15, 0xC4, 0x89, 0, 0, 0, 0x0D, 0x49, 0x44, 0x41, 0x54,
    0x78, 0x9C, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0D, 0x0A, 0x2D, 0xB4, 0, 0, 0, 0, 0x49, 0x45, 0x4E,
    0x44, 0xAE, 0x42, 0x60, 0x82,
];

/// A uniform index below `n` (0 when `n` is 0).
fn below(rng: &mut SplitMix64, n: usize) -> usize {
    let n64 = u64::try_from(n).unwrap_or(u64::MAX).max(1);
    usize::try_from(rng.next_u64() % n64).unwrap_or(0)
}

impl App {
    /// Loads the approval window's demo once (nothing when the catalogue has items).
    pub async fn seed_demo_permits(&self) -> Result<PermitsDemo> {
        let ctx = RequestCtx::cli();
        let system = self.foundation().system_principal().await?;
        let p = self.permits();
        if !p.items().await?.is_empty() {
            return Ok(PermitsDemo::default());
        }
        let mut out = PermitsDemo::default();
        let items = demo_items()?;
        for i in &items {
            p.put_item(&system, i, &ctx).await?;
        }
        out.items = items.len();
        for (day, name) in HOLIDAYS {
            let date: jiff::civil::Date = day
                .parse()
                .map_err(|_| AppError::Internal(format!("bad date {day}")))?;
            let h = Holiday {
                date,
                kind: DayKind::Holiday,
                name: name.into(),
            };
            p.set_holiday(&system, date, Some(&h), &ctx).await?;
        }
        let mut office_ids: Vec<(OfficeId, Vec<String>)> = Vec::new();
        for o in offices() {
            let mut conn = self.kernel().read().await?;
            let org = orgs::by_code(&mut conn, o.org)
                .await?
                .ok_or_else(|| AppError::Precondition(format!("no demo org unit {}", o.org)))?;
            drop(conn);
            let office = p
                .create_office(
                    &system,
                    &NewOffice {
                        org_id: org.id.to_string(),
                        name: o.name.into(),
                        address: o.address.into(),
                        week: o.week.clone(),
                        open_on_holidays: o.open_on_holidays,
                        slot_minutes: o.slot_minutes,
                        slot_capacity: o.capacity,
                        green_reserved: o.green,
                        booking: o.booking,
                    },
                    &ctx,
                )
                .await?;
            let mut served = Vec::new();
            for (number, departments) in o.windows {
                let codes: Vec<String> = items
                    .iter()
                    .filter(|i| departments.contains(&i.department) && i.appointment)
                    .map(|i| i.code.clone())
                    .collect();
                p.put_window(
                    &system,
                    &office.id,
                    None,
                    &NewWindow {
                        number: (*number).into(),
                        items: codes.clone(),
                        open: true,
                    },
                    &ctx,
                )
                .await?;
                served.extend(codes);
            }
            office_ids.push((office.id, served));
        }
        out.offices = office_ids.len();
        self.seed_demo_bookings(&office_ids, &mut out, &ctx).await?;
        self.seed_demo_permit_applications(&items, &office_ids, &mut out, &ctx)
            .await?;
        Ok(out)
    }

    async fn seed_demo_bookings(
        &self,
        offices: &[(OfficeId, Vec<String>)],
        out: &mut PermitsDemo,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let p = self.permits();
        let clerk = self.demo_principal("permit").await?;
        let mut rng = SplitMix64::new(0x5045_524D_4954);
        let mut citizens: Vec<Principal> = Vec::new();
        for n in 0..48 {
            if let Ok(who) = self.demo_principal(&format!("1380000{:04}", 100 + n)).await {
                citizens.push(who);
            }
        }
        if let Ok(who) = self.demo_principal("citizen").await {
            citizens.push(who);
        }
        // A week of bookings: each citizen books one item at an office that serves it.
        for (i, who) in citizens.iter().enumerate() {
            let (office, served) = &offices[i % offices.len()];
            let Some(item) = served.get(below(&mut rng, served.len())) else {
                continue;
            };
            let slots = p.free_slots(office, item, None, 7).await?;
            let open: Vec<_> = slots.iter().filter(|s| s.free > 0).collect();
            let Some(slot) = open.get(below(&mut rng, open.len())) else {
                continue;
            };
            let n = NewBooking {
                office_id: office.clone(),
                item_code: item.clone(),
                slot_start: slot.starts_at,
                green: false,
                hold: false,
                channel: if i % 3 == 0 {
                    Channel::App
                } else {
                    Channel::Web
                },
                person: None,
                application_id: None,
                client_key: Some(format!("demo-{i}")),
            };
            match p.book(who, &n, ctx).await {
                Ok(_) => out.appointments += 1,
                Err(AppError::Conflict { .. } | AppError::SlotFull { .. }) => {}
                Err(e) => return Err(e),
            }
        }
        // Phone bookings the clerk took, green channel for an elderly caller.
        let callers = [
            ("王秀英", "330203195203154422", "13957400001", true),
            ("陈国强", "330203197808082417", "13957400002", false),
            ("刘芳", "330205198911203028", "13957400003", false),
        ];
        for (k, (name, rid, mobile, green)) in callers.into_iter().enumerate() {
            let (office, served) = &offices[k % 3];
            let Some(item) = served.first() else { continue };
            let slots = p.free_slots(office, item, None, 7).await?;
            let Some(slot) = slots
                .iter()
                .find(|s| if green { s.free_green > 0 } else { s.free > 0 })
            else {
                continue;
            };
            let n = NewBooking {
                office_id: office.clone(),
                item_code: item.clone(),
                slot_start: slot.starts_at,
                green,
                hold: false,
                channel: Channel::Phone,
                person: Some(PersonInput {
                    name: name.into(),
                    resident_id: rid.into(),
                    mobile: mobile.into(),
                }),
                application_id: None,
                client_key: None,
            };
            match p.book(&clerk, &n, ctx).await {
                Ok(_) => out.appointments += 1,
                Err(
                    AppError::Conflict { .. } | AppError::SlotFull { .. } | AppError::Validation(_),
                ) => {}
                Err(e) => return Err(e),
            }
        }
        // Today's hall: walk-ins at the district office, two called to their windows.
        let (office, served) = &offices[0];
        for (k, name) in ["赵磊", "钱丽", "孙强", "李娜", "周杰"]
            .into_iter()
            .enumerate()
        {
            if let Some(item) = served.get(k * 7 % served.len().max(1)) {
                p.walk_in(&clerk, office, item, name, k == 3, ctx).await?;
            }
        }
        let view = p.queue(&clerk, office).await?;
        for w in view.windows.iter().take(2) {
            if let Ok(t) = p.call_next(&clerk, &w.id, ctx).await {
                p.move_ticket(&clerk, &t.id, &TicketMoveKind::Start, ctx)
                    .await?;
            }
        }
        Ok(())
    }

    async fn seed_demo_permit_applications(
        &self,
        items: &[Item],
        offices: &[(OfficeId, Vec<String>)],
        out: &mut PermitsDemo,
        ctx: &RequestCtx,
    ) -> Result<()> {
        let p = self.permits();
        let clerk = self.demo_principal("permit").await?;
        for n in 0..14u32 {
            let Ok(who) = self.demo_principal(&format!("1380000{:04}", 100 + n)).await else {
                continue;
            };
            // An online item the office handles.
            let (office, served) = &offices[usize::try_from(n).unwrap_or(0) % 3];
            let Some(item) = items
                .iter()
                .filter(|i| i.online && served.contains(&i.code))
                .nth(usize::try_from(n).unwrap_or(0) % 5)
            else {
                continue;
            };
            let mut conn = self.kernel().read().await?;
            let Some(c) = jingwu_store::traffic::citizen(&mut conn, &who.user_id).await? else {
                continue;
            };
            drop(conn);
            let person = jingwu_permits::records::Person {
                name: c.real_name,
                resident_id: c.resident_id,
                mobile: c.mobile,
            };
            let details = item
                .online_fields()
                .into_iter()
                .map(|f| {
                    (
                        f.key.clone(),
                        serde_json::Value::String(field_value(f, &person, n)),
                    )
                })
                .collect();
            let address = item
                .mailed
                .then(|| format!("宁波市海曙区中山西路{}号", 20 + n));
            let v = p
                .create_application(
                    &who,
                    &NewPermitApplication {
                        item_code: item.code.clone(),
                        office_id: office.clone(),
                        details,
                        address,
                    },
                    ctx,
                )
                .await?;
            out.applications += 1;
            let id = v.application.id.clone();
            // Two stay drafts; the rest are complete.
            if n % 7 == 6 {
                continue;
            }
            for m in &item.materials {
                p.upload_material(
                    &who,
                    &id,
                    &m.code,
                    &format!("{}.png", m.code),
                    SCAN_PNG.to_vec(),
                    ctx,
                )
                .await?;
            }
            p.submit_application(&who, &id, ctx).await?;
            if item.fee.0 > 0 && n % 2 == 0 {
                let checkout = p.pay_application(&who, &id, SANDBOX, ctx).await?;
                self.payments().sandbox_pay(&checkout.request, ctx).await?;
            }
            let steps: &[PermitReview] = match n % 5 {
                0 => &[],
                1 => &[PermitReview::Accept],
                2 => &[PermitReview::Return],
                3 => &[PermitReview::Accept, PermitReview::Approve],
                _ => &[
                    PermitReview::Accept,
                    PermitReview::Approve,
                    PermitReview::Mail,
                ],
            };
            for s in steps {
                let note = if *s == PermitReview::Return {
                    "身份证复印件不清晰，请重新上传"
                } else {
                    ""
                };
                let tracking =
                    (*s == PermitReview::Mail).then(|| format!("SF{:010}", 1_000_000 + n));
                match p
                    .review_application(&clerk, &id, *s, note, tracking.as_deref(), ctx)
                    .await
                {
                    Ok(_) => {}
                    // Approval waits for the fee; posting for an address.
                    Err(AppError::Conflict { .. }) => break,
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    }
}
