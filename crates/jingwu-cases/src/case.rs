//! Cases: their kinds and statuses, the case number, the parties and how their identity is
//! checked, the steps of the procedure, supervision comments, and the rule that keeps a case
//! from closing while something is still open. Rules and sources: docs/cases.md "Cases".
//!
//! Statuses (a small set that holds for both kinds of case):
//!
//! ```text
//! criminal:        accepted (受案) ─┬─► filed (立案) ─┬─► closed (结案)
//!                                   │                └─► revoked (撤销案件)
//!                                   └─► not_filed (不予立案)
//! administrative:  accepted (受案) ─┬─► closed (结案: a decision was made)
//!                                   └─► revoked (撤销案件 / 终止调查)
//! ```
//!
//! An administrative case is investigated from acceptance (there is no 立案 decision); a
//! criminal case is investigated once filed. Closed, revoked and not filed are final.

use serde::{Deserialize, Serialize};

use crate::ids::{CaseId, CommentId, DeadlineId, PartyId, StepId};

jingwu_core::text_enum! {
    /// Criminal or administrative (public-security administration) case.
    pub enum CaseKind: "case kind" {
        /// Under the Criminal Procedure Law (刑事案件).
        Criminal = "criminal" ("刑事案件", "Criminal case"),
        /// Under the Public Security Administration Punishments Law (行政案件).
        Administrative = "administrative" ("行政案件", "Administrative case"),
    }
}

impl CaseKind {
    /// The first letter of the case number: `A` for criminal, `X` for administrative.
    pub const fn letter(self) -> char {
        match self {
            CaseKind::Criminal => 'A',
            CaseKind::Administrative => 'X',
        }
    }
}

jingwu_core::text_enum! {
    /// Where a case stands (see the module documentation for the moves).
    pub enum CaseStatus: "case status" {
        /// Accepted and registered (受案登记).
        Accepted = "accepted" ("已受案", "Accepted"),
        /// A criminal case filed for investigation (立案).
        Filed = "filed" ("已立案", "Filed"),
        /// Closed with a result (结案).
        Closed = "closed" ("已结案", "Closed"),
        /// Revoked (撤销案件; for an administrative case, the investigation ended).
        Revoked = "revoked" ("已撤案", "Revoked"),
        /// A criminal case not filed (不予立案).
        NotFiled = "not_filed" ("不予立案", "Not filed"),
    }
}

impl CaseStatus {
    /// Nothing moves a case on from here.
    pub const fn is_final(self) -> bool {
        matches!(
            self,
            CaseStatus::Closed | CaseStatus::Revoked | CaseStatus::NotFiled
        )
    }

    /// The move ends the case: the rule of [`may_close`] applies, and a reason may be kept.
    pub const fn ends_case(self) -> bool {
        self.is_final()
    }

    /// A reason must be given to move here.
    pub const fn needs_reason(self) -> bool {
        matches!(self, CaseStatus::Revoked | CaseStatus::NotFiled)
    }

    /// The step recorded when a case moves here.
    pub const fn step(self) -> StepKind {
        match self {
            CaseStatus::Accepted => StepKind::AcceptRegister,
            CaseStatus::Filed => StepKind::File,
            CaseStatus::Closed => StepKind::Close,
            CaseStatus::Revoked => StepKind::Revoke,
            CaseStatus::NotFiled => StepKind::NotFile,
        }
    }
}

/// May a case of `kind` move from `from` to `to`?
pub fn may_move(kind: CaseKind, from: CaseStatus, to: CaseStatus) -> bool {
    use CaseStatus::*;
    match kind {
        CaseKind::Criminal => matches!(
            (from, to),
            (Accepted, Filed) | (Accepted, NotFiled) | (Filed, Closed) | (Filed, Revoked)
        ),
        CaseKind::Administrative => matches!((from, to), (Accepted, Closed) | (Accepted, Revoked)),
    }
}

