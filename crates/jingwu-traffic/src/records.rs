//! The traffic system's records as the store keeps them: citizens, licences, vehicles,
//! violations with their penalty decisions, point reductions, vouchers and quizzes. Dates a
//! rule counts in are Asia/Shanghai calendar dates; instants are microseconds since the Unix
//! epoch; money is fen.

use jiff::civil::Date;
use jingwu_core::{OrgId, UserId};
use serde::{Deserialize, Serialize};

pub use crate::ids::{LicenceId, QuizId, ReductionId, VehicleId, ViolationId, VoucherId};
use crate::licence::{LicenceClass, LicenceStatus};
use crate::money::Fen;
use crate::points::ReductionMethod;
use crate::reduction::Profile;
use crate::vehicle::VehicleStatus;
use crate::violations::{ViolationSource, ViolationStatus};

/// A citizen's verified identity behind a `citizen` account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citizen {
    pub user_id: UserId,
    pub real_name: String,
    /// Resident identity card number (GB 11643), validated and normalised.
    pub resident_id: String,
    /// Mainland mobile number, verified by a one-time code.
    pub mobile: String,
    pub created_at: i64,
}

/// A driving licence in the bureau's registry. Its number is the holder's resident ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Licence {
    pub id: LicenceId,
    pub org_id: OrgId,
    pub resident_id: String,
    pub holder_name: String,
    pub class: LicenceClass,
    /// The first licence's issue date: scoring cycles count from it.
    pub first_issued_on: Date,
    pub expires_on: Date,
    pub status: LicenceStatus,
    /// Points decided on or before this date were cleared by full-score education.
    pub full_score_cleared_on: Option<Date>,
    pub full_score_count: u32,
    pub created_at: i64,
}

/// A motor vehicle in the bureau's registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vehicle {
    pub id: VehicleId,
    pub org_id: OrgId,
    /// Plate (GA 36), validated and normalised.
    pub plate: String,
    pub owner_resident_id: String,
    pub owner_name: String,
    pub model: String,
    pub inspection_due_on: Date,
    pub status: VehicleStatus,
    pub created_at: i64,
}

/// A violation as recorded and, once a driver accepted it online, its penalty decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Violation {
    pub id: ViolationId,
    pub org_id: OrgId,
    pub plate: String,
    /// Code in the violation table (`crate::violations::CODES`).
    pub code: String,
    pub points: u8,
    pub fine: Fen,
    pub place: String,
    pub lat: f64,
    pub lon: f64,
    pub occurred_at: i64,
    pub source: ViolationSource,
    /// The officer or clerk who recorded it.
    pub recorded_by: UserId,
    pub status: ViolationStatus,
    /// The licence it is scored on, once decided.
    pub licence_id: Option<LicenceId>,
    /// Penalty decision number, once decided.
    pub decision_no: Option<String>,
    pub decided_at: Option<i64>,
    /// The date the decision was served (accepted online): the payment period starts here.
    pub served_on: Option<Date>,
    pub deadline_on: Option<Date>,
    pub paid_at: Option<i64>,
    pub paid_on: Option<Date>,
    pub revoked_at: Option<i64>,
    pub created_at: i64,
}

/// Points taken off a licence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReductionRecord {
    pub id: ReductionId,
    pub licence_id: LicenceId,
    pub points: u8,
    pub method: ReductionMethod,
    pub profile: Profile,
    pub granted_on: Date,
    pub granted_at: i64,
    /// The decision a voucher was applied to (ningbo2016).
    pub violation_id: Option<ViolationId>,
    /// What earned it (a quiz, a voucher): a source earns one reduction only.
    pub source_id: Option<String>,
}

/// A point-reduction voucher of the ningbo2016 profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Voucher {
    pub id: VoucherId,
    pub licence_id: LicenceId,
    pub value: u8,
    pub cycle_index: u32,
    pub quiz_id: QuizId,
    pub issued_at: i64,
    pub applied_to: Option<ViolationId>,
    pub applied_at: Option<i64>,
}

/// A timed study quiz.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quiz {
    pub id: QuizId,
    pub licence_id: LicenceId,
    pub question_ids: Vec<String>,
    pub started_at: i64,
    pub expires_at: i64,
    pub submitted_at: Option<i64>,
    pub score: Option<u32>,
    pub passed: Option<bool>,
}

jingwu_core::id_newtype! {
    pub struct MessageId;
    pub struct RoadEventId;
    pub struct AccidentId;
}

/// A citizen's message to the traffic police and its reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub org_id: OrgId,
    pub author_id: UserId,
    pub kind: crate::messages::MessageKind,
    pub subject: String,
    pub body: String,
    pub status: crate::messages::MessageStatus,
    pub created_at: i64,
    pub reply: Option<String>,
    pub replied_by: Option<UserId>,
    pub replied_at: Option<i64>,
}

/// An accident, closure, control or works on the road.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RoadEvent {
    pub id: RoadEventId,
    pub org_id: OrgId,
    pub kind: crate::road_events::RoadEventKind,
    pub street: String,
    pub description: String,
    /// The place, or the affected stretch, as (lat, lon) points.
    pub line: Vec<(f64, f64)>,
    pub both_ways: bool,
    /// Travel time multiplied by this on the affected roads, when the event does not close
    /// them; `None` for the default (`road_events::DEFAULT_SLOWDOWN`).
    pub speed_factor: Option<f64>,
    pub starts_at: i64,
    pub ends_at: Option<i64>,
    pub created_by: UserId,
    pub created_at: i64,
    pub withdrawn_at: Option<i64>,
}

/// A minor accident between two parties, settled online.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Accident {
    pub id: AccidentId,
    pub org_id: OrgId,
    pub status: crate::settlement::AccidentStatus,
    pub occurred_at: i64,
    pub place: String,
    pub lat: f64,
    pub lon: f64,
    pub party_a: UserId,
    pub plate_a: String,
    pub party_b: UserId,
    pub plate_b: String,
    pub liability_a: Option<crate::settlement::Liability>,
    pub liability_b: Option<crate::settlement::Liability>,
    /// What happened, in party A's words.
    pub account: String,
    pub created_at: i64,
    pub confirmed_at: Option<i64>,
    pub assigned_by: Option<UserId>,
    pub assigned_at: Option<i64>,
}

jingwu_core::id_newtype! {
    pub struct ApplicationStepId;
}

pub use crate::ids::ApplicationId;

/// An application for a vehicle or driver service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Application {
    pub id: ApplicationId,
    pub org_id: OrgId,
    pub applicant_id: UserId,
    pub service: crate::services::ServiceKind,
    /// The vehicle it concerns (vehicle services), or the plate chosen (pre-selection).
    pub plate: Option<String>,
    /// What the applicant entered (the form-free details), as JSON text.
    pub details: String,
    /// Codes of the materials the applicant provided.
    pub materials: Vec<String>,
    /// Where the result is posted (mailed services).
    pub address: Option<String>,
    pub fee: Fen,
    pub paid_at: Option<i64>,
    pub status: crate::services::ApplicationStatus,
    pub tracking_no: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// One step of an application's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationStep {
    pub id: ApplicationStepId,
    pub application_id: ApplicationId,
    pub status: crate::services::ApplicationStatus,
    pub actor_id: UserId,
    pub note: String,
    pub at: i64,
}
