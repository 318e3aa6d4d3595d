//! The retry policy: which failures are retried, how long to wait between attempts,
//! and what each attempt's outcome means for the next ([`Next`]).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::endpoint::Endpoint;
use crate::error::{Call, Error, RateLimitError, Result, excerpt};
use crate::response::Response;

/// A future that finishes after a delay; see [`ClientBuilder::sleeper`](crate::ClientBuilder::sleeper).
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Waits between attempts. The default is `tokio::time::sleep`.
#[derive(Clone)]
pub(crate) struct Sleeper(Arc<dyn Fn(Duration) -> SleepFuture + Send + Sync>);

impl Sleeper {
    pub(crate) fn new(sleep: impl Fn(Duration) -> SleepFuture + Send + Sync + 'static) -> Self {
        Sleeper(Arc::new(sleep))
    }

    /// Waits `delay`.
    pub(crate) fn sleep(&self, delay: Duration) -> SleepFuture {
        (self.0)(delay)
    }
}

impl Default for Sleeper {
    fn default() -> Self {
        Sleeper::new(|delay| Box::pin(tokio::time::sleep(delay)))
    }
}

impl fmt::Debug for Sleeper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sleeper")
    }
}

/// How a [`Client`](crate::Client) retries failed attempts.
///
/// Retried: connection failures before a response, timeouts of an attempt, and the
/// statuses 429, 502, 503 and 504, for idempotent endpoints (GET, PUT, DELETE, or
/// any declared `idempotent = true`). A POST or PATCH that is not declared idempotent
/// is retried when the connection failed before any byte of it was sent, and on a
/// 429 with `Retry-After`: the server refused it without processing it and said when
/// to come back.
///
/// Between attempts the client waits a random time between zero and
/// `min(max_delay, base_delay × 2^(attempt − 1))` ("full jitter"), or what the
/// server's `Retry-After` asks (delta-seconds or HTTP date) when it is at most
/// `max_retry_after`; a longer `Retry-After` ends the call at once with
/// [`Error::RateLimited`](crate::Error::RateLimited). No wait goes past the client's
/// overall timeout.
///
/// ```
/// use std::time::Duration;
/// use losant_core::{Client, RetryPolicy};
///
/// let client = Client::builder()
///     .token("my-token")
///     .retry(RetryPolicy::default().max_attempts(5).max_delay(Duration::from_secs(2)))
///     .build()?;
/// let no_retries = Client::builder().token("my-token").retry(RetryPolicy::none()).build()?;
/// # Ok::<(), losant_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct RetryPolicy {
    pub(crate) max_attempts: u32,
    pub(crate) base_delay: Duration,
    pub(crate) max_delay: Duration,
    pub(crate) max_retry_after: Duration,
    pub(crate) jitter: bool,
}

impl Default for RetryPolicy {
    /// 3 attempts in all, 200 ms base delay, 5 s cap, `Retry-After` honoured up to 30 s.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            jitter: true,
        }
    }
}

impl fmt::Debug for RetryPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RetryPolicy")
            .field("max_attempts", &self.max_attempts)
            .field("base_delay", &self.base_delay)
            .field("max_delay", &self.max_delay)
            .field("max_retry_after", &self.max_retry_after)
            .field("jitter", &self.jitter)
            .finish()
    }
}

impl RetryPolicy {
    /// No retries: every call makes one attempt.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, first one included (at least 1; default 3).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait before the first retry, doubled for each one after (default 200 ms).
    pub fn base_delay(mut self, delay: Duration) -> Self {
        self.base_delay = delay;
        self
    }

    /// The longest backoff wait (default 5 s).
    pub fn max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The longest `Retry-After` the client waits for (default 30 s); a server asking
    /// for longer ends the call with [`Error::RateLimited`](crate::Error::RateLimited).
    pub fn max_retry_after(mut self, delay: Duration) -> Self {
        self.max_retry_after = delay;
        self
    }

    /// Whether backoff waits are randomized between zero and their bound (default
    /// `true`, which keeps many clients from retrying in step). `false` waits the bound.
    pub fn jitter(mut self, jitter: bool) -> Self {
        self.jitter = jitter;
        self
    }

    /// The backoff before retry number `retry` (1 for the first retry).
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        let bound = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        if self.jitter {
            let nanos = u64::try_from(bound.as_nanos()).unwrap_or(u64::MAX);
            Duration::from_nanos(fastrand::u64(0..=nanos))
        } else {
            bound
        }
    }
}

/// Which failed attempts may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Nothing was sent: safe for every method.
    Always,
    /// The request may have reached the server: only for idempotent endpoints.
    IfIdempotent,
    /// Trying again cannot help.
    Never,
}

/// An attempt that got no answer: its error, and whether trying again may help.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) error: Error,
    pub(crate) retry: Retry,
}

impl Failure {
    /// A failure that trying again cannot mend.
    pub(crate) fn fatal(error: impl Into<Error>) -> Self {
        Failure {
            error: error.into(),
            retry: Retry::Never,
        }
    }
}

/// What follows an attempt.
#[derive(Debug)]
pub(crate) enum Next {
    /// The call ends with this result.
    Done(Result<Response>),
    /// The call tries again after this wait.
    RetryAfter(Duration),
}