/// The part of a case number before its sequence: kind letter, the handling unit's org code
/// and the year the case was accepted (Beijing time). Each prefix counts its own sequence.
pub fn number_prefix(kind: CaseKind, org_code: &str, year: i16) -> String {
    format!("{}{org_code}{year:04}", kind.letter())
}

/// A case number: the prefix and a five-digit sequence (more digits only past 99 999), e.g.
/// `A33020501202600001` — the first criminal case Baisha station (33020501) accepted in 2026.
pub fn case_number(prefix: &str, seq: i64) -> String {
    format!("{prefix}{seq:05}")
}

/// The supervising legal office of a case handled at the last unit of `chain` (the org units
/// from the city down to the handling unit): the nearest district or county bureau (分局/县局)
/// at or above the handling unit, whose legal brigade (法制大队) reviews the station's cases;
/// the city bureau (法制支队) when there is none, i.e. for a case handled by the city itself.
pub fn supervising_office(
    chain: &[jingwu_core::records::OrgUnit],
) -> Option<&jingwu_core::records::OrgUnit> {
    chain
        .iter()
        .rev()
        .find(|o| o.kind == jingwu_core::OrgKind::District)
        .or_else(|| chain.first())
}

jingwu_core::text_enum! {
    /// How a person takes part in a case.
    pub enum PartyRole: "party role" {
        /// Suspect (犯罪嫌疑人 / 违法嫌疑人).
        Suspect = "suspect" ("嫌疑人", "Suspect"),
        /// Victim (被害人 / 被侵害人).
        Victim = "victim" ("被害人", "Victim"),
        Witness = "witness" ("证人", "Witness"),
        /// Who reported it (报案人 / 报警人).
        Reporter = "reporter" ("报案人", "Reporter"),
    }
}

jingwu_core::text_enum! {
    /// The document a person is identified by. Unknown identity is allowed and common (a
    /// suspect who will not say, a victim found unconscious): it is recorded as such.
    pub enum IdKind: "identity document kind" {
        /// Resident identity card (居民身份证), checked by GB 11643 (check digit, region,
        /// birth date).
        ResidentId = "resident_id" ("居民身份证", "Resident ID card"),
        Passport = "passport" ("护照", "Passport"),
        /// Any other document (港澳台通行证, 外国人永久居留身份证 …), number as written.
        Other = "other" ("其他证件", "Other document"),
        /// Not established yet: no number.
        Unknown = "unknown" ("身份不明", "Unknown"),
    }
}

/// Why an identity number is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdentityError {
    #[error("a number is required for this document")]
    Missing,
    #[error("an unknown identity has no number")]
    Unexpected,
    #[error("{0}")]
    ResidentId(String),
    #[error("a passport number is 5–20 letters and digits")]
    Passport,
    #[error("a document number is 1–40 letters, digits, spaces or dashes")]
    Other,
}

/// Checks the identity number given for `kind` and returns it normalised (upper case, no
/// surrounding blanks); `None` for an unknown identity. `today` (Beijing) bounds a resident
/// ID's birth date.
pub fn check_identity(
    kind: IdKind,
    number: Option<&str>,
    today: jiff::civil::Date,
) -> Result<Option<String>, IdentityError> {
    let number = number.map(str::trim).filter(|n| !n.is_empty());
    match (kind, number) {
        (IdKind::Unknown, None) => Ok(None),
        (IdKind::Unknown, Some(_)) => Err(IdentityError::Unexpected),
        (_, None) => Err(IdentityError::Missing),
        (IdKind::ResidentId, Some(n)) => {
            let today = (
                i32::from(today.year()),
                u32::from(today.month().unsigned_abs()),
                u32::from(today.day().unsigned_abs()),
            );
            jingwu_validate::ResidentId::parse(n, today)
                .map(|r| Some(r.as_str().to_owned()))
                .map_err(|e| IdentityError::ResidentId(e.to_string()))
        }
        (IdKind::Passport, Some(n)) => {
            let ok = (5..=20).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_alphanumeric());
            if ok {
                Ok(Some(n.to_ascii_uppercase()))
            } else {
                Err(IdentityError::Passport)
            }
        }
        (IdKind::Other, Some(n)) => {
            let ok = n.chars().count() <= 40
                && n.chars()
                    .all(|c| c.is_alphanumeric() || c == ' ' || c == '-');
            if ok {
                Ok(Some(n.to_uppercase()))
            } else {
                Err(IdentityError::Other)
            }
        }
    }
}

