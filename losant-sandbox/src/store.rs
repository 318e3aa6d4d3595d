//! What the sandbox holds: applications with their events, devices and files (each
//! application behind its own lock), API tokens, and the bounds on what an
//! application may store.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};
use std::time::{Duration, Instant};

use losant_core::{ApplicationId, DeviceId, EventId, FileId, Timestamp};
use losant_events::{Event, EventLevel, EventState, EventUpdate, SourceType};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::fleet::{DEFAULT_MAX_STATES_PER_DEVICE, Fleet};

/// The current time at the API's precision (milliseconds).
pub(crate) fn now() -> Timestamp {
    Timestamp::now()
}

/// A token the sandbox hands out: random, and unlike any ID the sandbox makes (a
/// client scrubs every 16-character run of its token from what it reads, so a token
/// built from the ID sequence would mask parts of the IDs in its own answers).
pub(crate) fn new_token() -> String {
    format!(
        "sandbox-{:016x}{:016x}",
        fastrand::u64(..),
        fastrand::u64(..)
    )
}

/// Locks a mutex, going on with the data of a thread that panicked while holding it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// An API token the sandbox accepts.
#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) scopes: Vec<String>,
    /// An application token works only for its application.
    pub(crate) application: Option<ApplicationId>,
    /// A device's token (from `auth.authenticateDevice`) acts for that device only.
    pub(crate) device: Option<DeviceId>,
}

/// How many bytes a value takes in JSON.
pub(crate) fn json_len<T: Serialize + ?Sized>(value: &T) -> usize {
    struct Counter(usize);
    impl io::Write for Counter {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let mut counter = Counter(0);
    // Writing to a counter cannot fail, and the sandbox's own types always serialize.
    let _ = serde_json::to_writer(&mut counter, value);
    counter.0
}

/// A JSON value stored once and shared by every record that holds it (the `data` of a
/// bulk update is held by one update record of each event it reached), with its size.
#[derive(Debug, Clone)]
pub(crate) struct Shared {
    value: Arc<Value>,
    len: usize,
}

impl Shared {
    pub(crate) fn new(value: Value) -> Self {
        let len = json_len(&value);
        Shared {
            value: Arc::new(value),
            len,
        }
    }

    pub(crate) fn value(&self) -> &Value {
        &self.value
    }
}

impl Serialize for Shared {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

/// `,"data":` and `,"updates":[]`, and a comma per update: what framing adds to the
/// sizes of an event's parts.
const DATA_FRAMING: usize = 8;
const UPDATES_FRAMING: usize = 13;

/// One entry of an event's history.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StoredUpdate {
    /// Everything but `data` (which is `None` here).
    #[serde(flatten)]
    pub(crate) head: EventUpdate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<Shared>,
    #[serde(skip)]
    len: usize,
}

impl StoredUpdate {
    pub(crate) fn new(mut head: EventUpdate, data: Option<Shared>) -> Self {
        head.data = None;
        let len = json_len(&head) + data.as_ref().map_or(0, |d| d.len + DATA_FRAMING);
        StoredUpdate { head, data, len }
    }
}

/// A stored event: its fields, its data and its history, the last two shared rather
/// than copied. Serializes to the API's `event` JSON.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct StoredEvent {
    /// Every field but `data` and `updates` (which are `None` here).
    #[serde(flatten)]
    pub(crate) head: Event,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<Shared>,
    pub(crate) updates: Vec<Arc<StoredUpdate>>,
    #[serde(skip)]
    head_len: usize,
}

impl StoredEvent {
    /// Stores `event`, its data and history taken apart.
    pub(crate) fn new(mut event: Event) -> Self {
        let data = event.data.take().map(Shared::new);
        let updates = event
            .updates
            .take()
            .unwrap_or_default()
            .into_iter()
            .map(|mut update| {
                let data = update.data.take().map(Shared::new);
                Arc::new(StoredUpdate::new(update, data))
            })
            .collect();
        let mut stored = StoredEvent {
            head: event,
            data,
            updates,
            head_len: 0,
        };
        stored.head_changed();
        stored
    }

