//! Inventories of a property store. A custodian outside the chain of custody — never the actor
//! or a holder of any event of an item the count covers — starts a count of the whole store (or
//! one location), a sample, or every high-risk item; what it expects is fixed at the start.
//! The auditor scans labels (in batches: a handheld uploads what it read), then closes the
//! count, which reconciles the scans with the snapshot (`jingwu_cases::inventory::reconcile`)
//! and stores what it found. Each step is audited.

use std::collections::{BTreeMap, HashMap, HashSet};

use jingwu_cases::error_codes::{self as codes, field};
use jingwu_cases::evidence::valid_barcode;
use jingwu_cases::ids::{InventoryId, ItemId, LocationId};
use jingwu_cases::inventory::{
    self as rules, Discrepancy, DiscrepancyKind, Inventory, Known, Scan, Scope as CountScope,
};
use jingwu_core::{Action, OrgId, Principal, Scope, UserId, authorize};
use jingwu_store::cases::evidence as items;
use jingwu_store::cases::inventory as q;
use jingwu_store::foundation::orgs;

use super::Cases;
use crate::{AppError, FieldError, LiveEvent, RequestCtx, Result};

/// Most scans one request carries (a handheld's upload).
pub const SCANS_PER_REQUEST: usize = 1_000;
/// Most findings an inventory's view lists (all are stored).
const FINDINGS_SHOWN: i64 = 5_000;

/// A count as the auditor starts it.
#[derive(Debug, Clone)]
pub struct NewInventory {
    /// The store; the caller's own unit when not given.
    pub org_id: Option<String>,
    /// Only this location of the store.
    pub location_id: Option<String>,
    pub scope: CountScope,
    /// The sample's seed; drawn at random when not given (and recorded either way).
    pub seed: Option<i64>,
}

/// An inventory with its progress and, once closed, what it found.
#[derive(Debug, Clone)]
pub struct InventoryView {
    pub inventory: Inventory,
    /// Barcodes scanned so far.
    pub scanned: i64,
    /// Findings by kind (closed counts).
    pub counts: BTreeMap<DiscrepancyKind, i64>,
    /// The findings, by barcode (closed counts; at most 5,000 listed).
    pub discrepancies: Vec<Discrepancy>,
}

fn state_error(detail: &str) -> AppError {
    AppError::Conflict {
        code: codes::INVENTORY_STATE.code,
        detail: detail.into(),
    }
}

