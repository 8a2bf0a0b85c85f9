//! Response plans (预案, the "run cards" of commercial CAD: incident type × area × priority →
//! the unit mix to send, command.md §2–3) and the ranking of recommended units they drive.
//!
//! # Which plan applies
//!
//! A plan belongs to an org unit and applies to the incidents owned in its subtree. It names a
//! category and, optionally, one of its sub-categories and a priority. Among the plans of the
//! incident owner's org unit and its ancestors whose type matches the incident, the one that
//! wins is, in this order:
//!
//! 1. the most specific match: sub-category and priority, then sub-category alone, then
//!    category and priority, then category alone (a plan for a category applies to its
//!    sub-categories unless a more specific one exists);
//! 2. among equally specific plans, the nearest org unit's (a station's plan overrides its
//!    district's, which overrides the city's).
//!
//! One org unit has at most one plan per (category, sub-category, priority), so the rule
//! always names one plan.
//!
//! # Ranking
//!
//! Without a plan, candidates are ranked strictly by road ETA ([`crate::unit::recommendation_order`]).
//! With one, every slot is filled first with the eligible candidates that arrive first — a
//! candidate is eligible for a slot when it is of the slot's unit kind and carries every piece
//! of equipment the slot requires; fit does not rank it — and the remaining candidates follow,
//! strictly by ETA. Slots that require equipment are filled before those that do not, so that a
//! specially equipped unit is not spent on a slot any unit of its kind could fill. Slots that
//! could not be filled from the candidates (none within reach) are reported as unfilled.

use jingwu_core::OrgId;
use serde::{Deserialize, Serialize};

use crate::error_codes::field;
use crate::taxonomy::{Category, Priority, Subcategory};
use crate::unit::{Candidate, FitLevel, UnitKind, recommendation_order};

jingwu_core::id_newtype! {
    /// A response plan.
    pub struct PlanId;
}

jingwu_core::text_enum! {
    /// Agencies a plan asks to notify (联动单位). The inter-agency linkage reads these codes
    /// from the plan that applies to an incident.
    pub enum Agency: "agency" {
        /// Fire and rescue (119).
        Fire119 = "fire_119" ("119 消防救援", "Fire and rescue (119)"),
        /// Emergency medical service (120).
        Ambulance120 = "ambulance_120" ("120 急救", "Ambulance (120)"),
        TrafficPolice = "traffic_police" ("交警", "Traffic police"),
        /// City management (城管).
        CityManagement = "city_management" ("城管", "City management"),
    }
}

/// Most slots in one plan.
pub const MAX_SLOTS: usize = 10;
/// Most units one slot asks for.
pub const MAX_SLOT_COUNT: u8 = 10;
/// Most equipment codes one slot requires.
pub const MAX_EQUIPMENT: usize = 10;
/// Longest plan name, characters.
pub const MAX_NAME_CHARS: usize = 60;

/// One line of a plan: `count` units of `kind`, each carrying all of `equipment`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSlot {
    pub kind: UnitKind,
    pub count: u8,
    /// Equipment codes (as on units), sorted, no duplicates.
    pub equipment: Vec<String>,
}

impl PlanSlot {
    /// Whether a unit of `kind` carrying `equipment` may fill this slot.
    pub fn accepts(&self, kind: UnitKind, equipment: &[String]) -> bool {
        kind == self.kind && self.equipment.iter().all(|e| equipment.contains(e))
    }
}

/// What a plan says, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanSpec {
    pub name: String,
    pub category: Category,
    /// `None`: every sub-category of `category`.
    pub subcategory: Option<Subcategory>,
    /// `None`: every priority.
    pub priority: Option<Priority>,
    pub slots: Vec<PlanSlot>,
    pub agencies: Vec<Agency>,
}

impl PlanSpec {
    /// How specifically this plan matches an incident of `subcategory` and `priority`:
    /// `None` when it does not apply, else 0 (category) … 3 (sub-category and priority).
    pub fn specificity(&self, subcategory: Subcategory, priority: Priority) -> Option<u8> {
        if subcategory.category() != self.category {
            return None;
        }
        let sub = match self.subcategory {
            Some(s) if s != subcategory => return None,
            Some(_) => 2,
            None => 0,
        };
        let prio = match self.priority {
            Some(p) if p != priority => return None,
            Some(_) => 1,
            None => 0,
        };
        Some(sub + prio)
    }
}

