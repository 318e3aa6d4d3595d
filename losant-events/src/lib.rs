//! Losant **Event** bindings for [losant-rs](losant_core): the models of the
//! `event` resource and [`EventApi`], its three operations declared with
//! `#[endpoint]`.
//!
//! ```no_run
//! # async fn run() -> losant_core::Result<()> {
//! use losant_core::Client;
//! use losant_events::{EventApi, EventPatch, EventState};
//!
//! let client = Client::from_env()?;
//! let app = "575ec8687ae143cd83dc4a97".parse()?;
//! let id = "575ed0de7ae143cd83dc4aa5".parse()?;
//! let event = client.get_event(&app, &id).await?;
//! println!("{:?}: {:?}", event.state, event.subject);
//! let patch = EventPatch::new()
//!     .state(EventState::Acknowledged)
//!     .comment("Looking into this issue");
//! client.patch_event(&app, &id, &patch).await?;
//! client.delete_event(&app, &id).await?;
//! # Ok(()) }
//! ```

mod model;
mod patch;

use losant_core::{ApplicationId, EventId, Result, api};

pub use model::{
    Change, DeviceIdChange, Event, EventLevel, EventState, EventUpdate, SourceType, Success,
};
pub use patch::{EventPatch, MAX_COMMENT_CHARS, MAX_SUBJECT_CHARS, MAX_TAG_CHARS};

/// Actions on a single event (`/applications/{applicationId}/events/{eventId}`).
///
/// Implemented for [`losant_core::Client`] and every other [`losant_core::Transport`];
/// [`EventApiEndpoints`] holds each operation's metadata.
#[api]
pub trait EventApi {
    /// Retrieves information on an event.
    ///
    /// Scopes: `all.Application`, `all.Application.read`, `all.Organization`,
    /// `all.Organization.read`, `all.User`, `all.User.read`, `event.*`, `event.get`.
    /// Fails with 404 when the event does not exist.
    #[endpoint(
        method = "GET",
        path = "/applications/<app>/events/<event>",
        scope = "event.get"
    )]
    async fn get_event(&self, app: &ApplicationId, event: &EventId) -> Result<Event>;

    /// Updates information about an event and returns the updated event.
    ///
    /// Scopes: `all.Application`, `all.Organization`, `all.User`, `event.*`,
    /// `event.patch`. The patch is checked against the schema's limits first.
    #[endpoint(
        method = "PATCH",
        path = "/applications/<app>/events/<event>",
        scope = "event.patch"
    )]
    async fn patch_event(
        &self,
        app: &ApplicationId,
        event: &EventId,
        #[body] patch: &EventPatch,
    ) -> Result<Event>;

    /// Deletes an event.
    ///
    /// Scopes: `all.Application`, `all.Organization`, `all.User`, `event.*`,
    /// `event.delete`.
    #[endpoint(
        method = "DELETE",
        path = "/applications/<app>/events/<event>",
        scope = "event.delete"
    )]
    async fn delete_event(&self, app: &ApplicationId, event: &EventId) -> Result<Success>;
}
