//! Loopback throughput: a local hyper server answers the reference Event; GET event,
//! sequentially and with 64 calls in flight, through (a) the generated client, (b)
//! hand-written reqwest with one shared client, (c) a raw hyper client. Rounds are
//! interleaved in one process; requests per second and the ratios a/b and a/c are
//! reported as min / median / max over the rounds.
//!
//! `cargo bench -p losant-benches --bench loopback`

#[path = "support.rs"]
mod support;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use losant_core::{ApplicationId, Client, EventId};
use losant_events::{Event, EventApi};
use support::{APP, EVENT, EVENT_JSON, TOKEN, summary};

#[global_allocator]
static ALLOCATOR: support::Counting = support::Counting;

/// Serves the Event to every request, on its own runtime thread.
fn start_server() -> SocketAddr {
    support::serve(|_request| async {
        hyper::Response::builder()
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from_static(EVENT_JSON.as_bytes())))
            .unwrap()
    })
}

#[derive(Clone)]
struct Clients {
    generated: Client,
    generated_bare: Client,
    reqwest: reqwest::Client,
    reqwest_timeout: reqwest::Client,
    hyper: HyperClient<HttpConnector, Empty<Bytes>>,
    base: String,
    app: ApplicationId,
    event: EventId,
}

impl Clients {
    async fn call(&self, variant: &str) -> Event {
        match variant {
            "generated" => self
                .generated
                .get_event(&self.app, &self.event)
                .await
                .unwrap(),
            "generated_bare" => self
                .generated_bare
                .get_event(&self.app, &self.event)
                .await
                .unwrap(),
            "reqwest" | "reqwest_timeout" => {
                let client = if variant == "reqwest" {
                    &self.reqwest
                } else {
                    &self.reqwest_timeout
                };
                let url = format!("{}/applications/{APP}/events/{EVENT}", self.base);
                let body = client.get(url).send().await.unwrap().bytes().await.unwrap();
                serde_json::from_slice(&body).unwrap()
            }
            _ => {
                let uri: hyper::Uri = format!("{}/applications/{APP}/events/{EVENT}", self.base)
                    .parse()
                    .unwrap();
                let request = hyper::Request::get(uri)
                    .header("authorization", format!("Bearer {TOKEN}"))
                    .header("accept", "application/json")
                    .header("accept-version", "^1.30.0")
                    .header("user-agent", "losant-core/0.1.0")
                    .body(Empty::new())
                    .unwrap();
                let response = self.hyper.request(request).await.unwrap();
                let body = response.into_body().collect().await.unwrap().to_bytes();
                serde_json::from_slice(&body).unwrap()
            }
        }
    }
}

/// Requests per second of `calls` calls with `in_flight` of them at once.
async fn rate(
    clients: &Arc<Clients>,
    variant: &'static str,
    calls: usize,
    in_flight: usize,
) -> f64 {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..in_flight {
        let clients = Arc::clone(clients);
        tasks.spawn(async move {
            for _ in 0..calls / in_flight {
                std::hint::black_box(clients.call(variant).await);
            }
        });
    }
    while tasks.join_next().await.is_some() {}
    calls as f64 / started.elapsed().as_secs_f64()
}

fn main() {
    let quick = !std::env::args().any(|a| a == "--bench");
    let (rounds, sequential_calls, parallel_calls) =
        if quick { (1, 50, 128) } else { (7, 3000, 6400) };
    let addr = start_server();
    let base = format!("http://{addr}");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let clients = runtime.block_on(async {
        Arc::new(Clients {
            generated: Client::builder()
                .token(TOKEN)
                .base_url(&base)
                .build()
                .unwrap(),
            // No timeouts, retries or concurrency limit: the bare generated path.
            generated_bare: Client::builder()
                .token(TOKEN)
                .base_url(&base)
                .attempt_timeout(None)
                .overall_timeout(None)
                .retry(losant_core::RetryPolicy::none())
                .max_concurrent_requests(None)
                .build()
                .unwrap(),
            reqwest: reqwest::Client::builder()
                .default_headers(support::default_headers())
                .build()
                .unwrap(),
            // The same request timeout as the generated client's attempt timeout.
            reqwest_timeout: reqwest::Client::builder()
                .default_headers(support::default_headers())
                .timeout(losant_core::DEFAULT_ATTEMPT_TIMEOUT)
                .connect_timeout(losant_core::DEFAULT_CONNECT_TIMEOUT)
                .build()
                .unwrap(),
            hyper: HyperClient::builder(TokioExecutor::new()).build_http(),
            base: base.clone(),
            app: APP.parse().unwrap(),
            event: EVENT.parse().unwrap(),
        })
    });
    println!(
        "loopback GET event: {rounds} interleaved rounds (client on one thread, server on another)"
    );
    for (label, calls, in_flight) in [
        ("sequential", sequential_calls, 1),
        ("64 in flight", parallel_calls, 64),
    ] {
        let mut rates: [Vec<f64>; 5] = Default::default();
        let variants = [
            "generated",
            "reqwest",
            "hyper",
            "generated_bare",
            "reqwest_timeout",
        ];
        runtime.block_on(async {
            for variant in variants {
                rate(&clients, variant, calls / 4, in_flight).await;
            }
            for _ in 0..rounds {
                for (i, variant) in variants.iter().enumerate() {
                    rates[i].push(rate(&clients, variant, calls, in_flight).await);
                }
            }
        });
        println!("  {label}:");
        for (i, variant) in variants.iter().enumerate() {
            let (min, median, max) = summary(&rates[i]);
            println!("    {variant:<10} req/s min {min:>8.0} median {median:>8.0} max {max:>8.0}");
        }
        for (a, b) in [(0, 1), (0, 2), (0, 4), (3, 1)] {
            let ratios: Vec<f64> = rates[a].iter().zip(&rates[b]).map(|(x, y)| x / y).collect();
            let (min, median, max) = summary(&ratios);
            let name = format!("{}/{}", variants[a], variants[b]);
            println!("    ratio {name:<32} min {min:.3} median {median:.3} max {max:.3}");
        }
    }
    let before = support::allocations();
    runtime.block_on(async {
        for _ in 0..200 {
            clients.call("generated").await;
        }
    });
    let generated = (support::allocations() - before) as f64 / 200.0;
    let before = support::allocations();
    runtime.block_on(async {
        for _ in 0..200 {
            clients.call("reqwest").await;
        }
    });
    let hand = (support::allocations() - before) as f64 / 200.0;
    println!(
        "  allocations per loopback call: generated {generated:.1}, hand-written reqwest {hand:.1}"
    );
}
