use jingwu_command::plans::*;
use jingwu_command::taxonomy::{Category, Priority, Subcategory};
use jingwu_command::unit::{FitLevel, UnitKind};

fn spec(category: Category, sub: Option<Subcategory>, prio: Option<Priority>) -> PlanSpec {
    PlanSpec {
        name: "plan".into(),
        category,
        subcategory: sub,
        priority: prio,
        slots: vec![slot(UnitKind::PatrolCar, 1, &[])],
        agencies: vec![],
    }
}

fn slot(kind: UnitKind, count: u8, equipment: &[&str]) -> PlanSlot {
    PlanSlot {
        kind,
        count,
        equipment: equipment.iter().map(|e| e.to_string()).collect(),
    }
}

fn plan(id: &str, org_path: &str, spec: PlanSpec) -> ResponsePlan {
    ResponsePlan {
        id: PlanId::from(id),
        org_id: org_path.into(),
        org_path: org_path.into(),
        spec,
        created_at: 0,
        updated_at: 0,
    }
}

const CITY: &str = "/330200/";
const DISTRICT: &str = "/330200/330203/";
const STATION: &str = "/330200/330203/33020301/";

#[test]
fn the_most_specific_matching_plan_applies() {
    use Category::Criminal;
    use Subcategory::{Robbery, Theft};
    let plans = [
        plan("cat", CITY, spec(Criminal, None, None)),
        plan("cat-p1", CITY, spec(Criminal, None, Some(Priority::P1))),
        plan("sub", CITY, spec(Criminal, Some(Robbery), None)),
        plan(
            "sub-p1",
            CITY,
            spec(Criminal, Some(Robbery), Some(Priority::P1)),
        ),
        plan("traffic", CITY, spec(Category::Traffic, None, None)),
    ];
    let applied = |sub, prio| applicable(&plans, STATION, sub, prio).map(|p| p.id.as_str());
    assert_eq!(applied(Robbery, Priority::P1), Some("sub-p1"));
    assert_eq!(applied(Robbery, Priority::P2), Some("sub"));
    assert_eq!(applied(Theft, Priority::P1), Some("cat-p1"));
    assert_eq!(applied(Theft, Priority::P3), Some("cat"));
    assert_eq!(applied(Subcategory::Fight, Priority::P1), None);
}

#[test]
fn the_nearest_org_wins_among_equally_specific_plans_and_only_ancestors_apply() {
    use Category::Criminal;
    let plans = [
        plan("city", CITY, spec(Criminal, None, None)),
        plan("district", DISTRICT, spec(Criminal, None, None)),
        plan(
            "other-station",
            "/330200/330205/33020501/",
            spec(Criminal, None, None),
        ),
        plan(
            "city-robbery",
            CITY,
            spec(Criminal, Some(Subcategory::Robbery), None),
        ),
    ];
    let at = |path, sub| applicable(&plans, path, sub, Priority::P2).map(|p| p.id.as_str());
    assert_eq!(at(STATION, Subcategory::Theft), Some("district"));
    assert_eq!(at(CITY, Subcategory::Theft), Some("city"));
    assert_eq!(at("/330200/330205/", Subcategory::Theft), Some("city"));
    // A more specific match beats a nearer org's general plan.
    assert_eq!(at(STATION, Subcategory::Robbery), Some("city-robbery"));
}

fn unit<'a>(
    kind: UnitKind,
    eta_s: f64,
    call_sign: &'a str,
    equipment: &'a [String],
) -> RankUnit<'a> {
    RankUnit {
        kind,
        equipment,
        eta_s,
        fit: FitLevel::Good,
        call_sign,
    }
}

#[test]
fn without_a_plan_units_are_ranked_strictly_by_eta() {
    let none: Vec<String> = vec![];
    let units = [
        RankUnit {
            fit: FitLevel::Strong,
            ..unit(UnitKind::ArmedPatrolTeam, 102.0, "armed", &none)
        },
        RankUnit {
            fit: FitLevel::Acceptable,
            ..unit(UnitKind::FootPatrol, 63.0, "foot", &none)
        },
        unit(UnitKind::PatrolCar, 240.0, "car", &none),
    ];
    let r = rank(&[], &units);
    let order: Vec<usize> = r.order.iter().map(|x| x.index).collect();
    assert_eq!(order, [1, 0, 2]);
    assert!(r.order.iter().all(|x| x.slot.is_none()));
    assert!(r.unfilled.is_empty());
}

