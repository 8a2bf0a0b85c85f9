//! Three-in-one law enforcement: cases with their parties, steps, documents, deadlines and
//! supervision (`files`, `supervision`); the handling area with its rooms, the people in it and
//! their legal clocks (`area`); extensions of any legal clock and the job that raises their
//! warnings (`clocks`); evidence and property with the chain of custody (`evidence`) and
//! inventories (`inventory`); a case opened from a 110 incident (`from_incident`); the legal
//! limits as data (`limits`). The rules are `jingwu-cases'`; views of case files and evidence
//! are audited (`kernel.record_view`), and so is every refusal (`Cases::denied`).

mod area;
mod clocks;
mod evidence;
mod files;
mod from_incident;
mod inventory;
mod limits;
mod supervision;

pub use area::{AreaStep, BoardLine, CustodyView, MeasureView, NewBelonging, NewCustody, NewRoom};
pub use clocks::{AlertLine, ClockView, PendingExtension};
pub use evidence::{
    ChainCheck, DigitalIntake, EVIDENCE_FILE_MAX_BYTES, ItemQuery, ItemSummary, ItemView,
    MovementInput, NewLocation, PhysicalIntake, ReviewItem,
};
pub use files::{
    CASE_DOCUMENT_MAX_BYTES, CaseDeadlineView, CaseFile, CaseQuery, CaseSummary, NewCase, NewParty,
};
pub use from_incident::CaseFromIncident;
pub use inventory::{InventoryView, NewInventory, SCANS_PER_REQUEST};
pub use supervision::{AlertingClock, CaseLabel, FlaggedItem, SupervisionView};

use std::sync::Arc;

use jingwu_core::{Denied, Principal};
use jingwu_store::uploads::blobs::BlobStore;

use crate::{App, AppError, Kernel, RequestCtx};

/// What a bureau chooses for law enforcement.
#[derive(Debug, Clone)]
pub struct CasesConfig {
    /// How often the clock job looks for warnings and expiries.
    pub jobs_every: std::time::Duration,
}

impl Default for CasesConfig {
    fn default() -> Self {
        CasesConfig {
            jobs_every: std::time::Duration::from_secs(30),
        }
    }
}

/// Law enforcement's state: the blob store documents and digital evidence go to (the media
/// store's directory, content-addressed).
pub(crate) struct CasesState {
    blobs: Arc<BlobStore>,
}

impl CasesState {
    pub(crate) fn new(config: &crate::AppConfig) -> Self {
        CasesState {
            blobs: Arc::new(BlobStore::new(config.media_dir.clone())),
        }
    }
}

/// A text field, trimmed, of `min..=max` characters; line breaks and tabs are text (a summary,
/// a note), other control characters are not.
pub(super) fn text(
    errs: &mut Vec<crate::FieldError>,
    name: &str,
    v: &str,
    min: usize,
    max: usize,
) -> String {
    let t = v.trim();
    let n = t.chars().count();
    let control = t
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'));
    if n < min || n > max || control {
        let why = if min == 0 {
            format!("at most {max} characters")
        } else {
            format!("required, {min} to {max} characters")
        };
        errs.push(crate::FieldError::new(
            name,
            jingwu_cases::error_codes::field::TEXT.code,
            why,
        ));
    }
    t.to_owned()
}

/// Law enforcement's use cases (see [`App::cases`]).
#[derive(Clone, Copy)]
pub struct Cases<'a> {
    pub(crate) app: &'a App,
}

impl App {
    /// Three-in-one law enforcement: cases, the handling area, evidence.
    pub fn cases(&self) -> Cases<'_> {
        Cases { app: self }
    }
}

impl Cases<'_> {
    fn k(&self) -> &Kernel {
        self.app.kernel()
    }

    fn config(&self) -> &CasesConfig {
        &self.k().config().cases
    }

    fn state(&self) -> &CasesState {
        self.app.cases_state()
    }

    fn now_us(&self) -> i64 {
        self.k().now_us()
    }

    /// Records a refusal in the audit log (the law asks that every denied look at a case file
    /// or item is on record) and returns the error the caller gets: 403 for a role that may not
    /// act, 404 for an object outside the caller's reach.
    async fn denied(
        &self,
        who: &Principal,
        ctx: &RequestCtx,
        d: Denied,
        object: (&'static str, &str),
        org_path: &str,
    ) -> AppError {
        let detail = serde_json::json!({ "reason": d.to_string() });
        let recorded = self
            .k()
            .write(who, ctx, async |tx| {
                tx.audit("cases.denied", object, org_path, detail).await
            })
            .await;
        if let Err(e) = recorded {
            return e;
        }
        AppError::denied_object(d, object.0)
    }

    /// The stored bytes of a document or digital item and the SHA-256 they hash to now (read
    /// and hashed off the async runtime); `None` when the file is missing.
    async fn read_blob(&self, sha256: &str) -> crate::Result<Option<(Vec<u8>, String)>> {
        let blobs = self.state().blobs.clone();
        let sha256 = sha256.to_owned();
        tokio::task::spawn_blocking(move || blobs.read_checked(&sha256))
            .await
            .map_err(|e| AppError::Internal(format!("blob store: {e}")))?
            .map_err(|e| AppError::Internal(format!("blob store: {e}")))
    }

    /// Starts the background job (clock warnings and expiries).
    pub fn spawn_jobs(&self) -> tokio::task::JoinHandle<()> {
        let app = self.app.clone();
        let every = self.config().jobs_every;
        tokio::spawn(async move {
            loop {
                if let Err(e) = app.cases().run_clock_alerts().await {
                    tracing::warn!(error = %e, "legal-clock job failed");
                }
                tokio::time::sleep(every).await;
            }
        })
    }
}
