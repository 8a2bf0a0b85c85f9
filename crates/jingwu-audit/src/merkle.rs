//! The Merkle tree of RFC 6962 §2.1 (Certificate Transparency) over the audit log's entries:
//! proofs that an entry is in the tree, proofs that a tree only grew, and their verification.
//!
//! - leaf hash `SHA-256(0x00 || leaf data)`, node hash `SHA-256(0x01 || left || right)`, the
//!   empty tree's hash `SHA-256("")`;
//! - the tree of `n > 1` leaves splits at `k`, the largest power of two below `n`.
//!
//! A log stores only the hashes of its *perfect* subtrees, addressed by [`NodeId`] — level `l`,
//! index `i` covers leaves `[i·2^l, (i+1)·2^l)`; about two per leaf. Every root and proof of
//! the RFC's shape is made of those nodes: [`Plan`] lists the nodes a proof needs (so a store
//! reads them in one query) and then assembles it from what was read, never rereading the log.
//! Verification follows RFC 9162 §2.1.3.2 and §2.1.4.2 and needs nothing but the proof.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    h.finalize().into()
}

pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The hash of the tree with no leaves.
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// A perfect subtree: level `level`, index `index` covers leaves
/// `[index << level, (index + 1) << level)`; level 0 holds the leaf hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId {
    pub level: u8,
    pub index: u64,
}

impl NodeId {
    pub fn new(level: u8, index: u64) -> Self {
        NodeId { level, index }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("leaf {index} is not in a tree of {size} entries")]
    LeafOutOfRange { index: u64, size: u64 },
    #[error("a tree of {first} entries cannot be a prefix of a tree of {second}")]
    Sizes { first: u64, second: u64 },
    #[error("the tree node at level {} index {} is missing", .0.level, .0.index)]
    MissingNode(NodeId),
}

/// What to prove, so that the nodes it needs can be listed before they are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// The root hash of the first `size` leaves.
    Root { size: u64 },
    /// RFC 6962 `PATH(index, D[size])`.
    Inclusion { index: u64, size: u64 },
    /// RFC 6962 `PROOF(first, D[second])`.
    Consistency { first: u64, second: u64 },
}

impl Plan {
    /// Refuses what cannot be proved, before anything is read.
    pub fn check(&self) -> Result<(), ProofError> {
        match *self {
            Plan::Root { .. } => Ok(()),
            Plan::Inclusion { index, size } if index >= size => {
                Err(ProofError::LeafOutOfRange { index, size })
            }
            Plan::Consistency { first, second } if first > second => {
                Err(ProofError::Sizes { first, second })
            }
            _ => Ok(()),
        }
    }

    /// The stored nodes this proof is made of, sorted, without repeats.
    pub fn nodes(&self) -> Result<Vec<NodeId>, ProofError> {
        let mut ids = Vec::new();
        self.run(&mut |id| {
            ids.push(id);
            Ok([0; 32])
        })?;
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// The proof (for `Root`, the one-element list holding the root), from the stored nodes.
    pub fn assemble(&self, node: impl Fn(NodeId) -> Option<Hash>) -> Result<Vec<Hash>, ProofError> {
        self.run(&mut |id| node(id).ok_or(ProofError::MissingNode(id)))
    }

    fn run(&self, get: &mut Getter<'_>) -> Result<Vec<Hash>, ProofError> {
        self.check()?;
        match *self {
            Plan::Root { size: 0 } => Ok(vec![empty_root()]),
            Plan::Root { size } => Ok(vec![subtree(0, size, get)?]),
            Plan::Inclusion { index, size } => {
                let mut out = Vec::new();
                path(index, 0, size, get, &mut out)?;
                Ok(out)
            }
            Plan::Consistency { first, second } => {
                let mut out = Vec::new();
                if first > 0 && first < second {
                    subproof(first, 0, second, true, get, &mut out)?;
                }
                Ok(out)
            }
        }
    }
}

type Getter<'a> = dyn FnMut(NodeId) -> Result<Hash, ProofError> + 'a;

/// The largest power of two strictly below `n` (`n >= 2`): RFC 6962's split point.
fn split(n: u64) -> u64 {
    1 << (63 - (n - 1).leading_zeros())
}

/// `MTH(D[start:end])`; `start` is always aligned to the subtree the RFC's recursion is in, so a
/// power-of-two range is one stored node.
fn subtree(start: u64, end: u64, get: &mut Getter<'_>) -> Result<Hash, ProofError> {
    let n = end - start;
    if n.is_power_of_two() {
        let level = n.trailing_zeros() as u8;
        return get(NodeId::new(level, start >> level));
    }
    let k = split(n);
    let left = subtree(start, start + k, get)?;
    let right = subtree(start + k, end, get)?;
    Ok(node_hash(&left, &right))
}

/// RFC 6962 §2.1.1 `PATH(m, D[start:end])`, `m` relative to `start`; appends leaf-to-root.
fn path(
    m: u64,
    start: u64,
    end: u64,
    get: &mut Getter<'_>,
    out: &mut Vec<Hash>,
) -> Result<(), ProofError> {
    let n = end - start;
    if n == 1 {
        return Ok(());
    }
    let k = split(n);
    if m < k {
        path(m, start, start + k, get, out)?;
        out.push(subtree(start + k, end, get)?);
    } else {
        path(m - k, start + k, end, get, out)?;
        out.push(subtree(start, start + k, get)?);
    }
    Ok(())
}

/// RFC 6962 §2.1.2 `SUBPROOF(m, D[start:end], b)`.
fn subproof(
    m: u64,
    start: u64,
    end: u64,
    whole: bool,
    get: &mut Getter<'_>,
    out: &mut Vec<Hash>,
) -> Result<(), ProofError> {
    let n = end - start;
    if m == n {
        if !whole {
            out.push(subtree(start, end, get)?);
        }
        return Ok(());
    }
    let k = split(n);
    if m <= k {
        subproof(m, start, start + k, whole, get, out)?;
        out.push(subtree(start + k, end, get)?);
    } else {
        subproof(m - k, start + k, end, false, get, out)?;
        out.push(subtree(start, start + k, get)?);
    }
    Ok(())
}

/// Why a proof does not hold.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("leaf {index} is not in a tree of {size} entries")]
    LeafOutOfRange { index: u64, size: u64 },
    #[error("a tree of {first} entries cannot be a prefix of a tree of {second}")]
    Sizes { first: u64, second: u64 },
    #[error("the proof has the wrong number of hashes")]
    Length,
    #[error("the proof does not lead to the root hash it should")]
    Root,
}