#[test]
fn slots_take_the_first_arriving_eligible_units_then_the_rest_by_eta() {
    let none: Vec<String> = vec![];
    let rifle: Vec<String> = vec!["rifle".into(), "shield".into()];
    let units = [
        unit(UnitKind::PatrolCar, 30.0, "car-near", &none),
        unit(UnitKind::FootPatrol, 20.0, "foot", &none),
        unit(UnitKind::PatrolCar, 300.0, "car-far", &none),
        unit(UnitKind::PatrolCar, 90.0, "car-mid", &rifle),
        unit(UnitKind::ArmedPatrolTeam, 400.0, "armed-plain", &none),
        unit(UnitKind::ArmedPatrolTeam, 500.0, "armed-rifle", &rifle),
        unit(UnitKind::PatrolCar, f64::INFINITY, "car-off", &rifle),
    ];
    let slots = [
        slot(UnitKind::PatrolCar, 2, &[]),
        slot(UnitKind::ArmedPatrolTeam, 1, &["rifle"]),
        slot(UnitKind::Motorcycle, 1, &[]),
    ];
    let r = rank(&slots, &units);
    let got: Vec<(&str, Option<usize>)> = r
        .order
        .iter()
        .map(|x| (units[x.index].call_sign, x.slot))
        .collect();
    assert_eq!(
        got,
        [
            ("car-near", Some(0)),
            ("car-mid", Some(0)),
            // Fit does not rank a slot: the armed team with the required rifle fills it,
            // although a plain armed team arrives earlier.
            ("armed-rifle", Some(1)),
            ("foot", None),
            ("car-far", None),
            ("armed-plain", None),
            ("car-off", None),
        ]
    );
    assert_eq!(
        r.unfilled,
        [Unfilled {
            slot: 2,
            wanted: 1,
            found: 0
        }]
    );
}

#[test]
fn a_slot_requiring_equipment_is_filled_before_one_any_unit_can_fill() {
    let none: Vec<String> = vec![];
    let rifle: Vec<String> = vec!["rifle".into()];
    let units = [
        unit(UnitKind::PatrolCar, 10.0, "rifle-car", &rifle),
        unit(UnitKind::PatrolCar, 50.0, "plain-car", &none),
    ];
    let slots = [
        slot(UnitKind::PatrolCar, 1, &[]),
        slot(UnitKind::PatrolCar, 1, &["rifle"]),
    ];
    let r = rank(&slots, &units);
    assert_eq!(
        r.order,
        [
            Ranked {
                index: 0,
                slot: Some(1)
            },
            Ranked {
                index: 1,
                slot: Some(0)
            }
        ]
    );
    assert!(r.unfilled.is_empty());
}

fn draft() -> PlanDraft {
    PlanDraft {
        name: " 暴力犯罪一级 ".into(),
        category: "criminal".into(),
        subcategory: Some("robbery".into()),
        priority: Some("p1".into()),
        slots: vec![
            SlotDraft {
                kind: "patrol_car".into(),
                count: 2,
                equipment: vec![],
            },
            SlotDraft {
                kind: "armed_patrol_team".into(),
                count: 1,
                equipment: vec!["shield".into(), "rifle".into()],
            },
        ],
        agencies: vec!["ambulance_120".into()],
    }
}

#[test]
fn a_valid_draft_becomes_a_spec() {
    let s = validate(&draft()).unwrap();
    assert_eq!(s.name, "暴力犯罪一级");
    assert_eq!(s.subcategory, Some(Subcategory::Robbery));
    assert_eq!(s.slots[1].equipment, ["rifle", "shield"]);
    assert_eq!(s.agencies, [Agency::Ambulance120]);
    let any = PlanDraft {
        subcategory: None,
        priority: None,
        ..draft()
    };
    let s = validate(&any).unwrap();
    assert_eq!((s.subcategory, s.priority), (None, None));
}

#[test]
fn every_bad_field_is_named() {
    let d = PlanDraft {
        name: "  ".into(),
        category: "criminal".into(),
        subcategory: Some("collision".into()),
        priority: Some("p9".into()),
        slots: vec![
            SlotDraft {
                kind: "tank".into(),
                count: 0,
                equipment: vec!["Rifle".into()],
            },
            SlotDraft {
                kind: "patrol_car".into(),
                count: 11,
                equipment: vec!["a".into(), "a".into()],
            },
        ],
        agencies: vec!["fire_119".into(), "fire_119".into(), "army".into()],
    };
    let errs = validate(&d).unwrap_err();
    let fields: Vec<(&str, &str)> = errs.iter().map(|e| (e.field.as_str(), e.code)).collect();
    assert_eq!(
        fields,
        [
            ("name", "plan.name"),
            ("subcategory", "taxonomy"),
            ("priority", "priority.unknown"),
            ("slots[0].kind", "plan.slot_kind"),
            ("slots[0].count", "plan.slot_count"),
            ("slots[0].equipment", "plan.equipment"),
            ("slots[1].count", "plan.slot_count"),
            ("slots[1].equipment", "plan.equipment"),
            ("agencies[1]", "plan.agency"),
            ("agencies[2]", "plan.agency"),
        ]
    );
    let empty = PlanDraft {
        slots: vec![],
        category: "nothing".into(),
        ..draft()
    };
    let fields: Vec<String> = validate(&empty)
        .unwrap_err()
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(fields, ["category", "slots"]);
}