jingwu_core::text_enum! {
    /// A step of the procedure. The status moves record their own step (受案登记, 立案, 结案,
    /// 撤案, 不予立案); the others are recorded by the handler, each with its document if any.
    pub enum StepKind: "case step" {
        AcceptRegister = "accept_register" ("受案登记", "Case accepted and registered"),
        File = "file" ("立案", "Case filed"),
        Interrogation = "interrogation" ("讯问", "Interrogation of a suspect"),
        Questioning = "questioning" ("询问", "Questioning of a witness or victim"),
        Inspection = "inspection" ("勘验检查", "Scene inspection"),
        Appraisal = "appraisal" ("鉴定", "Forensic appraisal"),
        DetentionRequest = "detention_request" ("呈请拘留", "Request for detention"),
        ArrestRequest = "arrest_request" ("提请批准逮捕", "Request for approval of arrest"),
        ProsecutionTransfer = "prosecution_transfer" ("移送审查起诉", "Transfer for prosecution"),
        PenaltyDecision = "penalty_decision" ("行政处罚决定", "Administrative penalty decision"),
        Close = "close" ("结案", "Case closed"),
        Revoke = "revoke" ("撤案", "Case revoked"),
        NotFile = "not_file" ("不予立案", "Decision not to file"),
        Other = "other" ("其他", "Other"),
    }
}

impl StepKind {
    /// Recorded only by a move of the case's status, never on its own.
    pub const fn by_status(self) -> bool {
        matches!(
            self,
            StepKind::AcceptRegister
                | StepKind::File
                | StepKind::Close
                | StepKind::Revoke
                | StepKind::NotFile
        )
    }

    /// Does the step belong to a case of `kind`? Criminal procedure steps (讯问 aside, which
    /// both kinds use for a suspect) are not taken in an administrative case, nor an
    /// administrative penalty in a criminal one.
    pub const fn fits(self, kind: CaseKind) -> bool {
        match self {
            StepKind::DetentionRequest
            | StepKind::ArrestRequest
            | StepKind::ProsecutionTransfer => {
                matches!(kind, CaseKind::Criminal)
            }
            StepKind::PenaltyDecision => matches!(kind, CaseKind::Administrative),
            _ => true,
        }
    }
}

jingwu_core::text_enum! {
    /// What a legal supervisor writes on a case.
    pub enum CommentKind: "comment kind" {
        /// An opinion; nothing to answer.
        Comment = "comment" ("监督意见", "Comment"),
        /// A correction the handler must make and answer (整改要求); the case does not close
        /// while one is open.
        Correction = "correction" ("整改要求", "Required correction"),
    }
}

/// A document attached to a step: a content-addressed file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub sha256: String,
    pub name: String,
    pub media_type: String,
    pub bytes: i64,
}

/// A case.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    pub id: CaseId,
    pub number: String,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub title: String,
    /// The cause (案由), e.g. 盗窃.
    pub cause: String,
    pub summary: String,
    /// The handling unit.
    pub org_id: String,
    /// The supervising legal office.
    pub legal_org_id: String,
    pub handler_id: String,
    /// The legal supervisor assigned, if any.
    pub supervisor_id: Option<String>,
    /// The 110 incident it was opened from, if any.
    pub incident_id: Option<String>,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub occurred_at: Option<i64>,
    pub accepted_at: i64,
    pub filed_at: Option<i64>,
    /// When it reached a final status.
    pub closed_at: Option<i64>,
    pub close_reason: Option<String>,
    pub created_by: String,
    pub created_at: i64,
}

