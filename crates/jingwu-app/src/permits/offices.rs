//! Offices, their windows, working plans and dated exceptions, and the free slots offered
//! for booking. Reading is public (the portal shows where and when); administrators keep the
//! offices of their jurisdiction.

use jingwu_core::{Action, OrgId, Principal, Scope, authorize};
use jingwu_permits::capacity::SlotCounts;
use jingwu_permits::error_codes::field;
use jingwu_permits::records::{FreeSlot, Office, OfficeId, Window, WindowId};
use jingwu_permits::schedule::{BookingWindow, DateException, Schedule, WeekPlan};
use jingwu_store::Conn;
use jingwu_store::foundation::orgs;
use jingwu_store::permits as q;

use super::Permits;
use crate::{AppError, FieldError, RequestCtx, Result};

/// An office as staff define it.
#[derive(Debug, Clone)]
pub struct NewOffice {
    pub org_id: String,
    pub name: String,
    pub address: String,
    pub week: WeekPlan,
    pub open_on_holidays: bool,
    pub slot_minutes: u16,
    pub slot_capacity: u32,
    pub green_reserved: u32,
    pub booking: BookingWindow,
}

/// A window as staff define it.
#[derive(Debug, Clone)]
pub struct NewWindow {
    /// The number the hall display shows.
    pub number: String,
    /// Item codes it serves, in its work profile's order.
    pub items: Vec<String>,
    pub open: bool,
}

/// An office with its windows and dated exceptions.
#[derive(Debug, Clone)]
pub struct OfficeView {
    pub office: Office,
    pub windows: Vec<Window>,
    pub exceptions: Vec<DateException>,
}

fn check(n: &NewOffice) -> Result<()> {
    let mut errs = Vec::new();
    let text = |errs: &mut Vec<FieldError>, name: &str, v: &str, max: usize| {
        if v.trim().is_empty() || v.chars().count() > max {
            errs.push(FieldError::new(
                name,
                field::TEXT.code,
                format!("1 to {max} characters"),
            ));
        }
    };
    text(&mut errs, "name", &n.name, 60);
    text(&mut errs, "address", &n.address, 200);
    if let Err(e) = n.week.check() {
        errs.push(FieldError::new("week", field::PLAN.code, e.to_string()));
    }
    if !(5..=240).contains(&n.slot_minutes) {
        errs.push(FieldError::new(
            "slot_minutes",
            field::NUMBER.code,
            "5 to 240 minutes",
        ));
    }
    if !(1..=500).contains(&n.slot_capacity) {
        errs.push(FieldError::new(
            "slot_capacity",
            field::NUMBER.code,
            "1 to 500 applicants a slot",
        ));
    }
    if n.green_reserved > n.slot_capacity {
        errs.push(FieldError::new(
            "green_reserved",
            field::NUMBER.code,
            "not more than the slot's capacity",
        ));
    }
    if n.booking.horizon_days == 0 || n.booking.horizon_days > 90 {
        errs.push(FieldError::new(
            "horizon_days",
            field::NUMBER.code,
            "1 to 90 days",
        ));
    }
    if n.booking.min_notice_minutes > 7 * 24 * 60 {
        errs.push(FieldError::new(
            "min_notice_minutes",
            field::NUMBER.code,
            "at most a week",
        ));
    }
    crate::fields::no_errors(errs)
}

/// The slot of `office` starting at `start`, if its schedule has one.
pub(super) fn slot_at(
    office: &Office,
    exceptions: &[DateException],
    calendar: &jingwu_permits::workdays::Calendar,
    start: i64,
) -> Option<(i64, i64)> {
    let date = jingwu_core::calendar::local_date(start);
    schedule(office, exceptions, calendar)
        .slots_on(date, office.slot_minutes)
        .into_iter()
        .find(|(s, _)| *s == start)
}

fn schedule<'a>(
    office: &'a Office,
    exceptions: &'a [DateException],
    calendar: &'a jingwu_permits::workdays::Calendar,
) -> Schedule<'a> {
    Schedule {
        week: &office.week,
        exceptions,
        calendar,
        open_on_holidays: office.open_on_holidays,
    }
}

/// Does an open window of the office serve the item?
pub(super) async fn serves(db: &mut impl Conn, office_id: &str, item_code: &str) -> Result<bool> {
    Ok(q::windows(db, office_id)
        .await?
        .iter()
        .any(|w| w.open && w.items.iter().any(|i| i == item_code)))
}

