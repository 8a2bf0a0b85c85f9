//! Validators for the identifiers Jingwu's systems exchange.
//!
//! Every validator follows *parse, don't validate*: it takes user input,
//! tolerates the usual harmless variations (surrounding whitespace, case,
//! separators, country codes), and returns either a normalised newtype or a
//! [`ValidationError`] with a stable machine `code`, the 0-based character
//! `position` of the culprit where one exists, and an English `message`.
//!
//! | identifier | type | standard |
//! | --- | --- | --- |
//! | resident identity card number | [`ResidentId`] | GB 11643-1999 *Citizen identification number*, check character per ISO 7064:2003 MOD 11-2; address codes per GB/T 2260 |
//! | motor vehicle licence plate | [`Plate`] | GA 36-2018 *Motor vehicle number plates of the PRC* |
//! | unified social credit code | [`Uscc`] | GB 32100-2015 *Coding rule of the unified social credit identifier for legal entities and other organizations* (organisation code part: GB 11714-1997) |
//! | mainland mobile number | [`MobileNumber`] | MIIT telecommunication numbering plan (`1[3-9]` + 9 digits) |
//! | UN number (dangerous goods) | [`UnNumber`] | UN *Recommendations on the Transport of Dangerous Goods — Model Regulations* |
//!
//! Each module documents exactly which rules are enforced and which are not.
//! [`validate`] dispatches on an [`IdKind`] and returns a serialisable
//! [`Validated`] summary, the shape served by `POST /api/v1/validate`.
//!
//! The crate is pure: no I/O, no clock. Validators that depend on the date
//! (the birth date of a resident identity card number must not be in the
//! future) take `today` as `(year, month, day)`.

mod error;
pub mod mobile;
pub mod plate;
pub mod resident_id;
pub mod un_number;
pub mod uscc;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use error::ValidationError;
pub use mobile::MobileNumber;
pub use plate::{NewEnergyPower, Plate, PlateKind};
pub use resident_id::{Date, ResidentId, Sex};
pub use un_number::UnNumber;
pub use uscc::Uscc;

/// Which identifier to validate; serialised in `snake_case`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdKind {
    /// Resident identity card number (GB 11643-1999).
    ResidentId,
    /// Motor vehicle licence plate (GA 36-2018).
    Plate,
    /// Unified social credit code (GB 32100-2015).
    Uscc,
    /// Mainland mobile number.
    Mobile,
    /// UN number of dangerous goods.
    UnNumber,
}

impl IdKind {
    /// Every kind, in declaration order.
    pub const ALL: [IdKind; 5] = [
        IdKind::ResidentId,
        IdKind::Plate,
        IdKind::Uscc,
        IdKind::Mobile,
        IdKind::UnNumber,
    ];

    /// The `snake_case` name, as serialised.
    pub fn as_str(self) -> &'static str {
        match self {
            IdKind::ResidentId => "resident_id",
            IdKind::Plate => "plate",
            IdKind::Uscc => "uscc",
            IdKind::Mobile => "mobile",
            IdKind::UnNumber => "un_number",
        }
    }
}

impl fmt::Display for IdKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for IdKind {
    type Err = ValidationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        IdKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                ValidationError::new(
                    "kind.unknown",
                    None,
                    format!(
                        "unknown identifier kind '{s}'; expected one of resident_id, plate, uscc, mobile, un_number"
                    ),
                )
            })
    }
}

