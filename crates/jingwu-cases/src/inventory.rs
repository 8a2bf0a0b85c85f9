//! Inventories of a property store: a full count (IAPE Standard 15.1 calls a 100 % inventory
//! best practice), a sample, or every high-risk item; what to count is fixed when the count
//! starts, and closing it compares what was scanned with what was expected.
//!
//! A sample's size is Cochran's formula for a proportion with the finite-population
//! correction, at the parameters CALEA 84.1.6 names for high-risk items (95 % confidence,
//! ±3 %): n₀ = z²·p·(1−p)/e² with z = 1.96, p = 0.5, e = 0.03 (n₀ ≈ 1067.1), then
//! n = n₀ / (1 + (n₀ − 1)/N), rounded up. The sample itself is drawn deterministically from a
//! seed recorded with the inventory, so anyone can redraw it.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::evidence::ItemState;
use crate::ids::ItemId;

jingwu_core::text_enum! {
    /// What an inventory counts.
    pub enum Scope: "inventory scope" {
        /// Every item in the store (or the location).
        Full = "full" ("全面盘点", "Full count"),
        /// A random sample (95 % confidence, ±3 %).
        Sampled = "sampled" ("抽样盘点", "Sample"),
        /// Every high-risk item (drugs, guns, ammunition, cash, valuables).
        HighRisk = "high_risk" ("高风险物品盘点", "High-risk items"),
    }
}

jingwu_core::text_enum! {
    /// What a count found wrong.
    pub enum DiscrepancyKind: "discrepancy" {
        /// Expected, not scanned.
        Missing = "missing" ("缺失", "Missing"),
        /// Expected, scanned at another location than recorded.
        Misplaced = "misplaced" ("错位", "Misplaced"),
        /// Scanned, not expected: an unknown barcode, an item not in store, of another store,
        /// or outside the count.
        Unexpected = "unexpected" ("账外", "Unexpected"),
        /// Scanned with the seal broken.
        SealBroken = "seal_broken" ("封条破损", "Seal broken"),
    }
}

/// z for 95 % confidence.
const Z: f64 = 1.96;
/// The margin of error, ±3 %.
const MARGIN: f64 = 0.03;
/// The most cautious proportion.
const P: f64 = 0.5;

/// Items to count of a population of `population` (Cochran with finite-population correction,
/// see the module documentation); never more than the population.
pub fn sample_size(population: u64) -> u64 {
    if population == 0 {
        return 0;
    }
    let n0 = Z * Z * P * (1.0 - P) / (MARGIN * MARGIN);
    let n = n0 / (1.0 + (n0 - 1.0) / population as f64);
    // `n` is below n0 (≈ 1067.1), so the conversion is exact.
    let n = n.ceil() as u64;
    n.min(population)
}

/// SplitMix64: a small, well-mixed generator, enough to draw a reproducible sample.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..bound` (bound > 0), without modulo bias.
    fn below(&mut self, bound: u64) -> u64 {
        let zone = u64::MAX - u64::MAX % bound;
        loop {
            let x = self.next();
            if x < zone {
                return x % bound;
            }
        }
    }
}

/// `n` of `ids`, drawn from `seed`: the same ids and seed give the same sample whatever order
/// the ids come in (they are sorted first). The sample comes back sorted.
pub fn sample<T: Ord + Clone>(ids: &[T], n: u64, seed: u64) -> Vec<T> {
    let mut all: Vec<T> = ids.to_vec();
    all.sort();
    all.dedup();
    let n = usize::try_from(n).unwrap_or(usize::MAX).min(all.len());
    let mut rng = SplitMix64(seed);
    // A partial Fisher–Yates shuffle: the first n places are a uniform sample.
    for i in 0..n {
        let left = (all.len() - i) as u64;
        let j = i + usize::try_from(rng.below(left)).unwrap_or(0);
        all.swap(i, j);
    }
    all.truncate(n);
    all.sort();
    all
}

/// An item the count expects, where the store records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expected {
    pub item_id: ItemId,
    pub barcode: String,
    pub location_id: Option<String>,
}

