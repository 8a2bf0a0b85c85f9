//! UN numbers for dangerous goods, from the *UN Recommendations on the
//! Transport of Dangerous Goods — Model Regulations* (the "Orange Book").
//!
//! Accepted: four digits, optionally preceded by `UN` in any case and an
//! optional single space or hyphen (`UN1017`, `UN 1017`, `un1017`, `1017`).
//! Normalised to `UN` + four digits.
//!
//! Range: [`UN_NUMBER_MIN`] (`UN0004`, ammonium picrate, the lowest
//! assigned number) to [`UN_NUMBER_MAX`] (`UN3558`), the highest number of
//! the 23rd revised edition of the Model Regulations (2023, in force from
//! 2025), which assigned UN 3551–3558 (sodium-ion batteries 3551/3552,
//! disilane 3553, gallium in manufactured articles 3554, a tetrazole sodium
//! salt 3555, battery-powered vehicles 3556–3558). The Model Regulations
//! gain new numbers with every biennial revision; raise [`UN_NUMBER_MAX`]
//! when Jingwu adopts a newer edition. Numbers inside the
//! range that were never assigned or have been withdrawn are *not* detected:
//! that needs the Dangerous Goods List itself.
//!
//! Error codes: `un_number.format`, `un_number.range`.

use std::str::FromStr;

use crate::error::{ValidationError, string_newtype, trimmed_chars};

/// Lowest assigned UN number.
pub const UN_NUMBER_MIN: u16 = 4;
/// Highest UN number accepted (see the module documentation).
pub const UN_NUMBER_MAX: u16 = 3558;

/// A validated UN number, normalised to `UN` + four digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UnNumber {
    value: String,
    number: u16,
}

string_newtype!(UnNumber);

impl FromStr for UnNumber {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl UnNumber {
    /// Parses and validates `input`.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let chars = trimmed_chars(input);
        let mut rest: &[(usize, char)] = &chars;
        if let [(_, u), (_, n), tail @ ..] = rest
            && u.eq_ignore_ascii_case(&'U')
            && n.eq_ignore_ascii_case(&'N')
        {
            rest = tail;
            if let [(_, ' ' | '-'), tail @ ..] = rest {
                rest = tail;
            }
        }
        if let Some(&(pos, c)) = rest.iter().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(ValidationError::at(
                "un_number.format",
                pos,
                format!(
                    "character at position {pos} is '{c}' but a UN number is 'UN' followed by four digits"
                ),
            ));
        }
        if rest.len() != 4 {
            return Err(ValidationError::whole(
                "un_number.format",
                format!("a UN number has exactly four digits, got {}", rest.len()),
            ));
        }
        let number = rest.iter().fold(0u16, |acc, &(_, c)| {
            acc * 10 + c.to_digit(10).unwrap_or(0) as u16
        });
        if !(UN_NUMBER_MIN..=UN_NUMBER_MAX).contains(&number) {
            return Err(ValidationError::whole(
                "un_number.range",
                format!(
                    "UN{number:04} is outside the assigned range UN{UN_NUMBER_MIN:04}–UN{UN_NUMBER_MAX:04}"
                ),
            ));
        }
        Ok(Self {
            value: format!("UN{number:04}"),
            number,
        })
    }

    /// The normalised form, e.g. `UN1017`.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The numeric value, e.g. 1017.
    pub fn number(&self) -> u16 {
        self.number
    }
}
