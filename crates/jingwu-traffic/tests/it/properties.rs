use std::collections::BTreeSet;

use jiff::ToSpan;
use jiff::civil::Date;
use jingwu_traffic::late_fee::deadline;
use jingwu_traffic::plates::candidates;
use jingwu_traffic::quiz::draw;
use jingwu_traffic::reduction::VOUCHERS_PER_CYCLE;
use jingwu_traffic::{
    Cycle, Decision, Exclusions, FULL_SCORE, Fen, PointsFacts, Profile, Reduction, ReductionMethod,
    ReductionRequest, cycle_on, decide, late_fee, points,
};
use jingwu_validate::{Plate, PlateKind};
use proptest::prelude::*;

fn day(offset: i64) -> Date {
    Date::constant(2000, 1, 1)
        .checked_add(offset.days())
        .unwrap()
}

fn date() -> impl Strategy<Value = Date> {
    (0i64..12_000).prop_map(day)
}

fn decision() -> impl Strategy<Value = Decision> {
    (
        0u8..12,
        prop::sample::select(vec![0u8, 1, 3, 6, 9, 12]),
        0i64..1_500,
        prop::option::of(0i64..200),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(id, points, decided, paid_after, revoked)| {
            let decided_on = day(8_000 + decided);
            Decision {
                violation_id: format!("v{id}"),
                points,
                decided_on,
                deadline: deadline(decided_on),
                paid_on: paid_after.map(|p| decided_on.checked_add(p.days()).unwrap()),
                revoked,
            }
        })
}

fn method() -> impl Strategy<Value = ReductionMethod> {
    prop::sample::select(ReductionMethod::ALL.to_vec())
}

