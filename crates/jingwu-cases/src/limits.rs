//! Legal time limits as data. Each limit names the law, article and text version it comes
//! from, so a change of the law (the 2025 revision of the Public Security Administration
//! Punishments Law, in force since 2026-01-01) is an update of a row, not of code. The
//! defaults below are the bureau's starting table; sources and what is verified in
//! docs/cases.md.

use jingwu_core::OrgKind;
use serde::{Deserialize, Serialize};

jingwu_core::text_enum! {
    /// What a limit's clock runs on.
    pub enum AppliesTo: "limit scope" {
        /// A measure on a person in the handling area; the clock runs from arrival (到案时间).
        Custody = "custody" ("到案人员", "Person in custody"),
        /// A deadline of a case.
        Case = "case" ("案件期限", "Case deadline"),
    }
}

/// One legal time limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalLimit {
    /// Stable code, e.g. `continued_questioning`.
    pub code: String,
    pub applies_to: AppliesTo,
    pub name_zh: String,
    pub name_en: String,
    /// The law, e.g. 《中华人民共和国人民警察法》.
    pub law: String,
    /// The article, e.g. 第九条.
    pub article: String,
    /// The text version, e.g. `2012`.
    pub version: String,
    /// The limit without extension.
    pub base_minutes: i64,
    /// The limit with every extension the law allows.
    pub max_minutes: i64,
    /// The lowest level an extension's approver may belong to; `None` when the limit cannot be
    /// extended.
    pub approver_level: Option<OrgKind>,
    /// Warnings at these fractions of the running limit, in thousandths, ascending: the first
    /// goes to the handler, the second also to the supervisor, the third also to the legal
    /// office.
    pub warn_permille: Vec<u16>,
}

/// Why a limit is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("the code must be 2–40 lowercase letters, digits or underscores")]
    Code,
    #[error("name, law, article and version are required")]
    Text,
    #[error("the base must be positive and the maximum at least the base, at most a year")]
    Duration,
    #[error("an extensible limit names the approver's level; a fixed one does not")]
    Approver,
    #[error("at most three warnings, ascending, each between 1 and 999 thousandths")]
    Warnings,
}

/// Longest limit accepted (a year): anything longer is a typing mistake.
const MAX_MINUTES: i64 = 366 * 24 * 60;

impl LegalLimit {
    /// Checks the limit as a bureau enters it.
    pub fn check(&self) -> Result<(), LimitError> {
        let code_ok = (2..=40).contains(&self.code.len())
            && self
                .code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !code_ok {
            return Err(LimitError::Code);
        }
        let texts = [
            &self.name_zh,
            &self.name_en,
            &self.law,
            &self.article,
            &self.version,
        ];
        if texts
            .iter()
            .any(|t| t.trim().is_empty() || t.chars().count() > 100)
        {
            return Err(LimitError::Text);
        }
        if self.base_minutes <= 0
            || self.max_minutes < self.base_minutes
            || self.max_minutes > MAX_MINUTES
        {
            return Err(LimitError::Duration);
        }
        if self.extensible() != self.approver_level.is_some() {
            return Err(LimitError::Approver);
        }
        let w = &self.warn_permille;
        if w.len() > 3
            || w.iter().any(|p| !(1..=999).contains(p))
            || w.windows(2).any(|p| p[0] >= p[1])
        {
            return Err(LimitError::Warnings);
        }
        Ok(())
    }

    /// May the clock be extended at all?
    pub fn extensible(&self) -> bool {
        self.max_minutes > self.base_minutes
    }

    /// The legal basis as one line, e.g. `《中华人民共和国人民警察法》第九条（2012）`.
    pub fn basis(&self) -> String {
        format!("{}{}（{}）", self.law, self.article, self.version)
    }
}

/// Rank of an org kind for approvals: a city bureau is above a district (county) bureau,
/// which is above a station.
pub const fn level_rank(kind: OrgKind) -> u8 {
    match kind {
        OrgKind::Station => 1,
        OrgKind::District => 2,
        OrgKind::City => 3,
    }
}

/// May an account of an org of `kind` approve an extension of `limit`?
pub fn may_approve(limit: &LegalLimit, kind: OrgKind) -> bool {
    limit
        .approver_level
        .is_some_and(|need| level_rank(kind) >= level_rank(need))
}

