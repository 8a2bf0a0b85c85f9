//! Traffic-police online services: citizens who register with their real name, resident ID
//! and a verified mobile number; the licence and vehicle registries; violations, their penalty
//! decisions and the points they score; point-reduction study; fines paid online through the
//! shared payment service (`crate::payments`). The rules are `jingwu-traffic`'s.

mod applications;
mod citizens;
mod pay;
mod public;
mod registry;
mod study;
mod violations;

pub use applications::{ApplicationView, NewApplication, ReviewAction};
pub use citizens::{CitizenProfile, NewCitizen, OtpPurpose, OtpSent};
pub(crate) use pay::{
    SUBJECT_APPLICATION as SUBJECT_TRAFFIC_APPLICATION, SUBJECT_VIOLATION, settle_subject,
};
pub use public::{NewAccident, NewMessage, NewRoadEvent};
pub use registry::{NewLicence, NewTrafficVehicle};
pub use study::{QuizAnswers, QuizOutcome, QuizView, ReductionOutcome};
pub use violations::{DriverPoints, NewViolation, ViolationView};

use jingwu_core::{Principal, Role};
use jingwu_store::Conn;
use jingwu_store::traffic as q;
use jingwu_traffic::Profile;
use jingwu_traffic::records::{Citizen, Licence};

use crate::{App, AppError, Kernel, Result};

/// What a bureau chooses for its traffic services.
#[derive(Debug, Clone)]
pub struct TrafficConfig {
    /// The point-reduction rules in force (`order163` by default; `ningbo2016` is the seed's
    /// pilot).
    pub profile: Profile,
    /// How long a one-time code stays valid.
    pub otp_ttl: jiff::SignedDuration,
    /// How long a payment order stays open at most (it also closes at local midnight).
    pub order_ttl: jiff::SignedDuration,
}

impl Default for TrafficConfig {
    fn default() -> Self {
        TrafficConfig {
            profile: Profile::Order163,
            otp_ttl: jiff::SignedDuration::from_mins(10),
            order_ttl: jiff::SignedDuration::from_mins(30),
        }
    }
}

/// The traffic system's use cases (see [`App::traffic`]).
#[derive(Clone, Copy)]
pub struct Traffic<'a> {
    pub(crate) app: &'a App,
}

impl Traffic<'_> {
    fn k(&self) -> &Kernel {
        self.app.kernel()
    }

    fn config(&self) -> &TrafficConfig {
        &self.k().config().traffic
    }

    fn now_us(&self) -> i64 {
        self.k().now_us()
    }

    fn today(&self) -> jiff::civil::Date {
        jingwu_traffic::local_date(self.now_us())
    }
}

/// A plate (GA 36) normalised, or an error on `name` (and an empty string).
fn checked_plate(name: &str, s: &str, errs: &mut Vec<crate::FieldError>) -> String {
    match jingwu_validate::Plate::parse(s) {
        Ok(p) => p.as_str().to_owned(),
        Err(e) => {
            errs.push(crate::FieldError::new(
                name,
                jingwu_traffic::error_codes::field::PLATE.code,
                e.to_string(),
            ));
            String::new()
        }
    }
}

use crate::fields::{checked_mobile, checked_resident_id, no_errors};

/// The citizen behind a `citizen` principal, and their licence if the bureau has one.
async fn citizen_of(
    db: &mut impl Conn,
    who: &Principal,
) -> Result<(Citizen, Option<(Licence, String)>)> {
    if who.role != Role::Citizen {
        return Err(AppError::Forbidden(
            "only a registered citizen has driver records".into(),
        ));
    }
    let c = q::citizen(db, &who.user_id)
        .await?
        .ok_or(AppError::NotFound { what: "citizen" })?;
    let licence = q::licence_of(db, &c.resident_id).await?;
    Ok((c, licence))
}

/// The owner scope of a record held for `resident_id`: the citizen registered with that
/// resident ID (if any) owns it; staff see it by the org unit that keeps it.
async fn owner_user_id(db: &mut impl Conn, resident_id: &str) -> Result<String> {
    Ok(q::citizen_by_resident_id(db, resident_id)
        .await?
        .map(|c| c.user_id.into_string())
        .unwrap_or_default())
}

impl App {
    /// Traffic-police online services.
    pub fn traffic(&self) -> Traffic<'_> {
        Traffic { app: self }
    }
}