/// RFC 9162 §2.1.3.2: does `proof` show the leaf with `leaf_hash` at `index` in the tree of
/// `size` leaves whose hash is `root`?
pub fn verify_inclusion(
    leaf_hash: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), VerifyError> {
    if index >= size {
        return Err(VerifyError::LeafOutOfRange { index, size });
    }
    let (mut f, mut s) = (index, size - 1);
    let mut r = *leaf_hash;
    for p in proof {
        if s == 0 {
            return Err(VerifyError::Length);
        }
        if f & 1 == 1 || f == s {
            r = node_hash(p, &r);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            r = node_hash(&r, p);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(VerifyError::Length);
    }
    if r != *root {
        return Err(VerifyError::Root);
    }
    Ok(())
}

/// RFC 9162 §2.1.4.2: does `proof` show that the tree of `first` leaves with hash `first_root`
/// is a prefix of the tree of `second` leaves with hash `second_root`?
pub fn verify_consistency(
    first: u64,
    second: u64,
    first_root: &Hash,
    second_root: &Hash,
    proof: &[Hash],
) -> Result<(), VerifyError> {
    if first > second {
        return Err(VerifyError::Sizes { first, second });
    }
    if first == second || first == 0 {
        // Nothing to prove beyond equal heads (an empty tree is a prefix of every tree).
        if !proof.is_empty() {
            return Err(VerifyError::Length);
        }
        if first == second && first_root != second_root {
            return Err(VerifyError::Root);
        }
        return Ok(());
    }
    let mut hashes: Vec<Hash> = Vec::with_capacity(proof.len() + 1);
    if first.is_power_of_two() {
        hashes.push(*first_root);
    }
    hashes.extend_from_slice(proof);
    let Some((head, rest)) = hashes.split_first() else {
        return Err(VerifyError::Length);
    };
    let (mut f, mut s) = (first - 1, second - 1);
    while f & 1 == 1 {
        f >>= 1;
        s >>= 1;
    }
    let (mut fr, mut sr) = (*head, *head);
    for c in rest {
        if s == 0 {
            return Err(VerifyError::Length);
        }
        if f & 1 == 1 || f == s {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            while f & 1 == 0 && f != 0 {
                f >>= 1;
                s >>= 1;
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f >>= 1;
        s >>= 1;
    }
    if s != 0 {
        return Err(VerifyError::Length);
    }
    if fr != *first_root || sr != *second_root {
        return Err(VerifyError::Root);
    }
    Ok(())
}

/// The right edge of a tree: the hashes of its perfect subtrees from largest (leftmost) to
/// smallest, one per set bit of its size. Enough to append leaves and to compute the root.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Frontier {
    size: u64,
    peaks: Vec<Hash>,
}

impl Frontier {
    /// The nodes a frontier of `size` leaves is made of, largest first.
    pub fn nodes(size: u64) -> Vec<NodeId> {
        let mut out = Vec::new();
        let mut start = 0u64;
        for level in (0..64u8).rev() {
            if size & (1 << level) != 0 {
                out.push(NodeId::new(level, start >> level));
                start += 1 << level;
            }
        }
        out
    }

    /// A frontier from its stored nodes (in the order of [`Frontier::nodes`]).
    pub fn from_nodes(size: u64, peaks: Vec<Hash>) -> Result<Self, ProofError> {
        let ids = Frontier::nodes(size);
        if ids.len() != peaks.len() {
            let missing = ids
                .get(peaks.len())
                .copied()
                .unwrap_or(NodeId::new(0, size));
            return Err(ProofError::MissingNode(missing));
        }
        Ok(Frontier { size, peaks })
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends one leaf hash; returns the nodes that became complete (the leaf first, then
    /// each parent it completes), for the log to store.
    pub fn push(&mut self, leaf: Hash) -> Vec<(NodeId, Hash)> {
        let index = self.size;
        let mut made = vec![(NodeId::new(0, index), leaf)];
        let mut h = leaf;
        let mut level = 0u8;
        // Every trailing one bit of the old size is a left sibling waiting for this leaf.
        while (index >> level) & 1 == 1 {
            let Some(left) = self.peaks.pop() else { break };
            h = node_hash(&left, &h);
            level += 1;
            made.push((NodeId::new(level, index >> level), h));
        }
        self.peaks.push(h);
        self.size += 1;
        made
    }

    pub fn root(&self) -> Hash {
        let mut it = self.peaks.iter().rev();
        let Some(last) = it.next() else {
            return empty_root();
        };
        it.fold(*last, |acc, left| node_hash(left, &acc))
    }
}

#[cfg(test)]
mod tests;
