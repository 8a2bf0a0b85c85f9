//! Point reduction (学法减分): one engine, two policy profiles.
//!
//! * [`Profile::Order163`] (national, the default): MPS Order 163. Online study and exam −1,
//!   on-site study and exam −2, one hour of traffic-safety public-welfare work −1; at most 6
//!   points per cycle; only points already recorded, only below 12, and not for drivers under
//!   one of the five exclusions.
//! * [`Profile::Ningbo2016`] (legacy pilot, for demos and historical data): a voucher (减分券)
//!   earned by an online quiz, worth up to 2 points and applied to a decided violation; two
//!   vouchers per cycle (so 4 points). It exceeds what the national rule allows, so it sits
//!   behind the profile switch.
//!
//! Invariants for every profile: reductions come off points already recorded (nothing is
//! banked); `granted = min(value, balance, cap_left)` so the balance never goes below 0; no
//! reduction at 12 points or more; the caps count the reductions granted in the current cycle
//! only; the exclusions apply to both profiles. A refusal grants nothing and names its rule.
//!
//! Unverified (confirm against the order's text): the article numbers of the exclusions and
//! the exact definition of an online study round.

use serde::Serialize;

use crate::licence::LicenceStatus;
use crate::points::{Decision, FULL_SCORE, Points, Reduction, ReductionMethod};

jingwu_core::text_enum! {
    /// A point-reduction policy profile.
    pub enum Profile: "reduction profile" {
        Order163 = "order163" ("公安部令第163号", "MPS Order 163"),
        Ningbo2016 = "ningbo2016" ("宁波2016试点", "Ningbo 2016 pilot"),
    }
}

// `text_enum!` owns the derive list, so `#[derive(Default)]` cannot be added to it.
#[allow(clippy::derivable_impls)]
impl Default for Profile {
    fn default() -> Self {
        Profile::Order163
    }
}

impl Profile {
    /// The profile named in configuration: its code, or `mps163` for [`Profile::Order163`].
    pub fn from_config(s: &str) -> Option<Profile> {
        match s.trim() {
            "mps163" => Some(Profile::Order163),
            other => Profile::from_code(other),
        }
    }

    /// Points that may be taken off in one cycle.
    pub const fn cycle_cap(self) -> u32 {
        match self {
            Profile::Order163 => 6,
            Profile::Ningbo2016 => VOUCHERS_PER_CYCLE * VOUCHER_VALUE as u32,
        }
    }

    /// What one request by `method` is worth, or `None` if the profile does not offer it.
    pub const fn method_value(self, method: ReductionMethod) -> Option<u8> {
        match (self, method) {
            (Profile::Order163, ReductionMethod::OnlineStudy) => Some(1),
            (Profile::Order163, ReductionMethod::OnSiteStudy) => Some(2),
            // One hour of work per request.
            (Profile::Order163, ReductionMethod::PublicWelfare) => Some(1),
            (Profile::Ningbo2016, ReductionMethod::Voucher) => Some(VOUCHER_VALUE),
            _ => None,
        }
    }
}

/// Vouchers per cycle under [`Profile::Ningbo2016`].
pub const VOUCHERS_PER_CYCLE: u32 = 2;
/// The most a voucher takes off, under [`Profile::Ningbo2016`].
pub const VOUCHER_VALUE: u8 = 2;

jingwu_core::text_enum! {
    /// The rule that refused a reduction. Labels are the sentences shown to the driver.
    pub enum RefusalRule: "reduction refusal" {
        MethodNotInProfile = "method_not_in_profile" ("当前减分政策不提供该减分方式", "This reduction method is not offered under the current policy"),
        FullScore = "full_score" ("累积记分已满12分，不得减分", "12 points reached: no reduction"),
        NothingRecorded = "nothing_recorded" ("当前没有可减的记分", "No recorded points to reduce"),
        CycleCap = "cycle_cap" ("本记分周期减分已达上限", "The reduction cap of this scoring cycle is reached"),
        FullScoreRecords = "full_score_records" ("本记分周期或上一记分周期内有两次以上满分教育记录", "Two or more full-score education records in this or the previous cycle"),
        SeriousOffence = "serious_offence" ("最近三个记分周期内有肇事逃逸、饮酒驾驶、使用伪造变造号牌或驾驶证、买卖记分等违法行为", "Hit-and-run, drink-driving, forged plates or licences, or trading points in the last three cycles"),
        LicenceStatus = "licence_status" ("驾驶证处于扣留、停止使用等非正常状态", "The licence is withheld, suspended or otherwise not valid"),
        Probation = "probation" ("驾驶证处于实习期", "The licence is in its probation period"),
        ReviewOverdue = "review_overdue" ("驾驶证逾期未审验", "The licence is overdue for review"),
        VehicleOverdue = "vehicle_overdue" ("名下机动车逾期未检验或者应当注销", "A vehicle of the driver's is overdue for inspection or due for deregistration"),
        Fraud = "fraud" ("最近三个记分周期内在减分、满分或审验教育中有弄虚作假、冒名顶替记录", "Fraud or impersonation in reduction, full-score or review education in the last three cycles"),
        VoucherCount = "voucher_count" ("本记分周期减分券已达2张", "Two vouchers already used in this scoring cycle"),
        NoDecidedViolation = "no_decided_violation" ("减分券须用于已处理且记分有效的违法", "A voucher applies to a decided violation whose points stand"),
        ViolationFullyReduced = "violation_fully_reduced" ("该违法记分已全部减免", "That violation's points are already fully reduced"),
    }
}

/// A refused reduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("reduction refused: {} ({})", .rule.as_str(), .rule.label_en())]
pub struct Refusal {
    pub rule: RefusalRule,
}

