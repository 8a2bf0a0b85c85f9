//! Plate pre-selection (预选号牌): candidate plate numbers to choose from.
//!
//! Candidates are ordinary blue plates: the province and authority prefix (e.g. `浙B`) and a
//! 5-character serial of digits and letters other than `I` and `O` (GA 36-2018), with at most
//! two letters, as local numbering schemes usually allow. Every candidate is checked by
//! [`jingwu_validate::Plate`]. Whether a number is still free is for the store to answer.

use std::collections::BTreeSet;

use jingwu_validate::{Plate, PlateKind};

const LETTERS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";

/// `n` distinct candidate plates for `province_authority` (`"浙B"`), the same for the same
/// seed. Empty when the prefix is not a province abbreviation and an authority letter. At most
/// a few thousand are produced per call.
pub fn candidates(province_authority: &str, seed: u64, n: usize) -> Vec<String> {
    let prefix = province_authority.trim();
    if Plate::parse(&format!("{prefix}00000"))
        .ok()
        .map(|p| p.kind())
        != Some(PlateKind::Ordinary)
    {
        return Vec::new();
    }
    let n = n.min(4096);
    let mut state = seed;
    let mut next = move || {
        // SplitMix64.
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::with_capacity(n);
    let mut attempts = 0usize;
    while out.len() < n && attempts < n.saturating_mul(20).max(64) {
        attempts += 1;
        let mut serial = String::with_capacity(5);
        let mut letters = 0;
        for _ in 0..5 {
            let r = next();
            if letters < 2 && r % 10 < 3 {
                letters += 1;
                serial.push(char::from(LETTERS[(r >> 8) as usize % LETTERS.len()]));
            } else {
                serial.push(char::from(b'0' + ((r >> 8) % 10) as u8));
            }
        }
        let Ok(plate) = Plate::parse(&format!("{prefix}{serial}")) else {
            continue;
        };
        if plate.kind() == PlateKind::Ordinary && seen.insert(plate.as_str().to_owned()) {
            out.push(plate.as_str().to_owned());
        }
    }
    out
}
