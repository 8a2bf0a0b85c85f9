//! Identifier checks offered to every signed-in user (forms validate as people type).

use jingwu_core::{Action, Principal, Scope, authorize};
use jingwu_validate::{IdKind, Validated};

use super::Foundation;
use crate::{AppError, FieldError, Result};

impl Foundation<'_> {
    pub fn validate_identifier(
        &self,
        who: &Principal,
        kind: IdKind,
        value: &str,
    ) -> Result<Validated> {
        authorize(
            who,
            Action::UseValidators,
            Scope::Owner {
                owner_id: &who.user_id,
                org_path: &who.org_path,
            },
        )
        .map_err(AppError::denied_scope)?;
        jingwu_validate::validate(kind, value, self.today_in_china()).map_err(|e| {
            let reason = match e.position {
                Some(p) => format!("{} (at character {})", e.message, p + 1),
                None => e.message.clone(),
            };
            AppError::Validation(vec![FieldError::new("value", e.code, reason)])
        })
    }

    /// Today's date in China Standard Time (UTC+8, no daylight saving), as birth dates and
    /// legal deadlines are reckoned there.
    pub fn today_in_china(&self) -> (i32, u32, u32) {
        let d = self
            .k()
            .clock()
            .now()
            .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::offset(8)))
            .date();
        (i32::from(d.year()), d.month() as u32, d.day() as u32)
    }
}
