//! The approval window's background work, run every `jobs_every` by one task per node (and
//! safe to run on several: every step is a conditional update): lapsed holds give their place
//! back, bookings not checked in by the end of the grace period become no-shows, and due
//! reminders are sent — each once, marked sent in the transaction that queues its message.

use jingwu_core::Principal;
use jingwu_permits::booking::{AppointmentStatus, NO_SHOW_GRACE_MINUTES, ReminderKind};
use jingwu_store::foundation::orgs;
use jingwu_store::permits as q;

use super::Permits;
use crate::{AppError, LiveEvent, RequestCtx, Result};

/// Rows one pass takes of each kind (the next pass takes the rest).
const BATCH: i64 = 200;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobsDone {
    pub holds_expired: usize,
    pub no_shows: usize,
    pub reminders_sent: usize,
}

impl Permits<'_> {
    /// Starts the background jobs.
    pub fn spawn_jobs(&self) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        let every = self.config().jobs_every;
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.permits().run_jobs().await {
                    tracing::warn!(error = %e, "approval-window jobs failed");
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    /// One pass of the jobs.
    pub async fn run_jobs(&self) -> Result<JobsDone> {
        self.k().flush_portal().await?;
        let mut conn = self.k().read().await?;
        let Some(root) = orgs::root(&mut conn).await? else {
            return Ok(JobsDone::default());
        };
        let system = Principal::system(root.id.as_str(), &root.path);
        let ctx = RequestCtx {
            request_id: format!("job-{}", jingwu_core::new_id()),
            client_addr: None,
        };
        let now = self.now_us();
        let mut done = JobsDone::default();
        for a in q::lapsed_holds(&mut conn, now, BATCH).await? {
            let expired = self
                .k()
                .write_guarded(&system, &ctx, async |tx| {
                    let (a, path) = q::appointment(tx.db(), a.id.as_str()).await?.ok_or(
                        AppError::NotFound {
                            what: "appointment",
                        },
                    )?;
                    let now = tx.now_us();
                    if !q::move_appointment(
                        tx.db(),
                        a.id.as_str(),
                        AppointmentStatus::Held,
                        AppointmentStatus::Expired,
                        now,
                    )
                    .await?
                    {
                        // Changed meanwhile: nothing to record (and no audit entry).
                        return Err(AppError::NotFound {
                            what: "pending job",
                        });
                    }
                    q::release_place(tx.db(), a.office_id.as_str(), a.slot_start, a.pool).await?;
                    tx.audit(
                        "permits.appointment.expire",
                        ("permit_appointment", a.id.as_str()),
                        &path,
                        serde_json::json!({}),
                    )
                    .await?;
                    tx.publish(LiveEvent::Permits {
                        kind: "slots",
                        office_id: a.office_id.to_string(),
                        org_path: path.clone(),
                    });
                    Ok(true)
                })
                .await;
            done.holds_expired += usize::from(settled(expired)?);
        }
        let cutoff = now - NO_SHOW_GRACE_MINUTES * 60_000_000;
        for a in q::missed(&mut conn, cutoff, BATCH).await? {
            let marked = self
                .k()
                .write_guarded(&system, &ctx, async |tx| {
                    let (a, path) = q::appointment(tx.db(), a.id.as_str()).await?.ok_or(
                        AppError::NotFound {
                            what: "appointment",
                        },
                    )?;
                    let now = tx.now_us();
                    if !q::move_appointment(
                        tx.db(),
                        a.id.as_str(),
                        AppointmentStatus::Booked,
                        AppointmentStatus::NoShow,
                        now,
                    )
                    .await?
                    {
                        // Changed meanwhile: nothing to record (and no audit entry).
                        return Err(AppError::NotFound {
                            what: "pending job",
                        });
                    }
                    q::cancel_reminders(tx.db(), a.id.as_str(), now).await?;
                    tx.audit(
                        "permits.appointment.no_show",
                        ("permit_appointment", a.id.as_str()),
                        &path,
                        serde_json::json!({ "slot_start": a.slot_start }),
                    )
                    .await?;
                    Ok(true)
                })
                .await;
            done.no_shows += usize::from(settled(marked)?);
        }
        for r in q::due_reminders(&mut conn, now, BATCH).await? {
            let sent = self
                .k()
                .write_guarded(&system, &ctx, async |tx| {
                    let now = tx.now_us();
                    if !q::mark_reminder_sent(tx.db(), r.appointment_id.as_str(), r.kind, now).await? {
                        // Changed meanwhile: nothing to record (and no audit entry).
                        return Err(AppError::NotFound { what: "pending job" });
                    }
                    let (a, path) = q::appointment(tx.db(), r.appointment_id.as_str()).await?.ok_or(AppError::NotFound { what: "appointment" })?;
                    let (office, _) = super::office(tx.db(), a.office_id.as_str()).await?;
                    let item = super::item(tx.db(), &a.item_code).await?;
                    let (date, minute) = jingwu_permits::schedule::local(a.slot_start);
                    let when = format!("{} {}", date, jingwu_permits::schedule::hhmm(minute));
                    let lead = match r.kind { ReminderKind::DayBefore => "明天", ReminderKind::HourBefore => "一小时后" };
                    // The appointment id lets a gateway drop a duplicate (at-least-once delivery).
                    let body = format!(
                        "【警务】{}，您预约的“{}”将于{}（{}）在{}办理，请携带相关材料按时到达。预约号 {}",
                        a.person.name, item.name_zh, lead, when, office.name, a.id
                    );
                    crate::notify::sms(tx, &a.person.mobile, body, "appointment reminder").await?;
                    tx.audit("permits.reminder.send", ("permit_appointment", a.id.as_str()), &path, serde_json::json!({ "kind": r.kind })).await?;
                    Ok(true)
                })
                .await;
            done.reminders_sent += usize::from(settled(sent)?);
        }
        Ok(done)
    }
}

/// A job step's outcome: a row another node or request changed meanwhile is skipped.
fn settled(r: Result<bool>) -> Result<bool> {
    match r {
        Ok(b) => Ok(b),
        Err(AppError::NotFound { .. }) => Ok(false),
        Err(e) => Err(e),
    }
}
