//! The chain of custody as a hash chain. Each event's digest is SHA-256 over a domain tag, the
//! previous event's digest and the event's fields, each length-prefixed (8 bytes, big-endian)
//! in a fixed order; the first event links to a genesis value derived from the item's id, so
//! an event cannot be moved to another item's chain. Changing any field, removing an event or
//! reordering two breaks a link that [`verify`] names. The audit log records every digest too
//! (docs/cases.md "Evidence"), so a chain recomputed wholesale in the database still disagrees
//! with the transparency log.

use sha2::{Digest, Sha256};

use crate::evidence::CustodyEvent;

/// Domain tag of an event's digest.
const EVENT_TAG: &[u8] = b"jingwu-custody-v1";
/// Domain tag of an item's genesis value.
const GENESIS_TAG: &[u8] = b"jingwu-custody-genesis-v1";

fn field(h: &mut Sha256, bytes: &[u8]) {
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
}

/// An optional text: absent and empty differ.
fn opt_text(h: &mut Sha256, v: Option<&str>) {
    match v {
        None => field(h, &[0]),
        Some(s) => {
            let mut b = Vec::with_capacity(s.len() + 1);
            b.push(1);
            b.extend_from_slice(s.as_bytes());
            field(h, &b);
        }
    }
}

fn opt_bool(h: &mut Sha256, v: Option<bool>) {
    let b = match v {
        None => 0xff,
        Some(false) => 0,
        Some(true) => 1,
    };
    field(h, &[b]);
}

/// The value the first event of `item_id` links to.
pub fn genesis(item_id: &str) -> String {
    let mut h = Sha256::new();
    h.update(GENESIS_TAG);
    field(&mut h, item_id.as_bytes());
    hex::encode(h.finalize())
}

/// The digest `e` must carry, given its fields and `prev_digest` (its own `digest` is not
/// read).
pub fn digest(e: &CustodyEvent) -> String {
    let mut h = Sha256::new();
    h.update(EVENT_TAG);
    field(&mut h, e.prev_digest.as_bytes());
    field(&mut h, e.item_id.as_str().as_bytes());
    field(&mut h, &e.seq.to_be_bytes());
    field(&mut h, e.kind.as_str().as_bytes());
    field(&mut h, &e.at.to_be_bytes());
    field(&mut h, e.actor_id.as_bytes());
    opt_text(&mut h, e.from_holder.as_deref());
    opt_text(&mut h, e.to_holder.as_deref());
    opt_text(&mut h, e.from_location.as_deref());
    opt_text(&mut h, e.to_location.as_deref());
    field(&mut h, e.place.as_bytes());
    field(&mut h, e.reason.as_bytes());
    opt_text(&mut h, e.seal_no.as_deref());
    opt_bool(&mut h, e.seal_intact);
    opt_bool(&mut h, e.hash_matched);
    field(&mut h, &(e.witnesses.len() as u64).to_be_bytes());
    for w in &e.witnesses {
        field(&mut h, w.as_bytes());
    }
    hex::encode(h.finalize())
}

/// The first place an item's chain stops being the chain it claims to be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Broken {
    #[error("event {seq}: expected event {expected} (an event was removed, inserted or reordered)")]
    Sequence { seq: i64, expected: i64 },
    #[error(
        "event {seq}: does not link to the event before it (an earlier event was changed, removed or reordered)"
    )]
    Link { seq: i64 },
    #[error("event {seq}: its digest does not match its fields (the event was altered)")]
    Digest { seq: i64 },
    #[error("event {seq}: belongs to another item")]
    Item { seq: i64 },
    #[error(
        "the item records its chain ending at event {head_seq} but the chain ends at {last_seq} (events were removed from the end or the head was altered)"
    )]
    Head { head_seq: i64, last_seq: i64 },
}

impl Broken {
    /// The event the break was found at.
    pub fn seq(&self) -> i64 {
        match self {
            Broken::Sequence { seq, .. }
            | Broken::Link { seq }
            | Broken::Digest { seq }
            | Broken::Item { seq } => *seq,
            Broken::Head { last_seq, .. } => *last_seq + 1,
        }
    }
}

/// Recomputes the chain of `item_id` from its events (in stored order): sequence numbers from
/// 1 without gaps, each linked to the one before (the first to the genesis value), each digest
/// matching its fields. Returns the number of events.
pub fn verify(item_id: &str, events: &[CustodyEvent]) -> Result<i64, Broken> {
    let mut prev = genesis(item_id);
    let mut expected = 1;
    for e in events {
        if e.seq != expected {
            return Err(Broken::Sequence {
                seq: e.seq,
                expected,
            });
        }
        if e.item_id.as_str() != item_id {
            return Err(Broken::Item { seq: e.seq });
        }
        if e.prev_digest != prev {
            return Err(Broken::Link { seq: e.seq });
        }
        if digest(e) != e.digest {
            return Err(Broken::Digest { seq: e.seq });
        }
        prev.clone_from(&e.digest);
        expected += 1;
    }
    Ok(expected - 1)
}

/// [`verify`], and the item's recorded head (`last_seq`, `last_digest`) is the chain's last
/// event, so events removed from the end are found too.
pub fn verify_with_head(
    item_id: &str,
    events: &[CustodyEvent],
    last_seq: i64,
    last_digest: &str,
) -> Result<i64, Broken> {
    let n = verify(item_id, events)?;
    let tail = events.last().map(|e| e.digest.as_str());
    if n != last_seq || tail != Some(last_digest) {
        return Err(Broken::Head {
            head_seq: last_seq,
            last_seq: n,
        });
    }
    Ok(n)
}
