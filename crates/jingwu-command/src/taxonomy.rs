//! Incident taxonomy: what an incident *is* (category → sub-category), how urgent it is
//! (priority) and how it reached us (source).
//!
//! # Provenance
//!
//! The category/sub-category tree is **Jingwu's own**: the GA/T 2000 code tables that China's
//! police use (command.md §7.1) are paper standards we could not check, so no GA/T code is
//! claimed here. Where a sub-category has an obvious counterpart among the APCO incident
//! category codes embedded in NENA's EIDO schema (`NENA911/EIDO-JSON`,
//! `Schema/NIEMComponents/apco.yaml`, `apcoIncidentCategoryCodeSimpleType`, from NIEM
//! `apco_event/4.0`), [`SubcategoryInfo::apco_code`] names it; the mapping is by the code's
//! evident meaning (`ROBBERY`, `LARCENY`, `MVAINJY` = motor-vehicle accident with injury,
//! `DUI` …) and is `None` where the APCO list has no clear equivalent (e.g. traffic congestion,
//! neighbour disputes) — no code is invented.
//!
//! # Violent sub-categories
//!
//! [`SubcategoryInfo::violent`] marks incidents with violence against people in progress or a
//! weapon involved (assault, robbery, homicide, hostage, shooting, stabbing, armed threat,
//! kidnapping, sexual assault, fights, domestic violence). The seed makes armed mobile patrol
//! teams the "backbone" force; [`crate::unit::fits`] prefers them for these.

use serde::{Deserialize, Serialize};

use crate::UnknownCode;

jingwu_core::text_enum! {
    /// Top-level incident category (警情类别).
    pub enum Category: "category" {
        /// Criminal offences.
        Criminal = "criminal" ("刑事", "Criminal"),
        /// Public order (administrative offences under the Public Security Administration
        /// Punishments Law).
        PublicOrder = "public_order" ("治安", "Public order"),
        /// Road traffic.
        Traffic = "traffic" ("交通", "Traffic"),
        /// Fire and rescue (police attend for scene control alongside fire services).
        FireRescue = "fire_rescue" ("火灾救援", "Fire and rescue"),
        Dispute = "dispute" ("纠纷", "Dispute"),
        /// Requests for help.
        Assistance = "assistance" ("求助", "Assistance"),
        Other = "other" ("其他", "Other"),
    }
}

impl Category {
    /// The sub-categories of this category, in declaration order.
    pub fn subcategories(self) -> impl Iterator<Item = Subcategory> {
        Subcategory::ALL
            .into_iter()
            .filter(move |s| s.category() == self)
    }
}

jingwu_core::text_enum! {
    /// Incident priority. Meaning and default response target (created → first unit on
    /// scene; Jingwu's own defaults, configurable by the caller of [`crate::response`]):
    ///
    /// | priority | meaning | default target |
    /// |---|---|---|
    /// | P1 | danger to life or violent crime in progress; immediate dispatch | 5 min |
    /// | P2 | urgent: crime just happened, injury collision, suspect nearby | 10 min |
    /// | P3 | routine: needs attendance, no present danger | 20 min |
    /// | P4 | non-urgent: may be scheduled or handled by phone | 60 min |
    pub enum Priority: "priority" {
        P1 = "p1" ("一级(紧急)", "P1 emergency"),
        P2 = "p2" ("二级(急)", "P2 urgent"),
        P3 = "p3" ("三级(一般)", "P3 routine"),
        P4 = "p4" ("四级(非紧急)", "P4 non-urgent"),
    }
}

impl Priority {
    /// 1 for P1 … 4 for P4.
    pub const fn number(self) -> u8 {
        match self {
            Priority::P1 => 1,
            Priority::P2 => 2,
            Priority::P3 => 3,
            Priority::P4 => 4,
        }
    }

    /// Default response target in seconds (see the table on [`Priority`]).
    pub const fn default_target_s(self) -> i64 {
        match self {
            Priority::P1 => 5 * 60,
            Priority::P2 => 10 * 60,
            Priority::P3 => 20 * 60,
            Priority::P4 => 60 * 60,
        }
    }
}

jingwu_core::text_enum! {
    /// How an incident reached the command centre (报警方式).
    pub enum Source: "source" {
        Call110 = "call_110" ("110电话", "110 call"),
        Sms = "sms" ("短信报警", "SMS"),
        /// Mobile app or online report.
        App = "app" ("网络/APP报警", "App"),
        /// Found by a video patrol (视频巡查) operator.
        VideoPatrol = "video_patrol" ("视频巡查", "Video patrol"),
        /// Reported in person at a station or post.
        WalkIn = "walk_in" ("来所报警", "Walk-in"),
    }
}

