//! Client-side rate limits: a burst of calls waits instead of being refused.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::pin::pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::sync::Notify;
use tokio::time::Instant;

use crate::endpoint::Endpoint;

/// At most `count` requests in any window of `per`, for the endpoints it names by
/// scope (or for every endpoint), counted for the whole client or for each
/// application apart ([`per_application`](Self::per_application)): a request over
/// it waits until the server is sure to have let one of the earlier ones out of its
/// window. Each attempt counts, retries included.
///
/// Losant limits event creation to 15 per 15 seconds for each application
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
/// The server counts requests when they arrive, and a request arrives at some time
/// between its start and its answer, which the client cannot see. So the window is
/// kept by answers: a request holds its place from its start until a whole window
/// after its answer (or its failure), and the next one starts only when fewer than
/// `count` places are held. Whatever the latency, two requests `count` apart then
/// arrive more than a window apart. (A token bucket could only promise "at most
/// `count` in any window" by halving the sustained rate; Losant's limit is a sliding
/// count.) Each wait is lengthened by a hundredth of the window (at least 10 ms) for
/// the server's clock.
///
/// Waiting for a window counts against the call's overall timeout, and happens
/// before the call takes one of the client's
/// [concurrency slots](crate::ClientBuilder::max_concurrent_requests): throttled
/// calls do not hold up the others. Memory grows with the calls in a window, not
/// with `count`.
#[derive(Clone, PartialEq, Eq)]
#[must_use]
pub struct RateLimit {
    count: usize,
    per: Duration,
    scopes: Vec<String>,
    per_application: bool,
}

impl RateLimit {
    /// At most `count` requests (at least 1) in any window of `per`, for every
    /// endpoint. A window too long to reckon (`Duration::MAX`) lets `count` requests
    /// through, then waits for ever (within each call's overall timeout).
    pub fn new(count: usize, per: Duration) -> Self {
        RateLimit {
            count: count.max(1),
            per,
            scopes: Vec::new(),
            per_application: false,
        }
    }

    /// Losant's limit on event creation: 15 `events.post` per 15 seconds, for each
    /// application.
    pub fn losant_event_creation() -> Self {
        RateLimit::new(15, Duration::from_secs(15))
            .scopes(["events.post"])
            .per_application()
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

    /// Counts the requests of each application apart, as Losant does: a call's
    /// application is the ID after `/applications/` in its path. Calls outside any
    /// application (`/me`, `/instances/...`) share one window of their own.
    pub fn per_application(mut self) -> Self {
        self.per_application = true;
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
            .field("per_application", &self.per_application)
            .finish()
    }
}

/// The application of a request path: the segment after `/applications/`, or `""`.
fn application_of(path: &str) -> &str {
    path.strip_prefix("/applications/")
        .map_or("", |rest| rest.split('/').next().unwrap_or(""))
}

/// A [`RateLimit`] in use: one window, or one per application.
pub(crate) struct Throttle {
    limit: RateLimit,
    windows: Windows,
}

enum Windows {
    One(Arc<Window>),
    PerApplication(Mutex<Keyed>),
}

/// The windows of the applications seen, with the size at which the next sweep of
/// idle ones happens.
struct Keyed {
    windows: HashMap<Box<str>, Arc<Window>>,
    sweep_at: usize,
}

/// One window: the requests holding a place in it, and the queue of those waiting.
struct Window {
    /// Held by the request next in line while it waits: requests start in the order
    /// they came (tokio's mutex is fair).
    turn: tokio::sync::Mutex<()>,
    places: Mutex<Places>,
    /// Signalled when a request in flight ends.
    ended: Notify,
}

/// The places held in a window.
#[derive(Default)]
struct Places {
    /// Requests started and not yet answered.
    in_flight: usize,
    /// When the answered requests still in the window were answered, oldest first.
    answered: VecDeque<Instant>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Window {
    fn new() -> Arc<Self> {
        Arc::new(Window {
            turn: tokio::sync::Mutex::new(()),
            places: Mutex::new(Places::default()),
            ended: Notify::new(),
        })
    }

    /// Whether nothing in the window can hold up a request, now.
    fn is_idle(&self, now: Instant, per: Duration) -> bool {
        let places = lock(&self.places);
        places.in_flight == 0
            && places
                .answered
                .back()
                .is_none_or(|last| last.checked_add(per).is_some_and(|end| end <= now))
    }
}

impl Throttle {
    pub(crate) fn new(limit: RateLimit) -> Self {
        let windows = if limit.per_application {
            Windows::PerApplication(Mutex::new(Keyed {
                windows: HashMap::new(),
                sweep_at: 64,
            }))
        } else {
            Windows::One(Window::new())
        };
        Throttle { limit, windows }
    }

    pub(crate) fn limit(&self) -> &RateLimit {
        &self.limit
    }

    /// The window a request to `path` counts in.
    fn window(&self, path: &str) -> Arc<Window> {
        match &self.windows {
            Windows::One(window) => Arc::clone(window),
            Windows::PerApplication(keyed) => {
                let mut keyed = lock(keyed);
                let application = application_of(path);
                if let Some(window) = keyed.windows.get(application) {
                    return Arc::clone(window);
                }
                if keyed.windows.len() >= keyed.sweep_at {
                    // Windows nobody waits on and that hold nothing are dropped, so
                    // memory follows the applications in use, not all those seen.
                    let (now, per) = (Instant::now(), self.limit.per);
                    keyed.windows.retain(|_, window| {
                        Arc::strong_count(window) > 1 || !window.is_idle(now, per)
                    });
                    keyed.sweep_at = (keyed.windows.len() * 2).max(64);
                }
                let window = Window::new();
                keyed
                    .windows
                    .insert(application.into(), Arc::clone(&window));
                window
            }
        }
    }

