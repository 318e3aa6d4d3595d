//! The HTTP client: [`Client`] and its [`ClientBuilder`].

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use async_trait::async_trait;
use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;
use tracing::Instrument;

use crate::endpoint::{Endpoint, Method};
use crate::error::{
    BodyTooLarge, ConfigError, Error, InvalidArgument, RateLimitError, Result, ScopeError,
    TimeoutError, TimeoutKind, TransportError, excerpt,
};
use crate::redact::Redactor;
use crate::retry::{
    RetryPolicy, SleepFuture, Sleeper, parse_retry_after, retryable_status, tokio_sleeper,
};
use crate::transport::{Request, Response, Transport};

/// The default base URL of the Losant API.
pub const DEFAULT_BASE_URL: &str = "https://api.losant.com";
/// The API version requested by default with the `Accept-Version` header.
pub const DEFAULT_ACCEPT_VERSION: &str = "^1.30.0";
/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for one attempt, from sending to the end of the body.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default time allowed for a whole call, every attempt and wait included.
pub const DEFAULT_OVERALL_TIMEOUT: Duration = Duration::from_secs(90);
/// Default number of calls of one client in flight at once.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 64;
/// Default limit of a response body: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// A client of the Losant REST API.
///
/// Cheap to clone: clones share one connection pool and configuration. Every `#[api]`
/// trait (such as `losant_events::EventApi`) is implemented for it.
///
/// A call is made of one or more attempts under the client's [`RetryPolicy`], each
/// limited by the attempt timeout, all of them by the overall timeout; at most
/// [`max_concurrent_requests`](ClientBuilder::max_concurrent_requests) calls of one
/// client are in flight at once, so a burst reuses a bounded set of connections.
///
/// ```no_run
/// # async fn run() -> losant_core::Result<()> {
/// use losant_core::Client;
///
/// let client = Client::from_env()?; // LOSANT_API_TOKEN, optional LOSANT_API_URL
/// let sandbox = Client::builder()
///     .token("my-token")
///     .base_url("http://127.0.0.1:8080")
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base_url: String,
    /// Scrubs the token out of what the server sends back, built once: a call only
    /// scans. (The token is in the `Authorization` header value too; this copy adds
    /// no exposure.)
    redactor: Redactor,
    granted_scopes: Option<Vec<String>>,
    max_response_bytes: usize,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    overall_timeout: Option<Duration>,
    retry: RetryPolicy,
    sleeper: Sleeper,
    limiter: Option<Semaphore>,
}

/// Which failed attempts may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// Nothing was sent: safe for every method.
    Always,
    /// The request may have reached the server: only for idempotent endpoints.
    IfIdempotent,
    /// Trying again cannot help.
    Never,
}

/// A failed attempt.
struct Failure {
    error: Error,
    retry: Retry,
}

impl Client {
    /// A client for the default base URL with `token` and default settings.
    pub fn new(token: impl Into<String>) -> Result<Self> {
        Self::builder().token(token).build()
    }

