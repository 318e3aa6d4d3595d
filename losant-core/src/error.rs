//! The one error type of every call, and its cases.

use std::fmt;
use std::time::Duration;

use crate::endpoint::Endpoint;
use crate::redact::{Redactor, scrub};

/// `Result` with [`Error`] as the default error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Largest number of body bytes an error keeps.
pub(crate) const BODY_EXCERPT_LIMIT: usize = 4096;

/// Everything that can go wrong in a call.
///
/// Each case wraps a small struct with accessors; the convenience queries on this
/// type ([`status`](Error::status), [`is_not_found`](Error::is_not_found), ...) cover
/// the common questions. Every case that belongs to a call carries its [`Call`]: the
/// endpoint and the number of attempts. No case ever contains the API token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a status outside 2xx.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// A 2xx response whose body did not match the declared type.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// An argument was refused before anything was sent.
    #[error(transparent)]
    InvalidArgument(Box<InvalidArgument>),
    /// A string that is not a valid ID.
    #[error(transparent)]
    InvalidId(Box<IdError>),
    /// The token's granted scopes do not include any scope the endpoint accepts;
    /// nothing was sent.
    #[error(transparent)]
    InsufficientScope(Box<ScopeError>),
    /// A timeout fired.
    #[error(transparent)]
    Timeout(Box<TimeoutError>),
    /// The server asked to wait longer (`Retry-After`) than the retry policy allows;
    /// the call ended instead of sleeping.
    #[error(transparent)]
    RateLimited(Box<RateLimitError>),
    /// The server answered with a redirect, which is never followed with credentials.
    #[error(transparent)]
    Redirect(Box<RedirectError>),
    /// The response body was larger than the configured limit.
    #[error(transparent)]
    BodyTooLarge(Box<BodyTooLarge>),
    /// The connection failed, or the request could not be sent.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// The client is misconfigured (missing token, bad base URL, ...).
    #[error(transparent)]
    Config(Box<ConfigError>),
}

/// What every error of a call knows about it: its endpoint and how many attempts it
/// made (0 when nothing was sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    pub(crate) endpoint: Option<&'static Endpoint>,
    pub(crate) attempts: u32,
}

impl Call {
    /// A call of `endpoint` (when known) after `attempts` attempts.
    #[must_use]
    pub const fn new(endpoint: Option<&'static Endpoint>, attempts: u32) -> Self {
        Call { endpoint, attempts }
    }

    /// A call refused before anything was sent.
    pub(crate) const fn unsent(endpoint: Option<&'static Endpoint>) -> Self {
        Call::new(endpoint, 0)
    }

    /// The endpoint of the call, when the error belongs to one.
    #[must_use]
    pub fn endpoint(&self) -> Option<&'static Endpoint> {
        self.endpoint
    }

    /// How many attempts the call made.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The endpoint's name, or `request` when unknown: how messages start.
    fn name(&self) -> &'static str {
        self.endpoint.map_or("request", Endpoint::name)
    }
}

/// ` (after N attempts)` when the call was retried.
struct AfterAttempts(u32);

impl fmt::Display for AfterAttempts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 1 {
            write!(f, " (after {} attempts)", self.0)?;
        }
        Ok(())
    }
}

impl Error {
    /// What the error knows about its call, for the cases that belong to one.
    #[must_use]
    pub fn call(&self) -> Option<&Call> {
        match self {
            Error::Api(e) => Some(&e.call),
            Error::Decode(e) => Some(&e.call),
            Error::InvalidArgument(e) => Some(&e.call),
            Error::InsufficientScope(e) => Some(&e.call),
            Error::Timeout(e) => Some(&e.call),
            Error::RateLimited(e) => Some(&e.call),
            Error::Redirect(e) => Some(&e.call),
            Error::BodyTooLarge(e) => Some(&e.call),
            Error::Transport(e) => Some(&e.call),
            Error::InvalidId(_) | Error::Config(_) => None,
        }
    }

