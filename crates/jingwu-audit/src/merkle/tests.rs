//! Against the Certificate Transparency reference vectors (the leaves, node hashes and proofs
//! published with RFC 6962 implementations, e.g. transparency-dev/merkle `testonly`), then every
//! proof of every tree up to 40 leaves, tampered every way a proof can be.

use std::collections::HashMap;

use super::*;

fn hx(s: &str) -> Hash {
    hex::decode(s).unwrap().try_into().unwrap()
}

const LEAVES: [&str; 8] = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
];

const ROOTS: [&str; 9] = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];

/// Perfect-subtree hashes of the 8-leaf tree, by level then index.
const NODES: [&[&str]; 4] = [
    &[
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    &[
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    &[
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    &["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
];

/// A log in memory: a frontier that stored every node it completed.
struct Log {
    frontier: Frontier,
    nodes: HashMap<NodeId, Hash>,
}

impl Log {
    fn of(leaves: &[Hash]) -> Log {
        let mut log = Log {
            frontier: Frontier::default(),
            nodes: HashMap::new(),
        };
        for l in leaves {
            log.nodes.extend(log.frontier.push(*l));
        }
        log
    }

    fn prove(&self, plan: Plan) -> Vec<Hash> {
        let needed = plan.nodes().unwrap();
        let proof = plan.assemble(|id| self.nodes.get(&id).copied()).unwrap();
        // The plan named exactly what assembling read.
        assert!(needed.iter().all(|id| self.nodes.contains_key(id)));
        proof
    }

    fn root(&self, size: u64) -> Hash {
        self.prove(Plan::Root { size })[0]
    }
}

fn reference() -> Log {
    let leaves: Vec<Hash> = LEAVES
        .iter()
        .map(|l| leaf_hash(&hex::decode(l).unwrap()))
        .collect();
    Log::of(&leaves)
}

#[test]
fn roots_and_nodes_are_the_references() {
    let log = reference();
    for (level, row) in NODES.iter().enumerate() {
        for (index, want) in row.iter().enumerate() {
            assert_eq!(
                log.nodes[&NodeId::new(level as u8, index as u64)],
                hx(want),
                "node {level}/{index}"
            );
        }
    }
    assert_eq!(log.nodes.len(), 15, "only perfect subtrees are stored");
    for (size, want) in ROOTS.iter().enumerate() {
        assert_eq!(log.root(size as u64), hx(want), "root of {size}");
    }
    let mut grown = Frontier::default();
    assert_eq!(grown.root(), hx(ROOTS[0]));
    for (size, l) in LEAVES.iter().enumerate() {
        grown.push(leaf_hash(&hex::decode(l).unwrap()));
        assert_eq!(
            grown.root(),
            hx(ROOTS[size + 1]),
            "frontier root of {}",
            size + 1
        );
    }
}

#[test]
fn the_split_is_the_largest_power_of_two_below() {
    for (n, k) in [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (1000, 512)] {
        assert_eq!(split(n), k, "split of {n}");
    }
    assert_eq!(split(u64::MAX), 1 << 63);
}

#[test]
fn inclusion_proofs_are_the_references() {
    let log = reference();
    for (index, size, want) in [
        (0, 1, vec![]),
        (
            0,
            8,
            vec![
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            5,
            8,
            vec![
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
    ] {
        let want: Vec<Hash> = want.into_iter().map(hx).collect();
        let got = log.prove(Plan::Inclusion { index, size });
        assert_eq!(got, want, "PATH({index}, D[{size}])");
        let leaf = log.nodes[&NodeId::new(0, index)];
        verify_inclusion(&leaf, index, size, &got, &log.root(size)).unwrap();
    }
}

#[test]
fn consistency_proofs_are_the_references() {
    let log = reference();
    for (first, second, want) in [
        (
            1,
            8,
            vec![
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            2,
            8,
            vec![
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
            ],
        ),
        (
            6,
            8,
            vec![
                "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            ],
        ),
        (
            2,
            5,
            vec![
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            ],
        ),
        (8, 8, vec![]),
    ] {
        let want: Vec<Hash> = want.into_iter().map(hx).collect();
        let got = log.prove(Plan::Consistency { first, second });
        assert_eq!(got, want, "PROOF({first}, D[{second}])");
        verify_consistency(first, second, &log.root(first), &log.root(second), &got).unwrap();
    }
}

fn flip(h: &Hash) -> Hash {
    let mut h = *h;
    h[7] ^= 0x20;
    h
}

#[test]
fn every_proof_of_every_small_tree_verifies_and_no_tampered_one_does() {
    let leaves: Vec<Hash> = (0u32..40).map(|i| leaf_hash(&i.to_be_bytes())).collect();
    let log = Log::of(&leaves);
    for size in 1..=leaves.len() as u64 {
        let root = log.root(size);
        for index in 0..size {
            let leaf = leaves[index as usize];
            let proof = log.prove(Plan::Inclusion { index, size });
            verify_inclusion(&leaf, index, size, &proof, &root).unwrap();
            assert!(verify_inclusion(&flip(&leaf), index, size, &proof, &root).is_err());
            assert!(verify_inclusion(&leaf, index, size, &proof, &flip(&root)).is_err());
            if size > 1 {
                let other = (index + 1) % size;
                assert!(verify_inclusion(&leaf, other, size, &proof, &root).is_err());
            }
            // (A wrong size can pass with the same root where the path's shape is the same:
            // the size is bound to the root by the signed checkpoint, not by the proof.)
            for i in 0..proof.len() {
                let mut bad = proof.clone();
                bad[i] = flip(&bad[i]);
                assert!(verify_inclusion(&leaf, index, size, &bad, &root).is_err());
                let mut short = proof.clone();
                short.remove(i);
                assert!(verify_inclusion(&leaf, index, size, &short, &root).is_err());
            }
            let mut long = proof.clone();
            long.push(root);
            assert!(verify_inclusion(&leaf, index, size, &long, &root).is_err());
        }
        for first in 0..=size {
            let proof = log.prove(Plan::Consistency {
                first,
                second: size,
            });
            let first_root = log.root(first);
            verify_consistency(first, size, &first_root, &root, &proof).unwrap();
            if first == 0 {
                continue;
            }
            assert!(verify_consistency(first, size, &flip(&first_root), &root, &proof).is_err());
            assert!(verify_consistency(first, size, &first_root, &flip(&root), &proof).is_err());
            for i in 0..proof.len() {
                let mut bad = proof.clone();
                bad[i] = flip(&bad[i]);
                assert!(verify_consistency(first, size, &first_root, &root, &bad).is_err());
            }
            if first < size {
                // A tree whose first `first` leaves differ is not a continuation.
                let mut forked = leaves[..size as usize].to_vec();
                forked[first as usize - 1] = flip(&forked[first as usize - 1]);
                let forked = Log::of(&forked);
                assert!(
                    verify_consistency(first, size, &first_root, &forked.root(size), &proof)
                        .is_err()
                );
            }
        }
    }
}

#[test]
fn impossible_proofs_are_refused_before_reading() {
    assert_eq!(
        Plan::Inclusion { index: 3, size: 3 }.nodes(),
        Err(ProofError::LeafOutOfRange { index: 3, size: 3 })
    );
    assert_eq!(
        Plan::Consistency {
            first: 4,
            second: 3
        }
        .nodes(),
        Err(ProofError::Sizes {
            first: 4,
            second: 3
        })
    );
    let missing = Plan::Root { size: 3 }.assemble(|_| None);
    assert_eq!(missing, Err(ProofError::MissingNode(NodeId::new(1, 0))));
}

#[test]
fn a_proof_reads_a_handful_of_nodes_even_in_a_huge_tree() {
    let size = 1_000_003;
    let nodes = Plan::Inclusion {
        index: 777_777,
        size,
    }
    .nodes()
    .unwrap();
    assert!(nodes.len() <= 64, "{} nodes", nodes.len());
    assert_eq!(Frontier::nodes(size).len(), size.count_ones() as usize);
}
