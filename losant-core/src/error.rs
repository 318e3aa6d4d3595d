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
/// the common questions. No case ever contains the API token.
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

impl Error {
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
        match self {
            Error::Api(e) => e.attempts,
            Error::Timeout(e) => e.attempts,
            Error::Transport(e) => e.attempts,
            Error::RateLimited(e) => e.attempts,
            Error::Decode(_) | Error::Redirect(_) | Error::BodyTooLarge(_) => 1,
            Error::InvalidArgument(_)
            | Error::InvalidId(_)
            | Error::InsufficientScope(_)
            | Error::Config(_) => 0,
        }
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

    /// Records how many attempts the call made.
    #[must_use]
    pub(crate) fn with_attempts(mut self, attempts: u32) -> Self {
        match &mut self {
            Error::Api(e) => e.attempts = attempts,
            Error::Timeout(e) => e.attempts = attempts,
            Error::Transport(e) => e.attempts = attempts,
            Error::RateLimited(e) => e.attempts = attempts,
            _ => {}
        }
        self
    }

    /// The endpoint of the failed call, when the error belongs to one.
    #[must_use]
    pub fn endpoint(&self) -> Option<&'static Endpoint> {
        match self {
            Error::Api(e) => e.endpoint,
            Error::Decode(e) => e.endpoint,
            Error::InvalidArgument(e) => e.endpoint,
            Error::InsufficientScope(e) => Some(e.endpoint),
            Error::Timeout(e) => e.endpoint,
            Error::RateLimited(e) => e.endpoint,
            Error::Redirect(e) => e.endpoint,
            Error::BodyTooLarge(e) => e.endpoint,
            Error::Transport(e) => e.endpoint,
            Error::InvalidId(_) | Error::Config(_) => None,
        }
    }

    /// Fills in the endpoint of an error raised by a transport that did not know it.
    #[must_use]
    pub(crate) fn with_endpoint(mut self, endpoint: &'static Endpoint) -> Self {
        let slot = match &mut self {
            Error::Api(e) => &mut e.endpoint,
            Error::Decode(e) => &mut e.endpoint,
            Error::InvalidArgument(e) => &mut e.endpoint,
            Error::Timeout(e) => &mut e.endpoint,
            Error::RateLimited(e) => &mut e.endpoint,
            Error::Redirect(e) => &mut e.endpoint,
            Error::BodyTooLarge(e) => &mut e.endpoint,
            Error::Transport(e) => &mut e.endpoint,
            Error::InsufficientScope(_) | Error::InvalidId(_) | Error::Config(_) => return self,
        };
        slot.get_or_insert(endpoint);
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

fn endpoint_name(endpoint: Option<&'static Endpoint>) -> &'static str {
    endpoint.map_or("request", Endpoint::name)
}

/// A response with a status outside 2xx.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub(crate) endpoint: Option<&'static Endpoint>,
    pub(crate) status: u16,
    pub(crate) error_type: Option<String>,
    pub(crate) message: Option<String>,
    pub(crate) body: String,
    pub(crate) body_truncated: bool,
    pub(crate) attempts: u32,
    pub(crate) retry_after: Option<Duration>,
}

impl ApiError {
    /// How many attempts the call made; this is the answer to the last one.
    #[must_use]
    pub fn attempts(&self) -> u32 {
        self.attempts
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
        self.endpoint
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed with HTTP {}",
            endpoint_name(self.endpoint),
            self.status
        )?;
        if let Some(reason) = http::StatusCode::from_u16(self.status)
            .ok()
            .and_then(|s| s.canonical_reason())
        {
            write!(f, " {reason}")?;
        }
        match (&self.error_type, &self.message) {
            (Some(t), Some(m)) => write!(f, ": {t}: {m}")?,
            (Some(t), None) => write!(f, ": {t}")?,
            (None, Some(m)) => write!(f, ": {m}")?,
            (None, None) if self.body.trim().is_empty() => {}
            (None, None) => write!(f, ": {}", one_line(&self.body, 160))?,
        }
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for ApiError {}

/// A 2xx response whose body did not match the declared type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub(crate) endpoint: Option<&'static Endpoint>,
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

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: could not decode the HTTP {} response as `{}` at `{}`: {}",
            endpoint_name(self.endpoint),
            self.status,
            self.target,
            self.path,
            self.message
        )
    }
}

impl std::error::Error for DecodeError {}

/// An argument refused before anything was sent.
#[derive(Debug, Clone)]
pub struct InvalidArgument {
    pub(crate) endpoint: Option<&'static Endpoint>,
    pub(crate) argument: String,
    pub(crate) reason: String,
}

impl InvalidArgument {
    /// A refusal of `argument` for `reason`, for validation code outside the
    /// generated calls (such as a model's own checks).
    pub fn new(argument: impl Into<String>, reason: impl Into<String>) -> Self {
        InvalidArgument {
            endpoint: None,
            argument: argument.into(),
            reason: reason.into(),
        }
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

impl fmt::Display for InvalidArgument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid argument `{}`", self.argument)?;
        if let Some(endpoint) = self.endpoint {
            write!(f, " for {}", endpoint.name())?;
        }
        write!(f, ": {} (nothing was sent)", self.reason)
    }
}

impl std::error::Error for InvalidArgument {}

impl From<InvalidArgument> for Error {
    fn from(error: InvalidArgument) -> Self {
        Error::InvalidArgument(Box::new(error))
    }
}

/// A string that is not a valid ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdError {
    pub(crate) kind: &'static str,
    pub(crate) input: String,
    pub(crate) input_len: usize,
}

