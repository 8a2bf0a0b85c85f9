use jingwu_traffic::services::may_move;
use jingwu_traffic::{ApplicationStatus, Fen, ServiceKind};

#[test]
fn fifteen_services_with_materials() {
    assert_eq!(ServiceKind::ALL.len(), 15);
    for s in ServiceKind::ALL {
        let materials = s.materials();
        assert!(!materials.is_empty(), "{s}");
        assert!(
            materials.iter().any(|m| m.code == "id_card"),
            "{s}: real-name"
        );
        let mut codes: Vec<_> = materials.iter().map(|m| m.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), materials.len(), "{s}: a material twice");
        assert!(s.fee() >= Fen::ZERO);
        if s.mailed() {
            assert!(s != ServiceKind::ContactChange);
        }
    }
    assert_eq!(ServiceKind::PlatePreselection.label_zh(), "预选号牌");
    assert!(ServiceKind::PlateReplacement.for_vehicle() && ServiceKind::PlateReplacement.mailed());
    assert!(!ServiceKind::ExamRegistration.for_vehicle());
    assert_eq!(ServiceKind::ContactChange.fee(), Fen::ZERO);
}

#[test]
fn the_state_machine_pair_by_pair() {
    use ApplicationStatus::*;
    let allowed = [
        (Submitted, Returned),
        (Submitted, Accepted),
        (Submitted, Rejected),
        (Submitted, Withdrawn),
        (Returned, Submitted),
        (Returned, Withdrawn),
        (Accepted, Approved),
        (Accepted, Rejected),
        (Approved, Mailed),
    ];
    for from in ApplicationStatus::ALL {
        for to in ApplicationStatus::ALL {
            assert_eq!(
                may_move(from, to),
                allowed.contains(&(from, to)),
                "{from} → {to}"
            );
        }
    }
    let finals: Vec<_> = ApplicationStatus::ALL
        .into_iter()
        .filter(|s| s.is_final())
        .collect();
    assert_eq!(finals, [Rejected, Mailed, Withdrawn]);
}