    /// Waits until a request to `path` may start, and holds its place until the
    /// returned [`Place`] is dropped (when the attempt has its answer or has failed).
    pub(crate) async fn acquire(&self, path: &str) -> Place {
        let window = self.window(path);
        let _turn = window.turn.lock().await;
        loop {
            // Registered before looking, so that an end in between is not missed.
            let mut ended = pin!(window.ended.notified());
            ended.as_mut().enable();
            let free_at = {
                let mut places = lock(&window.places);
                let now = Instant::now();
                let per = self.limit.per;
                while places
                    .answered
                    .front()
                    .is_some_and(|at| at.checked_add(per).is_some_and(|end| end <= now))
                {
                    places.answered.pop_front();
                }
                if places.in_flight + places.answered.len() < self.limit.count {
                    places.in_flight += 1;
                    drop(places);
                    return Place {
                        window: Arc::clone(&window),
                    };
                }
                // The oldest answer leaves the window first; with every place in
                // flight, the next end says when to look again.
                places.answered.front().and_then(|at| {
                    at.checked_add(per)
                        .and_then(|end| end.checked_add(self.limit.margin()))
                })
            };
            match free_at {
                Some(at) => {
                    let sleep = pin!(tokio::time::sleep_until(at));
                    futures_util::future::select(sleep, ended).await;
                }
                None => ended.await,
            }
        }
    }
}

/// A request's place in a window, from its start to its answer; a window after its
/// drop, the place is free again.
pub(crate) struct Place {
    window: Arc<Window>,
}

impl Drop for Place {
    fn drop(&mut self) {
        let mut places = lock(&self.window.places);
        places.in_flight -= 1;
        places.answered.push_back(Instant::now());
        drop(places);
        self.window.ended.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "/applications/575ec8687ae143cd83dc4a97/events";

    #[tokio::test(start_paused = true)]
    async fn no_window_holds_more_than_the_limit() {
        let throttle = Throttle::new(RateLimit::new(3, Duration::from_secs(10)));
        let start = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..7 {
            drop(throttle.acquire(PATH).await);
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

    #[tokio::test(start_paused = true)]
    async fn a_place_is_held_until_a_window_after_the_answer() {
        let throttle = Arc::new(Throttle::new(RateLimit::new(1, Duration::from_secs(10))));
        let start = Instant::now();
        let first = throttle.acquire(PATH).await;
        let next = tokio::spawn({
            let throttle = Arc::clone(&throttle);
            async move {
                drop(throttle.acquire(PATH).await);
                start.elapsed()
            }
        });
        // The first request takes 25 s to be answered: it may have arrived at any
        // time until then, so the next waits a whole window after that.
        tokio::time::sleep(Duration::from_secs(25)).await;
        drop(first);
        let waited = next.await.unwrap();
        assert!(waited >= Duration::from_secs(35), "{waited:?}");
        assert!(waited < Duration::from_secs(36), "{waited:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn applications_have_their_own_windows() {
        let throttle =
            Throttle::new(RateLimit::new(1, Duration::from_secs(3600)).per_application());
        let start = Instant::now();
        for app in 0..200 {
            drop(
                throttle
                    .acquire(&format!("/applications/{app:024x}/events"))
                    .await,
            );
        }
        drop(throttle.acquire("/me").await);
        assert_eq!(start.elapsed(), Duration::ZERO);
        let seventh = format!("/applications/{:024x}/events/x", 7);
        let again = tokio::time::timeout(Duration::from_secs(60), throttle.acquire(&seventh));
        assert!(again.await.is_err(), "the same application waits");
    }

    #[tokio::test(start_paused = true)]
    async fn idle_windows_are_dropped() {
        let throttle = Throttle::new(RateLimit::new(1, Duration::from_secs(1)).per_application());
        for app in 0..1000 {
            drop(throttle.acquire(&format!("/applications/{app}")).await);
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let Windows::PerApplication(keyed) = &throttle.windows else {
            unreachable!()
        };
        let held = lock(keyed).windows.len();
        assert!(held < 300, "{held} windows kept");
    }

    #[tokio::test(start_paused = true)]
    async fn limits_too_large_to_reckon_do_not_panic_or_allocate() {
        let huge = Throttle::new(RateLimit::new(usize::MAX, Duration::MAX));
        for _ in 0..100 {
            drop(huge.acquire(PATH).await);
        }
        let endless = Throttle::new(RateLimit::new(1, Duration::MAX));
        drop(endless.acquire(PATH).await);
        let second = tokio::time::timeout(Duration::from_secs(3600), endless.acquire(PATH));
        assert!(
            second.await.is_err(),
            "a window of Duration::MAX never frees"
        );
    }

    #[test]
    fn a_limit_names_its_endpoints_by_scope_and_losants_is_per_application() {
        let limit = RateLimit::losant_event_creation();
        assert_eq!(limit.scopes, ["events.post"]);
        assert_eq!(limit.count, 15);
        assert!(limit.per_application);
        assert!(RateLimit::new(0, Duration::from_secs(1)).count == 1);
        assert_eq!(application_of(PATH), "575ec8687ae143cd83dc4a97");
        assert_eq!(application_of("/applications/abc"), "abc");
        assert_eq!(application_of("/applications"), "");
        assert_eq!(application_of("/me/devices"), "");
    }
}
