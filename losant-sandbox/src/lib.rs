//! An embedded, in-memory Losant API for events.
//!
//! The sandbox answers `GET`, `PATCH` and `DELETE` on
//! `/applications/{applicationId}/events/{eventId}`, and the whole collection
//! `/applications/{applicationId}/events` (list with filters, sort, pages and advanced
//! queries; create under the 15-per-15-seconds limit; bulk update; most recent by
//! severity; delete by query; export), the way the API reference says:
//! bearer tokens with scopes (401 for a missing or unknown token, 403 with Losant's
//! error shape when no scope of the token is accepted), 400 for malformed IDs and for
//! patches that break the `eventPatch` schema (the message names the field), 404
//! `{"type":"NotFound","message":"Event was not found"}` for unknown events and
//! applications. A valid patch updates the event, bumps `lastUpdated` and appends an
//! entry with its change records to `updates`.
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
//! `cargo run -p losant-sandbox -- --port 8080 [--seed FILE]`.

mod collection;
mod routes;
mod seed;
mod state;
mod validate;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use losant_core::{ApplicationId, DeviceId, EventId};
use losant_events::{Event, EventLevel, EventState, SourceType};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub use seed::{DEMO_APPLICATION, DEMO_EVENT, DEMO_TOKEN, Seed, SeedApplication, SeedToken};

use state::{State, Token};

/// A running sandbox. Dropping it stops the server too; [`stop`](Self::stop) waits
/// until it has.
#[derive(Debug)]
pub struct Sandbox {
    base_url: String,
    state: Arc<State>,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<JoinHandle<()>>,
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
        let mut faults = self.state.lock_faults();
        faults.fail_next = count;
        faults.fail_status = status;
    }

    /// Delays every answer by `latency`.
    pub fn set_latency(&self, latency: Duration) {
        self.state.lock_faults().latency = latency;
    }

    /// Removes every injected fault.
    pub fn clear(&self) {
        let mut faults = self.state.lock_faults();
        faults.fail_next = 0;
        faults.latency = Duration::ZERO;
    }
}

impl Sandbox {
    /// Starts an empty sandbox on `127.0.0.1` with a free port.
    pub async fn start() -> std::io::Result<Self> {
        Self::start_with(Seed::default()).await
    }

    /// Starts a sandbox on `127.0.0.1` with a free port, seeded with `seed`.
    pub async fn start_with(seed: Seed) -> std::io::Result<Self> {
        Self::bind(SocketAddr::from(([127, 0, 0, 1], 0)), seed).await
    }

    /// Starts a sandbox on `addr`, seeded with `seed`.
    pub async fn bind(addr: SocketAddr, seed: Seed) -> std::io::Result<Self> {
        let listener = TcpListener::bind(addr).await?;
        let local = listener.local_addr()?;
        let state = Arc::new(State::default());
        let sandbox_state = Arc::clone(&state);
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = routes::router(Arc::clone(&state));
        let server = tokio::spawn(async move {
            let serve = axum::serve(listener, app).with_graceful_shutdown(async {
                let _ = stopped.await;
            });
            if let Err(error) = serve.await {
                eprintln!("losant-sandbox: server error: {error}");
            }
        });
        let sandbox = Sandbox {
            base_url: format!("http://{local}"),
            state: sandbox_state,
            shutdown: Some(shutdown),
            server: Some(server),
        };
        sandbox.apply(seed);
        Ok(sandbox)
    }

    fn apply(&self, seed: Seed) {
        for application in seed.applications {
            self.insert_application(application.id, application.name);
        }
        for event in seed.events {
            if let Some(app) = event.application_id {
                self.add_event(&app, NewEvent::from(event));
            }
        }
        for token in seed.tokens {
            self.insert_token(token.token, token.name, token.scopes);
        }
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
        let id: ApplicationId = self
            .state
            .next_id()
            .parse()
            .unwrap_or_else(|_| unreachable!());
        self.insert_application(id, name.into());
        id
    }

    fn insert_application(&self, id: ApplicationId, name: String) {
        let mut store = self.state.lock();
        let application = store.applications.entry(id).or_default();
        application.name = name;
    }

    /// Adds an event to an application (created if unknown) and returns its ID. The
    /// event gets an ID, creation and update times, `new` state and a `user` source
    /// unless it has them already.
    // Storing the event is the point; keeping its ID is up to the caller.
    #[allow(clippy::must_use_candidate)]
    pub fn add_event(&self, app: &ApplicationId, event: NewEvent) -> EventId {
        insert_event(&self.state, app, event)
    }

    /// Sets how many events an application may create through the API per window
    /// (default 15 per 15 seconds, as Losant); `None` removes the limit. Over it,
    /// creation answers 429 "Over rate limit, request throttled".
    pub fn set_creation_limit(&self, limit: Option<(usize, Duration)>) {
        *self.state.lock_creation_limit() = limit;
    }

    /// Adds a token with `scopes` (such as `all.Application` or `event.get`) and
    /// returns the token to send.
    pub fn add_token<I, S>(&self, name: impl Into<String>, scopes: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let token = format!("sandbox-{}", self.state.next_id());
        self.insert_token(
            token.clone(),
            Some(name.into()),
            scopes.into_iter().map(Into::into).collect(),
        );
        token
    }

    fn insert_token(&self, token: String, name: Option<String>, scopes: Vec<String>) {
        let id = self.state.next_id();
        let name = name.unwrap_or_else(|| "Sandbox token".to_owned());
        self.state
            .lock()
            .tokens
            .insert(token, Token { id, name, scopes });
    }

    /// The stored event, to check what a call changed.
    #[must_use]
    pub fn event(&self, app: &ApplicationId, id: &EventId) -> Option<Event> {
        self.state.lock().applications.get(app)?.event(id).cloned()
    }

    /// Every application ID with its name.
    #[must_use]
    pub fn applications(&self) -> HashMap<ApplicationId, String> {
        self.state
            .lock()
            .applications
            .iter()
            .map(|(id, app)| (*id, app.name.clone()))
            .collect()
    }

    /// Stops the server and waits until it has stopped.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
    }
}

/// Stores an event, filling in its ID, times, state and source when missing.
pub(crate) fn insert_event(state: &State, app: &ApplicationId, event: NewEvent) -> EventId {
    let mut event = event.event;
    let id = event
        .id
        .or(event.event_id)
        .unwrap_or_else(|| state.next_id().parse().unwrap_or_else(|_| unreachable!()));
    let now = state::now();
    event.id = Some(id);
    event.event_id = Some(id);
    event.application_id = Some(*app);
    event.creation_date.get_or_insert(now);
    event.last_updated.get_or_insert(now);
    event.state.get_or_insert(EventState::New);
    event.source_type.get_or_insert(SourceType::User);
    event.updates.get_or_insert_with(Vec::new);
    let sequence = state.next_sequence();
    let mut store = state.lock();
    let application = store.applications.entry(*app).or_default();
    if let Some(old) = application.index.insert(id, sequence) {
        application.events.remove(&old);
    }
    application.events.insert(sequence, event);
    id
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}
