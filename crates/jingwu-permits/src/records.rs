//! The approval window's records as the store keeps them. Instants are microseconds since the
//! Unix epoch; dates are Asia/Shanghai calendar dates; money is fen.

use jiff::civil::Date;
use jingwu_core::{OrgId, UserId};
use serde::{Deserialize, Serialize};

use crate::Fen;
use crate::applications::ApplicationStatus;
use crate::booking::{AppointmentStatus, Channel, ReminderKind};
use crate::capacity::{Pool, SlotCounts};
pub use crate::ids::{ApplicationId, AppointmentId, OfficeId, StepId, TicketId, WindowId};
use crate::queue::{Priority, TicketState};
use crate::schedule::{BookingWindow, WeekPlan};

/// A service office: a hall with windows, or a self-service area. It belongs to an org unit
/// (its jurisdiction), keeps one schedule and cuts its slots from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Office {
    pub id: OfficeId,
    pub org_id: OrgId,
    pub name: String,
    pub address: String,
    pub week: WeekPlan,
    /// Open on public holidays (a 24-hour area).
    pub open_on_holidays: bool,
    pub slot_minutes: u16,
    /// Applicants one slot takes (usually the windows taking appointments).
    pub slot_capacity: u32,
    /// Of those, places held back for the green channel.
    pub green_reserved: u32,
    pub booking: BookingWindow,
    pub created_at: i64,
}

/// A window (counter) and the items it serves, in its work profile's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Window {
    pub id: WindowId,
    pub office_id: OfficeId,
    /// The number the hall display shows ("3").
    pub number: String,
    pub items: Vec<String>,
    pub open: bool,
}

/// A slot as booked so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Slot {
    pub starts_at: i64,
    pub ends_at: i64,
    pub counts: SlotCounts,
}

/// The person an appointment or application is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    pub name: String,
    pub resident_id: String,
    pub mobile: String,
}

/// An appointment at an office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Appointment {
    pub id: AppointmentId,
    pub office_id: OfficeId,
    pub item_code: String,
    pub slot_start: i64,
    pub slot_end: i64,
    /// The pool its place came from.
    pub pool: Pool,
    /// Booked as a green-channel applicant (called first at the window).
    pub green: bool,
    pub channel: Channel,
    pub status: AppointmentStatus,
    /// The citizen account it belongs to (none for a phone booking of someone without one).
    pub applicant_id: Option<UserId>,
    pub person: Person,
    pub application_id: Option<ApplicationId>,
    /// Who booked it (the citizen, or the clerk on the phone).
    pub booked_by: UserId,
    pub hold_expires_at: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// A queue ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ticket {
    pub id: TicketId,
    pub office_id: OfficeId,
    pub day: Date,
    pub number: String,
    pub item_code: String,
    pub priority: Priority,
    pub state: TicketState,
    pub appointment_id: Option<AppointmentId>,
    /// The window that called it, or the one it was transferred to.
    pub window_id: Option<WindowId>,
    pub name: String,
    pub recalls: u32,
    pub checked_in_at: i64,
    pub called_at: Option<i64>,
    pub serving_at: Option<i64>,
    pub done_at: Option<i64>,
}

/// An online application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: ApplicationId,
    /// The org unit of the office that handles it.
    pub org_id: OrgId,
    pub office_id: OfficeId,
    pub item_code: String,
    pub applicant_id: UserId,
    /// What the applicant entered in the online form (a JSON object of strings).
    pub details: serde_json::Map<String, serde_json::Value>,
    pub status: ApplicationStatus,
    pub fee: Fen,
    pub paid_at: Option<i64>,
    pub refunded_at: Option<i64>,
    /// Where to post the result (items that are mailed), if the applicant wants it posted.
    pub address: Option<String>,
    pub submitted_at: Option<i64>,
    pub accepted_on: Option<Date>,
    /// The last day of the statutory time limit.
    pub deadline: Option<Date>,
    pub approved_on: Option<Date>,
    pub mailed_on: Option<Date>,
    pub tracking_no: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One step of an application's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: StepId,
    pub application_id: ApplicationId,
    pub status: ApplicationStatus,
    pub actor_id: UserId,
    pub note: String,
    pub at: i64,
}

/// A material file attached to an application (content-addressed in the blob store).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialFile {
    pub application_id: ApplicationId,
    pub code: String,
    pub sha256: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub uploaded_at: i64,
}

/// A reminder due before an appointment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    pub appointment_id: AppointmentId,
    pub kind: ReminderKind,
    pub due_at: i64,
    pub sent_at: Option<i64>,
}

/// A slot offered for booking, with the places still free in each pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FreeSlot {
    pub starts_at: i64,
    pub ends_at: i64,
    pub free: u32,
    /// Places a green-channel applicant could still take (its reserve and the general pool).
    pub free_green: u32,
}
