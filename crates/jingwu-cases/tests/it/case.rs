use jingwu_cases::case::{
    CaseKind, CaseStatus, CloseBlocked, IdKind, IdentityError, MoveRefused, OpenWork, StepKind,
    case_number, check_identity, decide_move, may_close, may_move, number_prefix,
    supervising_office,
};
use jingwu_core::OrgKind;
use jingwu_core::records::OrgUnit;
use proptest::prelude::*;

fn today() -> jiff::civil::Date {
    jiff::civil::date(2026, 3, 1)
}

/// A valid resident ID with the GB 11643 check character computed.
fn resident_id(body17: &str) -> String {
    let c = jingwu_validate::resident_id::check_character(body17).unwrap();
    format!("{body17}{c}")
}

#[test]
fn criminal_and_administrative_cases_move_by_their_own_machines() {
    use CaseStatus::*;
    let c = CaseKind::Criminal;
    assert!(may_move(c, Accepted, Filed));
    assert!(may_move(c, Accepted, NotFiled));
    assert!(may_move(c, Filed, Closed));
    assert!(may_move(c, Filed, Revoked));
    assert!(
        !may_move(c, Accepted, Closed),
        "a criminal case is filed before it closes"
    );
    assert!(!may_move(c, Closed, Filed));
    let a = CaseKind::Administrative;
    assert!(may_move(a, Accepted, Closed));
    assert!(may_move(a, Accepted, Revoked));
    assert!(
        !may_move(a, Accepted, Filed),
        "no 立案 for an administrative case"
    );
    assert!(!may_move(a, Accepted, NotFiled));
    // Nothing leaves a final status, and nothing moves to where it is.
    for kind in CaseKind::ALL {
        for from in CaseStatus::ALL.into_iter().filter(|s| s.is_final()) {
            for to in CaseStatus::ALL {
                assert!(!may_move(kind, from, to), "{kind:?} {from:?} -> {to:?}");
            }
        }
        for s in CaseStatus::ALL {
            assert!(!may_move(kind, s, s));
        }
    }
}

#[test]
fn a_case_does_not_end_while_something_is_open() {
    let none = OpenWork::default();
    assert_eq!(may_close(&none), Ok(()));
    let all = OpenWork {
        corrections: 1,
        in_area: 2,
        running_deadlines: 3,
    };
    assert_eq!(may_close(&all), Err(CloseBlocked::CorrectionOpen(1)));
    let area = OpenWork {
        corrections: 0,
        ..all
    };
    assert_eq!(may_close(&area), Err(CloseBlocked::PersonInArea(2)));
    let deadline = OpenWork { in_area: 0, ..area };
    assert_eq!(may_close(&deadline), Err(CloseBlocked::DeadlineRunning(3)));

    use CaseStatus::*;
    let k = CaseKind::Criminal;
    assert_eq!(
        decide_move(k, Filed, Closed, "", &all),
        Err(MoveRefused::Blocked(CloseBlocked::CorrectionOpen(1)))
    );
    // Filing does not end the case: open work does not stop it.
    assert_eq!(decide_move(k, Accepted, Filed, "", &all), Ok(()));
    assert_eq!(
        decide_move(k, Filed, Revoked, " ", &none),
        Err(MoveRefused::Reason)
    );
    assert_eq!(decide_move(k, Filed, Revoked, "证据不足", &none), Ok(()));
    assert!(matches!(
        decide_move(k, Accepted, Closed, "", &none),
        Err(MoveRefused::State { .. })
    ));
}

proptest! {
    /// Whatever is open, a move that ends a case is allowed exactly when nothing is.
    #[test]
    fn ending_needs_nothing_open(c in 0usize..3, a in 0usize..3, d in 0usize..3) {
        let open = OpenWork { corrections: c, in_area: a, running_deadlines: d };
        let r = decide_move(CaseKind::Administrative, CaseStatus::Accepted, CaseStatus::Closed, "", &open);
        prop_assert_eq!(r.is_ok(), c + a + d == 0);
    }

    /// Numbers are the prefix and at least five digits of sequence, and distinct sequences
    /// give distinct numbers.
    #[test]
    fn case_numbers_are_prefix_and_sequence(seq in 1i64..2_000_000, other in 1i64..2_000_000) {
        let p = number_prefix(CaseKind::Criminal, "33020501", 2026);
        let n = case_number(&p, seq);
        prop_assert!(n.starts_with("A330205012026"));
        let tail = &n[p.len()..];
        prop_assert!(tail.len() >= 5 && tail.bytes().all(|b| b.is_ascii_digit()));
        prop_assert_eq!(tail.parse::<i64>().unwrap(), seq);
        prop_assert_eq!(seq == other, n == case_number(&p, other));
    }
}

