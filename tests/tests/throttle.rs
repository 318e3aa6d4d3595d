//! A client-side rate limit against the sandbox's creation limit: a burst of event
//! creations all succeed when the limit is on; without it, the burst is refused.

use std::time::{Duration, Instant};

use losant_core::{Client, RateLimit, RetryPolicy};
use losant_events::{EventLevel, EventPost, EventsApi, EventsQuery};
use losant_sandbox::Sandbox;

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
    let client = Client::builder()
        .token(&token)
        .base_url(sandbox.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let unthrottled = burst(&client, &app, 12).await;
    assert_eq!(unthrottled.iter().filter(|ok| **ok).count(), LIMIT.0);

    // Let the window pass, then the same burst with the limiter on.
    tokio::time::sleep(LIMIT.1).await;
    let client = Client::builder()
        .token(&token)
        .base_url(sandbox.base_url())
        .retry(RetryPolicy::none())
        .rate_limit(RateLimit::new(LIMIT.0, LIMIT.1).scopes(["events.post"]))
        .build()
        .unwrap();
    let started = Instant::now();
    let throttled = burst(&client, &app, 12).await;
    assert!(throttled.iter().all(|ok| *ok), "{throttled:?}");
    // Twelve creations at five per window need two more windows.
    assert!(started.elapsed() >= LIMIT.1 * 2, "{:?}", started.elapsed());
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
            client
                .get_events(&app, &EventsQuery::default(), None, None)
                .await
                .unwrap();
        }
    };
    tokio::time::timeout(Duration::from_secs(60), reads)
        .await
        .expect("reads are not throttled by a limit on creations");
}