    fn call_mut(&mut self) -> Option<&mut Call> {
        match self {
            Error::Api(e) => Some(&mut e.call),
            Error::Decode(e) => Some(&mut e.call),
            Error::InvalidArgument(e) => Some(&mut e.call),
            Error::InsufficientScope(e) => Some(&mut e.call),
            Error::Timeout(e) => Some(&mut e.call),
            Error::RateLimited(e) => Some(&mut e.call),
            Error::Redirect(e) => Some(&mut e.call),
            Error::BodyTooLarge(e) => Some(&mut e.call),
            Error::Transport(e) => Some(&mut e.call),
            Error::InvalidId(_) | Error::Config(_) => None,
        }
    }

    /// The HTTP status of the response, when there was one.
    #[must_use]
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode(e) => Some(e.status),
            Error::Redirect(e) => Some(e.status),
            Error::RateLimited(e) => Some(e.status),
            _ => None,
        }
    }

    /// How many attempts the call made before failing (1 when it was not retried,
    /// 0 when nothing was sent).
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.call().map_or(0, Call::attempts)
    }

    /// The endpoint of the failed call, when the error belongs to one.
    #[must_use]
    pub fn endpoint(&self) -> Option<&'static Endpoint> {
        self.call().and_then(Call::endpoint)
    }

    /// The wait the server asked for with `Retry-After`, when it sent one.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Api(e) => e.retry_after,
            Error::RateLimited(e) => Some(e.retry_after),
            _ => None,
        }
    }

    /// Records how many attempts the call made (errors of calls that sent something).
    #[must_use]
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        if let Some(call) = self.call_mut()
            && call.attempts > 0
        {
            call.attempts = attempts;
        }
        self
    }

    /// Fills in the endpoint of an error raised by a transport that did not know it.
    #[must_use]
    pub(crate) fn with_endpoint(mut self, endpoint: &'static Endpoint) -> Self {
        if let Some(call) = self.call_mut() {
            call.endpoint.get_or_insert(endpoint);
        }
        self
    }

    /// The API error, when the server answered with a status outside 2xx.
    #[must_use]
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Losant's error `type` (such as `NotFound` or `Validation`), when the server sent one.
    #[must_use]
    pub fn api_error_type(&self) -> Option<&str> {
        self.as_api().and_then(ApiError::error_type)
    }

    /// 404: the resource does not exist.
    #[must_use]
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// 400: the server refused the request as malformed.
    #[must_use]
    pub fn is_bad_request(&self) -> bool {
        self.status() == Some(400)
    }

    /// 401: the token is missing, invalid or expired.
    #[must_use]
    pub fn is_unauthorized(&self) -> bool {
        self.status() == Some(401)
    }

    /// 403: the token may not do this.
    #[must_use]
    pub fn is_forbidden(&self) -> bool {
        self.status() == Some(403)
    }

    /// The server is rate-limiting this client: a 429, or a `Retry-After` longer
    /// than the retry policy waits.
    #[must_use]
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::RateLimited(_)) || self.status() == Some(429)
    }

    /// A 5xx answer.
    #[must_use]
    pub fn is_server_error(&self) -> bool {
        self.as_api().is_some_and(|e| e.status >= 500)
    }

    /// A timeout fired.
    #[must_use]
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout(_))
    }

    /// The call was refused before anything was sent: an invalid argument or ID, or
    /// a scope the token lacks.
    #[must_use]
    pub fn is_rejected_before_sending(&self) -> bool {
        matches!(
            self,
            Error::InvalidArgument(_) | Error::InvalidId(_) | Error::InsufficientScope(_)
        )
    }
}

/// `HTTP 404 Not Found`.
fn status_line(status: u16) -> String {
    match http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("HTTP {status} {reason}"),
        None => format!("HTTP {status}"),
    }
}

