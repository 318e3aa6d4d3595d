//! Serving connections: HTTP/1.1 through hyper with its header-read timeout, a cap on
//! open connections, and a graceful stop.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};

/// Largest request head hyper buffers; the sandbox's own (smaller) limits answer in
/// Losant's shape before it is reached.
const MAX_HEAD_BUFFER: usize = 256 * 1024;
/// Most headers hyper parses; the sandbox's own limit is lower.
const MAX_PARSED_HEADERS: usize = 256;
/// How long a stop waits for connections that are answering.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Limits that keep slow or idle clients from holding the sandbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServerLimits {
    /// Time a connection has to send a request's headers, counted from when the
    /// server starts waiting for them: a slow client is dropped after it, and so is a
    /// kept-alive connection that stays idle that long (hyper's
    /// `header_read_timeout`, which covers the idle time before the next request).
    pub header_timeout: Duration,
    /// Longest pause while a request body arrives (tower-http's body timeout): 408.
    pub body_timeout: Duration,
    /// Longest time to answer one request, its body included (tower-http's
    /// `TimeoutLayer`): 408.
    pub request_timeout: Duration,
    /// Most connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// Largest request body: 413.
    pub max_body_bytes: usize,
}

impl Default for ServerLimits {
    /// 10 s for headers (and idle keep-alive), 10 s of body silence, 30 s a request,
    /// 256 connections, and request bodies up to the client's response limit (16 MiB).
    fn default() -> Self {
        ServerLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            max_connections: 256,
            max_body_bytes: losant_core::DEFAULT_MAX_RESPONSE_BYTES,
        }
    }
}

/// Accepts connections until `stop` fires, then lets open ones finish their answers.
pub(crate) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServerLimits,
    mut stop: oneshot::Receiver<()>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(MAX_HEAD_BUFFER)
        .max_headers(MAX_PARSED_HEADERS);
    loop {
        let slot = tokio::select! {
            slot = Arc::clone(&slots).acquire_owned() => slot,
            _ = &mut stop => break,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            _ = &mut stop => break,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                // Out of file descriptors, or a connection reset before it was
                // accepted: wait a little instead of spinning.
                eprintln!("losant-sandbox: cannot accept a connection: {error}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = TowerToHyperService::new(router.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            // A failed connection (a reset, a timeout) concerns that client only.
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(STOP_GRACE) => {}
    }
}
