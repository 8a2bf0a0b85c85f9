use jingwu_cases::evidence::*;
use jingwu_cases::ids::{CaseId, ItemId, LocationId};
use jingwu_core::OrgId;

const T0: i64 = 1_800_000_000_000_000;

fn loc(code: &str, secure: bool) -> Location {
    Location {
        id: LocationId::from(format!("loc-{code}")),
        org_id: OrgId::from("store"),
        code: code.into(),
        name: code.into(),
        secure,
        active: true,
    }
}

fn new_item(category: Category, location: Option<Location>) -> NewItem {
    NewItem {
        id: ItemId::from("item-1"),
        org_id: OrgId::from("store"),
        case_id: CaseId::from("case-1"),
        barcode: "WZ-0001".into(),
        seal_no: Some("S-1".into()),
        description: "a knife".into(),
        category,
        kind: ItemKind::Physical,
        quantity: 1,
        sha256: None,
        size_bytes: None,
        media_type: None,
        location,
        seized_at: T0 - 1,
        place: "store".into(),
        reason: "seized at the scene".into(),
    }
}

fn taken_in(category: Category, secure: bool) -> Item {
    intake(
        new_item(category, Some(loc("A-1", secure))),
        "custodian",
        T0,
    )
    .unwrap()
    .0
}

fn req() -> MoveRequest {
    MoveRequest {
        reason: "because".into(),
        ..Default::default()
    }
}

/// Applies a decided move to the item, as the store does.
fn apply(item: &Item, m: &Moved) -> Item {
    Item {
        state: m.state,
        location_id: m.location_id.clone(),
        holder_id: m.holder_id.clone(),
        seal_no: m.seal_no.clone(),
        flagged: m.flagged,
        last_seq: m.event.seq,
        last_digest: m.event.digest.clone(),
        ..item.clone()
    }
}

#[test]
fn high_risk_categories_are_the_five_named() {
    let high: Vec<_> = Category::ALL.iter().filter(|c| c.high_risk()).collect();
    assert_eq!(
        high,
        [
            &Category::Drugs,
            &Category::Firearm,
            &Category::Ammunition,
            &Category::Cash,
            &Category::Valuables
        ]
    );
}

#[test]
fn the_state_machine() {
    use ItemState::*;
    use MovementKind::*;
    assert_eq!(next(InStore, CheckOut), Ok(CheckedOut));
    assert_eq!(next(CheckedOut, CheckIn), Ok(InStore));
    assert_eq!(next(Transferred, CheckIn), Ok(InStore));
    assert_eq!(next(InStore, Relocate), Ok(InStore));
    assert_eq!(next(InStore, Transfer), Ok(Transferred));
    assert_eq!(next(InStore, Return), Ok(Returned));
    assert_eq!(next(InStore, Dispose), Ok(Disposed));
    assert!(next(InStore, CheckIn).is_err());
    assert!(next(CheckedOut, CheckOut).is_err());
    assert!(next(CheckedOut, Dispose).is_err());
    assert!(next(InStore, Intake).is_err());
    for m in MovementKind::ALL {
        assert!(next(Returned, m).is_err(), "{m:?} after return");
        assert!(next(Disposed, m).is_err(), "{m:?} after disposal");
    }
}

#[test]
fn intake_chains_to_the_genesis_and_needs_a_location_for_things() {
    let (item, event) = intake(
        new_item(Category::General, Some(loc("A-1", false))),
        "c",
        T0,
    )
    .unwrap();
    assert_eq!(item.state, ItemState::InStore);
    assert_eq!(item.last_seq, 1);
    assert_eq!(event.prev_digest, jingwu_cases::chain::genesis("item-1"));
    assert_eq!(item.last_digest, event.digest);
    assert!(matches!(
        intake(new_item(Category::General, None), "c", T0),
        Err(Refusal::Field {
            field: "location_id",
            ..
        })
    ));
    assert_eq!(
        intake(new_item(Category::Drugs, Some(loc("A-1", false))), "c", T0).map(|_| ()),
        Err(Refusal::SecureLocation)
    );
    let mut other = loc("B-1", true);
    other.org_id = OrgId::from("another store");
    assert!(intake(new_item(Category::Drugs, Some(other)), "c", T0).is_err());
    let mut future = new_item(Category::General, Some(loc("A-1", false)));
    future.seized_at = T0 + 1;
    assert!(intake(future, "c", T0).is_err());
}

