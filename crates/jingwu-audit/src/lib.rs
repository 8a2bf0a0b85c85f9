//! Tamper-evident audit log: every state change appends an [`Entry`] whose hash covers its
//! fields and the previous entry's hash, so altering, deleting, inserting or reordering any
//! entry breaks the chain at that point. [`verify`] recomputes the chain and names the first
//! bad entry.
//!
//! Hash of entry *n*: `SHA-256("jingwu-audit-v1" || prev_hash || len-prefixed fields)`, where
//! `prev_hash` of the first entry is 32 zero bytes. Each field is written as its byte length
//! (u64, big-endian) followed by its bytes, so no two different entries encode alike.
//! `change_digest` is `SHA-256` of the canonical JSON of the (redacted) change, which is kept
//! beside the entry and re-digested on verification.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

mod canonical;
pub mod checkpoint;
pub mod merkle;

pub use canonical::canonical_json;
pub use checkpoint::{Checkpoint, CheckpointError};
pub use ed25519_dalek::SigningKey;
pub use merkle::Plan;

pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: i64,
    pub at_us: i64,
    pub actor_id: String,
    pub actor_role: String,
    /// Jurisdiction path of the object acted on; scopes who may read the entry.
    pub org_path: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub request_id: String,
    /// Canonical JSON of the change, with secrets removed by the use case.
    pub detail: String,
    pub change_digest: String,
    pub prev_hash: String,
    pub hash: String,
}

/// What a use case supplies; sequence, digest and hashes are filled in by [`Entry::chain`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEntry {
    pub at_us: i64,
    pub actor_id: String,
    pub actor_role: String,
    pub org_path: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub request_id: String,
    pub detail: serde_json::Value,
}

pub fn digest_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// An entry as a writer records it in its own transaction: everything but its place in the
/// log, which the sequencer gives it later ([`Entry::sequence`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pending {
    pub at_us: i64,
    pub actor_id: String,
    pub actor_role: String,
    pub org_path: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub request_id: String,
    /// Canonical JSON of the change.
    pub detail: String,
    pub change_digest: String,
}

impl NewEntry {
    pub fn pending(self) -> Pending {
        let detail = canonical_json(&self.detail);
        Pending {
            at_us: self.at_us,
            actor_id: self.actor_id,
            actor_role: self.actor_role,
            org_path: self.org_path,
            action: self.action,
            object_type: self.object_type,
            object_id: self.object_id,
            request_id: self.request_id,
            change_digest: digest_hex(detail.as_bytes()),
            detail,
        }
    }
}

impl Entry {
    /// Links a new entry after `(prev_seq, prev_hash)`.
    pub fn chain(prev_seq: i64, prev_hash: &str, new: NewEntry) -> Entry {
        Entry::sequence(prev_seq, prev_hash, new.pending())
    }

    /// Gives a pending entry the place after `(prev_seq, prev_hash)`.
    pub fn sequence(prev_seq: i64, prev_hash: &str, p: Pending) -> Entry {
        let mut e = Entry {
            seq: prev_seq + 1,
            at_us: p.at_us,
            actor_id: p.actor_id,
            actor_role: p.actor_role,
            org_path: p.org_path,
            action: p.action,
            object_type: p.object_type,
            object_id: p.object_id,
            request_id: p.request_id,
            detail: p.detail,
            change_digest: p.change_digest,
            prev_hash: prev_hash.to_string(),
            hash: String::new(),
        };
        e.hash = e.compute_hash();
        e
    }

    /// The entry's leaf in the Merkle tree: RFC 6962's leaf hash of the entry's 32-byte hash
    /// (which covers every field, see the module documentation).
    pub fn leaf_hash(&self) -> merkle::Hash {
        match hex::decode(&self.hash) {
            Ok(bytes) => merkle::leaf_hash(&bytes),
            // Not a hash at all: a leaf nobody else will agree with, which is the point.
            Err(_) => merkle::leaf_hash(self.hash.as_bytes()),
        }
    }

    /// The hash this entry must carry, given its fields and `prev_hash`.
    pub fn compute_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"jingwu-audit-v1");
        let seq = self.seq.to_be_bytes();
        let at = self.at_us.to_be_bytes();
        let fields: [&[u8]; 11] = [
            self.prev_hash.as_bytes(),
            &seq,
            &at,
            self.actor_id.as_bytes(),
            self.actor_role.as_bytes(),
            self.org_path.as_bytes(),
            self.action.as_bytes(),
            self.object_type.as_bytes(),
            self.object_id.as_bytes(),
            self.request_id.as_bytes(),
            self.change_digest.as_bytes(),
        ];
        for f in fields {
            h.update((f.len() as u64).to_be_bytes());
            h.update(f);
        }
        hex::encode(h.finalize())
    }
}

