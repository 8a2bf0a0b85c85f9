//! Point-reduction study over HTTP: quizzes and vouchers.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use jingwu_app::{QuizAnswers, QuizOutcome, QuizView};
use jingwu_traffic::records::{self as rec, QuizId, ViolationId, VoucherId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::citizens::PointsView;
use super::ts;
use crate::extract::{Caller, Ctx, Json};
use crate::{ApiError, AppState, Problem};

#[derive(Debug, Serialize, ToSchema)]
pub struct QuizQuestion {
    pub id: String,
    pub category: String,
    pub text_zh: String,
    pub text_en: String,
    pub choices_zh: Vec<String>,
    pub choices_en: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Quiz {
    pub id: String,
    pub started_at: String,
    /// Answers are taken until then.
    pub expires_at: String,
    pub questions: Vec<QuizQuestion>,
    /// Correct answers needed to pass.
    pub pass_mark: usize,
}

impl From<QuizView> for Quiz {
    fn from(v: QuizView) -> Self {
        Quiz {
            id: v.quiz.id.into_string(),
            started_at: ts(v.quiz.started_at),
            expires_at: ts(v.quiz.expires_at),
            questions: v
                .questions
                .iter()
                .map(|q| QuizQuestion {
                    id: q.id.into(),
                    category: q.category.as_str().into(),
                    text_zh: q.text_zh.into(),
                    text_en: q.text_en.into(),
                    choices_zh: q.choices_zh.iter().map(|c| (*c).to_owned()).collect(),
                    choices_en: q.choices_en.iter().map(|c| (*c).to_owned()).collect(),
                })
                .collect(),
            pass_mark: jingwu_traffic::quiz::PASS_MARK,
        }
    }
}

/// Start a timed study quiz (a citizen with a licence).
#[utoipa::path(post, path = "/api/v1/traffic/quizzes", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    responses((status = 201, body = Quiz),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "no licence", body = Problem, content_type = "application/problem+json")))]
pub async fn start_quiz(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
) -> Result<(StatusCode, axum::Json<Quiz>), ApiError> {
    let q = s.app.traffic().start_quiz(&caller.principal, &ctx).await?;
    Ok((StatusCode::CREATED, axum::Json(q.into())))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnswersRequest {
    /// The chosen choice's index for each question, in the quiz's order.
    pub answers: Vec<u8>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrafficVoucher {
    pub id: String,
    /// Points it takes off (at most).
    pub value: u8,
    pub issued_at: String,
    pub applied_to: Option<String>,
    pub applied_at: Option<String>,
}

impl From<rec::Voucher> for TrafficVoucher {
    fn from(v: rec::Voucher) -> Self {
        TrafficVoucher {
            id: v.id.into_string(),
            value: v.value,
            issued_at: ts(v.issued_at),
            applied_to: v.applied_to.map(|a| a.into_string()),
            applied_at: v.applied_at.map(ts),
        }
    }
}

/// A refusal and the rule that made it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RefusalView {
    pub rule: String,
    pub rule_zh: String,
    pub rule_en: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuizResult {
    pub score: u32,
    pub pass_mark: usize,
    pub passed: bool,
    /// Points taken off (order163).
    pub reduced: Option<u8>,
    /// The voucher earned (ningbo2016).
    pub voucher: Option<TrafficVoucher>,
    /// Why a passed quiz earned nothing.
    pub refusal: Option<RefusalView>,
    /// Points after the reduction.
    pub points: Option<PointsView>,
}

fn refusal(r: &jingwu_traffic::reduction::Refusal) -> RefusalView {
    RefusalView {
        rule: r.rule.as_str().into(),
        rule_zh: r.rule.label_zh().into(),
        rule_en: r.rule.label_en().into(),
    }
}

/// Submit a quiz's answers once, before it expires.
#[utoipa::path(post, path = "/api/v1/traffic/quizzes/{id}/answers", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Quiz id")),
    request_body = AnswersRequest,
    responses((status = 200, body = QuizResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`quiz_done`, `quiz_expired`", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
pub async fn submit_quiz(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<QuizId>,
    Json(r): Json<AnswersRequest>,
) -> Result<axum::Json<QuizResult>, ApiError> {
    let t = s.app.traffic();
    let o: QuizOutcome = t
        .submit_quiz(
            &caller.principal,
            &id,
            &QuizAnswers { answers: r.answers },
            &ctx,
        )
        .await?;
    let profile = s.app.kernel().config().traffic.profile;
    Ok(axum::Json(QuizResult {
        score: o.quiz.score.unwrap_or(0),
        pass_mark: o.pass_mark,
        passed: o.quiz.passed.unwrap_or(false),
        reduced: o.reduction.as_ref().map(|r| r.record.points),
        points: o.reduction.as_ref().map(|r| {
            PointsView::from(&jingwu_app::DriverPoints {
                licence: r.licence.clone(),
                points: r.points.clone(),
                profile,
            })
        }),
        voucher: o.voucher.map(Into::into),
        refusal: o.refusal.as_ref().map(refusal),
    }))
}

/// The caller's point-reduction vouchers (ningbo2016).
#[utoipa::path(get, path = "/api/v1/traffic/vouchers", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, body = Vec<TrafficVoucher>),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
pub async fn vouchers(
    State(s): State<AppState>,
    caller: Caller,
) -> Result<axum::Json<Vec<TrafficVoucher>>, ApiError> {
    let list = s.app.traffic().my_vouchers(&caller.principal).await?;
    Ok(axum::Json(list.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplyVoucherRequest {
    /// A decided violation on the caller's licence.
    pub violation_id: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReductionResult {
    pub reduced: u8,
    pub points: PointsView,
}

/// Apply a voucher to a decided violation (ningbo2016).
#[utoipa::path(post, path = "/api/v1/traffic/vouchers/{id}/apply", tag = "traffic", security(("bearer" = []), ("cookie" = [])),
    params(("id" = String, Path, description = "Voucher id")),
    request_body = ApplyVoucherRequest,
    responses((status = 200, body = ReductionResult),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "`reduction_refused` (the rule is named)", body = Problem, content_type = "application/problem+json")))]
pub async fn apply_voucher(
    State(s): State<AppState>,
    Ctx(ctx): Ctx,
    caller: Caller,
    Path(id): Path<VoucherId>,
    Json(r): Json<ApplyVoucherRequest>,
) -> Result<axum::Json<ReductionResult>, ApiError> {
    let o = s
        .app
        .traffic()
        .apply_voucher(
            &caller.principal,
            &id,
            &ViolationId::from(r.violation_id),
            &ctx,
        )
        .await?;
    let profile = s.app.kernel().config().traffic.profile;
    Ok(axum::Json(ReductionResult {
        reduced: o.record.points,
        points: PointsView::from(&jingwu_app::DriverPoints {
            licence: o.licence,
            points: o.points,
            profile,
        }),
    }))
}
