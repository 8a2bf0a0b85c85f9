//! Live change notifications, in process. Several nodes will share them through NATS
//! JetStream behind the same interface; subscribers re-read durable state, so a missed event
//! costs a refetch, never data.

/// What changed, for live subscribers (terminal sockets, the command map). Subscribers that
/// fall behind miss events but never block writers; terminals then resume from the durable
/// message log by sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// A message was appended to a unit's terminal log.
    Terminal { unit_id: String, seq: i64 },
    /// An incident changed (created, dispatched, progressed, closed).
    Incident {
        incident_id: String,
        org_path: String,
    },
    /// A unit's status or position changed.
    Unit { unit_id: String, org_path: String },
    /// A station area's 3-minute coverage fell below its target (alert recorded).
    CoverageAlert {
        alert_id: String,
        org_id: String,
        org_path: String,
    },
}

pub struct EventBus {
    tx: tokio::sync::broadcast::Sender<LiveEvent>,
}

impl Default for EventBus {
    fn default() -> Self {
        EventBus {
            tx: tokio::sync::broadcast::channel(4096).0,
        }
    }
}

impl EventBus {
    pub fn subscribe(&self) -> tokio::sync::broadcast::Receiver<LiveEvent> {
        self.tx.subscribe()
    }

    pub fn publish(&self, e: LiveEvent) {
        // No subscriber is fine: the durable state is already committed.
        let _ = self.tx.send(e);
    }
}
