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
//! - `method`: `GET`, `POST`, `PUT`, `PATCH` or `DELETE` (any case).
//! - `path`: starts with `/`; each `<name>` placeholder is a whole segment, filled by
//!   the argument of that name (a typed ID, a string or an integer: anything
//!   [`PathValue`]), percent-encoded as exactly one segment.
//! - `scope`: the operation's own scope, `resource.action`. The scopes the server
//!   accepts are derived from it: `all.Application`, `all.Organization`, `all.User`,
//!   `resource.*` and the scope itself, plus the `.read` groups for reads.
//! - `read = true|false`: whether the `.read` groups are accepted (default: GET only).
//! - `idempotent = true|false`: whether repeating the call is safe (default: GET, PUT,
//!   DELETE).
//!
//! Every other argument takes one role: `#[body]` (the JSON body; at most one, not on
//! GET or DELETE), `#[query]` (a value under the argument's name in lower camel
//! case, `#[query = "name"]` to choose it; a struct or map adds one pair per field;
//! arrays and nested objects are sent as one JSON-encoded value; `None` adds
//! nothing) or `#[header = "Name"]` (`None` sends no header).
//!
//! Methods return `Result<T>` for a JSON body decoded as `T`, or `Result<()>` when
//! the body is not needed. The macro generates, next to the trait:
//!
//! - the trait itself as an object-safe async trait (`Arc<dyn DeviceApi>` works;
//!   implement it by hand for a test double with [`macro@async_trait`]);
//! - `DeviceApiEndpoints`, holding an [`Endpoint`] constant per method (such as
//!   `DeviceApiEndpoints::GET_DEVICE`) and `ALL`;
//! - an implementation for every [`Transport`], so [`Client`] has the methods.
//!
//! [Losant]: https://www.losant.com

extern crate self as losant_core;

mod client;
mod endpoint;
mod error;
mod id;
mod outcome;
mod paging;
mod param;
mod redact;
mod request;
mod retry;
mod string_enum;
mod transport;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;

pub use client::{
    Client, ClientBuilder, DEFAULT_ACCEPT_VERSION, DEFAULT_ATTEMPT_TIMEOUT, DEFAULT_BASE_URL,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_CONCURRENT_REQUESTS, DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_OVERALL_TIMEOUT,
};
pub use endpoint::{Endpoint, Method};
pub use error::{
    ApiError, BodyTooLarge, ConfigError, DecodeError, Error, IdError, InvalidArgument,
    RedirectError, Result, ScopeError, TimeoutError, TimeoutKind, TransportError,
};
pub use id::{
    ApiTokenId, ApplicationId, DashboardId, DataTableId, DeviceId, DeviceRecipeId, EventId,
    ExperienceUserId, FlowId, OrganizationId, UserId, WebhookId,
};
pub use outcome::{FromResponse, JobEnqueued, MaybeJob};
pub use paging::{Page, PageStream, paginate};
pub use param::{HeaderArg, PathValue};
pub use redact::Redactor;
pub use retry::{RetryPolicy, SleepFuture};
pub use transport::{Request, Response, Transport};

/// Re-export of [`async-trait`](https://docs.rs/async-trait): put
/// `#[losant_core::async_trait]` on a hand-written implementation of an `#[api]`
/// trait or of [`Transport`].
pub use async_trait::async_trait;
/// Re-export of the [`http`](https://docs.rs/http) crate, whose `HeaderMap` a
/// [`Response`] carries.
pub use http;
pub use losant_macros::{api, endpoint};

/// Re-export of the stream traits of [`futures-util`](https://docs.rs/futures-util), to
/// consume a [`PageStream`] without another dependency.
pub mod stream {
    pub use futures_util::stream::{Stream, StreamExt, TryStreamExt};
}
