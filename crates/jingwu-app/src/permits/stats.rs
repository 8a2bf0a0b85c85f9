//! The approval window's statistics (the seed's headline figures and the queue's KPIs) for
//! a period: online share of items and applications, portal visits and online progress
//! queries, bookings by status and channel, no-shows, waiting and serving times, statutory
//! deadline compliance and posted results within the 3-day target.

use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_permits::applications::{ApplicationStatus, mail_due};
use jingwu_permits::queue::TicketState;
use jingwu_store::permits as q;

use super::Permits;
use crate::{AppError, Result};

/// Figures for one period.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PermitStats {
    pub items: usize,
    pub items_online: usize,
    pub applications: usize,
    /// Applications that reached a clerk (submitted online and pre-checked).
    pub applications_submitted: usize,
    pub portal_visits: i64,
    pub progress_queries: i64,
    /// Appointments by status, then by channel.
    pub appointments: Vec<(String, i64)>,
    pub appointments_by_channel: Vec<(String, i64)>,
    pub no_shows: i64,
    pub tickets: usize,
    /// Mean and 90th-percentile (nearest rank) waiting time, seconds, of called tickets.
    pub wait_mean_s: Option<i64>,
    pub wait_p90_s: Option<i64>,
    /// Mean serving time, seconds, of finished tickets.
    pub serve_mean_s: Option<i64>,
    /// Decided applications, and those decided by their statutory deadline.
    pub decided: usize,
    pub decided_in_time: usize,
    /// Accepted applications past their deadline without a decision.
    pub overdue: usize,
    /// Posted results, and those posted within the 3-day target.
    pub mailed: usize,
    pub mailed_in_time: usize,
}

/// The nearest-rank percentile `p` (0–100) of sorted values.
fn nearest_rank(sorted: &[i64], p: usize) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (p * sorted.len()).div_ceil(100).max(1);
    sorted.get(rank - 1).copied()
}

fn mean(v: &[i64]) -> Option<i64> {
    let n = i64::try_from(v.len()).ok().filter(|n| *n > 0)?;
    Some(v.iter().sum::<i64>() / n)
}

impl Permits<'_> {
    /// Statistics of the caller's jurisdiction for the dates `[from, to]`.
    pub async fn stats(
        &self,
        who: &Principal,
        from: jiff::civil::Date,
        to: jiff::civil::Date,
    ) -> Result<PermitStats> {
        authorize(who, Action::ReadPermitStats, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let start = jingwu_core::calendar::local_midnight(from);
        let end =
            jingwu_core::calendar::next_local_midnight(jingwu_core::calendar::local_midnight(to));
        self.k().flush_portal().await?;
        let mut conn = self.k().read().await?;
        let items = q::items(&mut conn).await?;
        let mut s = PermitStats {
            items: items.iter().filter(|i| !i.retired).count(),
            items_online: items.iter().filter(|i| !i.retired && i.online).count(),
            ..Default::default()
        };
        for (kind, n) in q::counters(&mut conn, from, to).await? {
            match kind.as_str() {
                super::catalogue::VISIT => s.portal_visits = n,
                super::catalogue::PROGRESS_QUERY => s.progress_queries = n,
                _ => {}
            }
        }
        let mut by_status = std::collections::BTreeMap::<String, i64>::new();
        let mut by_channel = std::collections::BTreeMap::<String, i64>::new();
        for (status, channel, n) in
            q::appointment_counts(&mut conn, &who.org_path, start, end).await?
        {
            *by_status.entry(status).or_default() += n;
            *by_channel.entry(channel).or_default() += n;
        }
        s.no_shows = by_status.get("no_show").copied().unwrap_or(0);
        s.appointments = by_status.into_iter().collect();
        s.appointments_by_channel = by_channel.into_iter().collect();
        let apps = q::application_facts(&mut conn, &who.org_path, start, end).await?;
        s.applications = apps.len();
        s.applications_submitted = apps
            .iter()
            .filter(|a| {
                !matches!(
                    a.status,
                    ApplicationStatus::Draft | ApplicationStatus::Withdrawn
                )
            })
            .count();
        let today = self.today();
        for a in &apps {
            if let (Some(deadline), Some(at)) = (a.deadline, a.decided_at) {
                s.decided += 1;
                if jingwu_core::calendar::local_date(at) <= deadline {
                    s.decided_in_time += 1;
                }
            }
            if a.status == ApplicationStatus::Accepted && a.deadline.is_some_and(|d| d < today) {
                s.overdue += 1;
            }
            if let (Some(approved), Some(mailed)) = (a.approved_on, a.mailed_on) {
                s.mailed += 1;
                if mailed <= mail_due(approved) {
                    s.mailed_in_time += 1;
                }
            }
        }
        let tickets = q::ticket_times(&mut conn, &who.org_path, start, end).await?;
        s.tickets = tickets.len();
        let mut waits: Vec<i64> = tickets
            .iter()
            .filter_map(|t| jingwu_permits::queue::waited_us(t.checked_in_at, t.called_at))
            .map(|us| us / 1_000_000)
            .collect();
        waits.sort_unstable();
        s.wait_mean_s = mean(&waits);
        s.wait_p90_s = nearest_rank(&waits, 90);
        let serves: Vec<i64> = tickets
            .iter()
            .filter(|t| t.state == TicketState::Done)
            .filter_map(|t| Some((t.done_at? - t.serving_at?).max(0) / 1_000_000))
            .collect();
        s.serve_mean_s = mean(&serves);
        Ok(s)
    }
}
