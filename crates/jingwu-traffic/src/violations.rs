//! Violations: the code table as data, where a violation record comes from, and its status.
//!
//! The point values follow MPS Order 163 (12, 9, 6, 3, 1; 0 = no points, a warning or a fine
//! only). The samples verified against the order are drink-driving, hit-and-run, red light,
//! handheld phone, not yielding at a crosswalk, seat belt and the ordinary and expressway
//! speeding bands; the other entries' points are plausible but unverified. The **codes are illustrative, not the official national numbering** (they only
//! imitate its 4–5 digit shape), and the fines are plausible amounts within the Road Traffic
//! Safety Law's ranges — provinces fix their own amounts, so treat them as configuration. The
//! stricter speeding scales for school buses, medium and large passenger and freight vehicles
//! and dangerous-goods vehicles are not in this table.

use serde::Serialize;

use crate::money::Fen;

/// One entry of the violation code table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ViolationCode {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// Points recorded with the decision: 0, 1, 3, 6, 9 or 12.
    pub points: u8,
    pub fine: Fen,
    /// Counts as exclusion 2 of point reduction (hit-and-run, drink-driving, forged or borrowed
    /// plates or licences, trading points).
    pub serious: bool,
}

const fn v(
    code: &'static str,
    name_zh: &'static str,
    name_en: &'static str,
    points: u8,
    fine_yuan: i64,
    serious: bool,
) -> ViolationCode {
    ViolationCode {
        code,
        name_zh,
        name_en,
        points,
        fine: Fen::from_yuan(fine_yuan),
        serious,
    }
}

/// The violation code table (illustrative codes and fines; see the module documentation).
pub static CODES: &[ViolationCode] = &[
    v(
        "17110",
        "饮酒后驾驶机动车",
        "Driving after drinking alcohol",
        12,
        1500,
        true,
    ),
    v(
        "17210",
        "造成交通事故后逃逸，致人轻伤以上，尚不构成犯罪",
        "Hit-and-run causing light injury or worse, not a crime",
        12,
        2000,
        true,
    ),
    v(
        "17220",
        "造成交通事故后逃逸，致财产损失或轻微伤",
        "Hit-and-run causing property damage or slight injury",
        6,
        2000,
        true,
    ),
    v(
        "17310",
        "使用伪造、变造的机动车号牌",
        "Using forged or altered plates",
        12,
        5000,
        true,
    ),
    v(
        "17320",
        "使用其他机动车号牌",
        "Using another vehicle's plates",
        12,
        2000,
        true,
    ),
    v(
        "17330",
        "使用伪造、变造的机动车驾驶证",
        "Using a forged or altered driving licence",
        12,
        2000,
        true,
    ),
    v(
        "17410",
        "代替实际机动车驾驶人接受交通违法记分",
        "Taking traffic points in place of the actual driver",
        0,
        2000,
        true,
    ),
    v(
        "13410",
        "在高速公路上倒车、逆行、穿越中央分隔带掉头",
        "Reversing, driving against traffic or U-turning across the median on an expressway",
        12,
        200,
        false,
    ),
    v(
        "13520",
        "驾驶公路客运汽车载人超过核定人数百分之二十以上",
        "Coach carrying 20% or more passengers over capacity",
        12,
        2000,
        false,
    ),
    v(
        "13510",
        "驾驶与准驾车型不符的机动车",
        "Driving a vehicle the licence class does not cover",
        9,
        1000,
        false,
    ),
    v(
        "13530",
        "故意遮挡、污损机动车号牌",
        "Deliberately covering or defacing plates",
        9,
        200,
        false,
    ),
    v(
        "13540",
        "连续驾驶中型以上载客汽车超过4小时未停车休息",
        "Driving a medium or larger bus for over 4 hours without rest",
        9,
        200,
        false,
    ),
    v(
        "16250",
        "驾驶机动车违反道路交通信号灯通行（闯红灯）",
        "Running a red light",
        6,
        200,
        false,
    ),
    v(
        "16310",
        "在高速公路或城市快速路上违法占用应急车道行驶",
        "Driving in the emergency lane of an expressway",
        6,
        200,
        false,
    ),
    v(
        "13030",
        "在普通道路上超过规定时速20%以上未达到50%",
        "Speeding on ordinary roads, 20% to under 50% over",
        3,
        200,
        false,
    ),
    v(
        "13040",
        "在普通道路上超过规定时速50%以上",
        "Speeding on ordinary roads, 50% or more over",
        6,
        1000,
        false,
    ),
    v(
        "13050",
        "在高速公路或城市快速路上超过规定时速20%以上未达到50%",
        "Speeding on expressways, 20% to under 50% over",
        6,
        200,
        false,
    ),
    v(
        "13060",
        "在高速公路或城市快速路上超过规定时速50%以上",
        "Speeding on expressways, 50% or more over",
        12,
        2000,
        false,
    ),
    v(
        "12230",
        "驾驶时拨打接听手持电话",
        "Using a handheld phone while driving",
        3,
        200,
        false,
    ),
    v(
        "13010",
        "行经人行横道未按规定避让行人",
        "Not yielding to pedestrians at a crosswalk",
        3,
        200,
        false,
    ),
    v(
        "13020",
        "逆向行驶",
        "Driving against traffic",
        3,
        200,
        false,
    ),
    v(
        "12080",
        "驾驶逾期未检验的机动车上道路行驶",
        "Driving a vehicle overdue for inspection",
        1,
        200,
        false,
    ),
    v(
        "60110",
        "驾驶时未按规定使用安全带",
        "Not wearing a seat belt",
        1,
        50,
        false,
    ),
    v(
        "12110",
        "不按规定使用灯光",
        "Not using lights as required",
        1,
        100,
        false,
    ),
    v(
        "12120",
        "不按规定车道行驶",
        "Not keeping to the designated lane",
        1,
        100,
        false,
    ),
    v(
        "10390",
        "机动车违反规定停放，驾驶人不在现场",
        "Illegal parking, driver absent",
        0,
        150,
        false,
    ),
    v(
        "10200",
        "驾驶机动车未随车携带行驶证",
        "Driving without the registration card on board",
        0,
        50,
        false,
    ),
];

