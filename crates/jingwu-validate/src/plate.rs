//! Motor vehicle licence plates (机动车号牌), GA 36-2018 *Motor vehicle
//! number plates of the People's Republic of China*.
//!
//! A plate number is a province abbreviation (one Chinese character), the
//! code letter of the issuing authority (发牌机关代号), and a serial (序号).
//! On the physical plate a separator dot follows the authority letter; this
//! validator accepts `·` (U+00B7), `•` (U+2022), `・` (U+30FB) or a single
//! space there, upper-cases Latin letters, and normalises to no separator
//! (`浙B·12345` → `浙B12345`).
//!
//! ## What is implemented
//!
//! | kind | serial | example |
//! | --- | --- | --- |
//! | [`PlateKind::Ordinary`] | 5 characters, each a digit or a letter other than `I`/`O` | `京A12345`, `沪AB1C23` |
//! | [`PlateKind::NewEnergySmall`] | 6: power letter `D A B C E` (pure electric) or `F G H J K` (not pure electric), then a digit or letter (not `I`/`O`), then 4 digits | `京AD12345`, `粤BFA1234` |
//! | [`PlateKind::NewEnergyLarge`] | 6: five digits, then `D` (pure electric) or `F` (not pure electric) | `京A12345D` |
//! | [`PlateKind::Learner`] | 4 digits/letters + `学` | `京A1234学` |
//! | [`PlateKind::Police`] | 4 digits/letters + `警` | `京A0123警` |
//! | [`PlateKind::Trailer`] | 4 digits/letters + `挂` | `京A1234挂` |
//! | [`PlateKind::HkMacao`] | `粤Z` + 4 digits/letters + `港` or `澳` | `粤Z1234港` |
//! | [`PlateKind::Embassy`] | `使` + 3-digit mission code + 3-digit serial | `使014578` |
//! | [`PlateKind::ArmedPolice`] | `WJ` + 2-digit unit code + optional corps character + 4 digits (5 without it) | `WJ01警0081`, `WJ0112345` |
//!
//! Embassy plates (使馆汽车号牌, black) are GA 36-2018's: `使`, the three-digit code the
//! Ministry of Foreign Affairs gives the mission, then a three-digit serial. Armed-police
//! plates are not GA 36's: the People's Armed Police issues its own (the 2012 style, 武警
//!部队机动车号牌): `WJ`, the two-digit code of the provincial corps or headquarters unit
//! (`01` headquarters …), an optional corps character (警 guards, 消 fire, 边 border, 金 gold,
//! 森 forest, 电 hydropower, 交 transport) and a four-digit serial — five digits when no
//! character is shown. A register of the city's vehicles meets both, so both are accepted.
//!
//! GA 36-2018 originally assigned only `D`/`F` as the first letter of small
//! new-energy serials; the Ministry of Public Security later extended it with
//! `A B C E` (pure electric) and `G H J K` (not pure electric), which are
//! accepted here.
//!
//! Deliberately *not* implemented: the standard's further restrictions on how
//! many letters an ordinary serial may contain and where (they depend on the
//! local numbering scheme and have changed over time, so a plate accepted here
//! may still never have been issued), and other plate families (consulate 领,
//! emergency 应急, civil aviation 民航, military plates, temporary plates).
//!
//! Error codes: `plate.length`, `plate.province`, `plate.authority`,
//! `plate.character`, `plate.new_energy`, `plate.hk_macao`.

use std::str::FromStr;

use serde::Serialize;

use crate::error::{ValidationError, string_newtype, trimmed_chars};

/// Province-level abbreviations that may start a plate number.
pub const PROVINCES: [char; 31] = [
    '京', '津', '沪', '渝', '冀', '豫', '云', '辽', '黑', '湘', '皖', '鲁', '新', '苏', '浙', '赣',
    '鄂', '桂', '甘', '晋', '蒙', '陕', '吉', '闽', '贵', '粤', '青', '藏', '川', '宁', '琼',
];

/// Separators accepted (and removed) after the issuing-authority letter.
const SEPARATORS: [char; 4] = ['·', '•', '・', ' '];

/// The family a plate belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PlateKind {
    /// Ordinary (blue or yellow) plate with a five-character serial.
    Ordinary,
    /// Small new-energy vehicle plate: six-character serial with a power letter first.
    NewEnergySmall,
    /// Large new-energy vehicle plate: five digits then a power letter.
    NewEnergyLarge,
    /// Learner (coach) vehicle, suffix 学.
    Learner,
    /// Police vehicle, suffix 警.
    Police,
    /// Trailer, suffix 挂.
    Trailer,
    /// Hong Kong or Macao vehicle entering the mainland (粤Z…港 / 粤Z…澳).
    HkMacao,
    /// Embassy vehicle, 使 + mission code + serial.
    Embassy,
    /// People's Armed Police vehicle, WJ + unit code (+ corps character) + serial.
    ArmedPolice,
}

