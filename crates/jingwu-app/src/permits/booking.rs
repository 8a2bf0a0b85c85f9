//! Appointments. Every booking — a citizen online, a clerk taking a phone call, a walk-in
//! entered at the hall — goes through [`Permits::book`]: the slot must be one the office's
//! schedule offers inside its booking window, and the place is taken by a conditional update
//! in the booking's transaction (`jingwu_store::permits::take_place`), so concurrent requests
//! get exactly the slot's capacity and the rest a 409 with the next free slots. A client key
//! makes a retried request answer with the first booking. Holds take a place like bookings and
//! lapse after [`HOLD_MINUTES`]; reminders are written in the same transaction.

use jingwu_core::{Action, Principal, Role, Scope, UserId, authorize};
use jingwu_permits::booking::{
    AppointmentStatus, Channel, HOLD_MINUTES, green_by_age, may_move, reminders,
};
use jingwu_permits::capacity::SlotCounts;
use jingwu_permits::error_codes::{self as codes, field};
use jingwu_permits::policy::sees_record;
use jingwu_permits::records::{
    ApplicationId, Appointment, AppointmentId, FreeSlot, OfficeId, Person, Reminder, Ticket,
};
use jingwu_store::permits as q;

use super::Permits;
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result, Tx};

/// Free slots offered with a 409 when the slot asked for is full.
const ALTERNATIVES: usize = 6;
/// Marks the error of a request whose client key another request just used (see `book`).
const REPLAY: &str = "a request with this client key was answered meanwhile";

/// The person a clerk books for.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PersonInput {
    pub name: String,
    pub resident_id: String,
    pub mobile: String,
}

/// A booking request.
#[derive(Debug, Clone)]
pub struct NewBooking {
    pub office_id: OfficeId,
    pub item_code: String,
    pub slot_start: i64,
    /// Book the green channel (priority applicants).
    pub green: bool,
    /// Only hold the place for [`HOLD_MINUTES`] until confirmed.
    pub hold: bool,
    pub channel: Channel,
    /// Whom a clerk books for (staff channels); a citizen books for themself.
    pub person: Option<PersonInput>,
    /// The online application the visit is for, if any.
    pub application_id: Option<ApplicationId>,
    /// A key the client sends once per booking it means; retries send it again.
    pub client_key: Option<String>,
}

/// An appointment with the names the pages show, its ticket and reminders.
#[derive(Debug, Clone)]
pub struct AppointmentView {
    pub appointment: Appointment,
    pub office_name: String,
    pub item_name: String,
    pub ticket: Option<Ticket>,
    pub reminders: Vec<Reminder>,
}

/// Who is booking for whom.
struct Booker {
    person: Person,
    /// The citizen account the appointment belongs to, if any.
    applicant: Option<UserId>,
}