#[test]
fn check_out_and_in_with_the_seal() {
    let item = taken_in(Category::General, false);
    let out = decide(
        &item,
        MovementKind::CheckOut,
        &MoveRequest {
            to_holder: Some("handler".into()),
            ..req()
        },
        "custodian",
        T0 + 10,
    )
    .unwrap();
    assert_eq!(out.state, ItemState::CheckedOut);
    assert_eq!(out.location_id, None);
    assert_eq!(out.holder_id.as_ref().map(|h| h.as_str()), Some("handler"));
    assert_eq!(out.event.from_location.as_deref(), Some("loc-A-1"));
    assert_eq!(out.event.seq, 2);
    assert_eq!(out.event.prev_digest, item.last_digest);
    let item = apply(&item, &out);

    // Seal state must be stated.
    let no_seal = MoveRequest {
        to_location: Some(loc("A-2", false)),
        ..req()
    };
    assert!(matches!(
        decide(&item, MovementKind::CheckIn, &no_seal, "custodian", T0 + 20),
        Err(Refusal::Field {
            field: "seal_intact",
            ..
        })
    ));
    // An intact seal with another number is a mismatch.
    let wrong = MoveRequest {
        seal_intact: Some(true),
        seal_no: Some("S-9".into()),
        ..no_seal.clone()
    };
    assert!(matches!(
        decide(&item, MovementKind::CheckIn, &wrong, "custodian", T0 + 20),
        Err(Refusal::SealMismatch { .. })
    ));
    // A broken seal needs the new number, then flags the item.
    let broken = MoveRequest {
        seal_intact: Some(false),
        ..no_seal.clone()
    };
    assert!(matches!(
        decide(&item, MovementKind::CheckIn, &broken, "custodian", T0 + 20),
        Err(Refusal::Field {
            field: "seal_no",
            ..
        })
    ));
    let resealed = MoveRequest {
        seal_no: Some("S-2".into()),
        ..broken
    };
    let back = decide(
        &item,
        MovementKind::CheckIn,
        &resealed,
        "custodian",
        T0 + 20,
    )
    .unwrap();
    assert_eq!(back.state, ItemState::InStore);
    assert!(back.flagged);
    assert_eq!(back.seal_no.as_deref(), Some("S-2"));
    assert_eq!(back.event.seal_intact, Some(false));
    assert_eq!(back.event.from_holder.as_deref(), Some("handler"));
    assert_eq!(back.holder_id, None);
}

#[test]
fn a_stale_head_is_refused() {
    let item = taken_in(Category::General, false);
    let r = MoveRequest {
        to_holder: Some("h".into()),
        expected_seq: Some(2),
        ..req()
    };
    assert_eq!(
        decide(&item, MovementKind::CheckOut, &r, "c", T0).map(|_| ()),
        Err(Refusal::Stale {
            expected: 2,
            current: 1
        })
    );
    let r = MoveRequest {
        expected_seq: Some(1),
        ..r
    };
    assert!(decide(&item, MovementKind::CheckOut, &r, "c", T0).is_ok());
}

#[test]
fn high_risk_items_stay_in_secure_locations() {
    let item = taken_in(Category::Firearm, true);
    let r = MoveRequest {
        to_location: Some(loc("open shelf", false)),
        ..req()
    };
    assert_eq!(
        decide(&item, MovementKind::Relocate, &r, "c", T0).map(|_| ()),
        Err(Refusal::SecureLocation)
    );
    let r = MoveRequest {
        to_location: Some(loc("safe 2", true)),
        ..req()
    };
    assert!(decide(&item, MovementKind::Relocate, &r, "c", T0).is_ok());
    let r = MoveRequest {
        to_location: Some(loc("A-1", true)),
        ..req()
    };
    assert!(
        decide(&item, MovementKind::Relocate, &r, "c", T0).is_err(),
        "same location"
    );
}

