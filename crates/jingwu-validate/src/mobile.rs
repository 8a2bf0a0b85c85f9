//! Mainland China mobile telephone numbers.
//!
//! Accepted: 11 digits `1[3-9]XXXXXXXXX` (the second digit 3–9 covers every
//! segment the MIIT numbering plan assigns to mobile, IoT and virtual
//! operators), optionally preceded by the country code as `+86`, `0086` or
//! `86`, with spaces and hyphens anywhere as grouping
//! (`+86 138-0013-8000`). A bare `86` prefix is only taken as a country code
//! when 13 digits remain, so it never eats the start of an 11-digit number.
//! Normalised to the 11 national digits.
//!
//! Error codes: `mobile.character`, `mobile.country_code`, `mobile.length`,
//! `mobile.format`.

use std::str::FromStr;

use crate::error::{ValidationError, string_newtype, trimmed_chars};

/// A validated mobile number, normalised to 11 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MobileNumber {
    value: String,
}

string_newtype!(MobileNumber);

impl FromStr for MobileNumber {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl MobileNumber {
    /// Parses and validates `input`.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let chars = trimmed_chars(input);
        let mut digits: Vec<(usize, char)> = Vec::with_capacity(chars.len());
        let mut plus = false;
        for (i, &(pos, c)) in chars.iter().enumerate() {
            match c {
                '0'..='9' => digits.push((pos, c)),
                ' ' | '-' => {}
                '+' if i == 0 => plus = true,
                _ => {
                    return Err(ValidationError::at(
                        "mobile.character",
                        pos,
                        format!(
                            "character at position {pos} is '{c}' but only digits, spaces, hyphens and a leading '+' are allowed"
                        ),
                    ));
                }
            }
        }
        let text: String = digits.iter().map(|&(_, c)| c).collect();

        let skip = if plus {
            if !text.starts_with("86") {
                return Err(ValidationError::at(
                    "mobile.country_code",
                    chars.first().map_or(0, |&(p, _)| p),
                    "international prefix must be +86 (mainland China)",
                ));
            }
            2
        } else if text.starts_with("0086") {
            4
        } else if text.starts_with("00") {
            return Err(ValidationError::at(
                "mobile.country_code",
                digits.first().map_or(0, |&(p, _)| p),
                "international prefix must be 0086 (mainland China)",
            ));
        } else if text.starts_with("86") && digits.len() == 13 {
            2
        } else {
            0
        };
        let national = &digits[skip.min(digits.len())..];
        if national.len() != 11 {
            return Err(ValidationError::whole(
                "mobile.length",
                format!(
                    "a mainland mobile number has 11 digits after the country code, got {}",
                    national.len()
                ),
            ));
        }
        let (pos, first) = national[0];
        if first != '1' {
            return Err(ValidationError::at(
                "mobile.format",
                pos,
                format!("a mobile number starts with '1', but position {pos} is '{first}'"),
            ));
        }
        let (pos, second) = national[1];
        if !('3'..='9').contains(&second) {
            return Err(ValidationError::at(
                "mobile.format",
                pos,
                format!(
                    "the second digit of a mobile number is 3–9, but position {pos} is '{second}'"
                ),
            ));
        }
        Ok(Self {
            value: national.iter().map(|&(_, c)| c).collect(),
        })
    }

    /// The 11 national digits.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The number in E.164 form, `+86` followed by the 11 digits.
    pub fn e164(&self) -> String {
        format!("+86{}", self.value)
    }
}
