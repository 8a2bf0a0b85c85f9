//! How long the bureau keeps an item after its case closes, and the legal hold while the case
//! is open. The periods are the bureau's policy, not figures of a law (docs/cases.md
//! "Evidence"), except where noted: audio-video is kept at least six months
//! (现场执法视音频记录工作规定, 2016 — unverified), which the period below exceeds since it
//! counts from the case's closing, never earlier than the recording.
//!
//! While the case is open every item is held: nothing is disposed of, and an item is returned
//! only to a victim of the case who owns it (the property of a victim goes back as soon as it
//! is no longer needed as evidence — bureau rule; see docs/cases.md). After the case closes a
//! disposal waits for the category's period; a return to the owner does not.

use serde::Serialize;

use crate::evidence::{Category, ItemState, MovementKind};
use crate::ids::ItemId;

const DAY_US: i64 = 86_400_000_000;

/// Days an item of `category` is kept after its case closes before it may be disposed of
/// (the bureau's table; docs/cases.md "Evidence").
pub const fn retention_days(category: Category) -> i64 {
    match category {
        Category::General => 180,
        Category::Document => 3650,
        Category::Drugs | Category::Firearm | Category::Ammunition => 90,
        Category::ControlledKnife | Category::Vehicle => 90,
        Category::Cash => 30,
        Category::Valuables => 180,
        Category::ElectronicDevice | Category::DigitalData => 365,
        // At least six months (2016 rule, unverified): 183 days covers any six months.
        Category::AudioVideo => 183,
        Category::Biological => 730,
    }
}

/// Until when an item is kept: `None` while its case is open (a legal hold, no end yet).
pub fn retained_until(category: Category, case_closed_at: Option<i64>) -> Option<i64> {
    case_closed_at.map(|closed| closed.saturating_add(retention_days(category) * DAY_US))
}

/// Why an item may not leave yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Hold {
    #[error("the item's case is open: it is held (only a victim's own property is returned)")]
    CaseOpen,
    #[error("the item is retained after its case closed until {until_us} (µs)")]
    Retained { until_us: i64 },
}

/// May `movement` release an item of `category` now? Disposal: only after the case closed and
/// the retention period passed. Return: while the case is open only to a victim of the case
/// (`to_victim`), after it closes to anyone. Other movements are not releases.
pub fn check_release(
    movement: MovementKind,
    category: Category,
    case_closed_at: Option<i64>,
    to_victim: bool,
    now: i64,
) -> Result<(), Hold> {
    match movement {
        MovementKind::Dispose => match retained_until(category, case_closed_at) {
            None => Err(Hold::CaseOpen),
            Some(until) if now < until => Err(Hold::Retained { until_us: until }),
            Some(_) => Ok(()),
        },
        MovementKind::Return if case_closed_at.is_none() && !to_victim => Err(Hold::CaseOpen),
        _ => Ok(()),
    }
}

/// What the disposition review needs of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewFacts {
    pub item_id: ItemId,
    pub category: Category,
    pub state: ItemState,
    pub case_closed_at: Option<i64>,
}

/// An item whose disposition is due for review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Due {
    pub item_id: ItemId,
    /// When its retention ended.
    pub due_at: i64,
}

/// The items in store whose retention has run out at `now` (held ones — open cases — never),
/// the longest overdue first: the disposition review's list, so that purging keeps pace with
/// intake.
pub fn review_due(items: &[ReviewFacts], now: i64) -> Vec<Due> {
    let mut due: Vec<Due> = items
        .iter()
        .filter(|f| f.state == ItemState::InStore)
        .filter_map(|f| {
            let until = retained_until(f.category, f.case_closed_at)?;
            (until <= now).then(|| Due {
                item_id: f.item_id.clone(),
                due_at: until,
            })
        })
        .collect();
    due.sort_by(|a, b| {
        a.due_at
            .cmp(&b.due_at)
            .then_with(|| a.item_id.cmp(&b.item_id))
    });
    due
}