/// Serialisable summary of a successfully validated value.
///
/// Serialised with a `kind` tag equal to the [`IdKind`] name, e.g.
/// `{"kind":"resident_id","normalized":"11010519491231002X","region_code":"110105",…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Validated {
    /// A resident identity card number.
    ResidentId {
        /// Normalised number (upper-case `X`).
        normalized: String,
        /// Six-digit administrative division code.
        region_code: String,
        /// Two-digit province code.
        province_code: String,
        /// Date of birth, `YYYY-MM-DD`.
        birth_date: Date,
        /// Sex encoded by the sequence code.
        sex: Sex,
    },
    /// A licence plate.
    Plate {
        /// Normalised plate, without separator.
        normalized: String,
        /// Plate family.
        plate_kind: PlateKind,
        /// Province abbreviation.
        province: String,
        /// Issuing-authority letter.
        authority: String,
        /// Serial after the authority letter, including any suffix character.
        serial: String,
        /// For new-energy plates, the power source.
        #[serde(skip_serializing_if = "Option::is_none")]
        new_energy_power: Option<NewEnergyPower>,
    },
    /// A unified social credit code.
    Uscc {
        /// Normalised code.
        normalized: String,
        /// Registration management department code.
        registration_authority: String,
        /// Organisation category code.
        category: String,
        /// Six-digit administrative division code.
        region_code: String,
        /// Nine-character organisation code.
        organization_code: String,
        /// Whether the organisation code's GB 11714 check character is right.
        organization_code_check_valid: bool,
    },
    /// A mobile number.
    Mobile {
        /// The 11 national digits.
        normalized: String,
        /// E.164 form, `+86…`.
        e164: String,
    },
    /// A UN number.
    UnNumber {
        /// `UN` + four digits.
        normalized: String,
        /// Numeric value.
        number: u16,
    },
}

impl Validated {
    /// The kind of identifier.
    pub fn kind(&self) -> IdKind {
        match self {
            Validated::ResidentId { .. } => IdKind::ResidentId,
            Validated::Plate { .. } => IdKind::Plate,
            Validated::Uscc { .. } => IdKind::Uscc,
            Validated::Mobile { .. } => IdKind::Mobile,
            Validated::UnNumber { .. } => IdKind::UnNumber,
        }
    }

    /// The normalised value.
    pub fn normalized(&self) -> &str {
        match self {
            Validated::ResidentId { normalized, .. }
            | Validated::Plate { normalized, .. }
            | Validated::Uscc { normalized, .. }
            | Validated::Mobile { normalized, .. }
            | Validated::UnNumber { normalized, .. } => normalized,
        }
    }
}

impl From<&ResidentId> for Validated {
    fn from(id: &ResidentId) -> Self {
        Validated::ResidentId {
            normalized: id.as_str().to_owned(),
            region_code: id.region_code().to_owned(),
            province_code: id.province_code().to_owned(),
            birth_date: id.birth_date(),
            sex: id.sex(),
        }
    }
}

impl From<&Plate> for Validated {
    fn from(plate: &Plate) -> Self {
        Validated::Plate {
            normalized: plate.as_str().to_owned(),
            plate_kind: plate.kind(),
            province: plate.province().to_string(),
            authority: plate.authority().to_string(),
            serial: plate.serial().to_owned(),
            new_energy_power: plate.new_energy_power(),
        }
    }
}

impl From<&Uscc> for Validated {
    fn from(code: &Uscc) -> Self {
        Validated::Uscc {
            normalized: code.as_str().to_owned(),
            registration_authority: code.registration_authority().to_string(),
            category: code.category().to_string(),
            region_code: code.region_code().to_owned(),
            organization_code: code.organization_code().to_owned(),
            organization_code_check_valid: code.organization_code_check_valid(),
        }
    }
}

impl From<&MobileNumber> for Validated {
    fn from(number: &MobileNumber) -> Self {
        Validated::Mobile {
            normalized: number.as_str().to_owned(),
            e164: number.e164(),
        }
    }
}

impl From<&UnNumber> for Validated {
    fn from(number: &UnNumber) -> Self {
        Validated::UnNumber {
            normalized: number.as_str().to_owned(),
            number: number.number(),
        }
    }
}

/// Validates `value` as an identifier of `kind`. `today` is
/// `(year, month, day)` and is used only for resident identity card numbers.
pub fn validate(
    kind: IdKind,
    value: &str,
    today: (i32, u32, u32),
) -> Result<Validated, ValidationError> {
    Ok(match kind {
        IdKind::ResidentId => Validated::from(&ResidentId::parse(value, today)?),
        IdKind::Plate => Validated::from(&Plate::parse(value)?),
        IdKind::Uscc => Validated::from(&Uscc::parse(value)?),
        IdKind::Mobile => Validated::from(&MobileNumber::parse(value)?),
        IdKind::UnNumber => Validated::from(&UnNumber::parse(value)?),
    })
}
