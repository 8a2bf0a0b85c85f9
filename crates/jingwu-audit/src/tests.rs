use super::*;
use proptest::prelude::*;
use serde_json::json;

fn new_entry(i: i64) -> NewEntry {
    NewEntry {
        at_us: 1_700_000_000_000_000 + i,
        actor_id: format!("user-{}", i % 3),
        actor_role: "admin".into(),
        org_path: "/3302/".into(),
        action: "user.create".into(),
        object_type: "user".into(),
        object_id: format!("obj-{i}"),
        request_id: format!("req-{i}"),
        detail: json!({"b": i, "a": "x"}),
    }
}

fn chain(n: i64) -> Vec<Entry> {
    let mut out: Vec<Entry> = Vec::new();
    for i in 0..n {
        let (seq, hash) = out
            .last()
            .map_or((0, GENESIS_HASH.to_string()), |e| (e.seq, e.hash.clone()));
        out.push(Entry::chain(seq, &hash, new_entry(i)));
    }
    out
}

fn verify_all(entries: &[Entry], head_seq: i64, head_hash: &str) -> Result<i64, ChainError> {
    let mut v = Verifier::default();
    for e in entries {
        v.push(e)?;
    }
    v.finish(head_seq, head_hash)
}

#[test]
fn canonical_json_sorts_keys_recursively() {
    let v = json!({"z": 1, "a": {"y": [1, {"c": 2, "b": 3}], "x": null}});
    assert_eq!(
        canonical_json(&v),
        r#"{"a":{"x":null,"y":[1,{"b":3,"c":2}]},"z":1}"#
    );
}

#[test]
fn a_clean_chain_verifies() {
    let c = chain(5);
    let last = c.last().unwrap();
    assert_eq!(verify_all(&c, last.seq, &last.hash), Ok(5));
    assert_eq!(verify_all(&[], 0, GENESIS_HASH), Ok(0));
}

#[test]
fn an_empty_log_with_a_nonempty_head_fails() {
    assert!(matches!(
        verify_all(&[], 3, "ab"),
        Err(ChainError::Head { .. })
    ));
}

#[test]
fn each_kind_of_tampering_is_named() {
    let c = chain(6);
    let last = c.last().unwrap().clone();

    let mut altered = c.clone();
    altered[2].object_id = "other".into();
    assert_eq!(
        verify_all(&altered, last.seq, &last.hash),
        Err(ChainError::Hash { seq: 3 })
    );

    let mut detail = c.clone();
    detail[3].detail = r#"{"a":"y","b":3}"#.into();
    assert_eq!(
        verify_all(&detail, last.seq, &last.hash),
        Err(ChainError::Digest { seq: 4 })
    );

    let mut deleted = c.clone();
    deleted.remove(1);
    assert_eq!(
        verify_all(&deleted, last.seq, &last.hash),
        Err(ChainError::Sequence {
            seq: 3,
            expected: 2
        })
    );

    let mut reordered = c.clone();
    reordered.swap(3, 4);
    assert_eq!(
        verify_all(&reordered, last.seq, &last.hash),
        Err(ChainError::Sequence {
            seq: 5,
            expected: 4
        })
    );

    let truncated = &c[..5];
    assert!(matches!(
        verify_all(truncated, last.seq, &last.hash),
        Err(ChainError::Head { .. })
    ));
}

#[test]
fn a_renumbered_rehashed_insert_still_breaks_the_next_link() {
    let c = chain(4);
    let last = c.last().unwrap().clone();
    // Forge an entry after #2 with a correct own hash, renumber the rest without rehashing.
    let forged = Entry::chain(c[1].seq, &c[1].hash, new_entry(99));
    let mut forged_log = vec![c[0].clone(), c[1].clone(), forged];
    for e in &c[2..] {
        let mut e = e.clone();
        e.seq += 1;
        forged_log.push(e);
    }
    assert_eq!(
        verify_all(&forged_log, last.seq + 1, &last.hash),
        Err(ChainError::Link { seq: 4 })
    );
}

