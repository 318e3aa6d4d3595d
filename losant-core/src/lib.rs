//! Runtime of **losant-rs**, a declarative client of the REST API of the [Losant]
//! platform for the Internet of Things.
//!
//! An endpoint is one trait method annotated with [`macro@endpoint`] inside a trait
//! annotated with [`macro@api`]; the macro writes the request code on top of this
//! crate's [`Transport`], which [`Client`] implements over HTTP.
//!
//! ```
//! use losant_core::{api, ApplicationId, Result};
//!
//! /// Actions on a device.
//! #[api]
//! pub trait DeviceApi {
//!     /// Retrieves information on a device.
//!     #[endpoint(method = "GET", path = "/applications/<app>/devices/<device>", scope = "device.get")]
//!     async fn get_device(&self, app: &ApplicationId, device: &losant_core::DeviceId) -> Result<serde_json::Value>;
//!
//!     /// Removes a device, with its data when `keep_data` is `false`.
//!     #[endpoint(method = "DELETE", path = "/applications/<app>/devices/<device>", scope = "device.delete")]
//!     async fn delete_device(
//!         &self,
//!         app: &ApplicationId,
//!         device: &losant_core::DeviceId,
//!         #[query] include_data: Option<bool>,
//!     ) -> Result<()>;
//! }
//! ```
//!
//! [Losant]: https://www.losant.com
#![doc = include_str!("docs/endpoints.md")]
// docs.rs: every item shows the cargo features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate self as losant_core;

mod aggregation;
mod builder;
mod call;
mod client;
mod config;
mod endpoint;
mod error;
mod id;
mod job;
pub mod json;
mod json_path;
mod keyed;
pub mod multipart;
mod one_or_many;
mod or_false;
mod paging;
mod param;
pub mod query;
mod redact;
pub mod request;
pub mod response;
mod retry;
mod secret;
#[cfg(feature = "tower")]
mod service;
mod sse;
mod string_enum;
mod throttle;
mod time;
mod timestamp;
mod transport;
pub mod validate;
mod wire;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use aggregation::{
    Aggregation, AggregationFunction, AggregationValue, MAX_AGGREGATION_VALUE_CHARS,
};
pub use builder::{
    ClientBuilder, DEFAULT_ACCEPT_VERSION, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_OVERALL_TIMEOUT,
};
pub use call::{
    CallSettings, DEFAULT_MAX_MESSAGE_BYTES, GlobalParams, Reply, Settings, StreamCall,
    StreamSettings,
};
pub use client::Client;
pub use endpoint::{Auth, Endpoint, Method};
pub use error::{
    ApiError, BodyTooLarge, Call, ConfigError, DecodeError, Error, IdError, InvalidArgument,
    RateLimitError, RedirectError, Result, ScopeError, TimeoutError, TimeoutKind, TransportError,
};
pub use id::{
    ApiTokenId, ApplicationCertificateAuthorityId, ApplicationCertificateId, ApplicationId,
    ApplicationKeyId, ApplicationTemplateId, AuditLogId, CredentialId, DashboardId, DataTableId,
    DataTableRowId, DeviceId, DeviceRecipeId, EdgeDeploymentId, EmbeddedDeploymentId, EventId,
    ExperienceDomainId, ExperienceEndpointId, ExperienceGroupId, ExperienceSlugId,
    ExperienceUserId, ExperienceViewId, FileId, FlowId, InstanceAuditLogId, InstanceCustomNodeId,
    InstanceId, InstanceSandboxId, IntegrationId, InviteId, JobId, NotebookId, NotificationRuleId,
    OauthTokenId, OrganizationId, PrivateFileId, ResourceId, ResourceJobId, UserId, WebhookId,
};
pub use job::{JobEnqueued, MaybeJob};
pub use multipart::{FilePart, Progress};
pub use one_or_many::OneOrMany;
pub use or_false::OrFalse;
pub use paging::{Page, PageStream, paginate};
pub use param::{HeaderArg, PathValue, Segment};
pub use query::{FieldQuery, Query, QueryField, TableColumn, TaggedField};
pub use redact::Redactor;
pub use request::Request;
pub use response::{FromResponse, Response};
pub use retry::{RetryPolicy, SleepFuture};
pub use secret::Secret;
#[cfg(feature = "tower")]
pub use service::ServiceTransport;
pub use sse::{EventStream, FromMessage, Message};
pub use throttle::RateLimit;
pub use time::Time;
pub use timestamp::{Timestamp, TimestampError};
pub use transport::{ByteStream, Opened, Transport};
pub use validate::Validate;
pub use wire::install_crypto_provider;

/// Re-export of [`async-trait`](https://docs.rs/async-trait): put
/// `#[losant_core::async_trait]` on a hand-written implementation of an `#[api]`
/// trait or of [`Transport`].
pub use async_trait::async_trait;
/// Re-export of the [`http`](https://docs.rs/http) crate, whose `HeaderMap` a
/// [`Response`] carries.
pub use http;
pub use losant_macros::{StringEnum, api, endpoint};

/// Re-export of the stream traits of [`futures-util`](https://docs.rs/futures-util), to
/// consume a [`PageStream`] without another dependency.
pub mod stream {
    pub use futures_util::stream::{Stream, StreamExt, TryStreamExt};
}
