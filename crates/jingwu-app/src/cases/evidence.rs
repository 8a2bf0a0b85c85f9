//! Evidence and property: storage locations, intake of physical items and of files, custody
//! movements, digital content re-hashed on every access, the disposition review, and the check
//! of every chain of custody against the audit log.
//!
//! Custodians (`handle_evidence`) work on the items of their store — their org unit's subtree —
//! and see a case's number and title, never its file; handlers and legal supervisors read the
//! items of the cases they see. Every movement is decided by `jingwu_cases::evidence`, appended
//! to the item's chain in the transaction that moves the item by a conditional update on the
//! chain's head, and recorded in the audit log with the event's digest (so `jingwu audit
//! verify` can compare the two). Every view of an item or its content is audited; so is every
//! refusal.

use std::collections::BTreeMap;

use jingwu_cases::chain;
use jingwu_cases::error_codes::{self as codes, field};
use jingwu_cases::evidence::{
    self as rules, CaseRef, Category, CustodyEvent, Item, ItemContext, ItemKind, ItemState,
    Location, MoveRequest, MovementKind, NewItem, Refusal,
};
use jingwu_cases::ids::{ItemId, LocationId};
use jingwu_cases::policy::sees_item;
use jingwu_cases::retention::{self, Due, Hold};
use jingwu_core::{Action, Denied, OrgId, Principal, Role, Scope, authorize};
use jingwu_store::Conn;
use jingwu_store::cases::evidence::{self as q, ItemFilter, ItemScope};
use jingwu_store::foundation::{orgs, users};

use super::Cases;
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result, Tx};

/// Largest file taken in as one request body (64 MiB); larger recordings go through the
/// resumable uploads service and [`Cases::intake_digital_from_blob`].
pub const EVIDENCE_FILE_MAX_BYTES: usize = 64 * 1024 * 1024;

/// The audit object type of items.
const ITEM: &str = "evidence_item";

/// A storage location as an administrator or custodian defines it.
#[derive(Debug, Clone)]
pub struct NewLocation {
    /// The store (org unit); a custodian's own when not given.
    pub org_id: Option<String>,
    pub code: String,
    pub name: String,
    pub secure: bool,
}

/// A physical item as the hand-over form gives it.
#[derive(Debug, Clone)]
pub struct PhysicalIntake {
    /// The case's number, as the handler's hand-over form gives it.
    pub case_number: String,
    /// The label's barcode; a printable one is generated when not given.
    pub barcode: Option<String>,
    pub seal_no: Option<String>,
    pub description: String,
    pub category: Category,
    pub quantity: i64,
    pub location_id: LocationId,
    pub seized_at: i64,
    /// Who handed it over, and anything the form notes.
    pub note: String,
}

/// A file taken in as evidence.
#[derive(Debug, Clone)]
pub struct DigitalIntake {
    pub case_number: String,
    pub category: Category,
    pub description: String,
    /// The file's name as uploaded (kept in the intake event's place).
    pub filename: String,
    pub media_type: Option<String>,
    /// When it was seized or recorded; the intake time when not given.
    pub seized_at: Option<i64>,
    pub barcode: Option<String>,
}

/// A movement as a custodian asks for it. Accounts are named by username.
#[derive(Debug, Clone, Default)]
pub struct MovementInput {
    pub kind: Option<MovementKind>,
    /// The chain head the custodian saw (the item's `last_seq`).
    pub expected_seq: Option<i64>,
    /// Check-out: the account (username) taking it — a handler of the case's unit.
    pub holder: Option<String>,
    /// Transfer: the receiving agency; return: the owner.
    pub recipient: Option<String>,
    /// Return while the case is open: the victim (a party of the case) it goes back to.
    pub party_id: Option<String>,
    /// Check-in, relocate: where it goes.
    pub location_id: Option<String>,
    pub place: String,
    pub reason: String,
    pub seal_no: Option<String>,
    pub seal_intact: Option<bool>,
    /// Usernames of the witnesses.
    pub witnesses: Vec<String>,
}

/// Whether an item's chain verifies, and where it breaks if not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainCheck {
    pub intact: bool,
    pub events: i64,
    pub broken_seq: Option<i64>,
    pub problem: Option<String>,
}

/// An item as a reader sees it: the item, its case's number and title only, its location, its
/// chain of custody and the chain's verification, the names of the accounts in it.
#[derive(Debug, Clone)]
pub struct ItemView {
    pub item: Item,
    pub case_number: String,
    pub case_title: String,
    pub location: Option<Location>,
    pub events: Vec<CustodyEvent>,
    pub chain: ChainCheck,
    /// Account id → display name, for every account the chain names.
    pub names: BTreeMap<String, String>,
    /// The case is open: the item is held.
    pub held: bool,
    /// Once the case closed: until when it is retained.
    pub retained_until: Option<i64>,
}

/// A row of an item list.
#[derive(Debug, Clone)]
pub struct ItemSummary {
    pub item: Item,
    pub case_number: String,
    pub case_title: String,
}

/// An item due for its disposition review.
#[derive(Debug, Clone)]
pub struct ReviewItem {
    pub item: Item,
    pub case_number: String,
    pub case_title: String,
    pub due: Due,
}

