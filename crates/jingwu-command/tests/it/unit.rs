use jingwu_command::taxonomy::{Priority, Subcategory};
use jingwu_command::unit::*;
use proptest::prelude::*;

use UnitStatus::*;

fn any_ctx() -> TransitionCtx<'static> {
    TransitionCtx::by(Actor::Dispatcher).with_reason("stood down")
}

#[test]
fn transition_table_at_every_pair() {
    // (from, to, expected with a dispatcher giving a reason)
    let allowed = [
        (OffDuty, Available),
        (Available, Dispatched),
        (Available, Busy),
        (Available, OffDuty),
        (Dispatched, EnRoute),
        (Dispatched, Available),
        (EnRoute, OnScene),
        (EnRoute, Available),
        (OnScene, Available),
        (OnScene, Busy),
        (Busy, Available),
    ];
    for from in &UnitStatus::ALL {
        for to in &UnitStatus::ALL {
            let ok = transition(*from, *to, any_ctx()).is_ok();
            assert_eq!(ok, allowed.contains(&(*from, *to)), "{from} -> {to}");
            assert_eq!(
                from.next().any(|n| n == *to),
                allowed.contains(&(*from, *to))
            );
        }
    }
}

#[test]
fn refusals_say_why() {
    let check = |from, to, ctx: TransitionCtx<'_>, want: &str| {
        let err = transition(from, to, ctx).unwrap_err();
        assert_eq!(err.to_string(), want, "{from} -> {to}");
    };
    let term = TransitionCtx::by(Actor::Terminal);
    let disp = TransitionCtx::by(Actor::Dispatcher);
    check(
        Dispatched,
        OnScene,
        term,
        "a dispatched unit must acknowledge and go en route before it can be on scene",
    );
    check(
        Busy,
        Dispatched,
        disp,
        "cannot dispatch a unit that is not available (it is busy)",
    );
    check(
        EnRoute,
        Dispatched,
        disp,
        "cannot dispatch a unit that is not available (it is en_route)",
    );
    check(
        OffDuty,
        Dispatched,
        disp,
        "cannot dispatch a unit that is not available (it is off_duty)",
    );
    check(
        Available,
        Dispatched,
        term,
        "only a dispatcher may dispatch a unit",
    );
    check(
        Available,
        Dispatched,
        TransitionCtx::by(Actor::System),
        "only a dispatcher may dispatch a unit",
    );
    check(
        Available,
        Dispatched,
        TransitionCtx::default(),
        "only a dispatcher may dispatch a unit",
    );
    check(
        OnScene,
        OffDuty,
        term,
        "cannot go off duty while on_scene; clear to available first",
    );
    check(
        Dispatched,
        OffDuty,
        term,
        "cannot go off duty while dispatched; clear to available first",
    );
    check(
        Busy,
        OffDuty,
        term,
        "cannot go off duty while busy; clear to available first",
    );
    check(
        OffDuty,
        Busy,
        term,
        "an off-duty unit must come on duty (available) first",
    );
    check(
        Dispatched,
        Available,
        disp,
        "cancelling a dispatched unit back to available needs a reason",
    );
    check(
        EnRoute,
        Available,
        disp.with_reason("   "),
        "cancelling a en_route unit back to available needs a reason",
    );
    check(
        Available,
        OnScene,
        term,
        "a unit that is available has not been dispatched, so it cannot be on_scene",
    );
    check(
        Busy,
        EnRoute,
        term,
        "a unit that is busy has not been dispatched, so it cannot be en_route",
    );
    check(
        OnScene,
        EnRoute,
        term,
        "a unit that is on_scene cannot become en_route",
    );
    check(Available, Available, term, "the unit is already available");
}

#[test]
fn requirements_met_by_any_actor_where_not_restricted() {
    for actor in &Actor::ALL {
        let ctx = TransitionCtx::by(*actor);
        assert!(transition(Dispatched, EnRoute, ctx).is_ok());
        assert!(transition(EnRoute, OnScene, ctx).is_ok());
        assert!(transition(OnScene, Available, ctx).is_ok());
        assert!(transition(EnRoute, Available, ctx.with_reason("vehicle breakdown")).is_ok());
    }
}

