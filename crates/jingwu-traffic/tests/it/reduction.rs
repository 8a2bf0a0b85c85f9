use jingwu_traffic::licence::LicenceStatus;
use jingwu_traffic::reduction::{VOUCHER_VALUE, VOUCHERS_PER_CYCLE};
use jingwu_traffic::{
    Decision, Exclusions, Points, PointsFacts, Profile, Reduction, ReductionMethod,
    ReductionRequest, Refusal, RefusalRule, decide, points, voucher_may_issue,
};

use crate::d;
use crate::points::decision;

fn pts(decisions: &[Decision], reductions: &[Reduction]) -> Points {
    points(&PointsFacts {
        first_issue: d("2015-06-01"),
        today: d("2026-04-01"),
        decisions,
        reductions,
        full_score_cleared_on: None,
    })
    .unwrap()
}

fn ask(
    profile: Profile,
    method: ReductionMethod,
    p: &Points,
    rs: &[Reduction],
) -> Result<u8, Refusal> {
    decide(&ReductionRequest {
        profile,
        method,
        points: p,
        cycle_reductions: rs,
        exclusions: &Exclusions::NONE,
        target: None,
        target_reduced: 0,
    })
}

fn refused(rule: RefusalRule) -> Result<u8, Refusal> {
    Err(Refusal { rule })
}

fn grant(points: u8, on: &str, method: ReductionMethod) -> Reduction {
    Reduction {
        points,
        granted_on: d(on),
        method,
    }
}

#[test]
fn order163_values() {
    let ds = [decision("v1", 6, "2026-03-01", None)];
    let p = pts(&ds, &[]);
    use ReductionMethod::*;
    assert_eq!(ask(Profile::Order163, OnlineStudy, &p, &[]), Ok(1));
    assert_eq!(ask(Profile::Order163, OnSiteStudy, &p, &[]), Ok(2));
    assert_eq!(ask(Profile::Order163, PublicWelfare, &p, &[]), Ok(1));
    assert_eq!(
        ask(Profile::Order163, Voucher, &p, &[]),
        refused(RefusalRule::MethodNotInProfile)
    );
}

#[test]
fn never_more_than_the_balance() {
    let ds = [decision("v1", 1, "2026-03-01", None)];
    let p = pts(&ds, &[]);
    assert_eq!(
        ask(Profile::Order163, ReductionMethod::OnSiteStudy, &p, &[]),
        Ok(1)
    );
}

#[test]
fn nothing_is_banked() {
    let p = pts(&[], &[]);
    assert_eq!(
        ask(Profile::Order163, ReductionMethod::OnlineStudy, &p, &[]),
        refused(RefusalRule::NothingRecorded)
    );
}

#[test]
fn no_reduction_at_full_score() {
    let ds = [decision("v1", 12, "2026-03-01", None)];
    let p = pts(&ds, &[]);
    assert_eq!(
        ask(Profile::Order163, ReductionMethod::OnlineStudy, &p, &[]),
        refused(RefusalRule::FullScore)
    );
}

#[test]
fn six_points_a_cycle_then_the_cap() {
    let ds = [
        decision("v1", 9, "2026-03-01", None),
        decision("v2", 3, "2026-03-02", Some("2026-03-03")),
    ];
    use ReductionMethod::*;
    let rs = [
        grant(2, "2026-03-05", OnSiteStudy),
        grant(2, "2026-03-06", OnSiteStudy),
    ];
    let p = pts(&ds, &rs);
    assert_eq!(p.balance, 8);
    assert_eq!(ask(Profile::Order163, OnSiteStudy, &p, &rs), Ok(2));
    let rs = [
        rs[0].clone(),
        rs[1].clone(),
        grant(1, "2026-03-07", OnlineStudy),
    ];
    let p = pts(&ds, &rs);
    assert_eq!(
        ask(Profile::Order163, OnSiteStudy, &p, &rs),
        Ok(1),
        "cap left 1"
    );
    let rs = [
        rs[0].clone(),
        rs[1].clone(),
        grant(2, "2026-03-07", OnSiteStudy),
    ];
    let p = pts(&ds, &rs);
    assert_eq!(
        ask(Profile::Order163, OnlineStudy, &p, &rs),
        refused(RefusalRule::CycleCap)
    );
    // Reductions of the previous cycle do not count against this one.
    let old = [
        grant(2, "2026-05-01", OnSiteStudy),
        grant(2, "2025-05-01", OnSiteStudy),
    ];
    assert_eq!(
        ask(Profile::Order163, OnSiteStudy, &pts(&ds[..1], &[]), &old),
        Ok(2)
    );
}