/// A list's filters.
#[derive(Debug, Clone, Default)]
pub struct ItemQuery {
    /// The store (org unit) for custodians; explicit, so outside the caller's → 403.
    pub org_id: Option<String>,
    pub case_id: Option<String>,
    pub state: Option<ItemState>,
    pub location_id: Option<String>,
    pub flagged: bool,
    pub limit: i64,
}

fn refusal(r: Refusal) -> AppError {
    match r {
        Refusal::State { .. } | Refusal::Kind { .. } | Refusal::Stale { .. } => {
            AppError::Conflict {
                code: codes::ITEM_STATE.code,
                detail: r.to_string(),
            }
        }
        Refusal::Witnesses => AppError::Unprocessable {
            code: codes::WITNESSES_REQUIRED.code,
            detail: r.to_string(),
        },
        Refusal::SecureLocation => AppError::Conflict {
            code: codes::SECURE_LOCATION_REQUIRED.code,
            detail: r.to_string(),
        },
        Refusal::SealMismatch { .. } => AppError::Conflict {
            code: codes::SEAL_MISMATCH.code,
            detail: r.to_string(),
        },
        Refusal::Field {
            field: name,
            reason,
        } => {
            let code = match name {
                "location_id" | "to_location" => field::LOCATION.code,
                "quantity" => field::QUANTITY.code,
                "seized_at" => field::TIME.code,
                "category" => field::CODE.code,
                _ => field::TEXT.code,
            };
            // The API names the request's field, not the record's.
            let name = if name == "to_location" {
                "location_id"
            } else {
                name
            };
            AppError::invalid(name, code, reason)
        }
    }
}

fn hold(h: Hold) -> AppError {
    AppError::Conflict {
        code: codes::LEGAL_HOLD.code,
        detail: h.to_string(),
    }
}

/// An optional text of at most `max` characters; empty is none.
fn opt_text(errs: &mut Vec<FieldError>, name: &str, v: Option<&str>, max: usize) -> Option<String> {
    let v = v.map(str::trim).filter(|s| !s.is_empty())?;
    if v.chars().count() > max {
        errs.push(FieldError::new(
            name,
            field::TEXT.code,
            format!("at most {max} characters"),
        ));
    }
    Some(v.to_owned())
}

fn check_barcode(errs: &mut Vec<FieldError>, b: Option<&str>) -> Option<String> {
    let b = b.map(str::trim).filter(|s| !s.is_empty())?;
    if !rules::valid_barcode(b) {
        errs.push(FieldError::new(
            "barcode",
            field::BARCODE.code,
            "4–40 letters, digits or dashes",
        ));
    }
    Some(b.to_owned())
}

/// The audit detail of a custody event: every field (so the log alone can recompute the
/// digest), and what the use case adds.
fn event_detail(e: &CustodyEvent, extra: serde_json::Value) -> serde_json::Value {
    let mut v = serde_json::to_value(e).unwrap_or_default();
    if let (Some(m), serde_json::Value::Object(x)) = (v.as_object_mut(), extra) {
        m.extend(x);
    }
    v
}

/// A role's permission alone (the caller's own unit is always in scope).
fn role_may(who: &Principal, action: Action) -> std::result::Result<(), Denied> {
    authorize(who, action, Scope::Org(&who.org_path))
}