/// Corps characters of armed-police plates (see the module documentation).
const ARMED_POLICE_CORPS: [char; 7] = ['警', '消', '边', '金', '森', '电', '交'];

/// `使` + six digits.
fn embassy(chars: &[(usize, char)]) -> Result<Plate, ValidationError> {
    let digits: Vec<(usize, char)> = chars[1..]
        .iter()
        .copied()
        .filter(|(_, c)| !SEPARATORS.contains(c))
        .collect();
    if digits.len() != 6 {
        return Err(ValidationError::whole(
            "plate.length",
            format!(
                "an embassy plate is 使 and six digits (mission code, serial), got {} after 使",
                digits.len()
            ),
        ));
    }
    if let Some(&(pos, c)) = digits.iter().find(|(_, c)| !c.is_ascii_digit()) {
        return Err(ValidationError::at(
            "plate.character",
            pos,
            format!("character at position {pos} is '{c}' but an embassy plate has digits only"),
        ));
    }
    let mut value = String::from("使");
    value.extend(digits.iter().map(|&(_, c)| c));
    Ok(Plate {
        value,
        kind: PlateKind::Embassy,
    })
}

/// `WJ` + two digits + an optional corps character + four digits (five without it).
fn armed_police(chars: &[(usize, char)]) -> Result<Plate, ValidationError> {
    let rest: Vec<(usize, char)> = chars[2..]
        .iter()
        .copied()
        .filter(|(_, c)| !SEPARATORS.contains(c))
        .collect();
    let corps = rest
        .get(2)
        .map(|&(_, c)| c)
        .filter(|c| ARMED_POLICE_CORPS.contains(c));
    let serial_len = if corps.is_some() { 4 } else { 5 };
    if rest.len() != 2 + usize::from(corps.is_some()) + serial_len {
        return Err(ValidationError::whole(
            "plate.length",
            "an armed-police plate is WJ, a two-digit unit code, an optional corps character \
             and four digits (five without the character)",
        ));
    }
    let digits = rest
        .iter()
        .enumerate()
        .filter(|(i, _)| corps.is_none() || *i != 2);
    if let Some((_, &(pos, c))) = digits.clone().find(|(_, (_, c))| !c.is_ascii_digit()) {
        return Err(ValidationError::at(
            "plate.character",
            pos,
            format!("character at position {pos} is '{c}' but must be a digit here"),
        ));
    }
    let mut value = String::from("WJ");
    value.extend(rest.iter().map(|&(_, c)| c));
    Ok(Plate {
        value,
        kind: PlateKind::ArmedPolice,
    })
}

/// Power source encoded in a new-energy plate's serial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NewEnergyPower {
    /// Pure electric (`D A B C E`; `D` on large plates).
    Electric,
    /// Not pure electric: plug-in hybrid, range extender, fuel cell (`F G H J K`; `F` on large plates).
    NonElectric,
}

fn power_of(letter: char) -> Option<NewEnergyPower> {
    match letter {
        'D' | 'A' | 'B' | 'C' | 'E' => Some(NewEnergyPower::Electric),
        'F' | 'G' | 'H' | 'J' | 'K' => Some(NewEnergyPower::NonElectric),
        _ => None,
    }
}

fn is_serial_char(c: char) -> bool {
    c.is_ascii_digit() || (c.is_ascii_uppercase() && c != 'I' && c != 'O')
}

/// A validated, normalised licence plate number.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Plate {
    value: String,
    kind: PlateKind,
}

string_newtype!(Plate);

impl FromStr for Plate {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl Plate {
    /// Parses and validates `input`.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let chars = trimmed_chars(input);
        let too_short = || {
            ValidationError::whole(
                "plate.length",
                format!(
                    "a plate number needs a province, an authority letter and a 5- or 6-character serial, got {} characters",
                    chars.len()
                ),
            )
        };

        let &(pos, province) = chars.first().ok_or_else(too_short)?;
        if province == '使' {
            return embassy(&chars);
        }
        if chars.len() > 2
            && province.eq_ignore_ascii_case(&'W')
            && chars[1].1.eq_ignore_ascii_case(&'J')
        {
            return armed_police(&chars);
        }
        if !PROVINCES.contains(&province) {
            return Err(ValidationError::at(
                "plate.province",
                pos,
                format!("'{province}' at position {pos} is not a province abbreviation"),
            ));
        }

        let &(pos, authority) = chars.get(1).ok_or_else(too_short)?;
        let authority = authority.to_ascii_uppercase();
        if !authority.is_ascii_uppercase() || authority == 'I' || authority == 'O' {
            return Err(ValidationError::at(
                "plate.authority",
                pos,
                format!(
                    "issuing-authority code at position {pos} is '{authority}' but must be a letter A–Z other than I and O"
                ),
            ));
        }

        let mut serial: Vec<(usize, char)> = chars[2..]
            .iter()
            .map(|&(p, c)| (p, c.to_ascii_uppercase()))
            .collect();
        if serial
            .first()
            .is_some_and(|&(_, c)| SEPARATORS.contains(&c))
        {
            serial.remove(0);
        }