impl RetryPolicy {
    /// What follows answer number `attempt`: it ends the call (a success, an error
    /// that retrying cannot mend, the last attempt, or a `Retry-After` beyond the
    /// policy), or another attempt follows after the server's `Retry-After` or the
    /// backoff.
    pub(crate) fn after_answer(
        &self,
        endpoint: &'static Endpoint,
        attempt: u32,
        response: Response,
    ) -> Next {
        let status = response.status();
        if !retryable_status(status) {
            return Next::Done(Ok(response));
        }
        let retry_after = response.retry_after();
        match retry_after {
            Some(wait) if wait > self.max_retry_after => {
                let (body, _) = excerpt(response.body(), response.redactor());
                Next::Done(Err(Error::RateLimited(Box::new(RateLimitError {
                    call: Call::new(Some(endpoint), attempt),
                    status,
                    retry_after: wait,
                    limit: self.max_retry_after,
                    body,
                }))))
            }
            // A 429 that says when to come back refused the request without
            // processing it: any method may try again. Other statuses only for
            // idempotent endpoints.
            _ if attempt >= self.max_attempts
                || !(endpoint.is_idempotent() || (status == 429 && retry_after.is_some())) =>
            {
                Next::Done(Ok(response))
            }
            wait => Next::RetryAfter(wait.unwrap_or_else(|| self.backoff(attempt))),
        }
    }

    /// What follows attempt number `attempt`, which got no answer: another attempt
    /// after the backoff when the failure allows one for this endpoint and attempts
    /// are left, else the end of the call.
    pub(crate) fn after_failure(
        &self,
        endpoint: &'static Endpoint,
        attempt: u32,
        failure: Failure,
    ) -> Next {
        let allowed = match failure.retry {
            Retry::Always => true,
            Retry::IfIdempotent => endpoint.is_idempotent(),
            Retry::Never => false,
        };
        if allowed && attempt < self.max_attempts {
            Next::RetryAfter(self.backoff(attempt))
        } else {
            Next::Done(Err(failure.error.with_attempts(attempt)))
        }
    }
}

/// The end of a call's overall time, when it has one.
///
/// A duration too large to add to an instant (`Duration::MAX`) means no deadline:
/// every sum of an instant and a duration here is checked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline(Option<Instant>);

impl Deadline {
    /// The deadline of a call that started at `started`.
    pub(crate) fn start(started: Instant, overall: Option<Duration>) -> Self {
        Deadline(overall.and_then(|overall| started.checked_add(overall)))
    }

    /// The time left from `now`, when there is a deadline.
    pub(crate) fn left(self, now: Instant) -> Option<Duration> {
        self.0.map(|d| d.saturating_duration_since(now))
    }

    /// The timeout of an attempt starting at `now`, and whether the deadline cut it
    /// shorter than the per-attempt timeout `each`; `None` when no time is left.
    pub(crate) fn attempt_timeout(
        self,
        now: Instant,
        each: Option<Duration>,
    ) -> Option<(Option<Duration>, bool)> {
        let left = self.left(now);
        let timeout = match (each, left) {
            (Some(each), Some(left)) if left < each => (Some(left), true),
            (None, Some(left)) => (Some(left), true),
            (each, _) => (each, false),
        };
        (timeout.0 != Some(Duration::ZERO)).then_some(timeout)
    }

    /// Whether a wait of `delay` ends before the deadline (a wait too long to
    /// reckon does not).
    pub(crate) fn leaves(self, delay: Duration) -> bool {
        self.0
            .is_none_or(|d| Instant::now().checked_add(delay).is_some_and(|end| end < d))
    }
}

/// Whether a status is worth another attempt.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_without_jitter() {
        let policy = RetryPolicy::default()
            .jitter(false)
            .base_delay(Duration::from_millis(100))
            .max_delay(Duration::from_millis(700));
        let waits: Vec<u128> = (1..=5).map(|n| policy.backoff(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 700, 700]);
        assert_eq!(policy.backoff(200), Duration::from_millis(700));
    }

    #[test]
    fn full_jitter_stays_within_the_bound_and_varies() {
        let policy = RetryPolicy::default().base_delay(Duration::from_millis(100));
        let waits: Vec<Duration> = (0..200).map(|_| policy.backoff(3)).collect();
        assert!(waits.iter().all(|w| *w <= Duration::from_millis(400)));
        assert!(waits.iter().any(|w| *w < Duration::from_millis(200)));
        assert!(waits.iter().any(|w| *w > Duration::from_millis(200)));
    }

    #[test]
    fn durations_too_large_for_an_instant_mean_no_deadline() {
        let now = Instant::now();
        let endless = Deadline::start(now, Some(Duration::MAX));
        assert!(endless.0.is_none());
        assert!(endless.leaves(Duration::MAX));
        assert_eq!(
            endless.attempt_timeout(now, Some(Duration::MAX)),
            Some((Some(Duration::MAX), false))
        );
        let short = Deadline::start(now, Some(Duration::from_secs(5)));
        assert!(!short.leaves(Duration::MAX));
        assert!(short.leaves(Duration::from_secs(1)));
        assert_eq!(
            crate::response::parse_retry_after(
                "18446744073709551615",
                std::time::SystemTime::now()
            ),
            Some(Duration::from_secs(u64::MAX))
        );
    }

    #[test]
    fn none_makes_one_attempt() {
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }
}