const HOUR: i64 = 60;
const DAY: i64 = 24 * HOUR;
const CPL: &str = "《中华人民共和国刑事诉讼法》";
const PSAPL: &str = "《中华人民共和国治安管理处罚法》";
const POLICE_LAW: &str = "《中华人民共和国人民警察法》";

#[allow(clippy::too_many_arguments)]
fn limit(
    code: &str,
    applies_to: AppliesTo,
    (name_zh, name_en): (&str, &str),
    (law, article, version): (&str, &str, &str),
    base_minutes: i64,
    max_minutes: i64,
    approver_level: Option<OrgKind>,
) -> LegalLimit {
    LegalLimit {
        code: code.into(),
        applies_to,
        name_zh: name_zh.into(),
        name_en: name_en.into(),
        law: law.into(),
        article: article.into(),
        version: version.into(),
        base_minutes,
        max_minutes,
        approver_level,
        warn_permille: vec![500, 750, 900],
    }
}

/// The bureau's starting table (docs/cases.md §"Legal time limits" names each source and
/// whether it is verified). The PSAPL row is the 2012 text's; the 2025 revision's article is
/// entered by the bureau once its legal office has read it.
pub fn defaults() -> Vec<LegalLimit> {
    use AppliesTo::{Case, Custody};
    use OrgKind::District;
    vec![
        limit(
            "criminal_summons",
            Custody,
            ("刑事传唤", "Criminal summons"),
            (CPL, "第一百一十九条", "2018"),
            12 * HOUR,
            24 * HOUR,
            Some(District),
        ),
        limit(
            "compelled_appearance",
            Custody,
            ("拘传", "Compelled appearance"),
            (CPL, "第一百一十九条", "2018"),
            12 * HOUR,
            24 * HOUR,
            Some(District),
        ),
        limit(
            "admin_summons",
            Custody,
            ("治安传唤询问查证", "Public-security summons"),
            (PSAPL, "第八十三条", "2012"),
            8 * HOUR,
            24 * HOUR,
            Some(District),
        ),
        limit(
            "continued_questioning",
            Custody,
            ("继续盘问", "Continued questioning"),
            (POLICE_LAW, "第九条", "2012"),
            24 * HOUR,
            48 * HOUR,
            Some(District),
        ),
        limit(
            "detention_handover",
            Case,
            ("拘留后送看守所", "Hand-over to the detention centre"),
            (CPL, "第八十五条", "2018"),
            24 * HOUR,
            24 * HOUR,
            None,
        ),
        limit(
            "arrest_request",
            Case,
            ("拘留后提请批准逮捕", "Request for arrest after detention"),
            (CPL, "第九十一条", "2018"),
            3 * DAY,
            30 * DAY,
            Some(District),
        ),
        limit(
            "admin_case",
            Case,
            ("治安案件办理期限", "Administrative case time limit"),
            (PSAPL, "第九十九条", "2012"),
            30 * DAY,
            60 * DAY,
            Some(District),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_unique() {
        let all = defaults();
        for l in &all {
            assert_eq!(l.check(), Ok(()), "{}", l.code);
        }
        let mut codes: Vec<_> = all.iter().map(|l| l.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), all.len());
    }

    #[test]
    fn approval_needs_the_level() {
        let q = defaults()
            .into_iter()
            .find(|l| l.code == "continued_questioning")
            .unwrap();
        assert!(!may_approve(&q, OrgKind::Station));
        assert!(may_approve(&q, OrgKind::District));
        assert!(may_approve(&q, OrgKind::City));
        let fixed = defaults()
            .into_iter()
            .find(|l| l.code == "detention_handover")
            .unwrap();
        assert!(!may_approve(&fixed, OrgKind::City));
    }

    #[test]
    fn bad_limits_are_refused() {
        let mut l = defaults().remove(0);
        l.warn_permille = vec![900, 500];
        assert_eq!(l.check(), Err(LimitError::Warnings));
        let mut l = defaults().remove(0);
        l.approver_level = None;
        assert_eq!(l.check(), Err(LimitError::Approver));
        let mut l = defaults().remove(0);
        l.max_minutes = l.base_minutes - 1;
        assert_eq!(l.check(), Err(LimitError::Duration));
    }
}
