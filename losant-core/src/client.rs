//! The HTTP client: [`Client`] and its [`ClientBuilder`].

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument;

use crate::endpoint::{Endpoint, Method};
use crate::error::{
    BodyTooLarge, ConfigError, Error, InvalidArgument, Result, ScopeError, TimeoutError,
    TimeoutKind, TransportError,
};
use crate::transport::{Request, Response, Transport};

/// The default base URL of the Losant API.
pub const DEFAULT_BASE_URL: &str = "https://api.losant.com";
/// The API version requested by default with the `Accept-Version` header.
pub const DEFAULT_ACCEPT_VERSION: &str = "^1.30.0";
/// Default time allowed to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default time allowed for a whole request, from sending to the end of the body.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
/// Default limit of a response body: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
const REDACTED: &[u8] = b"[REDACTED]";

/// A client of the Losant REST API.
///
/// Cheap to clone: clones share one connection pool and configuration. Every `#[api]`
/// trait (such as `losant_events::EventApi`) is implemented for it.
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
    token: SecretString,
    granted_scopes: Option<Vec<String>>,
    max_response_bytes: usize,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
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

    fn transport_error(endpoint: &'static Endpoint, error: &reqwest::Error) -> Error {
        if error.is_timeout() {
            let (kind, after) = if error.is_connect() {
                (TimeoutKind::Connect, None)
            } else {
                (TimeoutKind::Request, None)
            };
            return Error::Timeout(Box::new(TimeoutError {
                endpoint: Some(endpoint),
                kind,
                after,
            }));
        }
        let mut message = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            message.push_str(": ");
            message.push_str(&cause.to_string());
            source = cause.source();
        }
        Error::Transport(Box::new(TransportError {
            endpoint: Some(endpoint),
            message,
            source: None,
        }))
    }

    fn with_timeouts(&self, mut error: Error) -> Error {
        if let Error::Timeout(timeout) = &mut error {
            timeout.after = match timeout.kind {
                TimeoutKind::Connect => self.inner.connect_timeout,
                TimeoutKind::Request => self.inner.timeout,
            };
        }
        error
    }

    /// Replaces every copy of the token in a body the server sent back.
    fn redact(&self, body: Bytes) -> Bytes {
        let token = self.inner.token.expose_secret().as_bytes();
        let finder = memchr::memmem::Finder::new(token);
        if token.is_empty() || finder.find(&body).is_none() {
            return body;
        }
        let mut out = Vec::with_capacity(body.len());
        let mut rest = &body[..];
        while let Some(at) = finder.find(rest) {
            out.extend_from_slice(&rest[..at]);
            out.extend_from_slice(REDACTED);
            rest = &rest[at + token.len()..];
        }
        out.extend_from_slice(rest);
        out.into()
    }

    async fn execute(&self, mut request: Request) -> Result<Response> {
        let endpoint = request.endpoint();
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
                return Err(InvalidArgument {
                    endpoint: Some(endpoint),
                    argument: "header".to_owned(),
                    reason: "not a valid HTTP header".to_owned(),
                }
                .into());
            };
            builder = builder.header(name, value);
        }
        if let Some(body) = request.take_body() {
            builder = builder
                .header(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                )
                .body(body);
        }

        let started = Instant::now();
        let mut response = builder
            .send()
            .await
            .map_err(|e| self.with_timeouts(Self::transport_error(endpoint, &e)))?;
        let status = response.status().as_u16();
        let limit = self.inner.max_response_bytes;
        let too_large = || {
            Error::BodyTooLarge(Box::new(BodyTooLarge {
                endpoint: Some(endpoint),
                limit,
            }))
        };
        if response
            .content_length()
            .is_some_and(|len| len > limit as u64)
        {
            return Err(too_large());
        }
        let headers = std::mem::take(response.headers_mut());
        let read_error =
            |e: reqwest::Error| self.with_timeouts(Self::transport_error(endpoint, &e));
        // The common case, a body in one chunk, is kept without a copy.
        let mut first: Option<Bytes> = None;
        let mut rest: Vec<u8> = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(read_error)? {
            let received = first.as_ref().map_or(0, Bytes::len) + rest.len() + chunk.len();
            if received > limit {
                return Err(too_large());
            }
            match &first {
                None => first = Some(chunk),
                Some(head) => {
                    if rest.is_empty() {
                        rest.reserve(received);
                        rest.extend_from_slice(head);
                    }
                    rest.extend_from_slice(&chunk);
                }
            }
        }
        let body = if rest.is_empty() {
            first.unwrap_or_default()
        } else {
            Bytes::from(rest)
        };
        let body = self.redact(body);
        let span = tracing::Span::current();
        span.record("status", status);
        span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
        tracing::debug!(status, bytes = body.len(), "losant response");
        Ok(Response::from_parts(status, headers, body))
    }
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
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        self.execute(request).instrument(span).await
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &"[REDACTED]")
            .field("granted_scopes", &self.inner.granted_scopes)
            .field("connect_timeout", &self.inner.connect_timeout)
            .field("timeout", &self.inner.timeout)
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
    timeout: Option<Duration>,
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
            timeout: Some(DEFAULT_TIMEOUT),
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

    /// Time allowed for a whole request, from sending to the end of the body
    /// (default 60 s); `None` waits forever.
    pub fn timeout(mut self, timeout: impl Into<Option<Duration>>) -> Self {
        self.timeout = timeout.into();
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
        if let Some(timeout) = self.timeout {
            http = http.timeout(timeout);
        }
        let http = http
            .build()
            .map_err(|e| ConfigError::error(format!("the HTTP client could not be built: {e}")))?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                token,
                granted_scopes: self.granted_scopes,
                max_response_bytes: self.max_response_bytes,
                connect_timeout: self.connect_timeout,
                timeout: self.timeout,
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
            .field("timeout", &self.timeout)
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

    #[test]
    fn echoed_tokens_are_redacted() {
        let client = Client::new("tok-123").unwrap();
        let body = client.redact(Bytes::from_static(b"a tok-123 b tok-123"));
        assert_eq!(&body[..], b"a [REDACTED] b [REDACTED]");
        let untouched = Bytes::from_static(b"nothing here");
        assert_eq!(client.redact(untouched.clone()), untouched);
    }
}