        let suffix = match serial.last() {
            Some(&(_, c @ ('学' | '警' | '挂' | '港' | '澳'))) => Some(c),
            _ => None,
        };
        let body_len = serial.len() - usize::from(suffix.is_some());
        let expected_body_len = match (suffix, serial.len()) {
            (Some(_), _) => 4,
            (None, 6) => 6,
            (None, _) => 5,
        };
        if body_len != expected_body_len {
            return Err(ValidationError::whole(
                "plate.length",
                match suffix {
                    Some(s) => format!(
                        "a plate with suffix '{s}' has 4 serial characters before it, got {body_len}"
                    ),
                    None => format!(
                        "the serial after the authority letter has 5 characters (6 on new-energy plates), got {body_len}"
                    ),
                },
            ));
        }

        let body = &serial[..body_len];
        if let Some(&(pos, c)) = body.iter().find(|&&(_, c)| !is_serial_char(c)) {
            return Err(ValidationError::at(
                "plate.character",
                pos,
                format!(
                    "serial character at position {pos} is '{c}' but must be a digit or a letter other than I and O"
                ),
            ));
        }

        let kind = match suffix {
            Some('学') => PlateKind::Learner,
            Some('警') => PlateKind::Police,
            Some('挂') => PlateKind::Trailer,
            Some(_) => {
                if province != '粤' || authority != 'Z' {
                    return Err(ValidationError::at(
                        "plate.hk_macao",
                        chars[0].0,
                        format!(
                            "Hong Kong / Macao plates start with '粤Z', not '{province}{authority}'"
                        ),
                    ));
                }
                PlateKind::HkMacao
            }
            None if body_len == 5 => PlateKind::Ordinary,
            None => new_energy_kind(body)?,
        };

        let mut value = String::with_capacity(serial.len() * 3 + 4);
        value.push(province);
        value.push(authority);
        value.extend(serial.iter().map(|&(_, c)| c));
        Ok(Self { value, kind })
    }

    /// The normalised plate number, without separator.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The plate family.
    pub fn kind(&self) -> PlateKind {
        self.kind
    }

    /// The province abbreviation.
    pub fn province(&self) -> char {
        self.value.chars().next().unwrap_or_default()
    }

    /// The issuing-authority letter.
    pub fn authority(&self) -> char {
        self.value.chars().nth(1).unwrap_or_default()
    }

    /// Everything after the authority letter (including any suffix character); for embassy
    /// plates everything after 使, for armed-police plates everything after `WJ`.
    pub fn serial(&self) -> &str {
        let start = match self.kind {
            PlateKind::Embassy => '使'.len_utf8(),
            PlateKind::ArmedPolice => 2,
            _ => self.province().len_utf8() + 1,
        };
        &self.value[start..]
    }

    /// For new-energy plates, whether the vehicle is pure electric.
    pub fn new_energy_power(&self) -> Option<NewEnergyPower> {
        match self.kind {
            PlateKind::NewEnergySmall => self.serial().chars().next().and_then(power_of),
            PlateKind::NewEnergyLarge => self.serial().chars().last().and_then(power_of),
            _ => None,
        }
    }
}

/// Classifies a six-character serial already known to consist of serial
/// characters.
fn new_energy_kind(body: &[(usize, char)]) -> Result<PlateKind, ValidationError> {
    let Some(&(first_pos, first)) = body.first() else {
        return Err(ValidationError::whole("plate.length", "empty serial"));
    };
    let fail =
        |pos: usize, message: String| Err(ValidationError::at("plate.new_energy", pos, message));
    if first.is_ascii_digit() {
        // Large vehicle: five digits then D or F.
        if let Some(&(pos, c)) = body[..5].iter().find(|(_, c)| !c.is_ascii_digit()) {
            return fail(
                pos,
                format!(
                    "large new-energy plate: character at position {pos} is '{c}' but the first five serial characters must be digits"
                ),
            );
        }
        let (pos, last) = body[5];
        if last != 'D' && last != 'F' {
            return fail(
                pos,
                format!(
                    "large new-energy plate: last character at position {pos} is '{last}' but must be 'D' (electric) or 'F' (non-electric)"
                ),
            );
        }
        Ok(PlateKind::NewEnergyLarge)
    } else {
        // Small vehicle: power letter, digit or letter, four digits.
        if power_of(first).is_none() {
            return fail(
                first_pos,
                format!(
                    "small new-energy plate: first serial character at position {first_pos} is '{first}' but must be one of D A B C E (electric) or F G H J K (non-electric)"
                ),
            );
        }
        if let Some(&(pos, c)) = body[2..].iter().find(|(_, c)| !c.is_ascii_digit()) {
            return fail(
                pos,
                format!(
                    "small new-energy plate: character at position {pos} is '{c}' but the last four serial characters must be digits"
                ),
            );
        }
        Ok(PlateKind::NewEnergySmall)
    }
}