#[test]
fn case_number_format() {
    let p = number_prefix(CaseKind::Administrative, "330205", 2026);
    assert_eq!(p, "X3302052026");
    assert_eq!(case_number(&p, 1), "X330205202600001");
    assert_eq!(
        case_number(&number_prefix(CaseKind::Criminal, "33020501", 2026), 42),
        "A33020501202600042"
    );
}

#[test]
fn identities_are_checked_by_their_document() {
    let id = resident_id("33020319900101001");
    assert_eq!(
        check_identity(
            IdKind::ResidentId,
            Some(&format!(" {} ", id.to_lowercase())),
            today()
        ),
        Ok(Some(id.clone()))
    );
    // A wrong check character is refused (GB 11643).
    let mut bad = id.clone();
    let last = if bad.ends_with('0') { '1' } else { '0' };
    bad.pop();
    bad.push(last);
    assert!(matches!(
        check_identity(IdKind::ResidentId, Some(&bad), today()),
        Err(IdentityError::ResidentId(_))
    ));
    // Born after today: refused.
    let future = resident_id("33020320300101001");
    assert!(check_identity(IdKind::ResidentId, Some(&future), today()).is_err());
    assert_eq!(
        check_identity(IdKind::ResidentId, None, today()),
        Err(IdentityError::Missing)
    );
    assert_eq!(check_identity(IdKind::Unknown, None, today()), Ok(None));
    assert_eq!(
        check_identity(IdKind::Unknown, Some("  "), today()),
        Ok(None)
    );
    assert_eq!(
        check_identity(IdKind::Unknown, Some("E12345678"), today()),
        Err(IdentityError::Unexpected)
    );
    assert_eq!(
        check_identity(IdKind::Passport, Some("e12345678"), today()),
        Ok(Some("E12345678".into()))
    );
    assert_eq!(
        check_identity(IdKind::Passport, Some("E1234-5678"), today()),
        Err(IdentityError::Passport)
    );
    assert_eq!(
        check_identity(IdKind::Other, Some("H1234567-01"), today()),
        Ok(Some("H1234567-01".into()))
    );
    assert_eq!(
        check_identity(IdKind::Other, Some("<script>"), today()),
        Err(IdentityError::Other)
    );
}

fn org(kind: OrgKind, code: &str) -> OrgUnit {
    OrgUnit {
        id: format!("o-{code}"),
        parent_id: None,
        kind,
        code: code.into(),
        name_zh: code.into(),
        name_en: code.into(),
        path: String::new(),
        created_at: 0,
    }
}

#[test]
fn the_supervising_office_is_the_nearest_district_or_the_city() {
    let city = org(OrgKind::City, "330200");
    let district = org(OrgKind::District, "330205");
    let station = org(OrgKind::Station, "33020501");
    let chain = [city.clone(), district.clone(), station];
    assert_eq!(supervising_office(&chain).unwrap().code, "330205");
    assert_eq!(
        supervising_office(&[city.clone(), district]).unwrap().code,
        "330205"
    );
    assert_eq!(supervising_office(&[city]).unwrap().code, "330200");
    assert!(supervising_office(&[]).is_none());
}

#[test]
fn status_steps_are_not_recorded_by_hand_and_steps_fit_their_kind() {
    for s in CaseStatus::ALL {
        assert!(s.step().by_status());
    }
    assert!(!StepKind::Interrogation.by_status());
    assert!(StepKind::ArrestRequest.fits(CaseKind::Criminal));
    assert!(!StepKind::ArrestRequest.fits(CaseKind::Administrative));
    assert!(StepKind::PenaltyDecision.fits(CaseKind::Administrative));
    assert!(!StepKind::PenaltyDecision.fits(CaseKind::Criminal));
    assert!(StepKind::Interrogation.fits(CaseKind::Administrative));
}
