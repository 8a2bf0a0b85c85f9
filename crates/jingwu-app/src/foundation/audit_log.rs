//! Reading the audit log within the caller's jurisdiction, and the transparency log's
//! checkpoints and proofs for auditors (city level: the tree spans every unit).

use jingwu_audit::merkle::{Hash, Plan};
use jingwu_audit::{Checkpoint, Entry};
use jingwu_core::{Action, Principal, Scope, authorize, problem_codes};
use jingwu_store::foundation::audit;

use super::Foundation;
pub use jingwu_store::foundation::audit::Verification;

use crate::{AppError, Result};

#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<Entry>,
    /// Pass as `before` to get the next (older) page.
    pub next_before: Option<i64>,
}

impl Foundation<'_> {
    pub async fn audit_page(
        &self,
        who: &Principal,
        before: Option<i64>,
        limit: i64,
    ) -> Result<AuditPage> {
        authorize(who, Action::ReadAudit, Scope::Org(&who.org_path))
            .map_err(AppError::denied_scope)?;
        // The auditor sees every change committed before the request, sequenced.
        self.k().sync_audit().await?;
        let mut conn = self.k().read().await?;
        let entries = audit::page(&mut conn, &who.org_path, before, limit).await?;
        let next_before = if entries.len() as i64 == limit {
            entries.last().map(|e| e.seq)
        } else {
            None
        };
        Ok(AuditPage {
            entries,
            next_before,
        })
    }

    /// Recomputes the whole chain and tree and checks them against every stored checkpoint.
    pub async fn verify_audit(&self, who: &Principal) -> Result<Verification> {
        self.authorize_city_audit(who).await?;
        self.k().sync_audit().await?;
        Ok(self.k().store().verify_audit().await?)
    }

    /// The newest signed checkpoint; with `fresh`, one signed now over everything committed
    /// before the call (unless the newest already covers it).
    pub async fn audit_checkpoint(&self, who: &Principal, fresh: bool) -> Result<Checkpoint> {
        self.authorize_city_audit(who).await?;
        let store = self.k().store();
        if !fresh && let Some(c) = store.latest_checkpoint().await? {
            return Ok(c);
        }
        self.k()
            .audit()
            .checkpoint(store, self.k().clock().as_ref())
            .await
    }

    /// Entry `leaf_index` (0-based) with its inclusion proof in the newest checkpoint's tree.
    pub async fn audit_inclusion(&self, who: &Principal, leaf_index: u64) -> Result<Inclusion> {
        let checkpoint = self.audit_checkpoint(who, false).await?;
        let store = self.k().store();
        let audit_path = store
            .audit_proof(Plan::Inclusion {
                index: leaf_index,
                size: checkpoint.tree_size,
            })
            .await
            .map_err(proof_error)?;
        let entry = store
            .audit_entry(leaf_index as i64 + 1)
            .await?
            .ok_or(AppError::NotFound {
                what: "audit entry",
            })?;
        Ok(Inclusion {
            leaf_index,
            leaf_hash: entry.leaf_hash(),
            entry,
            audit_path,
            checkpoint,
        })
    }

    /// The consistency proof between the trees of `first` and `second` entries.
    pub async fn audit_consistency(
        &self,
        who: &Principal,
        first: u64,
        second: u64,
    ) -> Result<Vec<Hash>> {
        self.authorize_city_audit(who).await?;
        let store = self.k().store();
        let size = store.audit_tree_head().await?.size;
        if second > size {
            return Err(AppError::invalid(
                "second",
                problem_codes::field::TREE_SIZE_RANGE.code,
                format!("the tree holds {size} entries"),
            ));
        }
        store
            .audit_proof(Plan::Consistency { first, second })
            .await
            .map_err(proof_error)
    }

    /// A root, inclusion or consistency proof from the stored tree.
    pub async fn audit_proof(&self, who: &Principal, plan: Plan) -> Result<Vec<Hash>> {
        self.authorize_city_audit(who).await?;
        self.k()
            .store()
            .audit_proof(plan)
            .await
            .map_err(proof_error)
    }

    /// One sequenced entry (`seq` from 1).
    pub async fn audit_entry(&self, who: &Principal, seq: i64) -> Result<Option<Entry>> {
        self.authorize_city_audit(who).await?;
        Ok(self.k().store().audit_entry(seq).await?)
    }

    /// Every sequenced entry in order (an export), a page at a time; `each` may stop it.
    pub async fn each_audit_entry<E>(
        &self,
        who: &Principal,
        each: impl FnMut(&Entry) -> std::result::Result<(), E>,
    ) -> Result<std::result::Result<(), E>> {
        self.authorize_city_audit(who).await?;
        Ok(self.k().store().each_audit_entry(each).await?)
    }

    async fn authorize_city_audit(&self, who: &Principal) -> Result<()> {
        let mut conn = self.k().read().await?;
        let root = jingwu_store::foundation::orgs::root(&mut conn)
            .await?
            .ok_or(AppError::OutOfScope)?;
        drop(conn);
        authorize(who, Action::ReadAudit, Scope::Org(&root.path)).map_err(AppError::denied_scope)
    }
}

/// An entry and the proof that it is in a checkpoint's tree.
#[derive(Debug, Clone)]
pub struct Inclusion {
    pub leaf_index: u64,
    pub leaf_hash: Hash,
    pub entry: Entry,
    pub audit_path: Vec<Hash>,
    pub checkpoint: Checkpoint,
}

fn proof_error(e: jingwu_store::StoreError) -> AppError {
    use jingwu_audit::merkle::ProofError;
    match e {
        jingwu_store::StoreError::Proof(ProofError::LeafOutOfRange { index, size }) => {
            AppError::invalid(
                "entry",
                problem_codes::field::ENTRY_RANGE.code,
                format!("entry {index} is not in the checkpoint's tree of {size} entries"),
            )
        }
        jingwu_store::StoreError::Proof(ProofError::Sizes { first, second }) => AppError::invalid(
            "first",
            problem_codes::field::TREE_SIZE_RANGE.code,
            format!("{first} is larger than {second}"),
        ),
        e => e.into(),
    }
}

impl Foundation<'_> {
    /// Starts the audit sequencer: every `sequence_every` it moves new entries into the log and
    /// the tree, and while the log grows it signs a checkpoint every `checkpoint_every`. On
    /// several nodes each runs one; the database lets one of them sequence at a time.
    pub fn spawn_audit_sequencer(&self) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        tokio::spawn(async move {
            let k = app.kernel();
            let cfg = k.audit().config().clone();
            let mut tick = tokio::time::interval(cfg.sequence_every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut since_checkpoint = std::time::Duration::MAX;
            loop {
                tick.tick().await;
                if let Err(e) = k.sync_audit().await {
                    tracing::warn!(error = %e, "audit sequencing failed");
                }
                since_checkpoint = since_checkpoint.saturating_add(cfg.sequence_every);
                if since_checkpoint >= cfg.checkpoint_every {
                    since_checkpoint = std::time::Duration::ZERO;
                    if let Err(e) = k.audit().checkpoint(k.store(), k.clock().as_ref()).await {
                        tracing::warn!(error = %e, "audit checkpoint failed");
                    }
                }
            }
        })
    }
}
