//! Stored text codes back into the domain's enums. A code the domain does not know is a
//! decoding error naming the column's meaning and the value, never a silent default.

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

/// An enum stored as its text code.
pub(crate) trait Code: Sized {
    const WHAT: &'static str;
    fn from_code(s: &str) -> Option<Self>;
}

macro_rules! text_codes {
    ($($t:ty => $what:literal),+ $(,)?) => {$(
        impl Code for $t {
            const WHAT: &'static str = $what;
            fn from_code(s: &str) -> Option<Self> {
                <$t>::parse(s).ok()
            }
        }
    )+};
}

text_codes! {
    jingwu_command::incident::IncidentStatus => "incident status",
    jingwu_command::taxonomy::Category => "category",
    jingwu_command::taxonomy::Subcategory => "subcategory",
    jingwu_command::taxonomy::Priority => "priority",
    jingwu_command::taxonomy::Source => "source",
    jingwu_command::unit::UnitKind => "unit kind",
    jingwu_command::unit::UnitStatus => "unit status",
}

impl Code for jingwu_core::OrgKind {
    const WHAT: &'static str = "org kind";
    fn from_code(s: &str) -> Option<Self> {
        jingwu_core::OrgKind::parse(s)
    }
}

text_codes! {
    jingwu_core::records::UploadStatus => "upload status",
}

impl Code for jingwu_core::Role {
    const WHAT: &'static str = "role";
    fn from_code(s: &str) -> Option<Self> {
        jingwu_core::Role::parse(s)
    }
}

/// Column `i` of `r`, decoded as `T`.
pub(crate) fn code<T: Code>(r: &AnyRow, i: usize) -> Result<T> {
    let s: String = r.try_get(i)?;
    T::from_code(&s).ok_or(StoreError::UnknownCode {
        what: T::WHAT,
        value: s,
    })
}
