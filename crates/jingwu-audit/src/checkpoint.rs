//! Signed checkpoints (tree heads): the log's size and root hash at a moment, signed with
//! Ed25519. Whoever keeps a checkpoint can later demand a consistency proof from it to any newer
//! one, so truncating or rewriting the log is caught by anyone holding an earlier checkpoint.
//!
//! The signed bytes are the UTF-8 text
//!
//! ```text
//! jingwu audit checkpoint v1
//! tree_size <decimal>
//! root_hash <64 lowercase hex digits>
//! timestamp <RFC 3339, UTC>
//! ```
//!
//! (each line ending in `\n`), so a checkpoint is checked with any Ed25519 implementation.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::merkle::Hash;

const HEADER: &str = "jingwu audit checkpoint v1";

/// A signed tree head, as stored and as printed (`jingwu audit checkpoint --json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub tree_size: u64,
    #[serde(with = "hex32")]
    pub root_hash: Hash,
    /// RFC 3339, UTC; part of the signed bytes exactly as written here.
    pub timestamp: String,
    #[serde(with = "hex32")]
    pub public_key: [u8; 32],
    #[serde(with = "hex64")]
    pub signature: [u8; 64],
    /// Hex of the exact bytes signed; derived, so a reader can check a signature without
    /// knowing the format — and a reader that does know it can check that it matches.
    #[serde(default)]
    pub signed_message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("the signature does not verify (the checkpoint was altered or forged)")]
    Signature,
    #[error("the public key is not a valid Ed25519 key")]
    PublicKey,
    #[error("signed by key {found}, not by the log's key {expected}")]
    UnknownKey { found: String, expected: String },
    #[error("signed_message is not the checkpoint's fields in the documented format")]
    Message,
    #[error(
        "the newer checkpoint (tree size {newer}) is smaller than the older one ({older}): the log was truncated"
    )]
    Shrank { older: u64, newer: u64 },
    #[error(
        "two checkpoints of tree size {size} have different root hashes: the log was rewritten"
    )]
    Fork { size: u64 },
    #[error("the signing key file is not 64 hex digits (a 32-byte Ed25519 seed)")]
    KeyFile,
}

/// The bytes a checkpoint's signature covers.
pub fn signed_message(tree_size: u64, root_hash: &Hash, timestamp: &str) -> Vec<u8> {
    format!(
        "{HEADER}\ntree_size {tree_size}\nroot_hash {}\ntimestamp {timestamp}\n",
        hex::encode(root_hash)
    )
    .into_bytes()
}

impl Checkpoint {
    pub fn sign(key: &SigningKey, tree_size: u64, root_hash: Hash, timestamp: String) -> Self {
        let message = signed_message(tree_size, &root_hash, &timestamp);
        Checkpoint {
            tree_size,
            root_hash,
            public_key: key.verifying_key().to_bytes(),
            signature: key.sign(&message).to_bytes(),
            signed_message: hex::encode(&message),
            timestamp,
        }
    }

    /// Checks the signature against the key the checkpoint names and, when given, that this
    /// key is the log's (`trusted`): a checkpoint re-signed with another key is a forgery.
    pub fn verify(&self, trusted: Option<&[u8; 32]>) -> Result<(), CheckpointError> {
        if let Some(expected) = trusted
            && expected != &self.public_key
        {
            return Err(CheckpointError::UnknownKey {
                found: hex::encode(self.public_key),
                expected: hex::encode(expected),
            });
        }
        let message = signed_message(self.tree_size, &self.root_hash, &self.timestamp);
        if !self.signed_message.is_empty() && self.signed_message != hex::encode(&message) {
            return Err(CheckpointError::Message);
        }
        let key =
            VerifyingKey::from_bytes(&self.public_key).map_err(|_| CheckpointError::PublicKey)?;
        key.verify(&message, &Signature::from_bytes(&self.signature))
            .map_err(|_| CheckpointError::Signature)
    }

