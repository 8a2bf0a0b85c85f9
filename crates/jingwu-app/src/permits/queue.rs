//! The queue at the windows. Check-in turns a booked appointment into a ticket (once: a
//! second check-in answers with the same ticket); clerks give walk-ins a ticket; a window calls
//! the next ticket its work profile serves (green channel, then appointments, then walk-ins,
//! each first come first served — `jingwu_permits::queue::next`) with a conditional update, so
//! two windows never call the same ticket; recall, serve, finish, miss and transfer follow the
//! ticket state machine. The hall display reads the public [`Board`].

use jingwu_core::{Action, Principal, Role, Scope, authorize};
use jingwu_permits::booking::{AppointmentStatus, NO_SHOW_GRACE_MINUTES};
use jingwu_permits::error_codes::{self as codes, field};
use jingwu_permits::queue::{self as rules, Priority, TicketState};
use jingwu_permits::records::{AppointmentId, OfficeId, Ticket, TicketId, Window, WindowId};
use jingwu_store::permits::{self as q, TicketMove};

use super::Permits;
use crate::{AppError, LiveEvent, RequestCtx, Result, Tx};

/// A citizen may check in from an hour before the slot.
const EARLY_CHECK_IN_MINUTES: i64 = 60;
/// Tickets the board lists as called recently.
const BOARD_RECENT: usize = 8;

/// What a clerk does with a ticket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TicketMoveKind {
    /// Call it again (the display shows it again).
    Recall,
    /// The applicant is at the window.
    Start,
    Finish,
    /// Called, and did not come.
    Miss,
    /// Back to the queue for another item, or for one window.
    Transfer {
        item_code: Option<String>,
        window_id: Option<WindowId>,
    },
}

/// An office's queue for its clerks: today's tickets and any still open from before.
#[derive(Debug, Clone)]
pub struct QueueView {
    pub tickets: Vec<Ticket>,
    pub windows: Vec<Window>,
}

/// One line of the hall display.
#[derive(Debug, Clone)]
pub struct BoardTicket {
    pub number: String,
    pub window: String,
    pub state: TicketState,
    pub called_at: i64,
}

/// The hall display: called tickets, latest first, and how many wait.
#[derive(Debug, Clone)]
pub struct Board {
    pub office_name: String,
    pub called: Vec<BoardTicket>,
    pub waiting: usize,
}