/// One scan of a label during the count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scan {
    pub barcode: String,
    /// Where it was scanned.
    pub location_id: Option<String>,
    pub seal_intact: bool,
}

/// What the store knows of a scanned barcode the count did not expect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    pub item_id: ItemId,
    pub state: ItemState,
    /// Kept by the store being counted.
    pub same_store: bool,
}

/// One finding of a count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Discrepancy {
    pub barcode: String,
    pub item_id: Option<ItemId>,
    pub kind: DiscrepancyKind,
    /// Where the store records it (missing, misplaced).
    pub expected_location: Option<String>,
    /// Where it was scanned (misplaced, unexpected, seal broken).
    pub found_location: Option<String>,
    /// For an unexpected scan: why it was not expected.
    pub note: String,
}

/// Compares a count's scans with what it expected, in time linear in both (hash maps; a
/// 100,000-item store reconciles in milliseconds). `known` tells what the store knows of a
/// barcode the count did not expect. Findings come sorted by barcode, then kind.
pub fn reconcile(
    expected: &[Expected],
    scans: &[Scan],
    known: impl Fn(&str) -> Option<Known>,
) -> Vec<Discrepancy> {
    let by_barcode: HashMap<&str, &Expected> =
        expected.iter().map(|e| (e.barcode.as_str(), e)).collect();
    let mut scanned: HashSet<&str> = HashSet::with_capacity(scans.len());
    let mut out = Vec::new();
    for s in scans {
        if !scanned.insert(s.barcode.as_str()) {
            continue;
        }
        let item_id = match by_barcode.get(s.barcode.as_str()) {
            Some(e) => {
                if e.location_id != s.location_id {
                    out.push(Discrepancy {
                        barcode: s.barcode.clone(),
                        item_id: Some(e.item_id.clone()),
                        kind: DiscrepancyKind::Misplaced,
                        expected_location: e.location_id.clone(),
                        found_location: s.location_id.clone(),
                        note: String::new(),
                    });
                }
                Some(e.item_id.clone())
            }
            None => {
                let k = known(&s.barcode);
                let note = match &k {
                    None => "unknown barcode".to_owned(),
                    Some(k) if !k.same_store => "an item of another store".to_owned(),
                    Some(k) if k.state != ItemState::InStore => {
                        format!("the item is recorded as {}", k.state.as_str())
                    }
                    Some(_) => "an item in store outside this count".to_owned(),
                };
                let item_id = k.map(|k| k.item_id);
                out.push(Discrepancy {
                    barcode: s.barcode.clone(),
                    item_id: item_id.clone(),
                    kind: DiscrepancyKind::Unexpected,
                    expected_location: None,
                    found_location: s.location_id.clone(),
                    note,
                });
                item_id
            }
        };
        if !s.seal_intact {
            out.push(Discrepancy {
                barcode: s.barcode.clone(),
                item_id,
                kind: DiscrepancyKind::SealBroken,
                expected_location: None,
                found_location: s.location_id.clone(),
                note: String::new(),
            });
        }
    }
    for e in expected {
        if !scanned.contains(e.barcode.as_str()) {
            out.push(Discrepancy {
                barcode: e.barcode.clone(),
                item_id: Some(e.item_id.clone()),
                kind: DiscrepancyKind::Missing,
                expected_location: e.location_id.clone(),
                found_location: None,
                note: String::new(),
            });
        }
    }
    out.sort_by(|a, b| a.barcode.cmp(&b.barcode).then(a.kind.cmp(&b.kind)));
    out
}

/// An inventory session: what it counts, who counts, and once closed what it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    pub id: crate::ids::InventoryId,
    /// The store counted (an org unit; its subtree's items).
    pub org_id: jingwu_core::OrgId,
    /// Only this location, when given.
    pub location_id: Option<crate::ids::LocationId>,
    pub scope: Scope,
    /// The seed a sample was drawn from.
    pub seed: i64,
    pub auditor_id: jingwu_core::UserId,
    pub started_at: i64,
    pub closed_at: Option<i64>,
    /// Items the count expects.
    pub expected: i64,
    /// Expected items scanned (once closed).
    pub found: Option<i64>,
    /// Findings (once closed).
    pub discrepancies: Option<i64>,
}
