use std::collections::{HashMap, HashSet};

use jingwu_cases::evidence::ItemState;
use jingwu_cases::ids::ItemId;
use jingwu_cases::inventory::*;
use proptest::prelude::*;

#[test]
fn cochran_with_finite_population_correction() {
    // n0 = 1.96² · 0.25 / 0.03² = 1067.11; n = n0 / (1 + (n0 − 1) / N), rounded up.
    assert_eq!(sample_size(0), 0);
    assert_eq!(sample_size(1), 1);
    assert_eq!(sample_size(10), 10);
    assert_eq!(sample_size(100), 92);
    assert_eq!(sample_size(1_000), 517);
    assert_eq!(sample_size(10_000), 965);
    assert_eq!(sample_size(100_000), 1056);
    assert_eq!(sample_size(10_000_000), 1067);
}

#[test]
fn a_sample_is_reproducible_from_its_seed_and_order_free() {
    let ids: Vec<String> = (0..500).map(|i| format!("item-{i:04}")).collect();
    let a = sample(&ids, 50, 7);
    let mut reversed = ids.clone();
    reversed.reverse();
    assert_eq!(a, sample(&reversed, 50, 7));
    assert_eq!(a.len(), 50);
    assert_ne!(a, sample(&ids, 50, 8));
    assert_eq!(sample(&ids, 900, 1).len(), 500);
}

fn exp(id: &str, loc: &str) -> Expected {
    Expected {
        item_id: ItemId::from(id),
        barcode: format!("B-{id}"),
        location_id: Some(loc.into()),
    }
}

fn scan(barcode: &str, loc: &str, seal: bool) -> Scan {
    Scan {
        barcode: barcode.into(),
        location_id: Some(loc.into()),
        seal_intact: seal,
    }
}

#[test]
fn reconcile_finds_each_kind() {
    let expected = [exp("1", "A"), exp("2", "A"), exp("3", "B"), exp("4", "B")];
    let scans = [
        scan("B-1", "A", true),
        scan("B-2", "B", true),   // misplaced
        scan("B-4", "B", false),  // seal broken
        scan("B-9", "A", true),   // unknown
        scan("B-out", "A", true), // checked out on record
        scan("B-1", "A", true),   // repeated scans count once
    ];
    let known = |b: &str| {
        (b == "B-out").then(|| Known {
            item_id: ItemId::from("out"),
            state: ItemState::CheckedOut,
            same_store: true,
        })
    };
    let d = reconcile(&expected, &scans, known);
    let got: Vec<(&str, DiscrepancyKind)> =
        d.iter().map(|d| (d.barcode.as_str(), d.kind)).collect();
    assert_eq!(
        got,
        [
            ("B-2", DiscrepancyKind::Misplaced),
            ("B-3", DiscrepancyKind::Missing),
            ("B-4", DiscrepancyKind::SealBroken),
            ("B-9", DiscrepancyKind::Unexpected),
            ("B-out", DiscrepancyKind::Unexpected),
        ]
    );
    assert_eq!(d[0].expected_location.as_deref(), Some("A"));
    assert_eq!(d[0].found_location.as_deref(), Some("B"));
    assert_eq!(d[3].note, "unknown barcode");
    assert_eq!(d[3].item_id, None);
    assert_eq!(d[4].note, "the item is recorded as checked_out");
    assert!(reconcile(&expected[..1], &scans[..1], |_| None).is_empty());
}

#[test]
fn a_hundred_thousand_items_reconcile() {
    let n = 100_000;
    let expected: Vec<Expected> = (0..n)
        .map(|i| exp(&i.to_string(), &format!("L{}", i % 100)))
        .collect();
    let mut scans: Vec<Scan> = expected
        .iter()
        .map(|e| scan(&e.barcode, e.location_id.as_deref().unwrap(), true))
        .collect();
    scans.swap_remove(5); // one missing
    scans.push(scan("B-stranger", "L1", true));
    let d = reconcile(&expected, &scans, |_| None);
    assert_eq!(d.len(), 2);
}

proptest! {
    /// Against a direct restatement of the rules: every expected item not scanned is missing,
    /// every scan of an expected item elsewhere is misplaced, every other scan unexpected, every
    /// broken seal reported — and nothing else.
    #[test]
    fn reconcile_matches_the_definition(
        expected_n in 0usize..40,
        scans in proptest::collection::vec((0usize..60, 0u8..3, any::<bool>()), 0..60),
    ) {
        let expected: Vec<Expected> = (0..expected_n).map(|i| exp(&i.to_string(), &format!("L{}", i % 3))).collect();
        let scans: Vec<Scan> = scans.iter().map(|(i, l, s)| scan(&format!("B-{i}"), &format!("L{l}"), *s)).collect();
        let d = reconcile(&expected, &scans, |_| None);
        let mut want: HashSet<(String, DiscrepancyKind)> = HashSet::new();
        let mut first: HashMap<&str, &Scan> = HashMap::new();
        for s in &scans {
            first.entry(s.barcode.as_str()).or_insert(s);
        }
        for e in &expected {
            match first.get(e.barcode.as_str()) {
                None => { want.insert((e.barcode.clone(), DiscrepancyKind::Missing)); }
                Some(s) if s.location_id != e.location_id => { want.insert((e.barcode.clone(), DiscrepancyKind::Misplaced)); }
                Some(_) => {}
            }
        }
        for s in first.values() {
            if !expected.iter().any(|e| e.barcode == s.barcode) {
                want.insert((s.barcode.clone(), DiscrepancyKind::Unexpected));
            }
            if !s.seal_intact {
                want.insert((s.barcode.clone(), DiscrepancyKind::SealBroken));
            }
        }
        let got: HashSet<(String, DiscrepancyKind)> = d.iter().map(|d| (d.barcode.clone(), d.kind)).collect();
        prop_assert_eq!(got.len(), d.len(), "no finding twice");
        prop_assert_eq!(got, want);
    }

    #[test]
    fn a_sample_is_a_subset_of_the_asked_size(n in 0usize..300, k in 0u64..400, seed in any::<u64>()) {
        let ids: Vec<u32> = (0..n as u32).collect();
        let s = sample(&ids, k, seed);
        prop_assert_eq!(s.len() as u64, k.min(n as u64));
        let set: HashSet<u32> = s.iter().copied().collect();
        prop_assert_eq!(set.len(), s.len());
        prop_assert!(s.iter().all(|x| (*x as usize) < n));
    }
}