impl Cases<'_> {
    /// Starts a count (see the module documentation): 409 `auditor_in_chain` when the caller
    /// has handled an item it would cover.
    pub async fn start_inventory(
        &self,
        who: &Principal,
        n: NewInventory,
        ctx: &RequestCtx,
    ) -> Result<InventoryView> {
        authorize(who, Action::HandleEvidence, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let org = match &n.org_id {
            None => orgs::get(&mut conn, &who.org_id).await?,
            Some(id) => orgs::get(&mut conn, id).await?,
        }
        .ok_or(AppError::OutOfScope)?;
        authorize(who, Action::HandleEvidence, Scope::Org(&org.path))
            .map_err(AppError::denied_scope)?;
        let location = match n.location_id.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(l) => Some(
                items::location(&mut conn, l)
                    .await?
                    .filter(|(_, path)| path.starts_with(&org.path))
                    .ok_or_else(|| {
                        AppError::invalid(
                            "location_id",
                            field::LOCATION.code,
                            "not a location of the store",
                        )
                    })?
                    .0,
            ),
        };
        drop(conn);
        let seed = n
            .seed
            .unwrap_or_else(|| rand::Rng::gen_range(&mut rand::thread_rng(), 0..i64::MAX));
        let loc_id = location.as_ref().map(|l| l.id.as_str().to_owned());
        let id = InventoryId::new();
        self.k()
            .write(who, ctx, async |tx| {
                if items::in_chain(tx.db(), &org.path, loc_id.as_deref(), &who.user_id).await? {
                    return Err(AppError::Conflict {
                        code: codes::AUDITOR_IN_CHAIN.code,
                        detail: "you have handled or held items this count covers: an auditor \
                                 comes from outside the chain of custody"
                            .into(),
                    });
                }
                let v = Inventory {
                    id: id.clone(),
                    org_id: OrgId::from(org.id.clone()),
                    location_id: loc_id.clone().map(LocationId::from),
                    scope: n.scope,
                    seed,
                    auditor_id: UserId::from(who.user_id.clone()),
                    started_at: tx.now_us(),
                    closed_at: None,
                    expected: 0,
                    found: None,
                    discrepancies: None,
                };
                q::insert_inventory(tx.db(), &v).await?;
                let expected = match n.scope {
                    CountScope::Sampled => {
                        let population =
                            q::population(tx.db(), n.scope, &org.path, loc_id.as_deref()).await?;
                        let size = rules::sample_size(population.len() as u64);
                        let chosen: Vec<ItemId> =
                            rules::sample(&population, size, seed.cast_unsigned());
                        q::snapshot_items(tx.db(), id.as_str(), &chosen).await?
                    }
                    CountScope::Full | CountScope::HighRisk => {
                        q::snapshot_scope(
                            tx.db(),
                            id.as_str(),
                            n.scope,
                            &org.path,
                            loc_id.as_deref(),
                        )
                        .await?
                    }
                };
                q::set_expected(tx.db(), id.as_str(), expected).await?;
                tx.audit(
                    "cases.inventory.start",
                    ("evidence_inventory", id.as_str()),
                    &org.path,
                    serde_json::json!({ "scope": n.scope, "seed": seed, "location_id": loc_id,
                                        "expected": expected }),
                )
                .await?;
                tx.publish(LiveEvent::Cases {
                    kind: "evidence",
                    id: id.as_str().to_owned(),
                    org_path: org.path.clone(),
                });
                Ok(())
            })
            .await?;
        self.inventory_view(&id).await
    }

    /// An inventory the caller may work on as its auditor: open, theirs.
    async fn own_open_inventory(
        &self,
        db: &mut impl jingwu_store::Conn,
        who: &Principal,
        id: &InventoryId,
    ) -> Result<(Inventory, String)> {
        let (v, path) = q::inventory(db, id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "inventory" })?;
        authorize(who, Action::HandleEvidence, Scope::Org(&path))
            .map_err(|d| AppError::denied_object(d, "inventory"))?;
        if v.auditor_id.as_str() != who.user_id {
            return Err(AppError::Forbidden(
                "only the inventory's auditor scans and closes it".into(),
            ));
        }
        if v.closed_at.is_some() {
            return Err(state_error("the inventory is closed"));
        }
        Ok((v, path))
    }

    /// Records scans (at most [`SCANS_PER_REQUEST`]): a rescan of a barcode replaces the
    /// earlier one. Returns the count's progress.
    pub async fn scan_inventory(
        &self,
        who: &Principal,
        id: &InventoryId,
        scans: Vec<Scan>,
        ctx: &RequestCtx,
    ) -> Result<InventoryView> {
        authorize(who, Action::HandleEvidence, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        if scans.is_empty() || scans.len() > SCANS_PER_REQUEST {
            return Err(AppError::invalid(
                "scans",
                jingwu_core::problem_codes::field::SIZE_RANGE.code,
                format!("1 to {SCANS_PER_REQUEST} scans a request"),
            ));
        }
        let (_, path) = {
            let mut conn = self.k().read().await?;
            self.own_open_inventory(&mut conn, who, id).await?
        };
        let locations: HashSet<String> = {
            let mut conn = self.k().read().await?;
            items::locations_under(&mut conn, &path)
                .await?
                .into_iter()
                .map(|(l, _)| l.id.into_string())
                .collect()
        };
        let mut errs = Vec::new();
        // The last scan of a barcode in the batch counts.
        let mut batch: Vec<Scan> = Vec::with_capacity(scans.len());
        let mut at: HashMap<String, usize> = HashMap::new();
        for (i, mut s) in scans.into_iter().enumerate() {
            s.barcode = s.barcode.trim().to_owned();
            if !valid_barcode(&s.barcode) {
                errs.push(FieldError::new(
                    &format!("scans[{i}].barcode"),
                    field::BARCODE.code,
                    "4–40 letters, digits or dashes",
                ));
            }
            s.location_id = s.location_id.filter(|l| !l.is_empty());
            if let Some(l) = &s.location_id
                && !locations.contains(l)
            {
                errs.push(FieldError::new(
                    &format!("scans[{i}].location_id"),
                    field::LOCATION.code,
                    "not a location of the store",
                ));
            }
            match at.get(&s.barcode) {
                Some(&j) => batch[j] = s,
                None => {
                    at.insert(s.barcode.clone(), batch.len());
                    batch.push(s);
                }
            }
        }
        crate::fields::no_errors(errs)?;
        self.k()
            .write(who, ctx, async |tx| {
                let (v, path) = self.own_open_inventory(tx.db(), who, id).await?;
                let now = tx.now_us();
                q::put_scans(tx.db(), v.id.as_str(), &batch, &who.user_id, now).await?;
                let scans: Vec<serde_json::Value> = batch
                    .iter()
                    .map(|s| serde_json::json!([s.barcode, s.location_id, s.seal_intact]))
                    .collect();
                tx.audit(
                    "cases.inventory.scan",
                    ("evidence_inventory", id.as_str()),
                    &path,
                    serde_json::json!({ "scans": scans }),
                )
                .await
            })
            .await?;
        self.inventory_view(id).await
    }

    /// Closes the count: reconciles the scans with the snapshot, stores the findings, records
    /// the tallies. 409 `inventory_state` when closed already.
    pub async fn close_inventory(
        &self,
        who: &Principal,
        id: &InventoryId,
        ctx: &RequestCtx,
    ) -> Result<InventoryView> {
        authorize(who, Action::HandleEvidence, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        {
            let mut conn = self.k().read().await?;
            self.own_open_inventory(&mut conn, who, id).await?;
        }
        self.k()
            .write(who, ctx, async |tx| {
                let (v, path) = self.own_open_inventory(tx.db(), who, id).await?;
                let expected = q::expected_of(tx.db(), v.id.as_str()).await?;
                let scans = q::scans_of(tx.db(), v.id.as_str()).await?;
                let known: HashMap<String, Known> =
                    q::unexpected_known(tx.db(), v.id.as_str(), &path)
                        .await?
                        .into_iter()
                        .collect();
                let found = rules::reconcile(&expected, &scans, |b| known.get(b).cloned());
                let missing = found
                    .iter()
                    .filter(|d| d.kind == DiscrepancyKind::Missing)
                    .count();
                let scanned_expected = (expected.len() - missing) as i64;
                q::insert_discrepancies(tx.db(), v.id.as_str(), &found).await?;
                let now = tx.now_us();
                if !q::close_inventory(
                    tx.db(),
                    v.id.as_str(),
                    now,
                    scanned_expected,
                    found.len() as i64,
                )
                .await?
                {
                    return Err(state_error("the inventory is closed"));
                }
                let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
                for d in &found {
                    *counts.entry(d.kind.as_str()).or_default() += 1;
                }
                tx.audit(
                    "cases.inventory.close",
                    ("evidence_inventory", id.as_str()),
                    &path,
                    serde_json::json!({ "expected": expected.len(), "scanned": scans.len(),
                                        "found": scanned_expected, "discrepancies": counts }),
                )
                .await?;
                tx.publish(LiveEvent::Cases {
                    kind: "evidence",
                    id: id.as_str().to_owned(),
                    org_path: path.clone(),
                });
                Ok(())
            })
            .await?;
        self.inventory_view(id).await
    }

    /// One inventory with its progress and findings (`read_evidence` in the store's
    /// jurisdiction).
    pub async fn inventory(&self, who: &Principal, id: &InventoryId) -> Result<InventoryView> {
        authorize(who, Action::ReadEvidence, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let (_, path) = {
            let mut conn = self.k().read().await?;
            q::inventory(&mut conn, id.as_str())
                .await?
                .ok_or(AppError::NotFound { what: "inventory" })?
        };
        authorize(who, Action::ReadEvidence, Scope::Org(&path))
            .map_err(|d| AppError::denied_object(d, "inventory"))?;
        self.inventory_view(id).await
    }

    /// The inventories of the stores in the caller's jurisdiction (or of the store `org_id`),
    /// newest first.
    pub async fn inventories(
        &self,
        who: &Principal,
        org_id: Option<&str>,
    ) -> Result<Vec<Inventory>> {
        authorize(who, Action::ReadEvidence, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        let mut conn = self.k().read().await?;
        let path = match org_id {
            None => who.org_path.clone(),
            Some(id) => {
                let org = orgs::get(&mut conn, id)
                    .await?
                    .ok_or(AppError::OutOfScope)?;
                authorize(who, Action::ReadEvidence, Scope::Org(&org.path))
                    .map_err(AppError::denied_scope)?;
                org.path
            }
        };
        Ok(q::inventories_under(&mut conn, &path, 200)
            .await?
            .into_iter()
            .map(|(v, _)| v)
            .collect())
    }

    async fn inventory_view(&self, id: &InventoryId) -> Result<InventoryView> {
        let mut conn = self.k().read().await?;
        let (inventory, _) = q::inventory(&mut conn, id.as_str())
            .await?
            .ok_or(AppError::NotFound { what: "inventory" })?;
        let scanned = q::scan_count(&mut conn, id.as_str()).await?;
        let (discrepancies, counts) = if inventory.closed_at.is_some() {
            let d = q::discrepancies_of(&mut conn, id.as_str(), FINDINGS_SHOWN).await?;
            (d, q::discrepancy_counts(&mut conn, id.as_str()).await?)
        } else {
            (Vec::new(), BTreeMap::new())
        };
        Ok(InventoryView {
            inventory,
            scanned,
            counts,
            discrepancies,
        })
    }
}