    /// What two checkpoints of one log can say without a proof: the newer is not smaller, and
    /// at the same size the roots agree. (Different sizes need a consistency proof.)
    pub fn precedes(&self, newer: &Checkpoint) -> Result<(), CheckpointError> {
        if newer.tree_size < self.tree_size {
            return Err(CheckpointError::Shrank {
                older: self.tree_size,
                newer: newer.tree_size,
            });
        }
        if newer.tree_size == self.tree_size && newer.root_hash != self.root_hash {
            return Err(CheckpointError::Fork {
                size: self.tree_size,
            });
        }
        Ok(())
    }
}

/// A signing key file holds the 32-byte Ed25519 seed as 64 hex digits (and a newline).
pub fn key_from_file_text(text: &str) -> Result<SigningKey, CheckpointError> {
    let bytes = hex::decode(text.trim()).map_err(|_| CheckpointError::KeyFile)?;
    let seed: [u8; 32] = bytes.try_into().map_err(|_| CheckpointError::KeyFile)?;
    Ok(SigningKey::from_bytes(&seed))
}

pub fn key_file_text(key: &SigningKey) -> String {
    format!("{}\n", hex::encode(key.to_bytes()))
}

macro_rules! hex_array {
    ($name:ident, $n:literal) => {
        mod $name {
            use serde::{Deserialize, Deserializer, Serializer, de::Error};

            pub fn serialize<S: Serializer>(v: &[u8; $n], s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(&hex::encode(v))
            }

            pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<[u8; $n], D::Error> {
                let s = String::deserialize(d)?;
                let bytes = hex::decode(&s).map_err(D::Error::custom)?;
                bytes.try_into().map_err(|_| {
                    D::Error::custom(concat!("expected ", stringify!($n), " bytes of hex"))
                })
            }
        }
    };
}
hex_array!(hex32, 32);
hex_array!(hex64, 64);

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> SigningKey {
        SigningKey::from_bytes(&[n; 32])
    }

    #[test]
    fn a_checkpoint_round_trips_through_json_and_verifies() {
        let c = Checkpoint::sign(&key(7), 42, [3; 32], "2026-12-01T10:00:00Z".into());
        let json = serde_json::to_string(&c).unwrap();
        let back: Checkpoint = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        back.verify(Some(&key(7).verifying_key().to_bytes()))
            .unwrap();
        assert_eq!(
            String::from_utf8(hex::decode(&c.signed_message).unwrap()).unwrap(),
            format!(
                "jingwu audit checkpoint v1\ntree_size 42\nroot_hash {}\ntimestamp 2026-12-01T10:00:00Z\n",
                "03".repeat(32)
            )
        );
    }

    #[test]
    fn altered_or_forged_checkpoints_are_refused() {
        let c = Checkpoint::sign(&key(7), 42, [3; 32], "2026-12-01T10:00:00Z".into());
        let log_key = key(7).verifying_key().to_bytes();
        let mut bigger = c.clone();
        bigger.tree_size = 43;
        bigger.signed_message.clear();
        assert_eq!(bigger.verify(None), Err(CheckpointError::Signature));
        let mut rerooted = c.clone();
        rerooted.root_hash[0] ^= 1;
        assert_eq!(rerooted.verify(None), Err(CheckpointError::Message));
        // Re-signed by somebody else: valid on its own, not the log's.
        let forged = Checkpoint::sign(&key(8), 41, [4; 32], c.timestamp.clone());
        forged.verify(None).unwrap();
        assert!(matches!(
            forged.verify(Some(&log_key)),
            Err(CheckpointError::UnknownKey { .. })
        ));
        assert!(matches!(
            c.precedes(&Checkpoint::sign(&key(7), 41, [3; 32], c.timestamp.clone())),
            Err(CheckpointError::Shrank { .. })
        ));
        assert!(matches!(
            c.precedes(&Checkpoint::sign(&key(7), 42, [5; 32], c.timestamp.clone())),
            Err(CheckpointError::Fork { .. })
        ));
    }

    #[test]
    fn key_files_round_trip_and_bad_ones_are_named() {
        let k = key(9);
        assert_eq!(
            key_from_file_text(&key_file_text(&k)).unwrap().to_bytes(),
            k.to_bytes()
        );
        assert_eq!(
            key_from_file_text("abc").err(),
            Some(CheckpointError::KeyFile)
        );
    }
}
