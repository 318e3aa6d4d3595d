//! The Rust client for the whole [Losant](https://www.losant.com) REST API.
//!
//! Every action of API 1.30.0 but eight (three server-sent-event streams and five
//! file uploads) is a method of an API trait, declared with `#[api]`/`#[endpoint]`
//! and implemented for [`Client`]. The traits and models are generated from
//! Losant's own API description by `losant-codegen`; the event bindings are written
//! by hand in [`events`].
//!
//! ```no_run
//! use losant::prelude::*;
//! use losant::{ApplicationId, Client, DeviceId};
//!
//! # async fn run() -> losant::Result<()> {
//! let client = Client::from_env()?;
//! let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse()?;
//! let device: DeviceId = "575ecf887ae143cd83dc4aa2".parse()?;
//! let found = client.get_device(&app, &device, &Default::default()).await?;
//! println!("{:?} is {:?}", found.name, found.connection_info);
//! # Ok(()) }
//! ```
//!
//! # Families and features
//!
//! Each family of resources (a resource and its collection: `device` and `devices`)
//! is a module with its traits, the options of its actions and the models it owns,
//! behind the cargo feature of the same name. Every feature is on by default; a
//! build that needs only a few turns the rest off:
//!
//! ```toml
//! losant = { version = "0.1", default-features = false, features = ["rustls", "http2", "device", "data"] }
//! ```
//!
//! [`models`] holds every model of the enabled families; [`prelude`] brings every
//! API trait into scope; [`endpoints`] lists the metadata of every bound action;
//! [`naming`] is the table from official action names to Rust methods.
//!
//! # Calls
//!
//! A method takes the path's IDs (typed: a [`DeviceId`] cannot be passed where an
//! [`ApplicationId`] is expected), then the action's optional query parameters as
//! one struct (`GetDevicesOptions`, `Default` leaves them all out), then the body,
//! then the page number of a paged collection. A paged collection also gets a
//! `<method>_stream` that walks every page. Request bodies are checked against their
//! schema's limits before anything is sent.

//! # Binding more endpoints
//!
//! The same macros bind any endpoint the crate does not (or a newer API version's);
//! `crate = losant` points the generated code at this crate's re-exports, so a
//! dependency on `losant` alone is enough:
//!
//! ```
//! use losant::{api, ApplicationId, Result};
//!
//! #[api(crate = losant)]
//! pub trait OauthClientApi {
//!     /// Lists the OAuth clients of the current user (API 1.31).
//!     #[endpoint(method = "GET", path = "/me/oauth-clients", scope = "userOauthClients.get")]
//!     async fn get_user_oauth_clients(&self) -> Result<serde_json::Value>;
//! }
//!
//! assert_eq!(OauthClientApiEndpoints::GET_USER_OAUTH_CLIENTS.scope(), "userOauthClients.get");
//! ```

mod generated;

pub use generated::*;

/// What `#[api(crate = losant)]` expands to; not a public API.
#[doc(hidden)]
pub use losant_core::__private;
pub use losant_core::{StringEnum, api, async_trait, endpoint};

#[cfg(feature = "events")]
pub use losant_events as events;

pub use losant_core::{
    ApiError, Auth, Client, ClientBuilder, Endpoint, Error, FromResponse, IdError, InvalidArgument,
    JobEnqueued, MaybeJob, Method, OneOrMany, Page, PageStream, PathValue, Request, Response,
    Result, RetryPolicy, Timestamp, Transport, paginate,
};
pub use losant_core::{
    ApiTokenId, ApplicationCertificateAuthorityId, ApplicationCertificateId, ApplicationId,
    ApplicationKeyId, ApplicationTemplateId, AuditLogId, CredentialId, DashboardId, DataTableId,
    DataTableRowId, DeviceId, DeviceRecipeId, EdgeDeploymentId, EmbeddedDeploymentId, EventId,
    ExperienceDomainId, ExperienceEndpointId, ExperienceGroupId, ExperienceSlugId,
    ExperienceUserId, ExperienceViewId, FileId, FlowId, InstanceAuditLogId, InstanceCustomNodeId,
    InstanceId, InstanceSandboxId, IntegrationId, InviteId, JobId, NotebookId, NotificationRuleId,
    OauthTokenId, OrganizationId, PrivateFileId, ResourceId, ResourceJobId, UserId, WebhookId,
};
pub use losant_core::{json, stream, validate};
