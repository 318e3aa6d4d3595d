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
//! # Declaring endpoints
//!
//! This section is the reference of everything `#[api]` and `#[endpoint]` accept. The
//! examples send their requests to a recording [`Transport`] that answers `{}`, to show
//! what goes on the wire:
//!
//! ```
//! # use losant_core::{async_trait, Request, Response, Result, Transport};
//! # use std::sync::Mutex;
//! /// Keeps what is sent, answers `{}`.
//! #[derive(Default)]
//! struct Recorder(Mutex<Vec<String>>);
//!
//! #[async_trait]
//! impl Transport for Recorder {
//!     async fn send(&self, request: Request) -> Result<Response> {
//!         let body = request.body().map(|b| String::from_utf8_lossy(b).into_owned());
//!         self.0.lock().unwrap().push(format!("{} {} {}", request.method(), request.path_and_query(), body.unwrap_or_default()));
//!         Ok(Response::new(200, "{}"))
//!     }
//! }
//! ```
//!
//! ## `#[api]` on the trait
//!
//! `#[api]` goes on a trait whose methods are endpoints (or have a default body), and
//! each endpoint method becomes a **call**: the method takes the required arguments
//! (those whose type is not an `Option`) and returns the endpoint's call type, named
//! after the method in `PascalCase` (`get_device` gives `GetDevice<'a>`). An optional
//! argument is set by name on the call (`.include_data(true)`), per-call settings come
//! from [`CallSettings`] (`.timeout(..)`, `.header(..)`, Losant's global parameters),
//! and `.await` sends it (the call implements [`IntoFuture`],
//! as the `MongoDB` driver's calls do). A call with nothing optional is its required
//! arguments and nothing else:
//!
//! ```
//! # use losant_core::{async_trait, api, ApplicationId, DeviceId, Request, Response, Result, Transport};
//! # use std::sync::Mutex;
//! # #[derive(Default)] struct Recorder(Mutex<Vec<String>>);
//! # #[async_trait] impl Transport for Recorder {
//! #     async fn send(&self, request: Request) -> Result<Response> {
//! #         self.0.lock().unwrap().push(format!("{} {}", request.method(), request.path_and_query()));
//! #         Ok(Response::new(200, "{}"))
//! #     }
//! # }
//! # #[api]
//! # pub trait DeviceApi {
//! #     #[endpoint(method = "GET", path = "/applications/<app>/devices/<device>", scope = "device.get")]
//! #     async fn get_device(&self, app: &ApplicationId, device: &DeviceId) -> Result<serde_json::Value>;
//! #     #[endpoint(method = "DELETE", path = "/applications/<app>/devices/<device>", scope = "device.delete")]
//! #     async fn delete_device(&self, app: &ApplicationId, device: &DeviceId, #[query] include_data: Option<bool>) -> Result<()>;
//! # }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! # let recorder = Recorder::default();
//! let app: ApplicationId = "575ec8687ae143cd83dc4a97".parse()?;
//! let device: DeviceId = "575ecf887ae143cd83dc4aa2".parse()?;
//! recorder.get_device(&app, &device).await?;
//! recorder.delete_device(&app, &device).include_data(true).await?;
//! assert_eq!(
//!     recorder.0.lock().unwrap()[1],
//!     "DELETE /applications/575ec8687ae143cd83dc4a97/devices/575ecf887ae143cd83dc4aa2?includeData=true"
//! );
//! # Ok::<(), losant_core::Error>(()) }).unwrap();
//! ```
//!
//! The trait stays object-safe (`Arc<dyn DeviceApi>` works) and gains `Send + Sync`
//! and `As<Trait>` (which gives any implementation as `&dyn Trait`, implemented for
//! every sized one) as supertraits. Next to it the macro generates:
//!
//! - the call type of each endpoint: every argument as a public field, a setter for
//!   each optional one, and `.stream()` for an endpoint declared with `paginate`;
//! - `run_<method>` in the trait, which a call runs through, and an implementation of
//!   the trait for every [`Transport`], so [`Client`] (and any transport: a recording
//!   one, a middleware wrapper) has the methods. A hand-written implementation (a test
//!   double) writes the `run_<method>` methods, answering each call with a [`Reply`]:
//!   `fn run_get_device<'a>(&'a self, call: GetDevice<'a>) -> Reply<'a, Device> {
//!   Reply::new(async move { ... }) }`;
//! - `<Trait>Endpoints`, an uninhabited type holding an [`Endpoint`] constant per
//!   method, named after it in capitals (`DeviceApiEndpoints::GET_DEVICE`), and
//!   `ALL`, every endpoint in declaration order.
//!
//! `#[api(crate = path)]` names the runtime in the generated code when a crate
//! re-exports it under another path (as `#[serde(crate = "...")]` does):
//!
//! ```
//! mod sdk { pub use losant_core as losant; }
//!
//! #[sdk::losant::api(crate = sdk::losant)]
//! pub trait PingApi {
//!     /// Checks that the API answers.
//!     #[endpoint(method = "GET", path = "/ping", scope = "ping.get")]
//!     async fn ping(&self) -> sdk::losant::Result<()>;
//! }
//! ```
//!
//! ## The keys of `#[endpoint(...)]`
//!
//! - `method` (required): `GET`, `POST`, `PUT`, `PATCH` or `DELETE`, in any case.
//! - `path` (required): starts with `/`; each `<name>` placeholder is a whole segment,
//!   filled by the argument of that name (a typed ID, a string, an integer: anything
//!   [`PathValue`]) and percent-encoded as exactly one segment; `""`, `.` and `..` are
//!   refused before sending.
//! - `scope` (required): the operation's own scope, `resource.action`.
//! - `accepts = ["...", ...]`: every scope the server accepts for the operation, as the
//!   API reference lists them. Without it the list is derived from `scope` as API
//!   1.30 lists it for most application actions: `all.Application`,
//!   `all.Organization`, `all.User`, each with its `.bounded` form, `resource.*` and
//!   the scope itself, plus the `.read` groups for reads. [`Endpoint::accepted_scopes`] gives the
//!   list; the client refuses, before sending, a call none of the token's
//!   [granted scopes](ClientBuilder::granted_scopes) allows.
//! - `auth = "none"`: the request carries no `Authorization` header (the API's
//!   authentication actions); `auth = "optional"`: the client's token is sent when
//!   it has one, and no scope is required (a dashboard that may be public); the
//!   default, `"token"`, sends the client's token and needs one.
//! - `read = true|false`: whether the `.read` scope groups allow the operation
//!   (default: GET only).
//! - `idempotent = true|false`: whether repeating the call is safe, which lets the
//!   retry policy retry it after the request may have reached the server (default:
//!   GET, PUT and DELETE).
//! - `paginate = "page"`: names the `#[query]` argument holding the page number of a
//!   paged collection whose return type implements [`Page`]; the call gains
//!   `.stream()`, which walks every page lazily (one page in memory at a time) from
//!   the page set on the call (else 0), with the call's other arguments.
//!
//! ```
//! # use losant_core::{async_trait, Request, Response, Result, Transport};
//! # use std::sync::Mutex;
//! # #[derive(Default)] struct Recorder(Mutex<Vec<String>>);
//! # #[async_trait] impl Transport for Recorder {
//! #     async fn send(&self, request: Request) -> Result<Response> {
//! #         self.0.lock().unwrap().push(format!("{} {}", request.method(), request.path_and_query()));
//! #         Ok(Response::new(200, r#"{"items":[{"id":1}],"totalCount":1}"#))
//! #     }
//! # }
//! use losant_core::stream::TryStreamExt;
//! use losant_core::{api, Auth, Page};
//!
//! #[derive(serde::Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! pub struct Devices { items: Vec<serde_json::Value>, total_count: u64 }
//!
//! impl Page for Devices {
//!     type Item = serde_json::Value;
//!     fn into_items(self) -> Vec<serde_json::Value> { self.items }
//!     fn total_count(&self) -> Option<u64> { Some(self.total_count) }
//! }
//!
//! #[api]
//! pub trait DevicesApi {
//!     /// Lists devices, one page at a time.
//!     #[endpoint(
//!         method = "GET",
//!         path = "/applications/<app>/devices",
//!         scope = "devices.get",
//!         accepts = ["all.Application", "all.Application.read", "devices.*", "devices.get"],
//!         paginate = "page"
//!     )]
//!     async fn get_devices(&self, app: &str, #[query] page: Option<u32>) -> Result<Devices>;
//!
//!     /// Authenticates a device: no token is sent.
//!     #[endpoint(method = "POST", path = "/auth/device", scope = "auth.authenticateDevice", auth = "none")]
//!     async fn authenticate_device(&self, #[body] credentials: &serde_json::Value) -> Result<serde_json::Value>;
//!
//!     /// A search that is safe to repeat, and allowed to read-only tokens.
//!     #[endpoint(method = "POST", path = "/applications/<app>/devices/search", scope = "devices.search", read = true, idempotent = true)]
//!     async fn search_devices(&self, app: &str, #[body] query: &serde_json::Value) -> Result<serde_json::Value>;
//! }
//!
//! let endpoint = &DevicesApiEndpoints::GET_DEVICES;
//! assert_eq!(endpoint.accepted_scopes().len(), 4);
//! assert_eq!(DevicesApiEndpoints::AUTHENTICATE_DEVICE.auth(), Auth::None);
//! assert!(DevicesApiEndpoints::SEARCH_DEVICES.is_read() && DevicesApiEndpoints::SEARCH_DEVICES.is_idempotent());
//! assert_eq!(DevicesApiEndpoints::ALL.len(), 3);
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let recorder = Recorder::default();
//! let all: Vec<serde_json::Value> = recorder.get_devices("app").stream().try_collect().await?;
//! assert_eq!(all.len(), 1);
//! assert_eq!(recorder.0.lock().unwrap()[0], "GET /applications/app/devices?page=0");
//! # Ok::<(), losant_core::Error>(()) }).unwrap();
//! ```
//!
//! ## Argument roles
//!
//! Every argument but `&self` takes exactly one role; an argument whose type is
//! `Option<T>` is optional, set by name on the call and left out otherwise:
//!
//! - a path placeholder: the argument named like a `<name>` of the path;
//! - `#[body]`: the JSON body (at most one; not on GET or DELETE); `None` sends none.
//!   A body whose `Serialize` fails (a model refusing a value over its schema's
//!   limits) fails the call with [`Error::InvalidArgument`], with nothing sent.
//!   `#[body(validate)]` first checks the value with [`Validate`], so the error
//!   names the field that breaks a limit (`device.tags[3].key`);
//! - `#[query]`: a query parameter named after the argument in lower camel case
//!   (`per_page` is `perPage`); `#[query = "name"]` or `#[query(name = "name")]`
//!   chooses the name. A struct or a map adds one pair per field; arrays and nested
//!   objects use the indexed brackets of Losant's official clients (the `qs`
//!   defaults: `tagFilter[0][key]=floor`, brackets percent-encoded); `None` adds
//!   nothing;
//! - `#[query(json)]` (with `name = "..."` if needed): the whole value as one
//!   JSON-encoded parameter, as Losant's object-valued parameters (advanced queries)
//!   take it;
//! - `#[header = "Name"]`: a header; `None` sends none. The client's own headers
//!   (`Authorization`, `Accept`, `Content-Type`, ...) cannot be arguments.
//!
//! ```
//! # use losant_core::{async_trait, Request, Response, Result, Transport};
//! # use std::sync::Mutex;
//! # #[derive(Default)] struct Recorder(Mutex<Vec<String>>);
//! # #[async_trait] impl Transport for Recorder {
//! #     async fn send(&self, request: Request) -> Result<Response> {
//! #         let body = request.body().map(|b| String::from_utf8_lossy(b).into_owned());
//! #         let header = request.headers().first().map(|(n, v)| format!("{n}: {v}"));
//! #         self.0.lock().unwrap().push(format!("{} {} {} {}", request.method(), request.path_and_query(), body.unwrap_or_default(), header.unwrap_or_default()));
//! #         Ok(Response::new(200, "{}"))
//! #     }
//! # }
//! use losant_core::api;
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! #[serde(rename_all = "camelCase")]
//! pub struct Sort { sort_field: &'static str, sort_direction: &'static str }
//!
//! #[api]
//! pub trait DeviceApi {
//!     /// Every role at once.
//!     #[endpoint(method = "PATCH", path = "/applications/<app>/devices/<device>", scope = "device.patch")]
//!     async fn patch_device(
//!         &self,
//!         app: &str,
//!         device: &str,
//!         #[body] patch: &serde_json::Value,
//!         #[query] per_page: Option<u32>,
//!         #[query = "tag"] tag_key: &str,
//!         #[query] sort: &Sort,
//!         #[query(json)] query: Option<&serde_json::Value>,
//!         #[header = "X-Request-Id"] request_id: Option<&str>,
//!     ) -> losant_core::Result<()>;
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let recorder = Recorder::default();
//! let sort = Sort { sort_field: "name", sort_direction: "asc" };
//! recorder
//!     .patch_device("a/b", "d1", &serde_json::json!({"name": "Pump"}), "zone", &sort)
//!     .per_page(10)
//!     .query(&serde_json::json!({"$eq": 1}))
//!     .request_id("r-1")
//!     .await?;
//! assert_eq!(
//!     recorder.0.lock().unwrap()[0],
//!     r#"PATCH /applications/a%2Fb/devices/d1?perPage=10&tag=zone&sortDirection=asc&sortField=name&query=%7B%22%24eq%22%3A1%7D {"name":"Pump"} x-request-id: r-1"#
//! );
//! # Ok::<(), losant_core::Error>(()) }).unwrap();
//! ```
//!
//! ## Return types
//!
//! `Result<T>` decodes a 2xx JSON body as `T` (any `DeserializeOwned`, or anything
//! [`FromResponse`]); `Result<()>` ignores the body (a 204, say); `Result<MaybeJob<T>>`
//! decodes a 200 as `T` and a 202 as the queued [`JobEnqueued`]. Any other status is
//! a typed [`Error`].
//!
//! [Losant]: https://www.losant.com

