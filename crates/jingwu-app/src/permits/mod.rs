//! The approval window: the catalogue of approval items, offices with their windows and
//! schedules, appointments that are never overbooked, the queue at the windows, online
//! applications with their progress, fees through the shared payment service, reminders and
//! statistics. The rules are `jingwu-permits`'; capacity and every state change are
//! conditional updates in the write transaction (`jingwu_store::permits`).

mod applications;
mod booking;
mod catalogue;
mod jobs;
mod offices;
mod queue;
mod stats;

pub use applications::{
    MATERIAL_MAX_BYTES, NewPermitApplication, PermitApplicationView, PermitReview,
};
pub(crate) use applications::{SUBJECT_APPLICATION, fee_refunded, settle_fee};
pub use booking::{AppointmentView, NewBooking, PersonInput};
pub use jobs::JobsDone;
pub use offices::{NewOffice, NewWindow, OfficeView};
pub use queue::{Board, BoardTicket, QueueView, TicketMoveKind};
pub use stats::PermitStats;

use std::sync::Arc;

use jingwu_core::{Principal, Role};
use jingwu_permits::booking::NoShowPolicy;
use jingwu_permits::catalogue::Item;
use jingwu_permits::records::Office;
use jingwu_permits::workdays::Calendar;
use jingwu_store::Conn;
use jingwu_store::permits as q;
use jingwu_store::uploads::blobs::BlobStore;

use crate::{App, AppError, Kernel, Result};

/// What a bureau chooses for its approval window.
#[derive(Debug, Clone)]
pub struct PermitsConfig {
    /// Repeated no-shows suspend online booking (off unless a limit is set).
    pub no_show: NoShowPolicy,
    /// How often the background jobs run (holds, no-shows, reminders).
    pub jobs_every: std::time::Duration,
}

impl Default for PermitsConfig {
    fn default() -> Self {
        PermitsConfig {
            no_show: NoShowPolicy { limit: 0, days: 90 },
            jobs_every: std::time::Duration::from_secs(15),
        }
    }
}

/// The approval window's state: the blob store its material files go to (the media store's
/// directory, content-addressed, so a file uploaded twice is kept once).
pub(crate) struct PermitsState {
    blobs: Arc<BlobStore>,
}

impl PermitsState {
    pub(crate) fn new(config: &crate::AppConfig) -> Self {
        PermitsState {
            blobs: Arc::new(BlobStore::new(config.media_dir.clone())),
        }
    }
}

/// The approval window's use cases (see [`App::permits`]).
#[derive(Clone, Copy)]
pub struct Permits<'a> {
    pub(crate) app: &'a App,
}

impl App {
    /// The approval window: catalogue, appointments, queue, online applications.
    pub fn permits(&self) -> Permits<'_> {
        Permits { app: self }
    }
}

impl Permits<'_> {
    fn k(&self) -> &Kernel {
        self.app.kernel()
    }

    fn config(&self) -> &PermitsConfig {
        &self.k().config().permits
    }

    fn state(&self) -> &PermitsState {
        self.app.permits_state()
    }

    fn now_us(&self) -> i64 {
        self.k().now_us()
    }

    fn today(&self) -> jiff::civil::Date {
        jingwu_core::calendar::local_date(self.now_us())
    }
}

/// The working-day calendar as configured.
async fn calendar(db: &mut impl Conn) -> Result<Calendar> {
    Ok(Calendar::new(&q::holidays(db).await?))
}

/// An office and its org unit's path, or 404.
async fn office(db: &mut impl Conn, id: &str) -> Result<(Office, String)> {
    q::office(db, id)
        .await?
        .ok_or(AppError::NotFound { what: "office" })
}

/// A catalogue item, or 404 (retired items too: past records name them).
async fn item(db: &mut impl Conn, code: &str) -> Result<Item> {
    q::item(db, code)
        .await?
        .ok_or(AppError::NotFound { what: "item" })
}

/// Only a citizen account does this.
fn must_be_citizen(who: &Principal) -> Result<()> {
    if who.role == Role::Citizen {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only a citizen does this for themself".into(),
        ))
    }
}
