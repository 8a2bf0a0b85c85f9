//! Live change notifications, in process. Several nodes will share them through NATS
//! JetStream behind the same interface; subscribers re-read durable state, so a missed event
//! costs a refetch, never data.

use jingwu_command::policy::EventScope;

/// What changed, for live subscribers (terminal sockets, the command map). Subscribers that
/// fall behind miss events but never block writers; terminals then resume from the durable
/// message log by sequence number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LiveEvent {
    /// A message was appended to a unit's terminal log (the unit's org and crew say who may
    /// hear of it).
    Terminal {
        unit_id: String,
        seq: i64,
        org_path: String,
        crew: Vec<String>,
    },
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
    /// A 110 timer ran over and a command room was alerted (the room's path).
    TimerAlert {
        alert_id: String,
        incident_id: String,
        org_path: String,
    },
    /// Hazmat data changed: `kind` is `registry`, `vehicle`, `weather` (an observation moved
    /// the wind, so zones move too) or `response` (with its id).
    Hazmat {
        kind: &'static str,
        response_id: Option<String>,
        org_path: String,
    },
    /// The approval window changed at an office: `kind` is `queue` (a ticket was taken,
    /// called or moved: the hall display redraws) or `slots` (places were taken or given back).
    Permits {
        kind: &'static str,
        office_id: String,
        org_path: String,
    },
    /// Law enforcement changed at a unit: `kind` is `case`, `area` (the handling-area board
    /// redraws: someone came, moved, left, or a clock warned) or `evidence`, with the record's
    /// id.
    Cases {
        kind: &'static str,
        id: String,
        org_path: String,
    },
    /// Sessions of a user were revoked (logout, revocation, account disabled): every open
    /// socket and stream of that user re-checks its own session at once and ends if it is
    /// gone. Never forwarded to clients.
    SessionsRevoked { user_id: String, org_path: String },
}

impl LiveEvent {
    /// Whom the event concerns; every filter of the live streams asks
    /// `jingwu_command::policy::may_receive` with it, once per event.
    pub fn scope(&self) -> EventScope {
        match self {
            LiveEvent::Terminal {
                unit_id,
                org_path,
                crew,
                ..
            } => EventScope::Operators {
                unit_id: unit_id.clone(),
                org_path: org_path.clone(),
                crew: crew.clone(),
            },
            LiveEvent::Incident { org_path, .. }
            | LiveEvent::Unit { org_path, .. }
            | LiveEvent::CoverageAlert { org_path, .. }
            | LiveEvent::TimerAlert { org_path, .. }
            | LiveEvent::Hazmat { org_path, .. }
            | LiveEvent::Permits { org_path, .. }
            | LiveEvent::Cases { org_path, .. }
            | LiveEvent::SessionsRevoked { org_path, .. } => EventScope::Org {
                org_path: org_path.clone(),
            },
        }
    }
}

#[derive(Clone)]
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