impl From<RefusalRule> for Refusal {
    fn from(rule: RefusalRule) -> Self {
        Refusal { rule }
    }
}

/// The exclusions of Order 163: any one refuses a reduction, under every profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Exclusions {
    /// Full-score education records in this and the previous cycle (exclusion 1: two or more).
    pub full_score_records_recent: u32,
    /// Punished in the last 3 cycles for hit-and-run, drink-driving, forged or borrowed plates
    /// or licences, or trading points (exclusion 2).
    pub serious_offence_recent: bool,
    /// Anything but `valid` refuses (exclusion 3: withheld, suspended …).
    pub licence_status: LicenceStatus,
    /// In the probation period (exclusion 3).
    pub in_probation: bool,
    /// Overdue for review (exclusion 3).
    pub review_overdue: bool,
    /// A vehicle registered to the driver is overdue for inspection or due for
    /// deregistration (exclusion 4).
    pub vehicle_overdue: bool,
    /// Fraud or impersonation in education within the last 3 cycles (exclusion 5).
    pub fraud_recent: bool,
}

impl Exclusions {
    /// A driver with none of the exclusions.
    pub const NONE: Exclusions = Exclusions {
        full_score_records_recent: 0,
        serious_offence_recent: false,
        licence_status: LicenceStatus::Valid,
        in_probation: false,
        review_overdue: false,
        vehicle_overdue: false,
        fraud_recent: false,
    };

    /// The first exclusion that applies, in the order's numbering.
    pub fn first(&self) -> Option<RefusalRule> {
        if self.full_score_records_recent >= 2 {
            Some(RefusalRule::FullScoreRecords)
        } else if self.serious_offence_recent {
            Some(RefusalRule::SeriousOffence)
        } else if self.licence_status != LicenceStatus::Valid {
            Some(RefusalRule::LicenceStatus)
        } else if self.in_probation {
            Some(RefusalRule::Probation)
        } else if self.review_overdue {
            Some(RefusalRule::ReviewOverdue)
        } else if self.vehicle_overdue {
            Some(RefusalRule::VehicleOverdue)
        } else if self.fraud_recent {
            Some(RefusalRule::Fraud)
        } else {
            None
        }
    }
}

/// A request to take points off.
#[derive(Debug, Clone, Copy)]
pub struct ReductionRequest<'a> {
    pub profile: Profile,
    pub method: ReductionMethod,
    /// The driver's points now (see [`crate::points::points`]).
    pub points: &'a Points,
    /// Reductions granted to the driver; only those in `points.cycle` are counted.
    pub cycle_reductions: &'a [Reduction],
    pub exclusions: &'a Exclusions,
    /// [`Profile::Ningbo2016`]: the decided violation the voucher is applied to.
    pub target: Option<&'a Decision>,
    /// Points already taken off that violation.
    pub target_reduced: u32,
}

/// The points granted for `req`, or the rule that refuses it.
///
/// Checks, in order: the method is offered by the profile; no exclusion applies; the balance
/// is below 12; something is recorded; the cycle's caps (points, and vouchers for the legacy
/// profile); for a voucher, the target violation. Then
/// `granted = min(method value, balance, cap left[, what the target violation still has])`.
pub fn decide(req: &ReductionRequest<'_>) -> Result<u8, Refusal> {
    let value = req
        .profile
        .method_value(req.method)
        .ok_or(RefusalRule::MethodNotInProfile)?;
    if let Some(rule) = req.exclusions.first() {
        return Err(rule.into());
    }
    let p = req.points;
    if p.balance >= FULL_SCORE {
        return Err(RefusalRule::FullScore.into());
    }
    if p.balance == 0 {
        return Err(RefusalRule::NothingRecorded.into());
    }
    let in_cycle: Vec<&Reduction> = req
        .cycle_reductions
        .iter()
        .filter(|r| p.cycle.contains(r.granted_on))
        .collect();
    let used = in_cycle
        .iter()
        .fold(0u32, |s, r| s.saturating_add(u32::from(r.points)));
    let cap_left = req.profile.cycle_cap().saturating_sub(used);

    let mut granted = u32::from(value).min(p.balance);
    if req.method == ReductionMethod::Voucher {
        let vouchers = in_cycle
            .iter()
            .filter(|r| r.method == ReductionMethod::Voucher)
            .count();
        if vouchers >= VOUCHERS_PER_CYCLE as usize {
            return Err(RefusalRule::VoucherCount.into());
        }
        let target = req
            .target
            .filter(|t| !t.revoked && p.counts(&t.violation_id))
            .ok_or(RefusalRule::NoDecidedViolation)?;
        let left_on_target = u32::from(target.points).saturating_sub(req.target_reduced);
        if left_on_target == 0 {
            return Err(RefusalRule::ViolationFullyReduced.into());
        }
        granted = granted.min(left_on_target);
    }
    if cap_left == 0 {
        return Err(RefusalRule::CycleCap.into());
    }
    granted = granted.min(cap_left);
    // `granted` ≤ the method value, a u8.
    Ok(u8::try_from(granted).unwrap_or(value))
}

/// Whether another voucher may be issued (after a passed quiz) under `profile`, and its value.
pub fn voucher_may_issue(profile: Profile, vouchers_issued_this_cycle: u32) -> Result<u8, Refusal> {
    match profile.method_value(ReductionMethod::Voucher) {
        None => Err(RefusalRule::MethodNotInProfile.into()),
        Some(_) if vouchers_issued_this_cycle >= VOUCHERS_PER_CYCLE => {
            Err(RefusalRule::VoucherCount.into())
        }
        Some(value) => Ok(value),
    }
}
