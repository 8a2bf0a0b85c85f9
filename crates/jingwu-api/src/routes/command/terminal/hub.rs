//! Fan-out of "the unit's terminal log grew" to the unit's connected terminals.
//!
//! One task per router listens to the application's live events and bumps a per-unit
//! `watch` counter; each connection waits on its unit's counter and then reads the durable log
//! after the last sequence it sent. The broadcast only says *that* something changed: order and
//! gap-freedom come from the database. `watch` coalesces, so a burst of events never queues up
//! behind a slow connection, and a lagging listener simply wakes everyone to re-read.
//! Each wake-up carries the scope of the event that caused it, and the connection asks the
//! 110 policy (`may_receive`) whether its caller hears of it before it reads anything.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock, Weak};

use jingwu_app::{App, LiveEvent};
use jingwu_command::policy::EventScope;
use tokio::sync::{broadcast, watch};

#[derive(Clone, Default)]
pub struct Hub {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    units: Mutex<HashMap<String, watch::Sender<Wake>>>,
    started: OnceLock<()>,
}

/// The latest notification for a unit: a counter (so every change wakes) and the scope of
/// the event behind it — `None` after lost notifications, when only a re-read can tell.
#[derive(Clone, Default)]
pub struct Wake {
    n: u64,
    pub scope: Option<EventScope>,
}

impl Wake {
    fn bump(&mut self, scope: Option<EventScope>) {
        self.n = self.n.wrapping_add(1);
        self.scope = scope;
    }
}

/// A connection's subscription to its unit; unregisters on drop.
pub struct UnitWatch {
    rx: Option<watch::Receiver<Wake>>,
    unit_id: String,
    hub: Arc<Inner>,
}

impl Hub {
    /// Starts the listener (once) and subscribes to `unit_id`'s notifications.
    pub fn watch(&self, app: &App, unit_id: &str) -> UnitWatch {
        self.inner.started.get_or_init(|| {
            // Subscribed here, synchronously, so no event after this call is missed.
            let live = app.subscribe();
            tokio::spawn(listen(live, Arc::downgrade(&self.inner)));
        });
        let mut units = self.inner.lock();
        let rx = units
            .entry(unit_id.to_string())
            .or_insert_with(|| watch::channel(Wake::default()).0)
            .subscribe();
        UnitWatch {
            rx: Some(rx),
            unit_id: unit_id.to_string(),
            hub: self.inner.clone(),
        }
    }
}

impl Inner {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Sender<Wake>>> {
        self.units.lock().unwrap_or_else(|e| e.into_inner())
    }
}

async fn listen(mut live: broadcast::Receiver<LiveEvent>, hub: Weak<Inner>) {
    loop {
        let event = live.recv().await;
        let Some(hub) = hub.upgrade() else { return };
        match event {
            Ok(e @ LiveEvent::Terminal { .. }) => {
                let LiveEvent::Terminal { unit_id, .. } = &e else {
                    continue;
                };
                if let Some(tx) = hub.lock().get(unit_id) {
                    tx.send_modify(|w| w.bump(Some(e.scope())));
                }
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => {
                // Some notifications were lost: every connection re-reads its log.
                for tx in hub.lock().values() {
                    tx.send_modify(|w| w.bump(None));
                }
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

impl UnitWatch {
    /// Resolves when the unit's log may have grown since the last call, with the scope of the
    /// event that says so; `None` when the hub is gone.
    pub async fn changed(&mut self) -> Option<Option<EventScope>> {
        let rx = self.rx.as_mut()?;
        rx.changed().await.ok()?;
        Some(rx.borrow_and_update().scope.clone())
    }
}

impl Drop for UnitWatch {
    fn drop(&mut self) {
        let mut units = self.hub.lock();
        drop(self.rx.take());
        if units
            .get(&self.unit_id)
            .is_some_and(|tx| tx.receiver_count() == 0)
        {
            units.remove(&self.unit_id);
        }
    }
}