proptest! {
    #[test]
    fn late_fee_bounds(fine in 0i64..10_000_000, served in date(), paid in date()) {
        let f = late_fee(Fen(fine), served, paid);
        prop_assert!(f.surcharge_fen >= Fen(0));
        prop_assert!(f.surcharge_fen <= Fen(fine));
        prop_assert!(f.days_late >= 0);
        prop_assert!(f.amount_due_fen <= Fen(2 * fine));
        prop_assert_eq!(f.amount_due_fen, Fen(fine + f.surcharge_fen.0));
    }

    #[test]
    fn late_fee_never_falls_as_payment_waits(fine in -1_000i64..10_000_000, served in date(), paid in date(), later in 0i64..100) {
        let a = late_fee(Fen(fine), served, paid);
        let b = late_fee(Fen(fine), served, paid.checked_add(later.days()).unwrap());
        prop_assert!(a.surcharge_fen <= b.surcharge_fen);
        prop_assert!(a.amount_due_fen <= b.amount_due_fen);
        prop_assert!(a.surcharge_fen >= Fen(0));
    }

    #[test]
    fn cycles_tile_time(first in date(), after in 0i64..20_000) {
        let on = first.checked_add(after.days()).unwrap();
        let c = cycle_on(first, on).unwrap();
        prop_assert!(c.start <= on && on < c.end);
        let len = c.start.until(c.end).unwrap().get_days();
        prop_assert!(len == 365 || len == 366, "{} days", len);
        let next = Cycle::nth(first, c.index + 1);
        prop_assert_eq!(next.start, c.end);
        prop_assert_eq!(cycle_on(first, c.end), Some(next));
        if c.index > 0 {
            let prev = cycle_on(first, c.start.yesterday().unwrap()).unwrap();
            prop_assert_eq!(prev.end, c.start);
            prop_assert_eq!(prev.index + 1, c.index);
        }
    }

    #[test]
    fn ledger_invariants(ds in prop::collection::vec(decision(), 0..20), today in 8_000i64..9_800) {
        let today = day(today);
        let facts = |ds: &[Decision]| {
            points(&PointsFacts {
                first_issue: day(100),
                today,
                decisions: ds,
                reductions: &[],
                full_score_cleared_on: None,
            })
            .unwrap()
        };
        let p = facts(&ds);
        prop_assert_eq!(p.balance, p.recorded.saturating_sub(p.reduced));
        prop_assert!(p.carried <= p.recorded);
        prop_assert_eq!(p.full_score, p.balance >= FULL_SCORE);
        let distinct: BTreeSet<_> = p.counted.iter().collect();
        prop_assert_eq!(distinct.len(), p.counted.len(), "a violation counted twice");
        // Repeating every decision changes nothing: the same violation is never scored twice.
        let twice: Vec<Decision> = ds.iter().chain(ds.iter()).cloned().collect();
        prop_assert_eq!(facts(&twice), p);
    }

    #[test]
    fn reductions_respect_every_invariant(
        ds in prop::collection::vec(decision(), 1..12),
        steps in prop::collection::vec((method(), 0usize..12, 0u32..3), 1..12),
        ningbo in any::<bool>(),
    ) {
        let profile = if ningbo { Profile::Ningbo2016 } else { Profile::Order163 };
        let today = day(9_000);
        let mut granted: Vec<Reduction> = Vec::new();
        for (method, target, target_reduced) in steps {
            let before = points(&PointsFacts {
                first_issue: day(100),
                today,
                decisions: &ds,
                reductions: &granted,
                full_score_cleared_on: None,
            })
            .unwrap();
            let result = decide(&ReductionRequest {
                profile,
                method,
                points: &before,
                cycle_reductions: &granted,
                exclusions: &Exclusions::NONE,
                target: ds.get(target),
                target_reduced,
            });
            // A refusal grants nothing: only an Ok adds a reduction.
            if let Ok(n) = result {
                prop_assert!(n > 0);
                prop_assert!(u32::from(n) <= before.balance, "granted more than the balance");
                prop_assert!(before.balance < FULL_SCORE, "granted at full score");
                granted.push(Reduction { points: n, granted_on: today, method });
            }
            let total: u32 = granted.iter().map(|r| u32::from(r.points)).sum();
            prop_assert!(total <= profile.cycle_cap(), "cap exceeded");
            let vouchers = granted.iter().filter(|r| r.method == ReductionMethod::Voucher).count();
            prop_assert!(vouchers as u32 <= VOUCHERS_PER_CYCLE);
            if profile == Profile::Order163 {
                prop_assert_eq!(vouchers, 0);
            }
        }
    }

    #[test]
    fn plate_candidates_are_valid_distinct_and_reproducible(seed in any::<u64>(), n in 0usize..40) {
        let got = candidates("浙B", seed, n);
        prop_assert_eq!(got.len(), n);
        prop_assert_eq!(&got, &candidates("浙B", seed, n));
        let distinct: BTreeSet<_> = got.iter().collect();
        prop_assert_eq!(distinct.len(), n);
        for p in &got {
            let plate = Plate::parse(p).unwrap();
            prop_assert_eq!(plate.kind(), PlateKind::Ordinary);
            prop_assert!(p.starts_with("浙B"));
            prop_assert!(!p.contains('I') && !p.contains('O'));
        }
    }

    #[test]
    fn quiz_draws_are_distinct(seed in any::<u64>(), n in 0usize..50) {
        let qs = draw(seed, n);
        let ids: BTreeSet<_> = qs.iter().map(|q| q.id).collect();
        prop_assert_eq!(ids.len(), qs.len());
        prop_assert_eq!(qs.len(), n.min(jingwu_traffic::quiz::BANK.len()));
    }

    #[test]
    fn yuan_text_round_trips(fen in 0i64..i64::MAX) {
        prop_assert_eq!(Fen::parse_yuan(&Fen(fen).yuan_text()), Ok(Fen(fen)));
    }
}

#[test]
fn bad_prefixes_give_no_candidates() {
    assert!(candidates("XB", 1, 5).is_empty());
    assert!(candidates("浙I", 1, 5).is_empty());
    assert!(candidates("", 1, 5).is_empty());
    assert_eq!(candidates("粤b", 1, 3).len(), 3);
}
