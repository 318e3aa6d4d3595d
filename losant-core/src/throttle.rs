//! Client-side rate limits: a burst of calls waits instead of being refused.

use std::collections::VecDeque;
use std::fmt;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::endpoint::Endpoint;

/// At most `count` requests in any window of `per`, for the endpoints it names by
/// scope (or for every endpoint): a request over it waits for the oldest in the
/// window to leave it. Each attempt counts, retries included.
///
/// Losant limits event creation to 15 per 15 seconds per application
/// ([`RateLimit::losant_event_creation`]); with that limit on, a burst of
/// `post_event` calls is spread out instead of failing with 429:
///
/// ```
/// use std::time::Duration;
/// use losant_core::{Client, RateLimit};
///
/// let client = Client::builder()
///     .token("my-token")
///     .rate_limit(RateLimit::losant_event_creation())
///     .rate_limit(RateLimit::new(100, Duration::from_secs(1)))
///     .build()?;
/// # Ok::<(), losant_core::Error>(())
/// ```
///
/// The window is kept exactly (a log of the last `count` start times), not
/// approximated by a token bucket, which can only promise "at most `count` in any
/// window" by halving the sustained rate. Each wait is lengthened by a hundredth of
/// the window (at least 10 ms) so that requests reaching the server later than they
/// left still fall in separate windows.
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct RateLimit {
    count: usize,
    per: Duration,
    scopes: Vec<String>,
}

impl RateLimit {
    /// At most `count` requests (at least 1) in any window of `per`, for every
    /// endpoint.
    pub fn new(count: usize, per: Duration) -> Self {
        RateLimit {
            count: count.max(1),
            per,
            scopes: Vec::new(),
        }
    }

    /// Losant's limit on event creation: 15 `events.post` per 15 seconds.
    pub fn losant_event_creation() -> Self {
        RateLimit::new(15, Duration::from_secs(15)).scopes(["events.post"])
    }

    /// Limits only the endpoints whose own scope is one of `scopes` (`events.post`),
    /// together: they share the window.
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// Whether the limit applies to `endpoint`.
    #[must_use]
    pub fn applies_to(&self, endpoint: &Endpoint) -> bool {
        self.scopes.is_empty() || self.scopes.iter().any(|scope| scope == endpoint.scope())
    }

    /// The wait added to every wait.
    fn margin(&self) -> Duration {
        (self.per / 100).max(Duration::from_millis(10))
    }
}

impl fmt::Debug for RateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RateLimit")
            .field("count", &self.count)
            .field("per", &self.per)
            .field("scopes", &self.scopes)
            .finish()
    }
}

/// A [`RateLimit`] in use: the start times of the requests in the current window.
pub(crate) struct Throttle {
    limit: RateLimit,
    starts: Mutex<VecDeque<Instant>>,
}

impl Throttle {
    pub(crate) fn new(limit: RateLimit) -> Self {
        Throttle {
            starts: Mutex::new(VecDeque::with_capacity(limit.count)),
            limit,
        }
    }

    pub(crate) fn limit(&self) -> &RateLimit {
        &self.limit
    }

    /// Waits until a request may start, and counts it.
    pub(crate) async fn acquire(&self) {
        loop {
            let mut starts = self.starts.lock().await;
            let now = Instant::now();
            while starts
                .front()
                .is_some_and(|start| now.duration_since(*start) >= self.limit.per)
            {
                starts.pop_front();
            }
            if starts.len() < self.limit.count {
                starts.push_back(now);
                return;
            }
            let free_at = starts[0] + self.limit.per + self.limit.margin();
            // The lock is held while waiting: requests start in the order they came.
            tokio::time::sleep_until(free_at).await;
            drop(starts);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn no_window_holds_more_than_the_limit() {
        let throttle = Throttle::new(RateLimit::new(3, Duration::from_secs(10)));
        let start = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..7 {
            throttle.acquire().await;
            starts.push(start.elapsed());
        }
        // Three at once, three more when the window has passed, then one more.
        assert_eq!(&starts[..3], [Duration::ZERO; 3]);
        assert!(starts[3] >= Duration::from_secs(10));
        assert!(starts[6] >= Duration::from_secs(20));
        for (i, at) in starts.iter().enumerate().skip(3) {
            assert!(
                at.saturating_sub(starts[i - 3]) >= Duration::from_secs(10),
                "{starts:?}"
            );
        }
    }

    #[test]
    fn a_limit_names_its_endpoints_by_scope() {
        let limit = RateLimit::losant_event_creation();
        assert_eq!(limit.scopes, ["events.post"]);
        assert_eq!(limit.count, 15);
        assert!(RateLimit::new(0, Duration::from_secs(1)).count == 1);
    }
}