/// `: type: message`, or the start of the body when the server sent neither.
fn api_detail(error: &ApiError) -> String {
    match (&error.error_type, &error.message) {
        (Some(t), Some(m)) => format!(": {t}: {m}"),
        (Some(t), None) => format!(": {t}"),
        (None, Some(m)) => format!(": {m}"),
        (None, None) if error.body.trim().is_empty() => String::new(),
        (None, None) => format!(": {}", one_line(&error.body, 160)),
    }
}

/// A response with a status outside 2xx.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{} failed with {}{}{}",
    .call.name(),
    status_line(*.status),
    api_detail(self),
    AfterAttempts(.call.attempts)
)]
pub struct ApiError {
    pub(crate) call: Call,
    pub(crate) status: u16,
    pub(crate) error_type: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) body: String,
    pub(crate) body_truncated: bool,
    pub(crate) retry_after: Option<Duration>,
}

impl ApiError {
    /// The call: its endpoint and attempts (this is the answer to the last one).
    #[must_use]
    pub fn call(&self) -> &Call {
        &self.call
    }

    /// How many attempts the call made; this is the answer to the last one.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.call.attempts
    }

    /// The wait the server asked for with `Retry-After`, when it sent one.
    #[must_use]
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }

    /// The HTTP status.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// Losant's error `type`, such as `NotFound`, when the body had one.
    #[must_use]
    pub fn error_type(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// Losant's error `message`, when the body had one.
    #[must_use]
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The start of the response body (at most 4 KiB, lossily decoded as UTF-8),
    /// whatever its format: JSON, an HTML error page, ...
    #[must_use]
    pub fn body(&self) -> &str {
        &self.body
    }

    /// Whether [`body`](Self::body) is cut short.
    #[must_use]
    pub fn is_body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// The endpoint of the failed call.
    #[must_use]
    pub fn endpoint(&self) -> Option<&'static Endpoint> {
        self.call.endpoint
    }
}

/// A 2xx response whose body did not match the declared type.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{}: could not decode the HTTP {} response as `{}` at `{}`: {}",
    .call.name(),
    .status,
    .target,
    .path,
    .message
)]
pub struct DecodeError {
    pub(crate) call: Call,
    pub(crate) status: u16,
    pub(crate) target: &'static str,
    pub(crate) path: String,
    pub(crate) message: String,
    pub(crate) body: String,
}

impl DecodeError {
    /// Where in the JSON the decoding failed, such as `updates[0].creationDate`
    /// (`.` for the document itself).
    #[must_use]
    pub fn path(&self) -> &str {
        &self.path
    }

    /// What went wrong at [`path`](Self::path).
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The Rust type the body was decoded into.
    #[must_use]
    pub fn target(&self) -> &'static str {
        self.target
    }

    /// The HTTP status of the response.
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The start of the response body (at most 4 KiB).
    #[must_use]
    pub fn body(&self) -> &str {
        &self.body
    }
}

/// ` for <endpoint>` when the endpoint is known.
struct ForEndpoint(Option<&'static Endpoint>);

impl fmt::Display for ForEndpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(endpoint) => write!(f, " for {}", endpoint.name()),
            None => Ok(()),
        }
    }
}

/// An argument refused before anything was sent.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "invalid argument `{}`{}: {} (nothing was sent)",
    .argument,
    ForEndpoint(.call.endpoint),
    .reason
)]
pub struct InvalidArgument {
    pub(crate) call: Call,
    pub(crate) argument: String,
    pub(crate) reason: String,
}

impl InvalidArgument {
    /// A refusal of `argument` for `reason`, for validation code outside the
    /// generated calls (such as a model's own checks).
    pub fn new(argument: impl Into<String>, reason: impl Into<String>) -> Self {
        InvalidArgument {
            call: Call::unsent(None),
            argument: argument.into(),
            reason: reason.into(),
        }
    }