// docs.rs: every item shows the cargo features it needs.
#![cfg_attr(docsrs, feature(doc_cfg))]

extern crate self as losant_core;

mod aggregation;
mod builder;
mod call;
mod client;
mod endpoint;
mod error;
mod id;
mod job;
pub mod json;
mod json_path;
mod keyed;
mod one_or_many;
mod or_false;
mod paging;
mod param;
pub mod query;
mod redact;
pub mod request;
pub mod response;
mod retry;
#[cfg(feature = "tower")]
mod service;
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
pub use builder::ClientBuilder;
pub use call::{CallSettings, GlobalParams, Reply, Settings};
pub use client::{
    Client, DEFAULT_ACCEPT_VERSION, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_OVERALL_TIMEOUT,
};
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
pub use one_or_many::OneOrMany;
pub use or_false::OrFalse;
pub use paging::{Page, PageStream, paginate};
pub use param::{HeaderArg, PathValue, Segment};
pub use query::{FieldQuery, Query, QueryField, TableColumn, TaggedField};
pub use redact::Redactor;
pub use request::Request;
pub use response::{FromResponse, Response};
pub use retry::{RetryPolicy, SleepFuture};
#[cfg(feature = "tower")]
pub use service::ServiceTransport;
pub use throttle::RateLimit;
pub use time::Time;
pub use timestamp::{Timestamp, TimestampError};
pub use transport::Transport;
pub use validate::Validate;

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
