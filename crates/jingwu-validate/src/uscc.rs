//! Unified social credit codes (统一社会信用代码), GB 32100-2015 *The
//! coding rule of the unified social credit identifier for legal entities
//! and other organizations*.
//!
//! Layout of the 18 characters (0-based indices), all drawn from the
//! 31-character set [`CHARSET`] (digits and upper-case letters without
//! `I O Z S V`):
//!
//! | indices | meaning |
//! | --- | --- |
//! | 0 | registration management department code (登记管理部门代码) |
//! | 1 | organisation category code (机构类别代码) |
//! | 2–7 | administrative division code of the registering authority (GB/T 2260), digits |
//! | 8–16 | organisation code (组织机构代码, GB 11714-1997), 8 characters + its own check character |
//! | 17 | check character over indices 0–16 |
//!
//! Check character: with `C_i` the index of character `i` in [`CHARSET`] and
//! [`WEIGHTS`] `W_i = 3^i mod 31`, the check value is `31 - (Σ C_i·W_i mod 31)`,
//! with 31 written as `0`.
//!
//! ## What is checked
//!
//! * 18 characters after trimming whitespace, all from the character set
//!   (lower-case letters are upper-cased) — `uscc.length`, `uscc.character`;
//! * index 0 is an assigned department code: `1` establishment
//!   administration, `2` foreign affairs, `3` justice administration, `4`
//!   culture, `5` civil affairs, `6` tourism, `7` religious affairs, `8` trade
//!   unions, `9` market regulation (formerly industry and commerce), `A`
//!   Central Military Commission establishment office, `N` agriculture, `Y`
//!   other — `uscc.registration_authority`. GB 32100-2015 itself names `1`,
//!   `5`, `9` and `Y`; the others were assigned afterwards by the national
//!   code administration;
//! * for departments `1`, `5` and `9`, whose categories are fixed, index 1 is
//!   one of that department's categories (`1`: 1 organ, 2 public institution,
//!   3 mass organisation, 9 other; `5`: 1 social organisation, 2 private
//!   non-enterprise unit, 3 foundation, 9 other; `9`: 1 enterprise, 2
//!   individual business, 3 farmers' cooperative) — `uscc.category`;
//! * indices 2–7 are digits — `uscc.region`. The province is *not* checked,
//!   because central-level organisations use `100000`;
//! * the check character — `uscc.checksum`.
//!
//! The GB 11714 check character inside the organisation code is **not**
//! enforced: codes issued to individual businesses and during the 2015–2017
//! transition do not always satisfy it. It is reported by
//! [`Uscc::organization_code_check_valid`] instead.

use std::str::FromStr;

use crate::error::{ValidationError, string_newtype, trimmed_chars};

/// The 31 characters a unified social credit code may contain, in value order.
pub const CHARSET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights for indices 0–16 (`3^i mod 31`).
pub const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// The value (0–30) of `c` in [`CHARSET`].
pub fn char_value(c: char) -> Option<u32> {
    CHARSET.find(c).map(|i| i as u32)
}

/// Computes the check character for the first 17 characters of a code.
/// Returns `None` unless `body` is 17 characters of [`CHARSET`].
pub fn check_character(body: &str) -> Option<char> {
    let mut sum = 0u32;
    let mut count = 0usize;
    for (c, w) in body.chars().zip(WEIGHTS) {
        sum += char_value(c)? * w;
        count += 1;
    }
    if count != 17 || body.chars().count() != 17 {
        return None;
    }
    let check = (31 - sum % 31) % 31;
    CHARSET.chars().nth(check as usize)
}

