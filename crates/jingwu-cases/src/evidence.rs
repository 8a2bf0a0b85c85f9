//! Evidence and property (涉案财物): what an item is, the states it passes through, and the
//! custody movements that take it there. Every movement is a fact appended to the item's chain
//! of custody ([`crate::chain`]); an item's state, location and holder are what its events
//! made them. The rules here decide a movement from the item as stored and what the custodian
//! asked for; the use case only loads, writes and audits.
//!
//! Rules (docs/cases.md "Evidence"): a high-risk item (drugs, firearms, ammunition, cash,
//! valuables) is kept only in a `secure` location, and its disposal or return is witnessed by
//! two people other than the acting custodian; a check-in states whether the seal is intact,
//! and a broken seal records the new seal's number and flags the item for review.

use jingwu_core::{OrgId, UserId};
use serde::{Deserialize, Serialize};

use crate::ids::{CaseId, ItemId, LocationId};

jingwu_core::text_enum! {
    /// Physical property, or a file kept by its SHA-256.
    pub enum ItemKind: "item kind" {
        Physical = "physical" ("实物", "Physical"),
        Digital = "digital" ("电子数据", "Digital"),
    }
}

jingwu_core::text_enum! {
    /// What an item is; the category sets its retention ([`crate::retention`]) and whether it
    /// is high-risk.
    pub enum Category: "evidence category" {
        /// Anything not listed below.
        General = "general" ("一般物品", "General property"),
        /// Documentary evidence (书证): papers, contracts, ledgers.
        Document = "document" ("书证", "Document"),
        Drugs = "drugs" ("毒品", "Drugs"),
        Firearm = "firearm" ("枪支", "Firearm"),
        Ammunition = "ammunition" ("弹药", "Ammunition"),
        ControlledKnife = "controlled_knife" ("管制刀具", "Controlled knife"),
        Cash = "cash" ("现金", "Cash"),
        /// Jewellery, gold, watches and the like.
        Valuables = "valuables" ("贵重物品", "Valuables"),
        Vehicle = "vehicle" ("车辆", "Vehicle"),
        /// A phone, computer or storage medium (the device itself).
        ElectronicDevice = "electronic_device" ("电子设备", "Electronic device"),
        /// Data extracted or received as a file.
        DigitalData = "digital_data" ("电子数据", "Digital data"),
        /// Body-worn and scene audio-video recordings, photos of the scene.
        AudioVideo = "audio_video" ("视音频资料", "Audio-video record"),
        /// Biological samples (blood, DNA swabs).
        Biological = "biological" ("生物检材", "Biological sample"),
    }
}

impl Category {
    /// Drugs, guns, ammunition, cash and valuables: kept in secure locations, counted more
    /// often, disposed of or returned before two witnesses (IAPE practice, docs/cases.md §3).
    pub const fn high_risk(self) -> bool {
        matches!(
            self,
            Category::Drugs
                | Category::Firearm
                | Category::Ammunition
                | Category::Cash
                | Category::Valuables
        )
    }

    /// The categories a digital item (a file) may have.
    pub const fn digital(self) -> bool {
        matches!(
            self,
            Category::DigitalData | Category::AudioVideo | Category::Document
        )
    }
}

jingwu_core::text_enum! {
    /// Where an item is in its life.
    pub enum ItemState: "item state" {
        /// In the store, at a location (a digital item: in the file store).
        InStore = "in_store" ("在库", "In store"),
        /// Signed out to a person (examination, interview, court) and expected back.
        CheckedOut = "checked_out" ("已调用", "Checked out"),
        /// Handed to another agency (procuratorate, court, laboratory).
        Transferred = "transferred" ("已移送", "Transferred"),
        /// Given back to its owner.
        Returned = "returned" ("已发还", "Returned"),
        /// Destroyed or confiscated.
        Disposed = "disposed" ("已处置", "Disposed"),
    }
}

impl ItemState {
    /// Nothing follows: the item has left the bureau for good.
    pub const fn is_final(self) -> bool {
        matches!(self, ItemState::Returned | ItemState::Disposed)
    }
}

