//! Driving licences: classes (准驾车型), status, and the length of full-score education
//! (满分教育), after MPS Order 163.

use serde::Serialize;

jingwu_core::text_enum! {
    /// A driving-licence class (准驾车型代号). Codes are the letters printed on the licence.
    pub enum LicenceClass: "licence class" {
        A1 = "A1" ("大型客车", "Large bus"),
        A2 = "A2" ("重型牵引挂车", "Heavy tractor-trailer"),
        A3 = "A3" ("城市公交车", "City bus"),
        B1 = "B1" ("中型客车", "Medium bus"),
        B2 = "B2" ("大型货车", "Heavy truck"),
        C1 = "C1" ("小型汽车", "Small car"),
        C2 = "C2" ("小型自动挡汽车", "Small automatic car"),
        C3 = "C3" ("低速载货汽车", "Low-speed truck"),
        C4 = "C4" ("三轮汽车", "Three-wheeled car"),
        C5 = "C5" ("残疾人专用小型自动挡载客汽车", "Small automatic car for disabled drivers"),
        C6 = "C6" ("轻型牵引挂车", "Light tractor-trailer"),
        D = "D" ("普通三轮摩托车", "Three-wheeled motorcycle"),
        E = "E" ("普通二轮摩托车", "Two-wheeled motorcycle"),
        F = "F" ("轻便摩托车", "Moped"),
        M = "M" ("轮式专用机械车", "Wheeled special machinery"),
        N = "N" ("无轨电车", "Trolleybus"),
        P = "P" ("有轨电车", "Tram"),
    }
}

impl LicenceClass {
    /// Large and medium passenger and freight classes (A1/A2/A3/B1/B2), whose holders get the
    /// longer full-score education.
    pub const fn is_professional(self) -> bool {
        matches!(
            self,
            LicenceClass::A1
                | LicenceClass::A2
                | LicenceClass::A3
                | LicenceClass::B1
                | LicenceClass::B2
        )
    }
}

jingwu_core::text_enum! {
    /// The state of a driving licence.
    pub enum LicenceStatus: "licence status" {
        Valid = "valid" ("正常", "Valid"),
        /// Withheld, e.g. on reaching 12 points until full-score education is passed.
        Withheld = "withheld" ("扣留", "Withheld"),
        /// Publicly declared suspended (e.g. refusing full-score study or the exam).
        Suspended = "suspended" ("停止使用", "Suspended"),
        Revoked = "revoked" ("吊销", "Revoked"),
        Expired = "expired" ("过期", "Expired"),
    }
}

/// Full-score education days: base, increment per further full score, and maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StudyScale {
    pub base: u32,
    pub step: u32,
    pub max: u32,
}

/// Ordinary licences: 7 days, +7 per further full score, at most 60.
pub const ORDINARY_STUDY: StudyScale = StudyScale {
    base: 7,
    step: 7,
    max: 60,
};

/// A1/A2/A3/B1/B2: 30 days, +30 per further full score, at most 120.
pub const PROFESSIONAL_STUDY: StudyScale = StudyScale {
    base: 30,
    step: 30,
    max: 120,
};

/// Days of full-score education for a driver who has just reached 12 points.
///
/// `prior_full_scores` counts earlier full scores (0 for the first); `total_points` is the
/// points recorded in the cycle. Order 163 adds a step "for each further full score **or**
/// each further 12 points"; both describe how far past one full score the driver is, so the
/// steps are the larger of the two counts (`prior_full_scores`, and `(total_points − 12) / 12`
/// whole extra dozens), not their sum. The result never exceeds the scale's maximum.
pub fn full_score_study_days(
    class: LicenceClass,
    prior_full_scores: u32,
    total_points: u32,
) -> u32 {
    let scale = if class.is_professional() {
        PROFESSIONAL_STUDY
    } else {
        ORDINARY_STUDY
    };
    let extra_dozens = total_points.saturating_sub(12) / 12;
    let steps = prior_full_scores.max(extra_dozens);
    scale
        .base
        .saturating_add(steps.saturating_mul(scale.step))
        .min(scale.max)
}

/// The further exams after full-score education (Order 163): the theory exam (科目一)
/// always; a 2nd full score or 24–35 points adds the road test (科目三); a 3rd or later full
/// score, or 36 points or more, adds the closed-course test (科目二) as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReExams {
    pub theory: bool,
    pub closed_course: bool,
    pub road: bool,
}

/// Which exams a driver who reached 12 points must pass (see [`ReExams`]).
pub fn re_exams(prior_full_scores: u32, total_points: u32) -> ReExams {
    let road = prior_full_scores >= 1 || total_points >= 24;
    let closed_course = prior_full_scores >= 2 || total_points >= 36;
    ReExams {
        theory: true,
        closed_course,
        road,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn study_days() {
        assert_eq!(full_score_study_days(LicenceClass::C1, 0, 12), 7);
        assert_eq!(full_score_study_days(LicenceClass::C1, 1, 12), 14);
        assert_eq!(full_score_study_days(LicenceClass::C1, 0, 24), 14);
        assert_eq!(full_score_study_days(LicenceClass::C1, 0, 23), 7);
        assert_eq!(full_score_study_days(LicenceClass::C1, 1, 36), 21);
        assert_eq!(full_score_study_days(LicenceClass::C1, 20, 12), 60);
        assert_eq!(full_score_study_days(LicenceClass::B2, 0, 12), 30);
        assert_eq!(full_score_study_days(LicenceClass::A1, 2, 12), 90);
        assert_eq!(full_score_study_days(LicenceClass::A2, 9, 400), 120);
        assert_eq!(
            full_score_study_days(LicenceClass::C1, u32::MAX, u32::MAX),
            60
        );
    }

    #[test]
    fn exams() {
        assert_eq!(
            re_exams(0, 12),
            ReExams {
                theory: true,
                closed_course: false,
                road: false
            }
        );
        assert!(re_exams(1, 12).road && !re_exams(1, 12).closed_course);
        assert!(re_exams(0, 24).road);
        assert!(re_exams(0, 36).closed_course && re_exams(2, 12).closed_course);
    }
}