    /// The same refusal, for `endpoint`.
    pub(crate) fn of(mut self, endpoint: &'static Endpoint) -> Self {
        self.call.endpoint = Some(endpoint);
        self
    }

    /// The argument's name (or the field inside it, such as `patch.subject`).
    #[must_use]
    pub fn argument(&self) -> &str {
        &self.argument
    }

    /// Why it was refused.
    #[must_use]
    pub fn reason(&self) -> &str {
        &self.reason
    }
}

impl From<InvalidArgument> for Error {
    fn from(error: InvalidArgument) -> Self {
        Error::InvalidArgument(Box::new(error))
    }
}

/// How an ID error shows its input: escaped, and only its start when long.
struct ShownInput<'a>(&'a IdError);

impl fmt::Display for ShownInput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}", self.0.input.escape_debug())?;
        if self.0.input_len > IdError::SHOWN_CHARS {
            write!(f, "…` ({} characters)", self.0.input_len)
        } else {
            f.write_str("`")
        }
    }
}

/// A string that is not a valid ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid {} {}: expected 24 hexadecimal characters",
    .kind,
    ShownInput(self)
)]
pub struct IdError {
    pub(crate) kind: &'static str,
    pub(crate) input: String,
    pub(crate) input_len: usize,
}

impl IdError {
    /// How many characters of a refused input the error shows: a mistaken paste may
    /// hold a secret.
    const SHOWN_CHARS: usize = 32;

    pub(crate) fn new(kind: &'static str, input: &str) -> Self {
        IdError {
            kind,
            input: input.chars().take(Self::SHOWN_CHARS).collect(),
            input_len: input.chars().count(),
        }
    }

    /// The ID type that refused the input, such as `EventId`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

impl From<IdError> for Error {
    fn from(error: IdError) -> Self {
        Error::InvalidId(Box::new(error))
    }
}

/// `a, b, c`, or `none`.
fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_owned()
    } else {
        items.join(", ")
    }
}

/// The token's granted scopes include none the endpoint accepts.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "the token's scopes do not allow {} (scope `{}`): it accepts one of {}; the token has {} (nothing was sent)",
    .endpoint.name(),
    .endpoint.scope(),
    .endpoint.accepted_scopes().join(", "),
    list_or_none(.granted)
)]
pub struct ScopeError {
    pub(crate) call: Call,
    pub(crate) endpoint: &'static Endpoint,
    pub(crate) granted: Vec<String>,
}

impl ScopeError {
    pub(crate) fn new(endpoint: &'static Endpoint, granted: Vec<String>) -> Self {
        ScopeError {
            call: Call::unsent(Some(endpoint)),
            endpoint,
            granted,
        }
    }

    /// The endpoint that was refused.
    #[must_use]
    pub fn endpoint(&self) -> &'static Endpoint {
        self.endpoint
    }

    /// The scopes the endpoint accepts.
    #[must_use]
    pub fn accepted(&self) -> &'static [&'static str] {
        self.endpoint.accepted_scopes()
    }

    /// The scopes the client was told the token has.
    #[must_use]
    pub fn granted(&self) -> &[String] {
        &self.granted
    }
}

/// Which timeout fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TimeoutKind {
    /// Establishing a connection took too long.
    Connect,
    /// One attempt (sending the request and reading the whole response) took too long.
    Attempt,
    /// The whole call, retries and waits included, took too long.
    Overall,
    /// A stream of events sent nothing, not even a keep-alive, for its idle timeout.
    Idle,
    /// A timeout of the HTTP client given with
    /// [`http_client`](crate::ClientBuilder::http_client) (its `timeout` or
    /// `read_timeout`) fired after the request was sent; its duration is that
    /// client's own.
    HttpClient,
}

impl fmt::Display for TimeoutKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::Attempt => "attempt timeout",
            TimeoutKind::Overall => "overall timeout",
            TimeoutKind::Idle => "idle timeout of the stream of events",
            TimeoutKind::HttpClient => {
                "timeout of the given HTTP client (its `timeout` or `read_timeout`), after the request was sent"
            }
        })
    }
}