/// The free slots of an office from `now` on (within its booking window), whole slots only.
pub(super) async fn free_slots(
    db: &mut impl Conn,
    office: &Office,
    now: i64,
    from: jiff::civil::Date,
    days: u16,
) -> Result<Vec<FreeSlot>> {
    let exceptions = q::exceptions(db, office.id.as_str()).await?;
    let cal = super::calendar(db).await?;
    let sched = schedule(office, &exceptions, &cal);
    let mut offered = Vec::new();
    for d in 0..i64::from(days) {
        let Ok(date) = from.checked_add(jiff::Span::new().days(d)) else {
            break;
        };
        offered.extend(
            sched
                .slots_on(date, office.slot_minutes)
                .into_iter()
                .filter(|(s, _)| office.booking.admits(*s, now).is_ok()),
        );
    }
    let (Some(first), Some(last)) = (offered.first(), offered.last()) else {
        return Ok(Vec::new());
    };
    let rows = q::slots_between(db, office.id.as_str(), first.0, last.0 + 1).await?;
    Ok(offered
        .into_iter()
        .map(|(s, e)| {
            let counts = rows
                .iter()
                .find(|r| r.starts_at == s)
                .map(|r| r.counts)
                .unwrap_or(SlotCounts {
                    capacity: office.slot_capacity,
                    green_reserved: office.green_reserved.min(office.slot_capacity),
                    booked: 0,
                    booked_green: 0,
                });
            FreeSlot {
                starts_at: s,
                ends_at: e,
                free: counts.free_general(),
                free_green: counts.free_green(),
            }
        })
        .collect())
}

