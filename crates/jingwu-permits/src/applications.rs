//! Online applications: the state machine (permits.md §2), the pre-check of completeness and
//! the statutory deadline. The clock of the statutory time limit starts at acceptance
//! (Administrative Licensing Law art. 32 and 42: an incomplete application is returned for
//! correction before it is accepted, so correction does not eat the limit) and counts working
//! days (art. 82).

use jiff::civil::Date;

use crate::catalogue::Item;
use crate::workdays::Calendar;

jingwu_core::text_enum! {
    /// Where an application stands.
    pub enum ApplicationStatus: "application status" {
        /// Being filled in; materials may be added.
        Draft = "draft" ("草稿", "Draft"),
        Submitted = "submitted" ("已提交", "Submitted"),
        /// Complete: every required material and field is there; waiting for a clerk.
        PreChecked = "pre_checked" ("预审通过", "Pre-checked"),
        /// Sent back for the applicant to complete or correct (补正).
        Returned = "returned" ("退回补正", "Returned for correction"),
        /// Accepted (受理): the statutory clock runs.
        Accepted = "accepted" ("已受理", "Accepted"),
        Approved = "approved" ("已批准", "Approved"),
        Rejected = "rejected" ("不予许可", "Rejected"),
        /// The result is posted; the courier's tracking number is recorded.
        Mailed = "mailed" ("已寄出", "Posted"),
        /// Received by post or collected at the window.
        Delivered = "delivered" ("已送达", "Delivered"),
        Withdrawn = "withdrawn" ("已撤回", "Withdrawn"),
    }
}

/// The application state machine:
///
/// * draft → submitted (the applicant), or withdrawn;
/// * submitted → pre-checked (complete) or returned;
/// * pre-checked → accepted, returned or rejected by a clerk, or withdrawn by the applicant;
/// * returned → submitted again (corrected), or withdrawn;
/// * accepted → approved or rejected;
/// * approved → mailed (posted results) or delivered (collected at the window);
/// * mailed → delivered; rejected, delivered and withdrawn are final.
pub fn may_move(from: ApplicationStatus, to: ApplicationStatus) -> bool {
    use ApplicationStatus::*;
    matches!(
        (from, to),
        (Draft, Submitted)
            | (Draft, Withdrawn)
            | (Submitted, PreChecked)
            | (Submitted, Returned)
            | (PreChecked, Accepted)
            | (PreChecked, Returned)
            | (PreChecked, Rejected)
            | (PreChecked, Withdrawn)
            | (Returned, Submitted)
            | (Returned, Withdrawn)
            | (Accepted, Approved)
            | (Accepted, Rejected)
            | (Approved, Mailed)
            | (Approved, Delivered)
            | (Mailed, Delivered)
    )
}

impl ApplicationStatus {
    pub fn is_final(self) -> bool {
        ApplicationStatus::ALL.iter().all(|to| !may_move(self, *to))
    }

    /// The applicant may still change the form and materials.
    pub const fn editable(self) -> bool {
        matches!(self, ApplicationStatus::Draft | ApplicationStatus::Returned)
    }

    /// Waiting for a clerk's decision (the clerk's queue).
    pub const fn awaits_clerk(self) -> bool {
        matches!(
            self,
            ApplicationStatus::PreChecked | ApplicationStatus::Accepted
        )
    }
}

/// What the pre-check found missing: required material codes without a file, and form fields
/// that are empty or malformed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Precheck {
    pub missing_materials: Vec<String>,
    pub bad_fields: Vec<(String, &'static str)>,
}

impl Precheck {
    pub fn complete(&self) -> bool {
        self.missing_materials.is_empty() && self.bad_fields.is_empty()
    }
}

/// Checks an application for completeness before it goes to a clerk.
pub fn precheck(
    item: &Item,
    details: &serde_json::Map<String, serde_json::Value>,
    provided: &[String],
    today: Date,
) -> Precheck {
    Precheck {
        missing_materials: item
            .required_materials()
            .filter(|m| !provided.contains(&m.code))
            .map(|m| m.code.clone())
            .collect(),
        bad_fields: item.check_details(details, today),
    }
}

/// The last day of the statutory time limit for an application accepted on `accepted_on`.
pub fn deadline(accepted_on: Date, time_limit_days: u16, calendar: &Calendar) -> Date {
    calendar.add_working_days(accepted_on, u32::from(time_limit_days))
}

/// The day a posted result should have left, approved on `approved_on` (calendar days).
pub fn mail_due(approved_on: Date) -> Date {
    approved_on
        .checked_add(jiff::Span::new().days(i64::from(crate::catalogue::MAIL_SLA_DAYS)))
        .unwrap_or(approved_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn final_states() {
        use ApplicationStatus::*;
        for s in [Rejected, Delivered, Withdrawn] {
            assert!(s.is_final(), "{s:?}");
        }
        assert!(!Approved.is_final());
        assert!(!may_move(Accepted, Withdrawn));
        assert!(!may_move(Accepted, Returned));
        assert!(may_move(Returned, Submitted));
    }
}
