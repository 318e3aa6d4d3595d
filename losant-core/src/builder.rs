//! [`ClientBuilder`]: every setting of a [`Client`], with its default.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use tokio::sync::Semaphore;

use crate::call::GlobalParams;
use crate::client::Client;
use crate::config::Config;
use crate::error::{ConfigError, Result};
use crate::redact::Redactor;
use crate::retry::{RetryPolicy, SleepFuture, Sleeper};
use crate::throttle::{RateLimit, Throttle};
use crate::wire::{
    HttpOrigin, HttpSettings, authorization, check_base_url, client_headers, http_client,
    install_crypto_provider,
};

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
/// Default number of requests of one client in flight at once.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: usize = 64;
/// Default limit of a response body: 16 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 * 1024 * 1024;

/// Whether a TLS feature is on.
const TLS: bool = cfg!(feature = "__tls");

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
    ///
    /// With the default `rustls` feature, this makes ring the process's rustls crypto
    /// provider when none is installed (reqwest is built without one of its own), so a
    /// `reqwest::Client` built afterwards for [`ClientBuilder::http_client`] has one too.
    pub fn builder() -> ClientBuilder {
        install_crypto_provider();
        ClientBuilder::default()
    }
}

/// Configures a [`Client`]. Every setting has a default except the token, which is
/// required unless the client is built [`without_token`](Self::without_token).
///
/// A builder is `Clone`: one set of settings can build several clients (a token
/// each), though [`Client::with_token`] on one client shares its connection pool.
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    base_url: String,
    token: Option<SecretString>,
    without_token: bool,
    connect_timeout: Option<Duration>,
    attempt_timeout: Option<Duration>,
    overall_timeout: Option<Duration>,
    retry: RetryPolicy,
    sleeper: Sleeper,
    max_concurrent_requests: Option<usize>,
    user_agent: Option<String>,
    accept_version: String,
    losant_domain: Option<String>,
    global_params: GlobalParams,
    granted_scopes: Option<Vec<String>>,
    max_response_bytes: usize,
    allow_insecure_http: bool,
    rate_limits: Vec<RateLimit>,
    http_client: Option<reqwest::Client>,
    proxies: Vec<reqwest::Proxy>,
    #[cfg(feature = "__tls")]
    root_certificates: Vec<reqwest::Certificate>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            base_url: DEFAULT_BASE_URL.to_owned(),
            token: None,
            without_token: false,
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT),
            attempt_timeout: Some(DEFAULT_ATTEMPT_TIMEOUT),
            overall_timeout: Some(DEFAULT_OVERALL_TIMEOUT),
            retry: RetryPolicy::default(),
            sleeper: Sleeper::default(),
            max_concurrent_requests: Some(DEFAULT_MAX_CONCURRENT_REQUESTS),
            user_agent: None,
            accept_version: DEFAULT_ACCEPT_VERSION.to_owned(),
            losant_domain: None,
            global_params: GlobalParams::OFFICIAL,
            granted_scopes: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            allow_insecure_http: false,
            rate_limits: Vec::new(),
            http_client: None,
            proxies: Vec::new(),
            #[cfg(feature = "__tls")]
            root_certificates: Vec::new(),
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
        self.sleeper = Sleeper::new(sleep);
        self
    }

    /// The most requests of this client (and its clones) in flight at once (default
    /// 64); more wait their turn, within their overall timeout. A call holds its slot
    /// only while an attempt is on the wire: not while it waits for a
    /// [rate limit](Self::rate_limit)'s window, nor between attempts. `None` removes
    /// the limit (as does any count over `tokio::sync::Semaphore::MAX_PERMITS`).
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

    /// Losant's `losantdomain` header (the domain scope of requests, rarely needed),
    /// sent on every call; a call sets its own with
    /// [`CallSettings::losant_domain`](crate::CallSettings::losant_domain).
    pub fn losant_domain(mut self, domain: impl Into<String>) -> Self {
        self.losant_domain = Some(domain.into());
        self
    }

    /// The global query parameters sent on every call (default
    /// [`GlobalParams::OFFICIAL`], `_actions=false&_links=true&_embedded=true`, as the
    /// official clients send them; [`GlobalParams::NONE`] sends none). A call
    /// overrides each one ([`CallSettings::embedded`](crate::CallSettings::embedded),
    /// ...).
    pub fn global_params(mut self, params: GlobalParams) -> Self {
        self.global_params = params;
        self
    }

    /// The scopes the token was granted. When set, a call whose endpoint accepts none
    /// of them fails with [`Error::InsufficientScope`](crate::Error::InsufficientScope) before anything is sent.
    pub fn granted_scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.granted_scopes = Some(scopes.into_iter().map(Into::into).collect());
        self
    }

    /// The largest response body accepted, in bytes (default 16 MiB). A larger body
    /// fails with [`Error::BodyTooLarge`](crate::Error::BodyTooLarge) as soon as the limit is crossed.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// A client-side rate limit (several may apply to one endpoint): a request over
    /// it waits instead of being sent to be refused, within its overall timeout. See
    /// [`RateLimit`].
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limits.push(limit);
        self
    }

    /// Sends every request through `http`, your own reqwest client: its proxies, root
    /// certificates, client certificate, DNS, connection pool and TLS settings are
    /// used as you built them.
    ///
    /// This client's own settings still apply: the base URL, the token (sent per
    /// request), the `Accept`, `Accept-Version` and `User-Agent` headers (sent per
    /// request), the attempt and overall timeouts, the retry policy, the concurrency
    /// limit, the rate limits, the response size limit, redaction and tracing. The
    /// connect timeout, [`proxy`](Self::proxy) and
    /// [`add_root_certificate`](Self::add_root_certificate) do not: set them on `http`.
    /// Build `http` with `redirect(Policy::none())`: a redirect it follows could carry
    /// the token to another host.
    ///
    /// With the default `rustls` feature, reqwest has no crypto provider of its own:
    /// build `http` after [`Client::builder`], which installs ring as the process's
    /// default provider when none is, or after
    /// [`install_crypto_provider`](crate::install_crypto_provider).
    ///
    /// ```
    /// let builder = losant_core::Client::builder().token("my-token");
    /// let http = reqwest::Client::builder()
    ///     .redirect(reqwest::redirect::Policy::none())
    ///     .build()?;
    /// let client = builder.http_client(http).build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http_client = Some(http);
        self
    }

    /// Sends requests through `proxy` (several may be given; the first that matches
    /// a request is used).
    ///
    /// ```
    /// let client = losant_core::Client::builder()
    ///     .token("my-token")
    ///     .proxy(reqwest::Proxy::https("http://proxy.internal:3128")?)
    ///     .build()?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn proxy(mut self, proxy: reqwest::Proxy) -> Self {
        self.proxies.push(proxy);
        self
    }

    /// Trusts `certificate` as a root, besides the platform's (a company's own
    /// certificate authority, a test server).
    #[cfg(feature = "__tls")]
    #[cfg_attr(
        docsrs,
        doc(cfg(any(
            feature = "rustls",
            feature = "rustls-aws-lc",
            feature = "rustls-no-provider",
            feature = "native-tls"
        )))
    )]
    pub fn add_root_certificate(mut self, certificate: reqwest::Certificate) -> Self {
        self.root_certificates.push(certificate);
        self
    }

    /// Builds a client without a token, for the actions that take none (a device
    /// authenticating with its key and secret, a user logging in, a public
    /// dashboard): a call to an endpoint that needs the token fails with
    /// [`Error::Config`](crate::Error::Config) before anything is sent. A token set with
    /// [`token`](Self::token) takes precedence.
    ///
    /// ```
    /// let client = losant_core::Client::builder().without_token().build()?;
    /// # Ok::<(), losant_core::Error>(())
    /// ```
    pub fn without_token(mut self) -> Self {
        self.without_token = true;
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client> {
        let token = match self.token {
            Some(token) => {
                if token.expose_secret().trim().is_empty() {
                    return Err(ConfigError::error("the API token is empty"));
                }
                Some(token)
            }
            None if self.without_token => None,
            None => {
                return Err(ConfigError::error(
                    "no API token: call `token(...)`, set LOSANT_API_TOKEN, or build `without_token()`",
                ));
            }
        };
        let base_url = check_base_url(&self.base_url, self.allow_insecure_http)?
            .with_globals(self.global_params);
        // Without TLS, every https call would fail to connect (and be retried as a
        // network failure): refuse the configuration now. A client of one's own may
        // bring TLS of its own.
        if !TLS && self.http_client.is_none() && base_url.as_str().starts_with("https:") {
            return Err(ConfigError::error(format!(
                "base URL `{}` needs TLS, and losant-core was built without it: enable the feature `rustls` (or `rustls-aws-lc`, `rustls-no-provider` or `native-tls`) of `losant` or `losant-core`",
                base_url.as_str()
            )));
        }

        let authorization = token
            .as_ref()
            .map(|token| authorization(token.expose_secret()))
            .transpose()?;
        let settings = HttpSettings {
            accept_version: &self.accept_version,
            user_agent: self.user_agent.as_deref(),
            losant_domain: self.losant_domain.as_deref(),
            connect_timeout: self.connect_timeout,
            proxies: &self.proxies,
            #[cfg(feature = "__tls")]
            root_certificates: &self.root_certificates,
        };
        let (http, request_headers, origin) = match self.http_client {
            Some(http) => (http, Some(client_headers(&settings)?), HttpOrigin::Given),
            None => (
                http_client(&settings)?,
                None,
                HttpOrigin::Built {
                    connect_timeout: self.connect_timeout,
                },
            ),
        };

        Ok(Client::from_config(Config {
            http,
            base_url,
            authorization,
            redactor: Redactor::new(token.as_ref().map_or("", |t| t.expose_secret())),
            granted_scopes: self.granted_scopes,
            max_response_bytes: self.max_response_bytes,
            origin,
            attempt_timeout: self.attempt_timeout,
            overall_timeout: self.overall_timeout,
            retry: self.retry,
            sleeper: self.sleeper,
            limiter: self
                .max_concurrent_requests
                .filter(|&n| n <= Semaphore::MAX_PERMITS)
                .map(|n| Semaphore::new(n.max(1))),
            throttles: self.rate_limits.into_iter().map(Throttle::new).collect(),
            request_headers,
        }))
    }
}
