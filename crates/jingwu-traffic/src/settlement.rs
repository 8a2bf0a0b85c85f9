//! Quick settlement of minor accidents (快处快赔).
//!
//! Road Traffic Safety Law art. 70: with no injuries and no dispute about the facts the parties
//! may leave and settle themselves; with minor property damage and clear facts they must clear
//! the scene first. MPS Order 146 lets them settle online, or jointly ask the police to assign
//! liability online when they disagree. Some accidents must not self-settle: the police must
//! be called, and the online flow refuses with a coded [`RefusalReason`] (list as in the 2009
//! text of the accident-handling provisions; check the current article before relying on it).

use serde::{Deserialize, Serialize};

jingwu_core::text_enum! {
    /// Why an accident may not be settled online by the parties.
    pub enum RefusalReason: "settlement refusal" {
        Casualty = "CASUALTY" ("有人员伤亡", "Death or injury"),
        /// Offer "ask the police to assign liability" instead.
        FactDispute = "FACT_DISPUTE" ("当事人对事实或成因有争议", "The parties dispute the facts"),
        NoPlate = "NO_PLATE" ("机动车无号牌、无检验合格标志或无保险标志", "A vehicle without plate, inspection mark or insurance mark"),
        Hazmat = "HAZMAT" ("载运危险物品", "A vehicle carrying dangerous goods"),
        PropertyDamage = "PROPERTY_DAMAGE" ("碰撞建筑物、公共设施", "A building or public facility was hit"),
        NoLicence = "NO_LICENCE" ("驾驶人无有效机动车驾驶证", "A driver without a valid licence"),
        Impaired = "IMPAIRED" ("驾驶人有饮酒、服用国家管制的精神药品或者麻醉药品嫌疑", "A driver suspected of alcohol or drugs"),
        Immovable = "IMMOVABLE" ("机动车无法正常行驶", "A vehicle cannot be moved"),
    }
}

/// What the parties state about the accident (each `all_*` is about every vehicle or driver
/// involved).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct AccidentFacts {
    pub injured: bool,
    pub parties_agree: bool,
    pub all_plated: bool,
    pub hazmat: bool,
    pub hit_structure: bool,
    pub all_licensed: bool,
    pub impaired: bool,
    pub all_movable: bool,
}

/// Every reason that forbids self-settlement, in the table's order; empty when the parties
/// may settle online.
pub fn refusals(f: &AccidentFacts) -> Vec<RefusalReason> {
    let checks = [
        (f.injured, RefusalReason::Casualty),
        (!f.parties_agree, RefusalReason::FactDispute),
        (!f.all_plated, RefusalReason::NoPlate),
        (f.hazmat, RefusalReason::Hazmat),
        (f.hit_structure, RefusalReason::PropertyDamage),
        (!f.all_licensed, RefusalReason::NoLicence),
        (f.impaired, RefusalReason::Impaired),
        (!f.all_movable, RefusalReason::Immovable),
    ];
    checks
        .into_iter()
        .filter_map(|(applies, reason)| applies.then_some(reason))
        .collect()
}

jingwu_core::text_enum! {
    /// A party's share of liability (责任).
    pub enum Liability: "liability" {
        Full = "full" ("全部责任", "Full"),
        Main = "main" ("主要责任", "Main"),
        Equal = "equal" ("同等责任", "Equal"),
        Minor = "minor" ("次要责任", "Minor"),
        None = "none" ("无责任", "None"),
    }
}

impl Liability {
    /// The other party's share when this party has `self` (two-party accidents).
    pub const fn counterpart(self) -> Liability {
        match self {
            Liability::Full => Liability::None,
            Liability::Main => Liability::Minor,
            Liability::Equal => Liability::Equal,
            Liability::Minor => Liability::Main,
            Liability::None => Liability::Full,
        }
    }
}

/// Whether two parties' shares fit together: full ↔ none, main ↔ minor, equal ↔ equal.
pub fn liability_consistent(a: Liability, b: Liability) -> bool {
    a.counterpart() == b
}

jingwu_core::text_enum! {
    /// Where an accident settled online stands.
    pub enum AccidentStatus: "accident status" {
        /// Filed by one party; the other has not confirmed yet.
        AwaitingOther = "awaiting_other" ("待对方确认", "Awaiting the other party"),
        /// Both parties agreed the facts and the liabilities (协商处理).
        Settled = "settled" ("已协商处理", "Settled by the parties"),
        /// The parties asked the police to assign liability online.
        PoliceReview = "police_review" ("待交警认定", "Awaiting police decision"),
        /// The police assigned liability.
        Assigned = "assigned" ("交警已认定", "Liability assigned"),
    }
}
