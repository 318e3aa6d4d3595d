//! The sandbox's in-memory data: applications, their events, and API tokens.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use losant_core::{ApplicationId, EventId};
use losant_events::Event;

/// The current time at the API's precision (milliseconds).
pub(crate) fn now() -> chrono::DateTime<chrono::Utc> {
    chrono::SubsecRound::trunc_subsecs(chrono::Utc::now(), 3)
}

/// An API token the sandbox accepts.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) scopes: Vec<String>,
}

/// An application and its events, in creation order.
#[derive(Debug, Default)]
pub(crate) struct Application {
    pub(crate) name: String,
    pub(crate) events: BTreeMap<u64, Event>,
    pub(crate) index: HashMap<EventId, u64>,
    /// When the events created through the API in the current window were created.
    pub(crate) recent_creations: VecDeque<std::time::Instant>,
}

impl Application {
    pub(crate) fn event(&self, id: &EventId) -> Option<&Event> {
        self.index.get(id).and_then(|seq| self.events.get(seq))
    }

    pub(crate) fn event_mut(&mut self, id: &EventId) -> Option<&mut Event> {
        self.index.get(id).and_then(|seq| self.events.get_mut(seq))
    }

    pub(crate) fn remove(&mut self, id: &EventId) -> Option<Event> {
        self.index
            .remove(id)
            .and_then(|seq| self.events.remove(&seq))
    }
}

/// Everything the sandbox stores.
#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) applications: HashMap<ApplicationId, Application>,
    pub(crate) tokens: HashMap<String, Token>,
}

/// Injected faults, for users' own resilience tests.
#[derive(Debug, Default)]
pub(crate) struct FaultState {
    pub(crate) fail_next: usize,
    pub(crate) fail_status: u16,
    pub(crate) latency: Duration,
}

/// Events an application may create through the API per window, as Losant limits.
pub(crate) const CREATION_LIMIT: (usize, Duration) = (15, Duration::from_secs(15));

/// Shared state of a running sandbox.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) store: Mutex<Store>,
    pub(crate) faults: Mutex<FaultState>,
    pub(crate) requests: AtomicUsize,
    pub(crate) creation_limit: Mutex<Option<(usize, Duration)>>,
    sequence: AtomicU64,
}

impl Default for State {
    fn default() -> Self {
        State {
            store: Mutex::default(),
            faults: Mutex::default(),
            requests: AtomicUsize::new(0),
            creation_limit: Mutex::new(Some(CREATION_LIMIT)),
            sequence: AtomicU64::new(0),
        }
    }
}

impl State {
    /// A fresh 24-hex ID, unique in this sandbox.
    pub(crate) fn next_id(&self) -> String {
        let n = self.sequence.fetch_add(1, Ordering::Relaxed) + 1;
        let seconds = chrono::Utc::now().timestamp().unsigned_abs() & 0xffff_ffff;
        format!("{seconds:08x}{:016x}", 0x5a4d_0000_0000_0000_u64 | n)
    }

    /// A number that orders events by creation.
    pub(crate) fn next_sequence(&self) -> u64 {
        self.sequence.fetch_add(1, Ordering::Relaxed) + 1
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn lock_creation_limit(
        &self,
    ) -> std::sync::MutexGuard<'_, Option<(usize, Duration)>> {
        self.creation_limit
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn lock_faults(&self) -> std::sync::MutexGuard<'_, FaultState> {
        self.faults
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
