//! An embedded, in-memory Losant API: the events, the device workflow and files.
//!
//! The sandbox answers the way the API reference says, checking every token against
//! the scopes the API description lists for the action (401 for a missing or unknown
//! token, 400 for malformed IDs, then 403 when no scope of the token is accepted, when
//! an application token is used on another application, or a device's token on another
//! device), 400 for bodies and queries that break their schemas (the message names the
//! field), 404 `{"type":"NotFound","message":"Event was not found"}` for unknown
//! resources, and 501 `NotImplemented` for an action of the API it does not serve (the
//! message names the method and path). It serves:
//!
//! - the events: `GET`, `PATCH` and `DELETE` on one, and the whole collection (list with
//!   filters, sort, pages and advanced queries; create under the 15-per-15-seconds
//!   limit; bulk update; most recent by severity; delete by query; export). A valid
//!   patch updates the event, bumps `lastUpdated` and appends an entry with its change
//!   records to `updates`;
//! - the device workflow: `auth.authenticateDevice` (with the access keys of
//!   [`Sandbox::add_access_key`]: a device's token has `all.Device`, or the scopes it
//!   asked for, and acts for that device only), devices (get, post, patch, delete; the
//!   list with name glob, class, tag filter, parent, advanced query, sort and pages),
//!   `device.sendState` (one state or a batch, each time a date, epoch milliseconds or
//!   `{"$date": ...}`), `getState`, `sendCommand`, `getCommand`, the live `stateStream`
//!   and `commandStream` (server-sent events fed as states and commands arrive, with
//!   keep-alive comments), `data.timeSeriesQuery` (`FIRST`, `LAST`, `COUNT`, `MAX`, `MIN`,
//!   `MEDIAN`, `MEAN`, `SUM`, `STD_DEV` over a resolution, or every point with `NONE`)
//!   and `data.lastValueQuery`;
//! - files: `files.post`, `files.get`, `file.get`, `file.delete` and `file.upload` (the
//!   multipart form, read as it arrives).
//!
//! It holds up under hostile clients: every error it answers has Losant's
//! `{"type", "message"}` shape (413, 414, 431, 405, 408 and a bad URL included); what
//! an application may store is bounded so that every answer fits the client's
//! response limit (a change over the bound is refused with 413 `LimitExceeded`; a
//! device keeps its latest states and commands, the oldest going first);
//! data reaching many events is stored once; answers are serialized with no lock held;
//! slow and idle connections are dropped and open connections are capped
//! ([`ServerLimits`]).
//!
//! Start one inside a test, seed it, and point a client at it:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use losant_events::{EventApi, EventLevel};
//! use losant_sandbox::{NewEvent, Sandbox};
//!
//! let sandbox = Sandbox::start().await?;
//! let app = sandbox.add_application("Greenhouse");
//! let event = sandbox.add_event(&app, NewEvent::new(EventLevel::Warning, "Humidity high"));
//! let token = sandbox.add_token("ci", ["all.Application"]);
//!
//! let client = losant_core::Client::builder().token(token).base_url(sandbox.base_url()).build()?;
//! let fetched = client.get_event(&app, &event).await?;
//! assert_eq!(fetched.subject.as_deref(), Some("Humidity high"));
//! sandbox.stop().await;
//! # Ok(()) }
//! ```
//!
//! The `losant-sandbox` binary serves the same API for tools in any language:
//! `cargo run -p losant-sandbox --features cli -- --port 8080 [--seed FILE]
//! [--device NAME]... [--access-key]`.

// docs.rs: every item shows the cargo features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod checks;
mod data;
mod device;
mod devices;
mod error;
mod event;
mod events;
mod files;
mod fleet;
mod listing;
mod mutate;
mod provision;
mod query;
mod respond;
mod routes;
mod scopes;
mod seed;
mod server;
mod signin;
mod store;
mod validate;

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use losant_core::{ApiTokenId, ApplicationId, DeviceId, EventId, FileId};
use losant_events::{Event, EventLevel, EventState};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use fleet::DEFAULT_MAX_STATES_PER_DEVICE;
pub use provision::{AccessKeyCredentials, NewAccessKey, NewDevice};
pub use seed::{
    DEMO_APPLICATION, DEMO_EVENT, DEMO_TOKEN, Seed, SeedApplication, SeedError, SeedToken,
};
pub use server::ServerLimits;
pub use store::DEFAULT_MAX_APPLICATION_BYTES;

use store::{State, Token, lock};

/// A running sandbox. Dropping it stops the server too; [`stop`](Self::stop) waits
/// until it has.
#[derive(Debug)]
pub struct Sandbox {
    base_url: String,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
}

