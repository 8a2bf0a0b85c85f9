//! Legal supervision (法制监督): legal supervisors write comments and required corrections on
//! the cases in their reach; the handler answers a correction (once: a conditional update, so
//! two answers racing each other leave one); and the supervision view lists, in the caller's
//! reach, the legal clocks in warning or overdue, the open corrections and the flagged evidence
//! items.

use jingwu_cases::case::{Comment, CommentKind};
use jingwu_cases::clock::{Clock, ClockFacts, ClockState};
use jingwu_cases::error_codes as codes;
use jingwu_cases::ids::{CaseId, CommentId};
use jingwu_cases::limits::LegalLimit;
use jingwu_cases::policy::sees_case;
use jingwu_core::{Action, Principal, Role};
use jingwu_store::cases as q;

pub use jingwu_store::cases::{CaseLabel, FlaggedItem};

use super::Cases;
use super::files::{case_event, case_in};
use crate::{AppError, FieldError, RequestCtx, Result};

/// A running legal clock that has reached a warning or run out.
#[derive(Debug, Clone)]
pub struct AlertingClock {
    pub facts: ClockFacts,
    pub limit: LegalLimit,
    pub extended_minutes: i64,
    pub state: ClockState,
    /// The case it belongs to, if any (a person may be in the area before a case exists).
    pub case: Option<CaseLabel>,
}

/// What a legal supervisor (or a handler, for its own cases) keeps an eye on.
#[derive(Debug, Clone)]
pub struct SupervisionView {
    /// Running clocks in warning or overdue, the soonest due first.
    pub clocks: Vec<AlertingClock>,
    /// Corrections not answered yet, oldest first.
    pub corrections: Vec<(Comment, CaseLabel)>,
    /// Evidence items flagged for attention, by case.
    pub flagged: Vec<FlaggedItem>,
}

impl Cases<'_> {
    /// A legal supervisor's comment, or a correction the handler must answer before the case
    /// may end. Comments are welcome on a closed case (review after closing); a correction
    /// only on a case that is still open.
    pub async fn add_comment(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        id: &CaseId,
        kind: CommentKind,
        text_in: &str,
    ) -> Result<Comment> {
        let (_, place) = self
            .reach_case(who, ctx, id, Action::SuperviseCases)
            .await?;
        let mut errs: Vec<FieldError> = Vec::new();
        let body = super::text(&mut errs, "text", text_in, 1, 1000);
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        self.k()
            .write(who, ctx, async |tx| {
                let (c, _) = case_in(tx, id).await?;
                if kind == CommentKind::Correction && c.status.is_final() {
                    return Err(AppError::Conflict {
                        code: codes::CASE_STATE.code,
                        detail: format!(
                            "case {} is {}: corrections are for open cases",
                            c.number,
                            c.status.label_en().to_lowercase()
                        ),
                    });
                }
                let comment = Comment {
                    id: CommentId::new(),
                    case_id: id.clone(),
                    kind,
                    text: body.clone(),
                    by_id: who.user_id.clone(),
                    at: tx.now_us(),
                    resolved_by: None,
                    resolved_at: None,
                    resolution: None,
                };
                q::insert_comment(tx.db(), &comment).await?;
                tx.audit(
                    "cases.comment.add",
                    ("case", id.as_str()),
                    &place.org_path,
                    serde_json::json!({ "comment_id": comment.id, "kind": kind,
                        "text": comment.text }),
                )
                .await?;
                case_event(tx, id, &place);
                Ok(comment)
            })
            .await
    }

    /// The handler answers a required correction; it is resolved once (a second answer, even
    /// a concurrent one, gets 409 `correction_answered`).
    pub async fn resolve_correction(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        comment_id: &CommentId,
        resolution: &str,
    ) -> Result<Comment> {
        self.role_may(
            who,
            ctx,
            Action::HandleCases,
            ("case_comment", comment_id.as_str()),
        )
        .await?;
        let mut conn = self.k().read().await?;
        let found = q::comment(&mut conn, comment_id.as_str()).await?;
        drop(conn);
        let c = found.ok_or(AppError::NotFound { what: "comment" })?;
        let (_, place) = self
            .reach_case(who, ctx, &c.case_id, Action::HandleCases)
            .await
            .map_err(|e| match e {
                AppError::NotFound { .. } => AppError::NotFound { what: "comment" },
                e => e,
            })?;
        let mut errs: Vec<FieldError> = Vec::new();
        let answer = super::text(&mut errs, "resolution", resolution, 1, 1000);
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
        let case_id = c.case_id.clone();
        self.k()
            .write(who, ctx, async |tx| {
                let now = tx.now_us();
                if !q::resolve_correction(tx.db(), comment_id.as_str(), &who.user_id, now, &answer)
                    .await?
                {
                    return Err(AppError::Conflict {
                        code: codes::CORRECTION_ANSWERED.code,
                        detail: if c.kind == CommentKind::Correction {
                            "the correction was answered already".into()
                        } else {
                            "a comment needs no answer".into()
                        },
                    });
                }
                tx.audit(
                    "cases.correction.resolve",
                    ("case", case_id.as_str()),
                    &place.org_path,
                    serde_json::json!({ "comment_id": comment_id, "resolution": answer }),
                )
                .await?;
                case_event(tx, &case_id, &place);
                Ok(Comment {
                    resolved_by: Some(who.user_id.clone()),
                    resolved_at: Some(now),
                    resolution: Some(answer.clone()),
                    ..c.clone()
                })
            })
            .await
    }

    /// The supervision view of the caller's reach: legal clocks (custody measures and case
    /// deadlines) in warning or overdue, unanswered corrections, flagged evidence items.
    pub async fn supervision(&self, who: &Principal, ctx: &RequestCtx) -> Result<SupervisionView> {
        self.role_may(who, ctx, Action::ReadCases, ("case", ""))
            .await?;
        let now = self.now_us();
        let mut conn = self.k().read().await?;
        let limits = q::legal_limits(&mut conn).await?;
        let mut clocks = Vec::new();
        for facts in q::running_clocks(&mut conn).await? {
            if sees_case(
                who,
                Action::ReadCases,
                &facts.org_path,
                &facts.legal_org_path,
            )
            .is_err()
            {
                continue;
            }
            let Some(limit) = limits.iter().find(|l| l.code == facts.limit_code) else {
                continue;
            };
            let extended_minutes = q::approved_minutes(&mut conn, facts.kind, &facts.id).await?;
            let state = Clock {
                limit,
                started_at: facts.started_at,
                extended_minutes,
                stopped_at: facts.stopped_at,
            }
            .at(now);
            if state.alert.is_none() {
                continue;
            }
            let case = match &facts.case_id {
                Some(c) => q::case_label(&mut conn, c).await?,
                None => None,
            };
            clocks.push(AlertingClock {
                facts,
                limit: limit.clone(),
                extended_minutes,
                state,
                case,
            });
        }
        clocks.sort_by_key(|c| (c.state.due_at, c.facts.id.clone()));
        let reach = q::CaseReach {
            path: &who.org_path,
            legal: who.role == Role::LegalSupervisor,
        };
        let corrections = q::open_corrections(&mut conn, reach, 500).await?;
        let flagged = q::flagged_items(&mut conn, reach, 500).await?;
        Ok(SupervisionView {
            clocks,
            corrections,
            flagged,
        })
    }
}
