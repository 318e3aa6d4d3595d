//! Streams and uploads, measured:
//! - server-sent events decoded per second: `device.stateStream` through the generated
//!   `state_stream_device` (an `EventStream<DeviceState>`), against a hand-written
//!   reqwest + `sse-stream` loop decoding the same messages into its own plain type,
//!   over the same local stream of `MESSAGES` `deviceState` messages, in interleaved
//!   rounds (min / median / max, and the ratio of the medians);
//! - the peak heap of a file uploaded with `upload_file(FilePart::path(..))` to a local
//!   server that discards it, for files of 10 MB and 100 MB: constant in the file's size.
//!
//! `cargo bench -p losant-benches --bench streams`

#[path = "support.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use losant::prelude::*;
use losant::{ApplicationId, Client, DeviceId, FileId, FilePart};
use support::{APP, TOKEN};

/// The system allocator, counting the bytes in use and their peak.
struct Peak;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Peak {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is the system allocator's.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as above.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                let grown = new_size - layout.size();
                let now = IN_USE.fetch_add(grown, Ordering::Relaxed) + grown;
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Peak = Peak;

const DEVICE: &str = "575ecf887ae143cd83dc4aa2";
const MESSAGES: usize = 50_000;
const ROUNDS: usize = 7;

/// `MESSAGES` state messages, with a keep-alive comment every 100.
fn stream_body() -> Bytes {
    use std::fmt::Write as _;
    let mut body = String::new();
    for n in 0..MESSAGES {
        if n % 100 == 0 {
            body.push_str(":keepalive\n\n");
        }
        let _ = write!(
            body,
            "event: deviceState\ndata: {{\"time\":\"2026-12-05T10:00:00.000Z\",\"data\":{{\"temperature\":{}.5,\"humidity\":{},\"running\":true}}}}\n\n",
            20 + n % 10,
            40 + n % 20
        );
    }
    Bytes::from(body)
}

/// Answers a state stream with the whole body, and any other request (an upload)
/// by reading its body and dropping it.
fn start_server() -> SocketAddr {
    let events = stream_body();
    support::serve(move |request| {
        let events = events.clone();
        async move {
            if request.uri().path().ends_with("/stateStream") {
                return hyper::Response::builder()
                    .header("content-type", "text/event-stream")
                    .body(Full::new(events))
                    .unwrap();
            }
            let mut body = request.into_body();
            while let Some(frame) = body.frame().await {
                drop(frame);
            }
            hyper::Response::builder()
                .header("content-type", "application/json")
                .body(Full::new(Bytes::from_static(b"{}")))
                .unwrap()
        }
    })
}

/// What the hand-written loop decodes: its own plain type.
#[derive(serde::Deserialize)]
struct HandState {
    #[allow(dead_code)]
    time: Option<String>,
    data: BTreeMap<String, serde_json::Value>,
}

async fn generated(client: &Client) -> usize {
    let app: ApplicationId = APP.parse().unwrap();
    let device: DeviceId = DEVICE.parse().unwrap();
    let mut states = client
        .state_stream_device(&app, &device)
        .reconnect(false)
        .await
        .unwrap();
    let mut seen = 0;
    while seen < MESSAGES {
        let state = states.try_next().await.unwrap().unwrap();
        std::hint::black_box(state.data.len());
        seen += 1;
    }
    seen
}

async fn hand_written(http: &reqwest::Client, base: &str) -> usize {
    use futures_util::StreamExt;
    let url = format!("{base}/applications/{APP}/devices/{DEVICE}/stateStream");
    let response = http
        .get(url)
        .bearer_auth(TOKEN)
        .header("accept", "text/event-stream")
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap();
    let mut events = sse_stream::SseStream::from_bytes_stream(response.bytes_stream());
    let mut seen = 0;
    while seen < MESSAGES {
        let sse = events.next().await.unwrap().unwrap();
        if sse.event.as_deref() != Some("deviceState") {
            continue;
        }
        let state: HandState = serde_json::from_str(sse.data.as_deref().unwrap_or("")).unwrap();
        std::hint::black_box(state.data.len());
        seen += 1;
    }
    seen
}

/// The peak heap growth while `upload_file` sends a file of `size` bytes.
async fn upload_peak(client: &Client, size: usize) -> usize {
    let path =
        std::env::temp_dir().join(format!("losant-bench-upload-{}-{size}", std::process::id()));
    {
        use std::io::Write;
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        let block = vec![0x5a_u8; 1 << 20];
        for _ in 0..size / block.len() {
            file.write_all(&block).unwrap();
        }
    }
    let app: ApplicationId = APP.parse().unwrap();
    let id: FileId = "575ec7417ae143cd83dc4a96".parse().unwrap();
    let baseline = IN_USE.load(Ordering::SeqCst);
    PEAK.store(baseline, Ordering::SeqCst);
    client
        .upload_file(&app, &id, FilePart::path(&path).unwrap())
        .await
        .unwrap();
    let growth = PEAK.load(Ordering::SeqCst) - baseline;
    std::fs::remove_file(&path).unwrap();
    growth
}

fn main() {
    let addr = start_server();
    let base = format!("http://{addr}");
    let runtime = tokio::runtime::Builder::new_current_thread()
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
    let mut rates: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    runtime.block_on(async {
        generated(&client).await;
        hand_written(&http, &base).await;
        for _ in 0..ROUNDS {
            let start = Instant::now();
            let seen = generated(&client).await;
            rates[0].push(seen as f64 / start.elapsed().as_secs_f64());
            let start = Instant::now();
            let seen = hand_written(&http, &base).await;
            rates[1].push(seen as f64 / start.elapsed().as_secs_f64());
        }
    });
    println!("server-sent events: {MESSAGES} deviceState messages a stream, {ROUNDS} rounds");
    println!("| reader | messages/s (min / median / max) |");
    println!("|---|---|");
    let mut medians = Vec::new();
    for (name, values) in [
        "generated EventStream<DeviceState>",
        "hand-written reqwest + sse-stream",
    ]
    .iter()
    .zip(&rates)
    {
        let (min, median, max) = support::summary(values);
        medians.push(median);
        println!("| {name} | {min:.0} / {median:.0} / {max:.0} |");
    }
    println!(
        "generated / hand-written (medians): {:.2}",
        medians[0] / medians[1]
    );

    println!();
    println!("peak heap growth of a streamed upload (FilePart::path):");
    for size in [10 << 20, 100 << 20] {
        let growth = runtime.block_on(upload_peak(&client, size));
        println!("  {} MiB file: {growth} bytes", size >> 20);
    }
}