impl IdError {
    pub(crate) fn new(kind: &'static str, input: &str) -> Self {
        // Echo only the start of a long input: a mistaken paste may hold a secret.
        let input_len = input.chars().count();
        IdError {
            kind,
            input: input.chars().take(32).collect(),
            input_len,
        }
    }

    /// The ID type that refused the input, such as `EventId`.
    #[must_use]
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

impl fmt::Display for IdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid {} `{}", self.kind, self.input.escape_debug())?;
        if self.input_len > 32 {
            write!(f, "…` ({} characters)", self.input_len)?;
        } else {
            f.write_str("`")?;
        }
        f.write_str(": expected 24 hexadecimal characters")
    }
}

impl std::error::Error for IdError {}

impl From<IdError> for Error {
    fn from(error: IdError) -> Self {
        Error::InvalidId(Box::new(error))
    }
}

/// The token's granted scopes include none the endpoint accepts.
#[derive(Debug, Clone)]
pub struct ScopeError {
    pub(crate) endpoint: &'static Endpoint,
    pub(crate) granted: Vec<String>,
}

impl ScopeError {
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

impl fmt::Display for ScopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the token's scopes do not allow {} (scope `{}`): it accepts one of {}; the token has {} (nothing was sent)",
            self.endpoint.name(),
            self.endpoint.scope(),
            self.endpoint.accepted_scopes().join(", "),
            if self.granted.is_empty() {
                "none".to_owned()
            } else {
                self.granted.join(", ")
            }
        )
    }
}

impl std::error::Error for ScopeError {}

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
}

/// A timeout fired.
#[derive(Debug, Clone)]
pub struct TimeoutError {
    pub(crate) endpoint: Option<&'static Endpoint>,
    pub(crate) kind: TimeoutKind,
    pub(crate) after: Option<Duration>,
    pub(crate) attempts: u32,
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

impl fmt::Display for TimeoutError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TimeoutKind::Connect => "connect timeout",
            TimeoutKind::Attempt => "attempt timeout",
            TimeoutKind::Overall => "overall timeout",
        };
        write!(f, "{}: {what}", endpoint_name(self.endpoint))?;
        if let Some(after) = self.after {
            write!(f, " after {after:?}")?;
        }
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for TimeoutError {}

/// The server asked to wait longer than the retry policy allows.
#[derive(Debug, Clone)]
pub struct RateLimitError {
    pub(crate) endpoint: Option<&'static Endpoint>,
    pub(crate) status: u16,
    pub(crate) retry_after: Duration,
    pub(crate) limit: Duration,
    pub(crate) attempts: u32,
    pub(crate) body: String,
}

impl RateLimitError {
    /// The wait the server asked for.
    #[must_use]
    pub fn retry_after(&self) -> Duration {
        self.retry_after
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

impl fmt::Display for RateLimitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: rate limited (HTTP {}): the server asks to retry after {:?}, longer than the {:?} the retry policy waits",
            endpoint_name(self.endpoint),
            self.status,
            self.retry_after,
            self.limit
        )?;
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for RateLimitError {}

/// The server answered with a redirect.
#[derive(Debug, Clone)]
pub struct RedirectError {
    pub(crate) endpoint: Option<&'static Endpoint>,
    pub(crate) status: u16,
    pub(crate) location: Option<String>,
}

impl RedirectError {
    /// Where the server pointed, from the `Location` header.
    #[must_use]
    pub fn location(&self) -> Option<&str> {
        self.location.as_deref()
    }
}

impl fmt::Display for RedirectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the server redirected with HTTP {} to {}; redirects are not followed, check the base URL",
            endpoint_name(self.endpoint),
            self.status,
            self.location.as_deref().unwrap_or("an unnamed location")
        )
    }
}

impl std::error::Error for RedirectError {}

/// The response body was larger than the configured limit.
#[derive(Debug, Clone)]
pub struct BodyTooLarge {
    pub(crate) endpoint: Option<&'static Endpoint>,
    pub(crate) limit: usize,
}

impl BodyTooLarge {
    /// The limit in bytes.
    #[must_use]
    pub fn limit(&self) -> usize {
        self.limit
    }
}

impl fmt::Display for BodyTooLarge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: the response body is larger than the limit of {} bytes",
            endpoint_name(self.endpoint),
            self.limit
        )
    }
}

impl std::error::Error for BodyTooLarge {}

/// The connection failed or the request could not be sent.
#[derive(Debug)]
pub struct TransportError {
    pub(crate) endpoint: Option<&'static Endpoint>,
    pub(crate) message: String,
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
    pub(crate) attempts: u32,
}

impl TransportError {
    /// A transport failure described by `message`, for custom [`Transport`](crate::Transport)s.
    pub fn new(message: impl Into<String>) -> Self {
        TransportError {
            endpoint: None,
            message: message.into(),
            source: None,
            attempts: 1,
        }
    }

    /// The same failure, keeping `source` as its cause.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Box::new(source));
        self
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", endpoint_name(self.endpoint), self.message)?;
        write_attempts(f, self.attempts)
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<TransportError> for Error {
    fn from(error: TransportError) -> Self {
        Error::Transport(Box::new(error))
    }
}

/// The client is misconfigured.
#[derive(Debug, Clone)]
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

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid client configuration: {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// ` (after N attempts)` when the call was retried.
fn write_attempts(f: &mut fmt::Formatter<'_>, attempts: u32) -> fmt::Result {
    if attempts > 1 {
        write!(f, " (after {attempts} attempts)")?;
    }
    Ok(())
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
    use super::{BODY_EXCERPT_LIMIT, excerpt};

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
}