/// The table entry for `code`.
pub fn code(code: &str) -> Option<&'static ViolationCode> {
    CODES.iter().find(|c| c.code == code)
}

jingwu_core::text_enum! {
    /// Where a violation record comes from.
    pub enum ViolationSource: "violation source" {
        /// Camera-detected (非现场): no decision until the driver processes it.
        Camera = "camera" ("电子监控", "Camera"),
        /// Recorded by an officer on the spot, decided there.
        Officer = "officer" ("现场执法", "Officer on the spot"),
    }
}

jingwu_core::text_enum! {
    /// The life of a violation record.
    pub enum ViolationStatus: "violation status" {
        /// Recorded, not yet decided (camera records until processed).
        Pending = "pending" ("待处理", "Pending"),
        /// Decided: points recorded, fine due.
        Decided = "decided" ("已处理待缴款", "Decided, fine due"),
        Paid = "paid" ("已缴款", "Paid"),
        /// The decision was revoked: no points, no fine.
        Revoked = "revoked" ("已撤销", "Revoked"),
    }
}

impl ViolationStatus {
    /// Whether the status may change to `to`: pending → decided or revoked, decided → paid or
    /// revoked, paid → revoked (a decision revoked after payment; the refund is handled
    /// outside this record).
    pub const fn may_move(self, to: ViolationStatus) -> bool {
        use ViolationStatus::*;
        matches!(
            (self, to),
            (Pending, Decided)
                | (Pending, Revoked)
                | (Decided, Paid)
                | (Decided, Revoked)
                | (Paid, Revoked)
        )
    }
}
