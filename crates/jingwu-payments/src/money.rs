//! Money as integer fen (分, 1/100 yuan). Fines, surcharges, fees and payment amounts are all
//! [`Fen`]; floats never touch money, so a ¥200 fine is exactly 20 000 fen everywhere.

use std::fmt;

use serde::{Deserialize, Serialize};

/// An amount in fen (1 yuan = 100 fen). Serialized as the bare integer.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Fen(pub i64);

/// Why a yuan text such as `"200.00"` was not read as an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("not a yuan amount with at most two decimals")]
    Format,
    #[error("negative amounts are not accepted")]
    Negative,
    #[error("amount out of range")]
    Range,
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan, e.g. `Fen::from_yuan(200)` is ¥200.00 (saturating at the `i64` bounds).
    pub const fn from_yuan(yuan: i64) -> Fen {
        Fen(yuan.saturating_mul(100))
    }

    /// The amount in fen.
    pub const fn get(self) -> i64 {
        self.0
    }

    pub fn checked_add(self, other: Fen) -> Option<Fen> {
        self.0.checked_add(other.0).map(Fen)
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    pub const fn saturating_add(self, other: Fen) -> Fen {
        Fen(self.0.saturating_add(other.0))
    }

    /// Reads yuan text as payment channels and bank statements write it: digits, optionally a
    /// point and one or two decimals (`"200"`, `"200.5"`, `"200.00"`). Exact: no rounding, a
    /// third decimal is refused, and so are signs, exponents, spaces and separators.
    pub fn parse_yuan(text: &str) -> Result<Fen, AmountError> {
        if text.starts_with('-') {
            return Err(AmountError::Negative);
        }
        let (whole, frac) = match text.split_once('.') {
            Some((w, f)) => (w, f),
            None => (text, ""),
        };
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty()
            || !digits(whole)
            || !digits(frac)
            || frac.len() > 2
            || (text.contains('.') && frac.is_empty())
        {
            return Err(AmountError::Format);
        }
        let yuan: i64 = whole.parse().map_err(|_| AmountError::Range)?;
        let mut fen: i64 = 0;
        for (i, b) in frac.bytes().enumerate() {
            let d = i64::from(b - b'0');
            fen += if i == 0 { d * 10 } else { d };
        }
        yuan.checked_mul(100)
            .and_then(|f| f.checked_add(fen))
            .map(Fen)
            .ok_or(AmountError::Range)
    }

    /// The amount as yuan text with two decimals and no symbol, e.g. `"200.00"`, `"-0.50"`.
    pub fn yuan_text(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Yuan with two decimals and the yuan sign: `¥200.00`, `-¥0.50`.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}¥{}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_and_text() {
        assert_eq!(Fen::from_yuan(200).to_string(), "¥200.00");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen(-50).to_string(), "-¥0.50");
        assert_eq!(Fen(i64::MIN).yuan_text(), "-92233720368547758.08");
        assert_eq!(Fen(123_456).yuan_text(), "1234.56");
    }

    #[test]
    fn parse_is_exact() {
        assert_eq!(Fen::parse_yuan("200.00"), Ok(Fen(20_000)));
        assert_eq!(Fen::parse_yuan("200.5"), Ok(Fen(20_050)));
        assert_eq!(Fen::parse_yuan("0.01"), Ok(Fen(1)));
        assert_eq!(Fen::parse_yuan("7"), Ok(Fen(700)));
        assert_eq!(Fen::parse_yuan("1.001"), Err(AmountError::Format));
        assert_eq!(Fen::parse_yuan("-1.00"), Err(AmountError::Negative));
        for bad in ["", ".5", "1.", "1e3", "+1", " 1", "1,000.00", "１"] {
            assert_eq!(Fen::parse_yuan(bad), Err(AmountError::Format), "{bad:?}");
        }
        assert_eq!(
            Fen::parse_yuan("99999999999999999999"),
            Err(AmountError::Range)
        );
    }

    #[test]
    fn serde_is_the_integer() {
        assert_eq!(serde_json::to_string(&Fen(20_000)).unwrap(), "20000");
    }
}