impl Cases<'_> {
    // -----------------------------------------------------------------------------------------
    // Locations

    /// Adds a storage location to a store: a custodian to their own store, an administrator
    /// (`manage_cases`) to any store of their jurisdiction.
    pub async fn create_location(
        &self,
        who: &Principal,
        n: NewLocation,
        ctx: &RequestCtx,
    ) -> Result<Location> {
        let action = if who.role == Role::EvidenceCustodian {
            Action::HandleEvidence
        } else {
            Action::ManageCases
        };
        role_may(who, action).map_err(AppError::denied_scope)?;
        let mut errs = Vec::new();
        let code = super::text(&mut errs, "code", &n.code, 1, 20);
        if !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            errs.push(FieldError::new(
                "code",
                field::TEXT.code,
                "letters, digits and dashes",
            ));
        }
        let name = super::text(&mut errs, "name", &n.name, 1, 60);
        crate::fields::no_errors(errs)?;
        let org_id = n.org_id.clone().unwrap_or_else(|| who.org_id.clone());
        let org = {
            let mut conn = self.k().read().await?;
            orgs::get(&mut conn, &org_id).await?
        }
        .ok_or_else(|| {
            AppError::invalid(
                "org_id",
                jingwu_core::problem_codes::field::ORG_UNKNOWN.code,
                "no such org unit",
            )
        })?;
        authorize(who, action, Scope::Org(&org.path)).map_err(AppError::denied_scope)?;
        let l = Location {
            id: LocationId::new(),
            org_id: OrgId::from(org.id.clone()),
            code,
            name,
            secure: n.secure,
            active: true,
        };
        self.k()
            .write(who, ctx, async |tx| {
                q::insert_location(tx.db(), &l).await.map_err(|e| {
                    if e.is_unique_violation() {
                        AppError::Conflict {
                            code: codes::LOCATION_TAKEN.code,
                            detail: format!("the store has a location {}", l.code),
                        }
                    } else {
                        e.into()
                    }
                })?;
                tx.audit(
                    "cases.evidence.location",
                    ("evidence_location", l.id.as_str()),
                    &org.path,
                    serde_json::to_value(&l).unwrap_or_default(),
                )
                .await?;
                Ok(l.clone())
            })
            .await
    }

    /// The locations of the stores in the caller's jurisdiction (or of the store `org_id`,
    /// which must lie in it).
    pub async fn locations(&self, who: &Principal, org_id: Option<&str>) -> Result<Vec<Location>> {
        let action = if who.role == Role::Admin {
            Action::ManageCases
        } else {
            Action::ReadEvidence
        };
        role_may(who, action).map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let path = match org_id {
            None => who.org_path.clone(),
            Some(id) => {
                let org = orgs::get(&mut conn, id)
                    .await?
                    .ok_or(AppError::OutOfScope)?;
                authorize(who, action, Scope::Org(&org.path)).map_err(AppError::denied_scope)?;
                org.path
            }
        };
        Ok(q::locations_under(&mut conn, &path)
            .await?
            .into_iter()
            .map(|(l, _)| l)
            .collect())
    }

    // -----------------------------------------------------------------------------------------
    // Intake

    /// The case an intake names by number: it must exist and be handled within the
    /// custodian's store (its subtree); anything else is "no such case here" (422), which tells
    /// a custodian nothing about cases elsewhere.
    async fn intake_case(
        &self,
        db: &mut impl Conn,
        who: &Principal,
        number: &str,
    ) -> Result<CaseRef> {
        let case = q::case_by_number(db, number.trim()).await?;
        match case {
            Some(c) if c.org_path.starts_with(&who.org_path) => Ok(c),
            _ => Err(AppError::invalid(
                "case_number",
                field::CASE_NUMBER.code,
                "no case with this number in the store's area",
            )),
        }
    }

    /// Takes a physical item into the custodian's store: the case by its number, the label
    /// (generated when not given), seal, description, category, quantity, location, when it
    /// was seized. A high-risk item only into a secure location.
    pub async fn intake_physical(
        &self,
        who: &Principal,
        n: PhysicalIntake,
        ctx: &RequestCtx,
    ) -> Result<ItemView> {
        role_may(who, Action::HandleEvidence).map_err(AppError::denied_scope)?;
        let mut errs = Vec::new();
        let barcode = check_barcode(&mut errs, n.barcode.as_deref());
        let seal_no = opt_text(&mut errs, "seal_no", n.seal_no.as_deref(), 40);
        let description = super::text(&mut errs, "description", &n.description, 1, 500);
        let note = opt_text(&mut errs, "note", Some(&n.note), 500).unwrap_or_default();
        if !(1..=1_000_000).contains(&n.quantity) {
            errs.push(FieldError::new(
                "quantity",
                field::QUANTITY.code,
                "1 to 1,000,000",
            ));
        }
        crate::fields::no_errors(errs)?;
        let id = self
            .k()
            .write(who, ctx, async |tx| {
                let case = self.intake_case(tx.db(), who, &n.case_number).await?;
                let location = q::location(tx.db(), n.location_id.as_str())
                    .await?
                    .filter(|(l, _)| l.org_id.as_str() == who.org_id)
                    .ok_or_else(|| {
                        AppError::invalid(
                            "location_id",
                            field::LOCATION.code,
                            "not a location of your store",
                        )
                    })?
                    .0;
                let new = NewItem {
                    id: ItemId::new(),
                    org_id: OrgId::from(who.org_id.clone()),
                    case_id: case.id.clone(),
                    barcode: String::new(),
                    seal_no: seal_no.clone(),
                    description: description.clone(),
                    category: n.category,
                    kind: ItemKind::Physical,
                    quantity: n.quantity,
                    sha256: None,
                    size_bytes: None,
                    media_type: None,
                    location: Some(location),
                    seized_at: n.seized_at,
                    place: String::new(),
                    reason: if note.is_empty() {
                        "intake".into()
                    } else {
                        note.clone()
                    },
                };
                let item = take_in(tx, who, &case, new, barcode.clone()).await?;
                Ok(item.id)
            })
            .await?;
        self.view_of_reloaded(&id).await
    }

    /// Takes a file in as a digital item: its SHA-256 computed before the write, the bytes
    /// stored by that digest (identical content kept once), at most
    /// [`EVIDENCE_FILE_MAX_BYTES`].
    pub async fn intake_digital(
        &self,
        who: &Principal,
        d: DigitalIntake,
        data: Vec<u8>,
        ctx: &RequestCtx,
    ) -> Result<ItemView> {
        role_may(who, Action::HandleEvidence).map_err(AppError::denied_scope)?;
        if data.is_empty() {
            return Err(AppError::invalid(
                "body",
                jingwu_core::problem_codes::field::SIZE_RANGE.code,
                "the file is empty",
            ));
        }
        if data.len() > EVIDENCE_FILE_MAX_BYTES {
            return Err(AppError::TooLarge {
                code: jingwu_core::problem_codes::MEDIA_TOO_LARGE.code,
                detail: format!("at most {} MiB", EVIDENCE_FILE_MAX_BYTES / 1024 / 1024),
            });
        }
        self.check_digital(&d)?;
        // The case first, so nothing is stored for a case the custodian may not take items of.
        {
            let mut conn = self.k().read().await?;
            self.intake_case(&mut conn, who, &d.case_number).await?;
        }
        let size = i64::try_from(data.len()).unwrap_or(i64::MAX);
        let blobs = self.state().blobs.clone();
        let sha256 = tokio::task::spawn_blocking(move || blobs.put(&data))
            .await
            .map_err(|e| AppError::Internal(format!("evidence store: {e}")))?
            .map_err(|e| AppError::Internal(format!("evidence store: {e}")))?;
        self.intake_blob(who, &d, &sha256, size, ctx).await
    }

    /// Takes a file already in the blob store (a 110 incident's media, a resumable upload) in
    /// as a digital item of the case numbered `d.case_number`: the stored bytes are re-hashed
    /// first and must match `sha256`.
    pub async fn intake_digital_from_blob(
        &self,
        who: &Principal,
        d: DigitalIntake,
        sha256: &str,
        ctx: &RequestCtx,
    ) -> Result<ItemView> {
        role_may(who, Action::HandleEvidence).map_err(AppError::denied_scope)?;
        if !jingwu_store::uploads::blobs::is_sha256_hex(sha256) {
            return Err(AppError::invalid(
                "sha256",
                field::SHA256.code,
                "64 lowercase hexadecimal digits",
            ));
        }
        self.check_digital(&d)?;
        {
            let mut conn = self.k().read().await?;
            self.intake_case(&mut conn, who, &d.case_number).await?;
        }
        let size = match self.rehash(sha256).await? {
            Some((digest, size)) if digest == sha256 => size,
            _ => {
                return Err(AppError::Conflict {
                    code: codes::INTEGRITY_FAILED.code,
                    detail: "the stored file is missing or does not match its SHA-256".into(),
                });
            }
        };
        self.intake_blob(who, &d, sha256, size, ctx).await
    }

    /// Takes a file in as part of another use case's audited write (a case opened from a 110
    /// incident carries the incident's media as evidence): the item and its first event are
    /// written in `tx` and audited there, kept by the store `store_org_id` (for incident media
    /// the case's handling unit, so its district's custodians see them). The caller has
    /// authorized the change and checked the blob (`size` is its length, its bytes re-hashed
    /// before the write); the case is `d.case_number`. Returns the item.
    pub async fn intake_digital_in(
        &self,
        tx: &mut Tx,
        who: &Principal,
        store_org_id: &str,
        d: &DigitalIntake,
        sha256: &str,
        size: i64,
    ) -> Result<Item> {
        self.check_digital(d)?;
        let case = q::case_by_number(tx.db(), d.case_number.trim())
            .await?
            .ok_or(AppError::NotFound { what: "case" })?;
        let new = NewItem {
            id: ItemId::new(),
            org_id: OrgId::from(store_org_id.to_owned()),
            case_id: case.id.clone(),
            barcode: String::new(),
            seal_no: None,
            description: d.description.trim().to_owned(),
            category: d.category,
            kind: ItemKind::Digital,
            quantity: 1,
            sha256: Some(sha256.to_owned()),
            size_bytes: Some(size),
            media_type: d.media_type.clone(),
            location: None,
            seized_at: d.seized_at.unwrap_or(tx.now_us()),
            place: d.filename.trim().chars().take(200).collect(),
            reason: "intake".into(),
        };
        let barcode = d.barcode.as_deref().map(|b| b.trim().to_owned());
        take_in(tx, who, &case, new, barcode).await
    }

    fn check_digital(&self, d: &DigitalIntake) -> Result<()> {
        let mut errs = Vec::new();
        super::text(&mut errs, "description", &d.description, 1, 500);
        opt_text(&mut errs, "filename", Some(&d.filename), 200);
        check_barcode(&mut errs, d.barcode.as_deref());
        if let Some(t) = &d.media_type
            && (t.len() > 100 || !t.contains('/'))
        {
            errs.push(FieldError::new(
                "media_type",
                field::TEXT.code,
                "a media type such as video/mp4",
            ));
        }
        if !d.category.digital() {
            errs.push(FieldError::new(
                "category",
                field::CODE.code,
                "a file is digital data, audio-video or a document",
            ));
        }
        crate::fields::no_errors(errs)
    }

    async fn intake_blob(
        &self,
        who: &Principal,
        d: &DigitalIntake,
        sha256: &str,
        size: i64,
        ctx: &RequestCtx,
    ) -> Result<ItemView> {
        let id = self
            .k()
            .write(who, ctx, async |tx| {
                let case = self.intake_case(tx.db(), who, &d.case_number).await?;
                let new = NewItem {
                    id: ItemId::new(),
                    org_id: OrgId::from(who.org_id.clone()),
                    case_id: case.id.clone(),
                    barcode: String::new(),
                    seal_no: None,
                    description: d.description.trim().to_owned(),
                    category: d.category,
                    kind: ItemKind::Digital,
                    quantity: 1,
                    sha256: Some(sha256.to_owned()),
                    size_bytes: Some(size),
                    media_type: d.media_type.clone(),
                    location: None,
                    seized_at: d.seized_at.unwrap_or(tx.now_us()),
                    place: d.filename.trim().chars().take(200).collect(),
                    reason: "intake".into(),
                };
                let barcode = d.barcode.as_deref().map(|b| b.trim().to_owned());
                Ok(take_in(tx, who, &case, new, barcode).await?.id)
            })
            .await?;
        self.view_of_reloaded(&id).await
    }

    /// SHA-256 and size of the stored blob `sha256`, read from disk now; `None` when missing.
    pub(super) async fn rehash(&self, sha256: &str) -> Result<Option<(String, i64)>> {
        let path = self
            .state()
            .blobs
            .object_path(sha256)
            .map_err(|e| AppError::Internal(format!("evidence store: {e}")))?;
        tokio::task::spawn_blocking(move || {
            match jingwu_store::uploads::blobs::digest_file(&path) {
                Ok((d, n)) => Ok(Some((d, i64::try_from(n).unwrap_or(i64::MAX)))),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(AppError::Internal(format!("evidence store: {e}"))),
            }
        })
        .await
        .map_err(|e| AppError::Internal(format!("evidence store: {e}")))?
    }

    // -----------------------------------------------------------------------------------------
    // Reading

    /// An item in the caller's reach (custodians: their store; handlers and legal supervisors:
    /// through its case), or the refusal — audited.
    async fn reachable(
        &self,
        who: &Principal,
        found: Option<(Item, ItemContext)>,
        action: Action,
        ctx: &RequestCtx,
    ) -> Result<(Item, ItemContext)> {
        let Some((item, c)) = found else {
            return Err(AppError::NotFound { what: "item" });
        };
        if let Err(d) = sees_item(
            who,
            action,
            &c.store_path,
            &c.case_org_path,
            &c.case_legal_path,
        ) {
            return Err(self
                .denied(who, ctx, d, (ITEM, item.id.as_str()), &c.store_path)
                .await);
        }
        Ok((item, c))
    }

    /// An item with its chain of custody and the chain's verification; the view is audited.
    pub async fn item(&self, who: &Principal, id: &ItemId, ctx: &RequestCtx) -> Result<ItemView> {
        role_may(who, Action::ReadEvidence).map_err(AppError::denied_scope)?;
        let found = {
            let mut conn = self.k().read().await?;
            q::item(&mut conn, id.as_str()).await?
        };
        self.open_item(who, found, ctx).await
    }

    /// The item labelled `barcode` (a scan at the store's counter), as [`Cases::item`].
    pub async fn item_by_barcode(
        &self,
        who: &Principal,
        barcode: &str,
        ctx: &RequestCtx,
    ) -> Result<ItemView> {
        role_may(who, Action::ReadEvidence).map_err(AppError::denied_scope)?;
        let found = {
            let mut conn = self.k().read().await?;
            q::item_by_barcode(&mut conn, barcode.trim()).await?
        };
        self.open_item(who, found, ctx).await
    }

    async fn open_item(
        &self,
        who: &Principal,
        found: Option<(Item, ItemContext)>,
        ctx: &RequestCtx,
    ) -> Result<ItemView> {
        let (item, c) = self
            .reachable(who, found, Action::ReadEvidence, ctx)
            .await?;
        self.k()
            .record_view(
                who,
                ctx,
                "cases.evidence.view",
                (ITEM, item.id.as_str()),
                &c.store_path,
            )
            .await?;
        self.view_of(item, c).await
    }

    /// The view of an item (no authorization, no audit: callers do both).
    async fn view_of(&self, item: Item, c: ItemContext) -> Result<ItemView> {
        let mut conn = self.k().read().await?;
        let events = q::events(&mut conn, item.id.as_str()).await?;
        let check = match chain::verify_with_head(
            item.id.as_str(),
            &events,
            item.last_seq,
            &item.last_digest,
        ) {
            Ok(n) => ChainCheck {
                intact: true,
                events: n,
                broken_seq: None,
                problem: None,
            },
            Err(b) => ChainCheck {
                intact: false,
                events: events.len() as i64,
                broken_seq: Some(b.seq()),
                problem: Some(b.to_string()),
            },
        };
        let mut ids: Vec<&str> = Vec::new();
        for e in &events {
            ids.push(&e.actor_id);
            ids.extend(e.witnesses.iter().map(String::as_str));
            if e.kind == MovementKind::CheckOut {
                ids.extend(e.to_holder.as_deref());
            }
        }
        ids.sort_unstable();
        ids.dedup();
        let names = q::display_names(&mut conn, &ids)
            .await?
            .into_iter()
            .collect();
        let location = match &item.location_id {
            Some(l) => q::location(&mut conn, l.as_str()).await?.map(|(l, _)| l),
            None => None,
        };
        Ok(ItemView {
            held: c.case_closed_at.is_none(),
            retained_until: retention::retained_until(item.category, c.case_closed_at),
            case_number: c.case_number,
            case_title: c.case_title,
            location,
            events,
            chain: check,
            names,
            item,
        })
    }

    /// Items in the caller's reach: a custodian's store (or the store `org_id` in it), the
    /// cases a handler or legal supervisor sees (or the case `case_id`). Lists are not audited
    /// per row.
    pub async fn items(
        &self,
        who: &Principal,
        query: &ItemQuery,
        ctx: &RequestCtx,
    ) -> Result<Vec<ItemSummary>> {
        role_may(who, Action::ReadEvidence).map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let store_path;
        let scope = match (&query.case_id, &query.org_id) {
            (Some(case_id), _) => {
                let case = q::case_ref_by_id(&mut conn, case_id)
                    .await?
                    .ok_or(AppError::NotFound { what: "case" })?;
                let allowed = if who.role == Role::EvidenceCustodian {
                    // A custodian lists a case's items kept in their store only (below).
                    Ok(())
                } else {
                    jingwu_cases::policy::sees_case(
                        who,
                        Action::ReadEvidence,
                        &case.org_path,
                        &case.legal_path,
                    )
                };
                if let Err(d) = allowed {
                    return Err(self
                        .denied(who, ctx, d, ("case", case_id), &case.org_path)
                        .await);
                }
                ItemScope::Case(case_id)
            }
            (None, Some(org_id)) => {
                let org = orgs::get(&mut conn, org_id)
                    .await?
                    .ok_or(AppError::OutOfScope)?;
                authorize(who, Action::ReadEvidence, Scope::Org(&org.path))
                    .map_err(AppError::denied_scope)?;
                store_path = org.path;
                ItemScope::Store(&store_path)
            }
            (None, None) if who.role == Role::EvidenceCustodian => ItemScope::Store(&who.org_path),
            (None, None) => ItemScope::Cases {
                path: &who.org_path,
                legal: who.role == Role::LegalSupervisor,
            },
        };
        let f = ItemFilter {
            state: query.state,
            location_id: query.location_id.as_deref(),
            flagged_only: query.flagged,
        };
        let rows = q::items_in(&mut conn, scope, &f, query.limit.clamp(1, 500)).await?;
        Ok(rows
            .into_iter()
            // A custodian listing a case sees only what their store keeps of it.
            .filter(|(_, c)| {
                who.role != Role::EvidenceCustodian || c.store_path.starts_with(&who.org_path)
            })
            .map(|(item, c)| ItemSummary {
                item,
                case_number: c.case_number,
                case_title: c.case_title,
            })
            .collect())
    }

    /// The disposition review: items in store whose retention after their case closed has run
    /// out (held items never), the longest overdue first — a custodian's store, or the cases a
    /// handler or legal supervisor sees.
    pub async fn disposition_review(&self, who: &Principal) -> Result<Vec<ReviewItem>> {
        role_may(who, Action::ReadEvidence).map_err(AppError::denied_scope)?;
        let scope = if who.role == Role::EvidenceCustodian {
            ItemScope::Store(&who.org_path)
        } else {
            ItemScope::Cases {
                path: &who.org_path,
                legal: who.role == Role::LegalSupervisor,
            }
        };
        let mut conn = self.k().read().await?;
        let rows = q::review_candidates(&mut conn, scope).await?;
        let facts: Vec<_> = rows.iter().map(|(i, c)| q::review_facts(i, c)).collect();
        let due = retention::review_due(&facts, self.now_us());
        let mut by_id: std::collections::HashMap<String, (Item, ItemContext)> = rows
            .into_iter()
            .map(|(i, c)| (i.id.as_str().to_owned(), (i, c)))
            .collect();
        Ok(due
            .into_iter()
            .filter_map(|d| {
                let (item, c) = by_id.remove(d.item_id.as_str())?;
                Some(ReviewItem {
                    item,
                    case_number: c.case_number,
                    case_title: c.case_title,
                    due: d,
                })
            })
            .collect())
    }

    // -----------------------------------------------------------------------------------------
    // Movements

    /// Moves an item (check out, check in, relocate, transfer, return, dispose, or an integrity
    /// check of a file): decided by the custody rules, the legal hold and retention, appended
    /// to the chain in the transaction that moves the item — only if its chain is still at the
    /// head the decision was made on, so of two custodians moving one item exactly one
    /// succeeds (the other gets 409 `evidence_state`).
    pub async fn move_item(
        &self,
        who: &Principal,
        id: &ItemId,
        input: MovementInput,
        ctx: &RequestCtx,
    ) -> Result<ItemView> {
        if let Err(d) = role_may(who, Action::HandleEvidence) {
            return Err(self
                .denied(who, ctx, d, (ITEM, id.as_str()), &who.org_path)
                .await);
        }
        let Some(kind) = input.kind else {
            return Err(AppError::invalid("kind", field::CODE.code, "required"));
        };
        if kind == MovementKind::Intake {
            return Err(AppError::invalid(
                "kind",
                field::CODE.code,
                "an item is taken in once, by the intake",
            ));
        }
        let (item, _) = {
            let mut conn = self.k().read().await?;
            let found = q::item(&mut conn, id.as_str()).await?;
            drop(conn);
            self.reachable(who, found, Action::HandleEvidence, ctx)
                .await?
        };
        // An integrity check re-hashes the stored bytes now, before the write.
        let hash_matched = if kind == MovementKind::IntegrityCheck {
            match &item.sha256 {
                Some(sha) => Some(self.rehash(sha).await?.is_some_and(|(d, _)| d == *sha)),
                None => None,
            }
        } else {
            None
        };
        self.k()
            .write(who, ctx, async |tx| {
                let (item, c) = q::item(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "item" })?;
                let req = self
                    .move_request(tx, &c, kind, &input, hash_matched)
                    .await?;
                let to_victim = match input.party_id.as_deref() {
                    Some(p) if kind == MovementKind::Return => {
                        q::is_victim_of(tx.db(), item.case_id.as_str(), p).await?
                    }
                    _ => false,
                };
                retention::check_release(
                    kind,
                    item.category,
                    c.case_closed_at,
                    to_victim,
                    tx.now_us(),
                )
                .map_err(hold)?;
                let m =
                    rules::decide(&item, kind, &req, &who.user_id, tx.now_us()).map_err(refusal)?;
                append(
                    tx,
                    &c.store_path,
                    item.last_seq,
                    &m.event,
                    &m,
                    serde_json::json!({
                        "barcode": item.barcode,
                        "party_id": input.party_id,
                    }),
                )
                .await
            })
            .await?;
        self.view_of_reloaded(id).await
    }

    async fn view_of_reloaded(&self, id: &ItemId) -> Result<ItemView> {
        let (item, c) = {
            let mut conn = self.k().read().await?;
            q::item(&mut conn, id.as_str())
                .await?
                .ok_or(AppError::NotFound { what: "item" })?
        };
        self.view_of(item, c).await
    }

    /// The pure rules' request from the caller's input: accounts resolved (the holder a handler
    /// of the case's unit, witnesses active staff), the location loaded.
    async fn move_request(
        &self,
        tx: &mut Tx,
        c: &ItemContext,
        kind: MovementKind,
        input: &MovementInput,
        hash_matched: Option<bool>,
    ) -> Result<MoveRequest> {
        let mut errs = Vec::new();
        let place = opt_text(&mut errs, "place", Some(&input.place), 200).unwrap_or_default();
        let reason = opt_text(&mut errs, "reason", Some(&input.reason), 500).unwrap_or_default();
        let seal_no = opt_text(&mut errs, "seal_no", input.seal_no.as_deref(), 40);
        let recipient = opt_text(&mut errs, "recipient", input.recipient.as_deref(), 100);
        let mut to_holder = recipient;
        if kind == MovementKind::CheckOut {
            to_holder = None;
            if let Some(name) = input
                .holder
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
            {
                match users::by_username(tx.db(), name).await? {
                    Some(u)
                        if u.user.disabled_at.is_none()
                            && u.user.role == Role::CaseHandler
                            && u.org_path.starts_with(&c.case_org_path) =>
                    {
                        to_holder = Some(u.user.id);
                    }
                    _ => errs.push(FieldError::new(
                        "holder",
                        field::ACCOUNT.code,
                        "not an active case handler of the case's unit",
                    )),
                }
            }
        }
        let mut witnesses = Vec::new();
        for (i, name) in input.witnesses.iter().enumerate() {
            match users::by_username(tx.db(), name.trim()).await? {
                Some(u) if u.user.disabled_at.is_none() && u.user.role != Role::Citizen => {
                    witnesses.push(u.user.id);
                }
                _ => errs.push(FieldError::new(
                    &format!("witnesses[{i}]"),
                    field::ACCOUNT.code,
                    "not an active staff account",
                )),
            }
        }
        let to_location = match input.location_id.as_deref().filter(|s| !s.is_empty()) {
            Some(l) => match q::location(tx.db(), l).await? {
                Some((loc, _)) => Some(loc),
                None => {
                    errs.push(FieldError::new(
                        "location_id",
                        field::LOCATION.code,
                        "no such location",
                    ));
                    None
                }
            },
            None => None,
        };
        crate::fields::no_errors(errs)?;
        Ok(MoveRequest {
            to_holder,
            to_location,
            place,
            reason,
            seal_no,
            seal_intact: input.seal_intact,
            hash_matched,
            witnesses,
            expected_seq: input.expected_seq,
        })
    }

    // -----------------------------------------------------------------------------------------
    // Digital content

    /// A digital item's bytes, re-hashed on every access. When they no longer match the
    /// item's SHA-256 (or are gone) the bytes are never served: the item is flagged, an
    /// integrity-check event with `hash_matched = false` is appended (audited), and the answer
    /// is 409 `integrity_failed`. A match is served and the view audited.
    pub async fn item_content(
        &self,
        who: &Principal,
        id: &ItemId,
        ctx: &RequestCtx,
    ) -> Result<(Item, Vec<u8>)> {
        role_may(who, Action::ReadEvidence).map_err(AppError::denied_scope)?;
        let (item, c) = {
            let mut conn = self.k().read().await?;
            let found = q::item(&mut conn, id.as_str()).await?;
            drop(conn);
            self.reachable(who, found, Action::ReadEvidence, ctx)
                .await?
        };
        let Some(sha) = item.sha256.clone() else {
            return Err(AppError::NotFound { what: "content" });
        };
        if item.state == ItemState::Disposed {
            return Err(refusal(Refusal::State {
                from: item.state,
                movement: MovementKind::IntegrityCheck,
            }));
        }
        let Some((data, _)) = self
            .read_blob(&sha)
            .await?
            .filter(|(_, actual)| *actual == sha)
        else {
            self.integrity_failed(who, id, ctx).await?;
            return Err(AppError::Conflict {
                code: codes::INTEGRITY_FAILED.code,
                detail: "the stored file does not match its SHA-256: the item is flagged and \
                         the check recorded in its chain of custody"
                    .into(),
            });
        };
        self.k()
            .record_view(
                who,
                ctx,
                "cases.evidence.content",
                (ITEM, id.as_str()),
                &c.store_path,
            )
            .await?;
        Ok((item, data))
    }

    /// Records a failed integrity check: the event (`hash_matched = false`), the flag, the
    /// audit entry — whoever read the content, since the fact is the system's finding.
    async fn integrity_failed(&self, who: &Principal, id: &ItemId, ctx: &RequestCtx) -> Result<()> {
        self.k()
            .write(who, ctx, async |tx| {
                let (item, c) = q::item(tx.db(), id.as_str())
                    .await?
                    .ok_or(AppError::NotFound { what: "item" })?;
                let req = MoveRequest {
                    hash_matched: Some(false),
                    reason: "the stored bytes do not match the item's SHA-256 on access".into(),
                    place: "evidence file store".into(),
                    ..Default::default()
                };
                let m = rules::decide(
                    &item,
                    MovementKind::IntegrityCheck,
                    &req,
                    &who.user_id,
                    tx.now_us(),
                )
                .map_err(refusal)?;
                append(
                    tx,
                    &c.store_path,
                    item.last_seq,
                    &m.event,
                    &m,
                    serde_json::json!({
                        "barcode": item.barcode,
                        "sha256": item.sha256,
                        "on_access": true,
                    }),
                )
                .await
            })
            .await
    }
}

