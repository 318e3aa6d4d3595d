//! Client CPU and allocations per call, no network: building and encoding the GET and
//! PATCH requests and decoding the reference Event, through the generated code (with
//! a transport that builds the reqwest request and returns a canned answer) and
//! written by hand with reqwest and `serde_json`. All variants run in one process,
//! interleaved, and are reported as ratios.
//!
//! `cargo bench -p losant-benches --bench client_cpu`; `BENCH_ONLY=<variant>` runs one
//! variant `BENCH_COUNT` times (default 20000), for `valgrind --tool=callgrind`.

#[path = "support.rs"]
mod support;

use std::hint::black_box;
use std::time::Instant;

use bytes::Bytes;
use losant_core::{ApplicationId, EventId, Request, Response, Result, Transport, async_trait};
use losant_events::{Event, EventApi, EventPatch, EventState};
use serde::Serialize;
use support::{APP, EVENT, EVENT_JSON, summary};

#[global_allocator]
static ALLOCATOR: support::Counting = support::Counting;

const BASE: &str = "https://api.losant.com";

/// Builds the reqwest request exactly as `Client` does, then answers the canned Event.
struct Canned {
    http: reqwest::Client,
    body: Bytes,
}

#[async_trait]
impl Transport for Canned {
    async fn send(&self, mut request: Request) -> Result<Response> {
        let mut url = String::with_capacity(BASE.len() + request.path_and_query().len());
        url.push_str(BASE);
        url.push_str(request.path_and_query());
        let method = match request.method() {
            losant_core::Method::Get => reqwest::Method::GET,
            losant_core::Method::Patch => reqwest::Method::PATCH,
            _ => reqwest::Method::DELETE,
        };
        let mut builder = self.http.request(method, url);
        for (name, value) in request.headers() {
            builder = builder.header(*name, value.as_str());
        }
        if let Some(body) = request.take_body() {
            builder = builder
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body);
        }
        black_box(builder.build().unwrap());
        Ok(Response::new(200, self.body.clone()))
    }
}

#[derive(Serialize)]
struct HandPatch {
    state: &'static str,
    comment: &'static str,
}

fn hand_get(http: &reqwest::Client, body: &Bytes, app: &str, event: &str) -> Event {
    let request = http
        .get(format!("{BASE}/applications/{app}/events/{event}"))
        .build()
        .unwrap();
    black_box(request);
    serde_json::from_slice(body).unwrap()
}

fn hand_patch(http: &reqwest::Client, body: &Bytes, app: &str, event: &str) -> Event {
    let patch = HandPatch {
        state: "acknowledged",
        comment: "Looking into this issue",
    };
    let request = http
        .patch(format!("{BASE}/applications/{app}/events/{event}"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::to_vec(&patch).unwrap())
        .build()
        .unwrap();
    black_box(request);
    serde_json::from_slice(body).unwrap()
}

struct Setup {
    runtime: tokio::runtime::Runtime,
    canned: Canned,
    http: reqwest::Client,
    body: Bytes,
    app: ApplicationId,
    event: EventId,
    patch: EventPatch,
}

const VARIANTS: [&str; 4] = ["generated_get", "hand_get", "generated_patch", "hand_patch"];

impl Setup {
    fn new() -> Self {
        // reqwest is built without a crypto provider of its own.
        losant_core::install_crypto_provider();
        let http = reqwest::Client::builder()
            .default_headers(support::default_headers())
            .build()
            .unwrap();
        let body = Bytes::from_static(EVENT_JSON.as_bytes());
        Setup {
            runtime: tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap(),
            canned: Canned {
                http: http.clone(),
                body: body.clone(),
            },
            http,
            body,
            app: APP.parse().unwrap(),
            event: EVENT.parse().unwrap(),
            patch: EventPatch::new()
                .state(EventState::Acknowledged)
                .comment("Looking into this issue"),
        }
    }

    /// Runs `count` calls of `variant`.
    fn run(&self, variant: &str, count: u32) {
        let (app, event) = (&self.app, &self.event);
        self.runtime.block_on(async {
            for _ in 0..count {
                let decoded = match variant {
                    "generated_get" => self.canned.get_event(app, event).await.unwrap(),
                    "hand_get" => hand_get(&self.http, &self.body, APP, EVENT),
                    "generated_patch" => self
                        .canned
                        .patch_event(app, event, &self.patch)
                        .await
                        .unwrap(),
                    _ => hand_patch(&self.http, &self.body, APP, EVENT),
                };
                black_box(decoded);
            }
        });
    }

    fn nanos_per_call(&self, variant: &str, count: u32) -> f64 {
        let started = Instant::now();
        self.run(variant, count);
        started.elapsed().as_secs_f64() * 1e9 / f64::from(count)
    }

    fn allocations_per_call(&self, variant: &str) -> f64 {
        self.run(variant, 10);
        let before = support::allocations();
        self.run(variant, 1000);
        (support::allocations() - before) as f64 / 1000.0
    }
}

fn main() {
    let setup = Setup::new();
    if let Ok(only) = std::env::var("BENCH_ONLY") {
        assert!(
            VARIANTS.contains(&only.as_str()),
            "BENCH_ONLY is one of {VARIANTS:?}"
        );
        let count = std::env::var("BENCH_COUNT").map_or(20_000, |c| c.parse().unwrap());
        setup.run(&only, count);
        return;
    }
    // `cargo test --benches` runs this with --bench absent: one quick pass.
    let quick = !std::env::args().any(|a| a == "--bench");
    let (rounds, count) = if quick { (1, 100) } else { (15, 20_000) };
    for variant in VARIANTS {
        setup.run(variant, count / 10);
    }
    println!("client CPU per call, no network ({rounds} interleaved rounds of {count} calls)");
    for (generated, hand) in [
        ("generated_get", "hand_get"),
        ("generated_patch", "hand_patch"),
    ] {
        let mut generated_ns = Vec::new();
        let mut hand_ns = Vec::new();
        let mut ratios = Vec::new();
        for _ in 0..rounds {
            let g = setup.nanos_per_call(generated, count);
            let h = setup.nanos_per_call(hand, count);
            generated_ns.push(g);
            hand_ns.push(h);
            ratios.push(g / h);
        }
        let (g_min, g_med, g_max) = summary(&generated_ns);
        let (h_min, h_med, h_max) = summary(&hand_ns);
        let (r_min, r_med, r_max) = summary(&ratios);
        println!("  {generated:<16} ns/call min {g_min:>7.0} median {g_med:>7.0} max {g_max:>7.0}");
        println!("  {hand:<16} ns/call min {h_min:>7.0} median {h_med:>7.0} max {h_max:>7.0}");
        println!("  ratio generated/hand      min {r_min:.3} median {r_med:.3} max {r_max:.3}");
        println!(
            "  allocations per call: generated {:.1}, hand-written {:.1}",
            setup.allocations_per_call(generated),
            setup.allocations_per_call(hand)
        );
    }
}