proptest! {
    #[test]
    fn any_single_field_change_is_detected(n in 2i64..12, victim in 0usize..12, field in 0u8..6) {
        let c = chain(n);
        let victim = victim % c.len();
        let last = c.last().unwrap().clone();
        let mut t = c.clone();
        let e = &mut t[victim];
        match field {
            0 => e.at_us += 1,
            1 => e.actor_id.push('!'),
            2 => e.action.push('!'),
            3 => e.request_id.push('!'),
            4 => e.org_path.push('x'),
            _ => e.detail.push(' '),
        }
        let err = verify_all(&t, last.seq, &last.hash).unwrap_err();
        prop_assert_eq!(err.seq(), victim as i64 + 1);
    }
}

/// A signed checkpoint of the first `size` entries of `log`, as the log's key would sign it.
fn checkpoint_of(log: &[Entry], size: usize, key: &SigningKey) -> Checkpoint {
    let mut tree = merkle::Frontier::default();
    for e in &log[..size] {
        tree.push(e.leaf_hash());
    }
    Checkpoint::sign(key, size as u64, tree.root(), "2026-12-01T10:00:00Z".into())
}

fn verify_against(entries: &[Entry], checkpoints: &[Checkpoint]) -> Result<i64, ChainError> {
    let mut v = Verifier::default();
    v.expect(checkpoints.to_vec())?;
    for e in entries {
        v.push(e)?;
    }
    v.finish_export()
}

#[test]
fn checkpoints_catch_every_kind_of_tampering() {
    let key = SigningKey::from_bytes(&[5; 32]);
    let log = chain(12);
    let early = checkpoint_of(&log, 5, &key);
    let late = checkpoint_of(&log, 12, &key);
    assert_eq!(verify_against(&log, &[early.clone(), late.clone()]), Ok(12));

    // Deleting the newest entries (and rewinding any head) passes the chain but not a
    // checkpoint that recorded the longer log.
    assert_eq!(
        verify_against(&log[..9], std::slice::from_ref(&late)),
        Err(ChainError::Truncated {
            tree_size: 12,
            entries: 9
        })
    );
    // Rewriting history from entry 3 on, re-chained so that every hash link holds: the chain
    // alone is fooled, the earlier checkpoint is not.
    let mut rewritten: Vec<Entry> = log[..2].to_vec();
    for i in 2..12 {
        let prev = rewritten.last().unwrap();
        let mut n = new_entry(i);
        n.actor_id = "intruder".into();
        rewritten.push(Entry::chain(prev.seq, &prev.hash.clone(), n));
    }
    assert_eq!(verify_all(&rewritten, 12, &rewritten[11].hash), Ok(12));
    assert_eq!(
        verify_against(&rewritten, std::slice::from_ref(&early)),
        Err(ChainError::Checkpoint { tree_size: 5 })
    );
    // An edited entry, a deleted middle entry, a reordered pair: the chain names the entry.
    let mut edited = log.clone();
    edited[7].actor_role = "nobody".into();
    assert_eq!(
        verify_against(&edited, std::slice::from_ref(&late)),
        Err(ChainError::Hash { seq: 8 })
    );
    let mut holed = log.clone();
    holed.remove(6);
    assert!(matches!(
        verify_against(&holed, std::slice::from_ref(&late)),
        Err(ChainError::Sequence { seq: 8, .. })
    ));
    let mut swapped = log.clone();
    swapped.swap(3, 4);
    assert!(verify_against(&swapped, std::slice::from_ref(&late)).is_err());
    // A forged checkpoint: altered fields fail the signature; one signed by another key
    // fails against the log's key.
    let mut forged = late.clone();
    forged.tree_size = 11;
    forged.signed_message.clear();
    assert_eq!(forged.verify(None), Err(CheckpointError::Signature));
    let other = checkpoint_of(&log, 12, &SigningKey::from_bytes(&[6; 32]));
    assert!(other.verify(Some(&late.public_key)).is_err());
}