    /// Recomputes the size of the head after a change to it.
    pub(crate) fn head_changed(&mut self) {
        self.head_len = json_len(&self.head);
    }

    /// The size of the event's JSON (exact up to a few bytes of framing, never less).
    pub(crate) fn len(&self) -> usize {
        self.head_len
            + self.data.as_ref().map_or(0, |d| d.len + DATA_FRAMING)
            + UPDATES_FRAMING
            + self.updates.iter().map(|u| u.len + 1).sum::<usize>()
    }

    /// The event as the client model (data copied out).
    pub(crate) fn to_event(&self) -> Event {
        let mut event = self.head.clone();
        event.data = self.data.as_ref().map(|d| d.value().clone());
        event.updates = Some(
            self.updates
                .iter()
                .map(|u| {
                    let mut update = u.head.clone();
                    update.data = u.data.as_ref().map(|d| d.value().clone());
                    update
                })
                .collect(),
        );
        event
    }

    /// The value of one field as JSON, for queries and sorting: no other field is
    /// serialized.
    pub(crate) fn field(&self, name: &str) -> Value {
        let head = &self.head;
        let text = |value: Option<&str>| value.map_or(Value::Null, |v| Value::String(v.to_owned()));
        let date =
            |value: Option<&Timestamp>| value.map_or(Value::Null, |d| Value::String(d.to_string()));
        match name {
            "id" => text(head.id.as_ref().map(EventId::as_str)),
            "creationDate" => date(head.creation_date.as_ref()),
            "lastUpdated" => date(head.last_updated.as_ref()),
            "sourceId" => text(head.source_id.as_deref()),
            "sourceType" => text(head.source_type.as_ref().map(SourceType::as_str)),
            "level" => text(head.level.as_ref().map(EventLevel::as_str)),
            "state" => text(head.state.as_ref().map(EventState::as_str)),
            "subject" => text(head.subject.as_deref()),
            "deviceId" => text(head.device_id.as_ref().map(losant_core::DeviceId::as_str)),
            "eventTags" => head.event_tags.as_ref().map_or(Value::Null, |tags| {
                Value::Object(
                    tags.iter()
                        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
                        .collect(),
                )
            }),
            _ => Value::Null,
        }
    }
}

/// The most an application's events may take in JSON, in all: every answer the
/// sandbox gives about them (a whole listing included) stays under the client's
/// default response limit of 16 MiB, with 64 KiB to spare for the envelope.
pub const DEFAULT_MAX_APPLICATION_BYTES: usize =
    losant_core::DEFAULT_MAX_RESPONSE_BYTES - 64 * 1024;

/// An application and its events, in creation order.
#[derive(Debug, Default)]
pub(crate) struct Application {
    pub(crate) name: String,
    pub(crate) events: BTreeMap<u64, Arc<StoredEvent>>,
    pub(crate) index: HashMap<EventId, u64>,
    /// The JSON size of all its events.
    pub(crate) bytes: usize,
    /// When the events created through the API in the current window were created.
    pub(crate) recent_creations: VecDeque<Instant>,
    /// Its devices and access keys.
    pub(crate) fleet: Fleet,
    /// Its files.
    pub(crate) files: BTreeMap<FileId, StoredFile>,
    /// The bytes its files' contents take, in all.
    pub(crate) file_bytes: usize,
}

/// A file of an application: its document (as the API answers it) and its content
/// once uploaded.
#[derive(Debug, Clone)]
pub(crate) struct StoredFile {
    pub(crate) doc: Map<String, Value>,
    pub(crate) content: Option<bytes::Bytes>,
}

impl Application {
    pub(crate) fn event(&self, id: &EventId) -> Option<&Arc<StoredEvent>> {
        self.index.get(id).and_then(|seq| self.events.get(seq))
    }

    /// Stores `event` under `sequence`, replacing an event with the same ID.
    pub(crate) fn insert(&mut self, sequence: u64, id: EventId, event: StoredEvent) {
        self.remove(&id);
        self.bytes += event.len();
        self.index.insert(id, sequence);
        self.events.insert(sequence, Arc::new(event));
    }