/// Reference model: what must hold along any accepted path, independent of the table.
#[derive(Debug, Default)]
struct Model {
    dispatched_by_dispatcher: bool,
    went_en_route: bool,
}

fn status_strategy() -> impl Strategy<Value = UnitStatus> {
    prop::sample::select(UnitStatus::ALL.to_vec())
}

fn actor_strategy() -> impl Strategy<Value = Actor> {
    prop::sample::select(Actor::ALL.to_vec())
}

proptest! {
    /// No sequence of accepted transitions reaches an inconsistent state: en route / on scene
    /// only after a dispatcher's dispatch in the same assignment, on scene only after en route,
    /// never off duty straight from an engaged status, never dispatched twice.
    #[test]
    fn accepted_paths_stay_consistent(
        steps in prop::collection::vec((status_strategy(), actor_strategy(), any::<bool>()), 0..60)
    ) {
        let mut s = OffDuty;
        let mut m = Model::default();
        for (to, actor, give_reason) in steps {
            let mut ctx = TransitionCtx::by(actor);
            if give_reason {
                ctx = ctx.with_reason("reason");
            }
            let before = s;
            if transition(s, to, ctx).is_err() {
                continue;
            }
            s = to;
            match s {
                Dispatched => {
                    prop_assert_eq!(before, Available, "dispatched only from available");
                    prop_assert_eq!(actor, Actor::Dispatcher);
                    m = Model { dispatched_by_dispatcher: true, went_en_route: false };
                }
                EnRoute => {
                    prop_assert!(m.dispatched_by_dispatcher);
                    m.went_en_route = true;
                }
                OnScene => prop_assert!(m.dispatched_by_dispatcher && m.went_en_route),
                OffDuty => prop_assert_eq!(before, Available),
                Available => {
                    if matches!(before, Dispatched | EnRoute) {
                        prop_assert!(give_reason, "cancellation without reason");
                    }
                    m = Model::default();
                }
                Busy => {
                    prop_assert!(matches!(before, Available | OnScene));
                    m = Model::default();
                }
            }
        }
    }
}

#[test]
fn fit_table() {
    let check = |kind, sub, prio, dist, want: FitLevel| {
        assert_eq!(
            fits(kind, sub, prio, dist).level,
            want,
            "{kind} {sub} {prio} {dist}"
        );
    };
    use FitLevel::*;
    use UnitKind::*;
    check(
        ArmedPatrolTeam,
        Subcategory::Robbery,
        Priority::P1,
        2000.0,
        Strong,
    );
    check(PatrolCar, Subcategory::Robbery, Priority::P1, 2000.0, Good);
    check(TrafficUnit, Subcategory::Assault, Priority::P1, 100.0, Poor);
    check(
        FootPatrol,
        Subcategory::Assault,
        Priority::P1,
        200.0,
        Acceptable,
    );
    check(
        TrafficUnit,
        Subcategory::InjuryCollision,
        Priority::P1,
        5000.0,
        Strong,
    );
    check(
        Motorcycle,
        Subcategory::Congestion,
        Priority::P3,
        5000.0,
        Good,
    );
    check(
        ArmedPatrolTeam,
        Subcategory::Collision,
        Priority::P3,
        500.0,
        Acceptable,
    );
    // foot patrol distance boundaries
    check(FootPatrol, Subcategory::Noise, Priority::P4, 300.0, Good);
    check(
        FootPatrol,
        Subcategory::Noise,
        Priority::P4,
        300.1,
        Acceptable,
    );
    check(
        FootPatrol,
        Subcategory::Noise,
        Priority::P4,
        800.0,
        Acceptable,
    );
    check(FootPatrol, Subcategory::Noise, Priority::P4, 800.1, Poor);
    check(FootPatrol, Subcategory::Noise, Priority::P4, f64::NAN, Poor);
    check(FootPatrol, Subcategory::Robbery, Priority::P1, 801.0, Poor);
    // armed team kept free for violent incidents unless urgent
    check(
        ArmedPatrolTeam,
        Subcategory::Theft,
        Priority::P3,
        100.0,
        Acceptable,
    );
    check(
        ArmedPatrolTeam,
        Subcategory::SuicideThreat,
        Priority::P1,
        100.0,
        Good,
    );
    check(PatrolCar, Subcategory::Theft, Priority::P3, 100.0, Good);
}