/// Where a case belongs: its units' paths (what access is decided on) and names, and its
/// handler's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePlace {
    pub org_path: String,
    pub org_name: String,
    pub legal_org_path: String,
    pub legal_org_name: String,
    pub handler_name: String,
}

/// A person in a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Party {
    pub id: PartyId,
    pub case_id: CaseId,
    pub role: PartyRole,
    pub name: String,
    pub id_kind: IdKind,
    /// Normalised by [`check_identity`]; `None` for an unknown identity.
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub address: String,
    pub note: String,
    pub added_by: String,
    pub added_at: i64,
}

/// A step of a case, with its document if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub id: StepId,
    pub case_id: CaseId,
    pub kind: StepKind,
    pub note: String,
    pub document: Option<Document>,
    pub by_id: String,
    pub at: i64,
}

/// A case deadline: a legal clock (a limit that applies to cases) started at `started_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub id: DeadlineId,
    pub case_id: CaseId,
    pub limit_code: String,
    pub started_at: i64,
    /// When the handler recorded it met (the clock stops).
    pub met_at: Option<i64>,
    pub note: String,
}

/// A supervision comment or required correction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    pub id: CommentId,
    pub case_id: CaseId,
    pub kind: CommentKind,
    pub text: String,
    pub by_id: String,
    pub at: i64,
    pub resolved_by: Option<String>,
    pub resolved_at: Option<i64>,
    /// The handler's answer.
    pub resolution: Option<String>,
}

impl Comment {
    /// A correction not answered yet.
    pub fn open_correction(&self) -> bool {
        self.kind == CommentKind::Correction && self.resolved_at.is_none()
    }
}

/// What is still open on a case when someone wants to end it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OpenWork {
    /// Required corrections not answered.
    pub corrections: usize,
    /// People still in a handling area for the case (custody records without exit).
    pub in_area: usize,
    /// Case deadlines whose clock still runs (not met).
    pub running_deadlines: usize,
}

/// Why a case cannot end yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CloseBlocked {
    #[error("{0} required correction(s) not answered")]
    CorrectionOpen(usize),
    #[error("{0} person(s) still in the handling area for this case")]
    PersonInArea(usize),
    #[error("{0} case deadline(s) still running: record them met first")]
    DeadlineRunning(usize),
}

/// A case does not end (close, revoke, not file) while a required correction is open, a
/// person is still in the handling area for it, or a deadline is running. Corrections are
/// reported first: the legal office's word comes before the rest.
pub fn may_close(open: &OpenWork) -> Result<(), CloseBlocked> {
    if open.corrections > 0 {
        Err(CloseBlocked::CorrectionOpen(open.corrections))
    } else if open.in_area > 0 {
        Err(CloseBlocked::PersonInArea(open.in_area))
    } else if open.running_deadlines > 0 {
        Err(CloseBlocked::DeadlineRunning(open.running_deadlines))
    } else {
        Ok(())
    }
}

/// Why a move of a case's status is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoveRefused {
    #[error("a {kind} case cannot move from {from} to {to}")]
    State {
        kind: &'static str,
        from: &'static str,
        to: &'static str,
    },
    #[error("a reason is required")]
    Reason,
    #[error(transparent)]
    Blocked(#[from] CloseBlocked),
}

/// The whole decision on a move of a case from `from` to `to` given what is still open: the
/// status machine, the reason, and (for a move that ends the case) [`may_close`].
pub fn decide_move(
    kind: CaseKind,
    from: CaseStatus,
    to: CaseStatus,
    reason: &str,
    open: &OpenWork,
) -> Result<(), MoveRefused> {
    if !may_move(kind, from, to) {
        return Err(MoveRefused::State {
            kind: kind.label_en(),
            from: from.label_en(),
            to: to.label_en(),
        });
    }
    if to.needs_reason() && reason.trim().is_empty() {
        return Err(MoveRefused::Reason);
    }
    if to.ends_case() {
        may_close(open)?;
    }
    Ok(())
}
