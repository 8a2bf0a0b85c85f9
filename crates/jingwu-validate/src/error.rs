//! The error type shared by every validator.

use serde::Serialize;

/// Why a value was rejected.
///
/// `code` is a stable, machine-readable identifier (for example
/// `"resident_id.checksum"`); clients may match on it. `message` is a
/// human-readable English explanation and may change wording between
/// releases. `position` is the 0-based *character* (not byte) index into the
/// original input of the offending character, when one character is to blame.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{message} ({code})")]
pub struct ValidationError {
    /// Stable machine code, `"<validator>.<problem>"`.
    pub code: &'static str,
    /// 0-based character index of the offending character, if meaningful.
    pub position: Option<usize>,
    /// Clear English description of what is wrong and where.
    pub message: String,
}

impl ValidationError {
    /// Builds an error.
    pub fn new(code: &'static str, position: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            code,
            position,
            message: message.into(),
        }
    }

    /// Builds an error blamed on the character at `position`.
    pub(crate) fn at(code: &'static str, position: usize, message: impl Into<String>) -> Self {
        Self::new(code, Some(position), message)
    }

    /// Builds an error not tied to a single character.
    pub(crate) fn whole(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(code, None, message)
    }
}

/// The input with surrounding whitespace removed, as characters paired with
/// their 0-based character index in the *original* input, so that error
/// positions point into what the user typed.
pub(crate) fn trimmed_chars(input: &str) -> Vec<(usize, char)> {
    let mut chars: Vec<(usize, char)> = input
        .chars()
        .enumerate()
        .skip_while(|(_, c)| c.is_whitespace())
        .collect();
    while chars.last().is_some_and(|(_, c)| c.is_whitespace()) {
        chars.pop();
    }
    chars
}

/// Implements `Display`, `AsRef<str>` and `Serialize` (as a plain string) for
/// a newtype that has an `as_str(&self) -> &str` method.
macro_rules! string_newtype {
    ($ty:ty) => {
        impl ::std::fmt::Display for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::serde::Serialize for $ty {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}
pub(crate) use string_newtype;
