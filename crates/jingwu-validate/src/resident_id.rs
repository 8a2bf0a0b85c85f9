//! Resident identity card numbers (居民身份证号码), GB 11643-1999
//! *Citizen identification number*.
//!
//! Layout of the 18 characters (0-based indices):
//!
//! | indices | meaning |
//! | --- | --- |
//! | 0–5 | address code: administrative division code of the place of household registration (GB/T 2260) |
//! | 6–13 | date of birth, `YYYYMMDD` |
//! | 14–16 | sequence code; the last of the three (index 16) is odd for men and even for women |
//! | 17 | check character, ISO 7064:2003 MOD 11-2 over indices 0–16 |
//!
//! ## What is checked
//!
//! * exactly 18 characters after trimming surrounding whitespace; the first 17
//!   are ASCII digits, the last a digit or `X` (`x` is accepted and
//!   normalised to `X`) — `resident_id.length`, `resident_id.character`;
//! * the first two digits are a province-level code (see [`is_province_code`])
//!   — `resident_id.region`. Only the province level is checked: the full
//!   six-digit code is not looked up, because GB/T 2260 changes every year and
//!   people keep the number issued under a code that may since have been
//!   abolished;
//! * the birth date is a real Gregorian date (leap years included) —
//!   `resident_id.birth_date` — and lies between 1900-01-01 and the
//!   caller-supplied `today`, inclusive — `resident_id.birth_date_range`;
//! * the check character — `resident_id.checksum`.
//!
//! The check character: with `a_i` the digit at index `i` and weight
//! `W_i = 2^(17 - i) mod 11`, `S = Σ a_i·W_i` for `i` in 0..17, and the check
//! value is `(12 - S mod 11) mod 11`, written as the digit or, for 10, as `X`.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::error::{ValidationError, string_newtype, trimmed_chars};

/// ISO 7064 MOD 11-2 weights `2^(17 - i) mod 11` for indices 0–16.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Earliest birth year accepted.
pub const MIN_BIRTH_YEAR: i32 = 1900;

/// Whether `code` (the first two digits of an address code) is a
/// province-level division.
///
/// Sources:
/// * GB/T 2260 *Codes for the administrative divisions of the People's
///   Republic of China*: 11–15 (Beijing … Inner Mongolia), 21–23 (Liaoning,
///   Jilin, Heilongjiang), 31–37 (Shanghai … Shandong), 41–46 (Henan …
///   Hainan), 50–54 (Chongqing … Tibet), 61–65 (Shaanxi … Xinjiang),
///   71 (Taiwan), 81 (Hong Kong), 82 (Macao);
/// * 83: Taiwan residents' residence permits (港澳台居民居住证申领发放办法,
///   2018), whose numbers use 810000 / 820000 / 830000 as address code;
/// * 91: used on some legacy records for persons registered abroad (国外).
///   It is *not* in GB/T 2260; it is accepted because Jingwu's source systems
///   contain such records.
pub fn is_province_code(code: u32) -> bool {
    matches!(
        code,
        11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82 | 83 | 91
    )
}

/// Computes the check character for the first 17 characters of a resident
/// identity card number. Returns `None` unless `body` is exactly 17 ASCII
/// digits.
pub fn check_character(body: &str) -> Option<char> {
    let bytes = body.as_bytes();
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = bytes
        .iter()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    Some(match (12 - sum % 11) % 11 {
        10 => 'X',
        // 0..=9
        v => char::from(b'0' + v as u8),
    })
}

/// A Gregorian calendar date.
///
/// Ordered chronologically; displayed and serialised as `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 1949.
    pub year: i32,
    /// Month, 1–12.
    pub month: u32,
    /// Day of month, 1–31.
    pub day: u32,
}

impl Date {
    /// Returns the date if it exists in the (proleptic) Gregorian calendar.
    pub fn new(year: i32, month: u32, day: u32) -> Option<Self> {
        (1..=12)
            .contains(&month)
            .then(|| days_in_month(year, month))
            .filter(|max| (1..=*max).contains(&day))
            .map(|_| Self { year, month, day })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// Whether `year` is a Gregorian leap year.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Sex encoded by the parity of the sequence code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Odd sequence digit.
    Male,
    /// Even sequence digit.
    Female,
}

/// A validated, normalised (upper-case `X`) resident identity card number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResidentId {
    value: String,
    birth_date: Date,
    sex: Sex,
}

