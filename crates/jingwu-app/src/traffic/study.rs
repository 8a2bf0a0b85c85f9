//! Point-reduction study: a timed quiz drawn from the question bank; passing it reduces points
//! (order163) or earns a voucher to apply to a decided violation (ningbo2016). The profile
//! decides; every refusal names the rule that refused.

use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_store::Conn;
use jingwu_store::traffic as q;
use jingwu_traffic::Points;
use jingwu_traffic::error_codes::{self as codes, field};
use jingwu_traffic::points::{Reduction, ReductionMethod};
use jingwu_traffic::quiz::{self, Question};
use jingwu_traffic::records::{
    Licence, Quiz, QuizId, ReductionId, ReductionRecord, ViolationId, Voucher, VoucherId,
};
use jingwu_traffic::reduction::{Exclusions, Profile, ReductionRequest, Refusal};
use jingwu_traffic::violations::ViolationStatus;

use super::Traffic;
use super::violations::{decisions, points_of};
use crate::{AppError, RequestCtx, Result};

/// A quiz as the driver sees it: the questions without their answers.
#[derive(Debug, Clone)]
pub struct QuizView {
    pub quiz: Quiz,
    pub questions: Vec<&'static Question>,
}

#[derive(Debug, Clone)]
pub struct QuizAnswers {
    pub answers: Vec<u8>,
}

/// What passing (or failing) a quiz brought.
#[derive(Debug, Clone)]
pub struct QuizOutcome {
    pub quiz: Quiz,
    pub pass_mark: usize,
    pub reduction: Option<ReductionOutcome>,
    pub voucher: Option<Voucher>,
    /// Why a passed quiz earned nothing.
    pub refusal: Option<Refusal>,
}

#[derive(Debug, Clone)]
pub struct ReductionOutcome {
    pub record: ReductionRecord,
    pub licence: Licence,
    pub points: Points,
}

/// The exclusion facts of a driver (traffic.md §2) as far as the registry knows them.
async fn exclusions(
    db: &mut impl Conn,
    l: &Licence,
    today: jiff::civil::Date,
) -> Result<Exclusions> {
    let cycle = jingwu_traffic::cycle_on(l.first_issued_on, today);
    // Offences of the last three cycles: decided from the start of cycle n−2.
    let since = match cycle {
        Some(c) if c.index >= 2 => {
            jingwu_traffic::cycle::Cycle::nth(l.first_issued_on, c.index - 2).start
        }
        _ => l.first_issued_on,
    };
    let serious = q::decisions_on(db, l.id.as_str()).await?.iter().any(|v| {
        v.status != ViolationStatus::Revoked
            && v.served_on.is_some_and(|d| d >= since)
            && jingwu_traffic::violations::code(&v.code).is_some_and(|c| c.serious)
    });
    let vehicle_overdue = q::vehicles_of(db, &l.resident_id)
        .await?
        .iter()
        .any(|(v, _)| v.inspection_due_on < today);
    Ok(Exclusions {
        full_score_records_recent: l.full_score_count,
        serious_offence_recent: serious,
        licence_status: l.status,
        in_probation: today < l.first_issued_on.saturating_add(jiff::Span::new().years(1)),
        review_overdue: false,
        vehicle_overdue,
        fraud_recent: false,
    })
}

fn cycle_reductions(rs: &[ReductionRecord], p: &Points) -> Vec<Reduction> {
    rs.iter()
        .filter(|r| r.granted_on >= p.cycle.start && r.granted_on < p.cycle.end)
        .map(|r| Reduction {
            points: r.points,
            granted_on: r.granted_on,
            method: r.method,
        })
        .collect()
}

fn refused(r: Refusal) -> AppError {
    AppError::Conflict {
        code: codes::REDUCTION_REFUSED.code,
        detail: format!("{}: {}", r.rule.as_str(), r.rule.label_en()),
    }
}

