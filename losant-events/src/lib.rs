//! Losant **Event** bindings for [losant-rs](losant_core): the models of the
//! `event` resource and [`EventApi`], its three operations declared with
//! `#[endpoint]`.
//!
//! ```no_run
//! # async fn run() -> losant_core::Result<()> {
//! use losant_core::Client;
//! use losant_events::{ApplicationId, EventApi, EventId, EventPatch, EventState};
//!
//! let client = Client::from_env()?;
//! let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse()?;
//! let id: EventId = "575ed0de7ae143cd83dc4aa5".parse()?;
//! let event = client.get_event(&app, &id).await?;
//! println!("{:?}: {:?}", event.state, event.subject);
//! let patch = EventPatch::new()
//!     .state(EventState::Acknowledged)
//!     .comment("Looking into this issue");
//! client.patch_event(&app, &id, &patch).await?;
//! client.delete_event(&app, &id).await?;
//! # Ok(()) }
//! ```

// docs.rs: every item shows the cargo features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod collection;
mod export;
mod model;
mod options;
mod patch;
mod post;
mod query;
mod validate;

use losant_core::{JobEnqueued, MaybeJob, Result, api};

/// The ID types of the traits' signatures and of the models, re-exported so that
/// `losant_events::{ApplicationId, EventId}` work without naming `losant_core`.
pub use losant_core::{ApplicationId, DeviceId, EventId};

pub use collection::{EventPlusNewCount, Events, EventsDeleted};
pub use export::{EventsExport, ExportFormat, MAX_EXPORT_ADDRESS_CHARS};
pub use losant_core::query::MAX_QUERY_ITEMS;
pub use model::{
    Change, DeviceIdChange, Event, EventLevel, EventState, EventUpdate, SourceType, Success,
};
pub use options::{EventsFilter, EventsQuery, FilterField, SortDirection, SortField};
pub use patch::EventPatch;
pub use post::EventPost;
pub use query::{EventField, EventQuery, FieldQuery};
pub use validate::{
    MAX_COMMENT_CHARS, MAX_DATA_DEPTH, MAX_MESSAGE_CHARS, MAX_SUBJECT_CHARS, MAX_TAG_CHARS,
};

/// Actions on a single event (`/applications/{applicationId}/events/{eventId}`).
///
/// Implemented for [`losant_core::Client`] and every other [`losant_core::Transport`];
/// [`EventApiEndpoints`] holds each operation's metadata.
#[api]
pub trait EventApi {
    /// Retrieves information on an event.
    ///
    /// Fails with 404 when the event does not exist. Accepted scopes: the `all.*`
    /// groups (`.bounded` and `.read` included), `event.*` and `event.get`.
    #[endpoint(
        method = "GET",
        path = "/applications/<app>/events/<event>",
        scope = "event.get",
        accepts = [
            "all.Application",
            "all.Application.bounded",
            "all.Application.read",
            "all.Organization",
            "all.Organization.bounded",
            "all.Organization.read",
            "all.User",
            "all.User.bounded",
            "all.User.read",
            "event.*",
            "event.get"
        ]
    )]
    async fn get_event(&self, app: &ApplicationId, event: &EventId) -> Result<Event>;

    /// Updates information about an event and returns the updated event.
    ///
    /// The patch is checked against the schema's limits first. Accepted scopes: the
    /// `all.*` groups and their `.bounded` forms, `event.*` and `event.patch`.
    #[endpoint(
        method = "PATCH",
        path = "/applications/<app>/events/<event>",
        scope = "event.patch",
        accepts = [
            "all.Application",
            "all.Application.bounded",
            "all.Organization",
            "all.Organization.bounded",
            "all.User",
            "all.User.bounded",
            "event.*",
            "event.patch"
        ]
    )]
    async fn patch_event(
        &self,
        app: &ApplicationId,
        event: &EventId,
        #[body] patch: &EventPatch,
    ) -> Result<Event>;

    /// Deletes an event.
    ///
    /// Accepted scopes: the `all.*` groups and their `.bounded` forms, `event.*` and
    /// `event.delete`.
    #[endpoint(
        method = "DELETE",
        path = "/applications/<app>/events/<event>",
        scope = "event.delete",
        accepts = [
            "all.Application",
            "all.Application.bounded",
            "all.Organization",
            "all.Organization.bounded",
            "all.User",
            "all.User.bounded",
            "event.*",
            "event.delete"
        ]
    )]
    async fn delete_event(&self, app: &ApplicationId, event: &EventId) -> Result<Success>;
}