string_newtype!(ResidentId);

impl ResidentId {
    /// Parses and validates `input`. `today` is `(year, month, day)` and
    /// bounds the birth date from above.
    pub fn parse(input: &str, today: (i32, u32, u32)) -> Result<Self, ValidationError> {
        let chars = trimmed_chars(input);
        if chars.len() != 18 {
            return Err(ValidationError::whole(
                "resident_id.length",
                format!(
                    "a resident identity card number has 18 characters, got {}",
                    chars.len()
                ),
            ));
        }
        let mut value = String::with_capacity(18);
        let mut digits = [0u32; 18];
        for (i, &(pos, c)) in chars.iter().enumerate() {
            match c {
                '0'..='9' => digits[i] = c.to_digit(10).unwrap_or_default(),
                'X' | 'x' if i == 17 => digits[i] = 10,
                _ if i == 17 => {
                    return Err(ValidationError::at(
                        "resident_id.character",
                        pos,
                        format!(
                            "check character at position {pos} is '{c}' but must be a digit or 'X'"
                        ),
                    ));
                }
                _ => {
                    return Err(ValidationError::at(
                        "resident_id.character",
                        pos,
                        format!("character at position {pos} is '{c}' but must be a digit"),
                    ));
                }
            }
            value.push(c.to_ascii_uppercase());
        }
        let pos = |i: usize| chars.get(i).map_or(i, |&(p, _)| p);

        let province = digits[0] * 10 + digits[1];
        if !is_province_code(province) {
            return Err(ValidationError::at(
                "resident_id.region",
                pos(0),
                format!(
                    "administrative division code '{}' starts with '{province:02}', which is not a province code",
                    &value[0..6]
                ),
            ));
        }

        let number =
            |range: std::ops::Range<usize>| digits[range].iter().fold(0u32, |acc, d| acc * 10 + d);
        let year = number(6..10) as i32;
        let month = number(10..12);
        let day = number(12..14);
        if !(1..=12).contains(&month) {
            return Err(ValidationError::at(
                "resident_id.birth_date",
                pos(10),
                format!(
                    "birth month '{month:02}' at position {} is not 01–12",
                    pos(10)
                ),
            ));
        }
        let Some(birth_date) = Date::new(year, month, day) else {
            return Err(ValidationError::at(
                "resident_id.birth_date",
                pos(12),
                format!(
                    "birth date {year:04}-{month:02}-{day:02} does not exist: day at position {} is out of range for the month",
                    pos(12)
                ),
            ));
        };
        if year < MIN_BIRTH_YEAR {
            return Err(ValidationError::at(
                "resident_id.birth_date_range",
                pos(6),
                format!("birth date {birth_date} is before {MIN_BIRTH_YEAR}-01-01"),
            ));
        }
        let today_date = Date {
            year: today.0,
            month: today.1,
            day: today.2,
        };
        if birth_date > today_date {
            return Err(ValidationError::at(
                "resident_id.birth_date_range",
                pos(6),
                format!("birth date {birth_date} is in the future (today is {today_date})"),
            ));
        }

        let expected = check_character(&value[0..17]).unwrap_or('?');
        let actual = value[17..].chars().next().unwrap_or('?');
        if expected != actual {
            return Err(ValidationError::at(
                "resident_id.checksum",
                pos(17),
                format!("check character is '{actual}' but should be '{expected}'"),
            ));
        }

        let sex = if digits[16] % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        };
        Ok(Self {
            value,
            birth_date,
            sex,
        })
    }

    /// The normalised 18-character number.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The six-digit administrative division (address) code.
    pub fn region_code(&self) -> &str {
        &self.value[0..6]
    }

    /// The two-digit province code.
    pub fn province_code(&self) -> &str {
        &self.value[0..2]
    }

    /// The date of birth.
    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    /// The three-digit sequence code.
    pub fn sequence(&self) -> &str {
        &self.value[14..17]
    }

    /// The sex encoded by the sequence code.
    pub fn sex(&self) -> Sex {
        self.sex
    }

    /// The check character (`0`–`9` or `X`).
    pub fn check_character(&self) -> char {
        self.value[17..].chars().next().unwrap_or('?')
    }
}