impl Traffic<'_> {
    /// Starts a timed quiz for the caller.
    pub async fn start_quiz(&self, who: &Principal, ctx: &RequestCtx) -> Result<QuizView> {
        authorize(
            who,
            Action::DriverSelfService,
            Scope::Owner {
                owner_id: &who.user_id,
                org_path: "",
            },
        )
        .map_err(AppError::denied_scope)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (_, licence) = super::citizen_of(tx.db(), who).await?;
                let (licence, path) = licence.ok_or(AppError::NotFound { what: "licence" })?;
                let now = tx.now_us();
                let id = QuizId::new();
                let seed = u64::from_str_radix(&id.as_str().replace('-', "")[16..32], 16)
                    .unwrap_or(now as u64);
                let questions = quiz::draw(seed, quiz::QUIZ_LEN);
                let qz = Quiz {
                    id,
                    licence_id: licence.id.clone(),
                    question_ids: questions.iter().map(|q| q.id.to_owned()).collect(),
                    started_at: now,
                    expires_at: now + quiz::QUIZ_MINUTES * 60_000_000,
                    submitted_at: None,
                    score: None,
                    passed: None,
                };
                q::insert_quiz(tx.db(), &qz).await?;
                tx.audit(
                    "traffic.quiz.start",
                    ("quiz", qz.id.as_str()),
                    &path,
                    serde_json::json!({ "questions": qz.question_ids }),
                )
                .await?;
                Ok(QuizView {
                    quiz: qz,
                    questions,
                })
            })
            .await
    }

    /// Submits the answers of a quiz once, before it expires. A pass earns what the profile
    /// gives: points off (order163) or a voucher (ningbo2016) — or the rule that refused.
    pub async fn submit_quiz(
        &self,
        who: &Principal,
        id: &QuizId,
        a: &QuizAnswers,
        ctx: &RequestCtx,
    ) -> Result<QuizOutcome> {
        if a.answers.len() != quiz::QUIZ_LEN {
            return Err(AppError::invalid(
                "answers",
                field::ANSWERS.code,
                format!("{} answers, one per question", quiz::QUIZ_LEN),
            ));
        }
        let profile = self.config().profile;
        let today = self.today();
        self.k()
            .write(who, ctx, async |tx| {
                let (_, licence) = super::citizen_of(tx.db(), who).await?;
                let (licence, path) = licence.ok_or(AppError::NotFound { what: "quiz" })?;
                let qz = q::quiz(tx.db(), id.as_str())
                    .await?
                    .filter(|qz| qz.licence_id == licence.id)
                    .ok_or(AppError::NotFound { what: "quiz" })?;
                if qz.submitted_at.is_some() {
                    return Err(AppError::Conflict {
                        code: codes::QUIZ_DONE.code,
                        detail: "the quiz was submitted already".into(),
                    });
                }
                let now = tx.now_us();
                if now > qz.expires_at {
                    return Err(AppError::Conflict {
                        code: codes::QUIZ_EXPIRED.code,
                        detail: "the time for this quiz is over".into(),
                    });
                }
                let questions: Vec<&Question> = qz
                    .question_ids
                    .iter()
                    .filter_map(|i| quiz::question(i))
                    .collect();
                let score = quiz::score(&questions, &a.answers);
                let passed = score >= quiz::PASS_MARK;
                if !q::submit_quiz(tx.db(), qz.id.as_str(), now, score as u32, passed).await? {
                    return Err(AppError::Conflict {
                        code: codes::QUIZ_DONE.code,
                        detail: "the quiz was submitted already".into(),
                    });
                }
                let mut out = QuizOutcome {
                    quiz: Quiz {
                        submitted_at: Some(now),
                        score: Some(score as u32),
                        passed: Some(passed),
                        ..qz.clone()
                    },
                    pass_mark: quiz::PASS_MARK,
                    reduction: None,
                    voucher: None,
                    refusal: None,
                };
                if passed {
                    let points = points_of(tx.db(), &licence, today).await?;
                    let ex = exclusions(tx.db(), &licence, today).await?;
                    match profile {
                        Profile::Order163 => {
                            let rs = q::reductions_on(tx.db(), licence.id.as_str()).await?;
                            let cycle_rs = cycle_reductions(&rs, &points);
                            match jingwu_traffic::reduction::decide(&ReductionRequest {
                                profile,
                                method: ReductionMethod::OnlineStudy,
                                points: &points,
                                cycle_reductions: &cycle_rs,
                                exclusions: &ex,
                                target: None,
                                target_reduced: 0,
                            }) {
                                Ok(granted) => {
                                    let record = ReductionRecord {
                                        id: ReductionId::new(),
                                        licence_id: licence.id.clone(),
                                        points: granted,
                                        method: ReductionMethod::OnlineStudy,
                                        profile,
                                        granted_on: today,
                                        granted_at: now,
                                        violation_id: None,
                                        source_id: Some(qz.id.as_str().to_owned()),
                                    };
                                    q::insert_reduction(tx.db(), &record).await?;
                                    let points = points_of(tx.db(), &licence, today).await?;
                                    out.reduction = Some(ReductionOutcome {
                                        record,
                                        licence: licence.clone(),
                                        points,
                                    });
                                }
                                Err(r) => out.refusal = Some(r),
                            }
                        }
                        Profile::Ningbo2016 => {
                            let issued = q::vouchers_on(tx.db(), licence.id.as_str())
                                .await?
                                .iter()
                                .filter(|v| v.cycle_index == points.cycle.index)
                                .count() as u32;
                            match jingwu_traffic::reduction::voucher_may_issue(profile, issued) {
                                Ok(value) => {
                                    let v = Voucher {
                                        id: VoucherId::new(),
                                        licence_id: licence.id.clone(),
                                        value,
                                        cycle_index: points.cycle.index,
                                        quiz_id: qz.id.clone(),
                                        issued_at: now,
                                        applied_to: None,
                                        applied_at: None,
                                    };
                                    q::insert_voucher(tx.db(), &v).await?;
                                    out.voucher = Some(v);
                                }
                                Err(r) => out.refusal = Some(r),
                            }
                        }
                    }
                }
                tx.audit(
                    "traffic.quiz.submit",
                    ("quiz", qz.id.as_str()),
                    &path,
                    serde_json::json!({ "score": score, "passed": passed,
                        "reduced": out.reduction.as_ref().map(|r| r.record.points),
                        "voucher": out.voucher.as_ref().map(|v| v.value),
                        "refused": out.refusal.as_ref().map(|r| r.rule) }),
                )
                .await?;
                Ok(out)
            })
            .await
    }

    /// The caller's vouchers (ningbo2016).
    pub async fn my_vouchers(&self, who: &Principal) -> Result<Vec<Voucher>> {
        let mut conn = self.k().read().await?;
        let (_, licence) = super::citizen_of(&mut conn, who).await?;
        let Some((licence, _)) = licence else {
            return Ok(Vec::new());
        };
        Ok(q::vouchers_on(&mut conn, licence.id.as_str()).await?)
    }

    /// Applies a voucher to one of the caller's decided violations (ningbo2016 only).
    pub async fn apply_voucher(
        &self,
        who: &Principal,
        voucher_id: &VoucherId,
        violation_id: &ViolationId,
        ctx: &RequestCtx,
    ) -> Result<ReductionOutcome> {
        let profile = self.config().profile;
        let today = self.today();
        self.k()
            .write(who, ctx, async |tx| {
                let (_, licence) = super::citizen_of(tx.db(), who).await?;
                let (licence, path) = licence.ok_or(AppError::NotFound { what: "voucher" })?;
                let voucher = q::voucher(tx.db(), voucher_id.as_str())
                    .await?
                    .filter(|v| v.licence_id == licence.id)
                    .ok_or(AppError::NotFound { what: "voucher" })?;
                if voucher.applied_to.is_some() {
                    return Err(AppError::Conflict {
                        code: codes::REDUCTION_REFUSED.code,
                        detail: "the voucher was applied already".into(),
                    });
                }
                let decided = q::decisions_on(tx.db(), licence.id.as_str()).await?;
                let target_v = decided.iter().find(|v| v.id == *violation_id);
                let target = target_v
                    .map(|v| decisions(std::slice::from_ref(v)))
                    .and_then(|d| d.into_iter().next());
                let rs = q::reductions_on(tx.db(), licence.id.as_str()).await?;
                let target_reduced: u32 = rs
                    .iter()
                    .filter(|r| r.violation_id.as_ref() == Some(violation_id))
                    .map(|r| u32::from(r.points))
                    .sum();
                let points = points_of(tx.db(), &licence, today).await?;
                let ex = exclusions(tx.db(), &licence, today).await?;
                let cycle_rs = cycle_reductions(&rs, &points);
                let granted = jingwu_traffic::reduction::decide(&ReductionRequest {
                    profile,
                    method: ReductionMethod::Voucher,
                    points: &points,
                    cycle_reductions: &cycle_rs,
                    exclusions: &ex,
                    target: target.as_ref(),
                    target_reduced,
                })
                .map_err(refused)?;
                let granted = granted.min(voucher.value);
                let now = tx.now_us();
                if !q::apply_voucher(tx.db(), voucher.id.as_str(), violation_id.as_str(), now)
                    .await?
                {
                    return Err(AppError::Conflict {
                        code: codes::REDUCTION_REFUSED.code,
                        detail: "the voucher was applied already".into(),
                    });
                }
                let record = ReductionRecord {
                    id: ReductionId::new(),
                    licence_id: licence.id.clone(),
                    points: granted,
                    method: ReductionMethod::Voucher,
                    profile,
                    granted_on: today,
                    granted_at: now,
                    violation_id: Some(violation_id.clone()),
                    source_id: Some(voucher.id.as_str().to_owned()),
                };
                q::insert_reduction(tx.db(), &record).await?;
                tx.audit(
                    "traffic.voucher.apply",
                    ("voucher", voucher.id.as_str()),
                    &path,
                    serde_json::json!({ "violation": violation_id, "points": granted }),
                )
                .await?;
                let points = points_of(tx.db(), &licence, today).await?;
                Ok(ReductionOutcome {
                    record,
                    licence,
                    points,
                })
            })
            .await
    }
}