impl Source {
    /// True when a member of the public contacted us (there is a caller and a call record),
    /// false when police found the incident themselves.
    pub const fn has_caller(self) -> bool {
        !matches!(self, Source::VideoPatrol)
    }
}

/// Static facts about one sub-category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SubcategoryInfo {
    pub code: &'static str,
    pub category: Category,
    pub label_zh: &'static str,
    pub label_en: &'static str,
    /// Violence against people or a weapon involved: an armed patrol team is preferred.
    pub violent: bool,
    /// Obvious APCO incident category code (EIDO `apco.yaml`), if any.
    pub apco_code: Option<&'static str>,
    /// Priority suggested at intake; the call taker may change it.
    pub suggested_priority: Priority,
}

macro_rules! subcategories {
    ( $( $variant:ident = $code:literal : $cat:ident, $zh:literal, $en:literal,
         violent = $violent:literal, apco = $apco:expr, $prio:ident; )+ ) => {
        jingwu_core::text_enum! {
            /// Incident sub-category (警情细类). Codes are unique across categories; each
            /// belongs to exactly one [`Category`] (see [`Subcategory::category`]).
            pub enum Subcategory: "subcategory" {
                $( $variant = $code ($zh, $en), )+
            }
        }

        impl Subcategory {
            /// The static facts about this sub-category.
            pub const fn info(self) -> SubcategoryInfo {
                match self {
                    $( Subcategory::$variant => SubcategoryInfo {
                        code: $code,
                        category: Category::$cat,
                        label_zh: $zh,
                        label_en: $en,
                        violent: $violent,
                        apco_code: $apco,
                        suggested_priority: Priority::$prio,
                    }, )+
                }
            }
        }
    };
}

