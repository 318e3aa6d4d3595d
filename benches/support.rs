//! Shared pieces of the benchmarks: the reference Event, a counting allocator, a local
//! server and summary statistics.

#![allow(dead_code, unsafe_code)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;

/// The API reference's example Event.
pub(crate) const EVENT_JSON: &str = r#"{"applicationId":"575ec8687ae143cd83dc4a97","creationDate":"2016-06-13T04:00:00.000Z","deviceId":"575ecf887ae143cd83dc4aa2","deviceName":"My Device","eventId":"575ed0de7ae143cd83dc4aa5","eventTags":{"customKey":"customValue"},"id":"575ed0de7ae143cd83dc4aa5","lastUpdated":"2016-06-13T04:00:00.000Z","level":"info","message":"Power levels on device 432 have surpassed critical thresholds","sourceId":"575ed70c7ae143cd83dc4aa9","sourceName":"hello@example.com","sourceType":"user","state":"new","subject":"Power levels critical","updates":[]}"#;
pub(crate) const APP: &str = "575ec8687ae143cd83dc4a97";
pub(crate) const EVENT: &str = "575ed0de7ae143cd83dc4aa5";
pub(crate) const TOKEN: &str = "bench-token";

/// Counts every allocation of the process.
pub(crate) struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

// SAFETY: forwards to the system allocator unchanged; only counts calls.
#[allow(unsafe_code)]
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Allocations so far.
pub(crate) fn allocations() -> u64 {
    ALLOCATIONS.load(Ordering::Relaxed)
}

/// `(min, median, max)` of `values`.
pub(crate) fn summary(values: &[f64]) -> (f64, f64, f64) {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    (
        sorted[0],
        sorted[sorted.len() / 2],
        sorted[sorted.len() - 1],
    )
}

/// A headers map as every client of the benchmarks sends it.
pub(crate) fn default_headers() -> reqwest::header::HeaderMap {
    use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderMap, HeaderValue, USER_AGENT};
    let mut headers = HeaderMap::new();
    let mut auth = HeaderValue::from_str(&format!("Bearer {TOKEN}")).unwrap();
    auth.set_sensitive(true);
    headers.insert(AUTHORIZATION, auth);
    headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
    headers.insert("accept-version", HeaderValue::from_static("^1.30.0"));
    headers.insert(USER_AGENT, HeaderValue::from_static("losant-core/0.1.0"));
    headers
}

/// Starts a local HTTP/1.1 server on 127.0.0.1, on its own runtime thread (so that its
/// work stays off the measured runtime), answering every request with `answer`; returns
/// its address.
pub(crate) fn serve<F, Fut>(answer: F) -> SocketAddr
where
    F: Fn(hyper::Request<hyper::body::Incoming>) -> Fut + Clone + Send + 'static,
    Fut: Future<Output = hyper::Response<Full<Bytes>>> + Send + 'static,
{
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                let (stream, _) = listener.accept().await.unwrap();
                stream.set_nodelay(true).unwrap();
                let answer = answer.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request| {
                        let answered = answer(request);
                        async move { Ok::<_, Infallible>(answered.await) }
                    });
                    let _ = http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().unwrap()
}