#[test]
fn armed_team_is_the_best_kind_for_every_violent_subcategory() {
    for s in Subcategory::ALL.iter().filter(|s| s.violent()) {
        let armed = fits(UnitKind::ArmedPatrolTeam, *s, Priority::P1, 1000.0).level;
        for k in &UnitKind::ALL {
            assert!(
                fits(*k, *s, Priority::P1, 1000.0).level <= armed,
                "{k} vs armed for {s}"
            );
        }
    }
}

#[test]
fn recommendation_order_is_strictly_by_eta() {
    let c = |eta_s: f64, fit, call_sign| Candidate {
        eta_s,
        fit,
        call_sign,
    };
    let mut v = [
        c(130.0, FitLevel::Poor, "a"),
        c(102.0, FitLevel::Strong, "b"),
        c(63.0, FitLevel::Acceptable, "c"),
        c(f64::INFINITY, FitLevel::Strong, "d"),
        c(59.0, FitLevel::Good, "e"),
        c(f64::NAN, FitLevel::Strong, "f"),
        c(59.0, FitLevel::Strong, "g"),
        c(59.0, FitLevel::Strong, "b2"),
    ];
    v.sort_by(recommendation_order);
    let got: Vec<&str> = v.iter().map(|c| c.call_sign).collect();
    // The 63 s unit is above the 102 s one whatever their fit (the one-minute bands put the
    // 102 s strong fit first); equal ETAs: better fit, then call sign.
    assert_eq!(&got[..6], ["b2", "g", "e", "c", "b", "a"]);
    assert!(v[6..].iter().all(|c| !c.eta_s.is_finite()));
}

#[test]
fn status_predicates() {
    for s in &UnitStatus::ALL {
        assert_eq!(s.is_dispatchable(), *s == Available);
        assert_eq!(s.covers(), *s == Available);
        assert_eq!(s.is_assigned(), matches!(s, Dispatched | EnRoute | OnScene));
    }
}

#[test]
fn tier_follows_the_org_kind_except_for_armed_teams() {
    use jingwu_core::OrgKind;
    for k in UnitKind::ALL {
        for (org, want) in [
            (OrgKind::City, Tier::City),
            (OrgKind::District, Tier::District),
            (OrgKind::Station, Tier::Station),
        ] {
            let want = if k == UnitKind::ArmedPatrolTeam {
                Tier::ArmedPatrol
            } else {
                want
            };
            assert_eq!(tier_of(k, org), want, "{k} of a {org}");
        }
    }
}

#[test]
fn a_terminal_is_offered_only_the_edges_it_may_take() {
    use jingwu_command::unit::{Actor, Requirement, UnitStatus as S};
    let offer = |from: S| -> Vec<(S, Requirement)> {
        from.next_for(Actor::Terminal)
            .map(|t| (t.to, t.requires))
            .collect()
    };
    // A dispatch is the dispatcher's; the crew may start, pause or end its shift.
    assert_eq!(
        offer(S::Available),
        vec![
            (S::Busy, Requirement::None),
            (S::OffDuty, Requirement::None)
        ]
    );
    // Dispatched: go en route, or cancel with a reason — never straight to the scene.
    assert_eq!(
        offer(S::Dispatched),
        vec![
            (S::EnRoute, Requirement::None),
            (S::Available, Requirement::Reason)
        ]
    );
    assert_eq!(
        offer(S::OnScene),
        vec![
            (S::Available, Requirement::None),
            (S::Busy, Requirement::None)
        ]
    );
    // The dispatcher is also offered the dispatch, and every offer is legal for it.
    let dispatcher: Vec<S> = S::Available
        .next_for(Actor::Dispatcher)
        .map(|t| t.to)
        .collect();
    assert!(dispatcher.contains(&S::Dispatched));
    for from in [
        S::OffDuty,
        S::Available,
        S::Dispatched,
        S::EnRoute,
        S::OnScene,
        S::Busy,
    ] {
        for t in from.next_for(Actor::Terminal) {
            let ctx = jingwu_command::unit::TransitionCtx {
                actor: Some(Actor::Terminal),
                reason: Some("withdrawn"),
            };
            assert_eq!(jingwu_command::unit::transition(from, t.to, ctx), Ok(()));
        }
    }
}