#[test]
fn each_exclusion_refuses_with_its_own_rule() {
    let ds = [decision("v1", 6, "2026-03-01", None)];
    let p = pts(&ds, &[]);
    let cases: Vec<(Exclusions, RefusalRule)> = vec![
        (
            Exclusions {
                full_score_records_recent: 2,
                ..Exclusions::NONE
            },
            RefusalRule::FullScoreRecords,
        ),
        (
            Exclusions {
                serious_offence_recent: true,
                ..Exclusions::NONE
            },
            RefusalRule::SeriousOffence,
        ),
        (
            Exclusions {
                licence_status: LicenceStatus::Withheld,
                ..Exclusions::NONE
            },
            RefusalRule::LicenceStatus,
        ),
        (
            Exclusions {
                licence_status: LicenceStatus::Suspended,
                ..Exclusions::NONE
            },
            RefusalRule::LicenceStatus,
        ),
        (
            Exclusions {
                in_probation: true,
                ..Exclusions::NONE
            },
            RefusalRule::Probation,
        ),
        (
            Exclusions {
                review_overdue: true,
                ..Exclusions::NONE
            },
            RefusalRule::ReviewOverdue,
        ),
        (
            Exclusions {
                vehicle_overdue: true,
                ..Exclusions::NONE
            },
            RefusalRule::VehicleOverdue,
        ),
        (
            Exclusions {
                fraud_recent: true,
                ..Exclusions::NONE
            },
            RefusalRule::Fraud,
        ),
    ];
    for profile in Profile::ALL {
        let method = match profile {
            Profile::Order163 => ReductionMethod::OnlineStudy,
            Profile::Ningbo2016 => ReductionMethod::Voucher,
        };
        for (exclusions, rule) in &cases {
            let got = decide(&ReductionRequest {
                profile,
                method,
                points: &p,
                cycle_reductions: &[],
                exclusions,
                target: Some(&ds[0]),
                target_reduced: 0,
            });
            assert_eq!(got, refused(*rule), "{profile} {rule}");
        }
    }
    // One full-score record is allowed.
    let one = Exclusions {
        full_score_records_recent: 1,
        ..Exclusions::NONE
    };
    let got = decide(&ReductionRequest {
        profile: Profile::Order163,
        method: ReductionMethod::OnlineStudy,
        points: &p,
        cycle_reductions: &[],
        exclusions: &one,
        target: None,
        target_reduced: 0,
    });
    assert_eq!(got, Ok(1));
}

fn voucher(
    p: &Points,
    rs: &[Reduction],
    target: Option<&Decision>,
    target_reduced: u32,
) -> Result<u8, Refusal> {
    decide(&ReductionRequest {
        profile: Profile::Ningbo2016,
        method: ReductionMethod::Voucher,
        points: p,
        cycle_reductions: rs,
        exclusions: &Exclusions::NONE,
        target,
        target_reduced,
    })
}

#[test]
fn ningbo_vouchers_apply_to_a_decided_violation() {
    let ds = [
        decision("v1", 6, "2026-03-01", None),
        decision("v2", 1, "2026-03-02", None),
    ];
    let p = pts(&ds, &[]);
    assert_eq!(voucher(&p, &[], Some(&ds[0]), 0), Ok(2));
    assert_eq!(
        voucher(&p, &[], Some(&ds[1]), 0),
        Ok(1),
        "only what the violation has"
    );
    assert_eq!(
        voucher(&p, &[], Some(&ds[1]), 1),
        refused(RefusalRule::ViolationFullyReduced)
    );
    assert_eq!(
        voucher(&p, &[], None, 0),
        refused(RefusalRule::NoDecidedViolation)
    );
    let mut revoked = ds[0].clone();
    revoked.revoked = true;
    assert_eq!(
        voucher(&p, &[], Some(&revoked), 0),
        refused(RefusalRule::NoDecidedViolation)
    );
    let elsewhere = decision("v9", 6, "2024-03-01", Some("2024-03-02"));
    assert_eq!(
        voucher(&p, &[], Some(&elsewhere), 0),
        refused(RefusalRule::NoDecidedViolation)
    );
    for method in [
        ReductionMethod::OnlineStudy,
        ReductionMethod::OnSiteStudy,
        ReductionMethod::PublicWelfare,
    ] {
        assert_eq!(
            ask(Profile::Ningbo2016, method, &p, &[]),
            refused(RefusalRule::MethodNotInProfile)
        );
    }
}

#[test]
fn ningbo_two_vouchers_a_cycle() {
    let ds = [decision("v1", 9, "2026-03-01", None)];
    let one = [grant(2, "2026-03-05", ReductionMethod::Voucher)];
    let two = [
        one[0].clone(),
        grant(1, "2026-03-06", ReductionMethod::Voucher),
    ];
    assert_eq!(voucher(&pts(&ds, &one), &one, Some(&ds[0]), 2), Ok(2));
    assert_eq!(
        voucher(&pts(&ds, &two), &two, Some(&ds[0]), 3),
        refused(RefusalRule::VoucherCount)
    );
    assert_eq!(voucher_may_issue(Profile::Ningbo2016, 0), Ok(VOUCHER_VALUE));
    assert_eq!(voucher_may_issue(Profile::Ningbo2016, 1), Ok(2));
    assert_eq!(
        voucher_may_issue(Profile::Ningbo2016, VOUCHERS_PER_CYCLE),
        refused(RefusalRule::VoucherCount)
    );
    assert_eq!(
        voucher_may_issue(Profile::Order163, 0),
        refused(RefusalRule::MethodNotInProfile)
    );
}

#[test]
fn profiles_from_configuration() {
    assert_eq!(Profile::from_config("order163"), Some(Profile::Order163));
    assert_eq!(Profile::from_config("mps163"), Some(Profile::Order163));
    assert_eq!(
        Profile::from_config("ningbo2016"),
        Some(Profile::Ningbo2016)
    );
    assert_eq!(Profile::from_config("ningbo"), None);
    assert_eq!(Profile::default(), Profile::Order163);
    assert_eq!(Profile::Order163.label_zh(), "公安部令第163号");
}

#[test]
fn refusals_name_their_rule_in_both_languages() {
    let r = Refusal {
        rule: RefusalRule::CycleCap,
    };
    assert!(r.to_string().contains("cycle_cap"), "{r}");
    for rule in RefusalRule::ALL {
        assert!(!rule.label_zh().is_empty() && !rule.label_en().is_empty());
        assert!(
            rule.label_zh().chars().any(|c| c > '\u{2e80}'),
            "{rule}: zh label"
        );
    }
}
