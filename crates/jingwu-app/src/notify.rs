//! The notifier shared by every system: a message is written to the outbox in the transaction
//! of the change that causes it (so it exists exactly when the change does) and noted in the
//! log with the recipient masked; an SMS or push gateway drains the outbox. Tests and the demo
//! read the outbox.

pub use jingwu_store::notifications::OutboxMessage;

use crate::{Result, Tx};

/// Queues an SMS to `mobile`; `about` names what it concerns in the log (never the body,
/// which may hold a code).
pub(crate) async fn sms(tx: &mut Tx, mobile: &str, body: String, about: &str) -> Result<()> {
    let now = tx.now_us();
    jingwu_store::notifications::insert_outbox(
        tx.db(),
        &OutboxMessage {
            id: jingwu_core::new_id(),
            channel: "sms".into(),
            recipient: mobile.to_owned(),
            body,
            created_at: now,
            sent_at: None,
        },
    )
    .await?;
    tracing::info!(mobile = %jingwu_core::privacy::mask_phone(mobile), about, "notification queued");
    Ok(())
}