jingwu_core::text_enum! {
    /// One handling act, as the chain of custody records it.
    pub enum MovementKind: "custody movement" {
        /// Taken into the store (the first event of every item).
        Intake = "intake" ("入库", "Intake"),
        /// Signed out to a named person.
        CheckOut = "check_out" ("调用出库", "Check out"),
        /// Back into the store, seal checked.
        CheckIn = "check_in" ("归还入库", "Check in"),
        /// Moved to another location of the same store.
        Relocate = "relocate" ("移库", "Relocate"),
        /// Handed to another agency.
        Transfer = "transfer" ("移送", "Transfer"),
        /// Given back to the owner.
        Return = "return" ("发还", "Return"),
        /// Destroyed or confiscated.
        Dispose = "dispose" ("处置", "Dispose"),
        /// A digital item's SHA-256 recomputed from the stored bytes; the result recorded.
        IntegrityCheck = "integrity_check" ("完整性校验", "Integrity check"),
    }
}

impl MovementKind {
    /// Whether an item of `kind` can undergo this movement: a file has no shelf (no check-out,
    /// check-in or relocation), and only a file has a hash to re-check.
    pub const fn applies_to(self, kind: ItemKind) -> bool {
        match self {
            MovementKind::CheckOut | MovementKind::CheckIn | MovementKind::Relocate => {
                matches!(kind, ItemKind::Physical)
            }
            MovementKind::IntegrityCheck => matches!(kind, ItemKind::Digital),
            MovementKind::Return => matches!(kind, ItemKind::Physical),
            MovementKind::Intake | MovementKind::Transfer | MovementKind::Dispose => true,
        }
    }
}

/// Why a movement is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("an item {} cannot be moved by {}", .from.label_en().to_lowercase(), .movement.label_en().to_lowercase())]
    State {
        from: ItemState,
        movement: MovementKind,
    },
    #[error("a {} item cannot be moved by {}", .kind.as_str(), .movement.label_en().to_lowercase())]
    Kind {
        kind: ItemKind,
        movement: MovementKind,
    },
    #[error("the item moved since it was read (its chain is at event {current}, not {expected})")]
    Stale { expected: i64, current: i64 },
    #[error("two witnesses other than the acting custodian, distinct, are required")]
    Witnesses,
    #[error("a high-risk item is kept only in a secure location")]
    SecureLocation,
    #[error("the seal number {given} is not the item's seal {recorded}")]
    SealMismatch { given: String, recorded: String },
    #[error("{field}: {reason}")]
    Field {
        field: &'static str,
        reason: &'static str,
    },
}

/// The state after `movement` from `state` (the custody state machine). Intake is no movement
/// of a stored item: it makes one ([`intake`]).
///
/// | from \ by | check_out | check_in | relocate | transfer | return | dispose | integrity_check |
/// |---|---|---|---|---|---|---|---|
/// | in_store | checked_out | — | in_store | transferred | returned | disposed | in_store |
/// | checked_out | — | in_store | — | — | — | — | — |
/// | transferred | — | in_store | — | — | — | — | — |
/// | returned, disposed | — | — | — | — | — | — | — |
pub fn next(state: ItemState, movement: MovementKind) -> Result<ItemState, Refusal> {
    use ItemState::*;
    use MovementKind::*;
    let to = match (state, movement) {
        (InStore, CheckOut) => CheckedOut,
        (CheckedOut | Transferred, CheckIn) => InStore,
        (InStore, Relocate | IntegrityCheck) => InStore,
        (InStore, MovementKind::Transfer) => Transferred,
        (InStore, Return) => Returned,
        (InStore, Dispose) => Disposed,
        (from, movement) => return Err(Refusal::State { from, movement }),
    };
    Ok(to)
}

/// A storage location of a property store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub id: LocationId,
    /// The store (an org unit) it belongs to.
    pub org_id: OrgId,
    /// Shelf code as labelled in the store, e.g. `A-01-03`.
    pub code: String,
    pub name: String,
    /// Takes high-risk items (a safe, a gun cabinet, a drugs room).
    pub secure: bool,
    pub active: bool,
}

/// An item of evidence or property as stored: its description and the head of its chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    pub id: ItemId,
    /// The store keeping it.
    pub org_id: OrgId,
    pub case_id: CaseId,
    /// The printed label's value.
    pub barcode: String,
    pub seal_no: Option<String>,
    pub description: String,
    pub category: Category,
    pub kind: ItemKind,
    pub quantity: i64,
    /// A digital item's content address.
    pub sha256: Option<String>,
    pub size_bytes: Option<i64>,
    pub media_type: Option<String>,
    pub state: ItemState,
    pub location_id: Option<LocationId>,
    /// The account holding it while checked out.
    pub holder_id: Option<UserId>,
    /// Needs a custodian's attention: a broken seal, a failed integrity check.
    pub flagged: bool,
    pub seized_at: i64,
    pub intake_at: i64,
    /// The newest custody event's sequence number (1 after intake) and digest.
    pub last_seq: i64,
    pub last_digest: String,
}

