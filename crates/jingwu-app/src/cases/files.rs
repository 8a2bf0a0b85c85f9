//! Case files: open a case (its number counted in the same transaction), list the cases in
//! reach, the full file (an audited view), parties with checked identities, steps with their
//! documents (content-addressed, re-hashed on every download), case deadlines and their clocks,
//! and the status moves with the rule that a case does not end while something is open.
//!
//! A case is reached through its handling unit's subtree, or by legal supervisors through the
//! supervising legal office's (`jingwu_cases::policy::sees_case`); a refusal is audited
//! (`Cases::denied`): a role without the action gets 403, a case out of reach 404. The handling
//! unit and the legal office never change after opening, so access decided before a write
//! holds inside it.

use jingwu_cases::case::{
    self as rules, Case, CaseKind, CasePlace, CaseStatus, Comment, Deadline, Document, IdKind,
    MoveRefused, OpenWork, Party, PartyRole, Step, StepKind,
};
use jingwu_cases::clock::{Clock, ClockKind, ClockState};
use jingwu_cases::error_codes::{self as codes, field};
use jingwu_cases::ids::{CaseId, DeadlineId, PartyId, StepId};
use jingwu_cases::limits::{AppliesTo, LegalLimit};
use jingwu_cases::policy::sees_case;
use jingwu_core::{Action, Principal, Role, Scope, authorize, path_contains};
use jingwu_store::cases as q;

use super::Cases;
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result, Tx};

/// Largest document attached to a step.
pub const CASE_DOCUMENT_MAX_BYTES: usize = 20 * 1024 * 1024;

/// A case to open.
#[derive(Debug, Clone, Default)]
pub struct NewCase {
    pub kind: Option<CaseKind>,
    pub title: String,
    /// The cause (案由).
    pub cause: String,
    pub summary: String,
    /// The handling unit: the caller's own unless a unit of its subtree is named.
    pub org_id: Option<String>,
    pub address: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub occurred_at: Option<i64>,
    /// When it was accepted (now unless given; not in the future).
    pub accepted_at: Option<i64>,
    /// A legal supervisor who can see the case.
    pub supervisor_id: Option<String>,
    /// The 110 incident it comes from (set by the incident's use case, not by clients).
    pub incident_id: Option<String>,
}

/// A person to add to a case.
#[derive(Debug, Clone)]
pub struct NewParty {
    pub role: PartyRole,
    pub name: String,
    pub id_kind: IdKind,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub address: String,
    pub note: String,
}

/// A case deadline with its legal limit and its clock now.
#[derive(Debug, Clone)]
pub struct CaseDeadlineView {
    pub deadline: Deadline,
    pub limit: LegalLimit,
    /// Approved extensions, in minutes.
    pub extended_minutes: i64,
    pub clock: ClockState,
}

/// A case with where it belongs.
#[derive(Debug, Clone)]
pub struct CaseSummary {
    pub case: Case,
    pub place: CasePlace,
}

/// The whole case file.
#[derive(Debug, Clone)]
pub struct CaseFile {
    pub case: Case,
    pub place: CasePlace,
    pub parties: Vec<Party>,
    pub steps: Vec<Step>,
    pub deadlines: Vec<CaseDeadlineView>,
    pub comments: Vec<Comment>,
    /// What still keeps the case from ending.
    pub open: OpenWork,
}

/// What a list of cases asks for.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub statuses: Vec<CaseStatus>,
    pub kind: Option<CaseKind>,
    pub q: Option<String>,
    /// Only cases handled in this unit's subtree (it must be in the caller's).
    pub org_id: Option<String>,
}

/// An instant the caller gives for something that happened: not in the future.
pub(super) fn past(name: &str, at: i64, now: i64, errs: &mut Vec<FieldError>) {
    if at > now {
        errs.push(FieldError::new(name, field::TIME.code, "not in the future"));
    }
}

fn state_error(detail: impl Into<String>) -> AppError {
    AppError::Conflict {
        code: codes::CASE_STATE.code,
        detail: detail.into(),
    }
}