/// A stored plan with the path of the org unit it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponsePlan {
    pub id: PlanId,
    pub org_id: OrgId,
    pub org_path: String,
    pub spec: PlanSpec,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The plan that applies to an incident of `subcategory` and `priority` owned by the org unit
/// at `owner_path`, among `plans` (see the module documentation for the rule).
pub fn applicable<'a>(
    plans: &'a [ResponsePlan],
    owner_path: &str,
    subcategory: Subcategory,
    priority: Priority,
) -> Option<&'a ResponsePlan> {
    plans
        .iter()
        .filter(|p| owner_path.starts_with(&p.org_path))
        .filter_map(|p| Some((p.spec.specificity(subcategory, priority)?, p)))
        .max_by(|(sa, a), (sb, b)| {
            sa.cmp(sb)
                .then_with(|| a.org_path.len().cmp(&b.org_path.len()))
                // Unreachable with one plan per org and key; keeps the choice deterministic.
                .then_with(|| b.id.cmp(&a.id))
        })
        .map(|(_, p)| p)
}

/// A plan as submitted, before validation (codes as text).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanDraft {
    pub name: String,
    pub category: String,
    pub subcategory: Option<String>,
    pub priority: Option<String>,
    pub slots: Vec<SlotDraft>,
    pub agencies: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SlotDraft {
    pub kind: String,
    pub count: i64,
    pub equipment: Vec<String>,
}

/// A field of a draft that failed validation, with its registered code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanFieldError {
    pub field: String,
    pub code: &'static str,
    pub reason: String,
}

impl PlanFieldError {
    fn new(field: impl Into<String>, code: &'static str, reason: impl Into<String>) -> Self {
        PlanFieldError {
            field: field.into(),
            code,
            reason: reason.into(),
        }
    }
}

/// An equipment code: 1–32 lowercase ASCII letters, digits or underscores.
pub fn valid_equipment_code(s: &str) -> bool {
    (1..=32).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

/// Validates a draft, collecting every field error (fields named like `slots[1].count`).
pub fn validate(d: &PlanDraft) -> Result<PlanSpec, Vec<PlanFieldError>> {
    let mut errs = Vec::new();
    let name = d.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS || name.contains('\0') {
        errs.push(PlanFieldError::new(
            "name",
            field::PLAN_NAME.code,
            format!("1 to {MAX_NAME_CHARS} characters"),
        ));
    }
    let category = Category::parse(&d.category);
    let subcategory = d.subcategory.as_deref().map(Subcategory::parse).transpose();
    match (&category, &subcategory) {
        (Ok(c), Ok(Some(s))) if s.category() != *c => errs.push(PlanFieldError::new(
            "subcategory",
            field::TAXONOMY.code,
            format!("{s} is not a sub-category of {c}"),
        )),
        (Err(_), _) | (_, Err(_)) => errs.push(PlanFieldError::new(
            if category.is_err() {
                "category"
            } else {
                "subcategory"
            },
            field::TAXONOMY.code,
            "not a category and one of its sub-categories",
        )),
        _ => {}
    }
    let priority = d.priority.as_deref().map(Priority::parse).transpose();
    if priority.is_err() {
        errs.push(PlanFieldError::new(
            "priority",
            field::PRIORITY_UNKNOWN.code,
            "p1, p2, p3, p4 or absent (every priority)",
        ));
    }
    if d.slots.is_empty() || d.slots.len() > MAX_SLOTS {
        errs.push(PlanFieldError::new(
            "slots",
            field::PLAN_SLOTS.code,
            format!("1 to {MAX_SLOTS} slots"),
        ));
    }
    let slots: Vec<Option<PlanSlot>> = d
        .slots
        .iter()
        .enumerate()
        .map(|(i, s)| slot(i, s, &mut errs))
        .collect();
    let mut agencies = Vec::new();
    for (i, a) in d.agencies.iter().enumerate() {
        match Agency::parse(a) {
            Ok(a) if agencies.contains(&a) => errs.push(PlanFieldError::new(
                format!("agencies[{i}]"),
                field::PLAN_AGENCY.code,
                "listed twice",
            )),
            Ok(a) => agencies.push(a),
            Err(_) => errs.push(PlanFieldError::new(
                format!("agencies[{i}]"),
                field::PLAN_AGENCY.code,
                "fire_119, ambulance_120, traffic_police or city_management",
            )),
        }
    }
    match (category, subcategory, priority) {
        (Ok(category), Ok(subcategory), Ok(priority)) if errs.is_empty() => Ok(PlanSpec {
            name: name.to_string(),
            category,
            subcategory,
            priority,
            slots: slots.into_iter().flatten().collect(),
            agencies,
        }),
        _ => Err(errs),
    }
}

fn slot(i: usize, s: &SlotDraft, errs: &mut Vec<PlanFieldError>) -> Option<PlanSlot> {
    let kind = UnitKind::parse(&s.kind);
    if kind.is_err() {
        errs.push(PlanFieldError::new(
            format!("slots[{i}].kind"),
            field::PLAN_SLOT_KIND.code,
            "a unit kind code",
        ));
    }
    let count = u8::try_from(s.count)
        .ok()
        .filter(|c| (1..=MAX_SLOT_COUNT).contains(c));
    if count.is_none() {
        errs.push(PlanFieldError::new(
            format!("slots[{i}].count"),
            field::PLAN_SLOT_COUNT.code,
            format!("1 to {MAX_SLOT_COUNT} units"),
        ));
    }
    let mut equipment = s.equipment.clone();
    equipment.sort();
    equipment.dedup();
    let bad = s.equipment.iter().any(|e| !valid_equipment_code(e));
    if bad || equipment.len() != s.equipment.len() || equipment.len() > MAX_EQUIPMENT {
        errs.push(PlanFieldError::new(
            format!("slots[{i}].equipment"),
            field::PLAN_EQUIPMENT.code,
            format!(
                "at most {MAX_EQUIPMENT} distinct codes of lowercase letters, digits and underscores"
            ),
        ));
    }
    Some(PlanSlot {
        kind: kind.ok()?,
        count: count?,
        equipment,
    })
}

/// A unit to rank: what eligibility and order look at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RankUnit<'a> {
    pub kind: UnitKind,
    pub equipment: &'a [String],
    /// Road travel time to the incident, seconds (non-finite: unreachable).
    pub eta_s: f64,
    pub fit: FitLevel,
    pub call_sign: &'a str,
}