    /// A client configured from the environment: `LOSANT_API_TOKEN` (required) and
    /// `LOSANT_API_URL` (optional, defaults to `https://api.losant.com`).
    pub fn from_env() -> Result<Self> {
        let token = std::env::var("LOSANT_API_TOKEN").map_err(|_| {
            ConfigError::error("LOSANT_API_TOKEN is not set (or is not valid UTF-8)")
        })?;
        let mut builder = Self::builder().token(token);
        if let Ok(url) = std::env::var("LOSANT_API_URL") {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// A builder for a client with non-default settings.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The base URL every request path is appended to, without a trailing `/`.
    #[must_use]
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// Turns a reqwest failure of one attempt into a typed error and says whether it
    /// may be retried. `clamped`: the attempt's timeout was cut to the overall deadline.
    fn failure(
        &self,
        endpoint: &'static Endpoint,
        error: &reqwest::Error,
        clamped: bool,
        attempt_timeout: Option<Duration>,
    ) -> Failure {
        if error.is_timeout() {
            let (kind, after, retry) = if error.is_connect() {
                (
                    TimeoutKind::Connect,
                    self.inner.connect_timeout,
                    Retry::Always,
                )
            } else if clamped {
                (
                    TimeoutKind::Overall,
                    self.inner.overall_timeout,
                    Retry::Never,
                )
            } else {
                (TimeoutKind::Attempt, attempt_timeout, Retry::IfIdempotent)
            };
            let error = Error::Timeout(Box::new(TimeoutError {
                endpoint: Some(endpoint),
                kind,
                after,
                attempts: 1,
            }));
            return Failure { error, retry };
        }
        let connect = error.is_connect();
        let mut message = if connect {
            "could not connect (nothing was sent)".to_owned()
        } else {
            "the request failed".to_owned()
        };
        let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Failure {
            error: Error::Transport(Box::new(TransportError {
                endpoint: Some(endpoint),
                message: self.inner.redactor.redact_string(message),
                source: None,
                attempts: 1,
            })),
            retry: if connect {
                Retry::Always
            } else {
                Retry::IfIdempotent
            },
        }
    }

    /// One attempt: sends the request and reads the whole body within the limit.
    async fn attempt(
        &self,
        request: &Request,
        timeout: Option<Duration>,
        clamped: bool,
    ) -> Result<Response, Failure> {
        let endpoint = request.endpoint();
        let never = |error: Error| Failure {
            error,
            retry: Retry::Never,
        };
        let mut url =
            String::with_capacity(self.inner.base_url.len() + request.path_and_query().len());
        url.push_str(&self.inner.base_url);
        url.push_str(request.path_and_query());
        let mut builder = self
            .inner
            .http
            .request(reqwest_method(endpoint.method()), url);
        for (name, value) in request.headers() {
            let name = HeaderName::from_bytes(name.as_bytes());
            let value = HeaderValue::from_str(value);
            let (Ok(name), Ok(value)) = (name, value) else {
                return Err(never(
                    InvalidArgument {
                        endpoint: Some(endpoint),
                        argument: "header".to_owned(),
                        reason: "not a valid HTTP header".to_owned(),
                    }
                    .into(),
                ));
            };
            builder = builder.header(name, value);
        }
        if let Some(body) = &request.body {
            builder = builder
                .header(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )
                .body(body.clone());
        }
        // The attempt timeout is the HTTP client's own (set once at build time); a
        // request only carries one when the overall deadline cuts it shorter.
        if clamped && let Some(timeout) = timeout {
            builder = builder.timeout(timeout);
        }

        let fail = |e: reqwest::Error| self.failure(endpoint, &e, clamped, timeout);
        let mut response = builder.send().await.map_err(fail)?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let body = match read_body(response, self.inner.max_response_bytes).await {
            Ok(body) => body,
            Err(ReadError::TooLarge) => {
                return Err(never(Error::BodyTooLarge(Box::new(BodyTooLarge {
                    endpoint: Some(endpoint),
                    limit: self.inner.max_response_bytes,
                }))));
            }
            Err(ReadError::Transport(error)) => return Err(fail(error)),
        };
        let redactor = &self.inner.redactor;
        Ok(
            Response::from_parts(status, headers, redactor.redact_bytes(body))
                .with_redactor(redactor.clone()),
        )
    }

    /// What follows an answer: `Ok` ends the call with it (or with a rate-limit error),
    /// `Err(delay)` retries after `delay`.
    fn after_answer(
        &self,
        endpoint: &'static Endpoint,
        attempt: u32,
        response: Response,
    ) -> Result<Result<Response>, Duration> {
        let policy = &self.inner.retry;
        let status = response.status();
        if !retryable_status(status) {
            return Ok(Ok(response));
        }
        let retry_after = response
            .header("retry-after")
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        match retry_after {
            Some(wait) if wait > policy.max_retry_after => {
                let (body, _) = excerpt(response.body(), response.redactor());
                Ok(Err(Error::RateLimited(Box::new(RateLimitError {
                    endpoint: Some(endpoint),
                    status,
                    retry_after: wait,
                    limit: policy.max_retry_after,
                    attempts: attempt,
                    body,
                }))))
            }
            _ if !endpoint.is_idempotent() || attempt >= policy.max_attempts => Ok(Ok(response)),
            wait => Err(wait.unwrap_or_else(|| policy.backoff(attempt))),
        }
    }

    /// The attempts of one call, under the retry policy and the overall deadline.
    async fn execute(&self, request: &Request) -> Result<Response> {
        let endpoint = request.endpoint();
        let policy = &self.inner.retry;
        let span = tracing::Span::current();
        let started = Instant::now();
        let deadline = self.inner.overall_timeout.map(|overall| started + overall);
        let overall_error = |attempts: u32| {
            Error::Timeout(Box::new(TimeoutError {
                endpoint: Some(endpoint),
                kind: TimeoutKind::Overall,
                after: self.inner.overall_timeout,
                attempts,
            }))
        };
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
            let (timeout, clamped) = match (self.inner.attempt_timeout, remaining) {
                (Some(each), Some(left)) if left < each => (Some(left), true),
                (None, Some(left)) => (Some(left), true),
                (each, _) => (each, false),
            };
            if timeout == Some(Duration::ZERO) {
                return Err(overall_error(attempt - 1));
            }
            let attempt_started = Instant::now();
            let outcome = self.attempt(request, timeout, clamped).await;
            let latency_ms = attempt_started.elapsed().as_secs_f64() * 1000.0;

            // What to do next: `Ok(result)` ends the call, `Err(delay)` retries.
            let next: Result<Result<Response>, Duration> = match outcome {
                Ok(mut response) => {
                    let status = response.status();
                    span.record("status", status);
                    tracing::debug!(attempt, status, latency_ms, "losant attempt answered");
                    response.attempts = attempt;
                    self.after_answer(endpoint, attempt, response)
                }
                Err(failure) => {
                    tracing::debug!(attempt, latency_ms, error = %failure.error, "losant attempt failed");
                    let allowed = match failure.retry {
                        Retry::Always => true,
                        Retry::IfIdempotent => endpoint.is_idempotent(),
                        Retry::Never => false,
                    };
                    if allowed && attempt < policy.max_attempts {
                        Err(policy.backoff(attempt))
                    } else {
                        Ok(Err(failure.error.with_attempts(attempt)))
                    }
                }
            };
            let delay = match next {
                Ok(result) => return result,
                Err(delay) => delay,
            };
            if deadline.is_some_and(|d| Instant::now() + delay >= d) {
                return Err(overall_error(attempt));
            }
            tracing::debug!(
                attempt,
                delay_ms = delay.as_secs_f64() * 1000.0,
                "losant retrying"
            );
            (self.inner.sleeper)(delay).await;
        }
    }
}

/// Why a body could not be read whole.
enum ReadError {
    /// It is larger than the limit.
    TooLarge,
    /// The connection failed while reading it.
    Transport(reqwest::Error),
}

/// Reads a whole body, refusing it as soon as it grows past `limit` bytes (or at once
/// when its announced length is larger). A body in one chunk, the common case, is
/// kept without a copy.
async fn read_body(mut response: reqwest::Response, limit: usize) -> Result<Bytes, ReadError> {
    let announced = response.content_length();
    if announced.is_some_and(|len| len > limit as u64) {
        return Err(ReadError::TooLarge);
    }
    let mut received = 0usize;
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadError::Transport)? {
        received = received.saturating_add(chunk.len());
        if received > limit {
            return Err(ReadError::TooLarge);
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            head => {
                if let Some(head) = head {
                    let expected = announced
                        .and_then(|len| usize::try_from(len).ok())
                        .unwrap_or(received);
                    joined.reserve(expected.max(received));
                    joined.extend_from_slice(&head);
                }
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(match first {
        Some(only) => only,
        None => Bytes::from(joined),
    })
}

fn reqwest_method(method: Method) -> reqwest::Method {
    match method {
        Method::Get => reqwest::Method::GET,
        Method::Post => reqwest::Method::POST,
        Method::Put => reqwest::Method::PUT,
        Method::Patch => reqwest::Method::PATCH,
        Method::Delete => reqwest::Method::DELETE,
    }
}

#[async_trait]
impl Transport for Client {
    async fn send(&self, request: Request) -> Result<Response> {
        let endpoint = request.endpoint();
        if let Some(granted) = &self.inner.granted_scopes
            && !endpoint.accepts_any(granted)
        {
            return Err(Error::InsufficientScope(Box::new(ScopeError {
                endpoint,
                granted: granted.clone(),
            })));
        }
        let span = tracing::debug_span!(
            "losant.request",
            endpoint = endpoint.name(),
            method = endpoint.method().as_str(),
            path = endpoint.path(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let call = async {
            let _permit =
                match &self.inner.limiter {
                    Some(limiter) => Some(limiter.acquire().await.map_err(|_| {
                        ConfigError::error("the client's request limiter is closed")
                    })?),
                    None => None,
                };
            let started = Instant::now();
            let result = self.execute(&request).await;
            let span = tracing::Span::current();
            span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
            result
        };
        call.instrument(span).await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &"[REDACTED]")
            .field("granted_scopes", &self.inner.granted_scopes)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("attempt_timeout", &self.inner.attempt_timeout)
            .field("overall_timeout", &self.inner.overall_timeout)
            .field("retry", &self.inner.retry)
            .field(
                "max_concurrent_requests",
                &self.inner.limiter.as_ref().map(|_| "limited"),
            )
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Client`]. Every setting has a default except the token.
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    token: Option<SecretString>,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    overall_timeout: Option<Duration>,
    retry: RetryPolicy,
    sleeper: Option<Sleeper>,
    max_concurrent_requests: Option<usize>,
    user_agent: Option<String>,
    accept_version: String,
    granted_scopes: Option<Vec<String>>,
    max_response_bytes: usize,
    allow_insecure_http: bool,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            token: None,
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            overall_timeout: Some(DEFAULT_OVERALL_TIMEOUT),
            retry: RetryPolicy::default(),
            sleeper: None,
            max_concurrent_requests: Some(DEFAULT_MAX_CONCURRENT_REQUESTS),
            user_agent: None,
            accept_version: DEFAULT_ACCEPT_VERSION.to_owned(),
            granted_scopes: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
        }
    }
}

impl ClientBuilder {
    /// The API token, sent as `Authorization: Bearer <token>`.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// The base URL (default `https://api.losant.com`). A path prefix in it is kept:
    /// `https://proxy.example/losant` sends `GET https://proxy.example/losant/applications/...`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Allows `http://` base URLs for hosts other than loopback. Off by default: the
    /// token would cross the network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Time allowed to establish a connection (default 10 s); `None` waits forever.
    pub fn connect_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.connect_timeout = timeout.into();
        self
    }

    /// Time allowed for one attempt, from sending to the end of the body (default
    /// 30 s); `None` waits forever. A timed-out attempt of an idempotent endpoint is
    /// retried.
    pub fn attempt_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.attempt_timeout = timeout.into();
        self
    }

    /// Time allowed for a whole call, every attempt and every wait between them
    /// included (default 90 s); `None` waits forever. No retry starts past it.
    pub fn overall_timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.overall_timeout = timeout.into();
        self
    }

    /// The retry policy (default: [`RetryPolicy::default`]; [`RetryPolicy::none`]
    /// turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Replaces the wait between attempts (`tokio::time::sleep`), for tests that check
    /// the delays the retry policy asks for without waiting them.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use std::time::Duration;
    ///
    /// let waits = Arc::new(Mutex::new(Vec::<Duration>::new()));
    /// let seen = Arc::clone(&waits);
    /// let client = losant_core::Client::builder()
    ///     .token("my-token")
    ///     .sleeper(move |delay| {
    ///         seen.lock().unwrap().push(delay);
    ///         Box::pin(async {})
    ///     })
    ///     .build()?;
    /// # Ok::<(), losant_core::Error>(())
    /// ```
    pub fn sleeper<F>(mut self, sleep: F) -> Self
    where
        F: Fn(Duration) -> SleepFuture + Send + Sync + 'static,
    {
        self.sleeper = Some(Arc::new(sleep));
        self
    }

    /// The most calls of this client (and its clones) in flight at once (default 64);
    /// more wait their turn. `None` removes the limit.
    pub fn max_concurrent_requests(mut self, limit: impl Into<Option<usize>>) -> Self {
        self.max_concurrent_requests = limit.into();
        self
    }

    /// The application's name and version, sent in `User-Agent` before this crate's.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The `Accept-Version` header (default `^1.30.0`).
    pub fn accept_version(mut self, version: impl Into<String>) -> Self {
        self.accept_version = version.into();
        self
    }

    /// The scopes the token was granted. When set, a call whose endpoint accepts none
    /// of them fails with [`Error::InsufficientScope`] before anything is sent.
    pub fn granted_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.granted_scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The largest response body accepted, in bytes (default 16 MiB). A larger body
    /// fails with [`Error::BodyTooLarge`] as soon as the limit is crossed.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let token = self.token.ok_or_else(|| {
            ConfigError::error("no API token: call `token(...)` or set LOSANT_API_TOKEN")
        })?;
        if token.expose_secret().trim().is_empty() {
            return Err(ConfigError::error("the API token is empty"));
        }
        let base_url = check_base_url(&self.base_url, self.allow_insecure_http)?;

