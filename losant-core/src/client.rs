//! The HTTP client: [`Client`], its calls and their attempts ([`ClientBuilder`] is in
//! `builder.rs`).

use std::fmt;
use std::future::Future;
use std::pin::{Pin, pin};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_trait::async_trait;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::config::Config;
use crate::endpoint::Auth;
use crate::error::{
    BodyTooLarge, Call, ConfigError, Error, InvalidArgument, Result, ScopeError, TimeoutError,
    TimeoutKind,
};
use crate::redact::Redactor;
use crate::request::CLIENT_HEADERS;
use crate::request::Request;
use crate::response::Response;
use crate::retry::{Deadline, Failure, Next, Retry, RetryPolicy};
use crate::throttle::{Place, Throttle};
use crate::transport::{Opened, Transport};
use crate::wire::{Globals, ReadError, authorization, classify, read_body, to_reqwest};
use bytes::Bytes;

/// A client of the Losant REST API.
///
/// Cheap to clone: clones share one connection pool and configuration. Every `#[api]`
/// trait (such as `losant_events::EventApi`) is implemented for it.
///
/// A call is made of one or more attempts under the client's [`RetryPolicy`], each
/// limited by the attempt timeout, all of them by the overall timeout; at most
/// [`max_concurrent_requests`](crate::ClientBuilder::max_concurrent_requests) requests of one
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
    inner: Arc<Config>,
    /// What this handle adds to the shared settings ([`with_header`](Client::with_header),
    /// [`with_timeout`](Client::with_timeout)); `None` for the client as built.
    local: Option<Arc<Local>>,
}

/// An overall timeout set on a handle: a limit, or none at all.
#[derive(Debug, Clone, Copy)]
struct Overall(Option<Duration>);

/// Settings of one handle on a client, over those it shares with its clones.
#[derive(Debug, Clone, Default)]
struct Local {
    /// Headers sent on every request of this handle.
    headers: HeaderMap,
    /// The overall timeout of this handle's calls, replacing the client's.
    overall_timeout: Option<Overall>,
    /// The token of this handle, replacing the client's.
    token: Option<HandleToken>,
}

/// A handle's own token: its `Authorization` value and the redactor that knows it.
#[derive(Clone)]
struct HandleToken {
    authorization: HeaderValue,
    redactor: Redactor,
}

impl fmt::Debug for HandleToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("HandleToken([REDACTED])")
    }
}

impl Client {
    /// The client running with `config`, as [`ClientBuilder::build`](crate::ClientBuilder::build)
    /// made it.
    pub(crate) fn from_config(config: Config) -> Client {
        Client {
            inner: Arc::new(config),
            local: None,
        }
    }

    /// The base URL every request path is appended to, without a trailing `/`.
    #[must_use]
    pub fn base_url(&self) -> &str {
        self.inner.base_url.as_str()
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.inner.retry
    }

    /// A handle on the same client (its connection pool, settings and limits) that
    /// also sends `name: value` on every request, for a tenant, a trace or a test
    /// tag; the client it came from is unchanged. The headers the client sets itself
    /// (`Authorization`, `Accept`, `Content-Type`, ...) are refused.
    ///
    /// ```
    /// # let client = losant_core::Client::new("my-token")?;
    /// let tagged = client.with_header("X-Request-Source", "nightly-import")?;
    /// # Ok::<(), losant_core::Error>(())
    /// ```
    pub fn with_header(&self, name: &str, value: &str) -> Result<Client> {
        let lower = name.to_ascii_lowercase();
        if CLIENT_HEADERS.contains(&lower.as_str()) {
            return Err(ConfigError::error(format!(
                "the header `{name}` is set by the client itself"
            )));
        }
        let name = HeaderName::try_from(lower)
            .map_err(|_| ConfigError::error(format!("`{name}` is not a header name")))?;
        let value = HeaderValue::try_from(value).map_err(|_| {
            ConfigError::error(format!("the value of `{name}` is not a valid header value"))
        })?;
        let mut local = self.local.as_deref().cloned().unwrap_or_default();
        local.headers.insert(name, value);
        Ok(self.with_local(local))
    }

    /// A handle on the same client whose calls end after `overall` in all (retries
    /// and waits included) instead of the client's overall timeout; each attempt's
    /// own timeout still applies within it. `None` lets calls run without an overall
    /// limit.
    ///
    /// ```
    /// # let client = losant_core::Client::new("my-token")?;
    /// use std::time::Duration;
    /// let quick = client.with_timeout(Duration::from_secs(5));
    /// # Ok::<(), losant_core::Error>(())
    /// ```
    #[must_use]
    pub fn with_timeout(&self, overall: impl Into<Option<Duration>>) -> Client {
        let mut local = self.local.as_deref().cloned().unwrap_or_default();
        local.overall_timeout = Some(Overall(overall.into()));
        self.with_local(local)
    }