impl RankUnit<'_> {
    fn candidate(&self) -> Candidate<'_> {
        Candidate {
            eta_s: self.eta_s,
            fit: self.fit,
            call_sign: self.call_sign,
        }
    }
}

/// One ranked unit: its index in the input and the plan slot it fills, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ranked {
    pub index: usize,
    pub slot: Option<usize>,
}

/// A plan slot that was not (completely) filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unfilled {
    /// Index of the slot in the plan.
    pub slot: usize,
    /// Units the slot asks for and units found for it.
    pub wanted: u8,
    pub found: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Ranking {
    /// Every input unit, in recommended order: slot fillers first, then the rest.
    pub order: Vec<Ranked>,
    pub unfilled: Vec<Unfilled>,
}

/// Ranks `units` for an incident with the plan's `slots` (empty: no plan); see the module
/// documentation. Unreachable units fill no slot and come last.
pub fn rank(slots: &[PlanSlot], units: &[RankUnit<'_>]) -> Ranking {
    let mut by_eta: Vec<usize> = (0..units.len()).collect();
    by_eta.sort_by(|&a, &b| recommendation_order(&units[a].candidate(), &units[b].candidate()));
    // The most constrained slots choose first; ties keep the plan's order.
    let mut fill_order: Vec<usize> = (0..slots.len()).collect();
    fill_order.sort_by_key(|&s| std::cmp::Reverse(slots[s].equipment.len()));
    let mut taken: Vec<Option<usize>> = vec![None; units.len()];
    let mut unfilled = Vec::new();
    for s in fill_order {
        let slot = &slots[s];
        let mut found = 0u8;
        for &u in &by_eta {
            if found == slot.count {
                break;
            }
            let unit = &units[u];
            if taken[u].is_none()
                && unit.eta_s.is_finite()
                && slot.accepts(unit.kind, unit.equipment)
            {
                taken[u] = Some(s);
                found += 1;
            }
        }
        if found < slot.count {
            unfilled.push(Unfilled {
                slot: s,
                wanted: slot.count,
                found,
            });
        }
    }
    unfilled.sort_by_key(|u| u.slot);
    let fillers = by_eta.iter().filter(|&&u| taken[u].is_some());
    let rest = by_eta.iter().filter(|&&u| taken[u].is_none());
    let order = fillers
        .chain(rest)
        .map(|&u| Ranked {
            index: u,
            slot: taken[u],
        })
        .collect();
    Ranking { order, unfilled }
}