/// One handling act: who, from whom or where, to whom or where, when, why, the seal, the hash.
/// `from_holder`/`to_holder` hold an account id for a check-out and check-in, the receiving
/// agency or owner as written for a transfer or return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustodyEvent {
    pub item_id: ItemId,
    pub seq: i64,
    pub kind: MovementKind,
    pub at: i64,
    pub actor_id: String,
    pub from_holder: Option<String>,
    pub to_holder: Option<String>,
    pub from_location: Option<String>,
    pub to_location: Option<String>,
    /// Where it happened or where the item went (a room, a court, a laboratory).
    pub place: String,
    pub reason: String,
    pub seal_no: Option<String>,
    pub seal_intact: Option<bool>,
    pub hash_matched: Option<bool>,
    /// Account ids of the witnesses.
    pub witnesses: Vec<String>,
    pub prev_digest: String,
    pub digest: String,
}

/// What a custodian asks for. Which fields a movement needs: check-out `to_holder` (an
/// account); check-in `to_location` and `seal_intact` (with the new `seal_no` when broken);
/// relocate `to_location`; transfer `to_holder` (the agency) and `place`; return `to_holder`
/// (the owner); dispose `place` (how: destroyed at …, confiscated to …); all a `reason`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MoveRequest {
    pub to_holder: Option<String>,
    pub to_location: Option<Location>,
    pub place: String,
    pub reason: String,
    pub seal_no: Option<String>,
    pub seal_intact: Option<bool>,
    /// An integrity check's result.
    pub hash_matched: Option<bool>,
    pub witnesses: Vec<String>,
    /// The chain head the custodian saw (`last_seq`); a different one refuses the move.
    pub expected_seq: Option<i64>,
}

/// The item after a decided movement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub state: ItemState,
    pub location_id: Option<LocationId>,
    pub holder_id: Option<UserId>,
    pub seal_no: Option<String>,
    pub flagged: bool,
    /// The event to append; its digest links it to the item's chain.
    pub event: CustodyEvent,
}

/// The witness rule: disposal and return of a high-risk item need two distinct witnesses,
/// neither of them the acting custodian. Other movements take witnesses when given.
pub fn check_witnesses(
    category: Category,
    movement: MovementKind,
    actor_id: &str,
    witnesses: &[String],
) -> Result<(), Refusal> {
    let needed =
        category.high_risk() && matches!(movement, MovementKind::Dispose | MovementKind::Return);
    let distinct = witnesses
        .iter()
        .enumerate()
        .all(|(i, w)| !witnesses[..i].contains(w));
    if witnesses.iter().any(|w| w == actor_id) || !distinct {
        return Err(Refusal::Witnesses);
    }
    if needed && witnesses.len() < 2 {
        return Err(Refusal::Witnesses);
    }
    Ok(())
}

/// A high-risk item goes only to a secure location.
pub fn check_location(category: Category, location: &Location) -> Result<(), Refusal> {
    if category.high_risk() && !location.secure {
        return Err(Refusal::SecureLocation);
    }
    Ok(())
}

fn required(field: &'static str, v: &Option<String>) -> Result<String, Refusal> {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        _ => Err(Refusal::Field {
            field,
            reason: "required for this movement",
        }),
    }
}

