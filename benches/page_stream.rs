//! Page streams that overlap the network with the caller's work: 20 pages of 100
//! events from a local server that answers each request after 20 ms, with 0.2 ms of
//! work (a busy loop) per item, walked by
//!   (a) the generated `.stream()`, prefetching the next page (the default),
//!   (b) the same stream with `.prefetch(false)`,
//!   (c) a hand-written reqwest loop over the same pages (its own plain types),
//! in interleaved rounds: the wall time of each walk (min / median / max) and the
//! requests the server saw per walk.
//!
//! `cargo bench -p losant-benches --bench page_stream`

#[path = "support.rs"]
mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::Full;
use losant_core::Client;
use losant_core::stream::TryStreamExt;
use losant_events::{EventsApi, EventsQuery};
use support::{APP, TOKEN};

#[global_allocator]
static ALLOCATOR: support::Counting = support::Counting;

const PAGES: usize = 20;
const PER_PAGE: usize = 100;
const LATENCY: Duration = Duration::from_millis(20);
const WORK: Duration = Duration::from_micros(200);
const ROUNDS: usize = 7;

/// One page of the collection, as the API answers it.
fn page_body(page: usize) -> Bytes {
    let items: Vec<String> = if page < PAGES {
        (0..PER_PAGE)
            .map(|i| {
                let n = page * PER_PAGE + i;
                format!(
                    r#"{{"id":"575ed0de7ae143cd83dc{n:04x}","subject":"Reading {n}","level":"info","state":"new","creationDate":"2026-12-05T10:00:00.000Z","data":{{"n":{n}}}}}"#
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    Bytes::from(format!(
        r#"{{"items":[{}],"count":{},"totalCount":{},"perPage":{PER_PAGE},"page":{page}}}"#,
        items.join(","),
        items.len(),
        PAGES * PER_PAGE
    ))
}

/// Serves the pages after `LATENCY`, counting requests, on its own runtime thread.
fn start_server(requests: Arc<AtomicUsize>) -> SocketAddr {
    let pages: Arc<Vec<Bytes>> = Arc::new((0..=PAGES).map(page_body).collect());
    support::serve(move |request| {
        let pages = Arc::clone(&pages);
        requests.fetch_add(1, Ordering::SeqCst);
        async move {
            let page = request
                .uri()
                .query()
                .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("page=")))
                .and_then(|p| p.parse::<usize>().ok())
                .unwrap_or(0)
                .min(PAGES);
            tokio::time::sleep(LATENCY).await;
            hyper::Response::builder()
                .header("content-type", "application/json")
                .body(Full::new(pages[page].clone()))
                .unwrap()
        }
    })
}

/// The caller's work on one item: `WORK` of busy computation.
fn work(seed: u64) -> u64 {
    let start = Instant::now();
    let mut x = seed;
    while start.elapsed() < WORK {
        x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        std::hint::spin_loop();
    }
    x
}

/// What the hand-written loop decodes: its own plain types.
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct HandPage {
    items: Vec<HandEvent>,
    total_count: usize,
}

#[derive(serde::Deserialize)]
struct HandEvent {
    #[allow(dead_code)]
    id: String,
    subject: String,
}

async fn hand_written(http: &reqwest::Client, base: &str) -> usize {
    let mut seen = 0;
    let mut page = 0;
    loop {
        let url = format!("{base}/applications/{APP}/events?page={page}&perPage={PER_PAGE}");
        let body = http
            .get(url)
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap()
            .error_for_status()
            .unwrap()
            .bytes()
            .await
            .unwrap();
        let decoded: HandPage = serde_json::from_slice(&body).unwrap();
        if decoded.items.is_empty() {
            return seen;
        }
        for event in &decoded.items {
            std::hint::black_box(work(event.subject.len() as u64));
            seen += 1;
        }
        if seen >= decoded.total_count {
            return seen;
        }
        page += 1;
    }
}

async fn generated(client: &Client, prefetch: bool) -> usize {
    let app = APP.parse().unwrap();
    let options = EventsQuery::new().per_page(u32::try_from(PER_PAGE).unwrap());
    let mut events = client
        .get_events(&app)
        .options(&options)
        .stream()
        .prefetch(prefetch);
    let mut seen = 0;
    while let Some(event) = events.try_next().await.unwrap() {
        std::hint::black_box(work(event.subject.map_or(0, |s| s.len() as u64)));
        seen += 1;
    }
    seen
}

fn main() {
    let requests = Arc::new(AtomicUsize::new(0));
    let addr = start_server(Arc::clone(&requests));
    let base = format!("http://{addr}");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let client = Client::builder()
        .token(TOKEN)
        .base_url(&base)
        .build()
        .unwrap();
    // After the losant client, which installed the crypto provider reqwest needs.
    let http = reqwest::Client::new();
    let variants = [
        "generated, prefetch",
        "generated, no prefetch",
        "hand-written reqwest",
    ];
    let mut times: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
    let mut counts: Vec<usize> = vec![0; variants.len()];
    runtime.block_on(async {
        // Warm-up: connections open, code paged in.
        assert_eq!(generated(&client, true).await, PAGES * PER_PAGE);
        assert_eq!(hand_written(&http, &base).await, PAGES * PER_PAGE);
        for _ in 0..ROUNDS {
            for (i, variant) in variants.iter().enumerate() {
                let before = requests.load(Ordering::SeqCst);
                let start = Instant::now();
                let seen = match *variant {
                    "generated, prefetch" => generated(&client, true).await,
                    "generated, no prefetch" => generated(&client, false).await,
                    _ => hand_written(&http, &base).await,
                };
                times[i].push(start.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(seen, PAGES * PER_PAGE);
                counts[i] = requests.load(Ordering::SeqCst) - before;
            }
        }
    });
    println!(
        "{PAGES} pages of {PER_PAGE} items, {} ms per request, {} µs of work per item; {ROUNDS} rounds",
        LATENCY.as_millis(),
        WORK.as_micros()
    );
    println!("| walk | wall ms (min / median / max) | requests per walk |");
    println!("|---|---|---|");
    for (i, variant) in variants.iter().enumerate() {
        let (min, median, max) = support::summary(&times[i]);
        println!(
            "| {variant} | {min:.0} / {median:.0} / {max:.0} | {} |",
            counts[i]
        );
    }
}