/// ` after 30s` when the duration is known.
struct AfterDuration(Option<Duration>);

impl fmt::Display for AfterDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(after) => write!(f, " after {after:?}"),
            None => Ok(()),
        }
    }
}

/// A timeout fired.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{}: {}{}{}",
    .call.name(),
    .kind,
    AfterDuration(*.after),
    AfterAttempts(.call.attempts)
)]
pub struct TimeoutError {
    pub(crate) call: Call,
    pub(crate) kind: TimeoutKind,
    pub(crate) after: Option<Duration>,
}

impl TimeoutError {
    /// Which timeout fired.
    #[must_use]
    pub fn kind(&self) -> TimeoutKind {
        self.kind
    }

    /// The configured duration of that timeout.
    #[must_use]
    pub fn after(&self) -> Option<Duration> {
        self.after
    }
}

/// The server asked to wait longer than the retry policy allows.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{}: rate limited (HTTP {}): the server asks to retry after {:?}, longer than the {:?} the retry policy waits{}",
    .call.name(),
    .status,
    .retry_after,
    .limit,
    AfterAttempts(.call.attempts)
)]
pub struct RateLimitError {
    pub(crate) call: Call,
    pub(crate) status: u16,
    pub(crate) retry_after: Duration,
    pub(crate) limit: Duration,
    pub(crate) body: String,
}

impl RateLimitError {
    /// The wait the server asked for.
    #[must_use]
    pub fn retry_after(&self) -> Duration {
        self.retry_after
    }

    /// The longest wait the retry policy accepts.
    #[must_use]
    pub fn limit(&self) -> Duration {
        self.limit
    }

    /// The status of the answer (429, 503, ...).
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The start of the answer's body.
    #[must_use]
    pub fn body(&self) -> &str {
        &self.body
    }
}

/// The server answered with a redirect.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{}: the server redirected with HTTP {} to {}; redirects are not followed, check the base URL",
    .call.name(),
    .status,
    .location.as_deref().unwrap_or("an unnamed location")
)]
pub struct RedirectError {
    pub(crate) call: Call,
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
}

impl RedirectError {
    /// Where the server pointed, from the `Location` header.
    #[must_use]
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }

    /// The redirect's status (301, 302, 307, ...).
    #[must_use]
    pub fn status(&self) -> u16 {
        self.status
    }
}

/// The response body was larger than the configured limit.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "{}: the response body is larger than the limit of {} bytes{}",
    .call.name(),
    .limit,
    AfterAttempts(.call.attempts)
)]
pub struct BodyTooLarge {
    pub(crate) call: Call,
    pub(crate) limit: usize,
}

impl BodyTooLarge {
    /// The limit in bytes.
    #[must_use]
    pub fn limit(&self) -> usize {
        self.limit
    }
}

/// The connection failed or the request could not be sent. The underlying error (of
/// the HTTP client, or of a custom transport) is its [`source`](std::error::Error::source).
#[derive(Debug, thiserror::Error)]
#[error("{}: {}{}", .call.name(), .message, AfterAttempts(.call.attempts))]
pub struct TransportError {
    pub(crate) call: Call,
    pub(crate) message: String,
    #[source]
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

impl TransportError {
    /// A transport failure described by `message`, for custom [`Transport`](crate::Transport)s.
    pub fn new(message: impl Into<String>) -> Self {
        TransportError {
            call: Call::new(None, 1),
            message: message.into(),
            source: None,
        }
    }

    /// The same failure, keeping `source` as its cause.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }

    /// What failed, without the cause.
    #[must_use]
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Error::Transport(Box::new(error))
    }
}

/// The client is misconfigured.
#[derive(Debug, Clone, thiserror::Error)]
#[error("invalid client configuration: {message}")]
pub struct ConfigError {
    pub(crate) message: String,
}