subcategories! {
    // 刑事 criminal
    Robbery = "robbery": Criminal, "抢劫", "Robbery", violent = true, apco = Some("ROBBERY"), P1;
    Snatching = "snatching": Criminal, "抢夺", "Snatch theft", violent = false, apco = None, P2;
    Theft = "theft": Criminal, "盗窃", "Theft", violent = false, apco = Some("LARCENY"), P3;
    Burglary = "burglary": Criminal, "入室盗窃", "Burglary", violent = false, apco = Some("BURGLARY"), P2;
    VehicleTheft = "vehicle_theft": Criminal, "盗窃车辆", "Vehicle theft", violent = false, apco = Some("VEHSTLN"), P3;
    Assault = "assault": Criminal, "故意伤害", "Assault", violent = true, apco = Some("ASSAULT"), P1;
    Homicide = "homicide": Criminal, "杀人", "Homicide", violent = true, apco = Some("HOMICIDE"), P1;
    Shooting = "shooting": Criminal, "持枪/枪击", "Shooting", violent = true, apco = Some("SHOOT"), P1;
    Stabbing = "stabbing": Criminal, "持刀伤人", "Stabbing", violent = true, apco = Some("STABBING"), P1;
    ArmedThreat = "armed_threat": Criminal, "持械威胁", "Armed threat", violent = true, apco = Some("WEAPON"), P1;
    Hostage = "hostage": Criminal, "劫持人质", "Hostage taking", violent = true, apco = Some("HOSTAGE"), P1;
    Kidnapping = "kidnapping": Criminal, "绑架", "Kidnapping", violent = true, apco = None, P1;
    SexualAssault = "sexual_assault": Criminal, "强奸/猥亵", "Sexual assault", violent = true, apco = Some("SEXOFFNS"), P1;
    Fraud = "fraud": Criminal, "诈骗", "Fraud", violent = false, apco = Some("FRAUD"), P3;
    Drugs = "drugs": Criminal, "涉毒", "Drugs", violent = false, apco = Some("DRUGS"), P2;
    OtherCriminal = "other_criminal": Criminal, "其他刑事", "Other criminal", violent = false, apco = None, P2;
    // 治安 public order
    Fight = "fight": PublicOrder, "打架斗殴", "Fight", violent = true, apco = Some("FIGHT"), P1;
    Disturbance = "disturbance": PublicOrder, "寻衅滋事", "Disturbance", violent = false, apco = Some("DISORD"), P2;
    Gambling = "gambling": PublicOrder, "赌博", "Gambling", violent = false, apco = None, P3;
    Prostitution = "prostitution": PublicOrder, "卖淫嫖娼", "Prostitution", violent = false, apco = None, P3;
    Noise = "noise": PublicOrder, "噪声扰民", "Noise", violent = false, apco = Some("NOISE"), P4;
    Trespass = "trespass": PublicOrder, "非法侵入", "Trespass", violent = false, apco = Some("TRESPASS"), P3;
    Vandalism = "vandalism": PublicOrder, "故意毁坏财物", "Vandalism", violent = false, apco = Some("VANDAL"), P3;
    Gathering = "gathering": PublicOrder, "聚集事件", "Crowd gathering", violent = false, apco = None, P2;
    OtherPublicOrder = "other_public_order": PublicOrder, "其他治安", "Other public order", violent = false, apco = None, P3;
    // 交通 traffic
    Collision = "collision": Traffic, "交通事故(财损)", "Collision, damage only", violent = false, apco = Some("MVA"), P3;
    InjuryCollision = "injury_collision": Traffic, "交通事故(伤人)", "Injury collision", violent = false, apco = Some("MVAINJY"), P1;
    HitAndRun = "hit_and_run": Traffic, "交通肇事逃逸", "Hit and run", violent = false, apco = Some("MVAHR"), P2;
    DrunkDriving = "drunk_driving": Traffic, "酒驾/醉驾", "Drunk driving", violent = false, apco = Some("DUI"), P2;
    RecklessDriving = "reckless_driving": Traffic, "危险驾驶", "Reckless driving", violent = false, apco = Some("RECKDRV"), P2;
    Congestion = "congestion": Traffic, "交通拥堵", "Congestion", violent = false, apco = None, P3;
    IllegalParking = "illegal_parking": Traffic, "违法停车", "Illegal parking", violent = false, apco = Some("PARKING"), P4;
    DisabledVehicle = "disabled_vehicle": Traffic, "车辆故障", "Disabled vehicle", violent = false, apco = Some("DISVEH"), P3;
    OtherTraffic = "other_traffic": Traffic, "其他交通", "Other traffic", violent = false, apco = None, P3;
    // 火灾救援 fire and rescue
    BuildingFire = "building_fire": FireRescue, "建筑火灾", "Building fire", violent = false, apco = Some("FSTRU"), P1;
    VehicleFire = "vehicle_fire": FireRescue, "车辆火灾", "Vehicle fire", violent = false, apco = Some("FVEH"), P1;
    Explosion = "explosion": FireRescue, "爆炸", "Explosion", violent = false, apco = Some("EXPLOS"), P1;
    GasLeak = "gas_leak": FireRescue, "燃气泄漏", "Gas leak", violent = false, apco = Some("GASLEAK"), P1;
    Hazmat = "hazmat": FireRescue, "危化品", "Hazardous materials", violent = false, apco = Some("HAZMAT"), P1;
    Entrapment = "entrapment": FireRescue, "人员被困", "Person trapped", violent = false, apco = Some("ENTRAP"), P1;
    Drowning = "drowning": FireRescue, "落水", "Drowning", violent = false, apco = Some("DROWN"), P1;
    OtherRescue = "other_rescue": FireRescue, "其他救援", "Other rescue", violent = false, apco = Some("RESCUE"), P2;
    // 纠纷 disputes
    DomesticViolence = "domestic_violence": Dispute, "家庭暴力", "Domestic violence", violent = true, apco = None, P1;
    FamilyDispute = "family_dispute": Dispute, "家庭纠纷", "Family dispute", violent = false, apco = None, P3;
    NeighbourDispute = "neighbour_dispute": Dispute, "邻里纠纷", "Neighbour dispute", violent = false, apco = None, P3;
    ConsumerDispute = "consumer_dispute": Dispute, "消费纠纷", "Consumer dispute", violent = false, apco = None, P4;
    LabourDispute = "labour_dispute": Dispute, "劳资纠纷", "Labour dispute", violent = false, apco = None, P3;
    TrafficDispute = "traffic_dispute": Dispute, "交通纠纷", "Traffic dispute", violent = false, apco = None, P3;
    OtherDispute = "other_dispute": Dispute, "其他纠纷", "Other dispute", violent = false, apco = Some("CIVIL"), P3;
    // 求助 assistance
    MissingPerson = "missing_person": Assistance, "人员走失", "Missing person", violent = false, apco = Some("PERMISS"), P2;
    SuicideThreat = "suicide_threat": Assistance, "轻生", "Suicide threat", violent = false, apco = Some("SUICTHRT"), P1;
    MedicalHelp = "medical_help": Assistance, "急病求助", "Medical help", violent = false, apco = Some("SICK"), P2;
    WelfareCheck = "welfare_check": Assistance, "安全查看", "Welfare check", violent = false, apco = Some("WELFARE"), P3;
    LostProperty = "lost_property": Assistance, "财物遗失", "Lost property", violent = false, apco = Some("PROPLOST"), P4;
    FoundProperty = "found_property": Assistance, "拾得物品", "Found property", violent = false, apco = Some("PROPFND"), P4;
    Animal = "animal": Assistance, "动物伤人/求助", "Animal", violent = false, apco = Some("ANIMAL"), P3;
    OtherAssistance = "other_assistance": Assistance, "其他求助", "Other assistance", violent = false, apco = Some("ASSIST"), P3;
    // 其他 other
    Information = "information": Other, "咨询/信息", "Information", violent = false, apco = Some("INFO"), P4;
    Nuisance = "nuisance": Other, "骚扰/无效报警", "Nuisance call", violent = false, apco = None, P4;
    OtherIncident = "other": Other, "其他", "Other", violent = false, apco = None, P3;
}