#[test]
fn the_witness_rule() {
    let w = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    use MovementKind::*;
    // High-risk disposal and return: two distinct witnesses, neither the custodian.
    for m in [Dispose, Return] {
        assert_eq!(
            check_witnesses(Category::Drugs, m, "c", &w(&[])),
            Err(Refusal::Witnesses)
        );
        assert_eq!(
            check_witnesses(Category::Drugs, m, "c", &w(&["a"])),
            Err(Refusal::Witnesses)
        );
        assert_eq!(
            check_witnesses(Category::Drugs, m, "c", &w(&["a", "a"])),
            Err(Refusal::Witnesses)
        );
        assert_eq!(
            check_witnesses(Category::Drugs, m, "c", &w(&["a", "c"])),
            Err(Refusal::Witnesses)
        );
        assert_eq!(
            check_witnesses(Category::Drugs, m, "c", &w(&["a", "b"])),
            Ok(())
        );
        assert_eq!(check_witnesses(Category::General, m, "c", &w(&[])), Ok(()));
    }
    assert_eq!(
        check_witnesses(Category::Cash, Transfer, "c", &w(&[])),
        Ok(())
    );
    // Witnesses given anyway are checked the same way.
    assert_eq!(
        check_witnesses(Category::General, Relocate, "c", &w(&["c"])),
        Err(Refusal::Witnesses)
    );

    let item = taken_in(Category::Drugs, true);
    let r = MoveRequest {
        place: "incinerator".into(),
        ..req()
    };
    assert_eq!(
        decide(&item, Dispose, &r, "c", T0).map(|_| ()),
        Err(Refusal::Witnesses)
    );
    let r = MoveRequest {
        witnesses: w(&["a", "b"]),
        ..r
    };
    let d = decide(&item, Dispose, &r, "c", T0).unwrap();
    assert_eq!(d.state, ItemState::Disposed);
    assert_eq!(d.event.witnesses, w(&["a", "b"]));
}

#[test]
fn files_have_no_shelf_and_things_no_hash() {
    let mut n = new_item(Category::DigitalData, None);
    n.kind = ItemKind::Digital;
    n.sha256 = Some("ab".repeat(32));
    let (item, first) = intake(n.clone(), "c", T0).unwrap();
    assert_eq!(first.hash_matched, Some(true));
    assert_eq!(item.location_id, None);
    let r = MoveRequest {
        to_holder: Some("h".into()),
        ..req()
    };
    assert!(matches!(
        decide(&item, MovementKind::CheckOut, &r, "c", T0),
        Err(Refusal::Kind { .. })
    ));
    let check = MoveRequest {
        hash_matched: Some(false),
        ..Default::default()
    };
    let m = decide(&item, MovementKind::IntegrityCheck, &check, "c", T0).unwrap();
    assert!(m.flagged);
    assert_eq!(m.event.hash_matched, Some(false));
    let thing = taken_in(Category::General, false);
    assert!(matches!(
        decide(&thing, MovementKind::IntegrityCheck, &check, "c", T0),
        Err(Refusal::Kind { .. })
    ));
    // A file is data, audio-video or a document, not drugs.
    n.category = Category::Drugs;
    assert!(intake(n, "c", T0).is_err());
}

#[test]
fn barcodes() {
    assert!(valid_barcode("WZ-330205-20260314-000001"));
    assert!(!valid_barcode("abc"));
    assert!(!valid_barcode("WZ 1234"));
    assert!(!valid_barcode(&"A".repeat(41)));
    let d = jiff::civil::date(2026, 3, 14);
    let b = label_barcode("330205", d, 42);
    assert_eq!(b, "WZ-330205-20260314-000042");
    assert!(valid_barcode(&b));
}
