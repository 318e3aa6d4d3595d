//! The Rust client for the whole [Losant](https://www.losant.com) REST API.
//!
//! Every action of API 1.30.0 (375, the three server-sent-event streams and the five
//! file uploads included) is a method of an API trait, declared with
//! `#[api]`/`#[endpoint]` and implemented for [`Client`]. The traits and models are generated from
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
//! let found = client.get_device(&app, &device).await?;
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
//! A method takes the action's required arguments: the path's IDs (typed: a
//! [`DeviceId`] cannot be passed where an [`ApplicationId`] is expected) and a
//! required body. It returns the action's call, on which the optional parameters are
//! set by name and the per-call settings ([`CallSettings`]) given; `.await` sends it,
//! and a paged collection's call has `.stream()`, which walks every page. Request
//! bodies are checked against their schema's limits before anything is sent.
//!
//! ```no_run
//! # use losant::prelude::*;
//! # async fn run(client: losant::Client, app: losant::ApplicationId) -> losant::Result<()> {
//! use std::time::Duration;
//!
//! let page = client
//!     .get_devices(&app)
//!     .filter("pump*")
//!     .per_page(25)
//!     .page(1)
//!     .timeout(Duration::from_secs(5))
//!     .await?;
//! let mut all = client.get_devices(&app).per_page(100).stream();
//! while let Some(device) = all.try_next().await? {
//!     println!("{:?}", device.name);
//! }
//! # Ok(()) }
//! ```

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

// docs.rs: every item shows the cargo features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod generated;
#[cfg(feature = "auth")]
mod session;

pub use generated::*;
#[cfg(feature = "auth")]
pub use session::{Authenticate, DeviceSession, UserSession};

/// What `#[api(crate = losant)]` expands to; not a public API.
#[doc(hidden)]
pub use losant_core::__private;
pub use losant_core::{StringEnum, api, async_trait, endpoint};

#[cfg(feature = "events")]
pub use losant_events as events;

pub use losant_core::query;
pub use losant_core::{
    Aggregation, AggregationFunction, AggregationValue, ApiError, Auth, CallSettings, Client,
    ClientBuilder, Endpoint, Error, EventStream, FieldQuery, FilePart, FromMessage, FromResponse,
    GlobalParams, IdError, InvalidArgument, JobEnqueued, MaybeJob, Message, Method, OneOrMany,
    Opened, OrFalse, Page, PageStream, PathValue, Progress, Query, QueryField, Reply, Request,
    Response, Result, RetryPolicy, Secret, Settings, StreamCall, StreamSettings, TableColumn,
    TaggedField, Time, Timestamp, Transport, paginate,
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
pub use losant_core::{install_crypto_provider, json, multipart, stream, validate};