impl ConfigError {
    pub(crate) fn error(message: impl Into<String>) -> Error {
        Error::Config(Box::new(ConfigError {
            message: message.into(),
        }))
    }
}

/// At most `max` characters of `text` on one line.
fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > max {
            let cut: String = out.chars().take(max).collect();
            return cut + "…";
        }
    }
    out
}

/// The start of a body, lossily decoded and scrubbed of the secret: `(text, truncated)`.
pub(crate) fn excerpt(body: &[u8], redactor: Option<&Redactor>) -> (String, bool) {
    // Scrub a window a little past the cut, so that a secret crossing it (even fully
    // escaped, up to 12 bytes a character) is seen whole before the text is cut.
    let margin = redactor.map_or(0, Redactor::longest_encoding);
    let window = &body[..body.len().min(BODY_EXCERPT_LIMIT.saturating_add(margin))];
    let mut truncated = window.len() < body.len();
    let mut text = String::from_utf8_lossy(window).into_owned();
    if truncated && text.ends_with('\u{FFFD}') {
        // A multi-byte character split by the window.
        text.pop();
    }
    let mut text = scrub(redactor, text);
    // Each invalid byte became a three-byte U+FFFD, and the window is wider than the
    // excerpt: cut to the limit.
    if text.len() > BODY_EXCERPT_LIMIT {
        let mut end = BODY_EXCERPT_LIMIT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
        truncated = true;
    }
    (text, truncated)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_excerpt_stays_within_the_limit_even_when_bytes_are_replaced() {
        // Found by the response_decode fuzz target: invalid bytes grow threefold.
        let (text, truncated) = excerpt(&[0xff; 3000], None);
        assert!(text.len() <= BODY_EXCERPT_LIMIT, "{}", text.len());
        assert!(truncated);
        let (text, truncated) = excerpt("é".repeat(3000).as_bytes(), None);
        assert!(text.len() <= BODY_EXCERPT_LIMIT);
        assert!(text.chars().all(|c| c == 'é'));
        assert!(truncated);
        assert_eq!(excerpt(b"short", None), ("short".to_owned(), false));
    }

    #[test]
    fn messages_name_the_call_and_its_attempts() {
        let api = ApiError {
            call: Call::new(None, 3),
            status: 503,
            error_type: None,
            message: None,
            body: "<html>\n  busy\n</html>".to_owned(),
            body_truncated: false,
            retry_after: None,
        };
        assert_eq!(
            api.to_string(),
            "request failed with HTTP 503 Service Unavailable: <html> busy </html> (after 3 attempts)"
        );
        let timeout = TimeoutError {
            call: Call::new(None, 1),
            kind: TimeoutKind::Attempt,
            after: Some(Duration::from_secs(30)),
        };
        assert_eq!(timeout.to_string(), "request: attempt timeout after 30s");
        let id = IdError::new("EventId", &"x".repeat(40));
        assert_eq!(
            id.to_string(),
            format!(
                "invalid EventId `{}…` (40 characters): expected 24 hexadecimal characters",
                "x".repeat(32)
            )
        );
        let transport =
            TransportError::new("could not connect").with_source(std::io::Error::other("refused"));
        assert_eq!(transport.to_string(), "request: could not connect");
        assert_eq!(
            std::error::Error::source(&transport).unwrap().to_string(),
            "refused"
        );
    }

    #[test]
    fn the_attempts_of_an_unsent_call_stay_zero() {
        let refused = Error::from(InvalidArgument::new("x", "bad"));
        assert_eq!(refused.with_attempts(3).attempts(), 0);
        let sent = Error::from(TransportError::new("reset"));
        assert_eq!(sent.with_attempts(3).attempts(), 3);
        assert_eq!(Error::from(IdError::new("EventId", "x")).attempts(), 0);
    }
}
