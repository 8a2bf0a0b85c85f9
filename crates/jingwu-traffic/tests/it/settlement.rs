use jingwu_traffic::{AccidentFacts, Liability, RefusalReason, liability_consistent, refusals};

const CLEAN: AccidentFacts = AccidentFacts {
    injured: false,
    parties_agree: true,
    all_plated: true,
    hazmat: false,
    hit_structure: false,
    all_licensed: true,
    impaired: false,
    all_movable: true,
};

#[test]
fn a_clean_fender_bender_may_settle_online() {
    assert!(refusals(&CLEAN).is_empty());
}

#[test]
fn each_fact_has_its_reason() {
    use RefusalReason::*;
    let cases = [
        (
            AccidentFacts {
                injured: true,
                ..CLEAN
            },
            Casualty,
        ),
        (
            AccidentFacts {
                parties_agree: false,
                ..CLEAN
            },
            FactDispute,
        ),
        (
            AccidentFacts {
                all_plated: false,
                ..CLEAN
            },
            NoPlate,
        ),
        (
            AccidentFacts {
                hazmat: true,
                ..CLEAN
            },
            Hazmat,
        ),
        (
            AccidentFacts {
                hit_structure: true,
                ..CLEAN
            },
            PropertyDamage,
        ),
        (
            AccidentFacts {
                all_licensed: false,
                ..CLEAN
            },
            NoLicence,
        ),
        (
            AccidentFacts {
                impaired: true,
                ..CLEAN
            },
            Impaired,
        ),
        (
            AccidentFacts {
                all_movable: false,
                ..CLEAN
            },
            Immovable,
        ),
    ];
    for (facts, reason) in cases {
        assert_eq!(refusals(&facts), vec![reason]);
    }
}

#[test]
fn all_reasons_in_table_order() {
    let worst = AccidentFacts {
        injured: true,
        parties_agree: false,
        all_plated: false,
        hazmat: true,
        hit_structure: true,
        all_licensed: false,
        impaired: true,
        all_movable: false,
    };
    assert_eq!(refusals(&worst), RefusalReason::ALL.to_vec());
    assert_eq!(
        RefusalReason::ALL.map(|r| r.as_str()),
        [
            "CASUALTY",
            "FACT_DISPUTE",
            "NO_PLATE",
            "HAZMAT",
            "PROPERTY_DAMAGE",
            "NO_LICENCE",
            "IMPAIRED",
            "IMMOVABLE"
        ]
    );
}

#[test]
fn liability_pairs() {
    use Liability::*;
    let fits = [
        (Full, None),
        (None, Full),
        (Main, Minor),
        (Minor, Main),
        (Equal, Equal),
    ];
    for a in Liability::ALL {
        for b in Liability::ALL {
            assert_eq!(
                liability_consistent(a, b),
                fits.contains(&(a, b)),
                "{a} {b}"
            );
        }
    }
}