/// The event pages follow: the case changed.
pub(super) fn case_event(tx: &mut Tx, case_id: &CaseId, place: &CasePlace) {
    tx.publish(LiveEvent::Cases {
        kind: "case",
        id: case_id.to_string(),
        org_path: place.org_path.clone(),
    });
}

/// The case in the transaction (for its status now); it exists, access was decided before.
pub(super) async fn case_in(tx: &mut Tx, id: &CaseId) -> Result<(Case, CasePlace)> {
    q::case(tx.db(), id.as_str())
        .await?
        .ok_or(AppError::NotFound { what: "case" })
}

fn refuse_final(c: &Case) -> Result<()> {
    if c.status.is_final() {
        return Err(state_error(format!(
            "case {} is {}",
            c.number,
            c.status.label_en().to_lowercase()
        )));
    }
    Ok(())
}

impl Cases<'_> {
    /// `who` may take `action` somewhere (its role allows it); a refusal is audited on
    /// `object` at the caller's own unit.
    pub(super) async fn role_may(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        action: Action,
        object: (&'static str, &str),
    ) -> Result<()> {
        match authorize(who, action, Scope::Org(&who.org_path)) {
            Ok(()) => Ok(()),
            Err(d) => Err(self.denied(who, ctx, d, object, &who.org_path).await),
        }
    }

    /// The case `id` if `who` may take `action` on it. A role without the action gets 403
    /// before anything is looked up; a case out of reach 404, like a missing one. Refusals are
    /// audited.
    pub(super) async fn reach_case(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        id: &CaseId,
        action: Action,
    ) -> Result<(Case, CasePlace)> {
        self.role_may(who, ctx, action, ("case", id.as_str()))
            .await?;
        let mut conn = self.k().read().await?;
        let found = q::case(&mut conn, id.as_str()).await?;
        drop(conn);
        let (c, place) = found.ok_or(AppError::NotFound { what: "case" })?;
        if let Err(d) = sees_case(who, action, &place.org_path, &place.legal_org_path) {
            return Err(self
                .denied(who, ctx, d, ("case", id.as_str()), &place.org_path)
                .await);
        }
        Ok((c, place))
    }

    /// Opens a case handled by the caller (a case handler) at its own unit or a unit of its
    /// subtree. The supervising legal office is the nearest district bureau at or above the
    /// handling unit, or the city (`jingwu_cases::case::supervising_office`). The number is
    /// counted in the same transaction; the first step (受案登记) is recorded.
    pub async fn open_case(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        n: &NewCase,
    ) -> Result<CaseSummary> {
        let ready = self.prepare_case(who, ctx, n).await?;
        let c = self
            .k()
            .write(who, ctx, async |tx| {
                let c = insert_case(tx, who, &ready).await?;
                case_event(tx, &c.id, &ready.place);
                Ok(c)
            })
            .await?;
        self.case_summary(c, ready.place).await
    }

    /// Checks a case to open and decides where it belongs (handling unit, legal office,
    /// number prefix) before the write.
    pub(super) async fn prepare_case(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        n: &NewCase,
    ) -> Result<ReadyCase> {
        self.role_may(who, ctx, Action::HandleCases, ("case", ""))
            .await?;
        let now = self.now_us();
        let mut errs = Vec::new();
        let title = super::text(&mut errs, "title", &n.title, 1, 100);
        let cause = super::text(&mut errs, "cause", &n.cause, 1, 100);
        let summary = super::text(&mut errs, "summary", &n.summary, 0, 2000);
        let address = super::text(&mut errs, "address", &n.address, 0, 200);
        if n.kind.is_none() {
            errs.push(FieldError::new(
                "kind",
                field::CODE.code,
                "criminal or administrative",
            ));
        }
        match (n.lat, n.lon) {
            (None, None) => {}
            (Some(lat), Some(lon))
                if (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon) => {}
            _ => errs.push(FieldError::new(
                "lat",
                field::POSITION.code,
                "latitude and longitude within range, both or neither",
            )),
        }
        if let Some(at) = n.occurred_at {
            past("occurred_at", at, now, &mut errs);
        }
        let accepted_at = n.accepted_at.unwrap_or(now);
        past("accepted_at", accepted_at, now, &mut errs);
        crate::fields::no_errors(errs)?;
        let kind = n.kind.unwrap_or(CaseKind::Criminal);

        let org_id = n.org_id.clone().unwrap_or_else(|| who.org_id.clone());
        let mut conn = self.k().read().await?;
        let chain = q::org_chain(&mut conn, &org_id).await?;
        let Some(unit) = chain.last().cloned() else {
            return Err(AppError::invalid(
                "org_id",
                field::ORG.code,
                "no such org unit",
            ));
        };
        if let Err(d) = authorize(who, Action::HandleCases, Scope::Org(&unit.path)) {
            // A unit the caller named outside its subtree: 403 out_of_scope, audited.
            let e = self
                .denied(who, ctx, d, ("org_unit", unit.id.as_str()), &unit.path)
                .await;
            return Err(match e {
                AppError::NotFound { .. } => AppError::OutOfScope,
                e => e,
            });
        }
        let legal = rules::supervising_office(&chain)
            .cloned()
            .ok_or_else(|| AppError::Internal("the org chain is empty".into()))?;
        if let Some(s) = &n.supervisor_id {
            let user = jingwu_store::foundation::users::get(&mut conn, s).await?;
            let fits = user.is_some_and(|u| {
                u.user.role == Role::LegalSupervisor
                    && u.user.disabled_at.is_none()
                    && (path_contains(&u.org_path, &unit.path)
                        || path_contains(&u.org_path, &legal.path))
            });
            if !fits {
                return Err(AppError::invalid(
                    "supervisor_id",
                    field::SUPERVISOR.code,
                    "a legal supervisor over the handling unit or its legal office",
                ));
            }
        }
        drop(conn);
        let year = jingwu_core::calendar::local_date(accepted_at).year();
        let prefix = rules::number_prefix(kind, &unit.code, year);
        let place = CasePlace {
            org_path: unit.path.clone(),
            org_name: unit.name_zh.clone(),
            legal_org_path: legal.path.clone(),
            legal_org_name: legal.name_zh.clone(),
            handler_name: who.username.clone(),
        };
        Ok(ReadyCase {
            id: CaseId::new(),
            n: n.clone(),
            kind,
            title,
            cause,
            summary,
            address,
            accepted_at,
            unit_id: unit.id,
            legal_id: legal.id,
            prefix,
            place,
        })
    }

    /// The summary of a case just opened, with the handler's display name as the file shows
    /// it.
    pub(super) async fn case_summary(&self, c: Case, place: CasePlace) -> Result<CaseSummary> {
        let mut conn = self.k().read().await?;
        let place = q::case(&mut conn, c.id.as_str())
            .await?
            .map_or(place, |(_, p)| p);
        Ok(CaseSummary { case: c, place })
    }

    /// The cases in the caller's reach (handling unit's subtree; for legal supervisors also
    /// the cases their office supervises), most recently accepted first. A unit named in
    /// `org_id` must lie in the caller's subtree (403 `out_of_scope` otherwise).
    pub async fn cases(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        query: &CaseQuery,
    ) -> Result<Vec<CaseSummary>> {
        self.role_may(who, ctx, Action::ReadCases, ("case", ""))
            .await?;
        let mut conn = self.k().read().await?;
        let under = match &query.org_id {
            None => None,
            Some(org) => {
                let o = jingwu_store::foundation::orgs::get(&mut conn, org)
                    .await?
                    .ok_or_else(|| {
                        AppError::invalid("org_id", field::ORG.code, "no such org unit")
                    })?;
                if let Err(d) = authorize(who, Action::ReadCases, Scope::Org(&o.path)) {
                    drop(conn);
                    let e = self.denied(who, ctx, d, ("org_unit", org), &o.path).await;
                    return Err(match e {
                        AppError::NotFound { .. } => AppError::OutOfScope,
                        e => e,
                    });
                }
                Some(o.path)
            }
        };
        let reach = q::CaseReach {
            path: &who.org_path,
            legal: who.role == Role::LegalSupervisor,
        };
        let f = q::CaseFilter {
            statuses: &query.statuses,
            kind: query.kind,
            q: query.q.as_deref(),
            under: under.as_deref(),
        };
        let rows = q::cases_in_reach(&mut conn, reach, &f, 500).await?;
        Ok(rows
            .into_iter()
            .map(|(case, place)| CaseSummary { case, place })
            .collect())
    }

    /// The full case file: parties, steps and documents, deadlines with their clocks now,
    /// supervision comments, what is still open. Every look is recorded in the audit log.
    pub async fn case_file(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        id: &CaseId,
    ) -> Result<CaseFile> {
        let (c, place) = self.reach_case(who, ctx, id, Action::ReadCases).await?;
        let file = self.load_file(c, place).await?;
        self.k()
            .record_view(
                who,
                ctx,
                "cases.case.view",
                ("case", id.as_str()),
                &file.place.org_path,
            )
            .await?;
        Ok(file)
    }

    async fn load_file(&self, case: Case, place: CasePlace) -> Result<CaseFile> {
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let id = case.id.as_str();
        let parties = q::parties_of(&mut conn, id).await?;
        let steps = q::steps_of(&mut conn, id).await?;
        let comments = q::comments_of(&mut conn, id).await?;
        let open = q::open_work(&mut conn, id).await?;
        let mut deadlines = Vec::new();
        for d in q::deadlines_of(&mut conn, id).await? {
            deadlines.push(deadline_view(&mut conn, d, now).await?);
        }
        Ok(CaseFile {
            case,
            place,
            parties,
            steps,
            deadlines,
            comments,
            open,
        })
    }

    /// Adds a person to an open case; the identity number is checked by its document (a
    /// resident ID by GB 11643) — 422 `identity.invalid` on `id_number` otherwise. An unknown
    /// identity is recorded as such.
    pub async fn add_party(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        id: &CaseId,
        p: &NewParty,
    ) -> Result<Party> {
        let (_, place) = self.reach_case(who, ctx, id, Action::HandleCases).await?;
        let today = jingwu_core::calendar::local_date(self.now_us());
        let mut errs = Vec::new();
        let name = super::text(&mut errs, "name", &p.name, 1, 50);
        let address = super::text(&mut errs, "address", &p.address, 0, 200);
        let note = super::text(&mut errs, "note", &p.note, 0, 500);
        let id_number = match rules::check_identity(p.id_kind, p.id_number.as_deref(), today) {
            Ok(n) => n,
            Err(e) => {
                errs.push(FieldError::new(
                    "id_number",
                    field::IDENTITY.code,
                    e.to_string(),
                ));
                None
            }
        };
        let phone = p
            .phone
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        if let Some(ph) = &phone {
            let digits = ph.chars().filter(char::is_ascii_digit).count();
            let ok = (3..=20).contains(&digits)
                && ph.chars().count() <= 24
                && ph.chars().enumerate().all(|(i, c)| {
                    c.is_ascii_digit() || c == ' ' || c == '-' || (c == '+' && i == 0)
                });
            if !ok {
                errs.push(FieldError::new(
                    "phone",
                    field::PHONE.code,
                    "3–20 digits, spaces, dashes or a leading +",
                ));
            }
        }
        crate::fields::no_errors(errs)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (c, _) = case_in(tx, id).await?;
                refuse_final(&c)?;
                let party = Party {
                    id: PartyId::new(),
                    case_id: id.clone(),
                    role: p.role,
                    name: name.clone(),
                    id_kind: p.id_kind,
                    id_number: id_number.clone(),
                    phone: phone.clone(),
                    address: address.clone(),
                    note: note.clone(),
                    added_by: who.user_id.clone(),
                    added_at: tx.now_us(),
                };
                q::insert_party(tx.db(), &party).await?;
                tx.audit(
                    "cases.party.add",
                    ("case", id.as_str()),
                    &place.org_path,
                    serde_json::json!({ "party_id": party.id, "role": party.role,
                        "name": party.name, "id_kind": party.id_kind,
                        "id_number": party.id_number }),
                )
                .await?;
                case_event(tx, id, &place);
                Ok(party)
            })
            .await
    }

    /// Records a step of an open case, with a document when one is given (PDF, JPEG or PNG,
    /// at most 20 MiB, the type read from the content). The document is stored under its
    /// SHA-256 before the write, and only after the case was found in reach.
    pub async fn add_step(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        id: &CaseId,
        kind: StepKind,
        note: &str,
        document: Option<(String, Vec<u8>)>,
    ) -> Result<Step> {
        let (c, place) = self.reach_case(who, ctx, id, Action::HandleCases).await?;
        let mut errs = Vec::new();
        let note = super::text(&mut errs, "note", note, 0, 500);
        if kind.by_status() {
            errs.push(FieldError::new(
                "kind",
                field::CODE.code,
                "recorded by a change of the case's status",
            ));
        } else if !kind.fits(c.kind) {
            errs.push(FieldError::new(
                "kind",
                field::CODE.code,
                format!("not a step of a {} case", c.kind.label_en().to_lowercase()),
            ));
        }
        crate::fields::no_errors(errs)?;
        let document = match document {
            None => None,
            Some((name, data)) => Some(self.store_document(&name, data).await?),
        };
        self.k()
            .write(who, ctx, async |tx| {
                let (c, _) = case_in(tx, id).await?;
                refuse_final(&c)?;
                let step = Step {
                    id: StepId::new(),
                    case_id: id.clone(),
                    kind,
                    note: note.clone(),
                    document: document.clone(),
                    by_id: who.user_id.clone(),
                    at: tx.now_us(),
                };
                q::insert_step(tx.db(), &step).await?;
                tx.audit(
                    "cases.step.add",
                    ("case", id.as_str()),
                    &place.org_path,
                    serde_json::json!({ "step_id": step.id, "kind": step.kind, "note": step.note,
                        "document": step.document.as_ref().map(|d| serde_json::json!({
                            "sha256": d.sha256, "name": d.name, "media_type": d.media_type,
                            "bytes": d.bytes })) }),
                )
                .await?;
                case_event(tx, id, &place);
                Ok(step)
            })
            .await
    }

    /// Checks and stores a document's bytes (slow work, before any transaction).
    async fn store_document(&self, name: &str, data: Vec<u8>) -> Result<Document> {
        let Some(media_type) = sniff(&data) else {
            return Err(AppError::Unprocessable {
                code: codes::DOCUMENT_REJECTED.code,
                detail: "a PDF, JPEG or PNG file is taken (read from its content)".into(),
            });
        };
        if data.len() > CASE_DOCUMENT_MAX_BYTES {
            return Err(AppError::Unprocessable {
                code: codes::DOCUMENT_REJECTED.code,
                detail: format!("at most {} MiB", CASE_DOCUMENT_MAX_BYTES / 1024 / 1024),
            });
        }
        let name: String = name
            .chars()
            .filter(|c| !c.is_control() && !matches!(c, '/' | '\\'))
            .take(100)
            .collect();
        let bytes = i64::try_from(data.len()).unwrap_or(i64::MAX);
        let blobs = self.state().blobs.clone();
        let sha256 = tokio::task::spawn_blocking(move || blobs.put(&data))
            .await
            .map_err(|e| AppError::Internal(format!("document store: {e}")))?
            .map_err(|e| AppError::Internal(format!("document store: {e}")))?;
        Ok(Document {
            name: if name.trim().is_empty() {
                format!("{}.{}", &sha256[..12], extension(media_type))
            } else {
                name
            },
            sha256,
            media_type: media_type.to_owned(),
            bytes,
        })
    }

    /// A document of the case: its bytes are hashed again and compared with the SHA-256
    /// recorded when it was attached. A mismatch (or a missing file) is answered 409
    /// `integrity_failed` and recorded in the audit log; a good read is an audited view.
    pub async fn case_document(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        id: &CaseId,
        sha256: &str,
    ) -> Result<(Document, Vec<u8>)> {
        let (_, place) = self.reach_case(who, ctx, id, Action::ReadCases).await?;
        if !jingwu_store::uploads::blobs::is_sha256_hex(sha256) {
            return Err(AppError::invalid(
                "sha256",
                field::SHA256.code,
                "64 lowercase hexadecimal digits",
            ));
        }
        let mut conn = self.k().read().await?;
        let doc = q::case_document(&mut conn, id.as_str(), sha256)
            .await?
            .ok_or(AppError::NotFound { what: "document" })?;
        drop(conn);
        let read = self.read_blob(&doc.sha256).await?;
        let (data, actual) = match read {
            Some((data, actual)) if actual == doc.sha256 => (data, actual),
            other => {
                let found = match &other {
                    Some((data, actual)) => {
                        serde_json::json!({ "sha256": actual, "bytes": data.len() })
                    }
                    None => serde_json::json!({ "error": "missing" }),
                };
                let detail = serde_json::json!({ "sha256": doc.sha256, "name": doc.name,
                    "found": found });
                self.k()
                    .write(who, ctx, async |tx| {
                        tx.audit(
                            "cases.document.integrity_failed",
                            ("case", id.as_str()),
                            &place.org_path,
                            detail.clone(),
                        )
                        .await
                    })
                    .await?;
                return Err(AppError::Conflict {
                    code: codes::INTEGRITY_FAILED.code,
                    detail: format!(
                        "the stored file of {} does not match its SHA-256 {}",
                        doc.name, doc.sha256
                    ),
                });
            }
        };
        self.k()
            .write(who, ctx, async |tx| {
                tx.audit(
                    "cases.document.view",
                    ("case", id.as_str()),
                    &place.org_path,
                    serde_json::json!({ "sha256": actual, "name": doc.name }),
                )
                .await
            })
            .await?;
        Ok((doc, data))
    }

    /// Starts a case deadline under a legal limit that applies to cases, from `started_at`
    /// (not in the future).
    pub async fn start_deadline(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        id: &CaseId,
        limit_code: &str,
        started_at: i64,
        note: &str,
    ) -> Result<CaseDeadlineView> {
        let (_, place) = self.reach_case(who, ctx, id, Action::HandleCases).await?;
        let mut errs = Vec::new();
        let note = super::text(&mut errs, "note", note, 0, 500);
        past("started_at", started_at, self.now_us(), &mut errs);
        crate::fields::no_errors(errs)?;
        let d = self
            .k()
            .write(who, ctx, async |tx| {
                let (c, _) = case_in(tx, id).await?;
                refuse_final(&c)?;
                let limit = q::legal_limit(tx.db(), limit_code).await?.ok_or_else(|| {
                    AppError::Unprocessable {
                        code: codes::LIMIT_UNKNOWN.code,
                        detail: format!("no legal time limit {limit_code:?}"),
                    }
                })?;
                if limit.applies_to != AppliesTo::Case {
                    return Err(AppError::invalid(
                        "limit_code",
                        field::CODE.code,
                        "not a limit of case deadlines",
                    ));
                }
                let d = Deadline {
                    id: DeadlineId::new(),
                    case_id: id.clone(),
                    limit_code: limit.code.clone(),
                    started_at,
                    met_at: None,
                    note: note.clone(),
                };
                q::insert_deadline(tx.db(), &d).await?;
                tx.audit(
                    "cases.deadline.start",
                    ("case", id.as_str()),
                    &place.org_path,
                    serde_json::json!({ "deadline_id": d.id, "limit": d.limit_code,
                        "basis": limit.basis(), "started_at": d.started_at, "note": d.note }),
                )
                .await?;
                case_event(tx, id, &place);
                Ok(d)
            })
            .await?;
        let mut conn = self.k().read().await?;
        deadline_view(&mut conn, d, self.now_us()).await
    }

    /// Records a case deadline met: its clock stops. Once only.
    pub async fn meet_deadline(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        id: &CaseId,
        deadline_id: &DeadlineId,
    ) -> Result<CaseDeadlineView> {
        let (_, place) = self.reach_case(who, ctx, id, Action::HandleCases).await?;
        let d = self
            .k()
            .write(who, ctx, async |tx| {
                let d = q::deadline(tx.db(), deadline_id.as_str())
                    .await?
                    .filter(|d| d.case_id == *id)
                    .ok_or(AppError::NotFound { what: "deadline" })?;
                let now = tx.now_us();
                if !q::meet_deadline(tx.db(), deadline_id.as_str(), now).await? {
                    return Err(AppError::Conflict {
                        code: codes::DEADLINE_MET.code,
                        detail: "the deadline was recorded met already".into(),
                    });
                }
                tx.audit(
                    "cases.deadline.met",
                    ("case", id.as_str()),
                    &place.org_path,
                    serde_json::json!({ "deadline_id": d.id, "limit": d.limit_code }),
                )
                .await?;
                case_event(tx, id, &place);
                Ok(Deadline {
                    met_at: Some(now),
                    ..d
                })
            })
            .await?;
        let mut conn = self.k().read().await?;
        deadline_view(&mut conn, d, self.now_us()).await
    }

    /// Moves a case (file, close, revoke, not file) by its status machine. A move that ends
    /// the case is refused while a required correction is open (409 `correction_open`), a
    /// person is still in the handling area for it or a deadline runs (409 `case_state`).
    /// Revoking and not filing need a reason; closing may give one (the result).
    pub async fn move_case(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        id: &CaseId,
        to: CaseStatus,
        reason: &str,
    ) -> Result<CaseSummary> {
        let (_, place) = self.reach_case(who, ctx, id, Action::HandleCases).await?;
        let mut errs = Vec::new();
        let reason = super::text(&mut errs, "reason", reason, 0, 500);
        crate::fields::no_errors(errs)?;
        let c = self
            .k()
            .write(who, ctx, async |tx| {
                let (c, _) = case_in(tx, id).await?;
                let open = q::open_work(tx.db(), id.as_str()).await?;
                rules::decide_move(c.kind, c.status, to, &reason, &open).map_err(|e| match e {
                    MoveRefused::Reason => AppError::invalid("reason", field::TEXT.code, "say why"),
                    MoveRefused::Blocked(b @ rules::CloseBlocked::CorrectionOpen(_)) => {
                        AppError::Conflict {
                            code: codes::CORRECTION_OPEN.code,
                            detail: b.to_string(),
                        }
                    }
                    e => state_error(e.to_string()),
                })?;
                let now = tx.now_us();
                let kept = (!reason.is_empty() && to.is_final()).then_some(reason.as_str());
                if !q::move_case(tx.db(), id.as_str(), c.status, to, now, kept).await? {
                    return Err(state_error("the case changed just now"));
                }
                let step = Step {
                    id: StepId::new(),
                    case_id: id.clone(),
                    kind: to.step(),
                    note: reason.clone(),
                    document: None,
                    by_id: who.user_id.clone(),
                    at: now,
                };
                q::insert_step(tx.db(), &step).await?;
                tx.audit(
                    "cases.case.status",
                    ("case", id.as_str()),
                    &place.org_path,
                    serde_json::json!({ "from": c.status, "to": to, "reason": reason }),
                )
                .await?;
                case_event(tx, id, &place);
                let filed_at = if to == CaseStatus::Filed {
                    Some(now)
                } else {
                    c.filed_at
                };
                Ok(Case {
                    status: to,
                    filed_at,
                    closed_at: to.is_final().then_some(now),
                    close_reason: kept.map(str::to_owned),
                    ..c
                })
            })
            .await?;
        Ok(CaseSummary { case: c, place })
    }
}

