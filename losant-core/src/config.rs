//! [`Config`]: what a [`Client`](crate::Client) runs with, as its builder resolved it.

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderValue};
use tokio::sync::Semaphore;

use crate::redact::Redactor;
use crate::retry::{RetryPolicy, Sleeper};
use crate::throttle::Throttle;
use crate::wire::{BaseUrl, HttpOrigin};

/// What a client and its clones share: the settings of a
/// [`ClientBuilder`](crate::ClientBuilder), checked and resolved by its
/// [`build`](crate::ClientBuilder::build) (the HTTP client built, the token made a
/// header and a redactor).
pub(crate) struct Config {
    pub(crate) http: reqwest::Client,
    pub(crate) base_url: BaseUrl,
    /// `Bearer <token>`, marked sensitive; sent by the endpoints that take the token.
    /// `None` for a client built [`without_token`](crate::ClientBuilder::without_token).
    pub(crate) authorization: Option<HeaderValue>,
    /// Scrubs the token out of what the server sends back, built once: a call only
    /// scans. (The token is in the `Authorization` header value too; this copy adds
    /// no exposure.)
    pub(crate) redactor: Redactor,
    pub(crate) granted_scopes: Option<Vec<String>>,
    pub(crate) max_response_bytes: usize,
    /// Who built the HTTP client, and the connect timeout when this crate did.
    pub(crate) origin: HttpOrigin,
    pub(crate) attempt_timeout: Option<Duration>,
    pub(crate) overall_timeout: Option<Duration>,
    pub(crate) retry: RetryPolicy,
    pub(crate) sleeper: Sleeper,
    pub(crate) limiter: Option<Semaphore>,
    /// The client-side rate limits.
    pub(crate) throttles: Vec<Throttle>,
    /// The headers every request carries, when the HTTP client was brought by the
    /// user (this crate's own client carries them as its default headers).
    pub(crate) request_headers: Option<HeaderMap>,
}