    /// Replaces the stored event at `sequence` (its size accounted anew).
    pub(crate) fn replace(&mut self, sequence: u64, event: StoredEvent) {
        let new_len = event.len();
        if let Some(old) = self.events.insert(sequence, Arc::new(event)) {
            self.bytes -= old.len();
        }
        self.bytes += new_len;
    }

    pub(crate) fn remove(&mut self, id: &EventId) -> Option<Arc<StoredEvent>> {
        let event = self
            .index
            .remove(id)
            .and_then(|seq| self.events.remove(&seq))?;
        self.bytes -= event.len();
        Some(event)
    }
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

/// Shared state of a running sandbox. The map of applications is locked only to find
/// or add one; each application has its own lock, held only to read or change it
/// (never while a body is serialized).
#[derive(Debug)]
pub(crate) struct State {
    applications: RwLock<HashMap<ApplicationId, Arc<Mutex<Application>>>>,
    tokens: RwLock<HashMap<String, Token>>,
    pub(crate) faults: Mutex<FaultState>,
    pub(crate) requests: AtomicUsize,
    pub(crate) creation_limit: Mutex<Option<(usize, Duration)>>,
    pub(crate) max_application_bytes: usize,
    pub(crate) max_states_per_device: usize,
    /// How often a live stream says it is alive when the request does not say.
    pub(crate) keep_alive: Duration,
    /// Set when the sandbox stops: its live streams end.
    pub(crate) stopping: tokio::sync::watch::Sender<bool>,
    sequence: AtomicU64,
}

impl State {
    pub(crate) fn new(max_application_bytes: usize) -> Self {
        State {
            applications: RwLock::default(),
            tokens: RwLock::default(),
            faults: Mutex::default(),
            requests: AtomicUsize::new(0),
            creation_limit: Mutex::new(Some(CREATION_LIMIT)),
            max_application_bytes,
            max_states_per_device: DEFAULT_MAX_STATES_PER_DEVICE,
            keep_alive: Duration::from_secs(2),
            stopping: tokio::sync::watch::Sender::new(false),
            sequence: AtomicU64::new(0),
        }
    }

    /// The 12 bytes of a fresh ID, unique in this sandbox: the time in seconds, then
    /// a counter (as Losant's `ObjectId`s).
    pub(crate) fn next_id(&self) -> [u8; 12] {
        let n = self.sequence.fetch_add(1, Ordering::Relaxed) + 1;
        let seconds = u32::try_from(chrono::Utc::now().timestamp()).unwrap_or(u32::MAX);
        let mut id = [0u8; 12];
        id[..4].copy_from_slice(&seconds.to_be_bytes());
        id[4..].copy_from_slice(&(0x5a4d_0000_0000_0000_u64 | n).to_be_bytes());
        id
    }

    /// A number that orders events by creation.
    pub(crate) fn next_sequence(&self) -> u64 {
        self.sequence.fetch_add(1, Ordering::Relaxed) + 1
    }

    /// The application, when it exists.
    pub(crate) fn application(&self, id: &ApplicationId) -> Option<Arc<Mutex<Application>>> {
        self.applications
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    /// Every application, for a look across them (a device's credentials name no
    /// application).
    pub(crate) fn all_applications(&self) -> Vec<(ApplicationId, Arc<Mutex<Application>>)> {
        self.applications
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(id, app)| (*id, Arc::clone(app)))
            .collect()
    }

    /// The application, created (with an empty name) when it does not exist.
    pub(crate) fn application_or_new(&self, id: ApplicationId) -> Arc<Mutex<Application>> {
        if let Some(existing) = self.application(&id) {
            return existing;
        }
        let mut applications = self
            .applications
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        Arc::clone(applications.entry(id).or_default())
    }

    /// Every application ID with its name.
    pub(crate) fn application_names(&self) -> HashMap<ApplicationId, String> {
        let applications = self
            .applications
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        applications
            .iter()
            .map(|(id, app)| (*id, lock(app).name.clone()))
            .collect()
    }

    pub(crate) fn token(&self, token: &str) -> Option<Token> {
        self.tokens
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(token)
            .cloned()
    }

    pub(crate) fn insert_token(&self, token: String, value: Token) {
        self.tokens
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(token, value);
    }
}