    /// A handle on the same client (its connection pool, settings and limits) that
    /// sends `token` instead of the client's own, for example the token a device or a
    /// user was just given by `auth.authenticateDevice`/`auth.authenticateUser`; the
    /// client it came from is unchanged. Answers are scrubbed of the new token, as
    /// the client's are of its own. The client's
    /// [`granted_scopes`](crate::ClientBuilder::granted_scopes) describe its own token,
    /// so the handle checks none before sending: the server decides.
    ///
    /// ```
    /// let anonymous = losant_core::Client::builder().without_token().build()?;
    /// let device = anonymous.with_token("the-device-token")?;
    /// # Ok::<(), losant_core::Error>(())
    /// ```
    pub fn with_token(&self, token: impl AsRef<str>) -> Result<Client> {
        let token = token.as_ref();
        if token.trim().is_empty() {
            return Err(ConfigError::error("the API token is empty"));
        }
        let mut local = self.local.as_deref().cloned().unwrap_or_default();
        local.token = Some(HandleToken {
            authorization: authorization(token)?,
            redactor: Redactor::new(token),
        });
        Ok(self.with_local(local))
    }

    /// The `Authorization` value this handle sends (`None` without a token).
    fn authorization(&self) -> Option<&HeaderValue> {
        match self.handle_token() {
            Some(token) => Some(&token.authorization),
            None => self.inner.authorization.as_ref(),
        }
    }

    /// The redactor of the token this handle sends.
    fn redactor(&self) -> &Redactor {
        self.handle_token()
            .map_or(&self.inner.redactor, |token| &token.redactor)
    }

    fn handle_token(&self) -> Option<&HandleToken> {
        self.local.as_deref().and_then(|local| local.token.as_ref())
    }

    fn with_local(&self, local: Local) -> Client {
        Client {
            inner: Arc::clone(&self.inner),
            local: Some(Arc::new(local)),
        }
    }

    /// The overall timeout of `request`'s call: its own, else this handle's.
    fn overall_timeout(&self, request: &Request) -> Option<Duration> {
        request.timeout().or_else(|| self.handle_timeout())
    }

    /// The overall timeout of this handle's calls.
    fn handle_timeout(&self) -> Option<Duration> {
        self.local
            .as_ref()
            .and_then(|local| local.overall_timeout)
            .map_or(self.inner.overall_timeout, |Overall(timeout)| timeout)
    }

    /// Waits for every rate limit that applies to `request`, and holds its place in
    /// each until the attempt is over.
    async fn throttle(&self, request: &Request) -> Vec<Place> {
        let mut places = Vec::new();
        for throttle in &self.inner.throttles {
            if throttle.limit().applies_to(request.endpoint()) {
                places.push(throttle.acquire(request.path()).await);
            }
        }
        places
    }