impl Permits<'_> {
    async fn booker(&self, who: &Principal, n: &NewBooking) -> Result<Booker> {
        let today = self.today();
        if who.role == Role::Citizen {
            authorize(
                who,
                Action::PermitSelfService,
                Scope::Owner {
                    owner_id: &who.user_id,
                    org_path: "",
                },
            )
            .map_err(AppError::denied_scope)?;
            if n.channel.staff_only() || n.person.is_some() {
                return Err(AppError::invalid(
                    "channel",
                    field::TEXT.code,
                    "a citizen books for themself online (web, app or kiosk)",
                ));
            }
            let mut conn = self.k().read().await?;
            let c = jingwu_store::traffic::citizen(&mut conn, &who.user_id)
                .await?
                .ok_or(AppError::Forbidden(
                    "register with your real name first".into(),
                ))?;
            if n.green {
                let birth = jingwu_validate::ResidentId::parse(&c.resident_id, ymd(today))
                    .map(|r| r.birth_date())
                    .ok()
                    .and_then(|d| {
                        jiff::civil::Date::new(
                            i16::try_from(d.year).ok()?,
                            i8::try_from(d.month).ok()?,
                            i8::try_from(d.day).ok()?,
                        )
                        .ok()
                    });
                if !birth.is_some_and(|b| green_by_age(b, today)) {
                    return Err(AppError::invalid(
                        "green",
                        field::PERSON.code,
                        "the green channel online is for applicants aged 60 and over; others \
                         ask the window by phone",
                    ));
                }
            }
            return Ok(Booker {
                person: Person {
                    name: c.real_name,
                    resident_id: c.resident_id,
                    mobile: c.mobile,
                },
                applicant: Some(c.user_id),
            });
        }
        authorize(who, Action::HandlePermits, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        if !n.channel.staff_only() {
            return Err(AppError::invalid(
                "channel",
                field::TEXT.code,
                "staff book by phone or for a walk-in",
            ));
        }
        let Some(p) = &n.person else {
            return Err(AppError::invalid(
                "person",
                field::PERSON.code,
                "whom the appointment is for",
            ));
        };
        let mut errs = Vec::new();
        let name = p.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 30 {
            errs.push(FieldError::new(
                "person.name",
                field::PERSON.code,
                "1 to 30 characters",
            ));
        }
        let rid = crate::fields::checked_resident_id(
            "person.resident_id",
            &p.resident_id,
            today,
            &mut errs,
        );
        let mobile = crate::fields::checked_mobile("person.mobile", &p.mobile, &mut errs);
        crate::fields::no_errors(errs)?;
        let mut conn = self.k().read().await?;
        let applicant = jingwu_store::traffic::citizen_by_resident_id(&mut conn, &rid)
            .await?
            .map(|c| c.user_id);
        Ok(Booker {
            person: Person {
                name,
                resident_id: rid,
                mobile,
            },
            applicant,
        })
    }

    /// Books (or holds) a place. See the module documentation.
    pub async fn book(
        &self,
        who: &Principal,
        n: &NewBooking,
        ctx: &RequestCtx,
    ) -> Result<AppointmentView> {
        if let Some(k) = &n.client_key
            && (k.is_empty() || k.len() > 100)
        {
            return Err(AppError::invalid(
                "client_key",
                field::TEXT.code,
                "1 to 100 characters",
            ));
        }
        let booker = self.booker(who, n).await?;
        let fingerprint = serde_json::json!({
            "office": n.office_id, "item": n.item_code, "slot": n.slot_start, "green": n.green,
            "hold": n.hold, "channel": n.channel, "person": booker.person.resident_id,
            "application": n.application_id,
        })
        .to_string();
        if let Some(view) = self.replay(who, n, &fingerprint).await? {
            return Ok(view);
        }
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let (office, _) = super::office(&mut conn, n.office_id.as_str()).await?;
        let item = super::item(&mut conn, &n.item_code).await?;
        if item.retired
            || !item.appointment
            || !super::offices::serves(&mut conn, office.id.as_str(), &item.code).await?
        {
            return Err(AppError::Conflict {
                code: codes::ITEM_NOT_BOOKABLE.code,
                detail: format!("{} does not book {}", office.name, item.name_zh),
            });
        }
        let exceptions = q::exceptions(&mut conn, office.id.as_str()).await?;
        let cal = super::calendar(&mut conn).await?;
        let slot = super::offices::slot_at(&office, &exceptions, &cal, n.slot_start);
        // Staff booking for someone at the hall or on the phone may take a slot later today;
        // online bookings keep the office's minimum notice.
        let in_window = if n.channel.staff_only() {
            n.slot_start > now
                && office.booking.admits(n.slot_start, now).err()
                    != Some(jingwu_permits::schedule::OutsideWindow::TooFar)
        } else {
            office.booking.admits(n.slot_start, now).is_ok()
        };
        let Some(slot) = slot.filter(|_| in_window) else {
            return Err(AppError::Conflict {
                code: codes::SLOT_UNAVAILABLE.code,
                detail: "the office offers no bookable slot at that time".into(),
            });
        };
        if who.role == Role::Citizen {
            let policy = self.config().no_show;
            let since = now - i64::from(policy.days) * 86_400_000_000;
            let missed = q::no_shows_since(&mut conn, &booker.person.resident_id, since).await?;
            if policy.refuses(missed) {
                return Err(AppError::Conflict {
                    code: codes::BOOKING_SUSPENDED.code,
                    detail: format!("{missed} missed appointments in {} days", policy.days),
                });
            }
        }
        if let Some(a) = &n.application_id {
            let own = q::permit_application(&mut conn, a.as_str())
                .await?
                .is_some_and(|(app, _)| {
                    app.item_code == item.code
                        && booker.applicant.as_ref() == Some(&app.applicant_id)
                });
            if !own {
                return Err(AppError::invalid(
                    "application_id",
                    field::CODE.code,
                    "not an application of this person for this item",
                ));
            }
        }
        drop(conn);
        let office_name = office.name.clone();
        let item_name = item.name_zh.clone();
        let booked = self
            .k()
            .write_guarded(who, ctx, async |tx| {
                let (office, path) = super::office(tx.db(), n.office_id.as_str()).await?;
                if who.role != Role::Citizen {
                    authorize(who, Action::HandlePermits, Scope::Org(&path))
                        .map_err(|d| AppError::denied_object(d, "office"))?;
                }
                let id = AppointmentId::new();
                let pool = take(tx, &office, slot, n.green).await?;
                let now = tx.now_us();
                let a = Appointment {
                    id,
                    office_id: office.id.clone(),
                    item_code: n.item_code.clone(),
                    slot_start: slot.0,
                    slot_end: slot.1,
                    pool,
                    green: n.green,
                    channel: n.channel,
                    status: if n.hold {
                        AppointmentStatus::Held
                    } else {
                        AppointmentStatus::Booked
                    },
                    applicant_id: booker.applicant.clone(),
                    person: booker.person.clone(),
                    application_id: n.application_id.clone(),
                    booked_by: UserId::from(who.user_id.as_str()),
                    hold_expires_at: n.hold.then_some(now + HOLD_MINUTES * 60_000_000),
                    created_at: now,
                    updated_at: now,
                };
                q::insert_appointment(tx.db(), &a)
                    .await
                    .map_err(already_booked)?;
                // A concurrent request with the same key waits here for the first to commit,
                // then finds its key taken and rolls back (its place with it).
                if let Some(k) = &n.client_key
                    && !q::put_booking_key(tx.db(), &who.user_id, k, &fingerprint, a.id.as_str())
                        .await?
                {
                    return Err(AppError::Conflict {
                        code: codes::IDEMPOTENCY_REUSED.code,
                        detail: REPLAY.into(),
                    });
                }
                if !n.hold {
                    write_reminders(tx, &a).await?;
                }
                tx.audit(
                    if n.hold {
                        "permits.appointment.hold"
                    } else {
                        "permits.appointment.book"
                    },
                    ("permit_appointment", a.id.as_str()),
                    &path,
                    serde_json::json!({
                        "office": a.office_id, "item": a.item_code, "slot_start": a.slot_start,
                        "pool": a.pool.as_str(), "green": a.green, "channel": a.channel,
                        "person": jingwu_core::privacy::mask_name(&a.person.name),
                    }),
                )
                .await?;
                tx.publish(LiveEvent::Permits {
                    kind: "slots",
                    office_id: office.id.to_string(),
                    org_path: path.clone(),
                });
                Ok(a)
            })
            .await;
        match booked {
            Ok(a) => Ok(self.view_of(a, office_name, item_name).await?),
            Err(AppError::Conflict { code, detail }) if detail == REPLAY => {
                let _ = code;
                self.replay(who, n, &fingerprint)
                    .await?
                    .ok_or(AppError::Internal("a replayed booking vanished".into()))
            }
            Err(AppError::Conflict { code, .. }) if code == codes::SLOT_FULL.code => {
                Err(self.full(&n.office_id, n.slot_start, n.green).await)
            }
            Err(e) => Err(e),
        }
    }

    /// The first answer to a request with this client key, if there was one.
    async fn replay(
        &self,
        who: &Principal,
        n: &NewBooking,
        fingerprint: &str,
    ) -> Result<Option<AppointmentView>> {
        let Some(k) = &n.client_key else {
            return Ok(None);
        };
        let mut conn = self.k().read().await?;
        let Some((request, appointment_id)) = q::booking_key(&mut conn, &who.user_id, k).await?
        else {
            return Ok(None);
        };
        if request != fingerprint {
            return Err(AppError::Unprocessable {
                code: codes::IDEMPOTENCY_REUSED.code,
                detail: "this client key was used for a different booking".into(),
            });
        }
        drop(conn);
        self.appointment(who, &AppointmentId::from(appointment_id))
            .await
            .map(Some)
    }

    /// The 409 for a full slot, with the next free slots of the office.
    async fn full(&self, office_id: &OfficeId, start: i64, green: bool) -> AppError {
        let alternatives = async {
            let mut conn = self.k().read().await?;
            let (office, _) = super::office(&mut conn, office_id.as_str()).await?;
            let from = jingwu_core::calendar::local_date(start);
            let slots =
                super::offices::free_slots(&mut conn, &office, self.now_us(), from, 14).await?;
            Ok::<_, AppError>(
                slots
                    .into_iter()
                    .filter(|s| {
                        s.starts_at != start && if green { s.free_green > 0 } else { s.free > 0 }
                    })
                    .take(ALTERNATIVES)
                    .collect::<Vec<FreeSlot>>(),
            )
        }
        .await
        .unwrap_or_default();
        AppError::SlotFull {
            detail: "the slot was just fully booked".into(),
            alternatives,
        }
    }

    async fn view_of(
        &self,
        a: Appointment,
        office_name: String,
        item_name: String,
    ) -> Result<AppointmentView> {
        let mut conn = self.k().read().await?;
        let ticket = q::ticket_of_appointment(&mut conn, a.id.as_str()).await?;
        let reminders = q::reminders_of(&mut conn, a.id.as_str()).await?;
        Ok(AppointmentView {
            appointment: a,
            office_name,
            item_name,
            ticket,
            reminders,
        })
    }

    /// One appointment: its citizen, or permit staff of its office.
    pub async fn appointment(
        &self,
        who: &Principal,
        id: &AppointmentId,
    ) -> Result<AppointmentView> {
        let mut conn = self.k().read().await?;
        let (a, path) =
            q::appointment(&mut conn, id.as_str())
                .await?
                .ok_or(AppError::NotFound {
                    what: "appointment",
                })?;
        sees_record(
            who,
            a.applicant_id.as_ref().map(UserId::as_str),
            &path,
            Action::ReadPermits,
        )
        .map_err(|d| AppError::denied_object(d, "appointment"))?;
        let (office, _) = super::office(&mut conn, a.office_id.as_str()).await?;
        let item = super::item(&mut conn, &a.item_code).await?;
        drop(conn);
        self.view_of(a, office.name, item.name_zh).await
    }

    /// A citizen's own appointments, latest first.
    pub async fn my_appointments(&self, who: &Principal) -> Result<Vec<Appointment>> {
        authorize(
            who,
            Action::ReadPermits,
            Scope::Owner {
                owner_id: &who.user_id,
                org_path: "",
            },
        )
        .map_err(AppError::denied_scope)?;
        super::must_be_citizen(who)?;
        let mut conn = self.k().read().await?;
        Ok(q::appointments_of(&mut conn, &who.user_id).await?)
    }

    /// An office's appointments on a day (the clerks' list).
    pub async fn office_day(
        &self,
        who: &Principal,
        office_id: &OfficeId,
        date: jiff::civil::Date,
    ) -> Result<Vec<Appointment>> {
        authorize(who, Action::HandlePermits, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let (_, path) = super::office(&mut conn, office_id.as_str()).await?;
        authorize(who, Action::HandlePermits, Scope::Org(&path))
            .map_err(|d| AppError::denied_object(d, "office"))?;
        let from = jingwu_core::calendar::local_midnight(date);
        let to = jingwu_core::calendar::next_local_midnight(from);
        Ok(q::appointments_at(&mut conn, office_id.as_str(), from, to).await?)
    }

    /// Confirms a hold before it lapses.
    pub async fn confirm(
        &self,
        who: &Principal,
        id: &AppointmentId,
        ctx: &RequestCtx,
    ) -> Result<AppointmentView> {
        let a = self
            .k()
            .write_guarded(who, ctx, async |tx| {
                let (a, path) = own_appointment(tx, who, id).await?;
                let now = tx.now_us();
                if a.status == AppointmentStatus::Held
                    && a.hold_expires_at.is_some_and(|t| t <= now)
                {
                    return Err(AppError::Conflict {
                        code: codes::HOLD_EXPIRED.code,
                        detail: "the hold lapsed; choose a slot again".into(),
                    });
                }
                if !q::move_appointment(
                    tx.db(),
                    id.as_str(),
                    AppointmentStatus::Held,
                    AppointmentStatus::Booked,
                    now,
                )
                .await?
                {
                    return Err(state_error(a.status, AppointmentStatus::Booked));
                }
                let a = Appointment {
                    status: AppointmentStatus::Booked,
                    hold_expires_at: None,
                    updated_at: now,
                    ..a
                };
                write_reminders(tx, &a).await?;
                tx.audit(
                    "permits.appointment.confirm",
                    ("permit_appointment", a.id.as_str()),
                    &path,
                    serde_json::json!({}),
                )
                .await?;
                Ok(a)
            })
            .await?;
        self.appointment(who, &a.id).await
    }

    /// Cancels a hold or a booking before its slot starts; the place is free again at once.
    pub async fn cancel(
        &self,
        who: &Principal,
        id: &AppointmentId,
        ctx: &RequestCtx,
    ) -> Result<AppointmentView> {
        self.k()
            .write_guarded(who, ctx, async |tx| {
                let (a, path) = own_appointment(tx, who, id).await?;
                let now = tx.now_us();
                if !a.status.takes_place() || a.slot_start <= now {
                    return Err(state_error(a.status, AppointmentStatus::Cancelled));
                }
                if !q::move_appointment(
                    tx.db(),
                    id.as_str(),
                    a.status,
                    AppointmentStatus::Cancelled,
                    now,
                )
                .await?
                {
                    return Err(state_error(a.status, AppointmentStatus::Cancelled));
                }
                q::release_place(tx.db(), a.office_id.as_str(), a.slot_start, a.pool).await?;
                q::cancel_reminders(tx.db(), id.as_str(), now).await?;
                tx.audit(
                    "permits.appointment.cancel",
                    ("permit_appointment", a.id.as_str()),
                    &path,
                    serde_json::json!({ "from": a.status }),
                )
                .await?;
                tx.publish(LiveEvent::Permits {
                    kind: "slots",
                    office_id: a.office_id.to_string(),
                    org_path: path.clone(),
                });
                Ok(())
            })
            .await?;
        self.appointment(who, id).await
    }

    /// Moves a booking to another slot of the same office in one transaction: the new place is
    /// taken, the old one given back and its reminders recomputed — or, when the new slot is
    /// full, nothing changes.
    pub async fn reschedule(
        &self,
        who: &Principal,
        id: &AppointmentId,
        slot_start: i64,
        ctx: &RequestCtx,
    ) -> Result<AppointmentView> {
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let (old, _) = q::appointment(&mut conn, id.as_str())
            .await?
            .ok_or(AppError::NotFound {
                what: "appointment",
            })?;
        let (office, _) = super::office(&mut conn, old.office_id.as_str()).await?;
        let exceptions = q::exceptions(&mut conn, office.id.as_str()).await?;
        let cal = super::calendar(&mut conn).await?;
        drop(conn);
        let slot = super::offices::slot_at(&office, &exceptions, &cal, slot_start).filter(|_| {
            office.booking.admits(slot_start, now).is_ok()
                || (who.role != Role::Citizen && slot_start > now)
        });
        let Some(slot) = slot else {
            return Err(AppError::Conflict {
                code: codes::SLOT_UNAVAILABLE.code,
                detail: "the office offers no bookable slot at that time".into(),
            });
        };
        let moved = self
            .k()
            .write_guarded(who, ctx, async |tx| {
                let (old, path) = own_appointment(tx, who, id).await?;
                let now = tx.now_us();
                if old.status != AppointmentStatus::Booked || old.slot_start <= now || !may_move(old.status, AppointmentStatus::Rescheduled) {
                    return Err(state_error(old.status, AppointmentStatus::Rescheduled));
                }
                if old.slot_start == slot.0 {
                    return Err(AppError::invalid("slot_start", field::TIME.code, "that is the slot already booked"));
                }
                if !q::move_appointment(tx.db(), id.as_str(), AppointmentStatus::Booked, AppointmentStatus::Rescheduled, now).await? {
                    return Err(state_error(old.status, AppointmentStatus::Rescheduled));
                }
                q::release_place(tx.db(), old.office_id.as_str(), old.slot_start, old.pool).await?;
                q::cancel_reminders(tx.db(), id.as_str(), now).await?;
                let (office, _) = super::office(tx.db(), old.office_id.as_str()).await?;
                let pool = take(tx, &office, slot, old.green).await?;
                let a = Appointment {
                    id: AppointmentId::new(),
                    slot_start: slot.0,
                    slot_end: slot.1,
                    pool,
                    status: AppointmentStatus::Booked,
                    booked_by: UserId::from(who.user_id.as_str()),
                    hold_expires_at: None,
                    created_at: now,
                    updated_at: now,
                    ..old.clone()
                };
                q::insert_appointment(tx.db(), &a).await.map_err(already_booked)?;
                write_reminders(tx, &a).await?;
                tx.audit(
                    "permits.appointment.reschedule",
                    ("permit_appointment", a.id.as_str()),
                    &path,
                    serde_json::json!({ "replaces": old.id, "from": old.slot_start, "to": a.slot_start }),
                )
                .await?;
                tx.publish(LiveEvent::Permits { kind: "slots", office_id: a.office_id.to_string(), org_path: path.clone() });
                Ok(a)
            })
            .await;
        match moved {
            Ok(a) => self.appointment(who, &a.id).await,
            Err(AppError::Conflict { code, .. }) if code == codes::SLOT_FULL.code => {
                let green = self.appointment(who, id).await?.appointment.green;
                Err(self.full(&office.id, slot_start, green).await)
            }
            Err(e) => Err(e),
        }
    }
}

/// The appointment `id` if `who` may change it: its citizen, or permit staff of its office.
pub(super) async fn own_appointment(
    tx: &mut Tx,
    who: &Principal,
    id: &AppointmentId,
) -> Result<(Appointment, String)> {
    let (a, path) = q::appointment(tx.db(), id.as_str())
        .await?
        .ok_or(AppError::NotFound {
            what: "appointment",
        })?;
    let action = if who.role == Role::Citizen {
        Action::PermitSelfService
    } else {
        Action::HandlePermits
    };
    sees_record(
        who,
        a.applicant_id.as_ref().map(UserId::as_str),
        &path,
        action,
    )
    .map_err(|d| AppError::denied_object(d, "appointment"))?;
    Ok((a, path))
}

/// Takes a place in `slot` (making its row first): a green-channel booking from the reserve,
/// then from the general pool. A full slot is the 409 `slot_full`.
async fn take(
    tx: &mut Tx,
    office: &jingwu_permits::records::Office,
    slot: (i64, i64),
    green: bool,
) -> Result<jingwu_permits::capacity::Pool> {
    q::ensure_slot(
        tx.db(),
        office.id.as_str(),
        slot,
        office.slot_capacity,
        office.green_reserved,
    )
    .await?;
    for pool in SlotCounts::pools(green) {
        if q::take_place(tx.db(), office.id.as_str(), slot.0, *pool).await? {
            return Ok(*pool);
        }
    }
    Err(AppError::Conflict {
        code: codes::SLOT_FULL.code,
        detail: "the slot is fully booked".into(),
    })
}

async fn write_reminders(tx: &mut Tx, a: &Appointment) -> Result<()> {
    let now = tx.now_us();
    for (kind, due_at) in reminders(a.slot_start, now) {
        q::insert_reminder(
            tx.db(),
            &Reminder {
                appointment_id: a.id.clone(),
                kind,
                due_at,
                sent_at: None,
            },
        )
        .await?;
    }
    Ok(())
}

fn already_booked(e: jingwu_store::StoreError) -> AppError {
    if e.is_unique_violation() {
        AppError::Conflict {
            code: codes::ALREADY_BOOKED.code,
            detail: "this person has an appointment for this item already; cancel or \
                     reschedule it"
                .into(),
        }
    } else {
        e.into()
    }
}

pub(super) fn state_error(from: AppointmentStatus, to: AppointmentStatus) -> AppError {
    AppError::Conflict {
        code: codes::APPOINTMENT_STATE.code,
        detail: format!(
            "a {} appointment cannot become {}",
            from.label_en().to_lowercase(),
            to.label_en().to_lowercase()
        ),
    }
}

fn ymd(d: jiff::civil::Date) -> (i32, u32, u32) {
    (
        d.year().into(),
        d.month().unsigned_abs().into(),
        d.day().unsigned_abs().into(),
    )
}
