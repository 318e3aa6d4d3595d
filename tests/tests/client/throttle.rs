//! A client-side rate limit against the sandbox's creation limit: a burst of event
//! creations all succeed when the limit is on, whatever the latency a proxy adds;
//! without it, the burst is refused. And a throttled call waits within its deadline
//! without holding up the calls that are not throttled.

use crate::support;

use std::time::{Duration, Instant};

use losant_core::{ApplicationId, Client, Error, RateLimit, RetryPolicy, TimeoutKind};
use losant_events::{EventApi, EventLevel, EventPost, EventsApi};
use losant_sandbox::Sandbox;
use support::{DelayingProxy, EVENT_JSON, ScriptedServer, Step, app, event};

/// The sandbox's limit for these tests: 5 creations per 600 ms (Losant's is 15 per
/// 15 s; a shorter window keeps the test quick).
const LIMIT: (usize, Duration) = (5, Duration::from_millis(600));

/// `calls` creations at once, each on its own task; which ones succeeded.
async fn burst(client: &Client, app: &losant_core::ApplicationId, calls: usize) -> Vec<bool> {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..calls {
        let (client, app) = (client.clone(), *app);
        tasks.spawn(async move {
            let post = EventPost::new(EventLevel::Info, format!("reading {i}"));
            client.post_event(&app, &post).await.is_ok()
        });
    }
    tasks.join_all().await
}

#[tokio::test]
async fn a_burst_of_creations_waits_for_the_limit_instead_of_failing() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_creation_limit(Some(LIMIT));
    let app = sandbox.add_application("Greenhouse");
    let token = sandbox.add_token("ci", ["events.post"]);

    // Without a limiter: the calls past the limit are refused with 429.
    let client = sandbox_client(&token, sandbox.base_url(), None);
    let unthrottled = burst(&client, &app, 12).await;
    assert_eq!(unthrottled.iter().filter(|ok| **ok).count(), LIMIT.0);

    // Let the window pass, then the same burst with the limiter on.
    tokio::time::sleep(LIMIT.1).await;
    let limit = RateLimit::new(LIMIT.0, LIMIT.1).scopes(["events.post"]);
    for (name, delays) in latencies() {
        let proxy = DelayingProxy::start(sandbox.base_url(), delays).await;
        let client = sandbox_client(&token, &proxy.url(), Some(limit.clone()));
        let started = Instant::now();
        let throttled = burst(&client, &app, 12).await;
        assert!(throttled.iter().all(|ok| *ok), "{name}: {throttled:?}");
        // Twelve creations at five per window need two more windows.
        assert!(started.elapsed() >= LIMIT.1 * 2, "{:?}", started.elapsed());
        tokio::time::sleep(LIMIT.1).await;
    }
}

/// A client of `url` with `token`, no retries, and `limit` when given.
fn sandbox_client(token: &str, url: &str, limit: Option<RateLimit>) -> Client {
    let mut builder = Client::builder()
        .token(token)
        .base_url(url)
        .retry(RetryPolicy::none());
    if let Some(limit) = limit {
        builder = builder.rate_limit(limit);
    }
    builder.build().unwrap()
}

/// The latencies the proxy adds, 50 to 150 ms a request: the first five slow and
/// the rest quick (so the sixth, started a window after the first, arrives less than
/// a window after it: what a limiter counting start times lets through), and a
/// pseudo-random schedule.
fn latencies() -> [(&'static str, Vec<Duration>); 2] {
    let ms = Duration::from_millis;
    let slow_then_quick = [vec![ms(150); 5], vec![ms(50); 64]].concat();
    let mut state: u32 = 0x2545_f491;
    let random = (0..64)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            ms(50 + u64::from(state % 101))
        })
        .collect();
    [("slow, then quick", slow_then_quick), ("random", random)]
}

#[tokio::test]
async fn a_limit_per_application_spreads_each_applications_burst() {
    let sandbox = Sandbox::start().await.unwrap();
    sandbox.set_creation_limit(Some(LIMIT));
    let apps = [
        sandbox.add_application("Greenhouse"),
        sandbox.add_application("Warehouse"),
    ];
    let token = sandbox.add_token("ci", ["events.post"]);
    for (name, delays) in latencies() {
        let proxy = DelayingProxy::start(sandbox.base_url(), delays).await;
        let limit = RateLimit::new(LIMIT.0, LIMIT.1)
            .scopes(["events.post"])
            .per_application();
        let client = sandbox_client(&token, &proxy.url(), Some(limit));
        let bursts = apps.map(|app| {
            let client = client.clone();
            tokio::spawn(async move { burst(&client, &app, 12).await })
        });
        for (app, outcome) in apps.iter().zip(bursts) {
            let outcome = outcome.await.unwrap();
            assert!(outcome.iter().all(|ok| *ok), "{name}, {app}: {outcome:?}");
        }
        tokio::time::sleep(LIMIT.1).await;
    }
}