    /// A free slot under the concurrency limit, if one is free now (`None` without a
    /// limit); else the limiter to wait on.
    fn try_slot(&self) -> Result<Option<SemaphorePermit<'_>>, &Semaphore> {
        match &self.inner.limiter {
            None => Ok(None),
            Some(limiter) => limiter.try_acquire().map(Some).map_err(|_| limiter),
        }
    }

    /// One attempt within `timeout`; `clamped`: the timeout was cut to the overall
    /// deadline, so its firing ends the call.
    async fn attempt(
        &self,
        request: &Request,
        timeout: Option<Duration>,
        clamped: bool,
    ) -> Result<Response, Failure> {
        let Some(limit) = timeout else {
            return self.exchange(request).await;
        };
        // Pinned where they are: wrapping the exchange in `tokio::time::timeout` would
        // copy its whole state into the wrapper on every attempt.
        let exchange = std::pin::pin!(self.exchange(request));
        let sleep = std::pin::pin!(tokio::time::sleep(limit));
        let Some(outcome) = (WithTimeout {
            future: exchange,
            sleep,
        })
        .await
        else {
            let (kind, after, retry) = if clamped {
                (
                    TimeoutKind::Overall,
                    self.overall_timeout(request),
                    Retry::Never,
                )
            } else {
                (TimeoutKind::Attempt, Some(limit), Retry::IfIdempotent)
            };
            let error = Error::Timeout(Box::new(TimeoutError {
                call: Call::new(Some(request.endpoint()), 1),
                kind,
                after,
            }));
            return Err(Failure { error, retry });
        };
        outcome
    }

    /// Sends the request and reads the whole body within the limit.
    async fn exchange(&self, request: &Request) -> Result<Response, Failure> {
        let inner = &*self.inner;
        let endpoint = request.endpoint();
        let fail = |error| classify(endpoint, error, inner.origin);
        let http = self
            .http_request(request, Globals::Sent)
            .map_err(Failure::fatal)?;
        let http = match request.form() {
            None => http,
            Some(form) => {
                // Each attempt opens the files anew; a file that cannot be read ends
                // the call with nothing sent. Only reqwest's builder assembles a form.
                let form = form.to_reqwest(endpoint).await.map_err(Failure::fatal)?;
                reqwest::RequestBuilder::from_parts(inner.http.clone(), http)
                    .multipart(form)
                    .build()
                    .map_err(fail)?
            }
        };
        let mut response = inner.http.execute(http).await.map_err(fail)?;
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let body = match read_body(response, inner.max_response_bytes).await {
            Ok(body) => body,
            Err(ReadError::TooLarge) => {
                return Err(Failure::fatal(Error::BodyTooLarge(Box::new(
                    BodyTooLarge {
                        call: Call::new(Some(endpoint), 1),
                        limit: inner.max_response_bytes,
                    },
                ))));
            }
            Err(ReadError::Transport(error)) => return Err(fail(error)),
        };
        Ok(self.answer(status, headers, body))
    }

    /// The reqwest request of `request`: this handle's token, the headers the client
    /// sends beside its HTTP client's defaults, and this handle's own.
    fn http_request(
        &self,
        request: &Request,
        globals: Globals,
    ) -> Result<reqwest::Request, InvalidArgument> {
        let inner = &*self.inner;
        let mut http = to_reqwest(&inner.base_url, self.authorization(), request, globals)?;
        for headers in [
            inner.request_headers.as_ref(),
            self.local.as_ref().map(|local| &local.headers),
        ]
        .into_iter()
        .flatten()
        {
            for (name, value) in headers {
                http.headers_mut().insert(name, value.clone());
            }
        }
        Ok(http)
    }

    /// A whole answer, scrubbed of this handle's token, with the redactor its errors
    /// use.
    fn answer(&self, status: u16, headers: HeaderMap, body: Bytes) -> Response {
        let redactor = self.redactor();
        Response::from_parts(status, headers, redactor.redact_bytes(body))
            .with_redactor(redactor.clone())
    }

    /// The attempts of one call (which started at `started`), under the retry policy
    /// and the overall deadline. The clock is read once per attempt, and once more
    /// for the latencies only when a subscriber listens.
    async fn execute(&self, request: &Request, started: Instant) -> Result<Response> {
        let endpoint = request.endpoint();
        let policy = &self.inner.retry;
        let span = tracing::Span::current();
        let timing = tracing::enabled!(tracing::Level::DEBUG);
        let overall = self.overall_timeout(request);
        let deadline = Deadline::start(started, overall);
        let overall_error = |attempts: u32| {
            Error::Timeout(Box::new(TimeoutError {
                call: Call::new(Some(endpoint), attempts),
                kind: TimeoutKind::Overall,
                after: overall,
            }))
        };
        // A form with a stream part is sent once; one read as it is sent (a file) may
        // take longer than an attempt's timeout: only the overall one bounds it.
        let resendable = request.is_resendable();
        let attempt_timeout = match request.form() {
            Some(form) if form.streams() => None,
            _ => self.inner.attempt_timeout,
        };
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            span.record("attempt", attempt);
            // A call waits for its rate-limit windows, then for a slot, within its
            // deadline: a throttled call does not hold a slot others could use.
            let throttled = !self.inner.throttles.is_empty();
            let places = if throttled {
                match within(deadline, self.throttle(request)).await {
                    Some(places) => places,
                    None => return Err(overall_error(attempt - 1)),
                }
            } else {
                Vec::new()
            };
            // Most calls find a free slot: it is taken without a waiting future or
            // a look at the clock.
            let (permit, waited) = match self.try_slot() {
                Ok(permit) => (permit, throttled),
                Err(limiter) => match within(deadline, limiter.acquire()).await {
                    None => return Err(overall_error(attempt - 1)),
                    Some(permit) => (Some(permit.map_err(|_| limiter_closed())?), true),
                },
            };
            let now = if attempt == 1 && !waited {
                started
            } else {
                Instant::now()
            };
            let Some((timeout, clamped)) = deadline.attempt_timeout(now, attempt_timeout) else {
                return Err(overall_error(attempt - 1));
            };
            let outcome = self.attempt(request, timeout, clamped).await;
            // The slot and the places are free again once the answer is in: the
            // wait before a retry holds neither.
            drop(permit);
            drop(places);
            let latency_ms = if timing {
                now.elapsed().as_secs_f64() * 1000.0
            } else {
                0.0
            };
            let next = match outcome {
                Ok(mut response) => {
                    let status = response.status();
                    span.record("status", status);
                    tracing::debug!(attempt, status, latency_ms, "losant attempt answered");
                    response.attempts = attempt;
                    if resendable {
                        policy.after_answer(endpoint, attempt, response)
                    } else {
                        Next::Done(Ok(response))
                    }
                }
                Err(failure) => {
                    tracing::debug!(attempt, latency_ms, error = %failure.error, "losant attempt failed");
                    if resendable {
                        policy.after_failure(endpoint, attempt, failure)
                    } else {
                        // Its stream was consumed: the body cannot be sent again.
                        Next::Done(Err(failure.error.with_attempts(attempt)))
                    }
                }
            };
            let delay = match next {
                Next::Done(result) => return result,
                Next::RetryAfter(delay) => delay,
            };
            if !deadline.leaves(delay) {
                return Err(overall_error(attempt));
            }
            tracing::debug!(
                attempt,
                delay_ms = delay.as_secs_f64() * 1000.0,
                "losant retrying"
            );
            self.inner.sleeper.sleep(delay).await;
        }
    }
}