/// GB 11714-1997 check character for an 8-character organisation code body
/// (digits and upper-case letters, `A` = 10 … `Z` = 35): weights
/// 3 7 9 10 5 8 4 2, check `11 - (sum mod 11)`, 10 → `X`, 11 → `0`.
pub fn organization_code_check_character(body: &str) -> Option<char> {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    if body.chars().count() != 8 {
        return None;
    }
    let mut sum = 0;
    for (c, w) in body.chars().zip(W) {
        if !(c.is_ascii_digit() || c.is_ascii_uppercase()) {
            return None;
        }
        sum += c.to_digit(36)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        v => char::from_digit(v, 10)?,
    })
}

const DEPARTMENTS: &str = "123456789ANY";

fn categories_of(department: char) -> Option<&'static str> {
    match department {
        '1' | '5' => Some("1239"),
        '9' => Some("123"),
        _ => None,
    }
}

/// A validated, normalised (upper-case) unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Uscc {
    value: String,
}

string_newtype!(Uscc);

impl FromStr for Uscc {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Uscc {
    /// Parses and validates `input`.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let chars = trimmed_chars(input);
        if chars.len() != 18 {
            return Err(ValidationError::whole(
                "uscc.length",
                format!(
                    "a unified social credit code has 18 characters, got {}",
                    chars.len()
                ),
            ));
        }
        let chars: Vec<(usize, char)> = chars
            .into_iter()
            .map(|(p, c)| (p, c.to_ascii_uppercase()))
            .collect();
        if let Some(&(pos, c)) = chars.iter().find(|&&(_, c)| char_value(c).is_none()) {
            return Err(ValidationError::at(
                "uscc.character",
                pos,
                format!(
                    "character at position {pos} is '{c}' but must be a digit or a letter other than I, O, Z, S and V"
                ),
            ));
        }
        let value: String = chars.iter().map(|&(_, c)| c).collect();

        let (pos, department) = chars[0];
        if !DEPARTMENTS.contains(department) {
            return Err(ValidationError::at(
                "uscc.registration_authority",
                pos,
                format!(
                    "registration management department code at position {pos} is '{department}' but must be one of 1–9, A, N, Y"
                ),
            ));
        }
        let (pos, category) = chars[1];
        if let Some(allowed) = categories_of(department)
            && !allowed.contains(category)
        {
            return Err(ValidationError::at(
                "uscc.category",
                pos,
                format!(
                    "organisation category code at position {pos} is '{category}' but department '{department}' only uses {}",
                    allowed
                        .chars()
                        .map(String::from)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            ));
        }
        if let Some(&(pos, c)) = chars[2..8].iter().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(ValidationError::at(
                "uscc.region",
                pos,
                format!(
                    "administrative division code (positions 2–7) must be digits, but position {pos} is '{c}'"
                ),
            ));
        }

        let expected = check_character(&value[..17]).unwrap_or('?');
        let (pos, actual) = chars[17];
        if expected != actual {
            return Err(ValidationError::at(
                "uscc.checksum",
                pos,
                format!("check character is '{actual}' but should be '{expected}'"),
            ));
        }
        Ok(Self { value })
    }

    /// The normalised 18-character code.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// Registration management department code (index 0).
    pub fn registration_authority(&self) -> char {
        self.value.chars().next().unwrap_or_default()
    }

    /// Organisation category code (index 1).
    pub fn category(&self) -> char {
        self.value.chars().nth(1).unwrap_or_default()
    }

    /// Six-digit administrative division code (indices 2–7).
    pub fn region_code(&self) -> &str {
        &self.value[2..8]
    }

    /// Nine-character organisation code (indices 8–16).
    pub fn organization_code(&self) -> &str {
        &self.value[8..17]
    }

    /// Whether the organisation code carries a correct GB 11714 check
    /// character. Informational only; not required by [`Uscc::parse`].
    pub fn organization_code_check_valid(&self) -> bool {
        organization_code_check_character(&self.value[8..16])
            .is_some_and(|c| self.value[16..17].starts_with(c))
    }

    /// The check character (index 17).
    pub fn check_character(&self) -> char {
        self.value.chars().nth(17).unwrap_or_default()
    }
}
