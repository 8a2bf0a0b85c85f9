//! Fan-out of "the unit's terminal log grew" to the unit's connected terminals, and of "this
//! user's sessions were revoked" to that user's connections.
//!
//! One task per router listens to the application's live events and bumps a per-unit (or
//! per-user) `watch` counter; each connection waits on its unit's counter and then reads the
//! durable log after the last sequence it sent. The broadcast only says *that* something
//! changed: order and gap-freedom come from the database. `watch` coalesces, so a burst of
//! events never queues up behind a slow connection, and a lagging listener simply wakes
//! everyone to re-read (and to re-check their sessions).
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
    units: Watches<Wake>,
    users: Watches<u64>,
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

/// One `watch` channel per key (a unit or a user id) while anyone listens.
struct Watches<T>(Mutex<HashMap<String, watch::Sender<T>>>);

impl<T> Default for Watches<T> {
    fn default() -> Self {
        Watches(Mutex::new(HashMap::new()))
    }
}

impl<T: Default> Watches<T> {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, watch::Sender<T>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn subscribe(&self, key: &str) -> watch::Receiver<T> {
        self.lock()
            .entry(key.to_string())
            .or_insert_with(|| watch::channel(T::default()).0)
            .subscribe()
    }

    fn bump(&self, key: &str, f: impl FnOnce(&mut T)) {
        if let Some(tx) = self.lock().get(key) {
            tx.send_modify(f);
        }
    }

    fn bump_all(&self, f: impl Fn(&mut T)) {
        for tx in self.lock().values() {
            tx.send_modify(&f);
        }
    }

    /// Drops `rx` and the key's channel when it was the last listener.
    fn leave(&self, key: &str, rx: Option<watch::Receiver<T>>) {
        let mut map = self.lock();
        drop(rx);
        if map.get(key).is_some_and(|tx| tx.receiver_count() == 0) {
            map.remove(key);
        }
    }
}

/// A connection's subscription to its unit's log and its user's revocations; unregisters on
/// drop.
pub struct UnitWatch {
    unit: Option<watch::Receiver<Wake>>,
    user: Option<watch::Receiver<u64>>,
    stopping: watch::Receiver<bool>,
    unit_id: String,
    user_id: String,
    hub: Arc<Inner>,
}

/// What woke a connection.
pub enum Woken {
    /// The unit's log may have grown, with the scope of the event that says so.
    Log(Option<EventScope>),
    /// The user's sessions were revoked (or notifications were lost): re-check the session.
    Revoked,
    /// The server is stopping: end the connection politely.
    Stopping,
}

impl Hub {
    /// Starts the listener (once) and subscribes to `unit_id`'s notifications and to
    /// `user_id`'s revocations.
    pub fn watch(&self, app: &App, unit_id: &str, user_id: &str) -> UnitWatch {
        self.inner.started.get_or_init(|| {
            // Subscribed here, synchronously, so no event after this call is missed.
            let live = app.subscribe();
            tokio::spawn(listen(live, Arc::downgrade(&self.inner)));
        });
        UnitWatch {
            unit: Some(self.inner.units.subscribe(unit_id)),
            user: Some(self.inner.users.subscribe(user_id)),
            stopping: app.kernel().stopping(),
            unit_id: unit_id.to_string(),
            user_id: user_id.to_string(),
            hub: self.inner.clone(),
        }
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
                hub.units.bump(unit_id, |w| w.bump(Some(e.scope())));
            }
            Ok(LiveEvent::SessionsRevoked { user_id, .. }) => {
                hub.users.bump(&user_id, |n| *n = n.wrapping_add(1));
            }
            Ok(_) => {}
            Err(broadcast::error::RecvError::Lagged(_)) => {
                // Some notifications were lost: every connection re-reads its log and
                // re-checks its session.
                hub.units.bump_all(|w| w.bump(None));
                hub.users.bump_all(|n| *n = n.wrapping_add(1));
            }
            Err(broadcast::error::RecvError::Closed) => return,
        }
    }
}

impl UnitWatch {
    /// Resolves at the next notification; `None` when the hub is gone.
    pub async fn changed(&mut self) -> Option<Woken> {
        if *self.stopping.borrow_and_update() {
            return Some(Woken::Stopping);
        }
        let (unit, user) = (self.unit.as_mut()?, self.user.as_mut()?);
        tokio::select! {
            r = self.stopping.changed() => {
                r.ok()?;
                Some(Woken::Stopping)
            }
            r = unit.changed() => {
                r.ok()?;
                Some(Woken::Log(unit.borrow_and_update().scope.clone()))
            }
            r = user.changed() => {
                r.ok()?;
                user.borrow_and_update();
                Some(Woken::Revoked)
            }
        }
    }
}

impl Drop for UnitWatch {
    fn drop(&mut self) {
        self.hub.units.leave(&self.unit_id, self.unit.take());
        self.hub.users.leave(&self.user_id, self.user.take());
    }
}