/// Configures a [`Sandbox`] before it starts: what it holds, where it listens and
/// the limits it keeps.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use std::time::Duration;
/// use losant_sandbox::{Sandbox, Seed, ServerLimits};
///
/// let mut limits = ServerLimits::default();
/// limits.header_timeout = Duration::from_secs(2);
/// let sandbox = Sandbox::builder()
///     .seed(Seed::demo())
///     .limits(limits)
///     .max_application_bytes(1024 * 1024)
///     .start()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use]
pub struct SandboxBuilder {
    addr: SocketAddr,
    seed: Seed,
    limits: ServerLimits,
    max_application_bytes: usize,
    max_states_per_device: usize,
    keep_alive: Duration,
}

impl SandboxBuilder {
    /// Where to listen (default `127.0.0.1` on a free port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// What the sandbox holds when it starts (default nothing).
    pub fn seed(mut self, seed: Seed) -> Self {
        self.seed = seed;
        self
    }

    /// The limits on connections and requests (default [`ServerLimits::default`]).
    pub fn limits(mut self, limits: ServerLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The most one application's events may take in JSON, in all (default
    /// [`DEFAULT_MAX_APPLICATION_BYTES`], so that every answer fits the client's
    /// default response limit). A change that would go over it is refused with 413
    /// `LimitExceeded`, and nothing changes.
    pub fn max_application_bytes(mut self, bytes: usize) -> Self {
        self.max_application_bytes = bytes;
        self
    }

    /// The most states a device keeps (default [`DEFAULT_MAX_STATES_PER_DEVICE`]):
    /// past it the oldest go first, as data past its retention does in Losant.
    pub fn max_states_per_device(mut self, states: usize) -> Self {
        self.max_states_per_device = states.max(1);
        self
    }

    /// How often a live stream sends a keep-alive comment when the request does not
    /// ask (`keepAliveInterval`; default 2 s, as the API).
    pub fn keep_alive(mut self, interval: Duration) -> Self {
        self.keep_alive = interval.max(Duration::from_millis(10));
        self
    }

    /// Checks the seed, binds and starts serving. A seed event the sandbox cannot hold
    /// fails the start with `InvalidData`, naming the event.
    pub async fn start(self) -> io::Result<Sandbox> {
        self.seed
            .validate()
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))?;
        let listener = TcpListener::bind(self.addr).await?;
        let local = listener.local_addr()?;
        let mut state = State::new(self.max_application_bytes);
        state.max_states_per_device = self.max_states_per_device;
        state.keep_alive = self.keep_alive;
        let state = Arc::new(state);
        let (shutdown, stopped) = oneshot::channel::<()>();
        let router = routes::router(Arc::clone(&state), &self.limits);
        let server = tokio::spawn(server::serve(listener, router, self.limits, stopped));
        let sandbox = Sandbox {
            base_url: format!("http://{local}"),
            state,
            shutdown: Some(shutdown),
            server: Some(server),
        };
        sandbox
            .apply(self.seed)
            .map_err(|error| io::Error::new(io::ErrorKind::InvalidData, error))?;
        Ok(sandbox)
    }
}

/// An event to add to the sandbox.
#[derive(Debug, Clone)]
#[must_use]
pub struct NewEvent {
    event: Event,
}

impl NewEvent {
    /// A new event with its two required fields.
    pub fn new(level: EventLevel, subject: impl Into<String>) -> Self {
        let mut event = Event::default();
        event.level = Some(level);
        event.subject = Some(subject.into());
        NewEvent { event }
    }

    /// Sets the message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.event.message = Some(message.into());
        self
    }

    /// Sets the state (default `new`).
    pub fn state(mut self, state: EventState) -> Self {
        self.event.state = Some(state);
        self
    }

    /// Attaches the event to a device.
    pub fn device(mut self, id: DeviceId, name: impl Into<String>) -> Self {
        self.event.device_id = Some(id);
        self.event.device_name = Some(name.into());
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.event
            .event_tags
            .get_or_insert_with(Default::default)
            .insert(key.into(), value.into());
        self
    }

    /// Sets the data.
    pub fn data(mut self, data: serde_json::Value) -> Self {
        self.event.data = Some(data);
        self
    }
}

impl From<Event> for NewEvent {
    /// Any event, stored as given (its `id` is kept when it has one).
    fn from(event: Event) -> Self {
        NewEvent { event }
    }
}

/// Injected faults, for resilience tests of code that uses the client.
#[derive(Debug, Clone)]
pub struct Faults {
    state: Arc<State>,
}