/// Writes an intake: the item and its first event, the audit entry with the event, the live
/// event. The barcode is the given one (409 `barcode_taken` when on another item) or a
/// generated label.
async fn take_in(
    tx: &mut Tx,
    who: &Principal,
    case: &CaseRef,
    mut new: NewItem,
    barcode: Option<String>,
) -> Result<Item> {
    let taken = || AppError::Conflict {
        code: codes::BARCODE_TAKEN.code,
        detail: "the label's barcode is on another item".into(),
    };
    new.barcode = match barcode {
        Some(b) => {
            if q::barcode_taken(tx.db(), &b).await? {
                return Err(taken());
            }
            b
        }
        None => {
            let org = orgs::get(tx.db(), new.org_id.as_str())
                .await?
                .ok_or(AppError::NotFound { what: "store" })?;
            let serial = q::items_of_store(tx.db(), new.org_id.as_str()).await? + 1;
            let date = jingwu_core::calendar::local_date(tx.now_us());
            rules::label_barcode(&org.code, date, u64::try_from(serial).unwrap_or(0))
        }
    };
    let (item, event) = rules::intake(new, &who.user_id, tx.now_us()).map_err(refusal)?;
    q::insert_item(tx.db(), &item).await.map_err(|e| {
        if e.is_unique_violation() {
            taken()
        } else {
            e.into()
        }
    })?;
    q::insert_event(tx.db(), &event).await?;
    let store_path = store_path_of(tx, who, &item).await?;
    tx.audit(
        "cases.evidence.intake",
        (ITEM, item.id.as_str()),
        &store_path,
        event_detail(
            &event,
            serde_json::json!({
                "barcode": item.barcode,
                "case_id": case.id,
                "case_number": case.number,
                "category": item.category,
                "item_kind": item.kind,
                "description": item.description,
                "quantity": item.quantity,
                "sha256": item.sha256,
                "size_bytes": item.size_bytes,
            }),
        ),
    )
    .await?;
    tx.publish(LiveEvent::Cases {
        kind: "evidence",
        id: item.id.as_str().to_owned(),
        org_path: store_path,
    });
    Ok(item)
}