/// The first place where the log stops being the chain it claims to be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    #[error(
        "entry {seq}: expected sequence number {expected} (an entry was deleted, inserted or reordered)"
    )]
    Sequence { seq: i64, expected: i64 },
    #[error("entry {seq}: previous-hash link does not match entry {} (an entry before it was changed, deleted or reordered)", seq - 1)]
    Link { seq: i64 },
    #[error(
        "entry {seq}: detail does not match its change digest (the recorded change was altered)"
    )]
    Digest { seq: i64 },
    #[error("entry {seq}: hash does not match its contents (the entry was altered)")]
    Hash { seq: i64 },
    #[error(
        "the head records {head_seq} entries ending in {head_hash} but the log ends at entry {last_seq} (entries were removed from the end or the head was altered)"
    )]
    Head {
        head_seq: i64,
        head_hash: String,
        last_seq: i64,
    },
    #[error(
        "the log's Merkle root after {tree_size} entries is not the one its signed checkpoint records (entries up to there were changed, removed, inserted or reordered)"
    )]
    Checkpoint { tree_size: u64 },
    #[error(
        "a signed checkpoint records {tree_size} entries but the log holds only {entries} (entries were removed from the end)"
    )]
    Truncated { tree_size: u64, entries: i64 },
    #[error("the checkpoint of tree size {tree_size} is not valid: {reason}")]
    BadCheckpoint { tree_size: u64, reason: String },
    #[error(
        "the stored Merkle tree of {tree_size} entries does not match the log's entries (proofs served from it would fail)"
    )]
    Tree { tree_size: u64 },
}

impl ChainError {
    /// The sequence number of the first bad entry.
    pub fn seq(&self) -> i64 {
        match self {
            ChainError::Sequence { seq, .. }
            | ChainError::Link { seq }
            | ChainError::Digest { seq }
            | ChainError::Hash { seq } => *seq,
            ChainError::Head { last_seq, .. } => last_seq + 1,
            ChainError::Checkpoint { tree_size }
            | ChainError::BadCheckpoint { tree_size, .. }
            | ChainError::Tree { tree_size } => *tree_size as i64,
            ChainError::Truncated { entries, .. } => entries + 1,
        }
    }
}

/// Incremental verifier: feed entries in sequence order, then [`Verifier::finish`] with the
/// head. Besides the hash chain it rebuilds the Merkle tree, so that the root at every signed
/// checkpoint it was given ([`Verifier::expect`]) is compared as the log passes that size.
#[derive(Debug)]
pub struct Verifier {
    last_seq: i64,
    last_hash: String,
    tree: merkle::Frontier,
    /// Checkpoints still ahead, largest tree size first (popped from the end).
    ahead: Vec<Checkpoint>,
}

impl Default for Verifier {
    fn default() -> Self {
        Verifier {
            last_seq: 0,
            last_hash: GENESIS_HASH.to_string(),
            tree: merkle::Frontier::default(),
            ahead: Vec::new(),
        }
    }
}

impl Verifier {
    /// Checks the log's root against each of these (already signature-checked) checkpoints.
    pub fn expect(&mut self, mut checkpoints: Vec<Checkpoint>) -> Result<(), ChainError> {
        checkpoints.sort_by_key(|c| std::cmp::Reverse(c.tree_size));
        self.ahead = checkpoints;
        self.check_checkpoints()
    }

    pub fn push(&mut self, e: &Entry) -> Result<(), ChainError> {
        let expected = self.last_seq + 1;
        if e.seq != expected {
            return Err(ChainError::Sequence {
                seq: e.seq,
                expected,
            });
        }
        if e.prev_hash != self.last_hash {
            return Err(ChainError::Link { seq: e.seq });
        }
        if digest_hex(e.detail.as_bytes()) != e.change_digest {
            return Err(ChainError::Digest { seq: e.seq });
        }
        if e.compute_hash() != e.hash {
            return Err(ChainError::Hash { seq: e.seq });
        }
        self.last_seq = e.seq;
        self.last_hash = e.hash.clone();
        self.tree.push(e.leaf_hash());
        self.check_checkpoints()
    }

    fn check_checkpoints(&mut self) -> Result<(), ChainError> {
        while let Some(c) = self.ahead.last() {
            if c.tree_size > self.tree.size() {
                break;
            }
            if c.tree_size == self.tree.size() && c.root_hash != self.tree.root() {
                return Err(ChainError::Checkpoint {
                    tree_size: c.tree_size,
                });
            }
            self.ahead.pop();
        }
        Ok(())
    }

    /// The number of entries verified so far and the Merkle root over them.
    pub fn tree(&self) -> (u64, merkle::Hash) {
        (self.tree.size(), self.tree.root())
    }

    /// Checks the stored head (count and last hash) against what was verified, and that no
    /// checkpoint signed a longer log than the one read.
    pub fn finish(self, head_seq: i64, head_hash: &str) -> Result<i64, ChainError> {
        if let Some(c) = self.ahead.first() {
            return Err(ChainError::Truncated {
                tree_size: c.tree_size,
                entries: self.last_seq,
            });
        }
        if head_seq != self.last_seq || head_hash != self.last_hash {
            return Err(ChainError::Head {
                head_seq,
                head_hash: head_hash.to_string(),
                last_seq: self.last_seq,
            });
        }
        Ok(self.last_seq)
    }

    /// [`Verifier::finish`] for an exported log, which has no head: the checkpoints vouch for
    /// its length instead.
    pub fn finish_export(self) -> Result<i64, ChainError> {
        let (seq, hash) = (self.last_seq, self.last_hash.clone());
        self.finish(seq, &hash)
    }
}

/// Outcome of recomputing the whole chain.
#[derive(Debug)]
pub enum Verification {
    Intact { entries: i64 },
    Broken(ChainError),
}

#[cfg(test)]
mod tests;