impl Faults {
    /// Answers the next `count` requests with `status` (Losant's error shape, type
    /// `SandboxFault`) instead of handling them.
    pub fn fail_next(&self, count: usize, status: u16) {
        let mut faults = lock(&self.state.faults);
        faults.fail_next = count;
        faults.fail_status = status;
    }

    /// Delays every answer by `latency`.
    pub fn set_latency(&self, latency: Duration) {
        lock(&self.state.faults).latency = latency;
    }

    /// Removes every injected fault.
    pub fn clear(&self) {
        let mut faults = lock(&self.state.faults);
        faults.fail_next = 0;
        faults.latency = Duration::ZERO;
    }
}

impl Sandbox {
    /// Starts an empty sandbox on `127.0.0.1` with a free port.
    pub async fn start() -> io::Result<Self> {
        Self::builder().start().await
    }

    /// Starts a sandbox on `127.0.0.1` with a free port, seeded with `seed`.
    pub async fn start_with(seed: Seed) -> io::Result<Self> {
        Self::builder().seed(seed).start().await
    }

    /// Starts a sandbox on `addr`, seeded with `seed`.
    pub async fn bind(addr: SocketAddr, seed: Seed) -> io::Result<Self> {
        Self::builder().addr(addr).seed(seed).start().await
    }

    /// A builder, for a sandbox with its own limits.
    pub fn builder() -> SandboxBuilder {
        SandboxBuilder {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            seed: Seed::default(),
            limits: ServerLimits::default(),
            max_application_bytes: DEFAULT_MAX_APPLICATION_BYTES,
            max_states_per_device: DEFAULT_MAX_STATES_PER_DEVICE,
            keep_alive: Duration::from_secs(2),
        }
    }

    fn apply(&self, seed: Seed) -> Result<(), SeedError> {
        for application in seed.applications {
            self.insert_application(application.id, application.name);
        }
        for (index, event) in seed.events.into_iter().enumerate() {
            let id = event.id.map(|id| id.to_string());
            let stored = event
                .application_id
                .ok_or_else(|| "it has no `applicationId`".to_owned())
                .and_then(|app| {
                    mutate::insert_event(&self.state, &app, event)
                        .map_err(|error| error.to_string())
                });
            stored.map_err(|reason| SeedError::new(index, id, reason))?;
        }
        for token in seed.tokens {
            self.insert_token(token.token, token.name, token.scopes, token.application_id);
        }
        for (index, device) in seed.devices.into_iter().enumerate() {
            let Some(app) = device.application() else {
                return Err(SeedError::device(
                    index,
                    "it has no `applicationId`".to_owned(),
                ));
            };
            provision::add_device(&self.state, &app, device)
                .map_err(|reason| SeedError::device(index, reason))?;
        }
        for (index, key) in seed.access_keys.into_iter().enumerate() {
            let Some(app) = key.application() else {
                return Err(SeedError::access_key(
                    index,
                    "it has no `applicationId`".to_owned(),
                ));
            };
            provision::add_access_key(&self.state, &app, key);
        }
        Ok(())
    }

    /// The base URL to give the client, such as `http://127.0.0.1:41234`.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// How many requests reached the server so far (including refused ones).
    #[must_use]
    pub fn requests_seen(&self) -> usize {
        self.state.requests.load(Ordering::SeqCst)
    }

    /// The fault knobs.
    #[must_use]
    pub fn faults(&self) -> Faults {
        Faults {
            state: Arc::clone(&self.state),
        }
    }

    /// Adds an application and returns its new ID.
    pub fn add_application(&self, name: impl Into<String>) -> ApplicationId {
        let id = ApplicationId::from_bytes(self.state.next_id());
        self.insert_application(id, name.into());
        id
    }

    fn insert_application(&self, id: ApplicationId, name: String) {
        lock(&self.state.application_or_new(id)).name = name;
    }

    /// Adds an event to an application (created if unknown) and returns its ID. The
    /// event gets an ID, creation and update times, `new` state and a `user` source
    /// unless it has them already.
    ///
    /// # Panics
    ///
    /// When the application would hold more than its bound (see
    /// [`SandboxBuilder::max_application_bytes`]).
    // Storing the event is the point; keeping its ID is up to the caller.
    #[allow(clippy::must_use_candidate)]
    pub fn add_event(&self, app: &ApplicationId, event: NewEvent) -> EventId {
        match mutate::insert_event(&self.state, app, event.event) {
            Ok(id) => id,
            Err(error) => panic!("the sandbox cannot hold this event: {error}"),
        }
    }