/// Actions on the events of an application (`/applications/{applicationId}/events`).
///
/// Implemented for [`losant_core::Client`] and every other [`losant_core::Transport`];
/// [`EventsApiEndpoints`] holds each operation's metadata.
///
/// ```no_run
/// # async fn run(client: losant_core::Client, app: losant_core::ApplicationId) -> losant_core::Result<()> {
/// use losant_core::stream::TryStreamExt;
/// use losant_events::{EventField, EventLevel, EventQuery, EventsApi, EventsQuery};
///
/// let critical = EventQuery::from(EventQuery::field(EventField::Level).eq(EventLevel::Critical));
/// let options = EventsQuery::new().per_page(100);
/// let mut events = client
///     .get_events(&app)
///     .options(&options)
///     .query(&critical)
///     .stream();
/// while let Some(event) = events.try_next().await? {
///     println!("{:?}", event.subject);
/// }
/// # Ok(()) }
/// ```
#[api]
pub trait EventsApi {
    /// Returns the events of an application: one page, filtered, sorted, and
    /// narrowed by an advanced query (sent JSON-encoded). The call's `stream()`
    /// walks every page.
    #[endpoint(
        method = "GET",
        path = "/applications/<app>/events",
        scope = "events.get",
        accepts = [
            "all.Application",
            "all.Application.bounded",
            "all.Application.read",
            "all.Organization",
            "all.Organization.bounded",
            "all.Organization.read",
            "all.User",
            "all.User.bounded",
            "all.User.read",
            "events.*",
            "events.get"
        ],
        paginate = "page"
    )]
    async fn get_events(
        &self,
        app: &ApplicationId,
        #[query] options: Option<&EventsQuery>,
        #[query(json)] query: Option<&EventQuery>,
        #[query] page: Option<u32>,
    ) -> Result<Events>;

    /// Creates an event (201). The API allows 15 creations per 15 seconds per
    /// application; over it the call fails with a 429 (`Error::is_rate_limited`).
    #[endpoint(
        method = "POST",
        path = "/applications/<app>/events",
        scope = "events.post",
        accepts = [
            "all.Application",
            "all.Application.bounded",
            "all.Organization",
            "all.Organization.bounded",
            "all.User",
            "all.User.bounded",
            "events.*",
            "events.post"
        ]
    )]
    async fn post_event(&self, app: &ApplicationId, #[body] event: &EventPost) -> Result<Event>;

    /// Updates every event matching the filters and query: done at once (200) or
    /// queued as a job (202).
    #[endpoint(
        method = "PATCH",
        path = "/applications/<app>/events",
        scope = "events.patch",
        accepts = [
            "all.Application",
            "all.Application.bounded",
            "all.Organization",
            "all.Organization.bounded",
            "all.User",
            "all.User.bounded",
            "events.*",
            "events.patch"
        ]
    )]
    async fn patch_events(
        &self,
        app: &ApplicationId,
        #[query] filter: Option<&EventsFilter>,
        #[query(json)] query: Option<&EventQuery>,
        #[query] email: Option<&str>,
        #[query] callback_url: Option<&str>,
        #[body] updates: &EventPatch,
    ) -> Result<MaybeJob<Success>>;

    /// Returns the most recent event of the highest severity among those matching,
    /// with the number of new events.
    #[endpoint(
        method = "GET",
        path = "/applications/<app>/events/mostRecentBySeverity",
        scope = "events.mostRecentBySeverity",
        accepts = [
            "all.Application",
            "all.Application.bounded",
            "all.Application.read",
            "all.Organization",
            "all.Organization.bounded",
            "all.Organization.read",
            "all.User",
            "all.User.bounded",
            "all.User.read",
            "events.*",
            "events.mostRecentBySeverity"
        ]
    )]
    async fn most_recent_by_severity(
        &self,
        app: &ApplicationId,
        #[query] filter: Option<&str>,
        #[query(json)] query: Option<&EventQuery>,
    ) -> Result<EventPlusNewCount>;

    /// Deletes the events matching `query` (every event without one): done at once
    /// (200) or queued as a job (202). Safe to repeat; accepted by the `.read` groups,
    /// as the API reference lists.
    #[endpoint(
        method = "POST",
        path = "/applications/<app>/events/delete",
        scope = "events.delete",
        accepts = [
            "all.Application",
            "all.Application.bounded",
            "all.Application.read",
            "all.Organization",
            "all.Organization.bounded",
            "all.Organization.read",
            "all.User",
            "all.User.bounded",
            "all.User.read",
            "events.*",
            "events.delete"
        ],
        read = true,
        idempotent = true
    )]
    async fn delete_events(
        &self,
        app: &ApplicationId,
        #[body] query: Option<&EventQuery>,
        #[query] email: Option<&str>,
        #[query] callback_url: Option<&str>,
    ) -> Result<MaybeJob<EventsDeleted>>;

    /// Queues an export of the events (202); the export is emailed or announced to a
    /// callback URL.
    #[endpoint(
        method = "POST",
        path = "/applications/<app>/events/export",
        scope = "events.export",
        accepts = [
            "all.Application",
            "all.Application.bounded",
            "all.Application.read",
            "all.Organization",
            "all.Organization.bounded",
            "all.Organization.read",
            "all.User",
            "all.User.bounded",
            "all.User.read",
            "events.*",
            "events.export"
        ],
        read = true
    )]
    async fn export_events(
        &self,
        app: &ApplicationId,
        #[body] export: &EventsExport,
    ) -> Result<JobEnqueued>;
}