/// The path of the item's store (the custodian's own unit for their intakes).
async fn store_path_of(tx: &mut Tx, who: &Principal, item: &Item) -> Result<String> {
    if item.org_id.as_str() == who.org_id {
        return Ok(who.org_path.clone());
    }
    Ok(orgs::get(tx.db(), item.org_id.as_str())
        .await?
        .ok_or(AppError::NotFound { what: "store" })?
        .path)
}

/// Applies a decided movement: the conditional update on the chain's head, the event, the
/// audit entry (with the event and its digest), the live event.
async fn append(
    tx: &mut Tx,
    store_path: &str,
    expected_seq: i64,
    event: &CustodyEvent,
    m: &rules::Moved,
    extra: serde_json::Value,
) -> Result<()> {
    if !q::move_item(tx.db(), expected_seq, m).await? {
        return Err(AppError::Conflict {
            code: codes::ITEM_STATE.code,
            detail: "the item moved meanwhile; read it again".into(),
        });
    }
    q::insert_event(tx.db(), event).await?;
    let action = if event.kind == MovementKind::IntegrityCheck {
        "cases.evidence.integrity"
    } else {
        "cases.evidence.move"
    };
    tx.audit(
        action,
        (ITEM, event.item_id.as_str()),
        store_path,
        event_detail(event, extra),
    )
    .await?;
    tx.publish(LiveEvent::Cases {
        kind: "evidence",
        id: event.item_id.as_str().to_owned(),
        org_path: store_path.to_owned(),
    });
    Ok(())
}