impl Permits<'_> {
    /// Every office, by name (public).
    pub async fn offices(&self) -> Result<Vec<OfficeView>> {
        let mut conn = self.k().read().await?;
        let mut out = Vec::new();
        for (office, _) in q::offices_under(&mut conn, "/").await? {
            let windows = q::windows(&mut conn, office.id.as_str()).await?;
            let exceptions = q::exceptions(&mut conn, office.id.as_str()).await?;
            out.push(OfficeView {
                office,
                windows,
                exceptions,
            });
        }
        Ok(out)
    }

    /// One office with its windows and exceptions (public).
    pub async fn office(&self, id: &OfficeId) -> Result<OfficeView> {
        let mut conn = self.k().read().await?;
        let (office, _) = super::office(&mut conn, id.as_str()).await?;
        let windows = q::windows(&mut conn, id.as_str()).await?;
        let exceptions = q::exceptions(&mut conn, id.as_str()).await?;
        Ok(OfficeView {
            office,
            windows,
            exceptions,
        })
    }

    /// Free slots of an office for an item it books, from `from` for `days` days (public).
    pub async fn free_slots(
        &self,
        id: &OfficeId,
        item_code: &str,
        from: Option<jiff::civil::Date>,
        days: u16,
    ) -> Result<Vec<FreeSlot>> {
        let mut conn = self.k().read().await?;
        let (office, _) = super::office(&mut conn, id.as_str()).await?;
        let item = super::item(&mut conn, item_code).await?;
        if item.retired || !item.appointment || !serves(&mut conn, id.as_str(), item_code).await? {
            return Err(AppError::Conflict {
                code: jingwu_permits::error_codes::ITEM_NOT_BOOKABLE.code,
                detail: format!("{} does not book {}", office.name, item.name_zh),
            });
        }
        let now = self.now_us();
        free_slots(
            &mut conn,
            &office,
            now,
            from.unwrap_or_else(|| self.today()),
            days.clamp(1, 31),
        )
        .await
    }

    /// Adds an office under an org unit of the caller's jurisdiction.
    pub async fn create_office(
        &self,
        who: &Principal,
        n: &NewOffice,
        ctx: &RequestCtx,
    ) -> Result<Office> {
        check(n)?;
        let id = OfficeId::new();
        self.k()
            .write(who, ctx, async |tx| {
                let org = orgs::get(tx.db(), &n.org_id).await?.ok_or_else(|| {
                    AppError::invalid("org_id", field::CODE.code, "no such org unit")
                })?;
                authorize(who, Action::ManagePermits, Scope::Org(&org.path))
                    .map_err(AppError::denied_scope)?;
                let office = Office {
                    id: id.clone(),
                    org_id: OrgId::from(n.org_id.as_str()),
                    name: n.name.trim().to_owned(),
                    address: n.address.trim().to_owned(),
                    week: n.week.clone(),
                    open_on_holidays: n.open_on_holidays,
                    slot_minutes: n.slot_minutes,
                    slot_capacity: n.slot_capacity,
                    green_reserved: n.green_reserved,
                    booking: n.booking,
                    created_at: tx.now_us(),
                };
                q::put_office(tx.db(), &office).await?;
                tx.audit(
                    "permits.office.create",
                    ("permit_office", office.id.as_str()),
                    &org.path,
                    serde_json::to_value(&office).unwrap_or_default(),
                )
                .await?;
                Ok(office)
            })
            .await
    }

    /// Changes an office's settings. Future slots take the new plan and capacity; booked
    /// appointments stay where they are (a slot keeps the capacity its bookings were made
    /// under if they would not fit the new one).
    pub async fn update_office(
        &self,
        who: &Principal,
        id: &OfficeId,
        n: &NewOffice,
        ctx: &RequestCtx,
    ) -> Result<Office> {
        check(n)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (old, path) = super::office(tx.db(), id.as_str()).await?;
                authorize(who, Action::ManagePermits, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "office"))?;
                if n.org_id != old.org_id.as_str() {
                    return Err(AppError::invalid(
                        "org_id",
                        field::CODE.code,
                        "an office stays with its org unit",
                    ));
                }
                let office = Office {
                    name: n.name.trim().to_owned(),
                    address: n.address.trim().to_owned(),
                    week: n.week.clone(),
                    open_on_holidays: n.open_on_holidays,
                    slot_minutes: n.slot_minutes,
                    slot_capacity: n.slot_capacity,
                    green_reserved: n.green_reserved,
                    booking: n.booking,
                    ..old
                };
                q::put_office(tx.db(), &office).await?;
                let now = tx.now_us();
                q::refit_slots(
                    tx.db(),
                    id.as_str(),
                    now,
                    office.slot_capacity,
                    office.green_reserved,
                )
                .await?;
                tx.audit(
                    "permits.office.update",
                    ("permit_office", office.id.as_str()),
                    &path,
                    serde_json::to_value(&office).unwrap_or_default(),
                )
                .await?;
                tx.publish(crate::LiveEvent::Permits {
                    kind: "slots",
                    office_id: office.id.to_string(),
                    org_path: path.clone(),
                });
                Ok(office)
            })
            .await
    }

    /// Adds or changes a window (`window_id` none: a new one): its number, work profile and
    /// whether it is open.
    pub async fn put_window(
        &self,
        who: &Principal,
        office_id: &OfficeId,
        window_id: Option<&WindowId>,
        w: &NewWindow,
        ctx: &RequestCtx,
    ) -> Result<Window> {
        let (items, open) = (&w.items, w.open);
        let number = w.number.trim().to_owned();
        if number.is_empty() || number.chars().count() > 8 {
            return Err(AppError::invalid(
                "number",
                field::TEXT.code,
                "1 to 8 characters",
            ));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let (office, path) = super::office(tx.db(), office_id.as_str()).await?;
                authorize(who, Action::ManagePermits, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "office"))?;
                for code in items {
                    if q::item(tx.db(), code).await?.is_none() {
                        return Err(AppError::invalid(
                            "items",
                            field::CODE.code,
                            format!("no item {code}"),
                        ));
                    }
                }
                let id = match window_id {
                    Some(w) => {
                        let existing = q::window(tx.db(), w.as_str()).await?;
                        if existing.is_none_or(|x| x.office_id != office.id) {
                            return Err(AppError::NotFound { what: "window" });
                        }
                        w.clone()
                    }
                    None => WindowId::new(),
                };
                let w = Window {
                    id,
                    office_id: office.id.clone(),
                    number: number.clone(),
                    items: items.to_vec(),
                    open,
                };
                q::put_window(tx.db(), &w).await.map_err(|e| {
                    if e.is_unique_violation() {
                        AppError::invalid(
                            "number",
                            field::TEXT.code,
                            "the office has a window with this number",
                        )
                    } else {
                        e.into()
                    }
                })?;
                tx.audit(
                    "permits.window.put",
                    ("permit_window", w.id.as_str()),
                    &path,
                    serde_json::to_value(&w).unwrap_or_default(),
                )
                .await?;
                Ok(w)
            })
            .await
    }

    /// Sets a dated exception of an office (other hours, or closed), or removes the date's
    /// exception when `exception` is `None`. Appointments already booked on that date stay
    /// booked: the clerks reschedule them (the office's day list shows them).
    pub async fn set_exception(
        &self,
        who: &Principal,
        office_id: &OfficeId,
        date: jiff::civil::Date,
        exception: Option<&DateException>,
        ctx: &RequestCtx,
    ) -> Result<()> {
        if let Some(x) = exception {
            if let Some(p) = &x.plan
                && let Err(e) = p.check()
            {
                return Err(AppError::invalid("plan", field::PLAN.code, e.to_string()));
            }
            if x.reason.trim().is_empty() || x.reason.chars().count() > 60 {
                return Err(AppError::invalid(
                    "reason",
                    field::TEXT.code,
                    "1 to 60 characters",
                ));
            }
        }
        self.k()
            .write(who, ctx, async |tx| {
                let (_, path) = super::office(tx.db(), office_id.as_str()).await?;
                authorize(who, Action::ManagePermits, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "office"))?;
                match exception {
                    Some(x) => q::put_exception(tx.db(), office_id.as_str(), x).await?,
                    None => {
                        if !q::delete_exception(tx.db(), office_id.as_str(), date).await? {
                            return Err(AppError::NotFound { what: "exception" });
                        }
                    }
                }
                tx.audit(
                    "permits.office.exception",
                    ("permit_office", office_id.as_str()),
                    &path,
                    serde_json::json!({ "date": date, "exception": exception }),
                )
                .await?;
                tx.publish(crate::LiveEvent::Permits {
                    kind: "slots",
                    office_id: office_id.to_string(),
                    org_path: path.clone(),
                });
                Ok(())
            })
            .await
    }
}