/// Decides `movement` of `item` by `actor_id` at `at`: the new state, location, holder and
/// seal, and the custody event (linked to the chain's head). Legal hold and retention are the
/// caller's to check first ([`crate::retention::check_release`]): they need the case.
pub fn decide(
    item: &Item,
    movement: MovementKind,
    req: &MoveRequest,
    actor_id: &str,
    at: i64,
) -> Result<Moved, Refusal> {
    if let Some(expected) = req.expected_seq
        && expected != item.last_seq
    {
        return Err(Refusal::Stale {
            expected,
            current: item.last_seq,
        });
    }
    if !movement.applies_to(item.kind) {
        return Err(Refusal::Kind {
            kind: item.kind,
            movement,
        });
    }
    let state = next(item.state, movement)?;
    check_witnesses(item.category, movement, actor_id, &req.witnesses)?;
    if req.reason.trim().is_empty() && movement != MovementKind::IntegrityCheck {
        return Err(Refusal::Field {
            field: "reason",
            reason: "required for this movement",
        });
    }
    let mut m = Moved {
        state,
        location_id: item.location_id.clone(),
        holder_id: item.holder_id.clone(),
        seal_no: item.seal_no.clone(),
        flagged: item.flagged,
        event: CustodyEvent {
            item_id: item.id.clone(),
            seq: item.last_seq + 1,
            kind: movement,
            at,
            actor_id: actor_id.to_owned(),
            from_holder: item.holder_id.as_ref().map(|h| h.as_str().to_owned()),
            to_holder: None,
            from_location: item.location_id.as_ref().map(|l| l.as_str().to_owned()),
            to_location: None,
            place: req.place.trim().to_owned(),
            reason: req.reason.trim().to_owned(),
            seal_no: None,
            seal_intact: None,
            hash_matched: None,
            witnesses: req.witnesses.clone(),
            prev_digest: item.last_digest.clone(),
            digest: String::new(),
        },
    };
    let to_location = |m: &mut Moved| -> Result<(), Refusal> {
        let Some(loc) = &req.to_location else {
            return Err(Refusal::Field {
                field: "to_location",
                reason: "required for this movement",
            });
        };
        if !loc.active || loc.org_id != item.org_id {
            return Err(Refusal::Field {
                field: "to_location",
                reason: "not an active location of the item's store",
            });
        }
        check_location(item.category, loc)?;
        m.location_id = Some(loc.id.clone());
        m.event.to_location = Some(loc.id.as_str().to_owned());
        Ok(())
    };
    match movement {
        MovementKind::Intake => {
            // `next` refuses it; kept for completeness of the match.
            return Err(Refusal::State {
                from: item.state,
                movement,
            });
        }
        MovementKind::CheckOut => {
            let to = required("to_holder", &req.to_holder)?;
            m.holder_id = Some(UserId::from(to.clone()));
            m.location_id = None;
            m.event.to_holder = Some(to);
            m.event.seal_no = item.seal_no.clone();
        }
        MovementKind::CheckIn => {
            let Some(intact) = req.seal_intact else {
                return Err(Refusal::Field {
                    field: "seal_intact",
                    reason: "state whether the seal is intact",
                });
            };
            to_location(&mut m)?;
            m.holder_id = None;
            m.event.seal_intact = Some(intact);
            if intact {
                if let (Some(given), Some(recorded)) = (
                    req.seal_no
                        .as_deref()
                        .map(str::trim)
                        .filter(|s| !s.is_empty()),
                    item.seal_no.as_deref(),
                ) && given != recorded
                {
                    return Err(Refusal::SealMismatch {
                        given: given.to_owned(),
                        recorded: recorded.to_owned(),
                    });
                }
                m.event.seal_no = item.seal_no.clone();
            } else {
                // A broken seal: the item is resealed under a new number and flagged.
                let new_seal = required("seal_no", &req.seal_no)?;
                m.seal_no = Some(new_seal.clone());
                m.event.seal_no = Some(new_seal);
                m.flagged = true;
            }
        }
        MovementKind::Relocate => {
            to_location(&mut m)?;
            if m.location_id == item.location_id {
                return Err(Refusal::Field {
                    field: "to_location",
                    reason: "the item is at that location already",
                });
            }
            m.event.seal_no = item.seal_no.clone();
        }
        MovementKind::Transfer => {
            m.event.to_holder = Some(required("to_holder", &req.to_holder)?);
            if m.event.place.is_empty() {
                return Err(Refusal::Field {
                    field: "place",
                    reason: "required for this movement",
                });
            }
            m.location_id = None;
            m.event.seal_no = item.seal_no.clone();
        }
        MovementKind::Return => {
            m.event.to_holder = Some(required("to_holder", &req.to_holder)?);
            m.location_id = None;
        }
        MovementKind::Dispose => {
            if m.event.place.is_empty() {
                return Err(Refusal::Field {
                    field: "place",
                    reason: "say how and where it was disposed of",
                });
            }
            m.location_id = None;
        }
        MovementKind::IntegrityCheck => {
            let Some(matched) = req.hash_matched else {
                return Err(Refusal::Field {
                    field: "hash_matched",
                    reason: "the check's result is required",
                });
            };
            m.event.hash_matched = Some(matched);
            if !matched {
                m.flagged = true;
            }
        }
    }
    m.event.digest = crate::chain::digest(&m.event);
    Ok(m)
}