impl Subcategory {
    pub const fn category(self) -> Category {
        self.info().category
    }

    pub const fn violent(self) -> bool {
        self.info().violent
    }

    pub const fn apco_code(self) -> Option<&'static str> {
        self.info().apco_code
    }
}

/// Why a (category, sub-category) pair given as text is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaxonomyError {
    #[error(transparent)]
    Unknown(#[from] UnknownCode),
    #[error(
        "sub-category {subcategory} belongs to category {actual}, not {given}; \
         valid sub-categories of {given}: {valid}"
    )]
    Mismatch {
        given: Category,
        subcategory: Subcategory,
        actual: Category,
        /// Comma-separated codes of the sub-categories `given` does have.
        valid: String,
    },
}

/// Checks that `subcategory` belongs to `category`.
pub fn validate(category: Category, subcategory: Subcategory) -> Result<(), TaxonomyError> {
    let actual = subcategory.category();
    if actual == category {
        return Ok(());
    }
    let valid = category
        .subcategories()
        .map(Subcategory::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    Err(TaxonomyError::Mismatch {
        given: category,
        subcategory,
        actual,
        valid,
    })
}

/// Parses and validates a (category, sub-category) pair given as stored text.
pub fn parse_pair(
    category: &str,
    subcategory: &str,
) -> Result<(Category, Subcategory), TaxonomyError> {
    let c = Category::parse(category)?;
    let s = Subcategory::parse(subcategory)?;
    validate(c, s)?;
    Ok((c, s))
}

/// A validated (category, sub-category) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "IncidentTypeRaw", into = "IncidentTypeRaw")]
pub struct IncidentType {
    subcategory: Subcategory,
}

#[derive(Serialize, Deserialize)]
struct IncidentTypeRaw {
    category: Category,
    subcategory: Subcategory,
}

impl TryFrom<IncidentTypeRaw> for IncidentType {
    type Error = TaxonomyError;
    fn try_from(raw: IncidentTypeRaw) -> Result<Self, Self::Error> {
        IncidentType::new(raw.category, raw.subcategory)
    }
}

impl From<IncidentType> for IncidentTypeRaw {
    fn from(t: IncidentType) -> Self {
        IncidentTypeRaw {
            category: t.category(),
            subcategory: t.subcategory,
        }
    }
}

impl IncidentType {
    pub fn new(category: Category, subcategory: Subcategory) -> Result<Self, TaxonomyError> {
        validate(category, subcategory)?;
        Ok(IncidentType { subcategory })
    }

    /// Every sub-category determines its category, so this cannot fail.
    pub const fn of(subcategory: Subcategory) -> Self {
        IncidentType { subcategory }
    }

    pub const fn category(self) -> Category {
        self.subcategory.category()
    }

    pub const fn subcategory(self) -> Subcategory {
        self.subcategory
    }

    /// `category.subcategory`, e.g. `criminal.robbery` (EIDO `incidentTypeInternalCode`).
    pub fn internal_code(self) -> String {
        format!("{}.{}", self.category().as_str(), self.subcategory.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_catch_all_and_at_least_three_subcategories() {
        for c in Category::ALL {
            let subs: Vec<_> = c.subcategories().collect();
            assert!(subs.len() >= 3, "{c} has {}", subs.len());
            assert!(
                subs.iter().any(|s| s.as_str().starts_with("other")),
                "{c} lacks a catch-all"
            );
        }
    }

    #[test]
    fn validate_names_the_valid_choices() {
        let err = validate(Category::Traffic, Subcategory::Robbery).unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("robbery belongs to category criminal, not traffic"),
            "{msg}"
        );
        assert!(msg.contains("injury_collision"), "{msg}");
    }
}