impl Permits<'_> {
    /// Checks an appointment in: its ticket, made once. Clerks of the office at any time on
    /// the day; the citizen themself from an hour before the slot until the no-show grace.
    pub async fn check_in(
        &self,
        who: &Principal,
        id: &AppointmentId,
        ctx: &RequestCtx,
    ) -> Result<Ticket> {
        let ticket = self
            .k()
            .write_guarded(who, ctx, async |tx| {
                let (a, path) = super::booking::own_appointment(tx, who, id).await?;
                let now = tx.now_us();
                let today = jingwu_core::calendar::local_date(now);
                let on_day = jingwu_core::calendar::local_date(a.slot_start) == today;
                // From an hour before the slot (also across midnight, at a 24-hour office) until
                // the no-show grace ends; clerks at the hall any time on the day as well.
                let near = now >= a.slot_start - EARLY_CHECK_IN_MINUTES * 60_000_000
                    && now <= a.slot_start + NO_SHOW_GRACE_MINUTES * 60_000_000;
                if !(near || (who.role != Role::Citizen && on_day)) {
                    return Err(AppError::Conflict {
                        code: codes::APPOINTMENT_STATE.code,
                        detail: "check in from an hour before the appointment".into(),
                    });
                }
                if !q::move_appointment(
                    tx.db(),
                    id.as_str(),
                    AppointmentStatus::Booked,
                    AppointmentStatus::CheckedIn,
                    now,
                )
                .await?
                {
                    return Err(super::booking::state_error(
                        a.status,
                        AppointmentStatus::CheckedIn,
                    ));
                }
                q::cancel_reminders(tx.db(), id.as_str(), now).await?;
                let item = super::item(tx.db(), &a.item_code).await?;
                let priority = if a.green {
                    Priority::Green
                } else {
                    Priority::Appointment
                };
                let t = issue(
                    tx,
                    &a.office_id,
                    &item,
                    priority,
                    Some(a.id.clone()),
                    &a.person.name,
                )
                .await?;
                tx.audit(
                    "permits.appointment.check_in",
                    ("permit_ticket", t.id.as_str()),
                    &path,
                    serde_json::json!({ "appointment": a.id, "number": t.number }),
                )
                .await?;
                tx.publish(LiveEvent::Permits {
                    kind: "queue",
                    office_id: a.office_id.to_string(),
                    org_path: path.clone(),
                });
                Ok(t)
            })
            .await;
        match ticket {
            // Checked in already (a double tap, a retry; the caller passed the checks before
            // the state refused it): the same ticket.
            Err(e @ AppError::Conflict { .. }) => {
                let mut conn = self.k().read().await?;
                q::ticket_of_appointment(&mut conn, id.as_str())
                    .await?
                    .ok_or(e)
            }
            other => other,
        }
    }

    /// A walk-in's ticket, given by a clerk of the office (green channel for those who need
    /// it).
    pub async fn walk_in(
        &self,
        who: &Principal,
        office_id: &OfficeId,
        item_code: &str,
        name: &str,
        green: bool,
        ctx: &RequestCtx,
    ) -> Result<Ticket> {
        authorize(who, Action::HandlePermits, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let name = name.trim().to_owned();
        if name.chars().count() > 30 {
            return Err(AppError::invalid(
                "name",
                field::TEXT.code,
                "at most 30 characters",
            ));
        }
        self.k()
            .write_guarded(who, ctx, async |tx| {
                let (_, path) = super::office(tx.db(), office_id.as_str()).await?;
                authorize(who, Action::HandlePermits, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "office"))?;
                let item = super::item(tx.db(), item_code).await?;
                if item.retired
                    || !super::offices::serves(tx.db(), office_id.as_str(), item_code).await?
                {
                    return Err(AppError::Conflict {
                        code: codes::ITEM_NOT_BOOKABLE.code,
                        detail: "no open window here serves this item".into(),
                    });
                }
                let priority = if green {
                    Priority::Green
                } else {
                    Priority::WalkIn
                };
                let t = issue(tx, office_id, &item, priority, None, &name).await?;
                tx.audit(
                    "permits.ticket.walk_in",
                    ("permit_ticket", t.id.as_str()),
                    &path,
                    serde_json::json!({ "item": item.code, "number": t.number, "green": green }),
                )
                .await?;
                tx.publish(LiveEvent::Permits {
                    kind: "queue",
                    office_id: office_id.to_string(),
                    org_path: path.clone(),
                });
                Ok(t)
            })
            .await
    }

    /// The window calls its next ticket.
    pub async fn call_next(
        &self,
        who: &Principal,
        window_id: &WindowId,
        ctx: &RequestCtx,
    ) -> Result<Ticket> {
        authorize(who, Action::HandlePermits, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        self.k()
            .write_guarded(who, ctx, async |tx| {
                let w = q::window(tx.db(), window_id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "window" })?;
                let (_, path) = super::office(tx.db(), w.office_id.as_str()).await?;
                authorize(who, Action::HandlePermits, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "window"))?;
                if !w.open {
                    return Err(AppError::Conflict {
                        code: codes::WINDOW_CLOSED.code,
                        detail: format!("window {} is closed", w.number),
                    });
                }
                let now = tx.now_us();
                // Another window may take a ticket between the read and the update: then the
                // update changes nothing and the next one is tried.
                let mut waiting = q::waiting(tx.db(), w.office_id.as_str()).await?;
                loop {
                    let facts: Vec<rules::Waiting<'_>> = waiting
                        .iter()
                        .map(|t| rules::Waiting {
                            item_code: &t.item_code,
                            priority: t.priority,
                            checked_in_at: t.checked_in_at,
                            window: t.window_id.as_ref().map(|x| x.as_str()),
                        })
                        .collect();
                    let Some(i) = rules::next(w.id.as_str(), &w.items, &facts) else {
                        return Err(AppError::Conflict {
                            code: codes::QUEUE_EMPTY.code,
                            detail: format!("nobody waits for window {}", w.number),
                        });
                    };
                    let t = waiting.swap_remove(i);
                    let m = TicketMove {
                        window_id: Some(w.id.as_str()),
                        called_at: Some(now),
                        ..Default::default()
                    };
                    if q::move_ticket(
                        tx.db(),
                        t.id.as_str(),
                        TicketState::Waiting,
                        TicketState::Called,
                        &m,
                    )
                    .await?
                    {
                        tx.audit(
                            "permits.ticket.call",
                            ("permit_ticket", t.id.as_str()),
                            &path,
                            serde_json::json!({ "number": t.number, "window": w.number }),
                        )
                        .await?;
                        tx.publish(LiveEvent::Permits {
                            kind: "queue",
                            office_id: w.office_id.to_string(),
                            org_path: path.clone(),
                        });
                        return Ok(Ticket {
                            state: TicketState::Called,
                            window_id: Some(w.id.clone()),
                            called_at: Some(now),
                            ..t
                        });
                    }
                }
            })
            .await
    }

    /// Recall, start, finish, miss or transfer a ticket.
    pub async fn move_ticket(
        &self,
        who: &Principal,
        id: &TicketId,
        kind: &TicketMoveKind,
        ctx: &RequestCtx,
    ) -> Result<Ticket> {
        authorize(who, Action::HandlePermits, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        self.k()
            .write_guarded(who, ctx, async |tx| {
                let t = q::ticket(tx.db(), id.as_str()).await?.ok_or(AppError::NotFound { what: "ticket" })?;
                let (_, path) = super::office(tx.db(), t.office_id.as_str()).await?;
                authorize(who, Action::HandlePermits, Scope::Org(&path))
                    .map_err(|d| AppError::denied_object(d, "ticket"))?;
                let now = tx.now_us();
                let (to, m) = match kind {
                    TicketMoveKind::Recall => (TicketState::Called, TicketMove { recall: true, ..Default::default() }),
                    TicketMoveKind::Start => (TicketState::Serving, TicketMove { serving_at: Some(now), ..Default::default() }),
                    TicketMoveKind::Finish => (TicketState::Done, TicketMove { done_at: Some(now), ..Default::default() }),
                    TicketMoveKind::Miss => (TicketState::NoShow, TicketMove { done_at: Some(now), ..Default::default() }),
                    TicketMoveKind::Transfer { item_code, window_id } => {
                        if item_code.is_none() == window_id.is_none() {
                            return Err(AppError::invalid("to", field::CODE.code, "transfer to an item or to a window"));
                        }
                        if let Some(code) = item_code
                            && !super::offices::serves(tx.db(), t.office_id.as_str(), code).await?
                        {
                            return Err(AppError::invalid("item_code", field::CODE.code, "no open window here serves that item"));
                        }
                        if let Some(w) = window_id
                            && q::window(tx.db(), w.as_str()).await?.is_none_or(|w| w.office_id != t.office_id)
                        {
                            return Err(AppError::invalid("window_id", field::CODE.code, "not a window of this office"));
                        }
                        (TicketState::Waiting, TicketMove {
                            item_code: item_code.as_deref(),
                            window_id: window_id.as_ref().map(|w| w.as_str()),
                            clear_window: window_id.is_none(),
                            ..Default::default()
                        })
                    }
                };
                if !rules::may_move(t.state, to) || !q::move_ticket(tx.db(), id.as_str(), t.state, to, &m).await? {
                    return Err(AppError::Conflict {
                        code: codes::TICKET_STATE.code,
                        detail: format!("a {} ticket cannot become {}", t.state.label_en().to_lowercase(), to.label_en().to_lowercase()),
                    });
                }
                tx.audit("permits.ticket.move", ("permit_ticket", t.id.as_str()), &path,
                    serde_json::json!({ "from": t.state, "to": to, "number": t.number, "transfer": matches!(kind, TicketMoveKind::Transfer { .. }) })).await?;
                tx.publish(LiveEvent::Permits { kind: "queue", office_id: t.office_id.to_string(), org_path: path.clone() });
                q::ticket(tx.db(), id.as_str()).await?.ok_or(AppError::NotFound { what: "ticket" })
            })
            .await
    }

    /// Today's tickets, those still open from before, and the windows of an office (its clerks).
    pub async fn queue(&self, who: &Principal, office_id: &OfficeId) -> Result<QueueView> {
        authorize(who, Action::HandlePermits, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let (_, path) = super::office(&mut conn, office_id.as_str()).await?;
        authorize(who, Action::HandlePermits, Scope::Org(&path))
            .map_err(|d| AppError::denied_object(d, "office"))?;
        Ok(QueueView {
            tickets: q::tickets_on(&mut conn, office_id.as_str(), self.today()).await?,
            windows: q::windows(&mut conn, office_id.as_str()).await?,
        })
    }

    /// The hall display of an office (public: numbers and windows, no names).
    pub async fn board(&self, office_id: &OfficeId) -> Result<Board> {
        let mut conn = self.k().read().await?;
        let (office, _) = super::office(&mut conn, office_id.as_str()).await?;
        let windows = q::windows(&mut conn, office_id.as_str()).await?;
        let tickets = q::tickets_on(&mut conn, office_id.as_str(), self.today()).await?;
        let mut called: Vec<BoardTicket> = tickets
            .iter()
            .filter(|t| matches!(t.state, TicketState::Called | TicketState::Serving))
            .filter_map(|t| {
                let w = windows
                    .iter()
                    .find(|w| Some(&w.id) == t.window_id.as_ref())?;
                Some(BoardTicket {
                    number: t.number.clone(),
                    window: w.number.clone(),
                    state: t.state,
                    called_at: t.called_at.unwrap_or(t.checked_in_at),
                })
            })
            .collect();
        called.sort_by_key(|b| std::cmp::Reverse(b.called_at));
        called.truncate(BOARD_RECENT);
        Ok(Board {
            office_name: office.name,
            called,
            waiting: tickets
                .iter()
                .filter(|t| t.state == TicketState::Waiting)
                .count(),
        })
    }
}

/// Issues a ticket numbered by the item's prefix and the day's sequence.
async fn issue(
    tx: &mut Tx,
    office_id: &OfficeId,
    item: &jingwu_permits::catalogue::Item,
    priority: Priority,
    appointment_id: Option<AppointmentId>,
    name: &str,
) -> Result<Ticket> {
    let now = tx.now_us();
    let day = jingwu_core::calendar::local_date(now);
    let seq = q::next_ticket_seq(tx.db(), office_id.as_str(), day, item.prefix).await?;
    let t = Ticket {
        id: TicketId::new(),
        office_id: office_id.clone(),
        day,
        number: rules::number(item.prefix, seq),
        item_code: item.code.clone(),
        priority,
        state: TicketState::Waiting,
        appointment_id,
        window_id: None,
        name: name.to_owned(),
        recalls: 0,
        checked_in_at: now,
        called_at: None,
        serving_at: None,
        done_at: None,
    };
    q::insert_ticket(tx.db(), &t).await?;
    Ok(t)
}