/// What an intake records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem {
    pub id: ItemId,
    pub org_id: OrgId,
    pub case_id: CaseId,
    pub barcode: String,
    pub seal_no: Option<String>,
    pub description: String,
    pub category: Category,
    pub kind: ItemKind,
    pub quantity: i64,
    pub sha256: Option<String>,
    pub size_bytes: Option<i64>,
    pub media_type: Option<String>,
    /// Physical items only.
    pub location: Option<Location>,
    pub seized_at: i64,
    pub place: String,
    pub reason: String,
}

/// Takes an item in: the stored item and its first custody event (chained to the item's
/// genesis value).
pub fn intake(n: NewItem, actor_id: &str, at: i64) -> Result<(Item, CustodyEvent), Refusal> {
    let location_id = match (n.kind, &n.location) {
        (ItemKind::Physical, Some(loc)) => {
            if !loc.active || loc.org_id != n.org_id {
                return Err(Refusal::Field {
                    field: "location_id",
                    reason: "not an active location of the custodian's store",
                });
            }
            check_location(n.category, loc)?;
            Some(loc.id.clone())
        }
        (ItemKind::Physical, None) => {
            return Err(Refusal::Field {
                field: "location_id",
                reason: "a physical item is taken to a location",
            });
        }
        (ItemKind::Digital, _) => None,
    };
    if n.kind == ItemKind::Digital && !n.category.digital() {
        return Err(Refusal::Field {
            field: "category",
            reason: "a file is digital data, audio-video or a document",
        });
    }
    if n.quantity < 1 {
        return Err(Refusal::Field {
            field: "quantity",
            reason: "at least one",
        });
    }
    if n.seized_at > at {
        return Err(Refusal::Field {
            field: "seized_at",
            reason: "in the future",
        });
    }
    let genesis = crate::chain::genesis(n.id.as_str());
    let mut event = CustodyEvent {
        item_id: n.id.clone(),
        seq: 1,
        kind: MovementKind::Intake,
        at,
        actor_id: actor_id.to_owned(),
        from_holder: None,
        to_holder: None,
        from_location: None,
        to_location: location_id.as_ref().map(|l| l.as_str().to_owned()),
        place: n.place.trim().to_owned(),
        reason: n.reason.trim().to_owned(),
        seal_no: n.seal_no.clone(),
        seal_intact: n.seal_no.as_ref().map(|_| true),
        hash_matched: n.sha256.as_ref().map(|_| true),
        witnesses: Vec::new(),
        prev_digest: genesis,
        digest: String::new(),
    };
    event.digest = crate::chain::digest(&event);
    let item = Item {
        id: n.id,
        org_id: n.org_id,
        case_id: n.case_id,
        barcode: n.barcode,
        seal_no: n.seal_no,
        description: n.description,
        category: n.category,
        kind: n.kind,
        quantity: n.quantity,
        sha256: n.sha256,
        size_bytes: n.size_bytes,
        media_type: n.media_type,
        state: ItemState::InStore,
        location_id,
        holder_id: None,
        flagged: false,
        seized_at: n.seized_at,
        intake_at: at,
        last_seq: 1,
        last_digest: event.digest.clone(),
    };
    Ok((item, event))
}

/// A label's barcode: 4–40 ASCII letters, digits or dashes.
pub fn valid_barcode(s: &str) -> bool {
    (4..=40).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The barcode printed on a label when the custodian gives none: `WZ`, the store's org code,
/// the intake date and a serial — `WZ-330205-20260314-000042` — readable by any Code 128
/// scanner.
pub fn label_barcode(org_code: &str, date: jiff::civil::Date, serial: u64) -> String {
    let code: String = org_code
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .take(12)
        .collect();
    format!(
        "WZ-{code}-{:04}{:02}{:02}-{:06}",
        date.year(),
        date.month(),
        date.day(),
        serial % 1_000_000
    )
}

/// What an item's use cases need to know of its case and store, loaded with it: the store's
/// path (custodians' scope), the case's number and title (all a custodian sees of it), the
/// case's handling and legal paths (handlers' and supervisors' scope) and whether it is closed
/// (legal hold).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemContext {
    pub store_path: String,
    pub case_number: String,
    pub case_title: String,
    pub case_org_path: String,
    pub case_legal_path: String,
    pub case_closed_at: Option<i64>,
}

/// A case as an intake finds it by number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRef {
    pub id: CaseId,
    pub number: String,
    pub title: String,
    pub org_path: String,
    pub legal_path: String,
    pub closed_at: Option<i64>,
}