    /// Sets how many events an application may create through the API per window
    /// (default 15 per 15 seconds, as Losant); `None` removes the limit. Over it,
    /// creation answers 429 "Over rate limit, request throttled".
    pub fn set_creation_limit(&self, limit: Option<(usize, Duration)>) {
        *lock(&self.state.creation_limit) = limit;
    }

    /// Adds a token with `scopes` (such as `all.Application` or `event.get`), valid
    /// for every application, and returns the token to send.
    pub fn add_token<I, S>(&self, name: impl Into<String>, scopes: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let token = store::new_token();
        self.insert_token(
            token.clone(),
            Some(name.into()),
            scopes.into_iter().map(Into::into).collect(),
            None,
        );
        token
    }

    /// Adds an application token: it works for `app` only (403 for any other), with
    /// `scopes`. Returns the token to send.
    pub fn add_application_token<I, S>(
        &self,
        app: &ApplicationId,
        name: impl Into<String>,
        scopes: I,
    ) -> String
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let token = store::new_token();
        self.insert_token(
            token.clone(),
            Some(name.into()),
            scopes.into_iter().map(Into::into).collect(),
            Some(*app),
        );
        token
    }

    fn insert_token(
        &self,
        token: String,
        name: Option<String>,
        scopes: Vec<String>,
        application: Option<ApplicationId>,
    ) {
        let id = ApiTokenId::from_bytes(self.state.next_id()).to_string();
        let name = name.unwrap_or_else(|| "Sandbox token".to_owned());
        self.state.insert_token(
            token,
            Token {
                id,
                name,
                scopes,
                application,
                device: None,
            },
        );
    }

    /// Adds a device to an application (created if unknown) and returns its ID.
    ///
    /// # Panics
    ///
    /// When the API would refuse the device (a name over 255 characters, a tag key
    /// that is not a key, an unknown class).
    // Storing the device is the point; keeping its ID is up to the caller.
    #[allow(clippy::must_use_candidate)]
    pub fn add_device(&self, app: &ApplicationId, device: NewDevice) -> DeviceId {
        match provision::add_device(&self.state, app, device) {
            Ok(id) => id,
            Err(reason) => panic!("the sandbox cannot hold this device: {reason}"),
        }
    }

    /// Adds an access key to an application (created if unknown), with which its
    /// devices sign in (`auth.authenticateDevice`). The secret is in the answer only.
    #[must_use = "the secret is shown only in the answer"]
    pub fn add_access_key(&self, app: &ApplicationId, key: NewAccessKey) -> AccessKeyCredentials {
        provision::add_access_key(&self.state, app, key)
    }

    /// The stored device as `device.get` answers it, to check what a call changed.
    #[must_use]
    pub fn device(&self, app: &ApplicationId, id: &DeviceId) -> Option<serde_json::Value> {
        let application = self.state.application(app)?;
        let application = lock(&application);
        application
            .fleet
            .get(id)
            .map(|device| device.to_json(fleet::View::default()))
    }

    /// The stored states of a device, oldest first, as `device.getState` answers them.
    #[must_use]
    pub fn states(&self, app: &ApplicationId, id: &DeviceId) -> Vec<serde_json::Value> {
        let Some(application) = self.state.application(app) else {
            return Vec::new();
        };
        let application = lock(&application);
        application.fleet.get(id).map_or_else(Vec::new, |device| {
            device.states.iter().map(fleet::Reading::to_json).collect()
        })
    }

    /// The content of an uploaded file, once `file.upload` has taken it.
    #[must_use]
    pub fn file_content(&self, app: &ApplicationId, id: &FileId) -> Option<bytes::Bytes> {
        let application = self.state.application(app)?;
        let application = lock(&application);
        application
            .files
            .get(id)
            .and_then(|file| file.content.clone())
    }

    /// The stored event, to check what a call changed.
    #[must_use]
    pub fn event(&self, app: &ApplicationId, id: &EventId) -> Option<Event> {
        let application = self.state.application(app)?;
        let application = lock(&application);
        application.event(id).map(|event| event.to_event())
    }

    /// How many bytes an application's events take in JSON, in all (what its bound
    /// is measured against); `None` for an unknown application.
    #[must_use]
    pub fn application_bytes(&self, app: &ApplicationId) -> Option<usize> {
        self.state.application(app).map(|app| lock(&app).bytes)
    }

    /// Every application ID with its name.
    #[must_use]
    pub fn applications(&self) -> HashMap<ApplicationId, String> {
        self.state.application_names()
    }

    /// Stops the server (ending its live streams) and waits until it has stopped.
    pub async fn stop(mut self) {
        self.state.stopping.send_replace(true);
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.state.stopping.send_replace(true);
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
