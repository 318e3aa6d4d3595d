//! The retry policy: which failures are retried, and how long to wait between attempts.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// A future that finishes after a delay; see [`ClientBuilder::sleeper`](crate::ClientBuilder::sleeper).
pub type SleepFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Waits between attempts. The default is `tokio::time::sleep`.
pub(crate) type Sleeper = Arc<dyn Fn(Duration) -> SleepFuture + Send + Sync>;

pub(crate) fn tokio_sleeper() -> Sleeper {
    Arc::new(|delay| Box::pin(tokio::time::sleep(delay)))
}

/// How a [`Client`](crate::Client) retries failed attempts.
///
/// Retried: connection failures before a response, timeouts of an attempt, and the
/// statuses 429, 502, 503 and 504, for idempotent endpoints (GET, PUT, DELETE, or
/// any declared `idempotent = true`). A POST or PATCH that is not declared idempotent
/// is retried only when the connection failed before any byte of it was sent.
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

/// Whether a status is worth another attempt.
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502 | 503 | 504)
}

/// The delay a `Retry-After` value asks for: delta-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
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
    fn retry_after_in_both_forms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-3", now), None);
    }

    #[test]
    fn none_makes_one_attempt() {
        assert_eq!(RetryPolicy::none().max_attempts, 1);
        assert_eq!(RetryPolicy::default().max_attempts(0).max_attempts, 1);
    }
}