        let mut authorization = HeaderValue::try_from(format!("Bearer {}", token.expose_secret()))
            .map_err(|_| {
                ConfigError::error(
                    "the API token contains characters not allowed in an HTTP header",
                )
            })?;
        authorization.set_sensitive(true);
        let accept_version = HeaderValue::try_from(self.accept_version.as_str()).map_err(|_| {
            ConfigError::error("the Accept-Version value is not a valid HTTP header value")
        })?;
        let user_agent = match &self.user_agent {
            Some(app) => format!("{app} {USER_AGENT}"),
            None => USER_AGENT.to_owned(),
        };
        let user_agent = HeaderValue::try_from(user_agent)
            .map_err(|_| ConfigError::error("the user agent is not a valid HTTP header value"))?;

        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, authorization);
        headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
        headers.insert(HeaderName::from_static("accept-version"), accept_version);
        headers.insert(header::USER_AGENT, user_agent);

        let mut http = reqwest::Client::builder()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none());
        if let Some(timeout) = self.connect_timeout {
            http = http.connect_timeout(timeout);
        }
        if let Some(timeout) = self.attempt_timeout {
            http = http.timeout(timeout);
        }
        let http = http
            .build()
            .map_err(|e| ConfigError::error(format!("the HTTP client could not be built: {e}")))?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                redactor: Redactor::new(token.expose_secret()),
                granted_scopes: self.granted_scopes,
                max_response_bytes: self.max_response_bytes,
                connect_timeout: self.connect_timeout,
                attempt_timeout: self.attempt_timeout,
                overall_timeout: self.overall_timeout,
                retry: self.retry,
                sleeper: self.sleeper.unwrap_or_else(tokio_sleeper),
                limiter: self
                    .max_concurrent_requests
                    .map(|n| Semaphore::new(n.max(1))),
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("connect_timeout", &self.connect_timeout)
            .field("attempt_timeout", &self.attempt_timeout)
            .field("overall_timeout", &self.overall_timeout)
            .field("retry", &self.retry)
            .field("max_concurrent_requests", &self.max_concurrent_requests)
            .field("sleeper", &self.sleeper.as_ref().map(|_| "custom"))
            .field("user_agent", &self.user_agent)
            .field("accept_version", &self.accept_version)
            .field("granted_scopes", &self.granted_scopes)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