#[async_trait]
impl Transport for Client {
    async fn send(&self, request: Request) -> Result<Response> {
        self.call(request).await
    }

    async fn open(&self, request: Request) -> Result<Opened> {
        self.open_stream(request).await
    }
}

impl Client {
    /// One call: the scope check, the concurrency limit, the span, the attempts.
    pub(crate) async fn call(&self, request: Request) -> Result<Response> {
        let endpoint = request.endpoint();
        self.admit(endpoint)?;
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
            let started = Instant::now();
            let result = self.execute(&request, started).await;
            let span = tracing::Span::current();
            if !span.is_disabled() {
                span.record("latency_ms", started.elapsed().as_secs_f64() * 1000.0);
            }
            result
        };
        // Pinned in place and polled inside the span (what `Instrument` does, without
        // copying the call's state into a wrapper).
        let call = std::pin::pin!(call);
        InSpan {
            span: &span,
            future: call,
        }
        .await
    }
}

impl Client {
    /// Whether this handle may send to `endpoint`: with a token when it needs one, and
    /// with a granted scope it accepts when the scopes are known. Nothing is sent
    /// otherwise.
    #[inline]
    fn admit(&self, endpoint: &'static crate::Endpoint) -> Result<()> {
        if endpoint.auth() == Auth::Token && self.authorization().is_none() {
            return Err(ConfigError::error(format!(
                "{} needs an API token; this client was built without one (nothing was sent)",
                endpoint.name()
            )));
        }
        if let Some(granted) = &self.inner.granted_scopes
            && self.handle_token().is_none()
            && !endpoint.accepts_any(granted)
        {
            return Err(Error::InsufficientScope(Box::new(ScopeError::new(
                endpoint,
                granted.clone(),
            ))));
        }
        Ok(())
    }

    /// Opens a stream of events: the answer's head within the attempt timeout, the
    /// body with no time limit and no size limit (the stream has its own), outside
    /// the concurrency limit (a stream is open for hours).
    async fn open_stream(&self, request: Request) -> Result<Opened> {
        let endpoint = request.endpoint();
        self.admit(endpoint)?;
        // Each connection of a stream (the first, and each reconnection) is a span, as
        // a call is.
        let span = tracing::debug_span!(
            "losant.stream",
            endpoint = endpoint.name(),
            method = endpoint.method().as_str(),
            path = endpoint.path(),
            status = tracing::field::Empty,
        );
        tracing::Instrument::instrument(self.connect_stream(request), span).await
    }

