use jingwu_cases::chain::{Broken, digest, genesis, verify, verify_with_head};
use jingwu_cases::evidence::{CustodyEvent, MovementKind};
use jingwu_cases::ids::ItemId;
use proptest::prelude::*;

fn event(item: &str, seq: i64, prev: &str, kind: MovementKind) -> CustodyEvent {
    let mut e = CustodyEvent {
        item_id: ItemId::from(item),
        seq,
        kind,
        at: 1_800_000_000_000_000 + seq * 1_000_000,
        actor_id: format!("actor-{seq}"),
        from_holder: None,
        to_holder: Some(format!("holder-{seq}")),
        from_location: Some("loc-a".into()),
        to_location: None,
        place: "store".into(),
        reason: format!("reason {seq}"),
        seal_no: Some("S-1".into()),
        seal_intact: Some(true),
        hash_matched: None,
        witnesses: vec!["w1".into(), "w2".into()],
        prev_digest: prev.to_owned(),
        digest: String::new(),
    };
    e.digest = digest(&e);
    e
}

fn chain(item: &str, n: usize) -> Vec<CustodyEvent> {
    let kinds = MovementKind::ALL;
    let mut prev = genesis(item);
    let mut out = Vec::new();
    for i in 0..n {
        let e = event(item, i as i64 + 1, &prev, kinds[i % kinds.len()]);
        prev.clone_from(&e.digest);
        out.push(e);
    }
    out
}

/// Changes field `which` of `e` (without recomputing its digest).
fn alter(e: &mut CustodyEvent, which: usize) {
    match which {
        0 => {
            e.kind = if e.kind == MovementKind::Dispose {
                MovementKind::Return
            } else {
                MovementKind::Dispose
            }
        }
        1 => e.at += 1,
        2 => e.actor_id.push('x'),
        3 => e.from_holder = Some("someone".into()),
        4 => e.to_holder = None,
        5 => e.from_location = Some(String::new()),
        6 => e.to_location = Some("loc-z".into()),
        7 => e.place.push('!'),
        8 => e.reason = String::new(),
        9 => e.seal_no = Some("S-2".into()),
        10 => e.seal_intact = Some(false),
        11 => e.hash_matched = Some(true),
        12 => e.witnesses.pop().map(|_| ()).unwrap_or(()),
        13 => e.witnesses.swap(0, 1),
        14 => e.item_id = ItemId::from("other"),
        _ => e.prev_digest = genesis("other"),
    }
}

#[test]
fn an_intact_chain_verifies() {
    let c = chain("item", 12);
    assert_eq!(verify("item", &c), Ok(12));
    assert_eq!(verify_with_head("item", &c, 12, &c[11].digest), Ok(12));
    assert_eq!(verify("item", &[]), Ok(0));
}

#[test]
fn genesis_differs_per_item_and_absent_differs_from_empty() {
    assert_ne!(genesis("a"), genesis("b"));
    let c = chain("item", 1);
    let mut e = c[0].clone();
    e.from_holder = Some(String::new());
    assert_ne!(digest(&e), c[0].digest);
    // A chain copied onto another item does not verify there.
    assert!(verify("other", &c).is_err());
}

#[test]
fn a_removed_tail_event_is_found_by_the_head() {
    let c = chain("item", 5);
    let head = c[4].digest.clone();
    assert_eq!(
        verify_with_head("item", &c[..4], 5, &head),
        Err(Broken::Head {
            head_seq: 5,
            last_seq: 4
        })
    );
}

proptest! {
    #[test]
    fn any_single_changed_field_is_found_at_its_event(n in 1usize..12, at in 0usize..12, which in 0usize..16) {
        let mut c = chain("item", n);
        let at = at % n;
        alter(&mut c[at], which);
        let r = verify("item", &c);
        prop_assert!(r.is_err());
        prop_assert_eq!(r.unwrap_err().seq(), at as i64 + 1);
    }

    #[test]
    fn a_changed_event_with_its_digest_recomputed_breaks_the_next_link(n in 2usize..12, at in 0usize..11, which in 0usize..14) {
        let mut c = chain("item", n);
        let at = at % (n - 1);
        alter(&mut c[at], which);
        c[at].digest = digest(&c[at]);
        prop_assert_eq!(verify("item", &c), Err(Broken::Link { seq: at as i64 + 2 }));
    }

    #[test]
    fn a_removed_event_is_found(n in 2usize..12, at in 0usize..11) {
        let mut c = chain("item", n);
        let at = at % (n - 1);
        c.remove(at);
        prop_assert_eq!(verify("item", &c), Err(Broken::Sequence { seq: at as i64 + 2, expected: at as i64 + 1 }));
    }

    #[test]
    fn reordered_events_are_found(n in 2usize..12, a in 0usize..12, b in 0usize..12) {
        let mut c = chain("item", n);
        let (a, b) = (a % n, b % n);
        prop_assume!(a != b);
        c.swap(a, b);
        prop_assert!(verify("item", &c).is_err());
        // Even renumbered in place, the links give it away.
        for (i, e) in c.iter_mut().enumerate() {
            e.seq = i as i64 + 1;
        }
        prop_assert!(verify("item", &c).is_err());
    }
}