/// Checks a base URL and returns it without a trailing `/`.
fn check_base_url(input: &str, allow_insecure_http: bool) -> Result<String> {
    let url = reqwest::Url::parse(input)
        .map_err(|e| ConfigError::error(format!("invalid base URL `{input}`: {e}")))?;
    match url.scheme() {
        "https" => {}
        "http" => {
            let loopback = match url.host() {
                Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
                Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
                None => false,
            };
            if !loopback && !allow_insecure_http {
                return Err(ConfigError::error(format!(
                    "base URL `{input}` uses http:// for a host that is not loopback, which would send the token in clear text; use https:// or `allow_insecure_http(true)`"
                )));
            }
        }
        other => {
            return Err(ConfigError::error(format!(
                "base URL `{input}` has scheme `{other}`; expected https:// (or http:// for loopback)"
            )));
        }
    }
    if url.host().is_none() {
        return Err(ConfigError::error(format!(
            "base URL `{input}` has no host"
        )));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(ConfigError::error(
            "the base URL must not hold credentials; pass the token with `token(...)`",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::error(format!(
            "base URL `{input}` must not have a query or fragment"
        )));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_keeps_its_prefix_and_drops_the_trailing_slash() {
        assert_eq!(
            check_base_url("https://api.losant.com", false).unwrap(),
            "https://api.losant.com"
        );
        assert_eq!(
            check_base_url("https://proxy.example/losant/", false).unwrap(),
            "https://proxy.example/losant"
        );
        assert_eq!(
            check_base_url("http://127.0.0.1:8080", false).unwrap(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            check_base_url("http://[::1]:8080/", false).unwrap(),
            "http://[::1]:8080"
        );
        assert_eq!(
            check_base_url("http://localhost", false).unwrap(),
            "http://localhost"
        );
    }

    #[test]
    fn unsafe_base_urls_are_refused() {
        for bad in [
            "http://api.losant.com",
            "ftp://api.losant.com",
            "https://user:pass@api.losant.com",
            "https://api.losant.com/?x=1",
            "not a url",
        ] {
            let error = check_base_url(bad, false).unwrap_err();
            assert!(matches!(error, Error::Config(_)), "{bad}: {error}");
        }
        assert!(check_base_url("http://10.0.0.2", true).is_ok());
    }

    #[test]
    fn debug_never_shows_the_token() {
        let builder = Client::builder().token("s3cr3t-t0ken");
        assert!(!format!("{builder:?}").contains("s3cr3t"));
        let client = builder.build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("s3cr3t"), "{shown}");
        assert!(shown.contains("[REDACTED]"));
    }

    #[test]
    fn configuration_errors_never_echo_the_token() {
        let error = Client::new("bad\ntoken-s3cr3t").unwrap_err();
        assert!(matches!(error, Error::Config(_)));
        assert!(!error.to_string().contains("s3cr3t"), "{error}");
        assert!(!format!("{error:?}").contains("s3cr3t"));
        assert!(matches!(Client::new("  ").unwrap_err(), Error::Config(_)));
    }
}