    /// The connection of [`open_stream`](Self::open_stream).
    async fn connect_stream(&self, request: Request) -> Result<Opened> {
        let endpoint = request.endpoint();
        let inner = &*self.inner;
        let origin = inner.origin;
        // The client's own headers, `Accept: application/json` included, and no global
        // parameters, as the official client opens a stream (its `EventSource`'s
        // headers overridden by the client's).
        let sent = inner
            .http
            .execute(self.http_request(&request, Globals::Omitted)?);
        let sent = match inner.attempt_timeout {
            None => sent.await,
            Some(limit) => tokio::time::timeout(limit, sent).await.map_err(|_| {
                Error::Timeout(Box::new(TimeoutError {
                    call: Call::new(Some(endpoint), 1),
                    kind: TimeoutKind::Attempt,
                    after: Some(limit),
                }))
            })?,
        };
        let mut response = sent.map_err(|error| classify(endpoint, error, origin).error)?;
        let status = response.status().as_u16();
        tracing::Span::current().record("status", status);
        if (200..300).contains(&status) {
            let body = futures_util::stream::unfold(Some(response), move |response| async move {
                let mut response = response?;
                match response.chunk().await {
                    Ok(Some(chunk)) => Some((Ok(chunk), Some(response))),
                    Ok(None) => None,
                    Err(error) => Some((Err(classify(endpoint, error, origin).error), None)),
                }
            });
            return Ok(Opened::Stream {
                body: Box::pin(body),
                redactor: Some(self.redactor().clone()),
            });
        }
        let headers = std::mem::take(response.headers_mut());
        let body = match read_body(response, inner.max_response_bytes).await {
            Ok(body) => body,
            Err(ReadError::TooLarge) => Bytes::new(),
            Err(ReadError::Transport(error)) => return Err(classify(endpoint, error, origin).error),
        };
        Ok(Opened::Answer(self.answer(status, headers, body)))
    }
}

/// The error of a limiter closed under a waiting call (it is never closed).
fn limiter_closed() -> Error {
    ConfigError::error("the client's request limiter is closed")
}

/// `future`, or `None` when `deadline` passes first; the wait is the time left on
/// the deadline, measured when the wait starts.
async fn within<F: Future>(deadline: Deadline, future: F) -> Option<F::Output> {
    let future = pin!(future);
    match deadline.left(Instant::now()) {
        None => Some(future.await),
        Some(left) => {
            WithTimeout {
                future,
                sleep: pin!(tokio::time::sleep(left)),
            }
            .await
        }
    }
}

/// Polls `future` with `span` entered, as `tracing::Instrument` does, borrowing the
/// future where it is pinned instead of taking it by value.
struct InSpan<'a, F> {
    span: &'a tracing::Span,
    future: Pin<&'a mut F>,
}

impl<F: Future> Future for InSpan<'_, F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = &mut *self;
        let _entered = this.span.enter();
        this.future.as_mut().poll(cx)
    }
}

/// `future`, or `None` once `sleep` ends first; both borrowed where they are pinned.
struct WithTimeout<'a, F> {
    future: Pin<&'a mut F>,
    sleep: Pin<&'a mut tokio::time::Sleep>,
}

impl<F: Future> Future for WithTimeout<'_, F> {
    type Output = Option<F::Output>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if let Poll::Ready(output) = self.future.as_mut().poll(cx) {
            return Poll::Ready(Some(output));
        }
        self.sleep.as_mut().poll(cx).map(|()| None)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("token", &"[REDACTED]")
            .field("granted_scopes", &self.inner.granted_scopes)
            .field("http", &self.inner.origin)
            .field("attempt_timeout", &self.inner.attempt_timeout)
            .field("overall_timeout", &self.handle_timeout())
            .field(
                "rate_limits",
                &self
                    .inner
                    .throttles
                    .iter()
                    .map(Throttle::limit)
                    .collect::<Vec<_>>(),
            )
            .field("retry", &self.inner.retry)
            .field(
                "max_concurrent_requests",
                &self.inner.limiter.as_ref().map(|_| "limited"),
            )
            .field("max_response_bytes", &self.inner.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// The state of one call in flight: every call of every endpoint runs this future, so its
/// size is what 64 calls in flight keep in cache (BENCHMARKS.md reports it;
/// `cargo test -p losant-core --lib call_state -- --nocapture` prints it).
#[cfg(test)]
mod call_state {
    use crate::__private::{EndpointSpec, endpoint};
    use crate::endpoint::PathPart;
    use crate::request::RequestBuilder;
    use crate::{Endpoint, Method};

    static PING: Endpoint = endpoint(EndpointSpec {
        name: "ping",
        method: Method::Get,
        path: "/ping",
        parts: &[PathPart::Literal("/ping")],
        scope: "ping.get",
        accepted_scopes: &["ping.get"],
        auth: crate::Auth::Token,
        read: true,
        idempotent: true,
    });

    #[test]
    fn a_call_in_flight_keeps_under_two_kib_of_state() {
        let client = crate::Client::new("a-token").unwrap();
        let request = RequestBuilder::new(&PING, &[]).finish().unwrap();
        let call = client.call(request);
        let size = std::mem::size_of_val(&call);
        println!("the call's future: {size} bytes");
        assert!(size <= 2048, "the call's future grew to {size} bytes");
    }
}