/// A deadline with its limit and its clock at `now`.
/// A case checked and placed, ready to be written.
#[derive(Debug, Clone)]
pub(super) struct ReadyCase {
    id: CaseId,
    n: NewCase,
    kind: CaseKind,
    title: String,
    cause: String,
    summary: String,
    address: String,
    accepted_at: i64,
    unit_id: String,
    pub(super) legal_id: String,
    prefix: String,
    pub(super) place: CasePlace,
}

/// Writes a prepared case and its first step (受案登记) in `tx`, numbered in the same
/// transaction, with its audit entry.
pub(super) async fn insert_case(tx: &mut Tx, who: &Principal, r: &ReadyCase) -> Result<Case> {
    let seq = q::next_case_seq(tx.db(), &r.prefix).await?;
    let c = Case {
        id: r.id.clone(),
        number: rules::case_number(&r.prefix, seq),
        kind: r.kind,
        status: CaseStatus::Accepted,
        title: r.title.clone(),
        cause: r.cause.clone(),
        summary: r.summary.clone(),
        org_id: r.unit_id.clone(),
        legal_org_id: r.legal_id.clone(),
        handler_id: who.user_id.clone(),
        supervisor_id: r.n.supervisor_id.clone(),
        incident_id: r.n.incident_id.clone(),
        address: r.address.clone(),
        lat: r.n.lat,
        lon: r.n.lon,
        occurred_at: r.n.occurred_at,
        accepted_at: r.accepted_at,
        filed_at: None,
        closed_at: None,
        close_reason: None,
        created_by: who.user_id.clone(),
        created_at: tx.now_us(),
    };
    q::insert_case(tx.db(), &c).await.map_err(|e| {
        if e.is_unique_violation() && c.incident_id.is_some() {
            AppError::Conflict {
                code: codes::CASE_EXISTS_FOR_INCIDENT.code,
                detail: "a case was opened from this incident already".into(),
            }
        } else {
            e.into()
        }
    })?;
    let step = Step {
        id: StepId::new(),
        case_id: r.id.clone(),
        kind: StepKind::AcceptRegister,
        note: String::new(),
        document: None,
        by_id: who.user_id.clone(),
        at: tx.now_us(),
    };
    q::insert_step(tx.db(), &step).await?;
    tx.audit(
        "cases.case.open",
        ("case", r.id.as_str()),
        &r.place.org_path,
        serde_json::json!({ "number": c.number, "kind": c.kind, "title": c.title,
                "cause": c.cause, "org_id": c.org_id, "legal_org_id": c.legal_org_id,
                "supervisor_id": c.supervisor_id, "incident_id": c.incident_id }),
    )
    .await?;
    Ok(c)
}

pub(super) async fn deadline_view(
    conn: &mut impl jingwu_store::Conn,
    d: Deadline,
    now: i64,
) -> Result<CaseDeadlineView> {
    let limit = q::legal_limit(conn, &d.limit_code)
        .await?
        .ok_or_else(|| AppError::Internal(format!("legal limit {} is gone", d.limit_code)))?;
    let extended_minutes = q::approved_minutes(conn, ClockKind::Deadline, d.id.as_str()).await?;
    let clock = Clock {
        limit: &limit,
        started_at: d.started_at,
        extended_minutes,
        stopped_at: d.met_at,
    }
    .at(now);
    Ok(CaseDeadlineView {
        deadline: d,
        limit,
        extended_minutes,
        clock,
    })
}

/// The media type of a document from its first bytes (never from what the client says).
fn sniff(data: &[u8]) -> Option<&'static str> {
    if data.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if data.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if data.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else {
        None
    }
}

fn extension(media_type: &str) -> &'static str {
    match media_type {
        "application/pdf" => "pdf",
        "image/jpeg" => "jpg",
        _ => "png",
    }
}