/// A client of a server that answers every request with an event, whose deletes
/// are limited to one an hour.
async fn client_with_a_limit_on_deletes(
    concurrency: usize,
) -> (ScriptedServer, Client, ApplicationId) {
    let server = ScriptedServer::always(Step::json(200, EVENT_JSON)).await;
    let client = support::client_builder(server.url())
        .max_concurrent_requests(concurrency)
        .rate_limit(RateLimit::new(1, Duration::from_secs(3600)).scopes(["event.delete"]))
        .build()
        .unwrap();
    (server, client, app())
}

#[tokio::test]
async fn a_call_waiting_for_its_window_ends_at_its_overall_timeout() {
    let (server, client, app) = client_with_a_limit_on_deletes(4).await;
    client.delete_event(&app, &event()).await.unwrap();
    let quick = client.with_timeout(Duration::from_millis(300));
    let id = event();
    let second = tokio::time::timeout(Duration::from_secs(60), quick.delete_event(&app, &id));
    let error = second
        .await
        .expect("the wait for the window ends at the overall timeout")
        .unwrap_err();
    let Error::Timeout(timeout) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(timeout.kind(), TimeoutKind::Overall);
    assert_eq!(timeout.after(), Some(Duration::from_millis(300)));
    assert_eq!(error.attempts(), 0);
    assert_eq!(server.request_count(), 1, "nothing was sent for the second");
}

#[tokio::test]
async fn throttled_calls_do_not_hold_the_slots_others_need() {
    let (server, client, app) = client_with_a_limit_on_deletes(4).await;
    client.delete_event(&app, &event()).await.unwrap();
    // Six deletes wait for the next window, more than there are slots.
    let waiting: Vec<_> = (0..6)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.delete_event(&app, &event()).await })
        })
        .collect();
    tokio::task::yield_now().await;
    let id = event();
    let read = tokio::time::timeout(Duration::from_secs(60), client.get_event(&app, &id));
    read.await
        .expect("a call that is not throttled finds a free slot")
        .unwrap();
    assert!(waiting.iter().all(|task| !task.is_finished()));
    assert_eq!(server.request_count(), 2);
    for task in waiting {
        task.abort();
    }
}

#[tokio::test]
async fn a_burst_past_the_concurrency_limit_does_not_stall_the_client() {
    let server = ScriptedServer::always(Step::json(200, EVENT_JSON)).await;
    let client = support::client_builder(server.url())
        .rate_limit(RateLimit::losant_event_creation())
        .build()
        .unwrap();
    // More creations than the 64 slots: 15 go out, the rest wait for the window.
    let posts: Vec<_> = (0..80)
        .map(|i| {
            let client = client.clone();
            tokio::spawn(async move {
                let post = EventPost::new(EventLevel::Info, format!("reading {i}"));
                client.post_event(&app(), &post).await
            })
        })
        .collect();
    let read = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            // Until the first window is full, then once more.
            if server.request_count() >= 15 {
                break client.get_event(&app(), &event()).await;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    });
    read.await
        .expect("a read is not held up by creations waiting for their window")
        .unwrap();
    assert_eq!(server.request_count(), 16);
    for task in posts {
        task.abort();
    }
}

#[tokio::test]
async fn a_limit_on_creations_leaves_other_calls_alone() {
    let sandbox = Sandbox::start().await.unwrap();
    let app = sandbox.add_application("Greenhouse");
    let token = sandbox.add_token("ci", ["events.get"]);
    let client = Client::builder()
        .token(&token)
        .base_url(sandbox.base_url())
        .rate_limit(RateLimit::new(1, Duration::from_secs(3600)).scopes(["events.post"]))
        .build()
        .unwrap();
    // Were the limit applied to reads, the second call would wait an hour.
    let reads = async {
        for _ in 0..5 {
            client.get_events(&app).await.unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(60), reads)
        .await
        .expect("reads are not throttled by a limit on creations");
}
